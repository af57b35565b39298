"""Peer for `footprint overlaps A B -t 0 -f csv`: SedonaDB (Apache Sedona's single-node engine).

    python bench/peer_sedona.py A.geojson B.geojson OUT.csv

read_pyogrio both layers, ST_Transform to EPSG:27700, ST_MakeValid where not ST_IsValid, a
spatial join on ST_Intersects, ST_Area(ST_Intersection) per pair, to_csv
(a_code,b_code,overlap_km2).
"""
import sys
import time

import sedonadb


def load(sd, name, path):
    df = sd.read_pyogrio(path)
    code = [c for c in df.columns if c.upper().endswith("CD")][0]
    geom = "wkb_geometry" if "wkb_geometry" in df.columns else "geometry"
    df.to_view(name + "_raw")
    # (a CASE over geometries loses their type in SedonaDB 0.5: repair with a UNION ALL)
    sd.sql(f"""WITH t AS (SELECT "{code}" AS code, ST_Transform({geom}, 'EPSG:27700') AS geom
                          FROM {name}_raw)
               SELECT code, geom FROM t WHERE ST_IsValid(geom)
               UNION ALL
               SELECT code, ST_MakeValid(geom) AS geom FROM t WHERE NOT ST_IsValid(geom)
            """).to_memtable().to_view(name)


def main():
    a_path, b_path, out = sys.argv[1:4]
    t0 = time.time()
    sd = sedonadb.connect()
    load(sd, "a", a_path)
    load(sd, "b", b_path)
    t1 = time.time()
    sd.sql("""SELECT a.code AS a_code, b.code AS b_code,
                     ST_Area(ST_Intersection(a.geom, b.geom)) / 1e6 AS overlap_km2
              FROM a JOIN b ON ST_Intersects(a.geom, b.geom)""").to_csv(out)
    print(f"load {t1 - t0:.2f}s join+intersect+write {time.time() - t1:.2f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
