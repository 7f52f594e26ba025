//! Custom fields (`[table.custom_fields]`): the account's field definitions, read from the table
//! that lists them, become columns of the table they belong to — named after the field (a valid,
//! unique SQL name), typed from the field's API type, option ids shown as their labels, the key in
//! the column's description. Naming and typing are pure functions here; the one request is the
//! definitions table's ordinary list. This module must not decide when discovery happens: the
//! engine asks once per connection, when the table is first used or its columns listed.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::jsonpath;
use crate::profile::{Column, ColumnType, CustomFieldType, CustomFields, Table, TimeFormat};

/// Longest name made from a field's name, leaving room for a part's suffix or a number within
/// SQL_MAX_IDENTIFIER_LEN (128).
const MAX_BASE_NAME: usize = 80;

/// The least length a label column declares: room for an option id without a label.
const MIN_LABEL_LENGTH: usize = 20;

/// Appended to a field's name that is already a built-in column's.
const CUSTOM_SUFFIX: &str = "_custom";

/// One custom field as the API defines it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDefinition {
    pub key: String,
    pub name: String,
    pub api_type: String,
    /// Option id → label, for choice fields.
    pub options: BTreeMap<String, String>,
}

/// The custom fields among the definitions table's records, in the order the API lists them.
/// Records without a key or a name cannot be columns and are left out; so are the API's own
/// fields where the profile says how to tell them (`custom`).
pub fn definitions(decl: &CustomFields, defs: &Table, records: &[Value]) -> Vec<FieldDefinition> {
    let path = |column: &str| -> String {
        defs.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(column))
            .map(|c| c.json_path().to_string())
            .unwrap_or_else(|| column.to_string())
    };
    let (key_path, name_path, type_path) =
        (path(&decl.key), path(&decl.name), path(&decl.type_column));
    let options_path = decl.options.as_deref().map(path);
    let custom_path = decl.custom.as_deref().map(path);
    let text = |r: &Value, p: &str| {
        jsonpath::get_present(r, p)
            .and_then(jsonpath::scalar_text)
            .filter(|s| !s.trim().is_empty())
    };
    records
        .iter()
        .filter(|r| {
            custom_path
                .as_deref()
                .is_none_or(|p| jsonpath::get(r, p) == Some(&Value::Bool(true)))
        })
        .filter_map(|r| {
            Some(FieldDefinition {
                key: text(r, &key_path)?,
                name: text(r, &name_path)?,
                api_type: text(r, &type_path).unwrap_or_default(),
                options: options_path
                    .as_deref()
                    .map(|p| options(jsonpath::get_present(r, p)))
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// `[{id, label}]` as id → label.
fn options(list: Option<&Value>) -> BTreeMap<String, String> {
    let Some(Value::Array(items)) = list else {
        return BTreeMap::new();
    };
    items
        .iter()
        .filter_map(|o| {
            let id = jsonpath::get_present(o, "id").and_then(jsonpath::scalar_text)?;
            let label = jsonpath::get_present(o, "label").and_then(jsonpath::scalar_text)?;
            Some((id, label))
        })
        .collect()
}

/// The columns the fields add after the table's own `builtin` columns (docs/profiles.md, "Custom
/// fields"). A name one of `builtin` has gets `_custom`; names two columns would share all get
/// `_` and the field's key (its first 8 letters and digits), so that which field a name means
/// never depends on the order the API lists them in, or on other fields coming and going.
pub fn columns(decl: &CustomFields, builtin: &[Column], fields: &[FieldDefinition]) -> Vec<Column> {
    let own: HashSet<String> = builtin.iter().map(|c| c.name.to_lowercase()).collect();
    // (wanted name, field key, column) for every value and part.
    let mut wanted: Vec<(String, String, Column)> = Vec::new();
    for field in fields {
        let mut base = sql_name(&field.name);
        if own.contains(&base) {
            base.push_str(CUSTOM_SUFFIX);
        }
        let what = describe(field);
        let (ty, labels) = match decl
            .types
            .get(&field.api_type)
            .and_then(|t| CustomFieldType::parse(t))
            .unwrap_or(CustomFieldType::Column(ColumnType::Json))
        {
            CustomFieldType::Column(ty) => (ty, BTreeMap::new()),
            CustomFieldType::Label => (ColumnType::Text, field.options.clone()),
            CustomFieldType::Labels => (ColumnType::Json, field.options.clone()),
        };
        let mut value = column(
            &base,
            decl.value_by_type
                .get(&field.api_type)
                .unwrap_or(&decl.value)
                .replace("{key}", &field.key),
            ty,
            TimeFormat::Guess,
            what.clone(),
            labels,
        );
        // Only a plain value is written back as it reads; an object value (a monetary amount
        // with its currency) is not.
        if !decl.value_by_type.contains_key(&field.api_type) {
            value.custom_key = Some(field.key.clone());
        }
        // A label column holds a label, or an option id without one: clients size it by that.
        if ty == ColumnType::Text && !value.labels.is_empty() {
            let longest = value.labels.values().map(|l| l.chars().count()).max();
            value.max_length = longest.map(|n| n.max(MIN_LABEL_LENGTH) as u64);
        }
        wanted.push((base.clone(), field.key.clone(), value));
        for part in decl.parts.iter().filter(|p| p.field_type == field.api_type) {
            let name = format!("{base}_{}", part.suffix);
            let part_column = column(
                &name,
                part.path.replace("{key}", &field.key),
                ColumnType::parse(&part.type_name).unwrap_or_default(),
                part.format
                    .as_deref()
                    .and_then(TimeFormat::parse)
                    .unwrap_or_default(),
                format!("{what}: its {}", part.suffix.replace('_', " ")),
                BTreeMap::new(),
            );
            wanted.push((name, field.key.clone(), part_column));
        }
    }
    let mut count: HashMap<String, usize> = HashMap::new();
    for (name, ..) in &wanted {
        *count.entry(name.clone()).or_default() += 1;
    }
    let mut named: Vec<(String, String, Column)> = wanted
        .into_iter()
        .map(|(name, key, column)| {
            let name = if count[&name] > 1 || own.contains(&name) {
                format!("{name}_{}", key_tag(&key))
            } else {
                name
            };
            (name, key, column)
        })
        .collect();
    // Two keys with one tag, or a tagged name another field has: numbered in key order, which
    // does not depend on the API's order either.
    let mut order: Vec<usize> = (0..named.len()).collect();
    order.sort_by(|a, b| (&named[*a].0, &named[*a].1).cmp(&(&named[*b].0, &named[*b].1)));
    let mut taken = own;
    for i in order {
        let name = unique(&named[i].0, &mut taken);
        named[i].0 = name;
    }
    named
        .into_iter()
        .map(|(name, _, mut column)| {
            column.name = name;
            column
        })
        .collect()
}

/// A field key's first 8 letters and digits, lower case: enough to tell fields apart.
fn key_tag(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .flat_map(|c| c.to_lowercase())
        .take(8)
        .collect()
}

fn describe(field: &FieldDefinition) -> String {
    let kind = if field.api_type.is_empty() {
        String::new()
    } else {
        format!("{}, ", field.api_type)
    };
    format!("Custom field '{}' ({kind}key {})", field.name, field.key)
}

fn column(
    name: &str,
    path: String,
    ty: ColumnType,
    time_format: TimeFormat,
    description: String,
    labels: BTreeMap<String, String>,
) -> Column {
    Column {
        name: name.to_string(),
        path: Some(path),
        type_name: format!("{ty:?}").to_lowercase(),
        ty,
        format: None,
        time_format,
        description,
        key: false,
        max_length: None,
        labels,
        custom_key: None,
    }
}

/// `base`, or `base_2`, `base_3`, … — the first not taken, which it then takes.
fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// A field's name as an unquoted SQL identifier: lower case, letters and digits kept, every other
/// run of characters one `_`; a name starting with a digit gets `field_` in front, an empty one is
/// `field`, a word the SQL parser reserves (`order`, `from`, `null`) gets `_field`; at most
/// [`MAX_BASE_NAME`] characters.
pub fn sql_name(name: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for ch in name.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(ch);
        } else {
            gap = true;
        }
    }
    if out.is_empty() {
        return "field".to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "field_");
    }
    let mut out: String = out.chars().take(MAX_BASE_NAME).collect();
    while out.ends_with('_') {
        out.pop();
    }
    if !is_plain_column_name(&out) {
        out.push_str("_field");
    }
    out
}

/// Whether the engine's SQL parser reads `name`, unquoted, as a column name (not as a keyword
/// such as `order` or a literal such as `null`). Asked of the parser itself, so the answer is the
/// engine's.
fn is_plain_column_name(name: &str) -> bool {
    use datafusion::sql::sqlparser::ast::{Expr, SelectItem, SetExpr, Statement};
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::parser::Parser;
    // The name first and later in a list, in a condition after another, grouped and ordered by.
    let sql = format!(
        "SELECT {name}, x, {name} FROM t WHERE x = 1 AND {name} = 1 GROUP BY {name}, x ORDER BY {name}, x"
    );
    let Ok(statements) = Parser::parse_sql(&GenericDialect {}, &sql) else {
        return false;
    };
    let Some(Statement::Query(query)) = statements.first() else {
        return false;
    };
    let SetExpr::Select(select) = query.body.as_ref() else {
        return false;
    };
    matches!(
        select.projection.as_slice(),
        [
            SelectItem::UnnamedExpr(Expr::Identifier(first)),
            SelectItem::UnnamedExpr(Expr::Identifier(_)),
            SelectItem::UnnamedExpr(Expr::Identifier(last)),
        ] if first.value == name && last.value == name
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::CustomFieldPart;
    use serde_json::json;

    fn decl() -> CustomFields {
        CustomFields {
            definitions: "person_fields".into(),
            key: "key".into(),
            name: "name".into(),
            type_column: "field_type".into(),
            options: Some("options".into()),
            custom: Some("edit_flag".into()),
            value: "{key}".into(),
            value_by_type: BTreeMap::new(),
            query: BTreeMap::new(),
            types: [
                ("double", "float64"),
                ("enum", "label"),
                ("set", "labels"),
                ("date", "date"),
                ("monetary", "float64"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .into(),
            parts: vec![CustomFieldPart {
                field_type: "monetary".into(),
                suffix: "currency".into(),
                path: "{key}_currency".into(),
                type_name: "text".into(),
                format: None,
            }],
        }
    }

    fn field(key: &str, name: &str, api_type: &str) -> FieldDefinition {
        FieldDefinition {
            key: key.into(),
            name: name.into(),
            api_type: api_type.into(),
            options: BTreeMap::new(),
        }
    }

    fn builtin(names: &[&str]) -> Vec<Column> {
        names
            .iter()
            .map(|n| {
                column(
                    n,
                    n.to_string(),
                    ColumnType::Text,
                    TimeFormat::Guess,
                    String::new(),
                    BTreeMap::new(),
                )
            })
            .collect()
    }

    #[test]
    fn a_type_whose_value_is_an_object_reads_it_where_value_by_type_says() {
        let mut d = decl();
        d.value = "custom_fields.{key}".into();
        d.value_by_type = [(
            "monetary".to_string(),
            "custom_fields.{key}.value".to_string(),
        )]
        .into();
        let cols = columns(
            &d,
            &builtin(&["id"]),
            &[
                field("aa11", "Budget", "monetary"),
                field("bb22", "Score", "double"),
            ],
        );
        let path_of = |name: &str| {
            let c = cols.iter().find(|c| c.name == name).expect(name);
            c.path.clone().unwrap_or_default()
        };
        assert_eq!(path_of("budget"), "custom_fields.aa11.value");
        assert_eq!(path_of("score"), "custom_fields.bb22");
    }

    #[test]
    fn names_are_plain_sql_identifiers() {
        assert_eq!(sql_name("Contract value"), "contract_value");
        assert_eq!(sql_name("  Renewal date (UTC) "), "renewal_date_utc");
        assert_eq!(sql_name("2nd phone"), "field_2nd_phone");
        assert_eq!(sql_name("Größe"), "größe");
        assert_eq!(sql_name("%%"), "field");
        assert_eq!(sql_name("Order"), "order_field");
        assert_eq!(sql_name("NULL"), "null_field");
        assert_eq!(sql_name("Status"), "status");
        assert_eq!(sql_name("Date"), "date");
        assert!(sql_name(&"x".repeat(500)).chars().count() <= MAX_BASE_NAME);
        assert!(sql_name(&format!("1{}", "x".repeat(500))).chars().count() <= MAX_BASE_NAME);
    }

    #[test]
    fn collisions_are_told_apart_by_key_whatever_the_order() {
        let fields = [
            field("a1", "Name", "varchar"),
            field("b2", "Region", "varchar"),
            field("c3", "region", "varchar"),
            field("d4", "Deal value", "monetary"),
            field("e5", "Deal value currency", "varchar"),
            field("f6", "Score", "double"),
        ];
        let names = |fields: &[FieldDefinition]| -> BTreeMap<String, String> {
            columns(&decl(), &builtin(&["id", "name"]), fields)
                .into_iter()
                .map(|c| (c.json_path().to_string(), c.name))
                .collect()
        };
        let got = names(&fields);
        let want: BTreeMap<String, String> = [
            ("a1", "name_custom"),
            ("b2", "region_b2"),
            ("c3", "region_c3"),
            ("d4", "deal_value"),
            ("d4_currency", "deal_value_currency_d4"),
            ("e5", "deal_value_currency_e5"),
            ("f6", "score"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
        assert_eq!(got, want);
        // Reversed, or with one of two same-named fields gone, no name means another field.
        let mut reversed = fields.to_vec();
        reversed.reverse();
        assert_eq!(names(&reversed), want);
        let without_b2: Vec<FieldDefinition> =
            fields.iter().filter(|f| f.key != "b2").cloned().collect();
        let after = names(&without_b2);
        assert_eq!(after["c3"], "region");
        assert!(!after.values().any(|n| n == "region_b2" || n == "region_c3"));
        let cols = columns(&decl(), &builtin(&["id"]), &fields[..1]);
        assert!(
            cols[0].description.contains("key a1"),
            "{}",
            cols[0].description
        );
    }

    #[test]
    fn types_follow_the_declaration_and_unknown_types_are_json() {
        let mut tier = field("t", "Tier", "enum");
        tier.options = [("1".to_string(), "Gold".to_string())].into();
        let cols = columns(
            &decl(),
            &[],
            &[
                field("s", "Score", "double"),
                tier,
                field("x", "Odd", "mystery"),
            ],
        );
        assert_eq!(cols[0].ty, ColumnType::Float64);
        assert_eq!(cols[1].ty, ColumnType::Text);
        assert_eq!(cols[1].labels.get("1").map(String::as_str), Some("Gold"));
        assert_eq!(cols[1].max_length, Some(MIN_LABEL_LENGTH as u64));
        assert_eq!(cols[2].ty, ColumnType::Json);
    }

    #[test]
    fn only_the_accounts_own_fields_are_read() {
        let defs: Table = toml::from_str(
            r#"
            name = "person_fields"
            path = "/personFields"
            [[column]]
            name = "key"
            type = "text"
            [[column]]
            name = "name"
            type = "text"
            [[column]]
            name = "field_type"
            type = "text"
            [[column]]
            name = "options"
            type = "json"
            [[column]]
            name = "edit_flag"
            type = "boolean"
            "#,
        )
        .unwrap();
        let records = [
            json!({"key": "name", "name": "Name", "field_type": "varchar", "edit_flag": false}),
            json!({"key": "abc", "name": "Tier", "field_type": "enum", "edit_flag": true,
                   "options": [{"id": 7, "label": "Gold"}]}),
            json!({"key": "nameless", "name": "", "field_type": "enum", "edit_flag": true}),
        ];
        let found = definitions(&decl(), &defs, &records);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, "abc");
        assert_eq!(found[0].options.get("7").map(String::as_str), Some("Gold"));
    }
}
