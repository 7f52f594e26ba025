//! Talkdesk's Outbound Dialer lists, as docs/reference/coverage/talkdesk.md records them:
//! `GET /record-lists` (`_embedded.record_lists[]`), `GET /record-lists/{id}/records`
//! (`_embedded.records[]`), `GET /do-not-call-lists` (`_embedded.do_not_call_lists[]`) and
//! `GET /do-not-call-lists/{id}/entries` (`_embedded.entries[]`), all HAL pages; a missing list
//! answers 404. A fixed handful of lists; the generated records and entries are spread over them.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::ring_groups::page;
use super::{api_base, error, Data, TEAMS};
use crate::common::ok;
use crate::data::{self, fmt_iso, FIRST_NAMES, LAST_NAMES};
use crate::{AppState, Shared};

const RECORD_LIST: u64 = 0x58;
const RECORD: u64 = 0x59;
const DNC_LIST: u64 = 0x5A;
const DNC_ENTRY: u64 = 0x5B;

pub const RECORD_LISTS: &[&str] = &[
    "Spring campaign",
    "Renewals 2026",
    "Webinar leads",
    "Win-back",
];
pub const DNC_LISTS: &[&str] = &["Company-wide", "Portugal opt-outs", "Legal holds"];
const STATUSES: &[&str] = &["ACCEPTED", "UPLOADED", "VALIDATION_STARTED", "INCOMPLETE"];
const PHONE_TYPES: &[&str] = &["MOBILE", "HOME", "OFFICE", "EXTRA_1"];
const ZONES: &[&str] = &["Europe/Lisbon", "America/New_York", "America/Los_Angeles"];

impl Data {
    /// The record list of record `r`.
    fn record_list_of(&self, r: usize) -> usize {
        self.g.range(RECORD, r, 1, 0, RECORD_LISTS.len() as u64 - 1) as usize
    }

    /// The records of list `k`, in record order.
    fn records_of(&self, k: usize) -> Vec<usize> {
        (0..self.n)
            .filter(|r| self.record_list_of(*r) == k)
            .collect()
    }

    /// Do-not-call entries: half as many as records, each in one list.
    fn dnc_entries(&self) -> usize {
        self.n.div_ceil(2)
    }

    fn dnc_entries_of(&self, k: usize) -> Vec<usize> {
        (0..self.dnc_entries())
            .filter(|e| {
                self.g
                    .range(DNC_ENTRY, *e, 1, 0, DNC_LISTS.len() as u64 - 1) as usize
                    == k
            })
            .collect()
    }

    /// The teams with access to list `k` of `table`. Talkdesk's entries also carry `_links`;
    /// left out here, because a link holds the sandbox's address and the teams column would then
    /// differ between two sandboxes.
    fn teams_json(&self, table: u64, k: usize) -> Value {
        let teams: Vec<Value> = TEAMS
            .iter()
            .enumerate()
            .filter(|(t, _)| self.g.chance(table, k, 10 + *t as u64, 50))
            .map(|(t, name)| json!({ "id": format!("team-{:04x}", 0x7e00 + t), "name": name }))
            .collect();
        json!(teams)
    }

    fn record_list_json(&self, base: &str, k: usize) -> Value {
        let g = &self.g;
        let id = self.id(RECORD_LIST, k);
        let created = g.time(RECORD_LIST, k, 1);
        json!({
            "id": id,
            "name": RECORD_LISTS[k],
            "unique_identifier_type": g.pick(RECORD_LIST, k, 2, &["PHONE_NUMBER", "EXTERNAL", "NOTHING"]),
            "created_at": fmt_iso(created),
            "updated_at": fmt_iso(created + g.range(RECORD_LIST, k, 3, 0, 90 * 86_400) as i64),
            "status": g.pick(RECORD_LIST, k, 4, STATUSES),
            "records_count": self.records_of(k).len(),
            "teams": self.teams_json(RECORD_LIST, k),
            "_links": { "self": { "href": format!("{base}/record-lists/{id}") } },
        })
    }

    fn record_json(&self, r: usize) -> Value {
        let g = &self.g;
        let t = RECORD;
        let phones: Vec<Value> = (0..g.range(t, r, 2, 1, 2) as usize)
            .map(|k| json!({ "phone_number": data::phone(g, t, r, k), "phone_type": g.pick(t, r, 3 + k as u64, PHONE_TYPES) }))
            .collect();
        let external = g.chance(t, r, 6, 40);
        let external_id = g.hex(t, r, 7, 12);
        json!({
            "id": self.id(RECORD, r),
            "record_list_id": self.id(RECORD_LIST, self.record_list_of(r)),
            "phone_numbers": phones,
            "first_name": g.pick(t, r, 8, FIRST_NAMES),
            "last_name": g.pick(t, r, 9, LAST_NAMES),
            "timezone": g.pick(t, r, 10, ZONES),
            "priority": g.range(t, r, 11, 1, 10),
            "external_provider": external.then_some("salesforce"),
            "external_id": external.then(|| external_id.clone()),
            "external_url": external.then(|| format!("https://crm.sandbox.invalid/lead/{external_id}")),
            "extra_data": if g.chance(t, r, 12, 30) { json!({ "segment": g.pick(t, r, 13, &["gold", "silver"]) }) } else { json!({}) },
        })
    }

