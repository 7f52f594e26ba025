//! Values into the numeric C types: the integers (range-checked, 22003; fractional digits dropped
//! with 01S07), SQL_C_FLOAT/SQL_C_DOUBLE, SQL_C_BIT (0 or 1) and SQL_C_NUMERIC. Text is parsed as a
//! numeric literal (22018 when it is not one); dates, times and binary are 07006.

use crate::error::{state, Error, Result};
use crate::handles::c_types::name;

use super::numeric_struct::{self, digit_count, parse_exact, rescale, Exact};
use super::text_form::{cell_text, f64_text};
use super::value::Cell;
use super::{show, unsupported, Place};
use crate::odbc::c_types::{
    SQL_C_BIT, SQL_C_FLOAT, SQL_C_LONG, SQL_C_NUMERIC, SQL_C_SBIGINT, SQL_C_SHORT, SQL_C_SLONG,
    SQL_C_SSHORT, SQL_C_STINYINT, SQL_C_TINYINT, SQL_C_UBIGINT, SQL_C_ULONG, SQL_C_USHORT,
    SQL_C_UTINYINT,
};

fn out_of_range(shown: &str, c_type: i16, place: Place, hint: &str) -> Error {
    Error::new(
        state::NUMERIC_OUT_OF_RANGE,
        format!(
            "The value {shown} does not fit in {} ({place}){hint}",
            name(c_type)
        ),
    )
}

fn not_a_number(text: &str, c_type: i16, place: Place) -> Error {
    Error::new(
        state::INVALID_CHARACTER_VALUE,
        format!(
            "The text {} ({place}) is not a number, so it cannot be converted to {}; fetch it as SQL_C_CHAR or SQL_C_WCHAR",
            show(text),
            name(c_type)
        ),
    )
}

/// The value as an exact number, for the integer, BIT and NUMERIC targets.
fn exact_of(cell: &Cell<'_>, c_type: i16, place: Place) -> Result<Exact> {
    let from_float = |v: f64| -> Result<Exact> {
        if !v.is_finite() {
            return Err(out_of_range(&f64_text(v), c_type, place, ""));
        }
        parse_exact(&format!("{v:e}")).map_err(|_| not_a_number(&f64_text(v), c_type, place))
    };
    match cell {
        Cell::Bool(b) => Ok(Exact::int(i128::from(*b))),
        Cell::Int(v) => Ok(Exact::int(i128::from(*v))),
        Cell::UInt(v) => Ok(Exact::int(i128::from(*v))),
        Cell::F32(v) => {
            if !v.is_finite() {
                return Err(out_of_range(&f64_text(f64::from(*v)), c_type, place, ""));
            }
            // Shortest f32 text, so 0.1f32 is 0.1 and not 0.100000001490116.
            parse_exact(&format!("{v:e}"))
                .map_err(|_| not_a_number(&cell_text(cell).0, c_type, place))
        }
        Cell::F64(v) => from_float(*v),
        Cell::Decimal { value, scale, .. } => Ok(Exact {
            mant: *value,
            scale: i32::from(*scale),
            inexact: false,
        }),
        Cell::BigDecimal(s) => parse_exact(s).map_err(|_| not_a_number(s, c_type, place)),
        Cell::Text(s) => parse_exact(s).map_err(|_| not_a_number(s, c_type, place)),
        _ => Err(unsupported(cell.kind(), c_type, place)),
    }
}

/// A hint naming a C type that would hold the value.
fn wider_hint(c_type: i16, negative: bool) -> &'static str {
    if negative
        && matches!(
            c_type,
            SQL_C_UTINYINT | SQL_C_USHORT | SQL_C_ULONG | SQL_C_UBIGINT
        )
    {
        return "; fetch it as a signed type such as SQL_C_SBIGINT";
    }
    match c_type {
        SQL_C_STINYINT | SQL_C_TINYINT | SQL_C_UTINYINT => "; fetch it as SQL_C_SHORT or wider",
        SQL_C_SSHORT | SQL_C_SHORT | SQL_C_USHORT => "; fetch it as SQL_C_LONG or wider",
        SQL_C_SLONG | SQL_C_LONG | SQL_C_ULONG => "; fetch it as SQL_C_SBIGINT",
        _ => "; fetch it as SQL_C_NUMERIC, SQL_C_DOUBLE or SQL_C_CHAR",
    }
}

