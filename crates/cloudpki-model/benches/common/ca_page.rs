//! Generated `cloudCertificationAuthority` list pages for the benchmarks: deterministic,
//! realistic certification authorities as the live service sends them (see
//! `tests/fixtures/valid/live-ca-list-page.fixture`), written compactly to any `Write`.
//!
//! Every item has all 36 properties and `@odata.type`; one in ten is a root (`scepServerUrl`,
//! `issuerCommonName` and `certificationAuthorityIssuerUri` `null`), the others issuing CAs under
//! the latest root (`scepServerUrl` with the literal, unexpanded `{{CloudPKIFQDN}}`);
//! `ocspResponderUri` and `certificationAuthorityIssuerId` are `""`; `certificateDownloadUrl` is an
//! inline `data:application/x-x509-ca-cert;base64,...` URI of about 1.5 KB; `extendedKeyUsages`
//! are `{name, objectIdentifier}` objects with `@odata.type`; `roleScopeTagIds` has one to three
//! tags; `activeVersion` is included (as the service does without `$expand`), with its
//! `activeVersion@odata.context` annotation, every version property and its `usage`. Date-times
//! are `Z` without fractions. About 6.7 KB per certification authority.

use std::io::{self, Write};

use super::page::{Rng, date_time_z, write_guid, write_hex};

/// The tenant in every generated URL.
const TENANT_ID: &str = "0c9a6f3e-2b1d-4e5f-8a7b-6c5d4e3f2a1b";

/// Extended key usages an issuing CA may carry: `(name, objectIdentifier)`.
const USAGES: [(&str, &str); 4] = [
    ("Client Authentication", "1.3.6.1.5.5.7.3.2"),
    ("Server Authentication", "1.3.6.1.5.5.7.3.1"),
    ("Secure Email", "1.3.6.1.5.5.7.3.4"),
    ("Code Signing", "1.3.6.1.5.5.7.3.3"),
];

/// A page of `count` certification authorities, as a string.
pub fn page(count: usize) -> String {
    let mut out = Vec::with_capacity(count * 5_600 + 512);
    write_page(&mut out, count).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("generated pages are ASCII")
}

/// Writes a page of `count` certification authorities to `out`: `@odata.context` and
/// `@odata.nextLink` before `value`, as in the fixture.
pub fn write_page<W: Write>(out: &mut W, count: usize) -> io::Result<()> {
    let mut rng = Rng(0x5EED_CAFE_F00D_00CA);
    write!(
        out,
        "{{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#deviceManagement/cloudCertificationAuthority\",\"@odata.nextLink\":\"https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority?$skiptoken=LastItemId%3d"
    )?;
    write_guid(out, &mut rng)?;
    out.write_all(b"\",\"value\":[")?;
    let mut root = Root { id: String::new(), name: String::new() };
    for index in 0..count {
        if index > 0 {
            out.write_all(b",")?;
        }
        write_authority(out, index, &mut root, &mut rng)?;
    }
    out.write_all(b"]}")
}

/// The latest root, which the following issuing CAs chain to.
struct Root {
    id: String,
    name: String,
}

