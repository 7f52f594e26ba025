//! An open result set: the stream of Arrow batches, the current rowset (the rows the last fetch
//! returned, possibly spanning batches), and the read position of SQLGetData on the current row.
//! A forward-only cursor holds one batch plus the rowset's rows, so memory stays flat however many
//! rows there are. A static (scrollable) cursor reads the whole result on its first fetch and holds
//! it, so SQLFetchScroll can move anywhere in it (`scroll` says where).

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;

use super::c_data::ChunkState;
use super::scroll::{land, Landing, Position};
use crate::engine::errors::from_datafusion;
use crate::error::Result;
use crate::odbc::attributes::SQL_FETCH_NEXT;
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
    /// A static cursor's rows, read whole on its first fetch; `None` for a forward-only cursor
    /// and before that fetch.
    held: Option<Held>,
    scrollable: bool,
    /// The error that ended the scan: the cursor stays open (as the specification has it after a
    /// failed SQLFetch, so SQLCloseCursor succeeds) but gives no more rows.
    failed: Option<crate::error::Error>,
    /// The text columns that declare a length (column index, characters), and the names of
    /// those where a value was cut to it since the last fetch reported it.
    declared: Vec<(usize, usize)>,
    cut: Vec<String>,
}

/// Every row of a static cursor's result, and where the cursor stands in it.
struct Held {
    batches: Vec<RecordBatch>,
    total: usize,
    position: Position,
}

impl Cursor {
    pub fn new(
        schema: SchemaRef,
        stream: SendableRecordBatchStream,
        max_rows: u64,
        stack: Stack,
        scrollable: bool,
    ) -> Cursor {
        Cursor {
            declared: super::declared_length::declared_lengths(&schema),
            schema,
            stack,
            stream: Some(DropOnStack::new(stream, stack)),
            pending: None,
            rowset: Vec::new(),
            delivered: 0,
            max_rows,
            get_data: None,
            held: None,
            scrollable,
            failed: None,
            cut: Vec::new(),
        }
    }

    /// The number (from 1) of the current rowset's first row; 0 when there is none.
    pub fn row_number(&self) -> u64 {
        match self.held.as_ref().map(|h| h.position) {
            Some(Position::At(start)) => start as u64 + 1,
            Some(_) => 0,
            None if self.rowset.is_empty() => 0,
            None => self.delivered - self.rowset.iter().map(|s| s.len as u64).sum::<u64>() + 1,
        }
    }

    /// Moves to the rowset that a fetch in `orientation` with `offset` reaches: forward-only
    /// cursors only take SQL_FETCH_NEXT. Returns the rows in it (0 at either end) and whether the
    /// position was clamped to the first row (01S06).
    pub async fn fetch(
        &mut self,
        orientation: i16,
        offset: isize,
        size: usize,
    ) -> Result<(usize, bool)> {
        if let Some(failed) = &self.failed {
            let mut again = failed.clone();
            again.message = format!(
                "{} (an earlier fetch failed; close the cursor and execute the statement again)",
                failed.message
            );
            return Err(again);
        }
        if !self.scrollable {
            if orientation != SQL_FETCH_NEXT {
                return Err(crate::error::Error::new(
                    crate::error::state::FETCH_TYPE_OUT_OF_RANGE,
                    "The cursor is forward-only: only SQL_FETCH_NEXT is supported; set SQL_ATTR_CURSOR_TYPE to SQL_CURSOR_STATIC (or SQL_ATTR_CURSOR_SCROLLABLE) before executing to scroll",
                ));
            }
            return Ok((self.advance(size).await?, false));
        }
        if self.held.is_none() {
            self.hold_everything().await?;
        }
        let Some(held) = self.held.as_mut() else {
            return Ok((0, false));
        };
        let Landing { position, clamped } =
            land(orientation, offset, held.position, size, held.total)?;
        held.position = position;
        self.rowset.clear();
        self.get_data = None;
        let Position::At(start) = position else {
            return Ok((0, clamped));
        };
        let end = (start + size.max(1)).min(held.total);
        let mut first = 0usize;
        for batch in &held.batches {
            let rows = batch.num_rows();
            let (from, to) = (start.max(first), end.min(first + rows));
            if from < to {
                self.rowset.push(Segment {
                    batch: batch.clone(),
                    start: from - first,
                    len: to - from,
                });
            }
            first += rows;
            if first >= end {
                break;
            }
        }
        Ok((end - start, clamped))
    }

    /// Reads the rest of the result into memory (up to SQL_ATTR_MAX_ROWS rows).
    async fn hold_everything(&mut self) -> Result<()> {
        let mut batches = Vec::new();
        let mut total = 0usize;
        let cap = (self.max_rows > 0).then_some(self.max_rows as usize);
        while let Some(batch) = self.next_batch().await? {
            let keep = match cap {
                Some(cap) => batch.num_rows().min(cap - total),
                None => batch.num_rows(),
            };
            if keep > 0 {
                total += keep;
                batches.push(batch.slice(0, keep));
            }
            if cap.is_some_and(|cap| total >= cap) {
                break;
            }
        }
        self.stream = None;
        self.delivered = total as u64;
        self.held = Some(Held {
            batches,
            total,
            position: Position::BeforeStart,
        });
        Ok(())
    }

    /// The columns where a value longer than its declared length was cut since the last call.
    pub fn take_cut(&mut self) -> Vec<String> {
        std::mem::take(&mut self.cut)
    }

    /// Ends a scan that failed with `error`: the engine's work and any request in flight stop now,
    /// and later fetches repeat the error instead of returning rows after a gap.
    pub fn stop(&mut self, error: &crate::error::Error) {
        self.stream = None;
        self.pending = None;
        self.held = None;
        self.rowset.clear();
        self.get_data = None;
        self.failed = Some(error.clone());
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
    async fn advance(&mut self, size: usize) -> Result<usize> {
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
                Some(Ok(batch)) if self.declared.is_empty() => return Ok(Some(batch)),
                Some(Ok(batch)) => {
                    let (batch, cut) =
                        super::declared_length::cut_to_declared(batch, &self.declared);
                    for index in cut {
                        let name = batch.schema().field(index).name().clone();
                        if !self.cut.contains(&name) {
                            self.cut.push(name);
                        }
                    }
                    return Ok(Some(batch));
                }
                Some(Err(e)) => return Err(from_datafusion(e)),
                None => return Ok(None),
            }
        }
    }
}
