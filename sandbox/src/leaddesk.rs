//! LeadDesk "Original API" imitation at `/leaddesk/`: one endpoint, `GET|POST
//! ?auth=<32-char key>&mod=<module>&cmd=<command>&...`, dispatching `agent/list|find`,
//! `calling_list/list|export`, `campaign/list`, `contact/find|get` and `call/get`. No
//! pagination, no rate headers; errors are the documented plain-text codes
//! (`ERR_AUTHENTICATION`, `ERR_ARGUMENT_MISSING`, `ERR_ARGUMENT_INVALID`, `ERR_INVALID_MODULE`,
//! `ERR_INVALID_COMMAND`, `ERR_NOT_FOUND:<what>`, `ERR_UNDEFINED`) with HTTP 400 or 500.

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Value};

use crate::common::{ok, param, params, Params, Rejection};
use crate::control::table;
use crate::data::{self, Gen, FIRST_NAMES, LAST_NAMES};

mod calls;
mod contacts;
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
/// Call ending reasons ("results"), as calls and calling-list exports name them.
const RESULTS: [&str; 6] = [
    "Sale",
    "No answer",
    "Call back",
    "Not interested",
    "Wrong number",
    "Ei kiinnostunut",
];

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

    fn agent_name(&self, a: usize) -> String {
        let (f, l) = (
            self.g.pick(AGENT, a, 1, FIRST_NAMES),
            self.g.pick(AGENT, a, 2, LAST_NAMES),
        );
        format!("{f} {l}")
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

/// A mandatory integer argument: `ERR_ARGUMENT_MISSING` when absent, `ERR_ARGUMENT_INVALID`
/// when not an integer.
fn int_arg(p: &Params, key: &str) -> Result<u64, Rejection> {
    match param(p, key) {
        None => Err(Box::new(bad("ERR_ARGUMENT_MISSING"))),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| Box::new(bad("ERR_ARGUMENT_INVALID"))),
    }
}

/// `agent/find&username=`: one `{id, name}` object (Microsoft's connector).
fn agent_find(d: &Data, p: &Params) -> Response {
    let Some(username) = param(p, "username") else {
        return bad("ERR_ARGUMENT_MISSING");
    };
    (0..AGENTS)
        .map(|a| d.agent_json(a))
        .find(|a| a["username"] == username)
        .map_or_else(
            || bad("ERR_NOT_FOUND:agent"),
            |a| ok(json!({ "id": a["id"], "name": a["name"] })),
        )
}

fn dispatch(st: &Shared, p: &Params) -> Response {
    let d = &st.leaddesk;
    let (Some(module), Some(cmd)) = (param(p, "mod"), param(p, "cmd")) else {
        return bad("ERR_ARGUMENT_MISSING");
    };
    match (module, cmd) {
        ("agent" | "calling_list" | "campaign", "list") => ok(Value::Array(d.list(module))),
        ("agent", "find") => agent_find(d, p),
        ("calling_list", "export") => contacts::export(d, p),
        ("contact", "find") => contacts::find(d, p),
        ("contact", "get") => contacts::get(d, p),
        ("call", "get") => calls::get(d, p),
        ("agent" | "calling_list" | "campaign" | "contact" | "call", _) => {
            bad("ERR_INVALID_COMMAND")
        }
        _ => bad("ERR_INVALID_MODULE"),
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
            "calling_list_contacts": table(st.leaddesk.n, Some("calling_lists")),
            "calling_list_export": table(st.leaddesk.n, Some("calling_lists")),
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
    let d = &st.leaddesk;
    let module = match name {
        "agents" => "agent",
        "calling_lists" => "calling_list",
        "campaigns" => "campaign",
        "calling_list_contacts" => return Some(d.all_list_contact_ids()),
        "calling_list_export" => return Some(d.all_export_rows()),
        _ => return None,
    };
    Some(d.list(module))
}
