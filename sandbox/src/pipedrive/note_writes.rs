//! Notes' write endpoints (API v1): `POST /v1/notes` (`content` required, and at least one of
//! `deal_id`, `person_id`, `org_id`, `lead_id`, `project_id`), `PUT /v1/notes/{id}` (any of the
//! same) and `DELETE /v1/notes/{id}`. Bodies are JSON or form-encoded, as v1 takes them; v1
//! ignores members it does not know. Answers 200 with the note as `GET /v1/notes/{id}` renders
//! it (DELETE: `data: true`), 400 in v1's envelope for a bad body or a record it names that does
//! not exist, 404 for an unknown note. Facts: Pipedrive's v1 Notes reference and the request
//! models of its official Node client (AddNoteRequest, NoteRequest, DeleteNoteResponse).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{post, put};
use axum::Router;
use serde_json::{json, Map, Value};

use super::body::{self, n, p, Kind, Param};
use super::overlay::{self, SVC};
use super::{error, Data, CC_EMAIL};
use crate::common::{ok, Rejection};
use crate::data::{fmt_space, parse_datetime};
use crate::writes::key_text;
use crate::{AppState, Shared};

const PINS: [&str; 5] = [
    "pinned_to_lead_flag",
    "pinned_to_deal_flag",
    "pinned_to_organization_flag",
    "pinned_to_person_flag",
    "pinned_to_project_flag",
];

const PARAMS: &[Param] = &[
    p("content", Kind::Text),
    n("lead_id", Kind::Text),
    n("deal_id", Kind::Int),
    n("person_id", Kind::Int),
    n("org_id", Kind::Int),
    n("project_id", Kind::Int),
    p("user_id", Kind::Int),
    p("add_time", Kind::Stamp),
    p("pinned_to_lead_flag", Kind::Bool),
    p("pinned_to_deal_flag", Kind::Bool),
    p("pinned_to_organization_flag", Kind::Bool),
    p("pinned_to_person_flag", Kind::Bool),
    p("pinned_to_project_flag", Kind::Bool),
];

/// What a note can be attached to: (body member, table, what Pipedrive calls it).
const ATTACHED: [(&str, &str, &str); 5] = [
    ("deal_id", "deals", "Deal"),
    ("person_id", "persons", "Person"),
    ("org_id", "organizations", "Organization"),
    ("lead_id", "leads", "Lead"),
    ("project_id", "projects", "Project"),
];

/// The body, checked: pins given as 0/1 (what v1 documents) read as booleans.
fn checked(
    st: &Shared,
    headers: &HeaderMap,
    raw: &[u8],
    creating: bool,
) -> Result<Map<String, Value>, Rejection> {
    let mut b = body::read(headers, raw, true).map_err(|msg| Box::new(body::bad_request(&msg)))?;
    body::coerce_form(&mut b, PARAMS);
    for pin in PINS {
        if let Some(v) = b.get(pin).and_then(Value::as_i64) {
            b.insert(pin.to_owned(), json!(v == 1));
        }
    }
    if creating
        && b.get("content")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
    {
        return Err(Box::new(body::bad_request("Content must be given.")));
    }
    let problems = body::problems(&b, PARAMS, &[], creating, &|_| true);
    if !problems.is_empty() {
        return Err(Box::new(body::bad_request(&body::validation_failed(
            &problems,
        ))));
    }
    let refs = ATTACHED.iter().chain(&[("user_id", "users", "User")]);
    for (param, table, what) in refs {
        if let Some(v) = b.get(*param).filter(|v| !v.is_null()) {
            if !overlay::exists(st, table, &key_text(v).unwrap_or_default()) {
                return Err(Box::new(body::missing_reference(what, v)));
            }
        }
    }
    Ok(b)
}

/// A new note before its body is applied.
fn blank(d: &Data, now: i64) -> Value {
    let t = fmt_space(now);
    json!({
        "id": 0, "user_id": 1, "deal_id": null, "person_id": null, "org_id": null,
        "lead_id": null, "project_id": null, "content": "", "add_time": t, "update_time": t,
        "active_flag": true, "pinned_to_deal_flag": false, "pinned_to_person_flag": false,
        "pinned_to_organization_flag": false, "pinned_to_project_flag": false,
        "last_update_user_id": 1, "organization": null, "person": null, "deal": null,
        "user": user(d, 1), "cc_email": CC_EMAIL,
    })
}

