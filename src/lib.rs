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

/// Set up rayon's global pool for the binary. When the process may not start threads
/// (`ulimit -u`, a container's pids limit), everything runs on the current thread instead of
/// panicking at the first parallel step; an error only when not even that can be set up.
///
/// A failed `build_global` cannot be retried (rayon then never sets a global pool, and the
/// first parallel step panics), so as many plain threads as the pool will have are started
/// and joined first (much cheaper than a trial pool). Should the pool still fail (a limit
/// reached in between), that is the error.
pub fn start_thread_pool() -> Result<(), rayon::ThreadPoolBuildError> {
    // rayon's own default: RAYON_NUM_THREADS, else one thread per CPU.
    let n = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1);
    let before = threads_now();
    let probes: Vec<_> = (0..n)
        .map(|_| std::thread::Builder::new().spawn(|| {}))
        .collect();
    let mut started = true;
    for p in probes {
        match p {
            Ok(handle) => started &= handle.join().is_ok(),
            Err(_) => started = false,
        }
    }
    // A joined thread still counts against the limit for a moment (until the kernel releases
    // it, which on a busy machine may wait for a CPU): wait, a little, until the process is
    // back to its thread count. Usually it already is.
    if let Some(before) = before {
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
        while threads_now().is_some_and(|t| t > before) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_micros(50));
        }
    }
    if started {
        return rayon::ThreadPoolBuilder::new().build_global();
    }
    ONE_THREAD.store(true, std::sync::atomic::Ordering::Relaxed);
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global()
}

/// The number of threads of this process, where the system says (Linux).
fn threads_now() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Threads:"))?;
    line["Threads:".len()..].trim().parse().ok()
}

/// True when [`start_thread_pool`] could start no worker threads: the current thread is
/// rayon's only worker, so no other thread may wait on it (layers load one after the other,
/// the checker runs after the reader).
pub fn one_thread() -> bool {
    ONE_THREAD.load(std::sync::atomic::Ordering::Relaxed)
}

static ONE_THREAD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

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
