//! Keap REST v1 opportunity writes, as the v1 OpenAPI (2025-11-05) documents them:
//! - `POST /opportunities` → **200** (not 201: the spec's only success answer) with the
//!   opportunity; `opportunity_title`, `contact` (`{id}`) and `stage` (`{id}`) are required.
//! - `PATCH /opportunities/{opportunityId}` → 200, "only the values provided".
//! - No DELETE: v1 documents none for opportunities, so the v1 router answers 405.
//!
//! The contact and stage must exist and the user (`user.id`, optional) must be a user, else a
//! 400 `{"message"}` (the texts are the sandbox's). Without a user the opportunity is the
//! authenticated user's, user 1 here. Each new stage is a stage move in REST v2's
//! `/opportunities/stageMoves` (keap/stage_moves.rs), as moving an opportunity records one.
//! Custom fields are taken and answered, but reads do not show them, as v1's lists carry none.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::write_body::{self as wb, bad, Body};
use super::write_contacts::not_found;
use super::{overlay, stage_json, stage_moves, write_store, Table, STAGES};
use crate::common::{json, Rejection};
use crate::data::fmt_iso_ms;
use crate::keap_fields::Model;
use crate::Shared;

/// The user a write without one belongs to: the API key's own.
pub(super) const API_USER: u64 = 1;

struct Changes {
    fields: Map<String, Value>,
    custom: Vec<(u64, Value)>,
}

/// The id inside `{"id": N}`; a missing or null one is refused as `what` missing.
fn inner_id(v: &Value, what: &str) -> Result<u64, Rejection> {
    if !v.is_object() && !v.is_null() {
        return Err(bad(wb::UNREADABLE));
    }
    wb::id(&v["id"])?.ok_or_else(|| bad(&format!("{what} is required")))
}

/// The contact a body refers to, as opportunities and tasks embed it.
pub(super) fn contact(st: &Shared, id: u64) -> Result<Value, Rejection> {
    overlay::find(st, Table::Contacts, &id.to_string())
        .map(|c| overlay::contact_ref(&c))
        .ok_or_else(|| bad(&format!("Contact not found: {id}")))
}

fn changes(st: &Shared, body: &Body) -> Result<Changes, Rejection> {
    let mut fields = Map::new();
    if let Some(v) = body.get("opportunity_title") {
        let title = wb::text(v)?;
        if title.as_str().is_none_or(|t| t.trim().is_empty()) {
            return Err(bad("opportunity_title is required"));
        }
        fields.insert("opportunity_title".into(), title);
    }
    if let Some(v) = body.get("contact") {
        fields.insert("contact".into(), contact(st, inner_id(v, "contact.id")?)?);
    }
    if let Some(v) = body.get("stage") {
        let s = inner_id(v, "stage.id")?;
        if !(1..=STAGES.len() as u64).contains(&s) {
            return Err(bad(&format!("Invalid stage id: {s}")));
        }
        fields.insert("stage".into(), stage_json(s as usize - 1));
    }
    if let Some(v) = body.get("user") {
        let user = if v.is_null() { None } else { wb::id(&v["id"])? };
        let user = match user {
            None => Value::Null,
            Some(u) if wb::user_exists(u) => st.keap.user_ref(u as usize - 1),
            Some(u) => return Err(bad(&format!("Invalid user id: {u}"))),
        };
        fields.insert("user".into(), user);
    }
    for key in ["projected_revenue_low", "projected_revenue_high"] {
        if let Some(v) = body.get(key) {
            fields.insert(key.into(), wb::number(v)?);
        }
    }
    for key in ["estimated_close_date", "next_action_date"] {
        if let Some(v) = body.get(key) {
            fields.insert(key.into(), wb::time(v)?);
        }
    }
    for key in ["opportunity_notes", "next_action_notes"] {
        if let Some(v) = body.get(key) {
            fields.insert(key.into(), wb::text(v)?);
        }
    }
    if let Some(v) = body.get("include_in_forecast") {
        fields.insert("include_in_forecast".into(), wb::int(v)?);
    }
    if let Some(v) = body.get("affiliate_id") {
        fields.insert("affiliate_id".into(), json!(wb::id(v)?));
    }
    let custom = match body.get("custom_fields") {
        Some(v) => wb::custom_fields(Model::Opportunity, v)?,
        None => Vec::new(),
    };
    Ok(Changes { fields, custom })
}

fn apply(record: &mut Value, c: &Changes, now: i64) {
    for (k, v) in &c.fields {
        record[k.as_str()] = v.clone();
    }
    wb::merge_custom(record, &c.custom);
    record["last_updated"] = json!(fmt_iso_ms(now));
}

fn user_of(record: &Value) -> u64 {
    record["user"]["id"].as_u64().unwrap_or(API_USER)
}

pub(super) fn create(st: &Shared, bytes: &[u8]) -> Result<Response, Rejection> {
    let body = wb::parse(bytes)?;
    for (key, what) in [
        ("opportunity_title", "opportunity_title"),
        ("contact", "contact.id"),
        ("stage", "stage.id"),
    ] {
        if body.get(key).is_none_or(Value::is_null) {
            return Err(bad(&format!("{what} is required")));
        }
    }
    let c = changes(st, &body)?;
    let now = write_store::now();
    let mut record = json!({
        "id": null, "opportunity_title": null, "contact": null,
        "user": st.keap.user_ref(API_USER as usize - 1), "stage": null,
        "projected_revenue_low": null, "projected_revenue_high": null,
        "estimated_close_date": null, "opportunity_notes": null, "next_action_date": null,
        "next_action_notes": null, "include_in_forecast": 0, "affiliate_id": null,
        "date_created": fmt_iso_ms(now), "custom_fields": [],
    });
    apply(&mut record, &c, now);
    let record = write_store::insert(st, Table::Opportunities, record);
    if let (Some(id), Some(to)) = (record["id"].as_u64(), record["stage"]["id"].as_u64()) {
        stage_moves::record_move(st, id, 0, to, user_of(&record));
    }
    Ok(json(StatusCode::OK, record))
}

pub(super) fn patch(st: &Shared, id: &str, bytes: &[u8]) -> Result<Response, Rejection> {
    let c = changes(st, &wb::parse(bytes)?)?;
    let now = write_store::now();
    let mut before = None;
    let record = write_store::modify(st, Table::Opportunities, id, |r| {
        before = r["stage"]["id"].as_u64();
        apply(r, &c, now);
    })
    .ok_or_else(not_found)?;
    let (after, opportunity) = (record["stage"]["id"].as_u64(), record["id"].as_u64());
    if let (Some(from), Some(to), Some(opportunity)) = (before, after, opportunity) {
        if from != to {
            stage_moves::record_move(st, opportunity, from, to, user_of(&record));
        }
    }
    Ok(json(StatusCode::OK, record))
}
