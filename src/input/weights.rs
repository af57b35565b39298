//! Reading a weights file: CSV (lon,lat or easting,northing columns and a weight column) or
//! GeoJSON points, to weighted points in British National Grid metres.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::analysis::weights::Points;
use crate::layer::{crs, geojson, list_some, plural, Crs};
use crate::project;

/// Read points from CSV (lon,lat or easting,northing columns) or GeoJSON (Point features).
pub fn load(path: &Path, column: &str) -> Result<Points> {
    load_any(path, column).map_err(|e| {
        anyhow::anyhow!(
            "{e:#}\n  hint: --weights takes a CSV with lon,lat (or easting,northing) columns and a \
             weight column, or a layer of points (GeoJSON, GeoPackage, FlatGeobuf, Shapefile)"
        )
    })
}

fn load_any(path: &Path, column: &str) -> Result<Points> {
    // A GeoPackage, FlatGeobuf or Shapefile of points, told by its content.
    if let Some(doc) = crate::layer::read_other(path)? {
        return points_from(path, &doc, column);
    }
    let is_json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"));
    if is_json {
        load_geojson(path, column)
    } else {
        load_csv(path, column)
    }
}

fn load_csv(path: &Path, column: &str) -> Result<Points> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("{}: cannot open the weights file", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the CSV header", path.display()))?
        .clone();
    let Columns {
        xi,
        yi,
        wi,
        crs,
        mut notes,
    } = columns(path, &headers, column)?;
    let mut raw: Vec<[f64; 2]> = Vec::new();
    let mut weight = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record
            .with_context(|| format!("{}: line {line}: unreadable CSV row", path.display()))?;
        let (x, y, w) = csv_point(path, line, &record, xi, yi, wi, crs)?;
        raw.push([x, y]);
        weight.push(w);
    }
    if raw.is_empty() {
        bail!("{}: no points in the weights file", path.display());
    }
    if crs == Crs::Wgs84 {
        let (min, max) = crs::bounds(&raw).unwrap_or_default();
        match crs::lonlat_extent_problem(min, max) {
            Some(problem @ crs::ExtentProblem::Swapped) => bail!("{}: {problem}", path.display()),
            Some(problem) => notes.push(format!("{}: {problem}", path.display())),
            None => {}
        }
    }
    finite_total(path, &weight)?;
    let xy = raw.iter().map(|p| to_bng(crs, p[0], p[1])).collect();
    Ok(Points {
        path: path.to_path_buf(),
        xy,
        weight,
        column: wi.map(|_| column.to_string()),
        notes,
    })
}

/// One CSV row's position and weight, checked.
fn csv_point(
    path: &Path,
    line: usize,
    record: &csv::StringRecord,
    xi: usize,
    yi: usize,
    wi: Option<usize>,
    crs: Crs,
) -> Result<(f64, f64, f64)> {
    let num = |i: usize, what: &str| -> Result<f64> {
        let text = record.get(i).unwrap_or("").trim();
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => bail!(
                "{}: line {line}: {what} {text:?} is not a number",
                path.display()
            ),
        }
    };
    let (x, y) = (num(xi, "coordinate")?, num(yi, "coordinate")?);
    let w = match wi {
        Some(i) => num(i, "weight")?,
        None => 1.0,
    };
    if w < 0.0 {
        bail!("{}: line {line}: negative weight {w}", path.display());
    }
    let in_range = match crs {
        Crs::Wgs84 => (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y),
        Crs::Bng => Crs::from_extent([x, y], [x, y]).is_some(),
    };
    if !in_range {
        bail!(
            "{}: line {line}: position ({x}, {y}) is out of range for {}",
            path.display(),
            if crs == Crs::Wgs84 {
                "longitude, latitude"
            } else {
                "easting, northing"
            }
        );
    }
    Ok((x, y, w))
}

/// Refuse weights whose sum overflows (each may be finite, yet shares of an infinite total are
/// NaN).
fn finite_total(path: &Path, weight: &[f64]) -> Result<()> {
    let total: f64 = weight.iter().sum();
    if !total.is_finite() {
        bail!(
            "{}: the weights add up to more than a number can hold ({} weights, the largest \
             {:e}); scale them down",
            path.display(),
            weight.len(),
            weight.iter().copied().fold(0.0, f64::max)
        );
    }
    Ok(())
}

