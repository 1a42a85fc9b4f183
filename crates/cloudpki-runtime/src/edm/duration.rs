//! [`Duration`]: an OData `Edm.Duration` (an ISO 8601 day-time duration) that keeps its exact
//! spelling.

use std::str::FromStr;

use super::{EdmParseError, EdmText, digit_value};

/// The EDM type name, for error messages.
const EDM_TYPE: &str = "Edm.Duration";

/// Why a text is not a [`Duration`].
const SHAPE: &str = "expected an ISO 8601 day-time duration [-]P[nD][T[nH][nM][n[.n]S]] with at least one component";

/// An OData `Edm.Duration`: an ISO 8601 day-time duration, kept exactly as written.
///
/// # Accepted text
///
/// `[-]P[nD][T[nH][nM][n[.f]S]]` as OData defines it (see [`Duration::PATTERN`]): an optional
/// `-`, `P`, then days, hours, minutes and seconds in this order, each an unsigned decimal
/// number of any length followed by its letter (upper case), the seconds optionally with `.`
/// and a fraction of any length. At least one component must be present, and `T` is written
/// exactly when a time component follows it. The numbers are not limited to their usual ranges
/// (`PT36H` and `PT90M` are valid) and leading zeros are allowed. Examples: `P1D`, `PT0S`,
/// `PT36H`, `P1DT12H`, `-P1DT2H3M4.5S`, `PT0.000001S`. Years, months and weeks (`P1Y`, `P1M`,
/// `P1W`) are not day-time durations and are rejected, and so are a leading `+` (which XML
/// Schema, and .NET, do not write), lower-case letters, `,` as the decimal separator, and
/// fractions on days, hours or minutes.
///
/// # Lossless
///
/// The text is kept as written: [`Display`](std::fmt::Display), [`as_str`](Self::as_str) and
/// [`Serialize`](serde::Serialize) give back `PT36H` as `PT36H` (not `P1DT12H`) and `PT1.50S` with its trailing
/// zero. [`PartialEq`], [`Eq`] and [`Hash`] compare the text: `PT36H` and `P1DT12H` are *not*
/// equal; compare [`to_std`](Self::to_std) to compare lengths.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Duration {
    /// The text: a validated duration.
    text: String,
}

/// The parts of a duration text, as the digit strings written (empty when absent).
struct Components<'a> {
    /// Whether the text starts with `-`.
    negative: bool,
    /// The digits of the days.
    days: &'a str,
    /// The digits of the hours.
    hours: &'a str,
    /// The digits of the minutes.
    minutes: &'a str,
    /// The digits of the whole seconds.
    seconds: &'a str,
    /// The digits of the fraction of a second (after `.`).
    fraction: &'a str,
}

impl<'a> Components<'a> {
    /// Splits `text` into its parts, or `None` if it is not a duration.
    fn parse(text: &'a str) -> Option<Self> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let rest = rest.strip_prefix('P')?;
        let (date, time) = match rest.split_once('T') {
            Some((date, time)) => (date, Some(time)),
            None => (rest, None),
        };
        let mut parts = Self { negative, days: "", hours: "", minutes: "", seconds: "", fraction: "" };
        if !date.is_empty() {
            parts.days = date.strip_suffix('D').filter(|days| is_digits(days))?;
        }
        if let Some(mut time) = time {
            if time.is_empty() {
                return None;
            }
            if let Some((hours, rest)) = split_number(time, 'H') {
                parts.hours = hours;
                time = rest;
            }
            if let Some((minutes, rest)) = split_number(time, 'M') {
                parts.minutes = minutes;
                time = rest;
            }
            if !time.is_empty() {
                let seconds = time.strip_suffix('S')?;
                let (whole, fraction) = match seconds.split_once('.') {
                    Some((whole, fraction)) => (whole, Some(fraction)),
                    None => (seconds, None),
                };
                if !is_digits(whole) || fraction.is_some_and(|fraction| !is_digits(fraction)) {
                    return None;
                }
                parts.seconds = whole;
                parts.fraction = fraction.unwrap_or_default();
            }
        } else if date.is_empty() {
            return None;
        }
        Some(parts)
    }

