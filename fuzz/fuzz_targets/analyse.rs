//! Any bytes as a layer, analysed against itself: whatever loads must overlay and analyse
//! without panicking (invalid polygons are analysed as they are), with finite results.
#![no_main]

use std::path::Path;

use footprint::analysis::overlay::overlay;
use footprint::analysis::tolerance::suggested_m;
use footprint::analysis::{coterminosity, overlaps, spanning, Context, LayerSummary};
use footprint::layer::{load_bytes, LoadOptions};
use libfuzzer_sys::fuzz_target;

/// Keep each run short: the boolean operations grow with the vertex count.
const MAX_VERTICES: usize = 2_000;

fuzz_target!(|data: &[u8]| {
    let Ok(layer) = load_bytes(Path::new("fuzz.geojson"), data, &LoadOptions::default()) else {
        return;
    };
    if layer.resolution.vertices > MAX_VERTICES || layer.features.len() > 50 {
        return;
    }
    let f = &layer.features;
    for tolerance_m in [0.0, suggested_m(&layer.resolution)] {
        let result = overlay(f, f, tolerance_m, true);
        for p in &result.pairs {
            assert!(p.area_m2.is_finite() && p.raw_m2.is_finite(), "pair area");
        }
        let context = Context {
            layers: vec![
                LayerSummary::new("a", &layer),
                LayerSummary::new("b", &layer),
            ],
            tolerance_m,
            tolerance_source: "fuzz".into(),
            weights_file: None,
            weight_column: None,
            noise_pairs_dropped: result.dropped.pairs,
            noise_km2_dropped: result.dropped.area_m2 / 1e6,
            warnings: Vec::new(),
        };
        let rows = overlaps::rows(f, f, &result, None);
        let cot = coterminosity::analyse(f, f, &result, None, context.clone());
        let span = spanning::analyse(f, f, &result, None, 0.05, context);
        serde_json::to_string(&rows).expect("overlap rows serialise");
        serde_json::to_string(&cot).expect("coterminosity report serialises");
        serde_json::to_string(&span).expect("spanning report serialises");
    }
});
