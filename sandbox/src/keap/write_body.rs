//! Reading a Keap REST v1 write request's JSON body the way Keap's (Java) API does: scalars are
//! coerced where Jackson would (a number into a text field, `"12"` into an id), fields it does
//! not know are ignored (Spring's default), and a body or value it cannot convert is a 400
//! `{"message": "Input could not be converted to a valid request"}` — the message a real v1
//! endpoint answered to an unconvertible body (infusionsoft/infusionsoft-php issue #190). Dates
//! are stored as v1 writes them (RFC 3339 with milliseconds, UTC).
//!
//! Also the custom-field values of a body, `custom_fields: [{id, content}]`, checked against the
//! model's fields (keap_fields.rs). Each helper returns the value as the record will read it;
//! `null` stays `null` (a PATCH clearing the field).
//!
//! Which fields a table requires, and the messages for them, are each table's (keap/write_*.rs).

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::{message, USERS};
use crate::common::Rejection;
use crate::data::{fmt_date, fmt_iso_ms, parse_datetime};
use crate::keap_fields::{self, Model};

pub(super) type Body = Map<String, Value>;

pub(super) const UNREADABLE: &str = "Input could not be converted to a valid request";

/// A 400 with Keap v1's `{"message"}` body. The messages of the validation rules are the
/// sandbox's wording: Keap documents the rules, not the texts.
pub(super) fn bad(msg: &str) -> Rejection {
    Box::new(message(StatusCode::BAD_REQUEST, msg))
}

fn unreadable() -> Rejection {
    bad(UNREADABLE)
}

/// The body as a JSON object.
pub(super) fn parse(bytes: &[u8]) -> Result<Body, Rejection> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(unreadable()),
    }
}

/// A text field: strings as they are, numbers and booleans as their text.
pub(super) fn text(v: &Value) -> Result<Value, Rejection> {
    match v {
        Value::Null | Value::String(_) => Ok(v.clone()),
        Value::Number(n) => Ok(json!(n.to_string())),
        Value::Bool(b) => Ok(json!(b.to_string())),
        _ => Err(unreadable()),
    }
}

/// An id (int64): a number or a string of digits; None for `null`.
pub(super) fn id(v: &Value) -> Result<Option<u64>, Rejection> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n.as_u64().map(Some).ok_or_else(unreadable),
        Value::String(s) => s.trim().parse().map(Some).map_err(|_| unreadable()),
        _ => Err(unreadable()),
    }
}

/// An int32/int64 field.
pub(super) fn int(v: &Value) -> Result<Value, Rejection> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(v.clone()),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(|n| json!(n))
            .map_err(|_| unreadable()),
        _ => Err(unreadable()),
    }
}

/// A double field.
pub(super) fn number(v: &Value) -> Result<Value, Rejection> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Number(n) => Ok(json!(n.as_f64().unwrap_or_default())),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map(|n| json!(n))
            .map_err(|_| unreadable()),
        _ => Err(unreadable()),
    }
}

pub(super) fn boolean(v: &Value) -> Result<Value, Rejection> {
    match v {
        Value::Null | Value::Bool(_) => Ok(v.clone()),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(json!(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(json!(false)),
        _ => Err(unreadable()),
    }
}

/// A date-time field, stored as v1 writes its dates.
pub(super) fn time(v: &Value) -> Result<Value, Rejection> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::String(s) => parse_datetime(s)
            .map(|t| json!(fmt_iso_ms(t)))
            .ok_or_else(unreadable),
        _ => Err(unreadable()),
    }
}

/// Whether `e` is an e-mail address: something, one `@`, a domain with a dot, no spaces.
pub(super) fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(char::is_whitespace)
}

/// A user of the account (`users` ids 1..=5).
pub(super) fn user_exists(id: u64) -> bool {
    (1..=USERS as u64).contains(&id)
}

/// The values of `custom_fields: [{id, content}]` for `model`, each content as the record reads
/// it (`null`: the value is cleared). An id that is not one of the model's fields, or a content
/// the field's type cannot hold (an option id the field does not have), is a 400.
pub(super) fn custom_fields(model: Model, v: &Value) -> Result<Vec<(u64, Value)>, Rejection> {
    let Value::Array(items) = v else {
        return Err(unreadable());
    };
    let fields = keap_fields::fields(model);
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Some(fid) = id(&item["id"])? else {
            return Err(bad("Custom field id is required"));
        };
        let Some(field) = fields.iter().find(|f| f.id == fid) else {
            return Err(bad(&format!("Invalid custom field id: {fid}")));
        };
        let content = content(field, &item["content"])
            .ok_or_else(|| bad(&format!("Invalid value for custom field {fid}")))?;
        out.push((fid, content));
    }
    Ok(out)
}

