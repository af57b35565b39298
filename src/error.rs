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
    /// The same error, naming `path` (a layer argument such as `FILE.gpkg:LAYER`) rather
    /// than the file opened.
    pub fn for_path(self, path: &Path) -> LoadError {
        LoadError {
            path: path.to_path_buf(),
            ..self
        }
    }

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

/// The geometry kernel failed (a panic, contained) on the features named: the analysis is
/// incomplete and no report is made. Displayed as `WHAT: the geometry kernel failed (...)`
/// followed by a hint line.
#[derive(Debug)]
pub struct KernelError {
    /// The features concerned: `a.geojson: feature #3 (E01000001) x b.geojson: feature #7
    /// (E38000001)`, or a layer.
    pub what: String,
    pub message: String,
}

impl KernelError {
    /// The pairs of an overlay of layer `a` (features `fa`) with layer `b` that failed.
    pub fn pairs(
        a: &crate::layer::Layer,
        b: &crate::layer::Layer,
        failed: &[crate::analysis::overlay::FailedPair],
    ) -> KernelError {
        KernelError::pairs_of(
            (&a.display_name(), &a.features),
            (&b.display_name(), &b.features),
            failed,
        )
    }

    /// As [`KernelError::pairs`], for features of the layers named (some of a layer's
    /// features: a failed pair's positions are in these lists).
    pub fn pairs_of(
        a: (&str, &[crate::layer::Feature]),
        b: (&str, &[crate::layer::Feature]),
        failed: &[crate::analysis::overlay::FailedPair],
    ) -> KernelError {
        let name = |(layer, features): (&str, &[crate::layer::Feature]), i: usize| {
            let f = &features[i];
            format!("{layer}: feature #{} ({})", f.index, f.code)
        };
        let shown: Vec<String> = failed
            .iter()
            .map(|p| format!("{} x {}", name(a, p.a), name(b, p.b)))
            .collect();
        let what = if failed.len() == 1 {
            shown[0].clone()
        } else {
            format!(
                "{} pairs of features, {}",
                failed.len(),
                crate::layer::list_some(&shown, 5)
            )
        };
        KernelError {
            what,
            message: failed
                .first()
                .map(|p| p.error.0.clone())
                .unwrap_or_default(),
        }
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the geometry kernel failed on {} ({}); no report was made\n  hint: check the \
             features with `footprint validate`, and fix or simplify their rings (repeated \
             points, spikes, rings a millimetre across); please report the input as a bug",
            self.what,
            if self.what.contains(" pairs of features") {
                "them"
            } else {
                "this"
            },
            self.message
        )
    }
}

impl std::error::Error for KernelError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{feature, rect};
    use crate::analysis::overlay::FailedPair;
    use crate::geometry::kernel::KernelPanic;
    use crate::layer::Layer;

    #[test]
    fn a_failed_pair_names_both_features_and_what_to_do() {
        let layer = |name: &str, code: &str| {
            let mut l = Layer::empty_for_tests();
            l.path = name.into();
            l.features = vec![feature(code, rect(0.0, 0.0, 1.0, 1.0))];
            l.features[0].index = 7;
            l
        };
        let (a, b) = (
            layer("a.geojson", "E01000001"),
            layer("b.geojson", "E38000001"),
        );
        let e = KernelError::pairs(
            &a,
            &b,
            &[FailedPair {
                a: 0,
                b: 0,
                error: KernelPanic("index out of bounds".into()),
            }],
        );
        let text = e.to_string();
        assert!(
            text.starts_with(
                "a.geojson: feature #7 (E01000001) x b.geojson: feature #7 (E38000001): the \
                 geometry kernel failed on this (index out of bounds)"
            ),
            "{text}"
        );
        assert!(text.contains("\n  hint: "), "{text}");
    }
}
