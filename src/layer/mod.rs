//! Loading a polygon layer: GeoJSON in, features in British National Grid metres out.
//!
//! Every input feature is accounted for: it becomes a [`Feature`] (possibly flagged with
//! defects) or a [`Skipped`] entry with a reason. Nothing is repaired silently.

pub mod crs;
mod fgb;
pub mod fields;
pub mod filter;
pub mod geojson;
mod gpkg;
mod messages;
mod raw;
mod read;
mod rings;
mod scan;
mod shp;
mod source;
pub mod valid;
mod wkb;
mod zipped;

use std::path::{Path, PathBuf};

use geo::{MultiPolygon, Rect};
use rayon::prelude::*;

pub use crs::{Crs, CrsSource};
use fields::CodeSource;
use geojson::RawFeature;
pub(crate) use messages::{list_some, plural};
pub use messages::{Defect, LayerWarning};
use read::Read;
use rings::Prepped;
pub use source::{files_read, split, stem};

use crate::error::LoadError;
use crate::geometry::{self, clean, clean::Cleaned};
use crate::project;

/// How to read one layer; every field may be left to detection.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub code_field: Option<String>,
    pub name_field: Option<String>,
    pub crs: Option<Crs>,
    /// `--where FIELD=PATTERN`: keep only the features every filter matches.
    pub filters: Vec<filter::Filter>,
}

/// A polygon feature, projected to British National Grid and oriented (shells
/// counter-clockwise, holes clockwise).
#[derive(Debug, Clone)]
pub struct Feature {
    /// Position in the input's `features` array.
    pub index: usize,
    pub code: String,
    pub name: String,
    pub geometry: MultiPolygon<f64>,
    /// True area on the ground, m².
    pub area_m2: f64,
    pub bbox: Rect<f64>,
    /// Problems found on load; the feature is still analysed.
    pub defects: Vec<Defect>,
}

/// A feature that could not be analysed, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub index: usize,
    pub code: Option<String>,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    NullGeometry,
    EmptyGeometry,
    NotPolygon(String),
    /// Every polygon collapsed when degenerate rings were cleaned (see
    /// [`crate::geometry::clean`]): nothing under a millimetre across is left. With the
    /// defects found on load, as text (empty when there were none).
    Collapsed(String),
    /// Polygons with no area (their defects, worded): shares of it would be infinite.
    NoArea(Vec<String>),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::NullGeometry => f.write_str("null geometry"),
            SkipReason::EmptyGeometry => f.write_str("empty geometry"),
            SkipReason::NotPolygon(kind) => write!(f, "{kind} is not a polygon"),
            SkipReason::Collapsed(defects) if defects.is_empty() => {
                f.write_str("polygons that collapse to nothing (under 1 mm across)")
            }
            SkipReason::Collapsed(defects) => write!(
                f,
                "polygons that collapse to nothing (under 1 mm across; {defects})"
            ),
            SkipReason::NoArea(defects) if defects.is_empty() => f.write_str("no area"),
            SkipReason::NoArea(defects) => write!(f, "no area ({})", defects.join("; ")),
        }
    }
}

/// Features left out of an analysis on purpose (by `--where`, or out of its scope): how
/// many, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// e.g. `LTLA21CD=E*`, or `outside England, out of scope`.
    pub reason: String,
    pub count: usize,
}

/// Vertex and segment statistics, in ground metres, for estimating a layer's resolution.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resolution {
    pub vertices: usize,
    pub segments: usize,
    pub total_length_m: f64,
    /// Vertices where the boundary turns by more than [`CORNER_DEGREES`].
    pub corners: usize,
}

/// Turns smaller than this do not count as corners: densifying a line adds vertices, not detail.
pub const CORNER_DEGREES: f64 = 1.0;

impl Resolution {
    pub fn mean_segment_m(&self) -> f64 {
        if self.segments == 0 {
            0.0
        } else {
            self.total_length_m / self.segments as f64
        }
    }

    /// Mean distance between corners: the scale of detail the boundaries really carry.
    pub fn mean_corner_spacing_m(&self) -> f64 {
        if self.corners == 0 {
            self.mean_segment_m()
        } else {
            self.total_length_m / self.corners as f64
        }
    }

