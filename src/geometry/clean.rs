//! Degenerate rings out: repeated points, zero-width spikes and collapsed rings.
//!
//! Two places need this. Features entering analysis, because the boolean-operation kernel
//! (i_overlay) can panic on a ring that collapses to a point on its snapping grid (a hole whose
//! vertices all lie within a millimetre of each other). And every polygon footprint writes,
//! because a piece traced or snapped by the kernel can carry a spike (an edge that goes out
//! and comes straight back), and rounding written coordinates can make two points one.
//!
//! [`clean_multipolygon`] works in metres, with [`SNAP_M`] as the distance below which two
//! points are one and a turn is a spike. [`clean_grid_ring`] works on integer coordinates (the
//! written grid: 1e-7 degrees, or whole metres on the map), where every test is exact.

use geo::{Coord, LineString, MultiPolygon, Polygon};

/// Points closer than this (metres) are one point, and a turn back within it is a spike.
/// Far below any boundary's detail (ONS coordinates are written to about 10 cm), and above
/// the kernel's snapping grid for any extent in Great Britain.
pub const SNAP_M: f64 = 1e-3;

/// What cleaning removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Vertices removed (repeated points and spike tips).
    pub points: usize,
    /// Rings (holes, or shells with their holes) removed as collapsed.
    pub rings: usize,
    /// Polygons removed because their shell collapsed.
    pub polygons: usize,
}

impl Cleaned {
    pub fn any(&self) -> bool {
        *self != Cleaned::default()
    }

    pub fn add(&mut self, o: Cleaned) {
        self.points += o.points;
        self.rings += o.rings;
        self.polygons += o.polygons;
    }
}

/// Whether `b` is the tip of a spike between `a` and `c` (the ring turns back on itself
/// within `eps`), or `b` repeats `a` within `eps`.
#[inline]
fn degenerate(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>, eps: f64) -> bool {
    let (ux, uy) = (b.x - a.x, b.y - a.y);
    let (vx, vy) = (c.x - b.x, c.y - b.y);
    let uu = ux * ux + uy * uy;
    if uu <= eps * eps {
        return true;
    }
    let vv = vx * vx + vy * vy;
    if ux * vx + uy * vy >= 0.0 {
        return false;
    }
    // Turning back: a spike when the shorter edge ends within eps of the longer one's line,
    // |u x v| / max(|u|, |v|) <= eps.
    let cross = ux * vy - uy * vx;
    cross * cross <= eps * eps * uu.max(vv)
}

/// Whether a closed ring needs cleaning: a repeated point or a spike anywhere, the closing
/// vertex included. No allocation: the common case (a clean ring) costs one pass.
fn ring_is_clean(pts: &[Coord<f64>], eps: f64) -> bool {
    let n = pts.len();
    if n < 4 || pts[0] != pts[n - 1] {
        return false;
    }
    // Vertices 1..n-2 have both neighbours beside them (pts[n-1] is pts[0]); vertex 0 has
    // pts[n-2] before it. No index arithmetic in the loop: this runs on every vertex loaded.
    pts.windows(3).all(|w| !degenerate(w[0], w[1], w[2], eps))
        && !degenerate(pts[n - 2], pts[0], pts[1], eps)
}

/// A closed ring without repeated points or spikes, or None when it collapses: fewer than
/// three points left once they are gone (a ring along one line, or within `eps` of a point).
/// Only these are removed: a ring that crosses itself (a bow tie) is left as it is, to be
/// reported, not repaired.
pub fn clean_ring(pts: &[Coord<f64>], eps: f64) -> Option<Vec<Coord<f64>>> {
    let mut open: &[Coord<f64>] = pts;
    if open.len() > 1 && open.first() == open.last() {
        open = &open[..open.len() - 1];
    }
    let mut out = strip_open_ring(open, |a, b, c| degenerate(a, b, c, eps))?;
    out.push(out[0]);
    Some(out)
}

