//! Cursor kinds and data-at-execution, as applications drive them through the driver manager:
//! SQLGetInfo advertises static cursors (so unixODBC does not load its cursor library, which broke
//! SQLGetData for PHP PDO); a static cursor scrolls with SQLFetchScroll (NEXT, PRIOR, FIRST, LAST,
//! ABSOLUTE, RELATIVE) and a forward-only one refuses to; parameters bound as data-at-execution
//! are sent with SQLParamData and SQLPutData, in pieces.

use odbc_api::handles::StatementImpl;
use odbc_api::parameter::{Blob, BlobSlice};
use odbc_api::sys::{
    CDataType, FetchOrientation, HStmt, InfoType, Pointer, SQLBindCol, SQLExecDirect,
    SQLFetchScroll, SQLGetInfo, SQLSetStmtAttr, SqlReturn, StatementAttribute,
};
use odbc_api::Connection;

use crate::harness::*;

/// A statement of `conn` set to a static cursor, with `sql` executed on it and column 1 bound as
/// a 64-bit integer; `check` gets the raw handle and the bound value's cell.
fn with_static_cursor(conn: &Connection<'_>, sql: &str, check: impl FnOnce(HStmt, &i64)) {
    let mut stmt: StatementImpl<'_> = conn.preallocate().unwrap().into_handle();
    let h = raw_stmt(&mut stmt).0;
    let mut value: i64 = 0;
    // SAFETY: a live statement handle; `value` outlives every fetch below.
    unsafe {
        let ret = SQLSetStmtAttr(
            h,
            StatementAttribute::CursorType,
            3 as Pointer, // SQL_CURSOR_STATIC
            0,
        );
        assert!(succeeded(ret), "{:?}", diagnostics(&stmt));
        let ret = SQLExecDirect(h, sql.as_ptr(), sql.len() as i32);
        assert!(succeeded(ret), "{:?}", diagnostics(&stmt));
        let ret = SQLBindCol(
            h,
            1,
            CDataType::SBigInt,
            (&mut value as *mut i64).cast(),
            8,
            std::ptr::null_mut(),
        );
        assert!(succeeded(ret), "{:?}", diagnostics(&stmt));
    }
    check(h, &value);
}

/// SQLFetchScroll, then the bound value (None at either end).
fn scroll(h: HStmt, value: &i64, orientation: FetchOrientation, offset: isize) -> Option<i64> {
    // SAFETY: a statement with an open static cursor and column 1 bound to `value`.
    let ret = unsafe { SQLFetchScroll(h, orientation, offset) };
    if ret == SqlReturn::NO_DATA {
        return None;
    }
    assert!(succeeded(ret), "{orientation:?} {offset}: {ret:?}");
    Some(*value)
}

const TEN_ROWS: &str =
    "SELECT v FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10)) AS t(v) ORDER BY v";

#[test]
fn the_driver_advertises_static_cursors_that_scroll() {
    let mut conn = connect().into_handle();
    let mut mask: u32 = 0;
    // SAFETY: a connected handle and a 4-byte cell for a SQLUINTEGER answer.
    let ret = unsafe {
        SQLGetInfo(
            conn.as_sys(),
            InfoType::StaticCursorAttributes1,
            (&mut mask as *mut u32).cast(),
            4,
            std::ptr::null_mut(),
        )
    };
    assert!(succeeded(ret));
    // SQL_CA1_NEXT | SQL_CA1_ABSOLUTE | SQL_CA1_RELATIVE: what unixODBC checks before loading
    // its cursor library.
    assert_eq!(mask & 0x7, 0x7, "{mask:#x}");
    let _ = conn.disconnect();
}

#[test]
fn a_static_cursor_scrolls_every_way() {
    let conn = connect();
    with_static_cursor(&conn, TEN_ROWS, |h, v| {
        assert_eq!(scroll(h, v, FetchOrientation::Next, 0), Some(1));
        assert_eq!(scroll(h, v, FetchOrientation::Next, 0), Some(2));
        assert_eq!(scroll(h, v, FetchOrientation::Last, 0), Some(10));
        assert_eq!(scroll(h, v, FetchOrientation::Prior, 0), Some(9));
        assert_eq!(scroll(h, v, FetchOrientation::Absolute, 4), Some(4));
        assert_eq!(scroll(h, v, FetchOrientation::Relative, 3), Some(7));
        assert_eq!(scroll(h, v, FetchOrientation::Absolute, -2), Some(9));
        assert_eq!(scroll(h, v, FetchOrientation::First, 0), Some(1));
        assert_eq!(scroll(h, v, FetchOrientation::Prior, 0), None);
        assert_eq!(scroll(h, v, FetchOrientation::Absolute, 11), None);
        assert_eq!(scroll(h, v, FetchOrientation::Prior, 0), Some(10));
    });
}

#[test]
fn a_forward_only_cursor_refuses_to_scroll_back() {
    let conn = connect();
    let mut stmt: StatementImpl<'_> = conn.preallocate().unwrap().into_handle();
    let h = raw_stmt(&mut stmt).0;
    // SAFETY: a live statement handle.
    unsafe {
        let ret = SQLExecDirect(h, TEN_ROWS.as_ptr(), TEN_ROWS.len() as i32);
        assert!(succeeded(ret));
        assert!(succeeded(SQLFetchScroll(h, FetchOrientation::Next, 0)));
        let ret = SQLFetchScroll(h, FetchOrientation::Prior, 0);
        assert_eq!(ret, SqlReturn::ERROR);
    }
    let states: Vec<String> = diagnostics(&stmt).into_iter().map(|(s, _)| s).collect();
    assert!(states.contains(&"HY106".to_string()), "{states:?}");
}

/// odbc-api sends a blob parameter as data-at-execution: SQLExecute answers SQL_NEED_DATA, and
/// the value follows with SQLParamData and SQLPutData, here in pieces of 1,000 bytes.
#[test]
fn data_at_execution_parameters_arrive_in_pieces() {
    let conn = connect();
    let text = "é".repeat(3000);
    let mut blob = BlobSlice::from_text(&text);
    blob.batch_size = 1000;
    let mut cursor = conn
        .execute("SELECT length(?) AS n", &mut blob.as_blob_param(), None)
        .expect("executes with a data-at-execution parameter")
        .expect("a result set");
    assert_eq!(
        rows_as_text(&mut cursor),
        [[Some("3000".to_string())]],
        "the whole value, joined"
    );
}
