//! The one-shot loopback listener of the desktop OAuth flow (RFC 8252 §7.3, §8.3).
//!
//! - Without a CallbackURL it binds `127.0.0.1:0` and the redirect is
//!   `http://127.0.0.1:<port>/<profile>/callback` ([`default_path`]: one path per service, the
//!   mix-up defence of RFC 9700 §4.4.2).
//! - With a CallbackURL it binds that URL's host and port, and the redirect is the CallbackURL
//!   byte-for-byte. Any host that is not loopback is refused; `[::1]` binds IPv6; `localhost`
//!   binds `127.0.0.1` and, where the machine has it, `[::1]` on the same port, since browsers
//!   resolve the name to either. A CallbackURL without a port (`http://127.0.0.1/callback`) gets
//!   a free port, inserted into the URL as written: RFC 8252 §7.3 makes servers accept any port
//!   on a loopback redirect.
//! - It accepts connections (each handled on its own task, so a browser's idle pre-connection
//!   cannot stall it) until ONE valid callback: a `GET` of the redirect's path with a `state`
//!   equal, compared in constant time, to the one sent. Requests for another path, or with a
//!   missing or wrong state, get a 400 page and are ignored. A callback with the right state and
//!   an `error`, or an `iss` naming another server, ends the wait with that error and no token
//!   request. After the timeout (OAuthBrowserTimeout, default [`DEFAULT_TIMEOUT`]) it fails with
//!   28000. The sockets close when the wait ends.
//!
//! Requests are parsed by hand (request line, then the query with `url`'s form decoder); at most
//! [`MAX_HEAD`] bytes of a request are read. Nothing secret (code, state) is logged.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::authorization_response::{AuthorizationResponse, Issuer};
use super::pkce::constant_time_eq;
use crate::error::{AuthError, Error, Result};
use crate::secret::Secret;

/// The most of a request (line and headers) that is read.
pub const MAX_HEAD: usize = 8192;
/// How long one connection may take to send its request line.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_PATH: &str = "/callback";

const PAGE_DONE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>apiodbc</title></head><body><p>apiodbc: you can close this window.</p></body></html>";
const PAGE_FAILED: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>apiodbc</title></head><body><p>apiodbc: the authorization was not completed; the application says why. You can close this window.</p></body></html>";
const PAGE_BAD: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>apiodbc</title></head><body><p>apiodbc: this is not the answer to the authorization in progress.</p></body></html>";

fn auth_error(message: String) -> Error {
    Error::new(AuthError::Flow, message)
}

/// The method and the request target of an HTTP/1.x request line.
pub fn parse_request_line(line: &str) -> Option<(&str, &str)> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
        || !target.starts_with('/')
        || !version.starts_with("HTTP/1.")
    {
        return None;
    }
    Some((method, target))
}

/// What one request to the listener amounts to.
#[derive(Debug)]
pub enum Callback {
    /// The authorization code, with the right state and no foreign issuer.
    Code(Secret),
    /// The right state, and an answer that ends the flow without a code: an `error` from the
    /// server, or an `iss` naming another server.
    Failed(Error),
    /// Anything else: answered with 400 and ignored.
    Ignored(&'static str),
}

/// What the listener expects of the one valid callback.
pub struct Expected<'a> {
    pub state: &'a Secret,
    pub issuer: Option<&'a Issuer>,
    /// For messages: the profile being authorized.
    pub profile: &'a str,
}

