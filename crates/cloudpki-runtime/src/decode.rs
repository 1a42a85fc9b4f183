//! Reading a payload with errors that say where, as data: [`from_slice`] and [`from_str`] give
//! a [`DecodeError`] with the JSON path of the bad value, serde_json's category (syntax, data,
//! end of input) and the line and column, besides the message.
//!
//! ```
//! use cloudpki_runtime::{ErrorCategory, Page, from_str};
//!
//! let error = from_str::<Page<i32>>(r#"{"value":[1,"two"]}"#).unwrap_err();
//! assert_eq!(error.path(), "$.value[1]");
//! assert_eq!(error.category(), ErrorCategory::Data);
//! let error = from_str::<Page<i32>>(r#"{"value":[1,"#).unwrap_err();
//! assert!(error.is_eof());
//! ```

use std::fmt;

use serde::de::{DeserializeOwned, IgnoredAny};

/// What kind of problem a [`DecodeError`] is (serde_json's categories).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// The input is not JSON.
    Syntax,
    /// The input is JSON, but not of the expected shape (a wrong type, `null` for a
    /// non-nullable property, a duplicate property, a missing required property).
    Data,
    /// The input ended in the middle of a value.
    Eof,
    /// Reading the input failed.
    Io,
}

/// A payload that could not be read as the expected type.
#[derive(Debug)]
pub struct DecodeError {
    path: String,
    category: ErrorCategory,
    error: serde_json::Error,
}

impl DecodeError {
    /// Classifies `error`, an error of reading `input` as some type.
    #[must_use]
    pub fn new(error: serde_json::Error, input: &[u8]) -> Self {
        let path = path_of(&error.to_string()).to_owned();
        let category = match error.classify() {
            serde_json::error::Category::Io => ErrorCategory::Io,
            serde_json::error::Category::Syntax => ErrorCategory::Syntax,
            serde_json::error::Category::Eof => ErrorCategory::Eof,
            // The typed models rebuild errors to add their path, which makes every one a data
            // error to serde_json; a syntax error of the input is found again, at the same place,
            // by reading it untyped.
            serde_json::error::Category::Data => match serde_json::from_slice::<IgnoredAny>(input) {
                Err(untyped) if untyped.line() == error.line() && untyped.column() == error.column() => {
                    match untyped.classify() {
                        serde_json::error::Category::Eof => ErrorCategory::Eof,
                        serde_json::error::Category::Syntax => ErrorCategory::Syntax,
                        _ => ErrorCategory::Data,
                    }
                }
                _ => ErrorCategory::Data,
            },
        };
        DecodeError { path, category, error }
    }

    /// The JSON path of the value that is wrong (`$` for the whole payload), e.g.
    /// `$.value[3].certificateStatus`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What kind of problem it is.
    #[must_use]
    pub fn category(&self) -> ErrorCategory {
        self.category
    }

    /// Whether the input ended too early (a truncated body).
    #[must_use]
    pub fn is_eof(&self) -> bool {
        self.category == ErrorCategory::Eof
    }

    /// Whether the input is not JSON.
    #[must_use]
    pub fn is_syntax(&self) -> bool {
        self.category == ErrorCategory::Syntax
    }

    /// Whether the input is JSON of the wrong shape.
    #[must_use]
    pub fn is_data(&self) -> bool {
        self.category == ErrorCategory::Data
    }

    /// The 1-based line of the input where the problem was found (0 when unknown).
    #[must_use]
    pub fn line(&self) -> usize {
        self.error.line()
    }

    /// The 1-based column of the input where the problem was found (0 when unknown).
    #[must_use]
    pub fn column(&self) -> usize {
        self.error.column()
    }

    /// The message without the path and the position.
    #[must_use]
    pub fn message(&self) -> String {
        let text = self.error.to_string();
        let rest = text.strip_prefix(self.path.as_str()).and_then(|rest| rest.strip_prefix(": ")).unwrap_or(&text);
        crate::path::strip_position(rest).to_owned()
    }

    /// The serde_json error.
    #[must_use]
    pub fn into_inner(self) -> serde_json::Error {
        self.error
    }
}

impl fmt::Display for DecodeError {
    /// `<path>: <message> at line L column C`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.error.to_string();
        if text.starts_with('$') { f.write_str(&text) } else { write!(f, "$: {text}") }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// The path an error message starts with, `$` when it names none.
fn path_of(message: &str) -> &str {
    if !message.starts_with('$') {
        return "$";
    }
    // The path ends at the first `: ` outside a quoted key (`$['a: b'].c: ...`).
    let bytes = message.as_bytes();
    let mut quoted = false;
    let mut escaped = false;
    for (index, &byte) in bytes.iter().enumerate() {
        if quoted {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'\'' => quoted = false,
                _ => {}
            }
        } else if byte == b'\'' {
            quoted = true;
        } else if byte == b':' && bytes.get(index + 1) == Some(&b' ') {
            return &message[..index];
        }
    }
    "$"
}

/// Reads `input` as a `T`.
///
/// # Errors
///
/// Not JSON, or not a `T`: see [`DecodeError`].
pub fn from_slice<T: DeserializeOwned>(input: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(input).map_err(|error| DecodeError::new(error, input))
}

/// Reads `input` as a `T`.
///
/// # Errors
///
/// Not JSON, or not a `T`: see [`DecodeError`].
pub fn from_str<T: DeserializeOwned>(input: &str) -> Result<T, DecodeError> {
    from_slice(input.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_end_at_the_first_separator_outside_quotes() {
        assert_eq!(path_of("$.value[3].id: invalid type"), "$.value[3].id");
        assert_eq!(path_of("$['a: b'].c: bad"), "$['a: b'].c");
        assert_eq!(path_of("$: missing property `value`"), "$");
        assert_eq!(path_of("expected value at line 1 column 1"), "$");
    }
}
