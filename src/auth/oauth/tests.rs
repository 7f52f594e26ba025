//! Unit tests of the OAuth client: response repair, client-auth placement, expiry math, PKCE.

use super::client::{basic_header, build_request};
use super::config::{Grant, OAuthConfig};
use super::manager::refresh_margin;
use super::pkce;
use super::response::{error_parts, parse_success};
use crate::auth::tokens::StoredTokens;
use crate::profile::{BodyFormat, ClientAuth};
use crate::secret::Secret;

fn config(auth: ClientAuth, per_grant: Vec<(String, ClientAuth)>) -> OAuthConfig {
    OAuthConfig {
        profile: "keap".into(),
        client_id: "id 1".into(),
        client_secret: Some(Secret::new("s+cret")),
        issuer: None,
        authorization_url: Some("https://auth.example/authorize".into()),
        token_url: "https://auth.example/token".into(),
        refresh_url: "https://auth.example/refresh".into(),
        client_auth: auth,
        client_auth_per_grant: per_grant,
        body_format: BodyFormat::Form,
        scope: None,
        callback_url: None,
        authorize_params: Vec::new(),
        api_base_from_token: Some("api_domain".into()),
        api_base_suffix: None,
        timeout: 5,
        browser_timeout: std::time::Duration::from_secs(5),
        ssl_server_cert: None,
    }
}

#[test]
fn repairs_non_compliant_responses() {
    let r = parse_success(
        br#"{"access_token":"a","expires_in":"3600","token_type":"bearer"}"#,
        None,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(r.expires_in, Some(3600));
    assert_eq!(r.token_type, "Bearer");
    let r = parse_success(
        br#"{"access_token":"a","api_domain":"https://x.example"}"#,
        Some("api_domain"),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(r.token_type, "Bearer");
    assert_eq!(r.expires_in, None);
    assert_eq!(r.api_base.as_deref(), Some("https://x.example"));
    assert!(parse_success(b"{}", None).is_err());
    assert_eq!(
        error_parts(b"Invalid grant: refresh_token is invalid").0,
        "invalid_grant"
    );
    assert_eq!(
        error_parts(br#"{"error":"invalid_client"}"#).0,
        "invalid_client"
    );
}

#[test]
fn expiry_counts_from_request_sent_and_keeps_refresh_token() {
    let old = StoredTokens {
        refresh_token: Some(Secret::new("r0")),
        api_base: Some("https://b".into()),
        ..StoredTokens::default()
    };
    let r = parse_success(br#"{"access_token":"a","expires_in":100}"#, None)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let t = r.into_stored(1000, Some(&old));
    assert_eq!(t.expires_at, Some(1100));
    assert_eq!(t.refresh_token, Some(Secret::new("r0")));
    assert_eq!(t.api_base.as_deref(), Some("https://b"));
    assert_eq!(refresh_margin(&t), 10);
    let long = StoredTokens {
        expires_at: Some(4600),
        obtained_at: Some(1000),
        ..StoredTokens::default()
    };
    assert_eq!(refresh_margin(&long), 60);
}

#[test]
fn client_auth_per_grant() {
    let c = config(
        ClientAuth::Basic,
        vec![("authorization_code".into(), ClientAuth::Body)],
    );
    let code = build_request(
        &c,
        Grant::AuthorizationCode,
        &[("code", "c"), ("redirect_uri", "http://127.0.0.1:9/cb")],
    );
    assert!(code.headers.is_empty());
    assert!(code.body.expose().contains("client_id=id+1"));
    assert!(code.body.expose().contains("client_secret=s%2Bcret"));
    assert!(code
        .body
        .expose()
        .contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb"));
    assert_eq!(code.url, "https://auth.example/token");
    let refresh = build_request(&c, Grant::RefreshToken, &[("refresh_token", "r")]);
    assert_eq!(refresh.url, "https://auth.example/refresh");
    assert!(!refresh.body.expose().contains("client_secret"));
    assert_eq!(refresh.headers[0].1, basic_header("id 1", "s+cret"));
    // RFC 6749 §2.3.1: form-urlencoded before base64 ("id+1:s%2Bcret").
    assert_eq!(
        basic_header("id 1", "s+cret").expose(),
        "Basic aWQrMTpzJTJCY3JldA=="
    );
}

#[test]
fn pkce_s256_and_state() {
    // RFC 7636 appendix B.
    let v = Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    assert_eq!(
        pkce::challenge(&v),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let t = pkce::random_token().unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(t.expose().len(), 43);
    assert!(pkce::constant_time_eq("abc", "abc"));
    assert!(!pkce::constant_time_eq("abc", "abd"));
    let url = pkce::authorization_url(
        "https://a.example/auth",
        "cid",
        "http://localhost:33333/callback",
        Some("full"),
        &Secret::new("st"),
        &v,
        &[],
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(url.contains("code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    assert!(url.contains("code_challenge_method=S256"));
    assert!(url.contains("state=st"));
}
