//! The client against a misbehaving service: the fake over real sockets, one misbehaviour at a
//! time, every test bounded in time.

mod common;

use std::time::{Duration, Instant, SystemTime};

use cloudpki_client::bulk::{BulkOptions, CancellationToken, Hooks, NoHooks, Outcome, Target};
use cloudpki_client::{Error, RetryPolicy};
use cloudpki_fake::{Config, FaultKind};
use common::{active_leaves, assert_revoked_once, bounded, builder, fake, faults};
use futures_util::TryStreamExt as _;

async fn revoke_all_once(kinds: &[FaultKind], late: Duration) {
    let fake = fake(Config::default().with_data(1, 40).with_faults(faults(kinds).with_late_delay(late))).await;
    let (ca, ids) = active_leaves(&fake, 6);
    let client = builder(&fake)
        .write_timeout(Duration::from_millis(300))
        .settle_window(late + Duration::from_secs(2))
        .build()
        .expect("a client");
    let report = bounded(client.revoke_many(
        &ca,
        ids.iter().map(Target::id),
        &BulkOptions::default(),
        &NoHooks,
        &CancellationToken::new(),
    ))
    .await;
    for (target, outcome) in &report.outcomes {
        assert!(outcome.is_done(), "{target}: {outcome}");
    }
    assert_revoked_once(&fake, &ids, &format!("{kinds:?}"));
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_writes_are_observed_not_sent_twice() {
    revoke_all_once(&[FaultKind::LateAnswer], Duration::from_secs(1)).await;
    revoke_all_once(&[FaultKind::LateSilent], Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_applied_then_answered_5xx_are_observed() {
    revoke_all_once(&[FaultKind::Applied503], Duration::from_secs(1)).await;
    revoke_all_once(&[FaultKind::Applied502], Duration::from_secs(1)).await;
    revoke_all_once(&[FaultKind::AppliedQueryBroker], Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_reads_cannot_make_it_send_twice_inside_the_settle_window() {
    let stale = Duration::from_secs(2);
    let fake =
        fake(Config::default().with_data(1, 20).with_faults(faults(&[FaultKind::Stale]).with_stale_window(stale)))
            .await;
    let (ca, ids) = active_leaves(&fake, 3);
    let client = builder(&fake).settle_window(Duration::from_secs(4)).build().expect("a client");
    // A first run sends the revocations (applied; reads stay stale for 2 s) and "crashes".
    for id in &ids {
        client.revoke_leaf_certificate(&ca, id).await.expect("revoked");
    }
    // The resumed run observes first: the stale reads say "active" for longer than its first
    // observation, and it must not send again inside the window.
    let sent = SystemTime::now();
    let report = bounded(client.revoke_many(
        &ca,
        ids.iter().map(|id| Target::id(id).sent_before(sent)),
        &BulkOptions::default(),
        &NoHooks,
        &CancellationToken::new(),
    ))
    .await;
    for (target, outcome) in &report.outcomes {
        assert!(matches!(outcome, Outcome::Done { observed: true, .. }), "{target}: {outcome}");
    }
    assert_revoked_once(&fake, &ids, "resumed over stale reads");
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absurd_retry_after_values_neither_panic_nor_hang() {
    for (kind, capped) in [
        (FaultKind::RetryAfterHuge, true),
        (FaultKind::RetryAfter100000, true),
        (FaultKind::RetryAfterNegative, false),
        (FaultKind::RetryAfterPastDate, false),
    ] {
        let fake = fake(Config::default().with_data(1, 5).with_faults(faults(&[kind]))).await;
        let client = builder(&fake)
            .retry_policy(RetryPolicy::default().with_max_retries(2).with_base_delay(Duration::from_millis(10)))
            .build()
            .expect("a client");
        let started = Instant::now();
        let result: Result<Vec<_>, Error> =
            tokio::time::timeout(Duration::from_secs(10), client.certification_authorities().try_collect())
                .await
                .expect("no hang");
        let error = result.expect_err("every answer is throttled");
        let text = error.to_string();
        if capped {
            assert!(matches!(error, Error::RetryAfterTooLong { .. }), "{kind:?}: {text}");
            assert!(text.contains("Retry-After: ") && text.contains("cap of 300 s"), "{text}");
            assert!(started.elapsed() < Duration::from_secs(2), "fails at once");
        } else {
            assert!(matches!(error, Error::Graph { attempts: 3, .. }), "{kind:?}: {text}");
        }
        fake.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_looping_next_link_ends_the_listing_with_an_error_naming_it() {
    let fake = fake(Config::default().with_data(1, 50).with_faults(faults(&[FaultKind::LoopNextLink]))).await;
    let (ca, _) = active_leaves(&fake, 1);
    let client = builder(&fake).page_size(5).build().expect("a client");
    let result: Result<Vec<_>, Error> = bounded(client.leaf_certificates(&ca).try_collect()).await;
    let error = result.expect_err("a loop");
    assert!(matches!(error, Error::PagingLoop { .. }), "{error}");
    assert!(error.to_string().contains("/cloudCertificationAuthorityLeafCertificate"), "{error}");
    // A bound on pages ends a listing too.
    let fake2 = common::fake(Config::default().with_data(1, 50)).await;
    let (ca2, _) = active_leaves(&fake2, 1);
    let client = builder(&fake2).page_size(5).max_pages(3).build().expect("a client");
    let result: Result<Vec<_>, Error> = bounded(client.leaf_certificates(&ca2).try_collect()).await;
    assert!(matches!(result, Err(Error::TooManyPages { bound: 3 })), "{result:?}");
    fake.shutdown().await;
    fake2.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_back_to_the_first_page_yields_no_item_twice() {
    use futures_util::StreamExt as _;
    let fake = fake(Config::default().with_data(1, 50).with_faults(faults(&[FaultKind::LoopNextLink]))).await;
    let (ca, _) = active_leaves(&fake, 1);
    let client = builder(&fake).page_size(5).build().expect("a client");
    let items: Vec<Result<_, Error>> = bounded(client.leaf_certificates(&ca).collect()).await;
    let (ids, errors): (Vec<_>, Vec<_>) = items.into_iter().partition(Result::is_ok);
    let ids: Vec<String> = ids.into_iter().filter_map(|item| item.ok().and_then(|leaf| leaf.id)).collect();
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "an item came twice: {ids:?}");
    assert_eq!(ids.len(), 5, "the first page, once");
    assert!(matches!(errors.as_slice(), [Err(Error::PagingLoop { pages: 1, .. })]), "{errors:?}");
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_body_stops_at_the_cap_in_bounded_memory() {
    let huge = 1u64 << 30;
    let fake =
        fake(Config::default().with_data(1, 5).with_faults(faults(&[FaultKind::HugeBody]).with_huge_size(huge))).await;
    let cap = 4 * 1024 * 1024;
    let client = builder(&fake).max_body_size(cap).build().expect("a client");
    let before = common::vm_hwm_kib();
    let result: Result<Vec<_>, Error> = bounded(client.certification_authorities().try_collect()).await;
    let error = result.expect_err("too large");
    assert!(matches!(error, Error::BodyTooLarge { cap: 4194304, .. }), "{error}");
    assert!(error.to_string().contains("4194304 bytes"), "{error}");
    if let (Some(before), Some(after)) = (before, common::vm_hwm_kib()) {
        assert!(after.saturating_sub(before) < 64 * 1024, "VmHWM grew by {} KiB", after - before);
    }
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_is_escaped_before_it_reaches_a_terminal() {
    let fake = fake(Config::default().with_data(1, 5).with_faults(faults(&[FaultKind::HostileText]))).await;
    let client = builder(&fake).build().expect("a client");
    let result: Result<Vec<_>, Error> = bounded(client.certification_authorities().try_collect()).await;
    let text = result.expect_err("a 400").to_string();
    assert!(!text.chars().any(cloudpki_client::text::is_unsafe), "{text:?}");
    assert!(text.contains("\\u{1b}[2J") && text.contains("\\u{202e}"), "{text}");
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_not_followed_and_the_token_stays_home() {
    let fake = fake(Config::default().with_data(1, 5).with_faults(faults(&[FaultKind::Redirect]))).await;
    let client = builder(&fake).build().expect("a client");
    let result: Result<Vec<_>, Error> = bounded(client.certification_authorities().try_collect()).await;
    let error = result.expect_err("a redirect");
    assert!(matches!(error, Error::Redirect { .. }), "{error}");
    assert!(error.to_string().contains("http://127.0.0.2:"), "{error}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stats = fake.stats();
    assert_eq!((stats.redirects_followed, stats.redirects_followed_with_token), (0, 0));
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_fails_fast_with_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("an address").port();
    drop(listener);
    let client = cloudpki_client::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}/beta"))
        .token_source(cloudpki_client::StaticToken::new("t"))
        .build()
        .expect("a client");
    let started = Instant::now();
    let result: Result<Vec<_>, Error> = bounded(client.certification_authorities().try_collect()).await;
    let error = result.expect_err("refused");
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert!(error.to_string().contains(&format!("http://127.0.0.1:{port}/beta/")), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_base_url_without_the_version_gets_a_hint() {
    let fake = fake(Config::default().with_data(1, 5)).await;
    let base = fake.base_url().trim_end_matches("/beta").to_owned();
    let client = builder(&fake).base_url(base).build().expect("a client");
    let result: Result<Vec<_>, Error> = bounded(client.certification_authorities().try_collect()).await;
    let error = result.expect_err("404");
    assert!(error.is_not_found() && error.to_string().contains("/beta"), "{error}");
    fake.shutdown().await;
}

#[derive(Debug)]
struct GraphCredential;

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for GraphCredential {
    async fn get_token(
        &self,
        _: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        Err(azure_core::Error::with_message(azure_core::error::ErrorKind::Credential, "never asked"))
    }
}

#[test]
fn an_azure_token_goes_only_to_microsoft_graph() {
    let credential = || cloudpki_client::AzureCredential::new(std::sync::Arc::new(GraphCredential));
    let error = cloudpki_client::Client::builder()
        .base_url("http://127.0.0.1:9/beta")
        .token_source(credential())
        .build()
        .expect_err("refused");
    assert!(matches!(error, Error::Auth(_)) && error.to_string().contains("GRAPH_TOKEN"), "{error}");
    for graph in [
        "https://graph.microsoft.com/beta",
        "https://graph.microsoft.us/beta",
        "https://dod-graph.microsoft.us/beta",
        "https://microsoftgraph.chinacloudapi.cn/beta",
    ] {
        assert!(
            cloudpki_client::Client::builder().base_url(graph).token_source(credential()).build().is_ok(),
            "{graph}"
        );
    }
}

/// Records the hooks' calls; refuses one target.
#[derive(Default)]
struct Journal {
    refuse: String,
    calls: std::sync::Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl Hooks for Journal {
    async fn before_send(&self, target: &Target) -> Result<(), String> {
        self.calls.lock().expect("lock").push(format!("before {target}"));
        if target.to_string().contains(&self.refuse) { Err("journal full".to_owned()) } else { Ok(()) }
    }

    async fn after_outcome(&self, target: &Target, outcome: &Outcome) {
        self.calls.lock().expect("lock").push(format!("after {target}: {outcome}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_revocation_deduplicates_calls_hooks_and_stops_on_cancel() {
    let fake = fake(Config::default().with_data(1, 40)).await;
    let (ca, ids) = active_leaves(&fake, 4);
    let client = builder(&fake).build().expect("a client");
    let journal = Journal { refuse: ids[3].clone(), ..Journal::default() };
    let targets = [Target::id(&ids[0]), Target::id(ids[0].to_uppercase()), Target::id(&ids[1]), Target::id(&ids[3])];
    let report =
        bounded(client.revoke_many(&ca, targets, &BulkOptions::default(), &journal, &CancellationToken::new())).await;
    assert_eq!((report.outcomes.len(), report.duplicates, report.done(), report.failed()), (3, 1, 2, 1));
    assert_eq!(fake.stats().revocations_of(&ids[3]), 0, "refused by the hook: not sent");
    assert_eq!(journal.calls.lock().expect("lock").len(), 6);
    // Already revoked, checked first: no write.
    let report = bounded(client.revoke_many(
        &ca,
        [Target::id(&ids[0])],
        &BulkOptions::default().with_check_first(true),
        &NoHooks,
        &CancellationToken::new(),
    ))
    .await;
    assert!(matches!(report.outcomes[0].1, Outcome::AlreadyDone { .. }), "{}", report.outcomes[0].1);
    assert_eq!(fake.stats().revocations_of(&ids[0]), 1);
    // Cancelled: nothing starts.
    let cancel = CancellationToken::new();
    cancel.cancel();
    let report =
        bounded(client.revoke_many(&ca, [Target::id(&ids[2])], &BulkOptions::default(), &NoHooks, &cancel)).await;
    assert_eq!(report.cancelled(), 1);
    assert_eq!(fake.stats().revocations_of(&ids[2]), 0);
    fake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retiring_a_ca_pauses_it_revokes_every_active_leaf_then_its_certificate() {
    let fake = fake(Config::default().with_data(1, 30)).await;
    let (ca, _) = active_leaves(&fake, 1);
    let client = builder(&fake).build().expect("a client");
    let report = bounded(client.retire_ca(&ca, &BulkOptions::default(), &NoHooks, &CancellationToken::new())).await;
    assert!(report.is_complete(), "{report:?}");
    let active = fake
        .leaf_certificates(&ca)
        .into_iter()
        .filter(|leaf| {
            leaf.certificate_status == Some(cloudpki_model::CloudCertificationAuthorityLeafCertificateStatus::Active)
        })
        .count();
    assert_eq!(active, 0);
    let stats = fake.stats();
    assert!(stats.revoked_more_than_once().is_empty());
    assert_eq!(stats.ca_certificate_revocations.get(&ca), Some(&1));
    fake.shutdown().await;
}
