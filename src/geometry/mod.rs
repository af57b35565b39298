//! Measures on British National Grid geometry: true areas, perimeters, mean widths.
//!
//! All geometry in this crate is in British National Grid metres (see [`crate::project`]).
//! Areas returned here are true areas on the ground, not planar grid areas.

use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};

use crate::project;

pub mod chains;
pub mod clean;
pub mod kernel;

/// True area on the ground, in square metres, of a polygon in British National Grid.
///
/// The planar (shoelace) area is corrected for the grid's scale factor exactly to second
/// order: 1/k² = (1 - x²/(ρν)) / F0², integrated over the polygon with its second moment
/// about the central meridian. Holes are subtracted whatever their winding.
///
/// ```
/// use geo::polygon;
/// // A 1 km square on the central meridian, where the grid shrinks lengths by 0.04%.
/// let square = polygon![(x: 399_500.0, y: 300_000.0), (x: 400_500.0, y: 300_000.0),
///     (x: 400_500.0, y: 301_000.0), (x: 399_500.0, y: 301_000.0)];
/// let a = footprint::geometry::true_area_m2(&square);
/// assert!((a - 1_000_000.0 / 0.9996012717f64.powi(2)).abs() < 1.0);
/// ```
pub fn true_area_m2(polygon: &Polygon<f64>) -> f64 {
    let outer = ring_moments(polygon.exterior()).abs_sign();
    let holes = polygon
        .interiors()
        .iter()
        .map(|r| ring_moments(r).abs_sign())
        .fold(Moments::default(), |a, b| a.add(b));
    outer.sub(holes).true_area()
}

/// The smallest rectangle holding both `a` and `b`.
pub fn rect_union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

/// `r` grown by `d` on every side.
pub fn rect_grow(r: &Rect<f64>, d: f64) -> Rect<f64> {
    Rect::new(
        Coord {
            x: r.min().x - d,
            y: r.min().y - d,
        },
        Coord {
            x: r.max().x + d,
            y: r.max().y + d,
        },
    )
}

/// True area in square metres of a MultiPolygon (the sum of its parts).
pub fn multi_true_area_m2(mp: &MultiPolygon<f64>) -> f64 {
    mp.0.iter().map(true_area_m2).sum()
}

/// Orient the rings of `mp` by the sign of their area (shells counter-clockwise, holes
/// clockwise) and return its true area ([`true_area_m2`]), in one pass over the coordinates.
/// A ring of no area is left as it is.
pub fn orient_and_true_area_m2(mp: &mut MultiPolygon<f64>) -> f64 {
    let mut total = 0.0;
    for polygon in &mut mp.0 {
        let mut outer = Moments::default();
        polygon.exterior_mut(|r| {
            outer = ring_moments(r);
            if outer.area < 0.0 {
                // Reversing a closed ring keeps its first vertex, so its moments only change
                // sign.
                r.0.reverse();
            }
        });
        let mut holes = Moments::default();
        polygon.interiors_mut(|rs| {
            for r in rs {
                let m = ring_moments(r);
                if m.area > 0.0 {
                    r.0.reverse();
                }
                holes = holes.add(m.abs_sign());
            }
        });
        total += outer.abs_sign().sub(holes).true_area();
    }
    total
}

/// Perimeter in grid metres (the scale error, under 0.1%, does not matter for widths).
pub fn perimeter_m(polygon: &Polygon<f64>) -> f64 {
    std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(ring_length)
        .sum()
}

fn ring_length(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|w| {
            // Grid metres cannot overflow a square: plain sqrt, not the slower `hypot`.
            let (dx, dy) = (w[1].x - w[0].x, w[1].y - w[0].y);
            (dx * dx + dy * dy).sqrt()
        })
        .sum()
}

/// Mean width of a polygon in metres: 2 x area / perimeter. A strip w wide has mean width w;
/// a square of side s has s/2; a sliver between two versions of one boundary has about its
/// average thickness.
pub fn mean_width_m(polygon: &Polygon<f64>) -> f64 {
    let p = perimeter_m(polygon);
    if p <= 0.0 {
        return 0.0;
    }
    2.0 * planar_area(polygon) / p
}

