//! Bulk operations: revoke many leaf certificates of a CA (by id or by serial number), pause a
//! CA, retire a CA ([`Client::retire_ca`], with [`RetireReport`]). Every write goes through the [`write`](crate::write) executor (one place
//! for write safety); this module adds what a run over many targets needs:
//!
//! - **de-duplication**: the same certificate named twice is handled once (ids and serial
//!   numbers compared without regard to ASCII case; [`Report::duplicates`] counts the others);
//! - **hooks** for a journal ([`Hooks`]): [`Hooks::before_send`] is called and awaited before
//!   the first send of each target (an error aborts that target: it is reported as
//!   [`Outcome::Failed`] with [`Error::Hook`], and nothing is sent for it), and
//!   [`Hooks::after_outcome`] once its outcome is known;
//! - **cancellation** ([`CancellationToken`]): once cancelled, no target starts (each is
//!   reported [`Outcome::Cancelled`]); targets already sent are allowed to settle;
//! - **per-target outcomes** and a [`Report`];
//! - **resuming**: a target a journal says was sent without an outcome
//!   ([`Target::sent_before`]) is observed first, through the settle window from when it was
//!   sent, before anything is sent for it ([`Client::write_resumed`]).
//!
//! Concurrency: targets run side by side, as many as the client's window lets requests through
//! (the adaptive window of [`crate::limit`] decides how many requests are in flight; a bulk
//! operation has no concurrency of its own beyond [`BulkOptions::targets_in_progress`]).
//!
//! ```no_run
//! # async fn example(client: cloudpki_client::Client) {
//! use cloudpki_client::bulk::{BulkOptions, NoHooks, Target};
//! use tokio_util::sync::CancellationToken;
//!
//! let targets = ["leaf-1", "leaf-2"].map(Target::id);
//! let report = client
//!     .revoke_many("ca-id", targets, &BulkOptions::default(), &NoHooks, &CancellationToken::new())
//!     .await;
//! for (target, outcome) in &report.outcomes {
//!     println!("{target}: {outcome}");
//! }
//! # }
//! ```

use std::collections::HashSet;
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use cloudpki_model::operations::{
    ChangeCloudCertificationAuthorityStatus, GetCloudCertificationAuthorityById,
    GetCloudCertificationAuthorityLeafCertificate, RevokeCloudCertificationAuthorityCertificate, RevokeLeafCertificate,
    RevokeLeafCertificateBySerialNumber, SearchCloudCertificationAuthorityLeafCertificateBySerialNumber,
};
use cloudpki_model::{
    ChangeCloudCertificationAuthorityStatusRequest, CloudCertificationAuthority as Ca,
    CloudCertificationAuthorityLeafCertificate as Leaf, CloudCertificationAuthorityLeafCertificateStatus as LeafStatus,
    CloudCertificationAuthorityStatus as CaStatus, RevokeCloudCertificationAuthorityCertificateRequest,
    RevokeLeafCertificateBySerialNumberRequest, RevokeLeafCertificateRequest,
    SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest,
};
use futures_util::StreamExt as _;
pub use tokio_util::sync::CancellationToken;

pub use crate::retire::RetireReport;
use crate::write::{ObservedWrite, Written};
use crate::{Client, Error};

/// What a target names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TargetKind {
    /// A leaf certificate of the CA, by id (`revokeLeafCertificate`).
    LeafId(String),
    /// A leaf certificate of the CA, by serial number (`revokeLeafCertificateBySerialNumber`).
    LeafSerialNumber(String),
    /// The CA itself, to pause (`changeCloudCertificationAuthorityStatus` to paused).
    PauseCa,
    /// The CA's certificate, to revoke (`revokeCloudCertificationAuthorityCertificate`).
    RevokeCaCertificate,
}

/// One target of a bulk operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// What it names.
    pub kind: TargetKind,
    /// When an earlier run sent its write without learning the outcome (from a journal).
    pub sent_before: Option<SystemTime>,
}

impl Target {
    /// A leaf certificate by id.
    pub fn id(id: impl Into<String>) -> Self {
        Target { kind: TargetKind::LeafId(id.into()), sent_before: None }
    }

