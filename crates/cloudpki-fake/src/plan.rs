//! The fault plan: which misbehaviours a fake injects ([`FaultKind`]), how often, and the
//! options of each (`--faults rate=0.1,kinds=...,late=40s,...`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::parse::{ConfigError, GIB, parse_duration, parse_size};

/// One kind of injected fault. The first eight ([`FaultKind::ALL`], `kinds=all`) are the
/// transient failures a client must retry through; the others ([`FaultKind::EVERY`],
/// `kinds=every`) are hostile or ambiguous answers a client must survive without harm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FaultKind {
    /// `429`: 429 Too Many Requests with `Retry-After` (the plan's seconds). Nothing is applied.
    TooManyRequests,
    /// `429-no-retry-after`: 429 without `Retry-After`. Nothing is applied.
    TooManyRequestsWithoutRetryAfter,
    /// `500-broker`: the Intune query broker's HTTP 500, "Rate limit reached because of too many
    /// requests to query broker. Please retry after sometime.". Nothing is applied.
    QueryBroker,
    /// `503`: 503 Service Unavailable with `Retry-After`. Nothing is applied.
    ServiceUnavailable,
    /// `504`: 504 Gateway Timeout. On a write, before or after the change is applied.
    GatewayTimeout,
    /// `slow`: the right answer, after the plan's slow delay. A write is applied at once.
    Slow,
    /// `truncate`: the status line and headers with a `Content-Length` larger than the bytes
    /// sent, then the connection is closed. On a write, before or after the change is applied.
    Truncate,
    /// `drop`: the connection is closed without an answer. On a write, before or after the
    /// change is applied.
    Drop,
    /// `late-answer` (writes only): the write is applied after the plan's late delay (by a task
    /// of its own, even if the client has hung up), then answered as usual, that late.
    LateAnswer,
    /// `late-silent` (writes only): the write is applied after the plan's late delay (by a task
    /// of its own); the connection is held until then and closed without an answer.
    LateSilent,
    /// `applied-503` (writes only): the write is applied, its answer discarded and replaced by
    /// 503 Service Unavailable with `Retry-After`.
    Applied503,
    /// `applied-502` (writes only): the write is applied, its answer replaced by 502 Bad Gateway.
    Applied502,
    /// `applied-500-broker` (writes only): the write is applied, its answer replaced by the
    /// query broker's 500.
    AppliedQueryBroker,
    /// `stale` (writes only): the write is applied and answered as usual, but reads may not see
    /// it for the plan's stale window (the handlers read `Ctx::stale_window`): a read of the
    /// entity, and listings and counts, whose `$filter` matches the entity as it was.
    Stale,
    /// `retry-after-huge`: 429 with `Retry-After: 18446744073709551615`. Nothing is applied.
    RetryAfterHuge,
    /// `retry-after-100000`: 503 with `Retry-After: 100000` (27.8 hours). Nothing is applied.
    RetryAfter100000,
    /// `retry-after-negative`: 429 with `Retry-After: -5`. Nothing is applied.
    RetryAfterNegative,
    /// `retry-after-past-date`: 503 with `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`. Nothing
    /// is applied.
    RetryAfterPastDate,
    /// `loop-next-link` (reads only): a page that has an `@odata.nextLink` gets, instead, the
    /// URL of the listing's first page (the request's URL without `$skiptoken`): the first page
    /// links to itself, later pages back to the first. A client that does not remember the links
    /// it followed lists forever.
    LoopNextLink,
    /// `huge-body` (reads only): 200 with a body of the plan's huge size (default 1 GiB),
    /// chunked, without `Content-Length`: `{"@odata.context":...,"value":[` then leaf
    /// certificates until the size, then `]}`. Streamed: the fake never holds it whole.
    HugeBody,
    /// `hostile-text`: 400 whose error `code` and `message` carry terminal control sequences
    /// (ESC [2J, an OSC 52 clipboard write, BEL, CR) and bidi overrides (U+202E, U+2066..U+2069).
    /// Nothing is applied.
    HostileText,
    /// `redirect`: 307 Temporary Redirect to the same path on another loopback host,
    /// `http://127.0.0.2:PORT/...` (never any other address). Nothing is applied. A request that
    /// follows it is counted in [`Stats::redirects_followed`](crate::Stats) (with its token, in
    /// `redirects_followed_with_token`) when the fake could listen on 127.0.0.2.
    Redirect,
}

