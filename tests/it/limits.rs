//! Statement limits: SQL_ATTR_QUERY_TIMEOUT stops a long query with HYT00; SQL_ATTR_MAX_ROWS caps
//! the rows a query returns, with single-row and block fetches alike.

use odbc_api::buffers::{BufferDesc, ColumnarDynBuffer};
use odbc_api::handles::StatementImpl;
use odbc_api::sys::{Pointer, StatementAttribute};
use odbc_api::{Cursor, Preallocated};

use crate::harness::*;

/// A query that runs for a long time unless it is stopped: 3.6 billion joined rows, minutes in a
/// debug build and several seconds in any build, yet finite, so a driver that fails to stop it
/// makes a test fail rather than hang.
pub const LONG_QUERY: &str = "SELECT sum(a.value * b.value) \
     FROM generate_series(1, 60000) a CROSS JOIN generate_series(1, 60000) b";

/// Sets SQL_ATTR_MAX_ROWS, which odbc-api does not wrap.
fn set_max_rows(stmt: &mut Preallocated<StatementImpl<'_>>, rows: usize) {
    let handle = raw_stmt(stmt);
    let ret = unsafe {
        odbc_api::sys::SQLSetStmtAttr(handle.0, StatementAttribute::MaxRows, rows as Pointer, 0)
    };
    assert!(
        succeeded(ret),
        "SQLSetStmtAttr(SQL_ATTR_MAX_ROWS) returned {ret:?}"
    );
}

#[test]
fn query_timeout_expires_with_hyt00() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    stmt.set_query_timeout_sec(1).unwrap();
    assert_eq!(stmt.query_timeout_sec().unwrap(), 1);
    let err = run_to_end(&mut stmt, LONG_QUERY).must_fail("the long query must time out");
    assert_eq!(sqlstate(&err), "HYT00", "{}", message(&err));
    assert!(
        message(&err).contains("SQL_ATTR_QUERY_TIMEOUT"),
        "{}",
        message(&err)
    );

    // A quick query on the same statement is not affected by the timeout.
    let mut cursor = stmt.execute("SELECT 3", ()).unwrap().unwrap();
    assert_eq!(rows_as_text(&mut cursor), vec![vec![Some("3".to_string())]]);
}

#[test]
fn query_timeout_on_direct_execution() {
    let conn = connect();
    let outcome = conn
        .execute(LONG_QUERY, (), Some(1))
        .and_then(|cursor| match cursor {
            Some(mut c) => c.next_row().map(|_| ()),
            None => Ok(()),
        });
    assert_eq!(sqlstate(&outcome.must_fail("must time out")), "HYT00");
}

#[test]
fn max_rows_caps_row_by_row_fetch() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    set_max_rows(&mut stmt, 3);
    let mut cursor = stmt
        .execute(
            "SELECT value FROM generate_series(1, 100) ORDER BY value",
            (),
        )
        .unwrap()
        .unwrap();
    let rows = rows_as_text(&mut cursor);
    let values: Vec<&str> = rows.iter().map(|r| r[0].as_deref().unwrap()).collect();
    assert_eq!(values, ["1", "2", "3"]);
}

#[test]
fn max_rows_caps_block_fetch() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    set_max_rows(&mut stmt, 250);
    let cursor = stmt
        .execute(
            "SELECT value FROM generate_series(1, 100000) ORDER BY value",
            (),
        )
        .unwrap()
        .unwrap();
    let buffer = ColumnarDynBuffer::from_descs(100, [BufferDesc::I64 { nullable: false }]);
    let mut block = cursor.bind_buffer(buffer).unwrap();
    let mut sizes = Vec::new();
    let mut last = 0;
    while let Some(batch) = block.fetch().unwrap() {
        sizes.push(batch.num_rows());
        last = *batch.column(0).as_slice::<i64>().unwrap().last().unwrap();
    }
    assert_eq!(sizes, [100, 100, 50]);
    assert_eq!(last, 250);
}

#[test]
fn max_rows_zero_means_no_cap() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    set_max_rows(&mut stmt, 2);
    set_max_rows(&mut stmt, 0);
    let mut cursor = stmt
        .execute("SELECT value FROM generate_series(1, 10)", ())
        .unwrap()
        .unwrap();
    assert_eq!(rows_as_text(&mut cursor).len(), 10);
}
