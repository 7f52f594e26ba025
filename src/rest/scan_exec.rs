//! A REST scan's node in DataFusion's physical plan. DataFusion's `StreamingTableExec` runs the
//! scan; this node says what reaches the API (the endpoint with the pushed-down parameters,
//! the keys looked up, the parents iterated, the page size and the limit), so that `EXPLAIN`
//! shows the requests a query makes, and passes the optimizer's requests for sorted or fewer rows
//! to the planned scan (`Replan`). It must not change how the scan runs: everything else is
//! delegated. URLs are shown as the client masks them (no credential).

use std::fmt;
use std::sync::Arc;

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{internal_err, Result as DfResult};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::{PhysicalExpr, PhysicalSortExpr};
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, SortOrderPushdownResult,
};

use super::context::ScanContext;
use super::scan::{Mode, ScanPlan};
use super::window;
use crate::profile::{PageKind, ParentSource, Table};

/// A scan that can be planned again: with the API sorting its rows, or stopping after `fetch`.
/// `None`: it cannot (the profile declares no such sort, or the scan is not a list read).
pub trait Replan: fmt::Debug + Send + Sync {
    fn sorted(&self, order: &[PhysicalSortExpr]) -> Option<DfResult<Arc<dyn ExecutionPlan>>>;
    fn limited(&self, fetch: usize) -> Option<DfResult<Arc<dyn ExecutionPlan>>>;
}

/// Keys or parents listed by name before the rest are only counted.
const SHOWN_VALUES: usize = 10;

#[derive(Debug)]
pub struct ApiScanExec {
    inner: Arc<dyn ExecutionPlan>,
    /// What the scan asks of the API, for EXPLAIN.
    requests: String,
    replan: Option<Arc<dyn Replan>>,
}

impl ApiScanExec {
    pub fn new(
        inner: Arc<dyn ExecutionPlan>,
        requests: String,
        replan: Option<Arc<dyn Replan>>,
    ) -> ApiScanExec {
        ApiScanExec {
            inner,
            requests,
            replan,
        }
    }
}

impl DisplayAs for ApiScanExec {
    fn fmt_as(&self, t: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match t {
            DisplayFormatType::TreeRender => write!(f, "{}", self.requests),
            _ => write!(f, "ApiScanExec: {}", self.requests),
        }
    }
}

impl ExecutionPlan for ApiScanExec {
    fn name(&self) -> &str {
        "ApiScanExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.inner.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        Vec::new()
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        self.inner.apply_expressions(f)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        if children.is_empty() {
            Ok(self)
        } else {
            internal_err!("ApiScanExec has no children")
        }
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        self.inner.execute(partition, context)
    }

    fn fetch(&self) -> Option<usize> {
        self.inner.fetch()
    }

    fn with_fetch(&self, limit: Option<usize>) -> Option<Arc<dyn ExecutionPlan>> {
        self.replan.as_ref()?.limited(limit?)?.ok()
    }

    /// ORDER BY a column the API sorts by: the API's order is the query's, so the sort goes.
    fn try_pushdown_sort(
        &self,
        order: &[PhysicalSortExpr],
    ) -> DfResult<SortOrderPushdownResult<Arc<dyn ExecutionPlan>>> {
        match self.replan.as_ref().and_then(|r| r.sorted(order)) {
            Some(plan) => Ok(SortOrderPushdownResult::Exact { inner: plan? }),
            None => Ok(SortOrderPushdownResult::Unsupported),
        }
    }
}

