//! State and PKCE (RFC 7636, S256 only): random values from the OS, the challenge, and the
//! authorization URL with both, built so the redirect_uri is sent exactly as configured.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// 32 random octets, base64url without padding: 43 characters (RFC 7636 §4.1).
pub fn random_token() -> Result<Secret> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::general(format!("The OS random source failed: {e}")))?;
    Ok(Secret::new(URL_SAFE_NO_PAD.encode(bytes)))
}

/// `BASE64URL(SHA256(verifier))`.
pub fn challenge(verifier: &Secret) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The authorization URL: `response_type=code`, client id, redirect_uri, scope, state, S256
/// challenge, then the profile's extra parameters.
pub fn authorization_url(
    base: &str,
    client_id: &str,
    redirect_uri: &str,
    scope: Option<&str>,
    state: &Secret,
    verifier: &Secret,
    extra: &[(String, String)],
) -> Result<String> {
    let mut url = url::Url::parse(base).map_err(|e| {
        Error::new(
            crate::error::AuthError::Configuration,
            format!(
                "The authorization URL '{base}' is not valid ({e}); check OAuthAuthorizationURL"
            ),
        )
    })?;
    {
        let mut q = url.query_pairs_mut();
        if !extra.iter().any(|(k, _)| k == "response_type") {
            q.append_pair("response_type", "code");
        }
        q.append_pair("client_id", client_id);
        q.append_pair("redirect_uri", redirect_uri);
        if let Some(s) = scope.filter(|s| !s.is_empty()) {
            q.append_pair("scope", s);
        }
        q.append_pair("state", state.expose());
        q.append_pair("code_challenge", &challenge(verifier));
        q.append_pair("code_challenge_method", "S256");
        for (k, v) in extra {
            q.append_pair(k, v);
        }
    }
    Ok(url.to_string())
}
