//! The noise tolerance: how wide a boundary difference must be before it counts.
//!
//! Boundary files are generalised separately, so one line on the ground is drawn differently
//! in two layers, off by up to a few hundred metres in ONS's generalised (BGC/BSC/BUC) files.
//! Where the two drawings cross they leave slivers: thin intersection pieces whose mean width
//! (2 x area / perimeter) is about the drawings' separation. Pieces narrower than the
//! tolerance are noise; wider ones are real.
//!
//! `auto` estimates the tolerance from the coarser layer: a quarter of the mean distance
//! between corners of its boundaries (see [`suggested_m`]), because a generalised line
//! strays from the true one by a fraction of the length of the segments that replace it.

use std::fmt;
use std::str::FromStr;

use crate::layer::{Layer, Resolution};

/// The tolerance as the user asked for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ToleranceArg {
    Auto,
    Metres(f64),
}

impl FromStr for ToleranceArg {
    type Err = String;

    /// `auto`, `0`, `250m`, `0.5km`, or a bare number of metres.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        if t == "auto" {
            return Ok(ToleranceArg::Auto);
        }
        let (number, scale) = if let Some(n) = t.strip_suffix("km") {
            (n, 1000.0)
        } else if let Some(n) = t.strip_suffix('m') {
            (n, 1.0)
        } else {
            (t.as_str(), 1.0)
        };
        // Check after scaling: 1e306km is a finite number of kilometres but infinite metres.
        match number.trim().parse::<f64>().map(|v| v * scale) {
            Ok(m) if m.is_finite() && m >= 0.0 => Ok(ToleranceArg::Metres(m)),
            _ => Err(format!(
                "invalid tolerance {s:?}: use auto, 0, a distance like 250m or 0.5km"
            )),
        }
    }
}

/// The tolerance in force, and where it came from.
#[derive(Debug, Clone)]
pub struct Tolerance {
    pub metres: f64,
    /// "auto (from FILE: ...)" or "given".
    pub source: String,
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} m ({})", self.metres, self.source)
    }
}

/// The tolerance to use by default for a layer, in metres: a quarter of the mean spacing of
/// corners along its boundaries, to two significant figures. ONS ultra-generalised (BUC)
/// layers, with corners every 1.5-2.5 km, get 400-600 m; full-resolution layers, with a
/// corner every few metres, get a metre or two.
///
/// ```
/// use footprint::layer::Resolution;
/// let buc = Resolution { vertices: 1000, segments: 1000, total_length_m: 2.0e6, corners: 1000 };
/// assert_eq!(footprint::analysis::tolerance::suggested_m(&buc), 500.0);
/// ```
pub fn suggested_m(res: &Resolution) -> f64 {
    let raw = res.mean_corner_spacing_m() / 4.0;
    round_2sf(raw)
}

fn round_2sf(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 0.0;
    }
    // Scale by exact powers of ten so that 1.2 stays 1.2.
    let decimals = 1 - v.log10().floor() as i32;
    if decimals >= 0 {
        let f = 10f64.powi(decimals);
        (v * f).round() / f
    } else {
        let f = 10f64.powi(-decimals);
        (v / f).round() * f
    }
}

/// Mean segment length beyond which a layer is too coarse to say anything reliable.
pub const TOO_COARSE_SEGMENT_M: f64 = 5_000.0;

/// Decide the tolerance for an analysis of `layers`, with warnings about coarse data.
pub fn resolve(arg: ToleranceArg, layers: &[&Layer]) -> (Tolerance, Vec<String>) {
    let tolerance = choose(arg, layers);
    // Widths are only compared with a tolerance above 0.
    let widths: Vec<Option<f64>> = layers
        .iter()
        .map(|l| {
            if tolerance.metres > 0.0 {
                typical_width_m(l)
            } else {
                None
            }
        })
        .collect();
    let warnings = warnings(&tolerance, layers, &widths);
    (tolerance, warnings)
}

