//! Finds a page's records array in a JSON body while the body is still arriving, and hands out
//! each record's bytes as soon as the record is complete, so a page of 200,000 records is
//! converted a batch at a time instead of being held whole as parsed JSON. Everything outside the
//! array (pagination fields, totals, error objects) is kept as `rest`, with the array left empty,
//! for the pager to read once the page is done.
//!
//! It is a structural scanner only: it follows strings, escapes, objects and arrays to know where
//! each value starts and ends, and leaves parsing to serde_json. The records path is matched by
//! object keys as written in the body (a key spelled with escapes, or a path with an array
//! index, is not matched; the pager then finds the records in `rest` as before).

/// The bytes that can change the scanner's state outside a string.
static STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    let bytes = *b"\"{}[],:";
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// The bytes that can change the scanner's state inside the records array, outside a string.
static IN_RECORDS: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    let bytes = *b"\"{}[],";
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Where the string that `bytes` continues stops: its first quote or backslash. Most strings in
/// a record are short (keys, names, dates), where a call into `memchr` costs more than the
/// search, so the first bytes are searched eight at a time in a word; a long text then goes to
/// `memchr`, which is faster over a long run.
fn string_stop(bytes: &[u8]) -> Option<usize> {
    const SHORT: usize = 64;
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const QUOTES: u64 = u64::from_ne_bytes([b'"'; 8]);
    const BACKSLASHES: u64 = u64::from_ne_bytes([b'\\'; 8]);
    // The high bit of each byte that is zero; a false one can only follow a true one.
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let words = bytes.len().min(SHORT) / 8;
    for (n, word) in bytes.chunks_exact(8).take(words).enumerate() {
        let word = u64::from_le_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]);
        let found = zero_bytes(word ^ QUOTES) | zero_bytes(word ^ BACKSLASHES);
        if found != 0 {
            return Some(n * 8 + found.trailing_zeros() as usize / 8);
        }
    }
    let from = words * 8;
    if bytes.len() - from < 8 {
        return bytes[from..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\')
            .map(|p| from + p);
    }
    memchr::memchr2(b'"', b'\\', &bytes[from..]).map(|p| from + p)
}

/// One open object or array.
struct Open {
    is_object: bool,
    /// Whether the keys from the root to this container are the records path's first ones.
    on_path: bool,
    /// Objects: the next string is a key.
    expect_key: bool,
    /// Objects: the last key read, for the value that follows it.
    key: Option<Vec<u8>>,
}

pub struct RecordSplitter {
    path: Vec<Vec<u8>>,
    /// False when the path has an array index: nothing is streamed.
    streamable: bool,
    stack: Vec<Open>,
    in_string: bool,
    escape: bool,
    string_is_key: bool,
    key_buf: Vec<u8>,
    /// The stack depth of the records array while inside it.
    records_at: Option<usize>,
    /// Inside the records array: how deep in the current record (0: between records). Records'
    /// own objects and arrays are counted, not pushed on `stack`.
    depth: usize,
    streamed: bool,
    /// Why the body cannot be split (too deep, the records array twice); nothing more is read.
    broken: Option<&'static str>,
    record: Vec<u8>,
    rest: Vec<u8>,
}

/// Deeper nesting than this is no API response (serde_json itself stops at 128), and each level
/// costs memory here: an error, not gigabytes for a body of `[`.
const MAX_DEPTH: usize = 256;

impl RecordSplitter {
    /// A splitter for the records at `records_path` (`""` or `$`: the body is the array).
    pub fn new(records_path: &str) -> RecordSplitter {
        let path: Vec<Vec<u8>> = if records_path.is_empty() || records_path == "$" {
            Vec::new()
        } else {
            records_path
                .split('.')
                .map(|s| s.as_bytes().to_vec())
                .collect()
        };
        let streamable = path
            .iter()
            .all(|seg| !seg.is_empty() && !seg.iter().all(u8::is_ascii_digit));
        RecordSplitter {
            path,
            streamable,
            stack: Vec::new(),
            in_string: false,
            escape: false,
            string_is_key: false,
            key_buf: Vec::new(),
            records_at: None,
            depth: 0,
            streamed: false,
            broken: None,
            record: Vec::new(),
            rest: Vec::new(),
        }
    }

