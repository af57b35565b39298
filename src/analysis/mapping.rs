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
