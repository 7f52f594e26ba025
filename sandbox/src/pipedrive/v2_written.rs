//! The v2 lists and reads of persons, organizations, deals (and the archived ones) and
//! activities once clients wrote to them: the same filters, sorting, cursor pages and
//! `include_fields` as `v2`, over the generated records laid under the written ones. Generated
//! records nobody changed are filtered by `v2`'s own filters; written ones by the same rules
//! read from the record. Every function answers None when the list has no writes, and `v2`
//! then serves it as before.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::overlay::{self, Found, Row};
use super::v2::{
    filters, ids_filter, include_fields, quick_filters, sort_request, time_filter, Resource,
};
use super::{cursor_start, error, int_filter, Data};
use crate::common::{num, ok, param, Params, Rejection};
use crate::data::parse_datetime;
use crate::writes::TableWrites;
use crate::Shared;

/// The contact person of deal `deal` (an id) as it reads now.
fn contact(st: &Shared, deal: u64) -> Option<u64> {
    overlay::record(st, "deals", &deal.to_string())?["person_id"].as_u64()
}

/// The writes a list of `r` must show, when it must show any: its own table's, or for the
/// persons of a deal (`deal_id`), the deals'.
fn writes_for(st: &Shared, r: Resource, p: &Params) -> Option<TableWrites> {
    let own = r.table().and_then(|t| overlay::writes(st, t));
    let deals_changed = r == Resource::Persons
        && param(p, "deal_id").is_some()
        && overlay::writes(st, "deals").is_some();
    match own {
        Some(w) => Some(w),
        None if deals_changed => Some(TableWrites::default()),
        None => None,
    }
}

