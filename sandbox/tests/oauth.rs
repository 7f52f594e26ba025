//! The sandbox's OAuth servers over HTTP: every grant per service, client-authentication
//! enforcement, PKCE, redirect matching, single-use codes, refresh rotation with reuse detection
//! revoking the family, token expiry, the consent page's Approve and Deny buttons, auto-approve,
//! the manifest's OAuth connection strings and the stats counters.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use apiodbc_sandbox::SandboxConfig;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::{base64, Resp, Sandbox};

const LOOPBACK: &str = "http://127.0.0.1:49200/callback";

struct Svc {
    name: &'static str,
    authorize: &'static str,
    token: &'static str,
}

const PIPEDRIVE: Svc = Svc {
    name: "pipedrive",
    authorize: "/pipedrive/oauth/authorize",
    token: "/pipedrive/oauth/token",
};
const HELPSCOUT: Svc = Svc {
    name: "helpscout",
    authorize: "/helpscout/authentication/authorizeClientApplication",
    token: "/helpscout/v2/oauth2/token",
};
const KEAP: Svc = Svc {
    name: "keap",
    authorize: "/keap/app/oauth/authorize",
    token: "/keap/token",
};
const TALKDESK: Svc = Svc {
    name: "talkdesk",
    authorize: "/talkdesk/oauth/authorize",
    token: "/talkdesk/oauth/token",
};
const LEADDESK_TOKEN: &str = "/leaddesk/oauth/token";

fn sandbox(auto_approve: bool) -> Sandbox {
    Sandbox::start(SandboxConfig {
        records: 10,
        seed: 42,
        auto_approve,
        ..SandboxConfig::default()
    })
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn dec(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", base64(format!("{id}:{secret}").as_bytes()))
}

/// (verifier, S256 challenge).
fn pkce(seed: &str) -> (String, String) {
    let verifier = format!("{seed}-verifier-0123456789abcdefghijklmnopqrstuvwxyz");
    let digest = Sha256::digest(verifier.as_bytes());
    let challenge = base64(&digest)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_");
    (verifier, challenge)
}

fn client(sb: &Sandbox, svc: &str) -> (String, String) {
    (sb.cred(svc, "client_id"), sb.cred(svc, "client_secret"))
}

/// The redirect target and its query parameters from a 302.
fn redirected(r: &Resp) -> (String, HashMap<String, String>) {
    assert_eq!(r.status, 302, "{}", r.text());
    let loc = r.header("location").expect("Location");
    let (target, query) = loc.split_once('?').expect("query in Location");
    let params = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), dec(v)))
        .collect();
    (target.to_owned(), params)
}

/// GET the authorize endpoint with `extra` query parameters (already encoded).
fn authorize(sb: &Sandbox, svc: &Svc, redirect: Option<&str>, extra: &str) -> Resp {
    let (id, _) = client(sb, svc.name);
    let mut url = format!(
        "{}?response_type=code&client_id={}&state=st-123{extra}",
        svc.authorize,
        enc(&id)
    );
    if let Some(r) = redirect {
        url.push_str(&format!("&redirect_uri={}", enc(r)));
    }
    sb.get(&url, &[])
}

/// An authorization code from an auto-approving sandbox.
fn code(sb: &Sandbox, svc: &Svc, redirect: &str, challenge: Option<&str>) -> String {
    let extra = challenge
        .map(|c| format!("&code_challenge={c}&code_challenge_method=S256"))
        .unwrap_or_default();
    let (target, q) = redirected(&authorize(sb, svc, Some(redirect), &extra));
    assert_eq!(target, redirect);
    assert_eq!(q["state"], "st-123");
    q["code"].clone()
}

fn post_form(sb: &Sandbox, path: &str, auth: Option<&str>, body: &str) -> Resp {
    let mut h = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if let Some(a) = auth {
        h.push(("Authorization", a));
    }
    sb.post(path, &h, body)
}

fn oauth_stats(sb: &Sandbox) -> Value {
    sb.get("/_sandbox/stats", &[]).json()["oauth"].clone()
}

fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

// ---------------------------------------------------------------- Pipedrive

