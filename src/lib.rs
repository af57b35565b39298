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
pub mod gss;
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

/// Set up rayon's global pool for the binary. When `ulimit -u` is low enough to matter and
/// the process may start no threads, everything runs on the current thread instead of
/// panicking at the first parallel step; an error only when not even that can be set up.
/// (A high `ulimit -u` is not probed, and neither is a container's pids limit: there the pool
/// starts lazily as before, and a failure to start it would still panic.)
///
/// A failed `build_global` cannot be retried (rayon then never sets a global pool, and the
/// first parallel step panics), so as many plain threads as the pool will have are started
/// and joined first (much cheaper than a trial pool). Should the pool still fail (a limit
/// reached in between: a joined thread may count against the limit a moment longer, and
/// waiting for it cost 8 ms a run), that is the error, and the command exits 2.
pub fn start_thread_pool() -> Result<(), rayon::ThreadPoolBuildError> {
    // rayon's own default: RAYON_NUM_THREADS, else one thread per CPU.
    let n = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1);
    if !few_threads_allowed(n) {
        // No probe, and the pool left to rayon to start when first needed, as before: the
        // probe waits for its threads to be scheduled, and a pool built here has idle workers
        // taking CPU from the reader; each cost a small command a few ms on a busy machine.
        return Ok(());
    }
    // The probes wait at a gate until all are started, so that they prove `n` threads can
    // live at once, as the pool's will (a probe that ended at once let the next start, and
    // the pool then failed on a limit of 2).
    let gate = std::sync::Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
    let probes: Vec<_> = (0..n)
        .map(|_| {
            let gate = gate.clone();
            std::thread::Builder::new().spawn(move || {
                let (open, opened) = &*gate;
                let mut open = open.lock().unwrap_or_else(|e| e.into_inner());
                while !*open {
                    open = opened.wait(open).unwrap_or_else(|e| e.into_inner());
                }
            })
        })
        .collect();
    {
        let (open, opened) = &*gate;
        *open.lock().unwrap_or_else(|e| e.into_inner()) = true;
        opened.notify_all();
    }
    let mut started = true;
    for p in probes {
        match p {
            Ok(handle) => started &= handle.join().is_ok(),
            Err(_) => started = false,
        }
    }
    if started {
        // Built now, so that a failure is an error, not a panic at the first parallel step.
        // (A failed build cannot be retried on one thread: rayon sets its pool once.)
        return rayon::ThreadPoolBuilder::new().build_global();
    }
    ONE_THREAD.store(true, std::sync::atomic::Ordering::Relaxed);
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global()
}

/// True when `ulimit -u` (RLIMIT_NPROC) is low enough to be in reach: under 4096, or under
/// 64 threads a CPU. Above, threads fail to start only on a machine out of memory or PIDs.
fn few_threads_allowed(threads: usize) -> bool {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes the struct it is given, nothing else.
        if unsafe { libc::getrlimit(libc::RLIMIT_NPROC, &mut limit) } != 0 {
            return true;
        }
        limit.rlim_cur != libc::RLIM_INFINITY
            && limit.rlim_cur < 4096.max(64 * threads as libc::rlim_t)
    }
    #[cfg(not(unix))]
    {
        let _ = threads;
        false
    }
}

/// True when [`start_thread_pool`] could start no worker threads: the current thread is
/// rayon's only worker, so no other thread may wait on it (layers load one after the other,
/// the checker runs after the reader).
pub fn one_thread() -> bool {
    ONE_THREAD.load(std::sync::atomic::Ordering::Relaxed)
}

static ONE_THREAD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

static LEAVE_TO_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `first()` on a thread of its own while `second()` runs on this one; both on this one, in
/// turn, when no thread may or can be started ([`one_thread`]).
pub fn alongside<A: Send, B>(
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B,
) -> (A, B) {
    if one_thread() {
        return (first(), second());
    }
    // Taken by the thread, or by this one when the thread cannot be started.
    let first = std::sync::Mutex::new(Some(first));
    let run = || {
        let f = first.lock().unwrap_or_else(|e| e.into_inner()).take();
        f.map(|f| f())
    };
    std::thread::scope(|s| {
        let thread = std::thread::Builder::new().spawn_scoped(s, run).ok();
        let here = if thread.is_none() { run() } else { None };
        let b = second();
        let a = match thread {
            Some(t) => t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            None => here,
        };
        match a {
            Some(a) => (a, b),
            None => unreachable!("`first` is run once, by the thread or by this one"),
        }
    })
}

/// Do `work` while `garbage` is freed on another thread: what is no longer needed (a layer's
/// polygons once the report holds its rows) does not add to the memory `work` needs. When no
/// thread can be started, `garbage` is freed first.
pub fn freeing<T: Send, R>(garbage: T, work: impl FnOnce() -> R) -> R {
    alongside(move || drop(garbage), work).1
}

/// Drop `value`, or in the binary leave it to the process's exit (see
/// [`leave_memory_to_exit`]).
pub fn dispose<T>(value: T) {
    if LEAVE_TO_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}
