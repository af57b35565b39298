//! A unit -> footprint mapping (CSV), and how it meets a unit layer: which units each
//! footprint gets, which units the mapping leaves out, which mapped codes the layer lacks.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::layer::Layer;

/// Default column names: `unit_code,footprint_code[,footprint_name]`.
pub const DEFAULT_COLUMNS: [&str; 3] = ["unit_code", "footprint_code", "footprint_name"];

#[derive(Debug, Clone)]
pub struct Mapping {
    pub path: PathBuf,
    /// Footprints in order of first appearance: (code, name).
    pub footprints: Vec<(String, String)>,
    /// unit code -> position in `footprints`.
    pub unit_footprint: HashMap<String, usize>,
    /// Unit codes in file order, each once.
    pub units: Vec<String>,
    pub notes: Vec<String>,
}

/// How a mapping meets a unit layer.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Per footprint (mapping order): positions in `layer.features` of its units.
    #[serde(skip)]
    pub members: Vec<Vec<usize>>,
    /// Layer units (with geometry) the mapping does not mention.
    pub unmapped_units: Vec<String>,
    /// Mapped unit codes not in the layer at all.
    pub unknown_units: Vec<String>,
    /// Mapped units that are in the layer but were skipped (no polygon geometry).
    pub units_without_geometry: Vec<String>,
}

impl Coverage {
    pub fn is_complete(&self) -> bool {
        self.unmapped_units.is_empty()
            && self.unknown_units.is_empty()
            && self.units_without_geometry.is_empty()
    }

    /// One warning per kind of gap between mapping and layer.
    pub fn warnings(&self, mapping: &Mapping, layer: &Layer) -> Vec<String> {
        let mut out = Vec::new();
        let n = |v: &Vec<String>| (v.len(), crate::layer::plural(v.len()));
        if !self.unmapped_units.is_empty() {
            let (k, s) = n(&self.unmapped_units);
            out.push(format!(
                "{k} unit{s} of {} not in the mapping (in no footprint): {}",
                layer.display_name(),
                crate::layer::list_some(&self.unmapped_units, 10)
            ));
        }
        if !self.unknown_units.is_empty() {
            let (k, s) = n(&self.unknown_units);
            out.push(format!(
                "{k} unit code{s} in {} not found in {} (field {}): {}",
                mapping.path.display(),
                layer.display_name(),
                layer.code_field,
                crate::layer::list_some(&self.unknown_units, 10)
            ));
        }
        if !self.units_without_geometry.is_empty() {
            let (k, s) = n(&self.units_without_geometry);
            out.push(format!(
                "{k} mapped unit{s} without polygon geometry, left out: {}",
                crate::layer::list_some(&self.units_without_geometry, 10)
            ));
        }
        out
    }
}

impl Coverage {
    /// Pass when every unit is mapped and every mapped code is a unit with geometry.
    pub fn verdict(&self, mapping: &Mapping, layer: &Layer) -> super::Verdict {
        super::Verdict {
            passed: self.is_complete(),
            summary: format!(
                "{} units: {} not mapped, {} mapped codes not in the layer, {} mapped without geometry",
                layer.features.len(),
                self.unmapped_units.len(),
                self.unknown_units.len(),
                self.units_without_geometry.len()
            ),
            failures: self.warnings(mapping, layer),
        }
    }
}

