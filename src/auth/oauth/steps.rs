//! The OAuth steps a user runs by hand (the stored procedures offer them; `session` declares
//! those): the authorization URL with state and PKCE, kept as pending values in the token store;
//! exchanging the code from the redirect (the pasted code or redirect URL, checked against the
//! pending or given state) and storing the tokens; the desktop browser flow ([`super::desktop`]);
//! refreshing a given refresh token. Inputs and outputs are plain values: this knows no SQL.

use super::authorization_response::AuthorizationResponse;
use super::client::OAuthClient;
use super::desktop::{self, DesktopOptions};
use super::pkce;
use crate::auth::token_store::{Decision, TokenStore};
use crate::auth::tokens::{now_unix, PendingAuthorization, StoredTokens};
use crate::connect::settings::Settings;
use crate::error::{AuthError, Error, Result};
use crate::secret::Secret;

/// The OAuth client of a connection and its token store.
pub struct OAuthSteps {
    client: OAuthClient,
    store: Result<TokenStore>,
}

/// An authorization to send the user to.
pub struct AuthorizationStart {
    pub url: String,
    pub state: Secret,
    /// Hand it to [`OAuthSteps::exchange_code`] when the pending values are not at hand.
    pub pkce_verifier: Secret,
}

/// Tokens the service issued.
pub struct IssuedTokens {
    pub access_token: Option<Secret>,
    pub refresh_token: Option<Secret>,
    /// Seconds the access token lives, when the service said.
    pub expires_in: Option<i64>,
}

impl IssuedTokens {
    fn from_stored(t: &StoredTokens) -> IssuedTokens {
        IssuedTokens {
            access_token: t.access_token.clone(),
            refresh_token: t.refresh_token.clone(),
            expires_in: match (t.expires_at, t.obtained_at) {
                (Some(e), Some(o)) => Some(e.saturating_sub(o)),
                _ => None,
            },
        }
    }
}

/// What the code exchange is given: the code or the whole redirect URL, and the values of the
/// authorization it belongs to where the pending ones in the token store do not apply.
#[derive(Default)]
pub struct CodeExchange {
    pub verifier: String,
    pub callback_url: Option<String>,
    pub state: Option<String>,
    pub pkce_verifier: Option<String>,
}

fn auth_error(message: &str) -> Error {
    Error::new(AuthError::Configuration, message.to_string())
}

impl OAuthSteps {
    pub fn new(client: OAuthClient, settings: &Settings) -> OAuthSteps {
        let store = client.config.store(settings);
        OAuthSteps { client, store }
    }

    fn store(&self) -> Result<&TokenStore> {
        self.store.as_ref().map_err(|e| e.clone())
    }

    /// The URL where the user authorizes the application, with a state (random unless given) and
    /// a PKCE S256 challenge; both are kept as pending values for the exchange.
    pub fn start_authorization(
        &self,
        callback_url: Option<String>,
        scope: Option<String>,
        state: Option<String>,
    ) -> Result<AuthorizationStart> {
        let config = &self.client.config;
        config.require_client()?;
        let base = config.authorization_url.as_deref().ok_or_else(|| {
            auth_error("This profile has no authorization URL; set OAuthAuthorizationURL")
        })?;
        let redirect = callback_url
            .or_else(|| config.callback_url.clone())
            .ok_or_else(|| auth_error("GetOAuthAuthorizationURL needs CallbackURL: the redirect URI registered with the service"))?;
        let scope = scope.or_else(|| config.scope.clone());
        let state = match state {
            Some(s) => Secret::new(s),
            None => pkce::random_token()?,
        };
        let verifier = pkce::random_token()?;
        let url = pkce::authorization_url(
            base,
            &config.client_id,
            &redirect,
            scope.as_deref(),
            &state,
            &verifier,
            &config.authorize_params,
        )?;
        let pending = PendingAuthorization {
            state: state.clone(),
            pkce_verifier: verifier.clone(),
            redirect_uri: redirect,
            created_at: now_unix(),
        };
        self.store()?.update(|cur| {
            let mut t = cur.unwrap_or_default();
            t.pending = Some(pending);
            Ok(Decision::Replace(t))
        })?;
        Ok(AuthorizationStart {
            url,
            state,
            pkce_verifier: verifier,
        })
    }

    /// Exchanges the code from the redirect for tokens and stores them.
    pub async fn exchange_code(&self, given: CodeExchange) -> Result<IssuedTokens> {
        let config = &self.client.config;
        config.require_client()?;
        let response = AuthorizationResponse::from_pasted(&given.verifier);
        let store = self.store()?;
        let pending = store
            .load()?
            .and_then(|t| t.pending_at(now_unix()).cloned());
        // Pending values apply only to the authorization they belong to.
        let pending = pending.filter(|p| {
            given
                .state
                .as_deref()
                .is_none_or(|s| pkce::constant_time_eq(s, p.state.expose()))
        });
        let expected_state = given
            .state
            .map(Secret::new)
            .or_else(|| pending.as_ref().map(|p| p.state.clone()));
        let code = response.into_code(
            expected_state.as_ref(),
            config.issuer.as_ref(),
            &config.profile,
        )?;
        let verifier = given
            .pkce_verifier
            .map(Secret::new)
            .or_else(|| pending.as_ref().map(|p| p.pkce_verifier.clone()));
        let redirect = given
            .callback_url
            .or_else(|| pending.as_ref().map(|p| p.redirect_uri.clone()))
            .or_else(|| config.callback_url.clone());
        let (resp, sent) = self
            .client
            .exchange_code(&code, redirect.as_deref(), verifier.as_ref())
            .await?;
        let stored = store
            .update_async(|cur| async move {
                Ok(Decision::Replace(resp.into_stored(sent, cur.as_ref())))
            })
            .await?
            .unwrap_or_default();
        Ok(IssuedTokens::from_stored(&stored))
    }

    /// The desktop flow: the browser, the loopback listener, the exchange; the tokens are stored
    /// (pending web-flow values kept).
    pub async fn authorize_in_browser(
        &self,
        callback_url: Option<String>,
        scope: Option<String>,
    ) -> Result<IssuedTokens> {
        let store = self.store()?;
        let opts = DesktopOptions {
            callback_url,
            scope,
        };
        let (resp, sent) = desktop::authorize(&self.client, &opts).await?;
        let stored = store
            .update_async(|cur| async move {
                let mut next = resp.into_stored(sent, cur.as_ref());
                next.pending = cur.and_then(|c| c.pending);
                Ok(Decision::Replace(next))
            })
            .await?
            .unwrap_or_default();
        Ok(IssuedTokens::from_stored(&stored))
    }

    /// New tokens for a refresh token; stored when the connection has a usable token store.
    pub async fn refresh(&self, token: Secret) -> Result<IssuedTokens> {
        let (resp, sent) = self.client.refresh(&token).await?;
        let mut t = resp.into_stored(sent, None);
        if t.refresh_token.is_none() {
            t.refresh_token = Some(token);
        }
        if let Ok(store) = self.store() {
            let t2 = t.clone();
            store
                .update_async(|cur| async move {
                    let mut next = t2;
                    next.pending = cur.and_then(|c| c.pending);
                    Ok(Decision::Replace(next))
                })
                .await?;
        }
        Ok(IssuedTokens::from_stored(&t))
    }
}
