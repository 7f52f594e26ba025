//! Whether a planned query asks an API for rows: it scans one of the profile's tables. The `sys`
//! tables and table functions (`generate_series`, `range`) are computed in the driver. The
//! handles read such a local result ahead of the application's fetches; an API's rows they read
//! only as asked, because a page read ahead and never fetched still costs a request of the
//! account's rate budget. It only looks at the plan; it changes nothing.

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::logical_expr::LogicalPlan;

use super::catalog::CatalogInfo;
use super::sys_tables::SYS_SCHEMA;

/// Whether `plan` (its subqueries too) scans a table of the catalog outside `sys`; names without
/// a schema resolve in `default_schema`.
pub fn asks_api(plan: &LogicalPlan, catalog: &CatalogInfo, default_schema: &str) -> bool {
    let mut asks = false;
    let _ = plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            let schema = scan.table_name.schema().unwrap_or(default_schema);
            let table = scan.table_name.table();
            if !schema.eq_ignore_ascii_case(SYS_SCHEMA)
                && catalog.tables.iter().any(|t| {
                    t.schema.eq_ignore_ascii_case(schema) && t.name.eq_ignore_ascii_case(table)
                })
            {
                asks = true;
            }
        }
        Ok(if asks {
            TreeNodeRecursion::Stop
        } else {
            TreeNodeRecursion::Continue
        })
    });
    asks
}