    /// A leaf certificate by serial number.
    pub fn serial_number(serial: impl Into<String>) -> Self {
        Target { kind: TargetKind::LeafSerialNumber(serial.into()), sent_before: None }
    }

    /// This target, sent by an earlier run at `at` without a known outcome: it is observed
    /// before anything is sent.
    #[must_use]
    pub fn sent_before(mut self, at: SystemTime) -> Self {
        self.sent_before = Some(at);
        self
    }

    /// The de-duplication key.
    fn key(&self) -> (u8, String) {
        match &self.kind {
            TargetKind::LeafId(id) => (0, id.trim().to_ascii_lowercase()),
            TargetKind::LeafSerialNumber(serial) => (1, serial.trim().to_ascii_lowercase()),
            TargetKind::PauseCa => (2, String::new()),
            TargetKind::RevokeCaCertificate => (3, String::new()),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match &self.kind {
            TargetKind::LeafId(id) => format!("leaf {id}"),
            TargetKind::LeafSerialNumber(serial) => format!("leaf with serial number {serial}"),
            TargetKind::PauseCa => "pause the CA".to_owned(),
            TargetKind::RevokeCaCertificate => "revoke the CA certificate".to_owned(),
        };
        f.write_str(&crate::text::terminal_safe(&text))
    }
}

/// The entity a target ended with, as the service showed it.
#[derive(Clone, Debug, PartialEq)]
pub enum Entity {
    /// A leaf certificate.
    Leaf(Box<Leaf>),
    /// A certification authority.
    Ca(Box<Ca>),
}

/// How one target ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// Done by this run: the leaf or the CA certificate revoked, the CA paused. `observed`: the
    /// answer was lost and the named read showed the effect (nothing was sent again).
    Done {
        /// The entity as last seen.
        entity: Entity,
        /// Whether the effect was observed rather than answered.
        observed: bool,
    },
    /// Nothing to do: already revoked (or paused), as a read or the service's refusal showed.
    AlreadyDone {
        /// The entity as read, when it was.
        entity: Option<Entity>,
    },
    /// Not active (expired, or another status): not revoked.
    NotActive {
        /// The entity as read.
        entity: Entity,
    },
    /// No such certificate (404).
    NotFound,
    /// Failed; the error says whether the write may still land ([`Error::is_ambiguous`]).
    Failed(Error),
    /// Not started: the operation was cancelled first.
    Cancelled,
}

impl Outcome {
    /// Whether the target is in the state asked for (done now or before).
    pub fn is_done(&self) -> bool {
        matches!(self, Outcome::Done { .. } | Outcome::AlreadyDone { .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Done { observed: false, .. } => f.write_str("done"),
            Outcome::Done { observed: true, .. } => f.write_str("done (answer lost; the effect was observed)"),
            Outcome::AlreadyDone { .. } => f.write_str("already done"),
            Outcome::NotActive { entity: Entity::Leaf(leaf) } => {
                let status = leaf.certificate_status.as_ref().map_or("unknown", |s| s.as_str());
                write!(f, "not active ({})", crate::text::terminal_safe(status))
            }
            Outcome::NotActive { .. } => f.write_str("not active"),
            Outcome::NotFound => f.write_str("not found"),
            Outcome::Failed(error) => write!(f, "failed: {error}"),
            Outcome::Cancelled => f.write_str("cancelled"),
        }
    }
}

/// What a journal (or progress display) hears of a bulk operation.
#[async_trait::async_trait]
pub trait Hooks: Send + Sync {
    /// Called and awaited before the first send of `target` (not for targets settled by a read
    /// alone). An error aborts that target: nothing is sent for it.
    ///
    /// # Errors
    ///
    /// The target must not be sent (for example the journal could not be written).
    async fn before_send(&self, target: &Target) -> Result<(), String> {
        let _ = target;
        Ok(())
    }

