//! The JSON path of a deserialization error, kept as data while the error propagates.
//!
//! A value that fails is usually deep inside the payload (`$.value[3].certificateStatus`).
//! As its error comes back up through the readers of the generated types, each level adds its
//! segment (a property name or an array index, [`with_key`], [`with_index`]) to a per-thread
//! path stack, the way `serde_path_to_error` keeps one: the error itself is passed on untouched
//! (its message, its category, and the line and column serde_json gave it). When the error
//! leaves the outermost reader ([`Scope`], opened by every generated `Deserialize` impl), the
//! path is complete, and either
//!
//! - kept as data for [`crate::decode`] (which gives serde_json's error as it was raised, and
//!   the path beside it): how the HTTP layer, `stream::PageReader`, the client, the CLI and the
//!   fake read JSON text, or
//! - written once in front of the message, for callers of `serde_json::from_*` on a generated
//!   type, who get a plain error type `E` that has no room for a path (and for the messages of
//!   [`crate::Lenient`] items, read again from a `Value`, which have no position):
//!
//! ```text
//! $.value[3].certificateStatus: invalid type: integer `5`, expected a string at line 4 column 28
//! ```
//!
//! That rewrite makes a new error with `E::custom`, so to serde_json it is a data error whatever
//! it was (the category is lost), and its line and column are serde_json's own only because
//! `serde_json::Error::custom` reads a trailing ` at line N column M` of the message back into
//! the position: the rewritten message ends with the original error's position, and serde_json
//! takes it from there (another `E` keeps the position as text only). Use [`crate::decode`] to
//! get the category and the position as serde_json raised them.
//!
//! An error raised by our own readers (`E::custom`: a duplicate or missing property, `null` for
//! a non-nullable property, a bad enum member or date) has no position when it is made;
//! serde_json gives it the position where it stopped reading as the error leaves the value
//! being read (right after the offending value, or after the object that lacks a property).
//!
//! All of this happens on the error path only; the success path costs two thread-local counter
//! updates per object.
//!
//! Messages stay small whatever the payload: a key longer than 64 bytes is shown by its first
//! 64 bytes and `…` (``$['aaaa…']``, ``duplicate property `aaaa…` ``), and a message longer
//! than 512 bytes (serde's own `invalid type: string "..."` quotes the whole string) by its
//! start and its end, with the number of bytes left out in between: cut as the
//! [`crate::DecodeError`] is made (so that it never holds a copy of a huge value), or in the
//! rewritten message.

use std::cell::{Cell, RefCell};
use std::fmt::{self, Write as _};
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, SeqAccess, Visitor};

use crate::Nullable;

/// Elements preallocated at most from a size hint, whatever the hint says.
const MAX_PREALLOCATED_ELEMENTS: usize = 4096;

/// Bytes preallocated at most from a size hint (like `serde`'s own cautious size hints).
const MAX_PREALLOCATED_BYTES: usize = 1024 * 1024;

/// Unused bytes at the end of a deserialized array above which its `Vec` is shrunk to fit.
const SHRINK_WASTE_BYTES: usize = 16 * 1024;

/// Bytes of a key shown at most in a path segment or a message; longer keys are cut (at a
/// character boundary) and marked with `…`.
const MAX_KEY_SHOWN: usize = 64;

/// Bytes of a message (without its path) kept whole at most; a longer one keeps its first and
/// last [`MESSAGE_END_SHOWN`] bytes.
pub(crate) const MAX_MESSAGE_SHOWN: usize = 512;

/// Bytes kept at each end of a message longer than [`MAX_MESSAGE_SHOWN`].
const MESSAGE_END_SHOWN: usize = 200;

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// A property (the key as sent, cut to what is shown).
    Key(Box<str>),
    /// An array element.
    Index(usize),
}

