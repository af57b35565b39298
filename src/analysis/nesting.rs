//! Nesting: what nests in what, for an ordered pair of layers (A, B).
//!
//! Nothing is judged here that coterminosity does not judge already: A against B is the
//! coterminosity report with A's features as units and B's as footprints, and its statuses
//! are A's (whole in one B, split across several, outside every B, out of scope). On top:
//!
//! * **A nests in B** when every in-scope A feature is whole in one B feature: none split
//!   (coterminosity's verdict with no split allowed) and none outside every B (its
//!   every-unit-in-a-footprint verdict). An A feature at the shore of B's territory, given
//!   whole to its nearest B, counts as whole, as coterminosity counts it.
//! * **B is built from A** when A nests in B and every in-scope B feature is covered by A
//!   features: the part of it that no retained A pair covers (its area less the sum of the
//!   raw overlaps of its A pairs, slivers included) is no larger than a strip as wide as the
//!   tolerance along its boundary (tolerance x perimeter; at least [`MIN_PIECE_M2`]). That is:
//!   what A leaves of B, spread along B's outline, is no wider than the noise the tolerance
//!   allows. B features of another country than every A feature are out of scope, as in
//!   coterminosity. A is taken to be a coverage (`footprint validate` checks that).

use serde::Serialize;

use super::coterminosity::{self, CoterminosityReport, Limits, Status};
use super::overlay::{Overlay, MIN_PIECE_M2};
use super::Verdict;
use crate::layer::Feature;

/// A feature of B that A does not cover.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uncovered {
    pub code: String,
    pub name: String,
    /// Area of B covered by no retained A pair, km².
    #[serde(serialize_with = "crate::report::ser6")]
    pub uncovered_km2: f64,
    /// What the tolerance allows (tolerance x perimeter), km².
    #[serde(serialize_with = "crate::report::ser6")]
    pub allowed_km2: f64,
}

/// The rows of each unit in a coterminosity report made from `overlay` (units are its `a`):
/// the report holds a row per retained pair, or one for a unit with none.
pub fn unit_rows(overlay: &Overlay, units: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::with_capacity(units);
    let mut k = 0;
    for u in 0..units {
        let n = overlay.of_a(u).count().max(1);
        out.push(k..k + n);
        k += n;
    }
    out
}

/// Each unit's status in a coterminosity report made from `overlay`.
pub fn statuses(report: &CoterminosityReport, overlay: &Overlay, units: usize) -> Vec<Status> {
    unit_rows(overlay, units)
        .into_iter()
        .map(|r| {
            report
                .units
                .get(r.start)
                .map(|row| row.status)
                .unwrap_or(Status::Outside)
        })
        .collect()
}

/// The features of B (the units of `b_in_a`, the report of B against A made from
/// `overlay`, whose `a` side is B) that A does not cover; out-of-scope ones are left out.
pub fn uncovered(b_in_a: &CoterminosityReport, overlay: &Overlay, b: &[Feature]) -> Vec<Uncovered> {
    let status = statuses(b_in_a, overlay, b.len());
    b.iter()
        .enumerate()
        .filter(|(u, _)| status[*u] != Status::OutOfScope)
        .filter_map(|(u, f)| {
            let covered: f64 = overlay.of_a(u).map(|p| p.raw_m2).sum();
            let left = (f.area_m2 - covered).max(0.0);
            // The allowance is never under MIN_PIECE_M2: most features are covered, and their
            // outlines need not be measured.
            if left <= MIN_PIECE_M2 {
                return None;
            }
            let perimeter: f64 = f.geometry.0.iter().map(crate::geometry::perimeter_m).sum();
            let allowed = (overlay.tolerance_m * perimeter).max(MIN_PIECE_M2);
            (left > allowed).then(|| Uncovered {
                code: f.code.clone(),
                name: f.name.clone(),
                uncovered_km2: left / 1e6,
                allowed_km2: allowed / 1e6,
            })
        })
        .collect()
}

