//! The inspect report: one field a line in tables, one row in CSV.

use std::io::Write;

use anyhow::Result;

use super::{fixed, Cell, Csv, Render, Table};
use crate::analysis::inspect::InspectReport;

/// The fields, in order, as cells: what comes from the file (its name, field names) is
/// text; the rest footprint wrote itself.
fn fields(r: &InspectReport) -> Vec<(&'static str, Cell<'_>)> {
    let opt = |v: &Option<String>| Cell::owned(v.clone().unwrap_or_else(|| "-".into()));
    let bbox = |b: &Option<[f64; 4]>, d: usize| {
        Cell::Plain(
            b.map(|b| b.iter().map(|v| fixed(*v, d)).collect::<Vec<_>>().join(" "))
                .unwrap_or_else(|| "-".into()),
        )
    };
    vec![
        ("file", Cell::text(&r.file)),
        ("feature_count", Cell::Plain(r.feature_count.to_string())),
        ("polygon_count", Cell::Plain(r.polygon_count.to_string())),
        ("code_field", Cell::text(&r.code_field)),
        ("name_field", opt(&r.name_field)),
        ("crs", Cell::Plain(r.crs.clone())),
        ("crs_source", Cell::Plain(r.crs_source.clone())),
        ("bbox_wgs84", bbox(&r.bbox_wgs84, 6)),
        ("bbox_bng", bbox(&r.bbox_bng, 0)),
        ("area_km2", Cell::Plain(fixed(r.area_km2, 3))),
        ("vertex_count", Cell::Plain(r.vertex_count.to_string())),
        ("mean_segment_m", Cell::Plain(fixed(r.mean_segment_m, 1))),
        (
            "mean_corner_spacing_m",
            Cell::Plain(fixed(r.mean_corner_spacing_m, 1)),
        ),
        (
            "suggested_tolerance_m",
            Cell::Plain(r.suggested_tolerance_m.to_string()),
        ),
        (
            "null_geometry",
            Cell::Plain(r.defects.null_geometry.to_string()),
        ),
        (
            "empty_geometry",
            Cell::Plain(r.defects.empty_geometry.to_string()),
        ),
        (
            "not_polygon",
            Cell::Plain(r.defects.not_polygon.to_string()),
        ),
        (
            "invalid_geometry",
            Cell::Plain(r.defects.invalid_geometry.to_string()),
        ),
        (
            "duplicate_codes",
            Cell::Plain(r.defects.duplicate_codes.to_string()),
        ),
        (
            "missing_codes",
            Cell::Plain(r.defects.missing_codes.to_string()),
        ),
        ("left_out", Cell::Plain(r.codes.left_out.to_string())),
        (
            "gss_countries",
            Cell::Plain(or_dash(r.codes.tally.countries_text())),
        ),
        (
            "gss_entities",
            Cell::Plain(or_dash(r.codes.tally.entities_text())),
        ),
        ("edition", opt(&r.codes.edition)),
    ]
}

fn or_dash(s: String) -> String {
    if s.is_empty() {
        "-".into()
    } else {
        s
    }
}

impl Render for InspectReport {
    fn sheets(&self, book: &mut super::xlsx::Book) -> Result<()> {
        book.about([format!("footprint inspect {}", self.file)])?;
        book.record("Layer", fields(self))
    }

    fn csv(&self, sink: &mut Csv<'_>) -> Result<()> {
        let fields = fields(self);
        let headers: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
        sink.record(&headers, fields.into_iter().map(|(_, v)| v))
    }

    fn table(&self, w: &mut dyn Write) -> Result<()> {
        let mut t = Table::new(["field", "value"]);
        for (k, v) in fields(self) {
            t.push(vec![k.to_string(), v.table()]);
        }
        write!(w, "{t}")?;
        Ok(())
    }
}
