//! The typed values of connection properties that are more than text or a number: the auth
//! scheme, InitiateOAuth, the token store's location, URLs and sizes. Parsing only; which
//! property takes which is `properties`'s table.

use std::fmt;
use std::path::PathBuf;

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

/// Who shares an account's rate-limit budget (RateLimitSharing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RateLimitSharing {
    /// Every process of the user on this machine, through a state file.
    #[default]
    Machine,
    /// The connections of this process only.
    Process,
}

impl RateLimitSharing {
    pub fn parse(s: &str) -> Option<RateLimitSharing> {
        Some(match normalise(s).as_str() {
            "MACHINE" => RateLimitSharing::Machine,
            "PROCESS" => RateLimitSharing::Process,
            _ => return None,
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            RateLimitSharing::Machine => "MACHINE",
            RateLimitSharing::Process => "PROCESS",
        }
    }
}

impl fmt::Display for RateLimitSharing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a write does after a row the API refuses (WriteErrors).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WriteErrors {
    /// Stop: the rows after it are not sent.
    #[default]
    Stop,
    /// Send the rows after it all the same; the error lists every row that failed.
    Continue,
}

impl WriteErrors {
    pub fn parse(s: &str) -> Option<WriteErrors> {
        Some(match normalise(s).as_str() {
            "STOP" => WriteErrors::Stop,
            "CONTINUE" => WriteErrors::Continue,
            _ => return None,
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            WriteErrors::Stop => "STOP",
            WriteErrors::Continue => "CONTINUE",
        }
    }
}

impl fmt::Display for WriteErrors {
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

/// `1048576`, `512K`, `256M`, `1G` (also `MB`, `MiB`, any case): bytes, from 1 KiB to 4 GiB.
pub fn parse_size(text: &str) -> Option<u64> {
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
