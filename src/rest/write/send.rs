//! Sending a write's rows, one after another, and saying what became of each: the connection's
//! write log gets every row (applied, refused, unknown, not sent), and a failure becomes one
//! error that names the row, the API's answer, the rows applied and the rows not sent. A POST is
//! never sent twice unless the answer proves it was not taken (`client::Resend`).

use std::sync::Arc;

use reqwest::Method;
use serde_json::Value;

use super::request::{Body, KeyFrom, Op, Planned};
use super::values::as_text;
use crate::error::{ApiError, Error, ErrorKind, Result};
use crate::profile::Table;
use crate::rest::client::{Outcome, RequestBody, Resend};
use crate::rest::context::ScanContext;
use crate::rest::jsonpath;
use crate::write_log::{WriteEntry, WriteOutcome};

/// One row of a write with its requests (an update touching two routes has two).
pub struct RowJob {
    /// The row's key where known before sending (updates, deletes, link tables).
    pub key: Option<String>,
    pub requests: Vec<Planned>,
}

pub struct Sender {
    pub ctx: Arc<ScanContext>,
    pub table: Arc<Table>,
    pub op: Op,
    /// The connection's statement, as `sys.sys_requests` numbers it.
    pub statement: u64,
}

/// How one row ended.
struct Failure {
    outcome: WriteOutcome,
    error: Error,
    /// Requests of the row applied before the one that failed.
    applied_before: usize,
}

impl Sender {
    fn qualified(&self) -> String {
        format!("{}.{}", self.ctx.profile.name, self.table.name)
    }

    fn entry(
        &self,
        row: usize,
        key: Option<String>,
        outcome: WriteOutcome,
        error: Option<&Error>,
    ) -> WriteEntry {
        WriteEntry {
            statement: self.statement,
            table: self.qualified(),
            operation: self.op.verb(),
            row: row as u64 + 1,
            key,
            outcome,
            status: error.and_then(|e| u16::try_from(e.native).ok().filter(|s| *s >= 100)),
            message: error
                .map(|e| bare(&e.message).to_string())
                .unwrap_or_default(),
        }
    }

    /// Sends every row's requests in order; the rows applied, or the error saying which were.
    pub async fn send_all(&self, jobs: Vec<RowJob>) -> Result<u64> {
        let log = &self.ctx.client.log().writes;
        let total = jobs.len();
        let mut applied: Vec<(usize, Option<String>)> = Vec::new();
        let mut failures: Vec<(usize, Failure)> = Vec::new();
        let mut stopped_at = None;
        let mut cache_forgotten = false;
        for (n, job) in jobs.into_iter().enumerate() {
            if stopped_at.is_some() {
                log.record([self.entry(n, job.key, WriteOutcome::NotSent, None)]);
                continue;
            }
            let mut key = job.key;
            let mut failure = None;
            for (k, request) in job.requests.iter().enumerate() {
                match self.send(request).await {
                    Ok(created) => key = created.or(key),
                    Err((outcome, error)) => {
                        failure = Some(Failure {
                            outcome: if k > 0 {
                                WriteOutcome::Partial
                            } else {
                                outcome
                            },
                            error,
                            applied_before: k,
                        });
                        break;
                    }
                }
            }
            // What the API answered before this write is stale from the first change on (also
            // when the statement is cancelled or times out after it).
            let may_have_changed = failure
                .as_ref()
                .is_none_or(|f| f.outcome != WriteOutcome::Refused);
            if may_have_changed && !cache_forgotten {
                self.ctx.client.forget_cached().await;
                cache_forgotten = true;
            }
            match failure {
                None => {
                    log.record([self.entry(n, key.clone(), WriteOutcome::Applied, None)]);
                    applied.push((n, key));
                }
                Some(f) => {
                    log.record([self.entry(n, key, f.outcome, Some(&f.error))]);
                    if !self.ctx.writes.continue_after_error {
                        stopped_at = Some(n);
                    }
                    failures.push((n, f));
                }
            }
        }
        if failures.is_empty() {
            return Ok(applied.len() as u64);
        }
        Err(self.summary(total, &applied, &failures, stopped_at))
    }

