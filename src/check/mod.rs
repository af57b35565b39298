//! `footprint check RULES.toml`: run every rule of a rules file against its layers and say
//! which pass. Each rule is the same analysis and the same verdict as its command's flags
//! (`--require-coterminous`, `--max-plans`, `--strict`, `matrix --require-nested`). [`run`] is pure: loaded layers and
//! inputs in, results out; [`load_inputs`] reads the weights and mapping files.

pub mod junit;
pub mod rules;

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use crate::analysis::changes;
use crate::analysis::coterminosity;
use crate::analysis::mapping::{self, Mapping};
use crate::analysis::overlay::{overlay, Overlay};
use crate::analysis::scope::{self, Scope};
use crate::analysis::tolerance::{self, Tolerance};
use crate::analysis::validate::{self, ValidateReport};
use crate::analysis::weights::{self, PairWeights, Points};
use crate::analysis::{nesting, spanning, Context, LayerSummary, Verdict};
use crate::error::KernelError;
use crate::layer::Layer;
use rules::{Check, Rule, Rules};

/// The outcome of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    pub name: String,
    /// validate, coterminous, mapped, spanning, nesting or unchanged.
    pub check: &'static str,
    pub passed: bool,
    /// One line: what was found.
    pub summary: String,
    /// What failed, one item a line (empty when passed).
    pub failures: Vec<String>,
    pub tolerance_m: f64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub rules_file: String,
    pub rules: usize,
    pub passed: usize,
    pub failed: usize,
    pub layers: Vec<LayerSummary>,
    /// Warnings about layers and tolerances (each once).
    pub warnings: Vec<String>,
    pub results: Vec<RuleResult>,
}

/// Everything a rules file reads besides its layers, loaded by the caller: weights by their
/// name in the file, mappings by rule position.
#[derive(Default)]
pub struct Inputs {
    pub weights: BTreeMap<String, Points>,
    pub mappings: BTreeMap<usize, Mapping>,
    /// Flows files by their name in [flows].
    pub flows: BTreeMap<String, crate::analysis::flows::Flows>,
}

/// The weights and mapping files `rules` names, each read once.
pub fn load_inputs(rules: &Rules) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    for (i, r) in rules.rules.iter().enumerate() {
        if let Some(name) = r.check.weights() {
            if !inputs.weights.contains_key(name) {
                let spec = &rules.weights[name];
                let p = crate::input::weights::load(&spec.path, &spec.column)?;
                inputs.weights.insert(name.to_string(), p);
            }
        }
        if let Some(name) = r.check.flows() {
            if !inputs.flows.contains_key(name) {
                let spec = &rules.flows[name];
                let f = crate::input::flows::load(&spec.path, &spec.spec)?;
                inputs.flows.insert(name.to_string(), f);
            }
            let f = &inputs.flows[name];
            if f.kind == crate::analysis::flows::FlowKind::Share && r.check.weights().is_none() {
                anyhow::bail!(
                    "{}: rule {:?}: the flows {name:?} ({}) hold shares of each area's residents \
                     in column {} ({}); add weights = \"NAME\" to the rule to turn them into \
                     people, or name a count column with value = \"COLUMN\" in [flows]",
                    rules.path.display(),
                    r.name,
                    f.path.display(),
                    f.columns.value,
                    f.kind_source
                );
            }
        }
        if let Check::MappedByFile {
            mapping, columns, ..
        } = &r.check
        {
            inputs
                .mappings
                .insert(i, crate::input::mapping::load(mapping, columns.as_deref())?);
        }
    }
    Ok(inputs)
}

/// Run every rule on the loaded layers (in the order of `rules.layers`) and inputs.
pub fn run(rules: &Rules, layers: &[Layer], inputs: &Inputs) -> Result<CheckReport> {
    let mut warnings = Warnings::default();
    for l in layers {
        for w in l.warnings() {
            warnings.add(format!("{}: {w}", l.display_name()));
        }
    }
    // Weights notes in the order the rules first use each weights file.
    let mut noted: Vec<&str> = Vec::new();
    for name in rules.rules.iter().filter_map(|r| r.check.weights()) {
        if !noted.contains(&name) {
            noted.push(name);
            for n in &inputs.weights[name].notes {
                warnings.add(n.clone());
            }
        }
    }
    let results: Vec<RuleResult> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let used: Vec<&Layer> = rule
                .check
                .layers()
                .iter()
                .map(|n| &layers[rules.layer(n)])
                .collect();
            rule_result(rule, &used, inputs, i, &mut warnings)
        })
        .collect::<Result<_, KernelError>>()?;
    let passed = results.iter().filter(|r| r.passed).count();
    Ok(CheckReport {
        rules_file: rules.path.display().to_string(),
        rules: results.len(),
        passed,
        failed: results.len() - passed,
        layers: rules
            .layers
            .iter()
            .zip(layers)
            .map(|(s, l)| LayerSummary::new(&s.name, l))
            .collect(),
        warnings: warnings.0,
        results,
    })
}

