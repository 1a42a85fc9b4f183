//! [`Binary`]: an OData `Edm.Binary` (base64 text) that keeps its exact spelling.

use std::str::FromStr;

use super::error::describe_char_at;
use super::{EdmParseError, EdmText};

/// The EDM type name, for error messages.
const EDM_TYPE: &str = "Edm.Binary";

/// The standard base64 alphabet (RFC 4648, section 4), used by [`Binary::from_bytes`].
const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// An OData `Edm.Binary`: base64 text, kept exactly as sent.
///
/// # Accepted text
///
/// Base64 (RFC 4648) in the standard alphabet (`A`–`Z`, `a`–`z`, `0`–`9`, `+`, `/`) or the
/// URL-safe one (`-` and `_` instead of `+` and `/`; OData's JSON format specifies base64url),
/// with or without `=` padding (see [`Binary::PATTERN`]). The empty string is valid (no bytes).
/// In detail:
///
/// * Only the characters of the two alphabets, and `=` at the end. Spaces and line breaks are
///   rejected. The two alphabets may be mixed (each character has one meaning either way).
/// * The text is made of groups of 4 characters (3 bytes); the last group may have 2
///   characters (1 byte) or 3 (2 bytes), and is then either unpadded or padded with exactly the
///   missing `==` or `=`. A last group of 1 character cannot be decoded and is rejected.
/// * The bits of the last character that no byte uses must be zero (`QQ==` is accepted, `QR==`
///   is rejected). Decoders commonly ignore these bits, but a text with non-zero ones is not the
///   encoding of any bytes: it could not be written back from its bytes, and two different texts
///   would decode to the same bytes.
///
/// # Lossless
///
/// The text is kept as sent, alphabet and padding included: [`Display`](std::fmt::Display),
/// [`as_str`](Self::as_str) and [`Serialize`](serde::Serialize) give it back byte for byte. [`PartialEq`], [`Eq`]
/// and [`Hash`] compare the text; compare [`decode`](Self::decode) to compare the bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Binary {
    /// The text: validated base64.
    text: String,
}

impl Binary {
    /// The ECMA-262 regular expression that matches exactly the texts [`Binary::parse`]
    /// accepts.
    ///
    /// The classes of the last character of a short last group (`[AQgw]`, `[AEIMQUYcgkosw048]`)
    /// are the characters whose unused bits are zero.
    pub const PATTERN: &'static str =
        r"^([A-Za-z0-9+/_-]{4})*([A-Za-z0-9+/_-][AQgw](==)?|[A-Za-z0-9+/_-]{2}[AEIMQUYcgkosw048]=?)?$";

    /// Parses an `Edm.Binary`, keeping its exact spelling.
    ///
    /// # Errors
    ///
    /// Returns an [`EdmParseError`] saying what is wrong when `text` is not base64 as described
    /// on [`Binary`]. Never panics, whatever the input.
    pub fn parse(text: &str) -> Result<Self, EdmParseError> {
        validate(text).map_err(|reason| EdmParseError::new(EDM_TYPE, text, reason))?;
        Ok(Self { text: text.to_owned() })
    }

    /// Encodes `bytes` in the standard alphabet, padded with `=`.
    #[must_use]
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let [a, b, c] = match *chunk {
                [a] => [a, 0, 0],
                [a, b] => [a, b, 0],
                [a, b, c, ..] => [a, b, c],
                [] => continue,
            };
            let group = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
            for index in 0..4 {
                if index <= chunk.len() {
                    let sextet = (group >> (18 - 6 * index)) & 0x3F;
                    text.push(char::from(STANDARD.get(sextet as usize).copied().unwrap_or(b'A')));
                } else {
                    text.push('=');
                }
            }
        }
        Self { text }
    }

    /// The exact text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, as an owned [`String`].
    #[must_use]
    pub fn into_string(self) -> String {
        self.text
    }

    /// Whether the text is empty (no bytes).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The number of bytes [`decode`](Self::decode) gives, without decoding.
    #[must_use]
    pub fn decoded_len(&self) -> usize {
        let symbols = self.text.trim_end_matches('=').len();
        symbols / 4 * 3 + (symbols % 4).saturating_sub(1)
    }

    /// The bytes the text encodes.
    #[must_use]
    pub fn decode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.decoded_len());
        let mut bits = 0_u32;
        let mut bit_count = 0_u32;
        for value in self.text.bytes().filter_map(sextet) {
            bits = (bits << 6 | u32::from(value)) & 0xFFF;
            bit_count += 6;
            if bit_count >= 8 {
                bit_count -= 8;
                bytes.push((bits >> bit_count) as u8);
            }
        }
        bytes
    }
}

