//! Shapefiles (ESRI Shapefile Technical Description, 1998): the geometries of a `.shp`, the
//! attributes of its `.dbf` (dBase III), its coordinate system from the `.prj` (WKT) and the
//! text encoding of its attributes from the `.cpg`, or else the `.dbf`'s language driver.
//!
//! Both files are read here from bytes in memory (beside it on disk, or out of a zip), not
//! with the `shapefile` crate's readers: the layouts are fixed and small, every offset is
//! checked, so a cut or corrupt file is an error that says where, never a panic; and the
//! rings come out as stored (the crate's conversion to `geo` types groups and orients them
//! its own way). The `.shx` index is not needed: records follow one another in the `.shp`.
//!
//! Nothing is repaired: rings are grouped into polygons (below) and given as stored, and the
//! common code closes, validates and orients them as it does GeoJSON's.

use std::path::Path;

use geo::Coord;
use rayon::prelude::*;
use serde_json::{Map, Number, Value};
use shapefile::dbase::encoding_rs::{self, Encoding};

use super::raw::{RawDocument, RawFeature, RawGeometry};
use super::source::Opened;
use crate::error::LoadError;

/// Where a Shapefile declares its coordinate system, for messages.
pub(super) const CRS_BY: &str = ".prj";

/// The files of one Shapefile, read into memory.
pub(super) struct Parts<'a> {
    pub(super) shp: &'a [u8],
    pub(super) dbf: &'a [u8],
    /// The `.prj`'s text (WKT), if there is one.
    pub(super) prj: Option<String>,
    /// The `.cpg`'s text (an encoding name such as `UTF-8` or `1252`), if there is one.
    pub(super) cpg: Option<String>,
}

/// Read a Shapefile: one feature per record of the `.shp`, with the `.dbf` record of the same
/// position as its properties.
pub(super) fn read(path: &Path, parts: Parts) -> Result<Opened, LoadError> {
    let shp_error = |index: Option<usize>, m: String| {
        LoadError::new(
            path,
            index,
            format!("the .shp cannot be read: {m}"),
            "check the file is whole (a Shapefile is written by e.g. QGIS or ogr2ogr)",
        )
    };
    let records = records(parts.shp).map_err(|(index, m)| shp_error(index, m))?;
    let table = Table::parse(parts.dbf, parts.cpg.as_deref()).map_err(|m| {
        LoadError::new(
            path,
            None,
            format!("the .dbf cannot be read: {m}"),
            "check the file is whole; it holds the attributes (codes and names) of the .shp",
        )
    })?;
    if table.count != records.len() {
        return Err(LoadError::new(
            path,
            None,
            format!(
                "the .shp has {} records but the .dbf has {}",
                records.len(),
                table.count
            ),
            "the two files must come from the same Shapefile: copy them again together",
        ));
    }
    // Each record's shape and attributes on the rayon threads; the first error in file order
    // is the one reported.
    let decoded: Vec<Result<Option<RawFeature>, LoadError>> = records
        .par_iter()
        .enumerate()
        .map(|(index, content)| {
            let geometry = shape(content).map_err(|m| shp_error(Some(index), m))?;
            let record = table.record(index).map_err(|m| {
                LoadError::new(
                    path,
                    Some(index),
                    format!("its attributes in the .dbf: {m}"),
                    "fix the record, or write the Shapefile again (e.g. with ogr2ogr)",
                )
            })?;
            // A record marked deleted in the .dbf is not a feature (as GDAL reads it).
            Ok(record.map(|properties| RawFeature::new(index, properties.into(), geometry)))
        })
        .collect();
    let mut features = Vec::with_capacity(decoded.len());
    for feature in decoded {
        features.extend(feature?);
    }
    let crs_name = parts
        .prj
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    Ok(Opened {
        doc: RawDocument { crs_name, features },
        crs_by: CRS_BY,
        prepped: None,
    })
}

// ---------------------------------------------------------------------------------------------
// The .shp
// ---------------------------------------------------------------------------------------------

