//! `--latency`: half of it before the request goes on, half after its answer, like a real
//! round trip (refusals and faults included).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::App;

pub(super) async fn layer(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let latency = app.config.latency;
    let before = latency / 2;
    tokio::time::sleep(before).await;
    let response = next.run(request).await;
    tokio::time::sleep(latency.saturating_sub(before)).await;
    response
}
