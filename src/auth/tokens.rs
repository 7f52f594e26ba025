//! What the token store keeps for one OAuth client: the tokens of the last grant, when the access
//! token expires, the API base the token response named, and the values of an authorization that
//! GetOAuthAuthorizationURL started and GetOAuthAccessToken has not finished yet. Secrets are
//! `Secret`s; the JSON form (the plaintext inside the encrypted file) is built here and nowhere else.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// How long pending authorization values stay usable: long enough for a user to log in and paste
/// the code back, short enough that a leaked state or verifier is soon worthless.
pub const PENDING_LIFETIME_SECS: i64 = 10 * 60;

/// Clock difference tolerated for a `created_at` that lies in the future (another machine's
/// clock, for a copied settings file).
const PENDING_FUTURE_SKEW_SECS: i64 = 60;

/// The current time in Unix seconds; 0 if the clock is before 1970.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Everything the store holds for one client id and token URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredTokens {
    pub access_token: Option<Secret>,
    pub refresh_token: Option<Secret>,
    /// Unix seconds at which the access token expires: the time the token request was *sent* plus
    /// `expires_in` (see [`StoredTokens::expiry`]). `None`: the server gave no lifetime.
    pub expires_at: Option<i64>,
    /// Unix seconds at which the request that produced these tokens was sent, so a process that
    /// re-reads the store under the lock can tell a peer's newer tokens from its own.
    pub obtained_at: Option<i64>,
    pub token_type: Option<String>,
    pub scope: Option<String>,
    /// The API base the token response named (Pipedrive's `api_domain`), used instead of the
    /// profile's base URL.
    pub api_base: Option<String>,
    /// An authorization in progress between GetOAuthAuthorizationURL and GetOAuthAccessToken.
    pub pending: Option<PendingAuthorization>,
    /// A refresh that was sent with `refresh_token` and has not been stored yet. Written before
    /// the request, cleared with its result: found by the next connection, it says that the
    /// process stopped in between, so a refused refresh token was spent by that refresh.
    pub refreshing: Option<RefreshAttempt>,
}

/// A refresh in flight: when it started, and which refresh token it spends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshAttempt {
    /// Unix seconds.
    pub started_at: i64,
    /// 16 hex digits of SHA-256 over the refresh token (the token itself is stored beside it).
    pub token_fingerprint: String,
}

impl RefreshAttempt {
    pub fn new(refresh_token: &Secret, now: i64) -> RefreshAttempt {
        RefreshAttempt {
            started_at: now,
            token_fingerprint: token_fingerprint(refresh_token),
        }
    }

    /// Whether this attempt spent `refresh_token`.
    pub fn spent(&self, refresh_token: &Secret) -> bool {
        self.token_fingerprint == token_fingerprint(refresh_token)
    }
}

fn token_fingerprint(token: &Secret) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.expose().as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Values of an authorization request that the token exchange needs back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingAuthorization {
    pub state: Secret,
    pub pkce_verifier: Secret,
    pub redirect_uri: String,
    /// Unix seconds.
    pub created_at: i64,
}

impl PendingAuthorization {
    /// Whether these values may still be used at `now` (within [`PENDING_LIFETIME_SECS`]).
    pub fn is_fresh(&self, now: i64) -> bool {
        let age = now.saturating_sub(self.created_at);
        (-PENDING_FUTURE_SKEW_SECS..=PENDING_LIFETIME_SECS).contains(&age)
    }
}

impl StoredTokens {
    /// The absolute expiry for a token response: `request_sent_at + expires_in`. Counting from
    /// when the request was sent, not when the answer arrived, errs on the early side.
    pub fn expiry(request_sent_at: i64, expires_in: Option<i64>) -> Option<i64> {
        expires_in.map(|secs| request_sent_at.saturating_add(secs.max(0)))
    }

    /// Whether an access token is present and still valid `margin_secs` after `now`. A token
    /// without a known expiry counts as valid: the API's 401 will tell otherwise.
    pub fn access_token_valid(&self, now: i64, margin_secs: i64) -> bool {
        let present = self.access_token.as_ref().is_some_and(|t| !t.is_empty());
        present
            && self
                .expires_at
                .is_none_or(|at| at.saturating_sub(margin_secs) > now)
    }

