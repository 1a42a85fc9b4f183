//! What `cert revoke` and `ca retire` share: the run options, the plan (active certificates are
//! revoked, the others reported), the journal and the per-CA lock, the revocations and the
//! summary.
//!
//! Both first work out the targets, then either list them (a dry run, the default) or revoke
//! them with `--yes` through the client's exactly-once revocation (`--concurrency` caps its window),
//! recording each in the `--journal` when one is given (see [`crate::journal`]).
//!
//! The revocations themselves are the client's bulk operation
//! ([`cloudpki_client::Client::revoke_many`]): its write executor decides when a revocation may be
//! sent again; here the journal, the progress bar and the output are its hooks.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cloudpki_client::Error;
use cloudpki_client::bulk::{
    BulkOptions, CancellationToken, Entity, Hooks, Outcome as BulkOutcome, Target, TargetKind,
};
use cloudpki_model::operations::RevokeLeafCertificate;
use cloudpki_model::{
    CloudCertificationAuthorityLeafCertificate as Certificate,
    CloudCertificationAuthorityLeafCertificateStatus as LeafStatus,
};
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
    /// Why the active leaf certificates are not known to be all revoked after the re-listings
    /// of a retirement (a listing failed, or the last one allowed still showed some).
    remaining: Option<String>,
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

/// Whether a bulk revocation lists the CA's active leaf certificates again afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relist {
    /// No: exactly the targets asked for (`cert revoke`).
    No,
    /// Until a listing shows none, revoking what appears meanwhile (`ca retire`, before the CA
    /// certificate is revoked): [`cloudpki_client::Client::revoke_remaining_leaves`].
    UntilNoneActive,
}

/// Reports the plan, and with `--yes` carries it out. Returns whether every target is revoked.
pub async fn execute(
    context: &Context,
    ca: &str,
    mut plan: Plan,
    run: &RunOptions,
    open: OpenJournal,
    relist: Relist,
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
    // A revocation an earlier run may have sent: observed through the client's settle window from
    // the journal's last write (no later than that send) before anything is sent again.
    let in_doubt_since = run
        .journal
        .as_ref()
        .and_then(|path| std::fs::metadata(path).and_then(|meta| meta.modified()).ok())
        .unwrap_or_else(std::time::SystemTime::now);
    let mut tally = revoke_all(context, ca, targets, journal.as_ref(), in_doubt_since, relist).await;
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
    if let Some(message) = &tally.remaining {
        note!("{message}");
    }
    if tally.interrupted {
        return Err(Failure::Interrupted);
    }
    if let Some(message) = tally.auth {
        return Err(Failure::Auth(message));
    }
    if !failed.is_empty() || tally.not_attempted > 0 || tally.remaining.is_some() {
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

/// The journal, the progress bar and the listing of revoked certificates, as the client's bulk
/// revocation reports to them ([`Hooks`]): the CLI keeps no retry or exactly-once logic of its
/// own.
struct RunHooks<'a> {
    context: &'a Context,
    journal: Option<&'a Journal>,
    bar: ProgressBar,
    printer: std::sync::Mutex<Printer>,
    tally: std::sync::Mutex<Tally>,
    /// Why no new target starts any more, if one was the cause (the first one wins).
    stopped_why: std::sync::Mutex<Option<String>>,
    cancel: CancellationToken,
}

impl RunHooks<'_> {
    fn id(target: &Target) -> String {
        match &target.kind {
            TargetKind::LeafId(id) => id.clone(),
            TargetKind::LeafSerialNumber(serial) => format!("serial {serial}"),
            other => format!("{other:?}"),
        }
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait::async_trait]
impl Hooks for RunHooks<'_> {
    async fn before_send(&self, target: &Target) -> Result<(), String> {
        let Some(journal) = self.journal else { return Ok(()) };
        if let Err(error) = journal.begin(&Self::id(target)).await {
            let why = format!("the journal cannot be written: {error}");
            set_once(&self.stopped_why, &why);
            self.cancel.cancel();
            return Err(why);
        }
        Ok(())
    }

    async fn after_outcome(&self, target: &Target, outcome: &BulkOutcome) {
        let id = Self::id(target);
        let record = |done: Done| {
            if let Some(journal) = self.journal {
                journal.done(&id, done);
            }
        };
        match outcome {
            BulkOutcome::Done { entity, observed } => {
                record(if *observed { Done::Confirmed } else { Done::Revoked });
                let mut tally = self.tally();
                if *observed {
                    tally.confirmed += 1
                } else {
                    tally.revoked += 1
                }
                if let Entity::Leaf(leaf) = entity {
                    self.printer.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(leaf.as_ref());
                }
            }
            BulkOutcome::AlreadyDone { entity } => {
                record(Done::Confirmed);
                self.tally().confirmed += 1;
                if let Some(Entity::Leaf(leaf)) = entity {
                    self.printer.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(leaf.as_ref());
                }
            }
            BulkOutcome::NotActive { entity } => {
                let status = match entity {
                    Entity::Leaf(leaf) => leaf.certificate_status.as_ref().map_or("unknown", |status| status.as_str()),
                    Entity::Ca(_) => "unknown",
                };
                let failed =
                    Failed::new(id.clone(), format!("its status is {status} (only active certificates are revoked)"));
                if let Some(journal) = self.journal {
                    journal.failed(&id, &failed.full);
                }
                self.tally().failed.push(failed);
            }
            BulkOutcome::NotFound => {
                let failed = Failed::new(id.clone(), "not found");
                if let Some(journal) = self.journal {
                    journal.failed(&id, &failed.full);
                }
                self.tally().failed.push(failed);
            }
            BulkOutcome::Failed(error) => {
                let failed = Failed::of(id.clone(), error);
                if let Some(journal) = self.journal {
                    journal.failed(&id, &failed.full);
                }
                let mut tally = self.tally();
                if error.is_auth() {
                    set_once(&self.stopped_why, "stopped after an authentication or permission error");
                    self.cancel.cancel();
                    if tally.auth.is_none() {
                        let operation = OperationInfo::of::<RevokeLeafCertificate>();
                        tally.auth = auth_message(error, operation, &self.context.service);
                    }
                }
                tally.failed.push(failed);
            }
            _ => self.tally().not_attempted += 1,
        }
        self.bar.inc(1);
        let failed = self.tally().failed.len();
        let window = self.context.client.limiter().window();
        self.bar.set_message(format!("failed {failed}, requests in flight up to {window}"));
    }
}

