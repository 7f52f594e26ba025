//! Values into the variable-length C types: SQL_C_CHAR (UTF-8, NUL-terminated), SQL_C_WCHAR
//! (native-endian UTF-16, 2-byte NUL, lengths in bytes) and SQL_C_BINARY, with truncation that
//! fills every chunk of a chunked read, splitting a character between SQLGetData calls when needed.
//! Also SQL_C_GUID, which is parsed from text.

use crate::error::{state, Error, Result};
use crate::handles::c_types::name;

use super::text_form::{cell_text, Shape};
use super::value::Cell;
use super::{show, unsupported, CellOutcome, ChunkState, Place};
use crate::odbc::c_types::{SQL_C_CHAR, SQL_C_GUID, SQL_C_WCHAR};

fn len_isize(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

fn too_small(text: &str, need: usize, have: usize, c_type: i16, place: Place) -> Error {
    Error::new(
        state::NUMERIC_OUT_OF_RANGE,
        format!(
            "The value {} ({place}) needs a {} buffer of at least {need} bytes, but the buffer has {have}; bind a larger buffer",
            show(text),
            name(c_type)
        ),
    )
}

/// A number, date or time as text: the whole part must fit, trailing fractional digits may be
/// dropped (reported as truncated); nothing is returned by later calls. `unit` is 1 for CHAR and
/// 2 for WCHAR; the text is ASCII so one character is one unit.
fn write_whole_text(
    text: &str,
    whole: usize,
    unit: usize,
    buffer: Option<&mut [u8]>,
    chunk: &mut ChunkState,
    c_type: i16,
    place: Place,
) -> Result<CellOutcome> {
    let total = text.len() * unit;
    let indicator = len_isize(total);
    let Some(buf) = buffer else {
        return Ok(CellOutcome::Value {
            indicator,
            truncated: false,
        });
    };
    if buf.is_empty() {
        // Only asking for the length: nothing is consumed.
        return Ok(CellOutcome::Value {
            indicator,
            truncated: true,
        });
    }
    let room = buf.len().saturating_sub(unit) / unit;
    if room < whole {
        return Err(too_small(
            text,
            (whole + 1) * unit,
            buf.len(),
            c_type,
            place,
        ));
    }
    let mut n = room.min(text.len());
    let truncated = n < text.len();
    if truncated && n > 0 && text.as_bytes().get(n - 1) == Some(&b'.') {
        n -= 1;
    }
    let part = text.get(..n).unwrap_or(text);
    write_units(buf, part, unit);
    chunk.offset = ChunkState::DONE;
    Ok(CellOutcome::Value {
        indicator,
        truncated,
    })
}

/// Write `part` (which fits) plus a NUL terminator in UTF-8 (`unit` 1) or as SQLWCHAR.
fn write_units(buf: &mut [u8], part: &str, unit: usize) {
    if unit == 1 {
        let n = part.len();
        buf[..n].copy_from_slice(part.as_bytes());
        buf[n] = 0;
    } else {
        let units = crate::wchar::units(part);
        for (slot, u) in buf.chunks_exact_mut(unit).zip(units.into_iter().chain([0])) {
            crate::wchar::put(slot, u);
        }
    }
}

/// SQL_C_CHAR.
pub(crate) fn write_char(
    cell: &Cell<'_>,
    buffer: Option<&mut [u8]>,
    chunk: &mut ChunkState,
    place: Place,
) -> Result<CellOutcome> {
    let (text, shape) = cell_text(cell);
    if let Shape::Whole(whole) = shape {
        return write_whole_text(&text, whole, 1, buffer, chunk, SQL_C_CHAR, place);
    }
    // Chunks fill the whole buffer, splitting a UTF-8 sequence across two calls when needed:
    // applications concatenate the chunks (the spec's long-data pattern), and a short chunk would
    // leave a NUL inside their text.
    let bytes = text.as_bytes();
    let start = chunk.offset.min(bytes.len());
    if start >= bytes.len() && start > 0 {
        chunk.offset = ChunkState::DONE;
        return Ok(CellOutcome::NoMoreData);
    }
    let rest = &bytes[start..];
    let indicator = len_isize(rest.len());
    let Some(buf) = buffer else {
        return Ok(CellOutcome::Value {
            indicator,
            truncated: false,
        });
    };
    if buf.is_empty() {
        return Ok(CellOutcome::Value {
            indicator,
            truncated: true,
        });
    }
    let room = buf.len() - 1;
    let n = rest.len().min(room);
    buf[..n].copy_from_slice(&rest[..n]);
    buf[n] = 0;
    let truncated = n < rest.len();
    chunk.offset = if truncated {
        start + n
    } else {
        ChunkState::DONE
    };
    Ok(CellOutcome::Value {
        indicator,
        truncated,
    })
}

/// SQL_C_WCHAR (`crate::wchar`: UTF-16, or UCS-4 under an older iODBC). `chunk.offset` counts
/// bytes of it.
pub(crate) fn write_wchar(
    cell: &Cell<'_>,
    buffer: Option<&mut [u8]>,
    chunk: &mut ChunkState,
    place: Place,
) -> Result<CellOutcome> {
    let unit = crate::wchar::unit();
    let (text, shape) = cell_text(cell);
    if let Shape::Whole(whole) = shape {
        return write_whole_text(&text, whole, unit, buffer, chunk, SQL_C_WCHAR, place);
    }
    let units = crate::wchar::units(&text);
    // As for SQL_C_CHAR, chunks fill the buffer and may split a surrogate pair between calls.
    let start = (chunk.offset / unit).min(units.len());
    if start >= units.len() && start > 0 {
        chunk.offset = ChunkState::DONE;
        return Ok(CellOutcome::NoMoreData);
    }
    let rest = &units[start..];
    let indicator = len_isize(rest.len() * unit);
    let Some(buf) = buffer else {
        return Ok(CellOutcome::Value {
            indicator,
            truncated: false,
        });
    };
    if buf.len() < unit {
        return Ok(CellOutcome::Value {
            indicator,
            truncated: true,
        });
    }
    let room = (buf.len() - unit) / unit;
    let n = rest.len().min(room);
    for (slot, u) in buf.chunks_exact_mut(unit).zip(rest[..n].iter().chain([&0])) {
        crate::wchar::put(slot, *u);
    }
    let truncated = n < rest.len();
    chunk.offset = if truncated {
        (start + n) * unit
    } else {
        ChunkState::DONE
    };
    Ok(CellOutcome::Value {
        indicator,
        truncated,
    })
}

/// SQL_C_BINARY from text (its UTF-8 bytes), binary (as is) or structured text: chunked.
pub(crate) fn write_binary(
    cell: &Cell<'_>,
    buffer: Option<&mut [u8]>,
    chunk: &mut ChunkState,
) -> Result<CellOutcome> {
    let bytes: &[u8] = match cell {
        Cell::Text(s) => s.as_bytes(),
        Cell::Binary(b) => b,
        Cell::Formatted(s) => s.as_bytes(),
        _ => &[],
    };
    let start = chunk.offset.min(bytes.len());
    if start >= bytes.len() && start > 0 {
        chunk.offset = ChunkState::DONE;
        return Ok(CellOutcome::NoMoreData);
    }
    let rest = &bytes[start..];
    let indicator = len_isize(rest.len());
    let Some(buf) = buffer else {
        return Ok(CellOutcome::Value {
            indicator,
            truncated: false,
        });
    };
    let n = rest.len().min(buf.len());
    buf[..n].copy_from_slice(&rest[..n]);
    let truncated = n < rest.len();
    chunk.offset = if truncated {
        start + n
    } else {
        ChunkState::DONE
    };
    Ok(CellOutcome::Value {
        indicator,
        truncated,
    })
}

/// SQL_C_BINARY from a number, date or time: its C representation, whole or 22003.
pub(crate) fn write_whole_binary(
    bytes: &[u8],
    buffer: Option<&mut [u8]>,
    chunk: &mut ChunkState,
    place: Place,
) -> Result<CellOutcome> {
    let indicator = len_isize(bytes.len());
    if let Some(buf) = buffer {
        if buf.is_empty() {
            return Ok(CellOutcome::Value {
                indicator,
                truncated: true,
            });
        }
        let have = buf.len();
        let dst = buf.get_mut(..bytes.len()).ok_or_else(|| {
            Error::new(
                state::NUMERIC_OUT_OF_RANGE,
                format!(
                    "The value ({place}) needs a SQL_C_BINARY buffer of {} bytes, but the buffer has {have}; bind a larger buffer",
                    bytes.len()
                ),
            )
        })?;
        dst.copy_from_slice(bytes);
        chunk.offset = ChunkState::DONE;
    }
    Ok(CellOutcome::Value {
        indicator,
        truncated: false,
    })
}

/// Parse `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (optionally in braces) into its 16 bytes in
/// RFC 4122 (big-endian) order.
pub(crate) fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let t = text.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(t);
    let b = t.as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
        return None;
    }
    let hex: Vec<u8> = b.iter().copied().filter(|&c| c != b'-').collect();
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

