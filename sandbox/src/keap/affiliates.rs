//! Keap REST v1 affiliates (referral partners): `GET /affiliates` (filter `contact_id`) and
//! `GET /affiliates/{id}`, records `{id, code, name, contact_id, parent_id, status,
//! notify_on_lead, notify_on_sale, track_leads_for}`. v1 types `status` as a plain string (its
//! `status` parameter takes `active`/`inactive`); the records say `Active`/`Inactive`.

use serde_json::{json, Value};

use super::{id_filter, Data, Filter};
use crate::common::{Params, Rejection};

const AFFILIATE: u64 = 0x3E;

pub const AFFILIATES: usize = 12;

impl Data {
    fn affiliate_contact(&self, k: usize) -> usize {
        self.g.range(AFFILIATE, k, 1, 0, self.n as u64 - 1) as usize
    }

    pub(super) fn affiliate_json(&self, k: usize) -> Value {
        let g = &self.g;
        let contact = self.affiliate_contact(k);
        let c = self.contact(contact);
        json!({
            "id": k + 1,
            "code": format!("{}{}", c.first.to_uppercase(), k + 1),
            "name": match c.last {
                Some(last) => format!("{} {last}", c.first),
                None => c.first.to_owned(),
            },
            "contact_id": contact + 1,
            // Second-tier affiliates name the one above them.
            "parent_id": (k >= 3 && g.chance(AFFILIATE, k, 2, 40)).then(|| g.range(AFFILIATE, k, 3, 1, 3)),
            "status": if g.chance(AFFILIATE, k, 4, 20) { "Inactive" } else { "Active" },
            "notify_on_lead": g.chance(AFFILIATE, k, 5, 50),
            "notify_on_sale": g.chance(AFFILIATE, k, 6, 70),
            "track_leads_for": g.pick(AFFILIATE, k, 7, &[0, 30, 90, 365]),
        })
    }
}

pub(super) fn affiliate_filters<'a>(
    d: &'a Data,
    p: &Params,
    out: &mut Vec<Filter<'a>>,
) -> Result<(), Rejection> {
    if let Some(c) = id_filter(p, "contact_id")? {
        out.push(Box::new(move |k| d.affiliate_contact(k) + 1 == c));
    }
    Ok(())
}
