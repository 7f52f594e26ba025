//! The token manager: what the REST client asks for the access token before every request.
//! InitiateOAuth=OFF sends OAuthAccessToken as given. Otherwise the tokens live in the token
//! store; they are refreshed ahead of expiry (margin: 60 s or a tenth of the lifetime, whichever
//! is smaller) under the store's lock, re-reading first so a peer's newer token is adopted, and a
//! rotated refresh token is written before the new access token is used. Client credentials and
//! password grants fetch a new token instead. A 401 from the API forces one refresh. A network
//! error during a refresh keeps a token that is still valid. InitiateOAuth=GETANDREFRESH with no
//! usable token and no working refresh token runs the desktop browser flow ([`super::desktop`])
//! outside the store's lock (a browser round trip can take minutes; peers must not time out on
//! the lock meanwhile), then stores what it got.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use async_trait::async_trait;

use super::authorization_response::AuthorizationResponse;
use super::client::OAuthClient;
use super::config::Grant;
use super::desktop::{self, DesktopOptions};
use crate::auth::token_store::{Decision, TokenStore};
use crate::auth::tokens::{now_unix, RefreshAttempt, StoredTokens};
use crate::connect::settings::{InitiateOAuth, Settings};
use crate::error::{state, AuthError, Error, Result};
use crate::http::AccessTokenSource;
use crate::secret::Secret;

/// Seconds before expiry at which a token counts as stale.
pub fn refresh_margin(tokens: &StoredTokens) -> i64 {
    match (tokens.expires_at, tokens.obtained_at) {
        (Some(exp), Some(got)) => (exp.saturating_sub(got) / 10).clamp(0, 60),
        _ => 60,
    }
}

pub struct TokenManager {
    client: OAuthClient,
    store: Option<TokenStore>,
    given: Option<Secret>,
    /// How to get a token with no refresh token: client credentials or password.
    unattended: Option<(Grant, Option<(String, Secret)>)>,
    /// InitiateOAuth=GETANDREFRESH: the browser flow when nothing else yields a token.
    desktop: bool,
    cached: Mutex<Option<StoredTokens>>,
}

fn auth_error(message: String) -> Error {
    Error::new(AuthError::AuthorizationNeeded, message)
}

fn headless_steps(profile: &str) -> String {
    format!(
        "Profile {profile} has no valid OAuth token and no refresh token (InitiateOAuth=GETANDREFRESH authorizes in a browser). Without a browser: {}",
        desktop::headless_options()
    )
}

/// The error for a refresh token that a refresh spent without its answer being stored.
fn interrupted_refresh(profile: &str, attempt: &RefreshAttempt, refused: &Error) -> Error {
    let when = chrono::DateTime::<chrono::Utc>::from_timestamp(attempt.started_at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| attempt.started_at.to_string());
    Error::new(
        refused.state,
        format!(
            "The refresh token of profile {profile} was spent by a refresh that never finished (started {when}; the process stopped before it could store the new tokens), so the server refuses it now. Authorize again: InitiateOAuth=GETANDREFRESH, or without a browser: {}",
            desktop::headless_options()
        ),
    )
}

impl TokenManager {
    /// Sets up the manager for a connection and makes sure a token is at hand (exchanging an
    /// OAuthVerifier, storing tokens given in the string, or running an unattended grant).
    pub async fn connect(
        client: OAuthClient,
        settings: &Settings,
        unattended: Option<Grant>,
    ) -> Result<TokenManager> {
        let unattended = match unattended {
            Some(Grant::Password) => {
                let user = settings.user.clone().ok_or_else(|| {
                    auth_error("The OAuth password grant needs User and Password".into())
                })?;
                let pass = settings.password.clone().unwrap_or_default();
                Some((Grant::Password, Some((user, pass))))
            }
            Some(g) => Some((g, None)),
            None => None,
        };
        let given = settings
            .oauth_access_token
            .clone()
            .filter(|t| !t.is_empty());
        // OFF sends the given token; with none, an unattended grant (client credentials,
        // password) still fetches one, since it needs no user.
        let off = settings.initiate_oauth == InitiateOAuth::Off
            && (given.is_some() || unattended.is_none());
        if off {
            return Ok(TokenManager {
                client,
                store: None,
                given,
                unattended: None,
                desktop: false,
                cached: Mutex::new(None),
            });
        }
        client.config.require_client()?;
        let store = client.config.store(settings)?;
        let manager = TokenManager {
            client,
            store: Some(store.clone()),
            given: None,
            unattended,
            desktop: settings.initiate_oauth == InitiateOAuth::GetAndRefresh,
            cached: Mutex::new(None),
        };
        if let Some(code) = settings.oauth_verifier.clone().filter(|c| !c.is_empty()) {
            manager.exchange_verifier(&store, &code, settings).await?;
        } else if settings.oauth_access_token.is_some() || settings.oauth_refresh_token.is_some() {
            let (access, refresh) = (
                settings.oauth_access_token.clone(),
                settings.oauth_refresh_token.clone(),
            );
            store
                .update_async(|cur| async move {
                    let empty = cur
                        .as_ref()
                        .is_none_or(|c| c.access_token.is_none() && c.refresh_token.is_none());
                    if !empty {
                        // Never replay a string's refresh token over a newer (rotated) one.
                        return Ok(Decision::Keep);
                    }
                    let pending = cur.and_then(|c| c.pending);
                    Ok(Decision::Replace(StoredTokens {
                        access_token: access,
                        refresh_token: refresh,
                        pending,
                        ..StoredTokens::default()
                    }))
                })
                .await?;
        }
        manager.access_token().await?;
        Ok(manager)
    }

