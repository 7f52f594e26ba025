//! Help Scout Docs sites (`GET /v1/sites`, single `/v1/sites/{id}`), collections
//! (`GET /v1/collections` with `siteId` and `visibility`, single `/v1/collections/{id}`) and
//! the categories of a collection (`GET /v1/collections/{id}/categories`, single
//! `/v1/categories/{id}`): two sites, five collections (one private), three categories each.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{
    envelope, error, page_of, Data, CATEGORIES, CATEGORIES_PER_COLLECTION, CATEGORY, COLLECTION,
    COLLECTIONS, PAGE, SITE, SITES,
};
use crate::common::{ok, param, params, select};
use crate::data::{self, fmt_iso};
use crate::{AppState, Shared};

const SITE_NAMES: [&str; SITES] = ["Help Center", "Développeurs"];
const COLLECTION_NAMES: [&str; COLLECTIONS] = [
    "Getting Started",
    "Billing",
    "Troubleshooting",
    "API Reference",
    "Guides pratiques",
];
const CATEGORY_NAMES: [&str; CATEGORIES_PER_COLLECTION] = ["Basics", "Advanced", "FAQ"];
const DEFAULT_SORTS: [&str; CATEGORIES_PER_COLLECTION] = ["custom", "name", "popularity"];

/// Collections 0-2 belong to the first site, the rest to the second.
pub(super) fn site_of(c: usize) -> usize {
    usize::from(c >= 3)
}

fn visibility_of(c: usize) -> &'static str {
    if c == 3 {
        "private"
    } else {
        "public"
    }
}

pub(super) fn collection_name(c: usize) -> &'static str {
    COLLECTION_NAMES[c]
}

pub(super) fn site_url(site: usize) -> String {
    format!("https://sandbox{}.helpscoutdocs.com", site + 1)
}

impl Data {
    fn site_json(&self, k: usize) -> Value {
        let t = data::DATA_START - 86_400 * 200;
        json!({
            "id": self.id(SITE, k), "status": "active", "subDomain": format!("sandbox{}", k + 1),
            "cname": (k == 1).then_some("dev.sandbox.example.com"), "hasPublicSite": k == 0,
            "companyName": "Sandbox Oy", "title": SITE_NAMES[k],
            "logoUrl": (k == 0).then(|| format!("{}/logo.png", site_url(k))),
            "logoWidth": (k == 0).then_some(300), "logoHeight": (k == 0).then_some(60),
            "favIconUrl": null, "touchIconUrl": null, "homeUrl": "https://www.example.com",
            "homeLinkText": (k == 0).then_some("Home"), "bgColor": "#ffffff",
            "description": (k == 0).then_some("Questions fréquentes — “FAQ” and guides"),
            "hasContactForm": k == 0, "mailboxId": (k == 0).then_some(968),
            "contactEmail": (k == 1).then_some("docs@example.com"), "styleSheetUrl": null,
            "headerCode": (k == 1).then_some("<meta name=\"robots\" content=\"noindex\">"),
            "createdBy": 501, "updatedBy": (k == 0).then_some(502), "createdAt": fmt_iso(t),
            "updatedAt": (k == 0).then(|| fmt_iso(t + 86_400 * 3)),
        })
    }

    fn collection_json(&self, c: usize) -> Value {
        let t = data::DATA_START - 86_400 * (100 - c as i64);
        let site = site_of(c);
        json!({
            "id": self.id(COLLECTION, c), "siteId": self.id(SITE, site), "number": c + 1,
            "slug": data::ascii_slug(COLLECTION_NAMES[c]), "visibility": visibility_of(c),
            "order": c + 1, "name": COLLECTION_NAMES[c],
            "description": c.is_multiple_of(2).then(|| format!("Everything about {}", COLLECTION_NAMES[c])),
            "publicUrl": format!("{}/collection/{}", site_url(site), c + 1),
            "articleCount": self.by_collection[c].len(),
            "publishedArticleCount": self.published_by_collection[c],
            "createdBy": 501, "updatedBy": 502, "createdAt": fmt_iso(t), "updatedAt": fmt_iso(t + 86_400),
        })
    }

