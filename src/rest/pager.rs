//! Walking a list endpoint page by page, by the table's pagination kind: offset/limit, page
//! numbers, cursors, next URLs in the body, HAL `_links.next`, the `Link` header, or one request.
//! Guards stop a repeating cursor or URL and an absurd page count with an error, never a loop.

use std::collections::HashSet;

use reqwest::Url;
use serde_json::Value;

use super::client::{ApiClient, BodyStream, Streamed};
use super::jsonpath;
use super::page_values;
use super::prefetch::Prefetch;
use super::record_splitter::RecordSplitter;
use super::records::{not_json, Records};
use crate::error::{ApiError, Error, Result};
use crate::profile::{PageKind, Pagination};

/// Times a page whose body broke off before any record was handed on is asked for again.
const MAX_REREADS: u32 = 5;

/// Records handed on at a time while a page streams in: one Arrow batch each.
pub const CHUNK_RECORDS: usize = 1024;

/// More pages than this is a runaway, not a table.
pub const MAX_PAGES: u64 = 100_000;

enum State {
    Start,
    Offset(u64),
    Page(u64),
    Cursor(String),
    Next(Url),
    Done,
}

pub struct Pager<'a> {
    client: &'a ApiClient,
    url: Url,
    pg: Pagination,
    records: String,
    size: Option<u32>,
    /// Rows still wanted (LIMIT / MaxRows); `None`: all.
    want: Option<u64>,
    /// The page size the last request asked for: a page is short against what was asked, not
    /// against `want` after the page's rows were counted (which made `LIMIT 10` over 5 rows ask
    /// again for 5 more).
    asked: Option<u32>,
    state: State,
    pages: u64,
    fetched: u64,
    seen: HashSet<String>,
    /// A 404 on the list is an empty list (a parent without children), not an error.
    missing_is_empty: bool,
    /// The page whose body is being read.
    page: Option<PageRead>,
    /// Pages asked for ahead of their turn (offset and page-number lists); `None`: one at a time.
    prefetch: Option<Prefetch>,
    /// The last page count or record total the API gave, so no page past the end is asked ahead.
    total_pages: Option<u64>,
    total_records: Option<u64>,
    /// The records path holds one record, not an array.
    one_record: bool,
    /// A chunk the caller is done with, whose memory the next chunk reuses.
    spare: Option<Records>,
}

/// A page in the middle of being read.
struct PageRead {
    stream: Box<BodyStream>,
    splitter: RecordSplitter,
    shown: String,
    /// Records of this page already handed out.
    delivered: u64,
    /// The bytes of the chunk handed out last, to size the next one.
    last_chunk_bytes: Option<usize>,
}

impl PageRead {
    /// What the next chunk's records will likely take: as much as the last chunk, or for the
    /// first what the page's body will.
    fn chunk_bytes(&self) -> usize {
        self.last_chunk_bytes
            .unwrap_or_else(|| self.stream.size_hint())
    }
}