    /// The length, or `None` if it does not fit a [`std::time::Duration`]. Fractional digits
    /// after the ninth are dropped.
    fn magnitude(&self) -> Option<std::time::Duration> {
        let mut seconds = 0_u64;
        for (digits, unit) in [(self.days, 86_400), (self.hours, 3_600), (self.minutes, 60), (self.seconds, 1)] {
            seconds = seconds.checked_add(parse_u64(digits)?.checked_mul(unit)?)?;
        }
        let mut nanoseconds = 0_u32;
        for position in 0..9 {
            let digit = self.fraction.as_bytes().get(position).and_then(|byte| digit_value(*byte)).unwrap_or(0);
            nanoseconds = nanoseconds * 10 + digit;
        }
        Some(std::time::Duration::new(seconds, nanoseconds))
    }

    /// The length in seconds, rounded to an `f64` (infinite if it is too large for one).
    fn seconds_f64(&self) -> f64 {
        let magnitude = match self.magnitude() {
            Some(magnitude) => {
                // Add the digits beyond the nanoseconds, which `magnitude` dropped.
                let beyond = self
                    .fraction
                    .get(9..)
                    .filter(|rest| !rest.is_empty())
                    .map_or(0.0, |rest| format!("0.{rest}").parse::<f64>().unwrap_or(0.0) * 1e-9);
                magnitude.as_secs_f64() + beyond
            }
            None => {
                let number =
                    |digits: &str| if digits.is_empty() { 0.0 } else { digits.parse::<f64>().unwrap_or(f64::INFINITY) };
                number(self.days) * 86_400.0
                    + number(self.hours) * 3_600.0
                    + number(self.minutes) * 60.0
                    + number(self.seconds)
            }
        };
        if self.negative { -magnitude } else { magnitude }
    }
}

/// Whether `text` is one or more ASCII digits.
fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Splits a leading `digits` `unit` off `text`, if `text` starts that way.
fn split_number(text: &str, unit: char) -> Option<(&str, &str)> {
    let end = text.find(|c: char| !c.is_ascii_digit())?;
    let (digits, rest) = text.split_at(end);
    let rest = rest.strip_prefix(unit)?;
    (!digits.is_empty()).then_some((digits, rest))
}

/// The value of a string of ASCII digits (empty is zero), or `None` if it exceeds `u64`.
fn parse_u64(digits: &str) -> Option<u64> {
    digits.bytes().try_fold(0_u64, |value, byte| value.checked_mul(10)?.checked_add(u64::from(digit_value(byte)?)))
}

impl Duration {
    /// The ECMA-262 regular expression that matches exactly the texts [`Duration::parse`]
    /// accepts.
    pub const PATTERN: &'static str = r"^-?P([0-9]+D|([0-9]+D)?T([0-9]+H([0-9]+M)?([0-9]+(\.[0-9]+)?S)?|[0-9]+M([0-9]+(\.[0-9]+)?S)?|[0-9]+(\.[0-9]+)?S))$";

    /// Parses an `Edm.Duration`, keeping its exact spelling.
    ///
    /// # Errors
    ///
    /// Returns an [`EdmParseError`] when `text` does not follow the grammar described on
    /// [`Duration`]. Never panics, whatever the input.
    pub fn parse(text: &str) -> Result<Self, EdmParseError> {
        check(text)?;
        Ok(Self { text: text.to_owned() })
    }

