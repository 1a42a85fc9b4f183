//! Faults, throttle and latency, seen from a client over real sockets.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudpki_fake::{Config, FaultKind, FaultPlan, WritePhase};
use cloudpki_model::{CloudCertificationAuthorityLeafCertificateStatus as LeafStatus, Page};
use common::Api;

const LIST: &str = "/deviceManagement/cloudCertificationAuthority";

/// What the client saw, named like the fault kinds (`ok` for a good answer).
async fn observe(api: &Api, method: &str, path: &str, body: Option<&str>, slow: Duration) -> String {
    let started = Instant::now();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = api.client.request(method, api.url(path)).bearer_auth(&api.token);
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_owned());
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(_) => return "drop".to_owned(),
    };
    let status = response.status().as_u16();
    let retry_after = response.headers().contains_key("retry-after");
    let Ok(bytes) = response.bytes().await else { return "truncate".to_owned() };
    let text = String::from_utf8_lossy(&bytes);
    match status {
        429 if retry_after => "429".to_owned(),
        429 => "429-no-retry-after".to_owned(),
        500 if text.contains("Rate limit reached because of too many requests to query broker") => {
            "500-broker".to_owned()
        }
        503 => "503".to_owned(),
        504 => "504".to_owned(),
        200..=299 if started.elapsed() >= slow => "slow".to_owned(),
        200..=299 => {
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap();
            "ok".to_owned()
        }
        other => format!("unexpected {other}: {text}"),
    }
}

#[tokio::test]
async fn each_fault_kind_appears_at_the_configured_rate() {
    let slow = Duration::from_millis(600);
    let plan = FaultPlan::new(0.4, &FaultKind::ALL).with_slow_delay(slow);
    let api = Arc::new(Api::start(Config::default().with_data(1, 5).with_faults(plan)).await);
    let total = 480;
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let api = Arc::clone(&api);
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            for _ in 0..total / 8 {
                seen.push(observe(&api, "GET", &format!("{LIST}?worker={worker}"), None, slow).await);
            }
            seen
        }));
    }
    let mut observed: BTreeMap<String, u64> = BTreeMap::new();
    for task in tasks {
        for outcome in task.await.unwrap() {
            *observed.entry(outcome).or_insert(0) += 1;
        }
    }
    let stats = api.fake.stats();
    let faulted: u64 = stats.total_faults();
    assert!((150..=240).contains(&faulted), "about 40 % of {total}: {faulted} ({observed:?})");
    for kind in FaultKind::ALL {
        let injected = stats.faults_of(kind.as_str());
        assert!((8..=45).contains(&injected), "{kind}: {injected} of about 24 ({observed:?})");
        assert_eq!(
            observed.get(kind.as_str()).copied().unwrap_or(0),
            injected,
            "{kind} as the client saw it: {observed:?}"
        );
    }
    assert_eq!(observed.get("ok").copied().unwrap_or(0) + faulted, total as u64, "{observed:?}");
    assert_eq!(stats.requests_to("listCloudCertificationAuthorities"), total as u64);
    assert!(stats.write_faults.is_empty(), "reads only");
}

#[tokio::test]
async fn faults_are_deterministic_from_the_seed() {
    let run = |seed: u64| async move {
        let plan: FaultPlan = "rate=0.5,kinds=429,503,504,500-broker,429-no-retry-after".parse().unwrap();
        let api = Api::start(Config::default().with_seed(seed).with_faults(plan)).await;
        let mut outcomes = Vec::new();
        for page in 0..60 {
            outcomes.push(observe(&api, "GET", &format!("{LIST}?n={}", page % 7), None, Duration::from_secs(5)).await);
        }
        outcomes
    };
    let first = run(7).await;
    assert_eq!(first, run(7).await);
    assert_ne!(first, run(8).await);
}

