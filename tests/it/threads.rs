//! Threads: many connections working at the same time, one connection whose statements run on
//! several threads at once, and one connection handed from thread to thread.

use std::sync::{Arc, Mutex};
use std::thread;

use odbc_api::Cursor;

use crate::harness::*;

/// The sum of 1..=n and the row count, computed by the driver.
fn series_sum(conn: &odbc_api::Connection<'_>, n: i64) -> (i64, i64) {
    let rows = query_text(
        conn,
        &format!("SELECT sum(value), count(*) FROM generate_series(1, {n})"),
    );
    let parse = |i: usize| rows[0][i].as_deref().unwrap().parse::<i64>().unwrap();
    (parse(0), parse(1))
}

#[test]
fn eight_threads_with_their_own_connections() {
    let workers: Vec<_> = (0..8i64)
        .map(|t| {
            thread::spawn(move || {
                let conn = connect();
                let mut prepared = conn.prepare("SELECT ? * 10 + ?").unwrap();
                for i in 0..20i64 {
                    let mut cursor = prepared.execute((&t, &i)).unwrap().unwrap();
                    let rows = rows_as_text(&mut cursor);
                    assert_eq!(rows, vec![vec![Some((t * 10 + i).to_string())]]);
                }
                let n = 10_000 + t * 1000;
                assert_eq!(series_sum(&conn, n), (n * (n + 1) / 2, n));
                let unicode = scalar_text(&conn, &format!("SELECT '{UNICODE_TEXT} {t}'"));
                assert_eq!(unicode, Some(format!("{UNICODE_TEXT} {t}")));
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker thread");
    }
}

#[test]
fn statements_of_one_connection_run_on_several_threads_at_once() {
    let conn = connect();
    let statements: Vec<_> = (0..6).map(|_| conn.preallocate().unwrap()).collect();
    thread::scope(|scope| {
        for (t, mut stmt) in statements.into_iter().enumerate() {
            scope.spawn(move || {
                for round in 0..5i64 {
                    let n = 5_000 + (t as i64) * 100 + round;
                    let sql = format!("SELECT sum(value), count(*) FROM generate_series(1, {n})");
                    let mut cursor = stmt.execute(&sql, ()).unwrap().unwrap();
                    let rows = rows_as_text(&mut cursor);
                    let expected = vec![Some((n * (n + 1) / 2).to_string()), Some(n.to_string())];
                    assert_eq!(rows, vec![expected], "thread {t} round {round}");
                }
            });
        }
    });
    // The connection is still fine.
    assert_eq!(scalar_text(&conn, "SELECT 1").as_deref(), Some("1"));
}

#[test]
fn one_connection_shared_by_threads_taking_turns() {
    let conn = Arc::new(Mutex::new(connect()));
    let workers: Vec<_> = (0..4i64)
        .map(|t| {
            let conn = conn.clone();
            thread::spawn(move || {
                for i in 0..10i64 {
                    let conn = conn.lock().unwrap();
                    let mut cursor = conn
                        .execute("SELECT ? + ?", (&t, &(i * 100)), None)
                        .unwrap()
                        .unwrap();
                    let mut row = cursor.next_row().unwrap().unwrap();
                    let mut value: i64 = -1;
                    row.get_data(1, &mut value).unwrap();
                    assert_eq!(value, t + i * 100);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker thread");
    }
}

#[test]
fn a_connection_moves_between_threads() {
    let conn = connect();
    let conn = thread::spawn(move || {
        assert_eq!(
            scalar_text(&conn, "SELECT 'first'").as_deref(),
            Some("first")
        );
        conn
    })
    .join()
    .unwrap();
    let conn = thread::spawn(move || {
        assert_eq!(
            scalar_text(&conn, "SELECT 'second'").as_deref(),
            Some("second")
        );
        conn
    })
    .join()
    .unwrap();
    assert_eq!(scalar_text(&conn, "SELECT 'home'").as_deref(), Some("home"));
}
