#![forbid(unsafe_code)]
//! An async client for Microsoft Graph (beta) Intune Cloud PKI, on tokio and reqwest (rustls),
//! built on the generated operations of `cloudpki_model::operations` (no second description of
//! a route) and on their [`Semantics`](cloudpki_model::api::Semantics) from the spec.
//!
//! # The pipeline
//!
//! Every request goes through the same policies, each in a module of its own:
//!
//! 1. **auth** ([`credential`]): the token goes to the base URL's origin only; an Azure
//!    credential's token (audience Microsoft Graph) only to a Microsoft Graph root
//!    ([`credential::GRAPH_HOSTS`]); plain `http` only to loopback, never through a proxy.
//! 2. **the adaptive window** ([`limit`]): how many requests the whole client has in flight,
//!    shared by every request, found from throttling and latency; a configured concurrency is a
//!    cap.
//! 3. **retry** ([`retry`]): one budget per operation, `Retry-After` honoured in full up to a cap
//!    (past it the operation fails at once, naming the wait), backoff with per-request jitter.
//! 4. **transport** (private): one attempt, no redirects, the body read as a stream up to a cap.
//!
//! On top: [`paging`] streams (loop-safe, bounded), the [`write`](mod@write) executor (ambiguous ->
//! observe -> settle -> send again; read its docs for what "once" means and where it ends),
//! and [`bulk`] operations (revoke many, pause a CA, retire a CA) with hooks for a journal,
//! cancellation and per-target outcomes; retiring a CA ([`retire`]) lists its active leaf
//! certificates again after each round of revocations, and revokes the CA certificate only once a
//! listing shows none.
//!
//! Everything the service says that reaches an [`Error`]'s `Display` goes through
//! [`text::terminal_safe`]. `tracing` spans per attempt carry the operation id, the
//! `client-request-id`, the status, the `request-id`, the wait and the window (never the token).
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

pub mod bulk;
pub mod credential;
mod error;
pub mod limit;
pub mod paging;
mod pipeline;
pub mod retire;
pub mod retry;
pub mod text;
mod transport;
pub mod write;

use std::sync::Arc;
use std::time::Duration;

use cloudpki_model::api::{BaseUrl, Operation, RequestOptions};
use cloudpki_model::operations::{
    GetCloudCertificationAuthorityLeafCertificate, ListCloudCertificationAuthorities,
    ListCloudCertificationAuthorityLeafCertificates, RevokeLeafCertificate,
};
use cloudpki_model::{
    CloudCertificationAuthority, CloudCertificationAuthorityLeafCertificate as Certificate,
    CloudCertificationAuthorityLeafCertificateStatus as LeafStatus, RevokeLeafCertificateRequest,
};
use futures_util::Stream;

pub use credential::{AzureCredential, GRAPH_SCOPE, Secret, StaticToken, TokenSource};
pub use error::Error;
pub use limit::{Limiter, WindowConfig};
pub use retry::RetryPolicy;
pub use write::{Observation, ObservedWrite, Written};

use crate::pipeline::Sent;
use crate::transport::Transport;

