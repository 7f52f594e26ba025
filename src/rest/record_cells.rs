//! Reads one record's bytes into the values its columns want, without building the record: the
//! columns' paths form a tree of object keys; keys on it are followed, everything else is skipped
//! unparsed, and only a value a column takes is built (an object or array one when a column takes
//! it whole, or when the path goes on into an array). The result is what [`super::jsonpath::get`]
//! finds on the parsed record, the last of duplicate keys included; converting the values stays
//! with [`super::column_sink`].

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::cell_values::OutColumn;
use super::jsonpath;

/// The columns' paths as a tree of object keys.
#[derive(Debug)]
pub struct PathTree {
    nodes: Vec<Node>,
    columns: usize,
}

#[derive(Debug, Default)]
struct Node {
    /// Columns whose path ends here.
    leaves: Vec<usize>,
    children: HashMap<String, usize, BuildHasherDefault<KeyHasher>>,
    /// Every column at or below this node, with the rest of its path from here ("" for a leaf).
    under: Vec<(usize, String)>,
}

impl PathTree {
    /// The tree of the columns read from the record (not those the scan's context fills).
    pub fn new(columns: &[OutColumn]) -> PathTree {
        let mut nodes = vec![Node::default()];
        for (i, col) in columns.iter().enumerate() {
            if col.from_context {
                continue;
            }
            let path = if col.path == "$" {
                ""
            } else {
                col.path.as_str()
            };
            let segments: Vec<&str> = if path.is_empty() {
                Vec::new()
            } else {
                path.split('.').collect()
            };
            let mut at = 0;
            for (depth, seg) in segments.iter().enumerate() {
                nodes[at].under.push((i, segments[depth..].join(".")));
                at = match nodes[at].children.get(*seg) {
                    Some(&next) => next,
                    None => {
                        nodes.push(Node::default());
                        let next = nodes.len() - 1;
                        nodes[at].children.insert((*seg).to_string(), next);
                        next
                    }
                };
            }
            nodes[at].under.push((i, String::new()));
            nodes[at].leaves.push(i);
        }
        PathTree {
            nodes,
            columns: columns.len(),
        }
    }

    /// The values of `record` at each column's path, in `slots` (one per column; `None` where
    /// absent, and for the context's columns).
    pub fn read(&self, record: &[u8], slots: &mut Vec<Option<Value>>) -> serde_json::Result<()> {
        slots.clear();
        slots.resize(self.columns, None);
        let mut de = serde_json::Deserializer::from_slice(record);
        NodeSeed {
            tree: self,
            node: 0,
            slots,
        }
        .deserialize(&mut de)?;
        de.end()
    }

    /// A value that is not an object where the tree goes on: each column under the node finds
    /// its value in it as on a parsed record.
    fn fill(&self, node: usize, v: Value, slots: &mut [Option<Value>]) {
        match self.nodes[node].under.as_slice() {
            // One column takes the value whole (the usual leaf): it is moved, not copied.
            [(col, rest)] if rest.is_empty() => slots[*col] = Some(v),
            under => {
                for (col, rest) in under {
                    slots[*col] = jsonpath::get(&v, rest).cloned();
                }
            }
        }
    }

    /// An object seen again under the same key: what the earlier one gave is replaced.
    fn clear(&self, node: usize, slots: &mut [Option<Value>]) {
        for (col, _) in &self.nodes[node].under {
            slots[*col] = None;
        }
    }
}

struct NodeSeed<'t, 's> {
    tree: &'t PathTree,
    node: usize,
    slots: &'s mut [Option<Value>],
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.tree.nodes[self.node].leaves.is_empty() {
            d.deserialize_any(self)
        } else {
            // A column takes this value whole: build it once for it and for the paths below.
            let v = Value::deserialize(d)?;
            self.tree.fill(self.node, v, self.slots);
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let tree = self.tree;
        if self.node != 0 {
            tree.clear(self.node, self.slots);
        }
        let node = &tree.nodes[self.node];
        while let Some(child) = map.next_key_seed(KeySeed(&node.children))? {
            match child {
                Some(next) => map.next_value_seed(NodeSeed {
                    tree,
                    node: next,
                    slots: &mut *self.slots,
                })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let v = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        self.tree.fill(self.node, v, self.slots);
        Ok(())
    }

    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        self.scalar(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<(), E> {
        self.scalar(Value::String(s))
    }

    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        self.scalar(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.scalar(Value::from(n))
    }

    fn visit_f64<E>(self, n: f64) -> Result<(), E> {
        self.scalar(Value::from(n))
    }

    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.scalar(Value::Bool(b))
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.scalar(Value::Null)
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.scalar(Value::Null)
    }
}

impl NodeSeed<'_, '_> {
    fn scalar<E>(self, v: Value) -> Result<(), E> {
        self.tree.fill(self.node, v, self.slots);
        Ok(())
    }
}

/// FNV-1a over an object key: every key of every record is looked up, and the keys are short
/// names the profile chose, not input an attacker picks to collide (SipHash's reason to exist).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// An object key: the child node it leads to, `None` when no column goes that way.
struct KeySeed<'t>(&'t HashMap<String, usize, BuildHasherDefault<KeyHasher>>);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.get(key).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{ColumnType, TimeFormat};
    use serde_json::json;

