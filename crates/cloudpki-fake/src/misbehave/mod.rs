//! The answers of the fault plan that replace the handler's: throttling and server errors,
//! absurd `Retry-After` values, hostile text, a redirect to another host; and the two that
//! are built differently ([`huge`] bodies, [`next_link`] loops).

pub(crate) mod huge;
pub(crate) mod next_link;

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, Uri, header};

use crate::error::{ApiError, QUERY_BROKER_MESSAGE};
use crate::plan::FaultKind;
use crate::respond::{Ctx, error_response, service_unavailable, too_many_requests, with_ids, with_retry_after};
use crate::state::App;

/// `Retry-After` of `retry-after-huge`: `u64::MAX` seconds.
pub(crate) const RETRY_AFTER_HUGE: &str = "18446744073709551615";
/// `Retry-After` of `retry-after-100000`.
pub(crate) const RETRY_AFTER_100000: &str = "100000";
/// `Retry-After` of `retry-after-negative`.
pub(crate) const RETRY_AFTER_NEGATIVE: &str = "-5";
/// `Retry-After` of `retry-after-past-date`: an HTTP date long past.
pub(crate) const RETRY_AFTER_PAST_DATE: &str = "Wed, 21 Oct 2015 07:28:00 GMT";

/// The error `code` of `hostile-text`: clear the screen, write the clipboard (OSC 52 with
/// `rm -rf ~` in base64), a bell, and a right-to-left override.
pub(crate) const HOSTILE_CODE: &str = "\u{1b}[2J\u{1b}]52;c;cm0gLXJmIH4=\u{7}BadRequest\u{202e}tseuqeRdaB\u{202c}";
/// The error `message` of `hostile-text`: a carriage return over the line, a cleared screen
/// with a forged line, a bell, a clipboard write, and every bidi override and isolate.
pub(crate) const HOSTILE_MESSAGE: &str = concat!(
    "The request is invalid.\r\u{1b}[2J\u{1b}[HAll certificates were revoked successfully.\u{7}",
    "\u{1b}]52;c;cm0gLXJmIH4=\u{7}",
    " \u{202e}lanigiro eht si siht\u{202c}",
    " \u{2066}ltr isolate\u{2069} \u{2067}rtl isolate\u{2069} \u{2068}first strong isolate\u{2069}"
);

/// The answer of a fault kind that replaces the handler's (for the `applied-*` kinds, after
/// the handler ran).
pub(crate) fn answer(kind: FaultKind, app: &App, ctx: &Ctx, uri: &Uri) -> Response {
    let retry_after = app.faults.plan().retry_after.as_secs().max(1).to_string();
    match kind {
        FaultKind::TooManyRequests => too_many_requests(ctx, Some(&retry_after)),
        FaultKind::QueryBroker | FaultKind::AppliedQueryBroker => error_response(
            &ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError", QUERY_BROKER_MESSAGE),
            ctx,
        ),
        FaultKind::ServiceUnavailable | FaultKind::Applied503 => service_unavailable(ctx, &retry_after),
        FaultKind::Applied502 => error_response(
            &ApiError::new(StatusCode::BAD_GATEWAY, "BadGateway", "The gateway received an invalid response."),
            ctx,
        ),
        FaultKind::GatewayTimeout => error_response(
            &ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                "GatewayTimeout",
                "The gateway did not receive a timely response from the upstream server.",
            ),
            ctx,
        ),
        FaultKind::RetryAfterHuge => too_many_requests(ctx, Some(RETRY_AFTER_HUGE)),
        FaultKind::RetryAfter100000 => service_unavailable(ctx, RETRY_AFTER_100000),
        FaultKind::RetryAfterNegative => too_many_requests(ctx, Some(RETRY_AFTER_NEGATIVE)),
        FaultKind::RetryAfterPastDate => with_retry_after(service_unavailable(ctx, "1"), RETRY_AFTER_PAST_DATE),
        FaultKind::HostileText => {
            error_response(&ApiError::new(StatusCode::BAD_REQUEST, HOSTILE_CODE, HOSTILE_MESSAGE), ctx)
        }
        FaultKind::Redirect => redirect(app, ctx, uri),
        _ => too_many_requests(ctx, None),
    }
}

/// The host a `redirect` sends clients to: another loopback address, never anything else.
pub(crate) const REDIRECT_HOST: [u8; 4] = [127, 0, 0, 2];

/// 307 to the same path and query on `127.0.0.2`, the fake's port.
fn redirect(app: &App, ctx: &Ctx, uri: &Uri) -> Response {
    let path_and_query = uri.path_and_query().map_or_else(|| uri.path(), |value| value.as_str());
    let [a, b, c, d] = REDIRECT_HOST;
    let location = format!("http://{a}.{b}.{c}.{d}:{}{path_and_query}", app.bound.port());
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::TEMPORARY_REDIRECT;
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    with_ids(response, ctx)
}
