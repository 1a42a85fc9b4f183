//! The innermost service: the operation's handler.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::Request;
use axum::response::Response;
use tower::Service;

use super::{Route, body, ctx, route};
use crate::error::ApiError;
use crate::handlers::{Call, handle};
use crate::respond::error_response;
use crate::state::{App, BETA};

/// The service calling the handler of the request's [`Route`].
pub(super) fn service(
    app: Arc<App>,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send + 'static> + Clone + Send + Sync + 'static
{
    tower::service_fn(move |request: Request| {
        let response = answer(&app, &request);
        async move { Ok::<_, Infallible>(response) }
    })
}

fn answer(app: &App, request: &Request) -> Response {
    let ctx = ctx(request, app);
    let Some(route) = route(request) else {
        return error_response(&ApiError::internal("The request has no route."), &ctx);
    };
    let Route { operation, handler } = route;
    let body = body(request);
    let call = Call {
        app,
        ctx: &ctx,
        params: path_parameters(operation.path_template, request.uri().path()),
        query: request.uri().query(),
        headers: request.headers(),
        body: &body,
    };
    handle(handler, &call)
}

/// The path parameters of `path` (below `/beta`) for `template`, percent-decoded.
fn path_parameters(template: &str, path: &str) -> Vec<String> {
    let path = path.strip_prefix(BETA).unwrap_or(path);
    template
        .split('/')
        .zip(path.split('/'))
        .filter(|(pattern, _)| pattern.starts_with('{'))
        .map(|(_, segment)| {
            crate::odata::percent_decode(&segment.replace('+', "%2B")).unwrap_or_else(|_| segment.to_owned())
        })
        .collect()
}
