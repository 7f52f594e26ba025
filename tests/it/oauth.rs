//! The OAuth flows through ODBC against the sandbox's OAuth servers: client credentials (Talkdesk,
//! Help Scout), the password grant (LeadDesk), the web flow through the stored procedures,
//! headless option 1 (OAuthVerifier at connect), refresh past expiry, and Keap's rotating refresh
//! tokens shared by two connections through one settings file; and the desktop flow
//! (InitiateOAuth=GETANDREFRESH, GetOAuthAccessToken AuthMode=APP) with a scripted browser.
//!
//! The desktop cases never run in this process: `BROWSER`, `DISPLAY` and `WAYLAND_DISPLAY` are
//! process-wide and the driver (loaded by unixODBC) reads them when it opens the browser, so
//! changing them here would race with the other tests' threads, and leaving them as they are
//! could open a real browser on a developer's desktop. Each case re-runs this test binary as a
//! child (`desktop_child`, ignored in normal runs) with its own environment set through
//! `Command::env`: no `set_var`, nothing shared.

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
    let e = run_err(&conn, "EXEC GetOAuthAccessToken AuthMode='CONSOLE'");
    assert_eq!(crate::harness::sqlstate(&e), "42000");
}

// ---- The desktop flow, in child processes (see the module comment). ----

/// Names the case a child run performs; the child reads its inputs from the `APIODBC_IT_*`
/// variables below and prints `RESULT ...` lines.
const CHILD_CASE: &str = "APIODBC_IT_DESKTOP_CASE";
const CHILD_CS: &str = "APIODBC_IT_DESKTOP_CS";
const CHILD_SQL: &str = "APIODBC_IT_DESKTOP_SQL";

/// What the browser is in a child run.
enum Browser<'a> {
    /// `BROWSER` set to this command (a script); `DISPLAY` removed.
    Command(&'a Path),
    /// No `BROWSER`, no `DISPLAY`, no `WAYLAND_DISPLAY`.
    None,
}

/// Runs `desktop_child` in a child process: connect with `cs`, then run `sql` (if any). Returns
/// the child's `RESULT` lines.
fn run_child(case: &str, cs: &str, sql: &str, browser: Browser<'_>) -> Vec<String> {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = std::process::Command::new(exe);
    cmd.args([
        "--exact",
        "oauth::desktop_child",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD_CASE, case)
    .env(CHILD_CS, cs)
    .env(CHILD_SQL, sql)
    .env_remove("DISPLAY")
    .env_remove("WAYLAND_DISPLAY")
    // The child sets up its own private ODBC configuration.
    .env_remove("ODBCSYSINI")
    .env_remove("ODBCINI");
    match browser {
        Browser::Command(path) => cmd.env("BROWSER", path),
        Browser::None => cmd.env_remove("BROWSER"),
    };
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running the child: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "child {case} failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<String> = stdout
        .lines()
        // libtest prints `test oauth::desktop_child ... ` before the first line.
        .filter_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
        .map(str::to_string)
        .collect();
    assert!(!lines.is_empty(), "child {case} said nothing: {stdout}");
    lines
}

/// The child side: `ok` connects (and runs the SQL) and prints the row count and whether the
/// first cell is non-empty; `fail` expects the connection to fail and prints its diagnostic.
#[test]
#[ignore = "run by the desktop tests as a child process"]
fn desktop_child() {
    let (Ok(case), Ok(cs)) = (std::env::var(CHILD_CASE), std::env::var(CHILD_CS)) else {
        return;
    };
    let sql = std::env::var(CHILD_SQL).unwrap_or_default();
    match (case.as_str(), connect_str(&cs)) {
        ("ok", Ok(conn)) => {
            println!("RESULT connected");
            if !sql.is_empty() {
                let rows = query_text(&conn, &sql);
                let first = rows
                    .first()
                    .and_then(|r| r.first().cloned().flatten())
                    .unwrap_or_default();
                println!(
                    "RESULT rows={} first_nonempty={}",
                    rows.len(),
                    !first.is_empty()
                );
            }
        }
        ("ok", Err(e)) => panic!("connecting: {e}"),
        ("fail", Ok(_)) => panic!("connected"),
        ("fail", Err(e)) => {
            let m = crate::harness::message(&e).replace('\n', " ");
            println!("RESULT {} {m}", crate::harness::sqlstate(&e));
        }
        (other, _) => panic!("unknown case {other}"),
    }
}

/// Writes an executable `/bin/sh` script into the test's temp folder.
fn script(name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = settings_file(name).with_extension("sh");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))
        .unwrap_or_else(|e| panic!("{e}"));
    path
}

/// A browser that follows the authorize URL and its redirect to the loopback listener (the
/// sandbox auto-approves). curl is there on the test machines; python3 is the fallback.
fn scripted_browser(name: &str) -> PathBuf {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        script(name, "exec curl -s -o /dev/null -L --max-time 60 \"$1\"")
    } else {
        script(
            name,
            "exec python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=60).read()' \"$1\"",
        )
    }
}

/// A sandbox whose access tokens outlive the test, so reuse is not a refresh.
fn long_token_sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        records: RECORDS,
        seed: SEED,
        auto_approve: true,
        token_lifetime: 3600,
        ..SandboxConfig::default()
    })
}

