//! `footprint changes OLD NEW` on the demo councils and their fictional next edition
//! (`data/demo/councils_next.geojson`: see data/README.md), with snapshots of its output.

mod common;

use std::collections::BTreeSet;

use common::{demo, demo_rel, footprint, footprint_in_repo, json};

fn old() -> String {
    demo("councils.geojson")
}

fn new() -> String {
    demo("councils_next.geojson")
}

/// Every group the generator designed, found as designed: (change, old codes, new codes).
#[test]
fn the_demo_editions_change_as_designed() {
    let r = json(&["changes", &old(), &new(), "-f", "json", "-q"]);
    let groups: Vec<(String, String, String)> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let codes = |side: &str| {
                g[side]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["code"].as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            (
                g["change"].as_str().unwrap().to_string(),
                codes("old"),
                codes("new"),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        ("unchanged", "X07000007", "X07000007"),
        ("boundary_changed", "X07000005", "X07000005"),
        ("boundary_changed", "X07000008", "X07000008"),
        ("renamed", "X07000003", "X07000003"),
        ("recoded", "X07000006", "X07000011"),
        ("merged", "X07000001 X07000002", "X06000001"),
        ("split", "X07000004", "X07000009 X07000010"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(groups, want);
    // Greywater's one cell (about 26 km²) went to Castlebridge.
    let t: Vec<&serde_json::Value> = r["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["major"] == false)
        .collect();
    assert_eq!(t.len(), 1);
    assert_eq!(t[0]["old_code"], "X07000008");
    assert_eq!(t[0]["new_code"], "X07000005");
    assert_eq!(t[0]["change"], "boundary_changed");
    assert!((t[0]["area_km2"].as_f64().unwrap() - 25.9).abs() < 1.0);
    // One best fit per old feature: the lookup.
    let best: BTreeSet<&str> = r["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["best_fit"] == true)
        .map(|l| l["old_code"].as_str().unwrap())
        .collect();
    assert_eq!(best.len(), 8);
    assert_eq!(r["summary"]["old_features"], 8);
    assert_eq!(r["summary"]["new_features"], 8);
}

/// With weights, each link carries the weight of the old feature's points in it: the rows of
/// each old feature add up to its people, and all rows to everyone.
#[test]
fn weights_add_up_per_old_feature() {
    let r = json(&[
        "changes",
        &old(),
        &new(),
        "--weights",
        &demo("population.csv"),
        "-f",
        "json",
        "-q",
    ]);
    let mut by_old: std::collections::BTreeMap<String, f64> = Default::default();
    for l in r["links"].as_array().unwrap() {
        *by_old
            .entry(l["old_code"].as_str().unwrap().into())
            .or_default() += l["weight"].as_f64().unwrap();
    }
    assert_eq!(by_old["X07000001"], 65_689.0);
    assert_eq!(by_old["X07000008"], 22_934.0);
    let total: f64 = by_old.values().sum();
    assert_eq!(total, 399_657.0);
}

#[test]
fn csv_has_exactly_the_link_columns() {
    let out = footprint()
        .args(["changes", &old(), &new(), "-f", "csv", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("old_code,old_name,new_code,new_name,change,old_share,new_share,area_km2")
    );
    assert_eq!(lines.count(), 10);
    let out = footprint()
        .args(["changes", &old(), &new(), "-f", "csv", "-q"])
        .args(["--weights", &demo("population.csv")])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(
        "old_code,old_name,new_code,new_name,change,old_share,new_share,area_km2,weight\n"
    ));
}

/// New and removed features: a row each, the other side empty.
#[test]
fn new_and_removed_features_have_a_row_with_the_other_side_empty() {
    // Councils A..D only against the next edition filtered to the south-east (Greywater and
    // Castlebridge): most old features have no new partner, and the reverse.
    let out = footprint()
        .args(["changes", &old(), &new(), "-f", "csv", "-q"])
        .args(["--where", "old:LADCD=X07000001,X07000007"])
        .args(["--where", "new:LADCD=X07000007,X07000008"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        rows,
        [
            "X07000001,Ashcombe,,,removed,,,",
            "X07000007,Northwick,X07000007,Northwick,unchanged,0.995872,0.99554,481.473634",
            ",,X07000008,Greywater,new,,,",
        ],
        "{text}"
    );
}

#[test]
fn require_unchanged_exits_1_on_any_change_and_0_on_none() {
    let out = footprint()
        .args(["changes", &old(), &new(), "--require-unchanged"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "check failed: 6 changes (2 boundary_changed, 1 renamed, 1 recoded, 1 merged, 1 split); 1 of 8 old features unchanged"
        ),
        "{stderr}"
    );
    // Each change on a line of its own.
    assert!(
        stderr.contains("\n  merged: X07000001 Ashcombe, X07000002 Kingsmere -> X06000001 Ashcombe and Kingsmere\n"),
        "{stderr}"
    );
    let out = footprint()
        .args(["changes", &old(), &old(), "--require-unchanged", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// The `unchanged` rule of `check` gives the same verdict as `--require-unchanged`.
#[test]
fn the_unchanged_rule_of_check() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "[layers]\nold = {:?}\nnext = {:?}\n\n[[rule]]\nunchanged = \"old\"\nnew = \"next\"\n\n[[rule]]\nname = \"same\"\nunchanged = \"old\"\nnew = \"old\"\n",
            old(),
            new()
        ),
    )
    .unwrap();
    let out = footprint()
        .args(["check", rules.to_str().unwrap(), "-f", "json", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = r["results"].as_array().unwrap();
    assert_eq!(results[0]["check"], "unchanged");
    assert_eq!(results[0]["name"], "nothing changed from old to next");
    assert_eq!(results[0]["passed"], false);
    assert_eq!(
        results[0]["summary"],
        "6 changes (2 boundary_changed, 1 renamed, 1 recoded, 1 merged, 1 split); 1 of 8 old features unchanged"
    );
    assert_eq!(results[0]["failures"].as_array().unwrap().len(), 6);
    assert!(results[0]["failures"][0].as_str().unwrap().starts_with(
        "boundary_changed: X07000005 Castlebridge -> X07000005 Castlebridge (gained 25."
    ));
    assert_eq!(results[1]["passed"], true);
    // A rule without its new edition says what to write.
    std::fs::write(
        &rules,
        format!(
            "[layers]\nold = {:?}\n[[rule]]\nunchanged = \"old\"\n",
            old()
        ),
    )
    .unwrap();
    let out = footprint()
        .args(["check", rules.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("an unchanged rule needs new = \"LAYER\"")
    );
}

#[test]
fn a_workbook_has_groups_links_and_best_fit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.xlsx");
    let got = footprint()
        .args(["changes", &old(), &new(), "-q", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(got.status.code(), Some(0), "{got:?}");
    let file = std::fs::File::open(&out).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut wb = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut wb).unwrap();
    let names: Vec<&str> = wb
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(names, ["About", "Groups", "Links", "Best fit"]);
}

#[test]
fn a_missing_edition_is_exit_2_naming_it() {
    let out = footprint()
        .args(["changes", &old(), "no/such/next.geojson"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no/such/next.geojson"), "{stderr}");
}

/// Snapshots of the demo run in each format (new output only).
#[test]
fn snapshots_of_the_demo_changes() {
    for format in ["table", "csv", "json"] {
        let out = footprint_in_repo()
            .args([
                "changes",
                &demo_rel("councils.geojson"),
                &demo_rel("councils_next.geojson"),
                "--weights",
                &demo_rel("population.csv"),
                "-f",
                format,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = format!(
            "exit: {:?}\n--- stderr\n{}--- stdout\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        insta::assert_snapshot!(format!("demo_{format}"), text);
    }
}
