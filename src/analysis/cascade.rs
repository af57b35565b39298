//! A layer's union, and where two of its features cover the same ground, without one boolean
//! operation over the whole layer.
//!
//! One operation over every ring of a layer holds a copy of every vertex in the kernel's own
//! structures: for LSOA11 densified 16 times (6.6 million vertices) that is 350 MB above the
//! layer itself. Yet the union of a coverage is small (its coast and its holes: 2.4% of
//! LSOA11's vertices). So the layer is cut into runs of neighbours along a Hilbert curve, each
//! run is united on its own, and the runs' unions are united in pairs up a binary tree; where
//! two runs' unions meet, their intersection is ground covered twice. Each operation holds
//! one run, or two unions: a few megabytes.
//!
//! Every operation uses one integer grid, the one geo's `unary_union` would choose for the
//! whole layer (i_overlay's adapter over the layer's bounding box), so the runs' unions meet
//! exactly where their features share vertices, and a clean coverage gives the same union,
//! on the same grid, as the single operation did.

use geo::{LineString, MultiPolygon, Polygon};
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::{IntOverlayOptions, Overlay, ShapeType};
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::core::solver::Solver;
use i_overlay::i_float::adapter::FloatPointAdapter;
use i_overlay::i_float::float::rect::FloatRect;
use i_overlay::i_float::int::point::IntPoint;
use i_overlay::i_shape::int::shape::{IntContour, IntShapes};

use super::overlay::MIN_PIECE_M2;
use crate::geometry::kernel::{self, KernelPanic};
use crate::layer::Feature;

/// The layer is cut into about this many runs: the tree above them stays shallow (so the
/// coast, which every union up the tree carries, is handled a fixed number of times and the
/// cost stays linear in the vertices), and one run is a small part of the layer.
const RUNS: usize = 64;

/// Ground covered twice is only looked for where the areas say there is more than this
/// (m²): half the smallest place covered twice that validate's overlap check looks at
/// (a tenth of [`MIN_PIECE_M2`]).
const DOUBLED_DUST_M2: f64 = MIN_PIECE_M2 / 20.0;

/// Vertices in a run at least: smaller layers are not cut finer than this.
const MIN_RUN_VERTICES: usize = 50_000;

/// What [`cover`] finds.
pub struct Cover {
    /// The union of the features' polygons.
    pub union: MultiPolygon<f64>,
    /// Ground covered by at least two features, in pieces (a place covered twice can be split
    /// between pieces found at different levels of the tree).
    pub doubled: Vec<Polygon<f64>>,
}

type Adapter = FloatPointAdapter<[f64; 2], f64>;

/// The union of `features` and where they overlap, or the kernel's failure.
pub fn cover(features: &[Feature]) -> Result<Cover, KernelPanic> {
    cover_in_runs(features, RUNS, MIN_RUN_VERTICES)
}

/// [`cover`], the layer cut into about `runs` runs of at least `min_run_vertices` (the
/// tests cut real layers finely with it, so that every level of the tree is used).
pub fn cover_in_runs(
    features: &[Feature],
    runs: usize,
    min_run_vertices: usize,
) -> Result<Cover, KernelPanic> {
    build(features, runs, min_run_vertices, true)
}

/// The union of a layer's features: [`cover`] without looking for what is covered twice.
pub fn union(features: &[Feature]) -> Result<MultiPolygon<f64>, KernelPanic> {
    build(features, RUNS, MIN_RUN_VERTICES, false).map(|c| c.union)
}

