//! The adaptive window: how many requests the whole client has in flight, shared by every
//! request (reads, writes, observations, pages), and how evenly they start.
//!
//! Graph throttles per tenant and application by rate, often with a 429 without `Retry-After`,
//! and the Intune query broker with an HTTP 500. A fixed concurrency cannot find that limit: with
//! round trips of a few hundred milliseconds, 16 requests in flight stay far below it, and with
//! fast ones they run into it. The window here finds it, in the spirit of Netflix's
//! concurrency-limits (Vegas and Gradient2), with throttling as the main signal:
//!
//! - **Slow start**: from [`WindowConfig::initial`] (32), the window grows by
//!   [`WindowConfig::slow_start_gain`] per successful answer (it quadruples per round trip)
//!   until the first throttled answer or until latency climbs.
//! - **Throttled** (429, the query broker's 500): the window goes to 105 % of what the service
//!   accepted in the last second, times the smoothed round trip (the Vegas estimate of the
//!   window that fits; never above the window), at most once per round trip. The other answers
//!   of the same burst, arriving in the next moment, may raise that estimate again (a throttled
//!   answer that came first must not cut the window to a fraction of the rate).
//! - **Latency climbs** (the short-term round trip above [`WindowConfig::latency_tolerance`]
//!   times the long-term one, as Gradient2 compares them): the window shrinks by 10 %, at most
//!   once per round trip.
//! - **Otherwise** it probes upwards slowly, 5 % per second, compounding.
//! - **Pacing**: requests start evenly, one every `round trip / window`, so the service sees a
//!   steady rate rather than bursts of a whole window (a sliding-second throttle counts bursts).
//!   After slow start up to twice the window may be in flight ([`Limiter::places`]): the pacing
//!   sets the rate, and the requests sent before a cut do not stop new ones for a round trip.
//! - A throttled request is sent again as soon as the window lets it (its own backoff does not
//!   double: the window already slowed everyone down); it counts against the retry budget.
//! - A `Retry-After` stops every request until it has passed.
//!
//! A configured concurrency is a cap on the window ([`WindowConfig::cap`]);
//! [`WindowConfig::fixed`] turns the adaptation off (a fixed number in flight, unpaced, as
//! Microsoft's Kiota clients and this client before it behaved).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The share of the accepted rate the window goes to when throttled: a little above it, so the
/// service always has a request waiting when its window admits one (a rate throttle admits R
/// per second whatever else arrives; what it refuses is sent again, and counted).
const BACK_OFF: f64 = 1.05;

/// What may be in flight after slow start, as a multiple of the window (see [`Limiter::places`]).
const HEADROOM: f64 = 2.0;

/// How the window behaves.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct WindowConfig {
    /// The window at the start (default 32: round trips of a second then send at 32 per second
    /// during the first, when nothing is known yet).
    pub initial: f64,
    /// The largest window (default 512; a configured concurrency).
    pub cap: usize,
    /// The smallest window (default 1).
    pub min: f64,
    /// Growth per successful answer during slow start (default 3: the window quadruples per
    /// round trip).
    pub slow_start_gain: f64,
    /// Growth per second after slow start, as a factor (default 1.05).
    pub probe_per_second: f64,
    /// How far the short-term round trip may rise above the long-term one before the window
    /// shrinks (default 2.0).
    pub latency_tolerance: f64,
    /// Whether the window adapts at all (`false`: [`WindowConfig::fixed`]).
    pub adaptive: bool,
}

impl Default for WindowConfig {
    fn default() -> Self {
        WindowConfig {
            initial: 32.0,
            cap: 512,
            min: 1.0,
            slow_start_gain: 3.0,
            probe_per_second: 1.05,
            latency_tolerance: 2.0,
            adaptive: true,
        }
    }
}

impl WindowConfig {
    /// A fixed window of `concurrency` requests, unpaced (only `Retry-After` is shared).
    pub fn fixed(concurrency: usize) -> Self {
        let concurrency = concurrency.max(1);
        #[allow(clippy::cast_precision_loss)]
        let initial = concurrency as f64;
        WindowConfig { initial, cap: concurrency, adaptive: false, ..WindowConfig::default() }
    }

    /// This configuration with the window capped at `cap` (a configured concurrency).
    #[must_use]
    pub fn with_cap(mut self, cap: usize) -> Self {
        self.cap = cap.max(1);
        self
    }

