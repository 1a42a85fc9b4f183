//! What every command works with: the client the global options describe, the token it uses
//! and where that comes from, the output format.
//!
//! The token: `GRAPH_TOKEN` when it is set (set and empty is an error, never a quiet fallback);
//! otherwise the Azure credential of the environment, but only for a Microsoft Graph root
//! (`https://graph.microsoft.com` and the national clouds): an Azure credential's token is never
//! sent to another base URL (a fake on loopback, a proxy), which needs `GRAPH_TOKEN`.

use std::io::IsTerminal;
use std::time::Duration;

use cloudpki_client::{AzureCredential, Client, RetryPolicy, StaticToken};
use cloudpki_model::api::BaseUrl;

use crate::failure::{Failure, Service, TokenOrigin};
use crate::output::{Format, safe};

/// The hosts of the Microsoft Graph roots (global service and national clouds).
pub const GRAPH_HOSTS: &[&str] =
    &["graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn"];

/// The global options, as the command line gave them.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The Graph service root.
    pub base_url: String,
    /// Retries of a request after the first attempt.
    pub max_retries: u32,
    /// The first backoff delay.
    pub retry_delay: Duration,
    /// The timeout of one attempt.
    pub timeout: Duration,
    /// Items per page.
    pub page_size: u32,
    /// A cap on requests in flight (`None`: the client's adaptive window alone).
    pub concurrency: Option<u32>,
    /// The write executor's settle window.
    pub settle_window: Duration,
    /// The output format.
    pub format: Format,
}

/// What every command works with.
pub struct Context {
    /// The client.
    pub client: Client,
    /// The base URL and where the token comes from (for messages).
    pub service: Service,
    /// The base URL, parsed.
    pub base: BaseUrl,
    /// The output format.
    pub format: Format,
    /// Whether to draw progress bars (stderr is a terminal).
    pub progress: bool,
}

/// The token a run uses.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenChoice {
    /// `GRAPH_TOKEN`'s (without a `Bearer ` prefix).
    Static(String),
    /// The Azure credential of the environment.
    Azure,
}

/// Whether `base` is a Microsoft Graph root: https to one of [`GRAPH_HOSTS`] on port 443.
pub fn is_graph_root(base: &BaseUrl) -> bool {
    base.scheme() == "https" && base.port() == 443 && GRAPH_HOSTS.contains(&base.host())
}

/// Chooses the token from `GRAPH_TOKEN` (`None` when unset) and the base URL.
///
/// # Errors
///
/// `GRAPH_TOKEN` is set but empty, or it is unset and the base URL is not a Microsoft Graph root
/// (exit 3).
pub fn choose_token(graph_token: Option<&str>, base: &BaseUrl) -> Result<TokenChoice, Failure> {
    match graph_token {
        Some(text) => {
            let token = text.trim();
            let token = match token.split_once(char::is_whitespace) {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
                _ if token.eq_ignore_ascii_case("bearer") => "",
                _ => token,
            };
            if token.is_empty() {
                return Err(Failure::Auth(
                    "GRAPH_TOKEN is empty: set it to a bearer token, or unset it to use the Azure credential of \
                     the environment"
                        .to_owned(),
                ));
            }
            Ok(TokenChoice::Static(token.to_owned()))
        }
        None if is_graph_root(base) => Ok(TokenChoice::Azure),
        None => Err(Failure::Auth(format!(
            "set GRAPH_TOKEN: --base-url {} is not a Microsoft Graph root ({}), and an Azure credential's token \
             is only ever sent to Microsoft Graph",
            safe(&base.join("")),
            GRAPH_HOSTS.join(", ")
        ))),
    }
}

/// Checks that the base URL ends with the API version (`/beta`, or `/v1.0`), and suggests it.
///
/// # Errors
///
/// The path has no version segment (exit 2, with the URL it probably meant).
pub fn check_version_segment(base: &BaseUrl) -> Result<(), Failure> {
    let url = base.join("");
    let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |at| &after_scheme[at..]);
    let last = path.rsplit('/').next().unwrap_or("");
    if last == "beta" || last == "v1.0" {
        return Ok(());
    }
    Err(Failure::Usage(format!(
        "--base-url {}: the Graph service root ends with its version; did you mean {}/beta?",
        safe(&url),
        safe(&url)
    )))
}

