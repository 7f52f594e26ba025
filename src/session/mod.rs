//! One place wires a connection together: the profile, the credentials and the OAuth token
//! manager, the HTTP client and the profile's tables (`rest`), the stored procedures, the
//! connection properties the `sys` schema shows, and the SQL engine over all of them. `handles`
//! calls [`open`] under the login timeout and keeps the result for the connection's life.
//! It knows no ODBC: no handles, no C types, no SQLSTATE choices beyond the errors it passes on.

mod credentials;
mod custom_fields;
mod oauth_procedures;

use std::sync::Arc;

use crate::connect::settings::{self as connect_settings, Settings, Warning};
use crate::connect::RateLimitSharing;
use crate::engine::procedures::ProcedureRegistry;
use crate::engine::sys_tables::{ConnectionProp, SYS_SCHEMA};
use crate::engine::{Engine, EngineOptions, NamedTable};
use crate::error::Result;
use crate::profile::Profile;
use crate::rate_budget::Sharing;
use crate::request_log::RequestLog;
use crate::rest::ScanOptions;

/// Rows per Arrow batch: large enough to amortise per-batch work, small enough to keep memory flat.
pub const BATCH_ROWS: usize = 8192;

/// A connection once open: what it was opened with and the engine that answers its statements.
pub struct OpenSession {
    pub settings: Settings,
    /// Whether some table of the profile can be written (its API declares a write) and
    /// ReadOnly does not forbid it.
    pub writable: bool,
    pub engine: Engine,
    /// The data source it was opened through; empty without one.
    pub dsn: String,
}

/// Opens a connection: loads the profile, resolves the credentials (running an OAuth flow when the
/// settings ask for one), and builds the engine. Returns the warning about keys that are neither
/// connection properties nor the profile's settings, if any.
pub async fn open(settings: Settings, dsn: String) -> Result<(OpenSession, Option<Warning>)> {
    let profile = match settings.profile.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(name) => Some(crate::profile::load(name)?),
        None => None,
    };
    // Keys the profile declares as its settings are not unknown.
    let unknown: Vec<&str> = settings
        .unknown_keys()
        .filter(|key| profile.as_ref().is_none_or(|p| p.setting(key).is_none()))
        .collect();
    let warning = connect_settings::unknown_properties_warning(&unknown);
    let read_only = read_only_reason(&settings, profile.as_ref());
    let engine = match &profile {
        Some(profile) => open_profile(&settings, profile, read_only.clone()).await?,
        None => engine(
            &settings,
            SYS_SCHEMA,
            Vec::new(),
            ProcedureRegistry::default(),
            Arc::default(),
            read_only.clone(),
        )?,
    };
    Ok((
        OpenSession {
            writable: read_only.is_none(),
            settings,
            engine,
            dsn,
        },
        warning,
    ))
}

/// Why the connection cannot write, if it cannot: what a refused INSERT, UPDATE or DELETE says.
fn read_only_reason(settings: &Settings, profile: Option<&Profile>) -> Option<String> {
    if settings.read_only {
        return Some("ReadOnly=TRUE; connect with ReadOnly=FALSE to change data".into());
    }
    let Some(profile) = profile else {
        return Some("a connection without a profile has nothing to write to".into());
    };
    let writes = profile
        .tables
        .iter()
        .any(|t| !t.insert.is_empty() || !t.update.is_empty() || !t.delete.is_empty());
    (!writes).then(|| {
        format!(
            "the {} profile declares no table its API lets change",
            profile.name
        )
    })
}

/// The engine of a connection with a profile: its tables live in a schema named after it, which
/// is also the default schema, so `SELECT * FROM persons` works.
async fn open_profile(
    settings: &Settings,
    profile: &Profile,
    read_only: Option<String>,
) -> Result<Engine> {
    let access = credentials::resolve(profile, settings).await?;
    let options = ScanOptions {
        timeout_secs: settings.timeout,
        max_response_bytes: settings.max_response_size,
        extra_ca: settings.ssl_server_cert.clone(),
        pagesize: settings.pagesize,
        max_rows: settings.max_rows,
        max_concurrent_requests: settings.max_concurrent_requests as usize,
        cache_ttl_secs: settings.cache_ttl,
        cache_max_bytes: usize::try_from(u64::from(settings.cache_max_mb) << 20)
            .unwrap_or(usize::MAX),
        cache_location: settings.cache_location.clone(),
        rate_limit_sharing: match settings.rate_limit_sharing {
            RateLimitSharing::Machine => Sharing::Machine,
            RateLimitSharing::Process => Sharing::Process,
        },
        writes: crate::rest::WriteSettings {
            continue_after_error: settings.write_errors == crate::connect::WriteErrors::Continue,
            row_limit: settings.write_row_limit,
            allow_unfiltered: settings.allow_unfiltered_writes,
        },
    };
    let requests = Arc::new(RequestLog::default());
    let providers = crate::rest::open(profile, access, &options, requests.clone())?;
    if settings.verify_connection {
        crate::rest::verify_access(profile, &providers).await?;
    }
    let tables = providers
        .iter()
        .map(|table| NamedTable {
            schema: profile.name.clone(),
            name: table.name().to_string(),
            provider: table.clone(),
            late: settings
                .custom_fields
                .then(|| custom_fields::late_columns(table, &providers))
                .flatten(),
        })
        .collect();
    let mut procedures = ProcedureRegistry::default();
    for procedure in oauth_procedures::procedures(profile, settings)? {
        procedures.register(procedure);
    }
    engine(
        settings,
        &profile.name,
        tables,
        procedures,
        requests,
        read_only,
    )
}

fn engine(
    settings: &Settings,
    default_schema: &str,
    tables: Vec<NamedTable>,
    procedures: ProcedureRegistry,
    requests: Arc<RequestLog>,
    read_only: Option<String>,
) -> Result<Engine> {
    Engine::new(EngineOptions {
        database: if default_schema == SYS_SCHEMA {
            "apiodbc".to_string()
        } else {
            default_schema.to_string()
        },
        default_schema: default_schema.to_string(),
        user: settings.user.clone().unwrap_or_default(),
        connection_props: connection_props(settings),
        procedures,
        batch_size: BATCH_ROWS,
        tables,
        requests,
        read_only,
    })
}

/// One row per connection property for `sys_connection_props`, secrets masked.
fn connection_props(settings: &Settings) -> Vec<ConnectionProp> {
    settings
        .masked_properties()
        .into_iter()
        .map(|(name, value)| {
            let info = connect_settings::find_property(&name);
            ConnectionProp {
                description: info.map(|p| p.description.to_string()).unwrap_or_default(),
                allowed_values: info.map(|p| p.allowed.to_string()).unwrap_or_default(),
                sensitive: info.is_some_and(|p| p.is_secret),
                name,
                value,
            }
        })
        .collect()
}
