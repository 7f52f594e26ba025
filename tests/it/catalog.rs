//! Catalog functions: SQLTables (with patterns and the SQL_ALL_CATALOGS / SQL_ALL_SCHEMAS /
//! SQL_ALL_TABLE_TYPES enumerations), SQLColumns, SQLPrimaryKeys, SQLForeignKeys through odbc-api;
//! SQLProcedures, SQLProcedureColumns, SQLStatistics, SQLSpecialColumns and SQLGetTypeInfo through
//! the raw C API, since odbc-api does not wrap them. Each result set has the spec's columns in the
//! spec's order and tells the same story as the `sys` schema.

use odbc_api::handles::StatementImpl;
use odbc_api::sys::{HStmt, SqlDataType, SqlReturn};
use odbc_api::{Connection, Cursor, CursorImpl, ResultSetMetadata};

use crate::harness::*;

const SYSTEM_TABLES: [&str; 7] = [
    "sys_connection_props",
    "sys_procedureparameters",
    "sys_procedures",
    "sys_requests",
    "sys_tablecolumns",
    "sys_tables",
    "sys_writes",
];

// The catalog functions odbc-sys does not declare; libodbc (linked through odbc-sys) exports them.
extern "C" {
    fn SQLProcedures(
        stmt: HStmt,
        catalog: *const u8,
        catalog_len: i16,
        schema: *const u8,
        schema_len: i16,
        procedure: *const u8,
        procedure_len: i16,
    ) -> SqlReturn;
    fn SQLProcedureColumns(
        stmt: HStmt,
        catalog: *const u8,
        catalog_len: i16,
        schema: *const u8,
        schema_len: i16,
        procedure: *const u8,
        procedure_len: i16,
        column: *const u8,
        column_len: i16,
    ) -> SqlReturn;
    fn SQLStatistics(
        stmt: HStmt,
        catalog: *const u8,
        catalog_len: i16,
        schema: *const u8,
        schema_len: i16,
        table: *const u8,
        table_len: i16,
        unique: u16,
        reserved: u16,
    ) -> SqlReturn;
    fn SQLSpecialColumns(
        stmt: HStmt,
        identifier_type: u16,
        catalog: *const u8,
        catalog_len: i16,
        schema: *const u8,
        schema_len: i16,
        table: *const u8,
        table_len: i16,
        scope: u16,
        nullable: u16,
    ) -> SqlReturn;
}

/// A catalog function's result: column names and rows as text.
struct Listing {
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

impl Listing {
    fn of(mut cursor: impl Cursor) -> Listing {
        let columns = cursor.column_names().unwrap().map(Result::unwrap).collect();
        let rows = rows_as_text(&mut cursor);
        Listing { columns, rows }
    }

    fn column(&self, name: &str) -> Vec<Option<String>> {
        let i = self
            .columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.columns));
        self.rows.iter().map(|r| r[i].clone()).collect()
    }

    fn texts(&self, name: &str) -> Vec<String> {
        self.column(name).into_iter().flatten().collect()
    }

    fn upper_columns(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }
}

/// Runs a raw catalog call on a fresh statement of `conn` and lists its result set.
fn raw_listing(conn: &Connection<'_>, call: impl FnOnce(HStmt) -> SqlReturn) -> Listing {
    let mut stmt: StatementImpl<'_> = conn.preallocate().unwrap().into_handle();
    let hstmt = raw_stmt(&mut stmt).0;
    let ret = call(hstmt);
    assert!(
        succeeded(ret),
        "catalog call returned {ret:?}: {:?}",
        diagnostics(&stmt)
    );
    // SAFETY: the statement holds the open result set the call just produced.
    let cursor = unsafe { CursorImpl::new(stmt) };
    Listing::of(cursor)
}

/// `Some(text)` as (pointer, length) for the raw calls; `None` is a null pointer.
fn arg(text: Option<&str>) -> (*const u8, i16) {
    match text {
        Some(t) => (t.as_ptr(), t.len() as i16),
        None => (std::ptr::null(), 0),
    }
}

