//! The spec: raw YAML shapes, the validated model, and the loader between them.

pub mod load;
pub mod model;
pub mod raw;
