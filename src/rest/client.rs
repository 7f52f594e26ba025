//! The HTTP side of a scan: one reqwest client per connection (rustls with the ring provider, TLS
//! always verified, plain http only to loopback), redirects followed by hand so every hop passes
//! `origin`'s check, credentials attached only where it allows, retries
//! with backoff for 5xx and connection errors, waits for 429 as the rate-limit headers say, and
//! API errors turned into `Error`s carrying the API's own message. Secrets never reach a message:
//! URLs are shown with credential query parameters masked.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

pub use super::body_stream::BodyStream;
use super::body_stream::{error_chain, too_large, BodySource, Tee};
use super::disk_cache::DiskCache;
use super::jsonpath;
use super::origin::{Origins, Route};
use super::page_buffers::PageBuffers;
use super::response_cache::{Account, Cached, Lookup, ResponseCache, Ticket};
use crate::error::{ApiError, AuthError, Error, Result};
use crate::http::{body, check_url, http_client, Deadline};
use crate::profile::{HostRule, RateLimit, ResetUnit};
use crate::rate_budget::{Observation, RateBudget};
use crate::request_log::{RequestEntry, RequestLog};
use crate::secret::Secret;

/// Attempts after the first for 5xx and connection errors.
const MAX_RETRIES: u32 = 5;
/// Redirects followed for one request.
const MAX_REDIRECTS: usize = 5;
/// Waits for 429 before giving up.
const MAX_RATE_WAITS: u32 = 30;
/// Longest single wait a rate-limit header may ask for.
const MAX_RATE_WAIT: Duration = Duration::from_secs(120);

/// How the credential travels.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    pub query: Vec<(String, Secret)>,
    pub headers: Vec<(String, Secret)>,
    pub basic: Option<(Secret, Secret)>,
    /// An OAuth access token asked of the token manager before every request.
    pub oauth: Option<OAuthCredential>,
    /// The profile's secret settings, whatever their use: held here so that any text the driver
    /// shows is masked for them (`secret::mask_secrets` knows only live secrets).
    pub held: Vec<Secret>,
}

/// The token manager and how its token is written into a header (`{token}` in `format`).
#[derive(Clone)]
pub struct OAuthCredential {
    pub source: Arc<dyn crate::http::AccessTokenSource>,
    pub header: String,
    pub format: String,
    /// Who the tokens belong to (client id and token store), for the rate budget: the same
    /// across refreshes, unlike the token itself.
    pub account: String,
}

impl std::fmt::Debug for OAuthCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OAuthCredential({}: {})", self.header, Secret::MASK)
    }
}

pub struct ApiClient {
    http: reqwest::Client,
    pub base: Url,
    /// Where requests may go, and which of them carry `creds`.
    origins: Origins,
    creds: Credentials,
    rate: RateLimit,
    errors: crate::profile::model::Errors,
    /// MaxResponseSize: the most bytes one response body may have.
    max_response_bytes: usize,
    /// The account's rate budget, shared with its other connections and processes.
    budget: RateBudget,
    /// Timeout: the longest a request waits for the rate budget before the query fails.
    patience: Option<Duration>,
    /// CacheTTL: how old a cached response may be; `None`: the cache is off.
    cache_ttl: Option<Duration>,
    /// CacheLocation: where cached responses are also kept between processes.
    disk_cache: Option<Arc<DiskCache>>,
    /// Where each request is noted for `sys.sys_requests`.
    log: Arc<RequestLog>,
}

/// What sending one URL took: the attempts, and the time spent waiting for the rate budget.
#[derive(Default)]
struct Tally {
    attempts: u32,
    waited: Duration,
}

/// A successful response's parsed JSON body (null when it had none), with its headers.
pub struct Response {
    pub body: Value,
    pub headers: HeaderMap,
}

/// What a request carries.
pub enum RequestBody {
    Json(Value),
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
}

/// Whether a request may be sent again after an answer that leaves unknown whether it was
/// applied (a 5xx, a broken or timed-out connection).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// Reads, and writes that repeat without harm (PUT, PATCH, DELETE).
    Allowed,
    /// A POST that creates: sent again only after a 429 or a connection never made, which
    /// prove the API did not take it.
    OnlyIfNotTaken,
}