    /// The duration of `duration`, spelt the way .NET writes a `TimeSpan` (`XmlConvert`): days,
    /// hours, minutes and seconds with the zero ones left out, the fraction without trailing
    /// zeros, and `PT0S` for zero. For example 93 784.5 seconds is `P1DT2H3M4.5S`.
    #[must_use]
    pub fn from_std(duration: std::time::Duration) -> Self {
        let total = duration.as_secs();
        let (days, hours, minutes, seconds) = (total / 86_400, total / 3_600 % 24, total / 60 % 60, total % 60);
        let nanoseconds = duration.subsec_nanos();
        let mut text = String::from("P");
        if days > 0 {
            text.push_str(&days.to_string());
            text.push('D');
        }
        if hours > 0 || minutes > 0 || seconds > 0 || nanoseconds > 0 || days == 0 {
            text.push('T');
            if hours > 0 {
                text.push_str(&hours.to_string());
                text.push('H');
            }
            if minutes > 0 {
                text.push_str(&minutes.to_string());
                text.push('M');
            }
            if seconds > 0 || nanoseconds > 0 || (hours == 0 && minutes == 0) {
                text.push_str(&seconds.to_string());
                if nanoseconds > 0 {
                    let fraction = format!("{nanoseconds:09}");
                    text.push('.');
                    text.push_str(fraction.trim_end_matches('0'));
                }
                text.push('S');
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

    /// Whether the text starts with `-`. This is also true of a negative zero such as `-PT0S`,
    /// which the text keeps (and [`to_std`](Self::to_std) turns into zero).
    #[must_use]
    pub fn is_negative(&self) -> bool {
        self.text.starts_with('-')
    }

    /// The length as a [`std::time::Duration`], fractional digits after the ninth dropped
    /// (truncated, not rounded).
    ///
    /// Returns `None` when the duration is below zero (a negative zero such as `-PT0S` gives
    /// [`std::time::Duration::ZERO`]), or when it is too long for a [`std::time::Duration`]
    /// (more than `u64::MAX` seconds).
    #[must_use]
    pub fn to_std(&self) -> Option<std::time::Duration> {
        let parts = Components::parse(&self.text)?;
        let magnitude = parts.magnitude()?;
        (!parts.negative || magnitude.is_zero()).then_some(magnitude)
    }

    /// The length in seconds, negative for a negative duration, rounded to an `f64` (so very
    /// precise texts lose digits); infinite for a text too long for an `f64`. `-PT0S` gives
    /// `-0.0`.
    #[must_use]
    pub fn total_seconds_f64(&self) -> f64 {
        Components::parse(&self.text).map_or(0.0, |parts| parts.seconds_f64())
    }
}

/// Checks that `text` is a duration.
fn check(text: &str) -> Result<(), EdmParseError> {
    match Components::parse(text) {
        Some(_) => Ok(()),
        None => Err(EdmParseError::new(EDM_TYPE, text, SHAPE)),
    }
}

impl EdmText for Duration {
    type Error = EdmParseError;

    const EXPECTING: &'static str = "an Edm.Duration (ISO 8601 day-time duration such as P1DT2H3M4.5S)";

    fn parse_text(text: &str) -> Result<Self, EdmParseError> {
        Self::parse(text)
    }

    fn parse_owned(text: String) -> Result<Self, EdmParseError> {
        check(&text)?;
        Ok(Self { text })
    }
}

impl FromStr for Duration {
    type Err = EdmParseError;

    /// Same as [`Duration::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Duration {
    type Error = EdmParseError;

    /// Same as [`Duration::parse`], keeping the allocation.
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse_owned(text)
    }
}

impl From<std::time::Duration> for Duration {
    /// Same as [`Duration::from_std`].
    fn from(duration: std::time::Duration) -> Self {
        Self::from_std(duration)
    }
}

super::text_type_impls!(Duration);

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Duration {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "cloudpki_runtime::edm::Duration".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "duration",
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
    use std::time::Duration as Std;

    /// Texts [`Duration::parse`] accepts, with their length in seconds and nanoseconds (`None`
    /// when below zero).
    const ACCEPTED: &[(&str, Option<(u64, u32)>)] = &[
        ("P1D", Some((86_400, 0))),
        ("PT0S", Some((0, 0))),
        ("-PT0S", Some((0, 0))),
        ("PT36H", Some((129_600, 0))),
        ("PT90M", Some((5_400, 0))),
        ("P1DT12H", Some((129_600, 0))),
        ("-P1DT2H3M4.5S", None),
        ("P1DT2H3M4.5S", Some((93_784, 500_000_000))),
        ("PT1.50S", Some((1, 500_000_000))),
        ("PT0.000000001S", Some((0, 1))),
        ("PT0.0000000019S", Some((0, 1))),
        ("PT1H1S", Some((3_601, 0))),
        ("PT1M1S", Some((61, 0))),
        ("PT1H1M", Some((3_660, 0))),
        ("P0D", Some((0, 0))),
        ("P01DT001H", Some((90_000, 0))),
        ("P0DT0H0M0.0S", Some((0, 0))),
        ("PT18446744073709551615S", Some((u64::MAX, 0))),
        ("P213503982334601D", Some((18_446_744_073_709_526_400, 0))),
    ];

    /// Texts [`Duration::parse`] rejects.
    const REJECTED: &[&str] = &[
        "",
        "P",
        "-P",
        "PT",
        "P1DT",
        "-",
        "1D",
        "T1H",
        "+P1D",
        "--P1D",
        "p1d",
        "P1d",
        "PT1h",
        "P1Y",
        "P1M",
        "P1W",
        "P1Y2M3D",
        "P1.5D",
        "PT1.5H",
        "PT1.5M",
        "PT1,5S",
        "PT.5S",
        "PT1.S",
        "PT1",
        "PTS",
        "PT1S1M",
        "PT1M1H",
        "P1DT1H1M1S1S",
        "PT1H1H",
        "P1D1D",
        "PT1DT",
        "PT1D",
        "P1DT1D",
        "P T1H",
        " PT1H",
        "PT1H ",
        "PT1H\n",
        "PT-1H",
        "P-1D",
        "PT1H-1M",
        "PT1HT1M",
        "P1DTT1H",
        "PT１H",
        "PT1éS",
    ];

    #[test]
    fn accepted_and_rejected() {
        for (text, length) in ACCEPTED {
            let value = Duration::parse(text).unwrap();
            assert_eq!(value.as_str(), *text);
            assert_eq!(value.to_string(), *text);
            assert_eq!(
                value.to_std(),
                length.map(|(seconds, nanoseconds)| Std::new(seconds, nanoseconds)),
                "for {text}"
            );
            assert_eq!(value.is_negative(), text.starts_with('-'));
            assert_eq!(text.parse::<Duration>().unwrap(), value);
            assert_eq!(Duration::try_from((*text).to_owned()).unwrap(), value);
            assert_eq!(format!("{value:?}"), format!("Duration({text:?})"));
        }
        for text in REJECTED {
            let err = Duration::parse(text).unwrap_err();
            assert_eq!(err.edm_type(), "Edm.Duration", "for {text:?}");
            assert_eq!(err.reason(), SHAPE, "for {text:?}");
        }
    }

    #[test]
    fn lengths() {
        let seconds = |text: &str| Duration::parse(text).unwrap().total_seconds_f64();
        assert_eq!(seconds("P1DT2H3M4.5S"), 93_784.5);
        assert_eq!(seconds("-P1DT2H3M4.5S"), -93_784.5);
        assert_eq!(seconds("PT0.25S"), 0.25);
        assert_eq!(seconds("PT0S"), 0.0);
        assert!(seconds("-PT0S").is_sign_negative());
        assert_eq!(seconds("PT0.0000000005S"), 5e-10);
        assert_eq!(seconds("PT18446744073709551616S"), 18_446_744_073_709_551_616.0);
        assert_eq!(seconds("P18446744073709551616D"), 18_446_744_073_709_551_616.0 * 86_400.0);
        assert_eq!(seconds(&format!("PT{}S", "9".repeat(400))), f64::INFINITY);
        assert_eq!(seconds(&format!("-PT{}S", "9".repeat(400))), f64::NEG_INFINITY);

        // Too long for `std::time::Duration`.
        let too_long = ["PT18446744073709551616S", "P213503982334602D", "PT18446744073709551615.5S"];
        for text in too_long {
            let value = Duration::parse(text).unwrap();
            if text.ends_with(".5S") {
                assert_eq!(value.to_std(), Some(Std::new(u64::MAX, 500_000_000)));
            } else {
                assert_eq!(value.to_std(), None, "for {text}");
            }
        }
        assert_eq!(Duration::parse("PT18446744073709551615S1").ok(), None);
        assert_eq!(Duration::parse("P213503982334601DT7H15S").unwrap().to_std(), Some(Std::from_secs(u64::MAX)));
        assert_eq!(Duration::parse("P213503982334601DT7H16S").unwrap().to_std(), None);
    }

    #[test]
    fn from_std() {
        let cases: &[(Std, &str)] = &[
            (Std::ZERO, "PT0S"),
            (Std::from_secs(1), "PT1S"),
            (Std::from_secs(60), "PT1M"),
            (Std::from_secs(3_600), "PT1H"),
            (Std::from_secs(86_400), "P1D"),
            (Std::from_secs(129_600), "P1DT12H"),
            (Std::new(93_784, 500_000_000), "P1DT2H3M4.5S"),
            (Std::new(0, 1), "PT0.000000001S"),
            (Std::new(86_400, 1), "P1DT0.000000001S"),
            (Std::from_secs(3_601), "PT1H1S"),
            (Std::new(u64::MAX, 999_999_999), "P213503982334601DT7H15.999999999S"),
        ];
        for (duration, text) in cases {
            let value = Duration::from(*duration);
            assert_eq!(value.as_str(), *text);
            assert_eq!(Duration::parse(text).unwrap(), value);
            assert_eq!(value.to_std(), Some(*duration));
            assert_eq!(value.clone().into_string(), *text);
        }
    }

    #[test]
    fn serde_round_trips_exactly() {
        for (text, _) in ACCEPTED {
            let json = format!("\"{text}\"");
            let value: Duration = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            let from_value: Duration = serde_json::from_value(serde_json::Value::String((*text).to_owned())).unwrap();
            assert_eq!(from_value, value);
        }
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            Duration::parse("P1Y").unwrap_err().to_string(),
            "invalid Edm.Duration `P1Y`: expected an ISO 8601 day-time duration [-]P[nD][T[nH][nM][n[.n]S]] with at \
             least one component"
        );
        let err = serde_json::from_str::<Duration>(r#""PT""#).unwrap_err().to_string();
        assert!(err.starts_with("invalid Edm.Duration `PT`: expected an ISO 8601"), "{err}");
        assert!(err.ends_with("at line 1 column 4"), "{err}");
        let err = serde_json::from_str::<Duration>("3600").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid type: integer `3600`, expected an Edm.Duration (ISO 8601 day-time duration such as \
             P1DT2H3M4.5S) at line 1 column 4"
        );
    }

    #[test]
    fn never_panics() {
        for text in random_texts("0123456789PTDHMS.-PTDHMS.-YWé", 16, 50_000) {
            if let Ok(value) = Duration::parse(&text) {
                assert_eq!(value.as_str(), text);
                let _ = value.to_std();
                let _ = value.total_seconds_f64();
            }
        }
    }

    proptest! {
        #[test]
        fn pattern_matches_are_accepted(text in matching(Duration::PATTERN)) {
            let value = Duration::parse(&text).unwrap();
            prop_assert_eq!(value.as_str(), &text);
            let json = serde_json::to_string(&value).unwrap();
            prop_assert_eq!(&json, &format!("\"{text}\""));
            prop_assert_eq!(serde_json::from_str::<Duration>(&json).unwrap(), value.clone());
            let _ = value.to_std();
            prop_assert!(!value.total_seconds_f64().is_nan());
        }

        #[test]
        fn std_durations_round_trip(seconds in any::<u64>(), nanoseconds in 0_u32..1_000_000_000) {
            let duration = Std::new(seconds, nanoseconds);
            let value = Duration::from_std(duration);
            prop_assert_eq!(value.to_std(), Some(duration));
            prop_assert_eq!(Duration::parse(value.as_str()).unwrap(), value);
        }

        #[test]
        fn components_add_up(
            negative in any::<bool>(),
            days in proptest::option::of(0_u64..100_000),
            hours in proptest::option::of(0_u64..100_000),
            minutes in proptest::option::of(0_u64..100_000),
            seconds in proptest::option::of((0_u64..100_000, proptest::option::of("[0-9]{1,15}"))),
        ) {
            let mut text = String::from(if negative { "-P" } else { "P" });
            if let Some(days) = days {
                text.push_str(&format!("{days}D"));
            }
            if hours.is_some() || minutes.is_some() || seconds.is_some() {
                text.push('T');
            }
            if let Some(hours) = hours {
                text.push_str(&format!("{hours}H"));
            }
            if let Some(minutes) = minutes {
                text.push_str(&format!("{minutes}M"));
            }
            let mut nanoseconds = 0;
            if let Some((whole, fraction)) = &seconds {
                text.push_str(&whole.to_string());
                if let Some(fraction) = fraction {
                    text.push('.');
                    text.push_str(fraction);
                    nanoseconds = format!("{fraction:0<9}")[..9].parse::<u32>().unwrap();
                }
                text.push('S');
            }
            let parsed = Duration::parse(&text);
            if days.is_none() && hours.is_none() && minutes.is_none() && seconds.is_none() {
                prop_assert!(parsed.is_err());
            } else {
                let value = parsed.unwrap();
                let total = days.unwrap_or(0) * 86_400 + hours.unwrap_or(0) * 3_600 + minutes.unwrap_or(0) * 60
                    + seconds.as_ref().map_or(0, |(whole, _)| *whole);
                let expected = Std::new(total, nanoseconds);
                if negative && !expected.is_zero() {
                    prop_assert_eq!(value.to_std(), None);
                } else {
                    prop_assert_eq!(value.to_std(), Some(expected));
                }
                let seconds_f64 = value.total_seconds_f64();
                prop_assert!((seconds_f64.abs() - expected.as_secs_f64()).abs() <= 1e-6 * expected.as_secs_f64().max(1.0));
                prop_assert_eq!(seconds_f64.is_sign_negative(), negative);
            }
        }
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn json_schema() {
        use schemars::JsonSchema;
        assert!(Duration::inline_schema());
        assert_eq!(Duration::schema_name(), "Duration");
        let mut generator = schemars::SchemaGenerator::default();
        assert_eq!(
            Duration::json_schema(&mut generator),
            schemars::json_schema!({"type": "string", "format": "duration", "pattern": Duration::PATTERN})
        );
    }
}
