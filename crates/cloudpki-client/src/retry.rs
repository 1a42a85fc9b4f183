//! The retry policy: which answers are retried, and how long to wait before each attempt.
//!
//! Retried: 429, 503, 504 and the Intune query broker's 500 ("Rate limit reached because of too
//! many requests to query broker"), other 500s and 502 (reads only: for a write they are
//! ambiguous), and transport failures. `Retry-After` (seconds, or an HTTP
//! date) is honoured; without it the delay is exponential with full jitter, capped per wait and
//! in total. An ambiguous failure of a request that is not idempotent (a timeout, a dropped
//! connection or a truncated answer after a revocation was sent) is not retried blindly: the
//! caller checks the state first (see [`crate::Client::revoke_leaf_certificate`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often and how long to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff delay; each retry doubles it (with full jitter).
    pub base_delay: Duration,
    /// The longest single wait.
    pub max_delay: Duration,
    /// The longest total wait for one request, across its retries.
    pub total_cap: Duration,
    /// Whether the shared pacer learns the accepted rate when throttled without `Retry-After`
    /// (otherwise only `Retry-After` is shared, as in a fixed-concurrency client).
    pub adaptive_pacing: bool,
}

impl Default for RetryPolicy {
    /// 8 retries, 100 ms base, 30 s per wait, 180 s in all, adaptive pacing.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 8,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(30),
            total_cap: Duration::from_secs(180),
            adaptive_pacing: true,
        }
    }
}

impl RetryPolicy {
    /// Microsoft's Kiota clients' defaults: 3 retries, 3 s base delay, 180 s cap, no pacing
    /// beyond `Retry-After` (for comparison in the benchmarks).
    pub fn kiota() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_secs(3),
            max_delay: Duration::from_secs(180),
            total_cap: Duration::from_secs(180),
            adaptive_pacing: false,
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

    /// This policy with `total_cap`.
    #[must_use]
    pub fn with_total_cap(mut self, total_cap: Duration) -> Self {
        self.total_cap = total_cap;
        self
    }

    /// This policy with adaptive pacing on or off.
    #[must_use]
    pub fn with_adaptive_pacing(mut self, adaptive: bool) -> Self {
        self.adaptive_pacing = adaptive;
        self
    }

    /// The wait before retry `retry` (0-based): `Retry-After` when given (capped), else a random
    /// delay in `[0, base * 2^retry]` (full jitter), capped at `max_delay`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(delay) = retry_after {
            return delay.min(self.max_delay);
        }
        let ceiling = self.base_delay.saturating_mul(1u32 << retry.min(20)).min(self.max_delay);
        ceiling.mul_f64(jitter())
    }
}

/// Whether a status and body are throttling: 429, 503, or the query broker's 500.
pub fn is_throttle(status: http::StatusCode, body: &[u8]) -> bool {
    status == http::StatusCode::TOO_MANY_REQUESTS
        || status == http::StatusCode::SERVICE_UNAVAILABLE
        || (status == http::StatusCode::INTERNAL_SERVER_ERROR && is_query_broker_limit(body))
}

/// Whether a status is a server failure after which a request may or may not have been carried
/// out: 500 (other than the query broker's throttling), 502, 504. Reads are retried; writes are
/// ambiguous (see [`crate::Client::revoke_leaf_certificate`]).
pub fn is_server_failure(status: http::StatusCode) -> bool {
    matches!(
        status,
        http::StatusCode::INTERNAL_SERVER_ERROR | http::StatusCode::BAD_GATEWAY | http::StatusCode::GATEWAY_TIMEOUT
    )
}

/// The Intune query broker's rate-limit answer (an HTTP 500).
pub fn is_query_broker_limit(body: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"too many requests to query broker";
    body.windows(NEEDLE.len()).any(|window| window.eq_ignore_ascii_case(NEEDLE))
}

/// A number in `[0, 1)`, different on every call (xorshift; jitter needs no cryptography).
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9E37_79B9_7F4A_7C15, |d| u64::from(d.subsec_nanos()) ^ d.as_secs().rotate_left(32))
            | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    #[allow(clippy::cast_precision_loss)] // 53 bits of randomness are plenty
    let fraction = (x >> 11) as f64 / (1u64 << 53) as f64;
    fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_honour_retry_after_and_grow_with_jitter_under_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(0, Some(Duration::from_secs(7))), Duration::from_secs(7));
        assert_eq!(policy.delay(0, Some(Duration::from_secs(3600))), policy.max_delay);
        for retry in 0..12 {
            let delay = policy.delay(retry, None);
            let ceiling = policy.base_delay.saturating_mul(1 << retry).min(policy.max_delay);
            assert!(delay <= ceiling, "retry {retry}: {delay:?} > {ceiling:?}");
        }
        let distinct: std::collections::BTreeSet<Duration> = (0..20).map(|_| policy.delay(5, None)).collect();
        assert!(distinct.len() > 10, "jittered");
    }

    #[test]
    fn throttling_includes_the_query_broker() {
        let broker = br#"{"error":{"code":"InternalServerError","message":"Rate limit reached because of too many requests to query broker. Please retry after sometime."}}"#;
        assert!(is_throttle(http::StatusCode::INTERNAL_SERVER_ERROR, broker));
        assert!(!is_throttle(http::StatusCode::INTERNAL_SERVER_ERROR, b"{\"error\":{\"code\":\"x\"}}"));
        assert!(is_throttle(http::StatusCode::TOO_MANY_REQUESTS, b""));
        assert!(is_throttle(http::StatusCode::SERVICE_UNAVAILABLE, b""));
        assert!(!is_throttle(http::StatusCode::GATEWAY_TIMEOUT, b""));
        for status in [500, 502, 504] {
            assert!(is_server_failure(http::StatusCode::from_u16(status).expect("a status")), "{status}");
        }
        for status in [400, 404, 429, 501, 503] {
            assert!(!is_server_failure(http::StatusCode::from_u16(status).expect("a status")), "{status}");
        }
    }

    #[test]
    fn kiota_defaults() {
        let kiota = RetryPolicy::kiota();
        assert_eq!((kiota.max_retries, kiota.base_delay), (3, Duration::from_secs(3)));
        assert!(!kiota.adaptive_pacing);
    }
}
