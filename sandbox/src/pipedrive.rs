//! Pipedrive API imitation under `/pipedrive/api/v1` (persons, organizations, deals,
//! activities, pipelines, stages, users here; more in the child modules) and `/pipedrive/api/v2`
//! (the same persons, organizations, deals, activities, pipelines and stages in v2's shape — see
//! `v2` — plus products and deal products); v1 `start`/`limit` paging with
//! `additional_data.pagination`, v2 (and some v1) cursor paging with
//! `additional_data.next_cursor`; the documented list filters; the three credential forms
//! (`api_token` query, `x-api-token` header, OAuth bearer); its error and 429 bodies and
//! `x-ratelimit-*` headers. Writes: v2 persons, organizations, deals, activities and products
//! (`writes`, `records`), v1 notes and leads (`note_writes`, `lead_writes`); every read of
//! those tables shows them (`overlay`, `v2_written`, `products_written`), and the v1 lists of
//! persons, organizations, deals and activities, which the profile no longer reads, do not.

use std::fmt::Write;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::common::{
    bearer, header_str, id_of, json, json_text, num, ok, param, params, push_json_opt,
    push_json_str, select, Params, Rejection,
};
use crate::control::table;
use crate::data::{self, company_name, fmt_date, fmt_space, Gen, FIRST_NAMES, LAST_NAMES};
use crate::faults::{Fault, RateInfo};
use crate::pipedrive_fields::{self as fields, Entity, Field};
use crate::{AppState, Shared};

mod admin;
mod body;
mod call_logs;
mod catalogs;
mod deal_billing;
mod files;
mod goals;
mod lead_writes;
mod leads;
mod mail;
mod note_writes;
mod notes;
mod overlay;
mod permissions;
mod products;
mod products_written;
mod projects;
mod record_rules;
mod records;
mod v1_sort;
mod v2;
mod v2_written;
mod variations;
mod write_manifest;
mod writes;

const PERSON: u64 = 0x10;
const ORG: u64 = 0x11;
const DEAL: u64 = 0x12;
const ACTIVITY: u64 = 0x13;
const USER: u64 = 0x14;

pub const USERS: usize = 10;
pub const PIPELINES: usize = 3;
pub const STAGES_PER_PIPELINE: usize = 4;
const STAGES: usize = PIPELINES * STAGES_PER_PIPELINE;
const PIPELINE_NAMES: [&str; PIPELINES] = ["Sales", "Partnerships", "Renewals"];
const STAGE_NAMES: [&str; STAGES_PER_PIPELINE] = [
    "Qualified",
    "Contact made",
    "Proposal made",
    "Negotiations started",
];
const STAGE_PROBABILITY: [u64; STAGES_PER_PIPELINE] = [10, 30, 60, 90];
const ACTIVITY_TYPES: &[&str] = &["call", "meeting", "task", "deadline", "email", "lunch"];
const CONTACT_LABELS: &[&str] = &["work", "home", "mobile", "other"];
const LOST_REASONS: &[&str] = &["Price too high", "Went with a competitor", "No budget"];
const PRODUCTS: &[&str] = &[
    "Licences",
    "Support plan",
    "Onboarding",
    "Hardware",
    "Training",
];
const CC_EMAIL: &str = "sandbox@pipedrivemail.com";

struct Person {
    first: &'static str,
    last: Option<&'static str>,
    owner: usize,
    org: Option<usize>,
    emails: usize,
    phones: usize,
    label: Option<u64>,
    add: i64,
    upd: i64,
}

impl Person {
    fn name(&self) -> String {
        match self.last {
            Some(l) => format!("{} {l}", self.first),
            None => self.first.to_owned(),
        }
    }
}

struct Org {
    name: String,
    owner: usize,
    address: Option<String>,
    add: i64,
    upd: i64,
}

struct Deal {
    title: String,
    value: f64,
    currency: &'static str,
    status: &'static str,
    stage: usize,
    person: Option<usize>,
    org: Option<usize>,
    user: usize,
    add: i64,
    upd: i64,
    expected_close: Option<i64>,
}

struct Activity {
    user: usize,
    deal: Option<usize>,
    person: Option<usize>,
    org: Option<usize>,
    kind: &'static str,
    done: bool,
    due: i64,
    duration_min: Option<u64>,
    note: Option<String>,
    add: i64,
    upd: i64,
}

/// Generated Pipedrive data plus the per-parent counts that need a whole-table pass.
pub struct Data {
    g: Gen,
    n: usize,
    open_deals: Vec<u32>,
    closed_deals: Vec<u32>,
    org_people: Vec<u32>,
    org_open_deals: Vec<u32>,
    email_rows: usize,
    phone_rows: usize,
    /// Serialised `owner_id` objects and names of the users, reused by every person row.
    user_refs: Vec<String>,
    user_names: Vec<String>,
    /// Field definitions of persons, deals, organizations and products (`Entity::ALL` order).
    fields: [Vec<Field>; 4],
}

impl Data {
    pub fn new(g: &Gen, n: usize) -> Self {
        let mut d = Data {
            g: *g,
            n,
            open_deals: vec![0; n],
            closed_deals: vec![0; n],
            org_people: vec![0; n],
            org_open_deals: vec![0; n],
            email_rows: 0,
            phone_rows: 0,
            user_refs: Vec::new(),
            user_names: Vec::new(),
            fields: Entity::ALL.map(|e| fields::fields(g, e)),
        };
        d.user_refs = (0..USERS).map(|u| d.user_ref(u).to_string()).collect();
        d.user_names = (0..USERS).map(|u| d.user_name(u)).collect();
        for i in 0..n {
            let p = d.person(i);
            if let Some(o) = p.org {
                d.org_people[o] += 1;
            }
            // The profile reads persons from API v2, which lists no blank entry for none (v1
            // serves an empty list as one).
            d.email_rows += p.emails;
            d.phone_rows += p.phones;
            let deal = d.deal(i);
            let open = deal.status == "open";
            if let Some(p) = deal.person {
                if open {
                    d.open_deals[p] += 1;
                } else {
                    d.closed_deals[p] += 1;
                }
            }
            if let (Some(o), true) = (deal.org, open) {
                d.org_open_deals[o] += 1;
            }
        }
        d
    }

