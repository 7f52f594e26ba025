//! The routes of Keap REST v1's write endpoints the sandbox imitates (each table's rules are in
//! keap/write_*.rs): create, update and delete of contacts, companies (no delete), opportunities
//! (no delete), tasks and notes, and applying and removing tags. Each answer of a write that was
//! applied passes through `st.writes.after_apply`, so the `fail_after_apply` fault can turn it
//! into Keap's 500 with the change kept.
//!
//! Not imitated: the PUT variants (`PUT /contacts` create-or-update by duplicate option, `PUT
//! /opportunities`, `/tasks/{id}`, `/notes/{id}` replace), which answer 405 here like any method
//! a path does not take; the model and custom-field definition writes; e-mails, credit cards,
//! UTMs.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::{delete, patch, post};
use axum::Router;

use super::{
    write_companies as companies, write_contacts as contacts, write_notes as notes,
    write_opportunities as opportunities, write_tags as tags, write_tasks as tasks,
};
use crate::common::{params, Rejection, Service};
use crate::{AppState, Shared};

/// The answer to a write: the table's refusal as it is, a success through the write fault.
fn done(st: &Shared, result: Result<Response, Rejection>) -> Response {
    match result {
        Ok(resp) => st.writes.after_apply(Service::Keap).unwrap_or(resp),
        Err(refusal) => *refusal,
    }
}

type Create = fn(&Shared, &[u8]) -> Result<Response, Rejection>;
type Patch = fn(&Shared, &str, &[u8]) -> Result<Response, Rejection>;
type Delete = fn(&Shared, &str) -> Result<Response, Rejection>;

/// POST on a collection, with and without the trailing slash Keap's own links carry.
fn create(r: Router<AppState>, collection: &str, f: Create) -> Router<AppState> {
    let handler =
        move |State(st): State<AppState>, body: Bytes| async move { done(&st, f(&st, &body)) };
    r.route(&format!("/{collection}"), post(handler))
        .route(&format!("/{collection}/"), post(handler))
}

fn record(r: Router<AppState>, collection: &str, p: Patch, d: Option<Delete>) -> Router<AppState> {
    let mut method = patch(
        move |State(st): State<AppState>, Path(id): Path<String>, body: Bytes| async move {
            done(&st, p(&st, &id, &body))
        },
    );
    if let Some(d) = d {
        method = method.delete(
            move |State(st): State<AppState>, Path(id): Path<String>| async move {
                done(&st, d(&st, &id))
            },
        );
    }
    r.route(&format!("/{collection}/{{id}}"), method)
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    let r = create(r, "contacts", contacts::create);
    let r = create(r, "companies", companies::create);
    let r = create(r, "opportunities", opportunities::create);
    let r = create(r, "tasks", tasks::create);
    let r = create(r, "notes", notes::create);
    let r = r.route(
        "/contacts/{id}",
        patch(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri, body: Bytes| async move {
                done(&st, contacts::patch(&st, &id, uri.query(), &body))
            },
        )
        .delete(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                done(&st, contacts::delete(&st, &id))
            },
        ),
    );
    let r = record(r, "companies", companies::patch, None);
    let r = record(r, "opportunities", opportunities::patch, None);
    let r = record(r, "tasks", tasks::patch, Some(tasks::delete));
    let r = record(r, "notes", notes::patch, Some(notes::delete));
    tag_routes(r)
}

fn tag_routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/contacts/{id}/tags",
        post(
            |State(st): State<AppState>, Path(id): Path<String>, body: Bytes| async move {
                done(&st, tags::apply_to_contact(&st, &id, &body))
            },
        )
        .delete(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                done(&st, tags::remove_from_contact(&st, &id, &params(&uri)))
            },
        ),
    )
    .route(
        "/contacts/{id}/tags/{tag}",
        delete(
            |State(st): State<AppState>, Path((id, tag)): Path<(String, String)>| async move {
                done(&st, tags::remove_one(&st, &id, &tag))
            },
        ),
    )
    .route(
        "/tags/{id}/contacts",
        post(
            |State(st): State<AppState>, Path(id): Path<String>, body: Bytes| async move {
                done(&st, tags::apply_to_contacts(&st, &id, &body))
            },
        )
        .delete(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                done(&st, tags::remove_from_contacts(&st, &id, &params(&uri)))
            },
        ),
    )
    .route(
        "/tags/{id}/contacts/{contact}",
        delete(
            |State(st): State<AppState>, Path((id, contact)): Path<(String, String)>| async move {
                done(&st, tags::remove_one(&st, &contact, &id))
            },
        ),
    )
}
