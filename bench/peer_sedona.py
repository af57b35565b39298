"""Peer for `footprint overlaps A B -t 0 -f csv`: SedonaDB (Apache Sedona's single-node engine).

    python bench/peer_sedona.py A.geojson B.geojson OUT.csv
    python bench/peer_sedona.py --validate LAYER.geojson OUT.csv   (peer of `footprint validate`)

read_pyogrio both layers, ST_Transform to EPSG:27700, ST_MakeValid where not ST_IsValid, a
spatial join on ST_Intersects, ST_Area(ST_Intersection) per pair, to_csv
(a_code,b_code,overlap_km2). With --validate, the layer joined with itself (each pair once, by
code, pieces over 1 m2) and the holes of the union (ST_Dump, ST_InteriorRingN, made polygons by
ST_BuildArea: SedonaDB 0.5 has no ST_MakePolygon): kind,a_code,b_code,area_m2, as
bench/peer_validate.py writes. The union is GEOS's, ST_UnaryUnion(ST_Collect_Agg(...)), as
shapely.union_all: SedonaDB's ST_Union_Agg is the geo crate's, adding one geometry at a time to
the running union, and on LSOA11 x1 takes 225 s and leaves 3,158 sliver holes (up to 50 m2)
where GEOS and footprint find none.
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


def validate(path, out):
    t0 = time.time()
    sd = sedonadb.connect()
    load(sd, "t", path)
    t1 = time.time()
    # The union takes the polygons of each feature (ST_Dump): ST_MakeValid may give a
    # GeometryCollection of polygons and lines, and SedonaDB has no ST_CollectionExtract.
    res = sd.sql("""
        WITH o AS (SELECT a.code AS a_code, b.code AS b_code, ST_Area(ST_Intersection(a.geom, b.geom)) AS area
                   FROM t a JOIN t b ON ST_Intersects(a.geom, b.geom) AND a.code < b.code),
             d AS (SELECT unnest(ST_Dump(geom))['geom'] AS geom FROM t),
             p AS (SELECT unnest(ST_Dump(ST_UnaryUnion(ST_Collect_Agg(geom))))['geom'] AS geom
                   FROM d WHERE ST_GeometryType(geom) = 'ST_Polygon'),
             r AS (SELECT geom, unnest(generate_series(1, ST_NumInteriorRings(geom))) AS n FROM p)
        SELECT 'overlap' AS kind, a_code, b_code, round(area, 1) AS area_m2 FROM o WHERE area > 1.0
        UNION ALL
        SELECT 'gap', NULL, NULL, round(ST_Area(ST_BuildArea(ST_InteriorRingN(geom, n))), 1) FROM r
        """).to_memtable()
    res.to_csv(out)
    res.to_view("res")
    n_over = sd.sql("SELECT * FROM res WHERE kind = 'overlap'").count()
    print(f"load {t1 - t0:.2f}s check+write {time.time() - t1:.2f}s overlaps {n_over} "
          f"gaps {res.count() - n_over}", file=sys.stderr)


def main():
    if sys.argv[1] == "--validate":
        return validate(*sys.argv[2:4])
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
