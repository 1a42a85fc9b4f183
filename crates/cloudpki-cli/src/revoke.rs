//! The bulk commands: `cert revoke` and `ca retire`.
//!
//! Both first work out the targets (only active certificates are revoked; the others are
//! reported), then either list them (a dry run, the default) or revoke them with `--yes`,
//! `--concurrency` at a time, through the client's exactly-once revocation, recording each in
//! the `--journal` when one is given (see [`crate::journal`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cloudpki_client::{Error, Idempotency, Revocation};
use cloudpki_model::SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest as SearchRequest;
use cloudpki_model::operations::{
    ChangeCloudCertificationAuthorityStatus, GetCloudCertificationAuthorityById,
    GetCloudCertificationAuthorityLeafCertificate, RevokeCloudCertificationAuthorityCertificate, RevokeLeafCertificate,
    SearchCloudCertificationAuthorityLeafCertificateBySerialNumber as SearchBySerial,
};
use cloudpki_model::{
    ChangeCloudCertificationAuthorityStatusRequest, CloudCertificationAuthority,
    CloudCertificationAuthorityLeafCertificate as Certificate,
    CloudCertificationAuthorityLeafCertificateStatus as LeafStatus, CloudCertificationAuthorityStatus as CaStatus,
    RevokeCloudCertificationAuthorityCertificateRequest,
};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

use crate::Context;
use crate::cli::{Filters, RunOptions};
use crate::failure::{Failure, OperationInfo, auth_message, from_client};
use crate::journal::{self, Done, Journal};
use crate::listing::{self, Flow, Listed, Predicate};
use crate::output::{Kind, Printer};

/// Up to this many explicit ids are read one by one; more, and the CA is listed once instead.
const READ_ONE_BY_ONE: usize = 100;

/// How many "not revoking" lines are shown before the rest is counted.
const SHOW_AT_MOST: usize = 50;

/// What a run will do.
#[derive(Debug, Default)]
struct Plan {
    /// Active certificates that match: to revoke.
    targets: Vec<Certificate>,
    /// Matching certificates that are not active: (id, status).
    inactive: Vec<(String, String)>,
    /// Explicit certificates the filters leave out.
    unmatched: Vec<String>,
    /// Explicit ids and serial numbers that could not be found or read, with why.
    missing: Vec<Failed>,
    /// Items the model could not read whose status might make them targets.
    odd: Vec<Failed>,
    /// Certificates listed or read.
    examined: usize,
    /// Whether the selection was explicit (ids, serial numbers).
    explicit: bool,
    /// Every id classified, so that one listed twice is revoked once.
    seen: HashSet<String>,
    /// Certificates listed more than once.
    duplicates: usize,
}

/// A certificate that could not be revoked (or examined), and why.
#[derive(Clone, Debug)]
struct Failed {
    /// Its id (or `serial <n>`).
    id: String,
    /// Why, without the per-request ids (to group the summary).
    short: String,
    /// Why, in full (with the service's request-id).
    full: String,
}

impl Failed {
    fn new(id: impl Into<String>, why: impl Into<String>) -> Self {
        let why = why.into();
        Failed { id: id.into(), short: why.clone(), full: why }
    }

    fn of(id: impl Into<String>, error: &Error) -> Self {
        let (short, full) = reason(error);
        Failed { id: id.into(), short, full }
    }
}

/// How the targets fared.
#[derive(Debug, Default)]
struct Tally {
    revoked: usize,
    confirmed: usize,
    failed: Vec<Failed>,
    not_attempted: usize,
    /// The first authentication or permission failure.
    auth: Option<String>,
    /// Why the run stopped early.
    stopped: Option<String>,
    interrupted: bool,
}

/// `cloudpki cert revoke`.
///
/// # Errors
///
/// See [`Failure`]; failed revocations are named in the summary and give [`Failure::Reported`].
pub async fn revoke(
    context: &Context,
    ca: &str,
    ids: &[String],
    serials: &[String],
    from: Option<&Path>,
    filters: &Filters,
    run: &RunOptions,
) -> Result<(), Failure> {
    let open = open_journal(ca, run)?;
    let predicate = Predicate::new(filters, chrono::Utc::now());
    let mut ids = ids.to_vec();
    if let Some(path) = from {
        ids.extend(read_ids(path)?);
    }
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    let explicit = !ids.is_empty() || !serials.is_empty() || from.is_some();
    let plan = if explicit {
        explicit_plan(context, ca, &ids, serials, &predicate, run.concurrency as usize).await?
    } else {
        listed_plan(context, ca, &predicate).await?
    };
    execute(context, ca, plan, run, open).await.map(|_| ())
}