impl Context {
    /// The client that `settings` and the environment describe.
    ///
    /// # Errors
    ///
    /// A base URL that cannot be used (exit 2), no usable token (exit 3).
    pub fn new(settings: &Settings) -> Result<Context, Failure> {
        let base = BaseUrl::parse(&settings.base_url)
            .map_err(|error| Failure::Usage(format!("--base-url: {}", safe(&error.to_string()))))?;
        check_version_segment(&base)?;
        let graph_token = match std::env::var("GRAPH_TOKEN") {
            Ok(token) => Some(token),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::Auth("GRAPH_TOKEN is not valid UTF-8".to_owned()));
            }
        };
        let choice = choose_token(graph_token.as_deref(), &base)?;
        let retry = RetryPolicy::default().with_max_retries(settings.max_retries).with_base_delay(settings.retry_delay);
        let builder = Client::builder()
            .base_url(settings.base_url.clone())
            .retry_policy(retry)
            .timeout(settings.timeout)
            .page_size(settings.page_size)
            .settle_window(settings.settle_window);
        let builder = match settings.concurrency {
            Some(cap) => builder.concurrency(cap as usize),
            None => builder,
        };
        let (builder, token) = match choice {
            TokenChoice::Static(token) => (builder.token_source(StaticToken::new(token)), TokenOrigin::Environment),
            TokenChoice::Azure => {
                let credential = AzureCredential::from_environment().map_err(|error| {
                    Failure::Auth(format!(
                        "no GRAPH_TOKEN, and no Azure credential: {}\nset GRAPH_TOKEN, or AZURE_TENANT_ID, \
                         AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or sign in with `az login`",
                        safe(&error.to_string())
                    ))
                })?;
                (builder.token_source(credential), TokenOrigin::AzureCredential)
            }
        };
        tracing::debug!(base_url = %base.join(""), token = ?token, "client settings");
        let client = builder.build().map_err(|error| match error {
            cloudpki_client::Error::Auth(message) => Failure::Auth(safe(&message).into_owned()),
            other => Failure::Usage(format!("--base-url: {}", safe(&other.to_string()))),
        })?;
        Ok(Context {
            client,
            service: Service { base_url: settings.base_url.clone(), token },
            base,
            format: settings.format,
            progress: std::io::stderr().is_terminal(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> BaseUrl {
        BaseUrl::parse(url).unwrap()
    }

    #[test]
    fn the_token_choice() {
        let graph = base("https://graph.microsoft.com/beta");
        let fake = base("http://127.0.0.1:8785/beta");
        assert_eq!(choose_token(Some("Bearer abc "), &fake).unwrap(), TokenChoice::Static("abc".to_owned()));
        assert_eq!(choose_token(None, &graph).unwrap(), TokenChoice::Azure);
        assert_eq!(choose_token(None, &base("https://graph.microsoft.us/beta")).unwrap(), TokenChoice::Azure);
        for empty in ["", "  ", "Bearer "] {
            let failure = choose_token(Some(empty), &graph).unwrap_err();
            assert!(failure.to_string().contains("GRAPH_TOKEN is empty"), "{failure}");
        }
        for other in [
            &fake,
            &base("https://graph.microsoft.com.evil.example/beta"),
            &base("https://graph.microsoft.com:8443/beta"),
        ] {
            let failure = choose_token(None, other).unwrap_err();
            assert!(failure.to_string().starts_with("set GRAPH_TOKEN"), "{failure}");
        }
    }

    #[test]
    fn the_version_segment() {
        assert!(check_version_segment(&base("https://graph.microsoft.com/beta")).is_ok());
        assert!(check_version_segment(&base("http://127.0.0.1:1/beta/")).is_ok());
        assert!(check_version_segment(&base("https://graph.microsoft.com/v1.0")).is_ok());
        let failure = check_version_segment(&base("http://127.0.0.1:8785")).unwrap_err();
        assert!(failure.to_string().contains("did you mean http://127.0.0.1:8785/beta?"), "{failure}");
        let failure = check_version_segment(&base("https://proxy.example/graph/")).unwrap_err();
        assert!(failure.to_string().contains("did you mean https://proxy.example/graph/beta?"), "{failure}");
    }
}
