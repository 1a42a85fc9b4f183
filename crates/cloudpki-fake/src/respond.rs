//! Building answers: JSON bodies with Graph's headers, error envelopes (429 and 503 with their
//! `Retry-After`), and the broken answers of the fault plan (a truncated body, a dropped
//! connection).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use http_body::Frame;
use serde::Serialize;
use serde_json::json;

use crate::error::ApiError;

/// Graph's content type for JSON answers.
pub(crate) const JSON_CONTENT_TYPE: &str =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// What every answer to one request shares.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    pub(crate) request_id: String,
    pub(crate) client_request_id: String,
    /// `http://host:port`, from the request's `Host` (so next links stay on the origin the client used).
    pub(crate) origin: String,
    /// `origin` + `/beta`.
    pub(crate) service_root: String,
    /// The request's path as sent (percent-encoded), `/beta/...`.
    pub(crate) path: String,
    /// Set on a write that drew the `stale` fault: for this long after the write, reads should
    /// answer what the store held before it (the store keeps the old state). `None` otherwise.
    pub(crate) stale_window: Option<Duration>,
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// Adds `request-id` and `client-request-id`.
pub(crate) fn with_ids(mut response: Response, ctx: &Ctx) -> Response {
    let headers = response.headers_mut();
    headers.insert("request-id", header_value(&ctx.request_id));
    headers.insert("client-request-id", header_value(&ctx.client_request_id));
    headers.insert("odata-version", HeaderValue::from_static("4.0"));
    response
}

fn bytes_response(status: StatusCode, body: Vec<u8>, ctx: &Ctx) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    with_ids(response, ctx)
}

/// A JSON answer already serialized.
pub(crate) fn raw_json_response(status: StatusCode, body: Vec<u8>, ctx: &Ctx) -> Response {
    bytes_response(status, body, ctx)
}

/// A JSON answer.
pub(crate) fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T, ctx: &Ctx) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => bytes_response(status, bytes, ctx),
        Err(error) => error_response(&ApiError::internal(&format!("cannot serialize the answer: {error}")), ctx),
    }
}

/// 204 No Content.
pub(crate) fn no_content(ctx: &Ctx) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    with_ids(response, ctx)
}

/// The error envelope (`innerError.date` as Graph writes it, without an offset).
pub(crate) fn error_response(error: &ApiError, ctx: &Ctx) -> Response {
    let body = json!({
        "error": {
            "code": error.code,
            "message": error.message,
            "innerError": {
                "date": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
                "request-id": ctx.request_id,
                "client-request-id": ctx.client_request_id,
            }
        }
    });
    bytes_response(error.status, serde_json::to_vec(&body).unwrap_or_default(), ctx)
}

/// `response` with a `Retry-After` header of exactly `value` (absurd values included).
pub(crate) fn with_retry_after(mut response: Response, value: &str) -> Response {
    response.headers_mut().insert(header::RETRY_AFTER, header_value(value));
    response
}

/// 429 Too Many Requests, with `Retry-After: value` when there is one.
pub(crate) fn too_many_requests(ctx: &Ctx, retry_after: Option<&str>) -> Response {
    let response = error_response(
        &ApiError::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", "Too many requests, please retry later."),
        ctx,
    );
    match retry_after {
        Some(value) => with_retry_after(response, value),
        None => response,
    }
}

/// 503 Service Unavailable with `Retry-After: value`.
pub(crate) fn service_unavailable(ctx: &Ctx, retry_after: &str) -> Response {
    let response = error_response(
        &ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is temporarily unavailable. Please retry later.",
        ),
        ctx,
    );
    with_retry_after(response, retry_after)
}

/// Marks an answer the connection layer must not send: it closes the connection instead.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

/// An answer that is never sent.
pub(crate) fn dropped() -> Response {
    let mut response = Response::new(Body::empty());
    response.extensions_mut().insert(DropConnection);
    response
}

/// A body that sends its bytes, waits a moment (so they are flushed), then fails, which makes
/// the server close the connection before the promised `Content-Length`.
struct Truncated {
    data: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for Truncated {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        if let Some(pause) = self.pause.as_mut() {
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.pause = None;
        }
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "truncated by the fault plan",
        ))))
    }
}

/// `response` with its body cut in half (at least one byte short) and its `Content-Length` kept
/// at the full size; an empty body becomes a promise of `filler`'s size with half of it sent.
pub(crate) async fn truncated(response: Response, filler: &[u8]) -> Response {
    let (mut parts, body) = response.into_parts();
    let full = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) if !bytes.is_empty() => bytes,
        _ => {
            parts.status = StatusCode::OK;
            parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
            Bytes::copy_from_slice(filler)
        }
    };
    let sent = full.slice(..full.len() / 2);
    parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    let body = Truncated { data: Some(sent), pause: Some(Box::pin(tokio::time::sleep(Duration::from_millis(30)))) };
    Response::from_parts(parts, Body::new(body))
}
