//! The write executor: every write of the namespace goes through [`Client::write`], driven
//! only by the operation's [`Semantics`](cloudpki_model::api::Semantics) from the spec (never by its HTTP method or scopes).
//!
//! # What "once" means
//!
//! The service has no idempotency key: a write that was sent may land at any moment until the
//! service gives up on it, whatever the client saw (a timeout, a dropped connection, a 502 after
//! the change was applied). So:
//!
//! 1. A [`Semantics::Write`](cloudpki_model::api::Semantics::Write) is sent, and retried only while the service certainly did not
//!    act on it (throttled with 429, no connection, a token that could not be had).
//! 2. After an **ambiguous** outcome (a timeout, a dropped connection, a truncated or garbled
//!    answer, any 5xx including 503, 502 and the query broker's 500) it is **not** sent again.
//!    Its effect is **observed** with the read the spec names (`observed_by`), through the
//!    typed check of [`ObservedWrite`]: `revokeLeafCertificate` reads the certificate and looks
//!    for `certificateStatus` revoked, `revokeLeafCertificateBySerialNumber` searches by serial
//!    number, the CA actions read the CA, `renew` lists the versions, a creation lists the
//!    collection. Visible: done ([`Written::Observed`]), nothing sent again.
//! 3. Not visible: it keeps observing, with backoff, until the **settle window**
//!    ([`crate::ClientBuilder::settle_window`]) after the ambiguous attempt was sent has passed.
//!    Only then is it sent again. A stale read (the old state, answered by a replica that has
//!    not seen the change yet) cannot make it send twice inside the window: "not visible" is
//!    never taken as "did not happen" before the window ends.
//! 4. [`Semantics::Idempotent`](cloudpki_model::api::Semantics::Idempotent) operations are sent again after any transient failure (sending
//!    them twice has the effect of sending them once); a removal whose earlier attempt was
//!    ambiguous and that is then answered 404 counts as done.
//!
//! **Where "once" ends**: an attempt still in flight somewhere in the service after the settle
//! window has passed, or a replica stale for longer than the window, can still make a write
//! land twice. The executor makes that as unlikely as the window is long, and no more; a
//! journal (see [`crate::bulk::Hooks`]) records that a write was sent so the operator, or a
//! resumed run ([`Client::write_resumed`]), knows its outcome was not seen.
//!
//! # The default settle window: 120 s
//!
//! An attempt can land only while some part of the service still holds it. Microsoft Graph's
//! front end gives up on a request after about 100 s (its gateway answers 504 then), and the
//! backends behind it run under shorter timeouts; the fake's late writes land after 30 s by
//! default. 120 s after it was sent, an attempt that has not landed is gone, with a margin for
//! clocks and queues. The write timeout (default 120 s, longer than the read timeout of 60 s) is
//! the same bound seen from the client: an attempt that got no answer in that time is observed,
//! and by then the window has passed, so one observation that does not see the effect allows the
//! next attempt.

use std::time::{Duration, Instant, SystemTime};

use cloudpki_model::api::Operation;
#[cfg(test)]
use cloudpki_model::api::Semantics;
use cloudpki_model::operations::{
    Activate, ChangeCloudCertificationAuthorityStatus, CreateCloudCertificationAuthority,
    CreateTenantCloudCertificationAuthorityLeafCertificate, GetCloudCertificationAuthorityById,
    GetCloudCertificationAuthorityLeafCertificate, ListCloudCertificationAuthorities,
    ListCloudCertificationAuthorityVersions, ListTenantCloudCertificationAuthorityLeafCertificates, Renew,
    RevokeCloudCertificationAuthorityCertificate, RevokeLeafCertificate, RevokeLeafCertificateBySerialNumber,
    SearchCloudCertificationAuthorityLeafCertificateBySerialNumber,
    UploadExternallySignedCertificationAuthorityCertificate,
};
use cloudpki_model::{
    CloudCertificationAuthority as Ca, CloudCertificationAuthorityLeafCertificate as Leaf,
    CloudCertificationAuthorityLeafCertificateStatus as LeafStatus, CloudCertificationAuthorityStatus as CaStatus,
    CloudCertificationAuthorityVersion as Version,
    SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest,
};
use futures_util::TryStreamExt as _;

use crate::pipeline::Sent;
use crate::{Client, Error};

