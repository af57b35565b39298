//! `footprint build UNITS --mapping MAP.csv -o OUT.geojson`: dissolve units into footprints.

use std::io::Write;

use anyhow::Result;
use geo::orient::{Direction, Orient};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{layer_options, load_layers, write_csv, Outcome, Style};
use crate::analysis::dissolve::dissolve;
use crate::analysis::mapping::{self, Coverage};
use crate::analysis::tolerance;
use crate::analysis::LayerSummary;
use crate::cli::BuildArgs;
use crate::report::{self, geojson_out, Destination, Format, Table};

/// The code and name properties of a built layer, found by the other commands' detection.
pub const CODE_FIELD: &str = "FOOTPRINTCD";
pub const NAME_FIELD: &str = "FOOTPRINTNM";

#[derive(Debug, Serialize)]
pub struct BuiltRow {
    pub footprint_code: String,
    pub footprint_name: String,
    pub unit_count: usize,
    pub area_km2: f64,
    pub seams_filled: usize,
}

#[derive(Debug, Serialize)]
pub struct BuildReport {
    pub layers: Vec<LayerSummary>,
    pub mapping_file: String,
    pub output_file: String,
    pub tolerance_m: f64,
    pub tolerance_source: String,
    pub warnings: Vec<String>,
    #[serde(flatten)]
    pub coverage: Coverage,
    /// Footprints with no unit in the layer, not written.
    pub empty_footprints: Vec<String>,
    pub footprints: Vec<BuiltRow>,
}

pub fn run(args: BuildArgs) -> Result<Outcome> {
    let options = layer_options(&args.layer_args, &["units"])?;
    report::check_writable(&args.output)?;
    let map = crate::input::mapping::load(&args.mapping, args.columns.as_deref())?;
    let layers = load_layers(&[args.units.as_path()], &options, args.quiet)?;
    let units = &layers[0];
    let (tolerance, mut warnings) = tolerance::resolve(args.tolerance, &[units]);
    warnings.extend(map.notes.iter().cloned());
    let coverage = mapping::cover(&map, units);
    warnings.extend(coverage.warnings(&map, units));
    if !args.quiet {
        if args.tolerance == tolerance::ToleranceArg::Auto {
            eprintln!("tolerance: {tolerance}");
        }
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }

    let built = dissolve(&units.features, &coverage.members, tolerance.metres);
    let mut rows = Vec::new();
    let mut empty = Vec::new();
    let mut out_features: Vec<(Map<String, Value>, geo::MultiPolygon<f64>)> = Vec::new();
    for (((code, name), members), d) in map.footprints.iter().zip(&coverage.members).zip(built) {
        if members.is_empty() {
            empty.push(code.clone());
            continue;
        }
        let area_km2 = report::round6(d.area_m2 / 1e6);
        let mut props = Map::new();
        props.insert(CODE_FIELD.into(), json!(code));
        props.insert(NAME_FIELD.into(), json!(name));
        props.insert("unit_count".into(), json!(members.len()));
        props.insert("area_km2".into(), json!(area_km2));
        out_features.push((props, d.geometry.orient(Direction::Default)));
        rows.push(BuiltRow {
            footprint_code: code.clone(),
            footprint_name: name.clone(),
            unit_count: members.len(),
            area_km2,
            seams_filled: d.seams_filled,
        });
    }
    if !empty.is_empty() {
        let w = format!(
            "{} footprint{} with no unit in the layer, not written: {}",
            empty.len(),
            crate::layer::plural(empty.len()),
            crate::layer::list_some(&empty, 10)
        );
        if !args.quiet {
            eprintln!("warning: {w}");
        }
        warnings.push(w);
    }
    if out_features.is_empty() {
        anyhow::bail!(
            "no footprint has any unit of {}: check that the mapping's unit codes are {} values \
             (or pass --code)",
            units.display_name(),
            units.code_field
        );
    }
    report::write_atomically(&args.output, |w| {
        geojson_out::write_multipolygons(w, out_features.iter().map(|(p, g)| (p.clone(), g)))
    })?;
    let complete = coverage.is_complete();
    let report = BuildReport {
        layers: vec![LayerSummary::new("units", units)],
        mapping_file: map.path.display().to_string(),
        output_file: args.output.display().to_string(),
        tolerance_m: tolerance.metres,
        tolerance_source: tolerance.source.clone(),
        warnings,
        coverage,
        empty_footprints: empty,
        footprints: rows,
    };
    Destination { path: None }.write(|w| write_report(&report, args.format, w))?;
    Ok(if args.strict && !complete {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

const HEADERS: [&str; 5] = [
    "footprint_code",
    "footprint_name",
    "unit_count",
    "area_km2",
    "seams_filled",
];

fn cells(r: &BuiltRow, style: Style) -> Vec<String> {
    vec![
        r.footprint_code.clone(),
        r.footprint_name.clone(),
        r.unit_count.to_string(),
        style.num(r.area_km2),
        r.seams_filled.to_string(),
    ]
}

fn write_report(report: &BuildReport, format: Format, w: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, report)?;
            writeln!(w)?;
        }
        Format::Csv => {
            let rows: Vec<Vec<String>> = report
                .footprints
                .iter()
                .map(|r| cells(r, Style::Csv))
                .collect();
            write_csv(w, &HEADERS, &rows)?;
        }
        Format::Table => {
            let units: usize = report.footprints.iter().map(|r| r.unit_count).sum();
            writeln!(
                w,
                "built {} footprints from {} units into {}",
                report.footprints.len(),
                units,
                report.output_file
            )?;
            let c = &report.coverage;
            writeln!(
                w,
                "units not mapped: {}; mapped codes not in the layer: {}; mapped units without geometry: {}\n",
                c.unmapped_units.len(),
                c.unknown_units.len(),
                c.units_without_geometry.len()
            )?;
            let mut t = Table::new(HEADERS);
            for r in &report.footprints {
                t.push(cells(r, Style::Table));
            }
            write!(w, "{t}")?;
        }
    }
    Ok(())
}
