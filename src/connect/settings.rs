//! Typed, validated connection settings: every property of DESIGN.md's "Connection properties"
//! table plus DSN, Driver and the ODBC aliases UID/PWD. It turns parsed `Attributes` into
//! `Settings`, rejects bad values with messages that name the property and the allowed values, and
//! keeps unknown keys for the profile to claim. Secrets are `Secret`s from the moment they are read.
//! It does not decide which auth scheme a profile accepts, nor open files other than checking that
//! SSLServerCert is readable.

use std::fmt;
use std::path::PathBuf;

use crate::connect::grammar::{self, is_secret_name, Attributes};
use crate::error::{state, Error, Result, SqlState};
use crate::secret::Secret;

/// One known connection property, for validation, documentation and `sys_connection_props`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PropertyInfo {
    pub name: &'static str,
    /// Other spellings accepted for the same property (the ODBC standard's UID and PWD).
    pub aliases: &'static [&'static str],
    pub description: &'static str,
    pub allowed: &'static str,
    pub is_secret: bool,
}

const fn prop(
    name: &'static str,
    aliases: &'static [&'static str],
    description: &'static str,
    allowed: &'static str,
    is_secret: bool,
) -> PropertyInfo {
    PropertyInfo {
        name,
        aliases,
        description,
        allowed,
        is_secret,
    }
}

const AUTH_SCHEME_VALUES: &str =
    "NONE, BASIC, NTLM, OAUTH, OAUTH_CLIENT, OAUTH_PASSWORD, APIKEY, TOKEN";
const INITIATE_OAUTH_VALUES: &str = "OFF, GETANDREFRESH, REFRESH";
const BROWSER_TIMEOUT_VALUES: &str = "1 to 86400 (default 120)";
const URL_VALUES: &str = "an absolute http:// or https:// URL";
const MAX_RESPONSE_VALUES: &str =
    "a size from 1K to 4G: bytes, or a number with K, M or G (KiB, MiB, GiB; default 256M)";
/// MaxResponseSize when the connection string gives none.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 256 << 20;

/// The known properties, in the order of DESIGN.md's table, then DSN and Driver.
pub const KNOWN_PROPERTIES: &[PropertyInfo] = &[
    prop("Profile", &[], "Built-in profile name or path of a profile file; absent: only the sys schema.", "pipedrive, helpscout, helpscout-docs, keap (alias infusionsoft), talkdesk, leaddesk, or a file path", false),
    prop("ProfileSettings", &[], "Profile-specific settings as a nested string, e.g. 'APIKey=k;CompanyDomain=acme'.", "key=value pairs separated by ';'", false),
    prop("AuthScheme", &[], "The authentication scheme; each profile declares the ones it accepts and its default.", AUTH_SCHEME_VALUES, false),
    prop("User", &["UID"], "User name for BASIC, or the resource owner's login for OAUTH on a password-grant profile.", "any text", false),
    prop("Password", &["PWD"], "Password for BASIC, or the resource owner's password on a password-grant profile.", "any text", true),
    prop("APIToken", &[], "Pipedrive API token.", "any text", true),
    prop("CompanyDomain", &[], "Pipedrive company domain.", "letters, digits and hyphens", false),
    prop("APIKey", &[], "API key (Help Scout Docs, Keap).", "any text", true),
    prop("AccountName", &[], "Talkdesk account subdomain.", "letters, digits and hyphens", false),
    prop("InitiateOAuth", &[], "How the driver obtains and refreshes the OAuth access token.", INITIATE_OAUTH_VALUES, false),
    prop("OAuthClientId", &[], "Client ID of the OAuth application.", "any text", false),
    prop("OAuthClientSecret", &[], "Client secret of the OAuth application.", "any text", true),
    prop("CallbackURL", &[], "Redirect URI registered with the OAuth application.", URL_VALUES, false),
    prop("Scope", &[], "OAuth scopes to request, separated by spaces.", "any text", false),
    prop("OAuthAccessToken", &[], "An OAuth access token handed over by the user.", "any text", true),
    prop("OAuthRefreshToken", &[], "An OAuth refresh token handed over by the user.", "any text", true),
    prop("OAuthVerifier", &[], "The authorization code from the redirect URI (or the whole redirect URL), for headless machines.", "any text", true),
    prop("PKCEVerifier", &[], "The PKCE code verifier returned by GetOAuthAuthorizationURL.", "any text", true),
    prop("OAuthSettingsLocation", &[], "Token store: a file path, or memory://name for a process-wide store.", "a file path or memory://name", false),
    prop("OAuthSettingsPassphrase", &[], "Passphrase that encrypts the OAuth settings file of an application without a client secret.", "any text", true),
    prop("OAuthBrowserTimeout", &[], "Seconds the desktop OAuth flow waits for the browser's redirect.", BROWSER_TIMEOUT_VALUES, false),
    prop("OAuthAuthorizationURL", &[], "Overrides the profile's OAuth authorization endpoint.", URL_VALUES, false),
    prop("OAuthAccessTokenURL", &[], "Overrides the profile's OAuth token endpoint.", URL_VALUES, false),
    prop("OAuthRefreshTokenURL", &[], "Overrides the profile's OAuth refresh endpoint.", URL_VALUES, false),
    prop("BaseURL", &[], "Overrides the profile's API base URL (regions, private deployments, the sandbox).", URL_VALUES, false),
    prop("Timeout", &[], "Seconds the driver waits for an API to connect or to send the next part of a response; 0 means no timeout.", "0 to 4294967295 (default 60)", false),
    prop("Pagesize", &[], "Page size asked of the API; default: the profile's.", "1 to 10000", false),
    prop("MaxRows", &[], "Row cap per query; 0 means no cap.", "0 to 18446744073709551615 (default 0)", false),
    prop("MaxResponseSize", &[], "Largest API response body read; a larger one fails the query instead of filling memory.", MAX_RESPONSE_VALUES, false),
    prop("Logfile", &[], "File the driver appends its log to; secrets are redacted at every level.", "a file path", false),
    prop("Verbosity", &[], "Log detail: 1 errors, 2 warnings, 3 info, 4 debug, 5 trace.", "1 to 5 (default 1)", false),
    prop("SSLServerCert", &[], "Extra CA certificate (PEM file) to trust.", "path of a readable PEM file", false),
    prop("DSN", &[], "Data source name whose odbc.ini keys fill in what the connection string omits.", "a data source name", false),
    prop("Driver", &[], "Driver name or library path, used by the driver manager.", "a driver name or path", false),
];

