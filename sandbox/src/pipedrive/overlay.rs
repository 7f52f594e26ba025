//! Pipedrive's generated records with what API clients wrote laid over them: the rows a list
//! shows once records were created, changed or deleted ([`Row`], [`merge`]), where one record
//! is ([`locate`]), whether a record a write names exists ([`exists`]), and the clock written
//! records are stamped with. Lists without writes never come here, so they stay as fast as
//! before. Owns no endpoint and no record shape.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::{leads, Data, PIPELINES, STAGES, USERS};
use crate::common::{id_of, Service};
use crate::data::parse_datetime;
use crate::writes::{key_text, TableWrites};
use crate::Shared;

pub(super) const SVC: Service = Service::Pipedrive;

/// One row of a list that has writes: a generated record as generated (its list index), or a
/// record as written (created, or generated and changed since).
pub(super) enum Row {
    Gen(usize),
    Rec(Value),
}

/// The writes to `table`, when there are any.
pub(super) fn writes(st: &Shared, table: &str) -> Option<TableWrites> {
    let w = st.writes.snapshot(SVC, table);
    (!w.is_empty()).then_some(w)
}

/// The rows of a list of `count` generated records: those neither changed nor deleted that
/// `keep_gen` keeps (in list order), then the changed and created ones `keep_rec` keeps. The
/// caller puts them in the list's order.
pub(super) fn merge(
    count: usize,
    gen_key: impl Fn(usize) -> String,
    w: &TableWrites,
    keep_gen: impl Fn(usize) -> bool,
    keep_rec: impl Fn(&Value) -> bool,
) -> Vec<Row> {
    let mut rows: Vec<Row> = (0..count)
        .filter(|i| {
            let key = gen_key(*i);
            !w.deleted.contains(&key) && !w.changed.contains_key(&key)
        })
        .filter(|i| keep_gen(*i))
        .map(Row::Gen)
        .collect();
    let written = w.changed.values().chain(&w.created);
    rows.extend(written.filter(|r| keep_rec(r)).cloned().map(Row::Rec));
    rows
}

/// `rows` in ascending id order (the order of every list keyed by a number).
pub(super) fn by_id(rows: &mut [Row], gen_id: impl Fn(usize) -> u64) {
    rows.sort_by_key(|r| match r {
        Row::Gen(i) => gen_id(*i),
        Row::Rec(v) => v["id"].as_u64().unwrap_or(u64::MAX),
    });
}

/// Where a record is: generated (its index) or created by a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    Gen(usize),
    Created,
}

/// The record with key `key`, `gen` being its generated index if it was generated; None once
/// deleted or never there.
pub(super) fn locate(w: &TableWrites, key: &str, gen: Option<usize>) -> Option<Found> {
    if w.deleted.contains(key) {
        return None;
    }
    if let Some(i) = gen {
        return Some(Found::Gen(i));
    }
    w.created
        .iter()
        .any(|r| key_text(&r["id"]).as_deref() == Some(key))
        .then_some(Found::Created)
}

/// The record as it reads now; `render` makes the generated form of an unchanged one.
pub(super) fn current(
    w: &TableWrites,
    key: &str,
    found: Found,
    render: impl FnOnce(usize) -> Value,
) -> Value {
    match found {
        Found::Gen(i) => w.changed.get(key).cloned().unwrap_or_else(|| render(i)),
        Found::Created => w
            .created
            .iter()
            .find(|r| key_text(&r["id"]).as_deref() == Some(key))
            .cloned()
            .unwrap_or(Value::Null),
    }
}

/// Keeps `record` as the record's new form.
pub(super) fn store(w: &mut TableWrites, key: &str, found: Found, record: Value) {
    match found {
        Found::Gen(_) => {
            w.changed.insert(key.to_owned(), record);
        }
        Found::Created => {
            if let Some(r) = w.created_mut("id", key) {
                *r = record;
            }
        }
    }
}

pub(super) fn remove(w: &mut TableWrites, key: &str, found: Found) {
    match found {
        Found::Gen(_) => {
            w.changed.remove(key);
            w.deleted.insert(key.to_owned());
        }
        Found::Created => {
            w.remove_created("id", key);
        }
    }
}

