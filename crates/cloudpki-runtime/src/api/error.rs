//! What can go wrong building a request or reading a response.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// A request could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum RequestError {
    /// The base URL is not an `http(s)://host[/path]` URL.
    InvalidBaseUrl {
        /// The text given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// An `@odata.nextLink` is not on the base URL's scheme, host and port (a bearer token must
    /// never go elsewhere), or is not an absolute URL.
    ForeignNextLink {
        /// The link.
        link: String,
        /// Why it was refused.
        reason: String,
    },
    /// A path parameter is empty.
    EmptyPathParameter {
        /// The parameter's name.
        name: &'static str,
    },
    /// The body could not be serialized.
    Serialize(serde_json::Error),
    /// The `http` crate refused the request.
    Http(::http::Error),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL `{url}`: {reason}"),
            RequestError::ForeignNextLink { link, reason } => {
                write!(f, "refusing to follow next link `{link}`: {reason}")
            }
            RequestError::EmptyPathParameter { name } => write!(f, "path parameter `{name}` is empty"),
            RequestError::Serialize(error) => write!(f, "cannot serialize the request body: {error}"),
            RequestError::Http(error) => write!(f, "cannot build the request: {error}"),
        }
    }
}

impl std::error::Error for RequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RequestError::Serialize(error) => Some(error),
            RequestError::Http(error) => Some(error),
            _ => None,
        }
    }
}

/// A response was not the typed result.
#[derive(Debug)]
#[non_exhaustive]
pub enum ResponseError {
    /// The service answered with an error status.
    Graph(Box<GraphError>),
    /// The status was a success but the body is not the expected JSON.
    InvalidBody {
        /// The HTTP status.
        status: ::http::StatusCode,
        /// What is wrong: the JSON path of the offending value, serde_json's category, line
        /// and column, as data.
        error: crate::DecodeError,
        /// The first bytes of the body (lossy UTF-8), for the log.
        body_start: String,
    },
}

impl ResponseError {
    /// The Graph error, when the service answered with an error status.
    pub fn graph_error(&self) -> Option<&GraphError> {
        match self {
            ResponseError::Graph(error) => Some(error),
            ResponseError::InvalidBody { .. } => None,
        }
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> ::http::StatusCode {
        match self {
            ResponseError::Graph(error) => error.status,
            ResponseError::InvalidBody { status, .. } => *status,
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Graph(error) => error.fmt(f),
            ResponseError::InvalidBody { status, error, body_start } => {
                write!(f, "HTTP {status}: the body is not the expected JSON: {error}; body starts with {body_start:?}")
            }
        }
    }
}

impl std::error::Error for ResponseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ResponseError::Graph(_) => None,
            ResponseError::InvalidBody { error, .. } => Some(error),
        }
    }
}

/// An error answer of Microsoft Graph:
/// `{"error": {"code": ..., "message": ..., "innerError": {"request-id": ..., "client-request-id": ..., "date": ...}}}`.
///
/// Every part is optional: a body that is not that envelope (an HTML page from a proxy, a
/// truncated body) still gives the status and the first bytes of the body.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GraphError {
    /// The HTTP status.
    pub status: ::http::StatusCode,
    /// `error.code`, e.g. `Forbidden`, `TooManyRequests`.
    pub code: Option<String>,
    /// `error.message`.
    pub message: Option<String>,
    /// `error.innerError`.
    pub inner_error: Option<InnerError>,
    /// The `Retry-After` delay of a 429 or 503 answer (seconds, or an HTTP date relative to the
    /// response's `Date` header).
    pub retry_after: Option<Duration>,
    /// The whole error envelope as sent, when the body was JSON (nothing is lost).
    pub body: Option<serde_json::Value>,
    /// The first bytes of the body (lossy UTF-8), when it was not a JSON error envelope.
    pub body_start: Option<String>,
}

