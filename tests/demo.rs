//! The demo region end to end: every designed finding is found, formats are well formed,
//! exit codes follow the checks.

mod common;

use common::{demo, footprint, json};
use predicates::prelude::*;

#[test]
fn coterminosity_finds_the_split_council_the_gap_and_the_overlap() {
    let r = json(&[
        "coterminosity",
        &demo("footprints.geojson"),
        "--units",
        &demo("councils.geojson"),
        "--weights",
        &demo("population.csv"),
        "--format",
        "json",
        "-q",
    ]);
    let units = r["units"].as_array().unwrap();
    let rows_of = |code: &str| {
        units
            .iter()
            .filter(|u| u["unit_code"] == code)
            .collect::<Vec<_>>()
    };
    // The designed split: Oakhurst and Wendle, about 59/41 by area.
    let split = rows_of("X07000004");
    assert_eq!(split.len(), 2);
    assert!(split.iter().all(|u| u["status"] == "split"));
    let shares: Vec<f64> = split
        .iter()
        .map(|u| u["unit_share"].as_f64().unwrap())
        .collect();
    assert!(
        shares.iter().any(|s| (s - 0.593).abs() < 0.01),
        "{shares:?}"
    );
    assert_eq!(split.iter().filter(|u| u["best_fit"] == true).count(), 1);
    // The gap: Greywater is in no footprint.
    let gap = rows_of("X07000008");
    assert_eq!(gap.len(), 1);
    assert_eq!(gap[0]["status"], "outside");
    // The overlap: Stanmoor is claimed by two footprints, and the report says so.
    assert_eq!(rows_of("X07000006").len(), 2);
    let warnings = r["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("X07000006")),
        "{warnings:?}"
    );
    // Every other council is whole: the boundary slivers (up to 150 m) are noise.
    assert_eq!(r["summary"]["units_whole"], 5);
    assert_eq!(r["summary"]["units_split"], 2);
    assert!(r["noise_pairs_dropped"].as_u64().unwrap() > 0);
}

/// The split council's neighbourhoods on each side of the line: by the generator's design,
/// Oakhurst and Wendle's cells in columns 0-4 are in footprint 1, columns 5-6 in footprint 2;
/// numbered from the north-west, that puts these nine in footprint 2.
#[test]
fn small_areas_explain_the_split_council() {
    let r = json(&[
        "coterminosity",
        &demo("footprints.geojson"),
        "--units",
        &demo("councils.geojson"),
        "--small-areas",
        &demo("neighbourhoods.geojson"),
        "--weights",
        &demo("population.csv"),
        "--format",
        "json",
        "-q",
    ]);
    let e = &r["small_areas"];
    let rows = e["rows"].as_array().unwrap();
    let east = [6, 10, 13, 16, 17, 19, 20, 21, 22];
    let oakhurst: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["unit_code"] == "X07000004")
        .collect();
    assert_eq!(oakhurst.len(), 22);
    for row in &oakhurst {
        let name = row["small_area_name"].as_str().unwrap();
        let n: usize = name.rsplit(' ').next().unwrap().parse().unwrap();
        let want = if east.contains(&n) {
            "X54000002"
        } else {
            "X54000001"
        };
        assert_eq!(row["footprint_code"], want, "{name}");
        assert_eq!(row["assigned"], true);
        assert_eq!(row["straddles"], false);
        assert_eq!(row["best_fit"], want == "X54000001", "{name}");
    }
    // Stanmoor lies whole in two footprints (the designed overlap): each neighbourhood is in
    // both, so it straddles, with a row in each and goes whole to one.
    let stanmoor: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["unit_code"] == "X07000006")
        .collect();
    assert_eq!(stanmoor.len(), 18);
    assert!(stanmoor.iter().all(|r| r["straddles"] == true));
    assert_eq!(stanmoor.iter().filter(|r| r["assigned"] == true).count(), 9);
    let s = &e["summary"];
    assert_eq!(s["split_units"], 2);
    assert_eq!(s["small_areas"], 31);
    assert_eq!(s["straddling"], 9);
    // Each part sums the neighbourhoods it holds whole, weight included.
    let parts = e["parts"].as_array().unwrap();
    for p in parts {
        let whole: Vec<&serde_json::Value> = rows
            .iter()
            .filter(|r| {
                r["unit_code"] == p["unit_code"]
                    && r["footprint_code"] == p["footprint_code"]
                    && r["assigned"] == true
            })
            .collect();
        assert_eq!(p["small_areas"].as_u64().unwrap() as usize, whole.len());
        let weight: f64 = whole
            .iter()
            .map(|r| r["small_area_weight"].as_f64().unwrap())
            .sum();
        assert!((p["small_area_weight"].as_f64().unwrap() - weight).abs() < 1e-6);
    }
    let oakhurst_east = parts
        .iter()
        .find(|p| p["unit_code"] == "X07000004" && p["footprint_code"] == "X54000002")
        .unwrap();
    assert_eq!(oakhurst_east["small_areas"], 9);
    assert_eq!(oakhurst_east["best_fit"], false);
}

