//! Keeping what the v1 write endpoints did to the writable tables in `st.writes`: a created
//! record gets the next id after the generated ones (never one handed out before), a change to a
//! generated record stores the whole record as it reads afterwards, a delete of a generated
//! record remembers its key. Each operation runs under the one writes lock, so two requests on
//! one record do not lose each other's change; the closures given here must not touch
//! `st.writes` themselves.
//!
//! It validates nothing (keap/write_*.rs do, before calling here).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::Table;
use crate::common::Service;
use crate::Shared;

/// Now, in Unix seconds: the time a write stamps on what it creates or changes.
pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn name(t: Table) -> &'static str {
    t.writable().expect("only writable tables are written")
}

/// Stores `record` as a new record of `t` under the next id; returns it with its id.
pub(super) fn insert(st: &Shared, t: Table, mut record: Value) -> Value {
    let generated = t.count(&st.keap) as u64;
    st.writes.with(Service::Keap, name(t), |w| {
        record["id"] = json!(w.next_id(generated));
        w.created.push(record.clone());
    });
    record
}

/// Applies `f` to record `id` of `t` as it reads now and stores the result; None when there is
/// no such record (or it was deleted).
pub(super) fn modify(st: &Shared, t: Table, id: &str, f: impl FnOnce(&mut Value)) -> Option<Value> {
    let d = &st.keap;
    let n: usize = id.parse().ok()?;
    let key = n.to_string();
    st.writes.with(Service::Keap, name(t), |w| {
        if w.deleted.contains(&key) {
            return None;
        }
        if let Some(r) = w.created_mut("id", &key) {
            f(r);
            return Some(r.clone());
        }
        let mut record = match w.changed.get(&key) {
            Some(r) => r.clone(),
            None if (1..=t.count(d)).contains(&n) => t.render_with(d, n - 1, true),
            None => return None,
        };
        f(&mut record);
        w.changed.insert(key, record.clone());
        Some(record)
    })
}

/// Deletes record `id` of `t`; false when there is no such record.
pub(super) fn remove(st: &Shared, t: Table, id: &str) -> bool {
    let generated = t.count(&st.keap);
    let Ok(n) = id.parse::<usize>() else {
        return false;
    };
    let key = n.to_string();
    st.writes.with(Service::Keap, name(t), |w| {
        if w.remove_created("id", &key) {
            return true;
        }
        if !(1..=generated).contains(&n) || !w.deleted.insert(key.clone()) {
            return false;
        }
        w.changed.remove(&key);
        true
    })
}