    fn fields_of(&self, e: Entity) -> &[Field] {
        &self.fields[Entity::ALL.iter().position(|x| *x == e).unwrap_or(0)]
    }

    /// Record `i`'s custom-field members.
    fn custom_values(&self, e: Entity, i: usize) -> serde_json::Map<String, Value> {
        fields::values(&self.g, e, self.fields_of(e), i, USERS, self.n)
    }

    fn with_custom(&self, e: Entity, i: usize, mut record: Value) -> Value {
        if let Value::Object(map) = &mut record {
            map.extend(self.custom_values(e, i));
        }
        record
    }

    fn person(&self, i: usize) -> Person {
        let g = &self.g;
        let add = g.time(PERSON, i, 1);
        Person {
            first: g.pick(PERSON, i, 2, FIRST_NAMES),
            last: (!g.chance(PERSON, i, 3, 5)).then(|| g.pick(PERSON, i, 4, LAST_NAMES)),
            owner: g.range(PERSON, i, 5, 0, USERS as u64 - 1) as usize,
            org: if g.chance(PERSON, i, 6, 20) {
                None
            } else {
                g.index(PERSON, i, 7, self.n)
            },
            emails: g.range(PERSON, i, 8, 0, 3) as usize,
            phones: g.range(PERSON, i, 9, 0, 2) as usize,
            label: g
                .chance(PERSON, i, 10, 40)
                .then(|| g.range(PERSON, i, 11, 1, 5)),
            add,
            upd: add + g.range(PERSON, i, 12, 0, 90 * 86_400) as i64,
        }
    }

    fn org(&self, i: usize) -> Org {
        let g = &self.g;
        let add = g.time(ORG, i, 1);
        Org {
            name: company_name(g, ORG, i),
            owner: g.range(ORG, i, 2, 0, USERS as u64 - 1) as usize,
            address: (!g.chance(ORG, i, 3, 25)).then(|| {
                format!(
                    "{} {}, {}",
                    g.pick(ORG, i, 4, data::STREETS),
                    g.range(ORG, i, 5, 1, 200),
                    g.pick(ORG, i, 6, data::CITIES)
                )
            }),
            add,
            upd: add + g.range(ORG, i, 7, 0, 90 * 86_400) as i64,
        }
    }

    fn deal(&self, i: usize) -> Deal {
        let g = &self.g;
        let person = if g.chance(DEAL, i, 1, 10) {
            None
        } else {
            g.index(DEAL, i, 2, self.n)
        };
        let org = match person.and_then(|p| self.person(p).org) {
            Some(o) => Some(o),
            None if g.chance(DEAL, i, 3, 30) => g.index(DEAL, i, 4, self.n),
            None => None,
        };
        let status = match g.range(DEAL, i, 5, 0, 99) {
            0..=49 => "open",
            50..=74 => "won",
            _ => "lost",
        };
        let add = g.time(DEAL, i, 6);
        Deal {
            title: format!("{} deal {}", g.pick(DEAL, i, 7, PRODUCTS), i + 1),
            value: g.range(DEAL, i, 8, 0, 5_000_000) as f64 / 100.0,
            currency: g.pick(DEAL, i, 9, &["EUR", "USD"]),
            status,
            stage: g.range(DEAL, i, 10, 0, STAGES as u64 - 1) as usize,
            person,
            org,
            user: g.range(DEAL, i, 11, 0, USERS as u64 - 1) as usize,
            add,
            upd: add + g.range(DEAL, i, 12, 0, 60 * 86_400) as i64,
            expected_close: (!g.chance(DEAL, i, 13, 30))
                .then(|| add + g.range(DEAL, i, 14, 0, 180) as i64 * 86_400),
        }
    }

    fn activity(&self, i: usize) -> Activity {
        let g = &self.g;
        let deal = if g.chance(ACTIVITY, i, 1, 30) {
            None
        } else {
            g.index(ACTIVITY, i, 2, self.n)
        };
        let (person, org) = match deal {
            Some(d) => {
                let d = self.deal(d);
                (d.person, d.org)
            }
            None if g.chance(ACTIVITY, i, 3, 50) => {
                let p = g.index(ACTIVITY, i, 4, self.n);
                (p, p.and_then(|p| self.person(p).org))
            }
            None => (None, None),
        };
        let add = g.time(ACTIVITY, i, 5);
        Activity {
            user: g.range(ACTIVITY, i, 6, 0, USERS as u64 - 1) as usize,
            deal,
            person,
            org,
            kind: g.pick(ACTIVITY, i, 7, ACTIVITY_TYPES),
            done: g.chance(ACTIVITY, i, 8, 40),
            due: add + g.range(ACTIVITY, i, 9, 0, 30 * 24) as i64 * 3600,
            duration_min: g
                .chance(ACTIVITY, i, 10, 60)
                .then(|| g.range(ACTIVITY, i, 11, 1, 8) * 15),
            note: g
                .chance(ACTIVITY, i, 12, 30)
                .then(|| format!("Follow-up note #{} — “bring the contract”", i + 1)),
            add,
            upd: add + g.range(ACTIVITY, i, 13, 0, 30 * 86_400) as i64,
        }
    }

    fn user_name(&self, u: usize) -> String {
        format!(
            "{} {}",
            self.g.pick(USER, u, 1, FIRST_NAMES),
            self.g.pick(USER, u, 2, LAST_NAMES)
        )
    }

