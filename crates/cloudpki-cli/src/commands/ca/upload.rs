//! `cloudpki ca upload-signed <CA_ID> --cert FILE [--chain FILE]...`: the certificate the
//! operator's own root signed for a CA with an external root, with its chain. Checked here
//! before anything is sent: a CA certificate for the key of the CA's request, each certificate
//! signed by the next, up to a self-signed root.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use cloudpki_model::operations::UploadExternallySignedCertificationAuthorityCertificate as Upload;
use cloudpki_model::{
    TrustChainCertificate, UploadExternallySignedCertificationAuthorityCertificateRequest as Request,
};

use crate::authority;
use crate::commands::write::{self, Change, Confirm};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Kind, show_stdout};
use crate::x509;

/// `ca upload-signed` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca csr $CA --out byo.csr
  # ... sign byo.csr on the on-premises root: byo.pem, root.pem ...
  cloudpki ca upload-signed $CA --cert byo.pem --chain root.pem          # dry run: checks only
  cloudpki ca upload-signed $CA --cert byo.pem --chain root.pem --yes")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// The signed CA certificate: PEM (further certificates in it are taken as its chain),
    /// base64 or DER.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// Certificates of the chain, up to the self-signed root (repeatable; PEM, base64 or DER).
    #[arg(long, value_name = "FILE")]
    pub chain: Vec<PathBuf>,
    /// The version waiting for its certificate (default: the CA's current version).
    #[arg(long, value_name = "N")]
    pub version: Option<i32>,
    /// Dry run unless --yes.
    #[command(flatten)]
    pub confirm: Confirm,
}

fn read(path: &Path, flag: &str) -> Result<Vec<Vec<u8>>, Failure> {
    let bytes = std::fs::read(path).map_err(|error| Failure::Usage(format!("{flag} {}: {error}", path.display())))?;
    x509::read_certificates(&bytes).map_err(|error| Failure::Usage(format!("{flag} {}: {error}", path.display())))
}

/// The chain of `certificate` from `pool`, issuer first, ending with a self-signed root.
///
/// # Errors
///
/// A certificate whose issuer is not in the pool, or a loop.
pub fn order_chain(certificate: &[u8], pool: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, String> {
    let mut chain: Vec<Vec<u8>> = Vec::new();
    let mut current = certificate.to_vec();
    for _ in 0..=pool.len() {
        if x509::is_signed_by(&current, &current).unwrap_or(false) {
            if chain.is_empty() {
                return Err("the certificate is self-signed: it must be signed by the external root".to_owned());
            }
            return Ok(chain);
        }
        let issuer = pool.iter().find(|candidate| x509::is_signed_by(&current, candidate).unwrap_or(false));
        match issuer {
            Some(issuer) => {
                chain.push(issuer.clone());
                current = issuer.clone();
            }
            None => {
                let subject = x509::summarize(&current).map(|summary| summary.issuer).unwrap_or_default();
                return Err(format!(
                    "no certificate of the chain signed `{}` (issuer `{subject}`): give the issuer with --chain",
                    x509::summarize(&current).map(|summary| summary.subject).unwrap_or_default()
                ));
            }
        }
    }
    Err("the chain does not end in a self-signed root".to_owned())
}

/// Runs `ca upload-signed`.
///
/// # Errors
///
/// See [`Failure`]; a certificate that fails the local checks is a usage error (exit 2) and
/// nothing is sent.
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let mut given = read(&args.cert, "--cert")?;
    let certificate = given.remove(0);
    let mut pool = given;
    for path in &args.chain {
        pool.extend(read(path, "--chain")?);
    }
    let ca = super::show::read(context, &args.ca).await?;
    let request = super::csr::request_pem(&ca)?;
    let expected = x509::request_public_key_info(&request).map_err(|error| Failure::Failed(error.0))?;
    let got = x509::public_key_info(&certificate).map_err(|error| Failure::Usage(format!("--cert: {error}")))?;
    let summary = x509::summarize(&certificate).map_err(|error| Failure::Usage(format!("--cert: {error}")))?;
    if got != expected {
        return Err(Failure::Usage(format!(
            "--cert {}: `{}` is not for the key of the request of {}: nothing was sent",
            args.cert.display(),
            crate::output::safe(&summary.subject),
            authority::label(&ca)
        )));
    }
    if !summary.is_ca {
        return Err(Failure::Usage(format!(
            "--cert {}: not a CA certificate (basic constraints): nothing was sent",
            args.cert.display()
        )));
    }
    let chain =
        order_chain(&certificate, &pool).map_err(|error| Failure::Usage(format!("{error}: nothing was sent")))?;
    let encode = |der: &[u8]| base64::engine::general_purpose::STANDARD.encode(der);
    let trust: Vec<TrustChainCertificate> = chain
        .iter()
        .map(|der| {
            let name = x509::summarize(der).map(|summary| summary.subject).unwrap_or_default();
            TrustChainCertificate::new().with_certificate(encode(der)).with_display_name(name)
        })
        .collect();
    let version = args.version.or(ca.version_number).unwrap_or(1);
    let mut change =
        Change::new(format!("upload the signed certificate of {} (version {version})", authority::label(&ca)))
            .with("subject", "-", summary.subject.clone())
            .with("issuer", "-", summary.issuer.clone())
            .with("notAfter", "-", summary.not_after.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .with("certificationAuthorityStatus", authority::status(&ca), "active");
    for (index, der) in chain.iter().enumerate() {
        let name = x509::summarize(der).map(|summary| summary.subject).unwrap_or_default();
        change = change.with(format!("trustChainCertificates[{index}]"), "-", name);
    }
    let body = Request::new(encode(&certificate), trust, version);
    let Some(answer) =
        write::apply_observed(context, &args.confirm, &change, &Upload::new(args.ca.clone(), body)).await?
    else {
        return Ok(());
    };
    crate::commands::written(show_stdout(context.format, Kind::Authority, &write::authority(answer)))
}
