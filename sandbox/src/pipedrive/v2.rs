//! Pipedrive API v2 for the resources Pipedrive moved there from v1: persons, organizations,
//! deals, activities, pipelines and stages (`/api/v2/<resource>` and `/{id}`), and the archived
//! deals, `/api/v2/deals/archived` (the deals list's filters and sorting; no `/{id}` of their own). The same generated
//! records as v1 in v2's shape: ids instead of expanded owner/person/organization objects, RFC
//! 3339 times, `is_deleted` instead of `active_flag`, integer `visible_to`, `label_ids`, custom
//! fields in a `custom_fields` object, counts only when `include_fields` names them. Cursor pages;
//! `ids` (up to 100), the exact quick filters each resource documents, `updated_since` (at or
//! after) and `updated_until` (before), `sort_by`/`sort_direction`. Once clients wrote to a
//! resource, `v2_written` serves its lists and reads with the same filters; without writes
//! nothing here changes.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{
    cursor_start, error, int_filter, v2_written, Data, Entity, DEAL, LOST_REASONS, PIPELINES,
    PIPELINE_NAMES, STAGES, STAGES_PER_PIPELINE, STAGE_NAMES, STAGE_PROBABILITY,
};
use crate::common::{num, ok, param, params, sorted_rows, Params, Rejection};
use crate::data::{self, fmt_date, fmt_iso};
use crate::pipedrive_fields as fields;
use crate::{AppState, Shared};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Persons,
    Organizations,
    Deals,
    Activities,
    Pipelines,
    Stages,
    /// Deals archived: generator indexes `n..n + n/10`, listed apart from the deals.
    ArchivedDeals,
}

impl Resource {
    const ALL: [(&'static str, Resource); 6] = [
        ("/persons", Resource::Persons),
        ("/organizations", Resource::Organizations),
        ("/deals", Resource::Deals),
        ("/activities", Resource::Activities),
        ("/pipelines", Resource::Pipelines),
        ("/stages", Resource::Stages),
    ];

    /// The table whose writes this list shows (both deal lists show the deals'), if any.
    pub(super) fn table(self) -> Option<&'static str> {
        match self {
            Resource::Persons => Some("persons"),
            Resource::Organizations => Some("organizations"),
            Resource::Deals | Resource::ArchivedDeals => Some("deals"),
            Resource::Activities => Some("activities"),
            Resource::Pipelines | Resource::Stages => None,
        }
    }

    pub(super) fn count(self, d: &Data) -> usize {
        match self {
            Resource::Pipelines => PIPELINES,
            Resource::Stages => STAGES,
            Resource::ArchivedDeals => d.archived_deal_count(),
            _ => d.n,
        }
    }

    /// The resource whose generator makes row `i` of this list, and the index it has there.
    pub(super) fn source(self, d: &Data, i: usize) -> (Resource, usize) {
        match self {
            Resource::ArchivedDeals => (Resource::Deals, d.n + i),
            r => (r, i),
        }
    }

    /// The `include_fields` values it honours, each an extra member of the record.
    pub(super) fn optional(self) -> &'static [&'static str] {
        match self {
            Resource::Persons => &["open_deals_count", "closed_deals_count"],
            Resource::Organizations => &["open_deals_count", "people_count"],
            _ => &[],
        }
    }

    pub(super) fn sortable(self) -> &'static [&'static str] {
        match self {
            Resource::Activities => &["id", "update_time", "add_time", "due_date"],
            Resource::Stages => &["id", "update_time", "add_time", "order_nr"],
            _ => &["id", "update_time", "add_time"],
        }
    }

    pub(super) fn not_found(self) -> &'static str {
        match self {
            Resource::Persons => "Person not found",
            Resource::Organizations => "Organization not found",
            Resource::Deals => "Deal not found",
            Resource::Activities => "Activity not found",
            Resource::Pipelines => "Pipeline not found",
            Resource::Stages => "Stage not found",
            Resource::ArchivedDeals => "Deal not found",
        }
    }
}

impl Data {
    pub(super) fn archived_deal_count(&self) -> usize {
        self.n / 10
    }

