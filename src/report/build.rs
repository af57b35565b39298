//! The build report, and the footprint layer it describes.

use std::io::Write;

use anyhow::Result;
use serde_json::{json, Map};

use super::geojson_out::Written;
use super::polygon_out::PolygonOutput;
use super::{col, round6, table_of, Cell, Column, Csv, Render};
use crate::analysis::build::{BuildReport, BuiltRow};
use crate::output::Staged;

/// The code and name properties of a built layer, found by the other commands' detection.
pub const CODE_FIELD: &str = "FOOTPRINTCD";
pub const NAME_FIELD: &str = "FOOTPRINTNM";

const COLUMNS: [Column<BuiltRow>; 5] = [
    col("footprint_code", |r| Cell::text(&r.footprint_code)),
    col("footprint_name", |r| Cell::text(&r.footprint_name)),
    col("unit_count", |r| Cell::Count(r.unit_count)),
    col("area_km2", |r| Cell::Num(r.area_km2)),
    col("seams_filled", |r| Cell::Count(r.seams_filled)),
];

impl Render for BuildReport {
    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        book.about(super::about(self, None)?)?;
        book.rows("Footprints", &COLUMNS, &self.footprints)
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        sink.rows(&COLUMNS, &self.footprints)
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        let units: usize = self.footprints.iter().map(|r| r.unit_count).sum();
        writeln!(
            w,
            "built {} footprints from {} units into {}",
            self.footprints.len(),
            units,
            self.output_file
        )?;
        let c = &self.coverage;
        writeln!(
            w,
            "units not mapped: {}; mapped codes not in the layer: {}; mapped units without geometry: {}\n",
            c.unmapped_units.len(),
            c.unknown_units.len(),
            c.units_without_geometry.len()
        )?;
        write!(w, "{}", table_of(&COLUMNS, &self.footprints))?;
        Ok(())
    }
}

/// The built footprints as a polygon layer (code, name, unit count, area) to `out`, staged;
/// what rounding to the written grid removed or dropped is counted in the [`Written`]
/// (labels: codes).
pub fn stage_layer(report: &BuildReport, out: &PolygonOutput) -> Result<(Staged, Written)> {
    let features = report.footprints.iter().map(|r| {
        let mut props = Map::new();
        props.insert(CODE_FIELD.into(), json!(r.footprint_code));
        props.insert(NAME_FIELD.into(), json!(r.footprint_name));
        props.insert("unit_count".into(), json!(r.unit_count));
        props.insert("area_km2".into(), json!(round6(r.area_km2)));
        (r.footprint_code.clone(), props, r.geometry.0.as_slice())
    });
    out.stage(features, false)
}
