//! The statement handle: preparing and executing SQL, opening catalog result sets, fetching into
//! bound buffers (block cursors, row-wise or column-wise), SQLGetData, result metadata
//! (SQLDescribeCol, SQLColAttribute) and statement attributes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;

use super::c_types;
use super::column_writer::{BoundCells, ColumnWriter, RowsetReport};
use super::connection::Connection;
use super::convert::{
    default_c_type, truncation_state, write_cell, CellOutcome, CellTarget, ChunkState,
};
use super::cursor::Cursor;
use super::descriptor::{datetime_sub_of, verbose_of, DescKind, DescRecord, Descriptor};
use super::diag::Diagnostics;
use super::sql_types::{self, column_type};
use super::{lock, params, Status};
use crate::engine::Prepared;
use crate::error::{state, Error, Result};
use crate::ffi::AppPtr;
use crate::odbc::attributes::{
    SQL_ATTR_APP_PARAM_DESC, SQL_ATTR_APP_ROW_DESC, SQL_ATTR_ASYNC_ENABLE, SQL_ATTR_CONCURRENCY,
    SQL_ATTR_CURSOR_SCROLLABLE, SQL_ATTR_CURSOR_SENSITIVITY, SQL_ATTR_CURSOR_TYPE,
    SQL_ATTR_ENABLE_AUTO_IPD, SQL_ATTR_FETCH_BOOKMARK_PTR, SQL_ATTR_IMP_PARAM_DESC,
    SQL_ATTR_IMP_ROW_DESC, SQL_ATTR_KEYSET_SIZE, SQL_ATTR_MAX_LENGTH, SQL_ATTR_MAX_ROWS,
    SQL_ATTR_METADATA_ID, SQL_ATTR_NOSCAN, SQL_ATTR_PARAMSET_SIZE, SQL_ATTR_PARAMS_PROCESSED_PTR,
    SQL_ATTR_PARAM_BIND_OFFSET_PTR, SQL_ATTR_PARAM_BIND_TYPE, SQL_ATTR_PARAM_OPERATION_PTR,
    SQL_ATTR_PARAM_STATUS_PTR, SQL_ATTR_QUERY_TIMEOUT, SQL_ATTR_RETRIEVE_DATA,
    SQL_ATTR_ROWS_FETCHED_PTR, SQL_ATTR_ROW_ARRAY_SIZE, SQL_ATTR_ROW_BIND_OFFSET_PTR,
    SQL_ATTR_ROW_BIND_TYPE, SQL_ATTR_ROW_NUMBER, SQL_ATTR_ROW_OPERATION_PTR,
    SQL_ATTR_ROW_STATUS_PTR, SQL_ATTR_SIMULATE_CURSOR, SQL_ATTR_USE_BOOKMARKS,
    SQL_CONCUR_READ_ONLY, SQL_FETCH_NEXT, SQL_INSENSITIVE, SQL_NULL_DATA, SQL_ROWSET_SIZE,
    SQL_ROW_NOROW,
};
use crate::odbc::c_types::{SQL_ARD_TYPE, SQL_C_DEFAULT};
use crate::odbc::sql_types::SQL_UNKNOWN_TYPE;
use crate::runtime::{wait_statement, CancelSignal, Stack};

/// The longest text a column reports (COLUMN_SIZE of unbounded text), so clients size buffers.
pub const MAX_TEXT_LEN: u64 = 4000;

#[derive(Clone, Debug)]
pub struct StmtAttrs {
    pub query_timeout: usize,
    pub max_rows: usize,
    pub noscan: usize,
    pub max_length: usize,
    pub metadata_id: usize,
    pub retrieve_data: usize,
}

impl Default for StmtAttrs {
    fn default() -> Self {
        StmtAttrs {
            query_timeout: 0,
            max_rows: 0,
            noscan: 0,
            max_length: 0,
            metadata_id: 0,
            retrieve_data: 1,
        }
    }
}

#[derive(Default)]
pub struct StmtState {
    pub attrs: StmtAttrs,
    pub prepared: Option<Prepared>,
    pub cursor: Option<Cursor>,
    /// Whether the cursor has a current row (a fetch returned rows).
    pub positioned: bool,
    /// Set by SQLExecute/SQLExecDirect; SQLRowCount and SQLMoreResults need it.
    pub executed: bool,
}

