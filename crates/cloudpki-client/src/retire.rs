//! Retiring a CA ([`Client::retire_ca`]): pause it, revoke every active leaf certificate, and
//! revoke the CA certificate last.
//!
//! "Every active leaf certificate" is what a listing shows, and one listing is not enough: a
//! leaf issued just before the pause, or while the revocations run, can appear after the first
//! listing, and a replica can answer a listing from before a change. So the active leaf
//! certificates are listed again after each round of revocations, and the CA certificate is
//! revoked only after a listing that shows none.
//!
//! A leaf this run has settled already (revoked, or found not active) that a later listing still
//! shows active is a stale listing: it is **not** sent again (the [`write`](crate::write)
//! executor has seen its revocation); the next listing comes after a pause that doubles, as the
//! executor's observations do. After [`BulkOptions::retire_listings`] listings, the last one
//! still showing active leaf certificates, the retirement stops with
//! [`Error::ActiveLeavesRemain`], naming how many, and the CA certificate is not revoked.

use std::collections::HashSet;
use std::time::Instant;

use cloudpki_model::CloudCertificationAuthorityLeafCertificate as Leaf;
use cloudpki_model::api::Filter;
use cloudpki_model::operations::ListCloudCertificationAuthorityLeafCertificates;
use futures_util::TryStreamExt as _;

use crate::bulk::{BulkOptions, CancellationToken, Hooks, Outcome, Report, Target, TargetKind};
use crate::{Client, Error};

/// What retiring a CA did.
#[derive(Debug)]
#[non_exhaustive]
pub struct RetireReport {
    /// Pausing the CA.
    pub pause: Outcome,
    /// Revoking its active leaf certificates, every round together (empty when the pause failed
    /// or the first listing did).
    pub leaves: Report,
    /// Why the leaf certificates are not known to be all revoked: a listing failed, or the last
    /// listing allowed still showed active ones ([`Error::ActiveLeavesRemain`]).
    pub listing: Option<Error>,
    /// How many times the active leaf certificates were listed.
    pub listings: u32,
    /// Revoking the CA certificate: `None` when it was not attempted because something before
    /// failed or was cancelled.
    pub ca_certificate: Option<Outcome>,
}

/// What [`Client::revoke_remaining_leaves`] did.
#[derive(Debug)]
#[non_exhaustive]
pub struct Remaining {
    /// The revocations of every round together.
    pub leaves: Report,
    /// How many times the active leaf certificates were listed.
    pub listings: u32,
    /// `Ok(true)`: the last listing showed no active leaf certificate; `Ok(false)`: a
    /// revocation failed or the run was cancelled ([`Remaining::leaves`] says which); `Err`: a
    /// listing failed, or the listings allowed are spent ([`Error::ActiveLeavesRemain`]).
    pub result: Result<bool, Error>,
}

impl RetireReport {
    /// Whether the CA is retired: paused, every active leaf revoked (the last listing showed
    /// none), the CA certificate revoked.
    pub fn is_complete(&self) -> bool {
        self.pause.is_done()
            && self.listing.is_none()
            && self.leaves.is_complete()
            && self.ca_certificate.as_ref().is_some_and(Outcome::is_done)
    }
}

impl Client {
    /// Retires CA `ca_id` (see [the module](crate::retire)): pauses it, lists and revokes its
    /// active leaf certificates until a listing shows none, and revokes the CA certificate last,
    /// only if nothing failed and nothing was cancelled. Deleting the CA is left to the caller.
    pub async fn retire_ca(
        &self,
        ca_id: &str,
        options: &BulkOptions,
        hooks: &dyn Hooks,
        cancel: &CancellationToken,
    ) -> RetireReport {
        let pause = self.pause_ca(ca_id, hooks, cancel).await;
        let mut report =
            RetireReport { pause, leaves: Report::default(), listing: None, listings: 0, ca_certificate: None };
        if !report.pause.is_done() {
            return report;
        }
        let remaining = self.revoke_remaining_leaves(ca_id, None, options, hooks, cancel).await;
        report.leaves = remaining.leaves;
        report.listings = remaining.listings;
        match remaining.result {
            Ok(true) if !cancel.is_cancelled() => {}
            Ok(_) => return report,
            Err(error) => {
                report.listing = Some(error);
                return report;
            }
        }
        report.ca_certificate = Some(self.revoke_ca_certificate(ca_id, hooks, cancel).await);
        report
    }

