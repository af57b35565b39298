//! FlatGeobuf layers: the header (columns, geometry type, coordinate system) and each feature
//! flatbuffer, bounded and verified here with the `flatgeobuf` crate's generated readers (its
//! own feature iterator would allocate whatever size a damaged prefix claims); geometries and
//! properties decoded here.

use std::path::Path;

use flatgeobuf::{ColumnType, Geometry, GeometryType};
use geo::Coord;
use serde_json::{Map, Value};

use super::raw::{Nested, RawDocument, RawFeature, RawGeometry};
use super::source::Opened;
use crate::error::LoadError;

const CRS_BY: &str = "FlatGeobuf header";

/// A column of the header: its name and type.
struct Column {
    name: String,
    kind: ColumnType,
}

/// Headers larger than this are refused (GDAL's own limit).
const HEADER_MAX: usize = 10 << 20;

/// Bytes of one packed R-tree node: a box of four f64 and an offset.
const NODE_BYTES: u64 = 40;

/// The size of the spatial index between the header and the features: `None` for a node size
/// no index can have.
fn index_size(features: u64, node_size: u16) -> Option<u64> {
    if node_size == 0 || features == 0 {
        return Some(0);
    }
    if node_size < 2 {
        return None;
    }
    let (mut level, mut nodes) = (features, features);
    loop {
        level = level.div_ceil(u64::from(node_size));
        nodes = nodes.checked_add(level)?;
        if level == 1 {
            break;
        }
    }
    nodes.checked_mul(NODE_BYTES)
}

/// Read every feature. The file is in memory: each flatbuffer (the header, then each
/// size-prefixed feature) is checked to lie within it, then verified, before it is read.
pub(super) fn read(path: &Path, bytes: &[u8]) -> Result<Opened, LoadError> {
    let broken = |index: Option<usize>, e: String| {
        LoadError::new(
            path,
            index,
            format!("this FlatGeobuf file cannot be read: {e}"),
            "check the file is whole (it is written by e.g. ogr2ogr -f FlatGeobuf)",
        )
    };
    let u32_at = |at: usize| -> Option<usize> {
        let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(u32::from_le_bytes(b) as usize)
    };
    let cut = |what: &str| broken(None, format!("it is cut short in its {what}"));
    let header_size = u32_at(8).ok_or_else(|| cut("header"))?;
    if !(8..=HEADER_MAX).contains(&header_size) {
        return Err(broken(None, format!("a header of {header_size} bytes")));
    }
    let header_bytes = bytes
        .get(8..12 + header_size)
        .ok_or_else(|| cut("header"))?;
    let header = flatgeobuf::size_prefixed_root_as_header(header_bytes)
        .map_err(|e| broken(None, format!("its header: {e}")))?;
    let index = index_size(header.features_count(), header.index_node_size()).ok_or_else(|| {
        broken(
            None,
            format!("index node size {}", header.index_node_size()),
        )
    })?;
    let mut at = usize::try_from(index)
        .ok()
        .and_then(|i| (12 + header_size).checked_add(i))
        .filter(|&at| at <= bytes.len())
        .ok_or_else(|| cut("spatial index"))?;
    let crs_name = header.crs().and_then(|crs| {
        let org = crs.org().unwrap_or("EPSG");
        if crs.code() > 0 {
            Some(format!("{org}:{}", crs.code()))
        } else {
            crs.wkt()
                .map(str::to_string)
                .filter(|w| !w.trim().is_empty())
        }
    });
    let layer_kind = header.geometry_type();
    // Z and M are stored apart from xy in FlatGeobuf: nothing to skip.
    let header_columns = header
        .columns()
        .map(|cs| columns(cs.iter()))
        .unwrap_or_default();
    let mut features = Vec::new();
    while at < bytes.len() {
        let index = features.len();
        let bad = |m: String| {
            LoadError::new(
                path,
                Some(index),
                m,
                "fix the feature, or write the file again with ogr2ogr -f FlatGeobuf",
            )
        };
        let end = u32_at(at)
            .and_then(|size| (at + 4).checked_add(size))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| bad("the file is cut short in this feature".into()))?;
        let fb = flatgeobuf::size_prefixed_root_as_feature(&bytes[at..end])
            .map_err(|e| bad(format!("this feature cannot be read: {e}")))?;
        at = end;
        let own = fb.columns().map(|cs| columns(cs.iter()));
        let properties = match fb.properties() {
            Some(p) => properties(p.bytes(), own.as_deref().unwrap_or(&header_columns))
                .map_err(|m| bad(format!("its properties: {m}")))?,
            None => Map::new(),
        };
        let geometry = match fb.geometry() {
            None => None,
            Some(g) => {
                Some(geometry(&g, layer_kind).map_err(|m| bad(format!("its geometry: {m}")))?)
            }
        };
        features.push(RawFeature::new(index, properties.into(), geometry));
    }
    let declared = header.features_count();
    if declared > 0 && declared != features.len() as u64 {
        return Err(broken(
            None,
            format!(
                "its header counts {declared} features, but it holds {}",
                features.len()
            ),
        ));
    }
    Ok(Opened {
        doc: RawDocument { crs_name, features },
        crs_by: CRS_BY,
        prepped: None,
    })
}

