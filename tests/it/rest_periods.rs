//! Lists read over a period and per fixed value, against the test's own API: a `window` table
//! whose every request carries the period the query's conditions give (cut at the API's longest
//! period, the last N days without conditions, nothing for an empty or future one), the same with
//! dates rather than instants, a parent of fixed values (`WHERE branch = ...` reads only that
//! branch, an unknown branch nothing), a parent that is itself read per parent, and a detail
//! read (`one_record`) per parent record, a 404 being no row.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use odbc_api::Connection;
use serde_json::{json, Value};

use crate::harness::{connect_str, query_text, scalar_text};
use crate::mock_api::{temp_file, MockApi, Reply, Req};

const BRANCHES: [&str; 2] = ["north", "south"];
const LOANS_PER_BRANCH: i64 = 60;
const LOANS_PAGE: usize = 4;
const MAX_DAYS: i64 = 10;

const PROFILE: &str = r#"
name = "branches"
description = "A library's branches: loans and visits read over a period."
base_url = "{base}/v1"

[auth]
schemes = ["APIKEY"]
default = "APIKEY"
[auth.scheme.APIKEY]
requires = ["APIKey"]
[[auth.scheme.APIKEY.send]]
in = "header"
name = "X-Key"
value = "{APIKey}"

[errors]
message_paths = ["error"]

[[table]]
name = "loans"
description = "Loans of each branch; the API wants a period of at most 10 days."
path = "/branches/{branch}/loans"
records = "loans"
parent = { values = ["north", "south"], column = "branch" }
window = { column = "loaned_at", from_param = "from", to_param = "to", max_window_days = 10, default_window_days = 30 }
[table.pagination]
kind = "page"
page_param = "page"
first_page = 1
total_pages = "pages"
size_param = "per_page"
max_size = 4
default_size = 4
[[table.column]]
name = "id"
type = "text"
key = true
[[table.column]]
name = "branch"
type = "text"
[[table.column]]
name = "loaned_at"
type = "timestamp"
format = "rfc3339"

[[table]]
name = "visits"
description = "Daily visits; the API takes whole days, both ends included."
path = "/visits"
records = "visits"
pagination = { kind = "none" }
window = { column = "day", from_param = "start", to_param = "end", format = "date", max_window_days = 10 }
[[table.column]]
name = "day"
type = "date"
key = true
[[table.column]]
name = "count"
type = "int64"

[[table]]
name = "shelves"
description = "Shelves of each branch."
path = "/branches/{branch}/shelves"
records = "shelves"
pagination = { kind = "none" }
parent = { values = ["north", "south"], column = "branch" }
[[table.column]]
name = "id"
type = "text"
key = true
[[table.column]]
name = "branch"
type = "text"

[[table]]
name = "batched_books"
description = "Books of up to three shelves per request."
path = "/books?shelves={shelf_id}"
records = "books"
pagination = { kind = "none" }
parent = { table = "shelves", key = "id", column = "shelf_id", batch = 3 }
[[table.column]]
name = "shelf_id"
type = "text"
path = "shelf"
[[table.column]]
name = "title"
type = "text"

[[table]]
name = "shelf_readers"
description = "Readers of each shelf, nested in the shelf records."
child = { of = "shelves", array = "readers", parent_column = "shelf_id" }
[[table.column]]
name = "shelf_id"
type = "text"
[[table.column]]
name = "name"
type = "text"

[[table]]
name = "shelf_details"
description = "Each shelf's own record; one was removed (404)."
path = "/shelves/{shelf_id}"
records = "shelf"
one_record = true
pagination = { kind = "none" }
parent = { table = "shelves", key = "id", column = "shelf_id" }
[[table.column]]
name = "shelf_id"
type = "text"
[[table.column]]
name = "label"
type = "text"
[[table.column]]
name = "tags"
type = "json"

[[table]]
name = "shelf_books"
description = "Books on each shelf of each branch."
path = "/shelves/{shelf_id}/books"
records = "books"
pagination = { kind = "none" }
parent = { table = "shelves", key = "id", column = "shelf_id" }
[[table.column]]
name = "shelf_id"
type = "text"
[[table.column]]
name = "title"
type = "text"
"#;

