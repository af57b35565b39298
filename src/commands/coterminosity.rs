//! `footprint coterminosity FOOTPRINTS --units UNITS`.

use anyhow::{bail, Result};

use super::Prepared;
use super::{emit_how, outcome, prepare, Outcome};
use crate::cli::{By, CoterminosityArgs};
use footprint::analysis::coterminosity::{analyse, verdict, Limits};
use footprint::analysis::overlay::Overlay;
use footprint::analysis::small_areas::{self, Against, SmallAreas};
use footprint::analysis::weights::PairWeights;
use footprint::diag;
use footprint::layer::Layer;
use footprint::output::Output;
use footprint::report::{self, coterminosity::View};

/// Layers in load order: units are the overlay's first layer; small areas, when asked for,
/// come last.
const ROLES: [&str; 3] = ["units", "footprints", "small-areas"];

pub fn run(args: CoterminosityArgs) -> Result<Outcome> {
    let limits = limits(&args)?;
    if args.by == By::SmallArea && args.small_areas.is_none() {
        bail!(
            "--by small-area lists the small areas of split units: give them with \
             --small-areas SMALL (e.g. LSOAs)"
        );
    }
    let out = Output::new(args.output.output.as_deref());
    let mut paths: Vec<&std::path::Path> = vec![&args.units, &args.footprints];
    paths.extend(args.small_areas.as_deref());
    let prepared = prepare(
        &paths,
        &ROLES[..paths.len()],
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
    if let Some(small) = prepared.layers.get(2) {
        let explained = explain_by(&prepared, &result, weights.as_ref(), small)?;
        report.context.warnings.extend(explained.warnings());
        report.small_areas = Some(explained);
    }
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

/// The split units of `result` (units x footprints) explained by the small areas of `small`.
fn explain_by(
    prepared: &Prepared,
    result: &Overlay,
    weights: Option<&PairWeights>,
    small: &Layer,
) -> Result<SmallAreas> {
    let (units, footprints) = (&prepared.layers[0], &prepared.layers[1]);
    let name = small.display_name();
    small_areas::explain(
        &units.features,
        &footprints.features,
        &small.features,
        &name,
        result,
        weights,
        &mut |a, against| {
            let b = match against {
                Against::Units => units,
                Against::Footprints => footprints,
            };
            prepared.overlay_features((&name, a), (&b.display_name(), &b.features), false)
        },
    )
}
