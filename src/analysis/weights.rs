//! Population (or any) weights: points with a weight, and weighted shares of overlaps.
//!
//! Area alone misleads: a trust's rural hinterland can outweigh its urban core by area. With
//! weights, a share is the fraction of a feature's weight (the points inside it) that lies in
//! the overlap.
//!
//! Attribution: a point in feature `a` counts toward each retained partner of `a` that contains
//! it. A point in no retained partner (it lies in a partner's noise sliver, or just outside a
//! partner whose line is drawn differently) counts toward the nearest retained partner within
//! the tolerance, so shares are not lost to slivers; in a sliver but beyond that, toward `a`'s
//! largest partner. A point in no partner and far from all is uncovered: it counts toward
//! nothing.

use std::collections::HashMap;
use std::path::PathBuf;

use geo::{Distance, Euclidean, Intersects, Point};
use rayon::prelude::*;

use super::overlay::Overlay;
use crate::index::EnvelopeIndex;
use crate::layer::Feature;

/// Weighted points in British National Grid metres.
#[derive(Debug, Clone)]
pub struct Points {
    pub path: PathBuf,
    pub xy: Vec<[f64; 2]>,
    pub weight: Vec<f64>,
    /// The weight column used, or None when every point weighs 1.
    pub column: Option<String>,
    pub notes: Vec<String>,
}

impl Points {
    pub fn total(&self) -> f64 {
        self.weight.iter().sum()
    }
}

/// For each point, the features (by position) that contain it.
pub fn locate(points: &Points, features: &[Feature]) -> Vec<Vec<usize>> {
    let index = EnvelopeIndex::new(features);
    points
        .xy
        .par_iter()
        .map(|&[x, y]| {
            let p = Point::new(x, y);
            let mut hits: Vec<usize> = index
                .at_point(x, y)
                .filter(|&i| features[i].geometry.intersects(&p))
                .collect();
            hits.sort_unstable();
            hits
        })
        .collect()
}

/// Weighted shares of each retained pair, from both sides.
#[derive(Debug, Clone, Default)]
pub struct PairWeights {
    /// Per pair of the overlay: share of a's weight in the overlap (None when a has no weight).
    pub a_share: Vec<Option<f64>>,
    pub b_share: Vec<Option<f64>>,
    /// Per pair: the weight counted in the overlap from a's points, and from b's (they differ
    /// only by points in slivers, which each side attributes to its own partners).
    pub a_weight: Vec<f64>,
    pub b_weight: Vec<f64>,
    /// Per pair: how many of a's points count in the overlap.
    pub a_points: Vec<usize>,
    /// Total weight in each feature.
    pub a_total: Vec<f64>,
    pub b_total: Vec<f64>,
    /// How many points lie in each feature of the first layer.
    pub a_count: Vec<usize>,
    /// Points in no feature of the first layer, and of the second.
    pub outside_a: Outside,
    pub outside_b: Outside,
    /// All the points, and their total weight.
    pub points: usize,
    pub total: f64,
}

/// Weight points in no feature of a layer: their weight counts toward none of its features.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Outside {
    pub points: usize,
    pub weight: f64,
}

impl Outside {
    fn add(&mut self, w: f64) {
        self.points += 1;
        self.weight += w;
    }
}

/// Weight points outside every feature of one layer, for the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutsideLayer {
    pub layer: String,
    pub points: usize,
    pub of_points: usize,
    pub weight: f64,
    pub of_weight: f64,
}

impl PairWeights {
    /// Each layer (named `a` and `b`) with points outside every feature.
    pub fn outside(&self, a: &str, b: &str) -> Vec<OutsideLayer> {
        [(self.outside_a, a), (self.outside_b, b)]
            .into_iter()
            .filter(|(o, _)| o.points > 0)
            .map(|(o, layer)| OutsideLayer {
                layer: layer.to_string(),
                points: o.points,
                of_points: self.points,
                weight: o.weight,
                of_weight: self.total,
            })
            .collect()
    }

    /// A warning for each layer (named `a` and `b`) with points outside every feature.
    pub fn notes(&self, a: &str, b: &str) -> Vec<String> {
        [(self.outside_a, a), (self.outside_b, b)]
            .into_iter()
            .filter_map(|(o, layer)| outside_note(o, self.points, self.total, layer))
            .collect()
    }
}

