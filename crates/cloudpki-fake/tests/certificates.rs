//! The certificates behind the entities, read back with an independent X.509 reader
//! (x509-parser) over real sockets: CA certificates agree with what the entities say of them,
//! CRLs are signed and list revocations, an external root (rcgen playing the operator's PKI)
//! signs a CA's request end to end, the `$count` routes, and the single-entity wire shapes.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use base64::Engine as _;
use cloudpki_fake::{Config, Wire};
use common::Api;
use serde_json::Value;
use sha1::Digest as _;
use x509_parser::certificate::X509Certificate;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::num_bigint::BigUint;
use x509_parser::prelude::FromDer as _;
use x509_parser::public_key::PublicKey;
use x509_parser::revocation_list::CertificateRevocationList;
use x509_parser::x509::X509Name;

const CAS: &str = "/deviceManagement/cloudCertificationAuthority";
const TENANT_LEAVES: &str = "/deviceManagement/cloudCertificationAuthorityLeafCertificate";
const DATA_URL_PREFIX: &str = "data:application/x-x509-ca-cert;base64,";

fn ca_path(id: &str) -> String {
    format!("{CAS}/{id}")
}

fn leaves_path(ca: &str) -> String {
    format!("{CAS}/{ca}/cloudCertificationAuthorityLeafCertificate")
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02X}")).collect()
}

fn sha1_hex(der: &[u8]) -> String {
    hex_upper(&sha1::Sha1::digest(der))
}

fn base64(der: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// The DER of a `certificateDownloadUrl`.
fn der_of_data_url(url: &Value) -> Vec<u8> {
    let url = url.as_str().unwrap_or_else(|| panic!("certificateDownloadUrl is not a string: {url}"));
    let encoded = url.strip_prefix(DATA_URL_PREFIX).unwrap_or_else(|| panic!("not a CA data URL: {url:.80}"));
    base64::engine::general_purpose::STANDARD.decode(encoded).unwrap()
}

/// Exactly one certificate.
fn certificate(der: &[u8]) -> X509Certificate<'_> {
    let (rest, certificate) = x509_parser::parse_x509_certificate(der).unwrap();
    assert!(rest.is_empty(), "trailing bytes after the certificate");
    certificate
}

/// Exactly one CRL.
fn crl(der: &[u8]) -> CertificateRevocationList<'_> {
    let (rest, crl) = x509_parser::parse_x509_crl(der).unwrap();
    assert!(rest.is_empty(), "trailing bytes after the CRL");
    crl
}

/// A name as Graph's `subjectName` writes it: most specific first, Windows' short names.
fn graph_name(name: &X509Name<'_>) -> String {
    let short = |oid: &str| match oid {
        "2.5.4.3" => "CN".to_owned(),
        "2.5.4.11" => "OU".to_owned(),
        "2.5.4.10" => "O".to_owned(),
        "2.5.4.7" => "L".to_owned(),
        "2.5.4.8" => "S".to_owned(),
        "2.5.4.6" => "C".to_owned(),
        other => other.to_owned(),
    };
    let mut parts: Vec<String> = name
        .iter()
        .map(|rdn| {
            rdn.iter()
                .map(|attribute| {
                    format!("{}={}", short(&attribute.attr_type().to_id_string()), attribute.as_str().unwrap())
                })
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect();
    parts.reverse();
    parts.join(", ")
}

/// A wire date-time as Unix seconds.
fn seconds(value: &Value) -> i64 {
    let text = value.as_str().unwrap_or_else(|| panic!("not a date-time: {value}"));
    chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|error| panic!("{text}: {error}")).timestamp()
}

/// The signature algorithm OIDs (RSA PKCS#1 v1.5, ECDSA) of a Graph hashing algorithm.
fn signature_oids(hashing: &str) -> [&'static str; 2] {
    match hashing {
        "sha256" => ["1.2.840.113549.1.1.11", "1.2.840.10045.4.3.2"],
        "sha384" => ["1.2.840.113549.1.1.12", "1.2.840.10045.4.3.3"],
        "sha512" => ["1.2.840.113549.1.1.13", "1.2.840.10045.4.3.4"],
        other => panic!("unexpected hashing algorithm {other}"),
    }
}

fn key_bits(size: &str) -> usize {
    match size {
        "rsa2048" => 2048,
        "rsa3072" => 3072,
        "rsa4096" => 4096,
        other => panic!("unexpected key size {other}"),
    }
}

/// Every item of a listing, following next links.
async fn all_items(api: &Api, path: &str) -> Vec<Value> {
    let mut url = api.url(path);
    let mut items = Vec::new();
    for _ in 0..100 {
        let answer = api.get(&url).await;
        assert_eq!(answer.status, 200, "{url}: {}", String::from_utf8_lossy(&answer.body));
        let page = answer.json();
        items.extend(page["value"].as_array().unwrap().iter().cloned());
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => return items,
        }
    }
    panic!("next links do not end");
}

