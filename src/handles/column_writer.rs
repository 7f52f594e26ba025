//! One bound column of a block fetch: the rowset's values of that column, converted into the
//! application's bound buffers (data, length and indicator), with each row's status and
//! diagnostics. A [`ColumnWriter`] is chosen once per bound column per fetch (its C type
//! resolved, its fast path picked per segment), then handed each rowset segment; where the values
//! go is a [`ColumnCells`]: the application's bound arrays ([`BoundCells`]) or, in tests, plain
//! byte buffers. It knows nothing of statements or cursors, and never touches an address itself.

use arrow::array::Array;
use arrow::datatypes::DataType;

use super::c_data::fast::FastColumn;
use super::c_data::{
    default_c_type, truncation_state, write_cell, CellOutcome, CellTarget, ChunkState,
};
use super::c_types;
use super::descriptor::{DescRecord, DescState};
use super::diag::DiagRecord;
use crate::error::{state, Error};
use crate::ffi::AppPtr;
use crate::odbc::attributes::{
    SQL_NULL_DATA, SQL_ROW_ERROR, SQL_ROW_SUCCESS, SQL_ROW_SUCCESS_WITH_INFO,
};
use crate::odbc::c_types::SQL_C_DEFAULT;

/// Where each row of the rowset puts one column's value.
pub trait ColumnCells {
    /// Bytes of one data element.
    fn element_size(&self) -> usize;
    /// Runs `f` on row `row`'s data element, or on `None` when no data buffer is bound.
    fn with_data<R>(&mut self, row: usize, f: impl FnOnce(Option<&mut [u8]>) -> R) -> R;
    /// Whether an indicator is bound: a NULL needs one.
    fn has_indicator(&self) -> bool;
    /// Row `row` is NULL.
    fn write_null(&mut self, row: usize);
    /// Row `row`'s value has `length` bytes available (or SQL_NO_TOTAL).
    fn write_length(&mut self, row: usize, length: isize);
    /// Rows `first..first + rows` at once, when the column's elements and its one
    /// length/indicator array can be handed out as slices: `f` gets the data (`None` without a
    /// data buffer) and the length cells. `None` when they cannot (row-wise binding, separate
    /// length and indicator arrays, an unaligned array): the caller goes row by row.
    fn with_segment<R>(
        &mut self,
        first: usize,
        rows: usize,
        f: impl FnOnce(Option<&mut [u8]>, &mut [isize]) -> R,
    ) -> Option<R>;
}

/// What the rows of one fetch came to: each row's status, how many rows failed, and the
/// diagnostics to post (with their row and column numbers).
#[derive(Debug)]
pub struct RowsetReport {
    pub status: Vec<u16>,
    pub errors: usize,
    pub diagnostics: Vec<DiagRecord>,
}

impl RowsetReport {
    pub fn new(rows: usize) -> RowsetReport {
        RowsetReport {
            status: vec![SQL_ROW_SUCCESS; rows],
            errors: 0,
            diagnostics: Vec::new(),
        }
    }

    fn fail(&mut self, row: usize, column: u16, error: &Error) {
        if self.status[row] != SQL_ROW_ERROR {
            self.status[row] = SQL_ROW_ERROR;
            self.errors += 1;
        }
        self.diagnostics.push(row_diagnostic(row, column, error));
    }

    fn warn(&mut self, row: usize, column: u16, error: &Error) {
        if self.status[row] == SQL_ROW_SUCCESS {
            self.status[row] = SQL_ROW_SUCCESS_WITH_INFO;
        }
        self.diagnostics.push(row_diagnostic(row, column, error));
    }
}

fn row_diagnostic(row: usize, column: u16, error: &Error) -> DiagRecord {
    DiagRecord {
        state: error.state,
        native: error.native,
        message: error.message.clone(),
        row: row as isize + 1,
        column: column as i32,
    }
}

/// One bound column's conversion, chosen for its C type and the result column's Arrow type.
pub struct ColumnWriter {
    /// The column number the application uses, from 1.
    column: u16,
    c_type: i16,
    precision: i16,
    scale: i16,
}

impl ColumnWriter {
    /// The writer of result column `index` (from 0) bound as `rec`; SQL_C_DEFAULT becomes the
    /// column's own default C type.
    pub fn new(index: usize, rec: &DescRecord, data_type: &DataType) -> ColumnWriter {
        ColumnWriter {
            column: (index + 1) as u16,
            c_type: if rec.concise_type == SQL_C_DEFAULT {
                default_c_type(data_type)
            } else {
                rec.concise_type
            },
            precision: rec.precision,
            scale: rec.scale,
        }
    }

