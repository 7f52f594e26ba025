//! Pipedrive goals (API v1): `GET /goals/find`, records at `data.goals`, no paging. Its criteria
//! are dotted field paths matched exactly (`type.name`, `assignee.id`, `assignee.type`,
//! `expected_outcome.tracking_metric`, `expected_outcome.currency_id`, `title`), `is_active`
//! (default true: without it only active goals come back) and `period.start`/`period.end` (both
//! or neither; goals whose duration overlaps). Without `assignee.id` only the caller's own goals
//! are returned, unless a type, assignee type or outcome criterion is given: then everyone's.
//! Goal ids are strings.

use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{error, Data, PIPELINES, USERS};
use crate::common::{ok, param, params, Params, Rejection};
use crate::data::{self, fmt_date};
use crate::AppState;

const GOAL: u64 = 0x1D;
/// Goals of the company: a fixed set, not scaled with the record count.
const GOALS: usize = 24;
pub const TYPES: &[&str] = &[
    "deals_won",
    "deals_progressed",
    "activities_completed",
    "activities_added",
    "deals_started",
];
const ASSIGNEE_TYPES: &[&str] = &["person", "company", "team"];
const INTERVALS: &[&str] = &["weekly", "monthly", "quarterly", "yearly"];
/// The currency ids a `sum` goal tracks in (EUR, USD in `currencies`).
const CURRENCY_IDS: &[u64] = &[1, 2];
/// The user the sandbox's credentials belong to (`users` 1, `is_you`).
const CALLER: u64 = 1;

impl Data {
    fn goal_json(&self, i: usize) -> Value {
        let g = &self.g;
        let kind = TYPES[i % TYPES.len()];
        let assignee_type = g.pick(GOAL, i, 1, ASSIGNEE_TYPES);
        let assignee_id = match assignee_type {
            "company" => 1,
            "team" => g.range(GOAL, i, 2, 1, 3),
            // Every fourth goal is the caller's own.
            _ if i.is_multiple_of(4) => CALLER,
            _ => g.range(GOAL, i, 2, 1, USERS as u64),
        };
        let sum = kind.starts_with("deals") && g.chance(GOAL, i, 3, 50);
        let start = data::DATA_START + g.range(GOAL, i, 4, 0, 800) as i64 * 86_400;
        let interval = g.pick(GOAL, i, 5, INTERVALS);
        let pipelines = if g.chance(GOAL, i, 6, 40) {
            Value::Null
        } else {
            json!([g.range(GOAL, i, 7, 1, PIPELINES as u64)])
        };
        let mut params = json!({ "pipeline_id": pipelines });
        if kind.starts_with("activities") {
            params = json!({ "activity_type_id": [g.range(GOAL, i, 8, 1, 6)] });
        }
        let h = g.hex(GOAL, i, 9, 24);
        json!({
            "id": h,
            "owner_id": g.range(GOAL, i, 10, 1, 2),
            "title": format!("{} {}", kind.replace('_', " "), i + 1),
            "type": { "name": kind, "params": params },
            "assignee": { "id": assignee_id, "type": assignee_type },
            "interval": interval,
            "duration": {
                "start": fmt_date(start),
                "end": g.chance(GOAL, i, 11, 70).then(|| fmt_date(start + 365 * 86_400)),
            },
            "expected_outcome": if sum {
                json!({
                    "target": g.range(GOAL, i, 12, 10, 500) * 1000,
                    "tracking_metric": "sum",
                    "currency_id": g.pick(GOAL, i, 13, CURRENCY_IDS),
                })
            } else {
                json!({ "target": g.range(GOAL, i, 12, 5, 200), "tracking_metric": "quantity" })
            },
            "is_active": !g.chance(GOAL, i, 14, 25),
            "report_ids": [g.hex(GOAL, i, 15, 24)],
        })
    }
}

