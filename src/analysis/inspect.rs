//! What one layer holds and how good it is: the facts `inspect` reports.

use serde::Serialize;

use crate::analysis::tolerance;
use crate::layer::{Layer, SkipReason};
use crate::project;
use crate::report::round6;

#[derive(Debug, Serialize)]
pub struct DefectCounts {
    pub null_geometry: usize,
    pub empty_geometry: usize,
    pub not_polygon: usize,
    pub invalid_geometry: usize,
    pub duplicate_codes: usize,
    pub missing_codes: usize,
}

/// The facts `inspect` reports about a layer.
#[derive(Debug, Serialize)]
pub struct InspectReport {
    pub file: String,
    /// Features in the file.
    pub feature_count: usize,
    /// Features loaded as polygons (the rest are skipped, with reasons in `warnings`).
    pub polygon_count: usize,
    pub code_field: String,
    pub name_field: Option<String>,
    pub crs: String,
    pub crs_source: String,
    /// [min_lon, min_lat, max_lon, max_lat], WGS84: the least and greatest of the file's own
    /// positions in a lon/lat file, of the features' vertices taken to lon/lat in a British
    /// National Grid one.
    pub bbox_wgs84: Option<[f64; 4]>,
    /// [min_e, min_n, max_e, max_n] in British National Grid metres.
    pub bbox_bng: Option<[f64; 4]>,
    pub area_km2: f64,
    pub vertex_count: usize,
    pub mean_segment_m: f64,
    pub mean_corner_spacing_m: f64,
    pub suggested_tolerance_m: f64,
    pub defects: DefectCounts,
    pub warnings: Vec<String>,
    /// What the codes say (GSS codes: country and entity), and the edition the code
    /// field's name suggests.
    pub codes: CodeFacts,
}

/// A layer's GSS codes counted by country and entity, and its likely edition.
#[derive(Debug, Serialize)]
pub struct CodeFacts {
    #[serde(flatten)]
    pub tally: crate::gss::Tally,
    /// e.g. `LAD 2021` from `LTLA21CD`; None when the field name does not say.
    pub edition: Option<String>,
    /// Features left out by `--where`.
    pub left_out: usize,
}

impl CodeFacts {
    pub fn of(layer: &Layer) -> CodeFacts {
        CodeFacts {
            tally: crate::gss::Tally::of(layer.features.iter().map(|f| f.code.as_str())),
            edition: crate::gss::edition(&layer.code_field).map(|e| e.to_string()),
            left_out: layer.left_out.iter().map(|l| l.count).sum(),
        }
    }
}

/// [min_lon, min_lat, max_lon, max_lat] of the layer's positions (see `bbox_wgs84`). Not the
/// projected box taken back: grid lines are not meridians, so that box's corners lie beyond
/// the data (by 0.6° of longitude for STP21).
fn lonlat_extent(layer: &Layer) -> Option<[f64; 4]> {
    if layer.crs == crate::layer::Crs::Wgs84 {
        return layer
            .input_extent
            .map(|(min, max)| [min[0], min[1], max[0], max[1]]);
    }
    let mut b: Option<[f64; 4]> = None;
    for f in &layer.features {
        for p in &f.geometry.0 {
            for c in std::iter::once(p.exterior())
                .chain(p.interiors())
                .flat_map(|r| &r.0)
            {
                let (lon, lat) = project::bng_to_wgs84(c.x, c.y);
                let e = b.get_or_insert([lon, lat, lon, lat]);
                *e = [e[0].min(lon), e[1].min(lat), e[2].max(lon), e[3].max(lat)];
            }
        }
    }
    b
}

impl InspectReport {
    pub fn from_layer(layer: &Layer) -> InspectReport {
        let count =
            |r: fn(&SkipReason) -> bool| layer.skipped.iter().filter(|s| r(&s.reason)).count();
        let bbox = layer.bbox();
        let bbox_bng =
            bbox.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y].map(|v| v.round()));
        let bbox_wgs84 = bbox.and(lonlat_extent(layer)).map(|b| b.map(round6));
        InspectReport {
            file: layer.display_name(),
            feature_count: layer.input_count,
            polygon_count: layer.features.len(),
            code_field: layer.code_field.clone(),
            name_field: layer.name_field.clone(),
            crs: layer.crs.epsg().to_string(),
            crs_source: layer.crs_source.to_string(),
            bbox_wgs84,
            bbox_bng,
            area_km2: round6(layer.features.iter().map(|f| f.area_m2).sum::<f64>() / 1e6),
            vertex_count: layer.resolution.vertices,
            mean_segment_m: (layer.resolution.mean_segment_m() * 10.0).round() / 10.0,
            mean_corner_spacing_m: (layer.resolution.mean_corner_spacing_m() * 10.0).round() / 10.0,
            suggested_tolerance_m: tolerance::suggested_m(&layer.resolution),
            defects: DefectCounts {
                null_geometry: count(|r| *r == SkipReason::NullGeometry),
                // Polygons with no area cover nothing either (and count as invalid too).
                empty_geometry: count(|r| {
                    matches!(
                        r,
                        SkipReason::EmptyGeometry
                            | SkipReason::Collapsed(_)
                            | SkipReason::NoArea(_)
                    )
                }),
                not_polygon: count(|r| matches!(r, SkipReason::NotPolygon(_))),
                invalid_geometry: layer.invalid_count(),
                duplicate_codes: layer.duplicate_codes.len(),
                missing_codes: layer.missing_codes.len(),
            },
            warnings: layer.warnings().iter().map(ToString::to_string).collect(),
            codes: CodeFacts::of(layer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{load_bytes, LoadOptions};

    fn report(text: &str) -> InspectReport {
        let layer = load_bytes(
            std::path::Path::new("t.geojson"),
            text.as_bytes(),
            &LoadOptions::default(),
        )
        .unwrap();
        InspectReport::from_layer(&layer)
    }

    #[test]
    fn bbox_wgs84_is_the_extent_of_the_positions() {
        // A thin diagonal triangle far west of the central meridian: the projected box taken
        // back to lon/lat reaches well beyond it.
        let r = report(
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"XCD":"A"},
            "geometry":{"type":"Polygon","coordinates":[[[-6.3,50.0],[-5.0,55.8],[-5.1,55.8],[-6.3,50.0]]]}}]}"#,
        );
        assert_eq!(r.bbox_wgs84, Some([-6.3, 50.0, -5.0, 55.8]));
    }

    #[test]
    fn bbox_wgs84_of_a_bng_layer_is_its_vertices_in_lonlat() {
        let (e0, n0) = project::wgs84_to_bng(-6.3, 50.0);
        let (e1, n1) = project::wgs84_to_bng(-5.0, 55.8);
        let (e2, n2) = project::wgs84_to_bng(-5.1, 55.8);
        let r = report(&format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"XCD":"A"}},
            "geometry":{{"type":"Polygon","coordinates":[[[{e0},{n0}],[{e1},{n1}],[{e2},{n2}],[{e0},{n0}]]]}}}}]}}"#
        ));
        assert_eq!(r.bbox_wgs84, Some([-6.3, 50.0, -5.0, 55.8]));
    }
}