/// The cascade over `features` in about `runs` runs; with `doubled`, finding where they
/// overlap too (else `Cover::doubled` is empty).
fn build(
    features: &[Feature],
    runs: usize,
    min_run_vertices: usize,
    doubled: bool,
) -> Result<Cover, KernelPanic> {
    let Some(adapter) = grid(features) else {
        return Ok(Cover {
            union: MultiPolygon(Vec::new()),
            doubled: Vec::new(),
        });
    };
    let order = hilbert_order(features);
    // Cumulative vertex counts along the order, to cut it into halves of equal work.
    let mut cumulative = Vec::with_capacity(order.len() + 1);
    cumulative.push(0usize);
    for &i in &order {
        let n: usize = rings(&features[i]).map(|r| r.0.len()).sum();
        cumulative.push(cumulative.last().unwrap() + n);
    }
    let total = *cumulative.last().unwrap();
    let tree = Tree {
        features,
        order: &order,
        cumulative: &cumulative,
        adapter: &adapter,
        run_vertices: (total / runs).max(min_run_vertices),
        dust2: doubled
            .then_some((2.0 * DOUBLED_DUST_M2 * adapter.dir_scale * adapter.dir_scale) as i128),
    };
    let (union, doubled) = tree.node(0, order.len())?;
    Ok(Cover {
        union: MultiPolygon(union.into_iter().map(|s| polygon(&adapter, s)).collect()),
        doubled: doubled
            .into_iter()
            .flatten()
            .map(|s| polygon(&adapter, s))
            .collect(),
    })
}

/// The integer grid geo's `unary_union` would use for these features: i_overlay's adapter
/// over the bounding box of every vertex. None for a layer with no vertices.
fn grid(features: &[Feature]) -> Option<Adapter> {
    let mut rect: Option<FloatRect<f64>> = None;
    for p in features.iter().flat_map(rings).flat_map(|r| r.0.iter()) {
        let r = rect.get_or_insert(FloatRect {
            min_x: p.x,
            max_x: p.x,
            min_y: p.y,
            max_y: p.y,
        });
        r.min_x = r.min_x.min(p.x);
        r.max_x = r.max_x.max(p.x);
        r.min_y = r.min_y.min(p.y);
        r.max_y = r.max_y.max(p.y);
    }
    rect.map(FloatPointAdapter::new)
}

fn rings(f: &Feature) -> impl Iterator<Item = &LineString<f64>> {
    f.geometry
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

/// Feature positions ordered along a Hilbert curve through their boxes' centres, so that a
/// run of the order is a compact patch of the layer.
fn hilbert_order(features: &[Feature]) -> Vec<usize> {
    let centre = |f: &Feature| f.bbox.center();
    let (mut lo, mut hi) = (
        geo::Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        },
        geo::Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        },
    );
    for f in features {
        let c = centre(f);
        lo.x = lo.x.min(c.x);
        lo.y = lo.y.min(c.y);
        hi.x = hi.x.max(c.x);
        hi.y = hi.y.max(c.y);
    }
    const SIDE: u32 = 1 << 16;
    let cell = |v: f64, lo: f64, hi: f64| -> u32 {
        if hi > lo {
            (((v - lo) / (hi - lo)) * f64::from(SIDE - 1)).round() as u32
        } else {
            0
        }
    };
    let mut keyed: Vec<(u64, usize)> = features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let c = centre(f);
            let key = hilbert(SIDE, cell(c.x, lo.x, hi.x), cell(c.y, lo.y, hi.y));
            (key, i)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Distance along the Hilbert curve filling a `side` × `side` grid (side a power of two) of
/// the cell (x, y).
fn hilbert(side: u32, mut x: u32, mut y: u32) -> u64 {
    let mut d = 0u64;
    let mut s = side / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = side - 1 - x;
                y = side - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// The layer ordered and weighed, for the binary tree of operations.
struct Tree<'a> {
    features: &'a [Feature],
    order: &'a [usize],
    cumulative: &'a [usize],
    adapter: &'a Adapter,
    /// Vertices in a run at most (a run of one feature may have more).
    run_vertices: usize,
    /// [`DOUBLED_DUST_M2`] on the grid, doubled (as [`area2`] gives areas); None when ground
    /// covered twice is not looked for.
    dust2: Option<i128>,
}

/// A union, and the pieces found covered twice under it.
type Node = (IntShapes, Vec<IntShapes>);