fn user(d: &Data, id: u64) -> Value {
    let u = (id as usize).saturating_sub(1);
    json!({
        "email": d.user_email(u), "name": d.user_name(u), "icon_url": null, "is_you": u == 0,
    })
}

/// Applies a checked body; Err when the note would be attached to nothing.
fn apply(st: &Shared, r: &mut Value, b: &Map<String, Value>, now: i64) -> Result<(), Rejection> {
    let d = &st.pipedrive;
    for (key, v) in b {
        if PARAMS.iter().any(|p| p.name == key) {
            r[key] = v.clone();
        }
    }
    if let Some(t) = b
        .get("add_time")
        .and_then(Value::as_str)
        .and_then(parse_datetime)
    {
        r["add_time"] = json!(fmt_space(t));
    }
    if let Some(u) = b.get("user_id").and_then(Value::as_u64) {
        r["user"] = user(d, u);
    }
    if ATTACHED.iter().all(|(key, ..)| r[*key].is_null()) {
        return Err(Box::new(body::bad_request(
            "Note must be attached to a deal, person, organization, lead or project.",
        )));
    }
    // The names shown with the note, of the records as they read now.
    let named = |id: &Value, table: &str, field: &str| {
        key_text(id)
            .and_then(|k| overlay::record(st, table, &k))
            .map_or(Value::Null, |rec| {
                let mut one = Map::new();
                one.insert(field.to_owned(), rec[field].clone());
                Value::Object(one)
            })
    };
    r["organization"] = named(&r["org_id"], "organizations", "name");
    r["person"] = named(&r["person_id"], "persons", "name");
    r["deal"] = named(&r["deal_id"], "deals", "title");
    r["last_update_user_id"] = json!(1);
    r["update_time"] = json!(fmt_space(now));
    Ok(())
}

fn applied(st: &Shared, data: Value) -> Response {
    match st.writes.after_apply(SVC) {
        Some(fault) => fault,
        None => ok(json!({ "success": true, "data": data })),
    }
}

fn create(st: &Shared, headers: &HeaderMap, raw: &[u8]) -> Response {
    let b = match checked(st, headers, raw, true) {
        Ok(b) => b,
        Err(resp) => return *resp,
    };
    let d = &st.pipedrive;
    let now = overlay::now();
    let mut note = blank(d, now);
    if let Err(resp) = apply(st, &mut note, &b, now) {
        return *resp;
    }
    let note = st.writes.with(SVC, "notes", |w| {
        note["id"] = json!(w.next_id(d.n as u64));
        w.created.push(note.clone());
        note
    });
    applied(st, note)
}

fn update(st: &Shared, id: &str, headers: &HeaderMap, raw: &[u8]) -> Response {
    let Some(mut note) = overlay::record(st, "notes", id) else {
        return error(StatusCode::NOT_FOUND, "Note not found");
    };
    let b = match checked(st, headers, raw, false) {
        Ok(b) => b,
        Err(resp) => return *resp,
    };
    if let Err(resp) = apply(st, &mut note, &b, overlay::now()) {
        return *resp;
    }
    let d = &st.pipedrive;
    let stored = st.writes.with(SVC, "notes", |w| {
        let found = overlay::locate(w, id, overlay::gen_index(d, "notes", id))?;
        overlay::store(w, id, found, note.clone());
        Some(note)
    });
    match stored {
        Some(note) => applied(st, note),
        None => error(StatusCode::NOT_FOUND, "Note not found"),
    }
}

fn delete(st: &Shared, id: &str) -> Response {
    let d = &st.pipedrive;
    let removed = st.writes.with(SVC, "notes", |w| {
        let found = overlay::locate(w, id, overlay::gen_index(d, "notes", id))?;
        overlay::remove(w, id, found);
        Some(())
    });
    match removed {
        Some(()) => applied(st, json!(true)),
        None => error(StatusCode::NOT_FOUND, "Note not found"),
    }
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/notes",
        post(
            |State(st): State<AppState>, headers: HeaderMap, raw: Bytes| async move {
                create(&st, &headers, &raw)
            },
        ),
    )
    .route(
        "/notes/{id}",
        put(
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
