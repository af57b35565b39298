//! GeoJSON output for QGIS: WGS84 lon/lat (RFC 7946), counter-clockwise shells.
//!
//! Coordinates are written with 7 decimals (about a centimetre). Rounding can make two points
//! one, or turn a hair-thin notch into a spike, and a polygon valid in metres could then be
//! read back invalid. So polygons are first put on the written grid ([`Gridded`]: integer
//! units of 1e-7 degrees, exactly what a reader will parse), cleaned there with exact integer
//! tests (repeated points, spikes, collapsed rings: [`clean::clean_grid_ring`]), and checked
//! with geo's OGC validation as a reader will see them. What cleaning removed, and anything
//! still invalid, is counted in [`Written`] for the caller to report.
//!
//! The GeoPackage writer ([`super::gpkg_out`]) puts its polygons on the same grid through the
//! same accounting ([`grid_features`]), or, in British National Grid, on a millimetre grid
//! ([`Grid::Bng`]) with the same cleaning and checks.

use std::io::Write;

use anyhow::Result;
use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};
use serde_json::{Map, Value};

use crate::geometry::clean;
use crate::project;

/// Written coordinates are whole multiples of this many degrees.
const GRID_DEG: f64 = 1e-7;

/// The grid a layer is written on: WGS84 degrees to 7 decimals (GeoJSON, and GeoPackage by
/// default), or British National Grid metres to the millimetre (GeoPackage with
/// `--gpkg-crs bng`). Polygons come in British National Grid, as computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Grid {
    #[default]
    Wgs84,
    Bng,
}

impl Grid {
    /// A computed (British National Grid) point in grid units.
    fn point(self, c: Coord<f64>) -> (i64, i64) {
        match self {
            Grid::Wgs84 => {
                let (lon, lat) = project::bng_to_wgs84(c.x, c.y);
                (to_grid(lon), to_grid(lat))
            }
            Grid::Bng => ((c.x * 1e3).round() as i64, (c.y * 1e3).round() as i64),
        }
    }

    /// Grid units as written coordinates (degrees or metres): the nearest double to the exact
    /// decimal, as a reader parses the GeoJSON text.
    pub fn coordinate(self, i: i64) -> f64 {
        match self {
            Grid::Wgs84 => from_grid(i),
            Grid::Bng => i as f64 / 1e3,
        }
    }

    /// How coordinates are rounded, for messages.
    fn rounding(self) -> &'static str {
        match self {
            Grid::Wgs84 => "7 decimals",
            Grid::Bng => "the millimetre",
        }
    }

    /// The grid's step, for messages.
    fn step(self) -> &'static str {
        match self {
            Grid::Wgs84 => "the 7-decimal grid (about 1 cm)",
            Grid::Bng => "the millimetre grid",
        }
    }
}

/// A polygon on the written grid: its shell, then its holes; each ring open (the closing
/// point is written, not stored), shells counter-clockwise and holes clockwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridPolygon(pub Vec<Vec<(i64, i64)>>);

/// A feature's geometry on the written grid (empty when every part collapsed).
#[derive(Debug, Clone, Default)]
pub struct Gridded {
    pub polygons: Vec<GridPolygon>,
    /// Rings (holes, or shells with their holes) that collapsed on the grid and are not written.
    pub rings_dropped: usize,
    /// Vertices removed by cleaning (repeated points, spike tips).
    pub points_removed: usize,
    /// Whether geo's validation accepts the geometry as written.
    pub valid: bool,
}

/// What writing a layer of polygons did to them, for the caller to say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub features: usize,
    /// Features with rings or points removed on the grid (by label).
    pub cleaned: Vec<String>,
    /// Vertices removed on the grid (repeated points, spike tips), and rings dropped.
    pub points_removed: usize,
    pub rings_dropped: usize,
    /// Features not written because every part collapsed on the grid (by label).
    pub dropped: Vec<String>,
    /// Features still invalid as written (by label).
    pub invalid: Vec<String>,
    /// The grid they were written on (for the notes' wording).
    pub grid: Grid,
}

