//! Reading an HTTP response body with a ceiling, enforced while the bytes arrive: an endless or
//! enormous body stops at the limit with an error instead of growing the application's memory
//! until the system kills it. Error bodies get a few kilobytes, which is all a message needs.

/// Most bytes of an error response that are read for its message.
pub const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// Why a body was not read whole.
#[derive(Debug)]
pub enum BodyError {
    /// It is larger than the limit (by its Content-Length, or as it arrived).
    TooLarge,
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// The whole body, or [`BodyError::TooLarge`] as soon as it would pass `limit` bytes.
pub async fn read_limited(mut resp: reqwest::Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    if resp.content_length().is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let expected = resp.content_length().unwrap_or(0) as usize;
    let mut buf: Vec<u8> = Vec::with_capacity(expected.min(limit));
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Transport)? {
        if buf.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// At most `limit` bytes of the body (the start of an error message); the rest is not read.
pub async fn read_prefix(mut resp: reqwest::Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut buf: Vec<u8> = Vec::new();
    while buf.len() < limit {
        match resp.chunk().await.map_err(BodyError::Transport)? {
            Some(chunk) => {
                let room = limit - buf.len();
                buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            None => break,
        }
    }
    Ok(buf)
}

/// `bytes` as a person reads a size: `256 MiB`, `16 KiB`, `100 bytes`.
pub fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    const GIB: u64 = 1024 * MIB;
    match bytes {
        b if b >= GIB && b % GIB == 0 => format!("{} GiB", b / GIB),
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}
