//! Bad inputs: every malformed layer, weights file and argument must end with exit code 2 and
//! an `error:` on stderr that names the file (and the feature, where one is to blame), never a
//! panic and never a partial output file. Layers that are defective but loadable must load
//! (exit 0) with `warning:` lines that name the features concerned.
//!
//! Fixtures live in `tests/fixtures/bad/` (errors and weights files) and
//! `tests/fixtures/bad/loadable/` (defective but loadable layers). Lists of like cases are
//! tables, a row a case, run by `common::each`, which names every row that fails.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use common::{demo, each, footprint, repo};
use predicates::prelude::*;

fn bad(name: &str) -> PathBuf {
    repo().join("tests/fixtures/bad").join(name)
}

fn loadable(name: &str) -> PathBuf {
    repo().join("tests/fixtures/bad/loadable").join(name)
}

fn text(p: &Path) -> String {
    p.display().to_string()
}

fn stderr_of(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn stdout_of(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

/// Exit 2, an `error:` first, no panic.
fn could_not_run(a: Assert) -> Assert {
    a.code(2)
        .stderr(predicate::str::starts_with("error:"))
        .stderr(predicate::str::contains("panicked").not())
}

/// Exit 2 after the analysis ran (stderr may first state the tolerance): a line starting with
/// `error:`, no panic.
fn failed_late(a: Assert) -> Assert {
    let a = a.code(2).stderr(predicate::str::contains("panicked").not());
    let err = stderr_of(&a);
    assert!(
        err.lines().any(|l| l.starts_with("error:")),
        "no error: line on stderr:\n{err}"
    );
    a
}

/// The entries of a directory (names), sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------------
// Layers that cannot be loaded: `footprint inspect FILE`.
// ---------------------------------------------------------------------------------------------

/// `inspect FILE` exits 2; stderr starts with `error:`, names the file, names `feature #N` when
/// given, has a `hint:` line, contains every `mentions`, and never a panic.
fn inspect_fails(path: &Path, feature: Option<usize>, mentions: &[&str]) {
    let a = could_not_run(footprint().arg("inspect").arg(path).assert())
        .stderr(predicate::str::contains(text(path)))
        .stderr(predicate::str::contains("hint:"));
    let err = stderr_of(&a);
    if let Some(n) = feature {
        assert!(
            err.contains(&format!("feature #{n}")),
            "stderr does not name feature #{n}:\n{err}"
        );
    }
    for m in mentions {
        assert!(err.contains(m), "stderr does not mention {m:?}:\n{err}");
    }
    assert!(
        stdout_of(&a).is_empty(),
        "a failed inspect printed a report:\n{}",
        stdout_of(&a)
    );
}

/// Layers `inspect` cannot load: (fixture in `tests/fixtures/bad/`, the feature to blame if
/// any, what stderr must mention).
const MALFORMED: &[(&str, Option<usize>, &[&str])] = &[
    ("truncated.geojson", Some(1), &["EOF"]),
    ("not_json.geojson", None, &["GeoJSON"]),
    ("features_not_array.geojson", None, &["array"]),
    ("coordinates_strings.geojson", Some(1), &["-1.45"]),
    ("polygon_nested_too_deep.geojson", Some(1), &["Polygon"]),
    // Found by review for the scan_agrees fuzz target: the fast scanner read `properties`
    // (126 deep) with a fresh serde_json deserializer, whose depth count starts at 0, so it
    // loaded a file that the serde reader rejects (128 deep counting the enclosing objects).
    (
        "properties_nested_past_the_limit.geojson",
        Some(0),
        &["nested more than 128 deep"],
    ),
    ("position_one_number.geojson", Some(1), &["position"]),
    ("unknown_geometry_type.geojson", Some(1), &["Polygn"]),
    ("geometry_without_type.geojson", Some(1), &["type"]),
    ("crs_unsupported_3857.geojson", None, &["3857"]),
    (
        "crs_says_bng_but_lonlat.geojson",
        None,
        &["EPSG:27700", "EPSG:4326"],
    ),
    ("lat_lon_swapped.geojson", None, &["swapped"]),
    // Where British National Grid folds, areas came out negative (-85,174 km² over
    // Australia, -534,743,091 km² round the world) with exit 0: now refused, by feature.
    (
        "outside_gb_australia.geojson",
        Some(1),
        &["X99000001", "British National Grid is valid"],
    ),
    (
        "outside_gb_round_the_world.geojson",
        Some(1),
        &["X99000002", "British National Grid is valid"],
    ),
    ("coordinates_out_of_any_range.geojson", None, &["9000000"]),
    ("coordinates_out_of_any_range.geojson", Some(1), &[]),
    ("mixed_lonlat_and_bng.geojson", Some(2), &[]),
    ("empty_file.geojson", None, &["empty"]),
    ("bare_polygon_not_feature.geojson", None, &["Feature"]),
    ("feature_type_wrong.geojson", Some(1), &["Feature"]),
    ("properties_is_string.geojson", Some(1), &[]),
    // The message must list the properties there are and point to --code.
    (
        "no_code_field.geojson",
        None,
        &["colour", "area_ha", "--code"],
    ),
    ("features_missing.geojson", None, &["\"features\""]),
    // TopoJSON is named and conversion suggested.
    ("topojson.geojson", None, &["TopoJSON", "convert"]),
    ("nan_literal.geojson", Some(1), &["NaN", "line 3"]),
    ("number_1e400.geojson", Some(1), &["out of range", "line 3"]),
    ("invalid_utf8.geojson", Some(1), &["UTF-8", "line 3"]),
    // A directory given as the layer.
    ("directory_not_a_file.geojson", None, &["directory"]),
    ("does_not_exist.geojson", None, &["cannot open"]),
];

#[test]
fn malformed_layers_are_refused_by_inspect() {
    each(
        MALFORMED,
        |(name, feature, _)| format!("{name} (feature {feature:?})"),
        |(name, feature, mentions)| inspect_fails(&bad(name), *feature, mentions),
    );
}

#[test]
fn utf8_bom_file_that_is_otherwise_fine_loads() {
    let a = footprint()
        .args(["inspect", "--format", "json"])
        .arg(loadable("utf8_bom_otherwise_fine.geojson"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("error:").not())
        .stderr(predicate::str::contains("panicked").not());
    let report: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(report["feature_count"], 2, "{report}");
    assert_eq!(report["polygon_count"], 2, "{report}");
    assert_eq!(report["code_field"], "XCD", "{report}");
    assert_eq!(report["name_field"], "XNM", "{report}");
}

// ---------------------------------------------------------------------------------------------
// The same bad layers through an analysis with output files: nothing may be written.
// ---------------------------------------------------------------------------------------------

/// Run `overlaps` in an empty temporary directory with `-o out.csv --pieces pieces.geojson`
/// (plus `extra`); expect exit 2, an error naming `names`, and the directory still empty (no
/// output, no stray temporary file).
fn overlaps_fails_writing_nothing(a: &Path, b: &Path, extra: &[&str], names: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let assert = footprint()
        .current_dir(dir.path())
        .arg("overlaps")
        .arg(a)
        .arg(b)
        .args(["-o", "out.csv", "--pieces", "pieces.geojson", "-f", "csv"])
        .args(extra)
        .assert();
    could_not_run(assert).stderr(predicate::str::contains(text(names)));
    assert!(!dir.path().join("out.csv").exists(), "out.csv was written");
    assert!(
        !dir.path().join("pieces.geojson").exists(),
        "pieces.geojson was written"
    );
    assert_eq!(
        entries(dir.path()),
        Vec::<String>::new(),
        "files left behind"
    );
}

#[test]
fn overlaps_with_bad_first_layer_writes_nothing() {
    let footprints = PathBuf::from(demo("footprints.geojson"));
    for name in [
        "truncated.geojson",
        "coordinates_strings.geojson",
        "polygon_nested_too_deep.geojson",
        "crs_says_bng_but_lonlat.geojson",
        "lat_lon_swapped.geojson",
        "no_code_field.geojson",
        "empty_file.geojson",
        "directory_not_a_file.geojson",
        "does_not_exist.geojson",
    ] {
        let path = bad(name);
        overlaps_fails_writing_nothing(&path, &footprints, &[], &path);
    }
}

#[test]
fn overlaps_with_bad_second_layer_writes_nothing() {
    let trusts = PathBuf::from(demo("trusts.geojson"));
    for name in [
        "truncated.geojson",
        "unknown_geometry_type.geojson",
        "crs_unsupported_3857.geojson",
    ] {
        let path = bad(name);
        overlaps_fails_writing_nothing(&trusts, &path, &[], &path);
    }
}

#[test]
fn coterminosity_and_spanning_with_bad_layers_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let truncated = bad("truncated.geojson");
    let a = footprint()
        .current_dir(dir.path())
        .arg("coterminosity")
        .arg(demo("footprints.geojson"))
        .arg("--units")
        .arg(&truncated)
        .args(["-o", "out.csv"])
        .assert();
    could_not_run(a)
        .stderr(predicate::str::contains(text(&truncated)))
        .stderr(predicate::str::contains("feature #1"));
    let swapped = bad("lat_lon_swapped.geojson");
    let a = footprint()
        .current_dir(dir.path())
        .arg("spanning")
        .arg(&swapped)
        .arg("--plans")
        .arg(demo("footprints.geojson"))
        .args(["-o", "out.csv"])
        .assert();
    could_not_run(a).stderr(predicate::str::contains(text(&swapped)));
    assert_eq!(
        entries(dir.path()),
        Vec::<String>::new(),
        "files left behind"
    );
}

// ---------------------------------------------------------------------------------------------
// Bad weights files.
// ---------------------------------------------------------------------------------------------

fn weights_fail(name: &str, mentions: &[&str]) {
    let weights = bad(name);
    let dir = tempfile::tempdir().unwrap();
    let a = footprint()
        .current_dir(dir.path())
        .arg("overlaps")
        .arg(demo("trusts.geojson"))
        .arg(demo("footprints.geojson"))
        .arg("--weights")
        .arg(&weights)
        .args(["-o", "out.csv", "--pieces", "pieces.geojson"])
        .assert();
    let a = could_not_run(a).stderr(predicate::str::contains(text(&weights)));
    let err = stderr_of(&a);
    for m in mentions {
        assert!(err.contains(m), "stderr does not mention {m:?}:\n{err}");
    }
    assert_eq!(
        entries(dir.path()),
        Vec::<String>::new(),
        "files left behind"
    );
}

/// Weights files that stop `overlaps`: (fixture in `tests/fixtures/bad/`, what stderr must
/// mention besides the file).
const BAD_WEIGHTS: &[(&str, &[&str])] = &[
    (
        "weights_coordinate_not_number.csv",
        &["line 3", "fifty-two"],
    ),
    // Must say what columns it wants and what the header holds.
    (
        "weights_no_coordinate_columns.csv",
        &["lon", "lat", "postcode"],
    ),
    // Weights errors have a hint.
    ("weights_coordinate_not_number.csv", &["hint:"]),
    ("weights_lat_lon_swapped.csv", &["swapped"]),
    ("weights_latitude_out_of_range.csv", &["line 3"]),
];

#[test]
fn bad_weights_files_are_refused() {
    each(
        BAD_WEIGHTS,
        |(name, mentions)| format!("{name} {mentions:?}"),
        |(name, mentions)| weights_fail(name, mentions),
    );
}

// ---------------------------------------------------------------------------------------------
// Bad arguments.
// ---------------------------------------------------------------------------------------------

/// Run an analysis in an empty temporary directory with `-o out.csv`; expect exit 2, an error
/// mentioning `mentions`, and no file left behind.
fn analysis_fails(args: &[&str], mentions: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let a = footprint()
        .current_dir(dir.path())
        .args(args)
        .args(["-o", "out.csv"])
        .assert();
    let a = could_not_run(a);
    let err = stderr_of(&a);
    for m in mentions {
        assert!(err.contains(m), "stderr does not mention {m:?}:\n{err}");
    }
    assert_eq!(
        entries(dir.path()),
        Vec::<String>::new(),
        "files left behind"
    );
    err
}

/// `{demo}/`, `{bad}/` and `{loadable}/` in an argument or mention: the folders of the demo
/// and of the bad fixtures.
fn expand(s: &str) -> String {
    let dir = |d: &str| repo().join(d).display().to_string();
    s.replace("{demo}", &dir("data/demo"))
        .replace("{bad}", &dir("tests/fixtures/bad"))
        .replace("{loadable}", &dir("tests/fixtures/bad/loadable"))
}

/// Arguments that stop a command before it writes anything: (what the case is, arguments,
/// what stderr must mention).
const BAD_ARGUMENTS: &[(&str, &[&str], &[&str])] = &[
    (
        "tolerance lots",
        &[
            "overlaps",
            "{demo}/trusts.geojson",
            "{demo}/footprints.geojson",
            "--tolerance",
            "lots",
        ],
        &["tolerance", "lots"],
    ),
    (
        // 1e306 km is finite, but not in metres: it used to run with an "inf m" tolerance.
        "tolerance too large for metres",
        &[
            "overlaps",
            "{demo}/trusts.geojson",
            "{demo}/footprints.geojson",
            "--tolerance",
            "1e306km",
        ],
        &["tolerance", "1e306km"],
    ),
    (
        "min-share 5",
        &[
            "spanning",
            "{demo}/trusts.geojson",
            "--plans",
            "{demo}/footprints.geojson",
            "--min-share",
            "5",
        ],
        &["min-share", "0.05"],
    ),
    (
        "--code for an unknown role",
        &[
            "coterminosity",
            "{demo}/footprints.geojson",
            "--units",
            "{demo}/councils.geojson",
            "--code",
            "nosuchrole=X",
        ],
        &["nosuchrole", "units", "footprints"],
    ),
    (
        // Names the units file and lists its properties.
        "--code field that does not exist",
        &[
            "coterminosity",
            "{demo}/footprints.geojson",
            "--units",
            "{demo}/councils.geojson",
            "--code",
            "units=NOPE",
        ],
        &["{demo}/councils.geojson", "NOPE", "LADCD", "LADNM"],
    ),
    (
        "inspect --crs EPSG:3857",
        &["inspect", "{demo}/councils.geojson", "--crs", "EPSG:3857"],
        &["3857"],
    ),
    (
        "overlaps --crs b=EPSG:3857",
        &[
            "overlaps",
            "{demo}/trusts.geojson",
            "{demo}/footprints.geojson",
            "--crs",
            "b=EPSG:3857",
        ],
        &["3857"],
    ),
    (
        "--crs contradicting the coordinates",
        &[
            "inspect",
            "{loadable}/bng_without_crs.geojson",
            "--crs",
            "EPSG:4326",
        ],
        &["{loadable}/bng_without_crs.geojson"],
    ),
];

#[test]
fn bad_arguments_are_refused() {
    each(
        BAD_ARGUMENTS,
        |(what, _, _)| what.to_string(),
        |(_, args, mentions)| {
            let args: Vec<String> = args.iter().map(|a| expand(a)).collect();
            let mentions: Vec<String> = mentions.iter().map(|m| expand(m)).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mentions: Vec<&str> = mentions.iter().map(String::as_str).collect();
            analysis_fails(&args, &mentions);
        },
    );
}

fn p(path: PathBuf) -> String {
    text(&path)
}

#[test]
fn output_in_missing_directory_fails_before_loading() {
    // The layer is malformed: if the output were checked after loading, the error would be
    // about the layer.
    let truncated = p(bad("truncated.geojson"));
    for args in [
        vec!["inspect", &truncated],
        vec![
            "coterminosity",
            &truncated,
            "--units",
            &truncated,
            "--tolerance",
            "0",
        ],
    ] {
        let a = footprint()
            .args(&args)
            .args(["-o", "/nonexistent/dir/out.csv"])
            .assert();
        let a = could_not_run(a)
            .stderr(predicate::str::contains("/nonexistent/dir/out.csv"))
            .stderr(predicate::str::contains("truncated.geojson").not())
            .stderr(predicate::str::contains("malformed").not());
        assert!(stdout_of(&a).is_empty());
    }
    assert!(!Path::new("/nonexistent/dir/out.csv").exists());
}

#[test]
fn unwritable_pieces_path() {
    let (t, f) = (demo("trusts.geojson"), demo("footprints.geojson"));
    // A directory that does not exist: fails before loading.
    let err = analysis_fails(
        &[
            "overlaps",
            &t,
            &f,
            "--pieces",
            "/nonexistent/dir/pieces.geojson",
        ],
        &["/nonexistent/dir/pieces.geojson"],
    );
    assert!(!err.contains("tolerance:"), "loaded before failing:\n{err}");
    // An existing directory given as the pieces file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pieces_dir")).unwrap();
    let a = footprint()
        .current_dir(dir.path())
        .args([
            "overlaps",
            &t,
            &f,
            "--pieces",
            "pieces_dir",
            "-o",
            "out.csv",
        ])
        .assert();
    could_not_run(a).stderr(predicate::str::contains("pieces_dir"));
    assert_eq!(entries(dir.path()), vec!["pieces_dir".to_string()]);
    assert_eq!(
        entries(&dir.path().join("pieces_dir")),
        Vec::<String>::new()
    );
    // A path that cannot be a file (trailing slash): fails only when moved into place.
    let a = footprint()
        .current_dir(dir.path())
        .args([
            "overlaps",
            &t,
            &f,
            "--pieces",
            "pieces_dir/pieces.geojson/",
            "-o",
            "out.csv",
        ])
        .assert();
    failed_late(a).stderr(predicate::str::contains("pieces.geojson"));
    assert_eq!(entries(dir.path()), vec!["pieces_dir".to_string()]);
    assert_eq!(
        entries(&dir.path().join("pieces_dir")),
        Vec::<String>::new()
    );
}

#[test]

fn failing_output_leaves_no_pieces_file() {
    let (t, f) = (demo("trusts.geojson"), demo("footprints.geojson"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let a = footprint()
        .current_dir(dir.path())
        .args([
            "overlaps",
            &t,
            &f,
            "--pieces",
            "pieces.geojson",
            "-o",
            "sub/out.csv/",
        ])
        .assert();
    failed_late(a).stderr(predicate::str::contains("out.csv"));
    assert_eq!(entries(dir.path()), vec!["sub".to_string()]);
    assert_eq!(entries(&dir.path().join("sub")), Vec::<String>::new());
}

#[test]

fn same_path_for_report_and_pieces() {
    let (t, f) = (demo("trusts.geojson"), demo("footprints.geojson"));
    let dir = tempfile::tempdir().unwrap();
    let a = footprint()
        .current_dir(dir.path())
        .args([
            "overlaps",
            &t,
            &f,
            "--pieces",
            "same.geojson",
            "-o",
            "same.geojson",
        ])
        .assert();
    could_not_run(a).stderr(predicate::str::contains("same.geojson"));
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Defective but loadable layers: exit 0, with warnings naming the features.
// ---------------------------------------------------------------------------------------------

/// `inspect FILE` exits 0 and prints, on stderr, `warning:` lines naming the file and every
/// one of `mentions` (feature codes and what is wrong), without errors or panics.
fn loads_with_warnings(name: &str, mentions: &[&str]) {
    let path = loadable(name);
    let a = footprint()
        .arg("inspect")
        .arg(&path)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("warning:"))
        .stderr(predicate::str::contains(text(&path)))
        .stderr(predicate::str::contains("error:").not())
        .stderr(predicate::str::contains("panicked").not());
    let err = stderr_of(&a);
    for m in mentions {
        assert!(
            err.lines()
                .any(|l| l.starts_with("warning:") && l.contains(m)),
            "no warning mentions {m:?}:\n{err}"
        );
    }
    assert!(!stdout_of(&a).is_empty(), "no report on stdout");
}

/// Defective layers `inspect` loads with warnings: (fixture in
/// `tests/fixtures/bad/loadable/`, what the warnings must mention).
const DEFECTIVE: &[(&str, &[&str])] = &[
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
    ("duplicate_codes.geojson", &["E06000962"]),
    // The feature has no code, so the warning names it by position.
    ("missing_code.geojson", &["#1", "LADCD"]),
    ("two_point_ring.geojson", &["E06001002", "2 positions"]),
    (
        "hole_outside_shell.geojson",
        &["E06001012", "interior ring", "not contained"],
    ),
    // Issue 15: what OGC forbids and geo's rules let through. A hole enclosing its shell
    // leaves no area (shares would be infinite): skipped, saying why. A flat ring has no area
    // either. Holes touching the shell at two points cut the interior in pieces.
    (
        "hole_encloses_shell.geojson",
        &[
            "E06001022",
            "skipped 1 feature with no area",
            "not contained",
        ],
    ),
    (
        "flat_ring.geojson",
        &["E06001032", "no area", "exterior ring is flat"],
    ),
    (
        "holes_cut_the_interior.geojson",
        &["E06001042", "cut the interior into pieces"],
    ),
    // Found by the loader fuzz target: a key "LA\u{feff}" beside LADCD made the name-field
    // detection slice "LA\u{feff}" at byte 3, inside the character, and panic.
    (
        "fuzz_name_key_splits_a_character.geojson",
        &["E06001012", "not closed"],
    ),
    // A hole whose vertices lie within 1e-9 degrees of one point: the boolean-operation
    // kernel could panic on it. Removed on load, and said.
    (
        "hole_collapsed_to_a_point.geojson",
        &["E06001022", "cleaned of degenerate rings"],
    ),
];

/// Every command that overlays or validates, on a layer with a hole collapsed to a point
/// (`{}` is the layer): each runs to its verdict (0 or 1), says the hole was removed, and
/// never panics.
const COLLAPSED_HOLE_COMMANDS: &[&[&str]] = &[
    &["overlaps", "{}", "{}", "-t", "0"],
    &["overlaps", "{}", "{}"],
    &[
        "overlaps",
        "{}",
        "{}",
        "--pieces",
        "{dir}/pieces.geojson",
        "-o",
        "{dir}/o.csv",
    ],
    &["validate", "{}"],
    &["validate", "{}", "--extent", "{}"],
    &["coterminosity", "{}", "--units", "{}"],
    &["spanning", "{}", "--plans", "{}"],
    &["map", "{}", "--units", "{}", "-o", "{dir}/map.html"],
    &["check", "{dir}/rules.toml"],
    &[
        "build",
        "{}",
        "--mapping",
        "{dir}/mapping.csv",
        "-o",
        "{dir}/built.geojson",
    ],
];

#[test]
fn a_hole_collapsed_to_a_point_reaches_every_command() {
    let layer = text(&loadable("hole_collapsed_to_a_point.geojson"));
    let dir = tempfile::tempdir().unwrap();
    let d = text(dir.path());
    std::fs::write(
        dir.path().join("rules.toml"),
        format!(
            "[layers]\nx = {layer:?}\n\n[[rule]]\nname = \"v\"\nvalidate = \"x\"\n\n\
             [[rule]]\nname = \"c\"\ncoterminous = \"x\"\nunits = \"x\"\n\n\
             [[rule]]\nname = \"s\"\nspanning = \"x\"\nplans = \"x\"\nmax_plans = 1\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mapping.csv"),
        "unit_code,footprint_code\nE06001022,F1\nE06001032,F1\n",
    )
    .unwrap();
    each(
        COLLAPSED_HOLE_COMMANDS,
        |args| args.join(" "),
        |args| {
            let args: Vec<String> = args
                .iter()
                .map(|a| a.replace("{dir}", &d).replace("{}", &layer))
                .collect();
            let out = footprint().args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{args:?}: exit {:?}\n{err}",
                out.status.code()
            );
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            assert!(
                err.contains("E06001022") && err.contains("cleaned of degenerate rings"),
                "{args:?}: the cleaning is not said:\n{err}"
            );
        },
    );
}

#[test]
fn defective_layers_load_with_warnings() {
    each(
        DEFECTIVE,
        |(name, _)| name.to_string(),
        |(name, mentions)| loads_with_warnings(name, mentions),
    );
}

#[test]
fn features_with_no_area_are_skipped_and_shares_stay_finite() {
    // Before issue 15 a hole enclosing its shell gave area 0, shares of inf in CSV (null in
    // JSON) and exit 0. Now the feature is skipped with its reason, every other number is
    // finite, and validate counts it as an error (exit 1) naming the file and the feature.
    for (name, code) in [
        ("hole_encloses_shell.geojson", "E06001022"),
        ("flat_ring.geojson", "E06001032"),
    ] {
        let path = loadable(name);
        let a = footprint()
            .args(["overlaps", "-t", "0", "-f", "json"])
            .arg(&path)
            .arg(loadable("bng_without_crs.geojson"))
            .assert()
            .code(0)
            .stderr(predicate::str::contains(code))
            .stderr(predicate::str::contains("panicked").not());
        let out = stdout_of(&a);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        let skipped = report["layers"][0]["skipped"].to_string();
        assert!(
            skipped.contains(code) && skipped.contains("no area"),
            "{name}: {report}"
        );
        assert!(
            !report.to_string().contains("share\":null"),
            "{name}: a share is not a number: {report}"
        );
        let csv = footprint()
            .args(["overlaps", "-t", "0", "-f", "csv"])
            .arg(&path)
            .arg(loadable("bng_without_crs.geojson"))
            .assert()
            .code(0);
        let csv = stdout_of(&csv);
        let cells = || csv.lines().flat_map(|l| l.split(','));
        assert!(
            !cells().any(|c| matches!(c, "inf" | "-inf" | "NaN")) && csv.lines().count() > 1,
            "{name}:\n{csv}"
        );
        let v = footprint().arg("validate").arg(&path).assert().code(1);
        let out = stdout_of(&v) + &stderr_of(&v);
        assert!(
            out.contains(code) && out.contains("no area"),
            "{name}:\n{out}"
        );
    }
}

#[test]
fn third_coordinate_is_a_height_and_ignored() {
    // RFC 7946 allows a height: no warning, and the same area as the flat squares.
    let a = footprint()
        .args(["inspect", "--format", "json"])
        .arg(loadable("coordinates_3d.geojson"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("warning:").not())
        .stderr(predicate::str::contains("panicked").not());
    let report: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(report["polygon_count"], 2, "{report}");
    // Two 0.1° x 0.1° squares at 52.2°N, each about 76.08 km².
    let area = report["area_km2"].as_f64().unwrap();
    assert!((area / 152.16 - 1.0).abs() < 0.005, "area {area} km²");
}

#[test]
fn multibyte_key_beside_the_code_field() {
    // The same bug, plainly: "LA€" is as long in bytes as "LANM" would be.
    let a = footprint()
        .args(["inspect", "--format", "json"])
        .arg(loadable("multibyte_key_beside_code.geojson"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("panicked").not());
    let report: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(report["code_field"], "LADCD", "{report}");
    assert_eq!(report["polygon_count"], 1, "{report}");
}

#[test]
fn defective_layers_still_analyse() {
    // Skipped and invalid features must not stop an analysis either.
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "null_geometry.geojson",
        "empty_multipolygon.geojson",
        "point_among_polygons.geojson",
        "geometry_collection.geojson",
        "self_intersecting_bowtie.geojson",
        "unclosed_ring.geojson",
        "duplicate_codes.geojson",
        "missing_code.geojson",
    ] {
        let path = loadable(name);
        footprint()
            .current_dir(dir.path())
            .arg("overlaps")
            .arg(&path)
            .arg(demo("footprints.geojson"))
            .args(["-o", "out.csv", "--pieces", "pieces.geojson", "-f", "csv"])
            .assert()
            .code(0)
            .stderr(predicate::str::contains("warning:"))
            .stderr(predicate::str::contains("panicked").not());
        assert!(dir.path().join("out.csv").is_file(), "{name}: no out.csv");
        assert!(
            dir.path().join("pieces.geojson").is_file(),
            "{name}: no pieces.geojson"
        );
    }
}

/// BNG layers (no warning is due): exit 0, read as EPSG:27700, 2 polygons of 8 x 8 km.
fn loads_as_bng(name: &str, crs_source: &str) {
    let a = footprint()
        .args(["inspect", "--format", "json"])
        .arg(loadable(name))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("error:").not())
        .stderr(predicate::str::contains("panicked").not());
    let report: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(report["crs"], "EPSG:27700", "{report}");
    assert!(
        report["crs_source"]
            .as_str()
            .is_some_and(|s| s.contains(crs_source)),
        "{report}"
    );
    assert_eq!(report["polygon_count"], 2, "{report}");
    let area = report["area_km2"].as_f64().unwrap();
    assert!((area / 128.0 - 1.0).abs() < 0.01, "area {area} km²");
}

#[test]
fn bng_layers_load_as_bng() {
    // (fixture, what crs_source must say)
    each(
        &[
            ("bng_without_crs.geojson", "coordinate"),
            ("bng_with_urn_crs.geojson", "urn:ogc:def:crs:EPSG::27700"),
        ],
        |(name, _)| name.to_string(),
        |(name, source)| loads_as_bng(name, source),
    );
}

#[test]
fn weights_total_overflows() {
    // Each weight is finite, their sum is not: shares would be NaN.
    weights_fail(
        "weights_total_overflows.csv",
        &["the weights add up to more than a number can hold"],
    );
}

#[test]
fn weights_negative() {
    weights_fail("weights_negative.csv", &["line 3", "negative weight -2792"]);
}

#[test]
fn files_that_are_not_geojson_are_named() {
    // Not JSON at all, but something the first bytes tell: say what it is, not "expected a
    // JSON value (line 1, column 1)".
    for (name, says) in [
        (
            "utf16le_with_bom.geojson",
            "this file is UTF-16; save it as UTF-8",
        ),
        (
            "utf16le_no_bom.geojson",
            "this file is UTF-16; save it as UTF-8",
        ),
        (
            "utf16be_no_bom.geojson",
            "this file is UTF-16; save it as UTF-8",
        ),
        (
            "csv_not_geojson.geojson",
            "this looks like CSV (header: code,name,population), not GeoJSON",
        ),
        (
            "not_json.geojson",
            "this looks like CSV (header: LADCD,LADNM)",
        ),
        // Zips, Shapefiles and SQLite files are read by their own readers, which say what
        // is missing (a zip of one GeoJSON is read: no_polygons/zipped_null_geometry.zip).
        (
            "zip_without_a_layer.zip",
            "this is a zip without a .shp; it holds: README.txt, lookup.csv",
        ),
        ("gzip_not_geojson.geojson", "this looks like a gzip file"),
        (
            "shapefile_not_geojson.shp",
            "this is a Shapefile's .shp, but its .dbf",
        ),
        (
            "geopackage_not_geojson.gpkg",
            "this is an SQLite database, not a GeoPackage",
        ),
    ] {
        let path = bad(name);
        inspect_fails(&path, None, &[&format!("{}: {says}", text(&path))]);
        let a = footprint().arg("inspect").arg(&path).assert();
        let err = stderr_of(&a);
        assert!(!err.contains("line 1, column 1"), "{name}: {err}");
    }
}

#[test]
fn duplicate_keys() {
    // The same warnings from the fast scanner and from the serde reader (an escape in a
    // Feature's key makes the scanner give up).
    for name in [
        "duplicate_keys.geojson",
        "duplicate_keys_escaped_key.geojson",
    ] {
        loads_with_warnings(
            name,
            &[
                "2 features give the property \"LADNM\" more than once (the last value is \
                 used): #0, #2",
                "1 feature gives the member \"geometry\" more than once (the last value is \
                 used): #1",
            ],
        );
    }
}
