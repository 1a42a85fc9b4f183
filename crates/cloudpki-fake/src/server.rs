//! Starting and stopping a fake: the listener (loopback only), an accept loop of our own so
//! a fault can drop a connection, the `redirect` fault's trap on `127.0.0.2`, and the
//! [`FakeHandle`] a test holds.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::plan::FaultKind;
use crate::respond::DropConnection;
use crate::state::App;
/// The shared state, where the handlers look for it.
use crate::state::BETA;
use crate::stats::Stats;

/// Starts fakes.
#[derive(Debug)]
#[non_exhaustive]
pub struct Fake;

impl Fake {
    /// Binds `config.addr` (loopback only), seeds the tenant and serves until
    /// [`FakeHandle::shutdown`] (or until the handle is dropped).
    ///
    /// # Errors
    ///
    /// A configuration that cannot work (a non-loopback address: `InvalidInput`), or the
    /// address cannot be bound.
    pub async fn start(config: Config) -> std::io::Result<FakeHandle> {
        config.check().map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidInput, error))?;
        let listener = TcpListener::bind(config.addr).await?;
        let bound = listener.local_addr()?;
        let app = Arc::new(App::new(config, bound)?);
        let router = crate::routes::router(Arc::clone(&app));
        let (stop, stopped) = watch::channel(false);
        if let Some(trap) = trap_listener(&app).await {
            tokio::spawn(accept_loop(trap, crate::trap::router(Arc::clone(&app)), stopped.clone()));
        }
        let task = tokio::spawn(accept_loop(listener, router, stopped));
        Ok(FakeHandle { base_url: format!("http://{bound}{BETA}"), addr: bound, app, stop, task: Some(task) })
    }
}

/// The listener of the `redirect` fault's trap: `127.0.0.2` on the fake's port, when the plan
/// may redirect and the address can be bound (not everywhere: then a followed redirect is
/// refused by the system, and not counted).
async fn trap_listener(app: &App) -> Option<TcpListener> {
    let plan = &app.config.faults;
    if !plan.is_active() || !plan.kinds.contains(&FaultKind::Redirect) {
        return None;
    }
    let [a, b, c, d] = crate::misbehave::REDIRECT_HOST;
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(a, b, c, d)), app.bound.port());
    TcpListener::bind(addr).await.ok()
}

async fn accept_loop(listener: TcpListener, router: Router, mut stopped: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => return,
        };
        let Ok((stream, _peer)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            // A fault answer marked `DropConnection` notifies this, and the connection is
            // dropped (closed) without an answer.
            let (abort, mut aborted) = watch::channel(false);
            let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let router = router.clone();
                let abort = abort.clone();
                async move {
                    let response = tower_service::Service::call(&mut router.clone(), request.map(Body::new))
                        .await
                        .unwrap_or_else(|never: Infallible| match never {});
                    if response.extensions().get::<DropConnection>().is_some() {
                        let _ = abort.send(true);
                        std::future::pending::<()>().await;
                    }
                    Ok::<_, Infallible>(response)
                }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = aborted.changed() => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

/// A running fake. Dropping it stops the server too.
#[derive(Debug)]
pub struct FakeHandle {
    base_url: String,
    addr: SocketAddr,
    app: Arc<App>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl FakeHandle {
    /// The Graph base URL, `http://127.0.0.1:PORT/beta`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The admin root, `http://127.0.0.1:PORT/_fake`.
    #[must_use]
    pub fn admin_url(&self) -> String {
        format!("http://{}/_fake", self.addr)
    }

    /// A bearer token carrying `scopes` (see [`crate::auth`] for what each operation needs).
    #[must_use]
    pub fn issue_token(&self, scopes: &[&str]) -> String {
        self.app.tokens.issue(scopes, None)
    }

    /// A bearer token carrying `scopes`, valid for `lifetime` (zero: already expired).
    #[must_use]
    pub fn issue_token_for(&self, scopes: &[&str], lifetime: Duration) -> String {
        self.app.tokens.issue(scopes, Some(lifetime))
    }

    /// The counters so far.
    #[must_use]
    pub fn stats(&self) -> Stats {
        self.app.stats.snapshot()
    }

    /// Sets every counter back to zero.
    pub fn reset_stats(&self) {
        self.app.stats.reset();
    }

    /// The certification authorities as the store has them (with `activeVersion`).
    #[must_use]
    pub fn certification_authorities(&self) -> Vec<cloudpki_model::CloudCertificationAuthority> {
        let store = self.app.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        store.cas.iter().map(|ca| ca.rendered(&format!("http://{}{BETA}", self.addr), false)).collect()
    }

    /// The leaf certificates of one certification authority as the store has them (empty for
    /// an unknown id).
    #[must_use]
    pub fn leaf_certificates(&self, ca_id: &str) -> Vec<cloudpki_model::CloudCertificationAuthorityLeafCertificate> {
        let store = self.app.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        store.ca(ca_id).map(|ca| ca.leaves.clone()).unwrap_or_default()
    }

    /// Writes `CLOUDPKI_BASE_URL=...` and `GRAPH_TOKEN=token` lines to `path` atomically (a
    /// temporary file in the same directory, synced, then renamed), so a script that waits for
    /// the file never reads half of it. Shell-sourceable: `set -a; . FILE; set +a`.
    ///
    /// # Errors
    ///
    /// The file cannot be written or renamed.
    pub fn write_env_file(&self, path: &Path, token: &str) -> std::io::Result<()> {
        crate::envfile::write(path, &[("CLOUDPKI_BASE_URL", self.base_url()), ("GRAPH_TOKEN", token)])
    }

    /// Stops accepting connections, closes the open ones, and waits for the server to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
