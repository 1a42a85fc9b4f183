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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// A one-connection HTTP server on loopback that answers every request with `answer`.
    async fn serve(answer: Vec<u8>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address");
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let answer = answer.clone();
                tokio::spawn(async move {
                    let mut request = vec![0u8; 16 * 1024];
                    let _ = socket.read(&mut request).await;
                    let _ = socket.write_all(&answer).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        format!("http://{addr}/beta/x")
    }

    async fn get(url: &str, cap: u64) -> Result<http::Response<Vec<u8>>, SendError> {
        let transport = Transport::new("127.0.0.1", cap).expect("a transport");
        let request = http::Request::get(url).body(Vec::new()).expect("a request");
        transport.send(&request, &Secret::new("t"), "c-1", Duration::from_secs(5)).await
    }

    fn answer(head: &str, body: &[u8]) -> Vec<u8> {
        let mut answer = format!("HTTP/1.1 200 OK\r\n{head}\r\nconnection: close\r\n\r\n").into_bytes();
        answer.extend_from_slice(body);
        answer
    }

    #[tokio::test]
    async fn a_body_at_the_cap_is_read_whole() {
        let url = serve(answer("content-length: 10", b"0123456789")).await;
        let response = get(&url, 10).await.expect("an answer");
        assert_eq!(response.body(), b"0123456789");
    }

    #[tokio::test]
    async fn a_declared_length_past_the_cap_is_refused_before_reading() {
        // The body is never sent: refusing must not wait for it.
        let url = serve(answer("content-length: 1000000000", b"")).await;
        match get(&url, 1024).await {
            Err(SendError::TooLarge(Error::BodyTooLarge { cap: 1024, url: named })) => assert_eq!(named, url),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_chunked_body_stops_one_byte_past_the_cap() {
        let chunked = |n: usize| {
            let mut body = format!("{n:x}\r\n").into_bytes();
            body.extend(std::iter::repeat_n(b'a', n));
            body.extend_from_slice(b"\r\n0\r\n\r\n");
            answer("transfer-encoding: chunked", &body)
        };
        let url = serve(chunked(11)).await;
        assert!(matches!(get(&url, 10).await, Err(SendError::TooLarge(Error::BodyTooLarge { cap: 10, .. }))));
        let url = serve(chunked(10)).await;
        assert_eq!(get(&url, 10).await.expect("at the cap").body().len(), 10);
    }

    #[tokio::test]
    async fn a_body_cut_short_is_ambiguous_and_nothing_listening_is_not_sent() {
        let url = serve(answer("content-length: 100", b"only some")).await;
        assert!(matches!(get(&url, 1024).await, Err(SendError::Ambiguous(message)) if message.contains("cut short")));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().expect("an address").port();
        drop(listener);
        match get(&format!("http://127.0.0.1:{port}/beta/x"), 1024).await {
            Err(SendError::NotSent { message, refused: true }) => assert!(message.contains(&port.to_string())),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn redirects_come_back_as_answers() {
        let redirect = "HTTP/1.1 307 Temporary Redirect\r\nlocation: http://127.0.0.2:1/beta/x\r\n\
                        content-length: 0\r\nconnection: close\r\n\r\n";
        let url = serve(redirect.as_bytes().to_vec()).await;
        let response = get(&url, 1024).await.expect("an answer");
        assert_eq!(response.status(), http::StatusCode::TEMPORARY_REDIRECT);
        assert_eq!(response.headers()["location"], "http://127.0.0.2:1/beta/x");
    }
}
