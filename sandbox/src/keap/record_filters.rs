//! The v1 list filters of the writable tables, applied to records as they read (keap/overlay.rs)
//! rather than to generated indices: the same parameters, the same validation and the same
//! 400s as keap.rs's `filters`, so a created or changed record is found exactly as a generated
//! one would be (`?contact_id=` finds a task moved to that contact).

use serde_json::Value;

use super::{bool_filter, id_filter, time_filter, Table};
use crate::common::{param, Params, Rejection};
use crate::data::parse_datetime;

pub(super) type RecordFilter = Box<dyn Fn(&Value) -> bool>;

fn id_is(v: &Value, id: usize) -> bool {
    v.as_u64() == Some(id as u64)
}

fn text_is(v: &Value, text: &str) -> bool {
    v.as_str() == Some(text)
}

fn time_of(v: &Value) -> Option<i64> {
    v.as_str().and_then(parse_datetime)
}

/// The filters `p` asks of table `t`; a malformed value is the list's 400.
pub(super) fn of(t: Table, p: &Params) -> Result<Vec<RecordFilter>, Rejection> {
    let mut out: Vec<RecordFilter> = Vec::new();
    let mut by_id = |key: &str, path: &'static [&'static str]| -> Result<(), Rejection> {
        if let Some(id) = id_filter(p, key)? {
            out.push(Box::new(move |r| {
                id_is(path.iter().fold(r, |v, k| &v[*k]), id)
            }));
        }
        Ok(())
    };
    match t {
        Table::Tasks => {
            by_id("contact_id", &["contact", "id"])?;
            by_id("user_id", &["user_id"])?;
            if let Some(done) = bool_filter(p, "completed")? {
                out.push(Box::new(move |r| r["completed"].as_bool() == Some(done)));
            }
        }
        Table::Notes => {
            by_id("contact_id", &["contact_id"])?;
            by_id("user_id", &["user_id"])?;
        }
        Table::Opportunities => {
            by_id("stage_id", &["stage", "id"])?;
            by_id("user_id", &["user", "id"])?;
        }
        Table::Companies => {
            if let Some(name) = param(p, "company_name") {
                let name = name.to_owned();
                out.push(Box::new(move |r| text_is(&r["company_name"], &name)));
            }
        }
        Table::Contacts => {
            if let Some(e) = param(p, "email") {
                let e = e.to_owned();
                out.push(Box::new(move |r| {
                    r["email_addresses"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| text_is(&x["email"], &e)))
                }));
            }
            for key in ["given_name", "family_name"] {
                if let Some(v) = param(p, key) {
                    let v = v.to_owned();
                    out.push(Box::new(move |r| text_is(&r[key], &v)));
                }
            }
            // `since` and `until` bound last_updated, both ends included, as on generated rows.
            if let Some(since) = time_filter(p, "since")? {
                out.push(Box::new(move |r| {
                    time_of(&r["last_updated"]).is_some_and(|t| t >= since)
                }));
            }
            if let Some(until) = time_filter(p, "until")? {
                out.push(Box::new(move |r| {
                    time_of(&r["last_updated"]).is_some_and(|t| t <= until)
                }));
            }
        }
        _ => {}
    }
    Ok(out)
}
