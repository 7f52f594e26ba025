//! Arrow values into the application's C buffers (SQLGetData, SQLBindCol) and bound parameter
//! values out of them (SQLBindParameter), following the ODBC specification's "Converting Data from
//! SQL to C Data Types" and "from C to SQL Data Types" appendices and their SQLSTATEs.
//!
//! This module never sees a raw pointer: the caller (the statement, fed by `api/`) hands in the
//! application's buffer as a byte slice of the length the application declared, and writes the
//! returned length/indicator itself. Truncation is reported as `truncated: true`; the caller turns
//! it into 01004 or 01S07 with [`truncation_state`].
//!
//! Submodules: `cell` reads one Arrow value, `text_form` gives its canonical text, `json` renders
//! nested values, `to_text` writes CHAR/WCHAR/BINARY (with chunking), `to_number` the numeric C
//! types, `numeric_struct` SQL_NUMERIC_STRUCT and exact decimals, `to_datetime` the date/time
//! structs and datetime text, `from_c` reads parameters.

mod cell;
pub mod fast;
mod fast_datetime;
mod from_c;
mod json;
mod numeric_struct;
mod segment;
mod text_form;
mod to_datetime;
mod to_number;
mod to_text;
mod value;

#[cfg(test)]
mod tests;

use std::fmt;

use arrow::array::Array;
use arrow::datatypes::DataType;

use crate::error::{state, Error, Result, SqlState};
use crate::handles::c_types::{self as c, name};

pub use from_c::{read_param, ParamValue};

use crate::odbc::c_types::{
    SQL_APD_TYPE, SQL_ARD_TYPE, SQL_C_BINARY, SQL_C_BIT, SQL_C_CHAR, SQL_C_DATE, SQL_C_DEFAULT,
    SQL_C_DOUBLE, SQL_C_FLOAT, SQL_C_GUID, SQL_C_LONG, SQL_C_NUMERIC, SQL_C_SBIGINT, SQL_C_SHORT,
    SQL_C_SLONG, SQL_C_SSHORT, SQL_C_STINYINT, SQL_C_TIME, SQL_C_TIMESTAMP, SQL_C_TINYINT,
    SQL_C_TYPE_DATE, SQL_C_TYPE_TIME, SQL_C_TYPE_TIMESTAMP, SQL_C_UBIGINT, SQL_C_ULONG,
    SQL_C_USHORT, SQL_C_UTINYINT, SQL_C_WCHAR,
};
use cell::cell_at;
use value::Cell;

/// SQLSTATE 01S07: fractional digits were dropped (a number into an integer, a timestamp into a
/// date, ...). Not in `error::state`, so defined here.
pub const FRACTIONAL_TRUNCATION: SqlState = SqlState::new("01S07");

/// Where the application wants one cell's value.
#[derive(Debug)]
pub struct CellTarget<'a> {
    /// The C type, after the caller resolved SQL_ARD_TYPE from the ARD. SQL_C_DEFAULT is
    /// resolved here from the Arrow type.
    pub c_type: i16,
    /// The application's buffer: BufferLength bytes for CHAR/WCHAR/BINARY, `fixed_size(c_type)`
    /// bytes otherwise. `None` when the application passed a null data pointer: only the
    /// length/indicator is computed and nothing is consumed.
    pub buffer: Option<&'a mut [u8]>,
    /// SQL_DESC_PRECISION of the ARD, used for SQL_C_NUMERIC (0 means 38).
    pub precision: i16,
    /// SQL_DESC_SCALE of the ARD, used for SQL_C_NUMERIC.
    pub scale: i16,
}

/// How much of the current cell earlier SQLGetData calls returned. Start each cell with
/// `ChunkState::default()`; keep it across SQLGetData calls on the same cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChunkState {
    /// Bytes of the C representation already returned, or [`ChunkState::DONE`] once everything
    /// (including a NULL or a fixed-size value) has been returned.
    pub offset: usize,
}

impl ChunkState {
    /// Marker offset: the whole value has been returned; the next call answers SQL_NO_DATA.
    pub const DONE: usize = usize::MAX;

    pub fn is_done(&self) -> bool {
        self.offset == Self::DONE
    }
}