/// Whether A nests in B, from the report of A against B (`b_layer` names B): no A feature
/// split, and none outside every B. The one verdict of `matrix` (its grid, `--require-nested`)
/// and of `check`'s nesting rules.
pub fn nested(a_in_b: &CoterminosityReport, b_layer: &str) -> Verdict {
    let split = coterminosity::verdict(
        a_in_b,
        &Limits {
            max_split_units: Some(0),
            max_split_share: None,
        },
    );
    let inside = coterminosity::verdict_in_footprints(a_in_b, b_layer);
    Verdict {
        passed: split.passed && inside.passed,
        summary: format!("{}; {}", split.summary, inside.summary),
        failures: split.failures.into_iter().chain(inside.failures).collect(),
    }
}

/// Whether B is built from A: A nests in B (`nested`, from [`nested`]) and no B feature is
/// left uncovered (from [`uncovered`]; `b_features` is how many B has).
pub fn built_from(nested: &Verdict, uncovered: &[Uncovered], b_features: usize) -> Verdict {
    let mut failures = nested.failures.clone();
    failures.extend(uncovered.iter().map(|u| {
        format!(
            "{} {}: {:.3} km² not covered (the tolerance allows {:.3} km²)",
            u.code, u.name, u.uncovered_km2, u.allowed_km2
        )
    }));
    Verdict {
        passed: nested.passed && uncovered.is_empty(),
        summary: format!(
            "{}; {} of {b_features} features of the larger layer not covered",
            nested.summary,
            uncovered.len()
        ),
        failures,
    }
}

/// One part of a split A feature: the B feature it lies in, and how much of it.
#[derive(Debug, Clone, Serialize)]
pub struct SplitPart {
    pub a_code: String,
    pub a_name: String,
    pub b_code: String,
    pub b_name: String,
    #[serde(serialize_with = "crate::report::ser6")]
    pub overlap_km2: f64,
    #[serde(serialize_with = "crate::report::ser6")]
    pub a_share: f64,
    /// Present (possibly null) only with weights.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_opt"
    )]
    pub a_weight_share: Option<Option<f64>>,
    pub best_fit: bool,
}

/// One ordered pair (A, B): how A's features lie in B, and the verdicts.
#[derive(Debug, Clone, Serialize)]
pub struct PairRow {
    pub a_layer: String,
    pub b_layer: String,
    /// Every feature of A analysed: a_whole + a_split + a_outside + a_out_of_scope.
    pub a_features: usize,
    /// Whole in one B feature (a_at_shore of them given whole to their nearest B).
    pub a_whole: usize,
    pub a_split: usize,
    pub a_outside: usize,
    pub a_nested_in_b: bool,
    pub a_out_of_scope: usize,
    pub b_built_from_a: bool,
    pub tolerance_m: f64,
    pub tolerance_source: String,
    pub a_at_shore: usize,
    pub b_features: usize,
    /// In-scope B features that A does not cover.
    pub b_uncovered: usize,
    /// With weights: the share of the in-scope A features' weight in split ones, and in the
    /// parts of split ones outside their best-fit B (null when A holds no weight).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_opt"
    )]
    pub a_split_weight_share: Option<Option<f64>>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_opt"
    )]
    pub a_split_away_weight_share: Option<Option<f64>>,
    /// The parts of the split A features, feature by feature.
    pub split: Vec<SplitPart>,
    /// Codes of A features outside every B, and out of scope.
    pub outside: Vec<String>,
    pub out_of_scope: Vec<String>,
    pub uncovered: Vec<Uncovered>,
    pub nested: Verdict,
    pub built_from: Verdict,
}

impl PairRow {
    /// The codes of the split A features, in order.
    pub fn split_codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = Vec::new();
        let mut last: Option<(&str, &str)> = None;
        for p in &self.split {
            let key = (p.a_code.as_str(), p.a_name.as_str());
            if last != Some(key) {
                codes.push(&p.a_code);
                last = Some(key);
            }
        }
        codes
    }
}