    fn add(mut self, o: Resolution) -> Resolution {
        self.vertices += o.vertices;
        self.segments += o.segments;
        self.total_length_m += o.total_length_m;
        self.corners += o.corners;
        self
    }
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub path: PathBuf,
    pub crs: Crs,
    pub crs_source: CrsSource,
    pub code_field: String,
    pub name_field: Option<String>,
    /// Features in file order (skipped ones excluded).
    pub features: Vec<Feature>,
    pub skipped: Vec<Skipped>,
    /// Number of features in the input.
    pub input_count: usize,
    /// Codes that occur more than once, with their counts.
    pub duplicate_codes: Vec<(String, usize)>,
    /// Input indices of features with no code.
    pub missing_codes: Vec<usize>,
    pub resolution: Resolution,
    /// Extent in input coordinates (min, max).
    pub input_extent: Option<([f64; 2], [f64; 2])>,
    /// Warnings found while loading (fields chosen, extent).
    pub notes: Vec<LayerWarning>,
    /// Features left out on purpose, neither analysed nor skipped.
    pub left_out: Vec<LeftOut>,
    /// Features whose degenerate rings were cleaned on load, with what was removed.
    pub cleaned: Vec<(String, Cleaned)>,
}

impl Layer {
    /// Take every feature's polygons out (leaving it empty), for a command that needs only
    /// the features' codes, names and areas from here on to free them.
    pub fn take_polygons(&mut self) -> Vec<MultiPolygon<f64>> {
        self.features
            .iter_mut()
            .map(|f| std::mem::replace(&mut f.geometry, MultiPolygon::new(Vec::new())))
            .collect()
    }

    /// The file name, for messages.
    pub fn display_name(&self) -> String {
        self.path.display().to_string()
    }

    /// Warnings about this layer: notes from loading, skipped features, defects, code
    /// problems. Each displays as one plain-language line.
    pub fn warnings(&self) -> Vec<LayerWarning> {
        let mut out = self.notes.clone();
        if self.input_count == 0 {
            out.push(LayerWarning::NoFeatures);
        }
        let mut by_reason: Vec<(&SkipReason, Vec<String>)> = Vec::new();
        for s in &self.skipped {
            let label = s.code.clone().unwrap_or_else(|| format!("#{}", s.index));
            match by_reason.iter_mut().find(|(k, _)| **k == s.reason) {
                Some((_, v)) => v.push(label),
                None => by_reason.push((&s.reason, vec![label])),
            }
        }
        out.extend(
            by_reason
                .into_iter()
                .map(|(reason, labels)| LayerWarning::Skipped {
                    reason: reason.clone(),
                    labels,
                }),
        );
        let defective: Vec<(String, Vec<Defect>)> = self
            .features
            .iter()
            .filter(|f| !f.defects.is_empty())
            .map(|f| (f.code.clone(), f.defects.clone()))
            .collect();
        if !defective.is_empty() {
            out.push(LayerWarning::Invalid(defective));
        }
        if !self.cleaned.is_empty() {
            out.push(LayerWarning::Cleaned(self.cleaned.clone()));
        }
        if !self.duplicate_codes.is_empty() {
            out.push(LayerWarning::DuplicateCodes(self.duplicate_codes.clone()));
        }
        if !self.missing_codes.is_empty() {
            out.push(LayerWarning::MissingCodes {
                field: self.code_field.clone(),
                indices: self.missing_codes.clone(),
            });
        }
        out
    }

    /// Bounding box of all features, in British National Grid metres.
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.features
            .iter()
            .map(|f| f.bbox)
            .reduce(geometry::rect_union)
    }

    /// An empty layer, for tests that fill in features by hand.
    #[cfg(test)]
    pub(crate) fn empty_for_tests() -> Layer {
        Layer {
            path: PathBuf::from("test.geojson"),
            crs: Crs::Bng,
            crs_source: CrsSource::Default,
            code_field: "code".into(),
            name_field: None,
            features: Vec::new(),
            skipped: Vec::new(),
            input_count: 0,
            duplicate_codes: Vec::new(),
            missing_codes: Vec::new(),
            resolution: Resolution::default(),
            input_extent: None,
            notes: Vec::new(),
            left_out: Vec::new(),
            cleaned: Vec::new(),
        }
    }

    /// Leave out the features `keep` refuses, counted under `reason`; returns how many.
    pub fn leave_out(&mut self, keep: impl Fn(&Feature) -> bool, reason: String) -> usize {
        let before = self.features.len();
        self.features.retain(|f| keep(f));
        let count = before - self.features.len();
        if count > 0 {
            self.left_out.push(LeftOut { reason, count });
        }
        count
    }

    /// Number of features with at least one defect, including those skipped for having no
    /// area.
    pub fn invalid_count(&self) -> usize {
        let skipped = self
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::NoArea(_)))
            .count();
        skipped
            + self
                .features
                .iter()
                .filter(|f| !f.defects.is_empty())
                .count()
    }
}