impl FaultKind {
    /// The transient failures (`kinds=all`), in the order of the `--faults` documentation.
    pub const ALL: [FaultKind; 8] = [
        FaultKind::TooManyRequests,
        FaultKind::TooManyRequestsWithoutRetryAfter,
        FaultKind::QueryBroker,
        FaultKind::ServiceUnavailable,
        FaultKind::GatewayTimeout,
        FaultKind::Slow,
        FaultKind::Truncate,
        FaultKind::Drop,
    ];

    /// Every kind (`kinds=every`): [`FaultKind::ALL`], then the hostile and ambiguous ones.
    pub const EVERY: [FaultKind; 22] = [
        FaultKind::TooManyRequests,
        FaultKind::TooManyRequestsWithoutRetryAfter,
        FaultKind::QueryBroker,
        FaultKind::ServiceUnavailable,
        FaultKind::GatewayTimeout,
        FaultKind::Slow,
        FaultKind::Truncate,
        FaultKind::Drop,
        FaultKind::LateAnswer,
        FaultKind::LateSilent,
        FaultKind::Applied503,
        FaultKind::Applied502,
        FaultKind::AppliedQueryBroker,
        FaultKind::Stale,
        FaultKind::RetryAfterHuge,
        FaultKind::RetryAfter100000,
        FaultKind::RetryAfterNegative,
        FaultKind::RetryAfterPastDate,
        FaultKind::LoopNextLink,
        FaultKind::HugeBody,
        FaultKind::HostileText,
        FaultKind::Redirect,
    ];

