//! The Prometheus text of the last good figures and of the last poll, with `prometheus-client`.

use chrono::{DateTime, Utc};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::figures::{Figures, WINDOWS_DAYS};

/// How the last poll went.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PollState {
    /// When the last poll ended.
    pub last_poll: Option<DateTime<Utc>>,
    /// Whether it succeeded.
    pub last_ok: bool,
    /// Polls that failed since the start.
    pub failures: u64,
}

type Labels = Vec<(String, String)>;

fn family(registry: &mut Registry, name: &str, help: &str) -> Family<Labels, Gauge<f64, std::sync::atomic::AtomicU64>> {
    let family = Family::<Labels, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
    registry.register(name, help, family.clone());
    family
}

fn gauge(registry: &mut Registry, name: &str, help: &str) -> Gauge<f64, std::sync::atomic::AtomicU64> {
    let gauge = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
    registry.register(name, help, gauge.clone());
    gauge
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect()
}

fn seconds(at: DateTime<Utc>) -> f64 {
    at.timestamp() as f64
}

/// Renders the metrics: the CA figures of the last good poll (if any) and the poll's state (the
/// last poll's time and success only once a poll has ended).
pub fn render(figures: Option<&Figures>, state: &PollState) -> String {
    let mut registry = Registry::with_prefix("cloudpki");
    let status = family(&mut registry, "ca_status", "1 for the CA's current status (certificationAuthorityStatus)");
    let not_after =
        family(&mut registry, "ca_certificate_not_after_seconds", "The CA certificate's notAfter (decoded), Unix time");
    let leaves = family(&mut registry, "leaf_certificates", "Leaf certificates of the CA per status");
    let expiring =
        family(&mut registry, "leaf_certificates_expiring", "Active leaf certificates ending within the window");
    let next_update =
        family(&mut registry, "crl_next_update_seconds", "The nextUpdate of the CA's verified CRL, Unix time");
    let crl_ok = family(&mut registry, "crl_verified", "1 when the CA's CRL was fetched and its signature verified");
    let failures = gauge(&mut registry, "poll_failures", "Polls that failed since the exporter started");
    if let Some(figures) = figures {
        for ca in &figures.cas {
            status.get_or_create(&labels(&[("ca", &ca.id), ("name", &ca.name), ("status", &ca.status)])).set(1.0);
            if let Some(at) = ca.not_after {
                not_after.get_or_create(&labels(&[("ca", &ca.id)])).set(seconds(at));
            }
            for (state, count) in &ca.leaves {
                leaves.get_or_create(&labels(&[("ca", &ca.id), ("status", state)])).set(*count as f64);
            }
            for (days, count) in WINDOWS_DAYS.iter().zip(ca.expiring) {
                let window = format!("{days}d");
                expiring.get_or_create(&labels(&[("ca", &ca.id), ("within", &window)])).set(count as f64);
            }
            if let Some(at) = ca.crl_next_update {
                next_update.get_or_create(&labels(&[("ca", &ca.id)])).set(seconds(at));
            }
            crl_ok.get_or_create(&labels(&[("ca", &ca.id)])).set(if ca.crl_ok { 1.0 } else { 0.0 });
        }
        let last_good =
            gauge(&mut registry, "last_success_timestamp_seconds", "When the figures served were gathered, Unix time");
        last_good.set(seconds(figures.at));
    }
    // Before the first poll ends there is no poll to speak of: the two are absent (not 0, which
    // would say a poll failed), so a scrape (or a script waiting for the first figures) can tell.
    if let Some(at) = state.last_poll {
        let last_poll = gauge(&mut registry, "last_poll_timestamp_seconds", "When the last poll ended, Unix time");
        last_poll.set(seconds(at));
        let last_ok = gauge(
            &mut registry,
            "last_poll_success",
            "1 when the last poll succeeded; 0: the figures are the last good ones",
        );
        last_ok.set(if state.last_ok { 1.0 } else { 0.0 });
    }
    failures.set(state.failures as f64);
    let mut text = String::new();
    if encode(&mut text, &registry).is_err() {
        text.clear();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_the_first_poll_there_is_no_poll_state() {
        let text = render(None, &PollState::default());
        assert!(!text.contains("cloudpki_last_poll_success"), "{text}");
        assert!(!text.contains("cloudpki_last_poll_timestamp_seconds"), "{text}");
        assert!(!text.contains("cloudpki_last_success_timestamp_seconds"), "{text}");
        assert!(text.contains("cloudpki_poll_failures 0"), "{text}");
    }

    #[test]
    fn a_failed_first_poll_says_so_without_figures() {
        let at = DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z").map(|at| at.with_timezone(&Utc)).ok();
        let text = render(None, &PollState { last_poll: at, last_ok: false, failures: 1 });
        assert!(text.contains("cloudpki_last_poll_success 0"), "{text}");
        assert!(text.contains("cloudpki_last_poll_timestamp_seconds 1796464800"), "{text}");
        assert!(!text.contains("cloudpki_last_success_timestamp_seconds"), "{text}");
        assert!(text.contains("cloudpki_poll_failures 1"), "{text}");
    }
}