    fn user_email(&self, u: usize) -> String {
        data::email(
            &self.g,
            USER,
            u,
            0,
            self.g.pick(USER, u, 1, FIRST_NAMES),
            "sales",
        )
    }

    /// The `owner_id` / `user_id` object of v1 records.
    fn user_ref(&self, u: usize) -> Value {
        json!({
            "id": u + 1, "name": self.user_name(u), "email": self.user_email(u),
            "has_pic": 0, "pic_hash": null, "active_flag": true, "value": u + 1,
        })
    }

    fn org_ref(&self, o: usize) -> Value {
        let org = self.org(o);
        json!({
            "name": org.name, "people_count": self.org_people[o], "owner_id": org.owner + 1,
            "address": org.address, "active_flag": true, "cc_email": CC_EMAIL, "value": o + 1,
        })
    }

    /// Email (`kind` 0) or phone (`kind` 1) number `k` of person `i`.
    fn contact_value(&self, i: usize, k: usize, kind: u64, p: &Person) -> String {
        if kind == 0 {
            data::email(&self.g, PERSON, i, k, p.first, p.last.unwrap_or("x"))
        } else {
            data::phone(&self.g, PERSON, i, k)
        }
    }

    fn contact_list(&self, i: usize, count: usize, kind: u64, p: &Person) -> Value {
        if count == 0 {
            return json!([{ "value": "", "primary": true }]);
        }
        let items: Vec<Value> = (0..count)
            .map(|k| {
                let value = self.contact_value(i, k, kind, p);
                json!({
                    "label": self.g.pick(PERSON, i, 30 + kind * 4 + k as u64, CONTACT_LABELS),
                    "value": value,
                    "primary": k == 0,
                })
            })
            .collect();
        Value::Array(items)
    }

    fn person_json(&self, i: usize) -> Value {
        let p = self.person(i);
        let emails = self.contact_list(i, p.emails, 0, &p);
        let primary_email = (p.emails > 0).then(|| emails[0]["value"].clone());
        let record = json!({
            "id": i + 1,
            "company_id": 7_700_001,
            "owner_id": self.user_ref(p.owner),
            "org_id": p.org.map(|o| self.org_ref(o)),
            "name": p.name(),
            "first_name": p.first,
            "last_name": p.last,
            "open_deals_count": self.open_deals[i],
            "closed_deals_count": self.closed_deals[i],
            "related_open_deals_count": 0,
            "related_closed_deals_count": 0,
            "email": emails,
            "phone": self.contact_list(i, p.phones, 1, &p),
            "primary_email": primary_email,
            "first_char": p.first.chars().flat_map(char::to_lowercase).next().map(String::from),
            "add_time": fmt_space(p.add),
            "update_time": fmt_space(p.upd),
            "visible_to": "3",
            "picture_id": null,
            "label": p.label,
            "org_name": p.org.map(|o| self.org(o).name),
            "owner_name": self.user_name(p.owner),
            "cc_email": CC_EMAIL,
            "active_flag": true,
        });
        self.with_custom(Entity::Person, i, record)
    }

    /// Writes exactly `person_json(i)` as text. The persons list is the benchmark's hot path,
    /// and building a `Value` tree per row made the sandbox, not the client, the bottleneck.
    fn write_person(&self, i: usize, out: &mut String) {
        let p = self.person(i);
        let name = p.name();
        let _ = write!(
            out,
            "{{\"id\":{},\"company_id\":7700001,\"owner_id\":",
            i + 1
        );
        out.push_str(self.user_refs.get(p.owner).map_or("null", String::as_str));
        out.push_str(",\"org_id\":");
        let org = p.org.map(|o| (o, self.org(o)));
        match &org {
            Some((o, org)) => {
                out.push_str("{\"name\":");
                push_json_str(out, &org.name);
                let _ = write!(
                    out,
                    ",\"people_count\":{},\"owner_id\":{},\"address\":",
                    self.org_people[*o],
                    org.owner + 1
                );
                push_json_opt(out, org.address.as_deref());
                let _ = write!(
                    out,
                    ",\"active_flag\":true,\"cc_email\":\"{CC_EMAIL}\",\"value\":{}}}",
                    o + 1
                );
            }
            None => out.push_str("null"),
        }
        out.push_str(",\"name\":");
        push_json_str(out, &name);
        out.push_str(",\"first_name\":");
        push_json_str(out, p.first);
        out.push_str(",\"last_name\":");
        push_json_opt(out, p.last);
        let _ = write!(
            out,
            ",\"open_deals_count\":{},\"closed_deals_count\":{},\"related_open_deals_count\":0,\"related_closed_deals_count\":0",
            self.open_deals[i], self.closed_deals[i]
        );
        let mut primary = None;
        for (key, kind, count) in [("email", 0, p.emails), ("phone", 1, p.phones)] {
            let _ = write!(out, ",\"{key}\":[");
            if count == 0 {
                out.push_str("{\"value\":\"\",\"primary\":true}");
            }
            for k in 0..count {
                let value = self.contact_value(i, k, kind, &p);
                if k > 0 {
                    out.push(',');
                }
                out.push_str("{\"label\":");
                push_json_str(
                    out,
                    self.g
                        .pick(PERSON, i, 30 + kind * 4 + k as u64, CONTACT_LABELS),
                );
                out.push_str(",\"value\":");
                push_json_str(out, &value);
                let _ = write!(out, ",\"primary\":{}}}", k == 0);
                if kind == 0 && k == 0 {
                    primary = Some(value);
                }
            }
            out.push(']');
        }
        out.push_str(",\"primary_email\":");
        push_json_opt(out, primary.as_deref());
        out.push_str(",\"first_char\":");
        let first_char = p
            .first
            .chars()
            .flat_map(char::to_lowercase)
            .next()
            .map(String::from);
        push_json_opt(out, first_char.as_deref());
        let _ = write!(
            out,
            ",\"add_time\":\"{}\",\"update_time\":\"{}\",\"visible_to\":\"3\",\"picture_id\":null,\"label\":",
            fmt_space(p.add),
            fmt_space(p.upd)
        );
        match p.label {
            Some(l) => {
                let _ = write!(out, "{l}");
            }
            None => out.push_str("null"),
        }
        out.push_str(",\"org_name\":");
        push_json_opt(out, org.as_ref().map(|(_, o)| o.name.as_str()));
        out.push_str(",\"owner_name\":");
        push_json_opt(out, self.user_names.get(p.owner).map(String::as_str));
        let _ = write!(out, ",\"cc_email\":\"{CC_EMAIL}\",\"active_flag\":true");
        fields::write_values(&self.custom_values(Entity::Person, i), out);
        out.push('}');
    }

