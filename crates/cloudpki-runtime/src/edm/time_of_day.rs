//! [`TimeOfDay`]: an OData `Edm.TimeOfDay` that keeps its exact spelling.

use std::str::FromStr;

use chrono::{NaiveTime, Timelike};

use super::{EdmParseError, EdmText, ascii_str, digit_value, two_digits};

/// The EDM type name, for error messages.
const EDM_TYPE: &str = "Edm.TimeOfDay";

/// Why a text does not have the shape of a [`TimeOfDay`].
const SHAPE: &str = "expected hh:mm, hh:mm:ss or hh:mm:ss.f with 1 to 12 fractional digits";

/// The most fractional digits OData allows.
const MAX_FRACTION_DIGITS: usize = 12;

/// The longest text: `hh:mm:ss.ffffffffffff`.
const MAX_LEN: usize = 9 + MAX_FRACTION_DIGITS;

/// An OData `Edm.TimeOfDay` (a time of day without date or offset) that keeps its exact
/// spelling.
///
/// # Accepted text
///
/// `hh:mm`, `hh:mm:ss`, or `hh:mm:ss.` followed by 1 to 12 fractional digits, with hours `00`
/// to `23` and minutes and seconds `00` to `59` (no leap second `60`); see
/// [`TimeOfDay::PATTERN`].
///
/// # Lossless
///
/// The text is kept as written: [`Display`](std::fmt::Display), [`as_str`](Self::as_str) and
/// [`Serialize`](serde::Serialize) give back `12:00`, `12:00:00` or `12:00:00.000` as they were, and all 12
/// fractional digits even though [`to_naive_time`](Self::to_naive_time) keeps nanoseconds only.
///
/// # Equality and ordering
///
/// [`PartialEq`], [`Eq`] and [`Hash`] compare the **exact text**: `12:00` and `12:00:00` are
/// *not* equal; compare [`to_naive_time`](Self::to_naive_time) to compare times. [`Ord`] sorts
/// by time (to the nanosecond) first and by text second, so it is consistent with [`Eq`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeOfDay {
    /// The time, fractional digits after the ninth dropped (first, for the derived order).
    time: NaiveTime,
    /// The text (validated ASCII) in the first `len` bytes, zeros after.
    text: [u8; MAX_LEN],
    /// The length of the text.
    len: u8,
}

impl TimeOfDay {
    /// The ECMA-262 regular expression that matches exactly the texts [`TimeOfDay::parse`]
    /// accepts.
    ///
    /// (The schema of [`TimeOfDay`] has no `format`: JSON Schema's `time` format requires an
    /// offset, which `Edm.TimeOfDay` does not have.)
    pub const PATTERN: &'static str = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,12})?)?$";

