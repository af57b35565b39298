//! Providers spanning plans by their flows: hospital trusts have no boundaries, but their
//! patients live somewhere. A flows file gives, for each (provider, area), a count of people
//! (patients, catchment population) or a share of the area's residents (turned into people
//! by the area's weight). Each area is placed in the plans by the coterminosity analysis of
//! areas x plans (the same overlay, tolerance, shore and scope rules as everything else): a
//! whole area's flow goes to its plan, a split area's flow is divided by its weight shares
//! (area shares when it holds no weight), an area in no plan counts as outside, and one of
//! another country than the plans as out of scope. A provider counts a plan when the plan
//! holds at least `min_share` of the provider's flow, as [`super::spanning`] counts plans by
//! area or weight, and [`super::spanning::verdict`] decides `--max-plans` for both.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;

use super::coterminosity::{CoterminosityReport, Status};
use super::spanning::Spans;
use super::{Context, Warning};
use crate::layer::Layer;

/// How the values of a flows file are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// People (patients, catchment population): used as they are.
    Count,
    /// A share of the area's residents: multiplied by the area's weight (`--weights`).
    Share,
}

impl FlowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowKind::Count => "count",
            FlowKind::Share => "share",
        }
    }
}

/// The columns a flows file is read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowColumns {
    pub provider: String,
    pub name: Option<String>,
    pub area: String,
    pub value: String,
}

/// One usable row of a flows file.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub provider_code: String,
    pub provider_name: String,
    pub area_code: String,
    pub value: f64,
}

/// A row not used, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedRow {
    pub line: usize,
    pub provider_code: String,
    pub area_code: String,
    /// The kind of problem, for counting: `not a number`, `negative`, `duplicate`, ...
    pub reason: &'static str,
    /// The row's problem in full, with its line and column.
    pub detail: String,
}

/// A flows file as read: the rows used and the rows skipped.
#[derive(Debug, Clone)]
pub struct Flows {
    pub path: PathBuf,
    pub columns: FlowColumns,
    pub kind: FlowKind,
    /// Why the values are read as `kind`.
    pub kind_source: String,
    /// Data rows in the file (used + skipped).
    pub rows_read: usize,
    pub rows: Vec<FlowRow>,
    pub skipped: Vec<SkippedRow>,
    pub notes: Vec<String>,
}

impl Flows {
    /// `3 not a number, 1 negative`: the skipped rows counted by reason, in first-seen order.
    pub fn skipped_summary(&self) -> String {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for s in &self.skipped {
            match counts.iter_mut().find(|(r, _)| *r == s.reason) {
                Some((_, n)) => *n += 1,
                None => counts.push((s.reason, 1)),
            }
        }
        counts
            .iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where an area's flow goes: to plans by fraction (adding to 1), or outside.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// (plan code, plan name, fraction of the area's flow).
    pub parts: Vec<(String, String, f64)>,
    pub status: Status,
    /// The area's weight (the weight of its points), with weights.
    pub weight: Option<f64>,
}

/// Each area's placement in the plans, by area code, from the coterminosity report of areas
/// (units) x plans (footprints), its scope applied. A split area's flow is divided by its
/// weight shares when it holds weight, else by its area shares, scaled to add to 1 (slivers
/// and sea drawn differently take nothing from its people; plans that both claim an area
/// share it). An area given to a plan at the shore goes to it whole. With several features
/// of one code (the loader warns of them), the first is used.
pub fn placements(report: &CoterminosityReport) -> HashMap<String, Placement> {
    let mut out: HashMap<String, Placement> = HashMap::new();
    for group in report.units.chunk_by(|x, y| x.unit_code == y.unit_code) {
        let first = &group[0];
        if out.contains_key(&first.unit_code) {
            continue;
        }
        let weight = first.unit_weight;
        let by_weight = weight.is_some_and(|w| w > 0.0);
        let held: Vec<_> = group
            .iter()
            .filter(|r| !r.footprint_code.is_empty())
            .collect();
        let share = |r: &&super::coterminosity::UnitRow| {
            if by_weight {
                r.unit_weight_share.flatten().unwrap_or(0.0)
            } else {
                r.unit_share
            }
        };
        let mut total: f64 = held.iter().map(share).sum();
        let mut by: &dyn Fn(&&super::coterminosity::UnitRow) -> f64 = &share;
        let area_share = |r: &&super::coterminosity::UnitRow| r.unit_share;
        if total <= 0.0 && by_weight {
            total = held.iter().map(area_share).sum();
            by = &area_share;
        }
        let n = held.len() as f64;
        let parts = held
            .iter()
            .map(|r| {
                let f = if total > 0.0 { by(r) / total } else { 1.0 / n };
                (r.footprint_code.clone(), r.footprint_name.clone(), f)
            })
            .filter(|p| p.2 > 0.0)
            .collect();
        out.insert(
            first.unit_code.clone(),
            Placement {
                parts,
                status: first.status,
                weight,
            },
        );
    }
    out
}