    /// The pending authorization values, if they are still fresh at `now`.
    pub fn pending_at(&self, now: i64) -> Option<&PendingAuthorization> {
        self.pending.as_ref().filter(|p| p.is_fresh(now))
    }

    /// Keeps `previous`'s refresh token when this (newer) token response came without one, as
    /// RFC 6749 §6 allows; a returned refresh token always wins, since the old one may be revoked.
    pub fn keep_refresh_token_from(&mut self, previous: Option<&StoredTokens>) {
        if self.refresh_token.as_ref().is_none_or(|t| t.is_empty()) {
            self.refresh_token = previous.and_then(|p| p.refresh_token.clone());
        }
    }

    /// The plaintext JSON. The caller must not log it: it holds the tokens.
    pub(crate) fn to_json(&self) -> Result<Vec<u8>> {
        let wire = Wire {
            access_token: self.access_token.as_ref().map(|s| s.expose()),
            refresh_token: self.refresh_token.as_ref().map(|s| s.expose()),
            expires_at: self.expires_at,
            obtained_at: self.obtained_at,
            token_type: self.token_type.as_deref(),
            scope: self.scope.as_deref(),
            api_base: self.api_base.as_deref(),
            pending: self.pending.as_ref().map(|p| PendingWire {
                state: p.state.expose(),
                pkce_verifier: p.pkce_verifier.expose(),
                redirect_uri: &p.redirect_uri,
                created_at: p.created_at,
            }),
            refreshing: self.refreshing.as_ref().map(|r| RefreshWire {
                started_at: r.started_at,
                token_fingerprint: r.token_fingerprint.clone(),
            }),
        };
        // serde_json's message names a position, never the data, so it is safe to show.
        serde_json::to_vec(&wire)
            .map_err(|e| Error::general(format!("Internal error encoding OAuth tokens: {e}")))
    }

    /// Parses the plaintext JSON. Unknown fields are ignored so a later 1.x driver can add some.
    pub(crate) fn from_json(bytes: &[u8]) -> Result<StoredTokens, serde_json::Error> {
        let wire: OwnedWire = serde_json::from_slice(bytes)?;
        Ok(StoredTokens {
            access_token: wire.access_token.map(Secret::new),
            refresh_token: wire.refresh_token.map(Secret::new),
            expires_at: wire.expires_at,
            obtained_at: wire.obtained_at,
            token_type: wire.token_type,
            scope: wire.scope,
            api_base: wire.api_base,
            pending: wire.pending.map(|p| PendingAuthorization {
                state: Secret::new(p.state),
                pkce_verifier: Secret::new(p.pkce_verifier),
                redirect_uri: p.redirect_uri,
                created_at: p.created_at,
            }),
            refreshing: wire.refreshing.map(|r| RefreshAttempt {
                started_at: r.started_at,
                token_fingerprint: r.token_fingerprint,
            }),
        })
    }
}

#[derive(Serialize)]
struct Wire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    obtained_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_base: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pending: Option<PendingWire<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refreshing: Option<RefreshWire>,
}

#[derive(Serialize, Deserialize)]
struct RefreshWire {
    started_at: i64,
    token_fingerprint: String,
}

#[derive(Serialize)]
struct PendingWire<'a> {
    state: &'a str,
    pkce_verifier: &'a str,
    redirect_uri: &'a str,
    created_at: i64,
}

#[derive(Deserialize)]
struct OwnedWire {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_at: Option<i64>,
    #[serde(default)]
    obtained_at: Option<i64>,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    api_base: Option<String>,
    #[serde(default)]
    pending: Option<OwnedPendingWire>,
    #[serde(default)]
    refreshing: Option<RefreshWire>,
}

#[derive(Deserialize)]
struct OwnedPendingWire {
    state: String,
    pkce_verifier: String,
    redirect_uri: String,
    created_at: i64,
}
