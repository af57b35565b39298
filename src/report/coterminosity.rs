//! The coterminosity report: footprints against units, split units part by part.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::{col, csv_col, heading, table_of, Cell, Column, Csv, Render};
use crate::analysis::coterminosity::{CoterminosityReport, FootprintRow, Status, UnitRow};

/// Which rows the CSV holds: one per (unit, footprint) part, or one per footprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Unit,
    Footprint,
}

/// The report as one command shows it: JSON holds everything; CSV the rows `by` asks for.
#[derive(Serialize)]
#[serde(transparent)]
pub struct View<'a> {
    pub report: &'a CoterminosityReport,
    #[serde(skip)]
    pub by: By,
}

/// The footprint rows' columns; the weight only with weights.
fn footprint_columns(with_weights: bool) -> Vec<Column<FootprintRow>> {
    let mut c: Vec<Column<FootprintRow>> = vec![
        col("footprint_code", |f| Cell::text(&f.footprint_code)),
        col("footprint_name", |f| Cell::text(&f.footprint_name)),
        csv_col("area_km2", |f| Cell::Num(f.area_km2)),
    ];
    if with_weights {
        c.push(col("weight", |f| Cell::Weight(f.weight)));
    }
    c.extend::<[Column<FootprintRow>; 4]>([
        col("coterminous", |f| Cell::YesNo(f.coterminous)),
        col("units_whole", |f| Cell::Count(f.units_whole)),
        col("units_split", |f| Cell::Count(f.units_split)),
        col("split_units", |f| Cell::owned(f.split_units.join(" "))),
    ]);
    c
}

/// The unit rows' columns; the table of split parts leaves out status and retained_by.
fn unit_columns(with_weights: bool) -> Vec<Column<UnitRow>> {
    let mut c: Vec<Column<UnitRow>> = vec![
        col("unit_code", |r| Cell::text(&r.unit_code)),
        col("unit_name", |r| Cell::text(&r.unit_name)),
        col("footprint_code", |r| Cell::text(&r.footprint_code)),
        col("footprint_name", |r| Cell::text(&r.footprint_name)),
        col("overlap_km2", |r| Cell::Num(r.overlap_km2)),
        col("unit_share", |r| Cell::Num(r.unit_share)),
        csv_col("status", |r| Cell::text(r.status.as_str())),
    ];
    if with_weights {
        c.push(col("unit_weight_share", |r| {
            Cell::Opt(r.unit_weight_share.flatten())
        }));
        c.push(col("overlap_weight", |r| Cell::Weight(r.overlap_weight)));
        c.push(csv_col("unit_weight", |r| Cell::Weight(r.unit_weight)));
    }
    c.push(col("best_fit", |r| Cell::Mark(r.best_fit)));
    c.push(csv_col("retained_by", |r| {
        Cell::text(r.retained_by.map(|b| b.as_str()).unwrap_or(""))
    }));
    c
}

impl Render for View<'_> {
    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        let r = self.report;
        let weighted = r.context.weighted();
        book.about(super::about(self, Some(&r.context))?)?;
        book.rows("Footprints", &footprint_columns(weighted), &r.footprints)?;
        book.rows("Units", &unit_columns(weighted), &r.units)?;
        book.rows(
            "Split parts",
            &unit_columns(weighted),
            r.units_with(Status::Split),
        )
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        let r = self.report;
        match self.by {
            By::Footprint => sink.rows(&footprint_columns(r.context.weighted()), &r.footprints),
            By::Unit => sink.rows(&unit_columns(r.context.weighted()), &r.units),
        }
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        let r = self.report;
        let s = &r.summary;
        write!(w, "{}", heading(&r.context))?;
        let scope = r.context.scope.as_ref();
        let out_of_scope = match scope.filter(|_| s.units_out_of_scope > 0) {
            Some(scope) => format!(
                ", {} outside {}, out of scope",
                s.units_out_of_scope, scope.country
            ),
            None => String::new(),
        };
        writeln!(
            w,
            "{} units: {} whole, {} split, {}{} outside every footprint{out_of_scope}; {} of {} footprints coterminous\n",
            s.units,
            s.units_whole,
            s.units_split,
            shore(s.units_partly_outside),
            s.units_outside,
            s.footprints_coterminous,
            s.footprints
        )?;
        write!(
            w,
            "{}",
            table_of(&footprint_columns(r.context.weighted()), &r.footprints)
        )?;
        let split = r.units_with(Status::Split);
        if s.units_split > 0 {
            writeln!(w, "\nSplit units, part by part (best fit marked *):")?;
            let columns = unit_columns(r.context.weighted());
            write!(w, "{}", table_of(&columns, split))?;
        }
        let shore_units: Vec<String> = r
            .units_with(Status::PartlyOutside)
            .map(|u| {
                format!(
                    "{} ({}, {}% inside)",
                    u.unit_code,
                    u.footprint_code,
                    super::fixed(u.unit_share * 100.0, 1)
                )
            })
            .collect();
        if !shore_units.is_empty() {
            writeln!(
                w,
                "\nUnits at the shore ({}), in no footprint beyond slivers, given to the one they overlap most or lie nearest: {}",
                shore_units.len(),
                crate::layer::list_some(&shore_units, 20)
            )?;
        }
        let outside: Vec<String> = r
            .units_with(Status::Outside)
            .map(|u| u.unit_code.clone())
            .collect();
        if !outside.is_empty() {
            writeln!(
                w,
                "\nUnits outside every footprint ({}): {}",
                outside.len(),
                crate::layer::list_some(&outside, 20)
            )?;
        }
        if let Some(scope) = scope.filter(|_| s.units_out_of_scope > 0) {
            let codes: Vec<String> = r
                .units_with(Status::OutOfScope)
                .map(|u| u.unit_code.clone())
                .collect();
            writeln!(
                w,
                "\nUnits outside {}, out of scope ({}; --all-countries counts them): {}",
                scope.country,
                codes.len(),
                crate::layer::list_some(&codes, 20)
            )?;
        }
        Ok(())
    }
}

/// "N at the shore (in their nearest footprint), " when there are any.
pub fn shore(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("{n} at the shore (given to their nearest footprint), ")
    }
}