pub enum Outcome {
    Ok(Box<Response>),
    NotFound,
}

/// What a streamed request arrived at.
pub enum Streamed {
    Body(Box<BodyStream>),
    NotFound,
}

/// Whether the result cache may answer a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CacheUse {
    /// Always sent, never kept (a job's status, a POST).
    Never,
    /// Answered from the cache when it can be, kept when read whole.
    Reuse,
    /// As `Reuse`, and the body is read whole by a task of its own, whatever the scan does: a
    /// lookup of the same request waits for this one instead of sending it again.
    ReuseAndLead,
}

/// How a successful response's body is taken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyMode {
    /// Read whole and parsed as JSON.
    Parsed,
    /// Handed to the caller unread.
    Stream,
}

enum Arrival {
    Parsed(Outcome),
    Stream(Box<BodyStream>),
}

/// What one hop of a request ended in.
enum Hop {
    Arrived(Arrival),
    Redirect(StatusCode, String),
}

/// Hands a successful arrival's body to the result cache's `ticket`: a streamed body as it is
/// read to its end, a parsed one at once. Anything else drops the ticket (nothing is cached).
fn cache_into(arrival: Arrival, ticket: Option<Ticket>) -> Arrival {
    let Some(ticket) = ticket else {
        return arrival;
    };
    match arrival {
        Arrival::Stream(mut body) => {
            body.tee = Some(Tee {
                ticket,
                pieces: Vec::new(),
            });
            Arrival::Stream(body)
        }
        Arrival::Parsed(Outcome::Ok(response)) => {
            if let Ok(bytes) = serde_json::to_vec(&response.body) {
                ticket.store(Cached {
                    headers: HeaderMap::new(),
                    body: bytes.into(),
                });
            }
            Arrival::Parsed(Outcome::Ok(response))
        }
        other => other,
    }
}

impl ApiClient {
    pub fn new(
        base: Url,
        hosts: Vec<HostRule>,
        creds: Credentials,
        rate: RateLimit,
        errors: crate::profile::model::Errors,
        limits: &super::ScanOptions,
        log: Arc<RequestLog>,
    ) -> Result<ApiClient> {
        check_url(&base)?;
        // Redirects are followed by `request`, which checks every hop's origin first.
        // Pages stream as fast as the application fetches: Timeout bounds each wait, not the whole.
        let http = http_client(
            limits.timeout_secs,
            Deadline::BetweenReads,
            limits.extra_ca.as_deref(),
            reqwest::redirect::Policy::none(),
        )?;
        let disk_cache = match (&limits.cache_location, limits.cache_ttl_secs > 0) {
            (Some(dir), true) => Some(Arc::new(DiskCache::open(
                dir,
                limits.cache_max_bytes as u64,
            )?)),
            _ => None,
        };
        let mut identity = credential_parts(&base, &creds);
        if let Some(o) = &creds.oauth {
            identity.push(o.account.as_bytes());
        }
        let budget = RateBudget::new(
            Account::of(identity).digest(),
            rate.window_seconds
                .map(|s| Duration::from_secs(u64::from(s))),
            rate.limit.is_some(),
            limits.rate_limit_sharing,
        );
        Ok(ApiClient {
            http,
            max_response_bytes: usize::try_from(limits.max_response_bytes).unwrap_or(usize::MAX),
            origins: Origins::new(base.clone(), hosts),
            base,
            creds,
            rate,
            errors,
            budget,
            disk_cache,
            patience: (limits.timeout_secs > 0)
                .then(|| Duration::from_secs(u64::from(limits.timeout_secs))),
            log,
            cache_ttl: (limits.cache_ttl_secs > 0).then(|| {
                ResponseCache::shared().reserve(limits.cache_max_bytes);
                Duration::from_secs(u64::from(limits.cache_ttl_secs))
            }),
        })
    }

    /// Whose data a request fetches: the base URL and every credential it carries, the OAuth
    /// token of the moment included, so a cached response is never handed to another account.
    async fn account(&self) -> Result<Account> {
        let token = match &self.creds.oauth {
            Some(o) => Some(o.source.access_token().await?),
            None => None,
        };
        let mut parts = credential_parts(&self.base, &self.creds);
        if let Some(token) = &token {
            parts.push(token.expose().as_bytes());
        }
        Ok(Account::of(parts))
    }

