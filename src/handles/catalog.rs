//! The ODBC catalog functions' result sets (SQLTables, SQLColumns, SQLPrimaryKeys, SQLForeignKeys,
//! SQLStatistics, SQLSpecialColumns, SQLProcedures, SQLProcedureColumns), built from the engine's
//! catalog with the spec's columns in the spec's order, search patterns, and the enumeration calls.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int16Array, Int32Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;

use super::sql_types::{column_type, declared_type};
use crate::engine::catalog::{CatalogInfo, TableInfo};
use crate::error::{Error, Result};
use crate::odbc::sql_types::{
    SQL_BEST_ROWID, SQL_INDEX_OTHER, SQL_PARAM_INPUT, SQL_PC_NOT_PSEUDO, SQL_PT_PROCEDURE,
    SQL_RESULT_COL, SQL_SCOPE_SESSION,
};
use crate::table_meta;

/// Arguments of a catalog call; `None` is a null pointer (match everything).
#[derive(Default, Clone, Debug)]
pub struct Names {
    pub catalog: Option<String>,
    pub schema: Option<String>,
    pub table: Option<String>,
    pub column: Option<String>,
}

/// The type of a catalog result column.
#[derive(Clone, Copy)]
enum CatalogType {
    Text,
    Small,
    Int,
}

/// One cell of a catalog row.
enum CatalogCell {
    Text(Option<String>),
    Small(Option<i16>),
    Int(Option<i32>),
}

fn text(s: impl Into<String>) -> CatalogCell {
    CatalogCell::Text(Some(s.into()))
}

const NULL_TEXT: CatalogCell = CatalogCell::Text(None);

fn small(v: i16) -> CatalogCell {
    CatalogCell::Small(Some(v))
}

fn int(v: i32) -> CatalogCell {
    CatalogCell::Int(Some(v))
}

fn clamp_i32(v: impl TryInto<i32>) -> i32 {
    v.try_into().unwrap_or(i32::MAX)
}

/// Builds a catalog result set row by row, with the spec's column names and types.
struct ResultBuilder {
    columns: &'static [(&'static str, CatalogType)],
    rows: Vec<Vec<CatalogCell>>,
}

impl ResultBuilder {
    fn new(columns: &'static [(&'static str, CatalogType)]) -> ResultBuilder {
        ResultBuilder {
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<CatalogCell>) {
        self.rows.push(row);
    }

    fn build(self) -> Result<RecordBatch> {
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (i, (name, kind)) in self.columns.iter().enumerate() {
            let cells = self.rows.iter().map(|r| r.get(i));
            match kind {
                CatalogType::Text => {
                    let values: Vec<Option<String>> = cells
                        .map(|c| match c {
                            Some(CatalogCell::Text(v)) => v.clone(),
                            _ => None,
                        })
                        .collect();
                    let field = Field::new(*name, DataType::Utf8, true);
                    fields.push(table_meta::with_max_length(
                        field,
                        declared_length(name, &values),
                    ));
                    arrays.push(Arc::new(StringArray::from(values)));
                }
                CatalogType::Small => {
                    fields.push(Field::new(*name, DataType::Int16, true));
                    let values: Vec<Option<i16>> = cells
                        .map(|c| match c {
                            Some(CatalogCell::Small(v)) => *v,
                            _ => None,
                        })
                        .collect();
                    arrays.push(Arc::new(Int16Array::from(values)));
                }
                CatalogType::Int => {
                    fields.push(Field::new(*name, DataType::Int32, true));
                    let values: Vec<Option<i32>> = cells
                        .map(|c| match c {
                            Some(CatalogCell::Int(v)) => *v,
                            _ => None,
                        })
                        .collect();
                    arrays.push(Arc::new(Int32Array::from(values)));
                }
            }
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| Error::general(format!("Internal error building a catalog result: {e}")))
    }
}

/// The length a catalog text column declares: names as long as SQLGetInfo's
/// SQL_MAX_*_NAME_LEN say (or the longest one here, if longer), every other column as long as its
/// longest value, so clients that size buffers from it (isql's column widths, arrow-odbc) get the
/// width of what is there rather than a bound of thousands.
fn declared_length(column: &str, values: &[Option<String>]) -> u64 {
    let longest = values
        .iter()
        .flatten()
        .map(|v| v.chars().count() as u64)
        .max()
        .unwrap_or(0);
    let is_name =
        column.ends_with("_CAT") || column.ends_with("_SCHEM") || column.ends_with("_NAME");
    if is_name {
        longest.max(table_meta::MAX_NAME_LENGTH)
    } else {
        longest.max(1)
    }
}