/// Read, check and project a layer: GeoJSON, a GeoPackage (`FILE.gpkg`, or `FILE.gpkg:LAYER`
/// when it holds several), a FlatGeobuf file, or a Shapefile (`FILE.shp` beside its `.dbf`,
/// or zipped: `FILE.zip`, `FILE.zip:inner/name.shp`), told apart by their content.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Layer, LoadError> {
    let (file, inner) = source::split(path);
    let input = read::open_input(&file).map_err(|e| e.for_path(path))?;
    let mut release = read::Release::new(&input);
    read_bytes(
        path,
        Some(&file),
        inner.as_deref(),
        &input,
        options,
        &mut |offset| release.upto(offset),
    )
}

/// The features of a GeoPackage, FlatGeobuf or Shapefile layer as read (points too: `--weights`
/// reads point layers), with its declared coordinate system (a name or WKT, see
/// [`Crs::from_declared`]); `None` when the file is none of these (GeoJSON, CSV).
pub fn read_other(path: &Path) -> Result<Option<geojson::RawDocument>, LoadError> {
    let (file, inner) = source::split(path);
    let input = read::open_input(&file).map_err(|e| e.for_path(path))?;
    other_document(path, Some(&file), inner.as_deref(), &input)
}

/// [`read_other`] on bytes: the one layer file of a zip is read as such (a zip inside the zip
/// has been refused); a GeoJSON in a zip is read here only unzipped.
fn other_document(
    path: &Path,
    file: Option<&Path>,
    inner: Option<&str>,
    bytes: &[u8],
) -> Result<Option<geojson::RawDocument>, LoadError> {
    let Some(format) = source::Format::sniff(bytes) else {
        return Ok(None);
    };
    match source::open(path, file, inner, format, bytes)? {
        source::Source::Opened(o) => Ok(Some(o.doc)),
        source::Source::Inner(layer) => other_document(path, None, None, &layer)?
            .map(Some)
            .ok_or_else(|| {
                LoadError::new(
                    path,
                    None,
                    "this zip holds a GeoJSON file, which is read here only unzipped".into(),
                    "unzip it and name the .geojson",
                )
            }),
    }
}

/// Parse, check and project a layer already in memory; `path` only names it in messages.
/// This is [`load`] without the file handling (the fuzz targets call it), on the same
/// readers: the fast scanner for well-formed collections, the serde reader otherwise, and
/// the GeoPackage, FlatGeobuf and zipped-Shapefile readers for their files (a `.shp` alone
/// is refused: its `.dbf` is not in memory).
pub fn load_bytes(path: &Path, bytes: &[u8], options: &LoadOptions) -> Result<Layer, LoadError> {
    read_bytes(path, None, None, bytes, options, &mut |_| {})
}

fn read_bytes(
    path: &Path,
    file: Option<&Path>,
    inner: Option<&str>,
    bytes: &[u8],
    options: &LoadOptions,
    release: &mut dyn FnMut(usize),
) -> Result<Layer, LoadError> {
    let label = read::short_name(path);
    let read = match source::Format::sniff(bytes) {
        None => {
            source::no_inner(path, inner, "GeoJSON")?;
            read::read(path, &label, bytes, release)?
        }
        Some(format) => {
            let start = std::time::Instant::now();
            let opened = match source::open(path, file, inner, format, bytes)? {
                source::Source::Opened(opened) => opened,
                // The one layer file of a zip, read as that file is (a zip inside the zip has
                // been refused: no zip quines).
                source::Source::Inner(layer) => {
                    return read_bytes(path, None, None, &layer, options, &mut |_| {})
                }
            };
            match opened.prepped {
                Some(prepped) => {
                    crate::timings::report(&format!("parse and check {label}"), start);
                    Read {
                        crs_name: opened.doc.crs_name,
                        crs_by: opened.crs_by,
                        raw: opened.doc.features,
                        prepped,
                    }
                }
                None => {
                    crate::timings::report(&format!("parse {label}"), start);
                    crate::timings::time(
                        || format!("check {label}"),
                        || Read::check_as(opened.doc, opened.crs_by),
                    )
                }
            }
        }
    };
    let finished = std::time::Instant::now();
    let layer = finish(path, read, options);
    crate::timings::report(
        &format!("finish {label} (fields, codes, systems)"),
        finished,
    );
    layer
}