#[test]
fn pipedrive_code_flow_basic_auth_api_domain_and_plain_text_errors() {
    let sb = sandbox(true);
    let (id, secret) = client(&sb, "pipedrive");
    let (verifier, challenge) = pkce("pd");
    let code = code(&sb, &PIPEDRIVE, LOOPBACK, Some(&challenge));
    let exchange = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", LOOPBACK),
        ("code_verifier", &verifier),
    ]);

    // Credentials in the body instead of Basic: 401, Pipedrive's plain text.
    let body_auth = format!("{exchange}&client_id={id}&client_secret={secret}");
    let r = post_form(&sb, PIPEDRIVE.token, None, &body_auth);
    assert_eq!(r.status, 401, "{}", r.text());
    assert!(r.text().starts_with("Invalid client: "), "{}", r.text());
    // JSON is refused: form only.
    let r = sb.post(
        PIPEDRIVE.token,
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &basic(&id, &secret)),
        ],
        "{}",
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.text(),
        "Invalid request: content must be application/x-www-form-urlencoded"
    );
    let r = post_form(&sb, PIPEDRIVE.token, Some(&basic(&id, "wrong")), &exchange);
    assert_eq!(
        (r.status, r.text().as_str()),
        (401, "Invalid client: client is invalid")
    );

    let r = post_form(&sb, PIPEDRIVE.token, Some(&basic(&id, &secret)), &exchange);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let t = r.json();
    assert_eq!(t["token_type"], "Bearer");
    assert!(t["scope"].as_str().unwrap().contains("base,deals:full"));
    let api_domain = t["api_domain"].as_str().unwrap();
    assert_eq!(api_domain, format!("{}/pipedrive", sb.base));
    let access = t["access_token"].as_str().unwrap();
    let rt = t["refresh_token"].as_str().unwrap().to_owned();
    let me = sb.get(
        &format!("{api_domain}/api/v1/users/me"),
        &[("Authorization", &bearer(access))],
    );
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["success"], true);

    // Refresh: the same refresh token comes back (no rotation by default) and keeps working.
    let refresh = form(&[("grant_type", "refresh_token"), ("refresh_token", &rt)]);
    for _ in 0..2 {
        let r = post_form(&sb, PIPEDRIVE.token, Some(&basic(&id, &secret)), &refresh);
        assert_eq!(r.status, 200, "{}", r.text());
        let t = r.json();
        assert_eq!(t["refresh_token"], rt.as_str());
        assert_ne!(t["access_token"], access);
    }
    let r = post_form(
        &sb,
        PIPEDRIVE.token,
        Some(&basic(&id, &secret)),
        &form(&[("grant_type", "refresh_token"), ("refresh_token", "nope")]),
    );
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, "Invalid grant: refresh_token is invalid")
    );
    let r = post_form(
        &sb,
        PIPEDRIVE.token,
        Some(&basic(&id, &secret)),
        "grant_type=client_credentials",
    );
    assert_eq!(r.status, 400);
    assert!(r.text().starts_with("Unsupported grant type: "));

    let stats = oauth_stats(&sb);
    assert_eq!(stats["issued"]["authorization_code"], 1);
    assert_eq!(stats["issued"]["refresh_token"], 2);
    assert_eq!(stats["invalid_grant"], 1);
    assert_eq!(stats["refresh_reuse_detected"], 0);
}