/// The 6-bit value of a character of either base64 alphabet.
fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Checks `text` against the rules described on [`Binary`]; the error is the reason.
fn validate(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let symbols = bytes.iter().position(|byte| *byte == b'=').unwrap_or(bytes.len());
    if let Some(at) = (0..symbols).find(|at| bytes.get(*at).copied().and_then(sextet).is_none()) {
        return Err(format!(
            "invalid character {} at byte {at} (expected the base64 alphabet A-Z, a-z, 0-9, `+`, `/`, `-`, `_`)",
            describe_char_at(text, at)
        ));
    }
    if let Some(at) = (symbols..bytes.len()).find(|at| bytes.get(*at) != Some(&b'=')) {
        return Err(format!("invalid character {} at byte {at} (after `=` padding)", describe_char_at(text, at)));
    }
    let last_group = symbols % 4;
    if last_group == 1 {
        return Err(format!(
            "impossible length: {symbols} base64 characters leave a final group of 1 (a group has 2 to 4)"
        ));
    }
    let padding = bytes.len() - symbols;
    if padding > 0 {
        let expected = (4 - last_group) % 4;
        if padding != expected {
            return Err(if expected == 0 {
                format!("unexpected `=` padding after {symbols} base64 characters (a multiple of 4)")
            } else {
                format!(
                    "wrong padding: a final group of {last_group} characters is padded with {expected} `=`, not {padding}"
                )
            });
        }
    }
    let unused_bits = match last_group {
        2 => 0x0F,
        3 => 0x03,
        _ => 0,
    };
    let last = symbols.checked_sub(1).and_then(|at| bytes.get(at).copied());
    if let Some(last) = last
        && sextet(last).is_some_and(|value| value & unused_bits != 0)
    {
        return Err(format!(
            "the unused low bits of the last character `{}` are not zero (no bytes encode to this text)",
            char::from(last)
        ));
    }
    Ok(())
}

impl EdmText for Binary {
    type Error = EdmParseError;

    const EXPECTING: &'static str = "an Edm.Binary (base64 or base64url text)";

    fn parse_text(text: &str) -> Result<Self, EdmParseError> {
        Self::parse(text)
    }

    fn parse_owned(text: String) -> Result<Self, EdmParseError> {
        match validate(&text) {
            Ok(()) => Ok(Self { text }),
            Err(reason) => Err(EdmParseError::new(EDM_TYPE, &text, reason)),
        }
    }
}

impl FromStr for Binary {
    type Err = EdmParseError;

    /// Same as [`Binary::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Binary {
    type Error = EdmParseError;

    /// Same as [`Binary::parse`], keeping the allocation.
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse_owned(text)
    }
}

