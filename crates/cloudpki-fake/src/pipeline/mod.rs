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

/// Which operation a request is for, and the handler that answers it (`None`: 501).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Route {
    pub(crate) operation: OperationInfo,
    pub(crate) handler: Option<Handler>,
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