impl Written {
    /// One line per kind of change, for stderr and the report's warnings; none when nothing
    /// was changed.
    pub fn notes(&self, file: &str) -> Vec<String> {
        use crate::layer::{list_some, plural};
        let mut out = Vec::new();
        if !self.cleaned.is_empty() {
            let rings = match self.rings_dropped {
                0 => String::new(),
                n => format!(" and {n} ring{} collapsed", plural(n)),
            };
            out.push(format!(
                "{file}: rounding to {} made {} repeated point{} or spike{}{rings} in {} of \
                 {} polygon{}; they were removed, so the file reads back valid: {}",
                self.grid.rounding(),
                self.points_removed,
                plural(self.points_removed),
                plural(self.points_removed),
                self.cleaned.len(),
                self.features,
                plural(self.features),
                list_some(&self.cleaned, 5)
            ));
        }
        if !self.dropped.is_empty() {
            out.push(format!(
                "{file}: {} polygon{} not written: narrower than {} everywhere, they collapse \
                 when rounded: {}",
                self.dropped.len(),
                plural(self.dropped.len()),
                self.grid.step(),
                list_some(&self.dropped, 5)
            ));
        }
        if !self.invalid.is_empty() {
            out.push(format!(
                "{file}: {} polygon{} invalid as written (OGC rules, after rounding to {}): {}",
                self.invalid.len(),
                plural(self.invalid.len()),
                self.grid.rounding(),
                list_some(&self.invalid, 5)
            ));
        }
        out
    }
}

/// `v` degrees in grid units, rounded as `{:.7}` formatting rounds it (to nearest, by the
/// exact decimal value; ties, which multiplication could misjudge, are settled by formatting).
fn to_grid(v: f64) -> i64 {
    let scaled = v / GRID_DEG;
    let frac = scaled - scaled.floor();
    if (frac - 0.5).abs() < 1e-6 {
        let text = format!("{v:.7}");
        if let Ok(i) = text.replace('.', "").parse::<i64>() {
            return i;
        }
    }
    scaled.round() as i64
}

fn from_grid(i: i64) -> f64 {
    i as f64 / 1e7
}

/// Twice the signed area of an open grid ring (exact).
fn twice_area(ring: &[(i64, i64)]) -> i128 {
    let m = ring.len();
    (0..m)
        .map(|k| {
            let (a, b) = (ring[k], ring[(k + 1) % m]);
            a.0 as i128 * b.1 as i128 - b.0 as i128 * a.1 as i128
        })
        .sum()
}

/// A British National Grid ring on the written grid, open, cleaned; None when it collapses.
fn grid_ring(
    ring: &LineString<f64>,
    shell: bool,
    on: Grid,
    removed: &mut usize,
) -> Option<Vec<(i64, i64)>> {
    let mut pts: Vec<(i64, i64)> = ring.0.iter().map(|&c| on.point(c)).collect();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    let before = pts.len();
    if !clean::clean_grid_ring(&mut pts) {
        return None;
    }
    *removed += before - pts.len();
    // Shells counter-clockwise, holes clockwise, as written.
    if (twice_area(&pts) > 0) != shell {
        pts.reverse();
    }
    Some(pts)
}

/// Polygons (British National Grid) on the WGS84 written grid, cleaned and checked.
pub fn grid(polygons: &[Polygon<f64>]) -> Gridded {
    grid_on(polygons, Grid::Wgs84)
}

/// Polygons (British National Grid) on the written grid `on`, cleaned and checked.
pub fn grid_on(polygons: &[Polygon<f64>], on: Grid) -> Gridded {
    let mut out = Gridded::default();
    for p in polygons {
        let Some(shell) = grid_ring(p.exterior(), true, on, &mut out.points_removed) else {
            out.rings_dropped += 1 + p.interiors().len();
            continue;
        };
        let mut rings = vec![shell];
        for hole in p.interiors() {
            match grid_ring(hole, false, on, &mut out.points_removed) {
                Some(r) => rings.push(r),
                None => out.rings_dropped += 1,
            }
        }
        out.polygons.push(GridPolygon(rings));
    }
    out.valid = to_geo_on(&out.polygons, on).is_valid();
    // Rounding can push a vertex that nearly touches an edge across it. Such a polygon is
    // rebuilt on the grid: its union (the kernel splits it where it crosses itself), rounded
    // and cleaned again, a few times at most.
    for _ in 0..3 {
        if out.valid {
            break;
        }
        let Some(polygons) = regrid_union(&out.polygons) else {
            break;
        };
        out.points_removed += 1;
        out.valid = to_geo_on(&polygons, on).is_valid();
        out.polygons = polygons;
    }
    out
}