    /// Parses an `Edm.TimeOfDay`, keeping its exact spelling.
    ///
    /// # Errors
    ///
    /// Returns an [`EdmParseError`] saying what is wrong when `text` does not follow the grammar
    /// described on [`TimeOfDay`]. Never panics, whatever the input.
    pub fn parse(text: &str) -> Result<Self, EdmParseError> {
        let error = |reason: String| EdmParseError::new(EDM_TYPE, text, reason);
        let bytes = text.as_bytes();
        let (hour, minute, rest) = match bytes {
            [h0, h1, b':', m0, m1, rest @ ..] => (two_digits(&[*h0, *h1]), two_digits(&[*m0, *m1]), rest),
            _ => return Err(error(SHAPE.to_owned())),
        };
        let (second, fraction) = match rest {
            [] => (Some(0), &[][..]),
            [b':', s0, s1] => (two_digits(&[*s0, *s1]), &[][..]),
            [b':', s0, s1, b'.', fraction @ ..] if !fraction.is_empty() => (two_digits(&[*s0, *s1]), fraction),
            _ => return Err(error(SHAPE.to_owned())),
        };
        let (Some(hour), Some(minute), Some(second)) = (hour, minute, second) else {
            return Err(error(SHAPE.to_owned()));
        };
        let mut nanosecond = 0_u32;
        for (index, byte) in fraction.iter().enumerate() {
            let digit = digit_value(*byte).ok_or_else(|| error(SHAPE.to_owned()))?;
            if index < 9 {
                nanosecond = nanosecond * 10 + digit;
            }
        }
        if fraction.len() > MAX_FRACTION_DIGITS {
            return Err(error(format!("more than 12 fractional digits (found {})", fraction.len())));
        }
        for _ in fraction.len()..9 {
            nanosecond *= 10;
        }
        if hour > 23 {
            return Err(error(format!("hour {hour:02} is out of range (expected 00 to 23)")));
        }
        if minute > 59 {
            return Err(error(format!("minute {minute:02} is out of range (expected 00 to 59)")));
        }
        if second > 59 {
            return Err(error(format!(
                "second {second:02} is out of range (expected 00 to 59; leap seconds are not accepted)"
            )));
        }
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanosecond)
            .ok_or_else(|| error("time out of range".to_owned()))?;
        let mut buffer = [0; MAX_LEN];
        let len = bytes.len();
        buffer.get_mut(..len).ok_or_else(|| error(SHAPE.to_owned()))?.copy_from_slice(bytes);
        // At most MAX_LEN (21): checked by `get_mut` above.
        Ok(Self { time, text: buffer, len: len as u8 })
    }

    /// The time of `time`, spelt in Graph's own style: `hh:mm:ss`, then no fractional digits
    /// when the nanoseconds are zero, 7 when they are a multiple of 100, 9 otherwise. A leap
    /// second (which the text cannot spell) is kept as `:59.999999999`.
    #[must_use]
    pub fn from_naive_time(time: NaiveTime) -> Self {
        let time =
            if time.nanosecond() >= 1_000_000_000 { time.with_nanosecond(999_999_999).unwrap_or(time) } else { time };
        let nanosecond = time.nanosecond();
        let mut text = format!("{:02}:{:02}:{:02}", time.hour(), time.minute(), time.second());
        if nanosecond != 0 {
            if nanosecond.is_multiple_of(100) {
                text.push_str(&format!(".{:07}", nanosecond / 100));
            } else {
                text.push_str(&format!(".{nanosecond:09}"));
            }
        }
        let mut buffer = [0; MAX_LEN];
        let len = text.len().min(MAX_LEN);
        if let (Some(slot), Some(source)) = (buffer.get_mut(..len), text.as_bytes().get(..len)) {
            slot.copy_from_slice(source);
        }
        // At most MAX_LEN (21).
        Self { time, text: buffer, len: len as u8 }
    }

    /// The exact text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        ascii_str(self.text.get(..usize::from(self.len)).unwrap_or_default())
    }

    /// The time, for `chrono`. `chrono` keeps nanoseconds: fractional digits after the ninth
    /// are dropped (truncated, not rounded), so `12:00:00.123456789999` gives
    /// `12:00:00.123456789`. [`as_str`](Self::as_str) still has all of them.
    #[must_use]
    pub fn to_naive_time(&self) -> NaiveTime {
        self.time
    }
}

impl EdmText for TimeOfDay {
    type Error = EdmParseError;

    const EXPECTING: &'static str = "an Edm.TimeOfDay (hh:mm, hh:mm:ss or hh:mm:ss.f with 1 to 12 fractional digits)";

    fn parse_text(text: &str) -> Result<Self, EdmParseError> {
        Self::parse(text)
    }
}

impl FromStr for TimeOfDay {
    type Err = EdmParseError;

    /// Same as [`TimeOfDay::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl From<NaiveTime> for TimeOfDay {
    /// Same as [`TimeOfDay::from_naive_time`].
    fn from(time: NaiveTime) -> Self {
        Self::from_naive_time(time)
    }
}

