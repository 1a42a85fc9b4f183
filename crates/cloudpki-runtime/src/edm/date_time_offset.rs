//! [`DateTimeOffset`]: an OData `Edm.DateTimeOffset` that keeps its exact spelling.
//!
//! Microsoft Graph writes timestamps in several spellings of RFC 3339: with 0 to 9 fractional
//! digits (`2026-07-20T13:52:25Z`, `2016-12-31T23:59:36.3292251-08:00`), with trailing zeros
//! (`.000Z`), with a numeric UTC offset (`+00:00`) instead of `Z`, and so on. This crate models
//! payloads losslessly, so a [`DateTimeOffset`] remembers which spelling it was parsed from and
//! writes exactly that text back. It does so without allocating, in 16 bytes: the fields of the
//! text (date, time, nanoseconds, offset) and a few bits describing the spelling; reading and
//! writing the text need no calendar arithmetic, and [`DateTimeOffset::instant`] builds the
//! [`chrono::DateTime<FixedOffset>`] when asked.

use std::cmp::Ordering;
use std::error::Error;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike, Utc};
use serde::de::{self, Unexpected};

/// The ECMA-262 regular expression that matches the text grammar accepted by
/// [`DateTimeOffset::parse`].
///
/// The pattern checks the shape only; [`DateTimeOffset::parse`] additionally checks that the
/// date exists and that every field is in range. The code generator writes the same pattern into
/// the JSON Schema files, and the `schemars` implementation of [`DateTimeOffset`] uses it.
pub const DATE_TIME_PATTERN: &str = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";

/// The longest text the grammar accepts: `YYYY-MM-DDTHH:MM:SS.fffffffff+HH:MM`.
const MAX_TEXT_LEN: usize = 35;

/// Room for the longest rendering, including values converted from `chrono` whose year is
/// outside `0000..=9999` (written in the expanded form `+262143`, 3 bytes more than `YYYY`).
const RENDER_CAPACITY: usize = 40;

/// What the serde visitor expects (also the start of its `invalid value` messages).
const EXPECTING: &str = "an Edm.DateTimeOffset (RFC 3339 date-time with 0 to 9 fractional digits)";

/// An OData `Edm.DateTimeOffset` (an RFC 3339 date-time) that keeps its exact spelling.
///
/// # Accepted text
///
/// `YYYY-MM-DD`, then `T` or `t`, then `HH:MM:SS`, then optionally `.` and 1 to 9 fractional
/// digits, then `Z`, `z`, `+HH:MM` or `-HH:MM` (see [`DATE_TIME_PATTERN`]). The date must exist,
/// hours are `00` to `23`, minutes and seconds `00` to `59` (no leap second `60`), and offsets
/// are at most `23:59`. Anything else is rejected with a [`DateTimeParseError`].
///
/// # Lossless
///
/// [`Display`](std::fmt::Display), [`to_text`](Self::to_text) and [`Serialize`](serde::Serialize) write back the
/// exact text that was parsed, byte for byte: the number of fractional digits (trailing zeros
/// included), `T` or `t`, `Z`, `z`, `+00:00` or `-00:00`. For example
/// `2016-12-31T23:59:36.3292251-08:00` is written back with its 7 fractional digits (where
/// `chrono` would write `.329225100`), and `2026-07-20T13:52:25.000Z` keeps its `.000`.
///
/// # Equality and ordering
///
/// [`PartialEq`], [`Eq`] and [`Hash`] compare the **exact text**: two spellings of the same
/// instant (`2026-07-20T13:52:25Z` and `2026-07-20T13:52:25.000+00:00`) are *not* equal. To
/// compare instants, compare [`instant`](Self::instant) or [`to_utc`](Self::to_utc).
/// [`Ord`] sorts by instant first and by text second, so it is consistent with [`Eq`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTimeOffset {
    /// The year of the text (`0..=9999` when parsed; any year `chrono` has when converted).
    year: i32,
    /// The nanoseconds of the text, `0..=999_999_999`, zero past its fractional digits.
    nanosecond: u32,
    /// The other fields of the text, packed (see [`Fields`]): month, day, hour, minute, second,
    /// and whether the date and time are separated by `t` rather than `T`.
    fields: u32,
    /// The offset of the text, in minutes east of UTC, `-1439..=1439`.
    offset_minutes: i16,
    /// Number of fractional digits written, `0..=9`, trailing zeros included.
    fraction_digits: u8,
    /// How the offset is written.
    offset: OffsetSpelling,
}

/// The layout of [`DateTimeOffset::fields`]: each field's lowest bit and width.
struct Fields;

impl Fields {
    const MONTH: (u32, u32) = (0, 4);
    const DAY: (u32, u32) = (4, 5);
    const HOUR: (u32, u32) = (9, 5);
    const MINUTE: (u32, u32) = (14, 6);
    const SECOND: (u32, u32) = (20, 6);
    const LOWERCASE_T: (u32, u32) = (26, 1);

    /// Packs the fields (each already in range).
    fn pack(month: u32, day: u32, hour: u32, minute: u32, second: u32, lowercase_t: bool) -> u32 {
        let put = |(shift, width): (u32, u32), value: u32| (value & ((1 << width) - 1)) << shift;
        put(Self::MONTH, month)
            | put(Self::DAY, day)
            | put(Self::HOUR, hour)
            | put(Self::MINUTE, minute)
            | put(Self::SECOND, second)
            | put(Self::LOWERCASE_T, u32::from(lowercase_t))
    }

    /// One field of `fields`.
    fn get(fields: u32, (shift, width): (u32, u32)) -> u32 {
        (fields >> shift) & ((1 << width) - 1)
    }
}

/// How the offset of a [`DateTimeOffset`] is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OffsetSpelling {
    /// `Z` (offset is zero).
    UpperZ,
    /// `z` (offset is zero).
    LowerZ,
    /// `+HH:MM` or `-HH:MM`, the sign following the offset (`+00:00` for zero).
    Numeric,
    /// `-00:00` (offset is zero).
    NegativeZero,
}

