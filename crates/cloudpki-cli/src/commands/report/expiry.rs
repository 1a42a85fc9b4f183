//! `cloudpki report expiry --within DURATION [--fail-within DURATION] [--ca CA_ID]`: the
//! active leaf certificates and the CA certificates (their decoded not-after, not only the
//! entity's) that end within the window, already-ended active ones included, sorted by expiry.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::authority;
use crate::context::Context;
use crate::failure::Failure;
use crate::listing::{self, Flow, Listed};
use crate::output::{Kind, Printer, note, safe};
use crate::x509;

/// `report expiry` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki report expiry --within 90d
  cloudpki report expiry --within 1y -o csv > expiry.csv
  cloudpki report expiry --within 90d --fail-within 30d    # exit 1 if anything ends within 30 days

Exit status 1 with --fail-within when something ends within it.")]
pub struct Args {
    /// Report what ends within this long from now (e.g. 30d, 12w, 1y).
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = crate::commands::parse_duration)]
    pub within: Duration,
    /// Exit 1 when anything ends within this long (it need not be shorter than --within).
    #[arg(long, value_name = "DURATION", value_parser = crate::commands::parse_duration)]
    pub fail_within: Option<Duration>,
    /// Only this certification authority (default: every CA of the tenant).
    #[arg(long, value_name = "CA_ID")]
    pub ca: Option<String>,
}

/// One row of the report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// `ca` (a CA certificate) or `leaf`.
    pub what: &'static str,
    /// The CA's id.
    pub ca: String,
    /// The certificate's id (the CA's for a CA certificate).
    pub id: String,
    /// Its subject.
    pub subject: String,
    /// Its serial number.
    pub serial_number: String,
    /// Its status (the service's).
    pub status: String,
    /// When it ends.
    pub not_after: DateTime<Utc>,
    /// Whole days from now to then (negative once ended).
    pub days_left: i64,
}

fn after(now: DateTime<Utc>, within: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(within)
        .ok()
        .and_then(|within| now.checked_add_signed(within))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Every row ending before `horizon`, sorted by expiry (then CA, then id).
///
/// # Errors
///
/// A listing failed.
pub async fn rows(
    context: &Context,
    only: Option<&str>,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
) -> Result<Vec<Row>, Failure> {
    let mut cas = authority::all(context).await?;
    if let Some(only) = only {
        cas.retain(|ca| authority::id(ca) == only);
        if cas.is_empty() {
            return Err(Failure::Failed(format!("no certification authority {}", safe(only))));
        }
    }
    let mut rows = Vec::new();
    let days = |end: DateTime<Utc>| (end - now).num_days();
    for ca in &cas {
        let id = authority::id(ca).to_owned();
        if authority::status(ca) != "revoked" {
            let decoded = authority::certificate_der(ca).and_then(|der| x509::summarize(&der));
            match decoded {
                Ok(summary) if summary.not_after <= horizon => rows.push(Row {
                    what: "ca",
                    ca: id.clone(),
                    id: id.clone(),
                    subject: summary.subject.clone(),
                    serial_number: summary.serial_number.clone(),
                    status: authority::status(ca).to_owned(),
                    not_after: summary.not_after,
                    days_left: days(summary.not_after),
                }),
                Ok(_) => {}
                Err(error) if authority::status(ca) != "signingPending" => {
                    note!("note: the certificate of {} cannot be decoded: {}", authority::label(ca), safe(&error.0));
                }
                Err(_) => {}
            }
        }
        listing::certificates(context, &id, &["active".to_owned()], |listed| {
            if let Listed::Typed(certificate) = listed
                && certificate.certificate_status.as_ref().is_some_and(|status| status.as_str() == "active")
                && let Some(end) = certificate.validity_end_date_time.value().map(|end| end.to_utc())
                && end <= horizon
            {
                rows.push(Row {
                    what: "leaf",
                    ca: id.clone(),
                    id: certificate.id.clone().unwrap_or_default(),
                    subject: certificate.subject_name.value().cloned().unwrap_or_default(),
                    serial_number: certificate.serial_number.clone().unwrap_or_default(),
                    status: "active".to_owned(),
                    not_after: end,
                    days_left: days(end),
                });
            }
            Flow::Continue
        })
        .await?;
    }
    rows.sort_by(|a, b| (a.not_after, &a.ca, &a.id).cmp(&(b.not_after, &b.ca, &b.id)));
    Ok(rows)
}

/// Runs `report expiry`.
///
/// # Errors
///
/// See [`Failure`]; with `--fail-within`, exit 1 when anything ends within it.
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let now = Utc::now();
    let (report_until, fail_until) = (after(now, args.within), args.fail_within.map(|fail| after(now, fail)));
    let horizon = fail_until.map_or(report_until, |fail| fail.max(report_until));
    let rows = rows(context, args.ca.as_deref(), now, horizon).await?;
    let mut printer = Printer::stdout(context.format, Kind::Expiry);
    for row in rows.iter().filter(|row| row.not_after <= report_until) {
        printer.push(row);
    }
    crate::commands::written(printer.finish())?;
    if let (Some(fail_until), Some(fail)) = (fail_until, args.fail_within) {
        let failing = rows.iter().filter(|row| row.not_after <= fail_until).count();
        if failing > 0 {
            note!("{failing} certificate(s) end within {}", crate::output::duration::shown(fail));
            return Err(Failure::Reported);
        }
    }
    Ok(())
}
