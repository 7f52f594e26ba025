//! Long `AND` and `OR` chains regrouped into balanced trees before planning. The parser builds
//! `a OR b OR c OR …` as a left-deep tree, one level per term, and the planner works out the type
//! of every subtree as it goes, so a generated filter list of thousands of terms costs time
//! quadratic in its length and recursion as deep as it is long. `AND` and `OR` are associative in
//! SQL's three-valued logic and the terms keep their order, so `(a OR b) OR (c OR d)` means the
//! same as `((a OR b) OR c) OR d` and evaluates its terms in the same order. Arithmetic is not
//! regrouped: `+` on floating point is not associative. Chains of `UNION` and of `INTERSECT` with
//! one quantifier are regrouped the same way (the leftmost query still names the columns);
//! `EXCEPT` is not associative and is left alone.

use std::ops::ControlFlow;

use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, Query, SetExpr, SetOperator, SetQuantifier, Value, Values, VisitMut,
    VisitorMut,
};

/// Chains with more terms than this are regrouped. A balanced tree's own left spine is far
/// shorter than this, so a regrouped chain is never regrouped again.
const REGROUP_ABOVE: usize = 32;

/// Regroups every long `AND`/`OR` chain in the statement. Needs recursion only as deep as the
/// statement is once regrouped; `engine::complexity` has bounded its size before.
pub fn regroup_chains(statement: &mut DFStatement) {
    match statement {
        DFStatement::Statement(s) => {
            let _ = s.visit(&mut Regrouper);
        }
        DFStatement::Explain(explain) => regroup_chains(&mut explain.statement),
        DFStatement::CreateExternalTable(_) | DFStatement::CopyTo(_) | DFStatement::Reset(_) => {}
    }
}

struct Regrouper;

impl VisitorMut for Regrouper {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let op = match expr {
            Expr::BinaryOp {
                op: op @ (BinaryOperator::And | BinaryOperator::Or),
                ..
            } => op.clone(),
            _ => return ControlFlow::Continue(()),
        };
        if left_spine_terms(expr, &op) > REGROUP_ABOVE {
            let chain = std::mem::replace(expr, Expr::Value(Value::Null.into()));
            *expr = balanced(terms_of(chain, &op), &op);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        let SetExpr::SetOperation {
            op, set_quantifier, ..
        } = query.body.as_ref()
        else {
            return ControlFlow::Continue(());
        };
        let kind = (*op, *set_quantifier);
        let associative = matches!(kind.0, SetOperator::Union | SetOperator::Intersect)
            && matches!(
                kind.1,
                SetQuantifier::All | SetQuantifier::Distinct | SetQuantifier::None
            );
        if associative && set_spine_terms(&query.body, kind) > REGROUP_ABOVE {
            let placeholder = SetExpr::Values(Values {
                explicit_row: false,
                value_keyword: false,
                rows: Vec::new(),
            });
            let chain = std::mem::replace(query.body.as_mut(), placeholder);
            *query.body = balanced_set(set_terms_of(chain, kind), kind);
        }
        ControlFlow::Continue(())
    }
}

type SetKind = (SetOperator, SetQuantifier);

fn set_spine_terms(body: &SetExpr, kind: SetKind) -> usize {
    let mut terms = 1;
    let mut current = body;
    while let SetExpr::SetOperation {
        left,
        op,
        set_quantifier,
        ..
    } = current
    {
        if (*op, *set_quantifier) != kind {
            break;
        }
        terms += 1;
        current = left;
    }
    terms
}

fn set_terms_of(chain: SetExpr, kind: SetKind) -> Vec<SetExpr> {
    let mut rights = Vec::new();
    let mut current = chain;
    loop {
        match current {
            SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } if (op, set_quantifier) == kind => {
                rights.push(*right);
                current = *left;
            }
            first => {
                rights.push(first);
                break;
            }
        }
    }
    rights.reverse();
    rights
}

fn balanced_set(mut terms: Vec<SetExpr>, kind: SetKind) -> SetExpr {
    if terms.len() == 1 {
        if let Some(only) = terms.pop() {
            return only;
        }
    }
    let right = terms.split_off(terms.len() / 2);
    SetExpr::SetOperation {
        left: Box::new(balanced_set(terms, kind)),
        op: kind.0,
        set_quantifier: kind.1,
        right: Box::new(balanced_set(right, kind)),
    }
}

fn left_spine_terms(expr: &Expr, op: &BinaryOperator) -> usize {
    let mut terms = 1;
    let mut current = expr;
    while let Expr::BinaryOp { left, op: o, .. } = current {
        if o != op {
            break;
        }
        terms += 1;
        current = left;
    }
    terms
}

/// The chain's terms in order, taken apart one link at a time (no recursion, so no deep drop).
fn terms_of(chain: Expr, op: &BinaryOperator) -> Vec<Expr> {
    let mut rights = Vec::new();
    let mut current = chain;
    loop {
        match current {
            Expr::BinaryOp { left, op: o, right } if o == *op => {
                rights.push(*right);
                current = *left;
            }
            first => {
                rights.push(first);
                break;
            }
        }
    }
    rights.reverse();
    rights
}

/// `terms` joined by `op` as a balanced tree, left to right.
fn balanced(mut terms: Vec<Expr>, op: &BinaryOperator) -> Expr {
    if terms.len() == 1 {
        if let Some(only) = terms.pop() {
            return only;
        }
    }
    let right = terms.split_off(terms.len() / 2);
    Expr::BinaryOp {
        left: Box::new(balanced(terms, op)),
        op: op.clone(),
        right: Box::new(balanced(right, op)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::parser::DFParserBuilder;

    fn regrouped(sql: &str) -> String {
        let mut statement = DFParserBuilder::new(sql)
            .build()
            .and_then(|mut p| p.parse_statement())
            .expect("statement");
        regroup_chains(&mut statement);
        statement.to_string()
    }

    #[test]
    fn long_chains_become_balanced_and_keep_their_order() {
        let terms: Vec<String> = (0..40).map(|i| format!("x = {i}")).collect();
        let text = regrouped(&format!("SELECT 1 WHERE {}", terms.join(" OR ")));
        let order: Vec<usize> = text
            .split("x = ")
            .skip(1)
            .map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().expect("a number")
            })
            .collect();
        assert_eq!(order, (0..40).collect::<Vec<_>>(), "{text}");
        let expr = regrouped_expr(&terms.join(" OR "));
        let mut left = &expr;
        let mut spine = 0;
        while let Expr::BinaryOp { left: l, .. } = left {
            spine += 1;
            left = l;
        }
        assert!(spine <= 6, "left spine of {spine} links: {text}");
    }

    fn regrouped_expr(expr: &str) -> Expr {
        let mut statement = DFParserBuilder::new(format!("SELECT 1 WHERE {expr}").as_str())
            .build()
            .and_then(|mut p| p.parse_statement())
            .expect("statement");
        regroup_chains(&mut statement);
        let DFStatement::Statement(s) = statement else {
            panic!("not a query");
        };
        let datafusion::sql::sqlparser::ast::Statement::Query(q) = *s else {
            panic!("not a query");
        };
        let datafusion::sql::sqlparser::ast::SetExpr::Select(select) = *q.body else {
            panic!("not a select");
        };
        select.selection.expect("a WHERE")
    }

    #[test]
    fn short_and_mixed_chains_are_left_alone() {
        let sql = "SELECT 1 WHERE a = 1 AND b = 2 OR c = 3";
        assert_eq!(regrouped(sql), sql);
        let plus = format!("SELECT 0{}", " + 1".repeat(50));
        assert_eq!(regrouped(&plus), plus);
    }
}
