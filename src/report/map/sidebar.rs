//! The map's sidebar: the headline counts, where the data came from, the legend, and the
//! tables of split units, units outside, spanning providers and footprints, then notes.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use super::{
    escape, MapReport, OUTSIDE_FILL, OUT_OF_SCOPE_FILL, SHORE_FILL, SPLIT_FILL, WHOLE_FILL,
};
use crate::analysis::coterminosity::{CoterminosityReport, Status, UnitRow};
use crate::analysis::spanning::{SpanRow, SpanningReport};
use crate::report::{fixed, round6};

/// Tables stop here; the command's CSV has every row.
const MAX_TABLE_ROWS: usize = 500;

/// The sidebar, section by section.
pub(super) fn write_sidebar(report: &MapReport, w: &mut dyn Write) -> Result<()> {
    let cot = &report.coterminosity;
    writeln!(w, "<aside>\n<h1>{}</h1>", escape(&report.title))?;
    write_headline(report, w)?;
    writeln!(w, "<p class=\"meta\">{}</p>", sources(report))?;
    let out_of_scope = cot.summary.units_out_of_scope > 0;
    write_legend(report.spanning.is_some(), out_of_scope, w)?;
    write_split_units(cot, report.with_weights, w)?;
    write_outside_units(cot, w)?;
    if let Some(sp) = &report.spanning {
        write_spanning_providers(sp, report.with_weights, w)?;
    }
    write_footprints(cot, w)?;
    write_notes(&notes(report), w)?;
    writeln!(
        w,
        "<p class=\"meta\">Made by footprint {}. Areas are true areas on the ground; shares are \
         fractions of the unit (or provider). The map is British National Grid, north up.</p>\n</aside>",
        env!("CARGO_PKG_VERSION")
    )?;
    Ok(())
}

/// How many providers span more than one footprint.
fn providers_spanning(sp: &SpanningReport) -> usize {
    sp.providers.iter().filter(|p| p.plans_spanned > 1).count()
}

/// The counts in bold: units by status, coterminous footprints, spanning providers.
fn write_headline(report: &MapReport, w: &mut dyn Write) -> Result<()> {
    let s = &report.coterminosity.summary;
    writeln!(
        w,
        "<p><b>{} units: {} whole, {} split, {}{} outside every footprint{}; {} of {} footprints coterminous.</b></p>",
        s.units,
        s.units_whole,
        s.units_split,
        crate::report::coterminosity::shore(s.units_partly_outside),
        s.units_outside,
        out_of_scope(&report.coterminosity),
        s.footprints_coterminous,
        s.footprints
    )?;
    if let Some(sp) = &report.spanning {
        writeln!(
            w,
            "<p><b>{} of {} providers span more than one footprint</b> (counting a footprint at {} share &ge; {}).</p>",
            providers_spanning(sp),
            sp.providers.len(),
            escape(&sp.counted_by),
            sp.min_share
        )?;
    }
    Ok(())
}

/// The layers, tolerance, simplification and weights the map was made with (HTML).
fn sources(report: &MapReport) -> String {
    let ctx = &report.coterminosity.context;
    let mut meta = String::new();
    for l in &ctx.layers {
        let _ = write!(
            meta,
            "{}: {} ({} features, code {})<br>",
            escape(&l.role),
            escape(&l.file),
            l.analysed_count,
            escape(&l.code_field)
        );
    }
    let _ = write!(
        meta,
        "Tolerance {} m ({}); boundaries drawn simplified by up to {} m.",
        ctx.tolerance_m,
        escape(&ctx.tolerance_source),
        report.simplify_m
    );
    if let Some(f) = &ctx.weights_file {
        let _ = write!(
            meta,
            "<br>Weights: {} ({}).",
            escape(f),
            escape(
                ctx.weight_column
                    .as_deref()
                    .unwrap_or("each point weighs 1")
            )
        );
    }
    meta
}

/// `, 65 outside England, out of scope` when a scope applies.
fn out_of_scope(cot: &CoterminosityReport) -> String {
    match cot
        .context
        .scope
        .as_ref()
        .filter(|_| cot.summary.units_out_of_scope > 0)
    {
        Some(scope) => format!(
            ", {} outside {}, out of scope",
            cot.summary.units_out_of_scope, scope.country
        ),
        None => String::new(),
    }
}

/// A small legend picture.
fn swatch(inner: &str) -> String {
    format!(
        "<svg width=\"28\" height=\"16\" viewBox=\"0 0 28 16\" aria-hidden=\"true\">{inner}</svg>"
    )
}

/// A legend swatch filled with one colour.
fn fill_swatch(fill: &str) -> String {
    swatch(&format!(
        "<rect x=\"1\" y=\"1\" width=\"26\" height=\"14\" fill=\"{fill}\"/>"
    ))
}

