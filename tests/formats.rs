//! GeoPackage and FlatGeobuf layers give the same reports as their GeoJSON originals, on the
//! demo (fixtures made by GDAL: tests/fixtures/formats/make.sh) and on the real layers
//! (converted here with GDAL through pyogrio when it is installed); and what is wrong with
//! such a file is an error that names it, never a panic.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

const FIXTURES: &str = "tests/fixtures/formats";

/// Run footprint from the crate root.
fn run(args: &[String]) -> Output {
    footprint_in_repo().args(args).output().expect("runs")
}

fn args(s: &[&str]) -> Vec<String> {
    s.iter().map(|a| a.to_string()).collect()
}

/// Standard output and error, with each `(from, to)` replaced: the other format's layer names
/// by the GeoJSON's, so that the two runs can be compared byte for byte.
fn normalised(out: &Output, names: &[(String, String)]) -> (Option<i32>, String, String) {
    let mut stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    for (from, to) in names {
        stdout = stdout.replace(from, to);
        stderr = stderr.replace(from, to);
    }
    // How the coordinate system was decided is said where it differs: declared by the file,
    // or read off the coordinates of a GeoJSON without a crs member.
    (out.status.code(), stdout, stderr)
}

/// Run `command` with `{name}` placeholders filled by GeoJSON paths and by the other format's,
/// and require the same exit code, standard output and standard error.
fn same(command: &[&str], geojson: &dyn Fn(&str) -> String, other: &dyn Fn(&str) -> String) {
    let fill = |layer: &dyn Fn(&str) -> String| -> Vec<String> {
        command
            .iter()
            .map(
                |a| match a.strip_prefix('{').and_then(|a| a.strip_suffix('}')) {
                    Some(name) => layer(name),
                    None => a.to_string(),
                },
            )
            .collect()
    };
    let (a, b) = (fill(geojson), fill(other));
    // Whole arguments first, then their file names (a map's title names the files).
    let differing: Vec<(&String, &String)> = b.iter().zip(&a).filter(|(x, y)| x != y).collect();
    let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    let names: Vec<(String, String)> = differing
        .iter()
        .map(|(x, y)| (x.to_string(), y.to_string()))
        .chain(differing.iter().map(|(x, y)| (base(x), base(y))))
        .collect();
    let (ra, rb) = (run(&a), run(&b));
    assert!(
        matches!(ra.status.code(), Some(0 | 1)),
        "{a:?} failed: {}",
        String::from_utf8_lossy(&ra.stderr)
    );
    let (na, nb) = (normalised(&ra, &[]), normalised(&rb, &names));
    assert_eq!(na.0, nb.0, "exit codes of {a:?} and {b:?}");
    assert_eq!(na.1, nb.1, "standard output of {a:?} and {b:?}");
    assert_eq!(na.2, nb.2, "standard error of {a:?} and {b:?}");
    assert!(!na.1.is_empty(), "{a:?} wrote nothing");
}

/// The demo commands, `{layer}` standing for a layer of the demo region (`{population}` is
/// the CSV of weight points, and a point layer in the other formats).
const DEMO_COMMANDS: &[&[&str]] = &[
    &["overlaps", "{footprints}", "{councils}", "--format", "csv"],
    &["overlaps", "{councils}", "{footprints}", "--format", "json"],
    &[
        "coterminosity",
        "{footprints}",
        "--units",
        "{councils}",
        "--format",
        "csv",
    ],
    &[
        "coterminosity",
        "{footprints}",
        "--units",
        "{councils}",
        "--weights",
        "{population}",
        "--format",
        "json",
    ],
    &[
        "coterminosity",
        "{footprints}",
        "--units",
        "{ccgs}",
        "--by",
        "footprint",
        "--format",
        "csv",
    ],
    &[
        "spanning",
        "{trusts}",
        "--plans",
        "{footprints}",
        "--format",
        "csv",
    ],
    &[
        "validate",
        "{footprints}",
        "--extent",
        "{councils}",
        "--format",
        "json",
    ],
    &["validate", "{councils}", "--format", "csv"],
    &[
        "matrix",
        "{councils}",
        "{footprints}",
        "{ccgs}",
        "--format",
        "csv",
    ],
    &[
        "changes",
        "{councils}",
        "data/demo/councils_next.geojson",
        "--format",
        "csv",
    ],
    &[
        "build",
        "{ccgs}",
        "--mapping",
        "data/demo/ccg_footprints.csv",
        "-o",
        "-",
    ],
    &[
        "map",
        "{footprints}",
        "--units",
        "{councils}",
        "--weights",
        "{population}",
        "-o",
        "-",
    ],
];

