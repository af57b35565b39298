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
    /// [min_lon, min_lat, max_lon, max_lat] of the projected features, WGS84.
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
}

impl InspectReport {
    pub fn from_layer(layer: &Layer) -> InspectReport {
        let count =
            |r: fn(&SkipReason) -> bool| layer.skipped.iter().filter(|s| r(&s.reason)).count();
        let bbox = layer.bbox();
        let bbox_bng =
            bbox.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y].map(|v| v.round()));
        let bbox_wgs84 = bbox.map(|r| {
            let (x0, y0) = project::bng_to_wgs84(r.min().x, r.min().y);
            let (x1, y1) = project::bng_to_wgs84(r.max().x, r.max().y);
            let (x2, y2) = project::bng_to_wgs84(r.min().x, r.max().y);
            let (x3, y3) = project::bng_to_wgs84(r.max().x, r.min().y);
            [x0.min(x2), y0.min(y3), x1.max(x3), y1.max(y2)].map(round6)
        });
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
                    matches!(r, SkipReason::EmptyGeometry | SkipReason::NoArea(_))
                }),
                not_polygon: count(|r| matches!(r, SkipReason::NotPolygon(_))),
                invalid_geometry: layer.invalid_count(),
                duplicate_codes: layer.duplicate_codes.len(),
                missing_codes: layer.missing_codes.len(),
            },
            warnings: layer.warnings().iter().map(ToString::to_string).collect(),
        }
    }
}
