//! [`Double`]: an OData `Edm.Double` that remembers how its JSON value was written.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::EdmParseError;

/// The EDM type name, for error messages.
const EDM_TYPE: &str = "Edm.Double";

/// Why a string is not a [`Double`].
const NOT_A_DOUBLE: &str = "expected a JSON number or one of the strings `NaN`, `INF` and `-INF`";

/// What the serde visitor expects.
const EXPECTING: &str = "an Edm.Double (a JSON number, or one of the strings \"NaN\", \"INF\" and \"-INF\")";

/// An OData `Edm.Double`: a JSON number, or one of the strings `"NaN"`, `"INF"` and `"-INF"`
/// (OData's spellings of the values JSON numbers cannot hold), that remembers which of these
/// kinds it was read as.
///
/// # Lossless
///
/// The JSON value read is the JSON value written back:
///
/// * a number that serde_json reads as an integer (no fraction, no exponent, within `i64` or
///   `u64`) is written back as that integer: `1` stays `1`, `-7` stays `-7`;
/// * any other number is written back as the `f64` it was read as, which serde_json (with its
///   `float_roundtrip` feature) reads exactly and writes in the shortest form that reads back the
///   same: `1.0` stays `1.0`, `-0.0` stays `-0.0`, `0.1` stays `0.1`. The value is kept, not the
///   spelling (serde's data model hands over an `f64`, not the text): `1.50` comes back as
///   `1.5`, `1E2` as `100.0` and `1e300` as `1e+300`, which are the same JSON numbers. (Like
///   serde_json, integers beyond `u64` or `i64`, and `-0`, are read as `f64`.)
/// * the strings `"NaN"`, `"INF"` and `"-INF"` are written back as those strings.
///
/// Any other string, and any other JSON type, is rejected.
///
/// # Equality
///
/// [`PartialEq`], [`Eq`] and [`Hash`] compare what would be written: `1` and `1.0` are *not*
/// equal, nor are `0.0` and `-0.0`, while [`Double::NAN`] *is* equal to itself (it is the string
/// `"NaN"`). Compare [`value`](Self::value) to compare numbers.
///
/// [`Display`](std::fmt::Display) writes the value as JSON would, without the quotes of the strings
/// (`1`, `1.0`, `1e+300`, `NaN`), and [`FromStr`] reads that back.
#[derive(Clone, Copy)]
pub struct Double {
    /// The value and its kind.
    repr: Repr,
}

/// The value of a [`Double`] and how it is written.
#[derive(Clone, Copy, Debug)]
enum Repr {
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer (always below zero).
    Negative(i64),
    /// A finite floating-point number (never NaN nor infinite).
    Float(f64),
    /// The string `"NaN"`.
    NaN,
    /// The string `"INF"`.
    Infinity,
    /// The string `"-INF"`.
    NegInfinity,
}

impl Double {
    /// Not a number, written as the string `"NaN"`.
    pub const NAN: Self = Self { repr: Repr::NaN };
    /// Positive infinity, written as the string `"INF"`.
    pub const INFINITY: Self = Self { repr: Repr::Infinity };
    /// Negative infinity, written as the string `"-INF"`.
    pub const NEG_INFINITY: Self = Self { repr: Repr::NegInfinity };

    /// A floating-point value: written as a JSON number with a fraction or an exponent (`1.0`,
    /// `1e+300`) when finite, as `"NaN"`, `"INF"` or `"-INF"` otherwise.
    #[must_use]
    pub const fn from_f64(value: f64) -> Self {
        let repr = if value.is_nan() {
            Repr::NaN
        } else if value.is_infinite() {
            if value.is_sign_positive() { Repr::Infinity } else { Repr::NegInfinity }
        } else {
            Repr::Float(value)
        };
        Self { repr }
    }

    /// An integer, written as a JSON integer (`1`).
    #[must_use]
    pub const fn from_i64(value: i64) -> Self {
        let repr = if value < 0 { Repr::Negative(value) } else { Repr::Unsigned(value.unsigned_abs()) };
        Self { repr }
    }

    /// An integer, written as a JSON integer (`1`).
    #[must_use]
    pub const fn from_u64(value: u64) -> Self {
        Self { repr: Repr::Unsigned(value) }
    }