    fn org_json(&self, i: usize) -> Value {
        let o = self.org(i);
        let record = json!({
            "id": i + 1,
            "company_id": 7_700_001,
            "owner_id": self.user_ref(o.owner),
            "name": o.name,
            "open_deals_count": self.org_open_deals[i],
            "people_count": self.org_people[i],
            "address": o.address,
            "add_time": fmt_space(o.add),
            "update_time": fmt_space(o.upd),
            "visible_to": "3",
            "label": null,
            "owner_name": self.user_name(o.owner),
            "cc_email": CC_EMAIL,
            "active_flag": true,
        });
        self.with_custom(Entity::Organization, i, record)
    }

    fn deal_json(&self, i: usize) -> Value {
        let d = self.deal(i);
        let pipeline = d.stage / STAGES_PER_PIPELINE;
        let probability = STAGE_PROBABILITY[d.stage % STAGES_PER_PIPELINE];
        let person = d.person.map(|p| {
            let per = self.person(p);
            json!({
                "active_flag": true, "name": per.name(),
                "email": self.contact_list(p, per.emails, 0, &per),
                "phone": self.contact_list(p, per.phones, 1, &per),
                "owner_id": per.owner + 1, "value": p + 1,
            })
        });
        let closed = (d.status != "open").then_some(d.upd);
        let symbol = if d.currency == "EUR" { "€" } else { "$" };
        let weighted = (d.value * probability as f64).round() / 100.0;
        let record = json!({
            "id": i + 1,
            "creator_user_id": self.user_ref(d.user),
            "user_id": self.user_ref(d.user),
            "person_id": person,
            "org_id": d.org.map(|o| self.org_ref(o)),
            "stage_id": d.stage + 1,
            "pipeline_id": pipeline + 1,
            "title": d.title,
            "value": d.value,
            "currency": d.currency,
            "add_time": fmt_space(d.add),
            "update_time": fmt_space(d.upd),
            "stage_change_time": fmt_space(d.upd),
            "active": d.status == "open",
            "deleted": false,
            "status": d.status,
            "probability": null,
            "lost_reason": (d.status == "lost").then(|| self.g.pick(DEAL, i, 20, LOST_REASONS)),
            "visible_to": "3",
            "close_time": closed.map(fmt_space),
            "won_time": closed.filter(|_| d.status == "won").map(fmt_space),
            "lost_time": closed.filter(|_| d.status == "lost").map(fmt_space),
            "expected_close_date": d.expected_close.map(fmt_date),
            "label": null,
            "person_name": d.person.map(|p| self.person(p).name()),
            "org_name": d.org.map(|o| self.org(o).name),
            "owner_name": self.user_name(d.user),
            "formatted_value": format!("{symbol}{}", group(d.value)),
            "weighted_value": weighted,
            "formatted_weighted_value": format!("{symbol}{}", group(weighted)),
            "weighted_value_currency": d.currency,
            "cc_email": CC_EMAIL,
        });
        self.with_custom(Entity::Deal, i, record)
    }

    fn activity_json(&self, i: usize) -> Value {
        let a = self.activity(i);
        let time = a.due % 86_400;
        json!({
            "id": i + 1,
            "company_id": 7_700_001,
            "user_id": a.user + 1,
            "done": a.done,
            "type": a.kind,
            "subject": format!("{}{} #{}", a.kind[..1].to_uppercase(), &a.kind[1..], i + 1),
            "due_date": fmt_date(a.due),
            "due_time": if a.duration_min.is_some() { format!("{:02}:{:02}", time / 3600, time / 60 % 60) } else { String::new() },
            "duration": a.duration_min.map_or(String::new(), |m| format!("{:02}:{:02}", m / 60, m % 60)),
            "busy_flag": a.duration_min.is_some(),
            "add_time": fmt_space(a.add),
            "update_time": fmt_space(a.upd),
            "marked_as_done_time": if a.done { fmt_space(a.upd) } else { String::new() },
            "note": a.note,
            "org_id": a.org.map(|o| o + 1),
            "person_id": a.person.map(|p| p + 1),
            "deal_id": a.deal.map(|d| d + 1),
            "lead_id": null,
            "active_flag": true,
            "person_name": a.person.map(|p| self.person(p).name()),
            "org_name": a.org.map(|o| self.org(o).name),
            "deal_title": a.deal.map(|d| self.deal(d).title),
            "owner_name": self.user_name(a.user),
            "created_by_user_id": a.user + 1,
        })
    }

    fn pipeline_json(&self, k: usize) -> Value {
        let t = data::DATA_START + k as i64 * 86_400;
        json!({
            "id": k + 1, "name": PIPELINE_NAMES[k], "url_title": PIPELINE_NAMES[k].to_lowercase(),
            "order_nr": k, "active": true, "deal_probability": true, "selected": k == 0,
            "add_time": fmt_space(t), "update_time": fmt_space(t + 3600),
        })
    }

