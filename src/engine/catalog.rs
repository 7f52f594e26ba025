//! What the engine knows about its tables and procedures, in engine terms (Arrow types, SQL type
//! names). `handles/` turns it into the ODBC catalog result sets; the `sys` tables show the same
//! facts, so the two always agree.

use datafusion::arrow::datatypes::{DataType, Schema};

use crate::table_meta;

/// The ODBC TABLE_TYPE of an API's table.
pub const TABLE: &str = "TABLE";
/// The ODBC TABLE_TYPE of a `sys` table.
pub const SYSTEM_TABLE: &str = "SYSTEM TABLE";
/// The ODBC TABLE_TYPE of a view (the driver has none, but lists the type).
pub const VIEW: &str = "VIEW";
/// Every TABLE_TYPE, as SQLTables lists them.
pub const TABLE_TYPES: [&str; 3] = [SYSTEM_TABLE, TABLE, VIEW];

#[derive(Clone, Debug)]
pub struct ColumnInfo {
    pub name: String,
    pub data_type: DataType,
    pub nullable: bool,
    pub remarks: String,
    /// The most characters a text value holds, where declared (`table_meta::max_length`).
    pub max_length: Option<u64>,
    /// The statements that may set it (`INSERT`, `UPDATE`), as the provider declares.
    pub writes: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct TableInfo {
    pub schema: String,
    pub name: String,
    /// "TABLE", "VIEW" or "SYSTEM TABLE", the ODBC TABLE_TYPE values.
    pub table_type: &'static str,
    pub remarks: String,
    pub columns: Vec<ColumnInfo>,
    pub primary_key: Vec<String>,
    /// The statements that may change its rows (`INSERT`, `UPDATE`, `DELETE`).
    pub writes: Vec<String>,
}

impl TableInfo {
    /// A table's entry as its provider's schema declares it (`table_meta`): the column types are
    /// the ones the provider scans with, so the catalog cannot disagree with the rows.
    pub fn from_schema(
        schema: &str,
        name: &str,
        table_type: &'static str,
        arrow: &Schema,
    ) -> TableInfo {
        TableInfo {
            schema: schema.to_string(),
            name: name.to_string(),
            table_type,
            remarks: table_meta::table_description(arrow).to_string(),
            columns: arrow
                .fields()
                .iter()
                .map(|f| ColumnInfo {
                    name: f.name().clone(),
                    data_type: f.data_type().clone(),
                    nullable: f.is_nullable(),
                    remarks: table_meta::column_description(f).to_string(),
                    max_length: table_meta::max_length(f),
                    writes: table_meta::writes(f.metadata()),
                })
                .collect(),
            primary_key: arrow
                .fields()
                .iter()
                .filter(|f| table_meta::is_key(f))
                .map(|f| f.name().clone())
                .collect(),
            writes: table_meta::writes(arrow.metadata()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ProcedureParamInfo {
    pub name: String,
    pub data_type: DataType,
    pub required: bool,
    pub remarks: String,
}

#[derive(Clone, Debug)]
pub struct ProcedureInfo {
    pub schema: String,
    pub name: String,
    pub remarks: String,
    pub params: Vec<ProcedureParamInfo>,
    pub result_columns: Vec<ColumnInfo>,
}

/// The tables and procedures of one connection.
#[derive(Clone, Debug, Default)]
pub struct CatalogInfo {
    pub tables: Vec<TableInfo>,
    pub procedures: Vec<ProcedureInfo>,
}

impl CatalogInfo {
    pub fn schemas(&self) -> Vec<String> {
        let mut names: Vec<String> = self.tables.iter().map(|t| t.schema.clone()).collect();
        names.extend(self.procedures.iter().map(|p| p.schema.clone()));
        names.sort();
        names.dedup();
        names
    }
}
