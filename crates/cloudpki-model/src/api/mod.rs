//! The sans-IO HTTP layer (feature `http`): the hand-written runtime that the generated
//! [`operations`](crate::operations) build on.
//!
//! An operation turns into an [`http::Request<Vec<u8>>`](::http::Request) for a [`BaseUrl`]
//! ([`Operation::to_request`]); whatever client sends it (reqwest, hyper, ureq, ...) hands the
//! [`http::Response`](::http::Response) back to [`Operation::parse_response`], which gives the
//! typed result or a [`ResponseError`] (a [`GraphError`] for error statuses). Paging follows
//! `@odata.nextLink` with [`next_page_request`], which refuses links to another host.
//!
//! The client adds `Authorization: Bearer {token}` itself; nothing here sees the token.

mod error;
mod url;

use std::collections::BTreeMap;

pub use error::{GraphError, InnerError, RequestError, ResponseError};
pub use url::BaseUrl;
#[doc(hidden)]
pub use url::push_path_parameter;

/// Options for every request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Sends `Prefer: include-unknown-enum-members`, so members added to evolvable enums after
    /// `unknownFutureValue` arrive under their own names (kept as `Other` by the models) instead
    /// of as `unknownFutureValue`.
    pub include_unknown_enum_members: bool,
}

impl RequestOptions {
    /// The options with `Prefer: include-unknown-enum-members` on.
    pub fn include_unknown_enum_members() -> Self {
        RequestOptions { include_unknown_enum_members: true }
    }
}

/// The HTTP methods operations use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The `http` crate's method.
    pub fn to_http(self) -> ::http::Method {
        match self {
            Method::Get => ::http::Method::GET,
            Method::Post => ::http::Method::POST,
            Method::Put => ::http::Method::PUT,
            Method::Patch => ::http::Method::PATCH,
            Method::Delete => ::http::Method::DELETE,
        }
    }
}

/// The documented permissions of an operation, per permission type, least to most privileged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Permissions {
    /// Delegated (work or school account).
    pub delegated_work: &'static [&'static str],
    /// Delegated (personal Microsoft account); empty means "Not supported."
    pub delegated_personal: &'static [&'static str],
    /// Application.
    pub application: &'static [&'static str],
    /// Anything odd about the documented permissions (e.g. a read permission for a write action).
    pub note: Option<&'static str>,
}

impl Permissions {
    #[doc(hidden)]
    pub const fn __new(
        delegated_work: &'static [&'static str],
        delegated_personal: &'static [&'static str],
        application: &'static [&'static str],
        note: Option<&'static str>,
    ) -> Self {
        Permissions { delegated_work, delegated_personal, application, note }
    }

    /// Whether the documentation flags something odd about these permissions.
    pub fn is_flagged(&self) -> bool {
        self.note.is_some()
    }
}

/// One action of the spec as an HTTP exchange. Implemented by the generated
/// [`operations`](crate::operations).
pub trait Operation {
    /// The typed result of a successful call.
    type Output;
    /// The Graph name of the action (the OpenAPI `operationId`).
    const OPERATION_ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template below the base URL, as documented.
    const PATH_TEMPLATE: &'static str;
    /// The documented permissions.
    const PERMISSIONS: Permissions;

    /// The path below the base URL, every parameter percent-encoded as one segment.
    fn path(&self) -> Result<String, RequestError>;

    /// The JSON body, if the action has one.
    fn body(&self) -> Result<Option<Vec<u8>>, RequestError>;

    /// Reads a successful response body.
    fn parse_body(body: &[u8]) -> Result<Self::Output, serde_json::Error>;

    /// The request for `base`: method, URL, `Accept: application/json`, `Content-Type` when there
    /// is a body, and `Prefer: include-unknown-enum-members` when asked for.
    fn to_request(&self, base: &BaseUrl, options: &RequestOptions) -> Result<::http::Request<Vec<u8>>, RequestError> {
        let url = base.join(&self.path()?);
        let body = self.body()?;
        build_request(Self::METHOD.to_http(), &url, body, options)
    }

    /// The typed result of a 2xx response, or the error it carries.
    fn parse_response<B: AsRef<[u8]>>(response: &::http::Response<B>) -> Result<Self::Output, ResponseError> {
        let status = response.status();
        let body = response.body().as_ref();
        if !status.is_success() {
            return Err(ResponseError::Graph(Box::new(GraphError::from_parts(status, response.headers(), body))));
        }
        Self::parse_body(body).map_err(|error| ResponseError::InvalidBody {
            status,
            error,
            body_start: error::body_start(body),
        })
    }
}