/// The legend's entries (swatch, text), providers last when there are any.
fn legend_entries(with_providers: bool, out_of_scope: bool) -> Vec<(String, &'static str)> {
    let mut entries = vec![
        (fill_swatch(WHOLE_FILL), "Unit wholly in one footprint"),
        (fill_swatch(SPLIT_FILL), "Unit split between footprints"),
        (
            swatch("<defs><pattern id=\"lhatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#7a1c1c\" stroke-width=\"2\"/></pattern></defs>\
                <rect x=\"1\" y=\"1\" width=\"26\" height=\"14\" fill=\"#f4a259\"/><rect x=\"1\" y=\"1\" width=\"26\" height=\"14\" fill=\"url(#lhatch)\" stroke=\"#7a3b00\" stroke-dasharray=\"3 2\"/>"),
            "Part of a split unit outside its best-fit footprint",
        ),
        (
            fill_swatch(SHORE_FILL),
            "Unit at the shore: in no footprint beyond slivers, given to the nearest",
        ),
        (fill_swatch(OUTSIDE_FILL), "Unit outside every footprint"),
    ];
    if out_of_scope {
        entries.push((
            fill_swatch(OUT_OF_SCOPE_FILL),
            "Unit of another country than the footprints (out of scope)",
        ));
    }
    entries.extend([
        (
            swatch("<rect x=\"2\" y=\"2\" width=\"24\" height=\"12\" fill=\"none\" stroke=\"#1d2b53\" stroke-width=\"2.2\"/>"),
            "Footprint boundary (labelled with its name, or its code where the name has no room)",
        ),
    ]);
    if with_providers {
        entries.push((
            swatch("<rect x=\"2\" y=\"2\" width=\"24\" height=\"12\" fill=\"none\" stroke=\"#6a3d9a\" stroke-width=\"1.6\" stroke-dasharray=\"6 3\"/>"),
            "Provider boundary",
        ));
    }
    entries
}

fn write_legend(with_providers: bool, out_of_scope: bool, w: &mut dyn Write) -> Result<()> {
    writeln!(w, "<h2>Legend</h2>\n<div class=\"legend\">")?;
    for (sw, text) in legend_entries(with_providers, out_of_scope) {
        writeln!(w, "<div>{sw}<span>{text}</span></div>")?;
    }
    writeln!(
        w,
        "</div>\n<p class=\"meta\">Hover over a shape for its details, click it (or a table row) to \
         keep them and highlight it. Scroll to zoom, drag to pan.</p>"
    )?;
    Ok(())
}

/// The head of a table of shares: `who` in `footprint`, km², share, the weight share with
/// weights, then `last` (more header cells, if any).
fn write_share_head(w: &mut dyn Write, who: &str, with_weights: bool, last: &str) -> Result<()> {
    write!(
        w,
        "<table><thead><tr><th>{who}</th><th>footprint</th><th class=\"n\">km²</th><th class=\"n\">share</th>"
    )?;
    if with_weights {
        write!(w, "<th class=\"n\">weight share</th>")?;
    }
    writeln!(w, "{last}</tr></thead><tbody>")?;
    Ok(())
}

/// The first cells of a row of shares: `who`, the footprint, km², share.
fn write_share_cells(
    w: &mut dyn Write,
    (code, name): (&str, &str),
    (footprint_code, footprint_name): (&str, &str),
    overlap_km2: f64,
    share: f64,
) -> Result<()> {
    write!(
        w,
        "<tr data-code=\"{c}\"><td>{c} {n}</td><td>{fc} {fn_}</td><td class=\"n\">{km2}</td><td class=\"n\">{share}</td>",
        c = escape(code),
        n = escape(name),
        fc = escape(footprint_code),
        fn_ = escape(footprint_name),
        km2 = fixed(overlap_km2, 1),
        share = fixed(share, 3),
    )?;
    Ok(())
}

/// The weight share cell: `-` for a share without weight.
fn write_weight_cell(w: &mut dyn Write, share: Option<Option<f64>>) -> Result<()> {
    let v = share
        .flatten()
        .map(|v| fixed(v, 3))
        .unwrap_or_else(|| "-".into());
    write!(w, "<td class=\"n\">{v}</td>")?;
    Ok(())
}

/// "and N more" under a table cut at [`MAX_TABLE_ROWS`].
fn more_rows(w: &mut dyn Write, more: usize, command: &str) -> Result<()> {
    if more > 0 {
        writeln!(
            w,
            "<p class=\"meta\">and {more} more: <code>footprint {command} --format csv</code> lists them all.</p>"
        )?;
    }
    Ok(())
}

/// Split units, part by part.
fn write_split_units(
    cot: &CoterminosityReport,
    with_weights: bool,
    w: &mut dyn Write,
) -> Result<()> {
    let split: Vec<&UnitRow> = cot.units_with(Status::Split).collect();
    writeln!(w, "<h2>Split units ({})</h2>", cot.summary.units_split)?;
    if split.is_empty() {
        writeln!(
            w,
            "<p>None: every unit lies in one footprint, or in none.</p>"
        )?;
        return Ok(());
    }
    write_share_head(
        w,
        "unit",
        with_weights,
        "<th title=\"the footprint the unit fits best\">best</th>",
    )?;
    let shown = split.len().min(MAX_TABLE_ROWS);
    for r in &split[..shown] {
        write_share_cells(
            w,
            (&r.unit_code, &r.unit_name),
            (&r.footprint_code, &r.footprint_name),
            r.overlap_km2,
            r.unit_share,
        )?;
        if with_weights {
            write_weight_cell(w, r.unit_weight_share)?;
        }
        writeln!(w, "<td>{}</td></tr>", if r.best_fit { "*" } else { "" })?;
    }
    writeln!(w, "</tbody></table>")?;
    more_rows(w, split.len() - shown, "coterminosity")
}