/// Classifies a request for `target` against the expected `path`, state and issuer.
pub fn classify(method: &str, target: &str, path: &str, expected: &Expected<'_>) -> Callback {
    if method != "GET" {
        return Callback::Ignored("not a GET");
    }
    let (req_path, query) = target.split_once('?').unwrap_or((target, ""));
    if req_path != path {
        return Callback::Ignored("another path");
    }
    let response = AuthorizationResponse::from_query(query);
    // Only an answer carrying this flow's state may end it: anything else could be any web page
    // poking at the port.
    match &response.state {
        None => return Callback::Ignored("no state"),
        Some(got) if !constant_time_eq(got.expose(), expected.state.expose()) => {
            return Callback::Ignored("wrong state")
        }
        Some(_) => {}
    }
    if response.code.is_none() && response.error.is_none() {
        return Callback::Ignored("no code");
    }
    match response.into_code(Some(expected.state), expected.issuer, expected.profile) {
        Ok(code) => Callback::Code(code),
        Err(e) => Callback::Failed(e),
    }
}

/// The port written in `url` after its host, if any (`url::Url` hides a port of 80 for http).
fn explicit_port(raw: &str) -> Option<&str> {
    let rest = raw.split_once("://")?.1;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let after_host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']')?.1,
        None => host_port.find(':').map_or("", |i| &host_port[i..]),
    };
    after_host.strip_prefix(':').filter(|p| !p.is_empty())
}

/// Where to listen and what redirect URI to send, before binding.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    pub addr: SocketAddr,
    /// `localhost`: also listen on `[::1]` at the same port, since a browser may resolve the
    /// name to either address (RFC 8252 §7.3 recommends both).
    pub ipv6_twin: bool,
    /// `None`: the port is free and goes into the URL once bound.
    pub redirect: Option<String>,
    /// For a free port: the URL before and after the `:<port>` to insert.
    pub around_port: (String, String),
    pub path: String,
}

/// Works out the listener's address and redirect from the CallbackURL, or else the default
/// `http://127.0.0.1:<free port><default_path>`.
pub fn plan(callback_url: Option<&str>, default_path: &str) -> Result<Plan> {
    let Some(raw) = callback_url.filter(|c| !c.trim().is_empty()) else {
        return Ok(Plan {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            ipv6_twin: false,
            redirect: None,
            around_port: ("http://127.0.0.1".into(), default_path.into()),
            path: default_path.into(),
        });
    };
    let bad = |why: &str| {
        auth_error(format!(
            "CallbackURL '{raw}' cannot be used for the desktop OAuth flow: {why}"
        ))
    };
    let url = url::Url::parse(raw).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "http" {
        return Err(bad("the browser's redirect is received on a plain http:// loopback listener; use e.g. http://127.0.0.1:<port>/callback"));
    }
    let (ip, ipv6_twin) = match url.host() {
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
            (IpAddr::V4(Ipv4Addr::LOCALHOST), true)
        }
        Some(url::Host::Ipv4(a)) if a.is_loopback() => (IpAddr::V4(a), false),
        Some(url::Host::Ipv6(a)) if a.is_loopback() => (IpAddr::V6(a), false),
        _ => return Err(bad("the listener binds the loopback interface only, so the host must be 127.0.0.1, [::1] or localhost")),
    };
    let path = url.path().to_string();
    match explicit_port(raw) {
        Some(_) => Ok(Plan {
            addr: SocketAddr::new(ip, url.port_or_known_default().unwrap_or(80)),
            ipv6_twin,
            redirect: Some(raw.to_string()),
            around_port: (String::new(), String::new()),
            path,
        }),
        None => {
            let rest = raw.split_once("://").map_or("", |(_, r)| r);
            let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let scheme_len = raw.len() - rest.len();
            Ok(Plan {
                addr: SocketAddr::new(ip, 0),
                ipv6_twin,
                redirect: None,
                around_port: (
                    // `http://127.0.0.1:/x` (an empty port) counts as no port.
                    raw[..scheme_len + split].trim_end_matches(':').to_string(),
                    rest[split..].to_string(),
                ),
                path,
            })
        }
    }
}

/// The redirect path of the desktop flow without a CallbackURL: one per profile, so that an
/// answer meant for another service's authorization never matches (RFC 9700 §4.4.2).
pub fn default_path(profile: &str) -> String {
    let segment: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let segment = segment.trim_matches('-');
    if segment.is_empty() {
        DEFAULT_PATH.to_string()
    } else {
        format!("/{segment}{DEFAULT_PATH}")
    }
}