/// The result of converting one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellOutcome {
    /// The value is NULL: the indicator gets SQL_NULL_DATA (22002 if there is no indicator).
    Null,
    /// Data was written (or only measured, with a null buffer). `indicator` is the number of bytes
    /// available before this call's write (total minus what earlier calls returned, excluding
    /// the terminator) or SQL_NO_TOTAL. `truncated`: not all of it fit (01004 for CHAR, WCHAR and
    /// BINARY; 01S07 for fractional truncation, see [`truncation_state`]).
    Value { indicator: isize, truncated: bool },
    /// Everything was already returned by earlier calls: SQLGetData answers SQL_NO_DATA.
    NoMoreData,
}

/// The warning SQLSTATE for a truncated value of `c_type`: 01004 for the variable-length types
/// (and for a number or date returned as text without some fractional digits the caller may
/// prefer 01S07; 01004 is what most applications look for), 01S07 for the fixed-size types.
pub fn truncation_state(c_type: i16) -> SqlState {
    if c::is_variable_length(c_type) {
        state::STRING_TRUNCATED
    } else {
        FRACTIONAL_TRUNCATION
    }
}

/// Where a value goes or comes from, for messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place {
    Column(u16),
    Param(u16),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Column(n) => write!(f, "column {n}"),
            Place::Param(n) => write!(f, "parameter {n}"),
        }
    }
}

/// A value shortened for a message.
pub(crate) fn show(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        format!("'{s}'")
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("'{head}...'")
    }
}

/// 07006: the value's type cannot be converted to the C type.
pub(crate) fn unsupported(kind: &str, c_type: i16, place: Place) -> Error {
    Error::new(
        state::RESTRICTED_DATA_TYPE,
        format!(
            "The {kind} value ({place}) cannot be converted to {}; fetch it as SQL_C_CHAR or SQL_C_WCHAR",
            name(c_type)
        ),
    )
}

/// HY003: not a C type at all, or one the caller had to resolve first.
fn invalid_c_type(c_type: i16, place: Place) -> Error {
    let hint = match c_type {
        SQL_ARD_TYPE => "; SQL_ARD_TYPE is only valid in SQLGetData, resolved from the ARD",
        SQL_APD_TYPE => "; SQL_APD_TYPE must be resolved from the APD",
        _ => "; use a type such as SQL_C_CHAR, SQL_C_WCHAR, SQL_C_SBIGINT or SQL_C_DOUBLE",
    };
    Error::new(
        state::INVALID_APP_BUFFER_TYPE,
        format!("The C type {c_type} ({place}) is not valid here{hint}"),
    )
}

/// The C type SQL_C_DEFAULT stands for, for values of Arrow type `dt`.
pub fn default_c_type(dt: &DataType) -> i16 {
    match dt {
        DataType::Boolean => SQL_C_BIT,
        DataType::Int8 => SQL_C_STINYINT,
        DataType::Int16 => SQL_C_SSHORT,
        DataType::Int32 => SQL_C_SLONG,
        DataType::Int64 => SQL_C_SBIGINT,
        DataType::UInt8 => SQL_C_UTINYINT,
        DataType::UInt16 => SQL_C_USHORT,
        DataType::UInt32 => SQL_C_ULONG,
        DataType::UInt64 => SQL_C_UBIGINT,
        DataType::Float16 | DataType::Float32 => SQL_C_FLOAT,
        DataType::Float64 => SQL_C_DOUBLE,
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => SQL_C_BINARY,
        DataType::Date32 | DataType::Date64 => SQL_C_TYPE_DATE,
        DataType::Time32(_) | DataType::Time64(_) => SQL_C_TYPE_TIME,
        DataType::Timestamp(_, _) => SQL_C_TYPE_TIMESTAMP,
        DataType::Dictionary(_, values) => default_c_type(values),
        DataType::RunEndEncoded(_, values) => default_c_type(values.data_type()),
        // Decimals default to text (the spec's rule for SQL_DECIMAL); everything else the driver
        // describes as SQL_WVARCHAR or SQL_WLONGVARCHAR, whose default C type is SQL_C_WCHAR.
        DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => SQL_C_CHAR,
        _ => SQL_C_WCHAR,
    }
}

