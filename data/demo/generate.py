#!/usr/bin/env python3
"""Generate the FICTIONAL demo region used by `footprint` examples and tests.

Stdlib only and fully deterministic: running it twice gives byte-identical
files.  Usage (from anywhere):

    python3 data/demo/generate.py

Writes, next to this script:

    councils.geojson    8 local authorities          (LADCD, LADNM)
    ccgs.geojson        5 clinical commissioning groups (CCGCD, CCGNM)
    footprints.geojson  3 proposed planning footprints / STPs (STPCD, STPNM)
    trusts.geojson      3 hospital-trust catchments   (TRUSTCD, TRUSTNM)
    neighbourhoods.geojson 140 small areas, one per cell, each whole in one
                        council (NBHCD, NBHNM), like LSOAs: for
                        `coterminosity --small-areas`
    councils_next.geojson  the councils' next edition (LADCD, LADNM): a merger,
                        a split, a boundary change, a rename and a recode
    population.csv      lon,lat,population points
    ccg_footprints.csv  which CCGs make each footprint (unit_code,footprint_code,
                        footprint_name), for `footprint build`; CCG 5 is left out

and prints a self-check; exits non-zero if a designed property is missing.

Method
------
The region is a 14 x 10 grid of cells (about 4.7 km x 5.3 km).  Grid nodes
are perturbed deterministically, and every cell edge gets 5 intermediate
vertices with a deterministic sideways wiggle, so the "true" boundaries look
irregular.  Every feature of every layer is a set of cells; its polygon is the
union of its cells (shared edges cancel, the remaining directed edges are
chained into rings).

Each layer is "generalised separately": councils use the base vertex
positions, while the CCG, footprint and trust layers each add their own
deterministic per-vertex offset (at most MAX_DEV_KM = 150 m).  Within a layer
neighbouring features share exactly the same vertices, so each layer tiles
perfectly, but the same line on the ground differs between layers by up to
150 m, zig-zagging to both sides -- like real ONS generalised boundaries.

All geometry is built in a local equirectangular km frame centred on the
region (1 deg lat = 111.2 km, 1 deg lon = 111.3 * cos(52.25 deg) km) and then
converted to WGS84 lon/lat.  Areas printed below use the same frame.
"""

import csv
import hashlib
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------
# Frame
# --------------------------------------------------------------------------
NX, NY = 14, 10
LON_W, LON_E = -1.98, -1.02
LAT_S, LAT_N = 52.01, 52.49
LAT_REF = (LAT_S + LAT_N) / 2.0
KM_PER_DEG_LAT = 111.2
KM_PER_DEG_LON = 111.3 * math.cos(math.radians(LAT_REF))
CW = (LON_E - LON_W) * KM_PER_DEG_LON / NX  # cell width, km
CH = (LAT_N - LAT_S) * KM_PER_DEG_LAT / NY  # cell height, km

NODE_JITTER = 0.22      # fraction of a cell by which grid nodes move
N_MID = 5               # intermediate vertices per cell edge
WIGGLE = 0.05           # sideways wiggle of intermediate vertices, fraction of edge length
NODE_NOISE_KM = 0.09    # per-layer node offset (councils: none)
MID_NOISE_KM = 0.08     # per-layer extra sideways noise of intermediate vertices
MAX_DEV_KM = 0.15       # cap on any vertex's offset from the council line
POINT_MARGIN = 0.15     # population points keep this fraction of a cell away from edges


