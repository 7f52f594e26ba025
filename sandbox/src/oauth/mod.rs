//! The sandbox's OAuth 2.0 authorization servers, one per service, sharing one engine.
//!
//! This module owns the engine: the registered clients (derived from the seed), pending consent
//! requests, authorization codes (single use, 60 s), access tokens (`--token-lifetime`), refresh
//! tokens grouped in token families (rotation with reuse detection: presenting a rotated refresh
//! token revokes its whole family), PKCE S256 verification, redirect-URI matching (exact, except
//! the port of loopback IP literals, RFC 8252 §7.3) and the counters `/_sandbox/stats` reports.
//!
//! `providers` holds what differs per service (paths, client authentication, grants, response
//! and error shapes) and the token endpoint; `consent` the authorize endpoint and its page.
//! Nothing here knows a service's data; the API guard only asks [`OAuth::access_state`].

mod consent;
mod providers;

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::Service;
use crate::data::{mix, Gen};
use crate::AppState;

pub use providers::extend_manifest;

/// How long an authorization code may be redeemed.
pub const CODE_LIFETIME: Duration = Duration::from_secs(60);
/// How long a consent page may be answered.
const PENDING_LIFETIME: Duration = Duration::from_secs(600);
/// Above this many entries, expired ones are swept on the next insert.
const SWEEP_AT: usize = 4096;

/// The redirect URIs registered for every client: a `localhost` one with a fixed port (matched
/// exactly, as the commercial driver's docs register it) and loopback IP literals (any port).
pub const REDIRECT_URIS: [&str; 3] = [
    "http://localhost:33333/callback",
    "http://127.0.0.1/callback",
    "http://[::1]/callback",
];

/// The services with an OAuth server (Help Scout Docs has API keys only).
pub const SERVICES: [Service; 5] = [
    Service::Pipedrive,
    Service::HelpScout,
    Service::Keap,
    Service::Talkdesk,
    Service::LeadDesk,
];

pub fn router() -> Router<AppState> {
    providers::router()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    Password,
}

impl Grant {
    pub fn parse(s: &str) -> Option<Grant> {
        Some(match s {
            "authorization_code" => Grant::AuthorizationCode,
            "refresh_token" => Grant::RefreshToken,
            "client_credentials" => Grant::ClientCredentials,
            "password" => Grant::Password,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authorization_code",
            Grant::RefreshToken => "refresh_token",
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
        }
    }
}

/// RFC 6749 §5.2 error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnsupportedGrantType,
}

impl ErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::InvalidClient => "invalid_client",
            ErrorKind::InvalidGrant => "invalid_grant",
            ErrorKind::UnsupportedGrantType => "unsupported_grant_type",
        }
    }
}

/// A token-endpoint failure before it is put in the service's error shape.
#[derive(Clone, Debug)]
pub struct OAuthError {
    pub kind: ErrorKind,
    /// Phrased to follow Pipedrive's `Invalid grant: ` style prefix, e.g. `code is invalid`.
    pub desc: String,
}

impl OAuthError {
    pub fn new(kind: ErrorKind, desc: impl Into<String>) -> Self {
        OAuthError {
            kind,
            desc: desc.into(),
        }
    }

    fn grant(desc: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidGrant, desc)
    }
}

/// A registered OAuth client of one service.
pub struct Client {
    pub service: Service,
    pub id: String,
    pub secret: String,
    /// The resource owner the password grant accepts (LeadDesk only).
    pub user: Option<(String, String)>,
}

/// What an authorize request asked for, once validated; a code carries it to the token request.
#[derive(Clone, Debug)]
pub struct AuthzRequest {
    pub service: Service,
    pub client_id: String,
    /// The redirect the user agent goes to (the given one, or the default where omitted).
    pub redirect_uri: String,
    /// Whether the request named `redirect_uri`; if it did, the token request must repeat it.
    pub redirect_given: bool,
    pub scope: String,
    pub state: Option<String>,
    /// The S256 code challenge, when the request carried one.
    pub challenge: Option<String>,
}

/// Tokens handed out by one successful token request.
pub struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: u64,
    pub scope: String,
    /// Talkdesk's session id, constant within a token family.
    pub sid: String,
    pub grant: Grant,
}

