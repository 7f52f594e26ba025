//! Talkdesk imitation under `/talkdesk`: users and contacts as HAL lists (`page`/`per_page`,
//! `_links.next` as a full URL, contacts capped at 10 000 like the real API), and calls (and the
//! report types of `reports`) through
//! the asynchronous Explore report flow: POST a job, poll it (created → processing → done),
//! fetch its file through a 303 redirect to `/talkdesk/_files/{id}` on another origin (`localhost`
//! for `127.0.0.1` and the other way round), standing in for a storage bucket whose pre-signed URL
//! is its own authorization: like such a bucket it refuses a request that also carries an
//! `Authorization` header. A job's file holds the calls that started within its timespan
//! (other reports: the rows whose end time lies in it), which must be at most a month long. Each created job's timespan goes to `/_sandbox/stats`.
//! Bearer auth; `{code, message, description, fields}` errors. No writes: Talkdesk documents
//! none for users or contacts, so POST, PATCH and DELETE there are a 405.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::common::{bearer, json, num, ok, params, select};
use crate::control::table;
use crate::data::{self, fmt_iso, mix, parse_datetime, Gen, FIRST_NAMES, LAST_NAMES};
use crate::faults::Fault;
use crate::{AppState, Shared};

mod outbound;
mod reports;
mod ring_groups;

const USER: u64 = 0x50;
const CONTACT: u64 = 0x51;
const CALL: u64 = 0x52;

/// The real API returns at most this many contacts, however many pages are asked for.
pub const CONTACTS_CAP: usize = 10_000;
const MAX_PER_PAGE: usize = 250;
/// Calls lie in the 90 days before the sandbox started; the manifest's calls window is the last
/// 30 of them, the window a client asks for by default ("the last 30 days"). No call lies within
/// two days of the window's start or an hour of its end, so a client whose clock runs a little
/// later than the sandbox's start still sees exactly the manifest's calls.
const CALLS_SPAN: i64 = 90 * 86_400;
const CALLS_WINDOW: i64 = 30 * 86_400;
const EDGE_MARGIN: i64 = 2 * 86_400;
const END_MARGIN: i64 = 3_600;
/// "At most one month per request"; 31 days lets any calendar month through.
const MAX_SPAN: i64 = 31 * 86_400;
const TEAMS: &[&str] = &["Support", "Sales", "Retenção"];
const DISPOSITIONS: &[&str] = &["Sale", "Callback", "Not interested", "Resolved"];

struct Job {
    /// The report type (`calls`, or one of `reports::TABLES`).
    kind: String,
    from: i64,
    to: i64,
    timezone: String,
    polls: u32,
}

pub struct Data {
    g: Gen,
    n: usize,
    /// When the sandbox started (Unix seconds): the end of the calls window.
    calls_to: i64,
    calls_in_window: usize,
    jobs: Mutex<HashMap<String, Job>>,
}

impl Data {
    pub fn new(g: &Gen, n: usize) -> Self {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let mut d = Data {
            g: *g,
            n,
            calls_to: started,
            calls_in_window: 0,
            jobs: Mutex::new(HashMap::new()),
        };
        d.calls_in_window = (0..n)
            .filter(|i| (d.calls_from()..d.calls_to).contains(&d.call_start(*i)))
            .count();
        d
    }

    /// 24-hex ids that invert to the index (prefix per table, index masked).
    fn id(&self, table: u64, i: usize) -> String {
        let k = mix(self.g.seed() ^ table.rotate_left(24));
        format!("{:08x}{:016x}", k >> 32, i as u64 ^ (mix(k) >> 4))
    }

