#![forbid(unsafe_code)]
//! Lossless typed models of the Microsoft Graph (beta) Intune Cloud PKI API, generated from
//! `specs/` by `cargo xtask codegen`: every type and operation of the namespace lives in
//! `src/generated/` (never edited by hand); the hand-written runtime they are built on is the
//! `cloudpki-runtime` crate, whose public items are re-exported here.
//!
//! Every type keeps everything a payload says: deserializing then serializing gives back the
//! same JSON value.
//!
//! - Any property may be absent (OData `$select`): non-nullable properties are `Option`s, nullable
//!   ones are [`Nullable`], which tells `null` from absent.
//! - EDM values keep their exact text: [`DateTimeOffset`] (`2016-12-31T23:59:36.3292251-08:00`
//!   stays so), [`Guid`], [`Binary`], [`Date`], [`TimeOfDay`], [`Duration`]; [`Double`] keeps
//!   the number's kind and OData's `"NaN"`, `"INF"`, `"-INF"`.
//! - Enum members this version does not know are kept (`Other`), and unknown properties and
//!   annotations (`@odata.type`, anything new) are kept in `additional_properties`.
//! - A wrong type is an error whose message starts with the JSON path of the value, e.g.
//!   `$.value[3].certificateStatus: invalid type: integer `5`, expected ...`; [`from_slice`]
//!   gives it as data ([`DecodeError::path`], [`DecodeError::category`]).
//! - Types are `#[non_exhaustive]`: build them with `new` and the `with_*` setters.
//!
//! ```
//! use cloudpki_model::{CloudCertificationAuthorityLeafCertificate, CloudCertificationAuthorityLeafCertificateStatus, Nullable};
//!
//! let text = r#"{"id":"9d9a5d0e-0000-4000-8000-000000000001","certificateStatus":"active",
//!     "revocationDateTime":null,"validityEndDateTime":"2016-12-31T23:57:06.8876616-08:00"}"#;
//! let certificate: CloudCertificationAuthorityLeafCertificate = serde_json::from_str(text).unwrap();
//! assert_eq!(certificate.certificate_status, Some(CloudCertificationAuthorityLeafCertificateStatus::Active));
//! assert!(certificate.revocation_date_time.is_null());
//! assert!(certificate.subject_name.is_absent());
//! let end = certificate.validity_end_date_time.value().unwrap();
//! assert_eq!(end.to_string(), "2016-12-31T23:57:06.8876616-08:00");
//! assert_eq!(
//!     serde_json::to_value(&certificate).unwrap(),
//!     serde_json::from_str::<serde_json::Value>(text).unwrap(),
//! );
//! # let _ = Nullable::<String>::Absent;
//! ```
//!
//! Outside this crate, values are built with `new` and the `with_*` setters:
//!
//! ```
//! use cloudpki_model::{CloudCertificationAuthorityLeafCertificate as Certificate, RevokeLeafCertificateRequest};
//!
//! let certificate = Certificate::new().with_id("a").with_subject_name("CN=kiosk-01");
//! assert_eq!(certificate.id.as_deref(), Some("a"));
//! let body = RevokeLeafCertificateRequest::new("a");
//! assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"leafCertificateId":"a"}"#);
//! ```
//!
//! and never with a struct literal, so that a property added to the spec later is not a
//! breaking change:
//!
//! ```compile_fail
//! let certificate = cloudpki_model::CloudCertificationAuthorityLeafCertificate {
//!     id: Some("a".to_owned()),
//!     ..Default::default()
//! };
//! ```

#[rustfmt::skip]
mod generated;

pub use generated::*;