/// LIKE-style search pattern: `%` any run, `_` one character, `\` escapes. Case-insensitive,
/// because unquoted identifiers are folded by the engine and users type names in any case.
pub fn pattern_matches(pattern: &str, value: &str) -> bool {
    fn go(p: &[char], v: &[char]) -> bool {
        match p.first() {
            None => v.is_empty(),
            Some('%') => (0..=v.len()).any(|i| go(&p[1..], &v[i..])),
            Some('_') => !v.is_empty() && go(&p[1..], &v[1..]),
            Some('\\') if p.len() > 1 => {
                !v.is_empty() && p[1].to_lowercase().eq(v[0].to_lowercase()) && go(&p[2..], &v[1..])
            }
            Some(c) => {
                !v.is_empty() && c.to_lowercase().eq(v[0].to_lowercase()) && go(&p[1..], &v[1..])
            }
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    go(&p, &v)
}

/// Whether SQLColumns with these names may list `schema.table`'s columns.
pub fn may_list(names: &Names, schema: &str, table: &str) -> bool {
    catalog_ok(&names.catalog) && matches(&names.schema, schema) && matches(&names.table, table)
}

fn matches(pattern: &Option<String>, value: &str) -> bool {
    pattern.as_deref().is_none_or(|p| pattern_matches(p, value))
}

/// A catalog argument that names no catalog: we have none, so only NULL or "" or "%" match.
fn catalog_ok(catalog: &Option<String>) -> bool {
    catalog.as_deref().is_none_or(|c| c.is_empty() || c == "%")
}

fn tables_of<'a>(
    catalog: &'a CatalogInfo,
    names: &'a Names,
) -> impl Iterator<Item = &'a TableInfo> {
    let cat_ok = catalog_ok(&names.catalog);
    catalog.tables.iter().filter(move |t| {
        cat_ok && matches(&names.schema, &t.schema) && matches(&names.table, &t.name)
    })
}

const TABLES: &[(&str, CatalogType)] = &[
    ("TABLE_CAT", CatalogType::Text),
    ("TABLE_SCHEM", CatalogType::Text),
    ("TABLE_NAME", CatalogType::Text),
    ("TABLE_TYPE", CatalogType::Text),
    ("REMARKS", CatalogType::Text),
];

pub fn tables(
    catalog: &CatalogInfo,
    names: &Names,
    table_types: Option<&str>,
) -> Result<RecordBatch> {
    let empty = |s: &Option<String>| s.as_deref() == Some("");
    let mut out = ResultBuilder::new(TABLES);
    if names.catalog.as_deref() == Some("%") && empty(&names.schema) && empty(&names.table) {
        // SQL_ALL_CATALOGS: the driver has no catalogs, so the list is empty.
    } else if names.schema.as_deref() == Some("%") && empty(&names.catalog) && empty(&names.table) {
        for s in catalog.schemas() {
            out.push(vec![NULL_TEXT, text(s), NULL_TEXT, NULL_TEXT, NULL_TEXT]);
        }
    } else if table_types == Some("%")
        && empty(&names.catalog)
        && empty(&names.schema)
        && empty(&names.table)
    {
        for t in crate::engine::catalog::TABLE_TYPES {
            out.push(vec![NULL_TEXT, NULL_TEXT, NULL_TEXT, text(t), NULL_TEXT]);
        }
    } else {
        let wanted: Option<Vec<String>> = table_types
            .filter(|t| !t.trim().is_empty() && t.trim() != "%")
            .map(|t| {
                t.split(',')
                    .map(|s| s.trim().trim_matches('\'').to_ascii_uppercase())
                    .collect()
            });
        for t in tables_of(catalog, names) {
            if wanted
                .as_ref()
                .is_some_and(|w| !w.iter().any(|x| x == t.table_type))
            {
                continue;
            }
            out.push(vec![
                NULL_TEXT,
                text(&t.schema),
                text(&t.name),
                text(t.table_type),
                text(&t.remarks),
            ]);
        }
    }
    out.build()
}

