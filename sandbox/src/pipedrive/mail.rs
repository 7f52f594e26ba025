//! Pipedrive's mailbox (API v1) of the user the credentials belong to: `GET
//! /mailbox/mailThreads?folder=` (inbox, drafts, sent or archive; required; offset pages by
//! `start`/`limit` with no `additional_data`, most recent message first) and `GET
//! /mailbox/mailThreads/{id}/mailMessages` (every message of a thread, no paging). Flags are 0/1
//! numbers, times RFC 3339 with milliseconds, parties carry `message_time` in epoch milliseconds.
//! Each generated thread sits in one folder (the second is always a draft).
//!
//! The mail endpoints need the OAuth scope `mail:read` (or `mail:full`); the sandbox's OAuth
//! tokens carry its default Pipedrive scopes (base, deals, contacts, activities, users), not
//! these, so a bearer token gets Pipedrive's 403 "Scope and URL mismatch". API tokens reach
//! everything their user can, mail included.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{error, Data};
use crate::common::{bearer, id_of, json, num, ok, param, params};
use crate::data::fmt_iso_ms;
use crate::{AppState, Shared};

const THREAD: u64 = 0x1E;
pub const FOLDERS: &[&str] = &["inbox", "drafts", "sent", "archive"];
/// Most messages a thread has; message ids are `thread index × this + k + 1`.
const PER_THREAD: usize = 4;
/// The mailbox's owner (`users` 1, the credentials' user) and their address.
const OWNER: usize = 0;
const ACCOUNT_ID: &str = "sandbox-mail-connection";
const SUBJECTS: &[&str] = &[
    "Proposal",
    "Contract draft",
    "Meeting notes",
    "Pricing question",
    "Invoice",
];

impl Data {
    pub(super) fn mail_thread_count(&self) -> usize {
        self.n / 2
    }

    pub(super) fn mail_message_rows(&self) -> usize {
        (0..self.mail_thread_count())
            .map(|i| self.thread_messages(i))
            .sum()
    }

