//! Control endpoints under `/_sandbox` (manifest, request log, reset, raw table data) and the
//! request-log middleware. Tests use these to learn credentials and expected row counts and to
//! check which API requests the driver made, which report jobs it created (their timespans are
//! in request bodies, which the log does not keep) and what the OAuth servers issued.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::common::{json, ok, param, params, Service};
use crate::{helpscout, helpscout_docs, keap, leaddesk, pipedrive, talkdesk, AppState, Shared};

/// Query parameters whose values never appear in the log.
const SECRET_PARAMS: &[&str] = &[
    "api_token",
    "auth",
    "access_token",
    "refresh_token",
    "token",
    "apikey",
    "api_key",
    "key",
    "client_secret",
    "password",
    "code",
    "code_verifier",
    "client_assertion",
];

/// A bound on the log so a long benchmark cannot grow it without limit.
const MAX_LOGGED: usize = 1_000_000;

#[derive(Default)]
pub struct Stats {
    requests: Mutex<Vec<Value>>,
    /// Report jobs created (Talkdesk), with the timespan each asked for.
    report_jobs: Mutex<Vec<Value>>,
    /// API requests being answered now, and the most at once since the last reset: how a
    /// client's concurrency is seen from the server.
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// One API request being answered; counted down when the answer is done or abandoned.
struct InFlight<'a>(&'a Stats);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Stats {
    fn begin(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
    }

    fn push(&self, entry: Value) {
        let mut log = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() < MAX_LOGGED {
            log.push(entry);
        }
    }

    pub fn push_report_job(&self, job: Value) {
        let mut log = self.report_jobs.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() < MAX_LOGGED {
            log.push(job);
        }
    }

    fn snapshot(&self) -> (Vec<Value>, Vec<Value>) {
        let requests = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        let jobs = self.report_jobs.lock().unwrap_or_else(|p| p.into_inner());
        (requests.clone(), jobs.clone())
    }

    fn clear(&self) {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.report_jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.max_in_flight
            .store(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// The raw query with secret values replaced by `********`.
pub fn mask_query(q: &str) -> String {
    q.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if SECRET_PARAMS.iter().any(|s| k.eq_ignore_ascii_case(s)) => {
                format!("{k}=********")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Logs every request outside `/_sandbox` with the status it got.
pub async fn record(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/_sandbox") {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let query = req.uri().query().map(mask_query).unwrap_or_default();
    let counted = st.stats.begin();
    let resp = next.run(req).await;
    st.stats.push(json!({
        "method": method,
        "path": path,
        "query": query,
        "status": resp.status().as_u16(),
    }));
    // Counted out only once logged, so a reset that waits for none in flight sees it logged.
    drop(counted);
    resp
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manifest", get(manifest))
        .route("/stats", get(stats))
        .route("/reset", post(reset))
        .route("/writes/reset", post(reset_writes))
        .route("/faults", post(set_faults))
        .route("/data/{service}/{table}", get(table_data))
}

pub async fn not_found() -> Response {
    json(
        StatusCode::NOT_FOUND,
        json!({"error": "no such path in apiodbc-sandbox; see GET /_sandbox/manifest"}),
    )
}

fn service_manifest(st: &Shared, svc: Service) -> Value {
    let mut entry = match svc {
        Service::Pipedrive => pipedrive::manifest(st),
        Service::HelpScout => helpscout::manifest(st),
        Service::HelpScoutDocs => helpscout_docs::manifest(st),
        Service::Keap => keap::manifest(st),
        Service::Talkdesk => talkdesk::manifest(st),
        Service::LeadDesk => leaddesk::manifest(st),
    };
    crate::oauth::extend_manifest(st, svc, &mut entry);
    entry
}

pub fn manifest_value(st: &Shared) -> Value {
    let mut services = Map::new();
    for svc in Service::ALL {
        services.insert(svc.name().to_owned(), service_manifest(st, svc));
    }
    json!({
        "base_url": st.base_url,
        "records": st.config.records,
        "seed": st.config.seed,
        "rate_window_seconds": crate::faults::WINDOW.as_secs(),
        "services": services,
    })
}

async fn manifest(State(st): State<AppState>) -> Response {
    ok(manifest_value(&st))
}

async fn stats(State(st): State<AppState>) -> Response {
    let (requests, report_jobs) = st.stats.snapshot();
    ok(json!({
        "requests": requests,
        "report_jobs": report_jobs,
        "max_in_flight": st.stats.max_in_flight.load(Ordering::SeqCst),
        "oauth": st.oauth.stats(),
    }))
}

async fn reset(State(st): State<AppState>) -> Response {
    // A request the client gave up on (a page asked ahead past a LIMIT) may still be answered
    // and logged after the reset, in the next test's count: wait, briefly, until none is.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while st.stats.in_flight.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < until {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    st.stats.clear();
    st.oauth.reset_stats();
    ok(json!({ "reset": true }))
}

/// Forgets every record written through the API: the data reads as generated again.
async fn reset_writes(State(st): State<AppState>) -> Response {
    st.writes.clear();
    ok(json!({ "reset": true }))
}

/// `{"fail_after_apply": N}`: the next N writes are applied, then answered with a 500.
async fn set_faults(State(st): State<AppState>, body: axum::body::Bytes) -> Response {
    let asked: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match asked["fail_after_apply"].as_u64() {
        Some(n) => {
            st.writes
                .set_fail_after_apply(n.min(u32::MAX as u64) as u32);
            ok(json!({ "fail_after_apply": n }))
        }
        None => json(
            StatusCode::BAD_REQUEST,
            json!({"error": "send {\"fail_after_apply\": N}"}),
        ),
    }
}

async fn table_data(
    State(st): State<AppState>,
    Path((service, table)): Path<(String, String)>,
    uri: Uri,
) -> Response {
    // `all=true`: rows a full scan does not reach too (Talkdesk calls before `calls_window`, Help
    // Scout report rows before their manifest `window`).
    let all = param(&params(&uri), "all") == Some("true");
    let rows = match service.as_str() {
        "pipedrive" => pipedrive::table_data(&st, &table),
        "helpscout" => helpscout::table_data(&st, &table, all),
        "helpscout_docs" => helpscout_docs::table_data(&st, &table),
        "keap" => keap::table_data(&st, &table),
        "talkdesk" => talkdesk::table_data(&st, &table, all),
        "leaddesk" => leaddesk::table_data(&st, &table),
        _ => None,
    };
    match rows {
        Some(rows) => ok(Value::Array(rows)),
        None => json(
            StatusCode::NOT_FOUND,
            json!({"error": format!("no table {service}/{table}; see GET /_sandbox/manifest")}),
        ),
    }
}

/// A manifest table entry.
pub fn table(rows: usize, parent: Option<&str>) -> Value {
    match parent {
        Some(p) => json!({ "rows": rows, "parent": p }),
        None => json!({ "rows": rows }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        assert_eq!(
            mask_query("start=0&api_token=abc&AUTH=k&limit=5"),
            "start=0&api_token=********&AUTH=********&limit=5"
        );
    }
}
