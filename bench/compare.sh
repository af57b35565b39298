#!/usr/bin/env bash
# Side-by-side benchmark of footprint and the GeoPandas/GEOS peer on the same jobs.
#
#   bench/compare.sh            # 3 alternating runs of each tool per job
#   RUNS=5 bench/compare.sh
#   JOBS="1 1x1" bench/compare.sh   # only these jobs (ids: 1 1x1 2 3 4 5 5p)
#
# Builds the release binary, makes LSOA11 densified x16 in bench/out/ (gitignored), makes a
# Python venv in bench/.venv (gitignored) with geopandas and pyogrio for the peer, then times
# each job with /usr/bin/time -v, alternating footprint and peer runs, and prints a markdown
# table of median wall time, ratio and peak RSS. Needs ../shared/data/england beside the repo
# (or DATA=...), python3 with venv, and GNU time (installed with apt-get if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
JOBS=${JOBS:-1 1x1 2 3 4 5 5p}
DATA=${DATA:-../shared/data/england}
TOOLS=${TOOLS:-../shared/tools}
OUT=bench/out
BIN=target/release/footprint
PY=bench/.venv/bin/python
mkdir -p "$OUT"

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (apt-get install -y time)" >&2
    apt-get install -y time >/dev/null
fi
echo "building footprint (release)" >&2
cargo build --release --quiet
if [ ! -s "$OUT/lsoa11_x16.geojson" ]; then
    echo "densifying LSOA11 x16 (about a minute)" >&2
    python3 "$TOOLS/densify.py" "$DATA/lsoa11.geojson" "$OUT/lsoa11_x16.geojson.tmp" 16
    mv "$OUT/lsoa11_x16.geojson.tmp" "$OUT/lsoa11_x16.geojson"
fi
if [ ! -x "$PY" ] || ! "$PY" -c 'import geopandas, pyogrio' 2>/dev/null; then
    echo "creating bench/.venv with geopandas and pyogrio" >&2
    python3 -m venv bench/.venv
    "$PY" -m pip install --quiet geopandas pyogrio
fi

X16=$OUT/lsoa11_x16.geojson
# measure NAME OKCODES CMD...: one run; appends "wall_s rss_kb cpu_s" to $OUT/NAME.times.
measure() {
    local name=$1 ok=$2; shift 2
    local tv=$OUT/$name.time
    set +e
    /usr/bin/time -v -o "$tv" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr"
    local code=$?
    set -e
    if [[ " $ok " != *" $code "* ]]; then
        echo "$name failed (exit $code): $*" >&2
        tail -5 "$OUT/$name.stderr" >&2
        return 1
    fi
    local wall rss cpu
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$tv")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
    cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$tv")
    echo "$wall $rss $cpu" >>"$OUT/$name.times"
}

