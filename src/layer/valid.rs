//! Polygon validation with the same rules and messages as geo's `Validation`, but with a
//! sweep for ring self-intersections instead of geo's all-pairs loop.
//!
//! geo 0.33 tests every pair of a ring's segments (`linestring_has_self_intersection`), which
//! is quadratic: on LSOA11 densified x16 that one check took two thirds of the run. Here the
//! segments are sorted by their least x and only pairs whose boxes meet are tested, with the
//! same predicate (`Line::intersects`, robust) and the same exclusion of segments that share
//! an end point the way neighbours do. The other checks are geo's own, in geo's order.

use geo::algorithm::validation::{CoordIndex, InvalidPolygon, RingRole};
use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{
    BoundingRect, Coord, Intersects, Line, LineString, MultiPolygon, Polygon, PreparedGeometry,
    Rect, Relate,
};

use crate::geometry::chains::{
    each_chain, monotone_chains, ring_chains, segment_boxes_meet, segments_meet_by,
    walk_chain_pair, Chain,
};
use crate::geometry::crossings_odd;

use super::Defect;

/// Every validity problem of `polygon`, exactly as `geo::Validation::validation_errors`
/// reports them (the same variants, in the same order).
pub fn polygon_errors(polygon: &Polygon<f64>) -> Vec<InvalidPolygon> {
    errors_in_geo_order(polygon, None)
}

/// [`polygon_errors`]; with `near`, also set it when a ring comes near crossing itself
/// ([`ring_crossing`] with [`projection_margin`]).
fn errors_in_geo_order(polygon: &Polygon<f64>, near: Option<&mut bool>) -> Vec<InvalidPolygon> {
    if polygon.exterior().0.is_empty() {
        // geo: an empty polygon is valid.
        return Vec::new();
    }
    let mut out = ring_errors(polygon, near);
    hole_relations(polygon, &mut out);
    out
}

/// geo's checks of each ring on its own: too few points, self-intersection, non-finite
/// coordinates. Empty rings are passed over. With `near`, also set it when a ring comes within
/// [`projection_margin`] of crossing itself.
fn ring_errors(polygon: &Polygon<f64>, mut near: Option<&mut bool>) -> Vec<InvalidPolygon> {
    let mut out = Vec::new();
    for (ring_idx, ring) in std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .enumerate()
    {
        if ring.0.is_empty() {
            continue;
        }
        let role = if ring_idx == 0 {
            RingRole::Exterior
        } else {
            RingRole::Interior(ring_idx - 1)
        };
        if too_few_points(ring) {
            out.push(InvalidPolygon::TooFewPointsInRing(role));
        }
        let crosses = match near.as_deref_mut() {
            None => has_self_intersection(&ring.0),
            Some(flag) => match projection_margin(&ring.0).map(|m| ring_crossing(&ring.0, m)) {
                Some(Crossing::Yes) => true,
                Some(Crossing::Near) => {
                    *flag = true;
                    false
                }
                Some(Crossing::No) => false,
                None => {
                    *flag = true;
                    has_self_intersection(&ring.0)
                }
            },
        };
        if crosses {
            out.push(InvalidPolygon::SelfIntersection(role));
        }
        for (i, c) in ring.0.iter().enumerate() {
            if !(c.x.is_finite() && c.y.is_finite()) {
                out.push(InvalidPolygon::NonFiniteCoord(role, CoordIndex(i)));
            }
        }
    }
    out
}

/// geo's interior checks, verbatim, where a hole comes near the shell or another hole: each
/// hole against the shell, then against each later hole, in geo's order. geo relates every
/// pair of holes, which takes minutes for a polygon with 20,000 holes; here only the pairs
/// whose boxes meet (found by one sweep, [`meeting_pairs`]) are related, and a hole proved
/// clear inside the shell is not related to it.
fn hole_relations(polygon: &Polygon<f64>, out: &mut Vec<InvalidPolygon>) {
    let holes = polygon.interiors();
    if !holes.iter().any(|r| !r.0.is_empty()) {
        return;
    }
    let shell = &polygon.exterior().0;
    let shell_chains = finite(shell).then(|| ring_chains(&[shell.as_slice()]));
    let boxes: Vec<Option<geo::Rect<f64>>> = holes.iter().map(|r| r.bounding_rect()).collect();
    // For each hole, the later holes whose boxes meet its box, in order.
    let mut near: Vec<Vec<usize>> = vec![Vec::new(); holes.len()];
    for (i, j) in meeting_pairs(&boxes) {
        near[i].push(j);
    }
    let exterior = Polygon::new(polygon.exterior().clone(), vec![]);
    let prepared_exterior = std::cell::OnceCell::new();
    for (i1, interior_1) in holes.iter().enumerate() {
        if interior_1.0.is_empty() {
            continue;
        }
        // A hole whose segments all miss the shell's, with a vertex inside it, is contained
        // and touches nothing: geo finds no fault.
        let clear = shell_chains
            .as_ref()
            .is_some_and(|c| clear_inside(shell, c, &interior_1.0));
        if clear && near[i1].is_empty() {
            continue;
        }
        let role_1 = RingRole::Interior(i1);
        let prepared_exterior = prepared_exterior.get_or_init(|| PreparedGeometry::from(&exterior));
        let hole_1 = Polygon::new(interior_1.clone(), vec![]);
        let prepared_1 = PreparedGeometry::from(&hole_1);
        let im = prepared_exterior.relate(&prepared_1);
        debug_assert!(!clear || im.is_contains());
        if !im.is_contains() {
            out.push(InvalidPolygon::InteriorRingNotContainedInExteriorRing(
                role_1,
            ));
        }
        if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            out.push(InvalidPolygon::IntersectingRingsOnALine(
                RingRole::Exterior,
                role_1,
            ));
        }
        // Holes whose boxes miss share no area and no line.
        for &i2 in &near[i1] {
            let role_2 = RingRole::Interior(i2);
            let hole_2 = Polygon::new(holes[i2].clone(), vec![]);
            let im = prepared_1.relate(&hole_2);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                out.push(InvalidPolygon::IntersectingRingsOnAnArea(role_1, role_2));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                out.push(InvalidPolygon::IntersectingRingsOnALine(role_1, role_2));
            }
        }
    }
}

/// Above this many holes the loader has always listed a polygon's faults in its own order (see
/// [`polygon_problems`]); kept so that reports do not change.
const FEW_HOLES: usize = 16;

