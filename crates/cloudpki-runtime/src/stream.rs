//! Reading a page of a collection (a [`Page`](crate::Page)) one item at a time, with
//! bounded memory, from any [`std::io::Read`].
//!
//! A certification authority can hold hundreds of thousands of leaf certificates, and a page of a
//! million (about 1 GB of JSON) does not need to be in memory at once: [`PageReader`] is an
//! [`Iterator`] of certificates, and [`PageReader::finish`] gives the page's own properties
//! ([`PageInfo`]: `@odata.context`, `@odata.count`, `@odata.nextLink` and anything else), whether
//! they come before or after `value`.
//!
//! ```
//! use cloudpki_runtime::stream::{PageReader, StreamError};
//! use serde_json::Value;
//!
//! let body = br#"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#x",
//!     "value":[{"id":"a","certificateStatus":"active"},{"id":"b","certificateStatus":"revoked"}],
//!     "@odata.nextLink":"https://graph.microsoft.com/beta/next"}"#;
//! let mut page = PageReader::<_, Value>::new(&body[..]);
//! let mut ids = Vec::new();
//! for certificate in &mut page {
//!     let certificate = certificate?;
//!     ids.push(certificate["id"].as_str().unwrap_or_default().to_owned());
//! }
//! let info = page.finish()?;
//! assert_eq!(ids, ["a", "b"]);
//! assert_eq!(info.items, 2);
//! assert_eq!(info.odata_next_link.as_deref(), Some("https://graph.microsoft.com/beta/next"));
//! # Ok::<(), StreamError>(())
//! ```
//!
//! # How it works
//!
//! A small tokenizer walks the page's own object and finds where each element of `value` starts
//! and ends (tracking strings, escapes and nesting, nothing more); each element is then
//! deserialized from its bytes with `serde_json`, so it is checked exactly as
//! `serde_json::from_slice` checks a single certificate. The buffer holds one element at a time
//! (plus what the reader read ahead), so memory stays bounded by the largest element, which
//! [`PageReader::with_max_item_len`] caps (16 MiB by default).
//!
//! # Errors
//!
//! Every error names the JSON path, with the index of the item
//! (`$.value[123456].certificateStatus: invalid type: ...`), and the byte offset in the stream.
//! An item that is well-formed JSON but not a valid item (a wrong type, a duplicate property) is
//! an error for that item only: the iterator goes on with the next one. Anything else (broken
//! JSON, an I/O error, an item over the size limit, a problem with the page's own properties) is
//! fatal: the iterator yields that error and then ends, and [`PageReader::finish`] returns it
//! again.

use std::fmt;
use std::io::{self, Read};
use std::marker::PhantomData;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny};

use crate::page::{self, VALUE};
use crate::path;
use crate::{AdditionalProperties, DecodeError, ErrorCategory};

/// Largest item accepted by default, in bytes (a certificate is about 1 KB).
pub const DEFAULT_MAX_ITEM_LEN: usize = 16 * 1024 * 1024;

/// Bytes read from the reader at a time (and the initial buffer size).
const READ_CHUNK: usize = 64 * 1024;

/// Where an error is, shown as a JSON path; formatted on the error path only.
#[derive(Clone, Copy)]
enum At<'a> {
    /// The page itself: `$`.
    Page,
    /// The value of `value`: `$.value`.
    Value,
    /// An item: `$.value[i]`.
    Item(usize),
    /// A page property: `$.key`.
    Property(&'a str),
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Page => f.write_str("$"),
            At::Value => f.write_str("$.value"),
            At::Item(index) => write!(f, "$.value[{index}]"),
            // `$.key` or `$['@odata.count']`, as the generated types write it.
            At::Property(key) => f.write_str(&path::text::property(key)),
        }
    }
}

/// The properties of a page other than its items: what [`PageReader::finish`] returns.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct PageInfo {
    /// `@odata.context`, when the page has it.
    pub odata_context: Option<String>,
    /// `@odata.count` (with `$count=true`).
    pub odata_count: Option<i64>,
    /// `@odata.nextLink`: the URL of the next page; `None` on the last page.
    pub odata_next_link: Option<String>,
    /// Every other property and annotation of the page, kept as sent.
    pub additional_properties: AdditionalProperties,
    /// The number of items in `value` (read so far, until the page is finished).
    pub items: usize,
}