/// A lighter copy of a MultiPolygon for drawing, never for measuring.
///
/// Each ring is simplified on its own (Douglas-Peucker, geo's `Simplify`) by up to
/// `epsilon_m` metres, and rings whose area is under `epsilon_m`² (smaller than the drawing's
/// detail) are dropped: holes always, parts unless the feature would be left with none, in
/// which case its largest part stays. Neighbours simplified separately no longer share their
/// lines exactly; at the scale drawn that is under a pixel. `epsilon_m <= 0` copies as is.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// // A 10 km square with a 20 m kink on one side, and a 30 m islet beside it.
/// let square = polygon![(x: 0.0, y: 0.0), (x: 5_000.0, y: 20.0), (x: 10_000.0, y: 0.0),
///     (x: 10_000.0, y: 10_000.0), (x: 0.0, y: 10_000.0)];
/// let islet = polygon![(x: 20_000.0, y: 0.0), (x: 20_030.0, y: 0.0), (x: 20_030.0, y: 30.0),
///     (x: 20_000.0, y: 30.0)];
/// let drawn = footprint::geometry::simplify_for_drawing(&MultiPolygon(vec![square, islet]), 100.0);
/// assert_eq!(drawn.0.len(), 1);
/// assert_eq!(drawn.0[0].exterior().0.len(), 5); // four corners and the closing point
/// ```
pub fn simplify_for_drawing(mp: &MultiPolygon<f64>, epsilon_m: f64) -> MultiPolygon<f64> {
    use geo::Simplify;
    if epsilon_m <= 0.0 {
        return mp.clone();
    }
    let min_area = epsilon_m * epsilon_m;
    let ring_area = |r: &LineString<f64>| ring_moments(r).area.abs();
    let mut parts: Vec<(f64, Polygon<f64>)> =
        mp.0.iter()
            .map(|p| {
                let p = p.simplify(epsilon_m);
                let (exterior, interiors) = p.into_inner();
                let interiors = interiors
                    .into_iter()
                    .filter(|r| ring_area(r) >= min_area)
                    .collect();
                (ring_area(&exterior), Polygon::new(exterior, interiors))
            })
            .collect();
    let largest = parts
        .iter()
        .enumerate()
        .max_by(|x, y| x.1 .0.total_cmp(&y.1 .0))
        .map(|(i, _)| i);
    let mut kept = Vec::with_capacity(parts.len());
    for (i, (area, p)) in parts.drain(..).enumerate() {
        if area >= min_area || Some(i) == largest {
            kept.push(p);
        }
    }
    MultiPolygon(kept)
}

/// Planar (grid) area in square metres.
pub fn planar_area(polygon: &Polygon<f64>) -> f64 {
    let outer = ring_moments(polygon.exterior()).abs_sign();
    let holes: f64 = polygon
        .interiors()
        .iter()
        .map(|r| ring_moments(r).abs_sign().area)
        .sum();
    (outer.area - holes).max(0.0)
}

/// Area, first and second moments in x (relative to the central meridian), and a latitude hint.
#[derive(Clone, Copy, Default)]
struct Moments {
    area: f64,
    /// Integral of (x - E0) dA.
    mx: f64,
    /// Integral of (x - E0)² dA.
    mxx: f64,
    /// A northing inside the ring (for the radii of curvature).
    north: f64,
}

impl Moments {
    fn abs_sign(self) -> Moments {
        if self.area < 0.0 {
            Moments {
                area: -self.area,
                mx: -self.mx,
                mxx: -self.mxx,
                north: self.north,
            }
        } else {
            self
        }
    }

    fn add(self, o: Moments) -> Moments {
        Moments {
            area: self.area + o.area,
            mx: self.mx + o.mx,
            mxx: self.mxx + o.mxx,
            north: if self.area > 0.0 { self.north } else { o.north },
        }
    }

    fn sub(self, o: Moments) -> Moments {
        Moments {
            area: self.area - o.area,
            mx: self.mx - o.mx,
            mxx: self.mxx - o.mxx,
            north: self.north,
        }
    }

    fn true_area(self) -> f64 {
        if self.area <= 0.0 {
            return 0.0;
        }
        // Area-weighted mean of 1/k² over the polygon, with k² = F0²(1 + x²/ρν).
        let k2_centre = project::area_scale(project::E0, self.north);
        let rho_nu = project::rho_nu(self.north);
        (self.area - self.mxx / rho_nu) / k2_centre
    }
}

