//! Loading a polygon layer: GeoJSON in, features in British National Grid metres out.
//!
//! Every input feature is accounted for: it becomes a [`Feature`] (possibly flagged with
//! defects) or a [`Skipped`] entry with a reason. Nothing is repaired silently.

pub mod crs;
pub mod fields;
pub mod geojson;
mod scan;
pub mod valid;

use std::path::{Path, PathBuf};

use geo::{BoundingRect, Coord, Intersects, LineString, MultiPolygon, Polygon, Rect};
use rayon::prelude::*;

pub use crs::Crs;
use fields::CodeSource;
use geojson::{RawFeature, RawGeometry};

use crate::error::LoadError;
use crate::{geometry, project};

/// How to read one layer; every field may be left to detection.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub code_field: Option<String>,
    pub name_field: Option<String>,
    pub crs: Option<Crs>,
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
    pub defects: Vec<String>,
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
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::NullGeometry => f.write_str("null geometry"),
            SkipReason::EmptyGeometry => f.write_str("empty geometry"),
            SkipReason::NotPolygon(kind) => write!(f, "{kind} is not a polygon"),
        }
    }
}

/// How the layer's CRS was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrsSource {
    Member(String),
    Coordinates,
    CommandLine,
    /// No coordinates to look at.
    Default,
}

impl std::fmt::Display for CrsSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CrsSource::Member(name) => write!(f, "crs member {name:?}"),
            CrsSource::Coordinates => f.write_str("coordinate ranges"),
            CrsSource::CommandLine => f.write_str("--crs"),
            CrsSource::Default => f.write_str("default (no coordinates)"),
        }
    }
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

#[derive(Debug)]
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
    pub notes: Vec<String>,
}

impl Layer {
    /// The file name, for messages.
    pub fn display_name(&self) -> String {
        self.path.display().to_string()
    }

    /// Plain-language warnings about this layer: skipped features, defects, code problems.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = self.notes.clone();
        if self.input_count == 0 {
            out.push("the file holds no features".into());
        }
        if !self.skipped.is_empty() {
            let mut by_reason: Vec<(String, Vec<String>)> = Vec::new();
            for s in &self.skipped {
                let key = s.reason.to_string();
                let label = s.code.clone().unwrap_or_else(|| format!("#{}", s.index));
                match by_reason.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.push(label),
                    None => by_reason.push((key, vec![label])),
                }
            }
            for (reason, labels) in by_reason {
                out.push(format!(
                    "skipped {} feature{} with {reason}: {}",
                    labels.len(),
                    plural(labels.len()),
                    list_some(&labels, 10)
                ));
            }
        }
        let defective: Vec<&Feature> = self
            .features
            .iter()
            .filter(|f| !f.defects.is_empty())
            .collect();
        if !defective.is_empty() {
            let labels: Vec<String> = defective
                .iter()
                .map(|f| format!("{} ({})", f.code, list_some(&f.defects, 3)))
                .collect();
            out.push(format!(
                "{} invalid polygon{} loaded as is (results near them may be off): {}",
                defective.len(),
                plural(defective.len()),
                list_some(&labels, 5)
            ));
        }
        if !self.duplicate_codes.is_empty() {
            let labels: Vec<String> = self
                .duplicate_codes
                .iter()
                .map(|(c, n)| format!("{c} (x{n})"))
                .collect();
            out.push(format!(
                "{} code{} used by more than one feature: {}",
                labels.len(),
                plural(labels.len()),
                list_some(&labels, 10)
            ));
        }
        if !self.missing_codes.is_empty() {
            let labels: Vec<String> = self.missing_codes.iter().map(|i| format!("#{i}")).collect();
            out.push(format!(
                "{} feature{} without a {} value, labelled by position: {}",
                labels.len(),
                plural(labels.len()),
                self.code_field,
                list_some(&labels, 10)
            ));
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
        }
    }

    /// Number of features with at least one defect.
    pub fn invalid_count(&self) -> usize {
        self.features
            .iter()
            .filter(|f| !f.defects.is_empty())
            .count()
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// "a, b, c and 12 more"
pub fn list_some(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..max].join(", "), items.len() - max)
    }
}