/// Convert the value at `row` of `array` into `target`, continuing a chunked read described by
/// `chunk`. `column_number` is only used in messages.
pub fn write_cell(
    array: &dyn Array,
    row: usize,
    target: CellTarget<'_>,
    chunk: &mut ChunkState,
    column_number: u16,
) -> Result<CellOutcome> {
    let place = Place::Column(column_number);
    let c_type = if target.c_type == SQL_C_DEFAULT {
        default_c_type(array.data_type())
    } else {
        target.c_type
    };
    if !c::is_known(c_type) || matches!(c_type, SQL_ARD_TYPE | SQL_APD_TYPE) {
        return Err(invalid_c_type(c_type, place));
    }
    if chunk.is_done() {
        return Ok(CellOutcome::NoMoreData);
    }
    let Some(cell) = cell_at(array, row)? else {
        chunk.offset = ChunkState::DONE;
        return Ok(CellOutcome::Null);
    };
    let buffer = target.buffer;
    match c_type {
        SQL_C_CHAR => to_text::write_char(&cell, buffer, chunk, place),
        SQL_C_WCHAR => to_text::write_wchar(&cell, buffer, chunk, place),
        SQL_C_BINARY => {
            let natural = default_c_type(array.data_type());
            match &cell {
                Cell::Text(_) | Cell::Binary(_) | Cell::Formatted(_) => {
                    to_text::write_binary(&cell, buffer, chunk)
                }
                _ if c::fixed_size(natural).is_some() => {
                    let (bytes, _) = fixed_bytes(&cell, natural, 0, 0, place)?;
                    to_text::write_whole_binary(&bytes, buffer, chunk, place)
                }
                _ => {
                    let (text, _) = text_form::cell_text(&cell);
                    to_text::write_whole_binary(text.as_bytes(), buffer, chunk, place)
                }
            }
        }
        _ => {
            let (bytes, truncated) =
                fixed_bytes(&cell, c_type, target.precision, target.scale, place)?;
            write_fixed(&bytes, truncated, buffer, chunk, c_type, place)
        }
    }
}

/// The C representation of `cell` as the fixed-size `c_type`, and whether digits were dropped.
fn fixed_bytes(
    cell: &Cell<'_>,
    c_type: i16,
    precision: i16,
    scale: i16,
    place: Place,
) -> Result<(Vec<u8>, bool)> {
    match c_type {
        SQL_C_STINYINT | SQL_C_TINYINT | SQL_C_UTINYINT | SQL_C_SSHORT | SQL_C_SHORT
        | SQL_C_USHORT | SQL_C_SLONG | SQL_C_LONG | SQL_C_ULONG | SQL_C_SBIGINT | SQL_C_UBIGINT => {
            to_number::integer_bytes(cell, c_type, place)
        }
        SQL_C_FLOAT | SQL_C_DOUBLE => to_number::float_bytes(cell, c_type, place),
        SQL_C_BIT => to_number::bit_bytes(cell, place),
        SQL_C_NUMERIC => to_number::numeric_bytes(cell, precision, scale, place),
        SQL_C_TYPE_DATE | SQL_C_DATE => to_datetime::date_bytes(cell, c_type, place),
        SQL_C_TYPE_TIME | SQL_C_TIME => to_datetime::time_bytes(cell, c_type, place),
        SQL_C_TYPE_TIMESTAMP | SQL_C_TIMESTAMP => to_datetime::timestamp_bytes(cell, c_type, place),
        SQL_C_GUID => to_text::guid_bytes(cell, place),
        _ => Err(unsupported(cell.kind(), c_type, place)),
    }
}

fn write_fixed(
    bytes: &[u8],
    truncated: bool,
    buffer: Option<&mut [u8]>,
    chunk: &mut ChunkState,
    c_type: i16,
    place: Place,
) -> Result<CellOutcome> {
    let indicator = isize::try_from(bytes.len()).unwrap_or(isize::MAX);
    if let Some(buf) = buffer {
        let have = buf.len();
        let dst = buf.get_mut(..bytes.len()).ok_or_else(|| {
            Error::new(
                state::INVALID_STRING_OR_BUFFER_LENGTH,
                format!(
                    "The buffer for {} ({place}) has {have} bytes; it needs {}",
                    name(c_type),
                    bytes.len()
                ),
            )
        })?;
        dst.copy_from_slice(bytes);
        chunk.offset = ChunkState::DONE;
    }
    Ok(CellOutcome::Value {
        indicator,
        truncated,
    })
}
