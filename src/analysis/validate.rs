//! Coverage checks: does a layer of footprints tile its area without gaps or overlaps, with
//! valid geometry and one code per feature?
//!
//! * **Overlaps** come from intersecting every pair of features whose boxes meet.
//! * **Gaps** are the holes in the union of the layer or, with an extent layer, the parts of
//!   the extent that the layer does not cover (holes the extent has too are not gaps).
//! * Gaps and overlaps narrower than the tolerance (mean width 2A/P, as in the overlay
//!   engine) are slivers: warnings, because real published coverages carry a few. Wider ones
//!   are errors. Pieces under [`MIN_PIECE_M2`] are numerical dust and are not reported.

use geo::{BooleanOps, BoundingRect, Coord, InteriorPoint, Intersects, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde::Serialize;

use super::cascade;
use super::contain::EdgeIndex;
use super::overlay::{self, Piece, MIN_PIECE_M2};
use crate::error::KernelError;
use crate::geometry::{self, kernel, kernel::KernelPanic};
use crate::index::EnvelopeIndex;
use crate::layer::{Feature, Layer, SkipReason};
use crate::project;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    InvalidGeometry,
    EmptyGeometry,
    NotPolygon,
    DuplicateCode,
    MissingCode,
    Overlap,
    Gap,
    OutsideExtent,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::InvalidGeometry,
        Kind::EmptyGeometry,
        Kind::NotPolygon,
        Kind::DuplicateCode,
        Kind::MissingCode,
        Kind::Overlap,
        Kind::Gap,
        Kind::OutsideExtent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::InvalidGeometry => "invalid_geometry",
            Kind::EmptyGeometry => "empty_geometry",
            Kind::NotPolygon => "not_polygon",
            Kind::DuplicateCode => "duplicate_code",
            Kind::MissingCode => "missing_code",
            Kind::Overlap => "overlap",
            Kind::Gap => "gap",
            Kind::OutsideExtent => "outside_extent",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a layer.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// The feature concerned (empty for gaps, which belong to no feature).
    pub code: String,
    /// The second feature of an overlap.
    pub other_code: String,
    /// Area on the ground, for invalid geometry, gaps and overlaps.
    #[serde(serialize_with = "crate::report::ser6_some")]
    pub area_km2: Option<f64>,
    pub severity: Severity,
    pub detail: String,
    /// A point in the problem (WGS84), to find it on a map.
    #[serde(serialize_with = "crate::report::ser6_some")]
    pub lon: Option<f64>,
    #[serde(serialize_with = "crate::report::ser6_some")]
    pub lat: Option<f64>,
    /// Features bordering a gap.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub neighbours: Vec<String>,
    /// The pieces of a gap, overlap or part outside the extent that its area counts (British
    /// National Grid), for `validate --polygons`; not in the report.
    #[serde(skip)]
    pub polygons: Vec<Polygon<f64>>,
}

impl Finding {
    fn new(kind: Kind, severity: Severity, code: String, detail: String) -> Finding {
        Finding {
            kind,
            code,
            other_code: String::new(),
            area_km2: None,
            severity,
            detail,
            lon: None,
            lat: None,
            neighbours: Vec::new(),
            polygons: Vec::new(),
        }
    }

    fn at(mut self, point: Option<Coord<f64>>) -> Finding {
        if let Some(c) = point {
            let (lon, lat) = project::bng_to_wgs84(c.x, c.y);
            self.lon = Some(lon);
            self.lat = Some(lat);
        }
        self
    }

    fn area(mut self, m2: f64) -> Finding {
        self.area_km2 = Some(m2 / 1e6);
        self
    }
}

