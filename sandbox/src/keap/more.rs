//! Keap REST v1 notes, subscriptions, transactions and campaigns, as records of the generated
//! account: notes (`contact_id`, `user_id` filters; no date filter, as v1 documents), subscriptions
//! (`contact_id`; dates without time), transactions (`contact_id`; `since`/`until` on
//! `transaction_date`, both ends included; `order_ids` a string, `paymentDate` in camelCase, as
//! Keap sends them) and campaigns. The shared list envelope and paging are keap.rs's.

use serde_json::{json, Value};

use super::{Data, PRODUCTS, USERS};
use crate::data::{fmt_date, fmt_iso_ms};

const NOTE: u64 = 0x47;
const SUBSCRIPTION: u64 = 0x48;
const TRANSACTION: u64 = 0x49;
const CAMPAIGN: u64 = 0x4A;

pub const CAMPAIGNS: &[&str] = &[
    "Welcome series",
    "Webinar follow-up",
    "Win-back",
    "Newsletter 2025",
];
pub(super) const NOTE_TYPES: &[&str] = &["Appointment", "Call", "Email", "Fax", "Letter", "Other"];
const CYCLES: &[&str] = &["YEAR", "MONTH", "WEEK", "DAY"];

impl Data {
    pub(super) fn subscription_count(&self) -> usize {
        self.n / 3
    }

    pub(super) fn transaction_count(&self) -> usize {
        self.n / 2
    }

    /// (contact, user)
    pub(super) fn note(&self, i: usize) -> (usize, usize) {
        (
            self.g.range(NOTE, i, 1, 0, self.n as u64 - 1) as usize,
            self.g.range(NOTE, i, 2, 0, USERS as u64 - 1) as usize,
        )
    }

    pub(super) fn note_json(&self, i: usize) -> Value {
        let g = &self.g;
        let (contact, user) = self.note(i);
        let created = g.time(NOTE, i, 3);
        let (uf, ul) = self.user_name(user);
        json!({
            "id": i + 1,
            "title": format!("Note {}", i + 1),
            "body": format!("Spoke with {} about the renewal.", self.contact(contact).first),
            "type": g.pick(NOTE, i, 4, NOTE_TYPES),
            "contact_id": contact + 1,
            "user_id": user + 1,
            "date_created": fmt_iso_ms(created),
            "last_updated": fmt_iso_ms(created + g.range(NOTE, i, 5, 0, 86_400) as i64),
            "last_updated_by": { "user_id": user + 1, "given_name": uf, "family_name": ul },
        })
    }

    pub(super) fn subscription_contact(&self, i: usize) -> usize {
        self.g.range(SUBSCRIPTION, i, 1, 0, self.n as u64 - 1) as usize
    }

    pub(super) fn subscription_json(&self, i: usize) -> Value {
        let g = &self.g;
        let start = g.time(SUBSCRIPTION, i, 2);
        let active = !g.chance(SUBSCRIPTION, i, 3, 25);
        json!({
            "id": i + 1,
            "contact_id": self.subscription_contact(i) + 1,
            "product_id": g.range(SUBSCRIPTION, i, 4, 1, PRODUCTS as u64),
            "subscription_plan_id": g.range(SUBSCRIPTION, i, 5, 1, 6),
            "quantity": g.range(SUBSCRIPTION, i, 6, 1, 10),
            "active": active,
            "allow_tax": false,
            "auto_charge": true,
            "billing_amount": g.range(SUBSCRIPTION, i, 7, 900, 99_900) as f64 / 100.0,
            "billing_cycle": g.pick(SUBSCRIPTION, i, 8, CYCLES),
            "billing_frequency": 1,
            "credit_card_id": null,
            "payment_gateway_id": null,
            "sale_affiliate_id": null,
            "use_default_payment_gateway": true,
            "start_date": fmt_date(start),
            "next_bill_date": active.then(|| fmt_date(start + 30 * 86_400)),
            "end_date": (!active).then(|| fmt_date(start + 365 * 86_400)),
        })
    }

    /// (contact, transaction time)
    pub(super) fn transaction(&self, i: usize) -> (usize, i64) {
        (
            self.g.range(TRANSACTION, i, 1, 0, self.n as u64 - 1) as usize,
            self.g.time(TRANSACTION, i, 2),
        )
    }

    pub(super) fn transaction_json(&self, i: usize) -> Value {
        let g = &self.g;
        let (contact, at) = self.transaction(i);
        let ok = !g.chance(TRANSACTION, i, 3, 10);
        json!({
            "id": i + 1,
            "amount": g.range(TRANSACTION, i, 4, 500, 200_000) as f64 / 100.0,
            "currency": "USD",
            "status": if ok { "Approved" } else { "Declined" },
            "type": "Sale",
            "gateway": "KEAP_PAY",
            "gateway_account_name": "Keap Payments",
            "collection_method": "Automatic",
            "errors": if ok { Value::Null } else { json!("Card declined") },
            "test": false,
            "contact_id": contact + 1,
            "transaction_date": fmt_iso_ms(at),
            "paymentDate": fmt_iso_ms(at),
            "order_ids": format!("{}", g.range(TRANSACTION, i, 5, 1, self.n as u64)),
            "orders": [],
        })
    }

    pub(super) fn campaign_json(&self, k: usize) -> Value {
        let g = &self.g;
        let created = g.time(CAMPAIGN, k, 1);
        let published = k != CAMPAIGNS.len() - 1;
        json!({
            "id": k + 1,
            "name": CAMPAIGNS[k],
            "locked": false,
            "published_status": published,
            "published_date": published.then(|| fmt_iso_ms(created + 86_400)),
            "published_time_zone": "Europe/Helsinki",
            "time_zone": "Europe/Helsinki",
            "date_created": fmt_iso_ms(created),
            "error_message": null,
            "created_by_global_id": 1,
        })
    }
}