/// A polygon's validity problems as the loader reports them: geo's, in geo's order, except
/// that with more than [`FEW_HOLES`] holes the rings are checked even under an empty shell, and
/// the holes' faults against the shell are listed before their faults against each other.
fn polygon_problems(p: &Polygon<f64>, near: Option<&mut bool>) -> Vec<InvalidPolygon> {
    if p.interiors().len() <= FEW_HOLES {
        return errors_in_geo_order(p, near);
    }
    let mut out = ring_errors(p, near);
    if p.exterior().0.is_empty() {
        return out;
    }
    let mut relations = Vec::new();
    hole_relations(p, &mut relations);
    // Stable: shell faults in hole order, then hole pairs in pair order.
    relations.sort_by_key(|e| {
        matches!(
            e,
            InvalidPolygon::IntersectingRingsOnAnArea(..)
                | InvalidPolygon::IntersectingRingsOnALine(RingRole::Interior(_), _)
        )
    });
    out.extend(relations);
    out
}

/// Validity problems of a feature's polygons: geo's rules for each part, then two OGC rules
/// that geo does not check ([`ogc_problems`]); parts are checked pairwise only where their
/// boxes meet.
pub(super) fn validate(mp: &MultiPolygon<f64>) -> Vec<Defect> {
    validate_near(mp, None)
}

/// [`validate`] for polygons in lon/lat degrees, and whether they must be validated again
/// once projected to British National Grid, where the analysis measures them. Projecting
/// bends lines a little, so it can move lines that nearly meet across each other (LSOA
/// E01013170), but nothing else: a ring that stays clear of itself by [`projection_margin`]
/// cannot cross itself after projection. So only features with a ring that comes nearer,
/// with holes or several parts (whose relations are not traced with a margin), or outside
/// Great Britain (where the bound is not worked out) are validated again: a few hundred of
/// LSOA11's 34,753, instead of doubling the cost.
pub(super) fn validate_lonlat(mp: &MultiPolygon<f64>) -> (Vec<Defect>, bool) {
    let mut near = false;
    let out = validate_near(mp, Some(&mut near));
    let in_gb = mp.bounding_rect().is_some_and(|r| {
        r.min().x >= -11.0 && r.max().x <= 4.0 && r.min().y >= 49.0 && r.max().y <= 62.0
    });
    let again = near || !in_gb || mp.0.len() > 1 || mp.0.iter().any(|p| !p.interiors().is_empty());
    (out, again)
}

fn validate_near(mp: &MultiPolygon<f64>, mut near: Option<&mut bool>) -> Vec<Defect> {
    let many = mp.0.len() > 1;
    let mut out: Vec<Defect> = Vec::new();
    for (i, p) in mp.0.iter().enumerate() {
        let part = many.then_some(i);
        let problems = polygon_problems(p, near.as_deref_mut());
        out.extend(ogc_problems(p, &problems, part));
        out.extend(
            problems
                .into_iter()
                .map(|error| Defect::Invalid { part, error }),
        );
    }
    if many {
        let boxes: Vec<Option<Rect<f64>>> = mp.0.iter().map(|p| p.bounding_rect()).collect();
        // Each part's rings and chains, made once for all its pairs (a mainland may meet the
        // boxes of hundreds of islands).
        let mut outlines: Vec<Option<Outline>> = (0..mp.0.len()).map(|_| None).collect();
        for (i, j) in meeting_pairs(&boxes) {
            for k in [i, j] {
                outlines[k].get_or_insert_with(|| Outline::of(&mp.0[k]));
            }
            // Parts whose outlines stay apart, neither inside the other: nothing to report.
            if let (Some(p), Some(q)) = (&outlines[i], &outlines[j]) {
                if p.apart(q) {
                    continue;
                }
            }
            let im = mp.0[i].relate(&mp.0[j]);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                out.push(Defect::PartsOverlap(i, j));
            } else if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary)
                == Dimensions::OneDimensional
            {
                out.push(Defect::PartsTouch(i, j));
            }
        }
    }
    out
}

/// What OGC forbids and geo's rules let through, for polygon `p` (part `part`) given the
/// problems geo's rules found in it:
/// - a ring with no area, all its points on one line, such as `(0 0, 10 0, 20 0, 0 0)`: every
///   pair of its segments are neighbours or share an end, so geo never tests their overlap;
/// - an interior cut into pieces by holes that touch the shell or each other at points
///   ([`interior_disconnected`]); checked only when geo found nothing, as GEOS does.
///
/// These come first in the feature's list: they say most plainly what is wrong.
fn ogc_problems(p: &Polygon<f64>, found: &[InvalidPolygon], part: Option<usize>) -> Vec<Defect> {
    let mut out = Vec::new();
    for (r, ring) in std::iter::once(p.exterior())
        .chain(p.interiors())
        .enumerate()
    {
        let role = if r == 0 {
            RingRole::Exterior
        } else {
            RingRole::Interior(r - 1)
        };
        let faulty = found.iter().any(|e| {
            matches!(e, InvalidPolygon::TooFewPointsInRing(x)
                | InvalidPolygon::SelfIntersection(x)
                | InvalidPolygon::NonFiniteCoord(x, _) if *x == role)
        });
        if !faulty && !ring.0.is_empty() && all_on_one_line(&ring.0) {
            out.push(Defect::ZeroAreaRing { part, ring: role });
        }
    }
    if out.is_empty() && found.is_empty() && interior_disconnected(p) {
        out.push(Defect::DisconnectedInterior { part });
    }
    out
}

/// Whether every point of `pts` lies on one line (robust orientation test), or all are one
/// point.
fn all_on_one_line(pts: &[Coord<f64>]) -> bool {
    use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
    let Some(&a) = pts.first() else {
        return false;
    };
    let Some(&b) = pts.iter().find(|&&c| c != a) else {
        return true;
    };
    pts.iter()
        .all(|&c| RobustKernel::orient2d(a, b, c) == Orientation::Collinear)
}

