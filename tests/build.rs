//! `build`: dissolving units into footprints by a mapping.

mod common;

use common::{demo, england, footprint, json};

#[test]
fn demo_ccgs_build_the_footprints_and_report_the_unmapped_ccg() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("built.geojson");
    let out_s = out.display().to_string();
    let args = [
        "build",
        &demo("ccgs.geojson"),
        "--mapping",
        &demo("ccg_footprints.csv"),
        "-o",
        &out_s,
        "--format",
        "json",
    ];
    let assert = footprint().args(args).assert().code(0);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("not in the mapping") && stderr.contains("X38000005"),
        "{stderr}"
    );
    let r: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(r["unmapped_units"], serde_json::json!(["X38000005"]));
    assert_eq!(r["footprints"].as_array().unwrap().len(), 3);
    assert_eq!(r["footprints"][0]["unit_count"], 2);

    // The output is a layer the other commands read as it is: its fields are detected.
    let i = json(&["inspect", &out_s, "--format", "json"]);
    assert_eq!(i["code_field"], "FOOTPRINTCD");
    assert_eq!(i["name_field"], "FOOTPRINTNM");
    assert_eq!(i["feature_count"], 3);

    // --strict makes the unmapped CCG a failure (and still writes the layer).
    std::fs::remove_file(&out).unwrap();
    let mut strict = args.to_vec();
    strict.push("--strict");
    footprint().args(&strict).assert().code(1);
    assert!(out.exists());
}

#[test]
fn a_unit_mapped_to_two_footprints_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let map = tmp.path().join("map.csv");
    std::fs::write(
        &map,
        "unit_code,footprint_code\nX38000001,F1\nX38000002,F1\nX38000001,F2\n",
    )
    .unwrap();
    let out = tmp.path().join("out.geojson");
    let a = footprint()
        .args([
            "build",
            &demo("ccgs.geojson"),
            "--mapping",
            &map.display().to_string(),
            "-o",
            &out.display().to_string(),
        ])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(stderr.contains("X38000001 (F1, F2)"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn wrong_columns_name_the_header_and_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let map = tmp.path().join("map.csv");
    std::fs::write(&map, "ccg,stp\nX38000001,F1\n").unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "build".to_string(),
            demo("ccgs.geojson"),
            "--mapping".into(),
            map.display().to_string(),
            "-o".into(),
            tmp.path().join("o.geojson").display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        footprint().args(&args).output().unwrap()
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        stderr.contains("ccg,stp") && stderr.contains("--columns"),
        "{stderr}"
    );
    let o = run(&["--columns", "ccg,stp"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Codes that match no unit at all: nothing to build.
    std::fs::write(&map, "ccg,stp\nNOPE,F1\n").unwrap();
    let o = run(&["--columns", "ccg,stp"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Dissolving CCG21 by ONS's CCG -> STP lookup rebuilds the 42 STPs, each within 2% of the
/// published STP (both ways), as a layer that validates.
#[test]
fn ccg21_by_the_ons_lookup_rebuilds_stp21() {
    let Some(dir) = england() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("stp.geojson").display().to_string();
    let r = json(&[
        "build",
        &dir.join("ccg21.geojson").display().to_string(),
        "--mapping",
        &dir.join("lookup_lsoa11_ccg21_stp21_ltla21.csv")
            .display()
            .to_string(),
        "--columns",
        "ccg21_code,stp21_code,stp21_name",
        "-o",
        &out,
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(r["footprints"].as_array().unwrap().len(), 42);
    assert_eq!(r["unmapped_units"].as_array().unwrap().len(), 0);
    let o = json(&[
        "overlaps",
        &out,
        &dir.join("stp21.geojson").display().to_string(),
        "--format",
        "json",
        "-q",
    ]);
    let same: Vec<&serde_json::Value> = o["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["a_code"] == row["b_code"])
        .collect();
    assert_eq!(same.len(), 42);
    for row in same {
        for share in ["a_share", "b_share"] {
            let s = row[share].as_f64().unwrap();
            assert!(s > 0.98, "{} {share} {s}", row["a_code"]);
        }
    }
    footprint().args(["validate", &out, "-q"]).assert().code(0);
}
