//! Credentials never leave the API's origin. A fake API answers with next-page links and redirects
//! that point at a second server (the canary, another origin on 127.0.0.1); the canary must see
//! nothing unless the profile lists its host, and then no credential. No request carries a
//! Referer, and a redirect to plain http off loopback is refused.

use serde_json::json;

use crate::harness::{connect_str, message, query_text};
use crate::mock_api::{temp_file, MockApi, Reply, Req};
use crate::sandbox::query_error;

const KEY: &str = "ORIGIN-TEST-KEY-4711";
const TOKEN: &str = "ORIGIN-TEST-TOKEN-0815";

/// A profile whose one table pages by `next` URLs in the body, sending a header key and a query
/// token; `{hosts}` may add `[[host]]` rules.
const PROFILE: &str = r#"
name = "origins"
base_url = "{base}"
[auth]
schemes = ["APIKEY"]
default = "APIKEY"
[auth.scheme.APIKEY]
requires = ["APIKey"]
[[auth.scheme.APIKEY.send]]
in = "header"
name = "x-api-key"
value = "{APIKey}"
[[auth.scheme.APIKEY.send]]
in = "query"
name = "api_token"
value = "{APIToken}"
[errors]
message_paths = ["error"]
[pagination]
kind = "next_url"
next_url = "next"
[[table]]
name = "items"
path = "/items"
records = "data"
[[table.column]]
name = "id"
type = "int64"
key = true
{hosts}
"#;

fn connect(api: &MockApi, name: &str, hosts: &str) -> odbc_api::Connection<'static> {
    let text = PROFILE
        .replace("{base}", &api.base_url())
        .replace("{hosts}", hosts);
    let path = temp_file(&format!("{name}.toml"), &text);
    connect_str(&format!(
        "DRIVER={{apiodbc}};Profile={};APIKey={KEY};APIToken={TOKEN}",
        path.display()
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Nothing of ours in a request the canary saw.
fn carries_no_credential(req: &Req) -> bool {
    let text = format!("{req:?}");
    !text.contains(KEY) && !text.contains(TOKEN) && req.header("authorization").is_none()
}

/// The canary: one page with the last item, from wherever the driver was sent.
fn canary() -> MockApi {
    MockApi::start(|_| Reply::Json(200, json!({"data": [{"id": 3}]})))
}

#[test]
fn a_next_page_link_to_another_origin_sends_nothing_there() {
    let canary = canary();
    let next = format!("{}/steal?api_token={TOKEN}", canary.base_url());
    let api = MockApi::start(move |_| {
        Reply::Json(200, json!({"data": [{"id": 1}, {"id": 2}], "next": next}))
    });
    let conn = connect(&api, "next-foreign", "");
    let err = query_error(&conn, "SELECT id FROM origins.items").expect("refused");
    let msg = message(&err);
    assert!(msg.contains("not the API's origin"), "{msg}");
    assert!(msg.contains("/steal"), "{msg}");
    assert!(!msg.contains(TOKEN), "the token is shown: {msg}");
    assert!(canary.requests().is_empty(), "{:?}", canary.requests());
}

#[test]
fn a_redirect_to_another_origin_sends_nothing_there() {
    let canary = canary();
    let location = format!("{}/elsewhere", canary.base_url());
    let api = MockApi::start(move |_| {
        Reply::Raw(
            format!(
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .into_bytes(),
        )
    });
    let conn = connect(&api, "redirect-foreign", "");
    let err = query_error(&conn, "SELECT id FROM origins.items").expect("refused");
    assert!(
        message(&err).contains("not the API's origin"),
        "{}",
        message(&err)
    );
    assert!(canary.requests().is_empty(), "{:?}", canary.requests());
}

#[test]
fn a_redirect_to_plain_http_off_loopback_is_refused() {
    let api = MockApi::start(|_| {
        Reply::Raw(
            b"HTTP/1.1 301 Moved\r\nLocation: http://example.invalid/items\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_vec(),
        )
    });
    let conn = connect(&api, "redirect-http", "");
    let err = query_error(&conn, "SELECT id FROM origins.items").expect("refused");
    let msg = message(&err);
    assert!(msg.contains("Plain http"), "{msg}");
    assert!(msg.contains("example.invalid"), "{msg}");
}

#[test]
fn same_origin_links_and_redirects_keep_the_credentials_and_send_no_referer() {
    let api = MockApi::start(|req| {
        match req.path.as_str() {
        "/items" => Reply::Raw(
            b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /v2/items\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_vec(),
        ),
        "/v2/items" if req.param("after").is_none() => Reply::Json(
            200,
            json!({"data": [{"id": 1}, {"id": 2}], "next": "/v2/items?after=2"}),
        ),
        _ => Reply::Json(200, json!({"data": [{"id": 3}]})),
    }
    });
    let conn = connect(&api, "same-origin", "");
    let ids = query_text(&conn, "SELECT id FROM origins.items ORDER BY id");
    assert_eq!(ids.len(), 3, "{ids:?}");
    let requests = api.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    for req in &requests {
        assert_eq!(req.header("x-api-key"), Some(KEY), "{req:?}");
        assert_eq!(req.param("api_token"), Some(TOKEN), "{req:?}");
        assert!(
            req.header("referer").is_none(),
            "a Referer was sent: {req:?}"
        );
    }
}

#[test]
fn a_listed_host_is_followed_without_credentials() {
    let canary = canary();
    let next = format!("{}/more?api_token={TOKEN}", canary.base_url());
    let api = MockApi::start(move |_| {
        Reply::Json(200, json!({"data": [{"id": 1}, {"id": 2}], "next": next}))
    });
    let conn = connect(
        &api,
        "listed-host",
        "[[host]]\npattern = \"127.0.0.1\"\ncredentials = false\n",
    );
    let ids = query_text(&conn, "SELECT id FROM origins.items ORDER BY id");
    assert_eq!(ids.len(), 3, "{ids:?}");
    let seen = canary.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(carries_no_credential(&seen[0]), "{:?}", seen[0]);
}
