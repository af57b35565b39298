//! `validate`: the demo's designed gap and overlap, every clean real coverage, and broken
//! proposals derived from real STP21 (a footprint removed, a copy shifted, a bow-tie, a shared
//! code). Real-data tests print why they skip when ../shared is absent.

mod common;

use std::path::Path;

use common::{demo, england, footprint, json};
use serde_json::Value;

fn findings<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == kind)
        .collect()
}

fn errors<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    findings(report, kind)
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect()
}

fn validate(file: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["validate", file, "--format", "json", "-q"];
    args.extend_from_slice(extra);
    let out = footprint().args(&args).output().unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "validate {file} could not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn demo_overlap_is_found_and_the_gap_needs_the_extent() {
    let (code, r) = validate(&demo("footprints.geojson"), &[]);
    assert_eq!(code, 1);
    let o = errors(&r, "overlap");
    assert_eq!(o.len(), 1);
    assert_eq!(o[0]["code"], "X54000002");
    assert_eq!(o[0]["other_code"], "X54000003");
    // The overlap is council X07000006, about 232 km².
    let area = o[0]["area_km2"].as_f64().unwrap();
    assert!((area - 232.0).abs() < 5.0, "{area}");
    // The footprints' outline has no hole: the uncovered council lies on the edge.
    assert!(errors(&r, "gap").is_empty());

    let (code, r) = validate(
        &demo("footprints.geojson"),
        &["--extent", &demo("councils.geojson")],
    );
    assert_eq!(code, 1);
    let g = errors(&r, "gap");
    assert_eq!(g.len(), 1, "{g:?}");
    let area = g[0]["area_km2"].as_f64().unwrap();
    assert!((area - 298.0).abs() < 5.0, "{area}");
    assert!(g[0]["lon"].as_f64().is_some() && g[0]["lat"].as_f64().is_some());
    // Slivers between the two drawings are warnings, never errors.
    assert!(findings(&r, "gap")
        .iter()
        .filter(|f| f["severity"] == "warning")
        .all(|f| f["detail"].as_str().unwrap().starts_with("sliver")));
    assert_eq!(r["summary"]["errors"], 2);
}

#[test]
fn strict_turns_warnings_into_errors() {
    let extent = demo("councils.geojson");
    let (_, r) = validate(&demo("footprints.geojson"), &["--extent", &extent]);
    let warnings = r["summary"]["warnings"].as_u64().unwrap();
    assert!(warnings > 0);
    let (code, r) = validate(
        &demo("footprints.geojson"),
        &["--extent", &extent, "--strict"],
    );
    assert_eq!(code, 1);
    assert_eq!(r["summary"]["warnings"], 0);
    assert_eq!(r["summary"]["errors"].as_u64().unwrap(), warnings + 2);
}

#[test]
fn csv_starts_with_the_documented_columns() {
    let out = footprint()
        .args([
            "validate",
            &demo("footprints.geojson"),
            "--format",
            "csv",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("kind,code,other_code,area_km2,severity,detail,"));
    assert!(text.contains("overlap,X54000002,X54000003,"));
}

#[test]
fn a_clean_layer_exits_0() {
    // The councils tile the demo region.
    let (code, r) = validate(&demo("councils.geojson"), &[]);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["summary"]["passed"], true);
    assert_eq!(r["summary"]["features_read"], 8);
}

fn path(dir: &Path, f: &str) -> String {
    dir.join(f).display().to_string()
}

#[test]
fn every_clean_real_coverage_passes() {
    let Some(dir) = england() else { return };
    for layer in ["stp21", "ccg21", "ltla21", "msoa11"] {
        let (code, r) = validate(&path(&dir, &format!("{layer}.geojson")), &[]);
        assert_eq!(code, 0, "{layer}: {}", r["findings"]);
    }
    // STPs cover the CCGs' England, up to slivers.
    let (code, r) = validate(
        &path(&dir, "stp21.geojson"),
        &["--extent", &path(&dir, "ccg21.geojson")],
    );
    assert_eq!(code, 0, "{}", r["findings"]);
}

#[test]
fn lsoa_fails_only_on_its_published_invalid_polygon_and_one_invalid_once_projected() {
    let Some(dir) = england() else { return };
    let (code, r) = validate(&path(&dir, "lsoa11.geojson"), &[]);
    assert_eq!(code, 1);
    let all_errors: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(all_errors.len(), 2, "{all_errors:?}");
    assert!(all_errors.iter().all(|e| e["kind"] == "invalid_geometry"));
    // Valid as published, but it crosses itself in British National Grid (issue 15).
    assert_eq!(all_errors[0]["code"], "E01013170");
    let detail = all_errors[0]["detail"].as_str().unwrap();
    assert!(detail.contains("in British National Grid"), "{detail}");
    assert_eq!(all_errors[1]["code"], "E01019828");
    // Located near where the two parts meet (Chesterfield, about -1.44, 53.20).
    let (lon, lat) = (
        all_errors[1]["lon"].as_f64().unwrap(),
        all_errors[1]["lat"].as_f64().unwrap(),
    );
    assert!(
        (lon + 1.44).abs() < 0.05 && (lat - 53.20).abs() < 0.05,
        "{lon} {lat}"
    );
}

