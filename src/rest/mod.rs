//! A profile's tables as DataFusion tables backed by HTTP. Owns the HTTP client, credentials,
//! pagination, retries and rate limits, JSON → Arrow, and the `TableProvider`s. Its one entry
//! point is [`open`]. It knows nothing of ODBC; it does not run OAuth flows (it sends a token it
//! is given).

mod auth;
pub mod client;
mod context;
pub mod convert;
mod emitter;
pub mod jsonpath;
mod origin;
pub mod page_values;
pub mod pager;
mod provider;
mod record_splitter;
mod report;
pub mod scan;
mod window;

use std::sync::Arc;

use crate::connect::settings::Settings;
use crate::error::{state, Error, Result};
use crate::profile::Profile;

pub use provider::RestTable;

/// Checks the auth scheme and settings against the profile, builds the HTTP client, and returns
/// every table of the profile with its description, ready for `EngineOptions.tables`.
pub fn open(profile: &Profile, settings: &Settings) -> Result<Vec<Arc<RestTable>>> {
    let resolved = auth::resolve(profile, settings)?;
    let base = reqwest::Url::parse(&resolved.base_url).map_err(|e| {
        Error::new(
            state::UNABLE_TO_CONNECT,
            format!(
                "[apiodbc] The API base URL '{}' is not valid ({e}); check BaseURL",
                resolved.base_url
            ),
        )
    })?;
    let client = client::ApiClient::new(
        base,
        profile.hosts.clone(),
        resolved.credentials,
        profile.rate_limit.clone(),
        profile.errors.clone(),
        &client::HttpLimits {
            timeout_secs: settings.timeout,
            max_response_bytes: settings.max_response_size,
            extra_ca: settings.ssl_server_cert.as_deref(),
        },
    )?;
    let ctx = Arc::new(context::ScanContext {
        client,
        profile: profile.clone(),
        pagesize: settings.pagesize,
        max_rows: settings.max_rows,
    });
    profile
        .tables
        .iter()
        .map(|t| Ok(Arc::new(RestTable::new(ctx.clone(), t.clone())?)))
        .collect()
}

#[cfg(test)]
mod tests;
