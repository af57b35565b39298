//! GeoPackage output (`--pieces`, `build -o`, `validate --polygons` with a name ending in
//! .gpkg): each layer is written as GeoJSON and as a GeoPackage on the demo region and the two
//! compared. The GeoPackage is opened with SQLite and checked table by table (application id,
//! version, spatial reference systems, contents and bounds, geometry columns, the R*Tree
//! index), its blobs decoded (GeoPackage header and ISO WKB, by hand here), and each feature's
//! properties and coordinates compared with the GeoJSON's: the same doubles in WGS84, metres
//! on the millimetre grid with --gpkg-crs bng. A real reader (GDAL, by pyogrio) opens them too
//! when it is installed. A failed write leaves nothing, an output over an input is refused.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{england, footprint, repo};
use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use serde_json::{Map, Value};

/// Written straight to stderr so the reason shows in a normal `cargo test` run.
fn skip(why: &str) {
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// A feature's rings: polygons, each a list of closed rings of (x, y).
type Rings = Vec<Vec<Vec<(f64, f64)>>>;

/// A temporary directory with copies of the demo data.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in fs::read_dir(repo().join("data/demo")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "geojson" || e == "csv") {
            fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// The three polygon outputs on the demo, as arguments writing to `out` (a file name).
fn command(kind: &str, out: &str) -> Vec<String> {
    let args: Vec<&str> = match kind {
        "pieces" => vec![
            "overlaps",
            "trusts.geojson",
            "footprints.geojson",
            "-f",
            "csv",
            "-o",
            "report.csv",
            "--pieces",
            out,
        ],
        "build" => vec![
            "build",
            "ccgs.geojson",
            "--mapping",
            "ccg_footprints.csv",
            "-f",
            "csv",
            "-o",
            out,
        ],
        "validate" => vec![
            "validate",
            "footprints.geojson",
            "--extent",
            "councils.geojson",
            "-f",
            "csv",
            "-o",
            "report.csv",
            "--polygons",
            out,
        ],
        _ => unreachable!(),
    };
    args.into_iter().map(String::from).collect()
}

/// Run in `dir`; the exit code and stderr.
fn run(dir: &Path, args: &[String]) -> (Option<i32>, String) {
    let out = footprint()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Write `kind`'s layer to `out` in `dir`; its stderr. Validate exits 1 (the demo fails).
fn write(dir: &Path, kind: &str, out: &str, extra: &[&str]) -> String {
    let mut args = command(kind, out);
    args.extend(extra.iter().map(|s| s.to_string()));
    let (code, stderr) = run(dir, &args);
    assert!(
        code == Some(0) || (kind == "validate" && code == Some(1)),
        "{args:?}: {code:?} {stderr}"
    );
    stderr
}

fn geojson(path: &Path) -> Vec<(Map<String, Value>, Rings)> {
    let v: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    let ring = |r: &Value| -> Vec<(f64, f64)> {
        r.as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect()
    };
    let polygon =
        |p: &Value| -> Vec<Vec<(f64, f64)>> { p.as_array().unwrap().iter().map(ring).collect() };
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let g = &f["geometry"];
            let c = &g["coordinates"];
            let rings = match g["type"].as_str().unwrap() {
                "Polygon" => vec![polygon(c)],
                "MultiPolygon" => c.as_array().unwrap().iter().map(polygon).collect(),
                t => panic!("geometry type {t}"),
            };
            (f["properties"].as_object().unwrap().clone(), rings)
        })
        .collect()
}

/// A little-endian reader over a blob.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().unwrap())
    }
    fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.take(8).try_into().unwrap())
    }
}

/// One WKB Polygon (little-endian, 2D).
fn wkb_polygon(b: &mut Bytes) -> Vec<Vec<(f64, f64)>> {
    assert_eq!(b.u8(), 1, "little-endian WKB");
    assert_eq!(b.u32(), 3, "a WKB Polygon");
    (0..b.u32())
        .map(|_| (0..b.u32()).map(|_| (b.f64(), b.f64())).collect())
        .collect()
}

