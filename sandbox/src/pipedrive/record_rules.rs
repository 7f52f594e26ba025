//! How a checked API v2 body changes a record of each writable table, with what Pipedrive
//! derives from it: a person's first and last name and primary address, an organization's
//! formatted address, a deal's pipeline (from its stage) and the times a status or stage change
//! sets, an activity's participants, `marked_as_done_time` and default subject, a product's
//! prices and category. Knows no endpoint and no parameter list (`records` has those).

use serde_json::{json, Map, Value};

use super::body::{clock, problem};
use super::records::Problems;
use super::STAGES_PER_PIPELINE;
use crate::data::{fmt_date, fmt_iso, parse_datetime};

/// Sets `key` from the body when given.
pub(super) fn copy(r: &mut Value, body: &Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(v) = body.get(*key) {
            r[*key] = v.clone();
        }
    }
}

/// A time as v2 renders it (RFC 3339 UTC), from any form the checks accepted.
pub(super) fn stamp(v: &Value) -> Value {
    v.as_str()
        .and_then(parse_datetime)
        .map_or(Value::Null, |t| json!(fmt_iso(t)))
}

/// `[{value, primary, label}]` as Pipedrive keeps a person's addresses or numbers: `value`
/// required, the first one primary when none says so, the label `work` by default.
fn contacts(field: &str, v: &Value, problems: &mut Problems) -> Value {
    let Some(items) = v.as_array() else {
        return json!([]);
    };
    let mut out = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let name = format!("{field}[{k}]");
        let value = match (item, item.get("value")) {
            (Value::String(s), _) => s.clone(),
            (_, Some(Value::String(s))) => s.clone(),
            _ => {
                problems.push(problem(format!("{name}.value"), "is required"));
                continue;
            }
        };
        let primary = item
            .get("primary")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let label = item
            .get("label")
            .and_then(Value::as_str)
            .unwrap_or("work")
            .to_owned();
        out.push(json!({"label": label, "value": value, "primary": primary}));
    }
    if !out.is_empty() && !out.iter().any(|c| c["primary"] == json!(true)) {
        out[0]["primary"] = json!(true);
    }
    Value::Array(out)
}

pub(super) fn person(r: &mut Value, body: &Map<String, Value>, problems: &mut Problems) {
    copy(
        r,
        body,
        &[
            "owner_id",
            "org_id",
            "visible_to",
            "label_ids",
            "marketing_status",
        ],
    );
    if let Some(Value::String(name)) = body.get("name") {
        let name = name.trim();
        let (first, last) = match name.split_once(' ') {
            Some((f, l)) => (f, Some(l.trim())),
            None => (name, None),
        };
        r["name"] = json!(name);
        r["first_name"] = json!(first);
        r["last_name"] = json!(last);
    }
    for key in ["emails", "phones"] {
        if let Some(v) = body.get(key) {
            r[key] = contacts(key, v, problems);
        }
    }
}

pub(super) fn org(r: &mut Value, body: &Map<String, Value>, problems: &mut Problems) {
    copy(r, body, &["name", "owner_id", "visible_to", "label_ids"]);
    match body.get("address") {
        Some(Value::Object(parts)) => {
            let mut a = json!({
                "value": null, "street_number": null, "route": null, "sublocality": null,
                "locality": null, "admin_area_level_1": null, "admin_area_level_2": null,
                "country": null, "postal_code": null, "formatted_address": null,
            });
            for (k, v) in parts {
                if a.get(k).is_none() || !(v.is_string() || v.is_null()) {
                    problems.push(problem(
                        format!("address.{k}"),
                        "is not allowed for this request",
                    ));
                    continue;
                }
                a[k] = v.clone();
            }
            // Pipedrive geocodes the address; the sandbox formats it as written.
            if a["formatted_address"].is_null() {
                a["formatted_address"] = a["value"].clone();
            }
            r["address"] = a;
        }
        Some(Value::Null) => r["address"] = Value::Null,
        _ => {}
    }
}

pub(super) fn deal(r: &mut Value, body: &Map<String, Value>, now: i64, problems: &mut Problems) {
    copy(
        r,
        body,
        &[
            "title",
            "owner_id",
            "person_id",
            "org_id",
            "value",
            "probability",
            "lost_reason",
            "visible_to",
            "expected_close_date",
            "label_ids",
            "origin_id",
            "channel",
            "channel_id",
        ],
    );
    if let Some(Value::String(c)) = body.get("currency") {
        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
            r["currency"] = json!(c);
        } else {
            problems.push(problem("currency", "must be a 3-letter currency code"));
        }
    }
    if body.get("is_deleted") == Some(&json!(true)) {
        problems.push(problem(
            "is_deleted",
            "cannot be set; delete the deal instead",
        ));
    }
    // A stage names its pipeline; a pipeline alone moves the deal to its first stage.
    let per = STAGES_PER_PIPELINE as u64;
    let old_stage = r["stage_id"].as_u64();
    match (
        body.get("stage_id").and_then(Value::as_u64),
        body.get("pipeline_id").and_then(Value::as_u64),
    ) {
        (Some(s), _) => {
            r["stage_id"] = json!(s);
            r["pipeline_id"] = json!((s - 1) / per + 1);
        }
        (None, Some(pl)) if r["pipeline_id"].as_u64() != Some(pl) => {
            r["stage_id"] = json!((pl - 1) * per + 1);
            r["pipeline_id"] = json!(pl);
        }
        _ => {}
    }
    if old_stage != r["stage_id"].as_u64() && !body.contains_key("stage_change_time") {
        r["stage_change_time"] = json!(fmt_iso(now));
    }
    if let Some(Value::String(status)) = body.get("status") {
        if r["status"].as_str() != Some(status) {
            let t = json!(fmt_iso(now));
            r["status"] = json!(status);
            let (won, lost) = match status.as_str() {
                "won" => (t.clone(), Value::Null),
                "lost" => (Value::Null, t.clone()),
                _ => (Value::Null, Value::Null),
            };
            r["close_time"] = if status == "open" { Value::Null } else { t };
            r["won_time"] = won;
            r["lost_time"] = lost;
            if status != "lost" && !body.contains_key("lost_reason") {
                r["lost_reason"] = Value::Null;
            }
        }
    }
    // Times given in the body win over the ones a status change sets.
    for key in ["close_time", "won_time", "lost_time"] {
        if let Some(v) = body.get(key) {
            r[key] = stamp(v);
        }
    }
    if let Some(Value::Bool(archived)) = body.get("is_archived") {
        r["is_archived"] = json!(archived);
        if !body.contains_key("archive_time") {
            r["archive_time"] = if *archived {
                json!(fmt_iso(now))
            } else {
                Value::Null
            };
        }
    }
    let day = |key: &str| {
        r[key]
            .as_str()
            .and_then(parse_datetime)
            .map_or(Value::Null, |t| json!(fmt_date(t)))
    };
    let (won, lost, close) = (day("won_time"), day("lost_time"), day("close_time"));
    r["local_won_date"] = won;
    r["local_lost_date"] = lost;
    r["local_close_date"] = close;
}

