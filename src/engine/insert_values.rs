//! Naming the value an INSERT ... VALUES cannot convert. DataFusion casts each literal to its
//! column's type and says only "Cannot cast string 'x' to value of Int64 type"; a user with
//! twenty rows needs the row and the column. This finds the literal in the statement's VALUES.
//! It reads the statement only; it never changes or runs it.

use datafusion::sql::sqlparser::ast::{Expr, SetExpr, Statement, Value};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::Parser;

use crate::error::{Error, SqlError};

/// `error` made to name the row and column of the literal it could not convert, when `sql` is an
/// INSERT ... VALUES holding it; otherwise `error` as it is.
pub fn name_bad_literal(sql: &str, error: Error) -> Error {
    let Some((text, ty)) = cast_failure(&error.message) else {
        return error;
    };
    let Ok(statements) = Parser::parse_sql(&GenericDialect {}, sql) else {
        return error;
    };
    let Some(Statement::Insert(insert)) = statements.first() else {
        return error;
    };
    let Some(source) = &insert.source else {
        return error;
    };
    let SetExpr::Values(values) = source.body.as_ref() else {
        return error;
    };
    for (r, row) in values.rows.iter().enumerate() {
        for (i, expr) in row.iter().enumerate() {
            let Expr::Value(v) = expr else { continue };
            let literal = match &v.value {
                Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.as_str(),
                Value::Number(n, _) => n.as_str(),
                _ => continue,
            };
            if literal != text {
                continue;
            }
            let column = insert
                .columns
                .get(i)
                .map(|c| c.to_string())
                .unwrap_or_else(|| format!("{}", i + 1));
            return Error::new(
                SqlError::InvalidValue,
                format!(
                    "Row {}, column {column}: '{text}' is not a valid {ty}; nothing was sent",
                    r + 1
                ),
            );
        }
    }
    error
}

/// The text and type of "Cannot cast string 'x' to value of T type".
fn cast_failure(message: &str) -> Option<(&str, &str)> {
    let rest = message.split("Cannot cast string '").nth(1)?;
    let (text, rest) = rest.split_once("' to value of ")?;
    let (ty, _) = rest.split_once(" type")?;
    Some((text, ty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_and_column_of_the_bad_literal_are_named() {
        let e = Error::new(
            SqlError::InvalidValue,
            "Cannot cast string 'seven' to value of Int64 type",
        );
        let named = name_bad_literal(
            "INSERT INTO persons (name, owner_id) VALUES ('a', 1), ('b', 'seven')",
            e,
        );
        assert!(
            named.message.contains("Row 2, column owner_id"),
            "{}",
            named.message
        );
        let other = Error::new(SqlError::InvalidValue, "something else");
        assert_eq!(
            name_bad_literal("INSERT INTO t VALUES (1)", other.clone()).message,
            other.message
        );
    }
}
