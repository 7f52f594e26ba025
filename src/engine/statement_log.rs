//! The log's line per statement (Verbosity 2 and up): when a query's rows have all been read, or
//! the statement is closed before that, what it asked of the API. It wraps the row stream and
//! changes nothing in it.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::Result as DfResult;
use datafusion::physical_plan::{RecordBatchStream, SendableRecordBatchStream};
use futures::Stream;

use crate::request_log::RequestLog;

pub struct Logged {
    inner: SendableRecordBatchStream,
    statement: u64,
    requests: Arc<RequestLog>,
}

impl Logged {
    pub fn new(
        inner: SendableRecordBatchStream,
        statement: u64,
        requests: Arc<RequestLog>,
    ) -> Self {
        Logged {
            inner,
            statement,
            requests,
        }
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        if tracing::enabled!(target: crate::logging::STATEMENTS, tracing::Level::INFO) {
            tracing::info!(target: crate::logging::STATEMENTS, "{}", self.requests.summary(self.statement));
        }
    }
}

impl Stream for Logged {
    type Item = DfResult<RecordBatch>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl RecordBatchStream for Logged {
    fn schema(&self) -> SchemaRef {
        self.inner.schema()
    }
}