    fn index_of(&self, table: u64, id: &str, count: usize) -> Option<usize> {
        let k = mix(self.g.seed() ^ table.rotate_left(24));
        if id.len() != 24 || id.get(..8)? != format!("{:08x}", k >> 32) {
            return None;
        }
        let i = (u64::from_str_radix(id.get(8..)?, 16).ok()? ^ (mix(k) >> 4)) as usize;
        (i < count).then_some(i)
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

    fn user_json(&self, base: &str, u: usize) -> Value {
        let g = &self.g;
        let (f, l) = self.user_name(u);
        let id = self.id(USER, u);
        json!({
            "id": id,
            "email": self.user_email(u),
            "name": format!("{f} {l}"),
            "active": !g.chance(USER, u, 3, 15),
            "gender": g.pick(USER, u, 4, &["male", "female", "unknown"]),
            "extension": (!g.chance(USER, u, 5, 20)).then(|| 100 + u),
            "external_phone_number": (!g.chance(USER, u, 6, 50)).then(|| data::phone(g, USER, u, 0)),
            "created_at": fmt_iso(g.time(USER, u, 7)),
            "_links": { "self": { "href": format!("{base}/users/{id}") } },
        })
    }

    fn contact_json(&self, base: &str, c: usize) -> Value {
        let g = &self.g;
        let id = self.id(CONTACT, c);
        let phones: Vec<Value> = (0..g.range(CONTACT, c, 1, 0, 2) as usize)
            .map(|k| json!({ "label": if k == 0 { "mobile" } else { "work" }, "number": data::phone(g, CONTACT, c, k) }))
            .collect();
        json!({
            "id": id,
            "name": format!("{} {}", g.pick(CONTACT, c, 2, FIRST_NAMES), g.pick(CONTACT, c, 3, LAST_NAMES)),
            "company": (!g.chance(CONTACT, c, 4, 40)).then(|| data::company_name(g, CONTACT, c)),
            "phones": phones,
            "_links": { "self": { "href": format!("{base}/contacts/{id}") } },
        })
    }

    fn calls_from(&self) -> i64 {
        self.calls_to - CALLS_WINDOW
    }

    fn call_start(&self, i: usize) -> i64 {
        self.window_time(CALL, i)
    }

    /// The time of row `i` of a report's `table` that the report's timespan filters on: in the
    /// 90 days before the sandbox started, clear of the default window's edges.
    fn window_time(&self, table: u64, i: usize) -> i64 {
        let mut start =
            self.calls_to - CALLS_SPAN + (self.g.h(table, i, 1) % CALLS_SPAN as u64) as i64;
        let from = self.calls_from();
        if (from - EDGE_MARGIN..from + EDGE_MARGIN).contains(&start) {
            start -= 2 * EDGE_MARGIN;
        }
        if start > self.calls_to - END_MARGIN {
            start -= END_MARGIN;
        }
        start
    }

    /// The rows of report `kind` in `from..to`; None for a type the sandbox does not serve.
    fn entries(&self, kind: &str, from: i64, to: i64) -> Option<Vec<Value>> {
        match kind {
            "calls" => Some(self.calls_between(from, to)),
            other => self.report_entries(other, from, to),
        }
    }

    fn call_json(&self, i: usize) -> Value {
        let g = &self.g;
        let start = self.call_start(i);
        let kind = match g.range(CALL, i, 2, 0, 99) {
            0..=49 => "inbound",
            50..=79 => "outbound",
            80..=89 => "missed",
            90..=94 => "abandoned",
            _ => "voicemail",
        };
        let answered = matches!(kind, "inbound" | "outbound");
        let wait = g.range(CALL, i, 3, 0, 120);
        let talk = if answered {
            g.range(CALL, i, 4, 10, 1800)
        } else {
            0
        };
        let hold = if answered && g.chance(CALL, i, 5, 20) {
            g.range(CALL, i, 6, 5, 120)
        } else {
            0
        };
        let total = wait + talk + hold;
        let user = if answered && self.n > 0 {
            g.index(CALL, i, 7, self.n)
        } else {
            None
        };
        let (name, email) = match user {
            Some(u) => {
                let (f, l) = self.user_name(u);
                (Some(format!("{f} {l}")), Some(self.user_email(u)))
            }
            None => (None, None),
        };
        let hour = (start % 86_400) / 3600;
        json!({
            "call_id": g.hex(CALL, i, 8, 32),
            "callsid": format!("CA{}", g.hex(CALL, i, 9, 32)),
            "type": kind,
            "start_at": fmt_iso(start),
            "end_at": fmt_iso(start + total as i64),
            "talkdesk_phone_number": g.pick(CALL, i, 10, &["+18005550100", "+351300500600"]),
            "contact_phone_number": data::phone(g, CALL, i, 0),
            "user_id": user.map(|u| self.id(USER, u)),
            "user_name": name,
            "user_email": email,
            "total_time": total,
            "talk_time": talk,
            "wait_time": wait,
            "hold_time": hold,
            "disposition_code": (answered && g.chance(CALL, i, 11, 60)).then(|| g.pick(CALL, i, 12, DISPOSITIONS)),
            "team_name": user.map(|_| g.pick(CALL, i, 13, TEAMS)),
            "is_in_business_hours": (8..18).contains(&hour),
            "recording_url": (answered && g.chance(CALL, i, 14, 50))
                .then(|| format!("https://recordings.sandbox.talkdesk.invalid/{}.mp3", g.hex(CALL, i, 8, 32))),
        })
    }

    fn calls_between(&self, from: i64, to: i64) -> Vec<Value> {
        (0..self.n)
            .filter(|i| (from..to).contains(&self.call_start(*i)))
            .map(|i| self.call_json(i))
            .collect()
    }
}

fn api_base(st: &Shared) -> String {
    format!("{}/talkdesk", st.base_url)
}

/// The API base on the other loopback name: another origin for the same server.
fn storage_base(st: &Shared) -> String {
    let base = api_base(st);
    if base.contains("//127.0.0.1") {
        base.replacen("//127.0.0.1", "//localhost", 1)
    } else {
        base.replacen("//localhost", "//127.0.0.1", 1)
    }
}

fn list(st: &Shared, name: &str, uri: &Uri) -> Response {
    let d = &st.talkdesk;
    let p = params(uri);
    let page = num(&p, "page").filter(|n| *n > 0).unwrap_or(1) as usize;
    let per_page = num(&p, "per_page")
        .filter(|n| *n > 0)
        .map_or(50, |n| (n as usize).min(MAX_PER_PAGE));
    let available = if name == "contacts" {
        d.n.min(CONTACTS_CAP)
    } else {
        d.n
    };
    let (rows, total) = select(
        available,
        None,
        (page - 1).saturating_mul(per_page),
        per_page,
    );
    let base = api_base(st);
    let items: Vec<Value> = rows
        .into_iter()
        .map(|i| {
            if name == "contacts" {
                d.contact_json(&base, i)
            } else {
                d.user_json(&base, i)
            }
        })
        .collect();
    let pages = total.div_ceil(per_page);
    let href =
        |pg: usize| json!({ "href": format!("{base}/{name}?page={pg}&per_page={per_page}") });
    let mut links = json!({ "self": href(page), "first": href(1), "last": href(pages.max(1)) });
    if page < pages {
        links["next"] = href(page + 1);
    }
    if page > 1 {
        links["prev"] = href(page - 1);
    }
    ok(json!({
        "total": total,
        "count": items.len(),
        "page": page,
        "per_page": per_page,
        "total_pages": pages,
        "_embedded": { name: items },
        "_links": links,
    }))
}

fn job_json(base: &str, id: &str, job: &Job, status: &str) -> Value {
    let kind = &job.kind;
    let mut links = json!({ "self": { "href": format!("{base}/data/reports/{kind}/jobs/{id}") } });
    if status == "done" {
        links["files"] = json!({ "href": format!("{base}/data/reports/{kind}/files/{id}") });
    }
    json!({ "job": {
        "id": id,
        "name": format!("{kind} report"),
        "status": status,
        "format": "json",
        "timezone": job.timezone,
        "timespan": { "from": fmt_iso(job.from), "to": fmt_iso(job.to) },
        "_links": links,
    }})
}

fn field_error(name: &str, description: &str) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        json!({
            "code": "0330400", "message": "Bad Request", "description": "Invalid request body",
            "fields": [{ "name": name, "description": description }],
        }),
    )
}

