//! Keap REST v1 applied tags, both ways round: `GET /contacts/{contactId}/tags` →
//! `{tags: [{date_applied, tag: {id, name, category}}], count, next, previous}` (v1 sends the
//! tag's category as a plain string here, its name, unlike `/tags`' `{id, name}` object) and
//! `GET /tags/{tagId}/contacts` → `{contacts: [{contact: {id, email, first_name, last_name},
//! date_applied}], count, next, previous}`. Both page by `limit`/`offset` like the other v1 lists
//! (v1 documents no filter on either); an unknown contact or tag is a 404. Each contact carries
//! each tag with a fixed chance, so some have none and some several; tags applied and removed
//! through the API, and contacts created and deleted, show in both (keap/applied.rs).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{applied, message, Data, MAX_LIMIT, TAGS, TAG_CATEGORIES, TAG_NAMES};
use crate::common::{id_of, num, ok, params, query_string, Params};
use crate::data::fmt_iso_ms;
use crate::{AppState, Shared};

const CONTACT_TAG: u64 = 0x38;

impl Data {
    /// The tags applied to contact `i`, by tag id: (tag index, when applied).
    pub(super) fn contact_tags(&self, i: usize) -> Vec<(usize, i64)> {
        let g = &self.g;
        let created = g.time(super::CONTACT, i, 1);
        (0..TAGS)
            .filter(|k| g.chance(CONTACT_TAG, i, *k as u64, 15))
            .map(|k| {
                let after = g.range(CONTACT_TAG, i, 100 + k as u64, 0, 300 * 86_400) as i64;
                (k, created + after)
            })
            .collect()
    }

    /// One element of `GET /contacts/{id}/tags`.
    pub(super) fn applied_tag_json(&self, k: usize, applied: i64) -> Value {
        json!({
            "date_applied": fmt_iso_ms(applied),
            "tag": {
                "id": k + 1,
                "name": TAG_NAMES[k],
                "category": self.tag_category(k).map(|c| TAG_CATEGORIES[c]),
            },
        })
    }

    /// The contacts carrying tag `k`, by contact id: (contact index, when applied).
    pub(super) fn tagged_contacts(&self, k: usize) -> Vec<(usize, i64)> {
        (0..self.n)
            .filter_map(|i| {
                self.contact_tags(i)
                    .into_iter()
                    .find(|(t, _)| *t == k)
                    .map(|(_, at)| (i, at))
            })
            .collect()
    }

    /// One element of `GET /tags/{id}/contacts`.
    pub(super) fn tagged_contact_json(&self, i: usize, applied: i64) -> Value {
        let c = self.contact(i);
        json!({
            "contact": {
                "id": i + 1,
                "email": (c.emails > 0).then(|| self.contact_email(i, 0)),
                "first_name": c.first,
                "last_name": c.last,
            },
            "date_applied": fmt_iso_ms(applied),
        })
    }

    /// The rows of the contact_tags table: each contact's applied tags with its id.
    pub(super) fn contact_tag_rows(&self) -> Vec<Value> {
        let mut rows = Vec::with_capacity(self.contact_tag_rows);
        for i in 0..self.n {
            for (k, at) in self.contact_tags(i) {
                let mut row = self.applied_tag_json(k, at);
                row["contact_id"] = json!(i + 1);
                rows.push(row);
            }
        }
        rows
    }

    /// The rows of the tagged_contacts table: each tag's contacts with the tag's id.
    pub(super) fn tagged_contact_rows(&self) -> Vec<Value> {
        let mut rows = Vec::with_capacity(self.contact_tag_rows);
        for k in 0..TAGS {
            for (i, at) in self.tagged_contacts(k) {
                let mut row = self.tagged_contact_json(i, at);
                row["tag_id"] = json!(k + 1);
                rows.push(row);
            }
        }
        rows
    }
}

/// One v1 page of `rows` under `key`, with Keap's `count`, `next` and `previous` (`next` present
/// even on the last page, as on every v1 list).
fn offset_page(st: &Shared, path: &str, key: &str, p: &Params, rows: Vec<Value>) -> Value {
    let offset = num(p, "offset").unwrap_or(0).max(0) as usize;
    let limit = num(p, "limit")
        .filter(|l| *l > 0)
        .map_or(MAX_LIMIT, |l| (l as usize).min(MAX_LIMIT));
    let total = rows.len();
    let link = |off: usize| {
        let q = [
            ("limit".to_owned(), limit.to_string()),
            ("offset".to_owned(), off.to_string()),
        ];
        format!(
            "{}/keap/crm/rest/v1{path}?{}",
            st.base_url,
            query_string(&q)
        )
    };
    json!({
        key: rows.into_iter().skip(offset).take(limit).collect::<Vec<_>>(),
        "count": total,
        "next": link(offset + limit),
        "previous": link(offset.saturating_sub(limit)),
    })
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/contacts/{id}/tags",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                let Some(rows) = applied::contact_rows(&st, &id) else {
                    return message(StatusCode::NOT_FOUND, "Resource not found");
                };
                let path = format!("/contacts/{}/tags", id.parse::<u64>().unwrap_or_default());
                ok(offset_page(&st, &path, "tags", &params(&uri), rows))
            },
        ),
    )
    .route(
        "/tags/{id}/contacts",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                let Some(k) = id_of(&id, TAGS) else {
                    return message(StatusCode::NOT_FOUND, "Resource not found");
                };
                let rows = applied::tag_rows(&st, k);
                let path = format!("/tags/{}/contacts", k + 1);
                ok(offset_page(&st, &path, "contacts", &params(&uri), rows))
            },
        ),
    )
}
