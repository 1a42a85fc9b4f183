//! What a fake is started with: [`Config`], its [`FaultPlan`], and the small text formats the
//! binary reads (`--faults`, `--latency`).

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

/// Everything a fake is started with. `Config::default()` is a quiet fake (no faults, no
/// throttle, no latency) with two issuing certification authorities of 50 certificates each, on
/// `127.0.0.1` with a port the system picks.
///
/// The data is a pure function of `seed`, `cas`, `certs_per_ca` and `now`.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen. Only loopback addresses are accepted; port 0 lets the system pick.
    pub addr: SocketAddr,
    /// The seed of the data and of the fault decisions.
    pub seed: u64,
    /// The number of issuing certification authorities. Each chains to one root, which is listed
    /// first and issues no leaf certificates (like Cloud PKI roots), so the tenant has `cas + 1`
    /// certification authorities.
    pub cas: usize,
    /// The number of leaf certificates of each issuing certification authority.
    pub certs_per_ca: usize,
    /// Faults injected per request.
    pub faults: FaultPlan,
    /// At most this many Graph requests per second (a sliding one-second window); past it the
    /// fake answers 429 without `Retry-After`, as Graph often does.
    pub throttle: Option<u32>,
    /// Added to every Graph answer (half before the request is handled, half after), like a
    /// real round trip.
    pub latency: Duration,
    /// The page size when the request sends no `Prefer: odata.maxpagesize`.
    pub default_page_size: usize,
    /// The largest page size a `Prefer: odata.maxpagesize` can get.
    pub max_page_size: usize,
    /// The HMAC-SHA256 key tokens are signed with.
    pub token_secret: Vec<u8>,
    /// How long an issued token is valid.
    pub token_lifetime: Duration,
    /// The instant the seeded dates are relative to (validity periods, revocation dates).
    /// `None`: the current day at 00:00:00 UTC, so expiry windows mean something today.
    pub now: Option<SystemTime>,
    /// How a revocation of an already revoked certificate is answered.
    pub already_revoked: AlreadyRevoked,
    /// The shapes of single-entity answers: the live service's (bare, the default) or the doc
    /// pages' (`{"value": {...}}`).
    pub wire: Wire,
    /// Whether the top-level `/deviceManagement/cloudCertificationAuthorityLeafCertificate`
    /// collection is served. Live tenants answer it 404, and so does the fake by default.
    pub tenant_leaves: bool,
    /// How long a revocation is held back from the certification authority's CRL, as the
    /// service's publication interval does (zero: the next CRL download lists it).
    pub crl_delay: Duration,
}

/// The shapes of single-entity answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wire {
    /// What the live service sends: a single entity bare, with `@odata.context` (OData JSON
    /// format; what Microsoft's SDKs read). The default.
    #[default]
    Live,
    /// What the doc pages print: `{"@odata.context": ..., "value": {...}}`.
    Docs,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: 1,
            cas: 2,
            certs_per_ca: 50,
            faults: FaultPlan::none(),
            throttle: None,
            latency: Duration::ZERO,
            default_page_size: 100,
            max_page_size: 999,
            token_secret: b"cloudpki-fake token signing secret".to_vec(),
            token_lifetime: Duration::from_secs(3600),
            now: None,
            already_revoked: AlreadyRevoked::Unchanged,
            wire: Wire::Live,
            tenant_leaves: false,
            crl_delay: Duration::ZERO,
        }
    }
}

impl Config {
    /// This configuration with another seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// This configuration with `cas` issuing certification authorities of `certs_per_ca` leaf
    /// certificates each.
    #[must_use]
    pub fn with_data(mut self, cas: usize, certs_per_ca: usize) -> Self {
        self.cas = cas;
        self.certs_per_ca = certs_per_ca;
        self
    }

    /// This configuration with a fault plan.
    #[must_use]
    pub fn with_faults(mut self, faults: FaultPlan) -> Self {
        self.faults = faults;
        self
    }

    /// This configuration with a throttle of `per_second` requests per second.
    #[must_use]
    pub fn with_throttle(mut self, per_second: u32) -> Self {
        self.throttle = Some(per_second);
        self
    }

    /// This configuration with a latency added to every answer.
    #[must_use]
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// This configuration with other page sizes.
    #[must_use]
    pub fn with_page_sizes(mut self, default: usize, max: usize) -> Self {
        self.default_page_size = default;
        self.max_page_size = max;
        self
    }

    /// This configuration with the instant the seeded dates are relative to.
    #[must_use]
    pub fn with_now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// This configuration with the doc pages' or the live service's single-entity shapes.
    #[must_use]
    pub fn with_wire(mut self, wire: Wire) -> Self {
        self.wire = wire;
        self
    }

