//! Pipedrive notes (API v1): `GET /notes` (offset pages; exact `user_id`, `deal_id`, `person_id`,
//! `org_id`; `updated_since`, RFC 3339, on or after; `sort`) and `GET /notes/{id}`. One note per person
//! of the generated data, attached to the person and, for some, their deal or organization;
//! content is HTML, times `YYYY-MM-DD HH:MM:SS` UTC. Notes clients wrote (`note_writes`) are
//! listed and read here too, filtered and sorted alike.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::overlay::{self, Row};
use super::{error, int_filter, since_filter, v1_page, v1_sort, Data, CC_EMAIL, USERS};
use crate::common::{id_of, ok, params, Rejection, SortKey};
use crate::data::fmt_space;
use crate::{AppState, Shared};

const NOTE: u64 = 0x15;
/// The fields `sort` takes.
const SORTABLE: &[&str] = &[
    "id",
    "user_id",
    "deal_id",
    "person_id",
    "org_id",
    "content",
    "add_time",
    "update_time",
];

struct Note {
    user: usize,
    person: Option<usize>,
    deal: Option<usize>,
    org: Option<usize>,
    add: i64,
    upd: i64,
}

impl Data {
    fn note(&self, i: usize) -> Note {
        let g = &self.g;
        let add = g.time(NOTE, i, 1);
        let person = (!g.chance(NOTE, i, 2, 20)).then_some(i);
        Note {
            user: g.range(NOTE, i, 3, 0, USERS as u64 - 1) as usize,
            person,
            deal: g.chance(NOTE, i, 4, 40).then_some(i),
            org: person.and_then(|p| self.person(p).org),
            add,
            upd: add + g.range(NOTE, i, 5, 0, 60 * 86_400) as i64,
        }
    }

    pub(super) fn note_json(&self, i: usize) -> Value {
        let n = self.note(i);
        let topic = self.g.pick(
            NOTE,
            i,
            6,
            &["pricing", "the demo", "renewal", "onboarding"],
        );
        json!({
            "id": i + 1,
            "user_id": n.user + 1,
            "deal_id": n.deal.map(|d| d + 1),
            "person_id": n.person.map(|p| p + 1),
            "org_id": n.org.map(|o| o + 1),
            "lead_id": null,
            "project_id": null,
            "content": format!("<p>Talked about {topic}.</p><p>Next step: follow up in {} days.</p>", 1 + i % 14),
            "add_time": fmt_space(n.add),
            "update_time": fmt_space(n.upd),
            "active_flag": true,
            "pinned_to_deal_flag": n.deal.is_some() && i.is_multiple_of(5),
            "pinned_to_person_flag": false,
            "pinned_to_organization_flag": false,
            "pinned_to_project_flag": false,
            "last_update_user_id": n.user + 1,
            "organization": n.org.map(|o| json!({ "name": self.org(o).name })),
            "person": n.person.map(|p| json!({ "name": self.person(p).name() })),
            "deal": n.deal.map(|d| json!({ "title": self.deal(d).title })),
            "user": {
                "email": self.user_email(n.user), "name": self.user_name(n.user),
                "icon_url": null, "is_you": n.user == 0,
            },
            "cc_email": CC_EMAIL,
        })
    }
}

fn list(st: &Shared, uri: &Uri) -> axum::response::Response {
    let d = &st.pipedrive;
    let p = params(uri);
    let read = || -> Result<_, Rejection> {
        Ok((
            int_filter(&p, "user_id")?,
            int_filter(&p, "deal_id")?,
            int_filter(&p, "person_id")?,
            int_filter(&p, "org_id")?,
            since_filter(&p)?,
            v1_sort::request(&p, SORTABLE)?,
        ))
    };
    let (user, deal, person, org, since, sort) = match read() {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let id = |x: Option<usize>| x.map(|v| v as u64 + 1);
    let keep = |i: usize| {
        let n = d.note(i);
        user.is_none_or(|u| u == n.user as u64 + 1)
            && deal.is_none_or(|v| id(n.deal) == Some(v))
            && person.is_none_or(|v| id(n.person) == Some(v))
            && org.is_none_or(|v| id(n.org) == Some(v))
            && since.is_none_or(|s| n.upd >= s)
    };
    if let Some(w) = overlay::writes(st, "notes") {
        let keep_rec = |v: &Value| {
            let is = |field: &str, want: Option<u64>| {
                want.is_none_or(|w| overlay::int(v, field) == Some(w))
            };
            is("user_id", user)
                && is("deal_id", deal)
                && is("person_id", person)
                && is("org_id", org)
                && since.is_none_or(|s| overlay::time(v, "update_time").is_some_and(|t| t >= s))
        };
        let mut rows = overlay::merge(d.n, |i| (i + 1).to_string(), &w, keep, keep_rec);
        overlay::by_id(&mut rows, |i| i as u64 + 1);
        let order = v1_sort::order((0..rows.len()).collect(), &sort, |k, f| match &rows[k] {
            Row::Gen(i) => sort_key(d, *i, f),
            Row::Rec(v) => value_key(&v[f]),
        });
        return v1_page(order.len(), None, &p, |k| render(d, &rows[order[k]]));
    }
    let filtered =
        user.is_some() || deal.is_some() || person.is_some() || org.is_some() || since.is_some();
    if !sort.is_empty() {
        let rows = (0..d.n).filter(|i| keep(*i)).collect();
        let rows = v1_sort::order(rows, &sort, |i, f| sort_key(d, i, f));
        return v1_page(rows.len(), None, &p, |k| d.note_json(rows[k]));
    }
    v1_page(
        d.n,
        filtered.then_some(&keep as &dyn Fn(usize) -> bool),
        &p,
        |i| d.note_json(i),
    )
}

/// A note's value of a field `sort` names; times `YYYY-MM-DD HH:MM:SS` sort as text.
fn sort_key(d: &Data, i: usize, field: &str) -> SortKey {
    value_key(&d.note_json(i)[field])
}

fn value_key(v: &Value) -> SortKey {
    match v {
        Value::Number(n) => SortKey::Number(n.as_i64().unwrap_or_default()),
        Value::String(s) => SortKey::Text(s.clone()),
        _ => SortKey::Empty,
    }
}

fn render(d: &Data, row: &Row) -> Value {
    match row {
        Row::Gen(i) => d.note_json(*i),
        Row::Rec(v) => v.clone(),
    }
}

/// Every note, with what clients wrote.
pub fn table_data(st: &Shared) -> Vec<Value> {
    let d = &st.pipedrive;
    match overlay::writes(st, "notes") {
        Some(w) => {
            let mut rows = overlay::merge(d.n, |i| (i + 1).to_string(), &w, |_| true, |_| true);
            overlay::by_id(&mut rows, |i| i as u64 + 1);
            rows.iter().map(|r| render(d, r)).collect()
        }
        None => (0..d.n).map(|i| d.note_json(i)).collect(),
    }
}

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/notes",
        get(|State(st): State<AppState>, uri: Uri| async move { list(&st, &uri) }),
    )
    .route(
        "/notes/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                let found = match overlay::writes(&st, "notes") {
                    Some(_) => overlay::record(&st, "notes", &id),
                    None => id_of(&id, st.pipedrive.n).map(|i| st.pipedrive.note_json(i)),
                };
                match found {
                    Some(note) => ok(json!({ "success": true, "data": note })),
                    None => error(StatusCode::NOT_FOUND, "Note not found"),
                }
            },
        ),
    )
}
