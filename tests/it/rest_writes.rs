//! Writes as an odbc-api user sees them, against the writable sandbox. Data-driven: every table
//! whose manifest entry has a `write` object is inserted into, read back, updated, read back,
//! deleted and read back, with the values the manifest gives in the profile's column names. Then
//! what must hold around it: row counts, the keys an INSERT created in `sys.sys_writes`, a
//! refused row that names itself while the others are applied and reported, a write the API
//! applied but answered with a 500 that is never sent again, values checked before anything is
//! sent, ReadOnly, autocommit, the row limit and the result cache.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime};
use serde_json::{json, Value};

use crate::harness::{message, query_text, rows_as_text, scalar_text, sqlstate};
use crate::sandbox::{http_json, writable, writable_guard, Sandbox};

/// A SQL literal of `v` for a column of `kind`.
fn literal(v: &Value, kind: &str) -> String {
    let quoted = |s: &str| format!("'{}'", s.replace('\'', "''"));
    match v {
        Value::Null => "NULL".into(),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Value::Number(n) if kind != "text" => n.to_string(),
        Value::Number(n) => quoted(&n.to_string()),
        Value::String(s) => quoted(s),
        other => quoted(&other.to_string()),
    }
}

fn instant(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .ok()
        .or_else(|| {
            [
                "%Y-%m-%d %H:%M:%S%.f",
                "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%dT%H:%M:%S",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .map(|t| t.and_utc().timestamp())
        })
}

/// Whether the driver's text for a column of `kind` shows the value `want` that was written.
fn shows(kind: &str, got: Option<&str>, want: &Value) -> bool {
    let Some(got) = got else {
        return want.is_null();
    };
    match (kind, want) {
        (_, Value::Null) => false,
        ("json", Value::String(s)) => {
            serde_json::from_str::<Value>(got).ok() == serde_json::from_str::<Value>(s).ok()
        }
        ("json", w) => serde_json::from_str::<Value>(got).ok().as_ref() == Some(w),
        ("boolean", Value::Bool(b)) => matches!(got, "1" | "true") == *b,
        ("float64", w) | ("decimal", w) => {
            let w = w
                .as_f64()
                .or_else(|| w.as_str().and_then(|s| s.parse().ok()));
            got.parse::<f64>()
                .ok()
                .zip(w)
                .is_some_and(|(g, w)| (g - w).abs() < 1e-6)
        }
        ("timestamp", Value::String(s)) => instant(got).is_some() && instant(got) == instant(s),
        (_, Value::String(s)) => got == s,
        (_, w) => {
            let text = w.to_string();
            got == text
        }
    }
}

/// Each column's kind (`text`, `json`, `int64`, ...) as SQLColumns names its type: custom
/// fields included, which the profile file does not list.
fn kinds(conn: &odbc_api::Connection<'_>, service: &str, table: &str) -> HashMap<String, String> {
    let mut stmt = conn.preallocate().expect("a statement");
    let mut cursor = stmt
        .columns_cursor("", service, table, "")
        .unwrap_or_else(|e| panic!("SQLColumns for {service}.{table}: {e}"));
    rows_as_text(&mut cursor)
        .into_iter()
        .map(|r| {
            let kind = match r[5].as_deref().unwrap_or_default() {
                "VARCHAR" => "text",
                "TEXT" => "json",
                "BIGINT" | "INTEGER" => "int64",
                "DOUBLE" => "float64",
                "DECIMAL" => "decimal",
                "BOOLEAN" => "boolean",
                "DATE" => "date",
                "TIMESTAMP" => "timestamp",
                other => panic!("{service}.{table}: type {other}"),
            };
            (r[3].clone().unwrap_or_default(), kind.to_string())
        })
        .collect()
}

fn kind<'a>(kinds: &'a HashMap<String, String>, column: &str) -> &'a str {
    kinds
        .get(column)
        .unwrap_or_else(|| panic!("no column {column}"))
}

/// Runs a write and returns SQLRowCount.
fn run_write(conn: &odbc_api::Connection<'_>, sql: &str) -> Result<isize, odbc_api::Error> {
    let mut stmt = conn.preallocate().expect("a statement");
    stmt.execute(sql, ())?;
    Ok(stmt.row_count()?.map_or(-1, |n| n as isize))
}

