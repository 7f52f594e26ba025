//! Pipedrive products and what deals hold of them. API v2 (Pipedrive retired the v1 product
//! endpoints): `GET /api/v2/products` (cursor pages; exact `owner_id`, `ids` up to 100;
//! `sort_by` id, name, add_time or update_time and `sort_direction`), `/api/v2/products/{id}`, and a deal's product attachments `/api/v2/deals/{id}/products`
//! (cursor pages). API v1: a deal's participants `/v1/deals/{id}/participants` (offset pages),
//! which have no company-wide list. v2 records carry ids rather than expanded objects, RFC 3339
//! times and their custom fields in a `custom_fields` object. With writes, products are listed
//! by `products_written`; a deal a client created has no products or participants (an empty
//! list), a deleted one is a 404.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{
    cursor_page, error, int_filter, overlay, products_written, v1_page, v2, Data, Entity, CC_EMAIL,
    PRODUCTS, USERS,
};
use crate::common::{id_of, ok, params, sorted_rows, Rejection};
use crate::data::{fmt_iso, fmt_space};
use crate::pipedrive_fields as fields;
use crate::{AppState, Shared};

const PRODUCT: u64 = 0x16;
const ATTACHMENT: u64 = 0x17;
const PARTICIPANT: u64 = 0x18;
/// Most attachments and participants a deal has; their ids are `deal index × this + k + 1`.
const PER_DEAL: usize = 3;
const UNITS: &[&str] = &["seat", "hour", "piece", "month"];
const TAX: &[f64] = &[0.0, 10.0, 24.0];
const FREQUENCIES: &[&str] = &["one-time", "monthly", "annually"];

/// (product index, quantity, discount percent) of one attachment.
type Attachment = (usize, u64, f64);

impl Data {
    pub(super) fn product_count(&self) -> usize {
        (self.n / 2).max(5)
    }

    /// Rows of product_prices, deal_products and deal_participants, counted without building
    /// them (the manifest of a million records must not build every participant's person).
    pub(super) fn product_price_rows(&self) -> usize {
        (0..self.product_count())
            .map(|i| 1 + usize::from(self.g.chance(PRODUCT, i, 4, 50)))
            .sum()
    }

    pub(super) fn deal_product_rows(&self) -> usize {
        (0..self.n).map(|i| self.attachments(i).len()).sum()
    }

    pub(super) fn deal_participant_rows(&self) -> usize {
        (0..self.n).map(|i| self.participants(i).len()).sum()
    }

    fn product_price(&self, i: usize) -> f64 {
        self.g.range(PRODUCT, i, 1, 40, 4_000) as f64 / 4.0
    }

    pub(super) fn product_json(&self, i: usize) -> Value {
        let g = &self.g;
        let add = g.time(PRODUCT, i, 2);
        let upd = add + g.range(PRODUCT, i, 3, 0, 90 * 86_400) as i64;
        let price = self.product_price(i);
        let mut prices = vec![json!({
            "product_id": i + 1, "currency": "EUR", "price": price,
            "cost": (price * 0.6 * 100.0).round() / 100.0, "direct_cost": null, "notes": "",
        })];
        if g.chance(PRODUCT, i, 4, 50) {
            prices.push(json!({
                "product_id": i + 1, "currency": "USD", "price": (price * 1.1 * 100.0).round() / 100.0,
                "cost": (price * 0.66 * 100.0).round() / 100.0,
                "direct_cost": (price * 0.1 * 100.0).round() / 100.0, "notes": "List price in USD",
            }));
        }
        let frequency = g.pick(PRODUCT, i, 5, FREQUENCIES);
        let v1 = self.custom_values(Entity::Product, i);
        json!({
            "id": i + 1,
            "name": format!("{} {}", PRODUCTS[i % PRODUCTS.len()], i / PRODUCTS.len() + 1),
            "code": format!("SKU-{:04}", i + 1),
            "description": g.chance(PRODUCT, i, 6, 60).then(|| format!("{} for teams.", PRODUCTS[i % PRODUCTS.len()])),
            "unit": g.pick(PRODUCT, i, 7, UNITS),
            "tax": g.pick(PRODUCT, i, 8, TAX),
            "category": g.chance(PRODUCT, i, 9, 70).then(|| (260 + i % 3).to_string()),
            "owner_id": g.range(PRODUCT, i, 10, 1, USERS as u64),
            "is_linkable": true,
            "is_deleted": false,
            "visible_to": 3,
            "add_time": fmt_iso(add),
            "update_time": fmt_iso(upd),
            "billing_frequency": frequency,
            "billing_frequency_cycles": (frequency == "monthly").then_some(12),
            "prices": prices,
            "custom_fields": fields::values_v2(self.fields_of(Entity::Product), &v1),
        })
    }

