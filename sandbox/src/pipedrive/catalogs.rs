//! Pipedrive's short reference lists, each one request without paging (API v1):
//! `/activityTypes`, `/currencies` (`term` searches code and name), `/leadLabels`,
//! `/leadSources`. The values are a plausible company's, not Pipedrive's full lists.

use axum::http::Uri;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::ACTIVITY_TYPES;
use crate::common::{ok, param, params};
use crate::data::{fmt_iso, fmt_space, DATA_START};
use crate::AppState;

/// (code, name, symbol, decimal points, custom)
const CURRENCIES: &[(&str, &str, &str, u32, bool)] = &[
    ("EUR", "Euro", "€", 2, false),
    ("USD", "US Dollar", "$", 2, false),
    ("GBP", "British Pound", "£", 2, false),
    ("SEK", "Swedish Krona", "kr", 2, false),
    ("JPY", "Japanese Yen", "¥", 0, false),
    ("PTS", "Loyalty points", "pts", 0, true),
];

/// (name, color)
pub const LEAD_LABELS: &[(&str, &str)] = &[("Hot", "red"), ("Warm", "orange"), ("Cold", "blue")];

pub const LEAD_SOURCES: &[&str] = &["API", "Manually created", "Web forms", "Import"];

const ICONS: &[&str] = &["call", "meeting", "task", "deadline", "email", "lunch"];

fn activity_type(k: usize) -> Value {
    let t = DATA_START - 400 * 86_400 + k as i64 * 3_600;
    let key = ACTIVITY_TYPES[k];
    json!({
        "id": k + 1,
        "order_nr": k + 1,
        "name": format!("{}{}", key[..1].to_uppercase(), &key[1..]),
        "key_string": key,
        "icon_key": ICONS[k % ICONS.len()],
        "active_flag": true,
        "color": null,
        "is_custom_flag": false,
        "add_time": fmt_space(t),
        "update_time": fmt_space(t),
    })
}

fn currency(k: usize) -> Value {
    let (code, name, symbol, decimals, custom) = CURRENCIES[k];
    json!({
        "id": k + 1, "code": code, "name": name, "decimal_points": decimals,
        "symbol": symbol, "active_flag": true, "is_custom_flag": custom,
    })
}

/// A lead label's id: Pipedrive's are UUIDs.
pub fn lead_label_id(k: usize) -> String {
    format!("f08b42a0-4e75-11ea-9643-03698ef1cf{:02x}", k + 1)
}

fn lead_label(k: usize) -> Value {
    let (name, color) = LEAD_LABELS[k];
    let t = DATA_START - 200 * 86_400 + k as i64 * 60;
    json!({
        "id": lead_label_id(k), "name": name, "color": color,
        "add_time": fmt_iso(t), "update_time": fmt_iso(t),
    })
}

/// Table name → its rows, for the manifest and `/_sandbox/data`.
pub fn table_data(name: &str) -> Option<Vec<Value>> {
    Some(match name {
        "activity_types" => (0..ACTIVITY_TYPES.len()).map(activity_type).collect(),
        "currencies" => (0..CURRENCIES.len()).map(currency).collect(),
        "lead_labels" => (0..LEAD_LABELS.len()).map(lead_label).collect(),
        "lead_sources" => LEAD_SOURCES.iter().map(|n| json!({ "name": n })).collect(),
        _ => return None,
    })
}

pub const TABLES: &[&str] = &[
    "activity_types",
    "currencies",
    "lead_labels",
    "lead_sources",
];

/// Pipedrive's envelope of an unpaged list.
fn unpaged(rows: Vec<Value>) -> axum::response::Response {
    ok(json!({ "success": true, "data": rows }))
}

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/activityTypes",
        get(|| async { unpaged(table_data("activity_types").unwrap_or_default()) }),
    )
    .route(
        "/currencies",
        get(|uri: Uri| async move {
            let p = params(&uri);
            let term = param(&p, "term").map(str::to_lowercase);
            let rows = (0..CURRENCIES.len())
                .filter(|k| {
                    let (code, name, ..) = CURRENCIES[*k];
                    term.as_deref().is_none_or(|t| {
                        code.to_lowercase().contains(t) || name.to_lowercase().contains(t)
                    })
                })
                .map(currency)
                .collect();
            unpaged(rows)
        }),
    )
    .route(
        "/leadLabels",
        get(|| async { unpaged(table_data("lead_labels").unwrap_or_default()) }),
    )
    .route(
        "/leadSources",
        get(|| async { unpaged(table_data("lead_sources").unwrap_or_default()) }),
    )
}
