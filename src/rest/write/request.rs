//! The requests one row of a write turns into, from the table's routes (`[[table.insert]]`,
//! `[[table.update]]`, `[[table.delete]]`): which route serves the row, its path, method and
//! body. Everything a row can be refused for before anything is sent is found here; it sends
//! nothing.

use reqwest::Method;
use serde_json::{Map, Value};

use super::body::{form_pairs, patch_operation, set_path};
use super::values::as_text;
use crate::error::SqlError;
use crate::profile::template::placeholders;
use crate::profile::{Column, Table, WriteBody, WriteRoute};

/// INSERT, UPDATE or DELETE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Insert,
    Update,
    Delete,
}

impl Op {
    pub fn verb(self) -> &'static str {
        match self {
            Op::Insert => "INSERT",
            Op::Update => "UPDATE",
            Op::Delete => "DELETE",
        }
    }
}

/// Where a created record's key is found.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyFrom {
    /// The row's own values (a link table, or an update or delete).
    Row,
    Json(String),
    Header(String),
}

/// One request, ready but for the base URL and credentials.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub method: Method,
    /// The route's path template and the values of its placeholders.
    pub path: String,
    pub vars: Vec<(String, String)>,
    pub body: Option<Body>,
    pub key: KeyFrom,
    /// Where the answer says the row was applied, and the values that say so.
    pub success: Option<(String, Vec<String>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Json(Value),
    Form(Vec<(String, String)>),
}

/// Why a row cannot be sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub kind: SqlError,
    pub message: String,
}

fn problem(kind: SqlError, message: impl Into<String>) -> Problem {
    Problem {
        kind,
        message: message.into(),
    }
}

/// A row's values, aligned with the table's columns: `None` is NULL (or not given).
pub type Row = [Option<Value>];

fn index_of(t: &Table, name: &str) -> Option<usize> {
    t.columns
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case(name))
}

fn matches_when(t: &Table, r: &WriteRoute, row: &Row) -> bool {
    r.when.iter().all(|(col, want)| {
        index_of(t, col)
            .and_then(|i| row[i].as_ref())
            .is_some_and(|v| as_text(v) == as_text(want))
    })
}

/// The columns a route may set: its own, or for an update without any (and without custom
/// fields, which a route of its own may set alone), the first insert route's.
fn route_columns<'a>(t: &'a Table, r: &'a WriteRoute) -> &'a [String] {
    if r.columns.is_empty() && r.custom_fields.is_none() {
        t.insert.first().map_or(&[], |i| i.columns.as_slice())
    } else {
        &r.columns
    }
}

fn sets(t: &Table, r: &WriteRoute, c: &Column) -> bool {
    route_columns(t, r)
        .iter()
        .any(|n| n.eq_ignore_ascii_case(&c.name))
        || (r.custom_fields.is_some() && c.custom_key.is_some())
}

/// The path's placeholders filled from `row`; a missing value is a problem.
fn path_vars(t: &Table, path: &str, row: &Row) -> Result<Vec<(String, String)>, Problem> {
    placeholders(path)
        .into_iter()
        .map(|name| {
            let value = index_of(t, name).and_then(|i| row[i].as_ref());
            match value.map(as_text) {
                // An empty or dot segment would name another path than the record's.
                Some(v) if matches!(v.as_str(), "" | "." | "..") => Err(problem(
                    SqlError::Constraint,
                    format!(
                        "column {name} holds '{v}', which names no record in the request's path"
                    ),
                )),
                Some(v) => Ok((name.to_string(), v)),
                None => Err(problem(
                    SqlError::Constraint,
                    format!("column {name} needs a value: the request's path holds it"),
                )),
            }
        })
        .collect()
}

fn path_of(t: &Table, r: &WriteRoute) -> String {
    r.path.clone().unwrap_or_else(|| t.path.clone())
}

fn method_of(r: &WriteRoute, default: Method) -> Method {
    r.method
        .as_deref()
        .and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok())
        .unwrap_or(default)
}

fn fixed_body(r: &WriteRoute) -> Value {
    let mut body = Value::Object(Map::new());
    for (field, v) in &r.fixed {
        set_path(&mut body, field, v.clone());
    }
    body
}

