//! The `sort` parameter of Pipedrive's v1 lists (notes, leads, archived leads, files): field
//! names, each with an optional `ASC` (the default) or `DESC`, separated by commas
//! (`add_time DESC, id ASC`); only the fields each list documents, anything else is a 400. Records
//! equal on every field keep their list order (ids ascending).

use std::cmp::Ordering;

use axum::http::StatusCode;

use super::error;
use crate::common::{param, Params, Rejection, SortKey};

/// The fields and directions (`true` = descending) `sort` asks for; empty when it is absent.
pub(super) fn request(p: &Params, allowed: &[&str]) -> Result<Vec<(String, bool)>, Rejection> {
    let Some(raw) = param(p, "sort").map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Vec::new());
    };
    let bad = || {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            &format!(
                "Validation failed: sort: Allowed fields are {}",
                allowed.join(", ")
            ),
        ))
    };
    raw.split(',')
        .map(|part| {
            let mut words = part.split_whitespace();
            let field = words
                .next()
                .filter(|f| allowed.contains(f))
                .ok_or_else(bad)?;
            let desc = match words.next().map(str::to_ascii_uppercase).as_deref() {
                None | Some("ASC") => false,
                Some("DESC") => true,
                Some(_) => return Err(bad()),
            };
            if words.next().is_some() {
                return Err(bad());
            }
            Ok((field.to_owned(), desc))
        })
        .collect()
}

/// `rows` in the order `sort` asks for, `key(row, field)` giving a record's value of a field.
pub(super) fn order(
    mut rows: Vec<usize>,
    sort: &[(String, bool)],
    key: impl Fn(usize, &str) -> SortKey,
) -> Vec<usize> {
    if sort.is_empty() {
        return rows;
    }
    let keyed = |i: usize| -> Vec<SortKey> { sort.iter().map(|(f, _)| key(i, f)).collect() };
    let mut with_keys: Vec<(Vec<SortKey>, usize)> = rows.drain(..).map(|i| (keyed(i), i)).collect();
    // A stable sort: ties keep the list's own order.
    with_keys.sort_by(|(a, _), (b, _)| {
        a.iter()
            .zip(b)
            .zip(sort)
            .map(|((x, y), (_, desc))| if *desc { y.cmp(x) } else { x.cmp(y) })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    with_keys.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Params {
        crate::common::params(&format!("/x?{q}").parse().expect("uri"))
    }

    #[test]
    fn fields_and_directions_are_read() {
        let p = params("sort=add_time%20DESC,%20id");
        let s = request(&p, &["id", "add_time"]).expect("valid");
        assert_eq!(
            s,
            vec![("add_time".to_owned(), true), ("id".to_owned(), false)]
        );
        assert!(request(&params("sort=title"), &["id"]).is_err());
        assert!(request(&params("sort=id%20UP"), &["id"]).is_err());
    }

    #[test]
    fn ties_keep_the_list_order() {
        let keys = [3, 1, 3, 2];
        let sort = vec![("v".to_owned(), true)];
        let got = order(vec![0, 1, 2, 3], &sort, |i, _| SortKey::Number(keys[i]));
        assert_eq!(got, vec![0, 2, 3, 1]);
    }
}