    /// The kind's name in `--faults` and in [`Stats::faults`](crate::Stats).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::TooManyRequests => "429",
            FaultKind::TooManyRequestsWithoutRetryAfter => "429-no-retry-after",
            FaultKind::QueryBroker => "500-broker",
            FaultKind::ServiceUnavailable => "503",
            FaultKind::GatewayTimeout => "504",
            FaultKind::Slow => "slow",
            FaultKind::Truncate => "truncate",
            FaultKind::Drop => "drop",
            FaultKind::LateAnswer => "late-answer",
            FaultKind::LateSilent => "late-silent",
            FaultKind::Applied503 => "applied-503",
            FaultKind::Applied502 => "applied-502",
            FaultKind::AppliedQueryBroker => "applied-500-broker",
            FaultKind::Stale => "stale",
            FaultKind::RetryAfterHuge => "retry-after-huge",
            FaultKind::RetryAfter100000 => "retry-after-100000",
            FaultKind::RetryAfterNegative => "retry-after-negative",
            FaultKind::RetryAfterPastDate => "retry-after-past-date",
            FaultKind::LoopNextLink => "loop-next-link",
            FaultKind::HugeBody => "huge-body",
            FaultKind::HostileText => "hostile-text",
            FaultKind::Redirect => "redirect",
        }
    }

    /// What the kind does, one line for `--help`.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            FaultKind::TooManyRequests => "429 with Retry-After (retry-after=, default 1 s); nothing applied",
            FaultKind::TooManyRequestsWithoutRetryAfter => "429 without Retry-After; nothing applied",
            FaultKind::QueryBroker => "the Intune query broker's 500 \"Rate limit reached ...\"; nothing applied",
            FaultKind::ServiceUnavailable => "503 with Retry-After; nothing applied",
            FaultKind::GatewayTimeout => "504; a write is applied before or after (writes=)",
            FaultKind::Slow => "the right answer after slow= (default 1 s)",
            FaultKind::Truncate => "a Content-Length longer than the body, then the connection closes; writes= phase",
            FaultKind::Drop => "the connection closes without an answer; writes= phase",
            FaultKind::LateAnswer => {
                "writes only: applied after late= (default 30 s) by a task of its own, then answered that late"
            }
            FaultKind::LateSilent => {
                "writes only: applied after late= by a task of its own; the connection is held until then and closed unanswered"
            }
            FaultKind::Applied503 => "writes only: applied, then answered 503 with Retry-After",
            FaultKind::Applied502 => "writes only: applied, then answered 502 Bad Gateway",
            FaultKind::AppliedQueryBroker => "writes only: applied, then answered the query broker's 500",
            FaultKind::Stale => "writes only: applied and answered, but reads stay stale for stale= (default 2 s)",
            FaultKind::RetryAfterHuge => "429 with Retry-After: 18446744073709551615; nothing applied",
            FaultKind::RetryAfter100000 => "503 with Retry-After: 100000; nothing applied",
            FaultKind::RetryAfterNegative => "429 with Retry-After: -5; nothing applied",
            FaultKind::RetryAfterPastDate => "503 with Retry-After: Wed, 21 Oct 2015 07:28:00 GMT; nothing applied",
            FaultKind::LoopNextLink => {
                "reads only: a page's @odata.nextLink becomes the first page's URL (page 1 links to itself, later pages back to page 1)"
            }
            FaultKind::HugeBody => {
                "reads only: 200 with a streamed, chunked JSON page of huge= bytes (default 1GiB), no Content-Length"
            }
            FaultKind::HostileText => {
                "400 whose error code and message carry ESC[2J, OSC 52, BEL, CR and bidi overrides (U+202E, U+2066..2069); nothing applied"
            }
            FaultKind::Redirect => {
                "307 to the same path on http://127.0.0.2:PORT (another host, loopback); nothing applied; follow-ups counted"
            }
        }
    }

    /// An example `--faults` value injecting this kind.
    #[must_use]
    pub fn example(self) -> &'static str {
        match self {
            FaultKind::TooManyRequests => "rate=0.2,kinds=429,retry-after=2",
            FaultKind::TooManyRequestsWithoutRetryAfter => "rate=0.2,kinds=429-no-retry-after",
            FaultKind::QueryBroker => "rate=0.1,kinds=500-broker",
            FaultKind::ServiceUnavailable => "rate=0.1,kinds=503,retry-after=3",
            FaultKind::GatewayTimeout => "rate=0.1,kinds=504,writes=after",
            FaultKind::Slow => "rate=0.1,kinds=slow,slow=1500ms",
            FaultKind::Truncate => "rate=0.1,kinds=truncate,writes=before",
            FaultKind::Drop => "rate=0.1,kinds=drop",
            FaultKind::LateAnswer => "rate=0.1,kinds=late-answer,late=40s",
            FaultKind::LateSilent => "rate=0.1,kinds=late-silent,late=40s",
            FaultKind::Applied503 => "rate=0.1,kinds=applied-503",
            FaultKind::Applied502 => "rate=0.1,kinds=applied-502",
            FaultKind::AppliedQueryBroker => "rate=0.1,kinds=applied-500-broker",
            FaultKind::Stale => "rate=0.5,kinds=stale,stale=5s",
            FaultKind::RetryAfterHuge => "rate=0.1,kinds=retry-after-huge",
            FaultKind::RetryAfter100000 => "rate=0.1,kinds=retry-after-100000",
            FaultKind::RetryAfterNegative => "rate=0.1,kinds=retry-after-negative",
            FaultKind::RetryAfterPastDate => "rate=0.1,kinds=retry-after-past-date",
            FaultKind::LoopNextLink => "rate=1,kinds=loop-next-link",
            FaultKind::HugeBody => "rate=0.05,kinds=huge-body,huge=2GiB",
            FaultKind::HostileText => "rate=0.2,kinds=hostile-text",
            FaultKind::Redirect => "rate=0.1,kinds=redirect",
        }
    }

    /// Whether a write may be applied although this fault is what the client sees (504,
    /// truncate, drop): the client cannot know whether the change happened.
    #[must_use]
    pub fn is_ambiguous(self) -> bool {
        matches!(self, FaultKind::GatewayTimeout | FaultKind::Truncate | FaultKind::Drop)
    }

    /// Whether the kind can strike a read (`write == false`) or a write (`write == true`).
    /// A request is only drawn among the kinds that apply to it.
    #[must_use]
    pub fn applies_to(self, write: bool) -> bool {
        match self {
            FaultKind::LateAnswer
            | FaultKind::LateSilent
            | FaultKind::Applied503
            | FaultKind::Applied502
            | FaultKind::AppliedQueryBroker
            | FaultKind::Stale => write,
            FaultKind::LoopNextLink | FaultKind::HugeBody => !write,
            _ => true,
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FaultKind {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, ConfigError> {
        FaultKind::EVERY.into_iter().find(|kind| kind.as_str() == text).ok_or_else(|| {
            let known: Vec<_> = FaultKind::EVERY.iter().map(|kind| kind.as_str()).collect();
            ConfigError(format!("unknown fault kind `{text}` (known: {}, all, every)", known.join(", ")))
        })
    }
}

/// When an ambiguous fault (504, truncate, drop) on a write strikes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum WritePhase {
    /// Before the change: nothing was applied.
    Before,
    /// After the change: it was applied, although the client sees a failure.
    After,
    /// Either, chosen per request from the seed (the default).
    #[default]
    Both,
}

impl FromStr for WritePhase {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, ConfigError> {
        match text {
            "before" => Ok(WritePhase::Before),
            "after" => Ok(WritePhase::After),
            "both" => Ok(WritePhase::Both),
            other => Err(ConfigError(format!("`{other}`: expected before, after or both"))),
        }
    }
}

/// Which faults to inject, and how often.
///
/// Each Graph request that passed authentication and the throttle gets a fault with probability
/// `rate`, of a kind drawn evenly from those of `kinds` that apply to it
/// ([`FaultKind::applies_to`]: some only strike writes, some only reads). The draw is a hash of
/// the seed, the request (method, path and query, body) and how many times that same request
/// was seen before, so a run with the same seed and the same requests gets the same faults
/// whatever the order in which concurrent requests arrive, and a retry of a request is drawn
/// anew.
///
/// Text form (`--faults`): `rate=0.1,kinds=429,429-no-retry-after,500-broker,503,504,slow,truncate,drop`;
/// `kinds=all` (those eight, also the default when `kinds` is left out), `kinds=every` (every
/// kind); `retry-after=2` (seconds, for 429 and 503; default 1); `slow=1500ms` (default 1s);
/// `writes=before|after|both` (when an ambiguous fault strikes a write; default both);
/// `late=40s` (late writes; default 30s); `stale=2s` (the stale window; default 2s);
/// `huge=2GiB` (the size of a huge body: B, KiB, MiB, GiB, KB, MB, GB; default 1GiB). `none`
/// or the empty text: no faults.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FaultPlan {
    /// The probability of a fault per request, in `0..=1`.
    pub rate: f64,
    /// The kinds drawn from.
    pub kinds: Vec<FaultKind>,
    /// The `Retry-After` of `429` and `503` faults.
    pub retry_after: Duration,
    /// How long a `slow` answer waits.
    pub slow_delay: Duration,
    /// When ambiguous faults strike writes.
    pub writes: WritePhase,
    /// How long a `late-answer` or `late-silent` write waits before it is applied.
    pub late_delay: Duration,
    /// How long reads stay stale after a `stale` write.
    pub stale_window: Duration,
    /// The size in bytes of a `huge-body` answer.
    pub huge_size: u64,
}

