//! Reads of Help Scout's writable tables — conversations, customers, threads and tags — with what
//! the write endpoints did laid over the generated records (`crate::writes`): a record reads in
//! its changed form, a deleted one is gone (404), created ones follow the generated ones. Lists
//! keep their filters, sort and paging over both kinds of record, so a conversation moved to
//! another mailbox is found by `?mailbox=` of the new one.
//!
//! Lists of tables nobody wrote to never come here ([`list`] answers None), so they stay as fast
//! as before. Threads, read per conversation, are in `thread_reads.rs`. This module owns no
//! write rules (those live in `write_*.rs`).

use std::collections::HashMap;

use axum::response::Response;
use serde_json::Value;

use super::{
    api_base, filters, hal, ids, index_of, page_of, sort, thread_reads, Data, Table,
    CONVERSATION_PAGE, CUSTOMER_BASE, MAILBOX_BASE, PAGE,
};
use crate::common::{ok, param, Params, Rejection, Service, SortKey};
use crate::data::parse_datetime;
use crate::writes::TableWrites;
use crate::Shared;

pub(super) const SVC: Service = Service::HelpScout;
pub(super) const CONVERSATIONS: &str = "conversations";
pub(super) const CUSTOMERS: &str = "customers";
pub(super) const THREADS: &str = "threads";
pub(super) const TAGS_TABLE: &str = "tags";

/// The writes to `table`, or None while nobody wrote to it.
pub(super) fn written(st: &Shared, table: &str) -> Option<TableWrites> {
    st.writes
        .with(SVC, table, |w| (!w.is_empty()).then(|| w.clone()))
}

fn table_name(t: Table) -> Option<&'static str> {
    match t {
        Table::Conversations => Some(CONVERSATIONS),
        Table::Customers => Some(CUSTOMERS),
        Table::Tags => Some(TAGS_TABLE),
        _ => None,
    }
}

/// Record `id` of `t` as it reads now, given the table's writes (the caller holds their lock).
pub(super) fn current(d: &Data, base: &str, t: Table, w: &TableWrites, id: u64) -> Option<Value> {
    if let Some(v) = w.created.iter().find(|r| r["id"].as_u64() == Some(id)) {
        return Some(v.clone());
    }
    let key = id.to_string();
    if w.deleted.contains(&key) {
        return None;
    }
    if let Some(v) = w.changed.get(&key) {
        return Some(v.clone());
    }
    let i = index_of(&key, t.id_base(), t.count(d))?;
    Some(t.render(d, base, i))
}

/// Record `id` of a writable table as it reads now; None when it does not exist (any more).
pub(super) fn record(st: &Shared, t: Table, id: &str) -> Option<Value> {
    let id: u64 = id.trim().parse().ok()?;
    let name = table_name(t)?;
    let base = api_base(st);
    st.writes
        .with(SVC, name, |w| current(&st.helpscout, &base, t, w, id))
}

/// Stores `rec` as the current form of record `id`: in place when it was created through the
/// API, else as a changed generated record.
pub(super) fn store(w: &mut TableWrites, id: u64, rec: Value) {
    let key = id.to_string();
    match w.created_mut("id", &key) {
        Some(slot) => *slot = rec,
        None => {
            w.changed.insert(key, rec);
        }
    }
}

/// One row of a table with writes: a generated record not written to (its index), or the
/// record as written.
#[derive(Clone, Copy)]
pub(super) enum Row<'a> {
    Gen(usize),
    Json(&'a Value),
}

impl Row<'_> {
    pub fn render(self, d: &Data, base: &str, t: Table) -> Value {
        match self {
            Row::Gen(i) => t.render(d, base, i),
            Row::Json(v) => v.clone(),
        }
    }

    pub fn id(self, t: Table) -> Option<u64> {
        match self {
            Row::Gen(i) => Some((t.id_base() + i) as u64),
            Row::Json(v) => v["id"].as_u64(),
        }
    }
}

/// Every record of `t` as a full scan reads it now: generated ones in id order (changed ones in
/// their changed form, deleted ones left out), then the created ones.
pub(super) fn rows<'a>(d: &Data, t: Table, w: &'a TableWrites) -> impl Iterator<Item = Row<'a>> {
    let index = |k: &str| k.parse::<usize>().ok()?.checked_sub(t.id_base());
    let mut touched: HashMap<usize, Option<&'a Value>> = HashMap::new();
    for (k, v) in &w.changed {
        if let Some(i) = index(k) {
            touched.insert(i, Some(v));
        }
    }
    for k in &w.deleted {
        if let Some(i) = index(k) {
            touched.insert(i, None);
        }
    }
    (0..t.count(d))
        .filter_map(move |i| match touched.get(&i) {
            Some(Some(v)) => Some(Row::Json(v)),
            Some(None) => None,
            None => Some(Row::Gen(i)),
        })
        .chain(w.created.iter().map(Row::Json))
}

