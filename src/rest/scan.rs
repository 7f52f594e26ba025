//! One table scan as HTTP requests: list pages with pushed-down query parameters, single-record
//! fetches for key lookups, iteration over a parent's keys, child rows from a parent's nested
//! arrays, lists read over a period (`window`), and Talkdesk-style report jobs. Pages become record batches sent through an
//! [`Emitter`]; the requests themselves are built by [`ScanContext`].

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;

use chrono::Utc;

use futures::{Stream, StreamExt};
use reqwest::Url;
use serde_json::Value;

use super::context::ScanContext;
use super::emitter::{Emitter, Sender};
use super::json_to_arrow::{Converter, Row};
use super::jsonpath;
use super::report;
use super::window::{self, Bounds};
use crate::error::{Error, Result};
use crate::profile::{Parent, ParentSource, Table};

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
    /// A list parameter sent with each of these values in turn (an `IN` list longer than the
    /// filter's `max_values`, cut into lists it takes); the rows are those of every request.
    pub in_turn: Option<(String, Vec<String>)>,
    /// What the filters say about the window column (report and windowed tables only).
    pub window: Bounds,
    pub limit: Option<u64>,
    /// Reads every row the filters select, past MaxRows: the rows an UPDATE or DELETE changes
    /// (a cap would change some of them and say nothing of the others).
    pub uncapped: bool,
}

