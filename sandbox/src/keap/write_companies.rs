//! Keap REST v1 company writes, as the v1 OpenAPI (`CreateOrPatchCompany`, 2025-11-05) documents
//! them:
//! - `POST /companies` → 201 with the created company. "Company must contain at least the
//!   company name. The `country_code` is required if `region` is specified."
//! - `PATCH /companies/{companyId}` → 200 with the company, "only the values provided". The
//!   spec's one schema for both marks `company_name` required; a PATCH without it is taken (the
//!   description says only the values provided change), one that clears it is refused.
//! - No DELETE: v1 documents none for companies, so the v1 router answers 405.
//!
//! `email_address` must be an address; `phone_number` is `{number, extension, type}`, as the
//! records read. A renamed company shows its new name in its contacts (keap/overlay.rs).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::write_body::{self as wb, bad, Body};
use super::write_contacts::{address, not_found};
use super::{overlay, write_store, Table};
use crate::common::{json, Rejection};
use crate::keap_fields::Model;
use crate::Shared;

struct Changes {
    fields: Map<String, Value>,
    custom: Vec<(u64, Value)>,
}

fn changes(body: &Body) -> Result<Changes, Rejection> {
    let mut fields = Map::new();
    if let Some(v) = body.get("company_name") {
        let name = wb::text(v)?;
        if name.as_str().is_none_or(|n| n.trim().is_empty()) {
            return Err(bad("company_name is required"));
        }
        fields.insert("company_name".into(), name);
    }
    if let Some(v) = body.get("email_address") {
        let email = wb::text(v)?;
        if let Some(e) = email.as_str().filter(|e| !wb::valid_email(e)) {
            return Err(bad(&format!("Invalid email address: {e}")));
        }
        fields.insert("email_address".into(), email);
    }
    for key in ["website", "notes"] {
        if let Some(v) = body.get(key) {
            fields.insert(key.into(), wb::text(v)?);
        }
    }
    if let Some(v) = body.get("phone_number") {
        let phone = match v {
            Value::Null => Value::Null,
            Value::Object(_) => json!({
                "number": wb::text(&v["number"])?, "extension": wb::text(&v["extension"])?,
                "type": wb::text(&v["type"])?,
            }),
            _ => return Err(bad(wb::UNREADABLE)),
        };
        fields.insert("phone_number".into(), phone);
    }
    if let Some(v) = body.get("fax_number") {
        let fax = match v {
            Value::Null => Value::Null,
            Value::Object(_) => {
                json!({"number": wb::text(&v["number"])?, "type": wb::text(&v["type"])?})
            }
            _ => return Err(bad(wb::UNREADABLE)),
        };
        fields.insert("fax_number".into(), fax);
    }
    if let Some(v) = body.get("address") {
        let a = if v.is_null() {
            Value::Null
        } else {
            address(v, None)?
        };
        fields.insert("address".into(), a);
    }
    let custom = match body.get("custom_fields") {
        Some(v) => wb::custom_fields(Model::Company, v)?,
        None => Vec::new(),
    };
    Ok(Changes { fields, custom })
}

fn apply(record: &mut Value, c: &Changes) {
    for (k, v) in &c.fields {
        record[k.as_str()] = v.clone();
    }
    wb::merge_custom(record, &c.custom);
}

pub(super) fn create(st: &Shared, bytes: &[u8]) -> Result<Response, Rejection> {
    let body = wb::parse(bytes)?;
    if body.get("company_name").is_none_or(Value::is_null) {
        return Err(bad("company_name is required"));
    }
    let c = changes(&body)?;
    let mut record = json!({
        "id": null, "company_name": null, "email_address": null, "phone_number": null,
        "address": null, "website": null, "notes": null, "custom_fields": [],
    });
    apply(&mut record, &c);
    Ok(json(
        StatusCode::CREATED,
        write_store::insert(st, Table::Companies, record),
    ))
}

pub(super) fn patch(st: &Shared, id: &str, bytes: &[u8]) -> Result<Response, Rejection> {
    let c = changes(&wb::parse(bytes)?)?;
    write_store::modify(st, Table::Companies, id, |r| apply(r, &c)).ok_or_else(not_found)?;
    let record = overlay::find(st, Table::Companies, id).ok_or_else(not_found)?;
    Ok(json(StatusCode::OK, record))
}