    fn custom_v2(&self, e: Entity, i: usize) -> Value {
        Value::Object(fields::values_v2(
            self.fields_of(e),
            &self.custom_values(e, i),
        ))
    }

    /// A person's addresses or numbers as v2 lists them: no blank entry for none.
    fn contacts_v2(&self, i: usize, count: usize, kind: u64) -> Value {
        if count == 0 {
            return json!([]);
        }
        let p = self.person(i);
        self.contact_list(i, count, kind, &p)
    }

    pub(super) fn person_v2(&self, i: usize, include: &[&str]) -> Value {
        let p = self.person(i);
        let mut r = json!({
            "id": i + 1,
            "name": p.name(),
            "first_name": p.first,
            "last_name": p.last,
            "owner_id": p.owner + 1,
            "org_id": p.org.map(|o| o + 1),
            "picture_id": null,
            "add_time": fmt_iso(p.add),
            "update_time": fmt_iso(p.upd),
            "is_deleted": false,
            "visible_to": 3,
            "label_ids": p.label.map_or_else(Vec::new, |l| vec![l]),
            "emails": self.contacts_v2(i, p.emails, 0),
            "phones": self.contacts_v2(i, p.phones, 1),
            "custom_fields": self.custom_v2(Entity::Person, i),
        });
        for f in include {
            r[*f] = match *f {
                "open_deals_count" => json!(self.open_deals[i]),
                "closed_deals_count" => json!(self.closed_deals[i]),
                _ => continue,
            };
        }
        r
    }

    pub(super) fn org_v2(&self, i: usize, include: &[&str]) -> Value {
        let o = self.org(i);
        let mut r = json!({
            "id": i + 1,
            "name": o.name,
            "owner_id": o.owner + 1,
            "picture_id": null,
            "add_time": fmt_iso(o.add),
            "update_time": fmt_iso(o.upd),
            "is_deleted": false,
            "visible_to": 3,
            "label_ids": [],
            "address": o.address.map(|a| json!({
                "value": a, "street_number": null, "route": null, "sublocality": null,
                "locality": null, "admin_area_level_1": null, "admin_area_level_2": null,
                "country": null, "postal_code": null, "formatted_address": a,
            })),
            "custom_fields": self.custom_v2(Entity::Organization, i),
        });
        for f in include {
            r[*f] = match *f {
                "open_deals_count" => json!(self.org_open_deals[i]),
                "people_count" => json!(self.org_people[i]),
                _ => continue,
            };
        }
        r
    }

    pub(super) fn deal_v2(&self, i: usize) -> Value {
        let d = self.deal(i);
        let archived = i >= self.n;
        let closed = (d.status != "open").then_some(d.upd);
        json!({
            "id": i + 1,
            "title": d.title,
            "creator_user_id": d.user + 1,
            "owner_id": d.user + 1,
            "value": d.value,
            "person_id": d.person.map(|p| p + 1),
            "org_id": d.org.map(|o| o + 1),
            "stage_id": d.stage + 1,
            "pipeline_id": d.stage / STAGES_PER_PIPELINE + 1,
            "currency": d.currency,
            "add_time": fmt_iso(d.add),
            "update_time": fmt_iso(d.upd),
            "stage_change_time": fmt_iso(d.upd),
            "is_deleted": false,
            "is_archived": archived,
            "archive_time": archived.then(|| fmt_iso(d.upd)),
            "status": d.status,
            "probability": null,
            "lost_reason": (d.status == "lost").then(|| self.g.pick(DEAL, i, 20, LOST_REASONS)),
            "visible_to": 3,
            "close_time": closed.map(fmt_iso),
            "won_time": closed.filter(|_| d.status == "won").map(fmt_iso),
            "lost_time": closed.filter(|_| d.status == "lost").map(fmt_iso),
            "local_won_date": closed.filter(|_| d.status == "won").map(fmt_date),
            "local_lost_date": closed.filter(|_| d.status == "lost").map(fmt_date),
            "local_close_date": closed.map(fmt_date),
            "expected_close_date": d.expected_close.map(fmt_date),
            "label_ids": [],
            "origin": "ManuallyCreated",
            "origin_id": null,
            "channel": null,
            "channel_id": null,
            "acv": null,
            "arr": null,
            "mrr": null,
            "custom_fields": self.custom_v2(Entity::Deal, i),
        })
    }

