//! GeoPackage output for QGIS: one feature table of polygons in a GeoPackage 1.3 file, in
//! WGS84 lon/lat (EPSG:4326) or British National Grid metres (EPSG:27700).
//!
//! The polygons are the GeoJSON writer's: put on the same grid and cleaned and counted the
//! same way ([`geojson_out::grid_features`]), so a GeoJSON and a GeoPackage of one layer hold
//! the same coordinates (the WKB doubles are the numbers a reader parses from the GeoJSON
//! text). In British National Grid they are rounded to the millimetre instead.
//!
//! The file holds what GDAL and QGIS look for: `application_id` "GPKG" and `user_version`
//! 10300; `gpkg_spatial_ref_sys` with the required -1, 0 and 4326 rows (and 27700 in British
//! National Grid); `gpkg_contents` and `gpkg_geometry_columns`; the feature table (`fid`,
//! `geom`, then one column per property, typed from the values); and an R*Tree spatial index
//! (`gpkg_rtree_index`) with the standard triggers that keep it right when the layer is
//! edited. Geometries are GeoPackage blobs: the "GP" header with the little-endian flag and
//! an [minx, maxx, miny, maxy] envelope, then ISO WKB, little-endian.

use std::path::Path;

use anyhow::{bail, Context, Result};
use geo::Polygon;
use rusqlite::types::Value as Sql;
use rusqlite::{params, Connection};
use serde_json::{Map, Value};

use super::geojson_out::{self, Grid, GridPolygon, Written};

/// The geometry column's name.
const GEOM: &str = "geom";

/// EPSG:4326 as GDAL writes it in `gpkg_spatial_ref_sys` (OGC WKT 1).
const WKT_4326: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,\
298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,\
AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],\
AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

/// EPSG:27700 (OGC WKT 1).
const WKT_27700: &str = "PROJCS[\"OSGB36 / British National Grid\",GEOGCS[\"OSGB36\",\
DATUM[\"Ordnance_Survey_of_Great_Britain_1936\",SPHEROID[\"Airy 1830\",6377563.396,299.3249646,\
AUTHORITY[\"EPSG\",\"7001\"]],AUTHORITY[\"EPSG\",\"6277\"]],PRIMEM[\"Greenwich\",0,\
AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],\
AUTHORITY[\"EPSG\",\"4277\"]],PROJECTION[\"Transverse_Mercator\"],\
PARAMETER[\"latitude_of_origin\",49],PARAMETER[\"central_meridian\",-2],\
PARAMETER[\"scale_factor\",0.9996012717],PARAMETER[\"false_easting\",400000],\
PARAMETER[\"false_northing\",-100000],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],\
AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"27700\"]]";

/// The `srs_id` of a grid's coordinates.
pub fn srs_id(on: Grid) -> i32 {
    match on {
        Grid::Wgs84 => 4326,
        Grid::Bng => 27700,
    }
}

/// A table name from a file name: its stem, with every character but ASCII letters, digits
/// and `_` made `_`; prefixed `layer_` when it would start with a digit or a reserved prefix
/// (`gpkg_`, `rtree_`, `sqlite_`), `layer` when nothing is left.
///
/// ```
/// use footprint::report::gpkg_out::table_name;
/// use std::path::Path;
/// assert_eq!(table_name(Path::new("out/LSOA x CCG.gpkg")), "LSOA_x_CCG");
/// assert_eq!(table_name(Path::new("2021.GPKG")), "layer_2021");
/// ```
pub fn table_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = stem
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' => c,
            _ => '_',
        })
        .collect();
    let lower = name.to_ascii_lowercase();
    if name.is_empty() {
        "layer".into()
    } else if name.starts_with(|c: char| c.is_ascii_digit())
        || ["gpkg_", "rtree_", "sqlite_"]
            .iter()
            .any(|p| lower.starts_with(p))
    {
        format!("layer_{name}")
    } else {
        name
    }
}

/// One feature as it will be written.
struct Row {
    props: Map<String, Value>,
    polygons: Vec<GridPolygon>,
}