/// The known property a key names, by name or alias, ignoring case.
pub fn find_property(key: &str) -> Option<&'static PropertyInfo> {
    KNOWN_PROPERTIES.iter().find(|p| {
        p.name.eq_ignore_ascii_case(key) || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(key))
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    None,
    Basic,
    Ntlm,
    OAuth,
    OAuthClient,
    OAuthPassword,
    ApiKey,
    Token,
}

impl AuthScheme {
    /// Case-insensitive; `_`, `-` and spaces are ignored so `OAuthClient` and `OAUTH_CLIENT` agree.
    pub fn parse(s: &str) -> Option<AuthScheme> {
        Some(match normalise(s).as_str() {
            "NONE" => AuthScheme::None,
            "BASIC" => AuthScheme::Basic,
            "NTLM" => AuthScheme::Ntlm,
            "OAUTH" => AuthScheme::OAuth,
            "OAUTHCLIENT" => AuthScheme::OAuthClient,
            "OAUTHPASSWORD" => AuthScheme::OAuthPassword,
            "APIKEY" => AuthScheme::ApiKey,
            "TOKEN" => AuthScheme::Token,
            _ => return None,
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            AuthScheme::None => "NONE",
            AuthScheme::Basic => "BASIC",
            AuthScheme::Ntlm => "NTLM",
            AuthScheme::OAuth => "OAUTH",
            AuthScheme::OAuthClient => "OAUTH_CLIENT",
            AuthScheme::OAuthPassword => "OAUTH_PASSWORD",
            AuthScheme::ApiKey => "APIKEY",
            AuthScheme::Token => "TOKEN",
        }
    }
}

impl fmt::Display for AuthScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum InitiateOAuth {
    #[default]
    Off,
    GetAndRefresh,
    Refresh,
}

impl InitiateOAuth {
    pub fn parse(s: &str) -> Option<InitiateOAuth> {
        Some(match normalise(s).as_str() {
            "OFF" => InitiateOAuth::Off,
            "GETANDREFRESH" => InitiateOAuth::GetAndRefresh,
            "REFRESH" => InitiateOAuth::Refresh,
            _ => return None,
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            InitiateOAuth::Off => "OFF",
            InitiateOAuth::GetAndRefresh => "GETANDREFRESH",
            InitiateOAuth::Refresh => "REFRESH",
        }
    }
}

impl fmt::Display for InitiateOAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn normalise(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Where the token store lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SettingsLocation {
    File(PathBuf),
    /// `memory://name`: shared by the connections of this process, gone when it exits.
    Memory(String),
}

impl SettingsLocation {
    pub fn parse(s: &str) -> Option<SettingsLocation> {
        const PREFIX: &str = "memory://";
        if s.len() >= PREFIX.len() && s.is_char_boundary(PREFIX.len()) {
            let (scheme, name) = s.split_at(PREFIX.len());
            if scheme.eq_ignore_ascii_case(PREFIX) {
                let name = name.trim();
                return (!name.is_empty()).then(|| SettingsLocation::Memory(name.to_string()));
            }
        }
        Some(SettingsLocation::File(PathBuf::from(s)))
    }
}

impl fmt::Display for SettingsLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsLocation::File(p) => write!(f, "{}", p.display()),
            SettingsLocation::Memory(name) => write!(f, "memory://{name}"),
        }
    }
}

/// A profile setting's value: secret when its name says so (key, token, secret, password).
#[derive(Clone, PartialEq, Eq)]
pub enum SettingValue {
    Plain(String),
    Secret(Secret),
}

impl SettingValue {
    fn new(key: &str, value: &str) -> SettingValue {
        if is_secret_name(key) {
            SettingValue::Secret(Secret::new(value))
        } else {
            SettingValue::Plain(value.to_string())
        }
    }

    /// The value itself, for the profile code that sends it.
    pub fn expose(&self) -> &str {
        match self {
            SettingValue::Plain(s) => s,
            SettingValue::Secret(s) => s.expose(),
        }
    }

    #[cfg(test)]
    pub fn is_secret(&self) -> bool {
        matches!(self, SettingValue::Secret(_))
    }

    /// What may be shown: the value, or the mask for a secret.
    pub fn masked(&self) -> &str {
        match self {
            SettingValue::Plain(s) => s,
            SettingValue::Secret(_) => Secret::MASK,
        }
    }
}

impl fmt::Debug for SettingValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.masked(), f)
    }
}

/// `ProfileSettings` parsed into an ordered map whose lookups ignore case.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProfileSettings {
    entries: Vec<(String, SettingValue)>,
}

impl ProfileSettings {
    pub fn get(&self, key: &str) -> Option<&SettingValue> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The settings as a connection string with secret values masked, for display.
    pub fn masked_string(&self) -> String {
        let mut masked = Attributes::new();
        for (k, v) in &self.entries {
            masked.insert_if_absent(k.clone(), v.masked());
        }
        masked.to_connection_string()
    }
}

impl fmt::Debug for ProfileSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

/// A non-fatal finding while reading settings, returned to the caller to post as a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub state: SqlState,
    pub message: String,
    /// The key concerned, as the user spelled it, so a caller can drop the unknown-property warning
    /// for a key its profile claims.
    pub property: Option<String>,
}

