//! Requests that do not wait for each other's answers go out together (MaxConcurrentRequests):
//! key lookups and tables read once per parent return the same rows, in the same order, with 1
//! and with the default, send the same requests, and the sandbox sees them overlap only when
//! allowed. Data-driven over the built-in profiles; the slow sandbox (30 ms per request) makes
//! overlap observable without timing anything.

use crate::harness::query_text;
use crate::sandbox::{expected, literal, profile, qualified, slow, slow_guard, Request, Sandbox};

/// What one run of a query showed: its rows, the requests sent, the most at once.
struct Run {
    rows: Vec<Vec<Option<String>>>,
    requests: Vec<(String, String, String)>,
    max_in_flight: u64,
}

fn run(sb: &Sandbox, service: &str, table: &str, extra: &str, sql: &str) -> Run {
    // Connect before resetting the log: connecting may ask a token endpoint.
    let conn = sb.connect_with(service, extra);
    let _guard = slow_guard();
    sb.reset();
    let rows = query_text(&conn, sql);
    let clock = clock_params(service, table);
    let mut requests: Vec<_> = sb
        .stats()
        .into_iter()
        .map(|r: Request| (r.method, r.path, without(&r.query, &clock)))
        .collect();
    requests.sort();
    Run {
        rows,
        requests,
        max_in_flight: sb.max_in_flight(),
    }
}

