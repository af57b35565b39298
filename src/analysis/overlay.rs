//! The overlay engine shared by every analysis: which features of two layers overlap, by how
//! much, once boundary noise is removed.
//!
//! Candidate pairs come from an R-tree join of envelopes. Most are settled by proving
//! containment or disjointness ([`contain`]); the rest are intersected exactly (in parallel),
//! by tracing the two outlines where they only cross ([`crossing`]), else with geo's boolean
//! operations. The intersection's parts ("pieces") are then judged:
//!
//! * **width**: a piece whose mean width (2 x area / perimeter) is at least the tolerance is
//!   real; narrower pieces are slivers between two drawings of one line. A pair is retained
//!   when it has a real piece, and its overlap is the area of its real pieces.
//! * **best fit**: a feature with no real piece anywhere (smaller than the tolerance in every
//!   direction, like a small LSOA against coarse CCGs) still lies somewhere: it is retained
//!   whole in the partner holding the largest share of it, when that share is at least
//!   [`MIN_BEST_FIT_SHARE`].
//! * with tolerance 0 every piece counts (**raw**): the plain geometric answer.

use geo::{BooleanOps, BoundingRect, Intersects, MultiPolygon, Polygon, Rect};
use rayon::prelude::*;

use std::sync::atomic::{AtomicUsize, Ordering};

use super::{clip, contain, crossing};
use crate::geometry::{self, clean, kernel::KernelPanic};
use crate::index;
use crate::layer::Feature;

/// Above tolerance 0, pieces smaller than this (m²) are dust from the boolean operation and
/// are dropped. At tolerance 0 (raw) every piece counts, however small; only traces under
/// [`clean::SNAP_M`] wide, which are the kernel's rounding and not geometry, are removed.
pub const MIN_PIECE_M2: f64 = 1.0;

/// The least area (m²) a piece needs to count at `tolerance_m`: [`MIN_PIECE_M2`], or nothing
/// at tolerance 0.
pub fn min_piece_m2(tolerance_m: f64) -> f64 {
    if tolerance_m > 0.0 {
        MIN_PIECE_M2
    } else {
        0.0
    }
}

/// The least share of a feature its best partner must hold to take it whole.
pub const MIN_BEST_FIT_SHARE: f64 = 0.25;

/// Why a pair counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetainedBy {
    /// A part of the overlap is wider than the tolerance.
    Width,
    /// Every part is narrower than the tolerance, but one feature lies mostly here.
    BestFit,
    /// Tolerance 0: every overlap counts.
    Raw,
}

impl RetainedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            RetainedBy::Width => "width",
            RetainedBy::BestFit => "best_fit",
            RetainedBy::Raw => "raw",
        }
    }
}

/// One part of an intersection.
#[derive(Debug, Clone)]
pub struct Piece {
    pub polygon: Polygon<f64>,
    pub area_m2: f64,
    pub width_m: f64,
}

/// A retained pair: feature `a` of the first layer overlaps feature `b` of the second.
#[derive(Debug, Clone)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    /// Counted overlap, m² on the ground (noise removed).
    pub area_m2: f64,
    /// All overlap including slivers, m².
    pub raw_m2: f64,
    pub retained_by: RetainedBy,
    /// The counted pieces, when asked for.
    pub pieces: Vec<Piece>,
}

/// Pairs that overlapped only by noise.
#[derive(Debug, Clone, Default)]
pub struct Dropped {
    pub pairs: usize,
    pub area_m2: f64,
}

#[derive(Debug, Clone)]
pub struct Overlay {
    /// Retained pairs, sorted by (a, b).
    pub pairs: Vec<Pair>,
    pub dropped: Dropped,
    /// Features of `a` with no retained pair that overlapped some `b` by slivers only: the
    /// largest such overlap of each, as (a, b, raw m²), sorted by a.
    pub slivers_only: Vec<(usize, usize, f64)>,
    /// The same for features of `b` with no retained pair: (b, a, raw m²), sorted by b. With
    /// it the overlay can be turned round ([`Overlay::transposed`]).
    pub slivers_only_b: Vec<(usize, usize, f64)>,
    pub tolerance_m: f64,
    /// Pairs whose intersection the geometry kernel failed on (positions in `a` and `b`,
    /// sorted): the overlay is incomplete when there are any, and callers must not report it.
    pub failed: Vec<FailedPair>,
}