    pub(super) fn activity_v2(&self, i: usize) -> Value {
        let a = self.activity(i);
        let time = a.due % 86_400;
        let hm = |m: u64| format!("{:02}:{:02}", m / 60, m % 60);
        json!({
            "id": i + 1,
            "subject": format!("{}{} #{}", a.kind[..1].to_uppercase(), &a.kind[1..], i + 1),
            "type": a.kind,
            "owner_id": a.user + 1,
            "creator_user_id": a.user + 1,
            "is_deleted": false,
            "add_time": fmt_iso(a.add),
            "update_time": fmt_iso(a.upd),
            "deal_id": a.deal.map(|d| d + 1),
            "lead_id": null,
            "person_id": a.person.map(|p| p + 1),
            "org_id": a.org.map(|o| o + 1),
            "project_id": null,
            "due_date": fmt_date(a.due),
            "due_time": a.duration_min.map(|_| hm(time as u64 / 60)),
            "duration": a.duration_min.map(hm),
            "busy": a.duration_min.is_some(),
            "done": a.done,
            "marked_as_done_time": a.done.then(|| fmt_iso(a.upd)),
            "location": null,
            "participants": a.person.map_or_else(Vec::new, |p| vec![json!({"person_id": p + 1, "primary": true})]),
            "conference_meeting_client": null,
            "conference_meeting_url": null,
            "conference_meeting_id": null,
            "public_description": null,
            "priority": null,
            "note": a.note,
        })
    }

    fn pipeline_v2(&self, k: usize) -> Value {
        let t = data::DATA_START + k as i64 * 86_400;
        json!({
            "id": k + 1, "name": PIPELINE_NAMES[k], "order_nr": k, "is_deleted": false,
            "is_deal_probability_enabled": true,
            "add_time": fmt_iso(t), "update_time": fmt_iso(t + 3600),
        })
    }

    fn stage_v2(&self, k: usize) -> Value {
        let (p, s) = (k / STAGES_PER_PIPELINE, k % STAGES_PER_PIPELINE);
        let t = data::DATA_START + k as i64 * 86_400;
        json!({
            "id": k + 1, "order_nr": s + 1, "name": STAGE_NAMES[s], "is_deleted": false,
            "deal_probability": STAGE_PROBABILITY[s], "pipeline_id": p + 1,
            "is_deal_rot_enabled": s == 3, "days_to_rotten": (s == 3).then_some(30),
            "add_time": fmt_iso(t), "update_time": fmt_iso(t + 3600),
        })
    }

    pub fn render_v2(&self, r: Resource, i: usize, include: &[&str]) -> Value {
        let (r, i) = r.source(self, i);
        match r {
            Resource::Persons => self.person_v2(i, include),
            Resource::Organizations => self.org_v2(i, include),
            Resource::Deals => self.deal_v2(i),
            Resource::Activities => self.activity_v2(i),
            Resource::Pipelines => self.pipeline_v2(i),
            Resource::Stages => self.stage_v2(i),
            Resource::ArchivedDeals => Value::Null,
        }
    }

    /// (add, update) times of record `i`, and for activities its due time, for filters and sorting.
    pub(super) fn times(&self, r: Resource, i: usize) -> (i64, i64, i64) {
        let (r, i) = r.source(self, i);
        match r {
            Resource::Persons => {
                let p = self.person(i);
                (p.add, p.upd, 0)
            }
            Resource::Organizations => {
                let o = self.org(i);
                (o.add, o.upd, 0)
            }
            Resource::Deals => {
                let d = self.deal(i);
                (d.add, d.upd, 0)
            }
            Resource::Activities => {
                let a = self.activity(i);
                (a.add, a.upd, a.due)
            }
            Resource::Pipelines | Resource::Stages => {
                let t = data::DATA_START + i as i64 * 86_400;
                (t, t + 3600, 0)
            }
            Resource::ArchivedDeals => (0, 0, 0),
        }
    }
}

