//! Pipedrive's field definitions (`/personFields`, `/dealFields`, `/organizationFields`,
//! `/productFields`, API v1) and the custom-field values in person, deal, organization and
//! product records (products are read through API v2: see `values_v2`). As Pipedrive does: a
//! field list holds the built-in fields (`edit_flag: false`, plain keys) and the account's own
//! (`edit_flag: true`, 40-character hex keys that differ per company); records carry a custom
//! value under its key at the top level, with sub-values under suffixed keys (`<key>_currency`,
//! `<key>_until`, `<key>_formatted_address`); an enum value is its option id as a string, a set
//! value the option ids joined by commas, user/org/people values ids. The seeded fields cover every
//! user-creatable type, two fields of one name and one named like a built-in column.

use serde_json::{json, Map, Value};

use crate::data::{self, fmt_date, fmt_space, Gen};

const FIELDS: u64 = 0x1F;

/// Whose fields a list holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Entity {
    Person,
    Deal,
    Organization,
    Product,
}

impl Entity {
    pub const ALL: [Entity; 4] = [
        Entity::Person,
        Entity::Deal,
        Entity::Organization,
        Entity::Product,
    ];

    /// The table of field definitions in the manifest and its path.
    pub fn table(self) -> &'static str {
        match self {
            Entity::Person => "person_fields",
            Entity::Deal => "deal_fields",
            Entity::Organization => "organization_fields",
            Entity::Product => "product_fields",
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Entity::Person => "/personFields",
            Entity::Deal => "/dealFields",
            Entity::Organization => "/organizationFields",
            Entity::Product => "/productFields",
        }
    }

    fn salt(self) -> u64 {
        match self {
            Entity::Person => 1,
            Entity::Deal => 2,
            Entity::Organization => 3,
            Entity::Product => 4,
        }
    }

    /// The built-in fields listed first: (key, name, type).
    fn built_in(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            Entity::Person => &[
                ("name", "Name", "varchar"),
                ("owner_id", "Owner", "user"),
                ("org_id", "Organization", "org"),
                ("email", "Email", "varchar"),
                ("phone", "Phone", "phone"),
                ("label", "Label", "enum"),
                ("add_time", "Person created", "date"),
                ("update_time", "Update time", "date"),
            ],
            Entity::Deal => &[
                ("title", "Title", "varchar"),
                ("value", "Value", "monetary"),
                ("stage_id", "Stage", "stage"),
                ("status", "Status", "status"),
                ("add_time", "Deal created", "date"),
            ],
            Entity::Organization => &[
                ("name", "Name", "varchar"),
                ("owner_id", "Owner", "user"),
                ("address", "Address", "address"),
                ("add_time", "Organization created", "date"),
            ],
            Entity::Product => &[
                ("name", "Name", "varchar"),
                ("code", "Product code", "varchar"),
                ("unit", "Unit", "varchar"),
                ("tax", "Tax", "double"),
                ("category", "Category", "enum"),
                ("owner_id", "Owner", "user"),
                ("prices", "Unit prices", "price_list"),
            ],
        }
    }

    /// The account's own fields: (name, type, option labels).
    fn custom(self) -> &'static [(&'static str, &'static str, &'static [&'static str])] {
        match self {
            Entity::Person => &[
                ("Tier", "enum", &["Gold", "Silver", "Bronze"]),
                (
                    "Interests",
                    "set",
                    &["Golf", "Wine", "Technology", "Travel"],
                ),
                ("Contract value", "monetary", &[]),
                ("Score", "double", &[]),
                ("Renewal date", "date", &[]),
                ("Preferred call time", "time", &[]),
                ("Account manager", "user", &[]),
                ("Partner organization", "org", &[]),
                ("Referred by", "people", &[]),
                ("Nickname", "varchar", &[]),
                ("Background", "text", &[]),
                ("Lead source", "varchar_auto", &[]),
                ("Assistant phone", "phone", &[]),
                ("Billing address", "address", &[]),
                ("Contract period", "daterange", &[]),
                ("Availability", "timerange", &[]),
                // Named like the built-in `name` column; and two fields of one name.
                ("Name", "varchar", &[]),
                ("Region", "varchar", &[]),
                ("Region", "enum", &["North", "South"]),
            ],
            Entity::Deal => &[
                ("Deal source", "enum", &["Inbound", "Outbound", "Partner"]),
                ("Discount %", "double", &[]),
                ("Signed on", "date", &[]),
                ("Competitors", "set", &["Acme", "Globex", "Initech"]),
            ],
            Entity::Organization => &[
                (
                    "Industry",
                    "enum",
                    &["Software", "Retail", "Finance", "Health"],
                ),
                ("Employees", "double", &[]),
                ("Website", "varchar", &[]),
            ],
            // API v2 products carry these under `custom_fields`; "Unit" is named like the
            // built-in `unit` column.
            Entity::Product => &[
                ("Warranty months", "double", &[]),
                ("List price", "monetary", &[]),
                ("Launch date", "date", &[]),
                ("Product line", "enum", &["Core", "Add-on", "Service"]),
                ("Regions", "set", &["EMEA", "Americas", "APAC"]),
                ("Product manager", "user", &[]),
                ("Availability window", "daterange", &[]),
                ("Unit", "varchar", &[]),
            ],
        }
    }
}

