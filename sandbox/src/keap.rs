//! Keap (Infusionsoft) REST v1 imitation under `/keap/crm/rest/v1`: contacts (with their phone
//! numbers and addresses as Keap documents them), companies, opportunities, orders, tags, tasks,
//! products, users (more tables in keap/: notes, subscriptions, transactions, campaigns,
//! appointments, sent e-mails, files, affiliates, the stage pipeline, order payments, applied
//! tags); REST v2's lists that v1 lacks under `/keap/crm/rest/v2` (keap/v2.rs); `limit`/`offset`
//! paging (max 1000) with `{"<plural>": [...], "count", "next", "previous"}` where `next` is
//! present even on the last page; the documented filters and `order`/`order_direction`
//! (keap/sort.rs); `X-Keap-API-Key` or Bearer auth; Apigee `fault` bodies on 401/429;
//! `x-keap-product-quota-*` / `-throttle-*` headers.
//!
//! Writes (keap/writes.rs and keap/write_*.rs): contacts, companies, opportunities, tasks, notes
//! and applied tags; every read of those tables shows them (keap/overlay.rs, keap/applied.rs),
//! the v2 stage moves and contact links included. The manifest and `/_sandbox/data` are
//! keap/export.rs's.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::common::{
    bearer, header_str, id_of, json, num, ok, param, params, query_string, select, Params,
    Rejection,
};
use crate::data::{self, company_name, fmt_date, fmt_iso_ms, Gen, FIRST_NAMES, LAST_NAMES};
use crate::faults::{Fault, RateInfo};
use crate::keap_fields::{self, Model};
use crate::{AppState, Shared};

mod activity;
mod affiliates;
mod applied;
mod export;
mod files;
mod lead_sources;
mod links;
mod more;
mod overlay;
mod payments;
mod record_filters;
mod sort;
mod stage_moves;
mod stages;
mod tags;
mod v2;
mod write_body;
mod write_companies;
mod write_contacts;
mod write_manifest;
mod write_notes;
mod write_opportunities;
mod write_store;
mod write_tags;
mod write_tasks;
mod writes;

pub use export::{manifest, table_data};
pub use v2::router as router_v2;

const CONTACT: u64 = 0x40;
const COMPANY: u64 = 0x41;
const OPPORTUNITY: u64 = 0x42;
const ORDER: u64 = 0x43;
const TASK: u64 = 0x44;
const PRODUCT: u64 = 0x45;
const USER: u64 = 0x46;

pub const TAGS: usize = 15;
pub const PRODUCTS: usize = 20;
pub const USERS: usize = 5;
const MAX_LIMIT: usize = 1000;
const STAGES: [&str; 5] = [
    "New Opportunity",
    "Qualification",
    "Proposal",
    "Negotiation",
    "Closed Won",
];
const TAG_NAMES: [&str; TAGS] = [
    "Customer",
    "Lead",
    "Newsletter",
    "VIP",
    "Webinar 2024",
    "Webinar 2025",
    "Partner",
    "Churned",
    "Trial",
    "Événement Paris",
    "Cold",
    "Warm",
    "Hot",
    "Referral",
    "Do not call",
];
/// Tag categories; the last holds no tag.
const TAG_CATEGORIES: [&str; 4] = ["Lifecycle", "Marketing", "Sales", "Archive"];
const PRODUCT_NAMES: &[&str] = &[
    "Starter plan",
    "Pro plan",
    "Consulting hour",
    "Workshop",
    "E-book",
    "Support add-on",
    "Kaffeemaschine",
];
const TASK_TYPES: &[&str] = &["Call", "Email", "Appointment", "Fax", "Letter", "Other"];

/// The stage object opportunities embed, of stage `s` (0-based).
fn stage_json(s: usize) -> Value {
    json!({
        "id": s + 1, "name": STAGES[s],
        "details": { "order": s + 1, "probability": (s + 1) * 20, "target_num_days": 30, "check_list_items": [] },
    })
}

struct Contact {
    first: &'static str,
    last: Option<&'static str>,
    emails: usize,
    phones: usize,
    company: Option<usize>,
    owner: Option<usize>,
    created: i64,
    updated: i64,
}

pub struct Data {
    g: Gen,
    n: usize,
    email_rows: usize,
    phone_rows: usize,
    address_rows: usize,
    contact_tag_rows: usize,
    /// Where each opportunity's stage moves start among all of them (keap/stage_moves.rs), then
    /// their number.
    stage_move_starts: Vec<usize>,
}

