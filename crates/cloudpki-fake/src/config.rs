//! What a fake is started with: [`Config`] and how it answers (`Wire`, `AlreadyRevoked`). The
//! fault plan is in `plan`, the text formats in `parse`.

use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use crate::parse::ConfigError;
use crate::plan::FaultPlan;

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

/// The shapes of single-entity answers (`--wire live|docs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum AlreadyRevoked {
    /// 200 with the certificate unchanged (its first `revocationDateTime` kept): revocation is
    /// idempotent. The default.
    #[default]
    #[value(name = "ok", alias = "unchanged", alias = "200")]
    Unchanged,
    /// 400 `BadRequest`, "The certificate has already been revoked.".
    #[value(name = "error", alias = "bad-request", alias = "400")]
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