/// What to say of the points outside every feature of `layer`, if any are.
pub fn outside_note(o: Outside, points: usize, total: f64, layer: &str) -> Option<String> {
    if o.points == 0 {
        return None;
    }
    let weight = if total > 0.0 {
        format!(
            "{} of the total weight, {}",
            amount(o.weight),
            percent(o.weight / total)
        )
    } else {
        "weighing nothing".to_string()
    };
    Some(if o.points == points {
        format!(
            "all {points} weight points ({weight}) fall outside every feature of {layer}: no \
             point is in it, so its weighted shares are blank; check that the weights file \
             covers the same area as {layer}"
        )
    } else {
        format!(
            "{} of {points} weight points ({weight}) fall outside every feature of {layer}; \
             their weight counts nowhere in it",
            o.points
        )
    })
}

/// A weight as written in a message: whole numbers without decimals.
pub fn amount(w: f64) -> String {
    if w == w.round() && w.abs() < 1e15 {
        format!("{w:.0}")
    } else {
        let s = format!("{w:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A fraction as a percentage to one decimal, never rounded to 0% or 100%.
fn percent(f: f64) -> String {
    let p = f * 100.0;
    if p > 0.0 && p < 0.05 {
        "<0.1%".to_string()
    } else if (99.95..100.0).contains(&p) {
        ">99.9%".to_string()
    } else {
        format!("{p:.1}%")
    }
}

pub fn pair_weights(
    points: &Points,
    a: &[Feature],
    b: &[Feature],
    overlay: &Overlay,
) -> PairWeights {
    let in_a = locate(points, a);
    let in_b = locate(points, b);
    let pair_of: HashMap<(usize, usize), usize> = overlay
        .pairs
        .iter()
        .enumerate()
        .map(|(k, p)| ((p.a, p.b), k))
        .collect();
    // Retained partners of each feature, largest counted area first.
    let mut partners_a: Vec<Vec<usize>> = vec![Vec::new(); a.len()];
    let mut partners_b: Vec<Vec<usize>> = vec![Vec::new(); b.len()];
    for (k, p) in overlay.pairs.iter().enumerate() {
        partners_a[p.a].push(k);
        partners_b[p.b].push(k);
    }
    let by_area = |v: &mut Vec<usize>| {
        v.sort_by(|&x, &y| {
            overlay.pairs[y]
                .area_m2
                .total_cmp(&overlay.pairs[x].area_m2)
        })
    };
    partners_a.iter_mut().for_each(by_area);
    partners_b.iter_mut().for_each(by_area);
    let n = overlay.pairs.len();
    let (mut wa, mut wb) = (vec![Tally::default(); n], vec![Tally::default(); n]);
    let (mut a_total, mut b_total) = (vec![0.0; a.len()], vec![0.0; b.len()]);
    let mut a_count = vec![0; a.len()];
    let (mut outside_a, mut outside_b) = (Outside::default(), Outside::default());
    let tolerance = overlay.tolerance_m;
    for (p, &w) in points.weight.iter().enumerate() {
        let point = Point::new(points.xy[p][0], points.xy[p][1]);
        if in_a[p].is_empty() {
            outside_a.add(w);
        }
        if in_b[p].is_empty() {
            outside_b.add(w);
        }
        for &i in &in_a[p] {
            a_total[i] += w;
            a_count[i] += 1;
            let target = Attribution {
                containing: &in_b[p],
                pair: &|j| pair_of.get(&(i, j)).copied(),
                partners: &partners_a[i],
                partner_geometry: &|k| &b[overlay.pairs[k].b].geometry,
            };
            target.give(point, w, tolerance, &mut wa);
        }
        for &j in &in_b[p] {
            b_total[j] += w;
            let target = Attribution {
                containing: &in_a[p],
                pair: &|i| pair_of.get(&(i, j)).copied(),
                partners: &partners_b[j],
                partner_geometry: &|k| &a[overlay.pairs[k].a].geometry,
            };
            target.give(point, w, tolerance, &mut wb);
        }
    }
    let share = |w: f64, total: f64| (total > 0.0).then(|| w / total);
    PairWeights {
        a_share: overlay
            .pairs
            .iter()
            .zip(&wa)
            .map(|(p, t)| share(t.weight, a_total[p.a]))
            .collect(),
        b_share: overlay
            .pairs
            .iter()
            .zip(&wb)
            .map(|(p, t)| share(t.weight, b_total[p.b]))
            .collect(),
        a_weight: wa.iter().map(|t| t.weight).collect(),
        b_weight: wb.iter().map(|t| t.weight).collect(),
        a_points: wa.iter().map(|t| t.points).collect(),
        a_total,
        b_total,
        a_count,
        outside_a,
        outside_b,
        points: points.xy.len(),
        total: points.total(),
    }
}

/// The points, and their weight, that one side counts in a pair.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    weight: f64,
    points: usize,
}

impl Tally {
    fn add(&mut self, w: f64) {
        self.weight += w;
        self.points += 1;
    }
}

/// The fewest points a part must be expected to hold (at its feature's density of points)
/// before holding none of them is suspicious.
const COARSE_EXPECTED_POINTS: f64 = 0.5;

/// Parts of split features of the first layer (features with two or more retained pairs)
/// that hold no weight point although their area, at the feature's density of points, would
/// hold at least half of one. Their weight share of 0 says nothing: a 20% part of a council
/// with no MSOA point in it holds about 12% of its people by LSOA. (Parts holding a few
/// points are not flagged: on LTLA21 x STP21 with MSOA points, North Northamptonshire's 29%
/// part holds 2 of 39 points, 4.9% of the weight, and 9 of 194 LSOAs, 4.6%: right.)
/// Each is written as "CODE NAME in CODE (km², share of the feature, points)".
pub fn coarse_parts(
    w: &PairWeights,
    overlay: &Overlay,
    a: &[Feature],
    b: &[Feature],
) -> Vec<String> {
    let mut out = Vec::new();
    let mut first = 0;
    // Pairs are sorted by a: one group per feature of a, `first` its first pair's position.
    for group in overlay.pairs.chunk_by(|x, y| x.a == y.a) {
        let start = first;
        first += group.len();
        let i = group[0].a;
        let count = w.a_count.get(i).copied().unwrap_or(0);
        if group.len() < 2 || count == 0 {
            continue;
        }
        for (k, p) in (start..).zip(group) {
            let share = p.area_m2 / a[i].area_m2;
            let expected = count as f64 * share;
            let held = w.a_points.get(k).copied().unwrap_or(0);
            if held == 0 && expected >= COARSE_EXPECTED_POINTS {
                let name = &a[i].name;
                out.push(format!(
                    "{}{}{name} in {} ({:.1} km², {:.0}% of its area, none of its {count} points)",
                    a[i].code,
                    if name.is_empty() { "" } else { " " },
                    b[p.b].code,
                    p.area_m2 / 1e6,
                    share * 100.0
                ));
            }
        }
    }
    out
}

/// The coarse-weights warning for the parts [`coarse_parts`] finds, if any.
pub fn coarse_warning(
    w: &PairWeights,
    overlay: &Overlay,
    a: &[Feature],
    b: &[Feature],
) -> Option<super::Warning> {
    let parts = coarse_parts(w, overlay, a, b);
    (!parts.is_empty()).then_some(super::Warning::CoarseWeights(parts))
}

/// Where one point of one feature goes.
struct Attribution<'a> {
    /// Features of the other layer containing the point.
    containing: &'a [usize],
    /// The retained pair of this feature with a feature of the other layer, if any.
    pair: &'a dyn Fn(usize) -> Option<usize>,
    /// This feature's retained pairs, largest first.
    partners: &'a [usize],
    partner_geometry: &'a dyn Fn(usize) -> &'a geo::MultiPolygon<f64>,
}

impl Attribution<'_> {
    fn give(&self, point: Point<f64>, w: f64, tolerance: f64, out: &mut [Tally]) {
        let mut any = false;
        for &j in self.containing {
            if let Some(k) = (self.pair)(j) {
                out[k].add(w);
                any = true;
            }
        }
        if any || self.partners.is_empty() {
            return;
        }
        // Nearest retained partner within the tolerance.
        let nearest = self
            .partners
            .iter()
            .map(|&k| (Euclidean.distance(&point, (self.partner_geometry)(k)), k))
            .min_by(|x, y| x.0.total_cmp(&y.0));
        match nearest {
            Some((d, k)) if d <= tolerance => out[k].add(w),
            // In some partner's noise sliver: the main partner.
            _ if !self.containing.is_empty() => out[self.partners[0]].add(w),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{feature_at, rect, KM, X, Y};
    use crate::analysis::overlay::overlay;
    use geo::{LineString, Polygon};

    /// Points at (x, y) km from (X, Y), with weights.
    fn points(at: &[(f64, f64, f64)]) -> Points {
        Points {
            path: PathBuf::from("points.csv"),
            xy: at
                .iter()
                .map(|&(x, y, _)| [X + x * KM, Y + y * KM])
                .collect(),
            weight: at.iter().map(|&(_, _, w)| w).collect(),
            column: Some("population".into()),
            notes: Vec::new(),
        }
    }

    fn square(i: usize, code: &str, [x0, y0, x1, y1]: [f64; 4]) -> Feature {
        feature_at(
            i,
            code,
            rect(X + x0 * KM, Y + y0 * KM, X + x1 * KM, Y + y1 * KM),
        )
    }

    /// F1 and F2 side by side, 10 km squares, the line at x = 10 km.
    fn footprints() -> Vec<Feature> {
        vec![
            square(0, "F1", [0.0, 0.0, 10.0, 10.0]),
            square(1, "F2", [10.0, 0.0, 20.0, 10.0]),
        ]
    }

    #[test]
    fn locate_finds_every_feature_holding_a_point() {
        let f = footprints();
        let p = points(&[
            (5.0, 5.0, 1.0),   // in F1
            (15.0, 5.0, 1.0),  // in F2
            (10.0, 5.0, 1.0),  // on the shared line: both
            (0.0, 0.0, 1.0),   // F1's corner
            (25.0, 5.0, 1.0),  // in neither
            (10.0, 10.5, 1.0), // above both
        ]);
        assert_eq!(
            locate(&p, &f),
            [vec![0], vec![1], vec![0, 1], vec![0], vec![], vec![]]
        );
        // Overlapping features: a point in both is in both, in position order.
        let g = vec![
            square(0, "B", [5.0, 0.0, 15.0, 10.0]),
            square(1, "A", [0.0, 0.0, 10.0, 10.0]),
        ];
        assert_eq!(
            locate(&p, &g),
            [vec![0, 1], vec![0], vec![0, 1], vec![1], vec![], vec![]]
        );
    }

    #[test]
    fn weight_in_a_pair_counts_toward_it_from_both_sides() {
        let f = footprints();
        // U split 60/40 between F1 and F2.
        let u = vec![square(0, "U", [4.0, 1.0, 14.0, 9.0])];
        let o = overlay(&u, &f, 300.0, false);
        assert_eq!(o.pairs.len(), 2);
        let p = points(&[
            (5.0, 5.0, 30.0),  // U and F1
            (12.0, 5.0, 10.0), // U and F2
            (13.0, 8.0, 20.0), // U and F2
            (16.0, 5.0, 40.0), // F2 only, 2 km from U: no pair
            (30.0, 5.0, 5.0),  // nothing
        ]);
        let w = pair_weights(&p, &u, &f, &o);
        assert_eq!(w.a_total, [60.0]);
        assert_eq!(w.b_total, [30.0, 70.0]);
        assert_eq!(w.outside_a.weight, 45.0);
        assert_eq!(w.a_share, [Some(0.5), Some(0.5)]);
        assert_eq!(w.b_share, [Some(1.0), Some(30.0 / 70.0)]);
        // The head counts behind the shares, and the points behind them.
        assert_eq!(w.a_weight, [30.0, 30.0]);
        assert_eq!(w.b_weight, [30.0, 30.0]);
        assert_eq!(w.a_points, [1, 2]);
        assert_eq!(w.a_count, [3]);
    }

    #[test]
    fn a_part_with_no_point_is_named_when_its_size_says_it_should_hold_some() {
        let f = footprints();
        // U split 60/40 between F1 and F2.
        let u = vec![square(0, "U", [4.0, 1.0, 14.0, 9.0])];
        let o = overlay(&u, &f, 300.0, false);
        let five_in_f1 = points(&[(5.0, 5.0, 1.0); 5]);
        let w = pair_weights(&five_in_f1, &u, &f, &o);
        // 40% of 5 points is 2 expected in F2, none held.
        let coarse = coarse_parts(&w, &o, &u, &f);
        assert_eq!(coarse.len(), 1);
        assert!(
            coarse[0].starts_with("U in F2 (32.0 km², 40% of its area, none of its 5 points)"),
            "{}",
            coarse[0]
        );
        // One point in F2 is a measurement, however rough.
        let one_in_f2 = points(&[(5.0, 5.0, 1.0), (5.0, 5.0, 1.0), (12.0, 5.0, 1.0)]);
        let w = pair_weights(&one_in_f2, &u, &f, &o);
        assert!(coarse_parts(&w, &o, &u, &f).is_empty());
        // One point in all: 40% of it is under half a point, so an empty part is no surprise.
        let one = points(&[(5.0, 5.0, 1.0)]);
        let w = pair_weights(&one, &u, &f, &o);
        assert!(coarse_parts(&w, &o, &u, &f).is_empty());
    }

    #[test]
    fn no_weight_no_share() {
        let f = footprints();
        let u = vec![
            square(0, "U", [1.0, 1.0, 4.0, 4.0]),
            square(1, "V", [11.0, 1.0, 14.0, 4.0]),
        ];
        let o = overlay(&u, &f, 300.0, false);
        let p = points(&[(2.0, 2.0, 7.0)]);
        let w = pair_weights(&p, &u, &f, &o);
        assert_eq!(w.a_share, [Some(1.0), None]);
        assert_eq!(w.b_share, [Some(1.0), None]);
        assert_eq!(w.a_total, [7.0, 0.0]);
        assert_eq!(w.b_total, [7.0, 0.0]);
        assert_eq!(w.outside_a.weight, 0.0);
    }

    /// U: a body in F1 that reaches 2 km below the footprints, and a finger 100 m wide running
    /// 2 km into F2 (a sliver at a 300 m tolerance, so U and F2 are no pair). V lies in F2.
    fn fingered() -> Vec<Feature> {
        let c = |x: f64, y: f64| (X + x * KM, Y + y * KM);
        let ring = LineString::from(vec![
            c(1.0, -2.0),
            c(9.0, -2.0),
            c(9.0, 5.0),
            c(12.0, 5.0),
            c(12.0, 5.1),
            c(9.0, 5.1),
            c(9.0, 9.0),
            c(1.0, 9.0),
            c(1.0, -2.0),
        ]);
        vec![
            feature_at(0, "U", Polygon::new(ring, vec![])),
            square(1, "V", [14.0, 1.0, 16.0, 3.0]),
        ]
    }

    #[test]
    fn points_off_every_pair_go_near_or_to_the_main_partner() {
        let f = footprints();
        let u = fingered();
        let o = overlay(&u, &f, 300.0, false);
        let pairs: Vec<(usize, usize)> = o.pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(pairs, [(0, 0), (1, 1)]);
        let p = points(&[
            (5.0, 5.0, 10.0),  // U and F1: the pair (U, F1)
            (11.9, 5.05, 3.0), // U's finger tip in F2, 1.9 km from F1: U's main partner
            (5.0, -1.0, 7.0),  // U below the footprints, 1 km from F1: uncovered
            (5.0, -0.1, 2.0),  // U below the footprints, 100 m from F1: the nearest partner
            (15.0, 8.0, 4.0),  // F2 only, far from V
            (15.0, 3.2, 6.0),  // F2 only, 200 m from V: the nearest partner
        ]);
        let w = pair_weights(&p, &u, &f, &o);
        assert_eq!(w.a_total, [22.0, 0.0]);
        assert_eq!(w.b_total, [10.0, 13.0]);
        assert_eq!(w.outside_a.weight, 10.0);
        // U: 10 + 3 + 2 of 22 to (U, F1); V holds no weight.
        assert_eq!(w.a_share, [Some(15.0 / 22.0), None]);
        // F1: all 10 in U. F2: the finger tip lies in U, whose pair with F2 is noise, so it
        // goes to F2's main partner V (3), with the point near V (6) — the point far from V
        // (4) to nothing.
        assert_eq!(w.b_share, [Some(1.0), Some(9.0 / 13.0)]);
    }

    #[test]
    fn the_nearest_partner_is_judged_against_the_tolerance() {
        let f = footprints();
        let u = fingered();
        // The point 100 m below F1 goes to (U, F1) at 300 m, but not at a 50 m tolerance
        // (and the finger is then no longer a sliver: U and F2 are a pair).
        let o = overlay(&u, &f, 50.0, false);
        let pairs: Vec<(usize, usize)> = o.pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(pairs, [(0, 0), (0, 1), (1, 1)]);
        let p = points(&[(5.0, 5.0, 10.0), (5.0, -0.1, 2.0), (11.9, 5.05, 3.0)]);
        let w = pair_weights(&p, &u, &f, &o);
        assert_eq!(w.a_total, [15.0, 0.0]);
        assert_eq!(w.a_share, [Some(10.0 / 15.0), Some(3.0 / 15.0), None]);
    }
}

#[cfg(test)]
mod outside_tests {
    use super::*;
    use crate::analysis::fixtures::{feature_at, rect};
    use crate::analysis::overlay::overlay;

    fn points(xy: &[[f64; 2]], weight: &[f64]) -> Points {
        Points {
            path: PathBuf::from("w.csv"),
            xy: xy.to_vec(),
            weight: weight.to_vec(),
            column: Some("population".into()),
            notes: vec![],
        }
    }

    fn units() -> Vec<Feature> {
        vec![
            feature_at(0, "U1", rect(0.0, 0.0, 1000.0, 1000.0)),
            feature_at(1, "U2", rect(1000.0, 0.0, 2000.0, 1000.0)),
        ]
    }

    #[test]
    fn points_outside_each_layer_are_counted() {
        let a = units();
        let b = vec![feature_at(0, "F", rect(0.0, 0.0, 1000.0, 1000.0))];
        let ov = overlay(&a, &b, 10.0, false);
        // In U1 and F; in U2 only; in neither.
        let pts = points(
            &[[500.0, 500.0], [1500.0, 500.0], [5000.0, 5000.0]],
            &[10.0, 20.0, 5.0],
        );
        let pw = pair_weights(&pts, &a, &b, &ov);
        assert_eq!(
            pw.outside_a,
            Outside {
                points: 1,
                weight: 5.0
            }
        );
        assert_eq!(
            pw.outside_b,
            Outside {
                points: 2,
                weight: 25.0
            }
        );
        assert_eq!((pw.points, pw.total), (3, 35.0));
        // U2's point is in its total though in no pair.
        assert_eq!(pw.a_total, vec![10.0, 20.0]);
        assert_eq!(
            pw.outside("units", "footprints"),
            vec![
                OutsideLayer {
                    layer: "units".into(),
                    points: 1,
                    of_points: 3,
                    weight: 5.0,
                    of_weight: 35.0,
                },
                OutsideLayer {
                    layer: "footprints".into(),
                    points: 2,
                    of_points: 3,
                    weight: 25.0,
                    of_weight: 35.0,
                },
            ]
        );
        assert_eq!(
            pw.notes("units.geojson", "footprints.geojson"),
            vec![
                "1 of 3 weight points (5 of the total weight, 14.3%) fall outside every \
                 feature of units.geojson; their weight counts nowhere in it"
                    .to_string(),
                "2 of 3 weight points (25 of the total weight, 71.4%) fall outside every \
                 feature of footprints.geojson; their weight counts nowhere in it"
                    .to_string(),
            ]
        );
    }

    #[test]
    fn no_note_when_every_point_is_inside() {
        let a = units();
        let ov = overlay(&a, &a, 10.0, false);
        let pts = points(&[[500.0, 500.0], [1500.0, 500.0]], &[1.0, 2.0]);
        let pw = pair_weights(&pts, &a, &a, &ov);
        assert_eq!(pw.outside_a, Outside::default());
        assert!(pw.notes("a", "b").is_empty());
    }

    #[test]
    fn all_points_outside_says_the_shares_are_blank() {
        let a = units();
        let b = vec![feature_at(0, "F", rect(1e4, 1e4, 1.1e4, 1.1e4))];
        let ov = overlay(&a, &b, 10.0, false);
        let pts = points(&[[500.0, 500.0], [1500.0, 500.0]], &[1.0, 2.0]);
        let pw = pair_weights(&pts, &a, &b, &ov);
        let notes = pw.notes("a", "b");
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].starts_with(
                "all 2 weight points (3 of the total weight, 100.0%) fall outside every \
                 feature of b: no point is in it, so its weighted shares are blank"
            ),
            "{}",
            notes[0]
        );
    }

    #[test]
    fn weights_and_percentages_are_written_plainly() {
        assert_eq!(amount(27139.0), "27139");
        assert_eq!(amount(2.5), "2.5");
        assert_eq!(amount(1.0 / 3.0), "0.333");
        assert_eq!(percent(0.0004), "<0.1%");
        assert_eq!(percent(0.99996), ">99.9%");
        assert_eq!(percent(0.053), "5.3%");
        assert_eq!(percent(1.0), "100.0%");
    }

    #[test]
    fn weightless_points_outside_are_still_counted() {
        let a = units();
        let ov = overlay(&a, &a, 10.0, false);
        let pts = points(&[[500.0, 500.0], [9000.0, 9000.0]], &[0.0, 0.0]);
        let pw = pair_weights(&pts, &a, &a, &ov);
        assert_eq!(
            pw.notes("a", "a")[0],
            "1 of 2 weight points (weighing nothing) fall outside every feature of a; their \
             weight counts nowhere in it"
        );
    }
}
