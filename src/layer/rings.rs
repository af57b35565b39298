//! One feature's geometry, from the reader's flat coordinates to finished polygons: structure
//! checked, rings built (and closed when open), validated, projected to British National Grid,
//! oriented and measured.

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};

use super::crs::{Crs, Extent};
use super::geojson::{Nested, RawFeature, RawGeometry};
use super::{valid, Defect, Resolution, SkipReason, CORNER_DEGREES};
use crate::{geometry, project};

/// A feature's polygons, checked in the file's coordinates, then (when they are lon/lat)
/// projected to British National Grid, checked again there where projecting could change the
/// answer, oriented and measured.
pub(super) struct Built {
    pub(super) geometry: MultiPolygon<f64>,
    pub(super) defects: Vec<Defect>,
    pub(super) bbox: Rect<f64>,
    pub(super) area_m2: f64,
    pub(super) resolution: Resolution,
}

/// One feature's geometry, checked and built in the file's own coordinates.
pub(super) struct Prepped {
    /// The nesting of `coordinates` fits the declared type.
    pub(super) structure: Result<(), String>,
    /// Extent of its positions.
    pub(super) extent: Option<Extent>,
    /// Polygons, defects and box (boxed: every feature's is held until the layer is built);
    /// or why the feature is skipped.
    pub(super) geometry: Result<Box<Built>, SkipReason>,
}

/// Check and build one feature's geometry, taking it out of the raw feature.
pub(super) fn prep(f: &mut RawFeature) -> Prepped {
    let Some(mut g) = f.geometry.take() else {
        return Prepped {
            structure: Ok(()),
            extent: None,
            geometry: Err(SkipReason::NullGeometry),
        };
    };
    let structure = check_structure(&g);
    let extent = points_extent(&g.coords.points);
    let kind = g.kind.take().unwrap_or_default();
    let geometry = if structure.is_err() {
        // The layer will not load; nothing to build.
        Err(SkipReason::EmptyGeometry)
    } else if g.has_geometries || !(kind == "Polygon" || kind == "MultiPolygon") {
        Err(SkipReason::NotPolygon(kind))
    } else {
        build(g.coords, extent)
    };
    Prepped {
        structure,
        extent,
        geometry,
    }
}

/// Polygons from a (Multi)Polygon's coordinates, validated, projected and measured.
fn build(coords: Nested, extent: Option<Extent>) -> Result<Box<Built>, SkipReason> {
    let (mut geometry, mut defects) = to_multipolygon(coords);
    if geometry.0.is_empty() {
        return Err(SkipReason::EmptyGeometry);
    }
    // A feature whose coordinates look like lon/lat is projected here, on the checking
    // threads, while the file is still being read: if the layer loads at all, it loads as
    // lon/lat, because every feature must fit the layer's one coordinate system
    // (`check_one_system`, `decide_crs`).
    let lonlat = extent.is_some_and(|(min, max)| Crs::from_extent(min, max) == Some(Crs::Wgs84));
    // Validated first in the file's own coordinates, as any other tool would see them.
    let again = if lonlat {
        let (found, again) = valid::validate_lonlat(&geometry);
        defects.extend(found);
        again
    } else {
        defects.extend(valid::validate(&geometry));
        false
    };
    let projector = lonlat.then(project::british_isles);
    let Some((area_m2, bbox)) = finish_geometry(&mut geometry, projector) else {
        return Err(SkipReason::EmptyGeometry);
    };
    if again {
        // And again where the analysis works, when projecting could have changed the answer:
        // it can move lines that nearly touch across each other (LSOA E01013170 crosses
        // itself in British National Grid, not in lon/lat). Only what is new there is added.
        for d in valid::validate(&geometry) {
            if !defects.contains(&d) {
                defects.push(Defect::Projected(Box::new(d)));
            }
        }
    }
    // Shares are fractions of the feature's area: a feature with none (a ring with no area,
    // a hole enclosing its shell) cannot be analysed, and is skipped, saying why.
    if !(area_m2 > 0.0 && area_m2.is_finite()) {
        return Err(SkipReason::NoArea(
            defects.iter().map(ToString::to_string).collect(),
        ));
    }
    Ok(Box::new(Built {
        resolution: resolution_of(&geometry),
        geometry,
        defects,
        bbox,
        area_m2,
    }))
}

