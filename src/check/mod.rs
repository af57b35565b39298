//! `footprint check RULES.toml`: run every rule of a rules file against its layers and say
//! which pass. Pure: loaded layers in, results out; the command prints and writes.

pub mod junit;
pub mod rules;

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use crate::analysis::coterminosity::{self, Status};
use crate::analysis::overlay::{overlay, Overlay};
use crate::analysis::tolerance::{self, Tolerance};
use crate::analysis::validate::{Severity, ValidateReport};
use crate::analysis::weights::{self, PairWeights, Points};
use crate::analysis::{mapping, spanning, Context, LayerSummary};
use crate::layer::{list_some, Layer};
use rules::{Check, Rule, Rules};

/// The outcome of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    pub name: String,
    /// validate, coterminous, mapped or spanning.
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

/// Run every rule on the loaded layers (in the order of `rules.layers`).
pub fn run(rules: &Rules, layers: &[Layer]) -> Result<CheckReport> {
    let mut warnings: Vec<String> = Vec::new();
    let mut add_warning = |w: String| {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    };
    for l in layers {
        for w in l.warnings() {
            add_warning(format!("{}: {w}", l.display_name()));
        }
    }
    let mut points: BTreeMap<String, Points> = BTreeMap::new();
    for r in &rules.rules {
        if let Some(name) = r.check.weights() {
            if !points.contains_key(name) {
                let spec = &rules.weights[name];
                let p = crate::input::weights::load(&spec.path, &spec.column)?;
                for n in &p.notes {
                    add_warning(n.clone());
                }
                points.insert(name.to_string(), p);
            }
        }
    }
    let mut results = Vec::new();
    for rule in &rules.rules {
        let start = Instant::now();
        let used: Vec<&Layer> = rule
            .check
            .layers()
            .iter()
            .map(|n| &layers[rules.layer(n)])
            .collect();
        let (tolerance, tw) = tolerance::resolve(rule.tolerance, &used);
        for w in tw {
            add_warning(w);
        }
        let pts = rule.check.weights().map(|n| &points[n]);
        let (passed, summary, failures) = run_rule(rule, &used, &tolerance, pts)?;
        results.push(RuleResult {
            name: rule.name.clone(),
            check: rule.check.kind(),
            passed,
            summary,
            failures,
            tolerance_m: tolerance.metres,
            seconds: (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        });
    }
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
        warnings,
        results,
    })
}

type Verdict = (bool, String, Vec<String>);

