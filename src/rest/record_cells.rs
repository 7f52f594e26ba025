//! Reads one record's bytes into the values its columns want, without building the record: the
//! columns' paths form a tree of object keys; keys on it are followed, everything else is skipped
//! unparsed, and only a value a column takes is built (an object or array one when a column takes
//! it whole, or when the path goes on into an array), into cells that keep their text buffers and
//! the order of each object's keys from one record to the next. The result is what [`super::jsonpath::get`]
//! finds on the parsed record, the last of duplicate keys included; converting the values stays
//! with [`super::column_sink`].

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::cell_values::OutColumn;
use super::json_text;
use super::jsonpath;
use crate::profile::ColumnType;

/// The columns' paths as a tree of object keys.
#[derive(Debug)]
pub struct PathTree {
    nodes: Vec<Node>,
    columns: usize,
    /// Columns that show an object or array as its JSON text (text and json without option
    /// labels): such a value is written out as text straight from the parser.
    as_text: Vec<bool>,
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
            as_text: columns
                .iter()
                .map(|c| matches!(c.ty, ColumnType::Text | ColumnType::Json) && c.labels.is_none())
                .collect(),
        }
    }

    /// The values of `record` at each column's path, in `cells` (absent where the record has
    /// none, and for the context's columns).
    pub fn read(&self, record: &[u8], cells: &mut Cells) -> serde_json::Result<()> {
        cells.reset(self.columns, self.nodes.len());
        // The whole record is checked for UTF-8 in one pass, which runs a word at a time, rather
        // than string by string as the parser would (short strings, a byte at a time: a
        // fourteenth of a scan's CPU). A record that fails the check is read as bytes, where
        // every value a column reads is still checked and a value no column shows is only
        // checked to be well-formed JSON, as before: a stray byte there cannot make a wrong cell.
        match std::str::from_utf8(record) {
            Ok(text) => self.read_from(&mut serde_json::Deserializer::from_str(text), cells),
            Err(_) => self.read_from(&mut serde_json::Deserializer::from_slice(record), cells),
        }
    }

    fn read_from<'de, R: serde_json::de::Read<'de>>(
        &self,
        de: &mut serde_json::Deserializer<R>,
        cells: &mut Cells,
    ) -> serde_json::Result<()> {
        NodeSeed {
            tree: self,
            node: 0,
            cells,
        }
        .deserialize(&mut *de)?;
        de.end()
    }

    /// A value that is not an object where the tree goes on: each column under the node finds
    /// its value in it as on a parsed record.
    fn fill(&self, node: usize, v: Value, cells: &mut Cells) {
        // One column takes the value whole (the usual leaf): it is moved, not copied.
        if let Some(col) = self.single_leaf(node) {
            return cells.set(col, v);
        }
        // The paths below take copies of their parts; the columns taking the value whole take
        // it last, the last of them moved.
        let under = &self.nodes[node].under;
        for (col, rest) in under.iter().filter(|(_, rest)| !rest.is_empty()) {
            match jsonpath::get(&v, rest) {
                Some(found) => cells.set(*col, found.clone()),
                None => cells.unset(*col),
            }
        }
        let mut whole = under
            .iter()
            .filter(|(_, rest)| rest.is_empty())
            .map(|(col, _)| *col)
            .peekable();
        while let Some(col) = whole.next() {
            if self.as_text[col] && (v.is_object() || v.is_array()) {
                // The text the column would print from the value, written once now into the
                // cell's buffer rather than printed later through a formatter.
                let written = cells
                    .set_written::<serde_json::Error>(col, |out| serde_json::to_writer(out, &v));
                if written.is_err() {
                    cells.set(col, v.clone());
                }
                continue;
            }
            if whole.peek().is_none() {
                cells.set(col, v);
                break;
            }
            cells.set(col, v.clone());
        }
    }

    /// An object seen again under the same key: what the earlier one gave is replaced.
    fn clear(&self, node: usize, cells: &mut Cells) {
        for (col, _) in &self.nodes[node].under {
            cells.unset(*col);
        }
    }

    /// The column a node's value goes to whole when it is the only one there (a plain leaf).
    fn single_leaf(&self, node: usize) -> Option<usize> {
        match self.nodes[node].under.as_slice() {
            [(col, rest)] if rest.is_empty() => Some(*col),
            _ => None,
        }
    }
}

