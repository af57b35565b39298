//! A unit -> footprint mapping (CSV), and how it meets a unit layer: which units each
//! footprint gets, which units the mapping leaves out, which mapped codes the layer lacks.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
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

/// Read a mapping. `columns` names the unit, footprint and (optional) name columns, as
/// `UNIT,FOOTPRINT[,NAME]`; the default is `unit_code,footprint_code[,footprint_name]`.
/// Rows repeating a unit with the same footprint (as in a lookup with a row per LSOA) are
/// fine; a unit mapped to two footprints is an error.
pub fn load(path: &Path, columns: Option<&str>) -> Result<Mapping> {
    let shown = path.display();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("{shown}: cannot open the mapping file"))?;
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the CSV header"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let wanted: Vec<String> = match columns {
        Some(c) => {
            let parts: Vec<String> = c.split(',').map(|s| s.trim().to_string()).collect();
            if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
                bail!(
                    "--columns {c:?}: give UNIT,FOOTPRINT or UNIT,FOOTPRINT,NAME column names, \
                     e.g. --columns ccg21_code,stp21_code,stp21_name"
                );
            }
            parts
        }
        None => DEFAULT_COLUMNS.iter().map(|s| s.to_string()).collect(),
    };
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(ui), Some(fi)) = (find(&wanted[0]), find(&wanted[1])) else {
        bail!(
            "{shown}: no {:?} and {:?} columns; the header is: {} (name the columns with \
             --columns UNIT,FOOTPRINT[,NAME])",
            wanted[0],
            wanted[1],
            headers.join(",")
        );
    };
    let ni = match wanted.get(2) {
        Some(n) => match find(n) {
            Some(i) => Some(i),
            None if columns.is_some() => bail!(
                "{shown}: no {n:?} column; the header is: {}",
                headers.join(",")
            ),
            None => None,
        },
        None => None,
    };
    let mut m = Mapping {
        path: path.to_path_buf(),
        footprints: Vec::new(),
        unit_footprint: HashMap::new(),
        units: Vec::new(),
        notes: Vec::new(),
    };
    let mut footprint_index: HashMap<String, usize> = HashMap::new();
    let mut conflicts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut blank_rows = Vec::new();
    let mut names_differ = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.with_context(|| format!("{shown}: row {line} is not valid CSV"))?;
        let unit = record.get(ui).unwrap_or("").trim();
        let footprint = record.get(fi).unwrap_or("").trim();
        if unit.is_empty() || footprint.is_empty() {
            blank_rows.push(line.to_string());
            continue;
        }
        let name = ni
            .and_then(|i| record.get(i))
            .unwrap_or("")
            .trim()
            .to_string();
        let f = *footprint_index
            .entry(footprint.to_string())
            .or_insert_with(|| {
                m.footprints.push((footprint.to_string(), name.clone()));
                m.footprints.len() - 1
            });
        if !name.is_empty() && m.footprints[f].1 != name {
            if m.footprints[f].1.is_empty() {
                m.footprints[f].1 = name;
            } else if !names_differ.contains(&m.footprints[f].0) {
                names_differ.push(m.footprints[f].0.clone());
            }
        }
        match m.unit_footprint.get(unit) {
            None => {
                m.unit_footprint.insert(unit.to_string(), f);
                m.units.push(unit.to_string());
            }
            Some(&g) if g == f => {}
            Some(&g) => {
                let list = conflicts
                    .entry(unit.to_string())
                    .or_insert_with(|| vec![m.footprints[g].0.clone()]);
                if !list.contains(&m.footprints[f].0) {
                    list.push(m.footprints[f].0.clone());
                }
            }
        }
    }
    if !conflicts.is_empty() {
        let list: Vec<String> = conflicts
            .iter()
            .map(|(u, fs)| format!("{u} ({})", fs.join(", ")))
            .collect();
        bail!(
            "{shown}: {} unit{} mapped to more than one footprint: {}; map each unit to one \
             footprint",
            list.len(),
            crate::layer::plural(list.len()),
            crate::layer::list_some(&list, 10)
        );
    }
    if m.units.is_empty() {
        bail!("{shown}: no mapping rows (expected a header and unit,footprint rows)");
    }
    if !blank_rows.is_empty() {
        m.notes.push(format!(
            "{shown}: {} row{} without a unit or footprint code ignored: line {}",
            blank_rows.len(),
            crate::layer::plural(blank_rows.len()),
            crate::layer::list_some(&blank_rows, 10)
        ));
    }
    if !names_differ.is_empty() {
        m.notes.push(format!(
            "{shown}: footprint{} with more than one name (the first is used): {}",
            crate::layer::plural(names_differ.len()),
            crate::layer::list_some(&names_differ, 10)
        ));
    }
    Ok(m)
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
