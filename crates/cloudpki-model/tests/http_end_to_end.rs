#![forbid(unsafe_code)]
//! Both actions end to end: requests built by `cloudpki_model::operations`, sent by a real HTTP
//! client (ureq) to a real HTTP server (tiny_http) on loopback that serves recorded responses
//! (`tests/recorded/`), answers read back by the same operations. No mock of our own types.
#![cfg(feature = "http")]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use cloudpki_model::api::{BaseUrl, Operation, RequestError, RequestOptions, ResponseError, next_page_request};
use cloudpki_model::operations::{GetAllCloudCertificationAuthorityLeafCertificates, RevokeLeafCertificate};
use cloudpki_model::{CloudCertificationAuthorityLeafCertificateStatus as Status, RevokeLeafCertificateRequest};

/// A request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    url: String,
    headers: BTreeMap<String, String>,
    body: String,
}

/// A recorded answer: status, extra headers, body file under `tests/recorded/`.
type Route = (u16, Vec<(&'static str, &'static str)>, &'static str);

struct Server {
    server: Arc<tiny_http::Server>,
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `routes` (keyed by `METHOD url`) on 127.0.0.1, on a port of its own.
    fn start(routes: Vec<(&'static str, Route)>) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind loopback"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let base = format!("http://127.0.0.1:{port}/beta");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let routes: BTreeMap<&str, Route> = routes.into_iter().collect();
        let thread = {
            let (server, seen, base) = (Arc::clone(&server), Arc::clone(&seen), base.clone());
            std::thread::spawn(move || {
                for mut request in server.incoming_requests() {
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    let headers = request
                        .headers()
                        .iter()
                        .map(|h| (h.field.as_str().as_str().to_ascii_lowercase(), h.value.as_str().to_owned()))
                        .collect();
                    let key = format!("{} {}", request.method(), request.url());
                    seen.lock().expect("lock").push(Seen {
                        method: request.method().to_string(),
                        url: request.url().to_owned(),
                        headers,
                        body,
                    });
                    let response = match routes.get(key.as_str()) {
                        Some((status, extra_headers, file)) => {
                            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recorded").join(file);
                            let text = std::fs::read_to_string(path).expect("recorded body").replace("{BASE}", &base);
                            let mut response = tiny_http::Response::from_string(text).with_status_code(*status);
                            for (name, value) in extra_headers {
                                response.add_header(tiny_http::Header::from_bytes(*name, *value).expect("header"));
                            }
                            response
                        }
                        None => tiny_http::Response::from_string(format!("no route for {key}")).with_status_code(599),
                    };
                    let _ = request.respond(response);
                }
            })
        };
        Server { server, base, seen, thread: Some(thread) }
    }

    fn base_url(&self) -> BaseUrl {
        BaseUrl::parse(&self.base).expect("valid base URL")
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sends `request` with ureq and returns the whole response, whatever its status.
fn send(request: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let response = agent.run(request).expect("the loopback server answers");
    let (parts, mut body) = response.into_parts();
    http::Response::from_parts(parts, body.read_to_vec().expect("a body"))
}

const PAGE: &str =
    "/beta/deviceManagement/cloudCertificationAuthority/ca-1/getAllCloudCertificationAuthorityLeafCertificates";
const REVOKE: &str = "/beta/deviceManagement/cloudCertificationAuthority/ca-1/revokeLeafCertificate";

#[test]
fn revoke_a_leaf_certificate() {
    let server = Server::start(vec![(
        "POST /beta/deviceManagement/cloudCertificationAuthority/ca-1/revokeLeafCertificate",
        (200, vec![("Content-Type", "application/json")], "revoke-200.json"),
    )]);
    let body = RevokeLeafCertificateRequest::new("976c94f8-94f8-976c-f894-6c97f8946c97");
    let operation = RevokeLeafCertificate::new("ca-1", body);
    let request = operation.to_request(&server.base_url(), &RequestOptions::default()).expect("request");
    let revoked = RevokeLeafCertificate::parse_response(&send(request)).expect("typed result");
    assert!(revoked.wrapped, "the documented answer is the {{\"value\": ...}} wrapper");
    assert_eq!(revoked.entity.id.as_deref(), Some("976c94f8-94f8-976c-f894-6c97f8946c97"));
    assert_eq!(revoked.entity.certificate_status, Some(Status::Active));

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].url, REVOKE);
    assert_eq!(seen[0].headers["accept"], "application/json");
    assert_eq!(seen[0].headers["content-type"], "application/json");
    assert!(!seen[0].headers.contains_key("prefer"));
    assert_eq!(seen[0].body, r#"{"leafCertificateId":"976c94f8-94f8-976c-f894-6c97f8946c97"}"#);
}

#[test]
fn list_follows_three_pages() {
    let server = Server::start(vec![
        (
            "POST /beta/deviceManagement/cloudCertificationAuthority/ca-1/getAllCloudCertificationAuthorityLeafCertificates",
            (200, vec![], "page-1.json"),
        ),
        (
            "GET /beta/deviceManagement/cloudCertificationAuthority/ca-1/getAllCloudCertificationAuthorityLeafCertificates?$skiptoken=page2",
            (200, vec![], "page-2.json"),
        ),
        (
            "GET /beta/deviceManagement/cloudCertificationAuthority/ca-1/getAllCloudCertificationAuthorityLeafCertificates?$skiptoken=page3",
            (200, vec![], "page-3.json"),
        ),
    ]);
    let base = server.base_url();
    let options = RequestOptions::include_unknown_enum_members();
    let mut request = Some(
        GetAllCloudCertificationAuthorityLeafCertificates::new("ca-1").to_request(&base, &options).expect("request"),
    );
    let mut pages = Vec::new();
    while let Some(next) = request {
        let page = GetAllCloudCertificationAuthorityLeafCertificates::parse_response(&send(next)).expect("a page");
        request = next_page_request(&page, &base, &options).expect("next link on the same host");
        pages.push(page);
    }
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].odata_count, Some(5));
    let statuses: Vec<String> = pages
        .iter()
        .flat_map(|p| &p.value)
        .filter_map(|c| c.certificate_status.as_ref())
        .map(|s| s.as_str().to_owned())
        .collect();
    assert_eq!(statuses, ["active", "revoked", "active", "expired", "futureStatus"]);

    let seen = server.seen();
    assert_eq!(seen.iter().map(|s| s.method.as_str()).collect::<Vec<_>>(), ["POST", "GET", "GET"]);
    assert_eq!(seen[0].url, PAGE);
    assert!(seen.iter().all(|s| s.headers.get("prefer").map(String::as_str) == Some("include-unknown-enum-members")));
    assert!(seen[0].body.is_empty() && !seen[0].headers.contains_key("content-type"));
}

#[test]
fn throttling_gives_the_retry_after_delay() {
    let server = Server::start(vec![(
        "POST /beta/deviceManagement/cloudCertificationAuthority/ca-1/getAllCloudCertificationAuthorityLeafCertificates",
        (429, vec![("Retry-After", "7"), ("Content-Type", "application/json")], "error-429.json"),
    )]);
    let request = GetAllCloudCertificationAuthorityLeafCertificates::new("ca-1")
        .to_request(&server.base_url(), &RequestOptions::default())
        .expect("request");
    let error =
        GetAllCloudCertificationAuthorityLeafCertificates::parse_response(&send(request)).expect_err("throttled");
    let graph = error.graph_error().expect("a Graph error");
    assert_eq!(graph.status, 429);
    assert_eq!(graph.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(graph.code.as_deref(), Some("TooManyRequests"));
    assert_eq!(
        graph.inner_error.as_ref().and_then(|i| i.request_id.as_deref()),
        Some("3f0d3c1e-7a5b-4c3d-9e8f-1a2b3c4d5e6f")
    );
}

#[test]
fn forbidden_gives_the_error_envelope() {
    let server = Server::start(vec![(
        "POST /beta/deviceManagement/cloudCertificationAuthority/ca-1/revokeLeafCertificate",
        (403, vec![("Content-Type", "application/json")], "error-403.json"),
    )]);
    let request = RevokeLeafCertificate::new("ca-1", RevokeLeafCertificateRequest::default())
        .to_request(&server.base_url(), &RequestOptions::default())
        .expect("request");
    let error = RevokeLeafCertificate::parse_response(&send(request)).expect_err("forbidden");
    let graph = error.graph_error().expect("a Graph error");
    assert_eq!(graph.status, 403);
    assert_eq!(graph.code.as_deref(), Some("Forbidden"));
    assert_eq!(graph.retry_after, None);
    let inner = graph.inner_error.as_ref().expect("innerError");
    assert_eq!(inner.request_id.as_deref(), Some("2f0d3c1e-7a5b-4c3d-9e8f-1a2b3c4d5e6f"));
    assert_eq!(inner.client_request_id.as_deref(), Some("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"));
    assert_eq!(inner.date.as_deref(), Some("2026-11-23T10:00:00"));
    assert!(error.to_string().starts_with("HTTP 403 Forbidden Forbidden: Application is not authorized"), "{error}");
    assert_eq!(server.seen()[0].body, "{}");
}

#[test]
fn a_malformed_body_is_an_error_with_the_status_and_the_first_bytes() {
    let server = Server::start(vec![(
        "POST /beta/deviceManagement/cloudCertificationAuthority/ca-1/getAllCloudCertificationAuthorityLeafCertificates",
        (200, vec![], "malformed-200.json"),
    )]);
    let request = GetAllCloudCertificationAuthorityLeafCertificates::new("ca-1")
        .to_request(&server.base_url(), &RequestOptions::default())
        .expect("request");
    match GetAllCloudCertificationAuthorityLeafCertificates::parse_response(&send(request)) {
        Err(ResponseError::InvalidBody { status, error, body_start }) => {
            assert_eq!(status, 200);
            assert!(error.is_eof() || error.to_string().contains("EOF"), "{error}");
            assert!(body_start.starts_with(r#"{"value":[{"id":"#), "{body_start}");
        }
        other => panic!("expected an invalid body, got {other:?}"),
    }
}

#[test]
fn a_next_link_to_another_host_is_refused_before_anything_is_sent() {
    let server = Server::start(vec![]);
    let mut page = cloudpki_model::GetAllCloudCertificationAuthorityLeafCertificatesResponse::default();
    for link in [
        "https://evil.example/beta/x",
        "http://127.0.0.2:1/beta/x",
        &format!("{}/x", server.base.replace("http://", "https://")),
        &format!("{}/x", server.base.replace("127.0.0.1:", "127.0.0.1.nip.io:")),
    ] {
        page.odata_next_link = Some(link.to_owned());
        match next_page_request(&page, &server.base_url(), &RequestOptions::default()) {
            Err(RequestError::ForeignNextLink { .. }) => {}
            other => panic!("{link}: expected a refusal, got {other:?}"),
        }
    }
    assert!(server.seen().is_empty());
}
