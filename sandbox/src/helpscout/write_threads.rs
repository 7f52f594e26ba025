//! Threads added to Help Scout conversations (developer.helpscout.com/mailbox-api/endpoints/
//! conversations/threads/…):
//! - Create Note, `POST /v2/conversations/{id}/notes` (…/note): `text` required; `user`,
//!   `status` optional. 201 Created with `Resource-ID` (the thread's id, added 2023-08-30 per the
//!   changelog) and no `Location`, no body.
//! - Create Reply, `POST /v2/conversations/{id}/reply` (…/reply): `text` and `customer` (`{"id":
//!   N}`) required; `draft`, `status`, `user`, `assignTo` optional. "If not explicitly set, a
//!   reply thread will reactivate the conversation"; a published reply's `assignTo` changes the
//!   conversation's owner. 201 + `Resource-ID`.
//! - Update Thread, `PATCH /v2/conversations/{id}/threads/{threadId}` (…/update): one JSON Patch
//!   operation, `replace` of `/text` (a string) or `/hidden` (a boolean). 204.
//!
//! A conversation that does not exist is 404; one with 99 threads or more takes no more (412
//! Precondition Failed, "Locked conversation - maximum number of threads"). A reply is shown
//! with type `message`, as the generated replies are (the sandbox's reading of Help Scout's
//! thread types); a note with type `note`. The conversation's `threads`, `preview` and
//! `userUpdatedAt` follow each new thread.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::bad_request::{self as bad, Invalid};
use super::overlay::{self, store, CONVERSATIONS, SVC, THREADS};
use super::thread_reads::conversation_origin;
use super::write_conversation_edits::{set_assignee, set_status, STATUSES};
use super::writes::{applied, created, no_content, now, Answer};
use super::{api_base, error, write_customers, Table, MAX_THREADS, THREAD_BASE, USERS, USER_BASE};
use crate::data::fmt_iso;
use crate::Shared;

/// A conversation with this many threads takes no more.
pub(super) const THREAD_LIMIT: u64 = 99;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Note,
    Reply,
}

/// A thread about to be created, before it has an id.
pub(super) struct NewThread {
    /// The thread type as the API shows it (`note`, `message`, `customer`, `chat`, `phone`).
    pub kind: &'static str,
    pub text: String,
    pub created_by: Value,
    pub customer: Value,
    pub assigned_to: Value,
    pub status: String,
    pub draft: bool,
    pub at: i64,
}

impl NewThread {
    /// The thread as stored: the API's shape plus the `conversationId` the sandbox keeps.
    pub fn json(&self, base: &str, conversation: u64, id: u64) -> Value {
        let via = if self.kind == "customer" {
            "customer"
        } else {
            "user"
        };
        json!({
            "id": id,
            "type": self.kind,
            "status": self.status,
            "state": if self.draft { "draft" } else { "published" },
            "body": self.text,
            "source": { "type": "api", "via": via },
            "customer": self.customer,
            "createdBy": self.created_by,
            "assignedTo": self.assigned_to,
            "savedReplyId": 0,
            "to": [], "cc": [], "bcc": [],
            "createdAt": fmt_iso(self.at),
            "_embedded": { "attachments": [] },
            "_links": { "self": { "href": format!("{base}/conversations/{conversation}/threads/{id}") } },
            "conversationId": conversation,
        })
    }
}

/// Stores a new thread of `conversation`; its id.
pub(super) fn insert(st: &Shared, conversation: u64, t: &NewThread) -> u64 {
    let base = api_base(st);
    let last_generated = (THREAD_BASE - 1 + st.helpscout.n * MAX_THREADS) as u64;
    st.writes.with(SVC, THREADS, |w| {
        let id = w.next_id(last_generated);
        w.created.push(t.json(&base, conversation, id));
        id
    })
}

/// The first line of a thread, as a conversation's `preview` shows it.
pub(super) fn preview(text: &str) -> String {
    text.chars().take(255).collect()
}

/// A user id that names one of the account's users; the refused field otherwise.
pub(super) fn user_index(v: &Value, path: &str, errs: &mut Invalid) -> Option<usize> {
    let u = bad::id_value(v)
        .and_then(|id| (id as usize).checked_sub(USER_BASE))
        .filter(|u| *u < USERS);
    if u.is_none() {
        errs.unknown(path, "User", v);
    }
    u
}

fn conversation_id(st: &Shared, id: &str) -> Option<u64> {
    let id = id.trim().parse::<u64>().ok()?;
    conversation_origin(st, id).map(|_| id)
}

fn optional_status(body: &Value, errs: &mut Invalid) -> Option<&'static str> {
    match &body["status"] {
        Value::Null => None,
        v => {
            let s = STATUSES.iter().find(|s| v.as_str() == Some(s));
            if s.is_none() {
                errs.one_of("status", STATUSES, v);
            }
            s.copied()
        }
    }
}

