//! What an UPDATE or DELETE may look like for the driver to change exactly the rows it names.
//! DataFusion hands a table's `update`/`delete_from` only the filters on the table itself
//! (`extract_dml_filters`): a subquery, a join (UPDATE ... FROM), a LIMIT would be lost, and a
//! WHERE the optimizer folds to false would arrive as no WHERE at all. So the statement is
//! checked as planned (refused with what to write instead), and again as optimized, where a
//! WHERE that selects nothing is answered without any request. It reads plans; it runs nothing.

use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::logical_expr::{Expr, LogicalPlan, WriteOp};

use crate::error::{Error, Result, SqlError};

fn refused(verb: &str, what: &str, instead: &str) -> Error {
    Error::new(
        SqlError::NotImplemented,
        format!(
            "{verb} with {what} is not possible: the driver changes the rows a WHERE on the table's own columns selects, one API call each; {instead}"
        ),
    )
}

const SELECT_KEYS: &str =
    "select the keys first (SELECT id FROM ...) and name them (WHERE id IN (...))";

fn has_subquery(e: &Expr) -> bool {
    e.exists(|x| {
        Ok(matches!(
            x,
            Expr::Exists(_) | Expr::InSubquery(_) | Expr::ScalarSubquery(_)
        ))
    })
    .unwrap_or(true)
}

/// The nodes an UPDATE's or DELETE's input may hold: its SET (a projection), its WHERE (a
/// filter), the table (under an alias) and, once optimized, nothing at all.
fn check_input(verb: &str, input: &LogicalPlan, optimized: bool) -> Result<bool> {
    let mut scans = 0;
    let mut problem = None;
    input
        .apply(|node| {
            let exprs_ok = node.expressions().iter().all(|e| !has_subquery(e));
            let what = match node {
                _ if !exprs_ok => Some("a subquery"),
                LogicalPlan::Projection(_)
                | LogicalPlan::Filter(_)
                | LogicalPlan::SubqueryAlias(_) => None,
                LogicalPlan::TableScan(_) => {
                    scans += 1;
                    None
                }
                LogicalPlan::EmptyRelation(_) if optimized => None,
                LogicalPlan::Limit(_) => Some("LIMIT"),
                LogicalPlan::Join(_) => Some("a join (FROM, or a subquery)"),
                LogicalPlan::Subquery(_) => Some("a subquery"),
                _ => Some("this form"),
            };
            if what.is_some() {
                problem = what;
                return Ok(TreeNodeRecursion::Stop);
            }
            Ok(TreeNodeRecursion::Continue)
        })
        .map_err(crate::engine::errors::from_datafusion)?;
    if let Some(what) = problem {
        let instead = if what == "LIMIT" {
            "narrow the WHERE instead"
        } else {
            SELECT_KEYS
        };
        return Err(refused(verb, what, instead));
    }
    if scans > 1 {
        return Err(refused(verb, "a second table", SELECT_KEYS));
    }
    Ok(scans == 0)
}

/// Checks a statement as planned: an UPDATE or DELETE reads its own table only, and EXPLAIN
/// ANALYZE (which runs what it explains) is no way around the checks writes get.
pub fn check_planned(plan: &LogicalPlan) -> Result<()> {
    match plan {
        LogicalPlan::Dml(dml) if matches!(dml.op, WriteOp::Update | WriteOp::Delete) => {
            check_input(&dml.op.to_string().to_uppercase(), &dml.input, false).map(|_| ())
        }
        LogicalPlan::Analyze(a) => {
            let writes = a
                .input
                .exists(|p| Ok(matches!(p, LogicalPlan::Dml(_))))
                .unwrap_or(true);
            if writes {
                return Err(Error::new(
                    SqlError::NotImplemented,
                    "EXPLAIN ANALYZE runs the statement it explains; EXPLAIN an INSERT, UPDATE or DELETE without ANALYZE",
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Checks an UPDATE or DELETE as optimized: true when its WHERE selects nothing (the optimizer
/// left no table to read: `WHERE 1 = 0`, `WHERE id = NULL`), so nothing is to be sent.
pub fn selects_nothing(optimized: &LogicalPlan) -> Result<bool> {
    match optimized {
        LogicalPlan::Dml(dml) if matches!(dml.op, WriteOp::Update | WriteOp::Delete) => {
            check_input(&dml.op.to_string().to_uppercase(), &dml.input, true)
        }
        _ => Ok(false),
    }
}
