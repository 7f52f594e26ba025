//! Queries as an application sees them: computed values, wide text outside the BMP, NULLs, the
//! engine's types through odbc-api's typed buffers and as text, result metadata after SQLPrepare
//! and before execution, and the SQLSTATEs of failing statements.

use odbc_api::buffers::{BufferDesc, ColumnarDynBuffer};
use odbc_api::sys::{Date, Timestamp};
use odbc_api::{Bit, ColumnDescription, Cursor, DataType, Nullability, ResultSetMetadata};

use crate::harness::*;

/// One row of every scalar type the engine produces, with a NULL at the end.
const TYPED_ROW: &str =
    "SELECT CAST(9007199254740993 AS BIGINT) AS big, CAST(1.5 AS DOUBLE) AS dbl, \
     CAST(12.34 AS DECIMAL(10,2)) AS dec, DATE '2024-02-29' AS day, \
     TIMESTAMP '2024-02-29 13:14:15.123' AS ts, true AS flag, 'text' AS txt, \
     CAST(NULL AS BIGINT) AS missing";

#[test]
fn select_one() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT 1", (), None)
        .unwrap()
        .expect("a result set");
    let mut value: i64 = 0;
    {
        let mut row = cursor.next_row().unwrap().expect("one row");
        row.get_data(1, &mut value).unwrap();
    }
    assert_eq!(value, 1);
    assert!(cursor.next_row().unwrap().is_none(), "exactly one row");
}

#[test]
fn non_bmp_text_round_trips_as_wide_text() {
    let conn = connect();
    let sql = format!("SELECT '{UNICODE_TEXT}' AS t, character_length('{UNICODE_TEXT}') AS n");
    let mut cursor = conn.execute(&sql, (), None).unwrap().unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut wide = Vec::new();
    assert!(row.get_wide_text(1, &mut wide).unwrap());
    assert_eq!(String::from_utf16(&wide).unwrap(), UNICODE_TEXT);
    let expected_utf16: Vec<u16> = UNICODE_TEXT.encode_utf16().collect();
    assert_eq!(wide, expected_utf16, "surrogate pairs intact");
    // Length is counted in characters, not UTF-16 units or bytes.
    let mut n: i64 = 0;
    row.get_data(2, &mut n).unwrap();
    assert_eq!(n, UNICODE_TEXT.chars().count() as i64);
}

#[test]
fn non_bmp_text_in_a_wide_column_buffer() {
    let conn = connect();
    let sql = format!("SELECT '{UNICODE_TEXT}' AS t UNION ALL SELECT 'plain'");
    let cursor = conn.execute(&sql, (), None).unwrap().unwrap();
    let buffer = ColumnarDynBuffer::from_descs(10, [BufferDesc::WText { max_str_len: 64 }]);
    let mut block = cursor.bind_buffer(buffer).unwrap();
    let batch = block.fetch().unwrap().expect("one batch");
    let column = batch.column(0).as_wide_text().expect("a wide text column");
    let mut values: Vec<String> = column
        .iter()
        .map(|v| v.expect("not NULL").to_string())
        .collect();
    values.sort();
    assert_eq!(values, vec!["plain".to_string(), UNICODE_TEXT.to_string()]);
}

#[test]
fn nulls_are_reported_as_null() {
    let conn = connect();
    let rows = query_text(
        &conn,
        "SELECT NULL AS a, CAST(NULL AS VARCHAR) AS b, 1 AS c",
    );
    assert_eq!(rows, vec![vec![None, None, Some("1".to_string())]]);

    let mut cursor = conn
        .execute("SELECT CAST(NULL AS DOUBLE)", (), None)
        .unwrap()
        .unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut value = odbc_api::Nullable::<f64>::null();
    row.get_data(1, &mut value).unwrap();
    assert_eq!(value.into_opt(), None);
}

