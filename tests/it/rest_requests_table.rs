//! `sys.sys_requests` shows what each statement asked of the API: for a key lookup, a paged scan
//! and a pushed-down filter, the rows of the statement's number are the requests the sandbox
//! logged for it (same paths and queries; the table shows no credential), and cache hits are
//! marked as such.

use crate::harness::query_text;
use crate::sandbox::{counting, counting_guard};

/// The requests of the connection's latest statement that sent any, as the table shows them:
/// (path with query, status, from cache).
fn latest(conn: &odbc_api::Connection<'_>) -> Vec<(String, String, String)> {
    let rows = query_text(
        conn,
        "SELECT RequestUrl, HttpStatus, FromCache FROM sys.sys_requests \
         WHERE StatementId = (SELECT max(StatementId) FROM sys.sys_requests)",
    );
    let mut got: Vec<_> = rows
        .into_iter()
        .map(|r| {
            let url = r[0].clone().unwrap_or_default();
            let path = url
                .find("/pipedrive/")
                .map_or(url.clone(), |i| url[i..].to_string());
            (
                path,
                r[1].clone().unwrap_or_default(),
                r[2].clone().unwrap_or_default(),
            )
        })
        .collect();
    got.sort();
    got
}

#[test]
fn each_statement_s_requests_are_what_the_api_saw() {
    let sb = counting();
    // One request at a time: a page asked ahead and abandoned mid-flight may reach the API's log
    // but not the table (see docs/statements.md).
    let conn = sb.connect_with(
        "pipedrive",
        "Pagesize=30;CacheTTL=600;MaxConcurrentRequests=1",
    );
    let _guard = counting_guard();
    for sql in [
        "SELECT name FROM pipedrive.persons WHERE id IN (5, 7, 999999)",
        "SELECT count(*) FROM pipedrive.persons",
        "SELECT id FROM pipedrive.activities WHERE done = true",
    ] {
        sb.reset();
        query_text(&conn, sql);
        let mut seen: Vec<(String, String, String)> = sb
            .stats()
            .into_iter()
            .map(|r| {
                // The table shows no credential; the sandbox's log shows the key masked.
                let query: Vec<&str> = r
                    .query
                    .split('&')
                    .filter(|p| !p.is_empty() && !p.starts_with("api_token="))
                    .collect();
                let path = if query.is_empty() {
                    r.path
                } else {
                    format!("{}?{}", r.path, query.join("&"))
                };
                (path, r.status.to_string(), "0".to_string())
            })
            .collect();
        seen.sort();
        assert!(!seen.is_empty(), "{sql}: no request");
        assert_eq!(latest(&conn), seen, "{sql}");
    }
    // The same scan again within CacheTTL: every request a cache hit, none sent.
    sb.reset();
    query_text(&conn, "SELECT count(*) FROM pipedrive.persons");
    assert!(sb.stats().is_empty(), "the repeated scan sent requests");
    let hits = latest(&conn);
    assert!(
        !hits.is_empty()
            && hits
                .iter()
                .all(|(_, status, cached)| status == "200" && cached == "1"),
        "{hits:?}"
    );
}

#[test]
fn the_log_says_what_each_statement_asked() {
    let sb = counting();
    let log = std::env::temp_dir().join(format!("apiodbc-statements-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let conn = sb.connect_with(
        "pipedrive",
        &format!(
            "Pagesize=25;MaxConcurrentRequests=1;Logfile={};Verbosity=2",
            log.display()
        ),
    );
    let guard = counting_guard();
    sb.reset();
    query_text(&conn, "SELECT count(*) FROM pipedrive.persons");
    let sent = sb.stats().len();
    drop(guard);
    drop(conn);
    let text = std::fs::read_to_string(&log).expect("the log");
    let _ = std::fs::remove_file(&log);
    let want = format!("statement 1: {sent} requests sent, 0 answered from the cache");
    assert!(text.contains(&want), "no line '{want}' in:\n{text}");
    // Verbosity 2 is warnings and these lines: no other information.
    let others: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("INFO") && !l.contains("apiodbc::statements"))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}