impl DateTimeOffset {
    /// The ECMA-262 regular expression of the accepted texts ([`DATE_TIME_PATTERN`]), like the
    /// `PATTERN` of the other EDM text types.
    pub const PATTERN: &'static str = DATE_TIME_PATTERN;

    /// Parses an `Edm.DateTimeOffset`, remembering its exact spelling.
    ///
    /// # Errors
    ///
    /// Returns a [`DateTimeParseError`] saying what is wrong when `text` does not follow the
    /// grammar described on [`DateTimeOffset`], or names a date or time that does not exist.
    /// Never panics, whatever the input.
    pub fn parse(text: &str) -> Result<Self, DateTimeParseError> {
        let bytes = text.as_bytes();
        if bytes.is_empty() {
            return Err(ErrorKind::Empty.into());
        }
        if bytes.len() > MAX_TEXT_LEN {
            return Err(ErrorKind::TooLong { len: bytes.len() }.into());
        }
        let mut cursor = Cursor { bytes, pos: 0 };

        let year = cursor.digits(4)?;
        cursor.literal(b'-', "`-`")?;
        let month = cursor.digits(2)?;
        cursor.literal(b'-', "`-`")?;
        let day = cursor.digits(2)?;
        let lowercase_t = match cursor.peek() {
            Some(b'T') => false,
            Some(b't') => true,
            _ => return Err(cursor.expected("`T` or `t`")),
        };
        cursor.bump();
        let hour = cursor.digits(2)?;
        cursor.literal(b':', "`:`")?;
        let minute = cursor.digits(2)?;
        cursor.literal(b':', "`:`")?;
        let second = cursor.digits(2)?;

        let mut fraction_digits = 0_u8;
        let mut nanosecond = 0_u32;
        if cursor.peek() == Some(b'.') {
            cursor.bump();
            let start = cursor.pos;
            while cursor.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                cursor.bump();
            }
            let digits = bytes.get(start..cursor.pos).unwrap_or_default();
            if digits.is_empty() {
                return Err(cursor.expected("a fractional digit after `.`"));
            }
            if digits.len() > 9 {
                return Err(ErrorKind::TooManyFractionDigits { count: digits.len() }.into());
            }
            for &digit in digits {
                nanosecond = nanosecond * 10 + u32::from(digit - b'0');
            }
            for _ in digits.len()..9 {
                nanosecond *= 10;
            }
            // At most 9, checked above.
            fraction_digits = digits.len() as u8;
        }

        let (offset_spelling, offset_hour, offset_minute, negative) = match cursor.peek() {
            Some(b'Z') => {
                cursor.bump();
                (OffsetSpelling::UpperZ, 0, 0, false)
            }
            Some(b'z') => {
                cursor.bump();
                (OffsetSpelling::LowerZ, 0, 0, false)
            }
            Some(sign @ (b'+' | b'-')) => {
                cursor.bump();
                let offset_hour = cursor.digits(2)?;
                cursor.literal(b':', "`:`")?;
                let offset_minute = cursor.digits(2)?;
                let negative = sign == b'-';
                let spelling = if negative && offset_hour == 0 && offset_minute == 0 {
                    OffsetSpelling::NegativeZero
                } else {
                    OffsetSpelling::Numeric
                };
                (spelling, offset_hour, offset_minute, negative)
            }
            _ if fraction_digits == 0 => {
                return Err(cursor.expected("`.`, `Z`, `z`, `+` or `-`"));
            }
            _ => return Err(cursor.expected("`Z`, `z`, `+` or `-`")),
        };
        if cursor.pos != bytes.len() {
            return Err(ErrorKind::Trailing { at: cursor.pos }.into());
        }

        if !(1..=12).contains(&month) {
            return Err(ErrorKind::Month { month }.into());
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(ErrorKind::Day { year, month, day }.into());
        }
        if hour > 23 {
            return Err(ErrorKind::Hour { hour }.into());
        }
        if minute > 59 {
            return Err(ErrorKind::Minute { minute }.into());
        }
        if second > 59 {
            return Err(ErrorKind::Second { second }.into());
        }
        if offset_hour > 23 {
            return Err(ErrorKind::OffsetHour { hour: offset_hour }.into());
        }
        if offset_minute > 59 {
            return Err(ErrorKind::OffsetMinute { minute: offset_minute }.into());
        }

