//! The hostile and ambiguous fault kinds, seen from a client over real sockets.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use cloudpki_fake::{Config, FaultKind, FaultPlan};
use cloudpki_model::CloudCertificationAuthorityLeafCertificateStatus as LeafStatus;
use common::Api;

const LIST: &str = "/deviceManagement/cloudCertificationAuthority";

fn plan(kind: FaultKind) -> FaultPlan {
    FaultPlan::new(1.0, &[kind])
}

/// An active leaf certificate of the first issuing CA: (CA id, leaf id).
fn active_leaf(api: &Api) -> (String, String) {
    let ca = api.issuing_ca();
    let leaf = api
        .fake
        .leaf_certificates(&ca)
        .into_iter()
        .find(|leaf| leaf.certificate_status == Some(LeafStatus::Active))
        .unwrap();
    (ca, leaf.id.unwrap())
}

/// The leaf's status as `GET /_fake/state` has it.
async fn state_of(api: &Api, ca: &str, leaf: &str) -> String {
    let url = format!("{}/state?ca={ca}", api.fake.admin_url());
    let state: serde_json::Value =
        serde_json::from_slice(&api.client.get(url).send().await.unwrap().bytes().await.unwrap()).unwrap();
    let leaves = state["certificationAuthorities"][0]["leafCertificates"].as_array().unwrap();
    let found = leaves.iter().find(|entry| entry["id"] == leaf).unwrap();
    found["certificateStatus"].as_str().unwrap().to_owned()
}

