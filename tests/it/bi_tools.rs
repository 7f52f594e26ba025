//! What BI tools do, replayed through the driver manager (Power BI, Excel and Tableau cannot run
//! here; docs/reference/odbc.md §7–8 records their calls): Power BI's connect-time SQLGetInfoW
//! burst, navigator listing and per-query metadata ending in SQLMoreResults; SQLGetTypeInfo rows
//! that name each result column's type exactly and are all searchable, as the engine really
//! allows; SQL_C_WCHAR parameters bound against SQL_VARCHAR markers; the escapes they emit; and
//! Tableau's probes (LIMIT, `WHERE 1=0`, TOP and temporary tables refused cleanly).

use odbc_api::handles::StatementImpl;
use odbc_api::sys::{HDbc, HStmt, Pointer, SqlReturn};
use odbc_api::Connection;

use crate::harness::*;

// The wide entry points with plain integer codes, as the BI tools call them.
extern "C" {
    fn SQLGetInfoW(hdbc: HDbc, info: u16, value: Pointer, len: i16, out: *mut i16) -> SqlReturn;
    fn SQLGetFunctions(hdbc: HDbc, function: u16, supported: *mut u16) -> SqlReturn;
    fn SQLTablesW(
        hstmt: HStmt,
        catalog: *const u16,
        catalog_len: i16,
        schema: *const u16,
        schema_len: i16,
        table: *const u16,
        table_len: i16,
        types: *const u16,
        types_len: i16,
    ) -> SqlReturn;
    fn SQLExecDirectW(hstmt: HStmt, text: *const u16, len: i32) -> SqlReturn;
    fn SQLPrepareW(hstmt: HStmt, text: *const u16, len: i32) -> SqlReturn;
    fn SQLExecute(hstmt: HStmt) -> SqlReturn;
    fn SQLNumResultCols(hstmt: HStmt, count: *mut i16) -> SqlReturn;
    fn SQLColAttributeW(
        hstmt: HStmt,
        column: u16,
        field: u16,
        text: Pointer,
        len: i16,
        text_len: *mut i16,
        number: *mut isize,
    ) -> SqlReturn;
    fn SQLFetch(hstmt: HStmt) -> SqlReturn;
    fn SQLGetData(
        hstmt: HStmt,
        column: u16,
        c_type: i16,
        target: Pointer,
        len: isize,
        indicator: *mut isize,
    ) -> SqlReturn;
    fn SQLMoreResults(hstmt: HStmt) -> SqlReturn;
    fn SQLBindParameter(
        hstmt: HStmt,
        number: u16,
        io: i16,
        c_type: i16,
        sql_type: i16,
        size: usize,
        digits: i16,
        value: Pointer,
        len: isize,
        indicator: *mut isize,
    ) -> SqlReturn;
    fn SQLGetTypeInfoW(hstmt: HStmt, data_type: i16) -> SqlReturn;
}

const SQL_C_WCHAR: i16 = -8;
const SQL_VARCHAR: i16 = 12;
const SQL_PARAM_INPUT: i16 = 1;
const SQL_NO_DATA: SqlReturn = SqlReturn(100);
const SQL_NULL_DATA: isize = -1;

// SQLColAttribute fields.
const SQL_DESC_CONCISE_TYPE: u16 = 2;
const SQL_DESC_UNSIGNED: u16 = 8;
const SQL_DESC_TYPE_NAME: u16 = 14;
const SQL_DESC_LENGTH: u16 = 1003;
const SQL_DESC_SCALE: u16 = 1006;
const SQL_DESC_NULLABLE: u16 = 1008;
const SQL_DESC_NAME: u16 = 1011;

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

fn from_wide(units: &[u16]) -> String {
    String::from_utf16(units).expect("UTF-16 from the driver")
}

/// A statement of `conn` and its raw handle; the handle lives as long as the statement.
fn statement<'c>(conn: &'c Connection<'_>) -> (StatementImpl<'c>, HStmt) {
    let mut stmt: StatementImpl<'_> = conn.preallocate().unwrap().into_handle();
    let h = raw_stmt(&mut stmt).0;
    (stmt, h)
}

fn ok(ret: SqlReturn, what: &str, stmt: &StatementImpl<'_>) {
    assert!(succeeded(ret), "{what}: {ret:?} {:?}", diagnostics(stmt));
}

