//! Hands the engine a profile table's custom fields as late columns: the engine decides when
//! (first use or listing), `rest` reads the definitions and builds the wider table. This module
//! only pairs a table with the table listing its fields.

use std::sync::Arc;

use datafusion::catalog::TableProvider;
use futures::future::BoxFuture;
use futures::FutureExt;

use crate::engine::LateColumns;
use crate::error::Result;
use crate::rest::RestTable;

struct CustomFieldColumns {
    table: Arc<RestTable>,
    definitions: Arc<RestTable>,
}

impl LateColumns for CustomFieldColumns {
    fn complete(&self) -> BoxFuture<'_, Result<Option<Arc<dyn TableProvider>>>> {
        async move {
            let wider = self.table.with_custom_fields(&self.definitions).await?;
            Ok(wider.map(|t| Arc::new(t) as Arc<dyn TableProvider>))
        }
        .boxed()
    }
}

/// The late columns of `table` when it has custom fields, listed by another of `tables`.
pub fn late_columns(
    table: &Arc<RestTable>,
    tables: &[Arc<RestTable>],
) -> Option<Arc<dyn LateColumns>> {
    let listing = table.custom_fields_table()?;
    let definitions = tables
        .iter()
        .find(|t| t.name().eq_ignore_ascii_case(listing))?;
    Some(Arc::new(CustomFieldColumns {
        table: table.clone(),
        definitions: definitions.clone(),
    }))
}