    /// Called once per target with its outcome.
    async fn after_outcome(&self, target: &Target, outcome: &Outcome) {
        let _ = (target, outcome);
    }
}

/// No hooks.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHooks;

impl Hooks for NoHooks {}

/// Options of a bulk revocation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BulkOptions {
    /// Read each certificate before revoking it (default off): an already revoked one is
    /// [`Outcome::AlreadyDone`], an expired one [`Outcome::NotActive`], a missing one
    /// [`Outcome::NotFound`], without a write. Off, each target costs one request; an already
    /// revoked certificate is then reported as the service answers (it has been seen to answer
    /// 200 with the certificate unchanged: [`Outcome::Done`]; or 400: [`Outcome::AlreadyDone`]).
    pub check_first: bool,
    /// How many targets are in progress at once (default 512); requests in flight are bounded
    /// by the client's window, not by this.
    pub targets_in_progress: usize,
    /// How many times [`Client::retire_ca`] lists the CA's active leaf certificates (default 5,
    /// at least 2): each listing but the last that shows some is followed by their revocation,
    /// and the CA certificate is revoked only after a listing that shows none (see
    /// [`crate::retire`]).
    pub retire_listings: u32,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions { check_first: false, targets_in_progress: 512, retire_listings: 5 }
    }
}

impl BulkOptions {
    /// These options with `check_first`.
    #[must_use]
    pub fn with_check_first(mut self, check_first: bool) -> Self {
        self.check_first = check_first;
        self
    }

    /// These options with `retire_listings` (at least 2: one to find the active leaf
    /// certificates, one to see that none is left).
    #[must_use]
    pub fn with_retire_listings(mut self, listings: u32) -> Self {
        self.retire_listings = listings.max(2);
        self
    }
}

/// What a bulk revocation did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Report {
    /// Every distinct target with its outcome, in completion order.
    pub outcomes: Vec<(Target, Outcome)>,
    /// Targets dropped as duplicates of earlier ones.
    pub duplicates: usize,
    /// How long it took.
    pub elapsed: Duration,
}

impl Report {
    /// Adds `other`'s outcomes, duplicates and time to this report.
    pub(crate) fn absorb(&mut self, other: Report) {
        self.outcomes.extend(other.outcomes);
        self.duplicates += other.duplicates;
        self.elapsed += other.elapsed;
    }

    /// Targets in the state asked for (done now or already).
    pub fn done(&self) -> usize {
        self.outcomes.iter().filter(|(_, o)| o.is_done()).count()
    }

    /// Targets that failed.
    pub fn failed(&self) -> usize {
        self.outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Failed(_))).count()
    }

    /// Targets not started because of cancellation.
    pub fn cancelled(&self) -> usize {
        self.outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Cancelled)).count()
    }

    /// Whether nothing failed and nothing was cancelled (not found and not active are fine).
    pub fn is_complete(&self) -> bool {
        self.failed() == 0 && self.cancelled() == 0
    }
}

impl Client {
    /// Revokes the leaf certificates `targets` of CA `ca_id` (see [the module](crate::bulk)).
    /// Targets that are not leaf certificates are reported [`Outcome::Failed`].
    pub async fn revoke_many(
        &self,
        ca_id: &str,
        targets: impl IntoIterator<Item = Target>,
        options: &BulkOptions,
        hooks: &dyn Hooks,
        cancel: &CancellationToken,
    ) -> Report {
        let started = Instant::now();
        let mut seen = HashSet::new();
        let mut distinct = Vec::new();
        let mut duplicates = 0;
        for target in targets {
            if seen.insert(target.key()) {
                distinct.push(target);
            } else {
                duplicates += 1;
            }
        }
        let gate = Gate::default();
        let gate = &gate;
        let outcomes = futures_util::stream::iter(distinct)
            .map(|target| async move {
                // A target starts only when the window has room for it, so a cancellation (an
                // authentication failure, Ctrl-C) stops all but the targets already in flight.
                let slot = gate.enter(|| self.limiter().places() + 1).await;
                let outcome = self.revoke_one(ca_id, &target, options, hooks, cancel).await;
                hooks.after_outcome(&target, &outcome).await;
                drop(slot);
                (target, outcome)
            })
            .buffer_unordered(options.targets_in_progress.max(1))
            .collect()
            .await;
        Report { outcomes, duplicates, elapsed: started.elapsed() }
    }