impl Data {
    pub fn new(g: &Gen, n: usize) -> Self {
        let mut d = Data {
            g: *g,
            n,
            email_rows: 0,
            phone_rows: 0,
            address_rows: 0,
            contact_tag_rows: 0,
            stage_move_starts: Vec::new(),
        };
        for i in 0..n {
            let c = d.contact(i);
            d.email_rows += c.emails;
            d.phone_rows += c.phones;
            d.address_rows += d.address_fields(i).len();
            d.contact_tag_rows += d.contact_tags(i).len();
        }
        d.stage_move_starts = d.count_stage_moves();
        d
    }

    fn contact(&self, i: usize) -> Contact {
        let g = &self.g;
        let created = g.time(CONTACT, i, 1);
        Contact {
            first: g.pick(CONTACT, i, 2, FIRST_NAMES),
            last: (!g.chance(CONTACT, i, 3, 10)).then(|| g.pick(CONTACT, i, 4, LAST_NAMES)),
            emails: g.range(CONTACT, i, 5, 0, 3) as usize,
            phones: g.range(CONTACT, i, 6, 0, 2) as usize,
            company: if g.chance(CONTACT, i, 7, 30) {
                None
            } else {
                g.index(CONTACT, i, 8, self.n)
            },
            owner: (!g.chance(CONTACT, i, 9, 40))
                .then(|| g.range(CONTACT, i, 10, 0, USERS as u64 - 1) as usize),
            created,
            updated: created + g.range(CONTACT, i, 11, 0, 200 * 86_400) as i64,
        }
    }

    fn contact_email(&self, i: usize, k: usize) -> String {
        let c = self.contact(i);
        data::email(&self.g, CONTACT, i, k, c.first, c.last.unwrap_or("contact"))
    }

    /// The short contact object embedded in opportunities, orders and tasks.
    fn contact_ref(&self, i: usize) -> Value {
        let c = self.contact(i);
        json!({
            "id": i + 1, "first_name": c.first, "last_name": c.last,
            "email": (c.emails > 0).then(|| self.contact_email(i, 0)),
            "company_name": c.company.map(|co| company_name(&self.g, COMPANY, co)),
        })
    }

    fn contact_json(&self, i: usize) -> Value {
        let c = self.contact(i);
        let g = &self.g;
        let emails: Vec<Value> = (0..c.emails)
            .map(|k| json!({ "email": self.contact_email(i, k), "field": format!("EMAIL{}", k + 1) }))
            .collect();
        let phones: Vec<Value> = (0..c.phones).map(|k| self.phone_json(i, k)).collect();
        let addresses: Vec<Value> = self
            .address_fields(i)
            .iter()
            .enumerate()
            .map(|(k, field)| self.address_json(i, k, field))
            .collect();
        json!({
            "id": i + 1,
            "given_name": c.first,
            "family_name": c.last,
            "middle_name": null,
            "preferred_name": null,
            "job_title": (!g.chance(CONTACT, i, 18, 50)).then(|| g.pick(CONTACT, i, 19, &["CEO", "Buyer", "Ingénieur", "Office manager"])),
            "email_addresses": emails,
            "phone_numbers": phones,
            "addresses": addresses,
            "company": c.company.map(|co| json!({ "id": co + 1, "company_name": company_name(g, COMPANY, co) })),
            "owner_id": c.owner.map(|u| u + 1),
            "email_status": g.pick(CONTACT, i, 20, &["SingleOptIn", "UnengagedMarketable", "NonMarketable"]),
            "email_opted_in": g.chance(CONTACT, i, 21, 60),
            "date_created": fmt_iso_ms(c.created),
            "last_updated": fmt_iso_ms(c.updated),
        })
    }

    /// Phone `k` of contact `i`, as v1 documents it: `{number, extension, type, field,
    /// number_e164}`. The second number is written as a person types it; some lack the E.164
    /// form (an empty value the child table must show as NULL).
    fn phone_json(&self, i: usize, k: usize) -> Value {
        let g = &self.g;
        let e164 = data::phone(g, CONTACT, i, k);
        let number = if k == 0 {
            e164.clone()
        } else {
            format!("{} {} {}", &e164[..4], &e164[4..7], &e164[7..])
        };
        json!({
            "number": number,
            "extension": (k == 0 && g.chance(CONTACT, i, 31, 20)).then(|| format!("{}", g.range(CONTACT, i, 32, 10, 999))),
            "field": format!("PHONE{}", k + 1),
            "type": if k == 0 { "Work" } else { "Mobile" },
            "number_e164": (!g.chance(CONTACT, i, 33 + k as u64, 10)).then_some(e164),
        })
    }

