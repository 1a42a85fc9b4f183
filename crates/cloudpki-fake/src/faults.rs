//! Which requests get a fault (deterministic from the seed and the request), and the throttle.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::plan::{FaultKind, FaultPlan, WritePhase};
use crate::rng::{Fnv, mix};

/// A fault chosen for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) kind: FaultKind,
    /// For an ambiguous fault on a write: whether it strikes after the change was applied.
    pub(crate) after: bool,
}

#[derive(Debug)]
pub(crate) struct Faults {
    plan: FaultPlan,
    seed: u64,
    seen: Mutex<HashMap<u64, u32>>,
}

impl Faults {
    pub(crate) fn new(plan: FaultPlan, seed: u64) -> Self {
        Faults { plan, seed, seen: Mutex::new(HashMap::new()) }
    }

    pub(crate) fn plan(&self) -> &FaultPlan {
        &self.plan
    }

    /// The fault of this request, if any: a hash of the seed, the request, and how many times
    /// the same request came before (so a retry is drawn anew). The kind is drawn among those
    /// of the plan that apply to a read or a write (`write`).
    pub(crate) fn decide(&self, method: &str, path_and_query: &str, body: &[u8], write: bool) -> Option<Decision> {
        if !self.plan.is_active() {
            return None;
        }
        let content = Fnv::new().write(method.as_bytes()).write(path_and_query.as_bytes()).write(body).finish();
        let attempt = {
            let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let count = seen.entry(content).or_insert(0);
            *count += 1;
            *count
        };
        let draw = mix(content ^ mix(self.seed) ^ mix(u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15)));
        let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
        if unit >= self.plan.rate {
            return None;
        }
        let second = mix(draw);
        let kinds: Vec<FaultKind> = self.plan.kinds.iter().copied().filter(|kind| kind.applies_to(write)).collect();
        let kind = *kinds.get(((u128::from(second) * kinds.len() as u128) >> 64) as usize)?;
        let after = match self.plan.writes {
            WritePhase::Before => false,
            WritePhase::After => true,
            _ => mix(second) & 1 == 1,
        };
        Some(Decision { kind, after })
    }
}

/// At most `per_second` requests in any sliding second.
#[derive(Debug)]
pub(crate) struct Throttle {
    per_second: usize,
    window: Mutex<VecDeque<Instant>>,
}

impl Throttle {
    pub(crate) fn new(per_second: u32) -> Self {
        Throttle { per_second: per_second as usize, window: Mutex::new(VecDeque::new()) }
    }

    /// Whether a request arriving now is allowed (an allowed request takes a place in the
    /// window; a refused one does not).
    pub(crate) fn admit(&self) -> bool {
        let now = Instant::now();
        let mut window = self.window.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while window.front().is_some_and(|first| now.duration_since(*first) >= Duration::from_secs(1)) {
            window.pop_front();
        }
        if window.len() >= self.per_second {
            return false;
        }
        window.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_are_deterministic_and_near_the_rate() {
        let plan = FaultPlan::new(0.25, &FaultKind::ALL);
        let run = || {
            let faults = Faults::new(plan.clone(), 5);
            (0..4000).map(|n| faults.decide("GET", &format!("/x?{}", n % 50), b"", false)).collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        let faulted = first.iter().flatten().count();
        assert!((850..1150).contains(&faulted), "{faulted}");
        for kind in FaultKind::ALL {
            let of_kind = first.iter().flatten().filter(|decision| decision.kind == kind).count();
            assert!((70..190).contains(&of_kind), "{kind}: {of_kind}");
        }
    }

    #[test]
    fn kinds_are_drawn_among_those_that_apply() {
        let faults = Faults::new(FaultPlan::new(1.0, &[FaultKind::Stale, FaultKind::HugeBody]), 5);
        for n in 0..50 {
            let path = format!("/x?{n}");
            assert_eq!(faults.decide("GET", &path, b"", false).map(|d| d.kind), Some(FaultKind::HugeBody));
            assert_eq!(faults.decide("POST", &path, b"{}", true).map(|d| d.kind), Some(FaultKind::Stale));
        }
        let writes_only = Faults::new(FaultPlan::new(1.0, &[FaultKind::LateSilent]), 5);
        assert_eq!(writes_only.decide("GET", "/x", b"", false), None);
    }

    #[test]
    fn the_throttle_admits_at_most_its_rate() {
        let throttle = Throttle::new(5);
        let admitted = (0..20).filter(|_| throttle.admit()).count();
        assert_eq!(admitted, 5);
    }
}
