//! Pipedrive leads (API v1): `GET /leads` (offset pages, oldest first; exact `owner_id`,
//! `person_id`, `organization_id`; `updated_since`, on or after; `sort`), `GET /leads/{id}`, and
//! the archived ones, `GET /leads/archived` (the same but for `updated_since`, which it does not
//! document). Leads have UUID ids, ISO 8601 times (`…Z`, unlike other v1 tables), a `value`
//! object, label ids, and the deal custom fields at the top level — absent, not null, when unset,
//! as Pipedrive sends them. Leads clients wrote (`lead_writes`) are listed and read here too, in
//! the list their `is_archived` puts them in.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::catalogs::{lead_label_id, LEAD_LABELS, LEAD_SOURCES};
use super::overlay::{self, Row};
use super::{
    error, fields, int_filter, since_filter, v1_page, v1_sort, Data, Entity, CC_EMAIL, USERS,
};
use crate::common::{ok, params, Rejection, SortKey};
use crate::data::{fmt_date, fmt_iso};
use crate::writes::TableWrites;
use crate::{AppState, Shared};

const LEAD: u64 = 0x16;
/// Lead custom values are drawn apart from the deals' own.
const VALUES_APART: usize = 1 << 30;
/// The fields `sort` takes.
const SORTABLE: &[&str] = &[
    "id",
    "title",
    "owner_id",
    "creator_id",
    "was_seen",
    "expected_close_date",
    "next_activity_id",
    "add_time",
    "update_time",
];

/// Which of the two lists: the leads, or the archived ones.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Leads,
    Archived,
}

struct Lead {
    owner: usize,
    person: Option<usize>,
    org: Option<usize>,
    add: i64,
    upd: i64,
}

impl Data {
    pub(super) fn lead_count(&self) -> usize {
        self.n / 2
    }

    /// Archived leads follow the others: indexes `lead_count()..` of the same generator.
    pub(super) fn archived_lead_count(&self) -> usize {
        self.n / 10
    }

    /// The indexes of a list's leads, oldest first, as Pipedrive lists them.
    fn leads_in_order(&self, list: List) -> Vec<usize> {
        let (from, count) = match list {
            List::Leads => (0, self.lead_count()),
            List::Archived => (self.lead_count(), self.archived_lead_count()),
        };
        let mut rows: Vec<(i64, usize)> = (from..from + count)
            .map(|i| (self.g.time(LEAD, i, 1), i))
            .collect();
        rows.sort();
        rows.into_iter().map(|(_, i)| i).collect()
    }

    fn lead(&self, i: usize) -> Lead {
        let g = &self.g;
        let add = g.time(LEAD, i, 1);
        let person =
            (!g.chance(LEAD, i, 2, 25)).then(|| g.range(LEAD, i, 3, 0, self.n as u64 - 1) as usize);
        Lead {
            owner: g.range(LEAD, i, 4, 0, USERS as u64 - 1) as usize,
            person,
            org: match person {
                Some(p) => self.person(p).org,
                None => Some(g.range(LEAD, i, 5, 0, self.n as u64 - 1) as usize),
            },
            add,
            upd: add + g.range(LEAD, i, 6, 0, 30 * 86_400) as i64,
        }
    }

