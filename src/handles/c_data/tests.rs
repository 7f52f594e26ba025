//! Tests of `write_cell`, `text_of`, `default_c_type`, and `read_param` across the
//! Arrow types and C type families.

use std::sync::Arc;

use arrow::array::*;
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::*;
use chrono::{NaiveDate, NaiveTime};

use super::*;

/// A cell as SQL_C_CHAR would show it, for comparing with what `write_cell` wrote.
fn text_of(array: &dyn Array, row: usize) -> Result<Option<String>> {
    Ok(cell::cell_at(array, row)?.map(|cell| text_form::cell_text(&cell).0.into_owned()))
}
use crate::error::{state, ErrorKind};
use crate::handles::c_types::*;
use crate::odbc::attributes::SQL_NULL_DATA;
use crate::odbc::c_types::{
    SQL_ARD_TYPE, SQL_C_BINARY, SQL_C_BIT, SQL_C_CHAR, SQL_C_DATE, SQL_C_DEFAULT, SQL_C_DOUBLE,
    SQL_C_FLOAT, SQL_C_GUID, SQL_C_INTERVAL_DAY, SQL_C_LONG, SQL_C_NUMERIC, SQL_C_SBIGINT,
    SQL_C_SHORT, SQL_C_SLONG, SQL_C_SSHORT, SQL_C_STINYINT, SQL_C_TIME, SQL_C_TIMESTAMP,
    SQL_C_TINYINT, SQL_C_TYPE_DATE, SQL_C_TYPE_TIME, SQL_C_TYPE_TIMESTAMP, SQL_C_UBIGINT,
    SQL_C_ULONG, SQL_C_USHORT, SQL_C_UTINYINT, SQL_C_WCHAR,
};
use crate::odbc::returns::SQL_NTS;

/// One SQLGetData call: the outcome and the buffer afterwards.
fn get(array: &dyn Array, row: usize, c_type: i16, len: usize) -> (Result<CellOutcome>, Vec<u8>) {
    let mut chunk = ChunkState::default();
    get_chunk(array, row, c_type, len, &mut chunk)
}

fn get_chunk(
    array: &dyn Array,
    row: usize,
    c_type: i16,
    len: usize,
    chunk: &mut ChunkState,
) -> (Result<CellOutcome>, Vec<u8>) {
    let mut buf = vec![0xAAu8; len];
    let r = write_cell(
        array,
        row,
        CellTarget {
            c_type,
            buffer: Some(&mut buf),
            precision: 0,
            scale: 0,
        },
        chunk,
        2,
    );
    (r, buf)
}

fn value(r: Result<CellOutcome>) -> (isize, bool) {
    match r {
        Ok(CellOutcome::Value {
            indicator,
            truncated,
        }) => (indicator, truncated),
        other => panic!("expected a value, got {other:?}"),
    }
}

fn err_state(r: Result<CellOutcome>) -> String {
    match r {
        Err(e) => {
            assert!(e.message.starts_with("[apiodbc] "), "{}", e.message);
            e.state.as_str().to_string()
        }
        Ok(o) => panic!("expected an error, got {o:?}"),
    }
}

