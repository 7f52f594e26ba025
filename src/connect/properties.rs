//! Every connection property, declared once: its name and aliases, the `Settings` field it fills,
//! its type and default, how its text is parsed, what it accepts, whether it may be given inside
//! ProfileSettings, and its description. The `Property` enum, the `PROPERTIES` table (for
//! validation messages, `sys_connection_props` and the documentation check), the `Settings` struct
//! and its `Default`, the parse dispatch and the display of each value (secrets masked, by their
//! type) are all generated from that one list, so adding a property is one entry here plus its
//! row in docs/connection-properties.md (a test compares the two).
//! Reading a whole connection string (precedence, warnings) is `settings`'s job, not this one's.

use std::path::PathBuf;

use super::grammar::Attributes;
use super::profile_settings::ProfileSettings;
use super::values::{
    self, AuthScheme, InitiateOAuth, RateLimitSharing, SettingsLocation, WriteErrors,
};
use crate::error::{ConnectError, Error, Result};
use crate::secret::Secret;
use crate::table_meta;

/// What one property is, beyond its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PropertyInfo {
    pub property: Property,
    pub name: &'static str,
    /// Other spellings accepted for the same property (the ODBC standard's UID and PWD).
    pub aliases: &'static [&'static str],
    pub description: &'static str,
    /// What the property accepts, as error messages and `sys_connection_props` say it.
    pub allowed: &'static str,
    pub is_secret: bool,
    /// Whether a value given inside ProfileSettings applies when the top level does not set it.
    pub liftable: bool,
}

/// A property's value type: how it is shown (secrets masked) and handed to a profile template.
pub trait PropertyValue {
    /// Whether values of this type are secrets (masked when shown).
    const SECRET: bool = false;
    /// The value for display: empty when unset, the mask for a secret.
    fn shown(&self) -> String;
    /// The value itself as text, secrets included, for a profile template that names the
    /// property (`{CompanyDomain}`); `None` when unset.
    fn exposed(&self) -> Option<String>;
}

impl PropertyValue for Option<String> {
    fn shown(&self) -> String {
        self.clone().unwrap_or_default()
    }
    fn exposed(&self) -> Option<String> {
        self.clone()
    }
}

impl PropertyValue for Option<Secret> {
    const SECRET: bool = true;
    fn shown(&self) -> String {
        match self {
            Some(_) => Secret::MASK.to_string(),
            None => String::new(),
        }
    }
    fn exposed(&self) -> Option<String> {
        self.as_ref().map(|s| s.expose().to_string())
    }
}

impl PropertyValue for Option<PathBuf> {
    fn shown(&self) -> String {
        self.as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }
    fn exposed(&self) -> Option<String> {
        self.as_ref().map(|p| p.display().to_string())
    }
}

