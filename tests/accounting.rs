//! Every input feature is accounted for: each analysis states, per layer, how many features it
//! read, analysed and skipped (with reasons), in the table heading and in JSON.

mod common;

use common::{demo, footprint, json, repo};

fn loadable(name: &str) -> String {
    repo()
        .join("tests/fixtures/bad/loadable")
        .join(name)
        .display()
        .to_string()
}

fn table(args: &[&str]) -> String {
    let out = footprint().args(args).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn table_heading_accounts_for_every_layer() {
    let (footprints, councils) = (demo("footprints.geojson"), demo("councils.geojson"));
    let out = table(&["coterminosity", &footprints, "--units", &councils]);
    for line in [
        format!("units: {councils}: 8 features read, 8 analysed, 0 skipped"),
        format!("footprints: {footprints}: 3 features read, 3 analysed, 0 skipped"),
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "no line {line:?} in:\n{out}"
        );
    }
}

#[test]
fn skipped_features_are_counted_with_reasons_in_every_analysis() {
    let (nulls, points) = (
        loadable("null_geometry.geojson"),
        loadable("point_among_polygons.geojson"),
    );
    let footprints = demo("footprints.geojson");
    let cases = [
        (
            vec!["overlaps", nulls.as_str(), footprints.as_str()],
            format!("a: {nulls}: 3 features read, 2 analysed, 1 skipped (1 null geometry)"),
        ),
        (
            vec![
                "coterminosity",
                footprints.as_str(),
                "--units",
                points.as_str(),
            ],
            format!(
                "units: {points}: 3 features read, 2 analysed, 1 skipped (1 Point is not a polygon)"
            ),
        ),
        (
            vec!["spanning", nulls.as_str(), "--plans", footprints.as_str()],
            format!("providers: {nulls}: 3 features read, 2 analysed, 1 skipped (1 null geometry)"),
        ),
    ];
    for (args, line) in cases {
        let out = table(&args);
        assert!(
            out.lines().any(|l| l == line),
            "no line {line:?} in:\n{out}"
        );
    }
}

#[test]
fn json_lists_each_skipped_feature_and_why() {
    let nulls = loadable("null_geometry.geojson");
    let footprints = demo("footprints.geojson");
    let report = json(&["overlaps", &nulls, &footprints, "-f", "json"]);
    let a = &report["layers"][0];
    assert_eq!(a["role"], "a");
    assert_eq!(a["feature_count"], 3);
    assert_eq!(a["analysed_count"], 2);
    assert_eq!(a["skipped_count"], 1);
    assert_eq!(
        a["skipped"],
        serde_json::json!([{"index": 1, "code": "E06000902", "reason": "null geometry"}])
    );
    assert_eq!(report["layers"][1]["skipped"], serde_json::json!([]));
}

/// Coterminosity of the demo footprints with these weights: the JSON report's warnings and
/// standard error.
fn weighted_warnings(weights: &str) -> (Vec<String>, String) {
    let (report, stderr) = weighted(weights);
    let warnings = report["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    (warnings, stderr)
}

/// The JSON report and standard error.
fn weighted(weights: &str) -> (serde_json::Value, String) {
    let args = [
        "coterminosity",
        &demo("footprints.geojson"),
        "--units",
        &demo("councils.geojson"),
        "--weights",
        weights,
        "-f",
        "json",
    ];
    let out = footprint().args(args).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (report, String::from_utf8(out.stderr).unwrap())
}

#[test]
fn weight_points_outside_a_layer_are_counted_on_stderr_and_in_json() {
    let (warnings, stderr) = weighted_warnings(&demo("population.csv"));
    let note = format!(
        "23 of 252 weight points (22934 of the total weight, 5.7%) fall outside every feature \
         of {}; their weight counts nowhere in it",
        demo("footprints.geojson")
    );
    assert!(warnings.contains(&note), "{warnings:?}");
    assert!(stderr.contains(&format!("warning: {note}\n")), "{stderr}");
    // Every point is in some council: nothing said of the units.
    assert!(
        !warnings.iter().any(|w| w.contains("councils.geojson;")),
        "{warnings:?}"
    );
}

#[test]
fn weight_points_all_outside_say_the_shares_are_blank() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("london.csv");
    // London, far from the demo's Warwickshire.
    std::fs::write(&path, "lon,lat,population\n-0.1,51.5,100\n-0.2,51.4,50\n").unwrap();
    let (warnings, stderr) = weighted_warnings(&path.display().to_string());
    for layer in ["councils.geojson", "footprints.geojson"] {
        let note = format!(
            "all 2 weight points (150 of the total weight, 100.0%) fall outside every feature \
             of {}: no point is in it, so its weighted shares are blank",
            demo(layer)
        );
        assert!(
            warnings.iter().any(|w| w.starts_with(&note)),
            "{warnings:?}"
        );
        assert!(stderr.contains(&note), "{stderr}");
    }
}

#[test]
fn weight_points_outside_are_a_json_field() {
    let (report, _) = weighted(&demo("population.csv"));
    assert_eq!(
        report["weights_outside"],
        serde_json::json!([{
            "layer": demo("footprints.geojson"),
            "points": 23,
            "of_points": 252,
            "weight": 22934.0,
            "of_weight": 399657.0,
        }])
    );
    // Absent when every point is inside.
    let (report, _) = weighted_no_outside();
    assert!(report.get("weights_outside").is_none(), "{report}");
}

/// With one weight point inside every demo layer.
fn weighted_no_outside() -> (serde_json::Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.csv");
    std::fs::write(&path, "lon,lat,population\n-1.471967,52.227420,3418\n").unwrap();
    weighted(&path.display().to_string())
}
