//! Keap REST v1 applying and removing tags, both ways round, as the v1 OpenAPI (2025-11-05)
//! documents them:
//! - `POST /contacts/{contactId}/tags` `{"tagIds": [..]}` and `POST /tags/{tagId}/contacts`
//!   `{"ids": [..]}` → 200 with one result per id asked: SUCCESS, DUPLICATE (already applied),
//!   CONTACT_NOT_FOUND or TAG_ID_NOT_FOUND (the spec's enum). The spec lists no 4xx for them: a
//!   contact or tag that does not exist is a result, not an error. The spec shows the answer as
//!   `Entry«long,string»`, springfox's picture of a Java `Map<Long, String>`, which Jackson writes
//!   as one object: `{"<id>": "SUCCESS", ...}`.
//! - `DELETE /contacts/{contactId}/tags/{tagId}`, `DELETE /tags/{tagId}/contacts/{contactId}`
//!   and the lists `DELETE /contacts/{contactId}/tags?ids=1,2` and
//!   `DELETE /tags/{tagId}/contacts?ids=1,2` → 204; 404 when the contact or tag in the path does
//!   not exist. Removing a tag the contact does not carry is a 204 too (the spec does not say;
//!   a removal leaves the same state either way).
//!
//! A tag applied now has `date_applied` now. What the lists show is keap/applied.rs's.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::applied::{pair_key, TABLE};
use super::write_body::{self as wb, bad};
use super::write_contacts::not_found;
use super::{overlay, write_store, Table, TAGS};
use crate::common::{json, param, Params, Rejection, Service};
use crate::Shared;

fn tag_exists(tag: u64) -> bool {
    (1..=TAGS as u64).contains(&tag)
}

fn contact_exists(st: &Shared, contact: u64) -> bool {
    overlay::find(st, Table::Contacts, &contact.to_string()).is_some()
}

/// Applies tag `tag` to contact `contact`; the result Keap names.
fn apply(st: &Shared, contact: u64, tag: u64, now: i64) -> &'static str {
    if !contact_exists(st, contact) {
        return "CONTACT_NOT_FOUND";
    }
    if !tag_exists(tag) {
        return "TAG_ID_NOT_FOUND";
    }
    let d = &st.keap;
    let generated = (1..=d.n as u64).contains(&contact)
        && d.contact_tags(contact as usize - 1)
            .iter()
            .any(|(k, _)| *k as u64 + 1 == tag);
    let key = pair_key(contact, tag);
    st.writes.with(Service::Keap, TABLE, |w| {
        let applied = (generated && !w.deleted.contains(&key))
            || w.created
                .iter()
                .any(|p| p["key"].as_str() == Some(key.as_str()));
        if applied {
            return "DUPLICATE";
        }
        w.created.push(json!({
            "key": key, "contact_id": contact, "tag_id": tag, "applied": now,
        }));
        "SUCCESS"
    })
}

/// Removes tag `tag` from contact `contact`, if applied.
fn remove(st: &Shared, contact: u64, tag: u64) {
    let key = pair_key(contact, tag);
    let generated = (1..=st.keap.n as u64).contains(&contact);
    st.writes.with(Service::Keap, TABLE, |w| {
        w.remove_created("key", &key);
        if generated {
            // A generated pair is hidden, whether or not the contact had it: the same reads.
            w.deleted.insert(key);
        }
    });
}

/// The ids of a body's list field (`tagIds`, `ids`).
fn ids(bytes: &[u8], field: &str) -> Result<Vec<u64>, Rejection> {
    let body = wb::parse(bytes)?;
    let Some(Value::Array(items)) = body.get(field) else {
        return Err(bad(&format!("{field} is required")));
    };
    items
        .iter()
        .map(|v| wb::id(v)?.ok_or_else(|| bad(wb::UNREADABLE)))
        .collect()
}

/// The `ids` query parameter: ids joined by commas.
fn query_ids(p: &Params) -> Result<Vec<u64>, Rejection> {
    let Some(list) = param(p, "ids") else {
        return Err(bad("ids is required"));
    };
    list.split(',')
        .map(|s| s.trim().parse().map_err(|_| bad(wb::UNREADABLE)))
        .collect()
}

fn path_id(id: &str) -> Result<u64, Rejection> {
    id.parse().map_err(|_| not_found())
}

/// `POST /contacts/{contactId}/tags`.
pub(super) fn apply_to_contact(
    st: &Shared,
    contact: &str,
    bytes: &[u8],
) -> Result<Response, Rejection> {
    let tags = ids(bytes, "tagIds")?;
    let contact = path_id(contact)?;
    let now = write_store::now();
    let results: Map<String, Value> = tags
        .into_iter()
        .map(|t| (t.to_string(), json!(apply(st, contact, t, now))))
        .collect();
    Ok(json(StatusCode::OK, Value::Object(results)))
}

/// `POST /tags/{tagId}/contacts`.
pub(super) fn apply_to_contacts(
    st: &Shared,
    tag: &str,
    bytes: &[u8],
) -> Result<Response, Rejection> {
    let contacts = ids(bytes, "ids")?;
    let tag = path_id(tag)?;
    let now = write_store::now();
    let results: Map<String, Value> = contacts
        .into_iter()
        .map(|c| (c.to_string(), json!(apply(st, c, tag, now))))
        .collect();
    Ok(json(StatusCode::OK, Value::Object(results)))
}

/// `DELETE /contacts/{contactId}/tags/{tagId}` and `DELETE /tags/{tagId}/contacts/{contactId}`.
pub(super) fn remove_one(st: &Shared, contact: &str, tag: &str) -> Result<Response, Rejection> {
    let (contact, tag) = (path_id(contact)?, path_id(tag)?);
    if !contact_exists(st, contact) || !tag_exists(tag) {
        return Err(not_found());
    }
    remove(st, contact, tag);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /contacts/{contactId}/tags?ids=..`.
pub(super) fn remove_from_contact(
    st: &Shared,
    contact: &str,
    p: &Params,
) -> Result<Response, Rejection> {
    let tags = query_ids(p)?;
    let contact = path_id(contact)?;
    if !contact_exists(st, contact) {
        return Err(not_found());
    }
    for t in tags.into_iter().filter(|t| tag_exists(*t)) {
        remove(st, contact, t);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /tags/{tagId}/contacts?ids=..`.
pub(super) fn remove_from_contacts(
    st: &Shared,
    tag: &str,
    p: &Params,
) -> Result<Response, Rejection> {
    let contacts = query_ids(p)?;
    let tag = path_id(tag)?;
    if !tag_exists(tag) {
        return Err(not_found());
    }
    for c in contacts {
        if contact_exists(st, c) {
            remove(st, c, tag);
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
