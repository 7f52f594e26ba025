//! `?` parameters bound with SQLBindParameter through odbc-api: integers, doubles, narrow and wide
//! text, NULL, dates and timestamps; one prepared statement executed again and again with new
//! values; SQLNumParams; parameters in a WHERE clause.

use odbc_api::parameter::{VarCharSlice, WithDataType};
use odbc_api::sys::{Date, Timestamp};
use odbc_api::{Cursor, DataType, IntoParameter, Nullable, Utf16String};

use crate::harness::*;

/// Executes a prepared one-row statement with `params` and returns that row as text.
fn one_row(
    prepared: &mut odbc_api::Prepared<odbc_api::handles::StatementImpl<'_>>,
    params: impl odbc_api::ParameterCollectionRef,
) -> Vec<Option<String>> {
    let mut cursor = prepared.execute(params).unwrap().expect("a result set");
    let mut rows = rows_as_text(&mut cursor);
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.remove(0)
}

#[test]
fn integers_doubles_and_text_executed_repeatedly() {
    let conn = connect();
    let mut prepared = conn
        .prepare("SELECT ? + 1 AS i, ? * 2 AS big, ? / 4.0 AS f, concat(?, '!') AS t")
        .unwrap();
    assert_eq!(prepared.num_params().unwrap(), 4);
    let cases: [(i32, i64, f64, &str, [&str; 4]); 3] = [
        (41, 21, 1.0, "hi", ["42", "42", "0.25", "hi!"]),
        (-1, 4_000_000_000, 10.0, "", ["0", "8000000000", "2.5", "!"]),
        (
            i32::MAX - 1,
            -7,
            -2.0,
            "semi;colon 'quoted'",
            ["2147483647", "-14", "-0.5", "semi;colon 'quoted'!"],
        ),
    ];
    for (i, big, f, text, expected) in cases {
        let text = text.into_parameter();
        let row = one_row(&mut prepared, (&i, &big, &f, &text));
        let expected: Vec<Option<String>> = expected.iter().map(|s| Some(s.to_string())).collect();
        assert_eq!(row, expected, "inputs {i} {big} {f}");
    }
}

#[test]
fn double_parameter_keeps_its_fraction_next_to_an_integer() {
    let conn = connect();
    let mut prepared = conn.prepare("SELECT ? / 4, ? + 1").unwrap();
    let row = one_row(&mut prepared, (&1.0f64, &0.5f64));
    assert_eq!(row, vec![Some("0.25".to_string()), Some("1.5".to_string())]);
}

#[test]
fn wide_text_parameter_round_trips_outside_the_bmp() {
    let conn = connect();
    let mut prepared = conn
        .prepare("SELECT ? AS t, character_length(?) AS n")
        .unwrap();
    for text in [UNICODE_TEXT, "ascii", "𝄞𝄞𝄞", ""] {
        let wide = Utf16String::from_str(text);
        let mut cursor = prepared
            .execute((&wide.clone().into_parameter(), &wide.into_parameter()))
            .unwrap()
            .unwrap();
        let mut row = cursor.next_row().unwrap().unwrap();
        let mut out = Vec::new();
        assert!(row.get_wide_text(1, &mut out).unwrap());
        assert_eq!(String::from_utf16(&out).unwrap(), text);
        let mut n: i64 = -1;
        row.get_data(2, &mut n).unwrap();
        assert_eq!(n, text.chars().count() as i64, "{text}");
    }
}

#[test]
fn narrow_text_parameter_carries_utf8() {
    let conn = connect();
    let mut prepared = conn.prepare("SELECT ?").unwrap();
    let row = one_row(
        &mut prepared,
        (&VarCharSlice::new(UNICODE_TEXT.as_bytes()),),
    );
    assert_eq!(row, vec![Some(UNICODE_TEXT.to_string())]);
}

#[test]
fn null_parameters_via_option() {
    let conn = connect();
    let mut prepared = conn
        .prepare("SELECT ? IS NULL AS a_null, ? IS NULL AS t_null, coalesce(?, -1) AS v")
        .unwrap();
    let none_i: Option<i32> = None;
    let none_t: Option<&str> = None;
    let row = one_row(
        &mut prepared,
        (
            &none_i.into_parameter(),
            &none_t.into_parameter(),
            &Nullable::<i64>::null(),
        ),
    );
    assert_eq!(
        row,
        vec![Some("1".into()), Some("1".into()), Some("-1".into())]
    );
    // The same statement with values.
    let row = one_row(
        &mut prepared,
        (
            &Some(5).into_parameter(),
            &Some("x").into_parameter(),
            &Nullable::new(9i64),
        ),
    );
    assert_eq!(
        row,
        vec![Some("0".into()), Some("0".into()), Some("9".into())]
    );
}

#[test]
fn date_and_timestamp_parameters() {
    let conn = connect();
    let mut prepared = conn
        .prepare("SELECT ? AS d, ? AS ts, date_part('year', ?) AS y")
        .unwrap();
    let cases = [
        (
            Date {
                year: 2024,
                month: 2,
                day: 29,
            },
            Timestamp {
                year: 2024,
                month: 2,
                day: 29,
                hour: 23,
                minute: 59,
                second: 58,
                fraction: 250_000_000,
            },
            ["2024-02-29", "2024-02-29 23:59:58.250", "2024"],
        ),
        (
            Date {
                year: 1999,
                month: 12,
                day: 31,
            },
            Timestamp {
                year: 2000,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0,
                second: 0,
                fraction: 0,
            },
            ["1999-12-31", "2000-01-01 00:00:00", "1999"],
        ),
    ];
    for (date, ts, expected) in cases {
        let ts = WithDataType {
            value: ts,
            data_type: DataType::Timestamp { precision: 3 },
        };
        let row = one_row(&mut prepared, (&date, &ts, &date));
        let expected: Vec<Option<String>> = expected.iter().map(|s| Some(s.to_string())).collect();
        // A timestamp's text may carry trailing zeros in its fraction; compare the value.
        assert_eq!(row[0], expected[0]);
        let shown = row[1].clone().unwrap();
        let want = expected[1].clone().unwrap();
        assert!(
            shown == want
                || shown.trim_end_matches('0').trim_end_matches('.')
                    == want.trim_end_matches('0').trim_end_matches('.'),
            "timestamp {shown} != {want}"
        );
        assert_eq!(
            row[2].as_deref().map(|y| y.trim_end_matches(".0")),
            expected[2].as_deref()
        );
    }
}

#[test]
fn parameters_in_a_where_clause() {
    let conn = connect();
    let mut prepared = conn
        .prepare(
            "SELECT value FROM generate_series(1, 1000) WHERE value BETWEEN ? AND ? ORDER BY value",
        )
        .unwrap();
    for (low, high) in [(10i64, 15i64), (998, 2000), (5, 4)] {
        let mut cursor = prepared.execute((&low, &high)).unwrap().unwrap();
        let got: Vec<i64> = rows_as_text(&mut cursor)
            .into_iter()
            .map(|r| r[0].as_deref().unwrap().parse().unwrap())
            .collect();
        let want: Vec<i64> = (low..=high.min(1000)).collect();
        assert_eq!(got, want, "between {low} and {high}");
    }
}

#[test]
fn direct_execution_with_parameters() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT ? * ?", (&6i32, &7i32), None)
        .unwrap()
        .unwrap();
    assert_eq!(
        rows_as_text(&mut cursor),
        vec![vec![Some("42".to_string())]]
    );
}
