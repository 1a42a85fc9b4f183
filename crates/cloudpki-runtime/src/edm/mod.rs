//! The OData EDM primitive types that JSON cannot carry as-is, modelled losslessly.
//!
//! **The lossless rule.** Every type here gives back what it was read from: deserializing a
//! value and serializing it again yields the same JSON value, and for the text types the same
//! text, byte for byte (letter case, leading zeros, padding, optional fields and all). Parsing is
//! strict: a text the type would not write back exactly, or that OData does not allow, is
//! rejected with an [`EdmParseError`] naming the EDM type, the text (cut after 64 bytes) and the
//! reason; [`DateTimeOffset`], read on every date-time of every payload, fails with a
//! [`DateTimeParseError`] instead, which allocates nothing (positions and field values, not the
//! text). Equality and hashing compare the exact representation, not the meaning: compare the
//! converted values (for example [`Guid::to_u128`] or [`Date::to_naive_date`]) to compare
//! meanings. Every text type has `parse`, [`FromStr`](std::str::FromStr), `as_str`,
//! [`Display`](std::fmt::Display) (the exact text), hand-written serde impls (a JSON string),
//! and a `PATTERN`: the ECMA-262 regular expression, anchored with `^` and `$`, that matches
//! exactly the texts the type accepts; with feature `schemars`, the type's JSON Schema uses it.
//!
//! * [`DateTimeOffset`] (`Edm.DateTimeOffset`): RFC 3339 as OData writes it, `Z` or an offset,
//!   0 to 9 fractional digits, kept as sent (16 bytes, no allocation): its text is rebuilt from
//!   its fields, so it has [`DateTimeOffset::to_text`] where the others have `as_str`;
//!   [`DateTimeOffset::instant`] gives the `chrono` value.
//! * [`Guid`] (`Edm.Guid`): `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hexadecimal digits of
//!   either case, kept as written; [`Guid::to_u128`] and [`Guid::as_bytes`] give the value.
//! * [`Binary`] (`Edm.Binary`): base64 text, in the standard alphabet (`+`, `/`) or the URL-safe
//!   one (`-`, `_`), padded with `=` or not, kept as sent; [`Binary::decode`] gives the bytes and
//!   [`Binary::from_bytes`] encodes them (standard alphabet, padded).
//! * [`Date`] (`Edm.Date`): `YYYY-MM-DD`, a date that exists in years `0000` to `9999`;
//!   [`Date::to_naive_date`] converts it to `chrono`.
//! * [`TimeOfDay`] (`Edm.TimeOfDay`): `hh:mm`, `hh:mm:ss` or `hh:mm:ss` followed by 1 to 12
//!   fractional digits; [`TimeOfDay::to_naive_time`] converts it to `chrono` (to nanoseconds).
//! * [`Duration`] (`Edm.Duration`): an ISO 8601 day-time duration such as `P1D`, `PT36H` or
//!   `-P1DT2H3M4.5S`; [`Duration::to_std`] and [`Duration::total_seconds_f64`] give its length.
//! * [`Double`] (`Edm.Double`): a JSON number, or one of OData's strings `"NaN"`, `"INF"` and
//!   `"-INF"`. It is not text, so it keeps the *kind* of the JSON value instead: a number read as
//!   an integer is written back as that integer (`1` stays `1`), a number read with a fraction or
//!   an exponent is written back as that `f64` (`1.0` stays `1.0`, `-0.0` stays `-0.0`, and
//!   `1e300` comes back as the same number, spelt `1e+300`), and the three strings stay strings.
//!   [`Double::value`] gives the `f64`.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Visitor};

pub mod binary;
pub mod date;
pub mod date_time_offset;
pub mod double;
pub mod duration;
pub mod error;
pub mod guid;
pub mod time_of_day;

pub use binary::Binary;
pub use date::Date;
pub use date_time_offset::{DateTimeOffset, DateTimeParseError};
pub use double::Double;
pub use duration::Duration;
pub use error::EdmParseError;
pub use guid::Guid;
pub use time_of_day::TimeOfDay;

/// A text type of this module, as the shared serde visitor sees it.
trait EdmText: Sized {
    /// What the visitor expects, for serde's `invalid type` errors, e.g.
    /// `an Edm.Guid (8-4-4-4-12 hexadecimal digits)`.
    const EXPECTING: &'static str;