/// An open ring (the closing point left out) without repeated points or spikes, by
/// `degenerate(a, b, c)`: whether `b` repeats `a` (asked as `degenerate(a, b, b)`) or is the
/// tip of a spike between `a` and `c`. None when fewer than three points are left. The one
/// removal of both cleaners: within `eps` in metres, and exact on the written grid.
fn strip_open_ring<P: Copy>(open: &[P], degenerate: impl Fn(P, P, P) -> bool) -> Option<Vec<P>> {
    let mut out: Vec<P> = Vec::with_capacity(open.len() + 1);
    for &p in open {
        loop {
            let k = out.len();
            if k >= 1 && degenerate(out[k - 1], p, p) {
                // p repeats the last point kept.
                break;
            }
            if k >= 2 && degenerate(out[k - 2], out[k - 1], p) {
                out.pop();
                continue;
            }
            out.push(p);
            break;
        }
    }
    // Where the ring closes: the last points against the first ones.
    loop {
        let k = out.len();
        if k < 3 {
            return None;
        }
        if degenerate(out[k - 1], out[0], out[0]) || degenerate(out[k - 2], out[k - 1], out[0]) {
            out.pop();
        } else if degenerate(out[k - 1], out[0], out[1]) {
            out.remove(0);
        } else {
            break;
        }
    }
    Some(out)
}

/// Clean every ring of a polygon: None when its shell collapses.
pub fn clean_polygon(p: &Polygon<f64>, eps: f64, cleaned: &mut Cleaned) -> Option<Polygon<f64>> {
    let mut one = |ring: &LineString<f64>| -> Option<LineString<f64>> {
        if ring_is_clean(&ring.0, eps) {
            return Some(ring.clone());
        }
        match clean_ring(&ring.0, eps) {
            Some(r) => {
                cleaned.points += ring.0.len().saturating_sub(r.len());
                Some(LineString(r))
            }
            None => {
                cleaned.rings += 1;
                None
            }
        }
    };
    let Some(exterior) = one(p.exterior()) else {
        cleaned.polygons += 1;
        cleaned.rings += p.interiors().len();
        return None;
    };
    let interiors = p.interiors().iter().filter_map(&mut one).collect();
    Some(Polygon::new(exterior, interiors))
}

/// [`clean_polygon`] taking the polygon: given back as it is (no copy) when clean.
pub fn clean_polygon_owned(
    p: Polygon<f64>,
    eps: f64,
    cleaned: &mut Cleaned,
) -> Option<Polygon<f64>> {
    let clean = std::iter::once(p.exterior())
        .chain(p.interiors())
        .all(|r| ring_is_clean(&r.0, eps));
    if clean {
        Some(p)
    } else {
        clean_polygon(&p, eps, cleaned)
    }
}

/// Clean a MultiPolygon in place (metres, [`SNAP_M`]); what was removed. Untouched (no copy)
/// when every ring is clean.
pub fn clean_multipolygon(mp: &mut MultiPolygon<f64>) -> Cleaned {
    let eps = SNAP_M;
    let clean = |ring: &LineString<f64>| ring_is_clean(&ring.0, eps);
    let dirty =
        mp.0.iter()
            .any(|p| !clean(p.exterior()) || !p.interiors().iter().all(clean));
    let mut cleaned = Cleaned::default();
    if dirty {
        let polygons = std::mem::take(&mut mp.0);
        mp.0 = polygons
            .iter()
            .filter_map(|p| clean_polygon(p, eps, &mut cleaned))
            .collect();
    }
    cleaned
}

/// Whether `b` repeats `a` or is the tip of an exact spike between `a` and `c` (integer
/// coordinates: the turn is exactly back along the same line).
#[inline]
fn grid_degenerate(a: (i64, i64), b: (i64, i64), c: (i64, i64)) -> bool {
    if a == b {
        return true;
    }
    let (ux, uy) = ((b.0 - a.0) as i128, (b.1 - a.1) as i128);
    let (vx, vy) = ((c.0 - b.0) as i128, (c.1 - b.1) as i128);
    ux * vy - uy * vx == 0 && ux * vx + uy * vy < 0
}