    /// The address slots contact `i` fills: a billing address for half the contacts, a shipping
    /// one for some of those.
    fn address_fields(&self, i: usize) -> &'static [&'static str] {
        match (
            self.g.chance(CONTACT, i, 12, 50),
            self.g.chance(CONTACT, i, 30, 40),
        ) {
            (false, _) => &[],
            (true, false) => &["BILLING"],
            (true, true) => &["BILLING", "SHIPPING"],
        }
    }

    /// Address `k` of contact `i` in slot `field` (BILLING, SHIPPING, OTHER), as v1 documents
    /// it: a US address has `zip_code` and `zip_four`, any other `postal_code`; `country_code`
    /// is ISO 3166-1 alpha-3.
    fn address_json(&self, i: usize, k: usize, field: &str) -> Value {
        let g = &self.g;
        let f = 40 * k as u64;
        // The first address keeps the draws it had before shipping addresses existed.
        let (street, number, city, code, country) = if k == 0 {
            (13, 14, 15, 16, 17)
        } else {
            (41 + f, 42 + f, 43 + f, 44 + f, 45 + f)
        };
        let country = g.pick(CONTACT, i, country, &["FIN", "DEU", "USA", "PRT"]);
        let us = country == "USA";
        json!({
            "field": field,
            "line1": format!("{} {}", g.pick(CONTACT, i, street, data::STREETS), g.range(CONTACT, i, number, 1, 99)),
            "line2": g.chance(CONTACT, i, 46 + f, 20).then_some("Apartment 4 B"),
            "locality": g.pick(CONTACT, i, city, data::CITIES),
            "region": us.then_some("Arizona"),
            "postal_code": (!us).then(|| format!("{:05}", g.range(CONTACT, i, code, 1000, 99_999))),
            "zip_code": us.then(|| format!("{:05}", g.range(CONTACT, i, code, 10_000, 99_999))),
            "zip_four": (us && g.chance(CONTACT, i, 47 + f, 50)).then(|| format!("{:04}", g.range(CONTACT, i, 48 + f, 0, 9999))),
            "country_code": country,
        })
    }

    fn company_json(&self, i: usize) -> Value {
        let g = &self.g;
        json!({
            "id": i + 1,
            "company_name": company_name(g, COMPANY, i),
            "email_address": (!g.chance(COMPANY, i, 1, 30)).then(|| format!("info{}@example.com", i + 1)),
            "phone_number": (!g.chance(COMPANY, i, 2, 30)).then(|| json!({
                "number": data::phone(g, COMPANY, i, 0), "extension": null, "type": "Work",
            })),
            "address": (!g.chance(COMPANY, i, 3, 40)).then(|| json!({
                "line1": format!("{} {}", g.pick(COMPANY, i, 4, data::STREETS), g.range(COMPANY, i, 5, 1, 99)),
                "line2": null, "locality": g.pick(COMPANY, i, 6, data::CITIES), "region": null,
                "zip_code": format!("{:05}", g.range(COMPANY, i, 7, 1000, 99_999)), "zip_four": null,
                "country_code": "FIN",
            })),
        })
    }

    fn opportunity(&self, i: usize) -> (Option<usize>, usize, usize) {
        let g = &self.g;
        (
            g.index(OPPORTUNITY, i, 1, self.n),
            g.range(OPPORTUNITY, i, 2, 0, USERS as u64 - 1) as usize,
            g.range(OPPORTUNITY, i, 3, 0, STAGES.len() as u64 - 1) as usize,
        )
    }

    fn opportunity_json(&self, i: usize) -> Value {
        let g = &self.g;
        let (contact, user, stage) = self.opportunity(i);
        let low = g.range(OPPORTUNITY, i, 4, 100, 50_000) as f64;
        let created = g.time(OPPORTUNITY, i, 5);
        json!({
            "id": i + 1,
            "opportunity_title": format!("{} for {}", g.pick(OPPORTUNITY, i, 6, PRODUCT_NAMES), i + 1),
            "contact": contact.map(|c| self.contact_ref(c)),
            "user": self.user_ref(user),
            "stage": stage_json(stage),
            "projected_revenue_low": low,
            "projected_revenue_high": low * 1.5,
            "estimated_close_date": (!g.chance(OPPORTUNITY, i, 7, 30)).then(|| fmt_iso_ms(created + 60 * 86_400)),
            "opportunity_notes": g.chance(OPPORTUNITY, i, 8, 30).then_some("Budget approved — waiting for PO"),
            "next_action_date": null,
            "next_action_notes": null,
            "include_in_forecast": 0,
            "affiliate_id": null,
            "date_created": fmt_iso_ms(created),
            "last_updated": fmt_iso_ms(created + 86_400),
        })
    }

    /// The user object opportunities embed.
    fn user_ref(&self, u: usize) -> Value {
        let (first, last) = self.user_name(u);
        json!({ "id": u + 1, "first_name": first, "last_name": last })
    }

    /// Items over every order: the rows of the order_items child table.
    fn order_item_rows(&self) -> usize {
        (0..self.n)
            .map(|i| self.g.range(ORDER, i, 3, 1, 3) as usize)
            .sum()
    }

    /// (contact, paid)
    fn order(&self, i: usize) -> (Option<usize>, bool) {
        (
            self.g.index(ORDER, i, 1, self.n),
            self.g.chance(ORDER, i, 2, 55),
        )
    }

    fn product_price(&self, p: usize) -> f64 {
        self.g.range(PRODUCT, p, 1, 500, 50_000) as f64 / 100.0
    }

    fn product_name(&self, p: usize) -> String {
        format!("{} {}", self.g.pick(PRODUCT, p, 2, PRODUCT_NAMES), p + 1)
    }

    fn order_json(&self, i: usize) -> Value {
        let g = &self.g;
        let (contact, paid) = self.order(i);
        let items: Vec<(usize, u64)> = (0..g.range(ORDER, i, 3, 1, 3))
            .map(|k| {
                (
                    g.range(ORDER, i, 10 + k, 0, PRODUCTS as u64 - 1) as usize,
                    g.range(ORDER, i, 20 + k, 1, 5),
                )
            })
            .collect();
        let total_cents: u64 = items
            .iter()
            .map(|(p, q)| (self.product_price(*p) * 100.0).round() as u64 * q)
            .sum();
        let total = total_cents as f64 / 100.0;
        let created = g.time(ORDER, i, 4);
        json!({
            "id": i + 1,
            "title": format!("Order #{}", i + 1),
            "status": if paid { "PAID" } else { "UNPAID" },
            "total": total,
            "total_due": if paid { 0.0 } else { total },
            "total_paid": if paid { total } else { 0.0 },
            "order_date": fmt_iso_ms(created),
            "creation_date": fmt_iso_ms(created),
            "modification_date": fmt_iso_ms(created + 3600),
            "recurring": false,
            "order_type": "Offline",
            "source_type": "MANUAL",
            "lead_affiliate_id": 0,
            "contact": contact.map(|c| self.contact_ref(c)),
            "order_items": items.iter().enumerate().map(|(k, (p, q))| json!({
                "id": (i + 1) * 10 + k, "name": self.product_name(*p), "description": null,
                "quantity": q, "price": self.product_price(*p), "type": "Product",
                "product": { "id": p + 1, "name": self.product_name(*p), "sku": format!("SKU-{:04}", p + 1),
                              "description": null, "shippable": false, "taxable": true },
            })).collect::<Vec<_>>(),
        })
    }

    /// (contact, completed)
    fn task(&self, i: usize) -> (Option<usize>, bool) {
        let g = &self.g;
        let contact = if g.chance(TASK, i, 1, 20) {
            None
        } else {
            g.index(TASK, i, 2, self.n)
        };
        (contact, g.chance(TASK, i, 3, 50))
    }

    fn task_json(&self, i: usize) -> Value {
        let g = &self.g;
        let (contact, completed) = self.task(i);
        let created = g.time(TASK, i, 4);
        let due = created + g.range(TASK, i, 5, 1, 30) as i64 * 86_400;
        json!({
            "id": i + 1,
            "title": format!("{} #{}", g.pick(TASK, i, 6, TASK_TYPES), i + 1),
            "description": g.chance(TASK, i, 7, 50).then_some("Remember to mention the discount – 10 %"),
            "completed": completed,
            "completion_date": completed.then(|| fmt_iso_ms(due - 3600)),
            "due_date": (!g.chance(TASK, i, 8, 15)).then(|| fmt_iso_ms(due)),
            "priority": g.range(TASK, i, 9, 1, 3),
            "type": g.pick(TASK, i, 10, TASK_TYPES),
            "contact": contact.map(|c| self.contact_ref(c)),
            "user_id": g.range(TASK, i, 11, 1, USERS as u64),
            "creation_date": fmt_iso_ms(created),
            "remind_time": null,
        })
    }

    /// The category of tag `k` (an index of TAG_CATEGORIES); every fourth tag has none.
    fn tag_category(&self, k: usize) -> Option<usize> {
        (k % 4 != 3).then_some(k % 3)
    }

    fn tag_json(&self, k: usize) -> Value {
        json!({
            "id": k + 1,
            "name": TAG_NAMES[k],
            "description": k.is_multiple_of(3).then(|| format!("Contacts tagged {}", TAG_NAMES[k])),
            "category": self.tag_category(k).map(|c| json!({ "id": c + 1, "name": TAG_CATEGORIES[c] })),
        })
    }

    fn product_json(&self, p: usize) -> Value {
        json!({
            "id": p + 1,
            "product_name": self.product_name(p),
            "product_desc": format!("<p>{}</p>", self.product_name(p)),
            "product_short_desc": null,
            "product_price": self.product_price(p),
            "sku": format!("SKU-{:04}", p + 1),
            "active": p % 7 != 6,
            "subscription_only": false,
            "product_options": [],
            "subscription_plans": [],
            "url": null,
        })
    }

    fn user_name(&self, u: usize) -> (&'static str, &'static str) {
        (
            self.g.pick(USER, u, 1, FIRST_NAMES),
            self.g.pick(USER, u, 2, LAST_NAMES),
        )
    }

    fn user_json(&self, u: usize) -> Value {
        let (f, l) = self.user_name(u);
        json!({
            "id": u + 1, "given_name": f, "family_name": l,
            "email_address": data::email(&self.g, USER, u, 0, f, l),
            "preferred_name": null, "status": if u == USERS - 1 { "Inactive" } else { "Active" },
            "admin": u == 0, "partner": false, "infusionsoft_id": format!("user{}@sandbox.infusionsoft.com", u + 1),
            "created_by": 1, "date_created": fmt_date(data::DATA_START),
        })
    }
}

