//! footprint: boundary analysis for English health and local-government planning.
//!
//! The pipeline: [`layer::load`] reads GeoJSON (WGS84 lon/lat or British National Grid),
//! projects every vertex to British National Grid metres ([`project`]), orients rings, flags
//! defects and detects the code and name fields. Analyses work on that plane; areas are true
//! areas on the ground ([`geometry::true_area_m2`]), reported in km².

pub mod analysis;
pub mod check;
pub mod cli;
pub mod commands;
pub mod error;
pub mod geometry;
pub mod index;
pub mod input;
pub mod layer;
pub mod progress;
pub mod project;
pub mod report;
#[cfg(test)]
pub(crate) mod test_rng;
pub mod timings;
