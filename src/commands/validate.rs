//! `footprint validate LAYER [--extent LAYER]`: coverage checks.

use std::io::Write;

use anyhow::Result;

use super::{prepare, write_csv, Outcome, Style};
use crate::analysis::validate::{Finding, Kind, Severity, ValidateReport};
use crate::cli::{AnalysisArgs, ValidateArgs};
use crate::output::Output;
use crate::report::{Format, Table};

pub const HEADERS: [&str; 9] = [
    "kind",
    "code",
    "other_code",
    "area_km2",
    "severity",
    "detail",
    "lon",
    "lat",
    "neighbours",
];

/// Warnings of each kind listed in the table (all are in CSV and JSON).
const TABLE_WARNINGS: usize = 10;

pub fn run(args: ValidateArgs) -> Result<Outcome> {
    let mut paths = vec![args.layer.as_path()];
    let mut roles = vec!["layer"];
    if let Some(e) = &args.extent {
        paths.push(e);
        roles.push("extent");
    }
    let analysis = AnalysisArgs {
        tolerance: args.tolerance,
        weights: None,
        weight_column: String::new(),
    };
    let dest = Output::new(args.output.output.as_deref());
    super::preflight_analysis(&[&dest], &paths, &roles, &analysis)?;
    let prepared = prepare(&paths, &roles, &args.layer_args, &analysis, &args.output)?;
    let report = ValidateReport::new(
        &prepared.layers[0],
        prepared.layers.get(1),
        &prepared.tolerance,
        args.strict,
        prepared.warnings.clone(),
    );
    dest.write(|w| write_report(&report, args.output.format, w))?;
    let passed = report.summary.passed;
    super::dispose((prepared, report));
    Ok(if passed {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

pub fn cells(f: &Finding, style: Style) -> Vec<String> {
    vec![
        f.kind.as_str().to_string(),
        f.code.clone(),
        f.other_code.clone(),
        style.opt(f.area_km2),
        f.severity.as_str().to_string(),
        f.detail.clone(),
        f.lon.map(|v| v.to_string()).unwrap_or_default(),
        f.lat.map(|v| v.to_string()).unwrap_or_default(),
        f.neighbours.join(" "),
    ]
}

/// The one-line verdict, e.g. "FAILED: 2 errors, 1 warning in 12 features".
pub fn verdict(report: &ValidateReport) -> String {
    let s = &report.summary;
    format!(
        "{}: {} error{}, {} warning{} ({} features read, {} checked, {} skipped)",
        if s.passed { "passed" } else { "FAILED" },
        s.errors,
        crate::layer::plural(s.errors),
        s.warnings,
        crate::layer::plural(s.warnings),
        s.features_read,
        s.features_checked,
        s.features_skipped
    )
}

fn write_report(report: &ValidateReport, format: Format, w: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, report)?;
            writeln!(w)?;
        }
        Format::Csv => {
            let rows: Vec<Vec<String>> = report
                .findings
                .iter()
                .map(|f| cells(f, Style::Csv))
                .collect();
            write_csv(w, &HEADERS, &rows)?;
        }
        Format::Table => {
            writeln!(
                w,
                "tolerance: {} m ({})",
                report.tolerance_m, report.tolerance_source
            )?;
            for l in &report.layers {
                writeln!(w, "{}: {}", l.role, l.file)?;
            }
            writeln!(w, "{}", verdict(report))?;
            if !report.findings.is_empty() {
                writeln!(w)?;
                // The table leaves out the location columns; they are in CSV and JSON.
                // Errors are all listed; warnings (slivers, mostly) up to TABLE_WARNINGS of
                // each kind, largest first.
                let mut t = Table::new(HEADERS[..6].iter().copied());
                let mut shown: Vec<(Kind, usize)> = Vec::new();
                let mut hidden: Vec<(Kind, usize, f64)> = Vec::new();
                for f in &report.findings {
                    if f.severity == Severity::Warning {
                        let n = match shown.iter_mut().find(|(k, _)| *k == f.kind) {
                            Some((_, n)) => n,
                            None => {
                                shown.push((f.kind, 0));
                                &mut shown.last_mut().expect("just pushed").1
                            }
                        };
                        *n += 1;
                        if *n > TABLE_WARNINGS {
                            match hidden.iter_mut().find(|(k, ..)| *k == f.kind) {
                                Some((_, count, area)) => {
                                    *count += 1;
                                    *area += f.area_km2.unwrap_or(0.0);
                                }
                                None => hidden.push((f.kind, 1, f.area_km2.unwrap_or(0.0))),
                            }
                            continue;
                        }
                    }
                    let mut row = cells(f, Style::Table);
                    row.truncate(6);
                    t.push(row);
                }
                write!(w, "{t}")?;
                for (kind, count, area) in hidden {
                    writeln!(
                        w,
                        "... and {count} more {} warning{} ({area:.3} km² in all): see --format csv or json",
                        kind.as_str(),
                        crate::layer::plural(count)
                    )?;
                }
            }
        }
    }
    Ok(())
}