/// Reads a page (`{"value": [...], ...}`) from a [`Read`], yielding its items one at a time.
///
/// `T` is the item type: a generated entity, or any [`DeserializeOwned`] type
/// (`serde_json::Value` included). See the [module documentation](self) for how it works and
/// how errors are reported.
pub struct PageReader<R, T> {
    /// The bytes of the page.
    input: Input<R>,
    /// Where in the page the reader is.
    state: State,
    /// The page's properties read so far, and the number of items.
    info: PageInfo,
    /// Whether `value` has been seen.
    seen_value: bool,
    /// Largest item accepted.
    max_item_len: usize,
    /// The fatal error that ended the page, returned again by `finish`.
    failure: Option<StreamError>,
    /// The item type.
    item: PhantomData<fn() -> T>,
}

/// Where in the page a [`PageReader`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the opening `{`.
    Start,
    /// After `{`: a key or `}`.
    FirstMember,
    /// After a member: `,` or `}`.
    NextMember,
    /// Inside `value`, before its first element or `]`.
    FirstItem,
    /// Inside `value`, after an element: `,` or `]`.
    NextItem,
    /// The page has been read to its end, or failed.
    Done,
}

/// What to do with the next item.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Deserialize it as `T`.
    Read,
    /// Check that it is JSON, and drop it.
    Skip,
}

impl<R: Read, T: DeserializeOwned> PageReader<R, T> {
    /// A reader of the page in `reader`, with items of type `T`.
    pub fn new(reader: R) -> Self {
        Self {
            input: Input::new(reader),
            state: State::Start,
            info: PageInfo::default(),
            seen_value: false,
            max_item_len: DEFAULT_MAX_ITEM_LEN,
            failure: None,
            item: PhantomData,
        }
    }

    /// Sets the largest item (or page property value) accepted, in bytes; a larger one is a
    /// fatal error. This bounds the memory used: about this much, plus 64 KiB.
    #[must_use]
    pub fn with_max_item_len(mut self, max_item_len: usize) -> Self {
        self.max_item_len = max_item_len.max(1);
        self
    }

    /// The page's properties read so far: those before `value` once the first item has been
    /// read, all of them once the iterator has ended.
    pub fn page_info(&self) -> &PageInfo {
        &self.info
    }

    /// Reads the rest of the page and returns its properties.
    ///
    /// Items not read yet are checked to be JSON but not deserialized (and still counted in
    /// [`PageInfo::items`]).
    ///
    /// # Errors
    ///
    /// The fatal error that ended the page, if any (also when the iterator already yielded it),
    /// or the first one found while reading the rest. Item errors (see the
    /// [module documentation](self)) of items not read are not reported.
    pub fn finish(mut self) -> Result<PageInfo, StreamError> {
        loop {
            match self.step(Mode::Skip) {
                Some(Ok(_)) => {}
                Some(Err(err)) if err.is_fatal() => return Err(err),
                Some(Err(_)) => {}
                None => break,
            }
        }
        match self.failure {
            Some(err) => Err(err),
            None => Ok(self.info),
        }
    }

    /// Moves to the next item: `Some(Ok(Some(item)))` when read, `Some(Ok(None))` when skipped,
    /// `Some(Err(_))` for an error, `None` at the end of the page.
    fn step(&mut self, mode: Mode) -> Option<Result<Option<T>, StreamError>> {
        match self.advance(mode) {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => None,
            Err(err) => {
                if err.is_fatal() {
                    self.state = State::Done;
                    self.failure = Some(err.clone());
                }
                Some(Err(err))
            }
        }
    }

