//! What a `tracing` subscriber prints of the client's work, against the fake over real sockets:
//! one span per attempt with the operation, the `client-request-id`, the attempt number, the
//! window, the status, the service's `request-id`, and the wait before a retry; never the
//! token.
//!
//! A binary of its own: the subscriber is the default of the one thread that runs everything
//! (a current-thread runtime: the client, its connections and the fake), so every line any of
//! them prints is captured, whatever else runs in the process.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudpki_client::bulk::{BulkOptions, CancellationToken, NoHooks, Target};
use cloudpki_client::{Client, RetryPolicy, StaticToken};
use cloudpki_fake::{Config, FaultKind, FaultPlan};
use futures_util::TryStreamExt as _;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Everything the subscriber writes, shared.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

/// The fields of the `attempt{...}` span a line is printed in (values without quotes).
fn attempt_fields(line: &str) -> Option<BTreeMap<String, String>> {
    let start = line.find("attempt{")? + "attempt{".len();
    let end = start + line[start..].find('}')?;
    let mut fields = BTreeMap::new();
    for pair in line[start..end].split(' ') {
        let (name, value) = pair.split_once('=')?;
        fields.insert(name.to_owned(), value.trim_matches('"').to_owned());
    }
    Some(fields)
}

#[test]
fn every_attempt_is_a_span_with_its_fields_and_the_token_never_shows() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");

    // Half the requests are throttled with `Retry-After: 1`, drawn from the seed: the same
    // requests every run.
    let plan = FaultPlan::new(0.5, &[FaultKind::TooManyRequests]).with_retry_after(Duration::from_secs(1));
    let (token, throttled) = runtime.block_on(async {
        let fake = common::fake(Config::default().with_data(1, 12).with_faults(plan)).await;
        let token = fake.issue_token(&cloudpki_fake::auth::ALL_SCOPES);
        let client = Client::builder()
            .base_url(fake.base_url())
            .token_source(StaticToken::new(token.clone()))
            .retry_policy(RetryPolicy::default().with_max_retries(8).with_base_delay(Duration::from_millis(10)))
            .page_size(5)
            .build()
            .expect("a client");
        let run = async {
            let cas: Vec<_> = client.certification_authorities().try_collect().await.expect("listed");
            let (ca, ids) = common::active_leaves(&fake, 2);
            assert!(!cas.is_empty());
            let leaves: Vec<_> = client.leaf_certificates(&ca).try_collect().await.expect("listed");
            assert!(leaves.len() > 5, "more than one page");
            client.leaf_certificate(&ca, &ids[0]).await.expect("read");
            let report = client
                .revoke_many(&ca, [Target::id(&ids[1])], &BulkOptions::default(), &NoHooks, &CancellationToken::new())
                .await;
            assert_eq!(report.done(), 1, "{:?}", report.outcomes);
        };
        tokio::time::timeout(Duration::from_secs(60), run).await.expect("in time");
        let throttled = fake.stats().faults_of("429");
        fake.shutdown().await;
        (token, throttled)
    });
    drop(runtime);
    let text = captured.text();

    // The token never shows, nor any Authorization header.
    assert!(!text.contains(&token), "the token was printed");
    assert!(!text.contains(&token[token.len() - 16..]), "part of the token was printed");
    assert!(!text.to_ascii_lowercase().contains("bearer"), "an Authorization header was printed");

    // One closed span per attempt, each with its fields.
    let closed: Vec<BTreeMap<String, String>> =
        text.lines().filter(|line| line.contains(" close ")).filter_map(attempt_fields).collect();
    assert!(closed.len() >= 6, "{text}");
    for fields in &closed {
        for name in ["operation", "client_request_id", "attempt", "window", "status", "request_id"] {
            assert!(fields.get(name).is_some_and(|value| !value.is_empty()), "no {name} in {fields:?}");
        }
        assert_eq!(fields["client_request_id"].len(), 36, "a UUID: {fields:?}");
        assert!(fields["window"].parse::<f64>().is_ok_and(|window| window >= 1.0), "{fields:?}");
    }
    let operations: Vec<&str> = closed.iter().map(|fields| fields["operation"].as_str()).collect();
    for operation in [
        "listCloudCertificationAuthorities",
        "listCloudCertificationAuthorityLeafCertificates",
        "getCloudCertificationAuthorityLeafCertificate",
        "revokeLeafCertificate",
    ] {
        assert!(operations.contains(&operation), "no span of {operation}: {operations:?}");
    }

    // Every throttled answer the fake gave is a span with status 429 and the wait the service
    // asked for; the next attempt of the same request carries the same client-request-id.
    assert!(throttled > 0, "the seed throttled nothing: the test would prove nothing");
    let throttled_spans: Vec<&BTreeMap<String, String>> =
        closed.iter().filter(|fields| fields["status"] == "429").collect();
    assert_eq!(throttled_spans.len() as u64, throttled, "{text}");
    for fields in throttled_spans {
        assert_eq!(fields.get("wait_ms").map(String::as_str), Some("1000"), "{fields:?}");
        let attempt: u32 = fields["attempt"].parse().expect("a number");
        let next = (attempt + 1).to_string();
        assert!(
            closed
                .iter()
                .any(|later| later["client_request_id"] == fields["client_request_id"] && later["attempt"] == next),
            "no attempt {next} of {fields:?}"
        );
    }
    assert!(closed.iter().any(|fields| fields["status"] == "200"));
    // The retry itself is an event in the attempt's span, saying how long it waits.
    let retrying = text.lines().filter(|line| line.contains("retrying") && line.contains("wait_ms=1000")).count();
    assert_eq!(retrying as u64, throttled, "{text}");
}