/// The row of (A, B) from the two coterminosity reports of the pair: `a_in_b` (A as units)
/// and `b_in_a` (B as units, made from `overlay_ba`, whose `a` side is B's features `b`).
pub fn pair_row(
    a_layer: &str,
    b_layer: &str,
    a_in_b: &CoterminosityReport,
    b_in_a: &CoterminosityReport,
    overlay_ba: &Overlay,
    b: &[Feature],
) -> PairRow {
    let s = &a_in_b.summary;
    let nested_v = nested(a_in_b, b_layer);
    let uncovered = uncovered(b_in_a, overlay_ba, b);
    let built = built_from(&nested_v, &uncovered, b.len());
    let codes = |status: Status| -> Vec<String> {
        a_in_b
            .units_with(status)
            .map(|r| r.unit_code.clone())
            .collect()
    };
    let split: Vec<SplitPart> = a_in_b
        .units_with(Status::Split)
        .map(|r| SplitPart {
            a_code: r.unit_code.clone(),
            a_name: r.unit_name.clone(),
            b_code: r.footprint_code.clone(),
            b_name: r.footprint_name.clone(),
            overlap_km2: r.overlap_km2,
            a_share: r.unit_share,
            a_weight_share: r.unit_weight_share,
            best_fit: r.best_fit,
        })
        .collect();
    let (split_share, away_share) = if a_in_b.context.weighted() {
        let (shares, away) = weight_shares(a_in_b);
        (Some(shares), Some(away))
    } else {
        (None, None)
    };
    PairRow {
        a_layer: a_layer.to_string(),
        b_layer: b_layer.to_string(),
        a_features: s.units,
        a_whole: s.units_whole + s.units_partly_outside,
        a_split: s.units_split,
        a_outside: s.units_outside,
        a_nested_in_b: nested_v.passed,
        a_out_of_scope: s.units_out_of_scope,
        b_built_from_a: built.passed,
        tolerance_m: a_in_b.context.tolerance_m,
        tolerance_source: a_in_b.context.tolerance_source.clone(),
        a_at_shore: s.units_partly_outside,
        b_features: b.len(),
        b_uncovered: uncovered.len(),
        a_split_weight_share: split_share,
        a_split_away_weight_share: away_share,
        split,
        outside: codes(Status::Outside),
        out_of_scope: codes(Status::OutOfScope),
        uncovered,
        nested: nested_v,
        built_from: built,
    }
}

/// With weights: the shares of the in-scope weight of A in split features, and in the parts
/// of split features outside their best fit (None when A holds no weight in scope).
fn weight_shares(a_in_b: &CoterminosityReport) -> (Option<f64>, Option<f64>) {
    let (mut total, mut split, mut away) = (0.0, 0.0, 0.0);
    let mut last: Option<(&str, &str)> = None;
    for r in &a_in_b.units {
        if r.status == Status::OutOfScope {
            continue;
        }
        let key = (r.unit_code.as_str(), r.unit_name.as_str());
        // A unit's weight is on each of its rows: count it once.
        if last != Some(key) {
            let w = r.unit_weight.unwrap_or(0.0);
            total += w;
            if r.status == Status::Split {
                split += w;
            }
            last = Some(key);
        }
        if r.status == Status::Split && !r.best_fit {
            away += r.overlap_weight.unwrap_or(0.0);
        }
    }
    let share = |w: f64| (total > 0.0).then(|| w / total);
    (share(split), share(away))
}

/// Every ordered pair of several layers.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixReport {
    /// The layers in the order given, each with its label as its role.
    pub layers: Vec<super::LayerSummary>,
    /// "auto" (decided per pair) or "given".
    pub tolerance: String,
    pub weights_file: Option<String>,
    pub weight_column: Option<String>,
    /// Each warning once; those about one pair start with "A in B: ".
    pub warnings: Vec<String>,
    /// Ordered pairs: for each A in the order given, each other B.
    pub pairs: Vec<PairRow>,
}