#[test]
fn types_through_typed_buffers() {
    let conn = connect();
    let cursor = conn.execute(TYPED_ROW, (), None).unwrap().unwrap();
    let descs = [
        BufferDesc::I64 { nullable: true },
        BufferDesc::F64 { nullable: true },
        BufferDesc::Text { max_str_len: 20 },
        BufferDesc::Date { nullable: true },
        BufferDesc::Timestamp { nullable: true },
        BufferDesc::Bit { nullable: true },
        BufferDesc::Text { max_str_len: 20 },
        BufferDesc::I64 { nullable: true },
    ];
    let mut block = cursor
        .bind_buffer(ColumnarDynBuffer::from_descs(4, descs))
        .unwrap();
    let batch = block.fetch().unwrap().expect("one row");
    assert_eq!(batch.num_rows(), 1);

    let first = |i: usize| batch.column(i);
    let big = first(0).as_nullable_slice::<i64>().unwrap().next().unwrap();
    assert_eq!(big, Some(&9_007_199_254_740_993));
    let dbl = first(1).as_nullable_slice::<f64>().unwrap().next().unwrap();
    assert_eq!(dbl, Some(&1.5));
    let dec = first(2).as_text().unwrap().get(0).map(|b| b.to_vec());
    assert_eq!(dec.as_deref(), Some(&b"12.34"[..]));
    let day = first(3)
        .as_nullable_slice::<Date>()
        .unwrap()
        .next()
        .unwrap();
    assert_eq!(
        day,
        Some(&Date {
            year: 2024,
            month: 2,
            day: 29
        })
    );
    let ts = first(4)
        .as_nullable_slice::<Timestamp>()
        .unwrap()
        .next()
        .unwrap();
    assert_eq!(
        ts,
        Some(&Timestamp {
            year: 2024,
            month: 2,
            day: 29,
            hour: 13,
            minute: 14,
            second: 15,
            fraction: 123_000_000,
        })
    );
    let flag = first(5).as_nullable_slice::<Bit>().unwrap().next().unwrap();
    assert_eq!(flag.map(|b| b.as_bool()), Some(true));
    let txt = first(6).as_text().unwrap().get(0).map(|b| b.to_vec());
    assert_eq!(txt.as_deref(), Some(&b"text"[..]));
    let missing = first(7).as_nullable_slice::<i64>().unwrap().next().unwrap();
    assert_eq!(missing, None);
    assert!(block.fetch().unwrap().is_none(), "only one row");
}

#[test]
fn types_as_text() {
    let conn = connect();
    let rows = query_text(&conn, TYPED_ROW);
    let expected = [
        Some("9007199254740993"),
        Some("1.5"),
        Some("12.34"),
        Some("2024-02-29"),
        Some("2024-02-29 13:14:15.123"),
        Some("1"),
        Some("text"),
        None,
    ];
    let expected: Vec<Option<String>> = expected.iter().map(|v| v.map(str::to_string)).collect();
    assert_eq!(rows, vec![expected]);
}

#[test]
fn describe_columns_after_prepare_before_execute() {
    let conn = connect();
    let mut prepared = conn.prepare(TYPED_ROW).unwrap();
    assert_eq!(prepared.num_result_cols().unwrap(), 8);
    let names: Vec<String> = prepared
        .column_names()
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        names,
        ["big", "dbl", "dec", "day", "ts", "flag", "txt", "missing"]
    );

    let mut desc = ColumnDescription::default();
    let mut types = Vec::new();
    for col in 1..=8 {
        prepared.describe_col(col, &mut desc).unwrap();
        types.push(desc.data_type);
    }
    assert_eq!(types[0], DataType::BigInt);
    assert_eq!(types[1], DataType::Double);
    assert_eq!(
        types[2],
        DataType::Decimal {
            precision: 10,
            scale: 2
        }
    );
    assert_eq!(types[3], DataType::Date);
    assert!(
        matches!(types[4], DataType::Timestamp { .. }),
        "{:?}",
        types[4]
    );
    assert_eq!(types[5], DataType::Bit);
    // Text is Unicode with an honest, bounded size.
    match types[6] {
        DataType::WVarchar { length } => assert!(length.is_some(), "bounded size"),
        other => panic!("text column described as {other:?}"),
    }
    prepared.describe_col(8, &mut desc).unwrap();
    assert_ne!(desc.nullability, Nullability::NoNulls);

    // Executing afterwards gives the row that was described.
    let mut cursor = prepared.execute(()).unwrap().expect("a result set");
    let rows = rows_as_text(&mut cursor);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0].as_deref(), Some("9007199254740993"));
}

#[test]
fn unicode_column_names_are_described() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT 1 AS \"ünï 🙂\"", (), None)
        .unwrap()
        .unwrap();
    assert_eq!(cursor.col_name(1).unwrap(), "ünï 🙂");
}

#[test]
fn unknown_table_is_42s02() {
    let conn = connect();
    let err = conn
        .execute("SELECT * FROM no_such_table", (), None)
        .must_fail("must fail");
    assert_eq!(sqlstate(&err), "42S02");
    let text = message(&err);
    assert!(text.starts_with("[apiodbc]"), "{text}");
    assert!(text.contains("no_such_table"), "{text}");
}

#[test]
fn unknown_column_is_42s22() {
    let conn = connect();
    let err = conn
        .execute("SELECT no_such_column FROM sys.sys_tables", (), None)
        .must_fail("must fail");
    assert_eq!(sqlstate(&err), "42S22");
    assert!(
        message(&err).contains("no_such_column"),
        "{}",
        message(&err)
    );
}

#[test]
fn syntax_error_is_42000() {
    let conn = connect();
    let err = conn.execute("SELEC 1", (), None).must_fail("must fail");
    assert_eq!(sqlstate(&err), "42000");
}

#[test]
fn errors_also_come_from_prepare() {
    let conn = connect();
    let err = conn
        .prepare("SELECT * FROM no_such_table")
        .must_fail("must fail");
    assert_eq!(sqlstate(&err), "42S02");
}