/// The columns a header (or a feature of its own) declares.
fn columns<'a>(cs: impl Iterator<Item = flatgeobuf::Column<'a>>) -> Vec<Column> {
    cs.map(|c| Column {
        name: c.name().to_string(),
        kind: c.type_(),
    })
    .collect()
}

/// A geometry (the header's type, or its own when the header says Unknown).
fn geometry(g: &Geometry, layer_kind: GeometryType) -> Result<RawGeometry, String> {
    let kind = if layer_kind == GeometryType::Unknown {
        g.type_()
    } else {
        layer_kind
    };
    let mut out = RawGeometry::default();
    let name = match kind {
        GeometryType::Polygon => {
            rings(g, &mut out.coords)?;
            if !out.coords.points.is_empty() {
                out.coords.height = Some(2);
            }
            "Polygon"
        }
        GeometryType::MultiPolygon => {
            match g.parts() {
                Some(parts) => {
                    for part in parts.iter() {
                        rings(&part, &mut out.coords)?;
                    }
                }
                // A MultiPolygon of one polygon may be written without parts.
                None => rings(g, &mut out.coords)?,
            }
            if !out.coords.points.is_empty() {
                out.coords.height = Some(3);
            }
            "MultiPolygon"
        }
        // Points keep their positions: --weights reads point layers.
        GeometryType::Point | GeometryType::MultiPoint => {
            let xy = g
                .xy()
                .map(|v| v.iter().collect::<Vec<f64>>())
                .unwrap_or_default();
            out.coords
                .points
                .extend(xy.chunks_exact(2).map(|c| Coord { x: c[0], y: c[1] }));
            let point = kind == GeometryType::Point;
            if point && out.coords.points.len() > 1 {
                return Err(format!("a Point of {} positions", out.coords.points.len()));
            }
            if !out.coords.points.is_empty() {
                out.coords.height = Some(if point { 0 } else { 1 });
            }
            if point {
                "Point"
            } else {
                "MultiPoint"
            }
        }
        GeometryType::LineString => "LineString",
        GeometryType::MultiLineString => "MultiLineString",
        GeometryType::GeometryCollection => {
            out.has_geometries = true;
            "GeometryCollection"
        }
        other => {
            return Err(format!(
                "geometry type {} ({}), which is not read: convert it to polygons, e.g. \
                 ogr2ogr -nlt MULTIPOLYGON",
                other.0,
                other.variant_name().unwrap_or("unknown")
            ))
        }
    };
    // Lines keep no coordinates: they are skipped, saying what they are.
    out.kind = Some(name.to_string());
    Ok(out)
}

