//! A REST scan as planned (the table, the pushed-down requests, the converter) and the streaming
//! partition that runs it. The physical plan may ask a planned scan again for its rows ordered
//! by a column the API sorts by (`[table.sort]`, so that ORDER BY needs no sort by the engine)
//! or for fewer rows (a LIMIT after that ORDER BY). By a column that changes as records are
//! edited, the API sorts only what one page holds; a longer read keeps the list's own order and
//! is sorted here, since an edit during it could move a record past the pages read. It must not
//! decide what the API honours beyond what the profile declares.

use std::fmt;
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::expressions::Column as ColumnExpr;
use datafusion::physical_expr::{LexOrdering, PhysicalSortExpr};
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::{PartitionStream, StreamingTableExec};
use datafusion::physical_plan::ExecutionPlan;
use futures::StreamExt;
use tokio::sync::mpsc;

use super::context::ScanContext;
use super::json_to_arrow::Converter;
use super::scan::{Mode, ScanPlan};
use super::scan_exec::{self, ApiScanExec, Replan};
use crate::profile::Table;

/// Everything a scan was planned with.
#[derive(Clone)]
pub struct PlannedScan {
    pub ctx: Arc<ScanContext>,
    /// The statement this scan belongs to, for the request log.
    pub statement: u64,
    pub table: Arc<Table>,
    pub conv: Arc<Converter>,
    pub plan: ScanPlan,
    pub schema: SchemaRef,
    /// The order the scan's rows come in, when the query asked for one.
    pub sort: Option<SortedBy>,
}

/// An ORDER BY the scan took over.
#[derive(Clone, Debug)]
pub struct SortedBy {
    /// The API's sort parameters.
    params: Vec<(String, String)>,
    ordering: LexOrdering,
    /// By a column that changes as records are edited: the API sorts only when one page holds
    /// the rows wanted, since a record edited while later pages are read could move past them.
    changing: bool,
}

impl PlannedScan {
    /// The scan's node in the physical plan.
    pub fn exec(self) -> DfResult<Arc<dyn ExecutionPlan>> {
        let limit = self.plan.limit.map(|l| l as usize);
        let (plan, ordering, sort_here) = match &self.sort {
            None => (self.plan.clone(), None, None),
            Some(s) if !s.changing || self.one_page() => {
                let mut plan = self.plan.clone();
                plan.params.extend(s.params.iter().cloned());
                (plan, Some(s.ordering.clone()), None)
            }
            // Read in the list's own order, which edits do not move records through, and sort.
            Some(s) => (self.plan.clone(), None, Some(s.ordering.clone())),
        };
        let mut requests = scan_exec::describe(&self.ctx, &self.table, &plan);
        if sort_here.is_some() {
            requests.push_str(", sorted by the driver (the column changes as records are edited)");
        }
        let part = Arc::new(ScanPartition {
            ctx: self.ctx.clone(),
            statement: self.statement,
            table: self.table.clone(),
            conv: self.conv.clone(),
            plan,
            schema: self.schema.clone(),
        });
        let mut exec: Arc<dyn ExecutionPlan> = Arc::new(StreamingTableExec::try_new(
            self.schema.clone(),
            vec![part],
            None,
            ordering,
            false,
            limit.filter(|_| sort_here.is_none()),
        )?);
        if let Some(ordering) = sort_here {
            exec = Arc::new(SortExec::new(ordering, exec).with_fetch(limit));
        }
        Ok(Arc::new(ApiScanExec::new(
            exec,
            requests,
            Some(Arc::new(self)),
        )))
    }

    /// Whether the rows wanted fit in the first page, so one request answers the query.
    fn one_page(&self) -> bool {
        let size = self.ctx.page_size(&self.table);
        self.plan
            .limit
            .is_some_and(|l| size.is_some_and(|s| l <= u64::from(s)))
    }

