//! What the manifest says about Pipedrive's writes: each writable table's `write` entry (a
//! valid row, a valid change and a row the API refuses, in the SQL column names and types of
//! `profiles/pipedrive.toml`), and row counts that follow what clients wrote. Owns no endpoint.

use serde_json::{json, Value};

use super::{overlay, table_data};
use crate::Shared;

/// Manifest tables whose rows follow another table's writes: (table, written table).
const FOLLOWS: &[(&str, &str)] = &[
    ("persons", "persons"),
    ("person_emails", "persons"),
    ("person_phones", "persons"),
    ("organizations", "organizations"),
    ("deals", "deals"),
    ("archived_deals", "deals"),
    ("deal_products", "deals"),
    ("deal_participants", "deals"),
    ("deal_discounts", "deals"),
    ("deal_installments", "deals"),
    ("activities", "activities"),
    ("notes", "notes"),
    ("leads", "leads"),
    ("archived_leads", "leads"),
    ("products", "products"),
    ("product_prices", "products"),
    ("product_variations", "products"),
    ("product_variation_prices", "products"),
];

/// The `write` entry of a table: `insert` and `update` read back exactly (custom fields by
/// their column names: `tier`, `nickname`, `industry`, … are fields the sandbox seeds);
/// `refused_insert` is well typed but refused with a 4xx.
fn entry(table: &str) -> Option<Value> {
    let (insert, update, refused) = match table {
        "persons" => (
            json!({"name": "Ada Lovelace", "owner_id": 2, "org_id": 1,
                   "primary_email": "ada@example.com", "visible_to": 3,
                   "nickname": "Countess", "tier": "Gold"}),
            json!({"name": "Ada King", "org_id": 2, "tier": "Silver"}),
            json!({"name": "Nobody", "org_id": 999_999}),
        ),
        "organizations" => (
            json!({"name": "Analytical Engines Ltd", "owner_id": 2,
                   "address": "12 Marylebone Road, London", "industry": "Software",
                   "website": "https://engines.example"}),
            json!({"name": "Analytical Engines plc", "employees": 250.0}),
            json!({"name": "Nobody Ltd", "owner_id": 999_999}),
        ),
        "deals" => (
            json!({"title": "Difference engine", "value": 1500.5, "currency": "EUR",
                   "person_id": 1, "org_id": 1, "stage_id": 2,
                   "expected_close_date": "2026-12-31", "deal_source": "Inbound",
                   "signed_on": "2026-01-15"}),
            json!({"stage_id": 4, "value": 2000.0, "status": "won"}),
            json!({"title": "Nothing", "person_id": 999_999}),
        ),
        "activities" => (
            json!({"subject": "Call Ada", "type": "call", "due_date": "2026-12-01",
                   "due_time": "10:30", "duration": "00:30", "deal_id": 1, "person_id": 1,
                   "done": false, "note": "Bring the contract"}),
            json!({"subject": "Called Ada", "done": true}),
            json!({"subject": "Nobody", "deal_id": 999_999}),
        ),
        "notes" => (
            json!({"content": "<p>Met Ada at the engine works.</p>", "person_id": 1}),
            json!({"content": "<p>Met Ada again.</p>", "pinned_to_person_flag": true}),
            json!({"content": "<p>Lost</p>", "deal_id": 999_999}),
        ),
        "products" => (
            json!({"name": "Analytical engine", "code": "AE-1", "unit": "piece", "tax": 20.0,
                   "owner_id": 1, "billing_frequency": "monthly",
                   "billing_frequency_cycles": 12, "warranty_months": 24.0}),
            json!({"name": "Analytical engine Mk II", "tax": 24.0}),
            json!({"name": "Perpetual motion", "billing_frequency": "fortnightly"}),
        ),
        "leads" => (
            json!({"title": "Ada's engine lead", "person_id": 1, "owner_id": 2,
                   "value_amount": 1000.0, "value_currency": "EUR",
                   "expected_close_date": "2026-12-31", "deal_source": "Partner"}),
            json!({"title": "Ada's big engine lead", "value_amount": 5000.0,
                   "value_currency": "USD"}),
            json!({"title": "Nobody's lead", "person_id": 999_999}),
        ),
        _ => return None,
    };
    Some(json!({
        "key": ["id"],
        "insert": insert,
        "update": update,
        "refused_insert": refused,
        "creates_key": true,
    }))
}

/// Adds the `write` entries, and counts the rows of tables that show writes as a full scan
/// reads them now.
pub(super) fn adjust(st: &Shared, tables: &mut [(&str, Value)]) {
    for (name, t) in tables.iter_mut() {
        let follows = FOLLOWS.iter().find(|(table, _)| table == name);
        if let Some((_, written)) = follows {
            if overlay::writes(st, written).is_some() {
                t["rows"] = json!(table_data(st, name).map_or(0, |rows| rows.len()));
            }
        }
        if let Some(write) = entry(name) {
            t["write"] = write;
        }
    }
}