const COLUMNS: &[(&str, CatalogType)] = &[
    ("TABLE_CAT", CatalogType::Text),
    ("TABLE_SCHEM", CatalogType::Text),
    ("TABLE_NAME", CatalogType::Text),
    ("COLUMN_NAME", CatalogType::Text),
    ("DATA_TYPE", CatalogType::Small),
    ("TYPE_NAME", CatalogType::Text),
    ("COLUMN_SIZE", CatalogType::Int),
    ("BUFFER_LENGTH", CatalogType::Int),
    ("DECIMAL_DIGITS", CatalogType::Small),
    ("NUM_PREC_RADIX", CatalogType::Small),
    ("NULLABLE", CatalogType::Small),
    ("REMARKS", CatalogType::Text),
    ("COLUMN_DEF", CatalogType::Text),
    ("SQL_DATA_TYPE", CatalogType::Small),
    ("SQL_DATETIME_SUB", CatalogType::Small),
    ("CHAR_OCTET_LENGTH", CatalogType::Int),
    ("ORDINAL_POSITION", CatalogType::Int),
    ("IS_NULLABLE", CatalogType::Text),
];

/// Whether a type's values are text or bytes, which have CHAR_OCTET_LENGTH.
fn is_character_or_binary(sql_type: i16) -> bool {
    matches!(sql_type, -10 | -9 | -8 | -4 | -3 | -2 | -1 | 1 | 12)
}

pub fn columns(
    catalog: &CatalogInfo,
    names: &Names,
    odbc_version: u32,
    text_len: u64,
) -> Result<RecordBatch> {
    let mut out = ResultBuilder::new(COLUMNS);
    for t in tables_of(catalog, names) {
        for (i, c) in t.columns.iter().enumerate() {
            if !matches(&names.column, &c.name) {
                continue;
            }
            let ct = declared_type(&c.data_type, c.max_length, text_len);
            let data_type = if odbc_version == 2 {
                super::sql_types::odbc2_type(ct.sql_type)
            } else {
                ct.sql_type
            };
            let has_digits = ct.num_prec_radix != 0
                || matches!(
                    c.data_type,
                    DataType::Decimal128(..)
                        | DataType::Timestamp(..)
                        | DataType::Time32(_)
                        | DataType::Time64(_)
                );
            out.push(vec![
                NULL_TEXT,
                text(&t.schema),
                text(&t.name),
                text(&c.name),
                small(data_type),
                text(ct.type_name),
                int(clamp_i32(ct.column_size)),
                int(clamp_i32(ct.octet_length)),
                CatalogCell::Small(has_digits.then_some(ct.decimal_digits)),
                CatalogCell::Small((ct.num_prec_radix != 0).then_some(ct.num_prec_radix)),
                small(if c.nullable { 1 } else { 0 }),
                text(&c.remarks),
                NULL_TEXT,
                small(ct.verbose_type),
                CatalogCell::Small((ct.datetime_sub != 0).then_some(ct.datetime_sub)),
                CatalogCell::Int(
                    is_character_or_binary(ct.sql_type).then(|| clamp_i32(ct.octet_length)),
                ),
                int(i as i32 + 1),
                text(if c.nullable { "YES" } else { "NO" }),
            ]);
        }
    }
    out.build()
}

/// Exact-name lookup for the functions whose table argument is not a pattern.
fn named_tables<'a>(
    catalog: &'a CatalogInfo,
    names: &'a Names,
) -> impl Iterator<Item = &'a TableInfo> {
    let cat_ok = catalog_ok(&names.catalog);
    catalog.tables.iter().filter(move |t| {
        cat_ok
            && names
                .schema
                .as_deref()
                .is_none_or(|s| s.is_empty() || s.eq_ignore_ascii_case(&t.schema))
            && names
                .table
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&t.name))
    })
}

const PRIMARY_KEYS: &[(&str, CatalogType)] = &[
    ("TABLE_CAT", CatalogType::Text),
    ("TABLE_SCHEM", CatalogType::Text),
    ("TABLE_NAME", CatalogType::Text),
    ("COLUMN_NAME", CatalogType::Text),
    ("KEY_SEQ", CatalogType::Small),
    ("PK_NAME", CatalogType::Text),
];

pub fn primary_keys(catalog: &CatalogInfo, names: &Names) -> Result<RecordBatch> {
    let mut out = ResultBuilder::new(PRIMARY_KEYS);
    for t in named_tables(catalog, names) {
        for (i, key) in t.primary_key.iter().enumerate() {
            out.push(vec![
                NULL_TEXT,
                text(&t.schema),
                text(&t.name),
                text(key),
                small(i as i16 + 1),
                text(format!("pk_{}", t.name)),
            ]);
        }
    }
    out.build()
}

