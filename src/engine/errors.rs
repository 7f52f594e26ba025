//! DataFusion's errors as the kinds (and so the SQLSTATEs) a client expects: syntax 42000, unknown table 42S02,
//! unknown column 42S22, unsupported features HYC00, and the engine's own message kept; and the
//! 42000 the engine's own scanners (`escape`, `procedure_call`) raise, so theirs read the same.

use datafusion::error::DataFusionError;

use crate::error::{Error, SqlError};

/// A syntax error (42000) found by the engine's own scanners.
pub(crate) fn syntax(message: impl Into<String>) -> Error {
    Error::new(SqlError::Syntax, message)
}

pub fn from_datafusion(error: DataFusionError) -> Error {
    let root = error.find_root();
    let text = root.strip_backtrace();
    let (kind, hint) = match root {
        DataFusionError::SQL(parse, _)
            if matches!(
                parse.as_ref(),
                datafusion::sql::sqlparser::parser::ParserError::RecursionLimitExceeded
            ) =>
        {
            return super::complexity::too_complex(format!(
                "its parentheses, subqueries or function calls nest more than {} levels deep; flatten it, e.g. with WITH clauses",
                super::complexity::PARSER_RECURSION_LIMIT
            ));
        }
        DataFusionError::SQL(..) => (SqlError::Syntax, "check the statement's syntax"),
        DataFusionError::SchemaError(..)
            if text.contains("not found") || text.contains("No field named") =>
        {
            (
                SqlError::ColumnNotFound,
                "SQLColumns or sys.sys_tablecolumns lists the columns",
            )
        }
        DataFusionError::Plan(msg) if msg.starts_with("table '") && msg.ends_with("not found") => (
            SqlError::TableNotFound,
            "SQLTables or sys.sys_tables lists the tables",
        ),
        DataFusionError::Plan(msg) if msg.contains("No field named") => (
            SqlError::ColumnNotFound,
            "SQLColumns or sys.sys_tablecolumns lists the columns",
        ),
        DataFusionError::Plan(_) => (SqlError::Syntax, "check the statement"),
        // Tableau and SQL Server habits send `SELECT TOP n`; the engine's message is one word.
        DataFusionError::NotImplemented(msg) if msg.trim() == "TOP" => {
            return Error::new(
                SqlError::NotImplemented,
                "SELECT TOP n is not supported: write LIMIT n at the end of the statement",
            );
        }
        DataFusionError::NotImplemented(_) => (
            SqlError::NotImplemented,
            "rewrite the statement without this feature",
        ),
        DataFusionError::External(inner) => {
            if let Some(own) = inner.downcast_ref::<Error>() {
                return own.clone();
            }
            (SqlError::Execution, "see the message")
        }
        DataFusionError::ArrowError(arrow, _) => match arrow.as_ref() {
            datafusion::arrow::error::ArrowError::DivideByZero => (
                SqlError::DivisionByZero,
                "guard the divisor with NULLIF(x, 0)",
            ),
            datafusion::arrow::error::ArrowError::CastError(_) => {
                (SqlError::InvalidValue, "check the value being converted")
            }
            datafusion::arrow::error::ArrowError::ComputeError(m) if m.contains("overflow") => {
                (SqlError::OutOfRange, "use a wider type")
            }
            _ => (SqlError::Execution, "see the message"),
        },
        _ => (SqlError::Execution, "see the message"),
    };
    let text = plain_text(root).unwrap_or(text);
    // The engine's internal catalog name means nothing to users: `sys.x`, not `apiodbc.sys.x`.
    let text = text.trim().replace("'apiodbc.", "'");
    Error::new(kind, format!("{text} ({hint})"))
}

/// The engine's message without the engine's own framing (`Error during planning: `,
/// `ParserError("…")`, `Arrow error: `): a SQL user reads what is wrong, not which part of the
/// engine noticed. `None` where the variant has no plainer form.
fn plain_text(error: &DataFusionError) -> Option<String> {
    use datafusion::sql::sqlparser::parser::ParserError;
    Some(match error {
        DataFusionError::SQL(parse, _) => match parse.as_ref() {
            ParserError::TokenizerError(m) | ParserError::ParserError(m) => m.clone(),
            ParserError::RecursionLimitExceeded => return None,
        },
        DataFusionError::Plan(m)
        | DataFusionError::NotImplemented(m)
        | DataFusionError::Execution(m)
        | DataFusionError::ResourcesExhausted(m) => m.clone(),
        DataFusionError::SchemaError(e, _) => e.to_string(),
        DataFusionError::ArrowError(e, _) => match e.as_ref() {
            datafusion::arrow::error::ArrowError::CastError(m)
            | datafusion::arrow::error::ArrowError::ComputeError(m)
            | datafusion::arrow::error::ArrowError::InvalidArgumentError(m) => m.clone(),
            datafusion::arrow::error::ArrowError::DivideByZero => "Division by zero".to_string(),
            other => other.to_string(),
        },
        _ => return None,
    })
}
