"""Does a peer's overlap table agree with footprint's?

    python bench/agree.py FOOTPRINT.csv PEER.csv [--min-km2 0.01] [--tol 0.0016]

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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("footprint")
    ap.add_argument("peer")
    ap.add_argument("--min-km2", type=float, default=0.01)
    ap.add_argument("--tol", type=float, default=0.0016)
    args = ap.parse_args()

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
    print(
        f"{word}: {n_big} pairs over {big:g} km2 in footprint's {len(ref)}, peer {len(peer)}; "
        f"worst relative difference {100 * worst:.3f}%{wk}; "
        f"only in footprint {len(only_fp)} ({len(only_fp_big)} over {big:g} km2), "
        f"only in peer {len(only_peer)} ({len(only_peer_big)} over {big:g} km2)"
    )
    for rel, k, fv, pv in sorted(bad, reverse=True)[:5]:
        print(f"  differs {100 * rel:.3f}%: {k[0]} x {k[1]}: footprint {fv:.6f} km2, peer {pv:.6f} km2")
    for k in only_fp_big[:5]:
        print(f"  only in footprint: {k[0]} x {k[1]} {ref[k]:.6f} km2")
    for k in only_peer_big[:5]:
        print(f"  only in peer: {k[0]} x {k[1]} {peer[k]:.6f} km2")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
