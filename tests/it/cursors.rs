//! Cursor kinds and data-at-execution, as applications drive them through the driver manager:
//! SQLGetInfo advertises static cursors (so unixODBC does not load its cursor library, which broke
//! SQLGetData for PHP PDO); a static cursor scrolls with SQLFetchScroll (NEXT, PRIOR, FIRST, LAST,
//! ABSOLUTE, RELATIVE) and a forward-only one refuses to; parameters bound as data-at-execution
//! are sent with SQLParamData and SQLPutData, in pieces; an array of parameter sets runs once per
//! set.

use odbc_api::handles::StatementImpl;
use odbc_api::parameter::{Blob, BlobSlice};
use odbc_api::sys::{
    CDataType, FetchOrientation, HStmt, InfoType, Pointer, SQLBindCol, SQLExecDirect,
    SQLFetchScroll, SQLGetInfo, SQLSetStmtAttr, SqlReturn, StatementAttribute,
};
use odbc_api::{BindParamDesc, Connection, Cursor};

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

/// `sql` prepared with one i64 parameter bound as an array holding `values`, one set each
/// (SQL_ATTR_PARAMSET_SIZE = the number of values).
fn parameter_sets<'c>(
    conn: &'c odbc_api::Connection<'_>,
    sql: &str,
    values: &[i64],
) -> odbc_api::ColumnarBulkInserter<
    odbc_api::handles::StatementImpl<'c>,
    odbc_api::parameter::WithDataType<odbc_api::buffers::BoxColumnBuffer>,
> {
    let prepared = conn.prepare(sql).expect("prepares");
    let mut inserter = prepared
        .into_column_inserter(values.len(), [BindParamDesc::i64(false)])
        .expect("binds a column of parameters");
    inserter.set_num_rows(values.len());
    inserter
        .column_mut(0)
        .as_slice::<i64>()
        .expect("an i64 column")
        .copy_from_slice(values);
    inserter
}

/// An application that binds an array of parameter sets (SQL_ATTR_PARAMSET_SIZE 3) gets the
/// rows of every set, one after another, in one result set.
#[test]
fn an_array_of_parameter_sets_runs_once_per_set() {
    let conn = connect();
    let mut inserter = parameter_sets(&conn, "SELECT ? * 10 AS v", &[1, 2, 3]);
    let mut cursor = inserter
        .execute()
        .expect("executes three parameter sets")
        .expect("a result set");
    assert_eq!(
        rows_as_text(&mut cursor),
        [
            [Some("10".to_string())],
            [Some("20".to_string())],
            [Some("30".to_string())]
        ],
        "one row per parameter set, in order"
    );
}

/// When one parameter set fails, the error says which.
#[test]
fn a_failing_parameter_set_is_named_in_the_error() {
    let conn = connect();
    let mut inserter = parameter_sets(&conn, "SELECT 10 / ? AS v", &[1, 0, 2]);
    // The division runs as the rows are computed, so the error may come from SQLExecute or
    // from the SQLFetch that reaches the second set's row.
    let error = match inserter.execute() {
        Err(e) => e.to_string(),
        Ok(cursor) => {
            let mut cursor = cursor.expect("a result set");
            let mut fetched = 0;
            let error = loop {
                match cursor.next_row() {
                    Ok(Some(_)) => fetched += 1,
                    Ok(None) => panic!("dividing by zero in set 2 fails; {fetched} rows came"),
                    Err(e) => break e.to_string(),
                }
            };
            // The cursor stays open after the failed fetch (odbc-api's SQLCloseCursor on drop
            // would panic on 24000), and fetching again repeats the error rather than ending
            // the result early.
            assert!(
                cursor.next_row().is_err(),
                "a fetch after the failure fails too"
            );
            error
        }
    };
    assert!(
        error.contains("parameter set 2"),
        "the error names the set: {error}"
    );
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

/// Every statement has a cursor name (SQL_CUR…) until the application names it; a name is unique
/// on its connection (3C000) and may not look like a generated one (34000).
#[test]
fn cursor_names_are_generated_set_and_unique() {
    let conn = connect();
    let mut first: StatementImpl<'_> = conn.preallocate().unwrap().into_handle();
    let mut second: StatementImpl<'_> = conn.preallocate().unwrap().into_handle();
    let (a, b) = (raw_stmt(&mut first).0, raw_stmt(&mut second).0);
    let name_of = |h: HStmt| {
        let mut buf = [0u16; 64];
        let mut len: i16 = 0;
        // SAFETY: a live statement handle and a 64-character buffer.
        let ret = unsafe { odbc_api::sys::SQLGetCursorNameW(h, buf.as_mut_ptr(), 64, &mut len) };
        assert!(succeeded(ret));
        String::from_utf16_lossy(&buf[..len as usize])
    };
    let set = |h: HStmt, name: &str| {
        let w = wide(name);
        // SAFETY: a live statement handle and a name of w.len() characters.
        unsafe { SQLSetCursorNameW(h, w.as_ptr(), w.len() as i16) }
    };
    assert!(name_of(a).starts_with("SQL_CUR"), "{}", name_of(a));
    assert_ne!(name_of(a), name_of(b));
    assert!(succeeded(set(a, "orders_cursor")));
    assert_eq!(name_of(a), "orders_cursor");
    assert_eq!(set(b, "ORDERS_CURSOR"), SqlReturn::ERROR);
    assert_eq!(diagnostics(&second)[0].0, "3C000");
    assert_eq!(set(b, "SQL_CUR7"), SqlReturn::ERROR);
    assert_eq!(diagnostics(&second)[0].0, "34000");
}

/// SQLTablePrivileges (or, with `columns`, SQLColumnPrivileges) of `schema`.`table`: the
/// result's column names and its rows as text.
pub fn privileges(
    conn: &odbc_api::Connection<'_>,
    schema: &str,
    table: &str,
    columns: bool,
) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    let mut stmt: StatementImpl<'_> = conn.preallocate().unwrap().into_handle();
    let h = raw_stmt(&mut stmt).0;
    let (schema, table) = (wide(schema), wide(table));
    // SAFETY: a live statement handle; null catalog and column names mean "any".
    let ret = unsafe {
        if columns {
            odbc_api::sys::SQLColumnPrivilegesW(
                h,
                std::ptr::null(),
                0,
                schema.as_ptr(),
                schema.len() as i16,
                table.as_ptr(),
                table.len() as i16,
                std::ptr::null(),
                0,
            )
        } else {
            SQLTablePrivilegesW(
                h,
                std::ptr::null(),
                0,
                schema.as_ptr(),
                schema.len() as i16,
                table.as_ptr(),
                table.len() as i16,
            )
        }
    };
    assert!(succeeded(ret), "{:?}", diagnostics(&stmt));
    // SAFETY: the call opened a result set on the statement.
    let mut cursor = unsafe { odbc_api::CursorImpl::new(stmt) };
    let names: Vec<String> = odbc_api::ResultSetMetadata::column_names(&mut cursor)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let rows = crate::harness::rows_as_text(&mut cursor);
    (names, rows)
}

