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
use rstar::primitives::{GeomWithData, Line as RLine};
use rstar::{RTree, AABB};

use crate::layer::Feature;

/// An R-tree over the edges of one MultiPolygon.
pub struct EdgeIndex {
    tree: RTree<GeomWithData<RLine<[f64; 2]>, ()>>,
}

/// Every ring of `mp`: each polygon's shell, then its holes.
pub(crate) fn rings(mp: &MultiPolygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

/// Number of vertices of all rings.
pub fn vertex_count(mp: &MultiPolygon<f64>) -> usize {
    rings(mp).map(|r| r.0.len()).sum()
}

fn line_aabb(l: &Line<f64>) -> AABB<[f64; 2]> {
    AABB::from_corners(
        [l.start.x.min(l.end.x), l.start.y.min(l.end.y)],
        [l.start.x.max(l.end.x), l.start.y.max(l.end.y)],
    )
}

fn line_box(l: &Line<f64>) -> Rect<f64> {
    Rect::new(l.start, l.end)
}

impl EdgeIndex {
    pub fn new(mp: &MultiPolygon<f64>) -> EdgeIndex {
        let edges = rings(mp)
            .flat_map(|ring| ring.0.windows(2))
            .map(|w| GeomWithData::new(RLine::new([w[0].x, w[0].y], [w[1].x, w[1].y]), ()))
            .collect();
        EdgeIndex {
            tree: RTree::bulk_load(edges),
        }
    }

    /// The edges whose boxes meet `rect`.
    fn edges_in(&self, rect: &Rect<f64>) -> Vec<Line<f64>> {
        let env = AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .map(|e| {
                let (s, t) = (e.geom().from, e.geom().to);
                Line::new(Coord { x: s[0], y: s[1] }, Coord { x: t[0], y: t[1] })
            })
            .collect()
    }

    /// Whether an edge passes within `d` of `p`.
    pub fn near(&self, p: Coord<f64>, d: f64) -> bool {
        use geo::{Distance, Euclidean, Point};
        let env = AABB::from_corners([p.x - d, p.y - d], [p.x + d, p.y + d]);
        self.tree.locate_in_envelope_intersecting(&env).any(|e| {
            let (s, t) = (e.geom().from, e.geom().to);
            let line = Line::new(Coord { x: s[0], y: s[1] }, Coord { x: t[0], y: t[1] });
            Euclidean.distance(&Point(p), &line) <= d
        })
    }

    fn meets(&self, line: Line<f64>) -> bool {
        self.tree
            .locate_in_envelope_intersecting(&line_aabb(&line))
            .any(|e| {
                let (s, t) = (e.geom().from, e.geom().to);
                line.intersects(&Line::new(
                    Coord { x: s[0], y: s[1] },
                    Coord { x: t[0], y: t[1] },
                ))
            })
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
