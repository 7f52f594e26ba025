//! A chunk of a page's records as the pager hands them out: the bytes of the records streamed out
//! of the body, not parsed yet (the converter reads them straight into Arrow builders), then any
//! records that were only found once the body was parsed whole. It owns the bytes and the source
//! for messages; it must not interpret records.

use serde_json::Value;

use crate::error::{ApiError, Error, Result};

#[derive(Debug, Default)]
pub struct Records {
    /// The streamed records' bytes, one after another.
    bytes: Vec<u8>,
    /// Where each streamed record ends in `bytes`.
    ends: Vec<usize>,
    /// Records parsed already; they come after the streamed ones.
    parsed: Vec<Value>,
    /// The masked URL of the page, for messages.
    source: String,
}

impl Records {
    pub fn new(source: &str) -> Records {
        Records {
            source: source.to_string(),
            ..Records::default()
        }
    }

    /// A chunk whose records' bytes will likely take `bytes`.
    pub fn with_capacity(source: &str, bytes: usize) -> Records {
        Records {
            bytes: Vec::with_capacity(bytes),
            ..Records::new(source)
        }
    }

    /// `spare` emptied for the records of `source`, keeping its buffers, or a new chunk when there
    /// is none. A chunk is hundreds of kilobytes: writing it into memory already mapped, rather
    /// than into a fresh allocation the kernel must fault in page by page, saves a fifth of a
    /// scan's system time.
    pub fn reuse(spare: Option<Records>, source: &str, bytes: usize) -> Records {
        let Some(mut chunk) = spare else {
            return Records::with_capacity(source, bytes);
        };
        chunk.bytes.clear();
        chunk.bytes.reserve(bytes);
        chunk.ends.clear();
        chunk.parsed.clear();
        chunk.source.clear();
        chunk.source.push_str(source);
        chunk
    }

    /// The bytes of the streamed records.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn push_raw(&mut self, record: &[u8]) {
        self.bytes.extend_from_slice(record);
        self.ends.push(self.bytes.len());
    }

    pub fn extend_parsed(&mut self, records: Vec<Value>) {
        self.parsed.extend(records);
    }

    pub fn len(&self) -> usize {
        self.ends.len() + self.parsed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps the first `n` records.
    pub fn truncate(&mut self, n: usize) {
        if n <= self.ends.len() {
            self.ends.truncate(n);
            self.bytes.truncate(self.ends.last().copied().unwrap_or(0));
            self.parsed.clear();
        } else {
            self.parsed.truncate(n - self.ends.len());
        }
    }

    /// The streamed records' bytes, in order.
    pub fn raw(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let record = &self.bytes[start..end];
            start = end;
            record
        })
    }

    pub fn parsed(&self) -> &[Value] {
        &self.parsed
    }

    /// Every record parsed, in order; a streamed record that is not JSON is the page's error.
    pub fn into_values(self) -> Result<Vec<Value>> {
        let mut out = self.raw_values()?;
        out.extend(self.parsed);
        Ok(out)
    }

    /// Like [`Records::into_values`], keeping the chunk.
    pub fn to_values(&self) -> Result<Vec<Value>> {
        let mut out = self.raw_values()?;
        out.extend(self.parsed.iter().cloned());
        Ok(out)
    }

    /// The streamed records parsed.
    fn raw_values(&self) -> Result<Vec<Value>> {
        let mut out = Vec::with_capacity(self.len());
        for record in self.raw() {
            out.push(serde_json::from_slice(record).map_err(|e| self.not_json(&e))?);
        }
        Ok(out)
    }

    pub fn not_json(&self, e: &serde_json::Error) -> Error {
        not_json(&self.source, e)
    }
}

pub fn not_json(shown: &str, e: &serde_json::Error) -> Error {
    Error::new(
        ApiError::Broken,
        format!(
            "The response from {shown} is not valid JSON ({e}); the body may be truncated, so the rows read from it are not a complete result. Retry the query"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_chunk_starts_empty_with_its_memory_kept() {
        let mut first = Records::with_capacity("http://api.test/a", 64);
        first.push_raw(br#"{"id":1}"#);
        first.extend_parsed(vec![serde_json::json!({"id": 2})]);
        let kept = first.bytes.as_ptr();
        let next = Records::reuse(Some(first), "http://api.test/b", 16);
        assert!(next.is_empty());
        assert_eq!((next.byte_len(), next.parsed().len()), (0, 0));
        assert_eq!(next.bytes.as_ptr(), kept);
        let e = next.not_json(&serde_json::from_slice::<Value>(b"{").unwrap_err());
        assert!(e.message.contains("http://api.test/b"), "{}", e.message);

        let mut fresh = Records::reuse(None, "http://api.test/c", 16);
        fresh.push_raw(b"[]");
        assert_eq!(fresh.to_values().unwrap(), vec![serde_json::json!([])]);
    }
}
