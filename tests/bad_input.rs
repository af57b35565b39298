//! Bad inputs: every malformed layer, weights file and argument must end with exit code 2 and
//! an `error:` on stderr that names the file (and the feature, where one is to blame), never a
//! panic and never a partial output file. Layers that are defective but loadable must load
//! (exit 0) with `warning:` lines that name the features concerned.
//!
//! Fixtures live in `tests/fixtures/bad/` (errors and weights files) and
//! `tests/fixtures/bad/loadable/` (defective but loadable layers).

use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bad(name: &str) -> PathBuf {
    root().join("tests/fixtures/bad").join(name)
}

fn loadable(name: &str) -> PathBuf {
    root().join("tests/fixtures/bad/loadable").join(name)
}

fn demo(name: &str) -> PathBuf {
    root().join("data/demo").join(name)
}

fn footprint() -> Command {
    Command::cargo_bin("footprint").expect("the footprint binary is built")
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

#[test]
fn truncated() {
    inspect_fails(&bad("truncated.geojson"), Some(1), &["EOF"]);
}

#[test]
fn not_json() {
    inspect_fails(&bad("not_json.geojson"), None, &["GeoJSON"]);
}

#[test]
fn features_not_array() {
    inspect_fails(&bad("features_not_array.geojson"), None, &["array"]);
}

#[test]
fn coordinates_strings() {
    inspect_fails(&bad("coordinates_strings.geojson"), Some(1), &["-1.45"]);
}

#[test]
fn polygon_nested_too_deep() {
    inspect_fails(
        &bad("polygon_nested_too_deep.geojson"),
        Some(1),
        &["Polygon"],
    );
}

#[test]
fn properties_nested_past_the_limit() {
    // Found by review for the scan_agrees fuzz target: the fast scanner read `properties`
    // (126 deep) with a fresh serde_json deserializer, whose depth count starts at 0, so it
    // loaded a file that the serde reader rejects (128 deep counting the enclosing objects).
    inspect_fails(
        &bad("properties_nested_past_the_limit.geojson"),
        Some(0),
        &["nested more than 128 deep"],
    );
}

#[test]
fn position_one_number() {
    inspect_fails(&bad("position_one_number.geojson"), Some(1), &["position"]);
}

#[test]
fn unknown_geometry_type() {
    inspect_fails(&bad("unknown_geometry_type.geojson"), Some(1), &["Polygn"]);
}

#[test]
fn geometry_without_type() {
    inspect_fails(&bad("geometry_without_type.geojson"), Some(1), &["type"]);
}

#[test]
fn crs_unsupported_3857() {
    inspect_fails(&bad("crs_unsupported_3857.geojson"), None, &["3857"]);
}

#[test]
fn crs_says_bng_but_lonlat() {
    inspect_fails(
        &bad("crs_says_bng_but_lonlat.geojson"),
        None,
        &["EPSG:27700", "EPSG:4326"],
    );
}

#[test]
fn lat_lon_swapped() {
    inspect_fails(&bad("lat_lon_swapped.geojson"), None, &["swapped"]);
}

#[test]
fn coordinates_out_of_any_range() {
    inspect_fails(
        &bad("coordinates_out_of_any_range.geojson"),
        None,
        &["9000000"],
    );
}

#[test]

fn coordinates_out_of_any_range_names_the_feature() {
    inspect_fails(&bad("coordinates_out_of_any_range.geojson"), Some(1), &[]);
}

#[test]

fn mixed_lonlat_and_bng() {
    inspect_fails(&bad("mixed_lonlat_and_bng.geojson"), Some(2), &[]);
}

#[test]
fn empty_file() {
    inspect_fails(&bad("empty_file.geojson"), None, &["empty"]);
}

#[test]
fn bare_polygon_not_feature() {
    inspect_fails(&bad("bare_polygon_not_feature.geojson"), None, &["Feature"]);
}

#[test]
fn feature_type_wrong() {
    inspect_fails(&bad("feature_type_wrong.geojson"), Some(1), &["Feature"]);
}

#[test]
fn properties_is_string() {
    inspect_fails(&bad("properties_is_string.geojson"), Some(1), &[]);
}

#[test]
fn no_code_field() {
    // The message must list the properties there are and point to --code.
    inspect_fails(
        &bad("no_code_field.geojson"),
        None,
        &["colour", "area_ha", "--code"],
    );
}

#[test]
fn features_missing() {
    inspect_fails(&bad("features_missing.geojson"), None, &["\"features\""]);
}

#[test]
fn topojson_is_named_and_conversion_suggested() {
    inspect_fails(&bad("topojson.geojson"), None, &["TopoJSON", "convert"]);
}

#[test]
fn nan_literal() {
    inspect_fails(&bad("nan_literal.geojson"), Some(1), &["NaN", "line 3"]);
}

#[test]
fn number_1e400() {
    inspect_fails(
        &bad("number_1e400.geojson"),
        Some(1),
        &["out of range", "line 3"],
    );
}

#[test]
fn invalid_utf8() {
    inspect_fails(&bad("invalid_utf8.geojson"), Some(1), &["UTF-8", "line 3"]);
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
        ("zip_not_geojson.geojson", "this looks like a zip file"),
        ("gzip_not_geojson.geojson", "this looks like a gzip file"),
        (
            "shapefile_not_geojson.shp",
            "this looks like a Shapefile (.shp)",
        ),
        (
            "geopackage_not_geojson.gpkg",
            "this looks like a GeoPackage (SQLite)",
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
fn directory_given_as_layer() {
    inspect_fails(&bad("directory_not_a_file.geojson"), None, &["directory"]);
}

#[test]
fn nonexistent_path() {
    inspect_fails(&bad("does_not_exist.geojson"), None, &["cannot open"]);
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
    let footprints = demo("footprints.geojson");
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
    let trusts = demo("trusts.geojson");
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

#[test]
fn weights_coordinate_not_number() {
    weights_fail(
        "weights_coordinate_not_number.csv",
        &["line 3", "fifty-two"],
    );
}

#[test]
fn weights_no_coordinate_columns() {
    // Must say what columns it wants and what the header holds.
    weights_fail(
        "weights_no_coordinate_columns.csv",
        &["lon", "lat", "postcode"],
    );
}

#[test]

fn weights_errors_have_a_hint() {
    weights_fail("weights_coordinate_not_number.csv", &["hint:"]);
}

#[test]

fn weights_lat_lon_swapped() {
    weights_fail("weights_lat_lon_swapped.csv", &["swapped"]);
}

#[test]

fn weights_latitude_out_of_range() {
    weights_fail("weights_latitude_out_of_range.csv", &["line 3"]);
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

fn p(path: PathBuf) -> String {
    text(&path)
}

#[test]
fn tolerance_lots() {
    let (t, f) = (p(demo("trusts.geojson")), p(demo("footprints.geojson")));
    analysis_fails(
        &["overlaps", &t, &f, "--tolerance", "lots"],
        &["tolerance", "lots"],
    );
}

#[test]
fn tolerance_too_large_for_metres() {
    // 1e306 km is finite, but not in metres: it used to run with an "inf m" tolerance.
    let (t, f) = (p(demo("trusts.geojson")), p(demo("footprints.geojson")));
    analysis_fails(
        &["overlaps", &t, &f, "--tolerance", "1e306km"],
        &["tolerance", "1e306km"],
    );
}

#[test]
fn min_share_5() {
    let (t, f) = (p(demo("trusts.geojson")), p(demo("footprints.geojson")));
    analysis_fails(
        &["spanning", &t, "--plans", &f, "--min-share", "5"],
        &["min-share", "0.05"],
    );
}

#[test]
fn code_for_unknown_role() {
    let (f, c) = (p(demo("footprints.geojson")), p(demo("councils.geojson")));
    analysis_fails(
        &["coterminosity", &f, "--units", &c, "--code", "nosuchrole=X"],
        &["nosuchrole", "units", "footprints"],
    );
}

#[test]
fn code_field_that_does_not_exist() {
    let (f, c) = (p(demo("footprints.geojson")), p(demo("councils.geojson")));
    // Names the units file and lists its properties.
    analysis_fails(
        &["coterminosity", &f, "--units", &c, "--code", "units=NOPE"],
        &[&c, "NOPE", "LADCD", "LADNM"],
    );
}

#[test]
fn crs_epsg_3857() {
    let c = p(demo("councils.geojson"));
    analysis_fails(&["inspect", &c, "--crs", "EPSG:3857"], &["3857"]);
    let (t, f) = (p(demo("trusts.geojson")), p(demo("footprints.geojson")));
    analysis_fails(&["overlaps", &t, &f, "--crs", "b=EPSG:3857"], &["3857"]);
}

#[test]

fn crs_option_contradicting_the_coordinates() {
    let l = p(loadable("bng_without_crs.geojson"));
    analysis_fails(&["inspect", &l, "--crs", "EPSG:4326"], &[&l]);
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
    let (t, f) = (p(demo("trusts.geojson")), p(demo("footprints.geojson")));
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
    let (t, f) = (p(demo("trusts.geojson")), p(demo("footprints.geojson")));
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
    let (t, f) = (p(demo("trusts.geojson")), p(demo("footprints.geojson")));
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

#[test]
fn null_geometry() {
    loads_with_warnings("null_geometry.geojson", &["E06000902", "null geometry"]);
}

#[test]
fn empty_multipolygon() {
    loads_with_warnings("empty_multipolygon.geojson", &["E06000912", "empty"]);
}

#[test]
fn point_among_polygons() {
    loads_with_warnings("point_among_polygons.geojson", &["E06000922", "Point"]);
}

#[test]
fn geometry_collection() {
    loads_with_warnings(
        "geometry_collection.geojson",
        &["E06000932", "GeometryCollection"],
    );
}

#[test]
fn self_intersecting_bowtie() {
    loads_with_warnings(
        "self_intersecting_bowtie.geojson",
        &["E06000942", "self-intersection"],
    );
}

#[test]
fn unclosed_ring() {
    loads_with_warnings("unclosed_ring.geojson", &["E06000952", "not closed"]);
}

#[test]
fn duplicate_codes() {
    loads_with_warnings("duplicate_codes.geojson", &["E06000962"]);
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

#[test]
fn missing_code() {
    // The feature has no code, so the warning names it by position.
    loads_with_warnings("missing_code.geojson", &["#1", "LADCD"]);
}

#[test]
fn two_point_ring() {
    loads_with_warnings("two_point_ring.geojson", &["E06001002", "2 positions"]);
}

#[test]
fn hole_outside_shell() {
    loads_with_warnings(
        "hole_outside_shell.geojson",
        &["E06001012", "interior ring", "not contained"],
    );
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
fn fuzz_name_key_splitting_a_character_does_not_panic() {
    // Found by the loader fuzz target: a key "LA\u{feff}" beside LADCD made the name-field
    // detection slice "LA\u{feff}" at byte 3, inside the character, and panic.
    loads_with_warnings(
        "fuzz_name_key_splits_a_character.geojson",
        &["E06001012", "not closed"],
    );
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
fn bng_without_crs_member() {
    loads_as_bng("bng_without_crs.geojson", "coordinate");
}

#[test]
fn bng_with_urn_crs_member() {
    loads_as_bng("bng_with_urn_crs.geojson", "urn:ogc:def:crs:EPSG::27700");
}
