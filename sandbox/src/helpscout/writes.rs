//! Help Scout's write endpoints (Mailbox API 2.0) and what they share: the router, the answers
//! (201 Created with `Resource-ID`, plus `Location` where documented; 204 No Content), the
//! clock records are stamped with, the `fail_after_apply` fault, and the manifest's `write`
//! entries. The endpoints themselves live in `write_customers.rs`, `write_conversations.rs`,
//! `write_conversation_edits.rs` and `write_threads.rs`; reads of what they wrote in
//! `overlay.rs` and `thread_reads.rs`.
//!
//! Help Scout counts a write as two requests against its rate limit
//! (developer.helpscout.com/mailbox-api/overview/rate-limiting); the sandbox's rate window
//! (`faults.rs`) counts every request once.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post, put};
use axum::Router;
use serde_json::{json, Value};

use super::{
    api_base, write_conversation_edits as edits, write_conversations as conversations,
    write_customers as customers, write_threads as threads, CONV_BASE, CUSTOMER_BASE, MAILBOX_BASE,
    USER_BASE,
};
use crate::common::{Rejection, Service};
use crate::{AppState, Shared};

/// Seconds since the epoch: when a write happened.
pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// 201 Created, no body, the new id in `Resource-ID` (and the new record's URL in `Location`
/// when given).
pub(super) fn created(id: u64, location: Option<String>) -> Response {
    let mut resp = (StatusCode::CREATED, [("Resource-ID", id.to_string())]).into_response();
    if let Some(url) = location.and_then(|l| l.parse().ok()) {
        resp.headers_mut().insert(header::LOCATION, url);
    }
    resp
}

pub(super) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// The answer to a write that was applied: `resp`, or the 500 of an armed `fail_after_apply`.
pub(super) fn applied(st: &Shared, resp: Response) -> Response {
    st.writes.after_apply(Service::HelpScout).unwrap_or(resp)
}

/// The URL of a record, as `Location` gives it.
pub(super) fn location(st: &Shared, path: &str, id: u64) -> Option<String> {
    Some(format!("{}/{path}/{id}", api_base(st)))
}

/// A 400 / 404 / 412 already built, or the value a handler goes on with.
pub(super) type Answer<T> = Result<T, Rejection>;

/// Runs a handler that answers with `?` on its errors.
fn answer(r: Answer<Response>) -> Response {
    r.unwrap_or_else(|e| *e)
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/customers",
            post(|State(st): State<AppState>, body: axum::body::Bytes| async move {
                answer(customers::create(&st, &body))
            }),
        )
        .route(
            "/customers/{id}",
            put(
                |State(st): State<AppState>, Path(id): Path<String>, body: axum::body::Bytes| async move {
                    answer(customers::overwrite(&st, &id, &body))
                },
            )
            .delete(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    answer(customers::delete(&st, &id, &uri))
                },
            ),
        )
        .route(
            "/conversations",
            post(|State(st): State<AppState>, body: axum::body::Bytes| async move {
                answer(conversations::create(&st, &body))
            }),
        )
        .route(
            "/conversations/{id}",
            patch(
                |State(st): State<AppState>, Path(id): Path<String>, body: axum::body::Bytes| async move {
                    answer(edits::update(&st, &id, &body))
                },
            )
            .delete(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    answer(edits::delete(&st, &id))
                },
            ),
        )
        .route(
            "/conversations/{id}/tags",
            put(
                |State(st): State<AppState>, Path(id): Path<String>, body: axum::body::Bytes| async move {
                    answer(edits::tags(&st, &id, &body))
                },
            ),
        )
        .route(
            "/conversations/{id}/fields",
            put(
                |State(st): State<AppState>, Path(id): Path<String>, body: axum::body::Bytes| async move {
                    answer(edits::fields(&st, &id, &body))
                },
            ),
        )
        .route(
            "/conversations/{id}/notes",
            post(
                |State(st): State<AppState>, Path(id): Path<String>, body: axum::body::Bytes| async move {
                    answer(threads::create(&st, &id, &body, threads::Kind::Note))
                },
            ),
        )
        .route(
            "/conversations/{id}/reply",
            post(
                |State(st): State<AppState>, Path(id): Path<String>, body: axum::body::Bytes| async move {
                    answer(threads::create(&st, &id, &body, threads::Kind::Reply))
                },
            ),
        )
        .route(
            "/conversations/{id}/threads/{thread}",
            patch(
                |State(st): State<AppState>,
                 Path((id, thread)): Path<(String, String)>,
                 body: axum::body::Bytes| async move {
                    answer(threads::update(&st, &id, &thread, &body))
                },
            ),
        )
}

/// The manifest's `write` entries: SQL column names of `profiles/helpscout.toml` and values a
/// data-driven test can write and read back (see docs/services/helpscout.md, "Writes").
pub(super) fn manifest_entries(tables: &mut Value) {
    let customer = CUSTOMER_BASE as u64;
    let conversation = CONV_BASE as u64;
    tables["customers"]["write"] = json!({
        "key": ["id"],
        "insert": {
            "first_name": "Ada", "last_name": "Lovelace", "job_title": "Analyst",
            "organization": "Analytical Engines", "address_city": "London",
            "address_country": "GB",
        },
        "update": { "first_name": "Augusta", "job_title": "Countess" },
        // A well-formed JSON value the API refuses: the address is not an e-mail address.
        "refused_insert": {
            "first_name": "Ada",
            "emails": "[{\"type\":\"work\",\"value\":\"not-an-email\"}]",
        },
        "creates_key": true,
    });
    tables["conversations"]["write"] = json!({
        "key": ["id"],
        "insert": {
            "subject": "Printer on fire", "type": "email", "status": "active",
            "mailbox_id": MAILBOX_BASE, "customer_id": customer, "assignee_id": USER_BASE,
            // Custom fields of the first mailbox: a dropdown (by its label) and a number.
            "priority": "Urgent", "order_number": 42.0,
        },
        "update": {
            "subject": "Printer no longer on fire", "status": "closed",
            "priority": "Low", "order_number": 43.0,
        },
        // No mailbox has this id.
        "refused_insert": {
            "subject": "Printer on fire", "type": "email", "status": "active",
            "mailbox_id": 999, "customer_id": customer,
        },
        "creates_key": true,
    });
    tables["threads"]["write"] = json!({
        "key": ["id"],
        "insert": {
            "conversation_id": conversation, "type": "note", "body": "Called the customer back.",
        },
        "update": { "body": "Called the customer back twice." },
        // No conversation has this id: 404.
        "refused_insert": { "conversation_id": 99_999_999, "type": "note", "body": "Hello" },
        "creates_key": true,
        // Help Scout documents no way to delete a thread.
        "delete": false,
    });
}
