"""Peer for `footprint matrix L1 L2 ... -f csv`: shapely 2 (GEOS), vectorised, no GeoPandas.

    python bench/peer_matrix.py [--min-share 0.01] L1.geojson L2.geojson ... OUT.csv
    python bench/peer_matrix.py --check FOOTPRINT.csv PEER.csv

Each layer is loaded by bench/peer_shapely.py's load (pyogrio code field + WKB, pyproj to
EPSG:27700, make_valid the invalid) and labelled by its file stem. Each unordered pair is
overlaid once (STRtree.query(predicate="intersects"), contains_properly shortcut,
shapely.intersection on the arrays of the other pairs) and both ordered pairs are read from
it. For (A, B): an A feature is split when two or more B features each hold more than
--min-share of its area (the peer has no tolerance: a share threshold is the usual
stand-in for the slivers of two generalisations of one line), outside when the B features
together hold no more than that share of it (only slivers: a Welsh council on England's
border), whole otherwise. As footprint scopes them, an outside A feature is out of scope when
every B code is a GSS code of one country and its code is of another.
A nests in B when none is split or outside. Writes a_layer,b_layer,a_features,a_whole,a_split,
a_outside,a_nested_in_b,a_out_of_scope, the columns of footprint's CSV of those names.

--check compares the counts with footprint's CSV per ordered pair and prints a summary line,
then each pair that differs; exit 1 only when the files do not line up (other pairs, or
other feature counts): a share threshold is not a tolerance, so the counts may differ.
"""
import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
import shapely

import peer_shapely
COUNTS = ["a_whole", "a_split", "a_outside", "a_out_of_scope"]
COLUMNS = ["a_layer", "b_layer", "a_features", "a_whole", "a_split", "a_outside",
           "a_nested_in_b", "a_out_of_scope"]


def load(path):
    codes, geoms = peer_shapely.load(path)
    return codes.astype(str), geoms


def overlay(a, b):
    """The pairs (ia, ib) of features of a and b that overlap, and their overlap areas."""
    ia, ib, area, _ = peer_shapely.overlay(a, b)
    keep = area > 0
    return ia[keep], ib[keep], area[keep]


def country(code):
    return code[:1] if len(code) == 9 and code[:1] in "EWSN" and code[1:].isdigit() else None


def row(a_label, b_label, a_code, a_area, b_code, ia, area, min_share):
    """The counts of ordered pair (A, B) from the overlaps (ia: the A feature of each)."""
    n = len(a_code)
    share = area / a_area[ia]
    split = np.bincount(ia[share > min_share], minlength=n) >= 2
    outside = np.bincount(ia, share, minlength=n) <= min_share
    b_countries = {country(c) for c in b_code}
    if len(b_countries) == 1 and None not in b_countries:
        scoped = np.array([country(c) not in (None, *b_countries) for c in a_code])
        outside, out_of_scope = outside & ~scoped, outside & scoped
    else:
        out_of_scope = np.zeros(n, bool)
    split, outside, out_of_scope = int(split.sum()), int(outside.sum()), int(out_of_scope.sum())
    nested = "yes" if split == 0 and outside == 0 else "no"
    return [a_label, b_label, n, n - split - outside - out_of_scope, split, outside, nested,
            out_of_scope]


def run(paths, out, min_share):
    t0 = time.time()
    labels = [Path(p).stem for p in paths]
    layers = [load(p) for p in paths]
    areas = [shapely.area(g) for _, g in layers]
    t1 = time.time()
    rows = []
    for i in range(len(layers)):
        for j in range(i + 1, len(layers)):
            (ci, gi), (cj, gj) = layers[i], layers[j]
            ia, ib, area = overlay(gi, gj)
            rows.append((i, j, row(labels[i], labels[j], ci, areas[i], cj, ia, area, min_share)))
            rows.append((j, i, row(labels[j], labels[i], cj, areas[j], ci, ib, area, min_share)))
    rows.sort(key=lambda r: r[:2])
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(r for _, _, r in rows)
    n = len(layers)
    print(f"peer matrix: load {t1 - t0:.2f}s, {n * (n - 1) // 2} overlays+counts+write "
          f"{time.time() - t1:.2f}s; {len(rows)} ordered pairs at a {min_share:g} share",
          file=sys.stderr)


def pairs_of(path):
    return {(r["a_layer"], r["b_layer"]): r for r in csv.DictReader(open(path, newline=""))}


def counts(r):
    return "/".join(r[c] for c in COUNTS) + f" {r['a_nested_in_b']}"


def check(ours_path, peer_path):
    """Compare the peer's counts with footprint's, pair by pair; 1 if the files do not line up."""
    ours, peer = pairs_of(ours_path), pairs_of(peer_path)
    if ours.keys() != peer.keys():
        odd = sorted(ours.keys() ^ peer.keys())
        print("peer matrix: the pairs differ: " + ", ".join(
            f"{a} in {b} only in {'footprint' if (a, b) in ours else 'the peer'}" for a, b in odd))
        return 1
    bad = [k for k in ours if ours[k]["a_features"] != peer[k]["a_features"]]
    if bad:
        print("peer matrix: feature counts differ: " + ", ".join(
            f"{a} in {b} ({ours[a, b]['a_features']} vs {peer[a, b]['a_features']})"
            for a, b in bad))
        return 1
    same = [k for k in ours if all(ours[k][c] == peer[k][c] for c in COUNTS)]
    nests = [k for k in ours if ours[k]["a_nested_in_b"] == peer[k]["a_nested_in_b"]]
    print(f"a_whole/a_split/a_outside/a_out_of_scope equal on {len(same)} of {len(ours)} "
          f"ordered pairs; nests verdict equal on {len(nests)} of {len(ours)}")
    for k in ours:
        if k not in same or k not in nests:
            print(f"  {k[0]} in {k[1]} (whole/split/outside/out_of_scope nests): "
                  f"footprint {counts(ours[k])}, peer {counts(peer[k])}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--min-share", type=float, default=0.01)
    p.add_argument("--check", action="store_true", help="FOOTPRINT.csv PEER.csv: compare them")
    p.add_argument("paths", nargs="+", help="L1 L2 ... OUT.csv, or with --check two CSVs")
    args = p.parse_args()
    if args.check:
        if len(args.paths) != 2:
            p.error("--check takes FOOTPRINT.csv PEER.csv")
        sys.exit(check(*args.paths))
    if len(args.paths) < 3:
        p.error("give two or more layers, then OUT.csv")
    run(args.paths[:-1], args.paths[-1], args.min_share)


if __name__ == "__main__":
    main()