/// A plain GET as a relying party makes it: no token, nothing else.
async fn download(url: &str) -> (u16, Option<String>, Vec<u8>) {
    let response = common::client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|value| value.to_str().ok()).map(str::to_owned);
    (status, content_type, response.bytes().await.unwrap().to_vec())
}

/// A CA's current CRL (DER), checked to be served as one.
async fn download_crl(ca: &Value) -> Vec<u8> {
    let url = ca["certificateRevocationListUrl"].as_str().unwrap();
    assert!(url.starts_with("http://localhost:") && url.contains("/CloudPKI/") && url.ends_with(".crl"), "{url}");
    let (status, content_type, body) = download(url).await;
    assert_eq!(status, 200, "{url}: {}", String::from_utf8_lossy(&body));
    assert_eq!(content_type.as_deref(), Some("application/pkix-crl"));
    body
}

/// A `$count` answer: a text/plain integer.
async fn count(api: &Api, path: &str) -> usize {
    let answer = api.get(path).await;
    assert_eq!(answer.status, 200, "{path}: {}", String::from_utf8_lossy(&answer.body));
    assert!(answer.header("content-type").unwrap().starts_with("text/plain"), "{:?}", answer.header("content-type"));
    let text = String::from_utf8(answer.body).unwrap();
    text.parse().unwrap_or_else(|error| panic!("{path}: {text:?}: {error}"))
}

/// Checks what an entity (a CA or a version) says of its certificate against the certificate.
fn assert_describes(entity: &Value, der: &[u8], what: &str) {
    let parsed = certificate(der);
    assert_eq!(entity["thumbprint"].as_str(), Some(sha1_hex(der).as_str()), "{what}: thumbprint");
    let serial = parsed.raw_serial();
    let magnitude = &serial[serial.iter().position(|byte| *byte != 0).unwrap_or(serial.len())..];
    assert_eq!(entity["serialNumber"].as_str(), Some(hex_upper(magnitude).as_str()), "{what}: serialNumber");
    assert_eq!(
        seconds(&entity["validityStartDateTime"]),
        parsed.validity().not_before.timestamp(),
        "{what}: validityStartDateTime"
    );
    assert_eq!(
        seconds(&entity["validityEndDateTime"]),
        parsed.validity().not_after.timestamp(),
        "{what}: validityEndDateTime"
    );
    assert_eq!(entity["subjectName"].as_str(), Some(graph_name(parsed.subject()).as_str()), "{what}: subjectName");
}

