//! The pipeline of one Graph operation: tower layers around the operation's handler, outermost
//! first:
//!
//! 1. [`context`]: the request's [`Ctx`] (ids, origin), counted in the stats, its body read
//!    whole ([`Buffered`]; 400 past 4 MiB);
//! 2. [`latency`]: half of `--latency` before, half after;
//! 3. [`bearer`]: a token this fake issued (401) carrying a scope the operation accepts (403);
//! 4. [`throttle`]: 429 without `Retry-After` past `--throttle`;
//! 5. [`faults`]: the fault plan's misbehaviour, if this request drew one;
//! 6. [`endpoint`]: the operation's handler.
//!
//! Each layer reads the [`Route`] (which operation, which handler) and the [`Ctx`] from the
//! request's extensions.

mod bearer;
mod context;
mod endpoint;
mod faults;
mod latency;
mod throttle;

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use bytes::Bytes;
use tower::ServiceBuilder;
use tower::util::BoxCloneSyncService;

use crate::handlers::Handler;
use crate::operations::OperationInfo;
use crate::respond::Ctx;
use crate::state::App;

/// Which operation a request is for, and the handler that answers it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Route {
    pub(crate) operation: OperationInfo,
    pub(crate) handler: Handler,
}

/// The request's body, read whole by the context layer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Buffered(pub(crate) Bytes);

/// The whole pipeline of one operation, as a service a route can serve.
pub(crate) type GraphService = BoxCloneSyncService<Request, Response, Infallible>;

/// The pipeline of `route`.
pub(crate) fn service(app: &Arc<App>, route: Route) -> GraphService {
    let stack = ServiceBuilder::new()
        .map_request(move |mut request: Request| {
            request.extensions_mut().insert(route);
            request
        })
        .layer(from_fn_with_state(Arc::clone(app), context::layer))
        .layer(from_fn_with_state(Arc::clone(app), latency::layer))
        .layer(from_fn_with_state(Arc::clone(app), bearer::layer))
        .layer(from_fn_with_state(Arc::clone(app), throttle::layer))
        .layer(from_fn_with_state(Arc::clone(app), faults::layer))
        .service(endpoint::service(Arc::clone(app)));
    BoxCloneSyncService::new(stack)
}

/// The request's route (set before any layer runs).
fn route(request: &Request) -> Option<Route> {
    request.extensions().get::<Route>().copied()
}

/// The request's context (set by the context layer; built anew if it is missing).
fn ctx(request: &Request, app: &App) -> Ctx {
    request.extensions().get::<Ctx>().cloned().unwrap_or_else(|| app.context(request.headers(), request.uri().path()))
}

/// The request's body as the context layer read it.
fn body(request: &Request) -> Bytes {
    request.extensions().get::<Buffered>().map(|buffered| buffered.0.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::time::Duration;

    use axum::body::Body;
    use tower::ServiceExt as _;

    use super::*;
    use crate::config::Config;
    use crate::plan::{FaultKind, FaultPlan};

    /// The context and faults layers around an endpoint that answers the stale window it sees.
    async fn stale_window_seen(plan: FaultPlan, operation_id: &str) -> String {
        let config = Config::default().with_faults(plan);
        let app = Arc::new(App::new(config, SocketAddr::from(([127, 0, 0, 1], 1))).unwrap());
        let route = crate::routes::served().into_iter().find(|route| route.operation.id == operation_id).unwrap();
        let token = app.tokens.issue(&crate::auth::ALL_SCOPES, None);
        let service = ServiceBuilder::new()
            .map_request(move |mut request: Request| {
                request.extensions_mut().insert(route);
                request
            })
            .layer(from_fn_with_state(Arc::clone(&app), context::layer))
            .layer(from_fn_with_state(Arc::clone(&app), bearer::layer))
            .layer(from_fn_with_state(Arc::clone(&app), faults::layer))
            .service(tower::service_fn(|request: Request| async move {
                let seen = request.extensions().get::<Ctx>().and_then(|ctx| ctx.stale_window);
                Ok::<_, Infallible>(Response::new(Body::from(format!("{seen:?}"))))
            }));
        let request = http::Request::builder()
            .method(route.operation.method.to_http())
            .uri("/beta/deviceManagement/cloudCertificationAuthority/x/revokeLeafCertificate")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from("{}"))
            .unwrap();
        let response = service.oneshot(request).await.unwrap();
        let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
        assert_eq!(app.stats.snapshot().faults_of("stale") > 0, body.as_ref() != b"None");
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_write_that_drew_stale_carries_the_window_to_the_handler() {
        let stale = FaultPlan::new(1.0, &[FaultKind::Stale]).with_stale_window(Duration::from_millis(2500));
        assert_eq!(stale_window_seen(stale.clone(), "revokeLeafCertificate").await, "Some(2.5s)");
        // Reads never draw `stale`; writes without it carry no window.
        assert_eq!(stale_window_seen(stale, "listCloudCertificationAuthorities").await, "None");
        assert_eq!(stale_window_seen(FaultPlan::none(), "revokeLeafCertificate").await, "None");
    }
}
