//! The retry policy: how many attempts one operation gets, how long to wait between them, and
//! what the service's `Retry-After` means.
//!
//! - **One budget per operation**, never nested: every failed attempt of an operation (a
//!   throttled or failed answer, a transport failure, a garbled body, a failure to get a token)
//!   counts against the same [`RetryPolicy::max_retries`] and [`RetryPolicy::total_cap`].
//! - **`Retry-After` in full**: when the service says how long to wait, the client never sends
//!   earlier. A wait above [`RetryPolicy::retry_after_cap`] fails the operation at once with an
//!   error naming the wait ([`crate::Error::RetryAfterTooLong`]). No header value can
//!   overflow, panic or stall: a number too large for any duration is "too long", a negative
//!   number or garbage is ignored (the backoff applies), a date in the past means no wait.
//! - Without `Retry-After`: exponential backoff with full jitter (a fresh `fastrand` draw per
//!   request, no shared state), capped at [`RetryPolicy::max_delay`].
//!
//! Which answers may be retried at all is [`classify`]'s job; whether the operation may be sent
//! again after an ambiguous one is decided by its [`Semantics`](cloudpki_model::api::Semantics)
//! alone (see [`crate::write`]).

use std::time::{Duration, SystemTime};

/// How often and how long to retry one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff delay; each retry doubles its ceiling (full jitter).
    pub base_delay: Duration,
    /// The longest backoff delay (not `Retry-After`: that is honoured in full, up to
    /// `retry_after_cap`).
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a longer one fails the operation at once.
    pub retry_after_cap: Duration,
    /// The longest total wait of one operation, across its retries.
    pub total_cap: Duration,
}

impl Default for RetryPolicy {
    /// 8 retries, 100 ms base, 30 s per backoff, `Retry-After` up to 5 min, 10 min in all.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 8,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(30),
            retry_after_cap: Duration::from_secs(300),
            total_cap: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// Microsoft's Kiota clients' defaults: 3 retries, 3 s base delay, 180 s cap (for
    /// comparison in the benchmarks).
    pub fn kiota() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_secs(3),
            max_delay: Duration::from_secs(180),
            retry_after_cap: Duration::from_secs(180),
            total_cap: Duration::from_secs(180),
        }
    }

    /// This policy with `max_retries`.
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// This policy with `base_delay`.
    #[must_use]
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// This policy with `max_delay` (the longest backoff).
    #[must_use]
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// This policy with `retry_after_cap`.
    #[must_use]
    pub fn with_retry_after_cap(mut self, cap: Duration) -> Self {
        self.retry_after_cap = cap;
        self
    }

    /// This policy with `total_cap`.
    #[must_use]
    pub fn with_total_cap(mut self, total_cap: Duration) -> Self {
        self.total_cap = total_cap;
        self
    }

    /// The backoff before retry `retry` (0-based) when the service named no wait: a random
    /// delay in `[0, base * 2^retry]` (full jitter), capped at `max_delay`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.base_delay.saturating_mul(1u32 << retry.min(20)).min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }

    /// The wait before retry `retry`: `Retry-After` in full when the service gave one (never
    /// shorter), else [`RetryPolicy::backoff`]. The caller checks the cap first
    /// ([`RetryPolicy::check_retry_after`]).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(wait) => wait,
            None => self.backoff(retry),
        }
    }

    /// The wait before the next attempt, after `failures` failed attempts (counting the one just
    /// failed) that have waited `waited` in all so far: [`RetryPolicy::delay`] for backoff step
    /// `backoff_step` (0-based: how many of those failures doubled the backoff), or `None` when
    /// the budget is spent (more than [`RetryPolicy::max_retries`] failures, or the wait would
    /// take the total past [`RetryPolicy::total_cap`]). Never overflows, whatever the durations.
    pub fn next_delay(
        &self,
        failures: u32,
        backoff_step: u32,
        waited: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let delay = self.delay(backoff_step, retry_after);
        (failures <= self.max_retries && waited.saturating_add(delay) <= self.total_cap).then_some(delay)
    }

    /// `Ok(wait)` when `retry_after` may be honoured, `Err(asked)` when it is above the cap
    /// (`None`: not representable).
    pub fn check_retry_after(&self, retry_after: RetryAfter) -> Result<Duration, Option<Duration>> {
        match retry_after {
            RetryAfter::Wait(wait) if wait <= self.retry_after_cap => Ok(wait),
            RetryAfter::Wait(wait) => Err(Some(wait)),
            RetryAfter::Unrepresentable => Err(None),
        }
    }
}

