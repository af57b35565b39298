//! `footprint changes OLD NEW`: what changed between two editions of one geography.

use anyhow::Result;

use super::{emit_how, outcome, prepare, Outcome};
use crate::cli::ChangesArgs;
use footprint::analysis::changes::{analyse, verdict};
use footprint::diag;
use footprint::output::Output;
use footprint::report;

/// Layers in load order: the old edition is the overlay's first layer.
const ROLES: [&str; 2] = ["old", "new"];

pub fn run(args: ChangesArgs) -> Result<Outcome> {
    let out = Output::new(args.output.output.as_deref());
    let prepared = prepare(
        &[&args.old, &args.new],
        &ROLES,
        &args.layer_args,
        &args.analysis,
        args.output.quiet,
        &[&out],
    )?;
    let (old, new) = (&prepared.layers[0], &prepared.layers[1]);
    let (result, weights) = prepared.overlay(0, 1, false)?;
    let context = prepared.context(&result, weights.as_ref(), 0, 1);
    let report = analyse(
        &old.features,
        &new.features,
        &result,
        weights.as_ref(),
        context,
    );
    report::emit(&report, emit_how(&args.output), &out)?;
    let verdict = args.require_unchanged.then(|| verdict(&report));
    footprint::dispose((prepared, result, report));
    // A CI log should say what changed, not only how much: each change under the verdict.
    let changes = match &verdict {
        Some(v) if !v.passed && !args.output.quiet => v.failures.clone(),
        _ => Vec::new(),
    };
    let outcome = outcome(verdict, args.output.quiet);
    for c in &changes {
        diag::line(format_args!("  {c}"));
    }
    Ok(outcome)
}
