//! Exact decimals: parsing numeric literals into `mantissa * 10^-scale`, rescaling with truncation,
//! and the 19-byte SQL_NUMERIC_STRUCT (precision, scale, sign 1 = positive / 0 = negative, then a
//! 16-byte little-endian magnitude) in both directions.

/// An exact number `mant * 10^-scale`. `inexact` when parsing dropped non-zero digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exact {
    pub mant: i128,
    pub scale: i32,
    pub inexact: bool,
}

impl Exact {
    pub(crate) fn int(v: i128) -> Exact {
        Exact {
            mant: v,
            scale: 0,
            inexact: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// Not a numeric literal (22018).
    NotANumber,
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// Parse a numeric literal: optional sign, digits with an optional point, optional exponent.
/// Surrounding whitespace is ignored.
pub(crate) fn parse_exact(text: &str) -> Result<Exact, ParseError> {
    let s = text.trim().as_bytes();
    let mut i = 0;
    let mut neg = false;
    if let Some(&b) = s.first() {
        if b == b'+' || b == b'-' {
            neg = b == b'-';
            i = 1;
        }
    }
    let mut mant: i128 = 0;
    let mut scale: i32 = 0;
    let mut inexact = false;
    let mut digits = 0usize;
    let mut seen_point = false;
    while let Some(&b) = s.get(i) {
        if b.is_ascii_digit() {
            digits += 1;
            let d = i128::from(b - b'0');
            match mant.checked_mul(10).and_then(|m| m.checked_add(d)) {
                Some(m) => {
                    mant = m;
                    if seen_point {
                        scale += 1;
                    }
                }
                None => {
                    // Too many significant digits: drop this one.
                    inexact |= d != 0;
                    if !seen_point {
                        scale -= 1;
                    }
                }
            }
        } else if b == b'.' && !seen_point {
            seen_point = true;
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 {
        return Err(ParseError::NotANumber);
    }
    if let Some(&b) = s.get(i) {
        if b != b'e' && b != b'E' {
            return Err(ParseError::NotANumber);
        }
        i += 1;
        let rest = std::str::from_utf8(s.get(i..).unwrap_or_default())
            .map_err(|_| ParseError::NotANumber)?;
        let unsigned = rest.strip_prefix(['+', '-']).unwrap_or(rest);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::NotANumber);
        }
        let exp: i64 = rest.parse().unwrap_or(if rest.starts_with('-') {
            -100_000
        } else {
            100_000
        });
        let exp = exp.clamp(-100_000, 100_000) as i32;
        scale -= exp;
    }
    Ok(Exact {
        mant: if neg { -mant } else { mant },
        scale,
        inexact,
    })
}

/// `e` at `to_scale`: the new mantissa and whether non-zero digits were dropped. `None` when the
/// result does not fit in i128.
pub(crate) fn rescale(e: Exact, to_scale: i32) -> Option<(i128, bool)> {
    if e.mant == 0 {
        return Some((0, e.inexact));
    }
    if to_scale >= e.scale {
        let diff = u32::try_from(i64::from(to_scale) - i64::from(e.scale)).ok()?;
        let m = e.mant.checked_mul(pow10(diff)?)?;
        Some((m, e.inexact))
    } else {
        let diff = i64::from(e.scale) - i64::from(to_scale);
        if diff > 38 {
            return Some((0, true));
        }
        let p = pow10(u32::try_from(diff).ok()?)?;
        Some((e.mant / p, e.inexact || e.mant % p != 0))
    }
}

/// Number of decimal digits in `v` (at least 1).
pub(crate) fn digit_count(v: u128) -> u32 {
    if v == 0 {
        1
    } else {
        v.ilog10() + 1
    }
}

/// The bytes of a SQL_NUMERIC_STRUCT for `mant * 10^-scale`.
pub(crate) fn encode(mant: i128, precision: u8, scale: i8) -> [u8; 19] {
    let mut out = [0u8; 19];
    out[0] = precision;
    out[1] = scale.to_ne_bytes()[0];
    out[2] = u8::from(mant >= 0);
    out[3..].copy_from_slice(&mant.unsigned_abs().to_le_bytes());
    out
}

/// A decoded SQL_NUMERIC_STRUCT: precision, scale, sign (true = positive) and magnitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumericStruct {
    pub precision: u8,
    pub scale: i8,
    pub positive: bool,
    pub magnitude: u128,
}

/// Decode a SQL_NUMERIC_STRUCT; `None` when `bytes` is shorter than 19 bytes.
pub(crate) fn decode(bytes: &[u8]) -> Option<NumericStruct> {
    let b = bytes.get(..19)?;
    let mut val = [0u8; 16];
    val.copy_from_slice(&b[3..19]);
    Some(NumericStruct {
        precision: b[0],
        scale: i8::from_ne_bytes([b[1]]),
        positive: b[2] != 0,
        magnitude: u128::from_le_bytes(val),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_literals() {
        assert_eq!(parse_exact("123.45").unwrap().mant, 12345);
        assert_eq!(parse_exact("123.45").unwrap().scale, 2);
        assert_eq!(parse_exact(" -0.5 ").unwrap().mant, -5);
        assert_eq!(parse_exact("1e3").unwrap().scale, -3);
        assert_eq!(parse_exact("1.5E-2").unwrap().scale, 3);
        assert_eq!(parse_exact(".5").unwrap().mant, 5);
        assert_eq!(parse_exact("7.").unwrap().mant, 7);
        assert_eq!(parse_exact("+42").unwrap().mant, 42);
        for bad in ["", "-", "abc", "1.2.3", "1e", "12a", "e5", "1 2", "."] {
            assert_eq!(parse_exact(bad), Err(ParseError::NotANumber), "{bad}");
        }
    }

    #[test]
    fn rescales() {
        let e = parse_exact("123.45").unwrap();
        assert_eq!(rescale(e, 0), Some((123, true)));
        assert_eq!(rescale(e, 4), Some((1_234_500, false)));
        assert_eq!(rescale(parse_exact("1e3").unwrap(), 0), Some((1000, false)));
        assert_eq!(rescale(parse_exact("1e400").unwrap(), 0), None);
        assert_eq!(rescale(parse_exact("-1.99").unwrap(), 0), Some((-1, true)));
    }

    #[test]
    fn struct_round_trip() {
        let b = encode(-12345, 5, 2);
        assert_eq!(&b[..5], &[5, 2, 0, 0x39, 0x30]);
        let d = decode(&b).unwrap();
        assert_eq!(
            (d.precision, d.scale, d.positive, d.magnitude),
            (5, 2, false, 12345)
        );
        assert_eq!(digit_count(0), 1);
        assert_eq!(digit_count(99999), 5);
        assert_eq!(digit_count(100000), 6);
    }
}
