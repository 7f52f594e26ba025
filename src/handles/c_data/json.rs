//! JSON text for nested Arrow values (lists, structs, maps), which ODBC sees as long text.
//! Numbers stay numbers, text and datetimes become JSON strings, binary becomes a hex string,
//! NaN and infinities become `null` (JSON has no spelling for them).

use arrow::array::{Array, AsArray};
use arrow::datatypes::DataType;

use crate::error::{Error, Result};

use super::text_form::cell_text;
use super::value::Cell;

/// How a leaf value is read (`cell::cell_at`, which in turn asks this module for nested values):
/// passed in, so that the two recurse into each other without depending on each other.
pub(crate) type ReadCell = for<'a> fn(&'a dyn Array, usize) -> Result<Option<Cell<'a>>>;

/// The JSON text of the nested value at `row`.
pub(crate) fn to_json(array: &dyn Array, row: usize, read: ReadCell) -> Result<String> {
    let mut out = String::new();
    write_value(&mut out, array, row, read)?;
    Ok(out)
}

fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn internal(dt: &DataType) -> Error {
    Error::general(format!(
        "Internal error: an Arrow array of type {dt} could not be read as JSON; please report it"
    ))
}

fn write_range(
    out: &mut String,
    values: &dyn Array,
    start: usize,
    end: usize,
    read: ReadCell,
) -> Result<()> {
    out.push('[');
    for i in start..end {
        if i > start {
            out.push(',');
        }
        write_value(out, values, i, read)?;
    }
    out.push(']');
    Ok(())
}

fn write_value(out: &mut String, array: &dyn Array, row: usize, read: ReadCell) -> Result<()> {
    let dt = array.data_type();
    let nested = matches!(
        dt,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(_, _)
            | DataType::ListView(_)
            | DataType::LargeListView(_)
            | DataType::Struct(_)
            | DataType::Map(_, _)
    );
    if !nested {
        return write_scalar(out, array, row, read);
    }
    if row >= array.len() {
        return Err(internal(dt));
    }
    if array.is_null(row) {
        out.push_str("null");
        return Ok(());
    }
    match dt {
        DataType::List(_) => {
            let l = array.as_list_opt::<i32>().ok_or_else(|| internal(dt))?;
            let o = l.value_offsets();
            let (s, e) = (o[row], o[row + 1]);
            write_range(out, l.values().as_ref(), to_usize(s)?, to_usize(e)?, read)
        }
        DataType::LargeList(_) => {
            let l = array.as_list_opt::<i64>().ok_or_else(|| internal(dt))?;
            let o = l.value_offsets();
            let (s, e) = (o[row], o[row + 1]);
            write_range(out, l.values().as_ref(), to_usize(s)?, to_usize(e)?, read)
        }
        DataType::FixedSizeList(_, _) => {
            let l = array.as_fixed_size_list_opt().ok_or_else(|| internal(dt))?;
            let n = to_usize(l.value_length())?;
            let s = to_usize(l.value_offset(row))?;
            write_range(out, l.values().as_ref(), s, s + n, read)
        }
        DataType::ListView(_) => {
            let l = array
                .as_list_view_opt::<i32>()
                .ok_or_else(|| internal(dt))?;
            let s = to_usize(l.value_offsets()[row])?;
            let n = to_usize(l.value_sizes()[row])?;
            write_range(out, l.values().as_ref(), s, s + n, read)
        }
        DataType::LargeListView(_) => {
            let l = array
                .as_list_view_opt::<i64>()
                .ok_or_else(|| internal(dt))?;
            let s = to_usize(l.value_offsets()[row])?;
            let n = to_usize(l.value_sizes()[row])?;
            write_range(out, l.values().as_ref(), s, s + n, read)
        }
        DataType::Struct(fields) => {
            let st = array.as_struct_opt().ok_or_else(|| internal(dt))?;
            out.push('{');
            for (i, (field, column)) in fields.iter().zip(st.columns()).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, field.name());
                out.push(':');
                write_value(out, column.as_ref(), row, read)?;
            }
            out.push('}');
            Ok(())
        }
        DataType::Map(_, _) => {
            let m = array.as_map_opt().ok_or_else(|| internal(dt))?;
            let o = m.value_offsets();
            let (s, e) = (to_usize(o[row])?, to_usize(o[row + 1])?);
            out.push('{');
            for i in s..e {
                if i > s {
                    out.push(',');
                }
                let key = match read(m.keys().as_ref(), i)? {
                    None => String::from("null"),
                    Some(cell) => cell_text(&cell).0.into_owned(),
                };
                push_string(out, &key);
                out.push(':');
                write_value(out, m.values().as_ref(), i, read)?;
            }
            out.push('}');
            Ok(())
        }
        _ => Err(internal(dt)),
    }
}

fn to_usize<T: TryInto<usize>>(v: T) -> Result<usize> {
    v.try_into()
        .map_err(|_| Error::general("Internal error: a negative Arrow list offset"))
}

fn write_scalar(out: &mut String, array: &dyn Array, row: usize, read: ReadCell) -> Result<()> {
    let Some(cell) = read(array, row)? else {
        out.push_str("null");
        return Ok(());
    };
    match &cell {
        Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Cell::F32(v) if !v.is_finite() => out.push_str("null"),
        Cell::F64(v) if !v.is_finite() => out.push_str("null"),
        Cell::Int(_)
        | Cell::UInt(_)
        | Cell::F32(_)
        | Cell::F64(_)
        | Cell::Decimal { .. }
        | Cell::BigDecimal(_) => out.push_str(&cell_text(&cell).0),
        // Already JSON when it came from a nested child.
        Cell::Formatted(s) if is_nested_json(array.data_type()) => out.push_str(s),
        _ => push_string(out, &cell_text(&cell).0),
    }
    Ok(())
}

/// A dictionary or run-end array whose values are nested: their text is JSON already.
fn is_nested_json(dt: &DataType) -> bool {
    match dt {
        DataType::Dictionary(_, v) => is_nested_json(v),
        DataType::RunEndEncoded(_, v) => is_nested_json(v.data_type()),
        DataType::List(_)
        | DataType::LargeList(_)
        | DataType::FixedSizeList(_, _)
        | DataType::ListView(_)
        | DataType::LargeListView(_)
        | DataType::Struct(_)
        | DataType::Map(_, _) => true,
        _ => false,
    }
}
