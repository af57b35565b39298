"""Read a GeoPackage that footprint wrote with a real reader (GDAL, through pyogrio) and check
it against the GeoJSON of the same layer.

    python bench/check_gpkg.py OUT.gpkg LAYER EPSG SAME.geojson

Checks: the file has exactly one layer, LAYER, in EPSG:EPSG, with a spatial index; it has as
many features as the GeoJSON, every geometry valid (GEOS) and all of one type, the same
attribute values; in EPSG:4326 each geometry is exactly the GeoJSON's (the same doubles, and
the same type, or all MultiPolygon), in EPSG:27700 the same area within 2 cm times the
outline's length (the two grids move an outline by about a centimetre). Prints one line and
exits 0, or prints what differs and exits 1. Run by tests/gpkg_out.rs when pyogrio is
installed (bench/.venv or /work/venv).
"""

import sys

import pyogrio
import shapely


def main(path, layer, epsg, geojson):
    problems = []
    layers = [name for name, _ in pyogrio.list_layers(path)]
    if layers != [layer]:
        problems.append(f"layers {layers}, expected [{layer!r}]")
    info = pyogrio.read_info(path, layer=layer)
    if info["crs"] != f"EPSG:{epsg}":
        problems.append(f"crs {info['crs']}, expected EPSG:{epsg}")
    if not info["capabilities"]["fast_spatial_filter"]:
        problems.append("no spatial index (fast_spatial_filter is false)")
    got = pyogrio.read_dataframe(path, layer=layer)
    want = pyogrio.read_dataframe(geojson)
    if len(got) != len(want):
        problems.append(f"{len(got)} features, the GeoJSON has {len(want)}")
    invalid = (~got.geometry.is_valid).sum()
    if invalid:
        problems.append(f"{invalid} invalid geometries")
    if len(got) == len(want):
        # A layer of pieces is POLYGON when every piece is one polygon on the written grid;
        # when some are not, the GeoJSON mixes Polygon and MultiPolygon but a GeoPackage layer
        # has one type, so every feature is a MultiPolygon there.
        types = set(got.geom_type)
        if types == {"MultiPolygon"}:
            want = want.set_geometry(
                [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in want.geometry],
                crs=want.crs,
            )
        # On the millimetre grid a piece can stay whole that the 7-decimal grid split (or the
        # other way): types are compared in WGS84 only.
        if epsg == 4326 and list(got.geom_type) != list(want.geom_type):
            problems.append(f"geometry types {sorted(types)} differ from the GeoJSON's")
        if len(types) > 1:
            problems.append(f"geometry types {sorted(types)} mixed in one layer")
        columns = [c for c in want.columns if c != "geometry"]
        for c in columns:
            if c not in got.columns:
                problems.append(f"no column {c}")
            elif list(got[c]) != list(want[c]):
                problems.append(f"column {c} differs")
        if epsg == 4326:
            same = shapely.equals_exact(got.geometry.values, want.geometry.values, tolerance=0)
            if not same.all():
                problems.append(f"{(~same).sum()} geometries differ from the GeoJSON's")
        else:
            # The two grids (1e-7 degrees, 1 mm) move an outline by up to about a centimetre.
            theirs = want.to_crs(epsg).geometry
            off = abs(got.geometry.area.values - theirs.area.values) / theirs.length.values
            if off.max() > 0.02:
                problems.append(f"areas differ from the GeoJSON's by {off.max():.3f} m² per m of outline")
    if problems:
        print(f"{path}: " + "; ".join(problems))
        return 1
    print(
        f"{path}: layer {layer}, EPSG:{epsg}, {len(got)} features, all valid, "
        f"same as {geojson} (GDAL {pyogrio.__gdal_version_string__})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
