//! Keap REST v2 imitation under `/keap/crm/rest/v2`, for the lists v1 lacks: the envelope
//! `{"<plural>": [...], "next_page_token": "..."}` with `page_size` (0–1000; 0 or absent is the
//! sandbox's 1000, Keap states no default) and an opaque `page_token` (a malformed one is a 400),
//! `next_page_token` empty on the last page; string ids; v2's error body `{code, message, status,
//! details}`. The reference lists live here: tag categories (`/tags/categories`, paged, and
//! `/{id}`), contact link types (`/contacts/links/types`, paged), automation categories
//! (`/automationCategory`) and user groups (`/userGroups`, and `/{id}`), the last two unpaged, as
//! Keap documents no paging parameter for them. Opportunity stage moves, lead sources and
//! contact links are in keap/stage_moves.rs, keap/lead_sources.rs and keap/links.rs.
//!
//! v2's `filter` and `order_by` are not imitated: the profile sends neither (the driver cannot
//! write v2's `filter=field==value` syntax), so a request with one is a 400 here rather than
//! unfiltered rows that would let a profile that started sending them pass unnoticed.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{lead_sources, links, stage_moves, Data, TAG_CATEGORIES};
use crate::common::{id_of, json, ok, param, params, Params};
use crate::data::fmt_iso;
use crate::AppState;

const V2: u64 = 0x3D;
const MAX_PAGE: usize = 1000;

/// Contact link types: (name, most links of the type a contact may have).
pub(super) const LINK_TYPES: [(&str, u64); 4] = [
    ("Spouse", 1),
    ("Assistant", 1),
    ("Referred by", 1),
    ("Collègue", 10),
];
/// Automation categories: (name, automations in it).
const AUTOMATION_CATEGORIES: [(&str, u64); 4] = [
    ("Lead nurture", 3),
    ("Onboarding", 0),
    ("Événements", 2),
    ("Win-back", 1),
];
const USER_GROUPS: [&str; 3] = ["Sales", "Accounting", "Support"];

/// v2's error body.
pub(super) fn error(status: StatusCode, msg: &str) -> Response {
    json(
        status,
        json!({
            "code": status.as_u16(),
            "message": msg,
            "status": status.canonical_reason().unwrap_or_default(),
            "details": [],
        }),
    )
}

pub(super) fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Resource not found")
}

fn token(start: usize) -> String {
    format!("kpt{start:08x}")
}

/// One v2 page of `total` records under `key`, record `k` rendered by `render`.
pub(super) fn page(
    p: &Params,
    key: &str,
    total: usize,
    render: impl Fn(usize) -> Value,
) -> Response {
    if param(p, "filter").is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            "filter is not imitated by the sandbox for this list",
        );
    }
    filtered_page(p, key, &[], total, |_, _| true, render)
}

/// Keap v2's `filter`: `field==value` clauses joined by `;` (the value as given). A field the
/// list does not filter on, or a clause without `==`, is a 400 as Keap answers it.
fn filter_clauses(p: &Params, fields: &[&str]) -> Result<Vec<(String, String)>, String> {
    let Some(text) = param(p, "filter") else {
        return Ok(Vec::new());
    };
    text.split(';')
        .filter(|c| !c.trim().is_empty())
        .map(|clause| match clause.split_once("==") {
            Some((f, v)) if fields.contains(&f.trim()) => {
                Ok((f.trim().to_string(), v.trim().to_string()))
            }
            Some((f, _)) => Err(format!("Invalid filter field: {}", f.trim())),
            None => Err(format!("Invalid filter: {clause}")),
        })
        .collect()
}

/// Like [`page`] over the records `keep` accepts under the request's `filter` clauses on
/// `fields` (all of them must hold).
pub(super) fn filtered_page(
    p: &Params,
    key: &str,
    fields: &[&str],
    total: usize,
    keep: impl Fn(usize, &[(String, String)]) -> bool,
    render: impl Fn(usize) -> Value,
) -> Response {
    if param(p, "order_by").is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            "order_by is not imitated by the sandbox",
        );
    }
    let clauses = match filter_clauses(p, fields) {
        Ok(c) => c,
        Err(message) => return error(StatusCode::BAD_REQUEST, &message),
    };
    let list: Vec<usize> = (0..total).filter(|k| keep(*k, &clauses)).collect();
    let total = list.len();
    let size = match param(p, "page_size").map(|v| v.trim().parse::<usize>()) {
        None | Some(Ok(0)) => MAX_PAGE,
        Some(Ok(s)) if s <= MAX_PAGE => s,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "page_size must be between 0 and 1000",
            )
        }
    };
    let start = match param(p, "page_token") {
        None | Some("") => 0,
        Some(t) => match t
            .strip_prefix("kpt")
            .and_then(|h| usize::from_str_radix(h, 16).ok())
        {
            Some(s) => s,
            None => return error(StatusCode::BAD_REQUEST, "Invalid page_token"),
        },
    };
    let end = start.saturating_add(size).min(total);
    let next = if end < total {
        token(end)
    } else {
        String::new()
    };
    ok(json!({
        key: (start.min(end)..end).map(|k| render(list[k])).collect::<Vec<_>>(),
        "next_page_token": next,
    }))
}

