//! The engine's schemas: tables by name, where registering a name again replaces its provider in
//! one step. DataFusion's own in-memory schema refuses a name it has, so replacing meant removing
//! first, and a statement planned on another handle in between found no such table. A plan made
//! before a replacement keeps the provider it was made with. This module holds no SQL and no
//! knowledge of where tables come from.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use datafusion::catalog::{SchemaProvider, TableProvider};
use datafusion::error::DataFusionError;

#[derive(Debug, Default)]
pub struct ReplaceableSchema {
    tables: RwLock<BTreeMap<String, Arc<dyn TableProvider>>>,
}

impl ReplaceableSchema {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Arc<dyn TableProvider>>> {
        self.tables.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Arc<dyn TableProvider>>> {
        self.tables.write().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait]
impl SchemaProvider for ReplaceableSchema {
    fn table_names(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>, DataFusionError> {
        Ok(self.read().get(name).cloned())
    }

    /// Registers `table` as `name`, replacing (and returning) the provider it had.
    fn register_table(
        &self,
        name: String,
        table: Arc<dyn TableProvider>,
    ) -> datafusion::error::Result<Option<Arc<dyn TableProvider>>> {
        Ok(self.write().insert(name, table))
    }

    fn deregister_table(
        &self,
        name: &str,
    ) -> datafusion::error::Result<Option<Arc<dyn TableProvider>>> {
        Ok(self.write().remove(name))
    }

    fn table_exist(&self, name: &str) -> bool {
        self.read().contains_key(name)
    }
}
