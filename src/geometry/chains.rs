//! Monotone chains: a ring cut into runs of segments that each head into one quadrant, so
//! that two rings (or a ring and itself) are compared chain box by chain box, and inside a
//! pair of chains segment by segment in x order. Used by validation (`layer::valid`) and by
//! the intersection trace (`analysis::crossing`).

use geo::Coord;

/// The monotone chains of `rings`, each with the index of its ring, sorted by least x.
pub(crate) fn ring_chains(rings: &[&[Coord<f64>]]) -> Vec<(u32, Chain)> {
    let mut out: Vec<(u32, Chain)> = rings
        .iter()
        .enumerate()
        .flat_map(|(r, pts)| monotone_chains(pts).into_iter().map(move |c| (r as u32, c)))
        .collect();
    out.sort_unstable_by(|p, q| p.1.min.x.total_cmp(&q.1.min.x));
    out
}

/// Whether a segment box of the rings `ra` meets one of the rings `rb` (with `ca` and `cb`
/// their chains, [`ring_chains`]).
pub(crate) fn segment_boxes_meet(
    ra: &[&[Coord<f64>]],
    ca: &[(u32, Chain)],
    rb: &[&[Coord<f64>]],
    cb: &[(u32, Chain)],
) -> bool {
    segments_meet_by(ra, ca, rb, cb, |_, _| true)
}

/// Whether `meet` holds for a segment of the rings `ra` and one of the rings `rb` whose boxes
/// meet (with `ca` and `cb` their chains, [`ring_chains`]); `meet` is given the two segments'
/// ends.
pub(crate) fn segments_meet_by(
    ra: &[&[Coord<f64>]],
    ca: &[(u32, Chain)],
    rb: &[&[Coord<f64>]],
    cb: &[(u32, Chain)],
    meet: impl Fn([Coord<f64>; 2], [Coord<f64>; 2]) -> bool,
) -> bool {
    ca.iter().any(|(i, a)| {
        let pa = ra[*i as usize];
        cb.iter().any(|(j, b)| {
            let pb = rb[*j as usize];
            let boxes_meet =
                !(a.max.x < b.min.x || b.max.x < a.min.x || a.max.y < b.min.y || b.max.y < a.min.y);
            boxes_meet
                && walk_chain_pair(pa, a, pb, b, 0.0, |s, t| {
                    meet([pa[s], pa[s + 1]], [pb[t], pb[t + 1]])
                })
        })
    })
}

/// A run of segments `start..end` (segment i joins `pts[i]` and `pts[i + 1]`) heading into one
/// quadrant, with its box.
pub(crate) struct Chain {
    /// Its segments are `start..end`.
    pub(crate) start: usize,
    pub(crate) end: usize,
    x_rising: bool,
    pub(crate) min: Coord<f64>,
    pub(crate) max: Coord<f64>,
}

impl Chain {
    /// Number of segments.
    fn len(&self) -> usize {
        self.end - self.start
    }

    /// The index of its `k`th segment in order of increasing x.
    fn by_x(&self, k: usize) -> usize {
        if self.x_rising {
            self.start + k
        } else {
            self.end - 1 - k
        }
    }
}

pub(crate) fn monotone_chains(pts: &[Coord<f64>]) -> Vec<Chain> {
    let mut chains = Vec::new();
    // x and y are monotone along a chain, so its ends span its box.
    each_chain(pts, |start, end, x_rising| {
        let (p, q) = (pts[start], pts[end]);
        chains.push(Chain {
            start,
            end,
            x_rising,
            min: Coord {
                x: p.x.min(q.x),
                y: p.y.min(q.y),
            },
            max: Coord {
                x: p.x.max(q.x),
                y: p.y.max(q.y),
            },
        });
    });
    chains
}

/// Calls `chain(start, end, x_rising)` for each monotone chain of `pts` (at least two points),
/// in order: its segments are `start..end`.
pub(crate) fn each_chain(pts: &[Coord<f64>], mut chain: impl FnMut(usize, usize, bool)) {
    let n = pts.len() - 1;
    let mut start = 0;
    // Direction of the chain so far in x and y: 0 until a segment moves that way.
    let (mut sx, mut sy) = (0i8, 0i8);
    // Without branches: directions along a boundary are too irregular to predict.
    let sign = |d: f64| -> i8 { (d > 0.0) as i8 - (d < 0.0) as i8 };
    for (i, w) in pts.windows(2).enumerate() {
        let (dx, dy) = (sign(w[1].x - w[0].x), sign(w[1].y - w[0].y));
        // A turn against the chain's direction in x or in y (signs are -1, 0 or 1).
        if (dx * sx < 0) | (dy * sy < 0) {
            chain(start, i, sx >= 0);
            start = i;
            (sx, sy) = (0, 0);
        }
        sx = if dx != 0 { dx } else { sx };
        sy = if dy != 0 { dy } else { sy };
    }
    chain(start, n, sx >= 0);
}

/// Calls `meet(i, k)` for each segment `i` of chain `a` (of the ring `pa`) and `k` of chain
/// `b` (of `pb`) whose boxes, grown by `margin`, meet, until it returns true; returns whether
/// it did. Both chains are walked in x order; segments of `a` outside `b`'s box are passed
/// over.
pub(crate) fn walk_chain_pair(
    pa: &[Coord<f64>],
    a: &Chain,
    pb: &[Coord<f64>],
    b: &Chain,
    margin: f64,
    mut meet: impl FnMut(usize, usize) -> bool,
) -> bool {
    let (na, nb) = (a.len(), b.len());
    // In x order a chain's segments have non-decreasing least and greatest x, so the ones
    // level with `b` form one run: find where it starts, stop where it ends.
    let first = partition_point(na, |k| {
        let i = a.by_x(k);
        pa[i].x.max(pa[i + 1].x) + margin < b.min.x
    });
    let mut lo = 0;
    for i in (first..na).map(|k| a.by_x(k)) {
        let (a0, a1) = (pa[i], pa[i + 1]);
        let (min_x, max_x) = (a0.x.min(a1.x) - margin, a0.x.max(a1.x) + margin);
        if min_x > b.max.x {
            break;
        }
        let (ay0, ay1) = (a0.y.min(a1.y) - margin, a0.y.max(a1.y) + margin);
        if ay1 < b.min.y || ay0 > b.max.y {
            continue;
        }
        while lo < nb && {
            let k = b.by_x(lo);
            pb[k].x.max(pb[k + 1].x) < min_x
        } {
            lo += 1;
        }
        for k in (lo..nb).map(|q| b.by_x(q)) {
            let (b0, b1) = (pb[k], pb[k + 1]);
            if b0.x.min(b1.x) > max_x {
                break;
            }
            if b0.y.min(b1.y) > ay1 || b0.y.max(b1.y) < ay0 {
                continue;
            }
            if meet(i, k) {
                return true;
            }
        }
    }
    false
}

/// The first `k` in `0..n` for which `before(k)` is false (`before` is true, then false).
fn partition_point(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
