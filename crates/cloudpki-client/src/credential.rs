//! Bearer tokens: a [`TokenSource`] gives the token for Microsoft Graph's `.default` scope.
//!
//! [`AzureCredential`] wraps any `azure_core` [`TokenCredential`] (from `azure_identity`: client
//! secret, client assertion and certificate, workload and managed identity, Azure CLI and
//! developer tools) and caches its token, refreshing it [`REFRESH_MARGIN`] before it expires;
//! [`StaticToken`] is a token you already have (`GRAPH_TOKEN`). A token is a [`Secret`]: its
//! `Debug` and `Display` never show it.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use azure_core::credentials::TokenCredential;
use tokio::sync::Mutex;

use crate::Error;

/// The scope every Graph token is asked for.
pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

/// How long before its expiry a cached token is refreshed.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A bearer token. `Debug` and `Display` print `Secret(***)`, so it cannot reach a log by
/// accident; [`Secret::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Secret(Arc::from(token.into()))
    }

    /// The token text, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where the client gets its bearer token.
///
/// The client asks for the token before every attempt (a source caches it, as
/// [`AzureCredential`] does). A failure to get one is classified by the error returned:
///
/// - **transient** ([`transient`], which is an [`Error::Transport`]): the identity endpoint could
///   not be reached, or answered 429 or 5xx. The attempt counts as one failed attempt of the
///   operation, and the client retries it with backoff within the same budget as any other
///   failure ([`crate::RetryPolicy`]); nothing was sent to the service, so even a write is simply
///   tried again. When the budget is spent the operation ends with an [`Error::Auth`] that says
///   how many times the credential failed, and why the last time.
/// - **permanent** (anything else, normally [`Error::Auth`]: a wrong secret, a revoked
///   application, no credential configured): the operation ends at once with that error.
#[async_trait::async_trait]
pub trait TokenSource: Send + Sync + fmt::Debug {
    /// A token valid for at least a little while.
    ///
    /// # Errors
    ///
    /// The credential could not get one: [`transient`] for a failure that may pass,
    /// [`Error::Auth`] for one that will not (see [the trait](TokenSource)).
    async fn token(&self) -> Result<Secret, Error>;

    /// Whether the token is for Microsoft Graph only (an Azure credential's token, audience
    /// `https://graph.microsoft.com`): the client then refuses a base URL that is not a Microsoft
    /// Graph root ([`is_graph_host`]). A [`StaticToken`] goes wherever the base URL says.
    fn graph_only(&self) -> bool {
        false
    }
}

/// The error a [`TokenSource`] returns for a failure to get a token that may pass (no connection
/// to the identity endpoint, an answer 429 or 5xx from it): the client retries it like any other
/// failed attempt. `message` says what happened (never the token).
pub fn transient(message: impl Into<String>) -> Error {
    Error::Transport { message: message.into(), client_request_id: String::new() }
}

/// The hosts of the Microsoft Graph roots: the public cloud and the national clouds (US
/// Government L4 and L5 (DoD), China operated by 21Vianet).
pub const GRAPH_HOSTS: [&str; 4] =
    ["graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn"];

/// Whether `host` is one of [`GRAPH_HOSTS`] (ASCII case-insensitive, a trailing dot allowed).
pub fn is_graph_host(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    GRAPH_HOSTS.iter().any(|graph| graph.eq_ignore_ascii_case(host))
}

/// A token you already have.
#[derive(Debug)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// The token `token`.
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(Secret::new(token))
    }
}

#[async_trait::async_trait]
impl TokenSource for StaticToken {
    async fn token(&self) -> Result<Secret, Error> {
        Ok(self.0.clone())
    }
}

/// An `azure_identity` credential, with its token cached until [`REFRESH_MARGIN`] before expiry.
pub struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
    cached: Mutex<Option<(Secret, Instant)>>,
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCredential").field("credential", &self.credential).finish_non_exhaustive()
    }
}

impl AzureCredential {
    /// Wraps `credential`.
    pub fn new(credential: Arc<dyn TokenCredential>) -> Self {
        AzureCredential { credential, cached: Mutex::new(None) }
    }

