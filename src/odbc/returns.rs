//! Return codes, handle types, SQLFreeStmt options and special lengths (sql.h).

pub const SQL_SUCCESS: i16 = 0;
pub const SQL_SUCCESS_WITH_INFO: i16 = 1;
pub const SQL_NO_DATA: i16 = 100;
pub const SQL_NEED_DATA: i16 = 99;
pub const SQL_ERROR: i16 = -1;
pub const SQL_INVALID_HANDLE: i16 = -2;
pub const SQL_HANDLE_ENV: i16 = 1;
pub const SQL_HANDLE_DBC: i16 = 2;
pub const SQL_HANDLE_STMT: i16 = 3;
pub const SQL_HANDLE_DESC: i16 = 4;
pub const SQL_NTS: isize = -3;
pub const SQL_CLOSE: u16 = 0;
pub const SQL_DROP: u16 = 1;
pub const SQL_UNBIND: u16 = 2;
pub const SQL_RESET_PARAMS: u16 = 3;