/// Nesting must match the declared type; unknown types are errors.
fn check_structure(g: &RawGeometry) -> Result<(), String> {
    let Some(kind) = g.kind.as_deref() else {
        return Err("a geometry has no \"type\"".into());
    };
    let expected = match kind {
        "Point" => 0,
        "LineString" | "MultiPoint" => 1,
        "Polygon" | "MultiLineString" => 2,
        "MultiPolygon" => 3,
        "GeometryCollection" => return Ok(()),
        other => return Err(format!("unknown geometry type {other:?}")),
    };
    match g.coords.height {
        None if g.coords.points.is_empty() => Ok(()),
        Some(h) if h == expected => Ok(()),
        _ => Err(format!(
            "a {kind}'s \"coordinates\" are nested {} deep; a {kind} needs {}",
            g.coords.height.map(|h| h as usize + 1).unwrap_or(0),
            expected + 1
        )),
    }
}

fn points_extent(points: &[Coord<f64>]) -> Option<Extent> {
    let first = points.first()?;
    let (mut min, mut max) = ([first.x, first.y], [first.x, first.y]);
    for p in points {
        min = [min[0].min(p.x), min[1].min(p.y)];
        max = [max[0].max(p.x), max[1].max(p.y)];
    }
    Some((min, max))
}

/// Project polygons to British National Grid (when `projector` is given), orient their rings
/// (shells counter-clockwise, holes clockwise), and return their true area and box, or `None`
/// when they have no box. In place: the layer's coordinates exist once.
fn finish_geometry(
    mp: &mut MultiPolygon<f64>,
    projector: Option<&project::Projector>,
) -> Option<(f64, Rect<f64>)> {
    let bbox = match projector {
        // The box is taken while projecting, in the same pass.
        Some(p) => {
            let mut lo = Coord {
                x: f64::INFINITY,
                y: f64::INFINITY,
            };
            let mut hi = Coord {
                x: f64::NEG_INFINITY,
                y: f64::NEG_INFINITY,
            };
            let mut project = |ring: &mut LineString<f64>| {
                for c in &mut ring.0 {
                    let (x, y) = p.project(c.x, c.y);
                    *c = Coord { x, y };
                    lo.x = lo.x.min(x);
                    lo.y = lo.y.min(y);
                    hi.x = hi.x.max(x);
                    hi.y = hi.y.max(y);
                }
            };
            for polygon in &mut mp.0 {
                polygon.exterior_mut(&mut project);
                polygon.interiors_mut(|rs| rs.iter_mut().for_each(&mut project));
            }
            (lo.x <= hi.x && lo.y <= hi.y).then(|| Rect::new(lo, hi))
        }
        None => mp.bounding_rect(),
    }?;
    Some((geometry::orient_and_true_area_m2(mp), bbox))
}

/// Build polygons (in the input's coordinates) from flat coordinates, noting ring problems.
/// The buffer is reused for the first ring of the first polygon (usually the only one), so
/// coordinates are not copied on the way from the file to the feature.
fn to_multipolygon(c: Nested) -> (MultiPolygon<f64>, Vec<Defect>) {
    let Nested {
        points,
        ring_ends,
        polygon_ends,
        ..
    } = c;
    let mut defects = Vec::new();
    // Rings as ranges of `points`, grouped by polygon.
    let mut polygons_rings: Vec<Vec<(usize, usize)>> = Vec::with_capacity(polygon_ends.len());
    let mut ring_start_idx = 0;
    for &ring_end_idx in &polygon_ends {
        let rings = (ring_start_idx..ring_end_idx)
            .map(|ri| (if ri == 0 { 0 } else { ring_ends[ri - 1] }, ring_ends[ri]))
            .collect();
        polygons_rings.push(rings);
        ring_start_idx = ring_end_idx;
    }
    let mut cut = cut_rings(points, &polygons_rings).into_iter();
    let mut owned: Vec<Vec<Vec<Coord<f64>>>> = polygons_rings
        .iter()
        .map(|rings| Vec::with_capacity(rings.len()))
        .collect();
    for (pi, rings) in polygons_rings.iter().enumerate() {
        for r in 0..rings.len() {
            let mut coords = cut.next().unwrap_or_default();
            check_ring(pi, r, &mut coords, &mut defects);
            owned[pi].push(coords);
        }
    }
    let polygons = owned
        .into_iter()
        .filter_map(|rings| {
            let mut rings = rings.into_iter().map(LineString);
            let exterior = rings.next()?;
            Some(Polygon::new(exterior, rings.collect()))
        })
        .collect();
    (MultiPolygon(polygons), defects)
}

