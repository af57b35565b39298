#!/usr/bin/env bash
# Side-by-side benchmark of footprint and its peers on the same jobs (issue 20).
#
#   bench/compare.sh                      # 3 alternating runs of each tool per job
#   RUNS=5 bench/compare.sh
#   JOBS="1 1x1" bench/compare.sh         # only these jobs (ids: 1 1x1 2 3 3o 4 5 5p 6 7 8 9)
#   PEERS="shapely duckdb" bench/compare.sh   # only these peers (default: all that install)
#
# Peers: geopandas (GeoPandas/GEOS, every job), shapely (shapely 2 vectorised:
# bench/peer_shapely.py), duckdb (DuckDB spatial: bench/peer_duckdb.py), sedona (SedonaDB:
# bench/peer_sedona.py), mapshaper (-union: bench/peer_mapshaper.sh). The overlap jobs (1, 1x1,
# 3, 3o) and validate (4) run them all but mapshaper; matrix (9) runs shapely
# (bench/peer_matrix.py); jobs 2, 5, 6, 7 and 8 geopandas alone.
#
# Builds the release binary (in ${CARGO_TARGET_DIR:-target}), makes LSOA11 densified x16 in
# bench/out/ (gitignored), a Python venv in bench/.venv (gitignored) with geopandas and pyogrio,
# duckdb + duckdb-extension-spatial and sedonadb, and mapshaper in bench/node_modules (npm,
# gitignored); a peer whose install fails is skipped with the reason printed. Then times each
# job with /usr/bin/time -v, alternating footprint and the peers run by run, checks each peer's
# pair areas against footprint's (bench/agree.py: every pair over a hectare within 0.16%), and
# prints per job a markdown table of median wall time, ratio, CPU time and peak RSS, with the
# load average at the job's start. Exit status 1 if any peer disagrees. Needs
# ../shared/data/england beside the repo (or DATA=...), python3 with venv, node/npm for
# mapshaper, and GNU time (installed with apt-get if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
JOBS=${JOBS:-1 1x1 2 3 3o 4 5 5p 6 7 8 9}
PEERS=${PEERS:-geopandas shapely duckdb sedona mapshaper}
DATA=${DATA:-../shared/data/england}
TOOLS=${TOOLS:-../shared/tools}
OUT=bench/out
BIN=${CARGO_TARGET_DIR:-target}/release/footprint
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
if [ ! -x "$PY" ]; then
    echo "creating bench/.venv" >&2
    python3 -m venv bench/.venv
fi

# Install each chosen peer when missing; drop it (with the reason) when that fails.
SKIPPED=()
have() {  # have PEER: is it installed and working?
    case $1 in
        geopandas) "$PY" -c 'import geopandas, pyogrio' ;;
        shapely) "$PY" -c 'import shapely, pyproj, pyogrio.raw; assert shapely.__version__ >= "2"' ;;
        duckdb) "$PY" -c 'import sys; sys.path.insert(0, "bench"); import peer_duckdb; peer_duckdb.connect()' ;;
        sedona) "$PY" -c 'import sedonadb' ;;
        mapshaper) [ -x bench/node_modules/.bin/mapshaper ] && bench/node_modules/.bin/mapshaper -v ;;
        *) return 1 ;;
    esac >/dev/null 2>&1
}
install_peer() {
    case $1 in
        geopandas|shapely) "$PY" -m pip install --quiet geopandas pyogrio ;;
        # the extension package pins the duckdb of its own version
        duckdb) "$PY" -m pip install --quiet duckdb-extension-spatial duckdb ;;
        sedona) "$PY" -m pip install --quiet sedonadb ;;
        mapshaper) command -v npm >/dev/null || { echo "no npm" >&2; return 1; }
                   (cd bench && npm install --quiet --no-package-lock --no-audit --no-fund) ;;
    esac
}
OKPEERS=()
for p in $PEERS; do
    if ! have "$p"; then
        echo "installing peer $p" >&2
        if ! install_peer "$p" >"$OUT/install_$p.log" 2>&1 || ! have "$p"; then
            reason=$(tail -1 "$OUT/install_$p.log" 2>/dev/null)
            echo "peer $p skipped: install failed (${reason:-it does not run after install}; see $OUT/install_$p.log)" >&2
            SKIPPED+=("$p: install failed (${reason:-does not run after install})")
            continue
        fi
    fi
    OKPEERS+=("$p")
done
echo "peers: ${OKPEERS[*]:-none}" >&2
peer_on() { [[ " ${OKPEERS[*]} " == *" $1 "* ]]; }

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

