//! Keap REST v2 lead sources and what they cost, all paged by page tokens (keap/v2.rs):
//! `GET /leadSources` and `/{id}` → `{id, name, description, vendor, medium, message, status
//! (ACTIVE|INACTIVE), lead_source_category_id, start_time, end_time, create_time, update_time}`;
//! `GET /leadSourceCategories` and `/{id}` → `{id, name, description, create_time, update_time}`;
//! per lead source `GET /leadSources/{id}/expenses` → `lead_source_expenses[{id, title, notes,
//! amount, lead_source_id, lead_source_recurring_expense_id, create_time, update_time,
//! incurred_time}]` and `GET /leadSources/{id}/recurringExpenses` →
//! `lead_source_recurring_expenses[{id, title, notes, amount, lead_source_id, start_time,
//! end_time, next_expense_time, create_time, update_time}]`, where `amount` is v2's money object
//! `{amount (smallest currency unit), currency_code, formatted_amount}`. An unknown lead source is
//! a 404. Expense ids run over all lead sources; some sources have none.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::v2::{not_found, page};
use super::Data;
use crate::common::{id_of, ok, params};
use crate::data::fmt_iso;
use crate::AppState;

const LEAD_SOURCE: u64 = 0x3A;
const EXPENSE: u64 = 0x3B;

/// (name, vendor, medium)
const LEAD_SOURCES: [(&str, Option<&str>, &str); 8] = [
    ("Google Ads", Some("Google"), "cpc"),
    ("Facebook", Some("Meta"), "social"),
    ("Messe Helsinki 2024", None, "event"),
    ("Referral", None, "referral"),
    ("Newsletter", None, "email"),
    ("Organic search", Some("Google"), "organic"),
    ("Webinar 2025", Some("Zoom"), "webinar"),
    ("Cold call", None, "phone"),
];
const CATEGORIES: [(&str, Option<&str>); 3] = [
    ("Paid Advertising", Some("All paid marketing channels")),
    ("Events", Some("Fairs, webinars and workshops")),
    ("Organic", None),
];

/// Money as v2 writes it: minor units, currency and the tenant's formatting.
fn money(cents: u64) -> Value {
    json!({
        "amount": cents,
        "currency_code": "USD",
        "formatted_amount": format!("${}.{:02}", cents / 100, cents % 100),
    })
}

impl Data {
    fn lead_source_created(&self, j: usize) -> i64 {
        self.g.time(LEAD_SOURCE, j, 1)
    }

    pub(super) fn lead_source_json(&self, j: usize) -> Value {
        let g = &self.g;
        let (name, vendor, medium) = LEAD_SOURCES[j];
        let created = self.lead_source_created(j);
        json!({
            "id": (j + 1).to_string(),
            "name": name,
            "description": g.chance(LEAD_SOURCE, j, 2, 60).then(|| format!("{name} – leads since {}", &fmt_iso(created)[..4])),
            "vendor": vendor,
            "medium": medium,
            "message": g.chance(LEAD_SOURCE, j, 3, 40).then_some("Spring promotion"),
            "status": if j == LEAD_SOURCES.len() - 1 { "INACTIVE" } else { "ACTIVE" },
            // The last category has no source, and one source no category.
            "lead_source_category_id": (j != 3).then(|| (j % 2 + 1).to_string()),
            "start_time": fmt_iso(created),
            "end_time": g.chance(LEAD_SOURCE, j, 4, 40).then(|| fmt_iso(created + 180 * 86_400)),
            "create_time": fmt_iso(created),
            "update_time": fmt_iso(created + g.range(LEAD_SOURCE, j, 5, 0, 60 * 86_400) as i64),
        })
    }

    pub(super) fn lead_source_category_json(&self, c: usize) -> Value {
        let created = self.g.time(LEAD_SOURCE, 20 + c, 1);
        json!({
            "id": (c + 1).to_string(),
            "name": CATEGORIES[c].0,
            "description": CATEGORIES[c].1,
            "create_time": fmt_iso(created),
            "update_time": fmt_iso(created + 3600),
        })
    }

    fn recurring_count(&self, j: usize) -> usize {
        self.g.range(EXPENSE, j, 1, 0, 1) as usize
    }

    fn expense_count(&self, j: usize) -> usize {
        self.g.range(EXPENSE, j, 2, 0, 4) as usize
    }

    /// The global index of lead source `j`'s first expense (or recurring expense).
    fn first_of(&self, j: usize, count: impl Fn(usize) -> usize) -> usize {
        (0..j).map(count).sum()
    }

