//! Writes an object or array from the parser straight out as JSON text, byte for byte the text
//! `serde_json::Value` prints for it (compact, keys in sorted order, the last of duplicate keys),
//! without building the value: a JSON column of every record is text, and building each value
//! only to print and drop it was a tenth of a page's conversion. It owns that printing only; it
//! does not find values in records.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Appends the object whose entries `map` yields to `out`, as `Value`'s `to_string` would.
pub fn write_map<'de, A: MapAccess<'de>>(map: A, out: &mut Vec<u8>) -> Result<(), A::Error> {
    Writer { out }.visit_map(map)
}

/// Appends the array whose items `seq` yields to `out`, as `Value`'s `to_string` would.
pub fn write_seq<'de, A: SeqAccess<'de>>(seq: A, out: &mut Vec<u8>) -> Result<(), A::Error> {
    Writer { out }.visit_seq(seq)
}

/// Puts the entries of the object written at `out[start..]` in the order `Value` prints them
/// (by key, the last of equal keys only), for an object whose keys did not come sorted or
/// needed escapes. Only our own text is read again, and nothing but the keys is parsed: a float
/// parsed back need not be the float that was printed.
fn sort_object<E: serde::de::Error>(out: &mut Vec<u8>, start: usize) -> Result<(), E> {
    let inner = out[start + 1..out.len() - 1].to_vec();
    let mut entries: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    // Where the entry being read starts, and where its key (its first string) ends.
    let (mut from, mut key_end) = (0usize, None);
    for (i, &b) in inner.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                key_end.get_or_insert(i + 1);
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                entries.push(entry::<E>(&inner, from..i, key_end.take())?);
                from = i + 1;
            }
            _ => {}
        }
    }
    if from < inner.len() {
        entries.push(entry::<E>(&inner, from..inner.len(), key_end)?);
    }
    // A stable sort keeps equal keys in their order, so the last of them is the one kept.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    out.truncate(start + 1);
    let mut first = true;
    for (i, (key, range)) in entries.iter().enumerate() {
        if entries.get(i + 1).is_some_and(|next| next.0 == *key) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(&inner[range.clone()]);
    }
    out.push(b'}');
    Ok(())
}

/// One `"key":value` entry of our own text, whose key ends at `key_end`: its key, and where the
/// entry lies.
fn entry<E: serde::de::Error>(
    inner: &[u8],
    range: std::ops::Range<usize>,
    key_end: Option<usize>,
) -> Result<(String, std::ops::Range<usize>), E> {
    let key_end = key_end.ok_or_else(|| E::custom("an object entry without its key"))?;
    let key = serde_json::from_slice(&inner[range.start..key_end]).map_err(E::custom)?;
    Ok((key, range))
}

struct Writer<'o> {
    out: &'o mut Vec<u8>,
}

impl Writer<'_> {
    fn put<T: serde::Serialize + ?Sized, E: serde::de::Error>(&mut self, v: &T) -> Result<(), E> {
        serde_json::to_writer(&mut *self.out, v).map_err(E::custom)
    }
}

