//! The intersection of two polygons whose outlines only cross, found by walking the outlines.
//!
//! A fine feature against a coarse one (an LSOA against a CCG) meets only a handful of the
//! coarse outline's segments, yet a general boolean operation sorts and splits every segment
//! of both. When the two outlines meet only in proper crossings (each crossing strictly inside
//! a segment of both, the segments not parallel there), the intersection's outline is simple
//! to trace. Both inputs are valid with interiors on the left of every ring (shells
//! counter-clockwise, holes clockwise), so at a crossing where `a` heads into `b`, `b` heads
//! out of `a`; the outline of `a ∩ b` is made of the runs of `a` inside `b` and the runs of `b`
//! inside `a`, joined at the crossings, with the interior again on the left:
//!
//! 1. find every crossing, walking monotone chains of both outlines in x order;
//! 2. sort the crossings along each ring: entries and exits must alternate;
//! 3. from each crossing follow the run that heads inside (of `a` where `a` enters `b`, else
//!    of `b`) to the next crossing on that ring, until the ring closes;
//! 4. add the rings no crossing touches that lie inside the other polygon (one vertex tells);
//! 5. counter-clockwise rings are shells, clockwise ones holes of the smallest shell around
//!    them.
//!
//! A ring of the result that passes one vertex twice (two pieces meeting at a point) is cut
//! there into two polygons, as the OGC model wants.
//!
//! Boundary files are drawn from common sources, so outlines often share vertices and run
//! along each other. So that the outlines only cross or pass apart, `b` is first drawn in by
//! 0.1 µm (`INSET_M`: each edge moved into `b`), which changes areas by at most 0.01 m² per
//! 100 km of `b`'s outline inside `a`. Where a vertex still lies on the other outline (to
//! within `NEAR_M`), or the result fails the check below, `b` is shifted by 0.1 µm instead
//! (`SHIFTS`), in one direction and then another. A move can join two pieces that only
//! touched with a neck 0.1 µm wide, or leave a tail along a shared line (a shift does,
//! wherever it moves a line `b` shares with a neighbour into `a`), so every place where the
//! outlines come within a millimetre of each other or of themselves (`CLOSE_M`) must be
//! passed at most once by the result (`once_past_each`).
//!
//! Anything else — crossings out of order, a neck or tail, a hole with no shell — returns
//! `None`, and the caller uses the general boolean operation. The inputs may be cut to a
//! common rectangle first ([`super::clip`]): the doubled edges a cut leaves along the
//! rectangle lie where the other polygon is not, so they never cross it.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use crate::geometry::chains::{ring_chains, walk_chain_pair, Chain};
use crate::geometry::crossings_odd;

/// How near (metres) a vertex may come to the other outline before the two are said to touch
/// rather than cross: ten times the rounding of a coordinate on the grid (a tenth of a
/// nanometre), well under [`SHIFTS`].
const NEAR_M: f64 = 2e-9;

/// How near (metres) a vertex may come to the other outline before the result is checked for
/// necks and tails there (see [`once_past_each`]): a millimetre. Lines that meet exactly in
/// longitude and latitude can miss each other by a little once projected, and the general
/// boolean operation would join them.
const CLOSE_M: f64 = 1e-3;

/// Shifts (metres) of `b` tried in turn after [`INSET_M`], 0.1 µm in directions unlike each
/// other and the axes.
/// Outlines that share vertices or run along each other (common: council, CCG and LSOA lines
/// are drawn from the same sources) then cross or pass apart; a vertex exactly on the other
/// outline is left at least `NEAR_M` from it unless the segment there lies within a degree or
/// so of the shift. The shift changes an area by at most 0.1 µm times the length of outline
/// shared: 0.01 m² per 100 km.
const SHIFTS: [(f64, f64); 3] = [
    (0.540_302_3e-7, 0.841_471_0e-7),  // 1 radian
    (-0.801_143_6e-7, 0.598_472_1e-7), // 2.5 radians
    (0.283_662_2e-7, -0.958_924_3e-7), // 5 radians
];

/// How far (metres) `b` is first drawn in, every edge moved to its left (into `b`): 0.1 µm,
/// as far as [`SHIFTS`] move it. Where the outlines run along each other on the same side, `b`
/// then runs just inside `a`; on opposite sides (neighbours), the two pass apart; so a shared
/// line leaves neither a neck nor a tail, which a shift leaves wherever it moves `b` across a
/// shared line towards `a`. The area changes by at most 0.1 µm times the length of `b`'s
/// outline inside `a`.
const INSET_M: f64 = 1e-7;

/// The closed ring `ring` with each vertex moved so that both its edges lie `d` to their left
/// (the mitre point), or as near that as a mitre no longer than four times `d` allows where
/// the ring turns back on itself. A zero-length edge takes the direction of its neighbour.
fn inset(ring: &[Coord<f64>], d: f64) -> Vec<Coord<f64>> {
    let n = ring.len() - 1;
    // The unit normal to the left of the edge from ring[i] to ring[i + 1]. Coordinates are
    // metres on the grid: no square overflows, so no `hypot` (slow) is needed.
    let normal = |i: usize| -> Option<Coord<f64>> {
        let (p, q) = (ring[i], ring[i + 1]);
        let (dx, dy) = (q.x - p.x, q.y - p.y);
        let len = (dx * dx + dy * dy).sqrt();
        (len > 0.0).then(|| Coord {
            x: -dy / len,
            y: dx / len,
        })
    };
    let normals: Vec<Option<Coord<f64>>> = (0..n).map(normal).collect();
    let mut out: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let v = ring[i];
            let (before, after) = (normals[(i + n - 1) % n], normals[i]);
            let (n1, n2) = match (before, after) {
                (Some(p), Some(q)) => (p, q),
                (Some(p), None) | (None, Some(p)) => (p, p),
                (None, None) => return v,
            };
            let (sx, sy) = (n1.x + n2.x, n1.y + n2.y);
            // The mitre is (n1 + n2) / (1 + n1 . n2): its length is 1 / cos(half the turn).
            let dot = n1.x * n2.x + n1.y * n2.y;
            let (mx, my) = if 1.0 + dot >= 0.125 {
                (sx / (1.0 + dot), sy / (1.0 + dot))
            } else {
                let len = (sx * sx + sy * sy).sqrt();
                if len > 1e-9 {
                    (4.0 * sx / len, 4.0 * sy / len)
                } else {
                    (n1.x, n1.y)
                }
            };
            Coord {
                x: v.x + d * mx,
                y: v.y + d * my,
            }
        })
        .collect();
    out.push(out[0]);
    out
}

