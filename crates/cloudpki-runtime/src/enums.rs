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

/// The trait impls every generated enum has, from its inherent `GRAPH_NAME`, `as_str`,
/// `parse_lenient` and `parse_strict`: [`Enum`], `FromStr` (strict), `Display` (the wire name),
/// `Serialize` and `Deserialize` (for generated code only).
#[doc(hidden)]
#[macro_export]
macro_rules! enum_impls {
    ($type:ty) => {
        impl $crate::__private::Enum for $type {
            const GRAPH_NAME: &'static str = <$type>::GRAPH_NAME;

            fn parse_lenient(text: &str) -> Self {
                <$type>::parse_lenient(text)
            }
        }

        impl ::core::str::FromStr for $type {
            type Err = $crate::ParseEnumError;

            /// Strict: see `parse_strict`.
            fn from_str(text: &str) -> ::core::result::Result<Self, $crate::ParseEnumError> {
                <$type>::parse_strict(text)
            }
        }

        impl ::core::fmt::Display for $type {
            /// The wire name.
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $type {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $type {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::deserialize_enum(deserializer)
            }
        }
    };
}
