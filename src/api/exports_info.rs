//! SQLGetInfo and SQLGetTypeInfo, ANSI and Unicode. SQLGetInfo string lengths are in bytes.
#![allow(non_snake_case)]

use super::text::{Encoding, LengthUnit, Narrow, Wide};
use super::types::*;
use super::{as_conn, as_stmt, entry, output_text, HandleKind};
use crate::error::{state, Error};
use crate::ffi::AppPtr;
use crate::handles::info::{allowed_before_connect, get_info, InfoValue};
use crate::handles::{type_info, Status};

fn get_info_impl<E: Encoding>(
    hdbc: SQLHDBC,
    info_type: SQLUSMALLINT,
    value: AppPtr,
    max: SQLSMALLINT,
    out_len: AppPtr,
) -> SQLRETURN {
    entry(hdbc, HandleKind::Conn, |h| {
        let conn = as_conn(h)?;
        if !conn.is_connected() && !allowed_before_connect(info_type) {
            return Err(Error::new(
                state::CONNECTION_NOT_OPEN,
                format!("SQLGetInfo({info_type}) needs an open connection; connect first"),
            ));
        }
        let answer = get_info(info_type, &conn.info_context()).ok_or_else(|| {
            Error::new(
                state::INFORMATION_TYPE_OUT_OF_RANGE,
                format!("Information type {info_type} is not known to apiodbc"),
            )
        })?;
        match answer {
            InfoValue::Text(text) => {
                let written = output_text::<E>(h, value, max as isize, LengthUnit::Bytes, &text);
                out_len.write_i16(written.full_len.min(i16::MAX as usize) as i16);
            }
            InfoValue::U16(v) => {
                value.write_u16(v);
                out_len.write_i16(2);
            }
            InfoValue::U32(v) => {
                value.write_u32(v);
                out_len.write_i16(4);
            }
        }
        Ok(Status::Success)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetInfo(
    ConnectionHandle: SQLHDBC,
    InfoType: SQLUSMALLINT,
    InfoValue: SQLPOINTER,
    BufferLength: SQLSMALLINT,
    StringLength: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_info_impl::<Narrow>(
            ConnectionHandle,
            InfoType,
            AppPtr::new(InfoValue),
            BufferLength,
            AppPtr::new(StringLength),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetInfoW(
    hdbc: SQLHDBC,
    fInfoType: SQLUSMALLINT,
    rgbInfoValue: SQLPOINTER,
    cbInfoValueMax: SQLSMALLINT,
    pcbInfoValue: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_info_impl::<Wide>(
            hdbc,
            fInfoType,
            AppPtr::new(rgbInfoValue),
            cbInfoValueMax,
            AppPtr::new(pcbInfoValue),
        )
    }
}

fn get_type_info(hstmt: SQLHSTMT, data_type: SQLSMALLINT) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        let stmt = as_stmt(h)?;
        let version = stmt.conn.env.odbc_version() as i32;
        stmt.open_batch(type_info::type_info_batch_with(
            data_type,
            version,
            stmt.text_len(),
        ))
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetTypeInfo(
    StatementHandle: SQLHSTMT,
    DataType: SQLSMALLINT,
) -> SQLRETURN {
    get_type_info(StatementHandle, DataType)
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetTypeInfoW(
    StatementHandle: SQLHSTMT,
    DataType: SQLSMALLINT,
) -> SQLRETURN {
    get_type_info(StatementHandle, DataType)
}
