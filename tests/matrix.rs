//! `footprint matrix` on the demo: every ordered pair agrees with its own `coterminosity`
//! run, the verdicts, the flags and exit codes, and bad input through every position.

mod common;

use std::path::{Path, PathBuf};

use common::{demo, footprint, json, repo};
use serde_json::Value;

const LAYERS: [&str; 4] = [
    "councils.geojson",
    "ccgs.geojson",
    "footprints.geojson",
    "trusts.geojson",
];

fn stem(file: &str) -> &str {
    file.trim_end_matches(".geojson")
}

fn matrix(extra: &[&str]) -> Value {
    let paths: Vec<String> = LAYERS.iter().map(|f| demo(f)).collect();
    let mut args: Vec<&str> = vec!["matrix"];
    args.extend(paths.iter().map(String::as_str));
    args.extend(["--format", "json", "-q"]);
    args.extend(extra);
    json(&args)
}

fn pair<'a>(report: &'a Value, a: &str, b: &str) -> &'a Value {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a_layer"] == a && p["b_layer"] == b)
        .unwrap_or_else(|| panic!("no pair {a} in {b}"))
}

fn count(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a count in {v}"))
}

/// Each ordered pair, read from one overlay per unordered pair (one of them turned round),
/// counts exactly what `coterminosity B --units A` counts, at the same tolerance.
#[test]
fn every_ordered_pair_agrees_with_its_own_coterminosity_run() {
    for extra in [
        &[][..],
        &["-t", "0"][..],
        &["--weights", &demo("population.csv")][..],
    ] {
        let m = matrix(extra);
        let pairs = m["pairs"].as_array().unwrap();
        assert_eq!(pairs.len(), LAYERS.len() * (LAYERS.len() - 1), "{extra:?}");
        for a in LAYERS {
            for b in LAYERS.iter().filter(|b| **b != a) {
                let p = pair(&m, stem(a), stem(b));
                let (da, db) = (demo(a), demo(b));
                let mut args = vec!["coterminosity", &db, "--units", &da, "-f", "json", "-q"];
                args.extend(extra);
                let c = json(&args);
                let s = &c["summary"];
                let what = format!("{a} in {b} {extra:?}");
                assert_eq!(p["tolerance_m"], c["tolerance_m"], "{what}");
                assert_eq!(p["tolerance_source"], c["tolerance_source"], "{what}");
                assert_eq!(count(p, "a_features"), count(s, "units"), "{what}");
                assert_eq!(
                    count(p, "a_whole"),
                    count(s, "units_whole") + count(s, "units_partly_outside"),
                    "{what}"
                );
                assert_eq!(count(p, "a_split"), count(s, "units_split"), "{what}");
                assert_eq!(count(p, "a_outside"), count(s, "units_outside"), "{what}");
                assert_eq!(
                    count(p, "a_out_of_scope"),
                    s["units_out_of_scope"].as_u64().unwrap_or(0),
                    "{what}"
                );
                // Every feature accounted for.
                assert_eq!(
                    count(p, "a_features"),
                    count(p, "a_whole")
                        + count(p, "a_split")
                        + count(p, "a_outside")
                        + count(p, "a_out_of_scope"),
                    "{what}"
                );
                // The split parts are coterminosity's split rows, with the same shares.
                let rows: Vec<(String, String, String)> = c["units"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|u| u["status"] == "split")
                    .map(|u| {
                        (
                            u["unit_code"].to_string(),
                            u["footprint_code"].to_string(),
                            u["unit_share"].to_string(),
                        )
                    })
                    .collect();
                let parts: Vec<(String, String, String)> = p["split"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|u| {
                        (
                            u["a_code"].to_string(),
                            u["b_code"].to_string(),
                            u["a_share"].to_string(),
                        )
                    })
                    .collect();
                assert_eq!(parts, rows, "{what}");
                let nested = p["a_nested_in_b"].as_bool().unwrap();
                assert_eq!(
                    nested,
                    count(s, "units_split") == 0 && count(s, "units_outside") == 0,
                    "{what}"
                );
                assert!(
                    !p["b_built_from_a"].as_bool().unwrap() || nested,
                    "built from without nesting: {what}"
                );
            }
        }
    }
}