fn be_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le_f64(b: &[u8], at: usize) -> Option<f64> {
    Some(f64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Every record's content, or the record (if any) and what is wrong.
fn records(shp: &[u8]) -> Result<Vec<&[u8]>, (Option<usize>, String)> {
    if shp.len() < 100 {
        return Err((
            None,
            format!("it is cut short in its header ({} of 100 bytes)", shp.len()),
        ));
    }
    if be_i32(shp, 0) != Some(9994) {
        return Err((None, "it does not start as a .shp does".into()));
    }
    // The length in the header is in 16-bit words.
    let declared = be_i32(shp, 24).unwrap_or(0);
    let end = usize::try_from(declared)
        .ok()
        .and_then(|w| w.checked_mul(2))
        .filter(|&n| n >= 100)
        .ok_or((
            None,
            format!("its header gives a length of {declared} words"),
        ))?;
    if end > shp.len() {
        return Err((
            None,
            format!(
                "it is cut short: its header says {end} bytes, the file has {}",
                shp.len()
            ),
        ));
    }
    let mut out = Vec::new();
    let mut at = 100;
    while at < end {
        let index = out.len();
        let cut = |what: &str| {
            (
                Some(index),
                format!("it is cut short in record {index}'s {what}"),
            )
        };
        let words = be_i32(shp, at + 4)
            .filter(|_| at + 8 <= end)
            .ok_or_else(|| cut("header"))?;
        let content = usize::try_from(words)
            .ok()
            .and_then(|w| w.checked_mul(2))
            .and_then(|n| shp.get(at + 8..(at + 8).checked_add(n)?))
            .filter(|c| at + 8 + c.len() <= end)
            .ok_or_else(|| cut("content"))?;
        out.push(content);
        at += 8 + content.len();
    }
    Ok(out)
}

/// One record's content: its shape type, then the shape.
fn shape(c: &[u8]) -> Result<Option<RawGeometry>, String> {
    let Some(kind) = le_i32(c, 0) else {
        return Err("a record too short for its shape type".into());
    };
    let other = |name: &str| {
        // Anything but a polygon keeps no coordinates: it is skipped, saying what it is.
        Ok(Some(RawGeometry {
            kind: Some(name.to_string()),
            ..Default::default()
        }))
    };
    match kind {
        0 => Ok(None),
        // Points keep their positions (--weights reads point layers); Z and M are not read.
        1 | 11 | 21 => points(c, 4, 1, "Point").map(Some),
        8 | 18 | 28 => {
            let n = le_i32(c, 36).ok_or("a MultiPoint record cut short before its count")?;
            let n = usize::try_from(n).map_err(|_| format!("a MultiPoint of {n} points"))?;
            points(c, 40, n, "MultiPoint").map(Some)
        }
        3 | 13 | 23 => match le_i32(c, 36) {
            Some(1) => other("LineString"),
            _ => other("MultiLineString"),
        },
        // PolygonZ and PolygonM keep their Z and M after the points: not read.
        5 | 15 | 25 => polygon(c).map(Some),
        31 => Err(
            "a MultiPatch (a 3D surface), which is not read: convert the layer to \
                   polygons, e.g. ogr2ogr -nlt MULTIPOLYGON"
                .into(),
        ),
        other => Err(format!(
            "shape type {other}, which is not a Shapefile shape type"
        )),
    }
}

/// `n` points from byte `at` of a record, as a `kind` ("Point": one, or "MultiPoint").
fn points(c: &[u8], at: usize, n: usize, kind: &str) -> Result<RawGeometry, String> {
    let needed = at as u64 + 16 * n as u64;
    if needed > c.len() as u64 {
        return Err(format!(
            "a {kind} of {n} points needs {needed} bytes; its record has {}",
            c.len()
        ));
    }
    let mut out = RawGeometry {
        kind: Some(kind.to_string()),
        ..Default::default()
    };
    for i in 0..n {
        match (le_f64(c, at + 16 * i), le_f64(c, at + 16 * i + 8)) {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => {
                out.coords.points.push(Coord { x, y })
            }
            _ => return Err(format!("point {i} is not a number")),
        }
    }
    if n > 0 {
        out.coords.height = Some(if kind == "Point" { 0 } else { 1 });
    }
    Ok(out)
}

/// A polygon record: a box, the number of rings and points, where each ring starts, the points.
fn polygon(c: &[u8]) -> Result<RawGeometry, String> {
    let (Some(parts), Some(points)) = (le_i32(c, 36), le_i32(c, 40)) else {
        return Err("a polygon record cut short before its counts of rings and points".into());
    };
    let (Ok(n_parts), Ok(n_points)) = (usize::try_from(parts), usize::try_from(points)) else {
        return Err(format!("a polygon of {parts} rings and {points} points"));
    };
    let first_point = 44 + 4 * n_parts as u64;
    let needed = first_point + 16 * n_points as u64;
    if needed > c.len() as u64 {
        return Err(format!(
            "a polygon of {n_parts} rings and {n_points} points needs {needed} bytes; its \
             record has {}",
            c.len()
        ));
    }
    let mut out = RawGeometry {
        kind: Some("Polygon".into()),
        ..Default::default()
    };
    if n_parts == 0 && n_points == 0 {
        return Ok(out); // empty: skipped as such
    }
    let mut starts = Vec::with_capacity(n_parts);
    for k in 0..n_parts {
        let s = le_i32(c, 44 + 4 * k).unwrap_or(-1);
        let previous = starts.last().copied();
        let ok = usize::try_from(s).ok().filter(|&s| {
            s < n_points
                && match previous {
                    None => s == 0,
                    Some(p) => s > p,
                }
        });
        match ok {
            Some(s) => starts.push(s),
            None => {
                return Err(format!(
                    "ring {k} starts at point {s}, which is not after ring {}'s start and \
                     within its {n_points} points",
                    k.saturating_sub(1)
                ))
            }
        }
    }
    if starts.is_empty() {
        return Err(format!("a polygon of {n_points} points in no ring"));
    }
    let first_point = first_point as usize;
    let mut pts = Vec::with_capacity(n_points);
    for i in 0..n_points {
        let at = first_point + 16 * i;
        let (x, y) = (le_f64(c, at), le_f64(c, at + 8));
        match (x, y) {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => pts.push(Coord { x, y }),
            _ => return Err(format!("point {i} is not a number")),
        }
    }
    let rings: Vec<(usize, usize)> = starts
        .iter()
        .zip(starts.iter().skip(1).chain(std::iter::once(&n_points)))
        .map(|(&s, &e)| (s, e))
        .collect();
    let polygons = group(&pts, &rings);
    let coords = &mut out.coords;
    for polygon in &polygons {
        for &r in polygon {
            let (s, e) = rings[r];
            coords.points.extend_from_slice(&pts[s..e]);
            coords.ring_ends.push(coords.points.len());
        }
        coords.polygon_ends.push(coords.ring_ends.len());
    }
    if polygons.len() > 1 {
        out.kind = Some("MultiPolygon".into());
        coords.height = Some(3);
    } else {
        coords.height = Some(2);
    }
    Ok(out)
}

/// Twice the signed area of a ring (positive: counter-clockwise), about its first point.
fn signed_area2(ring: &[Coord<f64>]) -> f64 {
    let Some(o) = ring.first() else { return 0.0 };
    let mut sum = 0.0;
    for w in ring.windows(2) {
        let (a, b) = (w[0] - *o, w[1] - *o);
        sum += a.x * b.y - b.x * a.y;
    }
    sum
}

/// Where a point is against a ring.
#[derive(PartialEq)]
enum Side {
    Inside,
    Outside,
    Boundary,
}

/// Crossing-number test, with points on an edge told apart.
fn side(p: Coord<f64>, ring: &[Coord<f64>]) -> Side {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let cross = (b.x - a.x) * (p.y - a.y) - (p.x - a.x) * (b.y - a.y);
        if cross == 0.0
            && p.x >= a.x.min(b.x)
            && p.x <= a.x.max(b.x)
            && p.y >= a.y.min(b.y)
            && p.y <= a.y.max(b.y)
        {
            return Side::Boundary;
        }
        if (a.y > p.y) != (b.y > p.y) {
            let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if p.x < x {
                inside = !inside;
            }
        }
    }
    if inside {
        Side::Inside
    } else {
        Side::Outside
    }
}

fn bbox(ring: &[Coord<f64>]) -> ([f64; 2], [f64; 2]) {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for p in ring {
        lo = [lo[0].min(p.x), lo[1].min(p.y)];
        hi = [hi[0].max(p.x), hi[1].max(p.y)];
    }
    (lo, hi)
}

/// The rings of a record grouped into polygons: each a shell, then its holes (indices into
/// `rings`, each `(start, end)` in `pts`).
///
/// ESRI's rule: shells are clockwise, holes counter-clockwise. Each hole goes to the smallest
/// shell that holds it (tested by a point of the hole that is not on the shell's boundary).
/// This is what GDAL does (`OGRGeometryFactory::organizePolygons` with `METHOD=ONLY_CCW`,
/// its default for Shapefiles), including for a hole that no shell holds: it becomes a
/// polygon of its own, which the checks then report (or measure) as any other. A ring of no
/// area is taken as a shell, so that it is reported rather than hidden in another polygon.
/// Shells keep the order they are stored in, holes theirs.
fn group(pts: &[Coord<f64>], rings: &[(usize, usize)]) -> Vec<Vec<usize>> {
    if rings.len() == 1 {
        return vec![vec![0]];
    }
    let ring = |r: usize| &pts[rings[r].0..rings[r].1];
    let areas: Vec<f64> = (0..rings.len()).map(|r| signed_area2(ring(r))).collect();
    let is_hole = |r: usize| areas[r] > 0.0;
    struct Shell {
        /// Its position in `polygons`.
        polygon: usize,
        lo: [f64; 2],
        hi: [f64; 2],
        area: f64,
    }
    let mut polygons: Vec<Vec<usize>> = Vec::new();
    let mut shells: Vec<Shell> = Vec::new();
    for r in (0..rings.len()).filter(|&r| !is_hole(r)) {
        let (lo, hi) = bbox(ring(r));
        shells.push(Shell {
            polygon: polygons.len(),
            lo,
            hi,
            area: areas[r].abs(),
        });
        polygons.push(vec![r]);
    }
    // Smallest first.
    shells.sort_by(|a, b| a.area.total_cmp(&b.area));
    for h in (0..rings.len()).filter(|&h| is_hole(h)) {
        let hole = ring(h);
        let (lo, hi) = bbox(hole);
        let holder = shells.iter().find(|s| {
            let within =
                s.lo[0] <= lo[0] && s.lo[1] <= lo[1] && s.hi[0] >= hi[0] && s.hi[1] >= hi[1];
            within && {
                let shell = ring(polygons[s.polygon][0]);
                hole.iter()
                    .map(|&q| side(q, shell))
                    .find(|s| *s != Side::Boundary)
                    .is_none_or(|s| s == Side::Inside)
            }
        });
        match holder {
            Some(s) => polygons[s.polygon].push(h),
            None => polygons.push(vec![h]),
        }
    }
    polygons
}

// ---------------------------------------------------------------------------------------------
// The .dbf
// ---------------------------------------------------------------------------------------------

/// How the `.dbf`'s text is to be decoded.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Text {
    Utf8,
    Single(&'static Encoding),
    /// A code page encoding_rs does not have (DOS code pages such as 437 and 850): ASCII
    /// reads the same in all of them; any other byte is an error.
    Unknown(u32),
}

/// A `.cpg`'s name of an encoding, as GDAL reads them: `UTF-8`, a code page number (`1252`),
/// `88591` for ISO-8859-1, or any WHATWG label (`ISO-8859-1`, `windows-1252`, `latin1`).
fn from_cpg(cpg: &str) -> Option<Text> {
    let name = cpg.trim().trim_start_matches("ANSI ").trim();
    let upper = name.to_ascii_uppercase();
    if matches!(upper.as_str(), "UTF-8" | "UTF8" | "65001") {
        return Some(Text::Utf8);
    }
    if let Some(part) = upper.strip_prefix("8859") {
        let part = part.trim_start_matches(['_', '-']);
        return Encoding::for_label(format!("iso-8859-{part}").as_bytes()).map(Text::Single);
    }
    let digits = upper
        .strip_prefix("CP")
        .or(upper.strip_prefix("WINDOWS-"))
        .unwrap_or(&upper);
    if let Ok(cp) = digits.parse::<u32>() {
        return Some(code_page(cp));
    }
    Encoding::for_label(name.as_bytes()).map(|e| {
        if e == encoding_rs::UTF_8 {
            Text::Utf8
        } else {
            Text::Single(e)
        }
    })
}

/// A Windows or DOS code page.
fn code_page(cp: u32) -> Text {
    let label = match cp {
        65001 => return Text::Utf8,
        874 | 1250..=1258 => format!("windows-{cp}"),
        866 => "ibm866".into(),
        932 => "shift_jis".into(),
        936 => "gbk".into(),
        949 => "euc-kr".into(),
        950 => "big5".into(),
        10000 => "macintosh".into(),
        10007 => "x-mac-cyrillic".into(),
        20866 => "koi8-r".into(),
        21866 => "koi8-u".into(),
        28591..=28606 => format!("iso-8859-{}", cp - 28590),
        _ => return Text::Unknown(cp),
    };
    Encoding::for_label(label.as_bytes()).map_or(Text::Unknown(cp), Text::Single)
}

/// The code page of a dBase language driver id (byte 29 of the header), as GDAL maps them;
/// `None` for 0 (none given) or an id it does not know.
fn from_ldid(ldid: u8) -> Option<Text> {
    let cp = match ldid {
        0 => return None,
        // 87 is ESRI's "ANSI": ISO-8859-1 (read as windows-1252, its superset).
        87 => 28591,
        1 | 11 | 13 | 15 | 17 | 21 | 24 | 25 | 27 => 437,
        2 | 10 | 14 | 16 | 18 | 20 | 22 | 26 | 29 | 37 | 55 => 850,
        3 | 88 | 89 => 1252,
        4 => 10000,
        8 | 23 | 102 => 865,
        19 | 123 => 932,
        28 | 108 => 863,
        31 | 34 | 35 | 64 | 100 | 135 => 852,
        36 => 860,
        38 | 101 => 866,
        77 | 122 => 936,
        78 | 121 => 949,
        79 | 120 => 950,
        80 | 124 => 874,
        103 => 861,
        106 | 134 => 737,
        107 | 136 => 857,
        150 => 10007,
        200 => 1250,
        201 => 1251,
        202 => 1254,
        203 => 1253,
        204 => 1257,
        _ => return None,
    };
    Some(code_page(cp))
}

/// A column of the table.
struct Field {
    name: String,
    kind: u8,
    /// Offset of its value in a record (after the deletion flag).
    at: usize,
    width: usize,
    decimals: u8,
}

/// A `.dbf`: its columns and records, and the encoding of its text.
struct Table<'a> {
    fields: Vec<Field>,
    count: usize,
    records: &'a [u8],
    record_len: usize,
    text: Text,
}

