//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn demo(file: &str) -> String {
    repo().join("data/demo").join(file).display().to_string()
}

/// The real ONS data beside the checkout, or None (with the reason printed) when absent.
pub fn england() -> Option<PathBuf> {
    let dir = repo().join("../shared/data/england");
    if dir.join("stp21.geojson").exists() {
        Some(dir)
    } else {
        // CI must run the real-data tests, not skip them (as it must the browser test).
        if std::env::var_os("FOOTPRINT_REQUIRE_SHARED").is_some_and(|v| v == "1") {
            panic!(
                "FOOTPRINT_REQUIRE_SHARED=1 but the real ONS boundaries are not at {}",
                dir.display()
            );
        }
        // Written straight to stderr (not eprintln!, which the test harness captures), so the
        // reason shows in a normal `cargo test` run.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: real ONS boundaries not found at {} (they live beside the checkout, not in it)",
            dir.display()
        );
        None
    }
}

pub fn footprint() -> Command {
    Command::cargo_bin("footprint").expect("binary built")
}

/// Run and parse JSON standard output; panics with stderr on failure.
pub fn json(args: &[&str]) -> Value {
    let out = footprint().args(args).output().expect("runs");
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "footprint {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}
