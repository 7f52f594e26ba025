//! A list page's body as it arrives: read piece by piece under MaxResponseSize, or handed out
//! whole from the result cache or a page read ahead; a body read to its end is given to the
//! result cache when the request had a ticket. It does not send requests or parse JSON.

use std::sync::Arc;

use reqwest::header::HeaderMap;
use reqwest::Url;

use super::page_buffers::PageBuffers;
use super::response_cache::{Cached, Ticket};
use crate::error::{ApiError, Error, Result};
use crate::http::body;

/// A successful response whose body is read as it arrives (a list page).
pub struct BodyStream {
    pub headers: HeaderMap,
    pub url: Url,
    pub(super) source: BodySource,
    /// The URL as messages show it.
    pub(super) shown: String,
    pub(super) limit: usize,
    pub(super) read: usize,
    /// The pieces read so far, kept for the result cache until the body ends.
    pub(super) tee: Option<Tee>,
    /// Where the body read whole goes back once it is read.
    pub(super) buffers: Option<Arc<PageBuffers>>,
}

/// Where a streamed body comes from.
pub(super) enum BodySource {
    Live(reqwest::Response),
    /// A cached body, handed out as one piece.
    Cached(Option<bytes::Bytes>),
}

/// A body on its way into the result cache.
pub(super) struct Tee {
    pub(super) ticket: Ticket,
    pub(super) pieces: Vec<u8>,
}

impl BodyStream {
    /// The body's length as its headers declare it.
    pub fn declared_length(&self) -> Option<u64> {
        self.headers
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    /// What to reserve for the body, so it is copied once rather than at every doubling: its
    /// declared length, but never more than MaxResponseSize or 8 MiB (a declared length is the
    /// server's word, not memory to hand out).
    pub fn size_hint(&self) -> usize {
        self.declared_length()
            .unwrap_or(0)
            .min(self.limit as u64)
            .min(8 << 20) as usize
    }

    /// Reads the whole body now (a page asked for ahead, so its answer is complete, and cached,
    /// whether or not its turn comes); [`BodyStream::chunk`] then hands it out in one piece.
    /// The body is gathered into memory kept from an earlier page (see [`PageBuffers`]).
    pub async fn read_whole(&mut self, buffers: &Arc<PageBuffers>) -> Result<()> {
        let mut whole = buffers.take(self.size_hint());
        while let Some(piece) = self.chunk().await? {
            whole.extend_from_slice(&piece);
        }
        self.source = BodySource::Cached(Some(whole.into()));
        self.buffers = Some(buffers.clone());
        Ok(())
    }

    /// A piece [`BodyStream::chunk`] handed out, once read: a body read whole keeps its memory
    /// for a later page.
    pub fn give_back(&self, piece: bytes::Bytes) {
        if let Some(buffers) = &self.buffers {
            buffers.give_back(piece);
        }
    }

    /// The next piece of the body, `None` at its end; past MaxResponseSize, an error.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>> {
        let piece = match &mut self.source {
            BodySource::Cached(body) => return Ok(body.take()),
            BodySource::Live(response) => response.chunk().await,
        };
        match piece {
            Ok(Some(piece)) => {
                self.read += piece.len();
                if self.read > self.limit {
                    return Err(too_large(&self.shown, self.limit));
                }
                if let Some(tee) = &mut self.tee {
                    tee.pieces.extend_from_slice(&piece);
                }
                Ok(Some(piece))
            }
            Ok(None) => {
                if let Some(tee) = self.tee.take() {
                    tee.ticket.store(Cached {
                        headers: self.headers.clone(),
                        body: tee.pieces.into(),
                    });
                }
                Ok(None)
            }
            Err(e) => Err(Error::new(ApiError::Unreachable, format!(
                "Reading the response from {} failed: {}; the rows read from it so far are not a complete result, retry the query",
                self.shown,
                error_chain(&e)
            ))),
        }
    }
}

pub(super) fn too_large(shown: &str, limit: usize) -> Error {
    Error::new(ApiError::TooLarge, format!(
        "The response from {shown} is larger than MaxResponseSize ({}); reading stopped there and no rows were returned for it. Ask for smaller pages (Pagesize) or raise MaxResponseSize",
        body::size_text(limit as u64)
    ))
}

/// A reqwest error with its causes, which hold the useful part ("connection refused").
pub(super) fn error_chain(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    // reqwest puts the URL (with credentials) in its message; drop it.
    match s.find(" for url (") {
        Some(i) => {
            let end = s[i..].find(')').map(|j| i + j + 1).unwrap_or(s.len());
            format!("{}{}", &s[..i], &s[end..])
        }
        None => s,
    }
}