/// Writes one certification authority object, with its `activeVersion`.
fn write_authority<W: Write>(out: &mut W, index: usize, root: &mut Root, rng: &mut Rng) -> io::Result<()> {
    let is_root = index.is_multiple_of(10);
    let id = guid(rng);
    let name = if is_root { format!("Contoso Root CA {}", index / 10) } else { format!("Contoso Issuing CA {index}") };
    let escaped_name = name.replace(' ', "%20");
    if is_root {
        *root = Root { id: id.clone(), name: name.clone() };
    }
    let status = match rng.below(100) {
        0..85 => "active",
        85..93 => "paused",
        _ => "revoked",
    };
    // The active version has the CA's status (the three are members of both enums).
    let version_status = status;
    let (key_size, hashing) = match rng.below(3) {
        0 => ("rsa2048", "sha256"),
        1 => ("rsa3072", "sha384"),
        _ => ("rsa4096", "sha512"),
    };
    let key_platform = if rng.below(4) == 0 { "hardwareSecurityModule" } else { "software" };
    let region = ["northAmerica", "europe", "asiaPacific"][rng.below(3) as usize];
    let years = if is_root { 10 } else { 2 + rng.below(4) as i64 };
    let version_number = 1 + u32::from(rng.below(5) == 0);
    let created = 1_767_225_600_i64 + rng.below(180 * 86_400) as i64; // in 2026
    let start = created + rng.below(600) as i64;
    let end = start + years * 365 * 86_400;
    let modified = start + rng.below(90 * 86_400) as i64;
    let modified_text = date_time_z(modified);
    let thumbprint = hex(rng, 40);
    let serial = hex(rng, 38);
    let download_url = data_url(rng);
    let crl_url = format!("http://primary-cdp.manage.microsoft.com/CloudPKI/{TENANT_ID}/{id}/{escaped_name}.crl");
    let issuer_uri = if is_root {
        "null".to_owned()
    } else {
        format!(
            "\"http://primary-cdp.manage.microsoft.com/CloudPKI/{TENANT_ID}/{}/{}.crt\"",
            root.id,
            root.name.replace(' ', "%20")
        )
    };
    let scep_url = if is_root {
        "null".to_owned()
    } else {
        format!(
            "\"https://{{{{CloudPKIFQDN}}}}/TrafficGateway/PassThroughRoutingService/CloudPki/CloudPkiService/Scep/{TENANT_ID}/{id}\""
        )
    };
    let subject = format!("CN={name}, OU=Security, O=Contoso Ltd, L=Redmond, S=Washington, C=US");

    write!(out, "{{\"@odata.type\":\"#microsoft.graph.cloudCertificationAuthority\",\"id\":\"{id}\"")?;
    write!(out, ",\"displayName\":\"{name}\"")?;
    match (is_root, rng.below(3)) {
        (true, _) => out.write_all(b",\"description\":\"Two-tier Cloud PKI root\"")?,
        (false, 0) => out.write_all(b",\"description\":null")?,
        (false, _) => write!(out, ",\"description\":\"Issuing CA for the devices of site {}\"", index % 97)?,
    }
    write!(out, ",\"scepServerUrl\":{scep_url}")?;
    write!(out, ",\"certificateRevocationListUrl\":\"{crl_url}\"")?;
    write!(out, ",\"certificateDownloadUrl\":\"{download_url}\"")?;
    write!(out, ",\"certificationAuthorityIssuerUri\":{issuer_uri}")?;
    out.write_all(b",\"ocspResponderUri\":\"\"")?;
    write!(out, ",\"certificationAuthorityStatus\":\"{status}\"")?;
    write!(out, ",\"eTag\":\"W/\\\"datetime'{}'\\\"\"", modified_text.replace(':', "%3A"))?;
    write!(out, ",\"lastModifiedDateTime\":\"{modified_text}\"")?;
    out.write_all(b",\"roleScopeTagIds\":[\"0\"")?;
    for tag in 0..rng.below(3) {
        write!(out, ",\"{}\"", 1 + tag * 2)?;
    }
    out.write_all(b"]")?;
    write!(out, ",\"createdDateTime\":\"{}\"", date_time_z(created))?;
    out.write_all(b",\"certificationAuthorityIssuerId\":\"\"")?;
    if is_root {
        out.write_all(b",\"issuerCommonName\":null")?;
    } else {
        write!(out, ",\"issuerCommonName\":\"{}\"", root.name)?;
    }
    write!(
        out,
        ",\"cloudCertificationAuthorityType\":\"{}\"",
        if is_root { "rootCertificationAuthority" } else { "issuingCertificationAuthority" }
    )?;
    write!(out, ",\"validityPeriodInYears\":{years}")?;
    write!(out, ",\"validityStartDateTime\":\"{}\"", date_time_z(start))?;
    write!(out, ",\"validityEndDateTime\":\"{}\"", date_time_z(end))?;
    out.write_all(b",\"organizationName\":\"Contoso Ltd\",\"organizationUnit\":\"Security\",\"countryName\":\"US\",\"stateName\":\"Washington\",\"localityName\":\"Redmond\"")?;
    write!(out, ",\"certificateKeySize\":\"{key_size}\"")?;
    write!(out, ",\"cloudCertificationAuthorityHashingAlgorithm\":\"{hashing}\"")?;
    write!(out, ",\"thumbprint\":\"{thumbprint}\",\"serialNumber\":\"{serial}\",\"subjectName\":\"{subject}\"")?;
    write!(out, ",\"commonName\":\"{name}\",\"certificateSigningRequest\":null")?;
    out.write_all(b",\"extendedKeyUsages\":[")?;
    if is_root {
        write_usage(out, "Any Purpose", "2.5.29.37.0")?;
    } else {
        for (n, (usage, oid)) in USAGES.iter().take(1 + rng.below(3) as usize).enumerate() {
            if n > 0 {
                out.write_all(b",")?;
            }
            write_usage(out, usage, oid)?;
        }
    }
    out.write_all(b"]")?;
    write!(out, ",\"versionNumber\":{version_number}")?;
    write!(out, ",\"rootCertificateCommonName\":\"{}\"", root.name)?;
    write!(out, ",\"keyPlatform\":\"{key_platform}\",\"geographicRegion\":\"{region}\"")?;

    write!(
        out,
        ",\"activeVersion@odata.context\":\"https://graph.microsoft.com/beta/$metadata#deviceManagement/cloudCertificationAuthority('{id}')/activeVersion/$entity\""
    )?;
    out.write_all(
        b",\"activeVersion\":{\"@odata.type\":\"#microsoft.graph.cloudCertificationAuthorityVersion\",\"id\":\"",
    )?;
    write_guid(out, rng)?;
    write!(out, "\",\"certificationAuthorityId\":\"{id}\",\"versionNumber\":{version_number}")?;
    write!(out, ",\"certificationAuthorityVersionStatus\":\"{version_status}\",\"keyPlatform\":\"{key_platform}\"")?;
    write!(out, ",\"certificateDownloadUrl\":\"{download_url}\"")?;
    write!(out, ",\"certificateRevocationListUrl\":\"{crl_url}\"")?;
    out.write_all(b",\"certificateSigningRequest\":null")?;
    write!(out, ",\"certificationAuthorityIssuerUri\":{issuer_uri}")?;
    out.write_all(b",\"ocspResponderUri\":\"\"")?;
    write!(out, ",\"scepServerUrl\":{scep_url}")?;
    write!(out, ",\"serialNumber\":\"{serial}\",\"subjectName\":\"{subject}\",\"thumbprint\":\"{thumbprint}\"")?;
    write!(out, ",\"validityStartDateTime\":\"{}\"", date_time_z(start))?;
    write!(out, ",\"validityEndDateTime\":\"{}\"", date_time_z(end))?;
    write!(out, ",\"decommissionDateTime\":null,\"lastModifiedDateTime\":\"{modified_text}\"")?;
    write!(
        out,
        ",\"usage\":{{\"@odata.type\":\"#microsoft.graph.cloudCertificationAuthorityVersionUsage\",\"issuedStagedLeafCertificateCount\":{}}}}}}}",
        rng.below(3)
    )
}

