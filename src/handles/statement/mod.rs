//! The statement handle: its state, preparing and executing SQL, opening the driver's own result
//! sets (catalog functions, SQLGetTypeInfo), closing the cursor, row counts. Describing results and
//! parameters (`describe`), binding (`bind`), fetching (`fetch`) and statement attributes
//! (`attributes`) are the submodules'.

mod attributes;
mod bind;
mod cursor_name;
mod data_at_exec;
mod describe;
mod fetch;
mod param_arrays;

pub use data_at_exec::NeedData;
pub use describe::ColAttr;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;

use super::c_data::{
    default_c_type, truncation_state, write_cell, CellOutcome, CellTarget, ChunkState,
};
use super::c_types;
use super::column_writer::{BoundCells, ColumnWriter, RowsetReport};
use super::connection::Connection;
use super::cursor::Cursor;
use super::descriptor::{datetime_sub_of, verbose_of, DescKind, DescRecord, Descriptor};
use super::diag::Diagnostics;
use super::read_ahead::read_ahead;
use super::sql_types::{self, column_type, DEFAULT_MAX_TEXT_LEN as MAX_TEXT_LEN};
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
    SQL_CONCUR_READ_ONLY, SQL_INSENSITIVE, SQL_NULL_DATA, SQL_ROWSET_SIZE, SQL_ROW_NOROW,
};
use crate::odbc::c_types::{SQL_ARD_TYPE, SQL_C_DEFAULT};
use crate::odbc::sql_types::SQL_UNKNOWN_TYPE;
use crate::runtime::{wait_statement, CancelSignal, Stack};

#[derive(Clone, Debug)]
pub struct StmtAttrs {
    pub query_timeout: usize,
    pub max_rows: usize,
    pub noscan: usize,
    pub max_length: usize,
    pub metadata_id: usize,
    pub retrieve_data: usize,
    /// SQL_ATTR_CURSOR_TYPE is SQL_CURSOR_STATIC (or SQL_ATTR_CURSOR_SCROLLABLE is set): the
    /// next result set is read whole and can be scrolled.
    pub static_cursor: bool,
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
            static_cursor: false,
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
    /// The rows the last INSERT, UPDATE or DELETE changed, for SQLRowCount.
    pub rows_changed: Option<u64>,
    /// An execution waiting for data-at-execution parameters (SQLParamData, SQLPutData).
    pub need_data: Option<NeedData>,
}

pub struct Statement {
    /// A number unique in the process: the default cursor name, the key of a set one.
    pub serial: u64,
    pub conn: Arc<Connection>,
    pub diag: Diagnostics,
    pub cancel: Arc<CancelSignal>,
    pub ard: Arc<Descriptor>,
    pub apd: Arc<Descriptor>,
    pub ird: Arc<Descriptor>,
    pub ipd: Arc<Descriptor>,
    pub state: Mutex<StmtState>,
}

