//! C data type identifiers and length/indicator values (sqlext.h).

pub const SQL_C_CHAR: i16 = 1;
pub const SQL_C_WCHAR: i16 = -8;
pub const SQL_C_SHORT: i16 = 5;
pub const SQL_C_SSHORT: i16 = -15;
pub const SQL_C_USHORT: i16 = -17;
pub const SQL_C_LONG: i16 = 4;
pub const SQL_C_SLONG: i16 = -16;
pub const SQL_C_ULONG: i16 = -18;
pub const SQL_C_SBIGINT: i16 = -25;
pub const SQL_C_UBIGINT: i16 = -27;
pub const SQL_C_TINYINT: i16 = -6;
pub const SQL_C_STINYINT: i16 = -26;
pub const SQL_C_UTINYINT: i16 = -28;
pub const SQL_C_FLOAT: i16 = 7;
pub const SQL_C_DOUBLE: i16 = 8;
pub const SQL_C_BIT: i16 = -7;
pub const SQL_C_NUMERIC: i16 = 2;
pub const SQL_C_TYPE_DATE: i16 = 91;
pub const SQL_C_TYPE_TIME: i16 = 92;
pub const SQL_C_TYPE_TIMESTAMP: i16 = 93;
/// ODBC 2 name of SQL_C_TYPE_DATE.
pub const SQL_C_DATE: i16 = 9;
/// ODBC 2 name of SQL_C_TYPE_TIME.
pub const SQL_C_TIME: i16 = 10;
/// ODBC 2 name of SQL_C_TYPE_TIMESTAMP.
pub const SQL_C_TIMESTAMP: i16 = 11;
pub const SQL_C_BINARY: i16 = -2;
pub const SQL_C_GUID: i16 = -11;
pub const SQL_C_DEFAULT: i16 = 99;
/// "Use the type in the ARD" (SQLGetData only).
pub const SQL_ARD_TYPE: i16 = -99;
/// "Use the type in the APD" (SQLBindParameter only).
pub const SQL_APD_TYPE: i16 = -100;
pub const SQL_C_INTERVAL_YEAR: i16 = 101;
pub const SQL_C_INTERVAL_MONTH: i16 = 102;
pub const SQL_C_INTERVAL_DAY: i16 = 103;
pub const SQL_C_INTERVAL_HOUR: i16 = 104;
pub const SQL_C_INTERVAL_MINUTE: i16 = 105;
pub const SQL_C_INTERVAL_SECOND: i16 = 106;
pub const SQL_C_INTERVAL_YEAR_TO_MONTH: i16 = 107;
pub const SQL_C_INTERVAL_DAY_TO_HOUR: i16 = 108;
pub const SQL_C_INTERVAL_DAY_TO_MINUTE: i16 = 109;
pub const SQL_C_INTERVAL_DAY_TO_SECOND: i16 = 110;
pub const SQL_C_INTERVAL_HOUR_TO_MINUTE: i16 = 111;
pub const SQL_C_INTERVAL_HOUR_TO_SECOND: i16 = 112;
pub const SQL_C_INTERVAL_MINUTE_TO_SECOND: i16 = 113;
/// Length/indicator: data at execution (SQLPutData).
pub const SQL_DATA_AT_EXEC: isize = -2;
/// `SQL_LEN_DATA_AT_EXEC(n)` is `SQL_LEN_DATA_AT_EXEC_OFFSET - n`: every value at or below it also
/// means data at execution.
pub const SQL_LEN_DATA_AT_EXEC_OFFSET: isize = -100;
