//! The token requests: form-urlencoded (or JSON, where the profile says so) POSTs to the token
//! endpoint with the client authenticated in a Basic header or in the body, per grant. Redirects
//! are not followed. Transport failures are 08S01; refusals are 28000 (see `response`). Nothing
//! secret is logged: log lines name the grant and the endpoint only.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use url::form_urlencoded;

use super::config::{Grant, OAuthConfig};
use super::response::{parse_success, token_error, TokenResponse};
use crate::auth::tokens::now_unix;
use crate::error::{AuthError, Error, Result};
use crate::http::body;
use crate::profile::{BodyFormat, ClientAuth};
use crate::secret::Secret;

/// A token response is a few hundred bytes; a megabyte is no token response.
const TOKEN_RESPONSE_LIMIT: usize = 1 << 20;

pub struct OAuthClient {
    pub config: OAuthConfig,
    http: reqwest::Client,
}

/// A token request before it is sent: URL, headers and body (secrets inside; never logged).
#[derive(Debug)]
pub struct TokenRequest {
    pub url: String,
    pub headers: Vec<(String, Secret)>,
    pub content_type: &'static str,
    pub body: Secret,
}

/// `Basic base64(urlencode(id):urlencode(secret))`, RFC 6749 §2.3.1.
pub fn basic_header(client_id: &str, secret: &str) -> Secret {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    Secret::new(format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", enc(client_id), enc(secret)))
    ))
}

