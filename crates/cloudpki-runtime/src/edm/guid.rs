//! [`Guid`]: an OData `Edm.Guid` that keeps its exact spelling.

use std::str::FromStr;

use super::{EdmParseError, EdmText, ascii_str};

/// The EDM type name, for error messages.
const EDM_TYPE: &str = "Edm.Guid";

/// Why a text is not a [`Guid`] (there is only one way to be wrong).
const REASON: &str = "expected 8-4-4-4-12 hexadecimal digits";

/// The length of the text: 32 hexadecimal digits and 4 hyphens.
const LEN: usize = 36;

/// The byte offsets of the hyphens.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];

/// An OData `Edm.Guid` that keeps its exact spelling.
///
/// # Accepted text
///
/// 32 hexadecimal digits in groups of 8, 4, 4, 4 and 12 separated by `-`, such as
/// `8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f6`; each digit may be upper or lower case. Nothing else:
/// no braces, no surrounding spaces, no missing hyphens (see [`Guid::PATTERN`]).
///
/// # Lossless
///
/// The text is kept as written, letter case included: [`Display`](std::fmt::Display),
/// [`as_str`](Self::as_str) and [`Serialize`](serde::Serialize) give it back byte for byte.
///
/// # Equality
///
/// [`PartialEq`], [`Eq`] and [`Hash`] compare the **exact text**, so
/// `8D3A5C1E-0F2B-4C6D-9E7F-A1B2C3D4E5F6` and `8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f6` are *not*
/// equal; compare [`to_u128`](Self::to_u128) to compare the values.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Guid {
    /// The text: validated ASCII.
    text: [u8; LEN],
}

impl Guid {
    /// The ECMA-262 regular expression that matches exactly the texts [`Guid::parse`] accepts.
    pub const PATTERN: &'static str = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";

    /// Parses an `Edm.Guid`, keeping its exact spelling.
    ///
    /// # Errors
    ///
    /// Returns an [`EdmParseError`] when `text` is not 8-4-4-4-12 hexadecimal digits. Never
    /// panics, whatever the input.
    pub fn parse(text: &str) -> Result<Self, EdmParseError> {
        let error = || EdmParseError::new(EDM_TYPE, text, REASON);
        let bytes: [u8; LEN] = text.as_bytes().try_into().map_err(|_| error())?;
        for (at, byte) in bytes.iter().enumerate() {
            let valid = if HYPHENS.contains(&at) { *byte == b'-' } else { byte.is_ascii_hexdigit() };
            if !valid {
                return Err(error());
            }
        }
        Ok(Self { text: bytes })
    }

    /// The GUID of `value` (most significant digit first), in lower case.
    #[must_use]
    pub const fn from_u128(value: u128) -> Self {
        /// Lower-case hexadecimal digits.
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b'-'; LEN];
        let mut at = LEN;
        let mut rest = value;
        while at > 0 {
            at -= 1;
            if at != 8 && at != 13 && at != 18 && at != 23 {
                text[at] = DIGITS[(rest & 0xF) as usize];
                rest >>= 4;
            }
        }
        Self { text }
    }

    /// The GUID of 16 bytes in textual order (the first byte gives the first two digits), in
    /// lower case; the inverse of [`as_bytes`](Self::as_bytes).
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self::from_u128(u128::from_be_bytes(bytes))
    }

    /// The exact text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        ascii_str(&self.text)
    }

    /// The value: the 32 digits read as one hexadecimal number, the first digit most
    /// significant. Case does not matter: both spellings of a GUID give the same value.
    #[must_use]
    pub fn to_u128(&self) -> u128 {
        self.text
            .iter()
            .filter_map(|byte| char::from(*byte).to_digit(16))
            .fold(0, |acc, digit| acc << 4 | u128::from(digit))
    }

    /// The 16 bytes in textual order, the big-endian bytes of [`to_u128`](Self::to_u128): the
    /// first byte is given by the first two digits. (This is *not* the mixed-endian layout of
    /// Windows' `GUID` structure or .NET's `Guid.ToByteArray`.)
    #[must_use]
    pub fn as_bytes(&self) -> [u8; 16] {
        self.to_u128().to_be_bytes()
    }
}

impl EdmText for Guid {
    type Error = EdmParseError;

    const EXPECTING: &'static str = "an Edm.Guid (8-4-4-4-12 hexadecimal digits)";

    fn parse_text(text: &str) -> Result<Self, EdmParseError> {
        Self::parse(text)
    }
}

impl FromStr for Guid {
    type Err = EdmParseError;