/// One definition as `/…Fields` lists it.
pub struct Field {
    pub id: usize,
    pub key: String,
    pub name: &'static str,
    pub field_type: &'static str,
    pub custom: bool,
    /// (option id, label)
    pub options: Vec<(u64, &'static str)>,
}

/// Every field of an entity, built-in first, in the order the API lists them.
pub fn fields(g: &Gen, entity: Entity) -> Vec<Field> {
    let mut out = Vec::new();
    for (key, name, field_type) in entity.built_in() {
        out.push(Field {
            id: out.len() + 1 + entity.salt() as usize * 1000,
            key: (*key).to_string(),
            name,
            field_type,
            custom: false,
            options: Vec::new(),
        });
    }
    for (k, (name, field_type, labels)) in entity.custom().iter().enumerate() {
        let id = out.len() + 1 + entity.salt() as usize * 1000;
        out.push(Field {
            id,
            key: g.hex(FIELDS, k, entity.salt(), 40),
            name,
            field_type,
            custom: true,
            options: labels
                .iter()
                .enumerate()
                .map(|(o, l)| ((id * 10 + o) as u64, *l))
                .collect(),
        });
    }
    out
}

pub fn field_json(f: &Field) -> Value {
    let t = data::DATA_START - 86_400 * 30 + f.id as i64 * 60;
    json!({
        "id": f.id,
        "key": f.key,
        "name": f.name,
        "order_nr": f.id % 1000,
        "field_type": f.field_type,
        "add_time": fmt_space(t),
        "update_time": fmt_space(t),
        "last_updated_by_user_id": if f.custom { json!(1) } else { Value::Null },
        "created_by_user_id": if f.custom { json!(1) } else { Value::Null },
        "active_flag": true,
        "edit_flag": f.custom,
        "index_visible_flag": true,
        "details_visible_flag": true,
        "add_visible_flag": true,
        "important_flag": false,
        "bulk_edit_allowed": true,
        "searchable_flag": f.custom,
        "filtering_allowed": true,
        "sortable_flag": true,
        "mandatory_flag": false,
        "options": if f.options.is_empty() {
            Value::Null
        } else {
            Value::Array(
                f.options
                    .iter()
                    .map(|(id, label)| json!({"id": id, "label": label}))
                    .collect(),
            )
        },
    })
}

/// The custom values of record `i` of an entity, in the order of the fields, as Pipedrive puts
/// them at the top level of the record. `users`, `records`: ids a reference may name.
pub fn values(
    g: &Gen,
    entity: Entity,
    fields: &[Field],
    i: usize,
    users: usize,
    records: usize,
) -> Map<String, Value> {
    let mut out = Map::new();
    let table = FIELDS + entity.salt() * 0x100;
    for (k, f) in fields.iter().filter(|f| f.custom).enumerate() {
        let field = 10 * k as u64;
        let set = !g.chance(table, i, field, 30);
        let key = &f.key;
        let day = data::DATA_START + g.range(table, i, field + 1, 0, 900) as i64 * 86_400;
        let value = |v: Value| if set { v } else { Value::Null };
        match f.field_type {
            "enum" => {
                let pick = f.options
                    [g.range(table, i, field + 1, 0, f.options.len() as u64 - 1) as usize]
                    .0;
                out.insert(key.clone(), value(json!(pick.to_string())));
            }
            "set" => {
                let chosen: Vec<String> = f
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(o, _)| g.chance(table, i, field + 2 + *o as u64, 40))
                    .map(|(_, (id, _))| id.to_string())
                    .collect();
                let v = if chosen.is_empty() {
                    Value::Null
                } else {
                    json!(chosen.join(","))
                };
                out.insert(key.clone(), value(v));
            }
            "monetary" => {
                let amount = g.range(table, i, field + 1, 100, 500_000) as f64 / 4.0;
                out.insert(key.clone(), value(json!(amount)));
                let currency = if g.chance(table, i, field + 2, 50) {
                    "EUR"
                } else {
                    "USD"
                };
                out.insert(format!("{key}_currency"), value(json!(currency)));
            }
            "double" => {
                let v = g.range(table, i, field + 1, 0, 100_000) as f64 / 8.0;
                out.insert(key.clone(), value(json!(v)));
            }
            "date" => {
                out.insert(key.clone(), value(json!(fmt_date(day))));
            }
            "daterange" => {
                out.insert(key.clone(), value(json!(fmt_date(day))));
                out.insert(
                    format!("{key}_until"),
                    value(json!(fmt_date(day + 365 * 86_400))),
                );
            }
            "time" | "timerange" => {
                let minutes = g.range(table, i, field + 1, 8 * 4, 17 * 4) * 15;
                let at = |m: u64| format!("{:02}:{:02}:00", m / 60, m % 60);
                out.insert(key.clone(), value(json!(at(minutes))));
                if f.field_type == "timerange" {
                    out.insert(format!("{key}_until"), value(json!(at(minutes + 60))));
                }
            }
            "user" => {
                out.insert(
                    key.clone(),
                    value(json!(g.range(table, i, field + 1, 1, users as u64))),
                );
            }
            "org" | "people" => {
                let id = g.range(table, i, field + 1, 1, records.max(1) as u64);
                out.insert(key.clone(), value(json!(id)));
            }
            "phone" => {
                out.insert(key.clone(), value(json!(data::phone(g, table, i, k))));
            }
            "address" => {
                let street = g.pick(table, i, field + 1, data::STREETS);
                let number = g.range(table, i, field + 2, 1, 200);
                let city = g.pick(table, i, field + 3, data::CITIES);
                let formatted = format!("{street} {number}, {city}");
                out.insert(key.clone(), value(json!(formatted)));
                out.insert(
                    format!("{key}_street_number"),
                    value(json!(number.to_string())),
                );
                out.insert(format!("{key}_route"), value(json!(street)));
                out.insert(format!("{key}_locality"), value(json!(city)));
                out.insert(format!("{key}_formatted_address"), value(json!(formatted)));
            }
            "text" => {
                let v = format!(
                    "Met at {} in {}.\nFollow up quarterly.",
                    fmt_date(day),
                    g.pick(table, i, field + 2, data::CITIES)
                );
                out.insert(key.clone(), value(json!(v)));
            }
            _ => {
                let v = format!("{} {}", f.name, g.hex(table, i, field + 1, 6));
                out.insert(key.clone(), value(json!(v)));
            }
        }
    }
    out
}