/// Whether the rings of `p` (valid by geo's rules: simple rings, holes inside the shell,
/// sharing no line or area) cut its interior into pieces. Rings may touch at points; take the
/// graph whose nodes are the rings and the distinct touch points, with an edge from each touch
/// point to each ring through it. The interior is disconnected exactly when that graph has a
/// cycle: two rings touching at two points, or a chain of rings touching round in a loop
/// (the test of JTS's `PolygonRing`). Several rings through one point make no cycle.
///
/// Only pairs that can touch are traced: a hole proved clear inside the shell
/// ([`clear_inside`]) is not traced against it, and holes only against holes whose boxes meet.
pub(crate) fn interior_disconnected(p: &Polygon<f64>) -> bool {
    let holes = p.interiors();
    if holes.is_empty() {
        return false;
    }
    let rings: Vec<&[Coord<f64>]> = std::iter::once(p.exterior())
        .chain(holes)
        .map(|r| r.0.as_slice())
        .collect();
    if !rings.iter().all(|r| r.len() >= 4 && finite(r)) {
        return false;
    }
    let shell_chains = ring_chains(&[rings[0]]);
    // Pairs of rings (0 the shell) that may touch.
    let mut pairs: Vec<(usize, usize)> = (1..rings.len())
        .filter(|&h| !clear_inside(rings[0], &shell_chains, rings[h]))
        .map(|h| (0, h))
        .collect();
    let boxes: Vec<Option<Rect<f64>>> = holes.iter().map(|r| r.bounding_rect()).collect();
    pairs.extend(
        meeting_pairs(&boxes)
            .into_iter()
            .map(|(i, j)| (i + 1, j + 1)),
    );
    if pairs.is_empty() {
        return false;
    }
    let mut chains: Vec<Option<Vec<Chain>>> = (0..rings.len()).map(|_| None).collect();
    // (touch point, ring through it), -0 read as 0.
    let mut touches: Vec<(Coord<f64>, usize)> = Vec::new();
    for (a, b) in pairs {
        for r in [a, b] {
            if chains[r].is_none() {
                chains[r] = Some(monotone_chains(rings[r]));
            }
        }
        let (ca, cb) = (
            chains[a].as_deref().unwrap_or(&[]),
            chains[b].as_deref().unwrap_or(&[]),
        );
        touch_points(rings[a], ca, rings[b], cb, &mut |c| {
            let c = Coord {
                x: c.x + 0.0,
                y: c.y + 0.0,
            };
            touches.push((c, a));
            touches.push((c, b));
        });
    }
    touches.sort_unstable_by(|p, q| {
        (p.0.x.total_cmp(&q.0.x))
            .then(p.0.y.total_cmp(&q.0.y))
            .then(p.1.cmp(&q.1))
    });
    touches.dedup();
    // Union-find over the rings (0..n) and the touch points (n..): an edge whose ends are
    // already joined closes a cycle.
    let n = rings.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut last: Option<Coord<f64>> = None;
    for (c, ring) in touches {
        if last != Some(c) {
            parent.push(parent.len());
            last = Some(c);
        }
        let point = parent.len() - 1;
        let (x, y) = (root(&mut parent, point), root(&mut parent, ring));
        if x == y {
            return true;
        }
        parent[x] = y;
    }
    false
}

/// Calls `found` with each point where a segment of ring `pa` (chains `ca`) meets one of ring
/// `pb` (chains `cb`): the single point, or both ends of a shared stretch.
fn touch_points(
    pa: &[Coord<f64>],
    ca: &[Chain],
    pb: &[Coord<f64>],
    cb: &[Chain],
    found: &mut dyn FnMut(Coord<f64>),
) {
    use geo::algorithm::line_intersection::{line_intersection, LineIntersection};
    for a in ca {
        for b in cb {
            if a.max.x < b.min.x || b.max.x < a.min.x || a.max.y < b.min.y || b.max.y < a.min.y {
                continue;
            }
            walk_chain_pair(pa, a, pb, b, 0.0, |i, k| {
                match line_intersection(Line::new(pa[i], pa[i + 1]), Line::new(pb[k], pb[k + 1])) {
                    Some(LineIntersection::SinglePoint { intersection, .. }) => found(intersection),
                    Some(LineIntersection::Collinear { intersection }) => {
                        found(intersection.start);
                        found(intersection.end);
                    }
                    None => {}
                }
                false
            });
        }
    }
}