/// What an API's guard learns about a bearer token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessState {
    Valid,
    Expired,
    /// Never issued, issued for another service, or revoked.
    Unknown,
}

struct Pending {
    req: AuthzRequest,
    expires: Instant,
}

struct Code {
    req: AuthzRequest,
    expires: Instant,
    /// The family the code was redeemed into; a second redemption revokes it.
    redeemed: Option<u64>,
}

struct Access {
    service: Service,
    family: u64,
    expires: Instant,
}

struct Refresh {
    family: u64,
    /// False once rotated away: presenting it again is reuse.
    active: bool,
}

struct Family {
    service: Service,
    client_id: String,
    scope: String,
    sid: String,
    revoked: bool,
}

#[derive(Default)]
struct Counters {
    issued: BTreeMap<&'static str, u64>,
    reuse: u64,
    invalid_grant: u64,
}

#[derive(Default)]
struct Inner {
    pending: HashMap<String, Pending>,
    codes: HashMap<String, Code>,
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
    families: HashMap<u64, Family>,
    next_family: u64,
    counters: Counters,
}

impl Inner {
    fn new_family(&mut self, service: Service, client_id: &str, scope: &str, sid: String) -> u64 {
        self.next_family += 1;
        let id = self.next_family;
        self.families.insert(
            id,
            Family {
                service,
                client_id: client_id.to_owned(),
                scope: scope.to_owned(),
                sid,
                revoked: false,
            },
        );
        id
    }

    fn revoke(&mut self, family: u64) {
        if let Some(f) = self.families.get_mut(&family) {
            f.revoked = true;
        }
    }

    fn count_issued(&mut self, grant: Grant) {
        *self.counters.issued.entry(grant.name()).or_default() += 1;
    }

    /// Drops expired codes, consent requests and access tokens once the maps grow.
    fn sweep(&mut self, now: Instant) {
        if self.codes.len() > SWEEP_AT {
            self.codes.retain(|_, c| c.expires > now);
        }
        if self.pending.len() > SWEEP_AT {
            self.pending.retain(|_, p| p.expires > now);
        }
        if self.access.len() > SWEEP_AT {
            self.access.retain(|_, a| a.expires > now);
        }
    }
}

/// The engine every service's authorization server uses.
pub struct OAuth {
    clients: Vec<Client>,
    lifetime: u64,
    /// Per-process salt: tokens differ between runs even with one seed, so a token stored by
    /// an earlier run never matches one issued by this run.
    salt: u64,
    counter: AtomicU64,
    inner: Mutex<Inner>,
}