fn read_ids(path: &Path) -> Result<Vec<String>, Failure> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin()).map_err(|e| Failure::Usage(format!("--from -: {e}")))?
    } else {
        std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("--from {}: {e}", path.display())))?
    };
    crate::ids::parse_ids(&text).map_err(|e| Failure::Usage(format!("--from {}: {e}", path.display())))
}

/// Sorts a certificate into the plan.
fn classify(plan: &mut Plan, predicate: &Predicate, certificate: Certificate) {
    let id = certificate.id.clone().unwrap_or_default();
    if id.is_empty() {
        plan.odd.push(Failed::new("?", "a certificate without an id"));
        return;
    }
    if !plan.seen.insert(id.clone()) {
        plan.duplicates += 1;
        return;
    }
    if !predicate.matches(&certificate) {
        if plan.explicit {
            plan.unmatched.push(id);
        }
        return;
    }
    match &certificate.certificate_status {
        Some(LeafStatus::Active) => plan.targets.push(certificate),
        other => {
            let status = other.as_ref().map_or("(no status)", |status| status.as_str()).to_owned();
            plan.inactive.push((id, status));
        }
    }
}

fn classify_odd(plan: &mut Plan, predicate: &Predicate, odd: &cloudpki_model::ItemError) {
    let status = odd.item.get("certificateStatus").and_then(serde_json::Value::as_str);
    let id = odd.item.get("id").and_then(serde_json::Value::as_str).unwrap_or("?").to_owned();
    // Unless it plainly is not active, it might be a target: that cannot be decided.
    if predicate.matches_value(&odd.item) {
        if status.is_some_and(|status| status != "active") {
            plan.inactive.push((id, status.unwrap_or_default().to_owned()));
        } else {
            plan.odd.push(Failed::new(id, format!("the model cannot read it: {}", odd.message)));
        }
    }
}