    async fn revoke_one(
        &self,
        ca_id: &str,
        target: &Target,
        options: &BulkOptions,
        hooks: &dyn Hooks,
        cancel: &CancellationToken,
    ) -> Outcome {
        if cancel.is_cancelled() {
            return Outcome::Cancelled;
        }
        match &target.kind {
            TargetKind::LeafId(id) => {
                let write = RevokeLeafCertificate::new(ca_id, RevokeLeafCertificateRequest::new(id.as_str()));
                let read = || async {
                    Ok(self.call(&GetCloudCertificationAuthorityLeafCertificate::new(ca_id, id)).await?.into_entity())
                };
                self.revoke_leaf(&write, target, options.check_first, read, hooks, cancel).await
            }
            TargetKind::LeafSerialNumber(serial) => {
                let write = RevokeLeafCertificateBySerialNumber::new(
                    ca_id,
                    RevokeLeafCertificateBySerialNumberRequest::new(serial.as_str()),
                );
                let read = || async {
                    let search = SearchCloudCertificationAuthorityLeafCertificateBySerialNumber::new(
                        ca_id,
                        SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest::new(serial.as_str()),
                    );
                    Ok(self.call(&search).await?.into_entity())
                };
                self.revoke_leaf(&write, target, options.check_first, read, hooks, cancel).await
            }
            TargetKind::PauseCa | TargetKind::RevokeCaCertificate => {
                Outcome::Failed(Error::Hook(format!("{target} is not a leaf certificate")))
            }
        }
    }

    async fn revoke_leaf<W, R, F>(
        &self,
        write: &W,
        target: &Target,
        check_first: bool,
        read: R,
        hooks: &dyn Hooks,
        cancel: &CancellationToken,
    ) -> Outcome
    where
        W: ObservedWrite<Seen = Leaf>,
        W: ObservedWrite<Output = cloudpki_model::SingleEntity<Leaf>>,
        R: Fn() -> F,
        F: Future<Output = Result<Leaf, Error>>,
    {
        if check_first && target.sent_before.is_none() {
            match read().await {
                Ok(leaf) => match leaf.certificate_status {
                    Some(LeafStatus::Active) => {}
                    Some(LeafStatus::Revoked) => {
                        return Outcome::AlreadyDone { entity: Some(Entity::Leaf(Box::new(leaf))) };
                    }
                    _ => return Outcome::NotActive { entity: Entity::Leaf(Box::new(leaf)) },
                },
                Err(error) if error.is_not_found() => return Outcome::NotFound,
                Err(error) => return Outcome::Failed(error),
            }
        }
        if let Err(message) = hooks.before_send(target).await {
            return Outcome::Failed(Error::Hook(message));
        }
        if cancel.is_cancelled() {
            return Outcome::Cancelled;
        }
        let result = match target.sent_before {
            Some(at) => self.write_resumed(write, at).await,
            None => self.write(write).await,
        };
        leaf_outcome(result)
    }

    /// Pauses CA `ca_id` (`changeCloudCertificationAuthorityStatus` to paused, through the
    /// write executor), unless it is paused or revoked already. The hooks hear of it as
    /// [`TargetKind::PauseCa`].
    pub async fn pause_ca(&self, ca_id: &str, hooks: &dyn Hooks, cancel: &CancellationToken) -> Outcome {
        let target = Target { kind: TargetKind::PauseCa, sent_before: None };
        let outcome = self.ca_step(ca_id, &target, hooks, cancel).await;
        hooks.after_outcome(&target, &outcome).await;
        outcome
    }

    /// Revokes CA `ca_id`'s certificate (`revokeCloudCertificationAuthorityCertificate`, through
    /// the write executor), unless it is revoked already. The hooks hear of it as
    /// [`TargetKind::RevokeCaCertificate`]. [`Client::retire_ca`] does this last, once every
    /// active leaf certificate is revoked.
    pub async fn revoke_ca_certificate(&self, ca_id: &str, hooks: &dyn Hooks, cancel: &CancellationToken) -> Outcome {
        let target = Target { kind: TargetKind::RevokeCaCertificate, sent_before: None };
        let outcome = self.ca_step(ca_id, &target, hooks, cancel).await;
        hooks.after_outcome(&target, &outcome).await;
        outcome
    }

