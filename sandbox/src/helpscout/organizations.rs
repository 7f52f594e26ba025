//! Help Scout organizations (`GET /v2/organizations`, HAL pages of 50 under
//! `_embedded.organizations`; single `GET /v2/organizations/{id}`) and which organization a
//! customer belongs to (`organizationId`, `organization` = its name).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{api_base, error, hal, index_of, page_of, Data, PAGE};
use crate::common::{ok, params, select};
use crate::data::{self, mix};
use crate::{AppState, Shared};

const ORG: u64 = 0x25;
const ORG_BASE: usize = 30_000_001;
const COUNTRIES: &[&str] = &["FI", "DE", "SE", "PT", "US", "JP"];

pub(super) fn count(d: &Data) -> usize {
    (d.n / 4).max(3)
}

/// The organization of customer `c`, for about half of them.
pub(super) fn of_customer(d: &Data, c: usize) -> Option<(usize, String)> {
    if d.g.chance(ORG, c, 500, 50) {
        return None;
    }
    let k = d.g.index(ORG, c, 501, count(d))?;
    Some((ORG_BASE + k, name(d, k)))
}

fn name(d: &Data, k: usize) -> String {
    data::company_name(&d.g, ORG, k)
}

fn org_json(d: &Data, base: &str, k: usize) -> Value {
    let g = &d.g;
    let id = ORG_BASE + k;
    let slug = format!("{}{}", data::ascii_slug(&name(d, k)), k + 1);
    let domains: Vec<String> = (0..g.range(ORG, k, 1, 0, 2))
        .map(|j| format!("{slug}.example{}", if j == 0 { ".com" } else { ".net" }))
        .collect();
    let phones: Vec<String> = (0..g.range(ORG, k, 2, 0, 2) as usize)
        .map(|j| data::phone(g, ORG, k, j))
        .collect();
    json!({
        "id": id,
        "name": name(d, k),
        "website": (!g.chance(ORG, k, 3, 20)).then(|| format!("https://{slug}.example.com")),
        "description": (!g.chance(ORG, k, 4, 50)).then_some("Customer since the pilot."),
        "location": g.pick(ORG, k, 5, COUNTRIES),
        "logoUrl": (!g.chance(ORG, k, 6, 60)).then(|| format!("https://logos.example.com/{id}.png")),
        "note": (!g.chance(ORG, k, 7, 70)).then_some("Renewal in Q3 — ask for “Pro”."),
        "domains": domains,
        "phones": phones,
        "brandColor": format!("#{:06X}", mix(k as u64) & 0xFF_FFFF),
        "_links": { "self": { "href": format!("{base}/organizations/{id}") } },
    })
}

fn list(st: &Shared, uri: &Uri) -> Response {
    let d = &st.helpscout;
    let page = page_of(&params(uri));
    let (rows, total) = select(count(d), None, (page - 1) * PAGE, PAGE);
    let base = api_base(st);
    let items = rows.into_iter().map(|k| org_json(d, &base, k)).collect();
    ok(hal(
        &base,
        "/organizations",
        "organizations",
        items,
        page,
        PAGE,
        total,
    ))
}

fn one(st: &Shared, id: &str) -> Response {
    let d = &st.helpscout;
    match index_of(id, ORG_BASE, count(d)) {
        Some(k) => ok(org_json(d, &api_base(st), k)),
        None => error(StatusCode::NOT_FOUND, "Resource not found"),
    }
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/organizations",
            get(|State(st): State<AppState>, uri: Uri| async move { list(&st, &uri) }),
        )
        .route(
            "/organizations/{id}",
            get(|State(st): State<AppState>, Path(id): Path<String>| async move { one(&st, &id) }),
        )
}

pub(super) fn table_data(d: &Data, base: &str) -> Vec<Value> {
    (0..count(d)).map(|k| org_json(d, base, k)).collect()
}