    /// Feeds the next bytes of the body; `out` is called with each complete record's bytes.
    pub fn feed(&mut self, bytes: &[u8], out: &mut impl FnMut(&[u8])) {
        let mut i = 0;
        while i < bytes.len() && self.broken.is_none() {
            if self.records_at.is_some() {
                i = self.feed_records(bytes, i, out);
                continue;
            }
            // Runs of bytes that change no state (string contents, numbers, blanks) are copied
            // whole; only the bytes that may change it go through `byte`.
            let end = if self.in_string {
                if self.escape {
                    self.byte(bytes[i]);
                    i += 1;
                    continue;
                }
                memchr::memchr2(b'"', b'\\', &bytes[i..]).map_or(bytes.len(), |p| i + p)
            } else {
                let mut j = i;
                while j < bytes.len() && !STRUCTURAL[bytes[j] as usize] {
                    j += 1;
                }
                j
            };
            if end > i {
                self.run(&bytes[i..end]);
            }
            if end < bytes.len() {
                self.byte(bytes[end]);
            }
            i = end + 1;
        }
    }

    /// Inside the records array, where most of a body is: only nesting and strings matter, so
    /// the bytes are not copied one by one but handed out a record at a time, straight from
    /// `bytes` when the record began in this piece. Returns where the array ended, or the end of
    /// `bytes`.
    fn feed_records(&mut self, bytes: &[u8], mut i: usize, out: &mut impl FnMut(&[u8])) -> usize {
        let mut start = i;
        let depth_left = MAX_DEPTH.saturating_sub(self.stack.len());
        while i < bytes.len() {
            if self.in_string {
                if self.escape {
                    self.escape = false;
                    i += 1;
                    continue;
                }
                match string_stop(&bytes[i..]) {
                    Some(p) => {
                        i += p;
                        if bytes[i] == b'\\' {
                            self.escape = true;
                        } else {
                            self.in_string = false;
                        }
                        i += 1;
                    }
                    None => i = bytes.len(),
                }
                continue;
            }
            // Numbers, literals, blanks and colons change nothing here.
            while i < bytes.len() && !IN_RECORDS[bytes[i] as usize] {
                i += 1;
            }
            let Some(&b) = bytes.get(i) else { break };
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => {
                    self.depth += 1;
                    if self.depth >= depth_left {
                        self.broken = Some("it nests more than 256 levels deep");
                        return bytes.len();
                    }
                }
                b @ (b'}' | b']') if self.depth == 0 => {
                    if b == b'}' {
                        self.broken = Some("its records array is not valid JSON");
                        return bytes.len();
                    }
                    self.record_done(&bytes[start..i], out);
                    self.records_at = None;
                    self.streamed = true;
                    self.stack.pop();
                    self.rest.push(b);
                    return i + 1;
                }
                b'}' | b']' => self.depth -= 1,
                b',' if self.depth == 0 => {
                    self.record_done(&bytes[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        self.record.extend_from_slice(&bytes[start..]);
        bytes.len()
    }

    /// A record ends with `tail`: handed out from `tail` itself when it all arrived in this
    /// piece, else from the one buffer that gathers a record over pieces (then reused). Blanks
    /// alone (`[ ]`) are no record.
    fn record_done(&mut self, tail: &[u8], out: &mut impl FnMut(&[u8])) {
        let whole = if self.record.is_empty() {
            tail
        } else {
            self.record.extend_from_slice(tail);
            &self.record
        };
        if whole.iter().any(|b| !b.is_ascii_whitespace()) {
            out(whole);
        }
        self.record.clear();
    }

    /// Bytes that change no state: kept where the current byte would go.
    fn run(&mut self, bytes: &[u8]) {
        if self.in_string && self.string_is_key {
            self.key_buf.extend_from_slice(bytes);
        }
        self.rest.extend_from_slice(bytes);
    }

    /// The body without the records (`[]` in their place), and whether the records were found
    /// as an array and handed out.
    pub fn finish(self) -> (Vec<u8>, bool) {
        (self.rest, self.streamed)
    }

    /// Why the body could not be split, once that is known.
    pub fn broken(&self) -> Option<&'static str> {
        self.broken
    }

    /// One byte outside the records array.
    fn byte(&mut self, b: u8) {
        if self.in_string {
            if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
                if self.string_is_key {
                    if let Some(top) = self.stack.last_mut() {
                        top.key = Some(std::mem::take(&mut self.key_buf));
                    }
                }
            }
            if self.string_is_key && self.in_string {
                self.key_buf.push(b);
            }
            self.rest.push(b);
            return;
        }
        match b {
            b'"' => {
                self.in_string = true;
                self.string_is_key = self
                    .stack
                    .last()
                    .is_some_and(|top| top.is_object && top.expect_key);
                self.key_buf.clear();
                self.rest.push(b);
            }
            b':' => {
                if let Some(top) = self.stack.last_mut() {
                    top.expect_key = false;
                }
                self.rest.push(b);
            }
            b',' => {
                if let Some(top) = self.stack.last_mut() {
                    if top.is_object {
                        top.expect_key = true;
                        top.key = None;
                    }
                }
                self.rest.push(b);
            }
            b'{' | b'[' => {
                let on_path = self.value_on_path();
                let depth = self.stack.len();
                if depth >= MAX_DEPTH {
                    self.broken = Some("it nests more than 256 levels deep");
                    return;
                }
                if b == b'['
                    && self.streamed
                    && self.streamable
                    && on_path
                    && depth == self.path.len()
                {
                    // JSON parsers keep the last of two equal keys; the records already handed
                    // out came from the first: neither answer is safe.
                    self.broken = Some("it holds the records array twice");
                    return;
                }
                self.stack.push(Open {
                    is_object: b == b'{',
                    on_path,
                    expect_key: b == b'{',
                    key: None,
                });
                let is_records = b == b'['
                    && !self.streamed
                    && self.streamable
                    && on_path
                    && depth == self.path.len();
                self.rest.push(b);
                if is_records {
                    self.records_at = Some(self.stack.len());
                    self.depth = 0;
                }
            }
            b'}' | b']' => {
                self.stack.pop();
                self.rest.push(b);
            }
            _ => self.rest.push(b),
        }
    }

    /// Whether a value starting now sits on the records path (its parents' keys match).
    fn value_on_path(&self) -> bool {
        match self.stack.last() {
            None => true,
            Some(top) if !top.on_path || !top.is_object => false,
            Some(top) => {
                let depth = self.stack.len() - 1;
                matches!(
                    (self.path.get(depth), &top.key),
                    (Some(seg), Some(key)) if seg == key
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn a_string_stops_at_its_first_quote_or_backslash_at_any_length() {
        let naive = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\');
        for len in 0..150 {
            for stop in [
                None,
                Some(0),
                Some(7),
                Some(8),
                Some(63),
                Some(64),
                Some(len / 2),
            ] {
                for mark in [b'"', b'\\'] {
                    // Bytes just above and below the marks, and the high bytes of UTF-8.
                    let mut text: Vec<u8> =
                        (0..len).map(|i| [b'!', b'#', b'[', 0xC3][i % 4]).collect();
                    if let Some(at) = stop.filter(|&at| at < len) {
                        text[at] = mark;
                        text.iter_mut()
                            .skip(at + 1)
                            .step_by(5)
                            .for_each(|b| *b = b'"');
                    }
                    assert_eq!(string_stop(&text), naive(&text), "len {len}, stop {stop:?}");
                }
            }
        }
    }

    /// Splits `body` fed in pieces of `step` bytes: the records as JSON, and the rest.
    fn split(path: &str, body: &str, step: usize) -> (Vec<Value>, Value, bool) {
        let mut s = RecordSplitter::new(path);
        let mut raw: Vec<Vec<u8>> = Vec::new();
        for piece in body.as_bytes().chunks(step.max(1)) {
            s.feed(piece, &mut |r: &[u8]| raw.push(r.to_vec()));
        }
        let (rest, streamed) = s.finish();
        let records = raw
            .iter()
            .map(|r| serde_json::from_slice(r).expect("a record"))
            .collect();
        (
            records,
            serde_json::from_slice(&rest).expect("the rest"),
            streamed,
        )
    }

    #[test]
    fn records_at_a_nested_path_come_out_one_by_one_in_any_piece_size() {
        let body = json!({
            "success": true,
            "_embedded": {"other": [1, 2], "contacts": [
                {"id": 1, "name": "a, \"quoted\" ] }", "tags": [{"x": [1, 2]}]},
                {"id": 2, "name": "b\\\\"},
                {"id": 3, "nested": {"contacts": [9]}}
            ]},
            "page": {"totalPages": 3}
        })
        .to_string();
        for step in [1, 2, 7, 64, body.len()] {
            let (records, rest, streamed) = split("_embedded.contacts", &body, step);
            assert!(streamed);
            assert_eq!(records.len(), 3, "step {step}");
            assert_eq!(records[0]["name"], "a, \"quoted\" ] }");
            assert_eq!(records[1]["name"], "b\\\\");
            assert_eq!(records[2]["nested"]["contacts"], json!([9]));
            assert_eq!(rest["_embedded"]["contacts"], json!([]));
            assert_eq!(rest["_embedded"]["other"], json!([1, 2]));
            assert_eq!(rest["page"]["totalPages"], 3);
        }
    }

    #[test]
    fn a_top_level_array_and_scalars() {
        let (records, rest, streamed) = split("", "[ {\"a\":1} , 2, \"x\" , null ]", 3);
        assert!(streamed);
        assert_eq!(
            records,
            vec![json!({"a": 1}), json!(2), json!("x"), json!(null)]
        );
        assert_eq!(rest, json!([]));
        let (records, _, streamed) = split("data", "{\"data\": []}", 1);
        assert!(streamed && records.is_empty());
    }

    #[test]
    fn what_is_not_an_array_at_the_path_stays_in_the_rest() {
        for body in [
            r#"{"data": null, "error": "no"}"#,
            r#"{"meta": {"data": [1]}}"#,
            r#"{"data": {"items": [1]}}"#,
            r#"[{"data": [1]}]"#,
        ] {
            let (records, rest, streamed) = split("data", body, 5);
            assert!(!streamed, "{body}");
            assert!(records.is_empty(), "{body}");
            assert_eq!(rest, serde_json::from_str::<Value>(body).unwrap(), "{body}");
        }
        // A path with an array index is never streamed.
        let (_, rest, streamed) = split("data.0.items", r#"{"data": [{"items": [1]}]}"#, 4);
        assert!(!streamed);
        assert_eq!(rest["data"][0]["items"], json!([1]));
    }

    #[test]
    fn too_deep_and_twice_are_errors() {
        let mut s = RecordSplitter::new("data");
        s.feed("[".repeat(100_000).as_bytes(), &mut |_: &[u8]| {});
        assert!(s.broken().is_some_and(|why| why.contains("256 levels")));
        let mut s = RecordSplitter::new("data");
        s.feed(br#"{"data": [1, 2], "data": [3]}"#, &mut |_: &[u8]| {});
        assert!(s.broken().is_some_and(|why| why.contains("twice")));
        let mut s = RecordSplitter::new("data");
        let deep = format!("{{\"data\": [{}", "[".repeat(300));
        s.feed(deep.as_bytes(), &mut |_: &[u8]| {});
        assert!(s.broken().is_some_and(|why| why.contains("256 levels")));
        let mut s = RecordSplitter::new("data");
        s.feed(br#"{"data": [{"a": 1}}, 2]}"#, &mut |_: &[u8]| {});
        assert!(s.broken().is_some_and(|why| why.contains("not valid JSON")));
    }

    #[test]
    fn a_cut_body_leaves_a_rest_that_is_not_json() {
        let mut s = RecordSplitter::new("data");
        let mut out: Vec<Vec<u8>> = Vec::new();
        s.feed(br#"{"data": [{"id": 1}, {"id": 2"#, &mut |r: &[u8]| {
            out.push(r.to_vec())
        });
        assert_eq!(out.len(), 1);
        let (rest, _) = s.finish();
        assert!(serde_json::from_slice::<Value>(&rest).is_err());
    }
}
