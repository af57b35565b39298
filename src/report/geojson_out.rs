//! GeoJSON output for QGIS: WGS84 lon/lat (RFC 7946), counter-clockwise shells.

use std::io::Write;

use anyhow::Result;
use geo::{LineString, Polygon};
use serde_json::{Map, Value};

use crate::project;

/// Write a FeatureCollection of polygons with properties, one feature per line.
pub fn write_polygons<'a>(
    w: &mut dyn Write,
    features: impl Iterator<Item = (Map<String, Value>, &'a Polygon<f64>)>,
) -> Result<()> {
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (i, (props, polygon)) in features.enumerate() {
        if i > 0 {
            writeln!(w, ",")?;
        }
        write!(w, "{{\"type\":\"Feature\",\"properties\":")?;
        serde_json::to_writer(&mut *w, &props)?;
        write!(w, ",\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[")?;
        for (r, ring) in std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .enumerate()
        {
            if r > 0 {
                write!(w, ",")?;
            }
            write_ring(w, ring)?;
        }
        write!(w, "]}}}}")?;
    }
    writeln!(w, "\n]}}")?;
    Ok(())
}

fn write_ring(w: &mut dyn Write, ring: &LineString<f64>) -> Result<()> {
    write!(w, "[")?;
    for (i, c) in ring.0.iter().enumerate() {
        let (lon, lat) = project::bng_to_wgs84(c.x, c.y);
        if i > 0 {
            write!(w, ",")?;
        }
        // 7 decimals: about a centimetre.
        write!(w, "[{lon:.7},{lat:.7}]")?;
    }
    write!(w, "]")?;
    Ok(())
}