    fn thread_folder(&self, i: usize) -> &'static str {
        // The second thread is a draft, so that a small mailbox has every folder.
        if i == 1 {
            return "drafts";
        }
        match self.g.range(THREAD, i, 1, 0, 19) {
            0..=9 => "inbox",
            10..=14 => "sent",
            15..=16 => "drafts",
            _ => "archive",
        }
    }

    fn thread_messages(&self, i: usize) -> usize {
        self.g.range(THREAD, i, 2, 1, PER_THREAD as u64) as usize
    }

    /// When message `k` of thread `i` was written: an hour or more after the one before.
    fn message_time(&self, i: usize, k: usize) -> i64 {
        let first = self.g.time(THREAD, i, 3);
        first
            + (0..k as u64)
                .map(|j| self.g.range(THREAD, i, 10 + j, 1, 48))
                .sum::<u64>() as i64
                * 3600
    }

    /// Whether message `k` of thread `i` was sent by the mailbox's owner: in a sent thread all,
    /// in an inbox or archived thread every other one after the first, in drafts the draft.
    fn message_sent(&self, i: usize, k: usize) -> bool {
        match self.thread_folder(i) {
            "sent" => true,
            "drafts" => k + 1 == self.thread_messages(i),
            _ => k % 2 == 1,
        }
    }

    /// The person on the other side of thread `i`.
    fn correspondent(&self, i: usize) -> usize {
        self.g.index(THREAD, i, 4, self.n).unwrap_or_default()
    }

    fn party(&self, i: usize, owner: bool, at: i64, latest: bool) -> Value {
        let (id, name, email, person, org) = if owner {
            (1, self.user_name(OWNER), self.user_email(OWNER), None, None)
        } else {
            let p = self.correspondent(i);
            let per = self.person(p);
            let email = self.contact_value(p, 0, 0, &per);
            (
                2 + p,
                per.name(),
                email,
                Some(p + 1),
                per.org.map(|o| o + 1),
            )
        };
        json!({
            "id": id,
            "name": name,
            "latest_sent": latest,
            "email_address": email,
            "message_time": at * 1000,
            "linked_person_id": person,
            "linked_person_name": person.map(|_| name.clone()),
            "mail_message_party_id": i * PER_THREAD + 1 + usize::from(owner),
            "linked_organization_id": org,
        })
    }

    fn thread_json(&self, i: usize) -> Value {
        let g = &self.g;
        let folder = self.thread_folder(i);
        let count = self.thread_messages(i);
        let times: Vec<i64> = (0..count).map(|k| self.message_time(i, k)).collect();
        let last = times[count - 1];
        let sent: Vec<i64> = (0..count)
            .filter(|k| self.message_sent(i, *k) && !(folder == "drafts" && *k + 1 == count))
            .map(|k| times[k])
            .collect();
        let received: Vec<i64> = (0..count)
            .filter(|k| !self.message_sent(i, *k))
            .map(|k| times[k])
            .collect();
        let subject = format!("{} #{}", g.pick(THREAD, i, 5, SUBJECTS), i + 1);
        let deal = g.chance(THREAD, i, 6, 40).then(|| i % self.n.max(1));
        let flag = |b: bool| u8::from(b);
        json!({
            "id": i + 1,
            "account_id": ACCOUNT_ID,
            "user_id": OWNER + 1,
            "subject": subject,
            "snippet": format!("About {}: see the details below.", subject.to_lowercase()),
            "read_flag": flag(folder != "inbox" || g.chance(THREAD, i, 7, 60)),
            "mail_tracking_status": if sent.is_empty() { Value::Null } else { json!("opened") },
            "has_attachments_flag": flag(g.chance(THREAD, i, 8, 30)),
            "has_inline_attachments_flag": 0,
            "has_real_attachments_flag": flag(g.chance(THREAD, i, 8, 30)),
            "deleted_flag": 0,
            "synced_flag": 1,
            "smart_bcc_flag": 0,
            "mail_link_tracking_enabled_flag": 0,
            "parties": {
                "to": [self.party(i, folder == "inbox" || folder == "archive", last, false)],
                "from": [self.party(i, folder == "sent" || folder == "drafts", last, true)],
            },
            "drafts_parties": [],
            "folders": [folder],
            "version": 1 + i % 5,
            "snippet_draft": (folder == "drafts").then(|| "Draft: following up".to_owned()),
            "snippet_sent": if sent.is_empty() { String::new() } else { format!("Re: {subject}") },
            "message_count": count,
            "has_draft_flag": flag(folder == "drafts"),
            "has_sent_flag": flag(!sent.is_empty()),
            "archived_flag": flag(folder == "archive"),
            "shared_flag": flag(g.chance(THREAD, i, 9, 20)),
            "external_deleted_flag": 0,
            "first_message_to_me_flag": flag(!self.message_sent(i, 0)),
            "last_message_timestamp": fmt_iso_ms(last),
            "first_message_timestamp": fmt_iso_ms(times[0]),
            "last_message_sent_timestamp": sent.last().map(|t| fmt_iso_ms(*t)),
            "last_message_received_timestamp": received.last().map(|t| fmt_iso_ms(*t)),
            "add_time": fmt_iso_ms(times[0] + 5),
            "update_time": fmt_iso_ms(last + 5),
            "deal_id": deal.map(|d| d + 1),
            "deal_status": deal.map(|d| self.deal(d).status),
            "lead_id": null,
            "all_messages_sent_flag": flag(sent.len() == count),
        })
    }

    fn message_json(&self, i: usize, k: usize) -> Value {
        let at = self.message_time(i, k);
        let mine = self.message_sent(i, k);
        let draft = self.thread_folder(i) == "drafts" && k + 1 == self.thread_messages(i);
        let id = i * PER_THREAD + k + 1;
        let thread = self.thread_json(i);
        let flag = |b: bool| u8::from(b);
        json!({
            "id": id,
            "account_id": ACCOUNT_ID,
            "user_id": OWNER + 1,
            "subject": thread["subject"],
            "snippet": format!("Message {} of {}", k + 1, thread["subject"].as_str().unwrap_or_default()),
            "read_flag": flag(mine || thread["read_flag"] == 1 || k + 1 < self.thread_messages(i)),
            "mail_tracking_status": if mine && !draft { json!("opened") } else { Value::Null },
            "has_attachments_flag": flag(k == 0 && thread["has_attachments_flag"] == 1),
            "has_inline_attachments_flag": 0,
            "has_real_attachments_flag": flag(k == 0 && thread["has_real_attachments_flag"] == 1),
            "deleted_flag": 0,
            "synced_flag": 1,
            "smart_bcc_flag": 0,
            "mail_link_tracking_enabled_flag": 0,
            "from": [self.party(i, mine, at, true)],
            "to": [self.party(i, !mine, at, false)],
            "cc": [],
            "bcc": [],
            // The company's own host, as Pipedrive writes it.
            "body_url": format!("https://sandbox.pipedrive.com/api/v1/mailbox/mailMessages/{id}/body"),
            "mail_thread_id": i + 1,
            "draft": draft.then(|| json!({ "subject": thread["subject"] }).to_string()),
            "has_body_flag": 1,
            "sent_flag": flag(mine && !draft),
            "sent_from_pipedrive_flag": flag(mine && !draft && k.is_multiple_of(3)),
            "message_time": fmt_iso_ms(at),
            "add_time": fmt_iso_ms(at + 5),
            "update_time": fmt_iso_ms(at + 5),
        })
    }

    /// Threads of a folder, most recent message first (ties: higher id first).
    fn folder_threads(&self, folder: &str) -> Vec<usize> {
        let mut rows: Vec<(i64, usize)> = (0..self.mail_thread_count())
            .filter(|i| self.thread_folder(*i) == folder)
            .map(|i| (self.message_time(i, self.thread_messages(i) - 1), i))
            .collect();
        rows.sort_by(|a, b| b.cmp(a));
        rows.into_iter().map(|(_, i)| i).collect()
    }
}

