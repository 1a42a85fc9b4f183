//! The request pipeline of one operation: auth (the token, to the base URL's origin only) ->
//! the adaptive window ([`crate::limit`]) -> retry ([`crate::retry`], one budget, `Retry-After`
//! in full up to its cap) -> transport ([`crate::transport`], bounded bodies), with a `tracing`
//! span per attempt.
//!
//! Whether an operation may be sent again after an ambiguous failure is decided here from its
//! [`Semantics`] only: read-only and idempotent operations are retried through any transient
//! failure; a [`Semantics::Write`] comes back as [`Sent::Ambiguous`] for the write executor
//! ([`crate::write`]) to observe, and is never sent again by this loop.

use std::time::{Duration, Instant, SystemTime};

use cloudpki_model::api::{GraphError, Method, Operation, ResponseError, Semantics};
use tracing::Instrument as _;

use crate::limit::Signal;
use crate::retry::{Class, classify};
use crate::transport::SendError;
use crate::{Client, Error};

/// How one operation ended.
#[derive(Debug)]
pub(crate) enum Sent<T> {
    /// With its typed answer.
    Done(T),
    /// A write that may or may not have been carried out; `sent_at` is when the attempt that
    /// may still land was sent.
    Ambiguous { error: Error, sent_at: Instant },
}

/// What went wrong with one attempt that may be retried.
struct Failure {
    error: Error,
    retry_after: Option<Duration>,
    /// A throttled answer (429, the query broker's 500).
    throttled: bool,
}

impl Failure {
    fn new(error: Error, retry_after: Option<Duration>) -> Self {
        Failure { error, retry_after, throttled: false }
    }

    /// A transient failure of the token source (see [`crate::TokenSource`]): nothing was sent.
    fn token(message: String) -> Self {
        Failure::new(Error::Auth(message), None)
    }
}

impl Client {
    /// Sends `request` (built for `O`) through the pipeline.
    pub(crate) async fn run<O: Operation>(&self, operation: &O) -> Result<Sent<O::Output>, Error> {
        let request = operation.to_request(&self.inner.base, &self.inner.options)?;
        self.run_request(request, O::OPERATION_ID, O::SEMANTICS, O::METHOD, |response| O::parse_response(response))
            .await
    }