fn build_request(
    method: ::http::Method,
    url: &str,
    body: Option<Vec<u8>>,
    options: &RequestOptions,
) -> Result<::http::Request<Vec<u8>>, RequestError> {
    let mut builder =
        ::http::Request::builder().method(method).uri(url).header(::http::header::ACCEPT, "application/json");
    if body.is_some() {
        builder = builder.header(::http::header::CONTENT_TYPE, "application/json");
    }
    if options.include_unknown_enum_members {
        builder = builder.header("prefer", "include-unknown-enum-members");
    }
    builder.body(body.unwrap_or_default()).map_err(RequestError::Http)
}

/// A page of a collection that may have a next page.
pub trait CollectionPage {
    /// `@odata.nextLink`, absent on the last page.
    fn next_link(&self) -> Option<&str>;
}

/// The request for the page after `page` (Graph follows `@odata.nextLink` with a GET of the whole
/// link), or `None` on the last page. A link whose scheme, host or port differs from `base` is
/// refused, so the bearer token the client adds is never sent to another host.
pub fn next_page_request<P: CollectionPage>(
    page: &P,
    base: &BaseUrl,
    options: &RequestOptions,
) -> Result<Option<::http::Request<Vec<u8>>>, RequestError> {
    let Some(link) = page.next_link() else { return Ok(None) };
    let uri = base.check_same_origin(link)?;
    build_request(::http::Method::GET, &uri.to_string(), None, options).map(Some)
}

/// A single-entity response: the documentation shows it wrapped as `{"value": {...}}`, the
/// Microsoft SDKs read the bare entity; both are accepted and the shape is remembered, so nothing
/// the body said is lost.
#[derive(Clone, Debug, PartialEq)]
pub struct SingleEntity<E> {
    /// The entity.
    pub entity: E,
    /// Whether the body was the `{"value": ...}` wrapper.
    pub wrapped: bool,
    /// The wrapper's other members (e.g. `@odata.context`), when wrapped.
    pub wrapper_properties: BTreeMap<String, serde_json::Value>,
}

impl<E> SingleEntity<E> {
    /// The entity.
    pub fn into_entity(self) -> E {
        self.entity
    }
}

impl<E: serde::de::DeserializeOwned> SingleEntity<E> {
    /// Reads either shape. The body is the wrapper when it is an object whose `value` member is
    /// an object and whose other members are annotations (`@...`); an entity has no `value`
    /// property, so the two cannot be confused.
    pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
        let value: serde_json::Value = serde_json::from_slice(body)?;
        let is_wrapper = value.as_object().is_some_and(|members| {
            members.get("value").is_some_and(serde_json::Value::is_object)
                && members.keys().all(|key| key == "value" || key.starts_with('@'))
        });
        if !is_wrapper {
            return Ok(SingleEntity {
                entity: E::deserialize(value)?,
                wrapped: false,
                wrapper_properties: BTreeMap::new(),
            });
        }
        let serde_json::Value::Object(mut members) = value else {
            return Err(serde::de::Error::custom("$: expected an object"));
        };
        let inner = members.remove("value").unwrap_or_default();
        let entity = E::deserialize(inner).map_err(|error| crate::support::path::with_key(error, "value"))?;
        Ok(SingleEntity { entity, wrapped: true, wrapper_properties: members.into_iter().collect() })
    }
}

impl<E: serde::Serialize> serde::Serialize for SingleEntity<E> {
    /// Writes the shape that was read.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        if !self.wrapped {
            return self.entity.serialize(serializer);
        }
        let mut map = serializer.serialize_map(Some(self.wrapper_properties.len() + 1))?;
        for (key, value) in &self.wrapper_properties {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("value", &self.entity)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CloudCertificationAuthorityLeafCertificate as Certificate;

    #[test]
    fn single_entity_accepts_both_shapes_and_writes_back_what_it_read() {
        for body in [
            r#"{"@odata.context":"c","value":{"id":"a","certificateStatus":"revoked"}}"#,
            r#"{"@odata.context":"c","id":"a","certificateStatus":"revoked"}"#,
        ] {
            let parsed = SingleEntity::<Certificate>::from_slice(body.as_bytes()).expect("valid");
            assert_eq!(parsed.entity.id.as_deref(), Some("a"));
            assert_eq!(
                serde_json::to_value(&parsed).expect("serializes"),
                serde_json::from_str::<serde_json::Value>(body).expect("JSON")
            );
        }
        let error = SingleEntity::<Certificate>::from_slice(br#"{"value":{"id":5}}"#).expect_err("bad id");
        assert!(error.to_string().starts_with("$.value.id: "), "{error}");
    }
}
