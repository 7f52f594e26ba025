//! Contacts and their calling lists: `contact/find` (`{success, total_count, contact_ids}`,
//! arguments `fname`, `lname`, `phone`, `contact_list_id`, as Microsoft's LeadDesk connector and a
//! 2017 PHP client send them), `contact/get&contact_id=` (`{success, contact_id, data}`) and
//! `calling_list/export&id=` (one row per contact of the list, keyed by the column headers a
//! community script lists; the real export's format is unconfirmed).
//!
//! Every contact sits on exactly one calling list, so a list's `find` and `export` agree and a
//! contact id is unique across lists.

use axum::response::Response;
use serde_json::{json, Value};

use super::{bad, int_arg, Data, CALLING_LISTS, CAMPAIGNS, CONTACT, RESULTS};
use crate::common::{ok, param, Params};
use crate::data::{self, fmt_space, CITIES, FIRST_NAMES, LAST_NAMES, STREETS};

impl Data {
    /// The calling list (1-based id) contact `c` is on.
    pub(super) fn contact_list(&self, c: usize) -> u64 {
        1 + self
            .g
            .range(CONTACT, c, 7, 0, CALLING_LISTS.len() as u64 - 1)
    }

    fn contact_names(&self, c: usize) -> (&'static str, &'static str) {
        (
            self.g.pick(CONTACT, c, 1, FIRST_NAMES),
            self.g.pick(CONTACT, c, 2, LAST_NAMES),
        )
    }

    /// The contacts (0-based) on calling list `list`, in id order.
    fn list_contacts(&self, list: u64) -> impl Iterator<Item = usize> + '_ {
        (0..self.n).filter(move |c| self.contact_list(*c) == list)
    }

    /// One row of `calling_list/export`, every value a string as LeadDesk's call payloads have
    /// them; a contact never called has nulls for the last-call fields.
    pub(super) fn export_row(&self, c: usize) -> Value {
        let g = &self.g;
        let (f, l) = self.contact_names(c);
        let called = g.chance(CONTACT, c, 20, 70);
        let last = |v: String| {
            if called {
                Value::String(v)
            } else {
                Value::Null
            }
        };
        json!({
            "contact id": (c + 1).to_string(),
            "phone number": self.contact_phone(c),
            "first name": f,
            "last name": l,
            "address": format!("{} {}", g.pick(CONTACT, c, 3, STREETS), g.range(CONTACT, c, 4, 1, 120)),
            "postal code": format!("{:05}", g.range(CONTACT, c, 5, 0, 99_999)),
            "city": g.pick(CONTACT, c, 6, CITIES),
            "is finalized(*)": if g.chance(CONTACT, c, 8, 30) { "1" } else { "0" },
            "contact updated at": fmt_space(g.time(CONTACT, c, 9)),
            "phone number updated at": fmt_space(g.time(CONTACT, c, 10)),
            "phone number last call date": last(fmt_space(g.time(CONTACT, c, 11))),
            "last call result name": last(g.pick(CONTACT, c, 12, &RESULTS).to_owned()),
            "last call campaign name": last(g.pick(CONTACT, c, 13, &CAMPAIGNS).to_owned()),
            "last call agent name": last(self.agent_name(g.range(CONTACT, c, 14, 0, super::AGENTS as u64 - 1) as usize)),
        })
    }

    /// Every row `calling_list/export` gives, list by list (the order the driver reads them).
    pub(super) fn all_export_rows(&self) -> Vec<Value> {
        (1..=CALLING_LISTS.len() as u64)
            .flat_map(|k| self.list_contacts(k).map(|c| self.export_row(c)))
            .collect()
    }

    /// Every contact id, list by list, as `contact/find&contact_list_id=` gives them.
    pub(super) fn all_list_contact_ids(&self) -> Vec<Value> {
        (1..=CALLING_LISTS.len() as u64)
            .flat_map(|k| self.list_contacts(k).map(|c| json!(c + 1)))
            .collect()
    }

    fn contact_get(&self, c: usize) -> Value {
        let g = &self.g;
        let (f, l) = self.contact_names(c);
        let mut phones = vec![self.contact_phone(c)];
        if g.chance(CONTACT, c, 15, 30) {
            phones.push(data::phone(g, CONTACT, c, 1));
        }
        json!({
            "success": true,
            "contact_id": c + 1,
            "data": {
                "id": c + 1,
                "phone": self.contact_phone(c),
                "fname": f,
                "lname": l,
                "email": data::email(g, CONTACT, c, 0, f, l),
                "address": format!("{} {}", g.pick(CONTACT, c, 3, STREETS), g.range(CONTACT, c, 4, 1, 120)),
                "postcode": format!("{:05}", g.range(CONTACT, c, 5, 0, 99_999)),
                "city": g.pick(CONTACT, c, 6, CITIES),
                "list": self.contact_list(c),
                "phone_numbers": phones,
            },
        })
    }
}

/// `contact/find`: the given arguments AND-ed. Whether LeadDesk answers a find without any
/// argument is unknown; the sandbox refuses it rather than listing everything.
pub(super) fn find(d: &Data, p: &Params) -> Response {
    let list = match param(p, "contact_list_id") {
        None => None,
        Some(_) => match int_arg(p, "contact_list_id") {
            Ok(v) => Some(v),
            Err(r) => return *r,
        },
    };
    let (fname, lname, phone) = (param(p, "fname"), param(p, "lname"), param(p, "phone"));
    if list.is_none() && fname.is_none() && lname.is_none() && phone.is_none() {
        return bad("ERR_ARGUMENT_MISSING");
    }
    let ids: Vec<usize> = (0..d.n)
        .filter(|c| list.is_none_or(|k| d.contact_list(*c) == k))
        .filter(|c| {
            let (f, l) = d.contact_names(*c);
            fname.is_none_or(|x| x == f) && lname.is_none_or(|x| x == l)
        })
        .filter(|c| phone.is_none_or(|x| x == d.contact_phone(*c)))
        .map(|c| c + 1)
        .collect();
    ok(json!({ "success": true, "total_count": ids.len(), "contact_ids": ids }))
}

/// `contact/get&contact_id=`.
pub(super) fn get(d: &Data, p: &Params) -> Response {
    match int_arg(p, "contact_id") {
        Err(r) => *r,
        Ok(id) => match (id as usize).checked_sub(1).filter(|c| *c < d.n) {
            Some(c) => ok(d.contact_get(c)),
            None => bad("ERR_NOT_FOUND:contact"),
        },
    }
}

/// `calling_list/export&id=`: the list's contacts as a top-level JSON array.
pub(super) fn export(d: &Data, p: &Params) -> Response {
    match int_arg(p, "id") {
        Err(r) => *r,
        Ok(k) if (1..=CALLING_LISTS.len() as u64).contains(&k) => ok(Value::Array(
            d.list_contacts(k).map(|c| d.export_row(c)).collect(),
        )),
        Ok(_) => bad("ERR_NOT_FOUND:calling_list"),
    }
}
