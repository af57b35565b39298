//! Every bad-input fixture through every command, in every role a layer can take.
//!
//! The classes, by folder of `tests/fixtures/bad/`:
//! - top level: malformed (or not a layer at all). Every command exits 2 with an `error:` that
//!   names the file (and the feature, where one is to blame), and writes no output file.
//! - `loadable/`: defective but readable. Every command runs (exit 0 or 1), prints a `warning:`
//!   naming the problem and the features concerned, writes its report, and accounts for every
//!   feature in it.
//! - `no_polygons/`: readable, but with no polygon to analyse. `inspect` reports on it; every
//!   analysis exits 2 saying so.
//!
//! Hostile inputs too big to commit (nesting 100,000 deep, a million-number position, a 10 MB
//! string) are written to a temporary folder by [`generated`]. Whatever the input, no command
//! may panic (exit 101, "panicked") or hang (each run has a time limit).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{demo, footprint, repo};
use serde_json::Value;

/// Far longer than any of these runs takes; a run that reaches it has hung.
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// One way a command uses the layer under test. `args(layer, partner)` gives the arguments
/// (before `-f json -o OUT`); `partner` is a good layer for the other role.
struct Use {
    name: &'static str,
    /// True for analyses, which refuse a layer with no polygons; false for `inspect`.
    analysis: bool,
    /// The layer's role as named in the JSON report's `layers[].role`, if an analysis.
    role: &'static str,
    args: for<'a> fn(&'a str, &'a str) -> Vec<&'a str>,
}

/// Adding a command (e.g. `validate`) is one line here.
const USES: &[Use] = &[
    Use {
        name: "inspect",
        analysis: false,
        role: "layer",
        args: |l, _| vec!["inspect", l],
    },
    Use {
        name: "overlaps as A",
        analysis: true,
        role: "a",
        args: |l, g| vec!["overlaps", l, g],
    },
    Use {
        name: "overlaps as B",
        analysis: true,
        role: "b",
        args: |l, g| vec!["overlaps", g, l],
    },
    Use {
        name: "coterminosity as footprints",
        analysis: true,
        role: "footprints",
        args: |l, g| vec!["coterminosity", l, "--units", g],
    },
    Use {
        name: "coterminosity as units",
        analysis: true,
        role: "units",
        args: |l, g| vec!["coterminosity", g, "--units", l],
    },
    Use {
        name: "spanning as providers",
        analysis: true,
        role: "providers",
        args: |l, g| vec!["spanning", l, "--plans", g],
    },
    Use {
        name: "spanning as plans",
        analysis: true,
        role: "plans",
        args: |l, g| vec!["spanning", g, "--plans", l],
    },
    Use {
        name: "validate",
        analysis: true,
        role: "layer",
        args: |l, _| vec!["validate", l],
    },
    Use {
        name: "validate as extent",
        analysis: true,
        role: "extent",
        args: |l, g| vec!["validate", g, "--extent", l],
    },
    Use {
        name: "changes as old",
        analysis: true,
        role: "old",
        args: |l, g| vec!["changes", l, g],
    },
    Use {
        name: "changes as new",
        analysis: true,
        role: "new",
        args: |l, g| vec!["changes", g, l],
    },
];

/// Malformed fixtures whose error must name a feature: (file name, feature index).
const BLAMES_FEATURE: &[(&str, usize)] = &[
    ("truncated.geojson", 1),
    ("coordinates_strings.geojson", 1),
    ("polygon_nested_too_deep.geojson", 1),
    ("position_one_number.geojson", 1),
    ("unknown_geometry_type.geojson", 1),
    ("geometry_without_type.geojson", 1),
    ("feature_type_wrong.geojson", 1),
    ("properties_is_string.geojson", 1),
    ("coordinates_out_of_any_range.geojson", 1),
    ("mixed_lonlat_and_bng.geojson", 2),
    ("nan_literal.geojson", 1),
    ("number_1e400.geojson", 1),
    ("invalid_utf8.geojson", 1),
    ("deep_coordinates.geojson", 0),
    ("deep_properties.geojson", 0),
    ("deep_id.geojson", 0),
    ("position_of_a_million_numbers.geojson", 0),
];

