//! The authorization response (RFC 6749 §4.1.2, RFC 9207): what comes back on the redirect after
//! the user approves — code, state, error, issuer — and the mix-up defence.
//!
//! The same response reaches the driver three ways: as the query of a request to the loopback
//! listener, as a whole redirect URL a user pasted into OAuthVerifier or GetOAuthAccessToken's
//! Verifier (headless machines: copying the address bar is easier than cutting out the code), or
//! as the bare code. Where the response carries `state` or `iss`, they are checked before the
//! code is ever sent to a token endpoint.
//!
//! Mix-up (RFC 9700 §2.1, §4.4): a driver that talks to several authorization servers must tell
//! which one answered. An `iss` in the response must equal the issuer the request went to — the
//! profile's `issuer`, or else the origin of its authorization URL (none of the five built-in
//! services publishes authorization-server metadata, so the origin is the best identifier there
//! is). A response without `iss` is accepted: RFC 9207 lets servers omit it.

use crate::error::{AuthError, Error, Result};
use crate::secret::Secret;

use super::pkce::constant_time_eq;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct AuthorizationResponse {
    pub code: Option<Secret>,
    pub state: Option<Secret>,
    /// The RFC 6749 error code, reduced to its safe characters.
    pub error: Option<String>,
    pub iss: Option<String>,
    /// Parsed from a redirect's query (not a bare code), so `state` must be accounted for.
    pub from_redirect: bool,
}

/// The issuer an authorization response may name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issuer {
    /// The profile's declared issuer identifier: compared as a string (RFC 9207 §2.4).
    Exact(String),
    /// No declared issuer: the authorization URL's origin, which the `iss` URL's origin must
    /// equal (an issuer may carry a path, as Keycloak's `/realms/x` does).
    Origin(String),
}

impl std::fmt::Display for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Issuer::Exact(s) | Issuer::Origin(s) => f.write_str(s),
        }
    }
}

impl AuthorizationResponse {
    /// Parses a query string (`code=…&state=…`); the first of a repeated key wins.
    pub fn from_query(query: &str) -> AuthorizationResponse {
        let mut r = AuthorizationResponse {
            from_redirect: true,
            ..AuthorizationResponse::default()
        };
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            match k.as_ref() {
                "code" if r.code.is_none() && !v.is_empty() => r.code = Some(Secret::new(v)),
                "state" if r.state.is_none() => r.state = Some(Secret::new(v)),
                "error" if r.error.is_none() => r.error = Some(error_code(&v)),
                "iss" if r.iss.is_none() => r.iss = Some(v.into_owned()),
                _ => {}
            }
        }
        r
    }

    /// A verifier as a user gives it: the bare code, or the redirect URL (or just its query)
    /// holding `code=`.
    pub fn from_pasted(text: &str) -> AuthorizationResponse {
        let text = text.trim();
        let looks_like_response = text.contains("code=") || text.contains("error=");
        if !looks_like_response {
            return AuthorizationResponse {
                code: (!text.is_empty()).then(|| Secret::new(text)),
                ..AuthorizationResponse::default()
            };
        }
        let without_fragment = text.split('#').next().unwrap_or(text);
        let query = without_fragment
            .split_once('?')
            .map_or(without_fragment, |(_, q)| q);
        AuthorizationResponse::from_query(query)
    }

    /// The code to exchange, after checking what the response carries: an error from the
    /// server, a state that is not `expected_state` (when both are known), an issuer that is not
    /// `expected_issuer`.
    pub fn into_code(
        self,
        expected_state: Option<&Secret>,
        expected_issuer: Option<&Issuer>,
        profile: &str,
    ) -> Result<Secret> {
        if self.from_redirect {
            match (&self.state, expected_state) {
                (Some(got), Some(want)) if !constant_time_eq(got.expose(), want.expose()) => {
                    return Err(auth_error(
                        "OAuth: the state in the redirect does not belong to the authorization this connection started, so its code was not used; start the authorization again (GetOAuthAuthorizationURL) and paste the redirect it leads to".into(),
                    ));
                }
                // Without the state that was sent there is nothing to check this one against:
                // the pending values expired (10 minutes) or live in another settings file.
                (Some(_), None) => {
                    return Err(auth_error(
                        "OAuth: the redirect carries a state, but no authorization in progress is known here to check it against (GetOAuthAuthorizationURL's pending values last 10 minutes and stay in its settings file), so its code was not used; pass the State that GetOAuthAuthorizationURL returned, or give only the code parameter".into(),
                    ));
                }
                (None, Some(_)) => {
                    return Err(auth_error(
                        "OAuth: the redirect has no state parameter, but the authorization this connection started sent one, so its code was not used; paste the whole address the browser was sent to".into(),
                    ));
                }
                _ => {}
            }
        }
        check_issuer(self.iss.as_deref(), expected_issuer, profile)?;
        if let Some(e) = self.error {
            return Err(denied(&e));
        }
        self.code.ok_or_else(|| {
            auth_error("OAuth: the redirect holds no code parameter; paste the whole address the browser was sent to after approving, or just its code".into())
        })
    }
}

fn auth_error(message: String) -> Error {
    Error::new(AuthError::Flow, message)
}

/// Keeps only an RFC 6749 error code's characters, so a hostile value cannot shape the message.
fn error_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect()
}

/// The error for an `error=` response.
pub fn denied(code: &str) -> Error {
    if code == "access_denied" {
        auth_error("OAuth: the authorization was denied in the browser; connect again and approve the access".into())
    } else {
        auth_error(format!(
            "OAuth: the authorization server answered the authorization with error '{code}'"
        ))
    }
}

