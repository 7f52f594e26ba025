//! Small helpers every service module shares: the service list, query parameters, credentials
//! in headers, JSON responses, paging over generated rows, and URL encoding.

use std::collections::HashMap;

use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

/// The imitated services; the index picks the service's rate-limit window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Pipedrive,
    HelpScout,
    HelpScoutDocs,
    Keap,
    Talkdesk,
    LeadDesk,
}

impl Service {
    pub const ALL: [Service; 6] = [
        Service::Pipedrive,
        Service::HelpScout,
        Service::HelpScoutDocs,
        Service::Keap,
        Service::Talkdesk,
        Service::LeadDesk,
    ];

    /// The name used in the manifest and in `/_sandbox/data/<service>/...`.
    pub fn name(self) -> &'static str {
        match self {
            Service::Pipedrive => "pipedrive",
            Service::HelpScout => "helpscout",
            Service::HelpScoutDocs => "helpscout_docs",
            Service::Keap => "keap",
            Service::Talkdesk => "talkdesk",
            Service::LeadDesk => "leaddesk",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

pub type Params = HashMap<String, String>;

/// A ready error response from parameter validation (boxed: a Response is large).
pub type Rejection = Box<Response>;

/// The decoded query string; a malformed one reads as empty, as lenient servers do.
pub fn params(uri: &Uri) -> Params {
    axum::extract::Query::<Params>::try_from_uri(uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

/// A non-empty parameter value.
pub fn param<'a>(p: &'a Params, key: &str) -> Option<&'a str> {
    p.get(key).map(String::as_str).filter(|v| !v.is_empty())
}

/// A numeric parameter; absent, empty or malformed reads as None (callers apply the default).
pub fn num(p: &Params, key: &str) -> Option<i64> {
    param(p, key).and_then(|v| v.trim().parse().ok())
}

pub fn json(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

pub fn ok(body: Value) -> Response {
    json(StatusCode::OK, body)
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive, as RFC 6750 allows).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The user part of `Authorization: Basic base64(user:password)`.
pub fn basic_user(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(b64.trim())?).ok()?;
    Some(
        decoded
            .split_once(':')
            .map_or(decoded.clone(), |(u, _)| u.to_owned()),
    )
}

/// A header's value as text.
pub fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

/// Standard base64 (padding optional); small enough not to need a crate.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes().filter(|b| *b != b'=') {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The rows of one page: indices `offset..offset+count` among the rows `keep` accepts, and the
/// number of accepted rows. Without a filter no row is generated just to be skipped, so deep
/// pages of a million-row table stay cheap.
pub fn select(
    n: usize,
    keep: Option<&dyn Fn(usize) -> bool>,
    offset: usize,
    count: usize,
) -> (Vec<usize>, usize) {
    match keep {
        None => {
            let start = offset.min(n);
            let end = offset.saturating_add(count).min(n);
            ((start..end).collect(), n)
        }
        Some(keep) => {
            let mut page = Vec::new();
            let mut total = 0;
            for i in (0..n).filter(|i| keep(*i)) {
                if total >= offset && page.len() < count {
                    page.push(i);
                }
                total += 1;
            }
            (page, total)
        }
    }
}

/// One record's value of the field a list is sorted by; empty values sort first.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Empty,
    Number(i64),
    Text(String),
}

/// `rows` ordered by `key`, ties in the order given (ids ascending), all reversed for a
/// descending sort: what the sandbox's APIs do with their sort parameters.
pub fn sorted_rows<K: Ord>(
    rows: impl IntoIterator<Item = usize>,
    key: impl Fn(usize) -> K,
    descending: bool,
) -> Vec<usize> {
    let mut keyed: Vec<(K, usize)> = rows.into_iter().map(|i| (key(i), i)).collect();
    keyed.sort();
    if descending {
        keyed.reverse();
    }
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `k=v&k=v` from pairs, sorted by key so generated links are stable.
pub fn query_string(pairs: &[(String, String)]) -> String {
    let mut pairs: Vec<&(String, String)> = pairs.iter().collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A JSON response from an already serialised body (the hot list paths write JSON directly).
pub fn json_text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Appends `s` as a JSON string literal.
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a JSON string literal or `null`.
pub fn push_json_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_json_str(out, s),
        None => out.push_str("null"),
    }
}

/// Parses an id path segment; anything else is "not found" rather than axum's plain-text 400.
pub fn id_of(s: &str, n: usize) -> Option<usize> {
    let id: usize = s.parse().ok()?;
    (1..=n).contains(&id).then(|| id - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_paging() {
        assert_eq!(base64_decode("a2V5Olg=").as_deref(), Some(&b"key:X"[..]));
        let even = |i: usize| i.is_multiple_of(2);
        assert_eq!(select(10, Some(&even), 2, 2), (vec![4, 6], 5));
        assert_eq!(select(10, None, 8, 5), (vec![8, 9], 10));
        assert_eq!(encode("a b&é"), "a%20b%26%C3%A9");
        let mut out = String::new();
        push_json_str(&mut out, "O'Brien \"q\" \\ \n \u{1}é");
        let back: String = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(back, "O'Brien \"q\" \\ \n \u{1}é");
    }
}
