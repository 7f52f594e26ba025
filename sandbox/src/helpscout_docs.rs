//! Help Scout Docs API v1 imitation under `/helpscout-docs/v1`: the seeded data every endpoint
//! shares (24-hex ids that invert cheaply, which article sits in which collection and
//! categories), the `{"<plural>": {page, pages, count, items}}` list envelope, HTTP Basic with
//! the API key as user, `{status, message}` errors with `X-RateLimit-*` and `Correlation-Id`
//! headers, the manifest and `/_sandbox/data`. The endpoints live in `helpscout_docs/`: sites,
//! collections and categories (catalog.rs), articles by collection or category, single articles
//! and related articles (articles.rs), article revisions (revisions.rs), site redirects
//! (redirects.rs).

mod articles;
mod catalog;
mod redirects;
mod revisions;

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Value};

use crate::common::{basic_user, json, num, Params};
use crate::control::table;
use crate::data::{mix, Gen};
use crate::faults::{Fault, RateInfo};
use crate::{AppState, Shared};

const SITE: u64 = 0x30;
const COLLECTION: u64 = 0x31;
const CATEGORY: u64 = 0x32;
const ARTICLE: u64 = 0x33;
const REDIRECT: u64 = 0x34;
const REVISION: u64 = 0x35;

pub const SITES: usize = 2;
pub const COLLECTIONS: usize = 5;
pub const CATEGORIES_PER_COLLECTION: usize = 3;
const CATEGORIES: usize = COLLECTIONS * CATEGORIES_PER_COLLECTION;
/// The fixed page size of every list but articles (which take `pageSize`).
const PAGE: usize = 50;

/// Help Scout users that create and edit Docs content: id, first name, last name (one user has
/// none, as an account's deleted or nameless user does).
const USERS: [(u64, &str, Option<&str>); 8] = [
    (501, "Anna", Some("Virtanen")),
    (502, "José", Some("Álvarez")),
    (503, "Zoë", Some("Fischer")),
    (504, "Łukasz", Some("Nowak")),
    (505, "Søren", Some("Madsen")),
    (506, "Aiko", Some("Tanaka")),
    (507, "Olivia", Some("Brown")),
    (508, "Support", None),
];

pub struct Data {
    g: Gen,
    n: usize,
    by_collection: Vec<Vec<u32>>,
    by_category: Vec<Vec<u32>>,
    published_by_collection: Vec<usize>,
    published_by_category: Vec<usize>,
    revisions: usize,
    related: usize,
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
            revisions: 0,
            related: 0,
        };
        for i in 0..n {
            let a = d.article(i);
            d.by_collection[a.collection].push(i as u32);
            d.published_by_collection[a.collection] += usize::from(a.published);
            for c in a.categories {
                d.by_category[c].push(i as u32);
                d.published_by_category[c] += usize::from(a.published);
            }
            d.revisions += revisions::count(&d, i);
            d.related += d.related_of(i).len();
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

    /// Rows of `category_articles`: an article counts once per category it sits in.
    fn in_categories(&self) -> usize {
        self.by_category.iter().map(Vec::len).sum()
    }

    /// `{id, firstName, lastName}` of a user, as revisions name their author.
    fn person(&self, table: u64, i: usize, field: u64) -> Value {
        let (id, first, last) = self.g.pick(table, i, field, &USERS);
        json!({ "id": id, "firstName": first, "lastName": last })
    }
}

/// The Docs list envelope under its plural. `pages` is at least 1, so "stop at page >= pages"
/// ends an empty list.
fn envelope(name: &str, items: Vec<Value>, page: usize, size: usize, total: usize) -> Value {
    json!({ name: pages(items, page, size, total) })
}

/// `{page, pages, count, items}`: the list envelope's body.
fn pages(items: Vec<Value>, page: usize, size: usize, total: usize) -> Value {
    json!({
        "page": page,
        "pages": total.div_ceil(size).max(1),
        "count": total,
        "items": items,
    })
}

fn page_of(p: &Params) -> usize {
    num(p, "page").filter(|n| *n > 0).unwrap_or(1) as usize
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(catalog::router())
        .merge(articles::router())
        .merge(revisions::router())
        .merge(redirects::router())
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
            "article_details": table(d.n, Some("articles")),
            "category_articles": table(d.in_categories(), Some("categories")),
            "related_articles": table(d.related, Some("articles")),
            "article_revisions": table(d.revisions, Some("articles")),
            "revision_texts": table(d.revisions, Some("article_revisions")),
            "redirects": table(redirects::count(d), Some("sites")),
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
        "sites" | "collections" | "categories" => catalog::table_data(d, name)?,
        "articles" | "article_details" | "category_articles" | "related_articles" => {
            articles::table_data(d, name)?
        }
        "article_revisions" => revisions::table_data(d),
        "revision_texts" => revisions::texts(d),
        "redirects" => redirects::table_data(d),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_hold_as_many_rows_as_the_manifest_counts_with_their_edge_cases() {
        let n = 50;
        let d = Data::new(&Gen::new(7), n);
        let rows = |name: &str| articles::table_data(&d, name).map(|r| r.len());
        assert_eq!(rows("articles"), Some(n));
        assert_eq!(rows("category_articles"), Some(d.in_categories()));
        assert_eq!(rows("related_articles"), Some(d.related));
        assert_eq!(revisions::table_data(&d).len(), d.revisions);
        assert_eq!(redirects::table_data(&d).len(), redirects::count(&d));
        // Lists that come back empty, and never an article related to itself.
        assert!((0..n).any(|i| revisions::count(&d, i) == 0));
        assert!((0..n).any(|i| d.related_of(i).is_empty()));
        assert!((0..n).all(|i| !d.related_of(i).contains(&i)));
        // Revision ids are a key.
        let mut ids: Vec<String> = revisions::table_data(&d)
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), d.revisions);
    }
}