    /// Bytes of one data element: the C type's size, or the bound buffer length for the
    /// variable-length types.
    pub fn element_size(&self, buffer_length: isize) -> usize {
        c_types::fixed_size(self.c_type).unwrap_or(buffer_length.max(0) as usize)
    }

    /// Writes rows `start..start + rows` of `array` into rowset rows `first..first + rows`.
    pub fn write_segment(
        &self,
        array: &dyn Array,
        start: usize,
        rows: usize,
        first: usize,
        cells: &mut impl ColumnCells,
        report: &mut RowsetReport,
    ) {
        let fast = FastColumn::of(array, self.c_type);
        // A fast column goes a segment at a time where the binding allows; only the values it
        // cannot take are redone row by row.
        let redo = fast.as_ref().and_then(|column| {
            let size = cells.element_size();
            cells.with_segment(first, rows, |data, lengths| {
                column.write_column(start, data, size, lengths)
            })
        });
        match redo {
            Some(offsets) => {
                for offset in offsets {
                    self.write_row(
                        array,
                        fast.as_ref(),
                        start + offset,
                        first + offset,
                        cells,
                        report,
                    );
                }
            }
            None => {
                for offset in 0..rows {
                    self.write_row(
                        array,
                        fast.as_ref(),
                        start + offset,
                        first + offset,
                        cells,
                        report,
                    );
                }
            }
        }
    }

    fn write_row(
        &self,
        array: &dyn Array,
        fast: Option<&FastColumn<'_>>,
        batch_row: usize,
        row: usize,
        cells: &mut impl ColumnCells,
        report: &mut RowsetReport,
    ) {
        let result = cells.with_data(row, |mut out| {
            if let Some(outcome) =
                fast.and_then(|column| column.write(batch_row, out.as_deref_mut()))
            {
                return Ok(outcome);
            }
            write_cell(
                array,
                batch_row,
                CellTarget {
                    c_type: self.c_type,
                    buffer: out,
                    precision: self.precision,
                    scale: self.scale,
                },
                &mut ChunkState::default(),
                self.column,
            )
        });
        let column = self.column;
        match result {
            Ok(CellOutcome::Null) if cells.has_indicator() => cells.write_null(row),
            Ok(CellOutcome::Null) => report.fail(
                row,
                column,
                &Error::new(
                    state::INDICATOR_REQUIRED,
                    format!("Column {column} is NULL but no indicator was bound; bind a length/indicator buffer"),
                ),
            ),
            Ok(CellOutcome::Value {
                indicator,
                truncated,
            }) => {
                cells.write_length(row, indicator);
                if truncated {
                    report.warn(
                        row,
                        column,
                        &Error::new(
                            truncation_state(self.c_type),
                            format!("String data, right truncated in column {column}: bind a larger buffer (the full length is in the indicator)"),
                        ),
                    );
                }
            }
            Ok(CellOutcome::NoMoreData) => {}
            Err(e) => report.fail(row, column, &e),
        }
    }
}

/// The application's bound arrays of one column, as the ARD describes them: element `row` of each
/// at the bind offset plus `row` times the element size (column-wise) or the row size (row-wise).
pub struct BoundCells {
    data: AppPtr,
    indicator: AppPtr,
    length: AppPtr,
    element_size: usize,
    /// Row-wise binding: the size of one row of the application's structure; 0: column-wise.
    row_size: usize,
}

impl BoundCells {
    pub fn new(ard: &DescState, rec: &DescRecord, element_size: usize) -> BoundCells {
        let offset = ard.header.bind_offset_ptr.read_isize().unwrap_or(0);
        BoundCells {
            data: rec.data_ptr.offset(offset),
            indicator: rec.indicator_ptr.offset(offset),
            length: rec.octet_length_ptr.offset(offset),
            element_size,
            row_size: ard.header.bind_type,
        }
    }

    fn at(&self, base: AppPtr, row: usize, size: usize) -> AppPtr {
        let stride = if self.row_size == 0 {
            size
        } else {
            self.row_size
        };
        base.offset((row * stride) as isize)
    }

    fn cell_size() -> usize {
        std::mem::size_of::<isize>()
    }
}

impl ColumnCells for BoundCells {
    fn element_size(&self) -> usize {
        self.element_size
    }

    fn with_data<R>(&mut self, row: usize, f: impl FnOnce(Option<&mut [u8]>) -> R) -> R {
        self.at(self.data, row, self.element_size)
            .with_slice_mut(self.element_size, f)
    }

    fn has_indicator(&self) -> bool {
        !self.indicator.is_null()
    }

    fn write_null(&mut self, row: usize) {
        self.at(self.indicator, row, Self::cell_size())
            .write_isize(SQL_NULL_DATA);
    }

