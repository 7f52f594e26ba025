//! The Talkdesk calls report's window set by the query: range conditions on `start_at` choose the
//! timespan of the report jobs, so calls older than the default 30 days are found, a short range
//! asks for that range only, a long one is split into jobs of at most 31 days, and an empty or
//! future one runs no job. Expected rows come from the sandbox's list of every call it generated
//! (`/_sandbox/data/talkdesk/calls?all=true`), the timespans from its log of report jobs. The
//! first two checks also run over every report table of the profile with a `window_column`
//! (`/_sandbox/data/talkdesk/<table>?all=true`), comparing the window column's values.

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Timelike, Utc};
use odbc_api::parameter::WithDataType;
use odbc_api::sys::Timestamp;
use odbc_api::{Connection, DataType};
use serde_json::Value;

use crate::harness::{query_text, rows_as_text};
use crate::sandbox::{clean, counting, counting_guard, http, profile, Sandbox};

/// Every generated call as (call_id, start_at), the ones before the default window included.
fn every_call(sb: &Sandbox) -> Vec<(String, DateTime<Utc>)> {
    let r = http(&sb.base, "GET", "/_sandbox/data/talkdesk/calls?all=true");
    assert_eq!(r.status, 200);
    let Value::Array(calls) = r.json() else {
        panic!("calls?all=true is not an array")
    };
    calls
        .iter()
        .map(|c| {
            let start = c["start_at"].as_str().expect("start_at");
            (
                c["call_id"].as_str().expect("call_id").to_owned(),
                DateTime::parse_from_rfc3339(start)
                    .expect("an RFC 3339 start_at")
                    .to_utc(),
            )
        })
        .collect()
}

/// A bound of the manifest's `calls_window` (the default 30 days) or `calls_span` (all calls).
fn manifest_time(sb: &Sandbox, key: &str, side: &str) -> DateTime<Utc> {
    let text = sb.manifest["services"]["talkdesk"][key][side]
        .as_str()
        .unwrap_or_else(|| panic!("no {key}.{side} in the manifest"));
    DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339")
        .to_utc()
}

fn lit(t: DateTime<Utc>) -> String {
    format!("TIMESTAMP '{}'", t.format("%Y-%m-%d %H:%M:%S"))
}

/// The ids of the calls `keep` accepts, sorted.
fn want(calls: &[(String, DateTime<Utc>)], keep: impl Fn(DateTime<Utc>) -> bool) -> Vec<String> {
    let mut ids: Vec<String> = calls
        .iter()
        .filter(|(_, t)| keep(*t))
        .map(|(id, _)| id.clone())
        .collect();
    ids.sort();
    ids
}

/// The call ids `SELECT call_id FROM talkdesk.calls WHERE {condition}` returns, sorted.
fn got(conn: &Connection<'_>, condition: &str) -> Vec<String> {
    let sql = format!("SELECT call_id FROM talkdesk.calls WHERE {condition}");
    let mut cursor = conn
        .execute(&sql, (), None)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .expect("a result set");
    let mut ids: Vec<String> = rows_as_text(&mut cursor)
        .into_iter()
        .map(|r| r[0].clone().expect("a call_id"))
        .collect();
    ids.sort();
    ids
}

/// The timespans of the report jobs created since the last reset, in creation order.
fn jobs(sb: &Sandbox) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let stats = http(&sb.base, "GET", "/_sandbox/stats").json();
    let parse = |v: &Value| {
        DateTime::parse_from_rfc3339(v.as_str().expect("a timespan bound"))
            .expect("RFC 3339")
            .to_utc()
    };
    stats["report_jobs"]
        .as_array()
        .expect("report_jobs")
        .iter()
        .map(|j| (parse(&j["from"]), parse(&j["to"])))
        .collect()
}

