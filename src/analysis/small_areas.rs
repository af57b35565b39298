//! Small areas: every split unit explained by the small areas (LSOAs) on each side of the
//! line, the way ONS builds health geographies and its best-fit lookups.
//!
//! Each small area goes to the unit it fits best, and the small areas of split units go
//! whole to one footprint each: the one holding most of their weight when they hold weight,
//! else the one they overlap most. Both are the coterminosity rule for units (the same
//! overlay, the same tolerance, the same best fit). A small area that two or more
//! footprints retain beyond the tolerance *straddles* the line: it is listed in each part
//! with its share there, and flagged, because it means the footprints were not built from
//! these small areas.
//!
//! Only the small areas near split units are overlaid: those whose bounding box meets a
//! split unit's, with every unit (to find their own), then the members of split units with
//! the footprints.

use anyhow::Result;
use geo::Intersects;
use serde::Serialize;

use super::coterminosity::best_fit;
use super::overlay::Overlay;
use super::weights::PairWeights;
use super::Warning;
use crate::layer::Feature;

/// One small area in one part of a split unit; a straddling small area has a row per part.
#[derive(Debug, Clone, Serialize)]
pub struct SmallAreaRow {
    pub unit_code: String,
    pub unit_name: String,
    /// Empty when the small area lies in no footprint beyond slivers.
    pub footprint_code: String,
    pub footprint_name: String,
    pub small_area_code: String,
    pub small_area_name: String,
    /// The whole small area.
    #[serde(serialize_with = "crate::report::ser6")]
    pub small_area_km2: f64,
    /// With weights: the weight of the small area's points (the whole small area).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub small_area_weight: Option<f64>,
    /// This footprint is the one the unit fits best.
    pub best_fit: bool,
    /// The share of the small area in this footprint (by area).
    #[serde(serialize_with = "crate::report::ser6")]
    pub small_area_share: f64,
    /// The small area goes whole to this footprint.
    pub assigned: bool,
    /// Two or more footprints hold the small area beyond the tolerance.
    pub straddles: bool,
}

/// The small areas a part of a split unit holds whole.
#[derive(Debug, Clone, Serialize)]
pub struct PartRow {
    pub unit_code: String,
    pub unit_name: String,
    pub footprint_code: String,
    pub footprint_name: String,
    pub best_fit: bool,
    /// Small areas assigned whole to this part.
    pub small_areas: usize,
    #[serde(serialize_with = "crate::report::ser6")]
    pub small_area_km2: f64,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub small_area_weight: Option<f64>,
    /// Small areas with a part here that straddle the line.
    pub straddling: usize,
    /// The largest small areas assigned here (by weight with weights, else area), as
    /// "CODE NAME", at most [`LARGEST`].
    pub largest: Vec<String>,
}

/// How many of a part's small areas the part names.
pub const LARGEST: usize = 3;

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The small-area layer, as the report names it.
    pub layer: String,
    pub split_units: usize,
    /// Small areas listed (in split units).
    pub small_areas: usize,
    /// Of those, assigned outside their unit's best-fit footprint.
    pub outside_best_fit: usize,
    pub straddling: usize,
    /// Small areas of split units in no footprint beyond slivers.
    pub in_no_footprint: usize,
    /// Small areas near split units that straddle two or more units (the units were not
    /// built from them either); each is listed in the unit it fits best.
    pub straddling_units: usize,
    /// Split units in which no small area fits best (the small-area layer does not cover
    /// them).
    pub units_without_small_areas: Vec<String>,
    /// Whether small areas were assigned by weight where they hold it.
    pub by_weight: bool,
    /// With weights: listed small areas that hold no weight point (assigned by area).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub without_weight: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SmallAreas {
    pub summary: Summary,
    pub parts: Vec<PartRow>,
    pub rows: Vec<SmallAreaRow>,
}

impl SmallAreas {
    /// The rows of straddling small areas.
    pub fn straddling(&self) -> impl Iterator<Item = &SmallAreaRow> {
        self.rows.iter().filter(|r| r.straddles)
    }

    /// What the reader must know about how far the explanation goes: split units the small
    /// areas do not cover, and weights too coarse to place the small areas by.
    pub fn warnings(&self) -> Vec<Warning> {
        let s = &self.summary;
        let mut out = Vec::new();
        if !s.units_without_small_areas.is_empty() {
            out.push(Warning::Note(format!(
                "{}: no small area fits best in {} of the {} split units, which stay \
                 unexplained: {}; check that the small areas cover the units",
                s.layer,
                s.units_without_small_areas.len(),
                s.split_units,
                crate::layer::list_some(&s.units_without_small_areas, 10)
            )));
        }
        if let Some(none) = s.without_weight.filter(|&n| n * 2 > s.small_areas) {
            out.push(Warning::Note(format!(
                "weights too coarse for the small areas: {none} of the {} small areas of \
                 split units ({}) hold no weight point, so they are placed by area and \
                 their weight is 0; use weight points at least as fine as the small areas \
                 (e.g. their population-weighted centroids)",
                s.small_areas, s.layer
            )));
        }
        out
    }
}

