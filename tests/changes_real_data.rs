//! `changes` against ONS's own lookups, on the real boundaries in ../shared/data/england:
//! LTLA19 -> LTLA21. Each test prints why it skips when that folder is absent.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{england, json};

fn path(dir: &Path, f: &str) -> String {
    dir.join(f).display().to_string()
}

/// A CSV's rows as the values of two columns.
fn pairs(file: &Path, key: &str, value: &str) -> BTreeMap<String, String> {
    let mut r = csv::Reader::from_path(file).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (k, v) = (col(key), col(value));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[k].to_string(), rec[v].to_string())
        })
        .collect()
}

/// The codes of a layer's features.
fn codes(file: &Path, field: &str) -> BTreeSet<String> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"][field].as_str().unwrap().to_string())
        .collect()
}

/// The (old, new, change) links the lookups say: each LSOA's 2019 LTLA joined on lsoa11_code
/// with its 2021 LTLA (English LSOAs). A 2021 council reached from several 2019 districts is
/// a merger (a district reaching several councils would be a split); a district that became
/// itself is unchanged. Welsh, Scottish and Northern Irish councils are in no 2021 lookup:
/// they are the same codes in both editions, and expected unchanged.
fn expected(dir: &Path) -> BTreeSet<(String, String, String)> {
    let ltla19 = pairs(
        &dir.join("lookup_lsoa11_ltla19.csv"),
        "lsoa11_code",
        "ltla19_code",
    );
    let ltla21 = pairs(
        &dir.join("lookup_lsoa11_ccg21_stp21_ltla21.csv"),
        "lsoa11_code",
        "ltla21_code",
    );
    let mut links: BTreeSet<(String, String)> = BTreeSet::new();
    for (lsoa, new) in &ltla21 {
        links.insert((ltla19[lsoa].clone(), new.clone()));
    }
    let old_codes = codes(&dir.join("ltla19.geojson"), "LTLA19CD");
    let new_codes = codes(&dir.join("ltla21.geojson"), "LTLA21CD");
    for c in old_codes.iter().filter(|c| !c.starts_with('E')) {
        assert!(new_codes.contains(c), "{c} is in LTLA19 only");
        links.insert((c.clone(), c.clone()));
    }
    let mut olds_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut news_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (o, n) in &links {
        *olds_of.entry(n).or_default() += 1;
        *news_of.entry(o).or_default() += 1;
    }
    links
        .iter()
        .map(|(o, n)| {
            let change = match (olds_of[n.as_str()], news_of[o.as_str()]) {
                (1, 1) if o == n => "unchanged",
                (1, 1) => "recoded",
                (_, 1) => "merged",
                (1, _) => "split",
                _ => "complex",
            };
            (o.clone(), n.clone(), change.to_string())
        })
        .collect()
}

/// The one change an LSOA lookup cannot see: 9.8 km² of the Severn estuary (lon -2.50 to
/// -2.38, lat 51.69 to 51.78, 613 m wide on average, beyond the 550 m tolerance) lies in
/// Forest of Dean in the 2019 edition and in Stroud in the 2021 one. No LSOA and nobody moved
/// (the test checks it holds no people), so the lookups say unchanged; the geometry says
/// both councils' boundaries changed.
const ESTUARY: [(&str, &str, &str); 3] = [
    ("E07000080", "E07000080", "boundary_changed"),
    ("E07000080", "E07000082", "boundary_changed"),
    ("E07000082", "E07000082", "boundary_changed"),
];

