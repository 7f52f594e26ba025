//! Help Scout Docs API v1 imitation under `/helpscout-docs/v1`: sites, collections (`siteId`
//! filter), categories and articles nested under collections (and articles under categories),
//! `{"<plural>": {page, pages, count, items}}` envelopes, `pageSize` on articles, single
//! `{"article": ...}` objects, 24-hex ids, HTTP Basic with the API key as user, and
//! `{status, message}` errors with `X-RateLimit-*` and `Correlation-Id` headers.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::common::{basic_user, json, num, ok, param, params, select, Params};
use crate::control::table;
use crate::data::{self, fmt_iso, mix, Gen};
use crate::faults::{Fault, RateInfo};
use crate::{AppState, Shared};

const SITE: u64 = 0x30;
const COLLECTION: u64 = 0x31;
const CATEGORY: u64 = 0x32;
const ARTICLE: u64 = 0x33;

pub const SITES: usize = 2;
pub const COLLECTIONS: usize = 5;
pub const CATEGORIES_PER_COLLECTION: usize = 3;
const CATEGORIES: usize = COLLECTIONS * CATEGORIES_PER_COLLECTION;
const PAGE: usize = 50;
const SITE_NAMES: [&str; SITES] = ["Help Center", "Développeurs"];
const COLLECTION_NAMES: [&str; COLLECTIONS] = [
    "Getting Started",
    "Billing",
    "Troubleshooting",
    "API Reference",
    "Guides pratiques",
];
const CATEGORY_NAMES: [&str; CATEGORIES_PER_COLLECTION] = ["Basics", "Advanced", "FAQ"];
const TOPICS: &[&str] = &[
    "How to reset your password",
    "Exporting reports",
    "Invoices and receipts",
    "Connecting Zapier",
    "Einrichtung der Zwei-Faktor-Authentifizierung",
    "Keyboard shortcuts",
    "Changing your plan",
];

struct Article {
    collection: usize,
    /// Global category indices, all within the article's collection.
    categories: Vec<usize>,
    published: bool,
    has_draft: bool,
    created: i64,
    updated: i64,
}

pub struct Data {
    g: Gen,
    n: usize,
    by_collection: Vec<Vec<u32>>,
    by_category: Vec<Vec<u32>>,
    published_by_collection: Vec<usize>,
    published_by_category: Vec<usize>,
}

impl Data {
    pub fn new(g: &Gen, n: usize) -> Self {
        let mut d = Data {
            g: *g,
            n,
            by_collection: vec![Vec::new(); COLLECTIONS],
            by_category: vec![Vec::new(); CATEGORIES],
            published_by_collection: vec![0; COLLECTIONS],
            published_by_category: vec![0; CATEGORIES],
        };
        for i in 0..n {
            let a = d.article(i);
            d.by_collection[a.collection].push(i as u32);
            d.published_by_collection[a.collection] += usize::from(a.published);
            for c in a.categories {
                d.by_category[c].push(i as u32);
                d.published_by_category[c] += usize::from(a.published);
            }
        }
        d
    }

    /// `8 hex of the table's hash` + `16 hex of the index masked`: looks random, inverts cheaply.
    fn id(&self, table: u64, i: usize) -> String {
        let (prefix, mask) = self.id_key(table);
        format!("{prefix:08x}{:016x}", i as u64 ^ mask)
    }

    fn id_key(&self, table: u64) -> (u32, u64) {
        let k = mix(self.g.seed() ^ table.rotate_left(20));
        ((k >> 32) as u32, mix(k) & 0x0fff_ffff_ffff_ffff)
    }

    fn index_of(&self, table: u64, id: &str, count: usize) -> Option<usize> {
        let (prefix, mask) = self.id_key(table);
        if id.len() != 24 || id.get(..8)? != format!("{prefix:08x}") {
            return None;
        }
        let i = (u64::from_str_radix(id.get(8..)?, 16).ok()? ^ mask) as usize;
        (i < count).then_some(i)
    }

    fn article(&self, i: usize) -> Article {
        let g = &self.g;
        let collection = g.range(ARTICLE, i, 1, 0, COLLECTIONS as u64 - 1) as usize;
        let mut categories: Vec<usize> = (0..g.range(ARTICLE, i, 2, 0, 2))
            .map(|k| {
                collection * CATEGORIES_PER_COLLECTION
                    + g.range(ARTICLE, i, 10 + k, 0, CATEGORIES_PER_COLLECTION as u64 - 1) as usize
            })
            .collect();
        categories.sort_unstable();
        categories.dedup();
        let created = g.time(ARTICLE, i, 3);
        Article {
            collection,
            categories,
            published: g.chance(ARTICLE, i, 4, 80),
            has_draft: g.chance(ARTICLE, i, 5, 15),
            created,
            updated: created + g.range(ARTICLE, i, 6, 0, 120 * 86_400) as i64,
        }
    }