/// The union of grid polygons, computed in grid units and put back on the grid (cleaned,
/// oriented); None if the kernel fails.
fn regrid_union(polygons: &[GridPolygon]) -> Option<Vec<GridPolygon>> {
    let units = |r: &Vec<(i64, i64)>| {
        let mut c: Vec<Coord<f64>> = r
            .iter()
            .map(|&(x, y)| Coord {
                x: x as f64,
                y: y as f64,
            })
            .collect();
        if let Some(&first) = c.first() {
            c.push(first);
        }
        LineString(c)
    };
    let parts: Vec<Polygon<f64>> = polygons
        .iter()
        .map(|p| {
            let mut rings = p.0.iter().map(units);
            let shell = rings.next().unwrap_or(LineString(Vec::new()));
            Polygon::new(shell, rings.collect())
        })
        .collect();
    let union = crate::geometry::kernel::contained(|| geo::unary_union(parts.iter())).ok()?;
    let ring = |r: &LineString<f64>, shell: bool| -> Option<Vec<(i64, i64)>> {
        let mut pts: Vec<(i64, i64)> =
            r.0.iter()
                .map(|c| (c.x.round() as i64, c.y.round() as i64))
                .collect();
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if !clean::clean_grid_ring(&mut pts) {
            return None;
        }
        if (twice_area(&pts) > 0) != shell {
            pts.reverse();
        }
        Some(pts)
    };
    Some(
        union
            .0
            .iter()
            .filter_map(|p| {
                let mut rings = vec![ring(p.exterior(), true)?];
                rings.extend(p.interiors().iter().filter_map(|h| ring(h, false)));
                Some(GridPolygon(rings))
            })
            .collect(),
    )
}

/// Grid polygons as a reader parses them: degrees, closed rings.
pub fn to_geo(polygons: &[GridPolygon]) -> MultiPolygon<f64> {
    to_geo_on(polygons, Grid::Wgs84)
}

/// Grid polygons of grid `on` as a reader parses them: degrees or metres, closed rings.
pub fn to_geo_on(polygons: &[GridPolygon], on: Grid) -> MultiPolygon<f64> {
    let ring = |r: &Vec<(i64, i64)>| {
        let mut c: Vec<Coord<f64>> = r
            .iter()
            .map(|&(x, y)| Coord {
                x: on.coordinate(x),
                y: on.coordinate(y),
            })
            .collect();
        if let Some(&first) = c.first() {
            c.push(first);
        }
        LineString(c)
    };
    MultiPolygon(
        polygons
            .iter()
            .map(|p| {
                let mut rings = p.0.iter().map(ring);
                let shell = rings.next().unwrap_or(LineString(Vec::new()));
                Polygon::new(shell, rings.collect())
            })
            .collect(),
    )
}

/// Features gridded at once by [`grid_features`].
const GRID_CHUNK: usize = 2048;