/// Midnight UTC of the day the module started: loans lie every 36 hours before it.
fn anchor() -> DateTime<Utc> {
    static ANCHOR: OnceLock<DateTime<Utc>> = OnceLock::new();
    *ANCHOR.get_or_init(|| {
        Utc::now()
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
    })
}

fn loans(branch: &str) -> Vec<(String, DateTime<Utc>)> {
    (1..=LOANS_PER_BRANCH)
        .map(|k| (format!("{branch}-{k}"), anchor() - Duration::hours(36 * k)))
        .collect()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn bad(message: &str) -> Reply {
    Reply::Json(400, json!({ "error": message }))
}

/// A period is required and at most `MAX_DAYS` long, as the imitated API documents.
fn period<T: PartialOrd + Copy>(
    req: &Req,
    names: (&str, &str),
    parse: fn(&str) -> Option<T>,
    span_days: fn(T, T) -> i64,
) -> Result<(T, T), Reply> {
    let (Some(from), Some(to)) = (
        req.param(names.0).and_then(parse),
        req.param(names.1).and_then(parse),
    ) else {
        return Err(bad("a period (from and to) is required"));
    };
    if to < from || span_days(from, to) > MAX_DAYS {
        return Err(bad("the period must be at most 10 days"));
    }
    Ok((from, to))
}

fn api(req: &Req) -> Reply {
    let parts: Vec<&str> = req.path.trim_start_matches("/v1/").split('/').collect();
    match parts.as_slice() {
        ["branches", branch, "loans"] => {
            if !BRANCHES.contains(branch) {
                return Reply::Json(404, json!({ "error": "no such branch" }));
            }
            let (from, to) = match period(req, ("from", "to"), instant, |a, b| {
                ((b - a).num_seconds() + 86_399) / 86_400
            }) {
                Ok(p) => p,
                Err(reply) => return reply,
            };
            let inside: Vec<Value> = loans(branch)
                .into_iter()
                .filter(|(_, at)| *at >= from && *at < to)
                .map(|(id, at)| json!({ "id": id, "loaned_at": stamp(at) }))
                .collect();
            let page: usize = req.param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            let pages = inside.len().div_ceil(LOANS_PAGE).max(1);
            let items: Vec<Value> = inside
                .into_iter()
                .skip((page.max(1) - 1) * LOANS_PAGE)
                .take(LOANS_PAGE)
                .collect();
            Reply::Json(200, json!({ "loans": items, "page": page, "pages": pages }))
        }
        ["visits"] => {
            let (from, to) = match period(req, ("start", "end"), day, |a, b| (b - a).num_days() + 1)
            {
                Ok(p) => p,
                Err(reply) => return reply,
            };
            let visits: Vec<Value> = from
                .iter_days()
                .take_while(|d| *d <= to)
                .map(|d| json!({ "day": d.to_string(), "count": d.format("%d").to_string().parse::<i64>().unwrap_or(0) }))
                .collect();
            Reply::Json(200, json!({ "visits": visits }))
        }
        // The south branch also lists a north shelf it shares.
        ["branches", branch, "shelves"] => {
            let mut ids = vec![format!("{branch}-a"), format!("{branch}-b")];
            if *branch == "south" {
                ids.push("north-a".into());
            }
            let shelves: Vec<Value> = ids
                .iter()
                .map(|id| json!({ "id": id, "readers": [{ "name": format!("reader of {id}") }] }))
                .collect();
            Reply::Json(200, json!({ "shelves": shelves }))
        }
        ["books"] => {
            let books: Vec<Value> = req
                .param("shelves")
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .flat_map(|shelf| {
                    ["one", "two"]
                        .map(|t| json!({ "shelf": shelf, "title": format!("{shelf} {t}") }))
                })
                .collect();
            Reply::Json(200, json!({ "books": books }))
        }
        ["shelves", "south-b"] => Reply::Json(404, json!({ "error": "no such shelf" })),
        ["shelves", shelf] => Reply::Json(
            200,
            json!({ "shelf": { "label": format!("Shelf {shelf}"), "tags": [shelf] } }),
        ),
        ["shelves", shelf, "books"] => Reply::Json(
            200,
            json!({ "books": [{ "title": format!("{shelf} one") }, { "title": format!("{shelf} two") }] }),
        ),
        _ => Reply::Json(404, json!({ "error": "not found" })),
    }
}

struct Branches {
    api: MockApi,
    profile: PathBuf,
}

fn branches() -> &'static Branches {
    static B: OnceLock<Branches> = OnceLock::new();
    B.get_or_init(|| {
        let api = MockApi::start(api);
        let profile = temp_file("branches.toml", &PROFILE.replace("{base}", &api.base_url()));
        Branches { api, profile }
    })
}

