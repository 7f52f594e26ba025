//! Talkdesk documents no write for the contacts the profile reads (only `GET /contacts` and
//! `GET /contacts/{id}`, scope `contacts:read`), so the sandbox imitates none: a write is
//! refused with Talkdesk's error shape and changes nothing, and the manifest offers no `write`
//! example.

mod support;

use support::{request, Sandbox};

#[test]
fn contacts_take_no_writes() {
    let sb = Sandbox::with_records(10);
    let token = sb.cred("talkdesk", "access_token");
    let auth = format!("Bearer {token}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let first = sb.data("talkdesk", "contacts")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = br#"{"name": "Ada Lovelace"}"#;
    for (method, path) in [
        ("POST", "/talkdesk/contacts".to_owned()),
        ("PATCH", format!("/talkdesk/contacts/{first}")),
        ("PUT", format!("/talkdesk/contacts/{first}")),
        ("DELETE", format!("/talkdesk/contacts/{first}")),
    ] {
        let r = request(&sb.base, method, &path, &headers, Some(body));
        assert_eq!(r.status, 405, "{method} {path}: {}", r.text());
        assert_eq!(r.json()["code"], "0000405", "{method} {path}");
    }
    assert_eq!(sb.data("talkdesk", "contacts").len(), 10);
    let m = support::get(&sb.base, "/_sandbox/manifest", &[]).json();
    assert!(m["services"]["talkdesk"]["tables"]["contacts"]
        .get("write")
        .is_none());
}