impl<'a> Table<'a> {
    /// The header and columns. The encoding: the `.cpg`'s, else the language driver's; with
    /// neither, UTF-8 when every text value is valid UTF-8 (so a file written as UTF-8
    /// without its `.cpg` reads right), else ISO-8859-1 (GDAL's default, which would read
    /// UTF-8 as "Ynys MÃ´n").
    fn parse(dbf: &'a [u8], cpg: Option<&str>) -> Result<Table<'a>, String> {
        if dbf.len() < 32 {
            return Err(format!(
                "it is cut short in its header ({} of 32 bytes)",
                dbf.len()
            ));
        }
        let u16_at = |at: usize| u16::from_le_bytes([dbf[at], dbf[at + 1]]) as usize;
        let count = u32::from_le_bytes([dbf[4], dbf[5], dbf[6], dbf[7]]) as usize;
        let (header_len, record_len) = (u16_at(8), u16_at(10));
        if header_len < 33 || header_len > dbf.len() {
            return Err(format!(
                "its header gives a header length of {header_len} bytes, of a file of {}",
                dbf.len()
            ));
        }
        let text = match cpg.map(|c| (c, from_cpg(c))) {
            Some((_, Some(text))) => Some(text),
            Some((c, None)) => {
                return Err(format!(
                    "its .cpg names the encoding {:?}, which is not known",
                    c.trim()
                ))
            }
            None => from_ldid(dbf[29]),
        };
        let mut fields = Vec::new();
        let mut at = 32;
        let mut offset = 0;
        while at + 32 <= header_len && dbf[at] != 0x0D {
            let d = &dbf[at..at + 32];
            let name_bytes = &d[..11];
            let name_end = name_bytes.iter().position(|&b| b == 0).unwrap_or(11);
            let kind = d[11].to_ascii_uppercase();
            // Character columns may be wider than 255: the decimals byte is then the high byte.
            let (width, decimals) = match kind {
                b'N' | b'F' => (d[16] as usize, d[17]),
                _ => (d[16] as usize + 256 * d[17] as usize, 0),
            };
            fields.push(Field {
                // Decoded once the encoding is known.
                name: String::from_utf8_lossy(&name_bytes[..name_end]).into_owned(),
                kind,
                at: offset,
                width,
                decimals,
            });
            offset += width;
            at += 32;
        }
        if offset + 1 > record_len {
            return Err(format!(
                "its columns take {} bytes a record, but its records are {record_len} bytes",
                offset + 1
            ));
        }
        let need = count
            .checked_mul(record_len)
            .and_then(|n| n.checked_add(header_len))
            .unwrap_or(usize::MAX);
        if need > dbf.len() {
            return Err(format!(
                "it is cut short: {count} records of {record_len} bytes need {need} bytes, the \
                 file has {}",
                dbf.len()
            ));
        }
        let mut table = Table {
            fields,
            count,
            records: &dbf[header_len..need],
            record_len,
            text: text.unwrap_or(Text::Utf8),
        };
        if text.is_none() && !table.all_utf8(&dbf[32..at]) {
            table.text = Text::Single(encoding_rs::WINDOWS_1252);
        }
        // Column names in the same encoding as the values.
        for k in 0..table.fields.len() {
            let d = &dbf[32 + 32 * k..32 + 32 * k + 11];
            let end = d.iter().position(|&b| b == 0).unwrap_or(11);
            let name = table
                .decode(&d[..end])
                .map_err(|m| format!("column {k}'s name: {m}"))?;
            table.fields[k].name = name.trim().to_string();
        }
        Ok(table)
    }

    /// Whether the column names (`names`, the descriptors) and every text value are UTF-8.
    fn all_utf8(&self, names: &[u8]) -> bool {
        let texts: Vec<&Field> = self
            .fields
            .iter()
            .filter(|f| !matches!(f.kind, b'N' | b'F' | b'L' | b'D'))
            .collect();
        let names_ok = names.chunks(32).all(|d| {
            let d = &d[..11.min(d.len())];
            let end = d.iter().position(|&b| b == 0).unwrap_or(d.len());
            std::str::from_utf8(&d[..end]).is_ok()
        });
        names_ok
            && self.records.chunks(self.record_len).all(|r| {
                texts
                    .iter()
                    .all(|f| std::str::from_utf8(&r[1 + f.at..1 + f.at + f.width]).is_ok())
            })
    }

    fn decode(&self, bytes: &[u8]) -> Result<String, String> {
        match self.text {
            Text::Utf8 => Ok(String::from_utf8_lossy(bytes).into_owned()),
            Text::Single(e) => Ok(e.decode_without_bom_handling(bytes).0.into_owned()),
            Text::Unknown(cp) => match std::str::from_utf8(bytes) {
                Ok(s) if s.is_ascii() => Ok(s.to_string()),
                _ => Err(format!(
                    "text in code page {cp}, which is not read: add a .cpg file naming an \
                     encoding (e.g. UTF-8 or 1252), or convert with ogr2ogr"
                )),
            },
        }
    }

    /// Record `index`'s values, or `None` when it is marked deleted.
    fn record(&self, index: usize) -> Result<Option<Map<String, Value>>, String> {
        let r = &self.records[index * self.record_len..(index + 1) * self.record_len];
        if r[0] == b'*' {
            return Ok(None);
        }
        let mut out = Map::new();
        for f in &self.fields {
            let raw = &r[1 + f.at..1 + f.at + f.width];
            let value = self
                .value(f, raw)
                .map_err(|m| format!("column {:?}: {m}", f.name))?;
            out.insert(f.name.clone(), value);
        }
        Ok(Some(out))
    }

    /// A value as GDAL reads it: text without its trailing spaces (empty: null); numbers
    /// (blank or `*`: null) as integers when the column has no decimals and fewer than 19
    /// digits, else as floats; logicals as booleans (`?`: null); dates as `YYYY-MM-DD`.
    fn value(&self, f: &Field, raw: &[u8]) -> Result<Value, String> {
        let ascii = || {
            String::from_utf8_lossy(raw)
                .trim_matches(|c: char| c == ' ' || c == '\0')
                .to_string()
        };
        Ok(match f.kind {
            b'N' | b'F' => {
                let t = ascii();
                if t.is_empty() || t.starts_with('*') {
                    Value::Null
                } else if f.decimals == 0 && f.width < 19 {
                    match t.parse::<i64>() {
                        Ok(i) => Value::from(i),
                        Err(_) => float(&t),
                    }
                } else {
                    float(&t)
                }
            }
            b'L' => match raw.first().copied() {
                Some(b'T' | b't' | b'Y' | b'y') => Value::Bool(true),
                Some(b'F' | b'f' | b'N' | b'n') => Value::Bool(false),
                _ => Value::Null,
            },
            b'D' => {
                let t = ascii();
                if t.is_empty() || t.bytes().all(|b| b == b'0') {
                    Value::Null
                } else if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
                    Value::String(format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..]))
                } else {
                    Value::String(t)
                }
            }
            _ => {
                let end = raw
                    .iter()
                    .rposition(|&b| b != b' ' && b != 0)
                    .map_or(0, |i| i + 1);
                if end == 0 {
                    Value::Null
                } else {
                    Value::String(self.decode(&raw[..end])?)
                }
            }
        })
    }
}

