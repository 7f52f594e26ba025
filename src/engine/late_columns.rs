//! Columns a table learns from its API when it is first used or listed (an account's custom
//! fields), once per connection: a statement naming the table, a statement reading
//! `sys.sys_tablecolumns`, or SQLColumns matching it completes the table first — its provider is
//! replaced by the one with every column, and the catalog and `sys` tables with it. Tables nobody
//! asks about cost no request. This module must not know where the columns come from (HTTP,
//! profiles): it asks a [`LateColumns`] for the complete provider.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use datafusion::catalog::TableProvider;
use datafusion::common::TableReference;
use datafusion::execution::session_state::SessionState;
use datafusion::sql::parser::Statement as DFStatement;
use futures::future::BoxFuture;

use super::catalog::{self, TableInfo};
use super::errors::from_datafusion;
use super::identifier_case::MixedCaseColumns;
use super::sys_tables::SYS_SCHEMA;
use super::{register_system_tables, Engine};
use crate::error::Result;

/// The `sys` table that lists every column: reading it lists every table's.
const COLUMNS_TABLE: &str = "sys_tablecolumns";

/// What the engine asks for a table's complete provider.
pub trait LateColumns: Send + Sync {
    /// The table's provider with its late columns added after its own; `None` when they cannot
    /// be asked for yet (no credential), so the table is asked about again next time.
    fn complete(&self) -> BoxFuture<'_, Result<Option<Arc<dyn TableProvider>>>>;
}

/// What a failure to read a table's late columns does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// Fail: a statement reads the table, and would fail or miss columns without them.
    Fail,
    /// Log it and list the table with the columns it has (catalog listings), asking again next
    /// time.
    Skip,
}

/// One table waiting for its late columns. Its lock is held while they are asked for, so two
/// statements of one connection never ask the API twice for one table; other tables, and
/// statements naming none still waiting, do not wait for it.
struct Slot {
    columns: Arc<dyn LateColumns>,
    done: tokio::sync::Mutex<bool>,
}

/// The tables with late columns, by (schema, name).
#[derive(Default)]
pub struct LateTables {
    slots: BTreeMap<(String, String), Arc<Slot>>,
    /// Tables not completed yet: a statement checks this without taking any lock.
    pending: AtomicUsize,
    /// Held while a completed table replaces its provider and the catalog; never across an await.
    apply: Mutex<()>,
}

impl LateTables {
    pub fn add(&mut self, schema: &str, name: &str, columns: Arc<dyn LateColumns>) {
        let slot = Arc::new(Slot {
            columns,
            done: tokio::sync::Mutex::new(false),
        });
        if self
            .slots
            .insert((schema.to_string(), name.to_string()), slot)
            .is_none()
        {
            *self.pending.get_mut() += 1;
        }
    }

    fn any_pending(&self) -> bool {
        self.pending.load(Ordering::SeqCst) > 0
    }
}

impl Engine {
    /// Completes every table `wanted(schema, name)` selects that still waits for its late
    /// columns, asking for all of them at once. A table whose columns could not be read stays
    /// as it was and is asked for again next time; with [`OnFailure::Fail`] the first such error
    /// is returned.
    pub async fn complete_tables(
        &self,
        wanted: impl Fn(&str, &str) -> bool,
        on_failure: OnFailure,
    ) -> Result<()> {
        if !self.late.any_pending() {
            return Ok(());
        }
        let due: Vec<(&(String, String), &Arc<Slot>)> = self
            .late
            .slots
            .iter()
            .filter(|((schema, name), _)| wanted(schema, name))
            .collect();
        let answers = futures::future::join_all(
            due.iter()
                .map(|((schema, name), slot)| self.complete_one(schema, name, slot)),
        )
        .await;
        match answers.into_iter().find_map(Result::err) {
            Some(e) if on_failure == OnFailure::Fail => Err(e),
            _ => Ok(()),
        }
    }

    async fn complete_one(&self, schema: &str, name: &str, slot: &Slot) -> Result<()> {
        let mut done = slot.done.lock().await;
        if *done {
            return Ok(());
        }
        let provider = match slot.columns.complete().await {
            Ok(Some(provider)) => provider,
            Ok(None) => return Ok(()),
            Err(e) => {
                tracing::warn!(
                    "The columns of {schema}.{name} could not all be read: {}",
                    e.message
                );
                return Err(e);
            }
        };
        self.replace_table(schema, name, provider)?;
        *done = true;
        self.late.pending.fetch_sub(1, Ordering::SeqCst);
        Ok(())
    }

    /// Puts a completed table's provider in place (one step: plans made before keep the old
    /// one), with its catalog entry, the `sys` tables and the mixed-case names that follow.
    fn replace_table(
        &self,
        schema: &str,
        name: &str,
        provider: Arc<dyn TableProvider>,
    ) -> Result<()> {
        let _applying = self.late.apply.lock().unwrap_or_else(|p| p.into_inner());
        let mut catalog = catalog::CatalogInfo::clone(&self.catalog());
        let info = TableInfo::from_schema(schema, name, catalog::TABLE, &provider.schema());
        if let Some(entry) = catalog
            .tables
            .iter_mut()
            .find(|t| t.schema == schema && t.name == name)
        {
            *entry = info;
        }
        self.ctx
            .register_table(TableReference::partial(schema, name), provider)
            .map_err(from_datafusion)?;
        register_system_tables(&self.ctx, &catalog, &self.connection_props)?;
        *self.mixed_case.write().unwrap_or_else(|p| p.into_inner()) =
            Arc::new(MixedCaseColumns::from_catalog(&catalog));
        *self.catalog.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(catalog);
        Ok(())
    }

    /// Completes the tables a statement names (every table when it reads the `sys` table of
    /// columns).
    pub(super) async fn complete_referenced(
        &self,
        state: &SessionState,
        statement: &DFStatement,
    ) -> Result<()> {
        if !self.late.any_pending() {
            return Ok(());
        }
        let references = state
            .resolve_table_references(statement)
            .map_err(from_datafusion)?;
        let named: Vec<(String, String)> = references
            .iter()
            .map(|r| {
                (
                    r.schema().unwrap_or(&self.default_schema).to_string(),
                    r.table().to_string(),
                )
            })
            .collect();
        let lists_columns = named
            .iter()
            .any(|(schema, table)| schema == SYS_SCHEMA && table == COLUMNS_TABLE);
        // A table the statement reads fails it when its columns cannot be read; one it only
        // lists (`sys_tablecolumns`) is listed as it is.
        let reads = |schema: &str, table: &str| {
            named
                .iter()
                .any(|(s, t)| s.eq_ignore_ascii_case(schema) && t.eq_ignore_ascii_case(table))
        };
        self.complete_tables(reads, OnFailure::Fail).await?;
        if lists_columns {
            self.complete_tables(|_, _| true, OnFailure::Skip).await?;
        }
        Ok(())
    }

    pub(super) fn mixed_case(&self) -> Arc<MixedCaseColumns> {
        self.mixed_case
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
