//! `cloudpki ca show <CA_ID>`: the entity and the certificate behind it (decoded from
//! `certificateDownloadUrl`), with the entity's fields that disagree with the certificate
//! flagged.
//!
//! The table lists every property (nested objects as `activeVersion.versionNumber`), then the
//! certificate. JSON and NDJSON are the entity as the service sent it, plus two instance
//! annotations of this CLI: `@cloudpki.certificate` (the decoded certificate) and
//! `@cloudpki.disagreements`.

use cloudpki_model::CloudCertificationAuthority;
use cloudpki_model::operations::GetCloudCertificationAuthorityById;

use crate::context::Context;
use crate::failure::{Failure, OperationInfo, from_client, not_found};
use crate::output::{Format, Kind, note, safe, show_stdout};
use crate::x509::{self, CertificateSummary, Disagreement};

/// `ca show` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki ca show $CA
  cloudpki ca show $CA -o json | jq '.\"@cloudpki.certificate\".notAfter'")]
pub struct Args {
    /// The certification authority's id.
    #[arg(value_name = "CA_ID")]
    pub ca: String,
}

/// Runs `ca show`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let authority = read(context, &args.ca).await?;
    let decoded = crate::authority::certificate_der(&authority).and_then(|der| x509::summarize(&der));
    let (summary, disagreements) = match decoded {
        Ok(summary) => {
            let disagreements = x509::disagreements(&authority, &summary);
            (Some(summary), disagreements)
        }
        Err(error) => {
            note!("note: the CA certificate cannot be decoded: {}", safe(&error.0));
            (None, Vec::new())
        }
    };
    for disagreement in &disagreements {
        note!(
            "warning: {} disagrees with the certificate: the entity says {}, the certificate {}",
            disagreement.property,
            safe(&disagreement.entity),
            safe(&disagreement.certificate)
        );
    }
    match context.format {
        Format::Json | Format::Ndjson => {
            let mut value = serde_json::to_value(&authority).unwrap_or_default();
            if let (Some(members), Some(summary)) = (value.as_object_mut(), &summary) {
                members.insert("@cloudpki.certificate".to_owned(), serde_json::to_value(summary).unwrap_or_default());
                members.insert(
                    "@cloudpki.disagreements".to_owned(),
                    serde_json::to_value(&disagreements).unwrap_or_default(),
                );
            }
            crate::commands::written(show_stdout(context.format, Kind::Authority, &value))
        }
        Format::Csv => crate::commands::written(show_stdout(context.format, Kind::Authority, &authority)),
        Format::Table => {
            let mut text = Vec::new();
            crate::output::printer::show(
                Format::Table,
                Kind::Authority,
                &authority,
                crate::output::table::Style::Table,
                &mut text,
            )
            .map_err(|error| Failure::Failed(error.to_string()))?;
            let mut text = String::from_utf8_lossy(&text).into_owned();
            if let Some(summary) = &summary {
                text.push_str(&certificate_text(summary, &disagreements));
            }
            crate::commands::written(crate::output::stream::write_stdout(text.as_bytes()))
        }
    }
}

/// The decoded certificate as `key: value` lines, after a blank line, and what disagrees.
pub fn certificate_text(summary: &CertificateSummary, disagreements: &[Disagreement]) -> String {
    let time = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let key = match summary.key_bits {
        Some(bits) => format!("{} {bits}", summary.key_algorithm),
        None => summary.key_algorithm.clone(),
    };
    let cdp = if summary.crl_distribution_points.is_empty() {
        "-".to_owned()
    } else {
        summary.crl_distribution_points.join(", ")
    };
    let mut lines: Vec<(String, String)> = [
        ("subject", summary.subject.clone()),
        ("issuer", summary.issuer.clone()),
        ("serialNumber", summary.serial_number.clone()),
        ("notBefore", time(summary.not_before)),
        ("notAfter", time(summary.not_after)),
        ("key", key),
        ("signatureAlgorithm", summary.signature_algorithm.clone()),
        ("sha1Fingerprint", summary.sha1_fingerprint.clone()),
        ("sha256Fingerprint", summary.sha256_fingerprint.clone()),
        ("crlDistributionPoints", cdp),
        ("isCa", summary.is_ca.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (format!("certificate.{k}"), safe(&v).into_owned()))
    .collect();
    let verdict = if disagreements.is_empty() {
        "none (thumbprint, serialNumber and validity agree)".to_owned()
    } else {
        disagreements
            .iter()
            .map(|d| format!("{}: entity {} / certificate {}", d.property, safe(&d.entity), safe(&d.certificate)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    lines.push(("certificate.disagreements".to_owned(), verdict));
    format!("\n{}", crate::output::printer::key_value_lines(&lines))
}

/// Reads one certification authority (a 404 is "no certification authority").
///
/// # Errors
///
/// See [`Failure`].
pub async fn read(context: &Context, ca: &str) -> Result<CloudCertificationAuthority, Failure> {
    context.client.call(&GetCloudCertificationAuthorityById::new(ca)).await.map(|answer| answer.into_entity()).map_err(
        |error| {
            not_found(&error, || format!("no certification authority {ca}")).unwrap_or_else(|| {
                from_client(&error, OperationInfo::of::<GetCloudCertificationAuthorityById>(), &context.service)
            })
        },
    )
}
