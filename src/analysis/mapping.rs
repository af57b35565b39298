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