def rng(*key):
    """A random.Random seeded only by `key` (independent of PYTHONHASHSEED)."""
    digest = hashlib.sha256(repr(("footprint-demo-v1",) + key).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def to_lonlat(p):
    x, y = p
    return (round(LON_W + x / KM_PER_DEG_LON, 6), round(LAT_S + y / KM_PER_DEG_LAT, 6))


# --------------------------------------------------------------------------
# Design.  Maps are written north at the top: the first line is row 9.
# --------------------------------------------------------------------------
COUNCIL_MAP = """
AAAABBBBFFFGGG
AAAABBBBFFFGGG
AAAABBBEFFGGGG
AAADDBEEEFGGGG
CCDDDDEEEEEGGG
CCDDDDEEEEEGGG
CCCDDDEEEEEHHH
CCCDDDDEEEEHHH
CCCCDDDEEEEHHH
CCCCCDDEEEEHHH
"""

# Council D (Oakhurst and Wendle) is split: its cells in columns 0-4
# ("Oakhurst") go to CCG 2, columns 5-6 ("Wendle") to CCG 3.
CCG_MAP = """
11111111444444
11111111444444
11111113444444
11122133344444
22222333333444
22222333333444
22222333333555
22222333333555
22222333333555
22222333333555
"""

TRUST_MAPS = {
    "XR1": """
..............
..............
..............
...##.........
..######......
..######......
..######......
..#####.......
..#####.......
...####.......
""",
    "XR2": """
########......
########......
#######.......
######........
##............
##............
##............
..............
..............
..............
""",
    "XR3": """
...........###
...........###
..........####
..........####
...........###
...........###
..............
..............
..............
..............
""",
}

COUNCILS = [  # letter, code, name
    ("A", "X07000001", "Ashcombe"),
    ("B", "X07000002", "Kingsmere"),
    ("C", "X07000003", "Fennimore Vale"),
    ("D", "X07000004", "Oakhurst and Wendle"),
    ("E", "X07000005", "Castlebridge"),
    ("F", "X07000006", "Stanmoor"),
    ("G", "X07000007", "Northwick"),
    ("H", "X07000008", "Greywater"),
]

# The councils' next edition ("generalised separately", like any other layer):
# A + B merge into M; D splits into O (its columns 0-4) and W (columns 5-6);
# one cell of H goes to E (a boundary change of both); C is renamed; F is
# recoded; G is unchanged.
COUNCIL_NEXT_MAP = """
MMMMMMMMFFFGGG
MMMMMMMMFFFGGG
MMMMMMMEFFGGGG
MMMOOMEEEFGGGG
CCOOOWEEEEEGGG
CCOOOWEEEEEGGG
CCCOOWEEEEEEHH
CCCOOWWEEEEHHH
CCCCOWWEEEEHHH
CCCCCWWEEEEHHH
"""

COUNCILS_NEXT = [  # letter, code, name
    ("M", "X06000001", "Ashcombe and Kingsmere"),
    ("C", "X07000003", "Fennimore"),
    ("O", "X07000009", "Oakhurst"),
    ("W", "X07000010", "Wendle"),
    ("E", "X07000005", "Castlebridge"),
    ("F", "X07000011", "Stanmoor"),
    ("G", "X07000007", "Northwick"),
    ("H", "X07000008", "Greywater"),
]

CCGS = [  # digit, code, name
    ("1", "X38000001", "NHS Ashcombe and Kingsmere CCG"),
    ("2", "X38000002", "NHS Fennimore and Oakhurst CCG"),
    ("3", "X38000003", "NHS Castlebridge and Wendle CCG"),
    ("4", "X38000004", "NHS Stanmoor and Northwick CCG"),
    ("5", "X38000005", "NHS Greywater CCG"),
]

# Footprints are built from CCGs; footprint 2 additionally claims council F
# (Stanmoor), which footprint 3 also has via CCG 4 -> the designed overlap.
# CCG 5 (= council H, Greywater) is in no footprint -> the designed gap.
FOOTPRINTS = [  # code, name, CCG digits, extra council letters
    ("X54000001", "Ashcombe, Kingsmere and Fennimore", ["1", "2"], []),
    ("X54000002", "Castlebridge, Wendle and Stanmoor", ["3"], ["F"]),
    ("X54000003", "Northwick and Stanmoor", ["4"], []),
]

TRUSTS = [  # code, name
    ("XR1", "Castlebridge Hospitals NHS Foundation Trust"),
    ("XR2", "Ashcombe and Kingsmere Hospitals NHS Foundation Trust"),
    ("XR3", "Northwick General Hospitals NHS Foundation Trust"),
]

# Towns: name, council letter, centre (grid units: x = column, y = row),
# spread (grid units), number of points, population range per point,
# optional set of cells to avoid (filled in below).
TOWNS = [
    ("Castlebridge", "E", (7.0, 4.5), 0.55, 45, (1500, 4500)),
    ("Ashcombe", "A", (2.2, 8.3), 0.50, 30, (1000, 3500)),
    ("Northwick", "G", (12.0, 7.5), 0.50, 30, (1000, 3500)),
    ("Fennimore", "C", (0.9, 1.8), 0.50, 20, (800, 2500)),
    ("Kingsmere", "B", (5.6, 8.5), 0.45, 15, (600, 2000)),
    ("Stanmoor", "F", (9.3, 8.4), 0.45, 15, (600, 2000)),
    ("Greywater", "H", (12.3, 1.8), 0.45, 15, (600, 2000)),
    ("Oakhurst", "D", (3.5, 4.5), 0.45, 12, (500, 1800)),
]
N_RURAL = 70
RURAL_POP = (30, 400)


def parse_map(text):
    rows = [r for r in text.strip("\n").split("\n")]
    assert len(rows) == NY, "map must have %d rows" % NY
    out = {}
    for k, row in enumerate(rows):
        assert len(row) == NX, "map row must have %d columns: %r" % (NX, row)
        j = NY - 1 - k
        for i, ch in enumerate(row):
            out[(i, j)] = ch
    return out


ALL_CELLS = [(i, j) for j in range(NY) for i in range(NX)]
council_of = parse_map(COUNCIL_MAP)
ccg_of = parse_map(CCG_MAP)

council_cells = {L: {c for c in ALL_CELLS if council_of[c] == L} for L, _, _ in COUNCILS}


def neighbourhoods():
    """One small area per cell, numbered within its council from the north-west, as ONS
    names LSOAs ("Ashcombe 001"); codes X01000001... in the same order."""
    out = []
    for L, _, name in COUNCILS:
        cells = sorted(council_cells[L], key=lambda c: (-c[1], c[0]))
        for k, c in enumerate(cells):
            out.append(("%s %03d" % (name, k + 1), c))
    return [({"NBHCD": "X01%06d" % (k + 1), "NBHNM": name}, {c}) for k, (name, c) in enumerate(out)]


ccg_cells = {d: {c for c in ALL_CELLS if ccg_of[c] == d} for d, _, _ in CCGS}
next_of = parse_map(COUNCIL_NEXT_MAP)
next_cells = {L: {c for c in ALL_CELLS if next_of[c] == L} for L, _, _ in COUNCILS_NEXT}
fp_cells = {}
for code, _, ccgs, extra in FOOTPRINTS:
    s = set()
    for d in ccgs:
        s |= ccg_cells[d]
    for L in extra:
        s |= council_cells[L]
    fp_cells[code] = s
trust_cells = {}
for code, _ in TRUSTS:
    m = parse_map(TRUST_MAPS[code])
    trust_cells[code] = {c for c in ALL_CELLS if m[c] == "#"}

# --------------------------------------------------------------------------
# Vertices
# --------------------------------------------------------------------------
_base_node = {}


def base_node(i, j):
    if (i, j) not in _base_node:
        r = rng("node", i, j)
        _base_node[(i, j)] = (i * CW + r.uniform(-NODE_JITTER, NODE_JITTER) * CW,
                              j * CH + r.uniform(-NODE_JITTER, NODE_JITTER) * CH)
    return _base_node[(i, j)]


def node_offset(layer, i, j):
    if layer == "councils":
        return (0.0, 0.0)
    r = rng("node-offset", layer, i, j)
    ang = r.uniform(0.0, 2.0 * math.pi)
    rad = NODE_NOISE_KM * r.uniform(0.3, 1.0)
    return (rad * math.cos(ang), rad * math.sin(ang))


def edge_ends(key):
    kind, i, j = key
    return ((i, j), (i + 1, j)) if kind == "h" else ((i, j), (i, j + 1))


_pos_cache = {}


def edge_mids(layer, key):
    """Positions of the N_MID intermediate vertices of an edge, in canonical order."""
    (ia, ja), (ib, jb) = edge_ends(key)
    pa, pb = base_node(ia, ja), base_node(ib, jb)
    dx, dy = pb[0] - pa[0], pb[1] - pa[1]
    length = math.hypot(dx, dy)
    perp = (-dy / length, dx / length)
    r = rng("edge", key)
    ts = [(k + 1 + r.uniform(-0.25, 0.25)) / (N_MID + 1) for k in range(N_MID)]
    ws = [r.uniform(-1.0, 1.0) * WIGGLE * length for _ in range(N_MID)]
    oa, ob = node_offset(layer, ia, ja), node_offset(layer, ib, jb)
    rl = rng("edge-noise", layer, key)
    out = []
    for t, w in zip(ts, ws):
        bx = pa[0] + dx * t + perp[0] * w
        by = pa[1] + dy * t + perp[1] * w
        if layer != "councils":
            n = rl.uniform(-MID_NOISE_KM, MID_NOISE_KM)
            ox = oa[0] + (ob[0] - oa[0]) * t + perp[0] * n
            oy = oa[1] + (ob[1] - oa[1]) * t + perp[1] * n
            d = math.hypot(ox, oy)
            if d > MAX_DEV_KM:
                ox, oy = ox * MAX_DEV_KM / d, oy * MAX_DEV_KM / d
            bx, by = bx + ox, by + oy
        out.append((bx, by))
    return out


def pos(layer, vid):
    """Position (km) of vertex id `vid` in `layer`."""
    k = (layer, vid)
    if k not in _pos_cache:
        if vid[0] == "n":
            _, i, j = vid
            b = base_node(i, j)
            o = node_offset(layer, i, j)
            _pos_cache[k] = (b[0] + o[0], b[1] + o[1])
        else:
            _, kind, i, j, m = vid
            _pos_cache[k] = edge_mids(layer, (kind, i, j))[m]
    return _pos_cache[k]


def cell_ring_ids(c):
    """Vertex ids of cell c, counter-clockwise, not closed."""
    i, j = c
    ring = [("n", i, j)]
    ring += [("e", "h", i, j, m) for m in range(N_MID)]
    ring += [("n", i + 1, j)]
    ring += [("e", "v", i + 1, j, m) for m in range(N_MID)]
    ring += [("n", i + 1, j + 1)]
    ring += [("e", "h", i, j + 1, m) for m in reversed(range(N_MID))]
    ring += [("n", i, j + 1)]
    ring += [("e", "v", i, j, m) for m in reversed(range(N_MID))]
    return ring


def signed_area(pts):
    """Shoelace; pts not closed."""
    s = 0.0
    n = len(pts)
    for k in range(n):
        x1, y1 = pts[k]
        x2, y2 = pts[(k + 1) % n]
        s += x1 * y2 - x2 * y1
    return s / 2.0


def point_in_ring(p, ring):
    """Even-odd test; ring not closed."""
    x, y = p
    inside = False
    n = len(ring)
    for k in range(n):
        x1, y1 = ring[k]
        x2, y2 = ring[(k + 1) % n]
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if xi > x:
                inside = not inside
    return inside


CELL_AREA = {c: signed_area([pos("councils", v) for v in cell_ring_ids(c)]) for c in ALL_CELLS}
REGION_AREA = sum(CELL_AREA.values())


# --------------------------------------------------------------------------
# Union of cells -> MultiPolygon
# --------------------------------------------------------------------------
class DesignError(Exception):
    pass


def union_rings(cells):
    """Vertex-id rings (not closed) bounding the union of `cells`."""
    segs = set()
    for c in cells:
        ids = cell_ring_ids(c)
        for k in range(len(ids)):
            a, b = ids[k], ids[(k + 1) % len(ids)]
            if (b, a) in segs:
                segs.remove((b, a))
            else:
                segs.add((a, b))
    nxt = {}
    for a, b in segs:
        if a in nxt:
            raise DesignError("pinch (cells touching only at a corner) at %r" % (a,))
        nxt[a] = b
    rings = []
    remaining = set(nxt)
    while remaining:
        start = min(remaining)
        ring = [start]
        remaining.discard(start)
        v = nxt[start]
        while v != start:
            ring.append(v)
            remaining.discard(v)
            v = nxt[v]
        rings.append(ring)
    return rings


def multipolygon(layer, cells):
    """(GeoJSON coordinates, list of km polygons) for the union of `cells`."""
    rings = [[pos(layer, v) for v in r] for r in union_rings(cells)]
    shells = [r for r in rings if signed_area(r) > 0]
    holes = [r for r in rings if signed_area(r) < 0]
    shells.sort(key=signed_area, reverse=True)
    polys = [[s] for s in shells]
    for h in holes:
        for poly in sorted(polys, key=lambda p: signed_area(p[0])):
            if point_in_ring(h[0], poly[0]):
                poly.append(h)
                break
        else:
            raise DesignError("hole without shell")
    coords = []
    for poly in polys:
        pc = []
        for r in poly:
            ll = [list(to_lonlat(p)) for p in r]
            ll.append(list(ll[0]))
            pc.append(ll)
        coords.append(pc)
    return coords, polys


# --------------------------------------------------------------------------
# Geometry validation (on the rounded lon/lat output)
# --------------------------------------------------------------------------
def _orient(a, b, c):
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _seg_intersect(p1, p2, p3, p4):
    d1, d2 = _orient(p3, p4, p1), _orient(p3, p4, p2)
    d3, d4 = _orient(p1, p2, p3), _orient(p1, p2, p4)
    if ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 and d2 and d3 and d4:
        return True

    def on(a, b, p, d):
        return d == 0 and min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and \
            min(a[1], b[1]) <= p[1] <= max(a[1], b[1])
    return on(p3, p4, p1, d1) or on(p3, p4, p2, d2) or on(p1, p2, p3, d3) or on(p1, p2, p4, d4)


def validate_multipolygon(name, coords, problems):
    segs = []
    seen = set()
    for pi, poly in enumerate(coords):
        for ri, ring in enumerate(poly):
            if ring[0] != ring[-1]:
                problems.append("%s: ring not closed" % name)
            if len(ring) < 4:
                problems.append("%s: ring too short" % name)
            ll = [tuple(p) for p in ring[:-1]]
            for k in range(len(ll)):
                if ll[k] == ll[(k + 1) % len(ll)]:
                    problems.append("%s: duplicate consecutive vertex" % name)
                if ll[k] in seen:
                    problems.append("%s: vertex %r used twice (touching rings)" % (name, ll[k]))
                seen.add(ll[k])
            a = signed_area(ll)
            if (ri == 0) != (a > 0):
                problems.append("%s: ring %d/%d has wrong orientation" % (name, pi, ri))
            for k in range(len(ll)):
                segs.append((ll[k], ll[(k + 1) % len(ll)], (pi, ri, k, len(ll))))
    # pairwise segment test with bounding-box pruning
    boxes = [(min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1])) for a, b, _ in segs]
    order = sorted(range(len(segs)), key=lambda s: boxes[s][0])
    for oi, s in enumerate(order):
        a, b, (pi, ri, k, n) = segs[s]
        bs = boxes[s]
        for t in order[oi + 1:]:
            bt = boxes[t]
            if bt[0] > bs[1]:
                break
            if bt[3] < bs[2] or bt[2] > bs[3]:
                continue
            c, d, (pj, rj, m, _) = segs[t]
            if (pi, ri) == (pj, rj) and (abs(k - m) == 1 or abs(k - m) == n - 1):
                continue  # adjacent segments share an endpoint
            if _seg_intersect(a, b, c, d):
                problems.append("%s: self-intersection" % name)
                return


