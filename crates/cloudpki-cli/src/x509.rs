//! The certificate behind the entity: a CA certificate decoded from its `certificateDownloadUrl`
//! (what operators otherwise decode by hand), compared with what the entity says, and a CRL
//! checked against the CA certificate that signed it. Read with `x509-parser`; nothing here talks
//! to the network.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use cloudpki_model::CloudCertificationAuthority;
use sha1::Digest as _;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer as _;
use x509_parser::public_key::PublicKey;
use x509_parser::revocation_list::CertificateRevocationList;

/// The largest certificate, CRL or request this module reads (a real CA certificate is a few
/// KiB; a CRL of a million entries is about 40 MiB).
pub const MAX_DER_BYTES: usize = 64 << 20;

/// Why a certificate or a CRL could not be read or verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X509Error(pub String);

impl fmt::Display for X509Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for X509Error {}

fn error(message: impl Into<String>) -> X509Error {
    X509Error(message.into())
}

/// The DER of a `data:application/x-x509-ca-cert;base64,...` URL (any media type, base64 only).
pub fn decode_data_url(url: &str) -> Result<Vec<u8>, X509Error> {
    let rest = url.trim().strip_prefix("data:").ok_or_else(|| error("certificateDownloadUrl is not a data: URL"))?;
    let (media, payload) =
        rest.split_once(',').ok_or_else(|| error("certificateDownloadUrl has no `,` before its data"))?;
    if !media.split(';').any(|part| part.eq_ignore_ascii_case("base64")) {
        return Err(error("certificateDownloadUrl is not base64-encoded"));
    }
    let compact: String = payload.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.len() / 4 * 3 > MAX_DER_BYTES {
        return Err(error(format!("certificateDownloadUrl holds more than {MAX_DER_BYTES} bytes")));
    }
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|problem| error(format!("certificateDownloadUrl is not valid base64: {problem}")))
}

/// Uppercase hex without separators (Graph's `thumbprint` and `serialNumber` form).
pub fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02X}")).collect()
}

/// What an operator wants to know of a CA certificate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSummary {
    /// The subject, most specific first (`CN=..., O=..., C=...`).
    pub subject: String,
    /// The issuer, likewise.
    pub issuer: String,
    /// The serial number, uppercase hex of its magnitude.
    pub serial_number: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// `RSA`, `EC P-256`, `EC P-384`, ... or the key's algorithm OID.
    pub key_algorithm: String,
    /// The key size in bits (RSA modulus or EC field), when known.
    pub key_bits: Option<usize>,
    /// The signature's hash and algorithm (`sha256WithRSAEncryption`, `ecdsa-with-SHA384`, ...).
    pub signature_algorithm: String,
    /// SHA-1 of the DER, uppercase hex (Graph's `thumbprint`).
    pub sha1_fingerprint: String,
    /// SHA-256 of the DER, uppercase hex.
    pub sha256_fingerprint: String,
    /// The CRL distribution points it names.
    pub crl_distribution_points: Vec<String>,
    /// Whether it is a CA certificate (basic constraints).
    pub is_ca: bool,
}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, X509Error> {
    if der.len() > MAX_DER_BYTES {
        return Err(error(format!("a certificate of more than {MAX_DER_BYTES} bytes")));
    }
    match X509Certificate::from_der(der) {
        Ok(([], certificate)) => Ok(certificate),
        Ok(_) => Err(error("trailing bytes after the certificate")),
        Err(problem) => Err(error(format!("not an X.509 certificate: {problem}"))),
    }
}

fn instant(time: x509_parser::time::ASN1Time) -> DateTime<Utc> {
    DateTime::from_timestamp(time.timestamp(), 0).unwrap_or_default()
}

