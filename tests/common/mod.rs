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

/// `footprint` run from the crate root, so that relative paths such as
/// `data/demo/councils.geojson` are given, and shown in its output, as they are: stable
/// wherever the checkout lives.
pub fn footprint_in_repo() -> Command {
    let mut c = footprint();
    c.current_dir(repo());
    c
}

/// A demo file's path relative to the crate root, for [`footprint_in_repo`].
pub fn demo_rel(file: &str) -> String {
    format!("data/demo/{file}")
}

/// Run `check` on every case, and fail at the end naming every case that failed (each one's
/// own message is printed as it fails), rather than stopping at the first.
pub fn each<T>(cases: &[T], name: impl Fn(&T) -> String, check: impl Fn(&T)) {
    let failed: Vec<String> = cases
        .iter()
        .filter(|c| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(c))).is_err())
        .map(&name)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} cases failed: {}",
        failed.len(),
        cases.len(),
        failed.join(", ")
    );
}

/// Assert that the command exited with `code`, showing its standard error when it did not.
pub fn exits(out: &std::process::Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
