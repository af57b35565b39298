//! `footprint check RULES.toml [--junit FILE]`.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use super::{load_layers, Outcome};
use crate::check::{self, junit, rules, CheckReport};
use crate::cli::CheckArgs;
use crate::output::{self, Input, Output};
use crate::report::Format;

pub fn run(args: CheckArgs) -> Result<Outcome> {
    let rules = rules::load(&args.rules)?;
    let dest = Output::new(args.output.output.as_deref());
    let junit_out = args.junit.as_deref().map(|j| Output::new(Some(j)));
    let mut outputs = vec![&dest];
    outputs.extend(junit_out.as_ref());
    preflight(&outputs, &args.rules, &rules)?;
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
    let staged = match &junit_out {
        Some(out) => Some(out.stage(|w| junit::write(&result, w))?),
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

/// Check the outputs against the rules file and every file it names.
fn preflight(outputs: &[&Output], rules_path: &Path, rules: &rules::Rules) -> Result<()> {
    let mut files: Vec<(&Path, String)> = vec![(rules_path, "rules file".to_string())];
    for l in &rules.layers {
        files.push((&l.path, format!("{} layer of the rules file", l.name)));
    }
    for (name, w) in &rules.weights {
        files.push((&w.path, format!("{name} weights of the rules file")));
    }
    for r in &rules.rules {
        if let rules::Check::MappedByFile { mapping, .. } = &r.check {
            files.push((mapping, format!("mapping of rule {:?}", r.name)));
        }
    }
    let inputs: Vec<Input> = files
        .iter()
        .map(|(path, role)| Input { path, role })
        .collect();
    output::preflight(outputs, &inputs)
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
