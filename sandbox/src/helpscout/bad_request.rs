//! Help Scout's answer to a request body it refuses: 400 `application/vnd.error+json` with a
//! `logRef`, `"message": "Bad request"` and one `_embedded.errors` entry per refused field
//! (`path`, `message`, `rejectedValue` when a value was sent, `source: "JSON"`, an `about` link),
//! the shape developer.helpscout.com/mailbox-api/overview/errors shows. Its example gives the
//! messages "may not be empty" and "Expected one of these: 'a', 'b'"; the others are the Bean
//! Validation defaults the same Java stack writes ("may not be null", "size must be between 1
//! and 40", "not a well-formed email address"). The anchors of the about links other than
//! `#NotEmpty` and `#EnumValue` (both from that page) are guesses named after its headings.
//!
//! Also the parsing of request bodies and their optional text fields. This module knows no
//! endpoint's rules: callers say which field is required and how long it may be.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::log_ref;
use crate::common::Rejection;

const ABOUT: &str = "http://developer.helpscout.net/mailbox-api/overview/errors";

/// The refused fields of one request, in the order they were checked.
#[derive(Default)]
pub(super) struct Invalid {
    errors: Vec<Value>,
}

impl Invalid {
    pub fn add(&mut self, path: &str, message: &str, rejected: Option<&Value>, anchor: &str) {
        let mut e = json!({
            "path": path,
            "message": message,
            "source": "JSON",
            "_links": { "about": { "href": format!("{ABOUT}#{anchor}") } },
        });
        if let Some(v) = rejected.filter(|v| !v.is_null()) {
            e["rejectedValue"] = v.clone();
        }
        self.errors.push(e);
    }

    pub fn empty(&mut self, path: &str, rejected: Option<&Value>) {
        self.add(path, "may not be empty", rejected, "NotEmpty");
    }

    pub fn null(&mut self, path: &str) {
        self.add(path, "may not be null", None, "NotNull");
    }

    pub fn one_of(&mut self, path: &str, allowed: &[&str], rejected: &Value) {
        let list: Vec<String> = allowed.iter().map(|a| format!("'{a}'")).collect();
        let msg = format!("Expected one of these: {}", list.join(", "));
        self.add(path, &msg, Some(rejected), "EnumValue");
    }

    pub fn size(&mut self, path: &str, min: usize, max: usize, rejected: &Value) {
        let msg = format!("size must be between {min} and {max}");
        self.add(path, &msg, Some(rejected), "Size");
    }

    pub fn email(&mut self, path: &str, rejected: &Value) {
        self.add(
            path,
            "not a well-formed email address",
            Some(rejected),
            "Email",
        );
    }

    /// A reference to a record that does not exist (a mailbox, user or customer id). Help Scout
    /// documents no body for this case; a field error naming the reference is the sandbox's
    /// choice.
    pub fn unknown(&mut self, path: &str, what: &str, rejected: &Value) {
        let msg = format!("{what} not found");
        self.add(path, &msg, Some(rejected), "InvalidIdentifier");
    }

    /// A value of the wrong JSON type (a string where a number belongs).
    pub fn wrong_type(&mut self, path: &str, expected: &str, rejected: &Value) {
        let msg = format!("must be {expected}");
        self.add(path, &msg, Some(rejected), "InvalidValue");
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Ok while nothing was refused, else the 400 to send.
    pub fn result(self) -> Result<(), Rejection> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Box::new(self.response()))
        }
    }

    pub fn response(self) -> Response {
        vnd_error(json!({
            "logRef": log_ref(),
            "message": "Bad request",
            "_embedded": { "errors": self.errors },
            "_links": { "about": { "href": ABOUT } },
        }))
    }
}

fn vnd_error(body: Value) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/vnd.error+json")],
        body.to_string(),
    )
        .into_response()
}

/// The JSON request body. Help Scout documents no answer to a body that is not JSON; a 400
/// vnd.error with one error at the empty path is the sandbox's choice.
pub(super) fn parse(body: &[u8]) -> Result<Value, Rejection> {
    serde_json::from_slice(body).map_err(|_| {
        let mut errs = Invalid::default();
        errs.add("", "Malformed JSON", None, "MalformedJson");
        Box::new(errs.response())
    })
}

