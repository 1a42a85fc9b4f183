//! Fetching what a CA publishes for relying parties (its CRL at `certificateRevocationListUrl`,
//! its issuer's certificate at `certificationAuthorityIssuerUri`) the way a relying party does:
//! a plain HTTP client that never carries the bearer token, only `http` and `https` URLs, the
//! body bounded in size and the whole exchange in time.

use std::time::Duration;

use crate::output::safe;

/// The largest body read from a distribution point (a CRL of a million entries is about 40 MiB).
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// The time a fetch may take, connection and body included, unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a fetch failed (terminal-safe text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError(pub String);

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks that `url` is an absolute `http` or `https` URL.
///
/// # Errors
///
/// Any other scheme (`file:`, `ldap:`, `data:`, ...), or not a URL.
pub fn check_url(url: &str) -> Result<reqwest::Url, FetchError> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|error| FetchError(format!("`{}` is not a URL: {error}", safe(url))))?;
    match parsed.scheme() {
        "http" | "https" => Ok(parsed),
        other => Err(FetchError(format!("`{}`: only http and https are fetched, not {}:", safe(url), safe(other)))),
    }
}

/// GETs `url` with no credentials: at most `max_bytes` of body, within `timeout`.
///
/// # Errors
///
/// A refused scheme, a transport failure, a status other than 2xx, a body too large, the time
/// up.
pub async fn get(url: &str, max_bytes: usize, timeout: Duration) -> Result<Vec<u8>, FetchError> {
    let parsed = check_url(url)?;
    let shown = safe(url).into_owned();
    // Redirects stay on http(s) (reqwest follows no other scheme); no default headers: no token.
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .map_err(|error| FetchError(format!("{shown}: {error}")))?;
    let work = async {
        let mut response = client
            .get(parsed)
            .send()
            .await
            .map_err(|error| FetchError(format!("{shown}: {}", safe(&error.to_string()))))?;
        if !response.status().is_success() {
            return Err(FetchError(format!("{shown}: HTTP {}", response.status())));
        }
        if response.content_length().is_some_and(|length| length > max_bytes as u64) {
            return Err(FetchError(format!("{shown}: more than {max_bytes} bytes")));
        }
        let mut body = Vec::new();
        while let Some(chunk) =
            response.chunk().await.map_err(|error| FetchError(format!("{shown}: {}", safe(&error.to_string()))))?
        {
            if body.len() + chunk.len() > max_bytes {
                return Err(FetchError(format!("{shown}: more than {max_bytes} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    tokio::time::timeout(timeout, work).await.map_err(|_| {
        FetchError(format!("{shown}: no complete answer within {}", crate::output::duration::shown(timeout)))
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https() {
        assert!(check_url("http://localhost:1/CloudPKI/a.crl").is_ok());
        assert!(check_url("https://example.com/a.crl").is_ok());
        for bad in ["file:///etc/passwd", "ldap://x/cn=a", "data:,x", "not a url", "ftp://x/a.crl"] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
