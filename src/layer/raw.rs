//! What the GeoJSON readers produce, shared by the fast scanner (`scan`) and the serde
//! reader (`geojson`): features with their properties as JSON and their coordinates flattened.

use geo::Coord;
use serde::Deserializer;
use serde_json::{Map, Value};

/// A parsed document: its features and the legacy `crs` member, if any.
#[derive(Debug, Default)]
pub struct RawDocument {
    pub crs_name: Option<String>,
    pub features: Vec<RawFeature>,
}

#[derive(Debug, Default)]
pub struct RawFeature {
    /// Position in the file's `features` array (0-based).
    pub index: usize,
    /// The Feature's own `id` member, as text.
    pub id: Option<String>,
    pub properties: Map<String, Value>,
    pub geometry: Option<RawGeometry>,
}

#[derive(Debug, Default)]
pub struct RawGeometry {
    /// The `type` member ("Polygon", "MultiPolygon", "Point", ...), if present.
    pub kind: Option<String>,
    pub coords: Nested,
    /// True when the geometry had a `geometries` member (a GeometryCollection).
    pub has_geometries: bool,
}

/// Coordinates of any nesting depth, flattened.
#[derive(Debug, Default, Clone)]
pub struct Nested {
    pub points: Vec<Coord<f64>>,
    /// End offset in `points` of each array of positions (a ring or line).
    pub ring_ends: Vec<usize>,
    /// End offset in `ring_ends` of each array of rings (a polygon).
    pub polygon_ends: Vec<usize>,
    /// Depth of positions below the `coordinates` array: 0 = a single position (Point),
    /// 1 = positions (LineString), 2 = rings (Polygon), 3 = polygons (MultiPolygon).
    /// `None` when the array is empty.
    pub height: Option<u8>,
}

/// Most numbers a position may hold: x, y, then an optional height and measure.
pub(crate) const MAX_POSITION_NUMBERS: usize = 4;

/// The name in a legacy `"crs": {"type": "name", "properties": {"name": ...}}` member.
pub(crate) fn crs_member_name(value: &Value) -> Option<String> {
    let props = value.get("properties")?;
    if let Some(name) = props.get("name").and_then(Value::as_str) {
        return Some(name.to_string());
    }
    // The older "EPSG" style: {"type": "EPSG", "properties": {"code": 27700}}.
    props
        .get("code")
        .and_then(|c| c.as_u64())
        .map(|c| format!("EPSG:{c}"))
}

pub(crate) fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) struct PropertiesOrNull(pub(crate) Map<String, Value>);

impl<'de> serde::Deserialize<'de> for PropertiesOrNull {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value: Option<Map<String, Value>> = serde::Deserialize::deserialize(d)?;
        Ok(PropertiesOrNull(value.unwrap_or_default()))
    }
}
