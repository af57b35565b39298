#!/usr/bin/env python3
"""Independent validity check of the polygons footprint writes (shapely / GEOS).

Usage: bench/check_pieces_valid.py FILE.geojson [FILE.geojson ...]

Reads each GeoJSON (pieces from `overlaps --pieces`, footprints from `build`) with the
coordinates exactly as written, and checks every geometry with shapely.is_valid. Prints, per
file, the features checked and the invalid ones with GEOS's explanation and the pair (or
footprint) codes. Exits 1 when any geometry is invalid, else 0.

Run it with a Python that has shapely, e.g. /work/venv/bin/python:

    footprint overlaps ltla21.geojson stp21.geojson --pieces /tmp/p.geojson -o /dev/null
    /work/venv/bin/python bench/check_pieces_valid.py /tmp/p.geojson
"""

import json
import sys

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity


def label(props):
    for keys in (("a_code", "b_code"), ("FOOTPRINTCD",)):
        if all(k in props for k in keys):
            return " x ".join(str(props[k]) for k in keys)
    return json.dumps(props)[:80]


def check(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    features = doc.get("features", [])
    invalid = []
    for i, feat in enumerate(features):
        geom = shape(feat["geometry"])
        if not shapely.is_valid(geom):
            invalid.append((i, label(feat.get("properties") or {}), explain_validity(geom)))
    print(f"{path}: {len(features)} geometries checked, {len(features) - len(invalid)} valid, "
          f"{len(invalid)} invalid (shapely {shapely.__version__}, GEOS {shapely.geos_version_string})")
    for i, what, why in invalid[:50]:
        print(f"  #{i} {what}: {why}")
    if len(invalid) > 50:
        print(f"  ... and {len(invalid) - 50} more")
    return len(invalid)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    bad = sum(check(p) for p in argv[1:])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
