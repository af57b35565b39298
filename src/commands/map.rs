//! `footprint map FOOTPRINTS --units UNITS [--providers P] -o report.html`: the coterminosity
//! (and spanning) analyses drawn as one self-contained HTML map.

use anyhow::{bail, Result};
use geo::{InteriorPoint, MultiPolygon, Rect};

use super::{context, overlay_pair, prepare, Outcome};
use crate::analysis::coterminosity::{self, CoterminosityReport, Status};
use crate::analysis::overlay::Overlay;
use crate::analysis::spanning::{self, SpanRow};
use crate::analysis::tolerance::ToleranceArg;
use crate::cli::{MapArgs, OutputArgs};
use crate::geometry::simplify_for_drawing;
use crate::layer::Feature;
use crate::report::map::{write_html, Label, MapReport, Shape};
use crate::report::{fixed, Destination, Format};

/// The map is drawn for this many pixels across; `--simplify auto` keeps a quarter pixel.
const NOMINAL_WIDTH_PX: f64 = 1000.0;

pub fn run(args: MapArgs) -> Result<Outcome> {
    if !(0.0..=1.0).contains(&args.min_share) {
        bail!(
            "--min-share {} is not a fraction between 0 and 1 (5% is 0.05)",
            args.min_share
        );
    }
    let mut paths = vec![args.units.as_path(), args.footprints.as_path()];
    let mut roles = vec!["units", "footprints"];
    if let Some(p) = &args.providers {
        paths.push(p.as_path());
        roles.push("providers");
    }
    let output = OutputArgs {
        format: Format::Table,
        output: Some(args.output.clone()),
        quiet: args.quiet,
    };
    let prepared = prepare(&paths, &roles, &args.layer_args, &args.analysis, &output)?;
    let (units, footprints) = (&prepared.layers[0], &prepared.layers[1]);

    let (cot_overlay, cot_weights) = overlay_pair(&prepared, 0, 1, true);
    let cot = coterminosity::analyse(
        &units.features,
        &footprints.features,
        &cot_overlay,
        cot_weights.as_ref(),
        context(&prepared, &roles, &cot_overlay),
    );
    if !args.quiet {
        for w in cot.context.warnings.iter().skip(prepared.warnings.len()) {
            eprintln!("warning: {w}");
        }
    }
    let span = prepared.layers.get(2).map(|providers| {
        let (o, weights) = overlay_pair(&prepared, 2, 1, false);
        spanning::analyse(
            &providers.features,
            &footprints.features,
            &o,
            weights.as_ref(),
            args.min_share,
            context(&prepared, &roles, &o),
        )
    });

    // The map opens on the footprints (and providers): units far beyond them, such as the
    // rest of the UK around English plans, are drawn but need zooming out to see.
    let extent = prepared.layers[1..]
        .iter()
        .filter_map(|l| l.bbox())
        .reduce(crate::geometry::rect_union)
        .or_else(|| units.bbox());
    let Some(extent) = extent else {
        bail!("nothing to draw: the layers have no polygon features");
    };
    let simplify_m = match args.simplify {
        ToleranceArg::Metres(m) => m,
        ToleranceArg::Auto => auto_simplify_m(&extent),
    };
    let draw = |g: &MultiPolygon<f64>| simplify_for_drawing(g, simplify_m);

    let with_weights = cot_weights.is_some();
    let (unit_shapes, part_shapes) = unit_shapes(
        &units.features,
        &footprints.features,
        &cot_overlay,
        &cot,
        with_weights,
        &draw,
    );
    let footprint_shapes: Vec<Shape> = footprints
        .features
        .iter()
        .zip(&cot.footprints)
        .map(|(f, row)| Shape {
            kind: "footprint",
            code: f.code.clone(),
            class: if row.coterminous {
                "coterminous"
            } else {
                "not-coterminous"
            }
            .into(),
            geometry: draw(&f.geometry),
            title: footprint_title(f, row),
        })
        .collect();
    let labels: Vec<Label> = footprints
        .features
        .iter()
        .zip(&footprint_shapes)
        .filter_map(|(f, shape)| {
            // Inside the largest part, where a label has most room.
            let largest = f.geometry.0.iter().max_by(|a, b| {
                crate::geometry::planar_area(a).total_cmp(&crate::geometry::planar_area(b))
            })?;
            let p = largest.interior_point()?;
            Some(Label {
                x: p.x(),
                y: p.y(),
                text: f.code.clone(),
                title: shape.title.clone(),
                room_m: f.bbox.width(),
            })
        })
        .collect();
    let provider_shapes: Vec<Shape> = match (&span, prepared.layers.get(2)) {
        (Some(sp), Some(providers)) => {
            // The report's rows come provider by provider, plans_spanned rows each.
            let mut k = 0;
            providers
                .features
                .iter()
                .zip(&sp.providers)
                .map(|(p, summary)| {
                    let rows = &sp.rows[k..k + summary.plans_spanned];
                    k += summary.plans_spanned;
                    Shape {
                        kind: "provider",
                        code: p.code.clone(),
                        class: if summary.plans_spanned > 1 {
                            "spanning"
                        } else {
                            "single"
                        }
                        .into(),
                        geometry: draw(&p.geometry),
                        title: provider_title(p, rows, with_weights),
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    };

    let title = args.title.clone().unwrap_or_else(|| {
        format!(
            "{} against {}",
            file_name(&args.footprints),
            file_name(&args.units)
        )
    });
    let report = MapReport {
        title,
        extent,
        simplify_m,
        units: unit_shapes,
        parts: part_shapes,
        footprints: footprint_shapes,
        providers: provider_shapes,
        labels,
        coterminosity: cot,
        spanning: span,
        with_weights,
    };
    Destination {
        path: Some(args.output.clone()),
    }
    .write(|w| write_html(&report, w))?;
    if !args.quiet {
        let size = std::fs::metadata(&args.output)
            .map(|m| m.len())
            .unwrap_or(0);
        eprintln!(
            "map: {} ({} KB; boundaries simplified by up to {} m for drawing)",
            args.output.display(),
            size.div_ceil(1024),
            simplify_m
        );
    }
    Ok(Outcome::Clean)
}

/// A quarter of a pixel when the whole extent is [`NOMINAL_WIDTH_PX`] wide, to two
/// significant figures: zooming in four times still shows no simplification.
fn auto_simplify_m(extent: &Rect<f64>) -> f64 {
    let raw = extent.width().max(extent.height()) / NOMINAL_WIDTH_PX / 4.0;
    if raw <= 0.0 {
        return 0.0;
    }
    let scale = 10f64.powf(raw.log10().floor() - 1.0);
    (raw / scale).round() * scale
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

fn km2(m2: f64) -> String {
    let v = m2 / 1e6;
    format!("{} km²", fixed(v, if v < 10.0 { 2 } else { 1 }))
}

fn pct(share: f64) -> String {
    format!("{}%", fixed(share * 100.0, 1))
}

/// One shape per unit, coloured by status, and one per part of each split unit.
///
/// The report's unit rows come in unit order: one per retained pair of the unit, in the
/// overlay's order, or a single row for a unit outside every footprint.
fn unit_shapes(
    units: &[Feature],
    footprints: &[Feature],
    overlay: &Overlay,
    report: &CoterminosityReport,
    with_weights: bool,
    draw: &dyn Fn(&MultiPolygon<f64>) -> MultiPolygon<f64>,
) -> (Vec<Shape>, Vec<Shape>) {
    let mut shapes = Vec::with_capacity(units.len());
    let mut parts = Vec::new();
    let mut k = 0;
    for (u, unit) in units.iter().enumerate() {
        let pairs: Vec<_> = overlay.of_a(u).collect();
        let n = pairs.len().max(1);
        let rows = &report.units[k..k + n];
        k += n;
        let status = rows[0].status;
        let mut title = format!("{} {}\n{} · ", unit.code, unit.name, km2(unit.area_m2));
        match status {
            Status::Outside => title.push_str("outside every footprint"),
            // Kept short, the footprint by its code (its outline and the table name it): a
            // national map of small areas has tens of thousands of these.
            Status::Whole => {
                let r = &rows[0];
                title.push_str(&format!("whole, in {}", r.footprint_code));
                if r.unit_share < 0.995 {
                    title.push_str(&format!(" ({} of its area)", pct(r.unit_share)));
                }
            }
            Status::Split => {
                title.push_str("split");
                for r in rows {
                    title.push_str(&format!(
                        "\n{} of its area{} in {} {}{}",
                        pct(r.unit_share),
                        weight_note(r.unit_weight_share, with_weights),
                        r.footprint_code,
                        r.footprint_name,
                        if r.best_fit { " (best fit)" } else { "" }
                    ));
                }
            }
        }
        if !unit.defects.is_empty() {
            title.push_str(&format!(
                "\ninvalid polygon: {}",
                unit.defects
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        if status == Status::Split {
            for (pair, row) in pairs.iter().zip(rows) {
                let pieces = MultiPolygon(pair.pieces.iter().map(|p| p.polygon.clone()).collect());
                if pieces.0.is_empty() {
                    continue;
                }
                let f = &footprints[pair.b];
                parts.push(Shape {
                    kind: "part",
                    code: unit.code.clone(),
                    class: if row.best_fit { "best" } else { "other" }.into(),
                    geometry: draw(&pieces),
                    title: format!(
                        "Part of {} {} in {} {}\n{} · {} of the unit{}{}",
                        unit.code,
                        unit.name,
                        f.code,
                        f.name,
                        km2(pair.area_m2),
                        pct(row.unit_share),
                        weight_note(row.unit_weight_share, with_weights),
                        if row.best_fit { " (best fit)" } else { "" }
                    ),
                });
            }
        }
        shapes.push(Shape {
            kind: "unit",
            code: unit.code.clone(),
            class: status.as_str().into(),
            geometry: draw(&unit.geometry),
            title,
        });
    }
    (shapes, parts)
}

fn weight_note(share: Option<Option<f64>>, with_weights: bool) -> String {
    match (with_weights, share.flatten()) {
        (true, Some(s)) => format!(", {} of its weight", pct(s)),
        (true, None) => ", no weight".into(),
        (false, _) => String::new(),
    }
}

fn footprint_title(f: &Feature, row: &coterminosity::FootprintRow) -> String {
    let mut t = format!(
        "{} {}\n{} · {}coterminous · {} unit{} whole, {} split",
        f.code,
        f.name,
        km2(f.area_m2),
        if row.coterminous { "" } else { "not " },
        row.units_whole,
        crate::layer::plural(row.units_whole),
        row.units_split
    );
    if !row.split_units.is_empty() {
        t.push_str(&format!(
            "\nsplits: {}",
            crate::layer::list_some(&row.split_units, 10)
        ));
    }
    t
}

fn provider_title(p: &Feature, rows: &[SpanRow], with_weights: bool) -> String {
    let mut t = format!(
        "{} {}\n{} · spans {} footprint{}",
        p.code,
        p.name,
        km2(p.area_m2),
        rows.len(),
        crate::layer::plural(rows.len())
    );
    for r in rows {
        t.push_str(&format!(
            "\n{} of its area{} in {} {}",
            pct(r.provider_share),
            weight_note(r.provider_weight_share, with_weights),
            r.plan_code,
            r.plan_name
        ));
    }
    t
}
