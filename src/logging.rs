//! The driver's log: the Logfile and Verbosity properties, implemented with `tracing`. It owns the
//! process-wide subscriber (installed once), the registry of log files that connections asked
//! for, and `redact`, which every line passes through before it reaches a file, so that tokens,
//! passwords and keys never reach disk at any verbosity. Other modules only emit `tracing` events.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard, Once};

use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Filter, SubscriberExt};
use tracing_subscriber::Layer;

use crate::error::{ConnectError, Error, Result};

/// The same mask `Secret` prints, so a masked log line and a masked sys table agree.
const MASK: &str = crate::secret::Secret::MASK;

struct Sink {
    path: PathBuf,
    file: File,
    /// Verbosity 1..=5; the highest any open connection asked for this file.
    level: u8,
    /// The open connections logging here, by guard id, with the verbosity each asked for.
    holders: Vec<(u64, u8)>,
}

static SINKS: Mutex<Vec<Sink>> = Mutex::new(Vec::new());
static NEXT_GUARD: AtomicU64 = AtomicU64::new(1);
/// The highest verbosity over all sinks (0: no sink), read on every event without locking.
static MAX_VERBOSITY: AtomicU8 = AtomicU8::new(0);
static INSTALL: Once = Once::new();

fn sinks() -> MutexGuard<'static, Vec<Sink>> {
    // A panic while writing a log line must not switch logging off for the rest of the process.
    SINKS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The target of the one line per statement (requests, cache hits, retries, rate-limit waits),
/// which Verbosity 2 shows beside the warnings, as users of the commercial driver expect.
pub const STATEMENTS: &str = "apiodbc::statements";

/// The Verbosity from which an event is logged.
fn verbosity_of_event(meta: &Metadata<'_>) -> u8 {
    if meta.target() == STATEMENTS {
        2
    } else {
        verbosity_of(meta.level())
    }
}

fn verbosity_of(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        _ => 5,
    }
}

