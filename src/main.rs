use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;

use cli::Cli;
use commands::Outcome;
use footprint::output::{self, Output};

fn main() -> ExitCode {
    footprint::timings::mark_start();
    footprint::limit_malloc_arenas();
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
