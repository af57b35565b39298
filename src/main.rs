use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;

use cli::Cli;
use commands::Outcome;
use footprint::output::{self, Output};

/// Two allocators, by block size ([`Segregated`]): mimalloc for small blocks, the C library's
/// malloc for large ones. mimalloc, not glibc's malloc, for the readers' many small blocks on
/// several threads at once, where glibc's arenas either contend (capped) or each keep their own
/// high-water mark: overlaps LSOA11 x CCG21 `-t 0` took 0.28-0.33 s and 59 MB against glibc's
/// 0.41-0.55 s and 61 MB capped at two arenas; reading LSOA11 from a GeoPackage 0.15-0.22 s
/// against 0.23-0.26 s. But mimalloc rounds a block up to its size class, and for the
/// coordinates of rings (1-64 KB each) that wasted 13.5 MB (14%) of LSOA11 x16's 94.7 MB; the
/// C library's malloc adds 8 bytes. With large blocks there, overlaps LSOA11 x16 x CCG21 `-t 0`
/// peaks at 138 MB instead of 153 MB, and validate LSOA11 x16 at 155 MB instead of 173 MB in
/// 0.2 s of system time instead of 0.66 s (mimalloc handed each freed ring back at once). See
/// [`tune_allocator`] for mimalloc's settings.
#[global_allocator]
static GLOBAL: Segregated = Segregated;

/// Blocks of at least this many bytes come from the C library's malloc, smaller ones from
/// mimalloc.
const LARGE_BYTES: usize = 1024;

/// mimalloc for small blocks, the C library's malloc for large ones. A block's layout says
/// which it is, so it is always freed by the allocator it came from.
struct Segregated;

/// Whether a block goes to the C library's malloc: large, and aligned no more than malloc
/// always aligns (8 bytes, on every platform Rust supports with a 64-bit or 32-bit `double`).
fn large(layout: std::alloc::Layout) -> bool {
    layout.size() >= LARGE_BYTES && layout.align() <= 8
}

// SAFETY: every block is freed and reallocated by the allocator it came from, as its layout
// (the same at every call, as GlobalAlloc requires) says; malloc's blocks are aligned to at
// least 8 bytes, and only layouts that need no more go to it.
unsafe impl std::alloc::GlobalAlloc for Segregated {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if large(layout) {
            unsafe { libc::malloc(layout.size()) as *mut u8 }
        } else {
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if large(layout) {
            unsafe { libc::calloc(1, layout.size()) as *mut u8 }
        } else {
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if large(layout) {
            unsafe { libc::free(ptr as *mut libc::c_void) }
        } else {
            unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees that new_size, at this alignment, is a valid layout.
        let new =
            unsafe { std::alloc::Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (large(layout), large(new)) {
            (true, true) => unsafe { libc::realloc(ptr as *mut libc::c_void, new_size) as *mut u8 },
            (false, false) => unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) },
            // From one allocator to the other: copied, and the old block freed where it came
            // from (on failure the old block is left as it was, as realloc must).
            _ => unsafe {
                let moved = self.alloc(new);
                if !moved.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                moved
            },
        }
    }
}

/// mimalloc's options, set before the first allocation (environment variables `MIMALLOC_...`
/// still win). Freed memory goes back to the system at once (`purge_delay` 0, not 1 s), and
/// arenas are committed as they are used, not whole (`arena_eager_commit` 0): with mimalloc's
/// defaults, overlaps LSOA11 x CCG21 peaked at 107-115 MB, with these at 59 MB. The first
/// arena is made at the first allocation, before `main` (Rust's runtime allocates), so on
/// Linux this runs from `.init_array`, as a C constructor does; elsewhere from `main`, where
/// only the purge delay still takes effect. The option numbers are those of mimalloc 3's
/// `mi_option_e` (libmimalloc-sys 0.1.49 names only some of them).
extern "C" fn tune_allocator() {
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    for (option, env, value) in [
        (ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT", 0),
        (PURGE_DELAY, "MIMALLOC_PURGE_DELAY", 0),
    ] {
        if std::env::var_os(env).is_none() {
            // SAFETY: sets one of mimalloc's global options; any value is allowed.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

fn main() -> ExitCode {
    footprint::timings::mark_start();
    #[cfg(not(target_os = "linux"))]
    tune_allocator();
    output::install_signal_handlers();
    footprint::leave_memory_to_exit();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Usage errors go to stderr with 2.
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        // Help and version go to stdout with 0, or 2 when they cannot be written.
        Err(e) => {
            let printed = if std::io::stdout().is_terminal() {
                // clap colours it for a terminal.
                e.print()
                    .and_then(|()| std::io::stdout().flush())
                    .map_err(|err| anyhow::Error::from(err).context("writing standard output"))
            } else {
                Output::stdout().write(|w| {
                    write!(w, "{}", e.render())?;
                    Ok(())
                })
            };
            return exit_on_error(printed.map(|()| Outcome::Clean));
        }
    };
    if let Err(e) = footprint::start_thread_pool() {
        footprint::diag::line(format_args!("error: cannot start worker threads: {e}"));
        return ExitCode::from(2);
    }
    if footprint::one_thread() {
        footprint::diag::warn(format_args!(
            "cannot start worker threads (see `ulimit -u`); running on this thread alone"
        ));
    }
    exit_on_error(commands::run(cli.command))
}

fn exit_on_error(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        // The reader of standard output stopped early (`| head`): that is not a failure.
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            footprint::diag::line(format_args!("error: {e:#}"));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    /// A block keeps its bytes as it is reallocated across the line between the two
    /// allocators, both ways, and zeroed blocks are zeroed on both sides of it.
    #[test]
    fn blocks_move_between_the_allocators_intact() {
        let sizes = [
            16,
            LARGE_BYTES - 1,
            LARGE_BYTES,
            5000,
            100,
            3 * LARGE_BYTES,
            8,
        ];
        let mut layout = Layout::from_size_align(sizes[0], 8).unwrap();
        // SAFETY: each block is used within its size and freed once, with its layout.
        unsafe {
            let mut p = GLOBAL.alloc(layout);
            assert!(!p.is_null());
            for k in 0..layout.size() {
                *p.add(k) = k as u8;
            }
            for &size in &sizes[1..] {
                p = GLOBAL.realloc(p, layout, size);
                assert!(!p.is_null());
                let kept = layout.size().min(size);
                for k in 0..kept {
                    assert_eq!(
                        *p.add(k),
                        k as u8,
                        "byte {k} after {} -> {size}",
                        layout.size()
                    );
                }
                for k in kept..size {
                    *p.add(k) = k as u8;
                }
                layout = Layout::from_size_align(size, 8).unwrap();
            }
            GLOBAL.dealloc(p, layout);
            for size in [64, LARGE_BYTES * 4] {
                let l = Layout::from_size_align(size, 8).unwrap();
                let z = GLOBAL.alloc_zeroed(l);
                assert!((0..size).all(|k| *z.add(k) == 0));
                GLOBAL.dealloc(z, l);
            }
        }
        // More aligned than malloc promises: always mimalloc's, and aligned.
        let l = Layout::from_size_align(4 * LARGE_BYTES, 64).unwrap();
        assert!(!large(l));
        // SAFETY: allocated and freed with the same layout.
        unsafe {
            let p = GLOBAL.alloc(l);
            assert_eq!(p as usize % 64, 0);
            GLOBAL.dealloc(p, l);
        }
    }
}