#[test]
fn pipedrive_rotation_switch_and_reuse_revokes_the_family() {
    let sb = Sandbox::start(SandboxConfig {
        records: 10,
        auto_approve: true,
        pipedrive_rotate: true,
        ..SandboxConfig::default()
    });
    let (id, secret) = client(&sb, "pipedrive");
    let auth = basic(&id, &secret);
    let code = code(&sb, &PIPEDRIVE, LOOPBACK, None);
    let t = post_form(
        &sb,
        PIPEDRIVE.token,
        Some(&auth),
        &form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", LOOPBACK),
        ]),
    )
    .json();
    let rt1 = t["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |rt: &str| {
        post_form(
            &sb,
            PIPEDRIVE.token,
            Some(&auth),
            &form(&[("grant_type", "refresh_token"), ("refresh_token", rt)]),
        )
    };
    let t2 = refresh(&rt1).json();
    let rt2 = t2["refresh_token"].as_str().unwrap().to_owned();
    let access2 = t2["access_token"].as_str().unwrap().to_owned();
    assert_ne!(rt1, rt2);
    let users = |token: &str| {
        sb.get(
            "/pipedrive/api/v1/users",
            &[("Authorization", &bearer(token))],
        )
        .status
    };
    assert_eq!(users(&access2), 200);

    let reuse = refresh(&rt1);
    assert_eq!(
        (reuse.status, reuse.text().as_str()),
        (400, "Invalid grant: refresh_token is invalid")
    );
    // The whole family is gone: the current access and refresh tokens too.
    assert_eq!(users(&access2), 401);
    assert_eq!(refresh(&rt2).status, 400);
    let stats = oauth_stats(&sb);
    assert_eq!(stats["refresh_reuse_detected"], 1);
    assert_eq!(stats["invalid_grant"], 2);
}

// ---------------------------------------------------------------- Help Scout

#[test]
fn helpscout_client_credentials_in_form_json_or_query_and_never_basic() {
    let sb = sandbox(true);
    let (id, secret) = client(&sb, "helpscout");
    let creds = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", &id),
        ("client_secret", &secret),
    ]);
    let json_body =
        json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret});
    let responses = [
        post_form(&sb, HELPSCOUT.token, None, &creds),
        sb.post(
            HELPSCOUT.token,
            &[("Content-Type", "application/json")],
            &json_body.to_string(),
        ),
        sb.post(&format!("{}?{creds}", HELPSCOUT.token), &[], ""),
    ];
    for r in responses {
        assert_eq!(r.status, 200, "{}", r.text());
        let t = r.json();
        assert_eq!(t["token_type"], "bearer");
        assert!(t.get("refresh_token").is_none(), "{t}");
        let token = t["access_token"].as_str().unwrap();
        let r = sb.get(
            "/helpscout/v2/mailboxes",
            &[("Authorization", &bearer(token))],
        );
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let r = post_form(
        &sb,
        HELPSCOUT.token,
        Some(&basic(&id, &secret)),
        "grant_type=client_credentials",
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    // Both methods at once is a malformed request.
    let r = post_form(&sb, HELPSCOUT.token, Some(&basic(&id, &secret)), &creds);
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("invalid_request"))
    );
    assert_eq!(oauth_stats(&sb)["issued"]["client_credentials"], 3);
    // The request log masks the secret sent in the query.
    let log = sb.get("/_sandbox/stats", &[]).json()["requests"].to_string();
    assert!(log.contains("client_secret=********"), "{log}");
    assert!(!log.contains(&secret));
}

#[test]
fn helpscout_code_flow_defaults_to_the_registered_redirect_and_keeps_refresh_tokens() {
    let sb = sandbox(true);
    let (id, secret) = client(&sb, "helpscout");
    // Help Scout's authorize takes no redirect_uri: it goes to the registered one.
    let (target, q) = redirected(&authorize(&sb, &HELPSCOUT, None, ""));
    assert_eq!(target, "http://localhost:33333/callback");
    assert_eq!(q["state"], "st-123");
    let r = sb.post(
        HELPSCOUT.token,
        &[("Content-Type", "application/json")],
        &json!({"grant_type": "authorization_code", "code": q["code"], "client_id": id, "client_secret": secret})
            .to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.json();
    assert_eq!(t["token_type"], "bearer");
    let rt = t["refresh_token"].as_str().unwrap().to_owned();
    let r = post_form(
        &sb,
        HELPSCOUT.token,
        None,
        &form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &rt),
            ("client_id", &id),
            ("client_secret", &secret),
        ]),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["refresh_token"], rt.as_str());
    let token = r.json()["access_token"].as_str().unwrap().to_owned();
    let r = sb.get(
        "/helpscout/v2/users/me",
        &[("Authorization", &bearer(&token))],
    );
    assert_eq!(r.status, 200);
    // The static token is still accepted too.
    let static_token = sb.cred("helpscout", "access_token");
    let r = sb.get(
        "/helpscout/v2/users/me",
        &[("Authorization", &bearer(&static_token))],
    );
    assert_eq!(r.status, 200);
}

