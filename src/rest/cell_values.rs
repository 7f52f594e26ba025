//! What each column type accepts from a JSON value, and the output column it describes: text
//! (objects and arrays as JSON), integers from numbers or numeric strings (a reference object's
//! id), floats, booleans in their spellings, dates and timestamps in the services' formats, exact
//! decimals, option ids as labels. `None` means the value does not fit; `Some(None)` is NULL (an
//! empty string). It neither finds values in records nor builds arrays.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::Value;

use crate::profile::{Column, ColumnType, TimeFormat};

/// One output column: where its value comes from and how it is typed.
#[derive(Clone, Debug)]
pub struct OutColumn {
    pub name: String,
    pub path: String,
    pub ty: ColumnType,
    pub format: TimeFormat,
    /// Filled from the scan's context (parent key) instead of the record.
    pub from_context: bool,
    /// Values shown as labels (`Column::labels`); `None` when the column has none.
    pub labels: Option<Arc<BTreeMap<String, String>>>,
}

impl OutColumn {
    pub fn new(c: &Column, from_context: bool) -> OutColumn {
        OutColumn {
            name: c.name.clone(),
            path: c.json_path().to_string(),
            ty: c.ty,
            format: c.time_format.clone(),
            from_context,
            labels: (!c.labels.is_empty()).then(|| Arc::new(c.labels.clone())),
        }
    }
}

/// An option id's label; an id without one (an option deleted since) is shown as it is.
pub(super) fn label_of<'a>(labels: &'a BTreeMap<String, String>, v: &'a Value) -> Cow<'a, str> {
    let id = text(v);
    match labels.get(id.as_ref()) {
        Some(label) => Cow::Borrowed(label),
        None => id,
    }
}

/// Several option ids (a JSON array, or ids joined by commas) as a JSON array of their labels,
/// written straight as text (the same text a `Value` array of the labels prints).
pub(super) fn labels_of(labels: &BTreeMap<String, String>, v: &Value) -> Option<String> {
    let mut out = Vec::with_capacity(32);
    out.push(b'[');
    let mut put = |label: &str| {
        if out.len() > 1 {
            out.push(b',');
        }
        // A string written into memory cannot fail.
        let _ = serde_json::to_writer(&mut out, label);
    };
    match v {
        Value::Array(items) => items.iter().for_each(|item| put(&label_of(labels, item))),
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .for_each(|id| put(labels.get(id).map_or(id, String::as_str))),
        Value::Number(_) => put(&label_of(labels, v)),
        _ => return None,
    }
    out.push(b']');
    String::from_utf8(out).ok()
}

/// Scalars as their text, objects and arrays as JSON text. Strings are borrowed: the builder
/// copies them anyway, so an owned copy per cell would be pure allocation.
pub(super) fn text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

/// `None`: does not fit. `Some(None)`: empty string, read as NULL.
pub(super) fn int(v: &Value) -> Option<Option<i64>> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                    .map(|f| f as i64)
            })
            .map(Some),
        Value::String(s) if s.trim().is_empty() => Some(None),
        Value::String(s) => s.trim().parse::<i64>().ok().map(Some),
        Value::Bool(b) => Some(Some(i64::from(*b))),
        // A reference some responses expand into an object (Pipedrive v1's user, organization
        // and person fields): its id.
        Value::Object(m) => m
            .get("value")
            .or_else(|| m.get("id"))
            .and_then(|v| match v {
                Value::Object(_) => None,
                v => int(v),
            }),
        _ => None,
    }
}

pub(super) fn float(v: &Value) -> Option<Option<f64>> {
    match v {
        Value::Number(n) => n.as_f64().map(Some),
        Value::String(s) if s.trim().is_empty() => Some(None),
        Value::String(s) => s.trim().parse::<f64>().ok().map(Some),
        _ => None,
    }
}

