//! The server: routes built from the model's operation registry (every path template, method
//! and permission comes from the spec), the request pipeline (auth, throttle, faults, latency),
//! the `/_fake/` admin routes, and an accept loop of our own so a fault can drop a connection.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter, on};
use chrono::{DateTime, Utc};
use cloudpki_model::api::Operation;
use http::{HeaderMap, Method, StatusCode, header};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::{ALL_SCOPES, Access, TokenError, Tokens};
use crate::config::{Config, FaultKind};
use crate::error::{ApiError, QUERY_BROKER_MESSAGE};
use crate::faults::{Faults, Throttle};
use crate::handlers::{Call, Handler, handle};
use crate::respond::{Ctx, DropConnection, dropped, error_response, truncated, with_ids};
use crate::stats::{Recorder, Stats};
use crate::store::Store;

/// The path prefix of the Graph routes (the base URL is `http://host:port/beta`).
pub(crate) const BETA: &str = "/beta";

/// One operation of the spec, as the model's registry describes it.
#[derive(Clone, Copy, Debug)]
pub struct OperationInfo {
    /// The operation id (`revokeLeafCertificate`).
    pub id: &'static str,
    /// The HTTP method.
    pub method: cloudpki_model::api::Method,
    /// The path template below the base URL.
    pub path_template: &'static str,
    /// Read or write, as the fake enforces it.
    pub access: Access,
}

/// Every operation of the spec, from `cloudpki_model::for_each_operation!`.
#[must_use]
pub fn operations() -> Vec<OperationInfo> {
    let mut all = Vec::new();
    macro_rules! collect {
        ($name:literal, $type:ty) => {
            all.push(OperationInfo {
                id: <$type as Operation>::OPERATION_ID,
                method: <$type as Operation>::METHOD,
                path_template: <$type as Operation>::PATH_TEMPLATE,
                access: Access::of(&<$type as Operation>::PERMISSIONS),
            });
        };
    }
    cloudpki_model::for_each_operation!(collect);
    all
}

/// The property names `$select` accepts, per entity (the model's, navigation properties included).
#[derive(Debug)]
pub(crate) struct Names {
    pub(crate) ca: Vec<String>,
    pub(crate) leaf: Vec<String>,
    pub(crate) version: Vec<String>,
}

fn property_names(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// The state every request shares.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) config: Config,
    pub(crate) store: Mutex<Store>,
    pub(crate) tokens: Tokens,
    pub(crate) stats: Recorder,
    pub(crate) faults: Faults,
    throttle: Option<Throttle>,
    requests: AtomicU64,
    pub(crate) names: Names,
    bound: SocketAddr,
}

fn midnight(now: SystemTime) -> DateTime<Utc> {
    let now = DateTime::<Utc>::from(now);
    now.date_naive().and_hms_opt(0, 0, 0).map_or(now, |midnight| midnight.and_utc())
}

impl App {
    fn new(config: Config, bound: SocketAddr) -> std::io::Result<App> {
        let anchor = match config.now {
            Some(now) => DateTime::<Utc>::from(now),
            None => midnight(SystemTime::now()),
        };
        // CRLs and CA certificates are published on another origin (`localhost` rather than the
        // Graph base URL's address), as the live service's CDP host is another host.
        let cdp = format!("http://localhost:{}", bound.port());
        let store = Store::seeded(config.seed, config.cas, config.certs_per_ca, anchor, &cdp)
            .map_err(|error| std::io::Error::other(error.message))?;
        let names = Names {
            ca: property_names(cloudpki_model::CloudCertificationAuthority::PROPERTY_NAMES),
            leaf: property_names(cloudpki_model::CloudCertificationAuthorityLeafCertificate::PROPERTY_NAMES),
            version: property_names(cloudpki_model::CloudCertificationAuthorityVersion::PROPERTY_NAMES),
        };
        Ok(App {
            tokens: Tokens::new(config.token_secret.clone(), config.token_lifetime),
            faults: Faults::new(config.faults.clone(), config.seed),
            throttle: config.throttle.map(Throttle::new),
            store: Mutex::new(store),
            stats: Recorder::default(),
            requests: AtomicU64::new(0),
            names,
            bound,
            config,
        })
    }

