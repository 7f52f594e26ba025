//! Request bodies of writes: a value placed at a field path (`a.b`, `emails.0.value`), and the
//! same object as form pairs (`a[b]=…`) or as RFC 6902 operations. It builds bodies; it
//! knows nothing of columns or routes.

use serde_json::{Map, Value};

use super::values::as_text;

/// Puts `value` at `path` in `body` (an object), making the objects and arrays the path passes
/// through: a segment of digits is an array index, and `[field=v]` the array element whose
/// `field` is `v` (added as `{field: v}` when there is none; Keap's custom fields are
/// `custom_fields: [{"id": 110, "content": ...}]`).
pub fn set_path(body: &mut Value, path: &str, value: Value) {
    let segments: Vec<&str> = path.split('.').collect();
    let mut value = Some(value);
    let mut at = body;
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let next = segments.get(i + 1).copied();
        at = match step(at, segment, next) {
            Slot::Here(slot) if last => {
                *slot = value.take().unwrap_or(Value::Null);
                return;
            }
            Slot::Here(slot) => slot,
        };
    }
}

enum Slot<'a> {
    Here(&'a mut Value),
}

/// An empty container for what `next` (the segment after) needs.
fn container_for(next: Option<&str>) -> Value {
    match next {
        Some(s) if s.parse::<usize>().is_ok() || selector(s).is_some() => Value::Array(Vec::new()),
        _ => Value::Object(Map::new()),
    }
}

/// `[field=value]` as (field, value).
fn selector(segment: &str) -> Option<(&str, &str)> {
    segment
        .strip_prefix('[')?
        .strip_suffix(']')?
        .split_once('=')
}

/// The slot `segment` names inside `at`, made where missing.
fn step<'a>(at: &'a mut Value, segment: &str, next: Option<&str>) -> Slot<'a> {
    if let Some((field, wanted)) = selector(segment) {
        if !at.is_array() {
            *at = Value::Array(Vec::new());
        }
        let items = at.as_array_mut().expect("made an array");
        let found = items
            .iter()
            .position(|item| item.get(field).is_some_and(|v| as_text(v) == wanted));
        let index = found.unwrap_or_else(|| {
            let key = wanted
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(wanted.to_string()));
            let mut item = Map::new();
            item.insert(field.to_string(), key);
            items.push(Value::Object(item));
            items.len() - 1
        });
        return Slot::Here(&mut items[index]);
    }
    if let (Ok(index), true) = (segment.parse::<usize>(), at.is_array()) {
        let items = at.as_array_mut().expect("checked to be an array");
        while items.len() <= index {
            items.push(Value::Null);
        }
        let slot = &mut items[index];
        if next.is_some() && !(slot.is_object() || slot.is_array()) {
            *slot = container_for(next);
        }
        return Slot::Here(slot);
    }
    if !at.is_object() {
        *at = Value::Object(Map::new());
    }
    let object = at.as_object_mut().expect("made an object");
    let slot = object
        .entry(segment.to_string())
        .or_insert_with(|| container_for(next));
    if next.is_some() && !(slot.is_object() || slot.is_array()) {
        *slot = container_for(next);
    }
    Slot::Here(slot)
}

/// A JSON object as form pairs: nested fields as `a[b]`, array items as `a[0]`, booleans as
/// `1`/`0`, null as an empty value.
pub fn form_pairs(body: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Value::Object(fields) = body {
        for (k, v) in fields {
            flatten(k.clone(), v, &mut out);
        }
    }
    out
}

fn flatten(name: String, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(fields) => {
            for (k, item) in fields {
                flatten(format!("{name}[{k}]"), item, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{name}[{i}]"), item, out);
            }
        }
        Value::Bool(b) => out.push((name, if *b { "1" } else { "0" }.to_string())),
        other => out.push((name, as_text(other))),
    }
}

/// One RFC 6902 operation on the field at `path` (dots become `/`; `~` and `/` in a segment are
/// escaped as the RFC says), as one object, the way Help Scout takes it: `replace` with the value,
/// or `remove` for NULL.
pub fn patch_operation(path: &str, value: Value) -> Value {
    let pointer: String = path
        .split('.')
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect();
    if value.is_null() {
        serde_json::json!({ "op": "remove", "path": pointer })
    } else {
        serde_json::json!({ "op": "replace", "path": pointer, "value": value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_make_the_objects_and_arrays_they_pass_through() {
        let mut body = json!({});
        set_path(&mut body, "name", json!("Ada"));
        set_path(&mut body, "email_addresses.0.email", json!("a@x.io"));
        set_path(&mut body, "email_addresses.0.field", json!("EMAIL1"));
        set_path(&mut body, "custom_fields.abc", json!(5));
        set_path(&mut body, "tagIds.0", json!(9));
        set_path(&mut body, "fields.[id=110].content", json!(12));
        set_path(&mut body, "fields.[id=111].content", json!("x"));
        set_path(&mut body, "fields.[id=110].content", json!(13));
        assert_eq!(
            body,
            json!({
                "name": "Ada",
                "email_addresses": [{"email": "a@x.io", "field": "EMAIL1"}],
                "custom_fields": {"abc": 5},
                "tagIds": [9],
                "fields": [{"id": 110, "content": 13}, {"id": 111, "content": "x"}],
            })
        );
    }

    #[test]
    fn forms_flatten_and_patches_point() {
        let body = json!({"a": {"b": true}, "c": [1, null], "d": "x y"});
        assert_eq!(
            form_pairs(&body),
            [
                ("a[b]".to_string(), "1".to_string()),
                ("c[0]".into(), "1".into()),
                ("c[1]".into(), "".into()),
                ("d".into(), "x y".into()),
            ]
        );
        assert_eq!(
            patch_operation("primaryCustomer.id", json!(3)),
            json!({"op": "replace", "path": "/primaryCustomer/id", "value": 3})
        );
        assert_eq!(
            patch_operation("assignTo", Value::Null),
            json!({"op": "remove", "path": "/assignTo"})
        );
    }
}