/// LTLA19 -> LTLA21: the four Buckinghamshire districts merged into E06000060, North
/// Northamptonshire (E06000061) and West Northamptonshire (E06000062) each merged from
/// whole districts, every other council unchanged: link for link as the lookups say, but for
/// the estuary (see [`ESTUARY`]).
#[test]
fn ltla19_to_ltla21_matches_the_ons_lookups() {
    let Some(dir) = england() else { return };
    let mut want = expected(&dir);
    for (o, n, _) in ESTUARY {
        want.retain(|(a, b, _)| !(a == o && b == n));
    }
    want.extend(
        ESTUARY
            .iter()
            .map(|(o, n, c)| (o.to_string(), n.to_string(), c.to_string())),
    );
    // Each 2019 district went whole to one 2021 council: two mergers in Northamptonshire,
    // not one complex change.
    let mergers: BTreeMap<&str, usize> =
        want.iter()
            .filter(|(_, _, c)| c == "merged")
            .fold(BTreeMap::new(), |mut m, (_, n, _)| {
                *m.entry(n.as_str()).or_default() += 1;
                m
            });
    assert_eq!(
        mergers,
        BTreeMap::from([("E06000060", 4), ("E06000061", 4), ("E06000062", 3)])
    );
    let report = json(&[
        "changes",
        &path(&dir, "ltla19.geojson"),
        &path(&dir, "ltla21.geojson"),
        "--weights",
        &path(&dir, "msoa11_population.csv"),
        "--format",
        "json",
        "-q",
    ]);
    let got: BTreeSet<(String, String, String)> = report["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("old_code"), s("new_code"), s("change"))
        })
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "links differ from the lookups: missing {missing:?}, extra {extra:?}"
    );
    assert_eq!(report["links"].as_array().unwrap().len(), want.len());
    // Counts per kind: every feature of both layers in one group.
    let kinds: BTreeMap<String, (u64, u64, u64)> = report["summary"]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let n = |f: &str| k[f].as_u64().unwrap();
            (
                k["change"].as_str().unwrap().to_string(),
                (n("groups"), n("old_features"), n("new_features")),
            )
        })
        .filter(|(_, (g, _, _))| *g > 0)
        .collect();
    assert_eq!(
        kinds,
        BTreeMap::from([
            ("unchanged".to_string(), (369, 369, 369)),
            ("boundary_changed".to_string(), (2, 2, 2)),
            ("merged".to_string(), (3, 11, 3)),
        ])
    );
    // The estuary transfer: under 3% of either council, and nobody in it.
    let transfer: Vec<&serde_json::Value> = report["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["major"] == false && r["old_code"] != "" && r["new_code"] != "")
        .collect();
    assert_eq!(transfer.len(), 1, "{transfer:?}");
    let t = transfer[0];
    assert_eq!(
        (t["old_code"].as_str(), t["new_code"].as_str()),
        (Some("E07000080"), Some("E07000082"))
    );
    assert!(t["old_share"].as_f64().unwrap() < 0.03 && t["new_share"].as_f64().unwrap() < 0.03);
    assert!((t["area_km2"].as_f64().unwrap() - 9.8).abs() < 0.5, "{t}");
    assert_eq!(t["weight"].as_f64(), Some(0.0), "{t}");
    // Every merged district goes whole (its best fit, all of it) to its new council.
    for r in report["links"].as_array().unwrap() {
        if r["change"] == "merged" {
            assert_eq!(r["best_fit"], true, "{r}");
            assert!(r["old_share"].as_f64().unwrap() > 0.99, "{r}");
        }
    }
}

/// `--require-unchanged` fails on LTLA19 -> LTLA21 and names the mergers; an edition against
/// itself passes.
#[test]
fn require_unchanged_on_real_editions() {
    let Some(dir) = england() else { return };
    let (old, new) = (path(&dir, "ltla19.geojson"), path(&dir, "ltla21.geojson"));
    let out = common::footprint()
        .args(["changes", &old, &new, "--require-unchanged", "-f", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "check failed: 5 changes (2 boundary_changed, 3 merged); 369 of 382 old features unchanged"
        ),
        "{stderr}"
    );
    let out = common::footprint()
        .args(["changes", &new, &new, "--require-unchanged", "-q"])
        .output()
        .unwrap();
    common::exits(&out, 0);
}