fn finish(r: &WriteRoute, body: Value) -> Option<Body> {
    match r.body {
        WriteBody::None => None,
        WriteBody::Form => Some(Body::Form(form_pairs(&body))),
        WriteBody::Json | WriteBody::JsonPatch => Some(Body::Json(body)),
    }
}

/// The request that creates `row`.
pub fn insert(t: &Table, row: &Row) -> Result<Planned, Problem> {
    let route = t
        .insert
        .iter()
        .find(|r| matches_when(t, r, row))
        .ok_or_else(|| match t.insert.first() {
            None => problem(
                SqlError::ReadOnly,
                format!(
                    "{} cannot be inserted into: the API has no way to create its records",
                    t.name
                ),
            ),
            Some(_) => problem(
                SqlError::Constraint,
                format!(
                    "no way to create this row: the API creates {} rows with {}",
                    t.name,
                    when_list(&t.insert)
                ),
            ),
        })?;
    let path = path_of(t, route);
    let in_path = placeholders(&path);
    let mut body = fixed_body(route);
    for (i, c) in t.columns.iter().enumerate() {
        let Some(v) = &row[i] else { continue };
        if sets(t, route, c) {
            set_path(&mut body, &route.field_of(c), v.clone());
        } else if !in_path.iter().any(|p| p.eq_ignore_ascii_case(&c.name))
            && !route.when.keys().any(|w| w.eq_ignore_ascii_case(&c.name))
        {
            return Err(problem(
                SqlError::ReadOnly,
                format!(
                    "column {} cannot be given on INSERT: the API sets it itself{}",
                    c.name,
                    settable_hint(route_columns(t, route))
                ),
            ));
        }
    }
    for name in &route.required {
        let given = index_of(t, name).is_some_and(|i| row[i].is_some());
        if !given {
            return Err(problem(
                SqlError::Constraint,
                format!("column {name} needs a value: the API requires it to create a record"),
            ));
        }
    }
    let success = match &route.success {
        Some(s) => {
            let vars = path_vars(t, &s.path, row)?;
            let path = crate::profile::template::expand(&s.path, |n| {
                vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone())
            })
            .unwrap_or_else(|_| s.path.clone());
            Some((path, s.values.clone()))
        }
        None => None,
    };
    Ok(Planned {
        method: method_of(route, Method::POST),
        vars: path_vars(t, &path, row)?,
        path,
        success,
        body: finish(route, body),
        key: match (&route.key, &route.key_header) {
            (Some(k), _) => KeyFrom::Json(k.clone()),
            (None, Some(h)) => KeyFrom::Header(h.clone()),
            (None, None) => KeyFrom::Row,
        },
    })
}

/// The requests that change `current` by `set` (column index, new value), one per route the
/// columns set belong to (one per column for a JSON Patch route).
pub fn update(
    t: &Table,
    current: &Row,
    set: &[(usize, Option<Value>)],
) -> Result<Vec<Planned>, Problem> {
    if t.update.is_empty() {
        return Err(problem(
            SqlError::ReadOnly,
            format!(
                "{} cannot be updated: the API has no way to change its records",
                t.name
            ),
        ));
    }
    let routes: Vec<&WriteRoute> = t
        .update
        .iter()
        .filter(|r| matches_when(t, r, current))
        .collect();
    for (i, _) in set {
        let c = &t.columns[*i];
        if c.key || !routes.iter().any(|r| sets(t, r, c)) {
            let why = if c.key {
                "it is the record's key".to_string()
            } else {
                let mut columns: Vec<&str> = Vec::new();
                for r in &routes {
                    columns.extend(route_columns(t, r).iter().map(String::as_str));
                }
                format!("the API does not change it{}", settable_hint_of(&columns))
            };
            return Err(problem(
                SqlError::ReadOnly,
                format!("column {} cannot be changed by UPDATE: {why}", c.name),
            ));
        }
    }
    let mut out = Vec::new();
    for r in routes {
        let mine: Vec<&(usize, Option<Value>)> = set
            .iter()
            .filter(|(i, _)| sets(t, r, &t.columns[*i]))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let path = path_of(t, r);
        let vars = path_vars(t, &path, current)?;
        let method = method_of(r, Method::PATCH);
        if r.body == WriteBody::JsonPatch {
            for (i, v) in mine {
                out.push(Planned {
                    method: method.clone(),
                    path: path.clone(),
                    vars: vars.clone(),
                    body: Some(Body::Json(patch_operation(
                        &r.field_of(&t.columns[*i]),
                        v.clone().unwrap_or(Value::Null),
                    ))),
                    key: KeyFrom::Row,
                    success: None,
                });
            }
            continue;
        }
        let mut body = fixed_body(r);
        if method == Method::PUT {
            // A PUT replaces: every column the route sets goes, as it is where not SET.
            for (i, c) in t.columns.iter().enumerate() {
                if sets(t, r, c) && !mine.iter().any(|(j, _)| *j == i) {
                    if let Some(v) = &current[i] {
                        set_path(&mut body, &r.field_of(c), v.clone());
                    }
                }
            }
        }
        for (i, v) in mine {
            set_path(
                &mut body,
                &r.field_of(&t.columns[*i]),
                v.clone().unwrap_or(Value::Null),
            );
        }
        out.push(Planned {
            method,
            path,
            vars,
            body: finish(r, body),
            key: KeyFrom::Row,
            success: None,
        });
    }
    Ok(out)
}

