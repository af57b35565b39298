//! `footprint check RULES.toml [--junit FILE]`.

use std::path::{Path, PathBuf};

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
    let files = rules_inputs(&args.rules, &rules);
    let inputs: Vec<Input> = files
        .iter()
        .map(|(path, role)| Input { path, role })
        .collect();
    output::preflight(&outputs, &inputs)?;
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
    let clean = result.failed == 0;
    footprint::dispose((layers, inputs, result));
    Ok(if clean {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// Every file a rules file reads: itself, its layers, weights and mappings, with their
/// roles for messages.
fn rules_inputs(path: &Path, rules: &rules::Rules) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = vec![(path.to_path_buf(), "rules file".into())];
    for l in &rules.layers {
        files.push((
            l.path.clone(),
            format!("{} layer of the rules file", l.name),
        ));
    }
    for (name, w) in &rules.weights {
        files.push((w.path.clone(), format!("{name} weights of the rules file")));
    }
    for (name, f) in &rules.flows {
        files.push((f.path.clone(), format!("{name} flows of the rules file")));
    }
    for r in &rules.rules {
        if let rules::Check::MappedByFile { mapping, .. } = &r.check {
            files.push((mapping.clone(), format!("mapping of rule {:?}", r.name)));
        }
    }
    files
}