#[cfg(test)]
fn from_raw(
    path: &Path,
    doc: geojson::RawDocument,
    options: &LoadOptions,
) -> Result<Layer, LoadError> {
    finish(path, Read::check(doc), options)
}

/// The layer from its checked features: fields detected, structure and coordinate system
/// checked, features built and their codes checked.
fn finish(path: &Path, read: Read, options: &LoadOptions) -> Result<Layer, LoadError> {
    let err = |feature: Option<usize>, message: String, hint: &str| {
        LoadError::new(path, feature, message, hint)
    };
    let Read {
        crs_name,
        crs_by,
        raw,
        prepped,
    } = read;
    let input_count = raw.len();
    let fields = fields::detect(
        &raw,
        options.code_field.as_deref(),
        options.name_field.as_deref(),
    )
    .map_err(|m| err(None, m, "pass --code (and --name) to name the fields"))?;
    let mut notes: Vec<LayerWarning> = fields
        .notes
        .iter()
        .cloned()
        .map(LayerWarning::Fields)
        .collect();
    notes.extend(duplicate_keys(&raw));
    // Structure checks first, so that a malformed geometry is an error, not a skip.
    for (f, p) in raw.iter().zip(&prepped) {
        if let Err(m) = &p.structure {
            return Err(err(
                Some(f.index),
                m.clone(),
                "fix the geometry, or remove the feature",
            ));
        }
    }
    let ((raw, prepped), left_out) = apply_filters(path, raw, prepped, &options.filters)?;
    let (crs, crs_source, extent) = layer_crs(
        path,
        crs_name
            .as_deref()
            .map(|name| crs::Declared { by: crs_by, name }),
        options,
        &raw,
        &prepped,
        &mut notes,
    )?;
    if crs == Crs::Wgs84 {
        outside_bng(path, &raw, &prepped, &fields.code)?;
    }
    let built = Collected::collect(raw, prepped, &fields.code, fields.name.as_deref());
    let duplicate_codes = fields::duplicates(built.features.iter().map(|f| f.code.as_str()));
    Ok(Layer {
        path: path.to_path_buf(),
        crs,
        crs_source,
        code_field: fields.code.label(),
        name_field: fields.name,
        features: built.features,
        skipped: built.skipped,
        input_count,
        duplicate_codes,
        missing_codes: built.missing_codes,
        resolution: built.resolution,
        input_extent: extent,
        notes,
        left_out,
        cleaned: built.cleaned,
    })
}

/// Features read and their prepared geometry, in step.
type Kept = (Vec<RawFeature>, Vec<Prepped>);

/// Keep the features every `--where` filter matches; an unknown field is an error that
/// lists the layer's fields.
fn apply_filters(
    path: &Path,
    raw: Vec<RawFeature>,
    prepped: Vec<Prepped>,
    filters: &[filter::Filter],
) -> Result<(Kept, Vec<LeftOut>), LoadError> {
    if filters.is_empty() {
        return Ok(((raw, prepped), Vec::new()));
    }
    let keys = fields::keys_in_order(&raw);
    let mut found = Vec::with_capacity(filters.len());
    for f in filters {
        let Some(field) = filter::find_field(&f.field, &keys) else {
            return Err(LoadError::new(
                path,
                None,
                format!("--where {f}: the layer has no field {:?}", f.field),
                &format!(
                    "its fields are: {}{}",
                    if keys.is_empty() {
                        "none (no feature has properties)".to_string()
                    } else {
                        keys.join(", ")
                    },
                    if f.every_layer {
                        "; without ROLE: a --where filters every layer, so name the one to \
                         filter, as --where ROLE:FIELD=PATTERN"
                    } else {
                        ""
                    }
                ),
            ));
        };
        found.push((field.to_string(), f));
    }
    let before = raw.len();
    let (raw, prepped): (Vec<RawFeature>, Vec<Prepped>) = raw
        .into_iter()
        .zip(prepped)
        .filter(|(r, _)| {
            found
                .iter()
                .all(|(field, f)| f.matches(fields::value_text(r.properties.get(field)).as_deref()))
        })
        .unzip();
    let reason: Vec<String> = filters.iter().map(ToString::to_string).collect();
    let left_out = vec![LeftOut {
        reason: reason.join(" and "),
        count: before - raw.len(),
    }];
    Ok(((raw, prepped), left_out))
}

