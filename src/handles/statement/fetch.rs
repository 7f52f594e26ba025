//! Reading results: SQLFetch (a rowset into the bound columns, one `ColumnWriter` per column)
//! and SQLGetData (one cell, in chunks for long values).

use super::*;

impl Statement {
    /// SQLFetch (SQL_FETCH_NEXT) and SQLFetchScroll: the rowset the orientation reaches, into
    /// the bound columns.
    pub fn fetch(&self, orientation: i16, offset: isize) -> Result<Status> {
        let mut st = lock(&self.state);
        Self::no_data_pending(&st)?;
        let timeout = self.timeout(&st);
        let (array_size, bindings) = {
            let ard = lock(&self.ard.state);
            (ard.header.array_size.max(1), ard.clone())
        };
        let (status_ptr, fetched_ptr) = {
            let ird = lock(&self.ird.state);
            (ird.header.array_status_ptr, ird.header.rows_processed_ptr)
        };
        let cursor = st.cursor.as_mut().ok_or_else(no_result_set)?;
        self.cancel.reset();
        let stack = cursor.stack;
        let fetched = wait_statement(
            stack,
            cursor.fetch(orientation, offset, array_size),
            &self.cancel,
            timeout,
        );
        let rows = match fetched {
            Ok((rows, clamped)) => {
                if clamped {
                    self.diag.push_warning(
                        state::FETCH_BEFORE_FIRST_ROWSET,
                        "The fetch would have started before the first row; the first rowset was returned",
                    );
                }
                for column in cursor.take_cut() {
                    self.diag.push_warning(
                        state::STRING_TRUNCATED,
                        format!(
                            "String data, right truncated: a value of column {column} was longer than the length the profile declares for it and was cut to that length (SQLColAttribute SQL_DESC_LENGTH)"
                        ),
                    );
                }
                rows
            }
            Err(e) if e.state == state::FETCH_TYPE_OUT_OF_RANGE => return Err(e),
            Err(e) => {
                // A cancelled, timed-out or failed scan cannot resume: stop it now so the
                // engine's work and any request in flight end; the cursor stays open until
                // SQLCloseCursor, as applications expect after a failed fetch.
                if let Some(cursor) = st.cursor.as_mut() {
                    cursor.stop(&e);
                }
                st.positioned = false;
                return Err(e);
            }
        };
        fetched_ptr.write_usize(rows);
        for i in rows..array_size {
            status_ptr.offset((i * 2) as isize).write_u16(SQL_ROW_NOROW);
        }
        if rows == 0 {
            st.positioned = false;
            return Ok(Status::NoData);
        }
        let fields = cursor.schema.fields();
        let mut report = RowsetReport::new(rows);
        for (index, rec) in bindings.records.iter().enumerate() {
            if !rec.is_bound() {
                continue;
            }
            let Some(field) = fields.get(index) else {
                return Err(Error::new(
                    state::INVALID_DESCRIPTOR_INDEX,
                    format!(
                        "Column {} is bound but the result has only {} columns",
                        index + 1,
                        fields.len()
                    ),
                ));
            };
            let writer = ColumnWriter::new(index, rec, field.data_type());
            let mut cells = BoundCells::new(&bindings, rec, writer.element_size(rec.octet_length));
            let mut first = 0usize;
            for seg in &cursor.rowset {
                writer.write_segment(
                    seg.batch.column(index).as_ref(),
                    seg.start,
                    seg.len,
                    first,
                    &mut cells,
                    &mut report,
                );
                first += seg.len;
            }
        }
        for record in report.diagnostics {
            self.diag.push(record);
        }
        let (row_status, errors) = (report.status, report.errors);
        for (i, s) in row_status.iter().enumerate() {
            status_ptr.offset((i * 2) as isize).write_u16(*s);
        }
        st.positioned = true;
        if errors > 0 && (rows == 1 || errors == rows) {
            return Err(self
                .diag
                .lock()
                .records
                .iter()
                .rev()
                .find(|r| !r.is_warning())
                .map(|r| Error::new(r.state, r.message.clone()).with_native(r.native))
                .unwrap_or_else(|| Error::general("The row could not be fetched")));
        }
        Ok(Status::Success)
    }

