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
    pub properties: Properties,
    /// Boxed: the checker takes it out, and a feature without it is then small (the layer's
    /// features are held until every one is built).
    pub geometry: Option<Box<RawGeometry>>,
    /// Keys given more than once in this feature, if any (boxed: almost always none, and
    /// there may be a million features).
    pub duplicates: Option<Box<Duplicates>>,
}

/// Keys a feature gives more than once; the last value is kept, as every JSON reader does.
#[derive(Debug, Default, PartialEq)]
pub struct Duplicates {
    /// Keys of `properties`, each once, in order.
    pub properties: Vec<String>,
    /// Members of the Feature object (`type`, `properties`, `geometry`, `id`), each once,
    /// in order.
    pub members: Vec<&'static str>,
}

impl RawFeature {
    /// A feature of a format without Feature `id` members or repeated keys (GeoPackage,
    /// FlatGeobuf, Shapefile): its position, properties and geometry.
    pub(crate) fn new(
        index: usize,
        properties: Properties,
        geometry: Option<RawGeometry>,
    ) -> RawFeature {
        RawFeature {
            index,
            id: None,
            properties,
            geometry: geometry.map(Box::new),
            duplicates: None,
        }
    }

    /// Note that the Feature member `name` was read: a second time is a duplicate.
    pub(crate) fn member_seen(&mut self, seen: &mut u8, name: &'static str) {
        let bit = match name {
            "type" => 1,
            "properties" => 2,
            "geometry" => 4,
            _ => 8,
        };
        if *seen & bit != 0 {
            let members = &mut self.duplicates.get_or_insert_default().members;
            if !members.contains(&name) {
                members.push(name);
            }
        }
        *seen |= bit;
    }

    /// Set `properties`, with the keys they repeat.
    pub(crate) fn set_properties(&mut self, p: PropertiesOrNull) {
        self.properties = p.0;
        if p.1.is_empty() {
            return;
        }
        let properties = &mut self.duplicates.get_or_insert_default().properties;
        for key in p.1 {
            if !properties.contains(&key) {
                properties.push(key);
            }
        }
    }
}

/// A feature's properties: each key once, in key order, as serde_json's `Map` (a B-tree)
/// keeps them, in a vector sized to fit. A B-tree node is 630 bytes however few the keys; a
/// boundary file's features have two or three, and there may be a million features (for
/// LSOA11, 22 MB of nodes became 4 MB).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Properties(Vec<(String, Value)>);

impl Properties {
    pub fn new() -> Properties {
        Properties(Vec::new())
    }

    /// Room for `n` keys (inserted in key order, each is added at the end).
    pub fn with_capacity(n: usize) -> Properties {
        Properties(Vec::with_capacity(n))
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Set `key` to `value`; the value it had, if any.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.find(&key) {
            Ok(k) => Some(std::mem::replace(&mut self.0[k].1, value)),
            Err(k) => {
                self.0.insert(k, (key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).ok().map(|k| &self.0[k].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Give back spare capacity (once all the keys are in).
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl std::ops::Index<&str> for Properties {
    type Output = Value;

    /// The value of `key`, or `null` when absent (as serde_json's `Map` indexes).
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl From<Map<String, Value>> for Properties {
    fn from(map: Map<String, Value>) -> Properties {
        // A Map iterates in key order, each key once: already sorted.
        Properties(map.into_iter().collect())
    }
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

/// A Feature's `properties` (null read as none), and the keys given more than once in it.
pub(crate) struct PropertiesOrNull(pub(crate) Properties, pub(crate) Vec<String>);

impl<'de> serde::Deserialize<'de> for PropertiesOrNull {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value: Option<MapNotingDuplicates> = serde::Deserialize::deserialize(d)?;
        Ok(value.map_or_else(
            || PropertiesOrNull(Properties::new(), Vec::new()),
            |m| PropertiesOrNull(m.0, m.1),
        ))
    }
}

/// Properties as serde_json deserialises a `Map` (same errors), noting repeated keys.
struct MapNotingDuplicates(Properties, Vec<String>);

impl<'de> serde::Deserialize<'de> for MapNotingDuplicates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = MapNotingDuplicates;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(MapNotingDuplicates(Properties::new(), Vec::new()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<Self::Value, A::Error> {
                let mut map = Properties::new();
                let mut repeated: Vec<String> = Vec::new();
                while let Some((key, value)) = access.next_entry::<String, Value>()? {
                    let again = map.contains_key(&key) && !repeated.contains(&key);
                    if again {
                        repeated.push(key.clone());
                    }
                    map.insert(key, value);
                }
                map.shrink_to_fit();
                Ok(MapNotingDuplicates(map, repeated))
            }
        }
        d.deserialize_map(V)
    }
}