/// One `extendedKeyUsage` object.
fn write_usage<W: Write>(out: &mut W, name: &str, oid: &str) -> io::Result<()> {
    write!(
        out,
        "{{\"@odata.type\":\"#microsoft.graph.extendedKeyUsage\",\"name\":\"{name}\",\"objectIdentifier\":\"{oid}\"}}"
    )
}

/// A 36-character lowercase GUID.
fn guid(rng: &mut Rng) -> String {
    let mut out = Vec::with_capacity(36);
    write_guid(&mut out, rng).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("ASCII")
}

/// `len` uppercase hexadecimal digits.
fn hex(rng: &mut Rng, len: usize) -> String {
    let mut out = Vec::with_capacity(len);
    write_hex(&mut out, rng, len).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("ASCII")
}

/// `data:application/x-x509-ca-cert;base64,MII...`: the base64 of a DER certificate of 1,050 to
/// 1,150 bytes (random content), so 1.44 to 1.57 KB in all.
fn data_url(rng: &mut Rng) -> String {
    const PREFIX: &str = "data:application/x-x509-ca-cert;base64,MIIE";
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let der_len = 1_050 + rng.below(101) as usize;
    let padding = (3 - der_len % 3) % 3;
    // "MIIE" is the first 4 characters of the base64 text.
    let digits_end = PREFIX.len() - 4 + der_len.div_ceil(3) * 4 - padding;
    let mut url = String::with_capacity(digits_end + padding);
    url.push_str(PREFIX);
    while url.len() < digits_end {
        let mut bits = rng.next();
        for _ in 0..10 {
            if url.len() == digits_end {
                break;
            }
            url.push(char::from(ALPHABET[(bits & 0x3F) as usize]));
            bits >>= 6;
        }
    }
    url.extend(std::iter::repeat_n('=', padding));
    url
}