/// SQLGetInfoW of a string answer.
fn info_text(hdbc: HDbc, info: u16) -> String {
    let mut buf = [0u16; 256];
    let mut len = 0i16;
    // SAFETY: a connected handle; the buffer's size in bytes is passed.
    let ret = unsafe { SQLGetInfoW(hdbc, info, buf.as_mut_ptr().cast(), 512, &mut len) };
    assert!(succeeded(ret), "SQLGetInfoW({info}): {ret:?}");
    from_wide(&buf[..len as usize / 2])
}

/// SQLGetInfoW of a numeric answer (SQLUSMALLINT or SQLUINTEGER, read as 4 zeroed bytes).
fn info_number(hdbc: HDbc, info: u16) -> u32 {
    let mut value: u32 = 0;
    // SAFETY: a connected handle and a 4-byte cell.
    let ret = unsafe {
        SQLGetInfoW(
            hdbc,
            info,
            (&mut value as *mut u32).cast(),
            4,
            std::ptr::null_mut(),
        )
    };
    assert!(succeeded(ret), "SQLGetInfoW({info}): {ret:?}");
    value
}

/// A text attribute of a result column (SQLColAttributeW).
fn col_text(h: HStmt, column: u16, field: u16) -> String {
    let mut buf = [0u16; 256];
    let mut len = 0i16;
    // SAFETY: a statement with a result; the buffer's size in bytes is passed.
    let ret = unsafe {
        SQLColAttributeW(
            h,
            column,
            field,
            buf.as_mut_ptr().cast(),
            512,
            &mut len,
            std::ptr::null_mut(),
        )
    };
    assert!(
        succeeded(ret),
        "SQLColAttributeW({column}, {field}): {ret:?}"
    );
    from_wide(&buf[..len as usize / 2])
}

/// A numeric attribute of a result column (SQLColAttributeW).
fn col_number(h: HStmt, column: u16, field: u16) -> isize {
    let mut number: isize = 0;
    // SAFETY: a statement with a result and a cell for the numeric answer.
    let ret = unsafe {
        SQLColAttributeW(
            h,
            column,
            field,
            std::ptr::null_mut(),
            0,
            std::ptr::null_mut(),
            &mut number,
        )
    };
    assert!(
        succeeded(ret),
        "SQLColAttributeW({column}, {field}): {ret:?}"
    );
    number
}

/// Every remaining row of `h`, each column read with SQLGetData as SQL_C_WCHAR in one call.
fn fetch_all_wide(h: HStmt) -> Vec<Vec<Option<String>>> {
    let mut columns = 0i16;
    // SAFETY: a statement with a result.
    assert!(succeeded(unsafe { SQLNumResultCols(h, &mut columns) }));
    let mut rows = Vec::new();
    loop {
        // SAFETY: as above.
        let ret = unsafe { SQLFetch(h) };
        if ret == SQL_NO_DATA {
            return rows;
        }
        assert!(succeeded(ret), "SQLFetch: {ret:?}");
        let mut row = Vec::new();
        for column in 1..=columns as u16 {
            let mut buf = vec![0u16; 70_000];
            let mut indicator: isize = 0;
            // SAFETY: the buffer's size in bytes is passed; it outlives the call.
            let ret = unsafe {
                SQLGetData(
                    h,
                    column,
                    SQL_C_WCHAR,
                    buf.as_mut_ptr().cast(),
                    (buf.len() * 2) as isize,
                    &mut indicator,
                )
            };
            assert_eq!(ret, SqlReturn::SUCCESS, "SQLGetData({column})");
            row.push(
                (indicator != SQL_NULL_DATA).then(|| from_wide(&buf[..indicator as usize / 2])),
            );
        }
        rows.push(row);
    }
}

/// SQLGetTypeInfo(SQL_ALL_TYPES): (TYPE_NAME, DATA_TYPE, SEARCHABLE) per row.
fn type_info(conn: &Connection<'_>) -> Vec<(String, i16, i16)> {
    let (stmt, h) = statement(conn);
    // SAFETY: a fresh statement.
    ok(unsafe { SQLGetTypeInfoW(h, 0) }, "SQLGetTypeInfoW", &stmt);
    fetch_all_wide(h)
        .into_iter()
        .map(|r| {
            let number = |i: usize| r[i].as_deref().unwrap().parse::<i16>().unwrap();
            (r[0].clone().unwrap(), number(1), number(8))
        })
        .collect()
}

