//! The OAuth stored procedures of a connection whose profile has OAuth: their names, parameters
//! and result columns (the contract users call), each one a [`TextProcedure`] over one plain step
//! of `auth::oauth::steps`.

use std::sync::Arc;

use futures::future::BoxFuture;

use crate::auth::oauth::steps::{CodeExchange, IssuedTokens};
use crate::auth::oauth::{OAuthClient, OAuthConfig, OAuthSteps};
use crate::connect::settings::Settings;
use crate::engine::catalog::{ColumnInfo, ProcedureInfo, ProcedureParamInfo};
use crate::engine::procedures::{Procedure, ProcedureArgs, TextProcedure};
use crate::error::{AuthError, Error, Result, SqlError};
use crate::profile::Profile;
use crate::secret::Secret;

/// GetOAuthAuthorizationURL, GetOAuthAccessToken and RefreshOAuthAccessToken, or none when the
/// profile has no OAuth section.
pub fn procedures(profile: &Profile, settings: &Settings) -> Result<Vec<Arc<dyn Procedure>>> {
    let Some(config) = OAuthConfig::new(profile, settings)? else {
        return Ok(Vec::new());
    };
    let steps = Arc::new(OAuthSteps::new(OAuthClient::new(config)?, settings));
    let info = |name: &str, remarks: &str, params, result_columns| ProcedureInfo {
        schema: profile.name.clone(),
        name: name.into(),
        remarks: remarks.into(),
        params,
        result_columns,
    };
    let param = ProcedureParamInfo::text;
    let column = ColumnInfo::text;
    let token_columns = || {
        vec![
            column("OAuthAccessToken", "The access token."),
            column(
                "OAuthRefreshToken",
                "The refresh token, if the service issued one.",
            ),
            column(
                "ExpiresIn",
                "Seconds the access token lives; -1 if the service did not say.",
            ),
        ]
    };
    let authorization_url = info(
        "GetOAuthAuthorizationURL",
        "The URL where the user authorizes the application, with state and a PKCE S256 challenge.",
        vec![
            param(
                "CallbackURL",
                false,
                "The redirect URI registered with the service.",
            ),
            param("Scope", false, "Scopes to ask for."),
            param("State", false, "State to send; a random one by default."),
        ],
        vec![
            column("URL", "The authorization URL."),
            column("State", "The state sent."),
            column("PKCEVerifier", "The PKCE verifier for GetOAuthAccessToken."),
        ],
    );
    let access_token = info(
        "GetOAuthAccessToken",
        "Exchanges the code from the redirect for tokens, and stores them.",
        vec![
            param("AuthMode", false, "WEB (default) or APP."),
            param(
                "Verifier",
                false,
                "The code from the redirect, or the whole redirect URL.",
            ),
            param(
                "CallbackURL",
                false,
                "The redirect URI used for the authorization URL.",
            ),
            param("State", false, "The state of the authorization."),
            param(
                "PKCEVerifier",
                false,
                "The PKCE verifier GetOAuthAuthorizationURL returned.",
            ),
            param("Scope", false, "Scopes."),
        ],
        token_columns(),
    );
    let refresh = info(
        "RefreshOAuthAccessToken",
        "Obtains new tokens with a refresh token.",
        vec![param("OAuthRefreshToken", true, "The refresh token.")],
        token_columns(),
    );
    Ok(vec![
        text_procedure(authorization_url, steps.clone(), |steps, args| {
            Box::pin(async move {
                let start = steps.start_authorization(
                    arg(&args, "CallbackURL"),
                    arg(&args, "Scope"),
                    arg(&args, "State"),
                )?;
                Ok(vec![
                    Some(start.url),
                    Some(start.state.expose().to_string()),
                    Some(start.pkce_verifier.expose().to_string()),
                ])
            })
        }),
        text_procedure(access_token, steps.clone(), |steps, args| {
            Box::pin(async move {
                let mode = arg(&args, "AuthMode").unwrap_or_else(|| "WEB".into());
                let tokens = if mode.eq_ignore_ascii_case("APP") {
                    steps
                        .authorize_in_browser(arg(&args, "CallbackURL"), arg(&args, "Scope"))
                        .await?
                } else if mode.eq_ignore_ascii_case("WEB") {
                    let verifier = arg(&args, "Verifier").ok_or_else(|| {
                        Error::new(AuthError::AuthorizationNeeded, "GetOAuthAccessToken AuthMode=WEB needs Verifier: the code parameter of the redirect after the user authorized, or the whole redirect URL")
                    })?;
                    steps
                        .exchange_code(CodeExchange {
                            verifier,
                            callback_url: arg(&args, "CallbackURL"),
                            state: arg(&args, "State"),
                            pkce_verifier: arg(&args, "PKCEVerifier"),
                        })
                        .await?
                } else {
                    return Err(Error::new(
                        SqlError::Procedure,
                        "AuthMode must be WEB or APP",
                    ));
                };
                Ok(token_row(&tokens))
            })
        }),
        text_procedure(refresh, steps, |steps, args| {
            Box::pin(async move {
                let token = arg(&args, "OAuthRefreshToken")
                    .map(Secret::new)
                    .ok_or_else(|| {
                        Error::new(
                            AuthError::AuthorizationNeeded,
                            "RefreshOAuthAccessToken needs OAuthRefreshToken",
                        )
                    })?;
                Ok(token_row(&steps.refresh(token).await?))
            })
        }),
    ])
}

type Step = fn(Arc<OAuthSteps>, ProcedureArgs) -> BoxFuture<'static, Result<Vec<Option<String>>>>;

fn text_procedure(info: ProcedureInfo, steps: Arc<OAuthSteps>, step: Step) -> Arc<dyn Procedure> {
    Arc::new(TextProcedure::new(
        info,
        Arc::new(move |args| step(steps.clone(), args)),
    ))
}

fn arg(args: &ProcedureArgs, name: &str) -> Option<String> {
    args.get(name).cloned().flatten().filter(|v| !v.is_empty())
}

fn token_row(t: &IssuedTokens) -> Vec<Option<String>> {
    vec![
        t.access_token.as_ref().map(|s| s.expose().to_string()),
        t.refresh_token.as_ref().map(|s| s.expose().to_string()),
        Some(t.expires_in.map_or("-1".to_string(), |s| s.to_string())),
    ]
}
