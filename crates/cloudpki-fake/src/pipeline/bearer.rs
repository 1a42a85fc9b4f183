//! Auth: a bearer token this fake issued and has not expired (401 otherwise, with
//! `WWW-Authenticate`), carrying one of the scopes the operation accepts (403 otherwise,
//! naming them).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};

use super::{ctx, route};
use crate::auth::{TokenError, WRITE_SCOPES};
use crate::error::ApiError;
use crate::respond::{Ctx, error_response};
use crate::state::App;

pub(super) async fn layer(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let authorization = request.headers().get(header::AUTHORIZATION).and_then(|value| value.to_str().ok());
    let scopes = match app.tokens.verify(authorization) {
        Ok(scopes) => scopes,
        Err(error) => {
            app.stats.unauthorized();
            return unauthorized(error, &ctx(&request, &app));
        }
    };
    let accepted = route(&request).map_or(&WRITE_SCOPES[..], |route| route.operation.access.accepted_scopes());
    if accepted.iter().any(|scope| scopes.iter().any(|held| held == scope)) {
        return next.run(request).await;
    }
    app.stats.forbidden();
    error_response(
        &ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!(
                "Application is not authorized to perform this operation. Application must have one of the following scopes: {}",
                accepted.join(", ")
            ),
        ),
        &ctx(&request, &app),
    )
}

fn unauthorized(error: TokenError, ctx: &Ctx) -> Response {
    let mut response =
        error_response(&ApiError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", error.message()), ctx);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"",
        ),
    );
    response
}
