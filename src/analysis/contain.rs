//! Proving containment cheaply, so the boolean operation can be skipped.
//!
//! Most candidate pairs in a fine x coarse overlay (LSOAs in CCGs) are a small feature wholly
//! inside a large one. The intersection is then the small feature itself, and proving it takes
//! a look-up of the small feature's few edges in an R-tree of the large one's edges, instead of
//! an overlay of both outlines.
//!
//! `a` lies inside `b` when no edge of `a` meets an edge of `b` (so every ring of either lies
//! wholly inside or outside the other), every ring of `a` has a vertex inside `b`, and no ring
//! of `b` (a hole, or another part) has a vertex inside `a`.

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{Contains, Coord, Intersects, Line, MultiPolygon, Rect};
use rstar::primitives::{GeomWithData, Line as RLine};
use rstar::{RTree, AABB};

/// An R-tree over the edges of one MultiPolygon.
pub struct EdgeIndex {
    tree: RTree<GeomWithData<RLine<[f64; 2]>, ()>>,
}

impl EdgeIndex {
    pub fn new(mp: &MultiPolygon<f64>) -> EdgeIndex {
        let edges =
            mp.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|ring| ring.0.windows(2))
                .map(|w| GeomWithData::new(RLine::new([w[0].x, w[0].y], [w[1].x, w[1].y]), ()))
                .collect();
        EdgeIndex {
            tree: RTree::bulk_load(edges),
        }
    }

    fn meets(&self, line: Line<f64>) -> bool {
        let env = AABB::from_corners(
            [line.start.x.min(line.end.x), line.start.y.min(line.end.y)],
            [line.start.x.max(line.end.x), line.start.y.max(line.end.y)],
        );
        self.tree.locate_in_envelope_intersecting(&env).any(|e| {
            let (s, t) = (e.geom().from, e.geom().to);
            line.intersects(&Line::new(
                Coord { x: s[0], y: s[1] },
                Coord { x: t[0], y: t[1] },
            ))
        })
    }
}

/// True when `a` (with bounding box `a_box`) provably lies inside `b`. False means "not
/// proven": the caller must compute the intersection.
pub fn inside(
    a: &MultiPolygon<f64>,
    a_box: &Rect<f64>,
    b: &MultiPolygon<f64>,
    b_edges: &EdgeIndex,
) -> bool {
    let rings = || {
        a.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    };
    for ring in rings() {
        if ring
            .0
            .windows(2)
            .any(|w| b_edges.meets(Line::new(w[0], w[1])))
        {
            return false;
        }
    }
    for ring in rings() {
        match ring.0.first() {
            Some(c) if b.coordinate_position(c) == CoordPos::Inside => {}
            _ => return false,
        }
    }
    // No ring of b may sit inside a (a hole of b, or another part of b, within a).
    for p in &b.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            if let Some(c) = ring.0.first() {
                if a_box.contains(c) && a.coordinate_position(c) != CoordPos::Outside {
                    return false;
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon, BoundingRect};

    fn mp(p: geo::Polygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon(vec![p])
    }

    #[test]
    fn proves_simple_containment_and_refuses_the_rest() {
        let big = mp(polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
            interiors: [[(x: 60.0, y: 60.0), (x: 70.0, y: 60.0), (x: 70.0, y: 70.0), (x: 60.0, y: 70.0)]],
        ]);
        let idx = EdgeIndex::new(&big);
        let square = |x0: f64, y0: f64, s: f64| {
            mp(Rect::new(coord! { x: x0, y: y0 }, coord! { x: x0 + s, y: y0 + s }).to_polygon())
        };
        let check = |a: &MultiPolygon<f64>| inside(a, &a.bounding_rect().unwrap(), &big, &idx);
        assert!(check(&square(10.0, 10.0, 20.0)));
        // Crossing the outline.
        assert!(!check(&square(90.0, 10.0, 20.0)));
        // Around the hole: the hole is inside a, so a is not inside big.
        assert!(!check(&square(55.0, 55.0, 20.0)));
        // Inside the hole.
        assert!(!check(&square(62.0, 62.0, 5.0)));
        // Touching the outline from inside is not proven (falls back to the overlay).
        assert!(!check(&square(0.0, 10.0, 20.0)));
    }
}
