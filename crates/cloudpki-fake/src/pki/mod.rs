//! Real X.509 material for the fake, made deterministically.
//!
//! The Cloud PKI entities describe certificates (`serialNumber`, `thumbprint`, validity,
//! `certificateDownloadUrl`, `certificateRevocationListUrl`, `certificateSigningRequest`); this
//! module makes the certificates behind them, so a client can decode what the fake serves:
//!
//! - [`keys`]: a pool of throwaway keys checked in under `keys/` (no key generation at run time);
//! - [`cert`]: self-signed roots, issuing CA certificates, PKCS#10 requests for external roots;
//! - [`crl`]: X.509 v2 CRLs signed by a CA;
//! - [`upload`]: checking an externally signed CA certificate and its trust chain;
//! - [`name`]: subject names, as X.500 names and as Graph's `subjectName` text.
//!
//! Determinism: RSA PKCS#1 v1.5 signatures are deterministic, so with an RSA key the same inputs
//! give byte-identical certificates, requests and CRLs. ECDSA signatures (ring) use a random
//! nonce: with an EC key everything is valid but the signature bytes (hence the thumbprint)
//! differ from run to run.

pub(crate) mod cert;
pub(crate) mod crl;
pub(crate) mod keys;
pub(crate) mod name;
pub(crate) mod upload;

#[cfg(test)]
mod tests;

use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use sha1::Digest as _;

pub(crate) use cert::{CaSpec, Issued, csr_pem, issuing_certificate, root_certificate};
pub(crate) use crl::{Revoked, crl_der};
pub(crate) use keys::{Hash, KeyAlgorithm, pool_key};
pub(crate) use name::Subject;
#[cfg(test)]
use upload::UploadError;
pub(crate) use upload::check_upload;

/// Why certificate material could not be made (a bad argument or an rcgen refusal).
#[derive(Debug)]
pub(crate) enum PkiError {
    /// A serial number that is zero, empty, not hex, or longer than 20 octets once encoded.
    InvalidSerial(String),
    /// A date-time outside what a certificate can carry.
    InvalidTime(DateTime<Utc>),
    /// A subject name that cannot be encoded or parsed.
    InvalidName(String),
    /// A certificate given as issuer that cannot be read, or whose key is not the given key.
    InvalidIssuer(String),
    /// What was made cannot be read back (a bug, not an input problem).
    ReadBack(String),
    /// rcgen refused to encode or sign.
    Rcgen(rcgen::Error),
}

impl fmt::Display for PkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidSerial(why) => write!(f, "invalid serial number: {why}"),
            Self::InvalidTime(at) => write!(f, "date-time out of range for a certificate: {at}"),
            Self::InvalidName(why) => write!(f, "invalid subject name: {why}"),
            Self::InvalidIssuer(why) => write!(f, "invalid issuer: {why}"),
            Self::ReadBack(why) => write!(f, "the certificate made cannot be read back: {why}"),
            Self::Rcgen(error) => write!(f, "cannot make the certificate: {error}"),
        }
    }
}

impl std::error::Error for PkiError {}

impl From<rcgen::Error> for PkiError {
    fn from(error: rcgen::Error) -> Self {
        Self::Rcgen(error)
    }
}

/// Bytes as uppercase hex without separators (Graph's `serialNumber` and `thumbprint` form).
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02X}")).collect()
}

/// SHA-1 fingerprint of DER, uppercase hex (40 characters): Graph's `thumbprint`.
pub(crate) fn sha1_hex(der: &[u8]) -> String {
    hex_upper(&sha1::Sha1::digest(der))
}

/// SHA-256 fingerprint of DER, uppercase hex (64 characters).
#[allow(dead_code, reason = "a read-back helper for tests and callers; not every build uses it")]
pub(crate) fn sha256_hex(der: &[u8]) -> String {
    hex_upper(&sha2::Sha256::digest(der))
}

/// Reads a serial number written in hex (either case; `:` and whitespace ignored, as tools print
/// them) into its magnitude: big-endian bytes without leading zero bytes. Refuses what cannot be
/// a certificate serial (see [`check_serial`]).
pub(crate) fn parse_serial_hex(text: &str) -> Result<Vec<u8>, PkiError> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|byte| *byte != b':' && !byte.is_ascii_whitespace())
        .map(|byte| hex_value(byte).ok_or_else(|| PkiError::InvalidSerial(format!("{text:?} is not hex"))))
        .collect::<Result<_, _>>()?;
    // An odd count means a leading zero nibble.
    let padded = std::iter::repeat_n(0, digits.len() % 2).chain(digits);
    let nibbles: Vec<u8> = padded.collect();
    let bytes: Vec<u8> = nibbles.chunks_exact(2).map(|pair| (pair[0] << 4) | pair[1]).collect();
    let magnitude = serial_magnitude(&bytes).to_vec();
    check_serial(&magnitude)?;
    Ok(magnitude)
}

/// Value of one hex digit.
fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

/// A serial number without its leading zero bytes.
pub(crate) fn serial_magnitude(serial: &[u8]) -> &[u8] {
    let start = serial.iter().position(|byte| *byte != 0).unwrap_or(serial.len());
    &serial[start..]
}

/// A serial number fit for a certificate (RFC 5280 4.1.2.2): positive (the bytes are read as an
/// unsigned magnitude, and must not be all zero) and at most 20 octets once DER-encoded (a
/// magnitude whose top bit is set takes one more octet).
pub(crate) fn check_serial(serial: &[u8]) -> Result<(), PkiError> {
    let magnitude = serial_magnitude(serial);
    let sign_octet = usize::from(magnitude.first().is_some_and(|first| *first >= 0x80));
    match magnitude.len() + sign_octet {
        0 => Err(PkiError::InvalidSerial("it is zero".into())),
        1..=20 => Ok(()),
        octets => Err(PkiError::InvalidSerial(format!("{octets} octets, at most 20 allowed"))),
    }
}

/// A chrono UTC date-time as rcgen's `OffsetDateTime`, truncated to whole seconds (certificate
/// times carry no fractions).
fn offset_time(at: DateTime<Utc>) -> Result<time::OffsetDateTime, PkiError> {
    time::OffsetDateTime::from_unix_timestamp(at.timestamp()).map_err(|_| PkiError::InvalidTime(at))
}

/// An x509-parser time as chrono UTC. Parsed times lie within years 0..=9999, which chrono holds;
/// the fallback is never reached.
fn chrono_time(at: x509_parser::time::ASN1Time) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// DER as PEM with the given label, 64 base64 characters a line, LF line ends.
pub(crate) fn pem_encode(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    pem
}