/// The issuer a response may name: the profile's, else the authorization URL's origin.
pub fn expected_issuer(declared: Option<&str>, authorization_url: Option<&str>) -> Option<Issuer> {
    if let Some(d) = declared.filter(|d| !d.is_empty()) {
        return Some(Issuer::Exact(d.to_string()));
    }
    origin_of(authorization_url?).map(Issuer::Origin)
}

fn origin_of(url: &str) -> Option<String> {
    let origin = url::Url::parse(url).ok()?.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// RFC 9207 §2.4: an `iss` present must name the expected issuer (a trailing `/` is forgiven, as
/// servers differ on it).
pub fn check_issuer(iss: Option<&str>, expected: Option<&Issuer>, profile: &str) -> Result<()> {
    let (Some(got), Some(want)) = (iss, expected) else {
        return Ok(());
    };
    let matches = match want {
        Issuer::Exact(w) => got.trim_end_matches('/') == w.trim_end_matches('/'),
        Issuer::Origin(w) => origin_of(got).is_some_and(|o| o == *w),
    };
    if matches {
        return Ok(());
    }
    let shown: String = got.chars().filter(|c| !c.is_control()).take(200).collect();
    Err(auth_error(format!(
        "OAuth: the authorization response says it comes from '{shown}', but profile {profile} sent the user to '{want}'. This is what an authorization-server mix-up attack looks like (RFC 9207), so the code was not used. Start the authorization again; only if you know the service's issuer to be '{shown}', declare it as issuer in the profile's [auth.oauth] section"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{state, ErrorKind};

    #[test]
    fn pasted_verifiers() {
        let bare = AuthorizationResponse::from_pasted("  abc123 ");
        assert_eq!(bare.code, Some(Secret::new("abc123")));
        assert_eq!(bare.state, None);

        let url = AuthorizationResponse::from_pasted(
            "http://127.0.0.1:5555/pipedrive/callback?code=c%2F1&state=st&iss=https%3A%2F%2Fa.example#frag",
        );
        assert_eq!(url.code, Some(Secret::new("c/1")));
        assert_eq!(url.state, Some(Secret::new("st")));
        assert_eq!(url.iss.as_deref(), Some("https://a.example"));

        let query = AuthorizationResponse::from_pasted("code=x&state=y");
        assert_eq!(query.code, Some(Secret::new("x")));

        let denied = AuthorizationResponse::from_pasted("http://h/cb?error=access_denied%3Cb%3E");
        assert_eq!(denied.error.as_deref(), Some("access_deniedb"));
    }

    #[test]
    fn codes_are_released_only_when_state_and_issuer_agree() {
        let st = Secret::new("st");
        let origin = Issuer::Origin("https://a.example".into());
        let ok =
            AuthorizationResponse::from_query("code=c&state=st&iss=https://a.example/realms/x");
        let code = ok
            .into_code(Some(&st), Some(&origin), "p")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(code.expose(), "c");

        let wrong_state = AuthorizationResponse::from_query("code=c&state=other");
        let e = wrong_state
            .into_code(Some(&st), None, "p")
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(e.kind, ErrorKind::Auth(AuthError::Flow));
        assert!(e.message.contains("state"), "{}", e.message);
        assert!(!e.message.contains("other"));

        let mixup = AuthorizationResponse::from_query("code=c&state=st&iss=https://evil.example");
        let e = mixup
            .into_code(Some(&st), Some(&origin), "pipedrive")
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(e.state, state::INVALID_AUTHORIZATION);
        assert_eq!(e.kind, ErrorKind::Auth(AuthError::Flow));
        assert!(e.message.contains("mix-up") && e.message.contains("https://evil.example"));

        // No iss: RFC 9207 lets servers omit it.
        let plain = AuthorizationResponse::from_query("code=c&state=st");
        assert!(plain.into_code(Some(&st), Some(&origin), "p").is_ok());

        let none = AuthorizationResponse::from_query("state=st");
        assert!(none.into_code(Some(&st), None, "p").is_err());

        // A declared issuer is compared whole.
        let exact = Issuer::Exact("https://a.example/realms/x".into());
        let other_realm =
            AuthorizationResponse::from_query("code=c&iss=https://a.example/realms/y");
        assert!(other_realm.into_code(None, Some(&exact), "p").is_err());

        // A redirect's state must be checkable, and a redirect without one is refused when one
        // was sent; a bare code carries neither and is taken as it is.
        let unverifiable = AuthorizationResponse::from_pasted("http://h/cb?code=c&state=st");
        let e = unverifiable
            .into_code(None, None, "p")
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(e.kind, ErrorKind::Auth(AuthError::Flow));
        assert!(e.message.contains("pass the State"), "{}", e.message);
        let stateless = AuthorizationResponse::from_pasted("http://h/cb?code=c");
        assert!(stateless.into_code(Some(&st), None, "p").is_err());
        let bare = AuthorizationResponse::from_pasted("c");
        assert!(bare.into_code(Some(&st), None, "p").is_ok());
    }

    #[test]
    fn issuer_defaults_to_the_authorization_origin() {
        assert_eq!(
            expected_issuer(None, Some("https://oauth.pipedrive.com/oauth/authorize")),
            Some(Issuer::Origin("https://oauth.pipedrive.com".into()))
        );
        assert_eq!(
            expected_issuer(
                None,
                Some("http://127.0.0.1:8080/pipedrive/oauth/authorize")
            ),
            Some(Issuer::Origin("http://127.0.0.1:8080".into()))
        );
        assert_eq!(
            expected_issuer(Some("https://id.example"), Some("https://x")),
            Some(Issuer::Exact("https://id.example".into()))
        );
        assert_eq!(expected_issuer(None, None), None);
    }
}
