//! [`EdmParseError`]: why a text is not a valid value of an EDM type.

use std::borrow::Cow;
use std::error::Error;
use std::fmt::{self, Write as _};

/// How many bytes of the rejected text an [`EdmParseError`] keeps and shows.
const SHOWN: usize = 64;

/// The error returned when parsing any type of [`edm`](super): names the EDM type, shows the
/// text and says what is wrong with it.
///
/// The message reads ``invalid Edm.Guid `xyz`: expected 8-4-4-4-12 hexadecimal digits``. A text
/// longer than 64 bytes is cut to its first 64 bytes (at a character boundary) and shown as
/// ``invalid Edm.Binary `AAAA…` (1000 bytes): …``, so that errors (and logs) stay small; control
/// characters in the text are shown escaped (`\n`, `\u{0}`). Deserializing gives the same
/// message (serde_json adds the position).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdmParseError {
    /// The EDM type, e.g. `Edm.Guid`.
    edm_type: &'static str,
    /// The text, cut to at most [`SHOWN`] bytes.
    text: String,
    /// The length of the whole text in bytes.
    text_len: usize,
    /// What is wrong, e.g. `expected 8-4-4-4-12 hexadecimal digits`.
    reason: Cow<'static, str>,
}

impl EdmParseError {
    /// An error for `text`, which is not a valid `edm_type` because of `reason`.
    pub(super) fn new(edm_type: &'static str, text: &str, reason: impl Into<Cow<'static, str>>) -> Self {
        let shown = text.get(..text.floor_char_boundary(SHOWN)).unwrap_or_default();
        Self { edm_type, text: shown.to_owned(), text_len: text.len(), reason: reason.into() }
    }

    /// The EDM type the text was parsed as, e.g. `Edm.Guid`.
    #[must_use]
    pub fn edm_type(&self) -> &'static str {
        self.edm_type
    }

    /// The rejected text, cut to its first 64 bytes (at a character boundary) when it is longer;
    /// see [`text_len`](Self::text_len) and [`is_cut`](Self::is_cut).
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The length of the whole rejected text, in bytes.
    #[must_use]
    pub fn text_len(&self) -> usize {
        self.text_len
    }

    /// Whether [`text`](Self::text) is only the start of the rejected text.
    #[must_use]
    pub fn is_cut(&self) -> bool {
        self.text.len() < self.text_len
    }

    /// What is wrong with the text, e.g. `expected 8-4-4-4-12 hexadecimal digits`.
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for EdmParseError {
    /// ``invalid Edm.Guid `xyz`: expected 8-4-4-4-12 hexadecimal digits``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} `", self.edm_type)?;
        write_escaped(f, &self.text)?;
        if self.is_cut() {
            write!(f, "…` ({} bytes)", self.text_len)?;
        } else {
            f.write_char('`')?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl Error for EdmParseError {}

/// Writes `text`, control characters escaped the way Rust writes them (`\n`, `\u{0}`).
fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else {
            f.write_char(c)?;
        }
    }
    Ok(())
}

/// Describes the character of `text` at byte `at` for a message: `` `!` `` (escaped if it is a
/// control character), or `end of input`.
pub(super) fn describe_char_at(text: &str, at: usize) -> String {
    match text.get(at..).and_then(|rest| rest.chars().next()) {
        None => "end of input".to_owned(),
        Some(c) if c.is_control() => format!("`{}`", c.escape_default()),
        Some(c) => format!("`{c}`"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;

    #[test]
    fn message() {
        let err = EdmParseError::new("Edm.Guid", "xyz", "expected 8-4-4-4-12 hexadecimal digits");
        assert_eq!(err.to_string(), "invalid Edm.Guid `xyz`: expected 8-4-4-4-12 hexadecimal digits");
        assert_eq!(err.edm_type(), "Edm.Guid");
        assert_eq!(err.text(), "xyz");
        assert_eq!(err.text_len(), 3);
        assert!(!err.is_cut());
        assert_eq!(err.reason(), "expected 8-4-4-4-12 hexadecimal digits");
        let err = EdmParseError::new("Edm.Date", "", "expected YYYY-MM-DD");
        assert_eq!(err.to_string(), "invalid Edm.Date ``: expected YYYY-MM-DD");
    }

    #[test]
    fn long_texts_are_cut() {
        let exactly = "a".repeat(64);
        let err = EdmParseError::new("Edm.Binary", &exactly, "reason");
        assert_eq!(err.to_string(), format!("invalid Edm.Binary `{exactly}`: reason"));
        assert!(!err.is_cut());

        let long = "a".repeat(1000);
        let err = EdmParseError::new("Edm.Binary", &long, "reason");
        assert_eq!(err.text(), exactly);
        assert!(err.is_cut());
        assert_eq!(err.to_string(), format!("invalid Edm.Binary `{exactly}…` (1000 bytes): reason"));

        // Cut at a character boundary: 21 three-byte characters are 63 bytes.
        let wide = "€".repeat(30);
        let err = EdmParseError::new("Edm.Binary", &wide, "reason");
        assert_eq!(err.text(), "€".repeat(21));
        assert_eq!(err.text_len(), 90);
    }

    #[test]
    fn control_characters_are_escaped() {
        let err = EdmParseError::new("Edm.Date", "2024\n\u{0}`", "expected YYYY-MM-DD");
        assert_eq!(err.to_string(), "invalid Edm.Date `2024\\n\\u{0}``: expected YYYY-MM-DD");
        assert_eq!(describe_char_at("a\tb", 1), "`\\t`");
        assert_eq!(describe_char_at("aéb", 1), "`é`");
        assert_eq!(describe_char_at("ab", 2), "end of input");
    }
}