impl<'a> Pager<'a> {
    pub fn new(
        client: &'a ApiClient,
        url: Url,
        pg: Pagination,
        records: String,
        size: Option<u32>,
        want: Option<u64>,
        missing_is_empty: bool,
    ) -> Pager<'a> {
        Pager {
            client,
            url,
            pg,
            records,
            size,
            want,
            asked: None,
            state: State::Start,
            pages: 0,
            fetched: 0,
            seen: HashSet::new(),
            missing_is_empty,
            page: None,
            prefetch: None,
            total_pages: None,
            total_records: None,
            one_record: false,
            spare: None,
        }
    }

    /// The endpoint answers with one record, an object at the records path (a detail read).
    pub fn one_record(mut self, yes: bool) -> Pager<'a> {
        self.one_record = yes;
        self
    }

    /// Lets the pager ask for pages ahead of their turn.
    pub fn with_prefetch(mut self, prefetch: Option<Prefetch>) -> Pager<'a> {
        self.prefetch = prefetch;
        self
    }

    fn page_size(&self) -> Option<u32> {
        let size = self.size?;
        // Page n of size s holds records (n-1)s+1..ns: once a page was asked for, every later
        // one is asked with that size, and rows past the limit are cut here, not by the API.
        if self.pg.kind == PageKind::Page {
            if let Some(asked) = self.asked {
                return Some(asked);
            }
        }
        Some(match self.want {
            Some(w) => size.min(u32::try_from(w.max(1)).unwrap_or(u32::MAX)),
            None => size,
        })
    }

    fn request_url(&self) -> Url {
        self.url_for(&self.state, self.page_size())
    }

    /// The request for the page `state` names, asking for `size` records.
    fn url_for(&self, state: &State, size: Option<u32>) -> Url {
        let mut url = match state {
            State::Next(u) => return u.clone(),
            _ => self.url.clone(),
        };
        {
            let mut q = url.query_pairs_mut();
            if let (Some(p), Some(s)) = (&self.pg.size_param, size) {
                q.append_pair(p, &s.to_string());
            }
            match state {
                State::Start | State::Offset(_) if self.pg.kind == PageKind::Offset => {
                    let o = if let State::Offset(o) = *state { o } else { 0 };
                    if let Some(p) = &self.pg.offset_param {
                        q.append_pair(p, &o.to_string());
                    }
                }
                State::Start | State::Page(_) if self.pg.kind == PageKind::Page => {
                    let first = self.pg.first_page.unwrap_or(1);
                    let n = if let State::Page(n) = *state {
                        n
                    } else {
                        first
                    };
                    if let Some(p) = &self.pg.page_param {
                        q.append_pair(p, &n.to_string());
                    }
                }
                State::Cursor(c) => {
                    if let Some(p) = &self.pg.cursor_param {
                        q.append_pair(p, c);
                    }
                }
                _ => {}
            }
        }
        url
    }

    /// The next records: up to [`CHUNK_RECORDS`] of the page being read (a huge page is handed
    /// out as it arrives, never held whole), the start of the next page when one is done, or
    /// `None` after the last. A chunk may be empty.
    pub async fn next(&mut self) -> Result<Option<Vec<Value>>> {
        match self.next_records().await? {
            Some(records) => records.into_values().map(Some),
            None => Ok(None),
        }
    }

    /// Like [`Pager::next`], with the streamed records left as their bytes for the converter.
    pub async fn next_records(&mut self) -> Result<Option<Records>> {
        if self.page.is_none() && !self.start_page().await? {
            return Ok(None);
        }
        let mut chunk = match self.page.as_ref() {
            Some(page) => Records::reuse(self.spare.take(), &page.shown, page.chunk_bytes()),
            None => Records::new(""),
        };
        let mut rereads = 0u32;
        while chunk.len() < CHUNK_RECORDS {
            let Some(page) = self.page.as_mut() else {
                // A 404 read as an empty list.
                return Ok(Some(chunk));
            };
            let piece = match page.stream.chunk().await {
                Ok(piece) => piece,
                // The connection broke before any record of this page was handed on: ask for the
                // page again, as a failed request would be.
                Err(e) if page.delivered == 0 && chunk.is_empty() && rereads < MAX_REREADS => {
                    rereads += 1;
                    tracing::debug!(page = %page.shown, error = %e.message, "reading the page again");
                    self.page = None;
                    self.pages -= 1;
                    tokio::time::sleep(std::time::Duration::from_millis(200 * u64::from(rereads)))
                        .await;
                    if !self.start_page().await? {
                        return Ok(Some(chunk));
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            match piece {
                Some(piece) => {
                    page.splitter
                        .feed(&piece, &mut |record: &[u8]| chunk.push_raw(record));
                    page.stream.give_back(piece);
                    if let Some(why) = page.splitter.broken() {
                        return Err(Error::new(
                            ApiError::Unexpected,
                            format!(
                                "The response from {} cannot be read: {why}. The query stopped there rather than return part of the result. Run it again: a body garbled on the way reads whole the next time. If the same page fails again, the API (or a proxy in front of it; check BaseURL) is not sending the JSON it documents: tell the API's owner",
                                page.shown
                            ),
                        ));
                    }
                }
                None => {
                    let rest = self.finish_page(chunk.len() as u64)?;
                    chunk.extend_parsed(rest);
                    return Ok(Some(chunk));
                }
            }
        }
        if let Some(page) = self.page.as_mut() {
            page.delivered += chunk.len() as u64;
            page.last_chunk_bytes = Some(chunk.byte_len());
        }
        Ok(Some(chunk))
    }

    /// Takes back a chunk [`Pager::next_records`] handed out, once its records are converted, so
    /// the next chunk is written into its memory.
    pub fn give_back(&mut self, chunk: Records) {
        self.spare = Some(chunk);
    }

    /// Sends the next page's request; false after the last page.
    async fn start_page(&mut self) -> Result<bool> {
        if matches!(self.state, State::Done) || self.want == Some(0) {
            return Ok(false);
        }
        self.pages += 1;
        if self.pages > MAX_PAGES {
            return Err(Error::new(ApiError::Unexpected, format!(
                "More than {MAX_PAGES} pages from {}; stopping. Narrow the query with WHERE or LIMIT",
                self.client.mask(&self.url)
            )));
        }
        let url = self.request_url();
        self.asked = self.page_size();
        let shown = self.client.mask(&url);
        let sent_ahead = match self.prefetch.as_mut() {
            Some(prefetch) => prefetch.take(&url).await,
            None => None,
        };
        let answer = match sent_ahead {
            Some(answer) => answer?,
            None => self.client.get_streamed(url).await?,
        };
        match answer {
            Streamed::Body(stream) => {
                self.page = Some(PageRead {
                    stream,
                    splitter: RecordSplitter::new(&self.records),
                    shown,
                    delivered: 0,
                    last_chunk_bytes: None,
                });
                Ok(true)
            }
            Streamed::NotFound if self.missing_is_empty => {
                self.state = State::Done;
                Ok(true)
            }
            Streamed::NotFound => Err(Error::new(
                ApiError::Unexpected,
                format!(
                "The API answered 404 for the list {shown}; check the profile's path or BaseURL"
            ),
            )),
        }
    }

    /// The page's body has ended: the records found only now (when the array was not streamed),
    /// after checking the body and choosing the next page. `in_chunk`: records of the chunk
    /// being returned that are not counted yet.
    fn finish_page(&mut self, in_chunk: u64) -> Result<Vec<Value>> {
        let Some(page) = self.page.take() else {
            return Ok(Vec::new());
        };
        let shown = page.shown;
        let (rest, streamed) = page.splitter.finish();
        // An empty body (a 204, or a 200 without one) is no page of records, as before streaming.
        let mut body = if rest.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            parse_json(&rest, &shown)?
        };
        let late = if streamed {
            Vec::new()
        } else {
            self.records_in(&mut body, &shown)?
        };
        if let Some(message) = self.client.failure_flag(&body) {
            return Err(Error::new(
                ApiError::Unexpected,
                format!("The API answered {shown} with a body that reports a failure: {message}"),
            ));
        }
        let n = page.delivered + in_chunk + late.len() as u64;
        self.fetched += n;
        if let Some(w) = &mut self.want {
            *w = w.saturating_sub(n);
        }
        self.state = self.advance(&body, &page.stream.headers, &page.stream.url, &shown, n)?;
        if let Some(total) = self.read(&body, &self.pg.total, &shown, page_values::count)? {
            self.total_records = Some(total);
            if self.fetched >= total {
                self.state = State::Done;
            }
        }
        self.ask_ahead(n);
        Ok(late)
    }

    /// After a page of `n` records, sends the next page's request at once when the API named it
    /// (cursor, link), and the next pages' requests ahead when the list pages by
    /// offset or page number and more pages are likely: the page was full (a short page ends the
    /// list, so nothing is asked past a short table's end) or the API gave its page count. Only
    /// pages wholly within the rows still wanted are asked for, with the size they will be asked
    /// with in their turn.
    fn ask_ahead(&mut self, n: u64) {
        let Some(mut prefetch) = self.prefetch.take() else {
            return;
        };
        let full = self.asked.is_some_and(|asked| n == u64::from(asked));
        let counted = self.pg.kind == PageKind::Page && self.total_pages.is_some();
        match &self.state {
            State::Offset(_) | State::Page(_) if full || counted => {
                if counted {
                    prefetch.widen_fully();
                } else {
                    prefetch.widen();
                }
                let mut i = 0u64;
                while prefetch.room() > 0 && i < 64 {
                    let Some(state) = self.predicted(i) else {
                        break;
                    };
                    let url = self.url_for(&state, self.size);
                    if !prefetch.has(&url) {
                        prefetch.send(url);
                    }
                    i += 1;
                }
            }
            State::Offset(_) | State::Page(_) => {}
            // The API named the next page (a cursor or a link): ask for it now, so it arrives
            // while this page's last records are converted and read. Never more than that one.
            State::Cursor(_) | State::Next(_) if self.want != Some(0) => {
                let url = self.request_url();
                if !prefetch.has(&url) {
                    prefetch.clear();
                    prefetch.send(url);
                }
            }
            _ => prefetch.clear(),
        }
        self.prefetch = Some(prefetch);
    }

    /// The page `i` pages after the one to read next, if it may hold wanted records.
    fn predicted(&self, i: u64) -> Option<State> {
        if let Some(want) = self.want {
            // Without a page size the rows a page holds are unknown: ask nothing ahead.
            let size = u64::from(self.size?);
            if (i + 1) * size > want {
                return None;
            }
        }
        match self.state {
            State::Offset(o) => {
                let offset = o + i * u64::from(self.size?);
                if self.total_records.is_some_and(|t| offset >= t) {
                    return None;
                }
                Some(State::Offset(offset))
            }
            State::Page(p) => {
                let page = p + i;
                let first = self.pg.first_page.unwrap_or(1);
                if self.total_pages.is_some_and(|t| page + 1 - first > t) {
                    return None;
                }
                Some(State::Page(page))
            }
            _ => None,
        }
    }

    /// The records of a body whose records path was not streamed as an array.
    fn records_in(&self, body: &mut Value, shown: &str) -> Result<Vec<Value>> {
        match jsonpath::take(body, &self.records) {
            Some(Value::Array(items)) => Ok(items),
            Some(record @ Value::Object(_)) if self.one_record => Ok(vec![record]),
            // An explicit null is how some APIs say "no records" (Pipedrive's `data: null`), but
            // it is also what their error bodies carry.
            Some(Value::Null) => {
                self.refuse_error_body(body, shown)?;
                Ok(Vec::new())
            }
            None if self.pg.empty_when_absent => {
                self.refuse_error_body(body, shown)?;
                Ok(Vec::new())
            }
            None => {
                self.refuse_error_body(body, shown)?;
                Err(Error::new(ApiError::Unexpected, format!(
                    "The response from {shown} has no records at '{}'; no rows were returned for it. Fix the table's records path, or set empty_when_absent in the profile's pagination if the API leaves the array out of empty pages",
                    self.records
                )))
            }
            Some(other) => Err(Error::new(ApiError::Unexpected, format!(
                "The response from {shown} holds {} at '{}', not an array of records; fix the table's records path",
                kind_of(&other),
                self.records
            ))),
        }
    }

    /// A 200 whose body carries the API's error message instead of records is an error, never
    /// an empty page.
    fn refuse_error_body(&self, body: &Value, shown: &str) -> Result<()> {
        match self
            .client
            .failure_flag(body)
            .or_else(|| self.client.message_in(body))
        {
            Some(message) => Err(Error::new(
                ApiError::Unexpected,
                format!("The API answered {shown} with an error instead of records: {message}"),
            )),
            None => Ok(()),
        }
    }

    /// The value at the profile path `path` (when it declares one), read strictly by `parse`.
    fn read<T>(
        &self,
        body: &Value,
        path: &Option<String>,
        shown: &str,
        parse: fn(&Value, &page_values::Origin<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let Some(path) = path.as_deref() else {
            return Ok(None);
        };
        match jsonpath::get_present(body, path) {
            None => Ok(None),
            Some(v) => parse(v, &page_values::Origin { url: shown, path }).map(Some),
        }
    }

    fn short(&self, n: u64) -> bool {
        n == 0 || self.asked.is_some_and(|s| n < u64::from(s))
    }

    fn advance(
        &mut self,
        body: &Value,
        headers: &reqwest::header::HeaderMap,
        url: &Url,
        shown: &str,
        n: u64,
    ) -> Result<State> {
        if n == 0 {
            return Ok(State::Done);
        }
        Ok(match self.pg.kind {
            PageKind::None => State::Done,
            PageKind::Offset => {
                let o = if let State::Offset(o) = self.state {
                    o
                } else {
                    0
                };
                let more = self.read(body, &self.pg.has_more, shown, page_values::flag)?;
                let next = self.read(body, &self.pg.next_offset, shown, page_values::count)?;
                match (self.pg.has_more.is_some(), self.pg.next_offset.is_some()) {
                    (true, _) if more != Some(true) => State::Done,
                    (_, true) if next.is_none() && self.pg.has_more.is_none() => State::Done,
                    (false, false) if self.short(n) => State::Done,
                    _ => {
                        let next = next.unwrap_or(o + n);
                        if next <= o {
                            return Err(self.repeat("offset", &next.to_string()));
                        }
                        State::Offset(next)
                    }
                }
            }
            PageKind::Page => {
                let first = self.pg.first_page.unwrap_or(1);
                let p = if let State::Page(p) = self.state {
                    p
                } else {
                    first
                };
                if let Some(total) =
                    self.read(body, &self.pg.total_pages, shown, page_values::count)?
                {
                    self.total_pages = Some(total);
                    // Pages counted from `first`: page p is the (p - first + 1)th.
                    if p + 1 - first >= total {
                        return Ok(State::Done);
                    }
                } else if self.pg.total_pages.is_some() {
                    return Err(Error::new(ApiError::Unexpected, format!(
                        "The response from {shown} has no page count at '{}'; the scan stopped instead of guessing whether more pages follow. Check the profile's total_pages path",
                        self.pg.total_pages.as_deref().unwrap_or_default()
                    )));
                } else if let Some(path) = self.pg.next_link.as_deref() {
                    if jsonpath::get_present(body, path).is_none() {
                        return Ok(State::Done);
                    }
                } else if self.short(n) {
                    return Ok(State::Done);
                }
                State::Page(p + 1)
            }
            PageKind::Cursor => {
                match self.read(body, &self.pg.next_cursor, shown, page_values::token)? {
                    Some(c) if !c.is_empty() => {
                        if !self.seen.insert(c.clone()) {
                            return Err(self.repeat("cursor", &c));
                        }
                        State::Cursor(c)
                    }
                    _ => State::Done,
                }
            }
            PageKind::NextUrl | PageKind::HalNext => {
                let path = if self.pg.kind == PageKind::HalNext {
                    Some("_links.next.href".to_string())
                } else {
                    self.pg.next_url.clone()
                };
                match self.read(body, &path, shown, page_values::link)? {
                    Some(s) if !s.is_empty() => self.follow(url, &s)?,
                    _ => State::Done,
                }
            }
            PageKind::LinkHeader => match next_link(headers) {
                Some(s) => self.follow(url, &s)?,
                None => State::Done,
            },
        })
    }

    fn follow(&mut self, current: &Url, next: &str) -> Result<State> {
        let u = current.join(next).map_err(|e| {
            Error::new(
                ApiError::Unexpected,
                format!("The API's next-page link '{next}' is not a URL ({e})"),
            )
        })?;
        let key = self.client.mask(&u);
        if !self.seen.insert(key.clone()) {
            return Err(self.repeat("next-page URL", &key));
        }
        Ok(State::Next(u))
    }

    fn repeat(&self, what: &str, value: &str) -> Error {
        Error::new(
            ApiError::Unexpected,
            format!(
            "The API returned the same {what} twice ({value}) for {}; stopping instead of looping",
            self.client.mask(&self.url)
        ),
        )
    }
}

fn parse_json(bytes: &[u8], shown: &str) -> Result<Value> {
    serde_json::from_slice(bytes).map_err(|e| not_json(shown, &e))
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "an object",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Array(_) => "an array",
        Value::Null => "null",
    }
}

/// The `rel="next"` target of an RFC 8288 `Link` header.
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    for value in headers.get_all("link") {
        let text = value.to_str().ok()?;
        for part in text.split(',') {
            let mut pieces = part.split(';');
            let target = pieces.next()?.trim();
            let is_next = pieces.any(|p| {
                let p = p.trim().to_ascii_lowercase();
                p == "rel=\"next\"" || p == "rel=next"
            });
            if is_next {
                return Some(
                    target
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string(),
                );
            }
        }
    }
    None
}
