//! GeoPackage layers (OGC 12-128r18): one feature table of an SQLite file, its coordinate
//! system from `gpkg_spatial_ref_sys`, its geometries as GeoPackage blobs (a header, then WKB).

use std::path::Path;

use rayon::prelude::*;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

use super::raw::{Properties, RawDocument, RawFeature, RawGeometry};
use super::rings::{prep, Prepped};
use super::source::Opened;
use super::wkb;
use crate::error::LoadError;

/// Where a GeoPackage declares its coordinate systems, for messages.
const CRS_BY: &str = "gpkg_spatial_ref_sys";

/// A feature table, as `gpkg_geometry_columns` describes it.
struct Table {
    name: String,
    geometry: String,
    /// `POLYGON`, `MULTIPOLYGON`, `GEOMETRY`, ...
    kind: String,
    srs_id: i64,
}

/// Read layer `inner` of the GeoPackage (or its only polygon layer). SQLite reads a file on
/// disk: `file` when it is a regular file, else a temporary copy of `bytes`.
pub(super) fn read(
    path: &Path,
    file: Option<&Path>,
    inner: Option<&str>,
    bytes: &[u8],
) -> Result<Opened, LoadError> {
    let err = |message: String, hint: &str| LoadError::new(path, None, message, hint);
    let copy;
    let db = match file.filter(|f| f.is_file()) {
        Some(f) => f,
        None => {
            // A pipe, or bytes from nowhere: SQLite needs a file.
            copy = temp_copy(bytes).map_err(|e| {
                err(
                    format!("cannot keep a copy of this GeoPackage to read it: {e}"),
                    "save it to a file and name the file",
                )
            })?;
            copy.path()
        }
    };
    let unreadable = |e: rusqlite::Error| {
        err(
            format!("this is an SQLite file, but it cannot be read as one: {e}"),
            "check the file is whole (a GeoPackage is written by e.g. QGIS or ogr2ogr -f GPKG)",
        )
    };
    let conn = Connection::open_with_flags(db, read_only()).map_err(unreadable)?;
    let worded = |e: Choice| match e {
        Choice::Sql(e) => unreadable(e),
        Choice::Refused(e) => e,
    };
    let table = choose_table(path, &conn, inner).map_err(worded)?;
    let crs_name = crs_name(&conn, table.srs_id).map_err(unreadable)?;
    // A feature's errors name the layer, even when it was not named.
    let named = match inner {
        Some(_) => path.to_path_buf(),
        None => std::path::PathBuf::from(format!("{}:{}", path.display(), table.name)),
    };
    let read = features(&named, db, &conn, &table, crs_name).map_err(worded)?;
    Ok(Opened {
        doc: read.doc,
        crs_by: CRS_BY,
        prepped: read.prepped,
    })
}

fn temp_copy(bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    use std::io::Write as _;
    let mut copy = tempfile::Builder::new()
        .prefix(".footprint-")
        .suffix(".gpkg")
        .tempfile()?;
    copy.write_all(bytes)?;
    copy.flush()?;
    Ok(copy)
}

/// An SQL failure, or a refusal worded for the user.
enum Choice {
    Sql(rusqlite::Error),
    Refused(LoadError),
}

impl From<rusqlite::Error> for Choice {
    fn from(e: rusqlite::Error) -> Choice {
        Choice::Sql(e)
    }
}

/// Geometry types that hold polygons.
fn is_polygonal(kind: &str) -> bool {
    matches!(
        kind.to_ascii_uppercase().as_str(),
        "POLYGON" | "MULTIPOLYGON" | "CURVEPOLYGON" | "MULTISURFACE" | "SURFACE"
    )
}

