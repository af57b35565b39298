"""Peer for `footprint overlaps A B -t 0 -f csv`: DuckDB with its spatial extension, end to end.

    python bench/peer_duckdb.py A.geojson B.geojson OUT.csv
    python bench/peer_duckdb.py --validate LAYER.geojson OUT.csv   (peer of `footprint validate`)

ST_Read both layers, ST_Transform to EPSG:27700 (always_xy: the files are lon/lat), repair the
invalid polygons (GEOS refuses them: LSOA11 has one as published, x16 two), a spatial join on
ST_Intersects, ST_Area(ST_Intersection) per pair, COPY to CSV (a_code,b_code,overlap_km2).
With --validate, the layer joined with itself (each pair once, pieces over 1 m2) and the holes
of ST_Union_Agg (ST_Dump, ST_InteriorRingN): kind,a_code,b_code,area_m2, as
bench/peer_validate.py writes.
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


def validate(path, out):
    t0 = time.time()
    con = connect()
    load(con, "t", path)
    t1 = time.time()
    # Each pair once: a plain a.rowid < b.rowid would be planned as the join condition (a
    # piecewise merge join over half of all n^2 pairs, ST_Intersects a filter after it; see
    # duckdb-spatial#475), so it is written as an expression that stays a filter on SPATIAL_JOIN.
    con.execute("""
        CREATE TABLE res AS
        SELECT 'overlap' AS kind, a_code, b_code, area FROM (
            SELECT a.code AS a_code, b.code AS b_code, ST_Area(ST_Intersection(a.geom, b.geom)) AS area
            FROM t a JOIN t b ON ST_Intersects(a.geom, b.geom)
            WHERE a.rowid - b.rowid < 0)
        WHERE area > 1.0
        UNION ALL
        SELECT 'gap', NULL, NULL, ST_Area(ST_MakePolygon(ST_InteriorRingN(p.geom, n)))
        FROM (SELECT unnest(ST_Dump(ST_Union_Agg(geom)), recursive := true) FROM t) p,
             generate_series(1, ST_NumInteriorRings(p.geom)) s(n)""")
    con.execute(f"""COPY (SELECT kind, a_code, b_code, printf('%.1f', area) AS area_m2 FROM res)
                    TO {lit(out)} (HEADER, DELIMITER ',')""")
    n = dict(con.execute("SELECT kind, count(*) FROM res GROUP BY kind").fetchall())
    print(f"load {t1 - t0:.2f}s check+write {time.time() - t1:.2f}s overlaps {n.get('overlap', 0)} "
          f"gaps {n.get('gap', 0)}", file=sys.stderr)


def main():
    if sys.argv[1] == "--validate":
        return validate(*sys.argv[2:4])
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
