//! Help Scout's satisfaction ratings as its reports list them (Help Scout has no list of
//! ratings): `GET /v2/reports/happiness/ratings` (the company's) and `GET
//! /v2/reports/user/ratings?user=` (one agent's), plain JSON `{results, page, pages, count}` in
//! pages of 10 (the size Help Scout's example implies: 165 ratings in 17 pages), with the
//! required `start`/`end` period on the rating's time, the report filters and `rating` (`great`,
//! `ok`, `not-good`, `all`). A rating's `ratingId` is its level (1 great, 2 okay, 3 not good), as
//! the documented examples and the legacy API's numbering have it.
//!
//! Customers rate most of the agents' replies (`message` threads); the rating times lie in
//! the report span (report_window.rs), whatever the conversation's own dates.

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::report_scope::Scope;
use super::report_window::{invalid, period, Period};
use super::{page_of, Data, CONV_BASE, CUSTOMER_BASE, MAX_THREADS, THREAD_BASE, USERS, USER_BASE};
use crate::common::{ok, param, params, Params, Rejection};
use crate::data::fmt_iso;
use crate::{AppState, Shared};

const RATING: u64 = 0x26;
pub(super) const RATINGS_PAGE: usize = 10;
/// The `rating` filter's words, by level.
const LEVELS: [(&str, u8); 3] = [("great", 1), ("ok", 2), ("not-good", 3)];
const COMMENTS: &[&str] = &[
    "Thanks for the clear reply!",
    "Quick and helpful.",
    "",
    "Still waiting for a real answer…",
    "Très bien, merci !",
    "Could have been faster.",
];

/// One rated reply: thread `thread` of conversation `conv`.
pub(super) struct Rating {
    conv: usize,
    thread: usize,
    user: usize,
    level: u8,
    at: i64,
}

impl Data {
    /// The ratings of conversation `i`'s replies, in thread order.
    pub(super) fn ratings_of(&self, i: usize) -> Vec<Rating> {
        let c = self.conv(i);
        let (Some(_), Some(user)) = (c.customer, c.assignee) else {
            return Vec::new();
        };
        (0..c.threads)
            .filter(|k| self.thread_kind(&c, i, *k) == "message")
            .map(|k| i * MAX_THREADS + k)
            .filter(|r| self.g.chance(RATING, *r, 1, 80))
            .map(|r| Rating {
                conv: i,
                thread: r % MAX_THREADS,
                user,
                level: match self.g.range(RATING, r, 2, 0, 99) {
                    0..=59 => 1,
                    60..=84 => 2,
                    _ => 3,
                },
                at: self.span.time(&self.g, RATING, r, 3),
            })
            .collect()
    }

    /// How many ratings lie in `period`.
    pub(super) fn ratings_in(&self, i: usize, period: Period) -> usize {
        self.ratings_of(i)
            .iter()
            .filter(|r| period.holds(r.at))
            .count()
    }

    fn rating_json(&self, r: &Rating) -> Value {
        let c = self.conv(r.conv);
        let customer = c.customer.unwrap_or_default();
        let (first, last) = self.customer_name(customer);
        let (user_first, user_last) = self.user_name(r.user);
        let index = r.conv * MAX_THREADS + r.thread;
        let mut v = json!({
            "number": r.conv + 1,
            "threadid": THREAD_BASE + index,
            "threadCreatedAt": fmt_iso(Self::thread_created(&c, r.thread)),
            "id": CONV_BASE + r.conv,
            "type": c.kind,
            "ratingId": r.level,
            "ratingCustomerId": CUSTOMER_BASE + customer,
            "ratingCreatedAt": fmt_iso(r.at),
            "ratingCustomerName": match last {
                Some(last) => format!("{first} {last}"),
                None => first.to_owned(),
            },
            "ratingUserId": USER_BASE + r.user,
            "ratingUserName": format!("{user_first} {user_last}"),
        });
        // Comments are optional: some ratings have none at all, some an empty one.
        if !self.g.chance(RATING, index, 4, 20) {
            v["ratingComments"] = json!(self.g.pick(RATING, index, 5, COMMENTS));
        }
        v
    }

