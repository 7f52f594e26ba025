//! Help Scout Docs articles: the ArticleRef lists of a collection or a category
//! (`GET /v1/collections/{id}/articles`, `GET /v1/categories/{id}/articles`: `status`, `page`,
//! `pageSize` default 50, max 100), the full article with its body (`GET /v1/articles/{id}`,
//! `draft=true` for unpublished changes) and an article's related articles
//! (`GET /v1/articles/{id}/related`: `status`, `page`, fixed pages).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::catalog::{collection_name, site_of, site_url};
use super::{
    envelope, error, page_of, Data, ARTICLE, CATEGORIES, CATEGORIES_PER_COLLECTION, CATEGORY,
    COLLECTION, COLLECTIONS, PAGE,
};
use crate::common::{num, ok, param, params, select, Params};
use crate::data::{self, fmt_iso};
use crate::AppState;

const TOPICS: &[&str] = &[
    "How to reset your password",
    "Exporting reports",
    "Invoices and receipts",
    "Connecting Zapier",
    "Einrichtung der Zwei-Faktor-Authentifizierung",
    "Keyboard shortcuts",
    "Changing your plan",
];

pub(super) struct Article {
    pub collection: usize,
    /// Global category indices, all within the article's collection.
    pub categories: Vec<usize>,
    pub published: bool,
    has_draft: bool,
    pub created: i64,
    pub updated: i64,
}

