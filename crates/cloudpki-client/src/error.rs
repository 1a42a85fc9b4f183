//! What can go wrong, with the service's `request-id` wherever the service answered.

use std::fmt;

use cloudpki_model::ItemError;
use cloudpki_model::api::{GraphError, RequestError};

/// An error of the client.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The base URL or a request is refused before anything is sent (for example `http://` to
    /// a host that is not loopback, or a next link to another host).
    Request(RequestError),
    /// The base URL is refused.
    InsecureBaseUrl(String),
    /// The credential could not give a token.
    Auth(String),
    /// The service answered with an error status (after any retries).
    Graph {
        /// The error envelope and status.
        error: Box<GraphError>,
        /// The `request-id` of the answer (from the header or the envelope).
        request_id: Option<String>,
        /// The `client-request-id` this client sent.
        client_request_id: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The request may or may not have been carried out: it was sent, and then the connection
    /// dropped, timed out, or the answer was cut short. Not retried for writes.
    Ambiguous {
        /// What happened.
        message: String,
        /// The `client-request-id` this client sent.
        client_request_id: String,
    },
    /// The request could not be sent (after any retries).
    Transport {
        /// What happened.
        message: String,
        /// The `client-request-id` this client sent.
        client_request_id: String,
    },
    /// A successful answer is not the documented shape.
    InvalidBody {
        /// What is wrong, with the JSON path.
        message: String,
        /// The `request-id` of the answer.
        request_id: Option<String>,
    },
    /// One item of a page is not a valid item (the others are not lost).
    Item(Box<ItemError>),
}

impl Error {
    /// The HTTP status, when the service answered with an error.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Error::Graph { error, .. } => Some(error.status),
            _ => None,
        }
    }

    /// The service's `request-id`, when it answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Graph { request_id, .. } | Error::InvalidBody { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the failure is about credentials or permissions (401 or 403).
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth(_))
            || self.status().is_some_and(|s| s == http::StatusCode::UNAUTHORIZED || s == http::StatusCode::FORBIDDEN)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Request(error) => write!(f, "{error}"),
            Error::InsecureBaseUrl(message) => write!(f, "refusing the base URL: {message}"),
            Error::Auth(message) => write!(f, "authentication failed: {message}"),
            Error::Graph { error, request_id, client_request_id, attempts } => {
                write!(f, "{error}")?;
                let in_envelope = error.inner_error.as_ref().and_then(|i| i.request_id.as_deref());
                if let Some(id) = request_id.as_deref().filter(|id| Some(*id) != in_envelope) {
                    write!(f, " (request-id {id})")?;
                }
                write!(f, " [client-request-id {client_request_id}")?;
                if *attempts > 1 {
                    write!(f, ", {attempts} attempts")?;
                }
                f.write_str("]")
            }
            Error::Ambiguous { message, client_request_id } => {
                write!(
                    f,
                    "no answer, the request may have been carried out: {message} [client-request-id {client_request_id}]"
                )
            }
            Error::Transport { message, client_request_id } => {
                write!(f, "could not reach the service: {message} [client-request-id {client_request_id}]")
            }
            Error::InvalidBody { message, request_id } => {
                write!(f, "unexpected answer: {message}")?;
                if let Some(id) = request_id {
                    write!(f, " (request-id {id})")?;
                }
                Ok(())
            }
            Error::Item(error) => write!(f, "invalid item: {}", error.message),
        }
    }
}

impl std::error::Error for Error {}

impl From<RequestError> for Error {
    fn from(error: RequestError) -> Self {
        Error::Request(error)
    }
}
