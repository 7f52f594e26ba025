//! Keap's custom-field models (REST v1 `GET /<collection>/model` of contacts, companies,
//! opportunities, orders, subscriptions, tasks, notes, appointments and affiliates) and the values
//! in contact and company records. As Keap documents it: a model is
//! `{custom_fields: [{id, label, field_name, field_type, default_value, record_type, options}],
//! optional_properties}` without paging; tasks, notes and appointments share one set of fields
//! (record type TASK_NOTE_APPOINTMENT), so their three models list the same fields. A contact or
//! company record carries `custom_fields: [{id, content}]` only when the request asks for
//! `optional_properties=custom_fields` (v1's other lists carry no values). Contents: text as
//! strings, numbers as numbers, Date as `YYYY-MM-DD`, DateTime as RFC 3339, YesNo as a boolean, a
//! Dropdown or Radio as its option's id (a string), a ListBox as ids joined by commas, User as a
//! user id. The seeded contact fields cover each kind, one labelled like a built-in column and two
//! of one label.

use serde_json::{json, Value};

use crate::data::{self, fmt_date, fmt_iso_ms, Gen};

const FIELDS: u64 = 0x4F;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Model {
    Contact,
    Company,
    Opportunity,
    Order,
    Subscription,
    Task,
    Note,
    Appointment,
    Affiliate,
}

impl Model {
    pub const ALL: [Model; 9] = [
        Model::Contact,
        Model::Company,
        Model::Opportunity,
        Model::Order,
        Model::Subscription,
        Model::Task,
        Model::Note,
        Model::Appointment,
        Model::Affiliate,
    ];

    /// The definitions table in the manifest, and the collection the model belongs to.
    pub fn table(self) -> &'static str {
        match self {
            Model::Contact => "contact_custom_fields",
            Model::Company => "company_custom_fields",
            Model::Opportunity => "opportunity_custom_fields",
            Model::Order => "order_custom_fields",
            Model::Subscription => "subscription_custom_fields",
            Model::Task => "task_custom_fields",
            Model::Note => "note_custom_fields",
            Model::Appointment => "appointment_custom_fields",
            Model::Affiliate => "affiliate_custom_fields",
        }
    }

    pub fn collection(self) -> &'static str {
        match self {
            Model::Contact => "contacts",
            Model::Company => "companies",
            Model::Opportunity => "opportunities",
            Model::Order => "orders",
            Model::Subscription => "subscriptions",
            Model::Task => "tasks",
            Model::Note => "notes",
            Model::Appointment => "appointments",
            Model::Affiliate => "affiliates",
        }
    }

    fn record_type(self) -> &'static str {
        match self {
            Model::Contact => "CONTACT",
            Model::Company => "COMPANY",
            Model::Opportunity => "OPPORTUNITY",
            Model::Order => "ORDER",
            Model::Subscription => "SUBSCRIPTION",
            Model::Task | Model::Note | Model::Appointment => "TASK_NOTE_APPOINTMENT",
            Model::Affiliate => "REFERRAL_PARTNER",
        }
    }

    /// Where the model's field ids start; one shared set has one range.
    fn first_id(self) -> u64 {
        match self {
            Model::Contact => 100,
            Model::Company => 300,
            Model::Opportunity => 400,
            Model::Order => 500,
            Model::Subscription => 600,
            Model::Task | Model::Note | Model::Appointment => 700,
            Model::Affiliate => 800,
        }
    }

    fn fields(self) -> &'static [(&'static str, &'static str, &'static [&'static str])] {
        match self {
            Model::Contact => &[
                (
                    "Segment",
                    "Dropdown",
                    &["Enterprise", "Mid-market", "Small business"],
                ),
                ("Interests", "ListBox", &["Golf", "Wine", "Technology"]),
                ("Preferred contact", "Radio", &["Phone", "Email"]),
                ("Lifetime value", "Currency", &[]),
                ("Discount rate", "Percent", &[]),
                ("Seats", "WholeNumber", &[]),
                ("Credit score", "DecimalNumber", &[]),
                ("Contract start", "Date", &[]),
                ("Last workshop", "DateTime", &[]),
                ("VIP", "YesNo", &[]),
                ("Account owner", "User", &[]),
                ("Website 2", "Website", &[]),
                ("Assistant email", "Email", &[]),
                ("Assistant phone", "PhoneNumber", &[]),
                ("Background", "TextArea", &[]),
                ("Founded", "Year", &[]),
                // Labelled like the built-in given_name column, and two fields of one label.
                ("Given name", "Text", &[]),
                ("Region", "Text", &[]),
                ("Region", "State", &[]),
            ],
            Model::Company => &[
                ("Industry", "Dropdown", &["Software", "Retail", "Finance"]),
                ("Employees", "WholeNumber", &[]),
                ("Annual revenue", "Currency", &[]),
            ],
            Model::Opportunity => &[
                (
                    "Deal source",
                    "Dropdown",
                    &["Inbound", "Outbound", "Partner"],
                ),
                ("Commission", "Percent", &[]),
                ("Decision date", "Date", &[]),
            ],
            Model::Order => &[("PO number", "Text", &[]), ("Gift wrap", "YesNo", &[])],
            Model::Subscription => &[
                ("Renewal reminder", "DateTime", &[]),
                ("Licences", "WholeNumber", &[]),
            ],
            Model::Task | Model::Note | Model::Appointment => &[
                ("Outcome", "Radio", &["Reached", "Voicemail", "No answer"]),
                ("Follow-up by", "User", &[]),
                ("Région", "State", &[]),
            ],
            Model::Affiliate => &[
                (
                    "Payout method",
                    "Dropdown",
                    &["PayPal", "Check", "Bank transfer"],
                ),
                ("Tax ID", "SocialSecurityNumber", &[]),
            ],
        }
    }
}

