//! The map itself: an inline SVG in British National Grid metres, y flipped (north up), the
//! shapes grouped by layer and class, then the footprints' labels.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;
use geo::{LineString, MultiPolygon, Rect};

use super::{escape, Label, MapReport, Shape};
use crate::geometry::clean;
use crate::report::fixed;

/// The SVG's viewBox, SVG units (metres, y flipped).
struct ViewBox {
    x0: f64,
    y0: f64,
    width: f64,
    height: f64,
}

impl ViewBox {
    /// `extent` with a margin of 2% around it.
    fn around(e: &Rect<f64>) -> ViewBox {
        let pad = 0.02 * e.width().max(e.height()).max(1.0);
        ViewBox {
            x0: (e.min().x - pad).floor(),
            y0: (-e.max().y - pad).floor(),
            width: (e.width() + 2.0 * pad).ceil(),
            height: (e.height() + 2.0 * pad).ceil(),
        }
    }

    /// Metres per pixel when the map is 1000 pixels wide: the labels' size before the
    /// script runs.
    fn metres_per_px(&self) -> f64 {
        (self.width / 1000.0).max(self.height / 700.0)
    }
}

/// The `<svg>`: hatching, the shapes (units, parts, providers, footprints: the later on
/// top), then the labels. `title` is escaped already.
pub(super) fn write_svg(report: &MapReport, title: &str, w: &mut dyn Write) -> Result<()> {
    let vb = ViewBox::around(&report.extent);
    let px0 = vb.metres_per_px();
    writeln!(
        w,
        "<svg id=\"map\" viewBox=\"{} {} {} {}\" style=\"--px:{px0:.1}\" role=\"img\" \
         aria-label=\"{title}\">",
        vb.x0, vb.y0, vb.width, vb.height
    )?;
    write_hatch(px0, w)?;
    write_group(w, "units", &report.units)?;
    write_group(w, "parts", &report.parts)?;
    write_group(w, "providers", &report.providers)?;
    write_group(w, "footprints", &report.footprints)?;
    write_labels(&report.labels, w)?;
    writeln!(w, "</svg>")?;
    Ok(())
}

/// The hatching of parts outside their unit's best fit, sized for `px0` metres per pixel
/// (the script resizes it as the map zooms).
fn write_hatch(px0: f64, w: &mut dyn Write) -> Result<()> {
    writeln!(
        w,
        "<defs><pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"{h}\" height=\"{h}\" \
         patternTransform=\"rotate(45)\"><rect width=\"{h}\" height=\"{h}\" fill=\"rgba(255,255,255,.25)\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"{h}\" stroke=\"#7a1c1c\" stroke-width=\"{sw}\"/></pattern></defs>",
        h = fixed((px0 * 6.0).max(0.1), 1),
        sw = fixed((px0 * 2.0).max(0.1), 1),
    )?;
    Ok(())
}

/// The footprints' labels, each showing only where its footprint has room.
fn write_labels(labels: &[Label], w: &mut dyn Write) -> Result<()> {
    writeln!(w, "<g id=\"labels\">")?;
    for l in labels {
        writeln!(
            w,
            "<text class=\"label\" data-kind=\"label\" data-code=\"{code}\" data-name=\"{name}\" data-room=\"{room}\" x=\"{x}\" y=\"{y}\"><title>{t}</title>{code}</text>",
            code = escape(&l.code),
            name = escape(&l.name),
            x = l.x.round() as i64,
            y = -(l.y.round() as i64),
            t = escape(&l.title),
            room = l.room_m.round() as i64,
        )?;
    }
    writeln!(w, "</g>")?;
    Ok(())
}

/// Shapes grouped by class (`<g class="units whole">`), so each path carries only its kind,
/// code, outline and title: on 35,000 LSOAs every byte per path is 35 kB.
fn write_group(w: &mut dyn Write, id: &str, shapes: &[Shape]) -> Result<()> {
    let mut classes: Vec<&str> = Vec::new();
    for s in shapes {
        if !classes.contains(&s.class.as_str()) {
            classes.push(&s.class);
        }
    }
    writeln!(w, "<g id=\"{id}\">")?;
    for class in classes {
        writeln!(w, "<g class=\"{id} {}\">", escape(class))?;
        for s in shapes.iter().filter(|s| s.class == class) {
            writeln!(
                w,
                "<path data-kind=\"{}\" data-code=\"{}\" d=\"{}\"><title>{}</title></path>",
                s.kind,
                escape(&s.code),
                path_data(&s.geometry),
                escape(&s.title)
            )?;
        }
        writeln!(w, "</g>")?;
    }
    writeln!(w, "</g>")?;
    Ok(())
}

/// SVG path data for a MultiPolygon in BNG metres, y flipped (north up): whole metres,
/// relative moves after each ring's first point, repeated points left out.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// let p = polygon![(x: 400_000.0, y: 300_000.0), (x: 401_000.0, y: 300_000.0),
///     (x: 401_000.0, y: 300_500.4)];
/// assert_eq!(footprint::report::map::path_data(&MultiPolygon(vec![p])),
///     "M400000-300000l1000 0 0-500z");
/// ```
pub fn path_data(mp: &MultiPolygon<f64>) -> String {
    let mut d = String::new();
    for polygon in &mp.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            ring_data(&mut d, ring);
        }
    }
    d
}

/// One ring on the drawn grid (whole metres), cleaned there of repeated points and spikes
/// ([`clean::clean_grid_ring`]); a ring that collapses on it is not drawn.
fn ring_data(d: &mut String, ring: &LineString<f64>) {
    let pts = &ring.0;
    // The closing point repeats the first: `z` draws that edge.
    let n = if pts.len() > 1 && pts[0] == pts[pts.len() - 1] {
        pts.len() - 1
    } else {
        pts.len()
    };
    let mut grid: Vec<(i64, i64)> = pts[..n]
        .iter()
        .map(|p| (p.x.round() as i64, -(p.y.round() as i64)))
        .collect();
    if !clean::clean_grid_ring(&mut grid) {
        return;
    }
    let (mut px, mut py) = grid[0];
    let _ = write!(d, "M{px}{}", signed(py));
    let mut first = true;
    for &(x, y) in &grid[1..] {
        let (dx, dy) = (x - px, y - py);
        if first {
            d.push('l');
            let _ = write!(d, "{dx}");
            first = false;
        } else {
            d.push_str(&signed(dx));
        }
        d.push_str(&signed(dy));
        px = x;
        py = y;
    }
    d.push('z');
}

/// A number after another: a minus sign separates it, otherwise a space.
fn signed(v: i64) -> String {
    if v < 0 {
        v.to_string()
    } else {
        format!(" {v}")
    }
}