fn odbc_ts(t: DateTime<Utc>) -> WithDataType<Timestamp> {
    let n: NaiveDateTime = t.naive_utc();
    let d = n.date();
    let s = n.time();
    WithDataType {
        value: Timestamp {
            year: d.year() as i16,
            month: d.month() as u16,
            day: d.day() as u16,
            hour: s.hour() as u16,
            minute: s.minute() as u16,
            second: s.second() as u16,
            fraction: 0,
        },
        data_type: DataType::Timestamp { precision: 0 },
    }
}

#[test]
fn calls_older_than_the_default_window_are_found() {
    let sb = clean();
    let conn = sb.connect("talkdesk");
    let calls = every_call(sb);
    let first = manifest_time(sb, "calls_span", "from");
    let window = manifest_time(sb, "calls_window", "from");

    let older = want(&calls, |t| t >= first && t < window);
    assert!(older.len() > 10, "only {} older calls", older.len());
    let condition = format!("start_at >= {} AND start_at < {}", lit(first), lit(window));
    assert_eq!(got(&conn, &condition), older, "{condition}");

    // An upper bound alone reads the 30 days before it.
    let month_before = want(&calls, |t| t >= window - Duration::days(30) && t < window);
    assert!(!month_before.is_empty() && month_before.len() < older.len());
    let condition = format!("start_at < {}", lit(window));
    assert_eq!(got(&conn, &condition), month_before, "{condition}");

    // `>` on a call's own start: the window includes that second, the engine drops the call.
    let mut starts: Vec<DateTime<Utc>> = calls
        .iter()
        .map(|(_, t)| *t)
        .filter(|t| *t < window)
        .collect();
    starts.sort();
    let pivot = starts[starts.len() / 2];
    let after = want(&calls, |t| t > pivot && t <= window);
    let condition = format!(
        "start_at > {} AND start_at <= {} AND call_id <> ''",
        lit(pivot),
        lit(window)
    );
    assert_eq!(got(&conn, &condition), after, "{condition}");

    // Text literals (DataFusion casts them) and BETWEEN, which includes both ends.
    let between = want(&calls, |t| t >= first && t <= pivot);
    let condition = format!(
        "start_at BETWEEN '{}' AND '{}'",
        first.format("%Y-%m-%d %H:%M:%S"),
        pivot.format("%Y-%m-%d %H:%M:%S")
    );
    assert_eq!(got(&conn, &condition), between, "{condition}");

    // Bound parameters set the window as literals do.
    let sql = "SELECT call_id FROM talkdesk.calls WHERE start_at >= ? AND start_at < ?";
    let (from, to) = (odbc_ts(first), odbc_ts(window));
    let mut cursor = conn
        .execute(sql, (&from, &to), None)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .expect("a result set");
    let mut ids: Vec<String> = rows_as_text(&mut cursor)
        .into_iter()
        .map(|r| r[0].clone().expect("a call_id"))
        .collect();
    ids.sort();
    assert_eq!(ids, older, "{sql}");

    // LIMIT stays above the engine's filter: the rows it keeps all match.
    let condition = format!(
        "start_at > {} AND start_at < {} LIMIT 3",
        lit(pivot),
        lit(window)
    );
    let limited = got(&conn, &condition);
    assert_eq!(limited.len(), 3.min(after.len()), "{condition}");
    assert!(limited.iter().all(|id| after.contains(id)), "{condition}");
}

#[test]
fn a_two_day_range_asks_the_api_for_those_two_days() {
    let sb = counting();
    let conn = sb.connect("talkdesk");
    let calls = every_call(sb);
    let end = manifest_time(sb, "calls_window", "to");
    let (from, to) = (end - Duration::days(3), end - Duration::days(1));
    let condition = format!("start_at >= {} AND start_at < {}", lit(from), lit(to));

    let _guard = counting_guard();
    sb.reset();
    let ids = got(&conn, &condition);
    assert_eq!(jobs(sb), [(from, to)], "{condition}");
    assert_eq!(ids, want(&calls, |t| t >= from && t < to), "{condition}");

    // "The last two days": from the bound to now.
    let since = Utc::now() - Duration::days(2);
    let since = since - Duration::nanoseconds(since.timestamp_subsec_nanos().into());
    sb.reset();
    let ids = got(&conn, &format!("start_at >= {}", lit(since)));
    let asked = jobs(sb);
    let now = Utc::now();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].0, since);
    assert!(
        asked[0].1 >= since + Duration::days(2) && asked[0].1 <= now,
        "{asked:?}"
    );
    assert_eq!(ids, want(&calls, |t| t >= since));

    // `=`: one second's job.
    let (_, at) = calls
        .iter()
        .find(|(_, t)| *t < end - Duration::days(40))
        .expect("a call before the window");
    sb.reset();
    let ids = got(&conn, &format!("start_at = {}", lit(*at)));
    assert_eq!(jobs(sb), [(*at, *at + Duration::seconds(1))]);
    assert_eq!(ids, want(&calls, |t| t == *at));
}

