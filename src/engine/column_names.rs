//! Names for the result columns a statement leaves unnamed (`SELECT 1`, `SELECT upper(name)`):
//! `EXPR_<position>`, the way SQL databases name such columns, instead of the engine's internal
//! rendering (`Int64(1)`, `upper(Utf8("odbc"))`) that clients would otherwise show. A column
//! reference or an aliased expression keeps its name. Which columns are unnamed is read from the
//! statement as written, because the plan cannot tell `SELECT name` from a computed column that
//! a later projection only passes through. This module renames; it never changes values or order.

use datafusion::common::Column;
use datafusion::logical_expr::{col, LogicalPlan, LogicalPlanBuilder};
use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{Expr, SelectItem, SetExpr, Statement};

use super::errors::from_datafusion;
use crate::error::Result;

/// The 0-based output positions of the columns the statement leaves unnamed, for a result of
/// `width` columns. Empty when every column is named or the select list cannot be matched to the
/// result (several wildcards, a statement that is no SELECT).
pub fn unnamed_positions(statement: &DFStatement, width: usize) -> Vec<usize> {
    let DFStatement::Statement(statement) = statement else {
        return Vec::new();
    };
    let Statement::Query(query) = statement.as_ref() else {
        return Vec::new();
    };
    let Some(items) = first_select_list(&query.body) else {
        return Vec::new();
    };
    let wildcards = items.iter().filter(|i| is_wildcard(i)).count();
    let expanded = match wildcards {
        0 if items.len() == width => 0,
        // The one wildcard stands for the columns the other items do not.
        1 if width + 1 >= items.len() => width + 1 - items.len(),
        _ => return Vec::new(),
    };
    let mut positions = Vec::new();
    let mut at = 0;
    for item in items {
        if is_wildcard(item) {
            at += expanded;
            continue;
        }
        if is_unnamed(item) {
            positions.push(at);
        }
        at += 1;
    }
    positions
}

/// `plan` with the columns at `positions` renamed `EXPR_<position + 1>`.
pub fn rename(plan: LogicalPlan, positions: &[usize]) -> Result<LogicalPlan> {
    if positions.is_empty() {
        return Ok(plan);
    }
    let columns: Vec<Column> = plan.schema().columns();
    let exprs = columns.into_iter().enumerate().map(|(i, c)| {
        let expr = col(c.clone());
        if positions.contains(&i) {
            expr.alias(format!("EXPR_{}", i + 1))
        } else {
            // Keeps the name (not the qualifier) the column had.
            expr.alias(c.name)
        }
    });
    LogicalPlanBuilder::from(plan)
        .project(exprs)
        .and_then(LogicalPlanBuilder::build)
        .map_err(from_datafusion)
}

/// The select list that names a query's columns: the first SELECT of a set operation.
fn first_select_list(body: &SetExpr) -> Option<&[SelectItem]> {
    match body {
        SetExpr::Select(select) => Some(&select.projection),
        SetExpr::Query(query) => first_select_list(&query.body),
        SetExpr::SetOperation { left, .. } => first_select_list(left),
        _ => None,
    }
}

fn is_wildcard(item: &SelectItem) -> bool {
    matches!(
        item,
        SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
    )
}

/// An expression without an alias that is not a column reference.
fn is_unnamed(item: &SelectItem) -> bool {
    matches!(item, SelectItem::UnnamedExpr(expr) if !is_column_reference(expr))
}

fn is_column_reference(expr: &Expr) -> bool {
    match expr {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => true,
        Expr::Nested(inner) => is_column_reference(inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::parser::DFParser;

    fn positions(sql: &str, width: usize) -> Vec<usize> {
        let statement = DFParser::parse_sql(sql)
            .unwrap_or_else(|e| panic!("{e}"))
            .pop_front()
            .unwrap_or_else(|| panic!("no statement"));
        unnamed_positions(&statement, width)
    }

    #[test]
    fn computed_columns_without_an_alias_are_unnamed() {
        assert_eq!(positions("SELECT 1, upper('x') AS u, name FROM t", 3), [0]);
        assert_eq!(positions("SELECT t.name, (name), count(*) FROM t", 3), [2]);
        assert_eq!(positions("SELECT (1 + 2) FROM t", 1), [0]);
        assert!(positions("SELECT a AS one, b FROM t", 2).is_empty());
    }

    #[test]
    fn a_wildcard_stands_for_the_other_columns() {
        assert_eq!(positions("SELECT *, 1 FROM t", 4), [3]);
        assert_eq!(positions("SELECT 1, t.* FROM t", 4), [0]);
        assert!(positions("SELECT *, * FROM t", 6).is_empty());
    }

    #[test]
    fn a_union_is_named_by_its_first_select() {
        assert_eq!(positions("SELECT 1 UNION ALL SELECT 2 AS x", 1), [0]);
        assert!(positions("SELECT a FROM t UNION SELECT 2", 1).is_empty());
    }
}
