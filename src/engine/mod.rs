//! The SQL engine of one connection: a DataFusion session holding the profile's tables and the
//! `sys` schema, the stored-procedure registry, and statement preparation (escape translation,
//! parameter markers, read-only checks) and streaming execution. It knows SQL and Arrow, not ODBC.

mod asks_api;
pub mod catalog;
mod column_names;
pub mod complexity;
pub mod errors;
pub mod escape;
mod hints;
mod hyphenated_schemas;
pub mod identifier_case;
mod insert_values;
mod late_columns;
pub mod placeholders;
pub mod procedure_call;
pub mod procedures;
mod regroup;
mod replaceable_schema;
mod sort_through_filters;
mod sql_lexer;
mod statement_log;
mod sys_log_table;
mod sys_requests;
pub mod sys_tables;
mod sys_writes;
pub mod type_names;
mod write_shape;

use std::sync::{Arc, RwLock};

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::{MemTable, TableProvider};
use datafusion::common::ScalarValue;
use datafusion::common::TableReference;
use datafusion::execution::context::{SessionConfig, SessionContext};
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::SendableRecordBatchStream;
use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::Statement as SqlStatement;

use self::catalog::{CatalogInfo, TableInfo};
use self::complexity::Complexity;
use self::errors::from_datafusion;
use self::escape::TranslateContext;
use self::identifier_case::{missing_field, MixedCaseColumns};
use self::procedure_call::ProcedureCall;
use self::procedures::{Procedure, ProcedureRegistry};
use self::replaceable_schema::ReplaceableSchema;
use self::sort_through_filters::SortThroughFilters;
use self::sys_tables::{ConnectionProp, SYS_SCHEMA};
use crate::error::{Error, Result, SqlError};
use crate::request_log::RequestLog;
use crate::runtime::{DropOnStack, Stack};

/// The catalog name DataFusion uses internally; ODBC clients see no catalogs.
const CATALOG: &str = "apiodbc";

pub struct EngineOptions {
    /// The schema unqualified names resolve in: the profile's name, or `sys` without a profile.
    pub default_schema: String,
    /// What `{fn DATABASE()}` and SQL_DATABASE_NAME answer.
    pub database: String,
    /// What `{fn USER()}` answers.
    pub user: String,
    pub connection_props: Vec<ConnectionProp>,
    pub procedures: ProcedureRegistry,
    /// Rows per Arrow batch the engine produces.
    pub batch_size: usize,
    /// The profile's tables; their catalog entries come from the providers' schemas.
    pub tables: Vec<NamedTable>,
    /// The connection's request log: statements are numbered in it, `sys.sys_requests` reads it.
    pub requests: Arc<RequestLog>,
    /// Why INSERT, UPDATE and DELETE are refused when prepared (ReadOnly, a profile without
    /// writes, no profile); `None`: they may run.
    pub read_only: Option<String>,
}

/// A table provider and the name it is queried by.
pub struct NamedTable {
    /// The SQL schema it lives in (the profile's name).
    pub schema: String,
    pub name: String,
    pub provider: Arc<dyn TableProvider>,
    /// Columns the table learns when first used or listed (custom fields); `provider` has the
    /// others until then.
    pub late: Option<Arc<dyn LateColumns>>,
}

pub use late_columns::{LateColumns, OnFailure};

/// A statement ready to run: its result schema is known before execution.
#[derive(Clone)]
pub enum Prepared {
    Query {
        /// The statement after escape translation, with its `?` markers, for re-planning when
        /// bound values need wider types than the plan inferred.
        sql: String,
        /// Shared, so cloning a prepared statement never walks a deep plan on the caller's stack.
        plan: Arc<DropOnStack<LogicalPlan>>,
        schema: SchemaRef,
        param_types: Vec<Option<DataType>>,
        /// An INSERT, UPDATE or DELETE: executing it changes the API's data and its one row is
        /// the count of rows changed.
        writes: bool,
        /// It scans a profile's table, so its rows cost requests ([`asks_api`]).
        asks_api: bool,
    },
    Procedure {
        call: ProcedureCall,
        procedure: Arc<dyn Procedure>,
        schema: SchemaRef,
        param_count: usize,
    },
}

