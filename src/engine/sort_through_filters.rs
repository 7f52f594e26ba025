//! ORDER BY over a source that can return its rows sorted, with filters in between.
//!
//! DataFusion's `PushdownSort` offers a sort's ordering to the node below (`try_pushdown_sort`),
//! but stops at a `FilterExec` and at a round-robin `RepartitionExec`. So `WHERE update_time >= t
//! ORDER BY update_time DESC LIMIT 10` over a scan whose API sorts by that column still read every
//! row and sorted them. This rule takes that shape: a `SortExec` over filters (and a round-robin
//! repartition that only spread the filtering over threads) over a
//! node that accepts the ordering exactly. The repartition goes (one ordered stream), the filters
//! stay, and the sort becomes a limit, so the source stops once enough rows passed the filters.
//! Without a filter in between it does nothing: `PushdownSort` handles that, and hands the
//! LIMIT to the source itself. It knows nothing of what the source is.

use std::sync::Arc;

use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode};
use datafusion::common::Result;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::PhysicalSortExpr;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::filter::FilterExec;
use datafusion::physical_plan::limit::GlobalLimitExec;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::{
    ChildrenPropertiesMode, ExecutionPlan, ExecutionPlanProperties, Partitioning,
    ReplaceChildrenOptions, SortOrderPushdownResult,
};

#[derive(Debug, Default)]
pub struct SortThroughFilters;

impl PhysicalOptimizerRule for SortThroughFilters {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_down(|plan| {
            // A sort of several partitions is a `SortExec` per partition under a merge; one of a
            // single stream is a `SortExec` alone.
            let (sort, fetch) = if let Some(merge) = plan.downcast_ref::<SortPreservingMergeExec>()
            {
                match merge.input().downcast_ref::<SortExec>() {
                    Some(sort) if sort.preserve_partitioning() => {
                        (sort, smallest(merge.fetch(), sort.fetch()))
                    }
                    _ => return Ok(Transformed::no(plan)),
                }
            } else {
                match plan.downcast_ref::<SortExec>() {
                    Some(sort) if !sort.preserve_partitioning() => (sort, sort.fetch()),
                    _ => return Ok(Transformed::no(plan)),
                }
            };
            let mut filtered = false;
            let Some(ordered) = through_filters(sort.input(), sort.expr(), &mut filtered)? else {
                return Ok(Transformed::no(plan));
            };
            if !filtered {
                return Ok(Transformed::no(plan));
            }
            // The filter gathers its output into large batches unless told how many rows are
            // wanted; told, it ends its stream (and with it the source's) once it has them.
            let replaced: Arc<dyn ExecutionPlan> = match fetch {
                Some(n) => {
                    let stopping = ordered.with_fetch(Some(n)).unwrap_or(ordered);
                    Arc::new(GlobalLimitExec::new(stopping, 0, Some(n)))
                }
                None => ordered,
            };
            Ok(Transformed::yes(replaced))
        })
        .data()
    }

    fn name(&self) -> &str {
        "SortThroughFilters"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// `order` in terms of a projection's input: each sort key must be a plain column.
fn renumbered(
    order: &[PhysicalSortExpr],
    projection: &[usize],
    input: &Arc<dyn ExecutionPlan>,
) -> Option<Vec<PhysicalSortExpr>> {
    let schema = input.schema();
    order
        .iter()
        .map(|key| {
            let column = key.expr.downcast_ref::<Column>()?;
            let at = *projection.get(column.index())?;
            let field = schema.fields().get(at)?;
            Some(PhysicalSortExpr::new(
                Arc::new(Column::new(field.name(), at)),
                key.options,
            ))
        })
        .collect()
}

fn smallest(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `input` again, as one partition whose source returns `order`, if it is only filters (and
/// the plumbing around them) over a source that accepts `order` exactly.
fn through_filters(
    input: &Arc<dyn ExecutionPlan>,
    order: &[PhysicalSortExpr],
    filtered: &mut bool,
) -> Result<Option<Arc<dyn ExecutionPlan>>> {
    if let Some(filter) = input.downcast_ref::<FilterExec>() {
        // A projection inside the filter numbers the columns differently below it.
        let below = match filter.projection() {
            None => order.to_vec(),
            Some(projection) => match renumbered(order, projection, filter.input()) {
                Some(o) => o,
                None => return Ok(None),
            },
        };
        let Some(child) = through_filters(filter.input(), &below, filtered)? else {
            return Ok(None);
        };
        *filtered = true;
        return Ok(Some(Arc::clone(input).replace_children(
            vec![child],
            ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute),
        )?));
    }
    if let Some(repartition) = input.downcast_ref::<RepartitionExec>() {
        let round_robin = matches!(repartition.partitioning(), Partitioning::RoundRobinBatch(_));
        if !round_robin || repartition.input().output_partitioning().partition_count() != 1 {
            return Ok(None);
        }
        // Only spread the work over threads: one ordered stream instead.
        return through_filters(repartition.input(), order, filtered);
    }
    if input.output_partitioning().partition_count() != 1 {
        return Ok(None);
    }
    match input.try_pushdown_sort(order)? {
        SortOrderPushdownResult::Exact { inner } => Ok(Some(inner)),
        _ => Ok(None),
    }
}
