//! Writes: `INSERT`, `UPDATE` and `DELETE` on a REST table, as the profile's write routes
//! declare them (`docs/profiles.md`, "Writes"). The provider hands over DataFusion's parts (an
//! insert's input plan; an update's or delete's filters and assignments); this module reads the
//! rows they select with the table's own scan, checks every row, then sends one request per row
//! (`send`), logging each row's outcome. It never runs a write the profile does not declare, and
//! never sends a POST twice unless the answer proves it was not taken.

mod body;
mod request;
mod send;
mod sinks;
mod values;

use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::common::{DFSchema, DataFusionError, Result as DfResult};
use datafusion::datasource::sink::DataSinkExec;
use datafusion::logical_expr::utils::conjunction;
use datafusion::logical_expr::Expr;
use datafusion::physical_plan::filter::FilterExec;
use datafusion::physical_plan::ExecutionPlan;

pub use request::{column_writes, table_writes, Op};
use send::Sender;
use sinks::{ChangeSink, InsertSink};

use super::context::ScanContext;
use crate::error::{Error, SqlError};
use crate::profile::Table;

/// What a connection lets its writes do (`WriteErrors`, `WriteRowLimit`,
/// `AllowUnfilteredWrites`).
#[derive(Clone, Copy, Debug)]
pub struct WriteSettings {
    /// Go on with the next rows after one fails (the error still lists every failed row).
    pub continue_after_error: bool,
    /// The most rows one UPDATE or DELETE may change; 0: no limit.
    pub row_limit: u64,
    /// Let an UPDATE or DELETE without a WHERE through.
    pub allow_unfiltered: bool,
}

impl Default for WriteSettings {
    fn default() -> Self {
        WriteSettings {
            continue_after_error: false,
            row_limit: 100,
            allow_unfiltered: false,
        }
    }
}

fn external(e: Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

fn sender(ctx: &Arc<ScanContext>, table: &Arc<Table>, op: Op) -> Sender {
    Sender {
        ctx: ctx.clone(),
        table: table.clone(),
        op,
        // Writes are planned as their statement executes, right after it was numbered.
        statement: ctx.client.log().last_statement(),
    }
}

/// The plan of an INSERT into `table` of the rows `input` produces.
pub fn insert(
    ctx: &Arc<ScanContext>,
    table: &Arc<Table>,
    schema: SchemaRef,
    input: Arc<dyn ExecutionPlan>,
) -> DfResult<Arc<dyn ExecutionPlan>> {
    if table.insert.is_empty() {
        return Err(external(not_writable(ctx, table, Op::Insert)));
    }
    let sink = InsertSink {
        sender: sender(ctx, table, Op::Insert),
        schema,
        input: input.clone(),
    };
    Ok(Arc::new(DataSinkExec::new(input, Arc::new(sink), None)))
}

/// The plan of an UPDATE (with `assignments`) or DELETE of the rows of `table` that `filters`
/// select; `scan` reads them (with the filters the API honours pushed down).
#[allow(clippy::too_many_arguments)]
pub fn change(
    ctx: &Arc<ScanContext>,
    table: &Arc<Table>,
    schema: SchemaRef,
    state: &dyn Session,
    scan: Arc<dyn ExecutionPlan>,
    filters: &[Expr],
    assignments: &[(String, Expr)],
    op: Op,
) -> DfResult<Arc<dyn ExecutionPlan>> {
    let df_schema = DFSchema::try_from(schema.clone())?;
    let plan = match conjunction(filters.iter().cloned()) {
        Some(predicate) => {
            let predicate = state.create_physical_expr(predicate, &df_schema)?;
            Arc::new(FilterExec::try_new(predicate, scan)?) as Arc<dyn ExecutionPlan>
        }
        None => scan,
    };
    let mut set = Vec::with_capacity(assignments.len());
    for (name, expr) in assignments {
        let index = table
            .columns
            .iter()
            .position(|c| c.name == *name)
            .ok_or_else(|| {
                external(Error::new(
                    SqlError::ColumnNotFound,
                    format!("{}.{} has no column {name}", ctx.profile.name, table.name),
                ))
            })?;
        set.push((index, state.create_physical_expr(expr.clone(), &df_schema)?));
    }
    let sink = ChangeSink {
        sender: sender(ctx, table, op),
        schema,
        assignments: set,
    };
    Ok(Arc::new(DataSinkExec::new(plan, Arc::new(sink), None)))
}

/// Checks made before anything is read: the table takes this write, and a statement without a
/// WHERE is allowed.
pub fn check_change(
    ctx: &ScanContext,
    table: &Table,
    op: Op,
    filters: &[Expr],
) -> crate::error::Result<()> {
    let routes = match op {
        Op::Insert => &table.insert,
        Op::Update => &table.update,
        Op::Delete => &table.delete,
    };
    if routes.is_empty() {
        return Err(not_writable(ctx, table, op));
    }
    if filters.is_empty() && !ctx.writes.allow_unfiltered {
        return Err(Error::new(
            SqlError::ReadOnly,
            format!(
                "{} of every row of {}.{} was refused: add a WHERE, or connect with AllowUnfilteredWrites=TRUE",
                op.verb(),
                ctx.profile.name,
                table.name
            ),
        ));
    }
    Ok(())
}

fn not_writable(ctx: &ScanContext, table: &Table, op: Op) -> Error {
    let can = table_writes(table);
    let takes = if can.is_empty() {
        "it is read-only".to_string()
    } else {
        format!("it takes {}", can.join(", "))
    };
    Error::new(
        SqlError::ReadOnly,
        format!(
            "{} on {}.{} is not possible: the API offers no such change ({takes})",
            op.verb(),
            ctx.profile.name,
            table.name
        ),
    )
}
