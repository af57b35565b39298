//! Reading the inputs other than layers: weights files, mapping files and flows files, into the plain data
//! that `analysis` computes with (layers are read by `layer`).

pub mod flows;
pub mod mapping;
pub mod weights;

use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result};

/// Open a CSV file of rows of equal length (`what` names it in errors: "the mapping file"),
/// and read its header: each name trimmed, a UTF-8 byte-order mark dropped.
pub fn open_csv(path: &Path, what: &str) -> Result<(csv::Reader<File>, Vec<String>)> {
    let shown = path.display();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("{shown}: cannot open {what}"))?;
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the CSV header"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok((reader, headers))
}
