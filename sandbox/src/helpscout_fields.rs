//! Help Scout's mailbox custom fields (`GET /v2/mailboxes/{id}/fields`, HAL pages of 50 under
//! `_embedded.fields`) and their values in conversations (`customFields: [{id, name, value,
//! text}]`: `value` as stored — a dropdown's option id as a string — and `text` as shown). Each
//! mailbox has its own fields, ids unique across mailboxes; the seeded ones cover each type, two
//! mailboxes have a field of one name, and one is named like a built-in column (`Status`).
//! Writes give values by option id too ([`option_label`] reads one back).

use serde_json::{json, Value};

use crate::data::{fmt_date, Gen, DATA_START};

const FIELDS: u64 = 0x2F;

/// (mailbox index, name, type, option labels)
const DEFINITIONS: &[(usize, &str, &str, &[&str])] = &[
    (0, "Priority", "dropdown", &["Low", "Normal", "Urgent"]),
    (0, "Order number", "number", &[]),
    (0, "Follow-up date", "date", &[]),
    (0, "Plan", "dropdown", &["Free", "Pro"]),
    (0, "Details", "multi_line", &[]),
    (1, "Deal size", "number", &[]),
    (1, "Region", "single_line", &[]),
    (1, "Plan", "dropdown", &["Free", "Pro", "Enterprise"]),
    (2, "Invoice", "single_line", &[]),
    (2, "Status", "dropdown", &["Open", "Paid"]),
];

pub struct Field {
    pub id: usize,
    pub mailbox: usize,
    pub name: &'static str,
    pub kind: &'static str,
    pub options: &'static [&'static str],
    pub order: usize,
}

fn option_id(field: usize, o: usize) -> usize {
    field * 10 + o + 1
}

/// The fields of every mailbox, in Help Scout's order.
pub fn all() -> Vec<Field> {
    DEFINITIONS
        .iter()
        .enumerate()
        .map(|(k, (mailbox, name, kind, options))| Field {
            id: 5001 + k,
            mailbox: *mailbox,
            name,
            kind,
            options,
            order: DEFINITIONS[..k].iter().filter(|d| d.0 == *mailbox).count() + 1,
        })
        .collect()
}

/// The label of the option of dropdown `f` whose id is `id` (as text, the way values are sent).
pub fn option_label(f: &Field, id: &str) -> Option<&'static str> {
    let id: usize = id.trim().parse().ok()?;
    let o = id.checked_sub(option_id(f.id, 0))?;
    f.options.get(o).copied()
}

pub fn of_mailbox(mailbox: usize) -> Vec<Field> {
    all().into_iter().filter(|f| f.mailbox == mailbox).collect()
}

pub fn field_json(f: &Field) -> Value {
    json!({
        "id": f.id,
        "name": f.name,
        "type": f.kind,
        "order": f.order,
        "required": f.kind == "dropdown" && f.order == 1,
        "options": f.options.iter().enumerate().map(|(o, label)| json!({
            "id": option_id(f.id, o), "order": o + 1, "label": label,
        })).collect::<Vec<_>>(),
    })
}

/// A conversation's `customFields`: the fields of its mailbox that have a value.
pub fn values(g: &Gen, mailbox: usize, i: usize) -> Value {
    let mut out = Vec::new();
    for f in of_mailbox(mailbox) {
        let field = 4 * f.id as u64;
        if g.chance(FIELDS, i, field, 35) {
            continue;
        }
        let (value, text) = match f.kind {
            "dropdown" => {
                let o = g.range(FIELDS, i, field + 1, 0, f.options.len() as u64 - 1) as usize;
                (option_id(f.id, o).to_string(), f.options[o].to_string())
            }
            "number" => {
                let n = g.range(FIELDS, i, field + 1, 1, 99_999);
                let v = if n.is_multiple_of(2) {
                    n.to_string()
                } else {
                    format!("{}.5", n / 10)
                };
                (v.clone(), v)
            }
            "date" => {
                let d =
                    fmt_date(DATA_START + g.range(FIELDS, i, field + 1, 0, 700) as i64 * 86_400);
                (d.clone(), d)
            }
            "multi_line" => {
                let t = format!(
                    "Asked twice.\nCalled back on day {}.",
                    g.range(FIELDS, i, field + 1, 1, 30)
                );
                (t.clone(), t)
            }
            _ => {
                let t = format!("{} {}", f.name, g.hex(FIELDS, i, field + 1, 5));
                (t.clone(), t)
            }
        };
        out.push(json!({"id": f.id, "name": f.name, "value": value, "text": text}));
    }
    Value::Array(out)
}