/// Ambiguous faults on a write strike before the change (nothing applied) or after it (applied,
/// though the client sees a failure), and each is counted.
#[tokio::test]
async fn ambiguous_write_faults_strike_before_or_after_the_change() {
    for kind in [FaultKind::Drop, FaultKind::Truncate, FaultKind::GatewayTimeout] {
        for phase in [WritePhase::Before, WritePhase::After] {
            let plan = FaultPlan::new(1.0, &[kind]).with_writes(phase);
            let api = Api::start(Config::default().with_faults(plan)).await;
            let ca = api.issuing_ca();
            let leaf = api
                .fake
                .leaf_certificates(&ca)
                .into_iter()
                .find(|leaf| leaf.certificate_status == Some(LeafStatus::Active))
                .unwrap();
            let id = leaf.id.unwrap();
            let outcome = observe(
                &api,
                "POST",
                &format!("{LIST}/{ca}/revokeLeafCertificate"),
                Some(&format!(r#"{{"leafCertificateId":"{id}"}}"#)),
                Duration::from_secs(5),
            )
            .await;
            assert_eq!(outcome, kind.as_str());
            let now = api.fake.leaf_certificates(&ca).into_iter().find(|leaf| leaf.id.as_deref() == Some(&id)).unwrap();
            let stats = api.fake.stats();
            let label = format!("{}:{}", kind.as_str(), if phase == WritePhase::After { "after" } else { "before" });
            assert_eq!(stats.write_faults.get(&label), Some(&1), "{label}: {stats:?}");
            if phase == WritePhase::After {
                assert_eq!(now.certificate_status, Some(LeafStatus::Revoked), "{label}");
                assert_eq!(stats.revocations_of(&id), 1, "{label}");
            } else {
                assert_eq!(now.certificate_status, Some(LeafStatus::Active), "{label}");
                assert_eq!(stats.revocations_of(&id), 0, "{label}");
            }
        }
    }
}

#[tokio::test]
async fn with_both_phases_writes_see_each() {
    let plan = FaultPlan::new(1.0, &[FaultKind::Drop]);
    let api = Api::start(Config::default().with_data(1, 80).with_faults(plan)).await;
    let ca = api.issuing_ca();
    let leaves = api.fake.leaf_certificates(&ca);
    for leaf in &leaves {
        let body = format!(r#"{{"leafCertificateId":"{}"}}"#, leaf.id.as_deref().unwrap());
        let outcome =
            observe(&api, "POST", &format!("{LIST}/{ca}/revokeLeafCertificate"), Some(&body), Duration::from_secs(5))
                .await;
        assert_eq!(outcome, "drop");
    }
    let stats = api.fake.stats();
    let (before, after) = (stats.write_faults["drop:before"], stats.write_faults["drop:after"]);
    assert_eq!(before + after, 80);
    assert!(before >= 20 && after >= 20, "{before} {after}");
    assert_eq!(stats.total_revocations(), after);
}

#[tokio::test]
async fn the_throttle_answers_429_without_retry_after_past_its_rate() {
    let api = Arc::new(Api::start(Config::default().with_throttle(5)).await);
    let mut tasks = Vec::new();
    for n in 0..20 {
        let api = Arc::clone(&api);
        tasks.push(tokio::spawn(async move { api.get(&format!("{LIST}?n={n}")).await }));
    }
    let mut ok = 0;
    for task in tasks {
        let answer = task.await.unwrap();
        match answer.status {
            200 => ok += 1,
            429 => {
                assert!(answer.header("retry-after").is_none());
                assert_eq!(answer.error_code(), "TooManyRequests");
            }
            other => panic!("{other}"),
        }
    }
    // All 20 arrive within a second on loopback; a very slow machine could let a few more in.
    assert!((5..=8).contains(&ok), "{ok}");
    assert_eq!(api.fake.stats().throttled, 20 - ok);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(api.get(LIST).await.status, 200, "the window slides");
}

#[tokio::test]
async fn latency_is_added_to_every_answer() {
    let api = Api::start(Config::default().with_latency(Duration::from_millis(150))).await;
    for path in [LIST.to_owned(), format!("{LIST}/missing")] {
        let started = Instant::now();
        api.get(&path).await;
        assert!(started.elapsed() >= Duration::from_millis(150), "{path}");
    }
    let started = Instant::now();
    let answer = api.try_send("GET", LIST, None, &[], None).await.unwrap();
    assert_eq!(answer.status, 401);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn a_truncated_page_fails_to_parse_and_a_retry_gets_the_page() {
    // The retry of the same request is drawn anew: with rate 0.5 some retry succeeds.
    let api = Api::start(Config::default().with_faults(FaultPlan::new(0.5, &[FaultKind::Truncate]))).await;
    let mut pages = 0;
    for _ in 0..20 {
        match api.try_send("GET", LIST, None, &[], Some(&api.token)).await {
            Ok(answer) => {
                let _: Page<cloudpki_model::CloudCertificationAuthority> = answer.parse();
                pages += 1;
            }
            Err(error) => assert!(error.is_body() || error.is_decode() || error.is_request(), "{error}"),
        }
    }
    assert!(pages > 0 && pages < 20, "{pages}");
}