/// Units outside every footprint, when there are any.
fn write_outside_units(cot: &CoterminosityReport, w: &mut dyn Write) -> Result<()> {
    let outside: Vec<&UnitRow> = cot.units_with(Status::Outside).collect();
    if outside.is_empty() {
        return Ok(());
    }
    writeln!(
        w,
        "<h2>Units outside every footprint ({})</h2>\n<table><tbody>",
        outside.len()
    )?;
    let shown = outside.len().min(MAX_TABLE_ROWS);
    for r in &outside[..shown] {
        writeln!(
            w,
            "<tr data-code=\"{c}\"><td>{c} {n}</td></tr>",
            c = escape(&r.unit_code),
            n = escape(&r.unit_name)
        )?;
    }
    writeln!(w, "</tbody></table>")?;
    more_rows(w, outside.len() - shown, "coterminosity")
}

/// Providers spanning more than one footprint, footprint by footprint.
fn write_spanning_providers(
    sp: &SpanningReport,
    with_weights: bool,
    w: &mut dyn Write,
) -> Result<()> {
    let spanning: Vec<&SpanRow> = sp.rows.iter().filter(|r| r.plans_spanned > 1).collect();
    writeln!(
        w,
        "<h2>Providers spanning more than one footprint ({})</h2>",
        providers_spanning(sp)
    )?;
    if spanning.is_empty() {
        writeln!(w, "<p>None.</p>")?;
        return Ok(());
    }
    write_share_head(w, "provider", with_weights, "")?;
    for r in spanning {
        write_share_cells(
            w,
            (&r.provider_code, &r.provider_name),
            (&r.plan_code, &r.plan_name),
            r.overlap_km2,
            r.provider_share,
        )?;
        if with_weights {
            write_weight_cell(w, r.provider_weight_share)?;
        }
        writeln!(w, "</tr>")?;
    }
    writeln!(w, "</tbody></table>")?;
    Ok(())
}

/// Every footprint: coterminous or not, units whole and split.
fn write_footprints(cot: &CoterminosityReport, w: &mut dyn Write) -> Result<()> {
    writeln!(
        w,
        "<h2>Footprints ({})</h2>\n<table><thead><tr><th>footprint</th><th>coterminous</th>\
         <th class=\"n\">whole</th><th class=\"n\">split</th></tr></thead><tbody>",
        cot.footprints.len()
    )?;
    for f in &cot.footprints {
        writeln!(
            w,
            "<tr data-code=\"{c}\"><td>{c} {n}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if f.coterminous { "yes" } else { "no" },
            f.units_whole,
            f.units_split,
            c = escape(&f.footprint_code),
            n = escape(&f.footprint_name),
        )?;
    }
    writeln!(w, "</tbody></table>")?;
    Ok(())
}

/// Noise dropped, the layers' warnings and the analyses' warnings (plain text).
fn notes(report: &MapReport) -> Vec<String> {
    let ctx = &report.coterminosity.context;
    let mut notes: Vec<String> = Vec::new();
    if ctx.noise_pairs_dropped > 0 {
        notes.push(format!(
            "Noise removed: {} pairs overlapping only by slivers narrower than the tolerance ({} km² in all).",
            ctx.noise_pairs_dropped,
            fixed(round6(ctx.noise_km2_dropped), 3)
        ));
    }
    for l in &ctx.layers {
        notes.extend(l.warnings.iter().map(|x| format!("{}: {x}", l.file)));
    }
    notes.extend(ctx.warnings.iter().map(|x| x.to_string()));
    if let Some(scope) = &ctx.scope {
        for (o, text) in scope.out_of_scope.iter().zip(scope.sentences()) {
            notes.push(format!(
                "{text} (every footprint's code is of {}; --all-countries counts them): {}.",
                scope.country,
                crate::layer::list_some(&o.codes, 20)
            ));
        }
    }
    if let Some(sp) = &report.spanning {
        // The spanning context repeats the layer and analysis warnings; add only its own.
        notes.extend(
            sp.context
                .warnings
                .iter()
                .filter(|x| !ctx.warnings.contains(x))
                .map(|x| x.to_string()),
        );
    }
    notes
}

fn write_notes(notes: &[String], w: &mut dyn Write) -> Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(w, "<h2>Notes</h2>\n<ul class=\"notes\">")?;
    for n in notes {
        writeln!(w, "<li>{}</li>", escape(n))?;
    }
    writeln!(w, "</ul>")?;
    Ok(())
}