/// The ring `ring` moved by `(dx, dy)`.
fn shifted(ring: &[Coord<f64>], (dx, dy): (f64, f64)) -> Vec<Coord<f64>> {
    ring.iter()
        .map(|c| Coord {
            x: c.x + dx,
            y: c.y + dy,
        })
        .collect()
}

/// One proper crossing of a segment of `a` and a segment of `b`.
#[derive(Clone, Copy)]
struct Crossing {
    p: Coord<f64>,
    /// Ring of `a`, its segment, and the position along the segment (0..1).
    a_ring: u32,
    a_seg: u32,
    a_t: f64,
    b_ring: u32,
    b_seg: u32,
    b_t: f64,
    /// Whether `a` heads into `b` here (and so `b` heads out of `a`).
    a_enters: bool,
}

fn rings(mp: &MultiPolygon<f64>) -> Vec<&[Coord<f64>]> {
    super::contain::rings(mp).map(|r| r.0.as_slice()).collect()
}

/// `a ∩ b` as polygons (shells counter-clockwise), or `None` when the outlines could not be
/// separated into crossings or the inputs are not closed rings.
pub fn intersection(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> Option<Vec<Polygon<f64>>> {
    let (ra, rb) = (rings(a), rings(b));
    let closed = |r: &&[Coord<f64>]| r.len() >= 4 && r.first() == r.last();
    if !ra.iter().all(closed) || !rb.iter().all(closed) {
        return None;
    }
    let ca = ring_chains(&ra);
    // The trace trusts each polygon not to cross itself. Features are validated in their
    // file's coordinates; projection can turn a near touch there into a crossing.
    let cb = ring_chains(&rb);
    let mut own = Vec::new();
    if !close_to_itself(&rb, &cb, &mut own) {
        return None;
    }
    // Drawn in, `b` stays simple only where no two of its edges come near each other: every
    // vertex moves by at most 4 `INSET_M`, and nowhere else can edges cross. Where a hole
    // touches its shell, or a cut doubles an edge, the two can be drawn across each other.
    let simple_b = own.is_empty();
    if !close_to_itself(&ra, &ca, &mut own) {
        return None;
    }
    // `b` is moved so that outlines that touch cross or pass apart instead: first drawn in
    // by `INSET_M` where it stays simple, then shifted; when a vertex still lies on the
    // other outline, or the result has a neck or a tail, the next move is tried.
    let inset_first = simple_b.then_some(None);
    let mut moves = inset_first.into_iter().chain(SHIFTS.iter().map(Some));
    moves.find_map(|shift| {
        let moved: Vec<Vec<Coord<f64>>> = match shift {
            None => rb.iter().map(|r| inset(r, INSET_M)).collect(),
            Some(&d) => rb.iter().map(|r| shifted(r, d)).collect(),
        };
        let moved: Vec<&[Coord<f64>]> = moved.iter().map(|r| r.as_slice()).collect();
        let mut close = own.clone();
        // The moved outline is walked by the chains of the unmoved one: no vertex moves by
        // more than 4 `INSET_M`, so a chain is still in x order and within its box to well
        // under the `CLOSE_M` margin every walk and box test leaves.
        let crossings = find_crossings(&ra, &ca, &moved, &cb, &mut close)?;
        // A traced ring can pass one vertex twice only where an input touches itself.
        let polygons = trace(&ra, &moved, &rb, crossings, !own.is_empty())?;
        if close.is_empty() {
            return Some(polygons);
        }
        // Where the outlines came close, the result must pass each such place at most once.
        close.sort_unstable_by(|p, q| p.x.total_cmp(&q.x).then(p.y.total_cmp(&q.y)));
        close.dedup();
        polygons
            .iter()
            .all(|p| once_past_each(p, &close))
            .then_some(polygons)
    })
}

/// The intersection of the rings `ra` and `rb` (moved, from `unmoved`) from their crossings,
/// or `None` when the crossings are inconsistent. A ring of `b` that no crossing touches is
/// taken unmoved, so that a feature wholly inside the other keeps its area exactly. With
/// `pinches`, traced rings that pass a vertex twice are cut there.
fn trace(
    ra: &[&[Coord<f64>]],
    rb: &[&[Coord<f64>]],
    unmoved: &[&[Coord<f64>]],
    crossings: Vec<Crossing>,
    pinches: bool,
) -> Option<Vec<Polygon<f64>>> {
    let (next_a, touched_a) = order_along(&crossings, ra.len(), |c| {
        (c.a_ring, c.a_seg, c.a_t, c.a_enters)
    })?;
    let (next_b, touched_b) = order_along(&crossings, rb.len(), |c| {
        (c.b_ring, c.b_seg, c.b_t, !c.a_enters)
    })?;

    let mut out: Vec<Vec<Coord<f64>>> = Vec::new();
    // Step 3: Trace the outline from the crossings.
    let mut done = vec![false; crossings.len()];
    for start in 0..crossings.len() {
        if done[start] {
            continue;
        }
        let mut ring = Vec::new();
        let mut k = start;
        loop {
            if done[k] {
                return None;
            }
            done[k] = true;
            let c = &crossings[k];
            push(&mut ring, c.p);
            let next = if c.a_enters {
                let m = next_a[k];
                let d = &crossings[m];
                run(
                    &mut ring,
                    ra[c.a_ring as usize],
                    (c.a_seg, c.a_t),
                    (d.a_seg, d.a_t),
                );
                m
            } else {
                let m = next_b[k];
                let d = &crossings[m];
                run(
                    &mut ring,
                    rb[c.b_ring as usize],
                    (c.b_seg, c.b_t),
                    (d.b_seg, d.b_t),
                );
                m
            };
            k = next;
            if k == start {
                break;
            }
        }
        if ring.first() == ring.last() {
            ring.pop();
        }
        if ring.len() < 3 {
            return None;
        }
        if pinches {
            split_pinches(ring, &mut out);
        } else {
            ring.push(ring[0]);
            out.push(ring);
        }
    }
    // Step 4: Rings no crossing touches lie wholly inside or outside the other polygon.
    let whole = |these: &[&[Coord<f64>]],
                 kept: &[&[Coord<f64>]],
                 touched: &[bool],
                 other: &[&[Coord<f64>]]| {
        these
            .iter()
            .zip(kept)
            .zip(touched)
            .filter(|((r, _), t)| !**t && inside(r[0], other))
            .map(|((_, k), _)| k.to_vec())
            .collect::<Vec<_>>()
    };
    out.extend(whole(ra, ra, &touched_a, rb));
    out.extend(whole(rb, unmoved, &touched_b, ra));
    assemble(out)
}

/// Close the ring `open` (its last vertex not repeating the first) into `out`, cut into loops
/// where it passes a vertex twice. Two pieces that meet at a point (where one outline touches
/// itself) are traced as one ring through that point; they are separate polygons.
fn split_pinches(mut open: Vec<Coord<f64>>, out: &mut Vec<Vec<Coord<f64>>>) {
    let mut sorted = open.clone();
    sorted.sort_unstable_by(|p, q| p.x.total_cmp(&q.x).then(p.y.total_cmp(&q.y)));
    if sorted.windows(2).all(|w| w[0] != w[1]) {
        open.push(open[0]);
        out.push(open);
        return;
    }
    let key = |c: &Coord<f64>| (c.x.to_bits(), c.y.to_bits());
    let mut path: Vec<Coord<f64>> = Vec::with_capacity(open.len());
    let mut at = std::collections::HashMap::new();
    for p in open {
        match at.get(&key(&p)) {
            Some(&k) => {
                // path[k] is p: the loop from there closes here.
                let mut lobe = path.split_off(k);
                for q in &lobe {
                    at.remove(&key(q));
                }
                if lobe.len() >= 3 {
                    lobe.push(p);
                    out.push(lobe);
                }
                at.insert(key(&p), path.len());
                path.push(p);
            }
            None => {
                at.insert(key(&p), path.len());
                path.push(p);
            }
        }
    }
    if path.len() >= 3 {
        path.push(path[0]);
        out.push(path);
    }
}

/// Append `p` unless it repeats the last point.
fn push(ring: &mut Vec<Coord<f64>>, p: Coord<f64>) {
    if ring.last() != Some(&p) {
        ring.push(p);
    }
}

/// Append the vertices of the closed ring `pts` passed going from position `from` (segment,
/// fraction) to position `to` along it.
fn run(ring: &mut Vec<Coord<f64>>, pts: &[Coord<f64>], from: (u32, f64), to: (u32, f64)) {
    let n = pts.len() - 1;
    let (i, j) = (from.0 as usize, to.0 as usize);
    let mut count = (j + n - i) % n;
    if count == 0 && to.1 <= from.1 {
        count = n;
    }
    for q in 0..count {
        push(ring, pts[(i + 1 + q) % n]);
    }
}

/// Step 1: Every crossing of a segment of `ra` with one of `rb` (with `ca` and `cb` their
/// chains), or `None` when a vertex lies on the other outline. Notes in `close` every vertex
/// within [`CLOSE_M`] of the other outline.
fn find_crossings(
    ra: &[&[Coord<f64>]],
    ca: &[(u32, Chain)],
    rb: &[&[Coord<f64>]],
    cb: &[(u32, Chain)],
    close: &mut Vec<Coord<f64>>,
) -> Option<Vec<Crossing>> {
    let mut out = Vec::new();
    for (r, a) in ca {
        let pa = ra[*r as usize];
        for (s, b) in cb {
            if b.min.x > a.max.x + CLOSE_M {
                break;
            }
            if b.max.x < a.min.x - CLOSE_M
                || b.min.y > a.max.y + CLOSE_M
                || b.max.y < a.min.y - CLOSE_M
            {
                continue;
            }
            let pb = rb[*s as usize];
            if beside(a, pb, b) {
                continue;
            }
            let stop = walk_chain_pair(pa, a, pb, b, CLOSE_M, |i, k| {
                let (meet, near) = cross(pa[i], pa[i + 1], pb[k], pb[k + 1]);
                if near != 0 {
                    let ends = [pa[i], pa[i + 1], pb[k], pb[k + 1]];
                    close.extend((0..4).filter(|q| near & (1 << q) != 0).map(|q| ends[q]));
                }
                match meet {
                    Meet::Apart => false,
                    Meet::Touch => true,
                    Meet::Cross { t, u, a_enters } => {
                        out.push(Crossing {
                            p: Coord {
                                x: pa[i].x + t * (pa[i + 1].x - pa[i].x),
                                y: pa[i].y + t * (pa[i + 1].y - pa[i].y),
                            },
                            a_ring: *r,
                            a_seg: i as u32,
                            a_t: t,
                            b_ring: *s,
                            b_seg: k as u32,
                            b_t: u,
                            a_enters,
                        });
                        false
                    }
                }
            });
            if stop {
                return None;
            }
        }
    }
    Some(out)
}

/// Whether the box of chain `a` lies wholly on one side of the line of every segment of the
/// short chain `b` (of `pb`), farther than [`CLOSE_M`], or misses its box: then no segment of
/// `a` crosses or comes close to `b`. A coarse outline's few long segments have boxes that
/// hold much of a fine outline; their lines pass near little of it.
fn beside(a: &Chain, pb: &[Coord<f64>], b: &Chain) -> bool {
    if b.end - b.start > 4 {
        return false;
    }
    let corners = [
        a.min,
        Coord {
            x: a.max.x,
            y: a.min.y,
        },
        a.max,
        Coord {
            x: a.min.x,
            y: a.max.y,
        },
    ];
    (b.start..b.end).all(|k| {
        let (p, q) = (pb[k], pb[k + 1]);
        if p.x.max(q.x) + CLOSE_M < a.min.x
            || p.x.min(q.x) - CLOSE_M > a.max.x
            || p.y.max(q.y) + CLOSE_M < a.min.y
            || p.y.min(q.y) - CLOSE_M > a.max.y
        {
            return true;
        }
        let (bx, by) = (q.x - p.x, q.y - p.y);
        let far = CLOSE_M * (bx.abs() + by.abs());
        let side = |c: &Coord<f64>| bx * (c.y - p.y) - by * (c.x - p.x);
        corners.iter().all(|c| side(c) > far) || corners.iter().all(|c| side(c) < -far)
    })
}

enum Meet {
    Apart,
    /// A vertex on the other segment, to within [`NEAR_M`] (or a zero-length segment there).
    Touch,
    /// A proper crossing at `t` along `a` and `u` along `b`.
    Cross {
        t: f64,
        u: f64,
        a_enters: bool,
    },
}

/// How segment `a0 a1` and segment `b0 b1` meet (their boxes are known to meet), and which
/// of `a0`, `a1`, `b0`, `b1` (bits 0 to 3) lie within [`CLOSE_M`] of the other segment's line
/// while the segments straddle or nearly straddle each other's lines.
#[inline]
fn cross(a0: Coord<f64>, a1: Coord<f64>, b0: Coord<f64>, b1: Coord<f64>) -> (Meet, u8) {
    let (bx, by) = (b1.x - b0.x, b1.y - b0.y);
    // Twice the triangle areas: which side of b's line a's ends lie on, and how far (times
    // the length of b, which the thresholds are scaled by: an L1 length, at least the true).
    let d1 = bx * (a0.y - b0.y) - by * (a0.x - b0.x);
    let d2 = bx * (a1.y - b0.y) - by * (a1.x - b0.x);
    let lb = bx.abs() + by.abs();
    let cb = CLOSE_M * lb;
    if (d1 > cb && d2 > cb) || (d1 < -cb && d2 < -cb) {
        return (Meet::Apart, 0);
    }
    let (ax, ay) = (a1.x - a0.x, a1.y - a0.y);
    let d3 = ax * (b0.y - a0.y) - ay * (b0.x - a0.x);
    let d4 = ax * (b1.y - a0.y) - ay * (b1.x - a0.x);
    let la = ax.abs() + ay.abs();
    let ca = CLOSE_M * la;
    if (d3 > ca && d4 > ca) || (d3 < -ca && d4 < -ca) {
        return (Meet::Apart, 0);
    }
    let close = (d1.abs() <= cb) as u8
        | ((d2.abs() <= cb) as u8) << 1
        | ((d3.abs() <= ca) as u8) << 2
        | ((d4.abs() <= ca) as u8) << 3;
    let (nb, na) = (NEAR_M * lb, NEAR_M * la);
    if d1.abs() <= nb || d2.abs() <= nb || d3.abs() <= na || d4.abs() <= na {
        return (Meet::Touch, close);
    }
    if (d1 > 0.0) == (d2 > 0.0) || (d3 > 0.0) == (d4 > 0.0) {
        return (Meet::Apart, close);
    }
    // a0 on b's left (inside b) means a leaves b here.
    let meet = Meet::Cross {
        t: d1 / (d1 - d2),
        u: d3 / (d3 - d4),
        a_enters: d1 < 0.0,
    };
    (meet, close)
}

/// Key of a crossing along one polygon's rings: ring, segment, fraction, whether that polygon
/// heads into the other there.
type Along = (u32, u32, f64, bool);

/// Step 2: For each crossing the next one along the same ring of one polygon, and which rings have
/// crossings; `None` when entries and exits do not alternate (rounding put two crossings out
/// of order).
fn order_along(
    crossings: &[Crossing],
    n_rings: usize,
    key: impl Fn(&Crossing) -> Along,
) -> Option<(Vec<usize>, Vec<bool>)> {
    let mut order: Vec<usize> = (0..crossings.len()).collect();
    order.sort_unstable_by(|&p, &q| {
        let (kp, kq) = (key(&crossings[p]), key(&crossings[q]));
        (kp.0, kp.1).cmp(&(kq.0, kq.1)).then(kp.2.total_cmp(&kq.2))
    });
    let mut next = vec![0; crossings.len()];
    let mut touched = vec![false; n_rings];
    for group in order.chunk_by(|&p, &q| key(&crossings[p]).0 == key(&crossings[q]).0) {
        touched[key(&crossings[group[0]]).0 as usize] = true;
        if group.len() % 2 != 0 {
            return None;
        }
        for (w, &k) in group.iter().enumerate() {
            let m = group[(w + 1) % group.len()];
            let (kk, km) = (key(&crossings[k]), key(&crossings[m]));
            if kk.3 == km.3 || (kk.1 == km.1 && kk.2 == km.2) {
                return None;
            }
            next[k] = m;
        }
    }
    Some((next, touched))
}

/// Whether `p` lies inside the region the rings bound (even-odd). `p` is known to be off them.
fn inside(p: Coord<f64>, rings: &[&[Coord<f64>]]) -> bool {
    rings.iter().fold(false, |odd, r| odd ^ crossings_odd(p, r))
}

/// Where `p` lies against one ring: `Some(true)` inside, `Some(false)` outside, `None` on it.
fn position(p: Coord<f64>, ring: &[Coord<f64>]) -> Option<bool> {
    let mut odd = false;
    for w in ring.windows(2) {
        let (s, e) = (w[0], w[1]);
        let cross = (e.x - s.x) * (p.y - s.y) - (e.y - s.y) * (p.x - s.x);
        if cross == 0.0
            && p.x >= s.x.min(e.x)
            && p.x <= s.x.max(e.x)
            && p.y >= s.y.min(e.y)
            && p.y <= s.y.max(e.y)
        {
            return None;
        }
        if (s.y > p.y) != (e.y > p.y) {
            let x = s.x + (p.y - s.y) * (e.x - s.x) / (e.y - s.y);
            if p.x < x {
                odd = !odd;
            }
        }
    }
    Some(odd)
}

/// Twice the signed area of a closed ring.
fn area2(ring: &[Coord<f64>]) -> f64 {
    let o = ring[0];
    ring.windows(2)
        .map(|w| (w[0].x - o.x) * (w[1].y - o.y) - (w[1].x - o.x) * (w[0].y - o.y))
        .sum()
}

/// Step 5: Shells (counter-clockwise) with the holes (clockwise) inside them; `None` when a hole
/// has no shell around it.
fn assemble(rings: Vec<Vec<Coord<f64>>>) -> Option<Vec<Polygon<f64>>> {
    // (twice the area, shell, holes)
    type Shell = (f64, Vec<Coord<f64>>, Vec<LineString<f64>>);
    let mut shells: Vec<Shell> = Vec::new();
    let mut holes = Vec::new();
    for r in rings {
        let a = area2(&r);
        if a > 0.0 {
            shells.push((a, r, Vec::new()));
        } else if a < 0.0 {
            holes.push(r);
        }
    }
    for h in holes {
        let owner = if shells.len() == 1 {
            Some(0)
        } else {
            // The smallest shell around the hole: a vertex of the hole off every shell says.
            let p = h
                .iter()
                .find(|&&p| shells.iter().all(|(_, s, _)| position(p, s).is_some()))?;
            shells
                .iter()
                .enumerate()
                .filter(|(_, (_, s, _))| position(*p, s) == Some(true))
                .min_by(|x, y| x.1 .0.total_cmp(&y.1 .0))
                .map(|(k, _)| k)
        };
        shells.get_mut(owner?)?.2.push(LineString(h));
    }
    Some(
        shells
            .into_iter()
            .map(|(_, s, h)| Polygon::new(LineString(s), h))
            .collect(),
    )
}

/// How near (metres) an outline must pass a close vertex to count as passing it.
const PASS_M: f64 = 2.0 * CLOSE_M;

/// Whether the outline of `polygon` (a result of the shifted outlines) passes each of the
/// `touches` (sorted by x) at most once, counting runs of consecutive segments as one pass.
/// Two outlines that touched and were shifted apart may leave a neck 0.1 µm wide joining two
/// pieces that only touched, or a tail along a line they shared; either passes a touching
/// vertex twice. Dust (a shell under half a square metre) is not looked at: it is dropped
/// anyway.
fn once_past_each(polygon: &Polygon<f64>, touches: &[Coord<f64>]) -> bool {
    if area2(&polygon.exterior().0).abs() < 1.0 {
        return true;
    }
    // For each touching vertex: (ring, first segment, last segment) of the pass so far.
    let mut seen: Vec<Option<(usize, usize, usize)>> = vec![None; touches.len()];
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (r, ring) in rings.enumerate() {
        let pts = &ring.0;
        let n = pts.len().saturating_sub(1);
        for i in 0..n {
            let (p, q) = (pts[i], pts[i + 1]);
            let (x0, x1) = (p.x.min(q.x) - PASS_M, p.x.max(q.x) + PASS_M);
            let (y0, y1) = (p.y.min(q.y) - PASS_M, p.y.max(q.y) + PASS_M);
            let from = touches.partition_point(|t| t.x < x0);
            for (k, t) in touches[from..].iter().enumerate() {
                if t.x > x1 {
                    break;
                }
                if t.y < y0 || t.y > y1 || distance(*t, p, q) > PASS_M {
                    continue;
                }
                let k = from + k;
                seen[k] = match seen[k] {
                    None => Some((r, i, i)),
                    Some((r0, first, last)) if r0 == r && last + 1 >= i => Some((r0, first, i)),
                    // Back to where the ring began: the same pass, wrapping round.
                    Some((r0, 0, last)) if r0 == r && i + 1 == n => Some((r0, 0, last)),
                    Some(_) => return false,
                };
            }
        }
    }
    true
}

/// Note the vertices of `rings` (one polygon) within [`CLOSE_M`] of a segment of the same
/// polygon other than their own two: where a hole touches its shell, or two parts meet. The
/// trace may join the two pieces meeting there, as at a touch between the two polygons.
/// Returns false, early, when two segments of the polygon cross.
fn close_to_itself(
    rings: &[&[Coord<f64>]],
    chains: &[(u32, Chain)],
    close: &mut Vec<Coord<f64>>,
) -> bool {
    for (n, (r, a)) in chains.iter().enumerate() {
        let pa = rings[*r as usize];
        for (s, b) in &chains[n + 1..] {
            if b.min.x > a.max.x + CLOSE_M {
                break;
            }
            if b.min.y > a.max.y + CLOSE_M || b.max.y < a.min.y - CLOSE_M {
                continue;
            }
            let pb = rings[*s as usize];
            let segments = pa.len() - 1;
            let crossed = walk_chain_pair(pa, a, pb, b, CLOSE_M, |i, k| {
                let next = |i: usize| (i + 1) % segments;
                if r == s && (i == k || next(i) == k || next(k) == i) {
                    return false;
                }
                if let (Meet::Cross { .. }, _) = cross(pa[i], pa[i + 1], pb[k], pb[k + 1]) {
                    return true;
                }
                for (t, p, q) in [
                    (pa[i], pb[k], pb[k + 1]),
                    (pa[i + 1], pb[k], pb[k + 1]),
                    (pb[k], pa[i], pa[i + 1]),
                    (pb[k + 1], pa[i], pa[i + 1]),
                ] {
                    if distance(t, p, q) <= CLOSE_M {
                        close.push(t);
                    }
                }
                false
            });
            if crossed {
                return false;
            }
        }
    }
    true
}

/// Distance from `t` to the segment `p q`.
fn distance(t: Coord<f64>, p: Coord<f64>, q: Coord<f64>) -> f64 {
    let (dx, dy) = (q.x - p.x, q.y - p.y);
    let len2 = dx * dx + dy * dy;
    let s = if len2 > 0.0 {
        (((t.x - p.x) * dx + (t.y - p.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (p.x + s * dx - t.x, p.y + s * dy - t.y);
    (ex * ex + ey * ey).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::overlay::intersect;
    use geo::{BooleanOps, BoundingRect, Validation};

    use crate::test_rng::unit as lcg;

    const MIN_M2: f64 = crate::analysis::overlay::MIN_PIECE_M2;

    /// A star-shaped ring about `c` with `n` vertices at radii in `r0..r1`, on a 10 m grid
    /// (so that two of them often share vertices and run along each other), clockwise or not.
    fn star(
        seed: &mut u64,
        c: Coord<f64>,
        n: usize,
        r0: f64,
        r1: f64,
        ccw: bool,
    ) -> LineString<f64> {
        let mut pts: Vec<Coord<f64>> = (0..n)
            .map(|k| {
                let angle = std::f64::consts::TAU * (k as f64 + 0.8 * lcg(seed)) / n as f64;
                let r = r0 + (r1 - r0) * lcg(seed);
                Coord {
                    x: ((c.x + r * angle.cos()) / 10.0).round() * 10.0,
                    y: ((c.y + r * angle.sin()) / 10.0).round() * 10.0,
                }
            })
            .collect();
        if !ccw {
            pts.reverse();
        }
        pts.push(pts[0]);
        LineString(pts)
    }

    /// A valid polygon, maybe with a hole, maybe with a second part, near `c`.
    fn feature(seed: &mut u64, c: Coord<f64>, size: f64) -> MultiPolygon<f64> {
        loop {
            let n = 3 + (lcg(seed) * 14.0) as usize;
            let shell = star(seed, c, n, 0.5 * size, size, true);
            let holes = if lcg(seed) < 0.4 {
                let n = 3 + (lcg(seed) * 5.0) as usize;
                vec![star(seed, c, n, 0.1 * size, 0.3 * size, false)]
            } else {
                vec![]
            };
            let mut parts = vec![Polygon::new(shell, holes)];
            if lcg(seed) < 0.3 {
                let far = Coord {
                    x: c.x + 2.5 * size,
                    y: c.y,
                };
                parts.push(Polygon::new(
                    star(seed, far, 5, 0.3 * size, 0.6 * size, true),
                    vec![],
                ));
            }
            let mp = MultiPolygon(parts);
            if mp.is_valid() {
                return mp;
            }
        }
    }

    /// A polygon sharing a run of `a`'s shell, closed by two points on the rays from `c`
    /// through the run's ends, nearer or further: beside `a`, inside it, or across it.
    fn sharing(seed: &mut u64, a: &MultiPolygon<f64>, c: Coord<f64>) -> MultiPolygon<f64> {
        use geo::orient::{Direction, Orient};
        let shell = &a.0[0].exterior().0;
        let n = shell.len() - 1;
        loop {
            let i = (lcg(seed) * n as f64) as usize;
            let len = 1 + (lcg(seed) * (n as f64 / 2.0)) as usize;
            let mut pts: Vec<Coord<f64>> = (0..=len).map(|k| shell[(i + k) % n]).collect();
            let (first, last) = (pts[0], pts[len]);
            let scale = |p: Coord<f64>, s: f64| Coord {
                x: ((c.x + s * (p.x - c.x)) / 10.0).round() * 10.0,
                y: ((c.y + s * (p.y - c.y)) / 10.0).round() * 10.0,
            };
            let pick = |seed: &mut u64| [0.3, 0.6, 1.5, 2.0][(lcg(seed) * 4.0) as usize];
            pts.push(scale(last, pick(seed)));
            pts.push(scale(first, pick(seed)));
            pts.push(first);
            let mp = MultiPolygon(vec![Polygon::new(LineString(pts), vec![])]);
            if mp.is_valid() {
                return mp.orient(Direction::Default);
            }
        }
    }

    fn boxes(mp: &MultiPolygon<f64>) -> Vec<geo::Rect<f64>> {
        mp.0.iter().filter_map(|p| p.bounding_rect()).collect()
    }

    #[test]
    fn traced_pieces_match_the_boolean_operation() {
        // Random pairs on a 10 m grid far from the origin, as on the National Grid: many share
        // vertices or run along each other, so the shifts and the checks are exercised.
        let mut seed = 5;
        let (mut traced, mut total, mut touching, mut pinched) = (0, 0, 0, 0);
        for _ in 0..3000 {
            let base = Coord {
                x: 412_340.0,
                y: 287_650.0,
            };
            let size = 200.0 + 400.0 * lcg(&mut seed);
            let a = feature(&mut seed, base, size);
            let shift = Coord {
                x: ((lcg(&mut seed) - 0.5) * 600.0 / 10.0).round() * 10.0,
                y: ((lcg(&mut seed) - 0.5) * 600.0 / 10.0).round() * 10.0,
            };
            let size = 100.0 + 500.0 * lcg(&mut seed);
            let b = if lcg(&mut seed) < 0.5 {
                feature(&mut seed, base + shift, size)
            } else {
                sharing(&mut seed, &a, base)
            };
            let (want, by_trace) =
                intersect(&a, &boxes(&a), &b, &boxes(&b), false, MIN_M2).unwrap();
            assert!(!by_trace);
            let (got_pieces, by_trace) =
                intersect(&a, &boxes(&a), &b, &boxes(&b), true, MIN_M2).unwrap();
            total += 1;
            let (ra, rb) = (rings(&a), rings(&b));
            if find_crossings(
                &ra,
                &ring_chains(&ra),
                &rb,
                &ring_chains(&rb),
                &mut Vec::new(),
            )
            .is_none()
            {
                touching += 1;
            }
            if !by_trace {
                continue;
            }
            traced += 1;
            // Two pieces that meet at a point are two polygons to the trace; the boolean
            // operation gives one or two, depending on the cut (it snaps to a grid), so the
            // trace must match it with or without the cut.
            let uncut: Vec<(f64, f64)> = a
                .intersection(&b)
                .0
                .iter()
                .map(|p| {
                    (
                        crate::geometry::true_area_m2(p),
                        crate::geometry::mean_width_m(p),
                    )
                })
                .filter(|p| p.0 >= super::super::overlay::MIN_PIECE_M2)
                .collect();
            let cut: Vec<(f64, f64)> = want.iter().map(|p| (p.area_m2, p.width_m)).collect();
            let got: Vec<(f64, f64)> = got_pieces.iter().map(|p| (p.area_m2, p.width_m)).collect();
            let same = |w: &[(f64, f64)], g: &[(f64, f64)]| {
                let (mut w, mut g) = (w.to_vec(), g.to_vec());
                w.sort_by(|p, q| p.0.total_cmp(&q.0));
                g.sort_by(|p, q| p.0.total_cmp(&q.0));
                w.len() == g.len()
                    && w.iter().zip(&g).all(|((wa, ww), (ga, gw))| {
                        (wa - ga).abs() < 0.01 + 1e-7 * wa && (ww - gw).abs() < 0.01
                    })
            };
            assert!(
                same(&cut, &got) || same(&uncut, &got),
                "{a:?} {b:?}: {cut:?} {uncut:?} {got:?}"
            );
            if !same(&cut, &got) {
                pinched += 1;
            }
            for p in &got_pieces {
                assert!(p.polygon.is_valid(), "{:?}", p.polygon);
            }
        }
        eprintln!("{traced} of {total} traced, {touching} touch, {pinched} pinched");
        // Most are traced, including most of those whose outlines touch.
        assert!(touching > total / 4, "{touching} of {total} touch");
        assert!(traced > total * 3 / 4, "{traced} of {total} traced");
    }

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        geo::Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 }).to_polygon()
    }

    fn area(polygons: &[Polygon<f64>]) -> f64 {
        polygons.iter().map(crate::geometry::planar_area).sum()
    }

    #[test]
    fn pieces_meeting_at_a_point_are_separate() {
        // b: two squares meeting at a corner (400, 400); a crosses both near the corner.
        let b = MultiPolygon(vec![
            square(0.0, 0.0, 400.0, 400.0),
            square(400.0, 400.0, 800.0, 800.0),
        ]);
        let a = MultiPolygon(vec![square(300.0, 300.0, 500.0, 500.0)]);
        let got = intersection(&a, &b).expect("traced");
        assert_eq!(got.len(), 2, "{got:?}");
        // b is drawn in by INSET_M along the 400 m of its outline inside a.
        assert!((area(&got) - 2.0 * 100.0 * 100.0).abs() <= 400.0 * INSET_M * 1.01);
        let want = a.intersection(&b);
        assert_eq!(want.0.len(), 2);
    }

    #[test]
    fn shared_edges_and_holes() {
        // a inside b along a shared edge; a ring of b (a hole) wholly inside a.
        let b = MultiPolygon(vec![Polygon::new(
            square(0.0, 0.0, 1000.0, 1000.0).exterior().clone(),
            vec![LineString(
                square(100.0, 100.0, 200.0, 200.0)
                    .exterior()
                    .0
                    .iter()
                    .rev()
                    .copied()
                    .collect(),
            )],
        )]);
        let a = MultiPolygon(vec![square(0.0, 50.0, 300.0, 300.0)]);
        let got = intersection(&a, &b).expect("traced");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].interiors().len(), 1);
        assert!((area(&got) - (300.0 * 250.0 - 100.0 * 100.0)).abs() < 0.01);
        // Neighbours sharing an edge have no common area.
        let c = MultiPolygon(vec![square(1000.0, 0.0, 1200.0, 500.0)]);
        let got = intersection(&c, &b).unwrap_or_default();
        assert!(area(&got) < 0.01, "{got:?}");
    }

    #[test]
    fn a_neighbour_along_a_shared_line_leaves_no_strip() {
        // b wraps round a, its hole running along a's outline except where b reaches into a
        // (a notch, bent so that its edges are not along a shift). Every shift moves some of
        // b's shared outline into a, leaving strips 0.1 µm wide along it; drawn in, b passes
        // beside a along the shared lines, and the notch is all there is.
        let hole: Vec<Coord<f64>> = [
            (0.0, 0.0),
            (0.0, 100.0),
            (100.0, 100.0),
            (100.0, 60.0),
            (70.0, 55.0),
            (75.0, 40.0),
            (100.0, 40.0),
            (100.0, 0.0),
            (0.0, 0.0),
        ]
        .iter()
        .map(|&(x, y)| Coord { x, y })
        .collect();
        let b = MultiPolygon(vec![Polygon::new(
            square(-50.0, -50.0, 150.0, 150.0).exterior().clone(),
            vec![LineString(hole)],
        )]);
        let a = MultiPolygon(vec![square(0.0, 0.0, 100.0, 100.0)]);
        let got = intersection(&a, &b).expect("traced");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].is_valid(), "{got:?}");
        // The notch, less 0.1 µm along the 72 m of b's outline inside a.
        let want = a.intersection(&b);
        assert_eq!(want.0.len(), 1);
        assert!((area(&got) - area(&want.0)).abs() <= 72.0 * INSET_M * 1.01 + 1e-9);
    }

    const WAVERLEY_2019: [(f64, f64); 44] = [
        (483525.293488445, 150221.76156235504),
        (480502.6898283919, 146352.71250774915),
        (482194.1605012375, 143113.64018834307),
        (481641.33515474544, 139348.04949015996),
        (484136.9680890575, 139938.24959155216),
        (486239.0201256108, 136036.94827837875),
        (487911.0528424169, 135514.11275546163),
        (487665.66130514164, 134515.2678708557),
        (486961.24296017474, 134504.7952598053),
        (487402.6578100111, 132643.167567435),
        (491405.2633005082, 131047.9181036688),
        (496089.7393939194, 133079.75156210357),
        (498086.54300226213, 132083.53659253655),
        (499720.9307034772, 132888.42446299663),
        (502418.9219655009, 132426.2953830205),
        (502690.1312110851, 133717.0084159231),
        (504775.0282431509, 133167.4170636995),
        (505688.80089749704, 133878.22746716323),
        (510769.53854339593, 135177.51486988217),
        (510651.8002983989, 142737.45681938864),
        (508855.08460518124, 143857.26201871806),
        (507956.27460924204, 142877.11240503055),
        (504562.050561347, 143769.54034154676),
        (504493.0974422697, 146150.6392863516),
        (502601.6582519893, 147050.2431000203),
        (501018.3516860336, 145440.28897170708),
        (499748.0587296545, 145310.47245295747),
        (499520.6535672826, 144171.1438826527),
        (498370.7488205684, 144498.88719761232),
        (498972.19881685684, 145327.18462966962),
        (498429.6425486224, 145793.3412089877),
        (496908.8316504538, 146339.6898099619),
        (495498.5542432226, 145651.95864372866),
        (495767.99966162647, 143656.83005272056),
        (494599.2776001731, 142712.79333615885),
        (493481.3468536664, 145407.6447830036),
        (491767.6562795752, 144093.9570207708),
        (490461.5596044431, 145627.8380870344),
        (488712.35874239105, 144953.40437052862),
        (487530.16930133716, 146463.10935087327),
        (487685.7625116209, 148666.0471615908),
        (485531.533080788, 149908.9529527786),
        (483746.3135183285, 149555.05338215397),
        (483525.293488445, 150221.76156235504),
    ];
    const EAST_HAMPSHIRE_2021: [(f64, f64); 50] = [
        (487665.66130514164, 134515.2678708557),
        (487911.0528424169, 135514.11275546163),
        (486239.0201256108, 136036.94827837875),
        (484136.9680890575, 139938.24959155216),
        (481641.33515474544, 139348.04949015996),
        (482194.1605012375, 143113.64018834307),
        (480502.6898283919, 146352.71250774915),
        (476634.59116338205, 146203.8402624285),
        (473375.78071374627, 145103.8515656725),
        (471820.3754972077, 143477.3170604437),
        (470966.2790561996, 143956.54194129963),
        (465014.6405566038, 143579.8335439247),
        (464827.39439181937, 140985.4860317536),
        (462684.59705868823, 140814.04481071432),
        (460830.3932097003, 138620.08567389273),
        (462224.0662268554, 137854.03879320004),
        (463406.4873004657, 138286.64096157582),
        (463529.29292478424, 134664.71867957615),
        (465060.04358574795, 134607.92862465425),
        (462534.8941040036, 132253.62253649317),
        (464471.3626785448, 127853.76730449066),
        (466429.0023548827, 127963.06281019631),
        (464993.9540198527, 126325.10435439035),
        (465864.1502291692, 124968.73539642584),
        (465398.4896718608, 122000.55072485871),
        (465852.4807212105, 120226.41891523945),
        (467138.30687654164, 119235.23456675123),
        (467093.2111036589, 117671.42981321456),
        (467833.4726694288, 117340.71287278898),
        (467005.19904295553, 111893.91750805575),
        (468012.93962357444, 112076.2793387625),
        (469091.03208132327, 112632.69873533494),
        (473243.2319941552, 108590.52395368829),
        (473028.2307184884, 108038.95219450255),
        (474777.12776544644, 108783.28713719791),
        (473415.65856303874, 110644.57594578507),
        (474591.2005262665, 113711.51507240947),
        (475722.2311888821, 114411.3534266783),
        (474420.5138667994, 116471.88817912512),
        (475137.2203546143, 116780.96309612032),
        (476741.93934698775, 122216.84010773333),
        (477746.5191540784, 123177.47424409717),
        (477458.6421697169, 125316.18916950507),
        (480517.85173450736, 127902.58578928585),
        (481177.76692558784, 130364.87337418771),
        (484342.81043450796, 130045.04613153214),
        (485503.2427663782, 131823.71929045147),
        (487402.6578100111, 132643.167567435),
        (486961.24296017474, 134504.7952598053),
        (487665.66130514164, 134515.2678708557),
    ];
    const EAST_HAMPSHIRE_2021_HOLE: [(f64, f64); 4] = [
        (486961.24296017474, 134504.7952598053),
        (486290.574126255, 134494.76071106803),
        (486952.95323495363, 134539.58339513952),
        (486961.24296017474, 134504.7952598053),
    ];

    #[test]
    fn a_hole_touching_its_shell_is_not_drawn_across_it() {
        // East Hampshire (2021, generalised) has a sliver of a hole whose sharp tip touches
        // its shell at a vertex it shares with Waverley (2019). Drawn in, the tip moves out
        // across the shell, and the trace found 53.77 km² of Waverley inside East Hampshire.
        let ring =
            |pts: &[(f64, f64)]| LineString(pts.iter().map(|&(x, y)| Coord { x, y }).collect());
        let a = MultiPolygon(vec![Polygon::new(ring(&WAVERLEY_2019), vec![])]);
        let b = MultiPolygon(vec![Polygon::new(
            ring(&EAST_HAMPSHIRE_2021),
            vec![ring(&EAST_HAMPSHIRE_2021_HOLE)],
        )]);
        let rb = rings(&b);
        let drawn_in: Vec<Vec<Coord<f64>>> = rb.iter().map(|r| inset(r, INSET_M)).collect();
        let drawn_in: Vec<&[Coord<f64>]> = drawn_in.iter().map(|r| r.as_slice()).collect();
        assert!(!close_to_itself(
            &drawn_in,
            &ring_chains(&drawn_in),
            &mut Vec::new()
        ));
        for (p, q) in [(&a, &b), (&b, &a)] {
            let got = intersection(p, q).unwrap_or_default();
            assert!(area(&got) < 2e4, "{} m²", area(&got));
        }
    }

    #[test]
    fn no_crossing_means_inside_or_apart() {
        let b = MultiPolygon(vec![square(0.0, 0.0, 1000.0, 1000.0)]);
        let inner = MultiPolygon(vec![square(10.0, 10.0, 20.0, 20.0)]);
        let got = intersection(&inner, &b).expect("traced");
        assert!((area(&got) - 100.0).abs() < 1e-9);
        let got = intersection(&b, &inner).expect("traced");
        assert!((area(&got) - 100.0).abs() < 1e-9);
        let apart = MultiPolygon(vec![square(2000.0, 0.0, 2010.0, 10.0)]);
        assert!(intersection(&apart, &b).expect("traced").is_empty());
    }
}