super::text_type_impls!(Binary);

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Binary {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Binary".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "cloudpki_runtime::edm::Binary".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "contentEncoding": "base64",
            "pattern": Self::PATTERN,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;
    use crate::edm::test_support::{matching, random_texts};
    use proptest::prelude::*;

    /// Texts [`Binary::parse`] accepts, with the bytes they encode.
    const ACCEPTED: &[(&str, &[u8])] = &[
        ("", b""),
        ("Zg==", b"f"),
        ("Zg", b"f"),
        ("Zm8=", b"fo"),
        ("Zm8", b"fo"),
        ("Zm9v", b"foo"),
        ("Zm9vYg==", b"foob"),
        ("Zm9vYmE=", b"fooba"),
        ("Zm9vYmFy", b"foobar"),
        ("AAAA", &[0, 0, 0]),
        ("AA==", &[0]),
        ("+/+/", &[0xFB, 0xFF, 0xBF]),
        ("-_-_", &[0xFB, 0xFF, 0xBF]),
        ("+_-/", &[0xFB, 0xFF, 0xBF]),
        ("//8=", &[0xFF, 0xFF]),
        ("__8", &[0xFF, 0xFF]),
        ("MIIBCgKCAQEA", &[0x30, 0x82, 0x01, 0x0A, 0x02, 0x82, 0x01, 0x01, 0x00]),
    ];

    /// Texts [`Binary::parse`] rejects, with the reason.
    const REJECTED: &[(&str, &str)] = &[
        ("A", "impossible length: 1 base64 characters leave a final group of 1 (a group has 2 to 4)"),
        ("Zm9vY", "impossible length: 5 base64 characters leave a final group of 1 (a group has 2 to 4)"),
        ("A===", "impossible length: 1 base64 characters leave a final group of 1 (a group has 2 to 4)"),
        ("Zg=", "wrong padding: a final group of 2 characters is padded with 2 `=`, not 1"),
        ("Zg===", "wrong padding: a final group of 2 characters is padded with 2 `=`, not 3"),
        ("Zm8==", "wrong padding: a final group of 3 characters is padded with 1 `=`, not 2"),
        ("Zm9v=", "unexpected `=` padding after 4 base64 characters (a multiple of 4)"),
        ("=", "unexpected `=` padding after 0 base64 characters (a multiple of 4)"),
        ("====", "unexpected `=` padding after 0 base64 characters (a multiple of 4)"),
        ("Zg==Zg==", "invalid character `Z` at byte 4 (after `=` padding)"),
        ("Zg=a", "invalid character `a` at byte 3 (after `=` padding)"),
        (
            "Zm9v\n",
            "invalid character `\\n` at byte 4 (expected the base64 alphabet A-Z, a-z, 0-9, `+`, `/`, `-`, `_`)",
        ),
        ("Zm 9v", "invalid character ` ` at byte 2 (expected the base64 alphabet A-Z, a-z, 0-9, `+`, `/`, `-`, `_`)"),
        ("Zm9v.", "invalid character `.` at byte 4 (expected the base64 alphabet A-Z, a-z, 0-9, `+`, `/`, `-`, `_`)"),
        ("Zmé9", "invalid character `é` at byte 2 (expected the base64 alphabet A-Z, a-z, 0-9, `+`, `/`, `-`, `_`)"),
        ("Zh==", "the unused low bits of the last character `h` are not zero (no bytes encode to this text)"),
        ("Zh", "the unused low bits of the last character `h` are not zero (no bytes encode to this text)"),
        ("Zm9=", "the unused low bits of the last character `9` are not zero (no bytes encode to this text)"),
        ("__9", "the unused low bits of the last character `9` are not zero (no bytes encode to this text)"),
        ("AB", "the unused low bits of the last character `B` are not zero (no bytes encode to this text)"),
    ];

    #[test]
    fn accepted_and_rejected() {
        for (text, bytes) in ACCEPTED {
            let value = Binary::parse(text).unwrap();
            assert_eq!(value.as_str(), *text);
            assert_eq!(value.to_string(), *text);
            assert_eq!(value.decode(), *bytes, "for {text:?}");
            assert_eq!(value.decoded_len(), bytes.len());
            assert_eq!(value.is_empty(), bytes.is_empty());
            assert_eq!(text.parse::<Binary>().unwrap(), value);
            assert_eq!(Binary::try_from((*text).to_owned()).unwrap(), value);
            assert_eq!(format!("{value:?}"), format!("Binary({text:?})"));
        }
        for (text, reason) in REJECTED {
            let err = Binary::parse(text).unwrap_err();
            assert_eq!(err.edm_type(), "Edm.Binary");
            assert_eq!(err.reason(), *reason, "for {text:?}");
        }
    }

    #[test]
    fn encodes_standard_padded() {
        assert_eq!(Binary::from_bytes(b"").as_str(), "");
        assert_eq!(Binary::from_bytes(b"f").as_str(), "Zg==");
        assert_eq!(Binary::from_bytes(b"fo").as_str(), "Zm8=");
        assert_eq!(Binary::from_bytes(b"foo").as_str(), "Zm9v");
        assert_eq!(Binary::from_bytes(b"foobar").as_str(), "Zm9vYmFy");
        assert_eq!(Binary::from_bytes(&[0xFB, 0xFF, 0xBF]).as_str(), "+/+/");
        assert_eq!(Binary::default(), Binary::from_bytes(b""));
        assert_eq!(Binary::from_bytes(b"fo").into_string(), "Zm8=");
    }

    #[test]
    fn serde_round_trips_exactly() {
        for (text, _) in ACCEPTED {
            let json = format!("\"{text}\"");
            let value: Binary = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            let from_value: Binary = serde_json::from_value(serde_json::Value::String((*text).to_owned())).unwrap();
            assert_eq!(from_value, value);
        }
        // Escaped JSON strings are unescaped first: `\/` is `/`.
        let value: Binary = serde_json::from_str(r#""\/\/8=""#).unwrap();
        assert_eq!(value.as_str(), "//8=");
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            Binary::parse("Zg=").unwrap_err().to_string(),
            "invalid Edm.Binary `Zg=`: wrong padding: a final group of 2 characters is padded with 2 `=`, not 1"
        );
        let err = serde_json::from_str::<Binary>(r#""Zh==""#).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid Edm.Binary `Zh==`: the unused low bits of the last character `h` are not zero \
             (no bytes encode to this text) at line 1 column 6"
        );
        let err = serde_json::from_str::<Binary>("[1]").unwrap_err().to_string();
        assert_eq!(err, "invalid type: sequence, expected an Edm.Binary (base64 or base64url text) at line 1 column 0");
        let long = format!("{}!", "A".repeat(1000));
        assert_eq!(
            Binary::parse(&long).unwrap_err().to_string(),
            format!(
                "invalid Edm.Binary `{}…` (1001 bytes): invalid character `!` at byte 1000 (expected the base64 \
                 alphabet A-Z, a-z, 0-9, `+`, `/`, `-`, `_`)",
                "A".repeat(64)
            )
        );
    }

    #[test]
    fn never_panics() {
        for text in random_texts("AQgwBh09+/-_=====é\n ", 13, 50_000) {
            if let Ok(value) = Binary::parse(&text) {
                assert_eq!(value.as_str(), text);
                let bytes = value.decode();
                assert_eq!(bytes.len(), value.decoded_len());
                // Re-encoding gives the same text, up to alphabet and padding.
                let normalized = text.replace('-', "+").replace('_', "/");
                assert_eq!(Binary::from_bytes(&bytes).as_str().trim_end_matches('='), normalized.trim_end_matches('='));
            }
        }
    }

    proptest! {
        #[test]
        fn bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let value = Binary::from_bytes(&bytes);
            prop_assert_eq!(value.decode(), bytes.clone());
            prop_assert_eq!(value.decoded_len(), bytes.len());
            prop_assert_eq!(&Binary::parse(value.as_str()).unwrap(), &value);
            // The URL-safe, unpadded spelling of the same bytes decodes the same.
            let url_safe = value.as_str().replace('+', "-").replace('/', "_");
            let url_safe = Binary::parse(url_safe.trim_end_matches('=')).unwrap();
            prop_assert_eq!(url_safe.decode(), bytes);
        }

        #[test]
        fn pattern_matches_are_accepted(text in matching(Binary::PATTERN)) {
            let value = Binary::parse(&text).unwrap();
            prop_assert_eq!(value.as_str(), &text);
            let json = serde_json::to_string(&value).unwrap();
            prop_assert_eq!(&json, &format!("\"{text}\""));
            prop_assert_eq!(serde_json::from_str::<Binary>(&json).unwrap(), value);
        }
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn json_schema() {
        use schemars::JsonSchema;
        assert!(Binary::inline_schema());
        assert_eq!(Binary::schema_name(), "Binary");
        let mut generator = schemars::SchemaGenerator::default();
        assert_eq!(
            Binary::json_schema(&mut generator),
            schemars::json_schema!({"type": "string", "contentEncoding": "base64", "pattern": Binary::PATTERN})
        );
    }
}