impl Default for FaultPlan {
    fn default() -> Self {
        FaultPlan::none()
    }
}

impl FaultPlan {
    /// No faults.
    #[must_use]
    pub fn none() -> Self {
        FaultPlan {
            rate: 0.0,
            kinds: FaultKind::ALL.to_vec(),
            retry_after: Duration::from_secs(1),
            slow_delay: Duration::from_secs(1),
            writes: WritePhase::Both,
            late_delay: Duration::from_secs(30),
            stale_window: Duration::from_secs(2),
            huge_size: GIB,
        }
    }

    /// Faults of `kinds` at `rate`.
    #[must_use]
    pub fn new(rate: f64, kinds: &[FaultKind]) -> Self {
        FaultPlan { rate: rate.clamp(0.0, 1.0), kinds: kinds.to_vec(), ..FaultPlan::none() }
    }

    /// This plan with ambiguous write faults striking only before or after the change.
    #[must_use]
    pub fn with_writes(mut self, writes: WritePhase) -> Self {
        self.writes = writes;
        self
    }

    /// This plan with another slow delay.
    #[must_use]
    pub fn with_slow_delay(mut self, delay: Duration) -> Self {
        self.slow_delay = delay;
        self
    }

    /// This plan with another `Retry-After`.
    #[must_use]
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = delay;
        self
    }

    /// This plan with another delay for late writes.
    #[must_use]
    pub fn with_late_delay(mut self, delay: Duration) -> Self {
        self.late_delay = delay;
        self
    }

    /// This plan with another stale window.
    #[must_use]
    pub fn with_stale_window(mut self, window: Duration) -> Self {
        self.stale_window = window;
        self
    }

    /// This plan with another size of huge bodies, in bytes.
    #[must_use]
    pub fn with_huge_size(mut self, bytes: u64) -> Self {
        self.huge_size = bytes;
        self
    }

    /// Whether the plan injects anything.
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.rate > 0.0 && !self.kinds.is_empty()
    }
}

const OPTIONS: &str = "rate, kinds, retry-after, slow, writes, late, stale, huge";

