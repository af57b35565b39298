//! A GeoJSON reader that streams coordinates straight into flat buffers.
//!
//! serde drives the parse, but no generic JSON tree of the document is built: each feature's
//! coordinates go into one `Vec<[f64; 2]>` with ring and polygon end offsets, whatever order the
//! members come in. Only `properties` (small) are kept as JSON values. The nesting depth of
//! `coordinates` is recorded, so `"type"` may come before or after it.

use std::cell::Cell;
use std::fmt;

use geo::Coord;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::raw::{crs_member_name, id_text, PropertiesOrNull, MAX_POSITION_NUMBERS};
pub use super::raw::{Duplicates, Nested, RawDocument, RawFeature, RawGeometry};

/// A parse failure: what went wrong and where.
#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// The feature being read when it failed, if any.
    pub feature: Option<usize>,
}

impl ParseError {
    /// The message and where it happened, without the feature.
    pub fn located(&self) -> String {
        if self.line > 0 {
            format!(
                "{} (line {}, column {})",
                self.message, self.line, self.column
            )
        } else {
            self.message.clone()
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.feature {
            write!(f, "feature #{i}: ")?;
        }
        f.write_str(&self.located())
    }
}

/// serde_json's recursion limit: deeper nesting is an error, not a stack overflow.
const MAX_DEPTH: usize = 128;

/// Parse a whole GeoJSON document (a FeatureCollection or a single Feature).
pub fn parse(bytes: &[u8]) -> Result<RawDocument, ParseError> {
    parse_with_progress(bytes, &mut |_| {})
}

/// [`parse`], calling `progress(offset)` with the byte offset reached after each feature
/// (on the fast path; a file that needs the serde reader reports no progress).
pub fn parse_with_progress(
    bytes: &[u8],
    progress: &mut dyn FnMut(usize),
) -> Result<RawDocument, ParseError> {
    let mut features = Vec::new();
    match parse_fast(bytes, &mut |f, offset| {
        features.push(f);
        progress(offset);
    }) {
        Ok(crs_name) => Ok(RawDocument { crs_name, features }),
        Err(GiveUp) => parse_serde(bytes),
    }
}

pub use super::scan::GiveUp;

/// The fast reader: hands each feature to `sink` with the byte offset reached, as soon as it is
/// read, and returns the `crs` member's name. It reads well-formed FeatureCollections; on
/// anything else (including every malformed file) it gives up, and the features already handed
/// over must be discarded: read the file with [`parse`] instead, which words and locates errors.
pub fn parse_fast(
    bytes: &[u8],
    sink: &mut dyn FnMut(RawFeature, usize),
) -> Result<Option<String>, GiveUp> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let skipped = bytes.len() - body.len();
    super::scan::parse(body, &mut |f, offset| sink(f, offset + skipped))
}

/// The serde-driven reader: accepts any GeoJSON document and explains every error.
/// Public only for the `scan_agrees` fuzz target, which checks the fast scanner against it.
#[doc(hidden)]
pub fn parse_serde(bytes: &[u8]) -> Result<RawDocument, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let current = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = de
        .deserialize_any(TopVisitor { current: &current })
        .and_then(|doc| de.end().map(|_| doc));
    result.map_err(|e| {
        let mut message = e.to_string();
        if let Some(at) = message.rfind(" at line ") {
            message.truncate(at);
        }
        // serde_json's own words for these two are cryptic.
        match message.as_str() {
            "recursion limit exceeded" => {
                message = format!("arrays or objects are nested more than {MAX_DEPTH} deep")
            }
            "expected value" => {
                message = "expected a JSON value (NaN, Infinity and bare words are not JSON)".into()
            }
            "invalid unicode code point" => {
                message = "a string is not valid UTF-8 (or has a bad \\u escape); save the file \
                           as UTF-8"
                    .into()
            }
            _ => {}
        }
        ParseError {
            message,
            line: e.line(),
            column: e.column(),
            feature: current.get(),
        }
    })?
}

