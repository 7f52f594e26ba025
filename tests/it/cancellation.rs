//! Stopping a running statement: SQLCancel from a second thread makes the first thread's call
//! fail with HY008, and the statement is usable again afterwards. odbc-api has no cancel handle,
//! so the second thread calls `SQLCancel` on the raw statement handle.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::harness::*;

/// A query long enough to be cancelled (100 million joined rows, seconds in a debug build) and
/// short enough that, should its work go on after the cancel, the rest of the suite is not held up
/// for long.
const CANCEL_QUERY: &str = "SELECT sum(a.value * b.value) \
     FROM generate_series(1, 10000) a CROSS JOIN generate_series(1, 10000) b";

/// Calls SQLCancel on `stmt` every 10 ms until `done` is set. A cancel that arrives before the
/// statement starts does nothing, so the first one to land on the running statement stops it.
fn keep_cancelling(stmt: SendHStmt, done: Arc<AtomicBool>) -> thread::JoinHandle<usize> {
    thread::spawn(move || {
        let stmt = stmt;
        let mut calls = 0;
        while !done.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(10));
            let ret = unsafe { odbc_api::sys::SQLCancel(stmt.0) };
            assert!(succeeded(ret), "SQLCancel returned {ret:?}");
            calls += 1;
        }
        calls
    })
}

#[test]
fn cancel_from_another_thread_stops_the_statement_with_hy008() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    let handle = raw_stmt(&mut stmt);
    let done = Arc::new(AtomicBool::new(false));
    let canceller = keep_cancelling(handle, done.clone());

    let outcome = run_to_end(&mut stmt, CANCEL_QUERY);
    done.store(true, Ordering::SeqCst);
    let calls = canceller.join().expect("canceller thread");

    let err = outcome.must_fail("the long query must be stopped");
    assert_eq!(sqlstate(&err), "HY008", "{}", message(&err));
    assert!(message(&err).starts_with("[apiodbc]"));
    assert!(calls >= 1);

    // The statement handle works again.
    let mut cursor = stmt.execute("SELECT 7", ()).unwrap().unwrap();
    assert_eq!(rows_as_text(&mut cursor), vec![vec![Some("7".to_string())]]);
}

#[test]
fn cancel_on_an_idle_statement_is_harmless() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    let handle = raw_stmt(&mut stmt);
    let ret = unsafe { odbc_api::sys::SQLCancel(handle.0) };
    assert!(succeeded(ret));
    let mut cursor = stmt.execute("SELECT 8", ()).unwrap().unwrap();
    assert_eq!(rows_as_text(&mut cursor), vec![vec![Some("8".to_string())]]);
}

#[test]
fn cancelling_one_statement_leaves_the_connection_usable() {
    let conn = connect();
    let mut victim = conn.preallocate().unwrap();
    let mut bystander = conn.preallocate().unwrap();
    let handle = raw_stmt(&mut victim);
    let done = Arc::new(AtomicBool::new(false));
    let canceller = keep_cancelling(handle, done.clone());
    let outcome = run_to_end(&mut victim, CANCEL_QUERY);
    done.store(true, Ordering::SeqCst);
    canceller.join().unwrap();
    assert_eq!(sqlstate(&outcome.must_fail("cancelled")), "HY008");

    let mut cursor = bystander
        .execute("SELECT count(*) FROM generate_series(1, 1000)", ())
        .unwrap()
        .unwrap();
    assert_eq!(
        rows_as_text(&mut cursor),
        vec![vec![Some("1000".to_string())]]
    );
}
