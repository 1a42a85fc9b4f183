//! Where the `redirect` fault sends clients: a listener on `127.0.0.2` (the fake's port) that
//! answers every request 421 and counts it, with or without an `Authorization` header, so a
//! test can see whether a client followed a redirect to another host with its token.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use http::{StatusCode, header};

use crate::error::ApiError;
use crate::respond::error_response;
use crate::state::App;

/// The trap's routes: everything is counted and refused.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new().fallback(caught).with_state(app)
}

async fn caught(State(app): State<Arc<App>>, request: Request) -> Response {
    let with_token = request.headers().contains_key(header::AUTHORIZATION);
    app.stats.redirect_followed(with_token);
    let ctx = app.context(request.headers(), request.uri().path());
    error_response(
        &ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "MisdirectedRequest",
            "This host is where the fake's redirect fault points; a client must not follow a redirect to another host with its token.",
        ),
        &ctx,
    )
}
