//! VerifyConnection (on unless a connection string turns it off): a connection asks the API for
//! one record at connect, so credentials the API refuses fail the connection with 28000 and the
//! API's own message (a BI tool's "Test connection" tells the truth), an API that cannot be
//! reached fails it with 08001, and FALSE connects without any request. Data-driven over every
//! service of the sandbox, which has a request log of this file's own.

use std::sync::{Mutex, MutexGuard, OnceLock};

use apiodbc_sandbox::SandboxConfig;

use crate::harness::{connect_str, message, query_text, sqlstate, MustFail};
use crate::sandbox::{query_error, Sandbox, SEED};

const ON: &str = "VerifyConnection=TRUE";

fn own() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        Sandbox::start(SandboxConfig {
            records: 10,
            seed: SEED,
            ..SandboxConfig::default()
        })
    })
}

fn guard() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// The service's connection string with every credential value made wrong.
fn with_wrong_credentials(sb: &Sandbox, service: &str) -> (String, Vec<String>) {
    let mut cs = sb.connection_string(service);
    let mut wrong = Vec::new();
    for value in sb.credentials(service) {
        if !value.is_empty() && cs.contains(&value) {
            let bad = format!("wrong{value}");
            cs = cs.replace(&value, &bad);
            wrong.push(bad);
        }
    }
    assert!(!wrong.is_empty(), "{service}: no credential in {cs}");
    (cs, wrong)
}

#[test]
fn refused_credentials_fail_the_connection_with_28000_and_the_apis_message() {
    let sb = own();
    let _guard = guard();
    for service in sb.services() {
        let (cs, wrong) = with_wrong_credentials(sb, &service);
        sb.reset();
        let err = connect_str(&format!("{cs};{ON}")).must_fail(&service);
        let text = message(&err);
        assert_eq!(sqlstate(&err), "28000", "{service}: {text}");
        assert!(text.contains("refused"), "{service}: {text}");
        for bad in &wrong {
            assert!(
                !text.contains(bad.as_str()),
                "{service}: the credential shown: {text}"
            );
        }
        let sent = sb.stats();
        assert_eq!(sent.len(), 1, "{service}: {sent:?}");
    }
}

#[test]
fn accepted_credentials_connect_after_one_request_of_statement_0() {
    let sb = own();
    let _guard = guard();
    for service in sb.services() {
        sb.reset();
        let conn = connect_str(&format!("{};{ON}", sb.connection_string(&service)))
            .unwrap_or_else(|e| panic!("{service}: {e}"));
        let sent = sb.stats();
        assert_eq!(sent.len(), 1, "{service}: {sent:?}");
        assert_eq!(
            (sent[0].method.as_str(), sent[0].status),
            ("GET", 200),
            "{service}"
        );
        let listed = query_text(
            &conn,
            "SELECT count(*) FROM sys.sys_requests WHERE StatementId = 0",
        );
        assert_eq!(listed, [[Some("1".to_string())]], "{service}");
    }
}

#[test]
fn verify_connection_false_connects_without_a_request_and_the_query_says_28000() {
    let sb = own();
    let _guard = guard();
    let (cs, _) = with_wrong_credentials(sb, "pipedrive");
    sb.reset();
    let conn = connect_str(&format!("{cs};VerifyConnection=FALSE"))
        .unwrap_or_else(|e| panic!("VerifyConnection=FALSE: {e}"));
    assert!(sb.stats().is_empty(), "{:?}", sb.stats());
    let err = query_error(&conn, "SELECT * FROM pipedrive.persons").expect("a refused query");
    assert_eq!(sqlstate(&err), "28000", "{}", message(&err));
}

#[test]
fn an_api_that_cannot_be_reached_fails_the_connection_with_08001() {
    let sb = own();
    let base = sb.api_base("pipedrive");
    // A port nothing listens on: every attempt is refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let cs = sb.connection_string("pipedrive").replace(
        &base,
        &format!("http://127.0.0.1:{closed}/pipedrive/api/v1"),
    );
    let err = connect_str(&format!("{cs};{ON}")).must_fail("a closed port");
    let text = message(&err);
    assert_eq!(sqlstate(&err), "08001", "{text}");
    assert!(text.contains("VerifyConnection=FALSE"), "{text}");
}