/// Reads a certificate (DER).
pub fn summarize(der: &[u8]) -> Result<CertificateSummary, X509Error> {
    let certificate = parse(der)?;
    let (key_algorithm, key_bits) = match certificate.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => ("RSA".to_owned(), Some(rsa.key_size())),
        Ok(PublicKey::EC(point)) => {
            let curve = certificate
                .public_key()
                .algorithm
                .parameters
                .as_ref()
                .and_then(|parameters| parameters.as_oid().ok())
                .map(|oid| match oid.to_id_string().as_str() {
                    "1.2.840.10045.3.1.7" => "P-256".to_owned(),
                    "1.3.132.0.34" => "P-384".to_owned(),
                    "1.3.132.0.35" => "P-521".to_owned(),
                    "1.3.132.0.10" => "secp256k1".to_owned(),
                    other => other.to_owned(),
                })
                .unwrap_or_default();
            (format!("EC {curve}").trim_end().to_owned(), Some(point.key_size()))
        }
        Ok(other) => (format!("{other:?}").chars().take(24).collect(), None),
        Err(_) => (certificate.public_key().algorithm.algorithm.to_id_string(), None),
    };
    let signature_oid = certificate.signature_algorithm.algorithm.to_id_string();
    let signature_algorithm = match signature_oid.as_str() {
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        other => other,
    }
    .to_owned();
    let mut crl_distribution_points = Vec::new();
    let mut is_ca = false;
    for extension in certificate.extensions() {
        match extension.parsed_extension() {
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in points.iter() {
                    if let Some(DistributionPointName::FullName(names)) = &point.distribution_point {
                        for name in names {
                            if let GeneralName::URI(uri) = name {
                                crl_distribution_points.push((*uri).to_owned());
                            }
                        }
                    }
                }
            }
            ParsedExtension::BasicConstraints(constraints) => is_ca = constraints.ca,
            _ => {}
        }
    }
    Ok(CertificateSummary {
        subject: name_text(certificate.subject()),
        issuer: name_text(certificate.issuer()),
        serial_number: hex_upper(magnitude(certificate.raw_serial())),
        not_before: instant(certificate.validity().not_before),
        not_after: instant(certificate.validity().not_after),
        key_algorithm,
        key_bits,
        signature_algorithm,
        sha1_fingerprint: hex_upper(&sha1::Sha1::digest(der)),
        sha256_fingerprint: hex_upper(&sha2::Sha256::digest(der)),
        crl_distribution_points,
        is_ca,
    })
}

/// A serial number without its leading zero bytes (the DER sign octet included).
fn magnitude(serial: &[u8]) -> &[u8] {
    let start = serial.iter().position(|byte| *byte != 0).unwrap_or(serial.len().saturating_sub(1));
    &serial[start..]
}