/// The parameters of a windowed table's period: without conditions the period ends when the
/// query runs, so two runs send them a second apart.
fn clock_params(service: &str, table: &str) -> Vec<String> {
    let def = profile(service).table(table);
    let Some(window) = def.doc.get("window").and_then(toml::Value::as_table) else {
        return Vec::new();
    };
    ["from_param", "to_param"]
        .iter()
        .filter_map(|k| window.get(*k).and_then(toml::Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// A query string without the parameters named.
fn without(query: &str, names: &[String]) -> String {
    query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            !names.iter().any(|n| n == name)
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Runs `sql` one request at a time and with the default; returns the default's most in flight.
fn same_either_way(service: &str, table: &str, sql: &str) -> u64 {
    let sb = slow();
    let one = run(sb, service, table, "MaxConcurrentRequests=1", sql);
    let many = run(sb, service, table, "", sql);
    assert!(!one.rows.is_empty(), "{sql}: no rows to compare");
    assert_eq!(one.rows, many.rows, "{sql}: rows differ with concurrency");
    assert_eq!(one.requests, many.requests, "{sql}: requests differ");
    assert_eq!(
        one.max_in_flight, 1,
        "{sql}: MaxConcurrentRequests=1 overlapped"
    );
    many.max_in_flight
}

#[test]
fn key_lookups_go_out_together_and_return_the_same_rows() {
    let sb = slow();
    let mut checked = 0;
    for service in sb.services() {
        for (table, _) in sb.tables(&service) {
            let def = profile(&service).table(&table);
            let Some(key) = def.key() else { continue };
            if !def.has_single() || sb.parent(&service, &table).is_some() || def.is_report() {
                continue;
            }
            // A list that takes the keys at once reads them in one request
            // (rest_pushdown::key_lists_are_one_request).
            if def.key_list_filter(&key).is_some() {
                continue;
            }
            let data = sb.data(&service, &table);
            // Six keys from across the table, in an order that is not the list's.
            let keys: Vec<String> = (0..6)
                .map(|i| &data[(data.len() - 1) * (5 - i) / 5])
                .filter_map(|record| expected(&key, record))
                .map(|value| literal(&key, &value))
                .collect();
            let sql = format!(
                "SELECT * FROM {} WHERE {} IN ({})",
                qualified(&service, &table),
                key.name,
                keys.join(", ")
            );
            let most = same_either_way(&service, &table, &sql);
            assert!(most > 1, "{sql}: the lookups went one at a time ({most})");
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} tables have key lookups");
}

/// A paged scan with small pages: with the default, the next pages of an offset or page-number
/// list are asked for ahead of their turn; the rows are the same, in the same order, and every
/// request of the one-at-a-time scan is among them (a few more may have asked past the end).
#[test]
fn pages_are_asked_for_ahead_and_rows_keep_their_order() {
    let sb = slow();
    let mut overlapped = Vec::new();
    let mut named = Vec::new();
    for service in sb.services() {
        for (table, _) in sb.tables(&service) {
            let def = profile(&service).table(&table);
            let pagination = def.pagination();
            let kind = pagination
                .get("kind")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let rows = sb.rows(&service, &table);
            if sb.parent(&service, &table).is_some()
                || def.is_report()
                || pagination.get("size_param").is_none()
                || rows < 20
            {
                continue;
            }
            let sql = format!("SELECT * FROM {}", qualified(&service, &table));
            let one = run(
                sb,
                &service,
                &table,
                "Pagesize=5;MaxConcurrentRequests=1",
                &sql,
            );
            let many = run(sb, &service, &table, "Pagesize=5", &sql);
            assert_eq!(one.rows.len(), rows, "{sql}");
            assert_eq!(
                one.rows, many.rows,
                "{sql}: rows differ with pages asked ahead"
            );
            for request in &one.requests {
                assert!(
                    many.requests.contains(request),
                    "{sql}: {request:?} was not asked with the default"
                );
            }
            let extra: Vec<_> = many
                .requests
                .iter()
                .filter(|r| !one.requests.contains(r))
                .collect();
            assert!(
                many.requests.len() <= one.requests.len() + 7,
                "{sql}: {} requests past the end: {extra:?}",
                many.requests.len() - one.requests.len()
            );
            assert_eq!(
                one.max_in_flight, 1,
                "{sql}: MaxConcurrentRequests=1 overlapped"
            );
            if kind == "offset" || kind == "page" {
                assert!(many.max_in_flight > 1, "{sql}: pages went one at a time");
                overlapped.push(format!("{service}.{table}"));
            } else {
                // A page named by the API (cursor, link) is asked for as soon as it is named,
                // and no page that was not named. (The table's custom-field definitions are an
                // offset list of their own, which may be asked ahead.)
                let own = |run: &Run| -> Vec<(String, String, String)> {
                    run.requests
                        .iter()
                        .filter(|(_, path, _)| sb.is_table_path(&service, &table, path))
                        .cloned()
                        .collect()
                };
                assert_eq!(own(&one), own(&many), "{sql}: {kind} pages differ");
                named.push(format!("{service}.{table}"));
            }
        }
    }
    assert!(
        overlapped.iter().any(|t| t.starts_with("pipedrive."))
            && overlapped.iter().any(|t| t.starts_with("keap.")),
        "offset lists not covered: {overlapped:?}"
    );
    assert!(
        !named.is_empty(),
        "no list paged by cursor or link was covered"
    );
}

#[test]
fn parents_are_read_together_and_rows_keep_their_order() {
    let sb = slow();
    let mut checked = 0;
    for service in sb.services() {
        for (table, _) in sb.tables(&service) {
            let Some(parent) = sb.parent(&service, &table) else {
                continue;
            };
            if sb.rows(&service, &parent) < 2 {
                continue;
            }
            let sql = format!("SELECT * FROM {}", qualified(&service, &table));
            let most = same_either_way(&service, &table, &sql);
            // A child table made from its parent's nested arrays reads the parent's list, page
            // by page: only tables read once per parent overlap (or per batch of parents, when
            // there are more parents than a batch holds).
            let def = profile(&service).table(&table);
            let batch = def
                .doc
                .get("parent")
                .and_then(|p| p.get("batch"))
                .and_then(toml::Value::as_integer)
                .map(|b| b as usize);
            if def.doc.contains_key("parent")
                && batch.is_none_or(|b| sb.rows(&service, &parent) > b)
            {
                assert!(
                    most > 1,
                    "{sql}: the parents were read one at a time ({most})"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 1, "no table is read once per parent");
}