/// What the warnings about each loadable fixture must mention (all on `warning:` lines).
const WARNS: &[(&str, &[&str])] = &[
    ("null_geometry.geojson", &["E06000902", "null geometry"]),
    ("empty_multipolygon.geojson", &["E06000912", "empty"]),
    ("point_among_polygons.geojson", &["E06000922", "Point"]),
    (
        "geometry_collection.geojson",
        &["E06000932", "GeometryCollection"],
    ),
    (
        "self_intersecting_bowtie.geojson",
        &["E06000942", "self-intersection"],
    ),
    ("unclosed_ring.geojson", &["E06000952", "not closed"]),
    (
        "duplicate_codes.geojson",
        &["E06000962", "more than one feature"],
    ),
    ("missing_code.geojson", &["#1", "LADCD"]),
    ("two_point_ring.geojson", &["E06001002", "2 positions"]),
    (
        "hole_outside_shell.geojson",
        &["E06001012", "interior ring"],
    ),
    ("points_only.geojson", &["E06001031", "E06001032", "Point"]),
    ("empty_collection.geojson", &["no features"]),
    (
        "fuzz_name_key_splits_a_character.geojson",
        &["E06001012", "not closed"],
    ),
];

fn bad_dir() -> PathBuf {
    repo().join("tests/fixtures/bad")
}

fn partner() -> String {
    demo("footprints.geojson")
}

/// The entries of a folder (files and folders), sorted paths.
fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    out.sort();
    out
}

/// The malformed fixtures: every entry at the top of `bad/` except the class folders, plus a
/// path that does not exist.
fn malformed() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = listing(&bad_dir())
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap();
            name != "loadable" && name != "no_polygons"
        })
        .collect();
    out.push(bad_dir().join("does_not_exist.geojson"));
    out
}

/// Hostile inputs written to `dir`: (path, malformed?).
fn generated(dir: &Path) -> Vec<(PathBuf, bool)> {
    let n = 100_000;
    let deep = |inner: &str| format!("{}{inner}{}", "[".repeat(n), "]".repeat(n));
    let square = "[[[-1.55,52.15],[-1.45,52.15],[-1.45,52.25],[-1.55,52.25],[-1.55,52.15]]]";
    let feature = |members: &str| {
        format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature",{members}}}]}}"#)
    };
    let polygon = |coordinates: &str| {
        format!(r#""geometry":{{"type":"Polygon","coordinates":{coordinates}}}"#)
    };
    let files = [
        (
            "deep_coordinates.geojson",
            feature(&format!(
                r#""properties":{{"XCD":"E1"}},{}"#,
                polygon(&deep("0,0"))
            )),
            true,
        ),
        (
            "deep_properties.geojson",
            feature(&format!(
                r#""properties":{{"XCD":"E1","x":{}}},{}"#,
                deep(""),
                polygon(square)
            )),
            true,
        ),
        (
            "deep_id.geojson",
            feature(&format!(
                r#""id":{},"properties":{{"XCD":"E1"}},{}"#,
                deep(""),
                polygon(square)
            )),
            true,
        ),
        (
            "deep_crs.geojson",
            format!(
                r#"{{"type":"FeatureCollection","crs":{},"features":[]}}"#,
                deep("")
            ),
            true,
        ),
        (
            "position_of_a_million_numbers.geojson",
            feature(&format!(
                r#""properties":{{"XCD":"E1"}},{}"#,
                polygon(&format!(
                    "[[[-1.55,52.15],[-1.45,{}52.15],[-1.45,52.25],[-1.55,52.15]]]",
                    "52.15,".repeat(1_000_000)
                ))
            )),
            true,
        ),
        (
            // A member footprint does not read is skipped without building anything.
            "deep_unknown_member.geojson",
            feature(&format!(
                r#""extra":{},"properties":{{"XCD":"E1"}},{}"#,
                deep(""),
                polygon(square)
            )),
            false,
        ),
        (
            // geo relates every pair of holes: this took 4.5 minutes to load.
            "twenty_thousand_holes.geojson",
            feature(&format!(
                r#""properties":{{"XCD":"E1"}},{}"#,
                polygon(&format!(
                    "[[[-1.55,52.15],[-1.45,52.15],[-1.45,52.26],[-1.55,52.26],[-1.55,52.15]],{}]",
                    little_squares(20_000).join(",")
                ))
            )),
            false,
        ),
        (
            "twenty_thousand_parts.geojson",
            feature(&format!(
                r#""properties":{{"XCD":"E1"}},"geometry":{{"type":"MultiPolygon","coordinates":[{}]}}"#,
                little_squares(20_000)
                    .iter()
                    .map(|ring| format!("[{ring}]"))
                    .collect::<Vec<_>>()
                    .join(",")
            )),
            false,
        ),
        (
            "ten_megabyte_name.geojson",
            feature(&format!(
                r#""properties":{{"XCD":"E1","XNM":"{}"}},{}"#,
                "a".repeat(10_000_000),
                polygon(square)
            )),
            false,
        ),
    ];
    files
        .into_iter()
        .map(|(name, text, bad)| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            (path, bad)
        })
        .collect()
}