/// One (provider, plan) counted.
#[derive(Debug, Clone, Serialize)]
pub struct FlowSpanRow {
    pub provider_code: String,
    pub provider_name: String,
    pub plan_code: String,
    pub plan_name: String,
    /// People (patients, residents) of the provider's flow living in the plan.
    #[serde(serialize_with = "crate::report::ser6")]
    pub flow: f64,
    /// `flow` over the provider's whole flow (outside every plan included), 0..1.
    #[serde(serialize_with = "crate::report::ser6")]
    pub provider_flow_share: f64,
    pub plans_spanned: usize,
    /// The provider's areas with flow in the plan (a split area counts in each of its plans).
    pub areas: usize,
    /// The provider's whole flow.
    #[serde(serialize_with = "crate::report::ser6")]
    pub provider_flow: f64,
}

/// One provider of the flows file.
#[derive(Debug, Clone, Serialize)]
pub struct FlowProvider {
    pub provider_code: String,
    pub provider_name: String,
    /// Its whole flow: in plans, outside every plan and out of scope.
    #[serde(serialize_with = "crate::report::ser6")]
    pub flow: f64,
    /// Flow from areas in no plan.
    #[serde(serialize_with = "crate::report::ser6")]
    pub flow_outside: f64,
    /// Flow from areas of another country than every plan (see `analysis::scope`).
    #[serde(serialize_with = "crate::report::ser6")]
    pub flow_out_of_scope: f64,
    /// Its rows used (areas with a flow).
    pub areas: usize,
    pub plans_spanned: usize,
    /// Plans holding some of its flow, but less than min_share: not counted.
    pub minor_plans: usize,
}

/// Where the flows came from and how they were read, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct FlowsSource {
    pub file: String,
    pub provider_column: String,
    pub name_column: Option<String>,
    pub area_column: String,
    pub value_column: String,
    /// count or share.
    pub value_kind: FlowKind,
    pub value_kind_source: String,
    /// The flow counted, in words: the value as it is, or the value x each area's weight.
    pub flow: String,
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_skipped: usize,
    /// Every row not used, with its reason.
    pub skipped: Vec<SkippedRow>,
}

