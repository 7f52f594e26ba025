//! Help Scout Inbox (Mailbox API 2.0) imitation under `/helpscout/v2`: conversations (25 per
//! page, `status=active` by default), customers, mailboxes, users, tags, teams (50 per page),
//! threads under each conversation; conversations and customers sorted by `sortField` and
//! `sortOrder` (helpscout/sort.rs); HAL envelopes whose links do not carry filters (as the
//! real API); Bearer auth; `{logRef, message}` errors; `X-RateLimit-*-Minute` headers. The
//! newer tables (customer entries, organizations, folders, workflows, team members, saved
//! replies, system users (v3)) and the reports that list rows (ratings, conversation
//! drill-downs) live in `helpscout/`.
//!
//! Writes (customers, conversations, their tags, custom fields and threads) live in
//! `helpscout/writes.rs` and the `write_*.rs` beside it; `helpscout/overlay.rs` lays what they
//! wrote over the generated records for every read of those tables.

mod bad_request;
mod customers;
mod drilldowns;
mod folders;
mod organizations;
mod overlay;
mod ratings;
mod report_scope;
mod report_window;
mod saved_replies;
mod sort;
mod system_users;
mod team_members;
mod thread_reads;
mod workflows;
mod write_conversation_edits;
mod write_conversations;
mod write_customers;
mod write_threads;
mod writes;

pub use system_users::router_v3;

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::common::{bearer, json, num, ok, param, params, select, Params, Rejection};
use crate::control::table;
use crate::data::{self, fmt_iso, mix, Gen, FIRST_NAMES, LAST_NAMES};
use crate::faults::{Fault, RateInfo};
use crate::helpscout_fields;
use crate::{AppState, Shared};

const CONV: u64 = 0x20;
const CUSTOMER: u64 = 0x21;
const USER: u64 = 0x22;
const THREAD: u64 = 0x23;

const CONV_BASE: usize = 10_000_001;
const CUSTOMER_BASE: usize = 20_000_001;
const THREAD_BASE: usize = 100_000_001;
/// Threads per conversation stay below this, so thread ids are `base + conv * 8 + k`.
const MAX_THREADS: usize = 8;
const MAILBOX_BASE: usize = 301;
const USER_BASE: usize = 501;
const TAG_BASE: usize = 701;
const TEAM_BASE: usize = 901;

const MAILBOXES: [&str; 3] = ["Support", "Sales", "Billing"];
pub const USERS: usize = 8;
const TAGS: [&str; 10] = [
    "vip",
    "refund",
    "bug",
    "feature-request",
    "billing",
    "urgent",
    "ångström",
    "follow-up",
    "spam-risk",
    "onboarding",
];
const TAG_COLORS: &[&str] = &["#A5B2BD", "#FF8C00", "#5E7A8C", "#D6A11F", "#8E44AD"];
const TEAMS: [&str; 3] = ["Tier 1", "Tier 2", "Équipe FR"];
const ROLES: [&str; 3] = ["owner", "admin", "user"];
const SUBJECTS: &[&str] = &[
    "Cannot log in",
    "Refund request",
    "Invoice question",
    "Feature idea: dark mode",
    "Bug in export",
    "Ärger mit der Lieferung",
    "Password reset",
];
pub const PAGE: usize = 50;
pub const CONVERSATION_PAGE: usize = 25;

struct Conversation {
    status: &'static str,
    mailbox: usize,
    kind: &'static str,
    assignee: Option<usize>,
    customer: Option<usize>,
    tags: Vec<usize>,
    threads: usize,
    created: i64,
    updated: i64,
}

pub struct Data {
    g: Gen,
    n: usize,
    /// Bit k set when the customer has a conversation in mailbox k.
    customer_mailboxes: Vec<u8>,
    tag_counts: [u32; 10],
    thread_rows: usize,
    folder_counts: folders::Counts,
    /// The times report rows lie in, up to the day the sandbox started.
    span: report_window::Span,
    /// Rows of the drill-down reports in their default window.
    drilldown_counts: drilldowns::Counts,
    /// Ratings in the ratings reports' default window.
    ratings_in_window: usize,
}

