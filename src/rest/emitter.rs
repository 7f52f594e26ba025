//! Rows on their way out of a scan: converted to Arrow batches, cut to the query's limit, and sent
//! into the channel the engine reads (capacity 1, so a slow reader holds the scan back).

use datafusion::arrow::record_batch::RecordBatch;
use tokio::sync::mpsc;

use serde_json::Value;

use super::json_to_arrow::{Converter, Row};
use super::records::Records;
use crate::error::Result;

pub type Sender = mpsc::Sender<Result<RecordBatch>>;

/// Emits rows as batches, counting towards the limit; false when the consumer is gone or full.
pub struct Emitter<'a> {
    pub conv: &'a Converter,
    pub tx: &'a Sender,
    pub left: Option<u64>,
}

impl Emitter<'_> {
    pub fn done(&self) -> bool {
        self.left == Some(0)
    }

    /// Sends `rows` (cut to the limit); false when no more rows are wanted.
    pub async fn emit(&mut self, mut rows: Vec<Row>) -> Result<bool> {
        if let Some(left) = self.left {
            rows.truncate(usize::try_from(left).unwrap_or(usize::MAX));
            self.left = Some(left - rows.len() as u64);
        }
        if !rows.is_empty() {
            let batch = self.conv.convert(&rows)?;
            if self.tx.send(Ok(batch)).await.is_err() {
                return Ok(false);
            }
        }
        Ok(!self.done())
    }

    /// Like [`Emitter::emit`] for a pager's chunk, every row with `context`.
    pub async fn emit_records(
        &mut self,
        records: &mut Records,
        context: Option<&Value>,
    ) -> Result<bool> {
        if let Some(left) = self.left {
            records.truncate(usize::try_from(left).unwrap_or(usize::MAX));
            self.left = Some(left - records.len() as u64);
        }
        if !records.is_empty() {
            let batch = self.conv.convert_records(records, context)?;
            if self.tx.send(Ok(batch)).await.is_err() {
                return Ok(false);
            }
        }
        Ok(!self.done())
    }
}