/// SQLTables with real (possibly empty) strings for all four arguments. odbc-api passes an empty
/// `&str` as a NULL pointer, which means "any" rather than the empty string the enumerations
/// (SQL_ALL_CATALOGS, SQL_ALL_SCHEMAS, SQL_ALL_TABLE_TYPES) are defined with.
fn raw_tables(conn: &Connection<'_>, args: [&str; 4]) -> Listing {
    let owned: Vec<std::ffi::CString> = args
        .iter()
        .map(|a| std::ffi::CString::new(*a).unwrap())
        .collect();
    let p = |i: usize| owned[i].as_ptr().cast::<u8>();
    let l = |i: usize| args[i].len() as i16;
    raw_listing(conn, |h| unsafe {
        odbc_api::sys::SQLTables(h, p(0), l(0), p(1), l(1), p(2), l(2), p(3), l(3))
    })
}

/// SQLTables through odbc-api (empty arguments become NULL pointers).
fn tables(conn: &Connection<'_>, cat: &str, schema: &str, table: &str, kind: &str) -> Listing {
    let mut stmt = conn.preallocate().unwrap();
    let cursor = stmt.tables_cursor(cat, schema, table, kind).unwrap();
    Listing::of(cursor)
}

#[test]
fn tables_lists_the_system_tables_with_the_spec_columns() {
    let conn = connect();
    let listing = tables(&conn, "", "", "", "");
    assert_eq!(
        listing.upper_columns(),
        [
            "TABLE_CAT",
            "TABLE_SCHEM",
            "TABLE_NAME",
            "TABLE_TYPE",
            "REMARKS"
        ]
    );
    let sys: Vec<String> = listing
        .rows
        .iter()
        .filter(|r| r[1].as_deref() == Some("sys"))
        .map(|r| r[2].clone().unwrap())
        .collect();
    for name in SYSTEM_TABLES {
        assert!(sys.iter().any(|t| t == name), "{name} missing from {sys:?}");
    }
    // The typed odbc-api iterator agrees.
    let typed: Vec<String> = conn
        .tables("", "sys", "", "")
        .unwrap()
        .map(|row| row.unwrap().table.as_str().unwrap().unwrap().to_string())
        .collect();
    assert_eq!(typed.len(), SYSTEM_TABLES.len(), "{typed:?}");
}

#[test]
fn tables_with_exact_names_and_patterns() {
    let conn = connect();
    let exact = tables(&conn, "", "sys", "sys_tables", "");
    assert_eq!(exact.texts("TABLE_NAME"), ["sys_tables"]);
    assert_eq!(exact.texts("TABLE_SCHEM"), ["sys"]);

    let mut pattern = tables(&conn, "", "sys", "sys_proc%", "").texts("TABLE_NAME");
    pattern.sort();
    assert_eq!(pattern, ["sys_procedureparameters", "sys_procedures"]);

    // `_` matches one character.
    let one = tables(&conn, "", "s_s", "sys_table_", "").texts("TABLE_NAME");
    assert_eq!(one, ["sys_tables"]);

    assert!(tables(&conn, "", "sys", "no_such_%", "").rows.is_empty());
}

#[test]
fn tables_filtered_by_type() {
    let conn = connect();
    let system = tables(&conn, "", "sys", "%", "'SYSTEM TABLE'");
    assert_eq!(system.rows.len(), SYSTEM_TABLES.len());
    assert!(system
        .texts("TABLE_TYPE")
        .iter()
        .all(|t| t == "SYSTEM TABLE"));
    assert!(tables(&conn, "", "sys", "%", "VIEW").rows.is_empty());
}

#[test]
fn sql_all_schemas_enumerates_the_schemas() {
    let conn = connect();
    let listing = raw_tables(&conn, ["", "%", "", ""]);
    let schemas = listing.texts("TABLE_SCHEM");
    assert!(schemas.iter().any(|s| s == "sys"), "{schemas:?}");
    let mut unique = schemas.clone();
    unique.dedup();
    assert_eq!(unique.len(), schemas.len(), "each schema once: {schemas:?}");
    assert!(listing.column("TABLE_NAME").iter().all(Option::is_none));
}

