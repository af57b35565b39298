#!/usr/bin/env bash
# `matrix` of five ONS layers against the sum of the 20 separate `coterminosity` runs it
# replaces (one per ordered pair), and a check that each ordered pair counts the same.
#
#   bench/matrix.sh                  # needs ../shared/data/england (or DATA=...) and GNU time
#
# Times each run with /usr/bin/time -v into bench/out/matrix/ (gitignored), then prints the
# wall and CPU time of the matrix, the sums of the separate runs, their ratio, and any ordered
# pair whose counts or split parts differ from its coterminosity run.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${DATA:-../shared/data/england}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/footprint}
OUT=bench/out/matrix
LAYERS=(stp21 ccg21 ltla21 ltla19 msoa11)
mkdir -p "$OUT"
echo "building footprint (release)" >&2
cargo build --release --quiet

paths=()
for l in "${LAYERS[@]}"; do paths+=("$DATA/$l.geojson"); done
/usr/bin/time -v -o "$OUT/matrix.time" "$BIN" matrix "${paths[@]}" -f json -q -o "$OUT/matrix.json"
for a in "${LAYERS[@]}"; do
    for b in "${LAYERS[@]}"; do
        [ "$a" = "$b" ] && continue
        /usr/bin/time -v -o "$OUT/cot_${a}_in_${b}.time" "$BIN" coterminosity "$DATA/$b.geojson" \
            --units "$DATA/$a.geojson" -f json -q -o "$OUT/cot_${a}_in_${b}.json"
    done
done

python3 - "$OUT" <<'PY'
import glob, json, re, sys
out = sys.argv[1]

def measure(f):
    t = open(f).read()
    h, m, s = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t).groups()
    wall = int(h or 0) * 3600 + int(m) * 60 + float(s)
    cpu = sum(float(re.search(p + r" \(seconds\): ([\d.]+)", t).group(1)) for p in ("User time", "System time"))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    return wall, cpu, rss

mw, mc, mr = measure(f"{out}/matrix.time")
runs = [measure(f) for f in sorted(glob.glob(f"{out}/cot_*.time"))]
sw, sc = sum(r[0] for r in runs), sum(r[1] for r in runs)
print(f"matrix, 5 layers (10 overlays): {mw:.2f} s wall, {mc:.2f} s CPU, {mr:.0f} MB peak RSS")
print(f"{len(runs)} coterminosity runs: {sw:.2f} s wall, {sc:.2f} s CPU in all, {max(r[2] for r in runs):.0f} MB peak RSS at most")
print(f"matrix takes {mw / sw:.0%} of the wall time and {mc / sc:.0%} of the CPU time")
m = json.load(open(f"{out}/matrix.json"))
differ = 0
for p in m["pairs"]:
    a, b = p["a_layer"], p["b_layer"]
    c = json.load(open(f"{out}/cot_{a}_in_{b}.json"))
    s = c["summary"]
    got = (p["a_features"], p["a_whole"], p["a_split"], p["a_outside"], p["a_out_of_scope"], p["tolerance_m"])
    want = (s["units"], s["units_whole"] + s["units_partly_outside"], s["units_split"],
            s["units_outside"], s.get("units_out_of_scope", 0), c["tolerance_m"])
    parts = sorted((x["a_code"], x["b_code"], x["a_share"]) for x in p["split"])
    rows = sorted((x["unit_code"], x["footprint_code"], x["unit_share"]) for x in c["units"] if x["status"] == "split")
    if got != want or parts != rows:
        differ += 1
        print(f"DIFFERS: {a} in {b}: matrix {got}, coterminosity {want}")
print(f"{len(m['pairs'])} ordered pairs against their coterminosity runs: {differ} differ")
PY