/// `WHERE` of the record with `key` (column → value).
fn where_key(kinds: &HashMap<String, String>, key: &[(String, Value)]) -> String {
    key.iter()
        .map(|(c, v)| format!("{c} = {}", literal(v, kind(kinds, c))))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// Reads back `values` (column → value) of the record `key` and says what differs.
fn differences(
    conn: &odbc_api::Connection<'_>,
    service: &str,
    table: &str,
    key: &[(String, Value)],
    values: &serde_json::Map<String, Value>,
) -> Vec<String> {
    let kinds = kinds(conn, service, table);
    let cols: Vec<&String> = values.keys().collect();
    let sql = format!(
        "SELECT {} FROM {service}.{table} WHERE {}",
        cols.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        where_key(&kinds, key)
    );
    let rows = query_text(conn, &sql);
    if rows.len() != 1 {
        return vec![format!("{sql}: {} rows", rows.len())];
    }
    cols.iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let got = rows[0][i].as_deref();
            let want = &values[*c];
            (!shows(kind(&kinds, c), got, want))
                .then(|| format!("{service}.{table}.{c}: wrote {want}, read {got:?}"))
        })
        .collect()
}

fn last_insert_key(conn: &odbc_api::Connection<'_>, qualified: &str) -> Option<String> {
    scalar_text(
        conn,
        &format!(
            "SELECT RecordKey FROM sys.sys_writes WHERE TableName = '{qualified}' AND Operation = 'INSERT' ORDER BY StatementId DESC, RowNumber DESC LIMIT 1"
        ),
    )
}

fn round_trip(sb: &Sandbox, service: &str, table: &str, w: &Value) -> Vec<String> {
    // With the custom fields: the manifest writes some of them.
    let conn = sb.connect(service);
    let kinds = kinds(&conn, service, table);
    let insert = w["insert"].as_object().expect("write.insert");
    let cols: Vec<&String> = insert.keys().collect();
    let sql = format!(
        "INSERT INTO {service}.{table} ({}) VALUES ({})",
        cols.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        cols.iter()
            .map(|c| literal(&insert[*c], kind(&kinds, c)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    match run_write(&conn, &sql) {
        Ok(1) => {}
        other => return vec![format!("{sql}: {other:?}")],
    }
    let key_cols: Vec<String> = w["key"]
        .as_array()
        .expect("write.key")
        .iter()
        .map(|k| k.as_str().expect("key column").to_string())
        .collect();
    let key: Vec<(String, Value)> = if w["creates_key"].as_bool().unwrap_or(true) {
        let Some(k) = last_insert_key(&conn, &format!("{service}.{table}")) else {
            return vec![format!("{sql}: no key in sys.sys_writes")];
        };
        let v = match kind(&kinds, &key_cols[0]) {
            "int64" | "int32" => json!(k.parse::<i64>().expect("a numeric key")),
            _ => Value::String(k),
        };
        vec![(key_cols[0].clone(), v)]
    } else {
        key_cols
            .iter()
            .map(|c| (c.clone(), insert[c].clone()))
            .collect()
    };
    let mut problems = differences(&conn, service, table, &key, insert);
    if let Some(update) = w["update"].as_object() {
        let sql = format!(
            "UPDATE {service}.{table} SET {} WHERE {}",
            update
                .iter()
                .map(|(c, v)| format!("{c} = {}", literal(v, kind(&kinds, c))))
                .collect::<Vec<_>>()
                .join(", "),
            where_key(&kinds, &key)
        );
        match run_write(&conn, &sql) {
            Ok(1) => problems.extend(differences(&conn, service, table, &key, update)),
            other => problems.push(format!("{sql}: {other:?}")),
        }
    }
    if w["delete"].as_bool() == Some(false) {
        // The API deletes none of them: DELETE says so before any request.
        let sql = format!(
            "DELETE FROM {service}.{table} WHERE {}",
            where_key(&kinds, &key)
        );
        match run_write(&conn, &sql) {
            Err(e) if sqlstate(&e) == "42000" => {}
            other => problems.push(format!("{sql}: {other:?}, expected 42000")),
        }
        return problems;
    }
    {
        let sql = format!(
            "DELETE FROM {service}.{table} WHERE {}",
            where_key(&kinds, &key)
        );
        match run_write(&conn, &sql) {
            Ok(1) => {
                let left = scalar_text(
                    &conn,
                    &format!(
                        "SELECT COUNT(*) FROM {service}.{table} WHERE {}",
                        where_key(&kinds, &key)
                    ),
                );
                if left.as_deref() != Some("0") {
                    problems.push(format!("{service}.{table}: {left:?} rows after DELETE"));
                }
            }
            other => problems.push(format!("{sql}: {other:?}")),
        }
    }
    problems
}

fn check_service(service: &str) -> usize {
    // The write fault is armed for the sandbox as a whole: no other write may take it.
    let _g = writable_guard();
    let sb = writable();
    let mut problems = Vec::new();
    let mut tables = 0;
    for (table, entry) in sb.tables(service) {
        if entry["write"].is_object() {
            tables += 1;
            problems.extend(round_trip(sb, service, &table, &entry["write"]));
        }
    }
    assert!(problems.is_empty(), "{service}:\n{}", problems.join("\n"));
    tables
}

#[test]
fn every_writable_pipedrive_table_round_trips() {
    assert!(check_service("pipedrive") >= 7);
}

#[test]
fn every_writable_helpscout_table_round_trips() {
    assert!(check_service("helpscout") >= 2);
}

#[test]
fn every_writable_keap_table_round_trips() {
    assert!(check_service("keap") >= 5);
}

#[test]
fn every_writable_talkdesk_table_round_trips() {
    check_service("talkdesk");
}

/// The requests the writable sandbox logged for `method` on a path ending in `suffix`.
fn sent(sb: &Sandbox, method: &str, suffix: &str) -> usize {
    sb.stats()
        .iter()
        .filter(|r| r.method == method && r.path.ends_with(suffix))
        .count()
}

#[test]
fn a_refused_row_names_itself_and_the_rows_before_it_stay_applied() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    sb.reset();
    // Row 2 names an organization that does not exist: the API refuses it.
    let sql = "INSERT INTO persons (name, owner_id, org_id) VALUES ('Row One', 1, NULL), ('Row Two', 1, 999999), ('Row Three', 1, NULL)";
    let err = run_write(&conn, sql).expect_err("the API refuses row 2");
    let text = message(&err);
    assert_eq!(sqlstate(&err), "23000", "{text}");
    assert!(text.contains("row 2 of 3"), "{text}");
    assert!(text.contains("Applied: row(s) 1"), "{text}");
    assert!(text.contains("Not sent: row(s) 3-3"), "{text}");
    assert_eq!(sent(sb, "POST", "/persons"), 2, "row 3 is not sent");
    let rows = query_text(
        &conn,
        "SELECT RowNumber, Outcome, HttpStatus FROM sys.sys_writes WHERE TableName = 'pipedrive.persons' ORDER BY StatementId DESC, RowNumber LIMIT 3",
    );
    let outcomes: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
        .collect();
    let mut sorted = outcomes.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            ("1".into(), "applied".into()),
            ("2".into(), "refused".into()),
            ("3".into(), "not sent".into())
        ],
        "{rows:?}"
    );
    let one = scalar_text(&conn, "SELECT COUNT(*) FROM persons WHERE name = 'Row One'");
    assert_eq!(one.as_deref(), Some("1"));
}

