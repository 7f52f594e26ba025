//! Leads' write endpoints (API v1): `POST /v1/leads` (`title` required, and `person_id` or
//! `organization_id`; 201), `PATCH /v1/leads/{id}` (only the members sent; `null` clears;
//! `is_archived` moves a lead between the leads and the archived leads) and
//! `DELETE /v1/leads/{id}` (`data: {"id": "<uuid>"}`). Leads take the deal custom fields as
//! top-level members (sub-values as `<key>_currency`, `<key>_until`). Created leads get a UUID,
//! the source and origin `API`. The leads service validates with its own messages: 400
//! `{"success":false,"error":"provided dataset is not valid","error_info":"\"title\" is required",…}`.
//! Facts: Pipedrive's v1 Leads reference (Postman collection responses), the request models of
//! its official Node client (AddLeadRequest, UpdateLeadRequest, LeadValue) and the error a
//! client reported for a lead without a title (verbb/formie#2434).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{patch, post};
use axum::Router;
use serde_json::{json, Map, Value};

use super::body::{self, n, p, problem, Kind, Param, Problem};
use super::overlay::{self, SVC};
use super::{error, fields, Data, Entity, CC_EMAIL};
use crate::common::{json as respond, Rejection};
use crate::data::{fmt_iso, mix};
use crate::writes::key_text;
use crate::{AppState, Shared};

const VISIBILITY: &[&str] = &["1", "3", "5", "7"];

const PARAMS: &[Param] = &[
    p("title", Kind::Text),
    p("owner_id", Kind::Int),
    p("label_ids", Kind::Texts),
    n("person_id", Kind::Int),
    n("organization_id", Kind::Int),
    n("value", Kind::Object),
    n("expected_close_date", Kind::Date),
    p("visible_to", Kind::Words(VISIBILITY)),
    p("was_seen", Kind::Bool),
    n("origin_id", Kind::Text),
    n("channel", Kind::Int),
    n("channel_id", Kind::Text),
    p("is_archived", Kind::Bool),
];

const REFERENCES: [(&str, &str, &str); 3] = [
    ("owner_id", "users", "User"),
    ("person_id", "persons", "Person"),
    ("organization_id", "organizations", "Organization"),
];

/// The leads service's 400: `error_info` says what is wrong, in its validator's words.
fn refused(info: &str) -> Response {
    respond(
        StatusCode::BAD_REQUEST,
        json!({
            "success": false, "data": null, "additional_data": null,
            "error": "provided dataset is not valid", "error_info": info,
        }),
    )
}

/// A problem as the leads service words it (`"field" why`).
fn worded((field, why): &Problem) -> String {
    let why = why.strip_suffix(" for this request").unwrap_or(why);
    format!("\"{field}\" {why}")
}

fn checked(
    st: &Shared,
    headers: &HeaderMap,
    raw: &[u8],
    creating: bool,
) -> Result<Map<String, Value>, Rejection> {
    let mut b = body::read(headers, raw, false).map_err(|msg| Box::new(refused(&msg)))?;
    // Visibility is documented as text; a number is read as its text.
    if let Some(v) = b.get("visible_to").and_then(Value::as_i64) {
        b.insert("visible_to".to_owned(), json!(v.to_string()));
    }
    let defs = st.pipedrive.fields_of(Entity::Deal);
    let custom = |key: &str| fields::member_v1(defs, key).is_some();
    let mut problems = body::problems(&b, PARAMS, &["title"], creating, &custom);
    if creating && b.contains_key("is_archived") {
        problems.insert(0, problem("is_archived", "is not allowed"));
    }
    if let Some(Value::Object(v)) = b.get("value") {
        if !v.get("amount").is_some_and(Value::is_number) {
            problems.push(problem("value.amount", "is required and must be a number"));
        }
        if !v.get("currency").is_some_and(Value::is_string) {
            problems.push(problem(
                "value.currency",
                "is required and must be a string",
            ));
        }
    }
    if let Some(first) = problems.first() {
        return Err(Box::new(refused(&worded(first))));
    }
    for (param, table, what) in REFERENCES {
        if let Some(v) = b.get(param).filter(|v| !v.is_null()) {
            if !overlay::exists(st, table, &key_text(v).unwrap_or_default()) {
                return Err(Box::new(body::missing_reference(what, v)));
            }
        }
    }
    Ok(b)
}