    /// The pipeline for a prepared request (next links use it with their own GET).
    pub(crate) async fn run_request<T>(
        &self,
        request: http::Request<Vec<u8>>,
        operation_id: &'static str,
        semantics: Semantics,
        method: Method,
        parse: impl Fn(&http::Response<Vec<u8>>) -> Result<T, ResponseError>,
    ) -> Result<Sent<T>, Error> {
        let inner = &self.inner;
        inner.base.check_same_origin(&request.uri().to_string())?;
        let write = !semantics.is_repeatable();
        let timeout = if semantics.is_read_only() { inner.timeout } else { inner.write_timeout };
        let client_request_id = azure_core::Uuid::new_v4().to_string();
        let policy = &inner.retry;
        let mut failures = 0u32;
        let mut backoff_step = 0u32;
        let mut waited = Duration::ZERO;
        let mut ambiguous_before = false;
        let mut refused_once = false;
        loop {
            let attempt = failures + 1;
            let span = tracing::debug_span!(
                "attempt",
                operation = operation_id,
                client_request_id = %client_request_id,
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                wait_ms = tracing::field::Empty,
                window = tracing::field::Empty,
            );
            let outcome = async {
                let token = match inner.token.token().await {
                    Ok(token) => token,
                    // A transient failure to get a token is one failed attempt (nothing was sent,
                    // so a write is tried again too).
                    Err(Error::Transport { message, .. }) => return Err(Failure::token(message)),
                    Err(error) => return Ok(Err(error)),
                };
                let permit = inner.limiter.acquire().await;
                tracing::Span::current().record("window", inner.limiter.window());
                let sent_at = Instant::now();
                let result = inner.transport.send(&request, &token, &client_request_id, timeout).await;
                let response = match result {
                    Ok(response) => response,
                    Err(SendError::TooLarge(error)) => {
                        permit.finish(Signal::Other);
                        return Ok(Err(error));
                    }
                    Err(SendError::NotSent { message, refused }) => {
                        permit.finish(Signal::Other);
                        tracing::debug!(%message, "not sent");
                        let error = Error::Transport { message, client_request_id: client_request_id.clone() };
                        // Nothing listens there: say so at once (one quick retry, for a
                        // listener that is just restarting), with the URL.
                        if refused && refused_once {
                            return Ok(Err(error));
                        }
                        if refused {
                            refused_once = true;
                            return Err(Failure::new(error, Some(Duration::from_millis(50))));
                        }
                        return Err(Failure::new(error, None));
                    }
                    Err(SendError::Ambiguous(message)) => {
                        permit.finish(Signal::Other);
                        tracing::debug!(%message, "no clear answer");
                        let error = Error::Ambiguous { message, client_request_id: client_request_id.clone() };
                        if write {
                            return Ok(Ok(Sent::Ambiguous { error, sent_at }));
                        }
                        ambiguous_before = true;
                        return Err(Failure::new(error, None));
                    }
                };
                let rtt = sent_at.elapsed();
                let status = response.status();
                let span = tracing::Span::current();
                span.record("status", status.as_u16());
                let request_id = header(&response, "request-id");
                if let Some(id) = &request_id {
                    span.record("request_id", crate::text::terminal_safe(id).as_ref());
                }
                let class = classify(status, response.body());
                permit.finish(match class {
                    Class::Throttled => Signal::Throttled,
                    Class::Success | Class::Final | Class::Redirect => Signal::Answered(rtt),
                    Class::ServerFailure => Signal::Other,
                });
                let graph_error = |attempts: u32| {
                    let graph = GraphError::from_parts(status, response.headers(), response.body());
                    let request_id =
                        request_id.clone().or_else(|| graph.inner_error.as_ref().and_then(|i| i.request_id.clone()));
                    Error::Graph {
                        error: Box::new(graph),
                        request_id,
                        client_request_id: client_request_id.clone(),
                        attempts,
                    }
                };
                match class {
                    Class::Success => match parse(&response) {
                        Ok(output) => Ok(Ok(Sent::Done(output))),
                        Err(ResponseError::InvalidBody { error, .. }) if !is_json(response.body()) => {
                            // Cut short with a length that matches, or not JSON at all: one
                            // failed attempt of this same loop.
                            let message = format!("the answer was cut short or is not JSON: {error}");
                            if write {
                                let error = Error::Ambiguous { message, client_request_id: client_request_id.clone() };
                                return Ok(Ok(Sent::Ambiguous { error, sent_at }));
                            }
                            Err(Failure::new(Error::InvalidBody { message, request_id }, None))
                        }
                        Err(error) => Ok(Err(Error::InvalidBody { message: error.to_string(), request_id })),
                    },
                    Class::Redirect => Ok(Err(Error::Redirect { status, location: header(&response, "location") })),
                    Class::Throttled | Class::ServerFailure => {
                        let error = graph_error(attempt);
                        if write && crate::retry::may_have_been_applied(class, status) {
                            let error = Error::Ambiguous {
                                message: error.to_string(),
                                client_request_id: client_request_id.clone(),
                            };
                            return Ok(Ok(Sent::Ambiguous { error, sent_at }));
                        }
                        let retry_after = match crate::retry::retry_after(response.headers(), SystemTime::now()) {
                            None => None,
                            Some(asked) => match policy.check_retry_after(asked) {
                                Ok(wait) => Some(wait),
                                Err(asked) => {
                                    let header = header(&response, "retry-after").unwrap_or_default();
                                    return Ok(Err(Error::RetryAfterTooLong {
                                        header,
                                        asked,
                                        cap: policy.retry_after_cap,
                                        status,
                                        client_request_id: client_request_id.clone(),
                                    }));
                                }
                            },
                        };
                        if let Some(until) = retry_after.and_then(|wait| Instant::now().checked_add(wait)) {
                            // The service asked everyone to wait.
                            inner.limiter.block_until(until);
                        }
                        Err(Failure { error, retry_after, throttled: class == Class::Throttled })
                    }
                    Class::Final => {
                        if status == http::StatusCode::NOT_FOUND && ambiguous_before && method == Method::Delete {
                            // An earlier attempt of this removal landed.
                            if let Ok(output) = parse(&http::Response::new(Vec::new())) {
                                return Ok(Ok(Sent::Done(output)));
                            }
                        }
                        let error = graph_error(attempt);
                        if status == http::StatusCode::NOT_FOUND
                            && let Some(hint) = &inner.not_found_hint
                        {
                            return Ok(Err(Error::Hinted { error: Box::new(error), hint: hint.clone() }));
                        }
                        Ok(Err(error))
                    }
                }
            }
            .instrument(span.clone())
            .await;
            let failure = match outcome {
                Ok(result) => return result,
                Err(failure) => failure,
            };
            failures += 1;
            let Some(delay) = policy.next_delay(failures, backoff_step, waited, failure.retry_after) else {
                return Err(with_attempts(failure.error, failures));
            };
            // Throttled under an adaptive window: the window has already slowed every request
            // down and paces the retry; a backoff that doubles too would hold this one back
            // twice (and a bulk run's other targets behind it). The budget still counts it.
            if !(failure.throttled && inner.limiter.is_adaptive()) {
                backoff_step += 1;
            }
            let wait_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            span.record("wait_ms", wait_ms);
            tracing::debug!(parent: &span, wait_ms, error = %failure.error, "retrying");
            waited = waited.saturating_add(delay);
            tokio::time::sleep(delay).await;
        }
    }
}

