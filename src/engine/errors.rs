//! DataFusion's errors as the SQLSTATEs a client expects: syntax 42000, unknown table 42S02,
//! unknown column 42S22, unsupported features HYC00, and the engine's own message kept; and the
//! 42000 the engine's own scanners (`escape`, `procedure_call`) raise, so theirs read the same.

use datafusion::error::DataFusionError;

use crate::error::{state, Error};

/// A syntax error (42000) found by the engine's own scanners; `message` starts with `[apiodbc] `.
pub(crate) fn syntax(message: impl Into<String>) -> Error {
    Error::new(state::SYNTAX_ERROR, message)
}

pub fn from_datafusion(error: DataFusionError) -> Error {
    let root = error.find_root();
    let text = root.strip_backtrace();
    let (sqlstate, hint) = match root {
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
        DataFusionError::SQL(..) => (state::SYNTAX_ERROR, "check the statement's syntax"),
        DataFusionError::SchemaError(..)
            if text.contains("not found") || text.contains("No field named") =>
        {
            (
                state::COLUMN_NOT_FOUND,
                "SQLColumns or sys.sys_tablecolumns lists the columns",
            )
        }
        DataFusionError::Plan(msg) if msg.starts_with("table '") && msg.ends_with("not found") => (
            state::TABLE_NOT_FOUND,
            "SQLTables or sys.sys_tables lists the tables",
        ),
        DataFusionError::Plan(msg) if msg.contains("No field named") => (
            state::COLUMN_NOT_FOUND,
            "SQLColumns or sys.sys_tablecolumns lists the columns",
        ),
        DataFusionError::Plan(_) => (state::SYNTAX_ERROR, "check the statement"),
        DataFusionError::NotImplemented(_) => (
            state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
            "rewrite the statement without this feature",
        ),
        DataFusionError::External(inner) => {
            if let Some(own) = inner.downcast_ref::<Error>() {
                return own.clone();
            }
            (state::GENERAL_ERROR, "see the message")
        }
        DataFusionError::ArrowError(arrow, _) => match arrow.as_ref() {
            datafusion::arrow::error::ArrowError::DivideByZero => (
                state::DIVISION_BY_ZERO,
                "guard the divisor with NULLIF(x, 0)",
            ),
            datafusion::arrow::error::ArrowError::CastError(_) => (
                state::INVALID_CHARACTER_VALUE,
                "check the value being converted",
            ),
            datafusion::arrow::error::ArrowError::ComputeError(m) if m.contains("overflow") => {
                (state::NUMERIC_OUT_OF_RANGE, "use a wider type")
            }
            _ => (state::GENERAL_ERROR, "see the message"),
        },
        _ => (state::GENERAL_ERROR, "see the message"),
    };
    // The engine's internal catalog name means nothing to users: `sys.x`, not `apiodbc.sys.x`.
    let text = text.trim().replace("'apiodbc.", "'");
    Error::new(sqlstate, format!("[apiodbc] {text} ({hint})"))
}
