//! What a deal is billed with (API v2): its additional discounts, `GET
//! /api/v2/deals/{id}/discounts` (every one, no paging; string ids, ISO 8601 times), and its
//! installments, `GET /api/v2/deals/installments?deal_ids=` (up to 100 deals, as one
//! comma-separated value or repeated keys; cursor pages; `sort_by` id, billing_date or deal_id).

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{cursor_page, error, overlay, v2, Data, USERS};
use crate::common::{id_of, ok, params, sorted_rows, Rejection};
use crate::data::{fmt_date, fmt_iso};
use crate::{AppState, Shared};

const DISCOUNT: u64 = 0x22;
const INSTALLMENT: u64 = 0x23;
/// Most discounts and installments a deal has; installment ids are `deal × this + k + 1`.
const PER_DEAL: usize = 4;
const DISCOUNT_NAMES: &[&str] = &["Loyalty discount", "Volume discount", "Launch offer"];

impl Data {
    fn discount_count(&self, deal: usize) -> usize {
        match self.g.range(DISCOUNT, deal, 1, 0, 9) {
            0..=5 => 0,
            6..=8 => 1,
            _ => 2,
        }
    }

    pub(super) fn deal_discount_rows(&self) -> usize {
        (0..self.n).map(|i| self.discount_count(i)).sum()
    }

    fn discount_json(&self, deal: usize, k: usize) -> Value {
        let g = &self.g;
        let d = self.deal(deal);
        let h = g.hex(DISCOUNT, deal, 2 + k as u64, 32);
        let percentage = g.chance(DISCOUNT, deal, 4 + k as u64, 60);
        let created = d.add + 3_600 * (k as i64 + 1);
        let by = g.range(DISCOUNT, deal, 6 + k as u64, 1, USERS as u64);
        json!({
            "id": format!("{}-{}-4{}-8{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32]),
            "type": if percentage { "percentage" } else { "amount" },
            "amount": if percentage { 5.0 * (k as f64 + 1.0) } else { 250.0 * (k as f64 + 1.0) },
            "description": DISCOUNT_NAMES[(deal + k) % DISCOUNT_NAMES.len()],
            "deal_id": deal + 1,
            "created_at": fmt_iso(created),
            "created_by": by,
            "updated_at": fmt_iso(created.max(d.upd)),
            "updated_by": by,
        })
    }

    fn deal_discounts(&self, deal: usize) -> Vec<Value> {
        (0..self.discount_count(deal))
            .map(|k| self.discount_json(deal, k))
            .collect()
    }

    /// Installments of deal `i`: a third of the deals are paid in two to four.
    fn installment_count(&self, deal: usize) -> usize {
        if self.g.chance(INSTALLMENT, deal, 1, 33) {
            self.g.range(INSTALLMENT, deal, 2, 2, PER_DEAL as u64) as usize
        } else {
            0
        }
    }

    pub(super) fn deal_installment_rows(&self) -> usize {
        (0..self.n).map(|i| self.installment_count(i)).sum()
    }

    fn installment_json(&self, deal: usize, k: usize) -> Value {
        let d = self.deal(deal);
        let count = self.installment_count(deal);
        let first = d.expected_close.unwrap_or(d.add + 30 * 86_400);
        json!({
            "id": deal * PER_DEAL + k + 1,
            "amount": ((d.value / count as f64) * 100.0).round() / 100.0,
            "billing_date": fmt_date(first + 30 * 86_400 * k as i64),
            "description": format!("Installment {} of {count}", k + 1),
            "deal_id": deal + 1,
        })
    }
}

fn bad(msg: &str) -> Rejection {
    Box::new(error(StatusCode::BAD_REQUEST, msg))
}

/// `deal_ids`: required, integers, at most 100, one comma-separated value or repeated keys.
fn deal_ids(pairs: &[(String, String)]) -> Result<Vec<u64>, Rejection> {
    let raw: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "deal_ids")
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if raw.is_empty() {
        return Err(bad("Validation failed: deal_ids: Required"));
    }
    if raw.len() > 100 {
        return Err(bad(
            "Validation failed: deal_ids: Must contain at most 100 items",
        ));
    }
    raw.iter()
        .map(|v| {
            v.parse()
                .map_err(|_| bad("Validation failed: deal_ids: Must be integers"))
        })
        .collect()
}

fn installments(st: &Shared, pairs: &[(String, String)], uri: &Uri) -> Response {
    let d = &st.pipedrive;
    let p = params(uri);
    let prepared = (|| -> Result<_, Rejection> {
        Ok((
            deal_ids(pairs)?,
            v2::sort_request(&p, &["id", "billing_date", "deal_id"])?,
        ))
    })();
    let (ids, (by, desc)) = match prepared {
        Ok(x) => x,
        Err(r) => return *r,
    };
    // (deal, k) of every installment of the deals asked for, in id order.
    let mut all: Vec<(usize, usize)> = Vec::new();
    // Deals a client created have no installments; deleted ones none any more.
    let written = overlay::writes(st, "deals");
    let mut deals: Vec<usize> = ids
        .iter()
        .filter_map(|id| id_of(&id.to_string(), d.n))
        .filter(|i| !overlay::deleted(written.as_ref(), *i))
        .collect();
    deals.sort_unstable();
    deals.dedup();
    for deal in deals {
        all.extend((0..d.installment_count(deal)).map(|k| (deal, k)));
    }
    let rows: Vec<Value> = all
        .iter()
        .map(|(i, k)| d.installment_json(*i, *k))
        .collect();
    let key = |r: usize| match by {
        "billing_date" => rows[r]["billing_date"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        "deal_id" => format!("{:020}", rows[r]["deal_id"].as_u64().unwrap_or_default()),
        _ => format!("{:020}", rows[r]["id"].as_u64().unwrap_or_default()),
    };
    let order = sorted_rows(0..rows.len(), key, desc);
    cursor_page(order.len(), None, &p, |k| rows[order[k]].clone())
}

/// Deal `id` of a path: Some(index) for a generated deal, None for one a client created (no
/// discounts yet), or Pipedrive's 404.
fn deal_of(st: &Shared, id: &str) -> Result<Option<usize>, Rejection> {
    overlay::parent(st, "deals", id, st.pipedrive.n)
        .map_err(|()| Box::new(error(StatusCode::NOT_FOUND, "Deal not found")))
}

/// `deal_discounts` and `deal_installments`, deal by deal; a deleted deal's are gone with it.
pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.pipedrive;
    let written = overlay::writes(st, "deals");
    let live = |i: &usize| !overlay::deleted(written.as_ref(), *i);
    Some(match name {
        "deal_discounts" => (0..d.n)
            .filter(live)
            .flat_map(|i| d.deal_discounts(i))
            .collect(),
        "deal_installments" => (0..d.n)
            .filter(live)
            .flat_map(|i| (0..d.installment_count(i)).map(move |k| (i, k)))
            .map(|(i, k)| d.installment_json(i, k))
            .collect(),
        _ => return None,
    })
}

pub const TABLES: &[&str] = &["deal_discounts", "deal_installments"];

/// The v2 routes.
pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/deals/installments",
        get(
            |State(st): State<AppState>,
             Query(pairs): Query<Vec<(String, String)>>,
             uri: Uri| async move { installments(&st, &pairs, &uri) },
        ),
    )
    .route(
        "/deals/{id}/discounts",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match deal_of(&st, &id) {
                    Ok(deal) => ok(json!({
                        "success": true,
                        "data": deal.map_or_else(Vec::new, |i| st.pipedrive.deal_discounts(i)),
                    })),
                    Err(r) => *r,
                }
            },
        ),
    )
}
