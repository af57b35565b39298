#!/bin/sh
# Seed the fuzz corpora from the project's fixtures and demo data (run from anywhere).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$here/corpus/loader" "$here/corpus/scan_agrees" "$here/corpus/analyse" "$here/corpus/tolerance" "$here/corpus/weights_csv"
find "$root/tests/fixtures/bad" "$root/data/demo" -type f -name '*.geojson' \
    -exec cp {} "$here/corpus/loader/" \;
# Small well-formed FeatureCollections, so that mutations reach the fast scanner's deep paths.
cp "$here"/seeds/*.geojson "$here/corpus/loader/"
cp "$here"/corpus/loader/* "$here/corpus/analyse/"
cp "$here"/corpus/loader/* "$here/corpus/scan_agrees/"
cp "$root/data/demo/population.csv" "$here/corpus/weights_csv/"
cp "$root"/tests/fixtures/bad/weights_*.csv "$here/corpus/weights_csv/"
for t in auto 0 250m 0.5km 40 " 1.5 KM " 1e3m -5m lots nan; do
    printf '%s' "$t" > "$here/corpus/tolerance/$(printf '%s' "$t" | od -An -tx1 | tr -d ' \n')"
done
echo "seeded: $(ls "$here/corpus/loader" | wc -l) loader, $(ls "$here/corpus/weights_csv" | wc -l) weights, $(ls "$here/corpus/tolerance" | wc -l) tolerance inputs"
