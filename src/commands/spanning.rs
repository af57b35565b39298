//! `footprint spanning PROVIDERS --plans PLANS`.

use std::io::Write;

use anyhow::{bail, Result};

use super::{context, overlay_layers, prepare, table_heading, write_csv, Outcome, Style};
use crate::analysis::spanning::{analyse, SpanRow, SpanningReport};
use crate::cli::SpanningArgs;
use crate::output::Output;
use crate::report::{Format, Table};

const ROLES: [&str; 2] = ["providers", "plans"];

pub fn run(args: SpanningArgs) -> Result<Outcome> {
    if !(0.0..=1.0).contains(&args.min_share) {
        bail!(
            "--min-share {} is not a fraction between 0 and 1 (5% is 0.05)",
            args.min_share
        );
    }
    let dest = Output::new(args.output.output.as_deref());
    super::preflight_analysis(
        &[&dest],
        &[&args.providers, &args.plans],
        &ROLES,
        &args.analysis,
    )?;
    let prepared = prepare(
        &[&args.providers, &args.plans],
        &ROLES,
        &args.layer_args,
        &args.analysis,
        &args.output,
    )?;
    let (providers, plans) = (&prepared.layers[0], &prepared.layers[1]);
    let (result, weights) = overlay_layers(&prepared, false);
    let report = analyse(
        &providers.features,
        &plans.features,
        &result,
        weights.as_ref(),
        args.min_share,
        context(&prepared, &ROLES, &result),
    );
    crate::timings::time(
        || "write".into(),
        || dest.write(|w| write_report(&report, args.output.format, weights.is_some(), w)),
    )?;
    let too_many = args
        .max_plans
        .is_some_and(|max| report.providers.iter().any(|p| p.plans_spanned > max));
    super::dispose((prepared, result, report));
    Ok(if too_many {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn cells(r: &SpanRow, with_weights: bool, style: Style) -> Vec<String> {
    let mut row = vec![
        r.provider_code.clone(),
        r.provider_name.clone(),
        r.plan_code.clone(),
        r.plan_name.clone(),
        style.num(r.overlap_km2),
        style.num(r.provider_share),
        r.plans_spanned.to_string(),
    ];
    if with_weights {
        row.push(style.opt(r.provider_weight_share.flatten()));
    }
    row
}

fn write_report(
    report: &SpanningReport,
    format: Format,
    with_weights: bool,
    w: &mut dyn Write,
) -> Result<()> {
    let mut headers = vec![
        "provider_code",
        "provider_name",
        "plan_code",
        "plan_name",
        "overlap_km2",
        "provider_share",
        "plans_spanned",
    ];
    if with_weights {
        headers.push("provider_weight_share");
    }
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, report)?;
            writeln!(w)?;
        }
        Format::Csv => {
            let rows: Vec<Vec<String>> = report
                .rows
                .iter()
                .map(|r| cells(r, with_weights, Style::Csv))
                .collect();
            write_csv(w, &headers, &rows)?;
        }
        Format::Table => {
            write!(w, "{}", table_heading(&report.context))?;
            let multi = report
                .providers
                .iter()
                .filter(|p| p.plans_spanned > 1)
                .count();
            writeln!(
                w,
                "{} of {} providers span more than one plan (counting a plan at {} share >= {})\n",
                multi,
                report.providers.len(),
                report.counted_by,
                report.min_share
            )?;
            let mut t = Table::new(headers);
            for r in &report.rows {
                t.push(cells(r, with_weights, Style::Table));
            }
            write!(w, "{t}")?;
            let minor: usize = report.providers.iter().map(|p| p.minor_plans).sum();
            if minor > 0 {
                writeln!(
                    w,
                    "\n{minor} smaller overlaps (below --min-share) not counted; see --format json"
                )?;
            }
        }
    }
    Ok(())
}
