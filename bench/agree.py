"""Does a peer's overlap table agree with footprint's?

    python bench/agree.py FOOTPRINT.csv PEER.csv [--min-km2 0.01] [--tol 0.0016]
    python bench/agree.py --validate FOOTPRINT_VALIDATE.csv PEER.csv

With --validate, FOOTPRINT_VALIDATE.csv is `footprint validate -f csv` (kind, code, other_code,
area_km2) and PEER.csv a peer's kind,a_code,b_code,area_m2: the overlaps (by pair, either
order) and the gaps (by area, largest first) over a hectare must be the same, areas within
--tol.

FOOTPRINT.csv is `footprint overlaps ... -t 0 -f csv` (a_code, b_code, overlap_km2). PEER.csv
may name its columns otherwise: the two code columns are a_code/b_code if present, else the
columns whose values are codes of footprint's a and b layers (found by value, so ordering and
names such as LSOA11CD or STP21CD do not matter); the area is overlap_km2 or area_km2 (km2),
or area_m2 (m2). Rows of the same pair are summed (an overlay may give a pair several pieces).

Every pair over --min-km2 (a hectare) on either side must be on both sides and agree within
--tol relative (0.16%: footprint measures the true area on the ellipsoid, the peers the area on
the British National Grid, whose scale factor is 0.9996 at the central meridian and up to
1.0006 at England's edges). Prints one line: the worst relative difference, the pairs each side
lacks (all, and over a hectare); exit status 1 on disagreement.
"""
import argparse
import csv
import sys
from collections import defaultdict


def load(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return [], []
    return list(rows[0].keys()), rows


def area_column(cols):
    for name, scale in (("overlap_km2", 1.0), ("area_km2", 1.0), ("area_m2", 1e-6)):
        if name in cols:
            return name, scale
    sys.exit(f"agree.py: no area column (overlap_km2, area_km2 or area_m2) in {cols}")


def pairs(rows, ka, kb, area, scale):
    out = defaultdict(float)
    for r in rows:
        v = r[area]
        out[(r[ka], r[kb])] += float(v) * scale if v not in ("", None) else 0.0
    return out


def validate(args):
    big = args.min_km2
    _, frows = load(args.footprint)
    _, prows = load(args.peer)
    f_ov = {frozenset((r["code"], r["other_code"])): float(r["area_km2"])
            for r in frows if r["kind"] == "overlap" and float(r["area_km2"]) > big}
    f_gap = sorted((float(r["area_km2"]) for r in frows
                    if r["kind"] == "gap" and float(r["area_km2"]) > big), reverse=True)
    p_ov = defaultdict(float)
    p_gap = []
    for r in prows:
        a = float(r["area_m2"]) / 1e6
        if r["kind"] == "overlap":
            p_ov[frozenset((r["a_code"], r["b_code"]))] += a
        elif r["kind"] == "gap" and a > big:
            p_gap.append(a)
    p_ov = {k: v for k, v in p_ov.items() if v > big}
    p_gap.sort(reverse=True)
    bad = [k for k in set(f_ov) | set(p_ov)
           if k not in f_ov or k not in p_ov or abs(f_ov[k] - p_ov[k]) > args.tol * f_ov[k]]
    gaps_bad = len(f_gap) != len(p_gap) or any(abs(x - y) > args.tol * x for x, y in zip(f_gap, p_gap))
    ok = not bad and not gaps_bad
    print(f"{'AGREE' if ok else 'DISAGREE'}: over {big:g} km2 footprint {len(f_ov)} overlaps, "
          f"{len(f_gap)} gaps; peer {len(p_ov)}, {len(p_gap)}; {len(bad)} differ")
    print(f"  peer's findings under {big:g} km2, not compared: "
          f"{sum(1 for r in prows if float(r['area_m2']) / 1e6 <= big)}")
    for k in sorted(bad, key=sorted)[:5]:
        print(f"  overlap {' x '.join(sorted(k))}: footprint {f_ov.get(k)}, peer {p_ov.get(k)}")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--validate", action="store_true")
    ap.add_argument("footprint")
    ap.add_argument("peer")
    ap.add_argument("--min-km2", type=float, default=0.01)
    ap.add_argument("--tol", type=float, default=0.0016)
    args = ap.parse_args()
    if args.validate:
        return validate(args)

    fcols, frows = load(args.footprint)
    fa, fs = area_column(fcols)
    ref = pairs(frows, "a_code", "b_code", fa, fs)
    a_codes = {k[0] for k in ref}
    b_codes = {k[1] for k in ref}

    pcols, prows = load(args.peer)
    if not prows:
        print(f"DISAGREE: {args.peer} has no rows")
        return 1
    pa_area, ps = area_column(pcols)
    if "a_code" in pcols and "b_code" in pcols:
        ka, kb = "a_code", "b_code"
    else:
        sample = prows[: min(len(prows), 2000)]

        def hits(col, codes):
            return sum(r[col] in codes for r in sample)

        cand = [c for c in pcols if c != pa_area]
        ka = max(cand, key=lambda c: hits(c, a_codes))
        kb = max((c for c in cand if c != ka), key=lambda c: hits(c, b_codes))
        if hits(ka, a_codes) == 0 or hits(kb, b_codes) == 0:
            print(f"DISAGREE: cannot find the code columns of {args.peer} ({pcols})")
            return 1
    peer = pairs(prows, ka, kb, pa_area, ps)

    big = args.min_km2
    only_fp = [k for k in ref if k not in peer]
    only_peer = [k for k in peer if k not in ref]
    only_fp_big = sorted((k for k in only_fp if ref[k] > big), key=lambda k: -ref[k])
    only_peer_big = sorted((k for k in only_peer if peer[k] > big), key=lambda k: -peer[k])
    worst, worst_key, bad = 0.0, None, []
    for k, fv in ref.items():
        pv = peer.get(k)
        if pv is None or max(fv, pv) <= big:
            continue
        rel = abs(pv - fv) / fv if fv > 0 else float("inf")
        if rel > worst:
            worst, worst_key = rel, k
        if rel > args.tol:
            bad.append((rel, k, fv, pv))
    n_big = sum(1 for k, v in ref.items() if v > big)
    ok = not bad and not only_fp_big and not only_peer_big
    word = "AGREE" if ok else "DISAGREE"
    wk = f" ({worst_key[0]} x {worst_key[1]})" if worst_key else ""
    print(f"{word}: worst {100 * worst:.3f}%{wk}; pairs over {big:g} km2 one side lacks: "
          f"{len(only_fp_big)} + {len(only_peer_big)}")
    print(f"  {n_big} pairs over {big:g} km2 in footprint's {len(ref)}, peer {len(peer)}; "
          f"only in footprint {len(only_fp)}, only in peer {len(only_peer)} (all sizes)")
    for rel, k, fv, pv in sorted(bad, reverse=True)[:5]:
        print(f"  differs {100 * rel:.3f}%: {k[0]} x {k[1]}: footprint {fv:.6f} km2, peer {pv:.6f} km2")
    for k in only_fp_big[:5]:
        print(f"  only in footprint: {k[0]} x {k[1]} {ref[k]:.6f} km2")
    for k in only_peer_big[:5]:
        print(f"  only in peer: {k[0]} x {k[1]} {peer[k]:.6f} km2")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
