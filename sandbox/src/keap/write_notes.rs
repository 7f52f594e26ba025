//! Keap REST v1 note writes, as the v1 OpenAPI (`RequestNote`, `UpdateNote`, 2025-11-05)
//! documents them:
//! - `POST /notes` → 201 with the note; `contact_id` is required and "either a `title` or `body`
//!   is required"; `type` is one of Appointment, Call, Email, Fax, Letter, Other.
//! - `PATCH /notes/{noteId}` → 200, "only the values provided".
//! - `DELETE /notes/{noteId}` → 204; 404 for an unknown note.
//!
//! `contact_id` must be a contact and `user_id` a user (a 400 `{"message"}` otherwise, texts the
//! sandbox's). Without `user_id` the note is the authenticated user's (user 1), who is also its
//! `last_updated_by`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::more::NOTE_TYPES;
use super::write_body::{self as wb, bad, Body};
use super::write_contacts::not_found;
use super::write_opportunities::API_USER;
use super::{overlay, write_store, Table};
use crate::common::{json, Rejection};
use crate::data::fmt_iso_ms;
use crate::Shared;

fn changes(st: &Shared, body: &Body) -> Result<Map<String, Value>, Rejection> {
    let mut fields = Map::new();
    for key in ["title", "body"] {
        if let Some(v) = body.get(key) {
            fields.insert(key.into(), wb::text(v)?);
        }
    }
    if let Some(v) = body.get("type") {
        let kind = wb::text(v)?;
        if kind.as_str().is_some_and(|k| !NOTE_TYPES.contains(&k)) {
            return Err(bad(&format!(
                "type must be one of {}",
                NOTE_TYPES.join(", ")
            )));
        }
        fields.insert("type".into(), kind);
    }
    if let Some(v) = body.get("contact_id") {
        let Some(id) = wb::id(v)? else {
            return Err(bad("contact_id is required"));
        };
        if overlay::find(st, Table::Contacts, &id.to_string()).is_none() {
            return Err(bad(&format!("Contact not found: {id}")));
        }
        fields.insert("contact_id".into(), json!(id));
    }
    if let Some(v) = body.get("user_id") {
        let user = wb::id(v)?.unwrap_or(API_USER);
        if !wb::user_exists(user) {
            return Err(bad(&format!("Invalid user_id: {user}")));
        }
        fields.insert("user_id".into(), json!(user));
    }
    Ok(fields)
}

fn apply(st: &Shared, record: &mut Value, fields: &Map<String, Value>, now: i64) {
    for (k, v) in fields {
        record[k.as_str()] = v.clone();
    }
    let (first, last) = st.keap.user_name(API_USER as usize - 1);
    record["last_updated"] = json!(fmt_iso_ms(now));
    record["last_updated_by"] =
        json!({"user_id": API_USER, "given_name": first, "family_name": last});
}

fn filled(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

pub(super) fn create(st: &Shared, bytes: &[u8]) -> Result<Response, Rejection> {
    let body = wb::parse(bytes)?;
    if body.get("contact_id").is_none_or(Value::is_null) {
        return Err(bad("contact_id is required"));
    }
    let fields = changes(st, &body)?;
    if !filled(fields.get("title")) && !filled(fields.get("body")) {
        return Err(bad("Either a title or body is required"));
    }
    let now = write_store::now();
    let mut record = json!({
        "id": null, "title": null, "body": null, "type": null, "contact_id": null,
        "user_id": API_USER, "date_created": fmt_iso_ms(now),
    });
    apply(st, &mut record, &fields, now);
    Ok(json(
        StatusCode::CREATED,
        write_store::insert(st, Table::Notes, record),
    ))
}

pub(super) fn patch(st: &Shared, id: &str, bytes: &[u8]) -> Result<Response, Rejection> {
    let fields = changes(st, &wb::parse(bytes)?)?;
    let now = write_store::now();
    let record = write_store::modify(st, Table::Notes, id, |r| apply(st, r, &fields, now))
        .ok_or_else(not_found)?;
    Ok(json(StatusCode::OK, record))
}

pub(super) fn delete(st: &Shared, id: &str) -> Result<Response, Rejection> {
    if !write_store::remove(st, Table::Notes, id) {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