    /// The `(parameter, value)` pairs asking the API for `order`, if the profile says it sorts
    /// by that column in that direction and this scan is a plain list read.
    fn sort_params(&self, order: &[PhysicalSortExpr]) -> Option<(Vec<(String, String)>, bool)> {
        let sort = self.table.sort.as_ref()?;
        if self.sort.is_some() {
            return None;
        }
        let [only] = order else {
            return None;
        };
        // A scan already cut short (a LIMIT below the ORDER BY) must stay the API's first rows.
        if !matches!(self.plan.mode, Mode::List)
            || self.plan.parents.is_some()
            || self.plan.in_turn.is_some()
            || self.plan.limit.is_some()
        {
            return None;
        }
        let column = only.expr.downcast_ref::<ColumnExpr>()?;
        let name = self.schema.field(column.index()).name();
        let natural = sort
            .natural
            .as_ref()
            .is_some_and(|n| n.eq_ignore_ascii_case(name));
        if natural && !only.options.descending {
            return Some((Vec::new(), false));
        }
        let changing = sort.changing.iter().any(|c| c.eq_ignore_ascii_case(name));
        let value = sort
            .columns
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())?;
        if self.plan.params.iter().any(|(p, _)| {
            p.eq_ignore_ascii_case(&sort.param)
                || sort
                    .direction_param
                    .as_ref()
                    .is_some_and(|d| p.eq_ignore_ascii_case(d))
        }) {
            return None;
        }
        let mut params = vec![(sort.param.clone(), value)];
        // Without a direction parameter, a direction may sit in the value (`{value} DESC`).
        let in_value = |direction: &str| {
            direction
                .contains("{value}")
                .then(|| direction.replace("{value}", &params[0].1))
        };
        match (&sort.direction_param, only.options.descending) {
            (Some(d), descending) => params.push((
                d.clone(),
                if descending {
                    sort.descending.clone()
                } else {
                    sort.ascending.clone()
                },
            )),
            (None, false) => {
                if let Some(v) = in_value(&sort.ascending) {
                    params[0].1 = v;
                }
            }
            (None, true) => params[0].1 = in_value(&sort.descending)?,
        }
        Some((params, changing))
    }
}

impl fmt::Debug for PlannedScan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlannedScan({}, {:?})", self.table.name, self.plan)
    }
}

impl Replan for PlannedScan {
    fn sorted(&self, order: &[PhysicalSortExpr]) -> Option<DfResult<Arc<dyn ExecutionPlan>>> {
        let (params, changing) = self.sort_params(order)?;
        let mut again = self.clone();
        again.sort = Some(SortedBy {
            params,
            ordering: LexOrdering::new(order.iter().cloned())?,
            changing,
        });
        Some(again.exec())
    }

    fn limited(&self, fetch: usize) -> Option<DfResult<Arc<dyn ExecutionPlan>>> {
        let fetch = fetch as u64;
        if self.plan.limit.is_some_and(|l| l <= fetch) {
            return None;
        }
        let mut again = self.clone();
        again.plan.limit = Some(fetch);
        Some(again.exec())
    }
}

struct ScanPartition {
    ctx: Arc<ScanContext>,
    statement: u64,
    table: Arc<Table>,
    conv: Arc<Converter>,
    plan: ScanPlan,
    schema: SchemaRef,
}

impl fmt::Debug for ScanPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RestScan({}, {:?})", self.table.name, self.plan)
    }
}

/// Aborts the scan task when the stream is dropped (end of query, LIMIT reached, SQLCancel).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl PartitionStream for ScanPartition {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let ctx = self.ctx.clone();
        let table = self.table.clone();
        let conv = self.conv.clone();
        let plan = self.plan.clone();
        let statement = self.statement;
        // The task starts on the first poll, which always happens inside the runtime.
        let started = futures::stream::once(async move {
            let (tx, rx) = mpsc::channel(1);
            let handle = tokio::spawn(crate::request_log::in_statement(
                statement,
                ctx.run(table, conv, plan, tx),
            ));
            let guard = AbortOnDrop(handle);
            futures::stream::unfold((rx, guard), |(mut rx, guard)| async move {
                let item = rx.recv().await?;
                Some((
                    item.map_err(|e| DataFusionError::External(Box::new(e))),
                    (rx, guard),
                ))
            })
        })
        .flatten();
        Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), started))
    }
}