    fn stage_json(&self, k: usize) -> Value {
        let (p, s) = (k / STAGES_PER_PIPELINE, k % STAGES_PER_PIPELINE);
        let t = data::DATA_START + k as i64 * 86_400;
        json!({
            "id": k + 1, "order_nr": s + 1, "name": STAGE_NAMES[s], "active_flag": true,
            "deal_probability": STAGE_PROBABILITY[s], "pipeline_id": p + 1,
            "rotten_flag": s == 3, "rotten_days": (s == 3).then_some(30),
            "add_time": fmt_space(t), "update_time": fmt_space(t + 3600),
            "pipeline_name": PIPELINE_NAMES[p], "pipeline_deal_probability": true,
        })
    }

    fn user_json(&self, u: usize) -> Value {
        let created = data::DATA_START - 86_400 * (u as i64 + 1);
        json!({
            "id": u + 1,
            "name": self.user_name(u),
            "email": self.user_email(u),
            "default_currency": "EUR",
            "locale": "en_US",
            "lang": 1,
            "phone": (!u.is_multiple_of(3)).then(|| data::phone(&self.g, USER, u, 0)),
            "activated": true,
            "last_login": fmt_space(data::DATA_END - u as i64 * 3600),
            "created": fmt_space(created),
            "modified": fmt_space(created + 86_400),
            "has_created_company": u == 0,
            "active_flag": u != USERS - 1,
            "is_admin": u32::from(u < 2),
            "role_id": 1,
            "timezone_name": self.g.pick(USER, u, 3, &["Europe/Helsinki", "Europe/Berlin", "America/New_York"]),
            "timezone_offset": "+02:00",
            "icon_url": null,
            "is_you": u == 0,
            "is_deleted": false,
        })
    }
}

/// `1234567.8` → `1,234,568`, Pipedrive's formatted_value style.
fn group(v: f64) -> String {
    let digits = (v.round() as u64).to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Clone, Copy)]
enum Table {
    Persons,
    Organizations,
    Deals,
    Activities,
    Pipelines,
    Stages,
    Users,
}

impl Table {
    fn count(self, d: &Data) -> usize {
        match self {
            Table::Persons | Table::Organizations | Table::Deals | Table::Activities => d.n,
            Table::Pipelines => PIPELINES,
            Table::Stages => STAGES,
            Table::Users => USERS,
        }
    }

    fn render(self, d: &Data, i: usize) -> Value {
        match self {
            Table::Persons => d.person_json(i),
            Table::Organizations => d.org_json(i),
            Table::Deals => d.deal_json(i),
            Table::Activities => d.activity_json(i),
            Table::Pipelines => d.pipeline_json(i),
            Table::Stages => d.stage_json(i),
            Table::Users => d.user_json(i),
        }
    }

    fn singular(self) -> &'static str {
        match self {
            Table::Persons => "Person",
            Table::Organizations => "Organization",
            Table::Deals => "Deal",
            Table::Activities => "Activity",
            Table::Pipelines => "Pipeline",
            Table::Stages => "Stage",
            Table::Users => "User",
        }
    }
}

type Filter<'a> = Box<dyn Fn(usize) -> bool + 'a>;

/// An integer filter parameter; a malformed one is Pipedrive's 400.
fn int_filter(p: &Params, key: &str) -> Result<Option<u64>, Rejection> {
    match param(p, key) {
        None => Ok(None),
        Some(v) => v.trim().parse().map(Some).map_err(|_| {
            Box::new(error(
                StatusCode::BAD_REQUEST,
                &format!("Validation failed: {key}: Parameter '{key}' must be an integer"),
            ))
        }),
    }
}

/// `updated_since` (RFC 3339): records changed at or after it; malformed is Pipedrive's 400.
fn since_filter(p: &Params) -> Result<Option<i64>, Rejection> {
    match param(p, "updated_since") {
        None => Ok(None),
        Some(v) => data::parse_datetime(v).map(Some).ok_or_else(|| {
            Box::new(error(
                StatusCode::BAD_REQUEST,
                "Validation failed: updated_since: Parameter 'updated_since' must be a valid RFC 3339 date",
            ))
        }),
    }
}

/// One v1 offset page (`start`, `limit` clamped to 500, default 100) of the records `keep`
/// selects among `count`, with `additional_data.pagination`.
fn v1_page(
    count: usize,
    keep: Option<&dyn Fn(usize) -> bool>,
    p: &Params,
    render: impl Fn(usize) -> Value,
) -> Response {
    let start = num(p, "start").unwrap_or(0).max(0) as usize;
    let limit = num(p, "limit").filter(|l| *l > 0).unwrap_or(100).min(500) as usize;
    let (rows, total) = select(count, keep, start, limit);
    let more = start + rows.len() < total;
    let mut pagination = json!({"start": start, "limit": limit, "more_items_in_collection": more});
    if more {
        pagination["next_start"] = json!(start + limit);
    }
    let data: Vec<Value> = rows.into_iter().map(render).collect();
    ok(json!({
        "success": true,
        "data": if data.is_empty() { Value::Null } else { Value::Array(data) },
        "additional_data": { "pagination": pagination },
    }))
}

/// Where a cursor page starts; a cursor the sandbox did not hand out is a 400.
fn cursor_start(p: &Params) -> Result<usize, Rejection> {
    match param(p, "cursor") {
        None | Some("") => Ok(0),
        Some(c) => c
            .strip_prefix("pdc")
            .and_then(|h| usize::from_str_radix(h, 16).ok())
            .ok_or_else(|| Box::new(error(StatusCode::BAD_REQUEST, "Invalid cursor"))),
    }
}