/// The SQL type of a property column, from its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    /// Only nulls so far.
    Unknown,
    Boolean,
    Integer,
    Real,
    Text,
}

impl ColumnType {
    fn of(v: &Value) -> ColumnType {
        match v {
            Value::Null => ColumnType::Unknown,
            Value::Bool(_) => ColumnType::Boolean,
            Value::Number(n) if n.is_i64() => ColumnType::Integer,
            Value::Number(_) => ColumnType::Real,
            _ => ColumnType::Text,
        }
    }

    /// The type that holds values of both.
    fn merge(self, other: ColumnType) -> ColumnType {
        use ColumnType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Unknown, b) => b,
            (a, Unknown) => a,
            (Integer, Real) | (Real, Integer) => Real,
            _ => Text,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            ColumnType::Boolean => "BOOLEAN",
            ColumnType::Integer => "INTEGER",
            ColumnType::Real => "REAL",
            ColumnType::Unknown | ColumnType::Text => "TEXT",
        }
    }

    /// A property value as stored in a column of this type.
    fn value(self, v: Option<&Value>) -> Sql {
        let Some(v) = v else {
            return Sql::Null;
        };
        match (self, v) {
            (_, Value::Null) => Sql::Null,
            (ColumnType::Boolean, Value::Bool(b)) => Sql::Integer(i64::from(*b)),
            (ColumnType::Integer, Value::Number(n)) => match n.as_i64() {
                Some(i) => Sql::Integer(i),
                None => Sql::Real(n.as_f64().unwrap_or(f64::NAN)),
            },
            (ColumnType::Real, Value::Number(n)) => Sql::Real(n.as_f64().unwrap_or(f64::NAN)),
            (_, Value::String(s)) => Sql::Text(s.clone()),
            (_, other) => Sql::Text(other.to_string()),
        }
    }
}

/// `name` quoted as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Write the features (label, properties, polygons in British National Grid) as the layer
/// `table` of a new GeoPackage at `path` (an empty or absent file: the caller stages it),
/// on the grid `on`: `POLYGON` when `single` and every feature kept one part, else
/// `MULTIPOLYGON`. What the grid removed or dropped is counted as the GeoJSON writer counts
/// it.
pub fn write_features<'a>(
    path: &Path,
    table: &str,
    features: impl Iterator<Item = (String, Map<String, Value>, &'a [Polygon<f64>])>,
    single: bool,
    on: Grid,
) -> Result<Written> {
    let mut rows = Vec::new();
    let written = geojson_out::grid_features(features, on, |props, g| {
        rows.push(Row {
            props,
            polygons: g.polygons,
        });
        Ok(())
    })?;
    let result = write_rows(path, table, &rows, single, on);
    if let Err(e) = result {
        // SQLite keeps no journal here (journal_mode OFF), but be sure none is left.
        let mut journal = path.as_os_str().to_owned();
        journal.push("-journal");
        let _ = std::fs::remove_file(journal);
        return Err(explained(e));
    }
    Ok(written)
}

/// SQLite's I/O errors say "disk I/O error" and no more: say what usually causes them.
fn explained(e: anyhow::Error) -> anyhow::Error {
    use rusqlite::ffi::ErrorCode;
    let io = e.chain().any(|c| {
        matches!(
            c.downcast_ref::<rusqlite::Error>(),
            Some(rusqlite::Error::SqliteFailure(f, _))
                if matches!(f.code, ErrorCode::SystemIoFailure | ErrorCode::DiskFull)
        )
    });
    match io {
        true => e.context(
            "SQLite could not write the GeoPackage: check that the disk has room and that no \
             file-size limit (ulimit -f) applies",
        ),
        false => e.context("SQLite could not write the GeoPackage"),
    }
}

