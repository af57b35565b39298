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
    /// With weights: the weight of the provider's points in this plan, and in the provider.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub overlap_weight: Option<f64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub provider_weight: Option<f64>,
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
    let ranges = overlay.ranges_of_a(providers.len());
    for ((i, provider), range) in providers.iter().enumerate().zip(ranges) {
        let (start, k) = (range.start, range.end);
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
                overlap_weight: weights.map(|w| w.a_weight[k]),
                provider_weight: weights.map(|w| w.a_total[i]),
            });
        }
        summaries.push(ProviderSummary {
            provider_code: provider.code.clone(),
            provider_name: provider.name.clone(),
            plans_spanned: spanned,
            minor_plans: (k - start) - spanned,
        });
    }
    let mut context = context;
    context
        .warnings
        .extend(weights.and_then(|w| super::weights::coarse_warning(w, overlay, providers, plans)));
    SpanningReport {
        context,
        min_share,
        counted_by: if weights.is_some() { "weight" } else { "area" }.to_string(),
        providers: summaries,
        rows,
    }
}

/// What [`verdict`] needs of a report of providers spanning plans: by their catchments'
/// area or weight ([`SpanningReport`]) or by their patients ([`super::flows::FlowsReport`]).
pub trait Spans {
    fn min_share(&self) -> f64;
    /// Which share counts a plan: `area`, `weight` or `flow`.
    fn counted_by(&self) -> &str;
    /// Each provider: code, name and the plans it counts.
    fn spans(&self) -> Vec<(&str, &str, usize)>;
    /// The plans `provider` counts, with the share that counted each, largest first.
    fn counted(&self, provider: &str) -> Vec<(&str, f64)>;
}

impl Spans for SpanningReport {
    fn min_share(&self) -> f64 {
        self.min_share
    }
    fn counted_by(&self) -> &str {
        &self.counted_by
    }
    fn spans(&self) -> Vec<(&str, &str, usize)> {
        self.providers
            .iter()
            .map(|p| {
                (
                    p.provider_code.as_str(),
                    p.provider_name.as_str(),
                    p.plans_spanned,
                )
            })
            .collect()
    }
    fn counted(&self, provider: &str) -> Vec<(&str, f64)> {
        self.rows
            .iter()
            .filter(|r| r.provider_code == provider)
            .map(|r| {
                let share = r
                    .provider_weight_share
                    .flatten()
                    .unwrap_or(r.provider_share);
                (r.plan_code.as_str(), share)
            })
            .collect()
    }
}