impl From<TimeOfDay> for NaiveTime {
    /// Same as [`TimeOfDay::to_naive_time`].
    fn from(value: TimeOfDay) -> Self {
        value.time
    }
}

super::text_type_impls!(TimeOfDay);

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for TimeOfDay {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TimeOfDay".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "cloudpki_runtime::edm::TimeOfDay".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
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

    /// Texts [`TimeOfDay::parse`] accepts, with hour, minute, second and nanosecond.
    const ACCEPTED: &[(&str, [u32; 4])] = &[
        ("00:00", [0, 0, 0, 0]),
        ("23:59", [23, 59, 0, 0]),
        ("13:52:25", [13, 52, 25, 0]),
        ("13:52:25.5", [13, 52, 25, 500_000_000]),
        ("13:52:25.000", [13, 52, 25, 0]),
        ("13:52:25.3292251", [13, 52, 25, 329_225_100]),
        ("23:59:59.999999999", [23, 59, 59, 999_999_999]),
        ("23:59:59.999999999999", [23, 59, 59, 999_999_999]),
        ("12:00:00.123456789123", [12, 0, 0, 123_456_789]),
        ("09:05:07.000000000001", [9, 5, 7, 0]),
        ("19:00:00", [19, 0, 0, 0]),
        ("20:30", [20, 30, 0, 0]),
    ];

    /// Texts [`TimeOfDay::parse`] rejects, with the reason.
    const REJECTED: &[(&str, &str)] = &[
        ("", SHAPE),
        ("1", SHAPE),
        ("12", SHAPE),
        ("12:0", SHAPE),
        ("1:00", SHAPE),
        ("12:00:", SHAPE),
        ("12:00:0", SHAPE),
        ("12:00:00.", SHAPE),
        ("12:00:00.5Z", SHAPE),
        ("12:00:00Z", SHAPE),
        ("12:00:00+01:00", SHAPE),
        ("12:00.5", SHAPE),
        ("12-00-00", SHAPE),
        ("T12:00:00", SHAPE),
        (" 12:00", SHAPE),
        ("12:00\n", SHAPE),
        ("1２:00", SHAPE),
        ("12:00:00.1234567890123", "more than 12 fractional digits (found 13)"),
        ("12:00:00.12345678901234567890", "more than 12 fractional digits (found 20)"),
        ("24:00", "hour 24 is out of range (expected 00 to 23)"),
        ("24:00:00", "hour 24 is out of range (expected 00 to 23)"),
        ("99:00", "hour 99 is out of range (expected 00 to 23)"),
        ("12:60", "minute 60 is out of range (expected 00 to 59)"),
        ("23:59:60", "second 60 is out of range (expected 00 to 59; leap seconds are not accepted)"),
    ];

    #[test]
    fn accepted_and_rejected() {
        for (text, [hour, minute, second, nanosecond]) in ACCEPTED {
            let value = TimeOfDay::parse(text).unwrap();
            assert_eq!(value.as_str(), *text);
            assert_eq!(value.to_string(), *text);
            assert_eq!(
                value.to_naive_time(),
                NaiveTime::from_hms_nano_opt(*hour, *minute, *second, *nanosecond).unwrap()
            );
            assert_eq!(text.parse::<TimeOfDay>().unwrap(), value);
            assert_eq!(format!("{value:?}"), format!("TimeOfDay({text:?})"));
        }
        for (text, reason) in REJECTED {
            let err = TimeOfDay::parse(text).unwrap_err();
            assert_eq!(err.edm_type(), "Edm.TimeOfDay");
            assert_eq!(err.reason(), *reason, "for {text:?}");
        }
    }

    #[test]
    fn equality_is_on_the_text() {
        let texts = ["12:00", "12:00:00", "12:00:00.0", "12:00:00.000000000000"];
        let values: Vec<TimeOfDay> = texts.iter().map(|text| TimeOfDay::parse(text).unwrap()).collect();
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                assert_eq!(a.to_naive_time(), b.to_naive_time());
                assert_eq!(a == b, i == j);
                assert_eq!(a.cmp(b) == std::cmp::Ordering::Equal, i == j);
            }
        }
        let early = TimeOfDay::parse("11:59:59.999999999999").unwrap();
        assert!(early < values[0]);
    }

    #[test]
    fn from_chrono() {
        let time = NaiveTime::from_hms_opt(13, 52, 25).unwrap();
        assert_eq!(TimeOfDay::from_naive_time(time).as_str(), "13:52:25");
        let with = |nano| TimeOfDay::from(time.with_nanosecond(nano).unwrap()).to_string();
        assert_eq!(with(329_225_100), "13:52:25.3292251");
        assert_eq!(with(500_000_000), "13:52:25.5000000");
        assert_eq!(with(1), "13:52:25.000000001");
        assert_eq!(with(1_500_000_000), "13:52:25.999999999");
        let value = TimeOfDay::from(time.with_nanosecond(123).unwrap());
        assert_eq!(TimeOfDay::parse(value.as_str()).unwrap(), value);
        assert_eq!(NaiveTime::from(value), value.to_naive_time());
    }

    #[test]
    fn serde_round_trips_exactly() {
        for (text, _) in ACCEPTED {
            let json = format!("\"{text}\"");
            let value: TimeOfDay = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            let from_value: TimeOfDay = serde_json::from_value(serde_json::Value::String((*text).to_owned())).unwrap();
            assert_eq!(from_value, value);
        }
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            TimeOfDay::parse("24:00").unwrap_err().to_string(),
            "invalid Edm.TimeOfDay `24:00`: hour 24 is out of range (expected 00 to 23)"
        );
        let err = serde_json::from_str::<TimeOfDay>(r#""noon""#).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid Edm.TimeOfDay `noon`: expected hh:mm, hh:mm:ss or hh:mm:ss.f with 1 to 12 fractional \
             digits at line 1 column 6"
        );
        let err = serde_json::from_str::<TimeOfDay>("1.5").unwrap_err().to_string();
        assert!(err.starts_with("invalid type: floating point `1.5`, expected an Edm.TimeOfDay (hh:mm,"), "{err}");
    }

    #[test]
    fn never_panics() {
        for text in random_texts("012345678901234567890123456789::::...é", 24, 50_000) {
            if let Ok(value) = TimeOfDay::parse(&text) {
                assert_eq!(value.as_str(), text);
            }
        }
    }

    proptest! {
        #[test]
        fn pattern_matches_are_accepted(text in matching(TimeOfDay::PATTERN)) {
            let value = TimeOfDay::parse(&text).unwrap();
            prop_assert_eq!(value.as_str(), &text);
            let json = serde_json::to_string(&value).unwrap();
            prop_assert_eq!(&json, &format!("\"{text}\""));
            prop_assert_eq!(serde_json::from_str::<TimeOfDay>(&json).unwrap(), value);
        }

        #[test]
        fn times_round_trip(seconds in 0_u32..86_400, nanosecond in 0_u32..1_000_000_000) {
            let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanosecond).unwrap();
            let value = TimeOfDay::from_naive_time(time);
            prop_assert_eq!(value.to_naive_time(), time);
            prop_assert_eq!(TimeOfDay::parse(value.as_str()).unwrap(), value);
        }
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn json_schema() {
        use schemars::JsonSchema;
        assert!(TimeOfDay::inline_schema());
        assert_eq!(TimeOfDay::schema_name(), "TimeOfDay");
        let mut generator = schemars::SchemaGenerator::default();
        assert_eq!(
            TimeOfDay::json_schema(&mut generator),
            schemars::json_schema!({"type": "string", "pattern": TimeOfDay::PATTERN})
        );
    }
}