fn create_job(st: &Shared, kind: &str, body: &[u8]) -> Response {
    if kind != "calls" && !reports::TABLES.iter().any(|(_, k)| *k == kind) {
        return error(
            StatusCode::NOT_FOUND,
            "0330404",
            "Not Found",
            "the sandbox does not serve this report type",
        );
    }
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return field_error("body", "must be a JSON object");
    };
    if req["format"].as_str().is_some_and(|f| f != "json") {
        return field_error("format", "the sandbox produces json reports only");
    }
    let span = &req["timespan"];
    let from = span["from"].as_str().and_then(parse_datetime);
    let to = span["to"].as_str().and_then(parse_datetime);
    let (Some(from), Some(to)) = (from, to) else {
        return field_error("timespan", "from and to are required ISO 8601 date-times");
    };
    if to <= from {
        return field_error("timespan", "to must be after from");
    }
    if to - from > MAX_SPAN {
        return field_error("timespan", "the timespan must not exceed one month");
    }
    let mut jobs = st.talkdesk.jobs.lock().unwrap_or_else(|p| p.into_inner());
    let id = st
        .talkdesk
        .g
        .hex(0x5_0B, jobs.len(), mix(from as u64 ^ to as u64), 24);
    let job = Job {
        kind: kind.to_owned(),
        from,
        to,
        timezone: span["timezone"].as_str().unwrap_or("UTC").to_owned(),
        polls: 0,
    };
    let body = job_json(&api_base(st), &id, &job, "created");
    st.stats.push_report_job(json!({
        "service": "talkdesk",
        "report": kind,
        "id": id,
        "from": fmt_iso(from),
        "to": fmt_iso(to),
        "timezone": job.timezone,
    }));
    jobs.insert(id, job);
    json(StatusCode::ACCEPTED, body)
}

