//! The overlaps report: one row per overlapping pair.

use std::io::Write;

use anyhow::Result;

use super::{col, heading, table_of, Cell, Column, Csv, Render};
use crate::analysis::overlaps::{OverlapRow, OverlapsReport};

/// The columns, in order; the weight shares only with weights.
fn columns(with_weights: bool) -> Vec<Column<OverlapRow>> {
    let mut c: Vec<Column<OverlapRow>> = vec![
        col("a_code", |r| Cell::text(&r.a_code)),
        col("a_name", |r| Cell::text(&r.a_name)),
        col("b_code", |r| Cell::text(&r.b_code)),
        col("b_name", |r| Cell::text(&r.b_name)),
        col("overlap_km2", |r| Cell::Num(r.overlap_km2)),
        col("a_share", |r| Cell::Num(r.a_share)),
        col("b_share", |r| Cell::Num(r.b_share)),
    ];
    if with_weights {
        c.push(col("a_weight_share", |r| {
            Cell::Opt(r.a_weight_share.flatten())
        }));
        c.push(col("b_weight_share", |r| {
            Cell::Opt(r.b_weight_share.flatten())
        }));
        c.push(col("a_overlap_weight", |r| {
            Cell::Weight(r.a_overlap_weight)
        }));
        c.push(col("b_overlap_weight", |r| {
            Cell::Weight(r.b_overlap_weight)
        }));
    }
    c.push(col("retained_by", |r| Cell::text(r.retained_by.as_str())));
    c
}

impl Render for OverlapsReport {
    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        book.about(super::about(self, Some(&self.context))?)?;
        book.rows("Overlaps", &columns(self.context.weighted()), &self.rows)
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        sink.rows(&columns(self.context.weighted()), &self.rows)
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        write!(w, "{}", heading(&self.context))?;
        writeln!(w, "{} overlapping pairs\n", self.pair_count)?;
        write!(
            w,
            "{}",
            table_of(&columns(self.context.weighted()), &self.rows)
        )?;
        Ok(())
    }
}
