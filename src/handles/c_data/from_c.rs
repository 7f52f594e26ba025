//! Bound parameter values out of the application's buffers (SQLBindParameter): how many bytes to
//! read for a C type and length/indicator, and the decoding of those bytes into a [`ParamValue`]
//! the engine turns into a literal. SQL_C_CHAR is UTF-8, SQL_C_WCHAR native-endian UTF-16.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::error::{state, Error, Result};
use crate::handles::c_types::name;

use super::numeric_struct::{self, digit_count};
use super::to_text::rfc_from_guid;
use super::Place;
use crate::odbc::attributes::SQL_NULL_DATA;
use crate::odbc::c_types::{
    SQL_APD_TYPE, SQL_ARD_TYPE, SQL_C_BINARY, SQL_C_BIT, SQL_C_CHAR, SQL_C_DATE, SQL_C_DEFAULT,
    SQL_C_DOUBLE, SQL_C_FLOAT, SQL_C_GUID, SQL_C_INTERVAL_MINUTE_TO_SECOND, SQL_C_INTERVAL_YEAR,
    SQL_C_LONG, SQL_C_NUMERIC, SQL_C_SBIGINT, SQL_C_SHORT, SQL_C_SLONG, SQL_C_SSHORT,
    SQL_C_STINYINT, SQL_C_TIME, SQL_C_TIMESTAMP, SQL_C_TINYINT, SQL_C_TYPE_DATE, SQL_C_TYPE_TIME,
    SQL_C_TYPE_TIMESTAMP, SQL_C_UBIGINT, SQL_C_ULONG, SQL_C_USHORT, SQL_C_UTINYINT, SQL_C_WCHAR,
    SQL_DATA_AT_EXEC, SQL_LEN_DATA_AT_EXEC_OFFSET,
};
use crate::odbc::returns::SQL_NTS;

/// A parameter value, decoded from its C representation.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Null,
    Bool(bool),
    /// Every integer C type except SQL_C_UBIGINT.
    I64(i64),
    /// SQL_C_UBIGINT.
    U64(u64),
    F64(f64),
    /// SQL_C_CHAR, SQL_C_WCHAR, and SQL_C_GUID (as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
    Text(String),
    Binary(Vec<u8>),
    /// `value * 10^-scale`, from SQL_NUMERIC_STRUCT.
    Decimal {
        value: i128,
        precision: u8,
        scale: i8,
    },
    Date(NaiveDate),
    Time(NaiveTime),
    Timestamp(NaiveDateTime),
}

fn is_data_at_exec(ind: isize) -> bool {
    ind == SQL_DATA_AT_EXEC || ind <= SQL_LEN_DATA_AT_EXEC_OFFSET
}

fn data_at_exec(place: Place) -> Error {
    Error::new(
        state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
        format!(
            "Data-at-execution ({place}) must be gathered with SQLPutData before the value is read; bind the value directly instead"
        ),
    )
}

fn bad_c_type(c_type: i16, place: Place) -> Error {
    let hint = match c_type {
        SQL_C_DEFAULT => {
            "; SQL_C_DEFAULT must be resolved from the parameter's SQL type before reading"
        }
        SQL_APD_TYPE | SQL_ARD_TYPE => "; resolve it from the descriptor before reading",
        _ => "; use a C type such as SQL_C_CHAR, SQL_C_WCHAR, SQL_C_SBIGINT or SQL_C_DOUBLE",
    };
    Error::new(
        state::INVALID_APP_BUFFER_TYPE,
        format!(
            "The C type {c_type} ({}) is not valid for {place}{hint}",
            name(c_type)
        ),
    )
}

fn bad_length(ind: isize, c_type: i16, place: Place) -> Error {
    Error::new(
        state::INVALID_STRING_OR_BUFFER_LENGTH,
        format!(
            "The length/indicator {ind} for {} ({place}) is not valid; give a byte length, SQL_NTS or SQL_NULL_DATA",
            name(c_type)
        ),
    )
}

/// The part of `bytes` before the terminator (a zero byte, or a zero SQLWCHAR unit for WCHAR).
fn cut_at_nul(c_type: i16, bytes: &[u8]) -> &[u8] {
    if c_type == SQL_C_WCHAR {
        crate::wchar::before_nul(bytes)
    } else {
        let n = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        &bytes[..n]
    }
}