    /// Reads up to the next item (or the end of the page).
    #[allow(clippy::option_option)] // Outer: is there an item; inner: was it kept.
    fn advance(&mut self, mode: Mode) -> Result<Option<Option<T>>, StreamError> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Start => {
                    let byte = self.input.skip_whitespace()?;
                    if byte != Some(b'{') {
                        return Err(self.input.unexpected(byte, "`{` (a page is a JSON object)", At::Page));
                    }
                    self.input.bump();
                    self.state = State::FirstMember;
                }
                State::FirstMember | State::NextMember => {
                    let byte = self.input.skip_whitespace()?;
                    match byte {
                        Some(b'}') => {
                            self.input.bump();
                            self.end_of_page()?;
                            self.state = State::Done;
                            return Ok(None);
                        }
                        Some(b',') if self.state == State::NextMember => {
                            self.input.bump();
                            let byte = self.input.skip_whitespace()?;
                            if byte != Some(b'"') {
                                return Err(self.input.unexpected(byte, "a property name", At::Page));
                            }
                        }
                        Some(b'"') if self.state == State::FirstMember => {}
                        _ if self.state == State::FirstMember => {
                            return Err(self.input.unexpected(byte, "a property name or `}`", At::Page));
                        }
                        _ => return Err(self.input.unexpected(byte, "`,` or `}`", At::Page)),
                    }
                    let key = self.read_key()?;
                    self.state = State::NextMember;
                    if key == VALUE {
                        self.start_value()?;
                    } else {
                        self.read_page_property(key)?;
                    }
                }
                State::FirstItem | State::NextItem => {
                    let mut byte = self.input.skip_whitespace()?;
                    if byte == Some(b']') {
                        self.input.bump();
                        self.state = State::NextMember;
                        continue;
                    }
                    if self.state == State::NextItem {
                        if byte != Some(b',') {
                            return Err(self.input.unexpected(byte, "`,` or `]`", At::Item(self.info.items)));
                        }
                        self.input.bump();
                        byte = self.input.skip_whitespace()?;
                    }
                    let index = self.info.items;
                    let range = self.input.capture_value(byte, self.max_item_len, At::Item(index))?;
                    self.state = State::NextItem;
                    self.info.items += 1;
                    let start = self.input.offset_of(range.0);
                    let bytes = self.input.slice(range);
                    let wrap = |err: DecodeError| {
                        StreamError::from_json(&err, bytes, start, |err| at_path(At::Item(index), err)).in_item(index)
                    };
                    return match mode {
                        Mode::Read => from_bytes::<T>(bytes).map(|item| Some(Some(item))).map_err(wrap),
                        Mode::Skip => match crate::decode::from_slice::<IgnoredAny>(bytes) {
                            Ok(_) => Ok(Some(None)),
                            Err(err) => Err(wrap(err)),
                        },
                    };
                }
            }
        }
    }

    /// Reads a property name (the input is at its opening quote) and the `:` after it.
    fn read_key(&mut self) -> Result<String, StreamError> {
        let range = self.input.capture_value(Some(b'"'), self.max_item_len, At::Page)?;
        let start = self.input.offset_of(range.0);
        let bytes = self.input.slice(range);
        let key = crate::decode::from_slice::<String>(bytes).map_err(|err| {
            StreamError::from_json(&err, bytes, start, |err| format!("$: invalid property name: {}", err.message()))
        })?;
        let byte = self.input.skip_whitespace()?;
        if byte != Some(b':') {
            return Err(self.input.unexpected(byte, "`:`", At::Page));
        }
        self.input.bump();
        Ok(key)
    }

    /// At the value of `value`: checks it is an array and enters it.
    fn start_value(&mut self) -> Result<(), StreamError> {
        if self.seen_value {
            let err: serde_json::Error = path::text::duplicate_key(VALUE);
            return Err(StreamError::new(ErrorKind::Data, err.to_string(), self.input.offset()));
        }
        self.seen_value = true;
        let byte = self.input.skip_whitespace()?;
        if byte == Some(b'[') {
            self.input.bump();
            self.state = State::FirstItem;
            return Ok(());
        }
        // Not an array: the page type's own error (`$.value: invalid type: null, expected an array`).
        let range = self.input.capture_value(byte, self.max_item_len, At::Value)?;
        let start = self.input.offset_of(range.0);
        let bytes = self.input.slice(range);
        Err(match crate::decode::from_slice::<AnArray>(bytes) {
            Ok(AnArray) => {
                StreamError::new(ErrorKind::Io, format!("{}: an array that is not an array", At::Value), start)
            }
            Err(err) => StreamError::from_json(&err, bytes, start, |err| at_path(At::Value, err)),
        })
    }

    /// Reads the value of the page property `key` (anything but `value`) into the page info.
    fn read_page_property(&mut self, key: String) -> Result<(), StreamError> {
        let byte = self.input.skip_whitespace()?;
        let range = self.input.capture_value(byte, self.max_item_len, At::Property(&key))?;
        let start = self.input.offset_of(range.0);
        let bytes = self.input.slice(range);
        let info = &mut self.info;
        let index = page::property_index(&key);
        let duplicate = match index {
            Some(0) => info.odata_context.is_some(),
            Some(1) => info.odata_count.is_some(),
            Some(2) => info.odata_next_link.is_some(),
            _ => info.additional_properties.contains_key(&key),
        };
        if duplicate {
            let err: serde_json::Error = path::text::duplicate_key(&key);
            return Err(StreamError::new(ErrorKind::Data, err.to_string(), start));
        }
        let result = match index {
            Some(0) => crate::decode::from_slice(bytes).map(|text| info.odata_context = Some(text)),
            Some(1) => crate::decode::from_slice(bytes).map(|count| info.odata_count = Some(count)),
            Some(2) => crate::decode::from_slice(bytes).map(|link| info.odata_next_link = Some(link)),
            _ => crate::decode::from_slice(bytes).map(|value| {
                info.additional_properties.insert(key.as_str(), value);
            }),
        };
        result.map_err(|err| StreamError::from_json(&err, bytes, start, |err| at_path(At::Property(&key), err)))
    }

    /// After the closing `}`: only whitespace may follow, and `value` must have been there.
    fn end_of_page(&mut self) -> Result<(), StreamError> {
        let byte = self.input.skip_whitespace()?;
        if byte.is_some() {
            return Err(self.input.unexpected(byte, "the end of the input after the page", At::Page));
        }
        if !self.seen_value {
            let err: serde_json::Error = path::text::missing_key(VALUE);
            return Err(StreamError::new(ErrorKind::Data, err.to_string(), self.input.offset()));
        }
        Ok(())
    }
}