fn demo_geojson(name: &str) -> String {
    match name {
        "population" => demo_rel("population.csv"),
        _ => demo_rel(&format!("{name}.geojson")),
    }
}

#[test]
fn demo_reports_from_a_geopackage_are_the_geojson_reports() {
    let gpkg = |name: &str| format!("{FIXTURES}/demo.gpkg:{name}");
    each(
        DEMO_COMMANDS,
        |c| c.join(" "),
        |c| same(c, &demo_geojson, &gpkg),
    );
}

#[test]
fn demo_reports_from_flatgeobuf_are_the_geojson_reports() {
    // Councils and footprints as FlatGeobuf, the others from the GeoPackage: formats mix.
    let fgb = |name: &str| match name {
        "councils" | "footprints" | "population" => format!("{FIXTURES}/{name}.fgb"),
        _ => format!("{FIXTURES}/demo.gpkg:{name}"),
    };
    each(
        DEMO_COMMANDS,
        |c| c.join(" "),
        |c| same(c, &demo_geojson, &fgb),
    );
}

#[test]
fn the_file_declares_its_coordinate_system() {
    let crs = |layer: &str| {
        let v = json(&["inspect", layer, "--format", "json"]);
        (
            v["crs"].as_str().unwrap_or_default().to_string(),
            v["crs_source"].as_str().unwrap_or_default().to_string(),
        )
    };
    let gpkg = format!("{}/{FIXTURES}/demo.gpkg:councils", repo().display());
    assert_eq!(
        crs(&gpkg),
        (
            "EPSG:4326".into(),
            "gpkg_spatial_ref_sys \"EPSG:4326\"".into()
        )
    );
    let bng = format!("{}/{FIXTURES}/councils_bng.fgb", repo().display());
    assert_eq!(
        crs(&bng),
        (
            "EPSG:27700".into(),
            "FlatGeobuf header \"EPSG:27700\"".into()
        )
    );
    // Reprojected by PROJ, the councils measure as they do from lon/lat, to within 0.01%.
    let areas = |layer: &str| -> Vec<f64> {
        let v = json(&["coterminosity", layer, "--units", layer, "--format", "json"]);
        v["footprints"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| r["area_km2"].as_f64())
                    .collect::<Vec<f64>>()
            })
            .unwrap_or_default()
    };
    let (a, b) = (areas(&demo("councils.geojson")), areas(&bng));
    assert_eq!(a.len(), 8, "{a:?}");
    for (x, y) in a.iter().zip(&b) {
        assert!(
            (x - y).abs() / x < 1e-4,
            "{x} km² from lon/lat, {y} km² from BNG"
        );
    }
}

#[test]
fn a_spatially_indexed_flatgeobuf_lists_features_in_its_own_order() {
    // GDAL writes FlatGeobuf features in the order of its spatial index by default: the same
    // features and findings, listed in the file's order.
    let rows = |layer: &str| -> Vec<String> {
        let out = run(&args(&[
            "overlaps",
            "data/demo/footprints.geojson",
            layer,
            "--format",
            "csv",
        ]));
        common::exits(&out, 0);
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(
        rows(&demo_rel("councils.geojson")),
        rows(&format!("{FIXTURES}/councils_indexed.fgb"))
    );
}

/// Run and require exit 2 with every `needle` in standard error.
fn refused(args: &[String], needles: &[&str]) {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: {n:?} not in {stderr}");
    }
}

#[test]
fn which_layer_of_a_geopackage() {
    let file = format!("{FIXTURES}/demo.gpkg");
    refused(
        &args(&["inspect", &file]),
        &[
            "demo.gpkg: the GeoPackage has 4 polygon layers: ccgs (MULTIPOLYGON), councils",
            "hint: name one: tests/fixtures/formats/demo.gpkg:ccgs",
        ],
    );
    refused(
        &args(&["inspect", &format!("{file}:nope")]),
        &[
            "demo.gpkg:nope: the GeoPackage has no layer \"nope\"",
            "its layers are: ccgs",
        ],
    );
    // Case is forgiven when it picks one layer.
    let out = run(&args(&["inspect", &format!("{file}:COUNCILS")]));
    assert_eq!(out.status.code(), Some(0));
    refused(
        &args(&["inspect", "data/demo/councils.geojson:councils"]),
        &["GeoJSON holds one layer, so `:councils` names nothing in it"],
    );
    refused(
        &args(&["inspect", &format!("{FIXTURES}/councils.fgb:councils")]),
        &["a FlatGeobuf file holds one layer"],
    );
}

