//! The driver's OAuth client (docs/architecture.md decision 9, docs/reference/oauth.md §1–§4): token requests for every
//! grant the profiles use, the token manager the REST client asks for the current access token,
//! and the steps a user runs by hand (which `session` offers as stored procedures).
//!
//! - [`config`]: one connection's OAuth application, endpoints and quirks (profile + settings);
//! - [`client`]: the token requests (authorization_code + PKCE, refresh_token,
//!   client_credentials, password) as form POSTs over the project's reqwest client;
//! - [`response`]: parsing and repairing token responses, and token-endpoint errors;
//! - [`pkce`]: state, PKCE S256 and the authorization URL;
//! - [`authorization_response`]: the redirect's code, state, error and `iss` (mix-up defence);
//! - [`desktop`]: the browser flow of InitiateOAuth=GETANDREFRESH and AuthMode=APP, with
//!   [`browser`] (the system browser) and [`loopback`] (the one-shot redirect listener);
//! - [`manager`]: [`manager::TokenManager`], the `http::AccessTokenSource` of the REST client;
//! - [`steps`]: the authorization URL, the code exchange, the browser flow and a refresh, as
//!   plain calls with plain values.
//!
//! The `oauth2` crate is not used: 5.0.0 with default features off still needs rand 0.8,
//! getrandom 0.2 and sha2 0.10 (duplicates of this crate's getrandom 0.4 and sha2 0.11), one
//! `AuthType` per client (Keap needs two), and shims for every non-compliant response; the token
//! requests are plain form POSTs, written here.

pub mod authorization_response;
pub mod browser;
pub mod client;
pub mod config;
pub mod desktop;
pub mod loopback;
pub mod manager;
pub mod pkce;
pub mod response;
pub mod steps;

pub use client::OAuthClient;
pub use config::OAuthConfig;
pub use manager::TokenManager;
pub use steps::OAuthSteps;

#[cfg(test)]
mod tests;
