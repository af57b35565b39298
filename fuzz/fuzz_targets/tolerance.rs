//! Any text as `--tolerance`: auto, or a finite distance of at least 0 m; never a panic.
#![no_main]

use footprint::analysis::tolerance::ToleranceArg;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match text.parse::<ToleranceArg>() {
        Ok(ToleranceArg::Auto) => assert_eq!(text.trim().to_ascii_lowercase(), "auto"),
        Ok(ToleranceArg::Metres(m)) => {
            assert!(m.is_finite() && m >= 0.0, "{text:?} gave {m} m")
        }
        Err(message) => assert!(message.contains("tolerance"), "{message}"),
    }
});
