//! One back-off shared by every request of a client: when the service throttles, all
//! concurrent requests slow down together, instead of each hammering on its own.
//!
//! Graph often throttles without `Retry-After`. The pacer therefore learns the rate the service
//! accepts: it starts unpaced; at the first throttled answer it paces requests to a little under
//! the rate that was accepted during the last second, then probes upwards slowly while nothing is
//! throttled (additive increase, multiplicative decrease, on a rate rather than a window). A
//! `Retry-After` stops every request until it has passed.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The share of the accepted rate the pacer drops to when throttled.
const BACK_OFF: f64 = 0.9;
/// How much the rate grows per quiet interval.
const PROBE: f64 = 1.03;
/// How long without throttling before the pacer probes upwards.
const QUIET: Duration = Duration::from_millis(1000);
/// The lowest rate it paces to, in requests per second.
const MIN_RATE: f64 = 0.5;

/// The shared pacing state of a client.
#[derive(Debug)]
pub struct Pacer {
    adaptive: bool,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Requests per second, once throttled; `None`: unpaced.
    rate: Option<f64>,
    /// The earliest time the next request may start.
    next_slot: Instant,
    /// No request starts before this (a `Retry-After`).
    blocked_until: Instant,
    /// When the last throttled answer came, and when the rate last grew.
    last_throttle: Option<Instant>,
    last_probe: Instant,
    /// When the recent successful answers came (the last second or so).
    successes: VecDeque<Instant>,
    /// Throttled answers seen, in all.
    throttled: u64,
}

impl Pacer {
    /// A pacer; `adaptive: false` only honours `Retry-After` (as a fixed-concurrency client
    /// such as Kiota's does).
    pub fn new(adaptive: bool) -> Self {
        let now = Instant::now();
        Pacer {
            adaptive,
            state: Mutex::new(State {
                rate: None,
                next_slot: now,
                blocked_until: now,
                last_throttle: None,
                last_probe: now,
                successes: VecDeque::new(),
                throttled: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Waits for this request's turn.
    pub async fn acquire(&self) {
        let start = {
            let mut state = self.lock();
            let now = Instant::now();
            let start = now.max(state.blocked_until).max(state.next_slot);
            if let Some(rate) = state.rate {
                state.next_slot = start + Duration::from_secs_f64(1.0 / rate);
            }
            start
        };
        tokio::time::sleep_until(start.into()).await;
    }

    /// A successful (not throttled) answer came.
    pub fn on_success(&self) {
        let mut state = self.lock();
        let now = Instant::now();
        state.successes.push_back(now);
        while state.successes.front().is_some_and(|t| now.duration_since(*t) > Duration::from_secs(1)) {
            state.successes.pop_front();
        }
        let quiet = state.last_throttle.is_none_or(|t| now.duration_since(t) >= QUIET);
        if let Some(rate) = state.rate
            && quiet
            && now.duration_since(state.last_probe) >= QUIET
        {
            state.rate = Some(rate * PROBE);
            state.last_probe = now;
        }
    }

    /// A throttled answer came, with the delay the service asked for, if any.
    pub fn on_throttle(&self, retry_after: Option<Duration>) {
        let mut state = self.lock();
        let now = Instant::now();
        state.throttled += 1;
        if let Some(delay) = retry_after {
            state.blocked_until = state.blocked_until.max(now + delay);
        }
        if !self.adaptive {
            return;
        }
        while state.successes.front().is_some_and(|t| now.duration_since(*t) > Duration::from_secs(1)) {
            state.successes.pop_front();
        }
        // Once per burst: the answers to requests already in flight say the same thing.
        let fresh = state.last_throttle.is_none_or(|t| now.duration_since(t) >= Duration::from_millis(500));
        state.last_throttle = Some(now);
        if !fresh {
            return;
        }
        #[allow(clippy::cast_precision_loss)] // a count of the last second's answers
        let accepted = state.successes.len() as f64;
        let target = (accepted * BACK_OFF).max(MIN_RATE);
        state.rate = Some(match state.rate {
            Some(rate) => rate.min(target).max(MIN_RATE),
            None => target,
        });
        state.last_probe = now;
        // Leave a moment for the service's window to drain before the next request.
        let pause = Duration::from_secs_f64(1.0 / target.max(1.0));
        state.next_slot = state.next_slot.max(now + pause);
    }

    /// The current rate, `None` while unpaced.
    pub fn rate(&self) -> Option<f64> {
        self.lock().rate
    }

    /// Throttled answers seen so far.
    pub fn throttled(&self) -> u64 {
        self.lock().throttled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn throttling_paces_to_a_little_under_the_accepted_rate() {
        let pacer = Pacer::new(true);
        assert_eq!(pacer.rate(), None);
        for _ in 0..20 {
            pacer.on_success();
        }
        pacer.on_throttle(None);
        let rate = pacer.rate().unwrap_or_default();
        assert!((17.0..=19.0).contains(&rate), "{rate}");
        // The answers of requests already in flight do not lower it again.
        pacer.on_throttle(None);
        assert_eq!(pacer.rate(), Some(rate));
        assert_eq!(pacer.throttled(), 2);
    }

    #[tokio::test]
    async fn retry_after_blocks_every_request() {
        let pacer = Pacer::new(false);
        pacer.on_throttle(Some(Duration::from_millis(200)));
        let started = Instant::now();
        pacer.acquire().await;
        assert!(started.elapsed() >= Duration::from_millis(190));
        assert_eq!(pacer.rate(), None, "a non-adaptive pacer never paces");
    }
}
