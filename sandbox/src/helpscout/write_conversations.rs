//! Create Conversation, `POST /v2/conversations`
//! (developer.helpscout.com/mailbox-api/endpoints/conversations/create): `subject`, `type`
//! (chat, email, phone), `mailboxId`, `status` (active, closed, pending), `customer` (`{"id":
//! N}`, or `{"email": …}` — an unknown address makes a new customer from the object's other
//! fields) and `threads` (at least one, each a `type` of chat, customer, note, phone or reply and
//! a `text`) are required; `assignTo`, `tags`, `fields` (custom field values `{id, value}`),
//! `createdAt`, `user` optional. More than 100 threads is 412. 201 Created with `Resource-ID`
//! and `Location`, no body. Tags that do not exist yet are created (Update Tags says so; the
//! sandbox does the same here).
//!
//! Also what the other conversation writes share: custom field values checked against the
//! mailbox's fields (Update Custom Fields' table: a dropdown takes an option id, a date
//! YYYY-MM-DD, single line text ≤ 255 characters, multi line ≤ 15 000) and tag references.
//!
//! The sandbox's choices where the docs say nothing: an unknown mailbox, customer or user is a
//! 400 naming the field; a thread's `customer` is the conversation's.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::bad_request::{self as bad, Invalid};
use super::overlay::{CONVERSATIONS, SVC, TAGS_TABLE};
use super::write_threads::{self as threads, preview, user_index, NewThread};
use super::writes::{applied, created, location, now, Answer};
use super::{
    api_base, error, folders, write_customers as customers, CONV_BASE, MAILBOXES, MAILBOX_BASE,
    TAGS, TAG_BASE, TAG_COLORS, USER_BASE,
};
use crate::data::{fmt_iso, parse_datetime};
use crate::helpscout_fields;
use crate::Shared;

const TYPES: &[&str] = &["chat", "email", "phone"];
const CREATE_STATUSES: &[&str] = &["active", "closed", "pending"];
const THREAD_TYPES: &[&str] = &["chat", "customer", "note", "phone", "reply"];
/// More threads than this in one Create Conversation is 412.
const MAX_CREATED_THREADS: usize = 100;

/// A mailbox id that names one of the account's mailboxes: its index.
pub(super) fn mailbox_index(v: &Value, path: &str, errs: &mut Invalid) -> Option<usize> {
    let m = bad::id_value(v)
        .and_then(|id| (id as usize).checked_sub(MAILBOX_BASE))
        .filter(|m| *m < MAILBOXES.len());
    if m.is_none() {
        errs.unknown(path, "Mailbox", v);
    }
    m
}

/// Custom field values `[{id, value}]` for a conversation in mailbox `mailbox`, as the
/// conversation shows them (`{id, name, value, text}`).
pub(super) fn custom_fields(
    mailbox: usize,
    v: &Value,
    path: &str,
    errs: &mut Invalid,
) -> Vec<Value> {
    let items = match v {
        Value::Null => return Vec::new(),
        Value::Array(items) => items,
        other => {
            errs.wrong_type(path, "an array", other);
            return Vec::new();
        }
    };
    let defs = helpscout_fields::of_mailbox(mailbox);
    let mut out = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let at = format!("{path}[{k}]");
        let Some(def) =
            bad::id_value(&item["id"]).and_then(|id| defs.iter().find(|f| f.id as u64 == id))
        else {
            errs.unknown(&format!("{at}.id"), "Custom field", &item["id"]);
            continue;
        };
        let raw = match &item["value"] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Null => {
                errs.null(&format!("{at}.value"));
                continue;
            }
            other => {
                errs.wrong_type(&format!("{at}.value"), "a string", other);
                continue;
            }
        };
        let vpath = format!("{at}.value");
        let text = match def.kind {
            "dropdown" => match helpscout_fields::option_label(def, &raw) {
                Some(label) => label.to_owned(),
                None => {
                    let msg = "Must contain the identifier of one of the field's options";
                    errs.add(&vpath, msg, Some(&item["value"]), "InvalidValue");
                    continue;
                }
            },
            "number" if raw.trim().parse::<f64>().is_err() => {
                errs.wrong_type(&vpath, "a number", &item["value"]);
                continue;
            }
            "date" if raw.len() != 10 || parse_datetime(&raw).is_none() => {
                errs.add(
                    &vpath,
                    "Must be in YYYY-MM-DD format",
                    Some(&item["value"]),
                    "MalformedDate",
                );
                continue;
            }
            "single_line" | "multi_line" => {
                let max = if def.kind == "single_line" {
                    255
                } else {
                    15_000
                };
                if raw.chars().count() > max {
                    errs.size(&vpath, 0, max, &item["value"]);
                    continue;
                }
                raw.clone()
            }
            _ => raw.clone(),
        };
        out.push(json!({ "id": def.id, "name": def.name, "value": raw, "text": text }));
    }
    out
}