const FOREIGN_KEYS: &[(&str, CatalogType)] = &[
    ("PKTABLE_CAT", CatalogType::Text),
    ("PKTABLE_SCHEM", CatalogType::Text),
    ("PKTABLE_NAME", CatalogType::Text),
    ("PKCOLUMN_NAME", CatalogType::Text),
    ("FKTABLE_CAT", CatalogType::Text),
    ("FKTABLE_SCHEM", CatalogType::Text),
    ("FKTABLE_NAME", CatalogType::Text),
    ("FKCOLUMN_NAME", CatalogType::Text),
    ("KEY_SEQ", CatalogType::Small),
    ("UPDATE_RULE", CatalogType::Small),
    ("DELETE_RULE", CatalogType::Small),
    ("FK_NAME", CatalogType::Text),
    ("PK_NAME", CatalogType::Text),
    ("DEFERRABILITY", CatalogType::Small),
];

/// The driver declares no foreign keys yet: the right columns, no rows.
pub fn foreign_keys() -> Result<RecordBatch> {
    ResultBuilder::new(FOREIGN_KEYS).build()
}

const TABLE_PRIVILEGES: &[(&str, CatalogType)] = &[
    ("TABLE_CAT", CatalogType::Text),
    ("TABLE_SCHEM", CatalogType::Text),
    ("TABLE_NAME", CatalogType::Text),
    ("GRANTOR", CatalogType::Text),
    ("GRANTEE", CatalogType::Text),
    ("PRIVILEGE", CatalogType::Text),
    ("IS_GRANTABLE", CatalogType::Text),
];

const COLUMN_PRIVILEGES: &[(&str, CatalogType)] = &[
    ("TABLE_CAT", CatalogType::Text),
    ("TABLE_SCHEM", CatalogType::Text),
    ("TABLE_NAME", CatalogType::Text),
    ("COLUMN_NAME", CatalogType::Text),
    ("GRANTOR", CatalogType::Text),
    ("GRANTEE", CatalogType::Text),
    ("PRIVILEGE", CatalogType::Text),
    ("IS_GRANTABLE", CatalogType::Text),
];

/// The privileges of a table or column on this connection: SELECT, and the writes its API
/// takes (`writes`) where the connection may write at all.
fn privileges_of(writes: &[String], writable: bool) -> Vec<&str> {
    let mut out: Vec<&str> = std::iter::once("SELECT")
        .chain(writes.iter().map(String::as_str).filter(|_| writable))
        .collect();
    out.sort_unstable();
    out
}

/// SQLTablePrivileges (the table name is a pattern): per table, SELECT, and INSERT, UPDATE and
/// DELETE where its API takes them and the connection may write (not ReadOnly, autocommit on
/// or not). What the credentials may do is still the API's to decide at request time
/// (SQL_ACCESSIBLE_TABLES says "N"). `grantee`: the connection's user, or PUBLIC.
pub fn table_privileges(
    catalog: &CatalogInfo,
    names: &Names,
    grantee: &str,
    writable: bool,
) -> Result<RecordBatch> {
    let mut out = ResultBuilder::new(TABLE_PRIVILEGES);
    for t in tables_of(catalog, names) {
        for privilege in privileges_of(&t.writes, writable) {
            out.push(vec![
                NULL_TEXT,
                text(&t.schema),
                text(&t.name),
                NULL_TEXT,
                text(grantee),
                text(privilege),
                text("NO"),
            ]);
        }
    }
    out.build()
}

/// SQLColumnPrivileges (one table; the column name is a pattern): per column, SELECT, and
/// INSERT and UPDATE where the API takes a value for it (the updatable columns).
pub fn column_privileges(
    catalog: &CatalogInfo,
    names: &Names,
    grantee: &str,
    writable: bool,
) -> Result<RecordBatch> {
    let mut rows: Vec<(&TableInfo, &str, &str)> = Vec::new();
    for t in named_tables(catalog, names) {
        for c in t.columns.iter().filter(|c| matches(&names.column, &c.name)) {
            for privilege in privileges_of(&c.writes, writable) {
                rows.push((t, c.name.as_str(), privilege));
            }
        }
    }
    // Ordered by TABLE_CAT, TABLE_SCHEM, TABLE_NAME, COLUMN_NAME, PRIVILEGE, as the spec says.
    rows.sort_by(|a, b| {
        (&a.0.schema, &a.0.name, a.1, a.2).cmp(&(&b.0.schema, &b.0.name, b.1, b.2))
    });
    let mut out = ResultBuilder::new(COLUMN_PRIVILEGES);
    for (t, column, privilege) in rows {
        out.push(vec![
            NULL_TEXT,
            text(&t.schema),
            text(&t.name),
            text(column),
            NULL_TEXT,
            text(grantee),
            text(privilege),
            text("NO"),
        ]);
    }
    out.build()
}

