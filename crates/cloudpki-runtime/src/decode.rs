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

/// A payload that could not be read as the expected type: serde_json's error as it was raised
/// (its category, line and column), and the JSON path of the value, kept as data while the error
/// came back up through the readers.
#[derive(Debug)]
pub struct DecodeError {
    path: String,
    category: ErrorCategory,
    error: serde_json::Error,
}

impl DecodeError {
    /// The error `error` of reading `input`, at `path`.
    fn new(error: serde_json::Error, input: &[u8], path: Option<String>) -> Self {
        let category = match error.classify() {
            serde_json::error::Category::Io => ErrorCategory::Io,
            serde_json::error::Category::Syntax => ErrorCategory::Syntax,
            serde_json::error::Category::Eof => ErrorCategory::Eof,
            // On its way up, an error is given the position of each enclosing value in turn
            // (see `path::with_key`), which makes it a data error to serde_json: input that is
            // not JSON is found again by reading it untyped, failing no later than the typed read.
            serde_json::error::Category::Data => match serde_json::from_slice::<IgnoredAny>(input) {
                Err(untyped) if (untyped.line(), untyped.column()) <= (error.line(), error.column()) => {
                    match untyped.classify() {
                        serde_json::error::Category::Eof => ErrorCategory::Eof,
                        serde_json::error::Category::Syntax => ErrorCategory::Syntax,
                        _ => ErrorCategory::Data,
                    }
                }
                _ => ErrorCategory::Data,
            },
        };
        DecodeError { path: path.unwrap_or_else(|| "$".to_owned()), category, error }
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
        self.category() == ErrorCategory::Eof
    }

    /// Whether the input is not JSON.
    #[must_use]
    pub fn is_syntax(&self) -> bool {
        self.category() == ErrorCategory::Syntax
    }

    /// Whether the input is JSON of the wrong shape.
    #[must_use]
    pub fn is_data(&self) -> bool {
        self.category() == ErrorCategory::Data
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

    /// ` at line L column C`, as serde_json writes it (empty when the position is unknown).
    fn position(&self) -> String {
        if self.error.line() == 0 {
            String::new()
        } else {
            format!(" at line {} column {}", self.error.line(), self.error.column())
        }
    }

    /// The message without the path and the position (a very long one shortened).
    #[must_use]
    pub fn message(&self) -> String {
        let text = self.error.to_string();
        let message = text.strip_suffix(&self.position()).unwrap_or(&text);
        let full = crate::path::with_path("", message, "");
        full.strip_prefix(": ").unwrap_or(&full).to_owned()
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
        let position = self.position();
        let message = text.strip_suffix(&position).unwrap_or(&text);
        f.write_str(&crate::path::with_path(&self.path, message, &position))
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Reads `input` as a `T`.
///
/// # Errors
///
/// Not JSON, or not a `T`: see [`DecodeError`].
pub fn from_slice<T: DeserializeOwned>(input: &[u8]) -> Result<T, DecodeError> {
    let (result, path) = crate::path::keeping_path(|| serde_json::from_slice(input));
    result.map_err(|error| DecodeError::new(error, input, path))
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
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;

    #[test]
    fn paths_are_data_and_positions_serde_json_s() {
        let error = from_str::<crate::Page<i32>>("{\"value\":[1,\n \"two\"]}").unwrap_err();
        assert_eq!(error.path(), "$.value[1]");
        // The position serde_json gives as the error leaves the page (where it has always been).
        assert_eq!((error.line(), error.column()), (2, 8));
        assert_eq!(error.category(), ErrorCategory::Data);
        assert_eq!(error.message(), "invalid type: string \"two\", expected i32");
        assert_eq!(error.to_string(), "$.value[1]: invalid type: string \"two\", expected i32 at line 2 column 8");
        // serde_json's own error, without the path.
        assert_eq!(error.into_inner().to_string(), "invalid type: string \"two\", expected i32 at line 2 column 8");
        let error = from_str::<crate::Page<i32>>(r#"{"value":[1,}"#).unwrap_err();
        assert!(error.is_syntax(), "{error}");
        assert_eq!(error.path(), "$.value[1]");
        assert_eq!(from_str::<i32>("").unwrap_err().to_string(), "$: EOF while parsing a value at line 1 column 0");
        assert_eq!(from_str::<i32>("1 2").unwrap_err().path(), "$");
        // A second read on the same thread starts a fresh path.
        assert_eq!(from_str::<crate::Page<i32>>(r#"{"value":[true]}"#).unwrap_err().path(), "$.value[0]");
    }
}
