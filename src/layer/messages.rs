//! What loading found, as data: a feature's defects and a layer's warnings, each with the
//! plain-language wording of its `Display`.

use std::fmt;

use geo::algorithm::validation::{InvalidPolygon, RingRole};

use super::crs::ExtentProblem;
use super::SkipReason;

/// A problem with a feature's polygons, found on load; the feature is still analysed.
#[derive(Debug, Clone, PartialEq)]
pub enum Defect {
    /// Ring `ring` (0 the exterior, then the holes) of part `polygon` was open: closed on load.
    RingNotClosed { polygon: usize, ring: usize },
    /// Ring `ring` of part `polygon` has fewer than 4 positions (as read, before closing).
    TooFewPositions {
        polygon: usize,
        ring: usize,
        positions: usize,
    },
    /// geo's validity rule broken by part `part` (`None` when the feature has one part).
    Invalid {
        part: Option<usize>,
        error: InvalidPolygon,
    },
    /// A ring of part `part` has no area: all its points lie on one line (OGC forbids it;
    /// geo's rules let it through).
    ZeroAreaRing { part: Option<usize>, ring: RingRole },
    /// The holes of part `part` touch its exterior ring or each other at points in a loop,
    /// cutting its interior into pieces (OGC forbids it; geo's rules let it through).
    DisconnectedInterior { part: Option<usize> },
    /// Found in British National Grid, where the analysis measures, and not in the file's
    /// lon/lat: projecting moved near-touching lines across each other.
    Projected(Box<Defect>),
    /// Two parts share area.
    PartsOverlap(usize, usize),
    /// Two parts share a stretch of boundary.
    PartsTouch(usize, usize),
}

/// "exterior ring" or "hole N".
struct RingLabel(usize);

impl fmt::Display for RingLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("exterior ring"),
            r => write!(f, "hole {r}"),
        }
    }
}

/// "polygon N: " for part N of a multi-part feature, nothing for a single polygon.
struct PartLabel(Option<usize>);

impl fmt::Display for PartLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(i) => write!(f, "polygon {i}: "),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Defect::RingNotClosed { polygon, ring } => write!(
                f,
                "polygon {polygon} {} is not closed (closed on load)",
                RingLabel(*ring)
            ),
            Defect::TooFewPositions {
                polygon,
                ring,
                positions,
            } => write!(
                f,
                "polygon {polygon} {} has {positions} positions; a ring needs at least 4",
                RingLabel(*ring)
            ),
            Defect::Invalid {
                part: Some(i),
                error,
            } => write!(f, "polygon {i}: {error}"),
            Defect::Invalid { part: None, error } => write!(f, "{error}"),
            Defect::ZeroAreaRing { part, ring } => write!(
                f,
                "{}{ring} is flat: all its points lie on one line",
                PartLabel(*part)
            ),
            Defect::DisconnectedInterior { part } => write!(
                f,
                "{}holes touch the exterior ring or each other at two or more points and cut \
                 the interior into pieces (make each piece its own polygon)",
                PartLabel(*part)
            ),
            Defect::Projected(d) => write!(
                f,
                "{d}, in British National Grid, where it is measured (not in the file's lon/lat)"
            ),
            Defect::PartsOverlap(i, j) => write!(f, "polygons {i} and {j} overlap"),
            Defect::PartsTouch(i, j) => write!(
                f,
                "polygons {i} and {j} touch along a line (should be one polygon)"
            ),
        }
    }
}

/// Something a user should know about a layer that loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerWarning {
    /// About the code and name fields chosen (worded by `fields::detect`).
    Fields(String),
    /// A lon/lat layer that reaches outside Great Britain.
    Extent(ExtentProblem),
    /// No features at all.
    NoFeatures,
    /// Features skipped for one reason, by label (code, or `#index`).
    Skipped {
        reason: SkipReason,
        labels: Vec<String>,
    },
    /// Features loaded with defects: code and defects of each.
    Invalid(Vec<(String, Vec<Defect>)>),
    /// Features whose degenerate rings were cleaned on load (code, what was removed).
    Cleaned(Vec<(String, crate::geometry::clean::Cleaned)>),
    /// Codes used more than once, with their counts.
    DuplicateCodes(Vec<(String, usize)>),
    /// Features with no value in the code field, by input index.
    MissingCodes { field: String, indices: Vec<usize> },
    /// A key given more than once in a feature's properties (`member: false`) or a member
    /// given more than once in a Feature object (`member: true`), with the positions of the
    /// features concerned; the last value is used.
    DuplicateKey {
        key: String,
        member: bool,
        indices: Vec<usize>,
    },
}