/// `n` small square rings on a grid inside [-1.55, 52.15] - [-1.45, 52.26].
fn little_squares(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let (x, y) = (
                -1.549 + (i % 140) as f64 * 0.0007,
                52.151 + (i / 140) as f64 * 0.0007,
            );
            let d = 0.0003;
            format!(
                "[[{x},{y}],[{x},{}],[{},{}],[{},{y}],[{x},{y}]]",
                y + d,
                x + d,
                y + d,
                x + d
            )
        })
        .collect()
}

struct Run {
    code: Option<i32>,
    stderr: String,
    /// The parsed report, if one was written.
    report: Option<Value>,
    /// Everything left in the output folder.
    left: Vec<PathBuf>,
}

/// Run `footprint ARGS -f json -o OUT` in an empty temporary folder.
fn run(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let out = footprint()
        .current_dir(dir.path())
        .args(args)
        .args(["-f", "json", "-o", "out.json"])
        .timeout(TIME_LIMIT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let what = format!("footprint {}", args.join(" "));
    assert!(
        out.status.code().is_some(),
        "{what}: killed (hung past {TIME_LIMIT:?}?): {stderr}"
    );
    assert_ne!(out.status.code(), Some(101), "{what}: panicked:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{what}: panicked:\n{stderr}");
    let report = std::fs::read(dir.path().join("out.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).unwrap_or_else(|e| panic!("{what}: bad JSON: {e}")));
    Run {
        code: out.status.code(),
        stderr,
        report,
        left: listing(dir.path()),
    }
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Exit 2, an `error:` line naming the file (and the feature, if known), nothing written.
fn assert_could_not_run(path: &Path, how: &str, r: &Run) {
    let shown = path.display().to_string();
    let what = format!("{} {how}", name_of(path));
    assert_eq!(r.code, Some(2), "{what}: expected exit 2:\n{}", r.stderr);
    let error = r
        .stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("{what}: no error: line:\n{}", r.stderr));
    assert!(
        error.contains(&shown),
        "{what}: the error does not name the file:\n{}",
        r.stderr
    );
    if let Some((_, i)) = BLAMES_FEATURE.iter().find(|(n, _)| *n == name_of(path)) {
        assert!(
            error.contains(&format!("feature #{i}")),
            "{what}: the error does not name feature #{i}:\n{}",
            r.stderr
        );
    }
    assert!(r.left.is_empty(), "{what}: files left behind: {:?}", r.left);
}

/// Ran (exit 0 or 1), warned as [`WARNS`] says, wrote a report accounting for every feature.
fn assert_ran(path: &Path, u: &Use, r: &Run) {
    let what = format!("{} {}", name_of(path), u.name);
    assert!(
        matches!(r.code, Some(0) | Some(1)),
        "{what}: expected exit 0 or 1:\n{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("error:"),
        "{what}: an error:\n{}",
        r.stderr
    );
    if let Some((_, mentions)) = WARNS.iter().find(|(n, _)| *n == name_of(path)) {
        for m in *mentions {
            assert!(
                r.stderr.lines().any(|l| l.starts_with("warning:")
                    && l.contains(&path.display().to_string())
                    && l.contains(m)),
                "{what}: no warning naming the file mentions {m:?}:\n{}",
                r.stderr
            );
        }
    }
    let report = r
        .report
        .as_ref()
        .unwrap_or_else(|| panic!("{what}: no report written"));
    let (read, used, skipped) = if u.analysis {
        let layer = report["layers"]
            .as_array()
            .and_then(|ls| ls.iter().find(|l| l["role"] == u.role))
            .unwrap_or_else(|| panic!("{what}: no {} layer in the report: {report}", u.role));
        assert_eq!(layer["file"], path.display().to_string(), "{what}");
        let reasons = layer["skipped"]
            .as_array()
            .expect("skipped features listed");
        assert_eq!(
            Some(reasons.len() as u64),
            layer["skipped_count"].as_u64(),
            "{what}"
        );
        for s in reasons {
            assert!(
                s["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "{what}: {s}"
            );
        }
        (
            &layer["feature_count"],
            &layer["analysed_count"],
            &layer["skipped_count"],
        )
    } else {
        let d = &report["defects"];
        let skipped = d["null_geometry"].as_u64().unwrap()
            + d["empty_geometry"].as_u64().unwrap()
            + d["not_polygon"].as_u64().unwrap();
        (
            &report["feature_count"],
            &report["polygon_count"],
            &Value::from(skipped),
        )
    };
    let n = |v: &Value| {
        v.as_u64()
            .unwrap_or_else(|| panic!("{what}: not a count: {v}"))
    };
    assert_eq!(
        n(read),
        n(used) + n(skipped),
        "{what}: features unaccounted for: {report}"
    );
}

/// Run every use of every path; `check(path, use, run)` judges each.
fn every_use(paths: &[PathBuf], check: impl Fn(&Path, &Use, &Run)) {
    let partner = partner();
    for path in paths {
        let layer = path.display().to_string();
        for u in USES {
            check(path, u, &run(&(u.args)(&layer, &partner)));
        }
    }
}

#[test]
fn malformed_layers_stop_every_command() {
    let paths = malformed();
    assert!(paths.len() >= 25, "only {} malformed fixtures", paths.len());
    every_use(&paths, |p, u, r| assert_could_not_run(p, u.name, r));
}

#[test]
fn defective_layers_run_through_every_command_with_warnings() {
    let paths = listing(&bad_dir().join("loadable"));
    assert!(paths.len() >= 14, "only {} loadable fixtures", paths.len());
    every_use(&paths, assert_ran);
}

#[test]
fn layers_without_polygons_are_inspected_but_not_analysed() {
    let paths = listing(&bad_dir().join("no_polygons"));
    every_use(&paths, |p, u, r| {
        if u.analysis {
            assert_could_not_run(p, u.name, r);
            assert!(r.stderr.contains("no polygon features"), "{}", r.stderr);
        } else {
            assert_ran(p, u, r);
        }
    });
}

#[test]
fn hostile_inputs_fail_cleanly_or_run() {
    let dir = tempfile::tempdir().unwrap();
    let files = generated(dir.path());
    let (bad, good): (Vec<_>, Vec<_>) = files.into_iter().partition(|(_, bad)| *bad);
    let bad: Vec<PathBuf> = bad.into_iter().map(|(p, _)| p).collect();
    let good: Vec<PathBuf> = good.into_iter().map(|(p, _)| p).collect();
    every_use(&bad, |p, u, r| {
        assert_could_not_run(p, u.name, r);
        if name_of(p).starts_with("deep_") {
            assert!(
                r.stderr.contains("nested more than 128 deep"),
                "{}",
                r.stderr
            );
        }
    });
    every_use(&good, assert_ran);
}

#[test]
fn bad_weights_stop_every_analysis() {
    let weights: Vec<PathBuf> = listing(&bad_dir())
        .into_iter()
        .filter(|p| name_of(p).starts_with("weights_"))
        .collect();
    assert!(weights.len() >= 4);
    let partner = partner();
    let trusts = demo("trusts.geojson");
    for w in &weights {
        let w_text = w.display().to_string();
        // validate takes no weights.
        for u in USES
            .iter()
            .filter(|u| u.analysis && !u.name.starts_with("validate"))
        {
            let mut args = (u.args)(&trusts, &partner);
            args.extend(["--weights", &w_text]);
            assert_could_not_run(w, u.name, &run(&args));
        }
    }
}

#[test]
fn unwritable_output_stops_every_command() {
    let partner = partner();
    let dir = tempfile::tempdir().unwrap();
    let existing_dir = dir.path().display().to_string();
    for u in USES {
        for out in ["/nonexistent/dir/out.json", existing_dir.as_str()] {
            let a = footprint()
                .args((u.args)(&partner, &partner))
                .args(["-o", out])
                .timeout(TIME_LIMIT)
                .assert()
                .code(2);
            let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
            assert!(
                err.lines()
                    .any(|l| l.starts_with("error:") && l.contains(out)),
                "{} -o {out}: the error does not name the output:\n{err}",
                u.name
            );
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    assert_eq!(listing(dir.path()), Vec::<PathBuf>::new());
}