/// Revokes `targets` (id, and whether an earlier run may have sent it, per the journal) through
/// the client's bulk revocation: one exactly-once write executor, the client's adaptive window
/// (`--concurrency` caps it), the journal as its hooks. Stops starting new targets after an
/// authentication or permission failure, a journal that cannot be written, or Ctrl-C (a second
/// Ctrl-C quits at once: the journal is safe).
async fn revoke_all(
    context: &Context,
    ca: &str,
    targets: Vec<(String, bool)>,
    journal: Option<&Journal>,
    in_doubt_since: std::time::SystemTime,
    relist: Relist,
) -> Tally {
    if targets.is_empty() {
        return Tally::default();
    }
    let cancel = CancellationToken::new();
    let interrupted = Arc::new(AtomicBool::new(false));
    let hooks = RunHooks {
        context,
        journal,
        bar: progress_bar(context, targets.len()),
        printer: std::sync::Mutex::new(Printer::stdout(context.format, Kind::Certificate).without_empty_note()),
        tally: std::sync::Mutex::new(Tally::default()),
        stopped_why: std::sync::Mutex::new(None),
        cancel: cancel.clone(),
    };
    let watcher = {
        let (cancel, interrupted, bar) = (cancel.clone(), interrupted.clone(), hooks.bar.clone());
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.store(true, Ordering::SeqCst);
                cancel.cancel();
                bar.suspend(|| {
                    note!("interrupted: finishing the revocations in flight (Ctrl-C again to quit at once)");
                });
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(i32::from(crate::failure::EXIT_INTERRUPTED));
                }
            }
        })
    };
    let targets = targets.into_iter().map(|(id, in_doubt)| {
        let target = Target::id(id);
        if in_doubt { target.sent_before(in_doubt_since) } else { target }
    });
    let report = context.client.revoke_many(ca, targets, &BulkOptions::default(), &hooks, &cancel).await;
    let mut remaining = None;
    if relist == Relist::UntilNoneActive && report.is_complete() && !cancel.is_cancelled() {
        // The client's rule: list again until a listing shows no active leaf certificate
        // (stragglers issued meanwhile are revoked, through the same hooks and journal).
        let more =
            context.client.revoke_remaining_leaves(ca, Some(&report), &BulkOptions::default(), &hooks, &cancel).await;
        tracing::debug!(listings = more.listings, revoked = more.leaves.outcomes.len(), "re-listed");
        if let Err(error) = more.result {
            remaining = Some(safe(&error.to_string()).into_owned());
        }
    }
    watcher.abort();
    // The handler stays installed: from now on Ctrl-C quits at once, as it would have.
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(i32::from(crate::failure::EXIT_INTERRUPTED));
        }
    });
    hooks.bar.finish_and_clear();
    let RunHooks { printer, tally, stopped_why, .. } = hooks;
    let _ = printer.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).finish();
    let mut tally = tally.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    tally.interrupted = interrupted.load(Ordering::SeqCst);
    tally.stopped = stopped_why.into_inner().ok().flatten();
    tally.remaining = remaining;
    if tally.interrupted && tally.stopped.is_none() {
        tally.stopped = Some("interrupted".to_owned());
    }
    tracing::debug!(duplicates = report.duplicates, elapsed = ?report.elapsed, "bulk revocation done");
    tally
}

fn set_once(slot: &std::sync::Mutex<Option<String>>, why: &str) {
    if let Ok(mut slot) = slot.lock()
        && slot.is_none()
    {
        *slot = Some(why.to_owned());
    }
}