impl Statement {
    /// Characters declared for text columns that declare no length: the connection's
    /// DefaultColumnSize.
    pub fn text_len(&self) -> u64 {
        self.conn
            .session()
            .map(|s| s.settings.default_column_size)
            .unwrap_or(MAX_TEXT_LEN)
    }
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
    static SERIALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    Arc::new(Statement {
        serial: SERIALS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
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
        "Function sequence error: the statement has no result set; execute a query first",
    )
}

fn column_index(schema: &SchemaRef, column: u16) -> Result<usize> {
    if column == 0 || column as usize > schema.fields().len() {
        return Err(Error::new(
            state::INVALID_DESCRIPTOR_INDEX,
            format!(
                "Column {column} does not exist; the result has columns 1 to {} (bookmarks are not supported)",
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

    /// HY010 while a data-at-execution sequence is open: only SQLParamData, SQLPutData and
    /// SQLCancel may be called then.
    fn no_data_pending(st: &StmtState) -> Result<()> {
        if st.need_data.is_some() {
            return Err(Error::new(
                state::FUNCTION_SEQUENCE_ERROR,
                "Function sequence error: the statement waits for data-at-execution parameters; finish with SQLParamData and SQLPutData, or call SQLCancel",
            ));
        }
        Ok(())
    }

    pub fn prepare(&self, sql: &str) -> Result<()> {
        let mut st = lock(&self.state);
        Self::no_data_pending(&st)?;
        if st.cursor.is_some() {
            return Err(Error::new(
                state::INVALID_CURSOR_STATE,
                "A cursor is open on this statement; close it with SQLCloseCursor first",
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

    /// The catalog for SQLColumns with `names`: the tables it may list learn their late columns
    /// (custom fields) first, under the statement's query timeout and SQLCancel.
    pub fn catalog_with_columns(
        &self,
        names: &crate::handles::catalog::Names,
    ) -> Result<Arc<crate::engine::catalog::CatalogInfo>> {
        let session = self.conn.session()?;
        let timeout = self.timeout(&lock(&self.state));
        self.cancel.reset();
        wait_statement(
            Stack::Caller,
            session.engine.complete_tables(
                |schema, table| crate::handles::catalog::may_list(names, schema, table),
                crate::engine::OnFailure::Skip,
            ),
            &self.cancel,
            timeout,
        )?;
        Ok(session.engine.catalog())
    }

    /// SQLTablePrivileges: what this connection may do to each table `names` matches.
    pub fn table_privileges(&self, names: &crate::handles::catalog::Names) -> Result<RecordBatch> {
        let session = self.conn.session()?;
        crate::handles::catalog::table_privileges(
            &session.engine.catalog(),
            names,
            &self.grantee(&session),
            self.conn.writable(),
        )
    }

    /// SQLColumnPrivileges: what this connection may do to each column `names` matches (the
    /// table's custom fields learnt first, as for SQLColumns).
    pub fn column_privileges(&self, names: &crate::handles::catalog::Names) -> Result<RecordBatch> {
        let session = self.conn.session()?;
        crate::handles::catalog::column_privileges(
            &*self.catalog_with_columns(names)?,
            names,
            &self.grantee(&session),
            self.conn.writable(),
        )
    }

    /// The GRANTEE of the privileges: the connection's user, or PUBLIC without one.
    fn grantee(&self, session: &crate::session::OpenSession) -> String {
        session
            .settings
            .user
            .clone()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "PUBLIC".to_string())
    }

    pub fn execute(&self) -> Result<Status> {
        let mut st = lock(&self.state);
        Self::no_data_pending(&st)?;
        if st.cursor.is_some() {
            return Err(Error::new(
                state::INVALID_CURSOR_STATE,
                "A cursor is open on this statement; close it with SQLCloseCursor first",
            ));
        }
        let prepared = st.prepared.clone().ok_or_else(|| {
            Error::new(
                state::FUNCTION_SEQUENCE_ERROR,
                "Function sequence error: SQLExecute needs a statement prepared with SQLPrepare",
            )
        })?;
        let (pending, sets) = {
            let apd = lock(&self.apd.state);
            (
                params::data_at_exec(&apd, prepared.param_count()),
                apd.header.array_size.max(1),
            )
        };
        // SQLParamData hands back the bound address of one set only: with an array, the
        // application could not tell which row's value is asked for (pyodbc would read the
        // wrong memory), so this is refused before SQL_NEED_DATA.
        if sets > 1 && !pending.is_empty() {
            return Err(Error::new(
                state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                "Data-at-execution parameters in an array of parameter sets are not supported; bind the values, or execute one set at a time",
            ));
        }
        if !pending.is_empty() {
            // The values come through SQLParamData and SQLPutData; SQLParamData runs the
            // statement once the last one is in.
            st.need_data = Some(NeedData::new(prepared, pending));
            return Ok(Status::NeedData);
        }
        self.run(&mut st, prepared, &Default::default())
    }

    /// Runs a prepared statement with its bound values (and the data-at-execution ones given),
    /// once per parameter set of an array (`param_arrays`), and opens its rows.
    fn run(
        &self,
        st: &mut StmtState,
        prepared: Prepared,
        supplied: &std::collections::BTreeMap<usize, params::Supplied>,
    ) -> Result<Status> {
        let session = self.conn.session()?;
        self.cancel.reset();
        let timeout = self.timeout(st);
        st.rows_changed = None;
        if prepared.writes() {
            self.conn.may_write()?;
            let changed = self.execute_write_sets(&session, &prepared, supplied, timeout)?;
            st.cursor = None;
            st.positioned = false;
            st.executed = true;
            st.rows_changed = Some(changed);
            // ODBC 3: a searched UPDATE or DELETE that changes no row answers SQL_NO_DATA.
            return Ok(if changed == 0 {
                Status::NoData
            } else {
                Status::Success
            });
        }
        let stream = self.execute_sets(&session, &prepared, supplied, timeout)?;
        // The executed plan knows parameter types the prepared one could not (`SELECT ?`).
        let schema = stream.schema();
        if schema != prepared.schema() {
            self.describe_result(&schema);
        }
        // Rows the driver computes are read ahead while the application works on the last
        // rowset. Not an API's rows: a page read ahead and never fetched costs a request. Not a
        // deep statement's: its stream must be polled on the large stack, by the driver call.
        let stream = if prepared.stack() == Stack::Caller && !prepared.asks_api() {
            read_ahead(stream, st.attrs.max_rows as u64)
        } else {
            stream
        };
        st.cursor = Some(Cursor::new(
            schema,
            stream,
            st.attrs.max_rows as u64,
            prepared.stack(),
            st.attrs.static_cursor,
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
                "A cursor is open on this statement; close it with SQLCloseCursor first",
            ));
        }
        let schema = batch.schema();
        self.describe_result(&schema);
        let stream =
            RecordBatchStreamAdapter::new(schema.clone(), futures::stream::iter(vec![Ok(batch)]));
        st.prepared = None;
        st.rows_changed = None;
        st.cursor = Some(Cursor::new(
            schema,
            Box::pin(stream),
            st.attrs.max_rows as u64,
            Stack::Caller,
            st.attrs.static_cursor,
        ));
        st.positioned = false;
        st.executed = true;
        Ok(Status::Success)
    }

    pub fn close_cursor(&self, must_be_open: bool) -> Result<()> {
        let mut st = lock(&self.state);
        if st.cursor.is_none() && must_be_open {
            return Err(Error::new(
                state::INVALID_CURSOR_STATE,
                "No cursor is open on this statement",
            ));
        }
        st.cursor = None;
        st.positioned = false;
        st.need_data = None;
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
                "Function sequence error: execute a statement before SQLRowCount",
            ));
        }
        // A SELECT's row count is unknown until the last row is fetched; -1 says so, per the spec.
        Ok(st
            .rows_changed
            .map_or(-1, |n| isize::try_from(n).unwrap_or(isize::MAX)))
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
}