# peer_cmd PEER KIND ARGS...: sets PCMD to PEER's command for a job of KIND (PCMD empty: the
# peer has none). KIND overlaps: ARGS = A B OUT.csv; validate: LAYER OUT.csv; small_areas:
# FOOTPRINTS UNITS SMALL OUT.csv.
peer_cmd() {
    local peer=$1 kind=$2; shift 2
    PCMD=()
    case $kind:$peer in
        overlaps:geopandas) PCMD=("$PY" "$TOOLS/peer_overlaps.py" "$@") ;;
        overlaps:shapely) PCMD=("$PY" bench/peer_shapely.py "$@") ;;
        overlaps:duckdb) PCMD=("$PY" bench/peer_duckdb.py "$@") ;;
        overlaps:sedona) PCMD=("$PY" bench/peer_sedona.py "$@") ;;
        overlaps:mapshaper) PCMD=(bench/peer_mapshaper.sh "$@") ;;
        validate:geopandas) PCMD=("$PY" bench/peer_validate.py "$@") ;;
        validate:shapely) PCMD=("$PY" bench/peer_shapely.py --validate "$@") ;;
        validate:duckdb) PCMD=("$PY" bench/peer_duckdb.py --validate "$@") ;;
        validate:sedona) PCMD=("$PY" bench/peer_sedona.py --validate "$@") ;;
        matrix:shapely) PCMD=("$PY" bench/peer_matrix.py "$@") ;;
        small_areas:geopandas) PCMD=("$PY" bench/peer_small_areas.py "$@") ;;
        changes:geopandas) PCMD=("$PY" bench/peer_changes.py "$@") ;;
        flows:geopandas) PCMD=("$PY" bench/peer_flows.py "$@") ;;
        load:geopandas) PCMD=("$PY" bench/peer_load.py "$@") ;;
    esac
    return 0
}

