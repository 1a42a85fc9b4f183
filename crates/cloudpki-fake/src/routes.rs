//! The router: one route per operation of the spec (path and method from the model's
//! registry), each served by its [`pipeline`](crate::pipeline); the admin routes; Graph's 404
//! and 405 for the rest.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};
use http::{Method, StatusCode};

use crate::error::ApiError;
use crate::handlers::Handler;
use crate::operations::{OperationInfo, operations};
use crate::pipeline::{self, Route};
use crate::respond::error_response;
use crate::state::{App, BETA};

/// The handler of an operation: the one place that maps operations to handlers.
fn handler_of(operation: &OperationInfo) -> Option<Handler> {
    Handler::of(operation.id)
}

/// Every route of a fake.
pub(crate) fn router(app: Arc<App>) -> Router {
    let mut by_path: BTreeMap<String, MethodRouter<Arc<App>>> = BTreeMap::new();
    for operation in operations() {
        let handler = handler_of(&operation);
        let filter = match operation.method.to_http() {
            Method::GET => MethodFilter::GET,
            Method::POST => MethodFilter::POST,
            Method::PATCH => MethodFilter::PATCH,
            Method::PUT => MethodFilter::PUT,
            Method::DELETE => MethodFilter::DELETE,
            _ => continue,
        };
        // Actions that answer a page: their next links are followed with GET.
        let filter =
            if handler.is_some_and(Handler::is_collection_action) { filter.or(MethodFilter::GET) } else { filter };
        let path = format!("{BETA}{}", operation.path_template);
        let entry = by_path.remove(&path).unwrap_or_default();
        by_path.insert(path, entry.on_service(filter, pipeline::service(&app, Route { operation, handler })));
    }
    let mut routes = Router::new();
    for (path, methods) in by_path {
        routes = routes.route(&path, methods);
    }
    routes
        .merge(crate::admin::router())
        .fallback(unmatched)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
}

async fn unmatched(State(app): State<Arc<App>>, request: Request) -> Response {
    let ctx = app.context(request.headers(), request.uri().path());
    app.stats.request("unmatched");
    let segment = request.uri().path().rsplit('/').next().unwrap_or_default().to_owned();
    error_response(&ApiError::not_found(format!("Resource not found for the segment '{segment}'.")), &ctx)
}

async fn method_not_allowed(State(app): State<Arc<App>>, request: Request) -> Response {
    let ctx = app.context(request.headers(), request.uri().path());
    error_response(
        &ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "BadRequest",
            format!("The HTTP method '{}' is not allowed on this resource.", request.method()),
        ),
        &ctx,
    )
}
