//! The `geojson` crate as the reference reader: every layer the fast loader reads, and every
//! GeoJSON file footprint writes (overlay pieces, built footprints), must read the same with it.

mod common;

use std::path::Path;

use footprint::layer::{load, LoadOptions};
use geojson::{FeatureCollection, GeoJson, Geometry, GeometryValue};

use common::{demo, england, footprint};

fn collection(path: &Path) -> FeatureCollection {
    let text = std::fs::read_to_string(path).expect("readable");
    match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => fc,
        Ok(other) => panic!("{}: not a FeatureCollection: {other:?}", path.display()),
        Err(e) => panic!("{}: the geojson crate cannot read it: {e}", path.display()),
    }
}

/// Rings as lists of positions, polygon by polygon.
fn polygons(g: &Geometry) -> Vec<Vec<Vec<geojson::Position>>> {
    match &g.value {
        GeometryValue::Polygon { coordinates } => vec![coordinates.clone()],
        GeometryValue::MultiPolygon { coordinates } => coordinates.clone(),
        other => panic!("not a polygon: {other:?}"),
    }
}

fn property(f: &geojson::Feature, key: &str) -> String {
    match f.property(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => panic!("feature without {key}"),
    }
}

/// The loader and the reference reader agree on every feature: its code, its polygons and
/// rings, and every ring's vertex count; and the loader's box is the projected box of the
/// reference coordinates.
fn agrees(path: &Path) {
    let layer = load(path, &LoadOptions::default()).expect("loads");
    let fc = collection(path);
    assert_eq!(layer.input_count, fc.features.len(), "{}", path.display());
    assert!(layer.skipped.is_empty(), "{}", path.display());
    for (f, r) in layer.features.iter().zip(&fc.features) {
        assert_eq!(f.code, property(r, &layer.code_field), "{}", path.display());
        let rings = polygons(r.geometry.as_ref().expect("geometry"));
        assert_eq!(
            f.geometry.0.len(),
            rings.len(),
            "{} {}",
            path.display(),
            f.code
        );
        let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
        for (p, ring_set) in f.geometry.0.iter().zip(&rings) {
            let ours: Vec<usize> = std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| r.0.len())
                .collect();
            let theirs: Vec<usize> = ring_set.iter().map(Vec::len).collect();
            assert_eq!(ours, theirs, "{} {}: ring lengths", path.display(), f.code);
            for pos in ring_set.iter().flatten() {
                let (e, n) = footprint::project::wgs84_to_bng(pos[0], pos[1]);
                min = [min[0].min(e), min[1].min(n)];
                max = [max[0].max(e), max[1].max(n)];
            }
        }
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
        assert!(
            close(f.bbox.min().x, min[0])
                && close(f.bbox.min().y, min[1])
                && close(f.bbox.max().x, max[0])
                && close(f.bbox.max().y, max[1]),
            "{} {}: box {:?} against {min:?} {max:?}",
            path.display(),
            f.code,
            f.bbox
        );
    }
}

#[test]
fn the_loader_reads_the_demo_as_the_reference_does() {
    for f in [
        "councils.geojson",
        "footprints.geojson",
        "ccgs.geojson",
        "trusts.geojson",
    ] {
        agrees(Path::new(&demo(f)));
    }
}

#[test]
fn the_loader_reads_the_real_layers_as_the_reference_does() {
    let Some(dir) = england() else { return };
    for f in ["stp21.geojson", "ccg21.geojson", "ltla21.geojson"] {
        agrees(&dir.join(f));
    }
}

/// Every feature written is a polygon with its properties, and as many as the report says.
fn written(path: &Path, keys: &[&str]) -> FeatureCollection {
    let fc = collection(path);
    for f in &fc.features {
        polygons(f.geometry.as_ref().expect("geometry"));
        for k in keys {
            property(f, k);
        }
    }
    fc
}

#[test]
fn pieces_and_built_footprints_read_with_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let pieces = dir.path().join("pieces.geojson");
    let out = footprint()
        .args([
            "overlaps",
            &demo("councils.geojson"),
            &demo("footprints.geojson"),
        ])
        .args(["-f", "json", "-q", "--pieces"])
        .arg(&pieces)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fc = written(
        &pieces,
        &["a_code", "b_code", "area_km2", "width_m", "retained_by"],
    );
    assert!(fc.features.len() >= report["pair_count"].as_u64().unwrap() as usize);

    let built = dir.path().join("built.geojson");
    let out = footprint()
        .args(["build", &demo("ccgs.geojson"), "--mapping"])
        .arg(demo("ccg_footprints.csv"))
        .args(["-f", "json", "-q", "-o"])
        .arg(&built)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fc = written(
        &built,
        &["FOOTPRINTCD", "FOOTPRINTNM", "unit_count", "area_km2"],
    );
    assert_eq!(
        fc.features.len(),
        report["footprints"].as_array().unwrap().len()
    );
}
