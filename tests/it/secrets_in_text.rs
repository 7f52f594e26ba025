//! Secrets never show in text the driver shows or logs, wherever the text came from: an API error
//! that echoes the key it was sent, a URL with a password in it, a passphrase with blanks and
//! quotes. Each secret must be masked whole in the diagnostic and in a Verbosity 5 log.

use serde_json::json;

use crate::harness::{connect_str, message, MustFail};
use crate::mock_api::{temp_file, MockApi, Reply};
use crate::sandbox::query_error;

const PROFILE: &str = r#"
name = "echo"
base_url = "{base}"
[auth]
schemes = ["APIKEY"]
default = "APIKEY"
[auth.scheme.APIKEY]
requires = ["APIKey"]
[[auth.scheme.APIKEY.send]]
in = "header"
name = "x-api-key"
value = "{APIKey}"
[errors]
message_paths = ["error"]
[pagination]
kind = "none"
[[table]]
name = "items"
path = "/items"
records = "data"
[[table.column]]
name = "id"
type = "int64"
"#;

fn log_path(name: &str) -> std::path::PathBuf {
    let path = temp_file(&format!("{name}.log"), "");
    let _ = std::fs::remove_file(&path);
    path
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn an_api_error_that_echoes_the_key_shows_it_masked() {
    const KEY: &str = "FAKE-API-KEY-9f3a2c7e51";
    // The API quotes the key it was sent, as some do.
    let api = MockApi::start(|req| {
        let sent = req.header("x-api-key").unwrap_or("none").to_string();
        Reply::Json(
            401,
            json!({"error": format!("api key {sent} is not valid")}),
        )
    });
    let profile = temp_file("echo.toml", &PROFILE.replace("{base}", &api.base_url()));
    let log = log_path("echo");
    let conn = connect_str(&format!(
        "DRIVER={{apiodbc}};Profile={};APIKey={KEY};Logfile={};Verbosity=5",
        profile.display(),
        log.display()
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let err = query_error(&conn, "SELECT * FROM echo.items").expect("a 401");
    let msg = message(&err);
    assert!(msg.contains("api key ******** is not valid"), "{msg}");
    assert!(!msg.contains(KEY), "{msg}");
    drop(conn);
    let text = read(&log);
    assert!(!text.is_empty(), "nothing was logged");
    assert!(!text.contains(KEY), "the key is in the log");
}

#[test]
fn a_password_in_base_url_is_never_shown() {
    let log = log_path("base-url-password");
    let err = connect_str(&format!(
        "DRIVER={{apiodbc}};Profile=pipedrive;APIToken=t0k3n-x;BaseURL=https://alice:S3cretPw@api.example.com/v1;Logfile={};Verbosity=5",
        log.display()
    ))
    .must_fail("credentials in BaseURL");
    let msg = message(&err);
    assert!(msg.contains("BaseURL"), "{msg}");
    assert!(msg.contains("alice:********@"), "{msg}");
    assert!(!msg.contains("S3cretPw"), "{msg}");
    assert!(
        !read(&log).contains("S3cretPw"),
        "the password is in the log"
    );
}

#[test]
fn a_passphrase_with_blanks_and_quotes_is_masked_whole_in_the_log() {
    const WORDS: [&str; 3] = ["horsefly", "batterypack", "stapleguns"];
    let passphrase = format!("correct {} \"{}\" {}", WORDS[0], WORDS[1], WORDS[2]);
    let log = log_path("passphrase");
    // Inside ProfileSettings, where the log sees `OAuthSettingsPassphrase=correct …` as text.
    let conn = connect_str(&format!(
        "DRIVER={{apiodbc}};ProfileSettings={{OAuthSettingsPassphrase={passphrase};Region=eu}};Logfile={};Verbosity=3",
        log.display()
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    drop(conn);
    let text = read(&log);
    assert!(!text.is_empty(), "nothing was logged");
    for word in WORDS {
        assert!(
            !text.contains(word),
            "'{word}' of the passphrase is in the log:\n{text}"
        );
    }
}