/// Calls `f` with every record of `t` as a full scan reads it now (without writes: as generated).
pub(super) fn each_record(st: &Shared, t: Table, mut f: impl FnMut(Value)) {
    let d = &st.helpscout;
    let base = api_base(st);
    match table_name(t).and_then(|name| written(st, name)) {
        None => (0..t.count(d)).for_each(|i| f(t.render(d, &base, i))),
        Some(w) => rows(d, t, &w).for_each(|r| f(r.render(d, &base, t))),
    }
}

/// How many records of `t` a full scan reads now.
pub(super) fn count(st: &Shared, t: Table) -> usize {
    let n = t.count(&st.helpscout);
    match table_name(t) {
        Some(name) => st.writes.with(SVC, name, |w| {
            // `deleted` holds generated keys only: deleting a created record removes it.
            n - w.deleted.len() + w.created.len()
        }),
        None => n,
    }
}

type JsonFilter = Box<dyn Fn(&Value) -> bool>;

/// The list filters of `super::filters` applied to a record as written; the parameters were
/// validated there first.
fn json_filters(t: Table, p: &Params) -> Vec<JsonFilter> {
    let mut out: Vec<JsonFilter> = Vec::new();
    let text = |v: &Value, f: &str| v[f].as_str().map(str::to_owned);
    match t {
        Table::Conversations => {
            let statuses: &'static [&'static str] = match param(p, "status").unwrap_or("active") {
                "all" => &[],
                "open" => &["active", "pending"],
                "active" => &["active"],
                "closed" => &["closed"],
                "pending" => &["pending"],
                _ => &["spam"],
            };
            if !statuses.is_empty() {
                out.push(Box::new(move |v| {
                    statuses.contains(&v["status"].as_str().unwrap_or(""))
                }));
            }
            if let Some(m) = param(p, "mailbox") {
                let wanted: Vec<u64> = m.split(',').filter_map(|s| s.trim().parse().ok()).collect();
                out.push(Box::new(move |v| {
                    v["mailboxId"].as_u64().is_some_and(|m| wanted.contains(&m))
                }));
            }
            if let Some(tag) = param(p, "tag") {
                let wanted: Vec<String> = tag.split(',').map(|s| s.trim().to_owned()).collect();
                out.push(Box::new(move |v| {
                    v["tags"].as_array().is_some_and(|tags| {
                        tags.iter()
                            .any(|t| wanted.iter().any(|w| t["tag"].as_str() == Some(w)))
                    })
                }));
            }
            if let Some(a) = param(p, "assigned_to") {
                let user = a.trim().parse::<u64>().ok();
                out.push(Box::new(move |v| {
                    user.is_some() && v["assignee"]["id"].as_u64() == user
                }));
            }
            if let Some(nr) = param(p, "number") {
                let nr = nr.trim().parse::<u64>().ok();
                out.push(Box::new(move |v| {
                    nr.is_some() && v["number"].as_u64() == nr
                }));
            }
            if let Some(at) = param(p, "modifiedSince").and_then(parse_datetime) {
                out.push(Box::new(move |v| {
                    v["userUpdatedAt"]
                        .as_str()
                        .and_then(parse_datetime)
                        .is_some_and(|u| u > at)
                }));
            }
        }
        Table::Customers => {
            if let Some(f) = param(p, "firstName").map(str::to_owned) {
                out.push(Box::new(move |v| text(v, "firstName") == Some(f.clone())));
            }
            if let Some(l) = param(p, "lastName").map(str::to_owned) {
                out.push(Box::new(move |v| text(v, "lastName") == Some(l.clone())));
            }
        }
        _ => {}
    }
    out
}

/// Customers' `mailbox` filter (customers with a conversation in one of the mailboxes), when
/// conversations were written to: which mailboxes each customer has conversations in now.
struct MailboxFilter {
    wanted: u8,
    /// Customer id → bit k set for a conversation in mailbox k; None: as generated.
    masks: Option<HashMap<u64, u8>>,
}

impl MailboxFilter {
    fn new(d: &Data, m: &str, conversations: Option<&TableWrites>) -> Self {
        let wanted = ids(m, MAILBOX_BASE)
            .into_iter()
            .filter(|k| *k < 8)
            .fold(0u8, |acc, k| acc | 1 << k);
        let masks = conversations.map(|w| {
            let mut masks: HashMap<u64, u8> = HashMap::new();
            for r in rows(d, Table::Conversations, w) {
                let (customer, mailbox) = match r {
                    Row::Gen(i) => {
                        let c = d.conv(i);
                        (c.customer.map(|cu| (CUSTOMER_BASE + cu) as u64), c.mailbox)
                    }
                    Row::Json(v) => {
                        let mailbox = v["mailboxId"]
                            .as_u64()
                            .and_then(|m| m.checked_sub(MAILBOX_BASE as u64))
                            .unwrap_or(8);
                        (v["primaryCustomer"]["id"].as_u64(), mailbox as usize)
                    }
                };
                if let (Some(cu), true) = (customer, mailbox < 8) {
                    *masks.entry(cu).or_default() |= 1 << mailbox;
                }
            }
            masks
        });
        MailboxFilter { wanted, masks }
    }