/// SQLGUID bytes (Data1 u32, Data2 u16, Data3 u16 native-endian, Data4 8 bytes) from RFC bytes.
pub(crate) fn guid_from_rfc(rfc: &[u8; 16]) -> [u8; 16] {
    let mut out = [0u8; 16];
    let d1 = u32::from_be_bytes([rfc[0], rfc[1], rfc[2], rfc[3]]);
    let d2 = u16::from_be_bytes([rfc[4], rfc[5]]);
    let d3 = u16::from_be_bytes([rfc[6], rfc[7]]);
    out[..4].copy_from_slice(&d1.to_ne_bytes());
    out[4..6].copy_from_slice(&d2.to_ne_bytes());
    out[6..8].copy_from_slice(&d3.to_ne_bytes());
    out[8..].copy_from_slice(&rfc[8..]);
    out
}

/// RFC bytes from SQLGUID bytes (the inverse of [`guid_from_rfc`]).
pub(crate) fn rfc_from_guid(guid: &[u8; 16]) -> [u8; 16] {
    let mut out = [0u8; 16];
    let d1 = u32::from_ne_bytes([guid[0], guid[1], guid[2], guid[3]]);
    let d2 = u16::from_ne_bytes([guid[4], guid[5]]);
    let d3 = u16::from_ne_bytes([guid[6], guid[7]]);
    out[..4].copy_from_slice(&d1.to_be_bytes());
    out[4..6].copy_from_slice(&d2.to_be_bytes());
    out[6..8].copy_from_slice(&d3.to_be_bytes());
    out[8..].copy_from_slice(&guid[8..]);
    out
}

/// SQL_C_GUID from UUID text or 16 bytes of binary.
pub(crate) fn guid_bytes(cell: &Cell<'_>, place: Place) -> Result<(Vec<u8>, bool)> {
    let rfc = match cell {
        Cell::Text(s) => parse_uuid(s).ok_or_else(|| {
            Error::new(
                state::INVALID_CHARACTER_VALUE,
                format!(
                    "The text {} ({place}) is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); fetch it as SQL_C_CHAR",
                    show(s)
                ),
            )
        })?,
        Cell::Binary(b) if b.len() == 16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            a
        }
        _ => return Err(unsupported(cell.kind(), SQL_C_GUID, place)),
    };
    Ok((guid_from_rfc(&rfc).to_vec(), false))
}
