//! Dotted JSON paths (`additional_data.pagination.next_start`, `_embedded.errors.0.message`):
//! object keys, array indexes when a segment is a number, and `[field=value]` for the first
//! element of an array whose `field` is `value` (Keap's `custom_fields.[id=7].content`). "" and
//! `$` are the value itself.

use serde_json::Value;

pub fn get<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() || path == "$" {
        return Some(value);
    }
    path.split('.').try_fold(value, |cur, seg| match cur {
        Value::Object(map) => map.get(seg),
        Value::Array(items) => match selector(seg) {
            Some((field, wanted)) => items
                .iter()
                .find(|item| item.get(field).is_some_and(|v| scalar_is(v, wanted))),
            None => items.get(seg.parse::<usize>().ok()?),
        },
        _ => None,
    })
}

/// Whether a scalar reads as `text` (a string equal to it, or a number it spells), without
/// building text: the selector is compared once per element of every record.
fn scalar_is(v: &Value, text: &str) -> bool {
    match v {
        Value::String(s) => s == text,
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => text.parse::<i64>().ok() == Some(i),
            (None, Some(u)) => text.parse::<u64>().ok() == Some(u),
            _ => n
                .as_f64()
                .is_some_and(|f| text.parse::<f64>().ok() == Some(f)),
        },
        Value::Bool(b) => text == if *b { "true" } else { "false" },
        _ => false,
    }
}

/// `[field=value]` as (field, value).
fn selector(seg: &str) -> Option<(&str, &str)> {
    seg.strip_prefix('[')?.strip_suffix(']')?.split_once('=')
}

/// Like [`get`], but JSON null counts as absent.
pub fn get_present<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    get(value, path).filter(|v| !v.is_null())
}

/// Takes the value out (records arrays are moved, not cloned).
pub fn take(value: &mut Value, path: &str) -> Option<Value> {
    if path.is_empty() || path == "$" {
        return Some(value.take());
    }
    let found = path.split('.').try_fold(value, |cur, seg| match cur {
        Value::Object(map) => map.get_mut(seg),
        Value::Array(items) => items.get_mut(seg.parse::<usize>().ok()?),
        _ => None,
    })?;
    Some(found.take())
}

/// A scalar as text (strings unquoted), for cursors, offsets and messages.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_and_indexed() {
        let v = json!({"a": {"b": [ {"c": 1} ]}, "n": null});
        assert_eq!(get(&v, "a.b.0.c"), Some(&json!(1)));
        assert_eq!(get(&v, "a.x"), None);
        assert!(get_present(&v, "n").is_none());
        assert_eq!(get(&v, ""), Some(&v));
    }

    #[test]
    fn array_elements_by_a_field() {
        let v = json!({"custom_fields": [{"id": 3, "content": "x"}, {"id": "7", "content": 5}]});
        assert_eq!(get(&v, "custom_fields.[id=7].content"), Some(&json!(5)));
        assert_eq!(get(&v, "custom_fields.[id=3].content"), Some(&json!("x")));
        assert_eq!(get(&v, "custom_fields.[id=9].content"), None);
    }
}