/// A `Retry-After` the client understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// Wait this long (zero for a date in the past).
    Wait(Duration),
    /// A number of seconds too large for any duration (`18446744073709551616` and up).
    Unrepresentable,
}

/// The `Retry-After` of an answer: seconds (`120`) or an HTTP date (measured from the answer's
/// `Date` header, else from `now`; a date in the past is no wait). `None` when absent, negative
/// or not understood (the backoff applies then).
pub fn retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<RetryAfter> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    let date = headers.get(http::header::DATE).and_then(|v| v.to_str().ok());
    parse_retry_after(value, date, now)
}

/// [`retry_after`] on the header texts.
pub fn parse_retry_after(value: &str, date: Option<&str>, now: SystemTime) -> Option<RetryAfter> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(match value.parse::<u64>() {
            Ok(seconds) => RetryAfter::Wait(Duration::from_secs(seconds)),
            Err(_) => RetryAfter::Unrepresentable,
        });
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let reference = date.and_then(|d| httpdate::parse_http_date(d.trim()).ok()).unwrap_or(now);
    Some(RetryAfter::Wait(at.duration_since(reference).unwrap_or(Duration::ZERO)))
}

/// What an answer's status (and, for a 500, its body) means for the retry loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// 2xx.
    Success,
    /// 3xx: never followed.
    Redirect,
    /// 429, or the Intune query broker's 500: nothing was carried out, and the service wants
    /// fewer requests (the adaptive window shrinks). For a write, the broker's 500 is still
    /// ambiguous (the service has been seen to answer it after applying a change).
    Throttled,
    /// Any other 5xx (500, 502, 503, 504, ...): a read is retried; a write may have been
    /// carried out (ambiguous).
    ServerFailure,
    /// Any other status: final.
    Final,
}

/// Classifies an answer.
pub fn classify(status: http::StatusCode, body: &[u8]) -> Class {
    if status.is_success() {
        Class::Success
    } else if status.is_redirection() {
        Class::Redirect
    } else if status == http::StatusCode::TOO_MANY_REQUESTS
        || (status == http::StatusCode::INTERNAL_SERVER_ERROR && is_query_broker_limit(body))
    {
        Class::Throttled
    } else if status.is_server_error() {
        Class::ServerFailure
    } else {
        Class::Final
    }
}

/// Whether an answer of `class` (with `status`) leaves a write's outcome open: any 5xx, the
/// query broker's 500 included (the service has been seen to send it after applying a change).
/// A 429 never does: nothing was carried out, so a write is sent again after it like a read.
pub fn may_have_been_applied(class: Class, status: http::StatusCode) -> bool {
    match class {
        Class::ServerFailure => true,
        Class::Throttled => status.is_server_error(),
        Class::Success | Class::Redirect | Class::Final => false,
    }
}