impl Tree<'_> {
    /// The union of the features at `order[from..to]`, and where they overlap.
    fn node(&self, from: usize, to: usize) -> Result<Node, KernelPanic> {
        let work = self.cumulative[to] - self.cumulative[from];
        if to - from <= 1 || work <= self.run_vertices {
            return kernel::contained(|| self.run(from, to));
        }
        // Cut where half the vertices are on each side (at least one feature each).
        let half = self.cumulative[from] + work / 2;
        let cut = self.cumulative[from..=to]
            .partition_point(|&c| c < half)
            .clamp(1, to - from - 1)
            + from;
        let (left, right) = rayon::join(|| self.node(from, cut), || self.node(cut, to));
        let ((a, mut doubled), (b, more)) = (left?, right?);
        doubled.extend(more);
        let (union, both) = kernel::contained(|| merge(a, b, self.dust2))?;
        if !both.is_empty() {
            doubled.push(both);
        }
        Ok((union, doubled))
    }

    /// One run: its union (one operation over its rings), and where it is covered twice (a
    /// second operation over its rings and the union's reversed: the winding number there is
    /// the coverage less one, so the positive fill rule keeps what is covered at least twice).
    ///
    /// The second operation is skipped where it cannot find anything: on the grid the rings'
    /// areas add up to the union's area plus the area covered twice (three times counts
    /// twice), so when the two agree within [`DOUBLED_DUST_M2`] nothing is covered twice that
    /// the overlap check would look at. Runs with an invalid feature (whose own rings may
    /// cross) always get the second operation.
    fn run(&self, from: usize, to: usize) -> Node {
        let features = &self.order[from..to];
        let contours: Vec<IntContour> = features
            .iter()
            .flat_map(|&i| rings(&self.features[i]))
            .map(|ring| {
                open(ring)
                    .iter()
                    .map(|c| self.adapter.float_to_int(&[c.x, c.y]))
                    .collect()
            })
            .collect();
        let capacity = contours.iter().map(Vec::len).sum();
        let mut overlay = new_overlay(capacity);
        overlay.add_contours(&contours, ShapeType::Subject);
        // Features are oriented (shells counter-clockwise), as geo's unary_union would find.
        let union = oriented(overlay.overlay(OverlayRule::Subject, FillRule::Positive));
        drop(overlay);
        let look = self.dust2.is_some_and(|dust2| {
            let invalid = features
                .iter()
                .any(|&i| !self.features[i].defects.is_empty());
            let excess = contours.iter().map(|c| area2(c)).sum::<i128>() - shapes_area2(&union);
            features.len() >= 2 && (invalid || excess > dust2)
        });
        if !look {
            return (union, Vec::new());
        }
        let mut overlay = new_overlay(capacity * 2);
        overlay.add_contours(&contours, ShapeType::Subject);
        drop(contours);
        for contour in union.iter().flatten() {
            overlay.add_path_iter(contour.iter().rev().copied(), ShapeType::Subject);
        }
        let doubled = oriented(overlay.overlay(OverlayRule::Subject, FillRule::Positive));
        let doubled = if doubled.is_empty() {
            Vec::new()
        } else {
            vec![doubled]
        };
        (union, doubled)
    }
}

/// Twice the signed area of a closed path on the grid (counter-clockwise positive), exactly.
fn area2(contour: &[IntPoint]) -> i128 {
    let n = contour.len();
    (0..n)
        .map(|k| {
            let (p, q) = (contour[k], contour[(k + 1) % n]);
            i128::from(p.x) * i128::from(q.y) - i128::from(q.x) * i128::from(p.y)
        })
        .sum()
}

/// Twice the area of [`oriented`] shapes.
fn shapes_area2(shapes: &IntShapes) -> i128 {
    shapes.iter().flatten().map(|c| area2(c)).sum()
}

/// Shapes with their outer contours counter-clockwise and their holes clockwise. The kernel
/// promises this, but a hole it splits off where an outline touches itself (OGC output) can
/// come out counter-clockwise; fed to the next operation under the positive fill rule, such a
/// hole would be filled. (geo's `orient` did this for the whole-layer union.)
fn oriented(mut shapes: IntShapes) -> IntShapes {
    for shape in &mut shapes {
        for (k, contour) in shape.iter_mut().enumerate() {
            let counter_clockwise = area2(contour) > 0;
            if counter_clockwise != (k == 0) {
                contour.reverse();
            }
        }
    }
    shapes
}