#[test]
fn sql_all_catalogs_enumerates_the_catalogs() {
    let conn = connect();
    let listing = raw_tables(&conn, ["%", "", "", ""]);
    assert_eq!(listing.columns.len(), 5);
    // apiodbc has no catalogs (TABLE_CAT is NULL everywhere), so the list may be empty.
    assert!(listing.column("TABLE_CAT").iter().all(Option::is_some));
    assert!(listing.column("TABLE_SCHEM").iter().all(Option::is_none));
    assert!(listing.column("TABLE_NAME").iter().all(Option::is_none));
}

#[test]
fn sql_all_table_types_enumerates_the_types() {
    let conn = connect();
    let listing = raw_tables(&conn, ["", "", "", "%"]);
    let types = listing.texts("TABLE_TYPE");
    for expected in ["SYSTEM TABLE", "TABLE", "VIEW"] {
        assert!(
            types.iter().any(|t| t == expected),
            "{expected} missing: {types:?}"
        );
    }
    let mut unique = types.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), types.len(), "{types:?}");
}

#[test]
fn null_arguments_match_everything() {
    // NULL for catalog, table and type, "%" for the schema: all tables, not the schema list.
    let conn = connect();
    let listing = tables(&conn, "", "%", "", "");
    assert!(listing.rows.len() >= SYSTEM_TABLES.len());
    assert!(listing.column("TABLE_NAME").iter().all(Option::is_some));
}

#[test]
fn columns_of_sys_tables() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    let listing = Listing::of(stmt.columns_cursor("", "sys", "sys_tables", "").unwrap());
    assert_eq!(
        listing.upper_columns()[..18],
        [
            "TABLE_CAT",
            "TABLE_SCHEM",
            "TABLE_NAME",
            "COLUMN_NAME",
            "DATA_TYPE",
            "TYPE_NAME",
            "COLUMN_SIZE",
            "BUFFER_LENGTH",
            "DECIMAL_DIGITS",
            "NUM_PREC_RADIX",
            "NULLABLE",
            "REMARKS",
            "COLUMN_DEF",
            "SQL_DATA_TYPE",
            "SQL_DATETIME_SUB",
            "CHAR_OCTET_LENGTH",
            "ORDINAL_POSITION",
            "IS_NULLABLE",
        ]
    );
    assert!(!listing.rows.is_empty());
    assert!(listing
        .texts("TABLE_NAME")
        .iter()
        .all(|t| t == "sys_tables"));
    let positions: Vec<i64> = listing
        .texts("ORDINAL_POSITION")
        .iter()
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(positions, (1..=positions.len() as i64).collect::<Vec<_>>());
    for row in 0..listing.rows.len() {
        let data_type: i64 = listing.column("DATA_TYPE")[row]
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        assert_ne!(data_type, 0);
        assert!(!listing.column("TYPE_NAME")[row]
            .as_deref()
            .unwrap()
            .is_empty());
        let size: i64 = listing.column("COLUMN_SIZE")[row]
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        assert!(size > 0, "COLUMN_SIZE of row {row}");
    }

    // The column list matches what a query returns.
    let mut cursor = conn
        .execute("SELECT * FROM sys.sys_tables", (), None)
        .unwrap()
        .unwrap();
    let queried: Vec<String> = cursor.column_names().unwrap().map(Result::unwrap).collect();
    assert_eq!(listing.texts("COLUMN_NAME"), queried);

    // The typed odbc-api rows agree.
    let typed: Vec<i16> = conn
        .columns("", "sys", "sys_tables", "")
        .unwrap()
        .map(|row| row.unwrap().data_type)
        .collect();
    assert_eq!(typed.len(), queried.len());
}

#[test]
fn columns_with_a_column_pattern() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    let listing = Listing::of(
        stmt.columns_cursor("", "sys", "sys_%", "TableName")
            .unwrap(),
    );
    let mut tables = listing.texts("TABLE_NAME");
    tables.sort();
    assert!(tables.contains(&"sys_tables".to_string()), "{tables:?}");
    assert!(listing
        .texts("COLUMN_NAME")
        .iter()
        .all(|c| c == "TableName"));
}

