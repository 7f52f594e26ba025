//! Keap REST v2 linked contacts of one contact: `GET /contacts/{contact_id}/links` →
//! `{links: [{contact1_id, contact2_id, link_type_id, link_type_name}], next_page_token}`, ids as
//! strings; Keap documents no paging parameter here, so the sandbox answers every link at once.
//! An unknown contact is a 404. Contacts are linked in pairs (ids 1 and 2, 3 and 4, …), some pairs
//! only; a link appears in both contacts' lists, the lower id as `contact1_id`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::v2::{all, not_found, LINK_TYPES};
use super::Data;
use crate::common::id_of;
use crate::AppState;

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

    /// The rows of the contact_links table: each contact's links with its id.
    pub(super) fn contact_link_rows(&self) -> Vec<Value> {
        (0..self.n)
            .flat_map(|i| {
                self.contact_links(i).into_iter().map(move |mut link| {
                    link["contact_id"] = json!(i + 1);
                    link
                })
            })
            .collect()
    }

    pub(super) fn contact_link_count(&self) -> usize {
        (0..self.n).filter(|i| self.pair_link(*i).is_some()).count()
    }
}

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/contacts/{id}/links",
        get(
            |State(st): State<AppState>, Path(id): Path<String>| async move {
                match id_of(&id, st.keap.n) {
                    Some(i) => all("links", st.keap.contact_links(i)),
                    None => not_found(),
                }
            },
        ),
    )
}