#[test]
fn demo_verdicts() {
    let m = matrix(&[]);
    // The CCGs are mapped to the footprints but one (X38000005) is in none; the councils
    // split two and leave Greywater out.
    let p = pair(&m, "councils", "footprints");
    assert_eq!((count(p, "a_split"), count(p, "a_outside")), (2, 1), "{p}");
    assert_eq!(p["a_nested_in_b"], false);
    let codes: Vec<&str> = p["split"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["a_code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"X07000004") && codes.contains(&"X07000006"),
        "{codes:?}"
    );
    assert_eq!(p["outside"], serde_json::json!(["X07000008"]));
    // Layers as reported, labelled by file stem.
    let roles: Vec<&str> = m["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["councils", "ccgs", "footprints", "trusts"]);
}

#[test]
fn csv_has_one_row_per_ordered_pair_with_the_agreed_columns() {
    let out = footprint()
        .args([
            "matrix",
            &demo("councils.geojson"),
            &demo("footprints.geojson"),
            "-f",
            "csv",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with(
        "a_layer,b_layer,a_features,a_whole,a_split,a_outside,a_nested_in_b,a_out_of_scope,\
         b_built_from_a,tolerance_m,tolerance_source,"
    ));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].starts_with("councils,footprints,8,5,2,1,no,0,no,"),
        "{}",
        rows[0]
    );
    // With weights, the shares.
    let out = footprint()
        .args([
            "matrix",
            &demo("councils.geojson"),
            &demo("footprints.geojson"),
            "-f",
            "csv",
            "-q",
            "--weights",
            &demo("population.csv"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains(",a_split_weight_share,a_split_away_weight_share,"),
        "{text}"
    );
}

#[test]
fn require_nested_exits_1_when_a_layer_does_not_nest() {
    let (la, fp) = (demo("councils.geojson"), demo("footprints.geojson"));
    let run = |req: &str| {
        footprint()
            .args(["matrix", &format!("LA={la}"), &format!("FP={fp}"), "-q"])
            .args(["--require-nested", req])
            .output()
            .unwrap()
    };
    let out = run("la:fp");
    assert_eq!(out.status.code(), Some(1));
    // The report is written all the same.
    assert!(String::from_utf8_lossy(&out.stdout).contains("LA in FP"));
    // Quiet: no message; without -q the failure is said.
    let out = footprint()
        .args(["matrix", &format!("LA={la}"), &format!("FP={fp}")])
        .args(["--require-nested", "LA:FP"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("check failed: LA in FP: 2 of 8 units split"),
        "{err}"
    );
    // A nesting that holds: a coverage against itself nests (and builds itself).
    let out = footprint()
        .args(["matrix", &format!("A={la}"), &format!("B={la}"), "-q"])
        .args(["--require-nested", "A:B", "--require-nested", "B:A"])
        .output()
        .unwrap();
    common::exits(&out, 0);
}

#[test]
fn bad_arguments_exit_2_before_loading() {
    let (la, fp) = (demo("councils.geojson"), demo("footprints.geojson"));
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![la.clone()], ""),
        (
            vec![la.clone(), la.clone()],
            "two layers are called \"councils\"",
        ),
        (
            vec![
                la.clone(),
                fp.clone(),
                "--require-nested".into(),
                "councils:nope".into(),
            ],
            "no layer called \"nope\"",
        ),
        (
            vec![
                la.clone(),
                fp.clone(),
                "--require-nested".into(),
                "councils".into(),
            ],
            "write A:B",
        ),
        (
            vec![la.clone(), fp.clone(), "--where".into(), "nope:X=1".into()],
            "no layer called \"nope\"",
        ),
        (vec![la.clone(), fp.clone(), "-o".into(), la.clone()], ""),
    ];
    for (args, says) in cases {
        let out = footprint().arg("matrix").args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn xlsx_has_the_pairs_and_the_split_parts() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("m.xlsx");
    let out = footprint()
        .args([
            "matrix",
            &demo("councils.geojson"),
            &demo("footprints.geojson"),
            "-q",
            "-o",
        ])
        .arg(&out_path)
        .output()
        .unwrap();
    common::exits(&out, 0);
    let bytes = std::fs::read(&out_path).unwrap();
    assert_eq!(&bytes[..2], b"PK");
}

fn bad(dir: &str) -> Vec<PathBuf> {
    let dir = repo().join("tests/fixtures/bad").join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .filter(|p| p.file_name().unwrap() != "loadable" && p.file_name().unwrap() != "no_polygons")
        .collect();
    out.sort();
    out
}

fn run_with(layer: &Path, first: bool) -> (Option<i32>, String, Option<Value>) {
    let tmp = tempfile::tempdir().unwrap();
    let out_path = tmp.path().join("out.json");
    let partner = demo("footprints.geojson");
    let l = format!("T={}", layer.display());
    let (x, y) = if first {
        (l.as_str(), partner.as_str())
    } else {
        (partner.as_str(), l.as_str())
    };
    let out = footprint()
        .args(["matrix", x, y, "-f", "json", "-o"])
        .arg(&out_path)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let report = std::fs::read(&out_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        report,
    )
}

/// Malformed layers exit 2 naming the file, writing nothing; layers with no polygon exit 2;
/// defective but loadable ones run and account for every feature. In either position.
#[test]
fn bad_layers_in_either_position() {
    for first in [true, false] {
        for path in bad("") {
            let (code, err, report) = run_with(&path, first);
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert_eq!(code, Some(2), "{name}: {err}");
            assert!(
                err.contains("error:") && err.contains(&name),
                "{name}: {err}"
            );
            assert!(report.is_none(), "{name}: an output was written");
        }
        for path in bad("no_polygons") {
            let (code, err, _) = run_with(&path, first);
            assert_eq!(code, Some(2), "{}: {err}", path.display());
        }
        for path in bad("loadable") {
            let (code, err, report) = run_with(&path, first);
            let what = path.display().to_string();
            assert!(matches!(code, Some(0 | 1)), "{what}: {err}");
            assert!(!err.contains("panicked"), "{what}: {err}");
            let report = report.unwrap_or_else(|| panic!("{what}: no report"));
            let layer = report["layers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["role"] == "T")
                .unwrap();
            assert_eq!(
                count(layer, "feature_count"),
                count(layer, "analysed_count") + count(layer, "skipped_count"),
                "{what}"
            );
            for p in report["pairs"].as_array().unwrap() {
                assert_eq!(
                    count(p, "a_features"),
                    count(p, "a_whole")
                        + count(p, "a_split")
                        + count(p, "a_outside")
                        + count(p, "a_out_of_scope"),
                    "{what}"
                );
            }
        }
    }
}