#[derive(Clone, Copy)]
enum Table {
    Contacts,
    Companies,
    Opportunities,
    Orders,
    Tags,
    Tasks,
    Products,
    Users,
    Notes,
    Subscriptions,
    Transactions,
    Campaigns,
    Appointments,
    Emails,
    Files,
    Affiliates,
}

const TABLES: [(&str, Table); 16] = [
    ("contacts", Table::Contacts),
    ("companies", Table::Companies),
    ("opportunities", Table::Opportunities),
    ("orders", Table::Orders),
    ("tags", Table::Tags),
    ("tasks", Table::Tasks),
    ("products", Table::Products),
    ("users", Table::Users),
    ("notes", Table::Notes),
    ("subscriptions", Table::Subscriptions),
    ("transactions", Table::Transactions),
    ("campaigns", Table::Campaigns),
    ("appointments", Table::Appointments),
    ("emails", Table::Emails),
    ("files", Table::Files),
    ("affiliates", Table::Affiliates),
];

impl Table {
    fn count(self, d: &Data) -> usize {
        match self {
            Table::Tags => TAGS,
            Table::Products => PRODUCTS,
            Table::Users => USERS,
            Table::Subscriptions => d.subscription_count(),
            Table::Transactions => d.transaction_count(),
            Table::Campaigns => more::CAMPAIGNS.len(),
            Table::Appointments => d.appointment_count(),
            Table::Emails => d.email_count(),
            Table::Files => d.file_count(),
            Table::Affiliates => affiliates::AFFILIATES,
            _ => d.n,
        }
    }