    pub(super) fn lead_id(&self, i: usize) -> String {
        let h = self.g.hex(LEAD, i, 7, 32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    pub(super) fn lead_json(&self, i: usize) -> Value {
        let l = self.lead(i);
        let g = &self.g;
        let labels: Vec<String> = (0..LEAD_LABELS.len())
            .filter(|k| g.chance(LEAD, i, 10 + *k as u64, 30))
            .map(lead_label_id)
            .collect();
        let name = match (l.person, l.org) {
            (Some(p), _) => self.person(p).name(),
            (None, Some(o)) => self.org(o).name,
            (None, None) => "Unknown".into(),
        };
        let mut record = json!({
            "id": self.lead_id(i),
            "title": format!("{name} lead"),
            "owner_id": l.owner + 1,
            "creator_id": l.owner + 1,
            "label_ids": labels,
            "person_id": l.person.map(|p| p + 1),
            "organization_id": l.org.map(|o| o + 1),
            "source_name": g.pick(LEAD, i, 8, LEAD_SOURCES),
            "origin": "ManuallyCreated",
            "origin_id": null,
            "channel": null,
            "channel_id": null,
            "is_archived": i >= self.lead_count(),
            "was_seen": g.chance(LEAD, i, 9, 60),
            "value": (!g.chance(LEAD, i, 14, 30)).then(|| json!({
                "amount": g.range(LEAD, i, 15, 100, 90_000) as f64,
                "currency": if g.chance(LEAD, i, 16, 50) { "EUR" } else { "USD" },
            })),
            "expected_close_date": g.chance(LEAD, i, 17, 50).then(|| fmt_date(l.upd + 45 * 86_400)),
            "next_activity_id": null,
            "add_time": fmt_iso(l.add),
            "update_time": fmt_iso(l.upd),
            "visible_to": "3",
            "cc_email": CC_EMAIL,
        });
        let custom = fields::values(
            g,
            Entity::Deal,
            self.fields_of(Entity::Deal),
            VALUES_APART + i,
            USERS,
            self.n,
        );
        if let Value::Object(map) = &mut record {
            map.extend(custom.into_iter().filter(|(_, v)| !v.is_null()));
        }
        record
    }

    fn lead_index(&self, id: &str) -> Option<usize> {
        (0..self.lead_count()).find(|i| self.lead_id(*i) == id)
    }
}

/// The generator index of lead `id`, archived or not.
pub(super) fn index_of(d: &Data, id: &str) -> Option<usize> {
    (0..d.lead_count() + d.archived_lead_count()).find(|i| d.lead_id(*i) == id)
}

/// A lead's value of a field `sort` names.
fn sort_key(d: &Data, i: usize, field: &str) -> SortKey {
    value_key(&d.lead_json(i)[field])
}

fn value_key(v: &Value) -> SortKey {
    match v {
        Value::Number(n) => SortKey::Number(n.as_i64().unwrap_or_default()),
        Value::Bool(b) => SortKey::Number(i64::from(*b)),
        Value::String(s) => SortKey::Text(s.clone()),
        _ => SortKey::Empty,
    }
}

fn list(st: &Shared, uri: &Uri, which: List) -> axum::response::Response {
    let d = &st.pipedrive;
    let p = params(uri);
    let read = || -> Result<_, Rejection> {
        Ok((
            int_filter(&p, "owner_id")?,
            int_filter(&p, "person_id")?,
            int_filter(&p, "organization_id")?,
            // The archived list does not document `updated_since`: ignored there.
            match which {
                List::Leads => since_filter(&p)?,
                List::Archived => None,
            },
            v1_sort::request(&p, SORTABLE)?,
        ))
    };
    let (owner, person, org, since, sort) = match read() {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let id = |x: Option<usize>| x.map(|v| v as u64 + 1);
    let keep = |i: usize| {
        let l = d.lead(i);
        owner.is_none_or(|u| u == l.owner as u64 + 1)
            && person.is_none_or(|v| id(l.person) == Some(v))
            && org.is_none_or(|v| id(l.org) == Some(v))
            && since.is_none_or(|s| l.upd >= s)
    };
    if let Some(w) = overlay::writes(st, "leads") {
        let keep_rec = |v: &Value| {
            let is = |field: &str, want: Option<u64>| {
                want.is_none_or(|w| overlay::int(v, field) == Some(w))
            };
            is("owner_id", owner)
                && is("person_id", person)
                && is("organization_id", org)
                && since.is_none_or(|s| overlay::time(v, "update_time").is_some_and(|t| t >= s))
        };
        let rows = written_rows(d, &w, which, keep, keep_rec);
        let order = v1_sort::order((0..rows.len()).collect(), &sort, |k, f| match &rows[k] {
            Row::Gen(i) => sort_key(d, *i, f),
            Row::Rec(v) => value_key(&v[f]),
        });
        return v1_page(order.len(), None, &p, |k| render(d, &rows[order[k]]));
    }
    let rows: Vec<usize> = d
        .leads_in_order(which)
        .into_iter()
        .filter(|i| keep(*i))
        .collect();
    let rows = v1_sort::order(rows, &sort, |i, f| sort_key(d, i, f));
    v1_page(rows.len(), None, &p, |k| d.lead_json(rows[k]))
}

/// The leads of list `which` with what clients wrote, oldest first: generated ones nobody
/// changed that `keep` keeps, and written ones (archived or not, as the list) `keep_rec` keeps.
fn written_rows(
    d: &Data,
    w: &TableWrites,
    which: List,
    keep: impl Fn(usize) -> bool,
    keep_rec: impl Fn(&Value) -> bool,
) -> Vec<Row> {
    let archived = which == List::Archived;
    let mut rows: Vec<((i64, usize), Row)> = d
        .leads_in_order(which)
        .into_iter()
        .filter(|i| {
            let key = d.lead_id(*i);
            !w.deleted.contains(&key) && !w.changed.contains_key(&key) && keep(*i)
        })
        .map(|i| ((d.lead(i).add, i), Row::Gen(i)))
        .collect();
    let written = w.changed.values().chain(&w.created);
    for v in written.filter(|v| v["is_archived"].as_bool() == Some(archived) && keep_rec(v)) {
        // A changed lead keeps its place; a created one comes after every generated one.
        let index = v["id"]
            .as_str()
            .and_then(|id| index_of(d, id))
            .unwrap_or(usize::MAX);
        let added = overlay::time(v, "add_time").unwrap_or(i64::MAX);
        rows.push(((added, index), Row::Rec(v.clone())));
    }
    rows.sort_by_key(|(k, _)| *k);
    rows.into_iter().map(|(_, r)| r).collect()
}

fn render(d: &Data, row: &Row) -> Value {
    match row {
        Row::Gen(i) => d.lead_json(*i),
        Row::Rec(v) => v.clone(),
    }
}

/// `leads` or `archived_leads`: every record, in list order, with what clients wrote.
pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.pipedrive;
    let which = match name {
        "leads" => List::Leads,
        "archived_leads" => List::Archived,
        _ => return None,
    };
    if let Some(w) = overlay::writes(st, "leads") {
        let rows = written_rows(d, &w, which, |_| true, |_| true);
        return Some(rows.iter().map(|r| render(d, r)).collect());
    }
    Some(
        d.leads_in_order(which)
            .into_iter()
            .map(|i| d.lead_json(i))
            .collect(),
    )
}

pub const TABLES: &[&str] = &["leads", "archived_leads"];

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/leads",
        get(|State(st): State<AppState>, uri: Uri| async move { list(&st, &uri, List::Leads) }),
    )
    .route(
        "/leads/archived",
        get(|State(st): State<AppState>, uri: Uri| async move { list(&st, &uri, List::Archived) }),
    )
    .route(
        "/leads/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                let found = match overlay::writes(&st, "leads") {
                    Some(_) => overlay::record(&st, "leads", &id),
                    None => st
                        .pipedrive
                        .lead_index(&id)
                        .map(|i| st.pipedrive.lead_json(i)),
                };
                match found {
                    Some(lead) => ok(json!({ "success": true, "data": lead })),
                    // Pipedrive answers an unknown or malformed lead id with 404 (400 for not a UUID).
                    None => error(StatusCode::NOT_FOUND, "Lead not found"),
                }
            },
        ),
    )
}
