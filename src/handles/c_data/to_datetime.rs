//! Values into DATE_STRUCT, TIME_STRUCT and TIMESTAMP_STRUCT (laid out as in `sqltypes.h`,
//! native-endian), and the datetime text forms they are parsed from: `YYYY-MM-DD`,
//! `HH:MM[:SS[.fraction]]`, `YYYY-MM-DD[ T]HH:MM[:SS[.fraction]][Z|±HH[:MM]]` and the ODBC escapes
//! `{d '...'}`, `{t '...'}`, `{ts '...'}`. Text that is not shaped like a datetime is 22018;
//! a datetime with impossible fields is 22007; a year outside the struct's range is 22008.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::error::{state, Error, Result};
use crate::handles::c_types::name;

use super::value::Cell;
use super::{show, unsupported, Place};

/// A datetime read from text: a date, a time of day, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parsed {
    Date(NaiveDate),
    Time(NaiveTime),
    Timestamp(NaiveDateTime),
}

/// Why text did not parse as a datetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseFailure {
    /// Not shaped like a date, time or timestamp (22018).
    Shape,
    /// Shaped like one, but with impossible fields such as month 13 (22007).
    Fields,
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Between `min` and `max` digits.
    fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i - start < max {
            match self.s.get(self.i) {
                Some(b) if b.is_ascii_digit() => {
                    v = v * 10 + u32::from(b - b'0');
                    self.i += 1;
                }
                _ => break,
            }
        }
        (self.i - start >= min).then_some(v)
    }

    fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
}

type Fields<T> = std::result::Result<T, ParseFailure>;

fn date_part(c: &mut Cursor<'_>) -> Fields<NaiveDate> {
    let neg = c.eat(b'-');
    let y = c.num(4, 6).ok_or(ParseFailure::Shape)?;
    if !c.eat(b'-') {
        return Err(ParseFailure::Shape);
    }
    let m = c.num(1, 2).ok_or(ParseFailure::Shape)?;
    if !c.eat(b'-') {
        return Err(ParseFailure::Shape);
    }
    let d = c.num(1, 2).ok_or(ParseFailure::Shape)?;
    let y = i32::try_from(y).map_err(|_| ParseFailure::Fields)?;
    NaiveDate::from_ymd_opt(if neg { -y } else { y }, m, d).ok_or(ParseFailure::Fields)
}

fn time_part(c: &mut Cursor<'_>) -> Fields<NaiveTime> {
    let h = c.num(1, 2).ok_or(ParseFailure::Shape)?;
    if !c.eat(b':') {
        return Err(ParseFailure::Shape);
    }
    let mi = c.num(2, 2).ok_or(ParseFailure::Shape)?;
    let mut s = 0;
    let mut nanos = 0;
    if c.eat(b':') {
        s = c.num(2, 2).ok_or(ParseFailure::Shape)?;
        if c.eat(b'.') {
            let start = c.i;
            let mut scale = 100_000_000;
            while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
                nanos += u32::from(b - b'0') * scale;
                scale /= 10;
                c.i += 1;
            }
            if c.i == start {
                return Err(ParseFailure::Shape);
            }
        }
    }
    NaiveTime::from_hms_nano_opt(h, mi, s, nanos).ok_or(ParseFailure::Fields)
}

/// `Z`, `+HH`, `+HHMM`, `+HH:MM` (or `-`): the offset east of UTC in seconds.
fn zone(c: &mut Cursor<'_>) -> Fields<i64> {
    if c.eat(b'Z') || c.eat(b'z') {
        return Ok(0);
    }
    let sign = match c.peek() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(ParseFailure::Shape),
    };
    c.i += 1;
    let h = c.num(2, 2).ok_or(ParseFailure::Shape)?;
    c.eat(b':');
    let m = c.num(2, 2).unwrap_or(0);
    if h > 23 || m > 59 {
        return Err(ParseFailure::Fields);
    }
    Ok(sign * (i64::from(h) * 3600 + i64::from(m) * 60))
}

/// Strip an ODBC datetime escape `{d '...'}`, `{t '...'}` or `{ts '...'}`.
fn strip_escape(s: &str) -> &str {
    let Some(inner) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) else {
        return s;
    };
    let inner = inner.trim();
    let body = inner
        .strip_prefix("ts")
        .or_else(|| inner.strip_prefix('d'))
        .or_else(|| inner.strip_prefix('t'))
        .map(str::trim);
    match body.and_then(|b| b.strip_prefix('\'')?.strip_suffix('\'')) {
        Some(b) => b,
        None => s,
    }
}