type Keep<'a> = Box<dyn Fn(usize) -> bool + 'a>;

fn bad(msg: &str) -> Rejection {
    Box::new(error(StatusCode::BAD_REQUEST, msg))
}

/// An RFC 3339 time parameter; anything else is a 400.
pub(super) fn time_filter(p: &Params, key: &str) -> Result<Option<i64>, Rejection> {
    match param(p, key) {
        None => Ok(None),
        Some(v) => data::parse_datetime(v).map(Some).ok_or_else(|| {
            bad(&format!(
                "Validation failed: {key}: Parameter '{key}' must be a valid RFC 3339 date"
            ))
        }),
    }
}

pub(super) fn ids_filter(p: &Params) -> Result<Option<Vec<u64>>, Rejection> {
    let Some(raw) = param(p, "ids") else {
        return Ok(None);
    };
    let ids: Option<Vec<u64>> = raw.split(',').map(|s| s.trim().parse().ok()).collect();
    match ids {
        Some(ids) if ids.len() <= 100 => Ok(Some(ids)),
        Some(_) => Err(bad(
            "Validation failed: ids: Must contain at most 100 items",
        )),
        None => Err(bad(
            "Validation failed: ids: Parameter 'ids' must be a comma-separated list of integers",
        )),
    }
}

/// The exact filters a resource documents: (parameter, the record's id for it).
pub(super) fn quick_filters(r: Resource) -> &'static [&'static str] {
    match r {
        Resource::Persons => &["owner_id", "org_id", "deal_id"],
        Resource::Organizations => &["owner_id"],
        Resource::Deals | Resource::ArchivedDeals => {
            &["owner_id", "person_id", "org_id", "pipeline_id", "stage_id"]
        }
        Resource::Activities => &["owner_id", "deal_id", "person_id", "org_id"],
        Resource::Stages => &["pipeline_id"],
        Resource::Pipelines => &[],
    }
}

/// The value record `i` has for a quick filter.
fn quick_value(d: &Data, r: Resource, i: usize, key: &str) -> Option<u64> {
    let (r, i) = r.source(d, i);
    let id = |x: Option<usize>| x.map(|v| v as u64 + 1);
    match (r, key) {
        (Resource::Persons, "owner_id") => Some(d.person(i).owner as u64 + 1),
        (Resource::Persons, "org_id") => id(d.person(i).org),
        (Resource::Organizations, "owner_id") => Some(d.org(i).owner as u64 + 1),
        (Resource::Deals, "owner_id") => Some(d.deal(i).user as u64 + 1),
        (Resource::Deals, "person_id") => id(d.deal(i).person),
        (Resource::Deals, "org_id") => id(d.deal(i).org),
        (Resource::Deals, "pipeline_id") => {
            Some((d.deal(i).stage / STAGES_PER_PIPELINE) as u64 + 1)
        }
        (Resource::Deals, "stage_id") => Some(d.deal(i).stage as u64 + 1),
        (Resource::Activities, "owner_id") => Some(d.activity(i).user as u64 + 1),
        (Resource::Activities, "deal_id") => id(d.activity(i).deal),
        (Resource::Activities, "person_id") => id(d.activity(i).person),
        (Resource::Activities, "org_id") => id(d.activity(i).org),
        (Resource::Stages, "pipeline_id") => Some((i / STAGES_PER_PIPELINE) as u64 + 1),
        _ => None,
    }
}

