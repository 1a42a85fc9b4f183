//! `cloudpki ca csr <CA_ID> [--out FILE]`: the PKCS#10 request of a CA with an external root,
//! as PEM, for the operator's own root to sign.

use std::path::PathBuf;

use crate::authority;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::note;
use crate::x509;

/// `ca csr` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca csr $CA --out byo.csr
  cloudpki ca csr $CA | openssl req -noout -text")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// Write it to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The request of `ca` as PEM (checked: its own signature verifies).
///
/// # Errors
///
/// The CA has no request, or it cannot be read.
pub fn request_pem(ca: &cloudpki_model::CloudCertificationAuthority) -> Result<String, Failure> {
    let text = ca
        .certificate_signing_request
        .value()
        .filter(|text| !text.trim().is_empty())
        .or_else(|| ca.active_version.value().and_then(|version| version.certificate_signing_request.value()))
        .filter(|text| !text.trim().is_empty())
        .ok_or_else(|| {
            Failure::Failed(format!(
                "certification authority {} has no certificate signing request (status {}, type {})",
                authority::label(ca),
                authority::status(ca),
                authority::kind(ca)
            ))
        })?;
    x509::request_public_key_info(text).map_err(|error| Failure::Failed(error.0))?;
    let blocks = x509::pem_blocks(text, "CERTIFICATE REQUEST").map_err(|error| Failure::Failed(error.0))?;
    match blocks.first() {
        Some(der) => Ok(x509::pem("CERTIFICATE REQUEST", der)),
        None => {
            use base64::Engine as _;
            let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let der = base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .map_err(|error| Failure::Failed(format!("the request is neither PEM nor base64: {error}")))?;
            Ok(x509::pem("CERTIFICATE REQUEST", &der))
        }
    }
}

/// Runs `ca csr`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let ca = super::show::read(context, &args.ca).await?;
    let pem = request_pem(&ca)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, pem.as_bytes())
                .map_err(|error| Failure::Usage(format!("--out {}: {error}", path.display())))?;
            note!("wrote the certificate signing request of {} to {}", authority::label(&ca), path.display());
            Ok(())
        }
        None => crate::commands::written(crate::output::stream::write_stdout(pem.as_bytes())),
    }
}