/// Every connection property, typed. `None` means unset (absent or empty).
#[derive(Clone, Debug)]
pub struct Settings {
    pub profile: Option<String>,
    pub profile_settings: ProfileSettings,
    pub auth_scheme: Option<AuthScheme>,
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub api_token: Option<Secret>,
    pub company_domain: Option<String>,
    pub api_key: Option<Secret>,
    pub account_name: Option<String>,
    pub initiate_oauth: InitiateOAuth,
    pub oauth_client_id: Option<String>,
    pub oauth_client_secret: Option<Secret>,
    pub callback_url: Option<String>,
    pub scope: Option<String>,
    pub oauth_access_token: Option<Secret>,
    pub oauth_refresh_token: Option<Secret>,
    pub oauth_verifier: Option<Secret>,
    pub pkce_verifier: Option<Secret>,
    pub oauth_settings_location: Option<SettingsLocation>,
    pub oauth_settings_passphrase: Option<Secret>,
    /// Seconds, 1..=86400.
    pub oauth_browser_timeout: u32,
    pub oauth_authorization_url: Option<String>,
    pub oauth_access_token_url: Option<String>,
    pub oauth_refresh_token_url: Option<String>,
    pub base_url: Option<String>,
    /// Seconds an API may take to connect or to send the next part of a response; 0: no limit.
    pub timeout: u32,
    /// `None`: the profile's page size.
    pub pagesize: Option<u32>,
    /// 0 means no cap.
    pub max_rows: u64,
    /// Bytes.
    pub max_response_size: u64,
    pub logfile: Option<PathBuf>,
    /// 1..=5; only meaningful with `logfile`.
    pub verbosity: u8,
    pub ssl_server_cert: Option<PathBuf>,
    pub dsn: Option<String>,
    pub driver: Option<String>,
    /// Keys that are not connection properties, as given: a profile may claim them as settings.
    pub extra: Attributes,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            profile: None,
            profile_settings: ProfileSettings::default(),
            auth_scheme: None,
            user: None,
            password: None,
            api_token: None,
            company_domain: None,
            api_key: None,
            account_name: None,
            initiate_oauth: InitiateOAuth::Off,
            oauth_client_id: None,
            oauth_client_secret: None,
            callback_url: None,
            scope: None,
            oauth_access_token: None,
            oauth_refresh_token: None,
            oauth_verifier: None,
            pkce_verifier: None,
            oauth_settings_location: None,
            oauth_settings_passphrase: None,
            oauth_browser_timeout: 120,
            oauth_authorization_url: None,
            oauth_access_token_url: None,
            oauth_refresh_token_url: None,
            base_url: None,
            timeout: 60,
            pagesize: None,
            max_rows: 0,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            logfile: None,
            verbosity: 1,
            ssl_server_cert: None,
            dsn: None,
            driver: None,
            extra: Attributes::new(),
        }
    }
}

fn bad_value(property: &str, value: &str, allowed: &str) -> Error {
    Error::new(
        state::UNABLE_TO_CONNECT,
        format!("[apiodbc] {property} has the value '{value}'; allowed values are {allowed}"),
    )
}

/// Checks that `s` is an absolute http(s) URL with a host; the reason says what is wrong.
pub fn check_http_url(s: &str) -> std::result::Result<(), &'static str> {
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains a space or a control character");
    }
    let lower = s.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &s["https://".len()..]
    } else if lower.starts_with("http://") {
        &s["http://".len()..]
    } else {
        return Err("it must start with http:// or https://");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() {
        return Err("it has no host name");
    }
    if authority.contains('@') {
        // Credentials in a URL would show unmasked in sys_connection_props and in logs.
        return Err("it contains credentials; give them in User and Password instead");
    }
    let (host, port) = if let Some(after_bracket) = authority.strip_prefix('[') {
        let Some((inside, tail)) = after_bracket.split_once(']') else {
            return Err("its IPv6 address is missing ']'");
        };
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err("its IPv6 address is not valid");
        }
        match tail {
            "" => ("x", None),
            t => match t.strip_prefix(':') {
                Some(p) => ("x", Some(p)),
                None => return Err("it has unexpected text after the IPv6 address"),
            },
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("it has no host name");
    }
    if !host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return Err("its host name has characters other than letters, digits, '-', '.' and '_'");
    }
    if let Some(port) = port {
        match port.parse::<u16>() {
            Ok(p) if p > 0 && port.chars().all(|c| c.is_ascii_digit()) => {}
            _ => return Err("its port is not a number from 1 to 65535"),
        }
    }
    Ok(())
}

/// Unknown keys listed in the one warning (01S00) about them; the rest are counted.
const UNKNOWN_KEYS_SHOWN: usize = 5;

/// The one warning about keys that are neither connection properties nor settings of the profile:
/// a connection string of thousands of stray keys gets one diagnostic, not thousands.
pub fn unknown_properties_warning(keys: &[&str]) -> Option<Warning> {
    let message = match keys {
        [] => return None,
        [only] => format!(
            "[apiodbc] Unknown connection property '{only}' was ignored; see docs/connection-properties.md for the list"
        ),
        _ => {
            let shown: Vec<String> = keys
                .iter()
                .take(UNKNOWN_KEYS_SHOWN)
                .map(|k| format!("'{}'", k.chars().take(40).collect::<String>()))
                .collect();
            let more = if keys.len() > UNKNOWN_KEYS_SHOWN {
                format!(" and {} more", keys.len() - UNKNOWN_KEYS_SHOWN)
            } else {
                String::new()
            };
            format!(
                "[apiodbc] {} unknown connection properties were ignored: {}{more}; see docs/connection-properties.md for the list",
                keys.len(),
                shown.join(", ")
            )
        }
    };
    Some(Warning {
        state: state::INVALID_CONNECTION_STRING_ATTRIBUTE,
        message,
        property: keys.first().map(|k| k.to_string()),
    })
}

/// `1048576`, `512K`, `256M`, `1G` (also `MB`, `MiB`, any case): bytes, from 1 KiB to 4 GiB.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = t.split_at(digits);
    let number: u64 = number.parse().ok()?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return None,
    };
    let bytes = number.checked_mul(1u64 << shift)?;
    (1024..=(4u64 << 30)).contains(&bytes).then_some(bytes)
}

