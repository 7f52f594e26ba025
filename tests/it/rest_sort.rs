//! ORDER BY that the API sorts by (`[table.sort]`), data-driven over the built-in profiles: for
//! every declared column and direction, `ORDER BY c` sends the profile's sort parameters, returns
//! the column's values in the order the engine sorts them, and with a LIMIT is one request of
//! that many rows. Read from the counting sandbox's request log.

use crate::harness::query_text;
use crate::sandbox::{counting, counting_guard, profile, qualified};

/// One column a table declares it can be sorted by.
struct Declared {
    table: String,
    column: String,
    /// The API's name for the column.
    value: String,
    param: String,
    direction: Option<String>,
    asc: String,
    desc: String,
    /// The list's order without parameters.
    natural: bool,
    /// Edits change it: sorted by the API only when one page holds the rows wanted.
    changing: bool,
}

fn declared(service: &str) -> Vec<Declared> {
    let sb = counting();
    let mut out = Vec::new();
    for (table, _) in sb.tables(service) {
        let def = profile(service).table(&table);
        let Some(sort) = def.doc.get("sort").and_then(toml::Value::as_table) else {
            continue;
        };
        let text = |k: &str, default: &str| {
            sort.get(k)
                .and_then(toml::Value::as_str)
                .unwrap_or(default)
                .to_owned()
        };
        let direction = sort
            .get("direction_param")
            .and_then(toml::Value::as_str)
            .map(str::to_owned);
        let natural = sort.get("natural").and_then(toml::Value::as_str);
        let changing: Vec<String> = sort
            .get("changing")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_lowercase))
            .collect();
        for (column, value) in sort
            .get("columns")
            .and_then(toml::Value::as_table)
            .into_iter()
            .flatten()
        {
            out.push(Declared {
                table: table.clone(),
                column: column.clone(),
                value: value.as_str().unwrap_or_default().to_owned(),
                param: text("param", ""),
                direction: direction.clone(),
                asc: text("ascending", "asc"),
                desc: text("descending", "desc"),
                natural: natural.is_some_and(|n| n.eq_ignore_ascii_case(column)),
                changing: changing.contains(&column.to_lowercase()),
            });
        }
    }
    out
}

fn sorted_by_the_api(service: &str) {
    let sb = counting();
    let conn = sb.connect_built_in(service);
    let all = declared(service);
    assert!(!all.is_empty(), "{service}: no [table.sort] to check");
    for Declared {
        table,
        column,
        value,
        param,
        direction,
        asc,
        desc,
        natural,
        changing,
    } in all
    {
        let name = qualified(service, &table);
        let key = profile(service)
            .table(&table)
            .key()
            .map(|k| k.name)
            .unwrap_or_else(|| column.clone());
        for (dir, wire) in [("ASC", &asc), ("DESC", &desc)] {
            // Without a direction parameter the direction sits in the value (`{value} DESC`),
            // or the API sorts ascending only.
            let in_value = direction.is_none() && wire.contains("{value}");
            if direction.is_none() && dir == "DESC" && !in_value {
                continue;
            }
            let sent_value = if in_value {
                wire.replace("{value}", &value)
            } else {
                value.clone()
            };
            // Every query on the counting sandbox holds its guard, so that no other test's
            // requests land in the log read here, nor these in theirs.
            let _guard = counting_guard();
            // Two sort keys: the engine sorts (the API is asked for one column only).
            let engine = query_text(
                &conn,
                &format!("SELECT {column} FROM {name} ORDER BY {column} {dir}, {key}"),
            );
            sb.reset();
            let pushed = query_text(
                &conn,
                &format!("SELECT {column} FROM {name} ORDER BY {column} {dir}"),
            );
            let all_requests = sb.table_requests(&sb.stats(), service, &table);
            sb.reset();
            let limited = query_text(
                &conn,
                &format!("SELECT {column} FROM {name} ORDER BY {column} {dir} LIMIT 3"),
            );
            let limit_requests = sb.table_requests(&sb.stats(), service, &table);
            drop(_guard);
            let sql = format!("{name} ORDER BY {column} {dir}");
            assert_eq!(pushed, engine, "{sql}: the API's order is not the engine's");
            // The list's natural order needs no parameter: the request stays the plain list's.
            // A changing column is sorted by the driver over more than one page.
            let asks_api = |r: &crate::sandbox::Request| {
                r.param(&param).as_deref() == Some(sent_value.as_str())
                    && direction
                        .as_ref()
                        .is_none_or(|d| r.param(d).as_deref() == Some(wire.as_str()))
            };
            let unsorted = |r: &crate::sandbox::Request| r.param(&param).is_none();
            let natural_order = natural && dir == "ASC";
            assert!(
                !all_requests.is_empty()
                    && if natural_order || changing {
                        all_requests.iter().all(unsorted)
                    } else {
                        all_requests.iter().all(asks_api)
                    },
                "{sql}: sort parameters not as declared: {all_requests:?}"
            );
            assert_eq!(limited, engine[..3.min(engine.len())], "{sql} LIMIT 3");
            // Three rows fit one page: even a changing column is sorted by the API then.
            assert!(
                limit_requests.len() == 1
                    && if natural_order {
                        unsorted(&limit_requests[0])
                    } else {
                        asks_api(&limit_requests[0])
                    },
                "{sql} LIMIT 3: one request, sorted by the API: {limit_requests:?}"
            );
        }
    }
}