/// An unpaged v2 list: every record, and an empty `next_page_token`.
pub(super) fn all(key: &str, records: Vec<Value>) -> Response {
    ok(json!({ key: records, "next_page_token": "" }))
}

impl Data {
    pub(super) fn tag_category_json(&self, c: usize) -> Value {
        let created = self.g.time(V2, c, 1);
        json!({
            "id": (c + 1).to_string(),
            "name": TAG_CATEGORIES[c],
            // The last category holds no tag and has no description.
            "description": (c + 1 < TAG_CATEGORIES.len()).then(|| format!("Tags for {}", TAG_CATEGORIES[c].to_lowercase())),
            "create_time": fmt_iso(created),
            "update_time": fmt_iso(created + self.g.range(V2, c, 2, 0, 90 * 86_400) as i64),
        })
    }

    pub(super) fn link_type_json(&self, t: usize) -> Value {
        json!({
            "id": (t + 1).to_string(),
            "name": LINK_TYPES[t].0,
            "max_links": LINK_TYPES[t].1,
            "create_time": fmt_iso(self.g.time(V2, 10 + t, 1)),
        })
    }

    pub(super) fn automation_category_json(&self, c: usize) -> Value {
        json!({
            "id": (c + 1).to_string(),
            "name": AUTOMATION_CATEGORIES[c].0,
            "automation_count": AUTOMATION_CATEGORIES[c].1,
        })
    }

    pub(super) fn user_group_json(&self, u: usize) -> Value {
        json!({ "id": (u + 1).to_string(), "name": USER_GROUPS[u] })
    }

    /// The records of a v2 reference table, for the manifest and `/_sandbox/data`.
    pub(super) fn reference_rows(&self, table: &str) -> Option<Vec<Value>> {
        let (count, render): (usize, fn(&Data, usize) -> Value) = match table {
            "tag_categories" => (TAG_CATEGORIES.len(), Data::tag_category_json),
            "contact_link_types" => (LINK_TYPES.len(), Data::link_type_json),
            "automation_categories" => {
                (AUTOMATION_CATEGORIES.len(), Data::automation_category_json)
            }
            "user_groups" => (USER_GROUPS.len(), Data::user_group_json),
            _ => return None,
        };
        Some((0..count).map(|k| render(self, k)).collect())
    }
}

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route(
            "/tags/categories",
            get(|State(st): State<AppState>, uri: Uri| async move {
                page(&params(&uri), "tag_categories", TAG_CATEGORIES.len(), |c| {
                    st.keap.tag_category_json(c)
                })
            }),
        )
        .route(
            "/tags/categories/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    match id_of(&id, TAG_CATEGORIES.len()) {
                        Some(c) => ok(st.keap.tag_category_json(c)),
                        None => not_found(),
                    }
                },
            ),
        )
        .route(
            "/contacts/links/types",
            get(|State(st): State<AppState>, uri: Uri| async move {
                page(&params(&uri), "contact_link_types", LINK_TYPES.len(), |t| {
                    st.keap.link_type_json(t)
                })
            }),
        )
        .route(
            "/automationCategory",
            get(|State(st): State<AppState>| async move {
                let rows = st.keap.reference_rows("automation_categories");
                all("automation_categories", rows.unwrap_or_default())
            }),
        )
        .route(
            "/userGroups",
            get(|State(st): State<AppState>| async move {
                all(
                    "user_groups",
                    st.keap.reference_rows("user_groups").unwrap_or_default(),
                )
            }),
        )
        .route(
            "/userGroups/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    match id_of(&id, USER_GROUPS.len()) {
                        Some(u) => ok(st.keap.user_group_json(u)),
                        None => not_found(),
                    }
                },
            ),
        );
    let r = stage_moves::routes(r);
    let r = lead_sources::routes(r);
    let r = links::routes(r);
    r.fallback(|| async { not_found() })
}