impl fmt::Display for LayerWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayerWarning::Fields(note) => f.write_str(note),
            LayerWarning::Extent(problem) => write!(f, "{problem}"),
            LayerWarning::NoFeatures => f.write_str("the file holds no features"),
            LayerWarning::Skipped { reason, labels } => write!(
                f,
                "skipped {} feature{} with {reason}: {}",
                labels.len(),
                plural(labels.len()),
                list_some(labels, 10)
            ),
            LayerWarning::Invalid(features) => {
                let labels: Vec<String> = features
                    .iter()
                    .map(|(code, defects)| format!("{code} ({})", list_some(defects, 3)))
                    .collect();
                write!(
                    f,
                    "{} invalid polygon{} loaded as is (results near them may be off): {}",
                    labels.len(),
                    plural(labels.len()),
                    list_some(&labels, 5)
                )
            }
            LayerWarning::Cleaned(features) => {
                let labels: Vec<String> = features
                    .iter()
                    .map(|(code, c)| {
                        let mut what = Vec::new();
                        if c.points > 0 {
                            what.push(format!("{} point{}", c.points, plural(c.points)));
                        }
                        if c.rings > 0 {
                            what.push(format!("{} ring{}", c.rings, plural(c.rings)));
                        }
                        format!("{code} ({})", what.join(", "))
                    })
                    .collect();
                write!(
                    f,
                    "{} feature{} cleaned of degenerate rings before analysis (repeated points, \
                     zero-width spikes, rings under 1 mm across removed): {}",
                    labels.len(),
                    plural(labels.len()),
                    list_some(&labels, 5)
                )
            }
            LayerWarning::DuplicateCodes(codes) => {
                let labels: Vec<String> =
                    codes.iter().map(|(c, n)| format!("{c} (x{n})")).collect();
                write!(
                    f,
                    "{} code{} used by more than one feature: {}",
                    labels.len(),
                    plural(labels.len()),
                    list_some(&labels, 10)
                )
            }
            LayerWarning::MissingCodes { field, indices } => {
                let labels: Vec<String> = indices.iter().map(|i| format!("#{i}")).collect();
                write!(
                    f,
                    "{} feature{} without a {field} value, labelled by position: {}",
                    labels.len(),
                    plural(labels.len()),
                    list_some(&labels, 10)
                )
            }
            LayerWarning::DuplicateKey {
                key,
                member,
                indices,
            } => {
                let labels: Vec<String> = indices.iter().map(|i| format!("#{i}")).collect();
                write!(
                    f,
                    "{} feature{} {} {} {key:?} more than once (the last value is used): {}",
                    labels.len(),
                    plural(labels.len()),
                    if labels.len() == 1 { "gives" } else { "give" },
                    if *member {
                        "the member"
                    } else {
                        "the property"
                    },
                    list_some(&labels, 5)
                )
            }
        }
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
pub fn list_some<T: fmt::Display>(items: &[T], max: usize) -> String {
    let join = |items: &[T]| {
        items
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if items.len() <= max {
        join(items)
    } else {
        format!("{} and {} more", join(&items[..max]), items.len() - max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::algorithm::validation::RingRole;

    #[test]
    fn wording_is_the_loaders() {
        let said = |d: Defect| d.to_string();
        assert_eq!(
            said(Defect::RingNotClosed {
                polygon: 0,
                ring: 2
            }),
            "polygon 0 hole 2 is not closed (closed on load)"
        );
        assert_eq!(
            said(Defect::TooFewPositions {
                polygon: 1,
                ring: 0,
                positions: 3
            }),
            "polygon 1 exterior ring has 3 positions; a ring needs at least 4"
        );
        assert_eq!(
            said(Defect::Invalid {
                part: Some(2),
                error: InvalidPolygon::SelfIntersection(RingRole::Interior(0))
            }),
            "polygon 2: interior ring at index 0 has a self-intersection"
        );
        assert_eq!(
            said(Defect::PartsTouch(0, 3)),
            "polygons 0 and 3 touch along a line (should be one polygon)"
        );
        let w = LayerWarning::Invalid(vec![(
            "E1".into(),
            vec![Defect::PartsOverlap(0, 1), Defect::PartsOverlap(0, 2)],
        )]);
        assert_eq!(
            w.to_string(),
            "1 invalid polygon loaded as is (results near them may be off): \
             E1 (polygons 0 and 1 overlap, polygons 0 and 2 overlap)"
        );
        let w = LayerWarning::MissingCodes {
            field: "LSOA11CD".into(),
            indices: vec![4, 9],
        };
        assert_eq!(
            w.to_string(),
            "2 features without a LSOA11CD value, labelled by position: #4, #9"
        );
        let w = LayerWarning::DuplicateKey {
            key: "LADCD".into(),
            member: false,
            indices: (0..7).collect(),
        };
        assert_eq!(
            w.to_string(),
            "7 features give the property \"LADCD\" more than once (the last value is used): \
             #0, #1, #2, #3, #4 and 2 more"
        );
        let w = LayerWarning::DuplicateKey {
            key: "geometry".into(),
            member: true,
            indices: vec![3],
        };
        assert_eq!(
            w.to_string(),
            "1 feature gives the member \"geometry\" more than once (the last value is used): #3"
        );
    }
}