/// The error an operation ends with once its retry budget is spent after `attempts` attempts.
fn with_attempts(error: Error, attempts: u32) -> Error {
    match error {
        Error::Graph { error, request_id, client_request_id, .. } => {
            Error::Graph { error, request_id, client_request_id, attempts }
        }
        // Only a transient failure of the token source is retried as an `Auth` error.
        Error::Auth(message) => {
            let times = if attempts == 1 { "once".to_owned() } else { format!("{attempts} times in a row") };
            Error::Auth(format!(
                "the credential failed {times} with a transient failure, and the retries are spent; \
                 the last failure: {message}"
            ))
        }
        other => other,
    }
}

pub(crate) fn header(response: &http::Response<Vec<u8>>, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Whether `body` is well-formed JSON (a body cut short, or an HTML page, is not).
fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(attempts: u32) -> Error {
        let status = http::StatusCode::SERVICE_UNAVAILABLE;
        Error::Graph {
            error: Box::new(GraphError::from_parts(status, &http::HeaderMap::new(), b"{}")),
            request_id: Some("r-1".to_owned()),
            client_request_id: "c-1".to_owned(),
            attempts,
        }
    }

    #[test]
    fn a_spent_budget_names_the_attempts() {
        match with_attempts(graph(1), 4) {
            Error::Graph { attempts: 4, request_id, client_request_id, .. } => {
                assert_eq!((request_id.as_deref(), client_request_id.as_str()), (Some("r-1"), "c-1"));
            }
            other => panic!("{other:?}"),
        }
        assert!(with_attempts(graph(1), 4).to_string().contains("4 attempts"));
    }

    #[test]
    fn a_token_source_that_keeps_failing_ends_with_an_auth_error_saying_so() {
        let error = with_attempts(Failure::token("identity endpoint answered 503".to_owned()).error, 4);
        assert!(error.is_auth(), "{error:?}");
        let text = error.to_string();
        assert!(text.contains("4 times in a row") && text.contains("identity endpoint answered 503"), "{text}");
        let once = with_attempts(Failure::token("down".to_owned()).error, 1).to_string();
        assert!(once.contains("failed once"), "{once}");
    }

    #[test]
    fn other_errors_pass_unchanged() {
        let error = Error::Transport { message: "refused".to_owned(), client_request_id: "c".to_owned() };
        assert!(matches!(with_attempts(error, 3), Error::Transport { message, .. } if message == "refused"));
        assert!(matches!(with_attempts(Error::Cancelled, 3), Error::Cancelled));
    }

    #[test]
    fn a_body_cut_short_or_an_html_page_is_not_json() {
        assert!(is_json(br#"{"value":[]}"#));
        assert!(is_json(b" [1, 2] "));
        assert!(!is_json(br#"{"value":[{"id":"a"},"#));
        assert!(!is_json(b"<html><body>Service Unavailable</body></html>"));
        assert!(!is_json(b""));
    }
}