    fn context(&self, headers: &HeaderMap, path: &str) -> Ctx {
        let serial = self.requests.fetch_add(1, Ordering::Relaxed);
        let mut rng = crate::rng::Rng::new(self.config.seed ^ serial.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let request_id = rng.guid();
        let client_request_id = headers
            .get("client-request-id")
            .and_then(|value| value.to_str().ok())
            .map_or_else(|| request_id.clone(), str::to_owned);
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .filter(|host| !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)))
            .map_or_else(|| self.bound.to_string(), str::to_owned);
        let origin = format!("http://{host}");
        Ctx { request_id, client_request_id, service_root: format!("{origin}{BETA}"), origin, path: path.to_owned() }
    }
}

/// The path parameters of `path` (below `/beta`) for `template`, percent-decoded.
fn path_parameters(template: &str, path: &str) -> Vec<String> {
    let path = path.strip_prefix(BETA).unwrap_or(path);
    template
        .split('/')
        .zip(path.split('/'))
        .filter(|(pattern, _)| pattern.starts_with('{'))
        .map(|(_, segment)| {
            crate::odata::percent_decode(&segment.replace('+', "%2B")).unwrap_or_else(|_| segment.to_owned())
        })
        .collect()
}

fn bearer_error(error: TokenError, ctx: &Ctx) -> Response {
    let mut response =
        error_response(&ApiError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", error.message()), ctx);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        http::HeaderValue::from_static(
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"",
        ),
    );
    response
}

fn throttled(ctx: &Ctx, retry_after: Option<Duration>) -> Response {
    let mut response = error_response(
        &ApiError::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", "Too many requests, please retry later."),
        ctx,
    );
    if let Some(delay) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, http::HeaderValue::from(delay.as_secs().max(1)));
    }
    response
}

/// The answer of an error-kind fault (nothing is applied).
fn fault_answer(kind: FaultKind, app: &App, ctx: &Ctx) -> Response {
    let retry_after = app.faults.plan().retry_after;
    match kind {
        FaultKind::TooManyRequests => throttled(ctx, Some(retry_after)),
        FaultKind::QueryBroker => error_response(
            &ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError", QUERY_BROKER_MESSAGE),
            ctx,
        ),
        FaultKind::ServiceUnavailable => {
            let mut response = error_response(
                &ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    "The service is temporarily unavailable. Please retry later.",
                ),
                ctx,
            );
            response.headers_mut().insert(header::RETRY_AFTER, http::HeaderValue::from(retry_after.as_secs().max(1)));
            response
        }
        FaultKind::GatewayTimeout => error_response(
            &ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                "GatewayTimeout",
                "The gateway did not receive a timely response from the upstream server.",
            ),
            ctx,
        ),
        _ => throttled(ctx, None),
    }
}

/// The whole pipeline of one Graph request.
async fn graph(app: Arc<App>, operation: OperationInfo, handler: Option<Handler>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let ctx = app.context(&parts.headers, &path);
    app.stats.request(operation.id);
    let Ok(body) = axum::body::to_bytes(body, 4 << 20).await else {
        return error_response(&ApiError::bad_request("The request body is too large or could not be read."), &ctx);
    };
    let latency = app.config.latency;
    let before = latency / 2;
    let after = latency.saturating_sub(before);
    let early = match app.tokens.verify(parts.headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok()))
    {
        Err(error) => {
            app.stats.unauthorized();
            Some(bearer_error(error, &ctx))
        }
        Ok(scopes) => {
            let accepted = operation.access.accepted_scopes();
            if !accepted.iter().any(|scope| scopes.iter().any(|held| held == scope)) {
                app.stats.forbidden();
                Some(error_response(
                    &ApiError::new(
                        StatusCode::FORBIDDEN,
                        "Forbidden",
                        format!(
                            "Application is not authorized to perform this operation. Application must have one of the following scopes: {}",
                            accepted.join(", ")
                        ),
                    ),
                    &ctx,
                ))
            } else if app.throttle.as_ref().is_some_and(|throttle| !throttle.admit()) {
                app.stats.throttled();
                Some(throttled(&ctx, None))
            } else {
                None
            }
        }
    };
    tokio::time::sleep(before).await;
    if let Some(response) = early {
        tokio::time::sleep(after).await;
        return response;
    }
    let path_and_query = parts.uri.path_and_query().map_or(path.as_str(), |value| value.as_str()).to_owned();
    let decision = app.faults.decide(parts.method.as_str(), &path_and_query, &body);
    let run = || match handler {
        Some(handler) => {
            let call = Call {
                app: &app,
                ctx: &ctx,
                params: path_parameters(operation.path_template, &path),
                query: parts.uri.query(),
                headers: &parts.headers,
                body: &body,
            };
            handle(handler, &call)
        }
        None => error_response(
            &ApiError::new(
                StatusCode::NOT_IMPLEMENTED,
                "NotImplemented",
                format!("{} is not implemented by this fake.", operation.id),
            ),
            &ctx,
        ),
    };
    let response = match decision {
        None => run(),
        Some(decision) => {
            let kind = decision.kind;
            let write = operation.access == Access::Write;
            let phase = (write && kind.is_ambiguous()).then_some(if decision.after { "after" } else { "before" });
            app.stats.fault(kind.as_str(), phase);
            match kind {
                FaultKind::Slow => {
                    let response = run();
                    tokio::time::sleep(app.faults.plan().slow_delay).await;
                    response
                }
                FaultKind::GatewayTimeout | FaultKind::Truncate | FaultKind::Drop => {
                    // Reads (and writes struck "after") are handled; writes struck "before" are not.
                    let handled = (!write || decision.after).then(run);
                    match kind {
                        FaultKind::Drop => dropped(),
                        FaultKind::Truncate => {
                            let filler = format!(
                                "{{\"@odata.context\":\"{}/$metadata#microsoft.graph.cloudCertificationAuthorityLeafCertificate\",\"value\":{{\"@odata.type\":\"#microsoft.graph.cloudCertificationAuthorityLeafCertificate\"}}}}",
                                ctx.service_root
                            );
                            let response = handled.unwrap_or_else(|| with_ids(Response::new(Body::empty()), &ctx));
                            truncated(response, filler.as_bytes()).await
                        }
                        _ => fault_answer(kind, &app, &ctx),
                    }
                }
                _ => fault_answer(kind, &app, &ctx),
            }
        }
    };
    tokio::time::sleep(after).await;
    response
}

