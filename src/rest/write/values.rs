//! A SQL value as an API takes it: one cell of a column, converted under the column's type, its
//! time `format` and its `labels` (a label written is sent as its option id). It converts; it
//! decides nothing about which columns a request carries.

use chrono::{DateTime, NaiveDate};
use datafusion::common::ScalarValue;
use serde_json::{Number, Value};

use crate::profile::{Column, ColumnType, TimeFormat};

/// The JSON an API is sent for `value` in `column`; `Ok(None)` for NULL. The error says what is
/// wrong with the value, for a message that names the row and column.
pub fn to_json(value: &ScalarValue, column: &Column) -> Result<Option<Value>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let json = match (column.ty, value) {
        (ColumnType::Text, v) => {
            let text = text_of(v)?;
            unlabel(column, &text)
        }
        (ColumnType::Json, v) => {
            let text = text_of(v)?;
            let parsed: Value = serde_json::from_str(&text)
                .map_err(|e| format!("'{}' is not JSON ({e})", shorten(&text)))?;
            match parsed {
                Value::Array(items) if !column.labels.is_empty() => Value::Array(
                    items
                        .into_iter()
                        .map(|i| match i {
                            Value::String(s) => unlabel(column, &s),
                            other => other,
                        })
                        .collect(),
                ),
                other => other,
            }
        }
        (ColumnType::Int64 | ColumnType::Int32, v) => match v {
            ScalarValue::Int64(Some(n)) => Value::from(*n),
            ScalarValue::Int32(Some(n)) => Value::from(*n),
            other => return Err(format!("{other} is not an integer")),
        },
        (ColumnType::Float64, v) => match v {
            ScalarValue::Float64(Some(f)) => Number::from_f64(*f)
                .map(Value::Number)
                .ok_or_else(|| format!("{f} is not a number an API can take"))?,
            other => return Err(format!("{other} is not a number")),
        },
        (ColumnType::Decimal(_, scale), v) => match v {
            ScalarValue::Decimal128(Some(n), _, _) => decimal(*n, scale)?,
            other => return Err(format!("{other} is not a decimal")),
        },
        (ColumnType::Boolean, v) => match v {
            ScalarValue::Boolean(Some(b)) => Value::Bool(*b),
            other => return Err(format!("{other} is not a boolean")),
        },
        (ColumnType::Date, v) => match v {
            ScalarValue::Date32(Some(days)) => {
                let day = NaiveDate::from_num_days_from_ce_opt(*days + 719_163)
                    .ok_or_else(|| format!("day {days} is out of range"))?;
                Value::String(match &column.time_format {
                    TimeFormat::Pattern(p) => formatted(day.format(p), p)?,
                    _ => day.format("%Y-%m-%d").to_string(),
                })
            }
            other => return Err(format!("{other} is not a date")),
        },
        (ColumnType::Timestamp, v) => match v {
            ScalarValue::TimestampMicrosecond(Some(us), _) => {
                let at = DateTime::from_timestamp_micros(*us)
                    .ok_or_else(|| format!("{us} µs is out of range"))?;
                Value::String(match &column.time_format {
                    TimeFormat::Pattern(p) => formatted(at.format(p), p)?,
                    _ => at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                })
            }
            other => return Err(format!("{other} is not a timestamp")),
        },
    };
    Ok(Some(json))
}

/// A chrono format's text; a pattern the value cannot fill (a time of day for a date) is an
/// error, not a panic.
fn formatted(f: impl std::fmt::Display, pattern: &str) -> Result<String, String> {
    use std::fmt::Write;
    let mut out = String::new();
    write!(out, "{f}")
        .map_err(|_| format!("the column's format '{pattern}' cannot write this value"))?;
    Ok(out)
}

fn text_of(v: &ScalarValue) -> Result<String, String> {
    match v {
        ScalarValue::Utf8(Some(s))
        | ScalarValue::LargeUtf8(Some(s))
        | ScalarValue::Utf8View(Some(s)) => Ok(s.clone()),
        other => Err(format!("{other} is not text")),
    }
}

/// A label, or an option id, sent as the option id (a number where the id is one); other text
/// as it is.
fn unlabel(column: &Column, text: &str) -> Value {
    let id = column
        .labels
        .iter()
        .find(|(_, label)| label.as_str() == text)
        .map(|(id, _)| id.as_str())
        .or_else(|| column.labels.contains_key(text).then_some(text));
    match id {
        Some(id) => id
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(id.to_string())),
        None => Value::String(text.to_string()),
    }
}

