//! The v2 products list and read once clients wrote products: the generated products nobody
//! changed, the changed and created ones, with the list's filters (`owner_id`, `ids`) and
//! sorting (`sort_by` id, name, add_time, update_time; `sort_direction`) applied to both.
//! `products` calls in only when there are writes.

use serde_json::Value;

use super::overlay::{self, Found, Row};
use super::{v2, Data};
use crate::common::{id_of, Params, Rejection};
use crate::writes::TableWrites;
use crate::Shared;

/// Every product the request selects, in the order it asks for.
pub(super) fn rows(
    d: &Data,
    w: &TableWrites,
    p: &Params,
    owner: Option<u64>,
    ids: Option<&[u64]>,
) -> Result<Vec<Row>, Rejection> {
    let (by, desc) = v2::sort_request(p, &["id", "name", "add_time", "update_time"])?;
    let keep = |v: &Value| {
        owner.is_none_or(|o| v["owner_id"].as_u64() == Some(o))
            && ids.is_none_or(|ids| v["id"].as_u64().is_some_and(|id| ids.contains(&id)))
    };
    let mut rows = overlay::merge(
        d.product_count(),
        |i| (i + 1).to_string(),
        w,
        |i| keep(&d.product_json(i)),
        keep,
    );
    overlay::by_id(&mut rows, |i| i as u64 + 1);
    if by == "id" && !desc {
        return Ok(rows);
    }
    let key = |row: &Row| -> (String, u64) {
        let v = match row {
            Row::Gen(i) => d.product_json(*i),
            Row::Rec(v) => v.clone(),
        };
        // RFC 3339 times of one width sort as text.
        let k = match by {
            "name" | "add_time" | "update_time" => v[by].as_str().unwrap_or_default().to_owned(),
            _ => String::new(),
        };
        (k, v["id"].as_u64().unwrap_or(0))
    };
    let mut keyed: Vec<((String, u64), Row)> = rows.into_iter().map(|r| (key(&r), r)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    if desc {
        keyed.reverse();
    }
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}

pub(super) fn render(d: &Data, row: &Row) -> Value {
    match row {
        Row::Gen(i) => d.product_json(*i),
        Row::Rec(v) => v.clone(),
    }
}

/// Product `id` when products have writes: Some(Some(record)), Some(None) when it does not
/// exist (any more); None when there are no writes.
pub(super) fn one(st: &Shared, id: &str) -> Option<Option<Value>> {
    let w = overlay::writes(st, "products")?;
    let d = &st.pipedrive;
    let gen = id_of(id, d.product_count());
    Some(
        overlay::locate(&w, id, gen)
            .map(|found: Found| overlay::current(&w, id, found, |i| d.product_json(i))),
    )
}
