//! Help Scout workflows (`GET /v2/workflows`, HAL pages of 50 under `_embedded.workflows`) with
//! the documented filters `mailboxId` and `type` (`manual`/`automatic`); `mailbox`, like any
//! unknown parameter, is ignored, as the real API does. No single-workflow endpoint.

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{api_base, hal, page_of, validation, MAILBOX_BASE, PAGE};
use crate::common::{ok, param, params, select};
use crate::data::{fmt_iso, DATA_START};
use crate::{AppState, Shared};

const WORKFLOW_BASE: usize = 40_001;

/// (mailbox index, name, type, status)
const WORKFLOWS: &[(usize, &str, &str, &str)] = &[
    (0, "Tag VIP customers", "automatic", "active"),
    (0, "Escalate to Tier 2", "manual", "active"),
    (0, "Close stale pending", "automatic", "inactive"),
    (0, "Send satisfaction survey", "automatic", "active"),
    (1, "Assign leads", "automatic", "active"),
    (1, "Mark as spam", "manual", "active"),
    (1, "Forward to CRM", "automatic", "invalid"),
    (2, "Refund follow-up", "manual", "active"),
    (2, "Tag invoices", "automatic", "active"),
    (2, "Relance en français", "manual", "inactive"),
    (2, "Archive receipts", "automatic", "active"),
    (1, "Weekly digest", "manual", "active"),
];

fn workflow_json(k: usize) -> Value {
    let (mailbox, name, kind, status) = WORKFLOWS[k];
    let created = DATA_START + 86_400 * 7 * k as i64;
    json!({
        "id": WORKFLOW_BASE + k,
        "mailboxId": MAILBOX_BASE + mailbox,
        "type": kind,
        "status": status,
        "order": WORKFLOWS[..k].iter().filter(|w| w.0 == mailbox).count() + 1,
        "name": name,
        "createdAt": fmt_iso(created),
        "modifiedAt": fmt_iso(created + 3600 * (k as i64 + 1)),
    })
}

fn list(st: &Shared, uri: &Uri) -> Response {
    let p = params(uri);
    let mailbox = param(&p, "mailboxId").map(|m| m.trim().parse::<usize>().ok());
    let kind = param(&p, "type");
    if let Some(k) = kind.filter(|k| !["manual", "automatic"].contains(k)) {
        return validation("type", k, "Must be one of: manual, automatic");
    }
    let keep = |k: usize| {
        let (m, _, t, _) = WORKFLOWS[k];
        mailbox.is_none_or(|want| want == Some(MAILBOX_BASE + m))
            && kind.is_none_or(|want| want == t)
    };
    let page = page_of(&p);
    let (rows, total) = select(WORKFLOWS.len(), Some(&keep), (page - 1) * PAGE, PAGE);
    let items = rows.into_iter().map(workflow_json).collect();
    ok(hal(
        &api_base(st),
        "/workflows",
        "workflows",
        items,
        page,
        PAGE,
        total,
    ))
}

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/workflows",
        get(|State(st): State<AppState>, uri: Uri| async move { list(&st, &uri) }),
    )
}

pub(super) fn table_data() -> Vec<Value> {
    (0..WORKFLOWS.len()).map(workflow_json).collect()
}

pub(super) fn count() -> usize {
    WORKFLOWS.len()
}
