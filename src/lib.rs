//! footprint: boundary analysis for English health and local-government planning.
//!
//! The pipeline: [`layer::load`] reads GeoJSON (WGS84 lon/lat or British National Grid),
//! projects every vertex to British National Grid metres ([`project`]), orients rings, flags
//! defects and detects the code and name fields. Analyses work on that plane; areas are true
//! areas on the ground ([`geometry::true_area_m2`]), reported in km².

pub mod analysis;
pub mod check;
pub mod diag;
pub mod error;
pub mod geometry;
pub mod index;
pub mod input;
pub mod layer;
pub mod output;
pub mod progress;
pub mod project;
pub mod report;
#[cfg(test)]
pub(crate) mod test_rng;
pub mod timings;

/// Called by the `footprint` binary, which exits right after a command: from then on
/// [`dispose`] leaves large structures for the operating system to reclaim at exit instead of
/// freeing them one by one (about 40 ms for LSOA11 densified x16: 70,000 buffers). Library
/// callers never call this, so nothing leaks for them.
pub fn leave_memory_to_exit() {
    LEAVE_TO_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

static LEAVE_TO_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Drop `value`, or in the binary leave it to the process's exit (see
/// [`leave_memory_to_exit`]).
pub fn dispose<T>(value: T) {
    if LEAVE_TO_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}