pub struct Statement {
    pub conn: Arc<Connection>,
    pub diag: Diagnostics,
    pub cancel: Arc<CancelSignal>,
    pub ard: Arc<Descriptor>,
    pub apd: Arc<Descriptor>,
    pub ird: Arc<Descriptor>,
    pub ipd: Arc<Descriptor>,
    pub state: Mutex<StmtState>,
}

/// A statement attribute's value.
pub enum StmtAttrValue {
    Int(usize),
    Ptr(AppPtr),
    Handle(usize),
}

/// A new statement of `conn` with its four implicit descriptors.
pub fn allocate(conn: Arc<Connection>) -> Arc<Statement> {
    // The connection's MaxRows is each new statement's SQL_ATTR_MAX_ROWS.
    let max_rows = conn
        .session()
        .map(|s| s.settings.max_rows as usize)
        .unwrap_or(0);
    Arc::new(Statement {
        conn: conn.clone(),
        diag: Diagnostics::default(),
        cancel: CancelSignal::new(),
        ard: Arc::new(Descriptor::new(DescKind::Ard)),
        apd: Arc::new(Descriptor::new(DescKind::Apd)),
        ird: Arc::new(Descriptor::new(DescKind::Ird)),
        ipd: Arc::new(Descriptor::new(DescKind::Ipd)),
        state: Mutex::new(StmtState {
            attrs: StmtAttrs {
                max_rows,
                ..StmtAttrs::default()
            },
            ..StmtState::default()
        }),
    })
}

fn no_result_set() -> Error {
    Error::new(
        state::FUNCTION_SEQUENCE_ERROR,
        "[apiodbc] Function sequence error: the statement has no result set; execute a query first",
    )
}

fn column_index(schema: &SchemaRef, column: u16) -> Result<usize> {
    if column == 0 || column as usize > schema.fields().len() {
        return Err(Error::new(
            state::INVALID_DESCRIPTOR_INDEX,
            format!(
                "[apiodbc] Column {column} does not exist; the result has columns 1 to {} (bookmarks are not supported)",
                schema.fields().len()
            ),
        ));
    }
    Ok(column as usize - 1)
}

impl Statement {
    fn timeout(&self, st: &StmtState) -> Option<Duration> {
        (st.attrs.query_timeout > 0).then(|| Duration::from_secs(st.attrs.query_timeout as u64))
    }

    fn odbc_version(&self) -> u32 {
        self.conn.env.odbc_version()
    }

    /// Fills the IRD from a result schema so SQLDescribeCol and SQLColAttribute answer.
    fn describe_result(&self, schema: &SchemaRef) {
        let odbc2 = self.odbc_version() == 2;
        let records = schema
            .fields()
            .iter()
            .map(|field| {
                let ct = column_type(field.data_type(), MAX_TEXT_LEN);
                let concise = if odbc2 {
                    sql_types::odbc2_type(ct.sql_type)
                } else {
                    ct.sql_type
                };
                DescRecord {
                    concise_type: concise,
                    verbose_type: ct.verbose_type,
                    datetime_sub: ct.datetime_sub,
                    octet_length: ct.octet_length as isize,
                    length: ct.column_size as usize,
                    precision: ct.column_size.min(i16::MAX as u64) as i16,
                    scale: ct.decimal_digits,
                    nullable: if field.is_nullable() { 1 } else { 0 },
                    name: field.name().clone(),
                    unnamed: if field.name().is_empty() { 1 } else { 0 },
                    num_prec_radix: ct.num_prec_radix,
                    ..DescRecord::default()
                }
            })
            .collect();
        lock(&self.ird.state).records = records;
    }

    fn describe_params(&self, prepared: &Prepared) {
        let mut ipd = lock(&self.ipd.state);
        let count = prepared.param_count();
        for i in 0..count {
            let inferred = prepared.param_type(i);
            let rec = ipd.record_mut(i + 1);
            if rec.concise_type == 99 || rec.concise_type == 0 {
                // A marker the statement does not constrain (`SELECT ?`) takes the type it is
                // bound with; SQL_UNKNOWN_TYPE says so, and clients then bind their own type.
                let Some(inferred) = inferred else {
                    rec.concise_type = SQL_UNKNOWN_TYPE;
                    rec.verbose_type = SQL_UNKNOWN_TYPE;
                    rec.nullable = 1;
                    continue;
                };
                let ct = column_type(&inferred, MAX_TEXT_LEN);
                rec.concise_type = ct.sql_type;
                rec.verbose_type = ct.verbose_type;
                rec.datetime_sub = ct.datetime_sub;
                rec.length = ct.column_size as usize;
                rec.scale = ct.decimal_digits;
                rec.nullable = 1;
            }
        }
    }