    /// This configuration serving (or not) the top-level leaf certificate collection.
    #[must_use]
    pub fn with_tenant_leaves(mut self, serve: bool) -> Self {
        self.tenant_leaves = serve;
        self
    }

    /// This configuration with revocations held back from CRLs for `delay`.
    #[must_use]
    pub fn with_crl_delay(mut self, delay: Duration) -> Self {
        self.crl_delay = delay;
        self
    }

    /// Checks the values that cannot work.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        if !self.addr.ip().is_loopback() {
            return Err(ConfigError(format!(
                "refusing to listen on {}: only loopback addresses are allowed",
                self.addr
            )));
        }
        if self.default_page_size == 0 || self.max_page_size == 0 {
            return Err(ConfigError("page sizes must be at least 1".to_owned()));
        }
        if self.throttle == Some(0) {
            return Err(ConfigError("a throttle must allow at least 1 request per second".to_owned()));
        }
        Ok(())
    }
}

/// How the fake answers `revokeLeafCertificate` (or by serial number) for a certificate that is
/// already revoked. Either way the request is counted in [`Stats::revocations`](crate::Stats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AlreadyRevoked {
    /// 200 with the certificate unchanged (its first `revocationDateTime` kept): revocation is
    /// idempotent. The default.
    #[default]
    Unchanged,
    /// 400 `BadRequest`, "The certificate has already been revoked.".
    BadRequest,
}

impl FromStr for AlreadyRevoked {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, ConfigError> {
        match text {
            "ok" | "unchanged" | "200" => Ok(AlreadyRevoked::Unchanged),
            "error" | "bad-request" | "400" => Ok(AlreadyRevoked::BadRequest),
            other => Err(ConfigError(format!("`{other}`: expected `ok` or `error`"))),
        }
    }
}

/// One kind of injected fault.
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
}

impl FaultKind {
    /// Every kind, in the order of the `--faults` documentation.
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
        }
    }

    /// Whether a write may be applied although this fault is what the client sees (504,
    /// truncate, drop): the client cannot know whether the change happened.
    #[must_use]
    pub fn is_ambiguous(self) -> bool {
        matches!(self, FaultKind::GatewayTimeout | FaultKind::Truncate | FaultKind::Drop)
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
        FaultKind::ALL.into_iter().find(|kind| kind.as_str() == text).ok_or_else(|| {
            let known: Vec<_> = FaultKind::ALL.iter().map(|kind| kind.as_str()).collect();
            ConfigError(format!("unknown fault kind `{text}` (known: {}, all)", known.join(", ")))
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
/// `rate`, of a kind drawn evenly from `kinds`. The draw is a hash of the seed, the request
/// (method, path and query, body) and how many times that same request was seen before, so a
/// run with the same seed and the same requests gets the same faults whatever the order in
/// which concurrent requests arrive, and a retry of a request is drawn anew.
///
/// Text form (`--faults`): `rate=0.1,kinds=429,429-no-retry-after,500-broker,503,504,slow,truncate,drop`;
/// `kinds=all` (also the default when `kinds` is left out); `retry-after=2` (seconds, for 429
/// and 503; default 1); `slow=1500ms` (default 1s); `writes=before|after|both` (when an
/// ambiguous fault strikes a write; default both). `none` or the empty text: no faults.
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

    /// Whether the plan injects anything.
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.rate > 0.0 && !self.kinds.is_empty()
    }
}

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
                None => {
                    return Err(ConfigError(format!(
                        "`{token}`: expected key=value (rate, kinds, retry-after, slow, writes)"
                    )));
                }
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
                "kinds" => kinds.push(value.parse()?),
                "retry-after" => plan.retry_after = parse_duration_or_seconds(value)?,
                "slow" => plan.slow_delay = parse_duration(value)?,
                "writes" => plan.writes = value.parse()?,
                other => {
                    return Err(ConfigError(format!(
                        "unknown fault option `{other}` (rate, kinds, retry-after, slow, writes)"
                    )));
                }
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

/// A value that cannot be used: the message says why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Reads `150ms`, `2s`, `1.5s`, `1m`, `1h`, `250us` (or `0`).
///
/// # Errors
///
/// Anything else.
pub fn parse_duration(text: &str) -> Result<Duration, ConfigError> {
    let text = text.trim();
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 =
        number.parse().map_err(|_| ConfigError(format!("`{text}` is not a duration (e.g. 150ms, 2s)")))?;
    let seconds = match unit {
        "us" | "µs" => number / 1_000_000.0,
        "ms" => number / 1000.0,
        "s" => number,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        _ => return Err(ConfigError(format!("`{text}`: unknown unit `{unit}` (us, ms, s, m, h)"))),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| ConfigError(format!("`{text}` is not a duration")))
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
    fn durations_read_as_documented() {
        assert_eq!(parse_duration("150ms").unwrap(), Duration::from_millis(150));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("10").is_err());
    }
}
