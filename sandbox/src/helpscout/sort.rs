//! `sortField`/`sortOrder` of Help Scout's conversation and customer lists, with the values and
//! case the Mailbox API 2.0 pages document: conversations by `createdAt`, `customerEmail`,
//! `customerName`, `mailboxid`, `modifiedAt`, `number`, `score`, `status`, `subject`,
//! `waitingSince`; customers by `createdAt`, `firstName`, `lastName`, `modifiedAt`; `sortOrder`
//! `asc` or `desc`, desc by default; the documented default field is `createdAt`. Anything else
//! is Help Scout's 400 validation error naming the parameter.
//!
//! A list asked for neither stays in id order, as the sandbox always served it (Help Scout's own
//! default is createdAt, newest first). Ties keep id order; a conversation's `modifiedAt` is its
//! `userUpdatedAt` here, `waitingSince` the customer's waiting time, and `score` (relevance
//! of a search) is a tie; empty values come first ascending.
//!
//! Records changed or created through the write endpoints sort by the same keys, read from
//! their JSON ([`json_key`]).

use serde_json::Value;

use super::{validation, Data, Table, MAILBOX_BASE};
use crate::common::{param, sorted_rows, Params, Rejection, SortKey};
use crate::data::parse_datetime;

const CONVERSATION_FIELDS: &[&str] = &[
    "createdAt",
    "customerEmail",
    "customerName",
    "mailboxid",
    "modifiedAt",
    "number",
    "score",
    "status",
    "subject",
    "waitingSince",
];
const CUSTOMER_FIELDS: &[&str] = &["createdAt", "firstName", "lastName", "modifiedAt"];

fn text(s: Option<impl Into<String>>) -> SortKey {
    s.map_or(SortKey::Empty, |s| SortKey::Text(s.into()))
}

fn conversation_key(d: &Data, field: &str, i: usize) -> SortKey {
    let c = d.conv(i);
    match field {
        "createdAt" => SortKey::Number(c.created),
        "modifiedAt" | "waitingSince" => SortKey::Number(c.updated),
        "number" => SortKey::Number(i as i64 + 1),
        "customerEmail" => text(c.customer.map(|cu| d.customer_email(cu))),
        "customerName" => text(c.customer.map(|cu| {
            let (first, last) = d.customer_name(cu);
            format!("{first} {}", last.unwrap_or_default())
        })),
        "mailboxid" => SortKey::Number(c.mailbox as i64),
        "status" => SortKey::Text(c.status.into()),
        "subject" => SortKey::Text(d.conversation_subject(i)),
        _ => SortKey::Empty,
    }
}

fn customer_key(d: &Data, field: &str, c: usize) -> SortKey {
    let (created, updated) = d.customer_times(c);
    match field {
        "createdAt" => SortKey::Number(created),
        "modifiedAt" => SortKey::Number(updated),
        "firstName" => SortKey::Text(d.customer_name(c).0.into()),
        "lastName" => text(d.customer_name(c).1),
        _ => SortKey::Empty,
    }
}

/// The sort a list asks for: `(sortField, descending)`, None when it asks for neither
/// parameter (id order), or Help Scout's 400 for a field or direction it does not know.
pub(super) fn parse(t: Table, p: &Params) -> Result<Option<(String, bool)>, Rejection> {
    let fields = match t {
        Table::Conversations => CONVERSATION_FIELDS,
        Table::Customers => CUSTOMER_FIELDS,
        _ => return Ok(None),
    };
    let (field, direction) = (param(p, "sortField"), param(p, "sortOrder"));
    if field.is_none() && direction.is_none() {
        return Ok(None);
    }
    let field = field.unwrap_or("createdAt");
    if !fields.contains(&field) {
        return Err(Box::new(validation(
            "sortField",
            field,
            &format!("Must be one of: {}", fields.join(", ")),
        )));
    }
    let desc = match direction.unwrap_or("desc") {
        "asc" => false,
        "desc" => true,
        other => {
            return Err(Box::new(validation(
                "sortOrder",
                other,
                "Must be one of: asc, desc",
            )))
        }
    };
    Ok(Some((field.to_owned(), desc)))
}

/// The sort key of generated record `i`.
pub(super) fn index_key(d: &Data, t: Table, field: &str, i: usize) -> SortKey {
    match t {
        Table::Conversations => conversation_key(d, field, i),
        _ => customer_key(d, field, i),
    }
}

