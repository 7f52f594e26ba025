//! Keap REST v2 linked contacts of one contact: `GET /contacts/{contact_id}/links` →
//! `{links: [{contact1_id, contact2_id, link_type_id, link_type_name}], next_page_token}`, ids as
//! strings; Keap documents no paging parameter here, so the sandbox answers every link at once.
//! An unknown contact is a 404. Contacts are linked in pairs (ids 1 and 2, 3 and 4, …), some pairs
//! only; a link appears in both contacts' lists, the lower id as `contact1_id`.
//!
//! Contacts written through v1 show here too: a created contact has no links, a deleted one is a
//! 404 and its partner's link to it is gone.

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::v2::{all, not_found, LINK_TYPES};
use super::{overlay, Data, Table};
use crate::common::{id_of, Service};
use crate::{AppState, Shared};

const CONTACT_LINK: u64 = 0x3C;

impl Data {
    /// The link of the pair holding contact `i`, if that pair is linked: (first, second, type).
    fn pair_link(&self, i: usize) -> Option<(usize, usize, usize)> {
        let first = i - i % 2;
        let pair = first / 2;
        (first + 1 < self.n && self.g.chance(CONTACT_LINK, pair, 1, 30)).then(|| {
            let t = self
                .g
                .range(CONTACT_LINK, pair, 2, 0, LINK_TYPES.len() as u64 - 1);
            (first, first + 1, t as usize)
        })
    }

    /// `GET /contacts/{id}/links` of contact `i`.
    pub(super) fn contact_links(&self, i: usize) -> Vec<Value> {
        self.pair_link(i)
            .map(|(a, b, t)| {
                json!({
                    "contact1_id": (a + 1).to_string(),
                    "contact2_id": (b + 1).to_string(),
                    "link_type_id": (t + 1).to_string(),
                    "link_type_name": LINK_TYPES[t].0,
                })
            })
            .into_iter()
            .collect()
    }
}

/// The generated contacts deleted through v1 (by index); None when none was.
fn deleted(st: &Shared) -> Option<HashSet<usize>> {
    let w = st.writes.snapshot(Service::Keap, "contacts");
    (!w.deleted.is_empty()).then(|| {
        w.deleted
            .iter()
            .filter_map(|k| k.parse::<usize>().ok()?.checked_sub(1))
            .collect()
    })
}

/// The links of generated contact `i` whose both ends still exist.
fn links_of(st: &Shared, gone: Option<&HashSet<usize>>, i: usize) -> Vec<Value> {
    let d = &st.keap;
    let alive = |c: usize| gone.is_none_or(|g| !g.contains(&c));
    match d.pair_link(i) {
        Some((a, b, _)) if alive(a) && alive(b) => d.contact_links(i),
        _ => Vec::new(),
    }
}

/// `GET /contacts/{id}/links` of contact `id`; None: no such contact.
fn contact_links_now(st: &Shared, id: &str) -> Option<Vec<Value>> {
    let d = &st.keap;
    if st.writes.snapshot(Service::Keap, "contacts").is_empty() {
        return id_of(id, d.n).map(|i| d.contact_links(i));
    }
    overlay::find(st, Table::Contacts, id)?;
    let n: usize = id.parse().ok()?;
    if n > d.n {
        return Some(Vec::new());
    }
    Some(links_of(st, deleted(st).as_ref(), n - 1))
}

/// The rows of the contact_links table: each contact's links with its id.
pub(super) fn contact_link_rows(st: &Shared) -> Vec<Value> {
    let gone = deleted(st);
    (0..st.keap.n)
        .filter(|i| gone.as_ref().is_none_or(|g| !g.contains(i)))
        .flat_map(|i| {
            links_of(st, gone.as_ref(), i)
                .into_iter()
                .map(move |mut link| {
                    link["contact_id"] = json!(i + 1);
                    link
                })
        })
        .collect()
}

pub(super) fn contact_link_count(st: &Shared) -> usize {
    match deleted(st) {
        None => (0..st.keap.n)
            .filter(|i| st.keap.pair_link(*i).is_some())
            .count(),
        Some(_) => contact_link_rows(st).len(),
    }
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/contacts/{id}/links",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match contact_links_now(&st, &id) {
                    Some(links) => all("links", links),
                    None => not_found(),
                }
            },
        ),
    )
}