/// Put each feature's polygons on the grid `on`, count what that changed in a [`Written`],
/// and hand every feature that kept a part to `each` (props, gridded polygons). The one place
/// the written layers (GeoJSON and GeoPackage) do their accounting.
pub fn grid_features<'a>(
    features: impl Iterator<Item = (String, Map<String, Value>, &'a [Polygon<f64>])>,
    on: Grid,
    mut each: impl FnMut(Map<String, Value>, Gridded) -> Result<()>,
) -> Result<Written> {
    use rayon::prelude::*;
    let mut written = Written {
        grid: on,
        ..Written::default()
    };
    let mut features = features.fuse();
    // Gridded in parallel a chunk at a time (a chunk's polygons are borrowed, not copied),
    // then counted and handed on in order.
    loop {
        let chunk: Vec<_> = features.by_ref().take(GRID_CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let gridded: Vec<Gridded> = chunk.par_iter().map(|f| grid_on(f.2, on)).collect();
        for ((label, props, _), g) in chunk.into_iter().zip(gridded) {
            written.features += 1;
            if g.polygons.is_empty() {
                written.dropped.push(label);
                continue;
            }
            if g.rings_dropped > 0 || g.points_removed > 0 {
                written.cleaned.push(label.clone());
                written.points_removed += g.points_removed;
                written.rings_dropped += g.rings_dropped;
            }
            if !g.valid {
                written.invalid.push(label);
            }
            each(props, g)?;
        }
    }
    Ok(written)
}

/// Write a FeatureCollection of polygons (each given with a label for messages) with
/// properties, one feature per line: `Polygon` when `single`, else `MultiPolygon`. Features
/// whose every part collapses on the grid are left out; all is counted in the [`Written`].
pub fn write_features<'a>(
    w: &mut dyn Write,
    features: impl Iterator<Item = (String, Map<String, Value>, &'a [Polygon<f64>])>,
    single: bool,
) -> Result<Written> {
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    let mut first = true;
    let written = grid_features(features, Grid::Wgs84, |props, g| {
        if !first {
            writeln!(w, ",")?;
        }
        first = false;
        write!(w, "{{\"type\":\"Feature\",\"properties\":")?;
        serde_json::to_writer(&mut *w, &props)?;
        if single && g.polygons.len() == 1 {
            write!(w, ",\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":")?;
            write_polygon(w, &g.polygons[0])?;
        } else {
            write!(
                w,
                ",\"geometry\":{{\"type\":\"MultiPolygon\",\"coordinates\":["
            )?;
            for (k, p) in g.polygons.iter().enumerate() {
                if k > 0 {
                    write!(w, ",")?;
                }
                write_polygon(w, p)?;
            }
            write!(w, "]")?;
        }
        write!(w, "}}}}")?;
        Ok(())
    })?;
    writeln!(w, "\n]}}")?;
    Ok(written)
}

fn write_polygon(w: &mut dyn Write, polygon: &GridPolygon) -> Result<()> {
    write!(w, "[")?;
    for (r, ring) in polygon.0.iter().enumerate() {
        if r > 0 {
            write!(w, ",")?;
        }
        write!(w, "[")?;
        for (i, &(x, y)) in ring.iter().chain(ring.first()).enumerate() {
            if i > 0 {
                write!(w, ",")?;
            }
            write!(w, "[")?;
            write_degrees(w, x)?;
            write!(w, ",")?;
            write_degrees(w, y)?;
            write!(w, "]")?;
        }
        write!(w, "]")?;
    }
    write!(w, "]")?;
    Ok(())
}

/// Grid units as degrees with 7 decimals, as `{:.7}` would print them.
fn write_degrees(w: &mut dyn Write, i: i64) -> Result<()> {
    let sign = if i < 0 { "-" } else { "" };
    let a = i.unsigned_abs();
    write!(w, "{sign}{}.{:07}", a / 10_000_000, a % 10_000_000)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_rounding_agrees_with_formatting() {
        let mut seed = 11;
        for _ in 0..20_000 {
            let v = (crate::test_rng::unit(&mut seed) - 0.5) * 20.0;
            let mut b = Vec::new();
            write_degrees(&mut b, to_grid(v)).unwrap();
            let text = String::from_utf8(b).unwrap();
            let want = format!("{v:.7}");
            // `{:.7}` keeps the sign of a negative number that rounds to zero.
            assert!(
                text == want || want == format!("-{text}"),
                "{v}: {text} vs {want}"
            );
        }
        assert_eq!(to_grid(0.00000005), 0); // ties to even, as formatting does
        assert_eq!(format!("{:.7}", 0.00000015_f64), {
            let mut b = Vec::new();
            write_degrees(&mut b, to_grid(0.00000015)).unwrap();
            String::from_utf8(b).unwrap()
        });
    }

    #[test]
    fn british_national_grid_is_written_to_the_millimetre() {
        let ring = LineString::from(vec![
            (400_000.000_4, 200_000.0),
            (400_010.0, 200_000.000_6),
            (400_010.0, 200_010.0),
            (400_000.0, 200_010.0),
            (400_000.000_4, 200_000.0),
        ]);
        let g = grid_on(&[Polygon::new(ring, vec![])], Grid::Bng);
        assert!(g.valid);
        assert_eq!(
            g.polygons[0].0[0],
            vec![
                (400_000_000, 200_000_000),
                (400_010_000, 200_000_001),
                (400_010_000, 200_010_000),
                (400_000_000, 200_010_000)
            ]
        );
        assert_eq!(Grid::Bng.coordinate(400_010_000), 400_010.0);
        let w = Written {
            invalid: vec!["X".into()],
            features: 1,
            grid: Grid::Bng,
            ..Written::default()
        };
        assert!(w.notes("f.gpkg")[0].contains("after rounding to the millimetre"));
    }

    #[test]
    fn a_spike_made_by_rounding_is_removed() {
        // Three points a few millimetres apart on one latitude once rounded: out and back.
        let p = |lon: f64, lat: f64| {
            let (x, y) = project::wgs84_to_bng(lon, lat);
            Coord { x, y }
        };
        let ring = LineString(vec![
            p(0.80, 51.78),
            p(0.81, 51.78),
            p(0.81, 51.789705),
            p(0.80393, 51.789705),
            p(0.8039302, 51.78970502),
            p(0.803929, 51.789705),
            p(0.80, 51.79),
            p(0.80, 51.78),
        ]);
        let g = grid(&[Polygon::new(ring, vec![])]);
        assert!(g.valid, "{g:?}");
        assert_eq!(g.polygons.len(), 1);
    }
}