/// A name as Graph writes `subjectName`: relative names most specific first, `KEY=value`.
fn name_text(name: &x509_parser::x509::X509Name<'_>) -> String {
    const SHORT: [(&str, &str); 7] = [
        ("2.5.4.3", "CN"),
        ("2.5.4.11", "OU"),
        ("2.5.4.10", "O"),
        ("2.5.4.7", "L"),
        ("2.5.4.8", "S"),
        ("2.5.4.6", "C"),
        ("1.2.840.113549.1.9.1", "E"),
    ];
    let parts: Vec<String> = name
        .iter()
        .map(|rdn| {
            rdn.iter()
                .map(|attribute| {
                    let oid = attribute.attr_type().to_id_string();
                    let key = SHORT.iter().find(|(known, _)| *known == oid).map_or(oid.as_str(), |(_, short)| short);
                    match attribute.as_str() {
                        Ok(value) => format!("{key}={value}"),
                        Err(_) => format!("{key}=#{}", hex_upper(attribute.as_slice())),
                    }
                })
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect();
    parts.into_iter().rev().collect::<Vec<_>>().join(", ")
}

/// One field on which the entity and its certificate disagree.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Disagreement {
    /// The entity's property.
    pub property: &'static str,
    /// What the entity says.
    pub entity: String,
    /// What the certificate says.
    pub certificate: String,
}

/// The entity's fields that disagree with its certificate: `thumbprint`, `serialNumber`
/// (compared as hex, case-insensitively), `validityStartDateTime` and `validityEndDateTime`
/// (to the second). Absent entity fields are not compared.
pub fn disagreements(ca: &CloudCertificationAuthority, summary: &CertificateSummary) -> Vec<Disagreement> {
    let mut found = Vec::new();
    let mut text = |property: &'static str, entity: Option<&String>, certificate: &str| {
        if let Some(entity) = entity
            && !entity.trim().trim_start_matches('0').eq_ignore_ascii_case(certificate.trim_start_matches('0'))
        {
            found.push(Disagreement { property, entity: entity.clone(), certificate: certificate.to_owned() });
        }
    };
    text("thumbprint", ca.thumbprint.value(), &summary.sha1_fingerprint);
    text("serialNumber", ca.serial_number.value(), &summary.serial_number);
    for (property, entity, certificate) in [
        ("validityStartDateTime", ca.validity_start_date_time.value(), summary.not_before),
        ("validityEndDateTime", ca.validity_end_date_time.value(), summary.not_after),
    ] {
        if let Some(entity) = entity
            && entity.to_utc().timestamp() != certificate.timestamp()
        {
            found.push(Disagreement {
                property,
                entity: entity.to_string(),
                certificate: certificate.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            });
        }
    }
    found
}

/// PEM text of one DER block.
pub fn pem(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The certificates of a file as operators hand them over: PEM (one or more
/// `CERTIFICATE` blocks), base64 DER, or binary DER.
pub fn read_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, X509Error> {
    if bytes.len() > MAX_DER_BYTES {
        return Err(error(format!("more than {MAX_DER_BYTES} bytes")));
    }
    if bytes.first() == Some(&0x30) {
        parse(bytes)?;
        return Ok(vec![bytes.to_vec()]);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| error("neither DER, PEM nor base64"))?;
    let blocks = pem_blocks(text, "CERTIFICATE")?;
    let ders = if blocks.is_empty() { vec![base64_der(text)?] } else { blocks };
    for der in &ders {
        parse(der)?;
    }
    Ok(ders)
}

/// The DER of each `label` block of PEM text (other blocks are an error).
pub fn pem_blocks(text: &str, label: &str) -> Result<Vec<Vec<u8>>, X509Error> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(found) = line.strip_prefix("-----BEGIN ").and_then(|rest| rest.strip_suffix("-----")) else {
            continue;
        };
        if found != label {
            return Err(error(format!("a PEM block of `{found}` where `{label}` was expected")));
        }
        let end = format!("-----END {label}-----");
        let mut body = String::new();
        loop {
            match lines.next() {
                Some(line) if line == end => break,
                Some(line) => body.push_str(line),
                None => return Err(error(format!("a `{label}` PEM block without its END line"))),
            }
        }
        blocks.push(base64_der(&body)?);
    }
    Ok(blocks)
}

fn base64_der(text: &str) -> Result<Vec<u8>, X509Error> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|problem| error(format!("not valid base64: {problem}")))
}

/// Whether `certificate` (DER) is signed by `issuer` (DER): the names chain and the signature
/// verifies with the issuer's key.
pub fn is_signed_by(certificate: &[u8], issuer: &[u8]) -> Result<bool, X509Error> {
    let (certificate, issuer) = (parse(certificate)?, parse(issuer)?);
    Ok(certificate.issuer().as_raw() == issuer.subject().as_raw()
        && certificate.verify_signature(Some(issuer.public_key())).is_ok())
}

/// The SubjectPublicKeyInfo (DER) of a certificate.
pub fn public_key_info(certificate: &[u8]) -> Result<Vec<u8>, X509Error> {
    Ok(parse(certificate)?.public_key().raw.to_vec())
}