/// One cursor page (`cursor`, `limit` clamped to 500, default 100) of the records `keep` selects
/// among `count`, with `additional_data.next_cursor` (null on the last page): API v2 lists and
/// the v1 lists Pipedrive pages by cursor (projects, tasks). The cursor is opaque to clients; a
/// malformed one is a 400.
fn cursor_page(
    count: usize,
    keep: Option<&dyn Fn(usize) -> bool>,
    p: &Params,
    render: impl Fn(usize) -> Value,
) -> Response {
    let start = match cursor_start(p) {
        Ok(s) => s,
        Err(e) => return *e,
    };
    let limit = num(p, "limit").filter(|l| *l > 0).unwrap_or(100).min(500) as usize;
    let (rows, total) = select(count, keep, start, limit);
    let next = (start + rows.len() < total).then(|| format!("pdc{:08x}", start + limit));
    let data: Vec<Value> = rows.into_iter().map(render).collect();
    ok(json!({
        "success": true,
        "data": data,
        "additional_data": { "next_cursor": next },
    }))
}

fn first_char_of(s: &str) -> Option<char> {
    s.chars().flat_map(char::to_lowercase).next()
}

/// The filters each list endpoint honours, all of them exact.
fn filters<'a>(d: &'a Data, t: Table, p: &Params) -> Result<Vec<Filter<'a>>, Rejection> {
    let mut out: Vec<Filter<'a>> = Vec::new();
    // user_id=0 means "all users" on activities; elsewhere no user has id 0.
    let user = int_filter(p, "user_id")?.filter(|u| *u != 0);
    match t {
        Table::Persons | Table::Organizations => {
            let is_person = matches!(t, Table::Persons);
            if let Some(u) = user {
                out.push(Box::new(move |i| {
                    let owner = if is_person {
                        d.person(i).owner
                    } else {
                        d.org(i).owner
                    };
                    owner as u64 + 1 == u
                }));
            }
            if let Some(c) = param(p, "first_char").and_then(first_char_of) {
                out.push(Box::new(move |i| {
                    let name = if is_person {
                        d.person(i).name()
                    } else {
                        d.org(i).name
                    };
                    first_char_of(&name) == Some(c)
                }));
            }
        }
        Table::Deals => {
            if let Some(u) = user {
                out.push(Box::new(move |i| d.deal(i).user as u64 + 1 == u));
            }
            if let Some(s) = int_filter(p, "stage_id")? {
                out.push(Box::new(move |i| d.deal(i).stage as u64 + 1 == s));
            }
            match param(p, "status").unwrap_or("all_not_deleted") {
                "all_not_deleted" => {}
                // No generated deal is deleted, so a full scan returns every deal.
                "deleted" => out.push(Box::new(|_| false)),
                "open" => out.push(Box::new(|i| d.deal(i).status == "open")),
                "won" => out.push(Box::new(|i| d.deal(i).status == "won")),
                "lost" => out.push(Box::new(|i| d.deal(i).status == "lost")),
                _ => {
                    return Err(Box::new(error(
                        StatusCode::BAD_REQUEST,
                        "Validation failed: status: Parameter 'status' must be one of open, won, lost, deleted, all_not_deleted",
                    )))
                }
            }
        }
        Table::Activities => {
            if let Some(u) = user {
                out.push(Box::new(move |i| d.activity(i).user as u64 + 1 == u));
            }
            match param(p, "done") {
                None => {}
                Some("0") => out.push(Box::new(|i| !d.activity(i).done)),
                Some("1") => out.push(Box::new(|i| d.activity(i).done)),
                Some(_) => {
                    return Err(Box::new(error(
                        StatusCode::BAD_REQUEST,
                        "Validation failed: done: Parameter 'done' must be 0 or 1",
                    )))
                }
            }
            if let Some(types) = param(p, "type") {
                let types: Vec<String> = types.split(',').map(|s| s.trim().to_owned()).collect();
                out.push(Box::new(move |i| {
                    let kind = d.activity(i).kind;
                    types.iter().any(|t| t == kind)
                }));
            }
        }
        Table::Stages => {
            if let Some(pl) = int_filter(p, "pipeline_id")? {
                out.push(Box::new(move |k| {
                    (k / STAGES_PER_PIPELINE) as u64 + 1 == pl
                }));
            }
        }
        Table::Pipelines | Table::Users => {}
    }
    Ok(out)
}

fn list(st: &Shared, t: Table, uri: &Uri) -> Response {
    let d = &st.pipedrive;
    let p = params(uri);
    let start = num(&p, "start").unwrap_or(0).max(0) as usize;
    // Pipedrive clamps rather than rejects: default 100, at most 500.
    let limit = num(&p, "limit").filter(|l| *l > 0).unwrap_or(100).min(500) as usize;
    let filters = match filters(d, t, &p) {
        Ok(f) => f,
        Err(resp) => return *resp,
    };
    let keep = |i: usize| filters.iter().all(|f| f(i));
    let keep_ref: Option<&dyn Fn(usize) -> bool> = if filters.is_empty() {
        None
    } else {
        Some(&keep)
    };
    let (rows, total) = select(t.count(d), keep_ref, start, limit);
    let more = start + rows.len() < total;
    let mut body = String::with_capacity(rows.len() * 1200 + 200);
    body.push_str("{\"success\":true,\"data\":");
    if rows.is_empty() {
        body.push_str("null");
    } else {
        body.push('[');
        for (k, i) in rows.into_iter().enumerate() {
            if k > 0 {
                body.push(',');
            }
            match t {
                Table::Persons => d.write_person(i, &mut body),
                _ => body.push_str(&t.render(d, i).to_string()),
            }
        }
        body.push(']');
    }
    let _ = write!(
        body,
        ",\"additional_data\":{{\"pagination\":{{\"start\":{start},\"limit\":{limit},\"more_items_in_collection\":{more}"
    );
    if more {
        let _ = write!(body, ",\"next_start\":{}", start + limit);
    }
    body.push_str("}}}");
    json_text(StatusCode::OK, body)
}

fn one(st: &Shared, t: Table, id: &str) -> Response {
    let d = &st.pipedrive;
    match id_of(id, t.count(d)) {
        Some(i) => ok(json!({ "success": true, "data": t.render(d, i) })),
        None => error(
            StatusCode::NOT_FOUND,
            &format!("{} not found", t.singular()),
        ),
    }
}

