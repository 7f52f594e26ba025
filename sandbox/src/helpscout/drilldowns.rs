//! Help Scout's conversation drill-down reports: the conversations behind a report, as
//! "abbreviated conversations" (`{conversations: {pages, page, count, results}}`, `rows` per page,
//! 25 by default, at most 50), for the required `start`/`end` period and the report filters:
//! - `GET /v2/reports/conversations/drilldown`: every conversation;
//! - `GET /v2/reports/conversations/fields-drilldown?field=&fieldid=`: those with a tag
//!   (`tagid`), of a customer (`customerid`); no sandbox conversation used a saved reply
//!   (`replyid`) or ran a workflow (`workflowid`), so those are empty;
//! - `GET /v2/reports/user/drilldown?user=`: those assigned to the user.
//!
//! The reports count the conversations "touched" in the period (received, replied to, status
//! changed, assigned, workflow run), spam and deleted ones excluded (Help Scout's reporting
//! definitions). The only time these rows carry is `modifiedAt`, the last change; the sandbox's
//! conversations are touched last at that time, so it selects by it. It lies in the report span
//! (report_window.rs): every conversation changed recently, after its last change by a user
//! (`userUpdatedAt`).

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::report_scope::Scope;
use super::report_window::{invalid, period, Period};
use super::{
    page_of, Conversation, Data, CONV_BASE, CUSTOMER_BASE, MAILBOX_BASE, TAGS, TAG_BASE,
    TAG_COLORS, USERS, USER_BASE,
};
use crate::common::{num, ok, param, params, Params, Rejection};
use crate::data::fmt_iso;
use crate::{AppState, Shared};

const ACTIVITY: u64 = 0x27;
const DEFAULT_ROWS: usize = 25;
const MAX_ROWS: usize = 50;
const FIELDS: [&str; 4] = ["tagid", "replyid", "workflowid", "customerid"];

/// Which conversations a drill-down lists.
#[derive(Clone, Copy)]
enum Drill {
    All,
    Tag(usize),
    Customer(usize),
    /// A saved reply or a workflow: no sandbox conversation has one.
    Nothing,
    User(usize),
}

impl Drill {
    fn admits(self, c: &Conversation) -> bool {
        match self {
            Drill::All => true,
            Drill::Tag(t) => c.tags.contains(&t),
            Drill::Customer(cu) => c.customer == Some(cu),
            Drill::Nothing => false,
            Drill::User(u) => c.assignee == Some(u),
        }
    }
}

/// The rows of the default window, per drill-down table, for the manifest.
#[derive(Default)]
pub(super) struct Counts {
    pub conversations: usize,
    /// Rows of the tag drill-down over every tag (a conversation once per tag).
    pub tagged: usize,
    /// Rows of the user drill-down over every user.
    pub assigned: usize,
}

impl Counts {
    pub(super) fn add(&mut self, d: &Data, i: usize, c: &Conversation) {
        if c.status != "spam" && d.span.default_period().holds(d.modified_at(i)) {
            self.conversations += 1;
            self.tagged += c.tags.len();
            self.assigned += usize::from(c.assignee.is_some());
        }
    }
}

impl Data {
    /// When conversation `i` last changed (`modifiedAt`), in the report span.
    pub(super) fn modified_at(&self, i: usize) -> i64 {
        self.span.time(&self.g, ACTIVITY, i, 1)
    }

    fn abbreviated_json(&self, i: usize) -> Value {
        let c = self.conv(i);
        let subject = self.conversation_subject(i);
        let mut v = json!({
            "id": CONV_BASE + i,
            "number": i + 1,
            "type": c.kind,
            "mailboxid": MAILBOX_BASE + c.mailbox,
            "attachments": self.g.chance(ACTIVITY, i, 2, 15),
            "subject": subject,
            "status": c.status,
            "threadCount": c.threads,
            "preview": format!("Hello, about “{subject}” …"),
            "customerName": "",
            "customerEmail": "",
            "customerIds": [],
            "modifiedAt": fmt_iso(self.modified_at(i)),
            "tags": c.tags.iter().map(|t| json!({
                "id": TAG_BASE + t, "name": TAGS[*t], "color": TAG_COLORS[t % TAG_COLORS.len()],
            })).collect::<Vec<_>>(),
        });
        if let Some(cu) = c.customer {
            let (first, last) = self.customer_name(cu);
            v["customerName"] = json!(match last {
                Some(last) => format!("{first} {last}"),
                None => first.to_owned(),
            });
            v["customerEmail"] = json!(self.customer_email(cu));
            v["customerIds"] = json!([CUSTOMER_BASE + cu]);
        }
        // An unassigned conversation has neither.
        if let Some(u) = c.assignee {
            let (first, last) = self.user_name(u);
            v["assignedid"] = json!(USER_BASE + u);
            v["assignedName"] = json!(format!("{first} {last}"));
        }
        v
    }

    /// The conversations `drill` lists in `period`, in number order; never spam.
    fn drilled(&self, drill: Drill, period: Period, scope: &Scope) -> Vec<usize> {
        (0..self.n)
            .filter(|i| period.holds(self.modified_at(*i)))
            .filter(|i| {
                let c = self.conv(*i);
                c.status != "spam" && drill.admits(&c) && scope.admits(&c)
            })
            .collect()
    }
}