/// A number with decimals; text that is not one (which GDAL would read as 0) is null.
fn float(t: &str) -> Value {
    t.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A .shp of polygon records, each a list of rings (closed as given).
    pub(crate) fn shp_bytes(records: &[Vec<Vec<(f64, f64)>>]) -> Vec<u8> {
        let mut body = Vec::new();
        for (i, rings) in records.iter().enumerate() {
            let mut c = Vec::new();
            if rings.is_empty() {
                c.extend(0i32.to_le_bytes());
            } else {
                c.extend(5i32.to_le_bytes());
                c.extend([0u8; 32]);
                let n: usize = rings.iter().map(Vec::len).sum();
                c.extend((rings.len() as i32).to_le_bytes());
                c.extend((n as i32).to_le_bytes());
                let mut start = 0;
                for r in rings {
                    c.extend((start as i32).to_le_bytes());
                    start += r.len();
                }
                for r in rings {
                    for (x, y) in r {
                        c.extend(x.to_le_bytes());
                        c.extend(y.to_le_bytes());
                    }
                }
            }
            body.extend((i as i32 + 1).to_be_bytes());
            body.extend(((c.len() / 2) as i32).to_be_bytes());
            body.extend(c);
        }
        let mut out = vec![0u8; 100];
        out[..4].copy_from_slice(&9994i32.to_be_bytes());
        out[24..28].copy_from_slice((((100 + body.len()) / 2) as i32).to_be_bytes().as_slice());
        out[28..32].copy_from_slice(&1000i32.to_le_bytes());
        out[32..36].copy_from_slice(&5i32.to_le_bytes());
        out.extend(body);
        out
    }

    /// A .dbf of the columns (name, type, width, decimals) and rows of raw values.
    pub(crate) fn dbf_bytes(
        ldid: u8,
        fields: &[(&str, u8, u8, u8)],
        rows: &[Vec<&[u8]>],
    ) -> Vec<u8> {
        let record_len = 1 + fields.iter().map(|f| f.2 as usize).sum::<usize>();
        let header_len = 32 + 32 * fields.len() + 1;
        let mut out = vec![0u8; 32];
        out[0] = 3;
        out[4..8].copy_from_slice(&(rows.len() as u32).to_le_bytes());
        out[8..10].copy_from_slice(&(header_len as u16).to_le_bytes());
        out[10..12].copy_from_slice(&(record_len as u16).to_le_bytes());
        out[29] = ldid;
        for (name, kind, width, decimals) in fields {
            let mut d = [0u8; 32];
            d[..name.len()].copy_from_slice(name.as_bytes());
            d[11] = *kind;
            d[16] = *width;
            d[17] = *decimals;
            out.extend(d);
        }
        out.push(0x0D);
        for row in rows {
            out.push(b' ');
            for (v, f) in row.iter().zip(fields) {
                let mut cell = v.to_vec();
                cell.resize(f.2 as usize, b' ');
                out.extend(cell);
            }
        }
        out.push(0x1A);
        out
    }

    fn square(x: f64, y: f64, s: f64, clockwise: bool) -> Vec<(f64, f64)> {
        let mut r = vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)];
        if clockwise {
            r.reverse();
        }
        r
    }

    fn read_parts(shp: &[u8], dbf: &[u8], cpg: Option<&str>) -> Result<Opened, LoadError> {
        read(
            Path::new("t.shp"),
            Parts {
                shp,
                dbf,
                prj: None,
                cpg: cpg.map(str::to_string),
            },
        )
    }

    fn one_field_dbf(rows: usize) -> Vec<u8> {
        let rows: Vec<Vec<&[u8]>> = (0..rows).map(|_| vec![b"E1".as_slice()]).collect();
        dbf_bytes(0, &[("CODE", b'C', 9, 0)], &rows)
    }

    #[test]
    fn holes_go_to_the_smallest_shell_that_holds_them() {
        // Two shells side by side, the second with a hole, and a big shell around a small
        // one (an island in a lake): the hole in the small island belongs to it, not the big.
        let records = vec![vec![
            square(0.0, 0.0, 10.0, true),
            square(20.0, 0.0, 10.0, true),
            square(22.0, 2.0, 2.0, false),
            square(40.0, 0.0, 30.0, true),
            square(45.0, 5.0, 20.0, false),
            square(50.0, 10.0, 10.0, true),
            square(52.0, 12.0, 2.0, false),
        ]];
        let shp = shp_bytes(&records);
        let doc = read_parts(&shp, &one_field_dbf(1), None).unwrap().doc;
        let g = doc.features[0].geometry.as_ref().unwrap();
        assert_eq!(g.kind.as_deref(), Some("MultiPolygon"));
        assert_eq!(g.coords.height, Some(3));
        // Rings in order: shell 0; shell 1, hole 2; shell 3, hole 4; shell 5, hole 6.
        assert_eq!(g.coords.ring_ends, vec![5, 10, 15, 20, 25, 30, 35]);
        assert_eq!(g.coords.polygon_ends, vec![1, 3, 5, 7]);
        // Ring 3 (the big shell) starts at its stored first point.
        assert_eq!(g.coords.points[15], Coord { x: 40.0, y: 0.0 });
    }

    #[test]
    fn one_shell_is_a_polygon_and_rings_are_as_stored() {
        let rings = vec![square(0.0, 0.0, 10.0, true), square(2.0, 2.0, 2.0, false)];
        let shp = shp_bytes(std::slice::from_ref(&rings));
        let doc = read_parts(&shp, &one_field_dbf(1), None).unwrap().doc;
        let g = doc.features[0].geometry.as_ref().unwrap();
        assert_eq!(g.kind.as_deref(), Some("Polygon"));
        assert_eq!(g.coords.height, Some(2));
        assert_eq!(g.coords.polygon_ends, vec![2]);
        let stored: Vec<(f64, f64)> = rings.concat();
        let got: Vec<(f64, f64)> = g.coords.points.iter().map(|c| (c.x, c.y)).collect();
        assert_eq!(got, stored);
    }

    #[test]
    fn a_hole_in_no_shell_becomes_a_polygon_as_gdal_makes_it() {
        let rings = vec![square(0.0, 0.0, 10.0, true), square(20.0, 0.0, 2.0, false)];
        let shp = shp_bytes(&[rings]);
        let doc = read_parts(&shp, &one_field_dbf(1), None).unwrap().doc;
        let g = doc.features[0].geometry.as_ref().unwrap();
        assert_eq!(g.kind.as_deref(), Some("MultiPolygon"));
        assert_eq!(g.coords.polygon_ends, vec![1, 2]);
    }

    #[test]
    fn a_hole_touching_its_shell_is_still_its_hole() {
        // The hole shares the shell's corner and an edge: a point off the boundary decides.
        let shell = square(0.0, 0.0, 10.0, true);
        let hole = vec![(0.0, 0.0), (5.0, 0.0), (5.0, 5.0), (0.0, 0.0)];
        let shp = shp_bytes(&[vec![shell, hole]]);
        let doc = read_parts(&shp, &one_field_dbf(1), None).unwrap().doc;
        let g = doc.features[0].geometry.as_ref().unwrap();
        assert_eq!(g.kind.as_deref(), Some("Polygon"));
        assert_eq!(g.coords.polygon_ends, vec![2]);
    }

    #[test]
    fn null_shapes_have_no_geometry_and_counts_must_agree() {
        let shp = shp_bytes(&[vec![], vec![square(0.0, 0.0, 1.0, true)]]);
        let doc = read_parts(&shp, &one_field_dbf(2), None).unwrap().doc;
        assert!(doc.features[0].geometry.is_none());
        assert_eq!(doc.features[1].index, 1);
        let e = read_parts(&shp, &one_field_dbf(3), None).err().unwrap();
        assert!(
            e.to_string()
                .contains("the .shp has 2 records but the .dbf has 3"),
            "{e}"
        );
    }

    #[test]
    fn attributes_are_typed_as_gdal_reads_them() {
        let dbf = dbf_bytes(
            0,
            &[
                ("NAME", b'C', 12, 0),
                ("POP", b'N', 10, 0),
                ("AREA", b'N', 12, 3),
                ("BIG", b'N', 20, 0),
                ("OK", b'L', 1, 0),
                ("WHEN", b'D', 8, 0),
            ],
            &[
                vec![
                    b"  Ashcombe  ".as_slice(),
                    b"     12345",
                    b"    1234.500",
                    b"                  42",
                    b"T",
                    b"20210131",
                ],
                vec![b"", b"", b"**********", b"", b"?", b"00000000"],
            ],
        );
        let shp = shp_bytes(&[vec![], vec![]]);
        let doc = read_parts(&shp, &dbf, None).unwrap().doc;
        let p = &doc.features[0].properties;
        assert_eq!(p["NAME"], "  Ashcombe");
        assert_eq!(p["POP"], 12345);
        assert_eq!(p["AREA"], 1234.5);
        assert!(p["BIG"].is_f64(), "{:?}", p["BIG"]);
        assert_eq!(p["OK"], true);
        assert_eq!(p["WHEN"], "2021-01-31");
        let q = &doc.features[1].properties;
        for k in ["NAME", "POP", "AREA", "BIG", "OK", "WHEN"] {
            assert!(q[k].is_null(), "{k}: {:?}", q[k]);
        }
    }

    #[test]
    fn encodings_from_the_cpg_the_language_driver_or_the_bytes() {
        let name = |ldid: u8, bytes: &[u8], cpg: Option<&str>| {
            let dbf = dbf_bytes(ldid, &[("NAME", b'C', 20, 0)], &[vec![bytes]]);
            let shp = shp_bytes(&[vec![]]);
            read_parts(&shp, &dbf, cpg).map(|o| o.doc.features[0].properties["NAME"].clone())
        };
        let utf8 = "Ynys Môn".as_bytes();
        let latin1 = b"Ynys M\xF4n".as_slice();
        assert_eq!(name(0, utf8, Some("UTF-8")).unwrap(), "Ynys Môn");
        assert_eq!(name(0, utf8, Some("UTF8\r\n")).unwrap(), "Ynys Môn");
        assert_eq!(name(0, latin1, Some("1252")).unwrap(), "Ynys Môn");
        assert_eq!(name(0, latin1, Some("ISO-8859-1")).unwrap(), "Ynys Môn");
        assert_eq!(name(0, latin1, Some("88591")).unwrap(), "Ynys Môn");
        assert_eq!(name(0, latin1, Some("CP1252")).unwrap(), "Ynys Môn");
        // The .cpg wins over the language driver (87: ISO-8859-1), as in GDAL.
        assert_eq!(name(87, utf8, Some("UTF-8")).unwrap(), "Ynys Môn");
        assert_eq!(name(87, latin1, None).unwrap(), "Ynys Môn");
        assert_eq!(name(3, latin1, None).unwrap(), "Ynys Môn");
        // Neither: UTF-8 if it all is, else ISO-8859-1.
        assert_eq!(name(0, utf8, None).unwrap(), "Ynys Môn");
        assert_eq!(name(0, latin1, None).unwrap(), "Ynys Môn");
        // A DOS code page: ASCII is read, anything else is refused, saying how to fix it.
        assert_eq!(name(1, b"Ashcombe", None).unwrap(), "Ashcombe");
        let e = name(1, latin1, None).err().unwrap().to_string();
        assert!(e.contains("code page 437") && e.contains(".cpg"), "{e}");
        let e = name(0, utf8, Some("EBCDIC-42")).err().unwrap().to_string();
        assert!(e.contains("\"EBCDIC-42\""), "{e}");
    }

    #[test]
    fn points_keep_their_positions() {
        let mut c = 1i32.to_le_bytes().to_vec();
        c.extend(1.5f64.to_le_bytes());
        c.extend(52.25f64.to_le_bytes());
        let g = shape(&c).unwrap().unwrap();
        assert_eq!(g.kind.as_deref(), Some("Point"));
        assert_eq!(g.coords.points, vec![Coord { x: 1.5, y: 52.25 }]);
        assert_eq!(g.coords.height, Some(0));
        let mut m = 8i32.to_le_bytes().to_vec();
        m.extend([0u8; 32]);
        m.extend(2i32.to_le_bytes());
        for v in [0.0f64, 1.0, 2.0, 3.0] {
            m.extend(v.to_le_bytes());
        }
        let g = shape(&m).unwrap().unwrap();
        assert_eq!(g.kind.as_deref(), Some("MultiPoint"));
        assert_eq!(g.coords.points.len(), 2);
        assert_eq!(g.coords.height, Some(1));
        assert!(shape(&m[..m.len() - 1]).is_err());
        assert!(shape(&c[..c.len() - 1]).is_err());
    }

    #[test]
    fn deleted_records_are_not_features() {
        let mut dbf = one_field_dbf(2);
        let header_len = u16::from_le_bytes([dbf[8], dbf[9]]) as usize;
        dbf[header_len] = b'*';
        let shp = shp_bytes(&[vec![square(0.0, 0.0, 1.0, true)], vec![]]);
        let doc = read_parts(&shp, &dbf, None).unwrap().doc;
        assert_eq!(doc.features.len(), 1);
        assert_eq!(doc.features[0].index, 1);
    }

    #[test]
    fn every_cut_and_every_corrupt_byte_is_an_error_or_a_result_never_a_panic() {
        let shp = shp_bytes(&[
            vec![square(0.0, 0.0, 10.0, true), square(2.0, 2.0, 2.0, false)],
            vec![],
            vec![square(20.0, 0.0, 5.0, true)],
        ]);
        let dbf = dbf_bytes(
            0,
            &[("CODE", b'C', 9, 0), ("N", b'N', 5, 0), ("D", b'D', 8, 0)],
            &[
                vec![b"E1".as_slice(), b"1", b"20200101"],
                vec![b"E2", b"2", b""],
                vec![b"E3", b"", b"x"],
            ],
        );
        assert!(read_parts(&shp, &dbf, None).is_ok());
        for cut in 0..shp.len() {
            assert!(
                read_parts(&shp[..cut], &dbf, None).is_err(),
                "shp cut at {cut}"
            );
        }
        for cut in 0..dbf.len() {
            let _ = read_parts(&shp, &dbf[..cut], None);
        }
        // Corrupt bytes: each byte in turn set to a few values.
        for at in 0..shp.len() {
            for v in [0x00, 0x7F, 0x80, 0xFF] {
                let mut bad = shp.clone();
                bad[at] = v;
                let _ = read_parts(&bad, &dbf, None);
            }
        }
        for at in 0..dbf.len() {
            for v in [0x00, 0x0D, 0x7F, 0xFF] {
                let mut bad = dbf.clone();
                bad[at] = v;
                let _ = read_parts(&shp, &bad, None);
            }
        }
    }

    #[test]
    fn a_cut_dbf_says_so() {
        let shp = shp_bytes(&[vec![], vec![]]);
        let dbf = one_field_dbf(2);
        let e = read_parts(&shp, &dbf[..dbf.len() - 5], None).err().unwrap();
        assert!(
            e.to_string()
                .contains("the .dbf cannot be read: it is cut short"),
            "{e}"
        );
    }
}