        let offset_minutes = (offset_hour * 60 + offset_minute) as i16;
        Ok(Self {
            // At most 9999, 999_999_999 and 23:59: the casts are exact.
            year: year as i32,
            nanosecond,
            fields: Fields::pack(month, day, hour, minute, second, lowercase_t),
            offset_minutes: if negative { -offset_minutes } else { offset_minutes },
            fraction_digits,
            offset: offset_spelling,
        })
    }

    /// The instant, in the offset of the text.
    ///
    /// Use this (or [`to_utc`](Self::to_utc)) to compare instants: `==` on
    /// [`DateTimeOffset`] compares the exact text.
    #[must_use]
    pub fn instant(&self) -> DateTime<FixedOffset> {
        let (days, seconds) = self.utc_days_and_seconds();
        // Every value is an instant `chrono` has (parsed: years 0000 to 9999; converted: from a
        // `chrono` value), so the fallback is never taken.
        let utc = i32::try_from(days + DAYS_FROM_CE_TO_UNIX)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .zip(NaiveTime::from_num_seconds_from_midnight_opt(seconds, self.nanosecond))
            .map_or(DateTime::UNIX_EPOCH.naive_utc(), |(date, time)| NaiveDateTime::new(date, time));
        let offset = FixedOffset::east_opt(i32::from(self.offset_minutes) * 60).unwrap_or(Utc.fix());
        offset.from_utc_datetime(&utc)
    }

    /// The instant, converted to UTC.
    #[must_use]
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.instant().with_timezone(&Utc)
    }

    /// The number of fractional digits in the text (`0..=9`), trailing zeros included:
    /// 3 for `2026-07-20T13:52:25.000Z`, 0 for `2026-07-20T13:52:25Z`.
    #[must_use]
    pub fn fractional_digits(&self) -> u8 {
        self.fraction_digits
    }

    /// The exact text, as a new [`String`] (same as [`ToString::to_string`]).
    #[must_use]
    pub fn to_text(&self) -> String {
        self.with_rendered(str::to_owned)
    }

    /// The instant in UTC: days since 1970-01-01 and seconds into that day.
    fn utc_days_and_seconds(&self) -> (i64, u32) {
        let field = |layout| Fields::get(self.fields, layout);
        let local_seconds = i64::from(field(Fields::HOUR) * 3600 + field(Fields::MINUTE) * 60 + field(Fields::SECOND));
        let seconds = local_seconds - i64::from(self.offset_minutes) * 60;
        let days = days_from_civil(i64::from(self.year), field(Fields::MONTH), field(Fields::DAY));
        // `seconds` is within a day of 0..86_400: the remainder fits.
        (days + seconds.div_euclid(86_400), seconds.rem_euclid(86_400) as u32)
    }

    /// Hands the text to `f`, written into a buffer on the stack (not copied: a copy of bytes
    /// just written one by one stalls on store forwarding).
    #[inline]
    fn with_rendered<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        let mut out = Rendered::new();
        self.render(&mut out);
        f(out.as_str())
    }

    /// Writes the text into `out`.
    #[inline]
    fn render(&self, out: &mut Rendered) {
        let field = |layout| Fields::get(self.fields, layout);

        if (0..=9999).contains(&self.year) {
            let year = self.year.unsigned_abs();
            out.push_two_digits(year / 100);
            out.push_two_digits(year % 100);
        } else {
            // Only reachable for values converted from `chrono`: ISO 8601 expanded year, the way
            // `chrono` writes it. `parse` (and Microsoft Graph) reject this text.
            out.push(if self.year < 0 { b'-' } else { b'+' });
            let magnitude = self.year.unsigned_abs();
            let mut width = 4;
            while width < 10 && magnitude >= 10_u32.pow(width) {
                width += 1;
            }
            out.push_digits(magnitude, width as usize);
        }
        out.push(b'-');
        out.push_two_digits(field(Fields::MONTH));
        out.push(b'-');
        out.push_two_digits(field(Fields::DAY));
        out.push(if field(Fields::LOWERCASE_T) == 1 { b't' } else { b'T' });
        out.push_two_digits(field(Fields::HOUR));
        out.push(b':');
        out.push_two_digits(field(Fields::MINUTE));
        out.push(b':');
        out.push_two_digits(field(Fields::SECOND));

        let digits = u32::from(self.fraction_digits.min(9));
        if digits > 0 {
            out.push(b'.');
            let nanosecond = self.nanosecond.min(999_999_999);
            out.push_digits(nanosecond / 10_u32.pow(9 - digits), digits as usize);
        }

        match self.offset {
            OffsetSpelling::UpperZ => out.push(b'Z'),
            OffsetSpelling::LowerZ => out.push(b'z'),
            OffsetSpelling::Numeric | OffsetSpelling::NegativeZero => {
                let negative = self.offset_minutes < 0 || self.offset == OffsetSpelling::NegativeZero;
                out.push(if negative { b'-' } else { b'+' });
                let minutes = u32::from(self.offset_minutes.unsigned_abs());
                out.push_two_digits(minutes / 60);
                out.push(b':');
                out.push_two_digits(minutes % 60);
            }
        }
    }

    /// Builds a value from a `chrono` date-time in Graph's own style: `T`, 0 fractional digits
    /// when the nanoseconds are zero, 7 when they are a multiple of 100, 9 otherwise.
    fn from_chrono(instant: DateTime<FixedOffset>, offset: OffsetSpelling) -> Self {
        let utc = instant.naive_utc();
        // The text has no leap seconds: keep chrono's leap second inside second 59.
        let nanosecond = utc.nanosecond().min(999_999_999);
        // The text has no offset seconds: truncate the offset towards zero to whole minutes,
        // keeping the instant (below 24 hours: the cast is exact).
        let offset_minutes = (instant.offset().local_minus_utc() / 60) as i16;
        // The local date and time, by hand: `chrono` has no room for a local time past its
        // last UTC instant.
        let seconds = i64::from(utc.num_seconds_from_midnight()) + i64::from(offset_minutes) * 60;
        let days = i64::from(utc.date().num_days_from_ce()) - DAYS_FROM_CE_TO_UNIX + seconds.div_euclid(86_400);
        let seconds = seconds.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        let fraction_digits = if nanosecond == 0 {
            0
        } else if nanosecond.is_multiple_of(100) {
            7
        } else {
            9
        };
        Self {
            // Within a day of a `chrono` date: the cast is exact.
            year: year as i32,
            nanosecond,
            fields: Fields::pack(month, day, seconds / 3600, seconds / 60 % 60, seconds % 60, false),
            offset_minutes,
            fraction_digits,
            offset,
        }
    }
}

