//! `spanning --flows` on the demo: the accounting of every row, the verdict, the formats,
//! and the arguments it refuses (exit 2).

mod common;

use common::{demo, footprint, json};

fn flows_args(extra: &[&str]) -> Vec<String> {
    let mut v = vec![
        "spanning".to_string(),
        "--flows".into(),
        demo("trust_flows.csv"),
        "--areas".into(),
        demo("councils.geojson"),
        "--plans".into(),
        demo("footprints.geojson"),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[test]
fn every_row_is_used_or_skipped_and_flows_add_up() {
    let args = flows_args(&["--weights", &demo("population.csv"), "-f", "json", "-q"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = json(&args);
    let f = &r["flows"];
    assert_eq!(f["value_column"], "patients");
    assert_eq!(f["value_kind"], "count");
    assert_eq!(
        (f["rows_read"].as_u64(), f["rows_used"].as_u64()),
        (Some(13), Some(11))
    );
    let reasons: Vec<&str> = f["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["area not in the area layer", "duplicate"]);
    // Greywater's 600 are outside every footprint, and said.
    assert_eq!(r["summary"]["flow_outside"], 600.0);
    assert_eq!(r["summary"]["areas_outside"], 1);
    assert!(r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("X07000008")));
    // Each provider's flow: its plans (all of them at --min-share 0) and outside add up.
    let args = flows_args(&[
        "--weights",
        &demo("population.csv"),
        "--min-share",
        "0",
        "-f",
        "json",
        "-q",
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = json(&args);
    for p in r["providers"].as_array().unwrap() {
        let code = p["provider_code"].as_str().unwrap();
        let in_plans: f64 = r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["provider_code"] == code)
            .map(|x| x["flow"].as_f64().unwrap())
            .sum();
        let total = p["flow"].as_f64().unwrap();
        let outside = p["flow_outside"].as_f64().unwrap();
        assert!(
            (in_plans + outside - total).abs() < 1e-3,
            "{code}: {in_plans} + {outside} != {total}"
        );
    }
    let xr2 = &r["providers"][1];
    assert_eq!(xr2["flow"], 19400.0);
}

#[test]
fn max_plans_exits_1_through_the_spanning_verdict() {
    let args = flows_args(&["--max-plans", "1", "-f", "csv"]);
    let out = footprint().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("check failed: 2 of 3 providers span more than 1 plan (most: 2; a plan counts at flow share >= 0.05)"),
        "{err}"
    );
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with(
        "provider_code,provider_name,plan_code,plan_name,flow,provider_flow_share,plans_spanned,areas,provider_flow\n"
    ));
    let args = flows_args(&["--max-plans", "2", "-q"]);
    footprint().args(&args).assert().code(0);
}

#[test]
fn the_workbook_has_the_skipped_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("flows.xlsx");
    let args = flows_args(&["-q", "-o", out.to_str().unwrap()]);
    footprint().args(&args).assert().code(0);
    let bytes = std::fs::read(&out).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut wb = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut wb).unwrap();
    for sheet in ["About", "Providers", "Plans", "Skipped rows"] {
        assert!(wb.contains(&format!("name=\"{sheet}\"")), "{sheet}: {wb}");
    }
}

#[test]
fn arguments_that_cannot_run_exit_2() {
    let code2 = |args: &[String], says: &str| {
        let out = footprint().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: expected {says:?} in {err}");
    };
    // A provider layer and flows are two ways to say one thing.
    let mut both = flows_args(&[]);
    both.insert(1, demo("trusts.geojson"));
    code2(&both, "cannot be used with");
    // Flows need their areas, areas need flows.
    code2(
        &[
            "spanning".into(),
            "--flows".into(),
            demo("trust_flows.csv"),
            "--plans".into(),
            demo("footprints.geojson"),
        ],
        "--areas",
    );
    code2(
        &[
            "spanning".into(),
            "--plans".into(),
            demo("footprints.geojson"),
        ],
        "PROVIDERS",
    );
    // Shares need weights to become people.
    let dir = tempfile::tempdir().unwrap();
    let shares = dir.path().join("shares.csv");
    std::fs::write(
        &shares,
        "trust_code,area_code,proportion\nXR1,X07000005,0.5\n",
    )
    .unwrap();
    let mut args = flows_args(&[]);
    args[2] = shares.display().to_string();
    code2(&args, "give --weights POINTS");
    // An unknown column named by a flag.
    code2(
        &flows_args(&["--flow-value", "admissions"]),
        "no column \"admissions\" (named by --flow-value)",
    );
    // The flows file is an input: never an output.
    code2(
        &flows_args(&["-o", &demo("trust_flows.csv")]),
        "is also an input (the flows)",
    );
}

#[test]
fn shares_are_multiplied_by_the_area_weight() {
    let dir = tempfile::tempdir().unwrap();
    let shares = dir.path().join("shares.csv");
    // Half of Northwick's residents (73,192 by the demo's points), all of Ashcombe's.
    std::fs::write(
        &shares,
        "trust_code,area_code,proportion\nXR3,X07000007,0.5\nXR2,X07000001,1\n",
    )
    .unwrap();
    let mut args = flows_args(&["--weights", &demo("population.csv"), "-f", "json", "-q"]);
    args[2] = shares.display().to_string();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = json(&args);
    assert_eq!(r["flows"]["value_kind"], "share");
    let flow = |code: &str| {
        r["providers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["provider_code"] == code)
            .unwrap()["flow"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(flow("XR3"), 36596.0);
    assert_eq!(flow("XR2"), 65689.0);
}

#[test]
fn a_check_rule_limits_plans_by_flow() {
    let out = footprint()
        .args(["check", &demo("rules_flows.toml"), "-f", "json"])
        .output()
        .unwrap();
    common::exits(&out, 1);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = &r["results"][0];
    assert_eq!(rule["check"], "spanning");
    assert_eq!(rule["passed"], false);
    assert_eq!(
        rule["summary"],
        "2 of 3 providers span more than 1 plan (most: 2; a plan counts at flow share >= 0.05)"
    );
    assert!(rule["failures"][0]
        .as_str()
        .unwrap()
        .starts_with("XR1 Castlebridge Hospitals NHS Foundation Trust: 2 plans (X54000002 "));
    // The rows skipped are said.
    assert!(r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("2 of 13 rows skipped")));
}
