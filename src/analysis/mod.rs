//! Pure analyses: layers and options in, report rows out. No printing, no files.

pub mod contain;
pub mod coterminosity;
pub mod dissolve;
pub mod mapping;
pub mod overlaps;
pub mod overlay;
pub mod spanning;
pub mod tolerance;
pub mod validate;
pub mod weights;

use serde::Serialize;

use crate::layer::Layer;

/// What every analysis report states about how it was made.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// Input files, by role.
    pub layers: Vec<LayerSummary>,
    pub tolerance_m: f64,
    pub tolerance_source: String,
    pub weights_file: Option<String>,
    pub weight_column: Option<String>,
    /// Pairs that overlapped only by slivers narrower than the tolerance.
    pub noise_pairs_dropped: usize,
    pub noise_km2_dropped: f64,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LayerSummary {
    pub role: String,
    pub file: String,
    pub code_field: String,
    pub crs: String,
    pub feature_count: usize,
    pub analysed_count: usize,
    pub skipped_count: usize,
    pub warnings: Vec<String>,
}

impl LayerSummary {
    pub fn new(role: &str, layer: &Layer) -> LayerSummary {
        LayerSummary {
            role: role.to_string(),
            file: layer.display_name(),
            code_field: layer.code_field.clone(),
            crs: layer.crs.epsg().to_string(),
            feature_count: layer.input_count,
            analysed_count: layer.features.len(),
            skipped_count: layer.skipped.len(),
            warnings: layer.warnings(),
        }
    }
}

/// Round for output: 6 decimals.
pub(crate) fn r6(v: f64) -> f64 {
    crate::report::round6(v)
}