    /// Same as [`Guid::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

super::text_type_impls!(Guid);

impl From<Guid> for u128 {
    /// Same as [`Guid::to_u128`].
    fn from(value: Guid) -> Self {
        value.to_u128()
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Guid {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Guid".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "cloudpki_runtime::edm::Guid".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "uuid",
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

    /// Texts [`Guid::parse`] accepts.
    const ACCEPTED: &[&str] = &[
        "8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f6",
        "8D3A5C1E-0F2B-4C6D-9E7F-A1B2C3D4E5F6",
        "8d3A5c1E-0f2B-4c6D-9e7F-a1B2c3D4e5F6",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "01234567-89ab-cdef-ABCD-EF0123456789",
    ];

    /// Texts [`Guid::parse`] rejects.
    const REJECTED: &[&str] = &[
        "",
        "8d3a5c1e0f2b4c6d9e7fa1b2c3d4e5f6",
        "{8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f6}",
        "8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f",
        "8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f6a",
        "8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5fg",
        "8d3a5c1e_0f2b-4c6d-9e7f-a1b2c3d4e5f6",
        "8d3a5c1-e0f2b-4c6d-9e7f-a1b2c3d4e5f6",
        " 8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f6",
        "8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f6 ",
        "8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f6\n",
        "8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f６",
        "8d3a5c1e-+f2b-4c6d-9e7f-a1b2c3d4e5f6",
        "------------------------------------",
        "8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f",
    ];

    #[test]
    fn accepted_and_rejected() {
        for text in ACCEPTED {
            let value = Guid::parse(text).unwrap();
            assert_eq!(value.as_str(), *text);
            assert_eq!(value.to_string(), *text);
            assert_eq!(text.parse::<Guid>().unwrap(), value);
            assert_eq!(format!("{value:?}"), format!("Guid({text:?})"));
        }
        for text in REJECTED {
            let err = Guid::parse(text).unwrap_err();
            assert_eq!(err.edm_type(), "Edm.Guid");
            assert_eq!(err.reason(), REASON);
        }
    }

    #[test]
    fn values() {
        let lower = Guid::parse("8d3a5c1e-0f2b-4c6d-9e7f-a1b2c3d4e5f6").unwrap();
        let upper = Guid::parse("8D3A5C1E-0F2B-4C6D-9E7F-A1B2C3D4E5F6").unwrap();
        assert_ne!(lower, upper);
        assert_eq!(lower.to_u128(), 0x8d3a5c1e_0f2b_4c6d_9e7f_a1b2c3d4e5f6);
        assert_eq!(upper.to_u128(), lower.to_u128());
        assert_eq!(u128::from(upper), lower.to_u128());
        assert_eq!(
            lower.as_bytes(),
            [0x8d, 0x3a, 0x5c, 0x1e, 0x0f, 0x2b, 0x4c, 0x6d, 0x9e, 0x7f, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6]
        );
        assert_eq!(Guid::from_u128(lower.to_u128()), lower);
        assert_eq!(Guid::from_bytes(upper.as_bytes()), lower);
        assert_eq!(Guid::from_u128(0).as_str(), "00000000-0000-0000-0000-000000000000");
        assert_eq!(Guid::from_u128(u128::MAX).as_str(), "ffffffff-ffff-ffff-ffff-ffffffffffff");
        assert_eq!(Guid::from_u128(1).as_str(), "00000000-0000-0000-0000-000000000001");
        assert_eq!(format!("{lower:>38}|"), format!("  {lower}|"));
    }

    #[test]
    fn serde_round_trips_exactly() {
        for text in ACCEPTED {
            let json = format!("\"{text}\"");
            let value: Guid = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            let from_value: Guid = serde_json::from_value(serde_json::Value::String((*text).to_owned())).unwrap();
            assert_eq!(from_value, value);
        }
        let json = r#"{"ids":["8D3A5C1E-0F2B-4C6D-9E7F-A1B2C3D4E5F6","00000000-0000-0000-0000-000000000000"]}"#;
        let value: std::collections::BTreeMap<String, Vec<Guid>> = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            Guid::parse("xyz").unwrap_err().to_string(),
            "invalid Edm.Guid `xyz`: expected 8-4-4-4-12 hexadecimal digits"
        );
        let err = serde_json::from_str::<Guid>(r#""xyz""#).unwrap_err().to_string();
        assert_eq!(err, "invalid Edm.Guid `xyz`: expected 8-4-4-4-12 hexadecimal digits at line 1 column 5");
        let err = serde_json::from_str::<Guid>("5").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid type: integer `5`, expected an Edm.Guid (8-4-4-4-12 hexadecimal digits) at line 1 column 1"
        );
        let long = format!("\"{}\"", "a".repeat(100));
        let err = serde_json::from_str::<Guid>(&long).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "invalid Edm.Guid `{}…` (100 bytes): expected 8-4-4-4-12 hexadecimal digits at line 1 column 102",
                "a".repeat(64)
            )
        );
    }

    #[test]
    fn never_panics() {
        for text in random_texts("0123456789abcdefABCDEFgG-- {}é\u{0}", 40, 20_000) {
            if let Ok(value) = Guid::parse(&text) {
                assert_eq!(value.as_str(), text);
            }
        }
    }

    proptest! {
        #[test]
        fn pattern_matches_are_accepted(text in matching(Guid::PATTERN)) {
            let value = Guid::parse(&text).unwrap();
            prop_assert_eq!(value.as_str(), &text);
            let json = serde_json::to_string(&value).unwrap();
            prop_assert_eq!(&json, &format!("\"{text}\""));
            prop_assert_eq!(serde_json::from_str::<Guid>(&json).unwrap(), value);
            let lower = Guid::from_u128(value.to_u128());
            prop_assert_eq!(lower.as_str(), text.to_ascii_lowercase());
        }

        #[test]
        fn values_round_trip(value in any::<u128>()) {
            let guid = Guid::from_u128(value);
            prop_assert_eq!(guid.to_u128(), value);
            prop_assert_eq!(Guid::parse(guid.as_str()).unwrap(), guid);
            prop_assert_eq!(Guid::from_bytes(guid.as_bytes()), guid);
        }
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn json_schema() {
        use schemars::JsonSchema;
        assert!(Guid::inline_schema());
        assert_eq!(Guid::schema_name(), "Guid");
        let mut generator = schemars::SchemaGenerator::default();
        assert_eq!(
            Guid::json_schema(&mut generator),
            schemars::json_schema!({"type": "string", "format": "uuid", "pattern": Guid::PATTERN})
        );
    }
}
