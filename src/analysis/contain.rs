//! Proving containment or disjointness cheaply, so the boolean operation can be skipped.
//!
//! Most candidate pairs in a fine x coarse overlay (LSOAs in CCGs) are a small feature wholly
//! inside a large one, or beside it with only their boxes overlapping. One look-up of the fine
//! feature's box in an R-tree of the coarse feature's edges usually shows that the two outlines
//! cannot meet; then a point-in-polygon test per ring settles the relation.
//!
//! When no edge of one meets an edge of the other, every ring of either lies wholly inside or
//! wholly outside the other. Then `f` lies inside `c` when every ring of `f` has a vertex inside
//! `c` and no ring of `c` (a hole, or another part) has a vertex inside `f`; symmetrically for
//! `c` inside `f`; and they are disjoint when no ring of either has a vertex inside the other
//! (two regions whose outlines do not meet overlap only if an outline of one lies in the other).

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{Contains, Coord, Intersects, Line, LineString, MultiPolygon, Rect};

use crate::geometry::rect_union;
use crate::layer::Feature;

/// The edges of one MultiPolygon, ring after ring in order, under a tree of boxes: each box
/// holds `NODE` consecutive edges (or boxes of the level below). An outline's consecutive
/// edges lie together, so boxes in ring order are compact without sorting, and the index is
/// built in one pass. An R-tree's bulk load (rstar) took 6.2% of `matrix`'s CPU; this takes
/// 0.4%, and [`relate`]'s look-ups in it 7.4% instead of 9.7% (single-threaded profiles).
pub struct EdgeIndex {
    edges: Vec<Line<f64>>,
    /// `levels[0][k]` is the box of edges `k * NODE..`, `levels[l][k]` that of boxes
    /// `k * NODE..` of level `l - 1`; the last level has at most `NODE` boxes.
    levels: Vec<Vec<Rect<f64>>>,
}

/// Edges (or boxes) under one box of an [`EdgeIndex`].
const NODE: usize = 8;

/// Every ring of `mp`: each polygon's shell, then its holes.
pub(crate) fn rings(mp: &MultiPolygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

/// Number of vertices of all rings.
pub fn vertex_count(mp: &MultiPolygon<f64>) -> usize {
    rings(mp).map(|r| r.0.len()).sum()
}

fn line_box(l: &Line<f64>) -> Rect<f64> {
    Rect::new(l.start, l.end)
}

impl EdgeIndex {
    pub fn new(mp: &MultiPolygon<f64>) -> EdgeIndex {
        let edges: Vec<Line<f64>> = rings(mp)
            .flat_map(|ring| ring.0.windows(2))
            .map(|w| Line::new(w[0], w[1]))
            .collect();
        let mut levels: Vec<Vec<Rect<f64>>> = Vec::new();
        // Chunks are never empty: each has a box.
        let mut below: Vec<Rect<f64>> = edges
            .chunks(NODE)
            .filter_map(|c| c.iter().map(line_box).reduce(rect_union))
            .collect();
        while below.len() > NODE {
            let up = below
                .chunks(NODE)
                .filter_map(|c| c.iter().copied().reduce(rect_union))
                .collect();
            levels.push(std::mem::replace(&mut below, up));
        }
        levels.push(below);
        EdgeIndex { edges, levels }
    }

    /// Whether `found` holds for an edge whose box meets `rect` (each such edge is offered
    /// until one is found).
    fn any_in(&self, rect: &Rect<f64>, found: &mut impl FnMut(&Line<f64>) -> bool) -> bool {
        let top = self.levels.len() - 1;
        (0..self.levels[top].len()).any(|k| self.any_under(top, k, rect, found))
    }

    fn any_under(
        &self,
        level: usize,
        k: usize,
        rect: &Rect<f64>,
        found: &mut impl FnMut(&Line<f64>) -> bool,
    ) -> bool {
        if !self.levels[level][k].intersects(rect) {
            return false;
        }
        let from = k * NODE;
        if level == 0 {
            let to = (from + NODE).min(self.edges.len());
            return self.edges[from..to]
                .iter()
                .any(|e| line_box(e).intersects(rect) && found(e));
        }
        let to = (from + NODE).min(self.levels[level - 1].len());
        (from..to).any(|c| self.any_under(level - 1, c, rect, found))
    }

    /// The edges whose boxes meet `rect`.
    fn edges_in(&self, rect: &Rect<f64>) -> Vec<Line<f64>> {
        let mut out = Vec::new();
        self.any_in(rect, &mut |e| {
            out.push(*e);
            false
        });
        out
    }

    /// Whether an edge passes within `d` of `p`.
    pub fn near(&self, p: Coord<f64>, d: f64) -> bool {
        use geo::{Distance, Euclidean, Point};
        let around = Rect::new(
            Coord {
                x: p.x - d,
                y: p.y - d,
            },
            Coord {
                x: p.x + d,
                y: p.y + d,
            },
        );
        self.any_in(&around, &mut |e| Euclidean.distance(&Point(p), e) <= d)
    }

    fn meets(&self, line: Line<f64>) -> bool {
        self.any_in(&line_box(&line), &mut |e| line.intersects(e))
    }
}

/// How a fine feature and a coarse one lie, when that could be proved cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The fine feature lies inside the coarse one: their intersection is the fine feature.
    FineInside,
    /// The coarse feature lies inside the fine one: their intersection is the coarse feature.
    CoarseInside,
    /// No common area.
    Disjoint,
    /// Not proved (the outlines meet, or the rings are mixed): compute the intersection.
    Unknown,
}

