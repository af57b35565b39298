//! The spanning report: providers and the plans they serve.

use std::io::Write;

use anyhow::Result;

use super::{col, csv_col, heading, table_of, Cell, Column, Csv, Render};
use crate::analysis::spanning::{ProviderSummary, SpanRow, SpanningReport};

const PROVIDER_COLUMNS: [Column<ProviderSummary>; 4] = [
    col("provider_code", |p| Cell::text(&p.provider_code)),
    col("provider_name", |p| Cell::text(&p.provider_name)),
    col("plans_spanned", |p| Cell::Count(p.plans_spanned)),
    col("minor_plans", |p| Cell::Count(p.minor_plans)),
];

fn columns(with_weights: bool) -> Vec<Column<SpanRow>> {
    let mut c: Vec<Column<SpanRow>> = vec![
        col("provider_code", |r| Cell::text(&r.provider_code)),
        col("provider_name", |r| Cell::text(&r.provider_name)),
        col("plan_code", |r| Cell::text(&r.plan_code)),
        col("plan_name", |r| Cell::text(&r.plan_name)),
        col("overlap_km2", |r| Cell::Num(r.overlap_km2)),
        col("provider_share", |r| Cell::Num(r.provider_share)),
        col("plans_spanned", |r| Cell::Count(r.plans_spanned)),
    ];
    if with_weights {
        c.push(col("provider_weight_share", |r| {
            Cell::Opt(r.provider_weight_share.flatten())
        }));
        c.push(col("overlap_weight", |r| Cell::Weight(r.overlap_weight)));
        c.push(csv_col("provider_weight", |r| {
            Cell::Weight(r.provider_weight)
        }));
    }
    c
}

impl Render for SpanningReport {
    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        book.about(super::about(self, Some(&self.context))?)?;
        book.rows("Providers", &PROVIDER_COLUMNS, &self.providers)?;
        book.rows("Plans", &columns(self.context.weighted()), &self.rows)
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        sink.rows(&columns(self.context.weighted()), &self.rows)
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        write!(w, "{}", heading(&self.context))?;
        let multi = self
            .providers
            .iter()
            .filter(|p| p.plans_spanned > 1)
            .count();
        writeln!(
            w,
            "{} of {} providers span more than one plan (counting a plan at {} share >= {})\n",
            multi,
            self.providers.len(),
            self.counted_by,
            self.min_share
        )?;
        write!(
            w,
            "{}",
            table_of(&columns(self.context.weighted()), &self.rows)
        )?;
        let minor: usize = self.providers.iter().map(|p| p.minor_plans).sum();
        if minor > 0 {
            writeln!(
                w,
                "\n{minor} smaller overlaps (below --min-share) not counted; see --format json"
            )?;
        }
        Ok(())
    }
}
