//! Column names that are not all lower case, matched without quotes.
//!
//! DataFusion folds unquoted identifiers to lower case and then matches names exactly, so a
//! column named `TableName` (the `sys` tables keep the commercial driver's spellings; a profile
//! file may declare `createdAt`) could only be reached as `"TableName"`. Users of ODBC sources
//! expect `WHERE TableName = 'persons'` to work. When a statement fails to plan, its unquoted
//! column references that match such a name case-insensitively — and match only one spelling —
//! are quoted with the catalog's spelling and the statement is planned once more. Statements that
//! plan as written are never touched; if the second attempt fails too, its error is the one shown,
//! since it is about the query as the user meant it.

use std::collections::HashMap;
use std::ops::ControlFlow;

use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{visit_expressions_mut, Expr, Ident};

use super::catalog::CatalogInfo;

/// Lower-cased name → the catalog's spelling; `None` where two spellings fold to one name.
#[derive(Debug, Default)]
pub struct MixedCaseColumns(HashMap<String, Option<String>>);

impl MixedCaseColumns {
    pub fn from_catalog(catalog: &CatalogInfo) -> MixedCaseColumns {
        let mut names: HashMap<String, Option<String>> = HashMap::new();
        let columns = catalog.tables.iter().flat_map(|t| &t.columns);
        for name in columns.map(|c| &c.name).filter(|n| n.to_lowercase() != **n) {
            names
                .entry(name.to_lowercase())
                .and_modify(|seen| {
                    if seen.as_deref() != Some(name.as_str()) {
                        *seen = None;
                    }
                })
                .or_insert_with(|| Some(name.clone()));
        }
        MixedCaseColumns(names)
    }

    fn spelling(&self, ident: &Ident) -> Option<&str> {
        if ident.quote_style.is_some() {
            return None;
        }
        self.0
            .get(&ident.value.to_lowercase())
            .and_then(|s| s.as_deref())
    }

    /// Quotes the unquoted column references of `statement` that name a mixed-case column;
    /// says whether anything changed.
    pub fn requote(&self, statement: &mut DFStatement) -> bool {
        let DFStatement::Statement(inner) = statement else {
            return false;
        };
        if self.0.is_empty() {
            return false;
        }
        let mut changed = false;
        let mut fix = |ident: &mut Ident| {
            if let Some(exact) = self.spelling(ident) {
                *ident = Ident::with_quote('"', exact);
                changed = true;
            }
        };
        let _ = visit_expressions_mut(inner.as_mut(), |expr| {
            match expr {
                Expr::Identifier(ident) => fix(ident),
                // Only the last part names a column; the others are tables and schemas.
                Expr::CompoundIdentifier(parts) => {
                    if let Some(last) = parts.last_mut() {
                        fix(last)
                    }
                }
                _ => {}
            }
            ControlFlow::<()>::Continue(())
        });
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::catalog::{ColumnInfo, TableInfo};
    use datafusion::arrow::datatypes::DataType;
    use datafusion::sql::parser::DFParser;

    fn table(name: &str, columns: &[&str]) -> TableInfo {
        TableInfo {
            schema: "s".into(),
            name: name.into(),
            table_type: "TABLE",
            remarks: String::new(),
            columns: columns
                .iter()
                .map(|c| ColumnInfo {
                    name: c.to_string(),
                    data_type: DataType::Utf8,
                    nullable: true,
                    remarks: String::new(),
                })
                .collect(),
            primary_key: vec![],
        }
    }

    fn requoted(names: &MixedCaseColumns, sql: &str) -> Option<String> {
        let mut statements = DFParser::parse_sql(sql).unwrap_or_else(|e| panic!("{e}"));
        let mut statement = statements
            .pop_front()
            .unwrap_or_else(|| panic!("no statement"));
        names.requote(&mut statement).then(|| statement.to_string())
    }

    #[test]
    fn unquoted_references_get_the_catalog_spelling() {
        let catalog = CatalogInfo {
            tables: vec![
                table("sys_tables", &["TableName", "Description", "id"]),
                table("events", &["createdAt", "CREATEDAT", "owner"]),
            ],
            procedures: vec![],
        };
        let names = MixedCaseColumns::from_catalog(&catalog);
        assert_eq!(
            requoted(
                &names,
                "SELECT TableName, t.description FROM sys_tables t WHERE tablename = 'x' ORDER BY TABLENAME"
            )
            .as_deref(),
            Some(
                "SELECT \"TableName\", t.\"Description\" FROM sys_tables t WHERE \"TableName\" = 'x' ORDER BY \"TableName\""
            )
        );
        // Already quoted, all lower case, or ambiguous (createdAt vs CREATEDAT): left alone.
        assert_eq!(
            requoted(&names, "SELECT \"TableName\", id, createdat FROM x"),
            None
        );
    }
}
