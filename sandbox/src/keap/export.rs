//! Keap's entry in the sandbox's control endpoints: the manifest (row counts of every table,
//! credentials, connection strings, and the `write` examples of the writable tables from
//! keap/write_manifest.rs) and `/_sandbox/data/keap/<table>`, the rows a full scan returns. Both
//! show the writes made through the API: counts and rows come from keap/overlay.rs,
//! keap/applied.rs, keap/links.rs and keap/stage_moves.rs where a table was written to.

use serde_json::{json, Value};

use super::{applied, links, overlay, stage_moves, write_manifest, Data, Table, STAGES, TABLES};
use crate::control::table;
use crate::keap_fields::{self, Model};
use crate::Shared;

/// The contacts' entries of `array` (email_addresses, phone_numbers, addresses), each with its
/// contact's id; None when nobody wrote to contacts (the generated counts stand).
fn written_contact_arrays(st: &Shared, array: &str) -> Option<Vec<Value>> {
    let w = st.writes.snapshot(crate::common::Service::Keap, "contacts");
    if w.is_empty() {
        return None;
    }
    let mut rows = Vec::new();
    for c in overlay::records(st, Table::Contacts, &w) {
        for item in c[array].as_array().into_iter().flatten() {
            let mut row = item.clone();
            row["contact_id"] = c["id"].clone();
            rows.push(row);
        }
    }
    Some(rows)
}

pub fn manifest(st: &Shared) -> Value {
    let d = &st.keap;
    let mut tables = serde_json::Map::new();
    for (name, t) in TABLES {
        tables.insert(name.into(), table(overlay::count(st, t), None));
    }
    for (name, array, generated) in [
        ("contact_emails", "email_addresses", d.email_rows),
        ("contact_phones", "phone_numbers", d.phone_rows),
        ("contact_addresses", "addresses", d.address_rows),
    ] {
        let rows = written_contact_arrays(st, array).map_or(generated, |r| r.len());
        tables.insert(name.into(), table(rows, None));
    }
    let pairs = applied::count(st);
    tables.insert("contact_tags".into(), table(pairs, Some("contacts")));
    tables.insert("tagged_contacts".into(), table(pairs, Some("tags")));
    tables.insert(
        "opportunity_stage_moves".into(),
        table(stage_moves::count(st), None),
    );
    tables.insert(
        "contact_links".into(),
        table(links::contact_link_count(st), Some("contacts")),
    );
    for name in [
        "tag_categories",
        "contact_link_types",
        "automation_categories",
        "user_groups",
    ] {
        let rows = d.reference_rows(name).map_or(0, |r| r.len());
        tables.insert(name.into(), table(rows, None));
    }
    for (name, parent) in [
        ("lead_sources", None),
        ("lead_source_categories", None),
        ("lead_source_expenses", Some("lead_sources")),
        ("lead_source_recurring_expenses", Some("lead_sources")),
    ] {
        let rows = d.lead_source_rows(name).map_or(0, |r| r.len());
        tables.insert(name.into(), table(rows, parent));
    }
    tables.insert("order_items".into(), table(d.order_item_rows(), None));
    tables.insert("opportunity_stages".into(), table(STAGES.len(), None));
    tables.insert(
        "order_payments".into(),
        table(d.order_payment_rows(), Some("orders")),
    );
    for model in Model::ALL {
        tables.insert(
            model.table().into(),
            table(keap_fields::fields(model).len(), None),
        );
    }
    write_manifest::add(st, &mut tables);
    json!({
        "tables": tables,
        "credentials": { "api_key": st.creds.keap_key, "access_token": st.creds.keap_token },
        "connection_strings": {
            "APIKEY": format!(
                "Profile=keap;AuthScheme=APIKey;APIKey={};BaseURL={}/keap/crm/rest/v1",
                st.creds.keap_key, st.base_url
            ),
        },
    })
}

pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.keap;
    if let Some(rows) = child_rows(st, name) {
        return Some(rows);
    }
    if let Some(rows) = d.reference_rows(name).or_else(|| d.lead_source_rows(name)) {
        return Some(rows);
    }
    if name == "order_items" {
        let mut rows = Vec::new();
        for i in 0..d.n {
            if let Value::Array(items) = &d.order_json(i)["order_items"] {
                for item in items {
                    let mut row = item.clone();
                    row["order_id"] = json!(i + 1);
                    rows.push(row);
                }
            }
        }
        return Some(rows);
    }
    if name == "opportunity_stages" {
        return Some(super::stages::pipeline(st));
    }
    if name == "order_payments" {
        let mut rows = Vec::new();
        for i in 0..d.n {
            for mut payment in d.order_payments(i) {
                payment["order_id"] = json!(i + 1);
                rows.push(payment);
            }
        }
        return Some(rows);
    }
    if let Some(model) = Model::ALL.into_iter().find(|m| m.table() == name) {
        let fields = keap_fields::fields(model);
        return Some(
            fields
                .iter()
                .map(|f| keap_fields::field_json(model, f))
                .collect(),
        );
    }
    // Records as the driver reads them when it shows custom fields.
    let (_, t) = TABLES.iter().find(|(n, _)| *n == name)?;
    if let Some(w) = overlay::active(st, *t) {
        return Some(
            overlay::records(st, *t, &w)
                .into_iter()
                .map(|r| overlay::shown(*t, r, true))
                .collect(),
        );
    }
    Some((0..t.count(d)).map(|i| t.render_with(d, i, true)).collect())
}

/// The generated rows of a table made from one of contacts' arrays.
fn generated_contact_arrays(d: &Data, array: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    if array == "email_addresses" {
        // As cheap as before writes existed: no contact is rendered whole.
        for i in 0..d.n {
            for k in 0..d.contact(i).emails {
                rows.push(json!({
                    "contact_id": i + 1, "email": d.contact_email(i, k), "field": format!("EMAIL{}", k + 1),
                }));
            }
        }
        return rows;
    }
    for i in 0..d.n {
        if let Value::Array(items) = &d.contact_json(i)[array] {
            for item in items {
                let mut row = item.clone();
                row["contact_id"] = json!(i + 1);
                rows.push(row);
            }
        }
    }
    rows
}

/// The rows of the tables made from contacts' nested arrays and of the tables read per contact,
/// tag or opportunity, each with the parent's id as the profile's column holds it.
fn child_rows(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.keap;
    let array = |array: &str| {
        written_contact_arrays(st, array).unwrap_or_else(|| generated_contact_arrays(d, array))
    };
    Some(match name {
        "contact_emails" => array("email_addresses"),
        "contact_phones" => array("phone_numbers"),
        "contact_addresses" => array("addresses"),
        "contact_tags" => applied::contact_tag_table(st),
        "tagged_contacts" => applied::tagged_contact_table(st),
        "contact_links" => links::contact_link_rows(st),
        "opportunity_stage_moves" => stage_moves::all_moves(st),
        _ => return None,
    })
}