    /// This configuration starting at `initial`.
    #[must_use]
    pub fn with_initial(mut self, initial: usize) -> Self {
        #[allow(clippy::cast_precision_loss)]
        let initial = initial.max(1) as f64;
        self.initial = initial;
        self
    }
}

/// The shared window of a client.
#[derive(Debug)]
pub struct Limiter {
    config: WindowConfig,
    state: Mutex<State>,
    released: tokio::sync::Notify,
}

#[derive(Debug)]
struct State {
    limit: f64,
    in_flight: usize,
    slow_start: bool,
    next_start: Instant,
    blocked_until: Instant,
    /// Smoothed round trips of successful answers, in seconds: short-term and long-term.
    short_rtt: Option<f64>,
    long_rtt: Option<f64>,
    last_cut: Option<Instant>,
    /// Until when, after a throttling cut, accepted answers may raise the estimate, and the
    /// window before the cut (the most they may raise it to).
    refine: Option<(Instant, f64)>,
    last_probe: Instant,
    /// When the successful answers of the last second came.
    accepted: VecDeque<Instant>,
    throttled: u64,
    answers: u64,
}

/// How an attempt that held a place in the window ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Answered (not throttled), after this round trip.
    Answered(Duration),
    /// Throttled (429, the query broker's 500).
    Throttled,
    /// No answer, or an answer that says nothing about load (a transport failure).
    Other,
}

/// A place in the window; released when dropped (or by [`Permit::finish`] with what happened).
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a Limiter,
    started: Instant,
    done: bool,
}

impl Permit<'_> {
    /// When the attempt started (for its round trip).
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Releases the place, telling the window what happened.
    pub fn finish(mut self, signal: Signal) {
        self.done = true;
        self.limiter.release(signal);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.limiter.release(Signal::Other);
        }
    }
}

