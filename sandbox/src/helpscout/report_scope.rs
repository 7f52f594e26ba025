//! The conversation filters every Help Scout report takes: `mailboxes`, `tags` and `folders`
//! (comma-separated ids) and `types` (`email`, `chat`, `phone`); a report counts only the
//! conversations that pass all of them. A type outside the three is answered 400.

use super::report_window::invalid;
use super::{folders, ids, Conversation, MAILBOX_BASE, TAG_BASE};
use crate::common::{param, Params, Rejection};

const TYPES: [&str; 3] = ["email", "chat", "phone"];

#[derive(Default)]
pub(super) struct Scope {
    mailboxes: Option<Vec<usize>>,
    tags: Option<Vec<usize>>,
    folders: Option<Vec<usize>>,
    types: Option<Vec<String>>,
}

impl Scope {
    pub(super) fn from(p: &Params) -> Result<Scope, Rejection> {
        let types = match param(p, "types") {
            None => None,
            Some(list) => {
                let types: Vec<String> = list.split(',').map(|t| t.trim().to_owned()).collect();
                if let Some(bad) = types.iter().find(|t| !TYPES.contains(&t.as_str())) {
                    return Err(Box::new(invalid(
                        "types",
                        Some(bad),
                        "Must be one of: email, chat, phone",
                    )));
                }
                Some(types)
            }
        };
        Ok(Scope {
            mailboxes: param(p, "mailboxes").map(|m| ids(m, MAILBOX_BASE)),
            tags: param(p, "tags").map(|t| ids(t, TAG_BASE)),
            folders: param(p, "folders").map(|f| ids(f, 0)),
            types,
        })
    }

    pub(super) fn admits(&self, c: &Conversation) -> bool {
        let folder = folders::of_conversation(c.mailbox, c.status, c.assignee);
        self.mailboxes
            .as_ref()
            .is_none_or(|m| m.contains(&c.mailbox))
            && self
                .tags
                .as_ref()
                .is_none_or(|t| c.tags.iter().any(|x| t.contains(x)))
            && self.folders.as_ref().is_none_or(|f| f.contains(&folder))
            && self
                .types
                .as_ref()
                .is_none_or(|t| t.iter().any(|x| x == c.kind))
    }
}
