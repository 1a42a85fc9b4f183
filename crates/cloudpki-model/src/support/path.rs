//! JSONPath-prefixed deserialization errors, for generated code only.
//!
//! The generated deserializers wrap every error from a property or an array element with
//! [`with_key`] or [`with_index`], so that the final message names where in the payload it
//! happened:
//!
//! ```text
//! $.value[3].certificateStatus: invalid type: integer `5`, expected a string at line 4 column 28
//! ```
//!
//! All string work happens on the error path only; the success path allocates nothing beyond
//! the values themselves.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, SeqAccess, Visitor};

use super::Nullable;

/// Elements preallocated at most from a size hint, whatever the hint says.
const MAX_PREALLOCATED_ELEMENTS: usize = 4096;

/// Bytes preallocated at most from a size hint (like `serde`'s own cautious size hints).
const MAX_PREALLOCATED_BYTES: usize = 1024 * 1024;

/// Prefixes `err` with the property `key`: `$.key: ...`, or `$.key.inner: ...` when `err`
/// already carries a path.
#[must_use]
pub fn with_key<E: de::Error>(err: E, key: &str) -> E {
    let mut segment = String::with_capacity(key.len() + 4);
    push_key_segment(&mut segment, key);
    prefix(err, &segment)
}

/// Prefixes `err` with the array `index`: `$[index]: ...`, or `$[index].inner: ...` when `err`
/// already carries a path.
#[must_use]
pub fn with_index<E: de::Error>(err: E, index: usize) -> E {
    let mut segment = String::with_capacity(8);
    // Writing to a `String` cannot fail.
    let _ = write!(segment, "[{index}]");
    prefix(err, &segment)
}

/// The error for a property that appears twice: ``$.key: duplicate property `key` ``.
#[must_use]
pub fn duplicate_key<E: de::Error>(key: &str) -> E {
    let mut message = String::with_capacity(2 * key.len() + 32);
    message.push('$');
    push_key_segment(&mut message, key);
    message.push_str(": duplicate property `");
    message.push_str(key);
    message.push('`');
    E::custom(message)
}

/// The error for a required property that is missing: ``$: missing property `key` ``.
#[must_use]
pub fn missing_key<E: de::Error>(key: &str) -> E {
    E::custom(format_args!("$: missing property `{key}`"))
}

/// Marks an error raised for a whole value as `$: ...` (the path of the value itself), unless
/// it already names a path. The generated `Deserialize` impls apply it to every error, so a
/// top-level error names `$` like every other.
#[must_use]
pub fn at_root<E: de::Error>(err: E) -> E {
    let text = err.to_string();
    if text.strip_prefix('$').is_some_and(has_path) {
        return err;
    }
    E::custom(format_args!("$: {text}"))
}

/// Rebuilds `err` with `segment` added at the front of its path.
fn prefix<E: de::Error>(err: E, segment: &str) -> E {
    let text = err.to_string();
    let message = strip_position(&text);
    let mut out = String::with_capacity(message.len() + segment.len() + 3);
    out.push('$');
    out.push_str(segment);
    match message.strip_prefix('$') {
        // Produced by this module: `$<path>: <message>` (or `$: <message>`, from
        // `missing_key`). The new segment goes right after the `$`.
        Some(rest) if has_path(rest) => out.push_str(rest),
        _ => {
            out.push_str(": ");
            out.push_str(message);
        }
    }
    E::custom(out)
}

/// Whether `rest`, the text after a leading `$`, is `<path>: <message>` or `: <message>` with
/// a path made of `.` and `[` segments.
fn has_path(rest: &str) -> bool {
    (rest.starts_with('.') || rest.starts_with('[') || rest.starts_with(": ")) && rest.contains(": ")
}

/// `text` without a trailing ` at line N column M` (which `serde_json` appends, and adds again
/// to the rebuilt error).
fn strip_position(text: &str) -> &str {
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
fn push_key_segment(out: &mut String, key: &str) {
    let is_identifier = key.bytes().next().is_some_and(|first| !first.is_ascii_digit())
        && key.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    if is_identifier {
        out.push('.');
        out.push_str(key);
    } else {
        out.push_str("['");
        for c in key.chars() {
            if c == '\'' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
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
        deserializer.deserialize_seq(ElementsVisitor(PhantomData))
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
        let max = MAX_PREALLOCATED_ELEMENTS.min(MAX_PREALLOCATED_BYTES / std::mem::size_of::<T>().max(1));
        let mut elements = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(max));
        loop {
            match seq.next_element::<T>() {
                Ok(Some(element)) => elements.push(element),
                Ok(None) => return Ok(elements),
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

    type JsonError = serde_json::Error;

    fn message(err: &JsonError) -> String {
        err.to_string()
    }

    #[test]
    fn nested_composition() {
        let err = JsonError::custom("invalid type: integer `5`, expected a string");
        let err = with_key(with_index(with_key(err, "certificateStatus"), 3), "value");
        assert_eq!(message(&err), "$.value[3].certificateStatus: invalid type: integer `5`, expected a string");
        let err = with_index(JsonError::custom("boom"), 0);
        assert_eq!(message(&err), "$[0]: boom");
        let err = with_index(with_index(JsonError::custom("boom"), 1), 2);
        assert_eq!(message(&err), "$[2][1]: boom");
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
            assert_eq!(message(&with_key(JsonError::custom("boom"), key)), expected);
        }
        let err = with_key(with_key(JsonError::custom("boom"), "@odata.type"), "value");
        assert_eq!(message(&err), "$.value['@odata.type']: boom");
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
        assert_eq!(
            message(&with_key(err, "certificateStatus")),
            "$.certificateStatus: invalid type: integer `5`, expected a string"
        );
    }

    #[test]
    fn duplicate_and_missing() {
        let err: JsonError = duplicate_key("id");
        assert_eq!(message(&err), "$.id: duplicate property `id`");
        let err: JsonError = duplicate_key("@odata.type");
        assert_eq!(message(&err), "$['@odata.type']: duplicate property `@odata.type`");
        let err = with_key(with_index(duplicate_key::<JsonError>("id"), 2), "value");
        assert_eq!(message(&err), "$.value[2].id: duplicate property `id`");
        let err: JsonError = missing_key("id");
        assert_eq!(message(&err), "$: missing property `id`");
        let err = with_key(with_index(missing_key::<JsonError>("id"), 2), "value");
        assert_eq!(message(&err), "$.value[2]: missing property `id`");
    }

    #[test]
    fn not_a_path() {
        // Messages that merely start with `$` are not taken for paths.
        assert_eq!(message(&with_key(JsonError::custom("$5 is too much"), "price")), "$.price: $5 is too much");
        assert_eq!(message(&with_key(JsonError::custom("$.x without colon"), "a")), "$.a: $.x without colon");
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
        assert!(message(&err).starts_with("invalid type: map, expected an array at line 1 column"), "{err}");

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