pub(super) fn boolean(v: &Value) -> Option<Option<bool>> {
    match v {
        Value::Bool(b) => Some(Some(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(Some(false)),
            Some(1) => Some(Some(true)),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(Some(true)),
            "false" | "0" | "no" => Some(Some(false)),
            "" => Some(None),
            _ => None,
        },
        _ => None,
    }
}

const EPOCH_DAYS_CE: i32 = 719_163;

pub(super) fn date(v: &Value, fmt: &TimeFormat) -> Option<Option<i32>> {
    let Value::String(s) = v else { return None };
    let s = s.trim();
    if s.is_empty() {
        return Some(None);
    }
    let d = match fmt {
        TimeFormat::Rfc3339 => DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.naive_utc().date()),
        TimeFormat::Pattern(f) if f == "%Y-%m-%d" => {
            plain_date(s.as_bytes()).or_else(|| NaiveDate::parse_from_str(s, f).ok())
        }
        TimeFormat::Pattern(f) => NaiveDate::parse_from_str(s, f).ok(),
        TimeFormat::Guess => plain_date(s.as_bytes())
            .or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .or_else(|| {
                DateTime::parse_from_rfc3339(s)
                    .ok()
                    .map(|t| t.naive_utc().date())
            }),
    }?;
    use chrono::Datelike;
    Some(Some(d.num_days_from_ce() - EPOCH_DAYS_CE))
}

pub(super) fn timestamp(v: &Value, fmt: &TimeFormat) -> Option<Option<i64>> {
    let Value::String(s) = v else { return None };
    let s = s.trim();
    if s.is_empty() {
        return Some(None);
    }
    // An offset without its colon (Keap's `+0000`) is not RFC 3339 but means the same.
    let rfc = || {
        DateTime::parse_from_rfc3339(s)
            .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .ok()
            .map(|t| t.naive_utc())
    };
    let naive = |f: &str| NaiveDateTime::parse_from_str(s, f).ok();
    let t = match fmt {
        TimeFormat::Rfc3339 => rfc(),
        TimeFormat::Pattern(f) if f == SPACED => plain_datetime(s, b' ').or_else(|| naive(SPACED)),
        // A pattern with an offset: the instant in UTC, never the local time with it dropped.
        TimeFormat::Pattern(f) if f.contains("%z") || f.contains("%:z") || f.contains("%#z") => {
            DateTime::parse_from_str(s, f).ok().map(|t| t.naive_utc())
        }
        TimeFormat::Pattern(f) => naive(f),
        TimeFormat::Guess => plain_datetime(s, b' ')
            .or_else(rfc)
            .or_else(|| naive(SPACED))
            .or_else(|| naive("%Y-%m-%dT%H:%M:%S%.f")),
    }?;
    Some(Some(t.and_utc().timestamp_micros()))
}

/// Pipedrive's format (and the default's first guess).
pub(super) const SPACED: &str = "%Y-%m-%d %H:%M:%S";

/// `YYYY-MM-DD<sep>HH:MM:SS` exactly, read by hand: chrono re-reads the format string for every
/// value, which costs more than the rest of the cell's conversion. Anything else (other lengths,
/// signs, fractions) is `None`, and the caller asks chrono.
pub(super) fn plain_datetime(s: &str, sep: u8) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() != 19 || b[10] != sep || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = plain_date(&b[..10])?;
    date.and_hms_opt(
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    )
}

/// `YYYY-MM-DD` exactly, read by hand for the reason [`plain_datetime`] is; else `None`.
fn plain_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        digits(&b[..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

/// ASCII digits as a number; `None` for anything else.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, d| {
        d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
    })
}

pub(super) fn decimal(v: &Value, p: u8, s: i8) -> Option<Option<i128>> {
    let t = match v {
        Value::Number(n) => n.to_string(),
        Value::String(x) if x.trim().is_empty() => return Some(None),
        Value::String(x) => x.trim().to_string(),
        _ => return None,
    };
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((&digits, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part
        .chars()
        .chain(frac_part.chars())
        .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let scale = usize::try_from(s).ok()?;
    // Digits past the scale must be zeros: rounding would change the API's value silently.
    if frac_part.len() > scale && frac_part[scale..].chars().any(|c| c != '0') {
        return None;
    }
    let mut frac: String = frac_part.chars().take(scale).collect();
    while frac.len() < scale {
        frac.push('0');
    }
    let all = format!("{int_part}{frac}");
    let trimmed = all.trim_start_matches('0');
    if trimmed.len() > usize::from(p) {
        return None;
    }
    let n: i128 = if trimmed.is_empty() {
        0
    } else {
        trimmed.parse().ok()?
    };
    Some(Some(if neg { -n } else { n }))
}