    /// Headless option 1: the code from OAuthVerifier, with PKCEVerifier or the pending values.
    async fn exchange_verifier(
        &self,
        store: &TokenStore,
        code: &Secret,
        s: &Settings,
    ) -> Result<()> {
        let pending = store
            .load()?
            .and_then(|t| t.pending_at(now_unix()).cloned());
        let config = &self.client.config;
        let code = AuthorizationResponse::from_pasted(code.expose()).into_code(
            pending.as_ref().map(|p| &p.state),
            config.issuer.as_ref(),
            &config.profile,
        )?;
        let code = &code;
        let verifier = s
            .pkce_verifier
            .clone()
            .or_else(|| pending.as_ref().map(|p| p.pkce_verifier.clone()));
        let redirect = s
            .callback_url
            .clone()
            .or_else(|| pending.as_ref().map(|p| p.redirect_uri.clone()));
        let (resp, sent) = self
            .client
            .exchange_code(code, redirect.as_deref(), verifier.as_ref())
            .await?;
        let stored = store
            .update_async(|cur| async move {
                Ok(Decision::Replace(resp.into_stored(sent, cur.as_ref())))
            })
            .await?;
        *self.lock_cache() = stored;
        Ok(())
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Option<StoredTokens>> {
        self.cached.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The tokens as last seen (for the API base a token response named).
    pub fn tokens(&self) -> Option<StoredTokens> {
        self.lock_cache().clone()
    }

    /// Refreshes (or re-fetches) under the store's lock. `force_past`: the token the API refused.
    async fn renew(&self, store: &TokenStore, force_past: Option<&Secret>) -> Result<StoredTokens> {
        let client = &self.client;
        let unattended = &self.unattended;
        let refused = force_past.cloned();
        let desktop = self.desktop;
        let needs_browser = AtomicBool::new(false);
        let needs_browser = &needs_browser;
        let after = store
            .update_with_checkpoints(|cur, checkpoint| async move {
                let now = now_unix();
                if let Some(c) = &cur {
                    let margin = refresh_margin(c);
                    let peer_newer = refused
                        .as_ref()
                        .is_none_or(|r| c.access_token.as_ref() != Some(r));
                    if c.access_token_valid(now, margin) && peer_newer {
                        return Ok(Decision::Keep);
                    }
                }
                let refresh = cur
                    .as_ref()
                    .and_then(|c| c.refresh_token.clone())
                    .filter(|r| !r.is_empty());
                let (resp, sent) = match (refresh, unattended) {
                    (Some(r), _) => {
                        // An earlier refresh that spent this very token and was never stored.
                        let interrupted = cur
                            .as_ref()
                            .and_then(|c| c.refreshing.clone())
                            .filter(|a| a.spent(&r));
                        // Recorded before the token is spent: if this process dies before the
                        // answer is stored, the next connection can say what happened.
                        let unmarked = cur.clone().map(|mut c| {
                            c.refreshing = None;
                            c
                        });
                        let mut marked = unmarked.clone().unwrap_or_default();
                        marked.refreshing = Some(RefreshAttempt::new(&r, now));
                        checkpoint.save(&marked).await?;
                        match client.refresh(&r).await {
                            Ok(got) => got,
                            Err(e) if e.state == state::INVALID_AUTHORIZATION => {
                                // The server's final answer: the attempt is over.
                                if let Some(unmarked) = &unmarked {
                                    checkpoint.save(unmarked).await?;
                                }
                                if desktop {
                                    // A dead refresh token: authorize again in the browser.
                                    needs_browser.store(true, Ordering::Relaxed);
                                    return Ok(Decision::Keep);
                                }
                                return Err(match interrupted {
                                    Some(attempt) => {
                                        interrupted_refresh(&client.config.profile, &attempt, &e)
                                    }
                                    None => e,
                                });
                            }
                            // Whether the server spent the token is unknown: keep the record.
                            Err(e) => return Err(e),
                        }
                    }
                    (None, Some((Grant::Password, Some((u, p))))) => client.password(u, p).await?,
                    (None, Some((Grant::ClientCredentials, _))) => {
                        client.client_credentials().await?
                    }
                    _ if desktop => {
                        needs_browser.store(true, Ordering::Relaxed);
                        return Ok(Decision::Keep);
                    }
                    _ => return Err(auth_error(headless_steps(&client.config.profile))),
                };
                let mut next = resp.into_stored(sent, cur.as_ref());
                next.pending = cur.and_then(|c| c.pending);
                Ok(Decision::Replace(next))
            })
            .await?;
        if needs_browser.load(Ordering::Relaxed) {
            return self.browser_flow(store).await;
        }
        after.ok_or_else(|| auth_error(headless_steps(&self.client.config.profile)))
    }

    /// The desktop flow, then the tokens stored (keeping pending web-flow values).
    async fn browser_flow(&self, store: &TokenStore) -> Result<StoredTokens> {
        let (resp, sent) = desktop::authorize(&self.client, &DesktopOptions::default()).await?;
        let after = store
            .update_async(|cur| async move {
                let mut next = resp.into_stored(sent, cur.as_ref());
                next.pending = cur.and_then(|c| c.pending);
                Ok(Decision::Replace(next))
            })
            .await?;
        after.ok_or_else(|| auth_error(headless_steps(&self.client.config.profile)))
    }

    async fn current(&self, force_past: Option<&Secret>) -> Result<Secret> {
        let Some(store) = &self.store else {
            return self.given.clone().ok_or_else(|| {
                auth_error("No OAuth access token: set OAuthAccessToken, or InitiateOAuth=REFRESH with OAuthSettingsLocation, or obtain one with GetOAuthAuthorizationURL and GetOAuthAccessToken".into())
            });
        };
        let now = now_unix();
        let cached = match self.lock_cache().clone() {
            Some(c) => Some(c),
            None => store.load()?,
        };
        if force_past.is_none() {
            if let Some(c) = &cached {
                if c.access_token_valid(now, refresh_margin(c)) {
                    *self.lock_cache() = Some(c.clone());
                    return c
                        .access_token
                        .clone()
                        .ok_or_else(|| auth_error(headless_steps(&self.client.config.profile)));
                }
            }
        }
        match self.renew(store, force_past).await {
            Ok(t) => {
                *self.lock_cache() = Some(t.clone());
                t.access_token
                    .ok_or_else(|| auth_error(headless_steps(&self.client.config.profile)))
            }
            // A network error while the current token still works: keep using it.
            Err(e) if e.state == state::COMMUNICATION_LINK_FAILURE && force_past.is_none() => {
                cached
                    .filter(|c| c.access_token_valid(now, 0))
                    .and_then(|c| c.access_token)
                    .ok_or(e)
            }
            Err(e) => Err(e),
        }
    }
}

#[async_trait]
impl AccessTokenSource for TokenManager {
    async fn access_token(&self) -> Result<Secret> {
        self.current(None).await
    }

    async fn after_unauthorized(&self, used: &Secret) -> Result<Secret> {
        if self.store.is_none() {
            return Err(auth_error("The API refused the OAuth access token (HTTP 401); it may have expired: obtain a new one (RefreshOAuthAccessToken) or connect with InitiateOAuth=REFRESH".into()));
        }
        *self.lock_cache() = None;
        self.current(Some(used)).await
    }
}

/// A token handed over in OAuthAccessToken, for a profile without an OAuth section.
pub struct StaticToken(pub Option<Secret>);

#[async_trait]
impl AccessTokenSource for StaticToken {
    async fn access_token(&self) -> Result<Secret> {
        self.0
            .clone()
            .ok_or_else(|| auth_error("No OAuth access token: set OAuthAccessToken".into()))
    }

    async fn after_unauthorized(&self, _used: &Secret) -> Result<Secret> {
        Err(auth_error(
            "The API refused the OAuth access token (HTTP 401); set a valid OAuthAccessToken"
                .into(),
        ))
    }
}
