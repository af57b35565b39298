//! Issue 16, GSS codes and scope: English footprints leave other countries' units out of
//! scope (coterminosity, validate's extent, the map, check), `--where` filters any layer, and
//! `inspect` reads the codes. Real-data tests print why they skip when ../shared is absent.

mod common;

use std::path::Path;

use common::{demo, england, footprint, json};
use serde_json::Value;

fn path(dir: &Path, f: &str) -> String {
    dir.join(f).display().to_string()
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["unit_code"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn stp21_by_ltla21_puts_the_other_countries_out_of_scope() {
    let Some(dir) = england() else { return };
    let (stp, ltla) = (path(&dir, "stp21.geojson"), path(&dir, "ltla21.geojson"));
    let r = json(&["coterminosity", &stp, "--units", &ltla, "-f", "json", "-q"]);
    let s = &r["summary"];
    assert_eq!(s["units_outside"], 0, "{s}");
    assert_eq!(s["units_out_of_scope"], 65, "{s}");
    assert_eq!(s["units_whole"], 294);
    assert_eq!(s["units_split"], 15);
    assert_eq!(r["scope"]["country"], "England");
    assert_eq!(r["scope"]["decided_by"], "footprints");
    assert_eq!(r["scope"]["out_of_scope"][0]["role"], "units");
    assert_eq!(r["scope"]["out_of_scope"][0]["count"], 65);
    // Every Welsh, Scottish and Northern Irish council, and no English one.
    let out: Vec<String> = statuses(&r)
        .into_iter()
        .filter(|(_, st)| st == "out_of_scope")
        .map(|(c, _)| c)
        .collect();
    assert_eq!(out.len(), 65);
    let first = |p: char| out.iter().filter(|c| c.starts_with(p)).count();
    assert_eq!((first('W'), first('S'), first('N')), (22, 32, 11));
    // Every unit accounted for.
    assert_eq!(294 + 15 + 65, s["units"].as_u64().unwrap());

    // The table says it apart from the units outside every footprint.
    let out = footprint()
        .args(["coterminosity", &stp, "--units", &ltla, "-q"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains(
            "374 units: 294 whole, 15 split, 0 outside every footprint, 65 outside England, out of scope;"
        ),
        "{table}"
    );
    assert!(table.contains("Units outside England, out of scope (65;"));
    assert!(!table.contains("Units outside every footprint"));

    // CSV: the status column.
    let out = footprint()
        .args(["coterminosity", &stp, "--units", &ltla, "-q", "-f", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(csv.matches(",out_of_scope,").count(), 65);

    // --all-countries: the whole layer, as before.
    let r = json(&[
        "coterminosity",
        &stp,
        "--units",
        &ltla,
        "--all-countries",
        "-f",
        "json",
        "-q",
    ]);
    assert_eq!(r["summary"]["units_outside"], 65);
    assert!(r["summary"].get("units_out_of_scope").is_none());
    assert!(r.get("scope").is_none());
}

#[test]
fn validate_with_a_uk_extent_checks_only_england() {
    let Some(dir) = england() else { return };
    let (stp, ltla) = (path(&dir, "stp21.geojson"), path(&dir, "ltla21.geojson"));
    let out = footprint()
        .args(["validate", &stp, "--extent", &ltla, "-f", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("note: the extent is limited to England")
            && stderr.contains("65 of the 374 features"),
        "{stderr}"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gap_errors = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "gap" && f["severity"] == "error")
        .count();
    assert_eq!(gap_errors, 0);
    let extent = &r["layers"][1];
    assert_eq!(extent["role"], "extent");
    assert_eq!(extent["left_out"][0]["count"], 65);
    assert_eq!(extent["analysed_count"], 309);
    assert_eq!(r["scope"]["out_of_scope"][0]["count"], 65);

    // The whole UK extent: the other countries are gaps again.
    let out = footprint()
        .args([
            "validate",
            &stp,
            "--extent",
            &ltla,
            "--all-countries",
            "-f",
            "json",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        r["summary"]["errors"].as_u64().unwrap() > 50,
        "{}",
        r["summary"]
    );
}

#[test]
fn the_map_does_not_paint_other_countries_as_outside() {
    let Some(dir) = england() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("map.html");
    footprint()
        .args([
            "map",
            &path(&dir, "stp21.geojson"),
            "--units",
            &path(&dir, "ltla21.geojson"),
            "-q",
            "-o",
        ])
        .arg(&html)
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("<g class=\"units out_of_scope\">"));
    assert!(!text.contains("<g class=\"units outside\">"));
    assert!(text.contains("0 outside every footprint, 65 outside England, out of scope"));
}

#[test]
fn where_filters_the_units_and_counts_what_it_left_out() {
    let Some(dir) = england() else { return };
    let out = footprint()
        .args([
            "coterminosity",
            &path(&dir, "stp21.geojson"),
            "--units",
            &path(&dir, "ltla21.geojson"),
            "--where",
            "units:LTLA21CD=E*",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note: kept 309 of 374 features of units"),
        "{stderr}"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["units"], 309);
    assert_eq!(r["summary"]["units_outside"], 0);
    let units = &r["layers"][0];
    assert_eq!(
        (&units["feature_count"], &units["analysed_count"]),
        (&Value::from(374), &Value::from(309))
    );
    assert_eq!(units["left_out"][0]["reason"], "LTLA21CD=E*");
    assert_eq!(units["left_out"][0]["count"], 65);
    let notes: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("kept 309 of 374 features of units")),
        "{notes:?}"
    );
}

#[test]
fn where_takes_a_list_of_codes_on_every_command() {
    let councils = demo("councils.geojson");
    let r = json(&[
        "inspect",
        &councils,
        "--where",
        "LADCD=X07000001,X07000002",
        "-f",
        "json",
        "-q",
    ]);
    assert_eq!(r["polygon_count"], 2);
    assert_eq!(r["codes"]["left_out"], 6);
    let r = json(&[
        "validate",
        &demo("footprints.geojson"),
        "--where",
        "layer:STPCD=X54000001",
        "-f",
        "json",
        "-q",
    ]);
    assert_eq!(r["summary"]["features_checked"], 1);
}

#[test]
fn where_with_an_unknown_role_or_field_exits_2_naming_the_valid_ones() {
    let (footprints, councils) = (demo("footprints.geojson"), demo("councils.geojson"));
    let cases = [
        (
            "unit:LADCD=X*",
            "no layer called \"unit\" here; this command's layers are: units, footprints",
        ),
        ("units:LAD21CD=X*", "the layer has no field \"LAD21CD\""),
        ("units:LADCD", "is not FIELD=PATTERN"),
        ("units:LADCD=", "gives no pattern"),
        (
            "units:LADCD=Z*",
            "--where left no feature of the units layer to analyse",
        ),
        ("LADCD=X*", "without ROLE: a --where filters every layer"),
    ];
    for (spec, message) in cases {
        let out = footprint()
            .args([
                "coterminosity",
                &footprints,
                "--units",
                &councils,
                "--where",
                spec,
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{spec}: {stderr}");
        assert!(stderr.contains(message), "{spec}: {stderr}");
        assert!(!stderr.contains("panicked"), "{spec}: {stderr}");
    }
    // The unknown field's message names the file and the fields there are.
    let out = footprint()
        .args([
            "coterminosity",
            &footprints,
            "--units",
            &councils,
            "--where",
            "units:NOPE=X*",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("councils.geojson") && stderr.contains("its fields are: LADCD"),
        "{stderr}"
    );
}

#[test]
fn the_demo_has_no_gss_codes_and_no_scope() {
    let r = json(&[
        "coterminosity",
        &demo("footprints.geojson"),
        "--units",
        &demo("councils.geojson"),
        "-f",
        "json",
        "-q",
    ]);
    assert!(r.get("scope").is_none());
    assert_eq!(r["summary"]["units_outside"], 1);
    assert!(r["summary"].get("units_out_of_scope").is_none());
}

#[test]
fn inspect_reads_countries_entities_and_the_edition() {
    let Some(dir) = england() else { return };
    let r = json(&["inspect", &path(&dir, "ltla21.geojson"), "-f", "json", "-q"]);
    let c = &r["codes"];
    assert_eq!(c["countries"]["England"], 309);
    assert_eq!(c["countries"]["Wales"], 22);
    assert_eq!(c["countries"]["Scotland"], 32);
    assert_eq!(c["countries"]["Northern Ireland"], 11);
    assert_eq!(c["entities"]["E09 London borough"], 33);
    assert_eq!(c["entities"]["S12 council area"], 32);
    assert_eq!(c["not_gss"], 0);
    assert_eq!(c["edition"], "LAD 2021");
    let r = json(&["inspect", &path(&dir, "stp21.geojson"), "-f", "json", "-q"]);
    assert_eq!(r["codes"]["entities"]["E54 STP / ICB"], 42);
    assert_eq!(r["codes"]["edition"], "STP/ICB 2021");
}

#[test]
fn two_editions_of_one_geography_are_warned_about() {
    let Some(dir) = england() else { return };
    let out = footprint()
        .args([
            "overlaps",
            &path(&dir, "ltla19.geojson"),
            &path(&dir, "ltla21.geojson"),
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("(LTLA19CD: LAD 2019) and")
            && stderr.contains("(LTLA21CD: LAD 2021) look like different editions"),
        "{stderr}"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = r["warnings"].to_string();
    assert!(text.contains("look like different editions"), "{text}");
}

#[test]
fn check_scopes_like_the_commands_and_takes_where_on_a_layer() {
    let Some(dir) = england() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules.toml");
    let text = format!(
        r#"[layers]
stp = "{stp}"
ltla = "{ltla}"
english = {{ path = "{ltla}", where = ["LTLA21CD=E*"] }}

[[rule]]
name = "STPs cover the UK councils (England only, by scope)"
validate = "stp"
extent = "ltla"

[[rule]]
name = "Every council lies in an STP"
mapped = "ltla"
footprints = "stp"

[[rule]]
name = "Every English council lies in an STP"
mapped = "english"
footprints = "stp"

[[rule]]
name = "Every UK council lies in an STP"
mapped = "ltla"
footprints = "stp"
all_countries = true
"#,
        stp = path(&dir, "stp21.geojson"),
        ltla = path(&dir, "ltla21.geojson"),
    );
    std::fs::write(&rules, text).unwrap();
    let out = footprint()
        .arg("check")
        .arg(&rules)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Only the rule that asks for every country fails.
    assert_eq!(out.status.code(), Some(1), "{r}");
    assert_eq!(r["failed"], 1, "{r}");
    let summaries: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries[1].starts_with("0 of 374 units in no footprint"),
        "{summaries:?}"
    );
    assert!(
        summaries[2].starts_with("0 of 309 units in no footprint"),
        "{summaries:?}"
    );
    assert!(
        summaries[3].starts_with("65 of 374 units in no footprint"),
        "{summaries:?}"
    );
    assert_eq!(r["results"][0]["passed"], true, "{r}");
}

#[test]
fn footprints_without_gss_codes_set_no_scope_and_say_how_to_filter() {
    let Some(dir) = england() else { return };
    // The demo's footprints (X54... codes) lie over real Midlands councils.
    let out = footprint()
        .args([
            "coterminosity",
            &demo("footprints.geojson"),
            "--units",
            &path(&dir, "ltla21.geojson"),
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("so none is set out of scope")
            && stderr.contains("--where units:LTLA21CD=E*"),
        "{stderr}"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r.get("scope").is_none());
    let outside = r["summary"]["units_outside"].as_u64().unwrap();
    assert!(outside > 65, "{outside}");
}