/// Tests read the mock's request log; one at a time.
fn lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

fn connect() -> Connection<'static> {
    let cs = format!(
        "DRIVER={{apiodbc}};Profile={};APIKey=k",
        branches().profile.display()
    );
    connect_str(&cs).unwrap_or_else(|e| panic!("connecting with {cs}: {e}"))
}

/// The distinct (path, from, to) of the loan requests, in the order first sent.
fn loan_periods(api: &MockApi) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for r in api.requests() {
        let p = (
            r.path.clone(),
            r.param("from").unwrap_or_default().to_owned(),
            r.param("to").unwrap_or_default().to_owned(),
        );
        if r.path.ends_with("/loans") && !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

fn ids(rows: Vec<Vec<Option<String>>>) -> Vec<String> {
    rows.into_iter()
        .map(|r| r[0].clone().unwrap_or_default())
        .collect()
}

#[test]
fn a_range_condition_sets_the_period_of_every_request() {
    let _guard = lock();
    let b = branches();
    let conn = connect();
    let (lo, hi) = (anchor() - Duration::days(50), anchor() - Duration::days(30));
    b.api.clear();
    let sql = format!(
        "SELECT id FROM branches.loans WHERE loaned_at >= TIMESTAMP '{}' AND loaned_at < TIMESTAMP '{}' ORDER BY branch, loaned_at DESC",
        lo.format("%Y-%m-%d %H:%M:%S"),
        hi.format("%Y-%m-%d %H:%M:%S")
    );
    let got = ids(query_text(&conn, &sql));
    let want: Vec<String> = BRANCHES
        .iter()
        .flat_map(|br| loans(br))
        .filter(|(_, at)| *at >= lo && *at < hi)
        .map(|(id, _)| id)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want, "{sql}");
    // 20 days at 10 per request, for each branch.
    let mid = stamp(lo + Duration::days(MAX_DAYS));
    let mut want_periods = Vec::new();
    for br in BRANCHES {
        for (from, to) in [(stamp(lo), mid.clone()), (mid.clone(), stamp(hi))] {
            want_periods.push((format!("/v1/branches/{br}/loans"), from, to));
        }
    }
    let mut sent = loan_periods(&b.api);
    sent.sort();
    want_periods.sort();
    assert_eq!(sent, want_periods);
}

#[test]
fn without_conditions_the_period_is_the_last_days_and_rows_are_all_of_it() {
    let _guard = lock();
    let b = branches();
    let conn = connect();
    b.api.clear();
    let before = Utc::now();
    let got = ids(query_text(&conn, "SELECT id FROM branches.loans"));
    let after = Utc::now();
    let periods = loan_periods(&b.api);
    // For each branch: 30 days in three periods of 10, the last ending when the query ran.
    assert_eq!(periods.len(), 6, "{periods:?}");
    for br in BRANCHES {
        let mine: Vec<(DateTime<Utc>, DateTime<Utc>)> = periods
            .iter()
            .filter(|(p, _, _)| p.contains(br))
            .map(|(_, f, t)| (instant(f).expect("from"), instant(t).expect("to")))
            .collect();
        assert_eq!(mine.len(), 3, "{br}: {mine:?}");
        for pair in mine.windows(2) {
            assert_eq!(pair[0].1, pair[1].0, "{br}: periods are consecutive");
        }
        let (start, end) = (mine[0].0, mine[2].1);
        assert_eq!(end - start, Duration::days(30), "{br}");
        assert!(
            end >= before - Duration::seconds(1) && end <= after,
            "{br}: ends {end}"
        );
        let mut want: Vec<String> = loans(br)
            .into_iter()
            .filter(|(_, at)| *at >= start && *at < end)
            .map(|(id, _)| id)
            .collect();
        let mut mine_rows: Vec<String> = got
            .iter()
            .filter(|id| id.starts_with(br))
            .cloned()
            .collect();
        want.sort();
        mine_rows.sort();
        assert_eq!(mine_rows, want, "{br}");
    }
}