fn fixed<const N: usize>(bytes: &[u8], c_type: i16, place: Place) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    let src = bytes.get(..N).ok_or_else(|| {
        Error::new(
            state::INVALID_STRING_OR_BUFFER_LENGTH,
            format!(
                "The buffer for {} ({place}) has {} bytes; it needs {N}",
                name(c_type),
                bytes.len()
            ),
        )
    })?;
    out.copy_from_slice(src);
    Ok(out)
}

fn invalid_char(what: &str, c_type: i16, place: Place) -> Error {
    Error::new(
        state::INVALID_CHARACTER_VALUE,
        format!(
            "The {} value ({place}) is not valid {what}; check the buffer's encoding and length",
            name(c_type)
        ),
    )
}

fn invalid_datetime(what: &str, c_type: i16, place: Place) -> Error {
    Error::new(
        state::INVALID_DATETIME_FORMAT,
        format!(
            "The {} value ({place}) is not a valid {what}; check the year, month, day and time fields",
            name(c_type)
        ),
    )
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_ne_bytes([b[i], b[i + 1]])
}

fn date_of(b: &[u8], c_type: i16, place: Place) -> Result<NaiveDate> {
    let y = i16::from_ne_bytes([b[0], b[1]]);
    NaiveDate::from_ymd_opt(
        i32::from(y),
        u32::from(u16_at(b, 2)),
        u32::from(u16_at(b, 4)),
    )
    .ok_or_else(|| invalid_datetime("date", c_type, place))
}

fn time_of(b: &[u8], nanos: u32, c_type: i16, place: Place) -> Result<NaiveTime> {
    let (h, m, s) = (u16_at(b, 0), u16_at(b, 2), u16_at(b, 4));
    if nanos >= 1_000_000_000 || s > 59 {
        return Err(invalid_datetime("time", c_type, place));
    }
    NaiveTime::from_hms_nano_opt(u32::from(h), u32::from(m), u32::from(s), nanos)
        .ok_or_else(|| invalid_datetime("time", c_type, place))
}

