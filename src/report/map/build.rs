//! What the map draws, from the layers and their analyses: a shape per unit, per part of a
//! split unit, per footprint and per provider, and a label per footprint. Boundaries are
//! simplified here, for drawing only.

use geo::{InteriorPoint, MultiPolygon, Rect};

use super::{titles, Label, MapReport, Shape};
use crate::analysis::coterminosity::{CoterminosityReport, Status, UnitRow};
use crate::analysis::overlay::{Overlay, Pair};
use crate::analysis::spanning::SpanningReport;
use crate::analysis::tolerance::ToleranceArg;
use crate::geometry::{planar_area, rect_union, simplify_for_drawing};
use crate::layer::{Feature, Layer};

/// The map is drawn for this many pixels across; `--simplify auto` keeps a quarter pixel.
const NOMINAL_WIDTH_PX: f64 = 1000.0;

/// The layers a map is drawn from, and their analyses.
pub struct Analysed<'a> {
    pub units: &'a [Feature],
    pub footprints: &'a [Feature],
    /// Units over footprints, with the pieces kept: they draw the parts of split units.
    pub overlay: &'a Overlay,
    pub coterminosity: CoterminosityReport,
    /// The providers and how they span the footprints, when there are providers.
    pub spanning: Option<(&'a [Feature], SpanningReport)>,
    /// Whether the reports have weighted shares.
    pub with_weights: bool,
}

/// The extent the map opens on: the footprints and providers (`over`), or the units when
/// those have none. Units far beyond them, such as the rest of the UK around English plans,
/// are drawn but need zooming out to see. None: nothing to draw.
pub fn opening_extent(units: &Layer, over: &[Layer]) -> Option<Rect<f64>> {
    over.iter()
        .filter_map(|l| l.bbox())
        .reduce(rect_union)
        .or_else(|| units.bbox())
}

/// How far boundaries are simplified for drawing, metres, for a map of `extent`.
pub fn simplification_m(simplify: ToleranceArg, extent: &Rect<f64>) -> f64 {
    match simplify {
        ToleranceArg::Metres(m) => m,
        ToleranceArg::Auto => auto_simplify_m(extent),
    }
}

/// A quarter of a pixel when the whole extent is [`NOMINAL_WIDTH_PX`] wide, to two
/// significant figures: zooming in four times still shows no simplification.
fn auto_simplify_m(extent: &Rect<f64>) -> f64 {
    let raw = extent.width().max(extent.height()) / NOMINAL_WIDTH_PX / 4.0;
    if raw <= 0.0 {
        return 0.0;
    }
    let scale = 10f64.powf(raw.log10().floor() - 1.0);
    (raw / scale).round() * scale
}

impl MapReport {
    /// The map of `analysed` titled `title`, opening on `extent`, its boundaries simplified
    /// by up to `simplify_m` metres.
    pub fn build(title: String, extent: Rect<f64>, simplify_m: f64, analysed: Analysed) -> Self {
        let draw = Draw {
            simplify_m,
            with_weights: analysed.with_weights,
        };
        let (units, parts) = draw.units(&analysed);
        let footprints = draw.footprints(analysed.footprints, &analysed.coterminosity);
        let labels = labels(analysed.footprints, &footprints);
        let (providers, spanning) = match analysed.spanning {
            Some((features, report)) => (draw.providers(features, &report), Some(report)),
            None => (Vec::new(), None),
        };
        MapReport {
            title,
            extent,
            simplify_m,
            units,
            parts,
            footprints,
            providers,
            labels,
            coterminosity: analysed.coterminosity,
            spanning,
            with_weights: analysed.with_weights,
        }
    }
}

/// How shapes are drawn: their simplification, and whether titles give weight shares.
struct Draw {
    simplify_m: f64,
    with_weights: bool,
}

impl Draw {
    fn geometry(&self, g: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        simplify_for_drawing(g, self.simplify_m)
    }