/// Parse a date, time or timestamp. A timestamp with a zone is converted to UTC.
pub(crate) fn parse_text(text: &str) -> Fields<Parsed> {
    let s = strip_escape(text.trim()).trim();
    let mut c = Cursor {
        s: s.as_bytes(),
        i: 0,
    };
    // A time has its ':' within the first three characters; a date has '-' after the year.
    let looks_like_time = s.bytes().take(3).any(|b| b == b':');
    if looks_like_time {
        let t = time_part(&mut c)?;
        return if c.done() {
            Ok(Parsed::Time(t))
        } else {
            Err(ParseFailure::Shape)
        };
    }
    let d = date_part(&mut c)?;
    if c.done() {
        return Ok(Parsed::Date(d));
    }
    if !(c.eat(b' ') || c.eat(b'T') || c.eat(b't')) {
        return Err(ParseFailure::Shape);
    }
    while c.eat(b' ') {}
    let t = time_part(&mut c)?;
    let ts = NaiveDateTime::new(d, t);
    if c.done() {
        return Ok(Parsed::Timestamp(ts));
    }
    while c.eat(b' ') {}
    let offset = zone(&mut c)?;
    if !c.done() {
        return Err(ParseFailure::Shape);
    }
    ts.checked_sub_signed(Duration::seconds(offset))
        .map(Parsed::Timestamp)
        .ok_or(ParseFailure::Fields)
}

fn parse_error(text: &str, failure: ParseFailure, c_type: i16, place: Place) -> Error {
    match failure {
        ParseFailure::Shape => Error::new(
            state::INVALID_CHARACTER_VALUE,
            format!(
                "The text {} ({place}) is not a date, time or timestamp, so it cannot be converted to {}; use the forms YYYY-MM-DD, HH:MM:SS or YYYY-MM-DD HH:MM:SS[.fraction], or fetch it as SQL_C_CHAR",
                show(text),
                name(c_type)
            ),
        ),
        ParseFailure::Fields => Error::new(
            state::INVALID_DATETIME_FORMAT,
            format!(
                "The text {} ({place}) is not a valid date or time (a field is out of range) for {}",
                show(text),
                name(c_type)
            ),
        ),
    }
}

fn parsed(text: &str, c_type: i16, place: Place) -> Result<Parsed> {
    parse_text(text).map_err(|f| parse_error(text, f, c_type, place))
}

/// Today's date in UTC, for a time converted to a timestamp.
fn today() -> NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0);
    DateTime::from_timestamp(secs, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

fn year_overflow(year: i32, c_type: i16, place: Place) -> Error {
    Error::new(
        state::DATETIME_OVERFLOW,
        format!(
            "The year {year} ({place}) does not fit in {}; fetch it as SQL_C_CHAR",
            name(c_type)
        ),
    )
}

/// The bytes of a DATE_STRUCT: year i16, month u16, day u16; `None` when the year does not fit
/// in i16. Fixed arrays, so the column-wise fast path writes them with no allocation.
pub(crate) fn date_fields(d: &NaiveDate) -> Option<[u8; 6]> {
    let mut out = [0u8; 6];
    out[0..2].copy_from_slice(&i16::try_from(d.year()).ok()?.to_ne_bytes());
    // Months and days (and below, hours, minutes and seconds) always fit in u16.
    out[2..4].copy_from_slice(&(d.month() as u16).to_ne_bytes());
    out[4..6].copy_from_slice(&(d.day() as u16).to_ne_bytes());
    Some(out)
}

/// The bytes of a TIME_STRUCT: hour, minute, second, each u16.
fn time_fields(t: &NaiveTime) -> [u8; 6] {
    let mut out = [0u8; 6];
    out[0..2].copy_from_slice(&(t.hour() as u16).to_ne_bytes());
    out[2..4].copy_from_slice(&(t.minute() as u16).to_ne_bytes());
    out[4..6].copy_from_slice(&(t.second() as u16).to_ne_bytes());
    out
}

/// The bytes of a TIMESTAMP_STRUCT: year i16, month, day, hour, minute, second u16, fraction u32
/// (nanoseconds); `None` when the year does not fit in i16.
pub(crate) fn timestamp_fields(ts: &NaiveDateTime) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    out[0..6].copy_from_slice(&date_fields(&ts.date())?);
    out[6..12].copy_from_slice(&time_fields(&ts.time()));
    out[12..16].copy_from_slice(&(ts.nanosecond() % 1_000_000_000).to_ne_bytes());
    Some(out)
}

/// [`date_fields`], a year past i16 being 22008.
pub(crate) fn date_struct(d: &NaiveDate, c_type: i16, place: Place) -> Result<Vec<u8>> {
    date_fields(d)
        .map(Vec::from)
        .ok_or_else(|| year_overflow(d.year(), c_type, place))
}

pub(crate) fn time_struct(t: &NaiveTime) -> Vec<u8> {
    time_fields(t).to_vec()
}

/// [`timestamp_fields`], a year past i16 being 22008.
pub(crate) fn timestamp_struct(ts: &NaiveDateTime, c_type: i16, place: Place) -> Result<Vec<u8>> {
    timestamp_fields(ts)
        .map(Vec::from)
        .ok_or_else(|| year_overflow(ts.year(), c_type, place))
}

