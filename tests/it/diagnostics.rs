//! Diagnostics as odbc-api reports them: SQLSTATE, message text starting with `[apiodbc]`, the
//! records a handle keeps and clears, the spec's states for bad column numbers, values that do not
//! fit the requested C type and truncated text (with the full length in the indicator).

use odbc_api::buffers::{Indicator, TextRowSet};
use odbc_api::handles::{AsStatementRef, Statement};
use odbc_api::{Cursor, Error};

use crate::harness::*;

#[test]
fn error_carries_state_message_and_function() {
    let conn = connect();
    let err = conn
        .execute("SELECT * FROM no_such_table", (), None)
        .must_fail("must fail");
    match &err {
        Error::Diagnostics { record, function } => {
            assert_eq!(record.state.as_str(), "42S02");
            assert!(function.starts_with("SQLExecDirect"), "{function}");
            let text = String::from_utf8_lossy(&record.message);
            assert!(text.starts_with("[apiodbc]"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    // Display shows the state and the message, as applications log it.
    let shown = err.to_string();
    assert!(
        shown.contains("42S02") && shown.contains("no_such_table"),
        "{shown}"
    );
}

#[test]
fn statement_diagnostics_are_cleared_by_the_next_call() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    assert!(stmt.execute("SELEC 1", ()).is_err());
    let first = diagnostics(&stmt.as_stmt_ref());
    assert_eq!(
        first.first().map(|d| d.0.as_str()),
        Some("42000"),
        "{first:?}"
    );
    assert!(first[0].1.starts_with("[apiodbc]"), "{first:?}");
    {
        let mut cursor = stmt.execute("SELECT 1", ()).unwrap().unwrap();
        assert_eq!(rows_as_text(&mut cursor), vec![vec![Some("1".to_string())]]);
    }
    let after = diagnostics(&stmt.as_stmt_ref());
    assert!(after.is_empty(), "stale records: {after:?}");
}

#[test]
fn fetch_out_of_sequence_is_hy010() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap().into_handle();
    let ret = unsafe { odbc_api::sys::SQLFetch(stmt.as_sys()) };
    assert!(!succeeded(ret));
    let records = diagnostics(&stmt.as_stmt_ref());
    assert_eq!(
        records.first().map(|d| d.0.as_str()),
        Some("HY010"),
        "{records:?}"
    );
}

#[test]
fn bad_column_number_is_07009() {
    let conn = connect();
    let mut cursor = conn.execute("SELECT 1, 2", (), None).unwrap().unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut buf = Vec::new();
    let err = row
        .get_text(9, &mut buf)
        .must_fail("column 9 does not exist");
    assert_eq!(sqlstate(&err), "07009");
}

#[test]
fn value_too_large_for_the_c_type_is_22003() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT CAST(9000000000 AS BIGINT)", (), None)
        .unwrap()
        .unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut small: i32 = 0;
    let err = row
        .get_data(1, &mut small)
        .must_fail("does not fit in 32 bits");
    assert_eq!(sqlstate(&err), "22003");
}

#[test]
fn text_that_is_not_a_number_is_22018() {
    let conn = connect();
    let mut cursor = conn.execute("SELECT 'abc'", (), None).unwrap().unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut number: i64 = 0;
    let err = row.get_data(1, &mut number).must_fail("'abc' is no number");
    assert_eq!(sqlstate(&err), "22018");
}

#[test]
fn text_that_is_a_number_converts() {
    let conn = connect();
    let mut cursor = conn.execute("SELECT ' 42 '", (), None).unwrap().unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut number: i64 = 0;
    row.get_data(1, &mut number).unwrap();
    assert_eq!(number, 42);
}

#[test]
fn truncated_text_in_a_bound_buffer_reports_the_full_length() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT 'hello world' AS t", (), None)
        .unwrap()
        .unwrap();
    let buffer = TextRowSet::for_cursor(10, &mut cursor, Some(5)).unwrap();
    let mut block = cursor.bind_buffer(buffer).unwrap();
    let batch = block.fetch().unwrap().expect("one row");
    assert_eq!(batch.at(0, 0), Some(&b"hello"[..]));
    assert_eq!(batch.indicator_at(0, 0), Indicator::Length(11));
}

#[test]
fn truncation_check_turns_into_an_error_when_asked() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT 'hello world' AS t", (), None)
        .unwrap()
        .unwrap();
    let buffer = TextRowSet::for_cursor(10, &mut cursor, Some(5)).unwrap();
    let mut block = cursor.bind_buffer(buffer).unwrap();
    let err = block
        .fetch_with_truncation_check(true)
        .must_fail("truncated");
    assert!(
        matches!(err, Error::TooLargeValueForBuffer { .. }),
        "{err:?}"
    );
}