impl Data {
    pub fn new(g: &Gen, n: usize) -> Self {
        let mut d = Data {
            g: *g,
            n,
            customer_mailboxes: vec![0; n],
            tag_counts: [0; 10],
            thread_rows: 0,
            folder_counts: Default::default(),
            span: report_window::Span::starting_today(),
            drilldown_counts: Default::default(),
            ratings_in_window: 0,
        };
        let mut drilldown_counts = drilldowns::Counts::default();
        let mut ratings_in_window = 0;
        for i in 0..n {
            let c = d.conv(i);
            drilldown_counts.add(&d, i, &c);
            ratings_in_window += d.ratings_in(i, d.span.default_period());
            if let Some(cu) = c.customer {
                d.customer_mailboxes[cu] |= 1 << c.mailbox;
            }
            for t in c.tags {
                d.tag_counts[t] += 1;
            }
            d.thread_rows += c.threads;
            folders::tally(&mut d.folder_counts, c.mailbox, c.status, c.assignee);
        }
        d.drilldown_counts = drilldown_counts;
        d.ratings_in_window = ratings_in_window;
        d
    }

    fn conv(&self, i: usize) -> Conversation {
        let g = &self.g;
        let mut tags: Vec<usize> = (0..g.range(CONV, i, 1, 0, 3))
            .map(|k| g.range(CONV, i, 10 + k, 0, TAGS.len() as u64 - 1) as usize)
            .collect();
        tags.sort_unstable();
        tags.dedup();
        let created = g.time(CONV, i, 2);
        Conversation {
            status: match g.range(CONV, i, 3, 0, 99) {
                0..=39 => "active",
                40..=59 => "pending",
                60..=94 => "closed",
                _ => "spam",
            },
            mailbox: g.range(CONV, i, 4, 0, MAILBOXES.len() as u64 - 1) as usize,
            kind: match g.range(CONV, i, 5, 0, 99) {
                0..=69 => "email",
                70..=84 => "chat",
                _ => "phone",
            },
            assignee: (!g.chance(CONV, i, 6, 30))
                .then(|| g.range(CONV, i, 7, 0, USERS as u64 - 1) as usize),
            customer: g.index(CONV, i, 8, self.n),
            tags,
            threads: g.range(CONV, i, 9, 1, 5) as usize,
            created,
            updated: created + g.range(CONV, i, 20, 60, 20 * 86_400) as i64,
        }
    }

    fn customer_name(&self, c: usize) -> (&'static str, Option<&'static str>) {
        let g = &self.g;
        (
            g.pick(CUSTOMER, c, 1, FIRST_NAMES),
            (!g.chance(CUSTOMER, c, 2, 10)).then(|| g.pick(CUSTOMER, c, 3, LAST_NAMES)),
        )
    }

    fn customer_email(&self, c: usize) -> String {
        let (f, l) = self.customer_name(c);
        data::email(&self.g, CUSTOMER, c, 0, f, l.unwrap_or("customer"))
    }

    fn customer_ref(&self, c: usize) -> Value {
        let (first, last) = self.customer_name(c);
        json!({
            "id": CUSTOMER_BASE + c, "type": "customer", "first": first, "last": last,
            "email": self.customer_email(c),
        })
    }

    fn user_name(&self, u: usize) -> (&'static str, &'static str) {
        (
            self.g.pick(USER, u, 1, FIRST_NAMES),
            self.g.pick(USER, u, 2, LAST_NAMES),
        )
    }

    fn user_email(&self, u: usize) -> String {
        let (f, l) = self.user_name(u);
        data::email(&self.g, USER, u, 0, f, l)
    }

    fn user_ref(&self, u: usize) -> Value {
        let (first, last) = self.user_name(u);
        json!({
            "id": USER_BASE + u, "type": "user", "first": first, "last": last,
            "email": self.user_email(u),
        })
    }

    fn conversation_subject(&self, i: usize) -> String {
        format!("{} ({})", self.g.pick(CONV, i, 30, SUBJECTS), i + 1)
    }

