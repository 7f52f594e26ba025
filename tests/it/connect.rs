//! Connecting: by DSN, by registered driver name and by library path; the completed connection
//! string SQLDriverConnect hands back; validation of property values (08001 naming the property and
//! its allowed values); unknown keys as 01S00 warnings; string keys winning over DSN keys; secrets
//! masked in `sys.sys_connection_props`.

use odbc_api::handles::OutputStringBuffer;
use odbc_api::DriverCompleteOption;

use crate::harness::*;

#[test]
fn connect_by_dsn() {
    let conn = connect_str(&format!("DSN={DSN}")).expect("DSN connect");
    assert_eq!(scalar_text(&conn, "SELECT 1").as_deref(), Some("1"));
    assert_eq!(connection_prop(&conn, "DSN").as_deref(), Some(DSN));
}

#[test]
fn connect_by_dsn_with_sqlconnect() {
    let conn = env()
        .connect(DSN, "", "", odbc_api::ConnectionOptions::default())
        .expect("SQLConnect to the DSN");
    assert_eq!(scalar_text(&conn, "SELECT 41 + 1").as_deref(), Some("42"));
}

#[test]
fn connect_by_registered_driver_name() {
    let conn = connect_str("DRIVER={apiodbc}").expect("DRIVER={apiodbc} connect");
    assert_eq!(scalar_text(&conn, "SELECT 1").as_deref(), Some("1"));
}

#[test]
fn connect_by_driver_library_path() {
    let conn = connect_str(&format!("DRIVER={};", driver_path().display()))
        .expect("DRIVER=<path> connect");
    assert_eq!(
        scalar_text(&conn, "SELECT 'by path'").as_deref(),
        Some("by path")
    );
}

#[test]
fn driver_connect_returns_the_completed_connection_string() {
    let mut out = OutputStringBuffer::with_buffer_size(4096);
    let conn = env()
        .driver_connect(
            &format!("DSN={DSN};Verbosity=2"),
            &mut out,
            DriverCompleteOption::NoPrompt,
        )
        .expect("SQLDriverConnect");
    assert!(!out.is_truncated());
    let completed = out.to_utf8();
    let lower = completed.to_ascii_lowercase();
    assert!(lower.contains(&format!("dsn={DSN}")), "{completed}");
    assert!(lower.contains("verbosity=2"), "{completed}");
    // The DSN's own keys are part of the completed string.
    assert!(lower.contains("maxrows=0"), "{completed}");
    // And the completed string connects again to the same settings.
    let again = connect_str(&completed).expect("connecting with the completed string");
    assert_eq!(connection_prop(&again, "Verbosity").as_deref(), Some("2"));
    drop(conn);
}

/// The completed string leaves the secrets out, top level and inside ProfileSettings: R prints it
/// and Excel stores it in the workbook, and the application already has them.
#[test]
fn the_completed_connection_string_holds_no_secret() {
    let mut out = OutputStringBuffer::with_buffer_size(4096);
    let secrets = ["s3cret;pw", "tok-123456", "key-7890ab", "client-secret-42"];
    let conn = env()
        .driver_connect(
            &format!(
                "DSN={DSN};PWD={{{}}};APIToken={};OAuthClientSecret={};\
                 ProfileSettings={{APIKey={};Region=eu}};Verbosity=2",
                secrets[0], secrets[1], secrets[3], secrets[2]
            ),
            &mut out,
            DriverCompleteOption::NoPrompt,
        )
        .expect("SQLDriverConnect");
    let completed = out.to_utf8();
    for secret in secrets {
        assert!(!completed.contains(secret), "{secret} in {completed}");
    }
    let lower = completed.to_ascii_lowercase();
    for kept in [
        "region=eu",
        "verbosity=2",
        &format!("dsn={}", DSN.to_ascii_lowercase()),
    ] {
        assert!(lower.contains(kept), "{kept} missing from {completed}");
    }
    assert!(
        !lower.contains("apitoken") && !lower.contains("pwd="),
        "{completed}"
    );
    drop(conn);
}

#[test]
fn bad_initiate_oauth_value_fails_with_08001_and_the_allowed_values() {
    let err = connect_with("InitiateOAuth=SOMETIMES;").must_fail("must not connect");
    assert_eq!(sqlstate(&err), "08001");
    let text = message(&err);
    assert!(text.contains("[apiodbc]"), "{text}");
    assert!(
        text.to_ascii_lowercase().contains("initiateoauth"),
        "{text}"
    );
    for allowed in ["OFF", "GETANDREFRESH", "REFRESH"] {
        assert!(text.contains(allowed), "{allowed} missing from: {text}");
    }
}

#[test]
fn bad_verbosity_fails_with_08001_and_the_range() {
    let err = connect_with("Verbosity=9;").must_fail("must not connect");
    assert_eq!(sqlstate(&err), "08001");
    let text = message(&err);
    assert!(text.to_ascii_lowercase().contains("verbosity"), "{text}");
    assert!(
        text.contains('1') && text.contains('5'),
        "range missing: {text}"
    );
}