pub struct Field {
    pub id: u64,
    pub label: &'static str,
    pub field_type: &'static str,
    pub options: &'static [&'static str],
}

pub fn fields(model: Model) -> Vec<Field> {
    let base = model.first_id();
    model
        .fields()
        .iter()
        .enumerate()
        .map(|(k, (label, field_type, options))| Field {
            id: base + 2 * k as u64,
            label,
            field_type,
            options,
        })
        .collect()
}

/// An option's id: Keap's ids are strings; these are the label's slug, as a real account's often
/// are not, so a driver that showed ids for labels would be caught.
pub fn option_id(label: &str) -> String {
    format!("opt_{}", data::ascii_slug(label))
}

pub fn field_json(model: Model, f: &Field) -> Value {
    json!({
        "id": f.id,
        "label": f.label,
        "field_name": format!("_{}{}", f.label.replace(' ', ""), f.id % 7),
        "field_type": f.field_type,
        "default_value": null,
        "record_type": model.record_type(),
        "options": f.options.iter().map(|l| json!({"id": option_id(l), "label": l, "options": []})).collect::<Vec<_>>(),
    })
}

/// `GET /<collection>/model`.
pub fn model_json(model: Model) -> Value {
    json!({
        "custom_fields": fields(model).iter().map(|f| field_json(model, f)).collect::<Vec<_>>(),
        "optional_properties": match model {
            Model::Contact => json!(["custom_fields", "job_title", "lead_source_id", "notes", "origin", "website"]),
            Model::Company => json!(["custom_fields", "fax_number", "notes"]),
            _ => json!([]),
        },
    })
}

/// Record `i`'s `custom_fields` array; fields without a value are left out, as Keap does.
pub fn values(g: &Gen, model: Model, i: usize, users: usize) -> Value {
    let table = FIELDS + model as u64 * 0x10;
    let mut out = Vec::new();
    for (k, f) in fields(model).iter().enumerate() {
        let field = 8 * k as u64;
        if g.chance(table, i, field, 30) {
            continue;
        }
        let pick = |n: usize| g.range(table, i, field + 1, 0, n as u64 - 1) as usize;
        let day = data::DATA_START + g.range(table, i, field + 2, 0, 700) as i64 * 86_400;
        let content = match f.field_type {
            "Dropdown" | "Radio" => json!(option_id(f.options[pick(f.options.len())])),
            "ListBox" => {
                let chosen: Vec<String> = f
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(o, _)| g.chance(table, i, field + 3 + *o as u64, 50))
                    .map(|(_, l)| option_id(l))
                    .collect();
                json!(chosen.join(","))
            }
            "Currency" | "DecimalNumber" => {
                json!(g.range(table, i, field + 1, 0, 4_000_000) as f64 / 100.0)
            }
            "Percent" => json!(g.range(table, i, field + 1, 0, 100) as f64),
            "WholeNumber" => json!(g.range(table, i, field + 1, 1, 5000)),
            "Year" => json!(g.range(table, i, field + 1, 1950, 2025)),
            "Date" => json!(fmt_date(day)),
            "DateTime" => json!(fmt_iso_ms(
                day + g.range(table, i, field + 3, 0, 86_399) as i64
            )),
            "YesNo" => json!(g.chance(table, i, field + 1, 50)),
            "User" => json!(g.range(table, i, field + 1, 1, users as u64)),
            "Email" => json!(format!("assistant{}@example.com", i + 1)),
            "PhoneNumber" => json!(data::phone(g, table, i, k)),
            "Website" => json!(format!("https://example.com/{}", i + 1)),
            "State" => json!(g.pick(table, i, field + 1, &["Uusimaa", "Bavaria", "Lisboa"])),
            "TextArea" => json!(format!(
                "Met at a fair.\nCalled {} times.",
                g.range(table, i, field + 1, 1, 9)
            )),
            _ => json!(format!("{} {}", f.label, g.hex(table, i, field + 1, 4))),
        };
        out.push(json!({"id": f.id, "content": content}));
    }
    Value::Array(out)
}

/// Whether a request asked for custom fields (`optional_properties=a,custom_fields`).
pub fn asked(optional_properties: Option<&str>) -> bool {
    optional_properties.is_some_and(|p| p.split(',').any(|x| x.trim() == "custom_fields"))
}
