//! Pages asked for before their turn: a page the API named (cursor, link) as soon as it is named,
//! and, when a list pages by offset or page number, the next several pages, whose URLs are known
//! in advance. Each is a spawned task (so it progresses while the current page is read) that reads
//! its body whole; the pager takes the answers in order. It owns only the requests in flight;
//! which URLs to ask for, and whether an answer is the one wanted, is the pager's business. A
//! request no longer wanted is aborted when dropped.

use std::collections::VecDeque;
use std::sync::Arc;

use reqwest::Url;
use tokio::task::JoinHandle;

use super::client::{ApiClient, Streamed};
use super::page_buffers::PageBuffers;
use crate::error::{Error, Result};

/// One request sent ahead of its turn.
struct Ahead {
    url: Url,
    task: Option<JoinHandle<Result<Streamed>>>,
}

impl Drop for Ahead {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// The requests a pager has in flight ahead of the page it reads.
pub struct Prefetch {
    client: Arc<ApiClient>,
    /// The most requests ahead (MaxConcurrentRequests - 1).
    most: usize,
    /// How many ahead for now: one more with each full page, up to `most`, so a short table costs
    /// no request past its end, one of k pages at most k past it, and a long one soon has `most`
    /// in flight. (Doubling asked up to six pages past the end of a four-page table.)
    window: usize,
    ahead: VecDeque<Ahead>,
    /// The memory the pages ahead are read into, kept from page to page of this scan and freed
    /// with it.
    buffers: Arc<PageBuffers>,
}

impl Prefetch {
    /// `None` when only one request may be in flight.
    pub fn new(client: Arc<ApiClient>, concurrency: usize) -> Option<Prefetch> {
        (concurrency > 1).then(|| Prefetch {
            client,
            most: concurrency - 1,
            window: 0,
            ahead: VecDeque::new(),
            buffers: Arc::default(),
        })
    }

    /// The answer to `url` if it was asked for ahead. Requests ahead of it that are not `url`
    /// (the API's answer went another way than predicted) are dropped.
    pub async fn take(&mut self, url: &Url) -> Option<Result<Streamed>> {
        let mut front = self.ahead.pop_front()?;
        if &front.url != url {
            self.ahead.clear();
            return None;
        }
        let task = front.task.take()?;
        Some(match task.await {
            Ok(answer) => answer,
            Err(e) => Err(Error::general(format!(
                "A request for {} sent ahead did not finish ({e})",
                self.client.mask(url)
            ))),
        })
    }

    /// Widens the window after a full page.
    pub fn widen(&mut self) {
        self.window = (self.window + 1).min(self.most);
    }

    /// Opens the window whole: the API said how many pages there are, so none is asked past them.
    pub fn widen_fully(&mut self) {
        self.window = self.most;
    }

    /// How many more requests may be sent ahead now.
    pub fn room(&self) -> usize {
        self.window.saturating_sub(self.ahead.len())
    }

    /// Whether `url` is already in flight.
    pub fn has(&self, url: &Url) -> bool {
        self.ahead.iter().any(|a| &a.url == url)
    }

    /// Sends `url` now; its answer waits for [`Prefetch::take`].
    pub fn send(&mut self, url: Url) {
        let client = self.client.clone();
        let buffers = self.buffers.clone();
        let target = url.clone();
        // Read whole in the task: a page ahead costs at most its body in memory, and an answer
        // past the list's end is complete (and cached) though nobody reads it.
        let statement = crate::request_log::current();
        let task = tokio::spawn(crate::request_log::in_statement(statement, async move {
            client.get_ahead(target, &buffers).await
        }));
        self.ahead.push_back(Ahead {
            url,
            task: Some(task),
        });
    }

    /// Drops every request in flight (the scan ended or went another way).
    pub fn clear(&mut self) {
        self.ahead.clear();
    }
}
