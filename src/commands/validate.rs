//! `footprint validate LAYER [--extent LAYER]`: coverage checks.

use anyhow::Result;

use super::{emit_how, outcome, prepare, Outcome};
use crate::cli::{AnalysisArgs, ValidateArgs};
use footprint::analysis::validate::{verdict, ValidateReport};
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
    let prepared = prepare(
        &paths,
        &roles,
        &args.layer_args,
        &analysis,
        args.output.quiet,
        &[&out],
    )?;
    let report = ValidateReport::new(
        &prepared.layers[0],
        prepared.layers.get(1),
        &prepared.tolerance,
        args.strict,
        prepared.warnings.clone(),
    )?;
    report::emit(&report, emit_how(&args.output), &out)?;
    // The report's table states the verdict already; say nothing more on stderr.
    let verdict = verdict(&report);
    footprint::dispose((prepared, report));
    Ok(outcome(Some(verdict), true))
}
