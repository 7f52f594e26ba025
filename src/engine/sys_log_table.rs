//! A `sys` table over one of the connection's logs (`sys_requests`, `sys_writes`): its rows are
//! built from the log when the table is scanned, so each query sees the log up to the statements
//! before it. It owns the scanning only; which columns a log gives is its own module's.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::TableType;
use datafusion::logical_expr::Expr;
use datafusion::physical_plan::ExecutionPlan;

use super::sys_tables::SysTable;
use crate::request_log::RequestLog;

pub struct SysLogTable {
    log: Arc<RequestLog>,
    table: &'static SysTable,
    schema: SchemaRef,
    /// The table's columns, built from the log as it is now.
    columns: fn(&RequestLog) -> Vec<ArrayRef>,
}

impl std::fmt::Debug for SysLogTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SysLogTable({})", self.table.name)
    }
}

impl SysLogTable {
    pub fn new(
        log: Arc<RequestLog>,
        table: &'static SysTable,
        columns: fn(&RequestLog) -> Vec<ArrayRef>,
    ) -> SysLogTable {
        SysLogTable {
            log,
            table,
            schema: table.schema(),
            columns,
        }
    }
}

#[async_trait]
impl TableProvider for SysLogTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        self.table
            .scan_now((self.columns)(&self.log), state, projection, filters, limit)
            .await
    }
}
