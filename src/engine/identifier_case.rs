//! Column names that are not all lower case, matched without quotes.
//!
//! DataFusion folds unquoted identifiers to lower case and then matches names exactly, so a
//! column named `TableName` (the `sys` tables keep the commercial driver's spellings; a profile
//! file may declare `createdAt`) could only be reached as `"TableName"`. Users of ODBC sources
//! expect `WHERE TableName = 'persons'` to work. When planning fails because a field is missing,
//! and that name folds to exactly one mixed-case column spelling among the tables the statement
//! reads (and to no lower-case one), the unquoted references to that one name are quoted in the catalog's spelling
//! and the statement is planned again — name by name, so a name the query resolves itself (an
//! alias, a CTE column) is never touched. Statements that plan as written are never touched, and
//! the error shown at the end is about a name this could not resolve.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use datafusion::common::{DataFusionError, SchemaError};
use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{
    visit_expressions_mut, visit_relations, Expr, Ident, OrderBy, OrderByKind, Query, SelectItem,
    SetExpr, VisitMut, VisitorMut,
};

use super::catalog::CatalogInfo;

/// Lower-cased name → every (lower-cased table name, spelling) of it in the catalog.
#[derive(Debug, Default)]
pub struct MixedCaseColumns(HashMap<String, Vec<(String, String)>>);

impl MixedCaseColumns {
    pub fn from_catalog(catalog: &CatalogInfo) -> MixedCaseColumns {
        let mut names: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for table in &catalog.tables {
            for column in &table.columns {
                names
                    .entry(column.name.to_lowercase())
                    .or_default()
                    .push((table.name.to_lowercase(), column.name.clone()));
            }
        }
        // Names spelled only in lower case resolve as they are.
        names.retain(|lower, spellings| spellings.iter().any(|(_, s)| s != lower));
        MixedCaseColumns(names)
    }

    /// The one spelling `folded` can mean among the columns of `tables` (lower-cased names the
    /// statement reads; all tables when it names none), if it is unambiguous there and not
    /// lower case. Only the statement's tables count: a lower-case `description` of some other
    /// table must not hide `sys_tablecolumns.Description`.
    fn spelling(&self, folded: &str, tables: &HashSet<String>) -> Option<&str> {
        let spellings: HashSet<&str> = self
            .0
            .get(folded)?
            .iter()
            .filter(|(t, _)| tables.is_empty() || tables.contains(t))
            .map(|(_, s)| s.as_str())
            .collect();
        let mut only = spellings.into_iter();
        match (only.next(), only.next()) {
            (Some(s), None) if s != folded => Some(s),
            _ => None,
        }
    }