/// Read, check and project a layer.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Layer, LoadError> {
    let err = |message: String, hint: &str| LoadError::new(path, None, message, hint);
    let file = std::fs::File::open(path)
        .map_err(|e| err(format!("cannot open: {e}"), "check the path"))?;
    let meta = file
        .metadata()
        .map_err(|e| err(format!("cannot read: {e}"), "check the path"))?;
    if meta.is_dir() {
        return Err(err(
            "is a directory, not a GeoJSON file".into(),
            "name a .geojson file",
        ));
    }
    if meta.len() == 0 {
        return Err(err(
            "is empty".into(),
            "expected a GeoJSON FeatureCollection",
        ));
    }
    // SAFETY: the map is read-only and lives only while we parse; a file changed underneath us
    // can at worst produce a parse error.
    let map = unsafe { memmap2::Mmap::map(&file) }
        .map_err(|e| err(format!("cannot read: {e}"), "check the file"))?;
    // Hand back the pages already read: the file stays in the page cache, but a 150 MB input
    // no longer adds 150 MB to this process's memory.
    let mut released = 0usize;
    let mut release = |offset: usize| {
        #[cfg(unix)]
        if offset - released >= RELEASE_BYTES {
            let end = offset / RELEASE_BYTES * RELEASE_BYTES;
            // SAFETY: a read-only private file mapping; pages dropped here are read again
            // from the file if touched (for example by the serde reader).
            let _ = unsafe {
                map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    released,
                    end - released,
                )
            };
            released = end;
        }
        #[cfg(not(unix))]
        let _ = offset;
    };
    read_bytes(path, &map, options, &mut release)
}

/// Parse, check and project a layer already in memory; `path` only names it in messages.
/// This is [`load`] without the file handling (the fuzz targets call it), on the same
/// readers: the fast scanner for well-formed collections, the serde reader otherwise.
pub fn load_bytes(path: &Path, bytes: &[u8], options: &LoadOptions) -> Result<Layer, LoadError> {
    read_bytes(path, bytes, options, &mut |_| {})
}

