//! Checking `uploadExternallySignedCertificationAuthorityCertificate`: the certificate an
//! operator's PKI made from the CA's request, and the trust chain up to their root.
//!
//! Each text may be PEM (one or more `CERTIFICATE` blocks; text around the blocks is ignored) or
//! base64 DER (whitespace allowed; padding optional), as operators paste either. Inputs are
//! capped ([`MAX_TEXT_BYTES`] a text, [`MAX_CHAIN_CERTIFICATES`] in the chain), and the chain walk
//! uses each chain certificate at most once, so hostile input costs bounded work.

use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use x509_parser::certificate::X509Certificate;
use x509_parser::x509::X509Version;

use super::cert::{Issued, parse_certificate};
use super::name::rcgen_can_sign_as;

/// The largest text accepted for `signedCertificate` or one trust chain entry.
pub(crate) const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The most certificates accepted in `trustChainCertificates` (all entries together).
pub(crate) const MAX_CHAIN_CERTIFICATES: usize = 10;

/// Base64 as operators paste it: standard alphabet, with or without padding.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An accepted upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Uploaded {
    /// The CA's signed certificate.
    pub(crate) certificate: Issued,
    /// The chain that verified it, from its issuer up to the self-signed root.
    pub(crate) chain: Vec<Issued>,
}

/// Which input a problem is in, named as in the request body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    /// `signedCertificate`.
    Signed,
    /// `trustChainCertificates[i]`.
    Chain(usize),
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Signed => f.write_str("signedCertificate"),
            Self::Chain(index) => write!(f, "trustChainCertificates[{index}]"),
        }
    }
}

/// Why an upload is refused; the `Display` text is meant for a Graph 400 error message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum UploadError {
    /// The text is empty or blank.
    Empty(Field),
    /// The text is over [`MAX_TEXT_BYTES`].
    TooLarge(Field),
    /// More than [`MAX_CHAIN_CERTIFICATES`] chain certificates.
    TooManyChainCertificates(usize),
    /// The text is not a certificate (bad PEM, bad base64, bad DER).
    NotACertificate(Field, String),
    /// `signedCertificate` holds several certificates.
    NotOneCertificate(usize),
    /// The signed certificate's key is not the key of the request.
    KeyMismatch,
    /// The signed certificate is not a CA certificate.
    NotACa,
    /// The signed certificate's keyUsage leaves out keyCertSign or cRLSign.
    KeyUsage,
    /// The signed certificate's subject has a form this fake cannot sign CRLs under.
    UnsupportedSubject,
    /// No chain certificate is named as the issuer of this one.
    NoIssuer(Field),
    /// A chain certificate has the issuer's name but its key did not make the signature.
    BadSignature {
        /// The certificate whose signature failed.
        of: Field,
        /// The chain certificate tried as its issuer.
        by: Field,
        /// Why the signature did not verify.
        why: String,
    },
    /// A chain certificate that signed another is not a CA.
    IssuerNotCa(Field),
}

impl fmt::Display for UploadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty(field) => write!(f, "{field} is empty"),
            Self::TooLarge(field) => write!(f, "{field} is larger than {MAX_TEXT_BYTES} bytes"),
            Self::TooManyChainCertificates(count) => write!(
                f,
                "trustChainCertificates holds {count} certificates; at most {MAX_CHAIN_CERTIFICATES} are accepted"
            ),
            Self::NotACertificate(field, why) => write!(f, "{field} is not a certificate: {why}"),
            Self::NotOneCertificate(count) => {
                write!(f, "signedCertificate holds {count} certificates; put the issuers in trustChainCertificates")
            }
            Self::KeyMismatch => {
                f.write_str("the certificate's public key does not match the certificate signing request")
            }
            Self::NotACa => {
                f.write_str("the signed certificate is not a CA certificate (basicConstraints cA is not true)")
            }
            Self::KeyUsage => {
                f.write_str("the signed certificate's key usage does not allow signing certificates and CRLs")
            }
            Self::UnsupportedSubject => {
                f.write_str("the signed certificate's subject has a multi-valued or non-text attribute")
            }
            Self::NoIssuer(Field::Signed) => {
                f.write_str("no certificate in trustChainCertificates issued the signed certificate")
            }
            Self::NoIssuer(field) => write!(
                f,
                "the chain does not end at a self-signed root: no certificate in trustChainCertificates issued {field}"
            ),
            Self::BadSignature { of, by, why } => {
                write!(f, "the signature of {of} does not verify with the key of {by}: {why}")
            }
            Self::IssuerNotCa(field) => {
                write!(f, "{field} issued a certificate of the chain but is not a CA certificate")
            }
        }
    }
}