/// Days from 0001-01-01 (day 1 of `chrono`'s `num_days_from_ce`) to 1970-01-01.
const DAYS_FROM_CE_TO_UNIX: i64 = 719_163;

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` days after 1970-01-01, as year, month and day (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    // In 1..=31 and 1..=12: the casts are exact.
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl From<DateTime<FixedOffset>> for DateTimeOffset {
    /// Converts in Graph's own style: `T`; 0 fractional digits when the nanoseconds are zero,
    /// 7 when they are a multiple of 100, else 9; a numeric offset (`+00:00` for UTC).
    ///
    /// The text grammar has neither leap seconds nor offset seconds: a leap second is kept as
    /// `:59.999999999`, and an offset with seconds is truncated towards zero to whole minutes
    /// (the instant is kept). Years outside `0000..=9999` are written in the ISO 8601 expanded
    /// form (`+10000-01-01T00:00:00+00:00`), which [`DateTimeOffset::parse`] rejects.
    fn from(value: DateTime<FixedOffset>) -> Self {
        Self::from_chrono(value, OffsetSpelling::Numeric)
    }
}

impl From<DateTime<Utc>> for DateTimeOffset {
    /// Converts in Graph's own style: `T`; 0 fractional digits when the nanoseconds are zero,
    /// 7 when they are a multiple of 100, else 9; the offset written as `Z`.
    ///
    /// A leap second is kept as `:59.999999999`. Years outside `0000..=9999` are written in
    /// the ISO 8601 expanded form, which [`DateTimeOffset::parse`] rejects.
    fn from(value: DateTime<Utc>) -> Self {
        Self::from_chrono(value.fixed_offset(), OffsetSpelling::UpperZ)
    }
}

impl FromStr for DateTimeOffset {
    type Err = DateTimeParseError;

    /// Same as [`DateTimeOffset::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl PartialOrd for DateTimeOffset {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTimeOffset {
    /// By instant, then by text.
    fn cmp(&self, other: &Self) -> Ordering {
        let instant = |value: &Self| (value.utc_days_and_seconds(), value.nanosecond);
        instant(self).cmp(&instant(other)).then_with(|| {
            if self == other {
                Ordering::Equal
            } else {
                self.with_rendered(|one| other.with_rendered(|two| one.cmp(two)))
            }
        })
    }
}

impl super::EdmText for DateTimeOffset {
    const EXPECTING: &'static str = EXPECTING;

    type Error = DateTimeParseError;

    #[inline]
    fn parse_text(text: &str) -> Result<Self, DateTimeParseError> {
        Self::parse(text)
    }

    /// `invalid value: string "...", expected an Edm.DateTimeOffset (...), <reason>`.
    #[inline]
    fn deserialize_str<E: de::Error>(text: &str) -> Result<Self, E> {
        Self::parse(text).map_err(|err| invalid_value(text, &err))
    }

    fn deserialize_string<E: de::Error>(text: String) -> Result<Self, E> {
        Self::deserialize_str(&text)
    }
}

super::text_type_impls!(DateTimeOffset, with_rendered);

/// `invalid value: string "...", expected an Edm.DateTimeOffset (...), <reason>`.
///
/// Long strings are shown by their start only, so that errors (and logs) stay small.
fn invalid_value<E: de::Error>(text: &str, err: &DateTimeParseError) -> E {
    /// How much of a long string the message shows.
    const SHOWN: usize = 48;
    let expected = ExpectedBecause(err);
    if text.len() <= SHOWN {
        E::invalid_value(Unexpected::Str(text), &expected)
    } else {
        let start = text.get(..text.floor_char_boundary(SHOWN)).unwrap_or("");
        let shown = format!("string of {} bytes starting with {start:?}", text.len());
        E::invalid_value(Unexpected::Other(&shown), &expected)
    }
}

/// The `expected ...` part of the serde error, followed by why the text was rejected.
struct ExpectedBecause<'a>(&'a DateTimeParseError);

impl de::Expected for ExpectedBecause<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{EXPECTING}, {}", self.0)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for DateTimeOffset {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DateTimeOffset".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "cloudpki_model::DateTimeOffset".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "pattern": DATE_TIME_PATTERN,
        })
    }
}

/// The error returned by [`DateTimeOffset::parse`]: says what is wrong with the text.
///
/// The message never quotes the text itself (callers usually have it), only positions
/// (byte offsets) and field values, for example `day 30 does not exist in 2024-02`,
/// `more than 9 fractional digits (found 10)` or
/// ``expected `T` or `t` at byte 10, found ` ` ``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTimeParseError {
    /// What went wrong.
    kind: ErrorKind,
}

/// What went wrong in [`DateTimeOffset::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ErrorKind {
    /// The text is empty.
    Empty,
    /// The text is longer than any accepted text.
    TooLong { len: usize },
    /// A byte (or the end) was found where something else was expected.
    Expected { what: &'static str, at: usize, found: Option<u8> },
    /// More than 9 fractional digits.
    TooManyFractionDigits { count: usize },
    /// The text goes on after the offset.
    Trailing { at: usize },
    /// Month not in `01..=12`.
    Month { month: u32 },
    /// The day does not exist in that month.
    Day { year: u32, month: u32, day: u32 },
    /// Hour above 23.
    Hour { hour: u32 },
    /// Minute above 59.
    Minute { minute: u32 },
    /// Second above 59.
    Second { second: u32 },
    /// Offset hour above 23.
    OffsetHour { hour: u32 },
    /// Offset minute above 59.
    OffsetMinute { minute: u32 },
}