fn read_bytes(
    path: &Path,
    bytes: &[u8],
    options: &LoadOptions,
    release: &mut dyn FnMut(usize),
) -> Result<Layer, LoadError> {
    let label = short_name(path);
    let start = std::time::Instant::now();
    let bar = crate::progress::Task::new(format!("reading {label}"), bytes.len() as u64, true);
    // The fast reader hands over features as it reads them; meanwhile the checker builds their
    // polygons, validates them, projects them and measures them on the rayon threads (the two
    // sides take about as long on a large file).
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<RawFeature>>(64);
    let (fast, (raw, prepped, busy)) = std::thread::scope(|s| {
        let checker = s.spawn(move || {
            let (mut raw, mut prepped) = (Vec::new(), Vec::new());
            let mut busy = std::time::Duration::ZERO;
            for mut batch in rx {
                let t = std::time::Instant::now();
                prepped.extend(batch.par_iter_mut().map(prep).collect::<Vec<_>>());
                busy += t.elapsed();
                raw.append(&mut batch);
            }
            (raw, prepped, busy)
        });
        let fast = {
            let tx = tx;
            let mut batch = Vec::with_capacity(BATCH);
            let fast = geojson::parse_fast(bytes, &mut |feature, offset| {
                batch.push(feature);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    let _ = tx.send(full);
                }
                bar.set(offset as u64);
                release(offset);
            });
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            fast
        };
        let checked = checker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (fast, checked)
    });
    drop(bar);
    let read = match fast {
        Ok(crs_name) => {
            crate::timings::report(&format!("parse {label}"), start);
            crate::timings::report(
                &format!(
                    "check {label} (in parallel with parse, {:.3} s of work)",
                    busy.as_secs_f64()
                ),
                start,
            );
            Read {
                crs_name,
                raw,
                prepped,
            }
        }
        Err(geojson::GiveUp) => {
            // Not the common shape, or malformed: the serde reader decides, and explains.
            drop((raw, prepped));
            let doc = geojson::parse(bytes).map_err(|e| {
                LoadError::new(
                    path,
                    e.feature,
                    format!("malformed GeoJSON: {}", e),
                    "expected a GeoJSON FeatureCollection of Polygon/MultiPolygon features",
                )
            })?;
            crate::timings::report(&format!("parse {label}"), start);
            crate::timings::time(|| format!("check {label}"), || Read::check(doc))
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

/// Features are handed from the reader to the checker in batches of this many.
const BATCH: usize = 256;

/// Pages of the input are released in steps of this many bytes (a multiple of the page size).
#[cfg(unix)]
const RELEASE_BYTES: usize = 8 << 20;

/// The file name alone, for timings and progress.
fn short_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A layer as read: features with their geometry taken out, checked and built.
struct Read {
    crs_name: Option<String>,
    raw: Vec<RawFeature>,
    prepped: Vec<Prepped>,
}

impl Read {
    fn check(mut doc: geojson::RawDocument) -> Read {
        let prepped = doc.features.par_iter_mut().map(prep).collect();
        Read {
            crs_name: doc.crs_name,
            raw: doc.features,
            prepped,
        }
    }
}

/// A feature's polygons, checked in the file's coordinates, then (when they are lon/lat)
/// projected to British National Grid, oriented and measured.
struct Built {
    geometry: MultiPolygon<f64>,
    defects: Vec<String>,
    bbox: Rect<f64>,
    area_m2: f64,
    resolution: Resolution,
}

/// One feature's geometry, checked and built in the file's own coordinates.
struct Prepped {
    /// The nesting of `coordinates` fits the declared type.
    structure: Result<(), String>,
    /// Extent of its positions.
    extent: Option<([f64; 2], [f64; 2])>,
    /// Polygons, defects and box; or why the feature is skipped.
    geometry: Result<Built, SkipReason>,
}

/// Check and build one feature's geometry, taking it out of the raw feature.
fn prep(f: &mut RawFeature) -> Prepped {
    let Some(g) = f.geometry.take() else {
        return Prepped {
            structure: Ok(()),
            extent: None,
            geometry: Err(SkipReason::NullGeometry),
        };
    };
    let structure = check_structure(&g);
    let extent = points_extent(&g.coords.points);
    let kind = g.kind.clone().unwrap_or_default();
    let geometry = if structure.is_err() {
        // The layer will not load; nothing to build.
        Err(SkipReason::EmptyGeometry)
    } else if g.has_geometries || !(kind == "Polygon" || kind == "MultiPolygon") {
        Err(SkipReason::NotPolygon(kind))
    } else {
        let (mut geometry, mut defects) = to_multipolygon(g.coords);
        if geometry.0.is_empty() {
            Err(SkipReason::EmptyGeometry)
        } else {
            // Validated in the file's own coordinates, as any other tool would see them.
            defects.extend(validate(&geometry));
            // Then projected here, on the checking threads, while the file is still being
            // read. A feature whose coordinates look like lon/lat is projected now: if the
            // layer loads at all, it loads as lon/lat, because every feature must fit the
            // layer's one coordinate system (`check_one_system`, `decide_crs`).
            let lonlat = extent
                .is_some_and(|(min, max)| crs::Crs::from_extent(min, max) == Some(crs::Crs::Wgs84));
            let projector = lonlat.then(project::british_isles);
            match finish_geometry(&mut geometry, projector) {
                Some((area_m2, bbox)) => Ok(Built {
                    resolution: resolution_of(&geometry),
                    geometry,
                    defects,
                    bbox,
                    area_m2,
                }),
                None => Err(SkipReason::EmptyGeometry),
            }
        }
    };
    Prepped {
        structure,
        extent,
        geometry,
    }
}

#[cfg(test)]
fn from_raw(
    path: &Path,
    doc: geojson::RawDocument,
    options: &LoadOptions,
) -> Result<Layer, LoadError> {
    finish(path, Read::check(doc), options)
}

fn finish(path: &Path, read: Read, options: &LoadOptions) -> Result<Layer, LoadError> {
    let err = |feature: Option<usize>, message: String, hint: &str| {
        LoadError::new(path, feature, message, hint)
    };
    let Read {
        crs_name,
        raw,
        prepped,
    } = read;
    let input_count = raw.len();
    let mut notes = Vec::new();

    let fields = fields::detect(
        &raw,
        options.code_field.as_deref(),
        options.name_field.as_deref(),
    )
    .map_err(|m| err(None, m, "pass --code (and --name) to name the fields"))?;
    notes.extend(fields.notes.iter().cloned());

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

    check_one_system(&raw, &prepped).map_err(|(i, m)| {
        err(
            Some(i),
            m,
            "a layer must use one coordinate system: lon/lat degrees (EPSG:4326) or British National Grid metres (EPSG:27700)",
        )
    })?;
    let extent = prepped
        .iter()
        .filter_map(|p| p.extent)
        .reduce(|(a0, a1), (b0, b1)| {
            (
                [a0[0].min(b0[0]), a0[1].min(b0[1])],
                [a1[0].max(b1[0]), a1[1].max(b1[1])],
            )
        });
    let (crs, crs_source) = decide_crs(crs_name.as_deref(), options.crs, extent)
        .map_err(|(m, hint)| err(None, m, &hint))?;
    if crs == Crs::Wgs84 {
        if let Some(problem) = extent.and_then(|(min, max)| crs::lonlat_extent_problem(min, max)) {
            if problem.contains("swapped") {
                return Err(err(
                    None,
                    problem,
                    "write positions as [longitude, latitude]",
                ));
            }
            notes.push(problem);
        }
    }

    let code_source = fields.code.clone();
    let name_field = fields.name.clone();
    let built: Vec<Result<(Feature, Resolution), Skipped>> = raw
        .into_par_iter()
        .zip(prepped)
        .map(|(f, p)| build_feature(f, p, &code_source, name_field.as_deref()))
        .collect();

    let mut features = Vec::with_capacity(built.len());
    let mut resolutions = Vec::with_capacity(built.len());
    let mut skipped = Vec::new();
    for b in built {
        match b {
            Ok((f, r)) => {
                features.push(f);
                resolutions.push(r);
            }
            Err(s) => skipped.push(s),
        }
    }
    let mut missing_codes = Vec::new();
    for f in &mut features {
        if f.code.is_empty() {
            missing_codes.push(f.index);
            f.code = format!("#{}", f.index);
        }
    }
    let duplicate_codes = fields::duplicates(features.iter().map(|f| f.code.as_str()));
    let resolution = resolutions
        .into_iter()
        .fold(Resolution::default(), Resolution::add);

    Ok(Layer {
        path: path.to_path_buf(),
        crs,
        crs_source,
        code_field: code_source.label(),
        name_field,
        features,
        skipped,
        input_count,
        duplicate_codes,
        missing_codes,
        resolution,
        input_extent: extent,
        notes,
    })
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

fn points_extent(points: &[Coord<f64>]) -> Option<([f64; 2], [f64; 2])> {
    let first = points.first()?;
    let (mut min, mut max) = ([first.x, first.y], [first.x, first.y]);
    for p in points {
        min = [min[0].min(p.x), min[1].min(p.y)];
        max = [max[0].max(p.x), max[1].max(p.y)];
    }
    Some((min, max))
}

/// Every feature's coordinates must fit the same system: name the first that does not.
fn check_one_system(raw: &[RawFeature], prepped: &[Prepped]) -> Result<(), (usize, String)> {
    let mut seen: [Option<usize>; 2] = [None, None];
    let mut counts = [0usize; 2];
    for (f, p) in raw.iter().zip(prepped) {
        let Some((min, max)) = p.extent else {
            continue;
        };
        let class = match Crs::from_extent(min, max) {
            Some(Crs::Wgs84) => 0,
            Some(Crs::Bng) => 1,
            None => {
                return Err((
                    f.index,
                    format!(
                        "coordinates [{}, {}] - [{}, {}] fit neither lon/lat degrees nor British National Grid metres",
                        min[0], min[1], max[0], max[1]
                    ),
                ))
            }
        };
        counts[class] += 1;
        seen[class].get_or_insert(f.index);
    }
    if let (Some(l), Some(b)) = (seen[0], seen[1]) {
        // Name the odd one out.
        let (odd, odd_kind, usual) = if counts[0] <= counts[1] {
            (l, "lon/lat degrees", "British National Grid metres")
        } else {
            (b, "British National Grid metres", "lon/lat degrees")
        };
        return Err((
            odd,
            format!("coordinates are in {odd_kind}, but the layer's other features are in {usual}"),
        ));
    }
    Ok(())
}

fn decide_crs(
    member: Option<&str>,
    option: Option<Crs>,
    extent: Option<([f64; 2], [f64; 2])>,
) -> Result<(Crs, CrsSource), (String, String)> {
    let from_extent = extent.and_then(|(min, max)| Crs::from_extent(min, max));
    let describe = |e: Option<([f64; 2], [f64; 2])>| match e {
        Some((min, max)) => format!("[{}, {}] - [{}, {}]", min[0], min[1], max[0], max[1]),
        None => "none".into(),
    };
    if let Some(crs) = option {
        if let Some((min, max)) = extent {
            if Crs::from_extent(min, max) != Some(crs) {
                return Err((
                    format!(
                        "--crs {crs} does not fit the coordinates {}",
                        describe(extent)
                    ),
                    match Crs::from_extent(min, max) {
                        Some(guess) => format!(
                            "they look like {guess}: drop --crs, or pass --crs {}",
                            guess.epsg()
                        ),
                        None => "check the file's coordinates".into(),
                    },
                ));
            }
        }
        return Ok((crs, CrsSource::CommandLine));
    }
    if let Some(name) = member {
        let Some(crs) = Crs::from_name(name) else {
            return Err((
                format!("unsupported CRS {name:?} in the crs member"),
                "reproject to EPSG:4326 or EPSG:27700 (e.g. ogr2ogr -t_srs EPSG:4326), or pass --crs \
                 if the member is wrong"
                    .into(),
            ));
        };
        if let Some(guess) = from_extent {
            if guess != crs {
                return Err((
                    format!(
                        "the crs member says {crs} but the coordinates {} look like {guess}",
                        describe(extent)
                    ),
                    format!("if the coordinates are right, pass --crs {}", guess.epsg()),
                ));
            }
        } else if extent.is_some() {
            return Err((
                format!(
                    "coordinates {} are out of range for {crs}",
                    describe(extent)
                ),
                "check the file's coordinates".into(),
            ));
        }
        return Ok((crs, CrsSource::Member(name.to_string())));
    }
    match (from_extent, extent) {
        (Some(crs), _) => Ok((crs, CrsSource::Coordinates)),
        (None, None) => Ok((Crs::Wgs84, CrsSource::Default)),
        (None, Some(_)) => Err((
            format!(
                "cannot tell the coordinate system: coordinates {} are neither lon/lat degrees \
                 nor British National Grid metres",
                describe(extent)
            ),
            "reproject to EPSG:4326 or EPSG:27700, or pass --crs if you know it".into(),
        )),
    }
}

/// A feature (polygons still in the input's coordinates), or why it is skipped.
fn build_feature(
    f: RawFeature,
    p: Prepped,
    code_source: &CodeSource,
    name_field: Option<&str>,
) -> Result<(Feature, Resolution), Skipped> {
    let code = fields::feature_code(code_source, f.id.as_ref(), &f.properties);
    let built = match p.geometry {
        Ok(g) => g,
        Err(reason) => {
            return Err(Skipped {
                index: f.index,
                code,
                reason,
            })
        }
    };
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
    ))
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
fn to_multipolygon(c: geojson::Nested) -> (MultiPolygon<f64>, Vec<String>) {
    let geojson::Nested {
        mut points,
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
    // Cut the rings off the end of the buffer, last first; the first ring keeps the buffer.
    let mut owned: Vec<Vec<Vec<Coord<f64>>>> = polygons_rings
        .iter()
        .map(|rings| Vec::with_capacity(rings.len()))
        .collect();
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
    let mut cut = cut.into_iter();
    for (pi, rings) in polygons_rings.iter().enumerate() {
        for (r, _) in rings.iter().enumerate() {
            let mut coords = cut.next().unwrap_or_default();
            let ring_label = if r == 0 {
                "exterior ring".to_string()
            } else {
                format!("hole {r}")
            };
            let n = coords.len();
            if coords.first() != coords.last() {
                defects.push(format!(
                    "polygon {pi} {ring_label} is not closed (closed on load)"
                ));
                if let Some(&first) = coords.first() {
                    coords.push(first);
                }
            }
            if coords.len() < 4 {
                defects.push(format!(
                    "polygon {pi} {ring_label} has {n} positions; a ring needs at least 4"
                ));
            }
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

/// Above this many holes, a polygon's holes are checked pairwise only where their boxes meet.
const FEW_HOLES: usize = 16;

/// geo's polygon validation, in its words. geo relates every pair of holes, which takes minutes
/// for a polygon with 20,000 holes; with more than [`FEW_HOLES`] the same checks run on the
/// pairs whose boxes meet.
fn polygon_problems(p: &Polygon<f64>) -> Vec<String> {
    use geo::coordinate_position::CoordPos;
    use geo::dimensions::Dimensions;
    use geo::{PreparedGeometry, Relate};
    if p.interiors().len() <= FEW_HOLES {
        return valid::polygon_errors(p)
            .iter()
            .map(|e| e.to_string())
            .collect();
    }
    let ring = |r: &LineString<f64>| Polygon::new(r.clone(), vec![]);
    let exterior = ring(p.exterior());
    let mut out: Vec<String> = valid::polygon_errors(&exterior)
        .iter()
        .map(|e| e.to_string())
        .collect();
    let holes: Vec<(usize, Polygon<f64>)> = p
        .interiors()
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.0.is_empty())
        .map(|(k, r)| (k, ring(r)))
        .collect();
    for (k, h) in &holes {
        let name = format!("interior ring at index {k}");
        for e in valid::polygon_errors(h) {
            out.push(e.to_string().replacen("exterior ring", &name, 1));
        }
    }
    if exterior.exterior().0.is_empty() || holes.is_empty() {
        return out;
    }
    let prepared_exterior = PreparedGeometry::from(&exterior);
    for (k, h) in &holes {
        let m = prepared_exterior.relate(h);
        if !m.is_contains() {
            out.push(format!(
                "interior ring at index {k} is not contained within the polygon's exterior"
            ));
        }
        if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            out.push(format!(
                "exterior ring and interior ring at index {k} intersect on a line"
            ));
        }
    }
    let boxes: Vec<Option<Rect<f64>>> = holes.iter().map(|(_, h)| h.bounding_rect()).collect();
    for (i, j) in meeting_pairs(&boxes) {
        let ((ka, ha), (kb, hb)) = (&holes[i], &holes[j]);
        let m = ha.relate(hb);
        if m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
            out.push(format!(
                "interior ring at index {ka} and interior ring at index {kb} intersect on an area"
            ));
        }
        if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            out.push(format!(
                "interior ring at index {ka} and interior ring at index {kb} intersect on a line"
            ));
        }
    }
    out
}

/// Validity problems, one line each. Parts are checked pairwise only where their boxes meet.
fn validate(mp: &MultiPolygon<f64>) -> Vec<String> {
    let mut out = Vec::new();
    let many = mp.0.len() > 1;
    for (i, p) in mp.0.iter().enumerate() {
        for e in polygon_problems(p) {
            if many {
                out.push(format!("polygon {i}: {e}"));
            } else {
                out.push(e.to_string());
            }
        }
    }
    if many {
        let boxes: Vec<Option<Rect<f64>>> = mp.0.iter().map(|p| p.bounding_rect()).collect();
        for (i, j) in meeting_pairs(&boxes) {
            use geo::Relate;
            // Parts whose outlines stay apart, neither inside the other: nothing to report.
            if valid::polygons_apart(&mp.0[i], &mp.0[j]) {
                continue;
            }
            let im = mp.0[i].relate(&mp.0[j]);
            use geo::coordinate_position::CoordPos;
            use geo::dimensions::Dimensions;
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                out.push(format!("polygons {i} and {j} overlap"));
            } else if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary)
                == Dimensions::OneDimensional
            {
                out.push(format!(
                    "polygons {i} and {j} touch along a line (should be one polygon)"
                ));
            }
        }
    }
    out
}