#[test]
fn desktop_flow_with_a_scripted_browser_then_reuse() {
    let sb = long_token_sandbox();
    let file = settings_file("desktop-helpscout");
    let cs = format!(
        "{};OAuthSettingsLocation={}",
        oauth_string(&sb, "helpscout", "OAUTH"),
        file.display()
    );
    assert!(
        cs.contains("InitiateOAuth=GETANDREFRESH")
            && cs.contains("CallbackURL=http://127.0.0.1/callback")
    );
    let sql = format!("SELECT COUNT(*) FROM {}", top_table(&sb, "helpscout"));
    let browser = scripted_browser("browser-ok");
    let out = run_child("ok", &cs, &sql, Browser::Command(&browser));
    assert!(
        out.iter().any(|l| l == "rows=1 first_nonempty=true"),
        "{out:?}"
    );
    let stats = oauth_stats(&sb);
    assert_eq!(issued(&stats, "authorization_code"), 1, "{stats}");
    // The second connection uses the stored token: no browser (there is none), no new grant.
    let out = run_child("ok", &cs, &sql, Browser::None);
    assert!(
        out.iter().any(|l| l == "rows=1 first_nonempty=true"),
        "{out:?}"
    );
    let stats = oauth_stats(&sb);
    assert_eq!(issued(&stats, "authorization_code"), 1, "{stats}");
    assert_eq!(issued(&stats, "refresh_token"), 0, "{stats}");
}

#[test]
fn desktop_flow_ignores_callbacks_with_a_wrong_or_missing_state() {
    let sb = long_token_sandbox();
    let file = settings_file("desktop-state-pipedrive");
    let statuses = settings_file("desktop-state-statuses");
    let cs = format!(
        "{};OAuthSettingsLocation={}",
        oauth_string(&sb, "pipedrive", "OAUTH"),
        file.display()
    );
    // The browser takes the real redirect (code and state), then sends it to the listener with
    // a wrong state, without a state, and only then as it is; it records the three statuses.
    let browser = script(
        "browser-state",
        &format!(
            "loc=$(curl -s -o /dev/null -w '%{{redirect_url}}' --max-time 30 \"$1\")\n\
             bad=$(printf '%s' \"$loc\" | sed 's/state=[^&]*/state=WRONG/')\n\
             none=$(printf '%s' \"$loc\" | sed 's/state=[^&]*//')\n\
             a=$(curl -s -o /dev/null -w '%{{http_code}}' --max-time 10 \"$bad\")\n\
             b=$(curl -s -o /dev/null -w '%{{http_code}}' --max-time 10 \"$none\")\n\
             c=$(curl -s -o /dev/null -w '%{{http_code}}' --max-time 10 \"$loc\")\n\
             echo \"$a $b $c\" > '{}'",
            statuses.display()
        ),
    );
    let sql = format!("SELECT COUNT(*) FROM {}", top_table(&sb, "pipedrive"));
    let out = run_child("ok", &cs, &sql, Browser::Command(&browser));
    assert!(
        out.iter().any(|l| l == "rows=1 first_nonempty=true"),
        "{out:?}"
    );
    // The browser script may still be writing after the connection succeeded.
    let mut seen = String::new();
    for _ in 0..50 {
        seen = std::fs::read_to_string(&statuses).unwrap_or_default();
        if seen.trim().split(' ').count() == 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(seen.trim(), "400 400 200");
    // One exchange only: the callbacks with the wrong or missing state carried the same code.
    let stats = oauth_stats(&sb);
    assert_eq!(issued(&stats, "authorization_code"), 1, "{stats}");
    assert_eq!(stats["invalid_grant"].as_u64(), Some(0), "{stats}");
}

#[test]
fn getandrefresh_without_a_browser_explains_the_headless_steps() {
    let sb = sandbox();
    let cs = oauth_string(&sb, "keap", "OAUTH");
    let started = std::time::Instant::now();
    let out = run_child(
        "fail",
        &format!("{cs};OAuthSettingsLocation=memory://it-none-keap"),
        "",
        Browser::None,
    );
    let line = &out[0];
    assert!(line.starts_with("28000 "), "{line}");
    for needle in [
        "browser",
        "GetOAuthAuthorizationURL",
        "OAuthVerifier",
        "OAuthSettings",
    ] {
        assert!(line.contains(needle), "{needle} missing: {line}");
    }
    // At once, not after the listener's timeout.
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(issued(&oauth_stats(&sb), "authorization_code"), 0);
}

#[test]
fn get_oauth_access_token_app_mode_runs_the_desktop_flow() {
    let sb = long_token_sandbox();
    let file = settings_file("desktop-app-keap");
    let cs = format!(
        "{};OAuthSettingsLocation={}",
        oauth_string(&sb, "keap", "OAUTH")
            .replace("InitiateOAuth=GETANDREFRESH", "InitiateOAuth=OFF"),
        file.display()
    );
    let browser = scripted_browser("browser-app");
    // The registered fixed-port redirect, unless something else on the machine holds the port
    // (then the manifest's CallbackURL, a free loopback port).
    let fixed_free = std::net::TcpListener::bind("127.0.0.1:33333").is_ok();
    let sql = if fixed_free {
        "EXEC GetOAuthAccessToken AuthMode='APP', CallbackURL='http://localhost:33333/callback'"
    } else {
        "EXEC GetOAuthAccessToken AuthMode='APP'"
    };
    let out = run_child("ok", &cs, sql, Browser::Command(&browser));
    assert!(
        out.iter().any(|l| l == "rows=1 first_nonempty=true"),
        "{out:?}"
    );
    assert_eq!(issued(&oauth_stats(&sb), "authorization_code"), 1);
    // The tokens were stored: REFRESH connects and queries with them, no new grant.
    let refresh = cs.replace("InitiateOAuth=OFF", "InitiateOAuth=REFRESH");
    let conn = connect_str(&refresh).unwrap_or_else(|e| panic!("{e}"));
    count(&conn, &top_table(&sb, "keap"));
    let stats = oauth_stats(&sb);
    assert_eq!(issued(&stats, "authorization_code"), 1, "{stats}");
}