    /// The credential the environment describes, in the order of Azure's `DefaultAzureCredential`:
    /// a client secret (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`), workload
    /// identity (`AZURE_FEDERATED_TOKEN_FILE`), managed identity (`IDENTITY_ENDPOINT` or
    /// `MSI_ENDPOINT`, or `AZURE_USE_MANAGED_IDENTITY=1`), then the developer tools (Azure CLI,
    /// Azure Developer CLI).
    ///
    /// # Errors
    ///
    /// The environment names a credential that cannot be built.
    pub fn from_environment() -> Result<Self, Error> {
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let auth = |error: azure_core::Error| Error::Auth(error.to_string());
        let credential: Arc<dyn TokenCredential> = if let (Some(tenant), Some(client), Some(secret)) =
            (env("AZURE_TENANT_ID"), env("AZURE_CLIENT_ID"), env("AZURE_CLIENT_SECRET"))
        {
            azure_identity::ClientSecretCredential::new(&tenant, client, secret.into(), None).map_err(auth)?
        } else if env("AZURE_FEDERATED_TOKEN_FILE").is_some() {
            azure_identity::WorkloadIdentityCredential::new(None).map_err(auth)?
        } else if env("IDENTITY_ENDPOINT").is_some()
            || env("MSI_ENDPOINT").is_some()
            || env("AZURE_USE_MANAGED_IDENTITY").is_some()
        {
            azure_identity::ManagedIdentityCredential::new(None).map_err(auth)?
        } else {
            azure_identity::DeveloperToolsCredential::new(None).map_err(auth)?
        };
        Ok(AzureCredential::new(credential))
    }
}

#[async_trait::async_trait]
impl TokenSource for AzureCredential {
    fn graph_only(&self) -> bool {
        true
    }

    async fn token(&self) -> Result<Secret, Error> {
        let mut cached = self.cached.lock().await;
        if let Some((token, refresh_at)) = cached.as_ref()
            && Instant::now() < *refresh_at
        {
            return Ok(token.clone());
        }
        let token = self.credential.get_token(&[GRAPH_SCOPE], None).await.map_err(token_error)?;
        let lifetime = token.expires_on - azure_core::time::OffsetDateTime::now_utc();
        let lifetime = Duration::try_from(lifetime).unwrap_or(Duration::ZERO);
        let refresh_at = Instant::now() + lifetime.saturating_sub(REFRESH_MARGIN);
        let secret = Secret::new(token.token.secret());
        *cached = Some((secret.clone(), refresh_at));
        Ok(secret)
    }
}

