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
