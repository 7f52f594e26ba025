//! API v2 write endpoints: `POST /api/v2/<resource>`, `PATCH /api/v2/<resource>/{id}` and
//! `DELETE /api/v2/<resource>/{id}` for persons, organizations, deals, activities and products.
//! A body is checked as v2's schema validation does (unknown parameters, types, required ones:
//! 400 `ERR_SCHEMA_VALIDATION_FAILED` naming every problem), then the records it names must
//! exist (400), then the write is applied to the overlay and answered with
//! `{"success":true,"data":<record>}` (200; DELETE: `{"id":N}`). An unknown or deleted record is
//! a 404. What a record becomes is `records`' business; this module owns the flow.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{patch, post};
use axum::Router;
use serde_json::{json, Map, Value};

use super::overlay::{self, Found, SVC};
use super::record_rules::set_id;
use super::records::{Problems, Writable};
use super::{body, error};
use crate::common::{ok, Rejection};
use crate::writes::key_text;
use crate::{AppState, Shared};

/// The body as a checked JSON object, or the answer refusing it.
fn checked(
    st: &Shared,
    w: Writable,
    headers: &HeaderMap,
    raw: &[u8],
    creating: bool,
) -> Result<Map<String, Value>, Rejection> {
    let b = body::read(headers, raw, false).map_err(|msg| Box::new(body::bad_request(&msg)))?;
    let problems = body::problems(&b, w.params(), w.required(), creating, &|_| false);
    if !problems.is_empty() {
        return Err(Box::new(body::invalid(&problems)));
    }
    for (param, table, what) in w.references() {
        let Some(v) = b.get(*param).filter(|v| !v.is_null()) else {
            continue;
        };
        let key = key_text(v).unwrap_or_default();
        if !overlay::exists(st, table, &key) {
            return Err(Box::new(body::missing_reference(what, v)));
        }
    }
    Ok(b)
}

/// The answer to an applied write: the record, unless the write fault is armed (then the
/// write stays applied and the client gets a 500 it must not retry blindly).
fn applied(st: &Shared, data: Value) -> Response {
    match st.writes.after_apply(SVC) {
        Some(fault) => fault,
        None => ok(json!({ "success": true, "data": data })),
    }
}

fn create(st: &Shared, w: Writable, headers: &HeaderMap, raw: &[u8]) -> Response {
    let b = match checked(st, w, headers, raw, true) {
        Ok(b) => b,
        Err(resp) => return *resp,
    };
    let d = &st.pipedrive;
    let now = overlay::now();
    let mut record = w.blank(d, 0, now);
    if let Err(problems) = w.apply(d, &mut record, &b, now, true) {
        return body::invalid(&problems);
    }
    let record = st.writes.with(SVC, w.table(), |tw| {
        set_id(&mut record, tw.next_id(w.generated(d)));
        tw.created.push(record.clone());
        record
    });
    applied(st, record)
}

fn update(st: &Shared, w: Writable, id: &str, headers: &HeaderMap, raw: &[u8]) -> Response {
    let d = &st.pipedrive;
    let gen = overlay::gen_index(d, w.table(), id);
    // A missing record is a 404 before the body is looked at, as Pipedrive answers.
    if !overlay::exists(st, w.table(), id) {
        return error(StatusCode::NOT_FOUND, w.not_found());
    }
    let b = match checked(st, w, headers, raw, false) {
        Ok(b) => b,
        Err(resp) => return *resp,
    };
    let now = overlay::now();
    let done = st
        .writes
        .with(SVC, w.table(), |tw| -> Result<Value, Option<Problems>> {
            let found = overlay::locate(tw, id, gen).ok_or(None)?;
            let mut record = overlay::current(tw, id, found, |i| w.render(d, i));
            w.apply(d, &mut record, &b, now, false).map_err(Some)?;
            overlay::store(tw, id, found, record.clone());
            Ok(record)
        });
    match done {
        Ok(record) => applied(st, record),
        Err(Some(problems)) => body::invalid(&problems),
        Err(None) => error(StatusCode::NOT_FOUND, w.not_found()),
    }
}

fn delete(st: &Shared, w: Writable, id: &str) -> Response {
    let d = &st.pipedrive;
    let gen = overlay::gen_index(d, w.table(), id);
    let removed = st.writes.with(SVC, w.table(), |tw| {
        let found: Found = overlay::locate(tw, id, gen)?;
        overlay::remove(tw, id, found);
        Some(())
    });
    match removed {
        Some(()) => {
            let id: Value = id.parse::<u64>().map_or_else(|_| json!(id), |n| json!(n));
            applied(st, json!({ "id": id }))
        }
        None => error(StatusCode::NOT_FOUND, w.not_found()),
    }
}

/// Adds the write methods to the v2 router (whose GET routes are on the same paths).
pub fn routes(mut r: Router<AppState>) -> Router<AppState> {
    for w in Writable::ALL {
        r = r
            .route(
                w.path(),
                post(
                    move |State(st): State<AppState>, headers: HeaderMap, raw: Bytes| async move {
                        create(&st, w, &headers, &raw)
                    },
                ),
            )
            .route(
                &format!("{}/{{id}}", w.path()),
                patch(
                    move |State(st): State<AppState>,
                          Path(id): Path<String>,
                          headers: HeaderMap,
                          raw: Bytes| async move {
                        update(&st, w, &id, &headers, &raw)
                    },
                )
                .delete(
                    move |State(st): State<AppState>, Path(id): Path<String>| async move {
                        delete(&st, w, &id)
                    },
                ),
            );
    }
    r
}