fn revoke_body(leaf: &str) -> String {
    format!(r#"{{"leafCertificateId":"{leaf}"}}"#)
}

/// Polls until the leaf is revoked in the store (or `limit` passes).
async fn revoked_within(api: &Api, ca: &str, leaf: &str, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if state_of(api, ca, leaf).await == "revoked" {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

#[tokio::test]
async fn a_late_silent_write_is_applied_after_the_delay_and_never_answered() {
    let delay = Duration::from_millis(300);
    let api = Api::start(Config::default().with_faults(plan(FaultKind::LateSilent).with_late_delay(delay))).await;
    let (ca, leaf) = active_leaf(&api);
    let started = Instant::now();
    let outcome = api
        .try_send(
            "POST",
            &format!("{LIST}/{ca}/revokeLeafCertificate"),
            Some(&revoke_body(&leaf)),
            &[],
            Some(&api.token),
        )
        .await;
    assert!(outcome.is_err(), "no answer: {outcome:?}");
    assert!(started.elapsed() >= delay, "the connection is held until the write is applied");
    assert_eq!(state_of(&api, &ca, &leaf).await, "revoked");
    let stats = api.fake.stats();
    assert_eq!(stats.revocations_of(&leaf), 1);
    assert_eq!(stats.faults_of("late-silent"), 1);
    assert_eq!(stats.write_faults.get("late-silent:after"), Some(&1));
}

#[tokio::test]
async fn a_late_write_is_applied_even_when_the_client_gave_up() {
    let delay = Duration::from_millis(300);
    let api = Api::start(Config::default().with_faults(plan(FaultKind::LateAnswer).with_late_delay(delay))).await;
    let (ca, leaf) = active_leaf(&api);
    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(100)).build().unwrap();
    let sent = impatient
        .post(api.url(&format!("{LIST}/{ca}/revokeLeafCertificate")))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body(revoke_body(&leaf))
        .send()
        .await;
    assert!(sent.unwrap_err().is_timeout());
    assert_eq!(state_of(&api, &ca, &leaf).await, "active", "not yet");
    assert!(revoked_within(&api, &ca, &leaf, Duration::from_secs(5)).await, "applied by the fake's own task");
    assert_eq!(api.fake.stats().revocations_of(&leaf), 1);

    // A patient client gets the answer, that late.
    let (_, other) = {
        let leaves = api.fake.leaf_certificates(&ca);
        let next = leaves.iter().find(|l| l.certificate_status == Some(LeafStatus::Active)).unwrap();
        (ca.clone(), next.id.clone().unwrap())
    };
    let started = Instant::now();
    let answer = api.post(&format!("{LIST}/{ca}/revokeLeafCertificate"), &revoke_body(&other)).await;
    assert_eq!(answer.status, 200);
    assert!(started.elapsed() >= delay);
    // Bare (live) or wrapped in `value` (docs): either shape.
    let body = answer.json();
    let entity = body.get("value").filter(|value| value.is_object()).unwrap_or(&body);
    assert_eq!(entity["certificateStatus"], "revoked");
}

#[tokio::test]
async fn applied_then_5xx_writes_are_applied_exactly_once() {
    for (kind, status) in
        [(FaultKind::Applied503, 503), (FaultKind::Applied502, 502), (FaultKind::AppliedQueryBroker, 500)]
    {
        let api = Api::start(Config::default().with_faults(plan(kind))).await;
        let (ca, leaf) = active_leaf(&api);
        let answer = api.post(&format!("{LIST}/{ca}/revokeLeafCertificate"), &revoke_body(&leaf)).await;
        assert_eq!(answer.status, status, "{kind}");
        answer.error_code();
        if kind == FaultKind::AppliedQueryBroker {
            assert!(
                String::from_utf8_lossy(&answer.body)
                    .contains("Rate limit reached because of too many requests to query broker")
            );
        }
        if kind == FaultKind::Applied503 {
            assert_eq!(answer.header("retry-after"), Some("1"));
        }
        assert_eq!(state_of(&api, &ca, &leaf).await, "revoked", "{kind}");
        let stats = api.fake.stats();
        assert_eq!(stats.revocations_of(&leaf), 1, "{kind}");
        assert_eq!(stats.write_faults.get(&format!("{kind}:after")), Some(&1), "{kind}");
        // Reads are never struck by these kinds.
        assert_eq!(api.get(LIST).await.status, 200, "{kind}");
        assert_eq!(api.fake.stats().faults_of(kind.as_str()), 1, "{kind}");
    }
}

#[tokio::test]
async fn a_write_that_drew_stale_is_applied_answered_and_counted() {
    let api = Api::start(Config::default().with_faults(plan(FaultKind::Stale))).await;
    let (ca, leaf) = active_leaf(&api);
    let answer = api.post(&format!("{LIST}/{ca}/revokeLeafCertificate"), &revoke_body(&leaf)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(api.get(LIST).await.status, 200);
    assert_eq!(api.fake.stats().faults_of("stale"), 1, "the write only");
}

#[tokio::test]
async fn absurd_retry_after_values_are_sent_verbatim_and_nothing_is_applied() {
    for (kind, status, value) in [
        (FaultKind::RetryAfterHuge, 429, "18446744073709551615"),
        (FaultKind::RetryAfter100000, 503, "100000"),
        (FaultKind::RetryAfterNegative, 429, "-5"),
        (FaultKind::RetryAfterPastDate, 503, "Wed, 21 Oct 2015 07:28:00 GMT"),
    ] {
        let api = Api::start(Config::default().with_faults(plan(kind))).await;
        let answer = api.get(LIST).await;
        assert_eq!((answer.status, answer.header("retry-after")), (status, Some(value)), "{kind}");
        answer.error_code();
        let (ca, leaf) = active_leaf(&api);
        let answer = api.post(&format!("{LIST}/{ca}/revokeLeafCertificate"), &revoke_body(&leaf)).await;
        assert_eq!((answer.status, answer.header("retry-after")), (status, Some(value)), "{kind}");
        assert_eq!(state_of(&api, &ca, &leaf).await, "active", "{kind}");
        assert_eq!(api.fake.stats().faults_of(kind.as_str()), 2, "{kind}");
    }
}

#[tokio::test]
async fn a_looped_next_link_repeats_the_first_page() {
    let api = Api::start(Config::default().with_data(1, 30).with_faults(plan(FaultKind::LoopNextLink))).await;
    let ca = api.issuing_ca();
    let first = format!("{LIST}/{ca}/cloudCertificationAuthorityLeafCertificate");
    let prefer = [("prefer", "odata.maxpagesize=5")];
    let page = api.send("GET", &first, None, &prefer).await.json();
    let link = page["@odata.nextLink"].as_str().unwrap().to_owned();
    assert_eq!(link, api.url(&first), "page 1 links to itself");
    let mut ids = Vec::new();
    for _ in 0..3 {
        let page = api.send("GET", &link, None, &prefer).await.json();
        assert_eq!(page["@odata.nextLink"].as_str(), Some(link.as_str()), "the link repeats");
        ids.push(page["value"][0]["id"].clone());
    }
    assert!(ids.windows(2).all(|pair| pair[0] == pair[1]), "the same page again: {ids:?}");
    assert_eq!(api.fake.stats().faults_of("loop-next-link"), 4);
    // A page without a next link is left alone (and not counted).
    let whole = api.get(&first).await.json();
    assert!(whole.get("@odata.nextLink").is_none());
    assert_eq!(whole["value"].as_array().unwrap().len(), 30);
    assert_eq!(api.fake.stats().faults_of("loop-next-link"), 4);
}

#[tokio::test]
async fn hostile_text_reaches_the_client_verbatim_in_the_error_envelope() {
    let api = Api::start(Config::default().with_faults(plan(FaultKind::HostileText))).await;
    let answer = api.get(LIST).await;
    assert_eq!(answer.status, 400);
    let raw = String::from_utf8(answer.body.clone()).unwrap();
    assert!(raw.contains(r"\u001b[2J") && raw.contains(r"\u0007") && raw.contains(r"\r"), "{raw}");
    let body = answer.json();
    let (code, message) = (body["error"]["code"].as_str().unwrap(), body["error"]["message"].as_str().unwrap());
    for needle in ["\u{1b}[2J", "\u{1b}]52;c;", "\u{7}", "\u{202e}"] {
        assert!(code.contains(needle), "code {code:?} lacks {needle:?}");
    }
    for needle in
        ["\u{1b}[2J", "\u{1b}]52;c;", "\u{7}", "\r", "\u{202e}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}"]
    {
        assert!(message.contains(needle), "message {message:?} lacks {needle:?}");
    }
    assert!(body["error"]["innerError"]["request-id"].is_string());
}

#[tokio::test]
async fn a_redirect_points_to_another_loopback_host_and_followers_are_counted() {
    let api = Api::start(Config::default().with_faults(plan(FaultKind::Redirect))).await;
    let port = api.fake.addr().port();
    let (ca, leaf) = active_leaf(&api);
    let path = format!("{LIST}/{ca}/revokeLeafCertificate");
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let answer = no_follow.post(api.url(&path)).bearer_auth(&api.token).body(revoke_body(&leaf)).send().await.unwrap();
    assert_eq!(answer.status(), 307);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("http://127.0.0.2:{port}/beta{path}"));
    assert_eq!(state_of(&api, &ca, &leaf).await, "active", "nothing applied");

    // reqwest follows a redirect but drops the token on the way to another host; a careless
    // client sending it along is counted too.
    let followed = api.client.get(api.url(LIST)).bearer_auth(&api.token).send().await.unwrap();
    let careless = api.client.get(&location).bearer_auth(&api.token).send().await;
    let stats = api.fake.stats();
    if followed.status() == 421 {
        assert_eq!(careless.unwrap().status(), 421);
        assert_eq!((stats.redirects_followed, stats.redirects_followed_with_token), (2, 1));
    } else {
        // 127.0.0.2 could not be bound here: the follow-up is refused by the system.
        assert!(careless.is_err());
    }
    assert_eq!(stats.faults_of("redirect"), 2);
}
