//! Help Scout customers' writes (developer.helpscout.com/mailbox-api/endpoints/customers/…):
//! - Create Customer, `POST /v2/customers` (…/create): no field is required; `firstName` and
//!   `lastName` are 1–40 characters when given, `jobTitle`, `location` and `organization` at most
//!   60, `photoUrl` and `background` at most 200, `photoType` and `gender` from a fixed list;
//!   entries (`emails`, `phones`, `chats`, `socialProfiles`, `websites`, `address`) may come
//!   along. 201 Created, `Resource-ID` and `Location`, no body.
//! - Overwrite Customer, `PUT /v2/customers/{id}` (…/overwrite): the entity fields only; "when a
//!   field is not set in the request, it's the same as if it was set with null value and it
//!   will be overwritten". Entries stay. 204.
//! - Delete Customer, `DELETE /v2/customers/{id}` (…/delete): the customer and their
//!   conversations, 403 when they have more than 100; `?async=true` (…/delete-async) answers 202
//!   Accepted (the sandbox deletes at once, without the 100 limit). 204.
//!
//! The sandbox's choices where the docs say nothing: an entry's `value` may not be empty and an
//! e-mail entry's type is work, home or other (defaulting to work); a country is two letters.
//! Also the lookups conversation writes need (a customer's reference, a customer by e-mail).

use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::bad_request::{self as bad, Invalid};
use super::overlay::{self, record, rows, store, written, CUSTOMERS, SVC};
use super::writes::{applied, created, location, no_content, now, Answer};
use super::{api_base, error, write_conversation_edits, Data, Table, CUSTOMER_BASE};
use crate::common::{param, params};
use crate::data::fmt_iso;
use crate::Shared;

/// (field, min, max) of the customer entity's text fields.
const TEXT_FIELDS: &[(&str, usize, usize)] = &[
    ("firstName", 1, 40),
    ("lastName", 1, 40),
    ("photoUrl", 0, 200),
    ("jobTitle", 0, 60),
    ("background", 0, 200),
    ("location", 0, 60),
    ("organization", 0, 60),
    ("age", 0, usize::MAX),
];
const PHOTO_TYPES: &[&str] = &[
    "unknown",
    "gravatar",
    "twitter",
    "facebook",
    "googleprofile",
    "googleplus",
    "linkedin",
    "instagram",
];
const GENDERS: &[&str] = &["male", "female", "unknown"];
const EMAIL_TYPES: &[&str] = &["work", "home", "other"];
/// More conversations than this and Delete Customer answers 403.
const DELETE_LIMIT: usize = 100;

/// The customer entity's fields as sent (absent ones null), checked; `prefix` names the object
/// in error paths (`customer.` inside a conversation).
pub(super) fn entity(body: &Value, prefix: &str, errs: &mut Invalid) -> Value {
    let mut out = json!({});
    for (field, min, max) in TEXT_FIELDS {
        let path = format!("{prefix}{field}");
        out[*field] = json!(bad::optional_text(body, &path, field, (*min, *max), errs));
    }
    for (field, allowed) in [("photoType", PHOTO_TYPES), ("gender", GENDERS)] {
        out[field] = match &body[field] {
            Value::Null => Value::Null,
            v => match v.as_str().map(str::to_ascii_lowercase) {
                Some(s) if allowed.contains(&s.as_str()) => json!(s),
                _ => {
                    errs.one_of(&format!("{prefix}{field}"), allowed, v);
                    Value::Null
                }
            },
        };
    }
    out
}