impl<R: Read, T: DeserializeOwned> Iterator for PageReader<R, T> {
    type Item = Result<T, StreamError>;

    /// The next item, or an error (see the [module documentation](self)); `None` once the page
    /// has been read to its end or has failed.
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.step(Mode::Read)? {
                Ok(Some(item)) => return Some(Ok(item)),
                Ok(None) => {}
                Err(err) => return Some(Err(err)),
            }
        }
    }
}

impl<R: Read, T: DeserializeOwned> std::iter::FusedIterator for PageReader<R, T> {}

impl<R, T> fmt::Debug for PageReader<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageReader")
            .field("offset", &self.input.offset())
            .field("state", &self.state)
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// What kind of problem a [`StreamError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading failed.
    Io,
    /// The input is not JSON.
    Syntax,
    /// The input ends in the middle of the page.
    Eof,
    /// Well-formed JSON that is not a valid item or page: a wrong type, a duplicate or missing
    /// property.
    Data,
    /// An item (or a page property value) is larger than the limit.
    TooLarge,
}

/// An error while reading a page: its message starts with the JSON path
/// (`$.value[3].certificateStatus: ...`) and ends with the byte offset in the stream.
#[derive(Clone, Debug)]
pub struct StreamError {
    /// What kind of problem.
    kind: ErrorKind,
    /// `$.path: message`.
    message: String,
    /// Byte offset in the stream (of the problem, or of the start of the value it is in).
    offset: u64,
    /// The index of the item, for errors in an item.
    index: Option<usize>,
    /// Whether the page cannot be read further.
    fatal: bool,
    /// The I/O error, for [`ErrorKind::Io`].
    source: Option<Arc<io::Error>>,
}

impl StreamError {
    /// A fatal error.
    fn new(kind: ErrorKind, message: String, offset: u64) -> Self {
        Self { kind, message, offset, index: None, fatal: true, source: None }
    }

    /// From the error of reading `bytes` (which start at `start` in the stream); `message`
    /// writes it with its path.
    fn from_json(
        original: &DecodeError,
        bytes: &[u8],
        start: u64,
        message: impl FnOnce(&DecodeError) -> String,
    ) -> Self {
        // A value that is not valid is only an item's problem if it is well-formed JSON: check
        // the rest of the bytes (the read stopped at the first problem) for broken JSON, which
        // breaks the whole page.
        let syntax = if original.is_data() { crate::decode::from_slice::<IgnoredAny>(bytes).err() } else { None };
        let located = syntax.as_ref().unwrap_or(original);
        let kind = match located.category() {
            ErrorCategory::Io => ErrorKind::Io,
            ErrorCategory::Syntax | ErrorCategory::Eof => ErrorKind::Syntax,
            ErrorCategory::Data => ErrorKind::Data,
        };
        let offset = if kind == ErrorKind::Data {
            start
        } else {
            start + byte_offset(bytes, located.line(), located.column()) as u64
        };
        Self::new(kind, message(original), offset)
    }

    /// The same error, in item `index`: fatal unless it is a data error.
    fn in_item(mut self, index: usize) -> Self {
        self.index = Some(index);
        self.fatal = self.kind != ErrorKind::Data;
        self
    }