impl From<ErrorKind> for DateTimeParseError {
    fn from(kind: ErrorKind) -> Self {
        Self { kind }
    }
}

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Empty => f.write_str("empty string"),
            ErrorKind::TooLong { len } => {
                write!(f, "too long ({len} bytes; an Edm.DateTimeOffset has at most {MAX_TEXT_LEN})")
            }
            ErrorKind::Expected { what, at, found } => {
                write!(f, "expected {what} at byte {at}, found ")?;
                match found {
                    None => f.write_str("end of input"),
                    Some(byte) if byte.is_ascii_graphic() || byte == b' ' => {
                        write!(f, "`{}`", char::from(byte))
                    }
                    Some(byte) if byte.is_ascii() => write!(f, "byte 0x{byte:02X}"),
                    Some(_) => f.write_str("a non-ASCII character"),
                }
            }
            ErrorKind::TooManyFractionDigits { count } => {
                write!(f, "more than 9 fractional digits (found {count})")
            }
            ErrorKind::Trailing { at } => {
                write!(f, "unexpected characters after the offset at byte {at}")
            }
            ErrorKind::Month { month } => {
                write!(f, "month {month:02} does not exist (expected 01 to 12)")
            }
            ErrorKind::Day { year, month, day } => {
                write!(f, "day {day:02} does not exist in {year:04}-{month:02}")
            }
            ErrorKind::Hour { hour } => {
                write!(f, "hour {hour:02} is out of range (expected 00 to 23)")
            }
            ErrorKind::Minute { minute } => {
                write!(f, "minute {minute:02} is out of range (expected 00 to 59)")
            }
            ErrorKind::Second { second } => {
                write!(f, "second {second:02} is out of range (expected 00 to 59; leap seconds are not accepted)")
            }
            ErrorKind::OffsetHour { hour } => {
                write!(f, "offset hour {hour:02} is out of range (expected 00 to 23)")
            }
            ErrorKind::OffsetMinute { minute } => {
                write!(f, "offset minute {minute:02} is out of range (expected 00 to 59)")
            }
        }
    }
}

impl Error for DateTimeParseError {}

/// A position in the text being parsed.
struct Cursor<'a> {
    /// The text.
    bytes: &'a [u8],
    /// Index of the next byte.
    pos: usize,
}

impl Cursor<'_> {
    /// The next byte, if any.
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Moves past the next byte.
    fn bump(&mut self) {
        self.pos += 1;
    }

    /// An error saying `what` was expected at the current position.
    fn expected(&self, what: &'static str) -> DateTimeParseError {
        ErrorKind::Expected { what, at: self.pos, found: self.peek() }.into()
    }

    /// Consumes exactly `count` (at most 9) ASCII digits.
    fn digits(&mut self, count: usize) -> Result<u32, DateTimeParseError> {
        let mut value = 0_u32;
        for _ in 0..count {
            match self.peek() {
                Some(byte) if byte.is_ascii_digit() => {
                    value = value * 10 + u32::from(byte - b'0');
                    self.bump();
                }
                _ => return Err(self.expected("an ASCII digit")),
            }
        }
        Ok(value)
    }

    /// Consumes `byte`, described as `what` in the error.
    fn literal(&mut self, byte: u8, what: &'static str) -> Result<(), DateTimeParseError> {
        if self.peek() == Some(byte) {
            self.bump();
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }
}

/// Days in a month of the proleptic Gregorian calendar (year 0000 is a leap year).
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The text of a [`DateTimeOffset`], on the stack.
struct Rendered {
    /// ASCII bytes; the first `len` are the text.
    buf: [u8; RENDER_CAPACITY],
    /// Number of bytes written.
    len: usize,
}

impl Rendered {
    /// An empty buffer.
    #[inline]
    fn new() -> Self {
        Self { buf: [0; RENDER_CAPACITY], len: 0 }
    }

    /// Appends one ASCII byte (ignored if the buffer is full, which the capacity rules out).
    #[inline]
    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// Appends `value` (below 100) as two decimal digits.
    #[inline]
    fn push_two_digits(&mut self, value: u32) {
        self.push(b'0' + (value / 10 % 10) as u8);
        self.push(b'0' + (value % 10) as u8);
    }

    /// Appends the last `width` decimal digits of `value`, zero-padded.
    fn push_digits(&mut self, value: u32, width: usize) {
        let mut divisor = 1_u32;
        for _ in 1..width {
            divisor = divisor.saturating_mul(10);
        }
        let mut rest = value;
        for _ in 0..width {
            // `divisor` is 10^k here, so the digit is below 10.
            let digit = (rest / divisor % 10) as u8;
            self.push(b'0' + digit);
            rest %= divisor;
            divisor /= 10;
            if divisor == 0 {
                divisor = 1;
            }
        }
    }

    /// The text.
    fn as_str(&self) -> &str {
        // Only ASCII bytes are ever pushed, so this never falls back to "".
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Panicking is how tests fail.
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    const ACCEPTED: &[&str] = &[
        "2016-12-31T23:59:36.3292251-08:00",
        "2026-07-20T13:52:25Z",
        "2026-07-20T13:52:25.000Z",
        "2026-07-20t13:52:25+00:00",
        "2026-07-20T13:52:25-00:00",
        "0000-01-01T00:00:00z",
        "9999-12-31T23:59:59.999999999-23:59",
        "0000-01-01T00:00:00.000000000+23:59",
        "2024-02-29T00:00:00Z",
        "2000-02-29T12:00:00.1+05:30",
        "2026-07-20T13:52:25.0z",
        "2026-07-20T13:52:25.10-00:30",
        "2026-07-20T13:52:25.123456789+14:00",
        "2026-07-20T13:52:25.00000001Z",
        "1970-01-01T00:00:00Z",
    ];

    fn parse(text: &str) -> DateTimeOffset {
        DateTimeOffset::parse(text).unwrap()
    }

    fn error(text: &str) -> String {
        DateTimeOffset::parse(text).unwrap_err().to_string()
    }

    fn hash_of(value: &DateTimeOffset) -> u64 {
        let mut hasher = DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn display_round_trips_exactly() {
        for text in ACCEPTED {
            let value = parse(text);
            assert_eq!(value.to_string(), *text);
            assert_eq!(value.to_text(), *text);
            assert_eq!(text.parse::<DateTimeOffset>().unwrap(), value);
            assert_eq!(format!("{value:?}"), format!("DateTimeOffset({text:?})"));
        }
    }

    #[test]
    fn serde_round_trips_exactly() {
        for text in ACCEPTED {
            let json = format!("\"{text}\"");
            let value: DateTimeOffset = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            let from_value: DateTimeOffset =
                serde_json::from_value(serde_json::Value::String((*text).to_owned())).unwrap();
            assert_eq!(from_value, value);
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::Value::String((*text).to_owned()));
        }
        let json = r#"{"a":["2026-07-20T13:52:25.000Z","2016-12-31T23:59:36.3292251-08:00"]}"#;
        let value: std::collections::BTreeMap<String, Vec<DateTimeOffset>> = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
    }

    #[test]
    fn parsed_fields() {
        let value = parse("2016-12-31T23:59:36.3292251-08:00");
        assert_eq!(value.fractional_digits(), 7);
        let expected = FixedOffset::west_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2016, 12, 31, 23, 59, 36)
            .unwrap()
            .with_nanosecond(329_225_100)
            .unwrap();
        assert_eq!(value.instant(), expected);
        assert_eq!(value.instant().offset().local_minus_utc(), -8 * 3600);
        assert_eq!(
            value.to_utc(),
            Utc.with_ymd_and_hms(2017, 1, 1, 7, 59, 36).unwrap().with_nanosecond(329_225_100).unwrap()
        );
        assert_eq!(parse("2026-07-20T13:52:25.000Z").fractional_digits(), 3);
        assert_eq!(parse("2026-07-20T13:52:25Z").fractional_digits(), 0);
        assert_eq!(parse("2026-07-20T13:52:25.00000001Z").instant().nanosecond(), 10);
        let negative_zero = parse("2026-07-20T13:52:25-00:00");
        assert_eq!(negative_zero.instant().offset().local_minus_utc(), 0);
        assert_eq!(parse("0000-01-01T00:00:00+23:59").to_utc().to_string(), "-0001-12-31 00:01:00 UTC");
    }

