//! Any bytes through the layer loader: it must return a layer or an error, never panic, and
//! account for every feature it read.
#![no_main]

use std::path::Path;

use footprint::analysis::tolerance::suggested_m;
use footprint::analysis::LayerSummary;
use footprint::layer::{load_bytes, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match load_bytes(Path::new("fuzz.geojson"), data, &LoadOptions::default()) {
        Ok(layer) => {
            assert_eq!(
                layer.features.len() + layer.skipped.len(),
                layer.input_count,
                "a feature was neither loaded nor skipped"
            );
            // What the commands print about a layer must not panic either.
            let summary = LayerSummary::new("layer", &layer);
            assert_eq!(
                summary.analysed_count + summary.skipped_count,
                summary.feature_count
            );
            let _ = layer.bbox();
            let _ = layer.invalid_count();
            let _ = suggested_m(&layer.resolution);
            for f in &layer.features {
                assert!(
                    f.area_m2.is_finite(),
                    "feature #{} has area {}",
                    f.index,
                    f.area_m2
                );
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(message.starts_with("fuzz.geojson: "), "{message}");
        }
    }
});