#[test]
fn by_small_area_rows_and_refusals() {
    let out = footprint()
        .args([
            "coterminosity",
            &demo("footprints.geojson"),
            "--units",
            &demo("councils.geojson"),
            "--small-areas",
            &demo("neighbourhoods.geojson"),
            "--by",
            "small-area",
            "--format",
            "csv",
            "-q",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "unit_code,unit_name,footprint_code,footprint_name,small_area_code,small_area_name,\
             small_area_km2,best_fit,small_area_share,assigned,straddles"
        )
    );
    assert_eq!(lines.count(), 22 + 18);
    // --by small-area needs the small areas.
    footprint()
        .args([
            "coterminosity",
            &demo("footprints.geojson"),
            "--units",
            &demo("councils.geojson"),
            "--by",
            "small-area",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--small-areas SMALL"));
}

#[test]
fn require_coterminous_exits_1_on_a_split() {
    footprint()
        .args([
            "coterminosity",
            &demo("footprints.geojson"),
            "--units",
            &demo("councils.geojson"),
        ])
        .arg("--require-coterminous")
        .assert()
        .code(1);
    // CCGs are built from councils' pieces but lie whole in the footprints... except where the
    // footprints overlap, so check the plain run exits 0.
    footprint()
        .args([
            "coterminosity",
            &demo("footprints.geojson"),
            "--units",
            &demo("councils.geojson"),
        ])
        .assert()
        .code(0);
}

#[test]
fn spanning_finds_the_trust_across_two_plans() {
    let r = json(&[
        "spanning",
        &demo("trusts.geojson"),
        "--plans",
        &demo("footprints.geojson"),
        "--weights",
        &demo("population.csv"),
        "--format",
        "json",
        "-q",
    ]);
    let providers = r["providers"].as_array().unwrap();
    let spans = |code: &str| {
        providers
            .iter()
            .find(|p| p["provider_code"] == code)
            .unwrap()["plans_spanned"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(spans("XR1"), 2);
    assert_eq!(spans("XR2"), 1);
    assert_eq!(spans("XR3"), 1);
    // Area and population tell different stories for XR1.
    let xr1: Vec<_> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["provider_code"] == "XR1")
        .collect();
    let rural = xr1.iter().find(|x| x["plan_code"] == "X54000001").unwrap();
    assert!(rural["provider_share"].as_f64().unwrap() > 0.5);
    assert!(rural["provider_weight_share"].as_f64().unwrap() < 0.2);
    footprint()
        .args([
            "spanning",
            &demo("trusts.geojson"),
            "--plans",
            &demo("footprints.geojson"),
            "--max-plans",
            "1",
        ])
        .assert()
        .code(1);
}

#[test]
fn overlaps_csv_columns_and_pieces_for_qgis() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("o.csv");
    let pieces = dir.path().join("o.geojson");
    footprint()
        .args([
            "overlaps",
            &demo("trusts.geojson"),
            &demo("footprints.geojson"),
            "--format",
            "csv",
        ])
        .arg("-o")
        .arg(&csv_path)
        .arg("--pieces")
        .arg(&pieces)
        .arg("--weights")
        .arg(demo("population.csv"))
        .assert()
        .success()
        .stderr(predicate::str::contains("tolerance: "));
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with(
        "a_code,a_name,b_code,b_name,overlap_km2,a_share,b_share,a_weight_share,b_weight_share"
    ));
    assert_eq!(text.lines().count(), 1 + 4);
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&pieces).unwrap()).unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    let feats = g["features"].as_array().unwrap();
    assert!(!feats.is_empty());
    for f in feats {
        assert!(f["properties"]["a_code"].is_string() && f["properties"]["b_code"].is_string());
        let ring = &f["geometry"]["coordinates"][0];
        let lon = ring[0][0].as_f64().unwrap();
        assert!(
            (-2.1..-0.9).contains(&lon),
            "pieces are written in WGS84: {lon}"
        );
    }
}

#[test]
fn tolerance_zero_counts_every_sliver() {
    let count = |t: &str| {
        json(&[
            "overlaps",
            &demo("councils.geojson"),
            &demo("footprints.geojson"),
            "-t",
            t,
            "-f",
            "json",
            "-q",
        ])["pair_count"]
            .as_u64()
            .unwrap()
    };
    let (raw, clean) = (count("0"), count("auto"));
    assert!(raw > clean + 5, "raw {raw} vs auto {clean}");
}

#[test]
fn inspect_json_has_the_documented_keys() {
    let r = json(&["inspect", &demo("councils.geojson"), "--format", "json"]);
    for key in [
        "feature_count",
        "code_field",
        "name_field",
        "crs",
        "suggested_tolerance_m",
        "vertex_count",
        "mean_segment_m",
    ] {
        assert!(!r[key].is_null(), "missing {key}");
    }
    assert_eq!(r["feature_count"], 8);
    assert_eq!(r["code_field"], "LADCD");
    assert_eq!(r["crs"], "EPSG:4326");
}

#[test]
fn help_has_examples() {
    for cmd in ["inspect", "overlaps", "coterminosity", "spanning"] {
        footprint()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}