    /// Why a text is refused.
    type Error: fmt::Display;

    /// Parses the text strictly.
    fn parse_text(text: &str) -> Result<Self, Self::Error>;

    /// Parses an owned text, reusing its allocation where the type keeps a [`String`].
    fn parse_owned(text: String) -> Result<Self, Self::Error> {
        Self::parse_text(&text)
    }

    /// Reads a JSON string: the parse, its error as the deserializer's.
    fn deserialize_str<E: de::Error>(text: &str) -> Result<Self, E> {
        Self::parse_text(text).map_err(E::custom)
    }

    /// Reads an owned JSON string.
    fn deserialize_string<E: de::Error>(text: String) -> Result<Self, E> {
        Self::parse_owned(text).map_err(E::custom)
    }
}

/// `Display` (the exact text), `Debug` (`Type("text")`), `Serialize` (the exact text as a
/// string) and `Deserialize` (a string only, parsed strictly) of a text type of this module.
/// The text is `self.as_str()`, or, for a type that writes its text out when asked
/// (`DateTimeOffset`, which keeps the fields of the text, not the text), what
/// `self.$with_text(f)` hands to `f` (a buffer of its own, on the stack, not copied).
macro_rules! text_type_impls {
    ($type:ident) => {
        impl $type {
            /// Hands the text to `f`.
            #[inline]
            fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
                f(self.as_str())
            }
        }

        super::text_type_impls!($type, with_text);
    };
    ($type:ident, $with_text:ident) => {
        impl ::std::fmt::Display for $type {
            /// Writes the exact text.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.$with_text(|text| f.pad(text))
            }
        }

        impl ::std::fmt::Debug for $type {
            #[doc = concat!("Writes `", stringify!($type), "(\"...\")` with the exact text.")]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.$with_text(|text| f.debug_tuple(stringify!($type)).field(&text).finish())
            }
        }

        impl ::serde::Serialize for $type {
            /// Writes the exact text as a string.
            #[inline]
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.$with_text(|text| serializer.serialize_str(text))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $type {
            #[doc = concat!("Accepts a string only; see [`", stringify!($type), "::parse`].")]
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::deserialize_text(deserializer)
            }
        }
    };
}
pub(crate) use text_type_impls;

/// Deserializes a text type of this module from a string (anything else is an
/// `invalid type` error); a string it rejects gives the [`EdmParseError`] message.
fn deserialize_text<'de, T: EdmText, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_str(TextVisitor(PhantomData))
}

/// The serde visitor shared by the text types.
struct TextVisitor<T>(PhantomData<T>);

impl<T: EdmText> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    #[inline]
    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        T::deserialize_str(text)
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<T, E> {
        T::deserialize_string(text)
    }
}

/// The text of a fixed-capacity ASCII buffer (empty if it is not UTF-8, which the types that
/// use this rule out by only storing validated ASCII).
fn ascii_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// The value of an ASCII decimal digit.
fn digit_value(byte: u8) -> Option<u32> {
    byte.is_ascii_digit().then(|| u32::from(byte - b'0'))
}

/// The value of exactly two ASCII decimal digits.
fn two_digits(bytes: &[u8]) -> Option<u32> {
    match bytes {
        [tens, ones] => Some(digit_value(*tens)? * 10 + digit_value(*ones)?),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod test_support {
    //! Helpers shared by the tests of the submodules.

    /// A `proptest` strategy for the texts an anchored pattern matches.
    pub fn matching(pattern: &str) -> proptest::string::RegexGeneratorStrategy<String> {
        let inner = pattern.strip_prefix('^').and_then(|rest| rest.strip_suffix('$')).unwrap();
        proptest::string::string_regex(inner).unwrap()
    }

    /// Pseudo-random texts over `alphabet`, up to `max_len` characters, `count` of them.
    pub fn random_texts(alphabet: &str, max_len: usize, count: usize) -> Vec<String> {
        let chars: Vec<char> = alphabet.chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = (next() % (max_len as u64 + 1)) as usize;
                (0..len).map(|_| chars[(next() % chars.len() as u64) as usize]).collect()
            })
            .collect()
    }
}