/// The table named, or the only polygon table (or the only feature table of all).
fn choose_table(path: &Path, conn: &Connection, inner: Option<&str>) -> Result<Table, Choice> {
    let refuse =
        |message: String, hint: String| Choice::Refused(LoadError::new(path, None, message, &hint));
    let has_contents: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') \
             AND name = 'gpkg_geometry_columns'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)?;
    if !has_contents {
        return Err(refuse(
            "this is an SQLite database, not a GeoPackage (it has no gpkg_geometry_columns \
             table)"
                .into(),
            "name a GeoPackage (.gpkg), or convert the data, e.g. `ogr2ogr -f GPKG OUT.gpkg IN`"
                .into(),
        ));
    }
    let mut stmt = conn.prepare(
        "SELECT table_name, column_name, geometry_type_name, srs_id \
         FROM gpkg_geometry_columns ORDER BY table_name",
    )?;
    let mut tables: Vec<Table> = stmt
        .query_map([], |r| {
            Ok(Table {
                name: r.get(0)?,
                geometry: r.get(1)?,
                kind: r.get(2)?,
                srs_id: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let listing = |tables: &[&Table]| {
        tables
            .iter()
            .map(|t| format!("{} ({})", t.name, t.kind))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let all: Vec<&Table> = tables.iter().collect();
    let file = path.display();
    if let Some(inner) = inner {
        let exact = tables.iter().position(|t| t.name == inner);
        let folded: Vec<usize> = (0..tables.len())
            .filter(|&i| tables[i].name.eq_ignore_ascii_case(inner))
            .collect();
        let found = exact.or(match folded[..] {
            [one] => Some(one),
            _ => None,
        });
        return match found {
            Some(i) => Ok(tables.swap_remove(i)),
            None => Err(refuse(
                format!("the GeoPackage has no layer {inner:?}"),
                if all.is_empty() {
                    "it has no feature layers at all".into()
                } else {
                    format!("its layers are: {}", listing(&all))
                },
            )),
        };
    }
    let polygonal: Vec<usize> = (0..tables.len())
        .filter(|&i| is_polygonal(&tables[i].kind))
        .collect();
    let pick = match (&polygonal[..], tables.len()) {
        ([one], _) => *one,
        ([], 1) => 0,
        ([], 0) => {
            return Err(refuse(
                "the GeoPackage has no feature layers".into(),
                "it may hold only tables or tiles: name a GeoPackage of polygons".into(),
            ))
        }
        ([], _) => {
            return Err(refuse(
                format!(
                    "the GeoPackage has no polygon layer; its layers are: {}",
                    listing(&all)
                ),
                format!("name one as {file}:LAYER if it holds polygons under another type"),
            ))
        }
        (_, _) => {
            let several: Vec<&Table> = polygonal.iter().map(|&i| &tables[i]).collect();
            return Err(refuse(
                format!(
                    "the GeoPackage has {} polygon layers: {}",
                    several.len(),
                    listing(&several)
                ),
                format!("name one: {file}:{}", several[0].name),
            ));
        }
    };
    Ok(tables.swap_remove(pick))
}

/// The coordinate system of `srs_id`, as a name (`EPSG:27700`) or a WKT definition; `None`
/// when the GeoPackage leaves it undefined.
fn crs_name(conn: &Connection, srs_id: i64) -> Result<Option<String>, rusqlite::Error> {
    let row = conn.query_row(
        "SELECT organization, organization_coordsys_id, definition \
         FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [srs_id],
        |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        },
    );
    let (org, id, definition) = match row {
        Ok(row) => row,
        Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(None),
        Err(e) => return Err(e),
    };
    if let (Some(org), Some(id)) = (&org, id) {
        if org.eq_ignore_ascii_case("EPSG") && id > 0 {
            return Ok(Some(format!("EPSG:{id}")));
        }
    }
    Ok(definition.filter(|d| {
        let d = d.trim();
        !d.is_empty() && !d.eq_ignore_ascii_case("undefined")
    }))
}

/// Double quotes for an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Tables whose primary key spans at least this many values are read in ranges of it, each
/// on a connection of its own and checked as it is read, on every thread.
const RANGED_FROM: i64 = 4096;

/// The features of a table, and their checked geometry when they were checked as read.
struct Features {
    doc: RawDocument,
    prepped: Option<Vec<Prepped>>,
}

/// The query that reads a table's rows: its geometry, then its attributes.
struct Select<'a> {
    /// `SELECT geometry, attributes... FROM table`, without a condition or an order.
    sql: String,
    attributes: Vec<&'a str>,
    /// The attributes in the order properties keep their keys.
    in_order: Vec<usize>,
}

/// Rows read as features, and their checked geometry when checked as read.
type Rows = (Vec<RawFeature>, Vec<Prepped>);

/// Why a row could not be read: SQLite failed, or the row's geometry (by its position among
/// the rows read) is not one.
enum RowError {
    Sql(rusqlite::Error),
    Geometry(usize, String),
}

impl From<rusqlite::Error> for RowError {
    fn from(e: rusqlite::Error) -> RowError {
        RowError::Sql(e)
    }
}

/// Every row of the table, in primary-key order, as features. A table with an integer
/// primary key over [`RANGED_FROM`] values is read in ranges of it on every thread (SQLite
/// reading, WKB parsing and checking all run there), else in one query here.
fn features(
    path: &Path,
    db: &Path,
    conn: &Connection,
    table: &Table,
    crs_name: Option<String>,
) -> Result<Features, Choice> {
    // Columns: the geometry, an integer primary key (the fid), and the attributes.
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({})", quoted(&table.name)))?;
    let columns: Vec<(String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get(5)?)))?
        .collect::<Result<_, _>>()?;
    if !columns.iter().any(|(n, _, _)| *n == table.geometry) {
        return Err(Choice::Refused(LoadError::new(
            path,
            None,
            format!(
                "layer {:?} has no column {:?}, which gpkg_geometry_columns names as its geometry",
                table.name, table.geometry
            ),
            "the GeoPackage is inconsistent: write it again, e.g. with ogr2ogr -f GPKG",
        )));
    }
    let pk = columns
        .iter()
        .find(|(_, kind, pk)| *pk == 1 && kind.eq_ignore_ascii_case("INTEGER"))
        .map(|(n, _, _)| n.clone());
    let attributes: Vec<&str> = columns
        .iter()
        .map(|(n, _, _)| n.as_str())
        .filter(|n| *n != table.geometry && Some(*n) != pk.as_deref())
        .collect();
    let select: Vec<String> = std::iter::once(table.geometry.as_str())
        .chain(attributes.iter().copied())
        .map(quoted)
        .collect();
    let mut in_order: Vec<usize> = (0..attributes.len()).collect();
    in_order.sort_by_key(|&k| attributes[k]);
    let query = Select {
        sql: format!("SELECT {} FROM {}", select.join(", "), quoted(&table.name)),
        attributes,
        in_order,
    };
    // A row's failure, its index counted from `offset` (the rows before its range).
    let refused = |e: RowError, offset: usize| match e {
        RowError::Sql(e) => Choice::Sql(e),
        RowError::Geometry(i, m) => Choice::Refused(LoadError::new(
            path,
            Some(offset + i),
            format!("its geometry: {m}"),
            "fix the geometry, or remove the feature",
        )),
    };
    let ranges = match &pk {
        Some(pk) => key_ranges(conn, table, pk)?,
        None => Vec::new(),
    };
    let (Some(pk), false) = (&pk, ranges.is_empty()) else {
        let order = pk
            .as_deref()
            .map(|pk| format!(" ORDER BY {}", quoted(pk)))
            .unwrap_or_default();
        let mut stmt = conn.prepare(&format!("{}{order}", query.sql))?;
        let mut rows = stmt.query([])?;
        let (features, _) = read_rows(&mut rows, &query, false).map_err(|e| refused(e, 0))?;
        return Ok(Features {
            doc: RawDocument { crs_name, features },
            prepped: None,
        });
    };
    let sql = format!(
        "{} WHERE {pk} >= ?1 AND {pk} <= ?2 ORDER BY {pk}",
        query.sql,
        pk = quoted(pk)
    );
    let read: Vec<Result<Rows, RowError>> = ranges
        .into_par_iter()
        .map(|(lo, hi)| {
            let conn = Connection::open_with_flags(db, read_only())?;
            conn.pragma_update(None, "mmap_size", 1i64 << 40)?;
            let mut stmt = conn.prepare(&sql)?;
            let mut rows = stmt.query([lo, hi])?;
            read_rows(&mut rows, &query, true)
        })
        .collect();
    // In key order; a row's index is its place among all the rows, and the first failure in
    // that order is the one reported, as when the table is read in one query.
    let n = read
        .iter()
        .map(|r| r.as_ref().map_or(0, |(f, _)| f.len()))
        .sum();
    let (mut features, mut prepped) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for range in read {
        let offset = features.len();
        let (raw, checked) = range.map_err(|e| refused(e, offset))?;
        features.extend(raw.into_iter().map(|mut f| {
            f.index += offset;
            f
        }));
        prepped.extend(checked);
    }
    Ok(Features {
        doc: RawDocument { crs_name, features },
        prepped: Some(prepped),
    })
}

/// How a GeoPackage is opened: to read, by one thread per connection.
fn read_only() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// Ranges of the primary key `pk` (inclusive, together its whole span) to read the table in,
/// a few per thread; none when the span is under [`RANGED_FROM`] or there is one thread.
fn key_ranges(conn: &Connection, table: &Table, pk: &str) -> Result<Vec<(i64, i64)>, Choice> {
    // Two queries: SQLite finds a lone min() or max() of the key in its index, but reads the
    // whole table for both at once (10 ms of LSOA11's 90, on one thread).
    let end = |f: &str| -> Result<Option<i64>, rusqlite::Error> {
        conn.query_row(
            &format!("SELECT {f}({}) FROM {}", quoted(pk), quoted(&table.name)),
            [],
            |r| r.get(0),
        )
    };
    let (lo, hi) = (end("min")?, end("max")?);
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(Vec::new());
    };
    let span = i128::from(hi) - i128::from(lo) + 1;
    let threads = rayon::current_num_threads();
    if span < i128::from(RANGED_FROM) || threads < 2 || crate::one_thread() {
        return Ok(Vec::new());
    }
    let count = 4 * threads as i128;
    let step = (span + count - 1) / count;
    Ok((0..count)
        .map(|k| i128::from(lo) + k * step)
        .take_while(|&start| start <= i128::from(hi))
        .map(|start| {
            let end = (start + step - 1).min(i128::from(hi));
            // Both within lo..=hi, so within i64.
            (start as i64, end as i64)
        })
        .collect())
}