#[test]
fn a_future_or_empty_period_sends_nothing() {
    let _guard = lock();
    let b = branches();
    let conn = connect();
    b.api.clear();
    let future = (Utc::now() + Duration::days(3)).format("%Y-%m-%d");
    assert_eq!(
        scalar_text(
            &conn,
            &format!("SELECT COUNT(*) FROM branches.loans WHERE loaned_at >= TIMESTAMP '{future} 00:00:00'")
        ),
        Some("0".into())
    );
    assert_eq!(
        scalar_text(
            &conn,
            "SELECT COUNT(*) FROM branches.loans WHERE loaned_at >= TIMESTAMP '2026-03-02 00:00:00' AND loaned_at < TIMESTAMP '2026-03-01 00:00:00'"
        ),
        Some("0".into())
    );
    assert_eq!(b.api.requests().len(), 0, "{:?}", b.api.requests());
}

#[test]
fn a_fixed_value_parent_reads_only_the_values_asked() {
    let _guard = lock();
    let b = branches();
    let conn = connect();
    b.api.clear();
    let rows = query_text(
        &conn,
        "SELECT DISTINCT branch FROM branches.loans WHERE branch = 'south'",
    );
    assert_eq!(rows, vec![vec![Some("south".to_owned())]]);
    let paths: Vec<String> = loan_periods(&b.api).into_iter().map(|p| p.0).collect();
    assert!(
        !paths.is_empty() && paths.iter().all(|p| p == "/v1/branches/south/loans"),
        "{paths:?}"
    );
    b.api.clear();
    assert_eq!(
        scalar_text(
            &conn,
            "SELECT COUNT(*) FROM branches.loans WHERE branch IN ('east', 'west')"
        ),
        Some("0".into())
    );
    assert_eq!(
        b.api.requests().len(),
        0,
        "an unknown branch is not asked for"
    );
}

