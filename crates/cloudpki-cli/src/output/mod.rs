//! Everything written for people and programs: the listing formats (aligned table, JSON array,
//! NDJSON, CSV), terminal-safe text, and stdout/stderr that a closed pipe cannot fail.
//!
//! What the service controls is escaped before it reaches a terminal ([`safe()`]): the table and
//! every message on stderr. JSON and NDJSON are the exact data, written with `\uXXXX` escapes for
//! what JSON itself leaves raw (DEL, C1, bidi), so the same JSON value and safe on a terminal.
//! CSV has no escapes of its own: it is the exact data when stdout is a file or a pipe, and
//! terminal-safe (visible escapes) only when stdout is a terminal.

pub mod duration;
pub mod printer;
pub mod safe;
pub mod stream;
pub mod table;

use clap::ValueEnum;

pub use printer::{Printer, show_stdout};
pub use safe::terminal_safe as safe;
pub(crate) use stream::note;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// A JSON array of the objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// CSV with a header line, the table's columns.
    Csv,
}

/// What is listed: it decides the columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Leaf certificates: id, serial, status, subject, expires.
    Certificate,
    /// Certification authorities: id, displayName, type, status, version, validityEnd.
    Authority,
    /// Versions of a certification authority: id, version, status, serial, validityEnd.
    Version,
    /// Leaf certificates of every CA (`cert list` without `--ca`): ca, id, serial, status,
    /// subject, expires.
    TenantCertificate,
    /// Rows of `report expiry`: what, ca, id, subject, serial, status, expires, daysLeft.
    Expiry,
    /// Rows of `cert verify-revoked`: id, serial, status, crl, revokedOnCrl, nextUpdate.
    Revocation,
}

impl Kind {
    /// The column names (table and CSV header).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Certificate => &["id", "serial", "status", "subject", "expires"],
            Kind::Authority => &["id", "displayName", "type", "status", "version", "validityEnd"],
            Kind::Version => &["id", "version", "status", "serial", "validityEnd"],
            Kind::TenantCertificate => &["ca", "id", "serial", "status", "subject", "expires"],
            Kind::Expiry => &["what", "ca", "id", "subject", "serial", "status", "expires", "daysLeft"],
            Kind::Revocation => &["id", "serial", "status", "crl", "revokedOnCrl", "nextUpdate"],
        }
    }

    /// The wire properties behind the columns.
    pub fn properties(self) -> &'static [&'static str] {
        match self {
            Kind::Certificate => &["id", "serialNumber", "certificateStatus", "subjectName", "validityEndDateTime"],
            Kind::Authority => &[
                "id",
                "displayName",
                "cloudCertificationAuthorityType",
                "certificationAuthorityStatus",
                "versionNumber",
                "validityEndDateTime",
            ],
            Kind::Version => {
                &["id", "versionNumber", "certificationAuthorityVersionStatus", "serialNumber", "validityEndDateTime"]
            }
            Kind::TenantCertificate => {
                &["ca", "id", "serialNumber", "certificateStatus", "subjectName", "validityEndDateTime"]
            }
            Kind::Expiry => &["what", "ca", "id", "subject", "serialNumber", "status", "notAfter", "daysLeft"],
            Kind::Revocation => &["id", "serialNumber", "status", "crl", "revokedOnCrl", "nextUpdate"],
        }
    }

    /// The wire properties of the type, in wire order (for `show`).
    pub fn property_order(self) -> &'static [&'static str] {
        match self {
            Kind::Certificate | Kind::TenantCertificate => {
                cloudpki_model::CloudCertificationAuthorityLeafCertificate::PROPERTY_NAMES
            }
            Kind::Authority => cloudpki_model::CloudCertificationAuthority::PROPERTY_NAMES,
            Kind::Version => cloudpki_model::CloudCertificationAuthorityVersion::PROPERTY_NAMES,
            Kind::Expiry | Kind::Revocation => self.properties(),
        }
    }

    /// What an empty listing says it has none of.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Certificate | Kind::TenantCertificate => "certificates",
            Kind::Authority => "certification authorities",
            Kind::Version => "versions",
            Kind::Expiry => "certificates ending within the window",
            Kind::Revocation => "certificates to check",
        }
    }
}
