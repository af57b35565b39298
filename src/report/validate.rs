//! The validate report: findings, errors first; the table caps warnings of each kind.

use std::io::Write;

use anyhow::Result;
use serde_json::{json, Map};

use super::geojson_out::Written;
use super::polygon_out::PolygonOutput;
use super::{col, csv_col, round6, table_of, Cell, Column, Csv, Render};
use crate::analysis::validate::{Finding, Kind, Severity, ValidateReport};
use crate::output::Staged;

/// Warnings of each kind listed in the table (all are in CSV and JSON).
const TABLE_WARNINGS: usize = 10;

pub const COLUMNS: [Column<Finding>; 9] = [
    col("kind", |f| Cell::text(f.kind.as_str())),
    col("code", |f| Cell::text(&f.code)),
    col("other_code", |f| Cell::text(&f.other_code)),
    col("area_km2", |f| Cell::Opt(f.area_km2)),
    col("severity", |f| Cell::text(f.severity.as_str())),
    col("detail", |f| Cell::text(&f.detail)),
    csv_col("lon", |f| Cell::Opt(f.lon)),
    csv_col("lat", |f| Cell::Opt(f.lat)),
    csv_col("neighbours", |f| Cell::owned(f.neighbours.join(" "))),
];

impl Render for ValidateReport {
    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        let mut about = super::about(self, None)?;
        about.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        book.about(about)?;
        book.rows("Findings", &COLUMNS, &self.findings)
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        sink.rows(&COLUMNS, &self.findings)
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        writeln!(
            w,
            "tolerance: {} m ({})",
            self.tolerance_m, self.tolerance_source
        )?;
        for l in &self.layers {
            writeln!(w, "{}: {}", l.role, l.file)?;
            for o in l.left_out.iter().filter(|o| o.count > 0) {
                writeln!(
                    w,
                    "  {} of {} features left out ({})",
                    o.count, l.feature_count, o.reason
                )?;
            }
        }
        writeln!(w, "{}", crate::analysis::validate::verdict_line(self))?;
        if self.findings.is_empty() {
            return Ok(());
        }
        writeln!(w)?;
        // Errors are all listed; warnings (slivers, mostly) up to TABLE_WARNINGS of each
        // kind, in the report's order (largest first).
        let mut shown: Vec<(Kind, usize)> = Vec::new();
        let mut hidden: Vec<(Kind, usize, f64)> = Vec::new();
        let mut rows: Vec<&Finding> = Vec::new();
        for f in &self.findings {
            if f.severity == Severity::Warning && seen(&mut shown, f.kind) > TABLE_WARNINGS {
                match hidden.iter_mut().find(|(k, ..)| *k == f.kind) {
                    Some((_, count, area)) => {
                        *count += 1;
                        *area += round6(f.area_km2.unwrap_or(0.0));
                    }
                    None => hidden.push((f.kind, 1, round6(f.area_km2.unwrap_or(0.0)))),
                }
                continue;
            }
            rows.push(f);
        }
        write!(w, "{}", table_of(&COLUMNS, rows))?;
        for (kind, count, area) in hidden {
            writeln!(
                w,
                "... and {count} more {} warning{} ({area:.3} km² in all): see --format csv or json",
                kind.as_str(),
                crate::layer::plural(count)
            )?;
        }
        Ok(())
    }
}

/// Count one more finding of `kind`; the count so far, this one included.
fn seen(counts: &mut Vec<(Kind, usize)>, kind: Kind) -> usize {
    match counts.iter_mut().find(|(k, _)| *k == kind) {
        Some((_, n)) => {
            *n += 1;
            *n
        }
        None => {
            counts.push((kind, 1));
            1
        }
    }
}

/// The gaps, overlaps and parts outside the extent as a polygon layer to `out`, staged: one
/// MultiPolygon per finding (the pieces its area counts), with its kind, codes, area,
/// severity, detail and neighbours. What rounding to the written grid removed or dropped is
/// counted in the [`Written`] (labels: kind and codes, or kind and position for a gap).
pub fn stage_polygons(report: &ValidateReport, out: &PolygonOutput) -> Result<(Staged, Written)> {
    let features = report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.polygons.is_empty())
        .map(|(i, f)| {
            let mut props = Map::new();
            props.insert("kind".into(), json!(f.kind.as_str()));
            props.insert("code".into(), json!(f.code));
            props.insert("other_code".into(), json!(f.other_code));
            props.insert("area_km2".into(), json!(round6(f.area_km2.unwrap_or(0.0))));
            props.insert("severity".into(), json!(f.severity.as_str()));
            props.insert("detail".into(), json!(f.detail));
            props.insert("neighbours".into(), json!(f.neighbours.join(" ")));
            let label = match (f.code.is_empty(), f.other_code.is_empty()) {
                (true, _) => format!("{} #{}", f.kind.as_str(), i + 1),
                (false, true) => format!("{} {}", f.kind.as_str(), f.code),
                (false, false) => format!("{} {} {}", f.kind.as_str(), f.code, f.other_code),
            };
            (label, props, f.polygons.as_slice())
        });
    out.stage(features, false)
}