#[test]
fn unknown_key_connects_with_01s00_naming_it() {
    let conn = connect_with("NoSuchProperty=1;").expect("an unknown key is only a warning");
    assert_eq!(scalar_text(&conn, "SELECT 1").as_deref(), Some("1"));

    // odbc-api only logs warnings; read the record SQLDriverConnect left on the handle.
    let conn = connect_with("NoSuchProperty=1;").expect("connect");
    let mut handle = conn.into_handle();
    let records = diagnostics(&handle);
    handle
        .disconnect()
        .into_result(&handle)
        .expect("SQLDisconnect");
    let warning = records
        .iter()
        .find(|(state, _)| state == "01S00")
        .unwrap_or_else(|| panic!("no 01S00 among {records:?}"));
    assert!(warning.1.contains("NoSuchProperty"), "{warning:?}");
}

#[test]
fn unknown_profile_fails_clearly() {
    let err = connect_with("Profile=nope;").must_fail("must not connect");
    assert_eq!(sqlstate(&err), "08001");
    let text = message(&err);
    assert!(text.contains("nope"), "{text}");
    assert!(text.contains("[apiodbc]"), "{text}");
}

#[test]
fn dsn_keys_apply_and_string_keys_win() {
    let from_dsn = connect_str(&format!("DSN={CAPPED_DSN}")).expect("connect");
    assert_eq!(connection_prop(&from_dsn, "MaxRows").as_deref(), Some("5"));
    assert_eq!(
        connection_prop(&from_dsn, "Pagesize").as_deref(),
        Some("77")
    );

    let overridden = connect_str(&format!("DSN={CAPPED_DSN};MaxRows=7")).expect("connect");
    assert_eq!(
        connection_prop(&overridden, "MaxRows").as_deref(),
        Some("7")
    );
    // Keys the string does not mention still come from the DSN.
    assert_eq!(
        connection_prop(&overridden, "Pagesize").as_deref(),
        Some("77")
    );
}

#[test]
fn max_rows_property_caps_query_results() {
    let from_dsn = connect_str(&format!("DSN={CAPPED_DSN}")).expect("connect");
    let rows = query_text(&from_dsn, "SELECT value FROM generate_series(1, 100)");
    assert_eq!(rows.len(), 5, "the DSN's MaxRows caps the result");

    let overridden = connect_str(&format!("DSN={CAPPED_DSN};MaxRows=7")).expect("connect");
    let rows = query_text(&overridden, "SELECT value FROM generate_series(1, 100)");
    assert_eq!(rows.len(), 7, "the string's MaxRows wins over the DSN's");
}

#[test]
fn first_occurrence_of_a_repeated_key_wins() {
    let conn = connect_with("Verbosity=3;Verbosity=banana;").expect("the second value is ignored");
    assert_eq!(connection_prop(&conn, "Verbosity").as_deref(), Some("3"));
}

#[test]
fn keys_are_case_insensitive_and_braced_values_keep_special_characters() {
    let conn = connect_with(
        "maxROWS=4;CallbackURL={http://localhost:33333/cb?a=1;b=2};Scope={read}}write};",
    )
    .expect("connect");
    assert_eq!(connection_prop(&conn, "MaxRows").as_deref(), Some("4"));
    assert_eq!(
        connection_prop(&conn, "CallbackURL").as_deref(),
        Some("http://localhost:33333/cb?a=1;b=2")
    );
    assert_eq!(
        connection_prop(&conn, "Scope").as_deref(),
        Some("read}write")
    );
}

#[test]
fn secrets_are_masked_in_sys_connection_props() {
    let conn = connect_with("User=alice;Password=hunter2;APIToken=tok-s3cr3t;").expect("connect");
    assert_eq!(connection_prop(&conn, "User").as_deref(), Some("alice"));
    assert_eq!(
        connection_prop(&conn, "Password").as_deref(),
        Some("********")
    );
    assert_eq!(
        connection_prop(&conn, "APIToken").as_deref(),
        Some("********")
    );
    let everything = format!(
        "{:?}",
        query_text(&conn, "SELECT * FROM sys.sys_connection_props")
    );
    assert!(!everything.contains("hunter2"));
    assert!(!everything.contains("tok-s3cr3t"));
}

#[test]
fn odbc_aliases_uid_and_pwd_fill_user_and_password() {
    let conn = connect_with("UID=bob;PWD=pa55;").expect("connect");
    assert_eq!(connection_prop(&conn, "User").as_deref(), Some("bob"));
    assert_eq!(
        connection_prop(&conn, "Password").as_deref(),
        Some("********")
    );
}

/// The warnings SQLDriverConnect left on the connection handle for the test DSN + `extra`.
fn connect_warnings(extra: &str) -> Vec<(String, String)> {
    let conn = connect_str(&format!("DSN={DSN};{extra}")).expect("connect");
    let mut handle = conn.into_handle();
    let records = diagnostics(&handle);
    handle
        .disconnect()
        .into_result(&handle)
        .expect("SQLDisconnect");
    records
}

