//! SQLGetInfo's SQL_CONVERT_* answers: which target types CONVERT and CAST produce from each
//! source type, grouped by kind. Only the bitmasks; `answers` says which key gets which.

use crate::odbc::info::{
    SQL_CVT_BIGINT, SQL_CVT_BINARY, SQL_CVT_BIT, SQL_CVT_CHAR, SQL_CVT_DATE, SQL_CVT_DECIMAL,
    SQL_CVT_DOUBLE, SQL_CVT_FLOAT, SQL_CVT_INTEGER, SQL_CVT_LONGVARBINARY, SQL_CVT_LONGVARCHAR,
    SQL_CVT_NUMERIC, SQL_CVT_REAL, SQL_CVT_SMALLINT, SQL_CVT_TIME, SQL_CVT_TIMESTAMP,
    SQL_CVT_TINYINT, SQL_CVT_VARBINARY, SQL_CVT_VARCHAR, SQL_CVT_WCHAR, SQL_CVT_WLONGVARCHAR,
    SQL_CVT_WVARCHAR,
};

// SQL_CONVERT_* groups. The engine has one string type, one binary type and one type per number
// kind, so every ODBC name of a kind converts alike. Conversions claimed are those the engine's
// CAST (Arrow's cast kernel) performs with SQL-92 meaning; numbers to dates (days since the epoch)
// are left out although the kernel does them, because CONVERT would not mean that.
const CVT_CHARS: u32 = SQL_CVT_CHAR
    | SQL_CVT_VARCHAR
    | SQL_CVT_LONGVARCHAR
    | SQL_CVT_WCHAR
    | SQL_CVT_WVARCHAR
    | SQL_CVT_WLONGVARCHAR;
const CVT_INTEGERS: u32 = SQL_CVT_TINYINT | SQL_CVT_SMALLINT | SQL_CVT_INTEGER | SQL_CVT_BIGINT;
const CVT_DECIMALS: u32 = SQL_CVT_NUMERIC | SQL_CVT_DECIMAL;
const CVT_FLOATS: u32 = SQL_CVT_REAL | SQL_CVT_FLOAT | SQL_CVT_DOUBLE;
const CVT_NUMBERS: u32 = CVT_INTEGERS | CVT_DECIMALS | CVT_FLOATS;
const CVT_BINARIES: u32 = SQL_CVT_BINARY | SQL_CVT_VARBINARY | SQL_CVT_LONGVARBINARY;
const CVT_DATETIMES: u32 = SQL_CVT_DATE | SQL_CVT_TIME | SQL_CVT_TIMESTAMP;

/// From text: to anything the engine parses from a string.
pub const CVT_FROM_CHARS: u32 =
    CVT_CHARS | CVT_NUMBERS | SQL_CVT_BIT | CVT_DATETIMES | CVT_BINARIES;
/// From integers and floats: to text, other numbers and BIT (non-zero is true).
pub const CVT_FROM_INTEGERS_FLOATS: u32 = CVT_CHARS | CVT_NUMBERS | SQL_CVT_BIT;
/// From DECIMAL: to text and numbers; the cast kernel has no decimal-to-boolean cast.
pub const CVT_FROM_DECIMALS: u32 = CVT_CHARS | CVT_NUMBERS;
/// From BIT: to text, integers and floats (0/1); no boolean-to-decimal cast.
pub const CVT_FROM_BIT: u32 = CVT_CHARS | CVT_INTEGERS | CVT_FLOATS | SQL_CVT_BIT;
pub const CVT_FROM_DATE: u32 = CVT_CHARS | SQL_CVT_DATE | SQL_CVT_TIMESTAMP;
pub const CVT_FROM_TIME: u32 = CVT_CHARS | SQL_CVT_TIME;
pub const CVT_FROM_TIMESTAMP: u32 = CVT_CHARS | CVT_DATETIMES;
/// From binary: to text (valid UTF-8 only) and binary.
pub const CVT_FROM_BINARIES: u32 = CVT_CHARS | CVT_BINARIES;