/// Pass when no provider spans more than `max_plans` plans.
pub fn verdict<R: Spans>(report: &R, max_plans: usize) -> Verdict {
    let spans = report.spans();
    let over: Vec<String> = spans
        .iter()
        .filter(|(_, _, spanned)| *spanned > max_plans)
        .map(|(code, name, spanned)| {
            let parts: Vec<String> = report
                .counted(code)
                .iter()
                .map(|(plan, share)| {
                    // As written in the report (6 decimals), like the coterminosity verdict.
                    format!("{} {:.0}%", plan, crate::report::round6(*share) * 100.0)
                })
                .collect();
            format!("{code} {name}: {spanned} plans ({})", parts.join(", "))
        })
        .collect();
    let widest = spans.iter().map(|s| s.2).max().unwrap_or(0);
    Verdict {
        passed: over.is_empty(),
        summary: format!(
            "{} of {} providers span more than {max_plans} plan{} (most: {widest}; a plan counts at {} share >= {})",
            over.len(),
            spans.len(),
            crate::layer::plural(max_plans),
            report.counted_by(),
            report.min_share()
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
            overlap_weight: None,
            provider_weight: None,
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
            context: Context::bare(0.0, ""),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::km_layer as layer;
    use crate::analysis::overlay::overlay;

    fn context() -> Context {
        Context::bare(300.0, "test")
    }

    /// Three plans in a row, 10 km squares: x = 0..10, 10..20, 20..30 km.
    fn plans() -> Vec<Feature> {
        layer(&[
            ("A", [0.0, 0.0, 10.0, 10.0]),
            ("B", [10.0, 0.0, 20.0, 10.0]),
            ("C", [20.0, 0.0, 30.0, 10.0]),
        ])
    }

    /// P spans A and B 40/60; Q lies in B with 4% in C (a minor plan at min_share 0.05, but a
    /// real overlap: 400 m wide); R spans
    /// all three (2 + 10 + 2 km wide: 1/7, 5/7, 1/7); N is in no plan.
    fn providers() -> Vec<Feature> {
        layer(&[
            ("P", [6.0, 1.0, 16.0, 9.0]),
            ("Q", [10.4, 1.0, 20.4, 6.0]),
            ("R", [8.0, 3.0, 22.0, 4.0]),
            ("N", [40.0, 1.0, 42.0, 3.0]),
        ])
    }

    fn rows_of<'a>(r: &'a SpanningReport, provider: &str) -> Vec<&'a SpanRow> {
        r.rows
            .iter()
            .filter(|x| x.provider_code == provider)
            .collect()
    }

    fn plans_of(r: &SpanningReport, provider: &str) -> Vec<String> {
        rows_of(r, provider)
            .iter()
            .map(|x| x.plan_code.clone())
            .collect()
    }

    #[test]
    fn plans_counted_by_area_share() {
        let (p, q) = (providers(), plans());
        let o = overlay(&p, &q, 300.0, false);
        let r = analyse(&p, &q, &o, None, 0.05, context());
        assert_eq!(r.counted_by, "area");
        assert_eq!(r.min_share, 0.05);
        // Rows of a provider: largest share first.
        assert_eq!(plans_of(&r, "P"), ["B", "A"]);
        let rp = rows_of(&r, "P");
        assert!(
            (rp[0].provider_share - 0.6).abs() < 0.002,
            "{}",
            rp[0].provider_share
        );
        assert!(
            (rp[1].provider_share - 0.4).abs() < 0.002,
            "{}",
            rp[1].provider_share
        );
        assert!(rp.iter().all(|x| x.plans_spanned == 2));
        assert_eq!(rp[0].provider_name, "P name");
        assert_eq!(rp[0].plan_name, "B name");
        assert_eq!(rp[0].provider_weight_share, None);
        // 4% in C is under min_share: not a row, counted as a minor plan.
        assert_eq!(plans_of(&r, "Q"), ["B"]);
        assert_eq!(plans_of(&r, "R"), ["B", "A", "C"]);
        assert!(rows_of(&r, "R").iter().all(|x| x.plans_spanned == 3));
        assert!(rows_of(&r, "N").is_empty());

        let summary: Vec<(&str, usize, usize)> = r
            .providers
            .iter()
            .map(|s| (s.provider_code.as_str(), s.plans_spanned, s.minor_plans))
            .collect();
        assert_eq!(
            summary,
            [("P", 2, 0), ("Q", 1, 1), ("R", 3, 0), ("N", 0, 0)]
        );
    }

    #[test]
    fn min_share_decides_what_counts() {
        let (p, q) = (providers(), plans());
        let o = overlay(&p, &q, 300.0, false);
        // At 0.2, R's 1/7 parts (0.143) no longer count.
        let r = analyse(&p, &q, &o, None, 0.2, context());
        assert_eq!(plans_of(&r, "R"), ["B"]);
        assert_eq!(r.providers[2].plans_spanned, 1);
        assert_eq!(r.providers[2].minor_plans, 2);
        // At 0 every retained pair counts, Q's 4% too.
        let r = analyse(&p, &q, &o, None, 0.0, context());
        assert_eq!(plans_of(&r, "Q"), ["B", "C"]);
        assert_eq!(r.providers[1].minor_plans, 0);
        // Above 1 nothing does.
        let r = analyse(&p, &q, &o, None, 1.01, context());
        assert!(r.rows.is_empty());
        assert!(r.providers.iter().all(|s| s.plans_spanned == 0));
        assert_eq!(r.providers[0].minor_plans, 2);
    }

    #[test]
    fn weight_shares_decide_when_the_provider_holds_weight() {
        let (p, q) = (providers(), plans());
        let o = overlay(&p, &q, 300.0, false);
        let pairs: Vec<(usize, usize)> = o.pairs.iter().map(|x| (x.a, x.b)).collect();
        assert_eq!(
            pairs,
            [(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)]
        );
        // P: most weight in A (the smaller area); Q: exactly min_share in C (counts); R holds
        // no weight (area decides).
        let w = PairWeights {
            a_share: vec![
                Some(0.9),
                Some(0.1),
                Some(0.95),
                Some(0.05),
                None,
                None,
                None,
            ],
            b_share: vec![None; 7],
            a_weight: vec![0.0; 7],
            b_weight: vec![0.0; 7],
            a_total: vec![100.0, 20.0, 0.0, 0.0],
            b_total: vec![0.0; 3],
            ..PairWeights::default()
        };
        let r = analyse(&p, &q, &o, Some(&w), 0.05, context());
        assert_eq!(r.counted_by, "weight");
        assert_eq!(plans_of(&r, "P"), ["A", "B"]);
        let rp = rows_of(&r, "P");
        assert_eq!(rp[0].provider_weight_share, Some(Some(0.9)));
        // The area share is still reported beside it.
        assert!((rp[0].provider_share - 0.4).abs() < 0.002);
        assert_eq!(plans_of(&r, "Q"), ["B", "C"]);
        assert_eq!(r.providers[1].minor_plans, 0);
        // R holds no weight: counted by area, its weight shares null.
        assert_eq!(plans_of(&r, "R"), ["B", "A", "C"]);
        assert!(rows_of(&r, "R")
            .iter()
            .all(|x| x.provider_weight_share == Some(None)));
        // A weight share just under min_share does not count.
        let mut w2 = w.clone();
        w2.a_share[3] = Some(0.049_999);
        w2.a_share[2] = Some(0.950_001);
        let r = analyse(&p, &q, &o, Some(&w2), 0.05, context());
        assert_eq!(plans_of(&r, "Q"), ["B"]);
        assert_eq!(r.providers[1].minor_plans, 1);
    }

    #[test]
    fn the_context_passes_through() {
        let (p, q) = (providers(), plans());
        let o = overlay(&p, &q, 300.0, false);
        let mut c = context();
        c.warnings
            .push(crate::analysis::Warning::Note("a warning".into()));
        let r = analyse(&p, &q, &o, None, 0.05, c);
        assert_eq!(
            r.context.warnings,
            [crate::analysis::Warning::Note("a warning".into())]
        );
        assert_eq!(r.context.tolerance_m, 300.0);
    }
}