    /// Record `i`, with its `custom_fields` when `custom` (the request asked for them).
    fn render_with(self, d: &Data, i: usize, custom: bool) -> Value {
        let mut record = self.render(d, i);
        let model = match self {
            Table::Contacts => Model::Contact,
            Table::Companies => Model::Company,
            _ => return record,
        };
        if let (true, Value::Object(map)) = (custom, &mut record) {
            map.insert(
                "custom_fields".into(),
                keap_fields::values(&d.g, model, i, USERS),
            );
        }
        record
    }

    fn render(self, d: &Data, i: usize) -> Value {
        match self {
            Table::Contacts => d.contact_json(i),
            Table::Companies => d.company_json(i),
            Table::Opportunities => d.opportunity_json(i),
            Table::Orders => d.order_json(i),
            Table::Tags => d.tag_json(i),
            Table::Tasks => d.task_json(i),
            Table::Products => d.product_json(i),
            Table::Users => d.user_json(i),
            Table::Notes => d.note_json(i),
            Table::Subscriptions => d.subscription_json(i),
            Table::Transactions => d.transaction_json(i),
            Table::Campaigns => d.campaign_json(i),
            Table::Appointments => d.appointment_json(i),
            Table::Emails => d.email_json(i),
            Table::Files => d.file_json(i),
            Table::Affiliates => d.affiliate_json(i),
        }
    }

    /// What `GET /<table>/{id}` answers: the list record, except that a sent e-mail adds its
    /// content and a file comes wrapped in `file_descriptor`.
    fn render_single(self, d: &Data, i: usize, p: &Params) -> Value {
        let optional = param(p, "optional_properties");
        match self {
            Table::Emails => d.email_single(i),
            Table::Files => d.file_single(i, optional),
            _ => self.render_with(d, i, keap_fields::asked(optional)),
        }
    }
}

type Filter<'a> = Box<dyn Fn(usize) -> bool + 'a>;

