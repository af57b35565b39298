//! The pieces of an overlay as a polygon layer (GeoJSON or GeoPackage): one polygon per
//! piece, with its pair.

use anyhow::Result;
use serde_json::json;

use super::geojson_out::Written;
use super::polygon_out::PolygonOutput;
use super::round6;
use crate::analysis::overlay::Overlay;
use crate::layer::Feature;
use crate::output::Staged;

/// Write every kept piece of `overlay` (of layers `a` and `b`) to `out`, staged; what
/// rounding to the written grid removed or dropped is counted in the [`Written`] (labels
/// `A_CODE x B_CODE`).
pub fn stage(
    out: &PolygonOutput,
    a: &[Feature],
    b: &[Feature],
    overlay: &Overlay,
) -> Result<(Staged, Written)> {
    let features = overlay
        .pairs
        .iter()
        .flat_map(|p| p.pieces.iter().map(move |piece| (p, piece)))
        .map(|(p, piece)| {
            let (fa, fb) = (&a[p.a], &b[p.b]);
            let props = json!({
                "a_code": fa.code, "a_name": fa.name, "b_code": fb.code, "b_name": fb.name,
                "area_km2": round6(piece.area_m2 / 1e6),
                "width_m": (piece.width_m * 10.0).round() / 10.0,
                "retained_by": p.retained_by.as_str(),
            });
            let props = props.as_object().cloned().unwrap_or_default();
            let label = format!("{} x {}", fa.code, fb.code);
            (label, props, std::slice::from_ref(&piece.polygon))
        });
    out.stage(features, true)
}
