//! `sys.sys_requests`: the connection's request log as a table, read when the table is scanned so
//! each query sees the requests up to the statements before it. It turns log entries into rows
//! only; the log itself is `request_log`'s.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Int32Array, Int64Array, StringArray};

use crate::request_log::RequestEntry;
use crate::request_log::RequestLog;

/// The table's columns, from the log as it is now.
pub fn columns(log: &RequestLog) -> Vec<ArrayRef> {
    columns_of(&log.entries())
}

fn columns_of(entries: &[RequestEntry]) -> Vec<ArrayRef> {
    let int64 = |f: &dyn Fn(&RequestEntry) -> Option<i64>| -> ArrayRef {
        Arc::new(Int64Array::from(entries.iter().map(f).collect::<Vec<_>>()))
    };
    let saturate = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    vec![
        int64(&|e| Some(saturate(e.statement))),
        Arc::new(StringArray::from_iter_values(
            entries.iter().map(|e| e.method.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            entries.iter().map(|e| e.url.as_str()),
        )),
        Arc::new(Int32Array::from(
            entries
                .iter()
                .map(|e| e.status.map(i32::from))
                .collect::<Vec<_>>(),
        )),
        Arc::new(BooleanArray::from(
            entries.iter().map(|e| e.from_cache).collect::<Vec<_>>(),
        )),
        Arc::new(Int32Array::from(
            entries
                .iter()
                .map(|e| i32::try_from(e.attempts).unwrap_or(i32::MAX))
                .collect::<Vec<_>>(),
        )),
        int64(&|e| Some(saturate(e.waited_ms))),
        int64(&|e| e.bytes.map(saturate)),
        int64(&|e| Some(saturate(e.elapsed_ms))),
    ]
}
