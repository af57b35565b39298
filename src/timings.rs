//! Phase timings on standard error, for benchmarking: set `FOOTPRINT_TIMINGS=1`.
//!
//! Each phase prints one line when it ends:
//! `timing: PHASE: 0.123 s (ends at 0.456 s; rss 95 MB, peak 120 MB)`, with the time since the
//! process started, and its resident memory then and its peak so far (Linux only). Layers load in parallel,
//! so per-layer phases (parse, check, finish) overlap in time and their sum can exceed the
//! wall time. Off by default; the cost when off is one relaxed atomic load per phase.

use std::sync::OnceLock;
use std::time::Instant;

/// When the process started (as near as `main` can tell): call first thing in `main`.
pub fn mark_start() {
    let _ = started();
}

fn started() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var_os("FOOTPRINT_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// Run `f`, printing how long it took under `label` when timings are on.
pub fn time<T>(label: impl FnOnce() -> String, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    report(&label(), start);
    out
}

/// Print the time since `start` under `label` when timings are on.
pub fn report(label: &str, start: Instant) {
    if enabled() {
        let s = start.elapsed().as_secs_f64();
        use std::io::Write;
        let at = started().elapsed().as_secs_f64();
        let _ = writeln!(
            std::io::stderr(),
            "timing: {label}: {s:.3} s (ends at {at:.3} s{})",
            memory()
        );
    }
}

/// Resident memory now and at peak, from /proc (empty elsewhere).
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(now), Some(peak)) => format!("; rss {} MB, peak {} MB", now / 1024, peak / 1024),
        _ => String::new(),
    }
}
