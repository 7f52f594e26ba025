//! One table scan as HTTP requests: list pages with pushed-down query parameters, single-record
//! fetches for key lookups, iteration over a parent's keys, child rows from a parent's nested
//! arrays, and Talkdesk-style report jobs. Each page becomes one record batch sent into a
//! channel of capacity 1, so at most one page waits while the next is fetched.

use std::sync::Arc;

use datafusion::arrow::record_batch::RecordBatch;
use reqwest::Url;
use serde_json::Value;
use tokio::sync::mpsc;

use super::client::{ApiClient, Outcome};
use super::convert::{Converter, Row};
use super::jsonpath;
use super::pager::Pager;
use super::report;
use super::window::Bounds;
use crate::error::{Error, Result};
use crate::profile::{template, Profile, Table};

/// What a connection's tables share.
pub struct ScanContext {
    pub client: ApiClient,
    pub profile: Profile,
    /// Pagesize property; clamped to each table's maximum.
    pub pagesize: Option<u32>,
    /// MaxRows property; 0: no cap.
    pub max_rows: u64,
}

/// How the rows are found.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Page through the list endpoint.
    List,
    /// Fetch these keys from the single-record endpoint.
    Keys(Vec<String>),
}

/// A scan as planned from the pushed-down filters.
#[derive(Clone, Debug)]
pub struct ScanPlan {
    pub mode: Mode,
    /// Query parameters from pushed-down filters.
    pub params: Vec<(String, String)>,
    /// Parent keys given by the query (parent iteration, child tables); `None`: all parents.
    pub parents: Option<Vec<String>>,
    /// What the filters say about a report's window column (report tables only).
    pub window: Bounds,
    pub limit: Option<u64>,
}

pub type Sender = mpsc::Sender<Result<RecordBatch>>;

/// Emits rows as batches, counting towards the limit; false when the consumer is gone or full.
pub struct Emitter<'a> {
    pub conv: &'a Converter,
    pub tx: &'a Sender,
    pub left: Option<u64>,
}

impl Emitter<'_> {
    pub fn done(&self) -> bool {
        self.left == Some(0)
    }

    /// Sends `rows` (cut to the limit); false when no more rows are wanted.
    pub async fn emit(&mut self, mut rows: Vec<Row>) -> Result<bool> {
        if let Some(left) = self.left {
            rows.truncate(usize::try_from(left).unwrap_or(usize::MAX));
            self.left = Some(left - rows.len() as u64);
        }
        if !rows.is_empty() {
            let batch = self.conv.convert(&rows)?;
            if self.tx.send(Ok(batch)).await.is_err() {
                return Ok(false);
            }
        }
        Ok(!self.done())
    }
}

impl ScanContext {
    pub fn page_size(&self, t: &Table) -> Option<u32> {
        let pg = self.profile.pagination_of(t)?;
        pg.size_param.as_ref()?;
        let max = pg.max_size.unwrap_or(u32::MAX);
        let want = self.pagesize.or(pg.default_size).unwrap_or(max.min(100));
        Some(want.clamp(1, max))
    }

    /// base URL + path (placeholders from `vars`) + profile and table query + `params`.
    pub fn url(
        &self,
        path: &str,
        vars: &[(&str, &str)],
        query: &[(&String, &String)],
        params: &[(String, String)],
    ) -> Result<Url> {
        let path = template::expand(path, |n| {
            vars.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| template::encode_segment(v))
        })
        .map_err(|n| {
            Error::general(format!(
                "[apiodbc] The path '{path}' needs a value for {{{n}}}"
            ))
        })?;
        let base = self.client.base.as_str().trim_end_matches('/');
        let mut url = Url::parse(&format!(
            "{base}{}",
            if path.starts_with('/') || path.is_empty() {
                path.clone()
            } else {
                format!("/{path}")
            }
        ))
        .map_err(|e| {
            Error::general(format!(
                "[apiodbc] The URL for path '{path}' is not valid ({e})"
            ))
        })?;
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in query {
                if !params.iter().any(|(p, _)| p.eq_ignore_ascii_case(k)) {
                    q.append_pair(k, v);
                }
            }
            for (k, v) in params {
                q.append_pair(k, v);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }

    fn list_query<'a>(&'a self, t: &'a Table) -> Vec<(&'a String, &'a String)> {
        self.profile.query.iter().chain(t.query.iter()).collect()
    }

    fn pager<'a>(
        &'a self,
        t: &'a Table,
        url: Url,
        want: Option<u64>,
        missing_is_empty: bool,
    ) -> Result<Pager<'a>> {
        let pg = self.profile.pagination_of(t).cloned().ok_or_else(|| {
            Error::general(format!("[apiodbc] Table {} has no pagination", t.name))
        })?;
        Ok(Pager::new(
            &self.client,
            url,
            pg,
            t.records.clone(),
            self.page_size(t),
            want,
            missing_is_empty,
        ))
    }

    /// Fetches one record by key; `None` on 404.
    pub async fn single(&self, t: &Table, key: &str) -> Result<Option<Value>> {
        let Some(single) = &t.single else {
            return Ok(None);
        };
        let key_col = t
            .columns
            .iter()
            .find(|c| c.key)
            .map(|c| c.name.as_str())
            .unwrap_or("id");
        let url = self.url(&single.path, &[(key_col, key)], &[], &[])?;
        match self.client.get(url.clone()).await? {
            Outcome::NotFound => Ok(None),
            Outcome::Ok(mut r) => match jsonpath::take(&mut r.body, &single.records) {
                Some(record @ Value::Object(_)) => Ok(Some(record)),
                // A 200 without the record is the API's error or a wrong path, not "no row".
                _ => {
                    let shown = self.client.mask(&url);
                    let why = match self.client.message_in(&r.body) {
                        Some(message) => format!("the API said: {message}"),
                        None => "fix the table's single.records path".to_string(),
                    };
                    Err(Error::general(format!(
                        "[apiodbc] The response from {shown} has no record object at '{}'; {why}",
                        single.records
                    )))
                }
            },
        }
    }

    /// All values of `column` over a table's list (the parents of a nested table).
    async fn column_values(&self, t: &Table, column: &str) -> Result<Vec<String>> {
        let path = t
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(column))
            .map(|c| c.json_path().to_string())
            .unwrap_or_else(|| column.to_string());
        let url = self.url(&t.path, &[], &self.list_query(t), &[])?;
        let mut pager = self.pager(t, url, None, false)?;
        let mut out = Vec::new();
        while let Some(records) = pager.next().await? {
            out.extend(
                records
                    .iter()
                    .filter_map(|r| jsonpath::get_present(r, &path))
                    .filter_map(jsonpath::scalar_text),
            );
        }
        Ok(out)
    }

    /// Runs the scan of `t`, sending batches until done, the limit, or the receiver is dropped.
    pub async fn run(
        self: Arc<Self>,
        t: Arc<Table>,
        conv: Arc<Converter>,
        plan: ScanPlan,
        tx: Sender,
    ) {
        let result = self.run_inner(&t, &conv, plan, &tx).await;
        if let Err(e) = result {
            let _ = tx.send(Err(e)).await;
        }
    }

    async fn run_inner(
        &self,
        t: &Table,
        conv: &Converter,
        plan: ScanPlan,
        tx: &Sender,
    ) -> Result<()> {
        let cap = (self.max_rows > 0).then_some(self.max_rows);
        let left = match (plan.limit, cap) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut out = Emitter { conv, tx, left };
        if out.done() {
            return Ok(());
        }
        if let Some(ch) = &t.child {
            return self.run_child(t, ch, &plan, &mut out).await;
        }
        if let Some(r) = &t.report {
            return report::run(self, t, r, &plan.window, &mut out).await;
        }
        if let Mode::Keys(keys) = &plan.mode {
            for key in keys {
                if let Some(rec) = self.single(t, key).await? {
                    if !out
                        .emit(vec![Row {
                            record: rec,
                            context: None,
                        }])
                        .await?
                    {
                        break;
                    }
                }
            }
            return Ok(());
        }
        let query = self.list_query(t);
        match &t.parent {
            None => {
                let url = self.url(&t.path, &[], &query, &plan.params)?;
                self.pages_into(t, url, None, &mut out, false).await
            }
            Some(par) => {
                let parents = match &plan.parents {
                    Some(p) => p.clone(),
                    None => {
                        let pt = self.profile.table(&par.table).ok_or_else(|| {
                            Error::general(format!("[apiodbc] No parent table {}", par.table))
                        })?;
                        self.column_values(pt, &par.key).await?
                    }
                };
                for pk in parents {
                    let url = self.url(
                        &t.path,
                        &[(par.column.as_str(), pk.as_str())],
                        &query,
                        &plan.params,
                    )?;
                    self.pages_into(t, url, Some(Value::String(pk)), &mut out, true)
                        .await?;
                    if out.done() || out.tx.is_closed() {
                        break;
                    }
                }
                Ok(())
            }
        }
    }

    async fn pages_into(
        &self,
        t: &Table,
        url: Url,
        context: Option<Value>,
        out: &mut Emitter<'_>,
        missing_is_empty: bool,
    ) -> Result<()> {
        let mut pager = self.pager(t, url, out.left, missing_is_empty)?;
        while let Some(records) = pager.next().await? {
            let rows = records
                .into_iter()
                .map(|record| Row {
                    record,
                    context: context.clone(),
                })
                .collect();
            if !out.emit(rows).await? {
                break;
            }
        }
        Ok(())
    }

    async fn run_child(
        &self,
        t: &Table,
        ch: &crate::profile::Child,
        plan: &ScanPlan,
        out: &mut Emitter<'_>,
    ) -> Result<()> {
        let pt = self
            .profile
            .table(&ch.of)
            .ok_or_else(|| Error::general(format!("[apiodbc] No table {}", ch.of)))?;
        let key_path = pt
            .columns
            .iter()
            .find(|c| c.key)
            .map(|c| c.json_path().to_string())
            .unwrap_or_else(|| "id".into());
        let explode = |records: Vec<Value>| -> Vec<Row> {
            let mut rows = Vec::new();
            for mut rec in records {
                let key = jsonpath::get(&rec, &key_path).cloned();
                if let Some(Value::Array(items)) = jsonpath::take(&mut rec, &ch.array) {
                    rows.extend(items.into_iter().map(|record| Row {
                        record,
                        context: key.clone(),
                    }));
                }
            }
            rows
        };
        if let (Some(keys), Some(_)) = (&plan.parents, &pt.single) {
            for k in keys {
                if let Some(rec) = self.single(pt, k).await? {
                    if !out.emit(explode(vec![rec])).await? {
                        break;
                    }
                }
            }
            return Ok(());
        }
        let url = self.url(&pt.path, &[], &self.list_query(pt), &[])?;
        let mut pager = self.pager(pt, url, None, false)?;
        while let Some(records) = pager.next().await? {
            if !out.emit(explode(records)).await? {
                break;
            }
        }
        let _ = t;
        Ok(())
    }
}
