#!/usr/bin/env bash
# Every report, in every format, on the demo and on the real layers, written to OUT_DIR:
# run it before and after a change and `diff -r` the two folders (a redesign keeps behaviour).
#   bench/snapshot.sh target/release/footprint /tmp/before
# Needs ../shared/data/england for the real-layer part (skipped with a note when absent).
set -uo pipefail
bin=$(realpath "${1:?usage: snapshot.sh FOOTPRINT_BINARY OUT_DIR}")
out=${2:?usage: snapshot.sh FOOTPRINT_BINARY OUT_DIR}
cd "$(dirname "$0")/.."
rm -rf "$out"; mkdir -p "$out"
out=$(realpath "$out")
run() { # NAME ARGS...: stdout, stderr and exit code of one run
    local name=$1; shift
    "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err"
    echo $? >"$out/$name.rc"
}
d=data/demo
for f in table csv json; do
    run demo-inspect-$f inspect $d/councils.geojson -f $f
    run demo-overlaps-$f overlaps $d/councils.geojson $d/footprints.geojson -f $f
    run demo-overlaps-w-$f overlaps $d/councils.geojson $d/footprints.geojson --weights $d/population.csv -f $f
    run demo-cot-$f coterminosity $d/footprints.geojson --units $d/councils.geojson -f $f
    run demo-cot-w-$f coterminosity $d/footprints.geojson --units $d/councils.geojson --weights $d/population.csv -f $f
    run demo-cot-fp-$f coterminosity $d/footprints.geojson --units $d/councils.geojson --by footprint -f $f
    run demo-cot-req-$f coterminosity $d/footprints.geojson --units $d/councils.geojson --require-coterminous -f $f
    run demo-span-$f spanning $d/trusts.geojson --plans $d/footprints.geojson -f $f
    run demo-span-w-$f spanning $d/trusts.geojson --plans $d/footprints.geojson --weights $d/population.csv --max-plans 2 -f $f
    run demo-validate-$f validate $d/footprints.geojson --extent $d/councils.geojson -f $f
    run demo-validate-strict-$f validate $d/footprints.geojson --strict -f $f
    run demo-check-$f check $d/rules.toml -f $f
    run demo-build-$f build $d/ccgs.geojson --mapping $d/ccg_footprints.csv -o "$out/demo-build-$f.geojson" -f $f
    run demo-changes-$f changes $d/councils.geojson $d/councils_next.geojson -f $f
    run demo-matrix-$f matrix $d/councils.geojson $d/footprints.geojson $d/ccgs.geojson -f $f
    run demo-cot-small-$f coterminosity $d/footprints.geojson --units $d/councils.geojson --small-areas $d/neighbourhoods.geojson -f $f
    run demo-span-flows-$f spanning --flows $d/trust_flows.csv --areas $d/neighbourhoods.geojson --plans $d/footprints.geojson -f $f
done
run demo-pieces overlaps $d/councils.geojson $d/footprints.geojson -f csv -o "$out/demo-pieces.csv" --pieces "$out/demo-pieces.geojson"
run demo-check-junit check $d/rules.toml --junit "$out/demo-check-junit.xml"
run demo-map map $d/footprints.geojson --units $d/councils.geojson --providers $d/trusts.geojson --weights $d/population.csv -o "$out/demo-map.html"
e=../shared/data/england
if [ ! -d "$e" ]; then
    echo "snapshot: $e is absent; real-layer reports skipped" >&2
    exit 0
fi
for f in table csv json; do
    run real-inspect-$f inspect $e/ltla21.geojson -f $f
    run real-cot-$f coterminosity $e/stp21.geojson --units $e/ltla21.geojson -f $f
    run real-cot-fp-$f coterminosity $e/stp21.geojson --units $e/ltla21.geojson --by footprint -f $f
    run real-cot-w-$f coterminosity $e/stp21.geojson --units $e/ltla21.geojson --weights $e/msoa11_population.csv -f $f
    run real-span-$f spanning $e/ccg21.geojson --plans $e/stp21.geojson --weights $e/msoa11_population.csv -f $f
    run real-validate-$f validate $e/stp21.geojson --extent $e/ltla21.geojson -f $f
    run real-validate-ccg-$f validate $e/ccg21.geojson -f $f
    run real-changes-$f changes $e/ltla19.geojson $e/ltla21.geojson -f $f
    run real-matrix-$f matrix $e/stp21.geojson $e/ccg21.geojson $e/ltla21.geojson $e/ltla19.geojson $e/msoa11.geojson -f $f
    run real-cot-small-$f coterminosity $e/stp21.geojson --units $e/ltla21.geojson --small-areas $e/lsoa11.geojson -f $f
    run real-span-flows-$f spanning --flows $e/trust_msoa_flows.csv --areas $e/msoa11.geojson --plans $e/stp21.geojson -f $f
done
run real-overlaps-csv overlaps $e/lsoa11.geojson $e/ccg21.geojson -f csv
run real-overlaps-json overlaps $e/lsoa11.geojson $e/ccg21.geojson -f json
run real-overlaps-t0 overlaps $e/lsoa11.geojson $e/ccg21.geojson -f csv -t 0
run real-pieces overlaps $e/ltla21.geojson $e/stp21.geojson -f csv -o "$out/real-pieces.csv" --pieces "$out/real-pieces.geojson"
python3 -c 'import csv,sys; r=csv.DictReader(open(sys.argv[1])); w=csv.writer(sys.stdout); w.writerow(["ccg21_code","stp21_code"]); seen=set()
for row in r:
    if row["ccg21_code"] not in seen: seen.add(row["ccg21_code"]); w.writerow([row["ccg21_code"], row["stp21_code"]])' $e/lookup_lsoa11_ccg21_stp21_ltla21.csv >"$out/ccg_stp.csv"
run real-build build $e/ccg21.geojson --mapping "$out/ccg_stp.csv" --columns ccg21_code,stp21_code -o "$out/real-build.geojson" -f json
cat >"$out/real-rules.toml" <<RULES
tolerance = "auto"
[layers]
stp = "$(realpath $e/stp21.geojson)"
ltla = "$(realpath $e/ltla21.geojson)"
ccg = "$(realpath $e/ccg21.geojson)"
[weights]
population = "$(realpath $e/msoa11_population.csv)"
[[rule]]
name = "STPs tile the councils"
validate = "stp"
extent = "ltla"
[[rule]]
name = "No council split"
coterminous = "stp"
units = "ltla"
[[rule]]
name = "CCGs span one STP"
spanning = "ccg"
plans = "stp"
max_plans = 1
weights = "population"
RULES
for f in table csv json; do run real-check-$f check "$out/real-rules.toml" -f $f; done
run real-map map $e/stp21.geojson --units $e/ltla21.geojson -o "$out/real-map.html"
echo "snapshot: $(ls "$out" | wc -l) files in $out" >&2