/// Where a weights CSV keeps its coordinates and weights.
struct Columns {
    xi: usize,
    yi: usize,
    /// None when every point weighs 1.
    wi: Option<usize>,
    crs: Crs,
    notes: Vec<String>,
}

/// The coordinate and weight columns of a weights CSV, from its header.
fn columns(path: &Path, headers: &csv::StringRecord, column: &str) -> Result<Columns> {
    let find = |names: &[&str]| {
        headers.iter().position(|h| {
            names.iter().any(|n| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(n)
            })
        })
    };
    let (xi, yi, crs) = if let (Some(x), Some(y)) = (
        find(&["lon", "longitude", "lng"]),
        find(&["lat", "latitude"]),
    ) {
        (x, y, Crs::Wgs84)
    } else if let (Some(x), Some(y)) = (find(&["easting", "x"]), find(&["northing", "y"])) {
        (x, y, Crs::Bng)
    } else {
        bail!(
            "{}: no coordinate columns: expected lon,lat or easting,northing; the header is: {}",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let wi = find(&[column]);
    let mut notes = Vec::new();
    if wi.is_none() {
        if column != "population" {
            bail!(
                "{}: no weight column {column:?}; the header is: {} (pass --weight-column)",
                path.display(),
                headers.iter().collect::<Vec<_>>().join(",")
            );
        }
        notes.push(format!(
            "{}: no population column, so every point weighs 1 (choose one with --weight-column)",
            path.display()
        ));
    }
    Ok(Columns {
        xi,
        yi,
        wi,
        crs,
        notes,
    })
}

fn to_bng(crs: Crs, x: f64, y: f64) -> [f64; 2] {
    match crs {
        Crs::Bng => [x, y],
        Crs::Wgs84 => {
            let (e, n) = project::wgs84_to_bng(x, y);
            [e, n]
        }
    }
}

/// A point feature's weight: its `column` property (None when it has none), which must be a
/// non-negative number.
fn feature_weight(path: &Path, f: &geojson::RawFeature, column: &str) -> Result<Option<f64>> {
    let Some(v) = f.properties.get(column) else {
        return Ok(None);
    };
    match v.as_f64() {
        Some(w) if w.is_finite() && w >= 0.0 => Ok(Some(w)),
        _ => bail!(
            "{}: feature #{}: weight {v} is not a non-negative number",
            path.display(),
            f.index
        ),
    }
}

/// A position and its weight.
type Weighted = ([f64; 2], f64);

/// Each point of the Point and MultiPoint features with its weight; the numbers of the other
/// features; whether any feature has the weight property.
fn geojson_points(
    path: &Path,
    doc: &geojson::RawDocument,
    column: &str,
) -> Result<(Vec<Weighted>, Vec<usize>, bool)> {
    let mut raw = Vec::new();
    let mut skipped = Vec::new();
    let mut has_column = false;
    for f in &doc.features {
        let point = f.geometry.as_ref().filter(|g| {
            matches!(g.kind.as_deref(), Some("Point") | Some("MultiPoint"))
                && !g.coords.points.is_empty()
        });
        let Some(g) = point else {
            skipped.push(f.index);
            continue;
        };
        let w = match feature_weight(path, f, column)? {
            Some(w) => {
                has_column = true;
                w
            }
            None => 1.0,
        };
        // A MultiPoint's weight is shared among its points.
        let n = g.coords.points.len() as f64;
        for p in &g.coords.points {
            raw.push(([p.x, p.y], w / n));
        }
    }
    Ok((raw, skipped, has_column))
}

fn load_geojson(path: &Path, column: &str) -> Result<Points> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("{}: cannot read the weights file", path.display()))?;
    let doc = geojson::parse(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: malformed GeoJSON: {e}", path.display()))?;
    points_from(path, &doc, column)
}