/// The SubjectPublicKeyInfo (DER) of a PKCS#10 request (PEM or base64 DER), after checking its
/// own signature.
pub fn request_public_key_info(request: &str) -> Result<Vec<u8>, X509Error> {
    use x509_parser::certification_request::X509CertificationRequest;
    let blocks = pem_blocks(request, "CERTIFICATE REQUEST")?;
    let der = match blocks.into_iter().next() {
        Some(der) => der,
        None => base64_der(request)?,
    };
    let (_, parsed) = X509CertificationRequest::from_der(&der)
        .map_err(|problem| error(format!("the certificate signing request cannot be read: {problem}")))?;
    parsed
        .verify_signature()
        .map_err(|problem| error(format!("the certificate signing request's signature does not verify: {problem}")))?;
    Ok(parsed.certification_request_info.subject_pki.raw.to_vec())
}

/// A CRL whose signature verified with its CA's certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCrl {
    /// When it was issued.
    pub this_update: DateTime<Utc>,
    /// When the next one is due, if it says.
    pub next_update: Option<DateTime<Utc>>,
    /// The revoked serial numbers (uppercase hex of their magnitude) and when each was revoked.
    pub revoked: HashMap<String, DateTime<Utc>>,
}

/// Reads `crl` (DER) and verifies it was issued and signed by `ca_certificate` (DER).
pub fn verify_crl(crl: &[u8], ca_certificate: &[u8]) -> Result<VerifiedCrl, X509Error> {
    if crl.len() > MAX_DER_BYTES {
        return Err(error(format!("a CRL of more than {MAX_DER_BYTES} bytes")));
    }
    let ca = parse(ca_certificate)?;
    let (_, parsed) =
        CertificateRevocationList::from_der(crl).map_err(|problem| error(format!("not a DER CRL: {problem}")))?;
    if parsed.issuer().as_raw() != ca.subject().as_raw() {
        return Err(error(format!(
            "the CRL was issued by `{}`, not by the certification authority `{}`",
            name_text(parsed.issuer()),
            name_text(ca.subject())
        )));
    }
    parsed
        .verify_signature(ca.public_key())
        .map_err(|problem| error(format!("the CRL's signature does not verify with the CA certificate: {problem}")))?;
    Ok(VerifiedCrl {
        this_update: instant(parsed.last_update()),
        next_update: parsed.next_update().map(instant),
        revoked: parsed
            .iter_revoked_certificates()
            .map(|entry| (hex_upper(magnitude(entry.raw_serial())), instant(entry.revocation_date)))
            .collect(),
    })
}

