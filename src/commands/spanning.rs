//! `footprint spanning PROVIDERS --plans PLANS`, or by flows:
//! `footprint spanning --flows FLOWS.csv --areas AREAS --plans PLANS`.

use std::path::Path;

use anyhow::{bail, Result};

use super::{apply_scope, emit_how, outcome, prepare, Outcome};
use crate::cli::{FlowArgs, SpanningArgs};
use footprint::analysis::coterminosity;
use footprint::analysis::flows::{self, FlowKind};
use footprint::analysis::spanning::{analyse, verdict};
use footprint::diag;
use footprint::input::flows::FlowSpec;
use footprint::output::{self, Input, Output};
use footprint::report;

const ROLES: [&str; 2] = ["providers", "plans"];
const FLOW_ROLES: [&str; 2] = ["areas", "plans"];

pub fn run(args: SpanningArgs) -> Result<Outcome> {
    if !(0.0..=1.0).contains(&args.min_share) {
        bail!(
            "--min-share {} is not a fraction between 0 and 1 (5% is 0.05)",
            args.min_share
        );
    }
    if let (Some(flows), Some(areas)) = (&args.flows.flows, &args.flows.areas) {
        return run_flows(&args, flows, areas);
    }
    let Some(providers) = &args.providers else {
        bail!("give a provider layer (PROVIDERS), or --flows FLOWS.csv --areas AREAS");
    };
    let out = Output::new(args.output.output.as_deref());
    let prepared = prepare(
        &[providers, &args.plans],
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

/// The flows file's columns as the flags name them.
pub fn flow_spec(args: &FlowArgs) -> FlowSpec {
    FlowSpec {
        provider: args.flow_provider.clone(),
        name: args.flow_name.clone(),
        area: args.flow_area.clone(),
        value: args.flow_value.clone(),
        kind: args.flow_kind.map(Into::into),
    }
}

/// Providers by their flows: areas x plans placed as coterminosity places units, then each
/// provider's flow added up by plan.
fn run_flows(args: &SpanningArgs, flows_path: &Path, areas: &Path) -> Result<Outcome> {
    let out = Output::new(args.output.output.as_deref());
    // The flows file is an input too; it is read (small, and refused in milliseconds when its
    // columns are wrong) before the layers are loaded.
    let mut inputs = vec![
        Input {
            path: flows_path,
            role: "flows",
        },
        Input {
            path: areas,
            role: "areas layer",
        },
        Input {
            path: &args.plans,
            role: "plans layer",
        },
    ];
    if let Some(w) = &args.analysis.weights {
        inputs.push(Input {
            path: w,
            role: "weights",
        });
    }
    output::preflight(&[&out], &inputs)?;
    // The header is read first: a file that cannot be flows is refused at once. Its rows
    // are then read while the layers load.
    let file = footprint::input::flows::open(flows_path, &flow_spec(&args.flows))?;
    if file.kind() == FlowKind::Share && args.analysis.weights.is_none() {
        let flows = file.read()?;
        bail!(
            "{}: column {} holds shares of each area's residents ({}); give --weights POINTS \
             (e.g. msoa11_population.csv) to turn them into people, or name a count column \
             with --flow-value (or --flow-kind count if they are counts)",
            flows.path.display(),
            flows.columns.value,
            flows.kind_source
        );
    }
    let read = || {
        footprint::timings::time(
            || format!("read flows {}", flows_path.display()),
            || file.read(),
        )
    };
    let load = || {
        prepare(
            &[areas, &args.plans],
            &FLOW_ROLES,
            &args.layer_args,
            &args.analysis,
            args.output.quiet,
            &[&out],
        )
    };
    let (flows, prepared) = footprint::alongside(read, load);
    let (flows, prepared) = (flows?, prepared?);
    let (area_layer, plans) = (&prepared.layers[0], &prepared.layers[1]);
    let (result, weights) = prepared.overlay(0, 1, false)?;
    let context = prepared.context(&result, weights.as_ref(), 0, 1);
    let said = context.warnings.len();
    let mut placed = footprint::timings::time(
        || "place the areas".into(),
        || {
            coterminosity::analyse(
                &area_layer.features,
                &plans.features,
                &result,
                weights.as_ref(),
                context,
            )
        },
    );
    apply_scope(&mut placed, area_layer, plans, false);
    let report = footprint::timings::time(
        || "flows by plan".into(),
        || {
            flows::report(
                &flows,
                &placed,
                area_layer,
                prepared.weights.as_ref().map(weights_label).as_deref(),
                args.min_share,
            )
        },
    );
    if !args.output.quiet {
        for w in report.context.warnings.iter().skip(said) {
            diag::warn(w);
        }
    }
    report::emit(&report, emit_how(&args.output), &out)?;
    let verdict = args.max_plans.map(|max| verdict(&report, max));
    footprint::dispose((prepared, result, placed, report));
    Ok(outcome(verdict, args.output.quiet))
}

/// `msoa11_population.csv (population)`: the weights that make shares people.
pub fn weights_label(w: &footprint::analysis::weights::Points) -> String {
    format!(
        "{} ({})",
        w.path.display(),
        w.column.as_deref().unwrap_or("each point weighs 1")
    )
}
