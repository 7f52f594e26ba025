//! The loop every column-wise fast path shares (`fast`, `fast_datetime`): a rowset segment of
//! an Arrow array into the application's consecutive elements, nulls as SQL_NULL_DATA, what the
//! path cannot write collected for the general conversion. It knows no Arrow or C type.

use arrow::array::Array;

use crate::odbc::attributes::SQL_NULL_DATA;

/// The loop every whole-segment path shares: rows `start..start + lengths.len()` of `array` into
/// consecutive `element_size` elements of `data`. A null gets SQL_NULL_DATA; any other row goes
/// to `write` with its element, which returns the length it wrote, or `None` for a value the
/// general conversion must redo (its position goes to `redo`). `false` (nothing written) when
/// the buffer is too short for every row.
pub fn each_element(
    array: &dyn Array,
    start: usize,
    data: &mut [u8],
    element_size: usize,
    lengths: &mut [isize],
    redo: &mut Vec<usize>,
    mut write: impl FnMut(usize, &mut [u8]) -> Option<isize>,
) -> bool {
    let n = lengths.len();
    if element_size == 0 || data.len() < n * element_size || start + n > array.len() {
        return false;
    }
    let nulls = array.nulls().filter(|b| b.null_count() > 0);
    let slots = data.chunks_exact_mut(element_size).zip(lengths.iter_mut());
    for (i, (slot, length)) in slots.enumerate() {
        if nulls.is_some_and(|b| b.is_null(start + i)) {
            *length = SQL_NULL_DATA;
            continue;
        }
        match write(start + i, slot) {
            Some(written) => *length = written,
            None => redo.push(i),
        }
    }
    true
}