    /// Quotes the unquoted column references of `statement` that fold to `missing` (the field
    /// planning did not find); says whether anything changed.
    pub fn requote(&self, statement: &mut DFStatement, missing: &str) -> bool {
        let DFStatement::Statement(inner) = statement else {
            return false;
        };
        let folded = missing.to_lowercase();
        let mut tables = HashSet::new();
        let _ = visit_relations(inner.as_ref(), |name| {
            if let Some(last) = name.0.last().and_then(|part| part.as_ident()) {
                tables.insert(last.value.to_lowercase());
            }
            ControlFlow::<()>::Continue(())
        });
        let Some(exact) = self.spelling(&folded, &tables) else {
            return false;
        };
        // `ORDER BY x` names the select list's alias x before any column; pin those references
        // (quoted in the alias's normalised spelling, which is what DataFusion reads anyway)
        // so a column spelled like the alias elsewhere in the query cannot capture them.
        let _ = inner.visit(&mut PinOrderByAliases);
        let mut changed = false;
        let mut fix = |ident: &mut Ident| {
            if ident.quote_style.is_none() && ident.value.to_lowercase() == folded {
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

struct PinOrderByAliases;

impl VisitorMut for PinOrderByAliases {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        let SetExpr::Select(select) = query.body.as_ref() else {
            return ControlFlow::Continue(());
        };
        // As DataFusion normalises them: unquoted aliases fold to lower case.
        let aliases: HashSet<String> = select
            .projection
            .iter()
            .filter_map(|item| match item {
                SelectItem::ExprWithAlias { alias, .. } if alias.quote_style.is_none() => {
                    Some(alias.value.to_lowercase())
                }
                SelectItem::ExprWithAlias { alias, .. } => Some(alias.value.clone()),
                _ => None,
            })
            .collect();
        if let Some(OrderBy {
            kind: OrderByKind::Expressions(items),
            ..
        }) = &mut query.order_by
        {
            for item in items {
                if let Expr::Identifier(ident) = &mut item.expr {
                    let folded = ident.value.to_lowercase();
                    if ident.quote_style.is_none() && aliases.contains(&folded) {
                        *ident = Ident::with_quote('"', folded);
                    }
                }
            }
        }
        ControlFlow::Continue(())
    }
}

/// The field a planning error says is missing.
pub fn missing_field(error: &DataFusionError) -> Option<String> {
    match error.find_root() {
        DataFusionError::SchemaError(e, _) => match e.as_ref() {
            SchemaError::FieldNotFound { field, .. } => Some(field.name.clone()),
            _ => None,
        },
        _ => None,
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
            table_type: crate::engine::catalog::TABLE,
            remarks: String::new(),
            columns: columns
                .iter()
                .map(|c| ColumnInfo {
                    name: c.to_string(),
                    data_type: DataType::Utf8,
                    nullable: true,
                    remarks: String::new(),
                    max_length: None,
                    writes: vec![],
                })
                .collect(),
            primary_key: vec![],
            writes: vec![],
        }
    }

    fn requoted(names: &MixedCaseColumns, sql: &str, missing: &str) -> Option<String> {
        let mut statements = DFParser::parse_sql(sql).unwrap_or_else(|e| panic!("{e}"));
        let mut statement = statements
            .pop_front()
            .unwrap_or_else(|| panic!("no statement"));
        names
            .requote(&mut statement, missing)
            .then(|| statement.to_string())
    }

    #[test]
    fn only_the_missing_name_gets_the_catalog_spelling() {
        let catalog = CatalogInfo {
            tables: vec![
                table(
                    "sys_tables",
                    &["TableName", "ColumnName", "Description", "id"],
                ),
                table("events", &["createdAt", "CREATEDAT", "owner", "title"]),
                table("deals", &["Title"]),
            ],
            procedures: vec![],
        };
        let names = MixedCaseColumns::from_catalog(&catalog);
        assert_eq!(
            requoted(
                &names,
                "SELECT TableName, t.tablename FROM sys_tables t WHERE TABLENAME = 'x'",
                "tablename"
            )
            .as_deref(),
            Some(
                "SELECT \"TableName\", t.\"TableName\" FROM sys_tables t WHERE \"TableName\" = 'x'"
            )
        );
        // An alias named like another column stays an alias in ORDER BY, while the column's
        // own references (WHERE) get its spelling.
        assert_eq!(
            requoted(
                &names,
                "SELECT ColumnName AS tablename FROM sys_tables WHERE TableName = 'x' ORDER BY tablename",
                "tablename"
            )
            .as_deref(),
            Some("SELECT ColumnName AS tablename FROM sys_tables WHERE \"TableName\" = 'x' ORDER BY \"tablename\"")
        );
        // Only the tables the statement reads count: events' lower-case `title` does not make
        // deals' `Title` ambiguous.
        assert_eq!(
            requoted(&names, "SELECT title FROM deals", "title").as_deref(),
            Some("SELECT \"Title\" FROM deals")
        );
        // Ambiguous (createdAt vs CREATEDAT; title vs Title in one query), or not mixed case:
        // left alone.
        for (sql, missing) in [
            ("SELECT createdat FROM events", "createdat"),
            ("SELECT title FROM deals, events", "title"),
            ("SELECT id FROM sys_tables", "id"),
            ("SELECT \"TableName\" FROM sys_tables", "nosuch"),
        ] {
            assert_eq!(requoted(&names, sql, missing), None, "{sql}");
        }
    }
}
