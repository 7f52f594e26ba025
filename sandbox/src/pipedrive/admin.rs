//! Pipedrive's account set-up lists (API v1): saved filters `GET /filters` (no paging; `type`
//! selects one kind) and `/filters/{id}`, and roles `GET /roles` (offset pages) and `/roles/{id}`,
//! whose counts are strings as Pipedrive sends them.

use axum::extract::Path;
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{error, v1_page};
use crate::common::{id_of, ok, param, params};
use crate::data::{fmt_space, DATA_START};
use crate::AppState;

/// (name, type, owner user id, system code)
const FILTERS: &[(&str, &str, u64, Option<&str>)] = &[
    ("All open deals", "deals", 1, Some("all_open_deals")),
    ("Deals closing this month", "deals", 2, None),
    ("Big deals", "deals", 3, None),
    ("All people", "people", 1, Some("all_people")),
    ("People without email", "people", 4, None),
    ("All organizations", "org", 1, Some("all_organizations")),
    ("All products", "products", 1, Some("all_products")),
    ("Overdue activities", "activity", 5, None),
    ("Hot leads", "leads", 2, None),
    ("Active projects", "projects", 6, None),
];

pub const TYPES: &[&str] = &[
    "deals", "leads", "org", "people", "products", "activity", "projects",
];

/// (name, parent role index, level, description)
const ROLES: &[(&str, Option<usize>, u64, &str)] = &[
    ("Sales director", None, 1, "Sees every pipeline"),
    ("Sales manager", Some(0), 2, "Manages a team"),
    ("Account executive", Some(1), 3, "Owns deals"),
    ("Sales development", Some(1), 3, "Qualifies leads"),
    ("Customer success", Some(0), 2, "Renewals and upsell"),
];

fn filter(k: usize) -> Value {
    let (name, kind, user, code) = FILTERS[k];
    let add = DATA_START - 300 * 86_400 + k as i64 * 86_400;
    json!({
        "id": k + 1,
        "name": name,
        "active_flag": true,
        "type": kind,
        "temporary_flag": null,
        "user_id": user,
        "add_time": fmt_space(add),
        "update_time": (!k.is_multiple_of(3)).then(|| fmt_space(add + 7 * 86_400)),
        "visible_to": if code.is_some() { "7" } else { "1" },
        "custom_view_id": if kind == "deals" { json!(k + 100) } else { Value::Null },
        "filter_code": code,
        "is_editable": code.is_none(),
        "last_used_time": k.is_multiple_of(2).then(|| fmt_space(add + 30 * 86_400)),
    })
}

fn role(k: usize) -> Value {
    let (name, parent, level, description) = ROLES[k];
    let subs = ROLES.iter().filter(|r| r.1 == Some(k)).count();
    json!({
        "id": k + 1,
        "parent_role_id": parent.map(|p| p + 1),
        "name": name,
        "active_flag": true,
        "assignment_count": (1 + k % 3).to_string(),
        "sub_role_count": subs.to_string(),
        "level": level,
        "description": description,
    })
}

/// Table name → its rows, for the manifest and `/_sandbox/data`.
pub fn table_data(name: &str) -> Option<Vec<Value>> {
    Some(match name {
        "filters" => (0..FILTERS.len()).map(filter).collect(),
        "roles" => (0..ROLES.len()).map(role).collect(),
        _ => return None,
    })
}

pub const TABLES: &[&str] = &["filters", "roles"];

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/filters",
        get(|uri: Uri| async move {
            let p = params(&uri);
            let kind = param(&p, "type");
            if let Some(k) = kind.filter(|k| !TYPES.contains(k)) {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!(
                        "Validation failed: type: '{k}' is not one of {}",
                        TYPES.join(", ")
                    ),
                );
            }
            let rows: Vec<Value> = (0..FILTERS.len())
                .filter(|k| kind.is_none_or(|t| FILTERS[*k].1 == t))
                .map(filter)
                .collect();
            ok(json!({ "success": true, "data": rows }))
        }),
    )
    .route(
        "/filters/{id}",
        get(|Path(id): Path<String>| async move {
            match id_of(&id, FILTERS.len()) {
                Some(k) => ok(json!({ "success": true, "data": filter(k) })),
                None => error(StatusCode::NOT_FOUND, "Filter not found"),
            }
        }),
    )
    .route(
        "/roles",
        get(|uri: Uri| async move { v1_page(ROLES.len(), None, &params(&uri), role) }),
    )
    .route(
        "/roles/{id}",
        get(|Path(id): Path<String>| async move {
            match id_of(&id, ROLES.len()) {
                Some(k) => ok(json!({ "success": true, "data": role(k) })),
                None => error(StatusCode::NOT_FOUND, "Role not found"),
            }
        }),
    )
}