#[derive(Deserialize, Default)]
struct TokenRequest {
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    lifetime_seconds: Option<u64>,
}

async fn admin_stats(State(app): State<Arc<App>>) -> Response {
    admin_json(StatusCode::OK, &app.stats.snapshot())
}

async fn admin_reset(State(app): State<Arc<App>>) -> Response {
    app.stats.reset();
    Response::builder().status(StatusCode::NO_CONTENT).body(Body::empty()).unwrap_or_default()
}

async fn admin_token(State(app): State<Arc<App>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 16).await.unwrap_or_default();
    let mut asked: TokenRequest = if body.iter().all(u8::is_ascii_whitespace) {
        TokenRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(asked) => asked,
            Err(error) => return admin_json(StatusCode::BAD_REQUEST, &serde_json::json!({"error": error.to_string()})),
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
    admin_json(
        StatusCode::OK,
        &serde_json::json!({"token_type": "Bearer", "access_token": token, "expires_in": expires_in, "scope": scopes.join(" ")}),
    )
}

async fn admin_state(State(app): State<Arc<App>>, request: Request) -> Response {
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
    admin_json(StatusCode::OK, &serde_json::json!({"tenantId": store.tenant_id, "certificationAuthorities": cas}))
}

fn admin_json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    let mut response = Response::new(Body::from(serde_json::to_vec(body).unwrap_or_default()));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    response
}

async fn unmatched(State(app): State<Arc<App>>, request: Request) -> Response {
    let ctx = app.context(request.headers(), request.uri().path());
    app.stats.request("unmatched");
    let segment = request.uri().path().rsplit('/').next().unwrap_or_default().to_owned();
    error_response(&ApiError::not_found(format!("Resource not found for the segment '{segment}'.")), &ctx)
}

async fn method_not_allowed(State(app): State<Arc<App>>, request: Request) -> Response {
    let ctx = app.context(request.headers(), request.uri().path());
    error_response(
        &ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "BadRequest",
            format!("The HTTP method '{}' is not allowed on this resource.", request.method()),
        ),
        &ctx,
    )
}

