//! The transport policy: one attempt over reqwest, with a bounded body.
//!
//! - Redirects are never followed (`redirect::Policy::none()`): a 3xx comes back as an answer
//!   and the retry loop turns it into [`Error::Redirect`], naming the `Location`.
//! - A base URL on a loopback host never goes through a proxy (`no_proxy()`), whatever
//!   `HTTP_PROXY`/`http_proxy` say: a plain-`http` request to a proxy carries the bearer token
//!   in clear. (For `https` reqwest only ever tunnels with `CONNECT`, so the proxy sees no
//!   token.)
//! - The body is read as a stream and reading stops at the cap ([`Error::BodyTooLarge`]), so a
//!   page of gigabytes costs at most the cap in memory.
//! - Each attempt has its own timeout (reads and writes differ, see [`crate::ClientBuilder`]).

use std::time::Duration;

use crate::Error;
use crate::credential::Secret;

/// The HTTP client of a [`crate::Client`].
#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    max_body: u64,
}

/// How one attempt failed without an answer.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The request certainly did not reach the service (no connection). `refused`: the host
    /// actively refused the connection.
    NotSent { message: String, refused: bool },
    /// It may have reached the service (timeout, dropped connection, answer cut short).
    Ambiguous(String),
    /// The answer's body went past the cap.
    TooLarge(Error),
}

impl Transport {
    /// A transport for `base_host`: no redirects; no proxy for loopback hosts.
    pub(crate) fn new(base_host: &str, max_body: u64) -> Result<Self, Error> {
        let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        if crate::is_loopback(base_host) {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| Error::Transport { message: describe(&e), client_request_id: String::new() })?;
        Ok(Transport { http, max_body })
    }

    /// Sends `request` once with `token`, reading at most the cap of its answer.
    pub(crate) async fn send(
        &self,
        request: &http::Request<Vec<u8>>,
        token: &Secret,
        client_request_id: &str,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, SendError> {
        let url = request.uri().to_string();
        let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes())
            .map_err(|e| SendError::NotSent { message: e.to_string(), refused: false })?;
        let mut builder = self.http.request(method, &url).timeout(timeout);
        for (name, value) in request.headers() {
            builder = builder.header(name.as_str(), value.as_bytes());
        }
        builder = builder
            .header("authorization", format!("Bearer {}", token.expose()))
            .header("client-request-id", client_request_id)
            .header("return-client-request-id", "true")
            .body(request.body().clone());
        let mut response = match builder.send().await {
            Ok(response) => response,
            Err(error) if error.is_connect() || error.is_builder() => {
                return Err(SendError::NotSent {
                    message: format!("{url}: {}", describe(&error)),
                    refused: is_refused(&error),
                });
            }
            Err(error) => return Err(SendError::Ambiguous(describe(&error))),
        };
        let mut converted = http::Response::builder().status(response.status().as_u16());
        for (name, value) in response.headers() {
            converted = converted.header(name.as_str(), value.as_bytes());
        }
        if response.content_length().is_some_and(|length| length > self.max_body) {
            return Err(SendError::TooLarge(Error::BodyTooLarge { cap: self.max_body, url }));
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if (body.len() + chunk.len()) as u64 > self.max_body {
                        return Err(SendError::TooLarge(Error::BodyTooLarge { cap: self.max_body, url }));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(error) => {
                    return Err(SendError::Ambiguous(format!("the answer was cut short: {}", describe(&error))));
                }
            }
        }
        converted.body(body).map_err(|e| SendError::Ambiguous(e.to_string()))
    }
}

/// Whether the connection was actively refused (nothing listens there).
fn is_refused(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// An error of reqwest, with its causes (never the request headers: no token in messages).
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() { "timed out".to_owned() } else { error.to_string() };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
