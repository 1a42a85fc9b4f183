//! `cloudpki ca cert <CA_ID> [--format pem|der] [--chain] [--out FILE]`: the CA certificate,
//! decoded from its `certificateDownloadUrl` (to deploy it in trusted-certificate profiles);
//! `--chain` adds its issuers up to the root, fetched from `certificationAuthorityIssuerUri`
//! (without a token) or found among the tenant's CAs.

use std::io::IsTerminal;
use std::path::PathBuf;

use cloudpki_model::CloudCertificationAuthority as Authority;

use crate::authority;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{note, safe};
use crate::x509;

/// The encoding of the certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// PEM text (`-----BEGIN CERTIFICATE-----`), one block per certificate.
    Pem,
    /// Binary DER (one certificate: not with --chain).
    Der,
}

/// `ca cert` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca cert $CA > issuing.pem
  cloudpki ca cert $CA --chain --out chain.pem
  cloudpki ca cert $CA --format der --out issuing.cer")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
    /// The encoding.
    #[arg(long, value_enum, default_value_t = Encoding::Pem)]
    pub format: Encoding,
    /// Add the issuers' certificates, up to the root.
    #[arg(long)]
    pub chain: bool,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The issuer of `der` (the certificate of `ca`): from `certificationAuthorityIssuerUri`, else
/// among `cas`. `None` for a self-signed certificate.
///
/// # Errors
///
/// No issuer could be found.
pub async fn issuer_of(ca: &Authority, der: &[u8], cas: &[Authority]) -> Result<Option<Vec<u8>>, String> {
    if x509::is_signed_by(der, der).unwrap_or(false) {
        return Ok(None);
    }
    if let Some(url) = ca.certification_authority_issuer_uri.value().filter(|url| !url.trim().is_empty()) {
        match crate::fetch::get(url, 1 << 20, crate::fetch::DEFAULT_TIMEOUT).await {
            Ok(body) => {
                let found = x509::read_certificates(&body).unwrap_or_default();
                if let Some(issuer) =
                    found.into_iter().find(|candidate| x509::is_signed_by(der, candidate).unwrap_or(false))
                {
                    return Ok(Some(issuer));
                }
            }
            Err(error) => tracing::debug!(%error, "the issuer URI did not give the issuer"),
        }
    }
    for other in cas {
        if let Ok(candidate) = authority::certificate_der(other)
            && candidate != der
            && x509::is_signed_by(der, &candidate).unwrap_or(false)
        {
            return Ok(Some(candidate));
        }
    }
    Err(format!(
        "the issuer of {} was found neither at its certificationAuthorityIssuerUri nor among the tenant's CAs",
        authority::label(ca)
    ))
}

/// Runs `ca cert`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    if args.chain && args.format == Encoding::Der {
        return Err(Failure::Usage("--chain needs --format pem (DER holds one certificate)".to_owned()));
    }
    if args.format == Encoding::Der && args.out.is_none() && std::io::stdout().is_terminal() {
        return Err(Failure::Usage("DER is binary: give --out FILE or redirect stdout".to_owned()));
    }
    let ca = super::show::read(context, &args.ca).await?;
    let der = authority::certificate_der(&ca)
        .map_err(|error| Failure::Failed(format!("{}: {error}", authority::label(&ca))))?;
    let mut ders = vec![der.clone()];
    if args.chain {
        let cas = authority::all(context).await?;
        let (mut current, mut current_ca) = (der, ca.clone());
        for _ in 0..8 {
            match issuer_of(&current_ca, &current, &cas).await.map_err(Failure::Failed)? {
                None => break,
                Some(issuer) => {
                    current_ca = cas
                        .iter()
                        .find(|other| authority::certificate_der(other).is_ok_and(|d| d == issuer))
                        .cloned()
                        .unwrap_or_default();
                    ders.push(issuer.clone());
                    current = issuer;
                }
            }
        }
    }
    let bytes = match args.format {
        Encoding::Der => ders.remove(0),
        Encoding::Pem => ders.iter().map(|der| x509::pem("CERTIFICATE", der)).collect::<String>().into_bytes(),
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes)
                .map_err(|error| Failure::Usage(format!("--out {}: {error}", path.display())))?;
            note!(
                "wrote {} certificate(s) of {} to {}",
                if args.chain { ders.len().max(1) } else { 1 },
                authority::label(&ca),
                safe(&path.display().to_string())
            );
            Ok(())
        }
        None => crate::commands::written(crate::output::stream::write_stdout(&bytes)),
    }
}
