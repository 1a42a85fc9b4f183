//! What a fake saw: [`Stats`], as `FakeHandle::stats` and `GET /_fake/stats` give it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// Counters of one fake since it started (or since its stats were reset).
///
/// `GET /_fake/stats` answers this as JSON (camelCase keys), so a test can read the counters of
/// a fake started as a separate process with `serde_json::from_slice::<Stats>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct Stats {
    /// Graph requests per operation id of the spec (`revokeLeafCertificate`, ...), counted as
    /// they arrive (also those refused, throttled or faulted); `unmatched` for paths that are no
    /// operation.
    pub requests: BTreeMap<String, u64>,
    /// Per leaf certificate id: every revocation request (by id or by serial number) that
    /// reached the store for it, whether it changed the status or found the certificate already
    /// revoked. A fault before the change does not count; a fault after it does. A value above
    /// 1 means the certificate was revoked more than once.
    pub revocations: BTreeMap<String, u64>,
    /// Per leaf certificate id: how many of its `revocations` found it already revoked.
    pub repeated_revocations: BTreeMap<String, u64>,
    /// Per certification authority id: `revokeCloudCertificationAuthorityCertificate` requests
    /// that reached the store.
    pub ca_certificate_revocations: BTreeMap<String, u64>,
    /// Per certification authority id: `changeCloudCertificationAuthorityStatus` requests that
    /// changed or re-set its status.
    pub ca_status_changes: BTreeMap<String, u64>,
    /// Injected faults per kind, by their `--faults` names (`429`, `drop`, `late-silent`,
    /// `stale`, ...), throttling not included. `loop-next-link` counts the pages whose next link
    /// was looped (a page without one is left alone and not counted).
    pub faults: BTreeMap<String, u64>,
    /// Faults on writes whose outcome the client cannot know, per `kind:phase`: the ambiguous
    /// ones (504, truncate, drop) as `kind:before` (nothing was applied) or `kind:after` (the
    /// change was applied, the client saw a failure); `late-answer:after`, `late-silent:after`
    /// (applied after the late delay) and `applied-503:after`, `applied-502:after`,
    /// `applied-500-broker:after`.
    pub write_faults: BTreeMap<String, u64>,
    /// Requests that reached `127.0.0.2` after a `redirect` fault (a client that followed the
    /// redirect to another host).
    pub redirects_followed: u64,
    /// Of `redirects_followed`, those that carried an `Authorization` header: the client sent
    /// its token to another host.
    pub redirects_followed_with_token: u64,
    /// Requests answered 429 by the throttle (`--throttle`).
    pub throttled: u64,
    /// Requests answered 401 (no token, or not one this fake issued, or expired).
    pub unauthorized: u64,
    /// Requests answered 403 (the token lacks every scope the operation accepts).
    pub forbidden: u64,
}

impl Stats {
    /// How many revocation requests reached the store for this leaf certificate.
    #[must_use]
    pub fn revocations_of(&self, leaf_id: &str) -> u64 {
        self.revocations.get(leaf_id).copied().unwrap_or(0)
    }

    /// Every revocation request that reached the store.
    #[must_use]
    pub fn total_revocations(&self) -> u64 {
        self.revocations.values().sum()
    }

    /// The leaf certificates revoked more than once, with their counts.
    #[must_use]
    pub fn revoked_more_than_once(&self) -> BTreeMap<String, u64> {
        self.revocations.iter().filter(|(_, count)| **count > 1).map(|(id, count)| (id.clone(), *count)).collect()
    }

    /// Faults of one kind (its `--faults` name).
    #[must_use]
    pub fn faults_of(&self, kind: &str) -> u64 {
        self.faults.get(kind).copied().unwrap_or(0)
    }

    /// Every injected fault.
    #[must_use]
    pub fn total_faults(&self) -> u64 {
        self.faults.values().sum()
    }

    /// Requests to one operation.
    #[must_use]
    pub fn requests_to(&self, operation_id: &str) -> u64 {
        self.requests.get(operation_id).copied().unwrap_or(0)
    }
}

/// The shared counters.
#[derive(Debug, Default)]
pub(crate) struct Recorder(Mutex<Stats>);

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    *map.entry(key.to_owned()).or_insert(0) += 1;
}

impl Recorder {
    fn with<R>(&self, f: impl FnOnce(&mut Stats) -> R) -> R {
        let mut stats = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut stats)
    }

    pub(crate) fn snapshot(&self) -> Stats {
        self.with(|stats| stats.clone())
    }

    pub(crate) fn reset(&self) {
        self.with(|stats| *stats = Stats::default());
    }

    pub(crate) fn request(&self, operation_id: &str) {
        self.with(|stats| bump(&mut stats.requests, operation_id));
    }

    pub(crate) fn revocation(&self, leaf_id: &str, repeated: bool) {
        self.with(|stats| {
            bump(&mut stats.revocations, leaf_id);
            if repeated {
                bump(&mut stats.repeated_revocations, leaf_id);
            }
        });
    }

    pub(crate) fn ca_certificate_revocation(&self, ca_id: &str) {
        self.with(|stats| bump(&mut stats.ca_certificate_revocations, ca_id));
    }

    pub(crate) fn ca_status_change(&self, ca_id: &str) {
        self.with(|stats| bump(&mut stats.ca_status_changes, ca_id));
    }

    pub(crate) fn fault(&self, kind: &str, write_phase: Option<&str>) {
        self.with(|stats| {
            bump(&mut stats.faults, kind);
            if let Some(phase) = write_phase {
                bump(&mut stats.write_faults, &format!("{kind}:{phase}"));
            }
        });
    }

    pub(crate) fn redirect_followed(&self, with_token: bool) {
        self.with(|stats| {
            stats.redirects_followed += 1;
            if with_token {
                stats.redirects_followed_with_token += 1;
            }
        });
    }

    pub(crate) fn throttled(&self) {
        self.with(|stats| stats.throttled += 1);
    }

    pub(crate) fn unauthorized(&self) {
        self.with(|stats| stats.unauthorized += 1);
    }

    pub(crate) fn forbidden(&self) {
        self.with(|stats| stats.forbidden += 1);
    }
}
