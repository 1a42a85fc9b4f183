//! Retiring a CA while leaf certificates appear, or while listings are stale, against the fake
//! over real sockets: the CA certificate is revoked only after a listing shows no active leaf,
//! nothing is revoked twice, and leaves that keep appearing end the run with an error naming how
//! many remain.

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cloudpki_client::bulk::{BulkOptions, CancellationToken, Hooks, NoHooks, Outcome, Target, TargetKind};
use cloudpki_client::{Client, Error, Written};
use cloudpki_fake::{Config, FakeHandle, FaultKind};
use cloudpki_model::CloudCertificationAuthorityLeafCertificate as Leaf;
use cloudpki_model::CloudCertificationAuthorityLeafCertificateStatus as Status;
use cloudpki_model::operations::CreateTenantCloudCertificationAuthorityLeafCertificate;
use common::{active_leaves, bounded, builder, fake, faults};

fn active_count(fake: &FakeHandle, ca: &str) -> usize {
    fake.leaf_certificates(ca).iter().filter(|leaf| leaf.certificate_status == Some(Status::Active)).count()
}

/// A device enrolling while the CA is retired: before a leaf certificate's revocation is sent,
/// a new leaf certificate of the CA is issued through the service (before the first one only,
/// or before every one). Records the hooks' calls in order.
struct Enrolling {
    client: Client,
    ca: String,
    every: bool,
    first_done: AtomicBool,
    issued: Mutex<Vec<String>>,
    calls: Mutex<Vec<String>>,
}

impl Enrolling {
    fn new(client: Client, ca: &str, every: bool) -> Self {
        Enrolling {
            client,
            ca: ca.to_owned(),
            every,
            first_done: AtomicBool::new(false),
            issued: Mutex::new(Vec::new()),
            calls: Mutex::new(Vec::new()),
        }
    }

    async fn issue(&self) -> Result<String, String> {
        let body = Leaf::new().with_issuer_id(self.ca.as_str()).with_subject_name("CN=enrolled-during-retirement");
        let created = self
            .client
            .write(&CreateTenantCloudCertificationAuthorityLeafCertificate::new(body))
            .await
            .map_err(|error| error.to_string())?;
        let leaf = match created {
            Written::Answered(answer) => answer.into_entity(),
            Written::Observed(leaf) => leaf,
        };
        let id = leaf.id.ok_or("a leaf without an id")?;
        self.issued.lock().expect("lock").push(id.clone());
        Ok(id)
    }

    fn position(&self, needle: &str) -> Option<usize> {
        self.calls.lock().expect("lock").iter().position(|call| call.contains(needle))
    }
}

#[async_trait::async_trait]
impl Hooks for Enrolling {
    async fn before_send(&self, target: &Target) -> Result<(), String> {
        self.calls.lock().expect("lock").push(format!("before {target}"));
        let leaf = matches!(target.kind, TargetKind::LeafId(_));
        if leaf && (self.every || !self.first_done.swap(true, Ordering::SeqCst)) {
            self.issue().await?;
        }
        Ok(())
    }

    async fn after_outcome(&self, target: &Target, outcome: &Outcome) {
        self.calls.lock().expect("lock").push(format!("after {target}: {outcome}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaf_issued_while_the_leaves_are_revoked_is_revoked_before_the_ca_certificate() {
    let fake = fake(Config::default().with_data(1, 12).with_tenant_leaves(true)).await;
    let (ca, _) = active_leaves(&fake, 1);
    let before = active_count(&fake, &ca);
    let client = builder(&fake).build().expect("a client");
    let enrolling = Enrolling::new(client.clone(), &ca, false);
    let report = bounded(client.retire_ca(&ca, &BulkOptions::default(), &enrolling, &CancellationToken::new())).await;
    assert!(report.is_complete(), "{report:?}");
    let issued = enrolling.issued.lock().expect("lock").clone();
    assert_eq!(issued.len(), 1, "one leaf was issued during the run");
    // Listed once, revoked; listed again: the new leaf, revoked; listed a third time: none.
    assert_eq!(report.listings, 3, "{report:?}");
    assert_eq!(report.leaves.outcomes.len(), before + 1);
    assert_eq!(active_count(&fake, &ca), 0, "no leaf of the retired CA is active");
    let stats = fake.stats();
    assert_eq!(stats.revocations_of(&issued[0]), 1);
    assert!(stats.revoked_more_than_once().is_empty(), "{:?}", stats.revoked_more_than_once());
    assert_eq!(stats.ca_certificate_revocations.get(&ca), Some(&1));
    // And the CA certificate came last.
    let late = enrolling.position(&format!("after leaf {}: done", issued[0])).expect("the new leaf's outcome");
    let ca_certificate = enrolling.position("before revoke the CA certificate").expect("the CA certificate");
    assert!(late < ca_certificate, "{:?}", enrolling.calls.lock().expect("lock"));
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaves_that_keep_appearing_end_the_retirement_with_an_error_naming_how_many_remain() {
    let fake = fake(Config::default().with_data(1, 6).with_tenant_leaves(true)).await;
    let (ca, _) = active_leaves(&fake, 1);
    let per_round = active_count(&fake, &ca);
    let client = builder(&fake).build().expect("a client");
    let enrolling = Enrolling::new(client.clone(), &ca, true);
    let options = BulkOptions::default().with_retire_listings(3);
    let report = bounded(client.retire_ca(&ca, &options, &enrolling, &CancellationToken::new())).await;
    assert!(!report.is_complete());
    // Two rounds of revocations, each issuing as many new leaves as it revoked; the third
    // listing still shows them.
    let remaining = active_count(&fake, &ca);
    assert_eq!(remaining, per_round);
    match &report.listing {
        Some(error @ Error::ActiveLeavesRemain { remaining: shown, listings: 3 }) => {
            assert_eq!(*shown, remaining);
            assert!(error.to_string().contains(&format!("{remaining} leaf certificate")), "{error}");
        }
        other => panic!("expected the leaves that remain, got {other:?}"),
    }
    assert!(report.ca_certificate.is_none(), "the CA certificate is not revoked");
    assert_eq!(fake.stats().ca_certificate_revocations.get(&ca), None);
    assert_eq!(report.leaves.done(), 2 * per_round);
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_listing_is_listed_again_and_nothing_is_revoked_twice() {
    // Every write leaves reads (listings and their filters included) stale for a moment: the
    // listing after the revocations still shows the revoked leaves active.
    let plan = faults(&[FaultKind::Stale]).with_stale_window(Duration::from_millis(600));
    let fake = fake(Config::default().with_data(1, 12).with_faults(plan)).await;
    let (ca, _) = active_leaves(&fake, 1);
    let before = active_count(&fake, &ca);
    let client = builder(&fake).build().expect("a client");
    let options = BulkOptions::default().with_retire_listings(10);
    let report = bounded(client.retire_ca(&ca, &options, &NoHooks, &CancellationToken::new())).await;
    assert!(report.is_complete(), "{report:?}");
    assert!(report.listings >= 3, "at least one stale listing was seen and listed again: {}", report.listings);
    assert_eq!(report.leaves.outcomes.len(), before, "each leaf once");
    assert_eq!(active_count(&fake, &ca), 0);
    let stats = fake.stats();
    assert!(stats.revoked_more_than_once().is_empty(), "{:?}", stats.revoked_more_than_once());
    assert_eq!(stats.ca_certificate_revocations.get(&ca), Some(&1));
    fake.shutdown().await;
}
