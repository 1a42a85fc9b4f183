//! Tests of the `pki` module, reading everything back with x509-parser.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use chrono::{DateTime, TimeZone as _, Utc};
use rcgen::{BasicConstraints, CertificateParams, CertificateSigningRequestParams, IsCa, KeyPair, PublicKeyData as _};
use x509_parser::certificate::X509Certificate;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::oid_registry::{
    OID_PKCS1_SHA256WITHRSA, OID_PKCS1_SHA384WITHRSA, OID_PKCS1_SHA512WITHRSA, OID_SIG_ECDSA_WITH_SHA256,
    OID_SIG_ECDSA_WITH_SHA384,
};
use x509_parser::prelude::FromDer as _;
use x509_parser::public_key::PublicKey;

use super::cert::{parse_certificate, subject_key_identifier};
use super::upload::{Field, MAX_TEXT_BYTES};
use super::*;

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 12, 30, 15).unwrap()
}

fn subject(common_name: &str) -> Subject {
    Subject {
        common_name: common_name.into(),
        organization: Some("Contoso, Ltd".into()),
        organization_unit: Some("PKI".into()),
        locality: Some("Redmond".into()),
        state: Some("Washington".into()),
        country: Some("US".into()),
    }
}

fn key(algorithm: KeyAlgorithm, hash: Hash, index: usize) -> KeyPair {
    pool_key(algorithm, hash, index).unwrap()
}

fn spec<'a>(subject: &'a Subject, serial: &'a [u8], crl_url: Option<&'a str>) -> CaSpec<'a> {
    CaSpec { subject, serial, not_before: at(2025, 1, 2), not_after: at(2045, 1, 2), crl_url }
}

fn parsed(der: &[u8]) -> X509Certificate<'_> {
    parse_certificate(der).unwrap()
}

/// A root (RSA 2048 key 0, SHA-256) and an issuing CA under it (RSA 2048 key 1, SHA-256).
fn root_and_issuing() -> (Issued, KeyPair, Issued, KeyPair) {
    let (root_key, issuing_key) =
        (key(KeyAlgorithm::Rsa2048, Hash::Sha256, 0), key(KeyAlgorithm::Rsa2048, Hash::Sha256, 1));
    let (root_subject, issuing_subject) = (subject("Contoso Root"), subject("Contoso Issuing"));
    let root = root_certificate(&spec(&root_subject, &[0x1A, 0x2B], None), &root_key).unwrap();
    let crl_url = "http://primary-cdn.pki.azure.net/crl/root.crl";
    let issuing = issuing_certificate(
        &spec(&issuing_subject, &[0x3C, 0x4D, 0x5E], Some(crl_url)),
        &issuing_key,
        &root.signer(&root_key),
    )
    .unwrap();
    (root, root_key, issuing, issuing_key)
}

fn extension<'a, T>(
    certificate: &'a X509Certificate<'_>,
    pick: impl Fn(&'a ParsedExtension<'_>) -> Option<T>,
) -> Option<T> {
    certificate.iter_extensions().find_map(|extension| pick(extension.parsed_extension()))
}

fn authority_key_id(certificate: &X509Certificate<'_>) -> Option<Vec<u8>> {
    extension(certificate, |parsed| match parsed {
        ParsedExtension::AuthorityKeyIdentifier(aki) => aki.key_identifier.as_ref().map(|id| id.0.to_vec()),
        _ => None,
    })
}