impl Prepared {
    pub fn schema(&self) -> SchemaRef {
        match self {
            Prepared::Query { schema, .. } | Prepared::Procedure { schema, .. } => schema.clone(),
        }
    }

    pub fn param_count(&self) -> usize {
        match self {
            Prepared::Query { param_types, .. } => param_types.len(),
            Prepared::Procedure { param_count, .. } => *param_count,
        }
    }

    /// Whether executing it changes the API's data (INSERT, UPDATE, DELETE).
    pub fn writes(&self) -> bool {
        matches!(self, Prepared::Query { writes: true, .. })
    }

    /// Whether its rows come from an API (a procedure's, always): each batch read may cost a
    /// request. Otherwise they are computed in the driver.
    pub fn asks_api(&self) -> bool {
        match self {
            Prepared::Query { asks_api, .. } => *asks_api,
            Prepared::Procedure { .. } => true,
        }
    }

    /// The stack executing the statement and reading its rows needs: the large one for a deeply
    /// nested statement, whose expressions evaluate recursively.
    pub fn stack(&self) -> Stack {
        match self {
            Prepared::Query { plan, .. } => plan.stack(),
            Prepared::Procedure { .. } => Stack::Caller,
        }
    }

    /// The engine's idea of parameter `i`'s type, when the statement implies one.
    pub fn param_type(&self, i: usize) -> Option<DataType> {
        match self {
            Prepared::Query { param_types, .. } => param_types.get(i).cloned().flatten(),
            Prepared::Procedure { .. } => Some(DataType::Utf8),
        }
    }
}

pub struct Engine {
    ctx: SessionContext,
    requests: Arc<RequestLog>,
    read_only: Option<String>,
    /// Replaced whole when a table learns its late columns.
    catalog: RwLock<Arc<CatalogInfo>>,
    mixed_case: RwLock<Arc<MixedCaseColumns>>,
    default_schema: String,
    connection_props: Vec<ConnectionProp>,
    late: late_columns::LateTables,
    procedures: ProcedureRegistry,
    translate: TranslateContext,
}

