//! `cloudpki cert revoke --ca <CA_ID> (--id ID... | --serial S... | --from FILE | --all | filters)`:
//! works out the selection (explicit ids and serial numbers read one by one, or found in one
//! listing; or every certificate the filters match), then hands the plan to [`super::super::bulk`].

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use cloudpki_model::CloudCertificationAuthorityLeafCertificate as Certificate;
use cloudpki_model::SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest as SearchRequest;
use cloudpki_model::operations::{
    GetCloudCertificationAuthorityLeafCertificate,
    SearchCloudCertificationAuthorityLeafCertificateBySerialNumber as SearchBySerial,
};
use futures_util::StreamExt;

use super::list::Filters;
use crate::commands::bulk::{self, Failed, Plan, RunOptions, classify};
use crate::context::Context;
use crate::failure::{Failure, OperationInfo, auth_message};
use crate::listing::{self, Flow, Listed, Predicate};

/// Up to this many explicit ids are read one by one; more, and the CA is listed once instead.
const READ_ONE_BY_ONE: usize = 100;

/// `cert revoke` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki cert revoke --ca $CA --subject-contains CN=device-0001                 # dry run
  cloudpki cert revoke --ca $CA --serial $SERIAL --yes --verify --verify-timeout 2m")]
#[command(group(clap::ArgGroup::new("selection").required(true).multiple(true)
    .args(["ids", "serials", "from", "all", "statuses", "expiring_within", "subject_contains"])))]
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
    /// A file of certificate ids: one per line, or what `cert list` writes as ndjson, json or
    /// csv (its `id`); `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Every active certificate of the CA.
    #[arg(long, conflicts_with_all = ["ids", "serials", "from"])]
    pub all: bool,
    /// The filters.
    #[command(flatten)]
    pub filters: Filters,
    /// The bulk-revocation options.
    #[command(flatten)]
    pub run: RunOptions,
    /// After revoking, wait until the CA's CRL lists every revoked certificate (polled with
    /// backoff, without a token; see `cert verify-revoked`). Exit 1 if it does not in time.
    #[arg(long, requires = "yes")]
    pub verify: bool,
    /// How long --verify waits at most.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = crate::commands::parse_duration,
          requires = "verify")]
    pub verify_timeout: std::time::Duration,
}

/// Lookups of the named certificates started ahead (the client's window bounds what is in flight).
const LOOKUPS_AHEAD: usize = 32;

/// Runs `cert revoke`.
///
/// # Errors
///
/// See [`Failure`]; failed revocations are named in the summary and give [`Failure::Reported`].
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    let (ca, run) = (args.ca.as_str(), &args.run);
    let open = bulk::open_journal(context, ca, run)?;
    let predicate = args.filters.predicate(chrono::Utc::now());
    let mut ids = args.ids.clone();
    if let Some(path) = &args.from {
        ids.extend(read_ids(path)?);
    }
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    let explicit = !ids.is_empty() || !args.serials.is_empty() || args.from.is_some();
    let plan = if explicit {
        explicit_plan(context, ca, &ids, &args.serials, &predicate, LOOKUPS_AHEAD).await?
    } else {
        bulk::listed_plan(context, ca, &predicate).await?
    };
    let mut revoked: Vec<Certificate> = if args.verify { plan.targets.clone() } else { Vec::new() };
    bulk::execute(context, ca, plan, run, open, bulk::Relist::No).await?;
    if args.verify && run.yes && !revoked.is_empty() {
        for certificate in &mut revoked {
            certificate.certificate_status =
                Some(cloudpki_model::CloudCertificationAuthorityLeafCertificateStatus::Revoked);
        }
        super::verify_revoked::wait_listed(context, ca, &revoked, args.verify_timeout).await?;
    }
    Ok(())
}

fn read_ids(path: &Path) -> Result<Vec<String>, Failure> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin()).map_err(|e| Failure::Usage(format!("--from -: {e}")))?
    } else {
        std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("--from {}: {e}", path.display())))?
    };
    crate::ids::parse_ids(&text).map_err(|e| Failure::Usage(format!("--from {}: {e}", path.display())))
}

/// The certificates named by id and serial number, read one by one (or, for many ids, found
/// in one listing of the CA).
async fn explicit_plan(
    context: &Context,
    ca: &str,
    ids: &[String],
    serials: &[String],
    predicate: &Predicate,
    concurrency: usize,
) -> Result<Plan, Failure> {
    let mut plan = Plan { explicit: true, ..Plan::default() };
    let mut found: HashMap<String, Certificate> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    if ids.len() > READ_ONE_BY_ONE {
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let seen = listing::certificates(context, ca, &[], |listed| {
            match listed {
                Listed::Typed(certificate) => {
                    if let Some(id) = certificate.id.as_deref()
                        && wanted.contains(id)
                    {
                        found.insert(id.to_owned(), certificate);
                    }
                }
                Listed::Odd(odd) => {
                    if let Some(id) = odd.item.get("id").and_then(serde_json::Value::as_str)
                        && wanted.contains(id)
                    {
                        plan.odd.push(Failed::new(id, format!("the model cannot read it: {}", odd.message)));
                    }
                }
            }
            Flow::Continue
        })
        .await?;
        plan.examined = seen.listed;
        let odd: HashSet<String> = plan.odd.iter().map(|failed| failed.id.clone()).collect();
        for id in ids {
            if found.contains_key(id) {
                order.push(id.clone());
            } else if !odd.contains(id) {
                plan.missing.push(Failed::new(id.clone(), format!("not among the certificates of CA {ca}")));
            }
        }
    } else {
        let operation = OperationInfo::of::<GetCloudCertificationAuthorityLeafCertificate>();
        let mut reads = futures_util::stream::iter(ids.iter().cloned())
            .map(|id| async move {
                let result = context.client.leaf_certificate(ca, &id).await;
                (id, result)
            })
            .buffer_unordered(concurrency.max(1));
        while let Some((id, result)) = reads.next().await {
            plan.examined += 1;
            match result {
                Ok(certificate) => {
                    found.insert(id, certificate);
                }
                Err(error) => {
                    if let Some(message) = auth_message(&error, operation, &context.service) {
                        return Err(Failure::Auth(message));
                    }
                    plan.missing.push(Failed::of(id, &error));
                }
            }
        }
        order.extend(ids.iter().filter(|id| found.contains_key(*id)).cloned());
    }
    let operation = OperationInfo::of::<SearchBySerial>();
    let mut searches = futures_util::stream::iter(serials.iter().cloned())
        .map(|serial| async move {
            let search = SearchBySerial::new(ca, SearchRequest::new(serial.clone()));
            let result = context.client.call(&search).await;
            (serial, result)
        })
        .buffered(concurrency.max(1));
    while let Some((serial, result)) = searches.next().await {
        plan.examined += 1;
        match result {
            Ok(certificate) => {
                let certificate = certificate.into_entity();
                match certificate.id.clone() {
                    Some(id) if !found.contains_key(&id) => {
                        order.push(id.clone());
                        found.insert(id, certificate);
                    }
                    Some(_) => {}
                    None => plan.missing.push(Failed::new(format!("serial {serial}"), "the answer has no id")),
                }
            }
            Err(error) => {
                if let Some(message) = auth_message(&error, operation, &context.service) {
                    return Err(Failure::Auth(message));
                }
                plan.missing.push(Failed::of(format!("serial {serial}"), &error));
            }
        }
    }
    for id in order {
        if let Some(certificate) = found.remove(&id) {
            classify(&mut plan, predicate, certificate);
        }
    }
    Ok(plan)
}