impl Limiter {
    /// A window as `config` says.
    pub fn new(config: WindowConfig) -> Self {
        let now = Instant::now();
        #[allow(clippy::cast_precision_loss)]
        let limit = config.initial.clamp(config.min, config.cap as f64);
        Limiter {
            state: Mutex::new(State {
                limit,
                in_flight: 0,
                slow_start: true,
                next_start: now,
                blocked_until: now,
                short_rtt: None,
                long_rtt: None,
                last_cut: None,
                refine: None,
                last_probe: now,
                accepted: VecDeque::new(),
                throttled: 0,
                answers: 0,
            }),
            config,
            released: tokio::sync::Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits for a place in the window and this request's turn.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            let notified = self.released.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            let wait_until = {
                let mut state = self.lock();
                let now = Instant::now();
                let start = now.max(state.blocked_until).max(state.next_start);
                let places = self.places_of(&state);
                if state.in_flight < places && start <= now {
                    state.in_flight += 1;
                    if self.config.adaptive
                        && let Some(rtt) = state.short_rtt
                    {
                        let spacing = Duration::from_secs_f64((rtt / state.limit).min(10.0));
                        // Catch up by at most one spacing after an idle moment, no burst.
                        let base = if state.next_start + spacing < now { now } else { state.next_start };
                        state.next_start = base + spacing;
                    }
                    return Permit { limiter: self, started: now, done: false };
                }
                (start > now).then_some(start)
            };
            match wait_until {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => notified.await,
            }
        }
    }

    fn release(&self, signal: Signal) {
        {
            let mut state = self.lock();
            state.in_flight = state.in_flight.saturating_sub(1);
            let now = Instant::now();
            match signal {
                Signal::Answered(rtt) => self.on_answer(&mut state, now, rtt.as_secs_f64()),
                Signal::Throttled => self.on_throttle(&mut state, now),
                Signal::Other => {}
            }
        }
        self.released.notify_waiters();
    }

    #[allow(clippy::cast_precision_loss)]
    fn on_answer(&self, state: &mut State, now: Instant, rtt: f64) {
        state.answers += 1;
        state.accepted.push_back(now);
        while state.accepted.front().is_some_and(|t| now.duration_since(*t) > Duration::from_secs(1)) {
            state.accepted.pop_front();
        }
        let short = state.short_rtt.map_or(rtt, |s| s * 0.8 + rtt * 0.2);
        let long = state.long_rtt.map_or(rtt, |l| l * 0.99 + rtt * 0.01);
        state.short_rtt = Some(short);
        state.long_rtt = Some(long);
        if !self.config.adaptive {
            return;
        }
        let cap = self.config.cap as f64;
        if short > long * self.config.latency_tolerance {
            // Latency climbs: a queue is building somewhere.
            if Self::may_cut(state, now) {
                state.slow_start = false;
                state.limit = (state.limit * 0.9).max(self.config.min);
                state.last_cut = Some(now);
                state.last_probe = now;
            }
            return;
        }
        if let Some((until, before_cut)) = state.refine {
            if now <= until {
                state.limit = state.limit.max(Self::fits(state, short).min(before_cut));
                return;
            }
            state.refine = None;
        }
        if state.slow_start {
            state.limit = (state.limit + self.config.slow_start_gain).min(cap);
            state.last_probe = now;
        } else if state.last_cut.is_none_or(|cut| now.duration_since(cut).as_secs_f64() > short) {
            let elapsed = now.duration_since(state.last_probe).as_secs_f64();
            state.limit = (state.limit * self.config.probe_per_second.powf(elapsed)).min(cap);
            state.last_probe = now;
        }
    }

    /// At most one cut per round trip.
    fn may_cut(state: &State, now: Instant) -> bool {
        let rtt = state.short_rtt.unwrap_or(0.1);
        state.last_cut.is_none_or(|cut| now.duration_since(cut).as_secs_f64() >= rtt)
    }

    #[allow(clippy::cast_precision_loss)]
    fn on_throttle(&self, state: &mut State, now: Instant) {
        state.throttled += 1;
        if !self.config.adaptive || !Self::may_cut(state, now) {
            return;
        }
        state.slow_start = false;
        state.last_cut = Some(now);
        state.last_probe = now;
        while state.accepted.front().is_some_and(|t| now.duration_since(*t) > Duration::from_secs(1)) {
            state.accepted.pop_front();
        }
        let rtt = state.short_rtt.unwrap_or(0.1);
        let fits = Self::fits(state, rtt);
        let target = if fits >= self.config.min { fits.min(state.limit) } else { state.limit * 0.5 };
        // The answers of the same burst come in over the next moment: until then each accepted
        // one may raise the estimate again (up to the window before the cut), so a throttled
        // answer that arrived first cannot cut the window to a fraction of the rate.
        state.refine = Some((now + Duration::from_secs_f64((rtt / 4.0).min(0.25)), state.limit));
        state.limit = target.max(self.config.min);
        // Leave the service's window a moment to drain.
        let pause = Duration::from_secs_f64((rtt / state.limit).min(10.0));
        state.next_start = state.next_start.max(now + pause);
    }

    /// The window that fits what the service accepted in the last second (the Vegas estimate:
    /// rate times round trip), a little above it ([`BACK_OFF`]). A throttle that refuses past R
    /// requests in a sliding second has accepted R in the last one when it refuses.
    #[allow(clippy::cast_precision_loss)]
    fn fits(state: &State, rtt: f64) -> f64 {
        BACK_OFF * state.accepted.len() as f64 * rtt
    }

    /// How many requests may be in flight: the window, and after slow start twice the window
    /// (as BBR caps what is in flight at twice what fits while the pacing sets the rate). The
    /// pacing keeps about a window in flight; the headroom matters after a cut, when the
    /// requests sent before it (mostly bound to be throttled) are still out: without it nothing
    /// would start for a whole round trip, and the service would see a gap instead of the rate
    /// it accepts.
    pub fn places(&self) -> usize {
        self.places_of(&self.lock())
    }

    fn places_of(&self, state: &State) -> usize {
        let headroom = if self.config.adaptive && !state.slow_start { HEADROOM } else { 1.0 };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let places = ((state.limit * headroom).ceil() as usize).clamp(1, self.config.cap.max(1));
        places
    }

    /// Stops every request until `until` (a `Retry-After`).
    pub fn block_until(&self, until: Instant) {
        let mut state = self.lock();
        state.blocked_until = state.blocked_until.max(until);
    }

    /// Whether the window adapts (not [`WindowConfig::fixed`]).
    pub fn is_adaptive(&self) -> bool {
        self.config.adaptive
    }

    /// The current window (requests in flight allowed).
    pub fn window(&self) -> f64 {
        self.lock().limit
    }

    /// Requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.lock().in_flight
    }

    /// Throttled answers seen (429, the query broker's 500).
    pub fn throttled(&self) -> u64 {
        self.lock().throttled
    }

    /// Answers seen that were not throttled.
    pub fn answered(&self) -> u64 {
        self.lock().answers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn grows_while_flat_and_shrinks_on_throttling_and_latency() {
        let limiter = Limiter::new(WindowConfig::default().with_initial(4));
        for _ in 0..10 {
            limiter.acquire().await.finish(Signal::Answered(Duration::from_millis(1)));
        }
        assert!(limiter.window() >= 20.0, "slow start: {}", limiter.window());
        let before = limiter.window();
        limiter.acquire().await.finish(Signal::Throttled);
        assert!(limiter.window() < before, "throttled: {} < {before}", limiter.window());
        assert_eq!(limiter.throttled(), 1);
        // Latency climbing far above the long-term level shrinks it too.
        tokio::time::sleep(Duration::from_millis(80)).await;
        let settled = limiter.window();
        for _ in 0..8 {
            limiter.acquire().await.finish(Signal::Answered(Duration::from_millis(50)));
        }
        assert!(limiter.window() < settled, "latency: {} < {settled}", limiter.window());
    }

    /// A limiter out of slow start with `limit`, a steady round trip of `rtt` seconds, and
    /// `accepted` answers spread over the second before `now`.
    fn steady(config: WindowConfig, limit: f64, rtt: f64, accepted: usize, now: Instant) -> Limiter {
        let limiter = Limiter::new(config);
        {
            let mut state = limiter.lock();
            state.limit = limit;
            state.slow_start = false;
            state.short_rtt = Some(rtt);
            state.long_rtt = Some(rtt);
            state.last_probe = now;
            #[allow(clippy::cast_possible_truncation)]
            let step = Duration::from_secs(1) / accepted.max(1) as u32;
            state.accepted = (0..accepted).map(|n| now - step * n as u32).collect();
        }
        limiter
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn throttling_sets_the_window_to_105_percent_of_what_the_service_accepted() {
        let now = Instant::now();
        // 50 answers in the last second at 100 ms each: 5 requests fitted in flight.
        let limiter = steady(WindowConfig::default(), 100.0, 0.1, 50, now);
        limiter.on_throttle(&mut limiter.lock(), now);
        assert!(close(limiter.window(), 1.05 * 50.0 * 0.1), "{}", limiter.window());
        assert_eq!(limiter.throttled(), 1);
        // And new requests wait a moment for the service's window to drain.
        let state = limiter.lock();
        assert!(state.next_start >= now + Duration::from_secs_f64(0.1 / state.limit) - Duration::from_nanos(1));
        assert!(!state.slow_start);
    }

    #[test]
    fn the_vegas_estimate_never_raises_the_window() {
        let now = Instant::now();
        // The estimate (1.05 * 50/s * 1 s = 52.5) is above the window: it holds.
        let limiter = steady(WindowConfig::default(), 20.0, 1.0, 50, now);
        limiter.on_throttle(&mut limiter.lock(), now);
        assert!(close(limiter.window(), 20.0), "{}", limiter.window());
    }

    #[test]
    fn the_rest_of_a_burst_may_raise_the_estimate_up_to_the_window_before_the_cut() {
        let now = Instant::now();
        // A throttled answer arrives first, with only 8 accepted answers counted so far.
        let limiter = steady(WindowConfig::default(), 32.0, 1.0, 8, now);
        limiter.on_throttle(&mut limiter.lock(), now);
        assert!(close(limiter.window(), 1.05 * 8.0), "{}", limiter.window());
        // The burst's other answers come in the next moment: 12 more accepted.
        for n in 1..=12 {
            limiter.on_answer(&mut limiter.lock(), now + Duration::from_millis(n), 1.0);
        }
        assert!(close(limiter.window(), 1.05 * 20.0), "raised: {}", limiter.window());
        // Never above the window before the cut, and not after the moment has passed.
        for n in 13..=40 {
            limiter.on_answer(&mut limiter.lock(), now + Duration::from_millis(n), 1.0);
        }
        assert!(close(limiter.window(), 32.0), "at most the window before: {}", limiter.window());
        let late = steady(WindowConfig::default(), 32.0, 1.0, 8, now);
        late.on_throttle(&mut late.lock(), now);
        late.on_answer(&mut late.lock(), now + Duration::from_millis(300), 1.0);
        assert!(close(late.window(), 1.05 * 8.0), "too late to raise: {}", late.window());
    }

    #[test]
    fn twice_the_window_may_be_in_flight_after_slow_start_never_above_the_cap() {
        let now = Instant::now();
        let starting = Limiter::new(WindowConfig::default().with_initial(10));
        assert_eq!(starting.places(), 10, "slow start: the window");
        assert_eq!(steady(WindowConfig::default(), 10.0, 0.1, 0, now).places(), 20);
        assert_eq!(steady(WindowConfig::default().with_cap(15), 10.0, 0.1, 0, now).places(), 15);
        assert_eq!(Limiter::new(WindowConfig::fixed(10)).places(), 10, "fixed: the window");
    }

    #[test]
    fn without_enough_accepted_answers_throttling_halves_the_window_down_to_its_floor() {
        let now = Instant::now();
        let limiter = steady(WindowConfig::default(), 40.0, 0.1, 0, now);
        limiter.on_throttle(&mut limiter.lock(), now);
        assert!(close(limiter.window(), 20.0), "{}", limiter.window());
        let floor = steady(WindowConfig { min: 2.0, ..WindowConfig::default() }, 3.0, 0.1, 0, now);
        floor.on_throttle(&mut floor.lock(), now);
        assert!(close(floor.window(), 2.0), "{}", floor.window());
    }

    #[test]
    fn a_burst_of_throttled_answers_cuts_once_per_round_trip() {
        let now = Instant::now();
        let limiter = steady(WindowConfig::default(), 64.0, 0.1, 0, now);
        limiter.on_throttle(&mut limiter.lock(), now);
        limiter.on_throttle(&mut limiter.lock(), now + Duration::from_millis(10));
        limiter.on_throttle(&mut limiter.lock(), now + Duration::from_millis(99));
        assert!(close(limiter.window(), 32.0), "one cut for the burst: {}", limiter.window());
        assert_eq!(limiter.throttled(), 3, "every throttled answer is counted");
        limiter.on_throttle(&mut limiter.lock(), now + Duration::from_millis(100));
        assert!(close(limiter.window(), 16.0), "a round trip later: {}", limiter.window());
    }

    #[test]
    fn slow_start_adds_the_gain_per_answer_up_to_the_cap() {
        let limiter = Limiter::new(WindowConfig::default().with_initial(4).with_cap(12));
        let now = Instant::now();
        limiter.on_answer(&mut limiter.lock(), now, 0.05);
        assert!(close(limiter.window(), 7.0), "{}", limiter.window());
        for _ in 0..10 {
            limiter.on_answer(&mut limiter.lock(), now, 0.05);
        }
        assert!(close(limiter.window(), 12.0), "capped: {}", limiter.window());
        assert_eq!(limiter.answered(), 11);
    }

    #[test]
    fn after_slow_start_the_window_probes_up_5_percent_a_second_compounding() {
        let now = Instant::now();
        let limiter = steady(WindowConfig::default(), 10.0, 0.1, 10, now);
        limiter.lock().last_probe = now - Duration::from_secs(2);
        limiter.on_answer(&mut limiter.lock(), now, 0.1);
        assert!((limiter.window() - 10.0 * 1.05f64.powi(2)).abs() < 1e-6, "{}", limiter.window());
        // Within a round trip of the last cut it holds still.
        let held = steady(WindowConfig::default(), 10.0, 0.1, 10, now);
        {
            let mut state = held.lock();
            state.last_cut = Some(now - Duration::from_millis(50));
            state.last_probe = now - Duration::from_secs(2);
        }
        held.on_answer(&mut held.lock(), now, 0.1);
        assert!(close(held.window(), 10.0), "{}", held.window());
    }

    #[test]
    fn latency_above_the_tolerance_cuts_10_percent() {
        let now = Instant::now();
        let limiter = steady(WindowConfig::default(), 30.0, 0.01, 10, now);
        // The short-term average jumps far above twice the long-term one.
        limiter.on_answer(&mut limiter.lock(), now, 1.0);
        assert!(close(limiter.window(), 27.0), "{}", limiter.window());
        // Within the tolerance: no cut (a probe at most).
        let calm = steady(WindowConfig::default(), 30.0, 0.01, 10, now);
        calm.on_answer(&mut calm.lock(), now, 0.015);
        assert!(calm.window() >= 30.0, "{}", calm.window());
    }

    #[test]
    fn a_fixed_window_counts_but_never_moves() {
        let limiter = Limiter::new(WindowConfig::fixed(4));
        let now = Instant::now();
        for n in 0..20u64 {
            limiter.on_answer(&mut limiter.lock(), now + Duration::from_secs(n), 0.01);
            limiter.on_throttle(&mut limiter.lock(), now + Duration::from_secs(n));
        }
        assert!(close(limiter.window(), 4.0), "{}", limiter.window());
        assert_eq!((limiter.answered(), limiter.throttled()), (20, 20));
        assert!(close(Limiter::new(WindowConfig::fixed(0)).window(), 1.0), "at least one");
    }

    #[test]
    fn the_configuration_is_clamped() {
        assert!(close(Limiter::new(WindowConfig::default().with_initial(1000).with_cap(5)).window(), 5.0));
        assert_eq!(WindowConfig::default().with_cap(0).cap, 1);
        assert!(close(WindowConfig::default().with_initial(0).initial, 1.0));
        let fixed = WindowConfig::fixed(7);
        assert_eq!((fixed.cap, fixed.adaptive), (7, false));
        assert!(close(fixed.initial, 7.0));
    }

    #[tokio::test]
    async fn starts_are_paced_one_round_trip_over_the_window_apart() {
        let now = Instant::now();
        // 100 ms round trips, a window of 10: one start every 10 ms.
        let limiter = steady(WindowConfig::default(), 10.0, 0.1, 0, now);
        // After an idle moment the schedule catches up to now, not further (no burst).
        limiter.lock().next_start = now - Duration::from_secs(1);
        let first = limiter.acquire().await;
        let spacing = limiter.lock().next_start.saturating_duration_since(first.started());
        assert!((Duration::from_micros(9_900)..=Duration::from_micros(10_100)).contains(&spacing), "{spacing:?}");
        let second = limiter.acquire().await;
        assert!(second.started() >= first.started() + Duration::from_millis(9), "paced");
        // Unpaced when fixed.
        let fixed = Limiter::new(WindowConfig::fixed(10));
        let a = fixed.acquire().await;
        let b = fixed.acquire().await;
        assert!(b.started().duration_since(a.started()) < Duration::from_millis(5));
    }

    #[tokio::test]
    async fn a_retry_after_holds_every_start_until_it_has_passed() {
        let limiter = Limiter::new(WindowConfig::fixed(8));
        let until = Instant::now() + Duration::from_millis(150);
        limiter.block_until(until);
        // An earlier block never shortens a later one.
        limiter.block_until(Instant::now());
        let permit = limiter.acquire().await;
        assert!(permit.started() >= until, "started before the Retry-After had passed");
    }

    #[tokio::test]
    async fn a_dropped_permit_gives_its_place_back() {
        let limiter = Limiter::new(WindowConfig::fixed(1));
        let permit = limiter.acquire().await;
        assert_eq!(limiter.in_flight(), 1);
        drop(permit);
        assert_eq!(limiter.in_flight(), 0);
        let again = tokio::time::timeout(Duration::from_millis(50), limiter.acquire()).await;
        assert!(again.is_ok());
        assert_eq!((limiter.answered(), limiter.throttled()), (0, 0), "a drop says nothing about load");
    }

    #[tokio::test]
    async fn the_window_bounds_what_is_in_flight_and_a_cap_bounds_the_window() {
        let limiter = Limiter::new(WindowConfig::fixed(2));
        let a = limiter.acquire().await;
        let _b = limiter.acquire().await;
        assert_eq!(limiter.in_flight(), 2);
        let third = tokio::time::timeout(Duration::from_millis(50), limiter.acquire()).await;
        assert!(third.is_err(), "a third waits");
        a.finish(Signal::Answered(Duration::from_millis(1)));
        let third = tokio::time::timeout(Duration::from_millis(50), limiter.acquire()).await;
        assert!(third.is_ok(), "a place came free");
        let capped = Limiter::new(WindowConfig::default().with_cap(5));
        for _ in 0..50 {
            capped.acquire().await.finish(Signal::Answered(Duration::from_micros(10)));
        }
        assert!(capped.window() <= 5.0);
    }
}