/// A decimal as a JSON number; one a JSON number (a double) cannot hold exactly is an error, not
/// a silently rounded value.
fn decimal(n: i128, scale: i8) -> Result<Value, String> {
    let text = if scale <= 0 {
        n.to_string()
    } else {
        let digits = n.unsigned_abs().to_string();
        let scale = scale as usize;
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        format!("{}{int}.{frac}", if n < 0 { "-" } else { "" })
    };
    let exact = text.parse::<f64>().ok().filter(|f| {
        let back = format!("{f:.prec$}", prec = scale.max(0) as usize);
        back == text
    });
    exact
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("{text} has more digits than the API's JSON numbers hold"))
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// A value as text for a path segment or a form field (strings without their quotes; NULL
/// empty).
pub fn as_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        other => crate::rest::jsonpath::scalar_text(other).unwrap_or_else(|| other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn column(ty: &str, format: TimeFormat) -> Column {
        Column {
            name: "c".into(),
            path: None,
            type_name: ty.into(),
            ty: ColumnType::parse(ty).unwrap(),
            format: None,
            time_format: format,
            description: String::new(),
            key: false,
            max_length: None,
            labels: BTreeMap::new(),
            custom_key: None,
        }
    }

    #[test]
    fn values_take_the_shape_the_column_declares() {
        let text = column("text", TimeFormat::Guess);
        assert_eq!(to_json(&ScalarValue::Utf8(None), &text), Ok(None));
        assert_eq!(
            to_json(&ScalarValue::Utf8(Some("Ada".into())), &text),
            Ok(Some(Value::from("Ada")))
        );
        let ts = column("timestamp", TimeFormat::Pattern("%Y-%m-%d %H:%M:%S".into()));
        assert_eq!(
            to_json(
                &ScalarValue::TimestampMicrosecond(Some(1_700_000_000_000_000), None),
                &ts
            ),
            Ok(Some(Value::from("2023-11-14 22:13:20")))
        );
        let rfc = column("timestamp", TimeFormat::Rfc3339);
        assert_eq!(
            to_json(
                &ScalarValue::TimestampMicrosecond(Some(1_700_000_000_000_000), None),
                &rfc
            ),
            Ok(Some(Value::from("2023-11-14T22:13:20Z")))
        );
        let day = column("date", TimeFormat::Guess);
        assert_eq!(
            to_json(&ScalarValue::Date32(Some(19_675)), &day),
            Ok(Some(Value::from("2023-11-14")))
        );
        let dec = column("decimal(10,2)", TimeFormat::Guess);
        assert_eq!(
            to_json(&ScalarValue::Decimal128(Some(-1205), 10, 2), &dec),
            Ok(Some(serde_json::json!(-12.05)))
        );
        let json = column("json", TimeFormat::Guess);
        assert_eq!(
            to_json(
                &ScalarValue::LargeUtf8(Some("[1, {\"a\": true}]".into())),
                &json
            ),
            Ok(Some(serde_json::json!([1, {"a": true}])))
        );
        assert!(
            to_json(&ScalarValue::LargeUtf8(Some("{oops".into())), &json)
                .unwrap_err()
                .contains("is not JSON")
        );
    }

    #[test]
    fn what_cannot_be_written_exactly_is_an_error_not_a_panic_or_a_rounding() {
        let day = column("date", TimeFormat::Pattern("%Y-%m-%d %H:%M".into()));
        assert!(to_json(&ScalarValue::Date32(Some(19_675)), &day)
            .unwrap_err()
            .contains("cannot write"));
        let dec = column("decimal(38,2)", TimeFormat::Guess);
        let big = ScalarValue::Decimal128(Some(1_234_567_890_123_456_789), 38, 2);
        assert!(to_json(&big, &dec).unwrap_err().contains("more digits"));
    }

    #[test]
    fn a_label_is_sent_as_its_option_id() {
        let mut c = column("text", TimeFormat::Guess);
        c.labels.insert("7".into(), "Gold".into());
        c.labels.insert("x1".into(), "Silver".into());
        let send = |s: &str| {
            to_json(&ScalarValue::Utf8(Some(s.into())), &c)
                .unwrap()
                .unwrap()
        };
        assert_eq!(send("Gold"), Value::from(7));
        assert_eq!(send("Silver"), Value::from("x1"));
        assert_eq!(send("7"), Value::from(7));
        assert_eq!(send("Bronze"), Value::from("Bronze"));
    }
}