fn write_rows(path: &Path, table: &str, rows: &[Row], single: bool, on: Grid) -> Result<()> {
    // The columns, in the order the first features give them, typed from every value.
    let mut columns: Vec<(String, ColumnType)> = Vec::new();
    for row in rows {
        for (k, v) in &row.props {
            match columns.iter_mut().find(|(name, _)| name == k) {
                Some((_, t)) => *t = t.merge(ColumnType::of(v)),
                None => columns.push((k.clone(), ColumnType::of(v))),
            }
        }
    }
    if let Some((name, _)) = columns
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("fid") || name.eq_ignore_ascii_case(GEOM))
    {
        bail!("a property is named {name}, the name of the GeoPackage's own column");
    }
    let multi = !(single && rows.iter().all(|r| r.polygons.len() == 1));
    let srs = srs_id(on);

    let mut db = Connection::open(path).context("cannot open it with SQLite")?;
    // A new file written once: no journal (a failure removes the whole file instead), and
    // the caller flushes it to disk when it is complete.
    db.execute_batch(
        "PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA application_id = 1196444487;
         PRAGMA user_version = 10300;",
    )?;
    let tx = db.transaction()?;
    create_metadata(&tx, on)?;

    let t = quoted(table);
    let mut ddl = format!(
        "CREATE TABLE {t} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {GEOM} {}",
        if multi { "MULTIPOLYGON" } else { "POLYGON" }
    );
    for (name, ty) in &columns {
        ddl.push_str(&format!(", {} {}", quoted(name), ty.sql()));
    }
    ddl.push(')');
    tx.execute(&ddl, [])?;
    let rtree = quoted(&format!("rtree_{table}_{GEOM}"));
    tx.execute(
        &format!("CREATE VIRTUAL TABLE {rtree} USING rtree(id, minx, maxx, miny, maxy)"),
        [],
    )?;

    let mut bounds: Option<[f64; 4]> = None;
    {
        let names: String = columns
            .iter()
            .map(|(n, _)| format!(", {}", quoted(n)))
            .collect();
        let marks: String = columns.iter().map(|_| ", ?").collect();
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {t} ({GEOM}{names}) VALUES (?{marks})"
        ))?;
        let mut index = tx.prepare(&format!("INSERT INTO {rtree} VALUES (?, ?, ?, ?, ?)"))?;
        for row in rows {
            let (blob, env) = geometry_blob(srs, &row.polygons, multi, on);
            let mut values = Vec::with_capacity(columns.len() + 1);
            values.push(Sql::Blob(blob));
            values.extend(columns.iter().map(|(n, ty)| ty.value(row.props.get(n))));
            insert.execute(rusqlite::params_from_iter(values))?;
            let fid = tx.last_insert_rowid();
            index.execute(params![fid, env[0], env[1], env[2], env[3]])?;
            bounds = Some(match bounds {
                None => env,
                Some(b) => [
                    b[0].min(env[0]),
                    b[1].max(env[1]),
                    b[2].min(env[2]),
                    b[3].max(env[3]),
                ],
            });
        }
    }

    let b = bounds.map(|b| b.map(Some)).unwrap_or([None; 4]);
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change,
             min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, '', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?2, ?3, ?4, ?5, ?6)",
        params![table, b[0], b[2], b[1], b[3], srs],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, ?4, 0, 0)",
        params![
            table,
            GEOM,
            if multi { "MULTIPOLYGON" } else { "POLYGON" },
            srs
        ],
    )?;
    tx.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, ?2, 'gpkg_rtree_index',
             'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![table, GEOM],
    )?;
    // The triggers of the spec's R*Tree extension, for editors (QGIS) that change the layer
    // later; they are created after the rows, which were indexed above (they call the
    // ST_ functions GDAL provides, which plain SQLite lacks).
    tx.execute_batch(&rtree_triggers(table))?;
    tx.commit()?;
    db.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// The GeoPackage's own tables, and the coordinate systems it may refer to.
