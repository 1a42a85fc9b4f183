//! What `cert revoke` and `ca retire` share: the run options, the plan (active certificates are
//! revoked, the others reported), the journal and the per-CA lock, the revocations and the
//! summary.
//!
//! Both first work out the targets, then either list them (a dry run, the default) or revoke
//! them with `--yes`, `--concurrency` at a time, through the client's exactly-once revocation,
//! recording each in the `--journal` when one is given (see [`crate::journal`]).
//!
//! TODO(issue 15): the loop of [`revoke_all`] (stop on auth errors and Ctrl-C, the state check
//! of a refused revocation) moves to the client's bulk API; the journal becomes its hooks.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cloudpki_client::{Error, Revocation};
use cloudpki_model::operations::RevokeLeafCertificate;
use cloudpki_model::{
    CloudCertificationAuthorityLeafCertificate as Certificate,
    CloudCertificationAuthorityLeafCertificateStatus as LeafStatus,
};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

use crate::context::Context;
use crate::failure::{Failure, OperationInfo, auth_message};
use crate::journal::{self, CaLock, Done, Journal};
use crate::listing::{self, Flow, Listed, Predicate};
use crate::output::{Kind, Printer, note, safe};

/// How a bulk revocation runs (`cert revoke`, `ca retire`).
#[derive(Debug, clap::Args, Clone)]
pub struct RunOptions {
    /// Do it (otherwise only list what would be done).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Revocations in flight at once (the client's shared pacer slows all of them down when the
    /// service throttles).
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// A journal of the revocations: a run stopped midway and started again with the same
    /// journal revokes each certificate once and skips none. Checked to be writable even in a
    /// dry run.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
}

/// How many "not revoking" lines are shown before the rest is counted.
const SHOW_AT_MOST: usize = 50;

/// What a run will do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Active certificates that match: to revoke.
    pub targets: Vec<Certificate>,
    /// Matching certificates that are not active: (id, status).
    pub inactive: Vec<(String, String)>,
    /// Explicit certificates the filters leave out.
    pub unmatched: Vec<String>,
    /// Explicit ids and serial numbers that could not be found or read, with why.
    pub missing: Vec<Failed>,
    /// Items the model could not read whose status might make them targets.
    pub odd: Vec<Failed>,
    /// Certificates listed or read.
    pub examined: usize,
    /// Whether the selection was explicit (ids, serial numbers).
    pub explicit: bool,
    /// Every id classified, so that one listed twice is revoked once.
    pub seen: HashSet<String>,
    /// Certificates listed more than once.
    pub duplicates: usize,
}

/// A certificate that could not be revoked (or examined), and why; terminal-safe.
#[derive(Clone, Debug)]
pub struct Failed {
    /// Its id (or `serial <n>`).
    pub id: String,
    /// Why, without the per-request ids (to group the summary).
    pub short: String,
    /// Why, in full (with the service's request-id).
    pub full: String,
}

impl Failed {
    /// A failure of `id` for `why` (both made terminal-safe: they are shown as they are).
    pub fn new(id: impl Into<String>, why: impl Into<String>) -> Self {
        let why = safe(&why.into()).into_owned();
        Failed { id: safe(&id.into()).into_owned(), short: why.clone(), full: why }
    }

