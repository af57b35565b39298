//! Reading a unit -> footprint mapping file (CSV).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::analysis::mapping::{Mapping, DEFAULT_COLUMNS};

/// Read a mapping. `columns` names the unit, footprint and (optional) name columns, as
/// `UNIT,FOOTPRINT[,NAME]`; the default is `unit_code,footprint_code[,footprint_name]`.
/// Rows repeating a unit with the same footprint (as in a lookup with a row per LSOA) are
/// fine; a unit mapped to two footprints is an error.
pub fn load(path: &Path, columns: Option<&str>) -> Result<Mapping> {
    let shown = path.display();
    let (mut reader, headers) = super::open_csv(path, "the mapping file")?;
    let (ui, fi, ni) = column_positions(&shown, &headers, columns)?;
    let mut m = Mapping {
        path: path.to_path_buf(),
        footprints: Vec::new(),
        unit_footprint: HashMap::new(),
        units: Vec::new(),
        notes: Vec::new(),
    };
    let mut rows = Rows::default();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.with_context(|| format!("{shown}: row {line} is not valid CSV"))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let (unit, footprint) = (field(ui), field(fi));
        if unit.is_empty() || footprint.is_empty() {
            rows.blank.push(line.to_string());
            continue;
        }
        let name = ni.map(field).unwrap_or("").to_string();
        rows.add(&mut m, unit, footprint, name);
    }
    rows.finish(&shown, m)
}

/// The positions of the unit, footprint and (optional) name columns in `headers`.
fn column_positions(
    shown: &std::path::Display<'_>,
    headers: &[String],
    columns: Option<&str>,
) -> Result<(usize, usize, Option<usize>)> {
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
    Ok((ui, fi, ni))
}

/// What the rows held besides the mapping itself.
#[derive(Default)]
struct Rows {
    footprint_index: HashMap<String, usize>,
    /// Units mapped to more than one footprint, with those footprints.
    conflicts: BTreeMap<String, Vec<String>>,
    /// Line numbers of rows without a unit or footprint.
    blank: Vec<String>,
    /// Footprints given more than one name.
    names_differ: Vec<String>,
}

impl Rows {
    /// One row: `unit` in `footprint` (named `name`, or "").
    fn add(&mut self, m: &mut Mapping, unit: &str, footprint: &str, name: String) {
        let f = *self
            .footprint_index
            .entry(footprint.to_string())
            .or_insert_with(|| {
                m.footprints.push((footprint.to_string(), name.clone()));
                m.footprints.len() - 1
            });
        if !name.is_empty() && m.footprints[f].1 != name {
            if m.footprints[f].1.is_empty() {
                m.footprints[f].1 = name;
            } else if !self.names_differ.contains(&m.footprints[f].0) {
                self.names_differ.push(m.footprints[f].0.clone());
            }
        }
        match m.unit_footprint.get(unit) {
            None => {
                m.unit_footprint.insert(unit.to_string(), f);
                m.units.push(unit.to_string());
            }
            Some(&g) if g == f => {}
            Some(&g) => {
                let list = self
                    .conflicts
                    .entry(unit.to_string())
                    .or_insert_with(|| vec![m.footprints[g].0.clone()]);
                if !list.contains(&m.footprints[f].0) {
                    list.push(m.footprints[f].0.clone());
                }
            }
        }
    }

    /// The mapping, or why it cannot be used; with notes on blank rows and names.
    fn finish(self, shown: &std::path::Display<'_>, mut m: Mapping) -> Result<Mapping> {
        if !self.conflicts.is_empty() {
            let list: Vec<String> = self
                .conflicts
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
        if !self.blank.is_empty() {
            m.notes.push(format!(
                "{shown}: {} row{} without a unit or footprint code ignored: line {}",
                self.blank.len(),
                crate::layer::plural(self.blank.len()),
                crate::layer::list_some(&self.blank, 10)
            ));
        }
        if !self.names_differ.is_empty() {
            m.notes.push(format!(
                "{shown}: footprint{} with more than one name (the first is used): {}",
                crate::layer::plural(self.names_differ.len()),
                crate::layer::list_some(&self.names_differ, 10)
            ));
        }
        Ok(m)
    }
}