    fn col(path: &str, from_context: bool) -> OutColumn {
        OutColumn {
            name: path.replace('.', "_"),
            path: path.to_string(),
            ty: ColumnType::Json,
            format: TimeFormat::Guess,
            from_context,
            labels: None,
        }
    }

    /// Every column's slot equals what jsonpath finds on the parsed record.
    fn agrees(paths: &[&str], record: &Value) {
        let cols: Vec<OutColumn> = paths.iter().map(|p| col(p, false)).collect();
        let tree = PathTree::new(&cols);
        let mut slots = Vec::new();
        let bytes = serde_json::to_vec(record).unwrap();
        tree.read(&bytes, &mut slots).unwrap();
        for (c, slot) in cols.iter().zip(&slots) {
            assert_eq!(
                slot.as_ref(),
                jsonpath::get(record, &c.path),
                "{} of {record}",
                c.path
            );
        }
    }

    #[test]
    fn slots_are_what_the_path_finds_on_the_parsed_record() {
        let paths = [
            "id",
            "name",
            "owner.id",
            "owner.name",
            "owner",
            "emails.0.value",
            "custom_fields.[id=7].content",
            "custom_fields.abc.value",
            "custom_fields.abc.currency",
            "missing.deeper",
            "n",
        ];
        for record in [
            json!({"id": 1, "name": "Ann", "owner": {"id": 5, "name": "Bo"}, "n": null}),
            json!({"id": "7", "owner": 5, "emails": [{"value": "a@x"}, {"value": "b@x"}]}),
            json!({"custom_fields": [{"id": 3, "content": "x"}, {"id": "7", "content": 5}]}),
            json!({"custom_fields": {"abc": {"value": 12.5, "currency": "EUR"}}, "extra": [1, {"a": 2}]}),
            json!({"custom_fields": {"abc": 3}, "missing": "not an object"}),
            json!({"id": 1.5e300, "name": "é \" \\u00e9", "owner": [1, 2]}),
            json!([1, 2]),
            json!("text"),
        ] {
            agrees(&paths, &record);
        }
    }

    #[test]
    fn the_last_of_duplicate_keys_counts_as_in_a_parsed_record() {
        let cols = vec![
            col("owner.id", false),
            col("owner.name", false),
            col("id", false),
        ];
        let tree = PathTree::new(&cols);
        let mut slots = Vec::new();
        let text =
            br#"{"id": 1, "owner": {"id": 2, "name": "x"}, "owner": {"name": "y"}, "id": 3}"#;
        tree.read(text, &mut slots).unwrap();
        let parsed: Value = serde_json::from_slice(text).unwrap();
        for (c, slot) in cols.iter().zip(&slots) {
            assert_eq!(slot.as_ref(), jsonpath::get(&parsed, &c.path), "{}", c.path);
        }
    }

    #[test]
    fn the_context_column_and_a_whole_record_column() {
        let cols = vec![col("parent_id", true), col("", false), col("a", false)];
        let tree = PathTree::new(&cols);
        let mut slots = Vec::new();
        tree.read(br#"{"a": 1, "b": [2]}"#, &mut slots).unwrap();
        assert_eq!(slots[0], None);
        assert_eq!(slots[1], Some(json!({"a": 1, "b": [2]})));
        assert_eq!(slots[2], Some(json!(1)));
    }

    #[test]
    fn broken_json_is_an_error_not_a_partial_record() {
        let cols = vec![col("a", false)];
        let tree = PathTree::new(&cols);
        let mut slots = Vec::new();
        for bad in [
            &br#"{"a": 1,"#[..],
            br#"{"a": tru}"#,
            br#"{"a": 1} x"#,
            br#"{"b": [1,}"#,
        ] {
            assert!(
                tree.read(bad, &mut slots).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
