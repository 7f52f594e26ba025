//! Help Scout customers' `_embedded` entries beyond e-mails and phones — chats, social profiles,
//! websites, properties and the address (in list and single records alike) — the customer
//! property definitions (`GET /v2/customer-properties`, one unpaged HAL body under
//! `_embedded["customer-properties"]`), and the rows of the customer child tables (from the
//! customers as they read now, writes included).

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{api_base, overlay, Data, Table, CUSTOMER_BASE};
use crate::common::ok;
use crate::data::{self, Gen};
use crate::{AppState, Shared};

const ENTRY: u64 = 0x24;

/// (slug, name, type, dropdown option labels)
const PROPERTIES: &[(&str, &str, &str, &[&str])] = &[
    (
        "plan-tier",
        "Plan tier",
        "dropdown",
        &["Basic", "Plus", "Pro"],
    ),
    ("account-id", "Account ID", "text", &[]),
    ("lifetime-value", "Lifetime value", "number", &[]),
];
const CHAT_TYPES: &[&str] = &["aim", "skype", "other"];
const SOCIAL_TYPES: &[&str] = &["twitter", "linkedin", "facebook"];
const COUNTRIES: &[&str] = &["FI", "DE", "BR", "PL", "CH", "PT", "JP", "US"];

/// The UUID-shaped id of a dropdown option of a property.
fn option_id(g: &Gen, p: usize, o: usize) -> String {
    let h = g.hex(ENTRY, p, 1000 + o as u64, 32);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..]
    )
}

fn definition_json(g: &Gen, p: usize) -> Value {
    let (slug, name, kind, options) = PROPERTIES[p];
    let mut v = json!({ "type": kind, "slug": slug, "name": name });
    if kind == "dropdown" {
        v["options"] = options
            .iter()
            .enumerate()
            .map(|(o, label)| json!({ "id": option_id(g, p, o), "label": label }))
            .collect();
    }
    v
}

/// The customer property definitions: one body, a `self` link and no `page`.
fn definitions(st: &Shared) -> Response {
    let g = &st.helpscout.g;
    let base = api_base(st);
    ok(json!({
        "_embedded": {
            "customer-properties": (0..PROPERTIES.len()).map(|p| definition_json(g, p)).collect::<Vec<_>>(),
        },
        "_links": { "self": { "href": format!("{base}/customer-properties") } },
    }))
}

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/customer-properties",
        get(|State(st): State<AppState>| async move { definitions(&st) }),
    )
}

/// Entries `{id, value, type}` of one kind; `types` empty: no `type` (websites).
fn entries(
    g: &Gen,
    c: usize,
    kind: u64,
    max: u64,
    types: &[&str],
    value: impl Fn(usize) -> String,
) -> Vec<Value> {
    let id = CUSTOMER_BASE + c;
    (0..g.range(ENTRY, c, kind, 0, max) as usize)
        .map(|k| {
            let mut v = json!({ "id": id * 10 + k, "value": value(k) });
            if !types.is_empty() {
                v["type"] = json!(g.pick(ENTRY, c, kind * 10 + k as u64, types));
            }
            v
        })
        .collect()
}

/// Adds chats, social profiles, websites, properties and (for most) an address to a
/// customer's `_embedded`.
pub(super) fn embed(d: &Data, c: usize, embedded: &mut Value) {
    let g = &d.g;
    let (first, _) = d.customer_name(c);
    let handle = format!("{}{}", data::ascii_slug(first), c + 1);
    embedded["chats"] = entries(g, c, 1, 1, CHAT_TYPES, |k| format!("{handle}.chat{k}")).into();
    embedded["social_profiles"] = entries(g, c, 2, 2, SOCIAL_TYPES, |k| {
        format!("https://social.example.com/{handle}/{k}")
    })
    .into();
    embedded["websites"] = entries(g, c, 3, 1, &[], |k| {
        format!(
            "https://{handle}.example.org/{}",
            if k == 0 { "" } else { "blog" }
        )
    })
    .into();
    embedded["properties"] = PROPERTIES
        .iter()
        .enumerate()
        .filter(|(p, _)| g.chance(ENTRY, c, 10 + *p as u64, 60))
        .map(|(p, (slug, name, kind, options))| {
            let (value, text) = match *kind {
                "dropdown" => {
                    let o = g.range(ENTRY, c, 20 + p as u64, 0, options.len() as u64 - 1);
                    (option_id(g, p, o as usize), options[o as usize].to_string())
                }
                "number" => {
                    let n = g.range(ENTRY, c, 20 + p as u64, 1, 50_000).to_string();
                    (n.clone(), n)
                }
                _ => {
                    let t = format!("ACC-{}", g.hex(ENTRY, c, 20 + p as u64, 6));
                    (t.clone(), t)
                }
            };
            json!({
                "type": kind, "slug": slug, "name": name, "value": value, "text": text,
                "source": { "name": "API" },
            })
        })
        .collect();
    if !g.chance(ENTRY, c, 30, 35) {
        let mut lines = vec![format!(
            "{} {}",
            g.range(ENTRY, c, 31, 1, 200),
            g.pick(ENTRY, c, 32, data::STREETS)
        )];
        if g.chance(ENTRY, c, 33, 30) {
            lines.push(format!("Floor {}", g.range(ENTRY, c, 34, 1, 9)));
        }
        embedded["address"] = json!({
            "city": g.pick(ENTRY, c, 35, data::CITIES),
            "state": g.chance(ENTRY, c, 36, 50).then_some("Uusimaa"),
            "postalCode": format!("{:05}", g.range(ENTRY, c, 37, 100, 99_999)),
            "country": g.pick(ENTRY, c, 38, COUNTRIES),
            "lines": lines,
        });
    }
}

/// The customer child tables: the `_embedded` array's elements plus `customer_id`.
pub(super) const CHILDREN: &[(&str, &str)] = &[
    ("customer_emails", "emails"),
    ("customer_phones", "phones"),
    ("customer_chats", "chats"),
    ("customer_social_profiles", "social_profiles"),
    ("customer_websites", "websites"),
    ("customer_properties", "properties"),
];

/// The rows of a customer child table, from the customers as they read now (with writes).
pub(super) fn table_data(st: &Shared, name: &str) -> Option<Vec<Value>> {
    if name == "customer_property_definitions" {
        return Some(
            (0..PROPERTIES.len())
                .map(|p| definition_json(&st.helpscout.g, p))
                .collect(),
        );
    }
    let (_, array) = CHILDREN.iter().find(|(t, _)| *t == name)?;
    let mut rows = Vec::new();
    overlay::each_record(st, Table::Customers, |mut customer| {
        let id = customer["id"].clone();
        if let Value::Array(items) = customer["_embedded"][*array].take() {
            for mut item in items {
                item["customer_id"] = id.clone();
                rows.push(item);
            }
        }
    });
    Some(rows)
}

/// How many rows each child table has, from one pass over the customers (the manifest's counts;
/// building each table's rows for it made a million-customer manifest take minutes).
pub(super) fn child_counts(st: &Shared) -> Vec<(&'static str, usize)> {
    let mut counts = vec![0usize; CHILDREN.len()];
    overlay::each_record(st, Table::Customers, |customer| {
        for (k, (_, array)) in CHILDREN.iter().enumerate() {
            counts[k] += customer["_embedded"][*array].as_array().map_or(0, Vec::len);
        }
    });
    CHILDREN
        .iter()
        .zip(counts)
        .map(|((name, _), n)| (*name, n))
        .collect()
}

pub(super) fn definition_count() -> usize {
    PROPERTIES.len()
}
