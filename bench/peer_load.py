"""Peer for loading a layer (`footprint inspect LAYER`): the GeoPandas/pyogrio way.

    python bench/peer_load.py lsoa11.gpkg out.csv
    python bench/peer_load.py --check footprint_inspect.json out.csv

Reads the layer with pyogrio (GDAL), projects it to British National Grid, checks each
geometry's validity and measures its area: what `inspect` does on load. Writes
features,invalid,area_km2. The check compares the feature count (exactly) and the total area
(within 0.16%: footprint measures areas on the ground, GeoPandas on the grid) with footprint's
`inspect --format json`.
"""
import json
import sys
import time

import geopandas as gpd
import pandas as pd


def main():
    if sys.argv[1] == "--check":
        ours = json.load(open(sys.argv[2]))
        peer = pd.read_csv(sys.argv[3]).iloc[0]
        rel = abs(ours["area_km2"] - peer.area_km2) / ours["area_km2"]
        same = ours["feature_count"] == peer.features
        print(
            f"peer load: {peer.features} features (footprint {ours['feature_count']}), "
            f"{int(peer.invalid)} invalid, area differs by {rel:.4%}",
            file=sys.stderr,
        )
        sys.exit(0 if same and rel <= 0.0016 else 1)
    path, out = sys.argv[1:3]
    t0 = time.time()
    df = gpd.read_file(path)
    t1 = time.time()
    df = df.to_crs(27700)
    invalid = int((~df.is_valid).sum())
    area = df.area.sum() / 1e6
    t2 = time.time()
    pd.DataFrame([{"features": len(df), "invalid": invalid, "area_km2": area}]).to_csv(out, index=False)
    print(f"peer load: read {t1 - t0:.2f} s, project+validate+measure {t2 - t1:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
