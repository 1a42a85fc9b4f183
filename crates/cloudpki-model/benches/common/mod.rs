//! What the benchmarks share: the generated pages and the plain serde model.
#![allow(dead_code)] // Each bench binary uses a different part.

pub mod page;
pub mod plain;

/// The lossless model under test.
pub type Ours = cloudpki_model::GetAllCloudCertificationAuthorityLeafCertificatesResponse;