    fn conversation_json(&self, base: &str, i: usize) -> Value {
        let c = self.conv(i);
        let id = CONV_BASE + i;
        let subject = self.conversation_subject(i);
        let mut v = json!({
            "id": id,
            "number": i + 1,
            "threads": c.threads,
            "type": c.kind,
            "folderId": folders::of_conversation(c.mailbox, c.status, c.assignee),
            "status": c.status,
            "state": "published",
            "subject": subject,
            "preview": format!("Hello, about “{subject}” …"),
            "mailboxId": MAILBOX_BASE + c.mailbox,
            "createdAt": fmt_iso(c.created),
            "closedAt": (c.status == "closed").then(|| fmt_iso(c.updated)),
            "userUpdatedAt": fmt_iso(c.updated),
            "customerWaitingSince": { "time": fmt_iso(c.updated), "friendly": "Jun 1" },
            "source": { "type": if c.kind == "email" { "email" } else { "api" }, "via": "customer" },
            "tags": c.tags.iter().map(|t| json!({
                "id": TAG_BASE + t, "color": TAG_COLORS[t % TAG_COLORS.len()], "tag": TAGS[*t],
            })).collect::<Vec<_>>(),
            "cc": [],
            "bcc": [],
            "customFields": helpscout_fields::values(&self.g, c.mailbox, i),
            "_embedded": { "threads": [] },
            "_links": {
                "self": { "href": format!("{base}/conversations/{id}") },
                "mailbox": { "href": format!("{base}/mailboxes/{}", MAILBOX_BASE + c.mailbox) },
                "threads": { "href": format!("{base}/conversations/{id}/threads") },
            },
        });
        // Help Scout leaves out what a conversation does not have.
        if let Some(cu) = c.customer {
            v["primaryCustomer"] = self.customer_ref(cu);
            v["createdBy"] = self.customer_ref(cu);
        }
        if let Some(u) = c.assignee {
            v["assignee"] = self.user_ref(u);
            if c.status == "closed" {
                v["closedBy"] = json!(USER_BASE + u);
            }
        }
        v
    }

    /// (createdAt, updatedAt) of customer `c`.
    fn customer_times(&self, c: usize) -> (i64, i64) {
        let created = self.g.time(CUSTOMER, c, 4);
        (
            created,
            created + self.g.range(CUSTOMER, c, 11, 0, 90 * 86_400) as i64,
        )
    }

    fn customer_json(&self, base: &str, c: usize) -> Value {
        let g = &self.g;
        let (first, last) = self.customer_name(c);
        let (created, updated) = self.customer_times(c);
        let id = CUSTOMER_BASE + c;
        let phones: Vec<Value> = (0..g.range(CUSTOMER, c, 5, 0, 2) as usize)
            .map(|k| json!({"id": id * 10 + k, "value": data::phone(g, CUSTOMER, c, k), "type": "work"}))
            .collect();
        let org = organizations::of_customer(self, c);
        let mut v = json!({
            "id": id,
            "firstName": first,
            "lastName": last,
            "gender": "unknown",
            "jobTitle": (!g.chance(CUSTOMER, c, 6, 40)).then(|| g.pick(CUSTOMER, c, 7, &["CTO", "Buyer", "Office manager", "Développeur"])),
            "location": (!g.chance(CUSTOMER, c, 8, 50)).then(|| g.pick(CUSTOMER, c, 9, data::CITIES)),
            "organization": org.as_ref().map(|o| o.1.clone()),
            "organizationId": org.as_ref().map(|o| o.0),
            "photoType": "default",
            "photoUrl": format!("https://d33v4339jhl8k0.cloudfront.net/customer-avatar/{}.png", c % 10),
            "createdAt": fmt_iso(created),
            "updatedAt": fmt_iso(updated),
            "background": null,
            "age": null,
            "draft": false,
            "_embedded": {
                "emails": [{ "id": id * 10, "value": self.customer_email(c), "type": "work" }],
                "phones": phones,
                "chats": [], "social_profiles": [], "websites": [],
            },
            "_links": { "self": { "href": format!("{base}/customers/{id}") } },
        });
        customers::embed(self, c, &mut v["_embedded"]);
        v
    }