// ---------------------------------------------------------------- Keap

#[test]
fn keap_code_exchange_in_body_refresh_with_basic_rotation_and_reuse() {
    let sb = sandbox(true);
    let (id, secret) = client(&sb, "keap");
    let code = code(&sb, &KEAP, LOOPBACK, None);
    let exchange = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", LOOPBACK),
        ("client_id", &id),
        ("client_secret", &secret),
    ]);
    let basic_exchange = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", LOOPBACK),
    ]);
    let r = post_form(&sb, KEAP.token, Some(&basic(&id, &secret)), &basic_exchange);
    assert_eq!(r.status, 401, "{}", r.text());
    assert_eq!(r.json()["error"], "invalid_client");
    let r = post_form(&sb, KEAP.token, None, &exchange);
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.json();
    assert_eq!(t["token_type"], "bearer");
    assert_eq!(t["scope"], "full|sandbox.infusionsoft.com");
    let rt1 = t["refresh_token"].as_str().unwrap().to_owned();
    let access1 = t["access_token"].as_str().unwrap().to_owned();
    let contacts = |token: &str| {
        sb.get(
            "/keap/crm/rest/v1/contacts?limit=2",
            &[("Authorization", &bearer(token))],
        )
    };
    assert_eq!(contacts(&access1).status, 200);

    // Refresh with body credentials: wrong method.
    let r = post_form(
        &sb,
        KEAP.token,
        None,
        &form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &rt1),
            ("client_id", &id),
            ("client_secret", &secret),
        ]),
    );
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (401, json!("invalid_client"))
    );
    let refresh = |rt: &str| {
        post_form(
            &sb,
            KEAP.token,
            Some(&basic(&id, &secret)),
            &form(&[("grant_type", "refresh_token"), ("refresh_token", rt)]),
        )
    };
    let r = refresh(&rt1);
    assert_eq!(r.status, 200, "{}", r.text());
    let rt2 = r.json()["refresh_token"].as_str().unwrap().to_owned();
    let access2 = r.json()["access_token"].as_str().unwrap().to_owned();
    assert_ne!(rt1, rt2, "Keap rotates on every refresh");
    assert_eq!(contacts(&access2).status, 200);

    let reuse = refresh(&rt1);
    assert_eq!(reuse.status, 400);
    assert_eq!(
        reuse.json(),
        json!({"error": "invalid_request", "error_description": "Invalid Refresh Token"})
    );
    let r = contacts(&access2);
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["fault"]["detail"]["errorcode"],
        "keymanagement.service.invalid_access_token"
    );
    assert_eq!(contacts(&access1).status, 401);
    assert_eq!(refresh(&rt2).status, 400);
    let stats = oauth_stats(&sb);
    assert_eq!(stats["refresh_reuse_detected"], 1);
    assert_eq!(stats["invalid_grant"], 2);
    assert_eq!(stats["issued"]["refresh_token"], 1);
}

// ---------------------------------------------------------------- Talkdesk

#[test]
fn talkdesk_client_credentials_and_code_flow_with_basic_and_sid() {
    let sb = sandbox(true);
    let (id, secret) = client(&sb, "talkdesk");
    let auth = basic(&id, &secret);
    let r = post_form(
        &sb,
        TALKDESK.token,
        Some(&auth),
        "grant_type=client_credentials&scope=users%3Aread+contacts%3Aread",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.json();
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["scope"], "users:read contacts:read");
    assert!(
        t.get("refresh_token").is_none() && t.get("sid").is_none(),
        "{t}"
    );
    let users = sb.get(
        "/talkdesk/users",
        &[(
            "Authorization",
            &bearer(t["access_token"].as_str().unwrap()),
        )],
    );
    assert_eq!(users.status, 200, "{}", users.text());
    // As Airbyte sends it: grant_type in the query, no body.
    let r = sb.post(
        &format!("{}?grant_type=client_credentials", TALKDESK.token),
        &[("Authorization", &auth)],
        "",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = post_form(
        &sb,
        TALKDESK.token,
        None,
        &form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ]),
    );
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (401, json!("invalid_client"))
    );
    assert!(r.header("www-authenticate").is_some());

    let code = code(&sb, &TALKDESK, LOOPBACK, None);
    let r = post_form(
        &sb,
        TALKDESK.token,
        Some(&auth),
        &form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", LOOPBACK),
        ]),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.json();
    let sid = t["sid"].as_str().unwrap().to_owned();
    let rt = t["refresh_token"].as_str().unwrap().to_owned();
    let r = post_form(
        &sb,
        TALKDESK.token,
        Some(&auth),
        &form(&[("grant_type", "refresh_token"), ("refresh_token", &rt)]),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["sid"], sid.as_str());
    assert!(r.json()["refresh_token"].is_string());
}