#[test]
fn write_errors_continue_sends_the_rest_and_still_fails() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE;WriteErrors=continue");
    sb.reset();
    let err = run_write(
        &conn,
        "INSERT INTO persons (name, owner_id, org_id) VALUES ('Cont One', 1, 999999), ('Cont Two', 1, NULL)",
    )
    .expect_err("row 1 is refused");
    assert!(message(&err).contains("row 1 of 2"), "{}", message(&err));
    assert_eq!(sent(sb, "POST", "/persons"), 2);
    let two = scalar_text(
        &conn,
        "SELECT COUNT(*) FROM persons WHERE name = 'Cont Two'",
    );
    assert_eq!(two.as_deref(), Some("1"));
}

#[test]
fn a_post_the_api_may_have_applied_is_never_sent_again() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    sb.reset();
    let armed = http_json(
        &sb.base,
        "POST",
        "/_sandbox/faults",
        &json!({"fail_after_apply": 1}),
    );
    assert_eq!(armed.status, 200);
    let err = run_write(
        &conn,
        "INSERT INTO persons (name, owner_id) VALUES ('Applied Once', 1)",
    )
    .expect_err("the API answers 500 after applying");
    assert!(
        message(&err).contains("may or may not have been applied"),
        "{}",
        message(&err)
    );
    assert_eq!(sent(sb, "POST", "/persons"), 1, "the POST is not retried");
    let outcome = scalar_text(
        &conn,
        "SELECT Outcome FROM sys.sys_writes WHERE TableName = 'pipedrive.persons' ORDER BY StatementId DESC LIMIT 1",
    );
    assert_eq!(outcome.as_deref(), Some("unknown"));
    // It was applied: the record is there, once.
    let n = scalar_text(
        &conn,
        "SELECT COUNT(*) FROM persons WHERE name = 'Applied Once'",
    );
    assert_eq!(n.as_deref(), Some("1"));
}

