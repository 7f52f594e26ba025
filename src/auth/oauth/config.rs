//! One connection's OAuth configuration: the client, the endpoints (profile, expanded with the
//! connection's settings, or the OAuthAuthorizationURL / OAuthAccessTokenURL /
//! OAuthRefreshTokenURL overrides), client authentication per grant, scopes, and how the token
//! travels to the API.

use super::authorization_response::{expected_issuer, Issuer};
use crate::auth::token_store::{
    legacy_settings_path, resolve_location, KeySource, StoreBinding, TokenStore,
};
use crate::connect::settings::{AuthScheme, Settings};
use crate::error::{AuthError, ConnectError, Error, Result};
use crate::profile::{template, BodyFormat, ClientAuth, OAuthDecl, Profile};
use crate::secret::Secret;

/// The grants the driver runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    Password,
}

impl Grant {
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authorization_code",
            Grant::RefreshToken => "refresh_token",
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
        }
    }
}

#[derive(Clone, Debug)]
pub struct OAuthConfig {
    pub profile: String,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub authorization_url: Option<String>,
    /// The issuer an authorization response's `iss` must name (RFC 9207).
    pub issuer: Option<Issuer>,
    pub token_url: String,
    pub refresh_url: String,
    pub client_auth: ClientAuth,
    pub client_auth_per_grant: Vec<(String, ClientAuth)>,
    pub body_format: BodyFormat,
    pub scope: Option<String>,
    pub callback_url: Option<String>,
    pub authorize_params: Vec<(String, String)>,
    pub api_base_from_token: Option<String>,
    pub api_base_suffix: Option<String>,
    pub timeout: u32,
    /// How long the desktop flow waits for the browser's redirect.
    pub browser_timeout: std::time::Duration,
    pub ssl_server_cert: Option<std::path::PathBuf>,
}

fn auth_error(message: String) -> Error {
    Error::new(AuthError::Configuration, message)
}

impl OAuthConfig {
    /// The configuration for `profile`'s OAuth section, or `None` when it has none.
    pub fn new(profile: &Profile, s: &Settings) -> Result<Option<OAuthConfig>> {
        let Some(decl) = profile.auth.oauth.as_ref() else {
            return Ok(None);
        };
        let expand = |what: &str, t: &str| -> Result<String> {
            template::expand_url(t, |n| profile.setting_value(s, n)).map_err(|e| match e {
                template::UrlTemplateError::Missing(n) => auth_error(format!(
                    "The {what} of profile {} needs {n}; set it, or set the URL override",
                    profile.name
                )),
                template::UrlTemplateError::NotAHostLabel(n) => Error::new(
                    ConnectError::InvalidValue,
                    format!(
                        "{n} is placed in the host name of the {what} ({t}), so it may hold only letters, digits and hyphens (no dot, slash, '@', '#', ':', '%' or blank); check the value of {n}"
                    ),
                ),
            })
        };
        let token_url = match &s.oauth_access_token_url {
            Some(u) => u.clone(),
            None => expand("token URL", &decl.token_url)?,
        };
        let refresh_url = match (&s.oauth_refresh_token_url, &decl.refresh_url) {
            (Some(u), _) => u.clone(),
            (None, Some(r)) => expand("refresh URL", r)?,
            (None, None) => token_url.clone(),
        };
        let authorization_url = match (&s.oauth_authorization_url, &decl.authorization_url) {
            (Some(u), _) => Some(u.clone()),
            (None, Some(a)) => Some(expand("authorization URL", a)?),
            (None, None) => None,
        };
        // A declared issuer names the profile's own server; an overridden authorization URL
        // sends the user elsewhere, whose origin is then the issuer to expect.
        let declared_issuer = match (&s.oauth_authorization_url, &decl.issuer) {
            (None, Some(i)) => Some(expand("issuer", i)?),
            _ => None,
        };
        if let Some(url) = &authorization_url {
            // The user's browser opens it and types a password there: https, or this machine.
            let parsed = reqwest::Url::parse(url).map_err(|e| {
                Error::new(
                    ConnectError::InvalidValue,
                    format!("The OAuth authorization URL '{url}' is not valid ({e}); check OAuthAuthorizationURL"),
                )
            })?;
            crate::http::check_url(&parsed)?;
        }
        let issuer = expected_issuer(declared_issuer.as_deref(), authorization_url.as_deref());
        let scope = s
            .scope
            .clone()
            .filter(|v| !v.is_empty())
            .or_else(|| scopes(decl));
        Ok(Some(OAuthConfig {
            profile: profile.name.clone(),
            client_id: s.oauth_client_id.clone().unwrap_or_default(),
            client_secret: s.oauth_client_secret.clone().filter(|v| !v.is_empty()),
            authorization_url,
            issuer,
            token_url,
            refresh_url,
            client_auth: decl.client_auth,
            client_auth_per_grant: decl
                .client_auth_per_grant
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            body_format: decl.body_format,
            scope,
            callback_url: s.callback_url.clone().filter(|v| !v.is_empty()),
            authorize_params: decl
                .authorize_params
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            api_base_from_token: decl.api_base_from_token.clone(),
            api_base_suffix: decl.api_base_suffix.clone(),
            timeout: s.timeout,
            browser_timeout: std::time::Duration::from_secs(u64::from(s.oauth_browser_timeout)),
            ssl_server_cert: s.ssl_server_cert.clone(),
        }))
    }