/// STP21 as JSON, to derive broken proposals from.
fn stp21(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("stp21.geojson")).unwrap()).unwrap()
}

fn features(v: &mut Value) -> &mut Vec<Value> {
    v["features"].as_array_mut().unwrap()
}

fn code_of(f: &Value) -> &str {
    f["properties"]["STP21CD"].as_str().unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, v: &Value) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
    p.display().to_string()
}

fn map_positions(v: &mut Value, f: &dyn Fn(&mut Vec<Value>)) {
    match v {
        Value::Array(items) if items.first().is_some_and(|x| x.is_number()) => f(items),
        Value::Array(items) => items.iter_mut().for_each(|x| map_positions(x, f)),
        _ => {}
    }
}

#[test]
fn a_removed_footprint_is_a_gap_bordered_by_its_neighbours() {
    let Some(dir) = england() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut v = stp21(&dir);
    // Greater Manchester, inland: removing it leaves a hole.
    features(&mut v).retain(|f| code_of(f) != "E54000007");
    let (code, r) = validate(&write(&tmp, "removed.geojson", &v), &[]);
    assert_eq!(code, 1);
    let g = errors(&r, "gap");
    assert_eq!(g.len(), 1, "{g:?}");
    let area = g[0]["area_km2"].as_f64().unwrap();
    assert!((area - 1402.6).abs() < 1.0, "{area}");
    let neighbours: Vec<&str> = g[0]["neighbours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    // Lancashire and South Cumbria, Cheshire and Merseyside, Derbyshire, West Yorkshire,
    // South Yorkshire.
    for n in [
        "E54000048",
        "E54000008",
        "E54000012",
        "E54000054",
        "E54000009",
    ] {
        assert!(neighbours.contains(&n), "{neighbours:?}");
    }
    assert_eq!(r["summary"]["errors"], 1);
}

#[test]
fn a_shifted_copy_overlaps_its_original_and_neighbours() {
    let Some(dir) = england() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut v = stp21(&dir);
    let mut copy = features(&mut v)
        .iter()
        .find(|f| code_of(f) == "E54000012")
        .unwrap()
        .clone();
    copy["properties"]["STP21CD"] = "E54999999".into();
    // About 3.4 km east.
    map_positions(&mut copy["geometry"]["coordinates"], &|p| {
        p[0] = (p[0].as_f64().unwrap() + 0.05).into();
    });
    features(&mut v).push(copy);
    let (code, r) = validate(&write(&tmp, "shifted.geojson", &v), &[]);
    assert_eq!(code, 1);
    let o = errors(&r, "overlap");
    assert!(o.iter().all(|f| f["other_code"] == "E54999999"), "{o:?}");
    let with_original = o.iter().find(|f| f["code"] == "E54000012").unwrap();
    let area = with_original["area_km2"].as_f64().unwrap();
    assert!(area > 2000.0, "{area}");
    assert!(errors(&r, "gap").is_empty());
    assert!(errors(&r, "duplicate_code").is_empty());
}

#[test]
fn a_bow_tie_and_a_shared_code_are_errors_naming_the_footprints() {
    let Some(dir) = england() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut v = stp21(&dir);
    let fs = features(&mut v);
    // Swap two vertices of Cornwall's (E54000036) largest ring: it crosses itself.
    let cornwall = fs.iter_mut().find(|f| code_of(f) == "E54000036").unwrap();
    let polygons = cornwall["geometry"]["coordinates"].as_array_mut().unwrap();
    let ring = polygons
        .iter_mut()
        .map(|p| p[0].as_array_mut().unwrap())
        .max_by_key(|r| r.len())
        .unwrap();
    let n = ring.len();
    ring.swap(n / 3, 2 * n / 3);
    // Give Frimley (E54000034) Surrey Heartlands' code (E54000052).
    let frimley = fs.iter_mut().find(|f| code_of(f) == "E54000034").unwrap();
    frimley["properties"]["STP21CD"] = "E54000052".into();
    let (code, r) = validate(&write(&tmp, "broken.geojson", &v), &[]);
    assert_eq!(code, 1);
    let invalid = errors(&r, "invalid_geometry");
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    assert_eq!(invalid[0]["code"], "E54000036");
    assert!(invalid[0]["detail"]
        .as_str()
        .unwrap()
        .contains("self-intersection"));
    let dup = errors(&r, "duplicate_code");
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0]["code"], "E54000052");
}

#[test]
fn an_unwritable_output_or_bad_tolerance_exits_2() {
    footprint()
        .args([
            "validate",
            &demo("footprints.geojson"),
            "-o",
            "/nonexistent/dir/out.csv",
        ])
        .assert()
        .code(2);
    footprint()
        .args(["validate", &demo("footprints.geojson"), "-t", "wide"])
        .assert()
        .code(2);
    let _ = json(&["validate", &demo("councils.geojson"), "-f", "json", "-q"]);
}