/// Where the geometry kernel failed: on a pair of features (positions in the layer), or on a
/// whole-layer operation (what it was).
#[derive(Debug)]
enum Failure {
    Pair(usize, usize, KernelPanic),
    Layer(&'static str, KernelPanic),
}

impl Failure {
    fn into_error(self, layer: &Layer, extent: Option<&Layer>) -> KernelError {
        let name = layer.display_name();
        match self {
            Failure::Pair(i, j, e) => {
                let (a, b) = (&layer.features[i], &layer.features[j]);
                KernelError {
                    what: format!(
                        "{name}: features #{} ({}) and #{} ({})",
                        a.index, a.code, b.index, b.code
                    ),
                    message: e.0,
                }
            }
            Failure::Layer(what, e) => KernelError {
                what: match extent {
                    Some(x) if what == "extent" => {
                        format!("{name} against the extent {}", x.display_name())
                    }
                    _ => format!("{name}: {what}"),
                },
                message: e.0,
            },
        }
    }
}

/// A whole-layer boolean operation, its panic contained.
fn layer_op<T>(what: &'static str, f: impl FnOnce() -> T) -> Result<T, Failure> {
    kernel::contained(f).map_err(|e| Failure::Layer(what, e))
}

/// Every check on one layer (and its extent), findings sorted errors first, then by kind
/// and code; or the features the geometry kernel failed on.
pub fn check(
    layer: &Layer,
    extent: Option<&Layer>,
    tolerance_m: f64,
) -> Result<Vec<Finding>, KernelError> {
    checked(layer, extent, tolerance_m).map_err(|f| f.into_error(layer, extent))
}

fn checked(
    layer: &Layer,
    extent: Option<&Layer>,
    tolerance_m: f64,
) -> Result<Vec<Finding>, Failure> {
    let mut out = Vec::new();
    out.extend(feature_findings(layer));
    use crate::timings::time;
    let cover = time(
        || "union".into(),
        || {
            cascade::cover(&layer.features)
                .map_err(|e| Failure::Layer("the union of its features", e))
        },
    )?;
    out.extend(time(
        || "overlaps".into(),
        || overlaps(&layer.features, &cover.doubled, tolerance_m),
    )?);
    out.extend(time(
        || "gaps".into(),
        || gaps(&layer.features, &cover.union, extent, tolerance_m),
    )?);
    // Errors first, then by kind and code; gaps (no code) largest first.
    out.sort_by(|a, b| {
        (a.severity, a.kind, &a.code, &a.other_code)
            .cmp(&(b.severity, b.kind, &b.code, &b.other_code))
            // By the area as written (6 decimals), so that equal written areas keep the
            // order they were found in.
            .then({
                let written = |f: &Finding| crate::report::round6(f.area_km2.unwrap_or(0.0));
                written(b).total_cmp(&written(a))
            })
    });
    Ok(out)
}

/// Skipped features, invalid geometry, duplicate and missing codes.
fn feature_findings(layer: &Layer) -> Vec<Finding> {
    let mut out = skipped_findings(layer);
    out.extend(invalid_findings(layer));
    out.extend(code_findings(layer));
    out
}

/// Features read but not checked: no geometry, or not polygons.
fn skipped_findings(layer: &Layer) -> Vec<Finding> {
    layer
        .skipped
        .iter()
        .map(|s| {
            let kind = match s.reason {
                SkipReason::NullGeometry | SkipReason::EmptyGeometry | SkipReason::Collapsed(_) => {
                    Kind::EmptyGeometry
                }
                SkipReason::NotPolygon(_) => Kind::NotPolygon,
                SkipReason::NoArea(_) => Kind::InvalidGeometry,
            };
            let code = s.code.clone().unwrap_or_else(|| format!("#{}", s.index));
            Finding::new(
                kind,
                Severity::Error,
                code,
                format!(
                    "feature #{}: {}; it covers nothing and was not checked",
                    s.index, s.reason
                ),
            )
        })
        .collect()
}

/// Features with invalid geometry, each located where a map can show it.
fn invalid_findings(layer: &Layer) -> Vec<Finding> {
    let defective: Vec<&Feature> = layer
        .features
        .iter()
        .filter(|f| !f.defects.is_empty())
        .collect();
    defective
        .par_iter()
        .map(|f| {
            let at = locate_defect(&f.geometry);
            let defects: Vec<String> = f.defects.iter().map(ToString::to_string).collect();
            let mut detail = format!("feature #{}: {}", f.index, defects.join("; "));
            if let Some(c) = at {
                let (lon, lat) = project::bng_to_wgs84(c.x, c.y);
                detail.push_str(&format!(" (near {lon:.5}, {lat:.5})"));
            }
            Finding::new(
                Kind::InvalidGeometry,
                Severity::Error,
                f.code.clone(),
                detail,
            )
            .area(f.area_m2)
            .at(at)
        })
        .collect()
}

/// Codes shared by several features, and features without a code.
fn code_findings(layer: &Layer) -> Vec<Finding> {
    let mut out = Vec::new();
    for (code, n) in &layer.duplicate_codes {
        let indices: Vec<String> = layer
            .features
            .iter()
            .filter(|f| &f.code == code)
            .map(|f| format!("#{}", f.index))
            .collect();
        out.push(Finding::new(
            Kind::DuplicateCode,
            Severity::Error,
            code.clone(),
            format!(
                "{n} features share this {}: {}",
                layer.code_field,
                indices.join(", ")
            ),
        ));
    }
    for i in &layer.missing_codes {
        out.push(Finding::new(
            Kind::MissingCode,
            Severity::Error,
            format!("#{i}"),
            format!("feature #{i} has no {} value", layer.code_field),
        ));
    }
    out
}

/// Area covered by two features. Pieces narrower than the tolerance are slivers (warnings).
///
/// Intersecting every pair of neighbours would cost a boolean operation per shared boundary.
/// Instead the cascade that builds the layer's union finds where it is covered at least twice
/// (see [`cascade`]); only pairs of features near such places are intersected, to say which
/// features overlap and by how much. A clean coverage needs no pairwise operation at all.
fn overlaps(
    features: &[Feature],
    doubled: &[Polygon<f64>],
    tolerance_m: f64,
) -> Result<Vec<Finding>, Failure> {
    let candidates = overlap_candidates(features, doubled);
    let found: Vec<Option<Finding>> = candidates
        .par_iter()
        .map(|&(i, j)| {
            overlap_finding(&features[i], &features[j], tolerance_m)
                .map_err(|e| Failure::Pair(i, j, e))
        })
        .collect::<Result<_, Failure>>()?;
    let mut out: Vec<Finding> = found.into_iter().flatten().collect();
    out.sort_by(|a, b| (&a.code, &a.other_code).cmp(&(&b.code, &b.other_code)));
    Ok(out)
}

/// Pairs of features whose boxes meet near a place covered twice.
fn overlap_candidates(features: &[Feature], doubled: &[Polygon<f64>]) -> Vec<(usize, usize)> {
    let index = EnvelopeIndex::new(features);
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for region in doubled {
        if geometry::planar_area(region) < MIN_PIECE_M2 / 10.0 {
            continue;
        }
        let Some(b) = region.bounding_rect() else {
            continue;
        };
        let mut near: Vec<usize> = index.query(&b).collect();
        near.sort_unstable();
        for (x, &i) in near.iter().enumerate() {
            for &j in &near[x + 1..] {
                if features[i].bbox.intersects(&features[j].bbox) {
                    candidates.push((i, j));
                }
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates
}

/// The overlap of two features, or None when they only touch (or overlap by dust); or the
/// kernel's failure on them.
fn overlap_finding(
    a: &Feature,
    b: &Feature,
    tolerance_m: f64,
) -> Result<Option<Finding>, KernelPanic> {
    let boxes = |g: &MultiPolygon<f64>| -> Vec<geo::Rect<f64>> {
        g.0.iter().filter_map(|p| p.bounding_rect()).collect()
    };
    let (ga, gb) = (&a.geometry, &b.geometry);
    // Neighbours in a coverage share their outlines: tracing crossings would not apply.
    let (pieces, _) = overlay::intersect(ga, &boxes(ga), gb, &boxes(gb), false, MIN_PIECE_M2)?;
    let Some((severity, area, widest, at, polygons)) = judge(pieces, tolerance_m) else {
        return Ok(None);
    };
    let detail = match severity {
        Severity::Error => format!(
            "{} and {} both cover {} (widest piece {:.0} m across on average)",
            a.code,
            b.code,
            show_area(area),
            widest
        ),
        Severity::Warning => format!(
            "sliver: {} and {} overlap by {} in pieces narrower than the {} m \
             tolerance (widest {:.1} m)",
            a.code,
            b.code,
            show_area(area),
            tolerance_m,
            widest
        ),
    };
    let mut f = Finding::new(Kind::Overlap, severity, a.code.clone(), detail)
        .area(area)
        .at(at);
    f.other_code = b.code.clone();
    f.polygons = polygons;
    Ok(Some(f))
}

/// "12.345 km²", or "420 m²" for small areas.
fn show_area(m2: f64) -> String {
    if m2 < 10_000.0 {
        format!("{m2:.0} m²")
    } else {
        format!("{:.3} km²", m2 / 1e6)
    }
}

/// What [`judge`] decides: severity, total area, widest piece, a location, and the polygons
/// counted.
type Judged = (Severity, f64, f64, Option<Coord<f64>>, Vec<Polygon<f64>>);

/// Severity, total area, widest piece, a location and the pieces counted for a set of
/// pieces; None when all is dust. Slivers only (every piece narrower than the tolerance) give
/// a warning with the raw area; otherwise an error with the area of the wide pieces.
fn judge(pieces: Vec<Piece>, tolerance_m: f64) -> Option<Judged> {
    let pieces: Vec<Piece> = pieces
        .into_iter()
        .filter(|p| p.area_m2 >= MIN_PIECE_M2)
        .collect();
    if pieces.is_empty() {
        return None;
    }
    let wide: Vec<&Piece> = pieces.iter().filter(|p| p.width_m >= tolerance_m).collect();
    let (severity, counted) = if wide.is_empty() {
        (Severity::Warning, pieces.iter().collect::<Vec<&Piece>>())
    } else {
        (Severity::Error, wide)
    };
    let area: f64 = counted.iter().map(|p| p.area_m2).sum();
    let widest = counted.iter().map(|p| p.width_m).fold(0.0, f64::max);
    let largest = counted
        .iter()
        .max_by(|x, y| x.area_m2.total_cmp(&y.area_m2))
        .and_then(|p| p.polygon.interior_point())
        .map(|p| p.0);
    let polygons = counted.iter().map(|p| p.polygon.clone()).collect();
    Some((severity, area, widest, largest, polygons))
}

/// Holes in the union of the layer, or the parts of the extent it leaves uncovered; and with
/// an extent, the parts of the layer outside it.
fn gaps(
    features: &[Feature],
    union: &MultiPolygon<f64>,
    extent: Option<&Layer>,
    tolerance_m: f64,
) -> Result<Vec<Finding>, Failure> {
    let (gap_polygons, outside) = uncovered(union, extent)?;
    let index = EnvelopeIndex::new(features);
    let edges = bordering_edges(features, &index, gap_polygons.iter().chain(&outside));
    let findings = gap_polygons
        .into_par_iter()
        .map(|p| (p, Kind::Gap))
        .chain(outside.into_par_iter().map(|p| (p, Kind::OutsideExtent)))
        .filter_map(|(polygon, kind)| {
            let neighbours = neighbours_of(&polygon, features, &index, &edges);
            gap_finding(polygon, kind, neighbours, tolerance_m)
        })
        .collect();
    Ok(findings)
}

/// Gaps, and the parts of the layer outside the extent.
type Uncovered = (Vec<Polygon<f64>>, Vec<Polygon<f64>>);

/// The gaps (ground of the extent, or holes of the union without one, covered by no
/// feature) and what of the layer lies outside the extent.
fn uncovered(union: &MultiPolygon<f64>, extent: Option<&Layer>) -> Result<Uncovered, Failure> {
    match extent {
        None => {
            let holes = union
                .0
                .iter()
                .flat_map(|p| p.interiors())
                .map(|ring| {
                    use geo::orient::{Direction, Orient};
                    Polygon::new(ring.clone(), vec![]).orient(Direction::Default)
                })
                .collect();
            Ok((holes, Vec::new()))
        }
        Some(extent) => {
            let whole =
                cascade::union(&extent.features).map_err(|e| Failure::Layer("extent", e))?;
            // Each side contained on the thread that runs it.
            let (gaps, outside) = rayon::join(
                || layer_op("extent", || whole.difference(union).0),
                || layer_op("extent", || union.difference(&whole).0),
            );
            Ok((gaps?, outside?))
        }
    }
}

/// Edge trees of the features that could border one of `polygons`, built once each.
fn bordering_edges<'p>(
    features: &[Feature],
    index: &EnvelopeIndex,
    polygons: impl Iterator<Item = &'p Polygon<f64>>,
) -> Vec<Option<EdgeIndex>> {
    let mut bordering = vec![false; features.len()];
    for p in polygons {
        if let Some(b) = p.bounding_rect() {
            for i in index.query(&geometry::rect_grow(&b, NEIGHBOUR_M)) {
                bordering[i] = true;
            }
        }
    }
    bordering
        .par_iter()
        .enumerate()
        .map(|(i, &b)| b.then(|| EdgeIndex::new(&features[i].geometry)))
        .collect()
}

/// The finding for one gap or one part outside the extent, or None when it is dust.
fn gap_finding(
    polygon: Polygon<f64>,
    kind: Kind,
    neighbours: Vec<String>,
    tolerance_m: f64,
) -> Option<Finding> {
    let piece = Piece {
        area_m2: geometry::true_area_m2(&polygon),
        width_m: geometry::mean_width_m(&polygon),
        polygon,
    };
    let (severity, area, widest, at, polygons) = judge(vec![piece], tolerance_m)?;
    let near = if neighbours.is_empty() {
        String::new()
    } else {
        let how = if kind == Kind::Gap {
            "bordered by"
        } else {
            "beside"
        };
        format!(", {how} {}", crate::layer::list_some(&neighbours, 8))
    };
    let what = match kind {
        Kind::Gap => "covered by no feature",
        _ => "of the layer lies outside the extent",
    };
    let detail = match severity {
        Severity::Error => format!(
            "{:.3} km² {what} ({:.0} m across on average){near}",
            area / 1e6,
            widest
        ),
        Severity::Warning => format!(
            "sliver: {area:.0} m² {what}, narrower than the {tolerance_m} m tolerance \
             ({widest:.1} m across on average){near}"
        ),
    };
    let mut f = Finding::new(kind, severity, String::new(), detail)
        .area(area)
        .at(at);
    f.neighbours = neighbours;
    f.polygons = polygons;
    Some(f)
}

/// A gap's neighbours are the features within this distance of its outline, metres.
const NEIGHBOUR_M: f64 = 1.0;

/// Codes of the features whose outlines pass within [`NEIGHBOUR_M`] of a vertex of the
/// polygon (a gap's outline is made of its neighbours' edges, so each neighbour has one).
fn neighbours_of(
    polygon: &Polygon<f64>,
    features: &[Feature],
    index: &EnvelopeIndex,
    edges: &[Option<EdgeIndex>],
) -> Vec<String> {
    let Some(b) = polygon.bounding_rect() else {
        return Vec::new();
    };
    let mut found: Vec<usize> = index
        .query(&geometry::rect_grow(&b, NEIGHBOUR_M))
        .filter(|&i| {
            edges[i].as_ref().is_some_and(|e| {
                std::iter::once(polygon.exterior())
                    .chain(polygon.interiors())
                    .flat_map(|r| r.0.iter())
                    .any(|&c| e.near(c, NEIGHBOUR_M))
            })
        })
        .collect();
    found.sort_unstable();
    found
        .into_iter()
        .map(|i| features[i].code.clone())
        .collect()
}

/// A point at the trouble in an invalid geometry: where two edges cross or touch (other than
/// neighbours along a ring), else the first vertex of the first ring.
pub fn locate_defect(mp: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    use geo::line_intersection::{line_intersection, LineIntersection};
    use rstar::primitives::{GeomWithData, Rectangle};
    use rstar::RTree;

    let segments = ring_segments(mp);
    let tree = RTree::bulk_load(
        segments
            .iter()
            .enumerate()
            .map(|(i, s)| GeomWithData::new(Rectangle::from_aabb(s.envelope()), i))
            .collect(),
    );
    let mut touch: Option<Coord<f64>> = None;
    for (i, s) in segments.iter().enumerate() {
        for other in tree.locate_in_envelope_intersecting(&s.envelope()) {
            let j = other.data;
            if j <= i || s.adjacent(&segments[j]) {
                continue;
            }
            match line_intersection(s.line, segments[j].line) {
                Some(LineIntersection::SinglePoint {
                    intersection,
                    is_proper: true,
                }) => return Some(intersection),
                Some(LineIntersection::Collinear { intersection }) => {
                    return Some(intersection.start);
                }
                Some(LineIntersection::SinglePoint { intersection, .. }) => {
                    touch.get_or_insert(intersection);
                }
                None => {}
            }
        }
    }
    touch.or_else(|| mp.0.first().and_then(|p| p.exterior().0.first().copied()))
}

/// A segment of a ring, with its ring number, its position in the ring and the ring's length.
struct RingSegment {
    line: geo::Line<f64>,
    ring: usize,
    position: usize,
    ring_len: usize,
}

impl RingSegment {
    fn envelope(&self) -> rstar::AABB<[f64; 2]> {
        let l = &self.line;
        rstar::AABB::from_corners(
            [l.start.x.min(l.end.x), l.start.y.min(l.end.y)],
            [l.start.x.max(l.end.x), l.start.y.max(l.end.y)],
        )
    }

    /// Next to each other in one ring (they share a vertex by construction).
    fn adjacent(&self, other: &RingSegment) -> bool {
        let d = self.position.abs_diff(other.position);
        self.ring == other.ring && (d == 1 || (self.ring_len > 1 && d == self.ring_len - 1))
    }
}

/// Every segment of every ring, zero-length ones dropped.
fn ring_segments(mp: &MultiPolygon<f64>) -> Vec<RingSegment> {
    let mut segments = Vec::new();
    let rings =
        mp.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    for (r, ring) in rings.enumerate() {
        let mut pts: Vec<Coord<f64>> = ring.0.clone();
        pts.dedup();
        let n = pts.len().saturating_sub(1);
        for (k, w) in pts.windows(2).enumerate() {
            segments.push(RingSegment {
                line: geo::Line::new(w[0], w[1]),
                ring: r,
                position: k,
                ring_len: n,
            });
        }
    }
    segments
}

/// Counts for the report's first line.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub features_read: usize,
    pub features_checked: usize,
    pub features_skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings per kind (every kind listed, zeros included).
    pub by_kind: std::collections::BTreeMap<&'static str, usize>,
    /// No errors (with --strict: no findings at all).
    pub passed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValidateReport {
    pub layers: Vec<super::LayerSummary>,
    pub tolerance_m: f64,
    pub tolerance_source: String,
    pub strict: bool,
    pub warnings: Vec<super::Warning>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    /// The country the extent was limited to, and the extent features left out (set by the
    /// command; see [`super::scope::limit_extent`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<super::scope::Scope>,
}

impl ValidateReport {
    /// Check `layer` (against `extent`) and summarise; with `strict`, warnings count as errors.
    pub fn new(
        layer: &Layer,
        extent: Option<&Layer>,
        tolerance: &super::tolerance::Tolerance,
        strict: bool,
        warnings: Vec<super::Warning>,
    ) -> Result<ValidateReport, KernelError> {
        let mut findings = check(layer, extent, tolerance.metres)?;
        if strict {
            for f in &mut findings {
                f.severity = Severity::Error;
            }
        }
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let mut by_kind: std::collections::BTreeMap<&'static str, usize> =
            Kind::ALL.iter().map(|k| (k.as_str(), 0)).collect();
        for f in &findings {
            *by_kind.entry(f.kind.as_str()).or_default() += 1;
        }
        let mut layers = vec![super::LayerSummary::new("layer", layer)];
        if let Some(e) = extent {
            layers.push(super::LayerSummary::new("extent", e));
        }
        Ok(ValidateReport {
            layers,
            tolerance_m: tolerance.metres,
            tolerance_source: tolerance.source.clone(),
            strict,
            warnings,
            summary: Summary {
                features_read: layer.input_count,
                features_checked: layer.features.len(),
                features_skipped: layer.skipped.len(),
                errors,
                warnings: findings.len() - errors,
                by_kind,
                passed: errors == 0,
            },
            findings,
            scope: None,
        })
    }
}

/// The one-line verdict, e.g. "FAILED: 2 errors, 1 warning (12 features read, ...)".
pub fn verdict_line(report: &ValidateReport) -> String {
    let s = &report.summary;
    format!(
        "{}: {} error{}, {} warning{} ({} features read, {} checked, {} skipped)",
        if s.passed { "passed" } else { "FAILED" },
        s.errors,
        crate::layer::plural(s.errors),
        s.warnings,
        crate::layer::plural(s.warnings),
        s.features_read,
        s.features_checked,
        s.features_skipped
    )
}

/// Pass when there are no errors (with `strict`, warnings were made errors); each error is a
/// failure.
pub fn verdict(report: &ValidateReport) -> super::Verdict {
    let failures = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            let codes = match (f.code.is_empty(), f.other_code.is_empty()) {
                (true, _) => String::new(),
                (false, true) => format!(" {}", f.code),
                (false, false) => format!(" {} / {}", f.code, f.other_code),
            };
            format!("{}{codes}: {}", f.kind.as_str(), f.detail)
        })
        .collect();
    super::Verdict {
        passed: report.summary.passed,
        summary: verdict_line(report),
        failures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{feature_at as feature, rect};

    fn union_of(f: &[Feature]) -> MultiPolygon<f64> {
        cascade::union(f).unwrap()
    }

    fn doubled(f: &[Feature]) -> Vec<Polygon<f64>> {
        cascade::cover(f).unwrap().doubled
    }

    const X: f64 = 400_000.0;
    const Y: f64 = 300_000.0;
    const KM: f64 = 1000.0;

    /// A 3 x 1 row of 1 km squares, with the middle one optionally moved.
    fn row(middle: Polygon<f64>) -> Vec<Feature> {
        vec![
            feature(0, "A", rect(X, Y, X + KM, Y + KM)),
            feature(1, "B", middle),
            feature(2, "C", rect(X + 2.0 * KM, Y, X + 3.0 * KM, Y + KM)),
        ]
    }

    fn ring_of_squares(hole: bool) -> Vec<Feature> {
        // 3 x 3 squares; the centre one missing makes a hole in the union.
        let mut out = Vec::new();
        for i in 0..3 {
            for j in 0..3 {
                if hole && i == 1 && j == 1 {
                    continue;
                }
                let (x, y) = (X + i as f64 * KM, Y + j as f64 * KM);
                out.push(feature(
                    out.len(),
                    &format!("S{i}{j}"),
                    rect(x, y, x + KM, y + KM),
                ));
            }
        }
        out
    }

    #[test]
    fn a_clean_tiling_has_no_findings() {
        let f = row(rect(X + KM, Y, X + 2.0 * KM, Y + KM));
        assert!(overlaps(&f, &doubled(&f), 100.0).unwrap().is_empty());
        assert!(gaps(&f, &union_of(&f), None, 100.0).unwrap().is_empty());
        assert!({
            let r = ring_of_squares(false);
            gaps(&r, &union_of(&r), None, 100.0).unwrap()
        }
        .is_empty());
    }

    #[test]
    fn a_wide_overlap_is_an_error_and_a_thin_one_a_warning() {
        // B pushed 300 m into C.
        let f = row(rect(X + KM, Y, X + 2.3 * KM, Y + KM));
        let o = overlaps(&f, &doubled(&f), 100.0).unwrap();
        assert_eq!(o.len(), 1);
        assert_eq!((o[0].code.as_str(), o[0].other_code.as_str()), ("B", "C"));
        assert_eq!(o[0].severity, Severity::Error);
        assert!((o[0].area_km2.unwrap() - 0.3).abs() < 0.001);
        // 20 m into C: a sliver at 100 m.
        let f = row(rect(X + KM, Y, X + 2.02 * KM, Y + KM));
        let o = overlaps(&f, &doubled(&f), 100.0).unwrap();
        assert_eq!(o[0].severity, Severity::Warning);
        // ... but an error at tolerance 0.
        assert_eq!(
            overlaps(&f, &doubled(&f), 0.0).unwrap()[0].severity,
            Severity::Error
        );
    }

    #[test]
    fn a_hole_in_the_union_is_a_gap_with_its_neighbours() {
        let r = ring_of_squares(true);
        let g = gaps(&r, &union_of(&r), None, 100.0).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].kind, Kind::Gap);
        assert_eq!(g[0].severity, Severity::Error);
        assert!((g[0].area_km2.unwrap() - 1.0).abs() < 0.002);
        assert_eq!(g[0].neighbours.len(), 8);
        let (lon, lat) = (g[0].lon.unwrap(), g[0].lat.unwrap());
        assert!((-3.0..0.0).contains(&lon) && (52.0..53.5).contains(&lat));
    }