/// Refuse lon/lat features that reach outside where British National Grid is valid
/// ([`project::BNG_DOMAIN`]): their areas would be negative or meaningless.
fn outside_bng(
    path: &Path,
    raw: &[RawFeature],
    prepped: &[Prepped],
    code_source: &CodeSource,
) -> Result<(), LoadError> {
    let outside: Vec<(usize, String)> = raw
        .iter()
        .zip(prepped)
        .filter(|(_, p)| {
            p.extent
                .is_some_and(|(min, max)| !project::in_bng_domain(min, max))
        })
        .map(|(f, _)| {
            let label = match fields::feature_code(code_source, f.id.as_ref(), &f.properties) {
                Some(c) if !c.is_empty() => format!("#{} ({c})", f.index),
                _ => format!("#{}", f.index),
            };
            (f.index, label)
        })
        .collect();
    let Some(&(first, _)) = outside.first() else {
        return Ok(());
    };
    let labels: Vec<String> = outside.into_iter().map(|(_, l)| l).collect();
    let ((x0, y0), (x1, y1)) = (
        (project::BNG_DOMAIN.0[0], project::BNG_DOMAIN.0[1]),
        (project::BNG_DOMAIN.1[0], project::BNG_DOMAIN.1[1]),
    );
    Err(LoadError::new(
        path,
        Some(first),
        format!(
            "{} feature{} reach{} outside the area where British National Grid is valid \
             (lon {x0}..{x1}, lat {y0}..{y1}), where areas would be meaningless: {}",
            labels.len(),
            plural(labels.len()),
            if labels.len() == 1 { "es" } else { "" },
            list_some(&labels, 10)
        ),
        "footprint measures places in Great Britain: remove the features outside it, or check \
         that the coordinates are [longitude, latitude] in degrees",
    ))
}

/// One warning per key given more than once (in properties, or as a Feature member), in the
/// order first met, with the positions of the features that repeat it.
fn duplicate_keys(raw: &[RawFeature]) -> Vec<LayerWarning> {
    let mut out: Vec<LayerWarning> = Vec::new();
    let mut at: std::collections::HashMap<(bool, &str), usize> = Default::default();
    let keys = raw.iter().flat_map(|f| {
        let d = f.duplicates.as_deref();
        let members = d
            .into_iter()
            .flat_map(|d| d.members.iter().map(|k| (true, *k)));
        let props = d
            .into_iter()
            .flat_map(|d| d.properties.iter().map(|k| (false, k.as_str())));
        members.chain(props).map(move |k| (k, f.index))
    });
    for ((member, key), index) in keys {
        let i = *at.entry((member, key)).or_insert_with(|| {
            out.push(LayerWarning::DuplicateKey {
                key: key.to_string(),
                member,
                indices: Vec::new(),
            });
            out.len() - 1
        });
        if let LayerWarning::DuplicateKey { indices, .. } = &mut out[i] {
            indices.push(index);
        }
    }
    out
}

/// The layer's coordinate system, how it was decided, and the extent of its coordinates.
/// Every feature must fit one system; a lon/lat layer far from Great Britain gets a note.
fn layer_crs(
    path: &Path,
    declared: Option<crs::Declared>,
    options: &LoadOptions,
    raw: &[RawFeature],
    prepped: &[Prepped],
    notes: &mut Vec<LayerWarning>,
) -> Result<(Crs, CrsSource, Option<crs::Extent>), LoadError> {
    let err = |feature: Option<usize>, message: String, hint: &str| {
        LoadError::new(path, feature, message, hint)
    };
    crs::check_one_system(raw.iter().zip(prepped).map(|(f, p)| (f.index, p.extent))).map_err(
        |(i, m)| {
            err(
                Some(i),
                m,
                "a layer must use one coordinate system: lon/lat degrees (EPSG:4326) or British National Grid metres (EPSG:27700)",
            )
        },
    )?;
    let extent = prepped
        .iter()
        .filter_map(|p| p.extent)
        .reduce(|(a0, a1), (b0, b1)| {
            (
                [a0[0].min(b0[0]), a0[1].min(b0[1])],
                [a1[0].max(b1[0]), a1[1].max(b1[1])],
            )
        });
    let (crs, crs_source) =
        crs::decide_crs(declared, options.crs, extent).map_err(|(m, hint)| err(None, m, &hint))?;
    if crs == Crs::Wgs84 {
        match extent.and_then(|(min, max)| crs::lonlat_extent_problem(min, max)) {
            Some(problem @ crs::ExtentProblem::Swapped) => {
                return Err(err(
                    None,
                    problem.to_string(),
                    "write positions as [longitude, latitude]",
                ));
            }
            Some(problem) => notes.push(LayerWarning::Extent(problem)),
            None => {}
        }
    }
    Ok((crs, crs_source, extent))
}