/// Builds the request for `grant` with its parameters: client authentication per grant, body
/// encoded as the profile says.
pub fn build_request(config: &OAuthConfig, grant: Grant, params: &[(&str, &str)]) -> TokenRequest {
    let url = if grant == Grant::RefreshToken {
        config.refresh_url.clone()
    } else {
        config.token_url.clone()
    };
    let mut fields: Vec<(String, String)> = vec![("grant_type".into(), grant.as_str().into())];
    fields.extend(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let mut headers = Vec::new();
    match (config.client_auth_for(grant), &config.client_secret) {
        (ClientAuth::Basic, Some(secret)) => {
            headers.push((
                "Authorization".to_string(),
                basic_header(&config.client_id, secret.expose()),
            ));
        }
        (_, secret) => {
            // Body authentication, and any client without a secret (public clients).
            fields.push(("client_id".into(), config.client_id.clone()));
            if let Some(secret) = secret {
                fields.push(("client_secret".into(), secret.expose().to_string()));
            }
        }
    }
    let (content_type, body) = match config.body_format {
        BodyFormat::Form => {
            let mut ser = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &fields {
                ser.append_pair(k, v);
            }
            ("application/x-www-form-urlencoded", ser.finish())
        }
        BodyFormat::Json => {
            let map: serde_json::Map<String, serde_json::Value> = fields
                .into_iter()
                .map(|(k, v)| (k, serde_json::Value::String(v)))
                .collect();
            (
                "application/json",
                serde_json::Value::Object(map).to_string(),
            )
        }
    };
    TokenRequest {
        url,
        headers,
        content_type,
        body: Secret::new(body),
    }
}

impl OAuthClient {
    pub fn new(config: OAuthConfig) -> Result<OAuthClient> {
        let http = crate::http::http_client(
            config.timeout,
            crate::http::Deadline::Total,
            config.ssl_server_cert.as_deref(),
            reqwest::redirect::Policy::none(),
        )?;
        Ok(OAuthClient { config, http })
    }

    /// What to do after `invalid_grant`, which means something different for each grant.
    pub fn reauthorize_hint(&self, grant: Grant) -> String {
        match grant {
            Grant::RefreshToken => "the refresh token is no longer valid: authorize again (InitiateOAuth=GETANDREFRESH on a desktop, or GetOAuthAuthorizationURL then GetOAuthAccessToken, or OAuthVerifier with InitiateOAuth=REFRESH), or delete the OAuth settings file",
            Grant::AuthorizationCode => "the authorization code was refused: codes are single-use, expire within minutes and need the same CallbackURL and PKCE verifier as the authorization URL (redeeming it away from the token store where GetOAuthAuthorizationURL ran, pass its PKCEVerifier too); run GetOAuthAuthorizationURL again and use the new code",
            Grant::ClientCredentials | Grant::Password => "the credentials were refused: check OAuthClientId and OAuthClientSecret (and User and Password for the password grant)",
        }
        .to_string()
    }

    /// Sends one token request; returns the repaired response and when the request was sent.
    pub async fn request(
        &self,
        grant: Grant,
        params: &[(&str, &str)],
    ) -> Result<(TokenResponse, i64)> {
        let req = build_request(&self.config, grant, params);
        let url = reqwest::Url::parse(&req.url).map_err(|e| {
            Error::new(
                AuthError::Configuration,
                format!(
                    "The token URL '{}' is not valid ({e}); check OAuthAccessTokenURL",
                    req.url
                ),
            )
        })?;
        crate::http::check_url(&url)?;
        let shown = format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str().unwrap_or(""),
            url.path()
        );
        tracing::debug!(grant = grant.as_str(), endpoint = %shown, "OAuth token request");
        let mut builder = self
            .http
            .post(url)
            .header("Content-Type", req.content_type)
            .header("Accept", "application/json");
        for (k, v) in &req.headers {
            builder = builder.header(k.as_str(), v.expose());
        }
        let sent_at = now_unix();
        let resp = builder
            .body(req.body.expose().to_string())
            .send()
            .await
            .map_err(|e| network_error(&shown, &e))?;
        let status = resp.status();
        let read = if status.is_success() {
            body::read_limited(resp, TOKEN_RESPONSE_LIMIT).await
        } else {
            body::read_prefix(resp, body::ERROR_BODY_LIMIT).await
        };
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(body::BodyError::Transport(e)) => return Err(network_error(&shown, &e)),
            Err(body::BodyError::TooLarge) => {
                return Err(Error::new(
                    AuthError::Unreachable,
                    format!(
                        "The token endpoint {shown} sent a response larger than {}; that is no token response. Check OAuthAccessTokenURL",
                        body::size_text(TOKEN_RESPONSE_LIMIT as u64)
                    ),
                ))
            }
        };
        if status.is_success() {
            let parsed = parse_success(&bytes, self.config.api_base_from_token.as_deref())?;
            tracing::debug!(
                grant = grant.as_str(),
                status = status.as_u16(),
                "OAuth token issued"
            );
            return Ok((parsed, sent_at));
        }
        tracing::debug!(
            grant = grant.as_str(),
            status = status.as_u16(),
            "OAuth token request refused"
        );
        if status.is_server_error() {
            return Err(Error::new(
                AuthError::Unreachable,
                format!(
                    "The token endpoint {shown} answered HTTP {}; try again later",
                    status.as_u16()
                ),
            ));
        }
        Err(token_error(
            status.as_u16(),
            &bytes,
            grant.as_str(),
            &self.reauthorize_hint(grant),
        ))
    }

    pub async fn exchange_code(
        &self,
        code: &Secret,
        redirect_uri: Option<&str>,
        pkce_verifier: Option<&Secret>,
    ) -> Result<(TokenResponse, i64)> {
        let mut p: Vec<(&str, &str)> = vec![("code", code.expose())];
        if let Some(r) = redirect_uri {
            p.push(("redirect_uri", r));
        }
        if let Some(v) = pkce_verifier {
            p.push(("code_verifier", v.expose()));
        }
        self.request(Grant::AuthorizationCode, &p).await
    }

    pub async fn refresh(&self, refresh_token: &Secret) -> Result<(TokenResponse, i64)> {
        self.request(
            Grant::RefreshToken,
            &[("refresh_token", refresh_token.expose())],
        )
        .await
    }

    pub async fn client_credentials(&self) -> Result<(TokenResponse, i64)> {
        let scope = self.config.scope.clone();
        let mut p: Vec<(&str, &str)> = Vec::new();
        if let Some(s) = scope.as_deref() {
            p.push(("scope", s));
        }
        self.request(Grant::ClientCredentials, &p).await
    }

    pub async fn password(&self, user: &str, password: &Secret) -> Result<(TokenResponse, i64)> {
        let scope = self.config.scope.clone();
        let mut p: Vec<(&str, &str)> = vec![("username", user), ("password", password.expose())];
        if let Some(s) = scope.as_deref() {
            p.push(("scope", s));
        }
        self.request(Grant::Password, &p).await
    }
}

fn network_error(shown: &str, e: &reqwest::Error) -> Error {
    let mut msg = e.to_string();
    if let Some(i) = msg.find(" for url (") {
        msg.truncate(i);
    }
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        msg.push_str(": ");
        msg.push_str(&inner.to_string());
        src = inner.source();
    }
    Error::new(
        AuthError::Unreachable,
        format!("The token request to {shown} failed: {msg}"),
    )
}