/// Power BI's recorded sequence against a REST table: the connect-time SQLGetInfoW burst, the
/// navigator's SQLTablesW(…, "TABLE,VIEW"), then per query SQLGetFunctions(SQLFETCHSCROLL),
/// SQL_GETDATA_EXTENSIONS, SQLColAttributeW for each column, SQLGetData of every value, and
/// SQLMoreResults, which must say SQL_NO_DATA.
#[test]
fn power_bi_connects_lists_and_queries_as_recorded() {
    let sb = crate::sandbox::clean();
    let conn = connect_str(&sb.connection_string("pipedrive")).unwrap();
    let type_names = type_info(&conn);
    let mut dbc = connect_str(&sb.connection_string("pipedrive"))
        .unwrap()
        .into_handle();
    let hdbc = dbc.as_sys();

    assert_eq!(info_text(hdbc, 6), "libapiodbc.so", "SQL_DRIVER_NAME");
    assert!(!info_text(hdbc, 17).is_empty(), "SQL_DBMS_NAME");
    assert!(!info_text(hdbc, 18).is_empty(), "SQL_DBMS_VER");
    assert_eq!(info_text(hdbc, 29), "\"", "SQL_IDENTIFIER_QUOTE_CHAR");
    assert_eq!(info_text(hdbc, 14), "\\", "SQL_SEARCH_PATTERN_ESCAPE");
    assert_eq!(info_text(hdbc, 10003), "N", "SQL_CATALOG_NAME: no catalogs");
    info_text(hdbc, 94); // SQL_SPECIAL_CHARACTERS: any answer, but an answer
    for max_len in [30u16, 32, 35] {
        // SQL_MAX_COLUMN_NAME_LEN, SQL_MAX_SCHEMA_NAME_LEN, SQL_MAX_TABLE_NAME_LEN (0: no limit)
        info_number(hdbc, max_len);
    }
    let getdata = info_number(hdbc, 81);
    assert_eq!(
        getdata & 3,
        3,
        "SQL_GD_ANY_COLUMN | SQL_GD_ANY_ORDER: {getdata:#x}"
    );
    let mut scroll = 0u16;
    // SAFETY: a connected handle and a cell for the answer.
    assert!(succeeded(unsafe {
        SQLGetFunctions(hdbc, 1021, &mut scroll)
    }));
    assert_eq!(scroll, 1, "SQLFetchScroll is there");

    // The navigator.
    let listed = tables_of_types(&conn, "TABLE,VIEW");
    let tables: Vec<&str> = listed.iter().map(|(name, _)| name.as_str()).collect();
    for (table, _) in sb.tables("pipedrive") {
        assert!(
            tables.contains(&table.as_str()),
            "the navigator lists {table}"
        );
    }
    assert!(
        listed.iter().all(|(_, kind)| kind == "TABLE"),
        "only tables, no system tables: {listed:?}"
    );

    // A query, and what Power BI asks about its columns.
    let (stmt, h) = statement(&conn);
    let sql = wide("SELECT * FROM pipedrive.deals");
    // SAFETY: a fresh statement; the text's length in characters is passed.
    ok(
        unsafe { SQLExecDirectW(h, sql.as_ptr(), sql.len() as i32) },
        "SQLExecDirectW",
        &stmt,
    );
    let mut columns = 0i16;
    // SAFETY: a statement with a result.
    assert!(succeeded(unsafe { SQLNumResultCols(h, &mut columns) }));
    for column in 1..=columns as u16 {
        let concise = col_number(h, column, SQL_DESC_CONCISE_TYPE) as i16;
        let type_name = col_text(h, column, SQL_DESC_TYPE_NAME);
        let name = col_text(h, column, SQL_DESC_NAME);
        assert!(!name.is_empty(), "column {column} has a name");
        assert!(
            col_number(h, column, SQL_DESC_LENGTH) > 0,
            "{name}: a length"
        );
        assert!(
            col_number(h, column, SQL_DESC_SCALE) >= 0,
            "{name}: a scale"
        );
        assert!(
            matches!(col_number(h, column, SQL_DESC_NULLABLE), 0..=2),
            "{name}: nullability"
        );
        if matches!(concise, -6 | -5 | 2..=8) {
            assert_eq!(
                col_number(h, column, SQL_DESC_UNSIGNED),
                0,
                "{name}: numbers are signed"
            );
        }
        assert!(
            type_names
                .iter()
                .any(|(n, code, _)| n == &type_name && *code == concise),
            "{name}: SQLGetTypeInfo has a row named {type_name} of type {concise}"
        );
    }
    let rows = fetch_all_wide(h);
    assert_eq!(rows.len(), sb.rows("pipedrive", "deals"), "every deal");
    // SAFETY: the statement's result is read to its end.
    assert_eq!(unsafe { SQLMoreResults(h) }, SQL_NO_DATA, "one result set");
    drop(stmt);
    let _ = dbc.disconnect();
}