#[test]
fn a_quoted_value_holding_a_semicolon_warns_naming_its_key() {
    let records = connect_warnings("Password='x;y';");
    let warning = records
        .iter()
        .find(|(state, m)| state == "01S00" && m.contains("'Password'"))
        .unwrap_or_else(|| panic!("no 01S00 naming Password among {records:?}"));
    assert!(warning.1.contains("braces"), "{warning:?}");
    assert!(warning.1.contains("Password={…}"), "{warning:?}");
    // Braced, the same value is quiet.
    let records = connect_warnings("Password={x;y};");
    assert!(
        records.iter().all(|(state, _)| state != "01S00"),
        "{records:?}"
    );
}

#[test]
fn thousands_of_unknown_keys_give_one_warning() {
    // odbc-api passes the string's length as a SQLSMALLINT, so stay under 32,767 characters
    // (test_pyodbc.py sends 20,000 keys).
    let keys: String = (0..2_500).map(|i| format!("Stray{i}=1;")).collect();
    let records = connect_warnings(&keys);
    let unknown: Vec<&(String, String)> = records
        .iter()
        .filter(|(state, _)| state == "01S00")
        .collect();
    assert_eq!(unknown.len(), 1, "{:?}", &records[..records.len().min(5)]);
    let text = &unknown[0].1;
    assert!(
        text.contains("2500 unknown connection properties"),
        "{text}"
    );
    assert!(
        text.contains("'Stray0'") && text.contains("2495 more"),
        "{text}"
    );
}

#[test]
fn a_setting_placed_in_a_host_name_must_be_a_dns_label() {
    // Talkdesk's token URL is https://{AccountName}.talkdeskid.com/oauth/token: a crafted value
    // would send the client id and secret to another server.
    for hostile in [
        "attacker.example/x",
        "x@attacker.example",
        "a#",
        "a:443",
        "a%2f",
        "a b",
    ] {
        let err = connect_str(&format!(
            "DRIVER={{apiodbc}};Profile=talkdesk;AccountName={{{hostile}}};OAuthClientId=id;OAuthClientSecret=s;OAuthSettingsLocation=memory://hostile"
        ))
        .must_fail(hostile);
        assert_eq!(sqlstate(&err), "08001", "{hostile}: {}", message(&err));
        let text = message(&err);
        assert!(text.contains("AccountName"), "{text}");
        assert!(text.contains("letters, digits and hyphens"), "{text}");
    }
    let err =
        connect_str("DRIVER={apiodbc};Profile=pipedrive;APIToken=t;CompanyDomain={evil.example#}")
            .must_fail("a CompanyDomain with a dot");
    assert_eq!(sqlstate(&err), "08001");
    assert!(message(&err).contains("CompanyDomain"), "{}", message(&err));
}

#[test]
fn an_authorization_url_over_plain_http_off_this_machine_is_refused() {
    let err = connect_str(
        "DRIVER={apiodbc};Profile=pipedrive;AuthScheme=OAuth;InitiateOAuth=GETANDREFRESH;\
         OAuthClientId=id;OAuthClientSecret=s;OAuthSettingsLocation=memory://plain-auth;\
         OAuthAuthorizationURL=http://example.invalid/oauth/authorize",
    )
    .must_fail("a plain-http login page");
    assert_eq!(sqlstate(&err), "08001", "{}", message(&err));
    let text = message(&err);
    assert!(text.contains("Plain http"), "{text}");
    assert!(text.contains("example.invalid"), "{text}");
}

/// A token server that takes its time holds up the connect only as long as SQL_ATTR_LOGIN_TIMEOUT
/// allows: HYT00 naming the timeout (the server would answer only after 20 s, with a 500).
#[test]
fn the_login_timeout_bounds_a_connect_that_waits_on_a_token_server() {
    let token_server = crate::mock_api::MockApi::start(|_| {
        std::thread::sleep(std::time::Duration::from_secs(20));
        crate::mock_api::Reply::Json(500, serde_json::json!({"error": "too late"}))
    });
    let cs = format!(
        "DRIVER={{apiodbc}};Profile=talkdesk;AuthScheme=OAUTH_CLIENT;AccountName=acme;\
         OAuthClientId=id;OAuthClientSecret=secret;InitiateOAuth=GETANDREFRESH;\
         OAuthAccessTokenURL={}/oauth/token;OAuthSettingsLocation=memory://login-timeout",
        token_server.base_url()
    );
    let options = odbc_api::ConnectionOptions {
        login_timeout_sec: Some(1),
        ..Default::default()
    };
    let error = env()
        .connect_with_connection_string(&cs, options)
        .must_fail("a connect past its login timeout");
    assert_eq!(sqlstate(&error), "HYT00", "{}", message(&error));
    assert!(
        message(&error).contains("SQL_ATTR_LOGIN_TIMEOUT"),
        "{}",
        message(&error)
    );
}