/// The generated index of the record `key` of a writable table (deals include the archived
/// ones, leads are found by their UUID).
pub(super) fn gen_index(d: &Data, table: &str, key: &str) -> Option<usize> {
    match table {
        "persons" | "organizations" | "activities" | "notes" => id_of(key, d.n),
        "deals" => id_of(key, d.n + d.archived_deal_count()),
        "products" => id_of(key, d.product_count()),
        "leads" => leads::index_of(d, key),
        _ => None,
    }
}

/// Generated record `i` of a writable table as its reads render it (v2 records without the
/// counts `include_fields` adds; notes and leads as v1 renders them).
pub(super) fn render(d: &Data, table: &str, i: usize) -> Value {
    match table {
        "persons" => d.person_v2(i, &[]),
        "organizations" => d.org_v2(i, &[]),
        "deals" => d.deal_v2(i),
        "activities" => d.activity_v2(i),
        "products" => d.product_json(i),
        "notes" => d.note_json(i),
        "leads" => d.lead_json(i),
        _ => Value::Null,
    }
}

/// Record `key` of a writable table as it reads now, if it exists.
pub(super) fn record(st: &Shared, table: &str, key: &str) -> Option<Value> {
    let d = &st.pipedrive;
    st.writes.with(SVC, table, |w| {
        let found = locate(w, key, gen_index(d, table, key))?;
        Some(current(w, key, found, |i| render(d, table, i)))
    })
}

/// Whether the record `key` of `table` exists now. Tables nobody writes to (users, stages,
/// pipelines, projects) have only their generated records.
pub(super) fn exists(st: &Shared, table: &str, key: &str) -> bool {
    let d = &st.pipedrive;
    match table {
        "users" => id_of(key, USERS).is_some(),
        "stages" => id_of(key, STAGES).is_some(),
        "pipelines" => id_of(key, PIPELINES).is_some(),
        "projects" => id_of(key, d.project_count()).is_some(),
        _ => st.writes.with(SVC, table, |w| {
            locate(w, key, gen_index(d, table, key)).is_some()
        }),
    }
}

/// A parent record named in a path (`/deals/{id}/products`): Ok(Some(index)) for a generated
/// one (its children are generated), Ok(None) for one a client created (it has none yet),
/// Err(()) when it does not exist or was deleted (Pipedrive's 404). `count`: the generated
/// records the path reads.
pub(super) fn parent(
    st: &Shared,
    table: &str,
    id: &str,
    count: usize,
) -> Result<Option<usize>, ()> {
    let gen = id_of(id, count);
    match writes(st, table) {
        None => gen.map(Some).ok_or(()),
        Some(w) => match locate(&w, id, gen) {
            Some(Found::Gen(i)) => Ok(Some(i)),
            Some(Found::Created) => Ok(None),
            None => Err(()),
        },
    }
}

/// Whether generated record `i` (keyed by its id, `i + 1`) of `table` was deleted: its
/// children are gone with it.
pub(super) fn deleted(w: Option<&TableWrites>, i: usize) -> bool {
    w.is_some_and(|w| w.deleted.contains(&(i + 1).to_string()))
}

/// Seconds since the epoch: when a written record was created or changed.
pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A record's integer member, for filters.
pub(super) fn int(v: &Value, field: &str) -> Option<u64> {
    v[field].as_u64()
}

/// A record's time member (RFC 3339 or `YYYY-MM-DD HH:MM:SS`) as seconds, for filters and sorting.
pub(super) fn time(v: &Value, field: &str) -> Option<i64> {
    v[field].as_str().and_then(parse_datetime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merged_rows_skip_what_was_changed_or_deleted() {
        let mut w = TableWrites::default();
        w.deleted.insert("2".into());
        w.changed
            .insert("3".into(), json!({"id": 3, "name": "new"}));
        w.created.push(json!({"id": 11}));
        let mut rows = merge(4, |i| (i + 1).to_string(), &w, |_| true, |_| true);
        by_id(&mut rows, |i| i as u64 + 1);
        let ids: Vec<String> = rows
            .iter()
            .map(|r| match r {
                Row::Gen(i) => format!("g{}", i + 1),
                Row::Rec(v) => format!("w{}", v["id"]),
            })
            .collect();
        assert_eq!(ids, ["g1", "w3", "g4", "w11"]);
        assert_eq!(locate(&w, "2", Some(1)), None);
        assert_eq!(locate(&w, "11", None), Some(Found::Created));
        assert_eq!(locate(&w, "12", None), None);
    }
}
