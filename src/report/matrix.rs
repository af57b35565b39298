//! The nesting matrix: every ordered pair of several layers, as a grid for reading and one row
//! per pair for CSV.

use std::io::Write;

use anyhow::Result;

use super::{col, csv_col, Cell, Column, Csv, Render, Table};
use crate::analysis::nesting::{MatrixReport, PairRow, SplitPart};

/// The pair rows' columns: the first seven are the ones scripts rely on.
fn pair_columns(with_weights: bool) -> Vec<Column<PairRow>> {
    let mut c: Vec<Column<PairRow>> = vec![
        col("a_layer", |p| Cell::text(&p.a_layer)),
        col("b_layer", |p| Cell::text(&p.b_layer)),
        col("a_features", |p| Cell::Count(p.a_features)),
        col("a_whole", |p| Cell::Count(p.a_whole)),
        col("a_split", |p| Cell::Count(p.a_split)),
        col("a_outside", |p| Cell::Count(p.a_outside)),
        col("a_nested_in_b", |p| Cell::YesNo(p.a_nested_in_b)),
        col("a_out_of_scope", |p| Cell::Count(p.a_out_of_scope)),
        col("b_built_from_a", |p| Cell::YesNo(p.b_built_from_a)),
        col("tolerance_m", |p| Cell::Num(p.tolerance_m)),
        csv_col("tolerance_source", |p| Cell::text(&p.tolerance_source)),
        col("a_at_shore", |p| Cell::Count(p.a_at_shore)),
        col("b_features", |p| Cell::Count(p.b_features)),
        col("b_uncovered", |p| Cell::Count(p.b_uncovered)),
    ];
    if with_weights {
        c.push(col("a_split_weight_share", |p| {
            Cell::Opt(p.a_split_weight_share.flatten())
        }));
        c.push(col("a_split_away_weight_share", |p| {
            Cell::Opt(p.a_split_away_weight_share.flatten())
        }));
    }
    c.extend::<[Column<PairRow>; 3]>([
        csv_col("a_split_codes", |p| Cell::owned(p.split_codes().join(" "))),
        csv_col("a_outside_codes", |p| Cell::owned(p.outside.join(" "))),
        csv_col("b_uncovered_codes", |p| {
            Cell::owned(
                p.uncovered
                    .iter()
                    .map(|u| u.code.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        }),
    ]);
    c
}

/// A part of a split feature, with its pair.
type PartOf<'x> = (&'x PairRow, &'x SplitPart);

fn part_columns<'x>(with_weights: bool) -> Vec<Column<PartOf<'x>>> {
    let mut c: Vec<Column<PartOf<'x>>> = vec![
        col("a_layer", |r| Cell::text(&r.0.a_layer)),
        col("b_layer", |r| Cell::text(&r.0.b_layer)),
        col("a_code", |r| Cell::text(&r.1.a_code)),
        col("a_name", |r| Cell::text(&r.1.a_name)),
        col("b_code", |r| Cell::text(&r.1.b_code)),
        col("b_name", |r| Cell::text(&r.1.b_name)),
        col("overlap_km2", |r| Cell::Num(r.1.overlap_km2)),
        col("a_share", |r| Cell::Num(r.1.a_share)),
    ];
    if with_weights {
        c.push(col("a_weight_share", |r| {
            Cell::Opt(r.1.a_weight_share.flatten())
        }));
    }
    c.push(col("best_fit", |r| Cell::Mark(r.1.best_fit)));
    c
}

/// Split features listed per pair in the table; the rest are in CSV, JSON and the workbook.
const TABLE_SPLIT_FEATURES: usize = 20;
/// B parts shown per split feature in the table.
const TABLE_PARTS: usize = 6;

impl MatrixReport {
    fn weighted(&self) -> bool {
        self.weights_file.is_some()
    }

    /// The grid cell of A (row) in B (column).
    fn cell(p: &PairRow) -> String {
        let in_scope = p.a_features - p.a_out_of_scope;
        let mut s = if p.a_nested_in_b {
            format!("{}/{in_scope} N", p.a_whole)
        } else {
            let mut parts = Vec::new();
            if p.a_split > 0 {
                parts.push(format!("{} split", p.a_split));
            }
            if p.a_outside > 0 {
                parts.push(format!("{} outside", p.a_outside));
            }
            parts.join(", ")
        };
        if p.b_built_from_a {
            s.push_str(" B");
        }
        s
    }

    fn grid(&self) -> Table {
        let labels = self.labels();
        let mut t = Table::new(
            std::iter::once("A in B".to_string()).chain(labels.iter().map(|l| l.to_string())),
        );
        for a in &labels {
            let mut row = vec![super::table::escape(a).into_owned()];
            for b in &labels {
                row.push(match self.pair(a, b) {
                    Some(p) => Self::cell(p),
                    None => "-".into(),
                });
            }
            t.push(row);
        }
        t
    }
}

/// "62.0%*" (the best fit starred), or by weight with weights.
fn part_text(p: &SplitPart) -> String {
    let share = p.a_weight_share.flatten().unwrap_or(p.a_share);
    format!(
        "{} {}%{}",
        p.b_code,
        super::fixed(share * 100.0, 1),
        if p.best_fit { "*" } else { "" }
    )
}

/// One pair's lines in the table: its counts and verdicts, its split features (up to
/// [`TABLE_SPLIT_FEATURES`]), those outside, and B features left uncovered.
fn pair_section(w: &mut dyn Write, p: &PairRow, weighted: bool) -> Result<()> {
    let mut counts = format!(
        "{} whole, {} split, {} outside",
        p.a_whole, p.a_split, p.a_outside
    );
    if p.a_at_shore > 0 {
        counts.push_str(&format!(" ({} whole at the shore)", p.a_at_shore));
    }
    if p.a_out_of_scope > 0 {
        counts.push_str(&format!(", {} out of scope", p.a_out_of_scope));
    }
    let verdict = match (p.a_nested_in_b, p.b_built_from_a) {
        (true, true) => format!("nests; {} is built from {}", p.b_layer, p.a_layer),
        (true, false) => format!(
            "nests; {} is not built from it ({} of {} not covered)",
            p.b_layer, p.b_uncovered, p.b_features
        ),
        (false, _) => "does not nest".into(),
    };
    writeln!(
        w,
        "\n{} in {}: {} features: {counts}; {verdict} (tolerance {} m)",
        super::table::escape(&p.a_layer),
        super::table::escape(&p.b_layer),
        p.a_features,
        p.tolerance_m
    )?;
    if weighted {
        if let (Some(Some(split)), Some(Some(away))) =
            (p.a_split_weight_share, p.a_split_away_weight_share)
        {
            writeln!(
                w,
                "  weight in split features: {}%, outside their best fit: {}%",
                super::fixed(split * 100.0, 1),
                super::fixed(away * 100.0, 1)
            )?;
        }
    }
    if p.a_split > 0 {
        let mut t = Table::new(["a_code", "a_name", "split across (share, best fit *)"]);
        for group in p
            .split
            .chunk_by(|x, y| x.a_code == y.a_code && x.a_name == y.a_name)
            .take(TABLE_SPLIT_FEATURES)
        {
            let mut parts: Vec<String> = group.iter().take(TABLE_PARTS).map(part_text).collect();
            if group.len() > TABLE_PARTS {
                parts.push(format!("and {} more", group.len() - TABLE_PARTS));
            }
            t.push(vec![
                Cell::text(&group[0].a_code).table(),
                Cell::text(&group[0].a_name).table(),
                super::table::escape(&parts.join(", ")).into_owned(),
            ]);
        }
        let text = t.to_string();
        for line in text.lines() {
            writeln!(w, "  {line}")?;
        }
        if p.a_split > TABLE_SPLIT_FEATURES {
            writeln!(
                w,
                "  and {} more split features (all in --format csv, json or xlsx)",
                p.a_split - TABLE_SPLIT_FEATURES
            )?;
        }
    }
    if !p.outside.is_empty() {
        writeln!(
            w,
            "  outside every feature of {}: {}",
            super::table::escape(&p.b_layer),
            super::table::escape(&crate::layer::list_some(&p.outside, 20))
        )?;
    }
    if p.a_nested_in_b && !p.uncovered.is_empty() {
        let codes: Vec<String> = p
            .uncovered
            .iter()
            .map(|u| format!("{} ({:.3} km²)", u.code, u.uncovered_km2))
            .collect();
        writeln!(
            w,
            "  {} features not covered by {}: {}",
            super::table::escape(&p.b_layer),
            super::table::escape(&p.a_layer),
            super::table::escape(&crate::layer::list_some(&codes, 20))
        )?;
    }
    Ok(())
}

impl Render for MatrixReport {
    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        sink.rows(&pair_columns(self.weighted()), &self.pairs)
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        writeln!(w, "tolerance: {}", self.tolerance)?;
        for l in &self.layers {
            writeln!(w, "{}", l.accounting())?;
        }
        if let Some(f) = &self.weights_file {
            writeln!(
                w,
                "weights: {f} ({})",
                self.weight_column
                    .as_deref()
                    .unwrap_or("each point weighs 1")
            )?;
        }
        writeln!(
            w,
            "\nEach row's layer (A) in each column's (B): whole/in scope when every A feature \
             is whole in one B (N: A nests in B), else how many are split or outside; B: B is \
             built from A (A nests in it and covers it)\n"
        )?;
        write!(w, "{}", self.grid())?;
        for p in &self.pairs {
            pair_section(w, p, self.weighted())?;
        }
        Ok(())
    }

    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        let mut about = super::about(self, None)?;
        about.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        book.about(about)?;
        book.rows("Pairs", &pair_columns(self.weighted()), &self.pairs)?;
        let parts: Vec<PartOf> = self
            .pairs
            .iter()
            .flat_map(|p| p.split.iter().map(move |s| (p, s)))
            .collect();
        book.rows("Split parts", &part_columns(self.weighted()), &parts)
    }
}
