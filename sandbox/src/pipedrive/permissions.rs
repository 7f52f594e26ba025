//! Permission sets (API v1; admin only): `GET /permissionSets` (every set, no paging; `app`
//! selects one app's), `GET /permissionSets/{id}` (adds `contents`, the permissions granted) and
//! `GET /permissionSets/{id}/assignments` (offset pages of the users holding it). Ids are UUIDs;
//! `assignment_count` is the number of assignments listed.

use axum::extract::Path;
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{error, v1_page, USERS};
use crate::common::{param, params};
use crate::AppState;

pub const APPS: &[&str] = &[
    "sales",
    "projects",
    "campaigns",
    "global",
    "account_settings",
];

/// (name, app, type, description)
const SETS: &[(&str, &str, &str, &str)] = &[
    (
        "Admin",
        "sales",
        "admin",
        "Full access to sales data and settings",
    ),
    (
        "Manager",
        "sales",
        "manager",
        "Sees and edits the team's data",
    ),
    (
        "Regular user",
        "sales",
        "regular",
        "Works with their own data",
    ),
    (
        "Global admin",
        "global",
        "admin",
        "Contacts, insights and products, all of them",
    ),
    (
        "Global regular",
        "global",
        "regular",
        "Contacts, insights and products as shared",
    ),
    (
        "Account admin",
        "account_settings",
        "admin",
        "Billing, users and security",
    ),
    ("Project member", "projects", "regular", "Works on projects"),
    (
        "Campaign editor",
        "campaigns",
        "custom",
        "Creates and sends campaigns",
    ),
];

fn set_id(k: usize) -> String {
    format!("6f1c{k:04x}-8a3b-4c5d-9e0f-{:012x}", 0x5a_0000 + k)
}

/// Whether user `u` (0-based) holds set `k`.
fn holds(k: usize, u: usize) -> bool {
    match k {
        0 | 3 | 5 => u < 2,
        1 => u == 2,
        2 => u >= 3,
        4 => u >= 2,
        6 => u.is_multiple_of(2),
        _ => u % 4 == 3,
    }
}

fn holders(k: usize) -> Vec<usize> {
    (0..USERS).filter(|u| holds(k, *u)).collect()
}

fn set_json(k: usize) -> Value {
    let (name, app, kind, description) = SETS[k];
    json!({
        "id": set_id(k),
        "name": name,
        "description": description,
        "app": app,
        "type": kind,
        "assignment_count": holders(k).len(),
    })
}

fn contents(k: usize) -> Vec<String> {
    let (_, app, kind, _) = SETS[k];
    let mut out = vec![format!("{app}.view")];
    if kind != "regular" {
        out.push(format!("{app}.edit_others"));
    }
    if kind == "admin" {
        out.push(format!("{app}.admin"));
    }
    out
}

fn find(id: &str) -> Option<usize> {
    (0..SETS.len()).find(|k| set_id(*k) == id)
}

/// `permission_sets` and `permission_set_assignments`.
pub fn table_data(name: &str) -> Option<Vec<Value>> {
    Some(match name {
        "permission_sets" => (0..SETS.len()).map(set_json).collect(),
        "permission_set_assignments" => (0..SETS.len())
            .flat_map(|k| holders(k).into_iter().map(move |u| assignment(k, u)))
            .collect(),
        _ => return None,
    })
}

fn assignment(k: usize, u: usize) -> Value {
    json!({ "user_id": u + 1, "permission_set_id": set_id(k), "name": SETS[k].0 })
}

pub const TABLES: &[&str] = &["permission_sets", "permission_set_assignments"];

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/permissionSets",
        get(|uri: Uri| async move {
            let p = params(&uri);
            let app = param(&p, "app");
            if let Some(a) = app.filter(|a| !APPS.contains(a)) {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!(
                        "Validation failed: app: '{a}' is not one of {}",
                        APPS.join(", ")
                    ),
                );
            }
            let rows: Vec<Value> = (0..SETS.len())
                .filter(|k| app.is_none_or(|a| SETS[*k].1 == a))
                .map(set_json)
                .collect();
            crate::common::ok(json!({ "success": true, "data": rows }))
        }),
    )
    .route(
        "/permissionSets/{id}",
        get(|Path(id): Path<String>| async move {
            match find(&id) {
                Some(k) => {
                    let mut set = set_json(k);
                    set["contents"] = json!(contents(k));
                    crate::common::ok(json!({ "success": true, "data": set }))
                }
                None => error(StatusCode::NOT_FOUND, "Permission set not found"),
            }
        }),
    )
    .route(
        "/permissionSets/{id}/assignments",
        get(|Path(id): Path<String>, uri: Uri| async move {
            match find(&id) {
                Some(k) => {
                    let users = holders(k);
                    v1_page(users.len(), None, &params(&uri), |j| {
                        assignment(k, users[j])
                    })
                }
                None => error(StatusCode::NOT_FOUND, "Permission set not found"),
            }
        }),
    )
}