/// A pair the geometry kernel failed on (it panicked, and the panic was contained).
#[derive(Debug, Clone, PartialEq)]
pub struct FailedPair {
    pub a: usize,
    pub b: usize,
    pub error: KernelPanic,
}

impl Overlay {
    /// For each of the `n` features of the first layer, the positions in `pairs` of its
    /// retained pairs (empty for a feature with none): `pairs` is sorted by `a`.
    pub fn ranges_of_a(&self, n: usize) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::with_capacity(n);
        let mut k = 0;
        for a in 0..n {
            let start = k;
            while k < self.pairs.len() && self.pairs[k].a == a {
                k += 1;
            }
            out.push(start..k);
        }
        out
    }

    /// Retained pairs of feature `a`, in order.
    pub fn of_a(&self, a: usize) -> impl Iterator<Item = &Pair> {
        let start = self.pairs.partition_point(|p| p.a < a);
        self.pairs[start..].iter().take_while(move |p| p.a == a)
    }

    /// The overlay of the same two layers the other way round (b x a): every pair with its
    /// sides swapped, sorted by (b, a). Judging a pair is symmetric (a piece's width, the best
    /// fit of a feature of either layer left with nothing), so this is what `overlay(b, a)`
    /// gives, up to the last bits of the intersection areas, without intersecting again.
    pub fn transposed(&self) -> Overlay {
        let mut pairs: Vec<Pair> = self
            .pairs
            .iter()
            .map(|p| Pair {
                a: p.b,
                b: p.a,
                ..p.clone()
            })
            .collect();
        pairs.sort_by_key(|p| (p.a, p.b));
        let mut failed: Vec<FailedPair> = self
            .failed
            .iter()
            .map(|f| FailedPair {
                a: f.b,
                b: f.a,
                error: f.error.clone(),
            })
            .collect();
        failed.sort_by_key(|f| (f.a, f.b));
        Overlay {
            pairs,
            dropped: self.dropped.clone(),
            slivers_only: self.slivers_only_b.clone(),
            slivers_only_b: self.slivers_only.clone(),
            tolerance_m: self.tolerance_m,
            failed,
        }
    }
}

/// Intersect two layers and judge every piece against the tolerance (metres).
pub fn overlay(a: &[Feature], b: &[Feature], tolerance_m: f64, keep_pieces: bool) -> Overlay {
    let candidates = crate::timings::time(
        || format!("index ({} x {} features)", a.len(), b.len()),
        || index::candidate_pairs(a, b),
    );
    let start = std::time::Instant::now();
    let join = Join::new(a, b, &candidates, tolerance_m, keep_pieces);
    let bar = crate::progress::Task::new("overlaying", candidates.len() as u64, false);
    // Every pair that overlaps, as a pair to be judged; the kernel's failures (rare) go
    // aside. Judged in place: a collection of results, then of computed pairs, then of the
    // retained ones, was three copies at once (5 MB of the peak for LSOA11 x16 x CCG21).
    let computed: Vec<Pair> = candidates
        .par_iter()
        .filter_map(|&(i, j)| {
            bar.inc(1);
            join.pair(i, j)
        })
        .collect();
    drop(bar);
    let mut failed = std::mem::take(&mut *join.failed.lock().unwrap_or_else(|e| e.into_inner()));
    failed.sort_by_key(|f| (f.a, f.b));
    let mut out = judge(a, b, computed, tolerance_m);
    out.failed = failed;
    crate::timings::report(
        &format!(
            "overlay ({} candidate pairs, {} intersections, {} of them traced)",
            candidates.len(),
            join.booleans.into_inner(),
            join.by_trace.into_inner()
        ),
        start,
    );
    out
}

