//! Faults a user meets: a sandbox answering 20 % of API requests with 500 and allowing only 20
//! requests per service per window before 429 still gives complete, correct results; an endpoint
//! that always fails ends in a clear error within the retry bound; a body cut short is an error,
//! never fewer rows.

use serde_json::json;

use crate::harness::{message, query_text, scalar_text};
use crate::mock_api::{temp_file, MockApi, Reply};
use crate::sandbox::{clean, faulty, profile, qualified, query_error, Sandbox};

/// Tables per service scanned under faults (the keyed ones of each profile that the sandbox
/// serves without a report job).
fn fault_tables(sb: &Sandbox, service: &str) -> Vec<(String, String)> {
    sb.tables(service)
        .into_iter()
        .filter_map(|(t, _)| {
            let def = profile(service).table(&t);
            if def.is_report() {
                return None;
            }
            def.key().map(|k| (t, k.name))
        })
        .collect()
}

fn full_scans_survive_faults(service: &str) {
    let (good, bad) = (clean(), faulty());
    let reference = good.connect(service);
    let conn = bad.connect(service);
    let tables = fault_tables(good, service);
    assert!(!tables.is_empty());
    for (table, key) in tables {
        let name = qualified(service, &table);
        let sql = format!("SELECT * FROM {name} ORDER BY {key}");
        let want = query_text(&reference, &sql);
        let got = query_text(&conn, &sql);
        assert_eq!(got.len(), bad.rows(service, &table), "{sql} under faults");
        assert!(got == want, "{sql}: rows differ under faults");
        let count = scalar_text(&conn, &format!("SELECT COUNT(*) FROM {name}"));
        assert_eq!(
            count,
            Some(want.len().to_string()),
            "COUNT(*) of {name} under faults"
        );
    }
}

#[test]
fn pipedrive_scans_survive_faults() {
    full_scans_survive_faults("pipedrive");
}

#[test]
fn helpscout_scans_survive_faults() {
    full_scans_survive_faults("helpscout");
}

#[test]
fn helpscout_docs_scans_survive_faults() {
    full_scans_survive_faults("helpscout_docs");
}

#[test]
fn keap_scans_survive_faults() {
    full_scans_survive_faults("keap");
}

#[test]
fn talkdesk_scans_survive_faults() {
    full_scans_survive_faults("talkdesk");
}

#[test]
fn leaddesk_scans_survive_faults() {
    full_scans_survive_faults("leaddesk");
}

#[test]
fn small_pages_survive_faults_and_the_rate_limit() {
    // Pagesize=3: 17 pages in a burst, so both 429s and 500s land in the middle of the scan.
    let (good, bad) = (clean(), faulty());
    let sql = "SELECT id, name FROM pipedrive.persons ORDER BY id";
    let want = query_text(&good.connect("pipedrive"), sql);
    let got = query_text(&bad.connect_with("pipedrive", "Pagesize=3;"), sql);
    assert_eq!(got, want);
    // The log is shared with the other fault tests: only that faults happened at all.
    let stats = bad.stats();
    let count = |s: u16| stats.iter().filter(|r| r.status == s).count();
    assert!(
        count(500) + count(429) > 0,
        "no fault was exercised: {} requests",
        stats.len()
    );
}

/// A Pipedrive-like profile whose one table is at a path the sandbox does not serve.
const BROKEN_PROFILE: &str = r#"
name = "broken"
description = "A Pipedrive table whose path does not exist."
base_url = "{base}"
[auth]
schemes = ["APIKEY"]
default = "APIKEY"
[auth.scheme.APIKEY]
requires = ["APIKey"]
[[auth.scheme.APIKEY.send]]
in = "query"
name = "api_token"
value = "{APIKey}"
[errors]
message_paths = ["error", "error.message"]
[pagination]
kind = "offset"
offset_param = "start"
size_param = "limit"
max_size = 500
default_size = 500
[[table]]
name = "nope"
path = "/nope"
records = "data"
[[table.column]]
name = "id"
type = "int64"
key = true
"#;

