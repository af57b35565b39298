#!/usr/bin/env bash
# Loading one layer from each format footprint reads: the GeoJSON original, and GDAL's
# GeoPackage, FlatGeobuf, Shapefile and zipped Shapefile of it (issue 19: "LSOA11 as a
# GeoPackage within 1.5x of the GeoJSON load").
#
#   bench/formats.sh                   # LSOA11, 5 alternating runs of `inspect` per format
#   RUNS=9 LAYER=msoa11 bench/formats.sh
#
# Converts with tests/fixtures/formats/convert.py (pyogrio, from bench/.venv or PYTHON=...)
# into bench/out/formats/ (gitignored), checks that `validate` gives the same CSV from every
# format, then times `inspect` (read, check, project, measure: the load and nothing else) with
# /usr/bin/time, runs alternating, and prints the median wall and CPU time, the ratio to
# GeoJSON and the peak memory, with the machine's load average.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${DATA:-../shared/data/england}
LAYER=${LAYER:-lsoa11}
RUNS=${RUNS:-5}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/footprint}
PY=${PYTHON:-bench/.venv/bin/python}
OUT=bench/out/formats
mkdir -p "$OUT"
echo "building footprint (release)" >&2
cargo build --release --quiet

src=$DATA/$LAYER.geojson
conv=tests/fixtures/formats/convert.py
[ -s "$OUT/$LAYER.gpkg" ] || "$PY" $conv "$src" "$OUT/$LAYER.gpkg"
[ -s "$OUT/$LAYER.fgb" ] || "$PY" $conv "$src" "$OUT/$LAYER.fgb" SPATIAL_INDEX=NO
[ -s "$OUT/$LAYER.shp" ] || "$PY" $conv "$src" "$OUT/$LAYER.shp"
if [ ! -s "$OUT/$LAYER.zip" ]; then
    (cd "$OUT" && "../../../$PY" -c "
import sys, zipfile
with zipfile.ZipFile('$LAYER.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for ext in ('shp', 'shx', 'dbf', 'prj', 'cpg'):
        z.write('$LAYER.' + ext)
")
fi
inputs=("$src" "$OUT/$LAYER.gpkg" "$OUT/$LAYER.fgb" "$OUT/$LAYER.shp" "$OUT/$LAYER.zip")

# The same findings from every format (file names aside).
"$BIN" validate "$src" -f csv -q -o "$OUT/validate.geojson.csv" || true
for f in "${inputs[@]:1}"; do
    name=$(basename "$f")
    set +e
    "$BIN" validate "$f" -f csv -q -o "$OUT/validate.$name.csv" 2>"$OUT/validate.$name.err"
    code=$?
    set -e
    # 1: findings (LSOA11 has two invalid polygons)
    [ "$code" -le 1 ] || { echo "validate $f failed (exit $code)" >&2; cat "$OUT/validate.$name.err" >&2; exit 1; }
    if cmp -s "$OUT/validate.geojson.csv" "$OUT/validate.$name.csv"; then
        echo "validate $name: same CSV as the GeoJSON" >&2
    else
        echo "validate $name: DIFFERS from the GeoJSON" >&2
        exit 1
    fi
done

rm -f "$OUT"/*.times
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for _ in $(seq "$RUNS"); do
    for f in "${inputs[@]}"; do
        name=$(basename "$f")
        /usr/bin/time -f "%e %U %S %M" -o "$OUT/$name.time" "$BIN" inspect "$f" -q >/dev/null
        awk '{print $1, $2 + $3, $4}' "$OUT/$name.time" >>"$OUT/$name.times"
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$OUT" "$RUNS" "${inputs[@]}" <<'PY'
import os, statistics, sys
out, runs, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
def med(name):
    rows = [list(map(float, l.split())) for l in open(f"{out}/{name}.times")]
    return [statistics.median(c) for c in zip(*rows)]
base = med(os.path.basename(inputs[0]))
print(f"`inspect` of each format, median of {runs} alternating runs:\n")
print("| input | size MB | wall s | vs GeoJSON | CPU s | peak MB |")
print("|---|---:|---:|---:|---:|---:|")
for f in inputs:
    name = os.path.basename(f)
    size = os.path.getsize(f)
    if name.endswith(".shp"):
        size += sum(os.path.getsize(f[:-3] + e) for e in ("dbf", "shx") if os.path.exists(f[:-3] + e))
    wall, cpu, rss = med(name)
    print(f"| {name} | {size / 1e6:.1f} | {wall:.2f} | {wall / base[0]:.2f}x | {cpu:.2f} | {rss / 1024:.0f} |")
PY