/// The same values as API v2 sends them in a record's `custom_fields` object: an enum's option
/// id as a number, a set's as an array of numbers, and a type with sub-values as one object
/// (`{value, currency}`, `{value, until}`, `{value, formatted_address, …}`).
pub fn values_v2(fields: &[Field], v1: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for f in fields.iter().filter(|f| f.custom) {
        let key = &f.key;
        let raw = v1.get(key).cloned().unwrap_or(Value::Null);
        let sub = |suffix: &str| {
            v1.get(&format!("{key}_{suffix}"))
                .cloned()
                .unwrap_or(Value::Null)
        };
        let value = match (f.field_type, &raw) {
            (_, Value::Null) => Value::Null,
            ("enum", Value::String(id)) => id.parse::<u64>().map_or(raw.clone(), |n| json!(n)),
            ("set", Value::String(ids)) => Value::Array(
                ids.split(',')
                    .filter_map(|id| id.parse::<u64>().ok())
                    .map(|n| json!(n))
                    .collect(),
            ),
            ("monetary", _) => json!({"value": raw, "currency": sub("currency")}),
            ("daterange" | "timerange", _) => json!({"value": raw, "until": sub("until")}),
            ("address", _) => json!({
                "value": raw, "street_number": sub("street_number"), "route": sub("route"),
                "sublocality": null, "locality": sub("locality"), "admin_area_level_1": null,
                "admin_area_level_2": null, "country": null, "postal_code": null,
                "formatted_address": sub("formatted_address"),
            }),
            _ => raw,
        };
        out.insert(key.clone(), value);
    }
    out
}