#[test]
fn whole_days_are_sent_with_the_last_day_included() {
    let _guard = lock();
    let b = branches();
    let conn = connect();
    b.api.clear();
    let rows = query_text(
        &conn,
        "SELECT day, count FROM branches.visits WHERE day BETWEEN DATE '2026-01-01' AND DATE '2026-01-31' ORDER BY day",
    );
    assert_eq!(rows.len(), 31, "{rows:?}");
    assert_eq!(rows[0][0].as_deref(), Some("2026-01-01"));
    assert_eq!(rows[30][0].as_deref(), Some("2026-01-31"));
    let sent: Vec<(String, String)> = b
        .api
        .requests()
        .iter()
        .map(|r| {
            (
                r.param("start").unwrap_or_default().to_owned(),
                r.param("end").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("2026-01-01", "2026-01-10"),
        ("2026-01-11", "2026-01-20"),
        ("2026-01-21", "2026-01-30"),
        ("2026-01-31", "2026-01-31"),
    ]
    .iter()
    .map(|(a, z)| (a.to_string(), z.to_string()))
    .collect();
    assert_eq!(sent, want);
}

#[test]
fn a_parent_read_per_parent_gives_its_keys_to_the_next_level() {
    let _guard = lock();
    let b = branches();
    let conn = connect();
    b.api.clear();
    let rows = query_text(
        &conn,
        "SELECT shelf_id, title FROM branches.shelf_books ORDER BY shelf_id, title",
    );
    let mut want = Vec::new();
    for br in BRANCHES {
        for s in ["a", "b"] {
            for t in ["one", "two"] {
                want.push(vec![
                    Some(format!("{br}-{s}")),
                    Some(format!("{br}-{s} {t}")),
                ]);
            }
        }
    }
    assert_eq!(rows, want);
    // Two shelf lists, then four book lists: the shelf both branches list is read once.
    assert_eq!(b.api.requests().len(), 6, "{:?}", b.api.requests());
}

#[test]
fn a_child_of_a_table_read_per_parent_has_a_row_per_element_of_each_record() {
    let _guard = lock();
    let b = branches();
    let conn = connect();
    b.api.clear();
    let rows = query_text(
        &conn,
        "SELECT shelf_id, name FROM branches.shelf_readers ORDER BY shelf_id",
    );
    // Five shelf records (north-a listed by both branches), one reader each.
    let want: Vec<Vec<Option<String>>> = ["north-a", "north-a", "north-b", "south-a", "south-b"]
        .iter()
        .map(|s| vec![Some(s.to_string()), Some(format!("reader of {s}"))])
        .collect();
    assert_eq!(rows, want);
    assert_eq!(b.api.requests().len(), 2, "the two shelf lists");
}

#[test]
fn a_detail_read_per_parent_gives_one_row_each_and_a_404_none() {
    let _guard = lock();
    let b = branches();
    let conn = connect();
    let rows = query_text(
        &conn,
        "SELECT shelf_id, label, tags FROM branches.shelf_details ORDER BY shelf_id",
    );
    let want: Vec<Vec<Option<String>>> = ["north-a", "north-b", "south-a"]
        .iter()
        .map(|s| {
            vec![
                Some(s.to_string()),
                Some(format!("Shelf {s}")),
                Some(format!("[\"{s}\"]")),
            ]
        })
        .collect();
    assert_eq!(rows, want);
    b.api.clear();
    assert_eq!(
        query_text(
            &conn,
            "SELECT label FROM branches.shelf_details WHERE shelf_id = 'north-b'"
        ),
        vec![vec![Some("Shelf north-b".to_owned())]]
    );
    let paths: Vec<String> = b.api.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/v1/shelves/north-b"], "one request for one shelf");
    // A value named twice is asked for, and returned, once.
    b.api.clear();
    assert_eq!(
        query_text(
            &conn,
            "SELECT COUNT(*) FROM branches.shelf_details WHERE shelf_id IN ('north-a', 'north-b', 'north-a', 'south-a')"
        ),
        vec![vec![Some("3".to_owned())]]
    );
    assert_eq!(b.api.requests().len(), 3, "{:?}", b.api.requests());
}

#[test]
fn a_batched_parent_sends_several_keys_per_request() {
    let _guard = lock();
    let b = branches();
    let conn = connect();
    b.api.clear();
    let rows = query_text(
        &conn,
        "SELECT shelf_id, title FROM branches.batched_books ORDER BY shelf_id, title",
    );
    let shelves = ["north-a", "north-b", "south-a", "south-b"];
    let want: Vec<Vec<Option<String>>> = shelves
        .iter()
        .flat_map(|s| ["one", "two"].map(|t| vec![Some(s.to_string()), Some(format!("{s} {t}"))]))
        .collect();
    assert_eq!(rows, want);
    // Two shelf lists, then four distinct shelves in batches of at most three (sent together,
    // so in either order).
    let mut sent: Vec<String> = b
        .api
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/books")
        .map(|r| r.param("shelves").unwrap_or_default().to_owned())
        .collect();
    sent.sort();
    assert_eq!(sent, ["north-a,north-b,south-a", "south-b"]);
    b.api.clear();
    let rows = query_text(
        &conn,
        "SELECT COUNT(*) FROM branches.batched_books WHERE shelf_id IN ('north-b', 'south-a')",
    );
    assert_eq!(rows, vec![vec![Some("4".to_owned())]]);
    let paths: Vec<String> = b
        .api
        .requests()
        .iter()
        .map(|r| format!("{}?{}", r.path, r.param("shelves").unwrap_or_default()))
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(
        paths[0] == "/v1/books?north-b,south-a" || paths[0] == "/v1/books?south-a,north-b",
        "{paths:?}"
    );
}