fn run_rule(
    rule: &Rule,
    layers: &[&Layer],
    tolerance: &Tolerance,
    points: Option<&Points>,
) -> Result<Verdict> {
    Ok(match &rule.check {
        Check::Validate { strict, .. } => {
            let report = ValidateReport::new(
                layers[0],
                layers.get(1).copied(),
                tolerance,
                *strict,
                vec![],
            );
            let failures = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| {
                    let codes = match (f.code.is_empty(), f.other_code.is_empty()) {
                        (true, _) => String::new(),
                        (false, true) => format!(" {}", f.code),
                        (false, false) => format!(" {} / {}", f.code, f.other_code),
                    };
                    format!("{}{codes}: {}", f.kind.as_str(), f.detail)
                })
                .collect();
            (
                report.summary.passed,
                crate::commands::validate::verdict(&report),
                failures,
            )
        }
        Check::Coterminous {
            max_split_units,
            max_split_share,
            ..
        } => {
            let (units, footprints) = (layers[0], layers[1]);
            let (ov, pw) = overlay_with(units, footprints, tolerance, points);
            let report = coterminosity::analyse(
                &units.features,
                &footprints.features,
                &ov,
                pw.as_ref(),
                bare_context(tolerance),
            );
            // Per split unit: the share lying outside its best-fit footprint.
            let mut split: Vec<(String, String, f64, Vec<String>)> = Vec::new();
            for row in report.units.iter().filter(|r| r.status == Status::Split) {
                let share = row.unit_weight_share.flatten().unwrap_or(row.unit_share);
                let by = if row.unit_weight_share.flatten().is_some() {
                    "weight"
                } else {
                    "area"
                };
                if split.last().is_none_or(|s| s.0 != row.unit_code) {
                    split.push((
                        row.unit_code.clone(),
                        row.unit_name.clone(),
                        0.0,
                        Vec::new(),
                    ));
                }
                let s = split.last_mut().expect("pushed above");
                if !row.best_fit {
                    s.2 += share;
                }
                s.3.push(format!(
                    "{:.0}% of {by} in {}{}",
                    share * 100.0,
                    row.footprint_code,
                    if row.best_fit { " (best fit)" } else { "" }
                ));
            }
            let limit_units = max_split_units.unwrap_or(if max_split_share.is_some() {
                usize::MAX
            } else {
                0
            });
            let too_many = split.len() > limit_units;
            let too_split: Vec<&(String, String, f64, Vec<String>)> = match max_split_share {
                Some(x) => split.iter().filter(|s| s.2 > *x).collect(),
                None => Vec::new(),
            };
            let passed = !too_many && too_split.is_empty();
            let mut summary = format!("{} of {} units split", split.len(), report.summary.units);
            if limit_units != usize::MAX {
                summary.push_str(&format!(" (at most {limit_units} allowed)"));
            }
            if let Some(x) = max_split_share {
                summary.push_str(&format!(
                    "; {} with more than {:.0}% outside its best-fit footprint",
                    too_split.len(),
                    x * 100.0
                ));
            }
            let failures = if passed {
                Vec::new()
            } else {
                let shown: Vec<&(String, String, f64, Vec<String>)> = if too_many {
                    split.iter().collect()
                } else {
                    too_split
                };
                shown
                    .iter()
                    .map(|(code, name, outside, parts)| {
                        format!(
                            "{code} {name}: {:.0}% outside its best fit; {}",
                            outside * 100.0,
                            parts.join(", ")
                        )
                    })
                    .collect()
            };
            (passed, summary, failures)
        }
        Check::MappedByFile {
            mapping: path,
            columns,
            ..
        } => {
            let m = crate::input::mapping::load(path, columns.as_deref())?;
            let cover = mapping::cover(&m, layers[0]);
            let failures = cover.warnings(&m, layers[0]);
            (
                cover.is_complete(),
                format!(
                    "{} units: {} not mapped, {} mapped codes not in the layer, {} mapped without geometry",
                    layers[0].features.len(),
                    cover.unmapped_units.len(),
                    cover.unknown_units.len(),
                    cover.units_without_geometry.len()
                ),
                failures,
            )
        }
        Check::MappedInFootprints { .. } => {
            let (units, footprints) = (layers[0], layers[1]);
            let (ov, _) = overlay_with(units, footprints, tolerance, None);
            let outside: Vec<String> = (0..units.features.len())
                .filter(|&u| ov.of_a(u).next().is_none())
                .map(|u| format!("{} {}", units.features[u].code, units.features[u].name))
                .collect();
            let summary = format!(
                "{} of {} units in no footprint",
                outside.len(),
                units.features.len()
            );
            let failures = if outside.is_empty() {
                Vec::new()
            } else {
                vec![format!(
                    "in no footprint of {}: {}",
                    footprints.display_name(),
                    list_some(&outside, 20)
                )]
            };
            (outside.is_empty(), summary, failures)
        }
        Check::Spanning {
            max_plans,
            min_share,
            ..
        } => {
            let (providers, plans) = (layers[0], layers[1]);
            let (ov, pw) = overlay_with(providers, plans, tolerance, points);
            let report = spanning::analyse(
                &providers.features,
                &plans.features,
                &ov,
                pw.as_ref(),
                *min_share,
                bare_context(tolerance),
            );
            let over: Vec<String> = report
                .providers
                .iter()
                .filter(|p| p.plans_spanned > *max_plans)
                .map(|p| {
                    let parts: Vec<String> = report
                        .rows
                        .iter()
                        .filter(|r| r.provider_code == p.provider_code)
                        .map(|r| {
                            let share = r
                                .provider_weight_share
                                .flatten()
                                .unwrap_or(r.provider_share);
                            format!("{} {:.0}%", r.plan_code, share * 100.0)
                        })
                        .collect();
                    format!(
                        "{} {}: {} plans ({})",
                        p.provider_code,
                        p.provider_name,
                        p.plans_spanned,
                        parts.join(", ")
                    )
                })
                .collect();
            let widest = report
                .providers
                .iter()
                .map(|p| p.plans_spanned)
                .max()
                .unwrap_or(0);
            (
                over.is_empty(),
                format!(
                    "{} of {} providers span more than {max_plans} plans (most: {widest}; a plan counts at {} share >= {min_share})",
                    over.len(),
                    report.providers.len(),
                    report.counted_by
                ),
                over,
            )
        }
    })
}

fn overlay_with(
    a: &Layer,
    b: &Layer,
    tolerance: &Tolerance,
    points: Option<&Points>,
) -> (Overlay, Option<PairWeights>) {
    let ov = overlay(&a.features, &b.features, tolerance.metres, false);
    let pw = points.map(|p| weights::pair_weights(p, &a.features, &b.features, &ov));
    (ov, pw)
}

/// The analyses want a report context; check reports its own, so this one stays bare.
fn bare_context(tolerance: &Tolerance) -> Context {
    Context {
        layers: Vec::new(),
        tolerance_m: tolerance.metres,
        tolerance_source: tolerance.source.clone(),
        weights_file: None,
        weight_column: None,
        noise_pairs_dropped: 0,
        noise_km2_dropped: 0.0,
        warnings: Vec::new(),
    }
}