#[test]
fn a_window_longer_than_a_month_is_split_into_jobs() {
    let sb = counting();
    let conn = sb.connect("talkdesk");
    let calls = every_call(sb);
    let first = manifest_time(sb, "calls_span", "from");
    let window = manifest_time(sb, "calls_window", "from");
    let condition = format!("start_at >= {} AND start_at < {}", lit(first), lit(window));

    let _guard = counting_guard();
    sb.reset();
    let ids = got(&conn, &condition);
    let asked = jobs(sb);
    let split = first + Duration::days(31);
    assert_eq!(asked, [(first, split), (split, window)], "{condition}");
    assert_eq!(ids, want(&calls, |t| t >= first && t < window));
}

#[test]
fn an_empty_or_future_window_runs_no_job() {
    let sb = counting();
    let conn = sb.connect("talkdesk");
    let end = manifest_time(sb, "calls_window", "to");
    let _guard = counting_guard();
    for condition in [
        "start_at > TIMESTAMP '2200-01-01 00:00:00'".to_owned(),
        format!("start_at >= {0} AND start_at < {0}", lit(end)),
        format!(
            "start_at < {} AND start_at > {}",
            lit(end - Duration::days(10)),
            lit(end - Duration::days(5))
        ),
    ] {
        sb.reset();
        assert!(got(&conn, &condition).is_empty(), "{condition}");
        let stats = sb.stats();
        assert!(stats.is_empty(), "{condition}: {stats:?}");
    }
}

/// A report table of the profile whose window column conditions set the jobs' timespan.
struct Windowed {
    table: String,
    column: String,
    /// Where a report row keeps the column's value.
    path: String,
}

/// Every report table of the Talkdesk profile with a `window_column`.
fn windowed() -> Vec<Windowed> {
    let p = profile("talkdesk");
    let out: Vec<Windowed> = p.doc["table"]
        .as_array()
        .expect("[[table]]")
        .iter()
        .filter_map(toml::Value::as_table)
        .filter_map(|t| {
            let name = t["name"].as_str()?;
            let column = t.get("report")?.get("window_column")?.as_str()?;
            let path = p.table(name).column(column).path;
            Some(Windowed {
                table: name.to_owned(),
                column: column.to_owned(),
                path,
            })
        })
        .collect();
    assert!(
        out.len() > 1,
        "report tables with a window_column: {}",
        out.len()
    );
    out
}

/// A report time as the report writes it (RFC 3339, or `YYYY-MM-DD HH:MM:SS` in UTC) or as the
/// driver shows it (fractional seconds allowed).
fn parse_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").map(|t| t.and_utc())
        })
        .unwrap_or_else(|e| panic!("{text}: not a time: {e}"))
}

