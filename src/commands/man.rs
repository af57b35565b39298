//! `footprint man [COMMAND]`: the manual pages in roff, from the same definitions as `--help`.

use std::path::Path;

use anyhow::{bail, Context as _, Result};
use clap::CommandFactory;

use super::Outcome;
use crate::cli::{Cli, ManArgs};
use footprint::output::{self, Output};

pub fn run(args: ManArgs) -> Result<Outcome> {
    if let Some(dir) = &args.dir {
        if args.command.is_some() || args.output.is_some() {
            bail!("--dir writes every page; give it without COMMAND or -o");
        }
        write_all(dir)?;
        return Ok(Outcome::Clean);
    }
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
            sub_page(sub)
        }
    };
    let dest = Output::new(args.output.as_deref());
    output::preflight(&[&dest], &[])?;
    dest.write(|w| {
        w.write_all(render(page)?.as_bytes())?;
        Ok(())
    })?;
    Ok(Outcome::Clean)
}

/// A command's own page, named as man expects: footprint-map(1).
fn sub_page(sub: &clap::Command) -> clap::Command {
    sub.clone()
        .name(format!("footprint-{}", sub.get_name()))
        .version(env!("CARGO_PKG_VERSION"))
}

/// footprint.1 and footprint-COMMAND.1 for every command into `dir` (made if missing), so
/// that the pages the main page names are there.
fn write_all(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot make the folder for the pages", dir.display()))?;
    let mut main = Cli::command();
    // Built, as the main page is rendered: with the `help` command it names too.
    main.build();
    let mut pages = vec![("footprint.1".to_string(), main.clone())];
    for sub in main.get_subcommands() {
        pages.push((format!("footprint-{}.1", sub.get_name()), sub_page(sub)));
    }
    let outputs: Vec<Output> = pages
        .iter()
        .map(|(name, _)| Output::new(Some(&dir.join(name))))
        .collect();
    let refs: Vec<&Output> = outputs.iter().collect();
    output::preflight(&refs, &[])?;
    for ((_, page), dest) in pages.into_iter().zip(&outputs) {
        let text = render(page)?;
        dest.write(|w| {
            w.write_all(text.as_bytes())?;
            Ok(())
        })?;
    }
    Ok(())
}

/// The page in roff, with the text after the options (examples, the rules-file format) kept
/// line for line: man fills paragraphs, which would run a TOML example or a list of commands
/// into one line.
fn render(page: clap::Command) -> Result<String> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    let roff = String::from_utf8(roff).context("the manual page is not UTF-8")?;
    Ok(verbatim_extra(&roff))
}

/// `.nf` (no fill) around the EXTRA section, which holds the help's after-text.
fn verbatim_extra(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len() + 16);
    let mut in_extra = false;
    for line in roff.lines() {
        if in_extra && line.starts_with(".SH ") {
            out.push_str(".fi\n");
            in_extra = false;
        }
        out.push_str(line);
        out.push('\n');
        if line == ".SH EXTRA" {
            out.push_str(".nf\n");
            in_extra = true;
        }
    }
    if in_extra {
        out.push_str(".fi\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::verbatim_extra;

    #[test]
    fn extra_is_not_filled() {
        let roff = ".SH OPTIONS\nx\n.SH EXTRA\n  a = 1\n  b = 2\n.SH VERSION\nv1\n";
        assert_eq!(
            verbatim_extra(roff),
            ".SH OPTIONS\nx\n.SH EXTRA\n.nf\n  a = 1\n  b = 2\n.fi\n.SH VERSION\nv1\n"
        );
        assert_eq!(
            verbatim_extra(".SH EXTRA\n  a\n"),
            ".SH EXTRA\n.nf\n  a\n.fi\n"
        );
    }
}