thread_local! {
    /// How many [`Scope`]s are open on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The path of the error coming back up, innermost segment first.
    static SEGMENTS: RefCell<Vec<Segment>> = const { RefCell::new(Vec::new()) };
    /// Whether the outermost scope keeps the path as data ([`keeping_path`]) rather than writing
    /// it into the message.
    static KEEP: Cell<bool> = const { Cell::new(false) };
    /// The path kept by the outermost scope, in [`keeping_path`].
    static KEPT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records that `err` happened inside the property `key` (on its way up); `err` is passed on
/// untouched.
#[must_use]
pub fn with_key<E: de::Error>(err: E, key: &str) -> E {
    let (shown, cut) = shown_key(key);
    let mut key = String::with_capacity(shown.len() + 3);
    key.push_str(shown);
    if cut {
        key.push('…');
    }
    push(Segment::Key(key.into_boxed_str()));
    err
}

/// Records that `err` happened inside the array element `index`; `err` is passed on untouched.
#[must_use]
pub fn with_index<E: de::Error>(err: E, index: usize) -> E {
    push(Segment::Index(index));
    err
}

fn push(segment: Segment) {
    SEGMENTS.with_borrow_mut(|segments| segments.push(segment));
}

/// The error for a property that appears twice: ``duplicate property `key` ``, at `key`.
#[must_use]
pub fn duplicate_key<E: de::Error>(key: &str) -> E {
    with_key(unnamed_duplicate_key(key), key)
}

/// The error for a property that appears twice, deep inside a value whose path is named by the
/// caller: ``duplicate property `key` ``.
#[must_use]
pub fn unnamed_duplicate_key<E: de::Error>(key: &str) -> E {
    let (shown, cut) = shown_key(key);
    E::custom(format_args!("duplicate property `{shown}{}`", if cut { "…" } else { "" }))
}

/// The error for a required property that is missing: ``missing property `key` ``, at the
/// object.
#[must_use]
pub fn missing_key<E: de::Error>(key: &str) -> E {
    E::custom(format_args!("missing property `{key}`"))
}

/// An open reader of a value: the outermost one, when an error leaves it, finishes the error's
/// path ([`Scope::finish`]). Every generated `Deserialize` impl opens one.
#[derive(Debug)]
pub struct Scope(());

impl Scope {
    /// Opens a scope (the outermost one starts a fresh path).
    #[inline]
    #[must_use]
    pub fn enter() -> Scope {
        let depth = DEPTH.get();
        if depth == 0 {
            SEGMENTS.with_borrow_mut(Vec::clear);
        }
        DEPTH.set(depth + 1);
        Scope(())
    }

    /// The error leaving this scope: unchanged inside another scope (the path is not complete
    /// yet); from the outermost one, unchanged with the path kept as data (under
    /// [`crate::decode`]), or else rebuilt once with the path written in front of the message
    /// (see the module documentation for what that costs the error: its category, and its
    /// position but for serde_json's reading of the message's end).
    #[must_use]
    pub fn finish<E: de::Error>(&self, err: E) -> E {
        if DEPTH.get() > 1 {
            return err;
        }
        let segments = SEGMENTS.with_borrow_mut(std::mem::take);
        let mut path = String::from("$");
        for segment in segments.iter().rev() {
            match segment {
                Segment::Key(key) => push_key_segment(&mut path, key),
                // Writing to a `String` cannot fail.
                Segment::Index(index) => drop(write!(path, "[{index}]")),
            }
        }
        if KEEP.get() {
            KEPT.set(Some(path));
            return err;
        }
        let text = err.to_string();
        if segments.is_empty() && text.strip_prefix('$').is_some_and(has_path) {
            // Already finished (read on its own, then handed on).
            return err;
        }
        // The only way to a plain `E` with the path: a new error. Keep the original's
        // ` at line N column M` at the very end, where `serde_json::Error::custom` reads it back
        // into the new error's line and column (the one place that depends on it; the readers of
        // this workspace use `crate::decode`, which keeps the error itself).
        let message = strip_position(&text);
        let position = text.get(message.len()..).unwrap_or_default();
        E::custom(with_path(&path, message, position))
    }
}

impl Drop for Scope {
    #[inline]
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get().saturating_sub(1));
    }
}

/// `<path>: <message, shortened><position>`.
pub(crate) fn with_path(path: &str, message: &str, position: &str) -> String {
    let mut out = String::with_capacity(path.len() + message.len().min(MAX_MESSAGE_SHOWN + 64) + position.len() + 2);
    out.push_str(path);
    out.push_str(": ");
    push_shortened(&mut out, message);
    out.push_str(position);
    out
}

/// Runs `read` as the outermost reader, with the path kept as data: the result, and the path of
/// its error (`None` when it failed outside every [`Scope`], that is at `$`).
pub(crate) fn keeping_path<R>(read: impl FnOnce() -> R) -> (R, Option<String>) {
    isolated(|| {
        KEEP.set(true);
        let result = read();
        (result, KEPT.take())
    })
}

