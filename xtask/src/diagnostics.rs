//! Problems found in a spec file, reported as `file:line:col: message` plus the source line with
//! a caret under the offending place.

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

/// A 1-based line and column (columns count characters, as serde-saphyr reports them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Position {
    /// The start of a file, for problems that have no better place.
    pub const START: Position = Position { line: 1, column: 1 };

    /// The position of a serde-saphyr location; unknown locations fall back to the file start.
    pub fn from_location(location: serde_saphyr::Location) -> Self {
        let line = usize::try_from(location.line()).unwrap_or(0);
        let column = usize::try_from(location.column()).unwrap_or(0);
        if line == 0 { Position::START } else { Position { line, column: column.max(1) } }
    }

    /// This position, moved back onto the last line of `source` when it lies past the end (a
    /// parser reports the end of a file as the line after its final newline), so the header and
    /// the caret show the same place.
    pub fn clamp_to(self, source: &str) -> Position {
        let content = source.strip_suffix('\n').unwrap_or(source);
        let lines = content.split('\n').count();
        if self.line <= lines {
            return self;
        }
        let last = content.rsplit('\n').next().unwrap_or("");
        let last = last.strip_suffix('\r').unwrap_or(last);
        Position { line: lines, column: last.chars().count() + 1 }
    }
}

/// `text` for a message, between backticks: characters that could disturb a terminal (controls,
/// bidirectional controls) are escaped, and long text is cut to its first 60 characters.
pub fn quote(text: &str) -> String {
    const LIMIT: usize = 60;
    let mut out = String::from("`");
    for (index, c) in text.chars().enumerate() {
        if index == LIMIT {
            out.push_str("...");
            break;
        }
        if c.is_control() || is_invisible_control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// Unicode bidirectional controls (the "trojan source" characters).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that change how text around them reads without being visible themselves:
/// bidirectional controls and the Unicode line and paragraph separators (which some editors
/// show as line breaks, though neither YAML nor Rust treats them as one).
pub fn is_invisible_control(c: char) -> bool {
    is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// One problem in one spec file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file, as given to the loader.
    pub file: PathBuf,
    /// Where in the file.
    pub position: Position,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Diagnostic {
    /// A problem at `position` of `file`.
    pub fn new(file: &Path, position: Position, message: impl Into<String>) -> Self {
        Diagnostic { file: file.to_path_buf(), position, message: message.into() }
    }

    /// `file:line:col: message`, then the source line with a caret (when `source` has that line).
    ///
    /// Characters that could disturb a terminal or the way the line reads (bidirectional
    /// controls, line separators, C1 controls) are shown as U+FFFD.
    pub fn render(&self, source: &str) -> String {
        let header = self.to_string();
        let shown: String = source
            .chars()
            .map(|c| if is_invisible_control(c) || ('\u{80}'..='\u{9F}').contains(&c) { '\u{FFFD}' } else { c })
            .collect();
        let Some(span) = caret_span(&shown, self.position) else {
            return header;
        };
        let path = self.file.display().to_string();
        let report = &[Level::ERROR
            .primary_title(self.message.as_str())
            .element(Snippet::source(&shown).path(path.as_str()).annotation(AnnotationKind::Primary.span(span)))];
        format!("{header}\n{}", Renderer::plain().render(report))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file.display(), self.position.line, self.position.column, self.message)
    }
}

/// The byte range of the character at `position` (or of the line end, for a position past it).
fn caret_span(source: &str, position: Position) -> Option<std::ops::Range<usize>> {
    let mut line_start = 0;
    for _ in 1..position.line {
        line_start += source.get(line_start..)?.find('\n')? + 1;
    }
    let line = source.get(line_start..)?;
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let line = line.strip_suffix('\r').unwrap_or(line);
    let offset = line.char_indices().nth(position.column.saturating_sub(1)).map_or(line.len(), |(offset, _)| offset);
    let width = line[offset..].chars().next().map_or(0, char::len_utf8);
    Some(line_start + offset..line_start + offset + width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_and_caret() {
        let source = "a: 1\nbb: two\n";
        let diagnostic = Diagnostic::new(Path::new("specs/x.yaml"), Position { line: 2, column: 5 }, "bad");
        let rendered = diagnostic.render(source);
        assert!(rendered.starts_with("specs/x.yaml:2:5: bad\n"), "{rendered}");
        assert!(rendered.contains("bb: two"), "{rendered}");
        assert!(rendered.contains('^'), "{rendered}");
    }

    #[test]
    fn positions_past_the_end_move_onto_the_last_line() {
        let source = "a: 1\nbb: two\n";
        assert_eq!(Position { line: 3, column: 1 }.clamp_to(source), Position { line: 2, column: 8 });
        assert_eq!(Position { line: 2, column: 3 }.clamp_to(source), Position { line: 2, column: 3 });
        assert_eq!(Position { line: 2, column: 1 }.clamp_to("# only a comment\n"), Position { line: 1, column: 17 });
        assert_eq!(Position { line: 1, column: 1 }.clamp_to(""), Position { line: 1, column: 1 });
    }

    #[test]
    fn quoted_text_is_short_and_harmless() {
        assert_eq!(quote("fooBar"), "`fooBar`");
        assert_eq!(quote("a\u{202E}b\u{7}"), "`a\\u{202e}b\\u{7}`");
        assert_eq!(quote(&"x".repeat(100)), format!("`{}...`", "x".repeat(60)));
    }

    #[test]
    fn position_past_the_source_still_renders_the_header() {
        let diagnostic = Diagnostic::new(Path::new("x.yaml"), Position { line: 9, column: 1 }, "late");
        assert_eq!(diagnostic.render("a: 1\n"), "x.yaml:9:1: late");
    }
}
