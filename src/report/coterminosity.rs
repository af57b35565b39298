//! The coterminosity report: footprints against units, split units part by part.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::{col, csv_col, heading, table_of, Cell, Column, Csv, Render};
use crate::analysis::coterminosity::{CoterminosityReport, FootprintRow, Status, UnitRow};
use crate::analysis::small_areas::{PartRow, SmallAreaRow, SmallAreas};

/// Which rows the CSV holds: one per (unit, footprint) part, or one per footprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Unit,
    Footprint,
    /// One row per small area of a split unit (with small areas).
    SmallArea,
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

/// The small-area rows' columns (`--by small-area`).
fn small_area_columns(with_weights: bool) -> Vec<Column<SmallAreaRow>> {
    let mut c: Vec<Column<SmallAreaRow>> = vec![
        col("unit_code", |r| Cell::text(&r.unit_code)),
        col("unit_name", |r| Cell::text(&r.unit_name)),
        col("footprint_code", |r| Cell::text(&r.footprint_code)),
        col("footprint_name", |r| Cell::text(&r.footprint_name)),
        col("small_area_code", |r| Cell::text(&r.small_area_code)),
        col("small_area_name", |r| Cell::text(&r.small_area_name)),
        col("small_area_km2", |r| Cell::Num(r.small_area_km2)),
    ];
    if with_weights {
        c.push(col("small_area_weight", |r| {
            Cell::Weight(r.small_area_weight)
        }));
    }
    c.extend::<[Column<SmallAreaRow>; 4]>([
        col("best_fit", |r| Cell::YesNo(r.best_fit)),
        col("small_area_share", |r| Cell::Num(r.small_area_share)),
        col("assigned", |r| Cell::YesNo(r.assigned)),
        col("straddles", |r| Cell::YesNo(r.straddles)),
    ]);
    c
}

/// Each part of a split unit summed over the small areas it holds whole.
fn part_columns(with_weights: bool) -> Vec<Column<PartRow>> {
    let mut c: Vec<Column<PartRow>> = vec![
        col("unit_code", |r| Cell::text(&r.unit_code)),
        col("unit_name", |r| Cell::text(&r.unit_name)),
        col("footprint_code", |r| Cell::text(&r.footprint_code)),
        col("footprint_name", |r| Cell::text(&r.footprint_name)),
        col("best_fit", |r| Cell::Mark(r.best_fit)),
        col("small_areas", |r| Cell::Count(r.small_areas)),
        col("small_area_km2", |r| Cell::Num(r.small_area_km2)),
    ];
    if with_weights {
        c.push(col("small_area_weight", |r| {
            Cell::Weight(r.small_area_weight)
        }));
    }
    c.push(col("straddling", |r| Cell::Count(r.straddling)));
    c.push(col("largest", |r| Cell::owned(r.largest.join("; "))));
    c
}

/// The split units explained by their small areas: the parts, then the small areas that
/// straddle a footprint line.
fn small_area_table(w: &mut dyn Write, e: &SmallAreas, weighted: bool) -> Result<()> {
    let s = &e.summary;
    if s.split_units == 0 {
        writeln!(
            w,
            "\nNo unit is split: the small areas ({}) have nothing to explain",
            s.layer
        )?;
        return Ok(());
    }
    let rule = if s.by_weight {
        "the footprint holding most of its weight, else of its area"
    } else {
        "the footprint holding most of its area"
    };
    writeln!(
        w,
        "\nSplit units by their small areas ({}): {} small area{} in {} split unit{}, each \
         whole in {rule}; {} outside its unit's best fit, {} straddling a footprint line{}",
        s.layer,
        s.small_areas,
        crate::layer::plural(s.small_areas),
        s.split_units,
        crate::layer::plural(s.split_units),
        s.outside_best_fit,
        s.straddling,
        if s.in_no_footprint > 0 {
            format!(", {} in no footprint", s.in_no_footprint)
        } else {
            String::new()
        }
    )?;
    write!(w, "{}", table_of(&part_columns(weighted), &e.parts))?;
    let straddling: Vec<&SmallAreaRow> = e.straddling().collect();
    if !straddling.is_empty() {
        writeln!(
            w,
            "\nSmall areas straddling a footprint line (the footprints were not built from \
             them), part by part:"
        )?;
        let columns: Vec<Column<SmallAreaRow>> = small_area_columns(weighted)
            .into_iter()
            .filter(|c| !matches!(c.name, "unit_name" | "footprint_name" | "straddles"))
            .collect();
        write!(w, "{}", table_of(&columns, straddling))?;
    }
    Ok(())
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
        )?;
        if let Some(e) = &r.small_areas {
            book.rows("Small-area parts", &part_columns(weighted), &e.parts)?;
            book.rows("Small areas", &small_area_columns(weighted), &e.rows)?;
        }
        Ok(())
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        let r = self.report;
        match self.by {
            By::Footprint => sink.rows(&footprint_columns(r.context.weighted()), &r.footprints),
            By::Unit => sink.rows(&unit_columns(r.context.weighted()), &r.units),
            By::SmallArea => match &r.small_areas {
                Some(e) => sink.rows(&small_area_columns(r.context.weighted()), &e.rows),
                None => anyhow::bail!("--by small-area needs --small-areas SMALL"),
            },
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
        if let Some(e) = &r.small_areas {
            small_area_table(w, e, r.context.weighted())?;
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
