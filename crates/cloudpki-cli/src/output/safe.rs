//! Terminal-safe text: the one rule for what the service controls (error messages, codes, ids,
//! display names, links) before it reaches a terminal.
//!
//! Shown as visible escapes (`\u{1b}`, `\u{202e}`, `\n`): C0 controls, DEL, C1 controls,
//! the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the directional
//! marks (U+200E, U+200F, U+061C), and the line and paragraph separators (U+2028, U+2029). So a
//! value can neither move the cursor, recolour or retitle the terminal, nor reorder what is
//! shown around it, nor break a table's lines.
//!
//! TODO: delegate to `cloudpki_client::text::terminal_safe` once the client offers it, so the
//! rule stays in one place for the whole workspace.

use std::borrow::Cow;
use std::io;

/// Whether `c` must not reach a terminal as is.
pub fn is_hostile(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with every hostile character (see [`is_hostile`]) as a visible escape: `\n`, `\r`,
/// `\t`, otherwise `\u{..}`. Borrowed when nothing needs escaping.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_safe(&mut out, c);
    }
    Cow::Owned(out)
}

/// [`terminal_safe`] that keeps line feeds: for a whole message of several lines (the CLI's own
/// line breaks), as a last guard before stderr.
pub fn terminal_safe_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_hostile(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\n' { out.push(c) } else { push_safe(&mut out, c) }
    }
    Cow::Owned(out)
}

fn push_safe(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_hostile(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        c => out.push(c),
    }
}

/// A `serde_json` formatter that writes the hostile characters JSON does not escape on its own
/// (DEL, C1, bidi, separators) as `\uXXXX`: the same JSON value, safe on a terminal.
#[derive(Clone, Copy, Debug, Default)]
pub struct SafeJson;

impl serde_json::ser::Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            if is_hostile(c) {
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
        if is_hostile(c) && c != '\n' {
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
            "a\\u{1b}[31mb\\u{7}\\u{7f}\\u{9b}c\\u{202e}d\\u{2066}e\\u{200f}f\\u{61c}\\r\\n\\tg"
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
        assert!(!text.chars().any(is_hostile), "{text:?}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
        let mut out = Vec::new();
        write_json_pretty(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.chars().any(|c| c != '\n' && is_hostile(c)), "{text:?}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
