//! Writing items: aligned columns, a JSON array, one JSON object per line, or CSV.
//!
//! JSON is the typed value serialized with serde_json: the model is lossless, so it is the JSON
//! value the service sent (items the model could not read are written exactly as received).
//! Table and CSV show a few columns; the table writes times in UTC and is terminal-safe, CSV
//! writes values as sent (terminal-safe when stdout is a terminal).

use std::io::{self, IsTerminal, Write};

use serde::Serialize;
use serde_json::Value;

use super::safe::{write_json, write_json_pretty};
use super::stream::{Stdout, note, stdout_closed};
use super::table::{Style, align, cell, time};
use super::{Format, Kind};

enum Sink {
    Plain(io::BufWriter<Box<dyn Write + Send>>),
    Csv(Box<csv::Writer<Box<dyn Write + Send>>>),
}

/// Writes a listing to stdout (or any writer), streaming except for the table (whose columns
/// are aligned at the end).
pub struct Printer {
    format: Format,
    kind: Kind,
    sink: Sink,
    rows: Vec<Vec<String>>,
    count: usize,
    /// How CSV cells are written.
    csv_style: Style,
    /// Whether this printer writes to the process's stdout (whose closed pipe stops a listing).
    to_stdout: bool,
    /// Set once a write failed: the rest is dropped.
    broken: Option<io::Error>,
    /// Whether an empty table says so on stderr.
    empty_note: bool,
}

impl Printer {
    /// A printer of `kind` items in `format` to `out`.
    pub fn new(format: Format, kind: Kind, out: Box<dyn Write + Send>) -> Self {
        let sink = match format {
            Format::Csv => Sink::Csv(Box::new(csv::WriterBuilder::new().from_writer(out))),
            _ => Sink::Plain(io::BufWriter::with_capacity(64 * 1024, out)),
        };
        let mut printer = Printer {
            format,
            kind,
            sink,
            rows: Vec::new(),
            count: 0,
            csv_style: Style::Exact,
            to_stdout: false,
            broken: None,
            empty_note: true,
        };
        if format == Format::Csv {
            let header = kind.columns().to_vec();
            printer.guard(|sink| match sink {
                Sink::Csv(writer) => writer.write_record(header).map_err(io::Error::other),
                Sink::Plain(_) => Ok(()),
            });
        }
        printer
    }

    /// A printer to stdout (a closed pipe stops it quietly; CSV is terminal-safe on a terminal).
    pub fn stdout(format: Format, kind: Kind) -> Self {
        let mut printer = Printer::new(format, kind, Box::new(Stdout::new()));
        printer.to_stdout = true;
        if io::stdout().is_terminal() {
            printer.csv_style = Style::Safe;
        }
        printer
    }

    /// This printer, without the "no certificates" note of an empty table (the caller says more).
    #[must_use]
    pub fn without_empty_note(mut self) -> Self {
        self.empty_note = false;
        self
    }

    /// Whether writing is over: a write failed, or stdout's reader went away.
    pub fn is_broken(&self) -> bool {
        self.broken.is_some() || (self.to_stdout && stdout_closed())
    }

    fn guard(&mut self, write: impl FnOnce(&mut Sink) -> io::Result<()>) {
        if self.broken.is_none()
            && let Err(error) = write(&mut self.sink)
        {
            self.broken = Some(error);
        }
    }

    /// Writes one item (a model type, or a JSON value as received).
    pub fn push<T: Serialize>(&mut self, item: &T) {
        self.count += 1;
        match self.format {
            Format::Json | Format::Ndjson => {
                let first = self.count == 1;
                let json = self.format == Format::Json;
                self.guard(|sink| {
                    let Sink::Plain(out) = sink else { return Ok(()) };
                    if json {
                        out.write_all(if first { b"[\n" } else { b",\n" })?;
                    }
                    write_json(&mut *out, item)?;
                    if !json {
                        out.write_all(b"\n")?;
                    }
                    Ok(())
                });
            }
            Format::Table | Format::Csv => {
                let value = serde_json::to_value(item).unwrap_or(Value::Null);
                let table = self.format == Format::Table;
                let style = if table { Style::Table } else { self.csv_style };
                let cells: Vec<String> = self.kind.properties().iter().map(|p| cell(value.get(*p), style)).collect();
                if table {
                    self.rows.push(cells);
                } else {
                    self.guard(|sink| match sink {
                        Sink::Csv(writer) => writer.write_record(&cells).map_err(io::Error::other),
                        Sink::Plain(_) => Ok(()),
                    });
                }
            }
        }
    }