/// A serial number as the CRL keys it: uppercase hex without leading zeros or separators.
pub fn normalize_serial(serial: &str) -> String {
    let hex: String = serial.chars().filter(char::is_ascii_hexdigit).collect::<String>().to_ascii_uppercase();
    let trimmed = hex.trim_start_matches('0');
    let trimmed = if trimmed.len() % 2 == 1 { format!("0{trimmed}") } else { trimmed.to_owned() };
    if trimmed.is_empty() { "00".to_owned() } else { trimmed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{
        BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType, IsCa, Issuer, KeyIdMethod,
        KeyPair, KeyUsagePurpose, RevokedCertParams, SerialNumber,
    };

    fn ca(name: &str) -> (KeyPair, rcgen::Certificate, CertificateParams) {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.distinguished_name.push(DnType::OrganizationName, "Contoso Ltd");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.serial_number = Some(SerialNumber::from_slice(&[0x3A, 0x01, 0x02]));
        let certificate = params.self_signed(&key).unwrap();
        (key, certificate, params)
    }

    #[test]
    fn a_data_url_certificate_is_summarized_and_compared_with_its_entity() {
        let (_, certificate, _) = ca("Contoso Root CA");
        let der = certificate.der().to_vec();
        let url = format!(
            "data:application/x-x509-ca-cert;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&der)
        );
        assert_eq!(decode_data_url(&url).unwrap(), der);
        let summary = summarize(&der).unwrap();
        let mut parts: Vec<&str> = summary.subject.split(", ").collect();
        parts.sort_unstable();
        assert_eq!(parts, ["CN=Contoso Root CA", "O=Contoso Ltd"]);
        assert_eq!(summary.issuer, summary.subject);
        assert_eq!(summary.serial_number, "3A0102");
        assert_eq!(summary.sha1_fingerprint.len(), 40);
        assert_eq!(summary.key_algorithm, "EC P-256");
        assert_eq!(summary.signature_algorithm, "ecdsa-with-SHA256");
        assert!(summary.is_ca);
        let agreeing = CloudCertificationAuthority::new()
            .with_thumbprint(summary.sha1_fingerprint.to_ascii_lowercase())
            .with_serial_number("3a0102");
        assert!(disagreements(&agreeing, &summary).is_empty());
        let wrong = CloudCertificationAuthority::new().with_thumbprint("00").with_serial_number("3A0103");
        let found: Vec<_> = disagreements(&wrong, &summary).into_iter().map(|d| d.property).collect();
        assert_eq!(found, ["thumbprint", "serialNumber"]);
        for bad in ["https://x/ca.crt", "data:text/plain,abc", "data:;base64,@@@"] {
            assert!(decode_data_url(bad).is_err(), "{bad}");
        }
        assert!(summarize(b"\x30\x03\x02\x01").is_err());
    }

    #[test]
    fn certificates_are_read_as_pem_base64_or_der() {
        let (_, certificate, _) = ca("A");
        let der = certificate.der().to_vec();
        let two = format!("{}{}", certificate.pem(), pem("CERTIFICATE", &der));
        assert_eq!(read_certificates(two.as_bytes()).unwrap(), [der.clone(), der.clone()]);
        let base64 = base64::engine::general_purpose::STANDARD.encode(&der);
        assert_eq!(read_certificates(base64.as_bytes()).unwrap(), std::slice::from_ref(&der));
        assert_eq!(read_certificates(&der).unwrap(), [der]);
        assert!(read_certificates(b"-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n").is_err());
        assert!(read_certificates(b"hello").is_err());
    }

    #[test]
    fn a_crl_is_verified_with_its_ca_and_its_entries_read() {
        let (key, certificate, params) = ca("Contoso Issuing CA");
        let (_, other, _) = ca("Someone else");
        let issuer = Issuer::new(params, &key);
        let revoked_at = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let crl = CertificateRevocationListParams {
            this_update: time::OffsetDateTime::from_unix_timestamp(1_780_000_100).unwrap(),
            next_update: time::OffsetDateTime::from_unix_timestamp(1_780_086_500).unwrap(),
            crl_number: SerialNumber::from(7u64),
            issuing_distribution_point: None,
            revoked_certs: vec![RevokedCertParams {
                serial_number: SerialNumber::from_slice(&[0x00, 0x6F, 0x01]),
                revocation_time: time::OffsetDateTime::from_unix_timestamp(revoked_at.timestamp()).unwrap(),
                reason_code: None,
                invalidity_date: None,
            }],
            key_identifier_method: KeyIdMethod::Sha256,
        }
        .signed_by(&issuer)
        .unwrap();
        let verified = verify_crl(crl.der(), certificate.der()).unwrap();
        assert_eq!(verified.revoked.get(&normalize_serial("6f:01")), Some(&revoked_at));
        assert_eq!(verified.next_update.map(|at| at.timestamp()), Some(1_780_086_500));
        assert!(verify_crl(crl.der(), other.der()).is_err(), "another CA's certificate does not verify it");
        assert!(verify_crl(b"garbage", certificate.der()).is_err());
        assert_eq!(normalize_serial("00 6f 01"), "6F01");
        assert_eq!(normalize_serial("0"), "00");
    }
}