    /// Lists CA `ca_id`'s active leaf certificates and revokes them, round after round, until a
    /// listing shows none (see [the module](crate::retire)). `earlier`: a revocation this run
    /// already made (a caller that revoked a planned list itself, as the CLI's `ca retire` does);
    /// its settled targets count as settled here, so a stale listing cannot send them again.
    pub async fn revoke_remaining_leaves(
        &self,
        ca_id: &str,
        earlier: Option<&Report>,
        options: &BulkOptions,
        hooks: &dyn Hooks,
        cancel: &CancellationToken,
    ) -> Remaining {
        let started = Instant::now();
        let allowed = options.retire_listings.max(2);
        let mut settled: HashSet<String> = earlier.map(settled_ids).unwrap_or_default();
        let mut pause = self.inner.observe_interval;
        let mut leaves = Report::default();
        let mut listings = 0;
        let result = loop {
            if cancel.is_cancelled() {
                break Ok(false);
            }
            listings += 1;
            let active = match self.active_leaf_ids(ca_id).await {
                Ok(active) => active,
                Err(error) => break Err(error),
            };
            if active.is_empty() {
                break Ok(true);
            }
            if listings >= allowed {
                break Err(Error::ActiveLeavesRemain { remaining: active.len(), listings });
            }
            let fresh: Vec<Target> = active.iter().filter(|id| !settled.contains(&key(id))).map(Target::id).collect();
            if fresh.is_empty() {
                tracing::debug!(
                    ca = ca_id,
                    active = active.len(),
                    "the listing still shows leaf certificates this run revoked as active (stale); listing again"
                );
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(self.inner.max_observe_interval);
                continue;
            }
            let round = self.revoke_many(ca_id, fresh, options, hooks, cancel).await;
            settled.extend(settled_ids(&round));
            let complete = round.is_complete();
            leaves.absorb(round);
            if !complete {
                break Ok(false);
            }
        };
        leaves.elapsed = started.elapsed();
        Remaining { leaves, listings, result }
    }

    /// The ids of CA `ca_id`'s leaf certificates that a listing shows active.
    async fn active_leaf_ids(&self, ca_id: &str) -> Result<Vec<String>, Error> {
        let active = ListCloudCertificationAuthorityLeafCertificates::new(ca_id)
            .filter(Filter::eq("certificateStatus", "active"))
            .select(["id", "serialNumber", "certificateStatus"]);
        let leaves: Vec<Leaf> = self.items(active).try_collect().await?;
        Ok(leaves.into_iter().filter_map(|leaf| leaf.id).collect())
    }
}

/// The ids of the leaf certificates `report` settled.
fn settled_ids(report: &Report) -> HashSet<String> {
    report
        .outcomes
        .iter()
        .filter(|(_, outcome)| is_settled(outcome))
        .filter_map(|(target, _)| match &target.kind {
            TargetKind::LeafId(id) => Some(key(id)),
            _ => None,
        })
        .collect()
}

/// A leaf certificate's id as [`Target`]s compare them.
fn key(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

/// Whether a target needs nothing more from this run (done, already done, not active, gone).
fn is_settled(outcome: &Outcome) -> bool {
    !matches!(outcome, Outcome::Failed(_) | Outcome::Cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_as_targets_do() {
        assert_eq!(key(" AbC-1 "), key("abc-1"));
        assert_ne!(key("abc-1"), key("abc-2"));
    }

    #[test]
    fn only_failed_and_cancelled_targets_are_unsettled() {
        assert!(is_settled(&Outcome::NotFound));
        assert!(is_settled(&Outcome::AlreadyDone { entity: None }));
        assert!(!is_settled(&Outcome::Cancelled));
        assert!(!is_settled(&Outcome::Failed(Error::Cancelled)));
    }
}
