//! Many rows at once: block cursors with column-wise binding (typed and text buffers), row-wise
//! binding (`RowVec`), and long text read in chunks with SQLGetData.

use odbc_api::buffers::{BufferDesc, ColumnarDynBuffer, RowVec, TextRowSet};
use odbc_api::parameter::VarCharArray;
use odbc_api::{Cursor, Nullable};

use crate::harness::*;

const ROWS: i64 = 100_000;

#[test]
fn block_cursor_fetches_every_row_once_in_order() {
    let conn = connect();
    let sql = format!("SELECT value FROM generate_series(1, {ROWS}) ORDER BY value");
    let cursor = conn.execute(&sql, (), None).unwrap().unwrap();
    let buffer = ColumnarDynBuffer::from_descs(1000, [BufferDesc::I64 { nullable: false }]);
    let mut block = cursor.bind_buffer(buffer).unwrap();
    let mut expected = 1i64;
    let mut sum = 0i64;
    let mut batches = 0;
    while let Some(batch) = block.fetch().unwrap() {
        batches += 1;
        assert!(batch.num_rows() <= 1000);
        for &value in batch.column(0).as_slice::<i64>().unwrap() {
            assert_eq!(value, expected, "rows out of order or repeated");
            expected += 1;
            sum += value;
        }
    }
    assert_eq!(expected - 1, ROWS, "row count");
    assert_eq!(sum, ROWS * (ROWS + 1) / 2);
    assert!(batches >= (ROWS / 1000) as usize);
}

#[test]
fn block_cursor_without_order_by_still_delivers_each_row_once() {
    let conn = connect();
    let sql = format!("SELECT value, value * 2 AS twice FROM generate_series(1, {ROWS})");
    let cursor = conn.execute(&sql, (), None).unwrap().unwrap();
    let buffer = ColumnarDynBuffer::from_descs(
        777,
        [
            BufferDesc::I64 { nullable: false },
            BufferDesc::I64 { nullable: true },
        ],
    );
    let mut block = cursor.bind_buffer(buffer).unwrap();
    let mut seen = vec![false; ROWS as usize + 1];
    let mut count = 0;
    while let Some(batch) = block.fetch().unwrap() {
        let values = batch.column(0).as_slice::<i64>().unwrap();
        let twice = batch.column(1).as_nullable_slice::<i64>().unwrap();
        for (&v, t) in values.iter().zip(twice) {
            assert_eq!(t, Some(&(v * 2)));
            assert!(!seen[v as usize], "{v} delivered twice");
            seen[v as usize] = true;
            count += 1;
        }
    }
    assert_eq!(count, ROWS);
}

#[test]
fn text_row_set_fetches_every_row() {
    let conn = connect();
    let sql = format!(
        "SELECT value, concat('row ', CAST(value AS VARCHAR)) AS label \
         FROM generate_series(1, {ROWS}) ORDER BY value"
    );
    let mut cursor = conn.execute(&sql, (), None).unwrap().unwrap();
    let buffer = TextRowSet::for_cursor(1000, &mut cursor, Some(64)).unwrap();
    let mut block = cursor.bind_buffer(buffer).unwrap();
    let mut next = 1i64;
    while let Some(batch) = block.fetch().unwrap() {
        for row in 0..batch.num_rows() {
            let value = batch.at_as_str(0, row).unwrap().unwrap();
            assert_eq!(value, next.to_string());
            let label = batch.at_as_str(1, row).unwrap().unwrap();
            assert_eq!(label, format!("row {next}"));
            next += 1;
        }
    }
    assert_eq!(next - 1, ROWS);
}

#[test]
fn row_wise_binding_with_row_vec() {
    let conn = connect();
    let sql = "SELECT value, CAST(value AS DOUBLE) / 2 AS half, \
               CASE WHEN value % 2 = 0 THEN NULL ELSE concat('odd ', CAST(value AS VARCHAR)) END AS label \
               FROM generate_series(1, 10000) ORDER BY value";
    type Row = (i64, f64, VarCharArray<32>);
    let cursor = conn.execute(sql, (), None).unwrap().unwrap();
    let mut block = cursor.bind_buffer(RowVec::<Row>::new(256)).unwrap();
    let mut next = 1i64;
    while let Some(batch) = block.fetch().unwrap() {
        for (value, half, label) in batch.iter() {
            assert_eq!(*value, next);
            assert_eq!(*half, next as f64 / 2.0);
            let label = label.as_str().unwrap();
            if next % 2 == 0 {
                assert_eq!(label, None);
            } else {
                assert_eq!(label, Some(format!("odd {next}").as_str()));
            }
            next += 1;
        }
    }
    assert_eq!(next - 1, 10_000);
}