# median of column COL (1 = wall, 2 = rss, 3 = cpu) of a .times file
median() {
    sort -g -k"$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}

# job ID TITLE FP_OKCODES PEER_NOTE -- FOOTPRINT_CMD... -- PEER_CMD... (empty peer: none)
ROWS=()
job() {
    local id=$1 title=$2 okfp=$3 note=$4; shift 4
    if [[ " $JOBS " != *" $id "* ]]; then
        return 0
    fi
    [ "$1" = "--" ] && shift
    local fp=() peer=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do fp+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    peer=("$@")
    rm -f "$OUT/fp$id.times" "$OUT/peer$id.times"
    echo "job $id: $title ($RUNS runs each, alternating)" >&2
    for _ in $(seq "$RUNS"); do
        measure "fp$id" "$okfp" "${fp[@]}"
        if [ ${#peer[@]} -gt 0 ]; then measure "peer$id" "0" "${peer[@]}"; fi
    done
    local fw fr fc pw pr pc
    fw=$(median "$OUT/fp$id.times" 1)
    fr=$(median "$OUT/fp$id.times" 2)
    fc=$(median "$OUT/fp$id.times" 3)
    if [ ${#peer[@]} -gt 0 ]; then
        pw=$(median "$OUT/peer$id.times" 1)
        pr=$(median "$OUT/peer$id.times" 2)
        pc=$(median "$OUT/peer$id.times" 3)
        ROWS+=("$(awk -v t="$title" -v fw="$fw" -v fr="$fr" -v fc="$fc" -v pw="$pw" -v pr="$pr" -v pc="$pc" -v n="$note" 'BEGIN {
            printf "| %s | %.2f s | %.2f s | %.1fx | %.2f s | %.2f s | %.0f MB | %.0f MB | %.0f%% | %s |", t, fw, pw, pw/fw, fc, pc, fr/1024, pr/1024, 100*fr/pr, n }')")
    else
        ROWS+=("$(awk -v t="$title" -v fw="$fw" -v fr="$fr" -v fc="$fc" -v n="$note" 'BEGIN {
            printf "| %s | %.2f s | - | - | %.2f s | - | %.0f MB | - | - | %s |", t, fw, fc, fr/1024, n }')")
    fi
}

LOAD_BEFORE=$(uptime)

job 1 "overlaps LSOA11 x16 x CCG21, -t 0, CSV" "0" "peer: peer_overlaps.py" \
    -- "$BIN" overlaps "$X16" "$DATA/ccg21.geojson" -t 0 -f csv -o "$OUT/fp1.csv" -q \
    -- "$PY" "$TOOLS/peer_overlaps.py" "$X16" "$DATA/ccg21.geojson" "$OUT/peer1.csv"

job 1x1 "overlaps LSOA11 (x1) x CCG21, -t 0, CSV" "0" "footprint alone: job 1 on the undensified file, for the x16/x1 cost ratio" \
    -- "$BIN" overlaps "$DATA/lsoa11.geojson" "$DATA/ccg21.geojson" -t 0 -f csv -o "$OUT/fp1x1.csv" -q --

job 2 "overlaps LSOA11 x LTLA21, CSV" "0" "footprint at its default (auto, 500 m) tolerance; peer: raw peer_overlaps.py" \
    -- "$BIN" overlaps "$DATA/lsoa11.geojson" "$DATA/ltla21.geojson" -f csv -o "$OUT/fp2.csv" -q \
    -- "$PY" "$TOOLS/peer_overlaps.py" "$DATA/lsoa11.geojson" "$DATA/ltla21.geojson" "$OUT/peer2.csv"

job 3 "coterminosity STP21 x LTLA21 (auto tolerance), CSV" "0 1" "peer has no coterminosity: its raw LTLA21 x STP21 overlay (peer_overlaps.py) is the nearest equivalent" \
    -- "$BIN" coterminosity "$DATA/stp21.geojson" --units "$DATA/ltla21.geojson" -f csv -o "$OUT/fp3.csv" -q \
    -- "$PY" "$TOOLS/peer_overlaps.py" "$DATA/ltla21.geojson" "$DATA/stp21.geojson" "$OUT/peer3.csv"

job 5 "coterminosity STP21 x LTLA21 --small-areas LSOA11 --by small-area, CSV" "0 1" "peer: bench/peer_small_areas.py (split at a 1% share: it finds 30 split units to footprint's 15; on the 2,004 LSOAs of the 15 both find, unit and STP agree on every one)" \
    -- "$BIN" coterminosity "$DATA/stp21.geojson" --units "$DATA/ltla21.geojson" --small-areas "$DATA/lsoa11.geojson" --by small-area -f csv -o "$OUT/fp5.csv" -q \
    -- "$PY" bench/peer_small_areas.py "$DATA/stp21.geojson" "$DATA/ltla21.geojson" "$DATA/lsoa11.geojson" "$OUT/peer5.csv"

job 5p "coterminosity STP21 --units LSOA11 (plain), CSV" "0 1" "footprint alone: the plain run on LSOA11, which job 5 must stay under twice of" \
    -- "$BIN" coterminosity "$DATA/stp21.geojson" --units "$DATA/lsoa11.geojson" -f csv -o "$OUT/fp5p.csv" -q --

if "$BIN" validate --help >/dev/null 2>&1; then
    job 4 "validate LSOA11 x16 (34,753-feature coverage)" "0 1" "peer: bench/peer_validate.py (sjoin+intersection overlaps, union holes)" \
        -- "$BIN" validate "$X16" -q -o "$OUT/fp4.out" \
        -- "$PY" bench/peer_validate.py "$X16" "$OUT/peer4.csv"
else
    echo "job 4: skipped: no validate command" >&2
    ROWS+=("| validate LSOA11 x16 | skipped: no validate command | | | | | | | | |")
fi

LOAD_AFTER=$(uptime)
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "Load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: } (1, 5, 15 min)"
echo "Runs: $RUNS per tool per job, alternating; medians."
echo
echo "| job | footprint wall | GeoPandas wall | wall ratio | footprint CPU | GeoPandas CPU | footprint peak RSS | GeoPandas peak RSS | memory vs peer | note |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "Phase split of footprint (FOOTPRINT_TIMINGS=1), job 1:"
FOOTPRINT_TIMINGS=1 "$BIN" overlaps "$X16" "$DATA/ccg21.geojson" -t 0 -f csv -o "$OUT/fp1.csv" -q 2>&1 | sed 's/^/    /'
