//! apiodbc-sandbox: local imitations of the REST APIs behind apiodbc's built-in profiles
//! (Pipedrive, Help Scout Mailbox and Docs, Keap, Talkdesk, LeadDesk), serving deterministic
//! seeded data with each API's paths, envelopes, pagination, auth checks, error bodies and
//! rate-limit headers, plus fault injection and control endpoints under `/_sandbox`.
//!
//! Each service's OAuth authorization server (authorize with a consent page, token endpoint,
//! codes, PKCE, rotating refresh tokens with reuse detection) lives in `oauth`.
//!
//! This file owns the configuration, the shared state and the server's lifecycle; each service
//! lives in its own module. Tests start it in-process with [`start`] (inside a tokio runtime)
//! or [`spawn`] (on a thread of its own, for synchronous tests).

mod common;
mod control;
mod data;
mod faults;
mod helpscout;
mod helpscout_docs;
mod helpscout_fields;
mod keap;
mod keap_fields;
mod leaddesk;
mod oauth;
mod pipedrive;
mod pipedrive_fields;
mod talkdesk;
mod writes;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::Router;
use tokio::sync::watch;

use common::Service;

/// How to run the sandbox; [`Default`] matches the command line's defaults.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Address to bind; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Rows per main table (persons, deals, conversations, contacts, calls, articles, ...).
    pub records: usize,
    /// Seed of all generated data and of the fail-rate draws.
    pub seed: u64,
    /// Delay before answering each API request.
    pub latency_ms: u64,
    /// Fraction (0..1) of API requests answered with a 500 and the service's error body.
    pub fail_rate: f64,
    /// Requests per service per 2-second window before 429; None = unlimited.
    pub rate_limit: Option<u32>,
    /// Lifetime in seconds of the access tokens the OAuth servers issue.
    pub token_lifetime: u64,
    /// Approve OAuth consent screens without a click: the authorize endpoint redirects at once.
    pub auto_approve: bool,
    /// Rotate Pipedrive refresh tokens on every refresh (Pipedrive's own behaviour is
    /// unconfirmed; by default it keeps the refresh token, as Help Scout does).
    pub pipedrive_rotate: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            records: 100,
            seed: 1,
            latency_ms: 0,
            fail_rate: 0.0,
            rate_limit: None,
            token_lifetime: 3600,
            auto_approve: false,
            pipedrive_rotate: false,
        }
    }
}

/// The valid credentials; derived from the seed so two runs with one seed agree.
pub(crate) struct Credentials {
    pub pipedrive_token: String,
    pub pipedrive_oauth: String,
    pub helpscout_token: String,
    pub docs_key: String,
    pub keap_key: String,
    pub keap_token: String,
    pub talkdesk_token: String,
    pub leaddesk_key: String,
}

impl Credentials {
    fn new(g: &data::Gen) -> Self {
        let k = |field| g.hex(0xC0FFEE, 0, field, 40);
        Credentials {
            pipedrive_token: k(1),
            pipedrive_oauth: format!("v1:{}", k(2)),
            helpscout_token: k(3),
            docs_key: k(4),
            keap_key: format!("KeapAK-{}", k(5)),
            keap_token: k(6),
            talkdesk_token: k(7),
            leaddesk_key: g.hex(0xC0FFEE, 0, 8, 32),
        }
    }
}

/// Everything the handlers share. Generated data is immutable; counters sit behind locks.
pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub base_url: String,
    pub gen: data::Gen,
    pub creds: Credentials,
    pub faults: faults::Faults,
    pub stats: control::Stats,
    pub oauth: oauth::OAuth,
    pub pipedrive: pipedrive::Data,
    pub helpscout: helpscout::Data,
    pub docs: helpscout_docs::Data,
    pub keap: keap::Data,
    pub talkdesk: talkdesk::Data,
    pub leaddesk: leaddesk::Data,
    /// Records created, changed and deleted through the write endpoints.
    pub writes: writes::Writes,
}

pub(crate) type AppState = Arc<Shared>;