pub(super) fn create(st: &Shared, id: &str, body: &[u8], kind: Kind) -> Answer<Response> {
    let Some(conversation) = conversation_id(st, id) else {
        return Ok(error(StatusCode::NOT_FOUND, "Resource not found"));
    };
    let body = bad::parse(body)?;
    let mut errs = Invalid::default();
    let text = bad::required_text(&body, "text", &mut errs);
    let status = optional_status(&body, &mut errs);
    let draft = body["draft"].as_bool().unwrap_or(false);
    let user = match &body["user"] {
        Value::Null => Some(0),
        v => user_index(v, "user", &mut errs),
    };
    let assignee = match (&body["assignTo"], kind) {
        (Value::Null, _) | (_, Kind::Note) => None,
        (v, Kind::Reply) => user_index(v, "assignTo", &mut errs),
    };
    let customer = match kind {
        Kind::Note => Value::Null,
        Kind::Reply => match &body["customer"] {
            Value::Null => {
                errs.null("customer");
                Value::Null
            }
            c => match bad::id_value(&c["id"]).and_then(|id| write_customers::reference(st, id)) {
                Some(r) => r,
                None => {
                    errs.unknown("customer.id", "Customer", &c["id"]);
                    Value::Null
                }
            },
        },
    };
    errs.result()?;
    let d = &st.helpscout;
    let base = api_base(st);
    let at = now();
    let outcome = st.writes.with(SVC, CONVERSATIONS, |w| {
        let mut rec = overlay::current(d, &base, Table::Conversations, w, conversation)?;
        let count = rec["threads"].as_u64().unwrap_or(0);
        if count >= THREAD_LIMIT {
            return Some(None);
        }
        rec["threads"] = json!(count + 1);
        rec["preview"] = json!(preview(&text));
        rec["userUpdatedAt"] = json!(fmt_iso(at));
        let published_reply = kind == Kind::Reply && !draft;
        if let Some(s) = status.or(published_reply.then_some("active")) {
            set_status(&mut rec, s, at);
        }
        if let (Some(u), true) = (assignee, published_reply) {
            set_assignee(&mut rec, Some(d.user_ref(u)));
        }
        store(w, conversation, rec.clone());
        Some(Some(rec))
    });
    let rec = match outcome {
        None => return Ok(error(StatusCode::NOT_FOUND, "Resource not found")),
        Some(None) => {
            return Ok(error(
                StatusCode::PRECONDITION_FAILED,
                "Locked conversation - maximum number of threads",
            ))
        }
        Some(Some(rec)) => rec,
    };
    let thread = NewThread {
        kind: if kind == Kind::Note {
            "note"
        } else {
            "message"
        },
        text,
        created_by: d.user_ref(user.unwrap_or(0)),
        customer: if customer.is_null() {
            rec["primaryCustomer"].clone()
        } else {
            customer
        },
        assigned_to: rec["assignee"].clone(),
        status: rec["status"].as_str().unwrap_or("active").to_owned(),
        draft: kind == Kind::Reply && draft,
        at,
    };
    let id = insert(st, conversation, &thread);
    Ok(applied(st, created(id, None)))
}

pub(super) fn update(st: &Shared, id: &str, thread: &str, body: &[u8]) -> Answer<Response> {
    let not_found = || Ok(error(StatusCode::NOT_FOUND, "Resource not found"));
    let (Some(conversation), Ok(thread)) = (conversation_id(st, id), thread.trim().parse::<u64>())
    else {
        return not_found();
    };
    let body = bad::parse(body)?;
    let mut errs = Invalid::default();
    let op = bad::one_operation(
        &body,
        &[("/text", &["replace"]), ("/hidden", &["replace"])],
        &mut errs,
    );
    if let Some((_, path, value)) = &op {
        match *path {
            "/text" if value.as_str().is_none_or(|t| t.trim().is_empty()) => {
                errs.empty("value", Some(value))
            }
            "/hidden" if !value.is_boolean() => errs.wrong_type("value", "a boolean", value),
            _ => {}
        }
    }
    errs.result()?;
    let Some((_, path, value)) = op else {
        return not_found();
    };
    let d = &st.helpscout;
    let base = api_base(st);
    let generated = conversation_origin(st, conversation).flatten();
    let found = st.writes.with(SVC, THREADS, |w| {
        let key = thread.to_string();
        let apply = |t: &mut Value| match path {
            "/text" => t["body"] = value.clone(),
            _ => {
                let hidden = value.as_bool() == Some(true);
                t["state"] = json!(if hidden { "hidden" } else { "published" });
            }
        };
        if let Some(t) = w.created_mut("id", &key) {
            if t["conversationId"].as_u64() != Some(conversation) {
                return false;
            }
            apply(t);
            return true;
        }
        let Some(i) = generated else { return false };
        let first = (THREAD_BASE + i * MAX_THREADS) as u64;
        let k = thread.checked_sub(first).map(|k| k as usize);
        let Some(k) = k.filter(|k| *k < d.conv(i).threads) else {
            return false;
        };
        let Some(mut t) = w.view(&key, d.thread_json(&base, i, k)) else {
            return false;
        };
        apply(&mut t);
        w.changed.insert(key, t);
        true
    });
    if !found {
        return not_found();
    }
    Ok(applied(st, no_content()))
}
