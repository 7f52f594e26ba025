//! What a connection's writes did, row by row: one entry per row an INSERT, UPDATE or DELETE
//! meant to change, with the key and the outcome, which `sys.sys_writes` shows (the keys an
//! INSERT created, which rows of a failed statement were applied). It owns the log only; it sends
//! nothing and holds no value the row carried besides its key.

use std::collections::VecDeque;
use std::sync::Mutex;

/// Entries kept per connection; the oldest go first.
const MAX_ENTRIES: usize = 10_000;

/// What became of one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The API answered with success.
    Applied,
    /// The API refused it (a 4xx): nothing changed.
    Refused,
    /// The request failed in a way that leaves unknown whether the API applied it (a 5xx or a
    /// broken connection after a POST, which is never sent again).
    Unknown,
    /// A row that takes several requests (two routes, or one per column): some were applied,
    /// then one failed.
    Partial,
    /// Not sent: an earlier row failed and the statement stopped.
    NotSent,
}

impl WriteOutcome {
    pub fn name(self) -> &'static str {
        match self {
            WriteOutcome::Applied => "applied",
            WriteOutcome::Refused => "refused",
            WriteOutcome::Unknown => "unknown",
            WriteOutcome::Partial => "partly applied",
            WriteOutcome::NotSent => "not sent",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct WriteEntry {
    /// The connection's statement, as `sys.sys_requests` numbers it.
    pub statement: u64,
    pub table: String,
    /// INSERT, UPDATE or DELETE.
    pub operation: &'static str,
    /// The row's place in the statement, from 1.
    pub row: u64,
    /// The record's key: the one the API gave a created record, or the one the row had.
    pub key: Option<String>,
    pub outcome: WriteOutcome,
    /// The HTTP status of the answer, when one came.
    pub status: Option<u16>,
    /// The API's message for a refused or failed row; empty when applied.
    pub message: String,
}

#[derive(Default)]
pub struct WriteLog {
    entries: Mutex<VecDeque<WriteEntry>>,
}

impl WriteLog {
    pub fn record(&self, entries: impl IntoIterator<Item = WriteEntry>) {
        let mut kept = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for entry in entries {
            if kept.len() == MAX_ENTRIES {
                kept.pop_front();
            }
            kept.push_back(entry);
        }
    }

    pub fn entries(&self) -> Vec<WriteEntry> {
        let kept = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter().cloned().collect()
    }
}