    /// The products deal `i` holds.
    fn attachments(&self, i: usize) -> Vec<Attachment> {
        let g = &self.g;
        let count = g.range(ATTACHMENT, i, 1, 0, PER_DEAL as u64) as usize;
        (0..count)
            .map(|k| {
                let k = k as u64;
                (
                    g.range(ATTACHMENT, i, 2 + 3 * k, 0, self.product_count() as u64 - 1) as usize,
                    g.range(ATTACHMENT, i, 3 + 3 * k, 1, 20),
                    if g.chance(ATTACHMENT, i, 4 + 3 * k, 25) {
                        5.0
                    } else {
                        0.0
                    },
                )
            })
            .collect()
    }

    fn attachment_json(
        &self,
        deal: usize,
        k: usize,
        (product, quantity, discount): Attachment,
    ) -> Value {
        let d = self.deal(deal);
        let price = self.product_price(product);
        let sum = (price * quantity as f64 * (100.0 - discount)).round() / 100.0;
        json!({
            "id": deal * PER_DEAL + k + 1,
            "deal_id": deal + 1,
            "product_id": product + 1,
            "product_variation_id": null,
            "name": format!("{} {}", PRODUCTS[product % PRODUCTS.len()], product / PRODUCTS.len() + 1),
            "order_nr": k + 1,
            "item_price": price,
            "quantity": quantity,
            "sum": sum,
            "tax": self.g.pick(PRODUCT, product, 8, TAX),
            "discount": discount,
            "discount_type": "percentage",
            "tax_method": "exclusive",
            "currency": d.currency,
            "is_enabled": true,
            "comments": "",
            "add_time": fmt_iso(d.add),
            "update_time": fmt_iso(d.upd),
            "billing_frequency": "one-time",
            "billing_frequency_cycles": null,
            "billing_start_date": null,
        })
    }

    fn deal_products(&self, deal: usize) -> Vec<Value> {
        self.attachments(deal)
            .into_iter()
            .enumerate()
            .map(|(k, a)| self.attachment_json(deal, k, a))
            .collect()
    }

    /// The persons taking part in deal `i`: its contact person first, then up to two more.
    fn participants(&self, i: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self.deal(i).person.into_iter().collect();
        for k in 0..self.g.range(PARTICIPANT, i, 1, 0, 2) as usize {
            let p = (i + 7 * (k + 1)) % self.n;
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    fn participant_json(&self, deal: usize, k: usize, person: usize) -> Value {
        let d = self.deal(deal);
        let p = self.person(person);
        json!({
            "id": deal * PER_DEAL + k + 1,
            "person_id": {
                "active_flag": true, "name": p.name(), "owner_id": p.owner + 1,
                "company_id": 7_700_001, "value": person + 1,
                "email": self.contact_list(person, p.emails, 0, &p),
                "phone": self.contact_list(person, p.phones, 1, &p),
            },
            "person": self.person_json(person),
            "added_by_user_id": self.user_ref(d.user),
            "related_item_data": { "deal_id": deal + 1, "title": d.title },
            "related_item_type": "deal",
            "related_item_id": deal + 1,
            "add_time": fmt_space(d.add + 3_600 * k as i64),
            "active_flag": true,
            "cc_email": CC_EMAIL,
        })
    }

    fn deal_participants(&self, deal: usize) -> Vec<Value> {
        self.participants(deal)
            .into_iter()
            .enumerate()
            .map(|(k, p)| self.participant_json(deal, k, p))
            .collect()
    }
}

fn list_products(st: &Shared, uri: &Uri) -> axum::response::Response {
    let d = &st.pipedrive;
    let p = params(uri);
    let (owner, ids) = match (int_filter(&p, "owner_id"), v2::ids_filter(&p)) {
        (Ok(o), Ok(i)) => (o, i),
        (Err(r), _) | (_, Err(r)) => return *r,
    };
    if let Some(w) = overlay::writes(st, "products") {
        return match products_written::rows(d, &w, &p, owner, ids.as_deref()) {
            Ok(rows) => cursor_page(rows.len(), None, &p, |k| {
                products_written::render(d, &rows[k])
            }),
            Err(r) => *r,
        };
    }
    let keep = |i: usize| {
        owner.is_none_or(|o| d.product_json(i)["owner_id"] == json!(o))
            && ids.as_ref().is_none_or(|ids| ids.contains(&(i as u64 + 1)))
    };
    let sorted = match product_order(d, &p, keep) {
        Ok(sorted) => sorted,
        Err(r) => return *r,
    };
    if let Some(rows) = sorted {
        return cursor_page(rows.len(), None, &p, |k| d.product_json(rows[k]));
    }
    let filtered = owner.is_some() || ids.is_some();
    cursor_page(
        d.product_count(),
        filtered.then_some(&keep as &dyn Fn(usize) -> bool),
        &p,
        |i| d.product_json(i),
    )
}

/// The products `keep` selects in the order `sort_by` (`id` default, `name`, `add_time`,
/// `update_time`) and `sort_direction` (`asc` default, `desc`) ask for; `None` for ascending ids.
/// Other values are Pipedrive's 400, as on the other v2 lists. Ties keep id order.
fn product_order(
    d: &Data,
    p: &crate::common::Params,
    keep: impl Fn(usize) -> bool,
) -> Result<Option<Vec<usize>>, Rejection> {
    let (by, desc) = v2::sort_request(p, &["id", "name", "add_time", "update_time"])?;
    if by == "id" && !desc {
        return Ok(None);
    }
    // RFC 3339 times of one width sort as text.
    let key = |i: usize| match by {
        "name" | "add_time" | "update_time" => d.product_json(i)[by]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    };
    Ok(Some(sorted_rows(
        (0..d.product_count()).filter(|i| keep(*i)),
        key,
        desc,
    )))
}

/// Deal `id` of a path: Some(index) for a generated deal, None for one a client created (it
/// has no products or participants yet), or Pipedrive's 404.
fn deal_of(st: &Shared, id: &str) -> Result<Option<usize>, Rejection> {
    overlay::parent(st, "deals", id, st.pipedrive.n)
        .map_err(|()| Box::new(error(StatusCode::NOT_FOUND, "Deal not found")))
}

/// The v1 routes: a deal's participants.
pub fn routes_v1(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/deals/{id}/participants",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                let deal = match deal_of(&st, &id) {
                    Ok(d) => d,
                    Err(r) => return *r,
                };
                let rows = deal.map_or_else(Vec::new, |i| st.pipedrive.deal_participants(i));
                v1_page(rows.len(), None, &params(&uri), |k| rows[k].clone())
            },
        ),
    )
}

