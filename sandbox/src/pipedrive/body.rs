//! Request bodies of Pipedrive's write endpoints: reading them (JSON; v1 also form-encoded),
//! checking them against the parameters an endpoint documents (API v2's schema validation:
//! unknown parameters, types, required ones, all problems in one message), and the error bodies
//! Pipedrive answers with. Knows no record shape.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::error;
use crate::common::json;
use crate::data::parse_datetime;

/// What a parameter must hold.
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Int,
    Num,
    Text,
    Bool,
    /// `YYYY-MM-DD`
    Date,
    /// `HH:MM` (seconds allowed)
    Time,
    /// RFC 3339, or `YYYY-MM-DD HH:MM:SS`
    Stamp,
    Ints,
    Texts,
    Object,
    Array,
    Words(&'static [&'static str]),
    Levels(&'static [i64]),
}

/// One documented body parameter.
pub(super) struct Param {
    pub name: &'static str,
    pub kind: Kind,
    /// Whether `null` is accepted (to clear the value).
    pub nullable: bool,
}

pub(super) const fn p(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        nullable: false,
    }
}

pub(super) const fn n(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        nullable: true,
    }
}

/// One problem with a body: the field (a path for nested members) and what is wrong with it,
/// phrased to follow `Parameter '<field>' `.
pub(super) type Problem = (String, String);

pub(super) fn problem(field: impl Into<String>, why: impl Into<String>) -> Problem {
    (field.into(), why.into())
}

/// `field: Parameter 'field' why`, as API v2 (and the sandbox's v1) phrase a problem.
pub(super) fn phrase((field, why): &Problem) -> String {
    format!("{field}: Parameter '{field}' {why}")
}

/// Pipedrive's visibility levels (Professional and Enterprise plans use all four).
pub(super) const VISIBILITY: &[i64] = &[1, 3, 5, 7];

/// The body as a JSON object; an empty body is an empty object. JSON is what every endpoint
/// takes; `form` endpoints (API v1) also take `application/x-www-form-urlencoded`, whose values
/// are all text.
pub(super) fn read(
    headers: &HeaderMap,
    body: &[u8],
    form: bool,
) -> Result<Map<String, Value>, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if form && content_type.starts_with("application/x-www-form-urlencoded") {
        let text = std::str::from_utf8(body).map_err(|_| "Invalid form body".to_owned())?;
        let uri: axum::http::Uri = format!("/?{text}")
            .parse()
            .map_err(|_| "Invalid form body".to_owned())?;
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map_err(|_| "Invalid form body".to_owned())?;
        return Ok(pairs
            .0
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect());
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("Request body must be a JSON object".to_owned()),
        Err(_) => Err("Invalid JSON in request body".to_owned()),
    }
}

/// Form values are text: the integers, numbers and booleans a v1 endpoint documents are read
/// from it, as Pipedrive's v1 does.
pub(super) fn coerce_form(body: &mut Map<String, Value>, params: &[Param]) {
    for param in params {
        let Some(Value::String(s)) = body.get(param.name) else {
            continue;
        };
        let v = match param.kind {
            Kind::Int | Kind::Levels(_) => s.parse::<i64>().ok().map(Value::from),
            Kind::Num => s.parse::<f64>().ok().map(Value::from),
            Kind::Bool => match s.as_str() {
                "1" | "true" => Some(Value::Bool(true)),
                "0" | "false" => Some(Value::Bool(false)),
                _ => None,
            },
            _ => None,
        };
        if let Some(v) = v {
            body.insert(param.name.to_owned(), v);
        }
    }
}

fn is_int(v: &Value) -> bool {
    v.is_i64() || v.is_u64()
}

pub(super) fn is_date(s: &str) -> bool {
    s.len() == 10 && s.as_bytes()[4] == b'-' && parse_datetime(s).is_some()
}

/// `HH:MM` or `HH:MM:SS`, as `HH:MM`.
pub(super) fn clock(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(':').collect();
    let ok = |p: &str, max: u32| p.len() == 2 && p.parse::<u32>().is_ok_and(|v| v <= max);
    match parts.as_slice() {
        [h, m] | [h, m, _] if ok(h, 23) && ok(m, 59) && parts.get(2).is_none_or(|s| ok(s, 59)) => {
            Some(format!("{h}:{m}"))
        }
        _ => None,
    }
}

