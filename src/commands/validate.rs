//! `footprint validate LAYER [--extent LAYER]`: coverage checks.

use anyhow::Result;

use super::{emit_how, outcome, prepare, Outcome};
use crate::cli::{AnalysisArgs, ValidateArgs};
use footprint::analysis::scope::{self, Scope};
use footprint::analysis::validate::{verdict, ValidateReport};
use footprint::analysis::Warning;
use footprint::diag;
use footprint::layer::Layer;
use footprint::output::Output;
use footprint::report;

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
    let out = Output::new(args.output.output.as_deref());
    let polygons_out = super::polygon_output(args.polygons.as_deref(), &args.gpkg, "--polygons")?;
    let mut outputs = vec![&out];
    outputs.extend(polygons_out.as_ref().map(|p| p.output()));
    let mut prepared = prepare(
        &paths,
        &roles,
        &args.layer_args,
        &analysis,
        args.output.quiet,
        &outputs,
    )?;
    let mut warnings = prepared.warnings.clone();
    let scope = match args.all_countries {
        true => None,
        false => limit_extent(&mut prepared.layers, &mut warnings, args.output.quiet),
    };
    let mut report = ValidateReport::new(
        &prepared.layers[0],
        prepared.layers.get(1),
        &prepared.tolerance,
        args.strict,
        warnings,
    )?;
    report.scope = scope;
    // The polygons are staged first and moved into place only after the report is written,
    // so a failure leaves neither file; what rounding to the written grid removed is said,
    // and kept in the report.
    let staged = match &polygons_out {
        Some(o) => {
            let (staged, written) = report::validate::stage_polygons(&report, o)?;
            for note in written.notes(o.shown()) {
                if !args.output.quiet {
                    diag::warn(&note);
                }
                report.warnings.push(Warning::Note(note));
            }
            Some(staged)
        }
        None => None,
    };
    report::emit(&report, emit_how(&args.output), &out)?;
    if let Some(s) = staged {
        s.commit()?;
    }
    // The report's table states the verdict already; say nothing more on stderr.
    let verdict = verdict(&report);
    footprint::dispose((prepared, report));
    Ok(outcome(Some(verdict), true))
}

/// With an extent, and a layer whose codes are all of one country, leave out the extent's
/// features of other countries: an English layer need not cover Wales. The note is said on
/// stderr and added to `warnings`.
fn limit_extent(layers: &mut [Layer], warnings: &mut Vec<Warning>, quiet: bool) -> Option<Scope> {
    let [layer, extent] = layers else {
        return None;
    };
    let mut scope = Scope::decide("layer", &layer.features)?;
    let note = scope::limit_extent(extent, "extent", &mut scope)?;
    if !quiet {
        diag::line(format_args!("note: {note}"));
    }
    warnings.push(note);
    Some(scope)
}
