//! The "plain serde" model of a `cloudCertificationAuthority` page, what typify generates for
//! it, as `plain.rs` is for the leaf certificate: `Option<T>` fields skipped when `None`,
//! `chrono::DateTime<FixedOffset>` dates, closed enums, nested structs for `extendedKeyUsage`,
//! the active version and its usage, unknown properties ignored. Lossy in the same ways: `null`
//! comes back absent, date-times lose their spelling, `@odata.type` and annotations such as
//! `activeVersion@odata.context` are dropped, an unknown enum member is an error.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// `cloudCertificationAuthorityStatus`, closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum Status {
    Unknown,
    Active,
    Paused,
    Revoked,
    SigningPending,
    UnknownFutureValue,
    Expired,
}

/// `cloudCertificationAuthorityType`, closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum AuthorityType {
    Unknown,
    RootCertificationAuthority,
    IssuingCertificationAuthority,
    IssuingCertificationAuthorityWithExternalRoot,
    UnknownFutureValue,
}

/// `cloudCertificationAuthorityCertificateKeySize`, closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum KeySize {
    #[serde(rename = "unknown")]
    Unknown,
    #[serde(rename = "rsa2048")]
    Rsa2048,
    #[serde(rename = "rsa3072")]
    Rsa3072,
    #[serde(rename = "rsa4096")]
    Rsa4096,
    #[serde(rename = "eCP256")]
    EcP256,
    #[serde(rename = "eCP256k")]
    EcP256k,
    #[serde(rename = "eCP384")]
    EcP384,
    #[serde(rename = "eCP521")]
    EcP521,
    #[serde(rename = "unknownFutureValue")]
    UnknownFutureValue,
}

/// `cloudCertificationAuthorityHashingAlgorithm`, closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum HashingAlgorithm {
    Unknown,
    Sha256,
    Sha384,
    Sha512,
    UnknownFutureValue,
}

/// `cloudCertificationAuthorityKeyPlatformType`, closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum KeyPlatform {
    Unknown,
    Software,
    HardwareSecurityModule,
    UnknownFutureValue,
}

/// `cloudCertificationAuthorityVersionStatus`, closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum VersionStatus {
    Unknown,
    Active,
    Staged,
    Paused,
    Retired,
    Expired,
    Revoked,
    Decommissioned,
    SigningPending,
    UnknownFutureValue,
}

/// `extendedKeyUsage`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ExtendedKeyUsage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_identifier: Option<String>,
}

/// `cloudCertificationAuthorityVersionUsage`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct VersionUsage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_staged_leaf_certificate_count: Option<i32>,
}

/// `cloudCertificationAuthorityVersion`, the typify way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Version {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_download_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_revocation_list_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_signing_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_authority_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_authority_issuer_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_authority_version_status: Option<VersionStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decommission_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_platform: Option<KeyPlatform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp_responder_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scep_server_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<VersionUsage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_end_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_start_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<i32>,
}

/// `cloudCertificationAuthority`, the typify way, navigation properties included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Authority {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scep_server_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_revocation_list_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_download_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_authority_issuer_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp_responder_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_authority_status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_scope_tag_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_authority_issuer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_common_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_certification_authority_type: Option<AuthorityType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_period_in_years: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_start_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_end_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_key_size: Option<KeySize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_certification_authority_hashing_algorithm: Option<HashingAlgorithm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_signing_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_key_usages: Option<Vec<ExtendedKeyUsage>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_certificate_common_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_platform: Option<KeyPlatform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geographic_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_certification_authority_leaf_certificate: Option<Vec<super::plain::Certificate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_version: Option<Box<Version>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<Version>>,
}

/// A page of certification authorities, the typify way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// `@odata.context`.
    #[serde(rename = "@odata.context", default, skip_serializing_if = "Option::is_none")]
    pub odata_context: Option<String>,
    /// `@odata.nextLink`.
    #[serde(rename = "@odata.nextLink", default, skip_serializing_if = "Option::is_none")]
    pub odata_next_link: Option<String>,
    /// `value`.
    pub value: Vec<Authority>,
}