/// The pairs `(i, j)`, `i < j`, whose boxes meet, in order: a sweep along x, so that 20,000
/// boxes that mostly do not meet cost far less than 200 million comparisons.
fn meeting_pairs(boxes: &[Option<Rect<f64>>]) -> Vec<(usize, usize)> {
    let mut order: Vec<(usize, Rect<f64>)> = boxes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.map(|b| (i, b)))
        .collect();
    order.sort_by(|a, b| a.1.min().x.total_cmp(&b.1.min().x));
    let mut pairs = Vec::new();
    for (k, (i, a)) in order.iter().enumerate() {
        for (j, b) in &order[k + 1..] {
            if b.min().x > a.max().x {
                break;
            }
            if a.intersects(b) {
                pairs.push((*i.min(j), *i.max(j)));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

fn finite(pts: &[Coord<f64>]) -> bool {
    pts.iter().all(|c| c.x.is_finite() && c.y.is_finite())
}

/// Whether the closed ring `hole` lies strictly inside the closed ring `shell` (with `chains`
/// its chains, [`ring_chains`]), proved cheaply: no segment box of one meets a segment box of
/// the other, and a vertex of `hole` is inside `shell`. False when not proved.
fn clear_inside(shell: &[Coord<f64>], chains: &[(u32, Chain)], hole: &[Coord<f64>]) -> bool {
    if hole.len() < 4 || shell.len() < 4 || !finite(hole) {
        return false;
    }
    // With no segment box of the shell holding it, the vertex is off the shell, and the
    // crossing count is clear.
    !segment_boxes_meet(&[shell], chains, &[hole], &ring_chains(&[hole]))
        && crossings_odd(hole[0], shell)
}

/// [`apart`], for two polygons on their own.
#[cfg(test)]
fn polygons_apart(p: &Polygon<f64>, q: &Polygon<f64>) -> bool {
    Outline::of(p).apart(&Outline::of(q))
}

/// A polygon's rings, and their chains when every ring is closed enough and finite (else
/// nothing can be proved about it).
struct Outline<'a> {
    rings: Vec<&'a [Coord<f64>]>,
    chains: Option<Vec<(u32, Chain)>>,
}

impl<'a> Outline<'a> {
    fn of(p: &'a Polygon<f64>) -> Outline<'a> {
        let rings: Vec<&[Coord<f64>]> = std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| r.0.as_slice())
            .collect();
        let ok = rings.iter().all(|r| r.len() >= 4 && finite(r));
        let chains = ok.then(|| ring_chains(&rings));
        Outline { rings, chains }
    }

    /// [`apart`].
    fn apart(&self, other: &Outline) -> bool {
        let (Some(cp), Some(cq)) = (&self.chains, &other.chains) else {
            return false;
        };
        apart(&self.rings, cp, &other.rings, cq)
    }
}

/// Whether two polygons (their rings and chains) are proved apart: no segment of one meets a
/// segment of the other (found by robust predicates), and neither has a vertex inside the
/// other (one may lie in a hole of the other). Then they share no area and no boundary. False
/// when not proved.
///
/// Parts of a council along an estuary or among islands come within a segment's box of each
/// other without meeting; proving them apart here spares geo's `relate` of the whole parts
/// (half of checking LTLA21, whose mainlands run to thousands of vertices).
fn apart(
    rp: &[&[Coord<f64>]],
    cp: &[(u32, Chain)],
    rq: &[&[Coord<f64>]],
    cq: &[(u32, Chain)],
) -> bool {
    let cross_or_touch = |[a0, a1]: [Coord<f64>; 2], [b0, b1]: [Coord<f64>; 2]| {
        Line::new(a0, a1).intersects(&Line::new(b0, b1))
    };
    if segments_meet_by(rp, cp, rq, cq, cross_or_touch) {
        return false;
    }
    // The outlines are apart, so no vertex of one is on the other: the exact count decides.
    let inside = |c: Coord<f64>, rs: &[&[Coord<f64>]]| {
        rs.iter()
            .fold(false, |odd, r| odd ^ crossings_odd_exact(c, r))
    };
    !inside(rp[0][0], rq) && !inside(rq[0][0], rp)
}

/// [`crossings_odd`] by the sign of an exact orientation, not a division: right for any point
/// off the ring, however near.
fn crossings_odd_exact(p: Coord<f64>, ring: &[Coord<f64>]) -> bool {
    use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
    let mut odd = false;
    for w in ring.windows(2) {
        let (s, e) = (w[0], w[1]);
        if (s.y > p.y) != (e.y > p.y) {
            // The ray towards +x crosses the edge when p is left of it, taken upwards.
            let (lo, hi) = if s.y < e.y { (s, e) } else { (e, s) };
            if RobustKernel::orient2d(lo, hi, p) == Orientation::CounterClockwise {
                odd = !odd;
            }
        }
    }
    odd
}

/// geo's rule: fewer than 4 points once consecutive repeats are removed.
fn too_few_points(ring: &LineString<f64>) -> bool {
    let mut distinct = 0usize;
    let mut last: Option<Coord<f64>> = None;
    for &c in &ring.0 {
        if last != Some(c) {
            distinct += 1;
            if distinct >= 4 {
                return false;
            }
        }
        last = Some(c);
    }
    true
}

/// True when two different segments of the ring meet, other than a segment's end meeting the
/// next one's start (geo's `linestring_has_self_intersection`, which tests both orders of every
/// pair: a pair counts when the segments intersect and neither `a.start == b.end` nor
/// `a.end == b.start`, a symmetric condition).
///
/// The ring is cut into monotone chains, as GEOS does: runs of segments that all head into
/// one quadrant (x never decreasing, or never increasing, and the same for y). Two segments of
/// one chain cannot count: their boxes meet only when every vertex between them is the same
/// point, and then one's end is the other's start. So only segments of different chains whose
/// boxes meet are tested, found by a sweep over the chains' boxes and, inside a pair of chains,
/// by walking both in x order (a chain's segments are already sorted in x).
pub fn has_self_intersection(pts: &[Coord<f64>]) -> bool {
    ring_crossing(pts, 0.0) == Crossing::Yes
}

/// What [`ring_crossing`] found.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) enum Crossing {
    /// Two segments count as crossing (geo's rule).
    Yes,
    /// None do, but two segments of different monotone chains that geo's rule would compare
    /// come within the margin of each other.
    Near,
    /// No two such segments come within the margin.
    No,
}

/// [`has_self_intersection`], and whether the ring comes within `margin` of it: segment boxes
/// grown by `margin` are compared. Segments of one monotone chain are never near: their
/// directions lie within one quadrant, so no smooth map that turns them by less than 45°
/// (a projection over a small area) can make them cross.
pub(crate) fn ring_crossing(pts: &[Coord<f64>], margin: f64) -> Crossing {
    if pts.len() < 3 {
        return Crossing::No;
    }
    if pts.iter().any(|c| !(c.x.is_finite() && c.y.is_finite())) {
        return if has_self_intersection_sweep(pts) {
            Crossing::Yes
        } else {
            Crossing::No
        };
    }
    if pts.len() - 1 <= PAIRWISE_MAX {
        ring_crossing_pairwise(pts, margin)
    } else {
        ring_crossing_by_chains(pts, margin)
    }
}

/// [`ring_crossing`] of a ring of finite points, chain box by chain box.
fn ring_crossing_by_chains(pts: &[Coord<f64>], margin: f64) -> Crossing {
    let chains = monotone_chains(pts);
    let mut order: Vec<usize> = (0..chains.len()).collect();
    order.sort_unstable_by(|&p, &q| chains[p].min.x.total_cmp(&chains[q].min.x));
    let mut near = false;
    for (k, &ci) in order.iter().enumerate() {
        let a = &chains[ci];
        for &cj in &order[k + 1..] {
            let b = &chains[cj];
            if b.min.x > a.max.x + margin {
                break;
            }
            if b.min.y > a.max.y + margin || b.max.y + margin < a.min.y {
                continue;
            }
            if chains_meet(pts, a, b, margin, &mut near) {
                return Crossing::Yes;
            }
        }
    }
    if near {
        Crossing::Near
    } else {
        Crossing::No
    }
}

/// How near, in degrees, two segments of a lon/lat ring must come for projecting to British
/// National Grid to be able to make them cross: (La² + Lb²) / 16 (plus 1e-9° for rounding),
/// La and Lb their lengths in degrees, at most L² / 8 with L the ring's longest segment, which
/// is returned (the sweep's margin); `None` (always near enough) when L is over 0.5°.
///
/// Why: over Great Britain the projection's second derivatives are under 2,500 m per degree²
/// (taken as M = 10,000) and it stretches every direction by at least 52 km per degree (taken
/// as s = 40,000). A projected segment is the chord between two projected vertices, and lies
/// within M L² / 8 of the projected curve of the lon/lat segment. Two lon/lat segments d apart
/// have projected curves at least s d - M d² / 2 apart (Taylor's theorem at the nearest
/// points). So their chords stay apart when s d - M d² / 2 > M (La² + Lb²) / 8, which holds
/// (with a factor of 2 to spare) for every d from (La² + Lb²) / 16 to 7°: far beyond any
/// feature with segments under 0.5°, whose chords move by under 320 m.
pub(crate) fn projection_margin(pts: &[Coord<f64>]) -> Option<f64> {
    // Squared, without a square root per segment: this reads every vertex of the layer.
    let longest2 = pts
        .windows(2)
        .map(|w| length2(w[0], w[1]))
        .fold(0.0, f64::max);
    (longest2 <= 0.25).then(|| longest2 / 8.0 + 1e-9)
}

/// Rings of at most this many segments are checked pair by pair ([`ring_crossing_pairwise`]):
/// under 500 pairs of boxes cost less than making, sorting and walking the chains. LSOA11's
/// rings have 12 points on average; checking them took 18% of loading it from a GeoPackage.
const PAIRWISE_MAX: usize = 32;

/// [`ring_crossing`] for a ring of at most [`PAIRWISE_MAX`] segments, every pair of segments
/// whose boxes (grown by `margin`) meet compared as the chains would compare them. Pairs of
/// one chain are passed over, as the chains pass them over: they never count (see
/// [`has_self_intersection`]) and are never near.
fn ring_crossing_pairwise(pts: &[Coord<f64>], margin: f64) -> Crossing {
    let n = pts.len() - 1;
    let mut chain = [0u8; PAIRWISE_MAX];
    let mut c = 0u8;
    each_chain(pts, |start, end, _| {
        chain[start..end].fill(c);
        c += 1;
    });
    let mut near = false;
    for i in 0..n {
        let (a0, a1) = (pts[i], pts[i + 1]);
        let (x0, x1) = (a0.x.min(a1.x) - margin, a0.x.max(a1.x) + margin);
        let (y0, y1) = (a0.y.min(a1.y) - margin, a0.y.max(a1.y) + margin);
        for k in i + 1..n {
            let (b0, b1) = (pts[k], pts[k + 1]);
            let apart = b0.x.min(b1.x) > x1
                || b0.x.max(b1.x) < x0
                || b0.y.min(b1.y) > y1
                || b0.y.max(b1.y) < y0;
            if !apart && chain[i] != chain[k] && segments_meet(pts, i, k, margin, &mut near) {
                return Crossing::Yes;
            }
        }
    }
    if near {
        Crossing::Near
    } else {
        Crossing::No
    }
}

/// Whether a segment of `a` and one of `b` meet (geo's rule, see `has_self_intersection`);
/// sets `near` when two that geo's rule compares come within `margin` without meeting.
fn chains_meet(pts: &[Coord<f64>], a: &Chain, b: &Chain, margin: f64, near: &mut bool) -> bool {
    walk_chain_pair(pts, a, pts, b, margin, |i, k| {
        segments_meet(pts, i, k, margin, near)
    })
}

/// Whether segments `i` and `k` of the ring meet (geo's rule, see `has_self_intersection`);
/// sets `near` when they come within their own bound without meeting (see
/// `projection_margin`; `margin` is the ring's largest, 0 to not look).
#[inline]
fn segments_meet(pts: &[Coord<f64>], i: usize, k: usize, margin: f64, near: &mut bool) -> bool {
    let (a0, a1) = (pts[i], pts[i + 1]);
    let (b0, b1) = (pts[k], pts[k + 1]);
    if segments_count((a0, a1), (a0.y.min(a1.y), a0.y.max(a1.y)), (b0, b1)) {
        return true;
    }
    // Pairs that share an end the way neighbours do never count, whatever the projection
    // does (equal points stay equal).
    if margin > 0.0 && !(a0 == b1 || a1 == b0) {
        let bound = (length2(a0, a1) + length2(b0, b1)) / 16.0 + 1e-9;
        if segments_distance((a0, a1), (b0, b1)) <= bound {
            *near = true;
        }
    }
    false
}

fn length2(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)
}

