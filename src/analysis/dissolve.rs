//! Dissolving units into footprints: one clean MultiPolygon per footprint.
//!
//! The union of a footprint's units is one boolean operation (geo's `unary_union`). Where the
//! units' boundaries do not quite meet, the union keeps thin holes along the seams; a hole
//! narrower than the tolerance (mean width 2A/P) that no other unit fills is such a seam and
//! is filled. Holes that other units fill (enclaves) and wide holes are kept.

use geo::{BooleanOps, BoundingRect, MultiPolygon, Polygon};
use rayon::prelude::*;

use crate::geometry;
use crate::geometry::kernel::{contained, KernelPanic};
use crate::index::EnvelopeIndex;
use crate::layer::Feature;

#[derive(Debug, Clone)]
pub struct Dissolved {
    pub geometry: MultiPolygon<f64>,
    pub area_m2: f64,
    /// Seam holes filled.
    pub seams_filled: usize,
    pub seams_m2: f64,
}

/// Dissolve each group of units (positions in `units`); or, when the geometry kernel fails on
/// a group (a contained panic), the position of the first such group and the error.
pub fn dissolve(
    units: &[Feature],
    groups: &[Vec<usize>],
    tolerance_m: f64,
) -> Result<Vec<Dissolved>, (usize, KernelPanic)> {
    let index = EnvelopeIndex::new(units);
    groups
        .par_iter()
        .enumerate()
        .map(|(g, members)| {
            contained(|| dissolve_one(units, members, &index, tolerance_m)).map_err(|e| (g, e))
        })
        .collect()
}

/// One group's union, its seams filled.
fn dissolve_one(
    units: &[Feature],
    members: &[usize],
    index: &EnvelopeIndex,
    tolerance_m: f64,
) -> Dissolved {
    let union = geo::unary_union(members.iter().flat_map(|&i| units[i].geometry.0.iter()));
    let mut seams_filled = 0;
    let mut seams_m2 = 0.0;
    let polygons = union
        .0
        .into_iter()
        .map(|p| {
            let (exterior, interiors) = p.into_inner();
            let mut kept = Vec::with_capacity(interiors.len());
            for ring in interiors {
                let hole = Polygon::new(ring.clone(), vec![]);
                let area = geometry::true_area_m2(&hole);
                let seam = geometry::mean_width_m(&hole) < tolerance_m
                    && filled_by_others(&hole, members, units, index) < 0.5 * area;
                if seam {
                    seams_filled += 1;
                    seams_m2 += area;
                } else {
                    kept.push(ring);
                }
            }
            Polygon::new(exterior, kept)
        })
        .collect();
    let geometry = MultiPolygon(polygons);
    Dissolved {
        area_m2: geometry::multi_true_area_m2(&geometry),
        geometry,
        seams_filled,
        seams_m2,
    }
}

/// Area of a hole covered by units outside the group, m².
fn filled_by_others(
    hole: &Polygon<f64>,
    members: &[usize],
    units: &[Feature],
    index: &EnvelopeIndex,
) -> f64 {
    let Some(b) = hole.bounding_rect() else {
        return 0.0;
    };
    let hole = MultiPolygon(vec![hole.clone()]);
    index
        .query(&b)
        .filter(|i| !members.contains(i))
        .map(|i| geometry::multi_true_area_m2(&hole.intersection(&units[i].geometry)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{feature, rect};

    const X: f64 = 400_000.0;
    const Y: f64 = 300_000.0;
    const KM: f64 = 1000.0;

    #[test]
    fn touching_units_dissolve_into_one_polygon() {
        let units = vec![
            feature("A", rect(X, Y, X + KM, Y + KM)),
            feature("B", rect(X + KM, Y, X + 2.0 * KM, Y + KM)),
        ];
        let d = dissolve(&units, &[vec![0, 1]], 100.0).unwrap();
        assert_eq!(d[0].geometry.0.len(), 1);
        assert_eq!(
            d[0].geometry.0[0].exterior().0.len(),
            5,
            "no seam vertices left"
        );
        assert!((d[0].area_m2 - units[0].area_m2 - units[1].area_m2).abs() < 1.0);
    }

    #[test]
    fn a_thin_seam_hole_is_filled_but_an_enclave_is_kept() {
        // A ring of four units around a centre; the left unit stops 10 m short of the centre
        // column, leaving a thin hole between it and the others.
        let ring = vec![
            feature("S", rect(X, Y, X + 3.0 * KM, Y + KM)),
            feature("N", rect(X, Y + 2.0 * KM, X + 3.0 * KM, Y + 3.0 * KM)),
            feature("W", rect(X, Y + KM, X + KM - 10.0, Y + 2.0 * KM)),
            feature("E", rect(X + 2.0 * KM, Y + KM, X + 3.0 * KM, Y + 2.0 * KM)),
            feature("C", rect(X + KM, Y + KM, X + 2.0 * KM, Y + 2.0 * KM)),
        ];
        // Footprint 1 is the ring; the centre C belongs to footprint 2 (an enclave).
        let d = dissolve(&ring, &[vec![0, 1, 2, 3], vec![4]], 100.0).unwrap();
        // The hole left is the centre plus the 10 m seam: mostly filled by C, so kept.
        assert_eq!(d[0].geometry.0[0].interiors().len(), 1);
        assert_eq!(d[0].seams_filled, 0);
        // Without C the hole is wide (1 km): kept too, it is a real gap.
        let d = dissolve(&ring[..4], &[vec![0, 1, 2, 3]], 100.0).unwrap();
        assert_eq!(d[0].geometry.0[0].interiors().len(), 1);
        // With C in the same footprint only the seam is left, 10 m wide: filled.
        let d = dissolve(&ring, &[vec![0, 1, 2, 3, 4]], 100.0).unwrap();
        assert!(d[0].geometry.0[0].interiors().is_empty());
        assert_eq!(d[0].seams_filled, 1);
        assert!((d[0].seams_m2 - 10_000.0).abs() < 50.0, "{}", d[0].seams_m2);
    }
}