/// `contact(deal id)`: the id of the deal's contact person, for the persons' `deal_id`.
pub(super) fn filters<'a>(
    d: &'a Data,
    r: Resource,
    p: &Params,
    contact: &dyn Fn(u64) -> Option<u64>,
) -> Result<Vec<Keep<'a>>, Rejection> {
    let mut out: Vec<Keep<'a>> = Vec::new();
    if let Some(ids) = ids_filter(p)? {
        out.push(Box::new(move |i| {
            ids.contains(&(r.source(d, i).1 as u64 + 1))
        }));
    }
    for key in quick_filters(r) {
        let Some(v) = int_filter(p, key)? else {
            continue;
        };
        if (r, *key) == (Resource::Persons, "deal_id") {
            // The persons of a deal: its contact person.
            let person = contact(v);
            out.push(Box::new(move |i| person == Some(i as u64 + 1)));
        } else {
            out.push(Box::new(move |i| quick_value(d, r, i, key) == Some(v)));
        }
    }
    if let Some(since) = time_filter(p, "updated_since")? {
        out.push(Box::new(move |i| d.times(r, i).1 >= since));
    }
    if let Some(until) = time_filter(p, "updated_until")? {
        out.push(Box::new(move |i| d.times(r, i).1 < until));
    }
    if matches!(r, Resource::Deals | Resource::ArchivedDeals) {
        // Without `status`, every deal but the deleted (none is generated deleted).
        if let Some(list) = param(p, "status") {
            let mut wanted = Vec::new();
            for s in list.split(',').map(str::trim) {
                match s {
                    "open" | "won" | "lost" => wanted.push(s.to_owned()),
                    "deleted" => {}
                    _ => return Err(bad("Validation failed: status: Parameter 'status' must be a comma-separated list of open, won, lost, deleted")),
                }
            }
            out.push(Box::new(move |i| {
                wanted.iter().any(|s| s == d.deal(r.source(d, i).1).status)
            }));
        }
    }
    if r == Resource::Activities {
        match param(p, "done") {
            None => {}
            Some("true") => out.push(Box::new(|i| d.activity(i).done)),
            Some("false") => out.push(Box::new(|i| !d.activity(i).done)),
            Some(_) => {
                return Err(bad(
                    "Validation failed: done: Parameter 'done' must be true or false",
                ))
            }
        }
    }
    Ok(out)
}

/// The record order `sort_by`/`sort_direction` ask for; `None` for ascending ids.
/// `sort_by` (one of `sortable`, `id` by default) and whether `sort_direction` is `desc`, as
/// every v2 list reads them; other values are Pipedrive's 400.
pub(super) fn sort_request<'p>(
    p: &'p Params,
    sortable: &[&str],
) -> Result<(&'p str, bool), Rejection> {
    let by = param(p, "sort_by").unwrap_or("id");
    if !sortable.contains(&by) {
        return Err(bad(&format!(
            "Validation failed: sort_by: Parameter 'sort_by' must be one of {}",
            sortable.join(", ")
        )));
    }
    match param(p, "sort_direction").unwrap_or("asc") {
        "asc" => Ok((by, false)),
        "desc" => Ok((by, true)),
        _ => Err(bad("Validation failed: sort_direction: Parameter 'sort_direction' must be one of asc, desc")),
    }
}

/// The record order `sort_by`/`sort_direction` ask for; `None` for ascending ids.
fn order(
    d: &Data,
    r: Resource,
    p: &Params,
    rows: &[usize],
) -> Result<Option<Vec<usize>>, Rejection> {
    let (by, desc) = sort_request(p, r.sortable())?;
    if by == "id" && !desc {
        return Ok(None);
    }
    let key = |i: usize| {
        let (add, upd, due) = d.times(r, i);
        match by {
            "add_time" => add,
            "update_time" => upd,
            "due_date" => due.div_euclid(86_400),
            "order_nr" => (i % STAGES_PER_PIPELINE) as i64,
            _ => r.source(d, i).1 as i64,
        }
    };
    Ok(Some(sorted_rows(rows.iter().copied(), key, desc)))
}

pub(super) fn include_fields(r: Resource, p: &Params) -> Result<Vec<&'static str>, Rejection> {
    let Some(list) = param(p, "include_fields") else {
        return Ok(Vec::new());
    };
    list.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| {
            r.optional()
                .iter()
                .find(|o| **o == f)
                .copied()
                .ok_or_else(|| {
                    bad(&format!(
                        "Validation failed: include_fields: '{f}' is not one of {}",
                        r.optional().join(", ")
                    ))
                })
        })
        .collect()
}

/// The contact person of generated deal `deal` (an id), as generated.
fn generated_contact(d: &Data, deal: u64) -> Option<u64> {
    (deal as usize)
        .checked_sub(1)
        .filter(|x| *x < d.n)
        .and_then(|x| d.deal(x).person)
        .map(|p| p as u64 + 1)
}