impl OAuth {
    pub fn new(g: &Gen, token_lifetime: u64) -> Self {
        let clients = SERVICES
            .iter()
            .enumerate()
            .map(|(k, svc)| {
                let field = 100 + k as u64 * 4;
                Client {
                    service: *svc,
                    id: g.hex(0x0A07, 0, field, 24),
                    secret: g.hex(0x0A07, 0, field + 1, 40),
                    user: (*svc == Service::LeadDesk).then(|| {
                        (
                            format!("agent.{}@sandbox.example", g.hex(0x0A07, 0, field + 2, 6)),
                            g.hex(0x0A07, 0, field + 3, 16),
                        )
                    }),
                }
            })
            .collect();
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        OAuth {
            clients,
            lifetime: token_lifetime,
            salt: RandomState::new().hash_one(now),
            counter: AtomicU64::new(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn client(&self, svc: Service) -> Option<&Client> {
        self.clients.iter().find(|c| c.service == svc)
    }

    /// `hex_chars` random-looking hex characters (not guessable across runs).
    fn random_hex(&self, hex_chars: usize) -> String {
        let mut out = String::with_capacity(hex_chars + 16);
        while out.len() < hex_chars {
            let n = self.counter.fetch_add(1, Ordering::Relaxed);
            out.push_str(&format!("{:016x}", mix(self.salt ^ mix(n))));
        }
        out.truncate(hex_chars);
        out
    }

    fn new_token(&self, svc: Service) -> String {
        match svc {
            // Pipedrive's tokens carry a version and ids before the secret part.
            Service::Pipedrive => format!("v1u:{}", self.random_hex(48)),
            _ => self.random_hex(48),
        }
    }

    fn expiry(&self) -> Instant {
        Instant::now() + Duration::from_secs(self.lifetime)
    }

    /// Remembers a validated authorize request until the consent page is answered.
    pub fn begin(&self, req: AuthzRequest) -> String {
        let id = self.random_hex(32);
        let now = Instant::now();
        let mut inner = self.lock();
        inner.sweep(now);
        inner.pending.insert(
            id.clone(),
            Pending {
                req,
                expires: now + PENDING_LIFETIME,
            },
        );
        id
    }

    /// The pending request behind a consent form (each can be answered once).
    pub fn take_pending(&self, svc: Service, id: &str) -> Option<AuthzRequest> {
        let mut inner = self.lock();
        let p = inner.pending.remove(id)?;
        (p.req.service == svc && p.expires > Instant::now()).then_some(p.req)
    }

    /// A fresh authorization code for an approved request.
    pub fn issue_code(&self, req: AuthzRequest) -> String {
        let code = self.random_hex(40);
        let now = Instant::now();
        let mut inner = self.lock();
        inner.sweep(now);
        inner.codes.insert(
            code.clone(),
            Code {
                req,
                expires: now + CODE_LIFETIME,
                redeemed: None,
            },
        );
        code
    }

    /// Redeems a code (authorization_code grant) for `client_id`.
    pub fn exchange_code(
        &self,
        svc: Service,
        client_id: &str,
        code: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
    ) -> Result<Issued, OAuthError> {
        let now = Instant::now();
        let access = self.new_token(svc);
        let refresh = self.new_token(svc);
        let sid = self.random_hex(32);
        let mut inner = self.lock();
        let Some(c) = inner.codes.get(code).filter(|c| c.req.service == svc) else {
            return Err(OAuthError::grant("code is invalid"));
        };
        if let Some(family) = c.redeemed {
            // RFC 6749 §4.1.2: a code used twice revokes what it was exchanged for.
            inner.revoke(family);
            return Err(OAuthError::grant("code has already been used"));
        }
        if c.expires <= now {
            return Err(OAuthError::grant("code has expired"));
        }
        let req = c.req.clone();
        if req.client_id != client_id {
            return Err(OAuthError::grant("code was issued to another client"));
        }
        match redirect_uri {
            Some(r) if r != req.redirect_uri => {
                return Err(OAuthError::grant(
                    "redirect_uri does not match the authorization request",
                ))
            }
            None if req.redirect_given => {
                return Err(OAuthError::new(
                    ErrorKind::InvalidRequest,
                    "redirect_uri is missing (the authorization request had one)",
                ))
            }
            _ => {}
        }
        match (&req.challenge, verifier) {
            (Some(challenge), Some(v)) => {
                if !valid_verifier(v) || pkce_s256(v) != *challenge {
                    return Err(OAuthError::grant("code_verifier is invalid"));
                }
            }
            (Some(_), None) => return Err(OAuthError::grant("code_verifier is missing")),
            // RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
            (None, Some(_)) => {
                return Err(OAuthError::grant(
                    "code_verifier was sent but the authorization request had no code_challenge",
                ))
            }
            (None, None) => {}
        }
        let family = inner.new_family(svc, client_id, &req.scope, sid);
        if let Some(c) = inner.codes.get_mut(code) {
            c.redeemed = Some(family);
        }
        Ok(self.grant_tokens(
            &mut inner,
            family,
            access,
            Some(refresh),
            Grant::AuthorizationCode,
        ))
    }

    /// The refresh_token grant; `rotate` replaces the refresh token and retires the old one.
    pub fn refresh(
        &self,
        svc: Service,
        client_id: &str,
        token: &str,
        rotate: bool,
    ) -> Result<Issued, OAuthError> {
        let access = self.new_token(svc);
        let next = self.new_token(svc);
        let mut inner = self.lock();
        let Some(r) = inner.refresh.get(token) else {
            return Err(OAuthError::grant("refresh_token is invalid"));
        };
        let (family, active) = (r.family, r.active);
        let Some(f) = inner.families.get(&family) else {
            return Err(OAuthError::grant("refresh_token is invalid"));
        };
        if f.service != svc || f.client_id != client_id {
            return Err(OAuthError::grant(
                "refresh_token is invalid for this client",
            ));
        }
        if !active {
            // RFC 9700 §4.14.2: a rotated token came back, so one of its holders is an
            // impostor; revoke the whole family, the legitimate holder included.
            inner.revoke(family);
            inner.counters.reuse += 1;
            return Err(OAuthError::grant(
                "refresh_token has already been used; its token family is revoked",
            ));
        }
        if f.revoked {
            return Err(OAuthError::grant("refresh_token has been revoked"));
        }
        let refresh = if rotate {
            if let Some(r) = inner.refresh.get_mut(token) {
                r.active = false;
            }
            next
        } else {
            token.to_owned()
        };
        Ok(self.grant_tokens(
            &mut inner,
            family,
            access,
            Some(refresh),
            Grant::RefreshToken,
        ))
    }

    /// client_credentials and password grants: a family of their own, with a refresh token
    /// only where `with_refresh`.
    pub fn direct(
        &self,
        svc: Service,
        client_id: &str,
        scope: &str,
        grant: Grant,
        with_refresh: bool,
    ) -> Issued {
        let access = self.new_token(svc);
        let refresh = with_refresh.then(|| self.new_token(svc));
        let sid = self.random_hex(32);
        let mut inner = self.lock();
        let family = inner.new_family(svc, client_id, scope, sid);
        self.grant_tokens(&mut inner, family, access, refresh, grant)
    }

    fn grant_tokens(
        &self,
        inner: &mut Inner,
        family: u64,
        access: String,
        refresh: Option<String>,
        grant: Grant,
    ) -> Issued {
        let now = Instant::now();
        inner.sweep(now);
        let (service, scope, sid) = match inner.families.get(&family) {
            Some(f) => (f.service, f.scope.clone(), f.sid.clone()),
            None => (Service::HelpScoutDocs, String::new(), String::new()),
        };
        inner.access.insert(
            access.clone(),
            Access {
                service,
                family,
                expires: self.expiry(),
            },
        );
        if let Some(r) = &refresh {
            inner.refresh.insert(
                r.clone(),
                Refresh {
                    family,
                    active: true,
                },
            );
        }
        inner.count_issued(grant);
        Issued {
            access_token: access,
            refresh_token: refresh,
            expires_in: self.lifetime,
            scope,
            sid,
            grant,
        }
    }

    /// Whether an API of `svc` accepts `token` as a bearer token.
    pub fn access_state(&self, svc: Service, token: &str) -> AccessState {
        let inner = self.lock();
        let Some(a) = inner.access.get(token).filter(|a| a.service == svc) else {
            return AccessState::Unknown;
        };
        if inner.families.get(&a.family).is_none_or(|f| f.revoked) {
            AccessState::Unknown
        } else if a.expires <= Instant::now() {
            AccessState::Expired
        } else {
            AccessState::Valid
        }
    }

    pub fn count_invalid_grant(&self) {
        self.lock().counters.invalid_grant += 1;
    }

    /// `{"issued": {"<grant type>": N}, "refresh_reuse_detected": N, "invalid_grant": N}`.
    pub fn stats(&self) -> Value {
        let inner = self.lock();
        let c = &inner.counters;
        json!({
            "issued": c.issued,
            "refresh_reuse_detected": c.reuse,
            "invalid_grant": c.invalid_grant,
        })
    }

    /// Clears the counters (tokens, codes and families stay valid).
    pub fn reset_stats(&self) {
        self.lock().counters = Counters::default();
    }
}

/// BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2).
pub fn pkce_s256(verifier: &str) -> String {
    base64url(&Sha256::digest(verifier.as_bytes()))
}

/// RFC 7636 §4.1: 43 to 128 characters from the unreserved set.
pub fn valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// A well-formed S256 challenge: 43 base64url characters (a 32-byte digest).
pub fn valid_challenge(c: &str) -> bool {
    c.len() == 43
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// Base64url without padding (RFC 4648 §5).
pub fn base64url(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for k in 0..=chunk.len() {
            out.push(char::from(T[((n >> (18 - 6 * k)) & 63) as usize]));
        }
    }
    out
}

/// A loopback IP redirect split into host and everything after the port.
fn loopback_parts(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("http://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (h, p) = authority.split_at(close + 1);
        (h, p)
    } else {
        match authority.find(':') {
            Some(i) => authority.split_at(i),
            None => (authority, ""),
        }
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    (matches!(host, "127.0.0.1" | "[::1]") && port_ok).then_some((host, tail))
}

/// RFC 9700 §4.1.3: exact string match, except the port of loopback IP literal redirects of
/// native apps (RFC 8252 §7.3). `localhost` is matched exactly, port included.
pub fn redirect_matches(registered: &str, given: &str) -> bool {
    if registered == given {
        return true;
    }
    match (loopback_parts(registered), loopback_parts(given)) {
        (Some(r), Some(g)) => r == g,
        _ => false,
    }
}

/// The redirects registered for `svc`'s client: [`REDIRECT_URIS`], and the loopback IP literals
/// with the service's own path, which is where apiodbc's desktop flow listens without a
/// CallbackURL (one path per service: RFC 9700's mix-up defence).
pub fn redirect_uris(svc: Service) -> Vec<String> {
    let mut all: Vec<String> = REDIRECT_URIS.iter().map(|r| r.to_string()).collect();
    for host in ["127.0.0.1", "[::1]"] {
        all.push(format!("http://{host}/{}/callback", svc.name()));
    }
    all
}

/// Whether `uri` is one of the redirects registered for `svc`'s client.
pub fn registered_redirect(svc: Service, uri: &str) -> bool {
    redirect_uris(svc).iter().any(|r| redirect_matches(r, uri))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(valid_verifier(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        ));
        assert!(!valid_verifier("short"));
        assert!(valid_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
    }

    #[test]
    fn redirects_match_exactly_except_loopback_ports() {
        let ip = "http://127.0.0.1/callback";
        assert!(redirect_matches(ip, "http://127.0.0.1:49152/callback"));
        assert!(redirect_matches(ip, "http://127.0.0.1/callback"));
        assert!(!redirect_matches(ip, "http://127.0.0.1:49152/other"));
        assert!(!redirect_matches(ip, "http://127.0.0.1:49152/callback/x"));
        assert!(!redirect_matches(ip, "http://127.0.0.1:x/callback"));
        assert!(!redirect_matches(ip, "https://127.0.0.1:5/callback"));
        assert!(!redirect_matches(ip, "http://127.0.0.2:5/callback"));
        assert!(!redirect_matches(
            ip,
            "http://127.0.0.1@evil.example/callback"
        ));
        assert!(redirect_matches(
            "http://[::1]/callback",
            "http://[::1]:8080/callback"
        ));
        let host = "http://localhost:33333/callback";
        assert!(redirect_matches(host, host));
        assert!(!redirect_matches(host, "http://localhost:33334/callback"));
        assert!(!redirect_matches(host, "http://localhost/callback"));
        assert!(registered_redirect(
            Service::Pipedrive,
            "http://127.0.0.1:1234/callback"
        ));
        assert!(!registered_redirect(
            Service::Pipedrive,
            "http://evil.example/callback"
        ));
        // Each service's own loopback path is registered for it alone.
        assert!(registered_redirect(
            Service::Keap,
            "http://[::1]:4321/keap/callback"
        ));
        assert!(!registered_redirect(
            Service::Pipedrive,
            "http://127.0.0.1:4321/keap/callback"
        ));
    }

    #[test]
    fn rotation_reuse_revokes_the_family() {
        let o = OAuth::new(&Gen::new(1), 60);
        let first = o.direct(Service::Keap, "c", "full", Grant::AuthorizationCode, true);
        let rt = first.refresh_token.clone().unwrap_or_default();
        let second = o.refresh(Service::Keap, "c", &rt, true).expect("refresh");
        assert_ne!(second.refresh_token.as_deref(), Some(rt.as_str()));
        assert_eq!(
            o.access_state(Service::Keap, &second.access_token),
            AccessState::Valid
        );
        assert!(o.refresh(Service::Keap, "c", &rt, true).is_err());
        assert_eq!(
            o.access_state(Service::Keap, &second.access_token),
            AccessState::Unknown
        );
        let newest = second.refresh_token.unwrap_or_default();
        assert!(o.refresh(Service::Keap, "c", &newest, true).is_err());
        assert_eq!(o.stats()["refresh_reuse_detected"], 1);
        assert_eq!(
            o.access_state(Service::Pipedrive, &first.access_token),
            AccessState::Unknown
        );
    }
}