#[tokio::test]
async fn every_ca_entity_agrees_with_its_certificate() {
    let api = Api::start(Config::default().with_data(3, 5)).await;
    let cas = all_items(&api, CAS).await;
    assert_eq!(cas.len(), 4);
    let ders: Vec<Vec<u8>> = cas.iter().map(|ca| der_of_data_url(&ca["certificateDownloadUrl"])).collect();
    let root_index =
        cas.iter().position(|ca| ca["cloudCertificationAuthorityType"] == "rootCertificationAuthority").unwrap();
    let root = certificate(&ders[root_index]);
    let root_hashing = cas[root_index]["cloudCertificationAuthorityHashingAlgorithm"].as_str().unwrap();
    for (ca, der) in cas.iter().zip(&ders) {
        let name = ca["displayName"].as_str().unwrap();
        let parsed = certificate(der);
        assert_describes(ca, der, name);
        assert!(parsed.is_ca(), "{name}: basicConstraints cA");

        let bits = key_bits(ca["certificateKeySize"].as_str().unwrap());
        match parsed.public_key().parsed().unwrap() {
            PublicKey::RSA(rsa) => assert_eq!(rsa.key_size(), bits, "{name}: key size"),
            _ => panic!("{name}: not an RSA key"),
        }

        // A certificate is signed with its issuer's hash; the CA's own hash signs what it issues
        // (its CRL, below).
        let hashing = ca["cloudCertificationAuthorityHashingAlgorithm"].as_str().unwrap();
        let signature = parsed.signature_algorithm.algorithm.to_id_string();
        let is_root = std::ptr::eq(ca, &cas[root_index]);
        if is_root {
            assert_eq!(parsed.subject().as_raw(), parsed.issuer().as_raw(), "{name}: self-issued");
            parsed.verify_signature(None).unwrap();
            assert!(signature_oids(hashing).contains(&signature.as_str()), "{name}: {signature} for {hashing}");
        } else {
            assert_eq!(parsed.issuer().as_raw(), root.subject().as_raw(), "{name}: issued by the root");
            parsed.verify_signature(Some(root.public_key())).unwrap();
            assert!(parsed.verify_signature(None).is_err(), "{name}: not self-signed");
            assert!(
                signature_oids(root_hashing).contains(&signature.as_str()),
                "{name}: {signature} for the root's {root_hashing}"
            );
            assert_eq!(ca["issuerCommonName"], cas[root_index]["displayName"], "{name}");
        }

        let version = &ca["activeVersion"];
        assert!(version.is_object(), "{name}: activeVersion {version}");
        assert_eq!(version["versionNumber"], ca["versionNumber"], "{name}");
        assert_eq!(version["certificationAuthorityVersionStatus"], "active", "{name}");
        assert_eq!(der_of_data_url(&version["certificateDownloadUrl"]), *der, "{name}: activeVersion's certificate");
        assert_describes(version, der, &format!("{name} activeVersion"));

        // The CRL: signed by this CA with its own hash, named by its subject.
        let crl_der = download_crl(ca).await;
        let list = crl(&crl_der);
        list.verify_signature(parsed.public_key()).unwrap();
        assert_eq!(list.issuer().as_raw(), parsed.subject().as_raw(), "{name}: CRL issuer");
        let crl_signature = list.signature_algorithm.algorithm.to_id_string();
        assert!(signature_oids(hashing).contains(&crl_signature.as_str()), "{name}: CRL {crl_signature} for {hashing}");
    }
}

