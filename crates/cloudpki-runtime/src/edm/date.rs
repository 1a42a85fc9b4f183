//! [`Date`]: an OData `Edm.Date` (`YYYY-MM-DD`).

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::{EdmParseError, EdmText, ascii_str, two_digits};

/// The EDM type name, for error messages.
const EDM_TYPE: &str = "Edm.Date";

/// Why a text does not have the shape of a [`Date`].
const SHAPE: &str = "expected YYYY-MM-DD";

/// The length of the text.
const LEN: usize = 10;

/// An OData `Edm.Date`: `YYYY-MM-DD`, a day of the proleptic Gregorian calendar.
///
/// # Accepted text
///
/// A 4-digit year (`0000` to `9999`), `-`, a 2-digit month (`01` to `12`), `-`, and a 2-digit
/// day that exists in that month (`2024-02-29` is accepted, `2023-02-29` is not; year `0000` is a
/// leap year). Nothing else: no expanded years, no time, no offset. [`Date::PATTERN`] checks the
/// shape and the ranges of month and day, but not that the day exists in the month.
///
/// # Lossless
///
/// A date has a single spelling, which [`Display`](std::fmt::Display), [`as_str`](Self::as_str)
/// and [`Serialize`](serde::Serialize) write back. [`Ord`] is chronological.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// The date (first, so that the derived order is chronological).
    date: NaiveDate,
    /// The text: validated ASCII, determined by `date`.
    text: [u8; LEN],
}

impl Date {
    /// The ECMA-262 regular expression that matches the texts [`Date::parse`] accepts, and also
    /// days that do not exist in their month (such as `2023-02-30`), which [`Date::parse`]
    /// rejects.
    pub const PATTERN: &'static str = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

    /// Parses an `Edm.Date`.
    ///
    /// # Errors
    ///
    /// Returns an [`EdmParseError`] saying what is wrong when `text` is not `YYYY-MM-DD` or
    /// names a day that does not exist. Never panics, whatever the input.
    pub fn parse(text: &str) -> Result<Self, EdmParseError> {
        let error = |reason: String| EdmParseError::new(EDM_TYPE, text, reason);
        let bytes: [u8; LEN] = text.as_bytes().try_into().map_err(|_| error(SHAPE.to_owned()))?;
        let (year, month, day) = match bytes {
            [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] => (
                two_digits(&[y0, y1]).zip(two_digits(&[y2, y3])).map(|(high, low)| high * 100 + low),
                two_digits(&[m0, m1]),
                two_digits(&[d0, d1]),
            ),
            _ => (None, None, None),
        };
        let (Some(year), Some(month), Some(day)) = (year, month, day) else {
            return Err(error(SHAPE.to_owned()));
        };
        if !(1..=12).contains(&month) {
            return Err(error(format!("month {month:02} does not exist (expected 01 to 12)")));
        }
        let date = i32::try_from(year)
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, month, day))
            .ok_or_else(|| error(format!("day {day:02} does not exist in {year:04}-{month:02}")))?;
        Ok(Self { date, text: bytes })
    }

    /// The date of `date`, or `None` if its year is outside `0000` to `9999` (which the text
    /// cannot spell).
    #[must_use]
    pub fn from_naive_date(date: NaiveDate) -> Option<Self> {
        let year = u32::try_from(date.year()).ok().filter(|year| *year <= 9999)?;
        // Ten bytes, since the year has at most four digits.
        let text = format!("{year:04}-{:02}-{:02}", date.month(), date.day());
        let text: [u8; LEN] = text.as_bytes().try_into().ok()?;
        Some(Self { date, text })
    }

    /// The exact text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        ascii_str(&self.text)
    }

    /// The date, for `chrono`.
    #[must_use]
    pub fn to_naive_date(&self) -> NaiveDate {
        self.date
    }
}

impl EdmText for Date {
    type Error = EdmParseError;

    const EXPECTING: &'static str = "an Edm.Date (YYYY-MM-DD)";

    fn parse_text(text: &str) -> Result<Self, EdmParseError> {
        Self::parse(text)
    }
}

impl FromStr for Date {
    type Err = EdmParseError;

    /// Same as [`Date::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<NaiveDate> for Date {
    type Error = NaiveDate;

    /// Same as [`Date::from_naive_date`]; the error gives the date back.
    fn try_from(date: NaiveDate) -> Result<Self, Self::Error> {
        Self::from_naive_date(date).ok_or(date)
    }
}

impl From<Date> for NaiveDate {
    /// Same as [`Date::to_naive_date`].
    fn from(value: Date) -> Self {
        value.date
    }
}