/// The features built, in file order, and those skipped.
struct Collected {
    features: Vec<Feature>,
    skipped: Vec<Skipped>,
    /// Input indices of features with no code (now labelled by position).
    missing_codes: Vec<usize>,
    resolution: Resolution,
    /// Features cleaned of degenerate rings (code, or `#index` when it has none).
    cleaned: Vec<(String, Cleaned)>,
}

impl Collected {
    fn collect(
        raw: Vec<RawFeature>,
        prepped: Vec<Prepped>,
        code_source: &CodeSource,
        name_field: Option<&str>,
    ) -> Collected {
        // Built a slice at a time, straight into the layer's features: built all at once, the
        // results were held beside the features and the raw ones (13 MB for LSOA11 x16).
        const SLICE: usize = 4096;
        let mut features = Vec::with_capacity(raw.len());
        let mut resolution = Resolution::default();
        let mut skipped = Vec::new();
        let mut cleaned = Vec::new();
        let mut input = raw.into_iter().zip(prepped);
        loop {
            let slice: Vec<(RawFeature, Prepped)> = input.by_ref().take(SLICE).collect();
            if slice.is_empty() {
                break;
            }
            let built: Vec<Result<(Feature, Resolution, Cleaned), Skipped>> = slice
                .into_par_iter()
                .map(|(f, p)| build_feature(f, p, code_source, name_field))
                .collect();
            for b in built {
                match b {
                    Ok((f, r, c)) => {
                        if c.any() {
                            cleaned.push((f.index, c));
                        }
                        features.push(f);
                        resolution = resolution.add(r);
                    }
                    Err(s) => skipped.push(s),
                }
            }
        }
        let mut missing_codes = Vec::new();
        for f in &mut features {
            if f.code.is_empty() {
                missing_codes.push(f.index);
                f.code = format!("#{}", f.index);
            }
        }
        // Labelled once codes are final (a feature without one is `#index`).
        let cleaned = cleaned
            .into_iter()
            .map(|(index, c)| {
                // Features are in file order.
                let code = features
                    .binary_search_by_key(&index, |f| f.index)
                    .map(|k| features[k].code.clone())
                    .unwrap_or_else(|_| format!("#{index}"));
                (code, c)
            })
            .collect();
        Collected {
            features,
            skipped,
            missing_codes,
            resolution,
            cleaned,
        }
    }
}

