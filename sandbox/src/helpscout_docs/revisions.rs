//! Help Scout Docs article revisions: `GET /v1/articles/{id}/revisions` (ArticleRevisionRef
//! `{id, articleId, createdBy: {id, firstName, lastName}, createdAt}` under `revisions`, newest
//! first, `page` only) and `GET /v1/revisions/{id}` (`{"revision": {..., "text"}}`). An article
//! has zero to three revisions; revision `k` of article `i` has the index `i * 4 + k`.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{envelope, error, page_of, Data, ARTICLE, PAGE, REVISION};
use crate::common::{ok, params, select};
use crate::data::fmt_iso;
use crate::{AppState, Shared};

/// Revisions per article stay below this, so a revision's index is `article * SLOTS + k`.
const SLOTS: usize = 4;

/// The number of revisions of article `i`: 0 to 3.
pub(super) fn count(d: &Data, i: usize) -> usize {
    d.g.range(ARTICLE, i, 30, 0, SLOTS as u64 - 1) as usize
}

impl Data {
    /// Revision `k` of article `i`, the first when the article was created, the last when it was
    /// last updated.
    fn revision_json(&self, i: usize, k: usize, with_text: bool) -> Value {
        let a = self.article(i);
        let steps = (count(self, i).max(2) - 1) as i64;
        let at = a.created + (a.updated - a.created) * k as i64 / steps;
        let index = i * SLOTS + k;
        let mut v = json!({
            "id": self.id(REVISION, index),
            "articleId": self.id(ARTICLE, i),
            "createdBy": self.person(REVISION, index, 1),
            "createdAt": fmt_iso(at),
        });
        if with_text {
            v["text"] = json!(format!("<p>Revision {} — “draft” text.</p>", k + 1));
        }
        v
    }
}

fn list(st: &Shared, id: &str, uri: &Uri) -> Response {
    let d = &st.docs;
    let Some(i) = d.index_of(ARTICLE, id, d.n) else {
        return error(StatusCode::NOT_FOUND, "Article not found");
    };
    let page = page_of(&params(uri));
    let n = count(d, i);
    let (rows, total) = select(n, None, (page - 1) * PAGE, PAGE);
    // Newest first.
    let items = rows
        .into_iter()
        .map(|r| d.revision_json(i, n - 1 - r, false))
        .collect();
    ok(envelope("revisions", items, page, PAGE, total))
}

fn one(st: &Shared, id: &str) -> Response {
    let d = &st.docs;
    let found = d
        .index_of(REVISION, id, d.n.saturating_mul(SLOTS))
        .map(|index| (index / SLOTS, index % SLOTS))
        .filter(|(i, k)| *k < count(d, *i));
    match found {
        Some((i, k)) => ok(json!({ "revision": d.revision_json(i, k, true) })),
        None => error(StatusCode::NOT_FOUND, "Revision not found"),
    }
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/articles/{id}/revisions",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    list(&st, &id, &uri)
                },
            ),
        )
        .route(
            "/revisions/{id}",
            get(|State(st): State<AppState>, Path(id): Path<String>| async move { one(&st, &id) }),
        )
}

/// Every revision with its text, as `GET /revisions/{id}` gives it, in `table_data`'s order.
pub(super) fn texts(d: &Data) -> Vec<Value> {
    d.by_collection
        .iter()
        .flatten()
        .flat_map(|i| {
            let i = *i as usize;
            (0..count(d, i)).rev().map(move |k| (i, k))
        })
        .map(|(i, k)| {
            let mut v = d.revision_json(i, k, true);
            v["revision_id"] = v["id"].clone();
            v
        })
        .collect()
}

/// Every revision, article by article in the order a full scan reads the articles.
pub(super) fn table_data(d: &Data) -> Vec<Value> {
    d.by_collection
        .iter()
        .flatten()
        .flat_map(|i| {
            let i = *i as usize;
            (0..count(d, i)).rev().map(move |k| (i, k))
        })
        .map(|(i, k)| d.revision_json(i, k, false))
        .collect()
}
