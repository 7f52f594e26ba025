//! Pipedrive call logs (API v1): `GET /callLogs` (offset pages of at most 50; the calls of the
//! authenticated user, user 1) and `GET /callLogs/{id}`, whose ids are strings. Durations are
//! seconds as strings, times `YYYY-MM-DD HH:MM:SS` UTC, as Pipedrive sends them.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{error, v1_page, Data};
use crate::common::{num, ok, params};
use crate::data::{fmt_space, phone};
use crate::{AppState, Shared};

const CALL: u64 = 0x1A;
const OUTCOMES: &[&str] = &[
    "connected",
    "no_answer",
    "left_message",
    "left_voicemail",
    "wrong_number",
    "busy",
];

impl Data {
    pub(super) fn call_log_count(&self) -> usize {
        self.n / 2
    }

    fn call_log_id(&self, i: usize) -> String {
        format!("{}{:08x}", self.g.hex(CALL, i, 1, 16), i + 1)
    }

    fn call_log_json(&self, i: usize) -> Value {
        let g = &self.g;
        let person = (3 * i) % self.n;
        let outcome = g.pick(CALL, i, 2, OUTCOMES);
        let start = g.time(CALL, i, 3);
        let seconds = if outcome == "connected" {
            g.range(CALL, i, 4, 30, 1_800)
        } else {
            g.range(CALL, i, 4, 0, 40)
        };
        let deal = g.chance(CALL, i, 5, 40).then_some(person);
        json!({
            "id": self.call_log_id(i),
            "user_id": 1,
            "activity_id": null,
            "person_id": person + 1,
            "org_id": self.person(person).org.map(|o| o + 1),
            "deal_id": deal.map(|d| d + 1),
            "lead_id": null,
            "company_id": 7_700_001,
            "subject": format!("Call with {}", self.person(person).name()),
            "duration": seconds.to_string(),
            "outcome": outcome,
            "from_phone_number": "+358 9 4242 0001",
            "to_phone_number": phone(g, CALL, i, 0),
            "has_recording": outcome == "connected" && g.chance(CALL, i, 6, 30),
            "start_time": fmt_space(start),
            "end_time": fmt_space(start + seconds as i64),
            "note": g.chance(CALL, i, 7, 50).then_some("<p>Asked for a quote.</p>"),
        })
    }
}

fn list(st: &Shared, uri: &Uri) -> axum::response::Response {
    let d = &st.pipedrive;
    let p = params(uri);
    if num(&p, "limit").is_some_and(|l| l > 50) {
        return error(
            StatusCode::BAD_REQUEST,
            "Validation failed: limit: Number must be less than or equal to 50",
        );
    }
    v1_page(d.call_log_count(), None, &p, |i| d.call_log_json(i))
}

pub fn table_data(d: &Data) -> Vec<Value> {
    (0..d.call_log_count())
        .map(|i| d.call_log_json(i))
        .collect()
}

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/callLogs",
        get(|State(st): State<AppState>, uri: Uri| async move { list(&st, &uri) }),
    )
    .route(
        "/callLogs/{id}",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                let d = &st.pipedrive;
                match (0..d.call_log_count()).find(|i| d.call_log_id(*i) == id) {
                    Some(i) => ok(json!({ "success": true, "data": d.call_log_json(i) })),
                    None => error(StatusCode::NOT_FOUND, "Call log not found"),
                }
            },
        ),
    )
}