    #[test]
    fn a_thin_hole_is_a_sliver_warning() {
        // B 20 m short of C: a 20 m x 1 km gap.
        let f = row(rect(X + KM, Y, X + 1.98 * KM, Y + KM));
        // Not a hole of the union (it opens to the outside at both ends), so not a gap
        // without an extent...
        assert!(gaps(&f, &union_of(&f), None, 100.0).unwrap().is_empty());
        // ... but against an extent it is.
        let mut extent = Layer::empty_for_tests();
        extent.features = vec![feature(0, "E", rect(X, Y, X + 3.0 * KM, Y + KM))];
        let g = gaps(&f, &union_of(&f), Some(&extent), 100.0).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].severity, Severity::Warning);
        assert_eq!(g[0].neighbours, vec!["B".to_string(), "C".to_string()]);
    }

    #[test]
    fn outside_the_extent_is_reported() {
        let f = row(rect(X + KM, Y, X + 2.0 * KM, Y + 1.5 * KM));
        let mut extent = Layer::empty_for_tests();
        extent.features = vec![feature(0, "E", rect(X, Y, X + 3.0 * KM, Y + KM))];
        let g = gaps(&f, &union_of(&f), Some(&extent), 100.0).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].kind, Kind::OutsideExtent);
        assert!((g[0].area_km2.unwrap() - 0.5).abs() < 0.001);
    }

    #[test]
    fn a_bow_tie_is_located_at_its_crossing() {
        let bow = Polygon::new(
            geo::LineString::from(vec![
                (X, Y),
                (X + KM, Y + KM),
                (X + KM, Y),
                (X, Y + KM),
                (X, Y),
            ]),
            vec![],
        );
        let at = locate_defect(&MultiPolygon(vec![bow])).unwrap();
        assert!((at.x - (X + 500.0)).abs() < 1e-6 && (at.y - (Y + 500.0)).abs() < 1e-6);
    }
}
