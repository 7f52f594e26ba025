//! Help Scout system users (AI agents and other non-human actors), an Inbox API v3 resource
//! served under `/helpscout/v3`: `GET /v3/system-users` (HAL pages of 50 under
//! `_embedded.system_users`) and `GET /v3/system-users/{id}`. Their `email`, `mention` and
//! `photoUrl` may be null.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{error, hal, index_of, page_of, PAGE};
use crate::common::{ok, params, select};
use crate::data::{fmt_iso, DATA_END};
use crate::{AppState, Shared};

const SYSTEM_USER_BASE: usize = 155_001;

/// (first name, last name, e-mail, mention)
const SYSTEM_USERS: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    ("AI Agent", "", None, None),
    (
        "Résumé",
        "Bot",
        Some("summaries@sandbox.helpscout.net"),
        Some("resume-bot"),
    ),
];

fn api_base_v3(st: &Shared) -> String {
    format!("{}/helpscout/v3", st.base_url)
}

fn system_user_json(base: &str, k: usize) -> Value {
    let (first, last, email, mention) = SYSTEM_USERS[k];
    let id = SYSTEM_USER_BASE + k;
    let created = DATA_END - 86_400 * (k as i64 + 2);
    let initials: String = format!("{first} {last}")
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .collect();
    json!({
        "id": id,
        "type": "system_user",
        "firstName": first,
        "lastName": last,
        "initials": initials,
        "email": email,
        "mention": mention,
        "timezone": "UTC",
        "role": "user",
        "photoUrl": null,
        "createdAt": fmt_iso(created),
        "updatedAt": fmt_iso(created + 3600 * k as i64),
        "_links": { "self": { "href": format!("{base}/system-users/{id}") } },
    })
}

fn list(st: &Shared, uri: &Uri) -> Response {
    let base = api_base_v3(st);
    let page = page_of(&params(uri));
    let (rows, total) = select(SYSTEM_USERS.len(), None, (page - 1) * PAGE, PAGE);
    let items = rows
        .into_iter()
        .map(|k| system_user_json(&base, k))
        .collect();
    ok(hal(
        &base,
        "/system-users",
        "system_users",
        items,
        page,
        PAGE,
        total,
    ))
}

fn one(st: &Shared, id: &str) -> Response {
    match index_of(id, SYSTEM_USER_BASE, SYSTEM_USERS.len()) {
        Some(k) => ok(system_user_json(&api_base_v3(st), k)),
        None => error(StatusCode::NOT_FOUND, "Resource not found"),
    }
}

/// The v3 routes, nested under `/helpscout/v3`.
pub fn router_v3() -> Router<AppState> {
    Router::new()
        .route(
            "/system-users",
            get(|State(st): State<AppState>, uri: Uri| async move { list(&st, &uri) }),
        )
        .route(
            "/system-users/{id}",
            get(|State(st): State<AppState>, Path(id): Path<String>| async move { one(&st, &id) }),
        )
        .fallback(|| async { error(StatusCode::NOT_FOUND, "Resource not found") })
}

pub(super) fn table_data(st: &Shared) -> Vec<Value> {
    let base = api_base_v3(st);
    (0..SYSTEM_USERS.len())
        .map(|k| system_user_json(&base, k))
        .collect()
}

pub(super) fn count() -> usize {
    SYSTEM_USERS.len()
}