    /// Thread `k` of conversation `conv`: the customer writes every other one (all of them while
    /// nobody is assigned), the assignee answers with a reply (`message`) or, now and then, a note.
    fn thread_kind(&self, c: &Conversation, conv: usize, k: usize) -> &'static str {
        if k.is_multiple_of(2) || c.assignee.is_none() {
            "customer"
        } else if self.g.chance(THREAD, conv, k as u64, 25) {
            "note"
        } else {
            "message"
        }
    }

    fn thread_created(c: &Conversation, k: usize) -> i64 {
        c.created + k as i64 * 3600
    }

    fn thread_json(&self, base: &str, conv: usize, k: usize) -> Value {
        let c = self.conv(conv);
        let created = Self::thread_created(&c, k);
        let kind = self.thread_kind(&c, conv, k);
        let from_customer = kind == "customer";
        let author = match (from_customer, c.assignee, c.customer) {
            (false, Some(u), _) => self.user_ref(u),
            (_, _, Some(cu)) => self.customer_ref(cu),
            _ => self.user_ref(0),
        };
        let id = THREAD_BASE + conv * MAX_THREADS + k;
        json!({
            "id": id,
            "type": kind,
            "status": "active",
            "state": "published",
            "body": format!("<p>Message {} of conversation {} — “ok”.</p>", k + 1, conv + 1),
            "source": { "type": "email", "via": if from_customer { "customer" } else { "user" } },
            "customer": c.customer.map(|cu| self.customer_ref(cu)),
            "createdBy": author,
            "assignedTo": c.assignee.map(|u| self.user_ref(u)),
            "savedReplyId": 0,
            "to": [], "cc": [], "bcc": [],
            "createdAt": fmt_iso(created),
            "_embedded": { "attachments": [] },
            "_links": { "self": { "href": format!("{base}/conversations/{}/threads/{id}", CONV_BASE + conv) } },
        })
    }

    fn mailbox_json(&self, base: &str, k: usize) -> Value {
        let t = data::DATA_START - 86_400 * 30 * (k as i64 + 1);
        json!({
            "id": MAILBOX_BASE + k, "name": MAILBOXES[k], "slug": format!("{:016x}", mix(k as u64)),
            "email": format!("{}@sandbox.helpscout.net", MAILBOXES[k].to_lowercase()),
            "createdAt": fmt_iso(t), "updatedAt": fmt_iso(t + 86_400),
            "_links": { "self": { "href": format!("{base}/mailboxes/{}", MAILBOX_BASE + k) } },
        })
    }

    fn user_json(&self, base: &str, u: usize) -> Value {
        let (first, last) = self.user_name(u);
        let t = data::DATA_START - 86_400 * (u as i64 + 1);
        json!({
            "id": USER_BASE + u, "firstName": first, "lastName": last, "email": self.user_email(u),
            "role": ROLES[u.min(2)], "timezone": "Europe/Helsinki",
            "photoUrl": null, "type": "user", "mention": first.to_lowercase(),
            "initials": format!("{}{}", first.chars().next().unwrap_or('?'), last.chars().next().unwrap_or('?')),
            "jobTitle": u.is_multiple_of(2).then_some("Support agent"), "phone": null, "alternateEmails": [],
            "createdAt": fmt_iso(t), "updatedAt": fmt_iso(t + 3600),
            "_links": { "self": { "href": format!("{base}/users/{}", USER_BASE + u) } },
        })
    }

    fn tag_json(&self, base: &str, k: usize) -> Value {
        let t = data::DATA_START + 86_400 * k as i64;
        json!({
            "id": TAG_BASE + k, "slug": TAGS[k], "name": TAGS[k],
            "color": TAG_COLORS[k % TAG_COLORS.len()], "ticketCount": self.tag_counts[k],
            "createdAt": fmt_iso(t), "updatedAt": fmt_iso(t + 60),
            "_links": { "self": { "href": format!("{base}/tags/{}", TAG_BASE + k) } },
        })
    }

    fn team_json(&self, base: &str, k: usize) -> Value {
        let t = data::DATA_START + 86_400 * k as i64;
        json!({
            "id": TEAM_BASE + k, "name": TEAMS[k], "timezone": "Europe/Paris", "photoUrl": null,
            "mention": TEAMS[k].to_lowercase().replace(' ', "-"),
            "initials": TEAMS[k].chars().take(2).collect::<String>(),
            "createdAt": fmt_iso(t), "updatedAt": fmt_iso(t + 60),
            "_links": { "self": { "href": format!("{base}/teams/{}", TEAM_BASE + k) } },
        })
    }
}