    #[test]
    fn leap_days() {
        assert!(DateTimeOffset::parse("2024-02-29T00:00:00Z").is_ok());
        assert!(DateTimeOffset::parse("2000-02-29T00:00:00Z").is_ok());
        assert!(DateTimeOffset::parse("0000-02-29T00:00:00Z").is_ok());
        assert_eq!(error("2023-02-29T00:00:00Z"), "day 29 does not exist in 2023-02");
        assert_eq!(error("1900-02-29T00:00:00Z"), "day 29 does not exist in 1900-02");
        assert_eq!(error("2024-02-30T00:00:00Z"), "day 30 does not exist in 2024-02");
        assert_eq!(error("2024-04-31T00:00:00Z"), "day 31 does not exist in 2024-04");
        assert_eq!(error("2024-01-00T00:00:00Z"), "day 00 does not exist in 2024-01");
        assert!(DateTimeOffset::parse("2024-01-31T00:00:00Z").is_ok());
        assert_eq!(error("2024-01-32T00:00:00Z"), "day 32 does not exist in 2024-01");
    }

    #[test]
    fn rejections() {
        let cases: &[(&str, &str)] = &[
            ("", "empty string"),
            ("2026-07-20T13:52:25.3292251000000000Z", "too long (37 bytes; an Edm.DateTimeOffset has at most 35)"),
            ("2026-07-20T13:52:25.3292251000Z", "more than 9 fractional digits (found 10)"),
            ("2026-07-20T13:52:25.Z", "expected a fractional digit after `.` at byte 20, found `Z`"),
            ("2026-07-20T13:52:25.", "expected a fractional digit after `.` at byte 20, found end of input"),
            ("2026-07-20 13:52:25Z", "expected `T` or `t` at byte 10, found ` `"),
            ("2026-07-20X13:52:25Z", "expected `T` or `t` at byte 10, found `X`"),
            ("2026-07-20T13:52:25", "expected `.`, `Z`, `z`, `+` or `-` at byte 19, found end of input"),
            ("2026-07-20T13:52:25.5", "expected `Z`, `z`, `+` or `-` at byte 21, found end of input"),
            ("2026-07-20T13:52:25Zx", "unexpected characters after the offset at byte 20"),
            ("2026-07-20T13:52:25+00:00Z", "unexpected characters after the offset at byte 25"),
            ("2026-07-20T13:52:25+0000", "expected `:` at byte 22, found `0`"),
            ("2026-07-20T13:52:25+00", "expected `:` at byte 22, found end of input"),
            ("2026-07-20T13:52:25+0:00", "expected an ASCII digit at byte 21, found `:`"),
            ("2026-07-20T13:52Z", "expected `:` at byte 16, found `Z`"),
            ("2026-7-20T13:52:25Z", "expected an ASCII digit at byte 6, found `-`"),
            ("+2026-07-20T13:52:25Z", "expected an ASCII digit at byte 0, found `+`"),
            ("12026-07-20T13:52:25Z", "expected `-` at byte 4, found `6`"),
            ("2026/07/20T13:52:25Z", "expected `-` at byte 4, found `/`"),
            ("2026-07-20T13:52:25\nZ", "expected `.`, `Z`, `z`, `+` or `-` at byte 19, found byte 0x0A"),
            ("２０２６-07-20T13:52:25Z", "expected an ASCII digit at byte 0, found a non-ASCII character"),
            ("2026-07-20T13:52:25é", "expected `.`, `Z`, `z`, `+` or `-` at byte 19, found a non-ASCII character"),
            ("2026-07-20T13:52:2５Z", "expected an ASCII digit at byte 18, found a non-ASCII character"),
            ("2026-00-20T13:52:25Z", "month 00 does not exist (expected 01 to 12)"),
            ("2026-13-20T13:52:25Z", "month 13 does not exist (expected 01 to 12)"),
            ("2026-07-20T24:00:00Z", "hour 24 is out of range (expected 00 to 23)"),
            ("2026-07-20T13:60:25Z", "minute 60 is out of range (expected 00 to 59)"),
            ("2016-12-31T23:59:60Z", "second 60 is out of range (expected 00 to 59; leap seconds are not accepted)"),
            ("2026-07-20T13:52:25+24:00", "offset hour 24 is out of range (expected 00 to 23)"),
            ("2026-07-20T13:52:25-23:60", "offset minute 60 is out of range (expected 00 to 59)"),
        ];
        for (text, message) in cases {
            assert_eq!(error(text), *message, "for {text:?}");
        }
        // Very long strings are rejected up front.
        let long = "9".repeat(1 << 20);
        assert_eq!(error(&long), "too long (1048576 bytes; an Edm.DateTimeOffset has at most 35)");
        assert_eq!(error("2026-07-20T13:52:25.32922510000000Z"), "more than 9 fractional digits (found 14)");
    }

