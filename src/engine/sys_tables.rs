//! The `sys` schema: system tables that describe the connection's own catalog (tables, columns,
//! procedures, their parameters) and its connection properties with secrets masked. They are the
//! same facts the ODBC catalog functions return, queryable with SQL.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Int32Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;

use super::catalog::{sql_type_name, CatalogInfo, ColumnInfo, TableInfo};
use crate::error::{Error, Result};

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

fn batch(fields: Vec<(&str, DataType)>, columns: Vec<ArrayRef>) -> Result<RecordBatch> {
    let schema = Schema::new(
        fields
            .into_iter()
            .map(|(name, dt)| Field::new(name, dt, true))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(Arc::new(schema), columns).map_err(|e| {
        Error::general(format!(
            "[apiodbc] Internal error building a system table: {e}"
        ))
    })
}

fn column(name: &str, data_type: DataType, remarks: &str) -> ColumnInfo {
    ColumnInfo {
        name: name.into(),
        data_type,
        nullable: true,
        remarks: remarks.into(),
    }
}

/// The system tables' own descriptions, so they appear in their own listing.
pub fn system_table_infos() -> Vec<TableInfo> {
    let utf8 = || DataType::Utf8;
    let table = |name: &str, remarks: &str, columns: Vec<ColumnInfo>| TableInfo {
        schema: SYS_SCHEMA.into(),
        name: name.into(),
        table_type: "SYSTEM TABLE",
        remarks: remarks.into(),
        columns,
        primary_key: Vec::new(),
    };
    vec![
        table(
            "sys_tables",
            "The tables of this connection",
            vec![
                column(
                    "CatalogName",
                    utf8(),
                    "Always NULL: the driver has no catalogs",
                ),
                column(
                    "SchemaName",
                    utf8(),
                    "The schema: the profile's name, or sys",
                ),
                column("TableName", utf8(), "The table's name"),
                column("TableType", utf8(), "TABLE, VIEW or SYSTEM TABLE"),
                column("Description", utf8(), "What the table holds"),
            ],
        ),
        table(
            "sys_tablecolumns",
            "The columns of every table",
            vec![
                column("CatalogName", utf8(), "Always NULL"),
                column("SchemaName", utf8(), "The table's schema"),
                column("TableName", utf8(), "The table's name"),
                column("ColumnName", utf8(), "The column's name"),
                column("DataTypeName", utf8(), "The column's SQL type"),
                column(
                    "IsNullable",
                    DataType::Boolean,
                    "Whether the column may be NULL",
                ),
                column(
                    "IsKey",
                    DataType::Boolean,
                    "Whether the column is part of the primary key",
                ),
                column("Ordinal", DataType::Int32, "Position of the column, from 1"),
                column("Description", utf8(), "What the column holds"),
            ],
        ),
        table(
            "sys_procedures",
            "The stored procedures of this connection",
            vec![
                column("CatalogName", utf8(), "Always NULL"),
                column("SchemaName", utf8(), "The procedure's schema"),
                column("ProcedureName", utf8(), "The procedure's name"),
                column("Description", utf8(), "What the procedure does"),
            ],
        ),
        table(
            "sys_procedureparameters",
            "The inputs and result columns of every stored procedure",
            vec![
                column("CatalogName", utf8(), "Always NULL"),
                column("SchemaName", utf8(), "The procedure's schema"),
                column("ProcedureName", utf8(), "The procedure's name"),
                column("ColumnName", utf8(), "The parameter or result column"),
                column("Direction", utf8(), "INPUT or RESULT"),
                column("DataTypeName", utf8(), "The SQL type"),
                column(
                    "IsRequired",
                    DataType::Boolean,
                    "Whether an input must be given",
                ),
                column("Ordinal", DataType::Int32, "Position, from 1"),
                column("Description", utf8(), "What it means"),
            ],
        ),
        table(
            "sys_connection_props",
            "The connection properties and their values; secrets are masked",
            vec![
                column("Name", utf8(), "The property's name"),
                column("Description", utf8(), "What it does"),
                column(
                    "Value",
                    utf8(),
                    "Its value on this connection (secrets show as ********)",
                ),
                column("AllowedValues", utf8(), "What it accepts"),
                column(
                    "IsSensitive",
                    DataType::Boolean,
                    "Whether the value is a secret",
                ),
            ],
        ),
    ]
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
    let sys_tables = batch(
        vec![
            ("CatalogName", DataType::Utf8),
            ("SchemaName", DataType::Utf8),
            ("TableName", DataType::Utf8),
            ("TableType", DataType::Utf8),
            ("Description", DataType::Utf8),
        ],
        vec![
            Arc::new(StringArray::from(vec![None::<&str>; tables.len()])),
            text(tables.iter().map(|t| t.schema.clone()).collect()),
            text(tables.iter().map(|t| t.name.clone()).collect()),
            text(tables.iter().map(|t| t.table_type.to_string()).collect()),
            text(tables.iter().map(|t| t.remarks.clone()).collect()),
        ],
    )?;

    let columns: Vec<(&TableInfo, usize, &ColumnInfo)> = tables
        .iter()
        .flat_map(|t| t.columns.iter().enumerate().map(move |(i, c)| (t, i, c)))
        .collect();
    let sys_tablecolumns = batch(
        vec![
            ("CatalogName", DataType::Utf8),
            ("SchemaName", DataType::Utf8),
            ("TableName", DataType::Utf8),
            ("ColumnName", DataType::Utf8),
            ("DataTypeName", DataType::Utf8),
            ("IsNullable", DataType::Boolean),
            ("IsKey", DataType::Boolean),
            ("Ordinal", DataType::Int32),
            ("Description", DataType::Utf8),
        ],
        vec![
            Arc::new(StringArray::from(vec![None::<&str>; columns.len()])),
            text(columns.iter().map(|(t, _, _)| t.schema.clone()).collect()),
            text(columns.iter().map(|(t, _, _)| t.name.clone()).collect()),
            text(columns.iter().map(|(_, _, c)| c.name.clone()).collect()),
            text(
                columns
                    .iter()
                    .map(|(_, _, c)| sql_type_name(&c.data_type))
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
        ],
    )?;

    let procs = &catalog.procedures;
    let sys_procedures = batch(
        vec![
            ("CatalogName", DataType::Utf8),
            ("SchemaName", DataType::Utf8),
            ("ProcedureName", DataType::Utf8),
            ("Description", DataType::Utf8),
        ],
        vec![
            Arc::new(StringArray::from(vec![None::<&str>; procs.len()])),
            text(procs.iter().map(|p| p.schema.clone()).collect()),
            text(procs.iter().map(|p| p.name.clone()).collect()),
            text(procs.iter().map(|p| p.remarks.clone()).collect()),
        ],
    )?;

    let mut rows: Vec<ParameterRow> = Vec::new();
    for p in procs {
        for (i, param) in p.params.iter().enumerate() {
            rows.push(ParameterRow {
                schema: p.schema.clone(),
                procedure: p.name.clone(),
                name: param.name.clone(),
                direction: "INPUT",
                type_name: sql_type_name(&param.data_type),
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
                type_name: sql_type_name(&col.data_type),
                required: false,
                ordinal: i as i32 + 1,
                description: col.remarks.clone(),
            });
        }
    }
    let sys_procedureparameters = batch(
        vec![
            ("CatalogName", DataType::Utf8),
            ("SchemaName", DataType::Utf8),
            ("ProcedureName", DataType::Utf8),
            ("ColumnName", DataType::Utf8),
            ("Direction", DataType::Utf8),
            ("DataTypeName", DataType::Utf8),
            ("IsRequired", DataType::Boolean),
            ("Ordinal", DataType::Int32),
            ("Description", DataType::Utf8),
        ],
        vec![
            Arc::new(StringArray::from(vec![None::<&str>; rows.len()])),
            text(rows.iter().map(|r| r.schema.clone()).collect()),
            text(rows.iter().map(|r| r.procedure.clone()).collect()),
            text(rows.iter().map(|r| r.name.clone()).collect()),
            text(rows.iter().map(|r| r.direction.to_string()).collect()),
            text(rows.iter().map(|r| r.type_name.clone()).collect()),
            boolean(rows.iter().map(|r| r.required).collect()),
            int(rows.iter().map(|r| r.ordinal).collect()),
            text(rows.iter().map(|r| r.description.clone()).collect()),
        ],
    )?;

    let sys_connection_props = batch(
        vec![
            ("Name", DataType::Utf8),
            ("Description", DataType::Utf8),
            ("Value", DataType::Utf8),
            ("AllowedValues", DataType::Utf8),
            ("IsSensitive", DataType::Boolean),
        ],
        vec![
            text(props.iter().map(|p| p.name.clone()).collect()),
            text(props.iter().map(|p| p.description.clone()).collect()),
            text(props.iter().map(|p| p.value.clone()).collect()),
            text(props.iter().map(|p| p.allowed_values.clone()).collect()),
            boolean(props.iter().map(|p| p.sensitive).collect()),
        ],
    )?;

    Ok(vec![
        ("sys_tables".into(), sys_tables),
        ("sys_tablecolumns".into(), sys_tablecolumns),
        ("sys_procedures".into(), sys_procedures),
        ("sys_procedureparameters".into(), sys_procedureparameters),
        ("sys_connection_props".into(), sys_connection_props),
    ])
}
