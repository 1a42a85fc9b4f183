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
use crate::handlers::Served;
use crate::operations::OperationInfo;
use crate::pipeline::{self, Route};
use crate::respond::error_response;
use crate::state::{App, BETA};

/// Every operation with its handler, from the generated operation types (see [`Served`]).
pub(crate) fn served() -> Vec<Route> {
    let mut all = Vec::new();
    macro_rules! route {
        ($name:literal, $type:ty) => {
            all.push(Route { operation: OperationInfo::of::<$type>(), handler: <$type as Served>::HANDLER });
        };
    }
    cloudpki_model::for_each_operation!(route);
    all
}

/// Every route of a fake.
pub(crate) fn router(app: Arc<App>) -> Router {
    let mut by_path: BTreeMap<String, MethodRouter<Arc<App>>> = BTreeMap::new();
    for Route { operation, handler } in served() {
        let filter = match operation.method.to_http() {
            Method::GET => MethodFilter::GET,
            Method::POST => MethodFilter::POST,
            Method::PATCH => MethodFilter::PATCH,
            Method::PUT => MethodFilter::PUT,
            Method::DELETE => MethodFilter::DELETE,
            _ => continue,
        };
        // Actions that answer a page: their next links are followed with GET.
        let filter = if handler.is_collection_action() { filter.or(MethodFilter::GET) } else { filter };
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
