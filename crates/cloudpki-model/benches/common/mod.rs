//! What the benchmarks share: the generated pages and the plain serde model.
#![allow(dead_code)] // Each bench binary uses a different part.

pub mod page;
pub mod plain;

/// The lossless model under test: a page of leaf certificates, as
/// `getAllCloudCertificationAuthorityLeafCertificates` returns it (the runtime's generic
/// `Page<T>`; `GetAllCloudCertificationAuthorityLeafCertificatesResponse` is an alias of it).
pub type Ours = cloudpki_model::Page<cloudpki_model::CloudCertificationAuthorityLeafCertificate>;