/// A literal of each SQL type the driver lists, for the searchability checks.
fn literal_of(data_type: i16, type_name: &str) -> String {
    let text = match data_type {
        -10 | -9 | 12 | -1 => "'abc'",
        -7 => "'true'",
        -4..=-2 => "'ab'",
        91 => "'2024-05-01'",
        92 => "'10:30:00'",
        93 => "'2024-05-01 10:30:00'",
        _ => "'7'",
    };
    format!("CAST({text} AS {type_name})")
}

/// Every SQLGetTypeInfo row is searchable, and what it claims holds: a value of the type can be
/// compared (SQL_ALL_EXCEPT_LIKE, 2) and, where SEARCHABLE is SQL_SEARCHABLE (3), matched with
/// LIKE; a result column of the type reports the row's TYPE_NAME and DATA_TYPE exactly.
#[test]
fn every_listed_type_is_searchable_as_claimed_and_named_alike() {
    let conn = connect();
    let types = type_info(&conn);
    assert!(!types.is_empty());
    for (type_name, data_type, searchable) in &types {
        assert!(
            *searchable == 2 || *searchable == 3,
            "{type_name} ({data_type}): SEARCHABLE {searchable}; Power BI folds only searchable types"
        );
        if matches!(data_type, -9 | -10 | 12 | -1) {
            assert_eq!(*searchable, 3, "{type_name}: text takes LIKE");
        }
        let value = literal_of(*data_type, type_name);
        let compared =
            format!("SELECT COUNT(*) FROM (SELECT {value} AS v) t WHERE v = v AND v >= v");
        assert_eq!(
            scalar_text(&conn, &compared).as_deref(),
            Some("1"),
            "{type_name} compares: {compared}"
        );
        if *searchable == 3 {
            let liked = format!("SELECT COUNT(*) FROM (SELECT {value} AS v) t WHERE v LIKE '%'");
            assert_eq!(
                scalar_text(&conn, &liked).as_deref(),
                Some("1"),
                "{type_name} takes LIKE: {liked}"
            );
        }
        // The type, as a result column: its name and code are the row's.
        let (stmt, h) = statement(&conn);
        let sql = wide(&format!("SELECT {value} AS v"));
        // SAFETY: a fresh statement; the text's length in characters is passed.
        ok(
            unsafe { SQLExecDirectW(h, sql.as_ptr(), sql.len() as i32) },
            "SQLExecDirectW",
            &stmt,
        );
        let concise = col_number(h, 1, SQL_DESC_CONCISE_TYPE) as i16;
        let shown = col_text(h, 1, SQL_DESC_TYPE_NAME);
        assert!(
            types
                .iter()
                .any(|(n, code, _)| *n == shown && *code == concise),
            "CAST(… AS {type_name}) is {shown} ({concise}), which SQLGetTypeInfo lists"
        );
    }
}