/// One record's values, a cell per column, and what reading the records before it taught: a
/// text cell keeps its buffer from one record to the next, so reading a string costs no
/// allocation once the buffer is large enough, and each object's keys are first matched against
/// the order the last record had them in. Cells belong to the [`PathTree`] that reads into them
/// (the remembered keys lead to that tree's nodes): a reader makes its own with `Cells::default()`.
#[derive(Debug, Default)]
pub struct Cells {
    values: Vec<Value>,
    present: Vec<bool>,
    /// Per tree node: hashing a 40-byte custom-field key for every key of every record was the
    /// larger part of reading one, and most APIs write every record's keys in the same order.
    key_orders: Vec<KeyOrder>,
}

/// Keys remembered per node: an object with more keys than this (or keys that change from record
/// to record, like a map keyed by ids) is matched by hashing past it, so no record can make the
/// list grow with it. A key longer than `KEY_ORDER_KEY_BYTES` is never remembered.
const KEY_ORDER_MAX: usize = 256;
const KEY_ORDER_KEY_BYTES: usize = 256;

/// The keys objects had at one node, in order, each with the child it led to. A key is first
/// compared with the one at its position, then with the one after it (the record left out a key
/// the last one had); only when neither matches is it hashed and looked up, and it is inserted at
/// its position, so records that alternate between having an optional key and not cost one
/// comparison more, not a lookup for every key after it. An API whose records have their keys in
/// no stable order only pays those two comparisons on top of the lookup.
#[derive(Debug, Default)]
struct KeyOrder {
    keys: Vec<(String, Option<usize>)>,
    /// Where the next key of the object being read is expected; never past the list's end.
    next: usize,
}

impl KeyOrder {
    fn child(
        &mut self,
        key: &str,
        children: &HashMap<String, usize, BuildHasherDefault<KeyHasher>>,
    ) -> Option<usize> {
        let at = self.next;
        for ahead in [at, at + 1] {
            if let Some((expected, child)) = self.keys.get(ahead) {
                if same_key(expected.as_bytes(), key.as_bytes()) {
                    self.next = ahead + 1;
                    return *child;
                }
            }
        }
        let child = children.get(key).copied();
        if key.len() <= KEY_ORDER_KEY_BYTES {
            if self.keys.len() < KEY_ORDER_MAX {
                self.keys.insert(at, (key.to_owned(), child));
                self.next = at + 1;
            } else if let Some(slot) = self.keys.get_mut(at) {
                slot.0.clear();
                slot.0.push_str(key);
                slot.1 = child;
                self.next = at + 1;
            }
        }
        child
    }
}

/// Whether two keys are equal, compared eight bytes at a time in line: keys are short, and a call
/// to `memcmp` for each key of each record cost more than the comparison.
fn same_key(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut a_words = a.chunks_exact(8);
    let mut b_words = b.chunks_exact(8);
    for (x, y) in (&mut a_words).zip(&mut b_words) {
        if word(x) != word(y) {
            return false;
        }
    }
    a_words
        .remainder()
        .iter()
        .zip(b_words.remainder())
        .all(|(x, y)| x == y)
}

/// Eight bytes (from `chunks_exact(8)`) as one number, for comparing and hashing by words.
fn word(bytes: &[u8]) -> u64 {
    let mut eight = [0u8; 8];
    eight.copy_from_slice(bytes);
    u64::from_le_bytes(eight)
}

impl Cells {
    fn reset(&mut self, columns: usize, nodes: usize) {
        if self.values.len() != columns {
            self.values.resize(columns, Value::Null);
            self.present.resize(columns, false);
        }
        if self.key_orders.len() != nodes {
            self.key_orders.resize_with(nodes, KeyOrder::default);
        }
        self.present.fill(false);
    }

    /// The child node `key` leads to from `node`, `None` when no column goes that way.
    fn child(&mut self, tree: &PathTree, node: usize, key: &str) -> Option<usize> {
        self.key_orders[node].child(key, &tree.nodes[node].children)
    }

    /// The value of column `col`, if the record has one.
    pub fn get(&self, col: usize) -> Option<&Value> {
        self.present
            .get(col)
            .copied()
            .unwrap_or(false)
            .then(|| &self.values[col])
    }

    fn set(&mut self, col: usize, v: Value) {
        self.values[col] = v;
        self.present[col] = true;
    }

    fn set_str(&mut self, col: usize, s: &str) {
        match &mut self.values[col] {
            Value::String(buffer) => {
                buffer.clear();
                buffer.push_str(s);
            }
            other => *other = Value::String(s.to_owned()),
        }
        self.present[col] = true;
    }