impl Settings {
    /// Reads and validates every known property. DSN keys are expected to be merged into `attrs`
    /// already (with `insert_if_absent`, so explicit keys win). Known properties given inside
    /// ProfileSettings apply when the top level does not set them. Warnings: quoted values holding
    /// `;` (01S00), repeated keys and conflicting aliases (01000), Verbosity without Logfile
    /// (01000). Unknown keys are kept in `extra` and warned about by the caller.
    pub fn from_attributes(attrs: &Attributes) -> Result<(Settings, Vec<Warning>)> {
        let mut settings = Settings::default();
        let mut warnings = Vec::new();
        let mut seen: Vec<(&'static str, String)> = Vec::new();

        for key in attrs.duplicates() {
            warnings.push(Warning {
                state: state::GENERAL_WARNING,
                message: format!(
                    "[apiodbc] Connection property '{key}' was given more than once; the first value was used and later ones were ignored"
                ),
                property: Some(key.clone()),
            });
        }

        let nested = match attrs.get("ProfileSettings") {
            Some(v) if !v.trim().is_empty() => Some(grammar::parse_nested(v)?),
            _ => None,
        };

        for key in attrs.quoted_semicolons() {
            if key.eq_ignore_ascii_case("ProfileSettings") {
                // The seed manuals' own form; docs/connection-properties.md shows braces for it.
                continue;
            }
            warnings.push(Warning {
                state: state::INVALID_CONNECTION_STRING_ATTRIBUTE,
                message: format!(
                    "[apiodbc] The value of '{key}' is in quotes and holds ';'. Driver managers such as unixODBC do not honour quotes: they split the value at ';' and read the rest as other keys (a DRIVER= there would load another library). Enclose such values in braces instead: {key}={{…}}"
                ),
                property: Some(key.clone()),
            });
        }

        for (key, value) in attrs.iter() {
            match find_property(key) {
                Some(info) => settings.apply(info, key, value, &mut seen, &mut warnings)?,
                // Kept for the profile to claim; the caller warns about the rest
                // (`unknown_properties_warning`) once it knows the profile.
                None => {
                    settings.extra.insert_if_absent(key, value);
                }
            }
        }

        if let Some(nested) = nested {
            for key in nested.duplicates() {
                warnings.push(Warning {
                    state: state::GENERAL_WARNING,
                    message: format!(
                        "[apiodbc] ProfileSettings gives '{key}' more than once; the first value was used and later ones were ignored"
                    ),
                    property: Some(key.clone()),
                });
            }
            for (key, value) in nested.iter() {
                settings
                    .profile_settings
                    .entries
                    .push((key.to_string(), SettingValue::new(key, value)));
                if let Some(info) = find_property(key) {
                    let liftable =
                        !matches!(info.name, "Profile" | "ProfileSettings" | "DSN" | "Driver");
                    let already = seen.iter().any(|(name, _)| *name == info.name);
                    if liftable && !already {
                        settings.apply(info, key, value, &mut seen, &mut warnings)?;
                    }
                }
            }
        }

        if settings.logfile.is_none() && seen.iter().any(|(name, _)| *name == "Verbosity") {
            warnings.push(Warning {
                state: state::GENERAL_WARNING,
                message: "[apiodbc] Verbosity is set but Logfile is not, so nothing is logged; set Logfile to a file path".to_string(),
                property: Some("Verbosity".to_string()),
            });
        }
        Ok((settings, warnings))
    }

    fn apply(
        &mut self,
        info: &'static PropertyInfo,
        key: &str,
        value: &str,
        seen: &mut Vec<(&'static str, String)>,
        warnings: &mut Vec<Warning>,
    ) -> Result<()> {
        let v = value.trim();
        if v.is_empty() {
            return Ok(());
        }
        if let Some((_, first)) = seen.iter().find(|(name, _)| *name == info.name) {
            warnings.push(Warning {
                state: state::GENERAL_WARNING,
                message: format!(
                    "[apiodbc] '{key}' was ignored because '{first}' sets the same property ({}) earlier; give only one of them",
                    info.name
                ),
                property: Some(key.to_string()),
            });
            return Ok(());
        }
        seen.push((info.name, key.to_string()));
        let name = info.name;
        let text = || Some(v.to_string());
        let secret = || Some(Secret::new(v));
        let url = || -> Result<Option<String>> {
            check_http_url(v).map_err(|why| {
                Error::new(
                    state::UNABLE_TO_CONNECT,
                    format!(
                        "[apiodbc] {name} has the value '{}', which is not usable: {why}; give an absolute http:// or https:// URL such as https://api.example.com/v1",
                        crate::secret::mask_url_passwords(v)
                    ),
                )
            })?;
            Ok(Some(v.to_string()))
        };
        match name {
            "Profile" => self.profile = text(),
            "ProfileSettings" => {}
            "AuthScheme" => {
                self.auth_scheme = Some(
                    AuthScheme::parse(v).ok_or_else(|| bad_value(name, v, AUTH_SCHEME_VALUES))?,
                )
            }
            "User" => self.user = text(),
            "Password" => self.password = secret(),
            "APIToken" => self.api_token = secret(),
            "CompanyDomain" => self.company_domain = text(),
            "APIKey" => self.api_key = secret(),
            "AccountName" => self.account_name = text(),
            "InitiateOAuth" => {
                self.initiate_oauth = InitiateOAuth::parse(v)
                    .ok_or_else(|| bad_value(name, v, INITIATE_OAUTH_VALUES))?
            }
            "OAuthClientId" => self.oauth_client_id = text(),
            "OAuthClientSecret" => self.oauth_client_secret = secret(),
            "CallbackURL" => self.callback_url = url()?,
            "Scope" => self.scope = text(),
            "OAuthAccessToken" => self.oauth_access_token = secret(),
            "OAuthRefreshToken" => self.oauth_refresh_token = secret(),
            "OAuthVerifier" => self.oauth_verifier = secret(),
            "PKCEVerifier" => self.pkce_verifier = secret(),
            "OAuthSettingsLocation" => {
                self.oauth_settings_location =
                    Some(SettingsLocation::parse(v).ok_or_else(|| {
                        bad_value(
                            name,
                            v,
                            "a file path or memory://name with a non-empty name",
                        )
                    })?)
            }
            "OAuthSettingsPassphrase" => self.oauth_settings_passphrase = secret(),
            "OAuthBrowserTimeout" => {
                self.oauth_browser_timeout = v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=86_400).contains(n))
                    .ok_or_else(|| bad_value(name, v, BROWSER_TIMEOUT_VALUES))?
            }
            "OAuthAuthorizationURL" => self.oauth_authorization_url = url()?,
            "OAuthAccessTokenURL" => self.oauth_access_token_url = url()?,
            "OAuthRefreshTokenURL" => self.oauth_refresh_token_url = url()?,
            "BaseURL" => self.base_url = url()?,
            "Timeout" => {
                self.timeout = v.parse::<u32>().map_err(|_| {
                    bad_value(
                        name,
                        v,
                        "whole numbers of seconds from 0 (no timeout) to 4294967295",
                    )
                })?
            }
            "Pagesize" => {
                self.pagesize = Some(
                    v.parse::<u32>()
                        .ok()
                        .filter(|n| (1..=10_000).contains(n))
                        .ok_or_else(|| bad_value(name, v, "whole numbers from 1 to 10000"))?,
                )
            }
            "MaxRows" => {
                self.max_rows = v.parse::<u64>().map_err(|_| {
                    bad_value(
                        name,
                        v,
                        "whole numbers from 0 (no cap) to 18446744073709551615",
                    )
                })?
            }
            "MaxResponseSize" => {
                self.max_response_size =
                    parse_size(v).ok_or_else(|| bad_value(name, v, MAX_RESPONSE_VALUES))?
            }
            "Logfile" => self.logfile = Some(PathBuf::from(v)),
            "Verbosity" => {
                self.verbosity = v
                    .parse::<u8>()
                    .ok()
                    .filter(|n| (1..=5).contains(n))
                    .ok_or_else(|| {
                        bad_value(
                            name,
                            v,
                            "1 (errors), 2 (warnings), 3 (info), 4 (debug), 5 (trace)",
                        )
                    })?
            }
            "SSLServerCert" => {
                let path = PathBuf::from(v);
                match crate::files::open_regular(&path, crate::files::Follow::Yes) {
                    Ok(_) => self.ssl_server_cert = Some(path),
                    Err(crate::files::FileError::NotRegular(_)) => {
                        return Err(Error::new(
                            state::UNABLE_TO_CONNECT,
                            format!("[apiodbc] SSLServerCert is '{v}', which is not a file; give the path of a readable PEM certificate file"),
                        ))
                    }
                    Err(e) => {
                        return Err(Error::new(
                            state::UNABLE_TO_CONNECT,
                            format!("[apiodbc] SSLServerCert is '{v}', which cannot be read ({e}); give the path of a readable PEM certificate file"),
                        ))
                    }
                }
            }
            "DSN" => self.dsn = text(),
            "Driver" => self.driver = text(),
            _ => {}
        }
        Ok(())
    }

