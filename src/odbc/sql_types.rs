//! SQL data types, interval codes, nullability, searchability and catalog-result values (sql.h, sqlext.h).

pub const SQL_INDEX_OTHER: i16 = 3;
pub const SQL_BEST_ROWID: u16 = 1;
pub const SQL_SCOPE_SESSION: i16 = 2;
pub const SQL_PC_NOT_PSEUDO: i16 = 1;
pub const SQL_PT_PROCEDURE: i16 = 1;
pub const SQL_PARAM_INPUT: i16 = 1;
pub const SQL_RESULT_COL: i16 = 3;
pub const SQL_UNKNOWN_TYPE: i16 = 0;
pub const SQL_NUMERIC: i16 = 2;
pub const SQL_DECIMAL: i16 = 3;
pub const SQL_INTEGER: i16 = 4;
pub const SQL_SMALLINT: i16 = 5;
pub const SQL_FLOAT: i16 = 6;
pub const SQL_REAL: i16 = 7;
pub const SQL_DOUBLE: i16 = 8;
/// Verbose type of every date/time type (ODBC 3); the concise type is `SQL_TYPE_*`.
pub const SQL_DATETIME: i16 = 9;
pub const SQL_VARCHAR: i16 = 12;
pub const SQL_TYPE_DATE: i16 = 91;
pub const SQL_TYPE_TIME: i16 = 92;
pub const SQL_TYPE_TIMESTAMP: i16 = 93;
/// ODBC 2 date type (same value as `SQL_DATETIME`).
pub const SQL_DATE: i16 = 9;
/// ODBC 2 time type (same value as `SQL_INTERVAL`).
pub const SQL_TIME: i16 = 10;
/// ODBC 2 timestamp type.
pub const SQL_TIMESTAMP: i16 = 11;
pub const SQL_BINARY: i16 = -2;
pub const SQL_VARBINARY: i16 = -3;
pub const SQL_LONGVARBINARY: i16 = -4;
pub const SQL_BIGINT: i16 = -5;
pub const SQL_TINYINT: i16 = -6;
pub const SQL_BIT: i16 = -7;
pub const SQL_WCHAR: i16 = -8;
pub const SQL_WVARCHAR: i16 = -9;
pub const SQL_WLONGVARCHAR: i16 = -10;
pub const SQL_CODE_DATE: i16 = 1;
pub const SQL_CODE_TIME: i16 = 2;
pub const SQL_CODE_TIMESTAMP: i16 = 3;
/// SQLGetTypeInfo: every type.
pub const SQL_ALL_TYPES: i16 = 0;
pub const SQL_FALSE: i16 = 0;
pub const SQL_TRUE: i16 = 1;
pub const SQL_NULLABLE: i16 = 1;
pub const SQL_PRED_NONE: i16 = 0;
pub const SQL_PRED_BASIC: i16 = 2;
pub const SQL_SEARCHABLE: i16 = 3;

// Used by tests only: values the driver must not claim or must tell apart.
#[cfg(test)]
pub const SQL_CHAR: i16 = 1;
#[cfg(test)]
pub const SQL_GUID: i16 = -11;
