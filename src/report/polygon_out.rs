//! Where a layer of polygons goes (`--pieces`, `build -o`, `validate --polygons`): GeoJSON in
//! WGS84, or a GeoPackage when the file name ends in `.gpkg` (any case), in WGS84 or British
//! National Grid. The one seam between the commands that write polygons and the two writers:
//! a command names the file and the features; the format comes from the name.

use std::path::Path;

use anyhow::{bail, Result};
use geo::Polygon;
use serde_json::{Map, Value};

use super::geojson_out::{self, Grid, Written};
use super::gpkg_out;
use crate::output::{Output, Staged};

/// The format of a polygon layer, from its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolygonFormat {
    GeoJson,
    GeoPackage,
}

impl PolygonFormat {
    /// GeoPackage for a name ending in `.gpkg` (any case), else GeoJSON (`-` included).
    ///
    /// ```
    /// use footprint::report::polygon_out::PolygonFormat;
    /// use std::path::Path;
    /// assert_eq!(PolygonFormat::of(Path::new("pieces.GPKG")), PolygonFormat::GeoPackage);
    /// assert_eq!(PolygonFormat::of(Path::new("-")), PolygonFormat::GeoJson);
    /// ```
    pub fn of(path: &Path) -> PolygonFormat {
        let gpkg = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"));
        match gpkg {
            true => PolygonFormat::GeoPackage,
            false => PolygonFormat::GeoJson,
        }
    }
}

/// A polygon layer to write: the file (or standard output), its format and its coordinates.
#[derive(Debug, Clone)]
pub struct PolygonOutput {
    output: Output,
    format: PolygonFormat,
    grid: Grid,
    /// The GeoPackage's layer (table) name: the file's stem.
    table: String,
    /// The path as given, for messages.
    shown: String,
}

impl PolygonOutput {
    /// The layer at `path` (`-`: standard output, GeoJSON), in `crs`. British National Grid
    /// is refused for GeoJSON (RFC 7946 GeoJSON is WGS84 only), naming `flag`, the option
    /// that named the file (e.g. "--pieces").
    pub fn new(path: &Path, crs: Grid, flag: &str) -> Result<PolygonOutput> {
        let format = PolygonFormat::of(path);
        if format == PolygonFormat::GeoJson && crs == Grid::Bng {
            let what = if path.as_os_str() == "-" {
                "standard output, which takes GeoJSON only".to_string()
            } else {
                format!("{}, a GeoJSON file", path.display())
            };
            bail!(
                "--gpkg-crs bng: {flag} goes to {what}, and GeoJSON is WGS84 lon/lat only (RFC \
                 7946); name a .gpkg file for British National Grid (e.g. {flag} out.gpkg), or \
                 leave out --gpkg-crs"
            );
        }
        Ok(PolygonOutput {
            output: Output::new(Some(path)),
            format,
            grid: crs,
            table: gpkg_out::table_name(path),
            shown: path.display().to_string(),
        })
    }

    /// The destination, for [`crate::output::preflight`] and messages.
    pub fn output(&self) -> &Output {
        &self.output
    }

    pub fn format(&self) -> PolygonFormat {
        self.format
    }

    /// The path as given, for messages.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The GeoPackage layer's name (the file's stem, made a safe table name).
    pub fn layer_name(&self) -> &str {
        &self.table
    }

    /// Write the features (a label for messages, properties, polygons in British National
    /// Grid) whole, to be moved into place at [`Staged::commit`]; `single`: a feature of one
    /// part is a Polygon (else every feature is a MultiPolygon). What the written grid removed
    /// or dropped is counted in the [`Written`], the same for either format.
    pub fn stage<'a>(
        &self,
        features: impl Iterator<Item = (String, Map<String, Value>, &'a [Polygon<f64>])>,
        single: bool,
    ) -> Result<(Staged, Written)> {
        let mut written = None;
        let staged = match self.format {
            PolygonFormat::GeoJson => self.output.stage(|w| {
                written = Some(geojson_out::write_features(w, features, single)?);
                Ok(())
            })?,
            PolygonFormat::GeoPackage => self.output.stage_path("a GeoPackage", |path| {
                written = Some(gpkg_out::write_features(
                    path,
                    &self.table,
                    features,
                    single,
                    self.grid,
                )?);
                Ok(())
            })?,
        };
        Ok((staged, written.unwrap_or_default()))
    }
}