/// Whether a written record is in list `r` and passes its filters (already validated by
/// `v2::filters`), read from the record.
fn keeps(st: &Shared, r: Resource, p: &Params, v: &Value) -> Result<bool, Rejection> {
    let archived = v["is_archived"].as_bool() == Some(true);
    match r {
        Resource::Deals if archived => return Ok(false),
        Resource::ArchivedDeals if !archived => return Ok(false),
        _ => {}
    }
    let id = overlay::int(v, "id");
    if let Some(ids) = ids_filter(p)? {
        if !id.is_some_and(|id| ids.contains(&id)) {
            return Ok(false);
        }
    }
    for key in quick_filters(r) {
        let Some(want) = int_filter(p, key)? else {
            continue;
        };
        let got = if (r, *key) == (Resource::Persons, "deal_id") {
            id.filter(|id| contact(st, want) == Some(*id))
        } else {
            overlay::int(v, key)
        };
        if got != Some(want) {
            return Ok(false);
        }
    }
    let updated = overlay::time(v, "update_time").unwrap_or(i64::MIN);
    if time_filter(p, "updated_since")?.is_some_and(|t| updated < t) {
        return Ok(false);
    }
    if time_filter(p, "updated_until")?.is_some_and(|t| updated >= t) {
        return Ok(false);
    }
    if let (Resource::Deals | Resource::ArchivedDeals, Some(list)) = (r, param(p, "status")) {
        let status = v["status"].as_str().unwrap_or_default();
        if !list.split(',').map(str::trim).any(|s| s == status) {
            return Ok(false);
        }
    }
    if let (Resource::Activities, Some(done)) = (r, param(p, "done")) {
        if v["done"].as_bool() != Some(done == "true") {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Every row of list `r` that passes the request's filters, in the order it asks for.
fn rows(st: &Shared, r: Resource, p: &Params, w: &TableWrites) -> Result<Vec<Row>, Rejection> {
    let d = &st.pipedrive;
    let gen_filters = filters(d, r, p, &|deal| contact(st, deal))?;
    let (by, desc) = sort_request(p, r.sortable())?;
    // `filters` refused any malformed parameter, so reading them again cannot fail.
    let mut rows = overlay::merge(
        r.count(d),
        |i| (r.source(d, i).1 + 1).to_string(),
        w,
        |i| gen_filters.iter().all(|f| f(i)),
        |v| keeps(st, r, p, v).unwrap_or(false),
    );
    let gen_id = |i: usize| r.source(d, i).1 as u64 + 1;
    overlay::by_id(&mut rows, gen_id);
    if by == "id" && !desc {
        return Ok(rows);
    }
    let key = |row: &Row| -> (i64, u64) {
        match row {
            Row::Gen(i) => {
                let (add, upd, due) = d.times(r, *i);
                let k = match by {
                    "add_time" => add,
                    "update_time" => upd,
                    "due_date" => due.div_euclid(86_400),
                    "order_nr" => 0,
                    _ => 0,
                };
                (k, gen_id(*i))
            }
            Row::Rec(v) => {
                let k = match by {
                    "add_time" | "update_time" => overlay::time(v, by).unwrap_or(0),
                    "due_date" => v["due_date"]
                        .as_str()
                        .and_then(parse_datetime)
                        .map_or(i64::MIN, |t| t.div_euclid(86_400)),
                    _ => 0,
                };
                (k, overlay::int(v, "id").unwrap_or(0))
            }
        }
    };
    let mut keyed: Vec<((i64, u64), Row)> = rows.into_iter().map(|row| (key(&row), row)).collect();
    keyed.sort_by_key(|(k, _)| *k);
    if desc {
        keyed.reverse();
    }
    Ok(keyed.into_iter().map(|(_, row)| row).collect())
}

/// A written record with the counts `include_fields` asks for: a generated record's own, none
/// for a created one.
fn with_counts(d: &Data, r: Resource, mut v: Value, include: &[&str]) -> Value {
    let index = overlay::int(&v, "id")
        .and_then(|id| (id as usize).checked_sub(1))
        .filter(|i| *i < d.n);
    for f in include {
        let count = match (r, *f) {
            (Resource::Persons, "open_deals_count") => index.map(|i| d.open_deals[i]),
            (Resource::Persons, "closed_deals_count") => index.map(|i| d.closed_deals[i]),
            (Resource::Organizations, "open_deals_count") => index.map(|i| d.org_open_deals[i]),
            (Resource::Organizations, "people_count") => index.map(|i| d.org_people[i]),
            _ => continue,
        };
        v[*f] = json!(count.unwrap_or(0));
    }
    v
}

fn render(d: &Data, r: Resource, row: Row, include: &[&str]) -> Value {
    match row {
        Row::Gen(i) => d.render_v2(r, i, include),
        Row::Rec(v) => with_counts(d, r, v, include),
    }
}

/// List `r` with its writes; None when it has none.
pub(super) fn list(st: &Shared, r: Resource, p: &Params) -> Option<Response> {
    let w = writes_for(st, r, p)?;
    let d = &st.pipedrive;
    let prepared = (|| -> Result<_, Rejection> {
        Ok((include_fields(r, p)?, cursor_start(p)?, rows(st, r, p, &w)?))
    })();
    let (include, start, rows) = match prepared {
        Ok(x) => x,
        Err(e) => return Some(*e),
    };
    let limit = num(p, "limit").filter(|l| *l > 0).unwrap_or(100).min(500) as usize;
    let total = rows.len();
    let page: Vec<Value> = rows
        .into_iter()
        .skip(start)
        .take(limit)
        .map(|row| render(d, r, row, &include))
        .collect();
    let next = (start + page.len() < total).then(|| format!("pdc{:08x}", start + limit));
    Some(ok(
        json!({ "success": true, "data": page, "additional_data": { "next_cursor": next } }),
    ))
}

/// Record `id` of `r` with its writes; None when `r` has none.
pub(super) fn one(st: &Shared, r: Resource, id: &str, include: &[&str]) -> Option<Response> {
    let w = overlay::writes(st, r.table()?)?;
    let d = &st.pipedrive;
    // Only the ids the list reads by: archived deals are not read as deals.
    let index = crate::common::id_of(id, r.count(d));
    let record = match overlay::locate(&w, id, index.map(|i| r.source(d, i).1)) {
        Some(Found::Gen(_)) => match (w.changed.get(id), index) {
            (Some(v), _) => with_counts(d, r, v.clone(), include),
            (None, Some(i)) => d.render_v2(r, i, include),
            (None, None) => Value::Null,
        },
        Some(Found::Created) => {
            let v = overlay::current(&w, id, Found::Created, |_| Value::Null);
            with_counts(d, r, v, include)
        }
        None => Value::Null,
    };
    Some(if record.is_null() {
        error(StatusCode::NOT_FOUND, r.not_found())
    } else {
        ok(json!({ "success": true, "data": record }))
    })
}

/// Every record of `r` with its writes and the counts the profile asks for; None when it has
/// no writes.
pub(super) fn all(st: &Shared, r: Resource) -> Option<Vec<Value>> {
    let w = overlay::writes(st, r.table()?)?;
    let d = &st.pipedrive;
    let rows = rows(st, r, &Params::new(), &w).ok()?;
    Some(
        rows.into_iter()
            .map(|row| render(d, r, row, r.optional()))
            .collect(),
    )
}