/// Binds the CallbackURL's own address; returns the socket and its port.
async fn bind_primary(addr: SocketAddr) -> Result<(TcpListener, u16)> {
    let listener = TcpListener::bind(addr).await.map_err(|e| {
        auth_error(format!(
            "The desktop OAuth flow cannot listen on {addr} for the browser's redirect: {e}{}",
            if addr.port() != 0 {
                " (is another program using this port? CallbackURL sets it)"
            } else {
                ""
            }
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::general(format!("The loopback listener failed: {e}")))?
        .port();
    Ok((listener, port))
}

/// A bound listener waiting for one callback.
pub struct Listener {
    /// The CallbackURL's address first; for `localhost`, `[::1]` too where it can be bound.
    sockets: Vec<TcpListener>,
    redirect_uri: String,
    path: String,
}

impl Listener {
    /// Binds the listener for `callback_url`, or `127.0.0.1:<free port><default_path>`.
    pub async fn bind(callback_url: Option<&str>, default_path: &str) -> Result<Listener> {
        let plan = plan(callback_url, default_path)?;
        // A free port must be free on both loopbacks; another program on [::1]:<port> would
        // receive the redirect of a browser that resolves `localhost` to ::1.
        let attempts = if plan.ipv6_twin && plan.addr.port() == 0 {
            5
        } else {
            1
        };
        let mut last_error = None;
        for _ in 0..attempts {
            let (primary, port) = bind_primary(plan.addr).await?;
            let mut sockets = vec![primary];
            if plan.ipv6_twin {
                let twin = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port);
                match TcpListener::bind(twin).await {
                    Ok(l) => sockets.push(l),
                    // Taken by someone else: that someone would get the code.
                    Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                        last_error = Some(auth_error(format!(
                            "The desktop OAuth flow cannot listen on {twin} for the browser's redirect: another program is using it, and a browser may send localhost there; free the port, or use a CallbackURL with 127.0.0.1 instead of localhost"
                        )));
                        continue;
                    }
                    // No IPv6 loopback on this machine: browsers then use 127.0.0.1.
                    Err(e) => {
                        tracing::debug!(%twin, error = %e, "OAuth: no IPv6 loopback listener")
                    }
                }
            }
            let redirect_uri = match plan.redirect {
                Some(r) => r,
                None => format!("{}:{port}{}", plan.around_port.0, plan.around_port.1),
            };
            return Ok(Listener {
                sockets,
                redirect_uri,
                path: plan.path,
            });
        }
        Err(last_error
            .unwrap_or_else(|| Error::general("The loopback listener could not be bound")))
    }

    /// The redirect URI to send in the authorization and the token request.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The addresses bound (for logs and tests).
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.sockets
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    /// The first address bound.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.local_addrs().first().copied()
    }

    /// Waits for the one valid callback; returns its code. The sockets are closed when this
    /// returns.
    pub async fn wait(self, expected: &Expected<'_>, timeout: Duration) -> Result<Secret> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut conns: JoinSet<Callback> = JoinSet::new();
        loop {
            // `accept` is cancel-safe, so the losers of each round lose nothing.
            let accepts =
                futures::future::select_all(self.sockets.iter().map(|l| Box::pin(l.accept())));
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(auth_error(format!(
                        "OAuth: no answer from the browser within {} s; authorize in the browser window that opened (and approve), or connect again (OAuthBrowserTimeout sets the wait)",
                        timeout.as_secs()
                    )));
                }
                (accepted, _, _) = accepts => {
                    if let Ok((stream, peer)) = accepted {
                        if !peer.ip().is_loopback() {
                            continue;
                        }
                        let path = self.path.clone();
                        let st = expected.state.clone();
                        let issuer = expected.issuer.cloned();
                        let profile = expected.profile.to_string();
                        conns.spawn(async move {
                            let expected = Expected { state: &st, issuer: issuer.as_ref(), profile: &profile };
                            handle(stream, &path, &expected).await
                        });
                    }
                }
                Some(done) = conns.join_next() => {
                    match done {
                        Ok(Callback::Code(code)) => return Ok(code),
                        Ok(Callback::Failed(e)) => return Err(e),
                        Ok(Callback::Ignored(why)) => {
                            tracing::debug!(why, "OAuth loopback listener ignored a request");
                        }
                        Err(_) => {}
                    }
                }
            }
        }
    }
}

