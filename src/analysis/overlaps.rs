//! Overlap report: every pair of features of two layers that overlap, noise removed.

use serde::Serialize;

use super::overlay::{Overlay, RetainedBy};
use super::weights::PairWeights;
use super::Context;
use crate::layer::Feature;

#[derive(Debug, Clone, Serialize)]
pub struct OverlapRow {
    pub a_code: String,
    pub a_name: String,
    pub b_code: String,
    pub b_name: String,
    #[serde(serialize_with = "crate::report::ser6")]
    pub overlap_km2: f64,
    #[serde(serialize_with = "crate::report::ser6")]
    pub a_share: f64,
    #[serde(serialize_with = "crate::report::ser6")]
    pub b_share: f64,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_opt"
    )]
    pub a_weight_share: Option<Option<f64>>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_opt"
    )]
    pub b_weight_share: Option<Option<f64>>,
    /// With weights: the weight (e.g. residents) of a's points in the overlap, and of b's.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub a_overlap_weight: Option<f64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub b_overlap_weight: Option<f64>,
    pub retained_by: RetainedBy,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverlapsReport {
    #[serde(flatten)]
    pub context: Context,
    pub pair_count: usize,
    pub rows: Vec<OverlapRow>,
}

pub fn rows(
    a: &[Feature],
    b: &[Feature],
    overlay: &Overlay,
    weights: Option<&PairWeights>,
) -> Vec<OverlapRow> {
    overlay
        .pairs
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (fa, fb) = (&a[p.a], &b[p.b]);
            OverlapRow {
                a_code: fa.code.clone(),
                a_name: fa.name.clone(),
                b_code: fb.code.clone(),
                b_name: fb.name.clone(),
                overlap_km2: p.area_m2 / 1e6,
                a_share: p.area_m2 / fa.area_m2,
                b_share: p.area_m2 / fb.area_m2,
                a_weight_share: weights.map(|w| w.a_share[k]),
                b_weight_share: weights.map(|w| w.b_share[k]),
                a_overlap_weight: weights.map(|w| w.a_weight[k]),
                b_overlap_weight: weights.map(|w| w.b_weight[k]),
                retained_by: p.retained_by,
            }
        })
        .collect()
}