    /// Ends the listing (the JSON array's end, the table), and flushes.
    ///
    /// # Errors
    ///
    /// The first write that failed.
    pub fn finish(mut self) -> io::Result<()> {
        match self.format {
            Format::Json => {
                let empty = self.count == 0;
                self.guard(|sink| {
                    let Sink::Plain(out) = sink else { return Ok(()) };
                    out.write_all(if empty { b"[]\n" } else { b"\n]\n" })
                });
            }
            Format::Table => {
                if self.rows.is_empty() {
                    if self.empty_note {
                        note!("no {}", self.kind.noun());
                    }
                } else {
                    let text = align(self.kind.columns(), &self.rows);
                    self.guard(|sink| {
                        let Sink::Plain(out) = sink else { return Ok(()) };
                        out.write_all(text.as_bytes())
                    });
                }
            }
            Format::Ndjson | Format::Csv => {}
        }
        self.guard(|sink| match sink {
            Sink::Plain(out) => out.flush(),
            Sink::Csv(writer) => writer.flush(),
        });
        match self.broken.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// Writes one item on its own (`show`): the table is every property, one per line, in wire
/// order; JSON is the object itself (pretty-printed); ndjson one line; CSV header and one row
/// (cells written in `csv_style`).
///
/// # Errors
///
/// Writing failed.
pub fn show<T: Serialize>(
    format: Format,
    kind: Kind,
    item: &T,
    csv_style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            write_json_pretty(&mut *out, item)?;
            out.write_all(b"\n")?;
        }
        Format::Ndjson => {
            write_json(&mut *out, item)?;
            out.write_all(b"\n")?;
        }
        Format::Csv => {
            let value = serde_json::to_value(item).unwrap_or(Value::Null);
            let mut writer = csv::Writer::from_writer(&mut *out);
            writer.write_record(kind.columns()).map_err(io::Error::other)?;
            let cells: Vec<String> = kind.properties().iter().map(|p| cell(value.get(*p), csv_style)).collect();
            writer.write_record(&cells).map_err(io::Error::other)?;
            writer.flush()?;
        }
        Format::Table => {
            let value = serde_json::to_value(item).unwrap_or(Value::Null);
            let Value::Object(map) = &value else { return Ok(()) };
            let order = kind.property_order();
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|key| (order.iter().position(|p| p == key).unwrap_or(usize::MAX), (*key).clone()));
            let mut lines = Vec::new();
            for key in keys {
                if let Some(value) = map.get(key.as_str()) {
                    flatten(key, value, &mut lines);
                }
            }
            out.write_all(key_value_lines(&lines).as_bytes())?;
        }
    }
    out.flush()
}

/// [`show`] to stdout: a closed pipe ends it quietly; CSV is terminal-safe on a terminal.
///
/// # Errors
///
/// Writing failed (other than a closed pipe).
pub fn show_stdout<T: Serialize>(format: Format, kind: Kind, item: &T) -> io::Result<()> {
    let style = if io::stdout().is_terminal() { Style::Safe } else { Style::Exact };
    let mut out = io::BufWriter::new(Stdout::new());
    show(format, kind, item, style, &mut out)?;
    out.flush()
}

fn is_date_time_property(name: &str) -> bool {
    name.ends_with("DateTime")
}

