//! Any bytes as a `--weights` CSV file: points with finite, non-negative weights in range, or
//! an error naming the file; never a panic.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use footprint::input::weights;
use libfuzzer_sys::fuzz_target;

/// One scratch file per fuzzing process (the weights reader takes a path).
fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("footprint-fuzz-weights-{}.csv", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    std::fs::write(path, data).expect("the scratch file can be written");
    // Both the default column (optional) and a named one (required).
    for column in ["population", "count"] {
        match weights::load(path, column) {
            Ok(points) => {
                assert_eq!(points.xy.len(), points.weight.len());
                assert!(!points.xy.is_empty());
                for (p, w) in points.xy.iter().zip(&points.weight) {
                    assert!(p[0].is_finite() && p[1].is_finite(), "point {p:?}");
                    assert!(w.is_finite() && *w >= 0.0, "weight {w}");
                }
            }
            Err(e) => {
                let message = format!("{e:#}");
                assert!(message.contains(&path.display().to_string()), "{message}");
            }
        }
    }
});
