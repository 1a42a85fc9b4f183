//! Cells and aligned columns of the table (and CSV's cells).

use serde_json::Value;

use unicode_width::UnicodeWidthStr;

use super::safe::terminal_safe;

/// The width of `text` on a terminal: CJK and emoji take two columns, combining marks none.
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// How a cell is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// The table: times in UTC, `-` for nothing, terminal-safe.
    Table,
    /// CSV to a file or a pipe: the value as sent.
    Exact,
    /// CSV to a terminal: the value as sent, terminal-safe.
    Safe,
}

/// One cell: text as is, numbers and booleans written out, `null` and absent empty (`-` in the
/// table), anything else as compact JSON.
pub fn cell(value: Option<&Value>, style: Style) -> String {
    let text = match value {
        None | Some(Value::Null) => return if style == Style::Table { "-".to_owned() } else { String::new() },
        Some(Value::String(text)) => {
            if style == Style::Table && chrono::DateTime::parse_from_rfc3339(text).is_ok() {
                return time(text);
            }
            text.clone()
        }
        Some(Value::Bool(value)) => value.to_string(),
        Some(Value::Number(number)) => number.to_string(),
        Some(other) => other.to_string(),
    };
    match style {
        Style::Exact => text,
        Style::Table | Style::Safe => terminal_safe(&text).into_owned(),
    }
}

/// A date-time in UTC to the second (`2026-07-20T13:52:25Z`), or the text as sent (terminal-safe)
/// if it is not one.
pub fn time(text: &str) -> String {
    match cloudpki_model::DateTimeOffset::parse(text) {
        Ok(time) => time.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => terminal_safe(text).into_owned(),
    }
}

/// Columns padded to their widest cell (by display width), two spaces apart, the last one not
/// padded.
pub fn align(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let mut text = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let cells: Vec<&str> = cells.collect();
        for (index, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if index + 1 < cells.len() {
                let width = widths.get(index).copied().unwrap_or(0);
                text.push_str(&" ".repeat(width.saturating_sub(display_width(cell)) + 2));
            }
        }
        text.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_line_up() {
        let rows = vec![vec!["東京CA".to_owned(), "x".to_owned()], vec!["🔐 vault".to_owned(), "y".to_owned()]];
        let text = align(&["name", "v"], &rows);
        let columns: Vec<usize> =
            text.lines().map(|line| display_width(&line[..line.rfind(' ').unwrap_or(0) + 1])).collect();
        assert!(columns.windows(2).all(|pair| pair[0] == pair[1]), "{text}");
    }
}