/// The union of two unions, and their intersection (ground each covers; looked for only with
/// `dust2`), from one graph.
/// Polygons of either whose box meets no box of the other's are passed through untouched.
fn merge(a: IntShapes, b: IntShapes, dust2: Option<i128>) -> (IntShapes, IntShapes) {
    let (a_boxes, b_boxes) = (boxes(&a), boxes(&b));
    let meets = |r: &IntRect, others: &[IntRect]| others.iter().any(|o| o.meets(r));
    let mut union = Vec::new();
    let (mut a_in, mut b_in) = (Vec::new(), Vec::new());
    for (shape, r) in a.into_iter().zip(&a_boxes) {
        if meets(r, &b_boxes) {
            a_in.push(shape);
        } else {
            union.push(shape);
        }
    }
    for (shape, r) in b.into_iter().zip(&b_boxes) {
        if meets(r, &a_boxes) {
            b_in.push(shape);
        } else {
            union.push(shape);
        }
    }
    if a_in.is_empty() || b_in.is_empty() {
        union.extend(a_in.into_iter().chain(b_in));
        return (union, Vec::new());
    }
    let capacity: usize = a_in.iter().chain(&b_in).flatten().map(Vec::len).sum();
    let inputs2 = dust2.map(|_| shapes_area2(&a_in) + shapes_area2(&b_in));
    let mut overlay = new_overlay(capacity);
    overlay.add_shapes(&a_in, ShapeType::Subject);
    overlay.add_shapes(&b_in, ShapeType::Clip);
    drop((a_in, b_in));
    let Some(graph) = overlay.build_graph_view(FillRule::Positive) else {
        return (union, Vec::new());
    };
    let mut buffer = Default::default();
    let united = oriented(graph.extract_shapes(OverlayRule::Union, &mut buffer));
    // As in a run: the two overlap by the excess of their areas over their union's.
    let overlap = inputs2
        .zip(dust2)
        .is_some_and(|(i, d)| i - shapes_area2(&united) > d);
    let both = if overlap {
        oriented(graph.extract_shapes(OverlayRule::Intersect, &mut buffer))
    } else {
        Vec::new()
    };
    union.extend(united);
    (union, both)
}

/// A box on the grid.
#[derive(Clone, Copy)]
struct IntRect {
    min: IntPoint,
    max: IntPoint,
}

impl IntRect {
    fn meets(&self, o: &IntRect) -> bool {
        self.min.x <= o.max.x
            && o.min.x <= self.max.x
            && self.min.y <= o.max.y
            && o.min.y <= self.max.y
    }
}

/// Each shape's box (its outer contour's).
fn boxes(shapes: &IntShapes) -> Vec<IntRect> {
    shapes
        .iter()
        .map(|shape| {
            let mut r = IntRect {
                min: IntPoint::new(i32::MAX, i32::MAX),
                max: IntPoint::new(i32::MIN, i32::MIN),
            };
            for p in shape.first().into_iter().flatten() {
                r.min.x = r.min.x.min(p.x);
                r.min.y = r.min.y.min(p.y);
                r.max.x = r.max.x.max(p.x);
                r.max.y = r.max.y.max(p.y);
            }
            r
        })
        .collect()
}

/// An operation with geo's options (OGC-valid output, collinear points dropped).
fn new_overlay(capacity: usize) -> Overlay {
    Overlay::new_custom(capacity, IntOverlayOptions::ogc(), Solver::default())
}

/// A closed ring without its closing point, as i_overlay takes paths.
fn open(ring: &LineString<f64>) -> &[geo::Coord<f64>] {
    &ring.0[..ring.0.len().saturating_sub(1)]
}