/// The tolerance for an analysis of `layers`: the one given, or (auto) the suggestion of the
/// coarsest layer (the last of the coarsest, when several suggest the same).
pub fn choose(arg: ToleranceArg, layers: &[&Layer]) -> Tolerance {
    match arg {
        ToleranceArg::Metres(m) => Tolerance {
            metres: m,
            source: "given".into(),
        },
        ToleranceArg::Auto => {
            let coarsest = layers
                .iter()
                .max_by(|a, b| suggested_m(&a.resolution).total_cmp(&suggested_m(&b.resolution)));
            match coarsest {
                Some(l) => Tolerance {
                    metres: suggested_m(&l.resolution),
                    source: format!(
                        "auto, from {}: a corner every {:.0} m",
                        l.display_name(),
                        l.resolution.mean_corner_spacing_m()
                    ),
                },
                None => Tolerance {
                    metres: 0.0,
                    source: "auto".into(),
                },
            }
        }
    }
}

/// Warnings about analysing `layers` at `tolerance`: layers too coarse to rely on, and layers
/// whose features are small for it (`widths`: each layer's [`typical_width_m`], in step with
/// `layers`; None where unknown or not measured).
pub fn warnings(tolerance: &Tolerance, layers: &[&Layer], widths: &[Option<f64>]) -> Vec<String> {
    let mut warnings = Vec::new();
    for l in layers {
        let seg = l.resolution.mean_segment_m();
        if seg > TOO_COARSE_SEGMENT_M {
            warnings.push(format!(
                "{}: boundaries are very coarse (mean segment {:.1} km): results at scales \
                 under a few km are not reliable; use a more detailed boundary file",
                l.display_name(),
                seg / 1000.0
            ));
        }
    }
    // A tolerance near the size of the features themselves hides real detail.
    if tolerance.metres > 0.0 {
        for (l, width) in layers.iter().zip(widths) {
            if let Some(median) = *width {
                if median < 2.0 * tolerance.metres {
                    warnings.push(format!(
                        "{}: features are small for a {} m tolerance (median width {:.0} m): \
                         parts of them narrower than the tolerance are treated as noise, and a \
                         feature with no wider part goes whole to where most of it lies",
                        l.display_name(),
                        tolerance.metres,
                        median
                    ));
                }
            }
        }
    }
    warnings
}

/// Median over features of a rough width: area / (perimeter / 2) of the whole feature.
pub fn typical_width_m(layer: &Layer) -> Option<f64> {
    let mut widths: Vec<f64> = layer
        .features
        .iter()
        .map(|f| {
            let perimeter: f64 = f.geometry.0.iter().map(crate::geometry::perimeter_m).sum();
            if perimeter > 0.0 {
                2.0 * f.area_m2 / perimeter
            } else {
                0.0
            }
        })
        .collect();
    if widths.is_empty() {
        return None;
    }
    widths.sort_by(f64::total_cmp);
    Some(widths[widths.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!("auto".parse::<ToleranceArg>(), Ok(ToleranceArg::Auto));
        assert_eq!("0".parse::<ToleranceArg>(), Ok(ToleranceArg::Metres(0.0)));
        assert_eq!(
            "250m".parse::<ToleranceArg>(),
            Ok(ToleranceArg::Metres(250.0))
        );
        assert_eq!(
            "0.5km".parse::<ToleranceArg>(),
            Ok(ToleranceArg::Metres(500.0))
        );
        assert_eq!("40".parse::<ToleranceArg>(), Ok(ToleranceArg::Metres(40.0)));
        assert!("-5m".parse::<ToleranceArg>().is_err());
        assert!("lots".parse::<ToleranceArg>().is_err());
        assert!("nan".parse::<ToleranceArg>().is_err());
        // Found with the tolerance fuzz target's property: finite km, infinite m.
        assert!("1e306km".parse::<ToleranceArg>().is_err());
        assert!("inf".parse::<ToleranceArg>().is_err());
    }

    #[test]
    fn two_significant_figures() {
        assert_eq!(round_2sf(487.3), 490.0);
        assert_eq!(round_2sf(1.234), 1.2);
        assert_eq!(round_2sf(0.0), 0.0);
    }
}
