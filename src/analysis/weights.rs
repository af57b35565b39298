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
#[derive(Debug, Clone)]
pub struct PairWeights {
    /// Per pair of the overlay: share of a's weight in the overlap (None when a has no weight).
    pub a_share: Vec<Option<f64>>,
    pub b_share: Vec<Option<f64>>,
    /// Total weight in each feature.
    pub a_total: Vec<f64>,
    pub b_total: Vec<f64>,
    /// Weight of points in no feature of the first layer.
    pub outside_a: f64,
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
    let (mut wa, mut wb) = (vec![0.0; n], vec![0.0; n]);
    let (mut a_total, mut b_total) = (vec![0.0; a.len()], vec![0.0; b.len()]);
    let mut outside_a = 0.0;
    let tolerance = overlay.tolerance_m;
    for (p, &w) in points.weight.iter().enumerate() {
        let point = Point::new(points.xy[p][0], points.xy[p][1]);
        if in_a[p].is_empty() {
            outside_a += w;
        }
        for &i in &in_a[p] {
            a_total[i] += w;
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
            .map(|(p, &w)| share(w, a_total[p.a]))
            .collect(),
        b_share: overlay
            .pairs
            .iter()
            .zip(&wb)
            .map(|(p, &w)| share(w, b_total[p.b]))
            .collect(),
        a_total,
        b_total,
        outside_a,
    }
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
    fn give(&self, point: Point<f64>, w: f64, tolerance: f64, out: &mut [f64]) {
        let mut any = false;
        for &j in self.containing {
            if let Some(k) = (self.pair)(j) {
                out[k] += w;
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
            Some((d, k)) if d <= tolerance => out[k] += w,
            // In some partner's noise sliver: the main partner.
            _ if !self.containing.is_empty() => out[self.partners[0]] += w,
            _ => {}
        }
    }
}