/// Power BI DirectQuery binds text parameters as SQL_C_WCHAR against markers it describes as
/// SQL_VARCHAR: the driver reads the value by its C type (UTF-16), so non-ASCII text and
/// characters outside the BMP match rather than silently matching nothing.
#[test]
fn wide_parameters_bound_to_varchar_markers_are_read_as_utf16() {
    let conn = connect();
    for text in ["plain", "Zoë Ångström", "𝄞 clef", ""] {
        let (stmt, h) = statement(&conn);
        let sql = wide("SELECT ? AS v, CASE WHEN ? = 'Zoë Ångström' THEN 1 ELSE 0 END AS same");
        let value = wide(text);
        let mut len = (value.len() * 2) as isize;
        let mut len2 = len;
        // SAFETY: the parameter buffers outlive SQLExecute; lengths are in bytes.
        unsafe {
            ok(
                SQLPrepareW(h, sql.as_ptr(), sql.len() as i32),
                "SQLPrepareW",
                &stmt,
            );
            for (number, len) in [(1u16, &mut len), (2, &mut len2)] {
                let ret = SQLBindParameter(
                    h,
                    number,
                    SQL_PARAM_INPUT,
                    SQL_C_WCHAR,
                    SQL_VARCHAR,
                    50,
                    0,
                    value.as_ptr() as Pointer,
                    (value.len() * 2) as isize,
                    len,
                );
                ok(ret, "SQLBindParameter", &stmt);
            }
            ok(SQLExecute(h), "SQLExecute", &stmt);
        }
        let rows = fetch_all_wide(h);
        let same = if text == "Zoë Ångström" { "1" } else { "0" };
        assert_eq!(
            rows,
            [[Some(text.to_string()), Some(same.to_string())]],
            "{text:?} arrives as sent"
        );
    }
}

/// The escapes Power BI's and Tableau's generic ODBC dialects emit, with their ODBC meaning.
#[test]
fn escapes_bi_tools_emit_mean_what_odbc_says() {
    let conn = connect();
    for (sql, want) in [
        ("{fn LOCATE('b', 'abcb')}", "2"),
        ("{fn LOCATE('b', 'abcb', 3)}", "4"),
        ("{fn LENGTH('abc  ')}", "3"),
        ("{fn LEFT('abcdef', 2)}", "ab"),
        ("{fn RIGHT('abcdef', 2)}", "ef"),
        ("{fn SUBSTRING('abcdef', 2, 3)}", "bcd"),
        ("{fn LCASE('AbC')}", "abc"),
        ("{fn UCASE('AbC')}", "ABC"),
        ("{fn CONCAT('a', 'b')}", "ab"),
        ("{fn IFNULL(NULL, 5)}", "5"),
        ("{fn CONVERT(42, SQL_VARCHAR)}", "42"),
        ("{fn YEAR({d '2024-05-01'})}", "2024"),
        ("{fn QUARTER({d '2024-05-01'})}", "2"),
        ("{fn DAYOFWEEK({d '2024-01-07'})}", "1"),
        (
            "{fn TIMESTAMPADD(SQL_TSI_DAY, 1, {ts '2024-01-31 00:00:00'})}",
            "2024-02-01 00:00:00",
        ),
        (
            "{fn TIMESTAMPDIFF(SQL_TSI_DAY, {d '2024-01-01'}, {d '2024-03-01'})}",
            "60",
        ),
    ] {
        assert_eq!(
            scalar_text(&conn, &format!("SELECT {sql} AS v")).as_deref(),
            Some(want),
            "{sql}"
        );
    }
}

/// Tableau's probes: LIMIT and `WHERE 1=0` give the columns and no rows; `SELECT TOP` and a
/// temporary table are refused with a SQLSTATE and a message that says what to write instead.
#[test]
fn tableau_probes_get_rows_or_clean_refusals() {
    let conn = connect();
    for sql in [
        "SELECT TableName FROM sys.sys_tables LIMIT 0",
        "SELECT TableName FROM sys.sys_tables WHERE 1 = 0",
    ] {
        let mut cursor = conn.execute(sql, (), None).unwrap().expect("a result");
        assert_eq!(rows_as_text(&mut cursor).len(), 0, "{sql}");
    }
    assert_eq!(
        query_text(
            &conn,
            "SELECT TableName FROM sys.sys_tables ORDER BY 1 LIMIT 2"
        )
        .len(),
        2
    );
    let top = conn
        .execute("SELECT TOP 1 TableName FROM sys.sys_tables", (), None)
        .must_fail("TOP");
    assert_eq!(sqlstate(&top), "HYC00");
    assert!(message(&top).contains("LIMIT n"), "{}", message(&top));
    for sql in [
        "CREATE TEMPORARY TABLE t (a INT)",
        "CREATE LOCAL TEMPORARY TABLE \"#Tableau_1\" (a INT)",
    ] {
        let error = conn.execute(sql, (), None).must_fail(sql);
        assert_eq!(sqlstate(&error), "42000", "{sql}: {}", message(&error));
        assert!(
            message(&error).contains("not possible on an API's tables"),
            "{}",
            message(&error)
        );
    }
}