impl FlowsSource {
    /// `60187 rows read, 60187 used, 0 skipped (...)`.
    pub fn counts(&self) -> String {
        let mut s = format!(
            "{} row{} read, {} used, {} skipped",
            self.rows_read,
            crate::layer::plural(self.rows_read),
            self.rows_used,
            self.rows_skipped
        );
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for k in &self.skipped {
            match counts.iter_mut().find(|(r, _)| *r == k.reason) {
                Some((_, n)) => *n += 1,
                None => counts.push((k.reason, 1)),
            }
        }
        if !counts.is_empty() {
            let parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
            s.push_str(&format!(" ({})", parts.join(", ")));
        }
        s
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FlowsSummary {
    pub providers: usize,
    /// Providers counting more than one plan.
    pub providers_spanning: usize,
    #[serde(serialize_with = "crate::report::ser6")]
    pub flow: f64,
    #[serde(serialize_with = "crate::report::ser6")]
    pub flow_outside: f64,
    /// Areas with flows in no plan.
    pub areas_outside: usize,
    #[serde(serialize_with = "crate::report::ser6")]
    pub flow_out_of_scope: f64,
    pub areas_out_of_scope: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlowsReport {
    #[serde(flatten)]
    pub context: Context,
    pub flows: FlowsSource,
    pub min_share: f64,
    /// Always "flow": a provider's share of its flow decides.
    pub counted_by: String,
    pub summary: FlowsSummary,
    pub providers: Vec<FlowProvider>,
    pub rows: Vec<FlowSpanRow>,
}

/// Why an area code of the flows is not in the placements: e.g. `not in the area layer`.
pub type Absent<'a> = &'a dyn Fn(&str) -> String;

/// Providers spanning plans by their flows. `places` come from [`placements`]; `absent`
/// says why an area code has none (it is not in the area layer, or was skipped from it);
/// `weights` names the weights (file and column) that turn shares into people.
pub fn analyse(
    flows: &Flows,
    places: &HashMap<String, Placement>,
    absent: Absent,
    weights: Option<&str>,
    min_share: f64,
    context: Context,
) -> FlowsReport {
    let mut skipped = flows.skipped.clone();
    // Providers in the order the file first names them.
    let mut order: Vec<&str> = Vec::new();
    let mut acc: HashMap<&str, Acc> = HashMap::new();
    let mut outside: HashMap<&str, f64> = HashMap::new();
    let mut out_of_scope: HashMap<&str, f64> = HashMap::new();
    for row in &flows.rows {
        let Some(place) = places.get(&row.area_code) else {
            skipped.push(SkippedRow {
                line: row.line,
                provider_code: row.provider_code.clone(),
                area_code: row.area_code.clone(),
                reason: "area not in the area layer",
                detail: format!(
                    "line {}: area {} {}",
                    row.line,
                    row.area_code,
                    absent(&row.area_code)
                ),
            });
            continue;
        };
        let flow = match flows.kind {
            FlowKind::Count => row.value,
            FlowKind::Share => match place.weight {
                Some(w) if w > 0.0 => row.value * w,
                _ => {
                    skipped.push(SkippedRow {
                        line: row.line,
                        provider_code: row.provider_code.clone(),
                        area_code: row.area_code.clone(),
                        reason: "area holds no weight",
                        detail: format!(
                            "line {}: area {} holds no weight point, so its share cannot \
                             become a number of people",
                            row.line, row.area_code
                        ),
                    });
                    continue;
                }
            },
        };
        let a = acc.entry(&row.provider_code).or_insert_with(|| {
            order.push(&row.provider_code);
            Acc {
                name: &row.provider_name,
                ..Acc::default()
            }
        });
        a.total += flow;
        a.areas += 1;
        match place.status {
            Status::Outside => {
                a.outside += flow;
                *outside.entry(&row.area_code).or_default() += flow;
            }
            Status::OutOfScope => {
                a.out_of_scope += flow;
                *out_of_scope.entry(&row.area_code).or_default() += flow;
            }
            _ => {
                for (code, name, f) in &place.parts {
                    let p = match a.plans.iter_mut().find(|p| p.code == *code) {
                        Some(p) => p,
                        None => {
                            a.plans.push(PlanAcc {
                                code,
                                name,
                                ..PlanAcc::default()
                            });
                            a.plans.last_mut().expect("just pushed")
                        }
                    };
                    p.flow += flow * f;
                    p.areas += 1;
                }
            }
        }
    }
    skipped.sort_by_key(|s| s.line);

    let mut rows = Vec::new();
    let mut providers = Vec::new();
    for code in order {
        let a = &acc[code];
        let share = |p: &PlanAcc| if a.total > 0.0 { p.flow / a.total } else { 0.0 };
        let mut counted: Vec<&PlanAcc> = a
            .plans
            .iter()
            .filter(|p| p.flow > 0.0 && share(p) >= min_share)
            .collect();
        counted.sort_by(|x, y| share(y).total_cmp(&share(x)).then(x.code.cmp(y.code)));
        let spanned = counted.len();
        for p in counted {
            rows.push(FlowSpanRow {
                provider_code: code.to_string(),
                provider_name: a.name.to_string(),
                plan_code: p.code.to_string(),
                plan_name: p.name.to_string(),
                flow: p.flow,
                provider_flow_share: share(p),
                plans_spanned: spanned,
                areas: p.areas,
                provider_flow: a.total,
            });
        }
        providers.push(FlowProvider {
            provider_code: code.to_string(),
            provider_name: a.name.to_string(),
            flow: a.total,
            flow_outside: a.outside,
            flow_out_of_scope: a.out_of_scope,
            areas: a.areas,
            plans_spanned: spanned,
            minor_plans: a.plans.iter().filter(|p| p.flow > 0.0).count() - spanned,
        });
    }

    let total: f64 = providers.iter().map(|p| p.flow).sum();
    let mut context = context;
    context.warnings.extend(area_note(
        &outside,
        total,
        "in no plan",
        "outside every plan",
    ));
    context.warnings.extend(area_note(
        &out_of_scope,
        total,
        "of another country than every plan",
        "out of scope",
    ));
    let flow_of = |m: &HashMap<&str, f64>| m.values().sum::<f64>();
    let summary = FlowsSummary {
        providers: providers.len(),
        providers_spanning: providers.iter().filter(|p| p.plans_spanned > 1).count(),
        flow: total,
        flow_outside: flow_of(&outside),
        areas_outside: outside.len(),
        flow_out_of_scope: flow_of(&out_of_scope),
        areas_out_of_scope: out_of_scope.len(),
    };
    let source = FlowsSource {
        file: flows.path.display().to_string(),
        provider_column: flows.columns.provider.clone(),
        name_column: flows.columns.name.clone(),
        area_column: flows.columns.area.clone(),
        value_column: flows.columns.value.clone(),
        value_kind: flows.kind,
        value_kind_source: flows.kind_source.clone(),
        flow: match (flows.kind, weights) {
            (FlowKind::Count, _) => format!("{}, a count of people", flows.columns.value),
            (FlowKind::Share, Some(w)) => format!(
                "{}, a share of each area's residents, x the area's weight from {w}",
                flows.columns.value
            ),
            (FlowKind::Share, None) => format!(
                "{}, a share of each area's residents, with no weights",
                flows.columns.value
            ),
        },
        rows_read: flows.rows_read,
        rows_used: flows.rows_read - skipped.len(),
        rows_skipped: skipped.len(),
        skipped,
    };
    FlowsReport {
        context,
        flows: source,
        min_share,
        counted_by: "flow".to_string(),
        summary,
        providers,
        rows,
    }
}

/// The flows report from the placement of the `areas` (a coterminosity report of areas x
/// plans, its scope applied): its context is the placement's, with the flows' notes and a
/// note on the rows skipped. `weights` names the weights that turn shares into people.
pub fn report(
    flows: &Flows,
    placed: &CoterminosityReport,
    areas: &Layer,
    weights: Option<&str>,
    min_share: f64,
) -> FlowsReport {
    let places = placements(placed);
    let layer_name = areas.display_name();
    let filtered = !areas.left_out.is_empty();
    let absent = |code: &str| -> String {
        match areas
            .skipped
            .iter()
            .find(|s| s.code.as_deref() == Some(code))
        {
            Some(s) => format!("was skipped from the area layer {layer_name}: {}", s.reason),
            None if filtered => {
                format!("is not in the area layer {layer_name} (or was left out by --where)")
            }
            None => format!("is not in the area layer {layer_name}"),
        }
    };
    let mut context = placed.context.clone();
    context
        .warnings
        .extend(flows.notes.iter().cloned().map(Warning::Note));
    let mut report = analyse(flows, &places, &absent, weights, min_share, context);
    if report.flows.rows_skipped > 0 {
        let f = &report.flows;
        report.context.warnings.push(Warning::Note(skipped_note(f)));
    }
    report
}

/// `flows.csv: 12 of 60187 rows skipped (12 area not in the area layer): line 5: ...`
fn skipped_note(f: &FlowsSource) -> String {
    let first: Vec<&str> = f
        .skipped
        .iter()
        .take(3)
        .map(|s| s.detail.as_str())
        .collect();
    format!(
        "{}: {} of {} rows skipped, their flow counted nowhere ({}): {}{}",
        f.file,
        f.rows_skipped,
        f.rows_read,
        f.counts()
            .split_once(" skipped (")
            .map(|(_, r)| r.trim_end_matches(')'))
            .unwrap_or(""),
        first.join("; "),
        if f.rows_skipped > 3 {
            "; ... (all in --format json)"
        } else {
            ""
        }
    )
}

/// A provider's flow as it is added up.
#[derive(Default)]
struct Acc<'a> {
    name: &'a str,
    total: f64,
    outside: f64,
    out_of_scope: f64,
    areas: usize,
    plans: Vec<PlanAcc<'a>>,
}

#[derive(Default)]
struct PlanAcc<'a> {
    code: &'a str,
    name: &'a str,
    flow: f64,
    areas: usize,
}

/// `3 areas with flows in no plan (120 of the flow, 0.1%): their flow counts as outside
/// every plan: E02..., ...`
fn area_note(areas: &HashMap<&str, f64>, total: f64, what: &str, counted: &str) -> Option<Warning> {
    if areas.is_empty() {
        return None;
    }
    let mut codes: Vec<&str> = areas.keys().copied().collect();
    codes.sort_unstable();
    let flow: f64 = areas.values().sum();
    let share = if total > 0.0 {
        format!(", {:.1}%", flow / total * 100.0)
    } else {
        String::new()
    };
    Some(Warning::Note(format!(
        "{} area{} with flows {what} ({} of the flow{share}): {} flow counts as {counted}: {}",
        codes.len(),
        crate::layer::plural(codes.len()),
        super::weights::amount(crate::report::round6(flow)),
        if codes.len() == 1 { "its" } else { "their" },
        crate::layer::list_some(&codes, 10)
    )))
}

impl Spans for FlowsReport {
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
            .map(|r| (r.plan_code.as_str(), r.provider_flow_share))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::coterminosity;
    use crate::analysis::fixtures::km_layer as layer;
    use crate::analysis::overlay::overlay;

