//! The buffers a page read ahead is gathered into, kept between pages of one scan. It owns
//! only memory: it does not read bodies or know what they hold.
//!
//! Why: a page read ahead waits whole until its turn. Held as the pieces the HTTP client read it
//! in, it keeps the client's read buffers shared, so every read needs a fresh allocation, and
//! the allocator hands memory back to the kernel between pages: each page then costs hundreds
//! of page faults (a tenth of a scan's CPU). Gathered into a buffer kept from an earlier page,
//! the pieces are released at once, the client reads into the memory it already has, and the
//! page's bytes land in memory already mapped.

use std::sync::Mutex;

/// The most memory kept for later pages; more is freed.
const KEEP_BYTES: usize = 16 << 20;

#[derive(Debug, Default)]
pub struct PageBuffers {
    spare: Mutex<Vec<Vec<u8>>>,
}

impl PageBuffers {
    /// An empty buffer for a body of about `bytes`: a kept one, or a new one.
    pub fn take(&self, bytes: usize) -> Vec<u8> {
        let kept = self.spare.lock().ok().and_then(|mut spare| spare.pop());
        let mut buffer = kept.unwrap_or_default();
        buffer.clear();
        buffer.reserve(bytes);
        buffer
    }

    /// Keeps the memory of `body` for a later page when nothing else holds it and the memory
    /// kept stays under its bound; otherwise it is simply dropped.
    pub fn give_back(&self, body: bytes::Bytes) {
        let Ok(mut unique) = body.try_into_mut() else {
            return;
        };
        // Emptied first, so that turning it back into a buffer moves no bytes.
        unique.clear();
        let buffer: Vec<u8> = unique.into();
        let Ok(mut spare) = self.spare.lock() else {
            return;
        };
        let kept: usize = spare.iter().map(Vec::capacity).sum();
        if kept + buffer.capacity() <= KEEP_BYTES {
            spare.push(buffer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_given_back_is_the_next_buffer_taken() {
        let buffers = PageBuffers::default();
        let mut first = buffers.take(1000);
        first.extend_from_slice(b"[1,2,3]");
        assert!(first.capacity() >= 1000);
        let at = first.as_ptr();
        let body = bytes::Bytes::from(first);
        buffers.give_back(body.clone());
        // Still shared: not kept.
        assert!(buffers.spare.lock().unwrap().is_empty());
        buffers.give_back(body);
        let second = buffers.take(10);
        assert_eq!((second.as_ptr(), second.len()), (at, 0));
        assert!(second.capacity() >= 1000);
    }

    #[test]
    fn memory_past_the_bound_is_freed() {
        let buffers = PageBuffers::default();
        // A body exactly as long as its buffer takes bytes' other representation.
        buffers.give_back(vec![7u8; KEEP_BYTES].into());
        buffers.give_back(vec![7u8; 16].into());
        let spare = buffers.spare.lock().unwrap();
        assert_eq!(spare.len(), 1);
        assert_eq!((spare[0].len(), spare[0].capacity()), (0, KEEP_BYTES));
    }
}