# job ID TITLE FP_OKCODES NOTE KIND PEER_ALLOW AGREE_REF -- FOOTPRINT_CMD... -- PEER_ARGS...
# PEER_ALLOW: the peers this job runs (of those installed); the peer's output file is
# $OUT/<peer><ID>.csv, added after PEER_ARGS. AGREE_REF: footprint's CSV to check each peer's
# output against with bench/agree.py ("-" for none; validate: "validate:FILE").
REPORT=()
SUMMARY=()
DISAGREE=0
job() {
    local id=$1 title=$2 okfp=$3 note=$4 kind=$5 allow=$6 ref=$7; shift 7
    if [[ " $JOBS " != *" $id "* ]]; then
        return 0
    fi
    [ "$1" = "--" ] && shift
    local fp=() pargs=() peers=() p
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do fp+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    pargs=("$@")
    for p in ${OKPEERS[@]+"${OKPEERS[@]}"}; do
        if [[ " $allow " == *" $p "* ]]; then peers+=("$p"); fi
    done
    local load
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    rm -f "$OUT/fp$id.times"
    for p in ${peers[@]+"${peers[@]}"}; do rm -f "$OUT/$p$id.times" "$OUT/$p$id.csv"; done
    echo "job $id: $title ($RUNS runs each, alternating: footprint ${peers[*]:-}; load $load)" >&2
    local failed=" "
    for _ in $(seq "$RUNS"); do
        measure "fp$id" "$okfp" "${fp[@]}"
        for p in ${peers[@]+"${peers[@]}"}; do
            [[ "$failed" == *" $p "* ]] && continue
            peer_cmd "$p" "$kind" ${pargs[@]+"${pargs[@]}"} "$OUT/$p$id.csv"
            measure "$p$id" "0" "${PCMD[@]}" || failed+="$p "
        done
    done
    local fw fr fc
    fw=$(median "$OUT/fp$id.times" 1)
    fr=$(median "$OUT/fp$id.times" 2)
    fc=$(median "$OUT/fp$id.times" 3)
    REPORT+=("" "### job $id: $title" "" "Load average at the start (1, 5, 15 min): $load.${note:+ $note}" ""
        "| tool | wall (median) | wall vs footprint | CPU | CPU vs footprint | peak RSS | footprint's RSS vs this | agreement with footprint |"
        "|---|---|---|---|---|---|---|---|")
    REPORT+=("$(awk -v fw="$fw" -v fr="$fr" -v fc="$fc" 'BEGIN {
        printf "| footprint | %.2f s | 1x | %.2f s | 1x | %.0f MB | - | - |", fw, fc, fr/1024 }')")
    local best_w="" best_wp="" best_r="" best_rp="" pw pr pc agree
    for p in ${peers[@]+"${peers[@]}"}; do
        if [[ "$failed" == *" $p "* ]] || [ ! -s "$OUT/$p$id.times" ]; then
            REPORT+=("| $p | failed: $(tail -1 "$OUT/$p$id.stderr" | cut -c1-120) | | | | | | |")
            continue
        fi
        pw=$(median "$OUT/$p$id.times" 1)
        pr=$(median "$OUT/$p$id.times" 2)
        pc=$(median "$OUT/$p$id.times" 3)
        agree="not checked"
        if [ "$ref" != "-" ]; then
            local aargs=("$ref" "$OUT/$p$id.csv")
            local checker=(bench/agree.py)
            if [[ "$ref" == validate:* ]]; then aargs=(--validate "${ref#validate:}" "$OUT/$p$id.csv"); fi
            # The new commands' peers check their own outputs: REF is "KIND:FILE [FILE]".
            case $ref in
                changes:* | flows:* | load:* | matrix:*)
                    checker=("bench/peer_${ref%%:*}.py" --check)
                    read -r -a aargs <<<"${ref#*:}"
                    aargs+=("$OUT/$p$id.csv")
                    ;;
            esac
            if agree=$("$PY" "${checker[@]}" "${aargs[@]}" 2>&1); then :; else DISAGREE=1; fi
            echo "  $p: $agree" >&2
            agree=$(echo "$agree" | head -1)
        fi
        REPORT+=("$(awk -v p="$p" -v fw="$fw" -v fr="$fr" -v fc="$fc" -v pw="$pw" -v pr="$pr" -v pc="$pc" -v a="$agree" 'BEGIN {
            printf "| %s | %.2f s | %.1fx | %.2f s | %.1fx | %.0f MB | %.0f%% | %s |", p, pw, pw/fw, pc, pc/fc, pr/1024, 100*fr/pr, a }')")
        if [ -z "$best_w" ] || awk -v a="$pw" -v b="$best_w" 'BEGIN {exit !(a < b)}'; then best_w=$pw best_wp=$p; fi
        if [ -z "$best_r" ] || awk -v a="$pr" -v b="$best_r" 'BEGIN {exit !(a < b)}'; then best_r=$pr best_rp=$p; fi
    done
    if [ -n "$best_w" ]; then
        SUMMARY+=("$(awk -v t="$title" -v fw="$fw" -v fr="$fr" -v bw="$best_w" -v bwp="$best_wp" -v br="$best_r" -v brp="$best_rp" -v l="$load" 'BEGIN {
            sp = bw/fw; mem = fr/br;
            printf "| %s | %.2f s, %.0f MB | %s %.2f s (%.1fx) | %s %.0f MB (footprint %.0f%%) | %s | %s | %s |", t, fw, fr/1024, bwp, bw, sp, brp, br/1024, 100*mem,
                (sp >= 10 ? "met" : sprintf("missed: %.1fx of 10x", sp)),
                (mem <= 0.5 ? "met" : sprintf("missed: %.0f%% of at most 50%%", 100*mem)), l }')")
    else
        SUMMARY+=("$(awk -v t="$title" -v fw="$fw" -v fr="$fr" -v l="$load" 'BEGIN {
            printf "| %s | %.2f s, %.0f MB | - | - | - | - | %s |", t, fw, fr/1024, l }')")
    fi
}

LOAD_BEFORE=$(uptime)
OVL=(overlaps "geopandas shapely duckdb sedona mapshaper")

job 1 "overlaps LSOA11 x16 x CCG21, -t 0, CSV" "0" "" "${OVL[@]}" "$OUT/fp1.csv" \
    -- "$BIN" overlaps "$X16" "$DATA/ccg21.geojson" -t 0 -f csv -o "$OUT/fp1.csv" -q \
    -- "$X16" "$DATA/ccg21.geojson"

job 1x1 "overlaps LSOA11 (x1) x CCG21, -t 0, CSV" "0" "Job 1 on the undensified file." "${OVL[@]}" "$OUT/fp1x1.csv" \
    -- "$BIN" overlaps "$DATA/lsoa11.geojson" "$DATA/ccg21.geojson" -t 0 -f csv -o "$OUT/fp1x1.csv" -q \
    -- "$DATA/lsoa11.geojson" "$DATA/ccg21.geojson"

job 2 "overlaps LSOA11 x LTLA21, CSV" "0" "footprint at its default (auto, 500 m) tolerance; the peer raw (so not compared)." overlaps "geopandas" - \
    -- "$BIN" overlaps "$DATA/lsoa11.geojson" "$DATA/ltla21.geojson" -f csv -o "$OUT/fp2.csv" -q \
    -- "$DATA/lsoa11.geojson" "$DATA/ltla21.geojson"

