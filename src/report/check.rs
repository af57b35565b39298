//! The check report: one line per rule, PASS or FAIL, with what failed.

use std::io::Write;

use anyhow::Result;

use super::{col, Cell, Column, Csv, Render};
use crate::check::{CheckReport, RuleResult};

/// Failures listed per rule in the table (all are in CSV and JSON).
const TABLE_FAILURES: usize = 20;

const COLUMNS: [Column<RuleResult>; 6] = [
    col("rule", |r| Cell::text(&r.name)),
    col("check", |r| Cell::text(r.check)),
    col("result", |r| {
        Cell::text(if r.passed { "pass" } else { "fail" })
    }),
    col("summary", |r| Cell::text(&r.summary)),
    col("failures", |r| Cell::owned(r.failures.join("; "))),
    col("tolerance_m", |r| Cell::owned(r.tolerance_m.to_string())),
];

impl Render for CheckReport {
    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        book.about(super::about(self, None)?)?;
        book.rows("Rules", &COLUMNS, &self.results)
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        sink.rows(&COLUMNS, &self.results)
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        writeln!(
            w,
            "{}: {} of {} rules failed\n",
            self.rules_file, self.failed, self.rules
        )?;
        for r in &self.results {
            writeln!(w, "{}  {}", if r.passed { "PASS" } else { "FAIL" }, r.name)?;
            writeln!(w, "      {} [{} m]", r.summary, r.tolerance_m)?;
            for f in r.failures.iter().take(TABLE_FAILURES) {
                writeln!(w, "      - {f}")?;
            }
            if r.failures.len() > TABLE_FAILURES {
                writeln!(
                    w,
                    "      ... and {} more (see --format json)",
                    r.failures.len() - TABLE_FAILURES
                )?;
            }
        }
        Ok(())
    }
}
