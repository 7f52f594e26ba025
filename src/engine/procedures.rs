//! The stored-procedure registry: `EXEC`, `CALL` and `{call}` statements run a registered
//! procedure with named or positional arguments. The engine defines none: `session` registers
//! the OAuth procedures as [`TextProcedure`]s over plain calls into `auth`.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use futures::future::BoxFuture;

use super::catalog::{ColumnInfo, ProcedureInfo, ProcedureParamInfo};
use super::procedure_call::{ProcArg, ProcValue};
use crate::error::{Error, Result, SqlError};

/// Arguments by parameter name (as the procedure declares it); `None` is SQL NULL.
pub type ProcedureArgs = BTreeMap<String, Option<String>>;

pub trait Procedure: Send + Sync {
    fn info(&self) -> &ProcedureInfo;
    fn call(&self, args: ProcedureArgs) -> BoxFuture<'static, Result<RecordBatch>>;
}

/// The work of a [`TextProcedure`]: its arguments in, the values of its one result row out.
pub type TextWork =
    dyn Fn(ProcedureArgs) -> BoxFuture<'static, Result<Vec<Option<String>>>> + Send + Sync;

/// A procedure whose parameters and result columns are text and whose result is one row.
pub struct TextProcedure {
    info: ProcedureInfo,
    work: Arc<TextWork>,
}

impl TextProcedure {
    pub fn new(info: ProcedureInfo, work: Arc<TextWork>) -> TextProcedure {
        TextProcedure { info, work }
    }
}

impl Procedure for TextProcedure {
    fn info(&self) -> &ProcedureInfo {
        &self.info
    }

    fn call(&self, args: ProcedureArgs) -> BoxFuture<'static, Result<RecordBatch>> {
        let (work, columns) = (self.work.clone(), self.info.result_columns.clone());
        Box::pin(async move { one_text_row(&columns, work(args).await?) })
    }
}

fn one_text_row(columns: &[ColumnInfo], values: Vec<Option<String>>) -> Result<RecordBatch> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|c| Field::new(&c.name, DataType::Utf8, true))
        .collect();
    let arrays: Vec<ArrayRef> = values
        .into_iter()
        .map(|v| Arc::new(StringArray::from(vec![v])) as ArrayRef)
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| Error::general(format!("Internal error building a result: {e}")))
}

impl ProcedureParamInfo {
    /// A text parameter.
    pub fn text(name: &str, required: bool, remarks: &str) -> ProcedureParamInfo {
        ProcedureParamInfo {
            name: name.into(),
            data_type: DataType::Utf8,
            required,
            remarks: remarks.into(),
        }
    }
}

impl ColumnInfo {
    /// A nullable text column.
    pub fn text(name: &str, remarks: &str) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            data_type: DataType::Utf8,
            nullable: true,
            remarks: remarks.into(),
            max_length: None,
            writes: Vec::new(),
        }
    }
}

#[derive(Clone, Default)]
pub struct ProcedureRegistry {
    procedures: Vec<Arc<dyn Procedure>>,
}

impl ProcedureRegistry {
    pub fn register(&mut self, procedure: Arc<dyn Procedure>) {
        self.procedures.push(procedure);
    }

    pub fn infos(&self) -> Vec<ProcedureInfo> {
        self.procedures.iter().map(|p| p.info().clone()).collect()
    }

    pub fn find(&self, name: &str) -> Result<Arc<dyn Procedure>> {
        self.procedures
            .iter()
            .find(|p| p.info().name.eq_ignore_ascii_case(name))
            .cloned()
            .ok_or_else(|| {
                let known: Vec<&str> = self
                    .procedures
                    .iter()
                    .map(|p| p.info().name.as_str())
                    .collect();
                let listed = if known.is_empty() {
                    "this connection has no stored procedures".to_string()
                } else {
                    format!("the procedures are {}", known.join(", "))
                };
                Error::new(
                    SqlError::Procedure,
                    format!(
                        "Unknown stored procedure '{name}'; {listed} (SQLProcedures lists them)"
                    ),
                )
            })
    }
}

/// Matches call arguments to the procedure's parameters: named ones by name (case-insensitive,
/// `@` already stripped), positional ones in declaration order; `?` markers take `bound` values.
pub fn resolve_args(
    info: &ProcedureInfo,
    args: &[ProcArg],
    bound: &[Option<String>],
) -> Result<ProcedureArgs> {
    let mut resolved = ProcedureArgs::new();
    for (position, arg) in args.iter().enumerate() {
        let param = match &arg.name {
            Some(name) => info
                .params
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    let names: Vec<&str> = info.params.iter().map(|p| p.name.as_str()).collect();
                    Error::new(
                        SqlError::Procedure,
                        format!(
                            "{} has no parameter '{name}'; its parameters are {}",
                            info.name,
                            names.join(", ")
                        ),
                    )
                })?,
            None => info.params.get(position).ok_or_else(|| {
                Error::new(
                    SqlError::Procedure,
                    format!(
                        "{} takes at most {} arguments",
                        info.name,
                        info.params.len()
                    ),
                )
            })?,
        };
        let value = match &arg.value {
            ProcValue::Text(t) | ProcValue::Number(t) => Some(t.clone()),
            ProcValue::Null => None,
            ProcValue::Parameter(i) => bound.get(*i).cloned().ok_or_else(|| {
                Error::new(
                    SqlError::ParameterCount,
                    format!(
                        "Parameter {} of the call is not bound; bind it with SQLBindParameter",
                        i + 1
                    ),
                )
            })?,
        };
        resolved.insert(param.name.clone(), value);
    }
    for param in &info.params {
        if param.required && resolved.get(&param.name).is_none_or(|v| v.is_none()) {
            return Err(Error::new(
                SqlError::Procedure,
                format!("{} needs the parameter {}", info.name, param.name),
            ));
        }
    }
    Ok(resolved)
}
