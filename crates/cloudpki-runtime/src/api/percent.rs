//! Percent-encoding, the one place for it: path segments and query values written by the
//! operations, and query components read back (the fake service reads requests with
//! [`decode_query_component`]; the CLI's journal reads its escaped identifiers with
//! [`decode`]). Built on the `percent-encoding` crate.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but the unreserved characters of RFC 3986 (ASCII letters, digits, `-._~`): what
/// a query value keeps as it is.
pub const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// [`QUERY_VALUE`] and `.` too, so that `.` and `..` cannot climb: what a path segment keeps.
pub const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// Appends `value` percent-encoded as a query value (see [`QUERY_VALUE`]).
pub fn push_query_value(out: &mut String, value: &str) {
    out.extend(utf8_percent_encode(value, QUERY_VALUE));
}

/// Appends `value` percent-encoded as one path segment (see [`PATH_SEGMENT`]).
pub fn push_path_segment(out: &mut String, value: &str) {
    out.extend(utf8_percent_encode(value, PATH_SEGMENT));
}

/// A query component that is not valid percent-encoded UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// A `%` not followed by two hexadecimal digits (`%2`, `%zz`, `%+A`).
    InvalidEscape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeError::InvalidEscape => "a `%` not followed by two hexadecimal digits",
            DecodeError::NotUtf8 => "the decoded text is not UTF-8",
        })
    }
}

impl std::error::Error for DecodeError {}

/// Decodes a query component (`application/x-www-form-urlencoded` style: `%XX`, and `+` for a
/// space). Every `%` must be followed by two hexadecimal digits: the `percent-encoding` crate
/// passes a malformed escape through as text, which is refused here instead.
///
/// # Errors
///
/// See [`DecodeError`].
pub fn decode_query_component(text: &str) -> Result<String, DecodeError> {
    if text.contains('+') { decode(&text.replace('+', " ")) } else { decode(text) }
}

/// Decodes percent-encoded UTF-8 (`%XX` escapes only; a `+` stays a `+`). Every `%` must be
/// followed by two hexadecimal digits: the `percent-encoding` crate passes a malformed escape
/// through as text, which is refused here instead.
///
/// # Errors
///
/// See [`DecodeError`].
pub fn decode(text: &str) -> Result<String, DecodeError> {
    let bytes = text.as_bytes();
    for (index, _) in text.match_indices('%') {
        let escape = bytes.get(index + 1..index + 3);
        if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
            return Err(DecodeError::InvalidEscape);
        }
    }
    percent_decode_str(text).decode_utf8().map(|decoded| decoded.into_owned()).map_err(|_| DecodeError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_components_decode_strictly() {
        assert_eq!(decode_query_component("a%20b+c%2B%C3%BC").as_deref(), Ok("a b c+ü"));
        assert_eq!(decode_query_component("%24filter").as_deref(), Ok("$filter"));
        assert_eq!(decode_query_component("").as_deref(), Ok(""));
        // `u8::from_str_radix("+A", 16)` is 10: a sign is not a hex digit.
        for refused in ["%+A", "%-1", "%2", "%", "%zz", "a%2"] {
            assert_eq!(decode_query_component(refused), Err(DecodeError::InvalidEscape), "{refused}");
        }
        assert_eq!(decode_query_component("%FF"), Err(DecodeError::NotUtf8));
        assert_eq!(decode("a+b%2B").as_deref(), Ok("a+b+"));
        assert_eq!(decode("%+A"), Err(DecodeError::InvalidEscape));
    }

    #[test]
    fn encoding_round_trips() {
        let text = "a&b=c #d+e/f.g~h_i-j 'ü'%";
        let mut query = String::new();
        push_query_value(&mut query, text);
        assert_eq!(query, "a%26b%3Dc%20%23d%2Be%2Ff.g~h_i-j%20%27%C3%BC%27%25");
        assert_eq!(decode_query_component(&query).as_deref(), Ok(text));
        let mut path = String::new();
        push_path_segment(&mut path, "..");
        assert_eq!(path, "%2E%2E");
    }
}