/// A feature (projected, oriented, its degenerate rings cleaned) and what cleaning removed,
/// or why it is skipped.
///
/// This is where every feature enters analysis, so the rings are cleaned here, once: repeated
/// points, zero-width spikes and rings that collapse under [`clean::SNAP_M`] would otherwise
/// reach the boolean operations, whose kernel can panic on them. What is removed is counted
/// and said ([`LayerWarning::Cleaned`]).
fn build_feature(
    f: RawFeature,
    p: Prepped,
    code_source: &CodeSource,
    name_field: Option<&str>,
) -> Result<(Feature, Resolution, Cleaned), Skipped> {
    let code = fields::feature_code(code_source, f.id.as_ref(), &f.properties);
    let mut built = match p.geometry {
        Ok(g) => g,
        Err(reason) => {
            return Err(Skipped {
                index: f.index,
                code,
                reason,
            })
        }
    };
    let cleaned = clean::clean_multipolygon(&mut built.geometry);
    if cleaned.any() {
        if built.geometry.0.is_empty() {
            let defects: Vec<String> = built.defects.iter().map(ToString::to_string).collect();
            return Err(Skipped {
                index: f.index,
                code,
                reason: SkipReason::Collapsed(defects.join("; ")),
            });
        }
        built.area_m2 = geometry::multi_true_area_m2(&built.geometry);
        if let Some(b) = geo::BoundingRect::bounding_rect(&built.geometry) {
            built.bbox = b;
        }
    }
    let name = name_field
        .and_then(|n| fields::value_text(f.properties.get(n)))
        .unwrap_or_default();
    Ok((
        Feature {
            index: f.index,
            code: code.unwrap_or_default(),
            name,
            geometry: built.geometry,
            area_m2: built.area_m2,
            bbox: built.bbox,
            defects: built.defects,
        },
        built.resolution,
        cleaned,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(s: &str) -> Result<Layer, LoadError> {
        let doc = geojson::parse(s.as_bytes())
            .map_err(|e| LoadError::malformed(Path::new("t"), &e, ""))?;
        from_raw(Path::new("test.geojson"), doc, &LoadOptions::default())
    }

    #[test]
    fn every_feature_is_accounted_for() {
        let layer = load_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"XCD":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,51],[0.01,51],[0.01,51.01],[0,51]]]}},
            {"type":"Feature","properties":{"XCD":"B"},"geometry":null},
            {"type":"Feature","properties":{"XCD":"C"},"geometry":{"type":"Point","coordinates":[0,51]}},
            {"type":"Feature","properties":{"XCD":"D"},"geometry":{"type":"MultiPolygon","coordinates":[]}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(layer.input_count, 4);
        assert_eq!(layer.features.len(), 1);
        let reasons: Vec<String> = layer.skipped.iter().map(|s| s.reason.to_string()).collect();
        assert_eq!(
            reasons,
            vec!["null geometry", "Point is not a polygon", "empty geometry"]
        );
        let warnings = list_some(&layer.warnings(), 100);
        assert!(
            warnings.contains("B") && warnings.contains("C") && warnings.contains("D"),
            "{warnings}"
        );
    }

    #[test]
    fn clockwise_rings_still_give_positive_true_area() {
        // ONS rings are clockwise; the area must not flip sign or become the Earth's.
        let layer = load_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"XCD":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,51],[0,51.01],[0.01,51.01],[0.01,51],[0,51]]]}}]}"#,
        )
        .unwrap();
        let a = layer.features[0].area_m2 / 1e6;
        // 0.01° x 0.01° at 51°N is about 0.700 x 1.112 km.
        assert!((a - 0.7783).abs() < 0.005, "{a}");
    }

    #[test]
    fn self_intersection_is_flagged_not_dropped() {
        let layer = load_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"XCD":"BOWTIE"},"geometry":{"type":"Polygon","coordinates":[[[0,51],[0.01,51.01],[0.01,51],[0,51.01],[0,51]]]}}]}"#,
        )
        .unwrap();
        assert_eq!(layer.features.len(), 1);
        assert!(
            matches!(
                layer.features[0].defects[0],
                Defect::Invalid {
                    part: None,
                    error: geo::algorithm::validation::InvalidPolygon::SelfIntersection(_)
                }
            ),
            "{:?}",
            layer.features[0].defects
        );
    }

    #[test]
    fn features_with_no_area_are_skipped_saying_why() {
        // A hole enclosing its shell (area 0: shares would be infinite), a flat ring (area 0:
        // shares would be NaN), and an ordinary square, in grid metres.
        let layer = load_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"XCD":"HOLE"},"geometry":{"type":"Polygon","coordinates":[
                [[400000,300000],[401000,300000],[401000,301000],[400000,301000],[400000,300000]],
                [[399000,299000],[402000,299000],[402000,302000],[399000,302000],[399000,299000]]]}},
            {"type":"Feature","properties":{"XCD":"FLAT"},"geometry":{"type":"Polygon","coordinates":[
                [[400000,300000],[410000,300000],[420000,300000],[400000,300000],[400000,300000]]]}},
            {"type":"Feature","properties":{"XCD":"OK"},"geometry":{"type":"Polygon","coordinates":[
                [[400000,300000],[401000,300000],[401000,301000],[400000,301000],[400000,300000]]]}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(layer.input_count, 3);
        assert_eq!(layer.features.len(), 1);
        assert!(layer.features.iter().all(|f| f.area_m2 > 0.0));
        let skipped: Vec<(Option<&str>, String)> = layer
            .skipped
            .iter()
            .map(|s| (s.code.as_deref(), s.reason.to_string()))
            .collect();
        assert_eq!(
            skipped,
            vec![
                (
                    Some("HOLE"),
                    "no area (interior ring at index 0 is not contained within the polygon's \
                     exterior)"
                        .to_string()
                ),
                (
                    Some("FLAT"),
                    "no area (exterior ring is flat: all its points lie on one line)".to_string()
                ),
            ]
        );
        assert_eq!(layer.invalid_count(), 2);
        let warnings = list_some(&layer.warnings(), 100);
        assert!(
            warnings.contains("skipped 1 feature with no area (exterior ring is flat"),
            "{warnings}"
        );
    }

    #[test]
    fn e01013170_crosses_itself_in_british_national_grid() {
        // Valid in the file's lon/lat, self-intersecting once projected: found either way.
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/england/lsoa11.geojson");
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("skipped: {} is not here", path.display());
            return;
        };
        let doc = geojson::parse(&bytes).unwrap();
        let one: Vec<RawFeature> = doc
            .features
            .into_iter()
            .filter(|f| {
                fields::value_text(f.properties.get("LSOA11CD")).as_deref() == Some("E01013170")
            })
            .collect();
        assert_eq!(one.len(), 1);
        let lonlat = one[0].geometry.as_ref().unwrap().coords.clone();
        let doc = geojson::RawDocument {
            crs_name: None,
            features: one,
        };
        let layer = from_raw(Path::new("lsoa11.geojson"), doc, &LoadOptions::default()).unwrap();
        let defects = &layer.features[0].defects;
        assert!(
            defects.iter().any(|d| matches!(d, Defect::Projected(_))),
            "{defects:?}"
        );
        assert!(
            defects[0].to_string().ends_with(
                "in British National Grid, where it is measured (not in the file's lon/lat)"
            ),
            "{}",
            defects[0]
        );
        // In lon/lat, as read, the same polygons are valid.
        let (mp, _) = rings::to_multipolygon_for_tests(lonlat);
        assert_eq!(valid::validate(&mp), vec![]);
    }

    #[test]
    fn unclosed_ring_is_flagged() {
        let layer = load_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"XCD":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,51],[0.01,51],[0.01,51.01]]]}}]}"#,
        )
        .unwrap();
        assert!(layer.features[0].defects.iter().any(|d| matches!(
            d,
            Defect::RingNotClosed {
                polygon: 0,
                ring: 0
            }
        )));
        assert_eq!(
            layer.features[0].defects[0].to_string(),
            "polygon 0 exterior ring is not closed (closed on load)"
        );
    }

    #[test]
    fn bng_and_lonlat_give_the_same_area() {
        let (e0, n0) = project::wgs84_to_bng(-1.5, 52.0);
        let (e1, n1) = project::wgs84_to_bng(-1.4, 52.1);
        let bng = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"XCD":"A"}},"geometry":{{"type":"Polygon","coordinates":[[[{e0},{n0}],[{e1},{n0}],[{e1},{n1}],[{e0},{n1}],[{e0},{n0}]]]}}}}]}}"#
        );
        let layer = load_str(&bng).unwrap();
        assert_eq!(layer.crs, Crs::Bng);
        assert_eq!(layer.crs_source, CrsSource::Coordinates);
        let planar = (e1 - e0) * (n1 - n0);
        let a = layer.features[0].area_m2;
        assert!((a / planar - 1.0).abs() < 0.002, "{a} vs {planar}");
    }

    #[test]
    fn malformed_structure_is_an_error_naming_the_feature() {
        let e = load_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"XCD":"A"},"geometry":{"type":"MultiPolygon","coordinates":[[[0,51],[0.01,51],[0.01,51.01],[0,51]]]}}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.feature, Some(0));
        assert!(e.message.contains("MultiPolygon"), "{e}");
    }

    #[test]
    fn crs_member_must_agree_with_coordinates() {
        let e = load_str(
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27700"}},"features":[
            {"type":"Feature","properties":{"XCD":"A"},"geometry":{"type":"Polygon","coordinates":[[[-2,51],[-1.99,51],[-1.99,51.01],[-2,51]]]}}]}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("look like EPSG:4326"), "{e}");
        let e = load_str(
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"features":[
            {"type":"Feature","properties":{"XCD":"A"},"geometry":{"type":"Polygon","coordinates":[[[400000,300000],[400100,300000],[400100,300100],[400000,300000]]]}}]}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("look like EPSG:27700"), "{e}");
    }
}
