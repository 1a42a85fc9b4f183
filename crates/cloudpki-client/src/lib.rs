#![forbid(unsafe_code)]
//! An async client for Microsoft Graph (beta) Intune Cloud PKI, on tokio and reqwest (rustls),
//! built on the generated operations of `cloudpki_model::operations` (no second description of
//! a route).
//!
//! - Credentials: any `azure_identity` credential through [`AzureCredential`] (cached, refreshed
//!   before expiry; scope `https://graph.microsoft.com/.default`), or a [`StaticToken`]. The
//!   token is a [`Secret`] that never prints, and it is sent only to the base URL's scheme, host
//!   and port (next links elsewhere are refused before anything is sent); `http://` is accepted
//!   for loopback hosts only.
//! - Retries ([`RetryPolicy`]): 429, 503, 504, the query broker's 500, other 500s and 502 (for
//!   reads; a write that got one is ambiguous), transport failures;
//!   `Retry-After` as seconds or a date, exponential backoff with full jitter otherwise, a cap per
//!   wait and in total; one [`pacer`] shared by every request, so a throttled tenant is slowed
//!   down once, not hammered by each request on its own. Every request carries a
//!   `client-request-id`; every error names the service's `request-id`.
//! - Paging as a `Stream` of items ([`Client::leaf_certificates`], [`Client::pages`]), one page
//!   in memory at a time, sized with `Prefer: odata.maxpagesize`; an odd item is an error for that
//!   item only.
//! - Revocation that is never lost and never sent twice ([`Client::revoke_leaf_certificate`]):
//!   after an ambiguous failure the certificate's state is read before the revocation is sent
//!   again.
//!
//! ```no_run
//! # async fn example() -> Result<(), cloudpki_client::Error> {
//! use cloudpki_client::{Client, StaticToken};
//! use futures_util::TryStreamExt;
//!
//! let client = Client::builder().token_source(StaticToken::new("eyJ0eXAi...")).build()?;
//! let certificates: Vec<_> = client.leaf_certificates("ca-id").try_collect().await?;
//! for certificate in &certificates {
//!     println!("{:?} {:?}", certificate.id, certificate.certificate_status);
//! }
//! # Ok(()) }
//! ```

pub mod credential;
mod error;
pub mod pacer;
pub mod retry;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudpki_model::api::{BaseUrl, GraphError, Method, Operation, RequestOptions, ResponseError, next_page_request};
use cloudpki_model::operations::{
    GetCloudCertificationAuthorityLeafCertificate, ListCloudCertificationAuthorities,
    ListCloudCertificationAuthorityLeafCertificates, RevokeLeafCertificate,
};
use cloudpki_model::{
    CloudCertificationAuthority, CloudCertificationAuthorityLeafCertificate as Certificate,
    CloudCertificationAuthorityLeafCertificateStatus as LeafStatus, LenientPage, Page, RevokeLeafCertificateRequest,
};
use futures_util::Stream;
use serde::de::DeserializeOwned;

pub use credential::{AzureCredential, GRAPH_SCOPE, Secret, StaticToken, TokenSource};
pub use error::Error;
pub use pacer::Pacer;
pub use retry::RetryPolicy;

/// The default `Prefer: odata.maxpagesize`.
pub const DEFAULT_PAGE_SIZE: u32 = 500;

/// The default timeout of one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    token: Option<Arc<dyn TokenSource>>,
    retry: RetryPolicy,
    timeout: Duration,
    page_size: u32,
    unknown_enum_members: bool,
}

impl ClientBuilder {
    /// The service root (default: the Graph beta root of the spec).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Where the bearer token comes from (required).
    #[must_use]
    pub fn token_source(mut self, source: impl TokenSource + 'static) -> Self {
        self.token = Some(Arc::new(source));
        self
    }

