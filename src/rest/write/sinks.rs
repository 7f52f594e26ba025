//! The DataFusion side of writes: an INSERT's rows, or the rows an UPDATE or DELETE selected,
//! arrive at a `DataSink` (DataFusion's `DataSinkExec` runs it and answers the row count). Each
//! sink reads every row first, turns it into requests (`request`), and sends nothing unless every
//! row can be sent; then `send::Sender` sends them. It holds no HTTP or profile rules itself.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::{DataFusionError, Result as DfResult, ScalarValue};
use datafusion::datasource::sink::DataSink;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::common::collect;
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan};
use serde_json::Value;

use super::request::{self, Op};
use super::send::{bare, RowJob, Sender};
use super::values::to_json;
use crate::error::{Error, SqlError};
use crate::profile::Table;

fn external(e: Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

fn invalid(row: usize, column: &str, why: &str) -> DataFusionError {
    external(Error::new(
        SqlError::InvalidValue,
        format!("Row {row}, column {column}: {why}; nothing was sent"),
    ))
}

fn refused(row: usize, total: usize, p: request::Problem) -> DataFusionError {
    external(Error::new(
        p.kind,
        format!(
            "Row {row} of {total}: {}; nothing was sent",
            bare(&p.message)
        ),
    ))
}

/// The value of every column of `t` in row `r` of `batch`, as the API takes it; a column the
/// batch lacks is NULL.
fn row_values(
    t: &Table,
    batch: &RecordBatch,
    r: usize,
    shown_row: usize,
    strict: bool,
) -> DfResult<Vec<Option<Value>>> {
    let schema = batch.schema();
    t.columns
        .iter()
        .map(|c| {
            let Ok(i) = schema.index_of(&c.name) else {
                return Ok(None);
            };
            let scalar = ScalarValue::try_from_array(batch.column(i), r)?;
            match to_json(&scalar, c) {
                Ok(v) => Ok(v),
                Err(why) if strict => Err(invalid(shown_row, &c.name, &why)),
                // A current value the API sent that does not convert back is left out.
                Err(_) => Ok(None),
            }
        })
        .collect()
}

pub struct InsertSink {
    pub sender: Sender,
    pub schema: SchemaRef,
    /// The plan of the rows, to find which value failed when one cannot be converted.
    pub input: Arc<dyn ExecutionPlan>,
}

impl fmt::Debug for InsertSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InsertSink({})", self.sender.table.name)
    }
}

impl DisplayAs for InsertSink {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "ApiInsert: {}", self.sender.table.name)
    }
}

#[async_trait]
impl DataSink for InsertSink {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    async fn write_all(
        &self,
        data: SendableRecordBatchStream,
        context: &Arc<TaskContext>,
    ) -> DfResult<u64> {
        let batches = match collect(data).await {
            Ok(b) => b,
            Err(e) => return Err(self.name_bad_value(e, context).await),
        };
        let t = &self.sender.table;
        let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
        let mut jobs = Vec::with_capacity(total);
        let mut n = 0;
        for batch in &batches {
            for r in 0..batch.num_rows() {
                n += 1;
                let row = row_values(t, batch, r, n, true)?;
                let planned = request::insert(t, &row).map_err(|p| refused(n, total, p))?;
                let key = match planned.key {
                    request::KeyFrom::Row => request::key_of(t, &row, Some(&planned)),
                    _ => None,
                };
                jobs.push(RowJob {
                    key,
                    requests: vec![planned],
                });
            }
        }
        let sender = &self.sender;
        crate::request_log::in_statement(sender.statement, sender.send_all(jobs))
            .await
            .map_err(external)
    }
}