const STATISTICS: &[(&str, CatalogType)] = &[
    ("TABLE_CAT", CatalogType::Text),
    ("TABLE_SCHEM", CatalogType::Text),
    ("TABLE_NAME", CatalogType::Text),
    ("NON_UNIQUE", CatalogType::Small),
    ("INDEX_QUALIFIER", CatalogType::Text),
    ("INDEX_NAME", CatalogType::Text),
    ("TYPE", CatalogType::Small),
    ("ORDINAL_POSITION", CatalogType::Small),
    ("COLUMN_NAME", CatalogType::Text),
    ("ASC_OR_DESC", CatalogType::Text),
    ("CARDINALITY", CatalogType::Int),
    ("PAGES", CatalogType::Int),
    ("FILTER_CONDITION", CatalogType::Text),
];

/// SQLStatistics: a table's primary key is its only (unique) index.
pub fn statistics(catalog: &CatalogInfo, names: &Names) -> Result<RecordBatch> {
    let mut out = ResultBuilder::new(STATISTICS);
    for t in named_tables(catalog, names) {
        for (i, key) in t.primary_key.iter().enumerate() {
            out.push(vec![
                NULL_TEXT,
                text(&t.schema),
                text(&t.name),
                small(0),
                NULL_TEXT,
                text(format!("pk_{}", t.name)),
                small(SQL_INDEX_OTHER),
                small(i as i16 + 1),
                text(key),
                NULL_TEXT,
                CatalogCell::Int(None),
                CatalogCell::Int(None),
                NULL_TEXT,
            ]);
        }
    }
    out.build()
}

const SPECIAL_COLUMNS: &[(&str, CatalogType)] = &[
    ("SCOPE", CatalogType::Small),
    ("COLUMN_NAME", CatalogType::Text),
    ("DATA_TYPE", CatalogType::Small),
    ("TYPE_NAME", CatalogType::Text),
    ("COLUMN_SIZE", CatalogType::Int),
    ("BUFFER_LENGTH", CatalogType::Int),
    ("DECIMAL_DIGITS", CatalogType::Small),
    ("PSEUDO_COLUMN", CatalogType::Small),
];

/// SQLSpecialColumns(SQL_BEST_ROWID): the primary key columns; SQL_ROWVER: none.
pub fn special_columns(
    catalog: &CatalogInfo,
    names: &Names,
    identifier_type: u16,
    text_len: u64,
) -> Result<RecordBatch> {
    let mut out = ResultBuilder::new(SPECIAL_COLUMNS);
    if identifier_type == SQL_BEST_ROWID {
        for t in named_tables(catalog, names) {
            for key in &t.primary_key {
                let Some(col) = t.columns.iter().find(|c| &c.name == key) else {
                    continue;
                };
                let ct = declared_type(&col.data_type, col.max_length, text_len);
                out.push(vec![
                    small(SQL_SCOPE_SESSION),
                    text(&col.name),
                    small(ct.sql_type),
                    text(ct.type_name),
                    int(clamp_i32(ct.column_size)),
                    int(clamp_i32(ct.octet_length)),
                    small(ct.decimal_digits),
                    small(SQL_PC_NOT_PSEUDO),
                ]);
            }
        }
    }
    out.build()
}

const PROCEDURES: &[(&str, CatalogType)] = &[
    ("PROCEDURE_CAT", CatalogType::Text),
    ("PROCEDURE_SCHEM", CatalogType::Text),
    ("PROCEDURE_NAME", CatalogType::Text),
    ("NUM_INPUT_PARAMS", CatalogType::Int),
    ("NUM_OUTPUT_PARAMS", CatalogType::Int),
    ("NUM_RESULT_SETS", CatalogType::Int),
    ("REMARKS", CatalogType::Text),
    ("PROCEDURE_TYPE", CatalogType::Small),
];