    /// The same, shared.
    #[must_use]
    pub fn shared_token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.token = Some(source);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The timeout of one attempt (default 60 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// `Prefer: odata.maxpagesize` for listings (default 500).
    #[must_use]
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// Whether to send `Prefer: include-unknown-enum-members` (default on: members added after
    /// `unknownFutureValue` arrive by name and are kept).
    #[must_use]
    pub fn unknown_enum_members(mut self, include: bool) -> Self {
        self.unknown_enum_members = include;
        self
    }

    /// The client.
    ///
    /// # Errors
    ///
    /// No token source, an invalid base URL, `http://` to a host that is not loopback, or the
    /// HTTP client cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let base = BaseUrl::parse(&self.base_url)?;
        if base.scheme() == "http" && !is_loopback(base.host()) {
            return Err(Error::InsecureBaseUrl(format!(
                "`{}` is plain http to a host that is not loopback: the bearer token would travel unencrypted",
                self.base_url
            )));
        }
        let token = self.token.ok_or_else(|| Error::Auth("no token source was given".to_owned()))?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Transport { message: e.to_string(), client_request_id: String::new() })?;
        let pacer = Arc::new(Pacer::new(self.retry.adaptive_pacing));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                token,
                retry: self.retry,
                pacer,
                options: RequestOptions::default()
                    .with_unknown_enum_members(self.unknown_enum_members)
                    .with_max_page_size(self.page_size),
            }),
        })
    }
}

/// Whether `host` is a loopback host (`localhost`, `127.0.0.0/8`, `::1`).
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An async Cloud PKI client. Cheap to clone: clones share the connection pool, the token cache
/// and the pacer.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: BaseUrl,
    token: Arc<dyn TokenSource>,
    retry: RetryPolicy,
    pacer: Arc<Pacer>,
    options: RequestOptions,
}

/// Whether a request may be sent again after an ambiguous failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// Reads, and writes whose repetition is harmless: retried after any failure.
    Safe,
    /// Writes: retried only when the request certainly was not carried out.
    Unsafe,
}

/// How a revocation ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Revocation {
    /// The service answered the revocation with the revoked certificate.
    Revoked(Box<Certificate>),
    /// The answer was lost, and reading the certificate showed it revoked: the revocation went
    /// through and was not sent again.
    Confirmed(Box<Certificate>),
}

impl Revocation {
    /// The certificate as last seen.
    pub fn certificate(&self) -> &Certificate {
        match self {
            Revocation::Revoked(certificate) | Revocation::Confirmed(certificate) => certificate,
        }
    }
}

/// A successful answer.
struct Answer {
    response: http::Response<Vec<u8>>,
}

impl Answer {
    fn request_id(&self) -> Option<String> {
        header(&self.response, "request-id")
    }
}