/// Warnings, each once, in the order first said.
#[derive(Default)]
struct Warnings(Vec<String>);

impl Warnings {
    fn add(&mut self, w: String) {
        if !self.0.contains(&w) {
            self.0.push(w);
        }
    }
}

/// Rule number `i` on its layers, timed.
fn rule_result(
    rule: &Rule,
    used: &[&Layer],
    inputs: &Inputs,
    i: usize,
    warnings: &mut Warnings,
) -> Result<RuleResult, KernelError> {
    let start = Instant::now();
    let (tolerance, tw) = tolerance::resolve(rule.tolerance, used);
    for w in tw {
        warnings.add(w);
    }
    let pts = rule.check.weights().map(|n| &inputs.weights[n]);
    let verdict = match rule.check.flows() {
        Some(name) => spanning_flows(rule, used, &tolerance, pts, &inputs.flows[name], warnings)?,
        None => run_rule(
            rule,
            used,
            &tolerance,
            pts,
            inputs.mappings.get(&i),
            warnings,
        )?,
    };
    Ok(RuleResult {
        name: rule.name.clone(),
        check: rule.check.kind(),
        passed: verdict.passed,
        summary: verdict.summary,
        failures: verdict.failures,
        tolerance_m: tolerance.metres,
        seconds: (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    })
}

/// One rule: analyse its layers, then the analysis's own verdict.
fn run_rule(
    rule: &Rule,
    layers: &[&Layer],
    tolerance: &Tolerance,
    points: Option<&Points>,
    mapping: Option<&Mapping>,
    warnings: &mut Warnings,
) -> Result<Verdict, KernelError> {
    Ok(match &rule.check {
        Check::Validate {
            strict,
            all_countries,
            ..
        } => {
            let scoped = match all_countries {
                true => None,
                false => scoped_extent(layers, warnings),
            };
            let extent = scoped.as_ref().or(layers.get(1).copied());
            validate::verdict(&ValidateReport::new(
                layers[0],
                extent,
                tolerance,
                *strict,
                vec![],
            )?)
        }
        Check::Coterminous {
            max_split_units,
            max_split_share,
            all_countries,
            ..
        } => {
            let limits = coterminosity::Limits {
                max_split_units: *max_split_units,
                max_split_share: *max_split_share,
            };
            let report = coterminous(layers, tolerance, points, *all_countries, warnings)?;
            coterminosity::verdict(&report, &limits)
        }
        Check::MappedByFile { .. } => match mapping {
            Some(m) => mapping::cover(m, layers[0]).verdict(m, layers[0]),
            None => Verdict {
                passed: false,
                summary: "the mapping file was not loaded".into(),
                failures: vec!["internal: mapping missing".into()],
            },
        },
        Check::MappedInFootprints { all_countries, .. } => coterminosity::verdict_in_footprints(
            &coterminous(layers, tolerance, None, *all_countries, warnings)?,
            &layers[1].display_name(),
        ),
        Check::SpanningFlows { .. } => unreachable!("rule_result runs flows rules"),
        Check::Spanning {
            max_plans,
            min_share,
            ..
        } => {
            let (providers, plans) = (layers[0], layers[1]);
            let (ov, pw) = overlay_with(providers, plans, tolerance, points, warnings)?;
            let report = spanning::analyse(
                &providers.features,
                &plans.features,
                &ov,
                pw.as_ref(),
                *min_share,
                bare_context(tolerance),
            );
            spanning::verdict(&report, *max_plans)
        }
        Check::Nesting {
            built_from,
            all_countries,
            ..
        } => {
            let (a, b) = (layers[0], layers[1]);
            let (ov, _) = overlay_with(a, b, tolerance, None, warnings)?;
            let a_in_b = scoped_report(a, b, &ov, None, tolerance, *all_countries);
            let nested = nesting::nested(&a_in_b, &b.display_name());
            if *built_from {
                let back = ov.transposed();
                let b_in_a = scoped_report(b, a, &back, None, tolerance, *all_countries);
                let uncovered = nesting::uncovered(&b_in_a, &back, &b.features);
                nesting::built_from(&nested, &uncovered, b.features.len())
            } else {
                nested
            }
        }
        Check::Unchanged { .. } => {
            let (old, new) = (layers[0], layers[1]);
            let (ov, _) = overlay_with(old, new, tolerance, None, warnings)?;
            let report = changes::analyse(
                &old.features,
                &new.features,
                &ov,
                None,
                bare_context(tolerance),
            );
            changes::verdict(&report)
        }
    })
}

/// A spanning rule by flows: the areas (layers[0]) placed in the plans (layers[1]) as
/// `spanning --flows` places them, and the same verdict.
fn spanning_flows(
    rule: &Rule,
    layers: &[&Layer],
    tolerance: &Tolerance,
    points: Option<&Points>,
    flows: &crate::analysis::flows::Flows,
    warnings: &mut Warnings,
) -> Result<Verdict, KernelError> {
    let Check::SpanningFlows {
        max_plans,
        min_share,
        ..
    } = &rule.check
    else {
        unreachable!("spanning_flows runs spanning rules by flows");
    };
    let placed = coterminous(layers, tolerance, points, false, warnings)?;
    let label = points.map(|p| {
        format!(
            "{} ({})",
            p.path.display(),
            p.column.as_deref().unwrap_or("each point weighs 1")
        )
    });
    let report =
        crate::analysis::flows::report(flows, &placed, layers[0], label.as_deref(), *min_share);
    for w in &report.context.warnings {
        warnings.add(w.to_string());
    }
    Ok(spanning::verdict(&report, *max_plans))
}

/// Units (layers[0]) against footprints (layers[1]).
fn coterminous(
    layers: &[&Layer],
    tolerance: &Tolerance,
    points: Option<&Points>,
    all_countries: bool,
    warnings: &mut Warnings,
) -> Result<coterminosity::CoterminosityReport, KernelError> {
    let (units, footprints) = (layers[0], layers[1]);
    let (ov, pw) = overlay_with(units, footprints, tolerance, points, warnings)?;
    Ok(scoped_report(
        units,
        footprints,
        &ov,
        pw.as_ref(),
        tolerance,
        all_countries,
    ))
}

/// The coterminosity report of `units` against `footprints` from their overlay `ov`.
fn scoped_report(
    units: &Layer,
    footprints: &Layer,
    ov: &Overlay,
    pw: Option<&PairWeights>,
    tolerance: &Tolerance,
    all_countries: bool,
) -> coterminosity::CoterminosityReport {
    let mut report = coterminosity::analyse(
        &units.features,
        &footprints.features,
        ov,
        pw,
        bare_context(tolerance),
    );
    // Units of another country than every footprint are out of scope, as in the command.
    if let Some(s) = Scope::decide("footprints", &footprints.features).filter(|_| !all_countries) {
        scope::coterminosity(&mut report, s);
    }
    report
}

/// A validate rule's extent (layers[1]) limited to the country of every code of its layer
/// (layers[0]), as `validate` does; None when there is no extent or nothing to leave out.
fn scoped_extent(layers: &[&Layer], warnings: &mut Warnings) -> Option<Layer> {
    let extent = layers.get(1)?;
    let mut scope = Scope::decide("layer", &layers[0].features)?;
    if !extent.features.iter().any(|f| scope.excludes(&f.code)) {
        return None;
    }
    let mut limited = (*extent).clone();
    let note = scope::limit_extent(&mut limited, "extent", &mut scope)?;
    warnings.add(note.to_string());
    Some(limited)
}

fn overlay_with(
    a: &Layer,
    b: &Layer,
    tolerance: &Tolerance,
    points: Option<&Points>,
    warnings: &mut Warnings,
) -> Result<(Overlay, Option<PairWeights>), KernelError> {
    let ov = overlay(&a.features, &b.features, tolerance.metres, false);
    if !ov.failed.is_empty() {
        return Err(KernelError::pairs(a, b, &ov.failed));
    }
    let pw = points.map(|p| weights::pair_weights(p, &a.features, &b.features, &ov));
    if let Some(pw) = &pw {
        for n in pw.notes(&a.display_name(), &b.display_name()) {
            warnings.add(n);
        }
    }
    Ok((ov, pw))
}

/// The analyses want a report context; check reports its own, so this one stays bare.
fn bare_context(tolerance: &Tolerance) -> Context {
    Context::bare(tolerance.metres, &tolerance.source)
}
