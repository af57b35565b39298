//! Units at the coast and along rivers: outside every footprint only because two layers
//! draw the shore differently.
//!
//! Generalised layers disagree most where land meets water. An LSOA drawn out into the Thames
//! or the sea can lie mostly beyond a footprint layer clipped to the shore: on LSOA11 x STP21,
//! Tower Hamlets 030B is 18% inside East London's footprint and in no other, Tower Hamlets
//! 031F touches none at all. ONS puts every one of them in an STP. Such a unit is given a
//! home: the footprint it overlaps most (by slivers), else the nearest within the tolerance.
//!
//! A unit really beyond the footprints stays outside: one in another country, offshore, or in
//! a region the footprints do not cover (the demo's Greywater). Two tests tell them apart.
//! * **Reach**: every vertex of the unit lies in a footprint or within the tolerance of one,
//!   so what lies outside is no wider than the noise the tolerance allows. On LSOA11 x STP21
//!   (540 m) the ten shore LSOAs reach at most 422 m beyond the footprints; the Welsh LSOAs
//!   along the border 900 m to 4.6 km.
//! * **Neighbours** (the units it touches): a unit at the shore of the footprints' territory
//!   has every neighbour in a footprint or at the shore too; a unit across a border has
//!   neighbours farther in, in no footprint and not near one, or near one only through a
//!   chain that ends farther in.

use geo::{CoordsIter, Intersects, LinesIter, Point};
use rstar::primitives::{GeomWithData, Line as RLine};
use rstar::{PointDistance, RTree};

use super::overlay::Overlay;
use crate::geometry::rect_grow;
use crate::index::EnvelopeIndex;
use crate::layer::Feature;

/// A unit's home: the footprint it goes to, and its overlap there (m², slivers included; 0
/// when it overlaps none but lies within the tolerance of it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Home {
    pub footprint: usize,
    pub raw_m2: f64,
}

/// For each unit with no retained pair, its home when it lies at the shore of the
/// footprints' territory (see the module's comment); None for every other unit. At
/// tolerance 0 (raw geometry) no unit is given a home.
pub fn homes(units: &[Feature], footprints: &[Feature], overlay: &Overlay) -> Vec<Option<Home>> {
    let tolerance = overlay.tolerance_m;
    let mut home: Vec<Option<Home>> = vec![None; units.len()];
    if tolerance <= 0.0 {
        return home;
    }
    let mut kept = vec![false; units.len()];
    for p in &overlay.pairs {
        kept[p.a] = true;
    }
    let outside: Vec<usize> = (0..units.len()).filter(|&u| !kept[u]).collect();
    if outside.is_empty() {
        return home;
    }
    let mut sliver: Vec<Option<Home>> = vec![None; units.len()];
    for &(u, footprint, raw_m2) in &overlay.slivers_only {
        sliver[u] = Some(Home { footprint, raw_m2 });
    }
    let shore = Shore::new(footprints, &outside, units, tolerance);
    for u in outside {
        // Every vertex within reach, and the footprint nearest the unit (for a unit that
        // overlaps none at all).
        let Some(nearest) = shore.reach(&units[u], tolerance) else {
            continue;
        };
        home[u] = sliver[u].or(Some(Home {
            footprint: nearest,
            raw_m2: 0.0,
        }));
    }
    // Only units whose every neighbour is in a footprint or at the shore itself keep theirs,
    // until no more is lost: a chain of units near a border loses its homes from the far end.
    let candidates: Vec<usize> = (0..units.len()).filter(|&u| home[u].is_some()).collect();
    if candidates.is_empty() {
        return home;
    }
    let unit_index = EnvelopeIndex::new(units);
    let around: Vec<Vec<usize>> = candidates
        .iter()
        .map(|&u| neighbours(u, units, &unit_index).collect())
        .collect();
    loop {
        let mut lost = false;
        for (&u, around) in candidates.iter().zip(&around) {
            if home[u].is_some() && around.iter().any(|&v| !kept[v] && home[v].is_none()) {
                home[u] = None;
                lost = true;
            }
        }
        if !lost {
            break;
        }
    }
    home
}

/// The edges of the footprints near the units outside, indexed, and every footprint's box:
/// how far a unit reaches beyond them.
struct Shore<'f> {
    footprints: &'f [Feature],
    index: EnvelopeIndex,
    edges: RTree<GeomWithData<RLine<[f64; 2]>, usize>>,
}