/// What the pairs of one overlay share: the layers, edge indexes of the coarser layer, part
/// boxes, and counts of the harder cases.
struct Join<'l> {
    a: &'l [Feature],
    b: &'l [Feature],
    /// Whether the edge indexes are of `b` (the layer with fewer vertices).
    index_b: bool,
    edges: Vec<Option<contain::EdgeIndex>>,
    boxes_a: Vec<Vec<Rect<f64>>>,
    boxes_b: Vec<Vec<Rect<f64>>>,
    tolerance_m: f64,
    keep_pieces: bool,
    /// Widths decide nothing at tolerance 0 (every piece counts) and are only shown with
    /// pieces.
    widths: bool,
    booleans: AtomicUsize,
    by_trace: AtomicUsize,
    /// Pairs the kernel failed on, in no order.
    failed: std::sync::Mutex<Vec<FailedPair>>,
}

impl<'l> Join<'l> {
    fn new(
        a: &'l [Feature],
        b: &'l [Feature],
        candidates: &[(usize, usize)],
        tolerance_m: f64,
        keep_pieces: bool,
    ) -> Join<'l> {
        // Edge indexes for the layer with fewer vertices (usually the coarser one): one
        // look-up of the other feature's box there tells whether the two outlines can meet at
        // all. When they do not, containment or disjointness is proved with a few
        // point-in-polygon tests and the boolean operation is skipped.
        let vertices =
            |l: &[Feature]| -> usize { l.iter().map(|f| contain::vertex_count(&f.geometry)).sum() };
        let index_b = vertices(b) <= vertices(a);
        let coarse = if index_b { b } else { a };
        let mut wanted = vec![false; coarse.len()];
        for &(i, j) in candidates {
            wanted[if index_b { j } else { i }] = true;
        }
        let edges = wanted
            .par_iter()
            .enumerate()
            .map(|(k, &w)| w.then(|| contain::EdgeIndex::new(&coarse[k].geometry)))
            .collect();
        let part_boxes = |l: &[Feature]| -> Vec<Vec<Rect<f64>>> {
            l.par_iter()
                .map(|f| {
                    f.geometry
                        .0
                        .iter()
                        .filter_map(|p| p.bounding_rect())
                        .collect()
                })
                .collect()
        };
        Join {
            a,
            b,
            index_b,
            edges,
            boxes_a: part_boxes(a),
            boxes_b: part_boxes(b),
            tolerance_m,
            keep_pieces,
            widths: tolerance_m > 0.0 || keep_pieces,
            booleans: AtomicUsize::new(0),
            by_trace: AtomicUsize::new(0),
            failed: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The pieces of a[i] x b[j] and their areas, to be judged (`area_m2` is that of the
    /// pieces as wide as the tolerance); None when they do not overlap, or when the kernel
    /// failed on them (kept in `failed`).
    fn pair(&self, i: usize, j: usize) -> Option<Pair> {
        let pieces = match self.pieces(i, j) {
            Ok(p) => p,
            Err(error) => {
                let failed = FailedPair { a: i, b: j, error };
                self.failed
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(failed);
                return None;
            }
        };
        if pieces.is_empty() {
            return None;
        }
        let raw_m2: f64 = pieces.iter().map(|p| p.area_m2).sum();
        let wide_m2: f64 = pieces
            .iter()
            .filter(|p| p.width_m >= self.tolerance_m)
            .map(|p| p.area_m2)
            .sum();
        Some(Pair {
            a: i,
            b: j,
            area_m2: wide_m2,
            raw_m2,
            retained_by: RetainedBy::Width,
            pieces: if self.keep_pieces { pieces } else { Vec::new() },
        })
    }

    /// Containment or disjointness when it can be proved cheaply, else the intersection.
    fn pieces(&self, i: usize, j: usize) -> Result<Vec<Piece>, KernelPanic> {
        let (fa, fb) = (&self.a[i], &self.b[j]);
        let (c, f) = if self.index_b { (j, i) } else { (i, j) };
        let (coarse, fine) = if self.index_b {
            (self.b, self.a)
        } else {
            (self.a, self.b)
        };
        let relation = match &self.edges[c] {
            Some(e) => contain::relate(&fine[f], &coarse[c], e),
            None => contain::Relation::Unknown,
        };
        let min_m2 = min_piece_m2(self.tolerance_m);
        let whole = |g: &MultiPolygon<f64>| whole(g, min_m2, self.keep_pieces, self.widths);
        Ok(match relation {
            contain::Relation::Disjoint => Vec::new(),
            contain::Relation::FineInside if self.index_b => whole(&fa.geometry),
            contain::Relation::FineInside => whole(&fb.geometry),
            contain::Relation::CoarseInside if self.index_b => whole(&fb.geometry),
            contain::Relation::CoarseInside => whole(&fa.geometry),
            contain::Relation::Unknown => {
                self.booleans.fetch_add(1, Ordering::Relaxed);
                // Outlines that only cross are traced; valid features only, since the trace
                // trusts their rings' orientation and separation.
                let trace = fa.defects.is_empty() && fb.defects.is_empty();
                let (pieces, traced) = intersect(
                    &fa.geometry,
                    &self.boxes_a[i],
                    &fb.geometry,
                    &self.boxes_b[j],
                    trace,
                    min_m2,
                )?;
                if traced {
                    self.by_trace.fetch_add(1, Ordering::Relaxed);
                }
                pieces
            }
        })
    }
}

/// The pieces of a feature that lies wholly inside its partner: its own polygons (copied only
/// when the pieces are kept), those under `min_m2` left out. Without `widths`, each is given
/// an infinite width: wide enough for any tolerance.
fn whole(a: &MultiPolygon<f64>, min_m2: f64, keep: bool, widths: bool) -> Vec<Piece> {
    a.0.iter()
        .filter_map(|polygon| {
            let area_m2 = geometry::true_area_m2(polygon);
            if area_m2 < min_m2 || area_m2 <= 0.0 {
                return None;
            }
            Some(Piece {
                polygon: if keep {
                    polygon.clone()
                } else {
                    Polygon::new(geo::LineString(Vec::new()), Vec::new())
                },
                area_m2,
                width_m: if widths {
                    geometry::mean_width_m(polygon)
                } else {
                    f64::INFINITY
                },
            })
        })
        .collect()
}

/// Intersection pieces with their true areas and widths, cleaned of spikes and repeated
/// points ([`clean`]), dust removed above tolerance 0 (`min_m2`), and whether they were
/// traced ([`crossing`]; tried when `trace`) rather than found by the general boolean
/// operation. A panic in the boolean operation is contained ([`geometry::kernel`]) and
/// returned as the error.
pub(crate) fn intersect(
    a: &MultiPolygon<f64>,
    a_boxes: &[Rect<f64>],
    b: &MultiPolygon<f64>,
    b_boxes: &[Rect<f64>],
    trace: bool,
    min_m2: f64,
) -> Result<(Vec<Piece>, bool), KernelPanic> {
    // Cheap rejection: no part boxes meet.
    let meets = a_boxes
        .iter()
        .any(|ra| b_boxes.iter().any(|rb| ra.intersects(rb)));
    if !meets {
        return Ok((Vec::new(), false));
    }
    // Both are first cut to the overlap of their boxes: most of a coarse outline lies far from
    // a fine feature, and the boolean operation's cost grows with every vertex it is given.
    let Some(rect) = clip::common_rect(a_boxes, b_boxes) else {
        return Ok((Vec::new(), false));
    };
    let (a, b) = (clip::cut(a, a_boxes, &rect), clip::cut(b, b_boxes, &rect));
    let traced = if trace {
        geometry::kernel::contained(|| crossing::intersection(&a, &b))?
    } else {
        None
    };
    let done = traced.is_some();
    let polygons = match traced {
        Some(p) => p,
        None => geometry::kernel::contained(|| a.intersection(b.as_ref()).0)?,
    };
    let mut cleaned = clean::Cleaned::default();
    let pieces = polygons
        .into_iter()
        .filter_map(|polygon| {
            // The trace and the kernel can leave a spike (out and straight back) where the
            // outlines run within a hair of each other: not part of the overlap.
            let polygon = clean::clean_polygon_owned(polygon, clean::SNAP_M, &mut cleaned)?;
            let area_m2 = geometry::true_area_m2(&polygon);
            if area_m2 < min_m2 || area_m2 <= 0.0 {
                return None;
            }
            // Narrower than a millimetre: a trace of the kernel's rounding (or of the trace's
            // 0.1 µm inset or shift), not geometry, at any tolerance.
            let width_m = geometry::mean_width_m(&polygon);
            if width_m < clean::SNAP_M {
                return None;
            }
            Some(Piece {
                polygon,
                area_m2,
                width_m,
            })
        })
        .collect();
    Ok((pieces, done))
}

/// Keep each computed pair whose wide pieces count (every pair at tolerance 0), then give
/// each feature left with nothing its best fit; the rest is noise, counted as dropped. Each
/// pair comes with `area_m2` the area of its wide pieces; a retained pair leaves with the
/// area it is counted by, and the pieces that make it up.
fn judge(a: &[Feature], b: &[Feature], mut pairs: Vec<Pair>, tolerance_m: f64) -> Overlay {
    let raw_mode = tolerance_m <= 0.0;
    let mut retained = vec![false; pairs.len()];
    let mut by = vec![RetainedBy::Raw; pairs.len()];
    let mut a_has = vec![false; a.len()];
    let mut b_has = vec![false; b.len()];
    for (k, p) in pairs.iter().enumerate() {
        if raw_mode || p.area_m2 > 0.0 {
            retained[k] = true;
            by[k] = if raw_mode {
                RetainedBy::Raw
            } else {
                RetainedBy::Width
            };
            a_has[p.a] = true;
            b_has[p.b] = true;
        }
    }
    if !raw_mode {
        for k in best_fits(a, b, &pairs, &a_has, &b_has) {
            if !retained[k] {
                retained[k] = true;
                by[k] = RetainedBy::BestFit;
            }
        }
    }
    let mut dropped = Dropped::default();
    let mut a_kept = vec![false; a.len()];
    let mut b_kept = vec![false; b.len()];
    for (k, p) in pairs.iter().enumerate() {
        a_kept[p.a] |= retained[k];
        b_kept[p.b] |= retained[k];
    }
    let mut slivers_only: Vec<(usize, usize, f64)> = Vec::new();
    let mut slivers_only_b: Vec<(usize, usize, f64)> = Vec::new();
    for (k, p) in pairs.iter().enumerate() {
        if !retained[k] {
            dropped.pairs += 1;
            dropped.area_m2 += p.raw_m2;
            if !a_kept[p.a] {
                slivers_only.push((p.a, p.b, p.raw_m2));
            }
            if !b_kept[p.b] {
                slivers_only_b.push((p.b, p.a, p.raw_m2));
            }
        }
    }
    let mut k = 0;
    pairs.retain_mut(|p| {
        let (keep, by) = (retained[k], by[k]);
        k += 1;
        if keep {
            p.retained_by = by;
            match by {
                RetainedBy::Width => p.pieces.retain(|piece| piece.width_m >= tolerance_m),
                RetainedBy::BestFit | RetainedBy::Raw => p.area_m2 = p.raw_m2,
            }
        }
        keep
    });
    // The largest sliver of each feature of a left with none retained.
    slivers_only.sort_by(|x, y| x.0.cmp(&y.0).then(y.2.total_cmp(&x.2)).then(x.1.cmp(&y.1)));
    slivers_only.dedup_by_key(|s| s.0);
    slivers_only_b.sort_by(|x, y| x.0.cmp(&y.0).then(y.2.total_cmp(&x.2)).then(x.1.cmp(&y.1)));
    slivers_only_b.dedup_by_key(|s| s.0);
    Overlay {
        pairs,
        dropped,
        slivers_only,
        slivers_only_b,
        tolerance_m,
        failed: Vec::new(),
    }
}

/// Best fit for features left with nothing (`a_has`/`b_has` false): the pair of their
/// largest raw share, if big enough. Positions in `pairs`.
fn best_fits(
    a: &[Feature],
    b: &[Feature],
    pairs: &[Pair],
    a_has: &[bool],
    b_has: &[bool],
) -> Vec<usize> {
    let mut best_a: Vec<Option<(f64, usize)>> = vec![None; a.len()];
    let mut best_b: Vec<Option<(f64, usize)>> = vec![None; b.len()];
    for (k, c) in pairs.iter().enumerate() {
        let sa = c.raw_m2 / a[c.a].area_m2.max(f64::MIN_POSITIVE);
        let sb = c.raw_m2 / b[c.b].area_m2.max(f64::MIN_POSITIVE);
        if best_a[c.a].is_none_or(|(s, _)| sa > s) {
            best_a[c.a] = Some((sa, k));
        }
        if best_b[c.b].is_none_or(|(s, _)| sb > s) {
            best_b[c.b] = Some((sb, k));
        }
    }
    best_a
        .iter()
        .enumerate()
        .filter(|(i, _)| !a_has[*i])
        .chain(best_b.iter().enumerate().filter(|(j, _)| !b_has[*j]))
        .filter_map(|(_, best)| *best)
        .filter(|(share, _)| *share >= MIN_BEST_FIT_SHARE)
        .map(|(_, k)| k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{feature, rect};

    const X: f64 = 400_000.0;
    const Y: f64 = 300_000.0;

    /// Two footprints side by side, 10 km each, with their shared boundary at x = X + 10 km.
    fn footprints(shift: f64) -> Vec<Feature> {
        vec![
            feature("F1", rect(X, Y, X + 10_000.0 + shift, Y + 10_000.0)),
            feature(
                "F2",
                rect(X + 10_000.0 + shift, Y, X + 20_000.0, Y + 10_000.0),
            ),
        ]
    }

    #[test]
    fn a_sliver_is_noise() {
        // The unit is drawn 100 m short of the footprint line: a 100 m sliver lies in F2.
        let units = vec![feature(
            "U",
            rect(X + 1000.0, Y + 1000.0, X + 10_100.0, Y + 9000.0),
        )];
        let o = overlay(&units, &footprints(0.0), 300.0, false);
        assert_eq!(o.pairs.len(), 1);
        assert_eq!(o.pairs[0].b, 0);
        assert_eq!(o.pairs[0].retained_by, RetainedBy::Width);
        assert_eq!(o.dropped.pairs, 1);
        // With no tolerance the sliver is an overlap.
        let raw = overlay(&units, &footprints(0.0), 0.0, false);
        assert_eq!(raw.pairs.len(), 2);
        assert!((raw.pairs[1].raw_m2 - 100.0 * 8000.0).abs() < 2000.0);
    }

    #[test]
    fn a_real_split_is_kept() {
        // 3 km of the unit lie in F2: far wider than the tolerance.
        let units = vec![feature(
            "U",
            rect(X + 1000.0, Y + 1000.0, X + 13_000.0, Y + 9000.0),
        )];
        let o = overlay(&units, &footprints(0.0), 300.0, false);
        assert_eq!(o.pairs.len(), 2);
        let share = o.pairs[1].area_m2 / units[0].area_m2;
        assert!((share - 0.25).abs() < 0.002, "{share}");
    }

    #[test]
    fn a_unit_whole_inside() {
        let units = vec![feature(
            "U",
            rect(X + 1000.0, Y + 1000.0, X + 4000.0, Y + 4000.0),
        )];
        let o = overlay(&units, &footprints(0.0), 300.0, true);
        assert_eq!(o.pairs.len(), 1);
        assert!((o.pairs[0].area_m2 / units[0].area_m2 - 1.0).abs() < 1e-9);
        assert_eq!(o.pairs[0].pieces.len(), 1);
    }

    #[test]
    fn touching_only_at_an_edge_is_no_overlap() {
        let units = vec![feature(
            "U",
            rect(X + 10_000.0, Y, X + 12_000.0, Y + 2000.0),
        )];
        let o = overlay(&units, &footprints(0.0)[..1], 0.0, false);
        assert!(o.pairs.is_empty());
        assert_eq!(o.dropped.pairs, 0);
    }

    #[test]
    fn raw_means_raw_even_under_a_square_metre() {
        // A 0.5 m square wholly inside F1, and a unit poking 0.5 m x 0.5 m into F2.
        let units = vec![
            feature("TINY", rect(X + 500.0, Y + 500.0, X + 500.5, Y + 500.5)),
            feature(
                "POKE",
                rect(X + 9_000.0, Y + 100.0, X + 10_000.5, Y + 100.5),
            ),
        ];
        let raw = overlay(&units, &footprints(0.0), 0.0, true);
        let pairs: Vec<(usize, usize)> = raw.pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(pairs, vec![(0, 0), (1, 0), (1, 1)], "{:?}", raw.pairs);
        assert!((raw.pairs[0].area_m2 - 0.25).abs() < 0.01);
        assert!((raw.pairs[2].area_m2 - 0.25).abs() < 0.01);
        assert_eq!(raw.pairs[0].pieces.len(), 1);
        // Above 0, dust under 1 m² is dropped: the poke is noise, and TINY goes by best fit.
        let o = overlay(&units, &footprints(0.0), 1.0, false);
        assert!(o.pairs.iter().all(|p| p.b == 0), "{:?}", o.pairs);
    }

    /// The pairs of an overlay as (a, b, retained_by, m² to the nearest 10), for comparing.
    fn summary(o: &Overlay) -> Vec<(usize, usize, RetainedBy, i64)> {
        o.pairs
            .iter()
            .map(|p| (p.a, p.b, p.retained_by, (p.area_m2 / 10.0).round() as i64))
            .collect()
    }

    #[test]
    fn an_overlay_turned_round_is_the_overlay_the_other_way() {
        // A whole unit, a real split, a sliver, a small unit at the line (best fit), one
        // outside everything, and a unit wider than both footprints.
        let units = vec![
            feature("W", rect(X + 1000.0, Y + 1000.0, X + 4000.0, Y + 4000.0)),
            feature("S", rect(X + 7000.0, Y + 5000.0, X + 13_000.0, Y + 9000.0)),
            feature(
                "L",
                rect(X + 14_000.0, Y + 1000.0, X + 20_100.0, Y + 3000.0),
            ),
            feature("B", rect(X + 9_880.0, Y + 4000.0, X + 10_080.0, Y + 4200.0)),
            feature("O", rect(X + 30_000.0, Y, X + 31_000.0, Y + 1000.0)),
        ];
        let f = footprints(0.0);
        for tolerance in [0.0, 300.0] {
            let there = overlay(&units, &f, tolerance, false);
            let back = overlay(&f, &units, tolerance, false);
            let turned = there.transposed();
            assert_eq!(summary(&turned), summary(&back), "tolerance {tolerance}");
            assert_eq!(turned.slivers_only, back.slivers_only);
            assert_eq!(turned.slivers_only_b, back.slivers_only_b);
            assert_eq!(turned.dropped.pairs, back.dropped.pairs);
            assert_eq!(summary(&turned.transposed()), summary(&there));
        }
    }

    #[test]
    fn a_small_unit_goes_whole_to_its_best_fit() {
        // 200 m wide, straddling the line 120/80: both parts narrower than 300 m.
        let units = vec![feature(
            "U",
            rect(X + 9_880.0, Y + 1000.0, X + 10_080.0, Y + 1200.0),
        )];
        let o = overlay(&units, &footprints(0.0), 300.0, false);
        assert_eq!(o.pairs.len(), 1);
        assert_eq!(o.pairs[0].b, 0);
        assert_eq!(o.pairs[0].retained_by, RetainedBy::BestFit);
    }
}