    /// A failure of `id` because of a client error.
    pub fn of(id: impl Into<String>, error: &Error) -> Self {
        let (short, full) = reason(error);
        Failed { id: safe(&id.into()).into_owned(), short: safe(&short).into_owned(), full: safe(&full).into_owned() }
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

/// Sorts a certificate into the plan.
pub fn classify(plan: &mut Plan, predicate: &Predicate, certificate: Certificate) {
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

/// Sorts an item the model could not read into the plan.
pub fn classify_odd(plan: &mut Plan, predicate: &Predicate, odd: &cloudpki_model::ItemError) {
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
pub async fn listed_plan(context: &Context, ca: &str, predicate: &Predicate) -> Result<Plan, Failure> {
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

/// The journal of a run: opened (and locked) for `--yes`, read only for a dry run; and for
/// `--yes` the lock of the CA, held until the run ends.
pub struct OpenJournal {
    journal: Option<Journal>,
    state: journal::State,
    /// Held for the run: another run on the same CA (with any journal, or none) is refused.
    _lock: Option<CaLock>,
}

/// Opens `--journal` first thing, so a journal in use, of another CA, or that cannot be written
/// (a dry run checks that too), and a CA another run is working on, fail before anything is
/// listed or changed.
///
/// # Errors
///
/// [`Failure::Usage`] with the reason.
pub fn open_journal(context: &Context, ca: &str, run: &RunOptions) -> Result<OpenJournal, Failure> {
    if !run.yes {
        let Some(path) = &run.journal else {
            return Ok(OpenJournal { journal: None, state: journal::State::default(), _lock: None });
        };
        journal::check_writable(path).map_err(Failure::Usage)?;
        let state = journal::read(path).map_err(Failure::Usage)?;
        if let Some(other) = state.ca.as_deref().filter(|other| *other != ca) {
            return Err(Failure::Usage(format!(
                "the journal {} belongs to CA {}, not {}",
                path.display(),
                safe(other),
                safe(ca)
            )));
        }
        return Ok(OpenJournal { journal: None, state, _lock: None });
    }
    let lock =
        CaLock::acquire(&format!("{}:{}", context.base.host(), context.base.port()), ca).map_err(Failure::Usage)?;
    tracing::debug!(lock = %lock.path().display(), "holding the lock of the CA");
    match &run.journal {
        Some(path) => {
            let (journal, state) = Journal::open(path, ca).map_err(Failure::Usage)?;
            Ok(OpenJournal { journal: Some(journal), state, _lock: Some(lock) })
        }
        None => Ok(OpenJournal { journal: None, state: journal::State::default(), _lock: Some(lock) }),
    }
}

/// Reports the plan, and with `--yes` carries it out. Returns whether every target is revoked.
pub async fn execute(
    context: &Context,
    ca: &str,
    mut plan: Plan,
    run: &RunOptions,
    open: OpenJournal,
) -> Result<bool, Failure> {
    let OpenJournal { journal, state, _lock } = open;
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
        note!(
            "dry run: would revoke {} active certificate{} of CA {ca}{}; nothing was changed (run again with --yes to revoke)",
            plan.targets.len(),
            plural(plan.targets.len()),
            if plan.targets.is_empty() { "" } else { " (listed on stdout)" },
        );
        let problems = problems_of(&plan);
        if !problems.is_empty() {
            for failure in problems.iter().take(SHOW_AT_MOST) {
                note!("could not examine {}: {}", safe(&failure.id), failure.full);
            }
            note!("{}", failure_line("could not examine", &problems));
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
        note!("warning: the journal could not be written completely: {error}");
    }
    let mut failed = problems_of(&plan);
    failed.append(&mut tally.failed);
    for (shown, failure) in failed.iter().enumerate() {
        if shown == SHOW_AT_MOST {
            note!("... and {} more failures", failed.len() - SHOW_AT_MOST);
            break;
        }
        note!("failed {}: {}", safe(&failure.id), failure.full);
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
    note!("{line}");
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
        note!(
            "note: the service listed {} certificate{} more than once (taken once)",
            plan.duplicates,
            plural(plan.duplicates)
        );
    }
    if plan.explicit {
        for (shown, (id, status)) in plan.inactive.iter().enumerate() {
            if shown == SHOW_AT_MOST {
                note!("... and {} more not active", plan.inactive.len() - SHOW_AT_MOST);
                break;
            }
            note!("not revoking {}: its status is {} (only active certificates are revoked)", safe(id), safe(status));
        }
        for (shown, id) in plan.unmatched.iter().enumerate() {
            if shown == SHOW_AT_MOST {
                note!("... and {} more left out by the filters", plan.unmatched.len() - SHOW_AT_MOST);
                break;
            }
            note!("not revoking {}: the filters leave it out", safe(id));
        }
    } else if !plan.inactive.is_empty() {
        let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, status) in &plan.inactive {
            *by_status.entry(status.as_str()).or_default() += 1;
        }
        let counts: Vec<String> = by_status.iter().map(|(status, count)| format!("{count} {}", safe(status))).collect();
        note!(
            "{} matching certificate{} not active, left alone (only active certificates are revoked): {}",
            plan.inactive.len(),
            if plan.inactive.len() == 1 { " is" } else { "s are" },
            counts.join(", ")
        );
    }
    if notes.already_done > 0 {
        note!(
            "{} certificate{} already revoked per the journal, skipped",
            notes.already_done,
            plural(notes.already_done)
        );
    }
    if !notes.confirmed.is_empty() {
        note!(
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
                    note!("interrupted: finishing the revocations in flight (Ctrl-C again to quit at once)");
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
                            let advice = auth_message(&error, revoke_operation, &context.service);
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
        let throttled = context.client.limiter().throttled();
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