# --------------------------------------------------------------------------
# Population
# --------------------------------------------------------------------------
def cell_point(c, u, v):
    """Bilinear point inside cell c (base node positions), u, v in [0, 1]."""
    i, j = c
    p00, p10 = base_node(i, j), base_node(i + 1, j)
    p01, p11 = base_node(i, j + 1), base_node(i + 1, j + 1)
    x = (1 - u) * (1 - v) * p00[0] + u * (1 - v) * p10[0] + (1 - u) * v * p01[0] + u * v * p11[0]
    y = (1 - u) * (1 - v) * p00[1] + u * (1 - v) * p10[1] + (1 - u) * v * p01[1] + u * v * p11[1]
    return (x, y)


def make_population():
    """List of (lon, lat, population, cell)."""
    pts = []
    lo, hi = POINT_MARGIN, 1.0 - POINT_MARGIN
    avoid = {"Fennimore": trust_cells["XR1"]}  # keep Fennimore town out of the XR1 hinterland
    for name, letter, (cx, cy), sigma, n, (pmin, pmax) in TOWNS:
        r = rng("town", name)
        allowed = council_cells[letter] - avoid.get(name, set())
        made = 0
        while made < n:
            gx, gy = r.gauss(cx, sigma), r.gauss(cy, sigma)
            c = (int(math.floor(gx)), int(math.floor(gy)))
            u, v = gx - c[0], gy - c[1]
            if c not in allowed or not (lo <= u <= hi and lo <= v <= hi):
                continue
            d2 = ((gx - cx) ** 2 + (gy - cy) ** 2) / (sigma * sigma)
            popn = int(round((pmin + (pmax - pmin) * math.exp(-d2 / 2.0)) * r.uniform(0.8, 1.2)))
            lon, lat = to_lonlat(cell_point(c, u, v))
            pts.append((lon, lat, popn, c))
            made += 1
    r = rng("rural")
    for c in sorted(r.sample(ALL_CELLS, N_RURAL)):
        u, v = r.uniform(lo, hi), r.uniform(lo, hi)
        lon, lat = to_lonlat(cell_point(c, u, v))
        pts.append((lon, lat, r.randint(*RURAL_POP), c))
    return pts


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------
def write_fc(path, features):
    with open(path, "w", newline="\n") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        for k, feat in enumerate(features):
            json.dump(feat, f, separators=(",", ":"))
            f.write(",\n" if k + 1 < len(features) else "\n")
        f.write("]}\n")


