//! The OAuth stored procedures (DESIGN.md "Stored procedures"): GetOAuthAuthorizationURL keeps its
//! state and PKCE verifier as pending values in the token store; GetOAuthAccessToken (AuthMode
//! WEB) exchanges the code with the passed or pending values and stores the tokens;
//! RefreshOAuthAccessToken refreshes a given refresh token. AuthMode=APP runs the desktop browser
//! flow ([`super::desktop`]) with the CallbackURL and Scope passed (or configured) and stores the
//! tokens.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use futures::future::BoxFuture;

use super::authorization_response::AuthorizationResponse;
use super::client::OAuthClient;
use super::desktop::{self, DesktopOptions};
use super::pkce;
use crate::auth::token_store::{Decision, TokenStore};
use crate::auth::tokens::{now_unix, PendingAuthorization};
use crate::connect::settings::Settings;
use crate::engine::catalog::{ColumnInfo, ProcedureInfo, ProcedureParamInfo};
use crate::engine::procedures::{Procedure, ProcedureArgs};
use crate::error::{state, Error, Result};
use crate::secret::Secret;

/// What the three procedures share: the OAuth client and the connection's token store.
struct Shared {
    client: OAuthClient,
    store: Result<TokenStore>,
}

#[derive(Clone, Copy)]
enum Kind {
    AuthorizationUrl,
    AccessToken,
    Refresh,
}

struct OAuthProcedure {
    kind: Kind,
    info: ProcedureInfo,
    shared: Arc<Shared>,
}

fn param(name: &str, required: bool, remarks: &str) -> ProcedureParamInfo {
    ProcedureParamInfo {
        name: name.into(),
        data_type: DataType::Utf8,
        required,
        remarks: remarks.into(),
    }
}

fn column(name: &str, remarks: &str) -> ColumnInfo {
    ColumnInfo {
        name: name.into(),
        data_type: DataType::Utf8,
        nullable: true,
        remarks: remarks.into(),
    }
}

/// The three procedures for a connection whose profile has OAuth.
pub fn procedures(
    client: OAuthClient,
    settings: &Settings,
    schema: &str,
) -> Vec<Arc<dyn Procedure>> {
    let store = client.config.store(settings);
    let shared = Arc::new(Shared { client, store });
    let token_cols = || {
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
    let make = |kind, name: &str, remarks: &str, params, result_columns| -> Arc<dyn Procedure> {
        Arc::new(OAuthProcedure {
            kind,
            info: ProcedureInfo {
                schema: schema.to_string(),
                name: name.into(),
                remarks: remarks.into(),
                params,
                result_columns,
            },
            shared: shared.clone(),
        })
    };
    vec![
        make(
            Kind::AuthorizationUrl,
            "GetOAuthAuthorizationURL",
            "The URL where the user authorizes the application, with state and a PKCE S256 challenge.",
            vec![
                param("CallbackURL", false, "The redirect URI registered with the service."),
                param("Scope", false, "Scopes to ask for."),
                param("State", false, "State to send; a random one by default."),
            ],
            vec![
                column("URL", "The authorization URL."),
                column("State", "The state sent."),
                column("PKCEVerifier", "The PKCE verifier for GetOAuthAccessToken."),
            ],
        ),
        make(
            Kind::AccessToken,
            "GetOAuthAccessToken",
            "Exchanges the code from the redirect for tokens, and stores them.",
            vec![
                param("AuthMode", false, "WEB (default) or APP."),
                param("Verifier", false, "The code from the redirect, or the whole redirect URL."),
                param("CallbackURL", false, "The redirect URI used for the authorization URL."),
                param("State", false, "The state of the authorization."),
                param("PKCEVerifier", false, "The PKCE verifier GetOAuthAuthorizationURL returned."),
                param("Scope", false, "Scopes."),
            ],
            token_cols(),
        ),
        make(
            Kind::Refresh,
            "RefreshOAuthAccessToken",
            "Obtains new tokens with a refresh token.",
            vec![param("OAuthRefreshToken", true, "The refresh token.")],
            token_cols(),
        ),
    ]
}

fn auth_error(message: &str) -> Error {
    Error::new(state::INVALID_AUTHORIZATION, message.to_string())
}

fn batch(columns: &[ColumnInfo], values: Vec<Option<String>>) -> Result<RecordBatch> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|c| Field::new(&c.name, DataType::Utf8, true))
        .collect();
    let arrays: Vec<ArrayRef> = values
        .into_iter()
        .map(|v| Arc::new(StringArray::from(vec![v])) as ArrayRef)
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| Error::general(format!("[apiodbc] Internal error building a result: {e}")))
}

fn arg(args: &ProcedureArgs, name: &str) -> Option<String> {
    args.get(name).cloned().flatten().filter(|v| !v.is_empty())
}

impl Procedure for OAuthProcedure {
    fn info(&self) -> &ProcedureInfo {
        &self.info
    }

    fn call(&self, args: ProcedureArgs) -> BoxFuture<'static, Result<RecordBatch>> {
        let (kind, shared, cols) = (
            self.kind,
            self.shared.clone(),
            self.info.result_columns.clone(),
        );
        Box::pin(async move {
            let values = match kind {
                Kind::AuthorizationUrl => authorization_url(&shared, &args)?,
                Kind::AccessToken => access_token(&shared, &args).await?,
                Kind::Refresh => refresh(&shared, &args).await?,
            };
            batch(&cols, values)
        })
    }
}

fn store(shared: &Shared) -> Result<&TokenStore> {
    shared.store.as_ref().map_err(|e| e.clone())
}

