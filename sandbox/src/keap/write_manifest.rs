//! The manifest's `write` examples of Keap's writable tables, for the driver's data-driven write
//! tests: SQL column names of `profiles/keap.toml` (custom-field columns named after their label,
//! as the driver names them) with SQL-typed values (timestamps as RFC 3339 text, JSON columns as
//! JSON text). `insert` reads back as given, `update` likewise, `refused_insert` is well typed
//! but refused by the API with a 400 (an invalid e-mail address, a contact that does not
//! exist). The applied-tag tables have none: Keap answers 200 with a per-tag result even for a
//! contact or tag that does not exist (keap/write_tags.rs).
//!
//! The examples refer to records that exist now (the first contact not deleted, a tag the
//! contact does not carry), so they stay valid after other writes.

use serde_json::{json, Map, Value};

use super::{applied, overlay, Table, TAGS};
use crate::Shared;

/// The smallest contact id that exists now.
fn first_contact(st: &Shared) -> u64 {
    (1..=st.keap.n as u64 + 1000)
        .find(|c| overlay::find(st, Table::Contacts, &c.to_string()).is_some())
        .unwrap_or(1)
}

/// A tag contact `contact` does not carry now (tag ids 1..=15).
fn free_tag(st: &Shared, contact: u64, skip: u64) -> u64 {
    (1..=TAGS as u64)
        .find(|t| *t != skip && !applied::is_applied(st, contact, *t))
        .unwrap_or(1)
}

fn examples(st: &Shared) -> Vec<(&'static str, Value)> {
    let c = first_contact(st);
    let tag_for_contact = free_tag(st, c, 0);
    let tag_for_tag = free_tag(st, c, tag_for_contact);
    vec![
        (
            "contacts",
            json!({
                "key": ["id"],
                "insert": {
                    "given_name": "Ada", "family_name": "Lovelace", "job_title": "Analyst",
                    "owner_id": 2, "company_id": 1,
                    "email_addresses": "[{\"email\":\"ada.lovelace@example.com\",\"field\":\"EMAIL1\"}]",
                    "seats": 12,
                },
                "update": { "family_name": "King", "job_title": "Countess", "seats": 40 },
                "refused_insert": {
                    "given_name": "Ada",
                    "email_addresses": "[{\"email\":\"not-an-email\",\"field\":\"EMAIL1\"}]",
                },
                "creates_key": true,
            }),
        ),
        (
            "companies",
            json!({
                "key": ["id"],
                "insert": {
                    "company_name": "Analytical Engines Ltd",
                    "email_address": "info@engines.example.com",
                    "phone_number": "+442071234567", "website": "https://engines.example.com",
                    "notes": "Founded 1842", "employees": 12,
                },
                "update": { "company_name": "Analytical Engines plc", "notes": "Renamed" },
                "refused_insert": { "company_name": "Bad Mail Ltd", "email_address": "not-an-email" },
                "creates_key": true,
                // Keap's v1 has no DELETE for companies.
                "delete": false,
            }),
        ),
        (
            "opportunities",
            json!({
                "key": ["id"],
                "insert": {
                    "opportunity_title": "Difference engine", "contact_id": c, "stage_id": 2,
                    "user_id": 1, "projected_revenue_low": 1000.0, "projected_revenue_high": 2500.0,
                },
                "update": { "opportunity_title": "Difference engine II", "stage_id": 3 },
                "refused_insert": {
                    "opportunity_title": "Nobody's deal", "contact_id": 999_999, "stage_id": 1,
                },
                "creates_key": true,
                // Keap's v1 has no DELETE for opportunities.
                "delete": false,
            }),
        ),
        (
            "tasks",
            json!({
                "key": ["id"],
                "insert": {
                    "title": "Call Ada", "description": "About the engine",
                    "due_date": "2025-07-01T09:00:00Z", "priority": 2, "type": "Call",
                    "contact_id": c, "user_id": 2, "completed": false,
                },
                "update": { "title": "Called Ada", "completed": true },
                "refused_insert": {
                    "title": "Call nobody", "due_date": "2025-07-01T09:00:00Z",
                    "contact_id": 999_999,
                },
                "creates_key": true,
            }),
        ),
        (
            "notes",
            json!({
                "key": ["id"],
                "insert": {
                    "title": "First call", "body": "Talked about the engine", "type": "Call",
                    "contact_id": c, "user_id": 2,
                },
                "update": { "body": "Talked about the analytical engine", "type": "Email" },
                "refused_insert": { "title": "Orphan", "contact_id": 999_999 },
                "creates_key": true,
            }),
        ),
        (
            "contact_tags",
            json!({
                "key": ["contact_id", "tag_id"],
                "insert": { "contact_id": c, "tag_id": tag_for_contact },
                "creates_key": false,
            }),
        ),
        (
            "tagged_contacts",
            json!({
                "key": ["tag_id", "contact_id"],
                "insert": { "tag_id": tag_for_tag, "contact_id": c },
                "creates_key": false,
            }),
        ),
    ]
}

/// Adds `write` to the entries of the writable tables.
pub(super) fn add(st: &Shared, tables: &mut Map<String, Value>) {
    for (name, write) in examples(st) {
        if let Some(Value::Object(entry)) = tables.get_mut(name) {
            entry.insert("write".into(), write);
        }
    }
}