/// The integer C types: native-endian bytes of the target width, and whether fractional digits
/// were dropped.
pub(crate) fn integer_bytes(cell: &Cell<'_>, c_type: i16, place: Place) -> Result<(Vec<u8>, bool)> {
    let e = exact_of(cell, c_type, place)?;
    let shown = || cell_text(cell).0.into_owned();
    let (v, truncated) = rescale(e, 0)
        .ok_or_else(|| out_of_range(&shown(), c_type, place, wider_hint(c_type, e.mant < 0)))?;
    let range = || out_of_range(&shown(), c_type, place, wider_hint(c_type, v < 0));
    let bytes = match c_type {
        SQL_C_STINYINT | SQL_C_TINYINT => {
            i8::try_from(v).map_err(|_| range())?.to_ne_bytes().to_vec()
        }
        SQL_C_UTINYINT => u8::try_from(v).map_err(|_| range())?.to_ne_bytes().to_vec(),
        SQL_C_SSHORT | SQL_C_SHORT => i16::try_from(v)
            .map_err(|_| range())?
            .to_ne_bytes()
            .to_vec(),
        SQL_C_USHORT => u16::try_from(v)
            .map_err(|_| range())?
            .to_ne_bytes()
            .to_vec(),
        SQL_C_SLONG | SQL_C_LONG => i32::try_from(v)
            .map_err(|_| range())?
            .to_ne_bytes()
            .to_vec(),
        SQL_C_ULONG => u32::try_from(v)
            .map_err(|_| range())?
            .to_ne_bytes()
            .to_vec(),
        SQL_C_SBIGINT => i64::try_from(v)
            .map_err(|_| range())?
            .to_ne_bytes()
            .to_vec(),
        SQL_C_UBIGINT => u64::try_from(v)
            .map_err(|_| range())?
            .to_ne_bytes()
            .to_vec(),
        _ => return Err(unsupported(cell.kind(), c_type, place)),
    };
    Ok((bytes, truncated))
}

/// SQL_C_FLOAT and SQL_C_DOUBLE.
pub(crate) fn float_bytes(cell: &Cell<'_>, c_type: i16, place: Place) -> Result<(Vec<u8>, bool)> {
    let parse = |s: &str| -> Result<f64> {
        let t = s.trim();
        // Rust also accepts "inf" and "infinity"; a numeric literal or NaN/Infinity is enough.
        t.parse::<f64>().map_err(|_| not_a_number(s, c_type, place))
    };
    let v: f64 = match cell {
        Cell::Bool(b) => f64::from(u8::from(*b)),
        Cell::Int(v) => *v as f64,
        Cell::UInt(v) => *v as f64,
        Cell::F32(v) => f64::from(*v),
        Cell::F64(v) => *v,
        Cell::Decimal { .. } | Cell::BigDecimal(_) => parse(&cell_text(cell).0)?,
        Cell::Text(s) => parse(s)?,
        _ => return Err(unsupported(cell.kind(), c_type, place)),
    };
    if c_type == SQL_C_FLOAT {
        if v.is_finite() && v.abs() > f64::from(f32::MAX) {
            return Err(out_of_range(
                &cell_text(cell).0,
                c_type,
                place,
                "; fetch it as SQL_C_DOUBLE",
            ));
        }
        Ok(((v as f32).to_ne_bytes().to_vec(), false))
    } else {
        Ok((v.to_ne_bytes().to_vec(), false))
    }
}

/// SQL_C_BIT: 0 or 1; a value strictly between 0 and 2 other than 1 is truncated (01S07);
/// anything else is 22003. Text may also be `true`/`false`.
pub(crate) fn bit_bytes(cell: &Cell<'_>, place: Place) -> Result<(Vec<u8>, bool)> {
    if let Cell::Text(s) = cell {
        let t = s.trim();
        if t.eq_ignore_ascii_case("true") {
            return Ok((vec![1], false));
        }
        if t.eq_ignore_ascii_case("false") {
            return Ok((vec![0], false));
        }
    }
    let e = exact_of(cell, SQL_C_BIT, place)?;
    let shown = || cell_text(cell).0.into_owned();
    let hint = "; SQL_C_BIT holds only 0 and 1, fetch it as SQL_C_SBIGINT or SQL_C_DOUBLE";
    match rescale(e, 0) {
        Some((v @ (0 | 1), truncated)) if e.mant >= 0 => Ok((vec![v as u8], truncated)),
        _ => Err(out_of_range(&shown(), SQL_C_BIT, place, hint)),
    }
}

/// SQL_C_NUMERIC at the ARD's precision (0 means 38) and scale.
pub(crate) fn numeric_bytes(
    cell: &Cell<'_>,
    precision: i16,
    scale: i16,
    place: Place,
) -> Result<(Vec<u8>, bool)> {
    let precision: u8 = if (1..=38).contains(&precision) {
        precision as u8
    } else {
        38
    };
    let scale = i8::try_from(scale)
        .ok()
        .filter(|s| i16::from(*s) <= i16::from(precision))
        .ok_or_else(|| {
            Error::new(
                state::INVALID_PRECISION_OR_SCALE,
                format!(
                    "The scale {scale} for SQL_C_NUMERIC ({place}) is not valid; set SQL_DESC_SCALE between 0 and SQL_DESC_PRECISION ({precision})"
                ),
            )
        })?;
    let e = exact_of(cell, SQL_C_NUMERIC, place)?;
    let shown = || cell_text(cell).0.into_owned();
    let hint = format!(
        "; it needs more than {precision} digits at scale {scale}: raise SQL_DESC_PRECISION or fetch it as SQL_C_CHAR"
    );
    let (v, truncated) = rescale(e, i32::from(scale))
        .ok_or_else(|| out_of_range(&shown(), SQL_C_NUMERIC, place, &hint))?;
    if digit_count(v.unsigned_abs()) > u32::from(precision) {
        return Err(out_of_range(&shown(), SQL_C_NUMERIC, place, &hint));
    }
    Ok((
        numeric_struct::encode(v, precision, scale).to_vec(),
        truncated,
    ))
}