/// SQL_C_TYPE_DATE / SQL_C_DATE. A timestamp with a time part is truncated (01S07).
pub(crate) fn date_bytes(cell: &Cell<'_>, c_type: i16, place: Place) -> Result<(Vec<u8>, bool)> {
    let (d, truncated) = match cell {
        Cell::Date(d) => (*d, false),
        Cell::Timestamp(ts) => (ts.date(), ts.time() != NaiveTime::MIN),
        Cell::Text(s) => match parsed(s, c_type, place)? {
            Parsed::Date(d) => (d, false),
            Parsed::Timestamp(ts) => (ts.date(), ts.time() != NaiveTime::MIN),
            Parsed::Time(_) => return Err(parse_error(s, ParseFailure::Shape, c_type, place)),
        },
        _ => return Err(unsupported(cell.kind(), c_type, place)),
    };
    Ok((date_struct(&d, c_type, place)?, truncated))
}

/// SQL_C_TYPE_TIME / SQL_C_TIME. Fractional seconds are truncated (01S07).
pub(crate) fn time_bytes(cell: &Cell<'_>, c_type: i16, place: Place) -> Result<(Vec<u8>, bool)> {
    let t = match cell {
        Cell::Time(t) => *t,
        Cell::Timestamp(ts) => ts.time(),
        Cell::Text(s) => match parsed(s, c_type, place)? {
            Parsed::Time(t) => t,
            Parsed::Timestamp(ts) => ts.time(),
            Parsed::Date(_) => return Err(parse_error(s, ParseFailure::Shape, c_type, place)),
        },
        _ => return Err(unsupported(cell.kind(), c_type, place)),
    };
    Ok((time_struct(&t), t.nanosecond() != 0))
}

/// SQL_C_TYPE_TIMESTAMP / SQL_C_TIMESTAMP. A date gets midnight; a time gets today's date (UTC).
pub(crate) fn timestamp_bytes(
    cell: &Cell<'_>,
    c_type: i16,
    place: Place,
) -> Result<(Vec<u8>, bool)> {
    let ts = match cell {
        Cell::Timestamp(ts) => *ts,
        Cell::Date(d) => d.and_time(NaiveTime::MIN),
        Cell::Time(t) => today().and_time(*t),
        Cell::Text(s) => match parsed(s, c_type, place)? {
            Parsed::Timestamp(ts) => ts,
            Parsed::Date(d) => d.and_time(NaiveTime::MIN),
            Parsed::Time(t) => today().and_time(t),
        },
        _ => return Err(unsupported(cell.kind(), c_type, place)),
    };
    Ok((timestamp_struct(&ts, c_type, place)?, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parses_iso_forms() {
        assert_eq!(parse_text("2024-03-05"), Ok(Parsed::Date(ymd(2024, 3, 5))));
        assert_eq!(
            parse_text(" 2024-03-05 10:11:12.5 "),
            Ok(Parsed::Timestamp(
                ymd(2024, 3, 5).and_hms_milli_opt(10, 11, 12, 500).unwrap()
            ))
        );
        assert_eq!(
            parse_text("2024-03-05T10:11:12Z"),
            Ok(Parsed::Timestamp(
                ymd(2024, 3, 5).and_hms_opt(10, 11, 12).unwrap()
            ))
        );
        assert_eq!(
            parse_text("2024-03-05T10:11:12+02:00"),
            Ok(Parsed::Timestamp(
                ymd(2024, 3, 5).and_hms_opt(8, 11, 12).unwrap()
            ))
        );
        assert_eq!(
            parse_text("10:11"),
            Ok(Parsed::Time(NaiveTime::from_hms_opt(10, 11, 0).unwrap()))
        );
        assert_eq!(
            parse_text("{ts '2024-03-05 01:02:03'}"),
            Ok(Parsed::Timestamp(
                ymd(2024, 3, 5).and_hms_opt(1, 2, 3).unwrap()
            ))
        );
        assert_eq!(
            parse_text("{d '2024-03-05'}"),
            Ok(Parsed::Date(ymd(2024, 3, 5)))
        );
    }

    #[test]
    fn shape_and_field_failures() {
        assert_eq!(parse_text("hello"), Err(ParseFailure::Shape));
        assert_eq!(parse_text("2024/03/05"), Err(ParseFailure::Shape));
        assert_eq!(parse_text("2024-03-05x"), Err(ParseFailure::Shape));
        assert_eq!(parse_text("2024-13-05"), Err(ParseFailure::Fields));
        assert_eq!(parse_text("2023-02-29"), Err(ParseFailure::Fields));
        assert_eq!(parse_text("25:00:00"), Err(ParseFailure::Fields));
    }
}
