//! Coterminosity: does each footprint follow unit boundaries, or split units between plans?
//!
//! The overlay is units (a) x footprints (b). A unit is `whole` when exactly one footprint
//! retains it, `split` when two or more do, `outside` when none does. A unit that no
//! footprint retains but that lies at the shore of their territory (see [`super::coast`]) is
//! `partly_outside`: it goes to its nearest footprint, with the share it has there. A
//! footprint is coterminous when no unit with a part in it is split.

use serde::Serialize;

use super::overlay::Overlay;
use super::weights::PairWeights;
use super::{Context, Verdict, Warning};
use crate::layer::Feature;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Whole,
    Split,
    /// In no footprint beyond slivers, but at the shore of their territory: given to the
    /// footprint it overlaps most, else the nearest within the tolerance.
    PartlyOutside,
    Outside,
    /// Outside every footprint, and of another country than all the footprints (see
    /// [`super::scope`]).
    OutOfScope,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Whole => "whole",
            Status::Split => "split",
            Status::PartlyOutside => "partly_outside",
            Status::Outside => "outside",
            Status::OutOfScope => "out_of_scope",
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
    #[serde(serialize_with = "crate::report::ser6")]
    pub overlap_km2: f64,
    #[serde(serialize_with = "crate::report::ser6")]
    pub unit_share: f64,
    pub status: Status,
    /// Present (possibly null) only with weights.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_opt"
    )]
    pub unit_weight_share: Option<Option<f64>>,
    /// With weights: the weight (e.g. residents) of the unit's points in this part, and in
    /// the whole unit.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub overlap_weight: Option<f64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub unit_weight: Option<f64>,
    /// The footprint this unit fits best (largest weight share, else area).
    pub best_fit: bool,
    pub retained_by: Option<super::overlay::RetainedBy>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FootprintRow {
    pub footprint_code: String,
    pub footprint_name: String,
    #[serde(serialize_with = "crate::report::ser6")]
    pub area_km2: f64,
    /// With weights: the weight of the points in the footprint.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub weight: Option<f64>,
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
    /// Units at the shore, in their nearest footprint (counted there as whole).
    pub units_partly_outside: usize,
    pub units_outside: usize,
    /// Set by [`super::scope::coterminosity`]; not written when 0 (no scope, or no unit out
    /// of it), so that reports without GSS codes stay as they were.
    #[serde(skip_serializing_if = "is_zero")]
    pub units_out_of_scope: usize,
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
    /// With `--small-areas`: the split units explained by their small areas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub small_areas: Option<super::small_areas::SmallAreas>,
}

impl CoterminosityReport {
    /// The unit rows of `status`, in order.
    pub fn units_with(&self, status: Status) -> impl Iterator<Item = &UnitRow> {
        self.units.iter().filter(move |r| r.status == status)
    }
}

pub fn analyse(
    units: &[Feature],
    footprints: &[Feature],
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    context: Context,
) -> CoterminosityReport {
    let homes = super::coast::homes(units, footprints, overlay);
    let (rows, status_of) = unit_rows(units, footprints, overlay, weights, &homes);
    let fp_rows = footprint_rows(units, footprints, overlay, weights, &status_of, &homes);
    let mut context = context;
    context.warnings.extend(overlap_warning(units, overlay));
    context.warnings.extend(
        weights.and_then(|w| super::weights::coarse_warning(w, overlay, units, footprints)),
    );
    let count = |s: Status| status_of.iter().filter(|x| **x == s).count();
    let summary = Summary {
        units: units.len(),
        units_whole: count(Status::Whole),
        units_split: count(Status::Split),
        units_partly_outside: count(Status::PartlyOutside),
        units_outside: count(Status::Outside),
        units_out_of_scope: 0,
        footprints: footprints.len(),
        footprints_coterminous: fp_rows.iter().filter(|r| r.coterminous).count(),
    };
    CoterminosityReport {
        context,
        summary,
        footprints: fp_rows,
        units: rows,
        small_areas: None,
    }
}

