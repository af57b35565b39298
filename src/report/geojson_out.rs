//! GeoJSON output for QGIS: WGS84 lon/lat (RFC 7946), counter-clockwise shells.

use std::io::Write;

use anyhow::Result;
use geo::{LineString, MultiPolygon, Polygon};
use serde_json::{Map, Value};

use crate::project;

/// Write a FeatureCollection of polygons with properties, one feature per line.
pub fn write_polygons<'a>(
    w: &mut dyn Write,
    features: impl Iterator<Item = (Map<String, Value>, &'a Polygon<f64>)>,
) -> Result<()> {
    write_collection(w, features.map(|(p, g)| (p, Shape::Polygon(g))))
}

/// Write a FeatureCollection of MultiPolygons with properties, one feature per line.
pub fn write_multipolygons<'a>(
    w: &mut dyn Write,
    features: impl Iterator<Item = (Map<String, Value>, &'a MultiPolygon<f64>)>,
) -> Result<()> {
    write_collection(w, features.map(|(p, g)| (p, Shape::MultiPolygon(g))))
}

enum Shape<'a> {
    Polygon(&'a Polygon<f64>),
    MultiPolygon(&'a MultiPolygon<f64>),
}

fn write_collection<'a>(
    w: &mut dyn Write,
    features: impl Iterator<Item = (Map<String, Value>, Shape<'a>)>,
) -> Result<()> {
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (i, (props, shape)) in features.enumerate() {
        if i > 0 {
            writeln!(w, ",")?;
        }
        write!(w, "{{\"type\":\"Feature\",\"properties\":")?;
        serde_json::to_writer(&mut *w, &props)?;
        match shape {
            Shape::Polygon(p) => {
                write!(w, ",\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":")?;
                write_polygon(w, p)?;
            }
            Shape::MultiPolygon(mp) => {
                write!(
                    w,
                    ",\"geometry\":{{\"type\":\"MultiPolygon\",\"coordinates\":["
                )?;
                for (k, p) in mp.0.iter().enumerate() {
                    if k > 0 {
                        write!(w, ",")?;
                    }
                    write_polygon(w, p)?;
                }
                write!(w, "]")?;
            }
        }
        write!(w, "}}}}")?;
    }
    writeln!(w, "\n]}}")?;
    Ok(())
}

fn write_polygon(w: &mut dyn Write, polygon: &Polygon<f64>) -> Result<()> {
    write!(w, "[")?;
    for (r, ring) in std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .enumerate()
    {
        if r > 0 {
            write!(w, ",")?;
        }
        write_ring(w, ring)?;
    }
    write!(w, "]")?;
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
