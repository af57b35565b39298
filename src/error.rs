//! Errors that say which file, which feature, and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::layer::geojson::ParseError;

/// A layer that could not be loaded. Displayed as
/// `FILE: feature #N: what went wrong` (or `FILE: KIND: feature #N: ...`) followed by a hint
/// line.
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    /// What kind of failure, written before the feature's position ("malformed GeoJSON").
    pub kind: Option<&'static str>,
    /// Position of the feature at fault in the `features` array.
    pub feature: Option<usize>,
    pub message: String,
    pub hint: String,
}

impl LoadError {
    pub fn new(path: &Path, feature: Option<usize>, message: String, hint: &str) -> LoadError {
        LoadError {
            path: path.to_path_buf(),
            kind: None,
            feature,
            message,
            hint: hint.to_string(),
        }
    }

    /// The file is not GeoJSON the reader accepts: `FILE: malformed GeoJSON: feature #N: ...`.
    pub fn malformed(path: &Path, e: &ParseError, hint: &str) -> LoadError {
        LoadError {
            kind: Some("malformed GeoJSON"),
            ..LoadError::new(path, e.feature, e.located(), hint)
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path.display())?;
        if let Some(kind) = self.kind {
            write!(f, "{kind}: ")?;
        }
        if let Some(i) = self.feature {
            write!(f, "feature #{i}: ")?;
        }
        write!(f, "{}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}
