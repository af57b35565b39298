use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;

use cli::Cli;
use commands::Outcome;
use footprint::output::{self, Output};

/// mimalloc, not glibc's malloc: the readers make many small allocations on several threads
/// at once, where glibc's arenas either contend (capped) or each keep their own high-water
/// mark. Measured on this 2-core machine (overlaps LSOA11 x CCG21 `-t 0`): 0.28-0.33 s and
/// 59 MB against glibc's 0.41-0.55 s and 61 MB capped at two arenas, 0.33-0.47 s and 70 MB
/// not; reading LSOA11 from a GeoPackage 0.15-0.22 s against 0.23-0.26 s. See
/// [`tune_allocator`] for its settings.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