    /// One shape per unit, coloured by status, and one per part of each split unit.
    ///
    /// The report's unit rows come in unit order: one per retained pair of the unit, in the
    /// overlay's order, or a single row for a unit outside every footprint.
    fn units(&self, a: &Analysed) -> (Vec<Shape>, Vec<Shape>) {
        let mut shapes = Vec::with_capacity(a.units.len());
        let mut parts = Vec::new();
        let mut k = 0;
        for (u, unit) in a.units.iter().enumerate() {
            let pairs: Vec<&Pair> = a.overlay.of_a(u).collect();
            let n = pairs.len().max(1);
            let rows = &a.coterminosity.units[k..k + n];
            k += n;
            let status = rows[0].status;
            if status == Status::Split {
                parts.extend(self.parts(unit, &pairs, rows, a.footprints));
            }
            shapes.push(Shape {
                kind: "unit",
                code: unit.code.clone(),
                class: status.as_str().into(),
                geometry: self.geometry(&unit.geometry),
                title: titles::unit(unit, rows, self.with_weights),
            });
        }
        (shapes, parts)
    }

    /// The parts of a split unit, one per footprint it has pieces in.
    fn parts(
        &self,
        unit: &Feature,
        pairs: &[&Pair],
        rows: &[UnitRow],
        footprints: &[Feature],
    ) -> Vec<Shape> {
        let mut parts = Vec::new();
        for (pair, row) in pairs.iter().zip(rows) {
            let pieces = MultiPolygon(pair.pieces.iter().map(|p| p.polygon.clone()).collect());
            if pieces.0.is_empty() {
                continue;
            }
            parts.push(Shape {
                kind: "part",
                code: unit.code.clone(),
                class: if row.best_fit { "best" } else { "other" }.into(),
                geometry: self.geometry(&pieces),
                title: titles::part(unit, &footprints[pair.b], pair, row, self.with_weights),
            });
        }
        parts
    }

    /// One shape per footprint, coterminous or not.
    fn footprints(&self, footprints: &[Feature], report: &CoterminosityReport) -> Vec<Shape> {
        footprints
            .iter()
            .zip(&report.footprints)
            .map(|(f, row)| Shape {
                kind: "footprint",
                code: f.code.clone(),
                class: if row.coterminous {
                    "coterminous"
                } else {
                    "not-coterminous"
                }
                .into(),
                geometry: self.geometry(&f.geometry),
                title: titles::footprint(f, row),
            })
            .collect()
    }

    /// One shape per provider, spanning footprints or in one.
    ///
    /// The report's rows come provider by provider, `plans_spanned` rows each.
    fn providers(&self, providers: &[Feature], report: &SpanningReport) -> Vec<Shape> {
        let mut k = 0;
        providers
            .iter()
            .zip(&report.providers)
            .map(|(p, summary)| {
                let rows = &report.rows[k..k + summary.plans_spanned];
                k += summary.plans_spanned;
                Shape {
                    kind: "provider",
                    code: p.code.clone(),
                    class: if summary.plans_spanned > 1 {
                        "spanning"
                    } else {
                        "single"
                    }
                    .into(),
                    geometry: self.geometry(&p.geometry),
                    title: titles::provider(p, rows, self.with_weights),
                }
            })
            .collect()
    }
}

/// Each footprint's code and name, inside its largest part, where a label has most room; titled as
/// its shape.
fn labels(footprints: &[Feature], shapes: &[Shape]) -> Vec<Label> {
    footprints
        .iter()
        .zip(shapes)
        .filter_map(|(f, shape)| {
            let largest = f
                .geometry
                .0
                .iter()
                .max_by(|a, b| planar_area(a).total_cmp(&planar_area(b)))?;
            let p = largest.interior_point()?;
            Some(Label {
                x: p.x(),
                y: p.y(),
                code: f.code.clone(),
                name: f.name.clone(),
                title: shape.title.clone(),
                room_m: f.bbox.width(),
            })
        })
        .collect()
}