impl std::error::Error for UploadError {}

/// Checks an upload against the request's key (`expected_public_key`: the SubjectPublicKeyInfo
/// DER of the CA's key, compared byte for byte, since a CA copies it from the request).
///
/// Accepted: exactly one certificate in `signed_certificate`, with that key, basicConstraints
/// cA true, keyUsage (if present) with keyCertSign and cRLSign; and an issuer path through
/// `trust_chain` (any order; extra certificates ignored): each certificate's signature verifies
/// with the key of a chain certificate whose subject is byte-for-byte its issuer, which is a CA
/// (or a version 1 root), up to a self-signed certificate whose signature verifies with its own
/// key. Validity periods are not checked.
pub(crate) fn check_upload(
    expected_public_key: &[u8],
    signed_certificate: &str,
    trust_chain: &[&str],
) -> Result<Uploaded, UploadError> {
    if trust_chain.len() > MAX_CHAIN_CERTIFICATES {
        return Err(UploadError::TooManyChainCertificates(trust_chain.len()));
    }
    let signed_der = decode_text(Field::Signed, signed_certificate)?;
    let chain_der = decode_chain(trust_chain)?;
    let signed = match signed_der.as_slice() {
        [der] => parse(Field::Signed, der)?,
        many => return Err(UploadError::NotOneCertificate(many.len())),
    };
    check_signed(&signed, expected_public_key)?;
    let chain =
        chain_der.iter().map(|(field, der)| Ok((*field, parse(*field, der)?))).collect::<Result<Vec<_>, _>>()?;
    let path = issuer_path(&signed, &chain)?;
    Ok(Uploaded {
        certificate: Issued::describe(&signed),
        chain: path.into_iter().map(|index| Issued::describe(&chain[index].1)).collect(),
    })
}

/// The chain texts as DER, each with the entry it came from, within the caps.
fn decode_chain(trust_chain: &[&str]) -> Result<Vec<(Field, Vec<u8>)>, UploadError> {
    let mut certificates = Vec::new();
    for (index, text) in trust_chain.iter().enumerate() {
        let field = Field::Chain(index);
        certificates.extend(decode_text(field, text)?.into_iter().map(|der| (field, der)));
        if certificates.len() > MAX_CHAIN_CERTIFICATES {
            return Err(UploadError::TooManyChainCertificates(certificates.len()));
        }
    }
    Ok(certificates)
}

/// One text (PEM or base64 DER) as the DER certificates it holds (at least one).
pub(super) fn decode_text(field: Field, text: &str) -> Result<Vec<Vec<u8>>, UploadError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(UploadError::TooLarge(field));
    }
    if text.trim().is_empty() {
        return Err(UploadError::Empty(field));
    }
    if text.contains("-----BEGIN") {
        pem_blocks(text).map_err(|why| UploadError::NotACertificate(field, why))
    } else {
        let der = decode_base64(text).map_err(|why| UploadError::NotACertificate(field, why))?;
        Ok(vec![der])
    }
}

