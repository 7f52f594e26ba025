//! The canonical text form of each value kind: booleans `1`/`0`, floats in shortest round-trip form,
//! decimals with their scale, `YYYY-MM-DD`, `HH:MM:SS[.fraction]`, `YYYY-MM-DD HH:MM:SS[.fraction]`,
//! binary as upper-case hex. Also says which prefix of a text form must fit in a character buffer
//! (the ODBC rule: whole digits must fit, fractional digits may be cut).

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::value::Cell;

/// How a text form may be cut to fit a character buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Text or binary data: any prefix may be returned (01004), the rest in later calls.
    Free,
    /// A number, date or time: at least the first `n` bytes must fit or the conversion fails
    /// with 22003; the rest (fractional digits) may be dropped, and is not returned later.
    Whole(usize),
}

/// Shortest text that reads back as the same `f64`; exponent form for very large or small values.
pub(crate) fn f64_text(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let a = v.abs();
    if a == 0.0 || (1e-5..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Shortest text that reads back as the same `f32`.
pub(crate) fn f32_text(v: f32) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let a = v.abs();
    if a == 0.0 || (1e-5..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// `digits` is an integer's decimal text (optionally with a leading `-`); place the decimal point
/// `scale` digits from the right (a negative scale appends zeros).
pub(crate) fn decimal_digits_to_text(digits: &str, scale: i8) -> String {
    let (neg, mag) = match digits.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, digits),
    };
    let mut out = String::with_capacity(mag.len() + 3);
    if neg {
        out.push('-');
    }
    if scale <= 0 {
        out.push_str(mag);
        if mag != "0" {
            for _ in 0..(-i32::from(scale)) {
                out.push('0');
            }
        }
        return out;
    }
    let s = usize::from(scale.unsigned_abs());
    if mag.len() > s {
        let (int, frac) = mag.split_at(mag.len() - s);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else {
        out.push_str("0.");
        for _ in 0..(s - mag.len()) {
            out.push('0');
        }
        out.push_str(mag);
    }
    out
}

pub(crate) fn decimal_text(value: i128, scale: i8) -> String {
    decimal_digits_to_text(&value.to_string(), scale)
}

pub(crate) fn date_text(d: &NaiveDate) -> String {
    let mut s = String::with_capacity(10);
    push_date(&mut s, d);
    s
}

fn push_date(s: &mut String, d: &NaiveDate) {
    let y = d.year();
    if (0..=9999).contains(&y) {
        let _ = write!(s, "{y:04}-{:02}-{:02}", d.month(), d.day());
    } else {
        let _ = write!(s, "{y:+05}-{:02}-{:02}", d.month(), d.day());
    }
}

fn push_time(s: &mut String, t: &NaiveTime) {
    let _ = write!(s, "{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    let nanos = t.nanosecond() % 1_000_000_000;
    if nanos != 0 {
        let frac = format!("{nanos:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
}

pub(crate) fn time_text(t: &NaiveTime) -> String {
    let mut s = String::with_capacity(18);
    push_time(&mut s, t);
    s
}

pub(crate) fn timestamp_text(ts: &NaiveDateTime) -> String {
    let mut s = String::with_capacity(29);
    push_date(&mut s, &ts.date());
    s.push(' ');
    push_time(&mut s, &ts.time());
    s
}

pub(crate) fn hex_text(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xF)]));
    }
    s
}

/// The prefix of a number's or datetime's text that must fit: up to the decimal point, or all
/// of it when the text has no point or uses an exponent.
fn whole_part(text: &str) -> usize {
    if text.contains(['e', 'E']) {
        return text.len();
    }
    text.find('.').unwrap_or(text.len())
}

/// The canonical text of a cell and how it may be cut.
pub(crate) fn cell_text<'c>(cell: &'c Cell<'_>) -> (Cow<'c, str>, Shape) {
    let owned = |s: String| {
        let w = whole_part(&s);
        (Cow::Owned(s), Shape::Whole(w))
    };
    match cell {
        Cell::Bool(b) => (Cow::Borrowed(if *b { "1" } else { "0" }), Shape::Whole(1)),
        Cell::Int(v) => owned(v.to_string()),
        Cell::UInt(v) => owned(v.to_string()),
        Cell::F32(v) => owned(f32_text(*v)),
        Cell::F64(v) => owned(f64_text(*v)),
        Cell::Decimal { value, scale, .. } => owned(decimal_text(*value, *scale)),
        Cell::BigDecimal(s) => (Cow::Borrowed(s.as_str()), Shape::Whole(whole_part(s))),
        Cell::Text(s) => (Cow::Borrowed(s.as_ref()), Shape::Free),
        Cell::Binary(b) => (Cow::Owned(hex_text(b)), Shape::Free),
        Cell::Date(d) => owned(date_text(d)),
        Cell::Time(t) => owned(time_text(t)),
        Cell::Timestamp(ts) => owned(timestamp_text(ts)),
        Cell::Formatted(s) => (Cow::Borrowed(s.as_str()), Shape::Free),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_shortest_round_trip() {
        assert_eq!(f64_text(0.1), "0.1");
        assert_eq!(f64_text(1.0), "1");
        assert_eq!(f64_text(-2.5), "-2.5");
        assert_eq!(f64_text(1e300), "1e300");
        assert_eq!(f64_text(1.5e-7), "1.5e-7");
        assert_eq!(f64_text(f64::NAN), "NaN");
        assert_eq!(f64_text(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(f32_text(0.1f32), "0.1");
        assert_eq!(f64_text(0.0), "0");
    }

    #[test]
    fn decimals_keep_their_scale() {
        assert_eq!(decimal_text(12345, 2), "123.45");
        assert_eq!(decimal_text(-5, 2), "-0.05");
        assert_eq!(decimal_text(100, 2), "1.00");
        assert_eq!(decimal_text(7, 0), "7");
        assert_eq!(decimal_text(7, -2), "700");
        assert_eq!(decimal_text(0, -2), "0");
    }

    #[test]
    fn datetimes() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(date_text(&d), "2024-02-29");
        let t = NaiveTime::from_hms_nano_opt(7, 8, 9, 120_000_000).unwrap();
        assert_eq!(time_text(&t), "07:08:09.12");
        assert_eq!(
            timestamp_text(&d.and_hms_opt(23, 59, 0).unwrap()),
            "2024-02-29 23:59:00"
        );
        assert_eq!(hex_text(&[0x00, 0xAB, 0x7f]), "00AB7F");
    }
}
