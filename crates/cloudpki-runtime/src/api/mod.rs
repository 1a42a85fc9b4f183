//! The sans-IO HTTP layer (feature `http`): the hand-written runtime that the generated
//! operations of `cloudpki_model::operations` build on.
//!
//! An operation turns into an [`http::Request<Vec<u8>>`](::http::Request) for a [`BaseUrl`]
//! ([`Operation::to_request`]); whatever client sends it (reqwest, hyper, ureq, ...) hands the
//! [`http::Response`] back to [`Operation::parse_response`], which gives the
//! typed result or a [`ResponseError`] (a [`GraphError`] for error statuses). Paging follows
//! `@odata.nextLink` with [`next_page_request`], which refuses links to another host.
//!
//! The client adds `Authorization: Bearer {token}` itself; nothing here sees the token.

mod error;
pub mod percent;
mod query;
mod url;

pub use error::{GraphError, InnerError, RequestError, ResponseError};
pub use query::{Filter, Literal, QueryOptions};

use crate::DecodeError;

/// The setters of the query options an operation accepts, on the operation's type (for
/// generated code only): `query_options!(ListThings: select, expand, filter)` gives `ListThings`
/// (which has a `query: QueryOptions` field) the methods `select`, `expand` and `filter`, and
/// no others, so each operation offers exactly the options its route accepts.
#[doc(hidden)]
#[macro_export]
macro_rules! query_options {
    ($type:ty: $($option:ident),+ $(,)?) => {
        impl $type {
            $($crate::query_options!(@setter $option);)+
        }
    };
    (@setter select) => {
        /// `$select`: return only these properties (wire names).
        pub fn select<S: ::core::convert::Into<::std::string::String>>(
            mut self,
            properties: impl ::core::iter::IntoIterator<Item = S>,
        ) -> Self {
            self.query.select = properties.into_iter().map(::core::convert::Into::into).collect();
            self
        }
    };
    (@setter expand) => {
        /// `$expand`: include these navigation properties (wire names).
        pub fn expand<S: ::core::convert::Into<::std::string::String>>(
            mut self,
            properties: impl ::core::iter::IntoIterator<Item = S>,
        ) -> Self {
            self.query.expand = properties.into_iter().map(::core::convert::Into::into).collect();
            self
        }
    };
    (@setter filter) => {
        /// `$filter`: see [`Filter`]($crate::api::Filter), whose literals cannot leave their quotes.
        pub fn filter(mut self, filter: $crate::api::Filter) -> Self {
            self.query.filter = ::core::option::Option::Some(filter);
            self
        }
    };
    (@setter top) => {
        /// `$top`: at most this many items in all (prefer `Prefer: odata.maxpagesize` to size pages).
        pub fn top(mut self, count: u32) -> Self {
            self.query.top = ::core::option::Option::Some(count);
            self
        }
    };
    (@setter skip) => {
        /// `$skip`: skip this many items.
        pub fn skip(mut self, count: u32) -> Self {
            self.query.skip = ::core::option::Option::Some(count);
            self
        }
    };
    (@setter orderby) => {
        /// `$orderby`: `property` or `property desc`, in order.
        pub fn orderby<S: ::core::convert::Into<::std::string::String>>(
            mut self,
            keys: impl ::core::iter::IntoIterator<Item = S>,
        ) -> Self {
            self.query.orderby = keys.into_iter().map(::core::convert::Into::into).collect();
            self
        }
    };
    (@setter search) => {
        /// `$search` (sent with `ConsistencyLevel: eventual`).
        pub fn search(mut self, text: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.query.search = ::core::option::Option::Some(text.into());
            self
        }
    };
    (@setter count) => {
        /// `$count=true`: ask for `@odata.count` (sent with `ConsistencyLevel: eventual`).
        pub fn count(mut self, count: bool) -> Self {
            self.query.count = count;
            self
        }
    };
}