#[test]
fn a_geopackage_from_a_pipe() {
    let bytes = std::fs::read(repo().join(FIXTURES).join("demo.gpkg")).unwrap();
    let out = footprint_in_repo()
        .args(["inspect", "/dev/stdin:footprints", "--format", "csv"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    common::exits(&out, 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("feature_count,"));
}

/// A copy of the demo GeoPackage changed by `sql`, in a temporary folder.
fn altered(sql: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("altered.gpkg");
    std::fs::copy(repo().join(FIXTURES).join("demo.gpkg"), &path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    // GDAL's R-tree triggers call its own SQL functions (ST_IsEmpty...), which plain SQLite
    // lacks: drop them (the index is not read).
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{t}\";"))
            .unwrap();
    }
    conn.execute_batch(sql).unwrap();
    drop(conn);
    (dir, path)
}

#[test]
fn a_geopackage_in_another_coordinate_system_is_refused_by_name() {
    let (_dir, path) = altered(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 / Pseudo-Mercator', 3857, 'EPSG', \
         3857, 'PROJCS[\"WGS 84 / Pseudo-Mercator\",GEOGCS[\"WGS 84\"]]', NULL); \
         UPDATE gpkg_geometry_columns SET srs_id = 3857 WHERE table_name = 'councils';",
    );
    let layer = format!("{}:councils", path.display());
    refused(
        &args(&["inspect", &layer]),
        &[
            "unsupported CRS \"EPSG:3857\" in the gpkg_spatial_ref_sys",
            "reproject to EPSG:4326 or EPSG:27700",
        ],
    );
    // --crs overrides a wrong declaration.
    let out = run(&args(&["inspect", &layer, "--crs", "EPSG:4326"]));
    common::exits(&out, 0);
    // A definition in WKT alone (no EPSG code) is read by its name.
    let (_dir, path) = altered(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('BNG', 99, 'NONE', 99, \
         'PROJCS[\"OSGB 1936 / British National Grid\",GEOGCS[\"OSGB 1936\"]]', NULL); \
         UPDATE gpkg_geometry_columns SET srs_id = 99 WHERE table_name = 'councils';",
    );
    refused(
        &args(&["inspect", &format!("{}:councils", path.display())]),
        &["the gpkg_spatial_ref_sys says EPSG:27700 but the coordinates"],
    );
}

#[test]
fn an_sqlite_file_that_is_not_a_geopackage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x');")
        .unwrap();
    drop(conn);
    refused(
        &args(&["inspect", &path.display().to_string()]),
        &["plain.sqlite: this is an SQLite database, not a GeoPackage"],
    );
}

#[test]
fn rows_without_geometry_and_of_other_types_are_accounted_for() {
    let (_dir, path) = altered(
        "UPDATE councils SET geom = NULL WHERE LADCD = 'X07000002'; \
         UPDATE councils SET geom = X'47500001E61000000101000000000000000000F8BF9A99999999194A40' \
         WHERE LADCD = 'X07000003';",
    );
    let v = json(&[
        "inspect",
        &format!("{}:councils", path.display()),
        "--format",
        "json",
    ]);
    assert_eq!(v["feature_count"], 8);
    assert_eq!(v["polygon_count"], 6);
    assert_eq!(v["defects"]["null_geometry"], 1);
    assert_eq!(v["defects"]["not_polygon"], 1);
}

/// Every prefix of a file is an error (exit 2) or a layer, never a crash.
fn every_cut(file: &Path, step: usize) {
    let bytes = std::fs::read(file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut_path = dir.path().join(file.file_name().unwrap());
    let mut cuts: Vec<usize> = (1..bytes.len()).step_by(step).collect();
    cuts.push(bytes.len() - 1);
    for cut in cuts {
        std::fs::write(&cut_path, &bytes[..cut]).unwrap();
        let layer = if file.extension().is_some_and(|e| e == "gpkg") {
            format!("{}:councils", cut_path.display())
        } else {
            cut_path.display().to_string()
        };
        let out = run(&args(&["inspect", &layer]));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{} cut at {cut} of {}: exit {:?}: {stderr}",
            file.display(),
            bytes.len(),
            out.status.code()
        );
        if out.status.code() == Some(2) {
            assert!(stderr.contains("error: "), "{stderr}");
        }
    }
}