impl ScanContext {
    /// All values of `column` over a table's records (the parents of a nested table).
    async fn column_values(&self, t: &Table, column: &str) -> Result<Vec<String>> {
        let path = t
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(column))
            .map(|c| c.json_path().to_string())
            .unwrap_or_else(|| column.to_string());
        Ok(self
            .records(t)
            .await?
            .iter()
            .filter_map(|r| jsonpath::get_present(r, &path))
            .filter_map(jsonpath::scalar_text)
            .collect())
    }

    /// The values a parent gives: its fixed list, or its table's key over all its records, each
    /// once (a record listed under two of its own parents, as a mail thread in two folders, is
    /// still one parent).
    async fn parent_values(&self, par: &Parent) -> Result<Vec<String>> {
        match par.source() {
            ParentSource::Values(values) => Ok(values.to_vec()),
            ParentSource::Table { table, key } => {
                let pt = self
                    .profile
                    .table(table)
                    .ok_or_else(|| Error::general(format!("No parent table {table}")))?;
                Ok(distinct(self.column_values(pt, key).await?))
            }
        }
    }

    /// Every record of a table's list, as the API sent it; a table under a parent is listed for
    /// each of the parent's values in turn (validation bounds how deep parents nest).
    pub fn records<'a>(
        &'a self,
        t: &'a Table,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Value>>> + Send + 'a>> {
        Box::pin(async move {
            let Some(parent) = &t.parent else {
                return self.list_records(t, &[]).await;
            };
            let mut out = Vec::new();
            for key in batched(parent, self.parent_values(parent).await?) {
                out.extend(
                    self.list_records(t, &[(parent.column.as_str(), key.as_str())])
                        .await?,
                );
            }
            Ok(out)
        })
    }

    /// The records of one list endpoint, its path placeholders filled from `vars`.
    async fn list_records(&self, t: &Table, vars: &[(&str, &str)]) -> Result<Vec<Value>> {
        let url = self.url(&t.path, vars, &self.list_query(t), &[])?;
        // Under a single parent a 404 is that parent gone since it was listed.
        let one_parent = t.parent.as_ref().is_some_and(|p| p.batch.is_none());
        let mut pager = self.pager(t, url, None, one_parent, true)?;
        let mut out = Vec::new();
        while let Some(records) = pager.next().await? {
            out.extend(records);
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
        let cap = (self.max_rows > 0 && !plan.uncapped).then_some(self.max_rows);
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
            // Owned keys: a closure over borrowed ones is not general enough for tokio::spawn.
            let lookups = keys
                .iter()
                .cloned()
                .map(|key| async move { self.single(t, &key).await });
            let mut records = pin!(self.in_order(lookups, out.left));
            while let Some(record) = records.next().await {
                if let Some(record) = record? {
                    if !out
                        .emit(vec![Row {
                            record,
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
        // The parents are read once, whatever the periods and parts of the list.
        let parents = match &t.parent {
            Some(par) => Some(self.parents_of(par, &plan).await?),
            None => None,
        };
        let periods: Vec<Vec<(String, String)>> = match &t.window {
            None => vec![Vec::new()],
            Some(w) => window::periods(w, &plan.window, Utc::now().timestamp())?
                .into_iter()
                .map(Vec::from)
                .collect(),
        };
        let turns: Vec<Option<(String, String)>> = match &plan.in_turn {
            None => vec![None],
            Some((param, lists)) => lists
                .iter()
                .map(|l| Some((param.clone(), l.clone())))
                .collect(),
        };
        for turn in &turns {
            for period in &periods {
                let params: Vec<(String, String)> = plan
                    .params
                    .iter()
                    .cloned()
                    .chain(turn.iter().cloned())
                    .chain(period.iter().cloned())
                    .collect();
                self.list_into(t, parents.as_deref(), &params, &mut out)
                    .await?;
                if out.done() || out.tx.is_closed() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// The parents a scan reads: those the query names (of a fixed list, only those in it), or
    /// all of them.
    async fn parents_of(&self, par: &Parent, plan: &ScanPlan) -> Result<Vec<String>> {
        Ok(match (&plan.parents, par.source()) {
            // A value the fixed list lacks is not one the API knows: nothing to read.
            (Some(given), ParentSource::Values(known)) => given
                .iter()
                .filter(|v| known.contains(v))
                .cloned()
                .collect(),
            (Some(given), ParentSource::Table { .. }) => given.clone(),
            (None, _) => self.parent_values(par).await?,
        })
    }

    /// The list's rows with these query parameters, for each of `parents` when it has a parent.
    async fn list_into(
        &self,
        t: &Table,
        parents: Option<&[String]>,
        params: &[(String, String)],
        out: &mut Emitter<'_>,
    ) -> Result<()> {
        let query = self.list_query(t);
        let (Some(par), Some(parents)) = (&t.parent, parents) else {
            let url = self.url(&t.path, &[], &query, params)?;
            return self.pages_into(t, url, None, out, false).await;
        };
        let parents = parents.to_vec();
        let want = out.left;
        let query = &query;
        let context = par.batch.is_none();
        let scans = batched(par, parents).into_iter().map(|pk| async move {
            let url = self.url(
                &t.path,
                &[(par.column.as_str(), pk.as_str())],
                query,
                params,
            )?;
            // A batch's records carry their parent's key themselves.
            self.rows_of(t, url, context.then_some(Value::String(pk)), want)
                .await
        });
        let mut per_parent = pin!(self.in_order(scans, out.left));
        while let Some(rows) = per_parent.next().await {
            if !out.emit(rows?).await? || out.tx.is_closed() {
                break;
            }
        }
        Ok(())
    }

    /// Runs `requests` with up to MaxConcurrentRequests in flight (no more than the `wanted`
    /// rows, when each answer gives at least one), yielding the answers in the requests' order so
    /// rows come back as a sequential scan returns them. Dropping the stream cancels what is in
    /// flight.
    fn in_order<'s, F, T>(
        &self,
        requests: impl Iterator<Item = F> + 's,
        wanted: Option<u64>,
    ) -> impl Stream<Item = T> + 's
    where
        F: Future<Output = T> + 's,
    {
        let in_flight = match wanted {
            Some(rows) => self
                .concurrency
                .min(usize::try_from(rows.max(1)).unwrap_or(usize::MAX)),
            None => self.concurrency,
        };
        futures::stream::iter(requests).buffered(in_flight.max(1))
    }

    /// Every row of one parent's scan (a parent's list is short), so several parents can be
    /// scanned at once and their rows still emitted parent by parent.
    async fn rows_of(
        &self,
        t: &Table,
        url: Url,
        parent: Option<Value>,
        want: Option<u64>,
    ) -> Result<Vec<Row>> {
        // One parent's list is short, and parents are already read side by side. A 404 for one
        // parent is that parent gone meanwhile; for a batch it cannot be pinned on one, so it
        // stays an error.
        let mut pager = self.pager(t, url, want, parent.is_some(), false)?;
        let mut rows = Vec::new();
        while let Some(records) = pager.next().await? {
            rows.extend(records.into_iter().map(|record| Row {
                record,
                context: parent.clone(),
            }));
            if want.is_some_and(|w| rows.len() as u64 >= w) {
                break;
            }
        }
        Ok(rows)
    }

    async fn pages_into(
        &self,
        t: &Table,
        url: Url,
        context: Option<Value>,
        out: &mut Emitter<'_>,
        missing_is_empty: bool,
    ) -> Result<()> {
        let mut pager = self.pager(t, url, out.left, missing_is_empty, true)?;
        while let Some(mut records) = pager.next_records().await? {
            let more = out.emit_records(&mut records, context.as_ref()).await?;
            pager.give_back(records);
            if !more {
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
            .ok_or_else(|| Error::general(format!("No table {}", ch.of)))?;
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
            let lookups = keys
                .iter()
                .cloned()
                .map(|key| async move { self.single(pt, &key).await });
            let mut records = pin!(self.in_order(lookups, None));
            while let Some(record) = records.next().await {
                if let Some(record) = record? {
                    if !out.emit(explode(vec![record])).await? {
                        break;
                    }
                }
            }
            return Ok(());
        }
        if let Some(par) = &pt.parent {
            // The records of a table read per parent come from its own iteration, sent parent
            // by parent so that a LIMIT stops the reading.
            for key in batched(par, self.parent_values(par).await?) {
                let records = self
                    .list_records(pt, &[(par.column.as_str(), key.as_str())])
                    .await?;
                if !out.emit(explode(records)).await? {
                    break;
                }
            }
            return Ok(());
        }
        let url = self.url(&pt.path, &[], &self.list_query(pt), &[])?;
        let mut pager = self.pager(pt, url, None, false, true)?;
        while let Some(records) = pager.next().await? {
            if !out.emit(explode(records)).await? {
                break;
            }
        }
        let _ = t;
        Ok(())
    }
}

/// The parent values as the placeholder takes them: one each, or up to `batch` joined.
fn batched(par: &Parent, values: Vec<String>) -> Vec<String> {
    match par.batch {
        None => values,
        Some(n) => values
            .chunks(n.max(1))
            .map(|c| c.join(&par.batch_separator))
            .collect(),
    }
}

/// The values in their first order, each once: a parent listed twice is read once, and a value
/// a query names twice (`IN ('a', 'b', 'a')`) is asked for, and comes back, once.
pub(super) fn distinct(values: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    values
        .into_iter()
        .filter(|v| seen.insert(v.clone()))
        .collect()
}
