"""Peer for `coterminosity FOOTPRINTS --units UNITS --small-areas SMALL --by small-area`:
the GeoPandas (GEOS) way, end to end.

    python bench/peer_small_areas.py stp21.geojson ltla21.geojson lsoa11.geojson out.csv

A unit is split when two footprints each hold more than SPLIT_SHARE of it (the peer has no
tolerance: a share threshold is the usual stand-in); each small area belongs to the unit it
overlaps most, and each small area of a split unit goes whole to the footprint it overlaps
most. Writes unit_code,footprint_code,small_area_code,small_area_km2.
"""
import sys
import time

import geopandas as gpd

SPLIT_SHARE = 0.01


def code_of(df):
    return [c for c in df.columns if c.upper().endswith("CD")][0]


def largest(a, b, ka, kb):
    """Each feature of a (by ka) with the feature of b (by kb) it overlaps most."""
    x = gpd.overlay(a, b, how="intersection", keep_geom_type=True)
    x["area"] = x.area
    return x.sort_values("area").drop_duplicates(ka, keep="last")[[ka, kb, "area"]]


def main():
    fp_path, units_path, small_path, out = sys.argv[1:5]
    t0 = time.time()
    fp = gpd.read_file(fp_path).to_crs(27700)
    units = gpd.read_file(units_path).to_crs(27700)
    small = gpd.read_file(small_path).to_crs(27700)
    kf, ku, ks = code_of(fp), code_of(units), code_of(small)
    fp, units, small = fp[[kf, "geometry"]], units[[ku, "geometry"]], small[[ks, "geometry"]]
    t1 = time.time()
    parts = gpd.overlay(units, fp, how="intersection", keep_geom_type=True)
    parts["share"] = parts.area / parts[ku].map(units.set_index(ku).area)
    counted = parts[parts.share > SPLIT_SHARE]
    split = set(counted.groupby(ku).size().loc[lambda n: n > 1].index)
    split_units = units[units[ku].isin(split)]
    near = small[small.intersects(split_units.union_all())]
    home = largest(near, units, ks, ku)
    members = near[near[ks].isin(home[home[ku].isin(split)][ks])]
    placed = largest(members, fp, ks, kf)
    rows = placed.merge(home[[ks, ku]], on=ks)
    rows["small_area_km2"] = rows[ks].map(members.set_index(ks).area) / 1e6
    rows = rows.rename(
        columns={ku: "unit_code", kf: "footprint_code", ks: "small_area_code"}
    )[["unit_code", "footprint_code", "small_area_code", "small_area_km2"]]
    rows.sort_values(["unit_code", "footprint_code", "small_area_code"]).to_csv(out, index=False)
    print(
        f"load {t1 - t0:.2f}s analysis+write {time.time() - t1:.2f}s "
        f"split units {len(split)} small areas {len(rows)}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
