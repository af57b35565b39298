//! `footprint spanning PROVIDERS --plans PLANS`.

use anyhow::{bail, Result};

use super::{emit_how, outcome, prepare, Outcome};
use crate::cli::SpanningArgs;
use footprint::analysis::spanning::{analyse, verdict};
use footprint::output::Output;
use footprint::report;

const ROLES: [&str; 2] = ["providers", "plans"];

pub fn run(args: SpanningArgs) -> Result<Outcome> {
    if !(0.0..=1.0).contains(&args.min_share) {
        bail!(
            "--min-share {} is not a fraction between 0 and 1 (5% is 0.05)",
            args.min_share
        );
    }
    let out = Output::new(args.output.output.as_deref());
    let prepared = prepare(
        &[&args.providers, &args.plans],
        &ROLES,
        &args.layer_args,
        &args.analysis,
        args.output.quiet,
        &[&out],
    )?;
    let (providers, plans) = (&prepared.layers[0], &prepared.layers[1]);
    let (result, weights) = prepared.overlay(0, 1, false)?;
    let report = analyse(
        &providers.features,
        &plans.features,
        &result,
        weights.as_ref(),
        args.min_share,
        prepared.context(&result, weights.as_ref(), 0, 1),
    );
    report::emit(&report, emit_how(&args.output), &out)?;
    let verdict = args.max_plans.map(|max| verdict(&report, max));
    footprint::dispose((prepared, result, report));
    Ok(outcome(verdict, args.output.quiet))
}