    fn site_json(&self, k: usize) -> Value {
        let t = data::DATA_START - 86_400 * 200;
        json!({
            "id": self.id(SITE, k), "status": "active", "subDomain": format!("sandbox{}", k + 1),
            "cname": null, "hasPublicSite": true, "companyName": "Sandbox Oy",
            "title": SITE_NAMES[k], "logoUrl": null, "logoWidth": null, "logoHeight": null,
            "favIconUrl": null, "touchIconUrl": null, "homeUrl": format!("https://sandbox{}.helpscoutdocs.com", k + 1),
            "homeLinkText": "Home", "bgColor": "#ffffff", "description": null, "hasContactForm": k == 0,
            "mailboxId": null, "contactEmail": null, "styleSheetUrl": null, "headerCode": null,
            "createdBy": 501, "updatedBy": null, "createdAt": fmt_iso(t), "updatedAt": null,
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
            "publicUrl": format!("https://sandbox{}.helpscoutdocs.com/collection/{}", site + 1, c + 1),
            "articleCount": self.by_collection[c].len(),
            "publishedArticleCount": self.published_by_collection[c],
            "createdBy": 501, "updatedBy": 502, "createdAt": fmt_iso(t), "updatedAt": fmt_iso(t + 86_400),
        })
    }

    fn category_json(&self, k: usize) -> Value {
        let (c, o) = (k / CATEGORIES_PER_COLLECTION, k % CATEGORIES_PER_COLLECTION);
        let t = data::DATA_START - 86_400 * (50 - k as i64);
        json!({
            "id": self.id(CATEGORY, k), "number": k + 1, "collectionId": self.id(COLLECTION, c),
            "slug": data::ascii_slug(CATEGORY_NAMES[o]), "name": CATEGORY_NAMES[o],
            "description": null, "url": format!("https://sandbox.helpscoutdocs.com/category/{}", k + 1),
            "articleCount": self.by_category[k].len(),
            "publishedArticleCount": self.published_by_category[k],
            "order": o + 1, "defaultSort": "popularity", "visibility": "public",
            "createdBy": 501, "updatedBy": (o != 0).then_some(502),
            "createdAt": fmt_iso(t), "updatedAt": (o != 0).then(|| fmt_iso(t + 3600)),
        })
    }

    fn article_ref(&self, i: usize) -> Value {
        let a = self.article(i);
        let g = &self.g;
        let name = format!("{} ({})", g.pick(ARTICLE, i, 7, TOPICS), i + 1);
        json!({
            "id": self.id(ARTICLE, i),
            "number": i + 1,
            "collectionId": self.id(COLLECTION, a.collection),
            "slug": data::ascii_slug(&name),
            "status": if a.published { "published" } else { "notpublished" },
            "hasDraft": a.has_draft,
            "name": name,
            "publicUrl": format!("https://sandbox.helpscoutdocs.com/article/{}", i + 1),
            "popularity": g.range(ARTICLE, i, 8, 0, 10_000) as f64 / 100.0,
            "viewCount": g.range(ARTICLE, i, 9, 0, 50_000),
            "createdBy": 501 + g.range(ARTICLE, i, 20, 0, 7),
            "updatedBy": 501 + g.range(ARTICLE, i, 21, 0, 7),
            "createdAt": fmt_iso(a.created),
            "updatedAt": fmt_iso(a.updated),
            "lastPublishedAt": a.published.then(|| fmt_iso(a.updated)),
        })
    }

    fn article_full(&self, i: usize) -> Value {
        let a = self.article(i);
        let mut v = self.article_ref(i);
        v["text"] = json!(format!(
            "<h2>{}</h2><p>Step 1: open <em>Settings</em>. Step 2: “Save”.</p>",
            v["name"].as_str().unwrap_or_default()
        ));
        v["categories"] = json!(a
            .categories
            .iter()
            .map(|c| self.id(CATEGORY, *c))
            .collect::<Vec<_>>());
        v["related"] = json!([]);
        v["keywords"] = json!(["sandbox", data::ascii_slug(COLLECTION_NAMES[a.collection])]);
        v
    }
}

/// Collections 0-2 belong to the first site, the rest to the second.
fn site_of(c: usize) -> usize {
    usize::from(c >= 3)
}

fn visibility_of(c: usize) -> &'static str {
    if c == 3 {
        "private"
    } else {
        "public"
    }
}

/// The Docs list envelope. `pages` is at least 1, so "stop at page >= pages" ends an empty list.
fn envelope(name: &str, items: Vec<Value>, page: usize, size: usize, total: usize) -> Value {
    json!({ name: {
        "page": page,
        "pages": total.div_ceil(size).max(1),
        "count": total,
        "items": items,
    }})
}