// ---------------------------------------------------------------- LeadDesk

#[test]
fn leaddesk_password_grant_with_basic_or_body_credentials() {
    let sb = sandbox(false);
    let (id, secret) = client(&sb, "leaddesk");
    let (user, password) = (
        sb.cred("leaddesk", "username"),
        sb.cred("leaddesk", "password"),
    );
    let grant = form(&[
        ("grant_type", "password"),
        ("username", &user),
        ("password", &password),
    ]);
    let by_basic = post_form(&sb, LEADDESK_TOKEN, Some(&basic(&id, &secret)), &grant);
    let by_body = post_form(
        &sb,
        LEADDESK_TOKEN,
        None,
        &format!("{grant}&client_id={id}&client_secret={secret}"),
    );
    for r in [&by_basic, &by_body] {
        assert_eq!(r.status, 200, "{}", r.text());
        let t = r.json();
        assert_eq!(t["token_type"], "Bearer");
        let r = sb.get(
            "/leaddesk/?mod=agent&cmd=list",
            &[(
                "Authorization",
                &bearer(t["access_token"].as_str().unwrap()),
            )],
        );
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let rt = by_basic.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = post_form(
        &sb,
        LEADDESK_TOKEN,
        Some(&basic(&id, &secret)),
        &form(&[("grant_type", "refresh_token"), ("refresh_token", &rt)]),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = post_form(
        &sb,
        LEADDESK_TOKEN,
        Some(&basic(&id, &secret)),
        &form(&[
            ("grant_type", "password"),
            ("username", &user),
            ("password", "wrong"),
        ]),
    );
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("invalid_grant"))
    );
    let r = post_form(&sb, LEADDESK_TOKEN, None, &grant);
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (401, json!("invalid_client"))
    );
    assert_eq!(oauth_stats(&sb)["issued"]["password"], 2);
}

// ---------------------------------------------------------------- Shared rules

#[test]
fn pkce_is_verified_and_plain_is_refused() {
    let sb = sandbox(true);
    let (id, secret) = client(&sb, "talkdesk");
    let auth = basic(&id, &secret);
    let (verifier, challenge) = pkce("td");
    let exchange = |code: &str, verifier: Option<&str>| {
        let mut pairs = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", LOOPBACK),
        ];
        if let Some(v) = verifier {
            pairs.push(("code_verifier", v));
        }
        post_form(&sb, TALKDESK.token, Some(&auth), &form(&pairs))
    };
    let c = code(&sb, &TALKDESK, LOOPBACK, Some(&challenge));
    let (other, _) = pkce("someone-else");
    for wrong in [Some(other.as_str()), None] {
        let r = exchange(&c, wrong);
        assert_eq!(r.status, 400, "{}", r.text());
        assert_eq!(r.json()["error"], "invalid_grant");
    }
    assert_eq!(exchange(&c, Some(&verifier)).status, 200);
    // A verifier without a challenge is a downgrade attempt.
    let plain_code = code(&sb, &TALKDESK, LOOPBACK, None);
    assert_eq!(
        exchange(&plain_code, Some(&verifier)).json()["error"],
        "invalid_grant"
    );

    let r = authorize(
        &sb,
        &TALKDESK,
        Some(LOOPBACK),
        &format!("&code_challenge={}&code_challenge_method=plain", verifier),
    );
    let (target, q) = redirected(&r);
    assert_eq!(target, LOOPBACK);
    assert_eq!(q["error"], "invalid_request");
    assert_eq!(q["state"], "st-123");
    assert!(!q.contains_key("code"));
    let r = authorize(
        &sb,
        &TALKDESK,
        Some(LOOPBACK),
        &format!("&code_challenge={challenge}"),
    );
    assert_eq!(redirected(&r).1["error"], "invalid_request");
    assert_eq!(oauth_stats(&sb)["invalid_grant"], 3);
}

