//! SQLGetFunctions identifiers (sqlext.h).

pub const SQL_API_ALL_FUNCTIONS: u16 = 0;
pub const SQL_API_ODBC3_ALL_FUNCTIONS: u16 = 999;
pub const SQL_API_ODBC3_ALL_FUNCTIONS_SIZE: usize = 250;