/// Clean an open ring of integer coordinates (the closing point left out) in place: repeated
/// points and exact spikes removed. False when it collapses (fewer than three points, or no
/// area left).
pub fn clean_grid_ring(pts: &mut Vec<(i64, i64)>) -> bool {
    let m = pts.len();
    let clean =
        m >= 3 && (0..m).all(|i| !grid_degenerate(pts[(i + m - 1) % m], pts[i], pts[(i + 1) % m]));
    if !clean {
        // grid_degenerate(a, b, b) holds exactly when b repeats a.
        match strip_open_ring(pts, grid_degenerate) {
            Some(out) => *pts = out,
            None => {
                pts.clear();
                return false;
            }
        }
    }
    let m = pts.len();
    let twice: i128 = (0..m)
        .map(|i| {
            let (a, b) = (pts[i], pts[(i + 1) % m]);
            a.0 as i128 * b.1 as i128 - b.0 as i128 * a.1 as i128
        })
        .sum();
    twice != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Validation};

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn a_clean_ring_is_left_alone() {
        let mut mp = MultiPolygon(vec![polygon![
            (x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)
        ]]);
        let before = mp.clone();
        assert!(!clean_multipolygon(&mut mp).any());
        assert_eq!(mp, before);
    }

    #[test]
    fn a_spike_and_a_repeated_point_go() {
        // A spike out to (20, 5) and back along the same line, and (10, 10) twice.
        let ring = vec![
            c(0.0, 0.0),
            c(10.0, 0.0),
            c(10.0, 5.0),
            c(20.0, 5.0),
            c(10.0, 5.0),
            c(10.0, 10.0),
            c(10.0, 10.0),
            c(0.0, 10.0),
            c(0.0, 0.0),
        ];
        let mut mp = MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]);
        assert!(!mp.is_valid());
        let cleaned = clean_multipolygon(&mut mp);
        assert!(mp.is_valid(), "{mp:?}");
        assert_eq!(mp.0[0].exterior().0.len(), 6, "{mp:?}");
        assert_eq!(cleaned.points, 3);
    }

    #[test]
    fn a_spike_at_the_closing_vertex_goes() {
        let ring = vec![
            c(-5.0, 0.0),
            c(0.0, 0.0),
            c(10.0, 0.0),
            c(10.0, 10.0),
            c(0.0, 10.0),
            c(0.0, 0.0),
            c(-5.0, 0.0),
        ];
        let r = clean_ring(&ring, SNAP_M).unwrap();
        assert_eq!(r.len(), 5, "{r:?}");
        assert!(Polygon::new(LineString(r), vec![]).is_valid());
    }

    #[test]
    fn a_hole_collapsed_to_a_point_is_removed() {
        let e = 1e-5;
        let mut mp = MultiPolygon(vec![polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [[(x: 5.0, y: 5.0), (x: 5.0 + e, y: 5.0), (x: 5.0 + e, y: 5.0 + e), (x: 5.0, y: 5.0 + e)]],
        )]);
        let cleaned = clean_multipolygon(&mut mp);
        assert_eq!(cleaned.rings, 1);
        assert!(mp.0[0].interiors().is_empty());
    }

    #[test]
    fn a_zero_area_ring_collapses() {
        // POLYGON((0 0,10 0,20 0,0 0,0 0)): all on one line.
        let ring = vec![
            c(0.0, 0.0),
            c(10.0, 0.0),
            c(20.0, 0.0),
            c(0.0, 0.0),
            c(0.0, 0.0),
        ];
        assert_eq!(clean_ring(&ring, SNAP_M), None);
        let mut mp = MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]);
        assert_eq!(clean_multipolygon(&mut mp).polygons, 1);
        assert!(mp.0.is_empty());
    }

    #[test]
    fn grid_rings_lose_exact_spikes_and_repeats() {
        let mut r = vec![
            (0, 0),
            (10, 0),
            (10, 5),
            (20, 5),
            (10, 5),
            (10, 10),
            (10, 10),
            (0, 10),
        ];
        assert!(clean_grid_ring(&mut r));
        assert_eq!(r, vec![(0, 0), (10, 0), (10, 5), (10, 10), (0, 10)]);
        let mut flat = vec![(0, 0), (10, 0), (20, 0)];
        assert!(!clean_grid_ring(&mut flat));
        let mut tiny = vec![(0, 0), (0, 0), (0, 0), (0, 0)];
        assert!(!clean_grid_ring(&mut tiny));
    }
}