/// SQLTablePrivileges and SQLColumnPrivileges answer with the specification's columns; the sys
/// tables can only be read: SELECT, for the table and each column.
#[test]
fn privileges_have_the_spec_columns_and_the_sys_tables_are_select_only() {
    let conn = connect();
    for columns in [false, true] {
        let (names, rows) = privileges(&conn, "sys", "sys_tables", columns);
        let mut want = vec!["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME"];
        if columns {
            want.push("COLUMN_NAME");
        }
        want.extend(["GRANTOR", "GRANTEE", "PRIVILEGE", "IS_GRANTABLE"]);
        assert_eq!(names, want);
        assert!(!rows.is_empty());
        let privilege = if columns { 6 } else { 5 };
        assert!(
            rows.iter()
                .all(|r| r[privilege].as_deref() == Some("SELECT")),
            "{rows:?}"
        );
    }
}

/// SQLNativeSql shows `{call …}` as the statement that runs: without braces or `? =`.
#[test]
fn native_sql_unwraps_a_call_escape() {
    for (given, shown) in [
        (
            "{call GetOAuthAuthorizationURL(?, ?)}",
            "call GetOAuthAuthorizationURL(?, ?)",
        ),
        ("{? = call p(1)}", "call p(1)"),
        ("SELECT {fn UCASE('a')}", "SELECT upper('a')"),
    ] {
        assert_eq!(native_sql(given), shown);
    }
}

// Not declared by odbc-sys; unixODBC's libodbc exports them.
extern "C" {
    fn SQLSetCursorNameW(hstmt: HStmt, name: *const u16, len: i16) -> SqlReturn;
    #[allow(clippy::too_many_arguments)]
    fn SQLTablePrivilegesW(
        hstmt: HStmt,
        catalog: *const u16,
        catalog_len: i16,
        schema: *const u16,
        schema_len: i16,
        table: *const u16,
        table_len: i16,
    ) -> SqlReturn;
    fn SQLNativeSqlW(
        hdbc: odbc_api::sys::HDbc,
        text_in: *const u16,
        len_in: i32,
        text_out: *mut u16,
        max: i32,
        len_out: *mut i32,
    ) -> SqlReturn;
}

/// The statement SQLNativeSql says the driver runs for `sql`.
fn native_sql(sql: &str) -> String {
    let mut handle = connect().into_handle();
    let input = wide(sql);
    let mut out = [0u16; 256];
    let mut len: i32 = 0;
    // SAFETY: a connected handle, an input of input.len() characters and a 256-character buffer.
    let ret = unsafe {
        SQLNativeSqlW(
            handle.as_sys(),
            input.as_ptr(),
            input.len() as i32,
            out.as_mut_ptr(),
            256,
            &mut len,
        )
    };
    assert!(succeeded(ret), "{sql}");
    let _ = handle.disconnect();
    String::from_utf16_lossy(&out[..len as usize])
}