/// The default `Prefer: odata.maxpagesize`.
pub const DEFAULT_PAGE_SIZE: u32 = 500;
/// The default timeout of one read attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default timeout of one write attempt (longer than a read's: see [`write`](mod@write)).
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(120);
/// The default settle window of the write executor (see [`write`](mod@write) for the reasoning).
pub const DEFAULT_SETTLE_WINDOW: Duration = Duration::from_secs(120);
/// The default cap of an answer's body: far above a real page (500 leaf certificates are about
/// 1 MiB).
pub const DEFAULT_MAX_BODY_SIZE: u64 = 64 * 1024 * 1024;
/// The default bound on the pages of one listing (5 million items at 500 a page).
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    token: Option<Arc<dyn TokenSource>>,
    retry: RetryPolicy,
    timeout: Duration,
    write_timeout: Duration,
    page_size: u32,
    unknown_enum_members: bool,
    window: WindowConfig,
    max_body_size: u64,
    max_pages: u64,
    settle_window: Duration,
    observe_interval: Duration,
    max_resends: u32,
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

    /// The timeout of one read attempt (default 60 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The timeout of one write attempt (default 120 s; writes and idempotent changes).
    #[must_use]
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
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

    /// The adaptive window (default [`WindowConfig::default`]).
    #[must_use]
    pub fn window(mut self, window: WindowConfig) -> Self {
        self.window = window;
        self
    }

    /// A configured concurrency: the cap of the adaptive window.
    #[must_use]
    pub fn concurrency(mut self, cap: usize) -> Self {
        self.window = self.window.with_cap(cap);
        self
    }

    /// The cap of an answer's body, in bytes (default [`DEFAULT_MAX_BODY_SIZE`]).
    #[must_use]
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The bound on the pages of one listing (default [`DEFAULT_MAX_PAGES`]).
    #[must_use]
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// The write executor's settle window (default [`DEFAULT_SETTLE_WINDOW`]; see [`write`](mod@write)).
    #[must_use]
    pub fn settle_window(mut self, window: Duration) -> Self {
        self.settle_window = window;
        self
    }

    /// The first wait between two observations of an ambiguous write (default 1 s; doubles up
    /// to 15 s).
    #[must_use]
    pub fn observe_interval(mut self, interval: Duration) -> Self {
        self.observe_interval = interval;
        self
    }

    /// How many times a write whose effect stayed invisible through the settle window is sent
    /// again (default 2).
    #[must_use]
    pub fn max_resends(mut self, resends: u32) -> Self {
        self.max_resends = resends;
        self
    }

    /// The client.
    ///
    /// # Errors
    ///
    /// No token source, an invalid base URL, `http://` to a host that is not loopback, an Azure
    /// credential with a base URL that is not a Microsoft Graph root, or the HTTP client cannot
    /// be built.
    pub fn build(self) -> Result<Client, Error> {
        let base = BaseUrl::parse(&self.base_url)?;
        if base.scheme() == "http" && !is_loopback(base.host()) {
            return Err(Error::InsecureBaseUrl(format!(
                "`{}` is plain http to a host that is not loopback: the bearer token would travel unencrypted",
                self.base_url
            )));
        }
        let token = self.token.ok_or_else(|| Error::Auth("no token source was given".to_owned()))?;
        if token.graph_only() && !credential::is_graph_host(base.host()) {
            return Err(Error::Auth(format!(
                "an Azure credential's token (audience Microsoft Graph) is only sent to a Microsoft Graph root ({}); \
                 `{}` is not one: give it a static token (GRAPH_TOKEN) instead",
                credential::GRAPH_HOSTS.join(", "),
                self.base_url
            )));
        }
        let trimmed = self.base_url.trim_end_matches('/');
        let not_found_hint = (!(trimmed.ends_with("/beta") || trimmed.ends_with("/v1.0")))
            .then(|| format!("the base URL `{trimmed}` has no version segment; Cloud PKI is under `{trimmed}/beta`"));
        let transport = Transport::new(base.host(), self.max_body_size)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                base,
                token,
                retry: self.retry,
                limiter: Limiter::new(self.window),
                timeout: self.timeout,
                write_timeout: self.write_timeout,
                max_pages: self.max_pages,
                settle_window: self.settle_window,
                observe_interval: self.observe_interval,
                max_observe_interval: Duration::from_secs(15),
                max_resends: self.max_resends,
                not_found_hint,
                options: RequestOptions::default()
                    .with_unknown_enum_members(self.unknown_enum_members)
                    .with_max_page_size(self.page_size),
            }),
        })
    }
}

/// Whether `host` is a loopback host (`localhost`, `127.0.0.0/8`, `::1`).
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An async Cloud PKI client. Cheap to clone: clones share the connection pool, the token
/// source and the adaptive window.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    base: BaseUrl,
    token: Arc<dyn TokenSource>,
    retry: RetryPolicy,
    limiter: Limiter,
    timeout: Duration,
    write_timeout: Duration,
    max_pages: u64,
    settle_window: Duration,
    observe_interval: Duration,
    max_observe_interval: Duration,
    max_resends: u32,
    not_found_hint: Option<String>,
    options: RequestOptions,
}

/// How a revocation ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Revocation {
    /// The service answered the revocation with the revoked certificate.
    Revoked(Box<Certificate>),
    /// The answer was lost (or the certificate was revoked already), and reading the
    /// certificate showed it revoked: the revocation was not sent again.
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

