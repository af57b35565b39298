//! `footprint overlaps A B`: one row per overlapping pair.

use anyhow::Result;

use super::{emit_how, prepare, Outcome};
use crate::cli::OverlapsArgs;
use footprint::analysis::overlaps::{rows, OverlapsReport};
use footprint::analysis::Warning;
use footprint::diag;
use footprint::output::Output;
use footprint::report::{self, pieces};

const ROLES: [&str; 2] = ["a", "b"];

pub fn run(args: OverlapsArgs) -> Result<Outcome> {
    let out = Output::new(args.output.output.as_deref());
    let pieces_out = super::polygon_output(args.pieces.as_deref(), &args.gpkg, "--pieces")?;
    let mut outputs = vec![&out];
    outputs.extend(pieces_out.as_ref().map(|p| p.output()));
    let mut prepared = prepare(
        &[&args.a, &args.b],
        &ROLES,
        &args.layer_args,
        &args.analysis,
        args.output.quiet,
        &outputs,
    )?;
    let (result, weights) = prepared.overlay(0, 1, pieces_out.is_some())?;
    let mut context = prepared.context(&result, weights.as_ref(), 0, 1);
    // The pieces are staged first and moved into place only after the report is written,
    // so a failure leaves neither file.
    let staged = match &pieces_out {
        Some(o) => {
            let (a, b) = (&prepared.layers[0], &prepared.layers[1]);
            let (staged, written) = footprint::timings::time(
                || format!("pieces ({})", o.shown()),
                || pieces::stage(o, &a.features, &b.features, &result),
            )?;
            // What rounding to the written grid removed is said, and kept in the report.
            for note in written.notes(o.shown()) {
                if !args.output.quiet {
                    diag::warn(&note);
                }
                context.warnings.push(Warning::Note(note));
            }
            Some(staged)
        }
        _ => None,
    };
    // From here only codes, names and areas are needed: the polygons (100 MB for LSOA11 x16
    // x CCG21) are freed while the report is made and written, not held under it.
    let polygons: Vec<_> = prepared
        .layers
        .iter_mut()
        .map(|l| l.take_polygons())
        .collect();
    let (a, b) = (&prepared.layers[0], &prepared.layers[1]);
    let report = footprint::freeing(polygons, || {
        let report = OverlapsReport {
            context,
            pair_count: result.pairs.len(),
            rows: rows(&a.features, &b.features, &result, weights.as_ref()),
        };
        report::emit(&report, emit_how(&args.output), &out).map(|()| report)
    })?;
    if let Some(s) = staged {
        s.commit()?;
    }
    footprint::dispose((prepared, result, report));
    Ok(Outcome::Clean)
}
