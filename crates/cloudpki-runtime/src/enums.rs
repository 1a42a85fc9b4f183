//! Evolvable enumerations, in one place: what every generated enum shares.
//!
//! Microsoft Graph enums are *evolvable*: the service adds members over time. When a client
//! sends `Prefer: include-unknown-enum-members`, the service sends the names of members added
//! after the `unknownFutureValue` sentinel instead of mapping them to it. A payload read by this
//! version of the crate may therefore carry member names it does not know. The generated enums
//! keep such a name in an `Other(UnknownEnumMember)` variant, so that it is written back
//! unchanged; [`ParseEnumError`] is the error of their strict parse. For generated code,
//! [`Enum`] and [`deserialize_enum`] read a member from its wire text, and `enum_impls!` adds
//! the trait impls every generated enum has.

use std::error::Error;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

use crate::path;

/// The wire text of an enum member that this version of the crate does not know.
///
/// The generated enums hold this in their `Other` variant. Its text is available through
/// [`as_str`](Self::as_str) (for logging, or to send the value back), but it cannot be
/// constructed directly: values come from deserializing a payload, or from an enum's lenient
/// parse, which yields a known variant whenever the text names one.
///
/// That restriction is what keeps code forward-compatible (the same design as smithy-rs'
/// `UnknownVariantValue`). Code that handles a member this version does not know would
/// otherwise be tempted to match on the text inside `Other`; when a later version of the crate
/// learns `newMember`, that text arrives as the new known variant instead, and such a match
/// would silently stop matching. Since an `Other` can only ever hold text that is not a
/// known member, matching has to go through the known variants, and upgrading the crate turns
/// into a compile-time change (a new variant) rather than a silent behaviour change.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownEnumMember(
    // A thin pointer, so that a generated enum is 16 bytes (not 24): members this version does
    // not know are rare, their extra allocation matters less than every field's size.
    #[allow(clippy::box_collection)] Box<String>,
);

impl UnknownEnumMember {
    /// The member's text, exactly as it appeared on the wire.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps text that is known not to name a known member (reached by generated code through
    /// the private module only; users get unknown members from an enum's lenient parse, see
    /// the type's documentation for why).
    #[must_use]
    pub(crate) fn new(text: &str) -> Self {
        Self(Box::new(text.to_owned()))
    }
}

impl fmt::Display for UnknownEnumMember {
    /// Writes the member's text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// The error of an enum's strict parse: the text is not a member this version of the crate
/// knows.
///
/// Displays as ``unknown member `foo` of cloudCertificationAuthorityLeafCertificateStatus;
/// expected one of `unknown`, `active`, `revoked` ``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseEnumError {
    /// The enum's name in the schema.
    enum_name: &'static str,
    /// The text that was parsed.
    value: Box<str>,
    /// The wire names of the known members.
    expected: &'static [&'static str],
}

impl ParseEnumError {
    /// The error for `value`, which is none of `expected`, the wire names of the members of the
    /// enum named `enum_name` in the schema.
    #[must_use]
    pub(crate) fn new(enum_name: &'static str, value: &str, expected: &'static [&'static str]) -> Self {
        Self { enum_name, value: value.into(), expected }
    }

    /// The enum's name in the schema, e.g. `cloudCertificationAuthorityLeafCertificateStatus`.
    #[must_use]
    pub fn enum_name(&self) -> &'static str {
        self.enum_name
    }

    /// The text that is not a known member.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The wire names of the members this version of the crate knows.
    #[must_use]
    pub fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown member `{}` of {}", self.value, self.enum_name)?;
        for (i, member) in self.expected.iter().enumerate() {
            let separator = if i == 0 { "; expected one of" } else { "," };
            write!(f, "{separator} `{member}`")?;
        }
        Ok(())
    }
}

impl Error for ParseEnumError {}

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
    path::scoped(|| deserializer.deserialize_str(EnumVisitor::<T>(PhantomData)))
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;

    const MEMBERS: &[&str] = &["unknown", "active", "revoked", "unknownFutureValue"];

    #[test]
    fn unknown_member() {
        let member = UnknownEnumMember::new("suspended");
        assert_eq!(member.as_str(), "suspended");
        assert_eq!(member.to_string(), "suspended");
        assert_eq!(format!("{member:?}"), r#"UnknownEnumMember("suspended")"#);
        assert_eq!(member.clone(), member);
        assert!(UnknownEnumMember::new("a") < UnknownEnumMember::new("b"));
    }

    #[test]
    fn parse_error() {
        let err = ParseEnumError::new("cloudCertificationAuthorityLeafCertificateStatus", "foo", MEMBERS);
        assert_eq!(err.enum_name(), "cloudCertificationAuthorityLeafCertificateStatus");
        assert_eq!(err.value(), "foo");
        assert_eq!(err.expected(), MEMBERS);
        assert_eq!(
            err.to_string(),
            "unknown member `foo` of cloudCertificationAuthorityLeafCertificateStatus; \
             expected one of `unknown`, `active`, `revoked`, `unknownFutureValue`"
        );
        assert_eq!(err.clone(), err);
        let boxed: Box<dyn Error + Send + Sync> = Box::new(err);
        assert!(boxed.source().is_none());
        assert_eq!(ParseEnumError::new("empty", "x", &[]).to_string(), "unknown member `x` of empty");
    }
}
