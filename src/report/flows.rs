//! The spanning report by flows: providers and the plans their patients live in.

use std::io::Write;

use anyhow::Result;

use super::{col, csv_col, heading, table_of, Cell, Column, Csv, Render};
use crate::analysis::flows::{FlowProvider, FlowSpanRow, FlowsReport, SkippedRow};

/// The rows, one per (provider, plan) counted.
const COLUMNS: [Column<FlowSpanRow>; 9] = [
    col("provider_code", |r| Cell::text(&r.provider_code)),
    col("provider_name", |r| Cell::text(&r.provider_name)),
    col("plan_code", |r| Cell::text(&r.plan_code)),
    col("plan_name", |r| Cell::text(&r.plan_name)),
    col("flow", |r| Cell::Weight(Some(r.flow))),
    col("provider_flow_share", |r| Cell::Num(r.provider_flow_share)),
    col("plans_spanned", |r| Cell::Count(r.plans_spanned)),
    col("areas", |r| Cell::Count(r.areas)),
    csv_col("provider_flow", |r| Cell::Weight(Some(r.provider_flow))),
];

const PROVIDER_COLUMNS: [Column<FlowProvider>; 8] = [
    col("provider_code", |p| Cell::text(&p.provider_code)),
    col("provider_name", |p| Cell::text(&p.provider_name)),
    col("flow", |p| Cell::Weight(Some(p.flow))),
    col("flow_outside", |p| Cell::Weight(Some(p.flow_outside))),
    col("flow_out_of_scope", |p| {
        Cell::Weight(Some(p.flow_out_of_scope))
    }),
    col("areas", |p| Cell::Count(p.areas)),
    col("plans_spanned", |p| Cell::Count(p.plans_spanned)),
    col("minor_plans", |p| Cell::Count(p.minor_plans)),
];

const SKIPPED_COLUMNS: [Column<SkippedRow>; 5] = [
    col("line", |s| Cell::Count(s.line)),
    col("provider_code", |s| Cell::text(&s.provider_code)),
    col("area_code", |s| Cell::text(&s.area_code)),
    col("reason", |s| Cell::text(s.reason)),
    col("detail", |s| Cell::text(&s.detail)),
];

/// How many skipped rows the table names.
const SKIPPED_SHOWN: usize = 10;

impl Render for FlowsReport {
    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        book.about(super::about(self, Some(&self.context))?)?;
        book.rows("Providers", &PROVIDER_COLUMNS, &self.providers)?;
        book.rows("Plans", &COLUMNS, &self.rows)?;
        book.rows("Skipped rows", &SKIPPED_COLUMNS, &self.flows.skipped)
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        sink.rows(&COLUMNS, &self.rows)
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        write!(w, "{}", heading(&self.context))?;
        let f = &self.flows;
        writeln!(w, "flows: {}: {}", f.file, f.counts())?;
        writeln!(
            w,
            "flow: {} ({}); providers by {}{}, areas by {}",
            f.flow,
            f.value_kind_source,
            f.provider_column,
            f.name_column
                .as_deref()
                .map(|n| format!(" (names {n})"))
                .unwrap_or_default(),
            f.area_column
        )?;
        let s = &self.summary;
        let amount = |v: f64| crate::analysis::weights::amount(super::round6(v));
        let mut nowhere = Vec::new();
        if s.areas_outside > 0 {
            nowhere.push(format!(
                "{} from {} area{} outside every plan",
                amount(s.flow_outside),
                s.areas_outside,
                crate::layer::plural(s.areas_outside)
            ));
        }
        if s.areas_out_of_scope > 0 {
            nowhere.push(format!(
                "{} from {} area{} out of scope",
                amount(s.flow_out_of_scope),
                s.areas_out_of_scope,
                crate::layer::plural(s.areas_out_of_scope)
            ));
        }
        if !nowhere.is_empty() {
            writeln!(
                w,
                "flow in no plan: {}, of {} in all",
                nowhere.join(", "),
                amount(s.flow)
            )?;
        }
        writeln!(
            w,
            "{} of {} providers span more than one plan (counting a plan at {} share >= {})\n",
            s.providers_spanning, s.providers, self.counted_by, self.min_share
        )?;
        write!(w, "{}", table_of(&COLUMNS, &self.rows))?;
        let minor: usize = self.providers.iter().map(|p| p.minor_plans).sum();
        if minor > 0 {
            writeln!(
                w,
                "\n{minor} smaller shares of providers' flows (below --min-share) not counted; see --format json"
            )?;
        }
        if !f.skipped.is_empty() {
            let shown: Vec<&str> = f
                .skipped
                .iter()
                .take(SKIPPED_SHOWN)
                .map(|s| s.detail.as_str())
                .collect();
            writeln!(
                w,
                "\nRows of {} skipped ({}; all in --format json):\n  {}{}",
                f.file,
                f.rows_skipped,
                shown.join("\n  "),
                if f.rows_skipped > SKIPPED_SHOWN {
                    format!("\n  ... and {} more", f.rows_skipped - SKIPPED_SHOWN)
                } else {
                    String::new()
                }
            )?;
        }
        Ok(())
    }
}
