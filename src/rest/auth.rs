//! From connection settings to what each request carries: picks the AuthScheme (given, or the
//! profile's default), checks it is accepted and that its settings are set, expands the profile's
//! credential placements and the base URL. OAuth schemes ask the token manager
//! (`crate::auth::oauth`) for the token before every request.

use std::sync::Arc;

use crate::connect::settings::{AuthScheme, Settings};
use crate::error::{state, Error, Result};
use crate::profile::{template, PlacementKind, Profile};
use crate::secret::Secret;

use super::client::{Credentials, OAuthCredential};
use crate::auth::oauth::manager::StaticToken;
use crate::auth::oauth::{config::unattended_grant, OAuthClient, OAuthConfig, TokenManager};
use crate::http::AccessTokenSource;

pub struct Resolved {
    pub base_url: String,
    pub credentials: Credentials,
}

fn connect_error(message: String) -> Error {
    Error::new(state::UNABLE_TO_CONNECT, message)
}

/// A setting's value: the typed property, then ProfileSettings / top-level extra keys, then the
/// profile's declared default.
pub fn lookup(profile: &Profile, s: &Settings, name: &str) -> Option<String> {
    let typed: Option<String> = match name.to_ascii_lowercase().as_str() {
        "apitoken" => s.api_token.as_ref().map(|v| v.expose().to_string()),
        "apikey" => s.api_key.as_ref().map(|v| v.expose().to_string()),
        "companydomain" => s.company_domain.clone(),
        "accountname" => s.account_name.clone(),
        "user" => s.user.clone(),
        "password" => s.password.as_ref().map(|v| v.expose().to_string()),
        "oauthaccesstoken" => s
            .oauth_access_token
            .as_ref()
            .map(|v| v.expose().to_string()),
        "oauthclientid" => s.oauth_client_id.clone(),
        "oauthclientsecret" => s
            .oauth_client_secret
            .as_ref()
            .map(|v| v.expose().to_string()),
        _ => None,
    };
    typed
        .filter(|v| !v.is_empty())
        .or_else(|| s.profile_value(name).map(str::to_string))
        .or_else(|| profile.setting(name).and_then(|d| d.default.clone()))
}

fn accepted(profile: &Profile) -> Vec<AuthScheme> {
    let mut v: Vec<AuthScheme> = profile
        .auth
        .schemes
        .iter()
        .filter_map(|s| AuthScheme::parse(s))
        .collect();
    if v.is_empty() {
        v.push(AuthScheme::None);
    }
    v
}

