//! `footprint coterminosity FOOTPRINTS --units UNITS`.

use std::io::Write;

use anyhow::Result;

use super::{context, num, overlay_layers, prepare, table_heading, write_csv, Outcome};
use crate::analysis::coterminosity::{analyse, CoterminosityReport, Status};
use crate::cli::{By, CoterminosityArgs};
use crate::output::Output;
use crate::report::{fixed, Format, Table};

/// Layers in load order: units are the overlay's first layer.
const ROLES: [&str; 2] = ["units", "footprints"];

pub fn run(args: CoterminosityArgs) -> Result<Outcome> {
    let dest = Output::new(args.output.output.as_deref());
    super::preflight_analysis(
        &[&dest],
        &[&args.units, &args.footprints],
        &ROLES,
        &args.analysis,
    )?;
    let prepared = prepare(
        &[&args.units, &args.footprints],
        &ROLES,
        &args.layer_args,
        &args.analysis,
        &args.output,
    )?;
    let (units, footprints) = (&prepared.layers[0], &prepared.layers[1]);
    let (result, weights) = overlay_layers(&prepared, false);
    let report = analyse(
        &units.features,
        &footprints.features,
        &result,
        weights.as_ref(),
        context(&prepared, &ROLES, &result),
    );
    if !args.output.quiet {
        for w in report.context.warnings.iter().skip(prepared.warnings.len()) {
            eprintln!("warning: {w}");
        }
    }
    crate::timings::time(
        || "write".into(),
        || dest.write(|w| write_report(&report, args.output.format, args.by, weights.is_some(), w)),
    )?;
    let split = report.summary.units_split > 0;
    super::dispose((prepared, result, report));
    if args.require_coterminous && split {
        return Ok(Outcome::Findings);
    }
    Ok(Outcome::Clean)
}

fn write_report(
    report: &CoterminosityReport,
    format: Format,
    by: By,
    with_weights: bool,
    w: &mut dyn Write,
) -> Result<()> {
    match (format, by) {
        (Format::Json, _) => {
            serde_json::to_writer_pretty(&mut *w, report)?;
            writeln!(w)?;
        }
        (Format::Csv, By::Footprint) => {
            let rows: Vec<Vec<String>> = report
                .footprints
                .iter()
                .map(|f| {
                    vec![
                        f.footprint_code.clone(),
                        f.footprint_name.clone(),
                        f.area_km2.to_string(),
                        if f.coterminous { "yes" } else { "no" }.to_string(),
                        f.units_whole.to_string(),
                        f.units_split.to_string(),
                        f.split_units.join(" "),
                    ]
                })
                .collect();
            write_csv(
                w,
                &[
                    "footprint_code",
                    "footprint_name",
                    "area_km2",
                    "coterminous",
                    "units_whole",
                    "units_split",
                    "split_units",
                ],
                &rows,
            )?;
        }
        (Format::Csv, By::Unit) => {
            let mut headers = vec![
                "unit_code",
                "unit_name",
                "footprint_code",
                "footprint_name",
                "overlap_km2",
                "unit_share",
                "status",
            ];
            if with_weights {
                headers.push("unit_weight_share");
            }
            headers.extend(["best_fit", "retained_by"]);
            let rows: Vec<Vec<String>> = report
                .units
                .iter()
                .map(|r| {
                    let mut row = vec![
                        r.unit_code.clone(),
                        r.unit_name.clone(),
                        r.footprint_code.clone(),
                        r.footprint_name.clone(),
                        r.overlap_km2.to_string(),
                        r.unit_share.to_string(),
                        r.status.as_str().to_string(),
                    ];
                    if with_weights {
                        row.push(num(r.unit_weight_share.flatten()));
                    }
                    row.push(if r.best_fit { "yes" } else { "no" }.to_string());
                    row.push(r.retained_by.map(|b| b.as_str()).unwrap_or("").to_string());
                    row
                })
                .collect();
            write_csv(w, &headers, &rows)?;
        }
        (Format::Table, _) => {
            let s = &report.summary;
            write!(w, "{}", table_heading(&report.context))?;
            writeln!(
                w,
                "{} units: {} whole, {} split, {} outside every footprint; {} of {} footprints coterminous\n",
                s.units, s.units_whole, s.units_split, s.units_outside, s.footprints_coterminous, s.footprints
            )?;
            let mut t = Table::new([
                "footprint_code",
                "footprint_name",
                "coterminous",
                "units_whole",
                "units_split",
                "split_units",
            ]);
            for f in &report.footprints {
                t.push(vec![
                    f.footprint_code.clone(),
                    f.footprint_name.clone(),
                    if f.coterminous { "yes" } else { "no" }.to_string(),
                    f.units_whole.to_string(),
                    f.units_split.to_string(),
                    f.split_units.join(" "),
                ]);
            }
            write!(w, "{t}")?;
            let split: Vec<_> = report
                .units
                .iter()
                .filter(|r| r.status == Status::Split)
                .collect();
            if !split.is_empty() {
                writeln!(w, "\nSplit units, part by part (best fit marked *):")?;
                let mut headers = vec![
                    "unit_code",
                    "unit_name",
                    "footprint_code",
                    "footprint_name",
                    "overlap_km2",
                    "unit_share",
                ];
                if with_weights {
                    headers.push("unit_weight_share");
                }
                headers.push("best_fit");
                let mut t = Table::new(headers);
                for r in split {
                    let mut row = vec![
                        r.unit_code.clone(),
                        r.unit_name.clone(),
                        r.footprint_code.clone(),
                        r.footprint_name.clone(),
                        fixed(r.overlap_km2, 3),
                        fixed(r.unit_share, 3),
                    ];
                    if with_weights {
                        row.push(
                            r.unit_weight_share
                                .flatten()
                                .map(|v| fixed(v, 3))
                                .unwrap_or("-".into()),
                        );
                    }
                    row.push(if r.best_fit { "*" } else { "" }.to_string());
                    t.push(row);
                }
                write!(w, "{t}")?;
            }
            let outside: Vec<String> = report
                .units
                .iter()
                .filter(|r| r.status == Status::Outside)
                .map(|r| r.unit_code.clone())
                .collect();
            if !outside.is_empty() {
                writeln!(
                    w,
                    "\nUnits outside every footprint ({}): {}",
                    outside.len(),
                    crate::layer::list_some(&outside, 20)
                )?;
            }
        }
    }
    Ok(())
}