    /// One request; the created record's key if it answers one.
    async fn send(
        &self,
        p: &Planned,
    ) -> std::result::Result<Option<String>, (WriteOutcome, Error)> {
        let vars: Vec<(&str, &str)> = p
            .vars
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let query: Vec<(&String, &String)> = self.ctx.profile.query.iter().collect();
        let url = self
            .ctx
            .url(&p.path, &vars, &query, &[])
            .map_err(|e| (WriteOutcome::Refused, e))?;
        let body = p.body.as_ref().map(|b| match b {
            Body::Json(v) => RequestBody::Json(v.clone()),
            Body::Form(pairs) => RequestBody::Form(pairs.clone()),
        });
        let resend = if p.method == Method::POST {
            Resend::OnlyIfNotTaken
        } else {
            Resend::Allowed
        };
        match self.ctx.client.write(p.method.clone(), url, body.as_ref(), resend).await {
            Ok(Outcome::Ok(answer)) => {
                if let Some(message) = self.ctx.client.failure_flag(&answer.body) {
                    return Err((
                        WriteOutcome::Refused,
                        Error::new(ApiError::WriteRefused, format!("the API said: {message}")),
                    ));
                }
                if let Some((path, values)) = &p.success {
                    let said = jsonpath::get(&answer.body, path).map(as_text);
                    if !said.as_ref().is_some_and(|v| values.contains(v)) {
                        let said = said.unwrap_or_else(|| format!("nothing at '{path}'"));
                        return Err((
                            WriteOutcome::Refused,
                            Error::new(
                                ApiError::WriteRefused,
                                format!(
                                    "the API answered {said} for it (a row is applied when it answers {})",
                                    values.join(" or ")
                                ),
                            ),
                        ));
                    }
                }
                Ok(match &p.key {
                    KeyFrom::Row => None,
                    KeyFrom::Json(path) => jsonpath::get(&answer.body, path)
                        .filter(|v| !matches!(v, Value::Null))
                        .map(as_text)
                        .filter(|k| !k.is_empty() && k != "0"),
                    KeyFrom::Header(name) => answer
                        .headers
                        .get(name.as_str())
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string),
                })
            }
            // A record to delete that is gone already is what the DELETE asked for (a DELETE
            // sent again after an answer that never came finds it gone).
            Ok(Outcome::NotFound) if p.method == Method::DELETE => Ok(None),
            Ok(Outcome::NotFound) => Err((
                WriteOutcome::Refused,
                Error::new(
                    ApiError::WriteRefused,
                    "the API answered HTTP 404: the record is not there (deleted meanwhile?), or the API has no such path",
                )
                .with_native(404),
            )),
            Err(e) => Err(classify(e)),
        }
    }

    fn summary(
        &self,
        total: usize,
        applied: &[(usize, Option<String>)],
        failures: &[(usize, Failure)],
        stopped_at: Option<usize>,
    ) -> Error {
        let (first_row, first) = &failures[0];
        let what = match first.outcome {
            WriteOutcome::Unknown => "may or may not have been applied",
            WriteOutcome::Partial => "was applied in part",
            _ => "was refused",
        };
        let partly = if first.applied_before > 0 {
            format!(
                " (its first {} request(s) were applied)",
                first.applied_before
            )
        } else {
            String::new()
        };
        let mut message = format!(
            "{} on {}: row {} of {total} {what}{partly}: {}.",
            self.op.verb(),
            self.qualified(),
            first_row + 1,
            bare(&first.error.message).trim_end_matches('.'),
        );
        if failures.len() > 1 {
            let rows: Vec<usize> = failures.iter().map(|(n, _)| n + 1).collect();
            message.push_str(&format!(" Rows that failed: {}.", some_rows(&rows)));
        }
        if applied.is_empty() {
            message.push_str(" No row was applied.");
        } else {
            let rows: Vec<usize> = applied.iter().map(|(n, _)| n + 1).collect();
            let keys: Vec<String> = applied.iter().filter_map(|(_, k)| k.clone()).collect();
            message.push_str(&format!(" Applied: row(s) {}", some_rows(&rows)));
            if !keys.is_empty() {
                message.push_str(&format!(" (keys {})", some_texts(&keys)));
            }
            message.push('.');
        }
        if let Some(at) = stopped_at {
            if at + 1 < total {
                message.push_str(&format!(
                    " Not sent: row(s) {}-{total} (WriteErrors=continue sends them all the same).",
                    at + 2
                ));
            }
        }
        message.push_str(&format!(
            " SELECT * FROM sys.sys_writes WHERE StatementId = {} lists every row.",
            self.statement
        ));
        Error::new(first.error.kind, message).with_native(first.error.native)
    }
}

/// A message without the driver's prefix, to go inside another.
pub fn bare(message: &str) -> &str {
    message
        .strip_prefix(crate::error::PREFIX)
        .unwrap_or(message)
}

/// What a failed request means for its row: refused (nothing changed) or unknown.
fn classify(e: Error) -> (WriteOutcome, Error) {
    let status = u16::try_from(e.native).unwrap_or(0);
    match e.kind {
        ErrorKind::Api(ApiError::Unexpected) if (400..500).contains(&status) => {
            let mut refused = e;
            refused.kind = ErrorKind::Api(ApiError::WriteRefused);
            refused.state = refused.kind.sqlstate();
            (WriteOutcome::Refused, refused)
        }
        ErrorKind::Auth(_) | ErrorKind::Api(ApiError::Refused | ApiError::OffOrigin) => {
            (WriteOutcome::Refused, e)
        }
        _ if status == 429 => (WriteOutcome::Refused, e),
        _ => (WriteOutcome::Unknown, e),
    }
}

fn some_rows(rows: &[usize]) -> String {
    some_texts(&rows.iter().map(usize::to_string).collect::<Vec<_>>())
}

fn some_texts(items: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut out = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        out.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    out
}
