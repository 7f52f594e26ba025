//! The `sys` schema: system tables that describe the connection's own catalog (tables, columns,
//! procedures, their parameters) and its connection properties with secrets masked. They are the
//! same facts the ODBC catalog functions return, queryable with SQL.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Int32Array, StringArray};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;

use super::catalog::{CatalogInfo, ColumnInfo, TableInfo, SYSTEM_TABLE};
use super::type_names::sql_type_spelling;
use crate::error::{Error, Result};
use crate::table_meta;

pub const SYS_SCHEMA: &str = "sys";

/// One connection property as `sys_connection_props` shows it; `value` is already masked.
#[derive(Clone, Debug)]
pub struct ConnectionProp {
    pub name: String,
    pub description: String,
    pub value: String,
    pub allowed_values: String,
    pub sensitive: bool,
}

fn text(values: Vec<String>) -> ArrayRef {
    Arc::new(StringArray::from(values))
}

fn int(values: Vec<i32>) -> ArrayRef {
    Arc::new(Int32Array::from(values))
}

fn boolean(values: Vec<bool>) -> ArrayRef {
    Arc::new(BooleanArray::from(values))
}

fn nulls(len: usize) -> ArrayRef {
    Arc::new(StringArray::from(vec![None::<&str>; len]))
}

/// A system table as declared once: its schema (and so its catalog entry) and its rows come from
/// this.
pub struct SysTable {
    pub(super) name: &'static str,
    description: &'static str,
    columns: &'static [(&'static str, DataType, &'static str)],
}

impl SysTable {
    pub(super) fn schema(&self) -> SchemaRef {
        let fields = self
            .columns
            .iter()
            .map(|(name, data_type, description)| {
                let field = table_meta::column(name, data_type.clone(), description, false);
                // Names (of schemas, tables, columns, procedures, properties) are identifiers:
                // declared as long as SQL_MAX_IDENTIFIER_LEN, which profiles are held to.
                if *data_type == DataType::Utf8 && name.ends_with("Name") {
                    table_meta::with_max_length(field, table_meta::MAX_NAME_LENGTH)
                } else {
                    field
                }
            })
            .collect();
        Arc::new(table_meta::table(fields, self.description))
    }

    fn info(&self) -> TableInfo {
        TableInfo::from_schema(SYS_SCHEMA, self.name, SYSTEM_TABLE, &self.schema())
    }

    /// A scan of `columns` as this table's rows, read at the moment of the scan (the logs).
    pub(super) async fn scan_now(
        &self,
        columns: Vec<ArrayRef>,
        state: &dyn datafusion::catalog::Session,
        projection: Option<&Vec<usize>>,
        filters: &[datafusion::logical_expr::Expr],
        limit: Option<usize>,
    ) -> datafusion::common::Result<Arc<dyn datafusion::physical_plan::ExecutionPlan>> {
        use datafusion::catalog::TableProvider;
        let (_, batch) = self
            .batch(columns)
            .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
        datafusion::catalog::MemTable::try_new(self.schema(), vec![vec![batch]])?
            .scan(state, projection, filters, limit)
            .await
    }

    pub(super) fn batch(&self, columns: Vec<ArrayRef>) -> Result<(String, RecordBatch)> {
        let batch = RecordBatch::try_new(self.schema(), columns).map_err(|e| {
            Error::general(format!(
                "Internal error building the system table {}: {e}",
                self.name
            ))
        })?;
        Ok((self.name.to_string(), batch))
    }
}

const SYS_TABLES: SysTable = SysTable {
    name: "sys_tables",
    description: "The tables of this connection",
    columns: &[
        (
            "CatalogName",
            DataType::Utf8,
            "Always NULL: the driver has no catalogs",
        ),
        (
            "SchemaName",
            DataType::Utf8,
            "The schema: the profile's name, or sys",
        ),
        ("TableName", DataType::Utf8, "The table's name"),
        ("TableType", DataType::Utf8, "TABLE, VIEW or SYSTEM TABLE"),
        ("Description", DataType::Utf8, "What the table holds"),
    ],
};

const SYS_TABLECOLUMNS: SysTable = SysTable {
    name: "sys_tablecolumns",
    description: "The columns of every table",
    columns: &[
        ("CatalogName", DataType::Utf8, "Always NULL"),
        ("SchemaName", DataType::Utf8, "The table's schema"),
        ("TableName", DataType::Utf8, "The table's name"),
        ("ColumnName", DataType::Utf8, "The column's name"),
        ("DataTypeName", DataType::Utf8, "The column's SQL type"),
        (
            "IsNullable",
            DataType::Boolean,
            "Whether the column may be NULL",
        ),
        (
            "IsKey",
            DataType::Boolean,
            "Whether the column is part of the primary key",
        ),
        ("Ordinal", DataType::Int32, "Position of the column, from 1"),
        ("Description", DataType::Utf8, "What the column holds"),
    ],
};