#[derive(Clone, Copy)]
enum Table {
    Conversations,
    Customers,
    Mailboxes,
    Users,
    Tags,
    Teams,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Conversations => "conversations",
            Table::Customers => "customers",
            Table::Mailboxes => "mailboxes",
            Table::Users => "users",
            Table::Tags => "tags",
            Table::Teams => "teams",
        }
    }

    fn count(self, d: &Data) -> usize {
        match self {
            Table::Conversations | Table::Customers => d.n,
            Table::Mailboxes => MAILBOXES.len(),
            Table::Users => USERS,
            Table::Tags => TAGS.len(),
            Table::Teams => TEAMS.len(),
        }
    }

    fn id_base(self) -> usize {
        match self {
            Table::Conversations => CONV_BASE,
            Table::Customers => CUSTOMER_BASE,
            Table::Mailboxes => MAILBOX_BASE,
            Table::Users => USER_BASE,
            Table::Tags => TAG_BASE,
            Table::Teams => TEAM_BASE,
        }
    }

    fn render(self, d: &Data, base: &str, i: usize) -> Value {
        match self {
            Table::Conversations => d.conversation_json(base, i),
            Table::Customers => d.customer_json(base, i),
            Table::Mailboxes => d.mailbox_json(base, i),
            Table::Users => d.user_json(base, i),
            Table::Tags => d.tag_json(base, i),
            Table::Teams => d.team_json(base, i),
        }
    }
}

fn api_base(st: &Shared) -> String {
    format!("{}/helpscout/v2", st.base_url)
}

/// The HAL list body; links carry only `page`, exactly as Help Scout's do.
fn hal(
    base: &str,
    path: &str,
    name: &str,
    items: Vec<Value>,
    page: usize,
    size: usize,
    total: usize,
) -> Value {
    let pages = total.div_ceil(size);
    let href = |p: usize| json!({ "href": format!("{base}{path}?page={p}") });
    let mut links = json!({
        "self": href(page),
        "first": href(1),
        "last": href(pages.max(1)),
        "page": { "href": format!("{base}{path}{{?page}}"), "templated": true },
    });
    if page < pages {
        links["next"] = href(page + 1);
    }
    if page > 1 {
        links["previous"] = href(page - 1);
    }
    json!({
        "_embedded": { name: items },
        "_links": links,
        "page": { "size": size, "totalElements": total, "totalPages": pages, "number": page },
    })
}

/// The index of the record with this id among `count` ids from `base`.
fn index_of(id: &str, base: usize, count: usize) -> Option<usize> {
    id.parse::<usize>()
        .ok()
        .and_then(|id| id.checked_sub(base))
        .filter(|i| *i < count)
}

fn page_of(p: &Params) -> usize {
    num(p, "page").filter(|n| *n > 0).unwrap_or(1) as usize
}

/// A comma-separated list of numeric ids, each mapped back to an index.
fn ids(v: &str, base: usize) -> Vec<usize> {
    v.split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
        .filter_map(|id| id.checked_sub(base))
        .collect()
}

type Filter<'a> = Box<dyn Fn(usize) -> bool + 'a>;

