//! A profile's tables as DataFusion tables backed by HTTP. Owns the HTTP client, sending the
//! credentials it is given, pagination, retries and rate limits, JSON → Arrow, and the
//! `TableProvider`s. Its one entry point is [`open`]. It knows nothing of ODBC or of connection
//! strings (`session` resolves those into [`ApiAccess`] and [`ScanOptions`]), and it runs no OAuth
//! flow: it asks the token source it is given for a token before each request.

mod body_stream;
mod cell_values;
pub mod client;
mod column_sink;
mod context;
pub mod custom_fields;
mod disk_cache;
mod emitter;
mod json_text;
pub mod json_to_arrow;
pub mod jsonpath;
mod origin;
mod page_buffers;
pub mod page_values;
pub mod pager;
mod planned_scan;
mod prefetch;
mod provider;
mod record_cells;
mod record_splitter;
pub mod records;
mod report;
mod response_cache;
pub mod scan;
mod scan_exec;
mod window;
mod write;

pub use write::WriteSettings;

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{ApiError, ConnectError, Error, ErrorKind, Result};
use crate::profile::Profile;

pub use client::{Credentials, OAuthCredential};
pub use provider::RestTable;

/// Where the API is and what every request to it carries, resolved from the connection.
pub struct ApiAccess {
    pub base_url: String,
    pub credentials: Credentials,
}

/// What the connection bounds about scans and their HTTP.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Seconds to connect and between parts of a response; 0: none.
    pub timeout_secs: u32,
    /// The most bytes one response body may have.
    pub max_response_bytes: u64,
    /// A PEM file of extra CA certificates to trust.
    pub extra_ca: Option<PathBuf>,
    /// The page size to ask for; `None`: each table's default (clamped to its maximum).
    pub pagesize: Option<u32>,
    /// Row cap per scan; 0: no cap.
    pub max_rows: u64,
    /// Requests a scan may have in flight at once where none depends on another; at least 1.
    pub max_concurrent_requests: usize,
    /// CacheTTL: seconds a cached response is reused; 0 turns the cache off.
    pub cache_ttl_secs: u32,
    /// CacheMaxMB in bytes: room the process's result cache keeps at least.
    pub cache_max_bytes: usize,
    /// CacheLocation: the folder that keeps cached answers between processes.
    pub cache_location: Option<PathBuf>,
    /// Who shares the account's rate budget.
    pub rate_limit_sharing: crate::rate_budget::Sharing,
    /// What writes may do.
    pub writes: WriteSettings,
}

/// Builds the HTTP client for `access` and returns every table of the profile.
pub fn open(
    profile: &Profile,
    access: ApiAccess,
    options: &ScanOptions,
    log: Arc<crate::request_log::RequestLog>,
) -> Result<Vec<Arc<RestTable>>> {
    let base = reqwest::Url::parse(&access.base_url).map_err(|e| {
        Error::new(
            ApiError::Refused,
            format!(
                "The API base URL '{}' is not valid ({e}); check BaseURL",
                access.base_url
            ),
        )
    })?;
    let client = client::ApiClient::new(
        base,
        profile.hosts.clone(),
        access.credentials,
        profile.rate_limit.clone(),
        profile.errors.clone(),
        options,
        log,
    )?;
    let ctx = Arc::new(context::ScanContext {
        client: Arc::new(client),
        profile: profile.clone(),
        pagesize: options.pagesize,
        max_rows: options.max_rows,
        concurrency: options.max_concurrent_requests.max(1),
        field_definitions: Default::default(),
        writes: options.writes,
    });
    profile
        .tables
        .iter()
        .map(|t| Ok(Arc::new(RestTable::new(ctx.clone(), t.clone())?)))
        .collect()
}

/// The connection's first request (VerifyConnection): one record of the profile's check table
/// (`[auth] check_table`, else its first table read on its own), so that credentials the API
/// refuses fail the connection with 28000 and the API's message, and an API that cannot be
/// reached fails it too, rather than the first query. Without a token yet (OAuth not authorized,
/// the connection is for the OAuth procedures), nothing is checked. Refused credentials keep
/// their 28000 (a 403, allowed in but not to this table, connects), an API that cannot be
/// reached is 08001 as any connection that cannot be made, a timeout HYT00; any other answer of
/// the one table is logged and the connection made.
pub async fn verify_access(profile: &Profile, tables: &[Arc<RestTable>]) -> Result<()> {
    let table = match &profile.auth.check_table {
        Some(name) => tables.iter().find(|t| t.name().eq_ignore_ascii_case(name)),
        None => tables.iter().find(|t| t.reads_on_its_own()),
    };
    let Some(table) = table else {
        return Ok(());
    };
    let Err(e) = table.first_contact().await else {
        return Ok(());
    };
    match e.kind {
        // 403: the credentials are good but may not read this table (a scoped token); the
        // tables it may read are still worth connecting for.
        ErrorKind::Auth(_) if e.native == 403 => Ok(()),
        ErrorKind::Auth(_) | ErrorKind::Api(ApiError::Timeout) => Err(e),
        // At connect, an API that cannot be reached means no connection (08001).
        ErrorKind::Api(ApiError::Unreachable | ApiError::Broken | ApiError::OffOrigin) => Err(
            Error::new(
                ConnectError::DataSource,
                format!(
                    "{}; to connect without asking the API (planning offline), set VerifyConnection=FALSE",
                    e.message
                ),
            )
            .with_native(e.native),
        ),
        // Anything else (an odd answer of this one table) says nothing about the credentials;
        // the first query that reads the table reports it.
        _ => {
            tracing::warn!("VerifyConnection: {}", e.message);
            Ok(())
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
