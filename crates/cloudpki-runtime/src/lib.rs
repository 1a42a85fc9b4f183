#![forbid(unsafe_code)]
//! The hand-written runtime of [`cloudpki-model`](https://docs.rs/cloudpki-model): everything the
//! generated models and operations share, and nothing generated.
//!
//! - Lossless value types: [`Nullable`] (absent, `null` or a value), [`DateTimeOffset`] and the
//!   other EDM text types of [`edm`] (the exact text comes back), [`AdditionalProperties`]
//!   (unknown properties and annotations), [`UnknownEnumMember`] (members of evolvable enums
//!   this version does not know).
//! - Generic response shapes: [`Page<T>`] (a page of a collection, with its `@odata.*`
//!   annotations) and [`SingleEntity<T>`] (one entity, bare or in the documented
//!   `{"value": ...}` wrapper), and (feature `stream`) `stream::PageReader`, a page read one
//!   item at a time in bounded memory.
//! - Errors that say where: [`decode`] gives a [`DecodeError`] with the JSON path and
//!   serde_json's category as data; [`LenientPage<T>`] reads a page in which some items are
//!   not valid without losing the others (or the odd ones).
//! - Feature `http`: [`api`], the sans-IO HTTP layer the generated operations build on.
//!
//! Generated code reaches its helpers through one hidden module, [`__private`]; nothing in it is
//! part of the public API.

pub mod additional_properties;
#[cfg(feature = "http")]
pub mod api;
pub mod decode;
pub mod edm;
mod enums;
pub mod lenient;
pub mod nullable;
mod object;
pub mod page;
pub(crate) mod path;
#[cfg(feature = "schemars")]
mod schema;
pub mod single;
#[cfg(feature = "stream")]
pub mod stream;
mod strict_value;

pub use additional_properties::AdditionalProperties;
pub use decode::{DecodeError, ErrorCategory, from_slice, from_str};
pub use edm::{Binary, Date, DateTimeOffset, DateTimeParseError, Double, Duration, EdmParseError, Guid, TimeOfDay};
pub use enums::{ParseEnumError, UnknownEnumMember};
pub use lenient::{ItemError, Lenient};
pub use page::Page;

/// A page read leniently: every well-formed item is kept, valid or not (see [`lenient`]).
pub type LenientPage<T> = Page<Lenient<T>>;
pub use nullable::Nullable;
pub use single::{SingleEntity, SingleValue};

/// For generated code only: not part of the public API, may change in any release.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "http")]
    pub use crate::api::private::*;
    pub use crate::enums::{Enum, deserialize_enum, parse_error, unknown_member};
    pub use crate::object::{
        HasAdditionalProperties, Object, PropertyReader, PropertyWriter, Slot, deserialize_object, serialize_object,
    };
    #[cfg(feature = "schemars")]
    pub use crate::schema::from_file as schema_from_file;
    #[cfg(feature = "schemars")]
    pub use crate::schemars_impl;
    pub use crate::{enum_impls, object, serde_object};
    #[cfg(feature = "http")]
    pub use crate::{operation, query_options};

    /// The std names generated files use, imported with one glob (the code generator refuses
    /// spec types that would take one of them).
    pub mod prelude {
        pub use ::core::clone::Clone;
        pub use ::core::cmp::{Eq, PartialEq};
        pub use ::core::convert::Into;
        pub use ::core::default::Default;
        pub use ::core::fmt::Debug;
        pub use ::core::hash::Hash;
        pub use ::core::option::Option::{self, None, Some};
        pub use ::core::result::Result::{self, Err, Ok};
        pub use ::std::boxed::Box;
        pub use ::std::string::String;
        pub use ::std::vec::Vec;
    }
}