impl Engine {
    pub fn new(options: EngineOptions) -> Result<Engine> {
        let config = SessionConfig::new()
            .with_default_catalog_and_schema(CATALOG, &options.default_schema)
            .with_create_default_catalog_and_schema(true)
            .with_information_schema(false)
            .with_batch_size(options.batch_size.max(1))
            .set_usize(
                "datafusion.sql_parser.recursion_limit",
                complexity::PARSER_RECURSION_LIMIT,
            );
        // After DataFusion's own rules: ORDER BY a source's order through the filters above it.
        let state = SessionStateBuilder::new()
            .with_config(config)
            .with_default_features()
            .with_physical_optimizer_rule(Arc::new(SortThroughFilters))
            .build();
        let ctx = SessionContext::new_with_state(state);
        let catalog_provider = ctx
            .catalog(CATALOG)
            .ok_or_else(|| Error::general("Internal error: the engine has no catalog"))?;
        let mut schemas: Vec<String> = options
            .tables
            .iter()
            .map(|table| table.schema.clone())
            .collect();
        // Every schema, the default one too, replaces a table's provider in one step.
        schemas.push(SYS_SCHEMA.to_string());
        schemas.push(options.default_schema.clone());
        schemas.sort();
        schemas.dedup();
        for schema in &schemas {
            catalog_provider
                .register_schema(schema, Arc::new(ReplaceableSchema::default()))
                .map_err(from_datafusion)?;
        }

        let mut catalog = CatalogInfo {
            tables: sys_tables::system_table_infos(),
            procedures: options.procedures.infos(),
        };
        let mut late = late_columns::LateTables::default();
        for table in &options.tables {
            if let Some(columns) = &table.late {
                late.add(&table.schema, &table.name, columns.clone());
            }
            ctx.register_table(
                TableReference::partial(table.schema.as_str(), table.name.as_str()),
                table.provider.clone(),
            )
            .map_err(from_datafusion)?;
            catalog.tables.push(TableInfo::from_schema(
                &table.schema,
                &table.name,
                catalog::TABLE,
                &table.provider.schema(),
            ));
        }
        catalog
            .tables
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        register_system_tables(&ctx, &catalog, &options.connection_props)?;
        ctx.register_table(
            TableReference::partial(SYS_SCHEMA, sys_tables::SYS_REQUESTS.name),
            Arc::new(sys_log_table::SysLogTable::new(
                options.requests.clone(),
                &sys_tables::SYS_REQUESTS,
                sys_requests::columns,
            )),
        )
        .map_err(from_datafusion)?;
        ctx.register_table(
            TableReference::partial(SYS_SCHEMA, sys_tables::SYS_WRITES.name),
            Arc::new(sys_log_table::SysLogTable::new(
                options.requests.clone(),
                &sys_tables::SYS_WRITES,
                sys_writes::columns,
            )),
        )
        .map_err(from_datafusion)?;
        Ok(Engine {
            ctx,
            requests: options.requests,
            read_only: options.read_only,
            mixed_case: RwLock::new(Arc::new(MixedCaseColumns::from_catalog(&catalog))),
            catalog: RwLock::new(Arc::new(catalog)),
            default_schema: options.default_schema,
            connection_props: options.connection_props,
            late,
            procedures: options.procedures,
            translate: TranslateContext {
                database: options.database,
                user: options.user,
            },
        })
    }