/// A GeoPackage geometry blob: its srs_id, envelope [minx, maxx, miny, maxy], WKB type and
/// rings.
fn decode(blob: &[u8]) -> (i32, [f64; 4], u32, Rings) {
    let mut b = Bytes(blob);
    assert_eq!(b.take(2), b"GP");
    assert_eq!(b.u8(), 0, "GeoPackage blob version 1");
    let flags = b.u8();
    assert_eq!(flags & 1, 1, "little-endian header");
    assert_eq!((flags >> 1) & 7, 1, "envelope [minx, maxx, miny, maxy]");
    assert_eq!(flags & 0b0011_0000, 0, "not empty, standard geometry");
    let srs = b.u32() as i32;
    let env = [b.f64(), b.f64(), b.f64(), b.f64()];
    let rest = b.0;
    let mut peek = Bytes(rest);
    assert_eq!(peek.u8(), 1, "little-endian WKB");
    let ty = peek.u32();
    let rings = match ty {
        3 => vec![wkb_polygon(&mut b)],
        6 => {
            b.take(5);
            (0..b.u32()).map(|_| wkb_polygon(&mut b)).collect()
        }
        t => panic!("WKB type {t}"),
    };
    assert!(b.0.is_empty(), "{} bytes after the geometry", b.0.len());
    (srs, env, ty, rings)
}

/// What a GeoPackage holds, read with SQLite after checking its tables.
struct Gpkg {
    srs_id: i32,
    /// Properties (as JSON) and rings of each feature, by fid.
    features: Vec<(Map<String, Value>, Rings)>,
}