#[test]
fn bad_values_are_refused_before_any_request() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    sb.reset();
    let err = run_write(
        &conn,
        "INSERT INTO persons (name, owner_id) VALUES ('Good', 1), ('Bad', 'seven')",
    )
    .expect_err("'seven' is no integer");
    assert_eq!(sqlstate(&err), "22018", "{}", message(&err));
    assert!(message(&err).contains("owner_id"), "{}", message(&err));
    assert!(message(&err).contains("Row 2"), "{}", message(&err));
    let err = run_write(&conn, "INSERT INTO persons (owner_id) VALUES (1)")
        .expect_err("name is required");
    assert_eq!(sqlstate(&err), "23000", "{}", message(&err));
    assert!(message(&err).contains("name"), "{}", message(&err));
    let err = run_write(&conn, "INSERT INTO persons (id, name) VALUES (5, 'x')")
        .expect_err("the API gives ids");
    assert_eq!(sqlstate(&err), "42000", "{}", message(&err));
    let err = run_write(
        &conn,
        "UPDATE persons SET add_time = '2020-01-01 00:00:00' WHERE id = 1",
    )
    .expect_err("add_time is the API's");
    assert_eq!(sqlstate(&err), "42000", "{}", message(&err));
    let writes = sb.stats().iter().filter(|r| r.method != "GET").count();
    assert_eq!(writes, 0, "nothing was sent");
}

#[test]
fn unfiltered_and_large_changes_need_a_property() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE;WriteRowLimit=3");
    sb.reset();
    let err = run_write(&conn, "DELETE FROM persons").expect_err("no WHERE");
    assert_eq!(sqlstate(&err), "42000");
    assert!(
        message(&err).contains("AllowUnfilteredWrites"),
        "{}",
        message(&err)
    );
    let err = run_write(&conn, "UPDATE persons SET name = 'Many' WHERE id <= 10")
        .expect_err("10 rows, limit 3");
    assert!(message(&err).contains("WriteRowLimit"), "{}", message(&err));
    assert_eq!(sb.stats().iter().filter(|r| r.method != "GET").count(), 0);
}

#[test]
fn read_only_refuses_every_write_before_any_request() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE;ReadOnly=TRUE");
    sb.reset();
    for sql in [
        "INSERT INTO persons (name) VALUES ('x')",
        "UPDATE persons SET name = 'x' WHERE id = 1",
        "DELETE FROM persons WHERE id = 1",
    ] {
        let err = run_write(&conn, sql).expect_err(sql);
        assert_eq!(sqlstate(&err), "42000", "{sql}: {}", message(&err));
        assert!(message(&err).contains("ReadOnly"), "{}", message(&err));
    }
    assert!(sb.stats().is_empty(), "no request at all");
}

#[test]
fn autocommit_off_refuses_writes_and_keeps_reads() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    conn.set_autocommit(false)
        .expect("autocommit off is accepted");
    let err =
        run_write(&conn, "INSERT INTO persons (name) VALUES ('x')").expect_err("no transactions");
    assert_eq!(sqlstate(&err), "25000", "{}", message(&err));
    assert!(message(&err).contains("autocommit"), "{}", message(&err));
    assert!(scalar_text(&conn, "SELECT COUNT(*) FROM pipelines").is_some());
}

#[test]
fn a_change_is_seen_at_once_with_the_result_cache_on() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE;CacheTTL=600");
    assert_eq!(
        run_write(
            &conn,
            "INSERT INTO organizations (name) VALUES ('Cache Co')"
        )
        .unwrap(),
        1
    );
    let id = last_insert_key(&conn, "pipedrive.organizations").expect("a key");
    let before = scalar_text(
        &conn,
        &format!("SELECT name FROM organizations WHERE id = {id}"),
    );
    assert_eq!(before.as_deref(), Some("Cache Co"));
    run_write(
        &conn,
        &format!("UPDATE organizations SET name = 'Cache Two' WHERE id = {id}"),
    )
    .unwrap();
    let after = scalar_text(
        &conn,
        &format!("SELECT name FROM organizations WHERE id = {id}"),
    );
    assert_eq!(after.as_deref(), Some("Cache Two"));
}

