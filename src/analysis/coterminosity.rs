//! Coterminosity: does each footprint follow unit boundaries, or split units between plans?
//!
//! The overlay is units (a) x footprints (b). A unit is `whole` when exactly one footprint
//! retains it, `split` when two or more do, `outside` when none does. A footprint is
//! coterminous when no unit with a part in it is split.

use serde::Serialize;

use super::overlay::Overlay;
use super::weights::PairWeights;
use super::{r6, Context};
use crate::layer::Feature;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Whole,
    Split,
    Outside,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Whole => "whole",
            Status::Split => "split",
            Status::Outside => "outside",
        }
    }
}

/// One (unit, footprint) pair, or a unit outside every footprint (empty footprint).
#[derive(Debug, Clone, Serialize)]
pub struct UnitRow {
    pub unit_code: String,
    pub unit_name: String,
    pub footprint_code: String,
    pub footprint_name: String,
    pub overlap_km2: f64,
    pub unit_share: f64,
    pub status: Status,
    /// Present (possibly null) only with weights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_weight_share: Option<Option<f64>>,
    /// The footprint this unit fits best (largest weight share, else area).
    pub best_fit: bool,
    pub retained_by: Option<super::overlay::RetainedBy>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FootprintRow {
    pub footprint_code: String,
    pub footprint_name: String,
    pub area_km2: f64,
    pub coterminous: bool,
    pub units_whole: usize,
    pub units_split: usize,
    /// Codes of the split units with a part here.
    pub split_units: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub units: usize,
    pub units_whole: usize,
    pub units_split: usize,
    pub units_outside: usize,
    pub footprints: usize,
    pub footprints_coterminous: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoterminosityReport {
    #[serde(flatten)]
    pub context: Context,
    pub summary: Summary,
    pub footprints: Vec<FootprintRow>,
    pub units: Vec<UnitRow>,
}

pub fn analyse(
    units: &[Feature],
    footprints: &[Feature],
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    context: Context,
) -> CoterminosityReport {
    let mut rows = Vec::new();
    let mut status_of = vec![Status::Outside; units.len()];
    // Pair indices are positions in overlay.pairs, which is sorted by unit.
    let mut k = 0;
    for (u, unit) in units.iter().enumerate() {
        let start = k;
        while k < overlay.pairs.len() && overlay.pairs[k].a == u {
            k += 1;
        }
        let pairs = start..k;
        let status = match pairs.len() {
            0 => Status::Outside,
            1 => Status::Whole,
            _ => Status::Split,
        };
        status_of[u] = status;
        if pairs.is_empty() {
            rows.push(UnitRow {
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                footprint_code: String::new(),
                footprint_name: String::new(),
                overlap_km2: 0.0,
                unit_share: 0.0,
                status,
                unit_weight_share: weights.map(|_| None),
                best_fit: false,
                retained_by: None,
            });
            continue;
        }
        let weight_share = |k: usize| weights.and_then(|w| w.a_share[k]);
        let has_weight = weights.is_some_and(|w| w.a_total[u] > 0.0);
        let best = pairs
            .clone()
            .max_by(|&x, &y| {
                let key = |k: usize| {
                    if has_weight {
                        (weight_share(k).unwrap_or(0.0), overlay.pairs[k].area_m2)
                    } else {
                        (overlay.pairs[k].area_m2, 0.0)
                    }
                };
                key(x)
                    .partial_cmp(&key(y))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or(start);
        for k in pairs {
            let p = &overlay.pairs[k];
            let f = &footprints[p.b];
            rows.push(UnitRow {
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                footprint_code: f.code.clone(),
                footprint_name: f.name.clone(),
                overlap_km2: r6(p.area_m2 / 1e6),
                unit_share: r6(p.area_m2 / unit.area_m2),
                status,
                unit_weight_share: weights.map(|w| w.a_share[k].map(r6)),
                best_fit: k == best,
                retained_by: Some(p.retained_by),
            });
        }
    }

    let mut fp_rows: Vec<FootprintRow> = footprints
        .iter()
        .map(|f| FootprintRow {
            footprint_code: f.code.clone(),
            footprint_name: f.name.clone(),
            area_km2: r6(f.area_m2 / 1e6),
            coterminous: true,
            units_whole: 0,
            units_split: 0,
            split_units: Vec::new(),
        })
        .collect();
    for p in &overlay.pairs {
        let row = &mut fp_rows[p.b];
        match status_of[p.a] {
            Status::Whole => row.units_whole += 1,
            Status::Split => {
                row.units_split += 1;
                row.coterminous = false;
                row.split_units.push(units[p.a].code.clone());
            }
            Status::Outside => {}
        }
    }
    // A unit whose parts add up to more than itself sits where footprints overlap.
    let mut share_sum = vec![0.0; units.len()];
    for p in &overlay.pairs {
        share_sum[p.a] += p.area_m2 / units[p.a].area_m2;
    }
    let doubled: Vec<String> = share_sum
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > 1.02)
        .map(|(u, s)| format!("{} ({:.0}%)", units[u].code, s * 100.0))
        .collect();
    let mut context = context;
    if !doubled.is_empty() {
        context.warnings.push(format!(
            "footprints overlap: {} unit{} counted in more than one footprint for the same ground (parts add to over 100%): {}; check the footprints with `footprint overlaps`",
            doubled.len(),
            crate::layer::plural(doubled.len()),
            crate::layer::list_some(&doubled, 10)
        ));
    }
    let count = |s: Status| status_of.iter().filter(|x| **x == s).count();
    let summary = Summary {
        units: units.len(),
        units_whole: count(Status::Whole),
        units_split: count(Status::Split),
        units_outside: count(Status::Outside),
        footprints: footprints.len(),
        footprints_coterminous: fp_rows.iter().filter(|r| r.coterminous).count(),
    };
    CoterminosityReport {
        context,
        summary,
        footprints: fp_rows,
        units: rows,
    }
}
