"""Peer for `footprint overlaps A B -t 0 -f csv`: DuckDB with its spatial extension, end to end.

    python bench/peer_duckdb.py A.geojson B.geojson OUT.csv

ST_Read both layers, ST_Transform to EPSG:27700 (always_xy: the files are lon/lat), repair the
invalid polygons (GEOS refuses them: LSOA11 has one as published, x16 two), a spatial join on
ST_Intersects, ST_Area(ST_Intersection) per pair, COPY to CSV (a_code,b_code,overlap_km2).
The extension comes from the pip package duckdb-extension-spatial (same version as duckdb),
loaded from its file; DuckDB checks its signature, so it is the official build.
"""
import glob
import os
import sys
import time

import duckdb
import duckdb_extension_spatial


def connect():
    con = duckdb.connect()
    ext = glob.glob(os.path.join(os.path.dirname(duckdb_extension_spatial.__file__),
                                 "extensions", "*", "spatial.duckdb_extension"))
    con.execute(f"LOAD '{ext[0]}'" if ext else "LOAD spatial")
    return con


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def load(con, name, path):
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM ST_Read({lit(path)})").fetchall()]
    code = [c for c in cols if c.upper().endswith("CD")][0]
    con.execute(f"""
        CREATE TABLE {name} AS
        SELECT "{code}" AS code, CASE WHEN ST_IsValid(g) THEN g ELSE ST_CollectionExtract(ST_MakeValid(g), 3) END AS geom
        FROM (SELECT ST_Transform(geom, 'EPSG:4326', 'EPSG:27700', always_xy := true) AS g, "{code}"
              FROM ST_Read({lit(path)}))""")


def main():
    a_path, b_path, out = sys.argv[1:4]
    t0 = time.time()
    con = connect()
    load(con, "a", a_path)
    load(con, "b", b_path)
    t1 = time.time()
    con.execute(f"""
        COPY (SELECT a.code AS a_code, b.code AS b_code,
                     ST_Area(ST_Intersection(a.geom, b.geom)) / 1e6 AS overlap_km2
              FROM a JOIN b ON ST_Intersects(a.geom, b.geom))
        TO {lit(out)} (HEADER, DELIMITER ',')""")
    print(f"load {t1 - t0:.2f}s join+intersect+write {time.time() - t1:.2f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
