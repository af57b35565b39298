#!/usr/bin/env python3
"""Where two bench/snapshot.sh folders differ, say whether only numbers moved, and how far.

    python3 bench/snapnum.py /tmp/before /tmp/after            # numbers may move by 1e-6
    python3 bench/snapnum.py /tmp/before /tmp/after --abs 1e-3 --rel 1e-6

Each pair of files is compared line by line after the folder's own name is blanked. A line
that differs is split into numbers and the text between them: the text must be the same, and
each number must agree to within --abs or --rel (either will do). Files whose geometry is
expected to move (the HTML maps, pieces in GeoJSON) and the run times of `check` are left to
bench/snapdiff.sh. Prints the files and lines that differ, the largest move, and every line
that differs in more than its numbers; exit status 1 if there is any such line or file.
"""
import argparse
import os
import re
import sys

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
SKIP = re.compile(r"(\.html|pieces\.geojson|pieces\.err|junit\.xml|check-json\.out)$")


def split(line):
    """The line's text between numbers, and its numbers."""
    return NUMBER.split(line), NUMBER.findall(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--abs", type=float, default=1e-6, help="largest move allowed (default 1e-6)")
    ap.add_argument("--rel", type=float, default=1e-6, help="largest relative move (default 1e-6)")
    args = ap.parse_args()
    files = lines = 0
    worst = (0.0, "")
    bad = []
    names = sorted(set(os.listdir(args.before)) | set(os.listdir(args.after)))
    for name in names:
        if SKIP.search(name):
            continue
        a, b = os.path.join(args.before, name), os.path.join(args.after, name)
        if not (os.path.exists(a) and os.path.exists(b)):
            bad.append(f"{name}: only in {args.before if os.path.exists(a) else args.after}")
            continue
        ta = open(a, errors="replace").read().replace(args.before, "SNAPDIR").splitlines()
        tb = open(b, errors="replace").read().replace(args.after, "SNAPDIR").splitlines()
        if ta == tb:
            continue
        files += 1
        if len(ta) != len(tb):
            bad.append(f"{name}: {len(ta)} lines against {len(tb)}")
            continue
        for x, y in zip(ta, tb):
            if x == y:
                continue
            lines += 1
            (sx, nx), (sy, ny) = split(x), split(y)
            if sx != sy or len(nx) != len(ny):
                bad.append(f"{name}: {x[:120]} | {y[:120]}")
                continue
            for u, v in zip(nx, ny):
                d = abs(float(u) - float(v))
                rel = d / max(abs(float(u)), abs(float(v)), 1e-300)
                if d > worst[0]:
                    worst = (d, f"{name}: {u} -> {v}")
                # A last-digit move (1e-6 printed as 0.924699 -> 0.924698) is 1e-6 only to
                # within the rounding of the decimal numbers.
                if d > args.abs * (1 + 1e-9) and rel > args.rel * (1 + 1e-9):
                    bad.append(f"{name}: {u} -> {v} in {x[:120]}")
    print(f"{files} files, {lines} lines differ; largest move {worst[0]:.3g} ({worst[1] or '-'})")
    for line in bad[:40]:
        print("  " + line)
    print(f"{len(bad)} lines or files differ in more than their numbers, or beyond the bounds")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