impl Client {
    /// A builder with the defaults: the spec's base URL, [`RetryPolicy::default`], 60 s per
    /// read and 120 s per write attempt, pages of 500, the adaptive window, bodies up to 64 MiB.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base_url: cloudpki_model::operations::DEFAULT_BASE_URL.to_owned(),
            token: None,
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            page_size: DEFAULT_PAGE_SIZE,
            unknown_enum_members: true,
            window: WindowConfig::default(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            max_pages: DEFAULT_MAX_PAGES,
            settle_window: DEFAULT_SETTLE_WINDOW,
            observe_interval: Duration::from_secs(1),
            max_resends: 2,
        }
    }

    /// The shared adaptive window (its size, in flight, throttled answers seen).
    pub fn limiter(&self) -> &Limiter {
        &self.inner.limiter
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base
    }

    /// The settle window of the write executor.
    pub fn settle_window(&self) -> Duration {
        self.inner.settle_window
    }

    /// Sends `operation` and reads its typed answer, with retries as its
    /// [`Semantics`](cloudpki_model::api::Semantics) allow: read-only and idempotent operations
    /// through any transient failure; a write is never sent again after an ambiguous outcome
    /// (that is [`Error::Ambiguous`] here; [`Client::write`] observes it and settles it).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn call<O: Operation>(&self, operation: &O) -> Result<O::Output, Error> {
        match self.run(operation).await? {
            Sent::Done(output) => Ok(output),
            Sent::Ambiguous { error, .. } => Err(error),
        }
    }

    /// The certification authorities of the tenant.
    pub fn certification_authorities(&self) -> impl Stream<Item = Result<CloudCertificationAuthority, Error>> + use<> {
        self.items(ListCloudCertificationAuthorities::new())
    }

    /// The leaf certificates of a CA.
    pub fn leaf_certificates(&self, ca_id: &str) -> impl Stream<Item = Result<Certificate, Error>> + use<> {
        self.items(ListCloudCertificationAuthorityLeafCertificates::new(ca_id))
    }

    /// One leaf certificate of a CA.
    ///
    /// # Errors
    ///
    /// See [`Error`]; a certificate that does not exist is a 404 [`Error::Graph`].
    pub async fn leaf_certificate(&self, ca_id: &str, id: &str) -> Result<Certificate, Error> {
        Ok(self.call(&GetCloudCertificationAuthorityLeafCertificate::new(ca_id, id)).await?.into_entity())
    }

    /// Revokes a leaf certificate through the [`write`](mod@write) executor: never sent again while an
    /// earlier attempt may still land.
    ///
    /// # Errors
    ///
    /// See [`Client::write`].
    pub async fn revoke_leaf_certificate(&self, ca_id: &str, id: &str) -> Result<Revocation, Error> {
        let revoke = RevokeLeafCertificate::new(ca_id, RevokeLeafCertificateRequest::new(id));
        Ok(match self.write(&revoke).await? {
            Written::Answered(answer) => Revocation::Revoked(Box::new(answer.into_entity())),
            Written::Observed(certificate) => Revocation::Confirmed(Box::new(certificate)),
        })
    }

    /// Revokes a leaf certificate unless it is already revoked: reads it first. For a revocation
    /// an earlier run may have sent, prefer [`Client::write_resumed`] (it also waits out the
    /// settle window) or [`bulk`] with [`bulk::Target::sent_before`].
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
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn loopback_is_localhost_127_0_0_0_8_and_ipv6_one_only() {
        for loopback in ["localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "[::1]", "::1"] {
            assert!(is_loopback(loopback), "{loopback}");
        }
        for other in ["localhost.example", "0.0.0.0", "128.0.0.1", "[::]", "::ffff:10.0.0.1", "10.0.0.1", ""] {
            assert!(!is_loopback(other), "{other}");
        }
    }

    /// A Graph-only token source, as an Azure credential is.
    #[derive(Debug)]
    struct GraphOnly;

    #[async_trait::async_trait]
    impl TokenSource for GraphOnly {
        async fn token(&self) -> Result<Secret, Error> {
            Err(Error::Auth("never asked".to_owned()))
        }

        fn graph_only(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_graph_only_token_goes_to_a_graph_root_only() {
        let build = |url: &str| Client::builder().base_url(url).token_source(GraphOnly).build();
        for graph in
            ["https://graph.microsoft.com/beta", "https://GRAPH.microsoft.us/v1.0", "https://graph.microsoft.com./beta"]
        {
            assert!(build(graph).is_ok(), "{graph}");
        }
        for other in
            ["https://graph.microsoft.com.evil.example/beta", "http://127.0.0.1:9/beta", "https://example.com/beta"]
        {
            let error = build(other).expect_err("refused");
            assert!(matches!(&error, Error::Auth(message) if message.contains("GRAPH_TOKEN")), "{other}: {error}");
        }
    }
}
