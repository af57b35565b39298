//! Building footprints from units and a unit → footprint mapping: dissolve each footprint's
//! units, and account for every unit and every mapped code.

use geo::MultiPolygon;
use serde::Serialize;

use super::dissolve::dissolve;
use super::mapping::{Coverage, Mapping};
use super::tolerance::Tolerance;
use super::LayerSummary;
use crate::error::KernelError;
use crate::layer::Layer;

/// One footprint written.
#[derive(Debug, Serialize)]
pub struct BuiltRow {
    pub footprint_code: String,
    pub footprint_name: String,
    pub unit_count: usize,
    #[serde(serialize_with = "crate::report::ser6")]
    pub area_km2: f64,
    pub seams_filled: usize,
    /// The dissolved footprint (written to the output layer, not to the report).
    #[serde(skip)]
    pub geometry: MultiPolygon<f64>,
}

#[derive(Debug, Serialize)]
pub struct BuildReport {
    pub layers: Vec<LayerSummary>,
    pub mapping_file: String,
    pub output_file: String,
    pub tolerance_m: f64,
    pub tolerance_source: String,
    pub warnings: Vec<String>,
    #[serde(flatten)]
    pub coverage: Coverage,
    /// Footprints with no unit in the layer, not written.
    pub empty_footprints: Vec<String>,
    pub footprints: Vec<BuiltRow>,
}

/// Dissolve the units of each mapped footprint. `warnings` are carried into the report, with
/// the mapping's coverage gaps and the empty footprints added.
pub fn build(
    units: &Layer,
    map: &Mapping,
    tolerance: &Tolerance,
    mut warnings: Vec<String>,
    output_file: String,
) -> Result<BuildReport, KernelError> {
    let coverage = super::mapping::cover(map, units);
    warnings.extend(coverage.warnings(map, units));
    let built =
        dissolve(&units.features, &coverage.members, tolerance.metres).map_err(|(g, e)| {
            let codes: Vec<String> = coverage.members[g]
                .iter()
                .map(|&i| units.features[i].code.clone())
                .collect();
            KernelError {
                what: format!(
                    "{}: footprint {}, the union of {}",
                    units.display_name(),
                    map.footprints[g].0,
                    crate::layer::list_some(&codes, 10)
                ),
                message: e.0,
            }
        })?;
    let mut rows = Vec::new();
    let mut empty = Vec::new();
    for (((code, name), members), d) in map.footprints.iter().zip(&coverage.members).zip(built) {
        if members.is_empty() {
            empty.push(code.clone());
            continue;
        }
        rows.push(BuiltRow {
            footprint_code: code.clone(),
            footprint_name: name.clone(),
            unit_count: members.len(),
            area_km2: d.area_m2 / 1e6,
            seams_filled: d.seams_filled,
            geometry: d.geometry,
        });
    }
    if !empty.is_empty() {
        warnings.push(format!(
            "{} footprint{} with no unit in the layer, not written: {}",
            empty.len(),
            crate::layer::plural(empty.len()),
            crate::layer::list_some(&empty, 10)
        ));
    }
    Ok(BuildReport {
        layers: vec![LayerSummary::new("units", units)],
        mapping_file: map.path.display().to_string(),
        output_file,
        tolerance_m: tolerance.metres,
        tolerance_source: tolerance.source.clone(),
        warnings,
        coverage,
        empty_footprints: empty,
        footprints: rows,
    })
}