/// Pipedrive's answer to a token without the endpoint's scope.
fn scope_mismatch() -> Response {
    json(
        StatusCode::FORBIDDEN,
        json!({ "success": false, "error": "Scope and URL mismatch", "errorCode": 403 }),
    )
}

/// A bearer (OAuth) token lacks `mail:read` (see the module comment).
fn lacks_scope(h: &HeaderMap) -> bool {
    bearer(h).is_some()
}

fn threads(st: &Shared, h: &HeaderMap, uri: &Uri) -> Response {
    if lacks_scope(h) {
        return scope_mismatch();
    }
    let p = params(uri);
    let Some(folder) = param(&p, "folder") else {
        return error(
            StatusCode::BAD_REQUEST,
            "Validation failed: folder: Parameter 'folder' is required",
        );
    };
    if !FOLDERS.contains(&folder) {
        return error(
            StatusCode::BAD_REQUEST,
            &format!(
                "Validation failed: folder: '{folder}' is not one of {}",
                FOLDERS.join(", ")
            ),
        );
    }
    let d = &st.pipedrive;
    let start = num(&p, "start").unwrap_or(0).max(0) as usize;
    let limit = num(&p, "limit").filter(|l| *l > 0).unwrap_or(50).min(500) as usize;
    let data: Vec<Value> = d
        .folder_threads(folder)
        .into_iter()
        .skip(start)
        .take(limit)
        .map(|i| d.thread_json(i))
        .collect();
    ok(json!({ "success": true, "data": data }))
}

fn messages(st: &Shared, h: &HeaderMap, id: &str) -> Response {
    if lacks_scope(h) {
        return scope_mismatch();
    }
    let d = &st.pipedrive;
    match id_of(id, d.mail_thread_count()) {
        Some(i) => {
            let data: Vec<Value> = (0..d.thread_messages(i))
                .map(|k| d.message_json(i, k))
                .collect();
            ok(json!({ "success": true, "data": data }))
        }
        None => error(StatusCode::NOT_FOUND, "Mail thread not found"),
    }
}

/// `mail_threads` (with the folder each was read from) and `mail_messages`.
pub fn table_data(d: &Data, name: &str) -> Option<Vec<Value>> {
    Some(match name {
        "mail_threads" => FOLDERS
            .iter()
            .flat_map(|f| d.folder_threads(f).into_iter().map(move |i| (f, i)))
            .map(|(f, i)| {
                let mut t = d.thread_json(i);
                t["folder"] = json!(f);
                t
            })
            .collect(),
        "mail_messages" => (0..d.mail_thread_count())
            .flat_map(|i| (0..d.thread_messages(i)).map(move |k| (i, k)))
            .map(|(i, k)| d.message_json(i, k))
            .collect(),
        _ => return None,
    })
}

pub const TABLES: &[&str] = &["mail_threads", "mail_messages"];

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/mailbox/mailThreads",
        get(
            |State(st): State<AppState>, h: HeaderMap, uri: Uri| async move {
                threads(&st, &h, &uri)
            },
        ),
    )
    .route(
        "/mailbox/mailThreads/{id}/mailMessages",
        get(
            |State(st): State<AppState>, h: HeaderMap, Path(id): Path<String>| async move {
                messages(&st, &h, &id)
            },
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Gen;

    #[test]
    fn every_thread_is_in_one_folder_listed_newest_first() {
        let d = Data::new(&Gen::new(5), 60);
        let mut seen = 0;
        for f in FOLDERS {
            let rows = d.folder_threads(f);
            let last: Vec<String> = rows
                .iter()
                .map(|i| d.thread_json(*i)["last_message_timestamp"].to_string())
                .collect();
            assert!(last.windows(2).all(|w| w[0] >= w[1]), "{f}: {last:?}");
            seen += rows.len();
        }
        assert_eq!(seen, d.mail_thread_count());
    }
}