/// What an observation showed.
#[derive(Clone, Debug, PartialEq)]
pub enum Observation<S> {
    /// The write's effect is visible; the entity as the read showed it.
    Visible(S),
    /// Not visible (yet): the write did not land, or the read is stale.
    NotVisible,
}

/// A write of the namespace with the typed check of its effect, through the read the spec
/// names in its [`Semantics::Write`](cloudpki_model::api::Semantics::Write) (`observed_by`, checked by a test for every implementation).
#[async_trait::async_trait]
pub trait ObservedWrite: Operation + Sync
where
    Self::Output: Send,
{
    /// What the read shows.
    type Seen: Send;
    /// What is remembered before the first send, to tell a new entity from those already there
    /// (creations, `renew`); `()` for the others.
    type Baseline: Send + Sync;
    /// The `operationId` of the read used (`Semantics::Write::observed_by`).
    const OBSERVED_BY: &'static str;

    /// The baseline, read before the first send.
    ///
    /// # Errors
    ///
    /// The read failed.
    async fn baseline(&self, client: &Client) -> Result<Self::Baseline, Error>;

    /// Whether the effect is visible.
    ///
    /// # Errors
    ///
    /// The read failed (after its own retries).
    async fn observe(&self, client: &Client, baseline: &Self::Baseline) -> Result<Observation<Self::Seen>, Error>;
}

/// How a write ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Written<T, S> {
    /// The service answered it.
    Answered(T),
    /// Its answer was lost (or came from a run that stopped), and the named read showed the
    /// effect: it was not sent again.
    Observed(S),
}

impl Client {
    /// Runs a write of the namespace exactly as [the module](crate::write) describes: sent,
    /// retried only while it certainly did not land, observed after an ambiguous outcome,
    /// sent again only when its effect stayed invisible through the settle window.
    ///
    /// # Errors
    ///
    /// A final answer (4xx), retries exhausted, [`Error::Unsettled`] when the effect never
    /// showed and the resends are spent.
    pub async fn write<W>(&self, write: &W) -> Result<Written<W::Output, W::Seen>, Error>
    where
        W: ObservedWrite,
        W::Output: Send,
    {
        self.execute(write, None).await
    }

    /// [`Client::write`] for a write that an earlier run may have sent at `sent_at` (a journal
    /// says so, without an outcome): its effect is observed first, through the settle window
    /// from `sent_at`, before anything is sent.
    ///
    /// # Errors
    ///
    /// See [`Client::write`].
    pub async fn write_resumed<W>(&self, write: &W, sent_at: SystemTime) -> Result<Written<W::Output, W::Seen>, Error>
    where
        W: ObservedWrite,
        W::Output: Send,
    {
        let ago = SystemTime::now().duration_since(sent_at).unwrap_or(Duration::ZERO);
        let sent_at = Instant::now().checked_sub(ago).unwrap_or_else(Instant::now);
        self.execute(write, Some(sent_at)).await
    }