fn list(st: &Shared, r: Resource, uri: &Uri) -> Response {
    let d = &st.pipedrive;
    let p = params(uri);
    if let Some(resp) = v2_written::list(st, r, &p) {
        return resp;
    }
    let prepared = (|| -> Result<_, Rejection> {
        Ok((
            filters(d, r, &p, &|deal| generated_contact(d, deal))?,
            include_fields(r, &p)?,
            cursor_start(&p)?,
        ))
    })();
    let (filters, include, start) = match prepared {
        Ok(x) => x,
        Err(e) => return *e,
    };
    let limit = num(&p, "limit").filter(|l| *l > 0).unwrap_or(100).min(500) as usize;
    let count = r.count(d);
    let sorted = param(&p, "sort_by").is_some_and(|b| b != "id")
        || param(&p, "sort_direction").is_some_and(|s| s != "asc");
    // Unfiltered and in id order, a deep page of a million persons generates only its rows.
    let (page, total): (Vec<usize>, usize) = if filters.is_empty() && !sorted {
        (
            (start.min(count)..(start + limit).min(count)).collect(),
            count,
        )
    } else {
        let rows: Vec<usize> = (0..count)
            .filter(|i| filters.iter().all(|f| f(*i)))
            .collect();
        let rows = match order(d, r, &p, &rows) {
            Ok(Some(sorted)) => sorted,
            Ok(None) => rows,
            Err(e) => return *e,
        };
        let total = rows.len();
        (rows.into_iter().skip(start).take(limit).collect(), total)
    };
    let next = (start + page.len() < total).then(|| format!("pdc{:08x}", start + limit));
    let data: Vec<Value> = page
        .into_iter()
        .map(|i| d.render_v2(r, i, &include))
        .collect();
    ok(json!({ "success": true, "data": data, "additional_data": { "next_cursor": next } }))
}

fn one(st: &Shared, r: Resource, id: &str, uri: &Uri) -> Response {
    let d = &st.pipedrive;
    let p = params(uri);
    let include = match include_fields(r, &p) {
        Ok(i) => i,
        Err(e) => return *e,
    };
    if let Some(resp) = v2_written::one(st, r, id, &include) {
        return resp;
    }
    match crate::common::id_of(id, r.count(d)) {
        Some(i) => ok(json!({ "success": true, "data": d.render_v2(r, i, &include) })),
        None => error(StatusCode::NOT_FOUND, r.not_found()),
    }
}

/// `table_data` of a resource: every record, with the counts the profile asks for.
pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.pipedrive;
    let r = match name {
        "archived_deals" => Resource::ArchivedDeals,
        _ => Resource::ALL
            .iter()
            .find(|(path, _)| &path[1..] == name)
            .map(|(_, r)| *r)?,
    };
    let include = r.optional();
    if let Some(rows) = v2_written::all(st, r) {
        return Some(rows);
    }
    Some(
        (0..r.count(d))
            .map(|i| d.render_v2(r, i, include))
            .collect(),
    )
}

pub fn routes(mut router: Router<AppState>) -> Router<AppState> {
    router = router.route(
        "/deals/archived",
        get(|State(st): State<AppState>, uri: Uri| async move {
            list(&st, Resource::ArchivedDeals, &uri)
        }),
    );
    for (path, r) in Resource::ALL {
        router = router
            .route(
                path,
                get(move |State(st): State<AppState>, uri: Uri| async move { list(&st, r, &uri) }),
            )
            .route(
                &format!("{path}/{{id}}"),
                get(
                    move |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                        one(&st, r, &id, &uri)
                    },
                ),
            );
    }
    router
}

#[cfg(test)]
mod tests {
    use super::super::ACTIVITY_TYPES;
    use super::*;
    use crate::data::Gen;

    #[test]
    fn activity_types_are_the_v1_keys() {
        let d = Data::new(&Gen::new(3), 20);
        for i in 0..20 {
            let t = d.activity_v2(i)["type"].as_str().map(str::to_owned);
            assert!(t.is_some_and(|t| ACTIVITY_TYPES.contains(&t.as_str())));
        }
    }
}
