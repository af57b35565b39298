//! `footprint inspect LAYER`: what a layer holds and how good it is.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::{layer_options, load_layers, Outcome};
use crate::analysis::tolerance;
use crate::cli::InspectArgs;
use crate::layer::{Layer, SkipReason};
use crate::project;
use crate::report::{fixed, round6, Destination, Format, Table};

#[derive(Debug, Serialize)]
pub struct DefectCounts {
    pub null_geometry: usize,
    pub empty_geometry: usize,
    pub not_polygon: usize,
    pub invalid_geometry: usize,
    pub duplicate_codes: usize,
    pub missing_codes: usize,
}

/// The facts `inspect` reports about a layer.
#[derive(Debug, Serialize)]
pub struct InspectReport {
    pub file: String,
    /// Features in the file.
    pub feature_count: usize,
    /// Features loaded as polygons (the rest are skipped, with reasons in `warnings`).
    pub polygon_count: usize,
    pub code_field: String,
    pub name_field: Option<String>,
    pub crs: String,
    pub crs_source: String,
    /// [min_lon, min_lat, max_lon, max_lat] of the projected features, WGS84.
    pub bbox_wgs84: Option<[f64; 4]>,
    /// [min_e, min_n, max_e, max_n] in British National Grid metres.
    pub bbox_bng: Option<[f64; 4]>,
    pub area_km2: f64,
    pub vertex_count: usize,
    pub mean_segment_m: f64,
    pub mean_corner_spacing_m: f64,
    pub suggested_tolerance_m: f64,
    pub defects: DefectCounts,
    pub warnings: Vec<String>,
}

impl InspectReport {
    pub fn from_layer(layer: &Layer) -> InspectReport {
        let count =
            |r: fn(&SkipReason) -> bool| layer.skipped.iter().filter(|s| r(&s.reason)).count();
        let bbox = layer.bbox();
        let bbox_bng =
            bbox.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y].map(|v| v.round()));
        let bbox_wgs84 = bbox.map(|r| {
            let (x0, y0) = project::bng_to_wgs84(r.min().x, r.min().y);
            let (x1, y1) = project::bng_to_wgs84(r.max().x, r.max().y);
            let (x2, y2) = project::bng_to_wgs84(r.min().x, r.max().y);
            let (x3, y3) = project::bng_to_wgs84(r.max().x, r.min().y);
            [x0.min(x2), y0.min(y3), x1.max(x3), y1.max(y2)].map(round6)
        });
        InspectReport {
            file: layer.display_name(),
            feature_count: layer.input_count,
            polygon_count: layer.features.len(),
            code_field: layer.code_field.clone(),
            name_field: layer.name_field.clone(),
            crs: layer.crs.epsg().to_string(),
            crs_source: layer.crs_source.to_string(),
            bbox_wgs84,
            bbox_bng,
            area_km2: round6(layer.features.iter().map(|f| f.area_m2).sum::<f64>() / 1e6),
            vertex_count: layer.resolution.vertices,
            mean_segment_m: (layer.resolution.mean_segment_m() * 10.0).round() / 10.0,
            mean_corner_spacing_m: (layer.resolution.mean_corner_spacing_m() * 10.0).round() / 10.0,
            suggested_tolerance_m: tolerance::suggested_m(&layer.resolution),
            defects: DefectCounts {
                null_geometry: count(|r| *r == SkipReason::NullGeometry),
                empty_geometry: count(|r| *r == SkipReason::EmptyGeometry),
                not_polygon: count(|r| matches!(r, SkipReason::NotPolygon(_))),
                invalid_geometry: layer.invalid_count(),
                duplicate_codes: layer.duplicate_codes.len(),
                missing_codes: layer.missing_codes.len(),
            },
            warnings: layer.warnings().iter().map(ToString::to_string).collect(),
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let bbox = |b: &Option<[f64; 4]>, d: usize| {
            b.map(|b| b.iter().map(|v| fixed(*v, d)).collect::<Vec<_>>().join(" "))
                .unwrap_or_else(|| "-".into())
        };
        vec![
            ("file", self.file.clone()),
            ("feature_count", self.feature_count.to_string()),
            ("polygon_count", self.polygon_count.to_string()),
            ("code_field", self.code_field.clone()),
            ("name_field", opt(&self.name_field)),
            ("crs", self.crs.clone()),
            ("crs_source", self.crs_source.clone()),
            ("bbox_wgs84", bbox(&self.bbox_wgs84, 6)),
            ("bbox_bng", bbox(&self.bbox_bng, 0)),
            ("area_km2", fixed(self.area_km2, 3)),
            ("vertex_count", self.vertex_count.to_string()),
            ("mean_segment_m", fixed(self.mean_segment_m, 1)),
            (
                "mean_corner_spacing_m",
                fixed(self.mean_corner_spacing_m, 1),
            ),
            (
                "suggested_tolerance_m",
                self.suggested_tolerance_m.to_string(),
            ),
            ("null_geometry", self.defects.null_geometry.to_string()),
            ("empty_geometry", self.defects.empty_geometry.to_string()),
            ("not_polygon", self.defects.not_polygon.to_string()),
            (
                "invalid_geometry",
                self.defects.invalid_geometry.to_string(),
            ),
            ("duplicate_codes", self.defects.duplicate_codes.to_string()),
            ("missing_codes", self.defects.missing_codes.to_string()),
        ]
    }

    pub fn write(&self, format: Format, w: &mut dyn Write) -> Result<()> {
        match format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut *w, self)?;
                writeln!(w)?;
            }
            Format::Csv => {
                let fields = self.fields();
                let mut csv = csv::Writer::from_writer(w);
                csv.write_record(fields.iter().map(|(k, _)| *k))?;
                csv.write_record(fields.iter().map(|(_, v)| v.as_str()))?;
                csv.flush()?;
            }
            Format::Table => {
                let mut t = Table::new(["field", "value"]);
                for (k, v) in self.fields() {
                    t.push(vec![k.to_string(), v]);
                }
                write!(w, "{t}")?;
            }
        }
        Ok(())
    }
}

pub fn run(args: InspectArgs) -> Result<Outcome> {
    let options = layer_options(&args.layer_args, &["layer"])?;
    let dest = Destination {
        path: args.output.output.clone(),
    };
    dest.check_writable()?;
    let layers = load_layers(&[&args.layer], &options, args.output.quiet)?;
    let layer = &layers[0];
    let report = InspectReport::from_layer(layer);
    dest.write(|w| report.write(args.output.format, w))?;
    Ok(Outcome::Clean)
}
