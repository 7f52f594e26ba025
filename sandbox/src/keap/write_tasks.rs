//! Keap REST v1 task writes, as the v1 OpenAPI (2025-11-05) documents them:
//! - `POST /tasks` → **200** (the spec's only success answer) with the task; `title` and
//!   `due_date` are required ("must contain at least one item in the fields `title` and
//!   `due_date`"); custom fields are not taken ("does not currently support setting Custom Field
//!   values"), so `custom_fields` is ignored like any unknown field.
//! - `PATCH /tasks/{taskId}` → 200, "only the values provided".
//! - `DELETE /tasks/{taskId}` → 204; 404 for an unknown task.
//!
//! `contact.id` must be a contact and `user_id` a user (a 400 `{"message"}` otherwise, texts the
//! sandbox's); `remind_time` must be one of the minutes the spec lists. Without `user_id` the
//! task is the authenticated user's (user 1). Completing a task without a `completion_date`
//! stamps now; reopening it clears it. The spec's Task schema has no `id`, but the records carry
//! one, as the lists' do.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::write_body::{self as wb, bad, Body};
use super::write_contacts::not_found;
use super::write_opportunities::{contact, API_USER};
use super::{write_store, Table};
use crate::common::{json, Rejection};
use crate::data::fmt_iso_ms;
use crate::Shared;

const REMIND_MINUTES: [i64; 10] = [5, 10, 15, 30, 60, 120, 240, 480, 1440, 2880];

fn changes(st: &Shared, body: &Body) -> Result<Map<String, Value>, Rejection> {
    let mut fields = Map::new();
    if let Some(v) = body.get("title") {
        let title = wb::text(v)?;
        if title.as_str().is_none_or(|t| t.trim().is_empty()) {
            return Err(bad("title is required"));
        }
        fields.insert("title".into(), title);
    }
    if let Some(v) = body.get("due_date") {
        let due = wb::time(v)?;
        if due.is_null() {
            return Err(bad("due_date is required"));
        }
        fields.insert("due_date".into(), due);
    }
    for key in ["description", "type", "url"] {
        if let Some(v) = body.get(key) {
            fields.insert(key.into(), wb::text(v)?);
        }
    }
    if let Some(v) = body.get("completed") {
        fields.insert("completed".into(), wb::boolean(v)?);
    }
    if let Some(v) = body.get("completion_date") {
        fields.insert("completion_date".into(), wb::time(v)?);
    }
    if let Some(v) = body.get("priority") {
        fields.insert("priority".into(), wb::int(v)?);
    }
    if let Some(v) = body.get("remind_time") {
        let minutes = wb::int(v)?;
        if minutes
            .as_i64()
            .is_some_and(|m| !REMIND_MINUTES.contains(&m))
        {
            return Err(bad(
                "remind_time must be one of 5, 10, 15, 30, 60, 120, 240, 480, 1440, 2880",
            ));
        }
        fields.insert("remind_time".into(), minutes);
    }
    if let Some(v) = body.get("contact") {
        let id = match v {
            Value::Null => None,
            Value::Object(_) => wb::id(&v["id"])?,
            _ => return Err(bad(wb::UNREADABLE)),
        };
        let c = match id {
            Some(id) => contact(st, id)?,
            None => Value::Null,
        };
        fields.insert("contact".into(), c);
    }
    if let Some(v) = body.get("user_id") {
        let user = wb::id(v)?;
        if let Some(u) = user.filter(|u| !wb::user_exists(*u)) {
            return Err(bad(&format!("Invalid user_id: {u}")));
        }
        fields.insert("user_id".into(), json!(user));
    }
    Ok(fields)
}

fn apply(record: &mut Value, fields: &Map<String, Value>, now: i64) {
    for (k, v) in fields {
        record[k.as_str()] = v.clone();
    }
    match fields.get("completed").and_then(Value::as_bool) {
        Some(true) if record["completion_date"].is_null() => {
            record["completion_date"] = json!(fmt_iso_ms(now));
        }
        Some(false) => record["completion_date"] = Value::Null,
        _ => {}
    }
}

pub(super) fn create(st: &Shared, bytes: &[u8]) -> Result<Response, Rejection> {
    let body = wb::parse(bytes)?;
    for key in ["title", "due_date"] {
        if body.get(key).is_none_or(Value::is_null) {
            return Err(bad(&format!("{key} is required")));
        }
    }
    let fields = changes(st, &body)?;
    let now = write_store::now();
    let mut record = json!({
        "id": null, "title": null, "description": null, "completed": false,
        "completion_date": null, "due_date": null, "priority": null, "type": null,
        "contact": null, "user_id": API_USER, "creation_date": fmt_iso_ms(now),
        "remind_time": null,
    });
    apply(&mut record, &fields, now);
    Ok(json(
        StatusCode::OK,
        write_store::insert(st, Table::Tasks, record),
    ))
}

pub(super) fn patch(st: &Shared, id: &str, bytes: &[u8]) -> Result<Response, Rejection> {
    let fields = changes(st, &wb::parse(bytes)?)?;
    let now = write_store::now();
    let record = write_store::modify(st, Table::Tasks, id, |r| apply(r, &fields, now))
        .ok_or_else(not_found)?;
    Ok(json(StatusCode::OK, record))
}

pub(super) fn delete(st: &Shared, id: &str) -> Result<Response, Rejection> {
    if !write_store::remove(st, Table::Tasks, id) {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
