//! `footprint coterminosity FOOTPRINTS --units UNITS`.

use anyhow::{bail, Result};

use super::{emit_how, outcome, prepare, Outcome};
use crate::cli::CoterminosityArgs;
use footprint::analysis::coterminosity::{analyse, verdict, Limits};
use footprint::diag;
use footprint::output::Output;
use footprint::report::{self, coterminosity::View};

/// Layers in load order: units are the overlay's first layer.
const ROLES: [&str; 2] = ["units", "footprints"];

pub fn run(args: CoterminosityArgs) -> Result<Outcome> {
    let limits = limits(&args)?;
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
    let (result, weights) = prepared.overlay(0, 1, false)?;
    let context = prepared.context(&result, weights.as_ref(), 0, 1);
    let said = context.warnings.len();
    let mut report = analyse(
        &units.features,
        &footprints.features,
        &result,
        weights.as_ref(),
        context,
    );
    super::apply_scope(&mut report, units, footprints, args.all_countries);
    if !args.output.quiet {
        for w in report.context.warnings.iter().skip(said) {
            diag::warn(w);
        }
    }
    let view = View {
        report: &report,
        by: args.by.into(),
    };
    report::emit(&view, emit_how(&args.output), &out)?;
    let verdict = limits.map(|l| verdict(&report, &l));
    footprint::dispose((prepared, result, report));
    Ok(outcome(verdict, args.output.quiet))
}

/// The limits the flags set, or None when the command is asked for no check.
fn limits(args: &CoterminosityArgs) -> Result<Option<Limits>> {
    if let Some(x) = args.max_split_share {
        if !(0.0..=1.0).contains(&x) {
            bail!("--max-split-share {x} is not a fraction between 0 and 1 (5% is 0.05)");
        }
    }
    let max_split_units = match (args.require_coterminous, args.max_split_units) {
        (true, Some(n)) if n > 0 => {
            bail!(
                "--require-coterminous allows no split unit; it contradicts --max-split-units {n}"
            )
        }
        (true, _) => Some(0),
        (false, n) => n,
    };
    let limits = Limits {
        max_split_units,
        max_split_share: args.max_split_share,
    };
    Ok((limits != Limits::default()).then_some(limits))
}