impl InsertSink {
    /// A value that cannot be converted to its column's type fails the whole input: find the
    /// row and column it belongs to (the input is a projection of casts, one per column) and
    /// say so, as 22018.
    async fn name_bad_value(
        &self,
        e: DataFusionError,
        context: &Arc<TaskContext>,
    ) -> DataFusionError {
        let is_cast = matches!(e.find_root(), DataFusionError::ArrowError(..));
        let Some(projection) = self.input.downcast_ref::<ProjectionExec>() else {
            return e;
        };
        if !is_cast {
            return e;
        }
        let child = projection.input().clone();
        let Ok(stream) = datafusion::physical_plan::execute_stream(child, context.clone()) else {
            return e;
        };
        let Ok(batches) = collect(stream).await else {
            return e;
        };
        let exprs: Vec<(Arc<dyn PhysicalExpr>, String)> = projection
            .expr()
            .iter()
            .map(|p| (p.expr.clone(), p.alias.clone()))
            .collect();
        let mut first_row = 0;
        for batch in &batches {
            for (expr, name) in &exprs {
                for r in 0..batch.num_rows() {
                    let one = batch.slice(r, 1);
                    if let Err(why) = expr.evaluate(&one) {
                        let text = why.find_root().to_string();
                        return invalid(
                            first_row + r + 1,
                            name,
                            text.trim_start_matches("Arrow error: "),
                        );
                    }
                }
            }
            first_row += batch.num_rows();
        }
        e
    }
}

/// An UPDATE's or DELETE's sink: its input is the rows the WHERE selected, every column.
pub struct ChangeSink {
    pub sender: Sender,
    pub schema: SchemaRef,
    /// UPDATE: each column SET (its index in the table) and its new value's expression.
    pub assignments: Vec<(usize, Arc<dyn PhysicalExpr>)>,
}

impl fmt::Debug for ChangeSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ChangeSink({} {})",
            self.sender.op.verb(),
            self.sender.table.name
        )
    }
}

impl DisplayAs for ChangeSink {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "Api{}: {}",
            self.sender.op.verb(),
            self.sender.table.name
        )
    }
}

#[async_trait]
impl DataSink for ChangeSink {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    async fn write_all(
        &self,
        data: SendableRecordBatchStream,
        _context: &Arc<TaskContext>,
    ) -> DfResult<u64> {
        let batches = collect(data).await?;
        let t = &self.sender.table;
        let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
        let limit = self.sender.ctx.writes.row_limit;
        if limit > 0 && total as u64 > limit {
            return Err(external(Error::new(
                SqlError::ReadOnly,
                format!(
                    "{} would change {total} rows of {}.{}, more than WriteRowLimit ({limit}); nothing was sent. Narrow the WHERE, or connect with WriteRowLimit={total} (0: no limit)",
                    self.sender.op.verb(),
                    self.sender.ctx.profile.name,
                    t.name
                ),
            )));
        }
        let mut jobs = Vec::with_capacity(total);
        // A record a list returned twice (offset pages while the data changes) is changed once.
        let mut seen = std::collections::HashSet::new();
        let mut n = 0;
        for batch in &batches {
            let new_values = self
                .assignments
                .iter()
                .map(|(i, expr)| Ok((*i, expr.evaluate(batch)?.into_array(batch.num_rows())?)))
                .collect::<DfResult<Vec<_>>>()?;
            for r in 0..batch.num_rows() {
                n += 1;
                let current = row_values(t, batch, r, n, false)?;
                let key = request::key_of(t, &current, None);
                if let Some(k) = &key {
                    if !seen.insert(k.clone()) {
                        continue;
                    }
                }
                let requests = match self.sender.op {
                    Op::Delete => {
                        vec![request::delete(t, &current).map_err(|p| refused(n, total, p))?]
                    }
                    _ => {
                        let mut set = Vec::with_capacity(new_values.len());
                        for (i, array) in &new_values {
                            let scalar = ScalarValue::try_from_array(array, r)?;
                            let column = &t.columns[*i];
                            let v = to_json(&scalar, column)
                                .map_err(|why| invalid(n, &column.name, &why))?;
                            set.push((*i, v));
                        }
                        request::update(t, &current, &set).map_err(|p| refused(n, total, p))?
                    }
                };
                // `SET c = c` changes nothing: no request, and the row is not counted.
                if requests.is_empty() {
                    continue;
                }
                let key = key.or_else(|| request::key_of(t, &current, requests.first()));
                jobs.push(RowJob { key, requests });
            }
        }
        let sender = &self.sender;
        crate::request_log::in_statement(sender.statement, sender.send_all(jobs))
            .await
            .map_err(external)
    }
}
