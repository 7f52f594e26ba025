//! Asynchronous report jobs (Talkdesk Explore): POST a job for a timespan, poll it until done,
//! download the file (a 303 to the file is followed), read its entries. The window comes from the
//! query's filters on the window column (`window`), else it is the last N days; one longer than
//! the API's maximum is split into several jobs, and an empty one runs none.

use std::time::Duration;

use chrono::Utc;
use reqwest::Method;
use serde_json::{json, Value};

use super::client::Outcome;
use super::context::ScanContext;
use super::emitter::Emitter;
use super::json_to_arrow::Row;
use super::jsonpath;
use super::window::{self, Bounds};
use crate::error::{ApiError, Error, Result};
use crate::profile::{Report, Table};

/// Polls before a job counts as stuck.
const MAX_POLLS: u32 = 600;

pub async fn run(
    ctx: &ScanContext,
    t: &Table,
    r: &Report,
    bounds: &Bounds,
    out: &mut Emitter<'_>,
) -> Result<()> {
    let Some((start, end)) = bounds.timespan(Utc::now().timestamp(), r.default_window_days) else {
        return Ok(());
    };
    for (from, to) in window::chunks(start, end, r.max_window_days) {
        let body = json!({
            "format": "json",
            "timespan": { "from": window::rfc3339(from)?, "to": window::rfc3339(to)?, "timezone": "UTC" }
        });
        let url = ctx.url(&r.create_path, &[], &[], &[])?;
        let created = match ctx.client.send(Method::POST, url, Some(&body)).await? {
            Outcome::Ok(resp) => resp.body,
            Outcome::NotFound => {
                return Err(Error::new(
                    ApiError::Unexpected,
                    format!("The report endpoint {} was not found", r.create_path),
                ))
            }
        };
        let id = jsonpath::get_present(&created, &r.job_id)
            .and_then(jsonpath::scalar_text)
            .ok_or_else(|| {
                Error::new(
                    ApiError::Unexpected,
                    format!("The report job response has no id at '{}'", r.job_id),
                )
            })?;
        wait_done(ctx, r, &id).await?;
        let url = ctx.url(&r.file_path, &[("job_id", id.as_str())], &[], &[])?;
        let mut file = match ctx.client.get_file(url, &r.file_hosts).await? {
            Outcome::Ok(resp) => resp.body,
            Outcome::NotFound => {
                return Err(Error::new(
                    ApiError::Unexpected,
                    format!("The file of report job {id} was not found"),
                ))
            }
        };
        let entries = match jsonpath::take(&mut file, &t.records) {
            Some(Value::Array(items)) => items,
            Some(Value::Null) => Vec::new(),
            _ => {
                return Err(Error::new(ApiError::Unexpected, format!(
                    "The file of report job {id} has no array of records at '{}'; no rows were returned for it. Fix the table's records path",
                    t.records
                )))
            }
        };
        let rows = entries
            .into_iter()
            .map(|record| Row {
                record,
                context: None,
            })
            .collect();
        if !out.emit(rows).await? {
            return Ok(());
        }
    }
    Ok(())
}

async fn wait_done(ctx: &ScanContext, r: &Report, id: &str) -> Result<()> {
    for _ in 0..MAX_POLLS {
        let url = ctx.url(&r.poll_path, &[("job_id", id)], &[], &[])?;
        let body = match ctx.client.get_fresh(url).await? {
            Outcome::Ok(resp) => resp.body,
            Outcome::NotFound => {
                return Err(Error::new(
                    ApiError::Unexpected,
                    format!("Report job {id} disappeared"),
                ))
            }
        };
        let status = jsonpath::get_present(&body, &r.status)
            .and_then(jsonpath::scalar_text)
            .unwrap_or_default();
        if status.eq_ignore_ascii_case(&r.done) {
            return Ok(());
        }
        if r.failed.iter().any(|f| f.eq_ignore_ascii_case(&status)) {
            return Err(Error::new(
                ApiError::Unexpected,
                format!(
                    "Report job {id} ended with status '{status}'; try again or narrow the window"
                ),
            ));
        }
        tokio::time::sleep(Duration::from_secs_f64(r.poll_seconds.clamp(0.05, 60.0))).await;
    }
    Err(Error::new(
        ApiError::Unexpected,
        format!("Report job {id} was not done after {MAX_POLLS} polls"),
    ))
}