    /// A cached response as the arrival `mode` asks for.
    fn arrival_from_cache(&self, cached: Cached, url: &Url, mode: BodyMode) -> Result<Arrival> {
        let shown = self.mask(url);
        Ok(match mode {
            BodyMode::Stream => Arrival::Stream(Box::new(BodyStream {
                headers: cached.headers,
                url: url.clone(),
                read: cached.body.len(),
                source: BodySource::Cached(Some(cached.body)),
                shown,
                limit: self.max_response_bytes,
                tee: None,
                buffers: None,
            })),
            BodyMode::Parsed => {
                let body = serde_json::from_slice(&cached.body).map_err(|e| {
                    Error::general(format!("A cached response from {shown} is not JSON ({e})"))
                })?;
                Arrival::Parsed(Outcome::Ok(Box::new(Response {
                    body,
                    headers: cached.headers,
                })))
            }
        })
    }

    /// After a write: what the result cache keeps for this account (in memory, and on disk
    /// for every process using CacheLocation) is no longer used.
    pub async fn forget_cached(&self) {
        // Other connections of the account in this process may keep answers even when this one
        // does not.
        let Ok(account) = self.account().await else {
            return;
        };
        ResponseCache::shared().forget(account);
        if let Some(disk) = &self.disk_cache {
            disk.forget(account.digest());
        }
    }

