//! Help Scout team members (`GET /v2/teams/{id}/members`, HAL pages of 50 of user objects under
//! `_embedded.users`); a user may belong to several teams.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{api_base, error, hal, index_of, page_of, Data, PAGE, TEAMS, TEAM_BASE, USERS};
use crate::common::{ok, params, select};
use crate::{AppState, Shared};

/// The users (indices) of team `t`: about two in three.
fn members(t: usize) -> Vec<usize> {
    (0..USERS).filter(|u| (u + t) % 3 != 2).collect()
}

fn list(st: &Shared, id: &str, uri: &Uri) -> Response {
    let d = &st.helpscout;
    let Some(team) = index_of(id, TEAM_BASE, TEAMS.len()) else {
        return error(StatusCode::NOT_FOUND, "Resource not found");
    };
    let users = members(team);
    let page = page_of(&params(uri));
    let (rows, total) = select(users.len(), None, (page - 1) * PAGE, PAGE);
    let base = api_base(st);
    let items = rows
        .into_iter()
        .map(|k| d.user_json(&base, users[k]))
        .collect();
    ok(hal(
        &base,
        &format!("/teams/{id}/members"),
        "users",
        items,
        page,
        PAGE,
        total,
    ))
}

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/teams/{id}/members",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                list(&st, &id, &uri)
            },
        ),
    )
}

/// Every team's members, each with the `team_id` the driver fills from the parent.
pub(super) fn table_data(d: &Data, base: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    for t in 0..TEAMS.len() {
        for u in members(t) {
            let mut user = d.user_json(base, u);
            user["team_id"] = json!(TEAM_BASE + t);
            rows.push(user);
        }
    }
    rows
}

pub(super) fn count() -> usize {
    (0..TEAMS.len()).map(|t| members(t).len()).sum()
}
