//! `cloudpki cert list [--ca <CA_ID>] [filters]`: a CA's leaf certificates, or (without
//! `--ca`) every CA's, one CA after the other (the top-level collection answers 404 on live
//! tenants): streamed, one page per CA in memory, with a `ca` column (and a `ca` member in JSON).

use std::collections::HashSet;
use std::time::Duration;

use crate::context::Context;
use crate::failure::Failure;
use crate::listing::{self, Flow, Listed, Predicate};
use crate::output::{Kind, Printer, note};

/// `cert list` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki cert list --ca $CA --status active --expiring-within 90d -o csv
  cloudpki cert list --subject-contains CN=device-0001          # every CA of the tenant")]
pub struct Args {
    /// The certification authority's id (without it: every CA of the tenant).
    #[arg(long, value_name = "CA_ID")]
    pub ca: Option<String>,
    /// The filters.
    #[command(flatten)]
    pub filters: Filters,
}

/// Which certificates a listing keeps (`cert list`, and the selection of `cert revoke`).
#[derive(Debug, clap::Args, Clone, Default)]
pub struct Filters {
    /// Only certificates with this status (repeatable; filtered by the service and again here).
    #[arg(long = "status", value_name = "STATUS", value_parser = parse_status)]
    pub statuses: Vec<String>,
    /// Only certificates whose validity ends within this long from now and has not ended yet,
    /// e.g. 30d, 12h, 2w.
    #[arg(long, value_name = "DURATION", value_parser = crate::commands::parse_duration)]
    pub expiring_within: Option<Duration>,
    /// Only certificates whose subject name contains this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub subject_contains: Option<String>,
}

impl Filters {
    /// The predicate of these filters, "now" being `now`.
    pub fn predicate(&self, now: chrono::DateTime<chrono::Utc>) -> Predicate {
        Predicate::new(&self.statuses, self.expiring_within, self.subject_contains.as_deref(), now)
    }
}

/// A leaf certificate status, as the service spells it.
fn parse_status(text: &str) -> Result<String, String> {
    use cloudpki_model::CloudCertificationAuthorityLeafCertificateStatus as Status;
    Status::MEMBERS
        .iter()
        .find(|member| member.eq_ignore_ascii_case(text))
        .map(|member| (*member).to_owned())
        .ok_or_else(|| format!("unknown status `{text}` (known: {})", Status::MEMBERS.join(", ")))
}

/// Runs `cert list`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let Some(ca) = &args.ca else { return tenant(context, args).await };
    let predicate = args.filters.predicate(chrono::Utc::now());
    let mut printer = Printer::stdout(context.format, Kind::Certificate);
    let statuses = predicate.statuses();
    // A certificate the service lists twice (paging under concurrent changes) is written once.
    let mut seen = HashSet::new();
    let mut duplicates = 0usize;
    listing::certificates(context, ca, &statuses, |listed| {
        match listed {
            Listed::Typed(certificate) => {
                let first = certificate.id.as_ref().is_none_or(|id| seen.insert(id.clone()));
                if !first {
                    duplicates += 1;
                } else if predicate.matches(&certificate) {
                    printer.push(&certificate);
                }
            }
            Listed::Odd(odd) => {
                if predicate.matches_value(&odd.item) {
                    note!("{}", listing::odd_warning(&odd));
                    printer.push(&odd.item);
                }
            }
        }
        if printer.is_broken() { Flow::Stop } else { Flow::Continue }
    })
    .await?;
    if duplicates > 0 {
        note!("note: the service listed {duplicates} certificate(s) more than once; each is written once");
    }
    crate::commands::written(printer.finish())
}

/// The certificate's JSON with `ca` (the id of the CA it was listed under) first.
fn with_ca(ca: &str, item: &impl serde::Serialize) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    object.insert("ca".to_owned(), serde_json::Value::String(ca.to_owned()));
    if let Ok(serde_json::Value::Object(members)) = serde_json::to_value(item) {
        object.extend(members);
    }
    serde_json::Value::Object(object)
}

/// Every CA's certificates, CA after CA.
async fn tenant(context: &Context, args: &Args) -> Result<(), Failure> {
    let predicate = args.filters.predicate(chrono::Utc::now());
    let statuses = predicate.statuses();
    let cas = crate::authority::all(context).await?;
    let mut printer = Printer::stdout(context.format, Kind::TenantCertificate);
    for authority in &cas {
        let ca = crate::authority::id(authority);
        if ca.is_empty() || printer.is_broken() {
            continue;
        }
        let mut seen = HashSet::new();
        listing::certificates(context, ca, &statuses, |listed| {
            match listed {
                Listed::Typed(certificate) => {
                    let first = certificate.id.as_ref().is_none_or(|id| seen.insert(id.clone()));
                    if first && predicate.matches(&certificate) {
                        printer.push(&with_ca(ca, &certificate));
                    }
                }
                Listed::Odd(odd) => {
                    if predicate.matches_value(&odd.item) {
                        note!("{}", listing::odd_warning(&odd));
                        printer.push(&with_ca(ca, &odd.item));
                    }
                }
            }
            if printer.is_broken() { Flow::Stop } else { Flow::Continue }
        })
        .await?;
    }
    crate::commands::written(printer.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_checked() {
        assert_eq!(parse_status("Active").as_deref(), Ok("active"));
        assert!(parse_status("activ").is_err());
    }
}
