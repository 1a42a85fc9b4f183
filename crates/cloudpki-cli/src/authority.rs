//! What the CLI reads of a certification authority entity beyond its properties: its
//! certificate (decoded from `certificateDownloadUrl`), its kind and status as text, every CA of
//! the tenant at once (a tenant has a handful), and its CRL fetched and verified.

use std::time::Duration;

use cloudpki_model::CloudCertificationAuthority as Authority;

use crate::context::Context;
use crate::failure::Failure;
use crate::listing::{self, Flow, Listed};
use crate::output::{note, safe};
use crate::x509::{self, VerifiedCrl, X509Error};

/// The CA certificate (DER) of `ca`: its `certificateDownloadUrl`, else its active version's.
///
/// # Errors
///
/// Neither is there, or it is not a base64 `data:` URL.
pub fn certificate_der(ca: &Authority) -> Result<Vec<u8>, X509Error> {
    let url = ca
        .certificate_download_url
        .value()
        .filter(|url| !url.trim().is_empty())
        .or_else(|| ca.active_version.value().and_then(|version| version.certificate_download_url.value()));
    match url {
        Some(url) => x509::decode_data_url(url),
        None => Err(X509Error(
            "the certification authority has no certificate yet (certificateDownloadUrl is empty)".to_owned(),
        )),
    }
}

/// The CA's type as the service spells it (`rootCertificationAuthority`, ...), or `""`.
pub fn kind(ca: &Authority) -> &str {
    ca.cloud_certification_authority_type.value().map_or("", |kind| kind.as_str())
}

/// The CA's status as the service spells it, or `""`.
pub fn status(ca: &Authority) -> &str {
    ca.certification_authority_status.value().map_or("", |status| status.as_str())
}

/// Its id, or `""`.
pub fn id(ca: &Authority) -> &str {
    ca.id.as_deref().unwrap_or_default()
}

/// `"display name" (id)`, terminal-safe.
pub fn label(ca: &Authority) -> String {
    format!("\"{}\" ({})", safe(ca.display_name.as_deref().unwrap_or("")), safe(id(ca)))
}

/// Whether it is a root CA.
pub fn is_root(ca: &Authority) -> bool {
    kind(ca) == "rootCertificationAuthority"
}

/// Every certification authority of the tenant (items the model cannot read are left out with
/// a warning).
///
/// # Errors
///
/// The listing failed.
pub async fn all(context: &Context) -> Result<Vec<Authority>, Failure> {
    let mut found = Vec::new();
    listing::authorities(context, |listed| {
        match listed {
            Listed::Typed(authority) => found.push(authority),
            Listed::Odd(odd) => note!("{}", listing::odd_warning(&odd)),
        }
        Flow::Continue
    })
    .await?;
    Ok(found)
}

/// The issuing CAs of `cas` that chain to `root`: named by `certificationAuthorityIssuerId`, or
/// whose certificate `root`'s certificate signed.
pub fn chained_to<'a>(root: &Authority, cas: &'a [Authority]) -> Vec<&'a Authority> {
    let root_der = certificate_der(root).ok();
    cas.iter()
        .filter(|other| id(other) != id(root) && !is_root(other))
        .filter(|other| {
            let by_id = other.certification_authority_issuer_id.value().is_some_and(|issuer| issuer == id(root));
            let by_signature = match (&root_der, certificate_der(other)) {
                (Some(root), Ok(der)) => x509::is_signed_by(&der, root).unwrap_or(false),
                _ => false,
            };
            by_id || by_signature
        })
        .collect()
}

/// The CRL of `ca`, fetched from its `certificateRevocationListUrl` without any token and
/// verified with its certificate `ca_der`. DER or PEM.
///
/// # Errors
///
/// No URL, a fetch that failed, a CRL that does not verify (the message says which).
pub async fn verified_crl(ca: &Authority, ca_der: &[u8], timeout: Duration) -> Result<VerifiedCrl, String> {
    let url = ca
        .certificate_revocation_list_url
        .value()
        .filter(|url| !url.trim().is_empty())
        .ok_or_else(|| format!("CA {} publishes no certificateRevocationListUrl", label(ca)))?;
    let body = crate::fetch::get(url, crate::fetch::MAX_BODY_BYTES, timeout).await.map_err(|error| error.0)?;
    let der = if body.first() == Some(&0x30) {
        body
    } else {
        let text = String::from_utf8_lossy(&body);
        x509::pem_blocks(&text, "X509 CRL")
            .ok()
            .and_then(|blocks| blocks.into_iter().next())
            .ok_or_else(|| format!("{}: neither a DER nor a PEM CRL", safe(url)))?
    };
    x509::verify_crl(&der, ca_der).map_err(|error| format!("the CRL at {}: {error}", safe(url)))
}
