//! `footprint completions SHELL`: a completion script on standard output.

use anyhow::Result;
use clap::CommandFactory;

use super::Outcome;
use crate::cli::{Cli, CompletionsArgs};
use crate::output::Output;

pub fn run(args: CompletionsArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    // Generated into memory first: clap_complete panics when its writer fails (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "footprint", &mut script);
    Output::stdout().write(|w| {
        w.write_all(&script)?;
        Ok(())
    })?;
    Ok(Outcome::Clean)
}
