//! What a connection asked of its API, statement by statement: one entry per request (or cache
//! hit), which `sys.sys_requests` shows. The engine numbers statements as it executes them; the
//! REST scan runs each statement's requests inside that number (a tokio task-local, carried into
//! the tasks it spawns) and the client records them here. It owns the log and the numbering only;
//! it sends nothing, and holds URLs only as the client masked them (no credential).

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Entries kept per connection; the oldest go first.
const MAX_ENTRIES: usize = 10_000;
/// Statements remembered as bypassing the cache.
const MAX_UNCACHED: usize = 64;

tokio::task_local! {
    static STATEMENT: u64;
}

/// One request as the log keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestEntry {
    /// The connection's statement that sent it, from 1; 0 outside any statement (connecting).
    pub statement: u64,
    pub method: String,
    /// The URL as the client asks for it before adding credentials (masked all the same).
    pub url: String,
    /// The HTTP status of the last attempt; `None` when none answered.
    pub status: Option<u16>,
    /// Answered from the result cache: nothing was sent.
    pub from_cache: bool,
    /// Times it was sent (1 plus retries).
    pub attempts: u32,
    /// Milliseconds spent waiting for the API's rate budget (and after 429s).
    pub waited_ms: u64,
    /// The body's size when known before reading it.
    pub bytes: Option<u64>,
    /// Milliseconds until the answer (its headers, for a streamed page).
    pub elapsed_ms: u64,
}

/// A connection's request log.
#[derive(Default)]
pub struct RequestLog {
    last_statement: AtomicU64,
    /// Recent statements that asked to bypass the result cache (`/*+ NO_CACHE */`).
    uncached: Mutex<VecDeque<u64>>,
    entries: Mutex<VecDeque<RequestEntry>>,
    /// What the connection's writes did, row by row.
    pub writes: crate::write_log::WriteLog,
}

impl std::fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RequestLog(statement {})", self.last_statement())
    }
}

impl RequestLog {
    /// Numbers the statement being executed; the scans it starts read it with [`current`].
    /// `no_cache`: its requests are sent even where the result cache has an answer.
    pub fn begin_statement(&self, no_cache: bool) -> u64 {
        let statement = self.last_statement.fetch_add(1, Ordering::SeqCst) + 1;
        if no_cache {
            let mut uncached = self.uncached.lock().unwrap_or_else(|p| p.into_inner());
            // Only statements still running matter; a few dozen cursors open at once is plenty.
            if uncached.len() == MAX_UNCACHED {
                uncached.pop_front();
            }
            uncached.push_back(statement);
        }
        statement
    }

    /// Whether `statement` asked to bypass the result cache.
    pub fn bypasses_cache(&self, statement: u64) -> bool {
        let uncached = self.uncached.lock().unwrap_or_else(|p| p.into_inner());
        uncached.contains(&statement)
    }

    /// The number the next statement executed will have: a statement being prepared (whose
    /// tables may read their custom fields first) is counted with it. A connection preparing on
    /// one handle while executing on another may see those requests under its neighbour's number;
    /// they are never lost from the log.
    pub fn next_statement(&self) -> u64 {
        self.last_statement() + 1
    }

    /// The number of the statement executed last.
    pub fn last_statement(&self) -> u64 {
        self.last_statement.load(Ordering::SeqCst)
    }

    pub fn record(&self, mut entry: RequestEntry) {
        entry.statement = current();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() == MAX_ENTRIES {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// One line for the log: what `statement` asked of the API.
    pub fn summary(&self, statement: u64) -> String {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mine: Vec<&RequestEntry> = entries
            .iter()
            .filter(|e| e.statement == statement)
            .collect();
        let hits = mine.iter().filter(|e| e.from_cache).count();
        let retries: u32 = mine.iter().map(|e| e.attempts.saturating_sub(1)).sum();
        let waited: u64 = mine.iter().map(|e| e.waited_ms).sum();
        format!(
            "statement {statement}: {} requests sent, {hits} answered from the cache, {retries} retries, {waited} ms waiting for the rate limit",
            mine.len() - hits
        )
    }

    pub fn entries(&self) -> Vec<RequestEntry> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.iter().cloned().collect()
    }
}

/// The statement whose requests the running task sends; 0 outside any.
pub fn current() -> u64 {
    STATEMENT.try_with(|s| *s).unwrap_or(0)
}

/// Runs `work` as part of `statement` (also for the tasks it spawns through this).
pub fn in_statement<F: Future>(statement: u64, work: F) -> impl Future<Output = F::Output> {
    STATEMENT.scope(statement, work)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str) -> RequestEntry {
        RequestEntry {
            statement: 0,
            method: "GET".into(),
            url: url.into(),
            status: Some(200),
            from_cache: false,
            attempts: 1,
            waited_ms: 0,
            bytes: None,
            elapsed_ms: 1,
        }
    }

    #[tokio::test]
    async fn entries_carry_the_statement_they_ran_in() {
        let log = RequestLog::default();
        log.record(entry("/connect"));
        let first = log.begin_statement(false);
        in_statement(first, async { log.record(entry("/a")) }).await;
        let second = log.begin_statement(false);
        in_statement(second, async { log.record(entry("/b")) }).await;
        let got: Vec<(u64, String)> = log
            .entries()
            .into_iter()
            .map(|e| (e.statement, e.url))
            .collect();
        assert_eq!(
            got,
            [(0, "/connect".into()), (1, "/a".into()), (2, "/b".into())]
        );
        assert_eq!(log.last_statement(), 2);
    }
}
