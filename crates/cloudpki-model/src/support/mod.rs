//! Hand-written support types (not generated).
//!
//! The generated models in `generated/` are built from these few types:
//!
//! * [`DateTimeOffset`]: an `Edm.DateTimeOffset` that keeps its exact spelling, so that a
//!   payload deserialized and serialized again comes back byte for byte.
//! * [`Nullable`]: the tri-state of an OData property (absent, `null`, or a value).
//! * [`UnknownEnumMember`] and [`ParseEnumError`]: forward-compatible handling of members of
//!   evolvable enums that this version of the crate does not know yet.
//! * [`AdditionalProperties`]: the properties and annotations a type does not model, a map
//!   that keeps `@odata.type` cheaply.
//!
//! Everything here is written by hand and reviewed like ordinary code; the code generator only
//! refers to these names.

pub mod additional_properties;
pub mod date_time;
pub mod enum_member;
pub mod nullable;

#[doc(hidden)]
pub mod path; // used by generated code only

#[cfg(feature = "schemars")]
#[doc(hidden)]
pub mod schema; // used by generated code only (written by the code generator's author)

pub use additional_properties::AdditionalProperties;
pub use date_time::{DateTimeOffset, DateTimeParseError};
pub use enum_member::{ParseEnumError, UnknownEnumMember};
pub use nullable::Nullable;