#[test]
fn pipedrive_order_by_is_the_apis() {
    sorted_by_the_api("pipedrive");
}

#[test]
fn keap_order_by_is_the_apis() {
    sorted_by_the_api("keap");
}

#[test]
fn helpscout_order_by_is_the_apis() {
    sorted_by_the_api("helpscout");
}

/// A sort the profile does not declare, or below a LIMIT, stays the engine's.
#[test]
fn other_orders_are_sorted_by_the_driver() {
    let sb = counting();
    let conn = sb.connect_built_in("pipedrive");
    for sql in [
        "SELECT name FROM pipedrive.persons ORDER BY name LIMIT 3",
        "SELECT id FROM (SELECT id FROM pipedrive.persons LIMIT 5) t ORDER BY id DESC",
    ] {
        let _guard = counting_guard();
        sb.reset();
        let rows = query_text(&conn, sql);
        let stats = sb.table_requests(&sb.stats(), "pipedrive", "persons");
        drop(_guard);
        assert!(!rows.is_empty(), "{sql}");
        assert!(
            stats.iter().all(|r| r.param("sort_by").is_none()),
            "{sql}: asked the API to sort: {stats:?}"
        );
    }
    // The API's first five rows, then sorted: not the five highest ids.
    let _guard = counting_guard();
    let rows = query_text(
        &conn,
        "SELECT id FROM (SELECT id FROM pipedrive.persons LIMIT 5) t ORDER BY id DESC",
    );
    let ids: Vec<Option<String>> = rows.into_iter().map(|mut r| r.remove(0)).collect();
    assert_eq!(ids, ["5", "4", "3", "2", "1"].map(|s| Some(s.to_string())));
}

/// Conditions the engine evaluates between the scan and the ORDER BY keep the API's order: the
/// scan is asked to sort (by a column edits do not change), and a LIMIT stops it once enough
/// rows passed the conditions.
#[test]
fn the_apis_order_holds_through_the_engines_filters() {
    let sb = counting();
    // Small pages, so that stopping early shows next to the pages a scan reads ahead.
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE;Pagesize=2");
    let filter = "WHERE name LIKE '%a%'";
    let _guard = counting_guard();
    let engine = query_text(
        &conn,
        &format!(
            "SELECT add_time FROM pipedrive.persons {filter} ORDER BY add_time DESC, id LIMIT 5"
        ),
    );
    sb.reset();
    let pushed = query_text(
        &conn,
        &format!("SELECT add_time FROM pipedrive.persons {filter} ORDER BY add_time DESC LIMIT 5"),
    );
    let requests = sb.table_requests(&sb.stats(), "pipedrive", "persons");
    drop(_guard);
    assert_eq!(pushed, engine);
    assert!(
        requests
            .iter()
            .all(|r| r.param("sort_by").as_deref() == Some("add_time")
                && r.param("sort_direction").as_deref() == Some("desc")),
        "{requests:?}"
    );
    let pages = sb.rows("pipedrive", "persons").div_ceil(2);
    assert!(
        requests.len() < pages,
        "read {} of {pages} pages for 5 rows",
        requests.len()
    );
}
