//! Reads of Help Scout threads with what the write endpoints did: a conversation's threads are
//! its generated ones (as changed by Update Thread) followed by those added through the API
//! (notes, replies, a created conversation's threads), in the thread list, in `embed=threads`
//! and in the `threads` table of `/_sandbox/data` and the manifest. A deleted conversation has
//! no threads (404). Threads are stored with the `conversationId` they belong to, which the API
//! does not show. This module owns no write rules.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::overlay::{rows, written, Row, CONVERSATIONS, SVC, THREADS};
use super::{api_base, index_of, Table, CONV_BASE};
use crate::common::{param, Params};
use crate::Shared;

/// `embed=threads`: the conversation's threads in `_embedded.threads`.
pub(super) fn embeds_threads(p: &Params) -> bool {
    param(p, "embed").is_some_and(|e| e.split(',').any(|x| x.trim() == "threads"))
}

pub(super) fn embed_threads(st: &Shared, conversation: &mut Value) {
    let threads = conversation["id"]
        .as_u64()
        .and_then(|id| conversation_threads(st, id))
        .unwrap_or_default();
    conversation["_embedded"]["threads"] = Value::Array(threads);
}

/// A thread as the API shows it: without the conversation id the sandbox keeps with it.
pub(super) fn api_thread(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(o) = t.as_object_mut() {
        o.remove("conversationId");
    }
    t
}

/// The generated conversation a conversation id names, if it still exists: Some(Some(index));
/// Some(None) for one created through the API; None when there is none (any more).
pub(super) fn conversation_origin(st: &Shared, id: u64) -> Option<Option<usize>> {
    let n = st.helpscout.n;
    st.writes.with(SVC, CONVERSATIONS, |w| {
        let key = id.to_string();
        if w.created.iter().any(|r| r["id"].as_u64() == Some(id)) {
            return Some(None);
        }
        if w.deleted.contains(&key) {
            return None;
        }
        index_of(&key, CONV_BASE, n).map(Some)
    })
}

/// The threads of conversation `id` as they read now (generated ones, as changed, then the ones
/// created through the API); None when the conversation does not exist.
pub(super) fn conversation_threads(st: &Shared, id: u64) -> Option<Vec<Value>> {
    let d = &st.helpscout;
    let origin = conversation_origin(st, id)?;
    let base = api_base(st);
    Some(st.writes.with(SVC, THREADS, |w| {
        let mut out: Vec<Value> = match origin {
            Some(i) => (0..d.conv(i).threads)
                .filter_map(|k| {
                    let t = d.thread_json(&base, i, k);
                    w.view(&t["id"].to_string(), t)
                })
                .collect(),
            None => Vec::new(),
        };
        out.extend(
            w.created
                .iter()
                .filter(|t| t["conversationId"].as_u64() == Some(id))
                .map(api_thread),
        );
        out
    }))
}

/// The `threads` table's rows (`/_sandbox/data`): every thread of every conversation as a full
/// scan reads them, each with its `conversationId`.
pub(super) fn thread_table(st: &Shared) -> Vec<Value> {
    let d = &st.helpscout;
    let base = api_base(st);
    let threads = written(st, THREADS).unwrap_or_default();
    let mut created: HashMap<u64, Vec<&Value>> = HashMap::new();
    for t in &threads.created {
        if let Some(c) = t["conversationId"].as_u64() {
            created.entry(c).or_default().push(t);
        }
    }
    let mut out = Vec::with_capacity(d.thread_rows);
    let conversations = written(st, CONVERSATIONS).unwrap_or_default();
    for r in rows(d, Table::Conversations, &conversations) {
        let Some(id) = r.id(Table::Conversations) else {
            continue;
        };
        let generated = match r {
            Row::Gen(i) => Some(i),
            Row::Json(_) => index_of(&id.to_string(), CONV_BASE, d.n),
        };
        if let Some(i) = generated {
            for k in 0..d.conv(i).threads {
                let t = d.thread_json(&base, i, k);
                if let Some(mut t) = threads.view(&t["id"].to_string(), t) {
                    t["conversationId"] = json!(id);
                    out.push(t);
                }
            }
        }
        for t in created.get(&id).into_iter().flatten() {
            out.push((*t).clone());
        }
    }
    out
}

/// How many rows the `threads` table has now.
pub(super) fn thread_count(st: &Shared) -> usize {
    let d = &st.helpscout;
    let gone: usize = st.writes.with(SVC, CONVERSATIONS, |w| {
        w.deleted
            .iter()
            .filter_map(|k| index_of(k, CONV_BASE, d.n))
            .map(|i| d.conv(i).threads)
            .sum()
    });
    // Created threads of a deleted conversation are removed with it.
    let created = st.writes.with(SVC, THREADS, |w| w.created.len());
    d.thread_rows - gone + created
}