    /// Parses the text [`Display`](std::fmt::Display) writes: a JSON number (`1`, `-1.5`, `1e300`),
    /// read the way serde_json reads it, or `NaN`, `INF` or `-INF` (without quotes).
    ///
    /// # Errors
    ///
    /// Returns an [`EdmParseError`] when `text` is neither, or is a number too large for an
    /// `f64` (such as `1e400`, which serde_json rejects as well). Never panics, whatever the
    /// input.
    pub fn parse(text: &str) -> Result<Self, EdmParseError> {
        match text {
            "NaN" => return Ok(Self::NAN),
            "INF" => return Ok(Self::INFINITY),
            "-INF" => return Ok(Self::NEG_INFINITY),
            _ => {}
        }
        let error = |reason: &'static str| EdmParseError::new(EDM_TYPE, text, reason);
        let is_integer = json_number_shape(text).ok_or_else(|| error(NOT_A_DOUBLE))?;
        if is_integer {
            if let Ok(value) = text.parse::<u64>() {
                return Ok(Self::from_u64(value));
            }
            // `-0` is not an `i64` below zero: serde_json reads it as `-0.0`.
            if let Ok(value) = text.parse::<i64>()
                && value < 0
            {
                return Ok(Self::from_i64(value));
            }
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Self::from_f64(value)),
            _ => Err(error("number out of range of an f64")),
        }
    }

    /// The value as an `f64`: an integer beyond 2^53 is rounded to the nearest `f64`; the
    /// strings give NaN and the infinities.
    #[must_use]
    pub const fn value(&self) -> f64 {
        match self.repr {
            Repr::Unsigned(value) => value as f64,
            Repr::Negative(value) => value as f64,
            Repr::Float(value) => value,
            Repr::NaN => f64::NAN,
            Repr::Infinity => f64::INFINITY,
            Repr::NegInfinity => f64::NEG_INFINITY,
        }
    }

    /// Whether this is NaN (the string `"NaN"`).
    #[must_use]
    pub const fn is_nan(&self) -> bool {
        matches!(self.repr, Repr::NaN)
    }

    /// Whether this is one of the infinities (the strings `"INF"` and `"-INF"`).
    #[must_use]
    pub const fn is_infinite(&self) -> bool {
        matches!(self.repr, Repr::Infinity | Repr::NegInfinity)
    }

    /// Whether this is a JSON number (neither NaN nor infinite).
    #[must_use]
    pub const fn is_finite(&self) -> bool {
        matches!(self.repr, Repr::Unsigned(_) | Repr::Negative(_) | Repr::Float(_))
    }

    /// Whether this is written as a JSON integer (`1`, not `1.0`).
    #[must_use]
    pub const fn is_integer(&self) -> bool {
        matches!(self.repr, Repr::Unsigned(_) | Repr::Negative(_))
    }

    /// The integer, if this is written as a JSON integer that fits an `i64`.
    #[must_use]
    pub const fn as_i64(&self) -> Option<i64> {
        match self.repr {
            Repr::Negative(value) => Some(value),
            Repr::Unsigned(value) if value <= i64::MAX as u64 => Some(value as i64),
            _ => None,
        }
    }

    /// The integer, if this is written as a non-negative JSON integer.
    #[must_use]
    pub const fn as_u64(&self) -> Option<u64> {
        match self.repr {
            Repr::Unsigned(value) => Some(value),
            _ => None,
        }
    }
}

/// Whether `text` is a JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`):
/// `Some(true)` for an integer (no fraction, no exponent), `Some(false)` for another number,
/// `None` for anything else.
fn json_number_shape(text: &str) -> Option<bool> {
    /// The length of the run of ASCII digits at the start of `bytes`.
    fn digits(bytes: &[u8]) -> usize {
        bytes.iter().take_while(|byte| byte.is_ascii_digit()).count()
    }
    let bytes = text.as_bytes();
    let mut rest = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let integer = digits(rest);
    if integer == 0 || (integer > 1 && rest.first() == Some(&b'0')) {
        return None;
    }
    rest = rest.get(integer..)?;
    let mut is_integer = true;
    if let Some(after) = rest.strip_prefix(b".") {
        let fraction = digits(after);
        if fraction == 0 {
            return None;
        }
        rest = after.get(fraction..)?;
        is_integer = false;
    }
    if let Some(after) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let after = after.strip_prefix(b"+").or_else(|| after.strip_prefix(b"-")).unwrap_or(after);
        let exponent = digits(after);
        if exponent == 0 {
            return None;
        }
        rest = after.get(exponent..)?;
        is_integer = false;
    }
    rest.is_empty().then_some(is_integer)
}

