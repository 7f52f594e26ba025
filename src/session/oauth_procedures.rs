//! The OAuth stored procedures of a connection whose profile has OAuth.

use std::sync::Arc;

use crate::auth::oauth::{OAuthClient, OAuthConfig};
use crate::connect::settings::Settings;
use crate::engine::procedures::Procedure;
use crate::error::Result;
use crate::profile::Profile;

/// GetOAuthAuthorizationURL, GetOAuthAccessToken and RefreshOAuthAccessToken, or none when the
/// profile has no OAuth section.
pub fn procedures(profile: &Profile, settings: &Settings) -> Result<Vec<Arc<dyn Procedure>>> {
    let Some(config) = OAuthConfig::new(profile, settings)? else {
        return Ok(Vec::new());
    };
    let client = OAuthClient::new(config)?;
    Ok(crate::auth::oauth::procedures::procedures(
        client,
        settings,
        &profile.name,
    ))
}