    pub fn get_data(
        &self,
        column: u16,
        c_type: i16,
        target: AppPtr,
        buffer_len: isize,
        indicator: AppPtr,
    ) -> Result<Status> {
        let mut st = lock(&self.state);
        let positioned = st.positioned;
        let cursor = st.cursor.as_mut().ok_or_else(no_result_set)?;
        if !positioned {
            return Err(Error::new(
                state::INVALID_CURSOR_STATE,
                "The cursor is not on a row; call SQLFetch first",
            ));
        }
        let index = column_index(&cursor.schema, column)?;
        if buffer_len < 0 {
            return Err(Error::new(
                state::INVALID_STRING_OR_BUFFER_LENGTH,
                "BufferLength cannot be negative",
            ));
        }
        let mut rec = if c_type == SQL_ARD_TYPE {
            lock(&self.ard.state)
                .records
                .get(index)
                .cloned()
                .unwrap_or_default()
        } else {
            DescRecord {
                concise_type: c_type,
                ..DescRecord::default()
            }
        };
        rec.octet_length = buffer_len;
        let rec = resolve_default(&rec, cursor.schema.field(index).data_type());
        let element_size = c_types::fixed_size(rec.concise_type).unwrap_or(buffer_len as usize);
        let mut chunk = match cursor.get_data.take() {
            Some((col, chunk)) if col == column => chunk,
            _ => ChunkState::default(),
        };
        let (batch, row) = cursor.row(0).ok_or_else(|| {
            Error::new(
                state::INVALID_CURSOR_STATE,
                "The cursor is not on a row; call SQLFetch first",
            )
        })?;
        let array = batch.column(index).clone();
        let outcome = write_to_app(
            array.as_ref(),
            row,
            &rec,
            target,
            element_size,
            column,
            &mut chunk,
        )?;
        cursor.get_data = Some((column, chunk));
        match outcome {
            CellOutcome::Null => {
                if indicator.is_null() {
                    return Err(Error::new(
                        state::INDICATOR_REQUIRED,
                        format!("Column {column} is NULL but StrLen_or_IndPtr is null; pass an indicator"),
                    ));
                }
                indicator.write_isize(SQL_NULL_DATA);
                Ok(Status::Success)
            }
            CellOutcome::Value {
                indicator: len,
                truncated,
            } => {
                indicator.write_isize(len);
                if truncated {
                    self.diag.push_warning(
                        truncation_state(rec.concise_type),
                        format!("String data, right truncated in column {column}: call SQLGetData again for the rest"),
                    );
                }
                Ok(Status::Success)
            }
            CellOutcome::NoMoreData => Ok(Status::NoData),
        }
    }
}

/// SQL_C_DEFAULT means the column's own default C type.
fn resolve_default(
    rec: &DescRecord,
    data_type: &datafusion::arrow::datatypes::DataType,
) -> DescRecord {
    let mut resolved = rec.clone();
    if resolved.concise_type == SQL_C_DEFAULT {
        resolved.concise_type = default_c_type(data_type);
    }
    resolved
}

/// Converts one cell into the application's buffer at `data_at` of `size` bytes.
fn write_to_app(
    array: &dyn datafusion::arrow::array::Array,
    row: usize,
    rec: &DescRecord,
    data_at: AppPtr,
    size: usize,
    column: u16,
    chunk: &mut ChunkState,
) -> Result<CellOutcome> {
    data_at.with_slice_mut(size, |buffer| {
        write_cell(
            array,
            row,
            CellTarget {
                c_type: rec.concise_type,
                buffer,
                precision: rec.precision,
                scale: rec.scale,
            },
            chunk,
            column,
        )
    })
}