#[test]
fn redirects_match_exactly_except_loopback_ports() {
    let sb = sandbox(true);
    // Loopback IP literals: any port, for both 127.0.0.1 and [::1].
    for ok in [
        "http://127.0.0.1:1/callback",
        "http://127.0.0.1/callback",
        "http://[::1]:61000/callback",
        "http://localhost:33333/callback",
    ] {
        let (target, q) = redirected(&authorize(&sb, &KEAP, Some(ok), ""));
        assert_eq!(target, ok);
        assert!(q.contains_key("code"));
    }
    // Anything else gets an error page and no redirect.
    for bad in [
        "http://localhost:33334/callback",
        "http://localhost/callback",
        "http://127.0.0.1:5000/other",
        "https://127.0.0.1:5000/callback",
        "http://evil.example/callback",
    ] {
        let r = authorize(&sb, &KEAP, Some(bad), "");
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.header("location").is_none());
        assert!(r.text().contains("not registered"), "{}", r.text());
    }
    let r = authorize(&sb, &KEAP, None, "");
    assert_eq!(r.status, 400, "Keap needs redirect_uri");
    let r = sb.get(
        &format!(
            "{}?client_id=unknown&redirect_uri={}",
            KEAP.authorize,
            enc(LOOPBACK)
        ),
        &[],
    );
    assert_eq!(r.status, 400);
    assert!(r.header("location").is_none());

    // The token request must repeat the authorize request's redirect_uri byte for byte.
    let (id, secret) = client(&sb, "keap");
    let c = code(&sb, &KEAP, LOOPBACK, None);
    let exchange = |redirect: &str| {
        post_form(
            &sb,
            KEAP.token,
            None,
            &form(&[
                ("grant_type", "authorization_code"),
                ("code", &c),
                ("redirect_uri", redirect),
                ("client_id", &id),
                ("client_secret", &secret),
            ]),
        )
    };
    let r = exchange("http://127.0.0.1:49201/callback");
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("invalid_grant"))
    );
    assert_eq!(exchange(LOOPBACK).status, 200);
}

#[test]
fn codes_are_single_use_and_reuse_revokes_what_they_gave() {
    let sb = sandbox(true);
    let (id, secret) = client(&sb, "pipedrive");
    let auth = basic(&id, &secret);
    let c = code(&sb, &PIPEDRIVE, LOOPBACK, None);
    let exchange = || {
        post_form(
            &sb,
            PIPEDRIVE.token,
            Some(&auth),
            &form(&[
                ("grant_type", "authorization_code"),
                ("code", &c),
                ("redirect_uri", LOOPBACK),
            ]),
        )
    };
    let first = exchange();
    assert_eq!(first.status, 200, "{}", first.text());
    let access = first.json()["access_token"].as_str().unwrap().to_owned();
    let users = || {
        sb.get(
            "/pipedrive/api/v1/users",
            &[("Authorization", &bearer(&access))],
        )
        .status
    };
    assert_eq!(users(), 200);
    let again = exchange();
    assert_eq!(again.status, 400);
    assert!(
        again.text().starts_with("Invalid grant: "),
        "{}",
        again.text()
    );
    assert_eq!(users(), 401);
    let r = post_form(
        &sb,
        PIPEDRIVE.token,
        Some(&auth),
        "grant_type=authorization_code&code=made-up",
    );
    assert_eq!(r.status, 400);
    assert_eq!(oauth_stats(&sb)["invalid_grant"], 2);
}