impl Data {
    pub(super) fn article(&self, i: usize) -> Article {
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

    /// Up to two other articles related to article `i` (none when there is no other).
    pub(super) fn related_of(&self, i: usize) -> Vec<usize> {
        let n = self.n as u64;
        if n < 2 {
            return Vec::new();
        }
        let mut out: Vec<usize> = Vec::new();
        for k in 0..self.g.range(ARTICLE, i, 31, 0, 2) {
            let j = ((i as u64 + 1 + self.g.h(ARTICLE, i, 32 + k) % (n - 1)) % n) as usize;
            if !out.contains(&j) {
                out.push(j);
            }
        }
        out
    }

    fn article_name(&self, i: usize) -> String {
        format!("{} ({})", self.g.pick(ARTICLE, i, 7, TOPICS), i + 1)
    }

    fn article_ref(&self, i: usize) -> Value {
        let a = self.article(i);
        let g = &self.g;
        let name = self.article_name(i);
        let slug = data::ascii_slug(&name);
        json!({
            "id": self.id(ARTICLE, i),
            "number": i + 1,
            "collectionId": self.id(COLLECTION, a.collection),
            "slug": slug,
            "status": if a.published { "published" } else { "notpublished" },
            "hasDraft": a.has_draft,
            "name": name,
            "publicUrl": format!("{}/article/{}-{slug}", site_url(site_of(a.collection)), i + 1),
            "popularity": g.range(ARTICLE, i, 8, 10, 50) as f64 / 10.0,
            "viewCount": g.range(ARTICLE, i, 9, 0, 50_000),
            "createdBy": 501 + g.range(ARTICLE, i, 20, 0, 7),
            "updatedBy": 501 + g.range(ARTICLE, i, 21, 0, 7),
            "createdAt": fmt_iso(a.created),
            "updatedAt": fmt_iso(a.updated),
            "lastPublishedAt": a.published.then(|| fmt_iso(a.updated)),
        })
    }

    /// The article with its body, category ids, related article ids and keywords; with
    /// `draft`, the unpublished changes' text where there are some.
    fn article_full(&self, i: usize, draft: bool) -> Value {
        let a = self.article(i);
        let mut v = self.article_ref(i);
        let title = v["name"].as_str().unwrap_or_default().to_owned();
        v["text"] = json!(if draft && a.has_draft {
            format!("<h2>{title}</h2><p>Draft: Step 1 moved to <em>Preferences</em>.</p>")
        } else {
            format!("<h2>{title}</h2><p>Step 1: open <em>Settings</em>. Step 2: “Save”.</p>")
        });
        v["categories"] = json!(a
            .categories
            .iter()
            .map(|c| self.id(CATEGORY, *c))
            .collect::<Vec<_>>());
        v["related"] = json!(self
            .related_of(i)
            .into_iter()
            .map(|j| self.id(ARTICLE, j))
            .collect::<Vec<_>>());
        v["keywords"] = json!(["sandbox", data::ascii_slug(collection_name(a.collection))]);
        v
    }
}

/// The `status` parameter: `Some(None)` for `all` (the default), `Some(Some(published))` for
/// one status, `None` for a value the API refuses.
fn status_wanted(p: &Params) -> Option<Option<bool>> {
    match param(p, "status").unwrap_or("all") {
        "all" => Some(None),
        "published" => Some(Some(true)),
        "notpublished" => Some(Some(false)),
        _ => None,
    }
}

/// One page of ArticleRefs among `list` (article indices) that have the wanted status.
fn article_page(d: &Data, list: &[usize], p: &Params, size: usize) -> Response {
    let Some(want) = status_wanted(p) else {
        return error(
            StatusCode::BAD_REQUEST,
            "status must be one of all, published, notpublished",
        );
    };
    let page = page_of(p);
    let keep = |k: usize| want.is_none_or(|w| d.article(list[k]).published == w);
    let keep_ref: Option<&dyn Fn(usize) -> bool> = want.map(|_| &keep as _);
    let (rows, total) = select(list.len(), keep_ref, (page - 1).saturating_mul(size), size);
    let items = rows.into_iter().map(|k| d.article_ref(list[k])).collect();
    ok(envelope("articles", items, page, size, total))
}

/// Articles of a collection or a category: `pageSize` defaults to 50 and is capped at 100.
fn articles(d: &Data, list: &[u32], uri: &Uri) -> Response {
    let p = params(uri);
    let size = num(&p, "pageSize")
        .filter(|n| *n > 0)
        .unwrap_or(50)
        .min(100) as usize;
    let list: Vec<usize> = list.iter().map(|i| *i as usize).collect();
    article_page(d, &list, &p, size)
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/collections/{id}/articles",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    let d = &st.docs;
                    match d.index_of(COLLECTION, &id, COLLECTIONS) {
                        Some(c) => articles(d, &d.by_collection[c], &uri),
                        None => error(StatusCode::NOT_FOUND, "Collection not found"),
                    }
                },
            ),
        )
        .route(
            "/categories/{id}/articles",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    let d = &st.docs;
                    match d.index_of(CATEGORY, &id, CATEGORIES) {
                        Some(k) => articles(d, &d.by_category[k], &uri),
                        None => error(StatusCode::NOT_FOUND, "Category not found"),
                    }
                },
            ),
        )
        .route(
            "/articles/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    let d = &st.docs;
                    let draft = param(&params(&uri), "draft") == Some("true");
                    match d.index_of(ARTICLE, &id, d.n) {
                        Some(i) => ok(json!({ "article": d.article_full(i, draft) })),
                        None => error(StatusCode::NOT_FOUND, "Article not found"),
                    }
                },
            ),
        )
        .route(
            "/articles/{id}/related",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    let d = &st.docs;
                    match d.index_of(ARTICLE, &id, d.n) {
                        Some(i) => article_page(d, &d.related_of(i), &params(&uri), PAGE),
                        None => error(StatusCode::NOT_FOUND, "Article not found"),
                    }
                },
            ),
        )
}

/// The rows each articles table returns, in the order a full scan reads them; the parent's id
/// (`category_id`, `article_id`), which the records do not carry, is added as the driver fills
/// it.
pub(super) fn table_data(d: &Data, name: &str) -> Option<Vec<Value>> {
    let with = |mut v: Value, column: &str, parent: String| {
        v[column] = json!(parent);
        v
    };
    Some(match name {
        "articles" => d
            .by_collection
            .iter()
            .flatten()
            .map(|i| d.article_ref(*i as usize))
            .collect(),
        "category_articles" => (0..CATEGORIES)
            .flat_map(|k| d.by_category[k].iter().map(move |i| (k, *i as usize)))
            .map(|(k, i)| with(d.article_ref(i), "category_id", d.id(CATEGORY, k)))
            .collect(),
        "article_details" => d
            .by_collection
            .iter()
            .flatten()
            .map(|i| {
                let i = *i as usize;
                with(d.article_full(i, false), "article_id", d.id(ARTICLE, i))
            })
            .collect(),
        "related_articles" => d
            .by_collection
            .iter()
            .flatten()
            .flat_map(|i| {
                let i = *i as usize;
                d.related_of(i).into_iter().map(move |j| (i, j))
            })
            .map(|(i, j)| with(d.article_ref(j), "article_id", d.id(ARTICLE, i)))
            .collect(),
        _ => return None,
    })
}