/// Signed moments of one ring (positive when counter-clockwise), computed about the ring's
/// first vertex for precision and shifted to the central meridian exactly.
fn ring_moments(ring: &LineString<f64>) -> Moments {
    let pts: &[Coord<f64>] = &ring.0;
    let Some(origin) = pts.first().copied() else {
        return Moments::default();
    };
    let (mut a2, mut ux6, mut uxx12) = (0.0, 0.0, 0.0);
    for w in pts.windows(2) {
        let (x0, y0) = (w[0].x - origin.x, w[0].y - origin.y);
        let (x1, y1) = (w[1].x - origin.x, w[1].y - origin.y);
        let cross = x0 * y1 - x1 * y0;
        a2 += cross;
        ux6 += cross * (x0 + x1);
        uxx12 += cross * (x0 * x0 + x0 * x1 + x1 * x1);
    }
    // The closing edge back to the origin contributes nothing, so open rings work too.
    let area = a2 / 2.0;
    let mu = ux6 / 6.0; // integral of u dA, u = x - origin.x
    let muu = uxx12 / 12.0; // integral of u² dA
    let d = origin.x - project::E0;
    Moments {
        area,
        mx: mu + d * area,
        mxx: muu + 2.0 * d * mu + d * d * area,
        north: origin.y,
    }
}

/// Whether a ray from `p` towards +x crosses the closed ring `ring` an odd number of times:
/// for a point off the ring, whether it is inside (even-odd over several rings: XOR).
pub(crate) fn crossings_odd(p: Coord<f64>, ring: &[Coord<f64>]) -> bool {
    let mut odd = false;
    for w in ring.windows(2) {
        let (s, e) = (w[0], w[1]);
        if (s.y > p.y) != (e.y > p.y) && p.x < s.x + (p.y - s.y) * (e.x - s.x) / (e.y - s.y) {
            odd = !odd;
        }
    }
    odd
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Area};

    #[test]
    fn holes_are_subtracted_whatever_their_winding() {
        let ccw_hole = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
            interiors: [[(x: 10.0, y: 10.0), (x: 20.0, y: 10.0), (x: 20.0, y: 20.0), (x: 10.0, y: 20.0)]],
        ];
        let cw_hole = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 0.0, y: 100.0), (x: 100.0, y: 100.0), (x: 100.0, y: 0.0)],
            interiors: [[(x: 10.0, y: 10.0), (x: 10.0, y: 20.0), (x: 20.0, y: 20.0), (x: 20.0, y: 10.0)]],
        ];
        assert_eq!(planar_area(&ccw_hole), 9_900.0);
        assert_eq!(planar_area(&cw_hole), 9_900.0);
        assert_eq!(ccw_hole.unsigned_area(), 9_900.0);
    }

    #[test]
    fn true_area_grows_away_from_central_meridian() {
        let square = |x0: f64| {
            polygon![(x: x0, y: 300_000.0), (x: x0 + 1000.0, y: 300_000.0),
                (x: x0 + 1000.0, y: 301_000.0), (x: x0, y: 301_000.0)]
        };
        let centre = true_area_m2(&square(399_500.0));
        let east = true_area_m2(&square(649_500.0));
        // At 250 km from the meridian the grid is ~0.077% larger than the ground.
        assert!(centre > 1_000_700.0 && centre < 1_000_900.0, "{centre}");
        assert!(east < 1_000_000.0 && east > 998_000.0, "{east}");
        let k2 = project::area_scale(650_000.0, 300_500.0);
        // Second order in x: the x⁴ term (2e-6 here) is left out.
        assert!((east - 1e6 / k2).abs() < 5.0, "{east} vs {}", 1e6 / k2);
    }

    #[test]
    fn mean_width_of_a_strip_is_its_width() {
        let strip = polygon![(x: 0.0, y: 0.0), (x: 10_000.0, y: 0.0), (x: 10_000.0, y: 50.0), (x: 0.0, y: 50.0)];
        let w = mean_width_m(&strip);
        assert!((w - 50.0).abs() < 0.5, "{w}");
    }
}