/// Decode one parameter. `bytes` is the application's data (see [`param_byte_len`]); `indicator`
/// its length/indicator (`None` when the application passed no indicator buffer).
pub fn read_param(
    c_type: i16,
    bytes: &[u8],
    indicator: Option<isize>,
    param_number: u16,
) -> Result<ParamValue> {
    let place = Place::Param(param_number);
    if indicator == Some(SQL_NULL_DATA) {
        return Ok(ParamValue::Null);
    }
    if indicator.is_some_and(is_data_at_exec) {
        return Err(data_at_exec(place));
    }
    let sized = |bytes: &'_ [u8]| -> Result<usize> {
        match indicator {
            Some(n) if n >= 0 => Ok(n.unsigned_abs().min(bytes.len())),
            None | Some(SQL_NTS) => Ok(bytes.len()),
            Some(n) => Err(bad_length(n, c_type, place)),
        }
    };
    let nts = matches!(indicator, None | Some(SQL_NTS));
    Ok(match c_type {
        SQL_C_CHAR => {
            let b = if nts {
                cut_at_nul(c_type, bytes)
            } else {
                &bytes[..sized(bytes)?]
            };
            ParamValue::Text(
                String::from_utf8(b.to_vec())
                    .map_err(|_| invalid_char("UTF-8 text", c_type, place))?,
            )
        }
        SQL_C_WCHAR => {
            let b = if nts {
                cut_at_nul(c_type, bytes)
            } else {
                &bytes[..sized(bytes)?]
            };
            ParamValue::Text(
                crate::wchar::decode(b).map_err(|what| invalid_char(what, c_type, place))?,
            )
        }
        SQL_C_BINARY => ParamValue::Binary(bytes[..sized(bytes)?].to_vec()),
        SQL_C_BIT => match fixed::<1>(bytes, c_type, place)?[0] {
            0 => ParamValue::Bool(false),
            1 => ParamValue::Bool(true),
            v => {
                return Err(Error::new(
                    state::NUMERIC_OUT_OF_RANGE,
                    format!("The SQL_C_BIT value {v} ({place}) is not 0 or 1"),
                ))
            }
        },
        SQL_C_STINYINT | SQL_C_TINYINT => {
            ParamValue::I64(i8::from_ne_bytes(fixed(bytes, c_type, place)?).into())
        }
        SQL_C_UTINYINT => ParamValue::I64(u8::from_ne_bytes(fixed(bytes, c_type, place)?).into()),
        SQL_C_SSHORT | SQL_C_SHORT => {
            ParamValue::I64(i16::from_ne_bytes(fixed(bytes, c_type, place)?).into())
        }
        SQL_C_USHORT => ParamValue::I64(u16::from_ne_bytes(fixed(bytes, c_type, place)?).into()),
        SQL_C_SLONG | SQL_C_LONG => {
            ParamValue::I64(i32::from_ne_bytes(fixed(bytes, c_type, place)?).into())
        }
        SQL_C_ULONG => ParamValue::I64(u32::from_ne_bytes(fixed(bytes, c_type, place)?).into()),
        SQL_C_SBIGINT => ParamValue::I64(i64::from_ne_bytes(fixed(bytes, c_type, place)?)),
        SQL_C_UBIGINT => ParamValue::U64(u64::from_ne_bytes(fixed(bytes, c_type, place)?)),
        SQL_C_FLOAT => {
            let v = f32::from_ne_bytes(fixed(bytes, c_type, place)?);
            // Through its shortest text, so 0.1f32 binds as 0.1 and not 0.10000000149011612.
            let wide = if v.is_finite() {
                v.to_string().parse::<f64>().unwrap_or(f64::from(v))
            } else {
                f64::from(v)
            };
            ParamValue::F64(wide)
        }
        SQL_C_DOUBLE => ParamValue::F64(f64::from_ne_bytes(fixed(bytes, c_type, place)?)),
        SQL_C_NUMERIC => {
            let raw: [u8; 19] = fixed(bytes, c_type, place)?;
            let n = numeric_struct::decode(&raw)
                .ok_or_else(|| invalid_char("SQL_NUMERIC_STRUCT", c_type, place))?;
            if raw[2] > 1 {
                return Err(invalid_char(
                    "SQL_NUMERIC_STRUCT (sign must be 1 for positive or 0 for negative)",
                    c_type,
                    place,
                ));
            }
            let mag = i128::try_from(n.magnitude).map_err(|_| {
                Error::new(
                    state::NUMERIC_OUT_OF_RANGE,
                    format!("The SQL_C_NUMERIC value ({place}) has more than 38 digits"),
                )
            })?;
            let digits = digit_count(n.magnitude);
            let precision = if (1..=38).contains(&n.precision) {
                n.precision
            } else {
                u8::try_from(digits.clamp(1, 38)).unwrap_or(38)
            };
            ParamValue::Decimal {
                value: if n.positive { mag } else { -mag },
                precision,
                scale: n.scale,
            }
        }
        SQL_C_TYPE_DATE | SQL_C_DATE => {
            ParamValue::Date(date_of(&fixed::<6>(bytes, c_type, place)?, c_type, place)?)
        }
        SQL_C_TYPE_TIME | SQL_C_TIME => ParamValue::Time(time_of(
            &fixed::<6>(bytes, c_type, place)?,
            0,
            c_type,
            place,
        )?),
        SQL_C_TYPE_TIMESTAMP | SQL_C_TIMESTAMP => {
            let b: [u8; 16] = fixed(bytes, c_type, place)?;
            let d = date_of(&b[..6], c_type, place)?;
            let fraction = u32::from_ne_bytes([b[12], b[13], b[14], b[15]]);
            let t = time_of(&b[6..12], fraction, c_type, place)
                .map_err(|_| invalid_datetime("timestamp", c_type, place))?;
            ParamValue::Timestamp(NaiveDateTime::new(d, t))
        }
        SQL_C_GUID => {
            let rfc = rfc_from_guid(&fixed::<16>(bytes, c_type, place)?);
            let h = super::text_form::hex_text(&rfc).to_ascii_lowercase();
            ParamValue::Text(format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            ))
        }
        SQL_C_INTERVAL_YEAR..=SQL_C_INTERVAL_MINUTE_TO_SECOND => {
            return Err(Error::new(
                state::RESTRICTED_DATA_TYPE,
                format!(
                    "{} is not supported for {place}; bind the interval as SQL_C_CHAR text",
                    name(c_type)
                ),
            ))
        }
        _ => return Err(bad_c_type(c_type, place)),
    })
}
