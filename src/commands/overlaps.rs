//! `footprint overlaps A B`: one row per overlapping pair.

use anyhow::Result;
use geo::orient::{Direction, Orient};
use serde_json::{json, Map, Value};

use super::{context, overlay_layers, prepare, table_heading, write_csv, Outcome, Style};
use crate::analysis::overlaps::{rows, OverlapRow, OverlapsReport};
use crate::cli::OverlapsArgs;
use crate::output::Output;
use crate::report::{self, Format, Table};

const ROLES: [&str; 2] = ["a", "b"];

fn headers(with_weights: bool) -> Vec<&'static str> {
    let mut headers = vec![
        "a_code",
        "a_name",
        "b_code",
        "b_name",
        "overlap_km2",
        "a_share",
        "b_share",
    ];
    if with_weights {
        headers.extend(["a_weight_share", "b_weight_share"]);
    }
    headers.push("retained_by");
    headers
}

fn cells(r: &OverlapRow, with_weights: bool, style: Style) -> Vec<String> {
    let mut row = vec![
        r.a_code.clone(),
        r.a_name.clone(),
        r.b_code.clone(),
        r.b_name.clone(),
        style.num(r.overlap_km2),
        style.num(r.a_share),
        style.num(r.b_share),
    ];
    if with_weights {
        row.push(style.opt(r.a_weight_share.flatten()));
        row.push(style.opt(r.b_weight_share.flatten()));
    }
    row.push(r.retained_by.as_str().to_string());
    row
}

pub fn run(args: OverlapsArgs) -> Result<Outcome> {
    let dest = Output::new(args.output.output.as_deref());
    let pieces_out = args.pieces.as_deref().map(|p| Output::new(Some(p)));
    let mut outputs = vec![&dest];
    outputs.extend(pieces_out.as_ref());
    super::preflight_analysis(&outputs, &[&args.a, &args.b], &ROLES, &args.analysis)?;
    let prepared = prepare(
        &[&args.a, &args.b],
        &ROLES,
        &args.layer_args,
        &args.analysis,
        &args.output,
    )?;
    let (a, b) = (&prepared.layers[0], &prepared.layers[1]);
    let (result, weights) = overlay_layers(&prepared, args.pieces.is_some());
    let report = OverlapsReport {
        context: context(&prepared, &ROLES, &result),
        pair_count: result.pairs.len(),
        rows: rows(&a.features, &b.features, &result, weights.as_ref()),
    };

    // The pieces are staged first and moved into place only after the report is written,
    // so a failure leaves neither file.
    let mut staged_pieces = None;
    if let Some(pieces_out) = &pieces_out {
        let pieces = result
            .pairs
            .iter()
            .flat_map(|p| p.pieces.iter().map(move |piece| (p, piece)));
        let oriented: Vec<(Map<String, Value>, geo::Polygon<f64>)> = pieces
            .map(|(p, piece)| {
                let (fa, fb) = (&a.features[p.a], &b.features[p.b]);
                let props = json!({
                    "a_code": fa.code, "a_name": fa.name, "b_code": fb.code, "b_name": fb.name,
                    "area_km2": report::round6(piece.area_m2 / 1e6),
                    "width_m": (piece.width_m * 10.0).round() / 10.0,
                    "retained_by": p.retained_by.as_str(),
                });
                let props = props.as_object().cloned().unwrap_or_default();
                (props, piece.polygon.orient(Direction::Default))
            })
            .collect();
        staged_pieces = Some(pieces_out.stage(|w| {
            report::geojson_out::write_polygons(w, oriented.iter().map(|(m, p)| (m.clone(), p)))
        })?);
    }

    let with_weights = weights.is_some();
    let write_start = std::time::Instant::now();
    dest.write(|w| {
        match args.output.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut *w, &report)?;
                writeln!(w)?;
            }
            Format::Csv => {
                // Cells are formatted on all cores a block of rows at a time (so that the text
                // of the whole report never sits in memory at once), then written in order.
                use rayon::prelude::*;
                let rows = report.rows.chunks(4096).flat_map(|block| {
                    block
                        .par_iter()
                        .map(|r| cells(r, with_weights, Style::Csv))
                        .collect::<Vec<_>>()
                });
                write_csv(w, &headers(with_weights), rows)?;
            }
            Format::Table => {
                write!(w, "{}", table_heading(&report.context))?;
                writeln!(w, "{} overlapping pairs\n", report.pair_count)?;
                let mut t = Table::new(headers(with_weights));
                for r in &report.rows {
                    t.push(cells(r, with_weights, Style::Table));
                }
                write!(w, "{t}")?;
            }
        }
        Ok(())
    })?;
    if let Some(staged) = staged_pieces {
        staged.commit()?;
    }
    crate::timings::report("write", write_start);
    super::dispose((prepared, result, report));
    Ok(Outcome::Clean)
}
