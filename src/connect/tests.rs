//! The connection-string reading as users meet it: the seed manuals' strings, every property's
//! bounds and messages, precedence (first key, top level over ProfileSettings), warnings, masking.

use super::grammar::{is_secret_name, parse};
use super::settings::*;
use super::values::check_http_url;
use crate::error::{state, ConnectError, Error, ErrorKind};

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
        ("Verbosity=6", "[apiodbc] Verbosity has the value '6'; allowed values are 1 (errors), 2 (warnings and a line per statement), 3 (info), 4 (debug), 5 (trace)"),
        ("Verbosity=0", "[apiodbc] Verbosity has the value '0'; allowed values are 1 (errors), 2 (warnings and a line per statement), 3 (info), 4 (debug), 5 (trace)"),
        ("OAuthBrowserTimeout=0", "[apiodbc] OAuthBrowserTimeout has the value '0'; allowed values are 1 to 86400 (default 120)"),
        ("OAuthBrowserTimeout=2m", "[apiodbc] OAuthBrowserTimeout has the value '2m'; allowed values are 1 to 86400 (default 120)"),
        ("OAuthSettingsLocation=memory://", "[apiodbc] OAuthSettingsLocation has the value 'memory://'; allowed values are a file path or memory://name with a non-empty name"),
    ];
    for (input, want) in cases {
        let e = error(input);
        assert_eq!(e.state, state::UNABLE_TO_CONNECT, "{input}");
        assert_eq!(
            e.kind,
            ErrorKind::Connect(ConnectError::InvalidValue),
            "{input}"
        );
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
        assert_eq!(
            e.kind,
            ErrorKind::Connect(ConnectError::InvalidValue),
            "{bad}"
        );
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
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::InvalidValue));
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
        assert_eq!(
            e.kind,
            ErrorKind::Connect(ConnectError::InvalidValue),
            "{p}"
        );
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
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::File));
    assert!(
        e.message
            .starts_with("[apiodbc] SSLServerCert is '/nonexistent/ca.pem'"),
        "{}",
        e.message
    );
    assert!(e.message.contains("readable PEM"), "{}", e.message);
    let e = error("SSLServerCert=/tmp");
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::File));
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
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::InvalidValue));
    assert!(
        e.message.starts_with("[apiodbc] Timeout has the value 'x'"),
        "{}",
        e.message
    );
    let e = error("ProfileSettings='APIKey={k'");
    assert_eq!(e.kind, ErrorKind::Connect(ConnectError::InvalidSyntax));
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
    assert_eq!(rows.len(), PROPERTIES.len());
    let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    let known: Vec<&str> = PROPERTIES.iter().map(|p| p.name).collect();
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
    for p in PROPERTIES {
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

/// docs/connection-properties.md has one row per property (with its aliases, and marked secret
/// exactly when it is), and no row for a property the driver does not know.
#[test]
fn the_documentation_lists_every_property_as_declared() {
    let doc = include_str!("../../docs/connection-properties.md");
    let rows: Vec<&str> = doc.lines().filter(|l| l.starts_with("| `")).collect();
    for p in PROPERTIES {
        if matches!(p.property, Property::Dsn | Property::Driver) {
            // Read by the driver manager first; documented in the text, not the tables.
            assert!(
                doc.contains(&format!("`{}", p.name)),
                "{} is not documented",
                p.name
            );
            continue;
        }
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| `{}`", p.name)))
            .unwrap_or_else(|| panic!("docs/connection-properties.md has no row for {}", p.name));
        for alias in p.aliases {
            assert!(
                row.contains(&format!("alias `{alias}`")),
                "{}: alias {alias} not documented",
                p.name
            );
        }
        assert_eq!(
            row.contains("**secret.**"),
            p.is_secret,
            "{}: secret or not",
            p.name
        );
    }
    for row in rows {
        let name = row
            .trim_start_matches("| `")
            .split('`')
            .next()
            .unwrap_or_default();
        assert!(
            find_property(name).is_some(),
            "docs/connection-properties.md documents '{name}', which is no connection property"
        );
    }
}