/// A connection without a profile has nothing to write to, and DDL has no API to go to: both
/// are refused before anything runs, saying why.
#[test]
fn writes_without_a_profile_and_ddl_are_refused() {
    let conn = connect();
    for (sql, says) in [
        ("INSERT INTO x VALUES (1)", "read-only"),
        ("UPDATE sys.sys_tables SET \"TableName\" = 'x'", "read-only"),
        ("DELETE FROM sys.sys_tables", "read-only"),
        ("CREATE TABLE t (a INT)", "not possible on an API's tables"),
        (
            "DROP TABLE sys.sys_tables",
            "not possible on an API's tables",
        ),
    ] {
        let err = conn
            .execute(sql, (), None)
            .err()
            .unwrap_or_else(|| panic!("{sql} ran"));
        assert_eq!(sqlstate(&err), "42000", "{sql}: {}", message(&err));
        assert!(message(&err).contains(says), "{sql}: {}", message(&err));
    }
}

#[test]
fn connection_survives_an_error() {
    let conn = connect();
    assert!(conn
        .execute("SELECT * FROM no_such_table", (), None)
        .is_err());
    assert_eq!(scalar_text(&conn, "SELECT 2").as_deref(), Some("2"));
}

#[test]
fn system_tables_are_queryable() {
    let conn = connect();
    let rows = query_text(
        &conn,
        "SELECT \"TableName\" FROM sys.sys_tables WHERE \"SchemaName\" = 'sys' ORDER BY 1",
    );
    let names: Vec<String> = rows.into_iter().map(|mut r| r.remove(0).unwrap()).collect();
    assert_eq!(
        names,
        [
            "sys_connection_props",
            "sys_procedureparameters",
            "sys_procedures",
            "sys_requests",
            "sys_tablecolumns",
            "sys_tables",
            "sys_writes"
        ]
    );
}

#[test]
fn unicode_literal_through_the_narrow_api() {
    // odbc-api on Linux sends SQL as UTF-8 (SQLExecDirect, not the W form).
    let conn = connect();
    let value = scalar_text(&conn, &format!("SELECT '{UNICODE_TEXT}'"));
    assert_eq!(value.as_deref(), Some(UNICODE_TEXT));
}

/// A computed column without an alias is named `EXPR_<position>`, as SQL databases name such
/// columns, not with the engine's rendering (`Int64(1)`, `upper(Utf8("odbc"))`); columns and
/// aliases keep their names.
#[test]
fn computed_columns_are_named_like_a_database_names_them() {
    let conn = connect();
    let mut cursor = conn
        .execute(
            "SELECT 1, upper('odbc'), 'x' AS named, TableName FROM sys.sys_tables",
            (),
            None,
        )
        .expect("query")
        .expect("a result set");
    let names: Vec<String> = cursor
        .column_names()
        .expect("names")
        .map(|n| n.expect("name"))
        .collect();
    assert_eq!(names, ["EXPR_1", "EXPR_2", "named", "TableName"]);
    assert!(cursor.next_row().expect("fetch").is_some());
}

/// Errors read as SQL errors: what is wrong and what to do, not which part of the engine
/// noticed (`Error during planning:`, `ParserError(...)`, `Arrow error:`).
#[test]
fn errors_do_not_show_the_engines_framing() {
    let conn = connect();
    for (sql, state) in [
        ("SELEC 1", "42000"),
        ("SELECT * FROM sys.nope", "42S02"),
        ("SELECT nope FROM sys.sys_tables", "42S22"),
        ("SELECT CAST('x' AS INT)", "22018"),
    ] {
        let err = conn.execute(sql, (), None).must_fail(sql);
        let text = message(&err);
        assert_eq!(sqlstate(&err), state, "{sql}: {text}");
        for framing in [
            "Error during planning",
            "ParserError",
            "Arrow error",
            "SQL error",
        ] {
            assert!(!text.contains(framing), "{sql}: {text}");
        }
    }
}

/// The query docs/connection-properties.md gives for seeing a connection's properties runs as
/// written (its mixed-case column names included) and shows secrets masked.
#[test]
fn the_documented_connection_props_query_runs_as_written() {
    let doc = include_str!("../../docs/connection-properties.md");
    let start = doc.find("```sql\n").expect("the docs show the query") + "```sql\n".len();
    let end = start + doc[start..].find("```").expect("the block ends");
    let sql = doc[start..end].trim().trim_end_matches(';');
    let conn = connect_with("OAuthClientSecret=shh-not-shown;").unwrap();
    let rows = query_text(&conn, sql);
    let row = |name: &str| {
        rows.iter()
            .find(|r| r[0].as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{name} is listed: {rows:?}"))
            .clone()
    };
    assert_eq!(row("OAuthClientSecret")[1].as_deref(), Some("********"));
    assert_eq!(row("DefaultColumnSize")[1].as_deref(), Some("4000"));
}
