//! Product variations (API v2): `GET /api/v2/products/{id}/variations`, cursor pages of a
//! product's variations, each with its prices per currency (`product_variation_id`, `currency`,
//! `price`, `cost`, `direct_cost`, `notes`). About half the products have one to three.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{cursor_page, error, overlay, Data};
use crate::common::params;
use crate::{AppState, Shared};

const VARIATION: u64 = 0x21;
/// Most variations a product has; their ids are `product × this + k + 1`.
const PER_PRODUCT: usize = 3;
const NAMES: [&str; PER_PRODUCT] = ["Small", "Medium", "Large"];

impl Data {
    fn variation_count(&self, product: usize) -> usize {
        if self.g.chance(VARIATION, product, 1, 50) {
            self.g.range(VARIATION, product, 2, 1, PER_PRODUCT as u64) as usize
        } else {
            0
        }
    }

    pub(super) fn variation_rows(&self) -> usize {
        (0..self.product_count())
            .map(|i| self.variation_count(i))
            .sum()
    }

    fn variation_json(&self, product: usize, k: usize) -> Value {
        let g = &self.g;
        let id = product * PER_PRODUCT + k + 1;
        let base = self.product_json(product)["prices"][0]["price"]
            .as_f64()
            .unwrap_or_default();
        let price = (base * (0.8 + 0.2 * k as f64) * 100.0).round() / 100.0;
        let mut prices = vec![json!({
            "product_variation_id": id, "currency": "EUR", "price": price,
            "cost": (price * 0.6 * 100.0).round() / 100.0, "direct_cost": null, "notes": "",
        })];
        if g.chance(VARIATION, product, 10 + k as u64, 40) {
            prices.push(json!({
                "product_variation_id": id, "currency": "USD",
                "price": (price * 1.1 * 100.0).round() / 100.0,
                "cost": (price * 0.66 * 100.0).round() / 100.0,
                "direct_cost": (price * 0.1 * 100.0).round() / 100.0,
                "notes": "List price in USD",
            }));
        }
        json!({ "id": id, "name": NAMES[k], "product_id": product + 1, "prices": prices })
    }

    fn variations(&self, product: usize) -> Vec<Value> {
        (0..self.variation_count(product))
            .map(|k| self.variation_json(product, k))
            .collect()
    }
}

/// `product_variations`, product by product, and `product_variation_prices`, their prices; a
/// deleted product's are gone with it.
pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.pipedrive;
    let products = overlay::writes(st, "products");
    let variations = || {
        (0..d.product_count())
            .filter(|i| !overlay::deleted(products.as_ref(), *i))
            .flat_map(|i| d.variations(i))
    };
    match name {
        "product_variations" => Some(variations().collect()),
        "product_variation_prices" => Some(
            variations()
                .flat_map(|mut v| match v["prices"].take() {
                    Value::Array(prices) => prices,
                    _ => Vec::new(),
                })
                .collect(),
        ),
        _ => None,
    }
}

/// Rows of `product_variation_prices`.
pub fn price_rows(d: &Data) -> usize {
    (0..d.product_count())
        .flat_map(|i| d.variations(i))
        .map(|v| v["prices"].as_array().map_or(0, Vec::len))
        .sum()
}

pub const TABLES: &[&str] = &["product_variations", "product_variation_prices"];

/// The v2 route.
pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/products/{id}/variations",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                let d = &st.pipedrive;
                match overlay::parent(&st, "products", &id, d.product_count()) {
                    Ok(product) => {
                        let rows = product.map_or_else(Vec::new, |i| d.variations(i));
                        cursor_page(rows.len(), None, &params(&uri), |k| rows[k].clone())
                    }
                    Err(()) => error(StatusCode::NOT_FOUND, "Product not found"),
                }
            },
        ),
    )
}