    async fn execute<W>(&self, write: &W, resumed: Option<Instant>) -> Result<Written<W::Output, W::Seen>, Error>
    where
        W: ObservedWrite,
        W::Output: Send,
    {
        let baseline = write.baseline(self).await?;
        let mut ambiguous: Option<(Error, Instant)> = resumed.map(|at| {
            (Error::Ambiguous { message: "sent by an earlier run".to_owned(), client_request_id: String::new() }, at)
        });
        let mut sends = 0u32;
        loop {
            if let Some((error, sent_at)) = ambiguous.take() {
                if let Some(seen) = self.settle(write, &baseline, &error, sent_at).await? {
                    return Ok(Written::Observed(seen));
                }
                if sends > self.inner.max_resends {
                    return Err(Error::Unsettled {
                        operation: W::OPERATION_ID,
                        message: format!(
                            "not visible through the settle window after {sends} attempts ({error}); it may still land"
                        ),
                    });
                }
                tracing::info!(
                    operation = W::OPERATION_ID,
                    "effect not visible after the settle window; sending again"
                );
            }
            sends += 1;
            match self.run(write).await {
                Ok(Sent::Done(output)) => return Ok(Written::Answered(output)),
                Ok(Sent::Ambiguous { error, sent_at }) => ambiguous = Some((error, sent_at)),
                Err(error) if sends > 1 && error.status().is_some_and(|s| s.is_client_error()) => {
                    // A refusal after an earlier ambiguous attempt (e.g. "already revoked"):
                    // that attempt may have landed after all.
                    if let Ok(Observation::Visible(seen)) = write.observe(self, &baseline).await {
                        return Ok(Written::Observed(seen));
                    }
                    return Err(error);
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Observes until the effect shows or the settle window after `sent_at` has passed (one
    /// observation at least, and one after the window ends).
    async fn settle<W>(
        &self,
        write: &W,
        baseline: &W::Baseline,
        error: &Error,
        sent_at: Instant,
    ) -> Result<Option<W::Seen>, Error>
    where
        W: ObservedWrite,
        W::Output: Send,
    {
        let deadline = sent_at + self.inner.settle_window;
        let mut delay = self.inner.observe_interval;
        let mut observations = 0u32;
        loop {
            observations += 1;
            let observation = write.observe(self, baseline).await;
            let now = Instant::now();
            tracing::debug!(
                operation = W::OPERATION_ID,
                observed_by = W::OBSERVED_BY,
                observations,
                visible = matches!(observation, Ok(Observation::Visible(_))),
                "observing an ambiguous write"
            );
            match observation {
                Ok(Observation::Visible(seen)) => return Ok(Some(seen)),
                Ok(Observation::NotVisible) if now >= deadline => return Ok(None),
                Ok(Observation::NotVisible) => {}
                Err(read) if now >= deadline => {
                    return Err(Error::Unsettled {
                        operation: W::OPERATION_ID,
                        message: format!("{error}; and {} could not be read: {read}", W::OBSERVED_BY),
                    });
                }
                Err(_) => {}
            }
            let remaining = deadline.saturating_duration_since(now);
            // Never later than the window's end, so the last observation comes right after it.
            let wait = delay.min(remaining + Duration::from_millis(1));
            tokio::time::sleep(wait).await;
            delay = (delay * 2).min(self.inner.max_observe_interval);
        }
    }
}

fn leaf_revoked(leaf: Leaf) -> Observation<Leaf> {
    if leaf.certificate_status == Some(LeafStatus::Revoked) {
        Observation::Visible(leaf)
    } else {
        Observation::NotVisible
    }
}

fn ca_status_is(ca: Ca, status: &CaStatus) -> Observation<Ca> {
    if ca.certification_authority_status.value() == Some(status) {
        Observation::Visible(ca)
    } else {
        Observation::NotVisible
    }
}

async fn read_ca(client: &Client, id: &str) -> Result<Ca, Error> {
    Ok(client.call(&GetCloudCertificationAuthorityById::new(id)).await?.into_entity())
}

#[async_trait::async_trait]
impl ObservedWrite for RevokeLeafCertificate {
    type Seen = Leaf;
    type Baseline = ();
    const OBSERVED_BY: &'static str = GetCloudCertificationAuthorityLeafCertificate::OPERATION_ID;

    async fn baseline(&self, _: &Client) -> Result<(), Error> {
        Ok(())
    }

    async fn observe(&self, client: &Client, (): &()) -> Result<Observation<Leaf>, Error> {
        let id = self.body.leaf_certificate_id.value().map_or("", String::as_str);
        let read = GetCloudCertificationAuthorityLeafCertificate::new(&self.cloud_certification_authority_id, id);
        Ok(leaf_revoked(client.call(&read).await?.into_entity()))
    }
}

#[async_trait::async_trait]
impl ObservedWrite for RevokeLeafCertificateBySerialNumber {
    type Seen = Leaf;
    type Baseline = ();
    const OBSERVED_BY: &'static str = SearchCloudCertificationAuthorityLeafCertificateBySerialNumber::OPERATION_ID;

    async fn baseline(&self, _: &Client) -> Result<(), Error> {
        Ok(())
    }

    async fn observe(&self, client: &Client, (): &()) -> Result<Observation<Leaf>, Error> {
        let serial = self.body.certificate_serial_number.value().map_or("", String::as_str);
        let search = SearchCloudCertificationAuthorityLeafCertificateBySerialNumber::new(
            &self.cloud_certification_authority_id,
            SearchCloudCertificationAuthorityLeafCertificateBySerialNumberRequest::new(serial),
        );
        Ok(leaf_revoked(client.call(&search).await?.into_entity()))
    }
}

#[async_trait::async_trait]
impl ObservedWrite for ChangeCloudCertificationAuthorityStatus {
    type Seen = Ca;
    type Baseline = ();
    const OBSERVED_BY: &'static str = GetCloudCertificationAuthorityById::OPERATION_ID;

    async fn baseline(&self, _: &Client) -> Result<(), Error> {
        Ok(())
    }

    async fn observe(&self, client: &Client, (): &()) -> Result<Observation<Ca>, Error> {
        let ca = read_ca(client, &self.cloud_certification_authority_id).await?;
        Ok(match self.body.certification_authority_status.value() {
            Some(status) => ca_status_is(ca, status),
            None => Observation::NotVisible,
        })
    }
}

#[async_trait::async_trait]
impl ObservedWrite for RevokeCloudCertificationAuthorityCertificate {
    type Seen = Ca;
    type Baseline = ();
    const OBSERVED_BY: &'static str = GetCloudCertificationAuthorityById::OPERATION_ID;

    async fn baseline(&self, _: &Client) -> Result<(), Error> {
        Ok(())
    }

    async fn observe(&self, client: &Client, (): &()) -> Result<Observation<Ca>, Error> {
        Ok(ca_status_is(read_ca(client, &self.cloud_certification_authority_id).await?, &CaStatus::Revoked))
    }
}

#[async_trait::async_trait]
impl ObservedWrite for UploadExternallySignedCertificationAuthorityCertificate {
    type Seen = Ca;
    type Baseline = ();
    const OBSERVED_BY: &'static str = GetCloudCertificationAuthorityById::OPERATION_ID;

    async fn baseline(&self, _: &Client) -> Result<(), Error> {
        Ok(())
    }

    async fn observe(&self, client: &Client, (): &()) -> Result<Observation<Ca>, Error> {
        let ca = read_ca(client, &self.cloud_certification_authority_id).await?;
        let pending = ca.certification_authority_status.value() == Some(&CaStatus::SigningPending);
        let has_certificate = ca.certificate_download_url.value().is_some_and(|url| !url.is_empty());
        Ok(if !pending && has_certificate { Observation::Visible(ca) } else { Observation::NotVisible })
    }
}

#[async_trait::async_trait]
impl ObservedWrite for Activate {
    type Seen = Ca;
    type Baseline = ();
    const OBSERVED_BY: &'static str = GetCloudCertificationAuthorityById::OPERATION_ID;

    async fn baseline(&self, _: &Client) -> Result<(), Error> {
        Ok(())
    }

    async fn observe(&self, client: &Client, (): &()) -> Result<Observation<Ca>, Error> {
        let ca = read_ca(client, &self.cloud_certification_authority_id).await?;
        let asked = self.body.certification_authority_version.value().copied();
        Ok(if asked.is_some() && ca.version_number == asked {
            Observation::Visible(ca)
        } else {
            Observation::NotVisible
        })
    }
}

#[async_trait::async_trait]
impl ObservedWrite for Renew {
    type Seen = Version;
    /// The ids of the versions before the renewal.
    type Baseline = Vec<String>;
    const OBSERVED_BY: &'static str = ListCloudCertificationAuthorityVersions::OPERATION_ID;

    async fn baseline(&self, client: &Client) -> Result<Vec<String>, Error> {
        Ok(ids(versions(client, &self.cloud_certification_authority_id).await?, |v| v.id.as_ref()))
    }

    async fn observe(&self, client: &Client, before: &Vec<String>) -> Result<Observation<Version>, Error> {
        Ok(added(versions(client, &self.cloud_certification_authority_id).await?, |v| v.id.as_ref(), before))
    }
}

#[async_trait::async_trait]
impl ObservedWrite for CreateCloudCertificationAuthority {
    type Seen = Ca;
    /// The ids of the CAs with the same display name before the creation.
    type Baseline = Vec<String>;
    const OBSERVED_BY: &'static str = ListCloudCertificationAuthorities::OPERATION_ID;

    async fn baseline(&self, client: &Client) -> Result<Vec<String>, Error> {
        Ok(ids(cas_named(client, &self.body.display_name).await?, |ca| ca.id.as_ref()))
    }

    async fn observe(&self, client: &Client, before: &Vec<String>) -> Result<Observation<Ca>, Error> {
        Ok(added(cas_named(client, &self.body.display_name).await?, |ca| ca.id.as_ref(), before))
    }
}

#[async_trait::async_trait]
impl ObservedWrite for CreateTenantCloudCertificationAuthorityLeafCertificate {
    type Seen = Leaf;
    /// The ids of the leaf certificates with the same subject and issuer before the creation.
    type Baseline = Vec<String>;
    const OBSERVED_BY: &'static str = ListTenantCloudCertificationAuthorityLeafCertificates::OPERATION_ID;

    async fn baseline(&self, client: &Client) -> Result<Vec<String>, Error> {
        Ok(ids(leaves_like(client, &self.body).await?, |leaf| leaf.id.as_ref()))
    }

    async fn observe(&self, client: &Client, before: &Vec<String>) -> Result<Observation<Leaf>, Error> {
        Ok(added(leaves_like(client, &self.body).await?, |leaf| leaf.id.as_ref(), before))
    }
}

/// The ids of `items`: a creation's baseline.
fn ids<T>(items: Vec<T>, id: impl Fn(&T) -> Option<&String>) -> Vec<String> {
    items.iter().filter_map(|item| id(item).cloned()).collect()
}

/// The first of `items` whose id is not in `before`: what a creation added, once visible.
fn added<T>(items: Vec<T>, id: impl Fn(&T) -> Option<&String>, before: &[String]) -> Observation<T> {
    items
        .into_iter()
        .find(|item| id(item).is_some_and(|id| !before.contains(id)))
        .map_or(Observation::NotVisible, Observation::Visible)
}

/// Every version of CA `ca_id`.
async fn versions(client: &Client, ca_id: &str) -> Result<Vec<Version>, Error> {
    client.items(ListCloudCertificationAuthorityVersions::new(ca_id)).try_collect().await
}

/// The CAs whose display name is `name` (none when `name` is absent).
async fn cas_named(client: &Client, name: &Option<String>) -> Result<Vec<Ca>, Error> {
    let all: Vec<Ca> = client.items(ListCloudCertificationAuthorities::new()).try_collect().await?;
    Ok(all.into_iter().filter(|ca| ca.display_name.is_some() && ca.display_name == *name).collect())
}

/// The leaf certificates of the tenant with `body`'s subject and issuer.
async fn leaves_like(client: &Client, body: &Leaf) -> Result<Vec<Leaf>, Error> {
    let all: Vec<Leaf> =
        client.items(ListTenantCloudCertificationAuthorityLeafCertificates::new()).try_collect().await?;
    Ok(all
        .into_iter()
        .filter(|leaf| leaf.subject_name == body.subject_name && leaf.issuer_id == body.issuer_id)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed_by<W: ObservedWrite>() -> (&'static str, &'static str)
    where
        W::Output: Send,
    {
        match W::SEMANTICS {
            Semantics::Write { observed_by, .. } => (observed_by, W::OBSERVED_BY),
            other => panic!("{} is {other:?}, not a write", W::OPERATION_ID),
        }
    }

    /// Every write of the namespace is observed with the read its spec names.
    #[test]
    fn every_write_uses_the_read_its_spec_names() {
        let pairs = [
            observed_by::<RevokeLeafCertificate>(),
            observed_by::<RevokeLeafCertificateBySerialNumber>(),
            observed_by::<ChangeCloudCertificationAuthorityStatus>(),
            observed_by::<RevokeCloudCertificationAuthorityCertificate>(),
            observed_by::<UploadExternallySignedCertificationAuthorityCertificate>(),
            observed_by::<Activate>(),
            observed_by::<Renew>(),
            observed_by::<CreateCloudCertificationAuthority>(),
            observed_by::<CreateTenantCloudCertificationAuthorityLeafCertificate>(),
        ];
        for (spec, used) in pairs {
            assert_eq!(spec, used);
        }
        // And there are no other writes: the registry's count of Write operations matches.
        let mut writes = 0;
        macro_rules! count_writes {
            ($name:literal, $type:ty) => {
                if matches!(<$type as Operation>::SEMANTICS, Semantics::Write { .. }) {
                    writes += 1;
                }
            };
        }
        cloudpki_model::for_each_operation!(count_writes);
        assert_eq!(writes, pairs.len(), "a write of the spec has no ObservedWrite implementation");
    }
}