pub fn router() -> Router<AppState> {
    let mut r = Router::new();
    for (path, t) in [
        ("/persons", Table::Persons),
        ("/organizations", Table::Organizations),
        ("/deals", Table::Deals),
        ("/activities", Table::Activities),
        ("/pipelines", Table::Pipelines),
        ("/stages", Table::Stages),
        ("/users", Table::Users),
    ] {
        r = r
            .route(
                path,
                get(move |State(st): State<AppState>, uri: Uri| async move { list(&st, t, &uri) }),
            )
            .route(
                &format!("{path}/{{id}}"),
                get(
                    move |State(st): State<AppState>, Path(id): Path<String>| async move {
                        one(&st, t, &id)
                    },
                ),
            );
    }
    for e in Entity::ALL {
        r = r
            .route(
                e.path(),
                get(move |State(st): State<AppState>, uri: Uri| async move {
                    let defs = st.pipedrive.fields_of(e);
                    v1_page(defs.len(), None, &params(&uri), |i| {
                        fields::field_json(&defs[i])
                    })
                }),
            )
            .route(
                &format!("{}/{{id}}", e.path()),
                get(
                    move |State(st): State<AppState>, Path(id): Path<String>| async move {
                        let found = st
                            .pipedrive
                            .fields_of(e)
                            .iter()
                            .find(|f| f.id.to_string() == id);
                        match found {
                            Some(f) => ok(json!({"success": true, "data": fields::field_json(f)})),
                            None => error(StatusCode::NOT_FOUND, "Field not found"),
                        }
                    },
                ),
            );
    }
    r = notes::routes(leads::routes(catalogs::routes(r)));
    r = note_writes::routes(lead_writes::routes(r));
    r = products::routes_v1(projects::routes(call_logs::routes(files::routes(
        admin::routes(r),
    ))));
    r = mail::routes(goals::routes(permissions::routes(r)));
    r.route(
        "/users/me",
        get(|State(st): State<AppState>| async move { one(&st, Table::Users, "1") }),
    )
    .fallback(|| async { error(StatusCode::NOT_FOUND, "Unknown method .") })
}

/// API v2 under `/api/v2`: the resources Pipedrive moved there that the sandbox serves
/// (products and deal products); same credentials, envelope and errors as v1.
pub fn router_v2() -> Router<AppState> {
    let r = variations::routes(deal_billing::routes(products::routes_v2(Router::new())));
    writes::routes(v2::routes(r))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "Unknown method .") })
}

/// Pipedrive's error envelope.
fn error(status: StatusCode, msg: &str) -> Response {
    json(
        status,
        json!({
            "success": false, "error": msg, "errorCode": status.as_u16(),
            "error_info": "Please check developers.pipedrive.com",
            "data": null, "additional_data": null,
        }),
    )
}

pub fn fault(f: Fault) -> Response {
    match f {
        Fault::Unauthorized | Fault::TokenExpired => {
            error(StatusCode::UNAUTHORIZED, "unauthorized access")
        }
        Fault::RateLimited => error(StatusCode::TOO_MANY_REQUESTS, "Request over limit"),
        Fault::Internal => error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
    }
}

/// Any of the three documented credential forms.
pub fn authorized(st: &Shared, h: &HeaderMap, uri: &Uri) -> bool {
    let c = &st.creds;
    params(uri).get("api_token") == Some(&c.pipedrive_token)
        || header_str(h, "x-api-token") == Some(c.pipedrive_token.as_str())
        || bearer(h) == Some(c.pipedrive_oauth.as_str())
}

pub fn rate_headers(info: &RateInfo, limited: bool) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("x-ratelimit-limit", info.limit.to_string()),
        ("x-ratelimit-remaining", info.remaining.to_string()),
        ("x-ratelimit-reset", info.reset_secs.to_string()),
    ];
    if limited {
        v.push(("retry-after", info.reset_secs.to_string()));
    }
    v
}

/// A table read once per value of a fixed list: its parent is named by the list's column, and
/// the values are listed (tests count them as the parents).
fn values_parent(rows: usize, column: &str, values: &[&str]) -> Value {
    json!({ "rows": rows, "parent": column, "parent_values": values })
}