/// The weighted points of a layer's Point and MultiPoint features.
fn points_from(path: &Path, doc: &geojson::RawDocument, column: &str) -> Result<Points> {
    let (raw, skipped, has_column) = geojson_points(path, doc, column)?;
    let crs = match doc.crs_name.as_deref() {
        Some(name) => Crs::from_declared(name)
            .with_context(|| format!("{}: unsupported CRS {name:?}", path.display()))?,
        None => crs::bounds(raw.iter().map(|(p, _)| p))
            .and_then(|(min, max)| Crs::from_extent(min, max))
            .unwrap_or(Crs::Wgs84),
    };
    if raw.is_empty() {
        bail!("{}: no Point features in the weights file", path.display());
    }
    let weights: Vec<f64> = raw.iter().map(|(_, w)| *w).collect();
    finite_total(path, &weights)?;
    let mut notes = Vec::new();
    if !skipped.is_empty() {
        notes.push(format!(
            "{}: skipped {} feature{} that {} not points ({}); their weight counts nowhere",
            path.display(),
            skipped.len(),
            plural(skipped.len()),
            if skipped.len() == 1 { "is" } else { "are" },
            list_some(
                &skipped.iter().map(|i| format!("#{i}")).collect::<Vec<_>>(),
                5
            )
        ));
    }
    if !has_column && column != "population" {
        bail!(
            "{}: no feature has a {column:?} property (pass --weight-column)",
            path.display()
        );
    }
    if !has_column {
        notes.push(format!(
            "{}: no population property, so every point weighs 1",
            path.display()
        ));
    }
    Ok(Points {
        path: path.to_path_buf(),
        xy: raw.iter().map(|(p, _)| to_bng(crs, p[0], p[1])).collect(),
        weight: weights,
        column: has_column.then(|| column.to_string()),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn error(name: &str, text: &str) -> String {
        let (_dir, path) = file(name, text);
        format!("{:#}", load(&path, "population").unwrap_err())
    }

    #[test]
    fn weights_that_overflow_their_total_are_refused() {
        let e = error(
            "w.csv",
            "easting,northing,population\n530000,180000,1e308\n531000,181000,1e308\n",
        );
        assert!(
            e.contains("w.csv: the weights add up to more than a number can hold"),
            "{e}"
        );
        let e = error(
            "w.geojson",
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"population":1e308},"geometry":{"type":"Point","coordinates":[530000,180000]}},
            {"type":"Feature","properties":{"population":1e308},"geometry":{"type":"Point","coordinates":[531000,181000]}}]}"#,
        );
        assert!(
            e.contains("w.geojson: the weights add up to more than"),
            "{e}"
        );
    }

    #[test]
    fn an_infinite_or_negative_weight_names_its_row() {
        let csv =
            |w: &str| format!("easting,northing,population\n530000,180000,1\n531000,181000,{w}\n");
        let e = error("w.csv", &csv("1e309"));
        assert!(
            e.contains("line 3: weight \"1e309\" is not a number"),
            "{e}"
        );
        let e = error("w.csv", &csv("inf"));
        assert!(e.contains("line 3: weight \"inf\" is not a number"), "{e}");
        let e = error("w.csv", &csv("-5"));
        assert!(e.contains("line 3: negative weight -5"), "{e}");
        let e = error("w.csv", &csv(""));
        assert!(e.contains("line 3: weight \"\" is not a number"), "{e}");
    }

    #[test]
    fn skipped_geojson_features_are_named() {
        let (_dir, path) = file(
            "w.geojson",
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"population":3},"geometry":{"type":"Point","coordinates":[530000,180000]}},
            {"type":"Feature","properties":{"population":4},"geometry":null},
            {"type":"Feature","properties":{"population":5},"geometry":{"type":"LineString","coordinates":[[530000,180000],[531000,181000]]}}]}"#,
        );
        let points = load(&path, "population").unwrap();
        assert_eq!(points.weight, vec![3.0]);
        assert_eq!(points.notes.len(), 1);
        assert!(
            points.notes[0].ends_with(
                "w.geojson: skipped 2 features that are not points (#1, #2); their weight \
                 counts nowhere"
            ),
            "{}",
            points.notes[0]
        );
    }
}