#[test]
fn primary_keys_of_a_system_table() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    let listing = Listing::of(
        stmt.primary_keys_cursor(None, Some("sys"), "sys_tables")
            .unwrap(),
    );
    assert_eq!(
        listing.upper_columns(),
        [
            "TABLE_CAT",
            "TABLE_SCHEM",
            "TABLE_NAME",
            "COLUMN_NAME",
            "KEY_SEQ",
            "PK_NAME"
        ]
    );
    // Whatever keys are listed belong to the table asked for.
    assert!(listing
        .texts("TABLE_NAME")
        .iter()
        .all(|t| t == "sys_tables"));
}

#[test]
fn foreign_keys_is_empty_with_the_spec_columns() {
    let conn = connect();
    let mut stmt = conn.preallocate().unwrap();
    let listing = Listing::of(
        stmt.foreign_keys_cursor("", "sys", "sys_tables", "", "", "")
            .unwrap(),
    );
    assert_eq!(listing.columns.len(), 14, "{:?}", listing.columns);
    assert_eq!(
        listing.upper_columns()[..4],
        [
            "PKTABLE_CAT",
            "PKTABLE_SCHEM",
            "PKTABLE_NAME",
            "PKCOLUMN_NAME"
        ]
    );
    assert_eq!(listing.upper_columns()[8..9], ["KEY_SEQ"]);
    assert!(listing.rows.is_empty());
}

#[test]
fn procedures_has_the_eight_columns_and_agrees_with_sys_procedures() {
    let conn = connect();
    let (schema, schema_len) = arg(None);
    let (name, name_len) = arg(Some("%"));
    let listing = raw_listing(&conn, |h| unsafe {
        SQLProcedures(h, std::ptr::null(), 0, schema, schema_len, name, name_len)
    });
    assert_eq!(
        listing.upper_columns(),
        [
            "PROCEDURE_CAT",
            "PROCEDURE_SCHEM",
            "PROCEDURE_NAME",
            "NUM_INPUT_PARAMS",
            "NUM_OUTPUT_PARAMS",
            "NUM_RESULT_SETS",
            "REMARKS",
            "PROCEDURE_TYPE",
        ]
    );
    let in_sys = scalar_text(&conn, "SELECT count(*) FROM sys.sys_procedures").unwrap();
    assert_eq!(listing.rows.len().to_string(), in_sys);
}

#[test]
fn procedure_columns_has_the_nineteen_columns() {
    let conn = connect();
    let (all, all_len) = arg(Some("%"));
    let listing = raw_listing(&conn, |h| unsafe {
        SQLProcedureColumns(
            h,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            all,
            all_len,
            all,
            all_len,
        )
    });
    assert_eq!(listing.columns.len(), 19, "{:?}", listing.columns);
    assert_eq!(
        listing.upper_columns()[..4],
        [
            "PROCEDURE_CAT",
            "PROCEDURE_SCHEM",
            "PROCEDURE_NAME",
            "COLUMN_NAME"
        ]
    );
    let in_sys = scalar_text(&conn, "SELECT count(*) FROM sys.sys_procedureparameters").unwrap();
    assert!(listing.rows.len() >= in_sys.parse::<usize>().unwrap());
}

#[test]
fn statistics_and_special_columns_have_the_spec_columns() {
    let conn = connect();
    let (schema, schema_len) = arg(Some("sys"));
    let (table, table_len) = arg(Some("sys_tables"));
    const SQL_INDEX_ALL: u16 = 1;
    const SQL_QUICK: u16 = 0;
    let stats = raw_listing(&conn, |h| unsafe {
        SQLStatistics(
            h,
            std::ptr::null(),
            0,
            schema,
            schema_len,
            table,
            table_len,
            SQL_INDEX_ALL,
            SQL_QUICK,
        )
    });
    assert_eq!(stats.columns.len(), 13, "{:?}", stats.columns);
    assert_eq!(
        stats.upper_columns()[..3],
        ["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME"]
    );

    const SQL_BEST_ROWID: u16 = 1;
    const SQL_SCOPE_SESSION: u16 = 2;
    const SQL_NULLABLE: u16 = 1;
    let special = raw_listing(&conn, |h| unsafe {
        SQLSpecialColumns(
            h,
            SQL_BEST_ROWID,
            std::ptr::null(),
            0,
            schema,
            schema_len,
            table,
            table_len,
            SQL_SCOPE_SESSION,
            SQL_NULLABLE,
        )
    });
    assert_eq!(
        special.upper_columns(),
        [
            "SCOPE",
            "COLUMN_NAME",
            "DATA_TYPE",
            "TYPE_NAME",
            "COLUMN_SIZE",
            "BUFFER_LENGTH",
            "DECIMAL_DIGITS",
            "PSEUDO_COLUMN"
        ]
    );
}