#[test]
fn row_wise_binding_with_nullable_members() {
    let conn = connect();
    let sql = "SELECT CASE WHEN value % 3 = 0 THEN NULL ELSE value END AS v \
               FROM generate_series(1, 30) ORDER BY value";
    let cursor = conn.execute(sql, (), None).unwrap().unwrap();
    let mut block = cursor
        .bind_buffer(RowVec::<(Nullable<i64>,)>::new(7))
        .unwrap();
    let mut got = Vec::new();
    while let Some(batch) = block.fetch().unwrap() {
        got.extend(batch.iter().map(|(v,)| v.into_opt()));
    }
    let want: Vec<Option<i64>> = (1..=30).map(|v| (v % 3 != 0).then_some(v)).collect();
    assert_eq!(got, want);
}

#[test]
fn long_text_is_read_in_chunks() {
    let conn = connect();
    let mut cursor = conn
        .execute(
            "SELECT concat(repeat('x', 100000), 'END') AS long_text",
            (),
            None,
        )
        .unwrap()
        .unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    // get_text grows its buffer and calls SQLGetData again after each 01004 truncation.
    let mut text = Vec::with_capacity(100);
    assert!(row.get_text(1, &mut text).unwrap());
    assert_eq!(text.len(), 100_003);
    assert!(text[..100_000].iter().all(|&b| b == b'x'));
    assert_eq!(&text[100_000..], b"END");
}

#[test]
fn long_ascii_wide_text_is_read_in_chunks() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT repeat('w', 70000) AS t", (), None)
        .unwrap()
        .unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut wide = Vec::with_capacity(10);
    assert!(row.get_wide_text(1, &mut wide).unwrap());
    assert_eq!(String::from_utf16(&wide).unwrap(), "w".repeat(70_000));
}

/// SQLGetData must fill a truncated chunk up to BufferLength minus the terminator: the client
/// computes how much it got from that, as odbc-api, pyodbc and the spec's "Getting Long Data" do.
const CHUNK_FILLED: &str =
    "a truncated SQLGetData chunk must fill the buffer, splitting a character \
    between chunks when needed";

#[test]
fn long_wide_text_outside_the_bmp_is_read_in_chunks() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT repeat('🙂', 30000) AS smileys", (), None)
        .unwrap()
        .unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut wide = Vec::with_capacity(10);
    assert!(row.get_wide_text(1, &mut wide).unwrap(), "{CHUNK_FILLED}");
    assert_eq!(wide.len(), 60_000, "30 000 surrogate pairs");
    assert_eq!(String::from_utf16(&wide).unwrap(), "🙂".repeat(30_000));
}

#[test]
fn long_non_ascii_text_is_read_in_chunks() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT repeat('éa', 40000) AS t", (), None)
        .unwrap()
        .unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut text = Vec::with_capacity(11);
    assert!(row.get_text(1, &mut text).unwrap(), "{CHUNK_FILLED}");
    assert_eq!(String::from_utf8(text).unwrap(), "éa".repeat(40_000));
}

#[test]
fn truncated_chunk_fills_the_whole_buffer() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT repeat('é', 6) AS t", (), None)
        .unwrap()
        .unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    // 6 bytes: room for 5 bytes of the 12 and the terminating zero.
    let mut chunk = VarCharArray::<6>::NULL;
    row.get_data(1, &mut chunk).unwrap();
    assert!(!chunk.is_complete());
    assert_eq!(
        chunk.as_bytes(),
        Some(&"éé\u{e9}".as_bytes()[..5]),
        "{CHUNK_FILLED}"
    );
}

#[test]
fn long_text_in_small_fixed_chunks() {
    let conn = connect();
    let mut cursor = conn
        .execute("SELECT repeat('ab', 5000) AS t", (), None)
        .unwrap()
        .unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    // A 1 000-byte buffer: each SQLGetData returns 999 bytes and a terminating zero, until the
    // last piece; odbc-api's VarCharArray reports the truncation through its indicator.
    let mut collected = Vec::new();
    let mut chunks = 0;
    loop {
        let mut chunk = VarCharArray::<1000>::NULL;
        row.get_data(1, &mut chunk).unwrap();
        chunks += 1;
        let complete = chunk.is_complete();
        let bytes = chunk.as_bytes().expect("not NULL");
        collected.extend_from_slice(bytes);
        if complete {
            break;
        }
        assert!(chunks < 100, "SQLGetData never completed");
    }
    assert_eq!(collected.len(), 10_000);
    assert_eq!(String::from_utf8(collected).unwrap(), "ab".repeat(5000));
    assert_eq!(chunks, 11, "999 bytes per chunk");
}
