//! The CRL distribution point and the CA certificates, as the live service publishes them at
//! `certificateRevocationListUrl` and `certificationAuthorityIssuerUri`: plain GETs without a
//! token (relying parties have none), outside Graph's auth, throttle and faults.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};

use crate::state::App;

/// `/CloudPKI/{tenant}/{ca}/{file}`, where the file is `<name>.crl` or `<name>.crt`.
pub(crate) const ROUTE: &str = "/CloudPKI/{tenant}/{ca}/{file}";

/// Serves a CA's current CRL (`application/pkix-crl`) or its certificate
/// (`application/pkix-cert`), DER; 404 for anything else.
pub(crate) async fn serve(
    State(app): State<Arc<App>>,
    Path((tenant, ca, file)): Path<(String, String, String)>,
) -> Response {
    let store = app.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let published = if tenant != store.tenant_id {
        None
    } else if file.ends_with(".crl") {
        Some((store.crl(&ca, chrono::Utc::now(), app.config.crl_delay), "application/pkix-crl"))
    } else if file.ends_with(".crt") {
        Some((store.certificate_der(&ca), "application/pkix-cert"))
    } else {
        None
    };
    drop(store);
    match published {
        Some((Ok(der), content_type)) => {
            let mut response = Response::new(Body::from(der));
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
        Some((Err(error), _)) => plain(error.status, &error.message),
        None => plain(StatusCode::NOT_FOUND, "Not found."),
    }
}

fn plain(status: StatusCode, message: &str) -> Response {
    let mut response = Response::new(Body::from(message.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain;charset=utf-8"));
    response
}