#[test]
fn access_tokens_expire_after_the_token_lifetime() {
    let sb = Sandbox::start(SandboxConfig {
        records: 10,
        auto_approve: true,
        token_lifetime: 1,
        ..SandboxConfig::default()
    });
    let (id, secret) = client(&sb, "helpscout");
    let t = post_form(
        &sb,
        HELPSCOUT.token,
        None,
        &form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ]),
    )
    .json();
    assert_eq!(t["expires_in"], 1);
    let hs_token = t["access_token"].as_str().unwrap().to_owned();
    let (kid, ksecret) = client(&sb, "keap");
    let c = code(&sb, &KEAP, LOOPBACK, None);
    let k = post_form(
        &sb,
        KEAP.token,
        None,
        &form(&[
            ("grant_type", "authorization_code"),
            ("code", &c),
            ("redirect_uri", LOOPBACK),
            ("client_id", &kid),
            ("client_secret", &ksecret),
        ]),
    )
    .json();
    let keap_token = k["access_token"].as_str().unwrap().to_owned();
    let mailboxes = || {
        sb.get(
            "/helpscout/v2/mailboxes",
            &[("Authorization", &bearer(&hs_token))],
        )
    };
    let contacts = || {
        sb.get(
            "/keap/crm/rest/v1/contacts",
            &[("Authorization", &bearer(&keap_token))],
        )
    };
    // The token may already have expired on a slow machine; only the end state is asserted.
    std::thread::sleep(Duration::from_millis(1300));
    let r = mailboxes();
    assert_eq!(r.status, 401);
    assert!(r.json()["logRef"].is_string());
    let r = contacts();
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["fault"]["detail"]["errorcode"],
        "keymanagement.service.access_token_expired"
    );
    // The refresh token outlives the access token.
    let r = post_form(
        &sb,
        KEAP.token,
        Some(&basic(&kid, &ksecret)),
        &form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", k["refresh_token"].as_str().unwrap()),
        ]),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

/// The consent form's action, hidden request id and the texts around them.
fn consent_form(html: &str) -> (String, String) {
    let attr = |name: &str, after: &str| {
        let start = html
            .find(after)
            .unwrap_or_else(|| panic!("no {after} in {html}"));
        let rest = &html[start..];
        let key = format!("{name}=\"");
        let v = &rest[rest.find(&key).unwrap() + key.len()..];
        v[..v.find('"').unwrap()].to_owned()
    };
    (attr("action", "<form"), attr("value", "name=\"request\""))
}

#[test]
fn consent_page_approve_and_deny_through_the_form() {
    let sb = sandbox(false);
    let (id, _) = client(&sb, "pipedrive");
    let page = authorize(&sb, &PIPEDRIVE, Some(LOOPBACK), "&scope=base+deals%3Aread");
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let html = page.text();
    assert!(html.contains("Pipedrive"));
    assert!(html.contains(&id));
    assert!(html.contains("<li>base</li>") && html.contains("<li>deals:read</li>"));
    assert!(html.contains("id=\"approve\"") && html.contains("id=\"deny\""));
    let (action, request) = consent_form(&html);
    assert_eq!(action, PIPEDRIVE.authorize);
    let click = |request: &str, decision: &str| {
        post_form(
            &sb,
            &action,
            None,
            &form(&[("request", request), ("decision", decision)]),
        )
    };
    let (target, q) = redirected(&click(&request, "approve"));
    assert_eq!(target, LOOPBACK);
    assert_eq!(q["state"], "st-123");
    let code = q["code"].clone();
    // A form is answered once.
    assert_eq!(click(&request, "approve").status, 400);
    let (id, secret) = client(&sb, "pipedrive");
    let r = post_form(
        &sb,
        PIPEDRIVE.token,
        Some(&basic(&id, &secret)),
        &form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", LOOPBACK),
        ]),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["scope"], "base,deals:read");

    let (_, request) = consent_form(&authorize(&sb, &PIPEDRIVE, Some(LOOPBACK), "").text());
    let (target, q) = redirected(&click(&request, "deny"));
    assert_eq!(target, LOOPBACK);
    assert_eq!(q["error"], "access_denied");
    assert_eq!(q["state"], "st-123");
    assert!(!q.contains_key("code"));
}

#[test]
fn auto_approve_redirects_at_once() {
    let sb = sandbox(true);
    for svc in [&PIPEDRIVE, &HELPSCOUT, &KEAP, &TALKDESK] {
        let r = authorize(&sb, svc, Some("http://localhost:33333/callback"), "");
        let (target, q) = redirected(&r);
        assert_eq!(target, "http://localhost:33333/callback", "{}", svc.name);
        assert_eq!(q["state"], "st-123");
        assert_eq!(q["code"].len(), 40);
    }
}

