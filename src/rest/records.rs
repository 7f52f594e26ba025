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
