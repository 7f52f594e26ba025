//! Talkdesk ring groups (the admin UI's "queues"): `GET /ring-groups` (HAL pages,
//! `_embedded.ring_groups[]` of `name`, `short_abandoned_threshold`, `wait_time_threshold`) and
//! `GET /ring-groups/{name}/users` (`ring_group` and `_embedded.users[]` of `id` and links only),
//! as Talkdesk documents them. Each generated user belongs to some of the groups.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{api_base, error, Data, MAX_PER_PAGE, USER};
use crate::common::{num, ok, params, select};
use crate::{AppState, Shared};

const RING_GROUP: u64 = 0x53;

/// (name, short abandoned threshold s, wait time threshold s)
pub const RING_GROUPS: &[(&str, u64, u64)] = &[
    ("support", 20, 60),
    ("sales", 30, 45),
    ("billing", 15, 90),
    ("retencao", 20, 120),
];

impl Data {
    /// The users in ring group `k`, in user order.
    pub(super) fn ring_group_members(&self, k: usize) -> Vec<usize> {
        (0..self.n)
            .filter(|u| self.g.chance(RING_GROUP, *u, k as u64, 40))
            .collect()
    }
}

fn ring_group_json(k: usize) -> Value {
    let (name, short, wait) = RING_GROUPS[k];
    json!({ "name": name, "short_abandoned_threshold": short, "wait_time_threshold": wait })
}

fn member_json(d: &Data, base: &str, u: usize) -> Value {
    let id = d.id(USER, u);
    json!({ "id": id, "_links": { "self": { "href": format!("{base}/users/{id}") } } })
}

/// One HAL page of `total` items (`page`, `per_page` as `/users` takes them), with Talkdesk's
/// `next` and `previous` links; the items are at `items` for the caller to embed.
pub(super) fn page(
    st: &Shared,
    path: &str,
    uri: &Uri,
    total: usize,
    item: impl Fn(usize) -> Value,
) -> Value {
    let p = params(uri);
    let page = num(&p, "page").filter(|n| *n > 0).unwrap_or(1) as usize;
    let per_page = num(&p, "per_page")
        .filter(|n| *n > 0)
        .map_or(50, |n| (n as usize).min(MAX_PER_PAGE));
    let (rows, total) = select(total, None, (page - 1).saturating_mul(per_page), per_page);
    let base = api_base(st);
    let href = |pg: usize| json!({ "href": format!("{base}{path}?page={pg}&per_page={per_page}") });
    let pages = total.div_ceil(per_page);
    let mut links = json!({ "self": href(page) });
    if page < pages {
        links["next"] = href(page + 1);
    }
    if page > 1 {
        links["previous"] = href(page - 1);
    }
    let items: Vec<Value> = rows.into_iter().map(item).collect();
    json!({
        "total": total, "page": page, "per_page": per_page, "count": items.len(),
        "items": items, "_links": links,
    })
}

fn ring_groups(st: &Shared, uri: &Uri) -> Response {
    let mut body = page(st, "/ring-groups", uri, RING_GROUPS.len(), ring_group_json);
    body["_embedded"] = json!({ "ring_groups": body["items"].take() });
    body.as_object_mut().map(|b| b.remove("items"));
    ok(body)
}

fn members(st: &Shared, name: &str, uri: &Uri) -> Response {
    let Some(k) = RING_GROUPS.iter().position(|g| g.0 == name) else {
        return error(
            StatusCode::NOT_FOUND,
            "0360404",
            "Not Found",
            "ring group not found",
        );
    };
    let d = &st.talkdesk;
    let base = api_base(st);
    let users = d.ring_group_members(k);
    let mut body = page(
        st,
        &format!("/ring-groups/{name}/users"),
        uri,
        users.len(),
        |i| member_json(d, &base, users[i]),
    );
    body["ring_group"] = json!(name);
    body["_embedded"] = json!({ "users": body["items"].take() });
    body.as_object_mut().map(|b| b.remove("items"));
    ok(body)
}

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/ring-groups",
        get(|State(st): State<AppState>, uri: Uri| async move { ring_groups(&st, &uri) }),
    )
    .route(
        "/ring-groups/{name}/users",
        get(
            |State(st): State<AppState>, Path(name): Path<String>, uri: Uri| async move {
                members(&st, &name, &uri)
            },
        ),
    )
}

/// Rows for the manifest and `/_sandbox/data`: the groups, and one row per member (the user's id
/// and the group, which the API gives once per page rather than per user).
pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.talkdesk;
    Some(match name {
        "ring_groups" => (0..RING_GROUPS.len()).map(ring_group_json).collect(),
        "ring_group_users" => (0..RING_GROUPS.len())
            .flat_map(|k| {
                d.ring_group_members(k)
                    .into_iter()
                    .map(move |u| json!({ "id": d.id(USER, u) }))
            })
            .collect(),
        _ => return None,
    })
}

pub fn member_rows(d: &Data) -> usize {
    (0..RING_GROUPS.len())
        .map(|k| d.ring_group_members(k).len())
        .sum()
}