/// Runs `read` on a path of its own (a value read again, inside the reading of another, whose
/// error is handled there): the state of the outer reading is set aside and put back.
pub(crate) fn isolated<R>(read: impl FnOnce() -> R) -> R {
    struct Restore(u32, Vec<Segment>, bool, Option<String>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DEPTH.set(self.0);
            SEGMENTS.set(std::mem::take(&mut self.1));
            KEEP.set(self.2);
            KEPT.set(self.3.take());
        }
    }
    let _restore = Restore(DEPTH.replace(0), SEGMENTS.take(), KEEP.replace(false), KEPT.take());
    read()
}

/// Runs `read` in a [`Scope`], finishing its error.
#[inline]
pub(crate) fn scoped<T, E: de::Error>(read: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let scope = Scope::enter();
    read().map_err(|err| scope.finish(err))
}

/// Paths written into messages directly, for errors made outside any reader (the streaming
/// page reader's).
#[cfg(any(feature = "stream", test))]
pub(crate) mod text {
    use serde::de;

    use super::{push_key_segment, shown_key};

    /// The path of the property `key`: `$.key`, or `$['@odata.type']`.
    #[must_use]
    pub fn property(key: &str) -> String {
        let mut path = String::with_capacity(key.len().min(super::MAX_KEY_SHOWN) + 8);
        path.push('$');
        push_key_segment(&mut path, key);
        path
    }

    /// ``$.key: duplicate property `key` ``.
    #[must_use]
    pub fn duplicate_key<E: de::Error>(key: &str) -> E {
        let (shown, cut) = shown_key(key);
        E::custom(format_args!("{}: duplicate property `{shown}{}`", property(key), if cut { "…" } else { "" }))
    }

    /// ``$: missing property `key` ``.
    #[must_use]
    pub fn missing_key<E: de::Error>(key: &str) -> E {
        E::custom(format_args!("$: missing property `{key}`"))
    }
}

/// Appends `message`, or, when it is longer than [`MAX_MESSAGE_SHOWN`] bytes, its first and
/// last [`MESSAGE_END_SHOWN`] bytes (cut at character boundaries) around
/// `… (N bytes not shown) …`.
pub(crate) fn push_shortened(out: &mut String, message: &str) {
    if message.len() <= MAX_MESSAGE_SHOWN {
        out.push_str(message);
        return;
    }
    let head_end = message.floor_char_boundary(MESSAGE_END_SHOWN);
    let tail_start = message.ceil_char_boundary(message.len() - MESSAGE_END_SHOWN);
    let head = message.get(..head_end).unwrap_or_default();
    let tail = message.get(tail_start..).unwrap_or_default();
    out.push_str(head);
    // Writing to a `String` cannot fail.
    let _ = write!(out, "… ({} bytes not shown) …", tail_start - head_end);
    out.push_str(tail);
}

/// The part of `key` shown in messages, and whether it was cut.
fn shown_key(key: &str) -> (&str, bool) {
    if key.len() <= MAX_KEY_SHOWN {
        (key, false)
    } else {
        (key.get(..key.floor_char_boundary(MAX_KEY_SHOWN)).unwrap_or_default(), true)
    }
}

/// Whether `rest`, the text after a leading `$`, is `<path>: <message>` or `: <message>` with
/// a path made of `.` and `[` segments.
fn has_path(rest: &str) -> bool {
    (rest.starts_with('.') || rest.starts_with('[') || rest.starts_with(": ")) && rest.contains(": ")
}

/// `text` without a trailing ` at line N column M` (which `serde_json` appends, and adds again
/// to the rebuilt error).
pub(crate) fn strip_position(text: &str) -> &str {
    const AT_LINE: &str = " at line ";
    let Some(at) = text.rfind(AT_LINE) else {
        return text;
    };
    let Some((line, column)) = text.get(at + AT_LINE.len()..).and_then(|rest| rest.split_once(" column ")) else {
        return text;
    };
    if is_decimal(line) && is_decimal(column) { text.get(..at).unwrap_or(text) } else { text }
}

