//! The `/_fake/` admin routes (no auth, no faults, not counted): stats, a stats reset, tokens,
//! and the store's state.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::{MethodFilter, on};
use http::{StatusCode, header};
use serde::Deserialize;

use crate::auth::ALL_SCOPES;
use crate::state::App;

/// The admin routes, for `--help` and the crate docs: (method, path, what it does).
pub(crate) const ROUTES: [(&str, &str, &str); 6] = [
    ("GET", "/_fake/stats", "the counters (requests per operation, revocations, faults per kind) as JSON"),
    ("POST", "/_fake/stats/reset", "sets every counter back to zero (204)"),
    (
        "POST",
        "/_fake/token",
        "a token: body {\"scopes\": [...], \"lifetime_seconds\": N} (both optional; every scope, the default lifetime), or ?scopes=a,b; answers {\"access_token\", \"token_type\": \"Bearer\", \"expires_in\", \"scope\"}",
    ),
    ("GET", "/_fake/token?scopes=a,b", "the same, without a body"),
    ("GET", "/_fake/state[?ca=ID]", "the store's certification authorities and leaf certificates (the ground truth)"),
    (
        "GET",
        "http://localhost:PORT/CloudPKI/{tenant}/{ca}/{name}.crl|.crt",
        "a CA's CRL or certificate (DER), at its certificateRevocationListUrl and certificationAuthorityIssuerUri; no token, no faults",
    ),
];

/// The admin routes.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/_fake/stats", on(MethodFilter::GET, stats))
        .route("/_fake/stats/reset", on(MethodFilter::POST, reset))
        .route("/_fake/token", on(MethodFilter::POST.or(MethodFilter::GET), token))
        .route("/_fake/state", on(MethodFilter::GET, state))
        .route(crate::cdp::ROUTE, on(MethodFilter::GET, crate::cdp::serve))
}

#[derive(Deserialize, Default)]
struct TokenRequest {
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    lifetime_seconds: Option<u64>,
}

async fn stats(State(app): State<Arc<App>>) -> Response {
    json(StatusCode::OK, &app.stats.snapshot())
}

async fn reset(State(app): State<Arc<App>>) -> Response {
    app.stats.reset();
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

async fn token(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 16).await.unwrap_or_default();
    let mut asked: TokenRequest = if body.iter().all(u8::is_ascii_whitespace) {
        TokenRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(asked) => asked,
            Err(error) => return json(StatusCode::BAD_REQUEST, &serde_json::json!({"error": error.to_string()})),
        }
    };
    if let Some(query) = parts.uri.query() {
        for pair in query.split('&') {
            if let Some(value) = pair.strip_prefix("scopes=") {
                let value = crate::odata::percent_decode(value).unwrap_or_default();
                asked.scopes = Some(value.split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_owned).collect());
            }
        }
    }
    let scopes: Vec<String> = asked.scopes.unwrap_or_else(|| ALL_SCOPES.iter().map(|s| (*s).to_owned()).collect());
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let lifetime = asked.lifetime_seconds.map(Duration::from_secs);
    let token = app.tokens.issue(&scopes, lifetime);
    let expires_in = lifetime.unwrap_or(app.config.token_lifetime).as_secs();
    json(
        StatusCode::OK,
        &serde_json::json!({"token_type": "Bearer", "access_token": token, "expires_in": expires_in, "scope": scopes.join(" ")}),
    )
}

async fn state(State(app): State<Arc<App>>, request: Request) -> Response {
    let only = request.uri().query().and_then(|query| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("ca=").map(|id| crate::odata::percent_decode(id).unwrap_or_default()))
    });
    let store = app.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let cas: Vec<_> = store
        .cas
        .iter()
        .filter(|ca| only.as_deref().is_none_or(|id| ca.id() == id))
        .map(|ca| {
            serde_json::json!({
                "certificationAuthority": ca.rendered("", true),
                "leafCertificates": ca.leaves,
            })
        })
        .collect();
    json(StatusCode::OK, &serde_json::json!({"tenantId": store.tenant_id, "certificationAuthorities": cas}))
}

fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    let mut response = Response::new(Body::from(serde_json::to_vec(body).unwrap_or_default()));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    response
}
