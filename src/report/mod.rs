//! Reports and their writers: table for people, CSV for spreadsheets, JSON for scripts,
//! GeoJSON for QGIS. A report is data; the format is chosen at the edge.

pub mod geojson_out;
pub mod map;
pub mod table;

pub use table::Table;

/// Output formats of the tabular reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// Format a number with a fixed number of decimals, without "-0".
pub fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Round for machine output (CSV/JSON): 6 significant decimals are plenty for km² and shares.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