def main():
    problems = []

    def check(cond, msg):
        if not cond:
            problems.append(msg)

    # ---- design sanity -------------------------------------------------
    for c in ALL_CELLS:
        if council_of[c] not in council_cells or ccg_of[c] not in ccg_cells:
            problems.append("unknown code in map at %r" % (c,))
    ccg_councils = {d: sorted({council_of[c] for c in ccg_cells[d]}) for d in ccg_cells}
    for L, code, _ in COUNCILS:
        in_ccgs = sorted({ccg_of[c] for c in council_cells[L]})
        check(len(in_ccgs) == (2 if L == "D" else 1),
              "council %s should be in %s CCG(s), is in %s" % (code, 2 if L == "D" else 1, in_ccgs))

    # ---- build layers ----------------------------------------------------
    layers = {
        "councils": [({"LADCD": code, "LADNM": name}, council_cells[L]) for L, code, name in COUNCILS],
        "ccgs": [({"CCGCD": code, "CCGNM": name}, ccg_cells[d]) for d, code, name in CCGS],
        "footprints": [({"STPCD": code, "STPNM": name}, fp_cells[code]) for code, name, _, _ in FOOTPRINTS],
        "trusts": [({"TRUSTCD": code, "TRUSTNM": name}, trust_cells[code]) for code, name in TRUSTS],
        "neighbourhoods": neighbourhoods(),
        "councils_next": [({"LADCD": code, "LADNM": name}, next_cells[L]) for L, code, name in COUNCILS_NEXT],
    }
    km_polys = {}
    print("== Geometry ==")
    for layer, feats in layers.items():
        out = []
        total = 0.0
        for props, cells in feats:
            name = "%s %s" % (layer, list(props.values())[0])
            try:
                coords, polys = multipolygon(layer, cells)
            except DesignError as e:
                problems.append("%s: %s" % (name, e))
                continue
            validate_multipolygon(name, coords, problems)
            km_polys[(layer, list(props.values())[0])] = polys
            a = sum(signed_area(r) for p in polys for r in p)
            cell_a = sum(signed_area([pos(layer, v) for v in cell_ring_ids(c)]) for c in cells)
            check(abs(a - cell_a) < 1e-6, "%s: polygon area != sum of its cells" % name)
            total += a
            nparts = len(coords)
            nholes = sum(len(p) - 1 for p in coords)
            out.append({"type": "Feature", "properties": props,
                        "geometry": {"type": "MultiPolygon", "coordinates": coords}})
            print("  %-11s %-10s %7.1f km2  parts=%d holes=%d vertices=%d" % (
                layer, list(props.values())[0], a, nparts, nholes,
                sum(len(r) - 1 for p in coords for r in p)))
        path = os.path.join(HERE, layer + ".geojson")
        write_fc(path, out)
        size = os.path.getsize(path)
        check(size < 150_000, "%s is %d bytes" % (path, size))
        print("  -> %s.geojson: %d features, %d bytes, summed feature area %.1f km2" % (
            layer, len(out), size, total))
        if layer in ("councils", "ccgs", "neighbourhoods", "councils_next"):
            layer_region = sum(signed_area([pos(layer, v) for v in cell_ring_ids(c)]) for c in ALL_CELLS)
            check(abs(total - layer_region) < 1e-6, "%s does not tile the region" % layer)

    # reload: valid JSON, MultiPolygon everywhere, no crs
    for layer in layers:
        with open(os.path.join(HERE, layer + ".geojson")) as f:
            fc = json.load(f)
        check(fc["type"] == "FeatureCollection" and "crs" not in fc, "%s: bad collection" % layer)
        for feat in fc["features"]:
            check(feat["geometry"]["type"] == "MultiPolygon", "%s: not MultiPolygon" % layer)

    # Inter-layer deviation of vertices (same vertex id, different layer).
    print("\n== Boundary noise (max vertex offset from the councils layer) ==")
    all_ids = set()
    for c in ALL_CELLS:
        all_ids.update(cell_ring_ids(c))
    for layer in ("ccgs", "footprints", "trusts", "neighbourhoods"):
        devs = [math.hypot(pos(layer, v)[0] - pos("councils", v)[0], pos(layer, v)[1] - pos("councils", v)[1])
                for v in all_ids]
        mx, mean = max(devs), sum(devs) / len(devs)
        print("  %-10s max %.0f m, mean %.0f m" % (layer, mx * 1000, mean * 1000))
        check(0.10 <= mx <= 0.16, "%s: max deviation %.0f m outside 100..160 m" % (layer, mx * 1000))
    crossings = count_crossings("footprints")
    print("  the councils and footprints versions of shared boundaries cross each other %d times" % crossings)

    # ---- councils vs footprints -----------------------------------------
    print("\n== Council area by footprint (cell counting, councils-layer cell areas) ==")
    print("  region area %.1f km2 (%d cells, mean cell %.1f km2, cell %.2f x %.2f km)" % (
        REGION_AREA, len(ALL_CELLS), REGION_AREA / len(ALL_CELLS), CW, CH))

    def area(cells):
        return sum(CELL_AREA[c] for c in cells)

    fp_codes = [f[0] for f in FOOTPRINTS]
    for L, code, name in COUNCILS:
        ca = area(council_cells[L])
        shares = {fc: area(council_cells[L] & fp_cells[fc]) / ca for fc in fp_codes}
        txt = ", ".join("%s %.0f%%" % (fc, 100 * s) for fc, s in shares.items() if s > 0) or "none"
        print("  %s %-20s %6.1f km2: %s" % (code, name, ca, txt))
        nz = [s for s in shares.values() if s > 0]
        if L == "D":
            check(len(nz) == 2 and all(0.3 <= s <= 0.7 for s in nz), "split council not 30-70%")
        elif L == "H":
            check(not nz, "gap council is covered")
        elif L == "F":
            check(len(nz) == 2 and all(s == 1.0 for s in nz), "overlap council not in two footprints")
        else:
            check(nz == [1.0], "council %s not whole in one footprint" % code)
    for L, code, name in COUNCILS:
        if L == "D":
            for d, ccode, cname in CCGS:
                part = council_cells[L] & ccg_cells[d]
                if part:
                    print("  split: %s %s part in %s (%s): %.1f km2, %d cells" % (
                        code, name, ccode, cname, area(part), len(part)))

    gap = [c for c in ALL_CELLS if not any(c in fp_cells[fc] for fc in fp_codes)]
    overlap = [c for c in ALL_CELLS if sum(c in fp_cells[fc] for fc in fp_codes) >= 2]
    gap_frac = area(gap) / REGION_AREA
    print("\n  gap: %d cells, %.1f km2 = %.1f%% of region; councils %s" % (
        len(gap), area(gap), 100 * gap_frac, sorted({council_of[c] for c in gap})))
    print("  overlap: %d cells, %.1f km2 = %.1f%% of region; councils %s; footprints %s" % (
        len(overlap), area(overlap), 100 * area(overlap) / REGION_AREA,
        sorted({council_of[c] for c in overlap}),
        sorted({fc for c in overlap for fc in fp_codes if c in fp_cells[fc]})))
    check(0.05 <= gap_frac <= 0.10, "gap %.1f%% not 5-10%%" % (100 * gap_frac))
    check(area(overlap) >= 100, "overlap too small")
    for fc in fp_codes:
        print("  footprint %s: %d cells, %.1f km2" % (fc, len(fp_cells[fc]), area(fp_cells[fc])))

    # ---- councils -> councils_next: the designed changes -------------------
    print("\n== Councils to their next edition (cell counting) ==")
    old_code = {L: code for L, code, _ in COUNCILS}
    new_code = {L: code for L, code, _ in COUNCILS_NEXT}
    links = {}
    for c in ALL_CELLS:
        k = (old_code[council_of[c]], new_code[next_of[c]])
        links[k] = links.get(k, 0.0) + CELL_AREA[c]
    for (o, n), a in sorted(links.items()):
        print("  %s -> %s: %6.1f km2" % (o, n, a))
    check(sorted(links) == sorted([
        ("X07000001", "X06000001"), ("X07000002", "X06000001"),
        ("X07000003", "X07000003"), ("X07000004", "X07000009"), ("X07000004", "X07000010"),
        ("X07000005", "X07000005"), ("X07000006", "X07000011"), ("X07000007", "X07000007"),
        ("X07000008", "X07000005"), ("X07000008", "X07000008")]),
        "councils_next: links not as designed")

    # ---- CCG -> footprint mapping, for `footprint build` ------------------
    ccg_code = {d: code for d, code, _ in CCGS}
    with open(os.path.join(HERE, "ccg_footprints.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit_code", "footprint_code", "footprint_name"])
        for code, name, ccgs, _ in FOOTPRINTS:
            for d in ccgs:
                w.writerow([ccg_code[d], code, name])

    # ---- population ------------------------------------------------------
    pts = make_population()
    with open(os.path.join(HERE, "population.csv"), "w", newline="\n") as f:
        f.write("lon,lat,population\n")
        for lon, lat, p, _ in pts:
            f.write("%.6f,%.6f,%d\n" % (lon, lat, p))
    total_pop = sum(p for _, _, p, _ in pts)
    print("\n== Population ==")
    print("  %d points, total population %d" % (len(pts), total_pop))
    check(150 <= len(pts) <= 300, "population point count %d" % len(pts))
    check(len({(lo, la) for lo, la, _, _ in pts}) == len(pts), "duplicate population points")

    # point-in-polygon against the real (rounded) layer geometry, checked against cells
    def pip_layer(layer, code, lonlat):
        x = (lonlat[0] - LON_W) * KM_PER_DEG_LON
        y = (lonlat[1] - LAT_S) * KM_PER_DEG_LAT
        inside = False
        for poly in km_polys[(layer, code)]:
            if point_in_ring((x, y), poly[0]) and not any(point_in_ring((x, y), h) for h in poly[1:]):
                inside = True
        return inside

    member_sets = {"councils": {code: council_cells[L] for L, code, _ in COUNCILS},
                   "ccgs": {code: ccg_cells[d] for d, code, _ in CCGS},
                   "footprints": fp_cells, "trusts": trust_cells}
    bad = 0
    for lon, lat, p, c in pts:
        for layer, sets in member_sets.items():
            for code, cells in sets.items():
                if pip_layer(layer, code, (lon, lat)) != (c in cells):
                    bad += 1
    check(bad == 0, "%d point-in-polygon results disagree with cell membership" % bad)
    in_council = sum(any(pip_layer("councils", code, (lo, la)) for _, code, _ in COUNCILS)
                     for lo, la, _, _ in pts)
    check(in_council == len(pts), "population points outside every council")
    print("  all points inside a council polygon: %s; PIP agrees with cells on every layer: %s" % (
        in_council == len(pts), bad == 0))
    for L, code, name in COUNCILS:
        cp = sum(p for _, _, p, c in pts if c in council_cells[L])
        n = sum(1 for _, _, _, c in pts if c in council_cells[L])
        print("  %s %-20s %4d points, population %7d" % (code, name, n, cp))

    # ---- trusts ------------------------------------------------------------
    print("\n== Trust catchments by footprint (area share / population share) ==")
    for code, name in TRUSTS:
        tc = trust_cells[code]
        ta = area(tc)
        tp = sum(p for _, _, p, c in pts if c in tc)
        parts = []
        a_sh, p_sh = {}, {}
        for fc in fp_codes:
            a_sh[fc] = area(tc & fp_cells[fc]) / ta
            p_sh[fc] = sum(p for _, _, p, c in pts if c in tc and c in fp_cells[fc]) / tp
            if a_sh[fc] > 0 or p_sh[fc] > 0:
                parts.append("%s area %.0f%% (%.1f km2) pop %.0f%% (%d)" % (
                    fc, 100 * a_sh[fc], area(tc & fp_cells[fc]), 100 * p_sh[fc],
                    sum(p for _, _, p, c in pts if c in tc and c in fp_cells[fc])))
        none_a = area(tc - set().union(*fp_cells.values())) / ta
        print("  %s %s: %.1f km2, population %d" % (code, name, ta, tp))
        for s in parts:
            print("      " + s)
        if none_a:
            print("      no footprint: area %.0f%%" % (100 * none_a))
        big = [fc for fc in fp_codes if a_sh[fc] >= 0.15]
        if code == "XR1":
            check(len(big) >= 2, "XR1 does not span footprints")
            check(max(abs(a_sh[fc] - p_sh[fc]) for fc in fp_codes) >= 0.2,
                  "XR1 area and population shares too similar")
        else:
            check(max(a_sh.values()) >= 0.95 and len(big) == 1, "%s not within one footprint" % code)
    ov = trust_cells["XR1"] & trust_cells["XR2"]
    print("  XR1 and XR2 catchments overlap on %d cells (%.1f km2)" % (len(ov), area(ov)))

    print()
    if problems:
        print("SELF-CHECK FAILED:")
        for p in problems:
            print("  - " + p)
        sys.exit(1)
    print("SELF-CHECK PASSED")


def count_crossings(layer):
    """How often each shared boundary's `layer` version crosses its councils version."""
    edges = set()
    for c in ALL_CELLS:
        i, j = c
        edges.update({("h", i, j), ("h", i, j + 1), ("v", i, j), ("v", i + 1, j)})
    n = 0
    for key in edges:
        (ia, ja), (ib, jb) = edge_ends(key)
        ids = [("n", ia, ja)] + [("e",) + key + (m,) for m in range(N_MID)] + [("n", ib, jb)]
        a = [pos("councils", v) for v in ids]
        b = [pos(layer, v) for v in ids]
        for k in range(len(a) - 1):
            for m in range(len(b) - 1):
                if _seg_intersect(a[k], a[k + 1], b[m], b[m + 1]):
                    n += 1
    return n


if __name__ == "__main__":
    main()