fn filters<'a>(d: &'a Data, t: Table, p: &Params) -> Result<Vec<Filter<'a>>, Rejection> {
    let mut out: Vec<Filter<'a>> = Vec::new();
    match t {
        Table::Conversations => {
            let statuses: &'static [&'static str] = match param(p, "status").unwrap_or("active") {
                "all" => &[],
                "active" => &["active"],
                "open" => &["active", "pending"],
                "closed" => &["closed"],
                "pending" => &["pending"],
                "spam" => &["spam"],
                other => {
                    return Err(Box::new(validation(
                        "status",
                        other,
                        "Must be one of: active, all, closed, open, pending, spam",
                    )))
                }
            };
            if !statuses.is_empty() {
                out.push(Box::new(move |i| statuses.contains(&d.conv(i).status)));
            }
            if let Some(m) = param(p, "mailbox") {
                let boxes = ids(m, MAILBOX_BASE);
                out.push(Box::new(move |i| boxes.contains(&d.conv(i).mailbox)));
            }
            if let Some(tag) = param(p, "tag") {
                let wanted: Vec<String> = tag.split(',').map(|s| s.trim().to_owned()).collect();
                out.push(Box::new(move |i| {
                    d.conv(i)
                        .tags
                        .iter()
                        .any(|t| wanted.iter().any(|w| w == TAGS[*t]))
                }));
            }
            if let Some(a) = param(p, "assigned_to") {
                let user = a
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|id| id.checked_sub(USER_BASE));
                out.push(Box::new(move |i| {
                    user.is_some() && d.conv(i).assignee == user
                }));
            }
            if let Some(nr) = param(p, "number") {
                let nr = nr.trim().parse::<usize>().ok();
                out.push(Box::new(move |i| nr == Some(i + 1)));
            }
            // "Returns only conversations that were modified after this date", in exactly the
            // form yyyy-MM-dd'T'HH:mm:ss'Z'.
            if let Some(since) = param(p, "modifiedSince") {
                let strict =
                    since.len() == 20 && since.ends_with('Z') && since.as_bytes()[10] == b'T';
                let Some(at) = data::parse_datetime(since).filter(|_| strict) else {
                    return Err(Box::new(validation(
                        "modifiedSince",
                        since,
                        "Must be a date in the form yyyy-MM-dd'T'HH:mm:ss'Z'",
                    )));
                };
                out.push(Box::new(move |i| d.conv(i).updated > at));
            }
        }
        Table::Customers => {
            if let Some(m) = param(p, "mailbox") {
                let mask = ids(m, MAILBOX_BASE)
                    .into_iter()
                    .filter(|k| *k < 8)
                    .fold(0u8, |acc, k| acc | 1 << k);
                out.push(Box::new(move |c| d.customer_mailboxes[c] & mask != 0));
            }
            if let Some(f) = param(p, "firstName") {
                let f = f.to_owned();
                out.push(Box::new(move |c| d.customer_name(c).0 == f));
            }
            if let Some(l) = param(p, "lastName") {
                let l = l.to_owned();
                out.push(Box::new(move |c| d.customer_name(c).1 == Some(l.as_str())));
            }
        }
        _ => {}
    }
    Ok(out)
}

fn list(st: &Shared, t: Table, uri: &Uri) -> Response {
    let d = &st.helpscout;
    let p = params(uri);
    if let Some(resp) = overlay::list(st, t, &p) {
        return resp;
    }
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
    let size = if matches!(t, Table::Conversations) {
        CONVERSATION_PAGE
    } else {
        PAGE
    };
    let page = page_of(&p);
    let offset = (page - 1).saturating_mul(size);
    let sorted = match sort::order(d, t, &p, || (0..t.count(d)).filter(|i| keep(*i)).collect()) {
        Ok(sorted) => sorted,
        Err(resp) => return *resp,
    };
    let (rows, total) = match sorted {
        Some(sorted) => {
            let total = sorted.len();
            (sorted.into_iter().skip(offset).take(size).collect(), total)
        }
        None => select(t.count(d), keep_ref, offset, size),
    };
    let base = api_base(st);
    let mut items: Vec<Value> = rows.into_iter().map(|i| t.render(d, &base, i)).collect();
    if matches!(t, Table::Conversations) && thread_reads::embeds_threads(&p) {
        items
            .iter_mut()
            .for_each(|c| thread_reads::embed_threads(st, c));
    }
    ok(hal(
        &base,
        &format!("/{}", t.name()),
        t.name(),
        items,
        page,
        size,
        total,
    ))
}

fn one(st: &Shared, t: Table, id: &str, uri: &Uri) -> Response {
    let d = &st.helpscout;
    let found = match t {
        // Tables the write endpoints change read through their writes.
        Table::Conversations | Table::Customers | Table::Tags => overlay::record(st, t, id),
        _ => id
            .parse::<usize>()
            .ok()
            .and_then(|id| id.checked_sub(t.id_base()))
            .filter(|i| *i < t.count(d))
            .map(|i| t.render(d, &api_base(st), i)),
    };
    match found {
        Some(mut v) => {
            if matches!(t, Table::Conversations) && thread_reads::embeds_threads(&params(uri)) {
                thread_reads::embed_threads(st, &mut v);
            }
            ok(v)
        }
        None => error(StatusCode::NOT_FOUND, "Resource not found"),
    }
}