/// Distance between two segments that do not meet: the least from an end of one to the other.
fn segments_distance(
    (a0, a1): (Coord<f64>, Coord<f64>),
    (b0, b1): (Coord<f64>, Coord<f64>),
) -> f64 {
    fn to_segment(p: Coord<f64>, s0: Coord<f64>, s1: Coord<f64>) -> f64 {
        let l2 = length2(s0, s1);
        let t = if l2 > 0.0 {
            (((p.x - s0.x) * (s1.x - s0.x) + (p.y - s0.y) * (s1.y - s0.y)) / l2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let q = Coord {
            x: s0.x + t * (s1.x - s0.x),
            y: s0.y + t * (s1.y - s0.y),
        };
        length2(p, q).sqrt()
    }
    to_segment(a0, b0, b1)
        .min(to_segment(a1, b0, b1))
        .min(to_segment(b0, a0, a1))
        .min(to_segment(b1, a0, a1))
}

/// geo's rule for one pair of a ring's segments, `a` (whose y range is `ay`) and `b`, already
/// known to overlap in x: they count when they intersect, unless one's end is the other's
/// start.
#[inline]
fn segments_count(
    (a0, a1): (Coord<f64>, Coord<f64>),
    (ay0, ay1): (f64, f64),
    (b0, b1): (Coord<f64>, Coord<f64>),
) -> bool {
    if b0.y.min(b1.y) > ay1 || b0.y.max(b1.y) < ay0 {
        return false;
    }
    if a0 == b1 || a1 == b0 {
        return false;
    }
    Line::new(a0, a1).intersects(&Line::new(b0, b1))
}

/// The plain sweep over all segments sorted by least x: used for rings with non-finite
/// coordinates, where quadrants mean nothing, and to test the chains against.
fn has_self_intersection_sweep(pts: &[Coord<f64>]) -> bool {
    if pts.len() < 3 {
        return false;
    }
    let n = pts.len() - 1;
    // Segments sorted by least x; each is compared with the following ones until their least
    // x passes its greatest x.
    let mut order: Vec<(f64, f64, u32)> = (0..n)
        .map(|i| {
            let (a, b) = (pts[i], pts[i + 1]);
            (a.x.min(b.x), a.x.max(b.x), i as u32)
        })
        .collect();
    order.sort_unstable_by(|p, q| p.0.total_cmp(&q.0));
    for (k, &(_, max_x, i)) in order.iter().enumerate() {
        let i = i as usize;
        let (a0, a1) = (pts[i], pts[i + 1]);
        let (ay0, ay1) = (a0.y.min(a1.y), a0.y.max(a1.y));
        for &(min_x2, _, j) in &order[k + 1..] {
            if min_x2 > max_x {
                break;
            }
            let j = j as usize;
            if segments_count((a0, a1), (ay0, ay1), (pts[j], pts[j + 1])) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Validation;
    use geo::{Coord, Intersects, LineString, Polygon, Rect};

    use crate::test_rng::unit as lcg;

    /// geo's relate finds no area and no boundary shared.
    fn share_nothing(p: &Polygon<f64>, q: &Polygon<f64>) {
        let im = p.relate(q);
        assert_eq!(
            im.get(CoordPos::Inside, CoordPos::Inside),
            Dimensions::Empty
        );
        assert_eq!(
            im.get(CoordPos::OnBoundary, CoordPos::OnBoundary),
            Dimensions::Empty
        );
    }

    fn same_as_geo(p: &Polygon<f64>) {
        let want: Vec<String> = p
            .validation_errors()
            .iter()
            .map(|e| e.to_string())
            .collect();
        let got: Vec<String> = polygon_errors(p).iter().map(|e| e.to_string()).collect();
        assert_eq!(got, want, "{p:?}");
    }

    #[test]
    fn parts_within_a_segment_box_of_each_other_are_apart_unless_they_meet() {
        let poly = |pts: &[(f64, f64)], holes: Vec<LineString<f64>>| {
            let mut c: Vec<Coord<f64>> = pts.iter().map(|&(x, y)| Coord { x, y }).collect();
            c.push(c[0]);
            Polygon::new(LineString(c), holes)
        };
        let ring = |pts: &[(f64, f64)]| {
            let mut c: Vec<Coord<f64>> = pts.iter().map(|&(x, y)| Coord { x, y }).collect();
            c.push(c[0]);
            LineString(c)
        };
        // A shore with a long diagonal edge, and an island off it inside that edge's box.
        let shore = poly(&[(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)], vec![]);
        let island = poly(&[(6.0, 6.0), (7.0, 6.0), (6.0, 7.0)], vec![]);
        // Touching the diagonal at a vertex; crossing it; inside the shore.
        let touching = poly(&[(5.0, 5.0), (7.0, 5.0), (7.0, 7.0)], vec![]);
        let crossing = poly(&[(4.0, 4.0), (7.0, 4.0), (7.0, 7.0)], vec![]);
        let inside = poly(&[(1.0, 1.0), (2.0, 1.0), (1.0, 2.0)], vec![]);
        // In a hole of a frame whose edges' boxes hold it.
        let frame = poly(
            &[(-1.0, -1.0), (20.0, -1.0), (20.0, 20.0), (-1.0, 20.0)],
            vec![ring(&[(0.0, 0.0), (19.0, 0.0), (0.0, 19.0)])],
        );
        let in_hole = poly(&[(9.0, 9.0), (9.4, 9.0), (9.0, 9.4)], vec![]);
        for (p, q, apart) in [
            (&shore, &island, true),
            (&shore, &touching, false),
            (&shore, &crossing, false),
            (&shore, &inside, false),
            (&frame, &in_hole, true),
            (&frame, &island, true),
        ] {
            assert_eq!(polygons_apart(p, q), apart, "{q:?}");
            assert_eq!(polygons_apart(q, p), apart, "{q:?}");
            if apart {
                share_nothing(p, q);
            }
        }
    }

    #[test]
    fn agrees_with_geo_on_random_rings() {
        // Random rings on a small integer grid: many touch, cross, repeat points and overlap
        // collinearly, so every branch of the predicate is exercised.
        let mut seed = 7;
        let mut invalid = 0;
        for n in 3..12 {
            for _ in 0..400 {
                let mut pts: Vec<Coord<f64>> = (0..n)
                    .map(|_| Coord {
                        x: (lcg(&mut seed) * 6.0).floor(),
                        y: (lcg(&mut seed) * 6.0).floor(),
                    })
                    .collect();
                pts.push(pts[0]);
                let p = Polygon::new(LineString(pts), vec![]);
                if !p.validation_errors().is_empty() {
                    invalid += 1;
                }
                same_as_geo(&p);
            }
        }
        assert!(invalid > 100);
    }

    #[test]
    fn chains_agree_with_the_plain_sweep() {
        // Random walks with runs heading one way (so chains are long), repeated points,
        // and steps back onto earlier vertices, on a small grid so that rings often touch.
        let mut seed = 11;
        let (mut crossing, mut clean) = (0, 0);
        for n in 3..60 {
            for _ in 0..200 {
                let mut pts = vec![Coord { x: 0.0, y: 0.0 }];
                let (mut dx, mut dy) = (1.0, 0.0);
                for _ in 0..n {
                    if lcg(&mut seed) < 0.3 {
                        dx = (lcg(&mut seed) * 3.0).floor() - 1.0;
                        dy = (lcg(&mut seed) * 3.0).floor() - 1.0;
                    }
                    let last = *pts.last().unwrap();
                    pts.push(Coord {
                        x: last.x + dx,
                        y: last.y + dy,
                    });
                }
                pts.push(pts[0]);
                let want = has_self_intersection_sweep(&pts);
                assert_eq!(has_self_intersection(&pts), want, "{pts:?}");
                if want {
                    crossing += 1;
                } else {
                    clean += 1;
                }
            }
        }
        assert!(crossing > 500 && clean > 500, "{crossing} {clean}");
    }

    #[test]
    fn pairs_agree_with_the_chains() {
        // Small random walks (as in `chains_agree_with_the_plain_sweep`), checked both ways
        // with no margin and with margins from a hair to a grid step: the same crossings, and
        // the same near misses.
        let mut seed = 5;
        let mut seen = [0usize; 3];
        for n in 3..=PAIRWISE_MAX {
            for _ in 0..300 {
                let mut pts = vec![Coord { x: 0.0, y: 0.0 }];
                let (mut dx, mut dy) = (1.0, 0.0);
                for _ in 0..n - 1 {
                    if lcg(&mut seed) < 0.4 {
                        dx = (lcg(&mut seed) * 3.0).floor() - 1.0;
                        dy = (lcg(&mut seed) * 3.0).floor() - 1.0;
                    }
                    let last = *pts.last().unwrap();
                    pts.push(Coord {
                        x: last.x + dx + lcg(&mut seed) * 0.2,
                        y: last.y + dy + lcg(&mut seed) * 0.2,
                    });
                }
                pts.push(pts[0]);
                assert_eq!(pts.len() - 1, n);
                for margin in [0.0, 1e-6, 0.05, 0.3, 1.0] {
                    let want = ring_crossing_by_chains(&pts, margin);
                    assert_eq!(
                        ring_crossing_pairwise(&pts, margin),
                        want,
                        "{margin} {pts:?}"
                    );
                    seen[want as usize] += 1;
                }
            }
        }
        assert!(seen.iter().all(|&k| k > 500), "{seen:?}");
    }

    #[test]
    fn agrees_with_geo_on_random_holes() {
        // A star-shaped shell with up to five small holes anywhere near it, on a grid: holes
        // inside, outside, across the shell, touching it or each other, overlapping.
        let mut seed = 3;
        let (mut clean, mut faulty) = (0, 0);
        for _ in 0..3000 {
            let n = 5 + (lcg(&mut seed) * 12.0) as usize;
            let mut shell: Vec<Coord<f64>> = (0..n)
                .map(|k| {
                    let a = std::f64::consts::TAU * k as f64 / n as f64;
                    let r = 10.0 + (lcg(&mut seed) * 10.0).floor();
                    Coord {
                        x: (r * a.cos()).round(),
                        y: (r * a.sin()).round(),
                    }
                })
                .collect();
            shell.push(shell[0]);
            let holes = (0..(lcg(&mut seed) * 6.0) as usize)
                .map(|_| {
                    let (cx, cy) = (
                        (lcg(&mut seed) * 36.0).floor() - 18.0,
                        (lcg(&mut seed) * 36.0).floor() - 18.0,
                    );
                    let k = 3 + (lcg(&mut seed) * 3.0) as usize;
                    let mut ring: Vec<Coord<f64>> = (0..k)
                        .map(|j| {
                            let a = std::f64::consts::TAU * j as f64 / k as f64;
                            let r = 1.0 + (lcg(&mut seed) * 4.0).floor();
                            Coord {
                                x: cx + (r * a.cos()).round(),
                                y: cy + (r * a.sin()).round(),
                            }
                        })
                        .collect();
                    ring.push(ring[0]);
                    LineString(ring)
                })
                .collect();
            let p = Polygon::new(LineString(shell), holes);
            if p.validation_errors().is_empty() {
                clean += 1;
            } else {
                faulty += 1;
            }
            same_as_geo(&p);
        }
        assert!(clean > 300 && faulty > 300, "{clean} {faulty}");
    }

    #[test]
    fn polygons_proved_apart_share_nothing() {
        let mut seed = 21;
        let star = |seed: &mut u64, cx: f64, cy: f64, r0: f64, ccw: bool| {
            let n = 3 + (lcg(seed) * 8.0) as usize;
            let mut pts: Vec<Coord<f64>> = (0..n)
                .map(|k| {
                    let a = std::f64::consts::TAU * k as f64 / n as f64;
                    let r = r0 * (0.5 + lcg(seed) * 0.5);
                    Coord {
                        x: (cx + r * a.cos()).round(),
                        y: (cy + r * a.sin()).round(),
                    }
                })
                .collect();
            if !ccw {
                pts.reverse();
            }
            pts.push(pts[0]);
            LineString(pts)
        };
        let (mut apart, mut not) = (0, 0);
        for _ in 0..4000 {
            let hole = star(&mut seed, 0.0, 0.0, 8.0, false);
            let p = Polygon::new(star(&mut seed, 0.0, 0.0, 20.0, true), vec![hole]);
            let (cx, cy) = ((lcg(&mut seed) - 0.5) * 50.0, (lcg(&mut seed) - 0.5) * 50.0);
            let size = 1.0 + lcg(&mut seed) * 12.0;
            let q = Polygon::new(star(&mut seed, cx, cy, size, true), vec![]);
            if !p.is_valid() || !q.is_valid() {
                continue;
            }
            if polygons_apart(&p, &q) {
                apart += 1;
                share_nothing(&p, &q);
            } else {
                not += 1;
            }
        }
        assert!(apart > 500 && not > 500, "{apart} {not}");
    }

    #[test]
    fn agrees_with_geo_on_holes_and_special_cases() {
        use geo::polygon;
        same_as_geo(&polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [
                [(x: 1.0, y: 1.0), (x: 3.0, y: 1.0), (x: 3.0, y: 3.0), (x: 1.0, y: 3.0)],
                [(x: 2.0, y: 2.0), (x: 4.0, y: 2.0), (x: 4.0, y: 4.0), (x: 2.0, y: 4.0)],
                [(x: 9.0, y: 9.0), (x: 12.0, y: 9.0), (x: 12.0, y: 12.0)],
            ],
        ]);
        // A bow tie, a spike, a repeated point, an unclosed ring, a pinch.
        for ring in [
            vec![(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)],
            vec![
                (0.0, 0.0),
                (2.0, 0.0),
                (2.0, 2.0),
                (3.0, 3.0),
                (2.0, 2.0),
                (0.0, 2.0),
                (0.0, 0.0),
            ],
            vec![(0.0, 0.0), (2.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 0.0)],
            vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0)],
            vec![
                (0.0, 0.0),
                (2.0, 0.0),
                (1.0, 1.0),
                (2.0, 2.0),
                (0.0, 2.0),
                (1.0, 1.0),
                (0.0, 0.0),
            ],
        ] {
            same_as_geo(&Polygon::new(LineString::from(ring), vec![]));
        }
    }

    #[test]
    fn many_holes_are_checked_as_geo_checks_them_but_quickly() {
        // 30 holes in a row (more than FEW_HOLES), with every kind of problem among them.
        let square = |x: f64, y: f64, d: f64| {
            LineString::from(vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)])
        };
        let mut holes: Vec<LineString<f64>> = (0..30)
            .map(|i| square(1.0 + 3.0 * i as f64, 1.0, 1.0))
            .collect();
        holes[3] = square(200.0, 1.0, 1.0); // outside the shell
        holes[5] = square(1.5 + 3.0 * 4.0, 1.5, 1.0); // overlaps hole 4
        holes[8] = square(2.0 + 3.0 * 7.0, 1.0, 1.0); // shares an edge with hole 7
        holes[10] = square(3.0 * 10.0, 0.0, 1.0); // shares an edge with the shell
        holes[12] = LineString::from(vec![
            (37.0, 1.0),
            (38.0, 2.0),
            (38.0, 1.0),
            (37.0, 2.0),
            (37.0, 1.0),
        ]);
        let p = Polygon::new(square(0.0, 0.0, 100.0), holes);
        use geo::Validation;
        let mut geo: Vec<String> = p
            .validation_errors()
            .iter()
            .map(|e| e.to_string())
            .collect();
        let mut ours: Vec<String> = polygon_problems(&p, None)
            .iter()
            .map(|e| e.to_string())
            .collect();
        geo.sort();
        ours.sort();
        assert!(geo.len() >= 5, "{geo:?}");
        assert_eq!(ours, geo);
    }

    fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
        let mut v: Vec<Coord<f64>> = pts.iter().map(|&(x, y)| Coord { x, y }).collect();
        v.push(v[0]);
        LineString(v)
    }

    fn square(x: f64, y: f64, d: f64) -> LineString<f64> {
        ring(&[(x, y), (x + d, y), (x + d, y + d), (x, y + d)])
    }

    fn defects(p: Polygon<f64>) -> Vec<Defect> {
        validate(&MultiPolygon(vec![p]))
    }

    #[test]
    fn zero_area_ring_is_a_defect() {
        // POLYGON((0 0,10 0,20 0,0 0,0 0)): every pair of segments are neighbours or share an
        // end, so geo's rules never test their overlap.
        let flat = LineString::from(vec![(0., 0.), (10., 0.), (20., 0.), (0., 0.), (0., 0.)]);
        let p = Polygon::new(flat.clone(), vec![]);
        assert!(p.validation_errors().is_empty(), "geo lets it through");
        assert_eq!(
            defects(p),
            vec![Defect::ZeroAreaRing {
                part: None,
                ring: RingRole::Exterior
            }]
        );
        assert_eq!(
            Defect::ZeroAreaRing {
                part: None,
                ring: RingRole::Exterior
            }
            .to_string(),
            "exterior ring is flat: all its points lie on one line"
        );
        // A flat hole, in the second part of a feature.
        let with_hole = Polygon::new(
            square(0.0, 0.0, 10.0),
            vec![ring(&[(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)])],
        );
        let mp = MultiPolygon(vec![
            Polygon::new(square(20.0, 0.0, 1.0), vec![]),
            with_hole,
        ]);
        assert!(validate(&mp).contains(&Defect::ZeroAreaRing {
            part: Some(1),
            ring: RingRole::Interior(0)
        }));
        // A thin triangle is not flat; nor is any ordinary ring.
        let thin = Polygon::new(ring(&[(0.0, 0.0), (10.0, 0.0), (20.0, 1e-9)]), vec![]);
        assert_eq!(defects(thin), vec![]);
        assert_eq!(defects(Polygon::new(square(0.0, 0.0, 1.0), vec![])), vec![]);
    }

    #[test]
    fn ordinary_spikes_and_cut_lines_are_still_caught() {
        let spike = Polygon::new(
            ring(&[(0., 0.), (2., 0.), (2., 2.), (3., 3.), (2., 2.), (0., 2.)]),
            vec![],
        );
        let cut = Polygon::new(
            ring(&[
                (0., 0.),
                (4., 0.),
                (4., 4.),
                (2., 4.),
                (2., 1.),
                (2., 4.),
                (0., 4.),
            ]),
            vec![],
        );
        for p in [spike, cut] {
            assert!(
                defects(p.clone()).iter().any(|d| matches!(
                    d,
                    Defect::Invalid {
                        error: InvalidPolygon::SelfIntersection(RingRole::Exterior),
                        ..
                    }
                )),
                "{p:?}"
            );
        }
    }

    #[test]
    fn holes_cutting_the_interior_into_pieces_are_a_defect() {
        let shell = || square(0.0, 0.0, 10.0);
        let disconnected = |holes: Vec<LineString<f64>>| {
            let p = Polygon::new(shell(), holes);
            assert!(
                p.validation_errors().is_empty(),
                "geo lets it through: {p:?}"
            );
            defects(p) == vec![Defect::DisconnectedInterior { part: None }]
        };
        // A hole touching the shell at two points cuts off a corner.
        assert!(disconnected(vec![ring(&[
            (0.0, 5.0),
            (5.0, 0.0),
            (5.0, 5.0)
        ])]));
        // Two holes touching each other at two points enclose a piece between them.
        assert!(disconnected(vec![
            ring(&[(2.0, 2.0), (8.0, 2.0), (5.0, 5.0)]),
            ring(&[(2.0, 2.0), (5.0, 1.0), (8.0, 2.0), (5.0, 0.5)]),
        ]));
        // A loop through three rings: shell, hole, hole, shell, each touch at its own point.
        assert!(disconnected(vec![
            ring(&[(0.0, 5.0), (4.0, 3.0), (4.0, 7.0)]),
            ring(&[(4.0, 5.0), (10.0, 5.0), (8.0, 8.0)]),
        ]));
        // Touching at one point each, or several rings through one point: connected.
        assert!(!disconnected(vec![ring(&[
            (0.0, 5.0),
            (3.0, 4.0),
            (3.0, 6.0)
        ])]));
        assert!(!disconnected(vec![
            ring(&[(0.0, 5.0), (4.0, 6.0), (4.0, 8.0)]),
            ring(&[(0.0, 5.0), (4.0, 4.0), (4.0, 2.0)]),
        ]));
        assert!(!disconnected(vec![
            ring(&[(1.0, 1.0), (3.0, 1.0), (3.0, 3.0)]),
            ring(&[(3.0, 3.0), (5.0, 3.0), (5.0, 5.0)]),
            square(6.0, 6.0, 1.0),
        ]));
        // Three holes in a 12 x 12 shell, two touching at a point and one of those touching
        // the shell: GEOS calls it valid. In the 10 x 10 shell the second touches it too,
        // closing a loop.
        let three = || {
            vec![
                ring(&[(0.0, 6.0), (7.0, 1.0), (3.0, 9.0)]),
                ring(&[(9.0, 6.0), (10.0, 9.0), (3.0, 9.0)]),
                ring(&[(8.0, 6.0), (6.0, 4.0), (9.0, 4.0)]),
            ]
        };
        assert!(!interior_disconnected(&Polygon::new(
            square(0.0, 0.0, 12.0),
            three()
        )));
        assert!(disconnected(three()));
        // In a part of a multi-part feature, worded with the part.
        let d = validate(&MultiPolygon(vec![
            Polygon::new(square(20.0, 0.0, 1.0), vec![]),
            Polygon::new(shell(), vec![ring(&[(0.0, 5.0), (5.0, 0.0), (5.0, 5.0)])]),
        ]));
        assert_eq!(d, vec![Defect::DisconnectedInterior { part: Some(1) }]);
        assert!(d[0].to_string().starts_with(
            "polygon 1: holes touch the exterior ring or each other at two or more points"
        ));
    }

    #[test]
    fn rings_clear_by_the_margin_stay_clear_once_projected() {
        // Lon/lat rings over Great Britain with a notch whose tip comes a random distance
        // (1e-9 to 1/4 of the ring's width) above the long bottom edge: projecting bends that
        // edge's chord by up to ~30 m (a few cm on LSOA-sized rings), so some tips cross it in British National Grid. Every
        // one that does must have been flagged as near in lon/lat.
        let projector = crate::project::british_isles();
        let mut seed = 17;
        let (mut crossed, mut clear, mut near) = (0, 0, 0);
        for _ in 0..3000 {
            let (lon0, lat0) = (-8.0 + lcg(&mut seed) * 9.5, 50.0 + lcg(&mut seed) * 8.0);
            let w = 0.002 + lcg(&mut seed) * lcg(&mut seed) * 0.3;
            let (h, e) = (w * 0.3, w * 0.05);
            let g = w * 10f64.powf(-9.0 + 8.4 * lcg(&mut seed));
            let local = [
                (0.0, 0.0),
                (w, 0.0),
                (w, h),
                (w / 2.0 + e, h),
                (w / 2.0, g),
                (w / 2.0 - e, h),
                (0.0, h),
            ];
            let lonlat: Vec<(f64, f64)> =
                local.iter().map(|&(x, y)| (lon0 + x, lat0 + y)).collect();
            let r = ring(&lonlat);
            if has_self_intersection(&r.0) {
                continue;
            }
            let found = projection_margin(&r.0).map_or(Crossing::Near, |m| ring_crossing(&r.0, m));
            let projected: Vec<Coord<f64>> =
                r.0.iter()
                    .map(|c| {
                        let (x, y) = projector.project(c.x, c.y);
                        Coord { x, y }
                    })
                    .collect();
            if has_self_intersection(&projected) {
                crossed += 1;
                assert_eq!(found, Crossing::Near, "{lonlat:?}");
            } else if found == Crossing::Near {
                near += 1;
            } else {
                clear += 1;
            }
        }
        assert!(
            crossed > 50 && clear > 30 && near > 50,
            "{crossed} {clear} {near}"
        );
    }

    #[test]
    fn meeting_pairs_match_brute_force() {
        // A fixed linear congruential sequence: the same boxes every run.
        let mut seed = 42u64;
        let mut next =
            || (crate::test_rng::step(&mut seed) >> 33) as f64 / (1u64 << 31) as f64 * 100.0;
        let boxes: Vec<Option<Rect<f64>>> = (0..300)
            .map(|i| {
                let (x, y, w, h) = (next(), next(), next() / 10.0, next() / 10.0);
                (i % 50 != 0).then(|| Rect::new(Coord { x, y }, Coord { x: x + w, y: y + h }))
            })
            .collect();
        let mut brute = Vec::new();
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                if let (Some(a), Some(b)) = (boxes[i], boxes[j]) {
                    if a.intersects(&b) {
                        brute.push((i, j));
                    }
                }
            }
        }
        assert!(brute.len() > 100);
        assert_eq!(meeting_pairs(&boxes), brute);
    }
}
