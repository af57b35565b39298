#!/usr/bin/env bash
# Peer for `footprint overlaps A B -t 0 -f csv`: mapshaper (JavaScript, Node), end to end.
#
#   bench/peer_mapshaper.sh A.geojson B.geojson OUT.csv
#
# Both layers read into one dataset, projected to EPSG:27700, -union into a flat mosaic (each
# piece carries the codes of the A and B features over it), the pieces lying in both kept,
# their planar area taken (this.area), and the pieces of a pair dissolved into one row
# (sum-fields): area_m2,<A code>,<B code>. Uses bench/node_modules/.bin/mapshaper (npm install
# in bench/, which compare.sh does).
set -euo pipefail
a=$1 b=$2 out=$3
MS=$(dirname "$0")/node_modules/.bin/mapshaper
# the first property ending in CD (read from the file's head: no early-closed pipe, for pipefail)
code() { local c; c=$(head -c 20000 "$1" | grep -o '"[A-Za-z0-9_]*CD"'); c=${c%%$'\n'*}; echo "${c//\"/}"; }
ka=$(code "$a") kb=$(code "$b")
"$MS" -quiet -i "$a" "$b" combine-files -rename-layers a,b -proj EPSG:27700 target=a,b \
    -union target=a,b fields="$ka,$kb" \
    -filter "!!$ka && !!$kb" -each 'area_m2=this.area' \
    -dissolve "$ka,$kb" sum-fields=area_m2 -o "$out" format=csv
