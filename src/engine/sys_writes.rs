//! `sys.sys_writes`: the connection's write log as a table (the keys an INSERT created, what
//! became of each row of a write that failed), read when the table is scanned. It turns log
//! entries into rows only; the log itself is `write_log`'s.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int32Array, Int64Array, StringArray};

use crate::request_log::RequestLog;
use crate::write_log::WriteEntry;

/// The table's columns, from the log as it is now.
pub fn columns(log: &RequestLog) -> Vec<ArrayRef> {
    columns_of(&log.writes.entries())
}

fn columns_of(entries: &[WriteEntry]) -> Vec<ArrayRef> {
    let saturate = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let text = |f: &dyn Fn(&WriteEntry) -> Option<&str>| -> ArrayRef {
        Arc::new(StringArray::from(entries.iter().map(f).collect::<Vec<_>>()))
    };
    vec![
        Arc::new(Int64Array::from_iter_values(
            entries.iter().map(|e| saturate(e.statement)),
        )),
        text(&|e| Some(e.table.as_str())),
        text(&|e| Some(e.operation)),
        Arc::new(Int64Array::from_iter_values(
            entries.iter().map(|e| saturate(e.row)),
        )),
        text(&|e| e.key.as_deref()),
        text(&|e| Some(e.outcome.name())),
        Arc::new(Int32Array::from(
            entries
                .iter()
                .map(|e| e.status.map(i32::from))
                .collect::<Vec<_>>(),
        )),
        text(&|e| (!e.message.is_empty()).then_some(e.message.as_str())),
    ]
}
