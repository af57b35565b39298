//! Cutting a MultiPolygon down to a rectangle before a boolean operation.
//!
//! When a small feature (an LSOA) is intersected with a large one (a CCG), almost all of the
//! large outline lies far from the small feature, yet the boolean operation sweeps every vertex
//! of it. Whatever the two share lies inside both boxes, so each is first cut to the overlap of
//! their boxes, grown by a margin: the rest cannot contribute. Rings wholly inside the rectangle
//! are kept as they are, rings whose box misses it are dropped (a ring whose box misses the
//! rectangle cannot enclose any of it), and the others are clipped edge by edge
//! (Sutherland-Hodgman).
//!
//! A clipped concave ring may run to and fro along the rectangle's sides. Those doubled edges
//! enclose no area, and because the rectangle is grown beyond both boxes, they lie outside the
//! intersection: the even-odd boolean operation that follows drops them. Every point strictly
//! inside the rectangle keeps its winding number, so the intersection is unchanged.

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};

use crate::geometry::{rect_grow, rect_union};

/// The rectangle both `a` and `b` are cut to: the overlap of their boxes grown by a margin
/// (1 m plus a thousandth of its size), or `None` when the boxes do not meet.
pub fn common_rect(a: &[Rect<f64>], b: &[Rect<f64>]) -> Option<Rect<f64>> {
    let union = |boxes: &[Rect<f64>]| boxes.iter().copied().reduce(rect_union);
    let (ra, rb) = (union(a)?, union(b)?);
    let min = Coord {
        x: ra.min().x.max(rb.min().x),
        y: ra.min().y.max(rb.min().y),
    };
    let max = Coord {
        x: ra.max().x.min(rb.max().x),
        y: ra.max().y.min(rb.max().y),
    };
    if min.x > max.x || min.y > max.y {
        return None;
    }
    let margin = 1.0 + 1e-3 * (max.x - min.x).max(max.y - min.y);
    Some(rect_grow(&Rect::new(min, max), margin))
}

/// `mp` cut to `rect` when any part of it reaches outside, else `mp` itself.
pub fn cut<'a>(
    mp: &'a MultiPolygon<f64>,
    boxes: &[Rect<f64>],
    rect: &Rect<f64>,
) -> std::borrow::Cow<'a, MultiPolygon<f64>> {
    if needs_clip(boxes, rect) {
        std::borrow::Cow::Owned(clip(mp, boxes, rect))
    } else {
        std::borrow::Cow::Borrowed(mp)
    }
}

/// Whether any part of `mp` needs cutting to fit `rect` (else it can be used as it is).
pub fn needs_clip(boxes: &[Rect<f64>], rect: &Rect<f64>) -> bool {
    boxes.iter().any(|b| !inside(b, rect))
}

fn inside(b: &Rect<f64>, rect: &Rect<f64>) -> bool {
    b.min().x >= rect.min().x
        && b.min().y >= rect.min().y
        && b.max().x <= rect.max().x
        && b.max().y <= rect.max().y
}

fn misses(b: &Rect<f64>, rect: &Rect<f64>) -> bool {
    b.max().x < rect.min().x
        || b.min().x > rect.max().x
        || b.max().y < rect.min().y
        || b.min().y > rect.max().y
}

/// `mp` cut to `rect`, with `boxes` the boxes of its parts. The result is for an even-odd
/// boolean operation only: its rings may have doubled edges along the rectangle's sides.
pub fn clip(mp: &MultiPolygon<f64>, boxes: &[Rect<f64>], rect: &Rect<f64>) -> MultiPolygon<f64> {
    let mut out = Vec::new();
    for (polygon, b) in mp.0.iter().zip(boxes) {
        if misses(b, rect) {
            continue;
        }
        if inside(b, rect) {
            out.push(polygon.clone());
            continue;
        }
        let Some(exterior) = clip_ring(polygon.exterior(), rect) else {
            continue;
        };
        let holes = polygon
            .interiors()
            .iter()
            .filter_map(|ring| clip_ring(ring, rect))
            .collect();
        out.push(Polygon::new(exterior, holes));
    }
    MultiPolygon(out)
}

/// One ring cut to `rect` (Sutherland-Hodgman against each side in turn), or `None` when
/// nothing of it is left.
fn clip_ring(ring: &LineString<f64>, rect: &Rect<f64>) -> Option<LineString<f64>> {
    let (lo, hi) = (rect.min(), rect.max());
    let r = ring.bounding_rect()?;
    if misses(&r, rect) {
        return None;
    }
    let mut pts: Vec<Coord<f64>> = ring.0.clone();
    // Drop the closing vertex: the passes below treat the list as cyclic.
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    let mut next = Vec::with_capacity(pts.len());
    // Each side: keep(p) says whether p is on the inner side; cross(p, q) the crossing point.
    if r.min().x < lo.x {
        pass(&pts, &mut next, |p| p.x >= lo.x, |p, q| at_x(p, q, lo.x));
        std::mem::swap(&mut pts, &mut next);
    }
    if r.max().x > hi.x {
        pass(&pts, &mut next, |p| p.x <= hi.x, |p, q| at_x(p, q, hi.x));
        std::mem::swap(&mut pts, &mut next);
    }
    if r.min().y < lo.y {
        pass(&pts, &mut next, |p| p.y >= lo.y, |p, q| at_y(p, q, lo.y));
        std::mem::swap(&mut pts, &mut next);
    }
    if r.max().y > hi.y {
        pass(&pts, &mut next, |p| p.y <= hi.y, |p, q| at_y(p, q, hi.y));
        std::mem::swap(&mut pts, &mut next);
    }
    if pts.len() < 3 {
        return None;
    }
    pts.push(pts[0]);
    let ring = LineString(pts);
    // Nothing left but a line along a side.
    let cut = ring.bounding_rect()?;
    if cut.width() <= 0.0 || cut.height() <= 0.0 {
        return None;
    }
    Some(ring)
}