fn id_filter(p: &Params, key: &str) -> Result<Option<usize>, Rejection> {
    match param(p, key) {
        None => Ok(None),
        Some(v) => v.trim().parse::<usize>().map(Some).map_err(|_| {
            Box::new(message(
                StatusCode::BAD_REQUEST,
                &format!("Invalid {key}: {v}"),
            ))
        }),
    }
}

fn bool_filter(p: &Params, key: &str) -> Result<Option<bool>, Rejection> {
    match param(p, key) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(v) => Err(Box::new(message(
            StatusCode::BAD_REQUEST,
            &format!("Invalid {key}: {v}"),
        ))),
    }
}

/// An ISO 8601 date or date-time parameter as Unix seconds; 400 when it is not one.
fn time_filter(p: &Params, key: &str) -> Result<Option<i64>, Rejection> {
    match param(p, key) {
        None => Ok(None),
        Some(v) => data::parse_datetime(v).map(Some).ok_or_else(|| {
            Box::new(message(
                StatusCode::BAD_REQUEST,
                &format!("Invalid {key}: {v} is not an ISO 8601 date"),
            ))
        }),
    }
}

fn filters<'a>(d: &'a Data, t: Table, p: &Params) -> Result<Vec<Filter<'a>>, Rejection> {
    let mut out: Vec<Filter<'a>> = Vec::new();
    match t {
        Table::Contacts => {
            if let Some(e) = param(p, "email") {
                let e = e.to_owned();
                out.push(Box::new(move |i| {
                    (0..d.contact(i).emails).any(|k| d.contact_email(i, k) == e)
                }));
            }
            if let Some(f) = param(p, "given_name") {
                let f = f.to_owned();
                out.push(Box::new(move |i| d.contact(i).first == f));
            }
            if let Some(l) = param(p, "family_name") {
                let l = l.to_owned();
                out.push(Box::new(move |i| d.contact(i).last == Some(l.as_str())));
            }
            // Keap: `since` and `until` bound LastUpdated, both ends included.
            if let Some(since) = time_filter(p, "since")? {
                out.push(Box::new(move |i| d.contact(i).updated >= since));
            }
            if let Some(until) = time_filter(p, "until")? {
                out.push(Box::new(move |i| d.contact(i).updated <= until));
            }
        }
        Table::Tasks => {
            if let Some(c) = id_filter(p, "contact_id")? {
                out.push(Box::new(move |i| d.task(i).0.map(|x| x + 1) == Some(c)));
            }
            if let Some(done) = bool_filter(p, "completed")? {
                out.push(Box::new(move |i| d.task(i).1 == done));
            }
            if let Some(u) = id_filter(p, "user_id")? {
                out.push(Box::new(move |i| {
                    d.task_json(i)["user_id"].as_u64() == Some(u as u64)
                }));
            }
        }
        Table::Companies => {
            if let Some(name) = param(p, "company_name") {
                let name = name.to_owned();
                out.push(Box::new(move |i| {
                    d.company_json(i)["company_name"].as_str() == Some(name.as_str())
                }));
            }
        }
        Table::Tags => {
            if let Some(name) = param(p, "name") {
                let name = name.to_owned();
                out.push(Box::new(move |i| {
                    d.tag_json(i)["name"].as_str() == Some(name.as_str())
                }));
            }
        }
        Table::Orders => {
            if let Some(c) = id_filter(p, "contact_id")? {
                out.push(Box::new(move |i| d.order(i).0.map(|x| x + 1) == Some(c)));
            }
            if let Some(paid) = bool_filter(p, "paid")? {
                out.push(Box::new(move |i| d.order(i).1 == paid));
            }
        }
        Table::Notes => {
            if let Some(c) = id_filter(p, "contact_id")? {
                out.push(Box::new(move |i| d.note(i).0 + 1 == c));
            }
            if let Some(u) = id_filter(p, "user_id")? {
                out.push(Box::new(move |i| d.note(i).1 + 1 == u));
            }
        }
        Table::Subscriptions => {
            if let Some(c) = id_filter(p, "contact_id")? {
                out.push(Box::new(move |i| d.subscription_contact(i) + 1 == c));
            }
        }
        Table::Transactions => {
            if let Some(c) = id_filter(p, "contact_id")? {
                out.push(Box::new(move |i| d.transaction(i).0 + 1 == c));
            }
            // `since` and `until` bound transaction_date, both ends included.
            if let Some(since) = time_filter(p, "since")? {
                out.push(Box::new(move |i| d.transaction(i).1 >= since));
            }
            if let Some(until) = time_filter(p, "until")? {
                out.push(Box::new(move |i| d.transaction(i).1 <= until));
            }
        }
        Table::Opportunities => {
            if let Some(s) = id_filter(p, "stage_id")? {
                out.push(Box::new(move |i| d.opportunity(i).2 + 1 == s));
            }
            if let Some(u) = id_filter(p, "user_id")? {
                out.push(Box::new(move |i| d.opportunity(i).1 + 1 == u));
            }
        }
        Table::Appointments => activity::appointment_filters(d, p, &mut out)?,
        Table::Emails => activity::email_filters(d, p, &mut out)?,
        Table::Files => files::file_filters(d, p, &mut out)?,
        Table::Affiliates => affiliates::affiliate_filters(d, p, &mut out)?,
        _ => {}
    }
    Ok(out)
}

