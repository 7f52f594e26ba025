//! SQLWCHAR in this process: how wide a wide character is and how text is written in it.
//!
//! unixODBC (like Windows) passes UTF-16 in 2-byte units. iODBC, the driver manager of macOS,
//! passes the C library's 4-byte `wchar_t` (UCS-4) unchanged. One process loads one driver
//! manager, so the width is process-wide, set when the first environment is allocated: UCS-4
//! when iODBC is in the process (`ffi::driver_manager`), UTF-16 otherwise. iODBC 3.52.14 and
//! later ask (`SQL_ATTR_DRIVER_UNICODE_TYPE`) and are told the width in use, so they convert only
//! where their application uses another. Everything that
//! reads or writes SQLWCHAR text — the `…W` entry points and `SQL_C_WCHAR` data — goes through
//! here; nothing else may assume a width. Knows bytes and text only.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The two widths a driver manager may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// 2-byte UTF-16 units (unixODBC, Windows, iODBC told so).
    Utf16 = 2,
    /// 4-byte UCS-4 units (`wchar_t` of iODBC before 3.52.14).
    Ucs4 = 4,
}

static WIDTH: AtomicUsize = AtomicUsize::new(Width::Utf16 as usize);

#[cfg(test)]
thread_local! {
    /// A unit test's own width: tests run in parallel, so none may change the process's.
    static TEST_WIDTH: std::cell::Cell<Option<Width>> = const { std::cell::Cell::new(None) };
}

/// The width in force.
pub fn width() -> Width {
    #[cfg(test)]
    if let Some(width) = TEST_WIDTH.with(|w| w.get()) {
        return width;
    }
    if WIDTH.load(Ordering::Relaxed) == Width::Ucs4 as usize {
        Width::Ucs4
    } else {
        Width::Utf16
    }
}

/// Sets the width for the rest of the process.
pub fn set_width(width: Width) {
    WIDTH.store(width as usize, Ordering::Relaxed);
}

/// Bytes per code unit: 2 or 4.
pub fn unit() -> usize {
    width() as usize
}

/// The code units of `text` in the width in force.
pub fn units(text: &str) -> Vec<u32> {
    match width() {
        Width::Utf16 => text.encode_utf16().map(u32::from).collect(),
        Width::Ucs4 => text.chars().map(u32::from).collect(),
    }
}

/// How many code units `text` takes.
pub fn units_len(text: &str) -> usize {
    match width() {
        Width::Utf16 => text.encode_utf16().count(),
        Width::Ucs4 => text.chars().count(),
    }
}

/// Writes one code unit at the start of `slot` (native byte order); `slot` is [`unit`] long.
pub fn put(slot: &mut [u8], code_unit: u32) {
    match width() {
        // The units of `units` fit 16 bits in this width.
        Width::Utf16 => slot.copy_from_slice(&(code_unit as u16).to_ne_bytes()),
        Width::Ucs4 => slot.copy_from_slice(&code_unit.to_ne_bytes()),
    }
}

/// `text` encoded, native byte order, without a terminator.
pub fn encode(text: &str) -> Vec<u8> {
    let unit = unit();
    let mut out = vec![0u8; units_len(text) * unit];
    for (slot, u) in out.chunks_exact_mut(unit).zip(units(text)) {
        put(slot, u);
    }
    out
}

/// Text from whole code units (a trailing partial unit is an error), or what is wrong with it.
pub fn decode(bytes: &[u8]) -> Result<String, &'static str> {
    match width() {
        Width::Utf16 => {
            if !bytes.len().is_multiple_of(2) {
                return Err("UTF-16 text (its byte length is odd)");
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_ne_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).map_err(|_| "UTF-16 text (an unpaired surrogate)")
        }
        Width::Ucs4 => {
            if !bytes.len().is_multiple_of(4) {
                return Err("UCS-4 text (its byte length is not a multiple of 4)");
            }
            bytes
                .chunks_exact(4)
                .map(|c| char::from_u32(u32::from_ne_bytes([c[0], c[1], c[2], c[3]])))
                .collect::<Option<String>>()
                .ok_or("UCS-4 text (a value that is not a character)")
        }
    }
}

/// The part of `bytes` before the first zero code unit (all of it when there is none).
pub fn before_nul(bytes: &[u8]) -> &[u8] {
    let unit = unit();
    let end = bytes
        .chunks_exact(unit)
        .position(|c| c.iter().all(|b| *b == 0))
        .map_or(bytes.len() - bytes.len() % unit, |i| i * unit);
    &bytes[..end]
}

/// The longest prefix of `encoded` of at most `max` bytes that ends on a character boundary: a
/// whole unit, and in UTF-16 not between the two halves of a surrogate pair.
pub fn boundary(encoded: &[u8], max: usize) -> usize {
    let unit = unit();
    let mut end = max.min(encoded.len()) / unit * unit;
    if unit == 2 && end >= 2 && end < encoded.len() {
        let last = u16::from_ne_bytes([encoded[end - 2], encoded[end - 1]]);
        if (0xD800..0xDC00).contains(&last) {
            end -= 2;
        }
    }
    end
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Runs `f` on this thread with `width` in force.
    pub(crate) fn with_width<T>(width: Width, f: impl FnOnce() -> T) -> T {
        TEST_WIDTH.with(|w| w.set(Some(width)));
        let out = f();
        TEST_WIDTH.with(|w| w.set(None));
        out
    }

    #[test]
    fn both_widths_round_trip_text_outside_the_bmp() {
        for width in [Width::Utf16, Width::Ucs4] {
            with_width(width, || {
                let text = "héllo 𝄞";
                let bytes = encode(text);
                let per_char = if width == Width::Ucs4 { 4 } else { 2 };
                assert_eq!(bytes.len(), units_len(text) * per_char);
                assert_eq!(decode(&bytes).unwrap(), text);
                let mut terminated = bytes.clone();
                terminated.extend(vec![0u8; per_char * 2]);
                assert_eq!(before_nul(&terminated), &bytes[..]);
            });
        }
    }

    #[test]
    fn ucs4_is_one_unit_per_character() {
        with_width(Width::Ucs4, || {
            assert_eq!(units("a𝄞"), vec!['a' as u32, '𝄞' as u32]);
            assert_eq!(encode("D")[..], 0x44u32.to_ne_bytes()[..]);
            assert_eq!(boundary(&encode("abc"), 11), 8, "whole units only");
            assert!(decode(&[1, 2, 3]).is_err());
            assert!(
                decode(&0xD800u32.to_ne_bytes()).is_err(),
                "a surrogate is no character"
            );
        });
    }

    #[test]
    fn utf16_keeps_surrogate_pairs_whole() {
        with_width(Width::Utf16, || {
            let e = encode("a𝄞");
            assert_eq!(e.len(), 6);
            assert_eq!(boundary(&e, 4), 2, "not between the halves of 𝄞");
            assert_eq!(boundary(&e, 6), 6);
        });
    }
}
