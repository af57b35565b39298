"""Peer for `footprint validate`: GeoPandas/GEOS coverage check of one layer, end to end.

Self-overlaps: pairs of features whose intersection has area (sjoin + intersection), and gaps:
holes in the union of all features (unary_union). Writes kind,a_code,b_code,area_m2 as CSV.
usage: peer_validate.py LAYER.geojson OUT.csv
"""
import sys, time
import geopandas as gpd
import shapely

path, out = sys.argv[1:3]
t0 = time.time()
g = gpd.read_file(path).to_crs(27700)
key = [c for c in g.columns if c.upper().endswith('CD')][0]
g = g[[key, 'geometry']].reset_index(drop=True)
t1 = time.time()
pairs = gpd.sjoin(g, g, predicate='intersects', how='inner')
left = pairs.index.to_numpy()
right = pairs['index_right'].to_numpy()
keep = left < right
left, right = left[keep], right[keep]
geoms = g.geometry.values.copy()
# GEOS refuses invalid input (a TopologyException on LSOA11 x16, whose E01013170 crosses
# itself once densified), so a GeoPandas user must repair it first, as footprint checks it.
invalid = ~shapely.is_valid(geoms)
geoms[invalid] = shapely.make_valid(geoms[invalid])
areas = shapely.area(shapely.intersection(geoms[left], geoms[right]))
rows = [('overlap', g[key].iat[i], g[key].iat[j], a) for i, j, a in zip(left, right, areas) if a > 1.0]
union = shapely.union_all(geoms)
parts = getattr(union, 'geoms', [union])
for p in parts:
    for ring in p.interiors:
        rows.append(('gap', '', '', shapely.Polygon(ring).area))
with open(out, 'w') as f:
    f.write('kind,a_code,b_code,area_m2\n')
    for r in rows:
        f.write(f'{r[0]},{r[1]},{r[2]},{r[3]:.1f}\n')
print(f'load {t1-t0:.2f}s check+write {time.time()-t1:.2f}s overlaps {sum(r[0]=="overlap" for r in rows)} '
      f'gaps {sum(r[0]=="gap" for r in rows)}', file=sys.stderr)