#[tokio::test]
async fn a_revoked_leaf_is_listed_in_the_cas_signed_crl() {
    let api = Api::quiet().await;
    let ca_id = api.issuing_ca();
    let ca = api.get(&ca_path(&ca_id)).await.json();
    let ca_der = der_of_data_url(&ca["certificateDownloadUrl"]);
    let ca_certificate = certificate(&ca_der);
    let leaves = all_items(&api, &leaves_path(&ca_id)).await;
    let leaf = leaves.iter().find(|leaf| leaf["certificateStatus"] == "active").unwrap();
    let id = leaf["id"].as_str().unwrap();
    let serial = BigUint::parse_bytes(leaf["serialNumber"].as_str().unwrap().as_bytes(), 16).unwrap();

    // Not listed before it is revoked.
    let before = download_crl(&ca).await;
    assert!(crl(&before).iter_revoked_certificates().all(|entry| *entry.serial() != serial));

    let answer = api
        .post(&format!("{}/revokeLeafCertificate", ca_path(&ca_id)), &format!(r#"{{"leafCertificateId":"{id}"}}"#))
        .await;
    assert_eq!(answer.status, 200);
    let revoked_at = seconds(&answer.json()["revocationDateTime"]);

    let crl_der = download_crl(&ca).await;
    let list = crl(&crl_der);
    list.verify_signature(ca_certificate.public_key()).unwrap();
    assert_eq!(list.issuer().as_raw(), ca_certificate.subject().as_raw());
    let entry = list.iter_revoked_certificates().find(|entry| *entry.serial() == serial).unwrap_or_else(|| {
        panic!("serial {} is not in the CRL", leaf["serialNumber"]);
    });
    assert_eq!(entry.revocation_date.timestamp(), revoked_at);
    // Every revoked leaf of the CA is listed, and nothing else.
    let revoked: Vec<Value> = all_items(&api, &leaves_path(&ca_id))
        .await
        .into_iter()
        .filter(|leaf| leaf["certificateStatus"] == "revoked")
        .collect();
    assert_eq!(list.iter_revoked_certificates().count(), revoked.len());
    let next = list.next_update().unwrap().timestamp();
    assert!(next > list.last_update().timestamp());
}

#[tokio::test]
async fn a_crl_delay_holds_a_fresh_revocation_back() {
    let api = Api::start(Config::default().with_crl_delay(Duration::from_secs(3600))).await;
    let ca_id = api.issuing_ca();
    let ca = api.get(&ca_path(&ca_id)).await.json();
    let ca_der = der_of_data_url(&ca["certificateDownloadUrl"]);
    let leaves = all_items(&api, &leaves_path(&ca_id)).await;
    let leaf = leaves.iter().find(|leaf| leaf["certificateStatus"] == "active").unwrap();
    let id = leaf["id"].as_str().unwrap();
    let serial = BigUint::parse_bytes(leaf["serialNumber"].as_str().unwrap().as_bytes(), 16).unwrap();
    let already_revoked = leaves.iter().filter(|leaf| leaf["certificateStatus"] == "revoked").count();

    let answer = api
        .post(&format!("{}/revokeLeafCertificate", ca_path(&ca_id)), &format!(r#"{{"leafCertificateId":"{id}"}}"#))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["certificateStatus"], "revoked");

    let crl_der = download_crl(&ca).await;
    let list = crl(&crl_der);
    list.verify_signature(certificate(&ca_der).public_key()).unwrap();
    assert!(
        list.iter_revoked_certificates().all(|entry| *entry.serial() != serial),
        "a revocation within the delay is not published yet"
    );
    // The seeded revocations are older than an hour, so they are listed.
    assert_eq!(list.iter_revoked_certificates().count(), already_revoked);
    let this_update = list.last_update().timestamp();
    let next_update = list.next_update().unwrap().timestamp();
    assert!(
        (3590..=3610).contains(&(next_update - this_update)),
        "nextUpdate {next_update} - thisUpdate {this_update}"
    );
    let now = chrono::Utc::now().timestamp();
    assert!((this_update - now).abs() <= 5, "thisUpdate {this_update} is now ({now})");
}

/// The operator's on-premises root: a self-signed CA certificate and its issuer.
struct OperatorRoot {
    der: Vec<u8>,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl OperatorRoot {
    fn new(common_name: &str) -> OperatorRoot {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.distinguished_name.push(rcgen::DnType::OrganizationName, "Fabrikam");
        params.distinguished_name.push(rcgen::DnType::CommonName, common_name);
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
        params.not_before = rcgen::date_time_ymd(2024, 1, 1);
        params.not_after = rcgen::date_time_ymd(2044, 1, 1);
        let der = params.self_signed(&key).unwrap().der().to_vec();
        OperatorRoot { der, issuer: rcgen::Issuer::new(params, key) }
    }

    /// Signs a CA request as a subordinate CA certificate.
    fn sign(&self, csr_pem: &str) -> Vec<u8> {
        let mut request = rcgen::CertificateSigningRequestParams::from_pem(csr_pem).unwrap();
        request.params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
        request.params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        request.params.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x4C, 0x01, 0x02, 0x03, 0x04]));
        request.params.not_before = rcgen::date_time_ymd(2025, 1, 1);
        request.params.not_after = rcgen::date_time_ymd(2030, 1, 1);
        request.signed_by(&self.issuer).unwrap().der().to_vec()
    }
}

/// DER as PEM, 64 characters a line.
fn pem(der: &[u8]) -> String {
    let text = base64(der);
    let lines: Vec<&str> = text.as_bytes().chunks(64).map(|line| std::str::from_utf8(line).unwrap()).collect();
    format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n"))
}

fn upload_body(signed: &str, chain: &[Vec<u8>]) -> String {
    let chain: Vec<Value> = chain
        .iter()
        .map(|der| serde_json::json!({"certificate": base64(der), "displayName": "Fabrikam Root"}))
        .collect();
    serde_json::json!({
        "signedCertificate": signed,
        "trustChainCertificates": chain,
        "certificationAuthorityVersion": 1,
    })
    .to_string()
}

#[tokio::test]
async fn an_external_root_signs_the_request_end_to_end() {
    let api = Api::quiet().await;
    let created = api
        .post(
            CAS,
            r#"{"displayName":"Fabrikam Issuing CA","cloudCertificationAuthorityType":"issuingCertificationAuthorityWithExternalRoot","certificateKeySize":"rsa2048","cloudCertificationAuthorityHashingAlgorithm":"sha256","validityPeriodInYears":2}"#,
        )
        .await;
    assert_eq!(created.status, 201, "{}", String::from_utf8_lossy(&created.body));
    let ca = created.json();
    assert_eq!(ca["certificationAuthorityStatus"], "signingPending");
    assert!(ca["certificateDownloadUrl"].is_null(), "no certificate yet: {}", ca["certificateDownloadUrl"]);
    let id = ca["id"].as_str().unwrap().to_owned();
    let csr = ca["certificateSigningRequest"].as_str().unwrap().to_owned();
    assert!(csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"), "{csr:.60}");
    let (_, pem) = x509_parser::pem::parse_x509_pem(csr.as_bytes()).unwrap();
    assert_eq!(pem.label, "CERTIFICATE REQUEST");
    let (rest, request) = X509CertificationRequest::from_der(&pem.contents).unwrap();
    assert!(rest.is_empty());
    request.verify_signature().unwrap();
    let info = &request.certification_request_info;
    assert_eq!(graph_name(&info.subject), ca["subjectName"].as_str().unwrap());
    match info.subject_pki.parsed().unwrap() {
        PublicKey::RSA(rsa) => assert_eq!(rsa.key_size(), 2048),
        _ => panic!("not an RSA key"),
    }
    let csr_key = info.subject_pki.raw.to_vec();
    // The CA's CRL is not published before it has a certificate.
    let (status, _, _) = download(ca["certificateRevocationListUrl"].as_str().unwrap()).await;
    assert_eq!(status, 404);

    let root = OperatorRoot::new("Fabrikam Root CA");
    let upload_path = format!("{}/uploadExternallySignedCertificationAuthorityCertificate", ca_path(&id));
    let chain = [root.der.clone()];

    // Garbage.
    for garbage in ["not a certificate", "QUJD", "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n"] {
        let answer = api.post(&upload_path, &upload_body(garbage, &chain)).await;
        assert_eq!(answer.status, 400, "{garbage}: {}", String::from_utf8_lossy(&answer.body));
        answer.error_code();
    }

    // A CA certificate from the right root, but for another key.
    let other_key = rcgen::KeyPair::generate().unwrap();
    let mut other = rcgen::CertificateParams::default();
    other.distinguished_name.push(rcgen::DnType::CommonName, "Fabrikam Issuing CA");
    other.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    other.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    let other_der = other.signed_by(&other_key, &root.issuer).unwrap().der().to_vec();
    let answer = api.post(&upload_path, &upload_body(&base64(&other_der), &chain)).await;
    assert_eq!(answer.status, 400, "{}", String::from_utf8_lossy(&answer.body));
    answer.error_code();

    // The right certificate without the chain to its root.
    let signed = root.sign(&csr);
    assert_eq!(certificate(&signed).public_key().raw, csr_key.as_slice());
    let answer = api.post(&upload_path, &upload_body(&base64(&signed), &[])).await;
    assert_eq!(answer.status, 400, "{}", String::from_utf8_lossy(&answer.body));
    answer.error_code();
    assert_eq!(api.get(&ca_path(&id)).await.json()["certificationAuthorityStatus"], "signingPending");

    // The right one, base64 DER, with the root as its chain.
    let answer = api.post(&upload_path, &upload_body(&base64(&signed), &chain)).await;
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    let uploaded = answer.json();
    assert_eq!(uploaded["certificationAuthorityStatus"], "active");
    let ca = api.get(&ca_path(&id)).await.json();
    assert_eq!(ca["certificationAuthorityStatus"], "active");
    assert_eq!(ca["certificateDownloadUrl"].as_str(), Some(format!("{DATA_URL_PREFIX}{}", base64(&signed)).as_str()));
    assert_eq!(der_of_data_url(&ca["certificateDownloadUrl"]), signed);
    assert_eq!(ca["thumbprint"].as_str(), Some(sha1_hex(&signed).as_str()));
    assert_eq!(uploaded["thumbprint"], ca["thumbprint"]);
    assert_describes(&ca, &signed, "uploaded CA");
    assert_eq!(ca["activeVersion"]["certificationAuthorityVersionStatus"], "active");
    assert_eq!(der_of_data_url(&ca["activeVersion"]["certificateDownloadUrl"]), signed);

    // A second upload is refused: the CA waits for nothing now.
    let answer = api.post(&upload_path, &upload_body(&base64(&signed), &chain)).await;
    assert_eq!(answer.status, 400);

    // Its CRL: signed with the key of the uploaded certificate.
    let crl_der = download_crl(&ca).await;
    let list = crl(&crl_der);
    let signed_certificate = certificate(&signed);
    list.verify_signature(signed_certificate.public_key()).unwrap();
    assert_eq!(list.issuer().as_raw(), signed_certificate.subject().as_raw());
    assert_eq!(list.iter_revoked_certificates().count(), 0);
    assert!(list.verify_signature(certificate(&root.der).public_key()).is_err());
}

#[tokio::test]
async fn a_pem_upload_with_a_pem_chain_is_accepted_too() {
    let api = Api::quiet().await;
    let created = api
        .post(
            CAS,
            r#"{"displayName":"Fabrikam PEM CA","cloudCertificationAuthorityType":"issuingCertificationAuthorityWithExternalRoot","certificateKeySize":"rsa2048","cloudCertificationAuthorityHashingAlgorithm":"sha256","validityPeriodInYears":2}"#,
        )
        .await;
    assert_eq!(created.status, 201);
    let ca = created.json();
    let id = ca["id"].as_str().unwrap();
    let root = OperatorRoot::new("Fabrikam PEM Root");
    let signed = root.sign(ca["certificateSigningRequest"].as_str().unwrap());
    let body = serde_json::json!({
        "signedCertificate": pem(&signed),
        "trustChainCertificates": [{"certificate": pem(&root.der), "displayName": "Fabrikam PEM Root"}],
        "certificationAuthorityVersion": 1,
    });
    let answer = api
        .post(&format!("{}/uploadExternallySignedCertificationAuthorityCertificate", ca_path(id)), &body.to_string())
        .await;
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    let ca = api.get(&ca_path(id)).await.json();
    assert_eq!(ca["certificationAuthorityStatus"], "active");
    assert_eq!(der_of_data_url(&ca["certificateDownloadUrl"]), signed);
    let crl_der = download_crl(&ca).await;
    crl(&crl_der).verify_signature(certificate(&signed).public_key()).unwrap();
}

#[tokio::test]
async fn count_routes_answer_plain_integers() {
    let api = Api::start(Config::default().with_data(2, 30)).await;
    let active = "$filter=certificateStatus%20eq%20'active'";
    let cas = all_items(&api, CAS).await;
    assert_eq!(count(&api, &format!("{CAS}/$count")).await, cas.len());
    for ca in &cas {
        let id = ca["id"].as_str().unwrap();
        let versions = all_items(&api, &format!("{}/versions", ca_path(id))).await;
        assert_eq!(count(&api, &format!("{}/versions/$count", ca_path(id))).await, versions.len(), "{id}");
        let leaves = all_items(&api, &leaves_path(id)).await;
        assert_eq!(count(&api, &format!("{}/$count", leaves_path(id))).await, leaves.len(), "{id}");
        let active_leaves = all_items(&api, &format!("{}?{active}", leaves_path(id))).await;
        assert!(active_leaves.iter().all(|leaf| leaf["certificateStatus"] == "active"));
        if !leaves.is_empty() {
            assert!(active_leaves.len() < leaves.len(), "{id}: some seeded leaves are revoked or expired");
        }
        assert_eq!(count(&api, &format!("{}/$count?{active}", leaves_path(id))).await, active_leaves.len(), "{id}");
    }
    let issuing = api.issuing_ca();
    assert!(count(&api, &format!("{}/$count", leaves_path(&issuing))).await > 0);

    // The top-level collection is not served by default, $count included.
    for path in [format!("{TENANT_LEAVES}/$count"), TENANT_LEAVES.to_owned()] {
        let answer = api.get(&path).await;
        assert_eq!(answer.status, 404, "{path}");
        answer.error_code();
    }
}

#[tokio::test]
async fn the_top_level_leaf_collection_when_served() {
    let api = Api::start(Config::default().with_data(2, 30).with_tenant_leaves(true)).await;
    let active = "$filter=certificateStatus%20eq%20'active'";
    let all = all_items(&api, TENANT_LEAVES).await;
    assert_eq!(all.len(), 60);
    assert_eq!(count(&api, &format!("{TENANT_LEAVES}/$count")).await, all.len());
    let active_leaves = all_items(&api, &format!("{TENANT_LEAVES}?{active}")).await;
    assert!(!active_leaves.is_empty() && active_leaves.len() < all.len());
    assert_eq!(count(&api, &format!("{TENANT_LEAVES}/$count?{active}")).await, active_leaves.len());

    let issuer = api.issuing_ca();
    let per_ca_before = count(&api, &format!("{}/$count", leaves_path(&issuer))).await;
    let created = api
        .post(TENANT_LEAVES, &format!(r#"{{"issuerId":"{issuer}","subjectName":"CN=device-new","deviceName":"new"}}"#))
        .await;
    assert_eq!(created.status, 201, "{}", String::from_utf8_lossy(&created.body));
    let leaf = created.json();
    let id = leaf["id"].as_str().unwrap().to_owned();
    assert_eq!(leaf["issuerId"].as_str(), Some(issuer.as_str()));
    assert_eq!(leaf["certificateStatus"], "active");
    assert_eq!(count(&api, &format!("{TENANT_LEAVES}/$count")).await, all.len() + 1);
    assert_eq!(count(&api, &format!("{}/$count", leaves_path(&issuer))).await, per_ca_before + 1);

    let read = api.get(&format!("{TENANT_LEAVES}/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json()["id"].as_str(), Some(id.as_str()));
    assert_eq!(read.json()["issuerId"].as_str(), Some(issuer.as_str()));

    let version = api.get(&format!("{TENANT_LEAVES}/{id}/cloudCertificationAuthorityVersion")).await;
    assert_eq!(version.status, 200, "{}", String::from_utf8_lossy(&version.body));
    let version = version.json();
    assert_eq!(version["certificationAuthorityId"].as_str(), Some(issuer.as_str()));
    let versions = all_items(&api, &format!("{}/versions", ca_path(&issuer))).await;
    assert!(versions.iter().any(|known| known["id"] == version["id"]), "a version of the issuer: {version}");

    let patched = api.send("PATCH", &format!("{TENANT_LEAVES}/{id}"), Some(r#"{"deviceName":"renamed"}"#), &[]).await;
    assert_eq!(patched.status, 204, "{}", String::from_utf8_lossy(&patched.body));
    let deleted = api.send("DELETE", &format!("{TENANT_LEAVES}/{id}"), None, &[]).await;
    assert_eq!(deleted.status, 204);
    let gone = api.get(&format!("{TENANT_LEAVES}/{id}")).await;
    assert_eq!(gone.status, 404);
    gone.error_code();
    assert_eq!(count(&api, &format!("{TENANT_LEAVES}/$count")).await, all.len());
    let missing = api.send("DELETE", &format!("{TENANT_LEAVES}/{id}"), None, &[]).await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn single_entities_are_bare_by_default_and_wrapped_with_docs_wire() {
    let live = Api::quiet().await;
    let id = live.issuing_ca();
    let answer = live.get(&ca_path(&id)).await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.starts_with(b"{\"@odata.context\":"), "{}", String::from_utf8_lossy(&answer.body[..80]));
    let bare = answer.json();
    assert!(
        bare["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/$metadata#deviceManagement/cloudCertificationAuthority/$entity")
    );
    assert_eq!(bare["id"].as_str(), Some(id.as_str()));
    assert!(bare.get("value").is_none());

    let docs = Api::start(Config::default().with_wire(Wire::Docs)).await;
    let id = docs.issuing_ca();
    let answer = docs.get(&ca_path(&id)).await;
    assert_eq!(answer.status, 200);
    let wrapped = answer.json();
    let mut keys: Vec<&str> = wrapped.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["@odata.context", "value"]);
    assert!(
        wrapped["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/$metadata#deviceManagement/cloudCertificationAuthority/$entity")
    );
    let entity = &wrapped["value"];
    assert_eq!(entity["id"].as_str(), Some(id.as_str()));
    assert!(entity.get("@odata.context").is_none());
    assert_eq!(
        entity["thumbprint"].as_str(),
        Some(sha1_hex(&der_of_data_url(&entity["certificateDownloadUrl"])).as_str())
    );
    assert_eq!(entity["activeVersion"]["versionNumber"], entity["versionNumber"]);
}
