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
    pub fn render(&self, source: &str) -> String {
        let header = self.to_string();
        let Some(span) = caret_span(source, self.position) else {
            return header;
        };
        let path = self.file.display().to_string();
        let report = &[Level::ERROR
            .primary_title(self.message.as_str())
            .element(Snippet::source(source).path(path.as_str()).annotation(AnnotationKind::Primary.span(span)))];
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
    fn position_past_the_source_still_renders_the_header() {
        let diagnostic = Diagnostic::new(Path::new("x.yaml"), Position { line: 9, column: 1 }, "late");
        assert_eq!(diagnostic.render("a: 1\n"), "x.yaml:9:1: late");
    }
}