impl<'f> Shore<'f> {
    /// Only the edges [`Shore::reach`] can find for the units `outside` are indexed: those of
    /// footprints whose boxes come within `tolerance` of one of theirs (an edge within
    /// `tolerance` of a unit's vertex lies in such a box). For LTLA21 in MSOA11 (43 councils
    /// outside, in Wales), the edges of 29 of the 7,201 MSOAs: 1,490 of 106,151.
    fn new(
        footprints: &'f [Feature],
        outside: &[usize],
        units: &[Feature],
        tolerance: f64,
    ) -> Shore<'f> {
        let index = EnvelopeIndex::new(footprints);
        // Widened a little more than the tolerance: a box's corners are rounded.
        let margin = tolerance * (1.0 + 1e-9) + 1e-6;
        let mut near = vec![false; footprints.len()];
        for &u in outside {
            for j in index.query(&rect_grow(&units[u].bbox, margin)) {
                near[j] = true;
            }
        }
        let edges = footprints
            .iter()
            .enumerate()
            .filter(|&(j, _)| near[j])
            .flat_map(|(j, f)| {
                f.geometry
                    .lines_iter()
                    .map(move |l| GeomWithData::new(RLine::new(l.start.into(), l.end.into()), j))
            })
            .collect();
        Shore {
            footprints,
            index,
            edges: RTree::bulk_load(edges),
        }
    }

    /// When every vertex of `unit` lies in a footprint or within `tolerance` metres of one's
    /// edge, the footprint whose edge comes nearest; else None.
    fn reach(&self, unit: &Feature, tolerance: f64) -> Option<usize> {
        let mut nearest: Option<(f64, usize)> = None;
        for c in unit.geometry.coords_iter() {
            let at = [c.x, c.y];
            let close = self
                .edges
                .locate_within_distance(at, tolerance * tolerance)
                .map(|e| (e.geom().distance_2(&at), e.data))
                .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            match close {
                Some(d) => {
                    if nearest.is_none_or(|n| d.0 < n.0) {
                        nearest = Some(d);
                    }
                }
                None => {
                    let p = Point::from(c);
                    let inside = self
                        .index
                        .at_point(c.x, c.y)
                        .any(|j| self.footprints[j].geometry.intersects(&p));
                    if !inside {
                        return None;
                    }
                }
            }
        }
        nearest.map(|(_, j)| j)
    }
}

/// The units that touch unit `u`.
fn neighbours<'a>(
    u: usize,
    units: &'a [Feature],
    index: &'a EnvelopeIndex,
) -> impl Iterator<Item = usize> + 'a {
    index
        .query(&units[u].bbox)
        .filter(move |&v| v != u && units[v].geometry.intersects(&units[u].geometry))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{km_layer, KM};
    use crate::analysis::overlay::overlay;

    /// Footprint F covers x 0..10 km and G 11..20; the river between (x 10..11) belongs to
    /// neither. Units: A in F, B in G, S and T in the river, W1 to W3 beyond F's west edge, Gw
    /// beyond G's east edge.
    #[test]
    fn a_unit_in_the_river_goes_home_and_one_across_the_border_does_not() {
        let footprints = km_layer(&[
            ("F", [0.0, 0.0, 10.0, 10.0]),
            ("G", [11.0, 0.0, 20.0, 10.0]),
        ]);
        let units = km_layer(&[
            ("A", [0.0, 0.0, 9.9, 10.0]),
            // In the river, 100 m of it in F: a sliver at a 300 m tolerance.
            ("S", [9.9, 0.0, 11.0, 5.0]),
            // In the river, touching neither footprint: 250 m from F, 150 m from G.
            ("T", [10.25, 5.0, 10.85, 10.0]),
            ("B", [11.0, 0.0, 20.0, 10.0]),
            // Across the border: W1 overlaps F by a sliver, W2 is 200 m from F, W3 beyond.
            ("W1", [-0.2, 0.0, 0.05, 10.0]),
            ("W2", [-1.0, 0.0, -0.2, 10.0]),
            ("W3", [-5.0, 0.0, -1.0, 10.0]),
            // A council the footprints leave out: a sliver in G, 5 km beyond it.
            ("Gw", [19.95, 0.0, 25.0, 10.0]),
        ]);
        let o = overlay(&units, &footprints, 300.0, false);
        let h = homes(&units, &footprints, &o);
        let code = |u: usize| h[u].map(|h| footprints[h.footprint].code.as_str());
        assert_eq!(code(0), None, "A is in F: no home needed");
        assert_eq!(code(1), Some("F"), "S overlaps F by a sliver");
        assert!(h[1].unwrap().raw_m2 > 0.09 * KM * KM);
        assert_eq!(
            code(2),
            Some("G"),
            "T is nearer G, and its neighbour S is at the shore"
        );
        assert_eq!(h[2].unwrap().raw_m2, 0.0);
        assert_eq!(
            code(5),
            None,
            "W2's neighbour W3 is in no footprint, nor near one"
        );
        assert_eq!(code(4), None, "W1 is near F only through W2");
        assert_eq!(code(6), None);
        assert_eq!(
            code(7),
            None,
            "Gw reaches 5 km beyond G: a gap, not a shore"
        );
        // Raw geometry: no homes.
        let raw = overlay(&units, &footprints, 0.0, false);
        assert!(homes(&units, &footprints, &raw).iter().all(Option::is_none));
    }

    #[test]
    fn only_the_edges_of_footprints_near_a_unit_outside_are_indexed() {
        // T lies in the river between F and G (250 m and 150 m away); H is 80 km off.
        let footprints = km_layer(&[
            ("F", [0.0, 0.0, 10.0, 10.0]),
            ("G", [11.0, 0.0, 20.0, 10.0]),
            ("H", [100.0, 0.0, 110.0, 10.0]),
        ]);
        let units = km_layer(&[
            ("A", [0.0, 0.0, 9.9, 10.0]),
            ("T", [10.25, 5.0, 10.85, 10.0]),
            ("Hu", [100.0, 0.0, 110.0, 10.0]),
        ]);
        let shore = Shore::new(&footprints, &[1], &units, 300.0);
        // F's four edges and G's; none of H's.
        assert_eq!(shore.edges.size(), 8);
        assert!(shore.edges.iter().all(|e| e.data != 2));
        // At 200 m G's box (150 m off) is within reach of T's, F's (250 m off) is not.
        assert_eq!(Shore::new(&footprints, &[1], &units, 200.0).edges.size(), 4);
        let o = overlay(&units, &footprints, 300.0, false);
        let h = homes(&units, &footprints, &o);
        assert_eq!(
            h[1].map(|h| footprints[h.footprint].code.as_str()),
            Some("G")
        );
    }
}