fn level_filter(verbosity: u8) -> LevelFilter {
    match verbosity {
        0 => LevelFilter::OFF,
        1 => LevelFilter::ERROR,
        // INFO, not WARN: the statements' lines are INFO events; `DynamicLevel` lets only them
        // through at 2.
        2 | 3 => LevelFilter::INFO,
        4 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

/// Keeps a connection's Logfile open; dropping it (at disconnect) closes the file once no other
/// connection logs there, so later connections of the process do not write into it.
#[derive(Debug)]
pub struct LogGuard {
    path: PathBuf,
    id: u64,
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        let mut sinks = sinks();
        if let Some(i) = sinks.iter().position(|s| s.path == self.path) {
            let sink = &mut sinks[i];
            sink.holders.retain(|(id, _)| *id != self.id);
            match sink.holders.iter().map(|(_, v)| *v).max() {
                Some(level) => sink.level = level,
                None => {
                    sinks.remove(i);
                }
            }
        }
        store_max_verbosity(&sinks);
    }
}

fn store_max_verbosity(sinks: &[Sink]) {
    let max = sinks.iter().map(|s| s.level).max().unwrap_or(0);
    MAX_VERBOSITY.store(max, Ordering::Release);
}

/// Starts (or raises) logging to `logfile` at `verbosity` (1 errors … 5 trace) while the returned
/// guard lives. Each distinct file is one sink that keeps the highest verbosity its open
/// connections asked for. Events are process-wide, so while a connection logs to a file, the
/// other connections of the process log there too. If the host process already installed its
/// own global `tracing` subscriber, ours cannot be installed and the file stays empty; connecting
/// still succeeds.
pub fn configure(logfile: &Path, verbosity: u8) -> Result<LogGuard> {
    if !(1..=5).contains(&verbosity) {
        return Err(Error::new(
            ConnectError::InvalidValue,
            format!("Verbosity has the value '{verbosity}'; allowed values are 1 (errors), 2 (warnings and a line per statement), 3 (info), 4 (debug), 5 (trace)"),
        ));
    }
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(logfile)
        .map_err(|e| {
            Error::new(
                ConnectError::File,
                format!(
                    "Logfile '{}' cannot be opened for appending ({e}); give a file path in a directory you can write to",
                    logfile.display()
                ),
            )
        })?;
    // The same file named two ways (relative, through a symlink) must stay one sink, or every
    // line would be written to it twice.
    let path = std::fs::canonicalize(logfile).unwrap_or_else(|_| logfile.to_path_buf());
    let id = NEXT_GUARD.fetch_add(1, Ordering::Relaxed);
    {
        let mut sinks = sinks();
        match sinks.iter_mut().find(|s| s.path == path) {
            Some(sink) => {
                sink.level = sink.level.max(verbosity);
                sink.holders.push((id, verbosity));
            }
            None => sinks.push(Sink {
                path: path.clone(),
                file,
                level: verbosity,
                holders: vec![(id, verbosity)],
            }),
        }
        store_max_verbosity(&sinks);
    }
    INSTALL.call_once(|| {
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(SinkWriter)
            .with_filter(DynamicLevel);
        let subscriber = tracing_subscriber::registry().with(layer);
        // Fails only when the host installed a subscriber first; see the doc comment.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
    // Callsites registered while the level was lower cached "never"; make them ask again.
    tracing::callsite::rebuild_interest_cache();
    Ok(LogGuard { path, id })
}

/// Lets through what the most verbose sink wants; each sink filters again when writing.
struct DynamicLevel;

impl<S> Filter<S> for DynamicLevel {
    fn enabled(&self, meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        verbosity_of_event(meta) <= MAX_VERBOSITY.load(Ordering::Acquire)
    }

    fn callsite_enabled(&self, _meta: &'static Metadata<'static>) -> Interest {
        // The level changes at run time, so no callsite may be cached as always or never.
        Interest::sometimes()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(level_filter(MAX_VERBOSITY.load(Ordering::Acquire)))
    }
}

struct SinkWriter;

impl<'a> MakeWriter<'a> for SinkWriter {
    type Writer = EventWriter;

    fn make_writer(&'a self) -> EventWriter {
        EventWriter {
            verbosity: 5,
            buf: Vec::new(),
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> EventWriter {
        EventWriter {
            verbosity: verbosity_of_event(meta),
            buf: Vec::new(),
        }
    }
}

/// Collects one formatted event, then redacts it and hands it to the sinks whose level admits it.
/// Buffering the whole event lets `redact` see a secret and its key together.
struct EventWriter {
    verbosity: u8,
    buf: Vec<u8>,
}

impl Write for EventWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buf);
        let line = redact(&crate::secret::mask_secrets(&text));
        for sink in sinks().iter_mut() {
            if self.verbosity <= sink.level {
                // A full disk must not fail a query; the log is best effort.
                let _ = sink.file.write_all(line.as_bytes());
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Plain,
    /// `code` is the OAuth authorization code only as `code=`; `"code": 404` is an error code.
    Code,
    /// `Authorization: Bearer x`: keep the scheme, mask the credential.
    Authorization,
    /// A key that is never prose (`PWD`, `Cookie`): its value is masked after a colon too.
    Named,
}

fn secret_kind(word: &str) -> Option<KeyKind> {
    let lower = word.to_ascii_lowercase();
    match lower.as_str() {
        "code" => return Some(KeyKind::Code),
        "authorization" | "proxy-authorization" => return Some(KeyKind::Authorization),
        "pwd" | "passwd" | "cookie" | "set-cookie" => return Some(KeyKind::Named),
        _ => {}
    }
    let secret = crate::secret::names_a_secret(word);
    secret.then_some(KeyKind::Plain)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_unquoted_end(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'&' | b';' | b',' | b'"' | b'\'' | b'<' | b'>' | b')' | b']' | b'}' | b'\\'
        )
}

fn skip_blanks(b: &[u8], mut j: usize) -> usize {
    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    j
}

fn unquoted_end(b: &[u8], mut j: usize) -> usize {
    while j < b.len() && !is_unquoted_end(b[j]) {
        j += 1;
    }
    j
}

/// The byte range of the value that follows a secret key ending at `i`, if a separator follows.
fn value_span(b: &[u8], i: usize, kind: KeyKind) -> Option<(usize, usize)> {
    let mut j = i;
    // The key's own closing quote: `"key"`, `'key'`, or `\"key\"` inside a Debug-escaped string.
    let key_quoted = if b[j..].starts_with(b"\\\"") {
        j += 2;
        true
    } else if j < b.len() && matches!(b[j], b'"' | b'\'') {
        j += 1;
        true
    } else {
        false
    };
    j = skip_blanks(b, j);
    let colon = match b.get(j) {
        Some(b'=') => false,
        Some(b':') if kind != KeyKind::Code => true,
        _ => return None,
    };
    j = skip_blanks(b, j + 1);
    // `key: value` is a secret in JSON, a header or Debug output, but in a sentence ("could not
    // refresh the token: the server said …") the word after the colon is prose: a bare key
    // without a hyphen, before a bare value, is left alone.
    if colon && !key_quoted && kind == KeyKind::Plain {
        let header_like = b[..i]
            .iter()
            .rev()
            .take_while(|c| is_word_byte(**c))
            .any(|c| *c == b'-');
        let value_quoted = b[j..].starts_with(b"\\\"")
            || matches!(b.get(j), Some(b'"' | b'\''))
            || b[j..].starts_with(b"Some(");
        if !header_like && !value_quoted {
            return None;
        }
    }
    // Debug output of an `Option<String>` field: `token: Some("…")`.
    if b[j..].starts_with(b"Some(") {
        j += "Some(".len();
    }
    if j >= b.len() {
        return None;
    }
    let (mut start, end, quoted) = if b[j..].starts_with(b"\\\"") {
        let start = j + 2;
        let end = b[start..]
            .windows(2)
            .position(|w| w == b"\\\"")
            .map_or(b.len(), |p| start + p);
        (start, end, true)
    } else if b[j] == b'"' || b[j] == b'\'' {
        let quote = b[j];
        let mut k = j + 1;
        while k < b.len() && b[k] != quote {
            k += if b[k] == b'\\' { 2 } else { 1 };
        }
        (j + 1, k.min(b.len()), true)
    } else if b[j] == b'{' {
        // A braced connection-string value, where `}}` is a literal brace.
        let mut k = j + 1;
        while k < b.len() {
            if b[k] == b'}' {
                if b.get(k + 1) == Some(&b'}') {
                    k += 2;
                    continue;
                }
                break;
            }
            k += 1;
        }
        (j + 1, k.min(b.len()), true)
    } else {
        (j, unquoted_end(b, j), false)
    };
    let mut end = end;
    if kind == KeyKind::Authorization {
        let mut k = start;
        while k < b.len() && b[k].is_ascii_alphabetic() {
            k += 1;
        }
        if k > start && b.get(k) == Some(&b' ') {
            start = skip_blanks(b, k);
            if !quoted {
                end = unquoted_end(b, start);
            }
        }
    }
    (end > start).then_some((start, end))
}

/// A bare `Bearer <token>` anywhere in a line.
fn bearer_span(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if b.get(i) != Some(&b' ') {
        return None;
    }
    let start = skip_blanks(b, i);
    let end = unquoted_end(b, start);
    (end > start).then_some((start, end))
}

/// Masks secret values in a log line: `key=value` in query strings, form bodies and connection
/// strings (braced values too), `"key":"value"` in JSON (also Debug-escaped JSON), `key: value`
/// headers and Debug output, and `Authorization`/`Bearer` credentials (the scheme stays visible).
/// Keys are matched case-insensitively: anything naming a token, secret, password, API key or
/// verifier, plus `PWD`, `code=`, `Authorization` and cookies.
pub fn redact(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_word_byte(b[i]) || (i > 0 && is_word_byte(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_word_byte(b[i]) {
            i += 1;
        }
        let word = &line[start..i];
        let span = if word.eq_ignore_ascii_case("bearer") {
            bearer_span(b, i)
        } else {
            secret_kind(word).and_then(|kind| value_span(b, i, kind))
        };
        // Every boundary found above sits on an ASCII byte, so the slices are on char boundaries.
        if let Some((value_start, value_end)) = span {
            out.push_str(&line[copied..value_start]);
            out.push_str(MASK);
            copied = value_end;
            i = value_end;
        }
    }
    out.push_str(&line[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::state;

    fn assert_redacted(input: &str, want: &str) {
        assert_eq!(redact(input), want, "input: {input}");
    }

    #[test]
    fn query_strings_and_form_bodies() {
        assert_redacted(
            "GET https://api.example.com/v1/deals?api_token=abc123&start=0 200",
            "GET https://api.example.com/v1/deals?api_token=********&start=0 200",
        );
        assert_redacted(
            "POST /oauth/token body=grant_type=authorization_code&code=AUTHCODE&code_verifier=VER&client_id=cid&client_secret=CS&redirect_uri=http://localhost:33333",
            "POST /oauth/token body=grant_type=authorization_code&code=********&code_verifier=********&client_id=cid&client_secret=********&redirect_uri=http://localhost:33333",
        );
        assert_redacted(
            "grant_type=refresh_token&refresh_token=RT1",
            "grant_type=refresh_token&refresh_token=********",
        );
        assert_redacted(
            "grant_type=password&username=bob&password=hunter2",
            "grant_type=password&username=bob&password=********",
        );
        assert_redacted(
            "callback ?code=xyz&state=s1",
            "callback ?code=********&state=s1",
        );
        assert_redacted(
            "apikey=K1 ApiKey=K2 API_KEY=K3",
            "apikey=******** ApiKey=******** API_KEY=********",
        );
    }

    #[test]
    fn json_bodies_plain_and_escaped() {
        assert_redacted(
            r#"{"access_token":"AT1","token_type":"bearer","expires_in":3600,"refresh_token": "RT1","code":404}"#,
            r#"{"access_token":"********","token_type":"bearer","expires_in":3600,"refresh_token": "********","code":404}"#,
        );
        assert_redacted(
            r#"body="{\"access_token\":\"AT2\",\"scope\":\"all\"}""#,
            r#"body="{\"access_token\":\"********\",\"scope\":\"all\"}""#,
        );
        assert_redacted(
            r#"{"password" : "p \" q", "user":"u"}"#,
            r#"{"password" : "********", "user":"u"}"#,
        );
    }

    #[test]
    fn headers() {
        assert_redacted(
            "Authorization: Bearer eyJ.abc.def",
            "Authorization: Bearer ********",
        );
        assert_redacted(
            "authorization=Basic dXNlcjpwYXNz==",
            "authorization=Basic ********",
        );
        assert_redacted("Authorization: rawtoken", "Authorization: ********");
        assert_redacted(
            r#"headers={"authorization": "Bearer T1", "x-api-token": "T2", "accept": "application/json"}"#,
            r#"headers={"authorization": "Bearer ********", "x-api-token": "********", "accept": "application/json"}"#,
        );
        assert_redacted("x-api-token: T3", "x-api-token: ********");
        assert_redacted(
            "X-Keap-API-Key: KEAP1\nAccept: */*",
            "X-Keap-API-Key: ********\nAccept: */*",
        );
        assert_redacted(
            "sending Bearer T4 to host",
            "sending Bearer ******** to host",
        );
        assert_redacted(
            "Cookie: session=S1; theme=dark",
            "Cookie: ********; theme=dark",
        );
    }

    #[test]
    fn connection_strings() {
        assert_redacted(
            "connect DSN=x;UID=bob;PWD={a;b}}c};OAuthClientId=cid;OAuthClientSecret=CS;Password = P1;OAuthAccessToken=AT;OAuthRefreshToken=RT;OAuthVerifier=V;PKCEVerifier=PV;APIToken=T;APIKey=K",
            "connect DSN=x;UID=bob;PWD={********};OAuthClientId=cid;OAuthClientSecret=********;Password = ********;OAuthAccessToken=********;OAuthRefreshToken=********;OAuthVerifier=********;PKCEVerifier=********;APIToken=********;APIKey=********",
        );
        assert_redacted(
            "OAuthSettingsPassphrase={horse battery};Verbosity=5",
            "OAuthSettingsPassphrase={********};Verbosity=5",
        );
        assert_redacted(
            "ProfileSettings='APIKey=K9;CompanyDomain=acme'",
            "ProfileSettings='APIKey=********;CompanyDomain=acme'",
        );
        assert_redacted(
            "OAuthAccessTokenURL=https://h/token;BaseURL=https://h",
            "OAuthAccessTokenURL=https://h/token;BaseURL=https://h",
        );
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for text in [
            "status code 401 from https://api.pipedrive.com/v1/deals",
            "error_code=42 status_code=500",
            "AuthScheme=Basic; using Basic authentication",
            "fetched 100 rows from deals in 2 pages",
            "héllo wörld — token",
            // Names of where a secret goes, and sentences about secrets, are not secrets.
            "connected attributes={\"APITokenIn\": \"header\", \"AuthScheme\": \"Basic\"}",
            "APITokenIn=query; OAuthAccessTokenURL=https://x.test/token; token_format=Bearer",
            "could not refresh the access token: the token server answered 400",
            "",
        ] {
            assert_redacted(text, text);
        }
    }

    #[test]
    fn debug_struct_output() {
        assert_redacted(
            r#"TokenResponse { access_token: "AT", refresh_token: Some("RT"), expires_in: 60 }"#,
            r#"TokenResponse { access_token: "********", refresh_token: Some("********"), expires_in: 60 }"#,
        );
    }

    // The subscriber is process-wide, so everything that installs it lives in this one test.
    #[test]
    fn verbosity_five_lines_reach_the_file_redacted_and_levels_filter_per_file() {
        let dir = std::env::temp_dir().join(format!("apiodbc-log-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let trace_log = dir.join("trace.log");
        let error_log = dir.join("error.log");
        let _ = std::fs::remove_file(&trace_log);
        let _ = std::fs::remove_file(&error_log);

        let error_guard = configure(&error_log, 1).unwrap();
        let low_guard = configure(&trace_log, 2).unwrap();
        // A later connection asking for more on the same file raises that sink's level.
        let high_guard = configure(&trace_log, 5).unwrap();

        tracing::trace!(target: "apiodbc::rest", "GET /v1/deals?api_token=SECRET-A&limit=100");
        tracing::trace!(target: "apiodbc::auth", body = "grant_type=authorization_code&code=SECRET-B&code_verifier=SECRET-C&client_secret=SECRET-D", "token request");
        tracing::debug!(
            response =
                r#"{"access_token":"SECRET-E","refresh_token":"SECRET-F","expires_in":3600}"#,
            "token response"
        );
        tracing::debug!("headers: Authorization: Bearer SECRET-G; x-api-token: SECRET-H; X-Keap-API-Key: SECRET-I");
        tracing::info!("connecting with UID=bob;PWD={{SECRET-J}};OAuthClientSecret=SECRET-K;APIKey=SECRET-L;Password=SECRET-M");
        tracing::trace!(payload = ?"apikey=SECRET-N&refresh_token=SECRET-O", "debug-formatted");
        tracing::error!("connect failed: refresh_token=SECRET-P rejected");

        let trace_text = std::fs::read_to_string(&trace_log).unwrap();
        let error_text = std::fs::read_to_string(&error_log).unwrap();
        assert!(!trace_text.contains("SECRET-"), "{trace_text}");
        assert!(!error_text.contains("SECRET-"), "{error_text}");
        assert_eq!(trace_text.lines().count(), 7, "{trace_text}");
        assert!(
            trace_text.contains("api_token=********&limit=100"),
            "{trace_text}"
        );
        assert!(
            trace_text.contains("Authorization: Bearer ********"),
            "{trace_text}"
        );
        assert!(trace_text.contains("UID=bob"), "{trace_text}");
        assert!(trace_text.contains("TRACE"), "{trace_text}");
        assert_eq!(error_text.lines().count(), 1, "{error_text}");
        assert!(
            error_text.contains("ERROR") && error_text.contains("connect failed"),
            "{error_text}"
        );

        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&trace_log).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        // When the verbose connection closes, the file falls back to the other one's level; when
        // that closes too, the file gets nothing more.
        drop(high_guard);
        tracing::debug!("after the verbose connection closed");
        tracing::warn!("a warning while one connection is open");
        drop(low_guard);
        tracing::warn!("a warning after both closed");
        drop(error_guard);
        tracing::error!("an error after every connection closed");
        let trace_text = std::fs::read_to_string(&trace_log).unwrap();
        assert!(!trace_text.contains("after the verbose"), "{trace_text}");
        assert!(trace_text.contains("while one connection is open"));
        assert!(!trace_text.contains("after both closed"), "{trace_text}");
        let error_text = std::fs::read_to_string(&error_log).unwrap();
        assert!(
            !error_text.contains("after every connection"),
            "{error_text}"
        );

        let err = configure(&dir.join("no-such-dir").join("x.log"), 3).unwrap_err();
        assert_eq!(err.state, state::UNABLE_TO_CONNECT);
        assert!(
            err.message.starts_with("[apiodbc] Logfile '"),
            "{}",
            err.message
        );
        assert!(configure(&trace_log, 6)
            .unwrap_err()
            .message
            .contains("allowed values are 1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
