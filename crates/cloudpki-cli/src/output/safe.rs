//! Terminal-safe text: what the service controls (error messages, codes, ids, display names,
//! links) before it reaches a terminal. The rule is the client's
//! ([`cloudpki_client::text::terminal_safe`], one place for the whole workspace): C0 controls,
//! DEL, C1 controls, the bidi embeddings, overrides and isolates, the directional marks and the
//! line and paragraph separators are shown as visible `\u{..}` escapes, so a value can neither
//! move the cursor, recolour or retitle the terminal, nor reorder what is shown around it, nor
//! break a table's lines.

use std::borrow::Cow;
use std::io;

pub use cloudpki_client::text::{is_unsafe, terminal_safe};

/// [`terminal_safe`] that keeps line feeds: for a whole message of several lines (the CLI's own
/// line breaks), as a last guard before stderr.
pub fn terminal_safe_lines(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return terminal_safe(text);
    }
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(terminal_safe).collect();
    if lines.iter().all(|line| matches!(line, Cow::Borrowed(_))) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(lines.join("\n"))
}

/// A `serde_json` formatter that writes the hostile characters JSON does not escape on its own
/// (DEL, C1, bidi, separators) as `\uXXXX`: the same JSON value, safe on a terminal.
#[derive(Clone, Copy, Debug, Default)]
pub struct SafeJson;

impl serde_json::ser::Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            if is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[start..index])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = index + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// `item` as one line of JSON, with [`SafeJson`].
///
/// # Errors
///
/// Writing failed, or the item cannot be serialized.
pub fn write_json<W: io::Write, T: serde::Serialize + ?Sized>(writer: W, item: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, SafeJson);
    item.serialize(&mut serializer).map_err(io::Error::other)
}

/// `item` as indented JSON, with [`SafeJson`]'s escapes.
///
/// # Errors
///
/// Writing failed, or the item cannot be serialized.
pub fn write_json_pretty<W: io::Write, T: serde::Serialize + ?Sized>(writer: W, item: &T) -> io::Result<()> {
    // Pretty first, then the escapes: PrettyFormatter and SafeJson cannot be stacked.
    let text = serde_json::to_string_pretty(item).map_err(io::Error::other)?;
    let mut writer = writer;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    writer.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_characters_become_visible_escapes() {
        let text = "a\u{1b}[31mb\u{7}\u{7f}\u{9b}c\u{202e}d\u{2066}e\u{200f}f\u{61c}\r\n\tg";
        assert_eq!(
            terminal_safe(text),
            "a\\u{1b}[31mb\\u{7}\\u{7f}\\u{9b}c\\u{202e}d\\u{2066}e\\u{200f}f\\u{61c}\\u{d}\\u{a}\\u{9}g"
        );
        assert!(matches!(terminal_safe("CN=kiosk, O=Contoso é"), Cow::Borrowed(_)));
        assert_eq!(terminal_safe_lines("one\u{1b}]0;x\u{7}\ntwo"), "one\\u{1b}]0;x\\u{7}\ntwo");
    }

    #[test]
    fn json_stays_the_same_value() {
        let value = serde_json::json!({"a": "x\u{1b}\u{7f}\u{85}\u{202e}\u{2029}y", "b": [1, "é"]});
        let mut out = Vec::new();
        write_json(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.chars().any(is_unsafe), "{text:?}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
        let mut out = Vec::new();
        write_json_pretty(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.chars().any(|c| c != '\n' && is_unsafe(c)), "{text:?}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
