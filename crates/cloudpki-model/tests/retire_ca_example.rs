#![forbid(unsafe_code)]
//! `examples/retire_ca.rs` against a small Cloud PKI on loopback (tiny_http, real sockets):
//! the dry run only reads; `--execute` pauses the CA, revokes every active leaf certificate of
//! every page exactly once (and no other), then revokes the CA certificate, in that order.
#![cfg(feature = "http")]
#![allow(clippy::unwrap_used)]

#[path = "../examples/retire_ca.rs"]
mod retire_ca;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use cloudpki_model::api::BaseUrl;
use serde_json::{Value, json};

const CA: &str = "ca-7";

/// The leaf certificates the fake CA issued: 5 per page, 12 in all, every third one revoked.
fn certificates() -> Vec<(String, &'static str)> {
    (0..12).map(|i| (format!("leaf-{i:02}"), if i % 3 == 0 { "revoked" } else { "active" })).collect()
}

struct Fake {
    base: String,
    calls: Arc<Mutex<Vec<String>>>,
    server: Arc<tiny_http::Server>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn start() -> Fake {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let port = server.server_addr().to_ip().unwrap().port();
    let base = format!("http://127.0.0.1:{port}/beta");
    let calls = Arc::new(Mutex::new(Vec::new()));
    let (thread_server, thread_calls, thread_base) = (Arc::clone(&server), Arc::clone(&calls), base.clone());
    std::thread::spawn(move || {
        let mut status: BTreeMap<String, &'static str> = certificates().into_iter().collect();
        let mut ca_status = "active";
        let prefix = format!("/beta/deviceManagement/cloudCertificationAuthority/{CA}");
        for mut request in thread_server.incoming_requests() {
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let authorized =
                request.headers().iter().any(|h| h.field.equiv("authorization") && h.value == "Bearer t0ken");
            let url = request.url().to_owned();
            let method = request.method().to_string();
            thread_calls.lock().unwrap().push(format!("{method} {url} {body}"));
            let rest = url.strip_prefix(&prefix).unwrap_or("?");
            let ca = |status: &str| json!({"id": CA, "displayName": "Issuing CA", "versionNumber": 3, "certificationAuthorityStatus": status});
            let (code, answer): (u16, Value) = match (method.as_str(), rest) {
                _ if !authorized => (401, json!({"error": {"code": "Unauthorized", "message": "no token"}})),
                ("GET", "") => (200, json!({"value": ca(ca_status)})),
                ("POST", "/changeCloudCertificationAuthorityStatus") => {
                    let request: Value = serde_json::from_str(&body).unwrap();
                    assert_eq!(
                        request,
                        json!({"certificationAuthorityStatus": "paused", "certificationAuthorityVersion": 3})
                    );
                    ca_status = "paused";
                    (200, json!({"value": ca(ca_status)}))
                }
                // The first page is the POST action; next links are followed with GET (the Graph
                // convention).
                (_, page) if page.starts_with("/getAllCloudCertificationAuthorityLeafCertificates") => {
                    let start: usize = page.split("skip=").nth(1).map_or(0, |n| n.parse().unwrap());
                    let items: Vec<Value> = status
                        .iter()
                        .skip(start)
                        .take(5)
                        .map(|(id, s)| json!({"id": id, "certificateStatus": s, "serialNumber": id}))
                        .collect();
                    let mut page = json!({"value": items});
                    if start + 5 < status.len() {
                        page["@odata.nextLink"] = json!(format!(
                            "{thread_base}/deviceManagement/cloudCertificationAuthority/{CA}/getAllCloudCertificationAuthorityLeafCertificates?skip={}",
                            start + 5
                        ));
                    }
                    (200, page)
                }
                ("POST", "/revokeLeafCertificate") => {
                    let request: Value = serde_json::from_str(&body).unwrap();
                    let id = request["leafCertificateId"].as_str().unwrap().to_owned();
                    status.insert(id.clone(), "revoked");
                    (200, json!({"value": {"id": id, "certificateStatus": "revoked"}}))
                }
                ("POST", "/revokeCloudCertificationAuthorityCertificate") => {
                    ca_status = "revoked";
                    (200, json!({"value": ca(ca_status)}))
                }
                _ => (404, json!({"error": {"code": "NotFound", "message": url}})),
            };
            let response = tiny_http::Response::from_string(answer.to_string())
                .with_status_code(code)
                .with_header(tiny_http::Header::from_bytes("content-type", "application/json").unwrap());
            let _ = request.respond(response);
        }
    });
    Fake { base, calls, server }
}

fn args(fake: &Fake, execute: bool) -> retire_ca::Args {
    retire_ca::Args { ca_id: CA.to_owned(), execute, base_url: BaseUrl::parse(&fake.base).unwrap() }
}

fn active() -> Vec<String> {
    certificates().into_iter().filter(|(_, s)| *s == "active").map(|(id, _)| id).collect()
}

#[test]
fn the_dry_run_only_reads() {
    let fake = start();
    let mut out = Vec::new();
    let summary = retire_ca::run(&args(&fake, false), "t0ken", &mut out).unwrap();
    assert_eq!(summary.listed, 12);
    assert_eq!(summary.revoked, active());
    assert!(!summary.ca_retired);
    let calls = fake.calls.lock().unwrap().clone();
    assert!(
        calls.iter().all(|c| c.starts_with("GET ") || c.contains("/getAllCloudCertificationAuthorityLeafCertificates")),
        "{calls:#?}"
    );
    let printed = String::from_utf8(out).unwrap();
    assert!(printed.contains("would pause the CA") && printed.contains("would revoke leaf-01"), "{printed}");
}

#[test]
fn execute_pauses_revokes_every_active_certificate_once_then_the_ca() {
    let fake = start();
    let mut out = Vec::new();
    let summary = retire_ca::run(&args(&fake, true), "t0ken", &mut out).unwrap();
    assert_eq!(summary.revoked, active());
    assert!(summary.failed.is_empty());
    assert!(summary.ca_retired);
    let calls = fake.calls.lock().unwrap().clone();
    let position = |needle: &str| calls.iter().position(|c| c.contains(needle)).unwrap_or(usize::MAX);
    let pause = position("/changeCloudCertificationAuthorityStatus");
    let first_revoke = position("/revokeLeafCertificate ");
    let ca_revoke = position("/revokeCloudCertificationAuthorityCertificate");
    assert!(pause < first_revoke && first_revoke < ca_revoke, "{calls:#?}");
    for id in active() {
        let times =
            calls.iter().filter(|c| c.contains("/revokeLeafCertificate ") && c.contains(&format!("\"{id}\""))).count();
        assert_eq!(times, 1, "{id} revoked {times} times");
    }
    let revocations = calls.iter().filter(|c| c.contains("/revokeLeafCertificate ")).count();
    assert_eq!(revocations, active().len(), "nothing else is revoked");
}

#[test]
fn a_bad_token_stops_before_anything_is_written() {
    let fake = start();
    let error = retire_ca::run(&args(&fake, true), "wrong", &mut Vec::new()).unwrap_err();
    assert!(error.contains("401") || error.contains("Unauthorized"), "{error}");
    assert_eq!(fake.calls.lock().unwrap().len(), 1);
}