    /// The tables and procedures as known now: a table's late columns appear once it has been
    /// used or listed ([`Engine::complete_tables`]).
    pub fn catalog(&self) -> Arc<CatalogInfo> {
        self.catalog
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn database_name(&self) -> &str {
        &self.translate.database
    }

    /// The statement as the engine will run it: escapes translated (SQLNativeSql).
    pub fn native_sql(&self, sql: &str) -> Result<String> {
        if procedure_call::parse(sql).is_some() {
            // `{call p(?)}` and `{? = call p(?)}` run as the statement inside the braces.
            let trimmed = sql.trim();
            let inner = trimmed
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
                .map(|inner| {
                    let inner = inner.trim_start();
                    match inner.strip_prefix('?') {
                        Some(rest) => rest.trim_start().trim_start_matches('=').trim_start(),
                        None => inner,
                    }
                    .trim_end()
                });
            return Ok(inner.unwrap_or(sql).to_string());
        }
        crate::runtime::on_large_stack(|| escape::translate(sql, &self.translate))?
    }

    /// Parses and plans a statement. `scan_escapes` is false under SQL_ATTR_NOSCAN.
    pub async fn prepare(&self, sql: &str, scan_escapes: bool) -> Result<Prepared> {
        if let Some(call) = procedure_call::parse(sql) {
            let call = call?;
            let procedure = self.procedures.find(&call.name)?;
            let schema = Arc::new(Schema::new(
                procedure
                    .info()
                    .result_columns
                    .iter()
                    .map(|c| Field::new(&c.name, c.data_type.clone(), c.nullable))
                    .collect::<Vec<_>>(),
            ));
            let param_count = procedure_call::count_parameter_markers(sql);
            return Ok(Prepared::Procedure {
                call,
                procedure,
                schema,
                param_count,
            });
        }
        let translated = if scan_escapes {
            escape::translate(sql, &self.translate)?
        } else {
            sql.to_string()
        };
        let schemas: Vec<String> = self
            .catalog()
            .tables
            .iter()
            .map(|t| t.schema.clone())
            .collect();
        let translated = hyphenated_schemas::quote(&translated, &schemas).into_owned();
        let (plan, param_types, complexity) = self
            .plan(&translated, |n| format!("${n}"))
            .await
            .map_err(|e| insert_values::name_bad_literal(&translated, e))?;
        let writes = matches!(plan, LogicalPlan::Dml(_));
        // A write has no result set: its count is the statement's row count.
        let schema: SchemaRef = if writes {
            Arc::new(Schema::empty())
        } else {
            Arc::new(plan.schema().as_arrow().clone())
        };
        let stack = if complexity.is_deep() {
            Stack::Large
        } else {
            Stack::Caller
        };
        let asks_api = asks_api::asks_api(&plan, &self.catalog(), &self.default_schema);
        Ok(Prepared::Query {
            sql: translated,
            plan: Arc::new(DropOnStack::new(plan, stack)),
            schema,
            param_types,
            writes,
            asks_api,
        })
    }

    /// Plans translated SQL whose `?` markers are rendered by `marker`; returns the plan, the
    /// type the plan implies for each marker, and how complex the statement is. Recurses as deep
    /// as the statement nests: run it on the large stack.
    async fn plan(
        &self,
        sql: &str,
        marker: impl FnMut(usize) -> String,
    ) -> Result<(LogicalPlan, Vec<Option<DataType>>, Complexity)> {
        let (numbered, param_count) = placeholders::rewrite_markers(sql, marker);
        complexity::check_tokens(&numbered)?;
        let state = self.ctx.state();
        let mut statement = state
            .sql_to_statement(&numbered, &state.config().options().sql_parser.dialect)
            .map_err(from_datafusion)?;
        // Refuse writes before planning, so `INSERT INTO missing` says read-only, not 42S02.
        refuse_write_statement(&statement, self.read_only.as_deref())?;
        crate::request_log::in_statement(
            self.requests.next_statement(),
            self.complete_referenced(&state, &statement),
        )
        .await?;
        let complexity = complexity::measure(&statement)?;
        regroup::regroup_chains(&mut statement);
        // Unquoted references to mixed-case columns are fixed one missing name at a time; a
        // statement has few of them, and the bound keeps a pathological one from looping.
        let mut attempt = state.statement_to_plan(statement.clone()).await;
        let mut fixes = 0;
        let plan = loop {
            match attempt {
                Ok(plan) => break plan,
                Err(e) => {
                    let fixed = fixes < 32
                        && missing_field(&e)
                            .is_some_and(|name| self.mixed_case().requote(&mut statement, &name));
                    if !fixed {
                        return Err(from_datafusion(e));
                    }
                    fixes += 1;
                    attempt = state.statement_to_plan(statement.clone()).await;
                }
            }
        };
        refuse_writes(&plan)?;
        write_shape::check_planned(&plan)?;
        if let LogicalPlan::Dml(dml) = &plan {
            let schema = dml.table_name.schema().unwrap_or(&self.default_schema);
            if schema.eq_ignore_ascii_case(SYS_SCHEMA) {
                return Err(Error::new(
                    SqlError::ReadOnly,
                    format!(
                        "{} on {} is not possible: the sys tables describe the connection and cannot be changed",
                        dml.op, dml.table_name
                    ),
                ));
            }
        }
        let unnamed = column_names::unnamed_positions(&statement, plan.schema().fields().len());
        let plan = column_names::rename(plan, &unnamed)?;
        let types = plan.get_parameter_types().map_err(from_datafusion)?;
        // DataFusion says `Null` for a marker nothing constrains; that means "any type".
        let param_types = (1..=param_count)
            .map(|i| {
                types
                    .get(&format!("${i}"))
                    .cloned()
                    .flatten()
                    .filter(|t| *t != DataType::Null)
            })
            .collect();
        Ok((plan, param_types, complexity))
    }

    /// Matches bound values to the plan's parameter types. A value that converts without loss is
    /// converted; one that would lose something (0.5 where the plan inferred an integer) makes
    /// the statement re-planned with that marker cast to the value's own type.
    async fn bind(
        &self,
        sql: &str,
        plan: &LogicalPlan,
        types: &[Option<DataType>],
        params: Vec<ScalarValue>,
    ) -> Result<(LogicalPlan, Vec<ScalarValue>)> {
        let mut retype: Vec<Option<DataType>> = vec![None; params.len()];
        let mut values = Vec::with_capacity(params.len());
        for (i, value) in params.into_iter().enumerate() {
            let Some(target) = types.get(i).cloned().flatten() else {
                values.push(value);
                continue;
            };
            if value.data_type() == target {
                values.push(value);
                continue;
            }
            // A fraction where the plan expected an integer would turn `? / 4` into integer
            // division even when the value itself survives the cast (1.0 → 1), so re-plan.
            let fraction_for_integer = target.is_integer()
                && (value.data_type().is_floating()
                    || matches!(value.data_type(), DataType::Decimal128(_, s) if s > 0));
            match value.cast_to(&target) {
                Ok(converted)
                    if !fraction_for_integer
                        && (value.is_null()
                            || converted.cast_to(&value.data_type()).ok().as_ref() == Some(&value)) =>
                {
                    values.push(converted)
                }
                Ok(_) => {
                    retype[i] = Some(value.data_type());
                    values.push(value);
                }
                Err(_) => {
                    return Err(Error::new(
                        SqlError::InvalidValue,
                        format!(
                            "Parameter {} ({}) cannot be converted to {target}, the type the statement needs there",
                            i + 1,
                            value.data_type()
                        ),
                    ))
                }
            }
        }
        if retype.iter().all(Option::is_none) {
            return Ok((plan.clone(), values));
        }
        let (plan, new_types, _) = self
            .plan(sql, |n| match retype.get(n - 1).cloned().flatten() {
                Some(dt) => format!("CAST(${n} AS {})", type_names::sql_type_spelling(&dt)),
                None => format!("${n}"),
            })
            .await?;
        let mut cast_values = Vec::with_capacity(values.len());
        for (value, target) in values.into_iter().zip(new_types) {
            match target {
                Some(t) if value.data_type() != t => {
                    cast_values.push(value.cast_to(&t).map_err(from_datafusion)?)
                }
                _ => cast_values.push(value),
            }
        }
        Ok((plan, cast_values))
    }

    /// Starts a prepared statement with its parameter values; rows arrive as a stream of batches.
    /// An INSERT, UPDATE or DELETE runs through [`Engine::execute_write`] instead.
    pub async fn execute(
        &self,
        prepared: &Prepared,
        params: Vec<ScalarValue>,
    ) -> Result<SendableRecordBatchStream> {
        match prepared {
            Prepared::Query { sql, .. } => {
                let (statement, plan) = self
                    .bound(prepared, params, hints::read(sql).no_cache)
                    .await?;
                self.stream(plan, statement).await
            }
            Prepared::Procedure {
                call,
                procedure,
                schema,
                ..
            } => {
                let bound: Vec<Option<String>> = params.iter().map(scalar_text).collect();
                let args = procedures::resolve_args(procedure.info(), &call.args, &bound)?;
                let batch = procedure.call(args).await?;
                let stream = futures::stream::iter(vec![Ok(batch)]);
                Ok(Box::pin(RecordBatchStreamAdapter::new(
                    schema.clone(),
                    stream,
                )))
            }
        }
    }

    /// Runs an INSERT, UPDATE or DELETE to its end; the rows it changed. A value of an INSERT's
    /// VALUES that cannot be converted is named by row and column, wherever DataFusion finds it.
    pub async fn execute_write(
        &self,
        prepared: &Prepared,
        params: Vec<ScalarValue>,
    ) -> Result<u64> {
        let Prepared::Query { sql, .. } = prepared else {
            return Err(Error::general(
                "Internal error: a procedure call is no write",
            ));
        };
        self.write(prepared, params)
            .await
            .map_err(|e| insert_values::name_bad_literal(sql, e))
    }

    async fn write(&self, prepared: &Prepared, params: Vec<ScalarValue>) -> Result<u64> {
        // A write reads the rows it changes from the API, never from the cache.
        let (statement, plan) = self.bound(prepared, params, true).await?;
        let optimized = self.ctx.state().optimize(&plan).map_err(from_datafusion)?;
        if write_shape::selects_nothing(&optimized)? {
            return Ok(0);
        }
        let mut stream = self.stream(optimized, statement).await?;
        // DataFusion answers a write with one row: the count of rows changed.
        let mut changed = 0;
        while let Some(batch) = futures::StreamExt::next(&mut stream).await {
            let batch = batch.map_err(from_datafusion)?;
            if let Some(counts) = batch.columns().first().and_then(|c| {
                c.as_any()
                    .downcast_ref::<datafusion::arrow::array::UInt64Array>()
            }) {
                changed += counts.values().iter().sum::<u64>();
            }
        }
        Ok(changed)
    }

    /// Numbers the statement and binds its parameter values into its plan.
    async fn bound(
        &self,
        prepared: &Prepared,
        params: Vec<ScalarValue>,
        no_cache: bool,
    ) -> Result<(u64, LogicalPlan)> {
        let Prepared::Query {
            sql,
            plan,
            param_types,
            ..
        } = prepared
        else {
            return Err(Error::general(
                "Internal error: a procedure call has no plan",
            ));
        };
        let statement = self.requests.begin_statement(no_cache);
        tracing::debug!(statement, "executing");
        let plan = if params.is_empty() {
            LogicalPlan::clone(plan)
        } else {
            let (plan, values) = self.bind(sql, plan, param_types, params).await?;
            plan.with_param_values(values).map_err(from_datafusion)?
        };
        Ok((statement, plan))
    }

    /// The rows of `plan`, logged as statement `statement`'s.
    async fn stream(&self, plan: LogicalPlan, statement: u64) -> Result<SendableRecordBatchStream> {
        let frame = self
            .ctx
            .execute_logical_plan(plan)
            .await
            .map_err(from_datafusion)?;
        let stream = frame.execute_stream().await.map_err(from_datafusion)?;
        Ok(Box::pin(statement_log::Logged::new(
            stream,
            statement,
            self.requests.clone(),
        )))
    }
}

/// A bound parameter's value as procedure argument text.
fn scalar_text(value: &ScalarValue) -> Option<String> {
    if value.is_null() {
        return None;
    }
    match value {
        ScalarValue::Utf8(Some(s))
        | ScalarValue::LargeUtf8(Some(s))
        | ScalarValue::Utf8View(Some(s)) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn read_only_error(verb: &str) -> Error {
    Error::new(
        SqlError::ReadOnly,
        format!(
            "{verb} is not possible on an API's tables; use SELECT, INSERT, UPDATE, DELETE, or EXEC for the stored procedures"
        ),
    )
}

fn read_only_connection(verb: &str, why: &str) -> Error {
    Error::new(
        SqlError::ReadOnly,
        format!("{verb} is not allowed: this connection is read-only ({why})"),
    )
}

fn refuse_write_statement(statement: &DFStatement, read_only: Option<&str>) -> Result<()> {
    match statement {
        DFStatement::Statement(s) => match s.as_ref() {
            SqlStatement::Query(_)
            | SqlStatement::Explain { .. }
            | SqlStatement::ExplainTable { .. } => Ok(()),
            w @ (SqlStatement::Insert(_) | SqlStatement::Update(_) | SqlStatement::Delete(_)) => {
                match read_only {
                    None => Ok(()),
                    Some(why) => {
                        let verb = w.to_string();
                        let verb = verb.split_whitespace().next().unwrap_or("A write");
                        Err(read_only_connection(&verb.to_uppercase(), why))
                    }
                }
            }
            other => {
                let text = other.to_string();
                let verb: String = text
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                Err(read_only_error(&verb.to_uppercase()))
            }
        },
        DFStatement::Explain(_) => Ok(()),
        DFStatement::CreateExternalTable(_) => Err(read_only_error("CREATE EXTERNAL TABLE")),
        DFStatement::CopyTo(_) => Err(read_only_error("COPY")),
        DFStatement::Reset(_) => Err(read_only_error("RESET")),
    }
}

/// A plan node's name as the SQL a user wrote: `CreateView` → `CREATE VIEW`; `SELECT … INTO` and
/// `CREATE TABLE` both plan as `CreateMemoryTable`.
fn sql_words(plan_name: &str) -> String {
    if plan_name == "CreateMemoryTable" {
        return "SELECT ... INTO (or CREATE TABLE)".to_string();
    }
    let mut words = String::new();
    for (i, c) in plan_name.char_indices() {
        if i > 0 && c.is_ascii_uppercase() {
            words.push(' ');
        }
        words.push(c.to_ascii_uppercase());
    }
    words
}

/// Refuses what a plan would change that no API can: DDL, COPY, session statements, and DML
/// other than INSERT, UPDATE and DELETE (a read-only connection refused those already, as
/// statements, before planning).
fn refuse_writes(plan: &LogicalPlan) -> Result<()> {
    use datafusion::logical_expr::dml::InsertOp;
    use datafusion::logical_expr::WriteOp;
    let verb = match plan {
        LogicalPlan::Dml(dml)
            if matches!(
                dml.op,
                WriteOp::Insert(InsertOp::Append) | WriteOp::Update | WriteOp::Delete
            ) =>
        {
            None
        }
        LogicalPlan::Dml(dml) => Some(dml.op.to_string()),
        LogicalPlan::Ddl(ddl) => Some(sql_words(ddl.name())),
        LogicalPlan::Copy(_) => Some("COPY".to_string()),
        LogicalPlan::Statement(s) => Some(s.name().to_string()),
        _ => None,
    };
    match verb {
        Some(verb) => Err(read_only_error(&verb)),
        None => Ok(()),
    }
}

/// Registers the `sys` tables built from `catalog`, replacing those registered before (the sys
/// schema replaces a provider in one step).
fn register_system_tables(
    ctx: &SessionContext,
    catalog: &CatalogInfo,
    connection_props: &[ConnectionProp],
) -> Result<()> {
    for (name, batch) in sys_tables::system_table_batches(catalog, connection_props)? {
        let table =
            MemTable::try_new(batch.schema(), vec![vec![batch]]).map_err(from_datafusion)?;
        ctx.register_table(
            TableReference::partial(SYS_SCHEMA, name.as_str()),
            Arc::new(table),
        )
        .map_err(from_datafusion)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        engine_with(false)
    }

    fn engine_with(read_only: bool) -> Engine {
        Engine::new(EngineOptions {
            default_schema: SYS_SCHEMA.into(),
            database: "apiodbc".into(),
            user: String::new(),
            connection_props: Vec::new(),
            procedures: ProcedureRegistry::default(),
            batch_size: 1024,
            tables: Vec::new(),
            requests: Arc::default(),
            read_only: read_only.then(|| "ReadOnly=TRUE".to_string()),
        })
        .expect("engine")
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    /// Prepares `sql`, runs it with `params` and returns the first column of the first row.
    fn first_value(sql: &str, params: Vec<ScalarValue>) -> ScalarValue {
        let e = engine();
        let prepared = block_on(e.prepare(sql, true)).expect("prepare");
        let mut stream = block_on(e.execute(&prepared, params)).expect("execute");
        let batch = block_on(futures::StreamExt::next(&mut stream))
            .expect("a batch")
            .expect("ok");
        ScalarValue::try_from_array(batch.column(0), 0).expect("value")
    }

    #[test]
    fn only_a_scan_of_a_profiles_table_asks_an_api() {
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
        let table = MemTable::try_new(schema, vec![vec![]]).expect("table");
        let e = Engine::new(EngineOptions {
            default_schema: "crm".into(),
            database: "apiodbc".into(),
            user: String::new(),
            connection_props: Vec::new(),
            procedures: ProcedureRegistry::default(),
            batch_size: 1024,
            tables: vec![NamedTable {
                schema: "crm".into(),
                name: "persons".into(),
                provider: Arc::new(table),
                late: None,
            }],
            requests: Arc::default(),
            read_only: None,
        })
        .expect("engine");
        let asks = |sql: &str| block_on(e.prepare(sql, true)).expect(sql).asks_api();
        assert!(asks("SELECT * FROM persons"));
        assert!(asks("SELECT * FROM crm.PERSONS"));
        assert!(asks(
            "SELECT value FROM generate_series(1, 3) WHERE value IN (SELECT id FROM persons)"
        ));
        assert!(asks(
            "SELECT 1 FROM sys.sys_tables UNION ALL SELECT id FROM persons"
        ));
        assert!(!asks("SELECT value FROM generate_series(1, 3)"));
        assert!(!asks("SELECT * FROM sys.sys_tables"));
        assert!(!asks("SELECT 1"));
    }

    #[test]
    fn an_unconstrained_marker_has_no_type_and_a_constrained_one_does() {
        let e = engine();
        let p = block_on(e.prepare("SELECT ?", true)).expect("prepare");
        assert_eq!(p.param_type(0), None);
        let p = block_on(e.prepare("SELECT ? + CAST(1 AS BIGINT)", true)).expect("prepare");
        assert_eq!(p.param_type(0), Some(DataType::Int64));
    }

    #[test]
    fn a_bound_value_gives_the_result_its_type() {
        assert_eq!(
            first_value("SELECT ?", vec![ScalarValue::Int32(Some(42))]),
            ScalarValue::Int32(Some(42))
        );
    }

    #[test]
    fn a_fraction_bound_where_an_integer_was_inferred_keeps_its_fraction() {
        let value = first_value("SELECT ? / 4 AS q", vec![ScalarValue::Float64(Some(0.5))]);
        assert_eq!(value, ScalarValue::Float64(Some(0.125)));
    }

    #[test]
    fn markers_multiplied_together_take_the_bound_types() {
        let value = first_value(
            "SELECT ? * ?",
            vec![ScalarValue::Int32(Some(6)), ScalarValue::Int32(Some(7))],
        );
        assert_eq!(value.to_string(), "42");
    }

    #[test]
    fn read_only_refuses_writes_before_planning_and_ddl_is_always_refused() {
        use crate::error::{ErrorKind, SqlError};
        let kind = |engine: &Engine, sql: &str| match block_on(engine.prepare(sql, true)) {
            Err(e) => e.kind,
            Ok(_) => panic!("{sql} must be refused"),
        };
        let read_only = engine_with(true);
        let writable = engine_with(false);
        let missing = "INSERT INTO missing VALUES (1)";
        assert_eq!(
            kind(&read_only, missing),
            ErrorKind::Sql(SqlError::ReadOnly)
        );
        assert_eq!(
            kind(&writable, missing),
            ErrorKind::Sql(SqlError::TableNotFound)
        );
        for engine in [&read_only, &writable] {
            assert_eq!(
                kind(engine, "CREATE TABLE t (a INT)"),
                ErrorKind::Sql(SqlError::ReadOnly)
            );
        }
    }
}