#[test]
fn an_update_matching_nothing_changes_nothing() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    assert_eq!(
        run_write(
            &conn,
            "UPDATE persons SET name = 'Nobody' WHERE id = 987654"
        )
        .unwrap(),
        0
    );
}

#[test]
fn parameter_arrays_insert_every_set_and_count_them() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    let prepared = conn
        .prepare("INSERT INTO organizations (name) VALUES (?)")
        .expect("prepare");
    let mut inserter = prepared
        .into_text_inserter(3, [40])
        .expect("a column-wise parameter array");
    for name in ["Array One", "Array Two", "Array Three"] {
        inserter
            .append([Some(name.as_bytes())].into_iter())
            .expect("append");
    }
    inserter.execute().expect("execute the array");
    let n = scalar_text(
        &conn,
        "SELECT COUNT(*) FROM organizations WHERE name IN ('Array One', 'Array Two', 'Array Three')",
    );
    assert_eq!(n.as_deref(), Some("3"));
    let keys = query_text(
        &conn,
        "SELECT RecordKey FROM sys.sys_writes WHERE TableName = 'pipedrive.organizations' AND Outcome = 'applied' ORDER BY StatementId DESC LIMIT 3",
    );
    assert_eq!(keys.len(), 3);
}

#[test]
fn the_sys_tables_cannot_be_changed() {
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    for sql in [
        "INSERT INTO sys.sys_writes (\"TableName\") VALUES ('x')",
        "DELETE FROM sys.sys_tables WHERE TableName = 'persons'",
    ] {
        let err = run_write(&conn, sql).expect_err(sql);
        assert_eq!(sqlstate(&err), "42000", "{sql}: {}", message(&err));
        assert!(
            message(&err).contains("cannot be changed"),
            "{}",
            message(&err)
        );
    }
}

/// What SQLTablePrivileges, SQLColumnPrivileges and SQLColAttribute(SQL_DESC_UPDATABLE) say
/// follows the profile's routes and the connection: a ReadOnly connection may only SELECT.
#[test]
fn privileges_say_what_may_be_written() {
    let sb = writable();
    let privileges_of = |extra: &str, columns: bool| -> Vec<(String, String)> {
        let conn = sb.connect_with("pipedrive", extra);
        let (_, rows) = crate::cursors::privileges(&conn, "pipedrive", "persons", columns);
        rows.into_iter()
            .map(|r| {
                let (what, privilege) = if columns { (3, 6) } else { (2, 5) };
                (r[what].clone().unwrap(), r[privilege].clone().unwrap())
            })
            .collect()
    };
    let table = privileges_of("CustomFields=FALSE", false);
    let names: Vec<&str> = table.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(names, ["DELETE", "INSERT", "SELECT", "UPDATE"]);
    let columns = privileges_of("CustomFields=FALSE", true);
    let of = |column: &str| -> Vec<&str> {
        columns
            .iter()
            .filter(|(c, _)| c == column)
            .map(|(_, p)| p.as_str())
            .collect()
    };
    assert_eq!(of("name"), ["INSERT", "SELECT", "UPDATE"]);
    assert_eq!(of("id"), ["SELECT"], "the key is the API's");
    assert_eq!(of("add_time"), ["SELECT"], "set by the API");
    let read_only = privileges_of("CustomFields=FALSE;ReadOnly=TRUE", false);
    assert_eq!(read_only, [("persons".to_string(), "SELECT".to_string())]);

    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    let mut cursor = conn
        .execute("SELECT id, name FROM persons LIMIT 1", (), None)
        .unwrap()
        .unwrap();
    let updatable = |cursor: &mut odbc_api::CursorImpl<_>, col: u16| {
        odbc_api::ResultSetMetadata::col_data_type(cursor, col).unwrap();
        let mut n: isize = -1;
        let h = crate::harness::raw_stmt(cursor).0;
        // SAFETY: a live statement with a result set; a numeric attribute goes to `n`.
        let ret = unsafe {
            odbc_api::sys::SQLColAttributeW(
                h,
                col,
                odbc_api::sys::Desc::Updatable,
                std::ptr::null_mut(),
                0,
                std::ptr::null_mut(),
                &mut n,
            )
        };
        assert!(crate::harness::succeeded(ret));
        n
    };
    assert_eq!(
        updatable(&mut cursor, 1),
        0,
        "SQL_ATTR_READONLY for the key"
    );
    assert_eq!(updatable(&mut cursor, 2), 1, "SQL_ATTR_WRITE for name");
}