/// Every row of a report table, before the default window too, as (its window column's time, the
/// time the report selects it by). The two are the same except for studio_flow_execution: that
/// report selects whole flows by their finish time,
/// `studio_flow_executions_aggregated.flow_execution_finished_time`, a key with a dot the
/// profile's column paths cannot address, so its window column is the step's start, up to a
/// flow's length earlier. A step that starts inside a range whose flow finishes after it is
/// therefore not found, as the table's description says; the expected rows leave it out.
fn every_row(sb: &Sandbox, w: &Windowed) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let url = format!("/_sandbox/data/talkdesk/{}?all=true", w.table);
    let r = http(&sb.base, "GET", &url);
    assert_eq!(r.status, 200, "{url}");
    let Value::Array(rows) = r.json() else {
        panic!("{url} is not an array")
    };
    assert!(!rows.is_empty(), "{url}: no rows");
    let selected_by = (w.table == "studio_flow_execution")
        .then_some("studio_flow_executions_aggregated.flow_execution_finished_time");
    rows.iter()
        .map(|row| {
            let at = |key: &str| {
                parse_time(
                    crate::sandbox::json_path(row, key)
                        .or_else(|| row.get(key))
                        .and_then(Value::as_str)
                        .unwrap_or_else(|| panic!("{url}: no {key} in {row}")),
                )
            };
            let t = at(&w.path);
            (t, selected_by.map_or(t, at))
        })
        .collect()
}

/// The window column's times of the rows whose window column `cond` accepts and which a job for
/// `job` holds, sorted.
fn want_times(
    rows: &[(DateTime<Utc>, DateTime<Utc>)],
    job: (DateTime<Utc>, DateTime<Utc>),
    cond: impl Fn(DateTime<Utc>) -> bool,
) -> Vec<DateTime<Utc>> {
    let mut out: Vec<DateTime<Utc>> = rows
        .iter()
        .filter(|(t, by)| cond(*t) && *by >= job.0 && *by < job.1)
        .map(|(t, _)| *t)
        .collect();
    out.sort();
    out
}

/// The window column's times `SELECT {column} FROM talkdesk.{table} WHERE {condition}` returns,
/// sorted.
fn got_times(conn: &Connection<'_>, w: &Windowed, condition: &str) -> Vec<DateTime<Utc>> {
    let sql = format!(
        "SELECT {} FROM talkdesk.{} WHERE {condition}",
        w.column, w.table
    );
    let mut out: Vec<DateTime<Utc>> = query_text(conn, &sql)
        .into_iter()
        .map(|r| parse_time(r[0].as_deref().unwrap_or_else(|| panic!("{sql}: NULL"))))
        .collect();
    out.sort();
    out
}

#[test]
fn report_rows_older_than_the_default_window_are_found() {
    let sb = clean();
    let conn = sb.connect("talkdesk");
    let first = manifest_time(sb, "calls_span", "from");
    let window = manifest_time(sb, "calls_window", "from");
    for w in windowed() {
        let rows = every_row(sb, &w);
        let (table, column) = (&w.table, &w.column);

        let older = want_times(&rows, (first, window), |t| t >= first && t < window);
        assert!(
            !older.is_empty(),
            "{table}: no rows before the default window"
        );
        let condition = format!("{column} >= {} AND {column} < {}", lit(first), lit(window));
        assert_eq!(
            got_times(&conn, &w, &condition),
            older,
            "{table}: {condition}"
        );

        // An upper bound alone reads the 30 days before it.
        let month = (window - Duration::days(30), window);
        let month_before = want_times(&rows, month, |t| t < window);
        let condition = format!("{column} < {}", lit(window));
        assert_eq!(
            got_times(&conn, &w, &condition),
            month_before,
            "{table}: {condition}"
        );
    }
}

#[test]
fn a_short_range_asks_every_report_for_that_range_only() {
    let sb = counting();
    let conn = sb.connect("talkdesk");
    let end = manifest_time(sb, "calls_window", "to");
    let (from, to) = (end - Duration::days(3), end - Duration::days(1));
    for w in windowed() {
        let rows = every_row(sb, &w);
        let (table, column) = (&w.table, &w.column);
        let condition = format!("{column} >= {} AND {column} < {}", lit(from), lit(to));
        let _guard = counting_guard();
        sb.reset();
        let got = got_times(&conn, &w, &condition);
        assert_eq!(jobs(sb), [(from, to)], "{table}: {condition}");
        assert_eq!(
            got,
            want_times(&rows, (from, to), |t| t >= from && t < to),
            "{table}: {condition}"
        );
    }
}