    fn category_json(&self, k: usize) -> Value {
        let (c, o) = (k / CATEGORIES_PER_COLLECTION, k % CATEGORIES_PER_COLLECTION);
        let t = data::DATA_START - 86_400 * (50 - k as i64);
        let slug = data::ascii_slug(CATEGORY_NAMES[o]);
        json!({
            "id": self.id(CATEGORY, k), "number": k + 1, "collectionId": self.id(COLLECTION, c),
            "slug": slug, "visibility": visibility_of(c), "name": CATEGORY_NAMES[o],
            // The documentation shows both an empty and a null description.
            "description": match o { 0 => json!(null), 1 => json!(""), _ => json!("Frequently asked questions") },
            "publicUrl": format!("{}/category/{}-{slug}", site_url(site_of(c)), k + 1),
            "articleCount": self.by_category[k].len(),
            "publishedArticleCount": self.published_by_category[k],
            "order": o + 1, "defaultSort": DEFAULT_SORTS[o],
            "createdBy": 501, "updatedBy": (o != 0).then_some(502),
            "createdAt": fmt_iso(t), "updatedAt": (o != 0).then(|| fmt_iso(t + 3600)),
        })
    }
}

fn sites(st: &Shared, uri: &Uri) -> Response {
    let page = page_of(&params(uri));
    let (rows, total) = select(SITES, None, (page - 1) * PAGE, PAGE);
    let d = &st.docs;
    let items = rows.into_iter().map(|k| d.site_json(k)).collect();
    ok(envelope("sites", items, page, PAGE, total))
}

fn collections(st: &Shared, uri: &Uri) -> Response {
    let d = &st.docs;
    let p = params(uri);
    let page = page_of(&p);
    let site = param(&p, "siteId");
    let visibility = param(&p, "visibility").filter(|v| *v != "all");
    let keep = |c: usize| {
        site.is_none_or(|s| d.id(SITE, site_of(c)) == s)
            && visibility.is_none_or(|v| visibility_of(c) == v)
    };
    let (rows, total) = select(COLLECTIONS, Some(&keep), (page - 1) * PAGE, PAGE);
    let items = rows.into_iter().map(|c| d.collection_json(c)).collect();
    ok(envelope("collections", items, page, PAGE, total))
}

fn categories(st: &Shared, id: &str, uri: &Uri) -> Response {
    let d = &st.docs;
    let Some(c) = d.index_of(COLLECTION, id, COLLECTIONS) else {
        return error(StatusCode::NOT_FOUND, "Collection not found");
    };
    let page = page_of(&params(uri));
    let (rows, total) = select(CATEGORIES_PER_COLLECTION, None, (page - 1) * PAGE, PAGE);
    let items = rows
        .into_iter()
        .map(|o| d.category_json(c * CATEGORIES_PER_COLLECTION + o))
        .collect();
    ok(envelope("categories", items, page, PAGE, total))
}

/// `GET {path}/{id}` answering `{"<name>": record}`, or 404 with `missing`.
fn single(
    path: &'static str,
    name: &'static str,
    table: u64,
    count: usize,
    record: fn(&Data, usize) -> Value,
    missing: &'static str,
) -> Router<AppState> {
    Router::new().route(
        path,
        get(
            move |State(st): State<AppState>, Path(id): Path<String>| async move {
                let d = &st.docs;
                match d.index_of(table, &id, count) {
                    Some(k) => ok(json!({ name: record(d, k) })),
                    None => error(StatusCode::NOT_FOUND, missing),
                }
            },
        ),
    )
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/sites",
            get(|State(st): State<AppState>, uri: Uri| async move { sites(&st, &uri) }),
        )
        .route(
            "/collections",
            get(|State(st): State<AppState>, uri: Uri| async move { collections(&st, &uri) }),
        )
        .route(
            "/collections/{id}/categories",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    categories(&st, &id, &uri)
                },
            ),
        )
        .merge(single(
            "/sites/{id}",
            "site",
            SITE,
            SITES,
            Data::site_json,
            "Site not found",
        ))
        .merge(single(
            "/collections/{id}",
            "collection",
            COLLECTION,
            COLLECTIONS,
            Data::collection_json,
            "Collection not found",
        ))
        .merge(single(
            "/categories/{id}",
            "category",
            CATEGORY,
            CATEGORIES,
            Data::category_json,
            "Category not found",
        ))
}

pub(super) fn table_data(d: &Data, name: &str) -> Option<Vec<Value>> {
    Some(match name {
        "sites" => (0..SITES).map(|k| d.site_json(k)).collect(),
        "collections" => (0..COLLECTIONS).map(|c| d.collection_json(c)).collect(),
        "categories" => (0..CATEGORIES).map(|k| d.category_json(k)).collect(),
        _ => return None,
    })
}
