//! Reads a query's batches on the driver's runtime while the application works on the rows it
//! already has. DataFusion merges a query's partitions through a channel two batches deep, so
//! without this, while the application's thread converts a rowset into its buffers and reads it,
//! the engine's workers soon have nowhere to put their next batch and a core idles.
//!
//! The statement uses it only for rows the driver computes (`Prepared::asks_api`): an API's page
//! read ahead and never fetched would cost a request, and those scans wait on the API, not on a
//! core. The first [`START_AFTER_BATCHES`] batches the application takes straight from the
//! engine, as before, so a small result never waits for a worker that another statement keeps
//! busy. After that it reads only as far ahead as the application has shown it reads on: never
//! more batches ahead than it has taken so far, at most [`MAX_BATCHES_AHEAD`] and about
//! [`MAX_BYTES_AHEAD`], and never past SQL_ATTR_MAX_ROWS, so a client that reads a few rowsets and
//! closes costs at most as much work again as it read. It owns the queue and the task that fills it; it must not
//! change, reorder or drop a batch, and it must not lose an error: a reader that stops without
//! reaching the end (a panic) is an error, never a short result.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::lock;

/// The most batches read ahead of the application (measured: 8 keeps both cores busy on a
/// 2-core machine; more gained nothing).
pub const MAX_BATCHES_AHEAD: usize = 8;

/// Batches held ahead stop being read past this many bytes (the first batch is always read).
pub const MAX_BYTES_AHEAD: usize = 32 << 20;

/// Batches the application takes straight from the engine before the rest is read ahead: a
/// small result (most statements are one batch) never needs a task, so it never waits for a
/// runtime worker that another statement's long computation keeps busy.
pub const START_AFTER_BATCHES: usize = 2;

/// `stream`, read ahead on the driver's runtime once the application has taken
/// [`START_AFTER_BATCHES`]; `max_rows` (0: no limit) is where reading stops. Without the runtime
/// (a forked child) the stream is read as it is: reading ahead is only ever an optimisation.
pub fn read_ahead(stream: SendableRecordBatchStream, max_rows: u64) -> SendableRecordBatchStream {
    let schema = stream.schema();
    let feed = Feed {
        direct: Some(stream),
        taken: 0,
        rows: 0,
        max_rows,
        reader: None,
    };
    // Fused: a cursor asks again after a partial last rowset, and an unfold must not be.
    let batches = futures::stream::unfold(feed, |mut feed| async move {
        let item = feed.next().await?;
        Some((item, feed))
    })
    .fuse();
    Box::pin(RecordBatchStreamAdapter::new(schema, batches))
}

/// Where the application's next batch comes from: the engine's stream itself, then the queue
/// the task fills.
struct Feed {
    direct: Option<SendableRecordBatchStream>,
    taken: usize,
    rows: u64,
    max_rows: u64,
    reader: Option<Reader>,
}

impl Feed {
    async fn next(&mut self) -> Option<DfResult<RecordBatch>> {
        if let Some(reader) = self.reader.as_mut() {
            return reader.next().await;
        }
        let item = self.direct.as_mut()?.next().await;
        match &item {
            Some(Ok(batch)) => {
                self.taken += 1;
                self.rows += batch.num_rows() as u64;
            }
            Some(Err(_)) | None => {
                self.direct = None;
                return item;
            }
        }
        let unlimited = self.max_rows == 0;
        if self.taken < START_AFTER_BATCHES || !(unlimited || self.rows < self.max_rows) {
            return item;
        }
        // Without the runtime (a forked child) the stream stays where it is.
        let Ok(runtime) = crate::runtime::handle() else {
            return item;
        };
        let Some(stream) = self.direct.take() else {
            return item;
        };
        let left = if unlimited {
            0
        } else {
            self.max_rows - self.rows
        };
        self.reader = Some(Reader::start(&runtime, stream, left, self.taken));
        item
    }
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    /// The application took a batch: there may be room again.
    taken: Notify,
    /// A batch (or the end) is in the queue.
    put: Notify,
    /// The task is over and the engine's stream dropped (a plain condition variable: the
    /// application's thread waits on it outside any runtime).
    gone: (Mutex<bool>, Condvar),
}

