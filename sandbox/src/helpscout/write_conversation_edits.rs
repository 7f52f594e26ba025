//! Changes to existing Help Scout conversations (developer.helpscout.com/mailbox-api/endpoints/
//! conversations/…):
//! - Update Conversation, `PATCH /v2/conversations/{id}` (…/update): one JSON Patch operation
//!   object per request — `replace` of `/subject` (text), `/status`, `/assignTo` (a user id),
//!   `/primaryCustomer.id` (a customer id) or `/draft` (`true` publishes a draft, as Help Scout's
//!   PHP SDK sends it); `move` of `/mailboxId`; `remove` of `/assignTo` (un-assign). 204.
//! - Update Tags, `PUT /v2/conversations/{id}/tags` (…/tags/update): `{"tags": [...]}`, the
//!   whole list; tags that do not exist are created first. 204.
//! - Update Custom Fields, `PUT /v2/conversations/{id}/fields` (…/custom_fields/update):
//!   `{"fields": [{id, value}]}`, the whole list. 204.
//! - Delete Conversation, `DELETE /v2/conversations/{id}` (in Help Scout's PHP SDK,
//!   helpscout/helpscout-api-php `ConversationsEndpoint::delete`). 204.
//!
//! An unknown conversation is 404 ("Resource not found"). The sandbox's choices where the docs
//! say nothing: a `replace` of `/assignTo` with null is refused (un-assigning is `remove`); a
//! conversation moved to another mailbox keeps only the custom field values of that mailbox's
//! fields; closing stamps `closedAt` and `closedBy` (the token's user), reopening clears them.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::bad_request::{self as bad, Invalid};
use super::overlay::{self, store, CONVERSATIONS, SVC, THREADS};
use super::thread_reads::conversation_origin;
use super::write_conversations::{custom_fields, mailbox_index, tag_names, tag_refs};
use super::write_threads::user_index;
use super::writes::{applied, no_content, now, Answer};
use super::{
    api_base, error, folders, helpscout_fields, index_of, write_customers, Table, CONV_BASE,
    MAILBOX_BASE, USER_BASE,
};
use crate::data::fmt_iso;
use crate::Shared;

/// The statuses a conversation can be given.
pub(super) const STATUSES: &[&str] = &["active", "closed", "pending", "spam"];

/// Update Conversation's paths and the operations each takes.
const PATCH_PATHS: &[(&str, &[&str])] = &[
    ("/assignTo", &["replace", "remove"]),
    ("/draft", &["replace"]),
    ("/mailboxId", &["move"]),
    ("/primaryCustomer.id", &["replace"]),
    ("/status", &["replace"]),
    ("/subject", &["replace"]),
];

/// Keeps `folderId` in step with the mailbox, status and assignee.
fn refresh_folder(rec: &mut Value) {
    let mailbox = rec["mailboxId"]
        .as_u64()
        .and_then(|m| (m as usize).checked_sub(MAILBOX_BASE))
        .unwrap_or(0);
    let assignee = rec["assignee"]["id"]
        .as_u64()
        .and_then(|u| (u as usize).checked_sub(USER_BASE));
    let status = rec["status"].as_str().unwrap_or("active").to_owned();
    rec["folderId"] = json!(folders::of_conversation(mailbox, &status, assignee));
}

pub(super) fn set_status(rec: &mut Value, status: &str, at: i64) {
    rec["status"] = json!(status);
    if status == "closed" {
        rec["closedAt"] = json!(fmt_iso(at));
        rec["closedBy"] = json!(USER_BASE);
    } else {
        rec["closedAt"] = Value::Null;
        if let Some(o) = rec.as_object_mut() {
            o.remove("closedBy");
        }
    }
    refresh_folder(rec);
}

/// Sets (Some) or removes (None) the conversation's assignee.
pub(super) fn set_assignee(rec: &mut Value, user: Option<Value>) {
    match user {
        Some(u) => rec["assignee"] = u,
        None => {
            if let Some(o) = rec.as_object_mut() {
                o.remove("assignee");
            }
        }
    }
    refresh_folder(rec);
}

fn move_to(rec: &mut Value, mailbox: usize, base: &str) {
    let fields: Vec<u64> = helpscout_fields::of_mailbox(mailbox)
        .iter()
        .map(|f| f.id as u64)
        .collect();
    rec["mailboxId"] = json!(MAILBOX_BASE + mailbox);
    rec["_links"]["mailbox"] =
        json!({ "href": format!("{base}/mailboxes/{}", MAILBOX_BASE + mailbox) });
    if let Some(values) = rec["customFields"].as_array_mut() {
        values.retain(|v| v["id"].as_u64().is_some_and(|id| fields.contains(&id)));
    }
    refresh_folder(rec);
}