/// Entries `[{type?, value}]` of one kind, with ids from the customer's.
fn entries(body: &Value, field: &str, id: u64, first: usize, errs: &mut Invalid) -> Vec<Value> {
    let Some(items) = body[field].as_array() else {
        if !body[field].is_null() {
            errs.wrong_type(field, "an array", &body[field]);
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let path = format!("{field}[{k}]");
        let value = match item["value"].as_str() {
            Some(v) if !v.trim().is_empty() => v.to_owned(),
            _ => {
                errs.empty(&format!("{path}.value"), Some(&item["value"]));
                continue;
            }
        };
        let mut entry = json!({ "id": id * 10 + (first + k) as u64, "value": value });
        if field == "emails" {
            if !bad::well_formed_email(&value) {
                errs.email(&format!("{path}.value"), &item["value"]);
            }
            entry["type"] = match &item["type"] {
                Value::Null => json!("work"),
                v if v.as_str().is_some_and(|t| EMAIL_TYPES.contains(&t)) => v.clone(),
                v => {
                    errs.one_of(&format!("{path}.type"), EMAIL_TYPES, v);
                    continue;
                }
            };
        } else if field != "websites" {
            entry["type"] = match &item["type"] {
                Value::String(t) => json!(t),
                _ => json!("other"),
            };
        }
        out.push(entry);
    }
    out
}

fn address(body: &Value, errs: &mut Invalid) -> Option<Value> {
    let a = &body["address"];
    if a.is_null() {
        return None;
    }
    if !a.is_object() {
        errs.wrong_type("address", "an object", a);
        return None;
    }
    let mut text =
        |f: &str, max: usize| bad::optional_text(a, &format!("address.{f}"), f, (0, max), errs);
    let city = text("city", 60);
    let state = text("state", 60);
    let postal = text("postalCode", 10);
    let country = match &a["country"] {
        Value::Null => None,
        v => match v.as_str() {
            Some(c) if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
                Some(c.to_ascii_uppercase())
            }
            _ => {
                errs.size("address.country", 2, 2, v);
                None
            }
        },
    };
    let lines: Vec<String> = match &a["lines"] {
        Value::Array(l) => l
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    Some(json!({
        "city": city, "state": state, "postalCode": postal, "country": country, "lines": lines,
    }))
}

/// A new customer record from a Create Customer body (or a conversation's customer object),
/// checked: the record as the API will render it, or the refused fields.
pub(super) fn new_customer(
    st: &Shared,
    body: &Value,
    prefix: &str,
    id: u64,
    errs: &mut Invalid,
) -> Value {
    let at = now();
    let mut v = entity(body, prefix, errs);
    let mut emails = entries(body, "emails", id, 0, errs);
    if let Some(e) = body["email"].as_str() {
        // A conversation's customer object carries one address in `email`.
        emails.insert(0, json!({ "id": id * 10 + 9, "value": e, "type": "work" }));
    }
    let mut phones = entries(body, "phones", id, 0, errs);
    if let Some(p) = bad::optional_text(body, &format!("{prefix}phone"), "phone", (0, 40), errs) {
        phones.push(json!({ "id": id * 10 + phones.len() as u64, "value": p, "type": "work" }));
    }
    let mut embedded = json!({
        "emails": emails,
        "phones": phones,
        "chats": entries(body, "chats", id, 0, errs),
        "social_profiles": entries(body, "socialProfiles", id, 0, errs),
        "websites": entries(body, "websites", id, 0, errs),
        "properties": [],
    });
    if let Some(a) = address(body, errs) {
        embedded["address"] = a;
    }
    for (k, x) in [("organizationId", Value::Null), ("draft", json!(false))] {
        v[k] = x;
    }
    if v["gender"].is_null() {
        v["gender"] = json!("unknown");
    }
    if v["photoType"].is_null() {
        v["photoType"] = json!("unknown");
    }
    v["id"] = json!(id);
    v["createdAt"] = json!(fmt_iso(at));
    v["updatedAt"] = json!(fmt_iso(at));
    v["_embedded"] = embedded;
    v["_links"] = json!({ "self": { "href": format!("{}/customers/{id}", api_base(st)) } });
    v
}

/// Adds a customer built by `build` (given its new id) to the created ones.
pub(super) fn insert(st: &Shared, build: impl FnOnce(u64) -> Value) -> u64 {
    let last_generated = (CUSTOMER_BASE - 1 + st.helpscout.n) as u64;
    st.writes.with(SVC, CUSTOMERS, |w| {
        let id = w.next_id(last_generated);
        w.created.push(build(id));
        id
    })
}

pub(super) fn create(st: &Shared, body: &[u8]) -> Answer<Response> {
    let body = bad::parse(body)?;
    if !body.is_object() {
        let mut errs = Invalid::default();
        errs.wrong_type("", "an object", &body);
        return Err(Box::new(errs.response()));
    }
    // Check with a placeholder id first: an id is handed out only for a customer that is made.
    let mut errs = Invalid::default();
    new_customer(st, &body, "", 0, &mut errs);
    errs.result()?;
    let id = insert(st, |id| {
        new_customer(st, &body, "", id, &mut Invalid::default())
    });
    Ok(applied(st, created(id, location(st, "customers", id))))
}

pub(super) fn overwrite(st: &Shared, id: &str, body: &[u8]) -> Answer<Response> {
    let Some(id) = id.trim().parse::<u64>().ok() else {
        return Ok(error(StatusCode::NOT_FOUND, "Resource not found"));
    };
    let body = bad::parse(body)?;
    let mut errs = Invalid::default();
    let fields = entity(&body, "", &mut errs);
    errs.result()?;
    let base = api_base(st);
    let at = now();
    let found = st.writes.with(SVC, CUSTOMERS, |w| {
        let mut rec = overlay::current(&st.helpscout, &base, Table::Customers, w, id)?;
        if rec["organization"] != fields["organization"] {
            rec["organizationId"] = Value::Null;
        }
        if let (Some(rec), Some(fields)) = (rec.as_object_mut(), fields.as_object()) {
            for (k, v) in fields {
                rec.insert(k.clone(), v.clone());
            }
        }
        rec["updatedAt"] = json!(fmt_iso(at));
        store(w, id, rec);
        Some(())
    });
    Ok(match found {
        Some(()) => applied(st, no_content()),
        None => error(StatusCode::NOT_FOUND, "Resource not found"),
    })
}

/// The conversations whose primary customer is `id`, as they are now.
fn conversations_of(st: &Shared, id: u64) -> Vec<u64> {
    let d: &Data = &st.helpscout;
    let w = written(st, overlay::CONVERSATIONS).unwrap_or_default();
    let index = (id as usize).checked_sub(CUSTOMER_BASE);
    rows(d, Table::Conversations, &w)
        .filter(|r| match r {
            overlay::Row::Gen(i) => index.is_some() && d.conv(*i).customer == index,
            overlay::Row::Json(v) => v["primaryCustomer"]["id"].as_u64() == Some(id),
        })
        .filter_map(|r| r.id(Table::Conversations))
        .collect()
}

pub(super) fn delete(st: &Shared, id: &str, uri: &Uri) -> Answer<Response> {
    let Some(id) = record(st, Table::Customers, id).and_then(|c| c["id"].as_u64()) else {
        return Ok(error(StatusCode::NOT_FOUND, "Resource not found"));
    };
    let is_async = param(&params(uri), "async") == Some("true");
    let conversations = conversations_of(st, id);
    if !is_async && conversations.len() > DELETE_LIMIT {
        return Ok(error(
            StatusCode::FORBIDDEN,
            "The customer has more than 100 conversations",
        ));
    }
    for c in conversations {
        write_conversation_edits::remove(st, c);
    }
    let key = id.to_string();
    st.writes.with(SVC, CUSTOMERS, |w| {
        if !w.remove_created("id", &key) {
            w.changed.remove(&key);
            w.deleted.insert(key);
        }
    });
    let status = if is_async {
        StatusCode::ACCEPTED
    } else {
        StatusCode::NO_CONTENT
    };
    Ok(applied(
        st,
        axum::response::IntoResponse::into_response(status),
    ))
}

/// A customer as conversations and threads refer to it: `{id, type, first, last, email}`.
pub(super) fn reference(st: &Shared, id: u64) -> Option<Value> {
    let c = record(st, Table::Customers, &id.to_string())?;
    Some(json!({
        "id": id, "type": "customer", "first": c["firstName"], "last": c["lastName"],
        "email": c["_embedded"]["emails"][0]["value"],
    }))
}

/// The customer with this e-mail address (case-insensitive), as customers are now.
pub(super) fn by_email(st: &Shared, email: &str) -> Option<u64> {
    let d: &Data = &st.helpscout;
    let w = written(st, CUSTOMERS).unwrap_or_default();
    let hit = |v: &Value| {
        v["_embedded"]["emails"].as_array().is_some_and(|es| {
            es.iter().any(|e| {
                e["value"]
                    .as_str()
                    .is_some_and(|x| x.eq_ignore_ascii_case(email))
            })
        })
    };
    let found = rows(d, Table::Customers, &w)
        .find(|r| match r {
            overlay::Row::Gen(c) => d.customer_email(*c).eq_ignore_ascii_case(email),
            overlay::Row::Json(v) => hit(v),
        })
        .and_then(|r| r.id(Table::Customers));
    found
}