/// Each poll moves the job on: created → processing → done. A job is found under its own
/// report type only.
fn poll_job(st: &Shared, kind: &str, id: &str) -> Response {
    let mut jobs = st.talkdesk.jobs.lock().unwrap_or_else(|p| p.into_inner());
    let Some(job) = jobs.get_mut(id).filter(|j| j.kind == kind) else {
        return error(
            StatusCode::NOT_FOUND,
            "0330404",
            "Not Found",
            "no such report job",
        );
    };
    job.polls += 1;
    let status = if job.polls < 2 { "processing" } else { "done" };
    ok(job_json(&api_base(st), id, job, status))
}

fn file_redirect(st: &Shared, kind: &str, id: &str) -> Response {
    let jobs = st.talkdesk.jobs.lock().unwrap_or_else(|p| p.into_inner());
    match jobs.get(id).filter(|j| j.kind == kind) {
        Some(job) if job.polls >= 2 => (
            StatusCode::SEE_OTHER,
            [(
                header::LOCATION,
                format!("{}/_files/{id}", storage_base(st)),
            )],
        )
            .into_response(),
        Some(_) => error(
            StatusCode::CONFLICT,
            "0330409",
            "Conflict",
            "the report is not done yet",
        ),
        None => error(
            StatusCode::NOT_FOUND,
            "0330404",
            "Not Found",
            "no such report job",
        ),
    }
}

fn file(st: &Shared, id: &str, headers: &HeaderMap) -> Response {
    if headers.contains_key(header::AUTHORIZATION) {
        // What a storage service answers when a pre-signed URL also carries a credential.
        return error(
            StatusCode::BAD_REQUEST,
            "0330400",
            "Bad Request",
            "Only one auth mechanism allowed: the URL's signature; do not send an Authorization header",
        );
    }
    let span = {
        let jobs = st.talkdesk.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.get(id).map(|j| (j.kind.clone(), j.from, j.to))
    };
    match span
        .and_then(|(kind, from, to)| Some((kind.clone(), st.talkdesk.entries(&kind, from, to)?)))
    {
        // The calls report's documented file carries its type and version; the newer examples
        // of the other reports show only `entries` and `total`.
        Some((kind, entries)) if kind == "calls" => ok(
            json!({ "type": "calls", "version": "1.0", "total": entries.len(), "entries": entries }),
        ),
        Some((_, entries)) => ok(json!({ "total": entries.len(), "entries": entries })),
        None => error(
            StatusCode::NOT_FOUND,
            "0330404",
            "Not Found",
            "no such file",
        ),
    }
}

pub fn router() -> Router<AppState> {
    outbound::routes(ring_groups::routes(Router::new()))
        .route(
            "/users",
            get(|State(st): State<AppState>, uri: Uri| async move { list(&st, "users", &uri) }),
        )
        .route(
            "/contacts",
            get(|State(st): State<AppState>, uri: Uri| async move { list(&st, "contacts", &uri) }),
        )
        .route(
            "/users/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    let d = &st.talkdesk;
                    match d.index_of(USER, &id, d.n) {
                        Some(u) => ok(d.user_json(&api_base(&st), u)),
                        None => error(
                            StatusCode::NOT_FOUND,
                            "0310404",
                            "Not Found",
                            "user not found",
                        ),
                    }
                },
            ),
        )
        .route(
            "/contacts/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    let d = &st.talkdesk;
                    match d.index_of(CONTACT, &id, d.n) {
                        Some(c) => ok(json!({ "contact": d.contact_json(&api_base(&st), c) })),
                        None => error(
                            StatusCode::NOT_FOUND,
                            "0320404",
                            "Not Found",
                            "contact not found",
                        ),
                    }
                },
            ),
        )
        .route(
            "/data/reports/{kind}/jobs",
            post(
                |State(st): State<AppState>, Path(kind): Path<String>, body: Bytes| async move {
                    create_job(&st, &kind, &body)
                },
            ),
        )
        .route(
            "/data/reports/{kind}/jobs/{id}",
            get(
                |State(st): State<AppState>, Path((kind, id)): Path<(String, String)>| async move {
                    poll_job(&st, &kind, &id)
                },
            ),
        )
        .route(
            "/data/reports/{kind}/files/{id}",
            get(
                |State(st): State<AppState>, Path((kind, id)): Path<(String, String)>| async move {
                    file_redirect(&st, &kind, &id)
                },
            ),
        )
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "0000404",
                "Not Found",
                "no such resource",
            )
        })
        // Talkdesk documents no write for users or contacts (only GET /contacts and
        // GET /contacts/{id}, scope contacts:read), so a write to them is refused in its error
        // shape rather than imitated (docs/services/talkdesk.md, "Writes").
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "0000405",
                "Method Not Allowed",
                "this resource does not accept this method",
            )
        })
}