struct TopVisitor<'c> {
    current: &'c Cell<Option<usize>>,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = Result<RawDocument, ParseError>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON object (FeatureCollection or Feature)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind: Option<String> = None;
        let mut features: Option<Vec<RawFeature>> = None;
        let mut crs_name = None;
        // Members of a lone Feature at the top level.
        let mut single = RawFeature::default();
        let mut seen = 0u8;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => kind = Some(map.next_value()?),
                "features" => {
                    features = Some(map.next_value_seed(FeaturesSeed {
                        current: self.current,
                    })?)
                }
                "crs" => crs_name = crs_member_name(&map.next_value::<Value>()?),
                "properties" => {
                    single.member_seen(&mut seen, "properties");
                    single.set_properties(map.next_value::<PropertiesOrNull>()?);
                }
                "geometry" => {
                    single.member_seen(&mut seen, "geometry");
                    single.geometry = map.next_value_seed(GeometrySeed)?.map(Box::new);
                }
                "id" => {
                    single.member_seen(&mut seen, "id");
                    single.id = id_text(&map.next_value::<Value>()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let wrong = |message: String| {
            Ok(Err(ParseError {
                message,
                line: 0,
                column: 0,
                feature: None,
            }))
        };
        let features = match (kind.as_deref(), features) {
            (Some("FeatureCollection") | None, Some(features)) => features,
            (Some("FeatureCollection"), None) => {
                return wrong("a FeatureCollection without a \"features\" array".into())
            }
            (Some("Feature"), _) => vec![single],
            (Some("Topology"), _) => {
                return wrong(
                    "the document is TopoJSON, not GeoJSON; convert it first, e.g. \
                     `mapshaper IN.json -o format=geojson OUT.geojson`"
                        .into(),
                )
            }
            (Some(other), _) => {
                return wrong(format!(
                    "the document is a {other}, not a FeatureCollection or Feature; \
                     wrap the geometry in a Feature"
                ))
            }
            (None, None) => {
                return wrong(
                    "not GeoJSON: the top-level object has no \"type\" and no \"features\"".into(),
                )
            }
        };
        Ok(Ok(RawDocument { crs_name, features }))
    }
}

struct FeaturesSeed<'c> {
    current: &'c Cell<Option<usize>>,
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = Vec<RawFeature>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_> {
    type Value = Vec<RawFeature>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of Features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            let index = out.len();
            self.current.set(Some(index));
            match seq.next_element_seed(FeatureSeed { index })? {
                Some(feature) => out.push(feature),
                None => break,
            }
        }
        self.current.set(None);
        Ok(out)
    }
}

struct FeatureSeed {
    index: usize,
}

impl<'de> DeserializeSeed<'de> for FeatureSeed {
    type Value = RawFeature;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed {
    type Value = RawFeature;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Feature object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut feature = RawFeature {
            index: self.index,
            ..RawFeature::default()
        };
        let mut seen = 0u8;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    feature.member_seen(&mut seen, "type");
                    let kind: String = map.next_value()?;
                    if kind != "Feature" {
                        return Err(de::Error::custom(format!(
                            "expected a Feature, found a {kind}"
                        )));
                    }
                }
                "properties" => {
                    feature.member_seen(&mut seen, "properties");
                    feature.set_properties(map.next_value::<PropertiesOrNull>()?);
                }
                "geometry" => {
                    feature.member_seen(&mut seen, "geometry");
                    feature.geometry = map.next_value_seed(GeometrySeed)?.map(Box::new);
                }
                "id" => {
                    feature.member_seen(&mut seen, "id");
                    feature.id = id_text(&map.next_value::<Value>()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(feature)
    }
}

/// A geometry object, or `null`.
struct GeometrySeed;

impl<'de> DeserializeSeed<'de> for GeometrySeed {
    type Value = Option<RawGeometry>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for GeometrySeed {
    type Value = Option<RawGeometry>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a geometry object or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut geometry = RawGeometry::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => geometry.kind = Some(map.next_value()?),
                "coordinates" => {
                    map.next_value_seed(CoordsSeed {
                        out: &mut geometry.coords,
                        top: true,
                    })?;
                }
                "geometries" => {
                    geometry.has_geometries = true;
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(geometry))
    }
}

/// One element of a coordinates array: a number, or a nested array of the given height.
enum Elem {
    Number(f64),
    Array(Option<u8>),
}

struct CoordsSeed<'a> {
    out: &'a mut Nested,
    top: bool,
}

