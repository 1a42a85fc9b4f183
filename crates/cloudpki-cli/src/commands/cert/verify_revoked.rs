//! `cloudpki cert verify-revoked --ca <CA_ID> (--id ID... | --serial S... | --from FILE)`:
//! whether relying parties see the revocations: the CA's CRL, fetched from its
//! `certificateRevocationListUrl` without any token and verified with the CA certificate, lists
//! each certificate, or not yet (with when the CRL says to look again), or the certificate is
//! not revoked at all. Also what `cert revoke --verify` waits for.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cloudpki_model::CloudCertificationAuthority as Authority;
use cloudpki_model::CloudCertificationAuthorityLeafCertificate as Certificate;
use serde::Serialize;

use crate::authority;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Kind, Printer, note, safe};
use crate::x509::{self, VerifiedCrl};

/// `cert verify-revoked` arguments.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("selection").required(true).multiple(true).args(["ids", "serials", "from"])))]
#[command(after_help = "Examples:
  cloudpki cert verify-revoked --ca $CA --serial $SERIAL
  cloudpki cert verify-revoked --ca $CA --from revoked.ndjson -o csv

Exit status 0 only when the CRL lists every certificate.")]
pub struct Args {
    /// The certification authority's id.
    #[arg(long, value_name = "CA_ID")]
    pub ca: String,
    /// Certificate ids (repeatable).
    #[arg(long = "id", value_name = "ID", num_args = 1..)]
    pub ids: Vec<String>,
    /// Serial numbers (repeatable).
    #[arg(long = "serial", value_name = "SERIAL", num_args = 1..)]
    pub serials: Vec<String>,
    /// A file of certificate ids (as `cert revoke --from` reads them); `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// The longest the CRL's download may take.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = crate::commands::parse_duration)]
    pub crl_timeout: Duration,
}

/// Where a certificate stands on the CRL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnCrl {
    /// The CRL lists it.
    Listed,
    /// The service says revoked, the CRL does not list it yet.
    NotYetListed,
    /// It is not revoked.
    NotRevoked,
}

impl OnCrl {
    fn text(self) -> &'static str {
        match self {
            OnCrl::Listed => "listed",
            OnCrl::NotYetListed => "not-yet-listed",
            OnCrl::NotRevoked => "not-revoked",
        }
    }
}

/// One certificate checked against the CRL.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// The certificate's id.
    pub id: String,
    /// Its serial number, as the service lists it.
    pub serial_number: String,
    /// Its status, as the service says.
    pub status: String,
    /// Where it stands on the CRL.
    pub crl: &'static str,
    /// The revocation date the CRL gives.
    pub revoked_on_crl: Option<DateTime<Utc>>,
    /// When the CRL says the next one is due (look again then).
    pub next_update: Option<DateTime<Utc>>,
    #[serde(skip)]
    on_crl: OnCrl,
}

/// Each of `certificates` against `crl`.
pub fn check(certificates: &[Certificate], crl: &VerifiedCrl) -> Vec<Row> {
    certificates
        .iter()
        .map(|certificate| {
            let serial = certificate.serial_number.clone().unwrap_or_default();
            let status = certificate.certificate_status.as_ref().map_or("", |status| status.as_str()).to_owned();
            let listed = crl.revoked.get(&x509::normalize_serial(&serial)).copied();
            let on_crl = match listed {
                Some(_) => OnCrl::Listed,
                None if status == "revoked" => OnCrl::NotYetListed,
                None => OnCrl::NotRevoked,
            };
            Row {
                id: certificate.id.clone().unwrap_or_default(),
                serial_number: serial,
                status,
                crl: on_crl.text(),
                revoked_on_crl: listed,
                next_update: crl.next_update,
                on_crl,
            }
        })
        .collect()
}

/// Whether every row is listed.
pub fn all_listed(rows: &[Row]) -> bool {
    rows.iter().all(|row| row.on_crl == OnCrl::Listed)
}

/// The CA and its certificate (DER).
///
/// # Errors
///
/// The CA cannot be read, or has no certificate.
pub async fn authority_and_certificate(context: &Context, ca: &str) -> Result<(Authority, Vec<u8>), Failure> {
    let authority = crate::commands::ca::show::read(context, ca).await?;
    let der = authority::certificate_der(&authority)
        .map_err(|error| Failure::Failed(format!("{}: {error}", authority::label(&authority))))?;
    Ok((authority, der))
}