    pub fn prepare(&self, sql: &str) -> Result<()> {
        let mut st = lock(&self.state);
        if st.cursor.is_some() {
            return Err(Error::new(
                state::INVALID_CURSOR_STATE,
                "[apiodbc] A cursor is open on this statement; close it with SQLCloseCursor first",
            ));
        }
        let session = self.conn.session()?;
        self.cancel.reset();
        let scan = st.attrs.noscan == 0;
        let timeout = self.timeout(&st);
        tracing::debug!(sql = %crate::engine::procedure_call::loggable(sql), "prepare");
        st.prepared = None;
        st.executed = false;
        let prepared = wait_statement(
            Stack::Large,
            session.engine.prepare(sql, scan),
            &self.cancel,
            timeout,
        )?;
        self.describe_result(&prepared.schema());
        self.describe_params(&prepared);
        st.prepared = Some(prepared);
        Ok(())
    }

    pub fn execute(&self) -> Result<Status> {
        let mut st = lock(&self.state);
        if st.cursor.is_some() {
            return Err(Error::new(
                state::INVALID_CURSOR_STATE,
                "[apiodbc] A cursor is open on this statement; close it with SQLCloseCursor first",
            ));
        }
        let prepared = st.prepared.clone().ok_or_else(|| {
            Error::new(
                state::FUNCTION_SEQUENCE_ERROR,
                "[apiodbc] Function sequence error: SQLExecute needs a statement prepared with SQLPrepare",
            )
        })?;
        let session = self.conn.session()?;
        let values = {
            let apd = lock(&self.apd.state);
            let ipd = lock(&self.ipd.state);
            params::read_all(&apd, &ipd, prepared.param_count())?
        };
        self.cancel.reset();
        let timeout = self.timeout(&st);
        let stream = wait_statement(
            Stack::Large,
            session.engine.execute(&prepared, values),
            &self.cancel,
            timeout,
        )?;
        // The executed plan knows parameter types the prepared one could not (`SELECT ?`).
        let schema = stream.schema();
        if schema != prepared.schema() {
            self.describe_result(&schema);
        }
        st.cursor = Some(Cursor::new(
            schema,
            stream,
            st.attrs.max_rows as u64,
            prepared.stack(),
        ));
        st.positioned = false;
        st.executed = true;
        Ok(Status::Success)
    }

    pub fn exec_direct(&self, sql: &str) -> Result<Status> {
        self.prepare(sql)?;
        self.execute()
    }

    /// Opens a result set computed by the driver itself (catalog functions, SQLGetTypeInfo).
    pub fn open_batch(&self, batch: RecordBatch) -> Result<Status> {
        let mut st = lock(&self.state);
        if st.cursor.is_some() {
            return Err(Error::new(
                state::INVALID_CURSOR_STATE,
                "[apiodbc] A cursor is open on this statement; close it with SQLCloseCursor first",
            ));
        }
        let schema = batch.schema();
        self.describe_result(&schema);
        let stream =
            RecordBatchStreamAdapter::new(schema.clone(), futures::stream::iter(vec![Ok(batch)]));
        st.prepared = None;
        st.cursor = Some(Cursor::new(
            schema,
            Box::pin(stream),
            st.attrs.max_rows as u64,
            Stack::Caller,
        ));
        st.positioned = false;
        st.executed = true;
        Ok(Status::Success)
    }

    fn result_schema(&self, st: &StmtState) -> Result<SchemaRef> {
        if let Some(cursor) = &st.cursor {
            return Ok(cursor.schema.clone());
        }
        if let Some(prepared) = &st.prepared {
            return Ok(prepared.schema());
        }
        Err(Error::new(
            state::FUNCTION_SEQUENCE_ERROR,
            "[apiodbc] Function sequence error: prepare or execute a statement first",
        ))
    }

    pub fn num_result_cols(&self) -> Result<i16> {
        let st = lock(&self.state);
        Ok(self.result_schema(&st)?.fields().len() as i16)
    }