impl MatrixReport {
    /// The labels of the layers, in order.
    pub fn labels(&self) -> Vec<&str> {
        self.layers.iter().map(|l| l.role.as_str()).collect()
    }

    /// The row of (a, b), by label.
    pub fn pair(&self, a: &str, b: &str) -> Option<&PairRow> {
        self.pairs.iter().find(|p| p.a_layer == a && p.b_layer == b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::km_layer as layer;
    use crate::analysis::overlay::overlay;
    use crate::analysis::Context;

    fn report(a: &[Feature], b: &[Feature], o: &Overlay) -> CoterminosityReport {
        coterminosity::analyse(a, b, o, None, Context::bare(o.tolerance_m, "test"))
    }

    /// B: two 10 km squares side by side. A: four 5 x 10 km halves, two in each.
    fn halves() -> (Vec<Feature>, Vec<Feature>) {
        let b = layer(&[
            ("B1", [0.0, 0.0, 10.0, 10.0]),
            ("B2", [10.0, 0.0, 20.0, 10.0]),
        ]);
        let a = layer(&[
            ("A1", [0.0, 0.0, 5.0, 10.0]),
            ("A2", [5.0, 0.0, 10.0, 10.0]),
            ("A3", [10.0, 0.0, 15.0, 10.0]),
            ("A4", [15.0, 0.0, 20.0, 10.0]),
        ]);
        (a, b)
    }

    #[test]
    fn halves_nest_and_build_the_squares() {
        let (a, b) = halves();
        let o = overlay(&a, &b, 300.0, false);
        let v = nested(&report(&a, &b, &o), "B");
        assert!(v.passed, "{v:?}");
        let t = o.transposed();
        let up = uncovered(&report(&b, &a, &t), &t, &b);
        assert!(up.is_empty(), "{up:?}");
        assert!(built_from(&v, &up, b.len()).passed);
        // The other way round: each square is split across two halves.
        let v = nested(&report(&b, &a, &t), "A");
        assert!(!v.passed);
        assert!(v.summary.starts_with("2 of 2 units split"), "{}", v.summary);
    }

    #[test]
    fn a_missing_piece_is_nesting_but_not_building() {
        // A3 is gone: B2 is half covered. A still nests in B.
        let (mut a, b) = halves();
        a.remove(2);
        let o = overlay(&a, &b, 300.0, false);
        let v = nested(&report(&a, &b, &o), "B");
        assert!(v.passed);
        let t = o.transposed();
        let up = uncovered(&report(&b, &a, &t), &t, &b);
        assert_eq!(up.len(), 1);
        assert_eq!(up[0].code, "B2");
        assert!((up[0].uncovered_km2 - 50.0).abs() < 0.2, "{up:?}");
        // 300 m x 40 km of outline.
        assert!((up[0].allowed_km2 - 12.0).abs() < 0.1, "{up:?}");
        let built = built_from(&v, &up, b.len());
        assert!(!built.passed);
        assert_eq!(built.failures.len(), 1);
        assert!(
            built.failures[0].starts_with("B2 B2 name: 50."),
            "{built:?}"
        );
    }

    #[test]
    fn a_feature_outside_every_b_does_not_nest() {
        let (mut a, b) = halves();
        a.extend(layer(&[("A5", [30.0, 0.0, 31.0, 1.0])]));
        let o = overlay(&a, &b, 300.0, false);
        let v = nested(&report(&a, &b, &o), "B");
        assert!(!v.passed);
        assert_eq!(
            v.failures,
            ["in no footprint of B: A5 A5 name"],
            "{}",
            v.summary
        );
    }

    #[test]
    fn statuses_follow_the_rows() {
        let (a, b) = halves();
        let o = overlay(&b, &a, 300.0, false);
        let r = report(&b, &a, &o);
        assert_eq!(statuses(&r, &o, 2), [Status::Split, Status::Split]);
    }
}
