//! How complex a statement may be, checked before the engine recurses over it. The parser, the
//! planner, the optimizer, expression evaluation and even dropping a plan all recurse once per
//! level of nesting, so a generated `WHERE a = 1 OR a = 2 OR …` of thousands of terms would
//! otherwise overflow the stack of whatever thread the application calls from. Statements within
//! the limits run on a driver thread with a large stack (`runtime::on_large_stack`); past them they are
//! refused with 54001 before any recursion starts. docs/statements.md documents the numbers. This
//! module only measures; it never rewrites the statement (`regroup` does).

use std::ops::ControlFlow;

use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{BinaryOperator, Expr, Query, SetExpr, Visit, Visitor};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};

use crate::error::{Error, Result, SqlError};

/// Operators, names and keywords a statement may hold (values, commas and parentheses are not
/// counted, so long `IN (…)` and `VALUES` lists are fine). It bounds how deep the parsed statement
/// can be, and so how deep dropping it recurses, before the nesting is measured.
pub const MAX_TOKENS: usize = 200_000;

/// Levels of nesting: expressions within expressions and queries within queries. A chain of
/// `AND` or of `OR` counts as one level, whatever its length; `a + b + c` counts one per operator.
pub const MAX_NESTING: usize = 1_000;

/// Terms of one `AND` or `OR` chain, and queries of one `UNION`/`EXCEPT`/`INTERSECT` chain.
pub const MAX_CHAIN_TERMS: usize = 10_000;

/// How deep the parser itself may recurse (parentheses, subqueries, function arguments).
pub const PARSER_RECURSION_LIMIT: usize = 200;

/// Nesting past which fetching rows and dropping the plan also move to the large stack (evaluating
/// a deep expression recurses as deeply as planning it did).
const DEEP_NESTING: usize = 48;

/// What was measured of a statement within the limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Complexity {
    pub nesting: usize,
    pub longest_chain: usize,
}

impl Complexity {
    /// Whether executing and dropping the statement needs the large stack too.
    pub fn is_deep(&self) -> bool {
        self.nesting > DEEP_NESTING || self.longest_chain > DEEP_NESTING
    }
}

pub fn too_complex(why: String) -> Error {
    Error::new(
        SqlError::TooComplex,
        format!("The statement is too complex: {why}"),
    )
}

/// Counts the statement's operators and names before it is parsed; the tokenizer is a loop, so
/// this is safe on any stack.
pub fn check_tokens(sql: &str) -> Result<()> {
    let dialect = GenericDialect {};
    // A statement that does not tokenize is left to the parser, which says why.
    let Ok(tokens) = Tokenizer::new(&dialect, sql).tokenize() else {
        return Ok(());
    };
    let counted = tokens.iter().filter(|t| !is_uncounted(t)).count();
    if counted > MAX_TOKENS {
        return Err(too_complex(format!(
            "it holds {counted} operators, names and keywords, more than the {MAX_TOKENS} allowed; split it into several statements, or pass long lists of values as IN (…) lists"
        )));
    }
    Ok(())
}

fn is_uncounted(token: &Token) -> bool {
    matches!(
        token,
        Token::EOF
            | Token::Whitespace(_)
            | Token::Comma
            | Token::LParen
            | Token::RParen
            | Token::Number(..)
            | Token::Placeholder(_)
            | Token::SingleQuotedString(_)
            | Token::NationalStringLiteral(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_)
            | Token::HexStringLiteral(_)
            | Token::SingleQuotedByteStringLiteral(_)
            | Token::DoubleQuotedByteStringLiteral(_)
            | Token::DollarQuotedString(_)
    )
}

/// Measures a parsed statement, or refuses it with 54001. Recurses as deep as the statement is
/// (up to [`MAX_NESTING`]): call it on the large stack.
pub fn measure(statement: &DFStatement) -> Result<Complexity> {
    let mut meter = Meter::default();
    let flow = match statement {
        DFStatement::Statement(s) => s.visit(&mut meter),
        DFStatement::Explain(explain) => return measure(&explain.statement),
        // Refused as writes before this is called; nothing to measure.
        DFStatement::CreateExternalTable(_) | DFStatement::CopyTo(_) | DFStatement::Reset(_) => {
            ControlFlow::Continue(())
        }
    };
    match flow {
        ControlFlow::Break(e) => Err(e),
        ControlFlow::Continue(()) => Ok(meter.seen),
    }
}

#[derive(Default)]
struct Meter {
    /// For each expression being visited: the chain operator it continues, if it is a link of an
    /// `AND`/`OR` chain, and whether it added a level.
    frames: Vec<Frame>,
    nesting: usize,
    seen: Complexity,
}

struct Frame {
    chain: Option<BinaryOperator>,
    counted: bool,
}

fn chain_operator(expr: &Expr) -> Option<&BinaryOperator> {
    match expr {
        Expr::BinaryOp {
            op: op @ (BinaryOperator::And | BinaryOperator::Or),
            ..
        } => Some(op),
        _ => None,
    }
}

