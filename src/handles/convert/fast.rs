//! Fast paths for the pairs of Arrow type and C type that bulk-fetching clients bind most: an
//! integer or float into its own C type, a boolean into SQL_C_BIT, text into SQL_C_CHAR or
//! SQL_C_WCHAR. The array is downcast once per rowset segment and each value goes straight into
//! the application's buffer. Anything unusual — a value that does not fit — is left to
//! [`super::write_cell`], which owns truncation, chunking and every other conversion.

use arrow::array::{
    Array, BooleanArray, Float32Array, Float64Array, Int16Array, Int32Array, Int64Array,
    LargeStringArray, StringArray, StringViewArray,
};
use arrow::datatypes::DataType;

use super::CellOutcome;
use crate::handles::c_types as c;

/// A column downcast for one of the fast pairs.
pub enum FastColumn<'a> {
    I64(&'a Int64Array),
    I32(&'a Int32Array),
    I16(&'a Int16Array),
    F64(&'a Float64Array),
    F32(&'a Float32Array),
    Bool(&'a BooleanArray),
    Text(&'a StringArray, bool),
    LargeText(&'a LargeStringArray, bool),
    TextView(&'a StringViewArray, bool),
}

impl<'a> FastColumn<'a> {
    /// The fast path for this array and C type, if there is one.
    pub fn of(array: &'a dyn Array, c_type: i16) -> Option<FastColumn<'a>> {
        let any = array.as_any();
        let wide = c_type == c::SQL_C_WCHAR;
        let text = c_type == c::SQL_C_CHAR || wide;
        match (array.data_type(), c_type) {
            (DataType::Int64, c::SQL_C_SBIGINT) => any.downcast_ref().map(FastColumn::I64),
            (DataType::Int32, c::SQL_C_SLONG | c::SQL_C_LONG) => {
                any.downcast_ref().map(FastColumn::I32)
            }
            (DataType::Int16, c::SQL_C_SSHORT | c::SQL_C_SHORT) => {
                any.downcast_ref().map(FastColumn::I16)
            }
            (DataType::Float64, c::SQL_C_DOUBLE) => any.downcast_ref().map(FastColumn::F64),
            (DataType::Float32, c::SQL_C_FLOAT) => any.downcast_ref().map(FastColumn::F32),
            (DataType::Boolean, c::SQL_C_BIT) => any.downcast_ref().map(FastColumn::Bool),
            (DataType::Utf8, _) if text => any.downcast_ref().map(|a| FastColumn::Text(a, wide)),
            (DataType::LargeUtf8, _) if text => {
                any.downcast_ref().map(|a| FastColumn::LargeText(a, wide))
            }
            (DataType::Utf8View, _) if text => {
                any.downcast_ref().map(|a| FastColumn::TextView(a, wide))
            }
            _ => None,
        }
    }

    /// Writes row `row` into `out` (the element's bytes; `None` when the application bound no
    /// data buffer). `None` means "not handled here": the caller uses the general conversion.
    pub fn write(&self, row: usize, out: Option<&mut [u8]>) -> Option<CellOutcome> {
        let is_null = match self {
            FastColumn::I64(a) => a.is_null(row),
            FastColumn::I32(a) => a.is_null(row),
            FastColumn::I16(a) => a.is_null(row),
            FastColumn::F64(a) => a.is_null(row),
            FastColumn::F32(a) => a.is_null(row),
            FastColumn::Bool(a) => a.is_null(row),
            FastColumn::Text(a, _) => a.is_null(row),
            FastColumn::LargeText(a, _) => a.is_null(row),
            FastColumn::TextView(a, _) => a.is_null(row),
        };
        if is_null {
            return Some(CellOutcome::Null);
        }
        match self {
            FastColumn::I64(a) => fixed(out, &a.value(row).to_ne_bytes()),
            FastColumn::I32(a) => fixed(out, &a.value(row).to_ne_bytes()),
            FastColumn::I16(a) => fixed(out, &a.value(row).to_ne_bytes()),
            FastColumn::F64(a) => fixed(out, &a.value(row).to_ne_bytes()),
            FastColumn::F32(a) => fixed(out, &a.value(row).to_ne_bytes()),
            FastColumn::Bool(a) => fixed(out, &[a.value(row) as u8]),
            FastColumn::Text(a, wide) => text(out, a.value(row), *wide),
            FastColumn::LargeText(a, wide) => text(out, a.value(row), *wide),
            FastColumn::TextView(a, wide) => text(out, a.value(row), *wide),
        }
    }
}

fn fixed(out: Option<&mut [u8]>, bytes: &[u8]) -> Option<CellOutcome> {
    if let Some(out) = out {
        out.get_mut(..bytes.len())?.copy_from_slice(bytes);
    }
    Some(CellOutcome::Value {
        indicator: bytes.len() as isize,
        truncated: false,
    })
}

/// Text that fits whole with its terminator; otherwise the general path truncates it.
fn text(out: Option<&mut [u8]>, value: &str, wide: bool) -> Option<CellOutcome> {
    if !wide {
        let bytes = value.as_bytes();
        if let Some(out) = out {
            if out.len() <= bytes.len() {
                return None;
            }
            out[..bytes.len()].copy_from_slice(bytes);
            out[bytes.len()] = 0;
        }
        return Some(CellOutcome::Value {
            indicator: bytes.len() as isize,
            truncated: false,
        });
    }
    let mut written = 0usize;
    match out {
        Some(out) => {
            for unit in value.encode_utf16() {
                let slot = out.get_mut(written..written + 2)?;
                slot.copy_from_slice(&unit.to_ne_bytes());
                written += 2;
            }
            out.get_mut(written..written + 2)?.fill(0);
        }
        None => written = value.encode_utf16().count() * 2,
    }
    Some(CellOutcome::Value {
        indicator: written as isize,
        truncated: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_text_are_written_whole() {
        let ints = Int64Array::from(vec![Some(7), None]);
        let fast = FastColumn::of(&ints, c::SQL_C_SBIGINT).expect("fast pair");
        let mut buf = [0u8; 8];
        assert_eq!(
            fast.write(0, Some(&mut buf)),
            Some(CellOutcome::Value {
                indicator: 8,
                truncated: false
            })
        );
        assert_eq!(i64::from_ne_bytes(buf), 7);
        assert_eq!(fast.write(1, Some(&mut buf)), Some(CellOutcome::Null));

        let text = StringArray::from(vec!["héllo"]);
        let fast = FastColumn::of(&text, c::SQL_C_WCHAR).expect("fast pair");
        let mut buf = [0xFFu8; 12];
        assert_eq!(
            fast.write(0, Some(&mut buf)),
            Some(CellOutcome::Value {
                indicator: 10,
                truncated: false
            })
        );
        assert_eq!(&buf[10..12], &[0, 0]);
    }

    #[test]
    fn text_that_does_not_fit_is_left_to_the_general_path() {
        let text = StringArray::from(vec!["hello"]);
        let fast = FastColumn::of(&text, c::SQL_C_CHAR).expect("fast pair");
        let mut buf = [0u8; 5];
        assert_eq!(fast.write(0, Some(&mut buf)), None);
        let wide = FastColumn::of(&text, c::SQL_C_WCHAR).expect("fast pair");
        let mut buf = [0u8; 10];
        assert_eq!(wide.write(0, Some(&mut buf)), None);
    }

    #[test]
    fn other_pairs_have_no_fast_path() {
        let ints = Int64Array::from(vec![1]);
        assert!(FastColumn::of(&ints, c::SQL_C_CHAR).is_none());
        assert!(FastColumn::of(&ints, c::SQL_C_SLONG).is_none());
    }
}
