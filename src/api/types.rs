//! The C types of the ODBC API as unixODBC declares them on 64-bit Linux (`sqltypes.h`). Names
//! keep their C spelling so cbindgen writes prototypes identical to `<sql.h>` and `<sqlext.h>`.
#![allow(non_camel_case_types, clippy::upper_case_acronyms)]

use std::ffi::c_void;

pub type SQLSMALLINT = i16;
pub type SQLUSMALLINT = u16;
pub type SQLINTEGER = i32;
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
