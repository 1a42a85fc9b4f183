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

use serde::de::DeserializeOwned;

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
/// (its message, category, line and column: nothing is rewritten on the way up), and the JSON
/// path of the value, kept as data while the error came back up through the readers.
///
/// Every error has a position (a line from 1): serde_json's own for what it finds (where it
/// stopped reading), and for what the typed readers refuse (a wrong type, a duplicate or
/// missing property, a bad enum member or date), the position serde_json gives such an error
/// as it leaves the value being read: right after the offending value (after the object, for a
/// missing property; after the whole body, for a single-entity body, which is read whole before
/// it is typed).
///
/// A message longer than 512 bytes (serde's `invalid type: string "..."` quotes the whole
/// string, however long) is cut when the error is made, to its start and its end with the
/// number of bytes left out: the error never holds, nor shows, a copy of a huge value.
#[derive(Debug)]
pub struct DecodeError {
    path: String,
    error: serde_json::Error,
    category: ErrorCategory,
    line: usize,
    column: usize,
}

impl DecodeError {
    /// serde_json's `error`, at `path` (`None`: at `$`).
    fn new(error: serde_json::Error, path: Option<String>) -> Self {
        let (line, column) = (error.line(), error.column());
        let category = match error.classify() {
            serde_json::error::Category::Io => ErrorCategory::Io,
            serde_json::error::Category::Syntax => ErrorCategory::Syntax,
            serde_json::error::Category::Data => ErrorCategory::Data,
            serde_json::error::Category::Eof => ErrorCategory::Eof,
        };
        let text = error.to_string();
        let message = unpositioned(&error, &text);
        let error = if message.len() > crate::path::MAX_MESSAGE_SHOWN {
            use serde::de::Error as _;
            let mut cut = String::new();
            crate::path::push_shortened(&mut cut, message);
            serde_json::Error::custom(cut)
        } else {
            error
        };
        DecodeError { path: path.unwrap_or_else(|| "$".to_owned()), error, category, line, column }
    }

    /// A body that is not read as JSON (a `$count` answer, `text/plain`) refused with `message`
    /// once its first `consumed` bytes were read (at `$`, a data error). As serde_json counts, the
    /// column is the number of bytes read on the line: a refused byte is read, an end is not.
    #[cfg(feature = "http")]
    pub(crate) fn not_json(message: String, body: &[u8], consumed: usize) -> Self {
        use serde::de::Error as _;
        let before = body.get(..consumed).unwrap_or(body);
        let line_start = before.iter().rposition(|&byte| byte == b'\n').map_or(0, |newline| newline + 1);
        let line = 1 + before.iter().filter(|&&byte| byte == b'\n').count();
        let column = before.len() - line_start;
        DecodeError {
            path: "$".to_owned(),
            error: serde_json::Error::custom(message),
            category: ErrorCategory::Data,
            line,
            column,
        }
    }

    /// The JSON path of the value that is wrong (`$` for the whole payload), e.g.
    /// `$.value[3].certificateStatus`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What kind of problem it is (serde_json's [`classify`](serde_json::Error::classify)).
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

    /// The 1-based line of the input where the problem was found.
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of the input where the problem was found (as serde_json counts it: the byte
    /// it stopped at, from 1; 0 before the first byte of a line).
    #[must_use]
    pub fn column(&self) -> usize {
        self.column
    }

    /// The message without the path and the position, a very long one shortened (its start
    /// and its end, with the number of bytes left out).
    #[must_use]
    pub fn message(&self) -> String {
        unpositioned(&self.error, &self.error.to_string()).to_owned()
    }

    /// serde_json's error (its message without the path). For a message that was cut (see
    /// above), and for a `$count` answer, which is not read as JSON, a new error with that
    /// message and no position: the position is [`line`](Self::line) and
    /// [`column`](Self::column), the category [`category`](Self::category).
    #[must_use]
    pub fn into_inner(self) -> serde_json::Error {
        self.error
    }
}

/// `text`, serde_json's `Display` of `error`, without the ` at line L column C` it appends to a
/// positioned error (from its `line()` and `column()`).
fn unpositioned<'a>(error: &serde_json::Error, text: &'a str) -> &'a str {
    if error.line() == 0 {
        return text;
    }
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(text)
}

impl fmt::Display for DecodeError {
    /// `<path>: <message, shortened> at line L column C`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.error.to_string();
        let position =
            if self.line == 0 { String::new() } else { format!(" at line {} column {}", self.line, self.column) };
        f.write_str(&crate::path::with_path(&self.path, unpositioned(&self.error, &text), &position))
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
    keeping_path(|| serde_json::from_slice(input))
}

/// Reads `input` as a `T` (as [`from_slice`], without checking again that strings are UTF-8).
///
/// # Errors
///
/// Not JSON, or not a `T`: see [`DecodeError`].
pub fn from_str<T: DeserializeOwned>(input: &str) -> Result<T, DecodeError> {
    keeping_path(|| serde_json::from_str(input))
}