    /// Column `col`'s text, written by `write` into the cell's buffer (kept from one record to
    /// the next like a string's).
    fn set_written<E: serde::de::Error>(
        &mut self,
        col: usize,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut bytes = match std::mem::take(&mut self.values[col]) {
            Value::String(s) => s.into_bytes(),
            _ => Vec::new(),
        };
        bytes.clear();
        write(&mut bytes)?;
        self.values[col] = Value::String(String::from_utf8(bytes).map_err(E::custom)?);
        self.present[col] = true;
        Ok(())
    }

    fn unset(&mut self, col: usize) {
        self.present[col] = false;
    }
}

struct NodeSeed<'t, 's> {
    tree: &'t PathTree,
    node: usize,
    cells: &'s mut Cells,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // A plain leaf goes through the visitor too, so that a string lands in its cell's buffer.
        if self.tree.single_leaf(self.node).is_some()
            || self.tree.nodes[self.node].leaves.is_empty()
        {
            d.deserialize_any(self)
        } else {
            // A column takes this value whole: build it once for it and for the paths below.
            let v = Value::deserialize(d)?;
            self.tree.fill(self.node, v, self.cells);
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
        if let Some(col) = tree.single_leaf(self.node) {
            if tree.as_text[col] {
                return self
                    .cells
                    .set_written(col, |out| json_text::write_map(map, out));
            }
            let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            return self.scalar(v);
        }
        if self.node != 0 {
            tree.clear(self.node, self.cells);
        }
        self.cells.key_orders[self.node].next = 0;
        while let Some(child) = map.next_key_seed(KeySeed {
            tree,
            node: self.node,
            cells: &mut *self.cells,
        })? {
            match child {
                Some(next) => map.next_value_seed(NodeSeed {
                    tree,
                    node: next,
                    cells: &mut *self.cells,
                })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        if let Some(col) = self.tree.single_leaf(self.node) {
            if self.tree.as_text[col] {
                return self
                    .cells
                    .set_written(col, |out| json_text::write_seq(seq, out));
            }
        }
        let v = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        self.tree.fill(self.node, v, self.cells);
        Ok(())
    }

    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        match self.tree.single_leaf(self.node) {
            Some(col) => {
                self.cells.set_str(col, s);
                Ok(())
            }
            None => self.scalar(Value::String(s.to_string())),
        }
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
        self.tree.fill(self.node, v, self.cells);
        Ok(())
    }
}

/// A hash of object keys that reads eight bytes at a time: every key of every record is looked
/// up, and custom-field keys are 40-character hashes, so hashing a byte at a time (FNV) was the
/// larger part of reading a record. The keys in the map are names the profile chose; a key from
/// the response that collides with one only costs a comparison more, never a wrong column, so
/// SipHash's defence against chosen collisions buys nothing here.
#[derive(Default)]
struct KeyHasher(u64);

/// Multipliers from FxHash and from MurmurHash3's finaliser: odd constants whose products spread
/// every input bit into the high bits.
const KEY_MIX: u64 = 0x517c_c1b7_2722_0a95;
const KEY_FINISH: u64 = 0xff51_afd7_ed55_8ccd;

impl KeyHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(KEY_MIX);
    }
}

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        // The table picks buckets with the low bits and tags with the high ones: fold both ways.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(KEY_FINISH);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for eight in &mut words {
            self.mix(word(eight));
        }
        let rest = words.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        // The length keeps keys that differ only by trailing zero bytes apart.
        self.mix(u64::from_le_bytes(last) ^ ((bytes.len() as u64) << 56));
    }
}

/// An object key: the child node it leads to, `None` when no column goes that way.
struct KeySeed<'t, 's> {
    tree: &'t PathTree,
    node: usize,
    cells: &'s mut Cells,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.cells.child(self.tree, self.node, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::TimeFormat;
    use serde_json::json;
    use std::hash::Hash;

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