/// Tag names of a request: each a non-empty string.
pub(super) fn tag_names(v: &Value, path: &str, errs: &mut Invalid) -> Vec<String> {
    let Some(items) = v.as_array() else {
        if !v.is_null() {
            errs.wrong_type(path, "an array", v);
        }
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for (k, t) in items.iter().enumerate() {
        match t.as_str().map(str::trim) {
            Some(name) if !name.is_empty() => {
                if !out.iter().any(|o| o == name) {
                    out.push(name.to_owned());
                }
            }
            _ => errs.empty(&format!("{path}[{k}]"), Some(t)),
        }
    }
    out
}

/// The conversation's `tags` for these names; a name no tag has yet becomes a new tag.
pub(super) fn tag_refs(st: &Shared, names: &[String]) -> Vec<Value> {
    let base = api_base(st);
    names
        .iter()
        .map(|name| {
            if let Some(k) = TAGS.iter().position(|t| t == name) {
                return json!({
                    "id": TAG_BASE + k, "color": TAG_COLORS[k % TAG_COLORS.len()], "tag": TAGS[k],
                });
            }
            let tag = st.writes.with(SVC, TAGS_TABLE, |w| {
                if let Some(t) = w.created.iter().find(|t| t["name"].as_str() == Some(name)) {
                    return t.clone();
                }
                let id = w.next_id((TAG_BASE - 1 + TAGS.len()) as u64);
                let at = fmt_iso(now());
                let slug: String = name
                    .to_lowercase()
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { '-' })
                    .collect();
                let t = json!({
                    "id": id, "slug": slug, "name": name, "color": TAG_COLORS[0],
                    "ticketCount": 0, "createdAt": at, "updatedAt": at,
                    "_links": { "self": { "href": format!("{base}/tags/{id}") } },
                });
                w.created.push(t.clone());
                t
            });
            json!({ "id": tag["id"], "color": tag["color"], "tag": tag["name"] })
        })
        .collect()
}

/// Who the conversation is with, as the request names them.
enum Who {
    Id(u64),
    Email(String),
}

fn who(v: &Value, errs: &mut Invalid) -> Option<Who> {
    if v.is_null() {
        errs.null("customer");
        return None;
    }
    if !v.is_object() {
        errs.wrong_type("customer", "an object", v);
        return None;
    }
    // "If the id field is defined, the email will be ignored."
    if let Some(id) = bad::id_value(&v["id"]) {
        return Some(Who::Id(id));
    }
    match v["email"].as_str() {
        Some(e) if bad::well_formed_email(e) => Some(Who::Email(e.to_owned())),
        Some(_) => {
            errs.email("customer.email", &v["email"]);
            None
        }
        None => {
            let msg = "must contain a valid customer id or an email address";
            errs.add("customer", msg, None, "NotNull");
            None
        }
    }
}

/// A thread of the request: (type as the API will show it, text, author user index).
struct ThreadSpec {
    kind: &'static str,
    text: String,
    user: usize,
}

