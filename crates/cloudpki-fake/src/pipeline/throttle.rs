//! `--throttle R`: past R requests in a sliding second, 429 without `Retry-After`, as Graph
//! often answers.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::ctx;
use crate::respond::too_many_requests;
use crate::state::App;

pub(super) async fn layer(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if app.throttle.as_ref().is_some_and(|throttle| !throttle.admit()) {
        app.stats.throttled();
        return too_many_requests(&ctx(&request, &app), None);
    }
    next.run(request).await
}