    async fn ca_step(&self, ca_id: &str, target: &Target, hooks: &dyn Hooks, cancel: &CancellationToken) -> Outcome {
        if cancel.is_cancelled() {
            return Outcome::Cancelled;
        }
        let ca = match self.call(&GetCloudCertificationAuthorityById::new(ca_id)).await {
            Ok(ca) => ca.into_entity(),
            Err(error) if error.is_not_found() => return Outcome::NotFound,
            Err(error) => return Outcome::Failed(error),
        };
        let status = ca.certification_authority_status.value();
        let pause = target.kind == TargetKind::PauseCa;
        let already = if pause {
            matches!(status, Some(CaStatus::Paused | CaStatus::Revoked))
        } else {
            matches!(status, Some(CaStatus::Revoked))
        };
        if already {
            return Outcome::AlreadyDone { entity: Some(Entity::Ca(Box::new(ca))) };
        }
        let Some(version) = ca.version_number else {
            return Outcome::Failed(Error::InvalidBody {
                message: format!("CA {ca_id} has no versionNumber"),
                request_id: None,
            });
        };
        if let Err(message) = hooks.before_send(target).await {
            return Outcome::Failed(Error::Hook(message));
        }
        if cancel.is_cancelled() {
            return Outcome::Cancelled;
        }
        let result = if pause {
            let write = ChangeCloudCertificationAuthorityStatus::new(
                ca_id,
                ChangeCloudCertificationAuthorityStatusRequest::new(CaStatus::Paused, version),
            );
            self.write(&write).await.map(|w| map_written(w, |a| a.into_entity()))
        } else {
            let write = RevokeCloudCertificationAuthorityCertificate::new(
                ca_id,
                RevokeCloudCertificationAuthorityCertificateRequest::new(version),
            );
            self.write(&write).await.map(|w| map_written(w, |a| a.into_entity()))
        };
        match result {
            Ok((ca, observed)) => Outcome::Done { entity: Entity::Ca(Box::new(ca)), observed },
            Err(error) if error.is_not_found() => Outcome::NotFound,
            Err(error) => Outcome::Failed(error),
        }
    }
}

/// How many targets are in progress, bounded by a limit read each time one wants to start (the
/// client's window, which moves).
#[derive(Debug, Default)]
struct Gate {
    in_progress: std::sync::Mutex<usize>,
    left: tokio::sync::Notify,
}

/// A place in the [`Gate`], given back when dropped.
struct Slot<'a>(&'a Gate);

impl Gate {
    async fn enter(&self, limit: impl Fn() -> usize) -> Slot<'_> {
        loop {
            let notified = self.left.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            {
                let mut in_progress = self.in_progress.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if *in_progress < limit().max(1) {
                    *in_progress += 1;
                    return Slot(self);
                }
            }
            notified.await;
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut in_progress = self.0.in_progress.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *in_progress = in_progress.saturating_sub(1);
        drop(in_progress);
        self.0.left.notify_waiters();
    }
}

fn map_written<T, S>(written: Written<T, S>, answered: impl FnOnce(T) -> S) -> (S, bool) {
    match written {
        Written::Answered(answer) => (answered(answer), false),
        Written::Observed(seen) => (seen, true),
    }
}

fn leaf_outcome(result: Result<Written<cloudpki_model::SingleEntity<Leaf>, Leaf>, Error>) -> Outcome {
    match result {
        Ok(written) => {
            let (leaf, observed) = map_written(written, cloudpki_model::SingleEntity::into_entity);
            Outcome::Done { entity: Entity::Leaf(Box::new(leaf)), observed }
        }
        Err(error) if error.is_not_found() => Outcome::NotFound,
        Err(error) if is_already_revoked(&error) => Outcome::AlreadyDone { entity: None },
        Err(error) => Outcome::Failed(error),
    }
}

/// The service's refusal of a certificate that is revoked already (a 400 that says so).
fn is_already_revoked(error: &Error) -> bool {
    match error {
        Error::Graph { error, .. } => {
            error.status == http::StatusCode::BAD_REQUEST
                && error.message.as_deref().is_some_and(|m| m.to_ascii_lowercase().contains("already been revoked"))
        }
        _ => false,
    }
}
