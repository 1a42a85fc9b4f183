//! The "plain serde" model the benchmarks compare against: what typify generates for the same
//! entity. `Option<T>` fields skipped when `None`, `chrono::DateTime<FixedOffset>` dates, a
//! closed enum, unknown properties ignored. It is lossy: `null` comes back as absent, date-times
//! lose their spelling (`.3292251` is written `.329225100`), `@odata.type` and unknown
//! properties are dropped, and an unknown status member is an error.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// `cloudCertificationAuthorityLeafCertificateStatus`, closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// `unknown`.
    Unknown,
    /// `active`.
    Active,
    /// `revoked`.
    Revoked,
    /// `expired`.
    Expired,
    /// `unknownFutureValue`.
    UnknownFutureValue,
}

/// `cloudCertificationAuthorityLeafCertificate`, the typify way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Certificate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_start_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_end_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crl_distribution_point_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_authority_issuer_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp_responder_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_date_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_usages: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_key_usages: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_authority_version_number: Option<i32>,
}

/// A page of certificates, the typify way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// `@odata.context`.
    #[serde(rename = "@odata.context", default, skip_serializing_if = "Option::is_none")]
    pub odata_context: Option<String>,
    /// `@odata.count`.
    #[serde(rename = "@odata.count", default, skip_serializing_if = "Option::is_none")]
    pub odata_count: Option<i64>,
    /// `@odata.nextLink`.
    #[serde(rename = "@odata.nextLink", default, skip_serializing_if = "Option::is_none")]
    pub odata_next_link: Option<String>,
    /// `value`.
    pub value: Vec<Certificate>,
}
