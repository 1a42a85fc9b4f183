//! A credential that cannot give a token, against the fake over real sockets: a transient
//! failure is one failed attempt, retried within the operation's budget like any other (reads
//! and writes alike: nothing was sent); one that outlasts the budget, or a permanent one, ends
//! the operation with an authentication error that says so.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use cloudpki_client::bulk::{BulkOptions, CancellationToken, NoHooks, Outcome, Target};
use cloudpki_client::{AzureCredential, Error, RetryPolicy, Secret, TokenSource, credential};
use cloudpki_fake::{Config, FakeHandle};
use common::{active_leaves, assert_revoked_once, bounded, builder, fake};
use futures_util::TryStreamExt as _;

/// A user's token source: fails its first `failures` calls (transiently, or for good), then
/// gives the token.
#[derive(Debug)]
struct Flaky {
    token: String,
    failures: AtomicU32,
    permanent: bool,
    calls: AtomicU32,
}

impl Flaky {
    fn new(fake: &FakeHandle, failures: u32, permanent: bool) -> Arc<Self> {
        let token = fake.issue_token(&cloudpki_fake::auth::ALL_SCOPES);
        Arc::new(Flaky { token, failures: AtomicU32::new(failures), permanent, calls: AtomicU32::new(0) })
    }

    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl TokenSource for Flaky {
    async fn token(&self) -> Result<Secret, Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.failures.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1)).is_ok() {
            return Err(if self.permanent {
                Error::Auth("AADSTS7000215: invalid client secret".to_owned())
            } else {
                credential::transient("the identity endpoint answered 503")
            });
        }
        Ok(Secret::new(self.token.as_str()))
    }
}

/// Three retries, quick.
fn policy() -> RetryPolicy {
    RetryPolicy::default().with_max_retries(3).with_base_delay(Duration::from_millis(10))
}

fn total_requests(fake: &FakeHandle) -> u64 {
    fake.stats().requests.values().sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_goes_through_a_credential_that_fails_transiently_first() {
    let fake = fake(Config::default().with_data(1, 5)).await;
    let source = Flaky::new(&fake, 3, false);
    let client = builder(&fake).shared_token_source(source.clone()).retry_policy(policy()).build().expect("a client");
    let cas: Vec<_> = bounded(client.certification_authorities().try_collect()).await.expect("listed");
    assert!(!cas.is_empty());
    assert_eq!(source.calls(), 4, "three failures, then the token");
    assert_eq!(fake.stats().requests_to("listCloudCertificationAuthorities"), 1, "nothing sent without a token");
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_revocation_goes_through_a_credential_that_fails_transiently_first() {
    let fake = fake(Config::default().with_data(1, 30)).await;
    let (ca, ids) = active_leaves(&fake, 5);
    let source = Flaky::new(&fake, 3, false);
    let client = builder(&fake).shared_token_source(source.clone()).retry_policy(policy()).build().expect("a client");
    let report = bounded(client.revoke_many(
        &ca,
        ids.iter().map(Target::id),
        &BulkOptions::default(),
        &NoHooks,
        &CancellationToken::new(),
    ))
    .await;
    for (target, outcome) in &report.outcomes {
        assert!(matches!(outcome, Outcome::Done { observed: false, .. }), "{target}: {outcome}");
    }
    assert_revoked_once(&fake, &ids, "a token source failing its first calls");
    assert!(source.calls() >= 3 + 5, "{} calls", source.calls());
    fake.shutdown().await;
}

/// An Azure identity credential whose endpoint answers 503 twice, then gives `token`.
#[derive(Debug)]
struct Unavailable {
    token: String,
    failures: AtomicU32,
}

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for Unavailable {
    async fn get_token(
        &self,
        _: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        if self.failures.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1)).is_ok() {
            let kind = azure_core::error::ErrorKind::HttpResponse {
                status: azure_core::http::StatusCode::ServiceUnavailable,
                error_code: None,
                raw_response: None,
            };
            return Err(azure_core::Error::with_message(kind, "Service Unavailable"));
        }
        let expires = azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1);
        Ok(azure_core::credentials::AccessToken::new(self.token.clone(), expires))
    }
}

/// An [`AzureCredential`] allowed to the fake on loopback (its token is the fake's): the
/// credential's own classification of identity failures, end to end.
#[derive(Debug)]
struct ToLoopback(AzureCredential);

#[async_trait::async_trait]
impl TokenSource for ToLoopback {
    async fn token(&self) -> Result<Secret, Error> {
        self.0.token().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_azure_credential_whose_identity_endpoint_answers_503_is_retried() {
    let fake = fake(Config::default().with_data(1, 5)).await;
    let (ca, ids) = active_leaves(&fake, 1);
    let token = fake.issue_token(&cloudpki_fake::auth::ALL_SCOPES);
    let credential = AzureCredential::new(Arc::new(Unavailable { token, failures: AtomicU32::new(2) }));
    let client = builder(&fake).token_source(ToLoopback(credential)).retry_policy(policy()).build().expect("a client");
    let leaf = bounded(client.leaf_certificate(&ca, &ids[0])).await.expect("read");
    assert_eq!(leaf.id.as_deref(), Some(ids[0].as_str()));
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_that_keeps_failing_transiently_ends_with_a_clear_error_after_the_budget() {
    let fake = fake(Config::default().with_data(1, 10)).await;
    let (ca, ids) = active_leaves(&fake, 1);
    let source = Flaky::new(&fake, u32::MAX, false);
    let client = builder(&fake).shared_token_source(source.clone()).retry_policy(policy()).build().expect("a client");
    let result: Result<Vec<_>, Error> = bounded(client.certification_authorities().try_collect()).await;
    let error = result.expect_err("no token");
    assert!(matches!(error, Error::Auth(_)) && error.is_auth(), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("4 times in a row") && text.contains("the identity endpoint answered 503"), "{text}");
    assert_eq!(source.calls(), 4, "one attempt and three retries");
    // A write fails the same way, and nothing reached the service.
    let report = bounded(client.revoke_many(
        &ca,
        [Target::id(&ids[0])],
        &BulkOptions::default(),
        &NoHooks,
        &CancellationToken::new(),
    ))
    .await;
    assert!(matches!(&report.outcomes[0].1, Outcome::Failed(error) if error.is_auth()), "{}", report.outcomes[0].1);
    assert_eq!(source.calls(), 8);
    assert_eq!(total_requests(&fake), 0);
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_credential_failure_ends_the_operation_at_once() {
    let fake = fake(Config::default().with_data(1, 10)).await;
    let (ca, ids) = active_leaves(&fake, 1);
    let source = Flaky::new(&fake, u32::MAX, true);
    let client = builder(&fake).shared_token_source(source.clone()).retry_policy(policy()).build().expect("a client");
    let error = bounded(client.leaf_certificate(&ca, &ids[0])).await.expect_err("no token");
    assert!(matches!(&error, Error::Auth(message) if message == "AADSTS7000215: invalid client secret"), "{error:?}");
    assert_eq!(source.calls(), 1, "not retried");
    let error = bounded(client.revoke_leaf_certificate(&ca, &ids[0])).await.expect_err("no token");
    assert!(error.is_auth(), "{error}");
    assert_eq!(source.calls(), 2);
    assert_eq!(total_requests(&fake), 0);
    fake.shutdown().await;
}
