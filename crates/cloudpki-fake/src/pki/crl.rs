//! X.509 v2 certificate revocation lists, as a CA publishes them at its
//! `certificateRevocationListUrl`.

use chrono::{DateTime, Utc};
use rcgen::{CertificateRevocationListParams, KeyIdMethod, RevokedCertParams, SerialNumber};

use super::cert::{Signer, parse_certificate, rcgen_issuer, subject_key_identifier};
use super::{PkiError, check_serial, offset_time};

/// One revoked certificate of a CRL.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Revoked<'a> {
    /// Its serial number, big-endian (from hex: [`super::parse_serial_hex`]).
    pub(crate) serial: &'a [u8],
    /// When it was revoked (fractions of a second are dropped).
    pub(crate) revoked_at: DateTime<Utc>,
}

/// A DER CRL signed by `issuer`: version 2, the given CRL number, thisUpdate/nextUpdate (the
/// latter strictly after the former), the entries in the given order (no reason codes), and an
/// authority key identifier equal to the issuer certificate's subject key identifier.
/// Deterministic for RSA keys.
pub(crate) fn crl_der(
    issuer: &Signer<'_>,
    crl_number: u64,
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
    entries: &[Revoked<'_>],
) -> Result<Vec<u8>, PkiError> {
    let params = CertificateRevocationListParams {
        this_update: offset_time(this_update)?,
        next_update: offset_time(next_update)?,
        crl_number: SerialNumber::from_slice(&crl_number.to_be_bytes()),
        issuing_distribution_point: None,
        revoked_certs: entries.iter().map(revoked_params).collect::<Result<_, _>>()?,
        key_identifier_method: authority_key_id_method(issuer.certificate)?,
    };
    Ok(params.signed_by(&rcgen_issuer(issuer)?)?.der().to_vec())
}

/// rcgen's form of one entry.
fn revoked_params(entry: &Revoked<'_>) -> Result<RevokedCertParams, PkiError> {
    check_serial(entry.serial)?;
    Ok(RevokedCertParams {
        serial_number: SerialNumber::from_slice(entry.serial),
        revocation_time: offset_time(entry.revoked_at)?,
        reason_code: None,
        invalidity_date: None,
    })
}

/// The issuer certificate's own subject key identifier, so relying parties match the CRL to it;
/// rcgen's default (truncated SHA-256 of the key) when the certificate has none.
fn authority_key_id_method(certificate: &[u8]) -> Result<KeyIdMethod, PkiError> {
    let certificate = parse_certificate(certificate).map_err(PkiError::InvalidIssuer)?;
    Ok(subject_key_identifier(&certificate).map_or(KeyIdMethod::Sha256, KeyIdMethod::PreSpecified))
}