const SYS_PROCEDURES: SysTable = SysTable {
    name: "sys_procedures",
    description: "The stored procedures of this connection",
    columns: &[
        ("CatalogName", DataType::Utf8, "Always NULL"),
        ("SchemaName", DataType::Utf8, "The procedure's schema"),
        ("ProcedureName", DataType::Utf8, "The procedure's name"),
        ("Description", DataType::Utf8, "What the procedure does"),
    ],
};

const SYS_PROCEDUREPARAMETERS: SysTable = SysTable {
    name: "sys_procedureparameters",
    description: "The inputs and result columns of every stored procedure",
    columns: &[
        ("CatalogName", DataType::Utf8, "Always NULL"),
        ("SchemaName", DataType::Utf8, "The procedure's schema"),
        ("ProcedureName", DataType::Utf8, "The procedure's name"),
        (
            "ColumnName",
            DataType::Utf8,
            "The parameter or result column",
        ),
        ("Direction", DataType::Utf8, "INPUT or RESULT"),
        ("DataTypeName", DataType::Utf8, "The SQL type"),
        (
            "IsRequired",
            DataType::Boolean,
            "Whether an input must be given",
        ),
        ("Ordinal", DataType::Int32, "Position, from 1"),
        ("Description", DataType::Utf8, "What it means"),
    ],
};

const SYS_CONNECTION_PROPS: SysTable = SysTable {
    name: "sys_connection_props",
    description: "The connection properties and their values; secrets are masked",
    columns: &[
        ("Name", DataType::Utf8, "The property's name"),
        ("Description", DataType::Utf8, "What it does"),
        (
            "Value",
            DataType::Utf8,
            "Its value on this connection (secrets show as ********)",
        ),
        ("AllowedValues", DataType::Utf8, "What it accepts"),
        (
            "IsSensitive",
            DataType::Boolean,
            "Whether the value is a secret",
        ),
    ],
};

/// The connection's API requests, statement by statement (rows from `request_log`, read when
/// the table is queried: `engine::sys_requests`). Its column names are ones no API table uses
/// (`status`, `url` are common), so they work unquoted in any case.
pub(super) const SYS_REQUESTS: SysTable = SysTable {
    name: "sys_requests",
    description: "The API requests of this connection's recent statements (the last 10,000), and what each cost",
    columns: &[
        (
            "StatementId",
            DataType::Int64,
            "The connection's statement that sent it, counted from 1 (0: while connecting)",
        ),
        ("HttpMethod", DataType::Utf8, "The HTTP method"),
        (
            "RequestUrl",
            DataType::Utf8,
            "The URL with its query: what the API was asked, filters pushed down included, without the credentials",
        ),
        (
            "HttpStatus",
            DataType::Int32,
            "The HTTP status of the last attempt; NULL when none answered",
        ),
        (
            "FromCache",
            DataType::Boolean,
            "Answered from the result cache (CacheTTL): nothing was sent",
        ),
        (
            "Attempts",
            DataType::Int32,
            "Times the request was sent: 1, plus retries after errors and 429s",
        ),
        (
            "WaitedMs",
            DataType::Int64,
            "Milliseconds spent waiting for the API's rate limit",
        ),
        (
            "ResponseBytes",
            DataType::Int64,
            "The response body's size, where known before reading it",
        ),
        (
            "ElapsedMs",
            DataType::Int64,
            "Milliseconds until the answer arrived",
        ),
    ],
};

/// The rows of the connection's recent writes and what became of each (rows from
/// `write_log`, read when the table is queried: `engine::sys_writes`).
pub(super) const SYS_WRITES: SysTable = SysTable {
    name: "sys_writes",
    description: "Every row of this connection's recent INSERT, UPDATE and DELETE statements (the last 10,000): its key and whether the API applied it",
    columns: &[
        (
            "StatementId",
            DataType::Int64,
            "The connection's statement, as sys_requests numbers it",
        ),
        ("TableName", DataType::Utf8, "The table written, schema.table"),
        ("Operation", DataType::Utf8, "INSERT, UPDATE or DELETE"),
        ("RowNumber", DataType::Int64, "The row's place in the statement, from 1"),
        (
            "RecordKey",
            DataType::Utf8,
            "The record's key: the one the API gave a new record, or the one the row had (several joined by commas)",
        ),
        (
            "Outcome",
            DataType::Utf8,
            "applied; refused (the API said no, nothing changed); unknown (no answer after a request that may have been applied, never sent again); partly applied (some of the row's requests went through, then one failed); not sent (an earlier row failed)",
        ),
        (
            "HttpStatus",
            DataType::Int32,
            "The HTTP status of a failed row's answer; NULL when applied or none came",
        ),
        ("Message", DataType::Utf8, "The API's message for a failed row"),
    ],
};

