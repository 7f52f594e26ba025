//! The OAuth flows through ODBC against the sandbox's OAuth servers: client credentials (Talkdesk,
//! Help Scout), the password grant (LeadDesk), the web flow through the stored procedures,
//! headless option 1 (OAuthVerifier at connect), refresh past expiry, and Keap's rotating refresh
//! tokens shared by two connections through one settings file.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use apiodbc_sandbox::SandboxConfig;
use serde_json::Value;

use crate::harness::{connect_str, query_text};
use crate::sandbox::{http, Sandbox, RECORDS, SEED};

/// A sandbox of its own (its OAuth counters are per test): auto-approve, 2 s access tokens.
fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        records: RECORDS,
        seed: SEED,
        auto_approve: true,
        token_lifetime: 2,
        ..SandboxConfig::default()
    })
}

fn oauth_string(sb: &Sandbox, service: &str, key: &str) -> String {
    let cs = sb.manifest["services"][service]["connection_strings"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} string for {service}"));
    format!("DRIVER={{apiodbc}};{cs}")
}

fn oauth_stats(sb: &Sandbox) -> Value {
    http(&sb.base, "GET", "/_sandbox/stats").json()["oauth"].clone()
}

fn issued(stats: &Value, grant: &str) -> u64 {
    stats["issued"][grant].as_u64().unwrap_or(0)
}

/// A table of the service that needs no parent row.
fn top_table(sb: &Sandbox, service: &str) -> String {
    sb.tables(service)
        .into_iter()
        .map(|(name, _)| name)
        .find(|name| sb.parent(service, name).is_none())
        .unwrap_or_else(|| panic!("no top-level table for {service}"))
}

fn count(conn: &odbc_api::Connection<'_>, table: &str) -> String {
    let rows = query_text(conn, &format!("SELECT COUNT(*) FROM {table}"));
    rows[0][0].clone().unwrap_or_default()
}

fn settings_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apiodbc-it-oauth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(format!("{name}.txt"));
    let _ = std::fs::remove_file(&path);
    path
}