/// Every table the profile reads, with its row count and, for a table read once per value of
/// another (a parent table or a fixed list), that parent.
fn manifest_tables(st: &Shared) -> Value {
    let d = &st.pipedrive;
    let mut tables: Vec<(&str, Value)> = vec![
        ("persons", table(d.n, None)),
        ("organizations", table(d.n, None)),
        ("deals", table(d.n, None)),
        ("activities", table(d.n, None)),
        ("pipelines", table(PIPELINES, None)),
        ("stages", table(STAGES, None)),
        ("users", table(USERS, None)),
        ("person_emails", table(d.email_rows, None)),
        ("person_phones", table(d.phone_rows, None)),
        (
            "person_fields",
            table(d.fields_of(Entity::Person).len(), None),
        ),
        ("deal_fields", table(d.fields_of(Entity::Deal).len(), None)),
        (
            "organization_fields",
            table(d.fields_of(Entity::Organization).len(), None),
        ),
        (
            "product_fields",
            table(d.fields_of(Entity::Product).len(), None),
        ),
        ("products", table(d.product_count(), None)),
        ("product_prices", table(d.product_price_rows(), None)),
        ("deal_products", table(d.deal_product_rows(), Some("deals"))),
        (
            "deal_participants",
            table(d.deal_participant_rows(), Some("deals")),
        ),
        ("files", table(d.file_count(), None)),
        ("call_logs", table(d.call_log_count(), None)),
        ("projects", table(d.project_count(), None)),
        ("tasks", table(d.task_count(), None)),
        (
            "filters",
            table(admin::table_data("filters").map_or(0, |r| r.len()), None),
        ),
        (
            "roles",
            table(admin::table_data("roles").map_or(0, |r| r.len()), None),
        ),
        ("notes", table(d.n, None)),
        ("leads", table(d.lead_count(), None)),
        ("archived_leads", table(d.archived_lead_count(), None)),
        ("archived_deals", table(d.archived_deal_count(), None)),
        (
            "goals",
            values_parent(goals::table_data(d, true).len(), "type_name", goals::TYPES),
        ),
        (
            "inactive_goals",
            values_parent(goals::table_data(d, false).len(), "type_name", goals::TYPES),
        ),
        (
            "mail_threads",
            values_parent(d.mail_thread_count(), "folder", mail::FOLDERS),
        ),
        (
            "mail_messages",
            table(d.mail_message_rows(), Some("mail_threads")),
        ),
        (
            "product_variations",
            table(d.variation_rows(), Some("products")),
        ),
        (
            "product_variation_prices",
            table(variations::price_rows(d), None),
        ),
        (
            "deal_discounts",
            table(d.deal_discount_rows(), Some("deals")),
        ),
        (
            "deal_installments",
            table(d.deal_installment_rows(), Some("deals")),
        ),
        (
            "permission_sets",
            table(
                permissions::table_data("permission_sets").map_or(0, |r| r.len()),
                None,
            ),
        ),
        (
            "permission_set_assignments",
            table(
                permissions::table_data("permission_set_assignments").map_or(0, |r| r.len()),
                Some("permission_sets"),
            ),
        ),
        (
            "project_boards",
            table(
                projects::table_data(d, "project_boards").map_or(0, |r| r.len()),
                None,
            ),
        ),
        (
            "project_phases",
            table(
                projects::table_data(d, "project_phases").map_or(0, |r| r.len()),
                Some("project_boards"),
            ),
        ),
        ("activity_types", table(ACTIVITY_TYPES.len(), None)),
        (
            "currencies",
            table(
                catalogs::table_data("currencies").map_or(0, |r| r.len()),
                None,
            ),
        ),
        ("lead_labels", table(catalogs::LEAD_LABELS.len(), None)),
        ("lead_sources", table(catalogs::LEAD_SOURCES.len(), None)),
    ];
    write_manifest::adjust(st, &mut tables);
    Value::Object(
        tables
            .into_iter()
            .map(|(name, t)| (name.to_owned(), t))
            .collect(),
    )
}

pub fn manifest(st: &Shared) -> Value {
    let base = format!("{}/pipedrive/api/v1", st.base_url);
    json!({
        "tables": manifest_tables(st),
        "credentials": {
            "api_token": st.creds.pipedrive_token,
            "oauth_access_token": st.creds.pipedrive_oauth,
        },
        "connection_strings": {
            "BASIC": format!(
                "Profile=pipedrive;AuthScheme=Basic;APIToken={};CompanyDomain=sandbox;BaseURL={base}",
                st.creds.pipedrive_token
            ),
        },
    })
}

/// Child rows of a v2 person's `emails`/`phones` array, carrying `person_id`; persons as they
/// read now once clients wrote to them.
fn child_rows(st: &Shared, key: &str) -> Vec<Value> {
    let d = &st.pipedrive;
    let persons: Vec<Value> = match overlay::writes(st, "persons") {
        Some(_) => v2::table_data(st, "persons").unwrap_or_default(),
        None => (0..d.n).map(|i| d.person_v2(i, &[])).collect(),
    };
    let mut rows = Vec::new();
    for person in persons {
        if let Value::Array(items) = &person[key] {
            for item in items {
                let mut row = json!({ "person_id": person["id"] });
                if let (Value::Object(r), Value::Object(it)) = (&mut row, item) {
                    r.extend(it.clone());
                }
                rows.push(row);
            }
        }
    }
    rows
}

pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.pipedrive;
    let t = match name {
        "users" => Table::Users,
        "person_emails" => return Some(child_rows(st, "emails")),
        "person_phones" => return Some(child_rows(st, "phones")),
        // The profile reads these from API v2.
        "persons" | "organizations" | "deals" | "activities" | "pipelines" | "stages"
        | "archived_deals" => return v2::table_data(st, name),
        "notes" => return Some(notes::table_data(st)),
        "goals" => return Some(goals::table_data(d, true)),
        "inactive_goals" => return Some(goals::table_data(d, false)),
        name if leads::TABLES.contains(&name) => return leads::table_data(st, name),
        name if mail::TABLES.contains(&name) => return mail::table_data(d, name),
        name if variations::TABLES.contains(&name) => return variations::table_data(st, name),
        name if deal_billing::TABLES.contains(&name) => return deal_billing::table_data(st, name),
        name if permissions::TABLES.contains(&name) => return permissions::table_data(name),
        name if catalogs::TABLES.contains(&name) => return catalogs::table_data(name),
        name if admin::TABLES.contains(&name) => return admin::table_data(name),
        name if products::TABLES.contains(&name) => return products::table_data(st, name),
        name if projects::TABLES.contains(&name) => return projects::table_data(d, name),
        "files" => return Some(files::table_data(d)),
        "call_logs" => return Some(call_logs::table_data(d)),
        name => {
            let e = Entity::ALL.into_iter().find(|e| e.table() == name)?;
            return Some(d.fields_of(e).iter().map(fields::field_json).collect());
        }
    };
    Some((0..t.count(d)).map(|i| t.render(d, i)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_person_writer_matches_the_value_form() {
        let d = Data::new(&Gen::new(3), 300);
        for i in 0..300 {
            let mut out = String::new();
            d.write_person(i, &mut out);
            let parsed: Value = serde_json::from_str(&out).expect("valid JSON");
            assert_eq!(parsed, d.person_json(i), "person {i}");
        }
    }
}
