//! `huge-body`: a 200 page far larger than any real one, streamed in chunks that share one
//! buffer, so the fake never holds it whole. Chunked (no `Content-Length`).

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use http_body::Frame;

use crate::respond::{Ctx, JSON_CONTENT_TYPE, with_ids};

/// One leaf certificate of the huge page (the same one, over and over).
const ITEM: &str = concat!(
    r#"{"id":"00000000-0000-4000-8000-00000000b16b","subjectName":"CN=device-huge","#,
    r#""issuerId":"00000000-0000-4000-8000-000000000001","issuerName":"Huge Issuing CA","#,
    r#""certificateStatus":"active","validityStartDateTime":"2026-01-01T00:00:00Z","#,
    r#""validityEndDateTime":"2027-01-01T00:00:00Z","crlDistributionPointUrl":null,"#,
    r#""certificationAuthorityIssuerUri":null,"ocspResponderUri":"","thumbprint":"00","#,
    r#""serialNumber":"0B16B0DY","revocationDateTime":null,"deviceName":"huge","#,
    r#""userPrincipalName":null,"deviceId":null,"userId":null,"devicePlatform":null,"#,
    r#""keyUsages":[],"extendedKeyUsages":[]}"#
);

/// The size of one chunk of items.
const CHUNK: usize = 64 << 10;

const SUFFIX: &[u8] = b"]}";

/// A body of at most `size` bytes (at least the prefix and suffix): `{"@odata.context":...,
/// "value":[` then leaf certificates, then `]}`.
struct Huge {
    prefix: Option<Bytes>,
    /// `,{item}` repeated, shared by every frame.
    chunk: Bytes,
    /// Item bytes still to send.
    remaining: u64,
    suffix_sent: bool,
}

impl http_body::Body for Huge {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(prefix) = self.prefix.take() {
            return Poll::Ready(Some(Ok(Frame::data(prefix))));
        }
        if self.remaining > 0 {
            let unit = ITEM.len() + 1;
            let whole = (self.chunk.len() / unit) as u64;
            let items = whole.min(self.remaining / unit as u64);
            if items > 0 {
                let bytes = items as usize * unit;
                self.remaining -= bytes as u64;
                return Poll::Ready(Some(Ok(Frame::data(self.chunk.slice(..bytes)))));
            }
            self.remaining = 0;
        }
        if !self.suffix_sent {
            self.suffix_sent = true;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(SUFFIX)))));
        }
        Poll::Ready(None)
    }
}

/// 200 with a page of about `size` bytes, streamed.
pub(crate) fn answer(size: u64, ctx: &Ctx) -> Response {
    let prefix = format!(
        "{{\"@odata.context\":\"{}/$metadata#Collection(microsoft.graph.cloudCertificationAuthorityLeafCertificate)\",\"value\":[{ITEM}",
        ctx.service_root
    );
    let unit = ITEM.len() + 1;
    let mut chunk = Vec::with_capacity(CHUNK);
    while chunk.len() + unit <= CHUNK {
        chunk.push(b',');
        chunk.extend_from_slice(ITEM.as_bytes());
    }
    let remaining = size.saturating_sub((prefix.len() + SUFFIX.len()) as u64);
    let body = Huge { prefix: Some(Bytes::from(prefix)), chunk: Bytes::from(chunk), remaining, suffix_sent: false };
    let mut response = Response::new(Body::new(body));
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    with_ids(response, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_small_huge_body_is_one_valid_page_of_about_its_size() {
        let ctx = Ctx {
            request_id: "r".into(),
            client_request_id: "c".into(),
            origin: "http://o".into(),
            service_root: "http://o/beta".into(),
            path: "/beta/x".into(),
            stale_window: None,
        };
        let response = answer(200_000, &ctx);
        assert!(response.headers().get(header::CONTENT_LENGTH).is_none());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        assert!(bytes.len() <= 200_000 && bytes.len() > 200_000 - 2 * ITEM.len(), "{}", bytes.len());
        let page: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert!(page["value"].as_array().unwrap().len() > 200_000 / (ITEM.len() + 1) - 2);
    }
}
