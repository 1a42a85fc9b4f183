//! The first layer: the request's [`Ctx`] (ids, origin), its count in the stats, and its body
//! read whole into [`Buffered`].

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::{Buffered, Route};
use crate::error::ApiError;
use crate::respond::error_response;
use crate::state::App;

/// The largest request body read (larger ones are answered 400).
const MAX_BODY: usize = 4 << 20;

pub(super) async fn layer(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let ctx = app.context(&parts.headers, parts.uri.path());
    if let Some(route) = parts.extensions.get::<Route>() {
        app.stats.request(route.operation.id);
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error_response(&ApiError::bad_request("The request body is too large or could not be read."), &ctx);
    };
    parts.extensions.insert(ctx);
    parts.extensions.insert(Buffered(bytes.clone()));
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}