/// [`to_multipolygon`], for the loader's tests.
#[cfg(test)]
pub(super) fn to_multipolygon_for_tests(c: Nested) -> (MultiPolygon<f64>, Vec<Defect>) {
    to_multipolygon(c)
}

/// The rings (ranges of `points`, grouped by polygon) cut off the end of the buffer, last
/// first; the first ring keeps the buffer.
fn cut_rings(
    mut points: Vec<Coord<f64>>,
    polygons_rings: &[Vec<(usize, usize)>],
) -> Vec<Vec<Coord<f64>>> {
    let all: Vec<(usize, usize)> = polygons_rings.iter().flatten().copied().collect();
    let mut cut: Vec<Vec<Coord<f64>>> = Vec::with_capacity(all.len());
    for (k, &(start, end)) in all.iter().enumerate().rev() {
        points.truncate(end);
        if k == 0 && start == 0 {
            points.shrink_to_fit();
            cut.push(std::mem::take(&mut points));
        } else {
            cut.push(points.split_off(start));
        }
    }
    cut.reverse();
    cut
}

/// Ring `r` of polygon `pi`: closed if open, and too short noted.
fn check_ring(pi: usize, r: usize, coords: &mut Vec<Coord<f64>>, defects: &mut Vec<Defect>) {
    let n = coords.len();
    if coords.first() != coords.last() {
        defects.push(Defect::RingNotClosed {
            polygon: pi,
            ring: r,
        });
        if let Some(&first) = coords.first() {
            coords.push(first);
        }
    }
    if coords.len() < 4 {
        defects.push(Defect::TooFewPositions {
            polygon: pi,
            ring: r,
            positions: n,
        });
    }
}

/// Segment lengths and corners (turns over [`CORNER_DEGREES`]) in ground metres.
fn resolution_of(mp: &MultiPolygon<f64>) -> Resolution {
    let cos_limit = CORNER_DEGREES.to_radians().cos();
    let mut r = Resolution::default();
    for p in &mp.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let pts = &ring.0;
            r.vertices += pts.len();
            // The previous segment (dx, dy, length); the last one of the ring to begin with,
            // so the closing vertex is judged too.
            let mut prev: Option<(f64, f64, f64)> = None;
            if pts.len() >= 3 {
                let n = pts.len();
                let (dx, dy) = (pts[n - 1].x - pts[n - 2].x, pts[n - 1].y - pts[n - 2].y);
                let l = (dx * dx + dy * dy).sqrt();
                if l > 0.0 {
                    prev = Some((dx, dy, l));
                }
            }
            for w in pts.windows(2) {
                let (dx, dy) = (w[1].x - w[0].x, w[1].y - w[0].y);
                let l = (dx * dx + dy * dy).sqrt();
                if l == 0.0 {
                    continue;
                }
                r.segments += 1;
                r.total_length_m += l;
                // The cosine of the turn, cross-multiplied: no division per segment.
                if let Some((pdx, pdy, pl)) = prev {
                    if pdx * dx + pdy * dy < cos_limit * pl * l {
                        r.corners += 1;
                    }
                }
                prev = Some((dx, dy, l));
            }
        }
    }
    r
}