/// The page a v1 list request asks for: (offset, limit), limit capped at 1000.
fn window(p: &Params) -> (usize, usize) {
    let offset = num(p, "offset").unwrap_or(0).max(0) as usize;
    let limit = num(p, "limit")
        .filter(|l| *l > 0)
        .map_or(MAX_LIMIT, |l| (l as usize).min(MAX_LIMIT));
    (offset, limit)
}

/// v1's list envelope: `{<name>: records, count, next, previous}`, the links carrying the
/// request's other parameters as Keap's do.
fn envelope(
    st: &Shared,
    name: &str,
    p: &Params,
    (offset, limit): (usize, usize),
    records: Vec<Value>,
    total: usize,
) -> Value {
    let others: Vec<(String, String)> = p
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "limit" | "offset" | "access_token"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let link = |off: usize| {
        let mut q = others.clone();
        q.push(("limit".into(), limit.to_string()));
        q.push(("offset".into(), off.to_string()));
        format!(
            "{}/keap/crm/rest/v1/{name}/?{}",
            st.base_url,
            query_string(&q)
        )
    };
    json!({
        name: records,
        "count": total,
        "next": link(offset + limit),
        "previous": link(offset.saturating_sub(limit)),
    })
}

fn list(st: &Shared, name: &str, t: Table, uri: &Uri) -> Response {
    let d = &st.keap;
    let p = params(uri);
    if let Some(resp) = written_list(st, name, t, &p) {
        return resp;
    }
    let (offset, limit) = window(&p);
    let filters = match filters(d, t, &p) {
        Ok(f) => f,
        Err(resp) => return *resp,
    };
    let keep = |i: usize| filters.iter().all(|f| f(i));
    let sorted = if param(&p, "order").is_some() || param(&p, "order_direction").is_some() {
        let kept: Vec<usize> = (0..t.count(d)).filter(|i| keep(*i)).collect();
        match sort::order(d, t, &p, &kept) {
            Ok(sorted) => sorted,
            Err(resp) => return *resp,
        }
    } else {
        None
    };
    let (rows, total) = match sorted {
        Some(sorted) => {
            let total = sorted.len();
            (sorted.into_iter().skip(offset).take(limit).collect(), total)
        }
        None => {
            let keep_ref: Option<&dyn Fn(usize) -> bool> = if filters.is_empty() {
                None
            } else {
                Some(&keep)
            };
            select(t.count(d), keep_ref, offset, limit)
        }
    };
    let custom = keap_fields::asked(param(&p, "optional_properties"));
    let records = rows
        .into_iter()
        .map(|i| t.render_with(d, i, custom))
        .collect();
    let mut body = envelope(st, name, &p, (offset, limit), records, total);
    if let Table::Appointments = t {
        body["sync_token"] = json!(format!("{:016x}", d.g.seed()));
    }
    ok(body)
}

/// The list of a table written to (None: nobody wrote to it, the generated path serves it): its
/// records as they read now (keap/overlay.rs), filtered and sorted as the generated ones are.
fn written_list(st: &Shared, name: &str, t: Table, p: &Params) -> Option<Response> {
    let w = overlay::active(st, t)?;
    let filters = match record_filters::of(t, p) {
        Ok(f) => f,
        Err(resp) => return Some(*resp),
    };
    let mut records: Vec<Value> = overlay::records(st, t, &w)
        .into_iter()
        .filter(|r| filters.iter().all(|f| f(r)))
        .collect();
    if param(p, "order").is_some() || param(p, "order_direction").is_some() {
        match sort::order_records(t, p, &records) {
            Ok(Some(order)) => {
                let mut slots: Vec<Option<Value>> = records.into_iter().map(Some).collect();
                records = order.into_iter().filter_map(|k| slots[k].take()).collect();
            }
            Ok(None) => {}
            Err(resp) => return Some(*resp),
        }
    }
    let (offset, limit) = window(p);
    let total = records.len();
    let custom = keap_fields::asked(param(p, "optional_properties"));
    let page = records
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|r| overlay::shown(t, r, custom))
        .collect();
    Some(ok(envelope(st, name, p, (offset, limit), page, total)))
}