fn bad(msg: &str) -> Rejection {
    Box::new(error(StatusCode::BAD_REQUEST, msg))
}

/// One exact criterion: the goal's value at a dotted path equals the parameter.
fn matches(goal: &Value, path: &str, want: &str) -> bool {
    let mut v = goal;
    for part in path.split('.') {
        v = &v[part];
    }
    match v {
        Value::String(s) => s == want,
        Value::Number(n) => n.to_string() == want,
        Value::Bool(b) => b.to_string() == want,
        _ => false,
    }
}

/// Criteria that, given, return everyone's goals rather than the caller's.
const EVERYONE: &[&str] = &[
    "type.name",
    "assignee.type",
    "expected_outcome.target",
    "expected_outcome.tracking_metric",
    "expected_outcome.currency_id",
];
/// Every exact criterion the sandbox reads.
const EXACT: &[&str] = &[
    "type.name",
    "title",
    "assignee.id",
    "assignee.type",
    "expected_outcome.target",
    "expected_outcome.tracking_metric",
    "expected_outcome.currency_id",
    "type.params.stage_id",
];

fn validate(p: &Params) -> Result<(bool, Option<(String, String)>), Rejection> {
    if let Some(t) = param(p, "type.name").filter(|t| !TYPES.contains(t)) {
        return Err(bad(&format!(
            "Validation failed: type.name: '{t}' is not one of {}",
            TYPES.join(", ")
        )));
    }
    if let Some(t) = param(p, "assignee.type").filter(|t| !ASSIGNEE_TYPES.contains(t)) {
        return Err(bad(&format!(
            "Validation failed: assignee.type: '{t}' is not one of person, company, team"
        )));
    }
    let active = match param(p, "is_active") {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => {
            return Err(bad(
                "Validation failed: is_active: Parameter 'is_active' must be true or false",
            ))
        }
    };
    let period = match (param(p, "period.start"), param(p, "period.end")) {
        (None, None) => None,
        (Some(s), Some(e)) => Some((s.to_owned(), e.to_owned())),
        _ => {
            return Err(bad(
                "When providing period.start, period.end must also be provided and vice versa",
            ))
        }
    };
    Ok((active, period))
}

fn find(st: &AppState, uri: &Uri) -> axum::response::Response {
    let p = params(uri);
    let (active, period) = match validate(&p) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let everyone = EVERYONE.iter().any(|k| param(&p, k).is_some());
    let own = param(&p, "assignee.id").is_none() && !everyone;
    let goals: Vec<Value> = (0..GOALS)
        .map(|i| st.pipedrive.goal_json(i))
        .filter(|g| g["is_active"] == json!(active))
        .filter(|g| !own || (g["assignee"]["type"] == "person" && g["assignee"]["id"] == CALLER))
        .filter(|g| {
            EXACT
                .iter()
                .all(|k| param(&p, k).is_none_or(|v| matches(g, k, v)))
        })
        .filter(|g| {
            period.as_ref().is_none_or(|(from, to)| {
                let start = g["duration"]["start"].as_str().unwrap_or_default();
                let end = g["duration"]["end"].as_str().unwrap_or("9999-12-31");
                start <= to.as_str() && end >= from.as_str()
            })
        })
        .collect();
    ok(json!({ "success": true, "data": { "goals": goals } }))
}

/// `goals` (`active`) or `inactive_goals`: what the profile reads, every goal type's goals of
/// that state, with the type it was asked for as `type_name`.
pub fn table_data(d: &Data, active: bool) -> Vec<Value> {
    (0..GOALS)
        .map(|i| d.goal_json(i))
        .filter(|g| g["is_active"] == json!(active))
        .map(|mut g| {
            g["type_name"] = g["type"]["name"].clone();
            g
        })
        .collect()
}

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/goals/find",
        get(
            |axum::extract::State(st): axum::extract::State<AppState>, uri: Uri| async move {
                find(&st, &uri)
            },
        ),
    )
}
