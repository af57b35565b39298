//! Every polygon footprint writes is valid by OGC rules as written: the coordinates read back
//! from the file (7 decimals) with the `geojson` crate, checked with geo's `Validation`. On
//! the real layers: every piece of LTLA21 x STP21, LSOA11 x CCG21 and LSOA11 x LTLA21, and the
//! STP21 footprints built from CCG21. (`bench/check_pieces_valid.py` is the independent
//! check, with shapely/GEOS.)

mod common;

use std::path::Path;

use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};
use geojson::{GeoJson, GeometryValue};

use common::{demo, england, footprint};

/// Every geometry of a written layer as geo polygons, with the feature's label.
fn written(path: &Path, label: &[&str]) -> Vec<(String, MultiPolygon<f64>)> {
    let text = std::fs::read_to_string(path).expect("readable");
    let Ok(GeoJson::FeatureCollection(fc)) = text.parse::<GeoJson>() else {
        panic!("{}: not a FeatureCollection", path.display());
    };
    let ring = |r: &Vec<geojson::Position>| {
        LineString(
            r.iter()
                .map(|p| Coord {
                    x: p.as_slice()[0],
                    y: p.as_slice()[1],
                })
                .collect(),
        )
    };
    let polygon = |rings: &Vec<Vec<geojson::Position>>| {
        let mut it = rings.iter().map(ring);
        let shell = it.next().expect("a shell");
        Polygon::new(shell, it.collect())
    };
    fc.features
        .iter()
        .map(|f| {
            let name = label
                .iter()
                .map(|k| f.property(k).map(|v| v.to_string()).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" x ");
            let g = f.geometry.as_ref().expect("a geometry");
            let mp = match &g.value {
                GeometryValue::Polygon { coordinates } => MultiPolygon(vec![polygon(coordinates)]),
                GeometryValue::MultiPolygon { coordinates } => {
                    MultiPolygon(coordinates.iter().map(polygon).collect())
                }
                other => panic!("not a polygon: {other:?}"),
            };
            (name, mp)
        })
        .collect()
}

/// All invalid ones, with geo's reason.
fn invalid(features: &[(String, MultiPolygon<f64>)]) -> Vec<String> {
    features
        .iter()
        .filter(|(_, g)| !g.is_valid())
        .map(|(name, g)| format!("{name}: {:?}", g.validation_errors()))
        .collect()
}

/// `overlaps A B --pieces`: every piece valid as written; the number of pieces.
fn pieces_valid(a: &str, b: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let pieces = dir.path().join("pieces.geojson");
    footprint()
        .args(["overlaps", a, b, "-q", "-o"])
        .arg(dir.path().join("o.csv"))
        .arg("--pieces")
        .arg(&pieces)
        .assert()
        .code(0);
    let features = written(&pieces, &["a_code", "b_code"]);
    let bad = invalid(&features);
    assert!(
        bad.is_empty(),
        "{a} x {b}: {} of {} pieces invalid as written: {bad:#?}",
        bad.len(),
        features.len()
    );
    features.len()
}

#[test]
fn demo_pieces_and_footprints_are_valid_as_written() {
    assert!(pieces_valid(&demo("councils.geojson"), &demo("footprints.geojson")) > 0);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("built.geojson");
    footprint()
        .args([
            "build",
            &demo("ccgs.geojson"),
            "--mapping",
            &demo("ccg_footprints.csv"),
            "-q",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(0);
    assert_eq!(
        invalid(&written(&out, &["FOOTPRINTCD"])),
        Vec::<String>::new()
    );
}

#[test]
fn real_pieces_are_valid_as_written() {
    let Some(e) = england() else { return };
    let layer = |n: &str| e.join(n).display().to_string();
    for (a, b, at_least) in [
        ("ltla21.geojson", "stp21.geojson", 300),
        ("lsoa11.geojson", "ccg21.geojson", 30_000),
        ("lsoa11.geojson", "ltla21.geojson", 30_000),
    ] {
        let n = pieces_valid(&layer(a), &layer(b));
        assert!(n >= at_least, "{a} x {b}: only {n} pieces");
    }
}

#[test]
fn real_built_footprints_are_valid_as_written() {
    let Some(e) = england() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stp.geojson");
    footprint()
        .arg("build")
        .arg(e.join("ccg21.geojson"))
        .arg("--mapping")
        .arg(e.join("lookup_lsoa11_ccg21_stp21_ltla21.csv"))
        .args(["--columns", "ccg21_code,stp21_code,stp21_name", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let features = written(&out, &["FOOTPRINTCD"]);
    assert_eq!(features.len(), 42);
    assert_eq!(invalid(&features), Vec::<String>::new());
}
