//! Providers spanning plans: which providers (trust catchments) serve more than one plan.
//!
//! The overlay is providers (a) x plans (b). A provider counts a plan when its share there is
//! at least `min_share`: its weight share when weights are given and the provider holds
//! weight, its area share otherwise.

use serde::Serialize;

use super::overlay::Overlay;
use super::weights::PairWeights;
use super::{Context, Verdict};
use crate::layer::Feature;

#[derive(Debug, Clone, Serialize)]
pub struct SpanRow {
    pub provider_code: String,
    pub provider_name: String,
    pub plan_code: String,
    pub plan_name: String,
    #[serde(serialize_with = "crate::report::ser6")]
    pub overlap_km2: f64,
    #[serde(serialize_with = "crate::report::ser6")]
    pub provider_share: f64,
    pub plans_spanned: usize,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_opt"
    )]
    pub provider_weight_share: Option<Option<f64>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProviderSummary {
    pub provider_code: String,
    pub provider_name: String,
    pub plans_spanned: usize,
    /// Retained overlaps below min_share, not counted.
    pub minor_plans: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpanningReport {
    #[serde(flatten)]
    pub context: Context,
    pub min_share: f64,
    /// "weight" or "area": which share decides.
    pub counted_by: String,
    pub providers: Vec<ProviderSummary>,
    pub rows: Vec<SpanRow>,
}

pub fn analyse(
    providers: &[Feature],
    plans: &[Feature],
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    min_share: f64,
    context: Context,
) -> SpanningReport {
    let mut rows = Vec::new();
    let mut summaries = Vec::new();
    let mut k = 0;
    for (i, provider) in providers.iter().enumerate() {
        let start = k;
        while k < overlay.pairs.len() && overlay.pairs[k].a == i {
            k += 1;
        }
        let by_weight = weights.is_some_and(|w| w.a_total[i] > 0.0);
        let deciding = |k: usize| {
            let p = &overlay.pairs[k];
            if by_weight {
                weights.and_then(|w| w.a_share[k]).unwrap_or(0.0)
            } else {
                p.area_m2 / provider.area_m2
            }
        };
        let mut counted: Vec<usize> = (start..k).filter(|&k| deciding(k) >= min_share).collect();
        counted.sort_by(|&x, &y| deciding(y).total_cmp(&deciding(x)));
        let spanned = counted.len();
        for k in counted {
            let p = &overlay.pairs[k];
            let plan = &plans[p.b];
            rows.push(SpanRow {
                provider_code: provider.code.clone(),
                provider_name: provider.name.clone(),
                plan_code: plan.code.clone(),
                plan_name: plan.name.clone(),
                overlap_km2: p.area_m2 / 1e6,
                provider_share: p.area_m2 / provider.area_m2,
                plans_spanned: spanned,
                provider_weight_share: weights.map(|w| w.a_share[k]),
            });
        }
        summaries.push(ProviderSummary {
            provider_code: provider.code.clone(),
            provider_name: provider.name.clone(),
            plans_spanned: spanned,
            minor_plans: (k - start) - spanned,
        });
    }
    SpanningReport {
        context,
        min_share,
        counted_by: if weights.is_some() { "weight" } else { "area" }.to_string(),
        providers: summaries,
        rows,
    }
}

/// Pass when no provider spans more than `max_plans` plans.
pub fn verdict(report: &SpanningReport, max_plans: usize) -> Verdict {
    let over: Vec<String> = report
        .providers
        .iter()
        .filter(|p| p.plans_spanned > max_plans)
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
                    format!(
                        "{} {:.0}%",
                        r.plan_code,
                        crate::report::round6(share) * 100.0
                    )
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
    Verdict {
        passed: over.is_empty(),
        summary: format!(
            "{} of {} providers span more than {max_plans} plans (most: {widest}; a plan counts at {} share >= {})",
            over.len(),
            report.providers.len(),
            report.counted_by,
            report.min_share
        ),
        failures: over,
    }
}

#[cfg(test)]
mod verdict_tests {
    use super::*;

    fn row(provider: &str, plan: &str, share: f64, spanned: usize) -> SpanRow {
        SpanRow {
            provider_code: provider.into(),
            provider_name: format!("{provider} trust"),
            plan_code: plan.into(),
            plan_name: String::new(),
            overlap_km2: 1.0,
            provider_share: share,
            plans_spanned: spanned,
            provider_weight_share: None,
        }
    }

    fn report() -> SpanningReport {
        let summary = |code: &str, spanned| ProviderSummary {
            provider_code: code.into(),
            provider_name: format!("{code} trust"),
            plans_spanned: spanned,
            minor_plans: 0,
        };
        SpanningReport {
            context: Context {
                layers: vec![],
                tolerance_m: 0.0,
                tolerance_source: String::new(),
                weights_file: None,
                weight_column: None,
                weights_outside: Vec::new(),
                noise_pairs_dropped: 0,
                noise_km2_dropped: 0.0,
                warnings: vec![],
            },
            min_share: 0.05,
            counted_by: "area".into(),
            providers: vec![summary("T1", 3), summary("T2", 1)],
            rows: vec![
                row("T1", "P1", 0.5, 3),
                row("T1", "P2", 0.3, 3),
                row("T1", "P3", 0.2, 3),
                row("T2", "P1", 1.0, 1),
            ],
        }
    }

    #[test]
    fn max_plans_decides() {
        let v = verdict(&report(), 2);
        assert!(!v.passed);
        assert_eq!(
            v.summary,
            "1 of 2 providers span more than 2 plans (most: 3; a plan counts at area share >= 0.05)"
        );
        assert_eq!(
            v.failures,
            ["T1 T1 trust: 3 plans (P1 50%, P2 30%, P3 20%)"]
        );
        let v = verdict(&report(), 3);
        assert!(v.passed && v.failures.is_empty());
    }
}