#[test]
fn insert_select_creates_one_record_per_row_selected() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    sb.reset();
    let n = run_write(
        &conn,
        "INSERT INTO organizations (name, owner_id) SELECT name || ' (copy)', owner_id FROM organizations WHERE id IN (1, 2)",
    )
    .unwrap();
    assert_eq!(n, 2);
    assert_eq!(sent(sb, "POST", "/organizations"), 2);
    let copies = scalar_text(
        &conn,
        "SELECT COUNT(*) FROM organizations WHERE name LIKE '% (copy)'",
    );
    assert_eq!(copies.as_deref(), Some("2"));
}

/// DataFusion hands the table only the conditions on its own columns: a statement whose WHERE
/// or SET needs more (a subquery, a join, LIMIT) is refused before anything is read or sent,
/// instead of changing rows it did not select.
#[test]
fn updates_and_deletes_that_need_more_than_their_own_table_are_refused() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE;AllowUnfilteredWrites=TRUE");
    sb.reset();
    for sql in [
        "DELETE FROM deals WHERE id NOT IN (SELECT id FROM deals WHERE status = 'won')",
        "DELETE FROM persons WHERE visible_to = 3 AND org_id IN (SELECT id FROM organizations WHERE name = 'Acme')",
        "DELETE FROM persons WHERE EXISTS (SELECT 1 FROM organizations WHERE organizations.id = persons.org_id)",
        "UPDATE deals SET person_id = (SELECT id FROM persons WHERE name = 'Bob') WHERE id = 5",
        "UPDATE persons SET name = organizations.name FROM organizations WHERE organizations.id = persons.org_id",
        "EXPLAIN ANALYZE DELETE FROM persons WHERE id = 1",
    ] {
        let err = run_write(&conn, sql).expect_err(sql);
        assert!(
            ["HYC00", "42000"].contains(&sqlstate(&err).as_str()),
            "{sql}: {}",
            message(&err)
        );
    }
    // DELETE ... LIMIT does not parse, or is refused: either way nothing is deleted.
    assert!(run_write(&conn, "DELETE FROM deals WHERE status = 'lost' LIMIT 1").is_err());
    let changes = sb.stats().iter().filter(|r| r.method != "GET").count();
    assert_eq!(changes, 0, "nothing was changed");
}

/// A WHERE that selects nothing (the optimizer folds it away) changes nothing, even where a
/// statement without WHERE would be allowed to change everything.
#[test]
fn a_where_that_selects_nothing_changes_nothing() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE;AllowUnfilteredWrites=TRUE");
    sb.reset();
    assert_eq!(
        run_write(&conn, "DELETE FROM persons WHERE 1 = 0").unwrap(),
        0
    );
    assert_eq!(
        run_write(&conn, "UPDATE persons SET name = 'x' WHERE NULL").unwrap(),
        0
    );
    let mut stmt = conn.preallocate().unwrap();
    stmt.execute(
        "DELETE FROM persons WHERE id = ?",
        &odbc_api::Nullable::<i64>::null(),
    )
    .unwrap();
    assert_eq!(stmt.row_count().unwrap(), Some(0));
    assert!(sb.stats().is_empty(), "{:?}", sb.stats());
}

/// MaxRows caps what a query returns, never which rows an UPDATE changes.
#[test]
fn max_rows_does_not_cap_the_rows_a_write_changes() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE;MaxRows=2");
    let n = run_write(
        &conn,
        "UPDATE organizations SET visible_to = 3 WHERE id <= 5",
    )
    .unwrap();
    assert_eq!(n, 5);
}

/// A DELETE the API applied but answered with a 500 is sent again (it repeats without harm)
/// and finds the record gone: that is the change asked for.
#[test]
fn a_delete_sent_again_that_finds_the_record_gone_is_applied() {
    let _g = writable_guard();
    let sb = writable();
    let conn = sb.connect_with("pipedrive", "CustomFields=FALSE");
    run_write(
        &conn,
        "INSERT INTO organizations (name) VALUES ('Gone Twice')",
    )
    .unwrap();
    let id = last_insert_key(&conn, "pipedrive.organizations").unwrap();
    sb.reset();
    http_json(
        &sb.base,
        "POST",
        "/_sandbox/faults",
        &json!({"fail_after_apply": 1}),
    );
    let n = run_write(&conn, &format!("DELETE FROM organizations WHERE id = {id}")).unwrap();
    assert_eq!(n, 1);
    assert_eq!(sent(sb, "DELETE", &format!("/organizations/{id}")), 2);
}
