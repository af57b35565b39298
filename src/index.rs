//! R-trees over feature envelopes, and candidate pairs between two layers.

use geo::Rect;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::layer::Feature;

pub type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// A bulk-loaded R-tree of feature envelopes; the data is the feature's position in its slice.
pub struct EnvelopeIndex {
    tree: RTree<Entry>,
}

fn rect_aabb(r: &Rect<f64>) -> AABB<[f64; 2]> {
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

impl EnvelopeIndex {
    pub fn new(features: &[Feature]) -> EnvelopeIndex {
        let entries = features
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let b = rect_aabb(&f.bbox);
                GeomWithData::new(Rectangle::from_corners(b.lower(), b.upper()), i)
            })
            .collect();
        EnvelopeIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Features whose envelope meets `rect`.
    pub fn query(&self, rect: &Rect<f64>) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .locate_in_envelope_intersecting(&rect_aabb(rect))
            .map(|e| e.data)
    }

    /// Features whose envelope contains the point.
    pub fn at_point(&self, x: f64, y: f64) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([x, y]))
            .map(|e| e.data)
    }
}

/// All (i, j) with intersecting envelopes, i indexing `a` and j indexing `b`, sorted.
pub fn candidate_pairs(a: &[Feature], b: &[Feature]) -> Vec<(usize, usize)> {
    let ta = EnvelopeIndex::new(a);
    let tb = EnvelopeIndex::new(b);
    let mut pairs: Vec<(usize, usize)> = ta
        .tree
        .intersection_candidates_with_other_tree(&tb.tree)
        .map(|(x, y)| (x.data, y.data))
        .collect();
    pairs.sort_unstable();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, MultiPolygon};

    fn feature(i: usize, x0: f64, y0: f64, w: f64, h: f64) -> Feature {
        let bbox = Rect::new(coord! { x: x0, y: y0 }, coord! { x: x0 + w, y: y0 + h });
        Feature {
            index: i,
            code: i.to_string(),
            name: String::new(),
            geometry: MultiPolygon(vec![bbox.to_polygon()]),
            area_m2: w * h,
            bbox,
            defects: vec![],
        }
    }

    use crate::test_rng::unit as lcg;

    #[test]
    fn tree_join_equals_brute_force() {
        let mut seed = 42;
        let mut make = |n: usize| -> Vec<Feature> {
            (0..n)
                .map(|i| {
                    let (x, y) = (lcg(&mut seed) * 1000.0, lcg(&mut seed) * 1000.0);
                    let (w, h) = (lcg(&mut seed) * 80.0, lcg(&mut seed) * 80.0);
                    feature(i, x, y, w, h)
                })
                .collect()
        };
        let a = make(300);
        let b = make(200);
        let got = candidate_pairs(&a, &b);
        let mut want = Vec::new();
        for (i, fa) in a.iter().enumerate() {
            for (j, fb) in b.iter().enumerate() {
                use geo::Intersects;
                if fa.bbox.intersects(&fb.bbox) {
                    want.push((i, j));
                }
            }
        }
        assert_eq!(got, want);
        assert!(!want.is_empty());
    }
}