impl FromStr for Double {
    type Err = EdmParseError;

    /// Same as [`Double::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl From<f64> for Double {
    /// Same as [`Double::from_f64`].
    fn from(value: f64) -> Self {
        Self::from_f64(value)
    }
}

impl From<i64> for Double {
    /// Same as [`Double::from_i64`].
    fn from(value: i64) -> Self {
        Self::from_i64(value)
    }
}

impl From<i32> for Double {
    /// Same as [`Double::from_i64`].
    fn from(value: i32) -> Self {
        Self::from_i64(i64::from(value))
    }
}

impl From<u64> for Double {
    /// Same as [`Double::from_u64`].
    fn from(value: u64) -> Self {
        Self::from_u64(value)
    }
}

impl From<u32> for Double {
    /// Same as [`Double::from_u64`].
    fn from(value: u32) -> Self {
        Self::from_u64(u64::from(value))
    }
}

impl From<Double> for f64 {
    /// Same as [`Double::value`].
    fn from(value: Double) -> Self {
        value.value()
    }
}

impl PartialEq for Double {
    /// Whether both are written the same: same kind, same integer or same `f64` bits.
    fn eq(&self, other: &Self) -> bool {
        match (self.repr, other.repr) {
            (Repr::Unsigned(a), Repr::Unsigned(b)) => a == b,
            (Repr::Negative(a), Repr::Negative(b)) => a == b,
            (Repr::Float(a), Repr::Float(b)) => a.to_bits() == b.to_bits(),
            (Repr::NaN, Repr::NaN) | (Repr::Infinity, Repr::Infinity) | (Repr::NegInfinity, Repr::NegInfinity) => true,
            _ => false,
        }
    }
}

impl Eq for Double {}

impl Hash for Double {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self.repr {
            Repr::Unsigned(value) => (0_u8, value).hash(state),
            Repr::Negative(value) => (1_u8, value).hash(state),
            Repr::Float(value) => (2_u8, value.to_bits()).hash(state),
            Repr::NaN => 3_u8.hash(state),
            Repr::Infinity => 4_u8.hash(state),
            Repr::NegInfinity => 5_u8.hash(state),
        }
    }
}

impl fmt::Display for Double {
    /// Writes the value as JSON would, without the quotes of the strings: `1`, `-7`, `1.0`,
    /// `1e+300`, `-0.0`, `NaN`, `INF`, `-INF` (the same text as serde_json).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.repr {
            Repr::Unsigned(value) => fmt::Display::fmt(&value, f),
            Repr::Negative(value) => fmt::Display::fmt(&value, f),
            Repr::Float(value) => match serde_json::Number::from_f64(value) {
                Some(number) => f.pad(&number.to_string()),
                None => fmt::Debug::fmt(&value, f),
            },
            Repr::NaN => f.pad("NaN"),
            Repr::Infinity => f.pad("INF"),
            Repr::NegInfinity => f.pad("-INF"),
        }
    }
}

impl fmt::Debug for Double {
    /// Writes `Double(1)`, `Double(1.0)` or `Double("NaN")`: the JSON value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("Double");
        match self.repr {
            Repr::NaN => tuple.field(&"NaN"),
            Repr::Infinity => tuple.field(&"INF"),
            Repr::NegInfinity => tuple.field(&"-INF"),
            Repr::Unsigned(_) | Repr::Negative(_) | Repr::Float(_) => tuple.field(&format_args!("{self}")),
        };
        tuple.finish()
    }
}

impl Serialize for Double {
    /// Writes a JSON integer, a JSON number or one of the strings `"NaN"`, `"INF"` and `"-INF"`,
    /// as it was read.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.repr {
            Repr::Unsigned(value) => serializer.serialize_u64(value),
            Repr::Negative(value) => serializer.serialize_i64(value),
            Repr::Float(value) => serializer.serialize_f64(value),
            Repr::NaN => serializer.serialize_str("NaN"),
            Repr::Infinity => serializer.serialize_str("INF"),
            Repr::NegInfinity => serializer.serialize_str("-INF"),
        }
    }
}

impl<'de> Deserialize<'de> for Double {
    /// Accepts a JSON number, or one of the strings `"NaN"`, `"INF"` and `"-INF"`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DoubleVisitor)
    }
}