#[test]
fn a_missing_endpoint_is_a_clear_error() {
    let sb = clean();
    let token = sb.credential("pipedrive", "api_token");
    let path = temp_file(
        "broken-sandbox.toml",
        &BROKEN_PROFILE.replace("{base}", &sb.api_base("pipedrive")),
    );
    let conn = crate::harness::connect_str(&format!(
        "DRIVER={{apiodbc}};Profile={};APIKey={token}",
        path.display()
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let err = query_error(&conn, "SELECT * FROM broken.nope").expect("an error for /nope");
    let msg = message(&err);
    assert!(msg.contains("404"), "no status in: {msg}");
    assert!(msg.contains("/nope"), "no URL in: {msg}");
    assert!(!msg.contains(&token), "the token leaked into: {msg}");
}

#[test]
fn an_endpoint_that_always_fails_is_an_error_within_the_retry_bound() {
    let api = MockApi::start(|_| {
        Reply::Json(500, json!({"error": {"message": "the shelves fell over"}}))
    });
    let path = temp_file(
        "broken-500.toml",
        &BROKEN_PROFILE.replace("{base}", &api.base_url()),
    );
    let conn = crate::harness::connect_str(&format!(
        "DRIVER={{apiodbc}};Profile={};APIKey=k",
        path.display()
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let err = query_error(&conn, "SELECT * FROM broken.nope").expect("an error for a 500");
    let msg = message(&err);
    assert!(msg.contains("500"), "no status in: {msg}");
    assert!(
        msg.contains("the shelves fell over"),
        "no API message in: {msg}"
    );
    let attempts = api.requests_to("/nope").len();
    // 5xx is transient, so it is retried, but within docs/profiles.md's bound: 1 + 5 retries.
    assert!((2..=6).contains(&attempts), "{attempts} attempts");
}

/// The message of the error `SELECT * FROM broken.nope` fails with when every answer is `raw`.
fn error_for_raw_answer(name: &str, raw: Vec<u8>) -> String {
    let api = MockApi::start(move |_| Reply::Raw(raw.clone()));
    let path = temp_file(
        &format!("{name}.toml"),
        &BROKEN_PROFILE.replace("{base}", &api.base_url()),
    );
    let conn = crate::harness::connect_str(&format!(
        "DRIVER={{apiodbc}};Profile={};APIKey=k",
        path.display()
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let err = query_error(&conn, "SELECT * FROM broken.nope")
        .unwrap_or_else(|| panic!("{name}: the query succeeded on a broken body"));
    message(&err)
}

fn truncated_is_an_error(name: &str, raw: Vec<u8>) {
    let msg = error_for_raw_answer(name, raw);
    assert!(
        msg.contains("/nope"),
        "{name}: the message does not name the URL: {msg}"
    );
}

fn pages_body() -> String {
    let data: Vec<_> = (1..=20).map(|i| json!({"id": i})).collect();
    json!({"data": data, "additional_data": {}}).to_string()
}

#[test]
fn a_body_shorter_than_its_content_length_is_an_error() {
    let body = pages_body();
    let cut = &body[..body.len() / 2];
    let raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{cut}",
        body.len()
    );
    truncated_is_an_error("short-body", raw.into_bytes());
}

#[test]
fn a_cut_json_body_is_an_error() {
    let body = pages_body();
    let cut = &body[..body.len() / 2];
    let raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{cut}",
        cut.len()
    );
    truncated_is_an_error("cut-json", raw.into_bytes());
}

#[test]
fn a_records_array_that_is_not_json_names_the_url_and_says_what_to_do() {
    // The array is closed by `}`: the page cannot be split into records.
    let body = r#"{"data": [{"id": 1}, {"id": 2}}, "additional_data": {}}"#;
    let raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let msg = error_for_raw_answer("broken-array", raw.into_bytes());
    for part in ["/nope", "not valid JSON", "Run it again", "BaseURL"] {
        assert!(msg.contains(part), "{part:?} is not in: {msg}");
    }
}

#[test]
fn a_body_that_breaks_off_before_its_first_record_is_read_again() {
    let body = pages_body();
    // The connection drops after the envelope's first bytes, before any record is complete.
    let cut = &body[..body.find("\"id\"").unwrap_or(8)];
    let broken = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{cut}",
        body.len()
    );
    let whole = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let served = std::sync::atomic::AtomicUsize::new(0);
    let api =
        MockApi::start(
            move |_| match served.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => Reply::Raw(broken.clone().into_bytes()),
                _ => Reply::Raw(whole.clone().into_bytes()),
            },
        );
    let path = temp_file(
        "reread.toml",
        &BROKEN_PROFILE.replace("{base}", &api.base_url()),
    );
    let conn = crate::harness::connect_str(&format!(
        "DRIVER={{apiodbc}};Profile={};APIKey=k",
        path.display()
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        scalar_text(&conn, "SELECT count(*) FROM broken.nope").as_deref(),
        Some("20")
    );
    assert_eq!(
        api.requests_to("/nope").len(),
        2,
        "one broken read, one whole"
    );
}

/// A profile over the mock API whose one table pages by page number with `meta.pages`.
const PAGED_PROFILE: &str = r#"
name = "paged"
base_url = "{base}"
[auth]
schemes = ["NONE"]
[errors]
message_paths = ["error"]
success_path = "success"
[pagination]
kind = "page"
page_param = "page"
total_pages = "meta.pages"
[[table]]
name = "items"
path = "/items"
records = "data"
[[table.column]]
name = "id"
type = "int64"
key = true
"#;

/// Six items, two per page, with `meta.pages` written as `pages`.
fn paged_api(pages: serde_json::Value) -> MockApi {
    MockApi::start(move |req| {
        let page: usize = req.param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let data: Vec<_> = (1..=6)
            .skip((page - 1) * 2)
            .take(2)
            .map(|i| json!({ "id": i }))
            .collect();
        Reply::Json(200, json!({"data": data, "meta": {"pages": pages}}))
    })
}

fn paged_connection(api: &MockApi, name: &str) -> odbc_api::Connection<'static> {
    let path = temp_file(
        &format!("{name}.toml"),
        &PAGED_PROFILE.replace("{base}", &api.base_url()),
    );
    crate::harness::connect_str(&format!("DRIVER={{apiodbc}};Profile={}", path.display()))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_page_count_sent_as_text_or_as_a_float_still_reads_every_page() {
    for (name, pages) in [("pages-text", json!("3")), ("pages-float", json!(3.0))] {
        let api = paged_api(pages);
        let conn = paged_connection(&api, name);
        let rows = query_text(&conn, "SELECT id FROM paged.items ORDER BY id");
        let ids: Vec<String> = rows.into_iter().filter_map(|mut r| r.remove(0)).collect();
        assert_eq!(ids, ["1", "2", "3", "4", "5", "6"], "{name}");
    }
}

#[test]
fn a_page_count_that_is_no_number_fails_naming_the_path() {
    let api = paged_api(json!("three"));
    let conn = paged_connection(&api, "pages-word");
    let err = query_error(&conn, "SELECT * FROM paged.items").expect("an error, not 2 of 6 rows");
    let msg = message(&err);
    assert!(msg.contains("'meta.pages'"), "{msg}");
    assert!(msg.contains("/items"), "{msg}");
}

#[test]
fn a_200_without_the_records_path_fails_naming_it() {
    let api = MockApi::start(|_| Reply::Json(200, json!({"meta": {"pages": 1}})));
    let conn = paged_connection(&api, "no-records");
    let err = query_error(&conn, "SELECT * FROM paged.items").expect("an error, not 0 rows");
    let msg = message(&err);
    assert!(msg.contains("no records at 'data'"), "{msg}");
    assert!(msg.contains("/items"), "{msg}");
}

#[test]
fn a_200_that_carries_an_error_object_fails_with_the_apis_message() {
    // Pipedrive-style: HTTP 200, `success: false`, `data: null`.
    let api = MockApi::start(|_| {
        Reply::Json(
            200,
            json!({"success": false, "error": "Company domain suspended", "data": null}),
        )
    });
    let conn = paged_connection(&api, "error-object");
    let err = query_error(&conn, "SELECT * FROM paged.items").expect("an error, not 0 rows");
    let msg = message(&err);
    assert!(msg.contains("Company domain suspended"), "{msg}");
    // Without a success flag, the message alone is enough when the records are missing.
    let api = MockApi::start(|_| Reply::Json(200, json!({"error": "shelf closed"})));
    let conn = paged_connection(&api, "error-message");
    let err = query_error(&conn, "SELECT * FROM paged.items").expect("an error, not 0 rows");
    assert!(message(&err).contains("shelf closed"), "{}", message(&err));
}

#[test]
fn a_body_past_max_response_size_fails_at_the_limit() {
    // 40 MB of records with a Content-Length, and the same without one (chunked-like, read
    // until the connection closes): both stop at 1 MiB.
    let mut body = String::from("{\"data\":[");
    while body.len() < 40 << 20 {
        body.push_str("{\"id\":1},");
    }
    body.push_str("{\"id\":1}]}");
    for (name, with_length) in [("huge-length", true), ("huge-stream", false)] {
        let head = if with_length {
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
        } else {
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                .to_string()
        };
        let raw = [head.as_bytes(), body.as_bytes()].concat();
        let api = MockApi::start(move |_| Reply::Raw(raw.clone()));
        let path = temp_file(
            &format!("{name}.toml"),
            &BROKEN_PROFILE.replace("{base}", &api.base_url()),
        );
        let conn = crate::harness::connect_str(&format!(
            "DRIVER={{apiodbc}};Profile={};APIKey=k;MaxResponseSize=1M",
            path.display()
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        let err = query_error(&conn, "SELECT * FROM broken.nope").expect("an error at the limit");
        let msg = message(&err);
        assert!(msg.contains("MaxResponseSize (1 MiB)"), "{name}: {msg}");
        assert!(msg.contains("/nope"), "{name}: {msg}");
        // Deterministic: not retried.
        assert_eq!(api.requests_to("/nope").len(), 1, "{name}");
    }
}
