//! The value types the generated models are built from.
//!
//! * [`DateTimeOffset`]: an `Edm.DateTimeOffset` that keeps its exact spelling, so that a
//!   payload deserialized and serialized again comes back byte for byte.
//! * [`Nullable`]: the tri-state of an OData property (absent, `null`, or a value).
//! * [`UnknownEnumMember`] and [`ParseEnumError`]: forward-compatible handling of members of
//!   evolvable enums that this version of the crate does not know yet.
//! * [`AdditionalProperties`]: the properties and annotations a type does not model, a map
//!   that keeps `@odata.type` cheaply.

pub mod additional_properties;
pub mod date_time;
pub mod enum_member;
pub mod nullable;

pub use additional_properties::AdditionalProperties;
pub use date_time::{DateTimeOffset, DateTimeParseError};
pub use enum_member::{ParseEnumError, UnknownEnumMember};
pub use nullable::Nullable;