/// The values' JSON members (`,"key":value…`) appended to a record being written as text.
pub fn write_values(values: &Map<String, Value>, out: &mut String) {
    for (key, value) in values {
        out.push(',');
        out.push_str(&Value::String(key.clone()).to_string());
        out.push(':');
        out.push_str(&value.to_string());
    }
}

/// An option id written for an enum or set field: a number or its text, one of the field's.
fn option_id(f: &Field, v: &Value) -> Result<u64, String> {
    let id = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| "must be an option id".to_owned())?;
    if f.options.iter().any(|(o, _)| *o == id) {
        Ok(id)
    } else {
        Err(format!("has no option with id {id}"))
    }
}

/// The option ids written for a set field: an array, or the ids joined by commas.
fn option_ids(f: &Field, v: &Value) -> Result<Vec<u64>, String> {
    match v {
        Value::Array(items) => items.iter().map(|i| option_id(f, i)).collect(),
        Value::String(s) if s.trim().is_empty() => Ok(Vec::new()),
        Value::String(s) => s
            .split(',')
            .map(|i| option_id(f, &Value::String(i.to_owned())))
            .collect(),
        Value::Number(_) => Ok(vec![option_id(f, v)?]),
        _ => Err("must be an array of option ids".to_owned()),
    }
}

fn text_of(v: &Value) -> Result<String, String> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| "must be a string".to_owned())
}

fn date_of(v: &Value) -> Result<String, String> {
    match v.as_str() {
        Some(s) if s.len() == 10 && data::parse_datetime(s).is_some() => Ok(s.to_owned()),
        _ => Err("must be a date in YYYY-MM-DD format".to_owned()),
    }
}

/// `HH:MM` or `HH:MM:SS` as `HH:MM:SS`, the form Pipedrive keeps times in.
fn time_of(v: &Value) -> Result<String, String> {
    let bad = || "must be a time in HH:MM format".to_owned();
    let s = v.as_str().ok_or_else(bad)?;
    let parts: Vec<u32> = s
        .split(':')
        .map(|p| if p.len() == 2 { p.parse().ok() } else { None })
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    match parts.as_slice() {
        [h, m] | [h, m, 0] if *h < 24 && *m < 60 => Ok(format!("{h:02}:{m:02}:00")),
        [h, m, s] if *h < 24 && *m < 60 && *s < 60 => Ok(format!("{h:02}:{m:02}:{s:02}")),
        _ => Err(bad()),
    }
}

/// A range's end, of the range's own kind.
fn range_end(field_type: &str, v: &Value) -> Result<Value, String> {
    match v {
        Value::Null => Ok(Value::Null),
        _ if field_type == "daterange" => date_of(v).map(Value::String),
        _ => time_of(v).map(Value::String),
    }
}

/// A value written through API v2 (a member of `custom_fields`) in the form v2 records hold it
/// (see [`values_v2`]). A bare value for a type that carries an object (monetary, ranges,
/// address) sets its `value` and keeps what `old`, the current value, has of the rest; a new
/// monetary value without a currency is in the company's default, EUR. Err: why it is refused.
pub fn write_v2(f: &Field, raw: &Value, old: &Value) -> Result<Value, String> {
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let number = |v: &Value| {
        v.as_f64()
            .map(|_| v.clone())
            .ok_or_else(|| "must be a number".to_owned())
    };
    let integer = |v: &Value| {
        v.as_u64()
            .map(|_| v.clone())
            .ok_or_else(|| "must be an integer".to_owned())
    };
    // The object a sub-valued type keeps, from the old one and the members written.
    let merged =
        |base: Value, written: &Value, check: &dyn Fn(&str, &Value) -> Result<Value, String>| {
            let mut out = match (old, base) {
                (Value::Object(o), _) => Value::Object(o.clone()),
                (_, b) => b,
            };
            match written {
                Value::Object(members) => {
                    for (k, v) in members {
                        if out.get(k).is_none() {
                            return Err(format!("has no member '{k}'"));
                        }
                        out[k] = if v.is_null() {
                            Value::Null
                        } else {
                            check(k, v)?
                        };
                    }
                }
                bare => out["value"] = check("value", bare)?,
            }
            Ok(out)
        };
    match f.field_type {
        "enum" => option_id(f, raw).map(|id| json!(id)),
        "set" => option_ids(f, raw).map(|ids| {
            if ids.is_empty() {
                Value::Null
            } else {
                json!(ids)
            }
        }),
        "monetary" => {
            let mut v = merged(json!({"value": null, "currency": null}), raw, &|k, v| {
                if k == "value" {
                    number(v)
                } else {
                    text_of(v).map(Value::String)
                }
            })?;
            if v["currency"].is_null() && !v["value"].is_null() {
                v["currency"] = json!("EUR");
            }
            Ok(v)
        }
        "daterange" | "timerange" => merged(json!({"value": null, "until": null}), raw, &|_, v| {
            range_end(f.field_type, v)
        }),
        "address" => {
            let blank = json!({
                "value": null, "street_number": null, "route": null, "sublocality": null,
                "locality": null, "admin_area_level_1": null, "admin_area_level_2": null,
                "country": null, "postal_code": null, "formatted_address": null,
            });
            let mut v = merged(blank, raw, &|_, v| text_of(v).map(Value::String))?;
            // Pipedrive geocodes the address; the sandbox formats it as written.
            if raw.is_string() || raw.get("formatted_address").is_none() {
                v["formatted_address"] = v["value"].clone();
            }
            Ok(v)
        }
        "double" => number(raw),
        "date" => date_of(raw).map(Value::String),
        "time" => time_of(raw).map(Value::String),
        "user" | "org" | "people" => integer(raw),
        _ => text_of(raw).map(Value::String),
    }
}

