//! `footprint inspect LAYER`: what a layer holds and how good it is.

use anyhow::Result;

use super::{emit_how, layer_options, load_layers, Outcome};
use crate::cli::InspectArgs;
use footprint::analysis::inspect::InspectReport;
use footprint::output::{self, Input, Output};
use footprint::report;

pub fn run(args: InspectArgs) -> Result<Outcome> {
    let options = layer_options(&args.layer_args, &["layer"])?;
    let out = Output::new(args.output.output.as_deref());
    output::preflight(
        &[&out],
        &[Input {
            path: &args.layer,
            role: "layer",
        }],
    )?;
    let layers = load_layers(&[&args.layer], &options, args.output.quiet)?;
    if !args.output.quiet {
        for n in super::filter_notes(&layers, &["layer"]) {
            footprint::diag::line(format_args!("note: {n}"));
        }
    }
    let report = InspectReport::from_layer(&layers[0]);
    report::emit(&report, emit_how(&args.output), &out)?;
    footprint::dispose((layers, report));
    Ok(Outcome::Clean)
}