/// Runs `read` with the path of its error kept as data.
fn keeping_path<T>(read: impl FnOnce() -> serde_json::Result<T>) -> Result<T, DecodeError> {
    let (result, path) = crate::path::keeping_path(read);
    result.map_err(|error| DecodeError::new(error, path))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;

    #[test]
    fn paths_are_data_and_positions_serde_json_s() {
        let error = from_str::<crate::Page<i32>>("{\"value\":[1,\n \"two\"]}").unwrap_err();
        assert_eq!(error.path(), "$.value[1]");
        // serde_json's own position: right after the offending value.
        assert_eq!((error.line(), error.column()), (2, 6));
        assert_eq!(error.category(), ErrorCategory::Data);
        assert_eq!(error.message(), "invalid type: string \"two\", expected i32");
        assert_eq!(error.to_string(), "$.value[1]: invalid type: string \"two\", expected i32 at line 2 column 6");
        // serde_json's own error, untouched (without the path).
        let inner = error.into_inner();
        assert_eq!(inner.to_string(), "invalid type: string \"two\", expected i32 at line 2 column 6");
        assert_eq!((inner.line(), inner.column()), (2, 6));
        assert_eq!(from_str::<i32>("").unwrap_err().to_string(), "$: EOF while parsing a value at line 1 column 0");
        assert_eq!(from_str::<i32>("1 2").unwrap_err().path(), "$");
        // A second read on the same thread starts a fresh path.
        assert_eq!(from_str::<crate::Page<i32>>(r#"{"value":[true]}"#).unwrap_err().path(), "$.value[0]");
    }

    #[test]
    fn categories_are_serde_json_s_own() {
        // Inside a value with a path, a syntax error and the end of input stay what they are
        // (nothing is rebuilt on the way up).
        let error = from_str::<crate::Page<i32>>(r#"{"value":[1,}"#).unwrap_err();
        assert!(error.is_syntax(), "{error}");
        assert_eq!(error.path(), "$.value[1]");
        assert_eq!((error.line(), error.column()), (1, 13));
        let error = from_str::<crate::Page<i32>>(r#"{"value":[1,"#).unwrap_err();
        assert!(error.is_eof(), "{error}");
        assert_eq!(error.path(), "$.value[1]");
        assert_eq!(error.to_string(), "$.value[1]: EOF while parsing a value at line 1 column 12");
        let error = from_str::<crate::Page<crate::Page<i32>>>(r#"{"value":[{"value":[x]}]}"#).unwrap_err();
        assert!(error.is_syntax(), "{error}");
        assert_eq!(error.path(), "$.value[0].value[0]");
        let error = from_str::<crate::Page<i32>>(r#"{"value":[1.5]}"#).unwrap_err();
        assert!(error.is_data(), "{error}");
    }

    /// `text` read as `T` fails at `path` with `message`, at `(line, column)`.
    fn refused<T: DeserializeOwned + fmt::Debug>(text: &str, path: &str, message: &str, position: (usize, usize)) {
        let error = from_str::<T>(text).unwrap_err();
        assert_eq!((error.path(), error.message().as_str()), (path, message), "{text}");
        assert_eq!((error.line(), error.column()), position, "{text}: {error}");
        assert!(error.is_data(), "{text}: {error}");
    }

    #[test]
    fn errors_of_our_readers_get_a_position_from_serde_json() {
        use crate::{Page, SingleEntity, SingleValue};
        // Made without a position (`E::custom`), given one by serde_json as they leave the
        // value being read: right after the repeated key, after the object missing a property.
        refused::<Page<i32>>(r#"{"value":[],"value":[]}"#, "$.value", "duplicate property `value`", (1, 19));
        refused::<Page<i32>>("{\n \"x\": 1\n}", "$", "missing property `value`", (3, 1));
        refused::<Page<Page<i32>>>(r#"{"value":[{"value":[]},{}]}"#, "$.value[1]", "missing property `value`", (1, 25));
        refused::<Page<i32>>(
            r#"{"value":[],"@odata.nextLink":null}"#,
            "$['@odata.nextLink']",
            "invalid type: null, expected a string",
            (1, 34),
        );
        // A body read whole before it is typed: the end of the body.
        refused::<SingleEntity<Page<i32>>>(
            r#"{"value":{"value":[true]}}"#,
            "$.value.value[0]",
            "invalid type: boolean `true`, expected i32",
            (1, 26),
        );
        refused::<SingleEntity<Page<i32>>>(
            r#"{"value":null}"#,
            "$.value",
            "invalid type: null, expected a collection page object",
            (1, 14),
        );
        refused::<SingleValue<i32>>(r#"{"@odata.context":"c"}"#, "$", "missing property `value`", (1, 22));
        refused::<SingleValue<i32>>(r#"[1]"#, "$", "expected an object with a `value` member", (1, 3));
        refused::<SingleValue<i32>>(
            r#" {"value":"1"}"#,
            "$.value",
            "invalid type: string \"1\", expected i32",
            (1, 14),
        );
        // Strictly read: a repeated key, where it is.
        refused::<SingleValue<i32>>(r#"{"value":1,"value":2}"#, "$.value", "duplicate property `value`", (1, 18));
    }

    #[test]
    fn long_messages_are_cut_when_the_error_is_made() {
        let long = "s".repeat(10_000);
        let error = from_str::<crate::Page<i32>>(&format!(r#"{{"value":["{long}"]}}"#)).unwrap_err();
        let message = error.message();
        assert!(message.len() < 600, "{} bytes", message.len());
        assert!(
            message.starts_with("invalid type: string \"sss") && message.ends_with("sss\", expected i32"),
            "{message}"
        );
        assert!(message.contains(" bytes not shown) …"), "{message}");
        let shown = error.to_string();
        assert_eq!(shown, format!("$.value[0]: {message} at line 1 column 10012"));
        // Nothing keeps the whole value: the error it hands on (`source`, `into_inner`) holds the
        // cut message; category and position stay the original's.
        assert_eq!(error.category(), ErrorCategory::Data);
        let source = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
        assert_eq!(source, message);
        assert_eq!(error.into_inner().to_string(), message);
        // A syntax error stays one whatever its message.
        let error = from_str::<crate::Page<i32>>(&format!("{{\"value\":[1 {long}]}}")).unwrap_err();
        assert_eq!(error.category(), ErrorCategory::Syntax);
    }
}