fn thread_specs(body: &Value, errs: &mut Invalid) -> Vec<ThreadSpec> {
    let items = match &body["threads"] {
        Value::Array(items) if !items.is_empty() => items,
        v => {
            errs.empty("threads", Some(v));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (k, t) in items.iter().enumerate() {
        let at = format!("threads[{k}]");
        let kind = match t["type"]
            .as_str()
            .and_then(|x| THREAD_TYPES.iter().find(|y| **y == x))
        {
            Some(&"reply") => Some("message"),
            Some(kind) => Some(*kind),
            None if t["type"].is_null() => {
                errs.null(&format!("{at}.type"));
                None
            }
            None => {
                errs.one_of(&format!("{at}.type"), THREAD_TYPES, &t["type"]);
                None
            }
        };
        let text = match t["text"].as_str() {
            Some(x) if !x.trim().is_empty() => Some(x.to_owned()),
            _ => {
                errs.empty(&format!("{at}.text"), Some(&t["text"]));
                None
            }
        };
        let user = match &t["user"] {
            Value::Null => 0,
            v => user_index(v, &format!("{at}.user"), errs).unwrap_or(0),
        };
        if let (Some(kind), Some(text)) = (kind, text) {
            out.push(ThreadSpec { kind, text, user });
        }
    }
    out
}

pub(super) fn create(st: &Shared, body: &[u8]) -> Answer<Response> {
    let body = bad::parse(body)?;
    let mut errs = Invalid::default();
    let subject = bad::required_text(&body, "subject", &mut errs);
    let kind = bad::required_enum(&body, "type", TYPES, &mut errs);
    let status = bad::required_enum(&body, "status", CREATE_STATUSES, &mut errs);
    let mailbox = match &body["mailboxId"] {
        Value::Null => {
            errs.null("mailboxId");
            None
        }
        v => mailbox_index(v, "mailboxId", &mut errs),
    };
    let who = who(&body["customer"], &mut errs);
    let specs = thread_specs(&body, &mut errs);
    if specs.len() > MAX_CREATED_THREADS {
        return Ok(error(
            StatusCode::PRECONDITION_FAILED,
            "Locked conversation - maximum number of threads",
        ));
    }
    let assignee = match &body["assignTo"] {
        Value::Null => None,
        v => user_index(v, "assignTo", &mut errs),
    };
    let author = match &body["user"] {
        Value::Null => 0,
        v => user_index(v, "user", &mut errs).unwrap_or(0),
    };
    let tags = tag_names(&body["tags"], "tags", &mut errs);
    let created_at = match &body["createdAt"] {
        Value::Null => None,
        v => {
            let t = v.as_str().and_then(parse_datetime);
            if t.is_none() {
                let msg = "Must be a date in the form yyyy-MM-dd'T'HH:mm:ss'Z'";
                errs.add("createdAt", msg, Some(v), "MalformedDate");
            }
            t
        }
    };
    let fields = mailbox.map_or_else(Vec::new, |m| {
        custom_fields(m, &body["fields"], "fields", &mut errs)
    });
    // The customer: an existing one, or one this request makes (checked before anything is).
    let customer = match who {
        Some(Who::Id(id)) => match customers::reference(st, id) {
            Some(_) => Some(id),
            None => {
                errs.unknown("customer.id", "Customer", &body["customer"]["id"]);
                None
            }
        },
        Some(Who::Email(e)) => {
            let found = customers::by_email(st, &e);
            if found.is_none() {
                customers::new_customer(st, &body["customer"], "customer.", 0, &mut errs);
            }
            found
        }
        None => None,
    };
    errs.result()?;
    let mailbox = mailbox.unwrap_or(0);
    let customer = customer.unwrap_or_else(|| {
        customers::insert(st, |id| {
            customers::new_customer(
                st,
                &body["customer"],
                "customer.",
                id,
                &mut Invalid::default(),
            )
        })
    });
    let d = &st.helpscout;
    let customer_ref = customers::reference(st, customer).unwrap_or(Value::Null);
    let at = now();
    let opened = created_at.unwrap_or(at);
    let tags = tag_refs(st, &tags);
    let id = st.writes.with(SVC, CONVERSATIONS, |w| {
        w.next_id((CONV_BASE - 1 + d.n) as u64)
    });
    let author_of = |s: &ThreadSpec| {
        if s.kind == "customer" {
            customer_ref.clone()
        } else {
            d.user_ref(s.user)
        }
    };
    for (k, s) in specs.iter().enumerate() {
        let t = NewThread {
            kind: s.kind,
            text: s.text.clone(),
            created_by: author_of(s),
            customer: customer_ref.clone(),
            assigned_to: assignee.map_or(Value::Null, |u| d.user_ref(u)),
            status: status.to_owned(),
            draft: false,
            at: opened + k as i64,
        };
        threads::insert(st, id, &t);
    }
    let first_by_customer = specs.first().is_some_and(|s| s.kind == "customer");
    let base = api_base(st);
    let mut v = json!({
        "id": id,
        "number": id - CONV_BASE as u64 + 1,
        "threads": specs.len(),
        "type": kind,
        "folderId": folders::of_conversation(mailbox, status, assignee),
        "status": status,
        "state": "published",
        "subject": subject,
        "preview": specs.last().map(|s| preview(&s.text)),
        "mailboxId": MAILBOX_BASE + mailbox,
        "createdAt": fmt_iso(opened),
        "closedAt": (status == "closed").then(|| fmt_iso(at)),
        "userUpdatedAt": fmt_iso(at),
        "customerWaitingSince": { "time": fmt_iso(opened), "friendly": "just now" },
        "source": { "type": "api", "via": if first_by_customer { "customer" } else { "user" } },
        "tags": tags,
        "cc": [],
        "bcc": [],
        "customFields": fields,
        "_embedded": { "threads": [] },
        "_links": {
            "self": { "href": format!("{base}/conversations/{id}") },
            "mailbox": { "href": format!("{base}/mailboxes/{}", MAILBOX_BASE + mailbox) },
            "threads": { "href": format!("{base}/conversations/{id}/threads") },
        },
        "primaryCustomer": customer_ref,
        "createdBy": specs.first().map_or(Value::Null, author_of),
    });
    if let Some(u) = assignee {
        v["assignee"] = d.user_ref(u);
    }
    if status == "closed" {
        v["closedBy"] = json!(USER_BASE + author);
    }
    st.writes.with(SVC, CONVERSATIONS, |w| w.created.push(v));
    Ok(applied(st, created(id, location(st, "conversations", id))))
}