    /// The URL with credential query parameters shown as `********`.
    pub fn mask(&self, url: &Url) -> String {
        let secret_names: Vec<&str> = self.creds.query.iter().map(|(k, _)| k.as_str()).collect();
        let mut shown = url.clone();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let masked = secret_names.iter().any(|s| s.eq_ignore_ascii_case(&k));
                (
                    k.into_owned(),
                    if masked {
                        Secret::MASK.to_string()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        if pairs.is_empty() {
            return shown.to_string();
        }
        shown.query_pairs_mut().clear().extend_pairs(pairs);
        shown.to_string().replace("%2A", "*")
    }

    /// GET a JSON document that stays as it is for a while (a record): the result cache may
    /// answer it.
    pub async fn get(&self, url: Url) -> Result<Outcome> {
        self.parsed(Method::GET, url, None, &[], CacheUse::Reuse)
            .await
    }

    /// GET a JSON document that changes from one moment to the next (a report job's status):
    /// always asked of the API, never cached.
    pub async fn get_fresh(&self, url: Url) -> Result<Outcome> {
        self.parsed(Method::GET, url, None, &[], CacheUse::Never)
            .await
    }

    /// GET a list page whose body the caller reads as it arrives.
    pub async fn get_streamed(&self, url: Url) -> Result<Streamed> {
        self.streamed(url, CacheUse::Reuse).await
    }

    /// GET a list page ahead of its turn, from a task that reads the body whole whatever the
    /// scan does (`prefetch`): another scan asking for the same page meanwhile waits for it.
    /// The body is gathered into memory from `buffers`.
    pub async fn get_ahead(&self, url: Url, buffers: &Arc<PageBuffers>) -> Result<Streamed> {
        let mut answer = self.streamed(url, CacheUse::ReuseAndLead).await?;
        if let Streamed::Body(body) = &mut answer {
            body.read_whole(buffers).await?;
        }
        Ok(answer)
    }

    async fn streamed(&self, url: Url, cache: CacheUse) -> Result<Streamed> {
        match self
            .request(
                Method::GET,
                url,
                None,
                &[],
                BodyMode::Stream,
                cache,
                Resend::Allowed,
            )
            .await?
        {
            Arrival::Stream(body) => Ok(Streamed::Body(body)),
            Arrival::Parsed(Outcome::NotFound) => Ok(Streamed::NotFound),
            Arrival::Parsed(Outcome::Ok(_)) => Err(Error::general(
                "Internal error: a streamed request was read whole",
            )),
        }
    }

    /// GET a document that may be redirected to one of `file_hosts` (a report file in storage),
    /// where it is fetched without any credential.
    pub async fn get_file(&self, url: Url, file_hosts: &[String]) -> Result<Outcome> {
        self.parsed(Method::GET, url, None, file_hosts, CacheUse::Reuse)
            .await
    }

    /// Sends with retries; `body` is JSON for POST.
    pub async fn send(&self, method: Method, url: Url, body: Option<&Value>) -> Result<Outcome> {
        let body = body.map(|b| RequestBody::Json(b.clone()));
        self.parsed(method, url, body.as_ref(), &[], CacheUse::Never)
            .await
    }

    /// Sends a write: never from the cache, sent again only as `resend` allows. A 404 is
    /// `Outcome::NotFound`; any other refusal an error whose native code is the HTTP status.
    pub async fn write(
        &self,
        method: Method,
        url: Url,
        body: Option<&RequestBody>,
        resend: Resend,
    ) -> Result<Outcome> {
        match self
            .request(
                method,
                url,
                body,
                &[],
                BodyMode::Parsed,
                CacheUse::Never,
                resend,
            )
            .await?
        {
            Arrival::Parsed(outcome) => Ok(outcome),
            Arrival::Stream(_) => Err(Error::general(
                "Internal error: a parsed request was streamed",
            )),
        }
    }

    async fn parsed(
        &self,
        method: Method,
        url: Url,
        body: Option<&RequestBody>,
        anonymous: &[String],
        cache: CacheUse,
    ) -> Result<Outcome> {
        match self
            .request(
                method,
                url,
                body,
                anonymous,
                BodyMode::Parsed,
                cache,
                Resend::Allowed,
            )
            .await?
        {
            Arrival::Parsed(outcome) => Ok(outcome),
            Arrival::Stream(_) => Err(Error::general(
                "Internal error: a parsed request was streamed",
            )),
        }
    }

    /// Follows redirects by hand, so that each hop's URL is checked against the API's origin
    /// before anything is sent to it, and the credentials go only where `Origins` allows. A
    /// `cacheable` GET on the API's own origin may be answered by the result cache.
    #[allow(clippy::too_many_arguments)]
    async fn request(
        &self,
        mut method: Method,
        mut url: Url,
        mut body: Option<&RequestBody>,
        anonymous: &[String],
        mode: BodyMode,
        cache_use: CacheUse,
        resend: Resend,
    ) -> Result<Arrival> {
        let mut ticket = None;
        if let (Some(ttl), true) = (
            self.cache_ttl,
            cache_use != CacheUse::Never && method == Method::GET && anonymous.is_empty(),
        ) {
            let account = self.account().await?;
            let cache = ResponseCache::shared();
            let disk = self.disk_cache.as_ref();
            let lead = cache_use == CacheUse::ReuseAndLead;
            loop {
                let lookup = if self.log.bypasses_cache(crate::request_log::current()) {
                    Lookup::Miss(cache.refresh(account, url.as_str(), disk))
                } else {
                    cache.lookup(account, url.as_str(), ttl, disk, lead)
                };
                match lookup {
                    Lookup::Hit(cached) => {
                        self.note(&method, &url, Some(200), cached.body.len() as u64, |e| {
                            e.from_cache = true;
                            e.attempts = 0;
                        });
                        return self.arrival_from_cache(cached, &url, mode);
                    }
                    Lookup::Miss(t) => {
                        ticket = Some(t);
                        break;
                    }
                    // The same request is on its way: its answer will be kept, or, if it
                    // fails, this one is sent after all.
                    Lookup::InFlight(mut done) => {
                        let _ = done.changed().await;
                    }
                }
            }
        }
        for _ in 0..=MAX_REDIRECTS {
            let shown = self.mask(&url);
            let route = self.origins.route(&url, anonymous, &shown)?;
            let started = Instant::now();
            let mut tally = Tally::default();
            let hop = self
                .send_to(&method, &url, body, route, &shown, mode, resend, &mut tally)
                .await;
            self.note_hop(&method, &url, &hop, &tally, started.elapsed());
            match hop? {
                Hop::Arrived(arrival) => return Ok(cache_into(arrival, ticket)),
                Hop::Redirect(status, _)
                    if (resend == Resend::OnlyIfNotTaken
                        || matches!(method, Method::PUT | Method::PATCH | Method::DELETE))
                        && (status == StatusCode::SEE_OTHER
                            || matches!(
                                status,
                                StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND
                            )) =>
                {
                    // Following would turn the write into a GET and call that success.
                    return Err(Error::new(
                        ApiError::Unexpected,
                        format!(
                            "The API answered the {method} to {} with a redirect (HTTP {}); a write is not sent on as a GET",
                            self.mask(&url),
                            status.as_u16()
                        ),
                    )
                    .with_native(i32::from(status.as_u16())));
                }
                Hop::Redirect(status, location) => {
                    let next = url.join(&location).map_err(|e| {
                        Error::new(ApiError::Broken, format!(
                            "The API answered {shown} with a redirect to something that is not a URL ({e})"
                        ))
                    })?;
                    // 303 means "GET this instead"; 301 and 302 turn a POST into a GET too, as
                    // every HTTP client does; 307 and 308 keep the method and the body.
                    if status == StatusCode::SEE_OTHER
                        || (method == Method::POST
                            && matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND))
                    {
                        method = Method::GET;
                        body = None;
                    }
                    url = next;
                }
            }
        }
        Err(Error::new(
            ApiError::Broken,
            format!(
                "The API redirected more than {MAX_REDIRECTS} times, last to {}; stopping",
                self.mask(&url)
            ),
        ))
    }

    /// Whether a request can carry its credential now: false only for OAuth without a token yet
    /// (the user has still to authorize; the connection is for the OAuth procedures).
    pub async fn has_credential(&self) -> Result<bool> {
        let Some(o) = &self.creds.oauth else {
            return Ok(true);
        };
        match o.source.access_token().await {
            Ok(_) => Ok(true),
            Err(e) if e.kind == crate::error::ErrorKind::Auth(AuthError::AuthorizationNeeded) => {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// The connection's request log (scans read their statement's number from it).
    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    /// Notes one request (or cache hit) in the connection's request log.
    fn note(
        &self,
        method: &Method,
        url: &Url,
        status: Option<u16>,
        bytes: u64,
        adjust: impl FnOnce(&mut RequestEntry),
    ) {
        let mut entry = RequestEntry {
            statement: 0,
            method: method.to_string(),
            url: self.mask(url),
            status,
            from_cache: false,
            attempts: 1,
            waited_ms: 0,
            bytes: Some(bytes),
            elapsed_ms: 0,
        };
        adjust(&mut entry);
        self.log.record(entry);
    }

    /// Notes what sending one URL ended in.
    fn note_hop(
        &self,
        method: &Method,
        url: &Url,
        hop: &Result<Hop>,
        tally: &Tally,
        elapsed: Duration,
    ) {
        let (status, bytes) = match hop {
            Ok(Hop::Arrived(Arrival::Stream(body))) => (Some(200), body.declared_length()),
            Ok(Hop::Arrived(Arrival::Parsed(Outcome::Ok(_)))) => (Some(200), None),
            Ok(Hop::Arrived(Arrival::Parsed(Outcome::NotFound))) => (Some(404), None),
            Ok(Hop::Redirect(status, _)) => (Some(status.as_u16()), None),
            Err(e) => (u16::try_from(e.native).ok().filter(|s| *s >= 100), None),
        };
        self.note(method, url, status, 0, |e| {
            e.bytes = bytes;
            e.attempts = tally.attempts;
            e.waited_ms = tally.waited.as_millis() as u64;
            e.elapsed_ms = elapsed.as_millis() as u64;
        });
    }

    /// One URL with retries: the response, or the redirect it answered with.
    #[allow(clippy::too_many_arguments)]
    async fn send_to(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&RequestBody>,
        route: Route,
        shown: &str,
        mode: BodyMode,
        resend: Resend,
        tally: &mut Tally,
    ) -> Result<Hop> {
        let credentialed = route == Route::WithCredentials;
        let url = self.with_query_credentials(url, credentialed);
        let mut failures = 0u32;
        let mut rate_waits = 0u32;
        let mut oauth_used: Option<Secret> = None;
        let mut oauth_retried = false;
        loop {
            tally.waited += self.budget.acquire(self.patience).await?;
            tally.attempts += 1;
            let mut req = self.http.request(method.clone(), url.clone());
            if credentialed {
                if let Some(o) = &self.creds.oauth {
                    let token = o.source.access_token().await?;
                    req = req.header(
                        o.header.as_str(),
                        o.format.replace("{token}", token.expose()),
                    );
                    oauth_used = Some(token);
                }
                for (k, v) in &self.creds.headers {
                    req = req.header(k.as_str(), v.expose());
                }
                if let Some((u, p)) = &self.creds.basic {
                    req = req.basic_auth(u.expose(), Some(p.expose()));
                }
            }
            match body {
                Some(RequestBody::Json(b)) => {
                    req = req
                        .header("Content-Type", "application/json")
                        .body(b.to_string());
                }
                Some(RequestBody::Form(pairs)) => {
                    let encoded = url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(pairs)
                        .finish();
                    req = req
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .body(encoded);
                }
                None => {}
            }
            let result = match req.send().await {
                Ok(resp) if mode == BodyMode::Stream && resp.status().is_success() => {
                    self.note_budget(resp.headers());
                    if resp
                        .content_length()
                        .is_some_and(|len| len > self.max_response_bytes as u64)
                    {
                        return Err(too_large(shown, self.max_response_bytes));
                    }
                    return Ok(Hop::Arrived(Arrival::Stream(Box::new(BodyStream {
                        headers: resp.headers().clone(),
                        url: url.clone(),
                        source: BodySource::Live(resp),
                        shown: shown.to_string(),
                        limit: self.max_response_bytes,
                        read: 0,
                        tee: None,
                        buffers: None,
                    }))));
                }
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    let read = if status.is_success() {
                        body::read_limited(resp, self.max_response_bytes).await
                    } else {
                        body::read_prefix(resp, body::ERROR_BODY_LIMIT).await
                    };
                    match read {
                        Ok(bytes) => Ok((status, headers, bytes)),
                        Err(body::BodyError::Transport(e)) => Err(e),
                        Err(body::BodyError::TooLarge) => {
                            return Err(too_large(shown, self.max_response_bytes))
                        }
                    }
                }
                Err(e) => Err(e),
            };
            let (status, headers, bytes) = match result {
                Ok(r) => r,
                Err(e) => {
                    self.budget.unanswered();
                    failures += 1;
                    if resend == Resend::OnlyIfNotTaken && !e.is_connect() {
                        return Err(Error::new(
                            if e.is_timeout() {
                                ApiError::Timeout
                            } else {
                                ApiError::Unreachable
                            },
                            format!(
                                "The request to {shown} failed ({}); the API may have applied it, so it was not sent again",
                                error_chain(&e)
                            ),
                        ));
                    }
                    if failures > MAX_RETRIES {
                        let what = if e.is_timeout() {
                            "timed out (raise Timeout)"
                        } else {
                            "failed"
                        };
                        let err = Error::new(
                            if e.is_timeout() {
                                ApiError::Timeout
                            } else {
                                ApiError::Unreachable
                            },
                            format!(
                                "The request to {shown} {what} after {} attempts: {}",
                                failures,
                                error_chain(&e)
                            ),
                        );
                        return Err(err);
                    }
                    tokio::time::sleep(backoff(failures)).await;
                    continue;
                }
            };
            self.note_budget(&headers);
            if status.is_redirection() {
                if let Some(location) = headers
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                {
                    return Ok(Hop::Redirect(status, location.to_string()));
                }
            }
            if status.is_success() {
                let body: Value = if bytes.is_empty() {
                    Value::Null
                } else {
                    serde_json::from_slice(&bytes).map_err(|e| {
                        Error::new(ApiError::Broken, format!(
                            "The response from {shown} is not valid JSON ({e}); the body may be truncated. No rows were returned for it; retry the query"
                        ))
                    })?
                };
                return Ok(Hop::Arrived(Arrival::Parsed(Outcome::Ok(Box::new(
                    Response { body, headers },
                )))));
            }
            let message = self.api_message(&bytes);
            if self
                .errors
                .auth_messages
                .iter()
                .any(|m| message.starts_with(m.as_str()))
            {
                return Err(Error::new(
                    AuthError::Rejected,
                    format!(
                        "The API refused the credentials (HTTP {}): {message}; check the credentials and AuthScheme",
                        status.as_u16()
                    ),
                )
                .with_native(i32::from(status.as_u16())));
            }
            match status {
                StatusCode::NOT_FOUND => return Ok(Hop::Arrived(Arrival::Parsed(Outcome::NotFound))),
                StatusCode::UNAUTHORIZED
                    if credentialed && !oauth_retried && self.creds.oauth.is_some() =>
                {
                    // The token looked valid but was refused: refresh once and retry once.
                    oauth_retried = true;
                    if let (Some(o), Some(used)) = (&self.creds.oauth, &oauth_used) {
                        if let Err(mut e) = o.source.after_unauthorized(used).await {
                            e.message = format!("{}; the API said: {message}", e.message);
                            return Err(e);
                        }
                    }
                }
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    return Err(Error::new(
                        AuthError::Rejected,
                        format!(
                            "The API refused the credentials (HTTP {}): {message}; check the credentials and AuthScheme",
                            status.as_u16()
                        ),
                    )
                    .with_native(i32::from(status.as_u16())))
                }
                StatusCode::TOO_MANY_REQUESTS => {
                    rate_waits += 1;
                    if rate_waits > MAX_RATE_WAITS {
                        return Err(Error::new(
                            ApiError::Unreachable,
                            format!(
                                "The API kept answering 429 (rate limit) for {shown}: {message}; try again later"
                            ),
                        )
                        .with_native(429));
                    }
                    // Every connection of the account holds back for as long as the API asks;
                    // the next attempt's wait for the budget is that hold.
                    let wait = self.rate_wait(&headers).unwrap_or_else(|| backoff(rate_waits.min(6)));
                    self.budget.observe(Observation {
                        hold_ms: Some(wait.as_millis() as u64),
                        ..Observation::default()
                    });
                }
                s if s.is_server_error() => {
                    failures += 1;
                    if resend == Resend::OnlyIfNotTaken {
                        return Err(Error::new(
                            ApiError::Unreachable,
                            format!(
                                "The API answered HTTP {} for {shown}: {message}; it may have applied the request, so it was not sent again",
                                s.as_u16()
                            ),
                        )
                        .with_native(i32::from(s.as_u16())));
                    }
                    if failures > MAX_RETRIES {
                        return Err(Error::new(
                            ApiError::Unreachable,
                            format!(
                                "The API answered HTTP {} for {shown} after {failures} attempts: {message}",
                                s.as_u16()
                            ),
                        )
                        .with_native(i32::from(s.as_u16())));
                    }
                    tokio::time::sleep(backoff(failures)).await;
                }
                s => {
                    return Err(Error::new(
                        ApiError::Unexpected,
                        format!("The API answered HTTP {} for {shown}: {message}", s.as_u16()),
                    )
                    .with_native(i32::from(s.as_u16())))
                }
            }
        }
    }

    /// `url` with the credential query parameters set once (a next-page link may echo them), or,
    /// for a request that must carry no credential, removed.
    fn with_query_credentials(&self, url: &Url, credentialed: bool) -> Url {
        if self.creds.query.is_empty() {
            return url.clone();
        }
        let is_credential = |k: &str| {
            self.creds
                .query
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(k))
        };
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_credential(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut out = url.clone();
        out.set_query(None);
        if kept.is_empty() && !credentialed {
            return out;
        }
        {
            let mut pairs = out.query_pairs_mut();
            pairs.extend_pairs(kept);
            if credentialed {
                for (k, v) in &self.creds.query {
                    pairs.append_pair(k, v.expose());
                }
            }
        }
        out
    }

    /// The API's own error message in a parsed body, by the profile's error paths.
    pub fn message_in(&self, body: &Value) -> Option<String> {
        self.errors
            .message_paths
            .iter()
            .find_map(|p| jsonpath::get_present(body, p).and_then(jsonpath::scalar_text))
    }

    /// When the profile's success flag is present and false: the API's message (or a note that
    /// it gave none).
    pub fn failure_flag(&self, body: &Value) -> Option<String> {
        let path = self.errors.success_path.as_deref()?;
        match jsonpath::get_present(body, path) {
            Some(Value::Bool(false)) => Some(
                self.message_in(body)
                    .unwrap_or_else(|| format!("'{path}' is false and no message was given")),
            ),
            _ => None,
        }
    }

    /// The API's own error message, by the profile's error paths, else the body's start.
    fn api_message(&self, bytes: &[u8]) -> String {
        if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
            for p in &self.errors.message_paths {
                if let Some(m) = jsonpath::get_present(&v, p).and_then(jsonpath::scalar_text) {
                    return m;
                }
            }
        }
        let t = crate::secret::excerpt(String::from_utf8_lossy(bytes).trim(), 300);
        if t.is_empty() {
            "(no message)".into()
        } else {
            t
        }
    }

    fn header_secs(headers: &HeaderMap, name: &str) -> Option<f64> {
        headers
            .get(name)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
    }

    /// How long a 429 asks us to wait.
    fn rate_wait(&self, headers: &HeaderMap) -> Option<Duration> {
        for name in &self.rate.retry_after {
            if self
                .rate
                .reset
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(name))
            {
                if let Some(d) = self.reset_in(headers) {
                    return Some(d);
                }
                continue;
            }
            if let Some(s) = Self::header_secs(headers, name) {
                return Some(Duration::from_secs_f64(s.max(0.05)).min(MAX_RATE_WAIT));
            }
        }
        self.reset_in(headers)
    }