/// `GET /<table>/{id}`: the record as it reads now; Keap's 404 when there is none.
fn single(st: &Shared, t: Table, id: &str, p: &Params) -> Response {
    let d = &st.keap;
    if t.writable().is_some() {
        let custom = keap_fields::asked(param(p, "optional_properties"));
        return match overlay::find(st, t, id) {
            Some(r) => ok(overlay::shown(t, r, custom)),
            None => message(StatusCode::NOT_FOUND, "Resource not found"),
        };
    }
    match id_of(id, t.count(d)) {
        Some(i) => ok(t.render_single(d, i, p)),
        None => message(StatusCode::NOT_FOUND, "Resource not found"),
    }
}

pub fn router() -> Router<AppState> {
    let mut r = Router::new();
    for (name, t) in TABLES {
        let handler =
            move |State(st): State<AppState>, uri: Uri| async move { list(&st, name, t, &uri) };
        // Keap's own `next` links end the path with a slash, so both forms must work.
        r = r
            .route(&format!("/{name}"), get(handler))
            .route(&format!("/{name}/"), get(handler))
            .route(
                &format!("/{name}/{{id}}"),
                get(
                    move |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                        single(&st, t, &id, &params(&uri))
                    },
                ),
            );
    }
    for model in Model::ALL {
        r = r.route(
            &format!("/{}/model", model.collection()),
            get(move || async move { ok(keap_fields::model_json(model)) }),
        );
    }
    r = stages::routes(r);
    r = payments::routes(r);
    r = tags::routes(r);
    r = writes::routes(r);
    r.fallback(|| async { message(StatusCode::NOT_FOUND, "Resource not found") })
        .method_not_allowed_fallback(|method: Method| async move {
            // A documented path asked with a method Keap does not document there (DELETE of a
            // company or an opportunity): Spring's answer behind Keap's gateway.
            message(
                StatusCode::METHOD_NOT_ALLOWED,
                &format!("Request method '{method}' not supported"),
            )
        })
}

/// Keap v1's own (Java-style) error body, for errors behind the gateway.
fn message(status: StatusCode, msg: &str) -> Response {
    json(status, json!({ "message": msg }))
}

/// The Apigee gateway's error body.
fn apigee(status: StatusCode, text: &str, code: &str) -> Response {
    json(
        status,
        json!({ "fault": { "faultstring": text, "detail": { "errorcode": code } } }),
    )
}

pub fn fault(f: Fault) -> Response {
    match f {
        Fault::Unauthorized => apigee(
            StatusCode::UNAUTHORIZED,
            "Invalid Access Token",
            "keymanagement.service.invalid_access_token",
        ),
        Fault::TokenExpired => apigee(
            StatusCode::UNAUTHORIZED,
            "Access Token expired",
            "keymanagement.service.access_token_expired",
        ),
        Fault::RateLimited => apigee(
            StatusCode::TOO_MANY_REQUESTS,
            "Rate limit quota violation. Quota limit exceeded.",
            "policies.ratelimit.QuotaViolation",
        ),
        Fault::Internal => message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
    }
}

pub fn authorized(st: &Shared, h: &HeaderMap) -> bool {
    let c = &st.creds;
    header_str(h, "x-keap-api-key") == Some(c.keap_key.as_str())
        // One SDK sends the key as a bearer token; accept it like the real gateway seems to.
        || bearer(h).is_some_and(|t| t == c.keap_token || t == c.keap_key)
}

static QUOTA_USED: AtomicU64 = AtomicU64::new(0);
const DAILY_QUOTA: u64 = 150_000;

pub fn rate_headers(info: &RateInfo, _limited: bool) -> Vec<(&'static str, String)> {
    let used = QUOTA_USED.fetch_add(1, Ordering::Relaxed) + 1;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let next_midnight = (now_ms / 86_400_000 + 1) * 86_400_000;
    vec![
        ("x-keap-product-quota-limit", DAILY_QUOTA.to_string()),
        ("x-keap-product-quota-time-unit", "day".into()),
        ("x-keap-product-quota-interval", "1".into()),
        (
            "x-keap-product-quota-available",
            DAILY_QUOTA.saturating_sub(used).to_string(),
        ),
        ("x-keap-product-quota-used", used.to_string()),
        (
            "x-keap-product-quota-expiry-time",
            next_midnight.to_string(),
        ),
        ("x-keap-product-throttle-limit", info.limit.to_string()),
        ("x-keap-product-throttle-time-unit", "second".into()),
        (
            "x-keap-product-throttle-interval",
            crate::faults::WINDOW.as_secs().to_string(),
        ),
        (
            "x-keap-product-throttle-available",
            info.remaining.to_string(),
        ),
        (
            "x-keap-product-throttle-used",
            (info.limit - info.remaining).to_string(),
        ),
    ]
}