#[test]
fn cut_short_files_are_errors_not_crashes() {
    every_cut(&repo().join(FIXTURES).join("councils.fgb"), 397);
    every_cut(&repo().join(FIXTURES).join("demo.gpkg"), 8192);
}

// ---- The real layers, converted with GDAL ----

/// A Python with pyogrio (GDAL), or None with the reason printed. FOOTPRINT_PYTHON names it;
/// else bench/.venv's, else python3. Where the real-data tests must run
/// (FOOTPRINT_REQUIRE_SHARED=1), it must be there too.
fn python_with_gdal() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = std::env::var_os("FOOTPRINT_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            repo().join("bench/.venv/bin/python"),
            PathBuf::from("python3"),
        ])
        .collect();
    for py in &candidates {
        let ok = std::process::Command::new(py)
            .args(["-c", "import pyogrio"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py.clone());
        }
    }
    if std::env::var_os("FOOTPRINT_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!(
            "FOOTPRINT_REQUIRE_SHARED=1 but no Python with pyogrio (tried {candidates:?}); \
             .ci/run installs one into bench/.venv"
        );
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: no Python with pyogrio to convert the real layers (tried {candidates:?}); \
         `python3 -m venv bench/.venv && bench/.venv/bin/pip install pyogrio`"
    );
    None
}