/// One row per (unit, footprint) part, or one for a unit outside every footprint; and each
/// unit's status.
fn unit_rows(
    units: &[Feature],
    footprints: &[Feature],
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    homes: &[Option<super::coast::Home>],
) -> (Vec<UnitRow>, Vec<Status>) {
    let mut rows = Vec::new();
    let mut status_of = vec![Status::Outside; units.len()];
    // Pair indices are positions in overlay.pairs, which is sorted by unit.
    let ranges = overlay.ranges_of_a(units.len());
    for ((u, unit), range) in units.iter().enumerate().zip(ranges) {
        let (start, k) = (range.start, range.end);
        let status = match (k - start, homes[u]) {
            (0, None) => Status::Outside,
            (0, Some(_)) => Status::PartlyOutside,
            (1, _) => Status::Whole,
            _ => Status::Split,
        };
        status_of[u] = status;
        let row = |footprint: Option<&Feature>| UnitRow {
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            footprint_code: footprint.map(|f| f.code.clone()).unwrap_or_default(),
            footprint_name: footprint.map(|f| f.name.clone()).unwrap_or_default(),
            overlap_km2: 0.0,
            unit_share: 0.0,
            status,
            unit_weight_share: weights.map(|_| None),
            overlap_weight: None,
            unit_weight: weights.map(|w| w.a_total[u]),
            best_fit: false,
            retained_by: None,
        };
        if start == k {
            rows.push(match homes[u] {
                Some(h) => UnitRow {
                    overlap_km2: h.raw_m2 / 1e6,
                    unit_share: h.raw_m2 / unit.area_m2,
                    best_fit: true,
                    ..row(Some(&footprints[h.footprint]))
                },
                None => row(None),
            });
            continue;
        }
        let best = best_fit(overlay, weights, u, start..k);
        for k in start..k {
            let p = &overlay.pairs[k];
            rows.push(UnitRow {
                overlap_km2: p.area_m2 / 1e6,
                unit_share: p.area_m2 / unit.area_m2,
                unit_weight_share: weights.map(|w| w.a_share[k]),
                overlap_weight: weights.map(|w| w.a_weight[k]),
                best_fit: k == best,
                retained_by: Some(p.retained_by),
                ..row(Some(&footprints[p.b]))
            });
        }
    }
    (rows, status_of)
}

/// The pair (of `pairs`, all of unit `u`) the unit fits best: the largest weight share when
/// the unit holds weight, else the largest area.
pub(crate) fn best_fit(
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    u: usize,
    pairs: std::ops::Range<usize>,
) -> usize {
    let has_weight = weights.is_some_and(|w| w.a_total[u] > 0.0);
    let key = |k: usize| {
        if has_weight {
            let share = weights.and_then(|w| w.a_share[k]).unwrap_or(0.0);
            (share, overlay.pairs[k].area_m2)
        } else {
            (overlay.pairs[k].area_m2, 0.0)
        }
    };
    let start = pairs.start;
    pairs
        .max_by(|&x, &y| {
            key(x)
                .partial_cmp(&key(y))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .unwrap_or(start)
}

/// One row per footprint: its whole and split units.
fn footprint_rows(
    units: &[Feature],
    footprints: &[Feature],
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    status_of: &[Status],
    homes: &[Option<super::coast::Home>],
) -> Vec<FootprintRow> {
    let mut fp_rows: Vec<FootprintRow> = footprints
        .iter()
        .enumerate()
        .map(|(j, f)| FootprintRow {
            footprint_code: f.code.clone(),
            footprint_name: f.name.clone(),
            area_km2: f.area_m2 / 1e6,
            weight: weights.map(|w| w.b_total[j]),
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
            Status::PartlyOutside | Status::Outside | Status::OutOfScope => {}
        }
    }
    for h in homes.iter().flatten() {
        fp_rows[h.footprint].units_whole += 1;
    }
    fp_rows
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A unit whose parts add up to more than itself sits where footprints overlap.
fn overlap_warning(units: &[Feature], overlay: &Overlay) -> Option<Warning> {
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
    (!doubled.is_empty()).then_some(Warning::FootprintsOverlap(doubled))
}

/// What a coterminosity check allows. `max_split_units` defaults to 0 (any split fails)
/// unless `max_split_share` is given, which then decides alone.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    pub max_split_units: Option<usize>,
    /// The most of a split unit (weight share with weights, else area) allowed outside its
    /// best-fit footprint.
    pub max_split_share: Option<f64>,
}

/// A split unit: how much lies outside its best fit, and its parts in words.
struct SplitUnit<'a> {
    code: &'a str,
    name: &'a str,
    outside: f64,
    parts: Vec<String>,
}

fn split_units(report: &CoterminosityReport) -> Vec<SplitUnit<'_>> {
    let mut split: Vec<SplitUnit> = Vec::new();
    for row in report.units_with(Status::Split) {
        let weighted = row.unit_weight_share.flatten();
        // The share as the report writes it (6 decimals): the verdict judges and words the
        // figures the reader sees.
        let share = crate::report::round6(weighted.unwrap_or(row.unit_share));
        let by = if weighted.is_some() { "weight" } else { "area" };
        if split.last().is_none_or(|s| s.code != row.unit_code) {
            split.push(SplitUnit {
                code: &row.unit_code,
                name: &row.unit_name,
                outside: 0.0,
                parts: Vec::new(),
            });
        }
        let Some(s) = split.last_mut() else { continue };
        if !row.best_fit {
            s.outside += share;
        }
        s.parts.push(format!(
            "{:.0}% of {by} in {}{}",
            share * 100.0,
            row.footprint_code,
            if row.best_fit { " (best fit)" } else { "" }
        ));
    }
    split
}

