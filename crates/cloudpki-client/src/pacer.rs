//! One back-off shared by every request of a client: when the service throttles, all
//! concurrent requests slow down together, instead of each hammering on its own.
//!
//! Graph often throttles without `Retry-After`. The pacer therefore learns the rate the service
//! accepts: it starts unpaced; once the service is congested (at least [`CONGESTED`] of the
//! recent answers throttled) it paces requests to a little under the rate that was accepted
//! during the last second, then probes upwards slowly while it is not congested (additive
//! increase, multiplicative decrease, on a rate rather than a window). A `Retry-After` given
//! while congested stops every request until it has passed.
//!
//! An odd throttled answer among many good ones (a random fault, a busy backend node) is not
//! congestion: the request that got it waits and retries on its own (its `Retry-After` too), and
//! the others go on at their pace, so a few percent of throttled answers cannot make the pacer
//! collapse.

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
/// The share of throttled answers among the recent ones from which the service is congested.
pub const CONGESTED: f64 = 0.2;
/// The recent answers: those of the last second, and at least this many; fewer answers are no
/// evidence of congestion yet.
const MIN_SAMPLES: usize = 40;

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
    /// When the pacer last backed off, and when the rate last grew.
    last_throttle: Option<Instant>,
    last_probe: Instant,
    /// When the recent answers came and whether they were throttled (the last second, and at
    /// least [`MIN_SAMPLES`]).
    answers: VecDeque<(Instant, bool)>,
    /// How many of `answers` were throttled.
    throttled_recently: usize,
    /// When the first answer came.
    first_answer: Option<Instant>,
    /// Throttled answers seen, in all.
    throttled: u64,
}

impl State {
    /// Records an answer, forgetting those older than a second beyond the last [`MIN_SAMPLES`].
    fn record(&mut self, now: Instant, throttled: bool) {
        self.first_answer.get_or_insert(now);
        self.answers.push_back((now, throttled));
        self.throttled_recently += usize::from(throttled);
        while self.answers.len() > MIN_SAMPLES
            && self.answers.front().is_some_and(|(t, _)| now.duration_since(*t) > Duration::from_secs(1))
        {
            if let Some((_, true)) = self.answers.pop_front() {
                self.throttled_recently -= 1;
            }
        }
    }

    /// Whether at least [`CONGESTED`] of the recent answers (at least [`MIN_SAMPLES`]) were
    /// throttled.
    fn congested(&self) -> bool {
        if self.answers.len() < MIN_SAMPLES {
            return false;
        }
        #[allow(clippy::cast_precision_loss)] // counts of a few thousand answers at most
        let share = self.throttled_recently as f64 / self.answers.len().max(1) as f64;
        share >= CONGESTED
    }

    /// The successful answers per second, over the last second (or since the first answer, in
    /// the first second).
    fn accepted_per_second(&self, now: Instant) -> f64 {
        let span = self.first_answer.map_or(1.0, |first| now.duration_since(first).as_secs_f64().clamp(0.1, 1.0));
        let count = self
            .answers
            .iter()
            .rev()
            .take_while(|(t, _)| now.duration_since(*t) <= Duration::from_secs(1))
            .filter(|(_, throttled)| !*throttled)
            .count();
        #[allow(clippy::cast_precision_loss)]
        let count = count as f64;
        count / span
    }
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
                answers: VecDeque::new(),
                throttled_recently: 0,
                first_answer: None,
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
        state.record(now, false);
        // Probe upwards once a quiet interval after the last back-off or probe, unless congested.
        if let Some(rate) = state.rate
            && !state.congested()
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
        state.record(now, true);
        let congested = state.congested();
        if !congested {
            // One odd answer among good ones: only the request that got it waits.
            return;
        }
        if let Some(delay) = retry_after {
            state.blocked_until = state.blocked_until.max(now + delay);
        }
        if !self.adaptive {
            return;
        }
        // Once per burst: the answers to requests already in flight say the same thing.
        let fresh = state.last_throttle.is_none_or(|t| now.duration_since(t) >= Duration::from_millis(500));
        if !fresh {
            return;
        }
        state.last_throttle = Some(now);
        let accepted = state.accepted_per_second(now);
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
        let first = Instant::now();
        for _ in 0..20 {
            pacer.on_success();
        }
        std::thread::sleep(Duration::from_millis(500));
        let before = first.elapsed().as_secs_f64();
        // Throttled answers, but too few yet to tell congestion from bad luck.
        for _ in 0..10 {
            pacer.on_throttle(None);
        }
        assert_eq!(pacer.rate(), None);
        for _ in 0..10 {
            pacer.on_throttle(None);
        }
        let after = first.elapsed().as_secs_f64();
        // 20 answers accepted in about half a second: 90 % of 40 per second.
        let rate = pacer.rate().unwrap_or_default();
        assert!((0.9 * 20.0 / after..=0.9 * 20.0 / before).contains(&rate), "{rate}");
        // The answers of requests already in flight do not lower it again.
        pacer.on_throttle(None);
        assert_eq!(pacer.rate(), Some(rate));
        assert_eq!(pacer.throttled(), 21);
    }

    #[tokio::test]
    async fn retry_after_blocks_every_request() {
        let pacer = Pacer::new(false);
        for _ in 0..MIN_SAMPLES {
            pacer.on_throttle(Some(Duration::from_millis(200)));
        }
        let started = Instant::now();
        pacer.acquire().await;
        assert!(started.elapsed() >= Duration::from_millis(190));
        assert_eq!(pacer.rate(), None, "a non-adaptive pacer never paces");
    }

    #[tokio::test]
    async fn odd_throttled_answers_among_good_ones_are_not_congestion() {
        let pacer = Pacer::new(true);
        // 5 % of the answers throttled, spread out (random faults): never paced, never blocked.
        for n in 0..2000 {
            if n % 20 == 19 {
                pacer.on_throttle(Some(Duration::from_secs(5)));
            } else {
                pacer.on_success();
            }
        }
        assert_eq!(pacer.rate(), None);
        assert_eq!(pacer.throttled(), 100);
        let started = Instant::now();
        pacer.acquire().await;
        assert!(started.elapsed() < Duration::from_millis(100), "a lone Retry-After holds only its own request");
        // A burst is congestion (here 2000 answers came within a second: 400 more throttled ones
        // make a fifth): paced, and its Retry-After holds everyone.
        for _ in 0..400 {
            pacer.on_throttle(Some(Duration::from_millis(150)));
        }
        assert!(pacer.rate().is_some());
        let started = Instant::now();
        pacer.acquire().await;
        assert!(started.elapsed() >= Duration::from_millis(140));
    }
}
