//! `{fn CONVERT(value, SQL_xxx)}`'s type keywords and the DataFusion type each becomes. The
//! refusal message spells the accepted keywords out by hand, so a keyword added to the table
//! belongs in the message too.
//!
//! It maps names only: it must not build the CAST around them (`functions` does).

use crate::engine::errors::syntax;
use crate::error::Result;

/// The DataFusion type for CONVERT's SQL_xxx type keyword.
pub(super) fn convert_type(arg: &str) -> Result<&'static str> {
    Ok(match arg.trim().to_ascii_uppercase().as_str() {
        "SQL_BIGINT" => "BIGINT",
        "SQL_INTEGER" => "INT",
        "SQL_SMALLINT" => "SMALLINT",
        "SQL_TINYINT" => "TINYINT",
        "SQL_BIT" => "BOOLEAN",
        "SQL_CHAR" | "SQL_VARCHAR" | "SQL_LONGVARCHAR" | "SQL_WCHAR" | "SQL_WVARCHAR"
        | "SQL_WLONGVARCHAR" => "VARCHAR",
        "SQL_DOUBLE" | "SQL_FLOAT" => "DOUBLE",
        "SQL_REAL" => "REAL",
        "SQL_DECIMAL" | "SQL_NUMERIC" => "DECIMAL(38,10)",
        "SQL_DATE" | "SQL_TYPE_DATE" => "DATE",
        "SQL_TIME" | "SQL_TYPE_TIME" => "TIME",
        "SQL_TIMESTAMP" | "SQL_TYPE_TIMESTAMP" => "TIMESTAMP",
        "SQL_BINARY" | "SQL_VARBINARY" | "SQL_LONGVARBINARY" => "BYTEA",
        _ => {
            return Err(syntax(format!(
                "CONVERT to '{}' is not supported; use one of SQL_BIGINT, SQL_INTEGER, \
                 SQL_SMALLINT, SQL_TINYINT, SQL_BIT, SQL_CHAR, SQL_VARCHAR, SQL_LONGVARCHAR, \
                 SQL_WCHAR, SQL_WVARCHAR, SQL_WLONGVARCHAR, SQL_DOUBLE, SQL_FLOAT, SQL_REAL, \
                 SQL_DECIMAL, SQL_NUMERIC, SQL_DATE, SQL_TYPE_DATE, SQL_TIME, SQL_TYPE_TIME, \
                 SQL_TIMESTAMP, SQL_TYPE_TIMESTAMP, SQL_BINARY, SQL_VARBINARY, SQL_LONGVARBINARY",
                arg.trim()
            )))
        }
    })
}
