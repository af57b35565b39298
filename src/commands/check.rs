//! `footprint check RULES.toml [--junit FILE]`.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use super::{load_layers, Outcome};
use crate::check::{self, junit, rules, CheckReport};
use crate::cli::CheckArgs;
use crate::report::{self, Destination, Format};

pub fn run(args: CheckArgs) -> Result<Outcome> {
    let rules = rules::load(&args.rules)?;
    let dest = Destination {
        path: args.output.output.clone(),
    };
    dest.check_writable()?;
    if let Some(j) = &args.junit {
        report::check_writable(j)?;
        if let Some(o) = &args.output.output {
            report::check_distinct(o, j)?;
        }
    }
    let paths: Vec<&Path> = rules.layers.iter().map(|l| l.path.as_path()).collect();
    let options: Vec<_> = rules.layers.iter().map(|l| l.options.clone()).collect();
    // Layer warnings go into the report once; the loader need not print them too.
    let layers = load_layers(&paths, &options, true)?;
    let result = check::run(&rules, &layers)?;
    if !args.output.quiet {
        for w in &result.warnings {
            eprintln!("warning: {w}");
        }
    }
    // The JUnit file is staged and committed with the report, so a failure leaves neither.
    let staged = match &args.junit {
        Some(path) => Some(report::stage(path, |w| junit::write(&result, w))?),
        None => None,
    };
    dest.write(|w| write_report(&result, args.output.format, w))?;
    if let Some(s) = staged {
        s.commit()?;
    }
    Ok(if result.failed == 0 {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn write_report(report: &CheckReport, format: Format, w: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, report)?;
            writeln!(w)?;
        }
        Format::Csv => {
            let rows: Vec<Vec<String>> = report
                .results
                .iter()
                .map(|r| {
                    vec![
                        r.name.clone(),
                        r.check.to_string(),
                        if r.passed { "pass" } else { "fail" }.to_string(),
                        r.summary.clone(),
                        r.failures.join("; "),
                        r.tolerance_m.to_string(),
                    ]
                })
                .collect();
            super::write_csv(
                w,
                &[
                    "rule",
                    "check",
                    "result",
                    "summary",
                    "failures",
                    "tolerance_m",
                ],
                &rows,
            )?;
        }
        Format::Table => {
            writeln!(
                w,
                "{}: {} of {} rules failed\n",
                report.rules_file, report.failed, report.rules
            )?;
            for r in &report.results {
                writeln!(w, "{}  {}", if r.passed { "PASS" } else { "FAIL" }, r.name)?;
                writeln!(w, "      {} [{} m]", r.summary, r.tolerance_m)?;
                const SHOWN: usize = 20;
                for f in r.failures.iter().take(SHOWN) {
                    writeln!(w, "      - {f}")?;
                }
                if r.failures.len() > SHOWN {
                    writeln!(
                        w,
                        "      ... and {} more (see --format json)",
                        r.failures.len() - SHOWN
                    )?;
                }
            }
        }
    }
    Ok(())
}
