//! Reading the inputs other than layers: weights files, mapping files and flows files, into the plain data
//! that `analysis` computes with (layers are read by `layer`).

pub mod flows;
pub mod mapping;
pub mod weights;