/// Whether any edge of `mp` meets any of `others` (with `others_box` their bounding box),
/// looking edges up in `index` when there are many.
fn any_edge_meets(
    mp: &MultiPolygon<f64>,
    others: &[Line<f64>],
    others_box: &Rect<f64>,
    index: &EdgeIndex,
) -> bool {
    rings(mp).flat_map(|r| r.0.windows(2)).any(|w| {
        let line = Line::new(w[0], w[1]);
        if !line_box(&line).intersects(others_box) {
            return false;
        }
        if others.len() <= 16 {
            others.iter().any(|o| line.intersects(o))
        } else {
            index.meets(line)
        }
    })
}

/// The relation of `fine` to `coarse` (whose edges are in `coarse_edges`), or
/// [`Relation::Unknown`].
pub fn relate(fine: &Feature, coarse: &Feature, coarse_edges: &EdgeIndex) -> Relation {
    let near = coarse_edges.edges_in(&fine.bbox);
    if let Some(first) = near.first() {
        let mut min = Coord {
            x: first.start.x.min(first.end.x),
            y: first.start.y.min(first.end.y),
        };
        let mut max = Coord {
            x: first.start.x.max(first.end.x),
            y: first.start.y.max(first.end.y),
        };
        for l in &near[1..] {
            min.x = min.x.min(l.start.x.min(l.end.x));
            min.y = min.y.min(l.start.y.min(l.end.y));
            max.x = max.x.max(l.start.x.max(l.end.x));
            max.y = max.y.max(l.start.y.max(l.end.y));
        }
        if any_edge_meets(&fine.geometry, &near, &Rect::new(min, max), coarse_edges) {
            return Relation::Unknown;
        }
    }
    // The outlines do not meet: every ring is wholly inside or wholly outside the other feature.
    let (mut fine_in, mut fine_out) = (0usize, 0usize);
    for ring in rings(&fine.geometry) {
        let Some(c) = ring.0.first() else { continue };
        if !coarse.bbox.contains(c) {
            fine_out += 1;
            continue;
        }
        match coarse.geometry.coordinate_position(c) {
            CoordPos::Inside => fine_in += 1,
            CoordPos::Outside => fine_out += 1,
            CoordPos::OnBoundary => return Relation::Unknown,
        }
    }
    let mut coarse_in = 0usize;
    let mut coarse_out = 0usize;
    for ring in rings(&coarse.geometry) {
        let Some(c) = ring.0.first() else { continue };
        if !fine.bbox.contains(c) {
            coarse_out += 1;
            continue;
        }
        match fine.geometry.coordinate_position(c) {
            CoordPos::Inside => coarse_in += 1,
            CoordPos::Outside => coarse_out += 1,
            CoordPos::OnBoundary => return Relation::Unknown,
        }
    }
    match (fine_in, fine_out, coarse_in, coarse_out) {
        (_, _, 0, _) if fine_in > 0 && fine_out == 0 => Relation::FineInside,
        (0, _, _, _) if coarse_in > 0 && coarse_out == 0 => Relation::CoarseInside,
        (0, _, 0, _) => Relation::Disjoint,
        _ => Relation::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon, BoundingRect};

    fn feature(p: geo::Polygon<f64>) -> Feature {
        let geometry = MultiPolygon(vec![p]);
        Feature {
            index: 0,
            code: String::new(),
            name: String::new(),
            area_m2: 0.0,
            bbox: geometry.bounding_rect().unwrap(),
            geometry,
            defects: vec![],
        }
    }

    /// The index finds exactly the edges a scan of every edge finds, for outlines of many
    /// sizes (one box, two levels, several) and query boxes of every size.
    #[test]
    fn edge_index_finds_what_a_scan_finds() {
        use crate::test_rng::unit;
        let mut seed = 7;
        for n in [3usize, 8, 9, 64, 65, 700] {
            // A wobbly ring around (500, 500), and a hole in it.
            let ring = |r: f64, seed: &mut u64| -> LineString<f64> {
                let mut pts: Vec<Coord<f64>> = (0..n)
                    .map(|k| {
                        let a = k as f64 / n as f64 * std::f64::consts::TAU;
                        let r = r * (0.8 + 0.4 * unit(seed));
                        Coord {
                            x: 500.0 + r * a.cos(),
                            y: 500.0 + r * a.sin(),
                        }
                    })
                    .collect();
                pts.push(pts[0]);
                LineString(pts)
            };
            let mp = MultiPolygon(vec![geo::Polygon::new(
                ring(400.0, &mut seed),
                vec![ring(100.0, &mut seed)],
            )]);
            let all: Vec<Line<f64>> = rings(&mp).flat_map(|r| r.lines()).collect();
            let index = EdgeIndex::new(&mp);
            let key = |l: &Line<f64>| (l.start.x, l.start.y, l.end.x, l.end.y);
            for _ in 0..200 {
                let (x, y) = (unit(&mut seed) * 1000.0, unit(&mut seed) * 1000.0);
                let s = unit(&mut seed).powi(3) * 600.0;
                let rect = Rect::new(coord! { x: x, y: y }, coord! { x: x + s, y: y + s });
                let mut got: Vec<_> = index.edges_in(&rect).iter().map(key).collect();
                let mut want: Vec<_> = all
                    .iter()
                    .filter(|l| line_box(l).intersects(&rect))
                    .map(key)
                    .collect();
                got.sort_by(|a, b| a.partial_cmp(b).unwrap());
                want.sort_by(|a, b| a.partial_cmp(b).unwrap());
                assert_eq!(got, want, "{n} vertices, box {rect:?}");
                let line = Line::new(coord! { x: x, y: y }, coord! { x: x + s, y: y - s });
                assert_eq!(index.meets(line), all.iter().any(|l| l.intersects(&line)));
                let p = coord! { x: x, y: y };
                let d = s / 10.0;
                use geo::{Distance, Euclidean, Point};
                let near = all.iter().any(|l| Euclidean.distance(&Point(p), l) <= d);
                assert_eq!(index.near(p, d), near);
            }
        }
        // An empty outline has no edges.
        let none = EdgeIndex::new(&MultiPolygon(vec![]));
        let everywhere = Rect::new(coord! { x: -1e9, y: -1e9 }, coord! { x: 1e9, y: 1e9 });
        assert!(none.edges_in(&everywhere).is_empty());
    }

    #[test]
    fn proves_containment_and_disjointness_and_refuses_the_rest() {
        let big = feature(polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
            interiors: [[(x: 60.0, y: 60.0), (x: 70.0, y: 60.0), (x: 70.0, y: 70.0), (x: 60.0, y: 70.0)]],
        ]);
        let idx = EdgeIndex::new(&big.geometry);
        let square = |x0: f64, y0: f64, s: f64| {
            feature(
                Rect::new(coord! { x: x0, y: y0 }, coord! { x: x0 + s, y: y0 + s }).to_polygon(),
            )
        };
        let check = |f: &Feature| relate(f, &big, &idx);
        assert_eq!(check(&square(10.0, 10.0, 20.0)), Relation::FineInside);
        // Crossing the outline.
        assert_eq!(check(&square(90.0, 10.0, 20.0)), Relation::Unknown);
        // Around the hole: the hole is inside the square, so it is not inside big.
        assert_eq!(check(&square(55.0, 55.0, 20.0)), Relation::Unknown);
        // Inside the hole, and outside altogether (boxes overlapping or not).
        assert_eq!(check(&square(62.0, 62.0, 5.0)), Relation::Disjoint);
        assert_eq!(check(&square(101.0, 10.0, 5.0)), Relation::Disjoint);
        // Touching the outline from inside is not proved (falls back to the overlay).
        assert_eq!(check(&square(0.0, 10.0, 20.0)), Relation::Unknown);
        // The coarse feature inside the fine one.
        let small = feature(polygon![(x: 10.0, y: 10.0), (x: 20.0, y: 10.0), (x: 20.0, y: 20.0)]);
        let small_idx = EdgeIndex::new(&small.geometry);
        assert_eq!(relate(&big, &small, &small_idx), Relation::CoarseInside);
        // A ring around an island: an L-shaped outline with many edges near the other's box.
        let comb: Vec<(f64, f64)> = (0..40)
            .flat_map(|k| {
                let x = 30.0 + k as f64;
                [(x, 30.0), (x + 0.5, 31.0)]
            })
            .chain([(70.0, 30.0), (70.0, 50.0), (30.0, 50.0)])
            .collect();
        let comb = feature(geo::Polygon::new(comb.into(), vec![]));
        let comb_idx = EdgeIndex::new(&comb.geometry);
        assert_eq!(
            relate(&square(40.0, 35.0, 5.0), &comb, &comb_idx),
            Relation::FineInside
        );
        assert_eq!(
            relate(&square(40.0, 29.0, 3.0), &comb, &comb_idx),
            Relation::Unknown
        );
    }
}