/// Rows as features numbered from 0; with `check`, each checked as soon as it is read.
fn read_rows(rows: &mut rusqlite::Rows, query: &Select, check: bool) -> Result<Rows, RowError> {
    let (mut features, mut prepped) = (Vec::new(), Vec::new());
    while let Some(row) = rows.next()? {
        let index = features.len();
        let bad = |m: String| RowError::Geometry(index, m);
        let geometry = match row.get_ref(0)? {
            ValueRef::Null => None,
            ValueRef::Blob(blob) => match wkb::gpkg_blob(blob).map_err(bad)? {
                // Flagged empty: an empty polygon, skipped as such.
                None => Some(RawGeometry {
                    kind: Some("Polygon".into()),
                    ..Default::default()
                }),
                // The layer's srs_id decides; a blob's own is not looked at (as in GDAL).
                Some((wkb, _srs_id)) => Some(wkb::parse(wkb).map_err(bad)?),
            },
            _ => return Err(bad("it is not a blob".into())),
        };
        let mut properties = Properties::with_capacity(query.attributes.len());
        for &k in &query.in_order {
            properties.insert(query.attributes[k].to_string(), value(row.get_ref(k + 1)?));
        }
        let mut feature = RawFeature::new(index, properties, geometry);
        if check {
            prepped.push(prep(&mut feature));
        }
        features.push(feature);
    }
    Ok((features, prepped))
}

/// An SQLite value as a property: numbers and text as themselves; a blob (which no code or
/// name can be) as null.
pub(super) fn value(v: ValueRef) -> Value {
    match v {
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
    }
}