/// The v2 routes: products and a deal's products.
pub fn routes_v2(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/products",
        get(|State(st): State<AppState>, uri: Uri| async move { list_products(&st, &uri) }),
    )
    .route(
        "/products/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                let d = &st.pipedrive;
                match products_written::one(st.as_ref(), &id) {
                    Some(Some(record)) => ok(json!({ "success": true, "data": record })),
                    Some(None) => error(StatusCode::NOT_FOUND, "Product not found"),
                    None => match id_of(&id, d.product_count()) {
                        Some(i) => ok(json!({ "success": true, "data": d.product_json(i) })),
                        None => error(StatusCode::NOT_FOUND, "Product not found"),
                    },
                }
            },
        ),
    )
    .route(
        "/deals/{id}/products",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                let deal = match deal_of(&st, &id) {
                    Ok(d) => d,
                    Err(r) => return *r,
                };
                let rows = deal.map_or_else(Vec::new, |i| st.pipedrive.deal_products(i));
                cursor_page(rows.len(), None, &params(&uri), |k| rows[k].clone())
            },
        ),
    )
}

/// Table name → its rows, for the manifest and `/_sandbox/data`: with what clients wrote, the
/// children of a deleted deal gone with it.
pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.pipedrive;
    let deals = overlay::writes(st, "deals");
    let live = |i: &usize| !overlay::deleted(deals.as_ref(), *i);
    Some(match name {
        "products" | "product_prices" => {
            let all = match overlay::writes(st, "products") {
                Some(w) => {
                    let rows = products_written::rows(d, &w, &Default::default(), None, None)
                        .unwrap_or_default();
                    rows.iter()
                        .map(|r| products_written::render(d, r))
                        .collect()
                }
                None => (0..d.product_count()).map(|i| d.product_json(i)).collect(),
            };
            if name == "products" {
                all
            } else {
                all.into_iter()
                    .flat_map(|mut p| match p["prices"].take() {
                        Value::Array(prices) => prices,
                        _ => Vec::new(),
                    })
                    .collect()
            }
        }
        "deal_products" => (0..d.n)
            .filter(live)
            .flat_map(|i| d.deal_products(i))
            .collect(),
        "deal_participants" => (0..d.n)
            .filter(live)
            .flat_map(|i| d.deal_participants(i))
            .collect(),
        _ => return None,
    })
}

pub const TABLES: &[&str] = &[
    "products",
    "product_prices",
    "deal_products",
    "deal_participants",
];