/// Convert each real layer `name` into `dir` as `name.EXT`.
fn convert(py: &Path, england: &Path, dir: &Path, names: &[&str], ext: &str) {
    for name in names {
        let mut cmd = std::process::Command::new(py);
        cmd.arg(repo().join(FIXTURES).join("convert.py"))
            .arg(england.join(format!("{name}.geojson")))
            .arg(dir.join(format!("{name}.{ext}")));
        if ext == "fgb" {
            cmd.arg("SPATIAL_INDEX=NO");
        }
        let out = cmd.output().expect("python runs");
        assert!(
            out.status.success(),
            "converting {name} to {ext}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

const REAL: &[&str] = &["stp21", "ccg21", "ltla21", "ltla19", "msoa11", "lsoa11"];

const REAL_COMMANDS: &[&[&str]] = &[
    &[
        "coterminosity",
        "{stp21}",
        "--units",
        "{ltla21}",
        "--format",
        "csv",
    ],
    &[
        "coterminosity",
        "{stp21}",
        "--units",
        "{ltla21}",
        "--by",
        "footprint",
        "--format",
        "json",
    ],
    &["overlaps", "{ccg21}", "{ltla21}", "--format", "csv"],
    &[
        "overlaps", "{lsoa11}", "{ccg21}", "-t", "0", "--format", "csv",
    ],
    &["validate", "{lsoa11}", "--format", "csv"],
    &["validate", "{stp21}", "--format", "json"],
    &[
        "matrix", "{stp21}", "{ccg21}", "{ltla21}", "--format", "csv",
    ],
    &["changes", "{ltla19}", "{ltla21}", "--format", "csv"],
    &[
        "coterminosity",
        "{stp21}",
        "--units",
        "{ltla21}",
        "--small-areas",
        "{lsoa11}",
        "--by",
        "small-area",
        "--format",
        "csv",
    ],
];

#[test]
fn real_layers_from_geopackage_flatgeobuf_and_shapefile_give_the_geojson_reports() {
    let Some(england) = england() else { return };
    let Some(py) = python_with_gdal() else { return };
    let dir = tempfile::tempdir().unwrap();
    for ext in ["gpkg", "fgb", "shp"] {
        convert(&py, &england, dir.path(), REAL, ext);
        let geojson = |name: &str| {
            england
                .join(format!("{name}.geojson"))
                .display()
                .to_string()
        };
        let other = |name: &str| {
            dir.path()
                .join(format!("{name}.{ext}"))
                .display()
                .to_string()
        };
        each(
            REAL_COMMANDS,
            |c| format!("{ext}: {}", c.join(" ")),
            |c| same(c, &geojson, &other),
        );
        // inspect: the same facts, but for the file and how its system was decided (declared
        // by the file, or read off a GeoJSON's coordinates).
        for name in ["stp21", "lsoa11"] {
            let facts = |layer: &str| {
                let mut v = json(&["inspect", layer, "--format", "json"]);
                let o = v.as_object_mut().expect("an object");
                o.remove("file");
                o.remove("crs_source");
                v.to_string().replace(layer, "LAYER")
            };
            assert_eq!(
                facts(&geojson(name)),
                facts(&other(name)),
                "{ext}: inspect {name}"
            );
        }
    }
}

#[test]
fn an_output_over_the_geopackage_a_layer_comes_from_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("demo.gpkg");
    std::fs::copy(repo().join(FIXTURES).join("demo.gpkg"), &gpkg).unwrap();
    let before = std::fs::read(&gpkg).unwrap();
    let layer = format!("{}:councils", gpkg.display());
    refused(
        &args(&[
            "overlaps",
            &layer,
            "data/demo/footprints.geojson",
            "-o",
            &gpkg.display().to_string(),
        ]),
        &["demo.gpkg: is also an input (the a layer); write the output somewhere else"],
    );
    assert_eq!(
        std::fs::read(&gpkg).unwrap(),
        before,
        "the GeoPackage was changed"
    );
}

#[test]
fn a_bad_geometry_blob_is_an_error_naming_the_layer_and_feature() {
    // The only polygon layer left is councils, chosen without being named.
    let (_dir, path) = altered(
        "DELETE FROM gpkg_geometry_columns WHERE table_name != 'councils'; \
         UPDATE councils SET geom = X'4750000100000000FFFF' WHERE LADCD = 'X07000003';",
    );
    refused(
        &args(&["inspect", &path.display().to_string()]),
        &[
            "altered.gpkg:councils: feature #2: its geometry: byte-order mark 255",
            "hint: fix the geometry, or remove the feature",
        ],
    );
}

/// The demo councils copied into 6,000 rows whose keys leave gaps (so the key ranges the
/// reader splits the table into hold different numbers of rows), each with a code of its own.
const BIG_COUNCILS: &str = "DELETE FROM gpkg_geometry_columns WHERE table_name != 'councils'; \
     WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 750) \
     INSERT INTO councils (fid, geom, LADCD, LADNM) \
     SELECT 100 + k * 8 + fid + (CASE WHEN k > 300 THEN 20000 ELSE 0 END), geom, \
            LADCD || '-' || k, LADNM FROM councils, n; \
     DELETE FROM councils WHERE fid <= 8;";

#[test]
fn a_big_geopackage_is_read_in_key_order_whichever_thread_reads_a_row() {
    use footprint::layer::{load, LoadOptions};
    let (_dir, path) = altered(BIG_COUNCILS);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let codes: Vec<String> = conn
        .prepare("SELECT LADCD FROM councils ORDER BY fid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);
    assert_eq!(codes.len(), 6000);
    let layer = load(&path, &LoadOptions::default()).unwrap();
    let got: Vec<(usize, &str)> = layer
        .features
        .iter()
        .map(|f| (f.index, f.code.as_str()))
        .collect();
    let want: Vec<(usize, &str)> = codes.iter().map(String::as_str).enumerate().collect();
    assert_eq!(got, want);
    // The same ground as the eight councils, 750 times over.
    let demo = load(
        &repo().join(FIXTURES).join("demo.gpkg:councils"),
        &LoadOptions::default(),
    )
    .unwrap();
    let area = |l: &footprint::layer::Layer| l.features.iter().map(|f| f.area_m2).sum::<f64>();
    assert!((area(&layer) / area(&demo) - 750.0).abs() < 1e-6);
}

#[test]
fn a_bad_geometry_late_in_a_big_geopackage_is_named_by_its_place_in_the_file() {
    // Row 5,000 of 6,000 in key order, far into one of the later key ranges.
    let (_dir, path) = altered(&format!(
        "{BIG_COUNCILS} UPDATE councils SET geom = X'4750000100000000FFFF' WHERE fid = \
         (SELECT fid FROM councils ORDER BY fid LIMIT 1 OFFSET 5000);"
    ));
    refused(
        &args(&["inspect", &path.display().to_string()]),
        &["altered.gpkg:councils: feature #5000: its geometry: byte-order mark 255"],
    );
}

#[test]
fn damaged_files_are_errors_not_crashes() {
    // Bytes overwritten at 300 places each (a fixed pseudo-random walk): every load ends in a
    // layer or an error, never a panic.
    use footprint::layer::{load_bytes, LoadOptions};
    for name in ["councils.fgb", "population.fgb", "demo.gpkg"] {
        let good = std::fs::read(repo().join(FIXTURES).join(name)).unwrap();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..300 {
            let mut bytes = good.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
            let path = Path::new(name);
            let loaded = std::panic::catch_unwind(|| {
                let _ = load_bytes(path, &bytes, &LoadOptions::default());
            });
            assert!(
                loaded.is_ok(),
                "{name}: a damaged copy made the loader panic"
            );
        }
    }
}