    #[test]
    fn never_panics() {
        // Every prefix, and every single-byte mutation, of every accepted text.
        let replacements: &[&str] = &["", "0", "9", "T", "Z", "-", ":", ".", "+", "é", "\u{0}"];
        for text in ACCEPTED {
            for end in 0..=text.len() {
                let _ = DateTimeOffset::parse(&text[..end]);
            }
            for (at, _) in text.char_indices() {
                for replacement in replacements {
                    let mut mutated = String::new();
                    mutated.push_str(&text[..at]);
                    mutated.push_str(replacement);
                    mutated.push_str(&text[at + 1..]);
                    if let Ok(value) = DateTimeOffset::parse(&mutated) {
                        assert_eq!(value.to_string(), mutated);
                    }
                }
            }
        }
        // Pseudo-random texts over an alphabet that hits the grammar often.
        let alphabet = b"0123456789012345678901234567890123456789-:T.Z+tz";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..50_000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 37) as usize;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(char::from(alphabet[(state % alphabet.len() as u64) as usize]));
            }
            if let Ok(value) = DateTimeOffset::parse(&text) {
                assert_eq!(value.to_string(), text);
            }
        }
    }

    #[test]
    fn equality_is_on_the_text() {
        let z = parse("2026-07-20T13:52:25Z");
        let z_millis = parse("2026-07-20T13:52:25.000Z");
        let numeric = parse("2026-07-20T13:52:25+00:00");
        let negative = parse("2026-07-20T13:52:25-00:00");
        let lower = parse("2026-07-20t13:52:25z");
        let shifted = parse("2026-07-20T15:52:25+02:00");
        let all = [z, z_millis, numeric, negative, lower, shifted];
        for (i, a) in all.iter().enumerate() {
            for (j, b) in all.iter().enumerate() {
                assert_eq!(a.instant(), b.instant());
                assert_eq!(a == b, i == j, "{a:?} vs {b:?}");
                assert_eq!(a.cmp(b) == Ordering::Equal, i == j);
                assert_eq!(a.cmp(b), a.to_string().cmp(&b.to_string()));
            }
        }
        assert_eq!(z, parse("2026-07-20T13:52:25Z"));
        assert_eq!(hash_of(&z), hash_of(&parse("2026-07-20T13:52:25Z")));
        let set: std::collections::HashSet<_> = all.iter().copied().collect();
        assert_eq!(set.len(), all.len());
    }

    #[test]
    fn order_is_by_instant_first() {
        let mut values = [
            parse("2026-07-20T13:52:26Z"),
            parse("2026-07-20T14:52:25+02:00"),
            parse("2026-07-20T13:52:25.5Z"),
            parse("2026-07-20T13:52:25Z"),
        ];
        values.sort();
        let texts: Vec<String> = values.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            ["2026-07-20T14:52:25+02:00", "2026-07-20T13:52:25Z", "2026-07-20T13:52:25.5Z", "2026-07-20T13:52:26Z",]
        );
    }

    #[test]
    fn from_chrono() {
        let utc = Utc.with_ymd_and_hms(2026, 7, 20, 13, 52, 25).unwrap();
        assert_eq!(DateTimeOffset::from(utc).to_string(), "2026-07-20T13:52:25Z");
        assert_eq!(
            DateTimeOffset::from(utc.with_nanosecond(329_225_100).unwrap()).to_string(),
            "2026-07-20T13:52:25.3292251Z"
        );
        assert_eq!(
            DateTimeOffset::from(utc.with_nanosecond(500_000_000).unwrap()).to_string(),
            "2026-07-20T13:52:25.5000000Z"
        );
        assert_eq!(DateTimeOffset::from(utc.with_nanosecond(1).unwrap()).to_string(), "2026-07-20T13:52:25.000000001Z");
        assert_eq!(DateTimeOffset::from(utc.fixed_offset()).to_string(), "2026-07-20T13:52:25+00:00");
        let pacific = utc.with_timezone(&FixedOffset::west_opt(8 * 3600).unwrap());
        let converted = DateTimeOffset::from(pacific);
        assert_eq!(converted.to_string(), "2026-07-20T05:52:25-08:00");
        assert_eq!(converted.instant(), pacific);
        assert_eq!(parse(&converted.to_string()), converted);

        // Leap second: kept inside second 59.
        let leap = utc
            .with_hour(23)
            .unwrap()
            .with_minute(59)
            .unwrap()
            .with_second(59)
            .unwrap()
            .with_nanosecond(1_500_000_000)
            .unwrap();
        assert_eq!(DateTimeOffset::from(leap).to_string(), "2026-07-20T23:59:59.999999999Z");
        // Offset seconds: truncated to whole minutes, instant kept.
        let odd = utc.with_timezone(&FixedOffset::east_opt(-(5 * 3600 + 30 * 60 + 45)).unwrap());
        let converted = DateTimeOffset::from(odd);
        assert_eq!(converted.instant(), utc);
        assert_eq!(converted.to_string(), "2026-07-20T08:22:25-05:30");
        // Years outside 0000..=9999: expanded form, rejected by `parse`.
        let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(DateTimeOffset::from(far).to_string(), "+10000-01-01T00:00:00Z");
        let early = Utc.with_ymd_and_hms(-1, 12, 31, 0, 0, 0).unwrap();
        assert_eq!(DateTimeOffset::from(early).to_string(), "-0001-12-31T00:00:00Z");
        let earliest = DateTime::<Utc>::MIN_UTC.with_timezone(&FixedOffset::east_opt(0).unwrap());
        assert_eq!(DateTimeOffset::from(earliest).to_string(), "-262143-01-01T00:00:00+00:00");
        let latest = DateTimeOffset::from(DateTime::<Utc>::MAX_UTC);
        assert_eq!(latest.to_string(), "+262142-12-31T23:59:59.999999999Z");
    }

    #[test]
    fn agrees_with_chrono() {
        // Pseudo-random instants over `chrono`'s whole range and offsets of whole minutes: the
        // calendar arithmetic done by hand gives `chrono`'s instants and texts.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (min, max) = (DateTime::<Utc>::MIN_UTC.timestamp(), DateTime::<Utc>::MAX_UTC.timestamp());
        let mut previous: Option<(DateTime<FixedOffset>, DateTimeOffset)> = None;
        for round in 0..20_000 {
            let seconds = if round % 2 == 0 {
                min + (next() % (max - min + 1) as u64) as i64
            } else {
                // Years 0000 to 9999, where texts parse back.
                -62_167_219_200 + (next() % 315_537_897_600) as i64
            };
            let nanosecond = [0, 500_000_000, 329_225_100, 1][(next() % 4) as usize];
            let offset = FixedOffset::east_opt((next() % 2879) as i32 * 60 - 1439 * 60).unwrap();
            let instant = DateTime::from_timestamp(seconds, nanosecond).unwrap().with_timezone(&offset);
            let value = DateTimeOffset::from(instant);
            assert_eq!(value.instant(), instant);
            assert_eq!(value.instant().offset(), instant.offset());
            assert_eq!(value.to_utc(), instant.with_timezone(&Utc));
            let text = value.to_string();
            if let Ok(parsed) = DateTimeOffset::parse(&text) {
                assert_eq!(parsed, value, "{text}");
                assert_eq!(DateTime::parse_from_rfc3339(&text).unwrap(), instant, "{text}");
                assert_eq!(text[..19], instant.format("%Y-%m-%dT%H:%M:%S").to_string());
                assert_eq!(text[text.len() - 6..], instant.format("%:z").to_string());
            } else {
                assert!(!(0..=9999).contains(&instant.year()), "{text}");
            }
            if let Some((other_instant, other)) = previous {
                assert_eq!(
                    value.cmp(&other).is_lt(),
                    instant < other_instant || (instant == other_instant && text < other.to_string())
                );
            }
            previous = Some((instant, value));
        }
        // A local time past `chrono`'s range (its `naive_local` would panic) is still written.
        let east = FixedOffset::east_opt(1439 * 60).unwrap();
        let value = DateTimeOffset::from(DateTime::<Utc>::MAX_UTC.with_timezone(&east));
        assert_eq!(value.to_string(), "+262143-01-01T23:58:59.999999999+23:59");
        assert_eq!(value.instant(), DateTime::<Utc>::MAX_UTC);
        let west = FixedOffset::west_opt(1439 * 60).unwrap();
        let value = DateTimeOffset::from(DateTime::<Utc>::MIN_UTC.with_timezone(&west));
        assert_eq!(value.to_string(), "-262144-12-31T00:01:00-23:59");
        assert_eq!(value.instant(), DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn serde_errors() {
        let err = serde_json::from_str::<DateTimeOffset>(r#""2024-02-30T00:00:00Z""#).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid value: string \"2024-02-30T00:00:00Z\", expected an Edm.DateTimeOffset \
             (RFC 3339 date-time with 0 to 9 fractional digits), day 30 does not exist in \
             2024-02 at line 1 column 22"
        );
        let err = serde_json::from_str::<DateTimeOffset>("5").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid type: integer `5`, expected an Edm.DateTimeOffset (RFC 3339 date-time \
             with 0 to 9 fractional digits) at line 1 column 1"
        );
        let err = serde_json::from_str::<DateTimeOffset>("null").unwrap_err().to_string();
        assert!(err.starts_with("invalid type: null, expected an Edm.DateTimeOffset"));
        let long = format!("\"{}\"", "2".repeat(1000));
        let err = serde_json::from_str::<DateTimeOffset>(&long).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "invalid value: string of 1000 bytes starting with \"{}\", expected an \
                 Edm.DateTimeOffset (RFC 3339 date-time with 0 to 9 fractional digits), too \
                 long (1000 bytes; an Edm.DateTimeOffset has at most 35) at line 1 column 1002",
                "2".repeat(48)
            )
        );
        let long = format!("\"{}\"", "é".repeat(100));
        let err = serde_json::from_str::<DateTimeOffset>(&long).unwrap_err().to_string();
        assert!(err.starts_with(&format!("invalid value: string of 200 bytes starting with \"{}\"", "é".repeat(24))));
    }

    #[test]
    fn display_honours_padding() {
        let value = parse("2026-07-20T13:52:25Z");
        assert_eq!(format!("{value:>22}|"), "  2026-07-20T13:52:25Z|");
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn json_schema() {
        use schemars::JsonSchema;
        assert!(DateTimeOffset::inline_schema());
        assert_eq!(DateTimeOffset::schema_name(), "DateTimeOffset");
        assert_eq!(DateTimeOffset::schema_id(), "cloudpki_model::DateTimeOffset");
        let schema = schemars::SchemaGenerator::default().into_root_schema_for::<DateTimeOffset>();
        let value = schema.as_value();
        assert_eq!(value["type"], "string");
        assert_eq!(value["format"], "date-time");
        assert_eq!(value["pattern"], DATE_TIME_PATTERN);
        let mut generator = schemars::SchemaGenerator::default();
        assert_eq!(
            DateTimeOffset::json_schema(&mut generator),
            schemars::json_schema!({
                "type": "string",
                "format": "date-time",
                "pattern": DATE_TIME_PATTERN,
            })
        );
    }
}
