//! The loop every column-wise fast path shares (`fast`, `fast_datetime`): a rowset segment of
//! an Arrow array into the application's consecutive elements, nulls as SQL_NULL_DATA, what the
//! path cannot write collected for the general conversion. It knows no Arrow or C type.

use arrow::array::Array;

use crate::odbc::attributes::SQL_NULL_DATA;

/// Where one rowset segment goes: rows `start..start + lengths.len()` of an array into
/// consecutive `element_size` elements of `data`, their lengths into `lengths`, and the positions
/// (from 0) the general conversion must redo into `redo`. Every fast path takes this one value
/// instead of the five it holds.
pub struct Elements<'a> {
    pub start: usize,
    pub data: &'a mut [u8],
    pub element_size: usize,
    pub lengths: &'a mut [isize],
    pub redo: &'a mut Vec<usize>,
}

impl Elements<'_> {
    /// The rows in the segment.
    pub fn rows(&self) -> usize {
        self.lengths.len()
    }

    /// Whether `data` holds an element for every row.
    pub fn fits(&self) -> bool {
        self.element_size > 0 && self.data.len() >= self.rows() * self.element_size
    }

    /// The loop every whole-segment path shares: a null gets SQL_NULL_DATA; any other row goes
    /// to `write` with its element, which returns the length it wrote, or `None` for a value the
    /// general conversion must redo. `false` (nothing written) when the buffer is too short for
    /// every row or the rows run past `array`.
    pub fn each(
        &mut self,
        array: &dyn Array,
        mut write: impl FnMut(usize, &mut [u8]) -> Option<isize>,
    ) -> bool {
        let start = self.start;
        if !self.fits() || start + self.rows() > array.len() {
            return false;
        }
        let nulls = array.nulls().filter(|b| b.null_count() > 0);
        let slots = self
            .data
            .chunks_exact_mut(self.element_size)
            .zip(self.lengths.iter_mut());
        for (i, (slot, length)) in slots.enumerate() {
            if nulls.is_some_and(|b| b.is_null(start + i)) {
                *length = SQL_NULL_DATA;
                continue;
            }
            match write(start + i, slot) {
                Some(written) => *length = written,
                None => self.redo.push(i),
            }
        }
        true
    }
}