if [[ " $JOBS " == *" 3 "* ]]; then
    # the peers' raw overlay is checked against footprint's own raw overlay of the same pair
    "$BIN" overlaps "$DATA/ltla21.geojson" "$DATA/stp21.geojson" -t 0 -f csv -o "$OUT/fp3ref.csv" -q
fi
job 3 "coterminosity STP21 x LTLA21 (auto tolerance), CSV" "0 1" "The peers have no coterminosity: each does the raw LTLA21 x STP21 overlay, the nearest equivalent (footprint does more: the tolerance, the coterminosity verdicts), checked against footprint's \`overlaps LTLA21 STP21 -t 0\`." "${OVL[@]}" "$OUT/fp3ref.csv" \
    -- "$BIN" coterminosity "$DATA/stp21.geojson" --units "$DATA/ltla21.geojson" -f csv -o "$OUT/fp3.csv" -q \
    -- "$DATA/ltla21.geojson" "$DATA/stp21.geojson"

job 3o "overlaps LTLA21 x STP21, -t 0, CSV" "0" "Job 3 like for like: footprint's raw overlay, the peers' one." "${OVL[@]}" "$OUT/fp3o.csv" \
    -- "$BIN" overlaps "$DATA/ltla21.geojson" "$DATA/stp21.geojson" -t 0 -f csv -o "$OUT/fp3o.csv" -q \
    -- "$DATA/ltla21.geojson" "$DATA/stp21.geojson"

job 5 "coterminosity STP21 x LTLA21 --small-areas LSOA11 --by small-area, CSV" "0 1" "Peer: bench/peer_small_areas.py (split at a 1% share: it finds 30 split units to footprint's 15; on the 2,004 LSOAs of the 15 both find, unit and STP agree on every one)." small_areas "geopandas" - \
    -- "$BIN" coterminosity "$DATA/stp21.geojson" --units "$DATA/ltla21.geojson" --small-areas "$DATA/lsoa11.geojson" --by small-area -f csv -o "$OUT/fp5.csv" -q \
    -- "$DATA/stp21.geojson" "$DATA/ltla21.geojson" "$DATA/lsoa11.geojson"

job 5p "coterminosity STP21 --units LSOA11 (plain), CSV" "0 1" "footprint alone: the plain run on LSOA11, which job 5 must stay under twice of." overlaps "" - \
    -- "$BIN" coterminosity "$DATA/stp21.geojson" --units "$DATA/lsoa11.geojson" -f csv -o "$OUT/fp5p.csv" -q --

if [[ " $JOBS " == *" 4 "* ]]; then
    # every overlap and gap an error (-t 0), for the peers' raw ones; exit 1: findings
    "$BIN" validate "$X16" -t 0 -q -f csv -o "$OUT/fp4ref.csv" || true
fi
job 4 "validate LSOA11 x16 (34,753-feature coverage)" "0 1" "Peers: bench/peer_validate.py (GeoPandas: sjoin+intersection overlaps, union holes), bench/peer_shapely.py --validate (the same in shapely 2: STRtree, union_all), bench/peer_duckdb.py --validate (a spatial self-join, each pair once, and the holes of ST_Union_Agg), bench/peer_sedona.py --validate (the same in SedonaDB, its union GEOS's: ST_UnaryUnion(ST_Collect_Agg)); checked against footprint's \`validate -t 0\` (overlaps and gaps over a hectare)." validate "geopandas shapely duckdb sedona" "validate:$OUT/fp4ref.csv" \
    -- "$BIN" validate "$X16" -q -o "$OUT/fp4.out" \
    -- "$X16"

if [[ " $JOBS " == *" 6 "* ]]; then
    # the peer's link areas are checked against footprint's at -t 0 (every piece counted)
    "$BIN" changes "$DATA/ltla19.geojson" "$DATA/ltla21.geojson" -t 0 -f csv -o "$OUT/fp6t0.csv" -q
fi
job 6 "changes LTLA19 -> LTLA21, CSV" "0" "Peer: bench/peer_changes.py (GeoPandas overlay, links under a 5% share dropped, the same classes); checked: link areas against footprint's \`changes -t 0\` (within 0.16% over a hectare in England), and each old feature's class (printed: no share threshold gets the slivers right)." changes "geopandas" "changes:$OUT/fp6.csv $OUT/fp6t0.csv" \
    -- "$BIN" changes "$DATA/ltla19.geojson" "$DATA/ltla21.geojson" -f csv -o "$OUT/fp6.csv" -q \
    -- "$DATA/ltla19.geojson" "$DATA/ltla21.geojson"

