//! Help Scout Docs redirects of a site: `GET /v1/redirects/site/{siteId}` (`page` only) and
//! `GET /v1/redirects/{id}`. As the documentation's examples show them, the list's
//! `{page, pages, count, items}` is the whole body (no `redirects` key around it) and a redirect
//! carries `modifiedBy`/`modifiedAt` where the field guide says `updatedBy`/`updatedAt`. The
//! first site has every redirect, the second none.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::catalog::site_url;
use super::{
    error, page_of, pages, Data, ARTICLE, CATEGORIES_PER_COLLECTION, CATEGORY, COLLECTION, PAGE,
    REDIRECT, SITE, SITES,
};
use crate::common::{ok, params, select};
use crate::data::{self, fmt_iso};
use crate::{AppState, Shared};

/// The site whose redirects these are.
const SITE_WITH_REDIRECTS: usize = 0;
/// Its collections (catalog.rs: the first three belong to the first site).
const ITS_COLLECTIONS: usize = 3;

pub(super) fn count(d: &Data) -> usize {
    d.n / 5 + 4
}

impl Data {
    fn redirect_json(&self, r: usize) -> Value {
        let c = r % ITS_COLLECTIONS;
        let base = site_url(SITE_WITH_REDIRECTS);
        let article = self.g.index(REDIRECT, r, 1, self.by_collection[c].len());
        // What the redirect points to: type, document id, target URL.
        let (kind, document, target) = match (r % 4, article) {
            (0, Some(a)) => {
                let i = self.by_collection[c][a] as usize;
                (
                    "article",
                    self.id(ARTICLE, i),
                    format!("{base}/article/{}", i + 1),
                )
            }
            (1, _) => {
                let k = c * CATEGORIES_PER_COLLECTION + r % CATEGORIES_PER_COLLECTION;
                (
                    "category",
                    self.id(CATEGORY, k),
                    format!("{base}/category/{}", k + 1),
                )
            }
            (2, _) => (
                "collection",
                self.id(COLLECTION, c),
                format!("{base}/collection/{}", c + 1),
            ),
            _ => (
                "custom",
                String::new(),
                format!("https://www.example.com/päivitys/{r}"),
            ),
        };
        let custom = kind == "custom";
        let anchor = if custom {
            json!("")
        } else if r.is_multiple_of(3) {
            json!(format!("section-{}", r + 1))
        } else {
            json!(null)
        };
        let created = data::DATA_START + 3600 * 7 * r as i64;
        json!({
            "id": self.id(REDIRECT, r),
            "siteId": self.id(SITE, SITE_WITH_REDIRECTS),
            "urlMapping": format!("/old/{kind}/{}", r + 1),
            "documentId": document,
            "type": kind,
            // The documentation's list example has an empty target for an article redirect.
            "redirect": if r == 0 { String::new() } else { target },
            "anchor": anchor,
            "createdBy": 501 + (r % 3) as u64,
            "modifiedBy": 501 + (r % 5) as u64,
            "createdAt": fmt_iso(created),
            "modifiedAt": fmt_iso(created + 86_400 * (r % 4) as i64),
        })
    }

    fn redirects_of(&self, site: usize) -> usize {
        if site == SITE_WITH_REDIRECTS {
            count(self)
        } else {
            0
        }
    }
}

fn list(st: &Shared, site: &str, uri: &Uri) -> Response {
    let d = &st.docs;
    let Some(s) = d.index_of(SITE, site, SITES) else {
        return error(StatusCode::NOT_FOUND, "Site not found");
    };
    let page = page_of(&params(uri));
    let (rows, total) = select(d.redirects_of(s), None, (page - 1) * PAGE, PAGE);
    let items = rows.into_iter().map(|r| d.redirect_json(r)).collect();
    ok(pages(items, page, PAGE, total))
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/redirects/site/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                    list(&st, &id, &uri)
                },
            ),
        )
        .route(
            "/redirects/{id}",
            get(
                |State(st): State<AppState>, Path(id): Path<String>| async move {
                    let d = &st.docs;
                    match d.index_of(REDIRECT, &id, count(d)) {
                        Some(r) => ok(json!({ "redirect": d.redirect_json(r) })),
                        None => error(StatusCode::NOT_FOUND, "Redirect not found"),
                    }
                },
            ),
        )
}

pub(super) fn table_data(d: &Data) -> Vec<Value> {
    (0..count(d)).map(|r| d.redirect_json(r)).collect()
}