/// Every certificate of the CA that the filters match.
async fn listed_plan(context: &Context, ca: &str, predicate: &Predicate) -> Result<Plan, Failure> {
    let mut plan = Plan::default();
    let seen = listing::certificates(context, ca, &predicate.statuses(), |listed| {
        match listed {
            Listed::Typed(certificate) => classify(&mut plan, predicate, certificate),
            Listed::Odd(odd) => classify_odd(&mut plan, predicate, &odd),
        }
        Flow::Continue
    })
    .await?;
    plan.examined = seen.listed;
    Ok(plan)
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
                    if let Some(message) = auth_message(&error, operation, context.token) {
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
            let result = context.client.call_with(&search, Idempotency::Safe).await;
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
                if let Some(message) = auth_message(&error, operation, context.token) {
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

/// A short reason for a failure of one certificate.
/// Why a certificate failed: short (without the per-request ids, to group the summary), and in
/// full.
fn reason(error: &Error) -> (String, String) {
    let short = match error {
        Error::Graph { error, .. } => {
            let mut text = format!("HTTP {}", error.status);
            if let Some(code) = &error.code {
                text.push(' ');
                text.push_str(code);
            }
            if let Some(message) = &error.message {
                text.push_str(": ");
                text.push_str(message);
            }
            text
        }
        Error::Ambiguous { message, .. } => format!("no answer, it may have been carried out: {message}"),
        Error::Transport { message, .. } => format!("could not reach the service: {message}"),
        other => other.to_string(),
    };
    if error.status() == Some(http::StatusCode::NOT_FOUND) {
        (format!("not found: {short}"), format!("not found: {error}"))
    } else {
        (short, error.to_string())
    }
}

/// What the journal changes in the plan.
#[derive(Debug, Default)]
struct JournalNotes {
    /// Done per the journal: skipped.
    already_done: usize,
    /// In doubt per the journal and now found revoked: the revocation went through.
    confirmed: Vec<String>,
    /// Targets whose revocation may have been sent: read their state first.
    check_first: HashSet<String>,
}

fn apply_journal(plan: &mut Plan, state: &journal::State) -> JournalNotes {
    let mut notes = JournalNotes::default();
    plan.targets.retain(|certificate| {
        let id = certificate.id.as_deref().unwrap_or_default();
        if state.done.contains_key(id) {
            notes.already_done += 1;
            return false;
        }
        if state.in_doubt.contains(id) {
            notes.check_first.insert(id.to_owned());
        }
        true
    });
    plan.inactive.retain(|(id, status)| {
        if state.done.contains_key(id) {
            notes.already_done += 1;
            return false;
        }
        if state.in_doubt.contains(id) && status == LeafStatus::Revoked.as_str() {
            notes.confirmed.push(id.clone());
            return false;
        }
        true
    });
    notes
}

/// The journal of a run: opened (and locked) for `--yes`, read only for a dry run.
struct OpenJournal {
    journal: Option<Journal>,
    state: journal::State,
}

/// Opens `--journal` first thing, so a journal in use or of another CA fails before anything is
/// listed or changed.
fn open_journal(ca: &str, run: &RunOptions) -> Result<OpenJournal, Failure> {
    match &run.journal {
        Some(path) if run.yes => {
            let (journal, state) = Journal::open(path, ca).map_err(Failure::Usage)?;
            Ok(OpenJournal { journal: Some(journal), state })
        }
        Some(path) => {
            let state = journal::read(path).map_err(Failure::Usage)?;
            if let Some(other) = state.ca.as_deref().filter(|other| *other != ca) {
                return Err(Failure::Usage(format!("the journal {} belongs to CA {other}, not {ca}", path.display())));
            }
            Ok(OpenJournal { journal: None, state })
        }
        None => Ok(OpenJournal { journal: None, state: journal::State::default() }),
    }
}

/// Reports the plan, and with `--yes` carries it out. Returns whether every target is revoked.
async fn execute(
    context: &Context,
    ca: &str,
    mut plan: Plan,
    run: &RunOptions,
    open: OpenJournal,
) -> Result<bool, Failure> {
    let OpenJournal { journal, state } = open;
    let notes = apply_journal(&mut plan, &state);
    if let Some(journal) = &journal {
        for id in &notes.confirmed {
            journal.done(id, Done::Confirmed);
        }
    }
    report_plan(&plan, &notes);
    if !run.yes {
        let mut printer = Printer::stdout(context.format, Kind::Certificate).without_empty_note();
        for certificate in &plan.targets {
            printer.push(certificate);
        }
        let _ = printer.finish();
        eprintln!(
            "dry run: would revoke {} active certificate{} of CA {ca}{}; nothing was changed (run again with --yes to revoke)",
            plan.targets.len(),
            plural(plan.targets.len()),
            if plan.targets.is_empty() { "" } else { " (listed on stdout)" },
        );
        let problems = problems_of(&plan);
        if !problems.is_empty() {
            for failure in problems.iter().take(SHOW_AT_MOST) {
                eprintln!("could not examine {}: {}", failure.id, failure.full);
            }
            eprintln!("{}", failure_line("could not examine", &problems));
            return Err(Failure::Reported);
        }
        return Ok(true);
    }
    let targets: Vec<(String, bool)> = plan
        .targets
        .iter()
        .filter_map(|certificate| certificate.id.clone())
        .map(|id| {
            let check = notes.check_first.contains(&id);
            (id, check)
        })
        .collect();
    let mut tally = revoke_all(context, ca, targets, run.concurrency as usize, journal.as_ref()).await;
    tally.confirmed += notes.confirmed.len();
    if let Some(journal) = journal
        && let Err(error) = journal.close().await
    {
        eprintln!("warning: the journal could not be written completely: {error}");
    }
    let mut failed = problems_of(&plan);
    failed.append(&mut tally.failed);
    for (shown, failure) in failed.iter().enumerate() {
        if shown == SHOW_AT_MOST {
            eprintln!("... and {} more failures", failed.len() - SHOW_AT_MOST);
            break;
        }
        eprintln!("failed {}: {}", failure.id, failure.full);
    }
    let mut line = format!("revoked {}, confirmed {}, failed {}", tally.revoked, tally.confirmed, failed.len());
    if !failed.is_empty() {
        line.push_str(": ");
        line.push_str(&grouped(&failed));
    }
    if tally.not_attempted > 0 {
        line.push_str(&format!(
            "; not attempted {} ({})",
            tally.not_attempted,
            tally.stopped.as_deref().unwrap_or("stopped")
        ));
    }
    eprintln!("{line}");
    if tally.interrupted {
        return Err(Failure::Interrupted);
    }
    if let Some(message) = tally.auth {
        return Err(Failure::Auth(message));
    }
    if !failed.is_empty() || tally.not_attempted > 0 {
        return Err(Failure::Reported);
    }
    Ok(true)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn problems_of(plan: &Plan) -> Vec<Failed> {
    plan.missing.iter().chain(&plan.odd).cloned().collect()
}

/// `a, b (why); c (why 2)`: every id, grouped by reason, in order of first appearance.
fn grouped(failed: &[Failed]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for failure in failed {
        match groups.iter_mut().find(|(why, _)| *why == failure.short) {
            Some((_, ids)) => ids.push(&failure.id),
            None => groups.push((&failure.short, vec![&failure.id])),
        }
    }
    groups.iter().map(|(why, ids)| format!("{} ({why})", ids.join(", "))).collect::<Vec<_>>().join("; ")
}

fn failure_line(what: &str, failed: &[Failed]) -> String {
    format!("{what} {}: {}", failed.len(), grouped(failed))
}

/// The notes before a run: what is left alone and why.
fn report_plan(plan: &Plan, notes: &JournalNotes) {
    if plan.duplicates > 0 {
        eprintln!(
            "note: the service listed {} certificate{} more than once (taken once)",
            plan.duplicates,
            plural(plan.duplicates)
        );
    }
    if plan.explicit {
        for (shown, (id, status)) in plan.inactive.iter().enumerate() {
            if shown == SHOW_AT_MOST {
                eprintln!("... and {} more not active", plan.inactive.len() - SHOW_AT_MOST);
                break;
            }
            eprintln!("not revoking {id}: its status is {status} (only active certificates are revoked)");
        }
        for (shown, id) in plan.unmatched.iter().enumerate() {
            if shown == SHOW_AT_MOST {
                eprintln!("... and {} more left out by the filters", plan.unmatched.len() - SHOW_AT_MOST);
                break;
            }
            eprintln!("not revoking {id}: the filters leave it out");
        }
    } else if !plan.inactive.is_empty() {
        let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, status) in &plan.inactive {
            *by_status.entry(status.as_str()).or_default() += 1;
        }
        let counts: Vec<String> = by_status.iter().map(|(status, count)| format!("{count} {status}")).collect();
        eprintln!(
            "{} matching certificate{} not active, left alone (only active certificates are revoked): {}",
            plan.inactive.len(),
            if plan.inactive.len() == 1 { " is" } else { "s are" },
            counts.join(", ")
        );
    }
    if notes.already_done > 0 {
        eprintln!(
            "{} certificate{} already revoked per the journal, skipped",
            notes.already_done,
            plural(notes.already_done)
        );
    }
    if !notes.confirmed.is_empty() {
        eprintln!(
            "{} certificate{} whose revocation was in flight when the last run stopped: found revoked, not sent again",
            notes.confirmed.len(),
            plural(notes.confirmed.len())
        );
    }
}

/// A progress bar on stderr when it is a terminal.
fn progress_bar(context: &Context, total: usize) -> ProgressBar {
    if !context.progress {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40.cyan/blue} {human_pos}/{human_len} {msg} ({per_sec:0}, eta {eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// How one revocation ended.
enum Outcome {
    Done(Revocation),
    /// Why, and for an authentication or permission failure the advice.
    Failed(Failed, Option<String>),
    NotAttempted,
}

/// Revokes `targets` (id, whether to read its state first), `concurrency` at a time. Stops
/// starting new ones after an authentication or permission failure, a journal that cannot be
/// written, or Ctrl-C (a second Ctrl-C quits at once: the journal is safe).
async fn revoke_all(
    context: &Context,
    ca: &str,
    targets: Vec<(String, bool)>,
    concurrency: usize,
    journal: Option<&Journal>,
) -> Tally {
    let mut tally = Tally::default();
    if targets.is_empty() {
        return tally;
    }
    let bar = progress_bar(context, targets.len());
    let stop = Arc::new(AtomicBool::new(false));
    let interrupted = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (stop, interrupted, bar) = (stop.clone(), interrupted.clone(), bar.clone());
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.store(true, Ordering::SeqCst);
                stop.store(true, Ordering::SeqCst);
                bar.suspend(|| {
                    eprintln!("interrupted: finishing the revocations in flight (Ctrl-C again to quit at once)");
                });
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(i32::from(crate::failure::EXIT_INTERRUPTED));
                }
            }
        })
    };
    let stopped_why: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    let mut printer = Printer::stdout(context.format, Kind::Certificate).without_empty_note();
    let revoke_operation = OperationInfo::of::<RevokeLeafCertificate>();
    let mut running = futures_util::stream::iter(targets)
        .map(|(id, check_first)| {
            let (stop, stopped_why) = (stop.clone(), stopped_why.clone());
            async move {
                if stop.load(Ordering::SeqCst) {
                    return (id, Outcome::NotAttempted);
                }
                if let Some(journal) = journal
                    && let Err(error) = journal.begin(&id).await
                {
                    stop.store(true, Ordering::SeqCst);
                    let why = format!("the journal cannot be written: {error}");
                    set_once(&stopped_why, &why);
                    let failed = Failed::new(id.clone(), why);
                    return (id, Outcome::Failed(failed, None));
                }
                let client = &context.client;
                let result = if check_first {
                    client.revoke_leaf_certificate_if_active(ca, &id).await
                } else {
                    client.revoke_leaf_certificate(ca, &id).await
                };
                match result {
                    Ok(revocation) => {
                        if let Some(journal) = journal {
                            let done = match revocation {
                                Revocation::Confirmed(_) => Done::Confirmed,
                                _ => Done::Revoked,
                            };
                            journal.done(&id, done);
                        }
                        (id, Outcome::Done(revocation))
                    }
                    Err(error) => {
                        // Refused (e.g. already revoked by someone else): what is its state?
                        let refused = error
                            .status()
                            .is_some_and(|s| s == http::StatusCode::BAD_REQUEST || s == http::StatusCode::CONFLICT);
                        if refused
                            && let Ok(certificate) = client.leaf_certificate(ca, &id).await
                            && certificate.certificate_status == Some(LeafStatus::Revoked)
                        {
                            if let Some(journal) = journal {
                                journal.done(&id, Done::Confirmed);
                            }
                            return (id, Outcome::Done(Revocation::Confirmed(Box::new(certificate))));
                        }
                        let failed = Failed::of(id.clone(), &error);
                        if let Some(journal) = journal {
                            journal.failed(&id, &failed.full);
                        }
                        if error.is_auth() {
                            stop.store(true, Ordering::SeqCst);
                            set_once(&stopped_why, "stopped after an authentication or permission error");
                            let advice = auth_message(&error, revoke_operation, context.token);
                            return (id, Outcome::Failed(failed, advice));
                        }
                        (id, Outcome::Failed(failed, None))
                    }
                }
            }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((_, outcome)) = running.next().await {
        match outcome {
            Outcome::Done(revocation) => {
                match &revocation {
                    Revocation::Confirmed(_) => tally.confirmed += 1,
                    _ => tally.revoked += 1,
                }
                printer.push(revocation.certificate());
            }
            Outcome::Failed(failed, advice) => {
                if tally.auth.is_none() {
                    tally.auth = advice;
                }
                tally.failed.push(failed);
            }
            Outcome::NotAttempted => tally.not_attempted += 1,
        }
        bar.inc(1);
        let throttled = context.client.pacer().throttled();
        bar.set_message(format!("failed {}, throttled answers {throttled}", tally.failed.len()));
    }
    drop(running);
    watcher.abort();
    // The handler stays installed: from now on Ctrl-C quits at once, as it would have.
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(i32::from(crate::failure::EXIT_INTERRUPTED));
        }
    });
    bar.finish_and_clear();
    let _ = printer.finish();
    tally.interrupted = interrupted.load(Ordering::SeqCst);
    tally.stopped = stopped_why.lock().ok().and_then(|why| why.clone());
    if tally.interrupted && tally.stopped.is_none() {
        tally.stopped = Some("interrupted".to_owned());
    }
    tally
}