    /// What a text or json column shows for a cell: a string as it is, anything else as its
    /// JSON text (an object or array may be held either way).
    fn shown(cell: Option<&Value>) -> Option<String> {
        cell.map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    /// Every column shows what jsonpath finds on the parsed record (the cells reused from the
    /// record before, as a chunk reuses them).
    fn agrees(cols: &[OutColumn], tree: &PathTree, cells: &mut Cells, record: &Value) {
        let bytes = serde_json::to_vec(record).unwrap();
        tree.read(&bytes, cells).unwrap();
        for (i, c) in cols.iter().enumerate() {
            assert_eq!(
                shown(cells.get(i)),
                shown(jsonpath::get(record, &c.path)),
                "{} of {record}",
                c.path
            );
        }
    }

    #[test]
    fn cells_are_what_the_path_finds_on_the_parsed_record() {
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
        let cols: Vec<OutColumn> = paths.iter().map(|p| col(p, false)).collect();
        let tree = PathTree::new(&cols);
        let mut cells = Cells::default();
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
            agrees(&cols, &tree, &mut cells, &record);
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
        let mut cells = Cells::default();
        let text =
            br#"{"id": 1, "owner": {"id": 2, "name": "x"}, "owner": {"name": "y"}, "id": 3}"#;
        tree.read(text, &mut cells).unwrap();
        let parsed: Value = serde_json::from_slice(text).unwrap();
        for (i, c) in cols.iter().enumerate() {
            let expected = shown(jsonpath::get(&parsed, &c.path));
            assert_eq!(shown(cells.get(i)), expected, "{}", c.path);
        }
    }

    #[test]
    fn the_context_column_and_a_whole_record_column() {
        let cols = vec![col("parent_id", true), col("", false), col("a", false)];
        let tree = PathTree::new(&cols);
        let mut cells = Cells::default();
        tree.read(br#"{"a": 1, "b": [2]}"#, &mut cells).unwrap();
        assert_eq!(cells.get(0), None);
        assert_eq!(shown(cells.get(1)).as_deref(), Some(r#"{"a":1,"b":[2]}"#));
        assert_eq!(cells.get(2), Some(&json!(1)));
        // The next record reuses the cells: what it lacks is absent, not the last record's.
        tree.read(br#"{"b": 3}"#, &mut cells).unwrap();
        assert_eq!(shown(cells.get(1)).as_deref(), Some(r#"{"b":3}"#));
        assert_eq!(cells.get(2), None);
    }

    #[test]
    fn columns_sharing_a_path_each_get_its_value() {
        let cols = vec![
            col("owner.id", false),
            col("owner", false),
            col("owner", false),
        ];
        let tree = PathTree::new(&cols);
        let mut cells = Cells::default();
        let record = json!({"owner": {"id": 5, "name": "Bo"}});
        agrees(&cols, &tree, &mut cells, &record);
        assert_eq!(
            shown(cells.get(1)).as_deref(),
            Some(r#"{"id":5,"name":"Bo"}"#)
        );
        assert_eq!(cells.get(2), cells.get(1));
    }

    #[test]
    fn a_json_column_holds_the_text_its_value_prints() {
        let cols = vec![col("tags", false), col("n", false), col("s", false)];
        let tree = PathTree::new(&cols);
        let mut cells = Cells::default();
        for text in [
            &br#"{"tags": [ {"z": 1, "a": 1.50}, "x\u00e9" ], "n": {"b" : 2, "a": [ ], "b": 3}}"#[..],
            br#"{"tags": [], "n": {"a": {"y": null, "x": true}}, "s": "plain"}"#,
        ] {
            tree.read(text, &mut cells).unwrap();
            let parsed: Value = serde_json::from_slice(text).unwrap();
            for (i, name) in ["tags", "n"].iter().enumerate() {
                assert_eq!(cells.get(i), Some(&Value::String(parsed[name].to_string())));
            }
            assert_eq!(cells.get(2), parsed.get("s"));
        }
    }

    #[test]
    fn broken_json_is_an_error_not_a_partial_record() {
        let cols = vec![col("a", false)];
        let tree = PathTree::new(&cols);
        let mut cells = Cells::default();
        for bad in [
            &br#"{"a": 1,"#[..],
            br#"{"a": tru}"#,
            br#"{"a": 1} x"#,
            br#"{"b": [1,}"#,
        ] {
            assert!(
                tree.read(bad, &mut cells).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    /// Every column shows what jsonpath finds on `text` parsed whole: the record's bytes as
    /// written, so its keys keep their order (a `json!` value would print them sorted).
    fn agrees_as_written(cols: &[OutColumn], tree: &PathTree, cells: &mut Cells, text: &str) {
        tree.read(text.as_bytes(), cells).unwrap();
        let parsed: Value = serde_json::from_str(text).unwrap();
        for (i, c) in cols.iter().enumerate() {
            assert_eq!(
                shown(cells.get(i)),
                shown(jsonpath::get(&parsed, &c.path)),
                "{} of {text}",
                c.path
            );
        }
    }

    #[test]
    fn keys_in_another_order_than_the_record_before_find_their_columns() {
        // 40-byte keys like Pipedrive's custom fields, differing only in their last byte; and
        // 10-byte keys differing only in the bytes past the last whole word.
        let a = "0123456789abcdef0123456789abcdef0123456a";
        let b = "0123456789abcdef0123456789abcdef0123456b";
        let paths = ["id", a, b, "owner.id", "owner.name", "abcdefghij"];
        let cols: Vec<OutColumn> = paths.iter().map(|p| col(p, false)).collect();
        let tree = PathTree::new(&cols);
        let mut cells = Cells::default();
        let owner = r#""owner": {"id": 5, "name": "Bo"}"#;
        for text in [
            format!(r#"{{"id": 1, "{a}": "a", "{b}": "b", {owner}, "abcdefghij": 1}}"#),
            format!(r#"{{"id": 2, "{a}": "a", "{b}": "b", {owner}, "abcdefghij": 2}}"#),
            // Swapped in place, nested keys swapped, the tail key one byte different.
            format!(
                r#"{{"id": 3, "{b}": "b3", "{a}": "a3", "owner": {{"name": "Di", "id": 6}}, "abcdefghik": 3}}"#
            ),
            // Keys left out, and an unknown key of a known key's length in its place.
            format!(r#"{{"ix": 4, "{a}": "a4", "abcdefghij": 4}}"#),
            format!(r#"{{"id": 5, "{b}": "b5", "owner": {{"id": 7}}}}"#),
            // An unknown key where a known one was, then back; a duplicate key.
            format!(r#"{{"id": 6, "x": 0, "{b}": "b6", {owner}, "id": 66}}"#),
            format!(r#"{{"id": 7, "{a}": "a7", "{b}": "b7", {owner}, "abcdefghij": 7}}"#),
            // An optional key present in every other record.
            format!(r#"{{"id": 8, "{a}": "a8", "extra": 1, "{b}": "b8", {owner}}}"#),
            format!(r#"{{"id": 9, "{a}": "a9", "{b}": "b9", {owner}}}"#),
            format!(r#"{{"id": 10, "{a}": "a10", "extra": 1, "{b}": "b10", {owner}}}"#),
        ] {
            agrees_as_written(&cols, &tree, &mut cells, &text);
        }
    }

    #[test]
    fn objects_with_many_or_changing_keys_remember_a_bounded_number() {
        let cols = vec![col("k5000", false), col("id", false)];
        let tree = PathTree::new(&cols);
        let mut cells = Cells::default();
        for round in 0..3 {
            let keys: Vec<String> = (0..10_000)
                .map(|k| format!(r#""k{}": {k}"#, (k + round * 7) % 10_000))
                .collect();
            let text = format!(r#"{{{}, "id": {round}}}"#, keys.join(", "));
            agrees_as_written(&cols, &tree, &mut cells, &text);
            let long = format!(r#"{{"{}": 1, "id": {round}}}"#, "x".repeat(1000));
            agrees_as_written(&cols, &tree, &mut cells, &long);
        }
        assert_eq!(cells.key_orders[0].keys.len(), KEY_ORDER_MAX);
        assert!(cells.key_orders[0]
            .keys
            .iter()
            .all(|(key, _)| key.len() <= KEY_ORDER_KEY_BYTES));
    }

    #[test]
    fn bad_utf8_fails_a_value_a_column_reads_but_not_one_skipped() {
        let cols = vec![col("a", false)];
        let tree = PathTree::new(&cols);
        let mut cells = Cells::default();
        let mut skipped = br#"{"a": "fine", "b": "X"}"#.to_vec();
        let at = skipped.iter().position(|b| *b == b'X').unwrap();
        skipped[at] = 0xff;
        tree.read(&skipped, &mut cells).unwrap();
        assert_eq!(cells.get(0), Some(&json!("fine")));
        let mut read = br#"{"a": "X", "b": 1}"#.to_vec();
        let at = read.iter().position(|b| *b == b'X').unwrap();
        read[at] = 0xff;
        assert!(tree.read(&read, &mut cells).is_err());
    }

    #[test]
    fn the_key_hash_tells_apart_keys_that_differ_in_one_byte_or_in_length() {
        let hash = |key: &str| {
            let mut h = KeyHasher::default();
            key.hash(&mut h);
            h.finish()
        };
        let keys = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefgi",
            "abcdefgh\0",
            "abcdefghi",
            "0123456789abcdef0123456789abcdef0123456a",
            "0123456789abcdef0123456789abcdef0123456b",
            "1123456789abcdef0123456789abcdef0123456a",
        ];
        let hashes: std::collections::HashSet<u64> = keys.iter().map(|k| hash(k)).collect();
        assert_eq!(hashes.len(), keys.len());
    }
}