fn authorization_url(shared: &Shared, args: &ProcedureArgs) -> Result<Vec<Option<String>>> {
    let config = &shared.client.config;
    config.require_client()?;
    let base = config.authorization_url.as_deref().ok_or_else(|| {
        auth_error("[apiodbc] This profile has no authorization URL; set OAuthAuthorizationURL")
    })?;
    let redirect = arg(args, "CallbackURL")
        .or_else(|| config.callback_url.clone())
        .ok_or_else(|| auth_error("[apiodbc] GetOAuthAuthorizationURL needs CallbackURL: the redirect URI registered with the service"))?;
    let scope = arg(args, "Scope").or_else(|| config.scope.clone());
    let state = match arg(args, "State") {
        Some(s) => Secret::new(s),
        None => pkce::random_token()?,
    };
    let verifier = pkce::random_token()?;
    let url = pkce::authorization_url(
        base,
        &config.client_id,
        &redirect,
        scope.as_deref(),
        &state,
        &verifier,
        &config.authorize_params,
    )?;
    let pending = PendingAuthorization {
        state: state.clone(),
        pkce_verifier: verifier.clone(),
        redirect_uri: redirect,
        created_at: now_unix(),
    };
    store(shared)?.update(|cur| {
        let mut t = cur.unwrap_or_default();
        t.pending = Some(pending);
        Ok(Decision::Replace(t))
    })?;
    Ok(vec![
        Some(url),
        Some(state.expose().to_string()),
        Some(verifier.expose().to_string()),
    ])
}

fn token_row(t: &crate::auth::tokens::StoredTokens) -> Vec<Option<String>> {
    let expires_in = match (t.expires_at, t.obtained_at) {
        (Some(e), Some(o)) => e.saturating_sub(o).to_string(),
        _ => "-1".to_string(),
    };
    vec![
        t.access_token.as_ref().map(|s| s.expose().to_string()),
        t.refresh_token.as_ref().map(|s| s.expose().to_string()),
        Some(expires_in),
    ]
}

async fn access_token(shared: &Shared, args: &ProcedureArgs) -> Result<Vec<Option<String>>> {
    let mode = arg(args, "AuthMode").unwrap_or_else(|| "WEB".into());
    if mode.eq_ignore_ascii_case("APP") {
        return app_flow(shared, args).await;
    }
    if !mode.eq_ignore_ascii_case("WEB") {
        return Err(Error::new(
            state::SYNTAX_ERROR,
            "[apiodbc] AuthMode must be WEB or APP".to_string(),
        ));
    }
    shared.client.config.require_client()?;
    let response = arg(args, "Verifier")
        .map(|v| AuthorizationResponse::from_pasted(&v))
        .ok_or_else(|| {
            auth_error("[apiodbc] GetOAuthAccessToken AuthMode=WEB needs Verifier: the code parameter of the redirect after the user authorized, or the whole redirect URL")
        })?;
    let store = store(shared)?;
    let pending = store
        .load()?
        .and_then(|t| t.pending_at(now_unix()).cloned());
    let state_arg = arg(args, "State");
    // Pending values apply only to the authorization they belong to.
    let pending = pending.filter(|p| {
        state_arg
            .as_deref()
            .is_none_or(|s| pkce::constant_time_eq(s, p.state.expose()))
    });
    let expected_state = state_arg
        .map(Secret::new)
        .or_else(|| pending.as_ref().map(|p| p.state.clone()));
    let config = &shared.client.config;
    let code = response.into_code(
        expected_state.as_ref(),
        config.issuer.as_ref(),
        &config.profile,
    )?;
    let verifier = arg(args, "PKCEVerifier")
        .map(Secret::new)
        .or_else(|| pending.as_ref().map(|p| p.pkce_verifier.clone()));
    let redirect = arg(args, "CallbackURL")
        .or_else(|| pending.as_ref().map(|p| p.redirect_uri.clone()))
        .or_else(|| shared.client.config.callback_url.clone());
    let (resp, sent) = shared
        .client
        .exchange_code(&code, redirect.as_deref(), verifier.as_ref())
        .await?;
    let stored = store
        .update_async(
            |cur| async move { Ok(Decision::Replace(resp.into_stored(sent, cur.as_ref()))) },
        )
        .await?
        .unwrap_or_default();
    Ok(token_row(&stored))
}

/// AuthMode=APP: the browser flow, then the tokens stored (pending web-flow values kept).
async fn app_flow(shared: &Shared, args: &ProcedureArgs) -> Result<Vec<Option<String>>> {
    let store = store(shared)?;
    let opts = DesktopOptions {
        callback_url: arg(args, "CallbackURL"),
        scope: arg(args, "Scope"),
    };
    let (resp, sent) = desktop::authorize(&shared.client, &opts).await?;
    let stored = store
        .update_async(|cur| async move {
            let mut next = resp.into_stored(sent, cur.as_ref());
            next.pending = cur.and_then(|c| c.pending);
            Ok(Decision::Replace(next))
        })
        .await?
        .unwrap_or_default();
    Ok(token_row(&stored))
}

async fn refresh(shared: &Shared, args: &ProcedureArgs) -> Result<Vec<Option<String>>> {
    let token = arg(args, "OAuthRefreshToken")
        .map(Secret::new)
        .ok_or_else(|| auth_error("[apiodbc] RefreshOAuthAccessToken needs OAuthRefreshToken"))?;
    let (resp, sent) = shared.client.refresh(&token).await?;
    let mut t = resp.into_stored(sent, None);
    if t.refresh_token.is_none() {
        t.refresh_token = Some(token);
    }
    if let Ok(store) = store(shared) {
        let t2 = t.clone();
        store
            .update_async(|cur| async move {
                let mut next = t2;
                next.pending = cur.and_then(|c| c.pending);
                Ok(Decision::Replace(next))
            })
            .await?;
    }
    Ok(token_row(&t))
}