pub(super) fn activity(r: &mut Value, body: &Map<String, Value>, now: i64, creating: bool) {
    copy(
        r,
        body,
        &[
            "subject",
            "type",
            "owner_id",
            "deal_id",
            "lead_id",
            "person_id",
            "org_id",
            "project_id",
            "due_date",
            "busy",
            "location",
            "attendees",
            "public_description",
            "priority",
            "note",
        ],
    );
    for key in ["due_time", "duration"] {
        if let Some(v) = body.get(key) {
            r[key] = v
                .as_str()
                .and_then(clock)
                .map_or(Value::Null, Value::String);
        }
    }
    if let Some(Value::Bool(done)) = body.get("done") {
        if r["done"].as_bool() != Some(*done) {
            r["marked_as_done_time"] = if *done {
                json!(fmt_iso(now))
            } else {
                Value::Null
            };
        }
        r["done"] = json!(done);
    }
    // The primary participant is the activity's person, and the other way round.
    match body.get("participants") {
        Some(Value::Array(list)) => {
            let list: Vec<Value> = list
                .iter()
                .filter_map(|p| {
                    let person = p.get("person_id")?.as_u64()?;
                    let primary = p.get("primary").and_then(Value::as_bool).unwrap_or(false);
                    Some(json!({"person_id": person, "primary": primary}))
                })
                .collect();
            if !body.contains_key("person_id") {
                r["person_id"] = list
                    .iter()
                    .find(|p| p["primary"] == json!(true))
                    .map_or(Value::Null, |p| p["person_id"].clone());
            }
            r["participants"] = Value::Array(list);
        }
        _ if body.contains_key("person_id") => {
            r["participants"] = match r["person_id"].as_u64() {
                Some(person) => json!([{"person_id": person, "primary": true}]),
                None => json!([]),
            };
        }
        _ => {}
    }
    if creating && r["subject"].is_null() {
        let kind = r["type"].as_str().unwrap_or("call");
        let mut subject = kind[..1].to_uppercase();
        subject.push_str(&kind[1..]);
        r["subject"] = json!(subject);
    }
}

pub(super) fn product(r: &mut Value, body: &Map<String, Value>, problems: &mut Problems) {
    copy(
        r,
        body,
        &[
            "name",
            "code",
            "description",
            "unit",
            "tax",
            "owner_id",
            "is_linkable",
            "visible_to",
            "billing_frequency",
            "billing_frequency_cycles",
        ],
    );
    // Generated products carry their category's option id as text; keep one form.
    if let Some(v) = body.get("category") {
        r["category"] = v.as_u64().map_or(Value::Null, |c| json!(c.to_string()));
    }
    if r["billing_frequency"] == json!("one-time") && !r["billing_frequency_cycles"].is_null() {
        problems.push(problem(
            "billing_frequency_cycles",
            "must be null when billing_frequency is one-time",
        ));
    }
    if let Some(Value::Array(prices)) = body.get("prices") {
        let mut out = Vec::new();
        for (k, price) in prices.iter().enumerate() {
            let name = format!("prices[{k}]");
            let Some(currency) = price.get("currency").and_then(Value::as_str) else {
                problems.push(problem(format!("{name}.currency"), "is required"));
                continue;
            };
            let num = |key: &str, default: Value| match price.get(key) {
                Some(v) if v.is_number() || v.is_null() => v.clone(),
                _ => default,
            };
            out.push(json!({
                "product_id": r["id"], "currency": currency,
                "price": num("price", json!(0)), "cost": num("cost", json!(0)),
                "direct_cost": num("direct_cost", Value::Null),
                "notes": price.get("notes").and_then(Value::as_str).unwrap_or(""),
            }));
        }
        r["prices"] = Value::Array(out);
    }
}

/// A created product gets its id after its body is applied: its prices name it.
pub(super) fn set_id(r: &mut Value, id: u64) {
    r["id"] = json!(id);
    if let Some(Value::Array(prices)) = r.get_mut("prices") {
        for price in prices {
            price["product_id"] = json!(id);
        }
    }
}