/// Each capability docs/tableau/apiodbc.tdc sets: its value, the statement it stands for, and
/// whether the driver runs that statement. A capability the file sets but this table lacks fails
/// the test, so the file never claims what nothing checks.
const TABLEAU_PROBES: &[(&str, &str, &str, bool)] = &[
    ("CAP_QUERY_TOP_N", "yes", "SELECT TableName FROM sys.sys_tables LIMIT 1", true),
    ("CAP_QUERY_TOPSTYLE_LIMIT", "yes", "SELECT TableName FROM sys.sys_tables LIMIT 1", true),
    ("CAP_QUERY_TOPSTYLE_TOP", "no", "SELECT TOP 1 TableName FROM sys.sys_tables", false),
    (
        "CAP_QUERY_TOPSTYLE_ROWNUM",
        "no",
        "SELECT TableName FROM sys.sys_tables WHERE ROWNUM <= 1",
        false,
    ),
    ("CAP_QUERY_TOP_0", "no", "SELECT TOP 0 TableName FROM sys.sys_tables", false),
    (
        "CAP_QUERY_WHERE_FALSE_METADATA",
        "yes",
        "SELECT TableName FROM sys.sys_tables WHERE 1 = 0",
        true,
    ),
    (
        "CAP_QUERY_SUBQUERIES",
        "yes",
        "SELECT t.n FROM (SELECT TableName AS n FROM sys.sys_tables) t",
        true,
    ),
    (
        "CAP_QUERY_SUBQUERIES_WITH_TOP",
        "yes",
        "SELECT t.n FROM (SELECT TableName AS n FROM sys.sys_tables LIMIT 2) t",
        true,
    ),
    (
        "CAP_QUERY_SUBQUERY_QUERY_CONTEXT",
        "yes",
        "SELECT TableName FROM sys.sys_tables WHERE TableName IN (SELECT TableName FROM sys.sys_tablecolumns)",
        true,
    ),
    (
        "CAP_QUERY_JOIN_ACROSS_SCHEMAS",
        "yes",
        "SELECT a.TableName FROM sys.sys_tables a JOIN sys.sys_tablecolumns b ON a.TableName = b.TableName",
        true,
    ),
    (
        "CAP_QUERY_GROUP_BY_ALIAS",
        "yes",
        "SELECT TableType AS k, COUNT(*) AS n FROM sys.sys_tables GROUP BY k",
        true,
    ),
    (
        "CAP_QUERY_GROUP_BY_DEGREE",
        "yes",
        "SELECT TableType, COUNT(*) AS n FROM sys.sys_tables GROUP BY 1",
        true,
    ),
    (
        "CAP_QUERY_SORT_BY_DEGREE",
        "yes",
        "SELECT TableName FROM sys.sys_tables ORDER BY 1",
        true,
    ),
    (
        "CAP_QUERY_GROUP_BY_BOOL",
        "yes",
        "SELECT IsKey, COUNT(*) AS n FROM sys.sys_tablecolumns GROUP BY IsKey",
        true,
    ),
    // `no`: a boolean column is a condition as it is; it needs no turning into an integer.
    (
        "CAP_QUERY_BOOLEXPR_TO_INTEXPR",
        "no",
        "SELECT ColumnName FROM sys.sys_tablecolumns WHERE IsKey",
        true,
    ),
    // `no`: HAVING works without GROUP BY.
    (
        "CAP_QUERY_HAVING_REQUIRES_GROUP_BY",
        "no",
        "SELECT COUNT(*) FROM sys.sys_tables HAVING COUNT(*) > 0",
        true,
    ),
    (
        "CAP_CREATE_TEMP_TABLES",
        "no",
        "CREATE LOCAL TEMPORARY TABLE \"#Tableau_1\" (a INT)",
        false,
    ),
    (
        "CAP_SELECT_INTO",
        "no",
        "SELECT TableName INTO \"#Tableau_2\" FROM sys.sys_tables",
        false,
    ),
    (
        "CAP_SELECT_TOP_INTO",
        "no",
        "SELECT TableName INTO \"#Tableau_3\" FROM sys.sys_tables LIMIT 1",
        false,
    ),
];