impl FromStr for FaultPlan {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let mut plan = FaultPlan::none();
        if text.is_empty() || text == "none" {
            return Ok(plan);
        }
        let mut kinds = Vec::new();
        let mut in_kinds = false;
        let mut rate = None;
        for token in text.split(',').map(str::trim).filter(|token| !token.is_empty()) {
            let (key, value) = match token.split_once('=') {
                Some((key, value)) => (key.trim(), value.trim()),
                None if in_kinds => ("kinds", token),
                None => return Err(ConfigError(format!("`{token}`: expected key=value ({OPTIONS})"))),
            };
            in_kinds = key == "kinds";
            match key {
                "rate" => {
                    let value: f64 =
                        value.parse().map_err(|_| ConfigError(format!("rate `{value}` is not a number")))?;
                    if !(0.0..=1.0).contains(&value) {
                        return Err(ConfigError(format!("rate {value} is not between 0 and 1")));
                    }
                    rate = Some(value);
                }
                "kinds" if value == "all" => kinds.extend(FaultKind::ALL),
                "kinds" if value == "every" => kinds.extend(FaultKind::EVERY),
                "kinds" => kinds.push(value.parse()?),
                "retry-after" => plan.retry_after = parse_duration_or_seconds(value)?,
                "slow" => plan.slow_delay = parse_duration(value)?,
                "writes" => plan.writes = value.parse()?,
                "late" => plan.late_delay = parse_duration(value)?,
                "stale" => plan.stale_window = parse_duration(value)?,
                "huge" => plan.huge_size = parse_size(value)?,
                other => return Err(ConfigError(format!("unknown fault option `{other}` ({OPTIONS})"))),
            }
        }
        if !kinds.is_empty() {
            kinds.sort();
            kinds.dedup();
            plan.kinds = kinds;
        }
        plan.rate = rate.ok_or_else(|| ConfigError("the fault plan needs a rate (e.g. rate=0.1)".to_owned()))?;
        Ok(plan)
    }
}

/// Whole seconds (`2`) or a duration (`1500ms`).
fn parse_duration_or_seconds(text: &str) -> Result<Duration, ConfigError> {
    match text.parse::<u64>() {
        Ok(seconds) => Ok(Duration::from_secs(seconds)),
        Err(_) => parse_duration(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_plans_read_as_documented() {
        let plan: FaultPlan =
            "rate=0.1,kinds=429,429-no-retry-after,500-broker,503,504,slow,truncate,drop".parse().unwrap();
        assert_eq!(plan.rate, 0.1);
        assert_eq!(plan.kinds, FaultKind::ALL);
        let plan: FaultPlan = "rate=1,kinds=drop,writes=after,slow=20ms,retry-after=3".parse().unwrap();
        assert_eq!(plan.kinds, [FaultKind::Drop]);
        assert_eq!(plan.writes, WritePhase::After);
        assert_eq!(plan.slow_delay, Duration::from_millis(20));
        assert_eq!(plan.retry_after, Duration::from_secs(3));
        assert_eq!("rate=0.5".parse::<FaultPlan>().unwrap().kinds, FaultKind::ALL);
        assert!(!"none".parse::<FaultPlan>().unwrap().is_active());
        assert!("rate=2".parse::<FaultPlan>().is_err());
        assert!("kinds=teapot,rate=0.1".parse::<FaultPlan>().is_err());
        assert!("kinds=429".parse::<FaultPlan>().is_err(), "a rate is required");
    }

    #[test]
    fn the_new_kinds_and_their_options_read_as_documented() {
        let plan: FaultPlan = "rate=1,kinds=late-silent,stale,late=300ms,stale=2s,huge=2GiB".parse().unwrap();
        assert_eq!(plan.kinds, [FaultKind::LateSilent, FaultKind::Stale]);
        assert_eq!(plan.late_delay, Duration::from_millis(300));
        assert_eq!(plan.stale_window, Duration::from_secs(2));
        assert_eq!(plan.huge_size, 2 << 30);
        assert_eq!("rate=1,kinds=every".parse::<FaultPlan>().unwrap().kinds, FaultKind::EVERY);
        for kind in FaultKind::EVERY {
            assert_eq!(kind.as_str().parse::<FaultKind>().unwrap(), kind);
            let example: FaultPlan = kind.example().parse().unwrap();
            assert!(example.kinds.contains(&kind), "{kind}");
        }
    }
}