fn gpkg(path: &Path, table: &str, srs_id: i32) -> Gpkg {
    let db = Connection::open(path).unwrap();
    let pragma = |p: &str| -> i64 {
        db.query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(pragma("application_id"), 0x4750_4B47, "application_id GPKG");
    assert_eq!(pragma("user_version"), 10300);
    assert_eq!(
        db.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "ok"
    );
    let mut srs: Vec<(i64, String, i64)> = db
        .prepare("SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys ORDER BY srs_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut want = vec![
        (-1, "NONE".to_string(), -1),
        (0, "NONE".to_string(), 0),
        (4326, "EPSG".to_string(), 4326),
    ];
    if srs_id == 27700 {
        want.push((27700, "EPSG".to_string(), 27700));
        let wkt: String = db
            .query_row(
                "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = 27700",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            wkt.starts_with("PROJCS[\"OSGB36 / British National Grid\"")
                && wkt.ends_with("AUTHORITY[\"EPSG\",\"27700\"]]"),
            "{wkt}"
        );
    }
    srs.sort();
    assert_eq!(srs, want);

    let contents: (String, String, String, f64, f64, f64, f64, i32) = db
        .query_row(
            "SELECT table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        (&contents.0[..], &contents.1[..], &contents.2[..]),
        (table, "features", table)
    );
    assert_eq!(contents.7, srs_id);
    let (column, type_name, gsrs, z, m): (String, String, i32, i64, i64) = db
        .query_row(
            "SELECT column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns WHERE table_name = ?1",
            [table],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!((&column[..], gsrs, z, m), ("geom", srs_id, 0, 0));
    assert!(
        type_name == "POLYGON" || type_name == "MULTIPOLYGON",
        "{type_name}"
    );
    let ext: String = db
        .query_row(
            "SELECT extension_name FROM gpkg_extensions WHERE table_name = ?1 AND column_name = 'geom'",
            [table],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ext, "gpkg_rtree_index");

    // The feature table: fid, geom, then the properties.
    let mut stmt = db
        .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY fid"))
        .unwrap();
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    assert_eq!(&names[..2], ["fid", "geom"]);
    let mut rows = stmt.query([]).unwrap();
    let mut features = Vec::new();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    while let Some(row) = rows.next().unwrap() {
        let fid: i64 = row.get(0).unwrap();
        assert_eq!(fid, features.len() as i64 + 1);
        let blob: Vec<u8> = row.get(1).unwrap();
        let (srs, env, ty, rings) = decode(&blob);
        assert_eq!(srs, srs_id);
        assert_eq!(ty, if type_name == "POLYGON" { 3 } else { 6 });
        // The envelope is the geometry's, and the index holds it (as 32-bit floats, rounded
        // outwards).
        let pts = || rings.iter().flatten().flatten();
        let fold = |f: fn(f64, f64) -> f64, s: f64, y: bool| {
            pts().map(|p| if y { p.1 } else { p.0 }).fold(s, f)
        };
        assert_eq!(
            env,
            [
                fold(f64::min, f64::MAX, false),
                fold(f64::max, f64::MIN, false),
                fold(f64::min, f64::MAX, true),
                fold(f64::max, f64::MIN, true),
            ]
        );
        let (a, b, c, d): (f64, f64, f64, f64) = db
            .query_row(
                &format!("SELECT minx, maxx, miny, maxy FROM \"rtree_{table}_geom\" WHERE id = ?1"),
                [fid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert!(a <= env[0] && b >= env[1] && c <= env[2] && d >= env[3]);
        let near = |got: f64, want: f64| (got - want).abs() <= want.abs() * 2.4e-7;
        assert!(near(a, env[0]) && near(b, env[1]) && near(c, env[2]) && near(d, env[3]));
        x0 = x0.min(env[0]);
        x1 = x1.max(env[1]);
        y0 = y0.min(env[2]);
        y1 = y1.max(env[3]);
        let mut props = Map::new();
        for (k, name) in names.iter().enumerate().skip(2) {
            let v = match row.get::<_, Sql>(k).unwrap() {
                Sql::Null => Value::Null,
                Sql::Integer(i) => Value::from(i),
                Sql::Real(f) => Value::from(f),
                Sql::Text(t) => Value::from(t),
                Sql::Blob(_) => panic!("a blob property"),
            };
            props.insert(name.clone(), v);
        }
        features.push((props, rings));
    }
    let count: i64 = db
        .query_row(
            &format!("SELECT count(*) FROM \"rtree_{table}_geom\""),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(count as usize, features.len());
    assert_eq!(
        [contents.3, contents.4, contents.5, contents.6],
        [x0, y0, x1, y1]
    );
    Gpkg {
        srs_id: contents.7,
        features,
    }
}

/// JSON values equal, numbers compared as numbers (3 and 3.0 are one value).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn same_props(a: &Map<String, Value>, b: &Map<String, Value>) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in a {
        assert!(same_value(v, &b[k]), "{k}: {v} vs {}", b[k]);
    }
}

/// The WGS84 GeoPackage at `path` holds the GeoJSON's features: the same properties, and the
/// same coordinates bit for bit (the WKB doubles are what a reader parses from the GeoJSON
/// text); a Polygon of the GeoJSON may be a one-part MultiPolygon there.
fn same_as_geojson(path: &Path, table: &str, json: &[(Map<String, Value>, Rings)]) {
    let wgs = gpkg(path, table, 4326);
    assert_eq!(wgs.srs_id, 4326);
    assert_eq!(wgs.features.len(), json.len());
    for ((gp, gr), (jp, jr)) in wgs.features.iter().zip(json) {
        same_props(gp, jp);
        assert_eq!(gr, jr, "{jp:?}");
    }
}

/// The GeoPackage of `kind` in WGS84 holds the GeoJSON's features, properties and
/// coordinates exactly; in British National Grid the same features on the millimetre grid.
fn compare(kind: &str) {
    let dir = workspace();
    let d = dir.path();
    write(d, kind, "layer.geojson", &[]);
    let stderr = write(d, kind, "layer.gpkg", &[]);
    assert!(!stderr.contains("error"), "{stderr}");
    write(d, kind, "layer_bng.GPKG", &["--gpkg-crs", "bng"]);
    let json = geojson(&d.join("layer.geojson"));
    assert!(!json.is_empty());

    same_as_geojson(&d.join("layer.gpkg"), "layer", &json);

    let bng = gpkg(&d.join("layer_bng.GPKG"), "layer_bng", 27700);
    assert_eq!(bng.srs_id, 27700);
    assert_eq!(bng.features.len(), json.len());
    for ((gp, gr), (jp, jr)) in bng.features.iter().zip(&json) {
        same_props(gp, jp);
        assert_eq!(gr.len(), jr.len(), "{jp:?}");
        for (gpoly, jpoly) in gr.iter().zip(jr) {
            assert_eq!(gpoly.len(), jpoly.len(), "{jp:?}");
            for &(x, y) in gpoly.iter().flatten() {
                // Metres on the millimetre grid, within the demo's region.
                assert!((0.0..700_000.0).contains(&x) && (0.0..1_300_000.0).contains(&y));
                assert!(((x * 1e3).round() - x * 1e3).abs() < 1e-6, "{x}");
                assert!(((y * 1e3).round() - y * 1e3).abs() < 1e-6, "{y}");
            }
            // The same outline: its box within about a centimetre of the GeoJSON's.
            let boxed = |pts: &mut dyn Iterator<Item = (f64, f64)>| {
                pts.fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, (x, y)| {
                    [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
                })
            };
            let mine = boxed(
                &mut gpoly[0]
                    .iter()
                    .map(|&(x, y)| footprint::project::bng_to_wgs84(x, y)),
            );
            let theirs = boxed(&mut jpoly[0].iter().copied());
            for k in 0..4 {
                assert!((mine[k] - theirs[k]).abs() < 3e-7, "{mine:?} {theirs:?}");
            }
        }
    }
    real_reader(d, "layer.gpkg", "layer", 4326, "layer.geojson");
    real_reader(d, "layer_bng.GPKG", "layer_bng", 27700, "layer.geojson");
}

/// A Python with pyogrio (GDAL), or None with the reason printed.
fn pyogrio() -> Option<PathBuf> {
    let candidates = [
        repo().join("bench/.venv/bin/python"),
        PathBuf::from("/work/venv/bin/python"),
    ];
    for p in &candidates {
        let works = Command::new(p)
            .args(["-c", "import pyogrio, shapely"])
            .output()
            .is_ok_and(|o| o.status.success());
        if works {
            return Some(p.clone());
        }
    }
    skip(&format!(
        "no Python with pyogrio and shapely at {} or {}: the GeoPackages were not opened with GDAL",
        candidates[0].display(),
        candidates[1].display()
    ));
    None
}

/// GDAL (pyogrio) opens the file: one layer, the CRS, the GeoJSON's features, all valid.
fn real_reader(dir: &Path, file: &str, layer: &str, epsg: u32, geojson: &str) {
    let Some(python) = pyogrio() else {
        return;
    };
    let out = Command::new(python)
        .current_dir(dir)
        .arg(repo().join("bench/check_gpkg.py"))
        .args([file, layer, &epsg.to_string(), geojson])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = writeln!(std::io::stderr(), "{}", said.trim_end());
}

#[test]
fn pieces_as_geopackage_hold_the_geojson_pieces() {
    compare("pieces");
}

#[test]
fn built_footprints_as_geopackage_hold_the_geojson_footprints() {
    compare("build");
}

#[test]
fn validate_polygons_as_geopackage_hold_the_geojson_gaps_and_overlaps() {
    compare("validate");
}

#[test]
fn validate_polygons_are_the_findings_with_an_area() {
    let dir = workspace();
    let d = dir.path();
    write(d, "validate", "problems.gpkg", &[]);
    let g = gpkg(&d.join("problems.gpkg"), "problems", 4326);
    let csv = fs::read_to_string(d.join("report.csv")).unwrap();
    let with_area = csv
        .lines()
        .skip(1)
        .filter(|l| {
            l.starts_with("gap,") || l.starts_with("overlap,") || l.starts_with("outside_extent,")
        })
        .count();
    assert_eq!(g.features.len(), with_area);
    let first = &g.features[0].0;
    assert_eq!(first["kind"], "overlap");
    assert_eq!(first["code"], "X54000002");
    assert_eq!(first["other_code"], "X54000003");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["area_km2"].as_f64(), Some(233.571804));
}

#[test]
fn bng_is_refused_for_geojson_and_without_a_polygon_output() {
    let dir = workspace();
    let d = dir.path();
    for (args, says) in [
        (
            vec![
                "overlaps",
                "trusts.geojson",
                "footprints.geojson",
                "--pieces",
                "p.geojson",
                "--gpkg-crs",
                "bng",
            ],
            "--pieces goes to p.geojson, a GeoJSON file, and GeoJSON is WGS84 lon/lat only",
        ),
        (
            vec![
                "overlaps",
                "trusts.geojson",
                "footprints.geojson",
                "-o",
                "r.csv",
                "--pieces",
                "-",
                "--gpkg-crs",
                "bng",
            ],
            "--pieces goes to standard output, which takes GeoJSON only",
        ),
        (
            vec![
                "overlaps",
                "trusts.geojson",
                "footprints.geojson",
                "--gpkg-crs",
                "bng",
            ],
            "there is no --pieces; add --pieces OUT.gpkg",
        ),
        (
            vec!["validate", "footprints.geojson", "--gpkg-crs", "wgs84"],
            "there is no --polygons",
        ),
        (
            vec![
                "build",
                "ccgs.geojson",
                "--mapping",
                "ccg_footprints.csv",
                "-o",
                "-",
                "--gpkg-crs",
                "bng",
            ],
            "-o goes to standard output",
        ),
    ] {
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        let (code, stderr) = run(d, &args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let left: Vec<_> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("p.") || n.starts_with("r.") || n.starts_with(".footprint-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Without --gpkg-crs, `-` stays GeoJSON.
    let out = footprint()
        .current_dir(d)
        .args([
            "overlaps",
            "trusts.geojson",
            "footprints.geojson",
            "-q",
            "-o",
            "r.csv",
            "--pieces",
            "-",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.starts_with(b"{\"type\":\"FeatureCollection\""));
}

fn temps(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".footprint-") || n.ends_with("-journal"))
        .collect()
}

#[test]
fn a_failed_geopackage_write_leaves_no_file_and_keeps_the_old_one() {
    let dir = workspace();
    let d = dir.path();
    // Over a file-size limit (SIGXFSZ is ignored: the write fails). The report itself goes to
    // standard output and fits.
    for kind in ["pieces", "build", "validate"] {
        let args = command(kind, "layer.gpkg").join("\" \"");
        let script = format!("ulimit -f 20; exec \"$0\" \"{args}\"");
        let run = |d: &Path| {
            Command::new("sh")
                .current_dir(d)
                .args(["-c", &script])
                .arg(assert_cmd::cargo::cargo_bin("footprint"))
                .output()
                .unwrap()
        };
        let out = run(d);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{kind}: {stderr}");
        assert!(
            stderr.contains("layer.gpkg: writing failed; nothing was written")
                && stderr.contains("ulimit -f"),
            "{kind}: {stderr}"
        );
        assert_eq!(temps(d), Vec::<String>::new(), "{kind}");
        assert!(!d.join("layer.gpkg").exists(), "{kind}");
        assert!(
            !d.join("report.csv").exists(),
            "{kind}: the report went without the layer"
        );
        // An existing file is left as it was.
        fs::write(d.join("layer.gpkg"), b"old").unwrap();
        let out = run(d);
        assert_eq!(out.status.code(), Some(2), "{kind}");
        assert_eq!(fs::read(d.join("layer.gpkg")).unwrap(), b"old", "{kind}");
        assert_eq!(temps(d), Vec::<String>::new(), "{kind}");
        fs::remove_file(d.join("layer.gpkg")).unwrap();
    }
}

#[test]
fn a_geopackage_over_an_input_or_into_a_pipe_is_refused() {
    let dir = workspace();
    let d = dir.path();
    // An input by another name: a .gpkg link to the trusts layer.
    std::os::unix::fs::symlink("trusts.geojson", d.join("trusts.gpkg")).unwrap();
    let before = fs::read(d.join("trusts.geojson")).unwrap();
    let args: Vec<String> = command("pieces", "trusts.gpkg");
    let (code, stderr) = run(d, &args);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("trusts.gpkg: is also an input (the a layer)"),
        "{stderr}"
    );
    assert_eq!(fs::read(d.join("trusts.geojson")).unwrap(), before);
    let (code, stderr) = run(
        d,
        &[
            "build",
            "ccgs.geojson",
            "--mapping",
            "ccg_footprints.csv",
            "-o",
            "ccgs.geojson",
        ]
        .map(String::from),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is also an input"), "{stderr}");

    // SQLite writes in place: a FIFO cannot take a GeoPackage (and nothing waits on it).
    let fifo = d.join("pipe.gpkg");
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        return skip("mkfifo failed");
    }
    let (code, stderr) = run(d, &command("validate", "pipe.gpkg"));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "pipe.gpkg: a GeoPackage cannot be written to standard output, a pipe or a device"
        ),
        "{stderr}"
    );
    assert_eq!(temps(d), Vec::<String>::new());
}

#[test]
fn a_geopackage_replaces_an_older_one_whole() {
    let dir = workspace();
    let d = dir.path();
    write(d, "build", "layer.gpkg", &[]);
    let first = gpkg(&d.join("layer.gpkg"), "layer", 4326).features.len();
    // The same name again, in the other CRS: a new file, not a second layer in the old one.
    write(d, "build", "layer.gpkg", &["--gpkg-crs", "bng"]);
    let g = gpkg(&d.join("layer.gpkg"), "layer", 27700);
    assert_eq!(g.features.len(), first);
    assert_eq!(temps(d), Vec::<String>::new());
}

#[test]
fn real_pieces_as_geopackage_hold_the_geojson_pieces() {
    // LSOA11 x CCG21: 33009 pieces, one of which the 7-decimal grid splits in two, so the
    // layer is MULTIPOLYGON where the GeoJSON mixes Polygon and MultiPolygon.
    let Some(e) = england() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for out in ["pieces.geojson", "pieces.gpkg"] {
        let args = [
            "overlaps",
            &e.join("lsoa11.geojson").display().to_string(),
            &e.join("ccg21.geojson").display().to_string(),
            "-q",
            "-o",
            "report.csv",
            "--pieces",
            out,
        ]
        .map(String::from);
        let (code, stderr) = run(d, &args);
        assert_eq!(code, Some(0), "{stderr}");
    }
    let json = geojson(&d.join("pieces.geojson"));
    same_as_geojson(&d.join("pieces.gpkg"), "pieces", &json);
    real_reader(d, "pieces.gpkg", "pieces", 4326, "pieces.geojson");
}