/// The report files, outside auth and faults (merged next to the guarded router).
pub fn files_router() -> Router<AppState> {
    Router::new().route(
        "/_files/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, headers: HeaderMap| async move {
                file(&st, &id, &headers)
            },
        ),
    )
}

fn error(status: StatusCode, code: &str, message: &str, description: &str) -> Response {
    json(
        status,
        json!({ "code": code, "message": message, "description": description, "fields": [] }),
    )
}

pub fn fault(f: Fault) -> Response {
    match f {
        Fault::Unauthorized | Fault::TokenExpired => error(
            StatusCode::UNAUTHORIZED,
            "0000401",
            "Unauthorized",
            "Invalid or expired access token",
        ),
        Fault::RateLimited => error(
            StatusCode::TOO_MANY_REQUESTS,
            "0000429",
            "Too Many Requests",
            "Rate limit exceeded",
        ),
        Fault::Internal => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "0000500",
            "Internal Server Error",
            "Unexpected error",
        ),
    }
}

pub fn authorized(st: &Shared, h: &HeaderMap) -> bool {
    bearer(h) == Some(st.creds.talkdesk_token.as_str())
}

pub fn manifest(st: &Shared) -> Value {
    let d = &st.talkdesk;
    let mut tables = json!({
        "users": table(d.n, None),
        "contacts": table(d.n.min(CONTACTS_CAP), None),
        "calls": table(d.calls_in_window, None),
        "ring_groups": table(ring_groups::RING_GROUPS.len(), None),
        "ring_group_users": table(ring_groups::member_rows(d), Some("ring_groups")),
    });
    // The other reports count their rows in the same default window as calls.
    for (name, kind) in reports::TABLES {
        tables[*name] = table(d.report_rows(kind, d.calls_from(), d.calls_to), None);
    }
    for (name, rows, parent) in outbound::manifest_tables(d) {
        tables[name] = table(rows, parent);
    }
    json!({
        "tables": tables,
        // The default window of every report table (each counts the rows whose window time,
        // calls: start_at, others: their end time, lies in it).
        "calls_window": { "from": fmt_iso(d.calls_from()), "to": fmt_iso(d.calls_to) },
        // Every generated call starts in here; `/_sandbox/data/talkdesk/calls?all=true` lists them.
        "calls_span": { "from": fmt_iso(d.calls_to - CALLS_SPAN), "to": fmt_iso(d.calls_to) },
        "credentials": { "access_token": st.creds.talkdesk_token },
        "connection_strings": {
            // A static token, for tests that skip the OAuth flow; the OAuth flows' strings
            // (OAUTH, OAUTH_CLIENT) are added by the OAuth server.
            "TOKEN": format!(
                "Profile=talkdesk;AuthScheme=OAuth;InitiateOAuth=OFF;OAuthAccessToken={};AccountName=sandbox;BaseURL={}",
                st.creds.talkdesk_token, api_base(st)
            ),
        },
    })
}

/// A full scan's rows; with `all`, the report rows outside the default window too.
pub fn table_data(st: &Shared, name: &str, all: bool) -> Option<Vec<Value>> {
    let d = &st.talkdesk;
    let base = api_base(st);
    Some(match name {
        "users" => (0..d.n).map(|u| d.user_json(&base, u)).collect(),
        "contacts" => (0..d.n.min(CONTACTS_CAP))
            .map(|c| d.contact_json(&base, c))
            .collect(),
        "calls" if all => d.calls_between(i64::MIN, d.calls_to),
        "calls" => d.calls_between(d.calls_from(), d.calls_to),
        other => {
            if let Some((_, kind)) = reports::TABLES.iter().find(|(t, _)| *t == other) {
                let from = if all { i64::MIN } else { d.calls_from() };
                return d.report_entries(kind, from, d.calls_to);
            }
            return ring_groups::table_data(st, other).or_else(|| outbound::table_data(st, other));
        }
    })
}
