//! `sys.sys_writes`: the connection's write log as a table (the keys an INSERT created, what
//! became of each row of a write that failed), read when the table is scanned. It turns log
//! entries into rows only; the log itself is `write_log`'s.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::{ArrayRef, Int32Array, Int64Array, StringArray};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::TableType;
use datafusion::logical_expr::Expr;
use datafusion::physical_plan::ExecutionPlan;

use super::sys_tables::SYS_WRITES;
use crate::request_log::RequestLog;
use crate::write_log::WriteEntry;

#[derive(Debug)]
pub struct SysWrites {
    log: Arc<RequestLog>,
    schema: SchemaRef,
}

impl SysWrites {
    pub fn new(log: Arc<RequestLog>) -> SysWrites {
        SysWrites {
            log,
            schema: SYS_WRITES.schema(),
        }
    }

    fn columns(entries: &[WriteEntry]) -> Vec<ArrayRef> {
        let saturate = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let text = |f: &dyn Fn(&WriteEntry) -> Option<&str>| -> ArrayRef {
            Arc::new(StringArray::from(entries.iter().map(f).collect::<Vec<_>>()))
        };
        vec![
            Arc::new(Int64Array::from_iter_values(
                entries.iter().map(|e| saturate(e.statement)),
            )),
            text(&|e| Some(e.table.as_str())),
            text(&|e| Some(e.operation)),
            Arc::new(Int64Array::from_iter_values(
                entries.iter().map(|e| saturate(e.row)),
            )),
            text(&|e| e.key.as_deref()),
            text(&|e| Some(e.outcome.name())),
            Arc::new(Int32Array::from(
                entries
                    .iter()
                    .map(|e| e.status.map(i32::from))
                    .collect::<Vec<_>>(),
            )),
            text(&|e| (!e.message.is_empty()).then_some(e.message.as_str())),
        ]
    }
}

#[async_trait]
impl TableProvider for SysWrites {
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
        let entries = self.log.writes.entries();
        SYS_WRITES
            .scan_now(Self::columns(&entries), state, projection, filters, limit)
            .await
    }
}
