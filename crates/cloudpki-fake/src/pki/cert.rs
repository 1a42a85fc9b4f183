//! CA certificates (self-signed roots and issuing CAs), what the entities say about them, and
//! the PKCS#10 request an issuing CA with an external root shows.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, IsCa, Issuer, KeyPair, KeyUsagePurpose, PublicKeyData,
    SerialNumber,
};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;

use super::name::{Subject, name_text};
use super::{PkiError, check_serial, chrono_time, hex_upper, offset_time, pem_encode, serial_magnitude, sha1_hex};

/// What a CA certificate is made from (besides keys).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CaSpec<'a> {
    /// The subject (and, for a root, the issuer).
    pub(crate) subject: &'a Subject,
    /// The serial number, big-endian, read as positive (see [`super::check_serial`]). Prefer a
    /// first byte below 0x80: `serial_hex` then matches the DER bytes exactly.
    pub(crate) serial: &'a [u8],
    /// Start of validity (fractions of a second are dropped).
    pub(crate) not_before: DateTime<Utc>,
    /// End of validity (fractions of a second are dropped).
    pub(crate) not_after: DateTime<Utc>,
    /// A CRL distribution point to write in the certificate: for an issuing CA, its issuer's
    /// `certificateRevocationListUrl`; usually `None` for a root.
    pub(crate) crl_url: Option<&'a str>,
}

/// A CA that signs: its certificate (DER) and its key, which must match that certificate.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Signer<'a> {
    /// The signer's certificate, DER.
    pub(crate) certificate: &'a [u8],
    /// The signer's key pair (its signature algorithm decides the hash of what it signs).
    pub(crate) key: &'a KeyPair,
}

/// A certificate and what Graph's entities say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Issued {
    /// The certificate, DER.
    pub(crate) der: Vec<u8>,
    /// The serial number as uppercase hex of its magnitude (leading zero bytes, including a
    /// DER sign octet, dropped): Graph's `serialNumber`.
    pub(crate) serial_hex: String,
    /// SHA-1 of the DER, uppercase hex, 40 characters: Graph's `thumbprint`.
    pub(crate) thumbprint: String,
    /// Start of validity.
    pub(crate) not_before: DateTime<Utc>,
    /// End of validity.
    pub(crate) not_after: DateTime<Utc>,
    /// The subject as Graph text (`CN=..., O=..., C=...`).
    pub(crate) subject_text: String,
    /// The issuer as Graph text.
    pub(crate) issuer_text: String,
}

impl Issued {
    /// Reads a DER certificate (which must be exactly one certificate) into what Graph says of it.
    pub(crate) fn from_der(der: &[u8]) -> Result<Self, String> {
        Ok(Self::describe(&parse_certificate(der)?))
    }

    /// What Graph says of an already parsed certificate.
    pub(crate) fn describe(certificate: &X509Certificate<'_>) -> Self {
        let der = certificate.as_raw().to_vec();
        Self {
            serial_hex: hex_upper(serial_magnitude(certificate.raw_serial())),
            thumbprint: sha1_hex(&der),
            not_before: chrono_time(certificate.validity().not_before),
            not_after: chrono_time(certificate.validity().not_after),
            subject_text: name_text(certificate.subject()),
            issuer_text: name_text(certificate.issuer()),
            der,
        }
    }