/// The request that deletes `current`.
pub fn delete(t: &Table, current: &Row) -> Result<Planned, Problem> {
    let route = t
        .delete
        .iter()
        .find(|r| matches_when(t, r, current))
        .ok_or_else(|| {
            problem(
                SqlError::ReadOnly,
                if t.delete.is_empty() {
                    format!(
                        "{} cannot be deleted from: the API has no way to delete its records",
                        t.name
                    )
                } else {
                    format!(
                        "no way to delete this row: the API deletes {} rows with {}",
                        t.name,
                        when_list(&t.delete)
                    )
                },
            )
        })?;
    let path = path_of(t, route);
    Ok(Planned {
        method: method_of(route, Method::DELETE),
        vars: path_vars(t, &path, current)?,
        path,
        body: None,
        key: KeyFrom::Row,
        success: None,
    })
}

/// The statements that may change `t`'s rows, as the routes declare them.
pub fn table_writes(t: &Table) -> Vec<&'static str> {
    [
        (!t.insert.is_empty()).then_some("INSERT"),
        (!t.update.is_empty()).then_some("UPDATE"),
        (!t.delete.is_empty()).then_some("DELETE"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The statements that may set column `c` of `t`: an insert route takes it, an update route
/// changes it (never the key).
pub fn column_writes(t: &Table, c: &Column) -> Vec<&'static str> {
    // A column an insert route puts in its path or chooses by (`when`) is given on INSERT too.
    let routes_by = |r: &WriteRoute| {
        placeholders(&path_of(t, r))
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&c.name))
            || r.when.keys().any(|w| w.eq_ignore_ascii_case(&c.name))
    };
    [
        t.insert
            .iter()
            .any(|r| sets(t, r, c) || routes_by(r))
            .then_some("INSERT"),
        (!c.key && t.update.iter().any(|r| sets(t, r, c))).then_some("UPDATE"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The row's key as text: its key columns' values, else its path's values.
pub fn key_of(t: &Table, row: &Row, planned: Option<&Planned>) -> Option<String> {
    let keys: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.key)
        .filter_map(|(i, _)| row[i].as_ref().map(as_text))
        .collect();
    if !keys.is_empty() {
        return Some(keys.join(","));
    }
    let vars: Vec<String> = planned?.vars.iter().map(|(_, v)| v.clone()).collect();
    (!vars.is_empty()).then(|| vars.join(","))
}

fn when_list(routes: &[WriteRoute]) -> String {
    let whens: Vec<String> = routes
        .iter()
        .map(|r| {
            r.when
                .iter()
                .map(|(c, v)| format!("{c} = {}", as_text(v)))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    whens.join(", or ")
}

fn settable_hint(columns: &[String]) -> String {
    settable_hint_of(&columns.iter().map(String::as_str).collect::<Vec<_>>())
}

fn settable_hint_of(columns: &[&str]) -> String {
    if columns.is_empty() {
        String::new()
    } else {
        format!(" (it takes {})", columns.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table() -> Table {
        let text = r#"
name = "x"
base_url = "https://x.test"
[pagination]
kind = "none"
[[table]]
name = "contacts"
path = "/contacts"
[[table.column]]
name = "id"
type = "int64"
key = true
[[table.column]]
name = "name"
type = "text"
[[table.column]]
name = "email"
type = "text"
[[table.column]]
name = "status"
type = "text"
[[table.column]]
name = "kind"
type = "text"
[[table.insert]]
columns = ["name", "email"]
required = ["name"]
fields = { email = "emails.0.value" }
fixed = { source = "api" }
key = "data.id"
[[table.update]]
path = "/contacts/{id}"
method = "PUT"
columns = ["name", "email"]
[[table.update]]
path = "/contacts/{id}"
body = "json_patch"
columns = ["status"]
[[table.delete]]
path = "/contacts/{id}"
when = { kind = "person" }
"#;
        let p = crate::profile::parse(text, "test").expect("a valid profile");
        p.tables[0].clone()
    }

    fn row(values: &[(&str, Value)]) -> Vec<Option<Value>> {
        let t = table();
        t.columns
            .iter()
            .map(|c| {
                values
                    .iter()
                    .find(|(n, _)| *n == c.name)
                    .map(|(_, v)| v.clone())
            })
            .collect()
    }

    #[test]
    fn an_insert_sends_the_columns_it_takes_at_their_fields() {
        let t = table();
        let p = insert(
            &t,
            &row(&[("name", json!("Ada")), ("email", json!("a@x.io"))]),
        )
        .unwrap();
        assert_eq!(p.method, Method::POST);
        assert_eq!(p.path, "/contacts");
        assert_eq!(
            p.body,
            Some(Body::Json(
                json!({"name": "Ada", "emails": [{"value": "a@x.io"}], "source": "api"})
            ))
        );
        assert_eq!(p.key, KeyFrom::Json("data.id".into()));
        let missing = insert(&t, &row(&[("email", json!("a@x.io"))])).unwrap_err();
        assert_eq!(missing.kind, SqlError::Constraint);
        assert!(missing.message.contains("name"), "{}", missing.message);
        let keyed = insert(&t, &row(&[("id", json!(5)), ("name", json!("Ada"))])).unwrap_err();
        assert_eq!(keyed.kind, SqlError::ReadOnly);
        assert!(keyed.message.contains("column id"), "{}", keyed.message);
    }

    #[test]
    fn an_update_goes_to_each_route_its_columns_belong_to() {
        let t = table();
        let current = row(&[
            ("id", json!(7)),
            ("name", json!("Ada")),
            ("email", json!("a@x.io")),
        ]);
        let name = t.columns.iter().position(|c| c.name == "name").unwrap();
        let status = t.columns.iter().position(|c| c.name == "status").unwrap();
        let planned = update(
            &t,
            &current,
            &[(name, Some(json!("Ada King"))), (status, None)],
        )
        .unwrap();
        assert_eq!(planned.len(), 2);
        // The PUT replaces: the email goes as it is (at its read path: this route has no
        // `fields`).
        assert_eq!(planned[0].method, Method::PUT);
        assert_eq!(planned[0].vars, [("id".to_string(), "7".to_string())]);
        assert_eq!(
            planned[0].body,
            Some(Body::Json(json!({"name": "Ada King", "email": "a@x.io"})))
        );
        assert_eq!(planned[1].method, Method::PATCH);
        assert_eq!(
            planned[1].body,
            Some(Body::Json(json!({"op": "remove", "path": "/status"})))
        );
        let id = t.columns.iter().position(|c| c.name == "id").unwrap();
        let key = update(&t, &current, &[(id, Some(json!(8)))]).unwrap_err();
        assert!(key.message.contains("key"), "{}", key.message);
        let kind = t.columns.iter().position(|c| c.name == "kind").unwrap();
        let unknown = update(&t, &current, &[(kind, Some(json!("x")))]).unwrap_err();
        assert_eq!(unknown.kind, SqlError::ReadOnly);
    }

    #[test]
    fn a_delete_takes_the_route_whose_when_matches() {
        let t = table();
        let person = row(&[("id", json!(7)), ("kind", json!("person"))]);
        let p = delete(&t, &person).unwrap();
        assert_eq!(
            (p.method, p.path.as_str()),
            (Method::DELETE, "/contacts/{id}")
        );
        let company = row(&[("id", json!(8)), ("kind", json!("company"))]);
        assert!(delete(&t, &company)
            .unwrap_err()
            .message
            .contains("kind = person"));
    }
}