fn create_metadata(tx: &rusqlite::Transaction, on: Grid) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (
             srs_name TEXT NOT NULL,
             srs_id INTEGER PRIMARY KEY,
             organization TEXT NOT NULL,
             organization_coordsys_id INTEGER NOT NULL,
             definition TEXT NOT NULL,
             description TEXT
         );
         CREATE TABLE gpkg_contents (
             table_name TEXT NOT NULL PRIMARY KEY,
             data_type TEXT NOT NULL,
             identifier TEXT UNIQUE,
             description TEXT DEFAULT '',
             last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
             min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
             srs_id INTEGER,
             CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
         );
         CREATE TABLE gpkg_geometry_columns (
             table_name TEXT NOT NULL,
             column_name TEXT NOT NULL,
             geometry_type_name TEXT NOT NULL,
             srs_id INTEGER NOT NULL,
             z TINYINT NOT NULL,
             m TINYINT NOT NULL,
             CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
             CONSTRAINT uk_gc_table_name UNIQUE (table_name),
             CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
             CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
         );
         CREATE TABLE gpkg_tile_matrix_set (
             table_name TEXT NOT NULL PRIMARY KEY,
             srs_id INTEGER NOT NULL,
             min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL,
             CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
             CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
         );
         CREATE TABLE gpkg_tile_matrix (
             table_name TEXT NOT NULL,
             zoom_level INTEGER NOT NULL,
             matrix_width INTEGER NOT NULL,
             matrix_height INTEGER NOT NULL,
             tile_width INTEGER NOT NULL,
             tile_height INTEGER NOT NULL,
             pixel_x_size DOUBLE NOT NULL,
             pixel_y_size DOUBLE NOT NULL,
             CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
             CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name)
         );
         CREATE TABLE gpkg_extensions (
             table_name TEXT,
             column_name TEXT,
             extension_name TEXT NOT NULL,
             definition TEXT NOT NULL,
             scope TEXT NOT NULL,
             CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
         );",
    )?;
    let mut srs = tx.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)")?;
    srs.execute(params![
        "Undefined cartesian SRS",
        -1,
        "NONE",
        -1,
        "undefined",
        "undefined cartesian coordinate reference system"
    ])?;
    srs.execute(params![
        "Undefined geographic SRS",
        0,
        "NONE",
        0,
        "undefined",
        "undefined geographic coordinate reference system"
    ])?;
    srs.execute(params![
        "WGS 84 geodetic",
        4326,
        "EPSG",
        4326,
        WKT_4326,
        "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
    ])?;
    if on == Grid::Bng {
        srs.execute(params![
            "OSGB36 / British National Grid",
            27700,
            "EPSG",
            27700,
            WKT_27700,
            "British National Grid eastings and northings in metres"
        ])?;
    }
    Ok(())
}

/// The R*Tree extension's triggers (GeoPackage 1.3, F.3) for `table`'s geometry column.
fn rtree_triggers(table: &str) -> String {
    let t = quoted(table);
    let r = quoted(&format!("rtree_{table}_{GEOM}"));
    let name = |suffix: &str| quoted(&format!("rtree_{table}_{GEOM}_{suffix}"));
    let c = GEOM;
    let insert = format!(
        "INSERT OR REPLACE INTO {r} VALUES (NEW.fid, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), \
         ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}));"
    );
    format!(
        "CREATE TRIGGER {} AFTER INSERT ON {t}
           WHEN (NEW.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c}))
         BEGIN {insert} END;
         CREATE TRIGGER {} AFTER UPDATE OF {c} ON {t}
           WHEN OLD.fid = NEW.fid AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
         BEGIN {insert} END;
         CREATE TRIGGER {} AFTER UPDATE OF {c} ON {t}
           WHEN OLD.fid = NEW.fid AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
         BEGIN DELETE FROM {r} WHERE id = OLD.fid; END;
         CREATE TRIGGER {} AFTER UPDATE ON {t}
           WHEN OLD.fid != NEW.fid AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
         BEGIN DELETE FROM {r} WHERE id = OLD.fid; {insert} END;
         CREATE TRIGGER {} AFTER UPDATE ON {t}
           WHEN OLD.fid != NEW.fid AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
         BEGIN DELETE FROM {r} WHERE id IN (OLD.fid, NEW.fid); END;
         CREATE TRIGGER {} AFTER DELETE ON {t}
           WHEN OLD.{c} NOT NULL
         BEGIN DELETE FROM {r} WHERE id = OLD.fid; END;",
        name("insert"),
        name("update1"),
        name("update2"),
        name("update3"),
        name("update4"),
        name("delete"),
    )
}

