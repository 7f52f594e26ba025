//! The tags applied to contacts as they read after writes, for both of v1's views of them
//! (`GET /contacts/{id}/tags` and `GET /tags/{id}/contacts`, keap/tags.rs), the manifest and
//! `/_sandbox/data`: the generated pairs less those removed, plus those applied through the API
//! (`contact_tags` writes: created `{key, contact_id, tag_id, applied}`, deleted pair keys), and
//! only pairs whose contact still exists; a tagged contact shows its current name and e-mail.
//! Without writes to contacts or applied tags every function answers from the generated data.
//!
//! The write endpoints are keap/write_tags.rs.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::{overlay, Table, TAGS};
use crate::common::Service;
use crate::data::fmt_iso_ms;
use crate::writes::{key_text, TableWrites};
use crate::Shared;

pub(super) const TABLE: &str = "contact_tags";

/// A pair's key in the writes: `"{contact id}/{tag id}"`.
pub(super) fn pair_key(contact: u64, tag: u64) -> String {
    format!("{contact}/{tag}")
}

/// An applied tag: contact id, tag index (0-based), when applied (Unix seconds).
type Pair = (u64, usize, i64);

struct Writes {
    contacts: TableWrites,
    tags: TableWrites,
}

fn writes(st: &Shared) -> Option<Writes> {
    let contacts = st.writes.snapshot(Service::Keap, "contacts");
    let tags = st.writes.snapshot(Service::Keap, TABLE);
    (!contacts.is_empty() || !tags.is_empty()).then_some(Writes { contacts, tags })
}

/// Every applied pair now, by contact id then tag.
fn pairs(st: &Shared, w: &Writes) -> Vec<Pair> {
    let d = &st.keap;
    let mut out = Vec::new();
    for i in 0..d.n {
        let c = i as u64 + 1;
        if w.contacts.deleted.contains(&c.to_string()) {
            continue;
        }
        for (k, at) in d.contact_tags(i) {
            if !w.tags.deleted.contains(&pair_key(c, k as u64 + 1)) {
                out.push((c, k, at));
            }
        }
    }
    let created_contacts: HashSet<String> = w
        .contacts
        .created
        .iter()
        .filter_map(|c| key_text(&c["id"]))
        .collect();
    let exists = |c: u64| {
        let key = c.to_string();
        if (1..=d.n as u64).contains(&c) {
            !w.contacts.deleted.contains(&key)
        } else {
            created_contacts.contains(&key)
        }
    };
    for p in &w.tags.created {
        let (Some(c), Some(t), Some(at)) = (
            p["contact_id"].as_u64(),
            p["tag_id"].as_u64(),
            p["applied"].as_i64(),
        ) else {
            continue;
        };
        if exists(c) && (1..=TAGS as u64).contains(&t) {
            out.push((c, t as usize - 1, at));
        }
    }
    out.sort();
    out
}

/// The tags of contact `id` as `GET /contacts/{id}/tags` lists them; None: no such contact.
pub(super) fn contact_rows(st: &Shared, id: &str) -> Option<Vec<Value>> {
    let d = &st.keap;
    let Some(w) = writes(st) else {
        let i = crate::common::id_of(id, d.n)?;
        return Some(
            d.contact_tags(i)
                .into_iter()
                .map(|(k, at)| d.applied_tag_json(k, at))
                .collect(),
        );
    };
    let c: u64 = id.parse().ok()?;
    overlay::find(st, Table::Contacts, &c.to_string())?;
    Some(
        pairs(st, &w)
            .into_iter()
            .filter(|p| p.0 == c)
            .map(|(_, k, at)| d.applied_tag_json(k, at))
            .collect(),
    )
}

/// One element of `GET /tags/{id}/contacts` for contact `c`, as it reads now.
fn tagged_contact(st: &Shared, w: &Writes, c: u64, at: i64) -> Value {
    let d = &st.keap;
    let key = c.to_string();
    let written = w.contacts.changed.contains_key(&key) || c > d.n as u64;
    if !written {
        return d.tagged_contact_json(c as usize - 1, at);
    }
    let record = overlay::find(st, Table::Contacts, &key).unwrap_or(Value::Null);
    json!({
        "contact": {
            "id": c,
            "email": record["email_addresses"][0]["email"],
            "first_name": record["given_name"],
            "last_name": record["family_name"],
        },
        "date_applied": fmt_iso_ms(at),
    })
}

/// The contacts carrying tag `k` (0-based) as `GET /tags/{id}/contacts` lists them.
pub(super) fn tag_rows(st: &Shared, k: usize) -> Vec<Value> {
    let d = &st.keap;
    let Some(w) = writes(st) else {
        return d
            .tagged_contacts(k)
            .into_iter()
            .map(|(i, at)| d.tagged_contact_json(i, at))
            .collect();
    };
    pairs(st, &w)
        .into_iter()
        .filter(|p| p.1 == k)
        .map(|(c, _, at)| tagged_contact(st, &w, c, at))
        .collect()
}

/// Whether tag `tag` (1-based id) is applied to contact `contact` now.
pub(super) fn is_applied(st: &Shared, contact: u64, tag: u64) -> bool {
    contact_rows(st, &contact.to_string())
        .is_some_and(|rows| rows.iter().any(|r| r["tag"]["id"].as_u64() == Some(tag)))
}

/// The rows of the contact_tags table (each with `contact_id`), as a full scan reads them.
pub(super) fn contact_tag_table(st: &Shared) -> Vec<Value> {
    let d = &st.keap;
    let Some(w) = writes(st) else {
        return d.contact_tag_rows();
    };
    pairs(st, &w)
        .into_iter()
        .map(|(c, k, at)| {
            let mut row = d.applied_tag_json(k, at);
            row["contact_id"] = json!(c);
            row
        })
        .collect()
}

/// The rows of the tagged_contacts table (each with `tag_id`), tag by tag.
pub(super) fn tagged_contact_table(st: &Shared) -> Vec<Value> {
    let d = &st.keap;
    let Some(w) = writes(st) else {
        return d.tagged_contact_rows();
    };
    let mut by_tag = pairs(st, &w);
    by_tag.sort_by_key(|(c, k, _)| (*k, *c));
    by_tag
        .into_iter()
        .map(|(c, k, at)| {
            let mut row = tagged_contact(st, &w, c, at);
            row["tag_id"] = json!(k + 1);
            row
        })
        .collect()
}

/// How many pairs there are now.
pub(super) fn count(st: &Shared) -> usize {
    match writes(st) {
        Some(w) => pairs(st, &w).len(),
        None => st.keap.contact_tag_rows,
    }
}