/// Values whose display is their text: numbers, the enumerations.
macro_rules! shown_as_text {
    ($($ty:ty),*) => {$(
        impl PropertyValue for $ty {
            fn shown(&self) -> String {
                self.to_string()
            }
            fn exposed(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
        impl PropertyValue for Option<$ty> {
            fn shown(&self) -> String {
                self.as_ref().map(|v| v.to_string()).unwrap_or_default()
            }
            fn exposed(&self) -> Option<String> {
                self.as_ref().map(|v| v.to_string())
            }
        }
    )*};
}
shown_as_text!(
    bool,
    u8,
    u32,
    u64,
    AuthScheme,
    InitiateOAuth,
    RateLimitSharing,
    SettingsLocation,
    WriteErrors
);

impl PropertyValue for ProfileSettings {
    fn shown(&self) -> String {
        self.masked_string()
    }
    fn exposed(&self) -> Option<String> {
        None
    }
}

macro_rules! connection_properties {
    ($(
        $variant:ident {
            field: $field:ident: $ty:ty = $default:expr,
            name: $name:literal,
            aliases: [$($alias:literal),*],
            parse: $parse:expr,
            allowed: $allowed:expr,
            liftable: $liftable:literal,
            description: $description:literal $(,)?
        }
    )*) => {
        /// A connection property.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Property {
            $($variant),*
        }

        /// Every connection property, in the order `sys_connection_props` lists them.
        pub const PROPERTIES: &[PropertyInfo] = &[$(
            PropertyInfo {
                property: Property::$variant,
                name: $name,
                aliases: &[$($alias),*],
                description: $description,
                allowed: $allowed,
                is_secret: <$ty as PropertyValue>::SECRET,
                liftable: $liftable,
            }
        ),*];

        /// Every connection property, typed. Unset optional values are `None`.
        #[derive(Clone, Debug)]
        pub struct Settings {
            $(
                #[doc = $description]
                pub $field: $ty,
            )*
            /// Keys that are not connection properties, as given: a profile may claim them as
            /// settings.
            pub extra: Attributes,
        }

        impl Default for Settings {
            fn default() -> Settings {
                Settings {
                    $($field: $default,)*
                    extra: Attributes::new(),
                }
            }
        }

        impl Settings {
            /// Parses `text` (trimmed, not empty) as `info`'s value and stores it.
            pub(super) fn set(&mut self, info: &PropertyInfo, text: &str) -> Result<()> {
                match info.property {
                    $(Property::$variant => self.$field = ($parse)(info, text)?,)*
                }
                Ok(())
            }

            /// The property's value for display: secrets masked, unset values empty.
            pub fn shown(&self, property: Property) -> String {
                match property {
                    $(Property::$variant => PropertyValue::shown(&self.$field),)*
                }
            }

            /// The property's value as text, secrets included; `None` when unset.
            pub fn exposed(&self, property: Property) -> Option<String> {
                match property {
                    $(Property::$variant => PropertyValue::exposed(&self.$field),)*
                }
            }
        }
    };
}

const AUTH_SCHEME_VALUES: &str =
    "NONE, BASIC, NTLM, OAUTH, OAUTH_CLIENT, OAUTH_PASSWORD, APIKEY, TOKEN";
const URL_VALUES: &str = "an absolute http:// or https:// URL";
/// MaxResponseSize when the connection string gives none.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 256 << 20;

connection_properties! {
    Profile {
        field: profile: Option<String> = None,
        name: "Profile", aliases: [],
        parse: text,
        allowed: "pipedrive, helpscout, helpscout_docs (alias helpscout-docs), keap (alias infusionsoft), talkdesk, leaddesk, or a file path",
        liftable: false,
        description: "Built-in profile name or path of a profile file; absent: only the sys schema.",
    }
    ProfileSettings {
        field: profile_settings: ProfileSettings = ProfileSettings::default(),
        name: "ProfileSettings", aliases: [],
        parse: |_, v| ProfileSettings::parse(v),
        allowed: "key=value pairs separated by ';'",
        liftable: false,
        description: "Profile-specific settings as a nested string, e.g. 'APIKey=k;CompanyDomain=acme'.",
    }
    AuthScheme {
        field: auth_scheme: Option<AuthScheme> = None,
        name: "AuthScheme", aliases: [],
        parse: |p, v| enumerated(p, v, AuthScheme::parse).map(Some),
        allowed: AUTH_SCHEME_VALUES,
        liftable: true,
        description: "The authentication scheme; each profile declares the ones it accepts and its default.",
    }
    User {
        field: user: Option<String> = None,
        name: "User", aliases: ["UID"],
        parse: text,
        allowed: "any text",
        liftable: true,
        description: "User name for BASIC, or the resource owner's login for OAUTH on a password-grant profile.",
    }
    Password {
        field: password: Option<Secret> = None,
        name: "Password", aliases: ["PWD"],
        parse: secret,
        allowed: "any text",
        liftable: true,
        description: "Password for BASIC, or the resource owner's password on a password-grant profile.",
    }
    ApiToken {
        field: api_token: Option<Secret> = None,
        name: "APIToken", aliases: [],
        parse: secret,
        allowed: "any text",
        liftable: true,
        description: "Pipedrive API token.",
    }
    CompanyDomain {
        field: company_domain: Option<String> = None,
        name: "CompanyDomain", aliases: [],
        parse: text,
        allowed: "letters, digits and hyphens",
        liftable: true,
        description: "Pipedrive company domain.",
    }
    ApiKey {
        field: api_key: Option<Secret> = None,
        name: "APIKey", aliases: [],
        parse: secret,
        allowed: "any text",
        liftable: true,
        description: "API key (Help Scout Docs, Keap).",
    }
    AccountName {
        field: account_name: Option<String> = None,
        name: "AccountName", aliases: [],
        parse: text,
        allowed: "letters, digits and hyphens",
        liftable: true,
        description: "Talkdesk account subdomain.",
    }
    InitiateOAuth {
        field: initiate_oauth: InitiateOAuth = InitiateOAuth::Off,
        name: "InitiateOAuth", aliases: [],
        parse: |p, v| enumerated(p, v, InitiateOAuth::parse),
        allowed: "OFF, GETANDREFRESH, REFRESH",
        liftable: true,
        description: "How the driver obtains and refreshes the OAuth access token.",
    }
    OAuthClientId {
        field: oauth_client_id: Option<String> = None,
        name: "OAuthClientId", aliases: [],
        parse: text,
        allowed: "any text",
        liftable: true,
        description: "Client ID of the OAuth application.",
    }
    OAuthClientSecret {
        field: oauth_client_secret: Option<Secret> = None,
        name: "OAuthClientSecret", aliases: [],
        parse: secret,
        allowed: "any text",
        liftable: true,
        description: "Client secret of the OAuth application.",
    }
    CallbackUrl {
        field: callback_url: Option<String> = None,
        name: "CallbackURL", aliases: [],
        parse: url,
        allowed: URL_VALUES,
        liftable: true,
        description: "Redirect URI registered with the OAuth application.",
    }
    Scope {
        field: scope: Option<String> = None,
        name: "Scope", aliases: [],
        parse: text,
        allowed: "any text",
        liftable: true,
        description: "OAuth scopes to request, separated by spaces.",
    }
    OAuthAccessToken {
        field: oauth_access_token: Option<Secret> = None,
        name: "OAuthAccessToken", aliases: [],
        parse: secret,
        allowed: "any text",
        liftable: true,
        description: "An OAuth access token handed over by the user.",
    }
    OAuthRefreshToken {
        field: oauth_refresh_token: Option<Secret> = None,
        name: "OAuthRefreshToken", aliases: [],
        parse: secret,
        allowed: "any text",
        liftable: true,
        description: "An OAuth refresh token handed over by the user.",
    }
    OAuthVerifier {
        field: oauth_verifier: Option<Secret> = None,
        name: "OAuthVerifier", aliases: [],
        parse: secret,
        allowed: "any text",
        liftable: true,
        description: "The authorization code from the redirect URI (or the whole redirect URL), for headless machines.",
    }
    PkceVerifier {
        field: pkce_verifier: Option<Secret> = None,
        name: "PKCEVerifier", aliases: [],
        parse: secret,
        allowed: "any text",
        liftable: true,
        description: "The PKCE code verifier returned by GetOAuthAuthorizationURL.",
    }
    OAuthSettingsLocation {
        field: oauth_settings_location: Option<SettingsLocation> = None,
        name: "OAuthSettingsLocation", aliases: [],
        parse: |p, v| enumerated(p, v, SettingsLocation::parse).map(Some),
        allowed: "a file path or memory://name with a non-empty name",
        liftable: true,
        description: "Token store: a file path, or memory://name for a process-wide store.",
    }
    OAuthSettingsPassphrase {
        field: oauth_settings_passphrase: Option<Secret> = None,
        name: "OAuthSettingsPassphrase", aliases: [],
        parse: secret,
        allowed: "any text",
        liftable: true,
        description: "Passphrase that encrypts the OAuth settings file of an application without a client secret.",
    }
    OAuthBrowserTimeout {
        field: oauth_browser_timeout: u32 = 120,
        name: "OAuthBrowserTimeout", aliases: [],
        parse: |p, v| whole(p, v, 1..=86_400u32),
        allowed: "1 to 86400 (default 120)",
        liftable: true,
        description: "Seconds the desktop OAuth flow waits for the browser's redirect.",
    }
    OAuthAuthorizationUrl {
        field: oauth_authorization_url: Option<String> = None,
        name: "OAuthAuthorizationURL", aliases: [],
        parse: url,
        allowed: URL_VALUES,
        liftable: true,
        description: "Overrides the profile's OAuth authorization endpoint.",
    }
    OAuthAccessTokenUrl {
        field: oauth_access_token_url: Option<String> = None,
        name: "OAuthAccessTokenURL", aliases: [],
        parse: url,
        allowed: URL_VALUES,
        liftable: true,
        description: "Overrides the profile's OAuth token endpoint.",
    }
    OAuthRefreshTokenUrl {
        field: oauth_refresh_token_url: Option<String> = None,
        name: "OAuthRefreshTokenURL", aliases: [],
        parse: url,
        allowed: URL_VALUES,
        liftable: true,
        description: "Overrides the profile's OAuth refresh endpoint.",
    }
    BaseUrl {
        field: base_url: Option<String> = None,
        name: "BaseURL", aliases: [],
        parse: url,
        allowed: URL_VALUES,
        liftable: true,
        description: "Overrides the profile's API base URL (regions, private deployments, the sandbox).",
    }
    Timeout {
        field: timeout: u32 = 60,
        name: "Timeout", aliases: [],
        parse: |p, v| whole(p, v, 0..=u32::MAX),
        allowed: "whole numbers of seconds from 0 (no timeout) to 4294967295",
        liftable: true,
        description: "Seconds the driver waits for an API to connect or to send the next part of a response; 0 means no timeout.",
    }
    Pagesize {
        field: pagesize: Option<u32> = None,
        name: "Pagesize", aliases: [],
        parse: |p, v| whole(p, v, 1..=10_000u32).map(Some),
        allowed: "whole numbers from 1 to 10000",
        liftable: true,
        description: "Page size asked of the API; default: the profile's.",
    }
    VerifyConnection {
        field: verify_connection: bool = true,
        name: "VerifyConnection", aliases: [],
        parse: yes_or_no,
        allowed: "TRUE, FALSE",
        liftable: true,
        description: "At connect, ask the API for one record so that credentials it refuses fail the connection (28000 with the API's message) and an API that cannot be reached fails it too, rather than the first query; FALSE connects without a request (planning offline, or only running the OAuth procedures).",
    }
    CustomFields {
        field: custom_fields: bool = true,
        name: "CustomFields", aliases: [],
        parse: yes_or_no,
        allowed: "TRUE, FALSE",
        liftable: true,
        description: "Show the account's custom fields as columns of the tables that have them, named after each field; their definitions are read once per connection, when the table is first used or its columns listed. FALSE shows the built-in columns only and reads no definitions.",
    }
    MaxConcurrentRequests {
        field: max_concurrent_requests: u32 = 8,
        name: "MaxConcurrentRequests", aliases: [],
        parse: |p, v| whole(p, v, 1..=64u32),
        allowed: "whole numbers from 1 (one request at a time) to 64",
        liftable: true,
        description: "Requests one query may have in flight at once where none waits for another's answer (key lookups, one scan per parent, the next pages of an offset or page-number list); 1 sends them one after another.",
    }
    RateLimitSharing {
        field: rate_limit_sharing: RateLimitSharing = RateLimitSharing::Machine,
        name: "RateLimitSharing", aliases: [],
        parse: |p, v| enumerated(p, v, RateLimitSharing::parse),
        allowed: "MACHINE, PROCESS",
        liftable: true,
        description: "Who shares an account's rate-limit budget, so requests wait for it instead of drawing 429s: MACHINE, every process of the user on this computer (a state file under $XDG_STATE_HOME/apiodbc); PROCESS, the connections of this process.",
    }
    ReadOnly {
        field: read_only: bool = false,
        name: "ReadOnly", aliases: [],
        parse: yes_or_no,
        allowed: "TRUE, FALSE",
        liftable: true,
        description: "TRUE refuses every INSERT, UPDATE and DELETE before any request, and tells clients the data source is read-only (SQL_DATA_SOURCE_READ_ONLY); FALSE lets the tables whose API can change records be written.",
    }
    WriteErrors {
        field: write_errors: WriteErrors = WriteErrors::Stop,
        name: "WriteErrors", aliases: [],
        parse: |p, v| enumerated(p, v, WriteErrors::parse),
        allowed: "STOP, CONTINUE",
        liftable: true,
        description: "What a write does after a row the API refuses: STOP sends no further rows; CONTINUE sends them all the same. Either way the statement fails, naming the rows applied and the rows that failed (sys.sys_writes lists each).",
    }
    WriteRowLimit {
        field: write_row_limit: u64 = 100,
        name: "WriteRowLimit", aliases: [],
        parse: |p, v| whole(p, v, 0..=u64::MAX),
        allowed: "whole numbers; 0 means no limit",
        liftable: true,
        description: "The most rows one UPDATE or DELETE may change; one that selects more fails before any change is sent, saying how many it selected.",
    }
    AllowUnfilteredWrites {
        field: allow_unfiltered_writes: bool = false,
        name: "AllowUnfilteredWrites", aliases: [],
        parse: yes_or_no,
        allowed: "TRUE, FALSE",
        liftable: true,
        description: "TRUE lets an UPDATE or DELETE without a WHERE change every row (up to WriteRowLimit); FALSE refuses it before any request.",
    }
    CacheTTL {
        field: cache_ttl: u32 = 0,
        name: "CacheTTL", aliases: [],
        parse: |p, v| whole(p, v, 0..=31_536_000u32),
        allowed: "whole numbers of seconds from 0 (no cache) to 31536000",
        liftable: true,
        description: "Seconds an API response is reused by any connection of the same account in this process (a repeated query, a BI refresh); 0 sends every request. A statement with the hint /*+ NO_CACHE */ sends its requests all the same.",
    }
    CacheMaxMB {
        field: cache_max_mb: u32 = 256,
        name: "CacheMaxMB", aliases: [],
        parse: |p, v| whole(p, v, 1..=65_536u32),
        allowed: "whole numbers of MiB from 1 to 65536",
        liftable: true,
        description: "Memory the result cache may use (the largest value any connection of the process gives); the oldest responses are dropped first.",
    }
    CacheLocation {
        field: cache_location: Option<PathBuf> = None,
        name: "CacheLocation", aliases: [],
        parse: |_, v: &str| Ok(Some(PathBuf::from(v))),
        allowed: "a folder path",
        liftable: true,
        description: "Folder that keeps the result cache's answers between processes (with CacheTTL): one 0600 file per response, named by a hash, holding no credential; created 0700, refused when other users can write to it. CacheMaxMB bounds it.",
    }
    MaxRows {
        field: max_rows: u64 = 0,
        name: "MaxRows", aliases: [],
        parse: |p, v| whole(p, v, 0..=u64::MAX),
        allowed: "whole numbers from 0 (no cap) to 18446744073709551615",
        liftable: true,
        description: "Row cap per query; 0 means no cap.",
    }
    DefaultColumnSize {
        field: default_column_size: u64 = table_meta::DEFAULT_MAX_LENGTH,
        name: "DefaultColumnSize", aliases: [],
        parse: |p, v| whole(p, v, 1..=table_meta::MAX_LENGTH_LIMIT),
        allowed: "whole numbers from 1 to 536870911",
        liftable: true,
        description: "Characters declared for text columns whose length is not known.",
    }
    MaxResponseSize {
        field: max_response_size: u64 = DEFAULT_MAX_RESPONSE_SIZE,
        name: "MaxResponseSize", aliases: [],
        parse: |p, v| values::parse_size(v).ok_or_else(|| bad_value(p, v)),
        allowed: "a size from 1K to 4G: bytes, or a number with K, M or G (KiB, MiB, GiB; default 256M)",
        liftable: true,
        description: "Largest API response body read; a larger one fails the query instead of filling memory.",
    }
    Logfile {
        field: logfile: Option<PathBuf> = None,
        name: "Logfile", aliases: [],
        parse: |_, v: &str| Ok(Some(PathBuf::from(v))),
        allowed: "a file path",
        liftable: true,
        description: "File the driver appends its log to; secrets are redacted at every level.",
    }
    Verbosity {
        field: verbosity: u8 = 1,
        name: "Verbosity", aliases: [],
        parse: |p, v| whole(p, v, 1..=5u8),
        allowed: "1 (errors), 2 (warnings and a line per statement), 3 (info), 4 (debug), 5 (trace)",
        liftable: true,
        description: "Log detail: 1 errors, 2 warnings and a line per statement, 3 info, 4 debug, 5 trace.",
    }
    SslServerCert {
        field: ssl_server_cert: Option<PathBuf> = None,
        name: "SSLServerCert", aliases: [],
        parse: readable_file,
        allowed: "path of a readable PEM file",
        liftable: true,
        description: "Extra CA certificate (PEM file) to trust.",
    }
    Dsn {
        field: dsn: Option<String> = None,
        name: "DSN", aliases: [],
        parse: text,
        allowed: "a data source name",
        liftable: false,
        description: "Data source name whose odbc.ini keys fill in what the connection string omits.",
    }
    Driver {
        field: driver: Option<String> = None,
        name: "Driver", aliases: [],
        parse: text,
        allowed: "a driver name or path",
        liftable: false,
        description: "Driver name or library path, used by the driver manager.",
    }
}

/// The property a key names, by name or alias, ignoring case.
pub fn find_property(key: &str) -> Option<&'static PropertyInfo> {
    PROPERTIES.iter().find(|p| {
        p.name.eq_ignore_ascii_case(key) || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(key))
    })
}