pub fn cover(mapping: &Mapping, layer: &Layer) -> Coverage {
    let mut members = vec![Vec::new(); mapping.footprints.len()];
    let mut unmapped = Vec::new();
    let mut in_layer: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (i, f) in layer.features.iter().enumerate() {
        in_layer.insert(f.code.as_str());
        match mapping.unit_footprint.get(&f.code) {
            Some(&k) => members[k].push(i),
            None => unmapped.push(f.code.clone()),
        }
    }
    let skipped: std::collections::HashSet<&str> = layer
        .skipped
        .iter()
        .filter_map(|s| s.code.as_deref())
        .collect();
    let mut unknown = Vec::new();
    let mut without_geometry = Vec::new();
    for u in &mapping.units {
        if in_layer.contains(u.as_str()) {
            continue;
        }
        if skipped.contains(u.as_str()) {
            without_geometry.push(u.clone());
        } else {
            unknown.push(u.clone());
        }
    }
    Coverage {
        members,
        unmapped_units: unmapped,
        unknown_units: unknown,
        units_without_geometry: without_geometry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::{feature_at, rect};
    use crate::layer::{SkipReason, Skipped};

    /// A mapping of (unit, footprint) pairs; footprints named "<code> name".
    fn mapping(pairs: &[(&str, &str)]) -> Mapping {
        let mut m = Mapping {
            path: PathBuf::from("map.csv"),
            footprints: Vec::new(),
            unit_footprint: HashMap::new(),
            units: Vec::new(),
            notes: Vec::new(),
        };
        for (unit, footprint) in pairs {
            let f = match m.footprints.iter().position(|(c, _)| c == footprint) {
                Some(f) => f,
                None => {
                    m.footprints
                        .push((footprint.to_string(), format!("{footprint} name")));
                    m.footprints.len() - 1
                }
            };
            m.unit_footprint.insert(unit.to_string(), f);
            m.units.push(unit.to_string());
        }
        m
    }

    /// A layer of 1 km squares in a row, one per code, and skipped features (code, reason).
    fn units(codes: &[&str], skipped: &[(&str, SkipReason)]) -> Layer {
        let mut layer = Layer::empty_for_tests();
        layer.path = PathBuf::from("units.geojson");
        layer.code_field = "UNITCD".into();
        layer.features = codes
            .iter()
            .enumerate()
            .map(|(i, code)| {
                let x = 400_000.0 + i as f64 * 1000.0;
                feature_at(i, code, rect(x, 300_000.0, x + 1000.0, 301_000.0))
            })
            .collect();
        layer.skipped = skipped
            .iter()
            .enumerate()
            .map(|(k, (code, reason))| Skipped {
                index: codes.len() + k,
                code: Some(code.to_string()),
                reason: reason.clone(),
            })
            .collect();
        layer.input_count = codes.len() + skipped.len();
        layer
    }

    #[test]
    fn a_complete_mapping() {
        let m = mapping(&[("U1", "F1"), ("U2", "F2"), ("U3", "F1")]);
        let l = units(&["U3", "U2", "U1"], &[]);
        let c = cover(&m, &l);
        assert!(c.is_complete());
        // Per footprint in mapping order: positions in the layer, in layer order.
        assert_eq!(c.members, [vec![0, 2], vec![1]]);
        assert!(c.unmapped_units.is_empty());
        assert!(c.unknown_units.is_empty());
        assert!(c.units_without_geometry.is_empty());
        assert!(c.warnings(&m, &l).is_empty());
    }

    #[test]
    fn units_missing_from_the_mapping() {
        let m = mapping(&[("U1", "F1")]);
        let l = units(&["U1", "U2", "U3"], &[]);
        let c = cover(&m, &l);
        assert!(!c.is_complete());
        assert_eq!(c.members, [vec![0]]);
        assert_eq!(c.unmapped_units, ["U2", "U3"]);
        assert_eq!(
            c.warnings(&m, &l),
            ["2 units of units.geojson not in the mapping (in no footprint): U2, U3"]
        );
    }

    #[test]
    fn mapped_codes_unknown_or_without_geometry() {
        let m = mapping(&[("U1", "F1"), ("X9", "F1"), ("U2", "F2"), ("X8", "F2")]);
        let l = units(&["U1"], &[("U2", SkipReason::NullGeometry)]);
        let c = cover(&m, &l);
        assert!(!c.is_complete());
        // F2's only unit in the layer has no geometry: F2 has no members.
        assert_eq!(c.members, [vec![0], vec![]]);
        assert!(c.unmapped_units.is_empty());
        assert_eq!(c.unknown_units, ["X9", "X8"]);
        assert_eq!(c.units_without_geometry, ["U2"]);
        assert_eq!(
            c.warnings(&m, &l),
            [
                "2 unit codes in map.csv not found in units.geojson (field UNITCD): X9, X8",
                "1 mapped unit without polygon geometry, left out: U2",
            ]
        );
    }

    #[test]
    fn every_kind_of_gap_at_once() {
        let m = mapping(&[("X1", "F1")]);
        let l = units(&["U1"], &[("X1", SkipReason::NotPolygon("Point".into()))]);
        let c = cover(&m, &l);
        assert_eq!(c.unmapped_units, ["U1"]);
        assert!(c.unknown_units.is_empty());
        assert_eq!(c.units_without_geometry, ["X1"]);
        assert_eq!(
            c.warnings(&m, &l),
            [
                "1 unit of units.geojson not in the mapping (in no footprint): U1",
                "1 mapped unit without polygon geometry, left out: X1",
            ]
        );
        // JSON leaves the members out.
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "unmapped_units": ["U1"],
                "unknown_units": [],
                "units_without_geometry": ["X1"],
            })
        );
    }

    #[test]
    fn a_skipped_feature_with_a_mapped_code_that_another_feature_has() {
        // The code is in the layer with geometry too: the unit is covered, not "without
        // geometry".
        let m = mapping(&[("U1", "F1")]);
        let l = units(&["U1"], &[("U1", SkipReason::EmptyGeometry)]);
        let c = cover(&m, &l);
        assert!(c.is_complete());
        assert_eq!(c.members, [vec![0]]);
    }
}
