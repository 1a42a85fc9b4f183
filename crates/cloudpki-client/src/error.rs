//! What can go wrong, with the service's `request-id` wherever the service answered.
//!
//! `Display` passes everything through [`crate::text::terminal_safe`]: the service's codes,
//! messages, ids and links never reach a terminal with control sequences or bidi overrides.

use std::fmt;
use std::fmt::Write as _;
use std::time::Duration;

use cloudpki_model::ItemError;
use cloudpki_model::api::{GraphError, RequestError};

use crate::text::terminal_safe;

/// An error of the client.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The base URL or a request is refused before anything is sent (for example a next link
    /// to another host).
    Request(RequestError),
    /// The base URL is refused (plain `http` to a host that is not loopback).
    InsecureBaseUrl(String),
    /// The credential could not give a token (after retries), or its token may not go to this
    /// base URL.
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
    /// dropped, timed out, the answer was cut short or garbled, or a 5xx came back. A write is
    /// not sent again on its own after this (see [`crate::write`]).
    Ambiguous {
        /// What happened.
        message: String,
        /// The `client-request-id` this client sent.
        client_request_id: String,
    },
    /// The request could not be sent (after any retries); a refused connection names the URL.
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
    /// The service asked to wait longer than [`crate::RetryPolicy::retry_after_cap`]: the
    /// operation fails at once rather than retry earlier than told or stall.
    RetryAfterTooLong {
        /// The `Retry-After` header as sent.
        header: String,
        /// The wait it asks for (`None`: beyond any representable duration).
        asked: Option<Duration>,
        /// The cap.
        cap: Duration,
        /// The status it came with.
        status: http::StatusCode,
        /// The `client-request-id` this client sent.
        client_request_id: String,
    },
    /// An answer's body is larger than [`crate::ClientBuilder::max_body_size`]; reading stopped
    /// at the cap.
    BodyTooLarge {
        /// The cap, in bytes.
        cap: u64,
        /// The URL that was read.
        url: String,
    },
    /// A listing's `@odata.nextLink` pointed at a page already read in this listing.
    PagingLoop {
        /// The link.
        link: String,
        /// Pages read before it.
        pages: u64,
    },
    /// A listing had more pages than [`crate::ClientBuilder::max_pages`].
    TooManyPages {
        /// The bound.
        bound: u64,
    },
    /// The service answered with a redirect; redirects are never followed (the token would go
    /// with it).
    Redirect {
        /// The status (301, 302, 307, 308, ...).
        status: http::StatusCode,
        /// The `Location` header, if any.
        location: Option<String>,
    },
    /// A write's outcome stayed unknown: its effect was not visible through the settle window
    /// and the attempts are spent. It may still land.
    Unsettled {
        /// The operation.
        operation: &'static str,
        /// What was observed, and for how long.
        message: String,
    },
    /// Retiring a CA: its active leaf certificates were listed and revoked as many times as
    /// [`crate::bulk::BulkOptions::retire_listings`] allows, and the last listing still showed
    /// some (issued, or made visible, while the run went on). The CA certificate was not revoked.
    ActiveLeavesRemain {
        /// How many leaf certificates the last listing showed active.
        remaining: usize,
        /// How many listings there were.
        listings: u32,
    },
    /// A bulk operation was cancelled before this target was sent.
    Cancelled,
    /// A bulk operation's hook refused the target (for example the journal could not be
    /// written).
    Hook(String),
    /// Another error, with a hint for the person who configured the client (for example a base
    /// URL without `/beta` answered 404).
    Hinted {
        /// The error.
        error: Box<Error>,
        /// The hint.
        hint: String,
    },
}

impl Error {
    /// The HTTP status, when the service answered with an error.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Error::Graph { error, .. } => Some(error.status),
            Error::RetryAfterTooLong { status, .. } | Error::Redirect { status, .. } => Some(*status),
            Error::Hinted { error, .. } => error.status(),
            _ => None,
        }
    }

    /// The service's `request-id`, when it answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Graph { request_id, .. } | Error::InvalidBody { request_id, .. } => request_id.as_deref(),
            Error::Hinted { error, .. } => error.request_id(),
            _ => None,
        }
    }

    /// Whether the failure is about credentials or permissions (401 or 403).
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth(_))
            || self.status().is_some_and(|s| s == http::StatusCode::UNAUTHORIZED || s == http::StatusCode::FORBIDDEN)
    }

    /// Whether the service answered 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(http::StatusCode::NOT_FOUND)
    }

    /// Whether a write may have been carried out although it failed ([`Error::Ambiguous`],
    /// [`Error::Unsettled`]).
    pub fn is_ambiguous(&self) -> bool {
        match self {
            Error::Ambiguous { .. } | Error::Unsettled { .. } => true,
            Error::Hinted { error, .. } => error.is_ambiguous(),
            _ => false,
        }
    }

    /// The raw text, before [`terminal_safe`].
    fn raw(&self, f: &mut String) -> fmt::Result {
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
            Error::Ambiguous { message, client_request_id } => write!(
                f,
                "no clear answer, the request may have been carried out: {message} [client-request-id {client_request_id}]"
            ),
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
            Error::RetryAfterTooLong { header, asked, cap, status, client_request_id } => {
                let asked = match asked {
                    Some(wait) => format!("{} s", wait.as_secs()),
                    None => "longer than any representable duration".to_owned(),
                };
                write!(
                    f,
                    "HTTP {status}: the service asked to wait {asked} (Retry-After: {header}), more than the cap of {} s; \
                     not retried [client-request-id {client_request_id}]",
                    cap.as_secs()
                )
            }
            Error::BodyTooLarge { cap, url } => {
                write!(f, "the answer to {url} is larger than the cap of {cap} bytes; reading stopped there")
            }
            Error::PagingLoop { link, pages } => {
                write!(
                    f,
                    "the listing loops: after {pages} pages, @odata.nextLink {link} points at a page already read"
                )
            }
            Error::TooManyPages { bound } => write!(f, "the listing has more than {bound} pages; stopped there"),
            Error::Redirect { status, location } => {
                write!(f, "HTTP {status}: the service redirects to ")?;
                match location {
                    Some(location) => write!(f, "{location}")?,
                    None => f.write_str("an unnamed location")?,
                }
                f.write_str("; redirects are not followed (the token would go with them)")
            }
            Error::Unsettled { operation, message } => write!(f, "{operation}: the outcome is unknown: {message}"),
            Error::ActiveLeavesRemain { remaining, listings } => write!(
                f,
                "{remaining} leaf certificate{} still listed as active after {listings} listings, each but the last \
                 followed by their revocation; the CA certificate was not revoked (run the retirement again)",
                if *remaining == 1 { "" } else { "s" }
            ),
            Error::Cancelled => f.write_str("cancelled before it was sent"),
            Error::Hook(message) => write!(f, "refused before sending: {message}"),
            Error::Hinted { error, hint } => {
                error.raw(f)?;
                write!(f, " (hint: {hint})")
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = String::new();
        self.raw(&mut raw)?;
        f.write_str(&terminal_safe(&raw))
    }
}

impl std::error::Error for Error {}

impl From<RequestError> for Error {
    fn from(error: RequestError) -> Self {
        Error::Request(error)
    }
}
