//! `footprint man [COMMAND]`: the manual page in roff, from the same definitions as `--help`.

use anyhow::{bail, Result};
use clap::CommandFactory;

use super::Outcome;
use crate::cli::{Cli, ManArgs};
use crate::output::{self, Output};

pub fn run(args: ManArgs) -> Result<Outcome> {
    let main = Cli::command();
    let page = match &args.command {
        None => main,
        Some(name) => {
            let Some(sub) = main.find_subcommand(name) else {
                let names: Vec<&str> = main.get_subcommands().map(|c| c.get_name()).collect();
                bail!(
                    "no command called {name:?}; the commands are: {}",
                    names.join(", ")
                );
            };
            // The page is named as man expects: footprint-map(1).
            sub.clone()
                .name(format!("footprint-{}", sub.get_name()))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let dest = Output::new(args.output.as_deref());
    output::preflight(&[&dest], &[])?;
    dest.write(|w| {
        clap_mangen::Man::new(page).render(w)?;
        Ok(())
    })?;
    Ok(Outcome::Clean)
}
