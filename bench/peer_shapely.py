"""Peer for `footprint overlaps A B -t 0 -f csv`: shapely 2 (GEOS), vectorised, no GeoPandas.

    python bench/peer_shapely.py A.geojson B.geojson OUT.csv
    python bench/peer_shapely.py --validate LAYER.geojson OUT.csv   (peer of `footprint validate`)

pyogrio reads each layer's code field and WKB, pyproj projects to EPSG:27700 on whole coordinate
arrays (shapely.transform), invalid polygons are repaired (shapely.make_valid: GEOS refuses
them), then STRtree.query(predicate="intersects") gives the candidate pairs, contains_properly
skips the intersection of a pair one holds the other (its area is the held one's), and
shapely.intersection on the arrays of the other pairs. Writes a_code,b_code,overlap_km2.
"""
import sys
import time

import numpy as np
import pyogrio.raw
import shapely
from pyproj import Transformer

TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def load(path):
    info = pyogrio.read_info(path)
    code = [c for c in info["fields"] if c.upper().endswith("CD")][0]
    _, _, wkb, fields = pyogrio.raw.read(path, columns=[code])
    geoms = shapely.from_wkb(wkb)
    geoms = shapely.transform(geoms, lambda x, y: TO_BNG.transform(x, y), interleaved=False)
    bad = ~shapely.is_valid(geoms)
    geoms[bad] = shapely.make_valid(geoms[bad])
    return fields[0], geoms


def validate(path, out):
    """Self-overlaps (STRtree.query of the layer against itself, each pair once, pieces over
    1 m2) and gaps (the holes of shapely.union_all): kind,a_code,b_code,area_m2, as
    bench/peer_validate.py writes."""
    t0 = time.time()
    code, g = load(path)
    t1 = time.time()
    i, j = shapely.STRtree(g).query(g, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    area = shapely.area(shapely.intersection(g[i], g[j]))
    over = area > 1.0
    union = shapely.union_all(g)
    holes = [shapely.Polygon(r).area for p in shapely.get_parts(union) for r in p.interiors]
    with open(out, "w") as f:
        f.write("kind,a_code,b_code,area_m2\n")
        f.writelines(f"overlap,{x},{y},{v:.1f}\n" for x, y, v in zip(code[i[over]], code[j[over]], area[over]))
        f.writelines(f"gap,,,{v:.1f}\n" for v in holes)
    print(f"load {t1 - t0:.2f}s check+write {time.time() - t1:.2f}s overlaps {int(over.sum())} "
          f"gaps {len(holes)}", file=sys.stderr)


def overlay(a, b):
    """The candidate pairs (ia, ib) of a and b, their overlap areas, and how many of them one
    holds the other (its area is the held one's, no intersection made)."""
    ia, ib = shapely.STRtree(b).query(a, predicate="intersects")
    ga, gb = a[ia], b[ib]
    shapely.prepare(ga)
    shapely.prepare(gb)
    a_in_b = shapely.contains_properly(gb, ga)
    b_in_a = ~a_in_b & shapely.contains_properly(ga, gb)
    area = np.empty(len(ia))
    area[a_in_b] = shapely.area(ga[a_in_b])
    area[b_in_a] = shapely.area(gb[b_in_a])
    rest = ~(a_in_b | b_in_a)
    area[rest] = shapely.area(shapely.intersection(ga[rest], gb[rest]))
    return ia, ib, area, int(a_in_b.sum() + b_in_a.sum())


def main():
    if sys.argv[1] == "--validate":
        return validate(*sys.argv[2:4])
    a_path, b_path, out = sys.argv[1:4]
    t0 = time.time()
    a_code, a = load(a_path)
    b_code, b = load(b_path)
    t1 = time.time()
    ia, ib, area, held = overlay(a, b)
    with open(out, "w") as f:
        f.write("a_code,b_code,overlap_km2\n")
        f.writelines(f"{x},{y},{v / 1e6:.6f}\n" for x, y, v in zip(a_code[ia], b_code[ib], area))
    print(f"load {t1 - t0:.2f}s query+intersect+write {time.time() - t1:.2f}s pairs {len(ia)} "
          f"held {held}", file=sys.stderr)


if __name__ == "__main__":
    main()