/// The suffixes of the sub-values a field of this type carries next to its value in API v1
/// records (`<key>_currency`, …), which a v1 body may write as members of their own.
pub fn parts_v1(field_type: &str) -> &'static [&'static str] {
    match field_type {
        "monetary" => &["currency"],
        "daterange" | "timerange" => &["until"],
        "address" => &["formatted_address", "street_number", "route", "locality"],
        _ => &[],
    }
}

/// A value written through API v1 (a top-level member) as the members it sets in v1 records
/// (see [`values`]): an enum's option id as text, a set's ids joined by commas, an address
/// also as its formatted form. Err: why it is refused.
pub fn write_v1(f: &Field, raw: &Value) -> Result<Vec<(String, Value)>, String> {
    let key = f.key.clone();
    if raw.is_null() {
        return Ok(vec![(key, Value::Null)]);
    }
    let one = |v: Value| Ok(vec![(f.key.clone(), v)]);
    match f.field_type {
        "enum" => one(json!(option_id(f, raw)?.to_string())),
        "set" => {
            let ids = option_ids(f, raw)?;
            if ids.is_empty() {
                return one(Value::Null);
            }
            let joined: Vec<String> = ids.iter().map(u64::to_string).collect();
            one(json!(joined.join(",")))
        }
        "monetary" | "double" => match raw.as_f64() {
            Some(_) => one(raw.clone()),
            None => Err("must be a number".to_owned()),
        },
        "date" | "daterange" => one(Value::String(date_of(raw)?)),
        "time" | "timerange" => one(Value::String(time_of(raw)?)),
        "user" | "org" | "people" => match raw.as_u64() {
            Some(_) => one(raw.clone()),
            None => Err("must be an integer".to_owned()),
        },
        "address" => {
            let s = text_of(raw)?;
            Ok(vec![
                (format!("{key}_formatted_address"), json!(s)),
                (key, json!(s)),
            ])
        }
        _ => one(Value::String(text_of(raw)?)),
    }
}

/// A sub-value written through API v1 (`<key>_<suffix>`).
pub fn write_v1_part(f: &Field, suffix: &str, raw: &Value) -> Result<Value, String> {
    match (f.field_type, suffix, raw) {
        (_, _, Value::Null) => Ok(Value::Null),
        ("daterange" | "timerange", "until", v) => range_end(f.field_type, v),
        (_, _, v) => text_of(v).map(Value::String),
    }
}

/// The custom field a v1 body member names, and the sub-value suffix when it names one.
pub fn member_v1<'a>(
    fields: &'a [Field],
    member: &str,
) -> Option<(&'a Field, Option<&'static str>)> {
    fields.iter().filter(|f| f.custom).find_map(|f| {
        if member == f.key {
            return Some((f, None));
        }
        let suffix = member.strip_prefix(f.key.as_str())?.strip_prefix('_')?;
        parts_v1(f.field_type)
            .iter()
            .find(|s| **s == suffix)
            .map(|s| (f, Some(*s)))
    })
}