    fn reset_in(&self, headers: &HeaderMap) -> Option<Duration> {
        self.reset_announced(headers).map(|d| d.min(MAX_RATE_WAIT))
    }

    /// When the window resets as the API announced it, however far (the budget learns the
    /// window's length from it; waits are capped by `reset_in`).
    fn reset_announced(&self, headers: &HeaderMap) -> Option<Duration> {
        let v = Self::header_secs(headers, self.rate.reset.as_deref()?)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_secs_f64();
        let secs = match self.rate.reset_unit {
            ResetUnit::Seconds => v,
            ResetUnit::EpochSeconds => v - now,
            ResetUnit::EpochMillis => v / 1000.0 - now,
        };
        Some(Duration::from_secs_f64(secs.clamp(0.05, 86_400.0)))
    }

    /// Tells the account's budget what an answer's rate-limit headers said.
    fn note_budget(&self, headers: &HeaderMap) {
        let count = |name: &Option<String>| {
            name.as_deref()
                .and_then(|n| Self::header_secs(headers, n))
                .map(|v| v.min(f64::from(u32::MAX)) as u32)
        };
        let seen = Observation {
            limit: count(&self.rate.limit),
            remaining: count(&self.rate.remaining),
            reset_ms: self.reset_announced(headers).map(|d| d.as_millis() as u64),
            hold_ms: None,
        };
        self.budget.observe(seen);
    }
}