/// Whether `text` is a non-empty run of ASCII digits.
fn is_decimal(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Appends the path segment for `key`: `.key` when the key is an identifier (ASCII letters,
/// digits and `_`, not starting with a digit), otherwise `['key']` with `'` and `\` escaped.
/// A key longer than [`MAX_KEY_SHOWN`] bytes is written `['start…']`.
fn push_key_segment(out: &mut String, key: &str) {
    let (shown, cut) = shown_key(key);
    let is_identifier = !cut
        && key.bytes().next().is_some_and(|first| !first.is_ascii_digit())
        && key.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    if is_identifier {
        out.push('.');
        out.push_str(key);
    } else {
        out.push_str("['");
        for c in shown.chars() {
            if c == '\'' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        if cut {
            out.push('…');
        }
        out.push_str("']");
    }
}

/// Deserializes a JSON array into a `Vec<T>`, prefixing the error of element `i` with `[i]`.
pub struct ElementsSeed<T>(PhantomData<fn() -> T>);

impl<T> ElementsSeed<T> {
    /// The seed.
    #[must_use]
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for ElementsSeed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for ElementsSeed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ElementsSeed<T> {}

impl<T> fmt::Debug for ElementsSeed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ElementsSeed")
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for ElementsSeed<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        scoped(|| deserializer.deserialize_seq(ElementsVisitor(PhantomData)))
    }
}

/// Serde visitor for [`ElementsSeed`].
struct ElementsVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ElementsVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let hint = seq.size_hint().unwrap_or(0);
        let mut elements = if hint > 0 {
            let max = MAX_PREALLOCATED_ELEMENTS.min(MAX_PREALLOCATED_BYTES / std::mem::size_of::<T>().max(1));
            Vec::with_capacity(hint.min(max))
        } else {
            // No length up front (JSON never gives one). Most arrays of a payload have zero or
            // one element (`keyUsages`, `extendedKeyUsages`): give those an exact allocation
            // (none, or one slot) rather than the four slots a first `push` reserves.
            let Some(first) = seq.next_element::<T>().map_err(|err| with_index(err, 0))? else {
                return Ok(Vec::new());
            };
            let Some(second) = seq.next_element::<T>().map_err(|err| with_index(err, 1))? else {
                return Ok(vec![first]);
            };
            vec![first, second]
        };
        loop {
            match seq.next_element::<T>() {
                Ok(Some(element)) => elements.push(element),
                Ok(None) => {
                    // A long array ends up to twice as large as needed (a page of 10,000
                    // certificates: 16,384 slots). Give big unused tails back (shrinking in place
                    // is cheap); small arrays are left alone.
                    if (elements.capacity() - elements.len()) * std::mem::size_of::<T>() >= SHRINK_WASTE_BYTES {
                        elements.shrink_to_fit();
                    }
                    return Ok(elements);
                }
                Err(err) => return Err(with_index(err, elements.len())),
            }
        }
    }
}

/// Deserializes `null` as [`Nullable::Null`] and anything else with the inner seed, as
/// [`Nullable::Value`].
#[derive(Clone, Copy, Debug, Default)]
pub struct NullableSeed<S>(pub S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for NullableSeed<S> {
    type Value = Nullable<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(NullableVisitor(self.0))
    }
}

