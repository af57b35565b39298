//! `check`: a rules file run end to end, JUnit output, and rules-file mistakes.

mod common;

use common::{demo, england, footprint};
use serde_json::Value;

fn run_json(args: &[&str]) -> (i32, Value, String) {
    let out = footprint().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let code = out.status.code().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (code, v, stderr)
}

#[test]
fn demo_rules_fail_where_the_demo_was_designed_to() {
    let tmp = tempfile::tempdir().unwrap();
    let junit = tmp.path().join("results.xml");
    let (code, r, stderr) = run_json(&[
        "check",
        &demo("rules.toml"),
        "--format",
        "json",
        "--junit",
        &junit.display().to_string(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let results = r["results"].as_array().unwrap();
    let passed: Vec<(&str, bool)> = results
        .iter()
        .map(|x| (x["check"].as_str().unwrap(), x["passed"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        passed,
        [
            ("validate", false),
            ("coterminous", false),
            ("mapped", false),
            ("mapped", false),
            ("spanning", true)
        ]
    );
    let text = |i: usize| results[i]["failures"].to_string();
    assert!(text(0).contains("X54000002 / X54000003") && text(0).contains("gap"));
    // By population, only the doubly claimed council is split by more than 5%.
    assert!(text(1).contains("X07000006") && !text(1).contains("X07000004"));
    assert!(text(2).contains("X38000005"));
    assert!(text(3).contains("X07000008"));
    assert_eq!(r["failed"], 4);

    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<testcase ").count(), 5);
    assert_eq!(xml.matches("<failure ").count(), 4);
    assert!(xml.contains(r#"classname="footprint.spanning""#));
    assert!(
        xml.contains("&gt;="),
        "attribute and text values are escaped"
    );
}

#[test]
fn table_output_says_pass_and_fail_per_rule() {
    let out = footprint()
        .args(["check", &demo("rules.toml"), "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("4 of 5 rules failed"), "{text}");
    assert_eq!(text.matches("\nFAIL  ").count(), 4);
    assert_eq!(text.matches("\nPASS  ").count(), 1);
}

fn rules_file(dir: &tempfile::TempDir, body: &str) -> String {
    let p = dir.path().join("rules.toml");
    let body = body.replace("DEMO", &demo(""));
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

#[test]
fn mistakes_in_the_rules_file_exit_2_and_say_where() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            // A rule names a layer that is not defined.
            "[layers]\nfp = \"DEMO/footprints.geojson\"\n[[rule]]\nvalidate = \"footprints\"\n",
            "does not define",
        ),
        (
            // A misspelt key.
            "[layers]\nfp = \"DEMO/footprints.geojson\"\n[[rule]]\nvalidate = \"fp\"\nstrictt = true\n",
            "strictt",
        ),
        (
            // Two kinds in one rule.
            "[layers]\nfp = \"DEMO/footprints.geojson\"\n[[rule]]\nvalidate = \"fp\"\nspanning = \"fp\"\n",
            "exactly one of",
        ),
        (
            // Spanning without its limit.
            "[layers]\nfp = \"DEMO/footprints.geojson\"\n[[rule]]\nspanning = \"fp\"\nplans = \"fp\"\n",
            "max_plans",
        ),
        ("[layers]\n", "no rules"),
        ("not toml at all [", "not a valid rules file"),
        (
            // A layer file that does not exist.
            "[layers]\nfp = \"DEMO/nope.geojson\"\n[[rule]]\nvalidate = \"fp\"\n",
            "nope.geojson",
        ),
    ];
    for (body, expect) in cases {
        let path = rules_file(&tmp, body);
        let out = footprint().args(["check", &path]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{body}: {stderr}");
        assert!(stderr.contains(expect), "{body}: {stderr}");
    }
}

#[test]
fn a_misspelt_layer_key_exits_2_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let path = rules_file(
        &tmp,
        "[layers]\nfp = \"DEMO/footprints.geojson\"\n\
         councils = { path = \"DEMO/councils.geojson\", cod = \"LADCD\" }\n\
         [[rule]]\ncoterminous = \"fp\"\nunits = \"councils\"\n",
    );
    let out = footprint().args(["check", &path]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no report is written");
    for x in [
        "rules.toml:3: layer \"councils\": unknown key `cod`",
        "did you mean `code`?",
    ] {
        assert!(stderr.contains(x), "expected {x:?} in: {stderr}");
    }
}

#[test]
fn a_passing_rules_file_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    let path = rules_file(
        &tmp,
        "[layers]\ncouncils = \"DEMO/councils.geojson\"\ntrusts = \"DEMO/trusts.geojson\"\n\
         fp = \"DEMO/footprints.geojson\"\n\
         [[rule]]\nvalidate = \"councils\"\n\
         [[rule]]\nspanning = \"trusts\"\nplans = \"fp\"\nmax_plans = 2\n",
    );
    let (code, r, stderr) = run_json(&["check", &path, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["passed"], 2);
}

/// The national picture as a CI job would check it: CCG21 tiles England, STP21 follows CCG
/// boundaries, every CCG is in the lookup, and STP21 splits exactly ONS's 15 councils.
#[test]
fn real_rules_on_ons_layers() {
    let Some(dir) = england() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let d = dir.display().to_string();
    let body = format!(
        "[layers]\nccg = \"{d}/ccg21.geojson\"\nstp = \"{d}/stp21.geojson\"\n\
         ltla = \"{d}/ltla21.geojson\"\n\
         [[rule]]\nvalidate = \"ccg\"\n\
         [[rule]]\ncoterminous = \"stp\"\nunits = \"ccg\"\n\
         [[rule]]\nmapped = \"ccg\"\nmapping = \"{d}/lookup_lsoa11_ccg21_stp21_ltla21.csv\"\n\
         columns = \"ccg21_code,stp21_code\"\n\
         [[rule]]\nname = \"at most 15 councils split\"\ncoterminous = \"stp\"\nunits = \"ltla\"\n\
         max_split_units = 15\n\
         [[rule]]\nname = \"at most 14 councils split\"\ncoterminous = \"stp\"\nunits = \"ltla\"\n\
         max_split_units = 14\n"
    );
    let path = rules_file(&tmp, &body);
    let (code, r, stderr) = run_json(&["check", &path, "--format", "json", "-q"]);
    assert_eq!(code, 1, "{stderr}");
    let passed: Vec<bool> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["passed"].as_bool().unwrap())
        .collect();
    assert_eq!(passed, [true, true, true, true, false], "{}", r["results"]);
    assert_eq!(r["results"][4]["failures"].as_array().unwrap().len(), 15);
}

/// A `nesting` rule gives `matrix`'s verdict for its pair: the councils split two footprints
/// and leave Greywater out; a coverage nests in itself and builds itself.
#[test]
fn nesting_rules_give_the_matrix_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules.toml");
    let text = format!(
        "[layers]\ncouncils = {:?}\nsame = {:?}\nfootprints = {:?}\n\n\
         [[rule]]\nnesting = \"councils\"\nin = \"footprints\"\n\n\
         [[rule]]\nnesting = \"councils\"\nin = \"same\"\nbuilt_from = true\n",
        demo("councils.geojson"),
        demo("councils.geojson"),
        demo("footprints.geojson")
    );
    std::fs::write(&rules, text).unwrap();
    let (code, r, stderr) = run_json(&["check", &rules.display().to_string(), "-f", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let results = r["results"].as_array().unwrap();
    let got: Vec<(&str, &str, bool)> = results
        .iter()
        .map(|x| {
            (
                x["check"].as_str().unwrap(),
                x["name"].as_str().unwrap(),
                x["passed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("nesting", "councils nests in footprints", false),
            (
                "nesting",
                "councils nests in same, and same is built from it",
                true
            ),
        ]
    );
    // The same words as `matrix --require-nested`.
    let m = footprint()
        .args([
            "matrix",
            &demo("councils.geojson"),
            &demo("footprints.geojson"),
        ])
        .args(["--require-nested", "councils:footprints", "-f", "json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&m.stderr);
    let summary = results[0]["summary"].as_str().unwrap();
    assert_eq!(
        summary,
        "2 of 8 units split (at most 0 allowed); 1 of 8 units in no footprint"
    );
    assert!(err.contains(summary), "{err}");
    let failures = results[0]["failures"].as_array().unwrap();
    assert!(
        failures
            .iter()
            .any(|f| f.as_str().unwrap().starts_with("X07000004 ")),
        "{failures:?}"
    );
}