pub fn resolve(profile: &Profile, s: &Settings) -> Result<Resolved> {
    let accepted = accepted(profile);
    let scheme = match s.auth_scheme {
        Some(a) => a,
        None => profile
            .auth
            .default
            .as_deref()
            .and_then(AuthScheme::parse)
            .unwrap_or(accepted[0]),
    };
    if !accepted.contains(&scheme) {
        let names: Vec<&str> = accepted.iter().map(|a| a.as_str()).collect();
        return Err(connect_error(format!(
            "[apiodbc] Profile {} does not accept AuthScheme={scheme}; allowed values are {}",
            profile.name,
            names.join(", ")
        )));
    }
    for decl in &profile.settings {
        let value = lookup(profile, s, &decl.name);
        match &value {
            None if decl.required => {
                return Err(connect_error(format!(
                    "[apiodbc] Profile {} needs the setting {}; set it in the connection string or in ProfileSettings ({})",
                    profile.name, decl.name, decl.description
                )))
            }
            Some(v) if !decl.allowed.is_empty() && !decl.allowed.iter().any(|a| a.eq_ignore_ascii_case(v)) => {
                return Err(connect_error(format!(
                    "[apiodbc] {} has the value '{}'; allowed values are {}",
                    decl.name,
                    if decl.secret { Secret::MASK } else { v },
                    decl.allowed.join(", ")
                )))
            }
            _ => {}
        }
    }
    let decl = profile
        .auth
        .scheme
        .iter()
        .find(|(k, _)| AuthScheme::parse(k) == Some(scheme))
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    let is_oauth = matches!(
        scheme,
        AuthScheme::OAuth | AuthScheme::OAuthClient | AuthScheme::OAuthPassword
    );
    for req in &decl.requires {
        if is_oauth && req.eq_ignore_ascii_case("OAuthAccessToken") {
            // The token manager obtains it, or explains how to.
            continue;
        }
        if lookup(profile, s, req).is_none() {
            let hint = if req.eq_ignore_ascii_case("OAuthAccessToken") {
                " (until the driver runs the OAuth flow itself, obtain a token and pass it in OAuthAccessToken)"
            } else {
                ""
            };
            return Err(connect_error(format!(
                "[apiodbc] AuthScheme={scheme} of profile {} needs {req}; set it in the connection string or in ProfileSettings{hint}",
                profile.name
            )));
        }
    }
    let expand = |t: &str| -> Result<String> {
        template::expand(t, |n| lookup(profile, s, n)).map_err(|n| {
            connect_error(format!(
                "[apiodbc] Profile {} needs {n}; set it in the connection string or in ProfileSettings",
                profile.name
            ))
        })
    };
    let mut creds = Credentials::default();
    for decl in &profile.settings {
        if decl.secret || crate::connect::grammar::is_secret_name(&decl.name) {
            if let Some(value) = lookup(profile, s, &decl.name) {
                creds.held.push(Secret::new(value));
            }
        }
    }
    for (key, value) in s.extra.iter() {
        if crate::connect::grammar::is_secret_name(key) && !value.is_empty() {
            creds.held.push(Secret::new(value));
        }
    }
    let mut placements = decl.send.clone();
    let mut api_base = None;
    if placements.is_empty() && is_oauth {
        // The profile's OAuth section says how the token is sent; the token manager supplies it.
        let (header, format) = profile
            .auth
            .oauth
            .as_ref()
            .map(|o| (o.token_header.clone(), o.token_format.clone()))
            .unwrap_or_else(|| ("Authorization".into(), "Bearer {token}".into()));
        let format = template::expand(&format, |n| {
            if n == "token" {
                Some("{token}".to_string())
            } else {
                lookup(profile, s, n)
            }
        })
        .map_err(|n| connect_error(format!("[apiodbc] Profile {} needs {n}", profile.name)))?;
        let (source, base) = oauth_source(profile, s, scheme)?;
        api_base = base;
        creds.oauth = Some(OAuthCredential {
            source,
            header,
            format,
        });
    }
    for p in placements.drain(..) {
        if let Some(w) = &p.when {
            let (setting, want) = w.split_once('=').unwrap_or((w, ""));
            let have = lookup(profile, s, setting.trim()).unwrap_or_default();
            if !have.eq_ignore_ascii_case(want.trim()) {
                continue;
            }
        }
        match p.kind {
            PlacementKind::Query => creds.query.push((
                p.name.clone().unwrap_or_default(),
                Secret::new(expand(p.value.as_deref().unwrap_or(""))?),
            )),
            PlacementKind::Header => creds.headers.push((
                p.name.clone().unwrap_or_default(),
                Secret::new(expand(p.value.as_deref().unwrap_or(""))?),
            )),
            PlacementKind::Basic => {
                let user = expand(p.user.as_deref().unwrap_or(""))?;
                let pass = expand(p.password.as_deref().unwrap_or(""))?;
                creds.basic = Some((Secret::new(user), Secret::new(pass)));
            }
        }
    }
    if scheme == AuthScheme::Basic
        && creds.basic.is_none()
        && creds.query.is_empty()
        && creds.headers.is_empty()
    {
        // A profile file without placements for BASIC: plain HTTP Basic with User and Password.
        let user = s.user.clone().ok_or_else(|| {
            connect_error("[apiodbc] AuthScheme=BASIC needs User and Password".into())
        })?;
        let pass = s.password.clone().unwrap_or_default();
        creds.basic = Some((Secret::new(user), pass));
    }
    let base_url = match (&s.base_url, api_base) {
        (Some(b), _) => b.clone(),
        (None, Some(b)) => b,
        (None, None) => expand_url(profile, s, "base URL", &profile.base_url)?,
    };
    Ok(Resolved {
        base_url,
        credentials: creds,
    })
}

/// A URL template of the profile with the connection's settings: a value placed in the host
/// must be a DNS label (08001 naming the setting otherwise), values elsewhere are encoded.
pub fn expand_url(profile: &Profile, s: &Settings, what: &str, url: &str) -> Result<String> {
    template::expand_url(url, |n| lookup(profile, s, n)).map_err(|e| match e {
        template::UrlTemplateError::Missing(n) => connect_error(format!(
            "[apiodbc] The {what} of profile {} needs {n}; set it in the connection string or in ProfileSettings",
            profile.name
        )),
        template::UrlTemplateError::NotAHostLabel(n) => connect_error(format!(
            "[apiodbc] {n} is placed in the host name of the {what} ({url}), so it may hold only letters, digits and hyphens (no dot, slash, '@', '#', ':', '%' or blank); check the value of {n}"
        )),
    })
}

/// The token manager for an OAuth scheme (which obtains a token at connect unless
/// InitiateOAuth=OFF), and the API base a token response named when the profile uses it.
fn oauth_source(
    profile: &Profile,
    s: &Settings,
    scheme: AuthScheme,
) -> Result<(Arc<dyn AccessTokenSource>, Option<String>)> {
    let Some(config) = OAuthConfig::new(profile, s)? else {
        // A profile file without [auth.oauth]: the token is handed over in OAuthAccessToken.
        let token = s.oauth_access_token.clone().filter(|t| !t.is_empty());
        return Ok((Arc::new(StaticToken(token)), None));
    };
    let suffix = config.api_base_suffix.clone().unwrap_or_default();
    let uses_api_base = config.api_base_from_token.is_some();
    let client = OAuthClient::new(config)?;
    let grant = unattended_grant(profile, scheme, s);
    let manager = crate::runtime::wait(TokenManager::connect(client, s, grant))??;
    let base = if uses_api_base {
        manager
            .tokens()
            .and_then(|t| t.api_base)
            .map(|b| format!("{}{suffix}", b.trim_end_matches('/')))
    } else {
        None
    };
    Ok((Arc::new(manager), base))
}