/// The layer some small areas are overlaid with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    Units,
    Footprints,
}

/// An overlay of some small areas with the units or the footprints, with weighted shares
/// when there are weights (the caller's, which knows the tolerance, the weights and how to
/// name a failed pair).
pub type OverlayFn<'a> =
    dyn FnMut(&[Feature], Against) -> Result<(Overlay, Option<PairWeights>)> + 'a;

/// Explain the split units of `unit_overlay` (units x footprints, with its weights) by the
/// small areas of `small`, overlaying them with `overlay`.
pub fn explain(
    units: &[Feature],
    footprints: &[Feature],
    small: &[Feature],
    layer: &str,
    unit_overlay: &Overlay,
    unit_weights: Option<&PairWeights>,
    overlay: &mut OverlayFn<'_>,
) -> Result<SmallAreas> {
    let weighted = unit_weights.is_some();
    // Each split unit's retained pairs (positions in unit_overlay.pairs) and best fit.
    let mut parts_of: Vec<Option<(std::ops::Range<usize>, usize)>> = vec![None; units.len()];
    let mut split = Vec::new();
    for (u, chunk) in unit_overlay
        .ranges_of_a(units.len())
        .into_iter()
        .enumerate()
    {
        if chunk.len() >= 2 {
            let best = best_fit(unit_overlay, unit_weights, u, chunk.clone());
            parts_of[u] = Some((chunk, best));
            split.push(u);
        }
    }
    if split.is_empty() {
        return Ok(SmallAreas {
            summary: Summary {
                layer: layer.to_string(),
                split_units: 0,
                small_areas: 0,
                outside_best_fit: 0,
                straddling: 0,
                in_no_footprint: 0,
                straddling_units: 0,
                units_without_small_areas: Vec::new(),
                by_weight: weighted,
                without_weight: weighted.then_some(0),
            },
            parts: Vec::new(),
            rows: Vec::new(),
        });
    }
    // Small areas near a split unit, with every unit: which unit each fits best.
    let near: Vec<usize> = (0..small.len())
        .filter(|&s| {
            split
                .iter()
                .any(|&u| small[s].bbox.intersects(&units[u].bbox))
        })
        .collect();
    let near_features: Vec<Feature> = near.iter().map(|&s| small[s].clone()).collect();
    let (by_unit, unit_w) = overlay(&near_features, Against::Units)?;
    let mut members: Vec<(usize, usize)> = Vec::new(); // (small area, unit)
    let mut straddling_units = 0;
    for (c, chunk) in by_unit.ranges_of_a(near.len()).into_iter().enumerate() {
        if chunk.is_empty() {
            continue;
        }
        if chunk.len() > 1 {
            straddling_units += 1;
        }
        let home = by_unit.pairs[best_fit(&by_unit, unit_w.as_ref(), c, chunk)].b;
        if parts_of[home].is_some() {
            members.push((near[c], home));
        }
    }
    drop(near_features);
    // The members with the footprints: which footprint each goes to whole.
    let member_features: Vec<Feature> = members.iter().map(|&(s, _)| small[s].clone()).collect();
    let (by_fp, fp_w) = overlay(&member_features, Against::Footprints)?;
    let ranges = by_fp.ranges_of_a(members.len());
    let mut rows = Vec::new();
    let mut without_weight = 0;
    for (m, &(s, u)) in members.iter().enumerate() {
        let (unit, area) = (&units[u], &small[s]);
        let Some((_, best)) = &parts_of[u] else {
            continue;
        };
        let best_footprint = unit_overlay.pairs[*best].b;
        let weight = fp_w.as_ref().map(|w| w.a_total[m]);
        if weight == Some(0.0) {
            without_weight += 1;
        }
        let row = |footprint: Option<usize>, share: f64, assigned: bool, straddles: bool| {
            let f = footprint.map(|j| &footprints[j]);
            SmallAreaRow {
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                footprint_code: f.map(|f| f.code.clone()).unwrap_or_default(),
                footprint_name: f.map(|f| f.name.clone()).unwrap_or_default(),
                small_area_code: area.code.clone(),
                small_area_name: area.name.clone(),
                small_area_km2: area.area_m2 / 1e6,
                small_area_weight: weight,
                best_fit: footprint == Some(best_footprint),
                small_area_share: share,
                assigned,
                straddles,
            }
        };
        let chunk = ranges[m].clone();
        if chunk.is_empty() {
            rows.push(row(None, 0.0, false, false));
            continue;
        }
        let assigned = best_fit(&by_fp, fp_w.as_ref(), m, chunk.clone());
        let straddles = chunk.len() > 1;
        for k in chunk {
            let p = &by_fp.pairs[k];
            rows.push(row(
                Some(p.b),
                p.area_m2 / area.area_m2,
                k == assigned,
                straddles,
            ));
        }
    }
    // In unit order, each unit's parts in footprint order, small areas by code.
    let unit_pos: std::collections::HashMap<&str, usize> =
        split.iter().map(|&u| (units[u].code.as_str(), u)).collect();
    let fp_pos: std::collections::HashMap<&str, usize> = footprints
        .iter()
        .enumerate()
        .map(|(j, f)| (f.code.as_str(), j))
        .collect();
    let key = |r: &SmallAreaRow| {
        (
            unit_pos.get(r.unit_code.as_str()).copied(),
            fp_pos.get(r.footprint_code.as_str()).copied(),
        )
    };
    rows.sort_by(|x, y| {
        key(x)
            .cmp(&key(y))
            .then_with(|| x.small_area_code.cmp(&y.small_area_code))
    });
    let parts = part_rows(
        units,
        footprints,
        &split,
        &parts_of,
        unit_overlay,
        &rows,
        weighted,
    );
    let listed = |pred: &dyn Fn(&SmallAreaRow) -> bool| rows.iter().filter(|r| pred(r)).count();
    let units_without_small_areas = split
        .iter()
        .filter(|&&u| !members.iter().any(|&(_, m)| m == u))
        .map(|&u| units[u].code.clone())
        .collect();
    let summary = Summary {
        layer: layer.to_string(),
        split_units: split.len(),
        small_areas: members.len(),
        outside_best_fit: listed(&|r| r.assigned && !r.best_fit),
        straddling: listed(&|r| r.straddles && r.assigned),
        in_no_footprint: listed(&|r| r.footprint_code.is_empty()),
        straddling_units,
        units_without_small_areas,
        by_weight: weighted,
        without_weight: weighted.then_some(without_weight),
    };
    Ok(SmallAreas {
        summary,
        parts,
        rows,
    })
}