/// The base URL and every static credential a client sends: what names its account, with the
/// OAuth token of the moment for the result cache, or the token family's identity (which
/// outlives each access token) for the rate budget. Only ever hashed (`Account::of`).
fn credential_parts<'a>(base: &'a Url, creds: &'a Credentials) -> Vec<&'a [u8]> {
    let mut parts: Vec<&[u8]> = vec![base.as_str().as_bytes()];
    for (name, value) in creds.query.iter().chain(&creds.headers) {
        parts.push(name.as_bytes());
        parts.push(value.expose().as_bytes());
    }
    if let Some((user, password)) = &creds.basic {
        parts.push(user.expose().as_bytes());
        parts.push(password.expose().as_bytes());
    }
    parts
}

/// Exponential backoff with jitter: 200 ms, 400 ms, ... capped at 10 s, plus up to 50 %.
fn backoff(attempt: u32) -> Duration {
    let base = 200u64
        .saturating_mul(1u64 << attempt.saturating_sub(1).min(6))
        .min(10_000);
    // Jitter from the clock: good enough to spread clients apart, and needs no RNG.
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    Duration::from_millis(base + nanos % (base / 2 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_bounded() {
        assert!(backoff(1) >= Duration::from_millis(200));
        assert!(backoff(1) <= Duration::from_millis(301));
        assert!(backoff(20) <= Duration::from_millis(15_001));
    }
}
