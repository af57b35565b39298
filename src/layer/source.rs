//! Which reader a layer's file needs, told by its content (not its name), and the layer it
//! names inside a file that holds several (`FILE.gpkg:LAYER`, `FILE.zip:inner/name.shp`).

use std::path::{Path, PathBuf};

use super::raw::RawDocument;
use crate::error::LoadError;

/// What a layer's bytes are, when they are not GeoJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    GeoPackage,
    FlatGeobuf,
    Shapefile,
    Zip,
}

impl Format {
    /// By the first bytes; `None` for anything else, which the GeoJSON readers read (and
    /// name what it is when it is not JSON).
    pub(super) fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(b"SQLite format 3\0") {
            Some(Format::GeoPackage)
        } else if bytes.starts_with(b"fgb\x03") {
            Some(Format::FlatGeobuf)
        } else if bytes.starts_with(b"\x00\x00\x27\x0A") {
            Some(Format::Shapefile)
        } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            Some(Format::Zip)
        } else {
            None
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Format::GeoPackage => "a GeoPackage",
            Format::FlatGeobuf => "a FlatGeobuf file",
            Format::Shapefile => "a Shapefile",
            Format::Zip => "a zip file",
        }
    }
}

/// A file read by one of the non-GeoJSON readers: its features as the GeoJSON readers give
/// them, and where its coordinate system is declared.
pub(super) struct Opened {
    pub(super) doc: RawDocument,
    /// "gpkg_spatial_ref_sys", ".prj", "FlatGeobuf header", for messages.
    pub(super) crs_by: &'static str,
    /// The features' geometry, checked, when the reader checked each as it read it (in step
    /// with `doc.features`); else they are checked next.
    pub(super) prepped: Option<Vec<super::rings::Prepped>>,
}

/// What a non-GeoJSON file gave: its features, or (from a zip that holds no Shapefile) the
/// bytes of the one layer file in it, to be read as that file would be.
pub(super) enum Source {
    Opened(Opened),
    Inner(Vec<u8>),
}

/// The file a layer argument names, and the layer inside it: `FILE:INNER` when `FILE` is a
/// file and the whole argument is not. A path that exists as given is never split.
pub fn split(path: &Path) -> (PathBuf, Option<String>) {
    if path.exists() {
        return (path.to_path_buf(), None);
    }
    let text = path.to_string_lossy();
    let mut at = text.len();
    while let Some(colon) = text[..at].rfind(':') {
        let (file, inner) = (&text[..colon], &text[colon + 1..]);
        // A file, or a pipe such as /dev/stdin; never a directory.
        let file_like = Path::new(file).exists() && !Path::new(file).is_dir();
        if !file.is_empty() && !inner.is_empty() && file_like {
            return (PathBuf::from(file), Some(inner.to_string()));
        }
        at = colon;
    }
    (path.to_path_buf(), None)
}

/// A layer's short name: the stem of the layer inside (`demo.gpkg:councils` is "councils",
/// `x.zip:dir/wards.shp` "wards"), else the file's stem.
pub fn stem(path: &Path) -> String {
    let (file, inner) = split(path);
    let named = inner.as_deref().map(Path::new).unwrap_or(&file);
    named
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every file a layer argument reads: the file itself, and for a Shapefile (`.shp`) the
/// sidecar files beside it that exist (`.dbf`, `.shx`, `.prj`, `.cpg`). An output must not
/// be any of them.
pub fn files_read(path: &Path) -> Vec<PathBuf> {
    let (file, _) = split(path);
    let mut out = vec![file.clone()];
    let is_shp = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
    if is_shp {
        for ext in SIDECARS {
            if let Some(sidecar) = sidecar(&file, ext) {
                out.push(sidecar);
            }
        }
    }
    out
}

/// The sidecar files of a Shapefile, by extension.
pub(super) const SIDECARS: [&str; 4] = ["dbf", "shx", "prj", "cpg"];

/// The file beside `shp` with extension `ext` (either case), if there is one.
pub(super) fn sidecar(shp: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_string(), ext.to_ascii_uppercase()]
        .into_iter()
        .map(|e| shp.with_extension(e))
        .find(|p| p.is_file())
}

/// Read a non-GeoJSON layer. `path` names it in messages; `file` is where its bytes came from
/// (a regular file, a pipe, or nothing on disk at all for [`super::load_bytes`]).
pub(super) fn open(
    path: &Path,
    file: Option<&Path>,
    inner: Option<&str>,
    format: Format,
    bytes: &[u8],
) -> Result<Source, LoadError> {
    match format {
        Format::GeoPackage => super::gpkg::read(path, file, inner, bytes).map(Source::Opened),
        Format::FlatGeobuf => {
            no_inner(path, inner, format.name())?;
            super::fgb::read(path, bytes).map(Source::Opened)
        }
        Format::Shapefile => {
            no_inner(path, inner, format.name())?;
            shapefile_on_disk(path, file, bytes).map(Source::Opened)
        }
        Format::Zip => super::zipped::read(path, inner, bytes),
    }
}

/// A `.shp` whose sidecars are beside it on disk: the `.dbf` (needed), `.prj` and `.cpg`.
fn shapefile_on_disk(path: &Path, file: Option<&Path>, bytes: &[u8]) -> Result<Opened, LoadError> {
    // Bytes from nowhere, or from a pipe: nothing is beside them.
    let Some(file) = file.filter(|f| f.is_file()) else {
        return Err(LoadError::new(
            path,
            None,
            "this is a Shapefile's .shp alone; its attributes are in the .dbf beside it".into(),
            "name the .shp on disk, beside its .dbf, or the .zip it came in",
        ));
    };
    let Some(dbf) = sidecar(file, "dbf") else {
        return Err(LoadError::new(
            path,
            None,
            format!(
                "this is a Shapefile's .shp, but its .dbf ({}), which holds its attributes, is \
                 not beside it",
                file.with_extension("dbf").display()
            ),
            "a Shapefile is several files: keep the .dbf (and the .prj and .cpg) beside the \
             .shp with the same name, or name the .zip it came in",
        ));
    };
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| {
            LoadError::new(
                path,
                None,
                format!("cannot read {}: {e}", p.display()),
                "check the Shapefile's files can be read",
            )
        })
    };
    let text = |ext: &str| -> Result<Option<String>, LoadError> {
        match sidecar(file, ext) {
            Some(p) => Ok(Some(String::from_utf8_lossy(&read(&p)?).into_owned())),
            None => Ok(None),
        }
    };
    let dbf = read(&dbf)?;
    let (prj, cpg) = (text("prj")?, text("cpg")?);
    super::shp::read(
        path,
        super::shp::Parts {
            shp: bytes,
            dbf: &dbf,
            prj,
            cpg,
        },
    )
}

/// A format that holds one layer refuses `FILE:INNER`; `what` is the format's name.
pub(super) fn no_inner(path: &Path, inner: Option<&str>, what: &str) -> Result<(), LoadError> {
    match inner {
        None => Ok(()),
        Some(inner) => Err(LoadError::new(
            path,
            None,
            format!("{what} holds one layer, so `:{inner}` names nothing in it"),
            "name the file alone (`:LAYER` picks a layer of a GeoPackage, or a .shp in a zip)",
        )),
    }
}