#[test]
fn get_type_info_lists_every_type_ordered_by_data_type() {
    let conn = connect();
    let listing = raw_listing(&conn, |h| unsafe {
        odbc_api::sys::SQLGetTypeInfo(h, SqlDataType::UNKNOWN_TYPE)
    });
    assert_eq!(listing.columns.len(), 19, "{:?}", listing.columns);
    assert_eq!(
        listing.upper_columns()[..3],
        ["TYPE_NAME", "DATA_TYPE", "COLUMN_SIZE"]
    );
    let types: Vec<i16> = listing
        .texts("DATA_TYPE")
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    let mut sorted = types.clone();
    sorted.sort();
    assert_eq!(types, sorted, "ordered by DATA_TYPE");
    for expected in [
        SqlDataType::EXT_W_VARCHAR,
        SqlDataType::EXT_BIG_INT,
        SqlDataType::INTEGER,
        SqlDataType::DOUBLE,
        SqlDataType::DECIMAL,
        SqlDataType::EXT_BIT,
        SqlDataType::DATE,
        SqlDataType::TIMESTAMP,
    ] {
        assert!(
            types.contains(&expected.0),
            "{expected:?} missing from {types:?}"
        );
    }
}

#[test]
fn get_type_info_for_one_type() {
    let conn = connect();
    let listing = raw_listing(&conn, |h| unsafe {
        odbc_api::sys::SQLGetTypeInfo(h, SqlDataType::EXT_W_VARCHAR)
    });
    assert!(!listing.rows.is_empty());
    assert!(listing
        .texts("DATA_TYPE")
        .iter()
        .all(|t| t == &SqlDataType::EXT_W_VARCHAR.0.to_string()));
}

/// SQLColumns, the `sys` tables and SQLGetTypeInfo name every column's type the same way, for
/// every table of every service (DECIMAL's parameters are spelled out only in the sys table).
#[test]
fn every_listing_names_a_columns_type_alike() {
    let sb = crate::sandbox::clean();
    let type_names = raw_listing(&connect(), |h| unsafe {
        odbc_api::sys::SQLGetTypeInfo(h, SqlDataType::UNKNOWN_TYPE)
    })
    .texts("TYPE_NAME");
    for service in sb.services() {
        let conn = connect_str(&sb.connection_string(&service)).unwrap_or_else(|e| panic!("{e}"));
        let mut stmt = conn.preallocate().unwrap();
        let listing = Listing::of(stmt.columns_cursor("", "%", "%", "%").unwrap());
        let sys = query_text(
            &conn,
            "SELECT SchemaName, TableName, ColumnName, DataTypeName FROM sys.sys_tablecolumns",
        );
        assert_eq!(listing.rows.len(), sys.len(), "{service}");
        for row in 0..listing.rows.len() {
            let at = |name: &str| listing.column(name)[row].clone().unwrap_or_default();
            let (schema, table, column) = (at("TABLE_SCHEM"), at("TABLE_NAME"), at("COLUMN_NAME"));
            let type_name = at("TYPE_NAME");
            let shown = sys
                .iter()
                .find(|r| {
                    r[0].as_deref() == Some(schema.as_str())
                        && r[1].as_deref() == Some(table.as_str())
                        && r[2].as_deref() == Some(column.as_str())
                })
                .and_then(|r| r[3].clone())
                .unwrap_or_else(|| panic!("{schema}.{table}.{column} is not in sys_tablecolumns"));
            let base = shown.split('(').next().unwrap_or_default();
            assert_eq!(base, type_name, "{schema}.{table}.{column}");
            assert!(
                type_names.contains(&type_name),
                "{schema}.{table}.{column}: {type_name} is not a type SQLGetTypeInfo lists"
            );
        }
    }
}