    /// The IRD record of a result column, for SQLDescribeCol and SQLColAttribute.
    pub fn column_record(&self, column: u16) -> Result<DescRecord> {
        let st = lock(&self.state);
        let schema = self.result_schema(&st)?;
        let index = column_index(&schema, column)?;
        lock(&self.ird.state)
            .records
            .get(index)
            .cloned()
            .ok_or_else(|| {
                Error::general("[apiodbc] Internal error: the result columns are not described")
            })
    }

    pub fn column_type(&self, column: u16) -> Result<(sql_types::ColumnType, String, bool)> {
        let st = lock(&self.state);
        let schema = self.result_schema(&st)?;
        let field = schema.field(column_index(&schema, column)?);
        Ok((
            column_type(field.data_type(), MAX_TEXT_LEN),
            field.name().clone(),
            field.is_nullable(),
        ))
    }

    pub fn num_params(&self) -> Result<i16> {
        let st = lock(&self.state);
        let prepared = st.prepared.as_ref().ok_or_else(|| {
            Error::new(
                state::FUNCTION_SEQUENCE_ERROR,
                "[apiodbc] Function sequence error: prepare the statement first",
            )
        })?;
        Ok(prepared.param_count() as i16)
    }

    pub fn describe_param(&self, number: u16) -> Result<DescRecord> {
        let count = self.num_params()?;
        if number == 0 || number as i16 > count {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_INDEX,
                format!("[apiodbc] Parameter {number} does not exist; the statement has {count}"),
            ));
        }
        Ok(lock(&self.ipd.state).record_mut(number as usize).clone())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn bind_parameter(
        &self,
        number: u16,
        io_type: i16,
        c_type: i16,
        sql_type: i16,
        column_size: usize,
        decimal_digits: i16,
        data: AppPtr,
        buffer_len: isize,
        indicator: AppPtr,
    ) -> Result<()> {
        if number == 0 {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_INDEX,
                "[apiodbc] Parameters are numbered from 1",
            ));
        }
        if io_type != 1 {
            return Err(Error::new(
                state::INVALID_PARAMETER_TYPE,
                "[apiodbc] Only input parameters (SQL_PARAM_INPUT) are supported",
            ));
        }
        if c_types::name(c_type) == "unknown" && c_type != SQL_C_DEFAULT {
            return Err(Error::new(
                state::INVALID_APP_BUFFER_TYPE,
                format!("[apiodbc] The C type {c_type} is not a valid ODBC C data type"),
            ));
        }
        if buffer_len < 0 {
            return Err(Error::new(
                state::INVALID_STRING_OR_BUFFER_LENGTH,
                "[apiodbc] BufferLength of a parameter cannot be negative",
            ));
        }
        {
            let mut apd = lock(&self.apd.state);
            let rec = apd.record_mut(number as usize);
            rec.concise_type = c_type;
            rec.verbose_type = verbose_of(c_type);
            rec.datetime_sub = datetime_sub_of(c_type);
            rec.data_ptr = data;
            rec.octet_length = buffer_len;
            rec.indicator_ptr = indicator;
            rec.octet_length_ptr = indicator;
        }
        let mut ipd = lock(&self.ipd.state);
        let rec = ipd.record_mut(number as usize);
        rec.concise_type = sql_type;
        rec.verbose_type = verbose_of(sql_type);
        rec.datetime_sub = datetime_sub_of(sql_type);
        rec.length = column_size;
        rec.precision = column_size.min(i16::MAX as usize) as i16;
        rec.scale = decimal_digits;
        rec.parameter_type = io_type;
        Ok(())
    }

    pub fn bind_col(
        &self,
        column: u16,
        c_type: i16,
        data: AppPtr,
        buffer_len: isize,
        indicator: AppPtr,
    ) -> Result<()> {
        if column == 0 {
            return Err(Error::new(
                state::INVALID_DESCRIPTOR_INDEX,
                "[apiodbc] Column 0 is the bookmark column, and bookmarks are not supported",
            ));
        }
        if buffer_len < 0 {
            return Err(Error::new(
                state::INVALID_STRING_OR_BUFFER_LENGTH,
                "[apiodbc] BufferLength cannot be negative",
            ));
        }
        if c_types::name(c_type) == "unknown" && c_type != SQL_C_DEFAULT {
            return Err(Error::new(
                state::INVALID_APP_BUFFER_TYPE,
                format!("[apiodbc] The C type {c_type} is not a valid ODBC C data type"),
            ));
        }
        let mut ard = lock(&self.ard.state);
        let rec = ard.record_mut(column as usize);
        rec.concise_type = c_type;
        rec.verbose_type = verbose_of(c_type);
        rec.datetime_sub = datetime_sub_of(c_type);
        rec.data_ptr = data;
        rec.octet_length = buffer_len;
        rec.indicator_ptr = indicator;
        rec.octet_length_ptr = indicator;
        if data.is_null() && indicator.is_null() {
            ard.trim_unbound();
        }
        Ok(())
    }

    pub fn fetch(&self, orientation: i16) -> Result<Status> {
        if orientation != SQL_FETCH_NEXT {
            return Err(Error::new(
                state::FETCH_TYPE_OUT_OF_RANGE,
                "[apiodbc] The cursor is forward-only: only SQL_FETCH_NEXT is supported",
            ));
        }
        let mut st = lock(&self.state);
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
        let rows = match wait_statement(stack, cursor.advance(array_size), &self.cancel, timeout) {
            Ok(rows) => rows,
            Err(e) => {
                // A cancelled, timed-out or failed scan cannot resume: close the cursor now so
                // the engine's work and any request in flight stop.
                st.cursor = None;
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
                        "[apiodbc] Column {} is bound but the result has only {} columns",
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
                .map(|r| Error {
                    state: r.state,
                    native: r.native,
                    message: r.message.clone(),
                })
                .unwrap_or_else(|| Error::general("[apiodbc] The row could not be fetched")));
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
                "[apiodbc] The cursor is not on a row; call SQLFetch first",
            ));
        }
        let index = column_index(&cursor.schema, column)?;
        if buffer_len < 0 {
            return Err(Error::new(
                state::INVALID_STRING_OR_BUFFER_LENGTH,
                "[apiodbc] BufferLength cannot be negative",
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
                "[apiodbc] The cursor is not on a row; call SQLFetch first",
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
                        format!("[apiodbc] Column {column} is NULL but StrLen_or_IndPtr is null; pass an indicator"),
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
                        format!("[apiodbc] String data, right truncated in column {column}: call SQLGetData again for the rest"),
                    );
                }
                Ok(Status::Success)
            }
            CellOutcome::NoMoreData => Ok(Status::NoData),
        }
    }

    pub fn close_cursor(&self, must_be_open: bool) -> Result<()> {
        let mut st = lock(&self.state);
        if st.cursor.is_none() && must_be_open {
            return Err(Error::new(
                state::INVALID_CURSOR_STATE,
                "[apiodbc] No cursor is open on this statement",
            ));
        }
        st.cursor = None;
        st.positioned = false;
        Ok(())
    }

    pub fn unbind(&self) {
        let mut ard = lock(&self.ard.state);
        ard.records.clear();
    }

    pub fn reset_params(&self) {
        lock(&self.apd.state).records.clear();
        lock(&self.ipd.state).records.clear();
    }

    pub fn row_count(&self) -> Result<isize> {
        let st = lock(&self.state);
        if !st.executed {
            return Err(Error::new(
                state::FUNCTION_SEQUENCE_ERROR,
                "[apiodbc] Function sequence error: execute a statement before SQLRowCount",
            ));
        }
        // A SELECT's row count is unknown until the last row is fetched; -1 says so, per the spec.
        Ok(-1)
    }

    pub fn more_results(&self) -> Result<Status> {
        let mut st = lock(&self.state);
        if !st.executed && st.cursor.is_none() {
            return Ok(Status::NoData);
        }
        st.cursor = None;
        st.positioned = false;
        Ok(Status::NoData)
    }

    /// `pointer`: the SQLPOINTER the application passed, an integer or a pointer by attribute.
    pub fn set_attr(&self, attribute: i32, pointer: AppPtr) -> Result<()> {
        let value = pointer.address();
        let mut st = lock(&self.state);
        match attribute {
            SQL_ATTR_QUERY_TIMEOUT => st.attrs.query_timeout = value,
            SQL_ATTR_MAX_ROWS => st.attrs.max_rows = value,
            SQL_ATTR_NOSCAN => st.attrs.noscan = value,
            SQL_ATTR_MAX_LENGTH => st.attrs.max_length = value,
            SQL_ATTR_METADATA_ID => st.attrs.metadata_id = value,
            SQL_ATTR_RETRIEVE_DATA => st.attrs.retrieve_data = value,
            SQL_ATTR_ASYNC_ENABLE => {
                if value != 0 {
                    return Err(Error::new(
                        state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                        "[apiodbc] Asynchronous execution is not supported; call from a worker thread and use SQLCancel",
                    ));
                }
            }
            SQL_ATTR_CURSOR_TYPE
            | SQL_ATTR_CONCURRENCY
            | SQL_ATTR_CURSOR_SCROLLABLE
            | SQL_ATTR_CURSOR_SENSITIVITY
            | SQL_ATTR_SIMULATE_CURSOR
            | SQL_ATTR_KEYSET_SIZE
            | SQL_ATTR_USE_BOOKMARKS => {
                let supported = match attribute {
                    SQL_ATTR_CONCURRENCY => SQL_CONCUR_READ_ONLY,
                    SQL_ATTR_CURSOR_SENSITIVITY => SQL_INSENSITIVE,
                    _ => 0,
                };
                if value != supported {
                    self.diag.push_warning(
                        state::OPTION_VALUE_CHANGED,
                        "[apiodbc] Option value changed: apiodbc cursors are forward-only, read-only and without bookmarks",
                    );
                }
            }
            SQL_ATTR_ROW_ARRAY_SIZE | SQL_ROWSET_SIZE => {
                if value == 0 {
                    return Err(Error::new(
                        state::INVALID_ATTRIBUTE_VALUE,
                        "[apiodbc] The row array size must be at least 1",
                    ));
                }
                lock(&self.ard.state).header.array_size = value;
            }
            SQL_ATTR_ROW_BIND_TYPE => lock(&self.ard.state).header.bind_type = value,
            SQL_ATTR_ROW_BIND_OFFSET_PTR => lock(&self.ard.state).header.bind_offset_ptr = pointer,
            SQL_ATTR_ROW_STATUS_PTR => lock(&self.ird.state).header.array_status_ptr = pointer,
            SQL_ATTR_ROWS_FETCHED_PTR => lock(&self.ird.state).header.rows_processed_ptr = pointer,
            SQL_ATTR_ROW_OPERATION_PTR => lock(&self.ard.state).header.array_status_ptr = pointer,
            SQL_ATTR_PARAMSET_SIZE => {
                if value == 0 {
                    return Err(Error::new(
                        state::INVALID_ATTRIBUTE_VALUE,
                        "[apiodbc] SQL_ATTR_PARAMSET_SIZE must be at least 1",
                    ));
                }
                lock(&self.apd.state).header.array_size = value;
            }
            SQL_ATTR_PARAM_BIND_TYPE => lock(&self.apd.state).header.bind_type = value,
            SQL_ATTR_PARAM_BIND_OFFSET_PTR => {
                lock(&self.apd.state).header.bind_offset_ptr = pointer
            }
            SQL_ATTR_PARAM_OPERATION_PTR => lock(&self.apd.state).header.array_status_ptr = pointer,
            SQL_ATTR_PARAM_STATUS_PTR => lock(&self.ipd.state).header.array_status_ptr = pointer,
            SQL_ATTR_PARAMS_PROCESSED_PTR => {
                lock(&self.ipd.state).header.rows_processed_ptr = pointer
            }
            SQL_ATTR_ENABLE_AUTO_IPD => {}
            SQL_ATTR_APP_ROW_DESC | SQL_ATTR_APP_PARAM_DESC => {
                let implicit = if attribute == SQL_ATTR_APP_ROW_DESC {
                    &self.ard
                } else {
                    &self.apd
                };
                if value != 0 && value != Arc::as_ptr(implicit) as usize {
                    return Err(Error::new(
                        state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                        "[apiodbc] Explicitly allocated descriptors are not supported; use the statement's own",
                    ));
                }
            }
            SQL_ATTR_IMP_ROW_DESC | SQL_ATTR_IMP_PARAM_DESC | SQL_ATTR_ROW_NUMBER => {
                return Err(Error::new(
                    state::INVALID_ATTRIBUTE_VALUE,
                    format!("[apiodbc] Statement attribute {attribute} is read-only"),
                ))
            }
            SQL_ATTR_FETCH_BOOKMARK_PTR => {
                return Err(Error::new(
                    state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                    "[apiodbc] Bookmarks are not supported",
                ))
            }
            other => {
                return Err(Error::new(
                    state::INVALID_ATTRIBUTE_IDENTIFIER,
                    format!("[apiodbc] Statement attribute {other} is not known"),
                ))
            }
        }
        Ok(())
    }

    pub fn get_attr(&self, attribute: i32) -> Result<StmtAttrValue> {
        let st = lock(&self.state);
        let value = match attribute {
            SQL_ATTR_QUERY_TIMEOUT => StmtAttrValue::Int(st.attrs.query_timeout),
            SQL_ATTR_MAX_ROWS => StmtAttrValue::Int(st.attrs.max_rows),
            SQL_ATTR_NOSCAN => StmtAttrValue::Int(st.attrs.noscan),
            SQL_ATTR_MAX_LENGTH => StmtAttrValue::Int(st.attrs.max_length),
            SQL_ATTR_METADATA_ID => StmtAttrValue::Int(st.attrs.metadata_id),
            SQL_ATTR_RETRIEVE_DATA => StmtAttrValue::Int(st.attrs.retrieve_data),
            SQL_ATTR_ASYNC_ENABLE
            | SQL_ATTR_CURSOR_TYPE
            | SQL_ATTR_CURSOR_SCROLLABLE
            | SQL_ATTR_SIMULATE_CURSOR
            | SQL_ATTR_KEYSET_SIZE
            | SQL_ATTR_USE_BOOKMARKS
            | SQL_ATTR_ENABLE_AUTO_IPD => StmtAttrValue::Int(0),
            SQL_ATTR_CONCURRENCY => StmtAttrValue::Int(SQL_CONCUR_READ_ONLY),
            SQL_ATTR_CURSOR_SENSITIVITY => StmtAttrValue::Int(SQL_INSENSITIVE),
            SQL_ATTR_ROW_NUMBER => StmtAttrValue::Int(
                st.cursor
                    .as_ref()
                    .map(|c| c.delivered as usize)
                    .unwrap_or(0),
            ),
            SQL_ATTR_ROW_ARRAY_SIZE | SQL_ROWSET_SIZE => {
                StmtAttrValue::Int(lock(&self.ard.state).header.array_size)
            }
            SQL_ATTR_ROW_BIND_TYPE => StmtAttrValue::Int(lock(&self.ard.state).header.bind_type),
            SQL_ATTR_ROW_BIND_OFFSET_PTR => {
                StmtAttrValue::Ptr(lock(&self.ard.state).header.bind_offset_ptr)
            }
            SQL_ATTR_ROW_OPERATION_PTR => {
                StmtAttrValue::Ptr(lock(&self.ard.state).header.array_status_ptr)
            }
            SQL_ATTR_ROW_STATUS_PTR => {
                StmtAttrValue::Ptr(lock(&self.ird.state).header.array_status_ptr)
            }
            SQL_ATTR_ROWS_FETCHED_PTR => {
                StmtAttrValue::Ptr(lock(&self.ird.state).header.rows_processed_ptr)
            }
            SQL_ATTR_PARAMSET_SIZE => StmtAttrValue::Int(lock(&self.apd.state).header.array_size),
            SQL_ATTR_PARAM_BIND_TYPE => StmtAttrValue::Int(lock(&self.apd.state).header.bind_type),
            SQL_ATTR_PARAM_BIND_OFFSET_PTR => {
                StmtAttrValue::Ptr(lock(&self.apd.state).header.bind_offset_ptr)
            }
            SQL_ATTR_PARAM_OPERATION_PTR => {
                StmtAttrValue::Ptr(lock(&self.apd.state).header.array_status_ptr)
            }
            SQL_ATTR_PARAM_STATUS_PTR => {
                StmtAttrValue::Ptr(lock(&self.ipd.state).header.array_status_ptr)
            }
            SQL_ATTR_PARAMS_PROCESSED_PTR => {
                StmtAttrValue::Ptr(lock(&self.ipd.state).header.rows_processed_ptr)
            }
            SQL_ATTR_APP_ROW_DESC => StmtAttrValue::Handle(Arc::as_ptr(&self.ard) as usize),
            SQL_ATTR_APP_PARAM_DESC => StmtAttrValue::Handle(Arc::as_ptr(&self.apd) as usize),
            SQL_ATTR_IMP_ROW_DESC => StmtAttrValue::Handle(Arc::as_ptr(&self.ird) as usize),
            SQL_ATTR_IMP_PARAM_DESC => StmtAttrValue::Handle(Arc::as_ptr(&self.ipd) as usize),
            other => {
                return Err(Error::new(
                    state::INVALID_ATTRIBUTE_IDENTIFIER,
                    format!("[apiodbc] Statement attribute {other} is not known"),
                ))
            }
        };
        Ok(value)
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
