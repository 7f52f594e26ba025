//! Checks a table's write routes (`[[table.insert]]`, `[[table.update]]`, `[[table.delete]]`):
//! methods, body kinds, and that every column, placeholder and `when` they name is a column of
//! the table. It reads the profile only; what a write sends is `rest::write`'s business.

use super::model::{Table, WriteBody, WriteRoute};
use super::template::placeholders;
use crate::error::{Error, Result};

/// The three operations, as the keys name them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Insert,
    Update,
    Delete,
}

impl Op {
    fn key(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }

    fn methods(self) -> &'static [&'static str] {
        match self {
            Op::Insert => &["POST", "PUT", "PATCH"],
            Op::Update => &["PATCH", "PUT", "POST"],
            Op::Delete => &["DELETE", "POST", "PUT"],
        }
    }
}

/// `err(place, key, problem)` makes the profile error; `place` names the table.
pub(super) fn routes(
    err: &dyn Fn(&str, &str, &str) -> Error,
    t: &Table,
    place: &str,
) -> Result<()> {
    let has_col = |n: &str| t.columns.iter().any(|c| c.name.eq_ignore_ascii_case(n));
    let writes = !t.insert.is_empty() || !t.update.is_empty() || !t.delete.is_empty();
    if writes && (t.child.is_some() || t.report.is_some() || t.window.is_some()) {
        return Err(err(
            place,
            "insert",
            "writes apply to a table read from its own list or per parent (not a child, report or windowed table)",
        ));
    }
    for (op, list) in [
        (Op::Insert, &t.insert),
        (Op::Update, &t.update),
        (Op::Delete, &t.delete),
    ] {
        for (i, r) in list.iter().enumerate() {
            let key = format!("{}[{}]", op.key(), i + 1);
            route(err, op, r, place, &key, &has_col)?;
        }
    }
    if t.update
        .iter()
        .any(|r| r.columns.is_empty() && r.custom_fields.is_none() && r.body != WriteBody::None)
        && t.insert.first().is_none_or(|r| r.columns.is_empty())
    {
        return Err(err(
            place,
            "update.columns",
            "name the columns an update may set (there is no insert route to take them from)",
        ));
    }
    Ok(())
}

fn route(
    err: &dyn Fn(&str, &str, &str) -> Error,
    op: Op,
    r: &WriteRoute,
    place: &str,
    key: &str,
    has_col: &dyn Fn(&str) -> bool,
) -> Result<()> {
    let at = |k: &str| format!("{key}.{k}");
    if let Some(m) = &r.method {
        if !op.methods().iter().any(|ok| ok.eq_ignore_ascii_case(m)) {
            let allowed = op.methods().join(", ");
            return Err(err(
                place,
                &at("method"),
                &format!("'{m}' is not one of {allowed}"),
            ));
        }
    }
    if r.body == WriteBody::JsonPatch && op != Op::Update {
        return Err(err(
            place,
            &at("body"),
            "json_patch applies to update routes only",
        ));
    }
    if op == Op::Delete && (!r.columns.is_empty() || !r.required.is_empty()) {
        return Err(err(
            place,
            &at("columns"),
            "a delete sends no column values",
        ));
    }
    if op == Op::Insert && r.columns.is_empty() && r.body != WriteBody::None {
        return Err(err(
            place,
            &at("columns"),
            "name the columns an insert may set",
        ));
    }
    if r.body == WriteBody::None && (!r.columns.is_empty() || r.custom_fields.is_some()) {
        return Err(err(
            place,
            &at("body"),
            "a route without a body sends no column values",
        ));
    }
    // An update or delete names the record it changes: a path without a placeholder would send
    // the same request for every row.
    if op != Op::Insert && r.path.as_deref().is_none_or(|p| placeholders(p).is_empty()) {
        return Err(err(
            place,
            &at("path"),
            "name the record's path with a {column} placeholder (its key), as \"/items/{id}\"",
        ));
    }
    if op != Op::Insert && (r.key.is_some() || r.key_header.is_some()) {
        return Err(err(
            place,
            &at("key"),
            "only an insert answers with a new key",
        ));
    }
    if r.key.is_some() && r.key_header.is_some() {
        return Err(err(place, &at("key"), "name key or key_header, not both"));
    }
    if op != Op::Insert && !r.required.is_empty() {
        return Err(err(place, &at("required"), "applies to insert routes"));
    }
    let named = r
        .columns
        .iter()
        .map(|c| ("columns", c.as_str()))
        .chain(r.required.iter().map(|c| ("required", c.as_str())))
        .chain(r.fields.keys().map(|c| ("fields", c.as_str())))
        .chain(r.when.keys().map(|c| ("when", c.as_str())));
    for (k, c) in named {
        if !has_col(c) {
            return Err(err(
                place,
                &at(k),
                &format!("'{c}' is not a column of the table"),
            ));
        }
    }
    let in_path = |c: &str| {
        r.path
            .as_deref()
            .is_some_and(|p| placeholders(p).iter().any(|x| x.eq_ignore_ascii_case(c)))
    };
    for c in &r.required {
        if !r.columns.iter().any(|x| x.eq_ignore_ascii_case(c)) && !in_path(c) {
            return Err(err(
                place,
                &at("required"),
                &format!("'{c}' is neither in columns nor in the path"),
            ));
        }
    }
    if let Some(s) = &r.success {
        if s.path.trim().is_empty() || s.values.is_empty() {
            return Err(err(
                place,
                &at("success"),
                "name a path and at least one value",
            ));
        }
        for p in placeholders(&s.path) {
            if !has_col(p) {
                return Err(err(
                    place,
                    &at("success.path"),
                    &format!("{{{p}}} is not a column of the table"),
                ));
            }
        }
    }
    for f in r.fields.values().chain(r.custom_fields.iter()) {
        if f.trim().is_empty() || f.split('.').any(str::is_empty) {
            return Err(err(
                place,
                &at("fields"),
                &format!("'{f}' is not a field path"),
            ));
        }
    }
    if let Some(template) = &r.custom_fields {
        if !template.contains("{key}") {
            return Err(err(
                place,
                &at("custom_fields"),
                "must hold {key}, the field's key",
            ));
        }
    }
    if let Some(path) = &r.path {
        for p in placeholders(path) {
            if !has_col(p) {
                return Err(err(
                    place,
                    &at("path"),
                    &format!("{{{p}}} is not a column of the table"),
                ));
            }
        }
    }
    Ok(())
}