fn header(response: &http::Response<Vec<u8>>, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

impl Client {
    /// A builder with the defaults: the spec's base URL, [`RetryPolicy::default`], 60 s per
    /// attempt, pages of 500.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base_url: cloudpki_model::operations::DEFAULT_BASE_URL.to_owned(),
            token: None,
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            page_size: DEFAULT_PAGE_SIZE,
            unknown_enum_members: true,
        }
    }

    /// The shared pacer (its rate and throttled count, for progress and tests).
    pub fn pacer(&self) -> &Pacer {
        &self.inner.pacer
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base
    }

    /// Sends `operation` and reads its typed answer, with retries. GET, PUT and DELETE are
    /// retried after any failure; other methods only when the request certainly was not carried
    /// out (an ambiguous failure, including a 500, 502 or 504 answer that is not throttling, is
    /// [`Error::Ambiguous`]).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn call<O: Operation>(&self, operation: &O) -> Result<O::Output, Error> {
        let idempotency = match O::METHOD {
            Method::Get | Method::Put | Method::Delete => Idempotency::Safe,
            _ => Idempotency::Unsafe,
        };
        self.call_with(operation, idempotency).await
    }

    /// [`Client::call`], saying whether the operation may be repeated (a POST action that only
    /// reads, such as a search, is [`Idempotency::Safe`]).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn call_with<O: Operation>(&self, operation: &O, idempotency: Idempotency) -> Result<O::Output, Error> {
        let mut garbled = 0u32;
        loop {
            let request = operation.to_request(&self.inner.base, &self.inner.options)?;
            let answer = self.exchange(request, idempotency).await?;
            match O::parse_response(&answer.response) {
                Ok(output) => return Ok(output),
                // A body cut short with a length that matches, or not JSON at all: a read is
                // asked again; a write may have been carried out.
                Err(error @ ResponseError::InvalidBody { .. }) if !is_json(answer.response.body()) => {
                    let message = format!("the answer was cut short or is not JSON: {error}");
                    if idempotency == Idempotency::Unsafe {
                        let client_request_id = header(&answer.response, "client-request-id").unwrap_or_default();
                        return Err(Error::Ambiguous { message, client_request_id });
                    }
                    garbled += 1;
                    if garbled > self.inner.retry.max_retries {
                        return Err(Error::InvalidBody { message, request_id: answer.request_id() });
                    }
                    tokio::time::sleep(self.inner.retry.delay(garbled - 1, None)).await;
                }
                Err(error) => {
                    return Err(Error::InvalidBody { message: error.to_string(), request_id: answer.request_id() });
                }
            }
        }
    }

    /// Every item of a paged operation, page after page (`@odata.nextLink` followed with GET on
    /// the same origin only), with one page in memory at a time. An item that is not a valid `T`
    /// is an [`Error::Item`] in the stream, and the stream goes on; any other error ends it.
    pub fn pages<O, T>(
        &self,
        operation: O,
        idempotency: Idempotency,
    ) -> impl Stream<Item = Result<T, Error>> + use<O, T>
    where
        O: Operation<Output = Page<T>>,
        T: DeserializeOwned,
    {
        let client = self.clone();
        let first = operation.to_request(&self.inner.base, &self.inner.options).map_err(Error::from);
        let state = PageState { next: Some(first), buffer: std::collections::VecDeque::new(), idempotency };
        futures_util::stream::unfold(state, move |mut state| {
            let client = client.clone();
            async move {
                loop {
                    if let Some(item) = state.buffer.pop_front() {
                        return Some((item, state));
                    }
                    let request = match state.next.take()? {
                        Ok(request) => request,
                        Err(error) => return Some((Err(error), state)),
                    };
                    match client.page::<T>(request, state.idempotency).await {
                        Ok((items, next)) => {
                            state.buffer.extend(items);
                            state.next = next;
                            // Next links are reads, whatever the first request was.
                            state.idempotency = Idempotency::Safe;
                        }
                        Err(error) => return Some((Err(error), state)),
                    }
                }
            }
        })
    }

    /// One page: its items (odd ones as errors) and the request for the next one.
    #[allow(clippy::type_complexity)]
    async fn page<T: DeserializeOwned>(
        &self,
        request: http::Request<Vec<u8>>,
        idempotency: Idempotency,
    ) -> Result<(Vec<Result<T, Error>>, Option<Result<http::Request<Vec<u8>>, Error>>), Error> {
        let mut request = request;
        let mut garbled = 0u32;
        let page: LenientPage<T> = loop {
            let again = clone_request(&request);
            let answer = self.exchange(request, idempotency).await?;
            match cloudpki_model::from_slice(answer.response.body()) {
                Ok(page) => break page,
                // Cut short (with a length that matches) or not JSON: asked again.
                Err(_)
                    if !is_json(answer.response.body())
                        && idempotency == Idempotency::Safe
                        && garbled < self.inner.retry.max_retries =>
                {
                    garbled += 1;
                    tokio::time::sleep(self.inner.retry.delay(garbled - 1, None)).await;
                    request = again;
                }
                Err(error) => {
                    return Err(Error::InvalidBody { message: error.to_string(), request_id: answer.request_id() });
                }
            }
        };
        let next = next_page_request(&page, &self.inner.base, &self.inner.options).map_err(Error::from).transpose();
        let (valid, errors) = page.into_parts();
        Ok((in_page_order(valid, errors), next))
    }

    /// The certification authorities of the tenant.
    pub fn certification_authorities(&self) -> impl Stream<Item = Result<CloudCertificationAuthority, Error>> + use<> {
        self.pages(ListCloudCertificationAuthorities::new(), Idempotency::Safe)
    }

    /// The leaf certificates of a CA.
    pub fn leaf_certificates(&self, ca_id: &str) -> impl Stream<Item = Result<Certificate, Error>> + use<> {
        self.pages(ListCloudCertificationAuthorityLeafCertificates::new(ca_id), Idempotency::Safe)
    }

    /// One leaf certificate of a CA.
    ///
    /// # Errors
    ///
    /// See [`Error`]; a certificate that does not exist is a 404 [`Error::Graph`].
    pub async fn leaf_certificate(&self, ca_id: &str, id: &str) -> Result<Certificate, Error> {
        Ok(self.call(&GetCloudCertificationAuthorityLeafCertificate::new(ca_id, id)).await?.into_entity())
    }

    /// Revokes a leaf certificate, exactly once.
    ///
    /// A revocation that certainly did not reach the service (throttled, refused connection) is
    /// sent again; after an ambiguous failure (a timeout, a dropped connection, a truncated
    /// answer, a 500, 502 or 504) the certificate is read first, and the revocation is sent again only if
    /// the certificate is still not revoked. So a revocation is never lost and, as far as the
    /// service's answers can tell, never sent twice.
    ///
    /// # Errors
    ///
    /// The revocation failed for good (a 4xx answer, retries exhausted, the state could not be
    /// read).
    pub async fn revoke_leaf_certificate(&self, ca_id: &str, id: &str) -> Result<Revocation, Error> {
        let mut ambiguous = 0u32;
        loop {
            let revoke = RevokeLeafCertificate::new(ca_id, RevokeLeafCertificateRequest::new(id));
            match self.call_with(&revoke, Idempotency::Unsafe).await {
                Ok(revoked) => return Ok(Revocation::Revoked(Box::new(revoked.into_entity()))),
                Err(Error::Ambiguous { message, client_request_id }) => {
                    ambiguous += 1;
                    let certificate = self.leaf_certificate(ca_id, id).await?;
                    if certificate.certificate_status == Some(LeafStatus::Revoked) {
                        return Ok(Revocation::Confirmed(Box::new(certificate)));
                    }
                    if ambiguous > self.inner.retry.max_retries {
                        return Err(Error::Ambiguous { message, client_request_id });
                    }
                    // Still not revoked: the revocation did not happen; send it again, after
                    // the backoff of a retry (a failing service is not hammered).
                    tokio::time::sleep(self.inner.retry.delay(ambiguous - 1, None)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Revokes a leaf certificate unless it is already revoked: reads it first. For a revocation
    /// whose outcome is not known (a run that was stopped after sending it), this is the safe way
    /// to finish it.
    ///
    /// # Errors
    ///
    /// See [`Client::revoke_leaf_certificate`].
    pub async fn revoke_leaf_certificate_if_active(&self, ca_id: &str, id: &str) -> Result<Revocation, Error> {
        let certificate = self.leaf_certificate(ca_id, id).await?;
        if certificate.certificate_status == Some(LeafStatus::Revoked) {
            return Ok(Revocation::Confirmed(Box::new(certificate)));
        }
        self.revoke_leaf_certificate(ca_id, id).await
    }

    /// Revokes every certificate of `ids`, `concurrency` at a time, calling `on_done` as each
    /// ends (in completion order). Each one goes through [`Client::revoke_leaf_certificate`], or
    /// [`Client::revoke_leaf_certificate_if_active`] when `check_first` says so for its id.
    pub async fn revoke_many<F>(
        &self,
        ca_id: &str,
        ids: Vec<String>,
        concurrency: usize,
        check_first: impl Fn(&str) -> bool,
        mut on_done: F,
    ) where
        F: FnMut(&str, &Result<Revocation, Error>),
    {
        use futures_util::StreamExt;
        let tasks = ids.into_iter().map(|id| {
            let check = check_first(&id);
            async move {
                let result = if check {
                    self.revoke_leaf_certificate_if_active(ca_id, &id).await
                } else {
                    self.revoke_leaf_certificate(ca_id, &id).await
                };
                (id, result)
            }
        });
        let mut running = futures_util::stream::iter(tasks).buffer_unordered(concurrency.max(1));
        while let Some((id, result)) = running.next().await {
            on_done(&id, &result);
        }
    }

    /// Sends `request` with retries, returning a 2xx answer.
    async fn exchange(&self, request: http::Request<Vec<u8>>, idempotency: Idempotency) -> Result<Answer, Error> {
        let inner = &self.inner;
        // The token goes to the base URL's origin only.
        inner.base.check_same_origin(&request.uri().to_string())?;
        let client_request_id = azure_core::Uuid::new_v4().to_string();
        let started = Instant::now();
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let retries_left = attempt <= inner.retry.max_retries;
            inner.pacer.acquire().await;
            let token = inner.token.token().await?;
            let outcome = self.send_once(&request, &token, &client_request_id).await;
            let (retry_after, failure) = match outcome {
                Ok(response) if response.status().is_success() => {
                    inner.pacer.on_success();
                    return Ok(Answer { response });
                }
                Ok(response) => {
                    let status = response.status();
                    let graph = GraphError::from_parts(status, response.headers(), response.body());
                    let request_id = header(&response, "request-id")
                        .or_else(|| graph.inner_error.as_ref().and_then(|i| i.request_id.clone()));
                    let error = Error::Graph {
                        error: Box::new(graph.clone()),
                        request_id,
                        client_request_id: client_request_id.clone(),
                        attempts: attempt,
                    };
                    if retry::is_throttle(status, response.body()) {
                        inner.pacer.on_throttle(graph.retry_after);
                        (graph.retry_after, error)
                    } else if retry::is_server_failure(status) {
                        // 500, 502, 504: the service may have carried a write out before it
                        // failed; a read is simply retried.
                        inner.pacer.on_success();
                        if idempotency == Idempotency::Unsafe {
                            return Err(Error::Ambiguous { message: graph.to_string(), client_request_id });
                        }
                        (None, error)
                    } else {
                        return Err(error);
                    }
                }
                Err(SendError::NotSent(message)) => {
                    (None, Error::Transport { message, client_request_id: client_request_id.clone() })
                }
                Err(SendError::Ambiguous(message)) => {
                    if idempotency == Idempotency::Unsafe {
                        return Err(Error::Ambiguous { message, client_request_id });
                    }
                    (None, Error::Transport { message, client_request_id: client_request_id.clone() })
                }
            };
            let delay = inner.retry.delay(attempt - 1, retry_after);
            if !retries_left || waited + delay > inner.retry.total_cap || started.elapsed() > inner.retry.total_cap * 2
            {
                return Err(failure);
            }
            waited += delay;
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt.
    async fn send_once(
        &self,
        request: &http::Request<Vec<u8>>,
        token: &Secret,
        client_request_id: &str,
    ) -> Result<http::Response<Vec<u8>>, SendError> {
        let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes())
            .map_err(|e| SendError::NotSent(e.to_string()))?;
        let mut builder = self.inner.http.request(method, request.uri().to_string());
        for (name, value) in request.headers() {
            builder = builder.header(name.as_str(), value.as_bytes());
        }
        builder = builder
            .header("authorization", format!("Bearer {}", token.expose()))
            .header("client-request-id", client_request_id)
            .header("return-client-request-id", "true")
            .body(request.body().clone());
        let response = match builder.send().await {
            Ok(response) => response,
            // Nothing reached the service.
            Err(error) if error.is_connect() || error.is_builder() => {
                return Err(SendError::NotSent(describe(&error)));
            }
            Err(error) => return Err(SendError::Ambiguous(describe(&error))),
        };
        let status = response.status();
        let mut converted = http::Response::builder().status(status.as_u16());
        for (name, value) in response.headers() {
            converted = converted.header(name.as_str(), value.as_bytes());
        }
        let body = response.bytes().await.map_err(|error| SendError::Ambiguous(describe(&error)))?;
        converted.body(body.to_vec()).map_err(|e| SendError::Ambiguous(e.to_string()))
    }
}

/// Whether `body` is well-formed JSON (a body cut short, or an HTML page, is not).
fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// A copy of a request (to send it again).
fn clone_request(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// The valid items and the odd ones of a page, back in the order of the page.
fn in_page_order<T>(valid: Vec<T>, errors: Vec<cloudpki_model::ItemError>) -> Vec<Result<T, Error>> {
    let mut items = Vec::with_capacity(valid.len() + errors.len());
    let mut valid = valid.into_iter();
    let mut errors = errors.into_iter().peekable();
    loop {
        if errors.peek().is_some_and(|error| error.index == items.len()) {
            if let Some(error) = errors.next() {
                items.push(Err(Error::Item(Box::new(error))));
            }
        } else if let Some(item) = valid.next() {
            items.push(Ok(item));
        } else if let Some(error) = errors.next() {
            items.push(Err(Error::Item(Box::new(error))));
        } else {
            return items;
        }
    }
}

/// A failed attempt.
enum SendError {
    /// The request certainly did not reach the service.
    NotSent(String),
    /// It may have.
    Ambiguous(String),
}

/// An error of reqwest, with its causes (never the request headers: no token in messages).
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() { "timed out".to_owned() } else { error.to_string() };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The state of a paging stream.
struct PageState<T> {
    next: Option<Result<http::Request<Vec<u8>>, Error>>,
    buffer: std::collections::VecDeque<Result<T, Error>>,
    idempotency: Idempotency,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_items_keep_their_place_in_the_page() {
        let page: LenientPage<Certificate> = cloudpki_model::from_str(
            r#"{"value":[{"id":"bad","certificateStatus":5},{"id":"a"},{"id":"b","subjectName":7},{"id":"c"}]}"#,
        )
        .expect("a page");
        let (valid, errors) = page.into_parts();
        let order: Vec<String> = in_page_order(valid, errors)
            .into_iter()
            .map(|item| match item {
                Ok(certificate) => certificate.id.unwrap_or_default(),
                Err(Error::Item(odd)) => format!("odd {}", odd.item["id"].as_str().unwrap_or_default()),
                Err(other) => other.to_string(),
            })
            .collect();
        assert_eq!(order, ["odd bad", "a", "odd b", "c"]);
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080/beta",
            "http://localhost:1/beta",
            "http://[::1]:9/beta",
            "https://graph.microsoft.com/beta",
        ] {
            assert!(Client::builder().base_url(ok).token_source(StaticToken::new("t")).build().is_ok(), "{ok}");
        }
        for refused in ["http://graph.microsoft.com/beta", "http://10.0.0.1/beta", "http://example.com:80/beta"] {
            let error =
                Client::builder().base_url(refused).token_source(StaticToken::new("t")).build().expect_err("refused");
            assert!(matches!(error, Error::InsecureBaseUrl(_)), "{refused}: {error}");
        }
        assert!(matches!(Client::builder().build(), Err(Error::Auth(_))));
    }
}