/// The sort key of a record as written; agrees with [`index_key`] on a record as generated.
pub(super) fn json_key(t: Table, field: &str, v: &Value) -> SortKey {
    let time = |f: &str| {
        v[f].as_str()
            .and_then(parse_datetime)
            .map_or(SortKey::Empty, SortKey::Number)
    };
    let number = |x: &Value| x.as_i64().map_or(SortKey::Empty, SortKey::Number);
    let string = |x: &Value| text(x.as_str());
    match (t, field) {
        (Table::Conversations, "createdAt") | (Table::Customers, "createdAt") => time("createdAt"),
        (Table::Conversations, "modifiedAt" | "waitingSince") => time("userUpdatedAt"),
        (Table::Conversations, "number") => number(&v["number"]),
        (Table::Conversations, "customerEmail") => string(&v["primaryCustomer"]["email"]),
        (Table::Conversations, "customerName") => {
            let c = &v["primaryCustomer"];
            text(c.is_object().then(|| {
                format!(
                    "{} {}",
                    c["first"].as_str().unwrap_or_default(),
                    c["last"].as_str().unwrap_or_default()
                )
            }))
        }
        (Table::Conversations, "mailboxid") => v["mailboxId"]
            .as_i64()
            .map_or(SortKey::Empty, |m| SortKey::Number(m - MAILBOX_BASE as i64)),
        (Table::Conversations, "status") => string(&v["status"]),
        (Table::Conversations, "subject") => string(&v["subject"]),
        (Table::Customers, "modifiedAt") => time("updatedAt"),
        (Table::Customers, "firstName") => string(&v["firstName"]),
        (Table::Customers, "lastName") => string(&v["lastName"]),
        _ => SortKey::Empty,
    }
}

/// The rows (`rows()`: the kept record indices in id order) in the order `sortField` and
/// `sortOrder` ask for; `None` when the list is not asked to sort or does not sort.
pub(super) fn order(
    d: &Data,
    t: Table,
    p: &Params,
    rows: impl FnOnce() -> Vec<usize>,
) -> Result<Option<Vec<usize>>, Rejection> {
    let Some((field, desc)) = parse(t, p)? else {
        return Ok(None);
    };
    Ok(Some(sorted_rows(
        rows(),
        |i| index_key(d, t, &field, i),
        desc,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Gen;

    #[test]
    fn sorts_by_the_named_field_and_rejects_others() {
        let d = Data::new(&Gen::new(3), 40);
        let p = |q: &[(&str, &str)]| -> Params {
            q.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let all = || (0..40).collect::<Vec<_>>();
        let got = order(
            &d,
            Table::Conversations,
            &p(&[("sortField", "createdAt"), ("sortOrder", "asc")]),
            all,
        )
        .unwrap()
        .unwrap();
        let times: Vec<i64> = got.iter().map(|i| d.conv(*i).created).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        // desc is the default direction.
        let got = order(
            &d,
            Table::Customers,
            &p(&[("sortField", "modifiedAt")]),
            all,
        )
        .unwrap()
        .unwrap();
        let times: Vec<i64> = got.iter().map(|c| d.customer_times(*c).1).collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]));
        assert!(order(&d, Table::Conversations, &p(&[]), all)
            .unwrap()
            .is_none());
        for bad in [[("sortField", "created_at")], [("sortOrder", "ASC")]] {
            assert!(
                order(&d, Table::Conversations, &p(&bad), all).is_err(),
                "{bad:?}"
            );
        }
        assert!(order(&d, Table::Customers, &p(&[("sortField", "number")]), all).is_err());
    }

    #[test]
    fn written_records_sort_like_generated_ones() {
        let d = Data::new(&Gen::new(5), 30);
        for (t, fields) in [
            (Table::Conversations, CONVERSATION_FIELDS),
            (Table::Customers, CUSTOMER_FIELDS),
        ] {
            for field in fields.iter().filter(|f| **f != "score") {
                for i in 0..30 {
                    let v = t.render(&d, "http://x", i);
                    assert!(
                        index_key(&d, t, field, i) == json_key(t, field, &v),
                        "{} {field} {i}",
                        t.name()
                    );
                }
            }
        }
    }
}