/// A failure to get a token: transient ones (no connection, I/O, the identity endpoint
/// answering 429 or 5xx) become [`transient`], which the client retries like any other failed
/// attempt; the others are [`Error::Auth`].
fn token_error(error: azure_core::Error) -> Error {
    use azure_core::error::ErrorKind;
    let passes = match error.kind() {
        ErrorKind::Connection | ErrorKind::Io => true,
        ErrorKind::HttpResponse { status, .. } => {
            let status = u16::from(*status);
            status == 429 || status >= 500
        }
        _ => false,
    };
    if passes { transient(error.to_string()) } else { Error::Auth(error.to_string()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let secret = Secret::new("eyJ0eXAi.secret.value");
        assert_eq!(format!("{secret:?} {secret}"), "Secret(***) ***");
        assert_eq!(format!("{:?}", StaticToken::new("eyJ0eXAi")), "StaticToken(Secret(***))");
        assert_eq!(secret.expose(), "eyJ0eXAi.secret.value");
    }

    #[derive(Debug)]
    struct Counting(std::sync::atomic::AtomicUsize, Duration);

    #[async_trait::async_trait]
    impl TokenCredential for Counting {
        async fn get_token(
            &self,
            scopes: &[&str],
            _options: Option<azure_core::credentials::TokenRequestOptions<'_>>,
        ) -> azure_core::Result<azure_core::credentials::AccessToken> {
            assert_eq!(scopes, [GRAPH_SCOPE]);
            let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let expires = azure_core::time::OffsetDateTime::now_utc()
                + azure_core::time::Duration::try_from(self.1).unwrap_or(azure_core::time::Duration::ZERO);
            Ok(azure_core::credentials::AccessToken::new(format!("token-{n}"), expires))
        }
    }

    #[test]
    fn graph_hosts_are_matched_exactly() {
        for graph in [
            "graph.microsoft.com",
            "GRAPH.Microsoft.COM",
            "graph.microsoft.com.",
            "graph.microsoft.us",
            "dod-graph.microsoft.us",
            "microsoftgraph.chinacloudapi.cn",
        ] {
            assert!(is_graph_host(graph), "{graph}");
        }
        for other in [
            "graph.microsoft.com.evil.example",
            "evilgraph.microsoft.com",
            "xgraph.microsoft.com",
            "graph.microsoft.co",
            "graph.microsoft.com..",
            "127.0.0.1",
            "localhost",
            "",
        ] {
            assert!(!is_graph_host(other), "{other}");
        }
        assert!(AzureCredential::new(Arc::new(Counting(0.into(), Duration::ZERO))).graph_only());
        assert!(!StaticToken::new("t").graph_only());
    }

    #[test]
    fn identity_failures_that_may_pass_are_transient_and_the_others_are_not() {
        use azure_core::error::ErrorKind;
        use azure_core::http::StatusCode;
        let http = |status: StatusCode| {
            azure_core::Error::with_message(
                ErrorKind::HttpResponse { status, error_code: None, raw_response: None },
                "the identity endpoint answered",
            )
        };
        for passing in [
            azure_core::Error::with_message(ErrorKind::Connection, "connection refused"),
            azure_core::Error::with_message(ErrorKind::Io, "reset"),
            http(StatusCode::TooManyRequests),
            http(StatusCode::InternalServerError),
            http(StatusCode::ServiceUnavailable),
        ] {
            let text = passing.to_string();
            assert!(matches!(token_error(passing), Error::Transport { .. }), "{text}");
        }
        for lasting in [
            azure_core::Error::with_message(ErrorKind::Credential, "AADSTS7000215: invalid client secret"),
            http(StatusCode::BadRequest),
            http(StatusCode::Unauthorized),
            azure_core::Error::with_message(ErrorKind::DataConversion, "not a token"),
        ] {
            let text = lasting.to_string();
            assert!(matches!(token_error(lasting), Error::Auth(_)), "{text}");
        }
    }

    /// Fails with `error` the first `failures` times, then gives a token.
    #[derive(Debug)]
    struct Flaky {
        failures: std::sync::atomic::AtomicUsize,
        kind: fn() -> azure_core::Error,
    }

    #[async_trait::async_trait]
    impl TokenCredential for Flaky {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
        ) -> azure_core::Result<azure_core::credentials::AccessToken> {
            let left = self.failures.load(std::sync::atomic::Ordering::SeqCst);
            if left > 0 {
                self.failures.store(left - 1, std::sync::atomic::Ordering::SeqCst);
                return Err((self.kind)());
            }
            let expires = azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1);
            Ok(azure_core::credentials::AccessToken::new("fresh", expires))
        }
    }

    #[tokio::test]
    async fn a_failure_is_not_cached_and_the_next_call_asks_again() {
        let unreachable = || azure_core::Error::with_message(azure_core::error::ErrorKind::Io, "unreachable");
        let credential = AzureCredential::new(Arc::new(Flaky { failures: 2.into(), kind: unreachable }));
        for _ in 0..2 {
            let error = credential.token().await.expect_err("fails");
            assert!(matches!(&error, Error::Transport { message, .. } if message.contains("unreachable")), "{error}");
        }
        assert_eq!(credential.token().await.ok().map(|t| t.expose().to_owned()).as_deref(), Some("fresh"));
    }

    #[test]
    fn transient_is_what_the_pipeline_retries() {
        assert!(matches!(transient("down"), Error::Transport { message, .. } if message == "down"));
    }

    #[tokio::test]
    async fn tokens_are_cached_and_refreshed_before_expiry() {
        let long = Arc::new(Counting(0.into(), Duration::from_secs(3600)));
        let credential = AzureCredential::new(long.clone());
        assert_eq!(credential.token().await.ok().map(|t| t.expose().to_owned()).as_deref(), Some("token-0"));
        assert_eq!(credential.token().await.ok().map(|t| t.expose().to_owned()).as_deref(), Some("token-0"));
        // A token that expires within the refresh margin is fetched again every time.
        let short = Arc::new(Counting(0.into(), Duration::from_secs(60)));
        let credential = AzureCredential::new(short.clone());
        let _ = credential.token().await;
        assert_eq!(credential.token().await.ok().map(|t| t.expose().to_owned()).as_deref(), Some("token-1"));
    }
}
