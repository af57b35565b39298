use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;

use cli::Cli;
use commands::Outcome;

fn main() -> ExitCode {
    footprint::timings::mark_start();
    footprint::leave_memory_to_exit();
    footprint::output::install_signal_handlers();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::run(cli.command) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        // A closed pipe (`| head`) anywhere in the chain is the reader's choice, not an error.
        Err(e) if footprint::output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            footprint::diag::line(format_args!("error: {e:#}"));
            ExitCode::from(2)
        }
    }
}