/// What one Update Conversation request changes.
enum Change {
    Subject(String),
    Status(&'static str),
    Assignee(Option<Value>),
    Mailbox(usize),
    Customer(Value),
    Draft(bool),
}

fn change(st: &Shared, body: &Value, errs: &mut Invalid) -> Option<Change> {
    let (op, path, value) = bad::one_operation(body, PATCH_PATHS, errs)?;
    let d = &st.helpscout;
    match path {
        "/subject" => match value.as_str() {
            Some(s) if !s.trim().is_empty() => Some(Change::Subject(s.to_owned())),
            _ => {
                errs.empty("value", Some(&value));
                None
            }
        },
        "/status" => match STATUSES.iter().find(|s| value.as_str() == Some(s)) {
            Some(s) => Some(Change::Status(s)),
            None => {
                errs.one_of("value", STATUSES, &value);
                None
            }
        },
        "/assignTo" if op == "remove" => Some(Change::Assignee(None)),
        "/assignTo" if value.is_null() => {
            errs.null("value");
            None
        }
        "/assignTo" => {
            user_index(&value, "value", errs).map(|u| Change::Assignee(Some(d.user_ref(u))))
        }
        "/mailboxId" => mailbox_index(&value, "value", errs).map(Change::Mailbox),
        "/primaryCustomer.id" => {
            match bad::id_value(&value).and_then(|id| write_customers::reference(st, id)) {
                Some(r) => Some(Change::Customer(r)),
                None => {
                    errs.unknown("value", "Customer", &value);
                    None
                }
            }
        }
        _ => match value.as_bool() {
            Some(b) => Some(Change::Draft(b)),
            None => {
                errs.wrong_type("value", "a boolean", &value);
                None
            }
        },
    }
}

/// Applies `edit` to conversation `id` as it is now; false when there is no such conversation.
fn edit(st: &Shared, id: u64, edit: impl FnOnce(&mut Value)) -> bool {
    let base = api_base(st);
    let at = fmt_iso(now());
    st.writes.with(SVC, CONVERSATIONS, |w| {
        let Some(mut rec) = overlay::current(&st.helpscout, &base, Table::Conversations, w, id)
        else {
            return false;
        };
        edit(&mut rec);
        rec["userUpdatedAt"] = json!(at);
        store(w, id, rec);
        true
    })
}

fn not_found() -> Answer<Response> {
    Ok(error(StatusCode::NOT_FOUND, "Resource not found"))
}

/// The id of an existing conversation.
fn existing(st: &Shared, id: &str) -> Option<u64> {
    let id = id.trim().parse::<u64>().ok()?;
    conversation_origin(st, id).map(|_| id)
}

pub(super) fn update(st: &Shared, id: &str, body: &[u8]) -> Answer<Response> {
    let Some(id) = existing(st, id) else {
        return not_found();
    };
    let body = bad::parse(body)?;
    let mut errs = Invalid::default();
    let change = change(st, &body, &mut errs);
    errs.result()?;
    let Some(change) = change else {
        return not_found();
    };
    let base = api_base(st);
    let at = now();
    let done = edit(st, id, |rec| match change {
        Change::Subject(s) => rec["subject"] = json!(s),
        Change::Status(s) => set_status(rec, s, at),
        Change::Assignee(u) => set_assignee(rec, u),
        Change::Mailbox(m) => move_to(rec, m, &base),
        Change::Customer(c) => rec["primaryCustomer"] = c,
        // Help Scout's PHP SDK publishes a draft with `true`; `false` changes nothing.
        Change::Draft(publish) => {
            if publish {
                rec["state"] = json!("published");
            }
        }
    });
    if !done {
        return not_found();
    }
    Ok(applied(st, no_content()))
}

pub(super) fn tags(st: &Shared, id: &str, body: &[u8]) -> Answer<Response> {
    let Some(id) = existing(st, id) else {
        return not_found();
    };
    let body = bad::parse(body)?;
    let mut errs = Invalid::default();
    if body["tags"].is_null() {
        errs.null("tags");
    }
    let names = tag_names(&body["tags"], "tags", &mut errs);
    errs.result()?;
    let refs = tag_refs(st, &names);
    if !edit(st, id, |rec| rec["tags"] = Value::Array(refs)) {
        return not_found();
    }
    Ok(applied(st, no_content()))
}

pub(super) fn fields(st: &Shared, id: &str, body: &[u8]) -> Answer<Response> {
    let Some(rec) = overlay::record(st, Table::Conversations, id) else {
        return not_found();
    };
    let Some(id) = rec["id"].as_u64() else {
        return not_found();
    };
    let mailbox = rec["mailboxId"]
        .as_u64()
        .and_then(|m| (m as usize).checked_sub(MAILBOX_BASE))
        .unwrap_or(0);
    let body = bad::parse(body)?;
    let mut errs = Invalid::default();
    if body["fields"].is_null() {
        errs.null("fields");
    }
    let values = custom_fields(mailbox, &body["fields"], "fields", &mut errs);
    errs.result()?;
    if !edit(st, id, |rec| rec["customFields"] = Value::Array(values)) {
        return not_found();
    }
    Ok(applied(st, no_content()))
}

/// Deletes conversation `id` and the threads created on it; false when there was none.
pub(super) fn remove(st: &Shared, id: u64) -> bool {
    let n = st.helpscout.n;
    let key = id.to_string();
    let removed = st.writes.with(SVC, CONVERSATIONS, |w| {
        if w.remove_created("id", &key) {
            return true;
        }
        if index_of(&key, CONV_BASE, n).is_none() || w.deleted.contains(&key) {
            return false;
        }
        w.changed.remove(&key);
        w.deleted.insert(key.clone());
        true
    });
    if removed {
        st.writes.with(SVC, THREADS, |w| {
            w.created
                .retain(|t| t["conversationId"].as_u64() != Some(id));
        });
    }
    removed
}

pub(super) fn delete(st: &Shared, id: &str) -> Answer<Response> {
    match id.trim().parse::<u64>() {
        Ok(id) if remove(st, id) => Ok(applied(st, no_content())),
        _ => not_found(),
    }
}
