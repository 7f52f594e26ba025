//! What the driver asks the API for, read from the sandbox's request log: a key lookup and a
//! `LIMIT 10` on a top-level keyed table are one request each, and every pushed-down filter of
//! the profiles appears as the API's query parameter and returns the same rows as the same
//! condition filtered by the engine. Every test here uses the counting sandbox under its guard.

use std::collections::BTreeMap;

use crate::harness::query_text;
use crate::sandbox::{
    self, comparable_rows, counting, counting_guard, expected, literal, profile, qualified,
    query_named, ColumnDef, FilterDef, Request,
};

/// Keyed tables without a parent, and not report jobs (Talkdesk calls: every query creates,
/// polls and downloads a job, so no lookup can be one request).
fn top_level_keyed(service: &str) -> Vec<(String, ColumnDef)> {
    let sb = counting();
    sb.tables(service)
        .into_iter()
        .filter(|(t, _)| sb.parent(service, t).is_none())
        .filter_map(|(t, _)| {
            let def = profile(service).table(&t);
            if def.is_report() {
                return None;
            }
            def.key().map(|k| (t, k))
        })
        .collect()
}

fn key_lookup_is_one_request(service: &str) {
    let sb = counting();
    let conn = sb.connect_built_in(service);
    let tables = top_level_keyed(service);
    assert!(!tables.is_empty(), "{service}: no keyed top-level table");
    for (table, key) in tables {
        let data = sb.data(service, &table);
        // A record from the middle: not the first page's first row by luck.
        let record = &data[data.len() / 2];
        let value = expected(&key, record).expect("a key value");
        let sql = format!(
            "SELECT * FROM {} WHERE {} = {}",
            qualified(service, &table),
            key.name,
            literal(&key, &value)
        );
        let _guard = counting_guard();
        sb.reset();
        let (names, rows) = query_named(&conn, &sql);
        let stats = sb.stats();
        drop(_guard);
        let columns = profile(service).table(&table).columns();
        let got = comparable_rows(&columns, &names, &rows);
        let keys: Vec<_> = got.iter().map(|r| r[&key.name].clone()).collect();
        assert_eq!(keys, [Some(value.clone())], "{sql}");
        assert_eq!(
            stats.len(),
            1,
            "{sql}: expected one API request, got {stats:#?}"
        );
        assert_eq!(stats[0].status, 200, "{sql}: {stats:?}");
        // A table without a single-record endpoint reads its (short) list instead.
        if profile(service).table(&table).has_single() {
            let scan = api_scan_line(&conn, &sql);
            assert!(
                scan.contains(&format!("for each of 1 key(s): {value}")),
                "EXPLAIN {sql}: {scan}"
            );
        }
    }
}

fn limit_10_is_one_request(service: &str) {
    let sb = counting();
    let conn = sb.connect_built_in(service);
    let mut checked = 0;
    for (table, _) in top_level_keyed(service) {
        if sb.rows(service, &table) < 10 {
            continue; // LIMIT 10 would not stop early
        }
        let pagination = profile(service).table(&table).pagination();
        // Without a size parameter the API's fixed page (Help Scout: 50) already holds 10 rows.
        let size_param = pagination.get("size_param").and_then(|v| v.as_str());
        let sql = format!("SELECT * FROM {} LIMIT 10", qualified(service, &table));
        let _guard = counting_guard();
        sb.reset();
        let rows = query_text(&conn, &sql);
        let stats = sb.stats();
        drop(_guard);
        assert_eq!(rows.len(), 10, "{sql}");
        assert_eq!(
            stats.len(),
            1,
            "{sql}: expected one API request, got {stats:#?}"
        );
        if let Some(size_param) = size_param {
            assert_eq!(
                stats[0].param(size_param).as_deref(),
                Some("10"),
                "{sql}: page size on the wire: {stats:?}"
            );
        }
        checked += 1;
    }
    assert!(checked > 0, "{service}: no table to try LIMIT 10 on");
}

