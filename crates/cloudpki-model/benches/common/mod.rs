//! What the benchmarks share: the generated pages and the plain serde models.
#![allow(dead_code)] // Each bench binary uses a different part.

pub mod ca_page;
pub mod page;
pub mod plain;
pub mod plain_ca;

/// The lossless model under test: a page of leaf certificates, as
/// `getAllCloudCertificationAuthorityLeafCertificates` returns it (the runtime's generic
/// `Page<T>`; `GetAllCloudCertificationAuthorityLeafCertificatesResponse` is an alias of it).
pub type Ours = cloudpki_model::Page<cloudpki_model::CloudCertificationAuthorityLeafCertificate>;

/// The namespace's biggest type in a page, as listing `cloudCertificationAuthority` returns it
/// (36 properties, the default-included `activeVersion`, nested complex types).
pub type OursCa = cloudpki_model::Page<cloudpki_model::CloudCertificationAuthority>;