/// A custom field's content as Keap keeps it (keap_fields.rs): an option's id for a Dropdown or
/// Radio, option ids joined by commas for a ListBox (an array of them is joined), numbers as
/// numbers, Date as `YYYY-MM-DD`, DateTime as v1's date-time, YesNo as a boolean, User as an id.
fn content(field: &keap_fields::Field, v: &Value) -> Option<Value> {
    if v.is_null() {
        return Some(Value::Null);
    }
    let options: Vec<String> = field
        .options
        .iter()
        .map(|l| keap_fields::option_id(l))
        .collect();
    let is_option = |s: &str| options.iter().any(|o| o == s);
    match field.field_type {
        "Dropdown" | "Radio" => v.as_str().filter(|s| is_option(s)).map(|s| json!(s)),
        "ListBox" | "UserListBox" => {
            let ids: Vec<String> = match v {
                Value::String(s) => s.split(',').map(|x| x.trim().to_owned()).collect(),
                Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().map(str::to_owned))
                    .collect::<Option<_>>()?,
                _ => return None,
            };
            ids.iter()
                .all(|s| s.is_empty() || is_option(s))
                .then(|| json!(ids.join(",")))
        }
        "WholeNumber" | "Year" => int(v).ok().filter(|n| !n.is_null()),
        "User" => id(v)
            .ok()
            .flatten()
            .filter(|u| user_exists(*u))
            .map(|u| json!(u)),
        "Currency" | "DecimalNumber" | "Percent" => number(v).ok(),
        "YesNo" => boolean(v).ok(),
        "Date" => v
            .as_str()
            .and_then(parse_datetime)
            .map(|t| json!(fmt_date(t))),
        "DateTime" => time(v).ok(),
        "Email" => v.as_str().filter(|e| valid_email(e)).map(|e| json!(e)),
        _ => text(v).ok(),
    }
}

/// Sets the given custom-field values in `record.custom_fields`, keeping the others (a PATCH
/// changes only what it names); a `null` content removes the value, as Keap lists only fields
/// with one.
pub(super) fn merge_custom(record: &mut Value, values: &[(u64, Value)]) {
    let mut list: Vec<Value> = record["custom_fields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (fid, content) in values {
        list.retain(|c| c["id"].as_u64() != Some(*fid));
        if !content.is_null() {
            list.push(json!({"id": fid, "content": content}));
        }
    }
    list.sort_by_key(|c| c["id"].as_u64());
    record["custom_fields"] = Value::Array(list);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_coerced_as_jackson_would_and_checked() {
        assert_eq!(text(&json!(12)).unwrap(), json!("12"));
        assert!(text(&json!({"a": 1})).is_err());
        assert_eq!(id(&json!("42")).unwrap(), Some(42));
        assert!(id(&json!("x")).is_err());
        assert_eq!(
            time(&json!("2025-07-01T09:00:00+02:00")).unwrap(),
            json!("2025-07-01T07:00:00.000Z")
        );
        assert!(time(&json!("next tuesday")).is_err());
        assert!(valid_email("ada@example.com"));
        for bad in [
            "ada",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "a@b@c.com",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn custom_fields_follow_their_type_and_merge_by_id() {
        let ok = custom_fields(
            Model::Contact,
            &json!([
                {"id": 100, "content": "opt_enterprise"},
                {"id": "110", "content": "12"},
                {"id": 102, "content": ["opt_golf", "opt_wine"]},
                {"id": 114, "content": "2025-01-02T10:00:00Z"},
            ]),
        )
        .unwrap();
        assert_eq!(ok[1], (110, json!(12)));
        assert_eq!(ok[2], (102, json!("opt_golf,opt_wine")));
        assert_eq!(ok[3], (114, json!("2025-01-02")));
        for wrong in [
            json!([{"id": 100, "content": "Enterprise"}]),
            json!([{"id": 999, "content": 1}]),
            json!([{"content": 1}]),
            json!({"id": 100}),
        ] {
            assert!(custom_fields(Model::Contact, &wrong).is_err(), "{wrong}");
        }
        let mut record =
            json!({"custom_fields": [{"id": 110, "content": 1}, {"id": 112, "content": 2.5}]});
        merge_custom(
            &mut record,
            &[(110, Value::Null), (100, json!("opt_enterprise"))],
        );
        assert_eq!(
            record["custom_fields"],
            json!([{"id": 100, "content": "opt_enterprise"}, {"id": 112, "content": 2.5}])
        );
    }
}