    /// Client authentication for `grant` (Keap: body for the code, Basic for refresh).
    pub fn client_auth_for(&self, grant: Grant) -> ClientAuth {
        self.client_auth_per_grant
            .iter()
            .find(|(g, _)| g.eq_ignore_ascii_case(grant.as_str()))
            .map(|(_, a)| *a)
            .unwrap_or(self.client_auth)
    }

    /// Fails with 28000 when the application is not configured.
    pub fn require_client(&self) -> Result<()> {
        if self.client_id.trim().is_empty() {
            return Err(auth_error(format!(
                "OAuth with profile {} needs OAuthClientId (and OAuthClientSecret): the id and secret of the OAuth application registered with the service",
                self.profile
            )));
        }
        Ok(())
    }

    /// The token store of this connection: OAuthSettingsLocation, else the default file.
    pub fn store(&self, s: &Settings) -> Result<TokenStore> {
        let location = resolve_location(
            s.oauth_settings_location.as_ref(),
            &self.profile,
            &self.client_id,
            &self.token_url,
        )?;
        // ProfileSettings was where the passphrase went before it was a property; still honoured.
        let passphrase = s
            .oauth_settings_passphrase
            .clone()
            .or_else(|| s.profile_value("OAuthSettingsPassphrase").map(Secret::new));
        let binding = StoreBinding {
            client_id: self.client_id.clone(),
            token_url: self.token_url.clone(),
            key: KeySource::choose(self.client_secret.as_ref(), passphrase.as_ref()),
        };
        let store = TokenStore::open(&location, binding)?;
        if s.oauth_settings_location.is_none() {
            store.adopt_legacy(&legacy_settings_path(&self.profile, &self.client_id)?)?;
        }
        Ok(store)
    }
}

fn scopes(decl: &OAuthDecl) -> Option<String> {
    if decl.scopes.is_empty() {
        None
    } else {
        Some(decl.scopes.join(&decl.scope_separator))
    }
}

/// Which grant obtains a token without a user at a browser, for `scheme` on this profile.
pub fn unattended_grant(profile: &Profile, scheme: AuthScheme, s: &Settings) -> Option<Grant> {
    let grants: Vec<String> = profile
        .auth
        .oauth
        .as_ref()
        .map(|o| o.grants.iter().map(|g| g.to_ascii_lowercase()).collect())
        .unwrap_or_default();
    match scheme {
        AuthScheme::OAuthClient => Some(Grant::ClientCredentials),
        AuthScheme::OAuthPassword => Some(Grant::Password),
        AuthScheme::OAuth
            if grants.iter().any(|g| g == "password")
                && !grants.iter().any(|g| g == "authorization_code")
                && s.user.is_some() =>
        {
            Some(Grant::Password)
        }
        _ => None,
    }
}