    /// Plans A and B side by side, 10 km squares; areas: W in A, S split 60/40 between A and
    /// B, O beyond both.
    fn setup() -> HashMap<String, Placement> {
        let plans = layer(&[
            ("A", [0.0, 0.0, 10.0, 10.0]),
            ("B", [10.0, 0.0, 20.0, 10.0]),
        ]);
        let areas = layer(&[
            ("W", [1.0, 1.0, 4.0, 4.0]),
            ("S", [4.0, 5.0, 14.0, 9.0]),
            ("O", [40.0, 1.0, 42.0, 3.0]),
        ]);
        let o = overlay(&areas, &plans, 300.0, false);
        let r = coterminosity::analyse(&areas, &plans, &o, None, Context::bare(300.0, "t"));
        placements(&r)
    }

    fn flows(rows: &[(&str, &str, f64)], kind: FlowKind) -> Flows {
        Flows {
            path: "flows.csv".into(),
            columns: FlowColumns {
                provider: "trust_code".into(),
                name: None,
                area: "msoa_code".into(),
                value: "patients".into(),
            },
            kind,
            kind_source: String::new(),
            rows_read: rows.len(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, &(p, a, v))| FlowRow {
                    line: i + 2,
                    provider_code: p.into(),
                    provider_name: format!("{p} trust"),
                    area_code: a.into(),
                    value: v,
                })
                .collect(),
            skipped: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn absent(_: &str) -> String {
        "is not in the area layer (areas.geojson)".into()
    }

    #[test]
    fn areas_are_placed_by_the_overlay() {
        let p = setup();
        assert_eq!(p["W"].status, Status::Whole);
        assert_eq!(p["W"].parts, [("A".into(), "A name".into(), 1.0)]);
        assert_eq!(p["S"].status, Status::Split);
        let f: Vec<f64> = p["S"].parts.iter().map(|x| x.2).collect();
        assert!(
            (f[0] - 0.6).abs() < 0.002 && (f[1] - 0.4).abs() < 0.002,
            "{f:?}"
        );
        assert!((f[0] + f[1] - 1.0).abs() < 1e-12);
        assert_eq!(p["O"].status, Status::Outside);
        assert!(p["O"].parts.is_empty());
    }

    #[test]
    fn flows_are_added_up_by_plan_and_counted_at_min_share() {
        let p = setup();
        // T: 60 in W (A), 100 in S (60 A, 40 B), 40 outside: A 120/200, B 40/200, outside 40.
        // U: 10 in W only. A row for an unknown area is skipped and counted.
        let f = flows(
            &[
                ("T", "W", 60.0),
                ("T", "S", 100.0),
                ("T", "O", 40.0),
                ("U", "W", 10.0),
                ("U", "Z", 5.0),
            ],
            FlowKind::Count,
        );
        let r = analyse(&f, &p, &absent, None, 0.05, Context::bare(300.0, "t"));
        let rows: Vec<(&str, &str, f64, usize)> = r
            .rows
            .iter()
            .map(|x| {
                (
                    x.provider_code.as_str(),
                    x.plan_code.as_str(),
                    (x.provider_flow_share * 1000.0).round() / 1000.0,
                    x.plans_spanned,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [("T", "A", 0.6, 2), ("T", "B", 0.2, 2), ("U", "A", 1.0, 1)]
        );
        assert!((r.rows[0].flow - 120.0).abs() < 0.5);
        assert_eq!(r.rows[0].areas, 2);
        assert_eq!(r.providers[0].flow, 200.0);
        assert_eq!(r.providers[0].flow_outside, 40.0);
        assert_eq!(r.summary.areas_outside, 1);
        assert_eq!(r.summary.providers_spanning, 1);
        assert_eq!(r.flows.rows_skipped, 1);
        assert_eq!(r.flows.rows_used, 4);
        assert_eq!(r.flows.skipped[0].reason, "area not in the area layer");
        assert_eq!(
            r.flows.skipped[0].detail,
            "line 6: area Z is not in the area layer (areas.geojson)"
        );
        let notes: Vec<String> = r.context.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            notes,
            [
                "1 area with flows in no plan (40 of the flow, 19.0%): its flow counts as \
              outside every plan: O"
            ]
        );
        // At 0.25, T's 20% in B is a minor plan.
        let r = analyse(&f, &p, &absent, None, 0.25, Context::bare(300.0, "t"));
        assert_eq!(r.providers[0].plans_spanned, 1);
        assert_eq!(r.providers[0].minor_plans, 1);
        // The same verdict as spanning's.
        let v = crate::analysis::spanning::verdict(
            &analyse(&f, &p, &absent, None, 0.05, Context::bare(300.0, "t")),
            1,
        );
        assert!(!v.passed);
        assert_eq!(
            v.summary,
            "1 of 2 providers span more than 1 plan (most: 2; a plan counts at flow share >= 0.05)"
        );
        assert_eq!(v.failures, ["T T trust: 2 plans (A 60%, B 20%)"]);
    }

    #[test]
    fn shares_become_people_by_the_area_weight() {
        let mut p = setup();
        p.get_mut("W").unwrap().weight = Some(1000.0);
        p.get_mut("S").unwrap().weight = Some(0.0);
        let f = flows(&[("T", "W", 0.5), ("T", "S", 0.5)], FlowKind::Share);
        let r = analyse(
            &f,
            &p,
            &absent,
            Some("w.csv (population)"),
            0.05,
            Context::bare(0.0, ""),
        );
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].flow, 500.0);
        assert_eq!(r.flows.skipped[0].reason, "area holds no weight");
        assert!(
            r.flows.flow.contains("x the area's weight from w.csv"),
            "{}",
            r.flows.flow
        );
    }
}