/// A polygon's rings from its `xy` and `ends` (none: one ring of every position).
fn rings(g: &Geometry, out: &mut Nested) -> Result<(), String> {
    let xy = g
        .xy()
        .map(|v| v.iter().collect::<Vec<f64>>())
        .unwrap_or_default();
    if xy.len() % 2 != 0 {
        return Err(format!("an odd number of coordinates ({})", xy.len()));
    }
    let n = xy.len() / 2;
    let start = out.points.len();
    out.points
        .extend(xy.chunks_exact(2).map(|c| Coord { x: c[0], y: c[1] }));
    match g.ends() {
        Some(ends) if !ends.is_empty() => {
            let mut previous = 0;
            for end in ends.iter() {
                let end = end as usize;
                if end <= previous || end > n {
                    return Err(format!(
                        "ring ends {end} after {previous}, of {n} positions"
                    ));
                }
                out.ring_ends.push(start + end);
                previous = end;
            }
            if previous != n {
                return Err(format!("its rings end at {previous} of {n} positions"));
            }
        }
        _ if n > 0 => out.ring_ends.push(start + n),
        _ => {}
    }
    out.polygon_ends.push(out.ring_ends.len());
    Ok(())
}

/// Properties: a column index (u16), then its value, for each property given.
fn properties(bytes: &[u8], columns: &[Column]) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    let mut at = 0;
    while at < bytes.len() {
        let i = u16::from_le_bytes(arr(take(bytes, &mut at, 2)?)) as usize;
        let Some(column) = columns.get(i) else {
            return Err(format!("column {i}, of {} in the header", columns.len()));
        };
        let value = match column.kind {
            ColumnType::Byte => Value::from(take(bytes, &mut at, 1)?[0] as i8),
            ColumnType::UByte => Value::from(take(bytes, &mut at, 1)?[0]),
            ColumnType::Bool => Value::Bool(take(bytes, &mut at, 1)?[0] != 0),
            ColumnType::Short => Value::from(i16::from_le_bytes(arr(take(bytes, &mut at, 2)?))),
            ColumnType::UShort => Value::from(u16::from_le_bytes(arr(take(bytes, &mut at, 2)?))),
            ColumnType::Int => Value::from(i32::from_le_bytes(arr(take(bytes, &mut at, 4)?))),
            ColumnType::UInt => Value::from(u32::from_le_bytes(arr(take(bytes, &mut at, 4)?))),
            ColumnType::Long => Value::from(i64::from_le_bytes(arr(take(bytes, &mut at, 8)?))),
            ColumnType::ULong => Value::from(u64::from_le_bytes(arr(take(bytes, &mut at, 8)?))),
            ColumnType::Float => number(f32::from_le_bytes(arr(take(bytes, &mut at, 4)?)) as f64),
            ColumnType::Double => number(f64::from_le_bytes(arr(take(bytes, &mut at, 8)?))),
            ColumnType::String | ColumnType::Json | ColumnType::DateTime => {
                let n = u32::from_le_bytes(arr(take(bytes, &mut at, 4)?)) as usize;
                let text = take(bytes, &mut at, n)?;
                Value::String(String::from_utf8_lossy(text).into_owned())
            }
            ColumnType::Binary => {
                let n = u32::from_le_bytes(arr(take(bytes, &mut at, 4)?)) as usize;
                take(bytes, &mut at, n)?;
                Value::Null
            }
            other => {
                return Err(format!(
                    "column {:?} has unknown type {}",
                    column.name, other.0
                ))
            }
        };
        out.insert(column.name.clone(), value);
    }
    Ok(out)
}

/// The next `n` bytes from `at`, which moves past them.
fn take<'a>(bytes: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8], String> {
    let b = bytes
        .get(*at..at.saturating_add(n))
        .ok_or_else(|| format!("cut short at byte {} of {}", *at, bytes.len()))?;
    *at += n;
    Ok(b)
}

fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
    b.try_into().unwrap_or([0; N])
}

fn number(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_sizes_as_the_format_defines_them() {
        assert_eq!(index_size(0, 16), Some(0));
        assert_eq!(index_size(10, 0), Some(0));
        assert_eq!(index_size(1, 16), Some(2 * 40));
        assert_eq!(index_size(16, 16), Some(17 * 40));
        assert_eq!(index_size(17, 16), Some((17 + 2 + 1) * 40));
        assert_eq!(index_size(10, 1), None);
        assert_eq!(index_size(u64::MAX, 2), None);
    }
}