/// Pass when no more units are split than allowed, and none has more than the allowed share
/// outside its best fit.
pub fn verdict(report: &CoterminosityReport, limits: &Limits) -> Verdict {
    let split = split_units(report);
    let limit_units = limits
        .max_split_units
        .unwrap_or(if limits.max_split_share.is_some() {
            usize::MAX
        } else {
            0
        });
    let too_many = split.len() > limit_units;
    let too_split: Vec<&SplitUnit> = match limits.max_split_share {
        Some(x) => split.iter().filter(|s| s.outside > x).collect(),
        None => Vec::new(),
    };
    let passed = !too_many && too_split.is_empty();
    let mut summary = format!("{} of {} units split", split.len(), report.summary.units);
    if limit_units != usize::MAX {
        summary.push_str(&format!(" (at most {limit_units} allowed)"));
    }
    if let Some(x) = limits.max_split_share {
        summary.push_str(&format!(
            "; {} with more than {:.0}% outside its best-fit footprint",
            too_split.len(),
            x * 100.0
        ));
    }
    let shown: Vec<&SplitUnit> = match (passed, too_many) {
        (true, _) => Vec::new(),
        (false, true) => split.iter().collect(),
        (false, false) => too_split,
    };
    let failures = shown
        .iter()
        .map(|s| {
            format!(
                "{} {}: {:.0}% outside its best fit; {}",
                s.code,
                s.name,
                s.outside * 100.0,
                s.parts.join(", ")
            )
        })
        .collect();
    Verdict {
        passed,
        summary,
        failures,
    }
}

/// Pass when every unit lies in some footprint (`footprints` names the footprint layer).
pub fn verdict_in_footprints(report: &CoterminosityReport, footprints: &str) -> Verdict {
    let outside: Vec<String> = report
        .units_with(Status::Outside)
        .map(|r| format!("{} {}", r.unit_code, r.unit_name))
        .collect();
    let summary = format!(
        "{} of {} units in no footprint",
        outside.len(),
        report.summary.units
    );
    let failures = if outside.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "in no footprint of {footprints}: {}",
            crate::layer::list_some(&outside, 20)
        )]
    };
    Verdict {
        passed: outside.is_empty(),
        summary,
        failures,
    }
}

#[cfg(test)]
mod verdict_tests {
    use super::*;

    fn part(unit: &str, footprint: &str, share: f64, weight: Option<f64>, best: bool) -> UnitRow {
        UnitRow {
            unit_code: unit.into(),
            unit_name: format!("{unit} name"),
            footprint_code: footprint.into(),
            footprint_name: String::new(),
            overlap_km2: share * 10.0,
            unit_share: share,
            status: Status::Split,
            unit_weight_share: weight.map(Some),
            overlap_weight: None,
            unit_weight: None,
            best_fit: best,
            retained_by: None,
        }
    }