/// Values as EXPLAIN lists them: the first few, then how many more.
fn some_of(values: &[String]) -> String {
    let mut shown = values
        .iter()
        .take(SHOWN_VALUES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if values.len() > SHOWN_VALUES {
        shown.push_str(&format!(" and {} more", values.len() - SHOWN_VALUES));
    }
    shown
}

/// What the scan of `t` planned as `plan` asks of the API, in one line.
pub fn describe(ctx: &ScanContext, t: &Table, plan: &ScanPlan) -> String {
    let mut text = if let Some(child) = &t.child {
        format!(
            "{}: the '{}' array of each record of {}, read from its list",
            t.name, child.array, child.of
        )
    } else if let Some(report) = &t.report {
        let window = match (plan.window.from, plan.window.to) {
            (None, None) => "the default window".to_string(),
            (from, to) => format!(
                "window {} .. {} (epoch seconds)",
                from.map_or("open".into(), |v| v.to_string()),
                to.map_or("open".into(), |v| v.to_string())
            ),
        };
        format!(
            "{}: report job POST {}, {window}",
            t.name,
            ctx.url(&report.create_path, &[], &[], &[])
                .map_or_else(|_| report.create_path.clone(), |u| ctx.client.mask(&u))
        )
    } else if let Mode::Keys(keys) = &plan.mode {
        let single = t
            .single
            .as_ref()
            .map_or(t.path.as_str(), |s| s.path.as_str());
        format!(
            "{}: GET {}{} for each of {} key(s): {}",
            t.name,
            ctx.client.mask(&ctx.client.base).trim_end_matches('/'),
            single,
            keys.len(),
            some_of(keys)
        )
    } else {
        let query = ctx.list_query(t);
        let placeholder = t.parent.as_ref().map(|p| format!("{{{}}}", p.column));
        let vars: Vec<(&str, &str)> = match (&t.parent, &placeholder) {
            (Some(p), Some(ph)) => vec![(p.column.as_str(), ph.as_str())],
            _ => Vec::new(),
        };
        let list = match ctx.url(&t.path, &vars, &query, &plan.params) {
            Ok(url) => ctx.client.mask(&url),
            Err(_) => t.path.clone(),
        };
        match &t.parent {
            None => format!("{}: GET {list}", t.name),
            Some(parent) => {
                // The placeholder was percent-encoded as a path segment; show it as written.
                let list = list.replace(
                    &format!("%7B{}%7D", parent.column),
                    &format!("{{{}}}", parent.column),
                );
                let parents = match &plan.parents {
                    Some(p) => format!(
                        "each of {} given {}: {}",
                        p.len(),
                        parent.column,
                        some_of(p)
                    ),
                    None => match parent.source() {
                        ParentSource::Table { table, key } => {
                            format!("each {table} record's {key}")
                        }
                        ParentSource::Values(values) => {
                            format!(
                                "each of {} {}: {}",
                                values.len(),
                                parent.column,
                                some_of(values)
                            )
                        }
                    },
                };
                let batch = parent
                    .batch
                    .map(|n| format!(", up to {n} per request"))
                    .unwrap_or_default();
                format!("{}: GET {list} for {parents}{batch}", t.name)
            }
        }
    };
    if t.child.is_none() && t.report.is_none() && !matches!(plan.mode, Mode::Keys(_)) {
        if let Some(pg) = ctx.profile.pagination_of(t) {
            let kind = match pg.kind {
                PageKind::None => None,
                PageKind::Offset => Some("by offset"),
                PageKind::Page => Some("by page number"),
                PageKind::Cursor => Some("by cursor"),
                PageKind::NextUrl | PageKind::HalNext | PageKind::LinkHeader => {
                    Some("by next link")
                }
            };
            if let Some(kind) = kind {
                text.push_str(&format!(", paged {kind}"));
                if let Some(size) = ctx.page_size(t) {
                    text.push_str(&format!(", {size} per page"));
                }
            }
        }
    }
    if let Some((param, lists)) = &plan.in_turn {
        text.push_str(&format!(
            ", in {} requests, each with a part of the {param} list",
            lists.len()
        ));
    }
    if let Some(w) = &t.window {
        match window::periods(w, &plan.window, chrono::Utc::now().timestamp()) {
            Ok(periods) => match (periods.first(), periods.last()) {
                (Some([from, _]), Some([_, to])) => text.push_str(&format!(
                    ", over {} period(s) from {}={} to {}={}",
                    periods.len(),
                    from.0,
                    from.1,
                    to.0,
                    to.1
                )),
                _ => text.push_str(", over an empty period: no request"),
            },
            Err(e) => text.push_str(&format!(", over no valid period ({})", e.message)),
        }
    }
    if let Some(limit) = plan.limit {
        text.push_str(&format!(", stops after {limit} row(s)"));
    }
    text
}
