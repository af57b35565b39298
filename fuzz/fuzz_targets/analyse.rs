//! Any bytes as a layer, analysed against itself: whatever loads must overlay, validate and
//! analyse without panicking (invalid polygons are analysed as they are), with finite results;
//! no pair may fail in the geometry kernel (a contained panic is a finding too: the cleaning
//! on load should leave the kernel nothing it fails on); and the pieces of a valid layer must
//! be valid as written (7 decimals). This is the long run of the seeded test
//! `analysis::fuzz_tests` in `cargo test`.
#![no_main]

use std::path::Path;

use footprint::analysis::overlay::overlay;
use footprint::analysis::tolerance::suggested_m;
use footprint::analysis::{coterminosity, overlaps, spanning, validate, Context, LayerSummary};
use footprint::report::geojson_out;
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
        assert!(result.failed.is_empty(), "kernel failed: {:?}", result.failed);
        for p in &result.pairs {
            assert!(p.area_m2.is_finite() && p.raw_m2.is_finite(), "pair area");
            assert!(p.area_m2 >= 0.0, "negative area");
            if layer.invalid_count() == 0 {
                for piece in &p.pieces {
                    let g = geojson_out::grid(std::slice::from_ref(&piece.polygon));
                    assert!(g.valid, "piece invalid as written");
                }
            }
        }
        let findings = validate::check(&layer, None, tolerance_m).expect("validate");
        for x in &findings {
            assert!(x.area_km2.is_none_or(|a| a.is_finite() && a >= 0.0), "finding area");
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
            weights_outside: Vec::new(),
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