/// A LIMIT past a table's last row: the first page comes back shorter than asked, which ends the
/// scan (Keap's users asked for 5 more after the 5 there are).
#[test]
fn a_limit_past_the_last_row_is_one_request() {
    let sb = counting();
    let mut checked = Vec::new();
    for service in sb.services() {
        let conn = sb.connect_built_in(&service);
        for (table, _) in top_level_keyed(&service) {
            let rows = sb.rows(&service, &table);
            let pagination = profile(&service).table(&table).pagination();
            let max = pagination.get("max_size").and_then(|v| v.as_integer());
            if pagination.get("size_param").is_none() || max.is_none_or(|m| rows as i64 + 5 > m) {
                continue; // no page of rows + 5 can be asked for
            }
            let sql = format!(
                "SELECT * FROM {} LIMIT {}",
                qualified(&service, &table),
                rows + 5
            );
            let _guard = counting_guard();
            sb.reset();
            let got = query_text(&conn, &sql);
            let stats = sb.stats();
            drop(_guard);
            assert_eq!(got.len(), rows, "{sql}");
            assert_eq!(
                stats.len(),
                1,
                "{sql}: expected one request, got {stats:#?}"
            );
            checked.push(format!("{service}.{table}"));
        }
    }
    assert!(
        checked.iter().any(|t| t == "keap.users"),
        "keap.users was not checked (checked: {checked:?})"
    );
}