super::text_type_impls!(Date);

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Date {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "cloudpki_runtime::edm::Date".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
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

    /// Texts [`Date::parse`] accepts.
    const ACCEPTED: &[&str] = &[
        "2026-07-20",
        "0000-01-01",
        "9999-12-31",
        "2024-02-29",
        "2000-02-29",
        "0000-02-29",
        "1970-01-01",
        "2024-04-30",
        "2024-01-31",
    ];

    /// Texts [`Date::parse`] rejects, with the reason.
    const REJECTED: &[(&str, &str)] = &[
        ("", SHAPE),
        ("2026-7-20", SHAPE),
        ("2026-07-2", SHAPE),
        ("26-07-20", SHAPE),
        ("+2026-07-20", SHAPE),
        ("12026-07-20", SHAPE),
        ("2026/07/20", SHAPE),
        ("2026-07-20T00:00:00Z", SHAPE),
        ("2026-07-20Z", SHAPE),
        (" 2026-07-20", SHAPE),
        ("2026-07-20\n", SHAPE),
        ("2026-0a-20", SHAPE),
        ("２026-07-20", SHAPE),
        ("20260-7-20", SHAPE),
        ("2026-00-20", "month 00 does not exist (expected 01 to 12)"),
        ("2026-13-20", "month 13 does not exist (expected 01 to 12)"),
        ("2026-07-00", "day 00 does not exist in 2026-07"),
        ("2026-07-32", "day 32 does not exist in 2026-07"),
        ("2023-02-29", "day 29 does not exist in 2023-02"),
        ("1900-02-29", "day 29 does not exist in 1900-02"),
        ("2024-02-30", "day 30 does not exist in 2024-02"),
        ("2024-04-31", "day 31 does not exist in 2024-04"),
    ];

    #[test]
    fn accepted_and_rejected() {
        for text in ACCEPTED {
            let value = Date::parse(text).unwrap();
            assert_eq!(value.as_str(), *text);
            assert_eq!(value.to_string(), *text);
            assert_eq!(value.to_naive_date().format("%Y-%m-%d").to_string(), *text);
            assert_eq!(text.parse::<Date>().unwrap(), value);
            assert_eq!(Date::from_naive_date(value.to_naive_date()), Some(value));
            assert_eq!(format!("{value:?}"), format!("Date({text:?})"));
        }
        for (text, reason) in REJECTED {
            let err = Date::parse(text).unwrap_err();
            assert_eq!(err.edm_type(), "Edm.Date");
            assert_eq!(err.reason(), *reason, "for {text:?}");
        }
    }

    #[test]
    fn chrono_conversions() {
        let date = NaiveDate::from_ymd_opt(2026, 7, 20).unwrap();
        let value = Date::try_from(date).unwrap();
        assert_eq!(value.as_str(), "2026-07-20");
        assert_eq!(NaiveDate::from(value), date);
        assert_eq!(Date::from_naive_date(NaiveDate::from_ymd_opt(5, 3, 1).unwrap()).unwrap().as_str(), "0005-03-01");
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
        assert_eq!(Date::try_from(far), Err(far));
        assert_eq!(Date::from_naive_date(NaiveDate::from_ymd_opt(-1, 12, 31).unwrap()), None);
        assert_eq!(Date::from_naive_date(NaiveDate::MIN), None);
        assert_eq!(Date::from_naive_date(NaiveDate::MAX), None);
    }

    #[test]
    fn order_is_chronological() {
        let mut values: Vec<Date> = ["2026-07-20", "0000-01-01", "2026-07-19", "9999-12-31"]
            .iter()
            .map(|text| Date::parse(text).unwrap())
            .collect();
        values.sort();
        let texts: Vec<&str> = values.iter().map(Date::as_str).collect();
        assert_eq!(texts, ["0000-01-01", "2026-07-19", "2026-07-20", "9999-12-31"]);
    }

    #[test]
    fn serde_round_trips_exactly() {
        for text in ACCEPTED {
            let json = format!("\"{text}\"");
            let value: Date = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            let from_value: Date = serde_json::from_value(serde_json::Value::String((*text).to_owned())).unwrap();
            assert_eq!(from_value, value);
        }
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            Date::parse("2023-02-29").unwrap_err().to_string(),
            "invalid Edm.Date `2023-02-29`: day 29 does not exist in 2023-02"
        );
        let err = serde_json::from_str::<Date>(r#""20-1-1""#).unwrap_err().to_string();
        assert_eq!(err, "invalid Edm.Date `20-1-1`: expected YYYY-MM-DD at line 1 column 8");
        let err = serde_json::from_str::<Date>("true").unwrap_err().to_string();
        assert_eq!(err, "invalid type: boolean `true`, expected an Edm.Date (YYYY-MM-DD) at line 1 column 4");
    }

    #[test]
    fn never_panics() {
        for text in random_texts("0123456789012345678901234567890123456789--é", 12, 50_000) {
            if let Ok(value) = Date::parse(&text) {
                assert_eq!(value.as_str(), text);
            }
        }
    }

    proptest! {
        #[test]
        fn pattern_matches_are_accepted_if_the_day_exists(text in matching(Date::PATTERN)) {
            let exists = NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok();
            match Date::parse(&text) {
                Ok(value) => {
                    prop_assert!(exists);
                    prop_assert_eq!(value.as_str(), &text);
                    let json = serde_json::to_string(&value).unwrap();
                    prop_assert_eq!(&json, &format!("\"{text}\""));
                    prop_assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), value);
                }
                Err(err) => {
                    prop_assert!(!exists);
                    prop_assert!(err.reason().starts_with("day "));
                }
            }
        }

        #[test]
        fn dates_round_trip(days in 0_i32..=3_652_424) {
            // 0000-01-01 plus up to 3_652_424 days: every day up to 9999-12-31.
            let date = NaiveDate::from_ymd_opt(0, 1, 1).unwrap() + chrono::Days::new(u64::try_from(days).unwrap());
            let value = Date::from_naive_date(date).unwrap();
            prop_assert_eq!(Date::parse(value.as_str()).unwrap(), value);
            prop_assert_eq!(value.to_naive_date(), date);
        }
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn json_schema() {
        use schemars::JsonSchema;
        assert!(Date::inline_schema());
        assert_eq!(Date::schema_name(), "Date");
        let mut generator = schemars::SchemaGenerator::default();
        assert_eq!(
            Date::json_schema(&mut generator),
            schemars::json_schema!({"type": "string", "format": "date", "pattern": Date::PATTERN})
        );
    }
}
