//! The C types of the ODBC API as unixODBC declares them on 64-bit Linux (`sqltypes.h`). Names
//! keep their C spelling so cbindgen writes prototypes identical to `<sql.h>` and `<sqlext.h>`.
#![allow(non_camel_case_types, clippy::upper_case_acronyms)]

use std::ffi::c_void;

pub type SQLSMALLINT = i16;
pub type SQLUSMALLINT = u16;
pub type SQLINTEGER = i32;
pub type SQLUINTEGER = u32;
pub type SQLLEN = isize;
pub type SQLULEN = usize;
pub type SQLRETURN = SQLSMALLINT;
pub type SQLPOINTER = *mut c_void;
pub type SQLHANDLE = *mut c_void;
pub type SQLHENV = SQLHANDLE;
pub type SQLHDBC = SQLHANDLE;
pub type SQLHSTMT = SQLHANDLE;
pub type SQLHDESC = SQLHANDLE;
pub type SQLHWND = *mut c_void;
pub type SQLCHAR = u8;
pub type SQLWCHAR = u16;

pub const SQL_SUCCESS: SQLRETURN = 0;
pub const SQL_SUCCESS_WITH_INFO: SQLRETURN = 1;
pub const SQL_NO_DATA: SQLRETURN = 100;
pub const SQL_ERROR: SQLRETURN = -1;
pub const SQL_INVALID_HANDLE: SQLRETURN = -2;
pub const SQL_NEED_DATA: SQLRETURN = 99;

pub const SQL_HANDLE_ENV: SQLSMALLINT = 1;
pub const SQL_HANDLE_DBC: SQLSMALLINT = 2;
pub const SQL_HANDLE_STMT: SQLSMALLINT = 3;
pub const SQL_HANDLE_DESC: SQLSMALLINT = 4;

pub const SQL_NTS: isize = -3;