/// Terms of the chain rooted at `expr`, walking its left spine without recursion.
fn chain_terms(expr: &Expr, op: &BinaryOperator) -> usize {
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

/// Queries of the set-operation chain that is `body`, walking its left spine without recursion.
fn set_terms(body: &SetExpr) -> usize {
    let mut terms = 1;
    let mut current = body;
    while let SetExpr::SetOperation { left, .. } = current {
        terms += 1;
        current = left;
    }
    terms
}

impl Meter {
    fn enter(&mut self) -> ControlFlow<Error> {
        self.nesting += 1;
        self.seen.nesting = self.seen.nesting.max(self.nesting);
        if self.nesting > MAX_NESTING {
            return ControlFlow::Break(too_complex(format!(
                "its expressions or subqueries nest more than {MAX_NESTING} levels deep (in a chain such as a + b + c each operator is a level); split it, or write long lists of alternatives as IN (…)"
            )));
        }
        ControlFlow::Continue(())
    }

    fn chain(&mut self, terms: usize, what: &str) -> ControlFlow<Error> {
        self.seen.longest_chain = self.seen.longest_chain.max(terms);
        if terms > MAX_CHAIN_TERMS {
            return ControlFlow::Break(too_complex(format!(
                "one {what} chain has {terms} terms, more than the {MAX_CHAIN_TERMS} allowed; split it into several statements, or write long lists of alternatives as IN (…)"
            )));
        }
        ControlFlow::Continue(())
    }
}

impl Visitor for Meter {
    type Break = Error;

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<Error> {
        let op = chain_operator(expr);
        let continues_parent = op.is_some()
            && self
                .frames
                .last()
                .is_some_and(|parent| parent.chain.as_ref() == op);
        let counted = !continues_parent;
        if counted {
            if let Some(op) = op {
                let what = if *op == BinaryOperator::And {
                    "AND"
                } else {
                    "OR"
                };
                self.chain(chain_terms(expr, op), what)?;
            }
            self.enter()?;
        }
        self.frames.push(Frame {
            chain: op.cloned(),
            counted,
        });
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, _expr: &Expr) -> ControlFlow<Error> {
        if let Some(frame) = self.frames.pop() {
            if frame.counted {
                self.nesting -= 1;
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<Error> {
        self.chain(set_terms(&query.body), "UNION, EXCEPT or INTERSECT")?;
        // An expression inside the subquery starts no chain with one outside it.
        self.frames.push(Frame {
            chain: None,
            counted: true,
        });
        self.enter()
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<Error> {
        self.frames.pop();
        self.nesting -= 1;
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{state, ErrorKind};
    use datafusion::sql::parser::DFParserBuilder;

    fn parse(sql: &str) -> DFStatement {
        let mut parser = DFParserBuilder::new(sql)
            .with_recursion_limit(PARSER_RECURSION_LIMIT)
            .build()
            .expect("parser");
        parser.parse_statement().expect("statement")
    }

    fn measured(sql: &str) -> Result<Complexity> {
        check_tokens(sql)?;
        crate::runtime::on_large_stack(|| measure(&parse(sql))).expect("a large-stack thread")
    }

    fn or_chain(terms: usize) -> String {
        let mut sql = String::from("SELECT 1 WHERE 1 = 0");
        for i in 1..terms {
            sql.push_str(&format!(" OR {i} = 0"));
        }
        sql
    }

    #[test]
    fn a_long_or_chain_is_one_level() {
        let c = measured(&or_chain(5_000)).expect("within the limits");
        assert_eq!(c.longest_chain, 5_000);
        assert!(c.nesting < 10, "{c:?}");
        assert!(c.is_deep());
        let simple = measured("SELECT a + 1 FROM t WHERE b = 2 AND c < 3").expect("simple");
        assert!(!simple.is_deep(), "{simple:?}");
    }

    #[test]
    fn past_the_limits_is_54001() {
        let err = measured(&or_chain(MAX_CHAIN_TERMS + 1)).unwrap_err();
        assert_eq!(err.state, state::STATEMENT_TOO_COMPLEX);
        assert_eq!(err.kind, ErrorKind::Sql(SqlError::TooComplex));
        assert!(err.message.contains("OR chain"), "{}", err.message);

        let plus = format!("SELECT 0{}", " + 1".repeat(MAX_NESTING + 5));
        let err = measured(&plus).unwrap_err();
        assert_eq!(err.state, state::STATEMENT_TOO_COMPLEX);
        assert_eq!(err.kind, ErrorKind::Sql(SqlError::TooComplex));
        assert!(err.message.contains("nest more than"), "{}", err.message);

        let union = vec!["SELECT 1"; MAX_CHAIN_TERMS + 1].join(" UNION ALL ");
        let err = measured(&union).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Sql(SqlError::TooComplex));
        assert!(err.message.contains("UNION"), "{}", err.message);

        let words = format!("SELECT 1 WHERE {}", "a AND ".repeat(MAX_TOKENS / 2) + "b");
        let err = check_tokens(&words).unwrap_err();
        assert_eq!(err.state, state::STATEMENT_TOO_COMPLEX);
    }

    #[test]
    fn values_and_lists_are_not_counted() {
        let list: Vec<String> = (0..MAX_TOKENS).map(|i| i.to_string()).collect();
        let sql = format!("SELECT 1 WHERE x IN ({})", list.join(", "));
        assert_eq!(check_tokens(&sql), Ok(()));
    }
}
