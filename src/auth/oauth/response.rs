//! Token responses: the repairs non-compliant servers need (any 2xx, a missing `token_type`, a
//! string `expires_in`, `bearer` in lower case), the conversion to what the store keeps (expiry =
//! request-sent time + `expires_in`, the old refresh token kept when none comes back), and
//! token-endpoint errors as SQLSTATE 28000 messages that never quote a secret.

use serde_json::Value;

use crate::auth::tokens::StoredTokens;
use crate::error::{AuthError, Error, Result};
use crate::secret::Secret;

/// A successful token response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenResponse {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_in: Option<i64>,
    pub token_type: String,
    pub scope: Option<String>,
    /// The value of the profile's `api_base_from_token` field (Pipedrive `api_domain`).
    pub api_base: Option<String>,
}

/// A numeric value, also when sent as a string (`"3600"`).
fn number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses a 2xx token response body, repairing what servers get wrong.
pub fn parse_success(body: &[u8], api_base_field: Option<&str>) -> Result<TokenResponse> {
    let v: Value = serde_json::from_slice(body).map_err(|_| {
        Error::new(
            AuthError::Configuration,
            "The token endpoint's answer is not JSON; check OAuthAccessTokenURL".to_string(),
        )
    })?;
    let access_token = text(v.get("access_token")).ok_or_else(|| {
        Error::new(
            AuthError::Configuration,
            "The token endpoint's answer has no access_token; check OAuthAccessTokenURL"
                .to_string(),
        )
    })?;
    let token_type = match text(v.get("token_type")) {
        None => "Bearer".to_string(),
        Some(t) if t.eq_ignore_ascii_case("bearer") => "Bearer".to_string(),
        Some(t) => t,
    };
    Ok(TokenResponse {
        access_token: Secret::new(access_token),
        refresh_token: text(v.get("refresh_token")).map(Secret::new),
        expires_in: v.get("expires_in").and_then(number),
        token_type,
        scope: text(v.get("scope")),
        api_base: api_base_field.and_then(|f| text(v.get(f))),
    })
}

/// What a token endpoint's error answer says: `(error, error_description)`, or plain text.
pub fn error_parts(body: &[u8]) -> (String, Option<String>) {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        if let Some(e) = text(v.get("error")) {
            return (e, text(v.get("error_description")));
        }
        if let Some(m) = text(v.get("message")) {
            return (String::new(), Some(m));
        }
    }
    let t: String = String::from_utf8_lossy(body)
        .trim()
        .chars()
        .take(200)
        .collect();
    // Pipedrive answers in plain text: "Invalid grant: refresh_token is invalid".
    let lower = t.to_ascii_lowercase();
    let code = if lower.starts_with("invalid grant") {
        "invalid_grant"
    } else {
        ""
    };
    (code.to_string(), Some(t).filter(|t| !t.is_empty()))
}

/// The 28000 error for a refused token request. `invalid_grant` (and Keap's "Invalid Refresh
/// Token") says how to authorize again.
pub fn token_error(status: u16, body: &[u8], grant: &str, reauthorize: &str) -> Error {
    let (code, description) = error_parts(body);
    let detail = match (&code, &description) {
        (c, Some(d)) if !c.is_empty() => format!("{c}: {d}"),
        (c, None) if !c.is_empty() => c.clone(),
        (_, Some(d)) => d.clone(),
        _ => "(no message)".to_string(),
    };
    let dead_grant = code == "invalid_grant"
        || description
            .as_deref()
            .is_some_and(|d| d.to_ascii_lowercase().contains("invalid refresh token"));
    let advice = if dead_grant {
        reauthorize
    } else {
        "check OAuthClientId, OAuthClientSecret and the OAuth URLs"
    };
    Error::new(
        AuthError::Rejected,
        format!(
            "The token endpoint refused the {grant} request (HTTP {status}): {detail}; {advice}"
        ),
    )
    .with_native(i32::from(status))
}

impl TokenResponse {
    /// What the store keeps: expiry counted from `sent_at` (when the request was sent);
    /// `previous`'s refresh token when none came back, and its API base when none was named.
    pub fn into_stored(self, sent_at: i64, previous: Option<&StoredTokens>) -> StoredTokens {
        let mut t = StoredTokens {
            access_token: Some(self.access_token),
            refresh_token: self.refresh_token,
            expires_at: StoredTokens::expiry(sent_at, self.expires_in),
            obtained_at: Some(sent_at),
            token_type: Some(self.token_type),
            scope: self.scope,
            api_base: self.api_base,
            pending: None,
            refreshing: None,
        };
        t.keep_refresh_token_from(previous);
        if t.api_base.is_none() {
            t.api_base = previous.and_then(|p| p.api_base.clone());
        }
        t
    }
}