fn page_of(p: &Params) -> usize {
    num(p, "page").filter(|n| *n > 0).unwrap_or(1) as usize
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

/// Articles of a collection or a category: `status`, `page`, `pageSize` (default 50, max 100).
fn articles(st: &Shared, list: &[u32], uri: &Uri) -> Response {
    let d = &st.docs;
    let p = params(uri);
    let page = page_of(&p);
    let size = num(&p, "pageSize")
        .filter(|n| *n > 0)
        .unwrap_or(50)
        .min(100) as usize;
    let want = match param(&p, "status").unwrap_or("all") {
        "all" => None,
        "published" => Some(true),
        "notpublished" => Some(false),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "status must be one of all, published, notpublished",
            )
        }
    };
    let keep = |k: usize| want.is_none_or(|w| d.article(list[k] as usize).published == w);
    let keep_ref: Option<&dyn Fn(usize) -> bool> = want.map(|_| &keep as _);
    let (rows, total) = select(list.len(), keep_ref, (page - 1).saturating_mul(size), size);
    let items = rows
        .into_iter()
        .map(|k| d.article_ref(list[k] as usize))
        .collect();
    ok(envelope("articles", items, page, size, total))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/sites",
            get(|State(st): State<AppState>, uri: Uri| async move { sites(&st, &uri) }),
        )
        .route(
            "/sites/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    let d = &st.docs;
                    match d.index_of(SITE, &id, SITES) {
                        Some(k) => ok(json!({ "site": d.site_json(k) })),
                        None => error(StatusCode::NOT_FOUND, "Site not found"),
                    }
                },
            ),
        )
        .route(
            "/collections",
            get(|State(st): State<AppState>, uri: Uri| async move { collections(&st, &uri) }),
        )
        .route(
            "/collections/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    let d = &st.docs;
                    match d.index_of(COLLECTION, &id, COLLECTIONS) {
                        Some(c) => ok(json!({ "collection": d.collection_json(c) })),
                        None => error(StatusCode::NOT_FOUND, "Collection not found"),
                    }
                },
            ),
        )
        .route(
            "/collections/{id}/categories",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    categories(&st, &id, &uri)
                },
            ),
        )
        .route(
            "/collections/{id}/articles",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    match st.docs.index_of(COLLECTION, &id, COLLECTIONS) {
                        Some(c) => articles(&st, &st.docs.by_collection[c], &uri),
                        None => error(StatusCode::NOT_FOUND, "Collection not found"),
                    }
                },
            ),
        )
        .route(
            "/categories/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    let d = &st.docs;
                    match d.index_of(CATEGORY, &id, CATEGORIES) {
                        Some(k) => ok(json!({ "category": d.category_json(k) })),
                        None => error(StatusCode::NOT_FOUND, "Category not found"),
                    }
                },
            ),
        )
        .route(
            "/categories/{id}/articles",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    match st.docs.index_of(CATEGORY, &id, CATEGORIES) {
                        Some(k) => articles(&st, &st.docs.by_category[k], &uri),
                        None => error(StatusCode::NOT_FOUND, "Category not found"),
                    }
                },
            ),
        )
        .route(
            "/articles/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    let d = &st.docs;
                    match d.index_of(ARTICLE, &id, d.n) {
                        Some(i) => ok(json!({ "article": d.article_full(i) })),
                        None => error(StatusCode::NOT_FOUND, "Article not found"),
                    }
                },
            ),
        )
        .fallback(|| async { error(StatusCode::NOT_FOUND, "Not Found") })
}

fn error(status: StatusCode, msg: &str) -> Response {
    json(status, json!({ "status": status.as_u16(), "message": msg }))
}

pub fn fault(f: Fault) -> Response {
    match f {
        Fault::Unauthorized | Fault::TokenExpired => {
            error(StatusCode::UNAUTHORIZED, "Invalid API key")
        }
        Fault::RateLimited => error(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded"),
        Fault::Internal => error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
    }
}

pub fn authorized(st: &Shared, h: &HeaderMap) -> bool {
    basic_user(h).as_deref() == Some(st.creds.docs_key.as_str())
}

static CORRELATION: AtomicU64 = AtomicU64::new(1);

pub fn rate_headers(info: &RateInfo, _limited: bool) -> Vec<(&'static str, String)> {
    let c = mix(CORRELATION.fetch_add(1, Ordering::Relaxed));
    vec![
        ("x-ratelimit-limit", info.limit.to_string()),
        ("x-ratelimit-remaining", info.remaining.to_string()),
        ("x-ratelimit-reset", info.reset_secs.to_string()),
        ("correlation-id", format!("{c:016x}")),
    ]
}

pub fn manifest(st: &Shared) -> Value {
    let d = &st.docs;
    json!({
        "tables": {
            "sites": table(SITES, None),
            "collections": table(COLLECTIONS, None),
            "categories": table(CATEGORIES, Some("collections")),
            "articles": table(d.n, Some("collections")),
        },
        "credentials": { "api_key": st.creds.docs_key },
        "connection_strings": {
            "APIKEY": format!(
                "Profile=helpscout_docs;ProfileSettings='APIKey={}';BaseURL={}/helpscout-docs/v1",
                st.creds.docs_key, st.base_url
            ),
        },
    })
}

pub fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    let d = &st.docs;
    Some(match name {
        "sites" => (0..SITES).map(|k| d.site_json(k)).collect(),
        "collections" => (0..COLLECTIONS).map(|c| d.collection_json(c)).collect(),
        "categories" => (0..CATEGORIES).map(|k| d.category_json(k)).collect(),
        // In parent-iteration order: collection by collection, as a full scan returns them.
        "articles" => d
            .by_collection
            .iter()
            .flatten()
            .map(|i| d.article_ref(*i as usize))
            .collect(),
        _ => return None,
    })
}