    fn keeps(&self, d: &Data, id: Option<u64>) -> bool {
        let Some(id) = id else { return false };
        let mask = match &self.masks {
            Some(m) => m.get(&id).copied().unwrap_or(0),
            None => (id as usize)
                .checked_sub(CUSTOMER_BASE)
                .and_then(|c| d.customer_mailboxes.get(c).copied())
                .unwrap_or(0),
        };
        mask & self.wanted != 0
    }
}

/// A list of a writable table with its writes; None when nobody wrote to it (the caller's fast
/// path then answers).
pub(super) fn list(st: &Shared, t: Table, p: &Params) -> Option<Response> {
    let name = table_name(t)?;
    let w = written(st, name);
    if matches!(t, Table::Tags) {
        return w.map(|w| tags_list(st, &w, p));
    }
    let by_mailbox = matches!(t, Table::Customers) && param(p, "mailbox").is_some();
    let conversations = if by_mailbox {
        written(st, CONVERSATIONS)
    } else {
        None
    };
    if w.is_none() && conversations.is_none() {
        return None;
    }
    let w = w.unwrap_or_default();
    Some(list_written(st, t, p, &w, conversations.as_ref()).unwrap_or_else(|e| *e))
}

fn list_written(
    st: &Shared,
    t: Table,
    p: &Params,
    w: &TableWrites,
    conversations: Option<&TableWrites>,
) -> Result<Response, Rejection> {
    let d = &st.helpscout;
    // Customers' mailbox filter is applied here, from the conversations as they are now.
    let mut rest = p.clone();
    let mailbox = match t {
        Table::Customers => rest.remove("mailbox").filter(|m| !m.is_empty()),
        _ => None,
    };
    let index_filters = filters(d, t, &rest)?;
    let json_filters = json_filters(t, &rest);
    let by_mailbox = mailbox.map(|m| MailboxFilter::new(d, &m, conversations));
    let sort = sort::parse(t, p)?;
    let keep = |r: &Row| {
        let kept = match r {
            Row::Gen(i) => index_filters.iter().all(|f| f(*i)),
            Row::Json(v) => json_filters.iter().all(|f| f(v)),
        };
        kept && by_mailbox.as_ref().is_none_or(|m| m.keeps(d, r.id(t)))
    };
    let size = if matches!(t, Table::Conversations) {
        CONVERSATION_PAGE
    } else {
        PAGE
    };
    let page = page_of(p);
    let offset = (page - 1).saturating_mul(size);
    let kept = rows(d, t, w).filter(|r| keep(r));
    let (chosen, total): (Vec<Row>, usize) = match sort {
        None => {
            let mut chosen = Vec::new();
            let mut total = 0;
            for r in kept {
                if total >= offset && chosen.len() < size {
                    chosen.push(r);
                }
                total += 1;
            }
            (chosen, total)
        }
        Some((field, desc)) => {
            let mut keyed: Vec<(SortKey, usize, Row)> = kept
                .enumerate()
                .map(|(n, r)| {
                    let key = match r {
                        Row::Gen(i) => sort::index_key(d, t, &field, i),
                        Row::Json(v) => sort::json_key(t, &field, v),
                    };
                    (key, n, r)
                })
                .collect();
            keyed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
            if desc {
                keyed.reverse();
            }
            let total = keyed.len();
            let chosen = keyed
                .into_iter()
                .skip(offset)
                .take(size)
                .map(|k| k.2)
                .collect();
            (chosen, total)
        }
    };
    let base = api_base(st);
    let mut items: Vec<Value> = chosen.into_iter().map(|r| r.render(d, &base, t)).collect();
    if matches!(t, Table::Conversations) && thread_reads::embeds_threads(p) {
        items
            .iter_mut()
            .for_each(|c| thread_reads::embed_threads(st, c));
    }
    Ok(ok(hal(
        &base,
        &format!("/{}", t.name()),
        t.name(),
        items,
        page,
        size,
        total,
    )))
}

fn tags_list(st: &Shared, w: &TableWrites, p: &Params) -> Response {
    let d = &st.helpscout;
    let base = api_base(st);
    let page = page_of(p);
    let all: Vec<Row> = rows(d, Table::Tags, w).collect();
    let items = all
        .iter()
        .skip((page - 1).saturating_mul(PAGE))
        .take(PAGE)
        .map(|r| r.render(d, &base, Table::Tags))
        .collect();
    ok(hal(&base, "/tags", "tags", items, page, PAGE, all.len()))
}
