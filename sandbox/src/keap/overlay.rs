//! The writable v1 tables (contacts, companies, opportunities, tasks, notes) as they read after
//! writes: the generated records with the changed ones in their changed form and the deleted
//! ones left out, then the created ones, all in id order (created ids come after the generated
//! ones). The lists, the read of one record, the manifest's counts and `/_sandbox/data` take
//! their records from here once a table was written to; a table nobody wrote to keeps its
//! generated fast path ([`active`] is None for it).
//!
//! Stored records (changed and created) always carry their `custom_fields`; [`shown`] drops them
//! where the request did not ask for them, as Keap does. A contact shows its company's current
//! name, so renaming a company renames it in every contact.
//!
//! This module owns no write rule (keap/write_*.rs) and no list envelope (keap.rs).

use std::collections::HashMap;

use serde_json::Value;

use super::Table;
use crate::common::Service;
use crate::writes::{key_text, TableWrites};
use crate::Shared;

impl Table {
    /// The name a writable table's writes are kept under (`st.writes`); None: read-only.
    pub(super) fn writable(self) -> Option<&'static str> {
        match self {
            Table::Contacts => Some("contacts"),
            Table::Companies => Some("companies"),
            Table::Opportunities => Some("opportunities"),
            Table::Tasks => Some("tasks"),
            Table::Notes => Some("notes"),
            _ => None,
        }
    }

    /// Whether a read of the table's records carries their custom-field values (only contacts'
    /// and companies' v1 records do).
    fn shows_custom_fields(self) -> bool {
        matches!(self, Table::Contacts | Table::Companies)
    }
}

/// The writes that change what `t` reads, when there are any: its own, and for contacts those
/// of companies too (a renamed company renames it in its contacts).
pub(super) fn active(st: &Shared, t: Table) -> Option<TableWrites> {
    let name = t.writable()?;
    let own = st.writes.snapshot(Service::Keap, name);
    let companies_changed =
        matches!(t, Table::Contacts) && !st.writes.snapshot(Service::Keap, "companies").is_empty();
    (!own.is_empty() || companies_changed).then_some(own)
}

/// Every record of `t` as it reads now, in id order, with `custom_fields`.
pub(super) fn records(st: &Shared, t: Table, w: &TableWrites) -> Vec<Value> {
    let d = &st.keap;
    let mut out = Vec::with_capacity(t.count(d) + w.created.len());
    for i in 0..t.count(d) {
        let key = (i + 1).to_string();
        if w.deleted.contains(&key) {
            continue;
        }
        match w.changed.get(&key) {
            Some(r) => out.push(r.clone()),
            None => out.push(t.render_with(d, i, true)),
        }
    }
    out.extend(w.created.iter().cloned());
    fix_company_names(st, t, &mut out);
    out
}

/// Record `id` of `t` as it reads now (with `custom_fields`); None when there is none or it was
/// deleted.
pub(super) fn find(st: &Shared, t: Table, id: &str) -> Option<Value> {
    let d = &st.keap;
    let n: usize = id.parse().ok()?;
    let key = n.to_string();
    if let Some(name) = t.writable() {
        let written = st.writes.with(Service::Keap, name, |w| {
            if w.deleted.contains(&key) {
                return Some(None);
            }
            if let Some(r) = w.changed.get(&key) {
                return Some(Some(r.clone()));
            }
            w.created
                .iter()
                .find(|r| key_text(&r["id"]).as_deref() == Some(key.as_str()))
                .map(|r| Some(r.clone()))
        });
        if let Some(found) = written {
            let mut found: Vec<Value> = found.into_iter().collect();
            fix_company_names(st, t, &mut found);
            return found.pop();
        }
    }
    let i = (1..=t.count(d)).contains(&n).then(|| n - 1)?;
    let mut one = vec![t.render_with(d, i, true)];
    fix_company_names(st, t, &mut one);
    one.pop()
}

/// How many records `t` has now.
pub(super) fn count(st: &Shared, t: Table) -> usize {
    let generated = t.count(&st.keap);
    match t.writable() {
        Some(name) => st.writes.with(Service::Keap, name, |w| {
            generated - w.deleted.len() + w.created.len()
        }),
        None => generated,
    }
}

/// A record as a read shows it: without `custom_fields` unless they were asked for (and the
/// table's reads carry them at all).
pub(super) fn shown(t: Table, mut record: Value, custom: bool) -> Value {
    if !(custom && t.shows_custom_fields()) {
        if let Value::Object(map) = &mut record {
            map.remove("custom_fields");
        }
    }
    record
}

/// The current name of every company written to, by id.
fn company_names(st: &Shared) -> HashMap<String, Value> {
    let w = st.writes.snapshot(Service::Keap, "companies");
    w.changed
        .values()
        .chain(w.created.iter())
        .filter_map(|c| Some((key_text(&c["id"])?, c["company_name"].clone())))
        .collect()
}

fn fix_company_names(st: &Shared, t: Table, records: &mut [Value]) {
    if !matches!(t, Table::Contacts) {
        return;
    }
    let names = company_names(st);
    if names.is_empty() {
        return;
    }
    for r in records {
        let Some(id) = key_text(&r["company"]["id"]) else {
            continue;
        };
        if let Some(name) = names.get(&id) {
            r["company"]["company_name"] = name.clone();
        }
    }
}

/// The short contact object opportunities and tasks embed, from a contact as it reads now.
pub(super) fn contact_ref(contact: &Value) -> Value {
    serde_json::json!({
        "id": contact["id"],
        "first_name": contact["given_name"],
        "last_name": contact["family_name"],
        "email": contact["email_addresses"][0]["email"],
        "company_name": contact["company"]["company_name"],
    })
}
