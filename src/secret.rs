//! `Secret`: a password, client secret, token, API key, code or verifier. It cannot be printed:
//! `Debug` and `Display` show a mask, so a secret that reaches a log line, a diagnostic or a panic
//! message by mistake shows up as `********`. Read the value only where it is sent over the wire.
//!
//! Text the driver did not write can hold a secret too: an API's error message that echoes the
//! key it was sent (`api key FAKE-KEY-… is not valid`), a URL with a password in it. So every live
//! `Secret` is also counted in a process-wide registry, and [`mask_secrets`] replaces each
//! registered value, as a whole, wherever it appears; diagnostics and the log pass through it.

use std::borrow::Cow;
use std::fmt;
use std::sync::Mutex;

/// Whether a name holds a secret, wherever names are judged: connection properties and profile
/// settings (which invent their own names) and the keys the log's redaction masks. A name with
/// `token`, `secret`, `password`, `passphrase`, `verifier` or `apikey` in it, or ending in `key`,
/// is secret, except a name of where or how a secret goes: `…URL`, `…URI` (endpoints),
/// `APITokenIn` (placement), `token_type`, `token_format`, `…Header`.
pub fn names_a_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if ["url", "uri", "in", "type", "format", "header"]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
    {
        return false;
    }
    matches!(lower.as_str(), "pwd" | "passwd")
        || lower.ends_with("key")
        || [
            "token",
            "secret",
            "password",
            "passphrase",
            "verifier",
            "apikey",
            "api_key",
            "api-key",
        ]
        .iter()
        .any(|part| lower.contains(part))
}

#[derive(PartialEq, Eq, Default)]
pub struct Secret(String);

/// Values shorter than this are not masked in free text: a one-letter password ("X", Help
/// Scout's placeholder) would otherwise erase that letter from every message.
const MIN_MASKED_LEN: usize = 4;

/// Each live secret value with the number of `Secret`s holding it.
static LIVE: Mutex<Vec<(String, usize)>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<(String, usize)>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

fn register(value: &str) {
    if value.len() < MIN_MASKED_LEN {
        return;
    }
    let mut live = live();
    match live.iter_mut().find(|(v, _)| v == value) {
        Some((_, count)) => *count += 1,
        None => live.push((value.to_string(), 1)),
    }
}

fn unregister(value: &str) {
    if value.len() < MIN_MASKED_LEN {
        return;
    }
    let mut live = live();
    if let Some(i) = live.iter().position(|(v, _)| v == value) {
        live[i].1 -= 1;
        if live[i].1 == 0 {
            let (mut gone, _) = live.swap_remove(i);
            zero(&mut gone);
        }
    }
}

/// `text` with every live secret value (and any password in a URL) replaced by the mask.
pub fn mask_secrets(text: &str) -> Cow<'_, str> {
    let mut values: Vec<String> = {
        let live = live();
        let mut found = Vec::new();
        for (v, _) in live.iter() {
            if text.contains(v.as_str()) {
                found.push(v.clone());
            }
            // As a URL's query carries it (`a+b%2Fc`).
            let encoded: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            if encoded != *v && text.contains(encoded.as_str()) {
                found.push(encoded);
            }
            // The form `{:?}` writes it in (quotes and backslashes escaped), as log lines hold it.
            if v.contains(['"', '\\']) {
                let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
                if text.contains(escaped.as_str()) {
                    found.push(escaped);
                }
            }
        }
        found
    };
    let mut out = Cow::Borrowed(text);
    // Longest first, so a secret that contains another is masked whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for v in &values {
        if out.contains(v.as_str()) {
            out = Cow::Owned(out.replace(v.as_str(), Secret::MASK));
        }
    }
    for v in &mut values {
        zero(v);
    }
    match mask_url_passwords(&out) {
        Cow::Borrowed(_) => out,
        Cow::Owned(masked) => Cow::Owned(masked),
    }
}

/// The start of `text` for a message: secrets masked first (a cut could leave half of one
/// unrecognised), then at most `max_chars` characters, `…` marking a cut.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let masked = mask_secrets(text);
    if masked.chars().count() <= max_chars {
        return masked.into_owned();
    }
    masked.chars().take(max_chars).collect::<String>() + "…"
}

/// `scheme://user:password@host` → `scheme://user:********@host`.
pub fn mask_url_passwords(text: &str) -> Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| {
                matches!(c, '/' | '?' | '#') || c.is_whitespace() || c == '\'' || c == '"'
            })
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon + 1]);
                        out.push_str(Secret::MASK);
                    }
                    None => out.push_str(Secret::MASK),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn zero(value: &mut String) {
    let mut bytes = std::mem::take(value).into_bytes();
    for b in bytes.iter_mut() {
        // `black_box` keeps the compiler from treating the writes as dead stores.
        *std::hint::black_box(b) = 0;
    }
}

impl Clone for Secret {
    fn clone(&self) -> Secret {
        Secret::new(self.0.clone())
    }
}

impl Secret {
    pub const MASK: &'static str = "********";

    pub fn new(value: impl Into<String>) -> Secret {
        let value = value.into();
        register(&value);
        Secret(value)
    }

    /// The value itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Secret::MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Secret::MASK)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        unregister(&self.0);
        // Overwrite the bytes so a freed secret does not linger in the heap for a core dump to show.
        zero(&mut self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::{names_a_secret, Secret};

    #[test]
    fn names_of_secrets_and_of_where_they_go() {
        for secret in [
            "APIToken",
            "OAuthAccessToken",
            "OAuthClientSecret",
            "Password",
            "PWD",
            "APIKey",
            "x-api-token",
            "client_secret",
            "code_verifier",
            "PKCEVerifier",
            "api_key",
            "ClientKey",
        ] {
            assert!(names_a_secret(secret), "{secret}");
        }
        for plain in [
            "APITokenIn",
            "OAuthAccessTokenURL",
            "redirect_uri",
            "token_type",
            "token_format",
            "APIKeyHeader",
            "keyword",
            "AuthScheme",
            "CompanyDomain",
            "expires_in",
        ] {
            assert!(!names_a_secret(plain), "{plain}");
        }
    }

    #[test]
    fn live_secrets_are_masked_whole_in_any_text() {
        let key = Secret::new("FAKE-API-KEY-correct horse \"battery\"");
        let short = Secret::new("X");
        let text = "api key FAKE-API-KEY-correct horse \"battery\" is not valid; user X";
        assert_eq!(
            super::mask_secrets(text),
            "api key ******** is not valid; user X"
        );
        let copy = key.clone();
        drop(key);
        assert!(super::mask_secrets(text).contains("********"));
        drop(copy);
        assert_eq!(super::mask_secrets(text), text);
        drop(short);
        let quoted = Secret::new("pass \"phrase\" here");
        assert_eq!(
            super::mask_secrets(r#"value: "pass \"phrase\" here""#),
            r#"value: "********""#
        );
        drop(quoted);
        let spaced = Secret::new("key with/slash");
        assert_eq!(
            super::mask_secrets("GET /x?api_token=key+with%2Fslash&y=1"),
            "GET /x?api_token=********&y=1"
        );
        drop(spaced);
        assert_eq!(
            super::mask_secrets("BaseURL https://alice:S3cretPw@api.example.com/v1 and http://h/x"),
            "BaseURL https://alice:********@api.example.com/v1 and http://h/x"
        );
    }

    #[test]
    fn secret_never_prints_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "******** ********");
        assert_eq!(s.expose(), "hunter2");
    }
}
