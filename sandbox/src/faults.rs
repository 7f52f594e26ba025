//! Fault injection and rate limiting in front of every API route: `--latency-ms` delay, the
//! per-service rate window (429 with the service's headers), `--fail-rate` 500s, then the
//! service's own auth check (static credentials, or an access token its OAuth server issued). Control endpoints never pass through here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::common::{bearer, Service};
use crate::data::mix;
use crate::oauth::AccessState;
use crate::{helpscout, helpscout_docs, keap, leaddesk, pipedrive, talkdesk, AppState};

/// The rate window; Pipedrive's real one is 2 s, and a short window keeps tests fast.
pub const WINDOW: Duration = Duration::from_secs(2);

/// What a guarded request turned into before reaching its handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Unauthorized,
    /// A bearer token the service's OAuth server issued, past its lifetime.
    TokenExpired,
    RateLimited,
    Internal,
}

/// The state of a service's current rate window, as its headers report it.
#[derive(Clone, Copy, Debug)]
pub struct RateInfo {
    pub limit: u64,
    pub remaining: u64,
    /// Whole seconds until the window resets (at least 1, so a client never spins).
    pub reset_secs: u64,
}

struct Window {
    start: Instant,
    count: u64,
}

pub struct Faults {
    counter: AtomicU64,
    windows: Vec<Mutex<Window>>,
}

impl Faults {
    pub fn new() -> Self {
        let now = Instant::now();
        Faults {
            counter: AtomicU64::new(0),
            windows: Service::ALL
                .iter()
                .map(|_| {
                    Mutex::new(Window {
                        start: now,
                        count: 0,
                    })
                })
                .collect(),
        }
    }

    /// Counts one request against `svc`'s window; returns the headers' view and whether the
    /// request is over an enforced limit. Without `--rate-limit` the advertised limit is the
    /// service's usual one and never enforced.
    fn take(&self, svc: Service, enforced: Option<u32>) -> (RateInfo, bool) {
        let advertised = enforced.map_or(default_limit(svc), u64::from);
        let Some(slot) = self.windows.get(svc.index()) else {
            return (
                RateInfo {
                    limit: advertised,
                    remaining: advertised,
                    reset_secs: 1,
                },
                false,
            );
        };
        let mut w = slot.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if now.duration_since(w.start) >= WINDOW {
            w.start = now;
            w.count = 0;
        }
        w.count += 1;
        let left = WINDOW.saturating_sub(now.duration_since(w.start));
        let info = RateInfo {
            limit: advertised,
            remaining: advertised.saturating_sub(w.count),
            reset_secs: left.as_millis().div_ceil(1000).max(1) as u64,
        };
        (info, enforced.is_some() && w.count > advertised)
    }

    /// Deterministic in the seed and the request counter, so a run can be replayed.
    fn should_fail(&self, seed: u64, rate: f64) -> bool {
        if rate <= 0.0 {
            return false;
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let draw = mix(seed ^ mix(n ^ 0xFA11)) >> 11;
        (draw as f64 / (1u64 << 53) as f64) < rate
    }
}

impl Default for Faults {
    fn default() -> Self {
        Self::new()
    }
}

/// Limits the services advertise when `--rate-limit` is not given (their documented defaults).
fn default_limit(svc: Service) -> u64 {
    match svc {
        Service::Pipedrive => 80,
        Service::HelpScout => 400,
        Service::HelpScoutDocs => 2000,
        Service::Keap => 240,
        Service::Talkdesk | Service::LeadDesk => 1000,
    }
}

/// The middleware: `from_fn_with_state((state, service), guard)` on each service's router.
pub async fn guard(
    State((st, svc)): State<(AppState, Service)>,
    req: Request,
    next: Next,
) -> Response {
    if st.config.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(st.config.latency_ms)).await;
    }
    let (info, limited) = st.faults.take(svc, st.config.rate_limit);
    let mut resp = if limited {
        fault_response(svc, Fault::RateLimited)
    } else if st.faults.should_fail(st.gen.seed(), st.config.fail_rate) {
        fault_response(svc, Fault::Internal)
    } else if let Err(f) = check_auth(svc, &st, &req) {
        fault_response(svc, f)
    } else {
        next.run(req).await
    };
    rate_headers(svc, &info, limited, resp.headers_mut());
    resp
}

/// The service's static credentials, or a bearer token its OAuth server issued (and that is
/// neither expired nor revoked).
fn check_auth(svc: Service, st: &crate::Shared, req: &Request) -> Result<(), Fault> {
    if authorized(svc, st, req) {
        return Ok(());
    }
    match bearer(req.headers()).map(|t| st.oauth.access_state(svc, t)) {
        Some(AccessState::Valid) => Ok(()),
        Some(AccessState::Expired) => Err(Fault::TokenExpired),
        _ => Err(Fault::Unauthorized),
    }
}

fn authorized(svc: Service, st: &crate::Shared, req: &Request) -> bool {
    let (h, uri) = (req.headers(), req.uri());
    match svc {
        Service::Pipedrive => pipedrive::authorized(st, h, uri),
        Service::HelpScout => helpscout::authorized(st, h),
        Service::HelpScoutDocs => helpscout_docs::authorized(st, h),
        Service::Keap => keap::authorized(st, h),
        Service::Talkdesk => talkdesk::authorized(st, h),
        Service::LeadDesk => leaddesk::authorized(st, uri),
    }
}

/// The service's own answer to a fault (its error body and status).
pub fn fault_response(svc: Service, f: Fault) -> Response {
    match svc {
        Service::Pipedrive => pipedrive::fault(f),
        Service::HelpScout => helpscout::fault(f),
        Service::HelpScoutDocs => helpscout_docs::fault(f),
        Service::Keap => keap::fault(f),
        Service::Talkdesk => talkdesk::fault(f),
        Service::LeadDesk => leaddesk::fault(f),
    }
}

fn rate_headers(svc: Service, info: &RateInfo, limited: bool, h: &mut HeaderMap) {
    let pairs: Vec<(&'static str, String)> = match svc {
        Service::Pipedrive => pipedrive::rate_headers(info, limited),
        Service::HelpScout => helpscout::rate_headers(info, limited),
        Service::HelpScoutDocs => helpscout_docs::rate_headers(info, limited),
        Service::Keap => keap::rate_headers(info, limited),
        // Neither documents rate headers; a plain Retry-After on 429 is what generic HTTP
        // gateways send.
        Service::Talkdesk | Service::LeadDesk if limited => {
            vec![("retry-after", info.reset_secs.to_string())]
        }
        Service::Talkdesk | Service::LeadDesk => Vec::new(),
    };
    for (name, value) in pairs {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(HeaderName::from_static(name), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_rate_is_roughly_the_fraction_asked() {
        let f = Faults::new();
        let fails = (0..10_000).filter(|_| f.should_fail(7, 0.2)).count();
        assert!((1_700..2_300).contains(&fails), "{fails}");
        assert!(!Faults::new().should_fail(7, 0.0));
    }

    #[test]
    fn window_enforces_only_when_asked() {
        let f = Faults::new();
        for _ in 0..3 {
            assert!(!f.take(Service::Keap, Some(3)).1);
        }
        let (info, limited) = f.take(Service::Keap, Some(3));
        assert!(limited);
        assert_eq!(info.remaining, 0);
        assert!(!f.take(Service::Pipedrive, None).1);
    }
}