/// A conversation's threads, with the ones added through the API after the generated ones.
fn threads(st: &Shared, id: &str, uri: &Uri) -> Response {
    let Some(all) = id
        .parse::<u64>()
        .ok()
        .and_then(|id| thread_reads::conversation_threads(st, id))
    else {
        return error(StatusCode::NOT_FOUND, "Resource not found");
    };
    let page = page_of(&params(uri));
    let total = all.len();
    let base = api_base(st);
    let items = all
        .into_iter()
        .skip((page - 1).saturating_mul(PAGE))
        .take(PAGE)
        .collect();
    ok(hal(
        &base,
        &format!("/conversations/{id}/threads"),
        "threads",
        items,
        page,
        PAGE,
        total,
    ))
}

fn mailbox_fields(st: &Shared, id: &str, uri: &Uri) -> Response {
    let Some(mailbox) = id
        .parse::<usize>()
        .ok()
        .and_then(|id| id.checked_sub(MAILBOX_BASE))
        .filter(|m| *m < MAILBOXES.len())
    else {
        return error(StatusCode::NOT_FOUND, "Resource not found");
    };
    let fields = helpscout_fields::of_mailbox(mailbox);
    let page = page_of(&params(uri));
    let (rows, total) = select(fields.len(), None, (page - 1) * PAGE, PAGE);
    let base = api_base(st);
    ok(hal(
        &base,
        &format!("/mailboxes/{id}/fields"),
        "fields",
        rows.into_iter()
            .map(|k| helpscout_fields::field_json(&fields[k]))
            .collect(),
        page,
        PAGE,
        total,
    ))
}

pub fn router() -> Router<AppState> {
    let mut r = Router::new();
    for t in [
        Table::Conversations,
        Table::Customers,
        Table::Mailboxes,
        Table::Users,
        Table::Tags,
        Table::Teams,
    ] {
        r = r
            .route(
                &format!("/{}", t.name()),
                get(move |State(st): State<AppState>, uri: Uri| async move { list(&st, t, &uri) }),
            )
            .route(
                &format!("/{}/{{id}}", t.name()),
                get(
                    move |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                        one(&st, t, &id, &uri)
                    },
                ),
            );
    }
    r.route(
        "/users/me",
        get(|State(st): State<AppState>, uri: Uri| async move {
            one(&st, Table::Users, &USER_BASE.to_string(), &uri)
        }),
    )
    .route(
        "/mailboxes/{id}/fields",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                mailbox_fields(&st, &id, &uri)
            },
        ),
    )
    .route(
        "/conversations/{id}/threads",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                threads(&st, &id, &uri)
            },
        ),
    )
    .merge(customers::router())
    .merge(organizations::router())
    .merge(folders::router())
    .merge(workflows::router())
    .merge(team_members::router())
    .merge(saved_replies::router())
    .merge(ratings::router())
    .merge(drilldowns::router())
    .merge(writes::router())
    .fallback(|| async { error(StatusCode::NOT_FOUND, "Resource not found") })
}

static LOG_REF: AtomicU64 = AtomicU64::new(1);

/// A UUID-shaped log reference, as Help Scout puts in every error.
fn log_ref() -> String {
    let a = mix(LOG_REF.fetch_add(1, Ordering::Relaxed));
    let b = mix(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

fn error(status: StatusCode, msg: &str) -> Response {
    json(status, json!({ "logRef": log_ref(), "message": msg }))
}

/// The vnd.error validation body Help Scout sends for bad parameters.
fn validation(path: &str, value: &str, msg: &str) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        json!({
            "logRef": log_ref(),
            "message": "Bad request",
            "_embedded": { "errors": [{
                "path": path, "message": msg, "rejectedValue": value, "source": "QUERY",
            }]},
        }),
    )
}

pub fn fault(f: Fault) -> Response {
    match f {
        Fault::Unauthorized | Fault::TokenExpired => {
            error(StatusCode::UNAUTHORIZED, "Invalid access token")
        }
        Fault::RateLimited => error(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded"),
        Fault::Internal => error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
    }
}

pub fn authorized(st: &Shared, h: &HeaderMap) -> bool {
    bearer(h) == Some(st.creds.helpscout_token.as_str())
}

pub fn rate_headers(info: &RateInfo, limited: bool) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("x-ratelimit-limit-minute", info.limit.to_string()),
        ("x-ratelimit-remaining-minute", info.remaining.to_string()),
    ];
    if limited {
        v.push(("x-ratelimit-retry-after", info.reset_secs.to_string()));
    }
    v
}