/// An id parameter as the index of one of `count` records from `base`; `Err` when it is
/// missing, `Ok(None)` for an id the account does not have.
fn id_param(p: &Params, name: &str, base: usize, count: usize) -> Result<Option<usize>, Rejection> {
    let Some(text) = param(p, name) else {
        return Err(Box::new(invalid(name, None, "may not be null")));
    };
    Ok(text
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|id| id.checked_sub(base))
        .filter(|i| *i < count))
}

fn field_drill(d: &Data, p: &Params) -> Result<Drill, Rejection> {
    let field = match param(p, "field") {
        None => return Err(Box::new(invalid("field", None, "may not be null"))),
        Some(f) if !FIELDS.contains(&f) => {
            return Err(Box::new(invalid(
                "field",
                Some(f),
                "Must be one of: tagid, replyid, workflowid, customerid",
            )))
        }
        Some(f) => f,
    };
    Ok(match field {
        "tagid" => id_param(p, "fieldid", TAG_BASE, TAGS.len())?.map_or(Drill::Nothing, Drill::Tag),
        "customerid" => {
            id_param(p, "fieldid", CUSTOMER_BASE, d.n)?.map_or(Drill::Nothing, Drill::Customer)
        }
        _ => {
            id_param(p, "fieldid", 0, usize::MAX)?;
            Drill::Nothing
        }
    })
}

fn report(
    st: &Shared,
    uri: &Uri,
    drill: impl Fn(&Data, &Params) -> Result<Drill, Rejection>,
) -> Response {
    let d = &st.helpscout;
    let p = params(uri);
    let (period, scope) = match (period(&p), Scope::from(&p)) {
        (Ok(period), Ok(scope)) => (period, scope),
        (Err(e), _) | (_, Err(e)) => return *e,
    };
    let drill = match drill(d, &p) {
        Ok(drill) => drill,
        Err(e) => return *e,
    };
    let rows = num(&p, "rows").map_or(DEFAULT_ROWS, |r| r.clamp(1, MAX_ROWS as i64) as usize);
    let page = page_of(&p);
    let all = d.drilled(drill, period, &scope);
    let results: Vec<Value> = all
        .iter()
        .skip((page - 1).saturating_mul(rows))
        .take(rows)
        .map(|i| d.abbreviated_json(*i))
        .collect();
    ok(json!({
        "conversations": {
            "pages": all.len().div_ceil(rows),
            "page": page,
            "count": all.len(),
            "results": results,
        },
    }))
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/reports/conversations/drilldown",
            get(|State(st): State<AppState>, uri: Uri| async move {
                report(&st, &uri, |_, _| Ok(Drill::All))
            }),
        )
        .route(
            "/reports/conversations/fields-drilldown",
            get(|State(st): State<AppState>, uri: Uri| async move {
                report(&st, &uri, field_drill)
            }),
        )
        .route(
            "/reports/user/drilldown",
            get(|State(st): State<AppState>, uri: Uri| async move {
                report(&st, &uri, |_, p| {
                    Ok(id_param(p, "user", USER_BASE, USERS)?.map_or(Drill::Nothing, Drill::User))
                })
            }),
        )
}

/// The drill-down table's rows in `period`: `report_conversations` as they are,
/// `report_tag_conversations` per tag with `tag_id` and `report_user_conversations` per user with
/// `user_id` (the driver fills both from the parent).
pub(super) fn table_data(d: &Data, name: &str, period: Period) -> Option<Vec<Value>> {
    let scope = Scope::default();
    let per = |drills: Vec<(Drill, &str, usize)>| -> Vec<Value> {
        drills
            .into_iter()
            .flat_map(|(drill, column, id)| {
                d.drilled(drill, period, &scope).into_iter().map(move |i| {
                    let mut v = d.abbreviated_json(i);
                    v[column] = json!(id);
                    v
                })
            })
            .collect()
    };
    Some(match name {
        "report_conversations" => d
            .drilled(Drill::All, period, &scope)
            .into_iter()
            .map(|i| d.abbreviated_json(i))
            .collect(),
        "report_tag_conversations" => per((0..TAGS.len())
            .map(|t| (Drill::Tag(t), "tag_id", TAG_BASE + t))
            .collect()),
        "report_user_conversations" => per((0..USERS)
            .map(|u| (Drill::User(u), "user_id", USER_BASE + u))
            .collect()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Gen;

    #[test]
    fn the_manifest_counts_are_the_default_windows_rows() {
        let d = Data::new(&Gen::new(7), 50);
        let window = d.span.default_period();
        let rows = |name| table_data(&d, name, window).expect(name).len();
        let counts = &d.drilldown_counts;
        assert_eq!(rows("report_conversations"), counts.conversations);
        assert_eq!(rows("report_tag_conversations"), counts.tagged);
        assert_eq!(rows("report_user_conversations"), counts.assigned);
        let all = table_data(&d, "report_conversations", d.span.all()).expect("rows");
        let spam = (0..50).filter(|i| d.conv(*i).status == "spam").count();
        assert_eq!(all.len(), 50 - spam);
        assert!(counts.conversations > 0 && counts.conversations < 50);
    }
}
