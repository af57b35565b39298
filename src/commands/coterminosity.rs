//! `footprint coterminosity FOOTPRINTS --units UNITS`.

use anyhow::Result;

use super::{emit_how, outcome, prepare, Outcome};
use crate::cli::CoterminosityArgs;
use footprint::analysis::coterminosity::{analyse, verdict, Limits};
use footprint::diag;
use footprint::output::Output;
use footprint::report::{self, coterminosity::View};

/// Layers in load order: units are the overlay's first layer.
const ROLES: [&str; 2] = ["units", "footprints"];

pub fn run(args: CoterminosityArgs) -> Result<Outcome> {
    let out = Output::new(args.output.output.as_deref());
    let prepared = prepare(
        &[&args.units, &args.footprints],
        &ROLES,
        &args.layer_args,
        &args.analysis,
        args.output.quiet,
        &[&out],
    )?;
    let (units, footprints) = (&prepared.layers[0], &prepared.layers[1]);
    let (result, weights) = prepared.overlay(0, 1, false);
    let report = analyse(
        &units.features,
        &footprints.features,
        &result,
        weights.as_ref(),
        prepared.context(&result),
    );
    if !args.output.quiet {
        for w in report.context.warnings.iter().skip(prepared.warnings.len()) {
            diag::warn(w);
        }
    }
    let view = View {
        report: &report,
        by: args.by.into(),
    };
    report::emit(&view, emit_how(&args.output), &out)?;
    let limits = Limits {
        max_split_units: args.require_coterminous.then_some(0),
        max_split_share: None,
    };
    let verdict = args.require_coterminous.then(|| verdict(&report, &limits));
    footprint::dispose((prepared, result, report));
    Ok(outcome(verdict, args.output.quiet))
}