const ALL: [&SysTable; 7] = [
    &SYS_TABLES,
    &SYS_TABLECOLUMNS,
    &SYS_PROCEDURES,
    &SYS_PROCEDUREPARAMETERS,
    &SYS_CONNECTION_PROPS,
    &SYS_REQUESTS,
    &SYS_WRITES,
];

/// The system tables' own catalog entries, so they appear in their own listing.
pub fn system_table_infos() -> Vec<TableInfo> {
    ALL.iter().map(|t| t.info()).collect()
}

/// One row of `sys_procedureparameters`.
struct ParameterRow {
    schema: String,
    procedure: String,
    name: String,
    direction: &'static str,
    type_name: String,
    required: bool,
    ordinal: i32,
    description: String,
}

/// The rows of each system table, by table name.
pub fn system_table_batches(
    catalog: &CatalogInfo,
    props: &[ConnectionProp],
) -> Result<Vec<(String, RecordBatch)>> {
    let tables = &catalog.tables;
    let sys_tables = SYS_TABLES.batch(vec![
        nulls(tables.len()),
        text(tables.iter().map(|t| t.schema.clone()).collect()),
        text(tables.iter().map(|t| t.name.clone()).collect()),
        text(tables.iter().map(|t| t.table_type.to_string()).collect()),
        text(tables.iter().map(|t| t.remarks.clone()).collect()),
    ])?;

    let columns: Vec<(&TableInfo, usize, &ColumnInfo)> = tables
        .iter()
        .flat_map(|t| t.columns.iter().enumerate().map(move |(i, c)| (t, i, c)))
        .collect();
    let sys_tablecolumns = SYS_TABLECOLUMNS.batch(vec![
        nulls(columns.len()),
        text(columns.iter().map(|(t, _, _)| t.schema.clone()).collect()),
        text(columns.iter().map(|(t, _, _)| t.name.clone()).collect()),
        text(columns.iter().map(|(_, _, c)| c.name.clone()).collect()),
        text(
            columns
                .iter()
                .map(|(_, _, c)| sql_type_spelling(&c.data_type))
                .collect(),
        ),
        boolean(columns.iter().map(|(_, _, c)| c.nullable).collect()),
        boolean(
            columns
                .iter()
                .map(|(t, _, c)| t.primary_key.contains(&c.name))
                .collect(),
        ),
        int(columns.iter().map(|(_, i, _)| *i as i32 + 1).collect()),
        text(columns.iter().map(|(_, _, c)| c.remarks.clone()).collect()),
    ])?;

    let procs = &catalog.procedures;
    let sys_procedures = SYS_PROCEDURES.batch(vec![
        nulls(procs.len()),
        text(procs.iter().map(|p| p.schema.clone()).collect()),
        text(procs.iter().map(|p| p.name.clone()).collect()),
        text(procs.iter().map(|p| p.remarks.clone()).collect()),
    ])?;

    let mut rows: Vec<ParameterRow> = Vec::new();
    for p in procs {
        for (i, param) in p.params.iter().enumerate() {
            rows.push(ParameterRow {
                schema: p.schema.clone(),
                procedure: p.name.clone(),
                name: param.name.clone(),
                direction: "INPUT",
                type_name: sql_type_spelling(&param.data_type),
                required: param.required,
                ordinal: i as i32 + 1,
                description: param.remarks.clone(),
            });
        }
        for (i, col) in p.result_columns.iter().enumerate() {
            rows.push(ParameterRow {
                schema: p.schema.clone(),
                procedure: p.name.clone(),
                name: col.name.clone(),
                direction: "RESULT",
                type_name: sql_type_spelling(&col.data_type),
                required: false,
                ordinal: i as i32 + 1,
                description: col.remarks.clone(),
            });
        }
    }
    let sys_procedureparameters = SYS_PROCEDUREPARAMETERS.batch(vec![
        nulls(rows.len()),
        text(rows.iter().map(|r| r.schema.clone()).collect()),
        text(rows.iter().map(|r| r.procedure.clone()).collect()),
        text(rows.iter().map(|r| r.name.clone()).collect()),
        text(rows.iter().map(|r| r.direction.to_string()).collect()),
        text(rows.iter().map(|r| r.type_name.clone()).collect()),
        boolean(rows.iter().map(|r| r.required).collect()),
        int(rows.iter().map(|r| r.ordinal).collect()),
        text(rows.iter().map(|r| r.description.clone()).collect()),
    ])?;

    let sys_connection_props = SYS_CONNECTION_PROPS.batch(vec![
        text(props.iter().map(|p| p.name.clone()).collect()),
        text(props.iter().map(|p| p.description.clone()).collect()),
        text(props.iter().map(|p| p.value.clone()).collect()),
        text(props.iter().map(|p| p.allowed_values.clone()).collect()),
        boolean(props.iter().map(|p| p.sensitive).collect()),
    ])?;

    Ok(vec![
        sys_tables,
        sys_tablecolumns,
        sys_procedures,
        sys_procedureparameters,
        sys_connection_props,
    ])
}
