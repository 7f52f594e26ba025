//! Keap REST v1 contact writes, as the v1 OpenAPI (`CreateOrPatchContact`, 2025-11-05) documents
//! them:
//! - `POST /contacts` → 201 with the created contact. "Contact must contain at least one item in
//!   `email_addresses` or `phone_numbers` and `country_code` is required if `region` is
//!   specified"; otherwise a 400 `{"message"}`.
//! - `PATCH /contacts/{contactId}[?update_mask=a,b]` → 200 with the contact; "updates a contact
//!   with only the values provided" (only the `update_mask` properties when it is given).
//! - `DELETE /contacts/{contactId}` → 204; 404 for an unknown contact.
//!
//! E-mail entries need `field` EMAIL1..3 and a valid address, phones PHONE1..5, addresses
//! BILLING, SHIPPING or OTHER (the spec's enums). An array given replaces the contact's (the
//! spec does not say whether entries merge by slot). `company.id` must be a company, `owner_id`
//! a user (the spec does not say; a reference to nothing is refused, as Keap must to render
//! them). Custom fields merge by id. `email_status` follows `opt_in_reason` as the spec
//! describes (SingleOptIn once a reason is given). Read-only fields sent (`id`, `date_created`,
//! `email_status`) are ignored, like any field the schema does not have.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::write_body::{self as wb, bad, Body};
use super::{message, overlay, write_store, Table};
use crate::common::{json, Rejection};
use crate::data::fmt_iso_ms;
use crate::keap_fields::Model;
use crate::Shared;

const TEXTS: [&str; 13] = [
    "given_name",
    "middle_name",
    "family_name",
    "preferred_name",
    "job_title",
    "prefix",
    "suffix",
    "spouse_name",
    "contact_type",
    "time_zone",
    "website",
    "preferred_locale",
    "source_type",
];

/// What a contact body sets: record fields as they will read, and custom-field values.
struct Changes {
    fields: Map<String, Value>,
    custom: Vec<(u64, Value)>,
    opt_in: bool,
}

fn slot(v: &Value, allowed: &[&str], what: &str) -> Result<String, Rejection> {
    match v.as_str() {
        Some(f) if allowed.contains(&f) => Ok(f.to_owned()),
        _ => Err(bad(&format!(
            "{what} field must be one of {}",
            allowed.join(", ")
        ))),
    }
}

fn entries(v: &Value) -> Result<&Vec<Value>, Rejection> {
    v.as_array().ok_or_else(|| bad(wb::UNREADABLE))
}

fn emails(v: &Value) -> Result<Value, Rejection> {
    let mut out = Vec::new();
    for e in entries(v)? {
        let field = slot(
            &e["field"],
            &["EMAIL1", "EMAIL2", "EMAIL3"],
            "Email address",
        )?;
        let email = wb::text(&e["email"])?;
        let text = email.as_str().unwrap_or_default();
        if !wb::valid_email(text) {
            return Err(bad(&format!("Invalid email address: {text}")));
        }
        out.push(json!({"email": email, "field": field}));
    }
    Ok(Value::Array(out))
}

fn phones(v: &Value) -> Result<Value, Rejection> {
    let mut out = Vec::new();
    for p in entries(v)? {
        let field = slot(
            &p["field"],
            &["PHONE1", "PHONE2", "PHONE3", "PHONE4", "PHONE5"],
            "Phone number",
        )?;
        let number = wb::text(&p["number"])?;
        // Keap derives the E.164 form; here only a number already written that way has one.
        let e164 = number.as_str().filter(|n| {
            n.len() > 8 && n.starts_with('+') && n[1..].bytes().all(|b| b.is_ascii_digit())
        });
        out.push(json!({
            "number": number, "extension": wb::text(&p["extension"])?, "field": field,
            "type": wb::text(&p["type"])?, "number_e164": e164,
        }));
    }
    Ok(Value::Array(out))
}

/// A v1 address (contact or company), `field` given for contacts only.
pub(super) fn address(a: &Value, field: Option<String>) -> Result<Value, Rejection> {
    if !a.is_object() {
        return Err(bad(wb::UNREADABLE));
    }
    let region = wb::text(&a["region"])?;
    let country = wb::text(&a["country_code"])?;
    if !region.is_null() && country.is_null() {
        return Err(bad("country_code is required if region is specified"));
    }
    let mut out = json!({
        "line1": wb::text(&a["line1"])?, "line2": wb::text(&a["line2"])?,
        "locality": wb::text(&a["locality"])?, "region": region,
        "zip_code": wb::text(&a["zip_code"])?, "zip_four": wb::text(&a["zip_four"])?,
        "country_code": country,
    });
    if let Some(field) = field {
        out["field"] = json!(field);
        out["postal_code"] = wb::text(&a["postal_code"])?;
    }
    Ok(out)
}

fn addresses(v: &Value) -> Result<Value, Rejection> {
    let mut out = Vec::new();
    for a in entries(v)? {
        let field = slot(&a["field"], &["BILLING", "SHIPPING", "OTHER"], "Address")?;
        out.push(address(a, Some(field))?);
    }
    Ok(Value::Array(out))
}

/// `{"id": N}` as the contact reads it, `{id, company_name}`; null clears it.
fn company(st: &Shared, v: &Value) -> Result<Value, Rejection> {
    let id = match v {
        Value::Null => None,
        Value::Object(_) => wb::id(&v["id"])?,
        _ => return Err(bad(wb::UNREADABLE)),
    };
    let Some(id) = id else {
        return Ok(Value::Null);
    };
    match overlay::find(st, Table::Companies, &id.to_string()) {
        Some(c) => Ok(json!({"id": id, "company_name": c["company_name"]})),
        None => Err(bad(&format!("Company not found: {id}"))),
    }
}