/// What `v` fails to be for `kind`, or None when it fits.
fn misfit(kind: Kind, v: &Value) -> Option<String> {
    let fits = match kind {
        Kind::Int => is_int(v),
        Kind::Num => v.is_number(),
        Kind::Text => v.is_string(),
        Kind::Bool => v.is_boolean(),
        Kind::Date => v.as_str().is_some_and(is_date),
        Kind::Time => v.as_str().and_then(clock).is_some(),
        Kind::Stamp => v.as_str().and_then(parse_datetime).is_some(),
        Kind::Ints => v.as_array().is_some_and(|a| a.iter().all(is_int)),
        Kind::Texts => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        Kind::Object => v.is_object(),
        Kind::Array => v.is_array(),
        Kind::Words(words) => v.as_str().is_some_and(|s| words.contains(&s)),
        Kind::Levels(levels) => v.as_i64().is_some_and(|l| levels.contains(&l)),
    };
    if fits {
        return None;
    }
    Some(match kind {
        Kind::Int => "must be an integer".to_owned(),
        Kind::Num => "must be a number".to_owned(),
        Kind::Text => "must be a string".to_owned(),
        Kind::Bool => "must be a boolean".to_owned(),
        Kind::Date => "must be a date in YYYY-MM-DD format".to_owned(),
        Kind::Time => "must be a time in HH:MM format".to_owned(),
        Kind::Stamp => "must be a valid RFC 3339 date".to_owned(),
        Kind::Ints => "must be an array of integers".to_owned(),
        Kind::Texts => "must be an array of strings".to_owned(),
        Kind::Object => "must be an object".to_owned(),
        Kind::Array => "must be an array".to_owned(),
        Kind::Words(words) => format!("must be one of {}", words.join(", ")),
        Kind::Levels(levels) => format!(
            "must be one of {}",
            levels
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// Every problem of `body` against `params`; members `extra` accepts (the custom-field keys a
/// v1 body carries at its top level, or anything where v1 ignores unknown members) are left to
/// the caller. `required` must be present and non-empty on create; on update they may be
/// absent but not cleared.
pub(super) fn problems(
    body: &Map<String, Value>,
    params: &[Param],
    required: &[&str],
    creating: bool,
    extra: &dyn Fn(&str) -> bool,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for (key, v) in body {
        match params.iter().find(|p| p.name == key) {
            None if extra(key) => {}
            None => out.push(problem(key, "is not allowed for this request")),
            Some(param) if v.is_null() => {
                if !param.nullable || required.contains(&param.name) {
                    out.push(problem(key, "must not be null"));
                }
            }
            Some(param) => {
                if let Some(why) = misfit(param.kind, v) {
                    out.push(problem(key, why));
                } else if required.contains(&param.name) && v.as_str() == Some("") {
                    out.push(problem(key, "must not be empty"));
                }
            }
        }
    }
    if creating {
        for r in required {
            if !body.contains_key(*r) {
                out.push(problem(*r, "is required"));
            }
        }
    }
    out
}

/// API v2's answer to a body that fails its schema: 400 with every problem, as Pipedrive sends
/// it (`Validation failed: <field>: <why>; …` and `code` `ERR_SCHEMA_VALIDATION_FAILED`).
pub(super) fn invalid(problems: &[Problem]) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        json!({
            "success": false,
            "error": validation_failed(problems),
            "code": "ERR_SCHEMA_VALIDATION_FAILED",
            "error_info": "Please check developers.pipedrive.com",
            "data": null,
            "additional_data": null,
        }),
    )
}

/// `Validation failed: <phrase>; <phrase>`.
pub(super) fn validation_failed(problems: &[Problem]) -> String {
    let phrases: Vec<String> = problems.iter().map(phrase).collect();
    format!("Validation failed: {}", phrases.join("; "))
}

/// A 400 in Pipedrive's usual envelope.
pub(super) fn bad_request(msg: &str) -> Response {
    error(StatusCode::BAD_REQUEST, msg)
}

/// A record a body refers to that does not exist. Pipedrive documents no status for this; the
/// sandbox answers 400 (the request is at fault, the endpoint exists: a 404 would read as "no
/// such endpoint or record being written").
pub(super) fn missing_reference(what: &str, id: &Value) -> Response {
    let id = match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    bad_request(&format!("{what} with id {id} not found"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: &[Param] = &[
        p("name", Kind::Text),
        p("owner_id", Kind::Int),
        n("org_id", Kind::Int),
        p("visible_to", Kind::Levels(VISIBILITY)),
    ];

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn every_problem_is_named() {
        let none = |_: &str| false;
        let b = body(json!({"owner_id": "7", "visible_to": 2, "foo": 1, "org_id": null}));
        let got: Vec<String> = problems(&b, PARAMS, &["name"], true, &none)
            .iter()
            .map(phrase)
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(got.contains(&"foo: Parameter 'foo' is not allowed for this request".to_owned()));
        assert!(got.contains(&"name: Parameter 'name' is required".to_owned()));
        assert!(got.iter().any(|g| g.starts_with("owner_id:")));
        assert!(got.iter().any(|g| g.starts_with("visible_to:")));
        let update = body(json!({"name": null}));
        assert_eq!(problems(&update, PARAMS, &["name"], false, &none).len(), 1);
        assert!(problems(&body(json!({})), PARAMS, &["name"], false, &none).is_empty());
    }

    #[test]
    fn clocks_and_dates() {
        assert_eq!(clock("09:30").as_deref(), Some("09:30"));
        assert_eq!(clock("09:30:00").as_deref(), Some("09:30"));
        assert_eq!(clock("24:00"), None);
        assert!(is_date("2026-12-31"));
        assert!(!is_date("2026-12-31T10:00:00Z"));
    }
}
