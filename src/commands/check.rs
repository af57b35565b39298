//! `footprint check RULES.toml [--junit FILE]`.

use std::path::Path;

use anyhow::Result;

use super::{emit_how, load_layers, Outcome};
use crate::cli::CheckArgs;
use footprint::check::{self, junit, rules};
use footprint::diag;
use footprint::output::{self, Input, Output};
use footprint::report;

pub fn run(args: CheckArgs) -> Result<Outcome> {
    let rules = rules::load(&args.rules)?;
    let out = Output::new(args.output.output.as_deref());
    let junit_out = args.junit.as_deref().map(|p| Output::new(Some(p)));
    let mut outputs = vec![&out];
    outputs.extend(junit_out.as_ref());
    output::preflight(&outputs, &rules_inputs(&args.rules, &rules))?;
    let paths: Vec<&Path> = rules.layers.iter().map(|l| l.path.as_path()).collect();
    let options: Vec<_> = rules.layers.iter().map(|l| l.options.clone()).collect();
    // Layer warnings go into the report once; the loader need not print them too.
    let layers = load_layers(&paths, &options, true)?;
    let inputs = check::load_inputs(&rules)?;
    let result = check::run(&rules, &layers, &inputs)?;
    if !args.output.quiet {
        for w in &result.warnings {
            diag::warn(w);
        }
    }
    // The JUnit file is staged and committed with the report, so a failure leaves neither.
    let staged = match &junit_out {
        Some(o) => Some(o.stage(|w| junit::write(&result, w))?),
        None => None,
    };
    report::emit(&result, emit_how(&args.output), &out)?;
    if let Some(s) = staged {
        s.commit()?;
    }
    Ok(if result.failed == 0 {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// Every file a rules file reads: itself, its layers, weights and mappings.
fn rules_inputs<'a>(path: &'a Path, rules: &'a rules::Rules) -> Vec<Input<'a>> {
    let mut inputs = vec![Input {
        path,
        role: "rules file",
    }];
    inputs.extend(rules.layers.iter().map(|l| Input {
        path: &l.path,
        role: &l.name,
    }));
    inputs.extend(rules.weights.values().map(|w| Input {
        path: &w.path,
        role: "weights",
    }));
    inputs.extend(rules.rules.iter().filter_map(|r| match &r.check {
        rules::Check::MappedByFile { mapping, .. } => Some(Input {
            path: mapping,
            role: "mapping",
        }),
        _ => None,
    }));
    inputs
}
