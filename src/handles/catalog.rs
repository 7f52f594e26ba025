//! The ODBC catalog functions' result sets (SQLTables, SQLColumns, SQLPrimaryKeys, SQLForeignKeys,
//! SQLStatistics, SQLSpecialColumns, SQLProcedures, SQLProcedureColumns), built from the engine's
//! catalog with the spec's columns in the spec's order, search patterns, and the enumeration calls.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int16Array, Int32Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;

use super::sql_types::column_type;
use super::statement::MAX_TEXT_LEN;
use crate::engine::catalog::{CatalogInfo, TableInfo};
use crate::error::{Error, Result};

/// Arguments of a catalog call; `None` is a null pointer (match everything).
#[derive(Default, Clone, Debug)]
pub struct Names {
    pub catalog: Option<String>,
    pub schema: Option<String>,
    pub table: Option<String>,
    pub column: Option<String>,
}

/// A column of a catalog result: name and values. Builders keep one `Vec` per column.
enum Col {
    Text(&'static str, Vec<Option<String>>),
    Small(&'static str, Vec<Option<i16>>),
    Int(&'static str, Vec<Option<i32>>),
}

fn build(columns: Vec<Col>) -> Result<RecordBatch> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for col in columns {
        match col {
            Col::Text(name, v) => {
                fields.push(Field::new(name, DataType::Utf8, true));
                arrays.push(Arc::new(StringArray::from(v)));
            }
            Col::Small(name, v) => {
                fields.push(Field::new(name, DataType::Int16, true));
                arrays.push(Arc::new(Int16Array::from(v)));
            }
            Col::Int(name, v) => {
                fields.push(Field::new(name, DataType::Int32, true));
                arrays.push(Arc::new(Int32Array::from(v)));
            }
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| {
        Error::general(format!(
            "[apiodbc] Internal error building a catalog result: {e}"
        ))
    })
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

pub fn tables(
    catalog: &CatalogInfo,
    names: &Names,
    table_types: Option<&str>,
) -> Result<RecordBatch> {
    let empty = |s: &Option<String>| s.as_deref() == Some("");
    let (mut cat, mut schem, mut name, mut ttype, mut remarks) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut push = |c: Option<String>,
                    s: Option<String>,
                    n: Option<String>,
                    t: Option<String>,
                    r: Option<String>| {
        cat.push(c);
        schem.push(s);
        name.push(n);
        ttype.push(t);
        remarks.push(r);
    };
    if names.catalog.as_deref() == Some("%") && empty(&names.schema) && empty(&names.table) {
        // SQL_ALL_CATALOGS: the driver has no catalogs, so the list is empty.
    } else if names.schema.as_deref() == Some("%") && empty(&names.catalog) && empty(&names.table) {
        for s in catalog.schemas() {
            push(None, Some(s), None, None, None);
        }
    } else if table_types == Some("%")
        && empty(&names.catalog)
        && empty(&names.schema)
        && empty(&names.table)
    {
        for t in ["SYSTEM TABLE", "TABLE", "VIEW"] {
            push(None, None, None, Some(t.to_string()), None);
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
            push(
                None,
                Some(t.schema.clone()),
                Some(t.name.clone()),
                Some(t.table_type.to_string()),
                Some(t.remarks.clone()),
            );
        }
    }
    build(vec![
        Col::Text("TABLE_CAT", cat),
        Col::Text("TABLE_SCHEM", schem),
        Col::Text("TABLE_NAME", name),
        Col::Text("TABLE_TYPE", ttype),
        Col::Text("REMARKS", remarks),
    ])
}

pub fn columns(catalog: &CatalogInfo, names: &Names, odbc_version: u32) -> Result<RecordBatch> {
    let mut rows = Rows18::default();
    for t in tables_of(catalog, names) {
        for (i, c) in t.columns.iter().enumerate() {
            if !matches(&names.column, &c.name) {
                continue;
            }
            let ct = column_type(&c.data_type, MAX_TEXT_LEN);
            let data_type = if odbc_version == 2 {
                super::sql_types::odbc2_type(ct.sql_type)
            } else {
                ct.sql_type
            };
            rows.cat.push(None);
            rows.schem.push(Some(t.schema.clone()));
            rows.table.push(Some(t.name.clone()));
            rows.column.push(Some(c.name.clone()));
            rows.data_type.push(Some(data_type));
            rows.type_name.push(Some(ct.type_name.to_string()));
            rows.column_size
                .push(Some(ct.column_size.min(i32::MAX as u64) as i32));
            rows.buffer_length
                .push(Some(ct.octet_length.min(i32::MAX as i64) as i32));
            let has_digits = matches!(
                c.data_type,
                DataType::Decimal128(..)
                    | DataType::Timestamp(..)
                    | DataType::Time32(_)
                    | DataType::Time64(_)
            ) || ct.num_prec_radix != 0;
            rows.decimal_digits
                .push(has_digits.then_some(ct.decimal_digits));
            rows.radix
                .push((ct.num_prec_radix != 0).then_some(ct.num_prec_radix));
            rows.nullable.push(Some(if c.nullable { 1 } else { 0 }));
            rows.remarks.push(Some(c.remarks.clone()));
            rows.column_def.push(None);
            rows.sql_data_type.push(Some(ct.verbose_type));
            rows.datetime_sub
                .push((ct.datetime_sub != 0).then_some(ct.datetime_sub));
            let is_text = matches!(ct.sql_type, -9 | -10 | -8 | 1 | 12 | -1 | -2 | -3 | -4);
            rows.char_octet_length
                .push(is_text.then_some(ct.octet_length.min(i32::MAX as i64) as i32));
            rows.ordinal.push(Some(i as i32 + 1));
            rows.is_nullable
                .push(Some(if c.nullable { "YES" } else { "NO" }.to_string()));
        }
    }
    rows.build()
}

#[derive(Default)]
struct Rows18 {
    cat: Vec<Option<String>>,
    schem: Vec<Option<String>>,
    table: Vec<Option<String>>,
    column: Vec<Option<String>>,
    data_type: Vec<Option<i16>>,
    type_name: Vec<Option<String>>,
    column_size: Vec<Option<i32>>,
    buffer_length: Vec<Option<i32>>,
    decimal_digits: Vec<Option<i16>>,
    radix: Vec<Option<i16>>,
    nullable: Vec<Option<i16>>,
    remarks: Vec<Option<String>>,
    column_def: Vec<Option<String>>,
    sql_data_type: Vec<Option<i16>>,
    datetime_sub: Vec<Option<i16>>,
    char_octet_length: Vec<Option<i32>>,
    ordinal: Vec<Option<i32>>,
    is_nullable: Vec<Option<String>>,
}

impl Rows18 {
    fn build(self) -> Result<RecordBatch> {
        build(vec![
            Col::Text("TABLE_CAT", self.cat),
            Col::Text("TABLE_SCHEM", self.schem),
            Col::Text("TABLE_NAME", self.table),
            Col::Text("COLUMN_NAME", self.column),
            Col::Small("DATA_TYPE", self.data_type),
            Col::Text("TYPE_NAME", self.type_name),
            Col::Int("COLUMN_SIZE", self.column_size),
            Col::Int("BUFFER_LENGTH", self.buffer_length),
            Col::Small("DECIMAL_DIGITS", self.decimal_digits),
            Col::Small("NUM_PREC_RADIX", self.radix),
            Col::Small("NULLABLE", self.nullable),
            Col::Text("REMARKS", self.remarks),
            Col::Text("COLUMN_DEF", self.column_def),
            Col::Small("SQL_DATA_TYPE", self.sql_data_type),
            Col::Small("SQL_DATETIME_SUB", self.datetime_sub),
            Col::Int("CHAR_OCTET_LENGTH", self.char_octet_length),
            Col::Int("ORDINAL_POSITION", self.ordinal),
            Col::Text("IS_NULLABLE", self.is_nullable),
        ])
    }
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

pub fn primary_keys(catalog: &CatalogInfo, names: &Names) -> Result<RecordBatch> {
    let (mut cat, mut schem, mut table, mut column, mut seq, mut pk) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for t in named_tables(catalog, names) {
        for (i, key) in t.primary_key.iter().enumerate() {
            cat.push(None);
            schem.push(Some(t.schema.clone()));
            table.push(Some(t.name.clone()));
            column.push(Some(key.clone()));
            seq.push(Some(i as i16 + 1));
            pk.push(Some(format!("pk_{}", t.name)));
        }
    }
    build(vec![
        Col::Text("TABLE_CAT", cat),
        Col::Text("TABLE_SCHEM", schem),
        Col::Text("TABLE_NAME", table),
        Col::Text("COLUMN_NAME", column),
        Col::Small("KEY_SEQ", seq),
        Col::Text("PK_NAME", pk),
    ])
}

/// The driver declares no foreign keys yet: the right columns, no rows.
pub fn foreign_keys() -> Result<RecordBatch> {
    let t = || Vec::<Option<String>>::new();
    let s = || Vec::<Option<i16>>::new();
    build(vec![
        Col::Text("PKTABLE_CAT", t()),
        Col::Text("PKTABLE_SCHEM", t()),
        Col::Text("PKTABLE_NAME", t()),
        Col::Text("PKCOLUMN_NAME", t()),
        Col::Text("FKTABLE_CAT", t()),
        Col::Text("FKTABLE_SCHEM", t()),
        Col::Text("FKTABLE_NAME", t()),
        Col::Text("FKCOLUMN_NAME", t()),
        Col::Small("KEY_SEQ", s()),
        Col::Small("UPDATE_RULE", s()),
        Col::Small("DELETE_RULE", s()),
        Col::Text("FK_NAME", t()),
        Col::Text("PK_NAME", t()),
        Col::Small("DEFERRABILITY", s()),
    ])
}

/// SQLStatistics: a table's primary key is its only (unique) index.
pub fn statistics(catalog: &CatalogInfo, names: &Names) -> Result<RecordBatch> {
    let mut c = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for t in named_tables(catalog, names) {
        for (i, key) in t.primary_key.iter().enumerate() {
            c.0.push(None);
            c.1.push(Some(t.schema.clone()));
            c.2.push(Some(t.name.clone()));
            c.3.push(Some(0i16));
            c.4.push(None);
            c.5.push(Some(format!("pk_{}", t.name)));
            c.6.push(Some(3i16)); // SQL_INDEX_OTHER
            c.7.push(Some(i as i16 + 1));
            c.8.push(Some(key.clone()));
            c.9.push(None);
            c.10.push(None);
            c.11.push(None);
            c.12.push(None);
        }
    }
    build(vec![
        Col::Text("TABLE_CAT", c.0),
        Col::Text("TABLE_SCHEM", c.1),
        Col::Text("TABLE_NAME", c.2),
        Col::Small("NON_UNIQUE", c.3),
        Col::Text("INDEX_QUALIFIER", c.4),
        Col::Text("INDEX_NAME", c.5),
        Col::Small("TYPE", c.6),
        Col::Small("ORDINAL_POSITION", c.7),
        Col::Text("COLUMN_NAME", c.8),
        Col::Text("ASC_OR_DESC", c.9),
        Col::Int("CARDINALITY", c.10),
        Col::Int("PAGES", c.11),
        Col::Text("FILTER_CONDITION", c.12),
    ])
}

/// SQLSpecialColumns(SQL_BEST_ROWID): the primary key columns; SQL_ROWVER: none.
pub fn special_columns(
    catalog: &CatalogInfo,
    names: &Names,
    identifier_type: u16,
) -> Result<RecordBatch> {
    let mut c = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    if identifier_type == 1 {
        for t in named_tables(catalog, names) {
            for key in &t.primary_key {
                let Some(col) = t.columns.iter().find(|c| &c.name == key) else {
                    continue;
                };
                let ct = column_type(&col.data_type, MAX_TEXT_LEN);
                c.0.push(Some(2i16)); // SQL_SCOPE_SESSION
                c.1.push(Some(col.name.clone()));
                c.2.push(Some(ct.sql_type));
                c.3.push(Some(ct.type_name.to_string()));
                c.4.push(Some(ct.column_size.min(i32::MAX as u64) as i32));
                c.5.push(Some(ct.octet_length.min(i32::MAX as i64) as i32));
                c.6.push(Some(ct.decimal_digits));
                c.7.push(Some(1i16)); // SQL_PC_NOT_PSEUDO
            }
        }
    }
    build(vec![
        Col::Small("SCOPE", c.0),
        Col::Text("COLUMN_NAME", c.1),
        Col::Small("DATA_TYPE", c.2),
        Col::Text("TYPE_NAME", c.3),
        Col::Int("COLUMN_SIZE", c.4),
        Col::Int("BUFFER_LENGTH", c.5),
        Col::Small("DECIMAL_DIGITS", c.6),
        Col::Small("PSEUDO_COLUMN", c.7),
    ])
}

pub fn procedures(catalog: &CatalogInfo, names: &Names) -> Result<RecordBatch> {
    let cat_ok = catalog_ok(&names.catalog);
    let mut c = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for p in catalog
        .procedures
        .iter()
        .filter(|p| cat_ok && matches(&names.schema, &p.schema) && matches(&names.table, &p.name))
    {
        c.0.push(None);
        c.1.push(Some(p.schema.clone()));
        c.2.push(Some(p.name.clone()));
        c.3.push(Some(p.params.len() as i32));
        c.4.push(Some(0i32));
        c.5.push(Some(1i32));
        c.6.push(Some(p.remarks.clone()));
        c.7.push(Some(1i16)); // SQL_PT_PROCEDURE
    }
    build(vec![
        Col::Text("PROCEDURE_CAT", c.0),
        Col::Text("PROCEDURE_SCHEM", c.1),
        Col::Text("PROCEDURE_NAME", c.2),
        Col::Int("NUM_INPUT_PARAMS", c.3),
        Col::Int("NUM_OUTPUT_PARAMS", c.4),
        Col::Int("NUM_RESULT_SETS", c.5),
        Col::Text("REMARKS", c.6),
        Col::Small("PROCEDURE_TYPE", c.7),
    ])
}

pub fn procedure_columns(catalog: &CatalogInfo, names: &Names) -> Result<RecordBatch> {
    let cat_ok = catalog_ok(&names.catalog);
    let mut rows = ProcRows::default();
    for p in catalog
        .procedures
        .iter()
        .filter(|p| cat_ok && matches(&names.schema, &p.schema) && matches(&names.table, &p.name))
    {
        let inputs = p.params.iter().map(|x| {
            (
                x.name.as_str(),
                &x.data_type,
                1i16,
                !x.required,
                x.remarks.as_str(),
            )
        });
        let results = p.result_columns.iter().map(|x| {
            (
                x.name.as_str(),
                &x.data_type,
                3i16,
                x.nullable,
                x.remarks.as_str(),
            )
        });
        for (i, (name, dt, kind, nullable, remarks)) in inputs.chain(results).enumerate() {
            if !matches(&names.column, name) {
                continue;
            }
            let ct = column_type(dt, MAX_TEXT_LEN);
            rows.push(
                p.schema.clone(),
                p.name.clone(),
                name.to_string(),
                kind,
                &ct,
                nullable,
                remarks.to_string(),
                i as i32 + 1,
            );
        }
    }
    rows.build()
}

#[derive(Default)]
struct ProcRows {
    c: (
        Vec<Option<String>>,
        Vec<Option<String>>,
        Vec<Option<String>>,
        Vec<Option<String>>,
        Vec<Option<i16>>,
        Vec<Option<i16>>,
        Vec<Option<String>>,
    ),
    d: (
        Vec<Option<i32>>,
        Vec<Option<i32>>,
        Vec<Option<i16>>,
        Vec<Option<i16>>,
        Vec<Option<i16>>,
        Vec<Option<String>>,
        Vec<Option<String>>,
    ),
    e: (
        Vec<Option<i16>>,
        Vec<Option<i16>>,
        Vec<Option<i32>>,
        Vec<Option<i32>>,
        Vec<Option<String>>,
    ),
}

impl ProcRows {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        schema: String,
        proc_name: String,
        name: String,
        kind: i16,
        ct: &super::sql_types::ColumnType,
        nullable: bool,
        remarks: String,
        ordinal: i32,
    ) {
        self.c.0.push(None);
        self.c.1.push(Some(schema));
        self.c.2.push(Some(proc_name));
        self.c.3.push(Some(name));
        self.c.4.push(Some(kind));
        self.c.5.push(Some(ct.sql_type));
        self.c.6.push(Some(ct.type_name.to_string()));
        self.d
            .0
            .push(Some(ct.column_size.min(i32::MAX as u64) as i32));
        self.d
            .1
            .push(Some(ct.octet_length.min(i32::MAX as i64) as i32));
        self.d.2.push(None);
        self.d.3.push(None);
        self.d.4.push(Some(if nullable { 1 } else { 0 }));
        self.d.5.push(Some(remarks));
        self.d.6.push(None);
        self.e.0.push(Some(ct.verbose_type));
        self.e
            .1
            .push((ct.datetime_sub != 0).then_some(ct.datetime_sub));
        let is_text = matches!(ct.sql_type, -9 | -10 | 12 | 1 | -1);
        self.e
            .2
            .push(is_text.then_some(ct.octet_length.min(i32::MAX as i64) as i32));
        self.e.3.push(Some(ordinal));
        self.e
            .4
            .push(Some(if nullable { "YES" } else { "NO" }.to_string()));
    }

    fn build(self) -> Result<RecordBatch> {
        build(vec![
            Col::Text("PROCEDURE_CAT", self.c.0),
            Col::Text("PROCEDURE_SCHEM", self.c.1),
            Col::Text("PROCEDURE_NAME", self.c.2),
            Col::Text("COLUMN_NAME", self.c.3),
            Col::Small("COLUMN_TYPE", self.c.4),
            Col::Small("DATA_TYPE", self.c.5),
            Col::Text("TYPE_NAME", self.c.6),
            Col::Int("COLUMN_SIZE", self.d.0),
            Col::Int("BUFFER_LENGTH", self.d.1),
            Col::Small("DECIMAL_DIGITS", self.d.2),
            Col::Small("NUM_PREC_RADIX", self.d.3),
            Col::Small("NULLABLE", self.d.4),
            Col::Text("REMARKS", self.d.5),
            Col::Text("COLUMN_DEF", self.d.6),
            Col::Small("SQL_DATA_TYPE", self.e.0),
            Col::Small("SQL_DATETIME_SUB", self.e.1),
            Col::Int("CHAR_OCTET_LENGTH", self.e.2),
            Col::Int("ORDINAL_POSITION", self.e.3),
            Col::Text("IS_NULLABLE", self.e.4),
        ])
    }
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