/// Reads one request from `stream`, answers it and says what it was.
async fn handle(mut stream: TcpStream, path: &str, expected: &Expected<'_>) -> Callback {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let read = tokio::time::timeout(READ_TIMEOUT, async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_HEAD {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    if read.is_err() || buf.is_empty() {
        return Callback::Ignored("no request");
    }
    let head = String::from_utf8_lossy(&buf);
    let line = head.split('\n').next().unwrap_or("");
    let outcome = match parse_request_line(line) {
        Some((method, target)) => classify(method, target, path, expected),
        None => Callback::Ignored("not an HTTP request"),
    };
    let (status, page) = match &outcome {
        Callback::Code(_) => ("200 OK", PAGE_DONE),
        Callback::Failed(_) => ("200 OK", PAGE_FAILED),
        Callback::Ignored(_) => ("400 Bad Request", PAGE_BAD),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{state, ErrorKind};

    #[test]
    fn state_compare_is_exact() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(!constant_time_eq("", "a"));
        assert!(constant_time_eq("", ""));
    }

    #[test]
    fn request_lines() {
        assert_eq!(
            parse_request_line("GET /callback?code=1&state=2 HTTP/1.1\r"),
            Some(("GET", "/callback?code=1&state=2"))
        );
        assert_eq!(parse_request_line("GET / HTTP/1.0"), Some(("GET", "/")));
        assert_eq!(parse_request_line("GET /x HTTP/2"), None);
        assert_eq!(parse_request_line("GET  /x HTTP/1.1"), None);
        assert_eq!(parse_request_line("GET http://a/x HTTP/1.1"), None);
        assert_eq!(parse_request_line("get /x HTTP/1.1"), None);
        assert_eq!(parse_request_line("GET /x HTTP/1.1 extra"), None);
        assert_eq!(parse_request_line(""), None);
    }

    #[test]
    fn callbacks_are_classified() {
        let st = Secret::new("s3cret");
        let issuer = Issuer::Origin("http://127.0.0.1:9".into());
        let expected = Expected {
            state: &st,
            issuer: Some(&issuer),
            profile: "pipedrive",
        };
        let c = |m: &str, t: &str| classify(m, t, "/callback", &expected);
        assert!(matches!(
            c("GET", "/callback?code=abc&state=s3cret"),
            Callback::Code(code) if code.expose() == "abc"
        ));
        assert!(matches!(
            c("GET", "/callback?code=abc&state=s3cret&iss=http%3A%2F%2F127.0.0.1%3A9"),
            Callback::Code(code) if code.expose() == "abc"
        ));
        assert!(matches!(
            c("GET", "/callback?state=s3cret&error=access_denied"),
            Callback::Failed(e) if e.kind == ErrorKind::Auth(AuthError::Flow) && e.message.contains("denied")
        ));
        assert!(matches!(
            c("GET", "/callback?code=abc&state=s3cret&iss=https%3A%2F%2Fevil.example"),
            Callback::Failed(e) if e.kind == ErrorKind::Auth(AuthError::Flow) && e.message.contains("mix-up")
        ));
        assert!(matches!(
            c("GET", "/callback?code=abc"),
            Callback::Ignored(_)
        ));
        assert!(matches!(
            c("GET", "/callback?code=abc&state=s3creT"),
            Callback::Ignored(_)
        ));
        assert!(matches!(
            c("GET", "/other?code=abc&state=s3cret"),
            Callback::Ignored(_)
        ));
        assert!(matches!(
            c("POST", "/callback?code=abc&state=s3cret"),
            Callback::Ignored(_)
        ));
        assert!(matches!(
            c("GET", "/callback?state=s3cret"),
            Callback::Ignored(_)
        ));
        // A wrong state with an error is ignored too: only the real server's answer counts.
        assert!(matches!(
            c("GET", "/callback?state=x&error=access_denied"),
            Callback::Ignored(_)
        ));
    }

    #[test]
    fn plans_follow_the_callback_url() {
        let p = plan(None, "/callback").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            p.addr,
            "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}"))
        );
        let p = plan(Some("http://localhost:33333/callback"), "/callback")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            p.addr,
            "127.0.0.1:33333".parse().unwrap_or_else(|e| panic!("{e}"))
        );
        assert_eq!(
            p.redirect.as_deref(),
            Some("http://localhost:33333/callback")
        );
        let p =
            plan(Some("http://127.0.0.1/cb/x?y=1"), "/callback").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.addr.port(), 0);
        assert_eq!(p.redirect, None);
        assert_eq!(
            p.around_port,
            ("http://127.0.0.1".to_string(), "/cb/x?y=1".to_string())
        );
        assert_eq!(p.path, "/cb/x");
        let p =
            plan(Some("http://127.0.0.1:/callback"), "/callback").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.around_port.0, "http://127.0.0.1");
        let p =
            plan(Some("http://[::1]:8080/callback"), "/callback").unwrap_or_else(|e| panic!("{e}"));
        assert!(p.addr.ip().is_loopback() && p.addr.port() == 8080);
        let p = plan(Some("http://127.0.0.1:80/callback"), "/callback")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.addr.port(), 80);
        for bad in [
            "http://example.com:33333/callback",
            "http://0.0.0.0:33333/callback",
            "http://192.168.1.2/callback",
            "https://127.0.0.1:4444/callback",
        ] {
            let e = plan(Some(bad), "/callback")
                .err()
                .unwrap_or_else(|| panic!("{bad} accepted"));
            assert_eq!(e.state, state::INVALID_AUTHORIZATION);
        }
    }

    async fn send(addr: SocketAddr, request: &str) -> String {
        let mut s = TcpStream::connect(addr)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        s.write_all(request.as_bytes())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut out = String::new();
        s.read_to_string(&mut out)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        out
    }

    fn expected_state(state: &Secret) -> Expected<'_> {
        Expected {
            state,
            issuer: None,
            profile: "p",
        }
    }

    /// The listener's wait for `state` on its own task, as the desktop flow runs it.
    fn wait_in_background(
        listener: Listener,
        state: &str,
    ) -> tokio::task::JoinHandle<Result<Secret>> {
        let state = Secret::new(state);
        tokio::spawn(async move {
            listener
                .wait(&expected_state(&state), Duration::from_secs(20))
                .await
        })
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn listener_ignores_wrong_callbacks_until_the_right_one() {
        runtime().block_on(async {
            let l = Listener::bind(None, "/callback")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let addr = l.local_addr().unwrap_or_else(|| panic!("no addr"));
            assert_eq!(
                l.redirect_uri(),
                format!("http://127.0.0.1:{}/callback", addr.port())
            );
            let waiter = wait_in_background(l, "the-state");
            // An idle connection does not block the others.
            let _idle = TcpStream::connect(addr)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            for bad in [
                "GET /callback?code=c1&state=wrong HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /callback?code=c1 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n",
                "garbage\r\n\r\n",
            ] {
                let r = send(addr, bad).await;
                assert!(r.starts_with("HTTP/1.1 400"), "{r}");
            }
            assert!(!waiter.is_finished());
            let r = send(
                addr,
                "GET /callback?code=good&state=the-state HTTP/1.1\r\nHost: x\r\n\r\n",
            )
            .await;
            assert!(r.starts_with("HTTP/1.1 200") && r.contains("you can close this window"));
            let code = waiter
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(code.expose(), "good");
            // Closed right after.
            assert!(TcpStream::connect(addr).await.is_err());
        });
    }

    #[test]
    fn listener_reports_denial_and_timeout() {
        runtime().block_on(async {
            let l = Listener::bind(None, "/callback")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let addr = l.local_addr().unwrap_or_else(|| panic!("no addr"));
            let waiter = wait_in_background(l, "s");
            send(
                addr,
                "GET /callback?error=access_denied&state=s HTTP/1.1\r\n\r\n",
            )
            .await;
            let e = waiter
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .err()
                .unwrap_or_else(|| panic!("no error"));
            assert_eq!(e.state, state::INVALID_AUTHORIZATION);
            assert_eq!(e.kind, ErrorKind::Auth(AuthError::Flow));
            assert!(e.message.contains("denied"), "{}", e.message);

            let l = Listener::bind(None, "/callback")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let e = l
                .wait(
                    &expected_state(&Secret::new("s")),
                    Duration::from_millis(200),
                )
                .await
                .err()
                .unwrap_or_else(|| panic!("no error"));
            assert_eq!(e.kind, ErrorKind::Auth(AuthError::Flow));
            assert!(e.message.contains("no answer from the browser within"));
        });
    }

    #[test]
    fn default_paths_are_per_profile() {
        assert_eq!(default_path("pipedrive"), "/pipedrive/callback");
        assert_eq!(default_path("My API v2"), "/my-api-v2/callback");
        assert_eq!(default_path("///"), "/callback");
    }

    #[test]
    fn localhost_and_ipv6_callbacks_are_answered_on_ipv6() {
        let has_ipv6 = std::net::TcpListener::bind("[::1]:0").is_ok();
        runtime().block_on(async {
            let l = Listener::bind(Some("http://localhost/cb"), "/callback")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let addrs = l.local_addrs();
            let port = addrs[0].port();
            assert!(addrs[0].is_ipv4());
            assert_eq!(l.redirect_uri(), format!("http://localhost:{port}/cb"));
            assert_eq!(addrs.len(), if has_ipv6 { 2 } else { 1 }, "{addrs:?}");
            let target = *addrs.last().unwrap_or_else(|| panic!("no address"));
            let waiter = wait_in_background(l, "st");
            let r = send(target, "GET /cb?code=v6&state=st HTTP/1.1\r\n\r\n").await;
            assert!(r.starts_with("HTTP/1.1 200"), "{r}");
            let code = waiter
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(code.expose(), "v6");

            if has_ipv6 {
                let l = Listener::bind(Some("http://[::1]/callback"), "/x")
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                let addr = l.local_addr().unwrap_or_else(|| panic!("no address"));
                assert!(addr.is_ipv6());
                assert_eq!(
                    l.redirect_uri(),
                    format!("http://[::1]:{}/callback", addr.port())
                );
            }
        });
    }

    #[test]
    fn a_taken_ipv6_twin_is_an_error_not_a_silent_gap() {
        let Ok(squatter) = std::net::TcpListener::bind("[::1]:0") else {
            return; // no IPv6 loopback here: nothing to take
        };
        let port = squatter.local_addr().map(|a| a.port()).unwrap_or_default();
        let fixed = format!("http://localhost:{port}/cb");
        runtime().block_on(async {
            match Listener::bind(Some(&fixed), "/callback").await {
                Err(e) => {
                    assert_eq!(e.kind, ErrorKind::Auth(AuthError::Flow));
                    assert!(e.message.contains("another program"), "{}", e.message);
                }
                // 127.0.0.1:<port> was taken too on this machine; then the first bind fails.
                Ok(_) => panic!("bound {fixed} although [::1]:{port} is taken"),
            }
        });
    }
}