    fn dnc_list_json(&self, base: &str, k: usize) -> Value {
        let g = &self.g;
        let id = self.id(DNC_LIST, k);
        let created = g.time(DNC_LIST, k, 1);
        json!({
            "id": id,
            "name": DNC_LISTS[k],
            "created_at": fmt_iso(created),
            "updated_at": fmt_iso(created + g.range(DNC_LIST, k, 3, 0, 90 * 86_400) as i64),
            "status": g.pick(DNC_LIST, k, 4, STATUSES),
            "entries_count": self.dnc_entries_of(k).len(),
            "teams": self.teams_json(DNC_LIST, k),
            "_links": { "self": { "href": format!("{base}/do-not-call-lists/{id}") } },
        })
    }

    fn dnc_entry_json(&self, e: usize) -> Value {
        let g = &self.g;
        let t = DNC_ENTRY;
        let list = g.range(t, e, 1, 0, DNC_LISTS.len() as u64 - 1) as usize;
        let created = g.time(t, e, 2);
        json!({
            "id": self.id(t, e),
            "do_not_call_list_id": self.id(DNC_LIST, list),
            "phone_number": data::phone(g, t, e, 0),
            "reason": g.pick(t, e, 3, &["Customer request", "Legal", "Wrong number"]),
            "expiration_date": g.chance(t, e, 4, 40).then(|| fmt_iso(created + 365 * 86_400)),
            "created_at": fmt_iso(created),
        })
    }
}

fn embed(mut body: Value, name: &str) -> Response {
    body["_embedded"] = json!({ name: body["items"].take() });
    body.as_object_mut().map(|b| b.remove("items"));
    ok(body)
}

fn not_found(what: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "0370404",
        "Not Found",
        &format!("{what} not found"),
    )
}

fn record_lists(st: &Shared, uri: &Uri) -> Response {
    let (d, base) = (&st.talkdesk, api_base(st));
    let body = page(st, "/record-lists", uri, RECORD_LISTS.len(), |k| {
        d.record_list_json(&base, k)
    });
    embed(body, "record_lists")
}

fn records(st: &Shared, id: &str, uri: &Uri) -> Response {
    let d = &st.talkdesk;
    let Some(k) = d.index_of(RECORD_LIST, id, RECORD_LISTS.len()) else {
        return not_found("record list");
    };
    let rows = d.records_of(k);
    let path = format!("/record-lists/{id}/records");
    embed(
        page(st, &path, uri, rows.len(), |i| d.record_json(rows[i])),
        "records",
    )
}

fn dnc_lists(st: &Shared, uri: &Uri) -> Response {
    let (d, base) = (&st.talkdesk, api_base(st));
    let body = page(st, "/do-not-call-lists", uri, DNC_LISTS.len(), |k| {
        d.dnc_list_json(&base, k)
    });
    embed(body, "do_not_call_lists")
}

fn dnc_entries(st: &Shared, id: &str, uri: &Uri) -> Response {
    let d = &st.talkdesk;
    let Some(k) = d.index_of(DNC_LIST, id, DNC_LISTS.len()) else {
        return not_found("do not call list");
    };
    let rows = d.dnc_entries_of(k);
    let path = format!("/do-not-call-lists/{id}/entries");
    embed(
        page(st, &path, uri, rows.len(), |i| d.dnc_entry_json(rows[i])),
        "entries",
    )
}

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/record-lists",
        get(|State(st): State<AppState>, uri: Uri| async move { record_lists(&st, &uri) }),
    )
    .route(
        "/record-lists/{id}/records",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                records(&st, &id, &uri)
            },
        ),
    )
    .route(
        "/do-not-call-lists",
        get(|State(st): State<AppState>, uri: Uri| async move { dnc_lists(&st, &uri) }),
    )
    .route(
        "/do-not-call-lists/{id}/entries",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                dnc_entries(&st, &id, &uri)
            },
        ),
    )
}

/// (table, rows, parent) for the manifest.
pub fn manifest_tables(d: &Data) -> Vec<(&'static str, usize, Option<&'static str>)> {
    vec![
        ("record_lists", RECORD_LISTS.len(), None),
        ("record_list_records", d.n, Some("record_lists")),
        ("do_not_call_lists", DNC_LISTS.len(), None),
        (
            "do_not_call_entries",
            d.dnc_entries(),
            Some("do_not_call_lists"),
        ),
    ]
}

/// A full scan's rows, as the API sends them.
pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let (d, base) = (&st.talkdesk, api_base(st));
    Some(match name {
        "record_lists" => (0..RECORD_LISTS.len())
            .map(|k| d.record_list_json(&base, k))
            .collect(),
        "record_list_records" => (0..RECORD_LISTS.len())
            .flat_map(|k| d.records_of(k))
            .map(|r| d.record_json(r))
            .collect(),
        "do_not_call_lists" => (0..DNC_LISTS.len())
            .map(|k| d.dnc_list_json(&base, k))
            .collect(),
        "do_not_call_entries" => (0..DNC_LISTS.len())
            .flat_map(|k| d.dnc_entries_of(k))
            .map(|e| d.dnc_entry_json(e))
            .collect(),
        _ => return None,
    })
}