/// One property as `key: value` lines: nested objects as `key.member`, arrays of objects as
/// `key[0].member`, arrays of text as one comma-separated cell (all terminal-safe).
pub fn flatten(key: &str, value: &Value, lines: &mut Vec<(String, String)>) {
    match value {
        Value::Object(members) if !members.is_empty() => {
            for (member, inner) in members {
                flatten(&format!("{key}.{member}"), inner, lines);
            }
        }
        Value::Array(items) if items.iter().any(|item| item.is_object() || item.is_array()) => {
            for (index, inner) in items.iter().enumerate() {
                flatten(&format!("{key}[{index}]"), inner, lines);
            }
        }
        Value::Array(items) => {
            let cells: Vec<String> = items.iter().map(|item| cell(Some(item), Style::Table)).collect();
            lines.push((super::safe::terminal_safe(key).into_owned(), cells.join(", ")));
        }
        Value::String(text) if is_date_time_property(key) => {
            lines.push((super::safe::terminal_safe(key).into_owned(), time(text)));
        }
        other => lines.push((super::safe::terminal_safe(key).into_owned(), cell(Some(other), Style::Table))),
    }
}

/// `key: value` lines, the values aligned (by display width); keys and values already
/// terminal-safe.
pub fn key_value_lines(lines: &[(String, String)]) -> String {
    let width = lines.iter().map(|(key, _)| super::table::display_width(key)).max().unwrap_or(0);
    let mut text = String::new();
    for (key, value) in lines {
        let pad = width.saturating_sub(super::table::display_width(key));
        text.push_str(&format!("{key}:{} {value}\n", " ".repeat(pad)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().map_err(|_| io::Error::other("poisoned"))?.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn print(format: Format, items: &[Value]) -> String {
        let shared = Shared::default();
        let mut printer = Printer::new(format, Kind::Certificate, Box::new(shared.clone()));
        for item in items {
            printer.push(item);
        }
        printer.finish().unwrap();
        String::from_utf8(shared.0.lock().unwrap().clone()).unwrap()
    }

    fn items() -> Vec<Value> {
        vec![
            serde_json::json!({"id": "a", "serialNumber": "01", "certificateStatus": "active",
                "subjectName": "CN=one\u{1b}[31m", "validityEndDateTime": "2026-07-20T06:52:25.5-07:00"}),
            serde_json::json!({"id": "bbbb", "certificateStatus": "revoked", "subjectName": null}),
        ]
    }

    #[test]
    fn formats() {
        let table = print(Format::Table, &items());
        assert_eq!(
            table,
            "id    serial  status   subject           expires\n\
             a     01      active   CN=one\\u{1b}[31m  2026-07-20T13:52:25Z\n\
             bbbb  -       revoked  -                 -\n"
        );
        let csv = print(Format::Csv, &items());
        assert_eq!(
            csv,
            "id,serial,status,subject,expires\na,01,active,CN=one\u{1b}[31m,2026-07-20T06:52:25.5-07:00\nbbbb,,revoked,,\n"
        );
        let ndjson = print(Format::Ndjson, &items());
        let lines: Vec<Value> = ndjson.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines, items());
        let json: Value = serde_json::from_str(&print(Format::Json, &items())).unwrap();
        assert_eq!(json, Value::Array(items()));
        assert_eq!(print(Format::Json, &[]), "[]\n");
        assert_eq!(print(Format::Csv, &[]), "id,serial,status,subject,expires\n");
    }

    #[test]
    fn show_lists_every_property_in_wire_order() {
        let mut out = Vec::new();
        show(Format::Table, Kind::Certificate, &items()[0], Style::Table, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("id:                  a\nsubjectName:"), "{text}");
        assert!(text.contains("validityEndDateTime: 2026-07-20T13:52:25Z\n"), "{text}");
    }

    #[test]
    fn nested_objects_are_readable() {
        let item = serde_json::json!({"id": "a", "activeVersion": {"versionNumber": 2, "usage": {"n": 1}},
            "extendedKeyUsages": [{"name": "x", "objectIdentifier": "1.2"}], "roleScopeTagIds": ["0", "1"]});
        let mut out = Vec::new();
        show(Format::Table, Kind::Authority, &item, Style::Table, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for line in
            ["activeVersion.versionNumber:", "activeVersion.usage.n:", "extendedKeyUsages[0].name:", "roleScopeTagIds:"]
        {
            assert!(text.contains(line), "{line}: {text}");
        }
        assert!(text.contains("0, 1\n"), "{text}");
    }
}