/// The pairs `(i, j)`, `i < j`, whose boxes meet, in order: a sweep along x, so that 20,000
/// boxes that mostly do not meet cost far less than 200 million comparisons.
fn meeting_pairs(boxes: &[Option<Rect<f64>>]) -> Vec<(usize, usize)> {
    let mut order: Vec<(usize, Rect<f64>)> = boxes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.map(|b| (i, b)))
        .collect();
    order.sort_by(|a, b| a.1.min().x.total_cmp(&b.1.min().x));
    let mut pairs = Vec::new();
    for (k, (i, a)) in order.iter().enumerate() {
        for (j, b) in &order[k + 1..] {
            if b.min().x > a.max().x {
                break;
            }
            if a.intersects(b) {
                pairs.push((*i.min(j), *i.max(j)));
            }
        }
    }
    pairs.sort_unstable();
    pairs
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

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(s: &str) -> Result<Layer, LoadError> {
        let doc = geojson::parse(s.as_bytes())
            .map_err(|e| LoadError::new(Path::new("t"), e.feature, e.to_string(), ""))?;
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
        let warnings = layer.warnings().join("\n");
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
            layer.features[0].defects[0].contains("self-intersection"),
            "{:?}",
            layer.features[0].defects
        );
    }

    #[test]
    fn many_holes_are_checked_as_geo_checks_them_but_quickly() {
        // 30 holes in a row (more than FEW_HOLES), with every kind of problem among them.
        let square = |x: f64, y: f64, d: f64| {
            LineString::from(vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)])
        };
        let mut holes: Vec<LineString<f64>> = (0..30)
            .map(|i| square(1.0 + 3.0 * i as f64, 1.0, 1.0))
            .collect();
        holes[3] = square(200.0, 1.0, 1.0); // outside the shell
        holes[5] = square(1.5 + 3.0 * 4.0, 1.5, 1.0); // overlaps hole 4
        holes[8] = square(2.0 + 3.0 * 7.0, 1.0, 1.0); // shares an edge with hole 7
        holes[10] = square(3.0 * 10.0, 0.0, 1.0); // shares an edge with the shell
        holes[12] = LineString::from(vec![
            (37.0, 1.0),
            (38.0, 2.0),
            (38.0, 1.0),
            (37.0, 2.0),
            (37.0, 1.0),
        ]);
        let p = Polygon::new(square(0.0, 0.0, 100.0), holes);
        use geo::Validation;
        let mut geo: Vec<String> = p
            .validation_errors()
            .iter()
            .map(|e| e.to_string())
            .collect();
        let mut ours = polygon_problems(&p);
        geo.sort();
        ours.sort();
        assert!(geo.len() >= 5, "{geo:?}");
        assert_eq!(ours, geo);
    }

    #[test]
    fn meeting_pairs_match_brute_force() {
        // A fixed linear congruential sequence: the same boxes every run.
        let mut seed = 42u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as f64 / (1u64 << 31) as f64 * 100.0
        };
        let boxes: Vec<Option<Rect<f64>>> = (0..300)
            .map(|i| {
                let (x, y, w, h) = (next(), next(), next() / 10.0, next() / 10.0);
                (i % 50 != 0).then(|| Rect::new(Coord { x, y }, Coord { x: x + w, y: y + h }))
            })
            .collect();
        let mut brute = Vec::new();
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                if let (Some(a), Some(b)) = (boxes[i], boxes[j]) {
                    if a.intersects(&b) {
                        brute.push((i, j));
                    }
                }
            }
        }
        assert!(brute.len() > 100);
        assert_eq!(meeting_pairs(&boxes), brute);
    }

    #[test]
    fn unclosed_ring_is_flagged() {
        let layer = load_str(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"XCD":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,51],[0.01,51],[0.01,51.01]]]}}]}"#,
        )
        .unwrap();
        assert!(layer.features[0]
            .defects
            .iter()
            .any(|d| d.contains("not closed")));
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