impl Shared {
    fn new(config: SandboxConfig, base_url: String) -> Self {
        let gen = data::Gen::new(config.seed);
        let n = config.records;
        Shared {
            creds: Credentials::new(&gen),
            faults: faults::Faults::new(),
            stats: control::Stats::default(),
            oauth: oauth::OAuth::new(&gen, config.token_lifetime),
            pipedrive: pipedrive::Data::new(&gen, n),
            helpscout: helpscout::Data::new(&gen, n),
            docs: helpscout_docs::Data::new(&gen, n),
            keap: keap::Data::new(&gen, n),
            talkdesk: talkdesk::Data::new(&gen, n),
            leaddesk: leaddesk::Data::new(&gen, n),
            writes: writes::Writes::default(),
            gen,
            base_url,
            config,
        }
    }
}

fn guarded(r: Router<AppState>, st: &AppState, svc: Service) -> Router<AppState> {
    r.layer(from_fn_with_state((st.clone(), svc), faults::guard))
}

fn router(st: AppState) -> Router {
    Router::new()
        // Authorize and token endpoints: outside the API guard (no API auth, no faults).
        .merge(oauth::router())
        .nest(
            "/pipedrive/api/v1",
            guarded(pipedrive::router(), &st, Service::Pipedrive),
        )
        .nest(
            "/pipedrive/api/v2",
            guarded(pipedrive::router_v2(), &st, Service::Pipedrive),
        )
        .nest(
            "/helpscout/v2",
            guarded(helpscout::router(), &st, Service::HelpScout),
        )
        .nest(
            "/helpscout/v3",
            guarded(helpscout::router_v3(), &st, Service::HelpScout),
        )
        .nest(
            "/helpscout-docs/v1",
            guarded(helpscout_docs::router(), &st, Service::HelpScoutDocs),
        )
        .nest(
            "/keap/crm/rest/v1",
            guarded(keap::router(), &st, Service::Keap),
        )
        .nest(
            "/keap/crm/rest/v2",
            guarded(keap::router_v2(), &st, Service::Keap),
        )
        // The report files stand in for an S3 download: no API auth, no API faults.
        .nest(
            "/talkdesk",
            guarded(talkdesk::router(), &st, Service::Talkdesk).merge(talkdesk::files_router()),
        )
        .merge(guarded(leaddesk::router(), &st, Service::LeadDesk))
        .nest("/_sandbox", control::router())
        .fallback(control::not_found)
        .layer(from_fn_with_state(st.clone(), control::record))
        .with_state(st)
}

/// A running sandbox; dropping it stops the server.
pub struct RunningSandbox {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and waits for it (at most about a second for open connections).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves until `stop` turns true, then gives open connections a second to finish.
async fn serve(listener: tokio::net::TcpListener, app: Router, stop: watch::Receiver<bool>) {
    let mut graceful = stop.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = graceful.wait_for(|s| *s).await;
    });
    let mut hard = stop;
    let deadline = async move {
        let _ = hard.wait_for(|s| *s).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    tokio::select! {
        _ = server => {}
        _ = deadline => {}
    }
}

fn prepare(config: SandboxConfig, addr: SocketAddr) -> Router {
    router(Arc::new(Shared::new(config, format!("http://{addr}"))))
}

/// Binds and starts serving on the current tokio runtime.
pub async fn start(config: SandboxConfig) -> io::Result<RunningSandbox> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let app = prepare(config, addr);
    let (stop, rx) = watch::channel(false);
    let task = tokio::spawn(serve(listener, app, rx));
    Ok(RunningSandbox {
        addr,
        stop,
        task: Some(task),
        thread: None,
    })
}

/// Binds, then serves on a thread with a runtime of its own; for synchronous callers (the
/// driver's ODBC tests), whose blocking calls must not starve the server.
pub fn spawn(config: SandboxConfig) -> io::Result<RunningSandbox> {
    let std_listener = std::net::TcpListener::bind(config.listen)?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("apiodbc-sandbox")
        .enable_all()
        .build()?;
    // Build the data before returning, so the first request is not slowed by it.
    let app = prepare(config, addr);
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(std_listener)?
    };
    let (stop, rx) = watch::channel(false);
    let thread = std::thread::Builder::new()
        .name("apiodbc-sandbox".into())
        .spawn(move || runtime.block_on(serve(listener, app, rx)))?;
    Ok(RunningSandbox {
        addr,
        stop,
        task: None,
        thread: Some(thread),
    })
}
