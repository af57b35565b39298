//! Shapefiles, plain and zipped: the same reports as from the GeoJSON they were converted from
//! (the demo region's fixtures in tests/fixtures/formats, made by its make.py), and errors
//! that name the file and say what to do. The real ONS layers as Shapefiles are compared in
//! tests/formats.rs, with the other formats.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{footprint, footprint_in_repo};

const FORMATS: &str = "tests/fixtures/formats";

fn fixture(name: &str) -> String {
    format!("{FORMATS}/{name}")
}

fn run_in_repo(args: &[&str]) -> Output {
    footprint_in_repo().args(args).output().expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A report with its layers' names replaced (`from` -> `to`), and a CRS declared by the .prj
/// written as the coordinates' decision (the GeoJSON originals declare none).
fn normalised(out: &[u8], names: &[(&str, &str)]) -> String {
    let mut s = text(out);
    for (from, to) in names {
        s = s.replace(from, to);
    }
    s.replace("\".prj \"\"GCS_WGS_1984\"\"\"", "coordinate ranges")
        .replace(".prj \\\"GCS_WGS_1984\\\"", "coordinate ranges")
        .replace(".prj \"GCS_WGS_1984\"", "coordinate ranges")
}

/// Tables pad their columns to the longest name: compare them with runs of spaces and
/// dashes as one.
fn squeezed(s: &str) -> String {
    s.lines()
        .map(|l| {
            l.split_whitespace()
                .filter(|w| !w.chars().all(|c| c == '-'))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Run `args` with the GeoJSON originals and again with each layer replaced as `swaps` says
/// (original -> Shapefile); the reports, exit codes and warnings must be the same.
fn same_report(args: &[&str], swaps: &[(&str, &str)]) {
    let geojson = run_in_repo(args);
    let swapped: Vec<&str> = args
        .iter()
        .map(|a| swaps.iter().find(|(g, _)| g == a).map_or(*a, |(_, s)| *s))
        .collect();
    let shp = run_in_repo(&swapped);
    let back: Vec<(&str, &str)> = swaps.iter().map(|(g, s)| (*s, *g)).collect();
    assert_eq!(
        geojson.status.code(),
        shp.status.code(),
        "{swapped:?}: {}",
        text(&shp.stderr)
    );
    assert!(
        matches!(geojson.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        text(&geojson.stderr)
    );
    let (a, b) = (text(&geojson.stdout), normalised(&shp.stdout, &back));
    let table = !args.contains(&"--format");
    if table {
        assert_eq!(squeezed(&a), squeezed(&b), "{swapped:?}");
    } else {
        assert_eq!(a, b, "{swapped:?}");
    }
    assert_eq!(
        text(&geojson.stderr),
        normalised(&shp.stderr, &back),
        "{swapped:?}: warnings"
    );
}

const COUNCILS: &str = "data/demo/councils.geojson";
const FOOTPRINTS: &str = "data/demo/footprints.geojson";

/// Every way the councils come as a Shapefile.
fn councils_as_shapefiles() -> Vec<String> {
    vec![
        fixture("councils.shp"),
        fixture("councils_shp.zip"),
        fixture("two_layers.zip:councils/councils.shp"),
        fixture("councils_noprj.shp"),
    ]
}

#[test]
fn inspect_validate_overlaps_and_coterminosity_match_the_geojson() {
    let footprints_shp = fixture("two_layers.zip:footprints/footprints.shp");
    for councils in councils_as_shapefiles() {
        for format in [None, Some("csv"), Some("json")] {
            let with = |args: &[&'static str]| -> Vec<&'static str> {
                let mut v = args.to_vec();
                if let Some(f) = format {
                    v.extend(["--format", f]);
                }
                v
            };
            let both = [
                (COUNCILS, councils.as_str()),
                (FOOTPRINTS, footprints_shp.as_str()),
            ];
            same_report(&with(&["inspect", COUNCILS]), &both);
            same_report(&with(&["validate", COUNCILS, "-q"]), &both);
            same_report(&with(&["overlaps", FOOTPRINTS, COUNCILS, "-q"]), &both);
            same_report(
                &with(&["coterminosity", FOOTPRINTS, "--units", COUNCILS, "-q"]),
                &both,
            );
            // One layer of each kind.
            same_report(
                &with(&["coterminosity", FOOTPRINTS, "--units", COUNCILS, "-q"]),
                &both[..1],
            );
        }
    }
}

#[test]
fn a_zip_of_one_geojson_reads_as_the_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let zipped = dir.path().join("councils_geojson.zip");
    {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        w.start_file("README.txt", options).unwrap();
        w.write_all(b"boundaries").unwrap();
        w.start_file("data/councils.geojson", options).unwrap();
        w.write_all(&std::fs::read(common::repo().join(COUNCILS)).unwrap())
            .unwrap();
        w.finish().unwrap();
    }
    let zipped = zipped.to_str().unwrap().to_string();
    for args in [
        vec!["inspect", COUNCILS, "--format", "csv"],
        vec!["validate", COUNCILS, "--format", "json", "-q"],
    ] {
        same_report(&args, &[(COUNCILS, zipped.as_str())]);
        let named = format!("{zipped}:councils.geojson");
        same_report(&args, &[(COUNCILS, named.as_str())]);
    }
}

#[test]
fn weights_from_a_zipped_point_shapefile_match_the_csv() {
    let points = fixture("population_shp.zip");
    same_report(
        &[
            "coterminosity",
            FOOTPRINTS,
            "--units",
            COUNCILS,
            "--weights",
            "data/demo/population.csv",
            "--format",
            "csv",
            "-q",
        ],
        &[("data/demo/population.csv", points.as_str())],
    );
}

#[test]
fn the_crs_is_declared_by_the_prj_or_decided_by_the_coordinates() {
    let o = run_in_repo(&["inspect", &fixture("councils.shp"), "--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["crs"], "EPSG:4326");
    assert_eq!(r["crs_source"], ".prj \"GCS_WGS_1984\"");
    let o = run_in_repo(&[
        "inspect",
        &fixture("councils_noprj.shp"),
        "--format",
        "json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["crs_source"], "coordinate ranges");
}

#[test]
fn welsh_names_come_through_in_utf8_and_in_latin1() {
    // named_cy has a .cpg of UTF-8; named_cy_latin1 neither a .cpg nor a language driver,
    // and bytes that are not UTF-8: read as ISO-8859-1.
    for layer in ["named_cy.shp", "named_cy_latin1.shp"] {
        let o = run_in_repo(&[
            "coterminosity",
            FOOTPRINTS,
            "--units",
            &fixture(layer),
            "--format",
            "csv",
            "-q",
        ]);
        let out = text(&o.stdout);
        assert!(out.contains("Ynys Môn"), "{layer}:\n{out}");
        assert!(
            !out.contains('\u{FFFD}') && !out.contains("Ã"),
            "{layer}:\n{out}"
        );
    }
}

/// Exit 2, and stderr names `file` and holds every one of `says`.
fn refused(args: &[&str], file: &str, says: &[&str]) {
    let o = footprint().args(args).output().expect("runs");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}:\n{err}");
    assert!(err.contains(file), "{args:?} does not name {file}:\n{err}");
    assert!(err.contains("hint:"), "{args:?} says what to do:\n{err}");
    for s in says {
        assert!(err.contains(s), "{args:?} does not say {s:?}:\n{err}");
    }
    assert!(o.stdout.is_empty(), "{args:?} printed a report");
}

fn copy_fixture(dir: &Path, stem: &str, exts: &[&str]) -> PathBuf {
    let repo = common::repo();
    for ext in exts {
        std::fs::copy(
            repo.join(FORMATS).join(format!("councils.{ext}")),
            dir.join(format!("{stem}.{ext}")),
        )
        .unwrap();
    }
    dir.join(format!("{stem}.shp"))
}

#[test]
fn errors_name_the_file_and_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let two = common::repo().join(fixture("two_layers.zip"));
    let two = two.to_str().unwrap();
    refused(
        &["inspect", two],
        two,
        &[
            "the zip holds 2 Shapefiles: councils/councils.shp, footprints/footprints.shp",
            &format!("name one as {two}:councils/councils.shp"),
        ],
    );
    refused(
        &["inspect", &format!("{two}:nowhere.shp")],
        two,
        &["the zip holds no \"nowhere.shp\""],
    );

    // A zip without a Shapefile or any other layer file.
    let none = dir.path().join("download.zip");
    {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(std::fs::File::create(&none).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        w.start_file("lookup.csv", options).unwrap();
        w.write_all(b"LSOA11CD,LAD21CD\n").unwrap();
        w.start_file("README.txt", options).unwrap();
        w.write_all(b"boundaries").unwrap();
        w.finish().unwrap();
    }
    let none = none.to_str().unwrap();
    refused(
        &["inspect", none],
        none,
        &["this is a zip without a .shp; it holds: lookup.csv, README.txt"],
    );

    // A .shp without its .dbf.
    let alone = copy_fixture(dir.path(), "alone", &["shp", "shx", "prj"]);
    let alone = alone.to_str().unwrap();
    refused(
        &["inspect", alone],
        alone,
        &["its .dbf", "alone.dbf", "keep the .dbf"],
    );

    // A .prj of a system footprint does not read.
    let mercator = copy_fixture(dir.path(), "mercator", &["shp", "shx", "dbf"]);
    std::fs::write(
        dir.path().join("mercator.prj"),
        "PROJCS[\"WGS_1984_Web_Mercator_Auxiliary_Sphere\",GEOGCS[\"GCS_WGS_1984\",\
         DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],\
         PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],\
         PROJECTION[\"Mercator_Auxiliary_Sphere\"],PARAMETER[\"False_Easting\",0.0],\
         PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",0.0],\
         PARAMETER[\"Standard_Parallel_1\",0.0],PARAMETER[\"Auxiliary_Sphere_Type\",0.0],\
         UNIT[\"Meter\",1.0]]",
    )
    .unwrap();
    let mercator = mercator.to_str().unwrap();
    refused(
        &["inspect", mercator],
        mercator,
        &[
            "WGS_1984_Web_Mercator_Auxiliary_Sphere",
            ".prj",
            "EPSG:27700",
        ],
    );

    // .shp and .dbf of different layers.
    let mixed = copy_fixture(dir.path(), "mixed", &["shp", "shx", "prj"]);
    let dbf = std::fs::read(common::repo().join(FORMATS).join("councils.dbf")).unwrap();
    // The councils' .dbf with one record fewer.
    let mut short = dbf.clone();
    short[4] -= 1;
    let record_len = u16::from_le_bytes([dbf[10], dbf[11]]) as usize;
    short.truncate(short.len() - 1 - record_len);
    std::fs::write(dir.path().join("mixed.dbf"), short).unwrap();
    let mixed = mixed.to_str().unwrap();
    refused(
        &["inspect", mixed],
        mixed,
        &["the .shp has 8 records but the .dbf has 7"],
    );

    // An output over one of the Shapefile's files.
    let over = copy_fixture(dir.path(), "over", &["shp", "shx", "dbf", "prj", "cpg"]);
    let over_dbf = dir.path().join("over.dbf");
    let before = std::fs::read(&over_dbf).unwrap();
    let o = footprint()
        .args(["validate", over.to_str().unwrap(), "--format", "csv", "-o"])
        .arg(&over_dbf)
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("{}: is also an input", over_dbf.display())),
        "{err}"
    );
    assert_eq!(std::fs::read(&over_dbf).unwrap(), before);
}