    fn write_length(&mut self, row: usize, length: isize) {
        let indicator = self.at(self.indicator, row, Self::cell_size());
        if self.length == self.indicator {
            indicator.write_isize(length);
        } else {
            // Separate arrays: the length goes to the length array, the indicator says "not NULL".
            self.at(self.length, row, Self::cell_size())
                .write_isize(length);
            indicator.write_isize(0);
        }
    }

    fn with_segment<R>(
        &mut self,
        first: usize,
        rows: usize,
        f: impl FnOnce(Option<&mut [u8]>, &mut [isize]) -> R,
    ) -> Option<R> {
        if self.row_size != 0 || self.indicator.is_null() || self.length != self.indicator {
            return None;
        }
        let lengths_at = self.at(self.indicator, first, Self::cell_size());
        let data_at = self.at(self.data, first, self.element_size);
        let size = rows * self.element_size;
        lengths_at.with_isize_slice_mut(rows, |lengths| {
            let lengths = lengths?;
            Some(data_at.with_slice_mut(size, |data| f(data, lengths)))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int64Array, StringArray};

    use super::*;
    use crate::odbc::c_types::{SQL_C_CHAR, SQL_C_SBIGINT};

    /// A column bound to plain buffers, column-wise, with one length/indicator array or two.
    struct Buffers {
        element_size: usize,
        data: Option<Vec<u8>>,
        lengths: Option<Vec<isize>>,
        indicators: Option<Vec<isize>>,
        /// Whether the segment path may be taken (column-wise, one array for both).
        whole: bool,
    }

    impl Buffers {
        fn column_wise(rows: usize, element_size: usize) -> Buffers {
            Buffers {
                element_size,
                data: Some(vec![0; rows * element_size]),
                lengths: None,
                indicators: Some(vec![0; rows]),
                whole: true,
            }
        }

        fn element(&self, row: usize) -> &[u8] {
            let data = self.data.as_deref().unwrap_or_default();
            &data[row * self.element_size..(row + 1) * self.element_size]
        }
    }

    impl ColumnCells for Buffers {
        fn element_size(&self) -> usize {
            self.element_size
        }

        fn with_data<R>(&mut self, row: usize, f: impl FnOnce(Option<&mut [u8]>) -> R) -> R {
            let size = self.element_size;
            f(self
                .data
                .as_deref_mut()
                .map(|d| &mut d[row * size..(row + 1) * size]))
        }

        fn has_indicator(&self) -> bool {
            self.indicators.is_some()
        }

        fn write_null(&mut self, row: usize) {
            if let Some(ind) = self.indicators.as_deref_mut() {
                ind[row] = SQL_NULL_DATA;
            }
        }

        fn write_length(&mut self, row: usize, length: isize) {
            match self.lengths.as_deref_mut() {
                Some(lengths) => {
                    lengths[row] = length;
                    if let Some(ind) = self.indicators.as_deref_mut() {
                        ind[row] = 0;
                    }
                }
                None => {
                    if let Some(ind) = self.indicators.as_deref_mut() {
                        ind[row] = length;
                    }
                }
            }
        }

        fn with_segment<R>(
            &mut self,
            first: usize,
            rows: usize,
            f: impl FnOnce(Option<&mut [u8]>, &mut [isize]) -> R,
        ) -> Option<R> {
            if !self.whole {
                return None;
            }
            let size = self.element_size;
            let lengths = &mut self.indicators.as_deref_mut()?[first..first + rows];
            let data = self
                .data
                .as_deref_mut()
                .map(|d| &mut d[first * size..(first + rows) * size]);
            Some(f(data, lengths))
        }
    }

    fn writer(c_type: i16, data_type: &DataType) -> ColumnWriter {
        let rec = DescRecord {
            concise_type: c_type,
            ..DescRecord::default()
        };
        ColumnWriter::new(0, &rec, data_type)
    }

    fn ints() -> ArrayRef {
        Arc::new(Int64Array::from(vec![Some(7), None, Some(-3)]))
    }

    #[test]
    fn integers_go_a_segment_at_a_time_with_nulls_marked() {
        let mut cells = Buffers::column_wise(3, 8);
        let mut report = RowsetReport::new(3);
        writer(SQL_C_SBIGINT, &DataType::Int64).write_segment(
            &*ints(),
            0,
            3,
            0,
            &mut cells,
            &mut report,
        );
        assert_eq!(cells.element(0), 7i64.to_ne_bytes());
        assert_eq!(cells.element(2), (-3i64).to_ne_bytes());
        assert_eq!(cells.indicators, Some(vec![8, SQL_NULL_DATA, 8]));
        assert_eq!(report.status, vec![SQL_ROW_SUCCESS; 3]);
        assert!(report.diagnostics.is_empty());
    }

    #[test]
    fn row_by_row_gives_the_same_values() {
        let mut cells = Buffers {
            whole: false,
            ..Buffers::column_wise(3, 8)
        };
        let mut report = RowsetReport::new(3);
        writer(SQL_C_SBIGINT, &DataType::Int64).write_segment(
            &*ints(),
            0,
            3,
            0,
            &mut cells,
            &mut report,
        );
        assert_eq!(cells.element(0), 7i64.to_ne_bytes());
        assert_eq!(cells.indicators, Some(vec![8, SQL_NULL_DATA, 8]));
    }

    #[test]
    fn a_segment_lands_at_its_place_in_the_rowset() {
        let mut cells = Buffers::column_wise(5, 8);
        let mut report = RowsetReport::new(5);
        // Rows 1..3 of the batch become rowset rows 3..5.
        writer(SQL_C_SBIGINT, &DataType::Int64).write_segment(
            &*ints(),
            1,
            2,
            3,
            &mut cells,
            &mut report,
        );
        assert_eq!(cells.indicators, Some(vec![0, 0, 0, SQL_NULL_DATA, 8]));
        assert_eq!(cells.element(4), (-3i64).to_ne_bytes());
    }

    #[test]
    fn a_null_without_an_indicator_fails_its_row_only() {
        let mut cells = Buffers {
            indicators: None,
            whole: false,
            ..Buffers::column_wise(3, 8)
        };
        let mut report = RowsetReport::new(3);
        writer(SQL_C_SBIGINT, &DataType::Int64).write_segment(
            &*ints(),
            0,
            3,
            0,
            &mut cells,
            &mut report,
        );
        assert_eq!(
            report.status,
            vec![SQL_ROW_SUCCESS, SQL_ROW_ERROR, SQL_ROW_SUCCESS]
        );
        assert_eq!(report.errors, 1);
        assert_eq!(report.diagnostics[0].state, state::INDICATOR_REQUIRED);
        assert_eq!(
            (report.diagnostics[0].row, report.diagnostics[0].column),
            (2, 1)
        );
    }

    #[test]
    fn text_too_long_is_truncated_with_01004_and_its_full_length() {
        let names: ArrayRef = Arc::new(StringArray::from(vec!["ab", "abcdefgh"]));
        let mut cells = Buffers::column_wise(2, 4);
        let mut report = RowsetReport::new(2);
        writer(SQL_C_CHAR, &DataType::Utf8).write_segment(
            &*names,
            0,
            2,
            0,
            &mut cells,
            &mut report,
        );
        assert_eq!(cells.element(0), b"ab\0\0");
        assert_eq!(cells.element(1), b"abc\0");
        assert_eq!(cells.indicators, Some(vec![2, 8]));
        assert_eq!(
            report.status,
            vec![SQL_ROW_SUCCESS, SQL_ROW_SUCCESS_WITH_INFO]
        );
        assert_eq!(report.diagnostics[0].state, state::STRING_TRUNCATED);
        assert_eq!(report.diagnostics[0].row, 2);
    }

    #[test]
    fn separate_length_and_indicator_arrays_get_the_length_and_zero() {
        let mut cells = Buffers {
            lengths: Some(vec![0; 3]),
            whole: false,
            ..Buffers::column_wise(3, 8)
        };
        let mut report = RowsetReport::new(3);
        writer(SQL_C_SBIGINT, &DataType::Int64).write_segment(
            &*ints(),
            0,
            3,
            0,
            &mut cells,
            &mut report,
        );
        assert_eq!(cells.lengths, Some(vec![8, 0, 8]));
        assert_eq!(cells.indicators, Some(vec![0, SQL_NULL_DATA, 0]));
    }

    #[test]
    fn sql_c_default_is_the_columns_own_type() {
        let w = writer(SQL_C_DEFAULT, &DataType::Int64);
        assert_eq!(w.c_type, SQL_C_SBIGINT);
        assert_eq!(w.element_size(0), 8);
        assert_eq!(writer(SQL_C_CHAR, &DataType::Utf8).element_size(40), 40);
    }

    #[test]
    fn a_value_that_cannot_convert_fails_its_row_with_the_conversion_error() {
        let names: ArrayRef = Arc::new(StringArray::from(vec!["12", "twelve"]));
        let mut cells = Buffers::column_wise(2, 8);
        let mut report = RowsetReport::new(2);
        writer(SQL_C_SBIGINT, &DataType::Utf8).write_segment(
            &*names,
            0,
            2,
            0,
            &mut cells,
            &mut report,
        );
        assert_eq!(cells.element(0), 12i64.to_ne_bytes());
        assert_eq!(report.status, vec![SQL_ROW_SUCCESS, SQL_ROW_ERROR]);
        assert_eq!(report.diagnostics[0].state, state::INVALID_CHARACTER_VALUE);
    }
}