    /// What kind of problem this is.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The index in `value` of the item the error is in, if it is in an item.
    #[must_use]
    pub fn index(&self) -> Option<usize> {
        self.index
    }

    /// The byte offset in the stream: where the problem is for broken JSON, otherwise where the
    /// value it is in starts.
    #[must_use]
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether the page cannot be read further (anything but an invalid item).
    #[must_use]
    pub fn is_fatal(&self) -> bool {
        self.fatal
    }

    /// The message with its JSON path, without the byte offset.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|err| err as &(dyn std::error::Error + 'static))
    }
}

/// `<at><the error's path below it>: <message>`, e.g. `$.value[3].certificateStatus: ...`.
fn at_path(at: At<'_>, error: &DecodeError) -> String {
    format!("{at}{}: {}", error.path().strip_prefix('$').unwrap_or_default(), error.message())
}

/// What `value` is read as when it is not an array, for the error saying why.
struct AnArray;

impl<'de> Deserialize<'de> for AnArray {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        path::ElementsSeed::<IgnoredAny>::new().deserialize(deserializer).map(|_| AnArray)
    }
}

/// The byte offset in `bytes` of serde_json's 1-based `line` and `column` (the column counts
/// bytes).
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match bytes.get(line_start..).and_then(|rest| rest.iter().position(|&byte| byte == b'\n')) {
            Some(newline) => line_start += newline + 1,
            None => break,
        }
    }
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

/// A buffered reader that can hand out one whole value as a slice.
struct Input<R> {
    /// Where the bytes come from.
    reader: R,
    /// Bytes read; `buf[pos..end]` are not consumed yet.
    buf: Vec<u8>,
    /// Next byte to look at.
    pos: usize,
    /// End of the bytes read.
    end: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Whether the reader is exhausted.
    eof: bool,
}

impl<R> Input<R> {
    /// Stream offset of the next byte.
    fn offset(&self) -> u64 {
        self.offset_of(self.pos)
    }

    /// Stream offset of `buf[index]`.
    fn offset_of(&self, index: usize) -> u64 {
        self.base + index as u64
    }
}

impl<R: Read> Input<R> {
    fn new(reader: R) -> Self {
        Self { reader, buf: Vec::new(), pos: 0, end: 0, base: 0, eof: false }
    }

    /// Moves past the current byte.
    fn bump(&mut self) {
        self.pos += 1;
    }

    /// The bytes of `range` (from [`capture_value`](Self::capture_value)).
    fn slice(&self, range: (usize, usize)) -> &[u8] {
        self.buf.get(range.0..range.1).unwrap_or_default()
    }

    /// Reads more, keeping `buf[*keep..]`: moves it to the front (or grows the buffer when it
    /// is all kept, up to `limit` bytes kept) and moves `*keep` with it, whether or not anything
    /// is read. Returns `false` at the end of the input.
    fn refill(&mut self, keep: &mut usize, limit: usize, at: At<'_>) -> Result<bool, StreamError> {
        if self.eof {
            return Ok(false);
        }
        let shift = *keep;
        if shift > 0 {
            self.buf.copy_within(shift..self.end, 0);
            self.base += shift as u64;
            self.pos -= shift;
            self.end -= shift;
            *keep = 0;
        }
        if self.end == self.buf.len() {
            if self.end >= limit.saturating_add(READ_CHUNK) {
                return Err(StreamError::new(
                    ErrorKind::TooLarge,
                    format!("{at}: value larger than {limit} bytes (see PageReader::with_max_item_len)"),
                    self.offset_of(0),
                ));
            }
            let grown = (self.buf.len() * 2).max(READ_CHUNK).min(limit.saturating_add(READ_CHUNK));
            self.buf.resize(grown, 0);
        }
        loop {
            let Some(room) = self.buf.get_mut(self.end..) else { return Ok(false) };
            match self.reader.read(room) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(read) => {
                    self.end += read;
                    return Ok(true);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => {
                    let mut error =
                        StreamError::new(ErrorKind::Io, format!("{at}: I/O error: {err}"), self.offset_of(self.end));
                    error.source = Some(Arc::new(err));
                    return Err(error);
                }
            }
        }
    }

    /// The current byte, reading more if needed (`None` at the end of the input).
    fn peek(&mut self, keep: &mut usize, limit: usize, at: At<'_>) -> Result<Option<u8>, StreamError> {
        while self.pos >= self.end {
            if !self.refill(keep, limit, at)? {
                return Ok(None);
            }
        }
        Ok(self.buf.get(self.pos).copied())
    }