/// A GeoPackage geometry blob (header with envelope, then ISO WKB, little-endian) and its
/// envelope [minx, maxx, miny, maxy].
fn geometry_blob(srs: i32, polygons: &[GridPolygon], multi: bool, on: Grid) -> (Vec<u8>, [f64; 4]) {
    let points: usize = polygons
        .iter()
        .flat_map(|p| p.0.iter())
        .map(|r| r.len() + 1)
        .sum();
    let mut b = Vec::with_capacity(40 + 9 + polygons.len() * 9 + points * 16);
    // Envelope, from the grid units (rounding to coordinates keeps their order).
    let (mut x0, mut x1, mut y0, mut y1) = (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
    for &(x, y) in polygons.iter().flat_map(|p| p.0.iter()).flatten() {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let env = [x0, x1, y0, y1].map(|i| on.coordinate(i));
    b.extend_from_slice(b"GP");
    b.push(0); // version 1
    b.push(0b0000_0011); // envelope [minx, maxx, miny, maxy]; little-endian
    b.extend_from_slice(&srs.to_le_bytes());
    for v in env {
        b.extend_from_slice(&v.to_le_bytes());
    }
    if multi {
        b.push(1);
        b.extend_from_slice(&6u32.to_le_bytes());
        b.extend_from_slice(&(polygons.len() as u32).to_le_bytes());
        for p in polygons {
            wkb_polygon(&mut b, p, on);
        }
    } else if let Some(p) = polygons.first() {
        wkb_polygon(&mut b, p, on);
    }
    (b, env)
}

/// One WKB Polygon (little-endian), rings closed.
fn wkb_polygon(b: &mut Vec<u8>, p: &GridPolygon, on: Grid) {
    b.push(1);
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&(p.0.len() as u32).to_le_bytes());
    for ring in &p.0 {
        b.extend_from_slice(&(ring.len() as u32 + 1).to_le_bytes());
        for &(x, y) in ring.iter().chain(ring.first()) {
            b.extend_from_slice(&on.coordinate(x).to_le_bytes());
            b.extend_from_slice(&on.coordinate(y).to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_with_a_hole_as_a_blob() {
        let shell = vec![(0, 0), (10_000, 0), (10_000, 20_000), (0, 20_000)];
        let hole = vec![(1000, 1000), (1000, 2000), (2000, 2000)];
        let p = GridPolygon(vec![shell, hole]);
        let (b, env) = geometry_blob(27700, std::slice::from_ref(&p), false, Grid::Bng);
        assert_eq!(&b[..4], b"GP\x00\x03");
        assert_eq!(i32::from_le_bytes(b[4..8].try_into().unwrap()), 27700);
        assert_eq!(env, [0.0, 10.0, 0.0, 20.0]);
        // Header 40, then byte order, type, ring count; 5 and 4 points of 16 bytes.
        assert_eq!(b.len(), 40 + 9 + 4 + 5 * 16 + 4 + 4 * 16);
        assert_eq!(b[40], 1);
        assert_eq!(u32::from_le_bytes(b[41..45].try_into().unwrap()), 3);
        let (_, env) = geometry_blob(27700, &[p.clone(), p], true, Grid::Bng);
        assert_eq!(env[1], 10.0);
    }

    #[test]
    fn column_types_merge() {
        use ColumnType::*;
        assert_eq!(Unknown.merge(Integer), Integer);
        assert_eq!(Integer.merge(Real), Real);
        assert_eq!(Integer.merge(Text), Text);
        assert_eq!(Boolean.merge(Integer), Text);
        assert_eq!(Real.value(Some(&serde_json::json!(3))), Sql::Real(3.0));
    }
}