if [[ " $JOBS " == *" 7 "* ]]; then
    # every plan of every provider, for the peer's shares
    "$BIN" spanning --flows "$DATA/trust_msoa_flows.csv" --areas "$DATA/msoa11.geojson" --plans "$DATA/stp21.geojson" --min-share 0 -f csv -o "$OUT/fp7all.csv" -q
fi
job 7 "spanning --flows trust_msoa_flows --areas MSOA11 --plans STP21, CSV" "0 1" "Peer: bench/peer_flows.py (GeoPandas overlay of MSOAs and STPs, flow split by ground share, pandas sums); checked: every provider's share in every plan within 0.03 of footprint's (\`--min-share 0\`)." flows "geopandas" "flows:$OUT/fp7all.csv" \
    -- "$BIN" spanning --flows "$DATA/trust_msoa_flows.csv" --areas "$DATA/msoa11.geojson" --plans "$DATA/stp21.geojson" -f csv -o "$OUT/fp7.csv" -q \
    -- "$DATA/trust_msoa_flows.csv" "$DATA/msoa11.geojson" "$DATA/stp21.geojson"

if [[ " $JOBS " == *" 8 "* ]]; then
    if [ ! -s "$OUT/lsoa11.gpkg" ]; then
        echo "converting LSOA11 to a GeoPackage with GDAL (pyogrio)" >&2
        "$PY" tests/fixtures/formats/convert.py "$DATA/lsoa11.geojson" "$OUT/lsoa11.gpkg.tmp.gpkg"
        mv "$OUT/lsoa11.gpkg.tmp.gpkg" "$OUT/lsoa11.gpkg"
    fi
    "$BIN" inspect "$OUT/lsoa11.gpkg" -f json -o "$OUT/fp8.json" -q
fi
job 8 "load LSOA11 from a GeoPackage (inspect)" "0" "Peer: bench/peer_load.py (GeoPandas read_file, to_crs, is_valid, area). bench/formats.sh compares the formats footprint reads." load "geopandas" "load:$OUT/fp8.json" \
    -- "$BIN" inspect "$OUT/lsoa11.gpkg" -o "$OUT/fp8.out" -q \
    -- "$OUT/lsoa11.gpkg"

MATRIX=("$DATA/stp21.geojson" "$DATA/ccg21.geojson" "$DATA/ltla21.geojson" "$DATA/ltla19.geojson" "$DATA/msoa11.geojson")
job 9 "matrix STP21 CCG21 LTLA21 LTLA19 MSOA11 (10 overlays), CSV" "0" "Peer: bench/peer_matrix.py (shapely 2: each pair overlaid once, both directions read from it; an A feature split when two or more B features each hold over 1% of it, outside when all B hold at most 1%); checked: each ordered pair's whole/split/outside/out-of-scope counts and nests verdict against footprint's (printed, not required: a share threshold is not a tolerance)." matrix "shapely" "matrix:$OUT/fp9.csv" \
    -- "$BIN" matrix "${MATRIX[@]}" -f csv -o "$OUT/fp9.csv" -q \
    -- "${MATRIX[@]}"

LOAD_AFTER=$(uptime)
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "Load before: ${LOAD_BEFORE#*load average: }; after: ${LOAD_AFTER#*load average: } (1, 5, 15 min)"
echo "Runs: $RUNS per tool per job, alternating; medians. Peers: ${OKPEERS[*]:-none}."
for s in ${SKIPPED[@]+"${SKIPPED[@]}"}; do echo "Skipped peer $s"; done
echo
echo "| job | footprint | fastest peer (wall vs footprint) | leanest peer (footprint's RSS vs it) | >= 10x faster | <= half the memory | load at start |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' ${SUMMARY[@]+"${SUMMARY[@]}"}
printf '%s\n' ${REPORT[@]+"${REPORT[@]}"}
echo
echo "Phase split of footprint (FOOTPRINT_TIMINGS=1), job 1:"
FOOTPRINT_TIMINGS=1 "$BIN" overlaps "$X16" "$DATA/ccg21.geojson" -t 0 -f csv -o "$OUT/fp1.csv" -q 2>&1 | sed 's/^/    /'
if [ "$DISAGREE" != 0 ]; then
    echo "A PEER DISAGREES WITH FOOTPRINT (see the agreement column)" >&2
    exit 1
fi
