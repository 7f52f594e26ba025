//! LeadDesk "Original API" imitation at `/leaddesk/`: one endpoint, `GET|POST
//! ?auth=<32-char key>&mod=<module>&cmd=<command>&...`, dispatching agent/calling_list/campaign
//! lists, contact find by phone, call get by call_ref_id. No pagination, no rate headers;
//! errors are the documented plain-text codes (`ERR_AUTHENTICATION`, `ERR_ARGUMENT_MISSING`,
//! `ERR_ARGUMENT_INVALID`, `ERR_NOT_FOUND:<what>`, `ERR_UNDEFINED`) with HTTP 400 or 500.

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Value};

use crate::common::{ok, param, params, Params};
use crate::control::table;
use crate::data::{self, fmt_space, Gen, FIRST_NAMES, LAST_NAMES};
use crate::faults::Fault;
use crate::{AppState, Shared};

const AGENT: u64 = 0x60;
const CONTACT: u64 = 0x61;
const CALL: u64 = 0x62;

pub const AGENTS: usize = 8;
const AGENT_BASE: usize = 1001;
const CALLING_LISTS: [&str; 6] = [
    "Leads Q1",
    "Leads Q2",
    "Win-back",
    "Asiakkaat – Helsinki",
    "Webinar follow-up",
    "Renewals",
];
const CAMPAIGNS: [&str; 4] = [
    "Outbound sales",
    "Customer care",
    "Surveys",
    "Kampanja 2025",
];
const CALL_BASE: usize = 500_001;

pub struct Data {
    g: Gen,
    n: usize,
}

impl Data {
    pub fn new(g: &Gen, n: usize) -> Self {
        Data { g: *g, n }
    }

    fn agent_json(&self, a: usize) -> Value {
        let (f, l) = (
            self.g.pick(AGENT, a, 1, FIRST_NAMES),
            self.g.pick(AGENT, a, 2, LAST_NAMES),
        );
        json!({
            "id": AGENT_BASE + a,
            "name": format!("{f} {l}"),
            "username": format!("{}.{}", data::ascii_slug(f), data::ascii_slug(l)),
            "email": data::email(&self.g, AGENT, a, 0, f, l),
            "active": a != AGENTS - 1,
        })
    }

    fn contact_phone(&self, c: usize) -> String {
        data::phone(&self.g, CONTACT, c, 0)
    }

    fn call_json(&self, i: usize) -> Value {
        let g = &self.g;
        let start = g.time(CALL, i, 1);
        let talk = g.range(CALL, i, 2, 5, 1200);
        let orders: Vec<u64> = (0..g.range(CALL, i, 3, 0, 2))
            .map(|k| 900_000 + g.range(CALL, i, 10 + k, 0, 99_999))
            .collect();
        json!({
            "agent_id": AGENT_BASE + g.range(CALL, i, 4, 0, AGENTS as u64 - 1) as usize,
            "number": g.index(CALL, i, 5, self.n).map_or_else(|| data::phone(g, CALL, i, 0), |c| self.contact_phone(c)),
            "talk_start": fmt_space(start),
            "talk_end": fmt_space(start + talk as i64),
            "talk_time": talk.to_string(),
            "order_ids": orders,
        })
    }

    fn list(&self, module: &str) -> Vec<Value> {
        match module {
            "agent" => (0..AGENTS).map(|a| self.agent_json(a)).collect(),
            "calling_list" => CALLING_LISTS
                .iter()
                .enumerate()
                .map(|(k, name)| json!({ "id": k + 1, "name": name }))
                .collect(),
            _ => CAMPAIGNS
                .iter()
                .enumerate()
                .map(|(k, name)| json!({ "id": k + 1, "name": name }))
                .collect(),
        }
    }
}

/// The documented plain-text error.
fn err(status: StatusCode, code: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        code.to_owned(),
    )
        .into_response()
}

fn bad(code: &str) -> Response {
    err(StatusCode::BAD_REQUEST, code)
}

fn dispatch(st: &Shared, p: &Params) -> Response {
    let d = &st.leaddesk;
    let (Some(module), Some(cmd)) = (param(p, "mod"), param(p, "cmd")) else {
        return bad("ERR_ARGUMENT_MISSING");
    };
    match (module, cmd) {
        ("agent" | "calling_list" | "campaign", "list") => ok(Value::Array(d.list(module))),
        ("agent", "get") => {
            let Some(id) = param(p, "agent_id") else {
                return bad("ERR_ARGUMENT_MISSING");
            };
            match id.parse::<usize>() {
                Err(_) => bad("ERR_ARGUMENT_INVALID"),
                Ok(id) => match id.checked_sub(AGENT_BASE).filter(|a| *a < AGENTS) {
                    Some(a) => ok(d.agent_json(a)),
                    None => bad("ERR_NOT_FOUND:agent"),
                },
            }
        }
        ("contact", "find") => {
            let Some(phone) = param(p, "phone") else {
                return bad("ERR_ARGUMENT_MISSING");
            };
            let ids: Vec<usize> = (0..d.n)
                .filter(|c| d.contact_phone(*c) == phone)
                .map(|c| c + 1)
                .collect();
            ok(json!(ids))
        }
        ("call", "get") => {
            let Some(id) = param(p, "call_ref_id") else {
                return bad("ERR_ARGUMENT_MISSING");
            };
            match id.parse::<usize>() {
                Err(_) => bad("ERR_ARGUMENT_INVALID"),
                Ok(id) => match id.checked_sub(CALL_BASE).filter(|i| *i < d.n) {
                    Some(i) => ok(d.call_json(i)),
                    None => bad("ERR_NOT_FOUND:call"),
                },
            }
        }
        _ => bad("ERR_ARGUMENT_INVALID"),
    }
}

pub fn router() -> Router<AppState> {
    let handler =
        |State(st): State<AppState>, uri: Uri| async move { dispatch(&st, &params(&uri)) };
    Router::new()
        .route("/leaddesk", any(handler))
        .route("/leaddesk/", any(handler))
}

pub fn fault(f: Fault) -> Response {
    match f {
        // LeadDesk documents 400/500 for every error, authentication included.
        Fault::Unauthorized | Fault::TokenExpired => bad("ERR_AUTHENTICATION"),
        // Undocumented: LeadDesk publishes no rate limit; the code is the sandbox's.
        Fault::RateLimited => err(StatusCode::TOO_MANY_REQUESTS, "ERR_TOO_MANY_REQUESTS"),
        Fault::Internal => err(StatusCode::INTERNAL_SERVER_ERROR, "ERR_UNDEFINED"),
    }
}

pub fn authorized(st: &Shared, uri: &Uri) -> bool {
    params(uri).get("auth") == Some(&st.creds.leaddesk_key)
}

pub fn manifest(st: &Shared) -> Value {
    json!({
        "tables": {
            "agents": table(AGENTS, None),
            "calling_lists": table(CALLING_LISTS.len(), None),
            "campaigns": table(CAMPAIGNS.len(), None),
        },
        "credentials": { "api_key": st.creds.leaddesk_key },
        "connection_strings": {
            "APIKEY": format!(
                "Profile=leaddesk;AuthScheme=APIKey;APIKey={};BaseURL={}/leaddesk",
                st.creds.leaddesk_key, st.base_url
            ),
        },
    })
}

pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let module = match name {
        "agents" => "agent",
        "calling_lists" => "calling_list",
        "campaigns" => "campaign",
        _ => return None,
    };
    Some(st.leaddesk.list(module))
}