/// Serde visitor for [`Double`].
struct DoubleVisitor;

impl Visitor<'_> for DoubleVisitor {
    type Value = Double;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTING)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Double, E> {
        Ok(Double::from_u64(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Double, E> {
        Ok(Double::from_i64(value))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Double, E> {
        Ok(u64::try_from(value).map_or_else(|_| Double::from_f64(value as f64), Double::from_u64))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Double, E> {
        Ok(i64::try_from(value).map_or_else(|_| Double::from_f64(value as f64), Double::from_i64))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Double, E> {
        Ok(Double::from_f64(value))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Double, E> {
        match text {
            "NaN" => Ok(Double::NAN),
            "INF" => Ok(Double::INFINITY),
            "-INF" => Ok(Double::NEG_INFINITY),
            _ => Err(E::custom(EdmParseError::new(EDM_TYPE, text, NOT_A_DOUBLE))),
        }
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Double {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Double".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "cloudpki_runtime::edm::Double".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                {"type": "number"},
                {"type": "string", "enum": ["NaN", "INF", "-INF"]},
            ],
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::hash_map::DefaultHasher;

    fn read(json: &str) -> Double {
        serde_json::from_str(json).unwrap()
    }

    fn write(value: Double) -> String {
        serde_json::to_string(&value).unwrap()
    }

    fn hash_of(value: &Double) -> u64 {
        let mut hasher = DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    }

    /// JSON texts that are written back byte for byte.
    const EXACT: &[&str] = &[
        "0",
        "1",
        "-1",
        "42",
        "18446744073709551615",
        "-9223372036854775808",
        "0.0",
        "-0.0",
        "1.0",
        "1.5",
        "-1.5",
        "0.1",
        "1e+300",
        "-1e+300",
        "1e-300",
        "5e-324",
        "1.7976931348623157e+308",
        "2.2250738585072014e-308",
        "123456.789",
        "\"NaN\"",
        "\"INF\"",
        "\"-INF\"",
    ];

    #[test]
    fn kinds_are_kept() {
        for json in EXACT {
            let value = read(json);
            assert_eq!(write(value), *json);
            assert_eq!(read(&write(value)), value);
            assert_eq!(value.to_string(), json.trim_matches('"'));
            assert_eq!(Double::parse(&value.to_string()).unwrap(), value, "for {json}");
            let from_value: Double = serde_json::from_value(serde_json::from_str(json).unwrap()).unwrap();
            assert_eq!(from_value, value);
        }
        assert!(read("1").is_integer());
        assert!(!read("1.0").is_integer());
        assert_ne!(read("1"), read("1.0"));
        assert_ne!(read("0.0"), read("-0.0"));
        assert_eq!(read("1").value(), read("1.0").value());
        assert_eq!(read("1e300").value(), 1e300);
        assert!(read("-0.0").value().is_sign_negative());
        assert_eq!(format!("{:?}", read("1")), "Double(1)");
        assert_eq!(format!("{:?}", read("1.0")), "Double(1.0)");
        assert_eq!(format!("{:?}", read("\"NaN\"")), "Double(\"NaN\")");
    }

    #[test]
    fn same_number_other_spelling() {
        // The value is kept, not the spelling: the same JSON numbers come back.
        let cases: &[(&str, &str)] = &[
            ("1e300", "1e+300"),
            ("1.50", "1.5"),
            ("1E2", "100.0"),
            ("1e2", "100.0"),
            ("1.0e0", "1.0"),
            ("-0", "-0.0"),
            ("0e0", "0.0"),
            ("18446744073709551616", "1.8446744073709552e+19"),
            ("-9223372036854775809", "-9.223372036854776e+18"),
            ("1e-400", "0.0"),
            ("0.30000000000000004", "0.30000000000000004"),
        ];
        for (json, written) in cases {
            let value = read(json);
            assert_eq!(write(value), *written, "for {json}");
            assert_eq!(Double::parse(json).unwrap(), value, "for {json}");
            let original: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_value(value).unwrap(), original, "for {json}");
        }
    }

    #[test]
    fn specials() {
        assert!(Double::NAN.is_nan());
        assert!(Double::NAN.value().is_nan());
        assert_eq!(Double::NAN, Double::NAN);
        assert_eq!(hash_of(&Double::NAN), hash_of(&Double::from_f64(f64::NAN)));
        assert_eq!(Double::from_f64(f64::NAN), Double::NAN);
        assert_eq!(Double::from_f64(-f64::NAN), Double::NAN);
        assert_eq!(Double::from_f64(f64::INFINITY), Double::INFINITY);
        assert_eq!(Double::from_f64(f64::NEG_INFINITY), Double::NEG_INFINITY);
        assert_eq!(Double::INFINITY.value(), f64::INFINITY);
        assert_eq!(Double::NEG_INFINITY.value(), f64::NEG_INFINITY);
        assert!(Double::INFINITY.is_infinite() && !Double::INFINITY.is_finite());
        assert!(!Double::NAN.is_finite() && !Double::NAN.is_infinite());
        assert_eq!(write(Double::from_f64(f64::NAN)), "\"NaN\"");
        assert_eq!(write(Double::from_f64(f64::INFINITY)), "\"INF\"");
        assert_eq!(write(Double::from_f64(f64::NEG_INFINITY)), "\"-INF\"");
        assert_eq!(Double::parse("NaN").unwrap(), Double::NAN);
        assert_eq!(Double::parse("INF").unwrap(), Double::INFINITY);
        assert_eq!(Double::parse("-INF").unwrap(), Double::NEG_INFINITY);
    }

    #[test]
    fn constructors() {
        assert_eq!(write(Double::from_i64(5)), "5");
        assert_eq!(Double::from_i64(5), Double::from_u64(5));
        assert_eq!(hash_of(&Double::from_i64(5)), hash_of(&Double::from_u64(5)));
        assert_eq!(write(Double::from_i64(i64::MIN)), "-9223372036854775808");
        assert_eq!(write(Double::from(7_i32)), "7");
        assert_eq!(write(Double::from(7_u32)), "7");
        assert_eq!(write(Double::from(7_u64)), "7");
        assert_eq!(write(Double::from(-7_i64)), "-7");
        assert_eq!(write(Double::from(7.0)), "7.0");
        assert_eq!(write(Double::from_f64(0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(f64::from(Double::from(2.5)), 2.5);
        assert_eq!(Double::from_u64(u64::MAX).as_i64(), None);
        assert_eq!(Double::from_u64(u64::MAX).as_u64(), Some(u64::MAX));
        assert_eq!(Double::from_i64(-3).as_i64(), Some(-3));
        assert_eq!(Double::from_i64(-3).as_u64(), None);
        assert_eq!(Double::from_i64(3).as_i64(), Some(3));
        assert_eq!(Double::from_f64(3.0).as_i64(), None);
        assert_eq!(
            format!(
                "{:>5}|{:<5}|{:>6}|{:>5}",
                Double::from_u64(1),
                Double::from_i64(-1),
                Double::from(1.5),
                Double::NAN
            ),
            "    1|-1   |   1.5|  NaN"
        );
    }

    #[test]
    fn rejections() {
        let rejected = [
            "",
            "nan",
            "inf",
            "Infinity",
            "-Infinity",
            "+INF",
            "-NaN",
            "+1",
            "01",
            "-01",
            "1.",
            ".5",
            "1e",
            "1e+",
            "0x10",
            " 1",
            "1 ",
            "1_000",
            "1.5.5",
            "--1",
            "-",
            "e5",
            "１",
        ];
        for text in rejected {
            let err = Double::parse(text).unwrap_err();
            assert_eq!(err.edm_type(), "Edm.Double");
            assert_eq!(err.reason(), NOT_A_DOUBLE, "for {text:?}");
        }
        assert_eq!(Double::parse("1e400").unwrap_err().reason(), "number out of range of an f64");
        assert_eq!(Double::parse("-1e400").unwrap_err().reason(), "number out of range of an f64");
        assert_eq!(Double::parse("1.5e1").unwrap(), Double::from_f64(15.0));
        assert_eq!(Double::parse("-0").unwrap(), Double::from_f64(-0.0));
        assert_eq!(Double::parse("1E+2").unwrap(), Double::from_f64(100.0));
        assert_eq!(Double::parse("1e-2").unwrap(), Double::from_f64(0.01));
    }

    #[test]
    fn error_messages() {
        let err = serde_json::from_str::<Double>(r#""1.5""#).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid Edm.Double `1.5`: expected a JSON number or one of the strings `NaN`, `INF` and `-INF` at line 1 column 5"
        );
        let err = serde_json::from_str::<Double>(r#""Infinity""#).unwrap_err().to_string();
        assert!(err.starts_with("invalid Edm.Double `Infinity`: expected a JSON number"), "{err}");
        let err = serde_json::from_str::<Double>("true").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid type: boolean `true`, expected an Edm.Double (a JSON number, or one of the strings \"NaN\", \
             \"INF\" and \"-INF\") at line 1 column 4"
        );
        let err = serde_json::from_str::<Double>("null").unwrap_err().to_string();
        assert!(err.starts_with("invalid type: null, expected an Edm.Double"), "{err}");
        let err = serde_json::from_str::<Double>("[1]").unwrap_err().to_string();
        assert!(err.starts_with("invalid type: sequence, expected an Edm.Double"), "{err}");
        let long = format!("\"{}\"", "x".repeat(100));
        let err = serde_json::from_str::<Double>(&long).unwrap_err().to_string();
        assert!(err.starts_with(&format!("invalid Edm.Double `{}…` (100 bytes): ", "x".repeat(64))), "{err}");
    }

    #[test]
    fn in_a_document() {
        let json = r#"{"a":1,"b":1.0,"c":1e+300,"d":-0.0,"e":"NaN","f":"INF","g":"-INF","h":[0,-5,2.5]}"#;
        let value: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_str(json).unwrap();
        let doubles: std::collections::BTreeMap<String, Double> = value
            .iter()
            .filter(|(key, _)| key.as_str() != "h")
            .map(|(key, item)| (key.clone(), serde_json::from_value(item.clone()).unwrap()))
            .collect();
        assert_eq!(
            serde_json::to_string(&doubles).unwrap(),
            r#"{"a":1,"b":1.0,"c":1e+300,"d":-0.0,"e":"NaN","f":"INF","g":"-INF"}"#
        );
        let list: Vec<Double> = serde_json::from_str("[0,-5,2.5]").unwrap();
        assert_eq!(serde_json::to_string(&list).unwrap(), "[0,-5,2.5]");
    }

    proptest! {
        #[test]
        fn floats_round_trip(value in any::<f64>()) {
            let double = Double::from_f64(value);
            let json = write(double);
            let back = read(&json);
            prop_assert_eq!(back, double);
            prop_assert_eq!(write(back), json.clone());
            if value.is_nan() {
                prop_assert!(back.value().is_nan());
            } else {
                prop_assert_eq!(back.value().to_bits(), value.to_bits());
                // The text serde_json writes for the f64 is what Double writes.
                prop_assert_eq!(&json, &serde_json::to_string(&value).unwrap());
            }
            prop_assert_eq!(Double::parse(&double.to_string()).unwrap(), double);
        }

        #[test]
        fn integers_round_trip(signed in any::<i64>(), unsigned in any::<u64>()) {
            for (double, text) in [(Double::from_i64(signed), signed.to_string()), (Double::from_u64(unsigned), unsigned.to_string())] {
                prop_assert_eq!(&write(double), &text);
                prop_assert_eq!(read(&text), double);
                prop_assert_eq!(Double::parse(&text).unwrap(), double);
                prop_assert!(double.is_integer());
            }
        }

        #[test]
        fn json_numbers_keep_their_value(text in "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?") {
            let original: Result<serde_json::Value, _> = serde_json::from_str(&text);
            let parsed = Double::parse(&text);
            match original {
                Ok(original) => {
                    let double: Double = serde_json::from_value(original.clone()).unwrap();
                    prop_assert_eq!(parsed.unwrap(), double);
                    prop_assert_eq!(serde_json::to_value(double).unwrap(), original.clone());
                    prop_assert_eq!(serde_json::from_str::<serde_json::Value>(&write(double)).unwrap(), original);
                }
                Err(_) => prop_assert!(parsed.is_err()),
            }
        }

        #[test]
        fn never_panics(text in "\\PC{0,30}") {
            if let Ok(value) = Double::parse(&text) {
                prop_assert_eq!(Double::parse(&value.to_string()).unwrap(), value);
            }
        }
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn json_schema() {
        use schemars::JsonSchema;
        assert!(Double::inline_schema());
        assert_eq!(Double::schema_name(), "Double");
        let mut generator = schemars::SchemaGenerator::default();
        assert_eq!(
            Double::json_schema(&mut generator),
            schemars::json_schema!({
                "anyOf": [{"type": "number"}, {"type": "string", "enum": ["NaN", "INF", "-INF"]}],
            })
        );
    }
}