/// Each part of each split unit with the small areas it holds whole; a footprint that holds
/// a small area of the unit whole but is not one of its parts (the unit reaches it only by
/// slivers) gets a part too.
fn part_rows(
    units: &[Feature],
    footprints: &[Feature],
    split: &[usize],
    parts_of: &[Option<(std::ops::Range<usize>, usize)>],
    unit_overlay: &Overlay,
    rows: &[SmallAreaRow],
    weighted: bool,
) -> Vec<PartRow> {
    let mut parts = Vec::new();
    for &u in split {
        let Some((chunk, best)) = &parts_of[u] else {
            continue;
        };
        let unit = &units[u];
        let of_unit: Vec<&SmallAreaRow> =
            rows.iter().filter(|r| r.unit_code == unit.code).collect();
        let mut codes: Vec<&str> = chunk
            .clone()
            .map(|k| footprints[unit_overlay.pairs[k].b].code.as_str())
            .collect();
        for r in &of_unit {
            if r.assigned && !codes.contains(&r.footprint_code.as_str()) {
                codes.push(&r.footprint_code);
            }
        }
        let best_code = footprints[unit_overlay.pairs[*best].b].code.as_str();
        for code in codes {
            let here: Vec<&&SmallAreaRow> = of_unit
                .iter()
                .filter(|r| r.footprint_code == code)
                .collect();
            let whole: Vec<&SmallAreaRow> =
                here.iter().filter(|r| r.assigned).map(|r| **r).collect();
            let mut largest = whole.clone();
            largest.sort_by(|x, y| {
                let k = |r: &SmallAreaRow| (r.small_area_weight.unwrap_or(0.0), r.small_area_km2);
                k(y).partial_cmp(&k(x)).unwrap_or(std::cmp::Ordering::Equal)
            });
            let name = footprints
                .iter()
                .find(|f| f.code == code)
                .map(|f| f.name.clone())
                .unwrap_or_default();
            parts.push(PartRow {
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                footprint_code: code.to_string(),
                footprint_name: name,
                best_fit: code == best_code,
                small_areas: whole.len(),
                small_area_km2: whole.iter().map(|r| r.small_area_km2).sum(),
                small_area_weight: weighted
                    .then(|| whole.iter().filter_map(|r| r.small_area_weight).sum()),
                straddling: here.iter().filter(|r| r.straddles).count(),
                largest: largest
                    .iter()
                    .take(LARGEST)
                    .map(|r| format!("{} {}", r.small_area_code, r.small_area_name))
                    .collect(),
            });
        }
    }
    parts
}
