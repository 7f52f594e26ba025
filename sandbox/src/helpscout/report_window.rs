//! The period Help Scout's reports require (`start` and `end`, `yyyy-MM-dd'T'HH:mm:ss'Z'` in
//! UTC; a request without either is answered 400) and the times the sandbox's report rows carry.
//!
//! Report rows lie in the 90 days before the (UTC) day the sandbox started, so a client's
//! default window (the last 30 days) holds about a third of them and a longer range finds the
//! rest. Anchoring to the day rather than the second gives two sandboxes of one seed started
//! the same day the same rows (the fault tests compare a faulty sandbox's rows with a clean
//! one's). No row lies within two days of the default window's start or an hour of its end, so a
//! client's "now" (up to a day after the anchor) still sees exactly the manifest's rows.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::log_ref;
use crate::common::{json, param, Params, Rejection};
use crate::data::{fmt_iso, parse_datetime, Gen};

const SPAN: i64 = 90 * 86_400;
const DEFAULT_WINDOW: i64 = 30 * 86_400;
const EDGE_MARGIN: i64 = 2 * 86_400;
const END_MARGIN: i64 = 3_600;

/// The times report rows may have: the 90 days up to the start of the sandbox's first day.
#[derive(Clone, Copy)]
pub(super) struct Span {
    /// Midnight UTC of the day the sandbox started (Unix seconds).
    to: i64,
}

impl Span {
    pub(super) fn starting_today() -> Span {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Span {
            to: now - now.rem_euclid(86_400),
        }
    }

    /// The window a client reads without conditions.
    pub(super) fn default_period(self) -> Period {
        Period {
            from: self.to - DEFAULT_WINDOW,
            to: self.to,
        }
    }

    /// Every report row's time lies in here.
    pub(super) fn all(self) -> Period {
        Period {
            from: self.to - SPAN,
            to: self.to,
        }
    }

    /// The report time of row `i` of `table`, clear of the default window's edges.
    pub(super) fn time(self, g: &Gen, table: u64, i: usize, field: u64) -> i64 {
        let mut t = self.to - SPAN + (g.h(table, i, field) % SPAN as u64) as i64;
        let from = self.to - DEFAULT_WINDOW;
        if (from - EDGE_MARGIN..from + EDGE_MARGIN).contains(&t) {
            t -= 2 * EDGE_MARGIN;
        }
        if t > self.to - END_MARGIN {
            t -= END_MARGIN;
        }
        t
    }

    /// The manifest's `window` of a report table: the default window (`from`, `to`: what a scan
    /// without conditions reads and the table's `rows` count), the `span` every row lies in
    /// (`/_sandbox/data/helpscout/<table>?all=true` lists them all) and the period's parameters.
    pub(super) fn manifest(self) -> Value {
        let (window, all) = (self.default_period(), self.all());
        json!({
            "from": fmt_iso(window.from),
            "to": fmt_iso(window.to),
            "span": { "from": fmt_iso(all.from), "to": fmt_iso(all.to) },
            "from_param": "start",
            "to_param": "end",
        })
    }
}

/// A report's period as asked: both ends included, as Help Scout's own example
/// (`end=2015-01-31T23:59:59Z` for January) reads.
#[derive(Clone, Copy)]
pub(super) struct Period {
    pub from: i64,
    pub to: i64,
}

impl Period {
    pub(super) fn holds(self, t: i64) -> bool {
        self.from <= t && t <= self.to
    }
}

/// `start` and `end` of a report request; 400 when one is missing or not in the documented form.
pub(super) fn period(p: &Params) -> Result<Period, Rejection> {
    let bound = |name: &str| -> Result<i64, Rejection> {
        let Some(text) = param(p, name) else {
            return Err(Box::new(invalid(name, None, "may not be null")));
        };
        let strict = text.len() == 20 && text.ends_with('Z') && text.as_bytes()[10] == b'T';
        parse_datetime(text).filter(|_| strict).ok_or_else(|| {
            Box::new(invalid(
                name,
                Some(text),
                "Must be a date in the form yyyy-MM-dd'T'HH:mm:ss'Z'",
            ))
        })
    };
    Ok(Period {
        from: bound("start")?,
        to: bound("end")?,
    })
}

/// The vnd.error body of a bad or missing query parameter (a missing one has no
/// `rejectedValue`).
pub(super) fn invalid(path: &str, value: Option<&str>, msg: &str) -> Response {
    let mut error = json!({ "path": path, "message": msg, "source": "QUERY" });
    if let Some(v) = value {
        error["rejectedValue"] = json!(v);
    }
    json(
        StatusCode::BAD_REQUEST,
        json!({
            "logRef": log_ref(),
            "message": "Bad request",
            "_embedded": { "errors": [error] },
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_clear_of_the_default_windows_edges() {
        let g = Gen::new(3);
        let span = Span { to: 1_800_000_000 };
        let window = span.default_period();
        for i in 0..2000 {
            let t = span.time(&g, 0x26, i, 1);
            assert!(span.all().holds(t) && t <= span.to - END_MARGIN);
            assert!((t - window.from).abs() >= EDGE_MARGIN);
        }
    }

    #[test]
    fn start_and_end_are_required_in_the_documented_form() {
        let p = |pairs: &[(&str, &str)]| -> Params {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert!(period(&p(&[("start", "2026-01-01T00:00:00Z")])).is_err());
        assert!(period(&p(&[
            ("start", "2026-01-01"),
            ("end", "2026-02-01T00:00:00Z")
        ]))
        .is_err());
        let ok = period(&p(&[
            ("start", "2026-01-01T00:00:00Z"),
            ("end", "2026-02-01T00:00:00Z"),
        ]))
        .unwrap_or_else(|_| panic!("a period"));
        assert!(ok.holds(ok.from) && ok.holds(ok.to) && !ok.holds(ok.to + 1));
    }
}
