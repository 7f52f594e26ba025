//! Text crossing the C boundary. `SQLCHAR` text is UTF-8 and `SQLWCHAR` text is UTF-16 (UCS-4
//! under an older iODBC: `crate::wchar`); each
//! export is generic over [`Encoding`] so ANSI and Unicode share one implementation. Input lengths
//! may be `SQL_NTS`; output lengths are counted in characters or bytes as the function's spec
//! says ([`LengthUnit`]). Truncated output never splits a UTF-8 sequence or a surrogate pair.

use crate::error::{state, Error, Result};
use crate::ffi::AppPtr;
use crate::odbc::returns::SQL_NTS;

/// How a function counts the length of its text arguments.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LengthUnit {
    /// Code units of the encoding: bytes for ANSI, UTF-16 units for Unicode.
    Characters,
    /// Bytes, whatever the encoding (SQLGetInfoW, SQLColAttributeW, attribute values, data).
    Bytes,
}

/// What was written to an output buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// The full length of the value in the function's unit, without the terminator.
    pub full_len: usize,
    pub truncated: bool,
}

pub trait Encoding: 'static {
    /// Bytes per code unit.
    fn unit() -> usize;
    fn encode(s: &str) -> Vec<u8>;
    fn decode(bytes: &[u8]) -> Result<String>;
    /// The longest prefix of `encoded` no longer than `max` bytes that ends on a character boundary.
    fn boundary(encoded: &[u8], max: usize) -> usize;
}

pub struct Narrow;
pub struct Wide;

impl Encoding for Narrow {
    fn unit() -> usize {
        1
    }

    fn encode(s: &str) -> Vec<u8> {
        s.as_bytes().to_vec()
    }

    fn decode(bytes: &[u8]) -> Result<String> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            // ANSI applications in a Latin-1 locale send bytes that are not UTF-8; keep them
            // readable rather than failing the call.
            Err(_) => Ok(bytes.iter().map(|b| *b as char).collect()),
        }
    }

    fn boundary(encoded: &[u8], max: usize) -> usize {
        let mut end = max.min(encoded.len());
        while end > 0 && end < encoded.len() && (encoded[end] & 0xC0) == 0x80 {
            end -= 1;
        }
        end
    }
}

impl Encoding for Wide {
    fn unit() -> usize {
        crate::wchar::unit()
    }

    fn encode(s: &str) -> Vec<u8> {
        crate::wchar::encode(s)
    }

    fn decode(bytes: &[u8]) -> Result<String> {
        crate::wchar::decode(bytes).map_err(|what| {
            Error::new(
                state::INVALID_CHARACTER_VALUE,
                format!("The text is not valid {what}; send well-formed wide text"),
            )
        })
    }

    fn boundary(encoded: &[u8], max: usize) -> usize {
        crate::wchar::boundary(encoded, max)
    }
}

/// Reads an input string given as pointer + length in code units (`SQL_NTS` = NUL-terminated).
/// A null pointer is `None`.
pub fn read_input<E: Encoding>(ptr: AppPtr, len: isize) -> Result<Option<String>> {
    if ptr.is_null() {
        return Ok(None);
    }
    let bytes = if len == SQL_NTS {
        ptr.read_nul_terminated(E::unit(), usize::MAX / 2)
    } else if len < 0 {
        return Err(Error::new(
            state::INVALID_STRING_OR_BUFFER_LENGTH,
            format!("The string length {len} is invalid; pass a length >= 0 or SQL_NTS"),
        ));
    } else {
        ptr.read_bytes(len as usize * E::unit())
    };
    E::decode(&bytes).map(Some)
}

/// Writes `value` NUL-terminated into a buffer of `buffer_len` units (or bytes, per `unit`).
pub fn write_output<E: Encoding>(
    ptr: AppPtr,
    buffer_len: isize,
    unit: LengthUnit,
    value: &str,
) -> Written {
    let encoded = E::encode(value);
    let full_len = match unit {
        LengthUnit::Characters => encoded.len() / E::unit(),
        LengthUnit::Bytes => encoded.len(),
    };
    let capacity_bytes = match unit {
        LengthUnit::Characters => buffer_len.max(0) as usize * E::unit(),
        LengthUnit::Bytes => buffer_len.max(0) as usize,
    };
    if ptr.is_null() || capacity_bytes < E::unit() {
        return Written {
            full_len,
            truncated: !encoded.is_empty() || !ptr.is_null() && capacity_bytes < E::unit(),
        };
    }
    let room = capacity_bytes - E::unit();
    let take = if encoded.len() <= room {
        encoded.len()
    } else {
        E::boundary(&encoded, room)
    };
    ptr.with_slice_mut(take + E::unit(), |slice| {
        if let Some(slice) = slice {
            slice[..take].copy_from_slice(&encoded[..take]);
            slice[take..].fill(0);
        }
    });
    Written {
        full_len,
        truncated: take < encoded.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_truncation_keeps_surrogate_pairs_whole() {
        let mut buf = [0xFFu8; 6];
        let w = write_output::<Wide>(
            // SAFETY: `buf` is a live local buffer of the 6 bytes given.
            unsafe { AppPtr::new(buf.as_mut_ptr()) },
            6,
            LengthUnit::Bytes,
            "a🙂b",
        );
        assert!(w.truncated);
        assert_eq!(w.full_len, 8);
        // Room for two units before the NUL: 'a', then half of the pair, which must not be written.
        assert_eq!(&buf[..4], &[b'a', 0, 0, 0]);
    }

    #[test]
    fn narrow_truncation_keeps_utf8_sequences_whole() {
        let mut buf = [0xFFu8; 4];
        let w = write_output::<Narrow>(
            // SAFETY: `buf` is a live local buffer of the 4 bytes given.
            unsafe { AppPtr::new(buf.as_mut_ptr()) },
            4,
            LengthUnit::Characters,
            "aéé",
        );
        assert!(w.truncated);
        assert_eq!(w.full_len, 5);
        assert_eq!(&buf[..4], &[b'a', 0xC3, 0xA9, 0]);
    }
}