/// A shape from the grid as a polygon (rings closed), as geo converts it.
fn polygon(adapter: &Adapter, shape: Vec<IntContour>) -> Polygon<f64> {
    let mut rings = shape.into_iter().map(|contour| {
        let mut ring: LineString<f64> = contour
            .iter()
            .map(|p: &IntPoint| {
                let [x, y] = adapter.int_to_float(p);
                geo::Coord { x, y }
            })
            .collect();
        ring.close();
        ring
    });
    let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
    Polygon::new(exterior, rings.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{feature_at, rect};
    use geo::{Area, BooleanOps};

    /// A 12 x 12 grid of 1 km squares (British National Grid metres) with holes where
    /// `hole` says, and squares shifted by `shift` metres east where `shifted` says.
    fn grid(
        hole: impl Fn(usize, usize) -> bool,
        shifted: impl Fn(usize, usize) -> bool,
        shift: f64,
    ) -> Vec<Feature> {
        let mut out = Vec::new();
        for i in 0..12 {
            for j in 0..12 {
                if hole(i, j) {
                    continue;
                }
                let dx = if shifted(i, j) { shift } else { 0.0 };
                let (x, y) = (
                    400_000.0 + i as f64 * 1000.0 + dx,
                    300_000.0 + j as f64 * 1000.0,
                );
                let code = format!("S{i}_{j}");
                out.push(feature_at(
                    out.len(),
                    &code,
                    rect(x, y, x + 1000.0, y + 1000.0),
                ));
            }
        }
        out
    }

    fn area(polygons: &[Polygon<f64>]) -> f64 {
        polygons.iter().map(|p| p.unsigned_area()).sum()
    }

    /// The union and what is covered twice agree with geo's single operation and with the
    /// pairs' own intersections, however finely the layer is cut into runs (down to one
    /// feature a run, so that every level of the tree is used).
    #[test]
    fn the_cascade_agrees_with_one_operation_however_it_is_cut() {
        let layers = [
            ("clean", grid(|_, _| false, |_, _| false, 0.0)),
            (
                "holes",
                grid(|i, j| (i * 7 + j * 3) % 11 == 0, |_, _| false, 0.0),
            ),
            (
                "overlaps",
                grid(|_, _| false, |i, j| (i + 2 * j) % 5 == 0, 300.0),
            ),
            (
                "both",
                grid(|i, j| (i * 5 + j) % 13 == 0, |i, j| (i * j) % 7 == 3, 250.0),
            ),
        ];
        for (name, features) in &layers {
            let single = geo::unary_union(features.iter().flat_map(|f| f.geometry.0.iter()));
            let mut pairwise = 0.0;
            for (k, a) in features.iter().enumerate() {
                for b in &features[k + 1..] {
                    pairwise += a.geometry.intersection(&b.geometry).unsigned_area();
                }
            }
            for (runs, min) in [(1, 1), (4, 1), (64, 1), (1000, 1)] {
                let c = cover_in_runs(features, runs, min).unwrap();
                let what = format!("{name}, {runs} runs");
                assert!(
                    (c.union.unsigned_area() - single.unsigned_area()).abs() < 1e-3,
                    "{what}: {} vs {}",
                    c.union.unsigned_area(),
                    single.unsigned_area()
                );
                let holes =
                    |m: &MultiPolygon<f64>| m.0.iter().map(|p| p.interiors().len()).sum::<usize>();
                assert_eq!(holes(&c.union), holes(&single), "{what}");
                assert!(
                    (area(&c.doubled) - pairwise).abs() < 1e-3,
                    "{what}: {} vs {pairwise}",
                    area(&c.doubled)
                );
            }
            if *name == "clean" || *name == "holes" {
                assert_eq!(pairwise, 0.0);
            } else {
                assert!(pairwise > 1e5, "{name}");
            }
        }
    }

    #[test]
    fn the_hilbert_curve_visits_every_cell_once_moving_to_a_neighbour() {
        let side = 8;
        let mut cells: Vec<(u64, u32, u32)> = (0..side)
            .flat_map(|x| (0..side).map(move |y| (hilbert(side, x, y), x, y)))
            .collect();
        cells.sort_unstable();
        for (k, w) in cells.windows(2).enumerate() {
            assert_eq!(w[0].0, k as u64);
            let step = w[0].1.abs_diff(w[1].1) + w[0].2.abs_diff(w[1].2);
            assert_eq!(step, 1, "{:?} -> {:?}", w[0], w[1]);
        }
    }
}
