//! Pure analyses: layers and options in, report rows out. No printing, no files.

pub mod build;
pub mod cascade;
pub mod changes;
pub mod clip;
pub mod coast;
pub mod contain;
pub mod coterminosity;
pub mod crossing;
pub mod dissolve;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod flows;
#[cfg(test)]
mod fuzz_tests;
pub mod inspect;
pub mod mapping;
pub mod nesting;
pub mod overlaps;
pub mod overlay;
pub mod scope;
pub mod small_areas;
pub mod spanning;
pub mod tolerance;
pub mod validate;
pub mod weights;

use serde::Serialize;

use crate::layer::Layer;

/// What every analysis report states about how it was made.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// Input files, by role.
    pub layers: Vec<LayerSummary>,
    pub tolerance_m: f64,
    pub tolerance_source: String,
    pub weights_file: Option<String>,
    pub weight_column: Option<String>,
    /// Each layer with weight points outside every feature (none when all are inside).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weights_outside: Vec<weights::OutsideLayer>,
    /// Pairs that overlapped only by slivers narrower than the tolerance.
    pub noise_pairs_dropped: usize,
    #[serde(serialize_with = "crate::report::ser6")]
    pub noise_km2_dropped: f64,
    pub warnings: Vec<Warning>,
    /// The country the analysis is limited to, and what lies outside it (none when the
    /// footprints' codes do not all name one country, or with `--all-countries`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<scope::Scope>,
}

impl Context {
    /// A context that states only the tolerance: for analyses whose caller reports its own
    /// (`check`), and for tests.
    pub fn bare(tolerance_m: f64, tolerance_source: &str) -> Context {
        Context {
            layers: Vec::new(),
            tolerance_m,
            tolerance_source: tolerance_source.to_string(),
            weights_file: None,
            weight_column: None,
            weights_outside: Vec::new(),
            noise_pairs_dropped: 0,
            noise_km2_dropped: 0.0,
            warnings: Vec::new(),
            scope: None,
        }
    }

    /// Whether the analysis had weights (and its rows weight shares).
    pub fn weighted(&self) -> bool {
        self.weights_file.is_some()
    }
}

/// A warning about an analysis, typed where code acts on it; written as its text.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// Units counted in more than one footprint for the same ground: each as "CODE (NNN%)",
    /// the sum of its parts' shares.
    FootprintsOverlap(Vec<String>),
    /// Parts of split features holding no weight point although their size says they should:
    /// each as "CODE NAME in CODE (km², share, points)".
    CoarseWeights(Vec<String>),
    /// What the loader, the tolerance or the weights said.
    Note(String),
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::FootprintsOverlap(units) => write!(
                f,
                "footprints overlap: {} unit{} counted in more than one footprint for the same ground (parts add to over 100%): {}; check the footprints with `footprint overlaps`",
                units.len(),
                crate::layer::plural(units.len()),
                crate::layer::list_some(units, 10)
            ),
            Warning::CoarseWeights(parts) => write!(
                f,
                "weights too coarse: {} part{} of split features {} no weight point although {} size says {} should, so {} weight share of 0 is not a measurement: {}; use finer weight points (e.g. LSOA rather than MSOA population-weighted centroids)",
                parts.len(),
                crate::layer::plural(parts.len()),
                if parts.len() == 1 { "holds" } else { "hold" },
                if parts.len() == 1 { "its" } else { "their" },
                if parts.len() == 1 { "it" } else { "they" },
                if parts.len() == 1 { "its" } else { "their" },
                crate::layer::list_some(parts, 10)
            ),
            Warning::Note(s) => f.write_str(s),
        }
    }
}

impl Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a check decided: passed or not, one line on what was found, and each failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub passed: bool,
    pub summary: String,
    pub failures: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LayerSummary {
    pub role: String,
    pub file: String,
    pub code_field: String,
    pub crs: String,
    pub feature_count: usize,
    pub analysed_count: usize,
    pub skipped_count: usize,
    /// Every skipped feature, with why.
    pub skipped: Vec<SkippedFeature>,
    /// Features left out on purpose (`--where`, or out of scope), with why; none is neither
    /// analysed nor skipped otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<LeftOutFeatures>,
    pub warnings: Vec<String>,
}

/// Features of a layer left out on purpose.
#[derive(Debug, Clone, Serialize)]
pub struct LeftOutFeatures {
    pub reason: String,
    pub count: usize,
}

/// A feature that was read but not analysed.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedFeature {
    /// Position in the input's `features` array (0-based).
    pub index: usize,
    pub code: Option<String>,
    pub reason: String,
}

impl LayerSummary {
    pub fn new(role: &str, layer: &Layer) -> LayerSummary {
        LayerSummary {
            role: role.to_string(),
            file: layer.display_name(),
            code_field: layer.code_field.clone(),
            crs: layer.crs.epsg().to_string(),
            feature_count: layer.input_count,
            analysed_count: layer.features.len(),
            skipped_count: layer.skipped.len(),
            skipped: layer
                .skipped
                .iter()
                .map(|s| SkippedFeature {
                    index: s.index,
                    code: s.code.clone(),
                    reason: s.reason.to_string(),
                })
                .collect(),
            left_out: layer
                .left_out
                .iter()
                .map(|l| LeftOutFeatures {
                    reason: l.reason.clone(),
                    count: l.count,
                })
                .collect(),
            warnings: layer.warnings().iter().map(ToString::to_string).collect(),
        }
    }
}

impl LayerSummary {
    /// `units: FILE: 8 features read, 7 analysed, 1 skipped (1 null geometry)`
    pub fn accounting(&self) -> String {
        format!("{}: {}: {}", self.role, self.file, self.counts())
    }

    /// `8 features read, 7 analysed, 1 skipped (1 null geometry)`; features left out on
    /// purpose come between: `374 features read, 65 left out (LTLA21CD=E*), 309 analysed, ...`
    pub fn counts(&self) -> String {
        let mut s = format!(
            "{} feature{} read, ",
            self.feature_count,
            crate::layer::plural(self.feature_count),
        );
        for l in self.left_out.iter().filter(|l| l.count > 0) {
            s.push_str(&format!("{} left out ({}), ", l.count, l.reason));
        }
        s.push_str(&format!(
            "{} analysed, {} skipped",
            self.analysed_count, self.skipped_count
        ));
        let mut reasons: Vec<(&str, usize)> = Vec::new();
        for k in &self.skipped {
            match reasons.iter_mut().find(|(r, _)| *r == k.reason) {
                Some((_, n)) => *n += 1,
                None => reasons.push((&k.reason, 1)),
            }
        }
        if !reasons.is_empty() {
            let parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
            s.push_str(&format!(" ({})", parts.join(", ")));
        }
        s
    }
}