fn crl_urls(certificate: &X509Certificate<'_>) -> Vec<String> {
    let urls = extension(certificate, |parsed| match parsed {
        ParsedExtension::CRLDistributionPoints(points) => Some(
            points
                .iter()
                .flat_map(|point| match &point.distribution_point {
                    Some(DistributionPointName::FullName(names)) => names.clone(),
                    _ => Vec::new(),
                })
                .filter_map(|name| match name {
                    GeneralName::URI(uri) => Some(uri.to_string()),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        _ => None,
    });
    urls.unwrap_or_default()
}

// ---- keys ----

#[test]
fn every_pool_key_loads_with_its_size() {
    for algorithm in KeyAlgorithm::ALL {
        for index in 0..algorithm.pool_size() {
            let key = key(algorithm, Hash::Sha384, index);
            let spki_der = key.subject_public_key_info();
            let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(&spki_der).unwrap();
            let bits = match spki.parsed().unwrap() {
                PublicKey::RSA(rsa) => rsa.key_size(),
                PublicKey::EC(point) => point.key_size(),
                other => panic!("unexpected key {other:?}"),
            };
            let expected = usize::try_from(algorithm.bits()).unwrap();
            assert_eq!(bits, expected, "{algorithm:?} {index}");
        }
    }
}

#[test]
fn pool_index_wraps_and_keys_differ() {
    let size = KeyAlgorithm::Rsa4096.pool_size();
    assert_eq!(size, 8);
    let first = key(KeyAlgorithm::Rsa4096, Hash::Sha256, 0).public_key_raw().to_vec();
    assert_eq!(first, key(KeyAlgorithm::Rsa4096, Hash::Sha256, size).public_key_raw());
    assert_ne!(first, key(KeyAlgorithm::Rsa4096, Hash::Sha256, 1).public_key_raw());
}

// ---- CA certificates ----

#[test]
fn root_is_self_signed_and_reads_back_as_described() {
    let (root, _, _, _) = root_and_issuing();
    let certificate = parsed(&root.der);
    certificate.verify_signature(None).unwrap();
    assert_eq!(root.serial_hex, "1A2B");
    assert_eq!(certificate.raw_serial(), [0x1A, 0x2B]);
    assert_eq!(root.thumbprint, sha1_hex(&root.der));
    assert_eq!(root.thumbprint.len(), 40);
    assert_eq!(root.not_before, at(2025, 1, 2));
    assert_eq!(root.not_after, at(2045, 1, 2));
    assert_eq!(certificate.validity().not_before.timestamp(), at(2025, 1, 2).timestamp());
    assert_eq!(certificate.validity().not_after.timestamp(), at(2045, 1, 2).timestamp());
    let text = "CN=Contoso Root, OU=PKI, O=\"Contoso, Ltd\", L=Redmond, S=Washington, C=US";
    assert_eq!(subject("Contoso Root").graph_text(), text);
    assert_eq!(root.subject_text, text);
    assert_eq!(root.issuer_text, text);
    let constraints = certificate.basic_constraints().unwrap().unwrap();
    assert!(constraints.critical && constraints.value.ca);
    assert_eq!(constraints.value.path_len_constraint, None);
    let usage = certificate.key_usage().unwrap().unwrap().value;
    assert!(usage.key_cert_sign() && usage.crl_sign() && usage.digital_signature());
    assert!(subject_key_identifier(&certificate).is_some());
    assert!(crl_urls(&certificate).is_empty());
    assert_eq!(certificate.signature_algorithm.algorithm, OID_PKCS1_SHA256WITHRSA);
}

#[test]
fn issuing_ca_is_signed_by_its_root() {
    let (root, _, issuing, issuing_key) = root_and_issuing();
    let (root_certificate, certificate) = (parsed(&root.der), parsed(&issuing.der));
    certificate.verify_signature(Some(root_certificate.public_key())).unwrap();
    assert!(certificate.verify_signature(None).is_err());
    assert_eq!(certificate.public_key().raw, issuing_key.subject_public_key_info().as_slice());
    assert_eq!(issuing.serial_hex, "3C4D5E");
    assert_eq!(issuing.issuer_text, root.subject_text);
    assert_eq!(issuing.subject_text, subject("Contoso Issuing").graph_text());
    assert_eq!(certificate.issuer().as_raw(), root_certificate.subject().as_raw());
    assert_eq!(certificate.basic_constraints().unwrap().unwrap().value.path_len_constraint, Some(0));
    assert_eq!(authority_key_id(&certificate), subject_key_identifier(&root_certificate));
    assert_eq!(crl_urls(&certificate), ["http://primary-cdn.pki.azure.net/crl/root.crl"]);
}

#[test]
fn signature_algorithm_follows_the_signer_hash_and_key_sizes_are_kept() {
    let cases = [
        (KeyAlgorithm::Rsa2048, Hash::Sha256, OID_PKCS1_SHA256WITHRSA),
        (KeyAlgorithm::Rsa3072, Hash::Sha384, OID_PKCS1_SHA384WITHRSA),
        (KeyAlgorithm::Rsa4096, Hash::Sha512, OID_PKCS1_SHA512WITHRSA),
        (KeyAlgorithm::EcP256, Hash::Sha512, OID_SIG_ECDSA_WITH_SHA256),
        (KeyAlgorithm::EcP384, Hash::Sha256, OID_SIG_ECDSA_WITH_SHA384),
    ];
    let name = subject("Sized");
    for (algorithm, hash, oid) in cases {
        let root_key = key(algorithm, hash, 3);
        let root = root_certificate(&spec(&name, &[7], None), &root_key).unwrap();
        let issuing_key = key(algorithm, hash, 2);
        let issuing = issuing_certificate(&spec(&name, &[8], None), &issuing_key, &root.signer(&root_key)).unwrap();
        let (root_parsed, issuing_parsed) = (parsed(&root.der), parsed(&issuing.der));
        root_parsed.verify_signature(None).unwrap();
        issuing_parsed.verify_signature(Some(root_parsed.public_key())).unwrap();
        for certificate in [&root_parsed, &issuing_parsed] {
            assert_eq!(certificate.signature_algorithm.algorithm, oid, "{algorithm:?}");
            if let PublicKey::RSA(rsa) = certificate.public_key().parsed().unwrap() {
                assert_eq!(rsa.key_size(), usize::try_from(algorithm.bits()).unwrap());
            }
        }
    }
}

#[test]
fn rsa_material_is_deterministic() {
    let (root_a, root_key, issuing_a, issuing_key) = root_and_issuing();
    let (root_b, _, issuing_b, _) = root_and_issuing();
    assert_eq!(root_a, root_b);
    assert_eq!(issuing_a, issuing_b);
    let name = subject("External");
    assert_eq!(csr_pem(&name, &issuing_key).unwrap(), csr_pem(&name, &issuing_key).unwrap());
    let entries = [Revoked { serial: &[0x11, 0x22], revoked_at: at(2025, 3, 4) }];
    let crl = || crl_der(&root_a.signer(&root_key), 5, at(2025, 3, 5), at(2025, 3, 12), &entries).unwrap();
    assert_eq!(crl(), crl());
}

#[test]
fn data_url_and_pem_carry_the_der() {
    let (root, _, _, _) = root_and_issuing();
    let encoded = root.data_url().strip_prefix("data:application/x-x509-ca-cert;base64,").unwrap().to_owned();
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(encoded).unwrap(), root.der);
    let pem = root.pem();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n") && pem.ends_with("-----END CERTIFICATE-----\n"));
    assert!(pem.lines().all(|line| line.len() <= 64));
    assert_eq!(check_upload_chain_root(&pem), root.der);
}

/// The DER the upload decoder reads from a one-certificate text.
fn check_upload_chain_root(text: &str) -> Vec<u8> {
    let mut certificates = super::upload::decode_text(Field::Signed, text).unwrap();
    assert_eq!(certificates.len(), 1);
    certificates.remove(0)
}

/// The DER of a one-block PEM text, whatever its label.
fn pem_body(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD.decode(body).unwrap()
}

#[test]
fn bad_arguments_are_errors() {
    let (root, root_key, _, issuing_key) = root_and_issuing();
    let name = subject("Bad");
    for serial in [&[][..], &[0, 0], &[0x80; 20]] {
        let error = root_certificate(&spec(&name, serial, None), &root_key).unwrap_err();
        assert!(matches!(error, PkiError::InvalidSerial(_)), "{error}");
    }
    root_certificate(&spec(&name, &[0x7F; 20], None), &root_key).unwrap();
    let mut bad_country = name.clone();
    bad_country.country = Some("USA".into());
    assert!(root_certificate(&spec(&bad_country, &[1], None), &root_key).is_err());
    // The signer's key must be its certificate's.
    let error = issuing_certificate(&spec(&name, &[1], None), &issuing_key, &root.signer(&issuing_key)).unwrap_err();
    assert!(matches!(error, PkiError::InvalidIssuer(_)), "{error}");
    let error = crl_der(&root.signer(&root_key), 1, at(2025, 1, 2), at(2025, 1, 1), &[]).unwrap_err();
    assert!(matches!(error, PkiError::Rcgen(_)), "{error}");
}

// ---- names and helpers ----

#[test]
fn subject_text_round_trips() {
    let name = subject("Quote \"here\"");
    let text = name.graph_text();
    assert_eq!(text, "CN=\"Quote \"\"here\"\"\", OU=PKI, O=\"Contoso, Ltd\", L=Redmond, S=Washington, C=US");
    assert_eq!(Subject::from_graph_text(&text).unwrap(), name);
    let short = Subject::from_graph_text("cn=Only, st=Bavaria").unwrap();
    assert_eq!(short.graph_text(), "CN=Only, S=Bavaria");
    for bad in ["O=No CN", "CN=a, CN=b", "CN=a, X=b", "CN=a, junk", ""] {
        assert!(Subject::from_graph_text(bad).is_err(), "{bad}");
    }
}

#[test]
fn serial_hex_parsing() {
    assert_eq!(parse_serial_hex("1a:2B 3c").unwrap(), [0x1A, 0x2B, 0x3C]);
    assert_eq!(parse_serial_hex("0ABC").unwrap(), [0x0A, 0xBC]);
    assert_eq!(parse_serial_hex("00FF").unwrap(), [0xFF]);
    assert_eq!(hex_upper(&parse_serial_hex("3c4d5e").unwrap()), "3C4D5E");
    for bad in ["", "00", "xyz", &"7F".repeat(21)] {
        assert!(parse_serial_hex(bad).is_err(), "{bad}");
    }
    assert_eq!(sha256_hex(b"abc"), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
    assert_eq!(sha1_hex(b"abc"), "A9993E364706816ABA3E25717850C26C9CD0D89D");
}

// ---- CSR ----

#[test]
fn csr_parses_verifies_and_carries_the_pool_key() {
    for algorithm in [KeyAlgorithm::Rsa3072, KeyAlgorithm::EcP384] {
        let key = key(algorithm, Hash::Sha384, 5);
        let pem = csr_pem(&subject("External Issuing"), &key).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
        let der = pem_body(&pem);
        let (rest, request) = X509CertificationRequest::from_der(&der).unwrap();
        assert!(rest.is_empty());
        request.verify_signature().unwrap();
        let info = &request.certification_request_info;
        assert_eq!(info.subject_pki.raw, key.subject_public_key_info().as_slice());
        assert_eq!(super::name::name_text(&info.subject), subject("External Issuing").graph_text());
    }
}

// ---- upload ----

/// An "on-premises" PKI made with rcgen directly: a root, an intermediate, and a way to sign.
struct OnPremises {
    root_params: CertificateParams,
    root_key: KeyPair,
    root_pem: String,
    intermediate_params: CertificateParams,
    intermediate_key: KeyPair,
    intermediate_pem: String,
}

fn on_premises() -> OnPremises {
    let ca = |name: &str| {
        let mut params = CertificateParams::default();
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
    };
    let (root_params, root_key) = (ca("On-prem Root"), key(KeyAlgorithm::Rsa3072, Hash::Sha256, 9));
    let root_pem = root_params.self_signed(&root_key).unwrap().pem();
    let (intermediate_params, intermediate_key) =
        (ca("On-prem Intermediate"), key(KeyAlgorithm::EcP256, Hash::Sha256, 1));
    let root_issuer = rcgen::Issuer::from_params(&root_params, &root_key);
    let intermediate_pem = intermediate_params.signed_by(&intermediate_key, &root_issuer).unwrap().pem();
    OnPremises { root_params, root_key, root_pem, intermediate_params, intermediate_key, intermediate_pem }
}

/// The CA's key and its CSR as the operator's PKI signs it (by the root or the intermediate).
fn signed_csr(
    pki: &OnPremises,
    by_intermediate: bool,
    tweak: impl Fn(&mut CertificateSigningRequestParams),
) -> (KeyPair, String) {
    let ca_key = key(KeyAlgorithm::Rsa2048, Hash::Sha256, 7);
    let mut request =
        CertificateSigningRequestParams::from_pem(&csr_pem(&subject("Cloud Issuing"), &ca_key).unwrap()).unwrap();
    tweak(&mut request);
    let (params, key) = if by_intermediate {
        (&pki.intermediate_params, &pki.intermediate_key)
    } else {
        (&pki.root_params, &pki.root_key)
    };
    let signed = request.signed_by(&rcgen::Issuer::from_params(params, key)).unwrap();
    (ca_key, signed.pem())
}

fn spki(key: &KeyPair) -> Vec<u8> {
    key.subject_public_key_info()
}

fn base64_der(pem: &str) -> String {
    let der = pem_body(pem);
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    // Wrapped, as pasted from a file.
    text.as_bytes().chunks(76).map(|line| String::from_utf8_lossy(line).into_owned()).collect::<Vec<_>>().join("\r\n")
}

#[test]
fn upload_signed_by_root_is_accepted_as_pem_and_as_base64() {
    let pki = on_premises();
    let (ca_key, signed) = signed_csr(&pki, false, |_| {});
    let accepted = check_upload(&spki(&ca_key), &signed, &[&pki.root_pem]).unwrap();
    assert_eq!(accepted.certificate.subject_text, subject("Cloud Issuing").graph_text());
    assert_eq!(accepted.certificate.issuer_text, "CN=On-prem Root");
    assert_eq!(accepted.chain.len(), 1);
    assert_eq!(accepted.chain[0].subject_text, "CN=On-prem Root");
    let again = check_upload(&spki(&ca_key), &base64_der(&signed), &[&base64_der(&pki.root_pem)]).unwrap();
    assert_eq!(again, accepted);
    // A CRL can then be signed under the uploaded certificate.
    let crl = crl_der(&accepted.certificate.signer(&ca_key), 1, at(2025, 1, 1), at(2025, 1, 8), &[]).unwrap();
    let (_, parsed_crl) = x509_parser::parse_x509_crl(&crl).unwrap();
    parsed_crl.verify_signature(parsed(&accepted.certificate.der).public_key()).unwrap();
}

#[test]
fn upload_through_an_intermediate_in_any_order() {
    let pki = on_premises();
    let (ca_key, signed) = signed_csr(&pki, true, |_| {});
    let expected = ["CN=On-prem Intermediate", "CN=On-prem Root"];
    for chain in [[&pki.intermediate_pem, &pki.root_pem], [&pki.root_pem, &pki.intermediate_pem]] {
        let chain: Vec<&str> = chain.iter().map(|text| text.as_str()).collect();
        let accepted = check_upload(&spki(&ca_key), &signed, &chain).unwrap();
        let names: Vec<&str> = accepted.chain.iter().map(|issued| issued.subject_text.as_str()).collect();
        assert_eq!(names, expected);
    }
    // One entry holding both PEM blocks (a bundle), plus an unrelated certificate, is fine too.
    let bundle = format!("{}\n{}", pki.root_pem, pki.intermediate_pem);
    let (root, _, _, _) = root_and_issuing();
    let accepted = check_upload(&spki(&ca_key), &signed, &[&root.pem(), &bundle]).unwrap();
    assert_eq!(accepted.chain.len(), 2);
}

#[test]
fn upload_refusals() {
    let pki = on_premises();
    let (ca_key, signed) = signed_csr(&pki, false, |_| {});
    let (_, by_intermediate) = signed_csr(&pki, true, |_| {});
    let (_, not_ca) = signed_csr(&pki, false, |request| request.params.is_ca = IsCa::ExplicitNoCa);
    let (_, no_crl_sign) =
        signed_csr(&pki, false, |request| request.params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign]);
    let other_key = spki(&key(KeyAlgorithm::Rsa2048, Hash::Sha256, 8));
    let (foreign_root, _, _, _) = root_and_issuing();
    let expected = spki(&ca_key);
    let root = pki.root_pem.as_str();
    let refuse = |key: &[u8], signed: &str, chain: &[&str]| check_upload(key, signed, chain).unwrap_err();

    assert_eq!(refuse(&other_key, &signed, &[root]), UploadError::KeyMismatch);
    assert_eq!(refuse(&expected, &not_ca, &[root]), UploadError::NotACa);
    assert_eq!(refuse(&expected, &no_crl_sign, &[root]), UploadError::KeyUsage);
    assert_eq!(refuse(&expected, &signed, &[]), UploadError::NoIssuer(Field::Signed));
    assert_eq!(refuse(&expected, &signed, &[&foreign_root.pem()]), UploadError::NoIssuer(Field::Signed));
    assert_eq!(refuse(&expected, &by_intermediate, &[root]), UploadError::NoIssuer(Field::Signed));
    let error = refuse(&expected, &by_intermediate, &[&pki.intermediate_pem]);
    assert_eq!(error, UploadError::NoIssuer(Field::Chain(0)));
    assert!(error.to_string().starts_with("the chain does not end at a self-signed root"), "{error}");
    // Same name as the root, other key.
    let impostor = pki.root_params.self_signed(&key(KeyAlgorithm::Rsa2048, Hash::Sha256, 10)).unwrap().pem();
    assert!(matches!(refuse(&expected, &signed, &[&impostor]), UploadError::BadSignature { .. }));
    // Garbage, empty, oversize, too many.
    let error = refuse(&expected, "not a certificate!", &[root]);
    assert!(error.to_string().starts_with("signedCertificate is not a certificate: "), "{error}");
    let error = refuse(&expected, &signed, &[root, "AAAA"]);
    assert!(error.to_string().starts_with("trustChainCertificates[1] is not a certificate: "), "{error}");
    let error = refuse(&expected, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", &[root]);
    assert!(matches!(error, UploadError::NotACertificate(Field::Signed, _)), "{error}");
    assert_eq!(refuse(&expected, "  \n", &[root]), UploadError::Empty(Field::Signed));
    assert_eq!(refuse(&expected, &signed, &[""]), UploadError::Empty(Field::Chain(0)));
    let huge = "A".repeat(MAX_TEXT_BYTES + 1);
    assert_eq!(refuse(&expected, &huge, &[root]), UploadError::TooLarge(Field::Signed));
    assert_eq!(refuse(&expected, &signed, &[root; 11]), UploadError::TooManyChainCertificates(11));
    let bundle = root.repeat(6);
    assert_eq!(refuse(&expected, &signed, &[&bundle, &bundle]), UploadError::TooManyChainCertificates(12));
    let two = format!("{signed}{root}");
    assert_eq!(refuse(&expected, &two, &[root]), UploadError::NotOneCertificate(2));
    assert_eq!(
        UploadError::KeyMismatch.to_string(),
        "the certificate's public key does not match the certificate signing request"
    );
}

#[test]
fn hostile_certificates_never_panic() {
    let pki = on_premises();
    let (ca_key, signed) = signed_csr(&pki, false, |_| {});
    let der = pem_body(&signed);
    let expected = spki(&ca_key);
    let engine = base64::engine::general_purpose::STANDARD;
    for length in (0..der.len()).step_by(3) {
        let truncated = engine.encode(&der[..length]);
        assert!(check_upload(&expected, &truncated, &[&pki.root_pem]).is_err());
    }
    for position in (0..der.len()).step_by(5) {
        let mut flipped = der.clone();
        flipped[position] ^= 0x5A;
        let _ = check_upload(&expected, &engine.encode(&flipped), &[&pki.root_pem]);
        let _ = check_upload(&expected, &signed, &[&engine.encode(&flipped)]);
    }
    for text in [
        "-----BEGIN ",
        "-----BEGIN CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----",
        "é-----BEGIN é",
    ] {
        assert!(check_upload(&expected, text, &[]).is_err(), "{text}");
    }
}

// ---- CRL ----

#[test]
fn crl_reads_back_as_made() {
    let (_, _, issuing, issuing_key) = root_and_issuing();
    let serial_hex = "7F00000000000000000000000000000000000001";
    let serial = parse_serial_hex(serial_hex).unwrap();
    let entries = [
        Revoked { serial: &[0x01, 0x02, 0x03], revoked_at: at(2025, 6, 1) },
        Revoked { serial: &serial, revoked_at: at(2025, 6, 2) },
    ];
    let der = crl_der(&issuing.signer(&issuing_key), 42, at(2025, 6, 3), at(2025, 6, 10), &entries).unwrap();
    let (rest, crl) = x509_parser::parse_x509_crl(&der).unwrap();
    assert!(rest.is_empty());
    let certificate = parsed(&issuing.der);
    crl.verify_signature(certificate.public_key()).unwrap();
    assert_eq!(crl.version(), Some(x509_parser::x509::X509Version::V2));
    assert_eq!(crl.issuer().as_raw(), certificate.subject().as_raw());
    assert_eq!(crl.last_update().timestamp(), at(2025, 6, 3).timestamp());
    assert_eq!(crl.next_update().unwrap().timestamp(), at(2025, 6, 10).timestamp());
    assert_eq!(crl.crl_number().unwrap(), &42u32.into());
    let revoked: Vec<(String, i64)> = crl
        .iter_revoked_certificates()
        .map(|entry| (hex_upper(entry.raw_serial()), entry.revocation_date.timestamp()))
        .collect();
    assert_eq!(
        revoked,
        [("010203".to_owned(), at(2025, 6, 1).timestamp()), (serial_hex.to_owned(), at(2025, 6, 2).timestamp())]
    );
    let aki = crl.extensions().iter().find_map(|extension| match extension.parsed_extension() {
        ParsedExtension::AuthorityKeyIdentifier(aki) => aki.key_identifier.as_ref().map(|id| id.0.to_vec()),
        _ => None,
    });
    assert_eq!(aki, subject_key_identifier(&certificate));
    let empty = crl_der(&issuing.signer(&issuing_key), 43, at(2025, 6, 3), at(2025, 6, 10), &[]).unwrap();
    let (_, empty) = x509_parser::parse_x509_crl(&empty).unwrap();
    assert_eq!(empty.iter_revoked_certificates().count(), 0);
}