/// 08001: the value is not one the property accepts; the message lists what it accepts.
pub fn bad_value(p: &PropertyInfo, value: &str) -> Error {
    Error::new(
        ConnectError::InvalidValue,
        format!(
            "{} has the value '{value}'; allowed values are {}",
            p.name, p.allowed
        ),
    )
}

fn text(_: &PropertyInfo, v: &str) -> Result<Option<String>> {
    Ok(Some(v.to_string()))
}

fn secret(_: &PropertyInfo, v: &str) -> Result<Option<Secret>> {
    Ok(Some(Secret::new(v)))
}

fn enumerated<T>(p: &PropertyInfo, v: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
    parse(v).ok_or_else(|| bad_value(p, v))
}

fn yes_or_no(p: &PropertyInfo, v: &str) -> Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        _ => Err(bad_value(p, v)),
    }
}

fn whole<T>(p: &PropertyInfo, v: &str, range: std::ops::RangeInclusive<T>) -> Result<T>
where
    T: std::str::FromStr + PartialOrd,
{
    v.parse::<T>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| bad_value(p, v))
}

fn url(p: &PropertyInfo, v: &str) -> Result<Option<String>> {
    values::check_http_url(v).map_err(|why| {
        Error::new(
            ConnectError::InvalidValue,
            format!(
                "{} has the value '{}', which is not usable: {why}; give an absolute http:// or https:// URL such as https://api.example.com/v1",
                p.name,
                crate::secret::mask_url_passwords(v)
            ),
        )
    })?;
    Ok(Some(v.to_string()))
}

fn readable_file(p: &PropertyInfo, v: &str) -> Result<Option<PathBuf>> {
    let path = PathBuf::from(v);
    let why = match crate::files::open_regular(&path, crate::files::Follow::Yes) {
        Ok(_) => return Ok(Some(path)),
        Err(crate::files::FileError::NotRegular(_)) => "which is not a file".to_string(),
        Err(e) => format!("which cannot be read ({e})"),
    };
    Err(Error::new(
        ConnectError::File,
        format!(
            "{} is '{v}', {why}; give the path of a readable PEM certificate file",
            p.name
        ),
    ))
}
