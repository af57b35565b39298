//! Excel workbooks: the report's tables as sheets, for people who open Excel.
//!
//! A workbook starts with an "About" sheet (what was compared, the tolerance, the warnings),
//! then one sheet per table of the report, each from the same [`Column`] list as its CSV.
//! Header rows are bold and frozen, columns fitted to their contents. Numbers are numbers:
//! areas (`_km2`) to 3 decimals, shares (`_share`) as percentages, counts and head counts
//! as whole numbers; the full precision (6 decimals, as in CSV) stays in the cell. Text is
//! always written as text, so a name like `=1+2` is never a formula, and "Ynys Môn" is
//! intact (xlsx is UTF-8 inside).

use std::io::Write;

use anyhow::{bail, Context as _, Result};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::{round6, Cell, Column};

/// Excel's limit on rows per sheet.
const MAX_ROWS: usize = 1_048_576;

/// Widest a fitted column may grow (characters): long lists of codes wrap no further.
const MAX_WIDTH: f64 = 60.0;

/// A workbook being filled: sheets in order, written whole by [`Book::write`].
pub struct Book {
    workbook: Workbook,
    header: Format,
    formats: Formats,
}

struct Formats {
    km2: Format,
    share: Format,
    measure: Format,
    whole: Format,
}

impl Default for Book {
    fn default() -> Self {
        Book::new()
    }
}

impl Book {
    pub fn new() -> Book {
        Book {
            workbook: Workbook::new(),
            header: Format::new().set_bold(),
            formats: Formats {
                km2: Format::new().set_num_format("#,##0.000"),
                share: Format::new().set_num_format("0.0%"),
                measure: Format::new().set_num_format("#,##0.###"),
                whole: Format::new().set_num_format("#,##0"),
            },
        }
    }

    /// The first sheet: one line of text a row (a heading, the tolerance, each warning).
    pub fn about<S: AsRef<str>>(&mut self, lines: impl IntoIterator<Item = S>) -> Result<()> {
        let sheet = self.workbook.add_worksheet();
        sheet.set_name("About")?;
        let mut widest = 10usize;
        for (r, line) in lines.into_iter().enumerate() {
            let line = line.as_ref();
            widest = widest.max(line.chars().count());
            sheet.write_string(row(r)?, 0, line)?;
        }
        sheet.set_column_width(0, (widest as f64).min(120.0))?;
        Ok(())
    }

    /// A sheet of `rows` in `columns` (all of them, as in CSV), named `name`.
    pub fn rows<'r, R: 'r>(
        &mut self,
        name: &str,
        columns: &[Column<R>],
        rows: impl IntoIterator<Item = &'r R>,
    ) -> Result<()> {
        let header = self.header.clone();
        let sheet = self.workbook.add_worksheet();
        sheet.set_name(sheet_name(name))?;
        let mut widths: Vec<usize> = columns.iter().map(|c| c.name.len()).collect();
        for (c, column) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, col(c)?, column.name, &header)?;
        }
        for (r, item) in rows.into_iter().enumerate() {
            if r + 1 >= MAX_ROWS {
                bail!(
                    "the {name} table has more rows than Excel's {MAX_ROWS} a sheet: write CSV \
                     instead (--format csv)"
                );
            }
            for (c, column) in columns.iter().enumerate() {
                let cell = (column.cell)(item);
                let shown = put(
                    sheet,
                    &self.formats,
                    row(r + 1)?,
                    col(c)?,
                    column.name,
                    &cell,
                )?;
                widths[c] = widths[c].max(shown);
            }
        }
        finish(sheet, &widths)
    }

    /// A sheet of fields and their values (a report of one record), named `name`.
    pub fn record<'c>(
        &mut self,
        name: &str,
        fields: impl IntoIterator<Item = (&'static str, Cell<'c>)>,
    ) -> Result<()> {
        let header = self.header.clone();
        let sheet = self.workbook.add_worksheet();
        sheet.set_name(sheet_name(name))?;
        sheet.write_string_with_format(0, 0, "field", &header)?;
        sheet.write_string_with_format(0, 1, "value", &header)?;
        let mut widths = vec![5, 5];
        for (r, (field, cell)) in fields.into_iter().enumerate() {
            sheet.write_string(row(r + 1)?, 0, field)?;
            widths[0] = widths[0].max(field.len());
            let shown = put(sheet, &self.formats, row(r + 1)?, 1, field, &cell)?;
            widths[1] = widths[1].max(shown);
        }
        finish(sheet, &widths)
    }

    /// The whole workbook into `w`.
    pub fn write(mut self, w: &mut dyn Write) -> Result<()> {
        let bytes = self
            .workbook
            .save_to_buffer()
            .context("could not make the Excel workbook")?;
        w.write_all(&bytes)?;
        Ok(())
    }
}