fn procedures_of<'a>(
    catalog: &'a CatalogInfo,
    names: &'a Names,
) -> impl Iterator<Item = &'a crate::engine::catalog::ProcedureInfo> {
    let cat_ok = catalog_ok(&names.catalog);
    catalog.procedures.iter().filter(move |p| {
        cat_ok && matches(&names.schema, &p.schema) && matches(&names.table, &p.name)
    })
}

pub fn procedures(catalog: &CatalogInfo, names: &Names) -> Result<RecordBatch> {
    let mut out = ResultBuilder::new(PROCEDURES);
    for p in procedures_of(catalog, names) {
        out.push(vec![
            NULL_TEXT,
            text(&p.schema),
            text(&p.name),
            int(p.params.len() as i32),
            int(0),
            int(1),
            text(&p.remarks),
            small(SQL_PT_PROCEDURE),
        ]);
    }
    out.build()
}

const PROCEDURE_COLUMNS: &[(&str, CatalogType)] = &[
    ("PROCEDURE_CAT", CatalogType::Text),
    ("PROCEDURE_SCHEM", CatalogType::Text),
    ("PROCEDURE_NAME", CatalogType::Text),
    ("COLUMN_NAME", CatalogType::Text),
    ("COLUMN_TYPE", CatalogType::Small),
    ("DATA_TYPE", CatalogType::Small),
    ("TYPE_NAME", CatalogType::Text),
    ("COLUMN_SIZE", CatalogType::Int),
    ("BUFFER_LENGTH", CatalogType::Int),
    ("DECIMAL_DIGITS", CatalogType::Small),
    ("NUM_PREC_RADIX", CatalogType::Small),
    ("NULLABLE", CatalogType::Small),
    ("REMARKS", CatalogType::Text),
    ("COLUMN_DEF", CatalogType::Text),
    ("SQL_DATA_TYPE", CatalogType::Small),
    ("SQL_DATETIME_SUB", CatalogType::Small),
    ("CHAR_OCTET_LENGTH", CatalogType::Int),
    ("ORDINAL_POSITION", CatalogType::Int),
    ("IS_NULLABLE", CatalogType::Text),
];

pub fn procedure_columns(
    catalog: &CatalogInfo,
    names: &Names,
    text_len: u64,
) -> Result<RecordBatch> {
    let mut out = ResultBuilder::new(PROCEDURE_COLUMNS);
    for p in procedures_of(catalog, names) {
        let inputs = p.params.iter().map(|x| {
            (
                &x.name,
                &x.data_type,
                SQL_PARAM_INPUT,
                !x.required,
                &x.remarks,
            )
        });
        let results = p.result_columns.iter().map(|x| {
            (
                &x.name,
                &x.data_type,
                SQL_RESULT_COL,
                x.nullable,
                &x.remarks,
            )
        });
        for (i, (name, data_type, kind, nullable, remarks)) in inputs.chain(results).enumerate() {
            if !matches(&names.column, name) {
                continue;
            }
            let ct = column_type(data_type, text_len);
            out.push(vec![
                NULL_TEXT,
                text(&p.schema),
                text(&p.name),
                text(name),
                small(kind),
                small(ct.sql_type),
                text(ct.type_name),
                int(clamp_i32(ct.column_size)),
                int(clamp_i32(ct.octet_length)),
                CatalogCell::Small(None),
                CatalogCell::Small(None),
                small(if nullable { 1 } else { 0 }),
                text(remarks),
                NULL_TEXT,
                small(ct.verbose_type),
                CatalogCell::Small((ct.datetime_sub != 0).then_some(ct.datetime_sub)),
                CatalogCell::Int(
                    is_character_or_binary(ct.sql_type).then(|| clamp_i32(ct.octet_length)),
                ),
                int(i as i32 + 1),
                text(if nullable { "YES" } else { "NO" }),
            ]);
        }
    }
    out.build()
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn search_patterns_follow_like() {
        assert!(pattern_matches("sys%", "sys_tables"));
        assert!(pattern_matches("sys\\_tables", "sys_tables"));
        assert!(!pattern_matches("sys\\_tables", "sysXtables"));
        assert!(pattern_matches("SYS_TABLES", "sys_tables"));
        assert!(pattern_matches("%", ""));
        assert!(!pattern_matches("a_", "a"));
    }
}
