//! The changes report: what became of each feature of an old edition in a new one.

use std::io::Write;

use anyhow::Result;

use super::{col, csv_col, heading, table_of, Cell, Column, Csv, Render};
use crate::analysis::changes::{Change, ChangesReport, Group, LinkRow};

/// The link rows' columns (CSV: exactly these, the weight only with weights).
fn link_columns(with_weights: bool) -> Vec<Column<LinkRow>> {
    let mut c: Vec<Column<LinkRow>> = vec![
        col("old_code", |r| Cell::text(&r.old_code)),
        col("old_name", |r| Cell::text(&r.old_name)),
        col("new_code", |r| Cell::text(&r.new_code)),
        col("new_name", |r| Cell::text(&r.new_name)),
        col("change", |r| Cell::text(r.change.as_str())),
        col("old_share", |r| Cell::Opt(r.old_share)),
        col("new_share", |r| Cell::Opt(r.new_share)),
        col("area_km2", |r| Cell::Opt(r.area_km2)),
    ];
    if with_weights {
        c.push(col("weight", |r| Cell::Weight(r.weight)));
    }
    c
}

fn codes(g: &Group, old: bool) -> String {
    let m = if old { &g.old } else { &g.new };
    m.iter()
        .map(|m| m.code.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn names(g: &Group, old: bool) -> String {
    let m = if old { &g.old } else { &g.new };
    m.iter()
        .map(|m| m.name.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The groups' columns (the workbook's Groups sheet, and the table of boundary changes).
fn group_columns(with_weights: bool) -> Vec<Column<Group>> {
    let mut c: Vec<Column<Group>> = vec![
        col("change", |g| Cell::text(g.change.as_str())),
        col("old_codes", |g| Cell::owned(codes(g, true))),
        csv_col("old_names", |g| Cell::owned(names(g, true))),
        col("new_codes", |g| Cell::owned(codes(g, false))),
        col("new_names", |g| Cell::owned(names(g, false))),
        col("gained_km2", |g| Cell::Num(g.gained_km2)),
        col("lost_km2", |g| Cell::Num(g.lost_km2)),
    ];
    if with_weights {
        c.push(col("gained_weight", |g| Cell::Weight(g.gained_weight)));
        c.push(col("lost_weight", |g| Cell::Weight(g.lost_weight)));
    }
    c
}

impl Render for ChangesReport {
    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        let weighted = self.context.weighted();
        book.about(super::about(self, Some(&self.context))?)?;
        book.rows("Groups", &group_columns(weighted), &self.groups)?;
        book.rows("Links", &link_columns(weighted), &self.links)?;
        book.rows(
            "Best fit",
            &link_columns(weighted),
            self.links.iter().filter(|l| l.best_fit),
        )
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        sink.rows(&link_columns(self.context.weighted()), &self.links)
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        let s = &self.summary;
        write!(w, "{}", heading(&self.context))?;
        let kinds: Vec<String> = s
            .kinds
            .iter()
            .filter(|k| k.groups > 0)
            .map(|k| match k.change {
                Change::Merged | Change::Split | Change::Complex => format!(
                    "{} {} ({} old into {} new)",
                    k.groups, k.change, k.old_features, k.new_features
                ),
                _ => format!("{} {}", k.groups, k.change),
            })
            .collect();
        writeln!(
            w,
            "{} old and {} new features, {} links ({} transfer{} of ground between features): {}\n",
            s.old_features,
            s.new_features,
            s.links,
            s.transfers,
            crate::layer::plural(s.transfers),
            if kinds.is_empty() {
                "nothing to compare".to_string()
            } else {
                kinds.join(", ")
            }
        )?;
        let columns = link_columns(self.context.weighted());
        let mut shown = false;
        for change in Change::ALL {
            let k = s.kind(change);
            if change == Change::Unchanged || k.groups == 0 {
                continue;
            }
            if shown {
                writeln!(w)?;
            }
            shown = true;
            writeln!(w, "{} ({}: {}):", change, k.groups, change.meaning())?;
            write!(w, "{}", table_of(&columns, self.links_with(change)))?;
        }
        let unchanged = s.kind(Change::Unchanged).groups;
        if shown {
            writeln!(w)?;
        }
        writeln!(
            w,
            "Unchanged: {unchanged} feature{} (the same code, name and ground within the tolerance; listed in CSV and JSON)",
            crate::layer::plural(unchanged)
        )?;
        Ok(())
    }
}
