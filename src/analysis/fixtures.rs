//! Literal geometry for the analyses' unit tests: features from polygons, rectangles.

use geo::{coord, BoundingRect, MultiPolygon, Polygon, Rect};

use crate::geometry;
use crate::layer::Feature;

/// A feature at position `index` with one polygon, its true area and box filled in.
pub fn feature_at(index: usize, code: &str, p: Polygon<f64>) -> Feature {
    let geometry = MultiPolygon(vec![p]);
    Feature {
        index,
        code: code.into(),
        name: String::new(),
        area_m2: geometry::multi_true_area_m2(&geometry),
        bbox: geometry.bounding_rect().unwrap(),
        geometry,
        defects: vec![],
    }
}

/// [`feature_at`] position 0.
pub fn feature(code: &str, p: Polygon<f64>) -> Feature {
    feature_at(0, code, p)
}

/// An axis-aligned rectangle in grid metres.
pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 }).to_polygon()
}

/// Where the km layers of [`km_layer`] start: a place in England, in grid metres.
pub const X: f64 = 400_000.0;
pub const Y: f64 = 300_000.0;
pub const KM: f64 = 1000.0;

/// Features at positions 0, 1, ... from (code, rectangle in km from (X, Y)), each named
/// "CODE name".
pub fn km_layer(rects: &[(&str, [f64; 4])]) -> Vec<Feature> {
    rects
        .iter()
        .enumerate()
        .map(|(i, (code, [x0, y0, x1, y1]))| {
            let mut f = feature_at(
                i,
                code,
                rect(X + x0 * KM, Y + y0 * KM, X + x1 * KM, Y + y1 * KM),
            );
            f.name = format!("{code} name");
            f
        })
        .collect()
}
