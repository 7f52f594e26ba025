//! Fast paths for the pairs of Arrow type and C type that bulk-fetching clients bind most: an
//! integer or float into its own C type, a boolean into SQL_C_BIT, text into SQL_C_CHAR or
//! SQL_C_WCHAR, and (a whole segment at a time, in `fast_datetime`) timestamps and dates into
//! their structs. The array is downcast once per rowset segment and each value goes straight
//! into the application's buffer. Anything unusual — a value that does not fit, a year the
//! struct cannot hold — is left to [`super::write_cell`], which owns truncation, chunking, the
//! errors and every other conversion.

use arrow::array::{
    Array, ArrowPrimitiveType, BooleanArray, Date32Array, Float32Array, Float64Array, Int16Array,
    Int32Array, Int64Array, LargeStringArray, PrimitiveArray, StringArray, StringViewArray,
};
use arrow::datatypes::{DataType, TimeUnit};

use super::fast_datetime::{date_column, timestamp_column};
use super::segment::Elements;
use super::CellOutcome;
use crate::odbc::attributes::SQL_NULL_DATA;
use crate::odbc::c_types::{
    SQL_C_BIT, SQL_C_CHAR, SQL_C_DATE, SQL_C_DOUBLE, SQL_C_FLOAT, SQL_C_LONG, SQL_C_SBIGINT,
    SQL_C_SHORT, SQL_C_SLONG, SQL_C_SSHORT, SQL_C_TIMESTAMP, SQL_C_TYPE_DATE, SQL_C_TYPE_TIMESTAMP,
    SQL_C_WCHAR,
};

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
    /// Whole segments only ([`FastColumn::write_column`]); a single value goes the general way.
    Timestamp(&'a dyn Array, TimeUnit),
    Date(&'a Date32Array),
}

impl<'a> FastColumn<'a> {
    /// The fast path for this array and C type, if there is one.
    pub fn of(array: &'a dyn Array, c_type: i16) -> Option<FastColumn<'a>> {
        let any = array.as_any();
        let wide = c_type == SQL_C_WCHAR;
        let text = c_type == SQL_C_CHAR || wide;
        match (array.data_type(), c_type) {
            (DataType::Int64, SQL_C_SBIGINT) => any.downcast_ref().map(FastColumn::I64),
            (DataType::Int32, SQL_C_SLONG | SQL_C_LONG) => any.downcast_ref().map(FastColumn::I32),
            (DataType::Int16, SQL_C_SSHORT | SQL_C_SHORT) => {
                any.downcast_ref().map(FastColumn::I16)
            }
            (DataType::Float64, SQL_C_DOUBLE) => any.downcast_ref().map(FastColumn::F64),
            (DataType::Float32, SQL_C_FLOAT) => any.downcast_ref().map(FastColumn::F32),
            (DataType::Boolean, SQL_C_BIT) => any.downcast_ref().map(FastColumn::Bool),
            (DataType::Utf8, _) if text => any.downcast_ref().map(|a| FastColumn::Text(a, wide)),
            (DataType::LargeUtf8, _) if text => {
                any.downcast_ref().map(|a| FastColumn::LargeText(a, wide))
            }
            (DataType::Utf8View, _) if text => {
                any.downcast_ref().map(|a| FastColumn::TextView(a, wide))
            }
            (DataType::Timestamp(unit, _), SQL_C_TYPE_TIMESTAMP | SQL_C_TIMESTAMP) => {
                Some(FastColumn::Timestamp(array, *unit))
            }
            (DataType::Date32, SQL_C_TYPE_DATE | SQL_C_DATE) => {
                any.downcast_ref().map(FastColumn::Date)
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
            FastColumn::Timestamp(..) | FastColumn::Date(_) => return None,
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
            FastColumn::Timestamp(..) | FastColumn::Date(_) => None,
        }
    }
}

impl FastColumn<'_> {
    /// Column-wise binding: rows `start..start + lengths.len()` into consecutive `element_size`
    /// elements of `data` (`None`: no data buffer bound), their lengths or SQL_NULL_DATA into
    /// `lengths`. Returns the positions (from 0) the general conversion must redo: values that do
    /// not fit, or that it reports as errors. One call per rowset segment instead of one address computation and one
    /// indicator write through application memory per cell.
    pub fn write_column(
        &self,
        start: usize,
        mut data: Option<&mut [u8]>,
        element_size: usize,
        lengths: &mut [isize],
    ) -> Vec<usize> {
        if let Some(data) = data.as_deref_mut().filter(|_| element_size > 0) {
            let mut redo = Vec::new();
            let mut elements = Elements {
                start,
                data,
                element_size,
                lengths: &mut *lengths,
                redo: &mut redo,
            };
            let e = &mut elements;
            let whole = match self {
                FastColumn::I64(a) => fixed_column(a, e, i64::to_ne_bytes),
                FastColumn::I32(a) => fixed_column(a, e, i32::to_ne_bytes),
                FastColumn::I16(a) => fixed_column(a, e, i16::to_ne_bytes),
                FastColumn::F64(a) => fixed_column(a, e, f64::to_ne_bytes),
                FastColumn::F32(a) => fixed_column(a, e, f32::to_ne_bytes),
                FastColumn::Text(a, false) => text_column(*a, |i| a.value(i), e),
                FastColumn::LargeText(a, false) => text_column(*a, |i| a.value(i), e),
                FastColumn::TextView(a, false) => view_column(a, e),
                FastColumn::Timestamp(a, unit) => timestamp_column(*a, *unit, e),
                FastColumn::Date(a) => date_column(a, e),
                _ => false,
            };
            if whole {
                return redo;
            }
        }
        let mut redo = Vec::new();
        let mut put = |i: usize, outcome: Option<CellOutcome>, lengths: &mut [isize]| match outcome
        {
            Some(CellOutcome::Null) => lengths[i] = SQL_NULL_DATA,
            Some(CellOutcome::Value {
                indicator,
                truncated: false,
            }) => lengths[i] = indicator,
            _ => redo.push(i),
        };
        match data {
            Some(data) if element_size > 0 => {
                let whole = (data.len() / element_size).min(lengths.len());
                for (i, slot) in data.chunks_exact_mut(element_size).take(whole).enumerate() {
                    put(i, self.write(start + i, Some(slot)), lengths);
                }
                redo.extend(whole..lengths.len());
            }
            // A zero-length buffer: only the general conversion knows how to report that.
            Some(_) => redo.extend(0..lengths.len()),
            None => {
                for i in 0..lengths.len() {
                    put(i, self.write(start + i, None), lengths);
                }
            }
        }
        redo
    }
}

/// A primitive column straight from its values buffer; `false` (nothing written) when the
/// elements are too small or the buffer too short for every row, which the per-value path
/// then handles.
fn fixed_column<T: ArrowPrimitiveType, const W: usize>(
    array: &PrimitiveArray<T>,
    e: &mut Elements,
    bytes: impl Fn(T::Native) -> [u8; W],
) -> bool {
    let (start, n) = (e.start, e.rows());
    if e.element_size < W || !e.fits() || start + n > array.len() {
        return false;
    }
    if e.element_size == W {
        // Packed elements in native byte order are exactly Arrow's values buffer: one copy.
        let raw = array.values().inner().as_slice();
        if let Some(run) = raw.get(start * W..(start + n) * W) {
            e.data[..n * W].copy_from_slice(run);
            e.lengths.fill(W as isize);
            if let Some(nulls) = array.nulls().filter(|b| b.null_count() > 0) {
                for (i, length) in e.lengths.iter_mut().enumerate() {
                    if nulls.is_null(start + i) {
                        *length = SQL_NULL_DATA;
                    }
                }
            }
            return true;
        }
    }
    let values = array.values();
    e.each(array, |row, slot| {
        slot[..W].copy_from_slice(&bytes(values[row]));
        Some(W as isize)
    })
}

/// Narrow text (SQL_C_CHAR) from any of Arrow's string layouts: each value that fits with its
/// terminator is copied.
fn text_column<'v>(array: &dyn Array, value: impl Fn(usize) -> &'v str, e: &mut Elements) -> bool {
    e.each(array, |row, slot| {
        let value = value(row).as_bytes();
        (value.len() < slot.len()).then(|| {
            slot[..value.len()].copy_from_slice(value);
            slot[value.len()] = 0;
            value.len() as isize
        })
    })
}

/// [`text_column`] for a string view array, whose short values (12 bytes at most) sit in the
/// view itself, padded with zeros: those are copied as 12 fixed bytes, which needs no call to
/// `memcpy`.
fn view_column(array: &StringViewArray, e: &mut Elements) -> bool {
    const INLINE: usize = 12;
    if e.element_size <= INLINE {
        return text_column(array, |i| array.value(i), e);
    }
    let views = array.views();
    if array.null_count() == 0 {
        return views_without_nulls(array, e);
    }
    e.each(array, |row, slot| {
        let view = views[row];
        let len = view as u32 as usize;
        if len <= INLINE {
            slot[..INLINE].copy_from_slice(&view.to_le_bytes()[4..4 + INLINE]);
        } else if len < slot.len() {
            slot[..len].copy_from_slice(array.value(row).as_bytes());
        } else {
            return None;
        }
        slot[len] = 0;
        Some(len as isize)
    })
}

/// [`view_column`] for a column without nulls: one pass over the views, elements and lengths
/// together, with nothing else to track per row (measured: a third fewer samples than the
/// general loop, whose state no longer fits in registers).
fn views_without_nulls(array: &StringViewArray, e: &mut Elements) -> bool {
    const INLINE: usize = 12;
    let (start, rows, size) = (e.start, e.rows(), e.element_size);
    let Some(views) = array.views().get(start..start + rows) else {
        return false;
    };
    if !e.fits() || size <= INLINE {
        return false;
    }
    let elements = e.data.chunks_exact_mut(size).zip(e.lengths.iter_mut());
    for (i, (view, (slot, length))) in views.iter().zip(elements).enumerate() {
        let len = *view as u32 as usize;
        if len <= INLINE {
            slot[..INLINE].copy_from_slice(&view.to_le_bytes()[4..4 + INLINE]);
        } else if len < size {
            slot[..len].copy_from_slice(array.value(start + i).as_bytes());
        } else {
            e.redo.push(i);
            continue;
        }
        slot[len] = 0;
        *length = len as isize;
    }
    true
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
    let unit = crate::wchar::unit();
    let mut written = 0usize;
    match out {
        Some(out) => {
            for code_unit in crate::wchar::units(value) {
                crate::wchar::put(out.get_mut(written..written + unit)?, code_unit);
                written += unit;
            }
            out.get_mut(written..written + unit)?.fill(0);
        }
        None => written = crate::wchar::units_len(value) * unit,
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
        let fast = FastColumn::of(&ints, SQL_C_SBIGINT).expect("fast pair");
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
        let fast = FastColumn::of(&text, SQL_C_WCHAR).expect("fast pair");
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
        let fast = FastColumn::of(&text, SQL_C_CHAR).expect("fast pair");
        let mut buf = [0u8; 5];
        assert_eq!(fast.write(0, Some(&mut buf)), None);
        let wide = FastColumn::of(&text, SQL_C_WCHAR).expect("fast pair");
        let mut buf = [0u8; 10];
        assert_eq!(wide.write(0, Some(&mut buf)), None);
    }

    #[test]
    fn whole_columns_leave_only_what_does_not_fit() {
        let text = StringArray::from(vec![Some("skip"), Some("ab"), None, Some("abcd"), Some("")]);
        let fast = FastColumn::of(&text, SQL_C_CHAR).expect("fast pair");
        // Rows 1..5 into 4 elements of 4 bytes: "abcd" needs 5 with its NUL.
        let mut data = [0xAAu8; 16];
        let mut lengths = [0isize; 4];
        let redo = fast.write_column(1, Some(&mut data), 4, &mut lengths);
        assert_eq!(redo, vec![2]);
        assert_eq!(lengths[0], 2);
        assert_eq!(&data[0..3], b"ab\0");
        assert_eq!(lengths[1], SQL_NULL_DATA);
        assert_eq!((lengths[3], data[12]), (0, 0));

        let ints = Int64Array::from(vec![Some(5), None, Some(-1)]);
        let fast = FastColumn::of(&ints, SQL_C_SBIGINT).expect("fast pair");
        let mut data = [0u8; 24];
        let mut lengths = [0isize; 3];
        assert!(fast
            .write_column(0, Some(&mut data), 8, &mut lengths)
            .is_empty());
        assert_eq!(lengths, [8, SQL_NULL_DATA, 8]);
        assert_eq!(i64::from_ne_bytes(data[16..24].try_into().unwrap()), -1);
        // Lengths only (no data buffer), and a buffer too short for every row.
        assert!(fast.write_column(0, None, 8, &mut lengths).is_empty());
        assert_eq!(
            fast.write_column(0, Some(&mut data[..16]), 8, &mut lengths),
            vec![2]
        );
        // A sliced array (a batch cut by LIMIT or a rowset boundary) starts at its own offset.
        let sliced = Int64Array::from(vec![10, 20, 30, 40]).slice(1, 3);
        let fast_sliced = FastColumn::of(&sliced, SQL_C_SBIGINT).expect("fast pair");
        let mut two = [0u8; 16];
        let mut two_lengths = [0isize; 2];
        assert!(fast_sliced
            .write_column(1, Some(&mut two), 8, &mut two_lengths)
            .is_empty());
        assert_eq!(i64::from_ne_bytes(two[0..8].try_into().unwrap()), 30);
        assert_eq!(i64::from_ne_bytes(two[8..16].try_into().unwrap()), 40);
        assert_eq!(two_lengths, [8, 8]);
        assert_eq!(
            fast.write_column(0, Some(&mut []), 0, &mut lengths),
            vec![0, 1, 2]
        );
    }

    #[test]
    fn string_views_are_written_whole_inline_or_not() {
        let long = "a value longer than twelve bytes";
        let views = StringViewArray::from(vec![
            Some("skip"),
            Some("twelve bytes"),
            None,
            Some(long),
            Some(""),
            Some("héllo"),
        ]);
        let fast = FastColumn::of(&views, SQL_C_CHAR).expect("fast pair");
        // Rows 1..6 into 5 elements of 20 bytes: the long value does not fit.
        let mut data = [0xAAu8; 100];
        let mut lengths = [0isize; 5];
        let redo = fast.write_column(1, Some(&mut data), 20, &mut lengths);
        assert_eq!(redo, vec![2]);
        assert_eq!(lengths, [12, SQL_NULL_DATA, 0, 0, 6]);
        assert_eq!(&data[0..13], b"twelve bytes\0");
        assert_eq!(data[60], 0);
        assert_eq!(&data[80..87], "héllo\0".as_bytes());

        // Wide enough for every value: the long one comes from the view's data buffer.
        let mut data = [0xAAu8; 5 * 40];
        let redo = fast.write_column(1, Some(&mut data), 40, &mut lengths);
        assert!(redo.is_empty());
        assert_eq!(lengths[2], long.len() as isize);
        assert_eq!(
            &data[80..80 + long.len() + 1],
            format!("{long}\0").as_bytes()
        );

        // Elements narrower than a view's inline bytes go value by value.
        let mut data = [0xAAu8; 5 * 8];
        let redo = fast.write_column(1, Some(&mut data), 8, &mut lengths);
        assert_eq!(redo, vec![0, 2]);
        assert_eq!(lengths[4], 6);
        assert_eq!(&data[32..39], "héllo\0".as_bytes());
    }

    #[test]
    fn string_views_without_nulls_are_written_the_same_way() {
        let long = "a value longer than twelve bytes";
        let all = StringViewArray::from(vec!["skip", "twelve bytes", long, "", "héllo"]);
        // Sliced, as a batch cut at a rowset boundary is: rows are numbered from the slice.
        let views = all.slice(1, 4);
        assert_eq!(views.null_count(), 0);
        let fast = FastColumn::of(&views, SQL_C_CHAR).expect("fast pair");
        let mut data = [0xAAu8; 4 * 20];
        let mut lengths = [0isize; 4];
        let redo = fast.write_column(0, Some(&mut data), 20, &mut lengths);
        assert_eq!(redo, vec![1], "the long value does not fit in 20 bytes");
        assert_eq!((lengths[0], lengths[2], lengths[3]), (12, 0, 6));
        assert_eq!(&data[0..13], b"twelve bytes\0");
        assert_eq!(data[40], 0);
        assert_eq!(&data[60..67], "héllo\0".as_bytes());
        assert_eq!(
            data[20], 0xAA,
            "the element left to the general path is untouched"
        );

        let mut data = [0xAAu8; 3 * 40];
        let mut lengths = [0isize; 3];
        assert!(fast
            .write_column(1, Some(&mut data), 40, &mut lengths)
            .is_empty());
        assert_eq!(lengths, [long.len() as isize, 0, 6]);
        assert_eq!(&data[0..long.len() + 1], format!("{long}\0").as_bytes());
        assert_eq!(&data[80..87], "héllo\0".as_bytes());

        // Too few elements for the rows: the general path takes them, value by value.
        let mut short = [0xAAu8; 20];
        let mut two = [7isize; 2];
        assert_eq!(
            fast.write_column(2, Some(&mut short), 20, &mut two),
            vec![1]
        );
        assert_eq!((two[0], short[0]), (0, 0));
    }

    #[test]
    fn large_text_and_wide_text_keep_their_paths() {
        let large = LargeStringArray::from(vec![Some("ab"), None]);
        let fast = FastColumn::of(&large, SQL_C_CHAR).expect("fast pair");
        let mut data = [0xAAu8; 8];
        let mut lengths = [0isize; 2];
        assert!(fast
            .write_column(0, Some(&mut data), 4, &mut lengths)
            .is_empty());
        assert_eq!((lengths, &data[0..3]), ([2, SQL_NULL_DATA], &b"ab\0"[..]));

        let wide = FastColumn::of(&large, SQL_C_WCHAR).expect("fast pair");
        let unit = crate::wchar::unit();
        let mut data = vec![0xAAu8; 2 * 3 * unit];
        assert!(wide
            .write_column(0, Some(&mut data), 3 * unit, &mut lengths)
            .is_empty());
        assert_eq!(lengths, [2 * unit as isize, SQL_NULL_DATA]);
    }

    #[test]
    fn other_pairs_have_no_fast_path() {
        let ints = Int64Array::from(vec![1]);
        assert!(FastColumn::of(&ints, SQL_C_CHAR).is_none());
        assert!(FastColumn::of(&ints, SQL_C_SLONG).is_none());
    }
}