impl<'de> DeserializeSeed<'de> for CoordsSeed<'_> {
    type Value = Elem;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CoordsSeed<'_> {
    type Value = Elem;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a coordinate array or number")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Elem, E> {
        if self.top {
            return Err(E::custom("\"coordinates\" must be an array"));
        }
        Ok(Elem::Number(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Elem, E> {
        self.visit_f64(v as f64)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Elem, E> {
        self.visit_f64(v as f64)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Elem, A::Error> {
        let out = self.out;
        let mut numbers = 0usize;
        let mut position = [0.0f64; 2];
        let mut child_height: Option<u8> = None;
        let mut children = 0usize;
        while let Some(elem) = seq.next_element_seed(CoordsSeed {
            out: &mut *out,
            top: false,
        })? {
            match elem {
                Elem::Number(v) => {
                    if children > 0 {
                        return Err(de::Error::custom(
                            "a coordinate array mixes numbers and arrays",
                        ));
                    }
                    if numbers < 2 {
                        position[numbers] = v;
                    }
                    numbers += 1;
                }
                Elem::Array(h) => {
                    if numbers > 0 {
                        return Err(de::Error::custom(
                            "a coordinate array mixes numbers and arrays",
                        ));
                    }
                    children += 1;
                    match (child_height, h) {
                        (_, None) => {}
                        (None, Some(h)) => child_height = Some(h),
                        (Some(a), Some(b)) if a != b => {
                            return Err(de::Error::custom(
                                "coordinate arrays are nested to different depths",
                            ))
                        }
                        _ => {}
                    }
                }
            }
        }
        if numbers > 0 {
            if numbers < 2 {
                return Err(de::Error::custom("a position needs at least two numbers"));
            }
            if numbers > MAX_POSITION_NUMBERS {
                return Err(de::Error::custom(format!(
                    "a position has {numbers} numbers; expected 2 to {MAX_POSITION_NUMBERS} \
                     (x, y, then optionally a height and a measure)"
                )));
            }
            if !position.iter().all(|v| v.is_finite()) {
                return Err(de::Error::custom("a position is not a finite number"));
            }
            out.points.push(Coord {
                x: position[0],
                y: position[1],
            });
            if self.top {
                out.height = Some(0);
            }
            return Ok(Elem::Array(Some(0)));
        }
        let height = match child_height {
            Some(h) if h >= 3 => {
                return Err(de::Error::custom("coordinates are nested too deeply"))
            }
            Some(h) => h + 1,
            None => return Ok(Elem::Array(None)),
        };
        match height {
            1 => out.ring_ends.push(out.points.len()),
            2 => out.polygon_ends.push(out.ring_ends.len()),
            _ => {}
        }
        if self.top {
            out.height = Some(height);
        }
        Ok(Elem::Array(Some(height)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<RawDocument, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn coordinates_before_type_and_multipolygon_offsets() {
        let doc = parse_str(
            r#"{"features":[{"geometry":{"coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2],[0.1,0.1]]],[[[5,5],[6,5],[6,6],[5,5]]]],"type":"MultiPolygon"},"properties":{"A":1},"type":"Feature"}],"type":"FeatureCollection"}"#,
        )
        .unwrap();
        let g = doc.features[0].geometry.as_ref().unwrap();
        assert_eq!(g.kind.as_deref(), Some("MultiPolygon"));
        assert_eq!(g.coords.height, Some(3));
        assert_eq!(g.coords.ring_ends, vec![4, 8, 12]);
        assert_eq!(g.coords.polygon_ends, vec![2, 3]);
    }

    #[test]
    fn third_dimension_is_ignored() {
        let doc = parse_str(
            r#"{"type":"Feature","properties":null,"geometry":{"type":"Polygon","coordinates":[[[0,0,9],[1,0,9],[1,1,9],[0,0,9]]]}}"#,
        )
        .unwrap();
        let g = doc.features[0].geometry.as_ref().unwrap();
        assert_eq!(g.coords.points[1], Coord { x: 1.0, y: 0.0 });
        assert_eq!(g.coords.height, Some(2));
    }

    #[test]
    fn crs_member_is_read() {
        let doc = parse_str(
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[]}"#,
        )
        .unwrap();
        assert_eq!(doc.crs_name.as_deref(), Some("urn:ogc:def:crs:EPSG::27700"));
    }

    #[test]
    fn truncated_file_names_the_feature() {
        let err = parse_str(
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null},{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,"#,
        )
        .unwrap_err();
        assert_eq!(err.feature, Some(1));
        assert!(err.message.contains("EOF"), "{err}");
    }

    #[test]
    fn wrong_types_are_errors() {
        for bad in [
            r#"{"type":"FeatureCollection","features":{}}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[["a",0]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":"x"}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0],[1,1]]]}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[[1,1]]]]}}]}"#,
            r#"{"type":"FeatureCollection"}"#,
            r#"[1,2,3]"#,
            r#"{"type":"Polygon","coordinates":[]}"#,
            "not json",
            "",
        ] {
            assert!(parse_str(bad).is_err(), "accepted {bad}");
        }
    }

    #[test]
    fn hostile_input_fails_cleanly() {
        let n = 100_000;
        let deep = |inner: &str| format!("{}{inner}{}", "[".repeat(n), "]".repeat(n));
        for (doc, says) in [
            (
                format!(
                    r#"{{"type":"Feature","properties":{{"a":{}}},"geometry":null}}"#,
                    deep("")
                ),
                "nested more than 128 deep",
            ),
            (
                format!(
                    r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":{}}}}}"#,
                    deep("0,0")
                ),
                "nested more than 128 deep",
            ),
            (
                format!(
                    r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[[[0,0],[{}1]]]}}}}"#,
                    "1,".repeat(1_000_000)
                ),
                "a position has 1000001 numbers",
            ),
            (
                r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,0]}}"#.into(),
                "NaN",
            ),
            (
                r#"{"type":"Topology","objects":{},"arcs":[]}"#.into(),
                "TopoJSON",
            ),
        ] {
            let err = parse_str(&doc).unwrap_err();
            assert!(err.message.contains(says), "{err}");
        }
    }
}