/// A required text field: refused when absent, null, not text or blank.
pub(super) fn required_text(body: &Value, field: &str, errs: &mut Invalid) -> String {
    match &body[field] {
        Value::String(s) if !s.trim().is_empty() => s.clone(),
        Value::Null => {
            errs.empty(field, None);
            String::new()
        }
        other => {
            errs.empty(field, Some(other));
            String::new()
        }
    }
}

/// A required field that takes one of `allowed`.
pub(super) fn required_enum(
    body: &Value,
    field: &str,
    allowed: &[&'static str],
    errs: &mut Invalid,
) -> &'static str {
    match &body[field] {
        Value::Null => {
            errs.null(field);
            allowed[0]
        }
        v => match allowed.iter().find(|a| v.as_str() == Some(a)) {
            Some(a) => a,
            None => {
                errs.one_of(field, allowed, v);
                allowed[0]
            }
        },
    }
}

/// An optional text field of at most `max` characters (and at least `min` when given): None when
/// absent or null.
pub(super) fn optional_text(
    body: &Value,
    path: &str,
    field: &str,
    (min, max): (usize, usize),
    errs: &mut Invalid,
) -> Option<String> {
    match &body[field] {
        Value::Null => None,
        Value::String(s) => {
            let len = s.chars().count();
            if len < min || len > max {
                errs.size(path, min, max, &body[field]);
            }
            Some(s.clone())
        }
        other => {
            errs.wrong_type(path, "a string", other);
            None
        }
    }
}

/// JSON Patch operations Help Scout knows.
const OPS: &[&str] = &["add", "move", "remove", "replace"];

/// A JSON Patch body as Help Scout's PATCH endpoints take it: one operation object `{op, path,
/// value}` — the docs show a single object, not RFC 6902's array — whose `path` is one of
/// `table`'s and whose `op` that path allows. `(op, path, value)`, or None with the errors
/// recorded.
pub(super) fn one_operation(
    body: &Value,
    table: &[(&'static str, &[&'static str])],
    errs: &mut Invalid,
) -> Option<(&'static str, &'static str, Value)> {
    if !body.is_object() {
        errs.wrong_type("", "a single JSON Patch operation object", body);
        return None;
    }
    let op = OPS.iter().find(|o| body["op"].as_str() == Some(o)).copied();
    if op.is_none() {
        errs.one_of("op", OPS, &body["op"]);
    }
    let entry = table.iter().find(|(p, _)| body["path"].as_str() == Some(p));
    if entry.is_none() {
        let paths: Vec<&str> = table.iter().map(|(p, _)| *p).collect();
        errs.one_of("path", &paths, &body["path"]);
    }
    let (op, (path, allowed)) = (op?, entry?);
    if !allowed.contains(&op) {
        errs.one_of("op", allowed, &body["op"]);
        return None;
    }
    Some((op, path, body["value"].clone()))
}

/// An id field: a positive JSON number (or a string of digits, which Jackson also reads).
pub(super) fn id_value(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().filter(|n| *n > 0),
        Value::String(s) => s.trim().parse().ok().filter(|n| *n > 0),
        _ => None,
    }
}

/// Bean Validation's `@Email` in spirit: one `@` with text on both sides and no spaces.
pub(super) fn well_formed_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_fields() {
        assert!(well_formed_email("ada@example.com"));
        assert!(!well_formed_email("not-an-email"));
        assert!(!well_formed_email("a b@example.com"));
        assert!(!well_formed_email("a@b@c"));
        let mut errs = Invalid::default();
        let body = json!({"subject": " ", "status": "Wrong", "firstName": ""});
        required_text(&body, "subject", &mut errs);
        required_enum(&body, "status", &["active", "closed"], &mut errs);
        required_enum(&body, "type", &["email"], &mut errs);
        optional_text(&body, "firstName", "firstName", (1, 40), &mut errs);
        assert_eq!(errs.errors.len(), 4);
        assert_eq!(errs.errors[0]["message"], "may not be empty");
        assert_eq!(
            errs.errors[1]["message"],
            "Expected one of these: 'active', 'closed'"
        );
        assert_eq!(errs.errors[1]["rejectedValue"], "Wrong");
        assert_eq!(errs.errors[2]["message"], "may not be null");
        assert!(errs.errors[2].get("rejectedValue").is_none());
        assert_eq!(errs.errors[3]["message"], "size must be between 1 and 40");
        assert_eq!(id_value(&json!("12")), Some(12));
        assert_eq!(id_value(&json!(-1)), None);
    }
}