    /// Every rating in `period` (of `user` only, when given), by conversation and thread.
    fn ratings(&self, period: Period, keep: impl Fn(&Rating) -> bool) -> Vec<Rating> {
        (0..self.n)
            .flat_map(|i| self.ratings_of(i))
            .filter(|r| period.holds(r.at) && keep(r))
            .collect()
    }
}

/// The `rating` filter as a level; `None` for `all` or no filter.
fn level(p: &Params) -> Result<Option<u8>, Rejection> {
    match param(p, "rating") {
        None | Some("all") => Ok(None),
        Some(word) => LEVELS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, l)| Some(*l))
            .ok_or_else(|| {
                Box::new(invalid(
                    "rating",
                    Some(word),
                    "Must be one of: great, ok, all, not-good",
                ))
            }),
    }
}

/// A ratings report: `user` is `Some` for the user report (None inside: no such user).
fn report(st: &Shared, uri: &Uri, user: Option<Option<usize>>) -> Response {
    let d = &st.helpscout;
    let p = params(uri);
    let (period, scope) = match (period(&p), Scope::from(&p)) {
        (Ok(period), Ok(scope)) => (period, scope),
        (Err(e), _) | (_, Err(e)) => return *e,
    };
    let level = match level(&p) {
        Ok(l) => l,
        Err(e) => return *e,
    };
    let rows = d.ratings(period, |r| {
        level.is_none_or(|l| l == r.level)
            && user.is_none_or(|u| u == Some(r.user))
            && scope.admits(&d.conv(r.conv))
    });
    let page = page_of(&p);
    let results: Vec<Value> = rows
        .iter()
        .skip((page - 1).saturating_mul(RATINGS_PAGE))
        .take(RATINGS_PAGE)
        .map(|r| d.rating_json(r))
        .collect();
    let mut body = json!({
        "results": results,
        "page": page,
        "count": rows.len(),
        "pages": rows.len().div_ceil(RATINGS_PAGE),
    });
    if user.is_none() {
        body["facets"] = json!({});
    }
    ok(body)
}

fn user_report(st: &Shared, uri: &Uri) -> Response {
    let Some(user) = param(&params(uri), "user").map(|u| {
        u.trim()
            .parse::<usize>()
            .ok()
            .and_then(|id| id.checked_sub(USER_BASE))
            .filter(|u| *u < USERS)
    }) else {
        return invalid("user", None, "may not be null");
    };
    report(st, uri, Some(user))
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/reports/happiness/ratings",
            get(|State(st): State<AppState>, uri: Uri| async move { report(&st, &uri, None) }),
        )
        .route(
            "/reports/user/ratings",
            get(|State(st): State<AppState>, uri: Uri| async move { user_report(&st, &uri) }),
        )
}

/// Every rating in `period`; `per_user` adds the `user_id` the driver fills from the parent
/// (the user report is read per user).
pub(super) fn table_data(d: &Data, period: Period, per_user: bool) -> Vec<Value> {
    let mut rows: Vec<(usize, Value)> = d
        .ratings(period, |_| true)
        .iter()
        .map(|r| {
            let mut v = d.rating_json(r);
            if per_user {
                v["user_id"] = json!(USER_BASE + r.user);
            }
            (r.user, v)
        })
        .collect();
    if per_user {
        rows.sort_by_key(|(u, _)| *u);
    }
    rows.into_iter().map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Gen;

    #[test]
    fn the_default_window_holds_the_counted_ratings_and_the_span_more() {
        let d = Data::new(&Gen::new(7), 50);
        let window = table_data(&d, d.span.default_period(), false);
        let all = table_data(&d, d.span.all(), false);
        assert_eq!(window.len(), d.ratings_in_window);
        assert!(all.len() > window.len() && !window.is_empty());
        // One rating per reply: the thread id is a key.
        let mut threads: Vec<_> = all.iter().map(|r| r["threadid"].clone()).collect();
        threads.sort_by_key(|t| t.as_u64());
        threads.dedup();
        assert_eq!(threads.len(), all.len());
        let per_user = table_data(&d, d.span.all(), true);
        assert!(per_user.iter().all(|r| r["user_id"] == r["ratingUserId"]));
    }
}
