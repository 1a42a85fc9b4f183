//! Shared helpers of the client's tests: a fake over real sockets and a client for it.
#![allow(dead_code, missing_docs)]

use std::future::Future;
use std::time::Duration;

use cloudpki_client::{Client, ClientBuilder, RetryPolicy, StaticToken};
use cloudpki_fake::{Config, Fake, FakeHandle, FaultKind, FaultPlan};
use cloudpki_model::CloudCertificationAuthorityLeafCertificateStatus as Status;

pub async fn fake(config: Config) -> FakeHandle {
    Fake::start(config).await.expect("the fake starts")
}

pub fn faults(kinds: &[FaultKind]) -> FaultPlan {
    FaultPlan::new(1.0, kinds)
}

/// A builder for `fake` with quick retries and short observation steps.
pub fn builder(fake: &FakeHandle) -> ClientBuilder {
    let token = fake.issue_token(&cloudpki_fake::auth::ALL_SCOPES);
    Client::builder()
        .base_url(fake.base_url())
        .token_source(StaticToken::new(token))
        .retry_policy(RetryPolicy::default().with_max_retries(3).with_base_delay(Duration::from_millis(10)))
        .observe_interval(Duration::from_millis(200))
}

/// The CA with the most leaf certificates, and `n` of its active ones.
pub fn active_leaves(fake: &FakeHandle, n: usize) -> (String, Vec<String>) {
    let ca = fake
        .certification_authorities()
        .into_iter()
        .filter_map(|ca| ca.id)
        .max_by_key(|id| fake.leaf_certificates(id).len())
        .expect("a CA");
    let ids: Vec<String> = fake
        .leaf_certificates(&ca)
        .into_iter()
        .filter(|leaf| leaf.certificate_status == Some(Status::Active))
        .filter_map(|leaf| leaf.id)
        .take(n)
        .collect();
    assert_eq!(ids.len(), n);
    (ca, ids)
}

/// How long a test waits for a client call at most.
pub const LIMIT: Duration = Duration::from_secs(60);

/// `future`, failing the test if it takes longer than [`LIMIT`].
pub async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, future).await.expect("the test ends in time")
}

/// Asserts that the fake saw exactly one revocation of each of `ids` (`context` names the case).
pub fn assert_revoked_once(fake: &FakeHandle, ids: &[String], context: &str) {
    let stats = fake.stats();
    for id in ids {
        assert_eq!(stats.revocations_of(id), 1, "{id} revoked once ({context}): {stats:?}");
    }
}

/// The high-water mark of this process's resident memory, in KiB (Linux).
pub fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