fn router(app: Arc<App>) -> Router {
    let mut by_path: BTreeMap<String, MethodRouter<Arc<App>>> = BTreeMap::new();
    for operation in operations() {
        let handler = Handler::of(operation.id);
        let service = move |State(app): State<Arc<App>>, request: Request| graph(app, operation, handler, request);
        let filter = match operation.method.to_http() {
            Method::GET => MethodFilter::GET,
            Method::POST => MethodFilter::POST,
            Method::PATCH => MethodFilter::PATCH,
            Method::PUT => MethodFilter::PUT,
            Method::DELETE => MethodFilter::DELETE,
            _ => continue,
        };
        let filter =
            if handler.is_some_and(Handler::is_collection_action) { filter.or(MethodFilter::GET) } else { filter };
        let path = format!("{BETA}{}", operation.path_template);
        let entry = by_path.remove(&path).unwrap_or_default();
        by_path.insert(path, entry.on(filter, service));
    }
    let mut graph_routes = Router::new();
    for (path, methods) in by_path {
        graph_routes = graph_routes.route(&path, methods);
    }
    graph_routes
        .route("/_fake/stats", on(MethodFilter::GET, admin_stats))
        .route("/_fake/stats/reset", on(MethodFilter::POST, admin_reset))
        .route("/_fake/token", on(MethodFilter::POST.or(MethodFilter::GET), admin_token))
        .route("/_fake/state", on(MethodFilter::GET, admin_state))
        .route(crate::cdp::ROUTE, on(MethodFilter::GET, crate::cdp::serve))
        .fallback(unmatched)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
}

/// Starts fakes.
#[derive(Debug)]
#[non_exhaustive]
pub struct Fake;

impl Fake {
    /// Binds `config.addr` (loopback only), seeds the tenant and serves until
    /// [`FakeHandle::shutdown`] (or until the handle is dropped).
    ///
    /// # Errors
    ///
    /// A configuration that cannot work (a non-loopback address: `InvalidInput`), or the
    /// address cannot be bound.
    pub async fn start(config: Config) -> std::io::Result<FakeHandle> {
        config.check().map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;
        let listener = TcpListener::bind(config.addr).await?;
        let bound = listener.local_addr()?;
        let app = Arc::new(App::new(config, bound)?);
        let router = router(Arc::clone(&app));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, router, stopped));
        Ok(FakeHandle { base_url: format!("http://{bound}{BETA}"), addr: bound, app, stop, task: Some(task) })
    }
}

async fn accept_loop(listener: TcpListener, router: Router, mut stopped: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => return,
        };
        let Ok((stream, _peer)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            // A fault answer marked `DropConnection` notifies this, and the connection is
            // dropped (closed) without an answer.
            let (abort, mut aborted) = watch::channel(false);
            let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let router = router.clone();
                let abort = abort.clone();
                async move {
                    let response = tower_service::Service::call(&mut router.clone(), request.map(Body::new))
                        .await
                        .unwrap_or_else(|never: Infallible| match never {});
                    if response.extensions().get::<DropConnection>().is_some() {
                        let _ = abort.send(true);
                        std::future::pending::<()>().await;
                    }
                    Ok::<_, Infallible>(response)
                }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = aborted.changed() => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

/// A running fake. Dropping it stops the server too.
#[derive(Debug)]
pub struct FakeHandle {
    base_url: String,
    addr: SocketAddr,
    app: Arc<App>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl FakeHandle {
    /// The Graph base URL, `http://127.0.0.1:PORT/beta`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The admin root, `http://127.0.0.1:PORT/_fake`.
    #[must_use]
    pub fn admin_url(&self) -> String {
        format!("http://{}/_fake", self.addr)
    }

    /// A bearer token carrying `scopes` (see [`crate::auth`] for what each operation needs).
    #[must_use]
    pub fn issue_token(&self, scopes: &[&str]) -> String {
        self.app.tokens.issue(scopes, None)
    }

    /// A bearer token carrying `scopes`, valid for `lifetime` (zero: already expired).
    #[must_use]
    pub fn issue_token_for(&self, scopes: &[&str], lifetime: Duration) -> String {
        self.app.tokens.issue(scopes, Some(lifetime))
    }

    /// The counters so far.
    #[must_use]
    pub fn stats(&self) -> Stats {
        self.app.stats.snapshot()
    }

    /// Sets every counter back to zero.
    pub fn reset_stats(&self) {
        self.app.stats.reset();
    }

    /// The certification authorities as the store has them (with `activeVersion`).
    #[must_use]
    pub fn certification_authorities(&self) -> Vec<cloudpki_model::CloudCertificationAuthority> {
        let store = self.app.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        store.cas.iter().map(|ca| ca.rendered(&format!("http://{}{BETA}", self.addr), false)).collect()
    }

    /// The leaf certificates of one certification authority as the store has them (empty for
    /// an unknown id).
    #[must_use]
    pub fn leaf_certificates(&self, ca_id: &str) -> Vec<cloudpki_model::CloudCertificationAuthorityLeafCertificate> {
        let store = self.app.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        store.ca(ca_id).map(|ca| ca.leaves.clone()).unwrap_or_default()
    }

    /// Stops accepting connections, closes the open ones, and waits for the server to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