/// A new lead's id: a UUID (version 4 layout), from the seed and how many were created.
fn new_id(d: &Data, n: u64) -> String {
    let seed = d.g.seed();
    let h = format!(
        "{:016x}{:016x}",
        mix(seed ^ mix(n)),
        mix(seed ^ mix(n ^ 0x1ead))
    );
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

fn blank(now: i64) -> Value {
    let t = fmt_iso(now);
    json!({
        "id": null, "title": null, "owner_id": 1, "creator_id": 1, "label_ids": [],
        "person_id": null, "organization_id": null, "source_name": "API", "origin": "API",
        "origin_id": null, "channel": null, "channel_id": null, "is_archived": false,
        "was_seen": false, "value": null, "expected_close_date": null,
        "next_activity_id": null, "add_time": t, "update_time": t, "visible_to": "3",
        "cc_email": CC_EMAIL,
    })
}

/// Applies a checked body; Err: the leads service's 400.
fn apply(d: &Data, r: &mut Value, b: &Map<String, Value>, now: i64) -> Result<(), Rejection> {
    let defs = d.fields_of(Entity::Deal);
    let Value::Object(lead) = r else {
        return Ok(());
    };
    for (key, v) in b {
        if PARAMS.iter().any(|p| p.name == key) {
            lead.insert(key.clone(), v.clone());
            continue;
        }
        let Some((f, part)) = fields::member_v1(defs, key) else {
            continue;
        };
        let written = match part {
            None => fields::write_v1(f, v),
            Some(suffix) => fields::write_v1_part(f, suffix, v).map(|v| vec![(key.clone(), v)]),
        };
        // Unset custom values are absent from a lead, not null.
        match written {
            Ok(members) => {
                for (k, v) in members {
                    if v.is_null() {
                        lead.remove(&k);
                    } else {
                        lead.insert(k, v);
                    }
                }
            }
            Err(why) => return Err(Box::new(refused(&worded(&(key.clone(), why))))),
        }
    }
    if lead.get("person_id").is_none_or(Value::is_null)
        && lead.get("organization_id").is_none_or(Value::is_null)
    {
        return Err(Box::new(refused(
            "\"value\" must contain at least one of [person_id, organization_id]",
        )));
    }
    lead.insert("update_time".to_owned(), json!(fmt_iso(now)));
    Ok(())
}

fn applied(st: &Shared, status: StatusCode, data: Value) -> Response {
    match st.writes.after_apply(SVC) {
        Some(fault) => fault,
        None => respond(status, json!({ "success": true, "data": data })),
    }
}

fn create(st: &Shared, headers: &HeaderMap, raw: &[u8]) -> Response {
    let b = match checked(st, headers, raw, true) {
        Ok(b) => b,
        Err(resp) => return *resp,
    };
    let d = &st.pipedrive;
    let now = overlay::now();
    let mut lead = blank(now);
    if let Err(resp) = apply(d, &mut lead, &b, now) {
        return *resp;
    }
    let lead = st.writes.with(SVC, "leads", |w| {
        lead["id"] = json!(new_id(d, w.next_id(0)));
        w.created.push(lead.clone());
        lead
    });
    applied(st, StatusCode::CREATED, lead)
}

fn update(st: &Shared, id: &str, headers: &HeaderMap, raw: &[u8]) -> Response {
    let Some(mut lead) = overlay::record(st, "leads", id) else {
        return error(StatusCode::NOT_FOUND, "Lead not found");
    };
    let b = match checked(st, headers, raw, false) {
        Ok(b) => b,
        Err(resp) => return *resp,
    };
    let d = &st.pipedrive;
    if let Err(resp) = apply(d, &mut lead, &b, overlay::now()) {
        return *resp;
    }
    let stored = st.writes.with(SVC, "leads", |w| {
        let found = overlay::locate(w, id, overlay::gen_index(d, "leads", id))?;
        overlay::store(w, id, found, lead.clone());
        Some(lead)
    });
    match stored {
        Some(lead) => applied(st, StatusCode::OK, lead),
        None => error(StatusCode::NOT_FOUND, "Lead not found"),
    }
}

fn delete(st: &Shared, id: &str) -> Response {
    let d = &st.pipedrive;
    let removed = st.writes.with(SVC, "leads", |w| {
        let found = overlay::locate(w, id, overlay::gen_index(d, "leads", id))?;
        overlay::remove(w, id, found);
        Some(())
    });
    match removed {
        Some(()) => applied(st, StatusCode::OK, json!({ "id": id })),
        None => error(StatusCode::NOT_FOUND, "Lead not found"),
    }
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/leads",
        post(
            |State(st): State<AppState>, headers: HeaderMap, raw: Bytes| async move {
                create(&st, &headers, &raw)
            },
        ),
    )
    .route(
        "/leads/{id}",
        patch(
            |State(st): State<AppState>,
             Path(id): Path<String>,
             headers: HeaderMap,
             raw: Bytes| async move { update(&st, &id, &headers, &raw) },
        )
        .delete(
            |State(st): State<AppState>, Path(id): Path<String>| async move { delete(&st, &id) },
        ),
    )
}