/// Serde visitor for [`NullableSeed`].
struct NullableVisitor<S>(S);

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for NullableVisitor<S> {
    type Value = Nullable<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Nullable::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Nullable::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Nullable::Value)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;
    use serde::de::{DeserializeSeed, Error as _};

    /// The error as the outermost reader leaves it.
    fn at_root<E: de::Error>(err: E) -> E {
        Scope::enter().finish(err)
    }

    #[test]
    fn the_path_is_kept_as_data_until_the_outermost_reader() {
        // Three readers deep: only the outermost writes the path, once.
        let outer = Scope::enter();
        let inner = Scope::enter();
        let err = super::with_key(JsonError::custom("invalid type: integer `5`"), "certificateStatus");
        let err = inner.finish(err);
        drop(inner);
        assert_eq!(message(&err), "invalid type: integer `5`", "unchanged on its way up");
        let err = outer.finish(super::with_key(super::with_index(err, 3), "value"));
        assert_eq!(message(&err), "$.value[3].certificateStatus: invalid type: integer `5`");
        drop(outer);
        // Kept as data instead.
        let (result, path) = keeping_path(|| scoped(|| Err::<(), _>(super::duplicate_key::<JsonError>("@odata.type"))));
        assert_eq!(path.as_deref(), Some("$['@odata.type']"));
        assert_eq!(message(&result.unwrap_err()), "duplicate property `@odata.type`");
        let (result, path) = keeping_path(|| scoped(|| Err::<(), _>(super::missing_key::<JsonError>("id"))));
        assert_eq!((path.as_deref(), message(&result.unwrap_err()).as_str()), (Some("$"), "missing property `id`"));
        // Isolated reads leave the outer path alone.
        let outer = Scope::enter();
        let _ = super::with_key(JsonError::custom("x"), "a");
        let inner = isolated(|| scoped(|| Err::<(), _>(super::with_key(JsonError::custom("boom"), "b"))));
        assert_eq!(message(&inner.unwrap_err()), "$.b: boom");
        assert_eq!(message(&outer.finish(JsonError::custom("x"))), "$.a: x");
    }

    type JsonError = serde_json::Error;

    fn message(err: &JsonError) -> String {
        err.to_string()
    }

    /// The message of `err` as the outermost reader leaves it, with the path recorded since the
    /// last one (by `with_key`, `with_index`, `duplicate_key`) written in front.
    fn finished(err: JsonError) -> String {
        let segments = SEGMENTS.take();
        let scope = Scope::enter();
        SEGMENTS.set(segments);
        message(&scope.finish(err))
    }

    #[test]
    fn nested_composition() {
        let err = JsonError::custom("invalid type: integer `5`, expected a string");
        let err = with_key(with_index(with_key(err, "certificateStatus"), 3), "value");
        assert_eq!(finished(err), "$.value[3].certificateStatus: invalid type: integer `5`, expected a string");
        let err = with_index(JsonError::custom("boom"), 0);
        assert_eq!(finished(err), "$[0]: boom");
        let err = with_index(with_index(JsonError::custom("boom"), 1), 2);
        assert_eq!(finished(err), "$[2][1]: boom");
    }

    #[test]
    fn special_keys() {
        let cases = [
            ("value", "$.value: boom"),
            ("_x9", "$._x9: boom"),
            ("@odata.type", "$['@odata.type']: boom"),
            ("9lives", "$['9lives']: boom"),
            ("", "$['']: boom"),
            ("it's", r"$['it\'s']: boom"),
            (r"back\slash", r"$['back\\slash']: boom"),
            ("with space", "$['with space']: boom"),
            ("dash-key", "$['dash-key']: boom"),
            ("ünïcode", "$['ünïcode']: boom"),
            ("colon: key", "$['colon: key']: boom"),
        ];
        for (key, expected) in cases {
            assert_eq!(finished(with_key(JsonError::custom("boom"), key)), expected);
        }
        let err = with_key(with_key(JsonError::custom("boom"), "@odata.type"), "value");
        assert_eq!(finished(err), "$.value['@odata.type']: boom");
    }

    #[test]
    fn position_stripping() {
        assert_eq!(strip_position("boom at line 4 column 28"), "boom");
        assert_eq!(strip_position("boom at line 4 column 28x"), "boom at line 4 column 28x");
        assert_eq!(strip_position("boom at line x column 28"), "boom at line x column 28");
        assert_eq!(strip_position("boom at line 4 column "), "boom at line 4 column ");
        assert_eq!(strip_position("boom at line  column 2"), "boom at line  column 2");
        assert_eq!(strip_position("boom at line 4"), "boom at line 4");
        assert_eq!(strip_position("boom"), "boom");
        assert_eq!(strip_position("at line 1 column 2 inside at line 3 column 4"), "at line 1 column 2 inside");
        // A real serde_json error, with its position.
        let err = serde_json::from_str::<String>("\n   5").unwrap_err();
        assert_eq!(message(&err), "invalid type: integer `5`, expected a string at line 2 column 4");
        // Untouched on its way up; written once, with its position at the end.
        assert_eq!(
            finished(with_key(err, "certificateStatus")),
            "$.certificateStatus: invalid type: integer `5`, expected a string at line 2 column 4"
        );
    }

    #[test]
    fn duplicate_and_missing() {
        let err: JsonError = duplicate_key("id");
        assert_eq!(finished(err), "$.id: duplicate property `id`");
        let err: JsonError = duplicate_key("@odata.type");
        assert_eq!(finished(err), "$['@odata.type']: duplicate property `@odata.type`");
        let err = with_key(with_index(duplicate_key::<JsonError>("id"), 2), "value");
        assert_eq!(finished(err), "$.value[2].id: duplicate property `id`");
        let err: JsonError = missing_key("id");
        assert_eq!(finished(err), "$: missing property `id`");
        let err = with_key(with_index(missing_key::<JsonError>("id"), 2), "value");
        assert_eq!(finished(err), "$.value[2]: missing property `id`");
    }

    #[test]
    fn long_keys_are_cut() {
        let key = "k".repeat(MAX_KEY_SHOWN);
        assert_eq!(finished(with_key(JsonError::custom("boom"), &key)), format!("$.{key}: boom"));
        let long = "k".repeat(MAX_KEY_SHOWN + 1);
        assert_eq!(finished(with_key(JsonError::custom("boom"), &long)), format!("$['{key}…']: boom"));
        assert_eq!(finished(duplicate_key::<JsonError>(&long)), format!("$['{key}…']: duplicate property `{key}…`"));
        // 50 MB keys: the message stays small.
        let huge = "a".repeat(50 << 20);
        assert!(finished(duplicate_key::<JsonError>(&huge)).len() < 200);
        assert!(finished(with_key(JsonError::custom("boom"), &huge)).len() < 100);
        // Cut at a character boundary (`é` is 2 bytes, so 32 of them fill the 64 bytes).
        let accents = "é".repeat(40);
        let shown = "é".repeat(32);
        assert_eq!(finished(with_key(JsonError::custom("boom"), &accents)), format!("$['{shown}…']: boom"));
        let mixed = format!("x{accents}");
        let shown = format!("x{}", "é".repeat(31));
        assert_eq!(finished(with_key(JsonError::custom("boom"), &mixed)), format!("$['{shown}…']: boom"));
        // Quotes in the shown part are still escaped.
        let quotes = "'".repeat(100);
        let shown = r"\'".repeat(MAX_KEY_SHOWN);
        assert_eq!(finished(with_key(JsonError::custom("boom"), &quotes)), format!("$['{shown}…']: boom"));
    }

    #[test]
    fn long_messages_are_shortened() {
        let exact = "m".repeat(MAX_MESSAGE_SHOWN);
        assert_eq!(finished(with_key(JsonError::custom(&exact), "a")), format!("$.a: {exact}"));
        let text = format!("invalid type: string \"{}\", expected i32", "s".repeat(50 << 20));
        let err =
            with_key(with_index(with_key(JsonError::custom(&text), "certificationAuthorityVersionNumber"), 0), "value");
        let shown = finished(err);
        assert!(shown.len() < MAX_MESSAGE_SHOWN + 100, "{} bytes", shown.len());
        let not_shown = text.len() - 2 * MESSAGE_END_SHOWN;
        assert_eq!(
            shown,
            format!(
                "$.value[0].certificationAuthorityVersionNumber: invalid type: string \"{}… ({not_shown} bytes not shown) …{}\", expected i32",
                "s".repeat(MESSAGE_END_SHOWN - 22),
                "s".repeat(MESSAGE_END_SHOWN - 15),
            )
        );
        // Cut at character boundaries.
        let wide = "é".repeat(1000);
        let shown = finished(with_key(JsonError::custom(&wide), "a"));
        assert_eq!(shown, format!("$.a: {}… (1600 bytes not shown) …{}", "é".repeat(100), "é".repeat(100)));
        let odd = format!("x{wide}");
        let shown = finished(with_key(JsonError::custom(&odd), "a"));
        assert_eq!(shown, format!("$.a: x{}… (1602 bytes not shown) …{}", "é".repeat(99), "é".repeat(100)));
        // `at_root` shortens too, and keeps serde_json's position at the end.
        let err = at_root(JsonError::custom(format!("{text} at line 3 column 9")));
        assert_eq!(err.line(), 3);
        assert_eq!(err.column(), 9);
        let shown = message(&err);
        assert!(shown.starts_with("$: invalid type: string \"sss"), "{shown}");
        assert!(shown.ends_with("sss\", expected i32 at line 3 column 9"), "{shown}");
        assert!(shown.len() < MAX_MESSAGE_SHOWN + 100);
        let err = at_root(JsonError::custom("boom at line 3 column 9"));
        assert_eq!(message(&err), "$: boom at line 3 column 9");
        assert_eq!((err.line(), err.column()), (3, 9));
    }

    #[test]
    fn text_paths() {
        assert_eq!(text::property("value"), "$.value");
        assert_eq!(text::property("@odata.count"), "$['@odata.count']");
        let err: JsonError = text::duplicate_key("id");
        assert_eq!(message(&err), "$.id: duplicate property `id`");
        let long = "k".repeat(MAX_KEY_SHOWN + 1);
        let key = "k".repeat(MAX_KEY_SHOWN);
        assert_eq!(
            message(&text::duplicate_key::<JsonError>(&long)),
            format!("$['{key}…']: duplicate property `{key}…`")
        );
        assert_eq!(message(&text::missing_key::<JsonError>("value")), "$: missing property `value`");
    }

    #[test]
    fn not_a_path() {
        // Messages that merely start with `$` are not taken for paths.
        assert_eq!(finished(with_key(JsonError::custom("$5 is too much"), "price")), "$.price: $5 is too much");
        assert_eq!(finished(with_key(JsonError::custom("$.x without colon"), "a")), "$.a: $.x without colon");
    }

    #[test]
    fn elements_seed() {
        let mut de = serde_json::Deserializer::from_str(r#"["a", "b"]"#);
        let values = ElementsSeed::<String>::new().deserialize(&mut de).unwrap();
        assert_eq!(values, ["a", "b"]);
        let mut de = serde_json::Deserializer::from_str("[]");
        let values = ElementsSeed::<String>::default().deserialize(&mut de).unwrap();
        assert!(values.is_empty());

        let mut de = serde_json::Deserializer::from_str(r#"["a", 5]"#);
        let err = ElementsSeed::<String>::new().deserialize(&mut de).unwrap_err();
        assert!(
            message(&err).starts_with("$[1]: invalid type: integer `5`, expected a string at line 1 column "),
            "{err}"
        );

        let mut de = serde_json::Deserializer::from_str(r#"{"a": 1}"#);
        let err = ElementsSeed::<String>::new().deserialize(&mut de).unwrap_err();
        assert!(message(&err).starts_with("$: invalid type: map, expected an array at line 1 column"), "{err}");

        // serde_json::Value as the deserializer, and a size hint.
        let value = serde_json::json!(["x", "y", "z"]);
        let values = ElementsSeed::<String>::new().deserialize(value).unwrap();
        assert_eq!(values, ["x", "y", "z"]);
        let err = ElementsSeed::<String>::new().deserialize(serde_json::json!(["x", true])).unwrap_err();
        assert_eq!(message(&err), "$[1]: invalid type: boolean `true`, expected a string");
    }

    #[test]
    fn nested_elements_seed_paths() {
        // Inner elements already carry a path: the outer index goes in front.
        struct Rows;
        impl<'de> DeserializeSeed<'de> for Rows {
            type Value = Vec<Vec<u8>>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                ElementsSeed::<Wrapped>::new()
                    .deserialize(d)
                    .map(|rows| rows.into_iter().map(|Wrapped(row)| row).collect())
            }
        }
        struct Wrapped(Vec<u8>);
        impl<'de> Deserialize<'de> for Wrapped {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                ElementsSeed::<u8>::new().deserialize(d).map(Wrapped)
            }
        }
        let mut de = serde_json::Deserializer::from_str("[[1, 2], [3, 300]]");
        let err = Rows.deserialize(&mut de).unwrap_err();
        assert!(
            message(&err).starts_with("$[1][1]: invalid value: integer `300`, expected u8 at line 1 column "),
            "{err}"
        );
    }

    #[test]
    fn nullable_seed() {
        let seed = NullableSeed(ElementsSeed::<String>::new());
        let mut de = serde_json::Deserializer::from_str("null");
        assert_eq!(seed.deserialize(&mut de).unwrap(), Nullable::Null);
        let mut de = serde_json::Deserializer::from_str(r#"["a"]"#);
        assert_eq!(seed.deserialize(&mut de).unwrap(), Nullable::Value(vec!["a".to_owned()]));
        let mut de = serde_json::Deserializer::from_str(r#"["a", 5]"#);
        let err = seed.deserialize(&mut de).unwrap_err();
        assert!(
            message(&err).starts_with("$[1]: invalid type: integer `5`, expected a string at line 1 column "),
            "{err}"
        );
        assert_eq!(seed.deserialize(serde_json::Value::Null).unwrap(), Nullable::Null);
    }
}