/// Capabilities that say how Tableau drives the connection rather than which SQL works, and what
/// backs each.
const TABLEAU_SETTINGS: &[(&str, &str)] = &[
    (
        "CAP_FAST_METADATA",
        "SQLTables lists everything at once (the Power BI test)",
    ),
    (
        "CAP_SUPPRESS_TEMP_TABLE_CHECKS",
        "CAP_CREATE_TEMP_TABLES is no",
    ),
    (
        "CAP_ODBC_TRANSACTIONS_SUPPRESS_EXPLICIT_COMMIT",
        "no transactions (autocommit only); SQLEndTran does nothing",
    ),
    (
        "CAP_ODBC_CURSOR_FORWARD_ONLY",
        "forward-only is the streaming cursor",
    ),
    ("CAP_ODBC_SUPPRESS_CATALOG_NAME", "SQL_CATALOG_NAME is N"),
];

/// docs/tableau/apiodbc.tdc names the driver as Tableau matches it, and every capability it sets
/// holds: the statements it promises run, the ones it rules out are refused.
#[test]
fn the_tableau_customization_claims_only_what_holds() {
    let tdc = include_str!("../../docs/tableau/apiodbc.tdc");
    let attribute = |tag: &str| {
        let start = tdc.find(&format!("<{tag} name='")).expect(tag) + tag.len() + 8;
        tdc[start..start + tdc[start..].find('\'').unwrap()].to_string()
    };
    let mut dbc = connect().into_handle();
    assert_eq!(
        attribute("vendor"),
        info_text(dbc.as_sys(), 17),
        "vendor is SQL_DBMS_NAME"
    );
    let _ = dbc.disconnect();
    assert_eq!(
        attribute("driver"),
        "apiodbc",
        "driver is the odbcinst.ini name"
    );

    let conn = connect();
    let mut seen = 0;
    for line in tdc.lines().filter(|l| l.contains("<customization name='")) {
        let mut parts = line.split('\'');
        let (name, value) = (parts.nth(1).unwrap(), parts.nth(1).unwrap());
        seen += 1;
        if TABLEAU_SETTINGS.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let (_, want, sql, runs) = TABLEAU_PROBES
            .iter()
            .find(|(n, ..)| *n == name)
            .unwrap_or_else(|| panic!("{name} is set but no probe checks it"));
        assert_eq!(value, *want, "{name}");
        let ran = conn.execute(sql, (), None).map(|_| ());
        assert_eq!(ran.is_ok(), *runs, "{name}={value}: {sql}: {ran:?}");
    }
    assert_eq!(
        seen,
        TABLEAU_PROBES.len() + TABLEAU_SETTINGS.len(),
        "every capability is checked"
    );
}

/// SQLTablesW with only a table-type list, as navigators call it.
fn tables_of_types(conn: &Connection<'_>, types: &str) -> Vec<(String, String)> {
    let (stmt, h) = statement(conn);
    let types = wide(types);
    // SAFETY: null catalog, schema and table (any), a wide list of types.
    let ret = unsafe {
        SQLTablesW(
            h,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            types.as_ptr(),
            types.len() as i16,
        )
    };
    ok(ret, "SQLTablesW", &stmt);
    fetch_all_wide(h)
        .into_iter()
        .map(|r| (r[2].clone().unwrap(), r[3].clone().unwrap()))
        .collect()
}

/// Excel and MS Query quote each table type (`'TABLE','VIEW'`, as the specification allows);
/// the lists mean the same quoted or not.
#[test]
fn quoted_and_bare_table_type_lists_mean_the_same() {
    let sb = crate::sandbox::clean();
    let conn = connect_str(&sb.connection_string("pipedrive")).unwrap();
    let bare = tables_of_types(&conn, "TABLE,VIEW");
    assert!(!bare.is_empty());
    assert_eq!(tables_of_types(&conn, "'TABLE','VIEW'"), bare);
    let system = tables_of_types(&conn, "'SYSTEM TABLE'");
    assert!(!system.is_empty() && system.iter().all(|(_, t)| t == "SYSTEM TABLE"));
    assert_eq!(tables_of_types(&conn, "SYSTEM TABLE"), system);
    let all = tables_of_types(&conn, "'TABLE','VIEW','SYSTEM TABLE'");
    assert_eq!(all.len(), bare.len() + system.len());
}