/// The Intune query broker's rate-limit answer (an HTTP 500).
pub fn is_query_broker_limit(body: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"too many requests to query broker";
    body.windows(NEEDLE.len()).any(|window| window.eq_ignore_ascii_case(NEEDLE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_fresh_jitter_under_the_cap() {
        let policy = RetryPolicy::default();
        for retry in 0..30 {
            let delay = policy.backoff(retry);
            assert!(delay <= policy.max_delay, "retry {retry}: {delay:?}");
        }
        let distinct: std::collections::BTreeSet<Duration> = (0..20).map(|_| policy.backoff(5)).collect();
        assert!(distinct.len() > 10, "jittered");
        assert_eq!(policy.delay(3, Some(Duration::from_secs(7))), Duration::from_secs(7), "Retry-After in full");
        assert_eq!(policy.delay(0, Some(Duration::from_secs(200))), Duration::from_secs(200), "never cut short");
    }

    #[test]
    fn absurd_retry_after_values_are_sane() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let policy = RetryPolicy::default();
        let parse = |value: &str| parse_retry_after(value, None, now);
        assert_eq!(parse("17"), Some(RetryAfter::Wait(Duration::from_secs(17))));
        assert_eq!(parse("18446744073709551615"), Some(RetryAfter::Wait(Duration::from_secs(u64::MAX))));
        assert_eq!(parse("18446744073709551616"), Some(RetryAfter::Unrepresentable));
        assert_eq!(parse("99999999999999999999999999999"), Some(RetryAfter::Unrepresentable));
        assert_eq!(parse("-5"), None);
        assert_eq!(parse("soon"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("Wed, 21 Oct 2015 07:28:00 GMT"), Some(RetryAfter::Wait(Duration::ZERO)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", Some("Wed, 21 Oct 2015 07:28:00 GMT"), now),
            Some(RetryAfter::Wait(Duration::from_secs(30)))
        );
        assert_eq!(
            policy.check_retry_after(RetryAfter::Wait(Duration::from_secs(100_000))),
            Err(Some(Duration::from_secs(100_000)))
        );
        assert_eq!(
            policy.check_retry_after(RetryAfter::Wait(Duration::from_secs(u64::MAX))),
            Err(Some(Duration::from_secs(u64::MAX)))
        );
        assert_eq!(policy.check_retry_after(RetryAfter::Unrepresentable), Err(None));
        assert_eq!(policy.check_retry_after(RetryAfter::Wait(Duration::from_secs(300))), Ok(Duration::from_secs(300)));
    }

    #[test]
    fn the_backoff_ceiling_doubles_per_retry_without_overflow() {
        let policy = RetryPolicy::default().with_base_delay(Duration::from_millis(10)).with_max_delay(Duration::MAX);
        for retry in 0..8 {
            let ceiling = Duration::from_millis(10 << retry);
            for _ in 0..50 {
                assert!(policy.backoff(retry) <= ceiling, "retry {retry}");
            }
        }
        // Far past any sensible retry count: the shift is bounded, nothing overflows.
        let huge =
            RetryPolicy::default().with_base_delay(Duration::from_secs(u64::MAX / 2)).with_max_delay(Duration::MAX);
        let _ = huge.backoff(u32::MAX);
        assert_eq!(RetryPolicy::default().with_base_delay(Duration::ZERO).backoff(7), Duration::ZERO);
    }

    #[test]
    fn one_budget_counts_every_failed_attempt_and_the_total_wait() {
        let second = Duration::from_secs(1);
        let policy = RetryPolicy::default().with_max_retries(3).with_total_cap(Duration::from_secs(10));
        // Failures 1 to 3 are retried (after the wait the service named), the 4th ends it.
        for failures in 1..=3 {
            assert_eq!(
                policy.next_delay(failures, failures - 1, Duration::ZERO, Some(second)),
                Some(second),
                "{failures}"
            );
        }
        assert_eq!(policy.next_delay(4, 3, Duration::ZERO, Some(second)), None);
        // The total wait is capped: exactly at the cap is allowed, past it is not.
        assert_eq!(policy.next_delay(1, 0, Duration::from_secs(9), Some(second)), Some(second));
        assert_eq!(policy.next_delay(1, 0, Duration::from_millis(9001), Some(second)), None);
        // Without Retry-After the backoff of that retry applies (0-based: the first retry's).
        let quick = policy.clone().with_base_delay(Duration::from_millis(8));
        for _ in 0..50 {
            assert!(quick.next_delay(1, 0, Duration::ZERO, None).is_some_and(|d| d <= Duration::from_millis(8)));
        }
        // No retries at all: the first failure ends the operation.
        assert_eq!(policy.clone().with_max_retries(0).next_delay(1, 0, Duration::ZERO, None), None);
    }

    #[test]
    fn huge_waits_under_huge_caps_never_overflow() {
        let unbounded = RetryPolicy::default()
            .with_retry_after_cap(Duration::MAX)
            .with_total_cap(Duration::MAX)
            .with_max_delay(Duration::MAX);
        let asked = RetryAfter::Wait(Duration::from_secs(u64::MAX));
        assert_eq!(unbounded.check_retry_after(asked), Ok(Duration::from_secs(u64::MAX)));
        assert_eq!(unbounded.next_delay(2, 1, Duration::MAX, Some(Duration::MAX)), Some(Duration::MAX));
        let policy = RetryPolicy::default().with_retry_after_cap(Duration::MAX);
        assert_eq!(policy.next_delay(1, 0, Duration::from_secs(599), Some(Duration::MAX)), None);
    }

    #[test]
    fn retry_after_at_the_cap_is_honoured_and_a_nanosecond_more_is_not() {
        let policy = RetryPolicy::default().with_retry_after_cap(Duration::from_secs(30));
        let cap = Duration::from_secs(30);
        assert_eq!(policy.check_retry_after(RetryAfter::Wait(cap)), Ok(cap));
        assert_eq!(policy.check_retry_after(RetryAfter::Wait(Duration::ZERO)), Ok(Duration::ZERO));
        let over = cap + Duration::from_nanos(1);
        assert_eq!(policy.check_retry_after(RetryAfter::Wait(over)), Err(Some(over)));
        let kiota = RetryPolicy::kiota();
        assert_eq!(
            kiota.check_retry_after(RetryAfter::Wait(Duration::from_secs(181))),
            Err(Some(Duration::from_secs(181)))
        );
    }

    #[test]
    fn retry_after_is_read_from_the_headers_against_the_answer_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // Wed, 21 Oct 2015 07:28:00 GMT
        let headers = |pairs: &[(&str, &[u8])]| {
            let mut map = http::HeaderMap::new();
            for (name, value) in pairs {
                map.insert(
                    http::HeaderName::from_bytes(name.as_bytes()).expect("a name"),
                    http::HeaderValue::from_bytes(value).expect("a value"),
                );
            }
            map
        };
        assert_eq!(retry_after(&headers(&[]), now), None);
        assert_eq!(
            retry_after(&headers(&[("retry-after", b" 12 ")]), now),
            Some(RetryAfter::Wait(Duration::from_secs(12)))
        );
        // A date: measured from the answer's own Date (a skewed local clock does not matter)...
        let date =
            headers(&[("retry-after", b"Wed, 21 Oct 2015 07:29:00 GMT"), ("date", b"Wed, 21 Oct 2015 07:28:45 GMT")]);
        assert_eq!(retry_after(&date, now), Some(RetryAfter::Wait(Duration::from_secs(15))));
        // ...else from now; an unreadable Date falls back to now too.
        let no_date = headers(&[("retry-after", b"Wed, 21 Oct 2015 07:29:00 GMT")]);
        assert_eq!(retry_after(&no_date, now), Some(RetryAfter::Wait(Duration::from_secs(60))));
        let bad_date = headers(&[("retry-after", b"Wed, 21 Oct 2015 07:29:00 GMT"), ("date", b"yesterday")]);
        assert_eq!(retry_after(&bad_date, now), Some(RetryAfter::Wait(Duration::from_secs(60))));
        // Not text, a fraction, a unit: not understood, the backoff applies.
        assert_eq!(retry_after(&headers(&[("retry-after", b"\xff\xfe")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after", b"1.5")]), now), None);
        assert_eq!(retry_after(&headers(&[("retry-after", b"10s")]), now), None);
    }

    #[test]
    fn only_answers_that_may_have_been_applied_leave_a_write_open() {
        let status = |code: u16| http::StatusCode::from_u16(code).expect("a status");
        let broker = br#"{"error":{"message":"Too many requests to query broker"}}"#;
        let open = |code: u16, body: &[u8]| may_have_been_applied(classify(status(code), body), status(code));
        assert!(!open(429, b""), "429: nothing was carried out");
        assert!(open(500, broker), "the broker's 500 has been seen after a change was applied");
        for code in [500, 502, 503, 504] {
            assert!(open(code, b"{}"), "{code}");
        }
        for code in [200, 201, 204, 307, 400, 401, 403, 404, 409] {
            assert!(!open(code, b"{}"), "{code}");
        }
    }

    #[test]
    fn classes() {
        let broker = br#"{"error":{"code":"InternalServerError","message":"Rate limit reached because of too many requests to query broker. Please retry after sometime."}}"#;
        let class = |status: u16, body: &[u8]| classify(http::StatusCode::from_u16(status).expect("a status"), body);
        assert_eq!(class(500, broker), Class::Throttled);
        assert_eq!(class(429, b""), Class::Throttled);
        for status in [500, 502, 503, 504] {
            assert_eq!(class(status, b"{}"), Class::ServerFailure, "{status}");
        }
        for status in [301, 302, 307, 308] {
            assert_eq!(class(status, b""), Class::Redirect, "{status}");
        }
        for status in [400, 401, 403, 404, 409] {
            assert_eq!(class(status, b""), Class::Final, "{status}");
        }
        assert_eq!(class(204, b""), Class::Success);
    }
}