    /// Recurring expense `r` of lead source `j`.
    fn recurring_json(&self, j: usize, r: usize) -> Value {
        let g = &self.g;
        let id = self.first_of(j, |s| self.recurring_count(s)) + r + 1;
        let start = self.lead_source_created(j) + 86_400;
        let ends = g.chance(EXPENSE, id, 3, 50);
        json!({
            "id": id.to_string(),
            "title": format!("Monthly {} fee", LEAD_SOURCES[j].0),
            "notes": g.chance(EXPENSE, id, 4, 50).then_some("Billed on the 1st"),
            "amount": money(g.range(EXPENSE, id, 5, 1000, 90_000)),
            "lead_source_id": (j + 1).to_string(),
            "start_time": fmt_iso(start),
            "end_time": ends.then(|| fmt_iso(start + 365 * 86_400)),
            "next_expense_time": (!ends).then(|| fmt_iso(start + 30 * 86_400)),
            "create_time": fmt_iso(start),
            "update_time": fmt_iso(start + 600),
        })
    }

    /// Expense `e` of lead source `j`; some were incurred from its recurring expense.
    fn expense_json(&self, j: usize, e: usize) -> Value {
        let g = &self.g;
        let id = self.first_of(j, |s| self.expense_count(s)) + e + 1;
        let incurred = self.lead_source_created(j) + (e as i64 + 1) * 20 * 86_400;
        let recurring = (self.recurring_count(j) > 0 && g.chance(EXPENSE, id, 10, 50))
            .then(|| (self.first_of(j, |s| self.recurring_count(s)) + 1).to_string());
        json!({
            "id": id.to_string(),
            "title": format!("{} spend #{}", LEAD_SOURCES[j].0, e + 1),
            "notes": g.chance(EXPENSE, id, 11, 40).then_some("Q1 advertising spend – invoice 2024/17"),
            "amount": money(g.range(EXPENSE, id, 12, 0, 250_000)),
            "lead_source_id": (j + 1).to_string(),
            "lead_source_recurring_expense_id": recurring,
            "create_time": fmt_iso(incurred + 3600),
            "update_time": fmt_iso(incurred + 7200),
            "incurred_time": fmt_iso(incurred),
        })
    }

    pub(super) fn lead_source_rows(&self, table: &str) -> Option<Vec<Value>> {
        let n = LEAD_SOURCES.len();
        Some(match table {
            "lead_sources" => (0..n).map(|j| self.lead_source_json(j)).collect(),
            "lead_source_categories" => (0..CATEGORIES.len())
                .map(|c| self.lead_source_category_json(c))
                .collect(),
            "lead_source_expenses" => (0..n)
                .flat_map(|j| (0..self.expense_count(j)).map(move |e| self.expense_json(j, e)))
                .collect(),
            "lead_source_recurring_expenses" => (0..n)
                .flat_map(|j| (0..self.recurring_count(j)).map(move |r| self.recurring_json(j, r)))
                .collect(),
            _ => return None,
        })
    }
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/leadSources",
        get(|State(st): State<AppState>, uri: Uri| async move {
            page(&params(&uri), "lead_sources", LEAD_SOURCES.len(), |j| {
                st.keap.lead_source_json(j)
            })
        }),
    )
    .route(
        "/leadSources/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match id_of(&id, LEAD_SOURCES.len()) {
                    Some(j) => ok(st.keap.lead_source_json(j)),
                    None => not_found(),
                }
            },
        ),
    )
    .route(
        "/leadSources/{id}/expenses",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                let d = &st.keap;
                match id_of(&id, LEAD_SOURCES.len()) {
                    Some(j) => page(
                        &params(&uri),
                        "lead_source_expenses",
                        d.expense_count(j),
                        |e| d.expense_json(j, e),
                    ),
                    None => not_found(),
                }
            },
        ),
    )
    .route(
        "/leadSources/{id}/recurringExpenses",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                let d = &st.keap;
                match id_of(&id, LEAD_SOURCES.len()) {
                    Some(j) => page(
                        &params(&uri),
                        "lead_source_recurring_expenses",
                        d.recurring_count(j),
                        |r| d.recurring_json(j, r),
                    ),
                    None => not_found(),
                }
            },
        ),
    )
    .route(
        "/leadSourceCategories",
        get(|State(st): State<AppState>, uri: Uri| async move {
            page(
                &params(&uri),
                "lead_source_categories",
                CATEGORIES.len(),
                |c| st.keap.lead_source_category_json(c),
            )
        }),
    )
    .route(
        "/leadSourceCategories/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match id_of(&id, CATEGORIES.len()) {
                    Some(c) => ok(st.keap.lead_source_category_json(c)),
                    None => not_found(),
                }
            },
        ),
    )
}