    fn report(units: Vec<UnitRow>, outside: &[&str]) -> CoterminosityReport {
        let mut units = units;
        for code in outside {
            units.push(UnitRow {
                status: Status::Outside,
                footprint_code: String::new(),
                ..part(code, "", 0.0, None, false)
            });
        }
        CoterminosityReport {
            context: Context::bare(0.0, ""),
            summary: Summary {
                units: 5,
                units_whole: 2,
                units_split: 2,
                units_partly_outside: 0,
                units_outside: outside.len(),
                units_out_of_scope: 0,
                footprints: 2,
                footprints_coterminous: 0,
            },
            footprints: vec![],
            units,
            small_areas: None,
        }
    }

    /// U1 split 70/30 by area; U2 split 59/41 by area but 97/3 by weight.
    fn two_splits() -> CoterminosityReport {
        report(
            vec![
                part("U1", "F1", 0.7, None, true),
                part("U1", "F2", 0.3, None, false),
                part("U2", "F1", 0.59, Some(0.97), true),
                part("U2", "F2", 0.41, Some(0.03), false),
            ],
            &[],
        )
    }

    #[test]
    fn limits_decide_as_the_flags_and_rules_say() {
        let r = two_splits();
        let cases = [
            // (max_split_units, max_split_share, passed, summary)
            (
                Some(0),
                None,
                false,
                "2 of 5 units split (at most 0 allowed)",
            ),
            (None, None, false, "2 of 5 units split (at most 0 allowed)"),
            (
                Some(2),
                None,
                true,
                "2 of 5 units split (at most 2 allowed)",
            ),
            (
                None,
                Some(0.05),
                false,
                "2 of 5 units split; 1 with more than 5% outside its best-fit footprint",
            ),
            (
                None,
                Some(0.35),
                true,
                "2 of 5 units split; 0 with more than 35% outside its best-fit footprint",
            ),
        ];
        for (units, share, passed, summary) in cases {
            let limits = Limits {
                max_split_units: units,
                max_split_share: share,
            };
            let v = verdict(&r, &limits);
            assert_eq!(
                (v.passed, v.summary.as_str()),
                (passed, summary),
                "{limits:?}"
            );
            assert_eq!(v.failures.is_empty(), passed, "{limits:?}");
        }
    }

    #[test]
    fn failures_name_each_split_unit_and_its_parts() {
        let v = verdict(&two_splits(), &Limits::default());
        assert_eq!(
            v.failures,
            [
                "U1 U1 name: 30% outside its best fit; 70% of area in F1 (best fit), 30% of area in F2",
                "U2 U2 name: 3% outside its best fit; 97% of weight in F1 (best fit), 3% of weight in F2",
            ]
        );
        // Only the units over the share limit are listed when the share decides.
        let v = verdict(
            &two_splits(),
            &Limits {
                max_split_units: None,
                max_split_share: Some(0.05),
            },
        );
        assert_eq!(v.failures.len(), 1);
        assert!(v.failures[0].starts_with("U1 "));
    }

