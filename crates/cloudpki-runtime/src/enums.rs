//! What every generated evolvable enum shares: reading a member from its wire text, and the
//! values its `Other` variant and strict parse are made of.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

use crate::path;
use crate::support::{ParseEnumError, UnknownEnumMember};

/// An evolvable enumeration. Implemented by generated code.
pub trait Enum: Sized {
    /// The Graph name, for messages.
    const GRAPH_NAME: &'static str;

    /// The lenient parse: a known member, or the `Other` variant keeping `text`.
    fn parse_lenient(text: &str) -> Self;
}

/// `Deserialize` of a generated enum: any string (unknown members are kept), anything else is an
/// error naming the path.
///
/// # Errors
///
/// A value that is not a string.
#[inline]
pub fn deserialize_enum<'de, T: Enum, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_str(EnumVisitor::<T>(PhantomData)).map_err(path::at_root)
}

struct EnumVisitor<T>(PhantomData<fn() -> T>);

impl<T: Enum> Visitor<'_> for EnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} member (a string)", T::GRAPH_NAME)
    }

    #[inline]
    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        Ok(T::parse_lenient(text))
    }
}

/// The `Other` payload for `text`, which the caller has checked names no known member.
#[must_use]
pub fn unknown_member(text: &str) -> UnknownEnumMember {
    UnknownEnumMember::new(text)
}

/// The error of a strict parse of `text`.
#[must_use]
pub fn parse_error(enum_name: &'static str, text: &str, expected: &'static [&'static str]) -> ParseEnumError {
    ParseEnumError::new(enum_name, text, expected)
}