#[derive(Default)]
struct Queue {
    items: VecDeque<DfResult<RecordBatch>>,
    bytes: usize,
    /// Batches the application has taken so far: how far ahead it is worth reading.
    taken: usize,
    end: End,
}

#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    #[default]
    Open,
    /// Every batch (or the error that ended the result) is in the queue.
    Reached,
    /// The reading task stopped without reaching the end.
    Lost,
}

impl Queue {
    fn has_room(&self) -> bool {
        let ahead = self.taken.clamp(1, MAX_BATCHES_AHEAD);
        self.items.is_empty() || (self.items.len() < ahead && self.bytes < MAX_BYTES_AHEAD)
    }
}

/// The engine's stream, owned by the task. However the task ends (the end read, aborted before
/// or while it ran, a panic), dropping this drops the stream first, then marks a queue without
/// its end lost and tells a waiting [`Reader::drop`] that the stream is gone.
struct Source {
    stream: Option<SendableRecordBatchStream>,
    shared: Arc<Shared>,
}

impl Drop for Source {
    fn drop(&mut self) {
        drop(self.stream.take());
        let mut queue = lock(&self.shared.queue);
        if queue.end == End::Open {
            queue.end = End::Lost;
        }
        drop(queue);
        self.shared.put.notify_one();
        let (gone, changed) = &self.shared.gone;
        *lock(gone) = true;
        changed.notify_all();
    }
}

/// The task: moves batches from the engine's stream into the queue while there is room.
async fn fill(mut source: Source, max_rows: u64) {
    let shared = source.shared.clone();
    let mut rows = 0u64;
    while let Some(reading) = source.stream.as_mut() {
        loop {
            // `notify_one` keeps a wake-up that comes before this wait, so none is missed.
            let room = shared.taken.notified();
            if lock(&shared.queue).has_room() {
                break;
            }
            room.await;
        }
        let item = reading.next().await;
        let done = match &item {
            Some(Ok(batch)) => {
                rows += batch.num_rows() as u64;
                max_rows > 0 && rows >= max_rows
            }
            Some(Err(_)) | None => true,
        };
        if done {
            // The engine's resources (and any request in flight) go as soon as the end is read,
            // before the application can see the end.
            source.stream = None;
        }
        let mut queue = lock(&shared.queue);
        if let Some(item) = item {
            if let Ok(batch) = &item {
                queue.bytes += batch.get_array_memory_size();
            }
            queue.items.push_back(item);
        }
        if done {
            queue.end = End::Reached;
        }
        drop(queue);
        shared.put.notify_one();
    }
}

/// The application's side of the queue; dropping it stops the task.
struct Reader {
    shared: Arc<Shared>,
    task: Option<JoinHandle<()>>,
}

impl Reader {
    /// Starts the task on `stream`, reading at most `max_rows` more rows (0: all), as far ahead
    /// as `taken` batches already taken allow.
    fn start(
        runtime: &tokio::runtime::Handle,
        stream: SendableRecordBatchStream,
        max_rows: u64,
        taken: usize,
    ) -> Reader {
        let shared = Arc::new(Shared::default());
        lock(&shared.queue).taken = taken;
        let source = Source {
            stream: Some(stream),
            shared: shared.clone(),
        };
        let task = runtime.spawn(fill(source, max_rows));
        Reader {
            shared,
            task: Some(task),
        }
    }

    async fn next(&mut self) -> Option<DfResult<RecordBatch>> {
        loop {
            let put = self.shared.put.notified();
            {
                let mut queue = lock(&self.shared.queue);
                if let Some(item) = queue.items.pop_front() {
                    if let Ok(batch) = &item {
                        queue.bytes = queue.bytes.saturating_sub(batch.get_array_memory_size());
                    }
                    queue.taken += 1;
                    drop(queue);
                    self.shared.taken.notify_one();
                    return Some(item);
                }
                match queue.end {
                    End::Open => {}
                    End::Reached => return None,
                    End::Lost => {
                        // Reported once; the cursor stops at an error.
                        queue.end = End::Reached;
                        return Some(Err(DataFusionError::Execution(
                            "The driver's reader of this result stopped before its end (an internal error); no more rows can be read. Execute the statement again".into(),
                        )));
                    }
                }
            }
            put.await;
        }
    }
}

