//! `cloudpki exporter --listen 127.0.0.1:9464 [--interval 5m]`: Prometheus metrics of the
//! tenant's CAs on `GET /metrics`, polled every interval ([`figures`]), rendered with
//! `prometheus-client` ([`metrics`]). Per CA, never per certificate. A failed poll keeps the
//! last good figures and says so (`cloudpki_last_poll_success 0`); before the first poll ends,
//! `cloudpki_last_poll_success` is absent. Loopback only unless `--allow-remote`.

pub mod figures;
pub mod metrics;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::header;
use axum::response::IntoResponse;
use tokio::sync::RwLock;

use crate::context::Context;
use crate::failure::Failure;
use crate::output::{note, safe};

/// `exporter` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cloudpki exporter                                   # http://127.0.0.1:9464/metrics, every 5m
  cloudpki exporter --listen 127.0.0.1:9464 --interval 1m
  cloudpki exporter --listen 0.0.0.0:9464 --allow-remote

Metrics (per CA, never per certificate): cloudpki_ca_status, cloudpki_ca_certificate_not_after_seconds,
cloudpki_leaf_certificates{status}, cloudpki_leaf_certificates_expiring{within=7d|30d|90d},
cloudpki_crl_next_update_seconds, cloudpki_crl_verified, cloudpki_last_poll_timestamp_seconds,
cloudpki_last_poll_success, cloudpki_last_success_timestamp_seconds, cloudpki_poll_failures.")]
pub struct Args {
    /// The address to serve on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9464")]
    pub listen: SocketAddr,
    /// Serve on an address other than loopback (0.0.0.0, a LAN address).
    #[arg(long)]
    pub allow_remote: bool,
    /// Time between polls of the service.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = crate::commands::parse_duration)]
    pub interval: Duration,
}

#[derive(Default)]
struct Shared {
    figures: Option<figures::Figures>,
    state: metrics::PollState,
}

/// Checks the listen address: loopback, or `--allow-remote`.
///
/// # Errors
///
/// Another address without `--allow-remote` (exit 2).
pub fn check_listen(listen: &SocketAddr, allow_remote: bool) -> Result<(), Failure> {
    if listen.ip().is_loopback() || allow_remote {
        return Ok(());
    }
    Err(Failure::Usage(format!(
        "--listen {listen} is not loopback: the metrics name your CAs; add --allow-remote to serve them there"
    )))
}

/// Runs the exporter until Ctrl-C.
///
/// # Errors
///
/// The address cannot be bound, or is not loopback without `--allow-remote`.
pub async fn run(context: &Context, args: &Args) -> Result<(), Failure> {
    check_listen(&args.listen, args.allow_remote)?;
    if args.interval < Duration::from_secs(1) {
        return Err(Failure::Usage("--interval: at least 1s".to_owned()));
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|error| Failure::Usage(format!("--listen {}: {error}", args.listen)))?;
    let bound = listener.local_addr().map_err(|error| Failure::Usage(format!("--listen: {error}")))?;
    note!("serving http://{bound}/metrics (polling every {})", crate::output::duration::shown(args.interval));
    let shared: Arc<RwLock<Shared>> = Arc::default();
    let serving = shared.clone();
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let shared = serving.clone();
            async move {
                let shared = shared.read().await;
                let body = metrics::render(shared.figures.as_ref(), &shared.state);
                ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body)
                    .into_response()
            }
        }),
    );
    let server = axum::serve(listener, app).with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    let polling = async {
        loop {
            let result = figures::poll(context).await;
            let mut shared = shared.write().await;
            shared.state.last_poll = Some(chrono::Utc::now());
            match result {
                Ok(figures) => {
                    shared.figures = Some(figures);
                    shared.state.last_ok = true;
                }
                Err(failure) => {
                    shared.state.last_ok = false;
                    shared.state.failures += 1;
                    note!("poll failed (serving the last good figures): {}", safe(&failure.to_string()));
                }
            }
            drop(shared);
            tokio::time::sleep(args.interval).await;
        }
    };
    tokio::select! {
        result = server => result.map_err(|error| Failure::Failed(format!("the metrics server: {error}"))),
        () = polling => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_unless_allowed() {
        let parse = |text: &str| text.parse::<SocketAddr>().unwrap();
        assert!(check_listen(&parse("127.0.0.1:9464"), false).is_ok());
        assert!(check_listen(&parse("[::1]:9464"), false).is_ok());
        assert!(check_listen(&parse("0.0.0.0:9464"), false).is_err());
        assert!(check_listen(&parse("192.168.1.5:9464"), false).is_err());
        assert!(check_listen(&parse("0.0.0.0:9464"), true).is_ok());
    }
}