fn changes(st: &Shared, body: &Body) -> Result<Changes, Rejection> {
    let mut fields = Map::new();
    for key in TEXTS {
        if let Some(v) = body.get(key) {
            fields.insert(key.into(), wb::text(v)?);
        }
    }
    for (key, read) in [
        (
            "email_addresses",
            emails as fn(&Value) -> Result<Value, Rejection>,
        ),
        ("phone_numbers", phones),
        ("addresses", addresses),
    ] {
        if let Some(v) = body.get(key) {
            fields.insert(key.into(), read(v)?);
        }
    }
    if let Some(v) = body.get("owner_id") {
        let owner = wb::id(v)?;
        if owner.is_some_and(|u| !wb::user_exists(u)) {
            return Err(bad(&format!("Invalid owner_id: {}", owner.unwrap_or(0))));
        }
        fields.insert("owner_id".into(), json!(owner));
    }
    if let Some(v) = body.get("lead_source_id") {
        fields.insert("lead_source_id".into(), json!(wb::id(v)?));
    }
    for key in ["birthday", "anniversary"] {
        if let Some(v) = body.get(key) {
            fields.insert(key.into(), wb::time(v)?);
        }
    }
    if let Some(v) = body.get("company") {
        fields.insert("company".into(), company(st, v)?);
    }
    let custom = match body.get("custom_fields") {
        Some(v) => wb::custom_fields(Model::Contact, v)?,
        None => Vec::new(),
    };
    let opt_in = body
        .get("opt_in_reason")
        .and_then(Value::as_str)
        .is_some_and(|r| !r.trim().is_empty());
    Ok(Changes {
        fields,
        custom,
        opt_in,
    })
}

fn has_items(fields: &Map<String, Value>, key: &str, value: &str) -> bool {
    fields.get(key).and_then(Value::as_array).is_some_and(|a| {
        a.iter()
            .any(|e| e[value].as_str().is_some_and(|s| !s.is_empty()))
    })
}

fn apply(record: &mut Value, c: &Changes, now: i64) {
    for (k, v) in &c.fields {
        record[k.as_str()] = v.clone();
    }
    wb::merge_custom(record, &c.custom);
    let has_email = record["email_addresses"]
        .as_array()
        .is_some_and(|a| !a.is_empty());
    if c.opt_in && has_email {
        record["email_status"] = json!("SingleOptIn");
        record["email_opted_in"] = json!(true);
    }
    record["last_updated"] = json!(fmt_iso_ms(now));
}

pub(super) fn create(st: &Shared, bytes: &[u8]) -> Result<Response, Rejection> {
    let body = wb::parse(bytes)?;
    let c = changes(st, &body)?;
    let mut given = Map::new();
    for key in ["email_addresses", "phone_numbers"] {
        given.insert(key.into(), c.fields.get(key).cloned().unwrap_or(json!([])));
    }
    if !has_items(&given, "email_addresses", "email")
        && !has_items(&given, "phone_numbers", "number")
    {
        return Err(bad(
            "Contact must contain at least one item in email_addresses or phone_numbers",
        ));
    }
    let now = write_store::now();
    let has_email = has_items(&given, "email_addresses", "email");
    let mut record = json!({
        "id": null, "given_name": null, "family_name": null, "middle_name": null,
        "preferred_name": null, "job_title": null, "email_addresses": [], "phone_numbers": [],
        "addresses": [], "company": null, "owner_id": null,
        "email_status": if has_email { "UnengagedMarketable" } else { "NonMarketable" },
        "email_opted_in": false,
        "date_created": fmt_iso_ms(now), "custom_fields": [],
    });
    apply(&mut record, &c, now);
    Ok(json(
        StatusCode::CREATED,
        write_store::insert(st, Table::Contacts, record),
    ))
}

/// The properties `update_mask` names (`?update_mask=a&update_mask=b` or `a,b`); None: all.
fn update_mask(query: Option<&str>) -> Option<Vec<String>> {
    let names: Vec<String> = query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| *k == "update_mask")
        .flat_map(|(_, v)| {
            v.replace("%2C", ",")
                .replace("%2c", ",")
                .split(',')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|v| !v.is_empty())
        .collect();
    (!names.is_empty()).then_some(names)
}

pub(super) fn patch(
    st: &Shared,
    id: &str,
    query: Option<&str>,
    bytes: &[u8],
) -> Result<Response, Rejection> {
    let mut body = wb::parse(bytes)?;
    if let Some(mask) = update_mask(query) {
        body.retain(|k, _| mask.iter().any(|m| m == k));
    }
    let c = changes(st, &body)?;
    let now = write_store::now();
    write_store::modify(st, Table::Contacts, id, |r| apply(r, &c, now)).ok_or_else(not_found)?;
    let record = overlay::find(st, Table::Contacts, id).ok_or_else(not_found)?;
    Ok(json(StatusCode::OK, record))
}

pub(super) fn delete(st: &Shared, id: &str) -> Result<Response, Rejection> {
    if !write_store::remove(st, Table::Contacts, id) {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(super) fn not_found() -> Rejection {
    Box::new(message(StatusCode::NOT_FOUND, "Resource not found"))
}
