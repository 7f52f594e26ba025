//! SQLGetDiagField identifiers (sql.h, sqlext.h).

pub const SQL_DIAG_RETURNCODE: i16 = 1;
pub const SQL_DIAG_NUMBER: i16 = 2;
pub const SQL_DIAG_ROW_COUNT: i16 = 3;
pub const SQL_DIAG_SQLSTATE: i16 = 4;
pub const SQL_DIAG_NATIVE: i16 = 5;
pub const SQL_DIAG_MESSAGE_TEXT: i16 = 6;
pub const SQL_DIAG_DYNAMIC_FUNCTION: i16 = 7;
pub const SQL_DIAG_CLASS_ORIGIN: i16 = 8;
pub const SQL_DIAG_SUBCLASS_ORIGIN: i16 = 9;
pub const SQL_DIAG_CONNECTION_NAME: i16 = 10;
pub const SQL_DIAG_SERVER_NAME: i16 = 11;
pub const SQL_DIAG_DYNAMIC_FUNCTION_CODE: i16 = 12;
pub const SQL_DIAG_CURSOR_ROW_COUNT: i16 = -1249;
pub const SQL_DIAG_ROW_NUMBER: i16 = -1248;
pub const SQL_DIAG_COLUMN_NUMBER: i16 = -1247;
