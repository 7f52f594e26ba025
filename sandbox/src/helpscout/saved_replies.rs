//! Help Scout saved replies (`GET /v2/mailboxes/{id}/saved-replies`): a plain JSON array, not a
//! HAL page, of `{id, name, preview, chatPreview}`, unpaged; chat-only replies are listed only
//! with `includeChatReplies=true`. An email reply has a `preview` (and a `chatPreview` when it has
//! a chat version too), a chat-only one only a `chatPreview`.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{error, index_of, MAILBOXES, MAILBOX_BASE};
use crate::common::{ok, param, params};
use crate::AppState;

const SAVED_REPLY_BASE: usize = 60_001;

/// (mailbox index, name, email text, chat text)
const REPLIES: &[(usize, &str, Option<&str>, Option<&str>)] = &[
    (
        0,
        "Password reset steps",
        Some("Hi there, to reset your password open Settings > Security and choose “Reset”."),
        Some("Open Settings > Security > Reset."),
    ),
    (
        0,
        "Known issue: export",
        Some("Thanks for reporting this. Our team is working on a fix for exports."),
        None,
    ),
    (
        0,
        "Chat greeting",
        None,
        Some("Hi! How can I help you today?"),
    ),
    (
        1,
        "Pricing overview",
        Some("Hello, you will find our plans and prices at example.com/pricing."),
        None,
    ),
    (
        1,
        "Démo produit",
        Some("Bonjour, je vous propose une démo de 30 minutes cette semaine."),
        Some("Une démo ? Choisissez un créneau ici."),
    ),
    (
        2,
        "Invoice copy",
        Some("Hi, attached is a copy of your latest invoice."),
        None,
    ),
    (
        2,
        "Refund policy",
        Some("Refunds are possible within 30 days of purchase."),
        Some("Refunds: within 30 days."),
    ),
    (
        2,
        "Chat: card declined",
        None,
        Some("It looks like the card was declined; could you try another one?"),
    ),
];

fn reply_json(k: usize) -> Value {
    let (_, name, text, chat) = REPLIES[k];
    let mut v = json!({ "id": SAVED_REPLY_BASE + k, "name": name });
    if let Some(text) = text {
        v["preview"] = json!(text);
    }
    if let Some(chat) = chat {
        v["chatPreview"] = json!(chat);
    }
    v
}

/// The replies of `mailbox`, chat-only ones only when asked for.
fn of_mailbox(mailbox: usize, with_chat_only: bool) -> impl Iterator<Item = usize> {
    (0..REPLIES.len())
        .filter(move |k| REPLIES[*k].0 == mailbox && (with_chat_only || REPLIES[*k].2.is_some()))
}

fn list(id: &str, uri: &Uri) -> Response {
    let Some(mailbox) = index_of(id, MAILBOX_BASE, MAILBOXES.len()) else {
        return error(StatusCode::NOT_FOUND, "Resource not found");
    };
    let with_chat_only = param(&params(uri), "includeChatReplies") == Some("true");
    ok(Value::Array(
        of_mailbox(mailbox, with_chat_only)
            .map(reply_json)
            .collect(),
    ))
}

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/mailboxes/{id}/saved-replies",
        get(
            |State(_): State<AppState>, Path(id): Path<String>, uri: Uri| async move {
                list(&id, &uri)
            },
        ),
    )
}

/// Every mailbox's replies (chat-only ones included, as the table asks), each with the
/// `mailbox_id` the driver fills from the parent.
pub(super) fn table_data() -> Vec<Value> {
    (0..MAILBOXES.len())
        .flat_map(|m| of_mailbox(m, true).map(move |k| (m, k)))
        .map(|(m, k)| {
            let mut v = reply_json(k);
            v["mailbox_id"] = json!(MAILBOX_BASE + m);
            v
        })
        .collect()
}

pub(super) fn count() -> usize {
    REPLIES.len()
}