fn set_once(slot: &std::sync::Mutex<Option<String>>, why: &str) {
    if let Ok(mut slot) = slot.lock()
        && slot.is_none()
    {
        *slot = Some(why.to_owned());
    }
}

/// `cloudpki ca retire`.
///
/// # Errors
///
/// See [`Failure`].
pub async fn retire(context: &Context, ca: &str, run: &RunOptions) -> Result<(), Failure> {
    let open = open_journal(ca, run)?;
    let authority = read_authority(context, ca).await?;
    let version = authority
        .version_number
        .ok_or_else(|| Failure::Failed(format!("CA {ca} has no versionNumber: cannot pause or revoke it")))?;
    let status = authority.certification_authority_status.value().cloned();
    eprintln!(
        "CA {ca} ({}): {}, status {}, version {version}",
        authority.display_name.as_deref().unwrap_or("no display name"),
        authority.cloud_certification_authority_type.value().map_or("type not given", |kind| kind.as_str()),
        status.as_ref().map_or("not given", |status| status.as_str()),
    );
    let already_revoked = status == Some(CaStatus::Revoked);
    if !run.yes {
        if already_revoked {
            eprintln!("dry run: the CA certificate is already revoked");
        } else if status == Some(CaStatus::Paused) {
            eprintln!("dry run: the CA is already paused");
        } else {
            eprintln!(
                "dry run: would pause the CA (changeCloudCertificationAuthorityStatus to paused, version {version})"
            );
        }
    } else if already_revoked || status == Some(CaStatus::Paused) {
        eprintln!("the CA is already {}", if already_revoked { "revoked" } else { "paused" });
    } else {
        pause(context, ca, version).await?;
        eprintln!("paused CA {ca}");
    }
    let plan = listed_plan(context, ca, &Predicate::default()).await?;
    let all_revoked = match execute(context, ca, plan, run, open).await {
        Ok(all) => all,
        Err(Failure::Reported) if run.yes => {
            eprintln!(
                "not revoking the CA certificate: some leaf certificates are not revoked; run again{} to finish",
                if run.journal.is_some() { " with the same --journal" } else { "" }
            );
            return Err(Failure::Reported);
        }
        Err(failure) => return Err(failure),
    };
    if !run.yes {
        if !already_revoked {
            eprintln!("dry run: would then revoke the CA certificate (version {version})");
        }
        return Ok(());
    }
    if already_revoked {
        eprintln!("the CA certificate is already revoked");
    } else if all_revoked {
        revoke_authority(context, ca, version).await?;
        eprintln!("revoked the CA certificate of {ca} (version {version})");
    }
    Ok(())
}