impl<'de> DeserializeSeed<'de> for Writer<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Writer<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: serde::de::Error>(mut self, b: bool) -> Result<(), E> {
        self.put(&b)
    }

    fn visit_i64<E: serde::de::Error>(mut self, n: i64) -> Result<(), E> {
        self.put(&n)
    }

    fn visit_u64<E: serde::de::Error>(mut self, n: u64) -> Result<(), E> {
        self.put(&n)
    }

    fn visit_f64<E: serde::de::Error>(mut self, n: f64) -> Result<(), E> {
        // Through Value, as it prints a float (and a non-finite one as null).
        self.put(&Value::from(n))
    }

    fn visit_str<E: serde::de::Error>(mut self, s: &str) -> Result<(), E> {
        self.put(s)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.out.push(b'[');
        let mut first = true;
        loop {
            if !first {
                self.out.push(b',');
            }
            let item = Writer {
                out: &mut *self.out,
            };
            if seq.next_element_seed(item)?.is_none() {
                if !first {
                    self.out.pop();
                }
                break;
            }
            first = false;
        }
        self.out.push(b']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let start = self.out.len();
        self.out.push(b'{');
        // The last key's text in `out`, without its quotes, to check the order.
        let mut last: Option<(usize, usize)> = None;
        let mut sorted = true;
        while let Some((key_at, plain)) = map.next_key_seed(KeyWriter {
            out: &mut *self.out,
            comma: last.is_some(),
        })? {
            let this = (key_at + 1, self.out.len() - 1);
            let in_order = last.is_none_or(|(a, b)| self.out[a..b] < self.out[this.0..this.1]);
            sorted &= plain && in_order;
            last = Some(this);
            self.out.push(b':');
            map.next_value_seed(Writer {
                out: &mut *self.out,
            })?;
        }
        self.out.push(b'}');
        if sorted {
            Ok(())
        } else {
            sort_object::<A::Error>(self.out, start)
        }
    }
}

/// Writes an object key (after a comma unless it is the first): where its text starts in `out`,
/// and whether it needed no escapes (so its text orders as the key does).
struct KeyWriter<'o> {
    out: &'o mut Vec<u8>,
    comma: bool,
}

impl<'de> DeserializeSeed<'de> for KeyWriter<'_> {
    type Value = (usize, bool);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(usize, bool), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyWriter<'_> {
    type Value = (usize, bool);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<(usize, bool), E> {
        if self.comma {
            self.out.push(b',');
        }
        let start = self.out.len();
        serde_json::to_writer(&mut *self.out, key).map_err(E::custom)?;
        Ok((start, self.out.len() - start == key.len() + 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `write_map`/`write_seq` append for `text`, read by serde_json.
    fn write(text: &str, out: &mut Vec<u8>) -> serde_json::Result<()> {
        struct Top<'o>(&'o mut Vec<u8>);
        impl<'de> Visitor<'de> for Top<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or array")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
                write_map(map, self.0)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
                write_seq(seq, self.0)
            }
        }
        serde_json::Deserializer::from_str(text).deserialize_any(Top(out))
    }

    fn written(text: &str) -> String {
        let mut out = b"prefix:".to_vec();
        write(text, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_text_is_what_value_prints() {
        for text in [
            r#"{"a": 1, "b": [true, false, null], "c": {"d": "e"}}"#,
            r#"[]"#,
            r#"{}"#,
            r#"[{}, [], [[1]], -0, 1.0, 1e3, 2.5e-7, 18446744073709551615, -9223372036854775808]"#,
            r#"{"z": 1, "a": 2, "m": {"y": 1, "b": 2}}"#,
            r#"{"k": 1, "k": 2}"#,
            r#"{"é": "\u00e9\n\t\"\\\/", "e\u0301": 1, "\u0000": "\u001f"}"#,
            r#"[ {"label" : "work", "value" : "a@b.c", "primary" : true} ]"#,
            r#"{"ab": 1, "ab!": 2, "a": 3}"#,
            // Floats that do not read back as printed: never parsed again when sorting.
            r#"{"z": 22162.449390926685, "a": 1}"#,
            r#"{"b": 4e-225, "a": 1, "b": [{"y": 0.1, "x": 1e300}]}"#,
            r#"{"a\"b": 1, "a": {"k,": "v}", "j": "]"}, "a,b": [1, "x:y"]}"#,
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(written(text), format!("prefix:{value}"), "{text}");
        }
    }

    #[test]
    fn broken_json_is_an_error() {
        for bad in [r#"{"a": tru}"#, r#"{"a": [1,}"#, r#"{"a" 1}"#] {
            assert!(write(bad, &mut Vec::new()).is_err(), "{bad}");
        }
    }
}
