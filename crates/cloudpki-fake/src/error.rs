//! Graph error answers: `{"error": {"code", "message", "innerError": {"date", "request-id",
//! "client-request-id"}}}`.

use http::StatusCode;

/// An error answer, before the request's ids are added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

/// The Intune query broker's throttling message (HTTP 500).
pub(crate) const QUERY_BROKER_MESSAGE: &str =
    "Rate limit reached because of too many requests to query broker. Please retry after sometime.";

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }

    pub(crate) fn bad_request(message: &str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    pub(crate) fn internal(message: &str) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "ResourceNotFound", message)
    }

    pub(crate) fn ca_not_found(id: &str) -> Self {
        ApiError::not_found(format!("The cloud certification authority with id '{id}' was not found."))
    }

    pub(crate) fn leaf_not_found(id: &str) -> Self {
        ApiError::not_found(format!(
            "The leaf certificate with id '{id}' was not found among the certificates of this certification authority."
        ))
    }

    pub(crate) fn unsupported_query(option: &str) -> Self {
        ApiError::bad_request(&format!("Query option '{option}' is not supported on this resource."))
    }
}
