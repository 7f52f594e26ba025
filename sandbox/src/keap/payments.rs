//! Keap REST v1 payments of one order: `GET /orders/{orderId}/payments`, a bare array of
//! `{id, amount, invoice_id, payment_id, pay_date, pay_status, last_updated, note,
//! refund_invoice_payment_id, skip_commission}`, unpaged; an unknown order is a 404. A paid order
//! has one or two payments adding up to its total, an unpaid one none. v1 types `pay_status` as a
//! plain string; the values are v2's enumeration (APPROVED, MANUAL_PAID).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{message, Data, ORDER};
use crate::common::{id_of, ok};
use crate::data::fmt_iso_ms;
use crate::AppState;

const PAYMENT: u64 = 0x4B;

impl Data {
    /// Payments over every order: the rows of the order_payments table.
    pub(super) fn order_payment_rows(&self) -> usize {
        (0..self.n).map(|i| self.order_payment_count(i)).sum()
    }

    fn order_payment_count(&self, i: usize) -> usize {
        match self.order(i).1 {
            true if self.g.chance(PAYMENT, i, 1, 30) => 2,
            true => 1,
            false => 0,
        }
    }

    /// The payments of order `i` (0-based).
    pub(super) fn order_payments(&self, i: usize) -> Vec<Value> {
        let g = &self.g;
        let count = self.order_payment_count(i);
        if count == 0 {
            return Vec::new();
        }
        let total_cents =
            (self.order_json(i)["total"].as_f64().unwrap_or(0.0) * 100.0).round() as u64;
        let first = if count == 2 {
            total_cents * g.range(PAYMENT, i, 2, 20, 80) / 100
        } else {
            total_cents
        };
        let ordered = g.time(ORDER, i, 4);
        (0..count)
            .map(|k| {
                let cents = if k == 0 { first } else { total_cents - first };
                let paid = ordered
                    + (k as i64 + 1) * g.range(PAYMENT, i, 3 + k as u64, 600, 14 * 86_400) as i64;
                let manual = g.chance(PAYMENT, i, 5 + k as u64, 25);
                let id = (i + 1) * 10 + k;
                json!({
                    "id": id,
                    "amount": cents as f64 / 100.0,
                    "invoice_id": i + 1,
                    "payment_id": 100_000 + id,
                    "pay_date": fmt_iso_ms(paid),
                    "pay_status": if manual { "MANUAL_PAID" } else { "APPROVED" },
                    "last_updated": fmt_iso_ms(paid + 60),
                    "note": manual.then_some("Paid by bank transfer – ref. 2024/0815"),
                    "refund_invoice_payment_id": null,
                    "skip_commission": false,
                })
            })
            .collect()
    }
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/orders/{id}/payments",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match id_of(&id, st.keap.n) {
                    Some(i) => ok(Value::Array(st.keap.order_payments(i))),
                    None => message(StatusCode::NOT_FOUND, "Resource not found"),
                }
            },
        ),
    )
}
