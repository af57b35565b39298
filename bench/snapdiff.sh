#!/usr/bin/env bash
# Compare two bench/snapshot.sh folders, ignoring what is meant to vary between runs: the
# folder's own name, and the seconds a rule took (check JSON and JUnit).
#   bench/snapdiff.sh /tmp/before /tmp/after
set -uo pipefail
a=${1:?usage: snapdiff.sh DIR_A DIR_B}; b=${2:?usage: snapdiff.sh DIR_A DIR_B}
norm() { sed -e "s|$2|SNAPDIR|g" -e 's/"seconds": [0-9.]*/"seconds": S/' -e 's/time="[0-9.]*"/time="S"/g' "$1"; }
status=0
for f in $(cd "$a" && ls); do
    if [ ! -e "$b/$f" ]; then echo "only in $a: $f"; status=1; continue; fi
    if ! cmp -s <(norm "$a/$f" "$a") <(norm "$b/$f" "$b"); then
        echo "=== $f"; diff <(norm "$a/$f" "$a") <(norm "$b/$f" "$b") | head -20; status=1
    fi
done
for f in $(cd "$b" && ls); do [ -e "$a/$f" ] || { echo "only in $b: $f"; status=1; }; done
exit $status