fn pass(
    pts: &[Coord<f64>],
    out: &mut Vec<Coord<f64>>,
    keep: impl Fn(Coord<f64>) -> bool,
    cross: impl Fn(Coord<f64>, Coord<f64>) -> Coord<f64>,
) {
    out.clear();
    let Some(&last) = pts.last() else {
        return;
    };
    let mut prev = last;
    let mut prev_in = keep(prev);
    for &p in pts {
        let p_in = keep(p);
        if p_in {
            if !prev_in {
                out.push(cross(prev, p));
            }
            out.push(p);
        } else if prev_in {
            out.push(cross(prev, p));
        }
        prev = p;
        prev_in = p_in;
    }
}

fn at_x(p: Coord<f64>, q: Coord<f64>, x: f64) -> Coord<f64> {
    let t = (x - p.x) / (q.x - p.x);
    Coord {
        x,
        y: p.y + t * (q.y - p.y),
    }
}

fn at_y(p: Coord<f64>, q: Coord<f64>, y: f64) -> Coord<f64> {
    let t = (y - p.y) / (q.y - p.y);
    Coord {
        x: p.x + t * (q.x - p.x),
        y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::multi_true_area_m2;
    use geo::BooleanOps;

    fn boxes(mp: &MultiPolygon<f64>) -> Vec<Rect<f64>> {
        mp.0.iter().filter_map(|p| p.bounding_rect()).collect()
    }

    fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
        let mut v: Vec<Coord<f64>> = pts.iter().map(|&(x, y)| Coord { x, y }).collect();
        v.push(v[0]);
        LineString(v)
    }

    /// A comb: a concave outline whose teeth leave and re-enter any rectangle across them,
    /// with a hole, and a second part far away.
    fn comb() -> MultiPolygon<f64> {
        let mut pts = vec![(400_000.0, 300_000.0), (410_000.0, 300_000.0)];
        for k in 0..10 {
            let x = 410_000.0 - k as f64 * 1_000.0;
            pts.push((x, 310_000.0));
            pts.push((x - 500.0, 310_000.0));
            pts.push((x - 500.0, 302_000.0));
            pts.push((x - 1_000.0, 302_000.0));
        }
        let hole = ring(&[
            (401_000.0, 300_500.0),
            (401_000.0, 301_000.0),
            (409_000.0, 301_000.0),
            (409_000.0, 300_500.0),
        ]);
        let far = ring(&[
            (500_000.0, 500_000.0),
            (501_000.0, 500_000.0),
            (501_000.0, 501_000.0),
        ]);
        MultiPolygon(vec![
            Polygon::new(ring(&pts), vec![hole]),
            Polygon::new(far, vec![]),
        ])
    }

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Polygon::new(
            ring(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]),
            vec![],
        )])
    }

    /// The intersection with and without cutting both sides first: same area.
    fn same(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) {
        let direct = multi_true_area_m2(&a.intersection(b));
        let (ba, bb) = (boxes(a), boxes(b));
        let cut = match common_rect(&ba, &bb) {
            None => 0.0,
            Some(r) => multi_true_area_m2(&clip(a, &ba, &r).intersection(&clip(b, &bb, &r))),
        };
        assert!(
            (direct - cut).abs() <= 1e-6 * direct.max(1.0),
            "direct {direct} vs cut {cut}"
        );
    }

    #[test]
    fn cutting_first_changes_no_intersection() {
        let c = comb();
        // Across the teeth, across the hole, on a corner, inside a tooth, in a gap between
        // teeth, overlapping the far part, beyond everything.
        for s in [
            square(402_200.0, 305_000.0, 407_700.0, 309_000.0),
            square(400_200.0, 300_200.0, 408_000.0, 303_000.0),
            square(409_700.0, 309_700.0, 411_000.0, 311_000.0),
            square(403_100.0, 304_000.0, 403_400.0, 304_500.0),
            square(403_600.0, 304_000.0, 403_900.0, 304_500.0),
            square(500_500.0, 499_000.0, 502_000.0, 500_500.0),
            square(600_000.0, 600_000.0, 601_000.0, 601_000.0),
            square(399_000.0, 299_000.0, 420_000.0, 320_000.0),
        ] {
            same(&s, &c);
            same(&c, &s);
        }
    }

    #[test]
    fn a_ring_enclosing_the_rectangle_becomes_the_rectangle() {
        let big = square(0.0, 0.0, 100_000.0, 100_000.0);
        let r = Rect::new(Coord { x: 10.0, y: 10.0 }, Coord { x: 20.0, y: 20.0 });
        let cut = clip(&big, &boxes(&big), &r);
        assert_eq!(cut.0.len(), 1);
        assert!((multi_true_area_m2(&cut) - 100.0).abs() < 1.0);
    }

    #[test]
    fn parts_beside_the_rectangle_are_dropped() {
        let c = comb();
        let r = Rect::new(
            Coord {
                x: 400_100.0,
                y: 300_100.0,
            },
            Coord {
                x: 400_200.0,
                y: 300_200.0,
            },
        );
        let cut = clip(&c, &boxes(&c), &r);
        assert_eq!(cut.0.len(), 1, "the far part is dropped");
        assert!(cut.0[0].interiors().is_empty(), "the hole is beside it");
        let inner = square(400_120.0, 300_120.0, 400_150.0, 300_150.0);
        assert!(!needs_clip(&boxes(&inner), &r));
        assert!(needs_clip(&boxes(&c), &r));
    }
}