    #[test]
    fn units_outside_every_footprint() {
        let v = verdict_in_footprints(&report(vec![], &["U9"]), "fp.geojson");
        assert!(!v.passed);
        assert_eq!(v.summary, "1 of 5 units in no footprint");
        assert_eq!(v.failures, ["in no footprint of fp.geojson: U9 U9 name"]);
        let v = verdict_in_footprints(&two_splits(), "fp.geojson");
        assert!(v.passed && v.failures.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::km_layer as layer;
    use crate::analysis::overlay::{overlay, RetainedBy};

    fn context() -> Context {
        Context::bare(300.0, "test")
    }

    /// F1 and F2 side by side (10 km squares, the line at x = 10 km); F3 apart, at 40 km.
    fn footprints() -> Vec<Feature> {
        layer(&[
            ("F1", [0.0, 0.0, 10.0, 10.0]),
            ("F2", [10.0, 0.0, 20.0, 10.0]),
            ("F3", [40.0, 0.0, 50.0, 10.0]),
        ])
    }

    /// W whole in F1; S split 60/40 between F1 and F2; O outside every footprint; C whole in F3.
    fn units() -> Vec<Feature> {
        layer(&[
            ("W", [1.0, 1.0, 4.0, 4.0]),
            ("S", [7.0, 5.0, 12.0, 9.0]),
            ("O", [30.0, 1.0, 32.0, 3.0]),
            ("C", [41.0, 1.0, 49.0, 9.0]),
        ])
    }

    fn rows_of<'a>(r: &'a CoterminosityReport, unit: &str) -> Vec<&'a UnitRow> {
        r.units.iter().filter(|u| u.unit_code == unit).collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn whole_split_and_outside_units() {
        let (u, f) = (units(), footprints());
        let o = overlay(&u, &f, 300.0, false);
        let r = analyse(&u, &f, &o, None, context());

        // Rows: one per retained pair, in unit order, and one for the unit outside.
        let order: Vec<(&str, &str)> = r
            .units
            .iter()
            .map(|u| (u.unit_code.as_str(), u.footprint_code.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("W", "F1"),
                ("S", "F1"),
                ("S", "F2"),
                ("O", ""),
                ("C", "F3")
            ]
        );

        let w = rows_of(&r, "W");
        assert_eq!(w[0].status, Status::Whole);
        assert!(w[0].best_fit);
        assert_eq!(w[0].unit_name, "W name");
        assert_eq!(w[0].footprint_name, "F1 name");
        assert!(close(w[0].unit_share, 1.0, 1e-6), "{}", w[0].unit_share);
        assert_eq!(w[0].retained_by, Some(RetainedBy::Width));
        assert_eq!(w[0].unit_weight_share, None);

        let s = rows_of(&r, "S");
        assert!(s.iter().all(|x| x.status == Status::Split));
        assert!(close(s[0].unit_share, 0.6, 0.002), "{}", s[0].unit_share);
        assert!(close(s[1].unit_share, 0.4, 0.002), "{}", s[1].unit_share);
        // About 12 km² and 8 km² (true areas differ from grid areas by the scale factor).
        assert!(close(s[0].overlap_km2, 12.0, 0.02), "{}", s[0].overlap_km2);
        // Without weights the best fit is the larger area.
        assert_eq!((s[0].best_fit, s[1].best_fit), (true, false));

        let out = rows_of(&r, "O");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Outside);
        assert_eq!(out[0].footprint_code, "");
        assert_eq!(out[0].footprint_name, "");
        assert_eq!((out[0].overlap_km2, out[0].unit_share), (0.0, 0.0));
        assert!(!out[0].best_fit);
        assert_eq!(out[0].retained_by, None);

        // Footprints: F1 and F2 hold a part of the split unit, F3 only a whole one.
        let fp: Vec<(&str, bool, usize, usize, Vec<String>)> = r
            .footprints
            .iter()
            .map(|f| {
                (
                    f.footprint_code.as_str(),
                    f.coterminous,
                    f.units_whole,
                    f.units_split,
                    f.split_units.clone(),
                )
            })
            .collect();
        assert_eq!(
            fp,
            [
                ("F1", false, 1, 1, vec!["S".to_string()]),
                ("F2", false, 0, 1, vec!["S".to_string()]),
                ("F3", true, 1, 0, vec![]),
            ]
        );
        assert!(close(r.footprints[0].area_km2, 100.0, 0.2));

        let s = &r.summary;
        assert_eq!(
            (
                s.units,
                s.units_whole,
                s.units_split,
                s.units_outside,
                s.footprints,
                s.footprints_coterminous
            ),
            (4, 2, 1, 1, 3, 1)
        );
        assert!(r.context.warnings.is_empty(), "{:?}", r.context.warnings);
    }

    #[test]
    fn a_sliver_leaves_a_unit_whole() {
        // 100 m of the unit lie over the line in F2: noise at a 300 m tolerance.
        let f = footprints();
        let u = layer(&[("U", [1.0, 1.0, 10.1, 9.0])]);
        let o = overlay(&u, &f, 300.0, false);
        let r = analyse(&u, &f, &o, None, context());
        assert_eq!(r.units.len(), 1);
        assert_eq!(r.units[0].status, Status::Whole);
        assert_eq!(r.units[0].footprint_code, "F1");
        assert!(r.footprints[0].coterminous && r.footprints[1].coterminous);
        // At tolerance 0 the sliver is a part: the unit is split.
        let raw = overlay(&u, &f, 0.0, false);
        let r = analyse(&u, &f, &raw, None, context());
        assert_eq!(r.summary.units_split, 1);
        assert!(r
            .units
            .iter()
            .all(|x| x.retained_by == Some(RetainedBy::Raw)));
    }