/// A LIMIT that ends inside a later page of a list paged by page number and size: every page
/// is asked with the same size (page n of size s holds rows (n-1)s+1..ns), so the rows are the
/// list's first ones, once each. Asking the last page smaller read rows of the page before again.
#[test]
fn a_limit_inside_a_later_page_number_page_returns_the_first_rows() {
    let sb = counting();
    let conn = sb.connect_with("helpscout_docs", "Pagesize=4");
    let articles = sb.data("helpscout_docs", "articles");
    // The collection with the most articles, so the LIMIT ends inside its second page.
    let mut per: std::collections::BTreeMap<String, usize> = Default::default();
    for a in &articles {
        *per.entry(a["collectionId"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    let (collection, count) = per.into_iter().max_by_key(|(_, n)| *n).unwrap_or_default();
    assert!(
        count >= 7,
        "no collection with two pages of 4 articles: {count}"
    );
    let _guard = counting_guard();
    let all = query_text(
        &conn,
        &format!("SELECT id FROM helpscout_docs.articles WHERE collection_id = '{collection}'"),
    );
    let limited = query_text(
        &conn,
        &format!(
            "SELECT id FROM helpscout_docs.articles WHERE collection_id = '{collection}' LIMIT 6"
        ),
    );
    drop(_guard);
    assert_eq!(limited, all[..6], "LIMIT 6 over pages of 4");
}

macro_rules! per_service {
    ($check:ident: $($test:ident => $service:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                $check($service);
            }
        )*
    };
}

/// Tables whose list takes several keys at once (an `in` filter on the key column): `key IN
/// (a, b, c)` is one list request carrying them, and returns those records.
fn key_lists_are_one_request(service: &str) {
    let sb = counting();
    let conn = sb.connect_built_in(service);
    let mut checked = 0;
    for (table, key) in top_level_keyed(service) {
        let def = profile(service).table(&table);
        let Some(filter) = def.key_list_filter(&key) else {
            continue;
        };
        let data = sb.data(service, &table);
        let mut values: Vec<String> = [data.len() / 4, data.len() / 2, data.len() - 1]
            .iter()
            .filter_map(|i| expected(&key, &data[*i]))
            .collect();
        values.dedup();
        let listed: Vec<String> = values.iter().map(|v| literal(&key, v)).collect();
        let sql = format!(
            "SELECT * FROM {} WHERE {} IN ({}) ORDER BY {}",
            qualified(service, &table),
            key.name,
            listed.join(", "),
            key.name
        );
        let _guard = counting_guard();
        sb.reset();
        let (names, rows) = query_named(&conn, &sql);
        let stats = sb.stats();
        drop(_guard);
        let got = comparable_rows(&def.columns(), &names, &rows);
        let mut want = values.clone();
        want.sort();
        let mut keys: Vec<String> = got.iter().filter_map(|r| r[&key.name].clone()).collect();
        keys.sort();
        assert_eq!(keys, want, "{sql}");
        assert_eq!(stats.len(), 1, "{sql}: one request, got {stats:#?}");
        let sent = stats[0].param(&filter.param).unwrap_or_default();
        let mut sent: Vec<&str> = sent.split(filter.separator.as_str()).collect();
        sent.sort();
        let mut wire: Vec<&str> = values.iter().map(String::as_str).collect();
        wire.sort();
        assert_eq!(sent, wire, "{sql}: {stats:?}");
        checked += 1;
    }
    assert!(checked > 0, "{service}: no table takes a list of keys");
}

#[test]
fn pipedrive_key_lists_are_one_request() {
    key_lists_are_one_request("pipedrive");
}

/// `key IN (...)` longer than the filter's `max_values` (the table's keys padded with keys that
/// do not exist) is read in the fewest lists the API takes, each within its limit, together
/// holding every key once; the rows are exactly the keys that exist.
fn long_key_lists_go_in_parts(service: &str) {
    let sb = counting();
    let conn = sb.connect_built_in(service);
    let mut checked = 0;
    for (table, key) in top_level_keyed(service) {
        let def = profile(service).table(&table);
        let Some(filter) = def.key_list_filter(&key) else {
            continue;
        };
        let (Some(most), "int64") = (filter.max_values, key.kind.as_str()) else {
            continue;
        };
        let data = sb.data(service, &table);
        let existing: Vec<String> = data.iter().filter_map(|r| expected(&key, r)).collect();
        let top: i64 = existing
            .iter()
            .filter_map(|k| k.parse().ok())
            .max()
            .unwrap_or(0);
        let wanted = most + most / 2 + 1;
        let mut values: Vec<String> = existing.iter().take(wanted).cloned().collect();
        values.extend(
            (1..)
                .map(|i| (top + i).to_string())
                .take(wanted - values.len()),
        );
        let sql = format!(
            "SELECT {key} FROM {} WHERE {key} IN ({})",
            qualified(service, &table),
            values.join(", "),
            key = key.name,
        );
        let _guard = counting_guard();
        sb.reset();
        let rows = query_text(&conn, &sql);
        let stats = sb.stats();
        drop(_guard);
        let mut got: Vec<String> = rows.into_iter().filter_map(|r| r[0].clone()).collect();
        got.sort();
        let mut want: Vec<String> = existing.iter().take(wanted).cloned().collect();
        want.sort();
        assert_eq!(got, want, "{sql}");
        assert_eq!(stats.len(), wanted.div_ceil(most), "{sql}: {stats:#?}");
        let mut sent: Vec<String> = Vec::new();
        for s in &stats {
            let part: Vec<String> = s
                .param(&filter.param)
                .unwrap_or_default()
                .split(filter.separator.as_str())
                .map(str::to_owned)
                .collect();
            assert!(
                part.len() <= most,
                "{sql}: {} values in one request",
                part.len()
            );
            sent.extend(part);
        }
        sent.sort();
        let mut all = values.clone();
        all.sort();
        assert_eq!(sent, all, "{sql}: every key sent once");
        checked += 1;
    }
    assert!(checked > 0, "{service}: no table limits its list of keys");
}

#[test]
fn pipedrive_long_key_lists_go_in_parts() {
    long_key_lists_go_in_parts("pipedrive");
}

per_service! { key_lookup_is_one_request:
    pipedrive_key_lookup_is_one_request => "pipedrive",
    helpscout_key_lookup_is_one_request => "helpscout",
    helpscout_docs_key_lookup_is_one_request => "helpscout_docs",
    keap_key_lookup_is_one_request => "keap",
    talkdesk_key_lookup_is_one_request => "talkdesk",
    leaddesk_key_lookup_is_one_request => "leaddesk",
}

per_service! { limit_10_is_one_request:
    pipedrive_limit_10_is_one_request => "pipedrive",
    helpscout_limit_10_is_one_request => "helpscout",
    keap_limit_10_is_one_request => "keap",
    talkdesk_limit_10_is_one_request => "talkdesk",
}
// helpscout_docs (sites, collections) and leaddesk have no top-level keyed table with 10 rows at
// this size, so LIMIT 10 could not stop early there.

// ---------------------------------------------------------------------------------------------
// Pushed-down filters

/// The column wrapped in an expression the driver cannot push (not a bare column).
fn engine_side(column: &ColumnDef) -> String {
    let name = &column.name;
    match column.kind.as_str() {
        "int64" | "int32" | "float64" => format!("({name} + 0)"),
        "boolean" => format!("CAST({name} AS INT)"),
        _ => format!("concat({name}, '')"),
    }
}

fn engine_literal(column: &ColumnDef, value: &str) -> String {
    if column.kind == "boolean" {
        return if value == "true" { "1" } else { "0" }.to_owned();
    }
    literal(column, value)
}

fn wire(filter: &FilterDef, value: &str) -> String {
    let text = match (filter.format.as_str(), value) {
        ("bool01", "true") => "1".to_owned(),
        ("bool01", _) => "0".to_owned(),
        _ => value.to_owned(),
    };
    // A clause of a parameter that holds conditions (Keap v2's `filter=opportunity_id==14`).
    match &filter.template {
        Some(template) => template.replace("{value}", &text),
        None => text,
    }
}

/// Runs the filter with `op` both pushed and engine-side; compares rows and the wire.
/// The column names and rows of `sql` on the counting sandbox, and the requests it sent to
/// `table`'s endpoint; the caller holds the counting guard.
fn measured(
    conn: &odbc_api::Connection<'_>,
    sql: &str,
    service: &str,
    table: &str,
) -> (Vec<String>, Vec<Vec<Option<String>>>, Vec<Request>) {
    let sb = counting();
    sb.reset();
    let (names, rows) = query_named(conn, sql);
    let requests = sb.table_requests(&sb.stats(), service, table);
    (names, rows, requests)
}

fn check_filter(service: &str, table: &str, filter: &FilterDef, op: &str) -> Result<(), String> {
    let sb = counting();
    let conn = sb.connect_built_in(service);
    let def = profile(service).table(table);
    let columns = def.columns();
    let column = def.column(&filter.column);
    let data = sb.data(service, table);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for rec in &data {
        if let Some(v) = expected(&column, rec) {
            *counts.entry(v).or_default() += 1;
        }
    }
    // The most common values: a non-empty result that is (usually) not the whole table.
    let mut common: Vec<(String, usize)> = counts.into_iter().collect();
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let values: Vec<(String, usize)> = common
        .into_iter()
        .take(if op == "in" { 2 } else { 1 })
        .collect();
    if values.is_empty() {
        return Err(format!(
            "{service}.{table}: no value of {} to filter on",
            column.name
        ));
    }
    let want: usize = values.iter().map(|(_, n)| n).sum();
    let (pushed_where, engine_where, on_wire) = if op == "in" {
        let lits: Vec<_> = values.iter().map(|(v, _)| literal(&column, v)).collect();
        let engine: Vec<_> = values
            .iter()
            .map(|(v, _)| engine_literal(&column, v))
            .collect();
        let wired: Vec<_> = values.iter().map(|(v, _)| wire(filter, v)).collect();
        (
            format!("{} IN ({})", column.name, lits.join(", ")),
            format!("{} IN ({})", engine_side(&column), engine.join(", ")),
            wired.join(&filter.separator),
        )
    } else {
        let v = &values[0].0;
        (
            format!("{} = {}", column.name, literal(&column, v)),
            format!("{} = {}", engine_side(&column), engine_literal(&column, v)),
            wire(filter, v),
        )
    };
    let name = qualified(service, table);
    let order = def
        .key()
        .map(|k| format!(" ORDER BY {}", k.name))
        .unwrap_or_default();
    let engine_sql = format!("SELECT * FROM {name} WHERE {engine_where}{order}");
    let pushed_sql = format!("SELECT * FROM {name} WHERE {pushed_where}{order}");

    let _guard = counting_guard();
    let (names, engine_rows, engine_reqs) = measured(&conn, &engine_sql, service, table);
    let (_, pushed_rows, pushed_reqs) = measured(&conn, &pushed_sql, service, table);
    drop(_guard);

    let mut engine = comparable_rows(&columns, &names, &engine_rows);
    let mut pushed = comparable_rows(&columns, &names, &pushed_rows);
    if order.is_empty() {
        engine.sort();
        pushed.sort();
    }
    if engine.len() != want {
        return Err(format!(
            "{engine_sql}: {} rows, the data has {want}",
            engine.len()
        ));
    }
    // The comparison means something only if the engine-side query was not pushed.
    if engine_reqs.is_empty()
        || engine_reqs
            .iter()
            .any(|r| r.param(&filter.param).as_deref() == Some(on_wire.as_str()))
    {
        return Err(format!("{engine_sql}: pushed or not sent: {engine_reqs:?}"));
    }
    if pushed != engine {
        return Err(format!(
            "{pushed_sql}: {} rows, the engine-side filter gave {}",
            pushed.len(),
            engine.len()
        ));
    }
    if pushed_reqs.is_empty() {
        return Err(format!("{pushed_sql}: no request to the table's endpoint"));
    }
    for r in &pushed_reqs {
        if r.param(&filter.param).as_deref() != Some(on_wire.as_str()) {
            return Err(format!(
                "{pushed_sql}: `{}={on_wire}` not on the wire: {}?{}",
                filter.param, r.path, r.query
            ));
        }
    }
    // EXPLAIN names the parameter and value the API gets, and only when it gets them.
    let encoded: String = url::form_urlencoded::byte_serialize(on_wire.as_bytes()).collect();
    let shown = format!("{}={encoded}", filter.param);
    let pushed_scan = api_scan_line(&conn, &pushed_sql);
    if !pushed_scan.contains(&shown) {
        return Err(format!(
            "EXPLAIN {pushed_sql} does not show {shown}: {pushed_scan}"
        ));
    }
    let engine_scan = api_scan_line(&conn, &engine_sql);
    if engine_scan.contains(&shown) {
        return Err(format!("EXPLAIN {engine_sql} shows {shown}: {engine_scan}"));
    }
    Ok(())
}

/// A bound on a time column (`since`, `until`, `modifiedSince`): `column op pivot` for the
/// table's middle value sends the parameter, returns what the engine-side filter returns and no
/// more requests than the whole table (fewer where the table takes more than one page), and
/// EXPLAIN shows the parameter; `>` and `<` are sent as the bound too.
fn check_range(service: &str, table: &str, filter: &FilterDef, op: &str) -> Result<(), String> {
    let sb = counting();
    let conn = sb.connect_with(service, "Pagesize=5;CustomFields=FALSE");
    let def = profile(service).table(table);
    let columns = def.columns();
    let column = def.column(&filter.column);
    let mut values: Vec<String> = sb
        .data(service, table)
        .iter()
        .filter_map(|r| expected(&column, r))
        .collect();
    values.sort();
    let Some(pivot) = values.get(values.len() / 2).cloned() else {
        return Err(format!("{service}.{table}: no value of {}", column.name));
    };
    let name = qualified(service, table);
    let order = def
        .key()
        .map(|k| format!(" ORDER BY {}", k.name))
        .unwrap_or_default();
    let strict = if op == ">=" { ">" } else { "<" };
    for sql_op in [op, strict] {
        let want = values
            .iter()
            .filter(|v| match sql_op {
                ">=" => **v >= pivot,
                ">" => **v > pivot,
                "<=" => **v <= pivot,
                _ => **v < pivot,
            })
            .count();
        let lit = format!("'{pivot}'");
        let col = &column.name;
        let engine_sql = format!(
            "SELECT * FROM {name} WHERE ({col} + INTERVAL '0' SECOND) {sql_op} {lit}{order}"
        );
        let pushed_sql = format!("SELECT * FROM {name} WHERE {col} {sql_op} {lit}{order}");
        let _guard = counting_guard();
        let (names, engine_rows, engine_reqs) = measured(&conn, &engine_sql, service, table);
        let (_, pushed_rows, pushed_reqs) = measured(&conn, &pushed_sql, service, table);
        drop(_guard);
        let engine = comparable_rows(&columns, &names, &engine_rows);
        let pushed = comparable_rows(&columns, &names, &pushed_rows);
        if engine.len() != want || pushed != engine {
            return Err(format!(
                "{pushed_sql}: {} rows, the engine-side filter gave {}, the data has {want}",
                pushed.len(),
                engine.len()
            ));
        }
        if engine_reqs.iter().any(|r| r.param(&filter.param).is_some()) {
            return Err(format!(
                "{engine_sql}: sent {}: {engine_reqs:?}",
                filter.param
            ));
        }
        if pushed_reqs.is_empty() || pushed_reqs.iter().any(|r| r.param(&filter.param).is_none()) {
            return Err(format!(
                "{pushed_sql}: `{}` not on every request: {pushed_reqs:?}",
                filter.param
            ));
        }
        if pushed_reqs.len() > engine_reqs.len()
            || (engine_reqs.len() > 2 && pushed_reqs.len() >= engine_reqs.len())
        {
            return Err(format!(
                "{pushed_sql}: {} requests, the whole table took {}",
                pushed_reqs.len(),
                engine_reqs.len()
            ));
        }
        let scan = api_scan_line(&conn, &pushed_sql);
        if !scan.contains(&format!("{}=", filter.param)) {
            return Err(format!(
                "EXPLAIN {pushed_sql} does not show {}: {scan}",
                filter.param
            ));
        }
    }
    Ok(())
}

/// The `ApiScanExec` line of `EXPLAIN sql`'s physical plan: what the scan asks of the API.
fn api_scan_line(conn: &odbc_api::Connection<'_>, sql: &str) -> String {
    let rows = query_text(conn, &format!("EXPLAIN {sql}"));
    rows.iter()
        .filter(|r| r.first().and_then(|c| c.as_deref()) == Some("physical_plan"))
        .filter_map(|r| r.get(1).cloned().flatten())
        .flat_map(|plan| plan.lines().map(str::to_owned).collect::<Vec<_>>())
        .find(|l| l.contains("ApiScanExec"))
        .unwrap_or_else(|| panic!("EXPLAIN {sql}: no ApiScanExec in the plan"))
}

/// Every filter of the service's tables, except sandbox gaps and filters on boolean columns
/// (see [`boolean_filter`]).
fn filters_agree_with_the_engine(service: &str) {
    let sb = counting();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (table, _) in sb.tables(service) {
        let def = profile(service).table(&table);
        for filter in def.filters() {
            if def.column(&filter.column).kind == "boolean" {
                continue;
            }
            for op in &filter.ops {
                checked += 1;
                let checked_op = if op == ">=" || op == "<=" {
                    check_range(service, &table, &filter, op)
                } else {
                    check_filter(service, &table, &filter, op)
                };
                if let Err(e) = checked_op {
                    failures.push(e);
                }
            }
        }
    }
    assert!(checked > 0, "{service}: no filter checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pipedrive_filters_are_pushed_and_agree_with_the_engine() {
    filters_agree_with_the_engine("pipedrive");
}

#[test]
fn helpscout_filters_are_pushed_and_agree_with_the_engine() {
    filters_agree_with_the_engine("helpscout");
}

#[test]
fn helpscout_docs_filters_are_pushed_and_agree_with_the_engine() {
    filters_agree_with_the_engine("helpscout_docs");
}

#[test]
fn keap_filters_are_pushed_and_agree_with_the_engine() {
    filters_agree_with_the_engine("keap");
}

/// A filter on a boolean column, which DataFusion rewrites before pushdown: `c = true` becomes
/// `c` and `c = false` becomes `NOT c`.
fn boolean_filter(service: &str, table: &str, column: &str) {
    let def = profile(service).table(table);
    let filter = def
        .filters()
        .into_iter()
        .find(|f| f.column == column)
        .unwrap_or_else(|| panic!("{service}.{table} has no filter on {column}"));
    assert_eq!(def.column(column).kind, "boolean");
    for op in &filter.ops {
        check_filter(service, table, &filter, op).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn pipedrive_boolean_filter_is_pushed() {
    boolean_filter("pipedrive", "activities", "done");
}

#[test]
fn keap_boolean_filter_is_pushed() {
    boolean_filter("keap", "tasks", "completed");
}

#[test]
fn every_service_with_filters_is_checked() {
    let tested = ["pipedrive", "helpscout", "helpscout_docs", "keap"];
    for service in sandbox::profile_names() {
        let sb = counting();
        let has_filters = sb
            .tables(&service)
            .iter()
            .any(|(t, _)| !profile(&service).table(t).filters().is_empty());
        assert!(
            !has_filters || tested.contains(&service.as_str()),
            "{service} has pushdown filters but no filter test"
        );
    }
}

/// Conditions on two columns whose filters are clauses of one parameter (Keap v2's
/// `filter=opportunity_id==…;user_id==…`) reach the API together in that parameter, and the rows
/// are those both conditions select.
#[test]
fn clauses_of_one_parameter_are_sent_together() {
    let sb = counting();
    let conn = sb.connect_built_in("keap");
    let data = sb.data("keap", "opportunity_stage_moves");
    let first = &data[data.len() / 2];
    let (opportunity, user) = (
        first["opportunity_id"].as_str().expect("opportunity_id"),
        first["user_id"].as_str().expect("user_id"),
    );
    let want = data
        .iter()
        .filter(|r| r["opportunity_id"] == opportunity && r["user_id"] == user)
        .count();
    let sql = format!(
        "SELECT id FROM keap.opportunity_stage_moves WHERE opportunity_id = {opportunity} AND user_id = {user}"
    );
    let _guard = counting_guard();
    sb.reset();
    let rows = query_text(&conn, &sql);
    let stats = sb.stats();
    drop(_guard);
    assert_eq!(rows.len(), want, "{sql}");
    assert!(want > 0);
    assert_eq!(stats.len(), 1, "{sql}: {stats:#?}");
    assert_eq!(
        stats[0].param("filter").as_deref(),
        Some(format!("opportunity_id=={opportunity};user_id=={user}").as_str()),
        "{sql}"
    );
}