    /// The keys that are not connection properties, as spelled, in the order given.
    pub fn unknown_keys(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|(k, _)| k)
    }

    /// A connection property's value as text, by name or alias (any case); secrets exposed.
    /// Used where a profile's template names a property (`{CompanyDomain}`, `{APIToken}`).
    pub fn property_value(&self, name: &str) -> Option<String> {
        let secret = |s: &Option<Secret>| s.as_ref().map(|v| v.expose().to_string());
        match find_property(name)?.name {
            "APIToken" => secret(&self.api_token),
            "APIKey" => secret(&self.api_key),
            "CompanyDomain" => self.company_domain.clone(),
            "AccountName" => self.account_name.clone(),
            "User" => self.user.clone(),
            "Password" => secret(&self.password),
            "OAuthAccessToken" => secret(&self.oauth_access_token),
            "OAuthClientId" => self.oauth_client_id.clone(),
            "OAuthClientSecret" => secret(&self.oauth_client_secret),
            _ => None,
        }
    }

    /// A profile setting's raw value: a top-level key first, then ProfileSettings. Secrets are
    /// returned as they are; send them, never show them.
    pub fn profile_value(&self, key: &str) -> Option<&str> {
        self.extra
            .get(key)
            .filter(|v| !v.trim().is_empty())
            .or_else(|| self.profile_settings.get(key).map(|v| v.expose()))
    }

    /// One `(property, value)` row per known property, in `KNOWN_PROPERTIES` order, for
    /// `sys_connection_props`: secrets shown as `********`, unset values as empty text.
    pub fn masked_properties(&self) -> Vec<(String, String)> {
        fn opt<T: fmt::Display>(v: &Option<T>) -> String {
            v.as_ref().map(|x| x.to_string()).unwrap_or_default()
        }
        fn path(v: &Option<PathBuf>) -> String {
            v.as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        }
        KNOWN_PROPERTIES
            .iter()
            .map(|p| {
                let value = match p.name {
                    "Profile" => opt(&self.profile),
                    "ProfileSettings" => self.profile_settings.masked_string(),
                    "AuthScheme" => opt(&self.auth_scheme),
                    "User" => opt(&self.user),
                    "Password" => opt(&self.password),
                    "APIToken" => opt(&self.api_token),
                    "CompanyDomain" => opt(&self.company_domain),
                    "APIKey" => opt(&self.api_key),
                    "AccountName" => opt(&self.account_name),
                    "InitiateOAuth" => self.initiate_oauth.to_string(),
                    "OAuthClientId" => opt(&self.oauth_client_id),
                    "OAuthClientSecret" => opt(&self.oauth_client_secret),
                    "CallbackURL" => opt(&self.callback_url),
                    "Scope" => opt(&self.scope),
                    "OAuthAccessToken" => opt(&self.oauth_access_token),
                    "OAuthRefreshToken" => opt(&self.oauth_refresh_token),
                    "OAuthVerifier" => opt(&self.oauth_verifier),
                    "PKCEVerifier" => opt(&self.pkce_verifier),
                    "OAuthSettingsLocation" => opt(&self.oauth_settings_location),
                    "OAuthSettingsPassphrase" => opt(&self.oauth_settings_passphrase),
                    "OAuthBrowserTimeout" => self.oauth_browser_timeout.to_string(),
                    "OAuthAuthorizationURL" => opt(&self.oauth_authorization_url),
                    "OAuthAccessTokenURL" => opt(&self.oauth_access_token_url),
                    "OAuthRefreshTokenURL" => opt(&self.oauth_refresh_token_url),
                    "BaseURL" => opt(&self.base_url),
                    "Timeout" => self.timeout.to_string(),
                    "Pagesize" => opt(&self.pagesize),
                    "MaxRows" => self.max_rows.to_string(),
                    "MaxResponseSize" => self.max_response_size.to_string(),
                    "Logfile" => path(&self.logfile),
                    "Verbosity" => self.verbosity.to_string(),
                    "SSLServerCert" => path(&self.ssl_server_cert),
                    "DSN" => opt(&self.dsn),
                    "Driver" => opt(&self.driver),
                    _ => String::new(),
                };
                // `Secret`'s Display is already the mask; this guards a future field typed wrongly.
                let value = if p.is_secret && !value.is_empty() {
                    Secret::MASK.to_string()
                } else {
                    value
                };
                (p.name.to_string(), value)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::grammar::parse;

    fn settings(s: &str) -> (Settings, Vec<Warning>) {
        Settings::from_attributes(&parse(s).unwrap()).unwrap()
    }

    fn error(s: &str) -> Error {
        Settings::from_attributes(&parse(s).unwrap()).unwrap_err()
    }

    #[test]
    fn seed_leaddesk_string() {
        let (s, w) = settings("Profile=C:\\profiles\\LeadDesk.apip;Authscheme=OAuth;InitiateOAuth=GetAndRefresh;OAuthClientId=my_app_id;OAuthClientSecret=my_app_secret;User=my_login_username;Password=my_login_password;");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(s.profile.as_deref(), Some("C:\\profiles\\LeadDesk.apip"));
        assert_eq!(s.auth_scheme, Some(AuthScheme::OAuth));
        assert_eq!(s.initiate_oauth, InitiateOAuth::GetAndRefresh);
        assert_eq!(s.oauth_client_id.as_deref(), Some("my_app_id"));
        assert_eq!(
            s.oauth_client_secret.as_ref().map(|x| x.expose()),
            Some("my_app_secret")
        );
        assert_eq!(s.user.as_deref(), Some("my_login_username"));
        assert_eq!(
            s.password.as_ref().map(|x| x.expose()),
            Some("my_login_password")
        );
        assert_eq!(s.timeout, 60);
        assert_eq!(s.max_rows, 0);
        assert_eq!(s.verbosity, 1);
    }

    #[test]
    fn defaults_when_empty() {
        let (s, w) = settings("Timeout=;InitiateOAuth=;AuthScheme=");
        assert!(w.is_empty());
        assert_eq!(s.timeout, 60);
        assert_eq!(s.initiate_oauth, InitiateOAuth::Off);
        assert_eq!(s.auth_scheme, None);
    }

    #[test]
    fn auth_scheme_spellings() {
        for (text, want) in [
            ("oauth", AuthScheme::OAuth),
            ("OAUTH_CLIENT", AuthScheme::OAuthClient),
            ("OAuthClient", AuthScheme::OAuthClient),
            ("oauth_password", AuthScheme::OAuthPassword),
            ("ApiKey", AuthScheme::ApiKey),
            ("Basic", AuthScheme::Basic),
            ("none", AuthScheme::None),
            ("NTLM", AuthScheme::Ntlm),
            ("token", AuthScheme::Token),
        ] {
            assert_eq!(AuthScheme::parse(text), Some(want), "{text}");
            assert_eq!(AuthScheme::parse(want.as_str()), Some(want));
        }
    }

    #[test]
    fn uid_pwd_are_aliases_and_first_wins() {
        let (s, w) = settings("UID=u1;PWD=p1");
        assert_eq!(s.user.as_deref(), Some("u1"));
        assert_eq!(s.password.as_ref().map(|x| x.expose()), Some("p1"));
        assert!(w.is_empty());
        let (s, w) = settings("User=u1;UID=u2");
        assert_eq!(s.user.as_deref(), Some("u1"));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].state, state::GENERAL_WARNING);
        assert!(
            w[0].message.contains("'UID' was ignored because 'User'"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn bad_values_name_property_and_allowed_values() {
        let cases: &[(&str, &str)] = &[
            ("InitiateOAuth=SOMETIMES", "[apiodbc] InitiateOAuth has the value 'SOMETIMES'; allowed values are OFF, GETANDREFRESH, REFRESH"),
            ("AuthScheme=kerberos", "[apiodbc] AuthScheme has the value 'kerberos'; allowed values are NONE, BASIC, NTLM, OAUTH, OAUTH_CLIENT, OAUTH_PASSWORD, APIKEY, TOKEN"),
            ("Timeout=soon", "[apiodbc] Timeout has the value 'soon'; allowed values are whole numbers of seconds from 0 (no timeout) to 4294967295"),
            ("Timeout=-1", "[apiodbc] Timeout has the value '-1'; allowed values are whole numbers of seconds from 0 (no timeout) to 4294967295"),
            ("Pagesize=0", "[apiodbc] Pagesize has the value '0'; allowed values are whole numbers from 1 to 10000"),
            ("Pagesize=10001", "[apiodbc] Pagesize has the value '10001'; allowed values are whole numbers from 1 to 10000"),
            ("MaxRows=lots", "[apiodbc] MaxRows has the value 'lots'; allowed values are whole numbers from 0 (no cap) to 18446744073709551615"),
            ("Verbosity=6", "[apiodbc] Verbosity has the value '6'; allowed values are 1 (errors), 2 (warnings), 3 (info), 4 (debug), 5 (trace)"),
            ("Verbosity=0", "[apiodbc] Verbosity has the value '0'; allowed values are 1 (errors), 2 (warnings), 3 (info), 4 (debug), 5 (trace)"),
            ("OAuthBrowserTimeout=0", "[apiodbc] OAuthBrowserTimeout has the value '0'; allowed values are 1 to 86400 (default 120)"),
            ("OAuthBrowserTimeout=2m", "[apiodbc] OAuthBrowserTimeout has the value '2m'; allowed values are 1 to 86400 (default 120)"),
            ("OAuthSettingsLocation=memory://", "[apiodbc] OAuthSettingsLocation has the value 'memory://'; allowed values are a file path or memory://name with a non-empty name"),
        ];
        for (input, want) in cases {
            let e = error(input);
            assert_eq!(e.state, state::UNABLE_TO_CONNECT, "{input}");
            assert_eq!(&e.message, want, "{input}");
        }
    }

    #[test]
    fn max_response_size_takes_bytes_and_units() {
        assert_eq!(settings("").0.max_response_size, 256 << 20);
        for (text, bytes) in [
            ("1048576", 1 << 20),
            ("512K", 512 << 10),
            ("16mb", 16 << 20),
            ("1 GiB", 1 << 30),
            ("4G", 4 << 30),
        ] {
            let (s, _) = settings(&format!("MaxResponseSize={text}"));
            assert_eq!(s.max_response_size, bytes, "{text}");
        }
        for bad in ["0", "1023", "5G", "lots", "-1M", "1T", "1.5M"] {
            let e = error(&format!("MaxResponseSize={bad}"));
            assert!(
                e.message
                    .starts_with(&format!("[apiodbc] MaxResponseSize has the value '{bad}'")),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn bounds_are_accepted() {
        let (s, _) = settings(
            "Timeout=0;Pagesize=10000;MaxRows=18446744073709551615;Verbosity=5;Logfile=/tmp/x.log",
        );
        assert_eq!(
            (s.timeout, s.pagesize, s.max_rows, s.verbosity),
            (0, Some(10000), u64::MAX, 5)
        );
        let (s, _) = settings("Pagesize=1;OAuthBrowserTimeout=86400");
        assert_eq!((s.pagesize, s.oauth_browser_timeout), (Some(1), 86400));
    }

    #[test]
    fn urls_are_checked() {
        for good in [
            "https://api.pipedrive.com/v1",
            "http://127.0.0.1:8080/oauth/token",
            "HTTPS://Example.com",
            "http://[::1]:9000/x?y=1",
            "https://acme.talkdeskid.com/oauth/authorize#frag",
        ] {
            assert_eq!(check_http_url(good), Ok(()), "{good}");
        }
        for bad in [
            "ftp://x",
            "api.example.com",
            "https://",
            "https:///path",
            "https://host:0/",
            "https://host:99999/",
            "https://host:abc/",
            "https://a b.com/",
            "https://user:pw@host/",
            "https://[::1/",
            "https://h\u{e9}llo.com/",
        ] {
            assert!(check_http_url(bad).is_err(), "{bad}");
        }
        let e = error("BaseURL=api.example.com");
        assert_eq!(e.state, state::UNABLE_TO_CONNECT);
        assert!(
            e.message
                .starts_with("[apiodbc] BaseURL has the value 'api.example.com'"),
            "{}",
            e.message
        );
        assert!(e.message.contains("http:// or https://"), "{}", e.message);
        for p in [
            "OAuthAuthorizationURL",
            "OAuthAccessTokenURL",
            "OAuthRefreshTokenURL",
            "CallbackURL",
        ] {
            let e = error(&format!("{p}=nope"));
            assert!(
                e.message
                    .starts_with(&format!("[apiodbc] {p} has the value 'nope'")),
                "{}",
                e.message
            );
        }
        let (s, _) = settings("CallbackUrl=http://localhost:33333;BaseURL=http://127.0.0.1:1/api");
        assert_eq!(s.callback_url.as_deref(), Some("http://localhost:33333"));
        assert_eq!(s.base_url.as_deref(), Some("http://127.0.0.1:1/api"));
    }

    #[test]
    fn ssl_server_cert_must_be_readable() {
        let e = error("SSLServerCert=/nonexistent/ca.pem");
        assert_eq!(e.state, state::UNABLE_TO_CONNECT);
        assert!(
            e.message
                .starts_with("[apiodbc] SSLServerCert is '/nonexistent/ca.pem'"),
            "{}",
            e.message
        );
        assert!(e.message.contains("readable PEM"), "{}", e.message);
        let e = error("SSLServerCert=/tmp");
        assert!(e.message.contains("not a file"), "{}", e.message);
        let path = std::env::temp_dir().join(format!("apiodbc-ca-{}.pem", std::process::id()));
        std::fs::write(&path, "-----BEGIN CERTIFICATE-----\n").unwrap();
        let (s, _) = settings(&format!("SSLServerCert={}", path.display()));
        assert_eq!(s.ssl_server_cert.as_deref(), Some(path.as_path()));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn settings_location_forms() {
        let (s, _) = settings("OAuthSettingsLocation=memory://shared");
        assert_eq!(
            s.oauth_settings_location,
            Some(SettingsLocation::Memory("shared".into()))
        );
        let (s, _) = settings("OAuthSettingsLocation=MEMORY://X");
        assert_eq!(
            s.oauth_settings_location,
            Some(SettingsLocation::Memory("X".into()))
        );
        let (s, _) = settings("OAuthSettingsLocation=/home/u/.config/apiodbc/tokens.bin");
        assert_eq!(
            s.oauth_settings_location,
            Some(SettingsLocation::File(
                "/home/u/.config/apiodbc/tokens.bin".into()
            ))
        );
    }

    #[test]
    fn unknown_keys_are_kept_for_the_profile_and_warned_about_once() {
        let (s, w) = settings("Profile=pipedrive;Foo=bar;CompanyDomain=acme;SiteId=7");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(s.extra.get("foo"), Some("bar"));
        assert_eq!(s.extra.get("SiteId"), Some("7"));
        assert_eq!(s.company_domain.as_deref(), Some("acme"));
        assert_eq!(s.profile_value("siteid"), Some("7"));
        assert_eq!(s.unknown_keys().collect::<Vec<_>>(), ["Foo", "SiteId"]);

        let one = unknown_properties_warning(&["Foo"]).expect("a warning");
        assert_eq!(one.state, state::INVALID_CONNECTION_STRING_ATTRIBUTE);
        assert_eq!(
            one.message,
            "[apiodbc] Unknown connection property 'Foo' was ignored; see docs/connection-properties.md for the list"
        );
        assert_eq!(one.property.as_deref(), Some("Foo"));
        assert_eq!(unknown_properties_warning(&[]), None);

        let many: Vec<String> = (0..20_000).map(|i| format!("K{i}")).collect();
        let keys: Vec<&str> = many.iter().map(String::as_str).collect();
        let w = unknown_properties_warning(&keys).expect("a warning");
        assert_eq!(
            w.message,
            "[apiodbc] 20000 unknown connection properties were ignored: 'K0', 'K1', 'K2', 'K3', 'K4' and 19995 more; see docs/connection-properties.md for the list"
        );
    }

    #[test]
    fn a_quoted_value_holding_a_semicolon_warns_naming_its_key() {
        let (s, w) = settings("Password='x;DRIVER=/tmp/evil.so;Y=';User=\"a;b\";Scope='read'");
        assert_eq!(
            s.password.as_ref().map(|p| p.expose()),
            Some("x;DRIVER=/tmp/evil.so;Y=")
        );
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(w[0].state, state::INVALID_CONNECTION_STRING_ATTRIBUTE);
        assert!(w[0].message.contains("'Password'"), "{}", w[0].message);
        assert!(w[0].message.contains("Password={…}"), "{}", w[0].message);
        assert!(!w[0].message.contains("evil"), "{}", w[0].message);
        assert!(w[1].message.contains("'User'"), "{}", w[1].message);
        // Braces are what every driver manager honours; the seeds' ProfileSettings='…' stays quiet.
        let (_, w) = settings("Password={x;y};ProfileSettings='APIKey=k;Region=eu'");
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn profile_settings_nested_and_lifted() {
        let (s, w) = settings(
            "Profile=helpscout-docs;ProfileSettings='APIKey=my_api_key;CompanyDomain=acme;Region=eu;ClientToken={t;1}'",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(s.profile_settings.len(), 4);
        assert_eq!(
            s.profile_settings.get("apikey").map(|v| v.expose()),
            Some("my_api_key")
        );
        assert!(s.profile_settings.get("APIKEY").unwrap().is_secret());
        assert!(!s.profile_settings.get("region").unwrap().is_secret());
        assert!(s.profile_settings.get("ClientToken").unwrap().is_secret());
        // Known properties inside ProfileSettings fill the typed fields.
        assert_eq!(s.api_key.as_ref().map(|k| k.expose()), Some("my_api_key"));
        assert_eq!(s.company_domain.as_deref(), Some("acme"));
        assert_eq!(s.profile_value("Region"), Some("eu"));
        assert_eq!(s.profile_value("clienttoken"), Some("t;1"));
        assert_eq!(
            s.profile_settings.masked_string(),
            "APIKey=********;CompanyDomain=acme;Region=eu;ClientToken=********"
        );
    }

    #[test]
    fn top_level_wins_over_profile_settings() {
        let (s, _) = settings("APIKey=top;ProfileSettings='APIKey=nested;Region=eu';Region=us");
        assert_eq!(s.api_key.as_ref().map(|k| k.expose()), Some("top"));
        assert_eq!(s.profile_value("region"), Some("us"));
    }

    #[test]
    fn bad_value_inside_profile_settings_fails() {
        let e = error("ProfileSettings='Timeout=x'");
        assert!(
            e.message.starts_with("[apiodbc] Timeout has the value 'x'"),
            "{}",
            e.message
        );
        let e = error("ProfileSettings='APIKey={k'");
        assert!(
            e.message
                .starts_with("[apiodbc] ProfileSettings is malformed"),
            "{}",
            e.message
        );
    }

    #[test]
    fn duplicate_and_verbosity_warnings() {
        let (s, w) = settings("Timeout=5;timeout=9;Verbosity=3");
        assert_eq!(s.timeout, 5);
        assert_eq!(w.len(), 2);
        assert!(
            w[0].message.contains("'timeout' was given more than once"),
            "{}",
            w[0].message
        );
        assert!(
            w[1].message.contains("Verbosity is set but Logfile is not"),
            "{}",
            w[1].message
        );
    }

    #[test]
    fn secrets_masked_in_properties_and_debug() {
        let secrets = [
            ("Password", "pw-111"),
            ("APIToken", "tok-222"),
            ("APIKey", "key-333"),
            ("OAuthClientSecret", "cs-444"),
            ("OAuthAccessToken", "at-555"),
            ("OAuthRefreshToken", "rt-666"),
            ("OAuthVerifier", "ver-777"),
            ("PKCEVerifier", "pkce-888"),
            ("OAuthSettingsPassphrase", "pp-999"),
        ];
        let mut cs: String = secrets.iter().map(|(k, v)| format!("{k}={v};")).collect();
        cs.push_str("User=bob;ProfileSettings='SecretSauce=ss-999;Region=eu';MyApiKey=xk-000");
        let (s, _) = settings(&cs);
        let rows = s.masked_properties();
        assert_eq!(rows.len(), KNOWN_PROPERTIES.len());
        let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
        let known: Vec<&str> = KNOWN_PROPERTIES.iter().map(|p| p.name).collect();
        assert_eq!(names, known);
        let get = |n: &str| {
            rows.iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.as_str())
                .unwrap()
        };
        for (k, _) in secrets {
            assert_eq!(get(k), "********", "{k}");
        }
        assert_eq!(get("User"), "bob");
        assert_eq!(get("ProfileSettings"), "SecretSauce=********;Region=eu");
        assert_eq!(get("Timeout"), "60");
        assert_eq!(get("InitiateOAuth"), "OFF");
        assert_eq!(get("OAuthBrowserTimeout"), "120");
        assert_eq!(get("Pagesize"), "");
        assert_eq!(get("BaseURL"), "");
        let debug = format!("{s:?}");
        let all_rows = format!("{rows:?}");
        for (_, v) in secrets.iter().chain(&[("", "ss-999"), ("", "xk-000")]) {
            assert!(!debug.contains(v), "{v} leaked into Debug: {debug}");
            assert!(!all_rows.contains(v), "{v} leaked into rows");
        }
        assert!(debug.contains("bob"));
        // Unset secrets show as empty, not as a mask.
        let (empty, _) = settings("");
        assert!(empty
            .masked_properties()
            .iter()
            .filter(|(n, _)| n == "Password")
            .all(|(_, v)| v.is_empty()));
    }

    #[test]
    fn known_properties_are_consistent() {
        for p in KNOWN_PROPERTIES {
            assert!(
                !p.description.is_empty() && !p.allowed.is_empty(),
                "{}",
                p.name
            );
            assert_eq!(
                find_property(&p.name.to_lowercase()).map(|q| q.name),
                Some(p.name)
            );
            assert_eq!(p.is_secret, is_secret_name(p.name), "{}", p.name);
        }
        assert_eq!(find_property("uid").map(|p| p.name), Some("User"));
        assert_eq!(find_property("pwd").map(|p| p.name), Some("Password"));
    }
}