#[test]
fn manifest_lists_clients_and_oauth_connection_strings_and_stats_reset() {
    let sb = sandbox(false);
    let base = &sb.base;
    let strings = |svc: &str| sb.manifest["services"][svc]["connection_strings"].clone();
    for svc in ["pipedrive", "helpscout", "keap", "talkdesk", "leaddesk"] {
        let (id, secret) = client(&sb, svc);
        assert_eq!(id.len(), 24);
        assert_eq!(secret.len(), 40);
        let oauth = &sb.manifest["services"][svc]["oauth"];
        assert!(oauth["token_url"]
            .as_str()
            .unwrap()
            .starts_with(base.as_str()));
        let s = strings(svc);
        let key = if svc == "leaddesk" {
            "OAUTH_PASSWORD"
        } else {
            "OAUTH"
        };
        let conn = s[key]
            .as_str()
            .unwrap_or_else(|| panic!("{svc} {key}: {s}"));
        assert!(conn.contains("InitiateOAuth=GETANDREFRESH"), "{conn}");
        assert!(conn.contains(&format!("OAuthClientId={id};OAuthClientSecret={secret}")));
        assert!(conn.contains(&format!(
            "OAuthAccessTokenURL={}",
            oauth["token_url"].as_str().unwrap()
        )));
        if svc != "leaddesk" {
            assert!(
                conn.contains("CallbackURL=http://127.0.0.1/callback"),
                "{conn}"
            );
            assert!(conn.contains(&format!(
                "OAuthAuthorizationURL={}",
                oauth["authorization_url"].as_str().unwrap()
            )));
        }
    }
    assert!(strings("pipedrive")["OAUTH"]
        .as_str()
        .unwrap()
        .contains(&format!(
            "OAuthAuthorizationURL={base}/pipedrive/oauth/authorize"
        )));
    let ld = strings("leaddesk")["OAUTH_PASSWORD"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(ld.contains(&format!(
        "User={};Password={}",
        sb.cred("leaddesk", "username"),
        sb.cred("leaddesk", "password")
    )));
    for svc in ["helpscout", "talkdesk"] {
        let s = strings(svc);
        assert!(s["OAUTH_CLIENT"]
            .as_str()
            .unwrap()
            .contains("AuthScheme=OAUTH_CLIENT"));
        let token = s["TOKEN"].as_str().unwrap();
        assert!(token.contains(&format!(
            "InitiateOAuth=OFF;OAuthAccessToken={}",
            sb.cred(svc, "access_token")
        )));
    }
    assert!(strings("talkdesk")["OAUTH_CLIENT"]
        .as_str()
        .unwrap()
        .contains("AccountName=sandbox"));
    assert!(strings("pipedrive").get("OAUTH_CLIENT").is_none());

    assert_eq!(
        oauth_stats(&sb),
        json!({"issued": {}, "refresh_reuse_detected": 0, "invalid_grant": 0})
    );
    let (id, secret) = client(&sb, "talkdesk");
    let r = post_form(
        &sb,
        TALKDESK.token,
        Some(&basic(&id, &secret)),
        "grant_type=client_credentials",
    );
    assert_eq!(r.status, 200);
    post_form(
        &sb,
        TALKDESK.token,
        Some(&basic(&id, &secret)),
        "grant_type=refresh_token&refresh_token=x",
    );
    let stats = oauth_stats(&sb);
    assert_eq!(stats["issued"]["client_credentials"], 1);
    assert_eq!(stats["invalid_grant"], 1);
    assert_eq!(sb.post("/_sandbox/reset", &[], "").status, 200);
    assert_eq!(
        oauth_stats(&sb),
        json!({"issued": {}, "refresh_reuse_detected": 0, "invalid_grant": 0})
    );
    // The token issued before the reset still works: reset clears counters only.
    let token = r.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        sb.get("/talkdesk/users", &[("Authorization", &bearer(&token))])
            .status,
        200
    );
}
