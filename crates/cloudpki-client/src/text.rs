//! Text the service controls (error codes and messages, ids, links, `Location` headers) made
//! safe for a terminal.
//!
//! A message from the service can carry terminal control sequences (clear the screen, move the
//! cursor, write the clipboard with OSC 52, ring the bell), carriage returns that overwrite a
//! line, and Unicode bidirectional overrides and isolates that make text read differently than
//! it is. [`terminal_safe`] turns every such character into a visible `\u{..}` escape, so what a
//! person reads is what was sent. [`crate::Error`]'s `Display` goes through it.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as is: C0 controls (including ESC, BEL, CR, LF and
/// TAB), DEL, C1 controls, the bidi embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069), the direction marks (U+200E, U+200F, U+061C), and the line and paragraph
/// separators (U+2028, U+2029).
#[must_use]
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}'
        | '\u{2028}' | '\u{2029}')
}

/// `text` with every character of [`is_unsafe`] written as a visible escape (`\u{1b}`), and
/// every backslash that would start such an escape doubled, so an escape in the output always
/// means a character was escaped. Borrowed when nothing needed escaping.
///
/// ```
/// use cloudpki_client::text::terminal_safe;
/// assert_eq!(terminal_safe("plain"), "plain");
/// assert_eq!(terminal_safe("\u{1b}[2Jgone\u{202e}txet"), "\\u{1b}[2Jgone\\u{202e}txet");
/// ```
#[must_use]
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) || c == '\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else if c == '\\' && chars.peek() == Some(&'u') {
            // A literal `\u` from the service cannot pass for one of our escapes.
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped_visibly() {
        let hostile =
            "ok\r\u{1b}[2J\u{1b}]52;c;cm0=\u{7}\u{202e}x\u{202c}\u{2066}i\u{2069}\u{200f}\u{61c}\u{85}\u{7f}\n";
        let safe = terminal_safe(hostile);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        assert_eq!(
            safe,
            "ok\\u{d}\\u{1b}[2J\\u{1b}]52;c;cm0=\\u{7}\\u{202e}x\\u{202c}\\u{2066}i\\u{2069}\\u{200f}\\u{61c}\\u{85}\\u{7f}\\u{a}"
        );
        assert!(matches!(terminal_safe("Ünïcode ok — 日本"), Cow::Borrowed(_)));
        assert_eq!(terminal_safe("a\\u{1b}"), "a\\\\u{1b}");
        assert_eq!(terminal_safe("C:\\dir"), "C:\\dir");
    }
}
