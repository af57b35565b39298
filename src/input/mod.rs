//! Reading the inputs other than layers: weights files and mapping files, into the plain data
//! that `analysis` computes with (layers are read by `layer`).

pub mod mapping;
pub mod weights;