/// How long closing a cursor waits for the engine's stream to go; a worker busy with another
/// statement's long computation must not hold the application up for longer.
const GONE_WAIT: Duration = Duration::from_secs(5);

impl Drop for Reader {
    fn drop(&mut self) {
        let Some(task) = self.task.take() else {
            return;
        };
        task.abort();
        // Wait for the engine's stream to be dropped, so that by the time the cursor is closed
        // its work has stopped and its log line is written. Not on a runtime's thread, which may
        // be the one that would drop it, nor in a forked child, where no worker ever will.
        if tokio::runtime::Handle::try_current().is_ok() || !crate::runtime::workers_here() {
            return;
        }
        let (gone, changed) = &self.shared.gone;
        let guard = lock(gone);
        let _ = changed.wait_timeout_while(guard, GONE_WAIT, |gone| !*gone);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int64Array;
    use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]))
    }

    fn batch(from: i64, rows: i64) -> RecordBatch {
        RecordBatch::try_new(
            schema(),
            vec![Arc::new(Int64Array::from_iter_values(from..from + rows))],
        )
        .expect("batch")
    }

    /// A stream of `count` batches of 10 rows that counts how many were read from it.
    fn counted(count: usize, read: Arc<AtomicUsize>) -> SendableRecordBatchStream {
        let batches = futures::stream::iter(0..count).map(move |i| {
            read.fetch_add(1, Ordering::SeqCst);
            Ok(batch(i as i64 * 10, 10))
        });
        Box::pin(RecordBatchStreamAdapter::new(schema(), batches))
    }

    fn values(batches: &[RecordBatch]) -> Vec<i64> {
        batches
            .iter()
            .flat_map(|b| {
                let column = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
                column.values().to_vec()
            })
            .collect()
    }

    fn block_on<F: std::future::Future + Send>(future: F) -> F::Output
    where
        F::Output: Send,
    {
        crate::runtime::wait_on(crate::runtime::Stack::Caller, future).expect("runtime")
    }

    /// Every item of `stream`, to its end.
    fn read_all(mut stream: SendableRecordBatchStream) -> Vec<DfResult<RecordBatch>> {
        block_on(async move {
            let mut all = Vec::new();
            while let Some(item) = stream.next().await {
                all.push(item);
            }
            all
        })
    }

    fn batches(items: Vec<DfResult<RecordBatch>>) -> Vec<RecordBatch> {
        items.into_iter().map(|b| b.expect("batch")).collect()
    }

    /// Waits until `read` reaches `expected` (a loaded machine may take a while), then gives
    /// the reading task time to read past it, which it must not.
    fn settles_at(read: &AtomicUsize, expected: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while read.load(Ordering::SeqCst) < expected && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(read.load(Ordering::SeqCst), expected);
    }

    #[test]
    fn every_batch_arrives_once_and_in_order() {
        let read = Arc::new(AtomicUsize::new(0));
        let got = batches(read_all(read_ahead(counted(100, read.clone()), 0)));
        assert_eq!(values(&got), (0..1000).collect::<Vec<i64>>());
        assert_eq!(read.load(Ordering::SeqCst), 100);
    }

    #[test]
    fn a_small_result_is_read_on_the_callers_thread() {
        let threads = Arc::new(Mutex::new(Vec::new()));
        let seen = threads.clone();
        // Two batches: 16,384 rows of the engine's.
        let items = futures::stream::iter(0..2).map(move |i| {
            lock(&seen).push(std::thread::current().id());
            Ok(batch(i * 10, 10))
        });
        let got = read_all(read_ahead(
            Box::pin(RecordBatchStreamAdapter::new(schema(), items)),
            0,
        ));
        assert_eq!(batches(got).len(), 2);
        let me = std::thread::current().id();
        assert!(lock(&threads).iter().all(|t| *t == me), "read by a worker");
    }

    #[test]
    fn asking_again_after_the_end_is_still_the_end() {
        let read = Arc::new(AtomicUsize::new(0));
        let mut stream = read_ahead(counted(2, read), 0);
        block_on(async {
            assert!(stream.next().await.is_some());
            assert!(stream.next().await.is_some());
            for _ in 0..3 {
                assert!(stream.next().await.is_none());
            }
        });
    }

    #[test]
    fn it_reads_no_further_ahead_than_the_application_has_read() {
        let read = Arc::new(AtomicUsize::new(0));
        let mut stream = read_ahead(counted(100, read.clone()), 0);
        // Nothing is read before the first fetch, and the first batches come straight.
        settles_at(&read, 0);
        block_on(stream.next()).expect("a batch").expect("no error");
        settles_at(&read, 1);
        block_on(stream.next()).expect("a batch").expect("no error");
        // Two taken: the task starts, and holds two more.
        settles_at(&read, 4);
        for _ in 0..3 {
            block_on(stream.next()).expect("a batch").expect("no error");
        }
        // Five taken: five more held.
        settles_at(&read, 10);
        for _ in 0..28 {
            block_on(stream.next()).expect("a batch").expect("no error");
        }
        settles_at(&read, 33 + MAX_BATCHES_AHEAD);
        drop(stream);
        assert_eq!(read.load(Ordering::SeqCst), 33 + MAX_BATCHES_AHEAD);
    }

    #[test]
    fn it_stops_reading_at_max_rows() {
        let read = Arc::new(AtomicUsize::new(0));
        let got = batches(read_all(read_ahead(counted(100, read.clone()), 25)));
        // Whole batches up to the one that reaches the limit; the cursor cuts the last.
        assert_eq!(values(&got), (0..30).collect::<Vec<i64>>());
        assert_eq!(read.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn an_error_arrives_after_the_batches_before_it_and_ends_the_reading() {
        let read = Arc::new(AtomicUsize::new(0));
        let counter = read.clone();
        let items = futures::stream::iter(0..10).map(move |i| {
            counter.fetch_add(1, Ordering::SeqCst);
            if i == 2 {
                Err(DataFusionError::Execution("page 3 failed".into()))
            } else {
                Ok(batch(i * 10, 10))
            }
        });
        let got = read_all(read_ahead(
            Box::pin(RecordBatchStreamAdapter::new(schema(), items)),
            0,
        ));
        assert_eq!(got.len(), 3);
        assert!(got[0].is_ok() && got[1].is_ok());
        let error = got[2].as_ref().expect_err("the error");
        assert!(error.to_string().contains("page 3 failed"), "{error}");
        assert_eq!(read.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_reader_that_dies_is_an_error_not_a_short_result() {
        let items = futures::stream::iter(0..10).map(|i| {
            if i == 2 {
                panic!("a bug in a scan");
            }
            Ok(batch(i * 10, 10))
        });
        let got = read_all(read_ahead(
            Box::pin(RecordBatchStreamAdapter::new(schema(), items)),
            0,
        ));
        assert_eq!(got.len(), 3, "two batches, then the error");
        let error = got[2].as_ref().expect_err("the error");
        assert!(
            error.to_string().contains("stopped before its end"),
            "{error}"
        );
    }

    #[test]
    fn closing_early_drops_the_engines_stream_before_it_returns() {
        struct Dropped(Arc<AtomicUsize>);
        impl Drop for Dropped {
            fn drop(&mut self) {
                // Slow, like a scan that stops its requests: closing must wait all the same.
                std::thread::sleep(std::time::Duration::from_millis(30));
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        let guard = Dropped(dropped.clone());
        let items = futures::stream::iter(0..1000).map(move |i| {
            let _ = &guard;
            Ok(batch(i * 10, 10))
        });
        let mut stream = read_ahead(Box::pin(RecordBatchStreamAdapter::new(schema(), items)), 0);
        for _ in 0..START_AFTER_BATCHES + 1 {
            block_on(stream.next()).expect("a batch").expect("no error");
        }
        drop(stream);
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
    }
}