    /// Skips JSON whitespace and returns the next byte (not consumed).
    fn skip_whitespace(&mut self) -> Result<Option<u8>, StreamError> {
        loop {
            let mut keep = self.pos;
            let byte = self.peek(&mut keep, READ_CHUNK, At::Page)?;
            match byte {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.bump(),
                other => return Ok(other),
            }
        }
    }

    /// The error for an unexpected `byte` where `expected` should be.
    fn unexpected(&self, byte: Option<u8>, expected: &str, at: At<'_>) -> StreamError {
        match byte {
            None => StreamError::new(
                ErrorKind::Eof,
                format!("{at}: unexpected end of input, expected {expected}"),
                self.offset(),
            ),
            Some(byte) => {
                let found = if byte.is_ascii_graphic() {
                    format!("`{}`", char::from(byte))
                } else {
                    format!("byte 0x{byte:02X}")
                };
                StreamError::new(ErrorKind::Syntax, format!("{at}: expected {expected}, found {found}"), self.offset())
            }
        }
    }

    /// Finds the end of the JSON value that starts at the current byte (`first`, already
    /// peeked) and consumes it, returning its range in the buffer. Only the structure is
    /// checked (strings, escapes, nesting); serde_json checks the rest.
    fn capture_value(&mut self, first: Option<u8>, limit: usize, at: At<'_>) -> Result<(usize, usize), StreamError> {
        let mut start = self.pos;
        match first {
            None => return Err(self.unexpected(None, "a value", at)),
            Some(b',' | b']' | b'}' | b':') => return Err(self.unexpected(first, "a value", at)),
            Some(b'"' | b'{' | b'[') => self.skip_composite(&mut start, limit, at)?,
            Some(_) => loop {
                match self.peek(&mut start, limit, at)? {
                    None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') => break,
                    Some(_) => self.bump(),
                }
            },
        }
        if self.pos - start > limit {
            return Err(StreamError::new(
                ErrorKind::TooLarge,
                format!("{at}: value larger than {limit} bytes (see PageReader::with_max_item_len)"),
                self.offset_of(start),
            ));
        }
        Ok((start, self.pos))
    }

    /// Moves past the string, object or array that starts at the current byte, tracking
    /// strings (with their escapes) and nesting only.
    fn skip_composite(&mut self, start: &mut usize, limit: usize, at: At<'_>) -> Result<(), StreamError> {
        let mut depth = 0_usize;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let rest = self.buf.get(self.pos..self.end).unwrap_or_default();
            let mut index = 0;
            while let Some(&byte) = rest.get(index) {
                if escaped {
                    escaped = false;
                    index += 1;
                } else if in_string {
                    match find_quote_or_backslash(rest.get(index..).unwrap_or_default()) {
                        Some(found) => {
                            index += found;
                            if rest.get(index) == Some(&b'"') {
                                in_string = false;
                                if depth == 0 {
                                    self.pos += index + 1;
                                    return Ok(());
                                }
                            } else {
                                escaped = true;
                            }
                            index += 1;
                        }
                        None => index = rest.len(),
                    }
                } else {
                    match byte {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.pos += index + 1;
                                return Ok(());
                            }
                        }
                        _ => {}
                    }
                    index += 1;
                }
            }
            self.pos = self.end;
            if self.peek(start, limit, at)?.is_none() {
                let expected = if in_string { "the end of the string" } else { "the end of the value" };
                return Err(self.unexpected(None, expected, at));
            }
        }
    }
}

/// Deserializes `bytes`: like [`crate::decode::from_slice`], but checks UTF-8 once for the whole
/// value (fast for ASCII) rather than string by string.
fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => crate::decode::from_str(text),
        // serde_json's own error, with its position.
        Err(_) => crate::decode::from_slice(bytes),
    }
}

/// The index of the first quote or backslash in `bytes`, eight bytes at a time.
fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    /// The high bit of each byte of `word` that is zero.
    fn zero_bytes(word: u64) -> u64 {
        word.wrapping_sub(ONES) & !word & HIGHS
    }
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0_u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let hits = zero_bytes(word ^ (ONES * u64::from(b'"'))) | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        if hits != 0 {
            // The lowest flagged byte is a real match (borrows only flag bytes above one).
            return Some(offset + (hits.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|&byte| byte == b'"' || byte == b'\\').map(|at| offset + at)
}
