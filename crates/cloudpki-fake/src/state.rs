//! The state every request shares ([`App`]): the configuration, the store, the token issuer,
//! the counters, the fault decisions and the throttle; and the [`Ctx`] of each request.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use http::{HeaderMap, header};

use crate::auth::Tokens;
use crate::config::Config;
use crate::faults::{Faults, Throttle};
use crate::respond::Ctx;
use crate::stats::Recorder;
use crate::store::Store;

/// The path prefix of the Graph routes (the base URL is `http://host:port/beta`).
pub(crate) const BETA: &str = "/beta";

/// The property names `$select` accepts, per entity (the model's, navigation properties included).
#[derive(Debug)]
pub(crate) struct Names {
    pub(crate) ca: Vec<String>,
    pub(crate) leaf: Vec<String>,
    pub(crate) version: Vec<String>,
}

fn property_names(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// The state every request shares.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) config: Config,
    pub(crate) store: Mutex<Store>,
    pub(crate) tokens: Tokens,
    pub(crate) stats: Recorder,
    pub(crate) faults: Faults,
    pub(crate) throttle: Option<Throttle>,
    requests: AtomicU64,
    pub(crate) names: Names,
    /// The address the Graph routes listen on.
    pub(crate) bound: SocketAddr,
}

fn midnight(now: SystemTime) -> DateTime<Utc> {
    let now = DateTime::<Utc>::from(now);
    now.date_naive().and_hms_opt(0, 0, 0).map_or(now, |midnight| midnight.and_utc())
}

impl App {
    /// A seeded tenant for `config`, served on `bound`.
    ///
    /// # Errors
    ///
    /// The seeded certificates cannot be made (a bug, not an input problem).
    pub(crate) fn new(config: Config, bound: SocketAddr) -> std::io::Result<App> {
        let anchor = match config.now {
            Some(now) => DateTime::<Utc>::from(now),
            None => midnight(SystemTime::now()),
        };
        // CRLs and CA certificates are published on another origin (`localhost` rather than the
        // Graph base URL's address), as the live service's CDP host is another host.
        let cdp = format!("http://localhost:{}", bound.port());
        let store = Store::seeded(config.seed, config.cas, config.certs_per_ca, anchor, &cdp)
            .map_err(|error| std::io::Error::other(error.message))?;
        let names = Names {
            ca: property_names(cloudpki_model::CloudCertificationAuthority::PROPERTY_NAMES),
            leaf: property_names(cloudpki_model::CloudCertificationAuthorityLeafCertificate::PROPERTY_NAMES),
            version: property_names(cloudpki_model::CloudCertificationAuthorityVersion::PROPERTY_NAMES),
        };
        Ok(App {
            tokens: Tokens::new(config.token_secret.clone(), config.token_lifetime),
            faults: Faults::new(config.faults.clone(), config.seed),
            throttle: config.throttle.map(Throttle::new),
            store: Mutex::new(store),
            stats: Recorder::default(),
            requests: AtomicU64::new(0),
            names,
            bound,
            config,
        })
    }

    /// The context of a new request: its ids (deterministic from the seed and its serial
    /// number, or the client's `client-request-id`) and the origin it was sent to.
    pub(crate) fn context(&self, headers: &HeaderMap, path: &str) -> Ctx {
        let serial = self.requests.fetch_add(1, Ordering::Relaxed);
        let mut rng = crate::rng::Rng::new(self.config.seed ^ serial.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let request_id = rng.guid();
        let client_request_id = headers
            .get("client-request-id")
            .and_then(|value| value.to_str().ok())
            .map_or_else(|| request_id.clone(), str::to_owned);
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .filter(|host| !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)))
            .map_or_else(|| self.bound.to_string(), str::to_owned);
        let origin = format!("http://{host}");
        Ctx {
            request_id,
            client_request_id,
            service_root: format!("{origin}{BETA}"),
            origin,
            path: path.to_owned(),
            stale_window: None,
        }
    }
}