    #[test]
    fn a_unit_where_footprints_overlap_is_split_and_warned_about() {
        // F1 and F2 overlap in x = 5..10 km; U lies in the overlap, so both hold all of it.
        let f = layer(&[
            ("F1", [0.0, 0.0, 10.0, 10.0]),
            ("F2", [5.0, 0.0, 15.0, 10.0]),
        ]);
        let u = layer(&[("U", [6.0, 1.0, 9.0, 4.0]), ("V", [1.0, 1.0, 3.0, 3.0])]);
        let o = overlay(&u, &f, 300.0, false);
        let r = analyse(&u, &f, &o, None, context());
        let rows = rows_of(&r, "U");
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|x| x.status == Status::Split));
        assert!(rows.iter().all(|x| close(x.unit_share, 1.0, 1e-6)));
        // Equal shares: one best fit all the same, the later footprint (ties go to the last).
        assert_eq!(
            rows.iter().map(|x| x.best_fit).collect::<Vec<_>>(),
            [false, true]
        );
        assert_eq!(rows_of(&r, "V")[0].status, Status::Whole);
        assert!(matches!(
            r.context.warnings.as_slice(),
            [Warning::FootprintsOverlap(_)]
        ));
        let text: Vec<String> = r.context.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            ["footprints overlap: 1 unit counted in more than one footprint for the same ground \
              (parts add to over 100%): U (200%); check the footprints with `footprint overlaps`"]
        );
        assert!(!r.footprints[0].coterminous && !r.footprints[1].coterminous);
        assert_eq!(r.summary.footprints_coterminous, 0);
    }

    #[test]
    fn best_fit_follows_weight_before_area() {
        let (u, f) = (units(), footprints());
        let o = overlay(&u, &f, 300.0, false);
        // Pairs: (W,F1), (S,F1), (S,F2), (C,F3). Most of S's weight lies in its smaller part;
        // C holds no weight at all.
        assert_eq!(o.pairs.len(), 4);
        let w = PairWeights {
            a_share: vec![Some(1.0), Some(0.25), Some(0.75), None],
            b_share: vec![None; 4],
            a_weight: vec![0.0; 4],
            b_weight: vec![0.0; 4],
            a_total: vec![10.0, 8.0, 0.0, 0.0],
            b_total: vec![0.0; 3],
            ..PairWeights::default()
        };
        let r = analyse(&u, &f, &o, Some(&w), context());
        let s = rows_of(&r, "S");
        assert_eq!((s[0].best_fit, s[1].best_fit), (false, true));
        assert_eq!(s[0].unit_weight_share, Some(Some(0.25)));
        assert_eq!(s[1].unit_weight_share, Some(Some(0.75)));
        // No weight: the best fit is by area, and the share is present but null.
        let c = rows_of(&r, "C");
        assert!(c[0].best_fit);
        assert_eq!(c[0].unit_weight_share, Some(None));
        // The unit outside has a null weight share too, and no best fit.
        let out = rows_of(&r, "O");
        assert_eq!(out[0].unit_weight_share, Some(None));
        assert!(!out[0].best_fit);
        // Weights change no status.
        assert_eq!(r.summary.units_split, 1);
    }

    #[test]
    fn best_fit_by_area_when_the_unit_holds_no_weight() {
        let (u, f) = (units(), footprints());
        let o = overlay(&u, &f, 300.0, false);
        // S's shares would favour F2, but S holds no weight (a_total 0): area decides.
        let w = PairWeights {
            a_share: vec![None, Some(0.1), Some(0.9), None],
            b_share: vec![None; 4],
            a_weight: vec![0.0; 4],
            b_weight: vec![0.0; 4],
            a_total: vec![0.0; 4],
            b_total: vec![0.0; 3],
            ..PairWeights::default()
        };
        let r = analyse(&u, &f, &o, Some(&w), context());
        let s = rows_of(&r, "S");
        assert_eq!((s[0].best_fit, s[1].best_fit), (true, false));
    }

    #[test]
    fn status_names() {
        let names: Vec<&str> = [Status::Whole, Status::Split, Status::Outside]
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(names, ["whole", "split", "outside"]);
        assert_eq!(
            serde_json::to_string(&Status::Outside).unwrap(),
            "\"outside\""
        );
    }
}