/// `error.innerError` of a Graph error.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct InnerError {
    /// `request-id`: quote it to Microsoft support.
    pub request_id: Option<String>,
    /// `client-request-id`.
    pub client_request_id: Option<String>,
    /// `date`, as sent.
    pub date: Option<String>,
    /// Any other member, as sent.
    pub additional: BTreeMap<String, serde_json::Value>,
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(request_id) = self.inner_error.as_ref().and_then(|inner| inner.request_id.as_deref()) {
            write!(f, " (request-id {request_id})")?;
        }
        if let Some(delay) = self.retry_after {
            write!(f, "; retry after {} s", delay.as_secs())?;
        }
        if let Some(start) = &self.body_start {
            write!(f, "; body starts with {start:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for GraphError {}

/// How many bytes of a body an error keeps.
const BODY_START_BYTES: usize = 256;

pub(crate) fn body_start(body: &[u8]) -> String {
    let end = body.len().min(BODY_START_BYTES);
    String::from_utf8_lossy(&body[..end]).into_owned()
}

impl GraphError {
    /// Reads an error answer: status, headers and body.
    pub fn from_parts(status: ::http::StatusCode, headers: &::http::HeaderMap, body: &[u8]) -> GraphError {
        let retry_after =
            if status == ::http::StatusCode::TOO_MANY_REQUESTS || status == ::http::StatusCode::SERVICE_UNAVAILABLE {
                retry_after(headers)
            } else {
                None
            };
        let mut error = GraphError {
            status,
            code: None,
            message: None,
            inner_error: None,
            retry_after,
            body: None,
            body_start: None,
        };
        let envelope = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .filter(|value| value.get("error").is_some_and(serde_json::Value::is_object));
        let Some(envelope) = envelope else {
            error.body_start = Some(body_start(body));
            return error;
        };
        let inner = &envelope["error"];
        let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
        error.code = text(&inner["code"]);
        error.message = text(&inner["message"]);
        let inner_error = inner.get("innerError").or_else(|| inner.get("innererror"));
        error.inner_error = inner_error.and_then(serde_json::Value::as_object).map(|members| {
            let mut parsed = InnerError::default();
            for (key, value) in members {
                match (key.as_str(), value.as_str()) {
                    ("request-id", Some(id)) => parsed.request_id = Some(id.to_owned()),
                    ("client-request-id", Some(id)) => parsed.client_request_id = Some(id.to_owned()),
                    ("date", Some(date)) => parsed.date = Some(date.to_owned()),
                    _ => {
                        parsed.additional.insert(key.clone(), value.clone());
                    }
                }
            }
            parsed
        });
        error.body = Some(envelope);
        error
    }
}

/// `Retry-After` as seconds, or as an HTTP date measured from the response's `Date` header.
fn retry_after(headers: &::http::HeaderMap) -> Option<Duration> {
    let value = headers.get(::http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now = headers
        .get(::http::header::DATE)
        .and_then(|date| date.to_str().ok())
        .and_then(|date| chrono::DateTime::parse_from_rfc2822(date.trim()).ok())?;
    (at - now).to_std().ok().or(Some(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> ::http::HeaderMap {
        let mut map = ::http::HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, ::http::HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn error_envelope() {
        let body = br#"{"error":{"code":"Forbidden","message":"Nope","innerError":{"date":"2026-11-23T10:00:00","request-id":"r1","client-request-id":"c1","extra":1}}}"#;
        let error = GraphError::from_parts(::http::StatusCode::FORBIDDEN, &headers(&[]), body);
        assert_eq!(error.code.as_deref(), Some("Forbidden"));
        assert_eq!(error.message.as_deref(), Some("Nope"));
        let inner = error.inner_error.as_ref().expect("inner error");
        assert_eq!(inner.request_id.as_deref(), Some("r1"));
        assert_eq!(inner.client_request_id.as_deref(), Some("c1"));
        assert_eq!(inner.date.as_deref(), Some("2026-11-23T10:00:00"));
        assert_eq!(inner.additional["extra"], 1);
        assert_eq!(error.retry_after, None);
        assert_eq!(error.to_string(), "HTTP 403 Forbidden Forbidden: Nope (request-id r1)");
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let seconds =
            GraphError::from_parts(::http::StatusCode::TOO_MANY_REQUESTS, &headers(&[("retry-after", "17")]), b"");
        assert_eq!(seconds.retry_after, Some(Duration::from_secs(17)));
        assert_eq!(seconds.body_start.as_deref(), Some(""));
        let dated = GraphError::from_parts(
            ::http::StatusCode::SERVICE_UNAVAILABLE,
            &headers(&[("retry-after", "Mon, 23 Nov 2026 10:00:30 GMT"), ("date", "Mon, 23 Nov 2026 10:00:00 GMT")]),
            b"<html>busy</html>",
        );
        assert_eq!(dated.retry_after, Some(Duration::from_secs(30)));
        assert_eq!(dated.body_start.as_deref(), Some("<html>busy</html>"));
        let ignored = GraphError::from_parts(::http::StatusCode::BAD_REQUEST, &headers(&[("retry-after", "5")]), b"{}");
        assert_eq!(ignored.retry_after, None);
    }

    #[test]
    fn truncated_bodies_keep_their_start() {
        let error = GraphError::from_parts(::http::StatusCode::BAD_GATEWAY, &headers(&[]), br#"{"error":{"code":"Bad"#);
        assert_eq!(error.code, None);
        assert_eq!(error.body_start.as_deref(), Some(r#"{"error":{"code":"Bad"#));
        let long = vec![b'x'; 1000];
        let error = GraphError::from_parts(::http::StatusCode::BAD_GATEWAY, &headers(&[]), &long);
        assert_eq!(error.body_start.map(|s| s.len()), Some(256));
    }
}
