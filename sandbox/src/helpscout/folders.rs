//! Help Scout mailbox folders (`GET /v2/mailboxes/{id}/folders`, HAL pages of 50 under
//! `_embedded.folders`): five per mailbox — Unassigned, Assigned, Closed, Spam and one agent's
//! personal "Mine" folder (`userId` its owner, 0 for shared folders) — with the counts of the
//! conversations in each; conversations' `folderId` points at them.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{
    api_base, error, hal, index_of, page_of, Data, MAILBOXES, MAILBOX_BASE, PAGE, USERS, USER_BASE,
};
use crate::common::{ok, params, select};
use crate::data::{fmt_iso, DATA_END};
use crate::{AppState, Shared};

/// (name, type) of each mailbox's folders, in Help Scout's order.
const FOLDERS: [(&str, &str); 5] = [
    ("Unassigned", "open"),
    ("Assigned", "assigned"),
    ("Closed", "closed"),
    ("Spam", "spam"),
    ("Mine", "mytickets"),
];
const MINE: usize = 4;

/// `[mailbox][folder]` → [total, active] conversations.
pub(super) type Counts = [[[u32; 2]; FOLDERS.len()]; MAILBOXES.len()];

fn folder_id(mailbox: usize, k: usize) -> usize {
    1000 + mailbox * 10 + k
}

/// The personal folder's owner in each mailbox.
fn owner(mailbox: usize) -> usize {
    mailbox % USERS
}

/// The shared folder a conversation is in.
fn shared_folder(status: &str, assignee: Option<usize>) -> usize {
    match (status, assignee) {
        ("spam", _) => 3,
        ("closed", _) => 2,
        (_, Some(_)) => 1,
        _ => 0,
    }
}

/// A conversation's `folderId`.
pub(super) fn of_conversation(mailbox: usize, status: &str, assignee: Option<usize>) -> usize {
    folder_id(mailbox, shared_folder(status, assignee))
}

/// Counts one conversation in its folders (the owner's "Mine" too, while it is open).
pub(super) fn tally(counts: &mut Counts, mailbox: usize, status: &str, assignee: Option<usize>) {
    let active = u32::from(status == "active");
    let shared = shared_folder(status, assignee);
    let mut add = |k: usize| {
        counts[mailbox][k][0] += 1;
        counts[mailbox][k][1] += active;
    };
    add(shared);
    if shared == 1 && assignee == Some(owner(mailbox)) {
        add(MINE);
    }
}

fn folder_json(d: &Data, mailbox: usize, k: usize) -> Value {
    let (name, kind) = FOLDERS[k];
    let [total, active] = d.folder_counts[mailbox][k];
    json!({
        "id": folder_id(mailbox, k),
        "name": name,
        "type": kind,
        "userId": if k == MINE { USER_BASE + owner(mailbox) } else { 0 },
        "totalCount": total,
        "activeCount": active,
        "updatedAt": fmt_iso(DATA_END - 3600 * (mailbox * FOLDERS.len() + k) as i64),
    })
}

fn list(st: &Shared, id: &str, uri: &Uri) -> Response {
    let d = &st.helpscout;
    let Some(mailbox) = index_of(id, MAILBOX_BASE, MAILBOXES.len()) else {
        return error(StatusCode::NOT_FOUND, "Resource not found");
    };
    let page = page_of(&params(uri));
    let (rows, total) = select(FOLDERS.len(), None, (page - 1) * PAGE, PAGE);
    let items = rows
        .into_iter()
        .map(|k| folder_json(d, mailbox, k))
        .collect();
    ok(hal(
        &api_base(st),
        &format!("/mailboxes/{id}/folders"),
        "folders",
        items,
        page,
        PAGE,
        total,
    ))
}

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/mailboxes/{id}/folders",
        get(
            |State(st): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                list(&st, &id, &uri)
            },
        ),
    )
}

/// Every mailbox's folders, each with the `mailbox_id` the driver fills from the parent.
pub(super) fn table_data(d: &Data) -> Vec<Value> {
    let mut rows = Vec::new();
    for m in 0..MAILBOXES.len() {
        for k in 0..FOLDERS.len() {
            let mut f = folder_json(d, m, k);
            f["mailbox_id"] = json!(MAILBOX_BASE + m);
            rows.push(f);
        }
    }
    rows
}

pub(super) fn count() -> usize {
    MAILBOXES.len() * FOLDERS.len()
}