/// One operation of the spec (for generated code only): the struct as written (its docs, derives
/// and fields), then the operation's data, each string of it once. The macro adds the struct's
/// `METHOD path` line and its `# Permissions` section to its docs (from the literals the
/// constants are made of), and gives it `new`, its query setters (`query_options!`) and its
/// `Operation` impl:
///
/// ```text
/// operation! {
///     /// Read one thing.
///     #[derive(Clone, Debug, PartialEq)]
///     #[non_exhaustive]
///     pub struct GetThing {
///         /// The thing. Path parameter `{thingId}`.
///         pub thing_id: String,
///         /// The query options, set with the setters.
///         query: QueryOptions,
///     }
///     operation_id: "getThing";
///     request: GET "/things/{thingId}";
///     /// The thing.
///     type Output = crate::SingleEntity<crate::Thing>;
///     semantics: ReadOnly;
///     query: select, expand;
///     permissions: {
///         delegated_work: ["Thing.Read.All"],
///         delegated_personal: [],
///         application: ["Thing.Read.All"],
///         note: "Something odd about them.",
///     }
/// }
/// ```
///
/// The fields come in this order: the path parameters (`pub name: String`, in the order of the
/// template: `path()` fills the template with them in field order), then `pub body: T` if there
/// is a body, then `query: QueryOptions` if the route accepts query options (those named after
/// `query:`, which come with the field). `new` takes the path parameters (`impl Into<String>`)
/// and the body, in field order. `semantics:` is a `Semantics` variant (`Write { observed_by:
/// "...", effect: "..." }` for a write); `note:` is optional; `permissions: same as Other;` takes
/// the permissions of the operation `Other` and links to them in the docs.
#[doc(hidden)]
#[macro_export]
macro_rules! operation {
    (
        $(#[$attr:meta])*
        pub struct $name:ident { $($fields:tt)* }
        operation_id: $id:literal;
        request: $method:ident $path:literal;
        $(#[$output_attr:meta])*
        type Output = $output:ty;
        semantics: $semantics:ident $({ $($semantics_fields:tt)* })?;
        $(query: $($option:ident),+;)?
        permissions: $($permissions:tt)+
    ) => {
        $(#[$attr])*
        #[doc = ""]
        #[doc = ::core::concat!(" `", ::core::stringify!($method), " ", $path, "`")]
        #[doc = ""]
        #[doc = $crate::operation!(@permissions_doc $($permissions)+)]
        pub struct $name { $($fields)* }

        impl $name {
            $crate::operation!(@new $id [] [] $($fields)*);
        }

        $($crate::query_options!($name: $($option),+);)?

        // In a block of its own, so that rustdoc shows the constants as `Method::Get`,
        // `Semantics::ReadOnly`, `<Other as Operation>::PERMISSIONS`.
        const _: () = {
            use $crate::api::{Method, Operation, Permissions, Semantics};

            impl Operation for $name {
                $(#[$output_attr])*
                type Output = $output;
                const OPERATION_ID: &'static str = $id;
                const METHOD: Method = $crate::operation!(@method $method);
                const PATH_TEMPLATE: &'static str = $path;
                const PERMISSIONS: Permissions = $crate::operation!(@permissions $($permissions)+);
                const SEMANTICS: Semantics = Semantics::$semantics $({ $($semantics_fields)* })?;

                $crate::operation!(@methods [] [] [] $($fields)*);
            }
        };
    };

    // `new`: the path parameters and the body as arguments, in field order.
    (@new $id:literal [$($arguments:tt)*] [$($fields:tt)*]) => {
        #[doc = ::core::concat!(" The `", $id, "` operation.")]
        pub fn new($($arguments)*) -> Self {
            Self { $($fields)* }
        }
    };
    (@new $id:literal [$($arguments:tt)*] [$($fields:tt)*]
        $(#[$meta:meta])* pub body: $body:ty, $($rest:tt)*) => {
        $crate::operation!(@new $id [$($arguments)* body: $body,] [$($fields)* body,] $($rest)*);
    };
    (@new $id:literal [$($arguments:tt)*] [$($fields:tt)*]
        $(#[$meta:meta])* pub $parameter:ident: String, $($rest:tt)*) => {
        $crate::operation!(@new $id
            [$($arguments)* $parameter: impl ::core::convert::Into<::std::string::String>,]
            [$($fields)* $parameter: ::core::convert::Into::into($parameter),]
            $($rest)*);
    };
    (@new $id:literal [$($arguments:tt)*] [$($fields:tt)*]
        $(#[$meta:meta])* query: QueryOptions, $($rest:tt)*) => {
        $crate::operation!(@new $id [$($arguments)*]
            [$($fields)* query: ::core::default::Default::default(),] $($rest)*);
    };

    // The `Operation` methods: `path` from the path parameters, then `query` and `body` if
    // there are query options and a body.
    (@methods [$($parameter:ident)*] [$($query:tt)*] [$($body:tt)*]) => {
        fn path(&self) -> ::core::result::Result<::std::string::String, $crate::api::RequestError> {
            $crate::__private::fill_path(Self::PATH_TEMPLATE, &[$(&self.$parameter),*])
        }
        $($query)*
        $($body)*
    };
    (@methods [$($parameter:ident)*] [$($query:tt)*] []
        $(#[$meta:meta])* pub body: $type:ty, $($rest:tt)*) => {
        $crate::operation!(@methods [$($parameter)*] [$($query)*] [
            fn body(
                &self,
            ) -> ::core::result::Result<::core::option::Option<::std::vec::Vec<u8>>, $crate::api::RequestError> {
                $crate::__private::json_body(&self.body)
            }
        ] $($rest)*);
    };
    (@methods [$($parameter:ident)*] [$($query:tt)*] [$($body:tt)*]
        $(#[$meta:meta])* pub $next:ident: String, $($rest:tt)*) => {
        $crate::operation!(@methods [$($parameter)* $next] [$($query)*] [$($body)*] $($rest)*);
    };
    (@methods [$($parameter:ident)*] [] [$($body:tt)*]
        $(#[$meta:meta])* query: QueryOptions, $($rest:tt)*) => {
        $crate::operation!(@methods [$($parameter)*] [
            fn query(&self) -> ::core::option::Option<&$crate::api::QueryOptions> {
                ::core::option::Option::Some(&self.query)
            }
        ] [$($body)*] $($rest)*);
    };

    (@method GET) => { Method::Get };
    (@method POST) => { Method::Post };
    (@method PUT) => { Method::Put };
    (@method PATCH) => { Method::Patch };
    (@method DELETE) => { Method::Delete };

    // The permissions, as a constant and as docs.
    (@permissions same as $same:ident;) => {
        <$same as Operation>::PERMISSIONS
    };
    (@permissions {
        delegated_work: [$($work:literal),* $(,)?],
        delegated_personal: [$($personal:literal),* $(,)?],
        application: [$($application:literal),* $(,)?],
        $(note: $note:literal $(,)?)?
    }) => {
        Permissions::new(
            &[$($work),*],
            &[$($personal),*],
            &[$($application),*],
            $crate::operation!(@note $($note)?),
        )
    };
    (@note) => { ::core::option::Option::None };
    (@note $note:literal) => { ::core::option::Option::Some($note) };
    (@permissions_doc same as $same:ident;) => {
        ::core::concat!(
            " # Permissions\n\n The same as [`", ::core::stringify!($same), "`](", ::core::stringify!($same),
            "#permissions).",
        )
    };
    (@permissions_doc {
        delegated_work: [$($work:literal),* $(,)?],
        delegated_personal: [$($personal:literal),* $(,)?],
        application: [$($application:literal),* $(,)?],
        $(note: $note:literal $(,)?)?
    }) => {
        ::core::concat!(
            " # Permissions\n\n As documented, least to most privileged:\n\n",
            " | Permission type | Permissions |\n |:---|:---|\n",
            " | Delegated (work or school account) | ", $crate::operation!(@list $($work),*), " |\n",
            " | Delegated (personal Microsoft account) | ", $crate::operation!(@list $($personal),*), " |\n",
            " | Application | ", $crate::operation!(@list $($application),*), " |",
            $("\n\n **Flagged:** ", $note,)?
        )
    };
    (@list) => { "Not supported." };
    (@list $first:literal $(, $rest:literal)*) => { ::core::concat!($first $(, ", ", $rest)*) };
}

pub use url::{BaseUrl, GRAPH_BETA_ROOT};

/// Options for every request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Sends `Prefer: include-unknown-enum-members`, so members added to evolvable enums after
    /// `unknownFutureValue` arrive under their own names (kept as `Other` by the models) instead
    /// of as `unknownFutureValue`.
    pub include_unknown_enum_members: bool,
    /// Sends `Prefer: odata.maxpagesize=N`: how live exporters size pages (an unchecked `$top`
    /// has been seen to fail with 400 or 500). The service may send smaller pages.
    pub max_page_size: Option<u32>,
}

impl RequestOptions {
    /// The options with `Prefer: include-unknown-enum-members` on.
    #[must_use]
    pub fn include_unknown_enum_members() -> Self {
        RequestOptions { include_unknown_enum_members: true, ..RequestOptions::default() }
    }

    /// These options with `Prefer: odata.maxpagesize=size`.
    #[must_use]
    pub fn with_max_page_size(mut self, size: u32) -> Self {
        self.max_page_size = Some(size);
        self
    }

    /// These options with `Prefer: include-unknown-enum-members` on or off.
    #[must_use]
    pub fn with_unknown_enum_members(mut self, include: bool) -> Self {
        self.include_unknown_enum_members = include;
        self
    }

    /// The `Prefer` header value, if any.
    fn prefer(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.include_unknown_enum_members {
            parts.push("include-unknown-enum-members".to_owned());
        }
        if let Some(size) = self.max_page_size {
            parts.push(format!("odata.maxpagesize={size}"));
        }
        if parts.is_empty() { None } else { Some(parts.join(", ")) }
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
    /// The permissions as documented (used by the generated operations).
    #[must_use]
    pub const fn new(
        delegated_work: &'static [&'static str],
        delegated_personal: &'static [&'static str],
        application: &'static [&'static str],
        note: Option<&'static str>,
    ) -> Self {
        Permissions { delegated_work, delegated_personal, application, note }
    }

    /// Whether the documentation flags something odd about these permissions.
    #[must_use]
    pub fn is_flagged(&self) -> bool {
        self.note.is_some()
    }

    /// Every permission named, of any type, once each, in documented order.
    #[must_use]
    pub fn all(&self) -> Vec<&'static str> {
        let mut all: Vec<&'static str> = Vec::new();
        for permission in self.delegated_work.iter().chain(self.application).chain(self.delegated_personal) {
            if !all.contains(permission) {
                all.push(permission);
            }
        }
        all
    }
}

/// What an operation means for whoever may send it more than once (Smithy's `@readonly` and
/// `@idempotent` traits, as data): the one place a client, a CLI or a fake learns whether a
/// request may be repeated, never from its HTTP method or its permission scopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Semantics {
    /// Reads state only (GETs, and the read-only POST actions such as
    /// `searchCloudCertificationAuthorityLeafCertificateBySerialNumber`): sending it again is
    /// always safe.
    ReadOnly,
    /// Changes state, but sending it again has the effect of sending it once (a PATCH of the same
    /// properties; a DELETE, where a 404 on a later attempt means an earlier one landed).
    Idempotent,
    /// Changes state, and an attempt may still land after the client gave up on it. After an
    /// ambiguous outcome the change is observed with the read `observed_by` (an operation id of
    /// the same spec, read-only) before anything is sent again.
    Write {
        /// The read-only operation that shows whether the write took effect.
        observed_by: &'static str,
        /// What that read shows once it did (for people: logs, docs, errors).
        effect: &'static str,
    },
}

impl Semantics {
    /// Whether sending the same request again can never act twice.
    #[must_use]
    pub const fn is_repeatable(self) -> bool {
        matches!(self, Semantics::ReadOnly | Semantics::Idempotent)
    }

    /// Whether the operation only reads.
    #[must_use]
    pub const fn is_read_only(self) -> bool {
        matches!(self, Semantics::ReadOnly)
    }
}

/// One operation of the spec (a route or a bound action) as an HTTP exchange. Implemented by
/// the generated [`operations`](https://docs.rs/cloudpki-model/latest/cloudpki_model/operations/).
pub trait Operation {
    /// The typed result of a successful call (`()` for a route that answers nothing).
    type Output: ResponseBody;
    /// The operation's name (the OpenAPI `operationId`).
    const OPERATION_ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template below the base URL, as documented.
    const PATH_TEMPLATE: &'static str;
    /// The documented permissions.
    const PERMISSIONS: Permissions;
    /// Whether it reads, is idempotent, or is a write observed by another operation.
    const SEMANTICS: Semantics;
    /// The media type of a successful answer, sent as `Accept` (`text/plain` for `$count`):
    /// the output's.
    const ACCEPT: &'static str = <Self::Output as ResponseBody>::ACCEPT;

    /// The path below the base URL, every parameter percent-encoded as one segment.
    ///
    /// # Errors
    ///
    /// An empty path parameter.
    fn path(&self) -> Result<String, RequestError>;

    /// The query options set on this operation (none, for operations that accept none).
    fn query(&self) -> Option<&QueryOptions> {
        None
    }

    /// The JSON body, if the operation has one (none, by default).
    ///
    /// # Errors
    ///
    /// The body cannot be serialized.
    fn body(&self) -> Result<Option<Vec<u8>>, RequestError> {
        Ok(None)
    }

    /// Reads a successful response body (as its output type reads itself, by default).
    ///
    /// # Errors
    ///
    /// The body is not the documented shape.
    fn parse_body(body: &[u8]) -> Result<Self::Output, DecodeError> {
        <Self::Output as ResponseBody>::parse(body)
    }

    /// The request for `base`: method, URL with the query options, `Accept: application/json`,
    /// `Content-Type` when there is a body, `ConsistencyLevel: eventual` for `$count` and
    /// `$search`, and `Prefer` as `options` ask.
    ///
    /// # Errors
    ///
    /// See [`RequestError`].
    fn to_request(&self, base: &BaseUrl, options: &RequestOptions) -> Result<::http::Request<Vec<u8>>, RequestError> {
        let mut url = base.join(&self.path()?);
        let query = self.query();
        if let Some(query) = query {
            url.push_str(&query.to_query_string());
        }
        let body = self.body()?;
        let eventual = query.is_some_and(QueryOptions::needs_eventual_consistency);
        build_request(Self::METHOD.to_http(), &url, Self::ACCEPT, body, options, eventual)
    }

    /// The typed result of a 2xx response, or the error it carries.
    ///
    /// # Errors
    ///
    /// [`ResponseError::Graph`] for an error status, [`ResponseError::InvalidBody`] for a body
    /// that is not the documented shape.
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

/// What a successful answer is read as: a JSON page or entity, nothing (`()`), or a `$count`
/// (`u64`, a bare integer as `text/plain`).
pub trait ResponseBody: Sized {
    /// The media type asked for with `Accept`.
    const ACCEPT: &'static str = "application/json";

    /// Reads a successful response body.
    ///
    /// # Errors
    ///
    /// The body is not of this shape.
    fn parse(body: &[u8]) -> Result<Self, DecodeError>;
}

impl<T: serde::de::DeserializeOwned> ResponseBody for crate::Page<T> {
    fn parse(body: &[u8]) -> Result<Self, DecodeError> {
        private::parse_json(body)
    }
}

impl<T: serde::de::DeserializeOwned> ResponseBody for crate::SingleEntity<T> {
    fn parse(body: &[u8]) -> Result<Self, DecodeError> {
        private::parse_json(body)
    }
}

impl<T: serde::de::DeserializeOwned> ResponseBody for crate::SingleValue<T> {
    fn parse(body: &[u8]) -> Result<Self, DecodeError> {
        private::parse_json(body)
    }
}

impl ResponseBody for () {
    /// A route that answers nothing (204, or 200 with a body that is ignored).
    fn parse(body: &[u8]) -> Result<Self, DecodeError> {
        private::parse_nothing(body)
    }
}

impl ResponseBody for u64 {
    const ACCEPT: &'static str = "text/plain";

    /// A `$count` answer.
    fn parse(body: &[u8]) -> Result<Self, DecodeError> {
        private::parse_count(body)
    }
}

fn build_request(
    method: ::http::Method,
    url: &str,
    accept: &'static str,
    body: Option<Vec<u8>>,
    options: &RequestOptions,
    eventual_consistency: bool,
) -> Result<::http::Request<Vec<u8>>, RequestError> {
    let mut builder = ::http::Request::builder().method(method).uri(url).header(::http::header::ACCEPT, accept);
    if body.is_some() {
        builder = builder.header(::http::header::CONTENT_TYPE, "application/json");
    }
    if eventual_consistency {
        builder = builder.header("consistencylevel", "eventual");
    }
    if let Some(prefer) = options.prefer() {
        builder = builder.header("prefer", prefer);
    }
    builder.body(body.unwrap_or_default()).map_err(RequestError::Http)
}

/// A page of a collection that may have a next page.
pub trait CollectionPage {
    /// `@odata.nextLink`, absent on the last page.
    fn next_link(&self) -> Option<&str>;
}

impl<T> CollectionPage for crate::Page<T> {
    fn next_link(&self) -> Option<&str> {
        self.odata_next_link.as_deref()
    }
}

/// For generated code only.
pub(crate) mod private {
    pub use super::url::{fill_path, push_path_parameter};

    use crate::DecodeError;

    /// Reads a JSON body as `T` ([`crate::decode`]: the error keeps serde_json's category and
    /// position, and the JSON path as data).
    ///
    /// # Errors
    ///
    /// Not JSON, or not a `T`.
    pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
        crate::decode::from_slice(body)
    }

    /// A route that answers nothing (204, or 200 with a body that is ignored).
    ///
    /// # Errors
    ///
    /// Never.
    pub fn parse_nothing(_body: &[u8]) -> Result<(), DecodeError> {
        Ok(())
    }

    /// A `$count` answer: a bare non-negative integer as `text/plain` (surrounding ASCII white
    /// space allowed, a sign or anything else refused).
    ///
    /// # Errors
    ///
    /// Not such an integer (at the first byte that is not a digit), or larger than `u64::MAX`
    /// (right after the digits).
    pub fn parse_count(body: &[u8]) -> Result<u64, DecodeError> {
        let text = body.trim_ascii();
        let start = body.len() - body.trim_ascii_start().len();
        // Read up to and including the first byte that is not a digit, or to the end.
        let refused_at = match text.iter().position(|byte| !byte.is_ascii_digit()) {
            Some(offset) => Some(start + offset + 1),
            None => text.is_empty().then_some(body.len()),
        };
        if let Some(consumed) = refused_at {
            let shown = super::error::body_start(body);
            let message = format!("a $count answer is a bare integer, not `{shown}`");
            return Err(DecodeError::not_json(message, body, consumed));
        }
        std::str::from_utf8(text).ok().and_then(|digits| digits.parse::<u64>().ok()).ok_or_else(|| {
            DecodeError::not_json("the $count answer is larger than u64::MAX".to_owned(), body, start + text.len())
        })
    }

    /// The JSON of a request body.
    ///
    /// # Errors
    ///
    /// The body cannot be serialized.
    pub fn json_body<T: serde::Serialize>(body: &T) -> Result<Option<Vec<u8>>, super::RequestError> {
        serde_json::to_vec(body).map(Some).map_err(super::RequestError::Serialize)
    }
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
    build_request(::http::Method::GET, &uri.to_string(), "application/json", None, options, false).map(Some)
}

#[cfg(test)]
#[allow(clippy::panic)] // Panicking is how tests fail.
mod tests {
    use super::private::parse_count;

    #[test]
    fn count_answers_are_bare_integers() {
        assert_eq!(parse_count(b"42").ok(), Some(42));
        assert_eq!(parse_count(b" 0\r\n").ok(), Some(0));
        assert_eq!(parse_count(b"18446744073709551615").ok(), Some(u64::MAX));
        for refused in [&b""[..], b"-1", b"+1", b"1.0", b"{\"value\":1}", b"18446744073709551616", b"4 2", b"\xff"] {
            assert!(parse_count(refused).is_err(), "{refused:?}");
        }
    }

    #[test]
    fn json_bodies_keep_serde_json_s_error_and_the_path_as_data() {
        use super::ResponseBody as _;
        let Err(error) = crate::Page::<i32>::parse(b"{\"value\":[1,\n\"x\"]}") else { panic!("accepted") };
        assert_eq!((error.path(), error.line(), error.column()), ("$.value[1]", 2, 3));
        assert!(error.is_data());
        assert_eq!(error.to_string(), "$.value[1]: invalid type: string \"x\", expected i32 at line 2 column 3");
        let Err(error) = crate::Page::<i32>::parse(b"{\"value\":[1,") else { panic!("accepted") };
        assert!(error.is_eof(), "{error}");
        let Err(error) = crate::SingleValue::<i32>::parse(b"{\"value\":true}") else { panic!("accepted") };
        assert_eq!((error.path(), error.line(), error.column()), ("$.value", 1, 14));
    }

    #[test]
    fn refused_counts_say_where() {
        let at = |body: &[u8]| parse_count(body).map(|_| ()).map_err(|error| (error.to_string(), error.is_data()));
        assert_eq!(
            at(b" 4 2"),
            Err(("$: a $count answer is a bare integer, not ` 4 2` at line 1 column 3".to_owned(), true))
        );
        assert_eq!(
            at(b"\n\n-1"),
            Err(("$: a $count answer is a bare integer, not `\n\n-1` at line 3 column 1".to_owned(), true))
        );
        assert_eq!(at(b""), Err(("$: a $count answer is a bare integer, not `` at line 1 column 0".to_owned(), true)));
        assert_eq!(
            at(b"18446744073709551616\n"),
            Err(("$: the $count answer is larger than u64::MAX at line 1 column 20".to_owned(), true))
        );
    }
}
