//! The fault plan's layer: whether this request drew a fault ([`crate::faults::Faults`]), and
//! what that does to it: answered instead of the handler (nothing applied), the handler run and
//! its answer replaced or broken (applied), the handler run late by a task of its own, or the
//! handler's answer rewritten. Each injected fault is counted in the stats, with its phase for
//! writes whose outcome the client cannot know.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::{body, ctx, route};
use crate::auth::Access;
use crate::misbehave::{self, huge, next_link};
use crate::plan::FaultKind;
use crate::respond::{dropped, truncated, with_ids};
use crate::state::App;

pub(super) async fn layer(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let write = route(&request).is_none_or(|route| route.operation.access == Access::Write);
    let decision = {
        let uri = request.uri();
        let path_and_query = uri.path_and_query().map_or_else(|| uri.path(), |value| value.as_str());
        app.faults.decide(request.method().as_str(), path_and_query, &body(&request), write)
    };
    let Some(decision) = decision else {
        return next.run(request).await;
    };
    let kind = decision.kind;
    let plan = app.faults.plan();
    let mut ctx = ctx(&request, &app);
    let uri = request.uri().clone();
    let count = |phase: Option<&str>| app.stats.fault(kind.as_str(), phase);
    match kind {
        FaultKind::Slow => {
            count(None);
            let response = next.run(request).await;
            tokio::time::sleep(plan.slow_delay).await;
            response
        }
        FaultKind::GatewayTimeout | FaultKind::Truncate | FaultKind::Drop => {
            // Reads (and writes struck "after") are handled; writes struck "before" are not.
            count(write.then_some(if decision.after { "after" } else { "before" }));
            let handled = if !write || decision.after { Some(next.run(request).await) } else { None };
            match kind {
                FaultKind::Drop => dropped(),
                FaultKind::Truncate => {
                    let filler = format!(
                        "{{\"@odata.context\":\"{}/$metadata#microsoft.graph.cloudCertificationAuthorityLeafCertificate\",\"value\":{{\"@odata.type\":\"#microsoft.graph.cloudCertificationAuthorityLeafCertificate\"}}}}",
                        ctx.service_root
                    );
                    let response = handled.unwrap_or_else(|| with_ids(Response::new(Body::empty()), &ctx));
                    truncated(response, filler.as_bytes()).await
                }
                _ => misbehave::answer(kind, &app, &ctx, &uri),
            }
        }
        FaultKind::LateAnswer | FaultKind::LateSilent => {
            count(Some("after"));
            late(request, next, plan.late_delay, kind == FaultKind::LateAnswer).await
        }
        FaultKind::Applied503 | FaultKind::Applied502 | FaultKind::AppliedQueryBroker => {
            count(Some("after"));
            drop(next.run(request).await);
            misbehave::answer(kind, &app, &ctx, &uri)
        }
        FaultKind::Stale => {
            count(None);
            ctx.stale_window = Some(plan.stale_window);
            request.extensions_mut().insert(ctx);
            next.run(request).await
        }
        FaultKind::LoopNextLink => {
            let (response, looped) = next_link::loop_back(next.run(request).await).await;
            if looped {
                count(None);
            }
            response
        }
        FaultKind::HugeBody => {
            count(None);
            huge::answer(plan.huge_size, &ctx)
        }
        _ => {
            count(None);
            misbehave::answer(kind, &app, &ctx, &uri)
        }
    }
}

/// The write applied after `delay` by a task of its own (so it happens even if the client hung
/// up), then answered (`answer`) or the connection closed without an answer.
async fn late(request: Request, next: Next, delay: std::time::Duration, answer: bool) -> Response {
    let (applied, outcome) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let _ = applied.send(next.run(request).await);
    });
    match outcome.await {
        Ok(response) if answer => response,
        _ => dropped(),
    }
}
