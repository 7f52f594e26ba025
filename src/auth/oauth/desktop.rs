//! The desktop flow (RFC 8252): authorization code with PKCE S256 and a random state, through the
//! system browser and a one-shot loopback listener.
//!
//! 1. bind the listener ([`super::loopback`]) on the CallbackURL's host and port, or on
//!    `127.0.0.1`, a free port and the profile's own path;
//! 2. build the authorization URL exactly as GetOAuthAuthorizationURL does
//!    ([`pkce::authorization_url`]) with the listener's redirect URI;
//! 3. open the browser ([`super::browser`]); where none can be opened, fail at once with
//!    28000 and the headless steps;
//! 4. wait for the one callback with the right state and no foreign `iss` (or the timeout), then
//!    exchange its code, sending the same redirect URI and the PKCE verifier.
//!
//! The caller stores the tokens. InitiateOAuth=GETANDREFRESH runs this even under
//! SQL_DRIVER_NOPROMPT: the connection string itself asks for the browser (pyodbc and Power BI
//! always pass NOPROMPT), so the application's prompt flag does not veto it.

use super::browser;
use super::client::OAuthClient;
use super::loopback::{self, Expected, Listener};
use super::pkce;
use super::response::TokenResponse;
use crate::error::{AuthError, Error, Result};

/// The two ways to authorize on a machine without a browser, for error messages.
pub fn headless_options() -> &'static str {
    "Option 1: on this machine, call GetOAuthAuthorizationURL (CallbackURL = the registered redirect), open the URL on any machine with a browser and log in, copy the code parameter from the redirect, then connect with InitiateOAuth=REFRESH;OAuthVerifier=<code> and the same OAuthSettingsLocation. Option 2: authorize on a desktop with InitiateOAuth=GETANDREFRESH, then copy (move, where the service rotates refresh tokens) its OAuthSettings file here and connect with InitiateOAuth=REFRESH"
}

/// What the desktop flow needs besides the client.
#[derive(Clone, Debug, Default)]
pub struct DesktopOptions {
    /// The redirect to listen on and send; `None`: the configuration's CallbackURL, else
    /// `http://127.0.0.1:<free port>/<profile>/callback`.
    pub callback_url: Option<String>,
    /// Scopes; `None`: the configuration's.
    pub scope: Option<String>,
}

/// Runs the flow; returns the token response and when the token request was sent.
pub async fn authorize(
    client: &OAuthClient,
    opts: &DesktopOptions,
) -> Result<(TokenResponse, i64)> {
    let config = &client.config;
    config.require_client()?;
    let base = config.authorization_url.as_deref().ok_or_else(|| {
        Error::new(
            AuthError::Configuration,
            format!(
                "Profile {} has no authorization URL, so the browser flow cannot run; set OAuthAuthorizationURL",
                config.profile
            ),
        )
    })?;
    let callback = opts
        .callback_url
        .as_deref()
        .or(config.callback_url.as_deref());
    let listener = Listener::bind(callback, &loopback::default_path(&config.profile)).await?;
    let redirect = listener.redirect_uri().to_string();
    let state_value = pkce::random_token()?;
    let verifier = pkce::random_token()?;
    let scope = opts.scope.as_deref().or(config.scope.as_deref());
    let url = pkce::authorization_url(
        base,
        &config.client_id,
        &redirect,
        scope,
        &state_value,
        &verifier,
        &config.authorize_params,
    )?;
    browser::open(&url).map_err(|browser::NoBrowser(why)| {
        Error::new(
            AuthError::Flow,
            format!(
                "InitiateOAuth=GETANDREFRESH needs a browser to authorize profile {}, and {why}. {}",
                config.profile,
                headless_options()
            ),
        )
    })?;
    let timeout = config.browser_timeout;
    tracing::info!(
        profile = %config.profile,
        listen = ?listener.local_addr(),
        timeout_s = timeout.as_secs(),
        "OAuth: waiting for the browser's redirect"
    );
    let expected = Expected {
        state: &state_value,
        issuer: config.issuer.as_ref(),
        profile: &config.profile,
    };
    let code = listener.wait(&expected, timeout).await?;
    client
        .exchange_code(&code, Some(&redirect), Some(&verifier))
        .await
}