async fn targets(context: &Context, args: &Args) -> Result<(Vec<Certificate>, usize), Failure> {
    let mut ids = args.ids.clone();
    if let Some(path) = &args.from {
        let text = crate::ids::read_text(path).map_err(|error| Failure::Usage(format!("--from {error}")))?;
        ids.extend(
            crate::ids::parse_ids(&text)
                .map_err(|error| Failure::Usage(format!("--from {}: {error}", path.display())))?,
        );
    }
    let mut found = Vec::new();
    let mut missing = 0usize;
    for id in &ids {
        match context.client.leaf_certificate(&args.ca, id).await {
            Ok(certificate) => found.push(certificate),
            Err(error) => {
                missing += 1;
                note!("cannot read certificate {}: {}", safe(id), safe(&error.to_string()));
            }
        }
    }
    for serial in &args.serials {
        match super::search::find(context, &args.ca, serial).await {
            Ok(certificate) => found.push(certificate),
            Err(failure) => {
                missing += 1;
                note!("{failure}");
            }
        }
    }
    Ok((found, missing))
}

/// Prints the rows in the chosen format.
///
/// # Errors
///
/// Writing failed.
pub fn print(context: &Context, rows: &[Row]) -> Result<(), Failure> {
    let mut printer = Printer::stdout(context.format, Kind::Revocation);
    for row in rows {
        printer.push(row);
    }
    crate::commands::written(printer.finish())
}

/// The summary line on stderr.
pub fn summarize(rows: &[Row]) {
    let count = |which: OnCrl| rows.iter().filter(|row| row.on_crl == which).count();
    let next = rows.iter().find_map(|row| row.next_update);
    let mut line = format!(
        "{} listed on the CRL, {} not yet listed, {} not revoked",
        count(OnCrl::Listed),
        count(OnCrl::NotYetListed),
        count(OnCrl::NotRevoked)
    );
    if count(OnCrl::NotYetListed) > 0
        && let Some(next) = next
    {
        line.push_str(&format!("; the CRL's nextUpdate is {}: look again then", next.format("%Y-%m-%dT%H:%M:%SZ")));
    }
    note!("{line}");
}

/// Runs `cert verify-revoked`.
///
/// # Errors
///
/// See [`Failure`]; exit 1 unless the CRL lists every certificate.
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let (authority, der) = authority_and_certificate(context, &args.ca).await?;
    let (certificates, missing) = targets(context, args).await?;
    let crl = authority::verified_crl(&authority, &der, args.crl_timeout).await.map_err(Failure::Failed)?;
    let rows = check(&certificates, &crl);
    print(context, &rows)?;
    summarize(&rows);
    if missing == 0 && all_listed(&rows) { Ok(()) } else { Err(Failure::Reported) }
}

/// Waits, at most `timeout`, until the CA's CRL lists every one of `certificates` (revoked
/// just now): polls with backoff (1 s doubling up to 60 s), waking at the CRL's `nextUpdate`
/// when that comes sooner, never past the deadline. Prints the last check.
///
/// # Errors
///
/// Not every certificate listed when the time is up (exit 1), or the CRL cannot be had.
pub async fn wait_listed(
    context: &Context,
    ca: &str,
    certificates: &[Certificate],
    timeout: Duration,
) -> Result<(), Failure> {
    let (authority, der) = authority_and_certificate(context, ca).await?;
    let deadline = tokio::time::Instant::now() + timeout;
    let mut backoff = Duration::from_secs(1);
    loop {
        let fetch_timeout = deadline.saturating_duration_since(tokio::time::Instant::now()).max(Duration::from_secs(1));
        let crl = authority::verified_crl(&authority, &der, fetch_timeout.min(crate::fetch::DEFAULT_TIMEOUT)).await;
        let rows = match crl {
            Ok(crl) => check(certificates, &crl),
            Err(error) => {
                note!("the CRL: {error}");
                Vec::new()
            }
        };
        let now = tokio::time::Instant::now();
        if !rows.is_empty() && all_listed(&rows) {
            print(context, &rows)?;
            summarize(&rows);
            return Ok(());
        }
        if now >= deadline {
            if !rows.is_empty() {
                print(context, &rows)?;
                summarize(&rows);
            }
            note!("the CRL does not list every revoked certificate after {}", crate::output::duration::shown(timeout));
            return Err(Failure::Reported);
        }
        let mut wait = backoff;
        if let Some(next) = rows.iter().find_map(|row| row.next_update) {
            let until = (next - Utc::now()).to_std().unwrap_or(Duration::ZERO);
            if until > Duration::ZERO && now + until < deadline {
                wait = wait.min(until.max(Duration::from_millis(200)));
            }
        }
        let wait = wait.min(deadline - now);
        tracing::debug!(?wait, "the CRL does not list every certificate yet");
        tokio::time::sleep(wait).await;
        backoff = (backoff * 2).min(Duration::from_secs(60));
    }
}