    /// Graph's `certificateDownloadUrl`: `data:application/x-x509-ca-cert;base64,<DER>`.
    pub(crate) fn data_url(&self) -> String {
        let der = base64::engine::general_purpose::STANDARD.encode(&self.der);
        format!("data:application/x-x509-ca-cert;base64,{der}")
    }

    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`).
    #[cfg_attr(not(test), expect(dead_code, reason = "the CLI's `ca cert --format pem` will use it; tests do"))]
    pub(crate) fn pem(&self) -> String {
        pem_encode("CERTIFICATE", &self.der)
    }

    /// This certificate with its key, to sign with.
    pub(crate) fn signer<'a>(&'a self, key: &'a KeyPair) -> Signer<'a> {
        Signer { certificate: &self.der, key }
    }
}

/// Parses DER that must be exactly one certificate; the error says why not.
pub(crate) fn parse_certificate(der: &[u8]) -> Result<X509Certificate<'_>, String> {
    match x509_parser::parse_x509_certificate(der) {
        Ok(([], certificate)) => Ok(certificate),
        Ok(_) => Err("trailing data after the certificate".into()),
        Err(error) => Err(error.to_string()),
    }
}

/// A self-signed root CA certificate: basicConstraints cA (no path length limit), keyUsage
/// digitalSignature + keyCertSign + cRLSign, subject key identifier.
pub(crate) fn root_certificate(spec: &CaSpec<'_>, key: &KeyPair) -> Result<Issued, PkiError> {
    let params = ca_params(spec, BasicConstraints::Unconstrained)?;
    let certificate = params.self_signed(key)?;
    read_back(certificate.der())
}

/// An issuing CA certificate for `key`, signed by `issuer`: as a root but with path length 0,
/// and an authority key identifier (the issuer's subject key identifier).
pub(crate) fn issuing_certificate(spec: &CaSpec<'_>, key: &KeyPair, issuer: &Signer<'_>) -> Result<Issued, PkiError> {
    let mut params = ca_params(spec, BasicConstraints::Constrained(0))?;
    params.use_authority_key_identifier_extension = true;
    let certificate = params.signed_by(key, &rcgen_issuer(issuer)?)?;
    read_back(certificate.der())
}

/// The PKCS#10 request of an issuing CA waiting for its external root to sign it
/// (`certificateSigningRequest`), as PEM text (`-----BEGIN CERTIFICATE REQUEST-----`, LF line
/// ends): the form operators hand to their PKI. It asks for basicConstraints cA with path
/// length 0 and the CA key usages. Deterministic for RSA keys.
pub(crate) fn csr_pem(subject: &Subject, key: &KeyPair) -> Result<String, PkiError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = subject.distinguished_name()?;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = ca_key_usages();
    let request = params.serialize_request(key)?;
    Ok(pem_encode("CERTIFICATE REQUEST", request.der()))
}

/// The key usages of every CA certificate made here.
fn ca_key_usages() -> Vec<KeyUsagePurpose> {
    vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]
}

/// rcgen parameters for a CA certificate.
fn ca_params(spec: &CaSpec<'_>, constraints: BasicConstraints) -> Result<CertificateParams, PkiError> {
    check_serial(spec.serial)?;
    let mut params = CertificateParams::default();
    params.distinguished_name = spec.subject.distinguished_name()?;
    params.serial_number = Some(SerialNumber::from_slice(spec.serial));
    params.not_before = offset_time(spec.not_before)?;
    params.not_after = offset_time(spec.not_after)?;
    params.is_ca = IsCa::Ca(constraints);
    params.key_usages = ca_key_usages();
    params.crl_distribution_points =
        spec.crl_url.map(|url| CrlDistributionPoint { uris: vec![url.to_owned()] }).into_iter().collect();
    Ok(params)
}

/// An rcgen issuer (name, key identifier, key usages) read from the signer's certificate, after
/// checking that the key is the certificate's.
pub(crate) fn rcgen_issuer<'k>(signer: &Signer<'k>) -> Result<Issuer<'static, &'k KeyPair>, PkiError> {
    let certificate = parse_certificate(signer.certificate).map_err(PkiError::InvalidIssuer)?;
    if certificate.public_key().raw != signer.key.subject_public_key_info().as_slice() {
        return Err(PkiError::InvalidIssuer("the key is not the certificate's key".into()));
    }
    if !super::name::rcgen_can_sign_as(certificate.subject()) {
        return Err(PkiError::InvalidIssuer(
            "the certificate's subject has a multi-valued or non-text attribute".into(),
        ));
    }
    Ok(Issuer::from_ca_cert_der(&signer.certificate.into(), signer.key)?)
}

/// The certificate's subject key identifier, if it has one.
pub(crate) fn subject_key_identifier(certificate: &X509Certificate<'_>) -> Option<Vec<u8>> {
    certificate.iter_extensions().find_map(|extension| match extension.parsed_extension() {
        ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
        _ => None,
    })
}

/// What Graph says of a certificate just made.
fn read_back(der: &[u8]) -> Result<Issued, PkiError> {
    Issued::from_der(der).map_err(PkiError::ReadBack)
}
