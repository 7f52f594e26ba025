//! What a connection's tables share while they scan (the API client, the profile, the page size
//! and row cap) and the requests they all build from it: URLs with placeholders and query
//! parameters, pagers, single-record fetches.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::Url;
use serde_json::Value;

use super::client::{ApiClient, Outcome};
use super::jsonpath;
use super::pager::Pager;
use super::prefetch::Prefetch;
use crate::error::{ApiError, Error, Result};
use crate::profile::{template, Profile, Table};

/// What a connection's tables share.
pub struct ScanContext {
    pub client: Arc<ApiClient>,
    pub profile: Profile,
    /// Pagesize property; clamped to each table's maximum.
    pub pagesize: Option<u32>,
    /// MaxRows property; 0: no cap.
    pub max_rows: u64,
    /// MaxConcurrentRequests property: requests in flight at once where none waits for another.
    pub concurrency: usize,
    /// The records of each custom-field definitions table read so far on this connection: two
    /// tables sharing one list (Pipedrive's deals and leads) read it once.
    pub field_definitions: tokio::sync::Mutex<HashMap<String, Arc<Vec<Value>>>>,
    /// What writes may do (WriteErrors, WriteRowLimit, AllowUnfilteredWrites).
    pub writes: super::WriteSettings,
}

impl ScanContext {
    /// The records of a custom-field definitions table, read once per connection (a failed read
    /// is tried again next time).
    pub async fn field_definitions(&self, t: &Table) -> Result<Arc<Vec<Value>>> {
        let mut read = self.field_definitions.lock().await;
        if let Some(records) = read.get(&t.name) {
            return Ok(records.clone());
        }
        let records = Arc::new(self.records(t).await?);
        read.insert(t.name.clone(), records.clone());
        Ok(records)
    }

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
        .map_err(|n| Error::general(format!("The path '{path}' needs a value for {{{n}}}")))?;
        let base = self.client.base.as_str().trim_end_matches('/');
        let mut url = Url::parse(&format!(
            "{base}{}",
            if path.starts_with('/') || path.is_empty() {
                path.clone()
            } else {
                format!("/{path}")
            }
        ))
        .map_err(|e| Error::general(format!("The URL for path '{path}' is not valid ({e})")))?;
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

    pub(super) fn list_query<'a>(&'a self, t: &'a Table) -> Vec<(&'a String, &'a String)> {
        self.profile.query.iter().chain(t.query.iter()).collect()
    }

    /// A pager over `url`; `ahead`: it may send the next pages' requests before their turn
    /// (MaxConcurrentRequests), which a scan that already runs side by side with others does not.
    pub(super) fn pager<'a>(
        &'a self,
        t: &'a Table,
        url: Url,
        want: Option<u64>,
        missing_is_empty: bool,
        ahead: bool,
    ) -> Result<Pager<'a>> {
        let pg = self
            .profile
            .pagination_of(t)
            .cloned()
            .ok_or_else(|| Error::general(format!("Table {} has no pagination", t.name)))?;
        Ok(Pager::new(
            &self.client,
            url,
            pg,
            t.records.clone(),
            self.page_size(t),
            want,
            missing_is_empty,
        )
        .one_record(t.one_record)
        .with_prefetch(
            ahead
                .then(|| Prefetch::new(self.client.clone(), self.concurrency))
                .flatten(),
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
        let query: Vec<(&String, &String)> = single.query.iter().collect();
        let url = self.url(&single.path, &[(key_col, key)], &query, &[])?;
        match self.client.get(url.clone()).await? {
            Outcome::NotFound => Ok(None),
            Outcome::Ok(mut r) => match jsonpath::take(&mut r.body, &single.records) {
                Some(record @ Value::Object(_)) => Ok(Some(record)),
                // Some APIs answer an unknown key with 200 and nothing (`{"data": null}`, `[]`):
                // no row, unless the body says it failed.
                Some(nothing)
                    if (nothing.is_null() || nothing.as_array().is_some_and(Vec::is_empty))
                        && self.client.failure_flag(&r.body).is_none()
                        && self.client.message_in(&r.body).is_none() =>
                {
                    Ok(None)
                }
                // A 200 without the record is the API's error or a wrong path, not "no row".
                _ => {
                    let shown = self.client.mask(&url);
                    let why = match self.client.message_in(&r.body) {
                        Some(message) => format!("the API said: {message}"),
                        None => "fix the table's single.records path".to_string(),
                    };
                    Err(Error::new(
                        ApiError::Unexpected,
                        format!(
                            "The response from {shown} has no record object at '{}'; {why}",
                            single.records
                        ),
                    ))
                }
            },
        }
    }
}