async fn read_authority(context: &Context, ca: &str) -> Result<CloudCertificationAuthority, Failure> {
    context.client.call(&GetCloudCertificationAuthorityById::new(ca)).await.map(|answer| answer.into_entity()).map_err(
        |error| {
            crate::commands::not_found(&error, || format!("no certification authority {ca}")).unwrap_or_else(|| {
                from_client(&error, OperationInfo::of::<GetCloudCertificationAuthorityById>(), context.token)
            })
        },
    )
}

/// How many times a CA status change is sent after answers that were lost.
const CA_ATTEMPTS: u32 = 4;

/// Pauses the CA; after a lost answer, reads its status before asking again.
async fn pause(context: &Context, ca: &str, version: i32) -> Result<(), Failure> {
    let operation = OperationInfo::of::<ChangeCloudCertificationAuthorityStatus>();
    for _ in 0..CA_ATTEMPTS {
        let body = ChangeCloudCertificationAuthorityStatusRequest::new(CaStatus::Paused, version);
        match context.client.call(&ChangeCloudCertificationAuthorityStatus::new(ca, body)).await {
            Ok(answer) => {
                let now = answer.into_entity().certification_authority_status.value().cloned();
                if let Some(other) = now.filter(|status| *status != CaStatus::Paused) {
                    eprintln!("warning: the service answered the pause with status {}", other.as_str());
                }
                return Ok(());
            }
            Err(Error::Ambiguous { .. }) => {
                let status = read_authority(context, ca).await?.certification_authority_status.value().cloned();
                if status == Some(CaStatus::Paused) {
                    return Ok(());
                }
            }
            Err(error) => return Err(from_client(&error, operation, context.token)),
        }
    }
    Err(Failure::Failed(format!("{}: no answer after {CA_ATTEMPTS} attempts, and the CA is not paused", operation.id)))
}

/// Revokes the CA certificate; after a lost answer, reads the CA's status before asking again.
async fn revoke_authority(context: &Context, ca: &str, version: i32) -> Result<(), Failure> {
    let operation = OperationInfo::of::<RevokeCloudCertificationAuthorityCertificate>();
    for _ in 0..CA_ATTEMPTS {
        let body = RevokeCloudCertificationAuthorityCertificateRequest::new(version);
        match context.client.call(&RevokeCloudCertificationAuthorityCertificate::new(ca, body)).await {
            Ok(_) => return Ok(()),
            Err(Error::Ambiguous { .. }) => {
                let status = read_authority(context, ca).await?.certification_authority_status.value().cloned();
                if status == Some(CaStatus::Revoked) {
                    return Ok(());
                }
            }
            Err(error) => return Err(from_client(&error, operation, context.token)),
        }
    }
    Err(Failure::Failed(format!("{}: no answer after {CA_ATTEMPTS} attempts, and the CA is not revoked", operation.id)))
}
