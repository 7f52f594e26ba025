//! From connection settings to what each API request carries: picks the AuthScheme (given, or the
//! profile's default), checks it is accepted and that its settings are set, expands the profile's
//! credential placements and the base URL. For OAuth schemes it starts the token manager
//! (`crate::auth::oauth`, which obtains a token now unless InitiateOAuth=OFF), and `rest` asks it
//! for the token before every request. It sends nothing itself.

use std::sync::Arc;

use crate::connect::settings::{AuthScheme, Settings};
use crate::error::{ConnectError, Error, Result};
use crate::profile::{template, PlacementKind, Profile};
use crate::secret::Secret;

use crate::auth::oauth::manager::StaticToken;
use crate::auth::oauth::{config::unattended_grant, OAuthClient, OAuthConfig, TokenManager};
use crate::http::AccessTokenSource;
use crate::rest::{ApiAccess, Credentials, OAuthCredential};

fn connect_error(message: String) -> Error {
    Error::new(ConnectError::MissingSetting, message)
}

/// What requests to the profile's API carry on this connection, and where they go.
pub async fn resolve(profile: &Profile, s: &Settings) -> Result<ApiAccess> {
    let accepted = &profile.auth.accepted;
    let scheme = s
        .auth_scheme
        .unwrap_or_else(|| profile.auth.default_or_first());
    if !accepted.contains(&scheme) {
        let names: Vec<&str> = accepted.iter().map(|a| a.as_str()).collect();
        return Err(connect_error(format!(
            "Profile {} does not accept AuthScheme={scheme}; allowed values are {}",
            profile.name,
            names.join(", ")
        )));
    }
    for decl in &profile.settings {
        let value = profile.setting_value(s, &decl.name);
        match &value {
            None if decl.required => {
                return Err(connect_error(format!(
                    "Profile {} needs the setting {}; set it in the connection string or in ProfileSettings ({})",
                    profile.name, decl.name, decl.description
                )))
            }
            Some(v) if !decl.allowed.is_empty() && !decl.allowed.iter().any(|a| a.eq_ignore_ascii_case(v)) => {
                return Err(connect_error(format!(
                    "{} has the value '{}'; allowed values are {}",
                    decl.name,
                    if decl.secret { Secret::MASK } else { v },
                    decl.allowed.join(", ")
                )))
            }
            _ => {}
        }
    }
    let decl = profile.auth.declaration(scheme);
    let is_oauth = matches!(
        scheme,
        AuthScheme::OAuth | AuthScheme::OAuthClient | AuthScheme::OAuthPassword
    );
    for req in &decl.requires {
        if is_oauth && req.eq_ignore_ascii_case("OAuthAccessToken") {
            // The token manager obtains it, or explains how to.
            continue;
        }
        if profile.setting_value(s, req).is_none() {
            let hint = if req.eq_ignore_ascii_case("OAuthAccessToken") {
                " (until the driver runs the OAuth flow itself, obtain a token and pass it in OAuthAccessToken)"
            } else {
                ""
            };
            return Err(connect_error(format!(
                "AuthScheme={scheme} of profile {} needs {req}; set it in the connection string or in ProfileSettings{hint}",
                profile.name
            )));
        }
    }
    let expand = |t: &str| -> Result<String> {
        template::expand(t, |n| profile.setting_value(s, n)).map_err(|n| {
            connect_error(format!(
                "Profile {} needs {n}; set it in the connection string or in ProfileSettings",
                profile.name
            ))
        })
    };
    let mut creds = Credentials::default();
    for decl in &profile.settings {
        if decl.secret || crate::connect::grammar::is_secret_name(&decl.name) {
            if let Some(value) = profile.setting_value(s, &decl.name) {
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
                profile.setting_value(s, n)
            }
        })
        .map_err(|n| connect_error(format!("Profile {} needs {n}", profile.name)))?;
        let (source, base) = oauth_source(profile, s, scheme).await?;
        api_base = base;
        let account = format!(
            "{}|{}|{}",
            profile.name,
            s.oauth_client_id.as_deref().unwrap_or_default(),
            s.oauth_settings_location
                .as_ref()
                .map(|l| l.to_string())
                .unwrap_or_default()
        );
        creds.oauth = Some(OAuthCredential {
            source,
            header,
            format,
            account,
        });
    }
    for p in placements.drain(..) {
        if let Some(w) = &p.when {
            let (setting, want) = w.split_once('=').unwrap_or((w, ""));
            let have = profile.setting_value(s, setting.trim()).unwrap_or_default();
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
        let user = s
            .user
            .clone()
            .ok_or_else(|| connect_error("AuthScheme=BASIC needs User and Password".into()))?;
        let pass = s.password.clone().unwrap_or_default();
        creds.basic = Some((Secret::new(user), pass));
    }
    let base_url = match (&s.base_url, api_base) {
        (Some(b), _) => b.clone(),
        (None, Some(b)) => b,
        (None, None) => expand_url(profile, s, "base URL", &profile.base_url)?,
    };
    Ok(ApiAccess {
        base_url,
        credentials: creds,
    })
}

/// A URL template of the profile with the connection's settings: a value placed in the host
/// must be a DNS label (08001 naming the setting otherwise), values elsewhere are encoded.
pub fn expand_url(profile: &Profile, s: &Settings, what: &str, url: &str) -> Result<String> {
    template::expand_url(url, |n| profile.setting_value(s, n)).map_err(|e| match e {
        template::UrlTemplateError::Missing(n) => connect_error(format!(
            "The {what} of profile {} needs {n}; set it in the connection string or in ProfileSettings",
            profile.name
        )),
        template::UrlTemplateError::NotAHostLabel(n) => connect_error(format!(
            "{n} is placed in the host name of the {what} ({url}), so it may hold only letters, digits and hyphens (no dot, slash, '@', '#', ':', '%' or blank); check the value of {n}"
        )),
    })
}

/// The token manager for an OAuth scheme (which obtains a token at connect unless
/// InitiateOAuth=OFF), and the API base a token response named when the profile uses it.
async fn oauth_source(
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
    let manager = TokenManager::connect(client, s, grant).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_now(profile: &Profile, settings: &Settings) -> Result<ApiAccess> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .block_on(resolve(profile, settings))
    }

    #[test]
    fn a_scheme_the_profile_does_not_accept_is_refused_naming_the_allowed_ones() {
        let profile = crate::profile::load("pipedrive").unwrap_or_else(|e| panic!("{}", e.message));
        let settings = Settings {
            auth_scheme: Some(AuthScheme::ApiKey),
            ..Settings::default()
        };
        let e = resolve_now(&profile, &settings)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(e.contains("allowed values are BASIC, OAUTH"), "{e}");
        let kind = resolve_now(&profile, &settings).err().map(|e| e.kind);
        assert_eq!(
            kind,
            Some(crate::error::ErrorKind::Connect(
                ConnectError::MissingSetting
            ))
        );
    }

    #[test]
    fn an_api_token_travels_as_the_profile_places_it() {
        let profile = crate::profile::load("pipedrive").unwrap_or_else(|e| panic!("{}", e.message));
        let settings = Settings {
            api_token: Some(Secret::new("t0k")),
            company_domain: Some("acme".into()),
            ..Settings::default()
        };
        let access = resolve_now(&profile, &settings).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(access.base_url, "https://acme.pipedrive.com/api/v1");
        let sent: Vec<(&str, &str)> = access
            .credentials
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.expose()))
            .collect();
        assert_eq!(sent, [("api_token", "t0k")]);
    }
}
