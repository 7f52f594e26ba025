//! Keap REST v1 list order: `order=<attribute>` with `order_direction=ASCENDING|DESCENDING` on
//! the lists whose spec enumerates both (contacts, companies, campaigns, affiliates), with
//! exactly the spec's values and case; anything else is a 400. Lists whose `order` has no
//! direction (opportunities; orders, "most recent at the top") or no enumerated values (tasks)
//! ignore it here, as the sandbox does any parameter it does not know.
//!
//! The sandbox sorts by the field of the rendered record the attribute names; the spec does not
//! say where Keap puts empty values, so they come first ascending (as in MySQL) and ties keep id
//! order. Attributes the sandbox's records do not carry (a campaign's counts, category, status,
//! last_updated; a v1 company's date_created) sort as ties, so in id order, which is the order
//! the sandbox created them in.

use axum::http::StatusCode;
use serde_json::Value;

use super::{message, Data, Table};
use crate::common::{param, sorted_rows, Params, Rejection, SortKey};

fn key(v: Option<&Value>) -> SortKey {
    match v {
        Some(Value::Number(n)) => n.as_i64().map_or(SortKey::Empty, SortKey::Number),
        Some(Value::String(s)) if !s.is_empty() => SortKey::Text(s.clone()),
        _ => SortKey::Empty,
    }
}

/// `order` values of a list, each with the record field it sorts by (None: not in the records).
fn attributes(t: Table) -> Option<&'static [(&'static str, Option<&'static str>)]> {
    Some(match t {
        Table::Contacts => &[
            ("id", Some("id")),
            ("date_created", Some("date_created")),
            ("last_updated", Some("last_updated")),
            ("name", Some("family_name")),
            ("firstName", Some("given_name")),
            ("email", Some("email_addresses.0.email")),
        ],
        Table::Companies => &[
            ("id", Some("id")),
            ("date_created", None),
            ("name", Some("company_name")),
            ("email", Some("email_address")),
        ],
        Table::Campaigns => &[
            ("id", Some("id")),
            ("name", Some("name")),
            ("published_date", Some("published_date")),
            ("completed_contact_count", None),
            ("active_contact_count", None),
            ("date_created", Some("date_created")),
            ("last_updated", None),
            ("category", None),
            ("status", None),
        ],
        Table::Affiliates => &[("id", Some("id")), ("name", Some("name"))],
        _ => return None,
    })
}

fn field<'v>(record: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(record, |v, part| match v {
        Value::Array(a) => a.get(part.parse::<usize>().ok()?),
        _ => v.get(part),
    })
}

/// What `order`/`order_direction` ask of table `t`: the record field to sort by (None: one the
/// records do not carry) and whether descending; None when the list is not asked to sort (or
/// does not sort). A direction without `order` is checked, and leaves the list as it is.
fn asked(t: Table, p: &Params) -> Result<Option<(Option<&'static str>, bool)>, Rejection> {
    let Some(attributes) = attributes(t) else {
        return Ok(None);
    };
    let desc = match param(p, "order_direction") {
        None | Some("ASCENDING") => false,
        Some("DESCENDING") => true,
        Some(other) => {
            return Err(Box::new(message(
                StatusCode::BAD_REQUEST,
                &format!("Invalid order_direction: {other} (ASCENDING or DESCENDING)"),
            )))
        }
    };
    match param(p, "order") {
        None => Ok(None),
        Some(by) => match attributes.iter().find(|(name, _)| *name == by) {
            Some((_, path)) => Ok(Some((*path, desc))),
            None => {
                let names: Vec<&str> = attributes.iter().map(|(n, _)| *n).collect();
                Err(Box::new(message(
                    StatusCode::BAD_REQUEST,
                    &format!("Invalid order: {by} (one of {})", names.join(", ")),
                )))
            }
        },
    }
}

/// `rows` (record indices, in id order) in the order `order`/`order_direction` ask for; `None`
/// when the list is not asked to sort (or does not sort).
pub(super) fn order(
    d: &Data,
    t: Table,
    p: &Params,
    rows: &[usize],
) -> Result<Option<Vec<usize>>, Rejection> {
    let Some((path, desc)) = asked(t, p)? else {
        return Ok(None);
    };
    let value = |i| match path {
        Some(path) => key(field(&t.render(d, i), path)),
        None => SortKey::Empty,
    };
    Ok(Some(sorted_rows(rows.iter().copied(), value, desc)))
}

/// Like [`order`] over records as they read after writes (keap/overlay.rs), in id order: the
/// positions of `records` in the order asked for.
pub(super) fn order_records(
    t: Table,
    p: &Params,
    records: &[Value],
) -> Result<Option<Vec<usize>>, Rejection> {
    let Some((path, desc)) = asked(t, p)? else {
        return Ok(None);
    };
    let value = |i: usize| match path {
        Some(path) => key(field(&records[i], path)),
        None => SortKey::Empty,
    };
    Ok(Some(sorted_rows(0..records.len(), value, desc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Gen;

    #[test]
    fn sorts_by_the_spec_attributes_and_rejects_others() {
        let d = Data::new(&Gen::new(5), 30);
        let p = |q: &[(&str, &str)]| -> Params {
            q.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let all: Vec<usize> = (0..30).collect();
        let asked = p(&[("order", "last_updated"), ("order_direction", "DESCENDING")]);
        let got = order(&d, Table::Contacts, &asked, &all).unwrap().unwrap();
        let times: Vec<i64> = got.iter().map(|i| d.contact(*i).updated).collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]));
        assert!(order(&d, Table::Contacts, &p(&[]), &all).unwrap().is_none());
        // Lists without an enumerated order and direction ignore it.
        assert!(order(&d, Table::Orders, &p(&[("order", "x")]), &all)
            .unwrap()
            .is_none());
        for bad in [
            [("order", "lastUpdated"), ("order_direction", "ASCENDING")],
            [("order", "id"), ("order_direction", "descending")],
        ] {
            assert!(
                order(&d, Table::Contacts, &p(&bad), &all).is_err(),
                "{bad:?}"
            );
        }
        assert!(order(&d, Table::Companies, &p(&[("order", "last_updated")]), &all).is_err());
    }
}
