//! An open result set: the stream of Arrow batches, the current rowset (the rows the last fetch
//! returned, possibly spanning batches), and the read position of SQLGetData on the current row.
//! Only one batch plus the rowset's rows are held, so memory stays flat however many rows there are.

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;

use super::c_data::ChunkState;
use crate::engine::errors::from_datafusion;
use crate::error::Result;
use crate::runtime::{DropOnStack, Stack};

/// Rows `start..start + len` of one batch, part of the current rowset.
pub struct Segment {
    pub batch: RecordBatch,
    pub start: usize,
    pub len: usize,
}

pub struct Cursor {
    pub schema: SchemaRef,
    /// The stack reading rows needs (a deep statement's expressions evaluate recursively).
    pub stack: Stack,
    stream: Option<DropOnStack<SendableRecordBatchStream>>,
    pending: Option<(RecordBatch, usize)>,
    pub rowset: Vec<Segment>,
    /// Rows delivered so far, for SQL_ATTR_MAX_ROWS.
    pub delivered: u64,
    pub max_rows: u64,
    /// SQLGetData's progress on the current row: which column, and how far into its value.
    pub get_data: Option<(u16, ChunkState)>,
}

impl Cursor {
    pub fn new(
        schema: SchemaRef,
        stream: SendableRecordBatchStream,
        max_rows: u64,
        stack: Stack,
    ) -> Cursor {
        Cursor {
            schema,
            stack,
            stream: Some(DropOnStack::new(stream, stack)),
            pending: None,
            rowset: Vec::new(),
            delivered: 0,
            max_rows,
            get_data: None,
        }
    }

    /// The batch and row index of row `i` of the current rowset.
    pub fn row(&self, mut i: usize) -> Option<(&RecordBatch, usize)> {
        for seg in &self.rowset {
            if i < seg.len {
                return Some((&seg.batch, seg.start + i));
            }
            i -= seg.len;
        }
        None
    }

    /// Moves to the next rowset of at most `size` rows; an empty rowset means the end.
    pub async fn advance(&mut self, size: usize) -> Result<usize> {
        self.rowset.clear();
        self.get_data = None;
        let mut wanted = size;
        if self.max_rows > 0 {
            wanted = wanted.min(self.max_rows.saturating_sub(self.delivered) as usize);
        }
        let mut got = 0usize;
        while got < wanted {
            let (batch, offset) = match self.pending.take() {
                Some(p) => p,
                None => match self.next_batch().await? {
                    Some(batch) => (batch, 0),
                    None => break,
                },
            };
            let available = batch.num_rows() - offset;
            let take = available.min(wanted - got);
            if take == 0 {
                continue;
            }
            self.rowset.push(Segment {
                batch: batch.clone(),
                start: offset,
                len: take,
            });
            got += take;
            if offset + take < batch.num_rows() {
                self.pending = Some((batch, offset + take));
            }
        }
        self.delivered += got as u64;
        if got == 0 {
            // Finished: drop the stream so the engine's resources go now, not at SQLCloseCursor.
            self.stream = None;
        }
        Ok(got)
    }

    async fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        let Some(stream) = self.stream.as_mut() else {
            return Ok(None);
        };
        loop {
            match stream.next().await {
                Some(Ok(batch)) if batch.num_rows() == 0 => continue,
                Some(Ok(batch)) => return Ok(Some(batch)),
                Some(Err(e)) => return Err(from_datafusion(e)),
                None => return Ok(None),
            }
        }
    }
}
