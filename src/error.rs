//! Errors that say which file, which feature, and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// A layer that could not be loaded. Displayed as
/// `FILE: feature #N: what went wrong` followed by a hint line.
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub feature: Option<usize>,
    pub message: String,
    pub hint: String,
}

impl LoadError {
    pub fn new(path: &Path, feature: Option<usize>, message: String, hint: &str) -> LoadError {
        LoadError {
            path: path.to_path_buf(),
            feature,
            message,
            hint: hint.to_string(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path.display())?;
        if let Some(i) = self.feature {
            // ParseError already names the feature in its message.
            if !self.message.contains(&format!("feature #{i}")) {
                write!(f, "feature #{i}: ")?;
            }
        }
        write!(f, "{}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}