/// SQL_C_CHAR text up to the NUL.
fn char_text(buf: &[u8]) -> String {
    let n = buf.iter().position(|&b| b == 0).expect("NUL terminator");
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

/// SQL_C_WCHAR text up to the 2-byte NUL.
fn wchar_text(buf: &[u8]) -> String {
    let units: Vec<u16> = buf
        .chunks_exact(2)
        .map(|p| u16::from_ne_bytes([p[0], p[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16(&units).unwrap()
}

fn as_text(array: &dyn Array, row: usize) -> String {
    let (r, buf) = get(array, row, SQL_C_CHAR, 256);
    value(r);
    char_text(&buf)
}

fn i64_of(array: &dyn Array, row: usize, c_type: i16) -> Result<(i128, bool)> {
    let size = fixed_size(c_type).unwrap();
    let (r, buf) = get(array, row, c_type, size);
    let (ind, truncated) = match r {
        Ok(CellOutcome::Value {
            indicator,
            truncated,
        }) => (indicator, truncated),
        Ok(o) => panic!("{o:?}"),
        Err(e) => return Err(e),
    };
    assert_eq!(ind as usize, size);
    let v: i128 = match c_type {
        SQL_C_STINYINT | SQL_C_TINYINT => i8::from_ne_bytes([buf[0]]).into(),
        SQL_C_UTINYINT | SQL_C_BIT => buf[0].into(),
        SQL_C_SSHORT | SQL_C_SHORT => i16::from_ne_bytes(buf[..2].try_into().unwrap()).into(),
        SQL_C_USHORT => u16::from_ne_bytes(buf[..2].try_into().unwrap()).into(),
        SQL_C_SLONG | SQL_C_LONG => i32::from_ne_bytes(buf[..4].try_into().unwrap()).into(),
        SQL_C_ULONG => u32::from_ne_bytes(buf[..4].try_into().unwrap()).into(),
        SQL_C_SBIGINT => i64::from_ne_bytes(buf[..8].try_into().unwrap()).into(),
        SQL_C_UBIGINT => u64::from_ne_bytes(buf[..8].try_into().unwrap()).into(),
        _ => unreachable!(),
    };
    Ok((v, truncated))
}

fn f64_of(array: &dyn Array, row: usize) -> Result<f64> {
    let (r, buf) = get(array, row, SQL_C_DOUBLE, 8);
    r.map(|_| f64::from_ne_bytes(buf[..8].try_into().unwrap()))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Text forms and SQL_C_CHAR

#[test]
fn text_forms_of_every_type() {
    let b = BooleanArray::from(vec![true, false]);
    assert_eq!(as_text(&b, 0), "1");
    assert_eq!(as_text(&b, 1), "0");
    assert_eq!(as_text(&Int8Array::from(vec![-8]), 0), "-8");
    assert_eq!(as_text(&Int16Array::from(vec![300]), 0), "300");
    assert_eq!(as_text(&Int32Array::from(vec![-70000]), 0), "-70000");
    assert_eq!(
        as_text(&Int64Array::from(vec![i64::MIN]), 0),
        i64::MIN.to_string()
    );
    assert_eq!(as_text(&UInt8Array::from(vec![255]), 0), "255");
    assert_eq!(as_text(&UInt16Array::from(vec![65535]), 0), "65535");
    assert_eq!(
        as_text(&UInt32Array::from(vec![u32::MAX]), 0),
        u32::MAX.to_string()
    );
    assert_eq!(
        as_text(&UInt64Array::from(vec![u64::MAX]), 0),
        u64::MAX.to_string()
    );
    assert_eq!(as_text(&Float32Array::from(vec![0.1f32]), 0), "0.1");
    assert_eq!(
        as_text(&Float64Array::from(vec![0.1 + 0.2]), 0),
        "0.30000000000000004"
    );
    assert_eq!(
        as_text(&Float16Array::from(vec![half_one()]), 0),
        "1",
        "Float16"
    );
    let d = Decimal128Array::from(vec![12345, -5])
        .with_precision_and_scale(10, 2)
        .unwrap();
    assert_eq!(as_text(&d, 0), "123.45");
    assert_eq!(as_text(&d, 1), "-0.05");
    assert_eq!(as_text(&StringArray::from(vec!["héllo"]), 0), "héllo");
    assert_eq!(as_text(&LargeStringArray::from(vec!["large"]), 0), "large");
    assert_eq!(
        as_text(
            &StringViewArray::from(vec!["a view that is long enough"]),
            0
        ),
        "a view that is long enough"
    );
    assert_eq!(
        as_text(&BinaryArray::from(vec![&[0xDEu8, 0xAD][..]]), 0),
        "DEAD"
    );
    assert_eq!(as_text(&LargeBinaryArray::from(vec![&[1u8][..]]), 0), "01");
    assert_eq!(
        as_text(&BinaryViewArray::from(vec![&[0xFFu8][..]]), 0),
        "FF"
    );
    assert_eq!(as_text(&Date32Array::from(vec![19_782]), 0), "2024-02-29");
    assert_eq!(
        as_text(&Date64Array::from(vec![86_400_000]), 0),
        "1970-01-02"
    );
    assert_eq!(
        as_text(&Time32SecondArray::from(vec![3_723]), 0),
        "01:02:03"
    );
    assert_eq!(
        as_text(&Time32MillisecondArray::from(vec![3_723_500]), 0),
        "01:02:03.5"
    );
    assert_eq!(
        as_text(&Time64MicrosecondArray::from(vec![1]), 0),
        "00:00:00.000001"
    );
    assert_eq!(
        as_text(&Time64NanosecondArray::from(vec![1]), 0),
        "00:00:00.000000001"
    );
    assert_eq!(
        as_text(&TimestampSecondArray::from(vec![1_709_164_800]), 0),
        "2024-02-29 00:00:00"
    );
    assert_eq!(
        as_text(&TimestampMillisecondArray::from(vec![1_709_164_800_123]), 0),
        "2024-02-29 00:00:00.123"
    );
    assert_eq!(
        as_text(&TimestampMicrosecondArray::from(vec![-1]), 0),
        "1969-12-31 23:59:59.999999"
    );
    // With a time zone the wall clock is UTC.
    let tz =
        TimestampNanosecondArray::from(vec![1_709_164_800_000_000_001]).with_timezone("+05:00");
    assert_eq!(as_text(&tz, 0), "2024-02-29 00:00:00.000000001");
    assert!(!as_text(
        &IntervalDayTimeArray::from(vec![IntervalDayTime::new(1, 500)]),
        0
    )
    .is_empty());
    assert!(!as_text(&DurationSecondArray::from(vec![90]), 0).is_empty());
}

fn half_one() -> <Float16Type as ArrowPrimitiveType>::Native {
    <Float16Type as ArrowPrimitiveType>::Native::from_f32(1.0)
}

#[test]
fn nested_values_are_json() {
    let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(1), None, Some(3)]),
        None,
        Some(vec![]),
    ]);
    assert_eq!(as_text(&list, 0), "[1,null,3]");
    assert_eq!(text_of(&list, 1).unwrap(), None);
    assert_eq!(as_text(&list, 2), "[]");

    let names = Arc::new(StringArray::from(vec![Some("a\"b"), None])) as ArrayRef;
    let flags = Arc::new(BooleanArray::from(vec![true, false])) as ArrayRef;
    let st = StructArray::from(vec![
        (Arc::new(Field::new("name", DataType::Utf8, true)), names),
        (Arc::new(Field::new("ok", DataType::Boolean, false)), flags),
    ]);
    assert_eq!(as_text(&st, 0), r#"{"name":"a\"b","ok":true}"#);
    assert_eq!(as_text(&st, 1), r#"{"name":null,"ok":false}"#);

    let keys = StringArray::from(vec!["x", "y"]);
    let vals = Float64Array::from(vec![1.5, f64::NAN]);
    let entries = StructArray::from(vec![
        (
            Arc::new(Field::new("keys", DataType::Utf8, false)),
            Arc::new(keys) as ArrayRef,
        ),
        (
            Arc::new(Field::new("values", DataType::Float64, true)),
            Arc::new(vals) as ArrayRef,
        ),
    ]);
    let map = MapArray::new(
        Arc::new(Field::new_struct(
            "entries",
            entries.fields().clone(),
            false,
        )),
        OffsetBuffer::new(vec![0, 2].into()),
        entries,
        None,
        false,
    );
    assert_eq!(as_text(&map, 0), r#"{"x":1.5,"y":null}"#);

    // A list of structs with a date inside.
    let dates = Arc::new(Date32Array::from(vec![0])) as ArrayRef;
    let inner = StructArray::from(vec![(
        Arc::new(Field::new("d", DataType::Date32, false)),
        dates,
    )]);
    let list_of_struct = ListArray::new(
        Arc::new(Field::new_struct("item", inner.fields().clone(), false)),
        OffsetBuffer::new(vec![0, 1].into()),
        Arc::new(inner),
        None,
    );
    assert_eq!(as_text(&list_of_struct, 0), r#"[{"d":"1970-01-01"}]"#);
    // Nested values are described as SQL_WLONGVARCHAR, so they default to SQL_C_WCHAR.
    assert_eq!(default_c_type(list.data_type()), SQL_C_WCHAR);
}

#[test]
fn dictionary_and_run_end_are_unpacked() {
    let dict: DictionaryArray<Int8Type> = vec![Some("red"), None, Some("blue"), Some("red")]
        .into_iter()
        .collect();
    assert_eq!(as_text(&dict, 0), "red");
    assert_eq!(as_text(&dict, 2), "blue");
    let (r, _) = get(&dict, 1, SQL_C_CHAR, 10);
    assert_eq!(r, Ok(CellOutcome::Null));
    assert_eq!(default_c_type(dict.data_type()), SQL_C_WCHAR);

    let int_dict = DictionaryArray::<UInt16Type>::try_new(
        UInt16Array::from(vec![1, 0]),
        Arc::new(Int64Array::from(vec![10, 20])),
    )
    .unwrap();
    assert_eq!(i64_of(&int_dict, 0, SQL_C_SBIGINT).unwrap(), (20, false));
    assert_eq!(default_c_type(int_dict.data_type()), SQL_C_SBIGINT);

    let run = RunArray::<Int32Type>::try_new(
        &Int32Array::from(vec![2, 3]),
        &StringArray::from(vec!["aa", "b"]),
    )
    .unwrap();
    assert_eq!(as_text(&run, 1), "aa");
    assert_eq!(as_text(&run, 2), "b");
}

#[test]
fn null_values() {
    let a = Int32Array::from(vec![None, Some(1)]);
    let mut chunk = ChunkState::default();
    let (r, buf) = get_chunk(&a, 0, SQL_C_SLONG, 4, &mut chunk);
    assert_eq!(r, Ok(CellOutcome::Null));
    assert_eq!(buf, vec![0xAA; 4], "nothing written for NULL");
    let (r, _) = get_chunk(&a, 0, SQL_C_SLONG, 4, &mut chunk);
    assert_eq!(r, Ok(CellOutcome::NoMoreData));
    let n = NullArray::new(3);
    assert_eq!(get(&n, 1, SQL_C_CHAR, 10).0, Ok(CellOutcome::Null));
    assert_eq!(get(&n, 1, SQL_C_DEFAULT, 10).0, Ok(CellOutcome::Null));
    assert_eq!(text_of(&n, 0).unwrap(), None);
    let s = StringArray::from(vec![None::<&str>]);
    assert_eq!(get(&s, 0, SQL_C_WCHAR, 10).0, Ok(CellOutcome::Null));
    assert_eq!(get(&s, 0, SQL_C_TYPE_DATE, 6).0, Ok(CellOutcome::Null));
}

#[test]
fn char_truncation_and_chunks() {
    let a = StringArray::from(vec!["hello world"]);
    let mut chunk = ChunkState::default();
    let (r, buf) = get_chunk(&a, 0, SQL_C_CHAR, 6, &mut chunk);
    assert_eq!(value(r), (11, true));
    assert_eq!(char_text(&buf), "hello");
    let (r, buf) = get_chunk(&a, 0, SQL_C_CHAR, 6, &mut chunk);
    assert_eq!(value(r), (6, true));
    assert_eq!(char_text(&buf), " worl");
    let (r, buf) = get_chunk(&a, 0, SQL_C_CHAR, 6, &mut chunk);
    assert_eq!(value(r), (1, false));
    assert_eq!(char_text(&buf), "d");
    let (r, _) = get_chunk(&a, 0, SQL_C_CHAR, 6, &mut chunk);
    assert_eq!(r, Ok(CellOutcome::NoMoreData));
}

#[test]
fn char_chunks_fill_the_buffer_and_concatenate_to_the_value() {
    // "é" is 2 bytes, "🙂" is 4: chunks of 3 bytes split both, as the long-data pattern wants.
    let text = "aé🙂b";
    let a = StringArray::from(vec![text]);
    let mut chunk = ChunkState::default();
    let mut joined = Vec::new();
    let mut remaining = text.len();
    loop {
        let (r, buf) = get_chunk(&a, 0, SQL_C_CHAR, 4, &mut chunk);
        match r {
            Ok(CellOutcome::Value {
                indicator,
                truncated,
            }) => {
                assert_eq!(indicator as usize, remaining);
                let n = if truncated { 3 } else { remaining };
                assert_eq!(
                    buf[n], 0,
                    "each chunk is NUL-terminated right after its bytes"
                );
                joined.extend_from_slice(&buf[..n]);
                remaining -= n;
            }
            Ok(CellOutcome::NoMoreData) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(String::from_utf8(joined).unwrap(), text);
}

#[test]
fn empty_string_then_no_more_data() {
    let a = StringArray::from(vec![""]);
    let mut chunk = ChunkState::default();
    let (r, buf) = get_chunk(&a, 0, SQL_C_CHAR, 4, &mut chunk);
    assert_eq!(value(r), (0, false));
    assert_eq!(buf[0], 0);
    assert_eq!(
        get_chunk(&a, 0, SQL_C_CHAR, 4, &mut chunk).0,
        Ok(CellOutcome::NoMoreData)
    );
}

#[test]
fn length_only_with_null_buffer_or_zero_length() {
    let a = StringArray::from(vec!["abc🙂"]);
    let mut chunk = ChunkState::default();
    let r = write_cell(
        &a,
        0,
        CellTarget {
            c_type: SQL_C_CHAR,
            buffer: None,
            precision: 0,
            scale: 0,
        },
        &mut chunk,
        1,
    );
    assert_eq!(value(r), (7, false));
    assert_eq!(chunk.offset, 0, "nothing consumed");
    let r = write_cell(
        &a,
        0,
        CellTarget {
            c_type: SQL_C_WCHAR,
            buffer: None,
            precision: 0,
            scale: 0,
        },
        &mut chunk,
        1,
    );
    assert_eq!(value(r), (10, false));
    let (r, _) = get_chunk(&a, 0, SQL_C_CHAR, 0, &mut chunk);
    assert_eq!(value(r), (7, true));
    assert_eq!(chunk.offset, 0);
    // Fixed-size with a null buffer: the size, nothing consumed.
    let n = Int32Array::from(vec![5]);
    let r = write_cell(
        &n,
        0,
        CellTarget {
            c_type: SQL_C_SLONG,
            buffer: None,
            precision: 0,
            scale: 0,
        },
        &mut chunk,
        1,
    );
    assert_eq!(value(r), (4, false));
}

#[test]
fn wchar_values_truncation_and_surrogates() {
    let a = StringArray::from(vec!["h🙂é"]);
    let (r, buf) = get(&a, 0, SQL_C_WCHAR, 64);
    // h (1 unit) + 🙂 (2 units) + é (1 unit) = 8 bytes.
    assert_eq!(value(r), (8, false));
    assert_eq!(wchar_text(&buf), "h🙂é");
    assert_eq!(&buf[8..10], &[0, 0]);

    // Chunks of two units fill the buffer, splitting the surrogate pair between calls.
    let mut chunk = ChunkState::default();
    let mut units: Vec<u16> = Vec::new();
    for (expected_indicator, truncated) in [(8, true), (4, false)] {
        let (r, buf) = get_chunk(&a, 0, SQL_C_WCHAR, 6, &mut chunk);
        assert_eq!(value(r), (expected_indicator, truncated));
        units.extend(
            buf[..4]
                .chunks_exact(2)
                .map(|c| u16::from_ne_bytes([c[0], c[1]])),
        );
        assert_eq!(&buf[4..6], &[0, 0]);
    }
    assert_eq!(String::from_utf16(&units).unwrap(), "h🙂é");
    assert_eq!(
        get_chunk(&a, 0, SQL_C_WCHAR, 6, &mut chunk).0,
        Ok(CellOutcome::NoMoreData)
    );
    // Numbers as WCHAR.
    let (r, buf) = get(&Int32Array::from(vec![-42]), 0, SQL_C_WCHAR, 16);
    assert_eq!(value(r), (6, false));
    assert_eq!(wchar_text(&buf), "-42");
}

#[test]
fn numbers_to_char_keep_whole_digits() {
    let d = Decimal128Array::from(vec![12345])
        .with_precision_and_scale(10, 2)
        .unwrap();
    // "123.45" needs 7 bytes with the NUL.
    let (r, buf) = get(&d, 0, SQL_C_CHAR, 7);
    assert_eq!(value(r), (6, false));
    assert_eq!(char_text(&buf), "123.45");
    // Fractional digits may be dropped (01S07-style truncation).
    let (r, buf) = get(&d, 0, SQL_C_CHAR, 6);
    assert_eq!(value(r), (6, true));
    assert_eq!(char_text(&buf), "123.4");
    let (r, buf) = get(&d, 0, SQL_C_CHAR, 4);
    assert_eq!(value(r), (6, true));
    assert_eq!(char_text(&buf), "123");
    // Whole digits may not: 22003.
    assert_eq!(err_state(get(&d, 0, SQL_C_CHAR, 3).0), "22003");
    assert_eq!(
        err_state(get(&Int64Array::from(vec![123456]), 0, SQL_C_CHAR, 4).0),
        "22003"
    );
    assert_eq!(
        err_state(get(&Int64Array::from(vec![123456]), 0, SQL_C_WCHAR, 8).0),
        "22003"
    );
    // A second call after a number: no more data.
    let mut chunk = ChunkState::default();
    let a = Int64Array::from(vec![7]);
    value(get_chunk(&a, 0, SQL_C_CHAR, 8, &mut chunk).0);
    assert_eq!(
        get_chunk(&a, 0, SQL_C_CHAR, 8, &mut chunk).0,
        Ok(CellOutcome::NoMoreData)
    );
    // Timestamps: the fraction may be cut, the rest must fit.
    let ts = TimestampMillisecondArray::from(vec![1_709_164_800_123]);
    let (r, buf) = get(&ts, 0, SQL_C_CHAR, 22);
    assert_eq!(value(r), (23, true));
    assert_eq!(char_text(&buf), "2024-02-29 00:00:00.1");
    // A dangling point is not returned.
    let (r, buf) = get(&ts, 0, SQL_C_CHAR, 21);
    assert_eq!(value(r), (23, true));
    assert_eq!(char_text(&buf), "2024-02-29 00:00:00");
    assert_eq!(err_state(get(&ts, 0, SQL_C_CHAR, 15).0), "22003");
}

// ---------------------------------------------------------------------------------------------
// Integers, floats, bit

#[test]
fn integers_with_range_checks() {
    let a = Int64Array::from(vec![300, -1, 127, i64::MAX]);
    assert_eq!(i64_of(&a, 0, SQL_C_SSHORT).unwrap(), (300, false));
    assert_eq!(i64_of(&a, 0, SQL_C_SLONG).unwrap(), (300, false));
    assert_eq!(i64_of(&a, 2, SQL_C_TINYINT).unwrap(), (127, false));
    assert_eq!(
        i64_of(&a, 3, SQL_C_UBIGINT).unwrap(),
        (i64::MAX.into(), false)
    );
    let e = i64_of(&a, 0, SQL_C_TINYINT).unwrap_err();
    assert_eq!(e.state.as_str(), "22003");
    assert_eq!(
        e.message,
        "[apiodbc] The value 300 does not fit in SQL_C_TINYINT (column 2); fetch it as SQL_C_SHORT or wider"
    );
    assert_eq!(
        i64_of(&a, 1, SQL_C_ULONG).unwrap_err().state.as_str(),
        "22003"
    );
    assert_eq!(
        i64_of(&a, 3, SQL_C_SLONG).unwrap_err().state.as_str(),
        "22003"
    );
    let u = UInt64Array::from(vec![u64::MAX]);
    assert_eq!(
        i64_of(&u, 0, SQL_C_UBIGINT).unwrap(),
        (u64::MAX.into(), false)
    );
    assert_eq!(
        i64_of(&u, 0, SQL_C_SBIGINT).unwrap_err().state.as_str(),
        "22003"
    );
    let small = UInt8Array::from(vec![200]);
    assert_eq!(i64_of(&small, 0, SQL_C_UTINYINT).unwrap(), (200, false));
    assert_eq!(
        i64_of(&small, 0, SQL_C_STINYINT)
            .unwrap_err()
            .state
            .as_str(),
        "22003"
    );
    assert_eq!(i64_of(&small, 0, SQL_C_USHORT).unwrap(), (200, false));
    assert_eq!(i64_of(&small, 0, SQL_C_SHORT).unwrap(), (200, false));
    assert_eq!(i64_of(&small, 0, SQL_C_LONG).unwrap(), (200, false));
    let b = BooleanArray::from(vec![true]);
    assert_eq!(i64_of(&b, 0, SQL_C_SLONG).unwrap(), (1, false));
}

#[test]
fn integers_from_floats_decimals_and_text() {
    let f = Float64Array::from(vec![2.75, -2.75, 1e300, f64::NAN]);
    assert_eq!(i64_of(&f, 0, SQL_C_SLONG).unwrap(), (2, true));
    assert_eq!(i64_of(&f, 1, SQL_C_SLONG).unwrap(), (-2, true));
    assert_eq!(
        i64_of(&f, 2, SQL_C_SBIGINT).unwrap_err().state.as_str(),
        "22003"
    );
    assert_eq!(
        i64_of(&f, 3, SQL_C_SBIGINT).unwrap_err().state.as_str(),
        "22003"
    );
    let d = Decimal128Array::from(vec![12345, 500])
        .with_precision_and_scale(10, 2)
        .unwrap();
    assert_eq!(i64_of(&d, 0, SQL_C_SLONG).unwrap(), (123, true));
    assert_eq!(i64_of(&d, 1, SQL_C_SLONG).unwrap(), (5, false));
    let s = StringArray::from(vec![
        " 42 ",
        "12.5",
        "abc",
        "1e3",
        "99999999999999999999999",
        "",
    ]);
    assert_eq!(i64_of(&s, 0, SQL_C_SLONG).unwrap(), (42, false));
    assert_eq!(i64_of(&s, 1, SQL_C_SLONG).unwrap(), (12, true));
    let e = i64_of(&s, 2, SQL_C_SLONG).unwrap_err();
    assert_eq!(e.state.as_str(), "22018");
    assert_eq!(e.kind, ErrorKind::Odbc(state::INVALID_CHARACTER_VALUE));
    assert!(e.message.contains("'abc'") && e.message.contains("SQL_C_SLONG"));
    assert_eq!(i64_of(&s, 3, SQL_C_SLONG).unwrap(), (1000, false));
    assert_eq!(
        i64_of(&s, 4, SQL_C_SBIGINT).unwrap_err().state.as_str(),
        "22003"
    );
    assert_eq!(
        i64_of(&s, 5, SQL_C_SBIGINT).unwrap_err().state.as_str(),
        "22018"
    );
    let date = Date32Array::from(vec![0]);
    assert_eq!(
        i64_of(&date, 0, SQL_C_SLONG).unwrap_err().state.as_str(),
        "07006"
    );
    let bin = BinaryArray::from(vec![&[1u8][..]]);
    assert_eq!(
        i64_of(&bin, 0, SQL_C_SLONG).unwrap_err().state.as_str(),
        "07006"
    );
}

#[test]
fn floats() {
    assert_eq!(f64_of(&Int32Array::from(vec![-3]), 0).unwrap(), -3.0);
    assert_eq!(f64_of(&Float32Array::from(vec![1.5f32]), 0).unwrap(), 1.5);
    let d = Decimal128Array::from(vec![12345])
        .with_precision_and_scale(10, 2)
        .unwrap();
    assert_eq!(f64_of(&d, 0).unwrap(), 123.45);
    let s = StringArray::from(vec!["2.5e3", "nope"]);
    assert_eq!(f64_of(&s, 0).unwrap(), 2500.0);
    assert_eq!(err_state(get(&s, 1, SQL_C_DOUBLE, 8).0), "22018");
    let (r, buf) = get(&Float64Array::from(vec![0.25]), 0, SQL_C_FLOAT, 4);
    assert_eq!(value(r), (4, false));
    assert_eq!(f32::from_ne_bytes(buf[..4].try_into().unwrap()), 0.25);
    assert_eq!(
        err_state(get(&Float64Array::from(vec![1e300]), 0, SQL_C_FLOAT, 4).0),
        "22003"
    );
    assert_eq!(
        err_state(get(&Date32Array::from(vec![0]), 0, SQL_C_DOUBLE, 8).0),
        "07006"
    );
}

#[test]
fn bit() {
    let b = BooleanArray::from(vec![true, false]);
    assert_eq!(i64_of(&b, 0, SQL_C_BIT).unwrap(), (1, false));
    assert_eq!(i64_of(&b, 1, SQL_C_BIT).unwrap(), (0, false));
    let i = Int32Array::from(vec![0, 1, 2, -1]);
    assert_eq!(i64_of(&i, 1, SQL_C_BIT).unwrap(), (1, false));
    assert_eq!(
        i64_of(&i, 2, SQL_C_BIT).unwrap_err().state.as_str(),
        "22003"
    );
    assert_eq!(
        i64_of(&i, 3, SQL_C_BIT).unwrap_err().state.as_str(),
        "22003"
    );
    let f = Float64Array::from(vec![1.5, 0.5, 2.0]);
    assert_eq!(i64_of(&f, 0, SQL_C_BIT).unwrap(), (1, true));
    assert_eq!(i64_of(&f, 1, SQL_C_BIT).unwrap(), (0, true));
    assert_eq!(
        i64_of(&f, 2, SQL_C_BIT).unwrap_err().state.as_str(),
        "22003"
    );
    let s = StringArray::from(vec!["1", "TRUE", "false", "x"]);
    assert_eq!(i64_of(&s, 0, SQL_C_BIT).unwrap(), (1, false));
    assert_eq!(i64_of(&s, 1, SQL_C_BIT).unwrap(), (1, false));
    assert_eq!(i64_of(&s, 2, SQL_C_BIT).unwrap(), (0, false));
    assert_eq!(
        i64_of(&s, 3, SQL_C_BIT).unwrap_err().state.as_str(),
        "22018"
    );
}

#[test]
fn fixed_size_second_call_is_no_more_data() {
    let a = Int32Array::from(vec![9]);
    let mut chunk = ChunkState::default();
    value(get_chunk(&a, 0, SQL_C_SLONG, 4, &mut chunk).0);
    assert_eq!(
        get_chunk(&a, 0, SQL_C_SLONG, 4, &mut chunk).0,
        Ok(CellOutcome::NoMoreData)
    );
}

// ---------------------------------------------------------------------------------------------
// SQL_C_NUMERIC

fn numeric_of(array: &dyn Array, precision: i16, scale: i16) -> Result<([u8; 19], bool)> {
    let mut buf = [0u8; 19];
    let mut chunk = ChunkState::default();
    let r = write_cell(
        array,
        0,
        CellTarget {
            c_type: SQL_C_NUMERIC,
            buffer: Some(&mut buf),
            precision,
            scale,
        },
        &mut chunk,
        1,
    )?;
    match r {
        CellOutcome::Value {
            indicator,
            truncated,
        } => {
            assert_eq!(indicator, 19);
            Ok((buf, truncated))
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn numeric_struct_out() {
    let d = Decimal128Array::from(vec![12345])
        .with_precision_and_scale(10, 2)
        .unwrap();
    let (b, t) = numeric_of(&d, 10, 2).unwrap();
    assert!(!t);
    assert_eq!(b[0], 10);
    assert_eq!(b[1], 2);
    assert_eq!(b[2], 1);
    assert_eq!(u128::from_le_bytes(b[3..].try_into().unwrap()), 12345);
    // Rescaled up.
    let (b, t) = numeric_of(&d, 10, 4).unwrap();
    assert!(!t);
    assert_eq!(u128::from_le_bytes(b[3..].try_into().unwrap()), 1_234_500);
    // Rescaled down: fractional truncation.
    let (b, t) = numeric_of(&d, 10, 1).unwrap();
    assert!(t);
    assert_eq!(b[1], 1);
    assert_eq!(u128::from_le_bytes(b[3..].try_into().unwrap()), 1234);
    // Default precision 0 means 38, scale 0.
    let (b, t) = numeric_of(&d, 0, 0).unwrap();
    assert!(t);
    assert_eq!((b[0], b[1]), (38, 0));
    assert_eq!(u128::from_le_bytes(b[3..].try_into().unwrap()), 123);
    // Too many digits for the precision: 22003.
    assert_eq!(numeric_of(&d, 4, 2).unwrap_err().state.as_str(), "22003");
    // Negative, from text and from a float.
    let s = StringArray::from(vec!["-0.5"]);
    let (b, _) = numeric_of(&s, 5, 3).unwrap();
    assert_eq!(b[2], 0);
    assert_eq!(u128::from_le_bytes(b[3..].try_into().unwrap()), 500);
    let f = Float64Array::from(vec![0.1]);
    let (b, t) = numeric_of(&f, 10, 2).unwrap();
    assert!(!t);
    assert_eq!(u128::from_le_bytes(b[3..].try_into().unwrap()), 10);
    let i = Int64Array::from(vec![-7]);
    let (b, _) = numeric_of(&i, 0, 0).unwrap();
    assert_eq!((b[2], b[3]), (0, 7));
    assert_eq!(
        numeric_of(&StringArray::from(vec!["x"]), 10, 2)
            .unwrap_err()
            .state
            .as_str(),
        "22018"
    );
    assert_eq!(numeric_of(&d, 10, 12).unwrap_err().state.as_str(), "HY104");
}

// ---------------------------------------------------------------------------------------------
// Date, time, timestamp structs

fn struct_bytes(array: &dyn Array, c_type: i16) -> Result<(Vec<u8>, bool)> {
    let (r, buf) = get(array, 0, c_type, fixed_size(c_type).unwrap());
    r.map(|o| match o {
        CellOutcome::Value { truncated, .. } => (buf, truncated),
        o => panic!("{o:?}"),
    })
}

fn date_layout(y: i16, m: u16, d: u16) -> Vec<u8> {
    [y.to_ne_bytes(), m.to_ne_bytes(), d.to_ne_bytes()].concat()
}

fn time_layout(h: u16, m: u16, s: u16) -> Vec<u8> {
    [h.to_ne_bytes(), m.to_ne_bytes(), s.to_ne_bytes()].concat()
}

#[test]
fn date_struct_layout() {
    let a = Date32Array::from(vec![19_782]);
    for c_type in [SQL_C_TYPE_DATE, SQL_C_DATE] {
        assert_eq!(
            struct_bytes(&a, c_type).unwrap(),
            (date_layout(2024, 2, 29), false)
        );
    }
    let ts = TimestampSecondArray::from(vec![1_709_164_800 + 3_600]);
    assert_eq!(
        struct_bytes(&ts, SQL_C_TYPE_DATE).unwrap(),
        (date_layout(2024, 2, 29), true)
    );
    let s = StringArray::from(vec!["2024-02-29"]);
    assert_eq!(
        struct_bytes(&s, SQL_C_TYPE_DATE).unwrap(),
        (date_layout(2024, 2, 29), false)
    );
    let bad = StringArray::from(vec!["2024-02-30"]);
    assert_eq!(
        struct_bytes(&bad, SQL_C_TYPE_DATE)
            .unwrap_err()
            .state
            .as_str(),
        "22007"
    );
    let junk = StringArray::from(vec!["yesterday"]);
    assert_eq!(
        struct_bytes(&junk, SQL_C_TYPE_DATE)
            .unwrap_err()
            .state
            .as_str(),
        "22018"
    );
    let t = Time32SecondArray::from(vec![0]);
    assert_eq!(
        struct_bytes(&t, SQL_C_TYPE_DATE)
            .unwrap_err()
            .state
            .as_str(),
        "07006"
    );
    let n = Int32Array::from(vec![0]);
    assert_eq!(
        struct_bytes(&n, SQL_C_TYPE_DATE)
            .unwrap_err()
            .state
            .as_str(),
        "07006"
    );
    // A year beyond i16.
    let far = Date32Array::from(vec![20_000_000]);
    assert_eq!(
        struct_bytes(&far, SQL_C_TYPE_DATE)
            .unwrap_err()
            .state
            .as_str(),
        "22008"
    );
}

#[test]
fn time_struct_layout() {
    let a = Time64NanosecondArray::from(vec![(3_723 * 1_000_000_000) + 5]);
    for c_type in [SQL_C_TYPE_TIME, SQL_C_TIME] {
        assert_eq!(
            struct_bytes(&a, c_type).unwrap(),
            (time_layout(1, 2, 3), true),
            "fractional seconds are truncated"
        );
    }
    let whole = Time32SecondArray::from(vec![3_723]);
    assert_eq!(
        struct_bytes(&whole, SQL_C_TYPE_TIME).unwrap(),
        (time_layout(1, 2, 3), false)
    );
    let ts = TimestampSecondArray::from(vec![1_709_164_800 + 3_723]);
    assert_eq!(
        struct_bytes(&ts, SQL_C_TYPE_TIME).unwrap(),
        (time_layout(1, 2, 3), false)
    );
    let s = StringArray::from(vec!["23:59:58"]);
    assert_eq!(
        struct_bytes(&s, SQL_C_TYPE_TIME).unwrap(),
        (time_layout(23, 59, 58), false)
    );
    let d = Date32Array::from(vec![0]);
    assert_eq!(
        struct_bytes(&d, SQL_C_TYPE_TIME)
            .unwrap_err()
            .state
            .as_str(),
        "07006"
    );
}

#[test]
fn timestamp_struct_layout() {
    let a = TimestampMicrosecondArray::from(vec![1_709_164_800_000_000 + 3_723_000_456]);
    let mut expected = date_layout(2024, 2, 29);
    expected.extend(time_layout(1, 2, 3));
    expected.extend(456_000u32.to_ne_bytes());
    for c_type in [SQL_C_TYPE_TIMESTAMP, SQL_C_TIMESTAMP] {
        assert_eq!(struct_bytes(&a, c_type).unwrap(), (expected.clone(), false));
    }
    let d = Date32Array::from(vec![19_782]);
    let mut midnight = date_layout(2024, 2, 29);
    midnight.extend(time_layout(0, 0, 0));
    midnight.extend(0u32.to_ne_bytes());
    assert_eq!(
        struct_bytes(&d, SQL_C_TYPE_TIMESTAMP).unwrap(),
        (midnight.clone(), false)
    );
    let s = StringArray::from(vec!["2024-02-29T01:02:03.000456Z", "2024-02-29"]);
    assert_eq!(
        struct_bytes(&s, SQL_C_TYPE_TIMESTAMP).unwrap(),
        (expected, false)
    );
    let (r, buf) = get(&s, 1, SQL_C_TYPE_TIMESTAMP, 16);
    value(r);
    assert_eq!(buf, midnight);
    // A time gets today's date.
    let t = Time32SecondArray::from(vec![3_723]);
    let (b, _) = struct_bytes(&t, SQL_C_TYPE_TIMESTAMP).unwrap();
    assert_eq!(&b[6..12], &time_layout(1, 2, 3)[..]);
    assert!(i16::from_ne_bytes([b[0], b[1]]) >= 2024);
    // Timezone-aware timestamps are UTC wall clock.
    let tz = TimestampSecondArray::from(vec![0]).with_timezone("America/New_York");
    let (b, _) = struct_bytes(&tz, SQL_C_TYPE_TIMESTAMP).unwrap();
    assert_eq!(&b[..6], &date_layout(1970, 1, 1)[..]);
}

// ---------------------------------------------------------------------------------------------
// Binary, GUID, default, bad types

#[test]
fn binary_target() {
    let a = BinaryArray::from(vec![&[1u8, 2, 3, 4, 5][..]]);
    let mut chunk = ChunkState::default();
    let (r, buf) = get_chunk(&a, 0, SQL_C_BINARY, 3, &mut chunk);
    assert_eq!(value(r), (5, true));
    assert_eq!(buf, vec![1, 2, 3]);
    let (r, buf) = get_chunk(&a, 0, SQL_C_BINARY, 3, &mut chunk);
    assert_eq!(value(r), (2, false));
    assert_eq!(&buf[..2], &[4, 5]);
    assert_eq!(
        get_chunk(&a, 0, SQL_C_BINARY, 3, &mut chunk).0,
        Ok(CellOutcome::NoMoreData)
    );
    let s = StringArray::from(vec!["hé"]);
    let (r, buf) = get(&s, 0, SQL_C_BINARY, 8);
    assert_eq!(value(r), (3, false));
    assert_eq!(&buf[..3], "hé".as_bytes());
    // Numbers as their native bytes of the column's width.
    let (r, buf) = get(&Int16Array::from(vec![258]), 0, SQL_C_BINARY, 8);
    assert_eq!(value(r), (2, false));
    assert_eq!(&buf[..2], &258i16.to_ne_bytes());
    let (r, buf) = get(&Float64Array::from(vec![1.5]), 0, SQL_C_BINARY, 8);
    assert_eq!(value(r), (8, false));
    assert_eq!(&buf[..8], &1.5f64.to_ne_bytes());
    let (r, buf) = get(&Date32Array::from(vec![19_782]), 0, SQL_C_BINARY, 8);
    assert_eq!(value(r), (6, false));
    assert_eq!(&buf[..6], &date_layout(2024, 2, 29)[..]);
    assert_eq!(
        err_state(get(&Int64Array::from(vec![1]), 0, SQL_C_BINARY, 4).0),
        "22003"
    );
    let d = Decimal128Array::from(vec![12345])
        .with_precision_and_scale(10, 2)
        .unwrap();
    let (r, buf) = get(&d, 0, SQL_C_BINARY, 8);
    assert_eq!(value(r), (6, false));
    assert_eq!(&buf[..6], b"123.45");
}

#[test]
fn guid_target_and_param() {
    let s = StringArray::from(vec!["12345678-9abc-def0-1234-56789abcdef0", "nope"]);
    let (r, buf) = get(&s, 0, SQL_C_GUID, 16);
    assert_eq!(value(r), (16, false));
    assert_eq!(&buf[..4], &0x1234_5678u32.to_ne_bytes());
    assert_eq!(&buf[4..6], &0x9abcu16.to_ne_bytes());
    assert_eq!(&buf[6..8], &0xdef0u16.to_ne_bytes());
    assert_eq!(&buf[8..], &[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]);
    assert_eq!(err_state(get(&s, 1, SQL_C_GUID, 16).0), "22018");
    assert_eq!(
        read_param(SQL_C_GUID, &buf, None, 1).unwrap(),
        ParamValue::Text("12345678-9abc-def0-1234-56789abcdef0".into())
    );
}

#[test]
fn default_c_types() {
    assert_eq!(default_c_type(&DataType::Utf8), SQL_C_WCHAR);
    assert_eq!(default_c_type(&DataType::Decimal128(10, 2)), SQL_C_CHAR);
    assert_eq!(default_c_type(&DataType::Int8), SQL_C_STINYINT);
    assert_eq!(default_c_type(&DataType::UInt8), SQL_C_UTINYINT);
    assert_eq!(default_c_type(&DataType::Int16), SQL_C_SSHORT);
    assert_eq!(default_c_type(&DataType::Int32), SQL_C_SLONG);
    assert_eq!(default_c_type(&DataType::Int64), SQL_C_SBIGINT);
    assert_eq!(default_c_type(&DataType::UInt64), SQL_C_UBIGINT);
    assert_eq!(default_c_type(&DataType::Float32), SQL_C_FLOAT);
    assert_eq!(default_c_type(&DataType::Float64), SQL_C_DOUBLE);
    assert_eq!(default_c_type(&DataType::Boolean), SQL_C_BIT);
    assert_eq!(default_c_type(&DataType::Decimal128(10, 2)), SQL_C_CHAR);
    assert_eq!(default_c_type(&DataType::Date32), SQL_C_TYPE_DATE);
    assert_eq!(
        default_c_type(&DataType::Time64(TimeUnit::Microsecond)),
        SQL_C_TYPE_TIME
    );
    assert_eq!(
        default_c_type(&DataType::Timestamp(
            TimeUnit::Microsecond,
            Some("UTC".into())
        )),
        SQL_C_TYPE_TIMESTAMP
    );
    assert_eq!(default_c_type(&DataType::Binary), SQL_C_BINARY);
    // SQL_C_DEFAULT resolves through write_cell.
    let (r, buf) = get(&Int32Array::from(vec![-5]), 0, SQL_C_DEFAULT, 4);
    assert_eq!(value(r), (4, false));
    assert_eq!(buf, (-5i32).to_ne_bytes());
    let (r, buf) = get(&Float64Array::from(vec![2.5]), 0, SQL_C_DEFAULT, 8);
    value(r);
    assert_eq!(buf, 2.5f64.to_ne_bytes());
    let (r, buf) = get(&StringArray::from(vec!["x"]), 0, SQL_C_DEFAULT, 8);
    value(r);
    assert_eq!(char_text(&buf), "x");
}

#[test]
fn invalid_and_unsupported_c_types() {
    let a = Int32Array::from(vec![1]);
    assert_eq!(err_state(get(&a, 0, 1234, 8).0), "HY003");
    assert_eq!(err_state(get(&a, 0, SQL_ARD_TYPE, 8).0), "HY003");
    assert_eq!(err_state(get(&a, 0, SQL_C_INTERVAL_DAY, 28).0), "07006");
    assert_eq!(err_state(get(&a, 0, SQL_C_GUID, 16).0), "07006");
    // A fixed-size buffer that is too short.
    assert_eq!(err_state(get(&a, 0, SQL_C_SBIGINT, 4).0), "HY090");
    // Intervals and nested values are text only.
    let iv = IntervalYearMonthArray::from(vec![14]);
    assert_eq!(err_state(get(&iv, 0, SQL_C_SLONG, 4).0), "07006");
    // A row past the end is an error, not a panic.
    assert_eq!(err_state(get(&a, 5, SQL_C_SLONG, 4).0), "HY000");
}

#[test]
fn truncation_states() {
    assert_eq!(truncation_state(SQL_C_CHAR).as_str(), "01004");
    assert_eq!(truncation_state(SQL_C_BINARY).as_str(), "01004");
    assert_eq!(truncation_state(SQL_C_SLONG).as_str(), "01S07");
}

#[test]
fn text_of_matches_char() {
    let a = Float64Array::from(vec![Some(1e-7), None]);
    assert_eq!(text_of(&a, 0).unwrap().as_deref(), Some("1e-7"));
    assert_eq!(text_of(&a, 1).unwrap(), None);
}

// ---------------------------------------------------------------------------------------------
// Parameters

#[test]
fn params_text() {
    assert_eq!(
        read_param(SQL_C_CHAR, b"abc\0junk", Some(SQL_NTS), 1).unwrap(),
        ParamValue::Text("abc".into())
    );
    assert_eq!(
        read_param(SQL_C_CHAR, b"abcdef", Some(3), 1).unwrap(),
        ParamValue::Text("abc".into())
    );
    assert_eq!(
        read_param(SQL_C_CHAR, "hé".as_bytes(), None, 1).unwrap(),
        ParamValue::Text("hé".into())
    );
    assert_eq!(
        read_param(SQL_C_CHAR, &[0xff, 0xfe], Some(2), 3)
            .unwrap_err()
            .state
            .as_str(),
        "22018"
    );
    let wide: Vec<u8> = "a🙂"
        .encode_utf16()
        .chain([0, 0x41])
        .flat_map(u16::to_ne_bytes)
        .collect();
    assert_eq!(
        read_param(SQL_C_WCHAR, &wide, Some(SQL_NTS), 1).unwrap(),
        ParamValue::Text("a🙂".into())
    );
    assert_eq!(
        read_param(SQL_C_WCHAR, &wide, Some(2), 1).unwrap(),
        ParamValue::Text("a".into())
    );
    // A lone high surrogate.
    let lone: Vec<u8> = [0xD83Du16].iter().flat_map(|u| u.to_ne_bytes()).collect();
    assert_eq!(
        read_param(SQL_C_WCHAR, &lone, Some(2), 1)
            .unwrap_err()
            .state
            .as_str(),
        "22018"
    );
    assert_eq!(
        read_param(SQL_C_WCHAR, &wide, Some(3), 1)
            .unwrap_err()
            .state
            .as_str(),
        "22018"
    );
    assert_eq!(
        read_param(SQL_C_BINARY, &[1, 2, 3], Some(2), 1).unwrap(),
        ParamValue::Binary(vec![1, 2])
    );
    assert_eq!(
        read_param(SQL_C_CHAR, b"x", Some(SQL_NULL_DATA), 1).unwrap(),
        ParamValue::Null
    );
    assert_eq!(
        read_param(SQL_C_SLONG, &[], Some(SQL_NULL_DATA), 1).unwrap(),
        ParamValue::Null
    );
}

#[test]
fn params_numbers() {
    assert_eq!(
        read_param(SQL_C_BIT, &[1], None, 1).unwrap(),
        ParamValue::Bool(true)
    );
    assert_eq!(
        read_param(SQL_C_BIT, &[0], None, 1).unwrap(),
        ParamValue::Bool(false)
    );
    assert_eq!(
        read_param(SQL_C_BIT, &[7], None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "22003"
    );
    assert_eq!(
        read_param(SQL_C_STINYINT, &(-5i8).to_ne_bytes(), None, 1).unwrap(),
        ParamValue::I64(-5)
    );
    assert_eq!(
        read_param(SQL_C_TINYINT, &(-5i8).to_ne_bytes(), None, 1).unwrap(),
        ParamValue::I64(-5)
    );
    assert_eq!(
        read_param(SQL_C_UTINYINT, &[250], None, 1).unwrap(),
        ParamValue::I64(250)
    );
    assert_eq!(
        read_param(SQL_C_SHORT, &(-300i16).to_ne_bytes(), None, 1).unwrap(),
        ParamValue::I64(-300)
    );
    assert_eq!(
        read_param(SQL_C_SSHORT, &(-300i16).to_ne_bytes(), None, 1).unwrap(),
        ParamValue::I64(-300)
    );
    assert_eq!(
        read_param(SQL_C_USHORT, &60000u16.to_ne_bytes(), None, 1).unwrap(),
        ParamValue::I64(60000)
    );
    assert_eq!(
        read_param(SQL_C_LONG, &(-70000i32).to_ne_bytes(), Some(4), 1).unwrap(),
        ParamValue::I64(-70000)
    );
    assert_eq!(
        read_param(SQL_C_SLONG, &(-70000i32).to_ne_bytes(), Some(SQL_NTS), 1).unwrap(),
        ParamValue::I64(-70000)
    );
    assert_eq!(
        read_param(SQL_C_ULONG, &u32::MAX.to_ne_bytes(), None, 1).unwrap(),
        ParamValue::I64(u32::MAX.into())
    );
    assert_eq!(
        read_param(SQL_C_SBIGINT, &i64::MIN.to_ne_bytes(), None, 1).unwrap(),
        ParamValue::I64(i64::MIN)
    );
    assert_eq!(
        read_param(SQL_C_UBIGINT, &u64::MAX.to_ne_bytes(), None, 1).unwrap(),
        ParamValue::U64(u64::MAX)
    );
    assert_eq!(
        read_param(SQL_C_FLOAT, &0.1f32.to_ne_bytes(), None, 1).unwrap(),
        ParamValue::F64(0.1)
    );
    assert_eq!(
        read_param(SQL_C_DOUBLE, &2.5f64.to_ne_bytes(), None, 1).unwrap(),
        ParamValue::F64(2.5)
    );
    assert_eq!(
        read_param(SQL_C_DOUBLE, &[0; 4], None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "HY090"
    );
    assert_eq!(
        read_param(SQL_C_DEFAULT, &[0; 4], None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "HY003"
    );
    assert_eq!(
        read_param(4321, &[0; 4], None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "HY003"
    );
    assert_eq!(
        read_param(SQL_C_INTERVAL_DAY, &[0; 28], None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "07006"
    );
}

#[test]
fn params_numeric_struct() {
    let mut b = [0u8; 19];
    b[0] = 5;
    b[1] = 2;
    b[2] = 1;
    b[3..].copy_from_slice(&12345u128.to_le_bytes());
    assert_eq!(
        read_param(SQL_C_NUMERIC, &b, None, 1).unwrap(),
        ParamValue::Decimal {
            value: 12345,
            precision: 5,
            scale: 2
        }
    );
    b[2] = 0;
    b[0] = 0;
    assert_eq!(
        read_param(SQL_C_NUMERIC, &b, None, 1).unwrap(),
        ParamValue::Decimal {
            value: -12345,
            precision: 5,
            scale: 2
        }
    );
    b[2] = 9;
    assert_eq!(
        read_param(SQL_C_NUMERIC, &b, None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "22018"
    );
    b[2] = 1;
    b[3..].copy_from_slice(&u128::MAX.to_le_bytes());
    assert_eq!(
        read_param(SQL_C_NUMERIC, &b, None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "22003"
    );
    // Round trip: what write_cell produces, read_param reads back.
    let d = Decimal128Array::from(vec![-98765])
        .with_precision_and_scale(9, 3)
        .unwrap();
    let (out, _) = numeric_of(&d, 9, 3).unwrap();
    assert_eq!(
        read_param(SQL_C_NUMERIC, &out, None, 1).unwrap(),
        ParamValue::Decimal {
            value: -98765,
            precision: 9,
            scale: 3
        }
    );
}

#[test]
fn params_datetime_structs() {
    let date = date_layout(2024, 2, 29);
    assert_eq!(
        read_param(SQL_C_TYPE_DATE, &date, None, 1).unwrap(),
        ParamValue::Date(ymd(2024, 2, 29))
    );
    assert_eq!(
        read_param(SQL_C_DATE, &date, None, 1).unwrap(),
        ParamValue::Date(ymd(2024, 2, 29))
    );
    assert_eq!(
        read_param(SQL_C_TYPE_DATE, &date_layout(2023, 2, 29), None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "22007"
    );
    assert_eq!(
        read_param(SQL_C_TYPE_TIME, &time_layout(13, 14, 15), None, 1).unwrap(),
        ParamValue::Time(NaiveTime::from_hms_opt(13, 14, 15).unwrap())
    );
    assert_eq!(
        read_param(SQL_C_TIME, &time_layout(24, 0, 0), None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "22007"
    );
    let mut ts = date_layout(2024, 2, 29);
    ts.extend(time_layout(1, 2, 3));
    ts.extend(500_000_000u32.to_ne_bytes());
    assert_eq!(
        read_param(SQL_C_TYPE_TIMESTAMP, &ts, None, 1).unwrap(),
        ParamValue::Timestamp(ymd(2024, 2, 29).and_hms_milli_opt(1, 2, 3, 500).unwrap())
    );
    assert_eq!(
        read_param(SQL_C_TIMESTAMP, &ts, Some(16), 1).unwrap(),
        ParamValue::Timestamp(ymd(2024, 2, 29).and_hms_milli_opt(1, 2, 3, 500).unwrap())
    );
    ts[12..].copy_from_slice(&1_000_000_000u32.to_ne_bytes());
    assert_eq!(
        read_param(SQL_C_TYPE_TIMESTAMP, &ts, None, 1)
            .unwrap_err()
            .state
            .as_str(),
        "22007"
    );
    // Round trip through write_cell.
    let a = TimestampNanosecondArray::from(vec![1_709_164_800_000_000_007]);
    let (b, _) = struct_bytes(&a, SQL_C_TYPE_TIMESTAMP).unwrap();
    assert_eq!(
        read_param(SQL_C_TYPE_TIMESTAMP, &b, None, 1).unwrap(),
        ParamValue::Timestamp(ymd(2024, 2, 29).and_hms_nano_opt(0, 0, 0, 7).unwrap())
    );
}