pub fn manifest(st: &Shared) -> Value {
    let d = &st.helpscout;
    let mut tables = json!({
        "conversations": table(overlay::count(st, Table::Conversations), None),
        "customers": table(overlay::count(st, Table::Customers), None),
        "mailboxes": table(MAILBOXES.len(), None),
        "users": table(USERS, None),
        "tags": table(overlay::count(st, Table::Tags), None),
        "teams": table(TEAMS.len(), None),
        "threads": table(thread_reads::thread_count(st), Some("conversations")),
        "mailbox_fields": table(helpscout_fields::all().len(), Some("mailboxes")),
        "customer_property_definitions": table(customers::definition_count(), None),
        "organizations": table(organizations::count(d), None),
        "mailbox_folders": table(folders::count(), Some("mailboxes")),
        "workflows": table(workflows::count(), None),
        "team_members": table(team_members::count(), Some("teams")),
        "saved_replies": table(saved_replies::count(), Some("mailboxes")),
        "system_users": table(system_users::count(), None),
    });
    // The reports' tables read a period (`start`/`end`): they count the rows of the default
    // window (the last 30 days) and describe it and the span of all their rows.
    let counts = &d.drilldown_counts;
    for (name, rows, parent) in [
        ("report_happiness_ratings", d.ratings_in_window, None),
        ("report_user_ratings", d.ratings_in_window, Some("users")),
        ("report_conversations", counts.conversations, None),
        ("report_tag_conversations", counts.tagged, Some("tags")),
        ("report_user_conversations", counts.assigned, Some("users")),
    ] {
        tables[name] = table(rows, parent);
        tables[name]["window"] = d.span.manifest();
    }
    // Child tables (rows from their parent's nested arrays) have no parent to iterate.
    for (name, rows) in customers::child_counts(st) {
        tables[name] = table(rows, None);
    }
    writes::manifest_entries(&mut tables);
    json!({
        "tables": tables,
        "credentials": { "access_token": st.creds.helpscout_token },
        "connection_strings": {
            // A static token, for tests that skip the OAuth flow; the OAuth flows' strings
            // (OAUTH, OAUTH_CLIENT) are added by the OAuth server.
            "TOKEN": format!(
                "Profile=helpscout;AuthScheme=OAuth;InitiateOAuth=OFF;OAuthAccessToken={};BaseURL={}",
                st.creds.helpscout_token, api_base(st)
            ),
        },
    })
}

/// A full scan's rows; with `all`, the report rows outside the default window too.
pub fn table_data(st: &Shared, name: &str, all: bool) -> Option<Vec<Value>> {
    let d = &st.helpscout;
    let base = api_base(st);
    let period = if all {
        d.span.all()
    } else {
        d.span.default_period()
    };
    let t = match name {
        "conversations" => Table::Conversations,
        "customers" => Table::Customers,
        "mailboxes" => Table::Mailboxes,
        "users" => Table::Users,
        "tags" => Table::Tags,
        "teams" => Table::Teams,
        "organizations" => return Some(organizations::table_data(d, &base)),
        "mailbox_folders" => return Some(folders::table_data(d)),
        "workflows" => return Some(workflows::table_data()),
        "team_members" => return Some(team_members::table_data(d, &base)),
        "saved_replies" => return Some(saved_replies::table_data()),
        "system_users" => return Some(system_users::table_data(st)),
        "report_happiness_ratings" => return Some(ratings::table_data(d, period, false)),
        "report_user_ratings" => return Some(ratings::table_data(d, period, true)),
        "report_conversations" | "report_tag_conversations" | "report_user_conversations" => {
            return drilldowns::table_data(d, name, period)
        }
        "mailbox_fields" => {
            return Some(
                helpscout_fields::all()
                    .iter()
                    .map(helpscout_fields::field_json)
                    .collect(),
            )
        }
        // Threads carry their conversation's id (not in the API's thread object) for joins.
        "threads" => return Some(thread_reads::thread_table(st)),
        _ => return customers::table_data(st, name),
    };
    let mut rows = Vec::with_capacity(t.count(d));
    overlay::each_record(st, t, |v| rows.push(v));
    Some(rows)
}