/// The contents of the `CERTIFICATE` PEM blocks of a text; any other block is an error.
fn pem_blocks(text: &str) -> Result<Vec<Vec<u8>>, String> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after_begin = &rest[start + "-----BEGIN ".len()..];
        let (label, body) = after_begin.split_once("-----").ok_or("a PEM BEGIN line is not closed")?;
        if label != "CERTIFICATE" {
            return Err(format!("a PEM block is labelled {label:?}, not \"CERTIFICATE\""));
        }
        let end = body.find("-----END CERTIFICATE-----").ok_or("a PEM block has no END CERTIFICATE line")?;
        blocks.push(decode_base64(&body[..end])?);
        rest = &body[end + "-----END CERTIFICATE-----".len()..];
    }
    Ok(blocks)
}

/// Base64 with whitespace anywhere.
fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|character| !character.is_whitespace()).collect();
    LENIENT_BASE64.decode(compact).map_err(|error| format!("invalid base64: {error}"))
}

/// DER of exactly one certificate, or a refusal naming the field.
fn parse(field: Field, der: &[u8]) -> Result<X509Certificate<'_>, UploadError> {
    parse_certificate(der).map_err(|why| UploadError::NotACertificate(field, why))
}

/// The checks on the signed certificate alone.
fn check_signed(signed: &X509Certificate<'_>, expected_public_key: &[u8]) -> Result<(), UploadError> {
    if signed.public_key().raw != expected_public_key {
        return Err(UploadError::KeyMismatch);
    }
    if !matches!(signed.basic_constraints(), Ok(Some(constraints)) if constraints.value.ca) {
        return Err(UploadError::NotACa);
    }
    match signed.key_usage() {
        Ok(None) => {}
        Ok(Some(usage)) if usage.value.key_cert_sign() && usage.value.crl_sign() => {}
        _ => return Err(UploadError::KeyUsage),
    }
    if !rcgen_can_sign_as(signed.subject()) {
        return Err(UploadError::UnsupportedSubject);
    }
    Ok(())
}

/// Indexes into `chain` of the issuers of `signed`, up to and including a self-signed root.
/// Each chain certificate is used at most once, so this takes at most `chain.len()` steps.
fn issuer_path(
    signed: &X509Certificate<'_>,
    chain: &[(Field, X509Certificate<'_>)],
) -> Result<Vec<usize>, UploadError> {
    let mut path: Vec<usize> = Vec::new();
    let (mut current, mut current_field) = (signed, Field::Signed);
    while path.len() < chain.len() {
        let index = find_issuer(current, current_field, chain, &path)?;
        path.push(index);
        let (field, issuer) = &chain[index];
        if is_self_signed(issuer) {
            return Ok(path);
        }
        (current, current_field) = (issuer, *field);
    }
    Err(UploadError::NoIssuer(current_field))
}

/// The unused chain certificate that issued `current`: its subject is `current`'s issuer, its
/// key verifies `current`'s signature, and it is a CA.
fn find_issuer(
    current: &X509Certificate<'_>,
    current_field: Field,
    chain: &[(Field, X509Certificate<'_>)],
    used: &[usize],
) -> Result<usize, UploadError> {
    let named = chain.iter().enumerate().filter(|(index, (_, candidate))| {
        !used.contains(index) && candidate.subject().as_raw() == current.issuer().as_raw()
    });
    let mut failure = None;
    for (index, (field, candidate)) in named {
        match current.verify_signature(Some(candidate.public_key())) {
            Ok(()) if candidate.is_ca() || candidate.version() == X509Version::V1 => return Ok(index),
            Ok(()) => failure = Some(UploadError::IssuerNotCa(*field)),
            Err(error) => {
                let why = error.to_string();
                failure.get_or_insert(UploadError::BadSignature { of: current_field, by: *field, why });
            }
        }
    }
    Err(failure.unwrap_or(UploadError::NoIssuer(current_field)))
}

/// Whether a certificate names itself as issuer and its signature verifies with its own key.
fn is_self_signed(certificate: &X509Certificate<'_>) -> bool {
    certificate.subject().as_raw() == certificate.issuer().as_raw() && certificate.verify_signature(None).is_ok()
}
