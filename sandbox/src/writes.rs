//! What API clients wrote: records created, changed and deleted, per service table, kept in
//! memory so that reads after writes see them. Generated records are never stored (`data`), so
//! a write is an overlay: a list or a read of one record asks [`TableWrites::view`] what became
//! of a generated record and appends [`TableWrites::created`] after the generated ones.
//!
//! Also the write fault: `POST /_sandbox/faults {"fail_after_apply": N}` makes the next N writes
//! be applied and then answered with the service's 500, the case a client must never retry.
//!
//! This module owns no service's rules (required fields, error bodies): those live with each
//! service.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

use axum::response::Response;
use serde_json::Value;

use crate::common::Service;
use crate::faults::Fault;

/// The writes to one table (named as in the manifest, e.g. `pipedrive/persons`).
#[derive(Clone, Debug, Default)]
pub struct TableWrites {
    /// Records created, in creation order, each as the API renders it. A deleted one is removed.
    pub created: Vec<Value>,
    /// Generated records changed since start-up: key → the whole record as it reads now.
    pub changed: HashMap<String, Value>,
    /// Keys of generated records deleted.
    pub deleted: HashSet<String>,
    /// Ids handed out so far, so an id is never given twice, even after a delete.
    issued: u64,
}

impl TableWrites {
    /// The next id of a created record: after the `generated` ids (1..=generated) and every id
    /// handed out before.
    pub fn next_id(&mut self, generated: u64) -> u64 {
        self.issued += 1;
        generated + self.issued
    }

    /// What a generated record reads as now: None once deleted, its changed form once changed.
    pub fn view(&self, key: &str, generated: Value) -> Option<Value> {
        if self.deleted.contains(key) {
            return None;
        }
        Some(self.changed.get(key).cloned().unwrap_or(generated))
    }

    /// A created record by the value of its key field (`id` for most APIs).
    pub fn created_mut(&mut self, key_field: &str, key: &str) -> Option<&mut Value> {
        self.created
            .iter_mut()
            .find(|r| key_text(&r[key_field]).as_deref() == Some(key))
    }

    /// Removes a created record; true when there was one.
    pub fn remove_created(&mut self, key_field: &str, key: &str) -> bool {
        let before = self.created.len();
        self.created
            .retain(|r| key_text(&r[key_field]).as_deref() != Some(key));
        self.created.len() != before
    }

    pub fn is_empty(&self) -> bool {
        self.created.is_empty() && self.changed.is_empty() && self.deleted.is_empty()
    }
}

/// A key as text: numbers and strings alike.
pub fn key_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[derive(Default)]
pub struct Writes {
    tables: Mutex<HashMap<String, TableWrites>>,
    fail_after_apply: AtomicU32,
}

impl Writes {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, TableWrites>> {
        self.tables.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the writes of `table` (created on first use), under the one lock.
    pub fn with<R>(&self, svc: Service, table: &str, f: impl FnOnce(&mut TableWrites) -> R) -> R {
        let mut tables = self.lock();
        f(tables.entry(format!("{}/{table}", svc.name())).or_default())
    }

    /// A copy of the writes of `table`, for rendering a list without holding the lock.
    pub fn snapshot(&self, svc: Service, table: &str) -> TableWrites {
        self.lock()
            .get(&format!("{}/{table}", svc.name()))
            .cloned()
            .unwrap_or_default()
    }

    /// Forgets every write (`POST /_sandbox/writes/reset`).
    pub fn clear(&self) {
        self.lock().clear();
        self.fail_after_apply.store(0, Ordering::SeqCst);
    }

    pub fn set_fail_after_apply(&self, n: u32) {
        self.fail_after_apply.store(n, Ordering::SeqCst);
    }

    /// Call after a write was applied: while the fault is armed, the answer to send instead
    /// of the real one (the service's 500), and the fault counts down.
    pub fn after_apply(&self, svc: Service) -> Option<Response> {
        let armed = self
            .fail_after_apply
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        armed.then(|| crate::faults::fault_response(svc, Fault::Internal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_never_reused_and_views_follow_writes() {
        let mut w = TableWrites::default();
        assert_eq!(w.next_id(100), 101);
        w.created.push(json!({"id": 101}));
        assert!(w.remove_created("id", "101"));
        assert_eq!(w.next_id(100), 102);
        w.changed
            .insert("5".into(), json!({"id": 5, "name": "new"}));
        assert_eq!(
            w.view("5", json!({"id": 5, "name": "old"})).unwrap()["name"],
            "new"
        );
        w.deleted.insert("6".into());
        assert!(w.view("6", json!({"id": 6})).is_none());
        assert!(w.view("7", json!({"id": 7})).is_some());
    }

    #[test]
    fn the_fault_fires_as_often_as_armed() {
        let writes = Writes::default();
        assert!(writes.after_apply(Service::Pipedrive).is_none());
        writes.set_fail_after_apply(2);
        assert!(writes.after_apply(Service::Pipedrive).is_some());
        assert!(writes.after_apply(Service::Keap).is_some());
        assert!(writes.after_apply(Service::Pipedrive).is_none());
    }
}