/// GETs the authorization URL without following the redirect; the `code` of its Location.
fn authorize(sb: &Sandbox, url: &str) -> String {
    let path = url
        .strip_prefix(&sb.base)
        .unwrap_or_else(|| panic!("{url} is not on the sandbox"));
    let addr = sb.base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap_or_else(|e| panic!("{e}"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap_or_else(|e| panic!("{e}"));
    let location = raw
        .lines()
        .find_map(|l| {
            l.strip_prefix("Location: ")
                .or_else(|| l.strip_prefix("location: "))
        })
        .unwrap_or_else(|| panic!("no redirect: {}", raw.lines().next().unwrap_or("")));
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or("");
    crate::sandbox::query_params(query)
        .remove("code")
        .and_then(|mut v| v.pop())
        .unwrap_or_else(|| panic!("no code in the redirect"))
}

/// The web flow on a connection with InitiateOAuth=OFF: URL, authorize, exchange. Returns the
/// access token GetOAuthAccessToken gave.
fn web_flow(sb: &Sandbox, service: &str, file: &Path) -> String {
    let cs = oauth_string(sb, service, "OAUTH")
        .replace("InitiateOAuth=GETANDREFRESH", "InitiateOAuth=OFF");
    let conn = connect_str(&format!("{cs};OAuthSettingsLocation={}", file.display()))
        .unwrap_or_else(|e| panic!("connecting: {e}"));
    let row = query_text(&conn, "EXEC GetOAuthAuthorizationURL").remove(0);
    let url = row[0].clone().unwrap_or_default();
    assert!(
        url.contains("code_challenge_method=S256") && url.contains("state="),
        "{url}"
    );
    let code = authorize(sb, &url);
    let tokens = query_text(
        &conn,
        &format!("EXEC GetOAuthAccessToken AuthMode='WEB', Verifier='{code}'"),
    )
    .remove(0);
    assert_eq!(tokens[2].as_deref(), Some("2"), "ExpiresIn");
    tokens[0].clone().unwrap_or_default()
}

#[test]
fn client_credentials_talkdesk_and_helpscout() {
    let sb = sandbox();
    for service in ["talkdesk", "helpscout"] {
        let cs = oauth_string(&sb, service, "OAUTH_CLIENT");
        let conn = connect_str(&format!(
            "{cs};OAuthSettingsLocation=memory://it-cc-{service}"
        ))
        .unwrap_or_else(|e| panic!("{service}: {e}"));
        let table = top_table(&sb, service);
        assert!(!count(&conn, &table).is_empty());
    }
    assert!(issued(&oauth_stats(&sb), "client_credentials") >= 2);
}

#[test]
fn password_grant_leaddesk() {
    let sb = sandbox();
    let cs = oauth_string(&sb, "leaddesk", "OAUTH_PASSWORD");
    let conn = connect_str(&format!(
        "{cs};OAuthSettingsLocation=memory://it-pw-leaddesk"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!count(&conn, "agents").is_empty());
    assert_eq!(issued(&oauth_stats(&sb), "password"), 1);
}

#[test]
fn web_flow_then_refresh_past_expiry() {
    let sb = sandbox();
    let file = settings_file("web-helpscout");
    let token = web_flow(&sb, "helpscout", &file);
    let cs = oauth_string(&sb, "helpscout", "OAUTH")
        .replace("InitiateOAuth=GETANDREFRESH", "InitiateOAuth=REFRESH");
    let conn = connect_str(&format!("{cs};OAuthSettingsLocation={}", file.display()))
        .unwrap_or_else(|e| panic!("{e}"));
    let table = top_table(&sb, "helpscout");
    count(&conn, &table);
    std::thread::sleep(Duration::from_millis(3200));
    count(&conn, &table);
    let stats = oauth_stats(&sb);
    assert!(issued(&stats, "refresh_token") >= 1, "{stats}");
    assert_eq!(stats["invalid_grant"].as_u64(), Some(0), "{stats}");
    // The settings file: 0600, no token in plain text.
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{e}"));
    assert!(!String::from_utf8_lossy(&bytes).contains(&token));
}

#[test]
fn headless_option_1_verifier_at_connect() {
    let sb = sandbox();
    let file = settings_file("headless-pipedrive");
    let off = oauth_string(&sb, "pipedrive", "OAUTH")
        .replace("InitiateOAuth=GETANDREFRESH", "InitiateOAuth=OFF");
    let loc = format!("OAuthSettingsLocation={}", file.display());
    let conn = connect_str(&format!("{off};{loc}")).unwrap_or_else(|e| panic!("{e}"));
    let url = query_text(&conn, "EXEC GetOAuthAuthorizationURL").remove(0)[0]
        .clone()
        .unwrap_or_default();
    let code = authorize(&sb, &url);
    let refresh = off.replace("InitiateOAuth=OFF", "InitiateOAuth=REFRESH");
    let conn = connect_str(&format!("{refresh};{loc};OAuthVerifier={code}"))
        .unwrap_or_else(|e| panic!("{e}"));
    count(&conn, &top_table(&sb, "pipedrive"));
    assert_eq!(issued(&oauth_stats(&sb), "authorization_code"), 1);
}

#[test]
fn keap_rotation_across_two_connections() {
    let sb = sandbox();
    let file = settings_file("rotate-keap");
    web_flow(&sb, "keap", &file);
    let cs = oauth_string(&sb, "keap", "OAUTH")
        .replace("InitiateOAuth=GETANDREFRESH", "InitiateOAuth=REFRESH");
    let cs = format!("{cs};OAuthSettingsLocation={}", file.display());
    let a = connect_str(&cs).unwrap_or_else(|e| panic!("{e}"));
    let b = connect_str(&cs).unwrap_or_else(|e| panic!("{e}"));
    let table = top_table(&sb, "keap");
    for _ in 0..2 {
        std::thread::sleep(Duration::from_millis(2200));
        count(&a, &table);
        count(&b, &table);
    }
    let stats = oauth_stats(&sb);
    assert!(issued(&stats, "refresh_token") >= 2, "{stats}");
    assert_eq!(stats["refresh_reuse_detected"].as_u64(), Some(0), "{stats}");
    assert_eq!(stats["invalid_grant"].as_u64(), Some(0), "{stats}");
}

fn run_err(conn: &odbc_api::Connection<'_>, sql: &str) -> odbc_api::Error {
    match conn.execute(sql, (), None) {
        Ok(_) => panic!("{sql} succeeded"),
        Err(e) => e,
    }
}

#[test]
fn refresh_procedure_listing_and_invalid_grant() {
    let sb = sandbox();
    let file = settings_file("refresh-helpscout");
    web_flow(&sb, "helpscout", &file);
    let cs = oauth_string(&sb, "helpscout", "OAUTH")
        .replace("InitiateOAuth=GETANDREFRESH", "InitiateOAuth=OFF");
    let conn = connect_str(&format!("{cs};OAuthSettingsLocation={}", file.display()))
        .unwrap_or_else(|e| panic!("{e}"));
    let names = query_text(&conn, "SELECT * FROM sys.sys_procedures");
    let listed = format!("{names:?}");
    for p in [
        "GetOAuthAuthorizationURL",
        "GetOAuthAccessToken",
        "RefreshOAuthAccessToken",
    ] {
        assert!(listed.contains(p), "{p} not in {listed}");
    }
    // Tokens given in the string are stored first, then refreshed as needed (REFRESH).
    let url = query_text(&conn, "EXEC GetOAuthAuthorizationURL").remove(0)[0]
        .clone()
        .unwrap_or_default();
    let code = authorize(&sb, &url);
    let row = query_text(
        &conn,
        &format!("{{call GetOAuthAccessToken('WEB', '{code}')}}"),
    )
    .remove(0);
    let refresh = row[1].clone().unwrap_or_else(|| panic!("no refresh token"));
    let row = query_text(
        &conn,
        &format!("EXEC RefreshOAuthAccessToken OAuthRefreshToken='{refresh}'"),
    )
    .remove(0);
    assert!(row[0].as_deref().is_some_and(|t| !t.is_empty()));
    let e = run_err(
        &conn,
        "EXEC RefreshOAuthAccessToken OAuthRefreshToken='not-a-token-4711'",
    );
    assert_eq!(crate::harness::sqlstate(&e), "28000");
    let m = crate::harness::message(&e);
    assert!(m.contains("authorize again"), "{m}");
    assert!(!m.contains("not-a-token-4711"), "{m}");
    let e = run_err(&conn, "EXEC GetOAuthAccessToken AuthMode='APP'");
    assert_eq!(crate::harness::sqlstate(&e), "28000");
}

#[test]
fn getandrefresh_without_token_explains_the_headless_steps() {
    let sb = sandbox();
    let cs = oauth_string(&sb, "keap", "OAUTH");
    let e = match connect_str(&format!("{cs};OAuthSettingsLocation=memory://it-none-keap")) {
        Ok(_) => panic!("connected without a token"),
        Err(e) => e,
    };
    assert_eq!(crate::harness::sqlstate(&e), "28000");
    assert!(crate::harness::message(&e).contains("OAuthVerifier"));
}