/// Write one cell; returns its width in characters as shown (for fitting the column).
fn put(
    sheet: &mut Worksheet,
    f: &Formats,
    r: u32,
    c: u16,
    column: &str,
    cell: &Cell<'_>,
) -> Result<usize> {
    let number = |sheet: &mut Worksheet, v: f64| -> Result<usize> {
        let (format, width) = if column.ends_with("_share") {
            (&f.share, 7)
        } else if column.ends_with("_km2") {
            (&f.km2, format!("{:.3}", v).len() + 2)
        } else {
            (&f.measure, format!("{:.3}", v).len() + 2)
        };
        sheet.write_number_with_format(r, c, round6(v), format)?;
        Ok(width)
    };
    Ok(match cell {
        Cell::Text(s) => {
            // Always text: write_string never makes a formula of "=1+2".
            sheet.write_string(r, c, s.as_ref())?;
            s.chars().count()
        }
        Cell::Plain(s) => {
            sheet.write_string(r, c, s)?;
            s.chars().count()
        }
        Cell::Num(v) => number(sheet, *v)?,
        Cell::Opt(Some(v)) => number(sheet, *v)?,
        Cell::Opt(None) | Cell::Weight(None) => 0,
        Cell::Count(n) => {
            sheet.write_number_with_format(r, c, *n as f64, &f.whole)?;
            n.to_string().len() + 1
        }
        Cell::Weight(Some(v)) => {
            let format = if *v == v.round() {
                &f.whole
            } else {
                &f.measure
            };
            sheet.write_number_with_format(r, c, round6(*v), format)?;
            format!("{v:.0}").len() + 3
        }
        Cell::YesNo(b) | Cell::Mark(b) => {
            sheet.write_string(r, c, if *b { "yes" } else { "no" })?;
            3
        }
    })
}

/// Bold frozen header row, fitted columns.
fn finish(sheet: &mut Worksheet, widths: &[usize]) -> Result<()> {
    sheet.set_freeze_panes(1, 0)?;
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col(c)?, (*w as f64 + 1.0).min(MAX_WIDTH))?;
    }
    Ok(())
}

fn row(r: usize) -> Result<u32> {
    u32::try_from(r).context("too many rows for a sheet")
}

fn col(c: usize) -> Result<u16> {
    u16::try_from(c).context("too many columns for a sheet")
}

/// A valid sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{col as column, csv_col};

    struct Row {
        name: &'static str,
        area: f64,
        share: f64,
    }

    const COLUMNS: [Column<Row>; 3] = [
        column("name", |r| Cell::text(r.name)),
        column("area_km2", |r| Cell::Num(r.area)),
        csv_col("unit_share", |r| Cell::Num(r.share)),
    ];

    #[test]
    fn a_workbook_is_a_zip_with_its_sheets() {
        let mut book = Book::new();
        book.about(["footprint overlaps", "tolerance: 230 m"])
            .unwrap();
        let rows = [
            Row {
                name: "Ynys Môn",
                area: 714.5,
                share: 0.25,
            },
            Row {
                name: "=1+2",
                area: 1.0,
                share: 1.0,
            },
        ];
        book.rows("Overlaps", &COLUMNS, &rows).unwrap();
        let mut bytes = Vec::new();
        book.write(&mut bytes).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        assert!(sheet_name("a/b:c[d]") == "a_b_c_d_");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }
}
