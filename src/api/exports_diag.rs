//! SQLGetDiagRec and SQLGetDiagField, ANSI and Unicode. They read diagnostics without clearing
//! them. SQLGetDiagRec lengths are in characters, SQLGetDiagField's in bytes.
#![allow(non_snake_case)]

use super::registry::Handle;
use super::text::{write_output, Encoding, LengthUnit, Narrow, Wide};
use super::types::*;
use super::{entry_keep_diag, kind_from_type};
use crate::ffi::AppPtr;
use crate::odbc::diag::{
    SQL_DIAG_CLASS_ORIGIN, SQL_DIAG_COLUMN_NUMBER, SQL_DIAG_CONNECTION_NAME,
    SQL_DIAG_CURSOR_ROW_COUNT, SQL_DIAG_DYNAMIC_FUNCTION, SQL_DIAG_DYNAMIC_FUNCTION_CODE,
    SQL_DIAG_MESSAGE_TEXT, SQL_DIAG_NATIVE, SQL_DIAG_NUMBER, SQL_DIAG_RETURNCODE,
    SQL_DIAG_ROW_COUNT, SQL_DIAG_ROW_NUMBER, SQL_DIAG_SERVER_NAME, SQL_DIAG_SQLSTATE,
    SQL_DIAG_SUBCLASS_ORIGIN,
};
use crate::odbc::returns::{
    SQL_ERROR, SQL_INVALID_HANDLE, SQL_NO_DATA, SQL_SUCCESS, SQL_SUCCESS_WITH_INFO,
};

/// SQLSTATEs defined by ODBC rather than ISO 9075 (their class origin is "ODBC 3.0").
fn odbc_defined(state: &str) -> bool {
    matches!(
        state,
        "01S00"
            | "01S01"
            | "01S02"
            | "01S06"
            | "01S07"
            | "07S01"
            | "08S01"
            | "21S01"
            | "21S02"
            | "25S01"
            | "25S02"
            | "25S03"
            | "42S01"
            | "42S02"
            | "42S11"
            | "42S12"
            | "42S21"
            | "42S22"
    ) || state.starts_with("HY")
        || state.starts_with("IM")
}

#[allow(clippy::too_many_arguments)]
fn get_diag_rec<E: Encoding>(
    handle_type: SQLSMALLINT,
    handle: SQLHANDLE,
    record: SQLSMALLINT,
    sqlstate: AppPtr,
    native: AppPtr,
    message: AppPtr,
    max: SQLSMALLINT,
    out_len: AppPtr,
) -> SQLRETURN {
    let Some(kind) = kind_from_type(handle_type) else {
        return SQL_INVALID_HANDLE;
    };
    entry_keep_diag(handle, kind, |h: &Handle| {
        if record < 1 || max < 0 {
            return SQL_ERROR;
        }
        let area = h.diag().lock();
        let Some(rec) = area.records.get(record as usize - 1) else {
            return SQL_NO_DATA;
        };
        write_output::<E>(sqlstate, 6, LengthUnit::Characters, rec.state.as_str());
        native.write_i32(rec.native);
        let written =
            write_output::<E>(message, max as isize, LengthUnit::Characters, &rec.message);
        out_len.write_i16(written.full_len.min(i16::MAX as usize) as i16);
        if written.truncated && !message.is_null() {
            SQL_SUCCESS_WITH_INFO
        } else {
            SQL_SUCCESS
        }
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetDiagRec(
    HandleType: SQLSMALLINT,
    Handle: SQLHANDLE,
    RecNumber: SQLSMALLINT,
    Sqlstate: *mut SQLCHAR,
    NativeError: *mut SQLINTEGER,
    MessageText: *mut SQLCHAR,
    BufferLength: SQLSMALLINT,
    TextLength: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_diag_rec::<Narrow>(
            HandleType,
            Handle,
            RecNumber,
            AppPtr::new(Sqlstate),
            AppPtr::new(NativeError),
            AppPtr::new(MessageText),
            BufferLength,
            AppPtr::new(TextLength),
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
pub unsafe extern "C" fn SQLGetDiagRecW(
    fHandleType: SQLSMALLINT,
    handle: SQLHANDLE,
    iRecord: SQLSMALLINT,
    szSqlState: *mut SQLWCHAR,
    pfNativeError: *mut SQLINTEGER,
    szErrorMsg: *mut SQLWCHAR,
    cbErrorMsgMax: SQLSMALLINT,
    pcbErrorMsg: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_diag_rec::<Wide>(
            fHandleType,
            handle,
            iRecord,
            AppPtr::new(szSqlState),
            AppPtr::new(pfNativeError),
            AppPtr::new(szErrorMsg),
            cbErrorMsgMax,
            AppPtr::new(pcbErrorMsg),
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn get_diag_field<E: Encoding>(
    handle_type: SQLSMALLINT,
    handle: SQLHANDLE,
    record: SQLSMALLINT,
    field: SQLSMALLINT,
    value: AppPtr,
    max: SQLSMALLINT,
    out_len: AppPtr,
) -> SQLRETURN {
    let Some(kind) = kind_from_type(handle_type) else {
        return SQL_INVALID_HANDLE;
    };
    entry_keep_diag(handle, kind, |h: &Handle| {
        let text = |s: &str| {
            let written = write_output::<E>(value, max as isize, LengthUnit::Bytes, s);
            out_len.write_i16(written.full_len.min(i16::MAX as usize) as i16);
            if written.truncated {
                SQL_SUCCESS_WITH_INFO
            } else {
                SQL_SUCCESS
            }
        };
        let area = h.diag().lock();
        match field {
            SQL_DIAG_NUMBER => {
                value.write_i32(area.records.len() as i32);
                return SQL_SUCCESS;
            }
            SQL_DIAG_RETURNCODE => {
                value.write_i16(area.return_code);
                return SQL_SUCCESS;
            }
            SQL_DIAG_ROW_COUNT | SQL_DIAG_CURSOR_ROW_COUNT => {
                if !matches!(h, Handle::Stmt(_)) {
                    return SQL_ERROR;
                }
                value.write_isize(-1);
                return SQL_SUCCESS;
            }
            SQL_DIAG_DYNAMIC_FUNCTION => return text(&area.dynamic_function),
            SQL_DIAG_DYNAMIC_FUNCTION_CODE => {
                value.write_i32(0);
                return SQL_SUCCESS;
            }
            _ => {}
        }
        if record < 1 {
            return SQL_ERROR;
        }
        let Some(rec) = area.records.get(record as usize - 1) else {
            return SQL_NO_DATA;
        };
        match field {
            SQL_DIAG_SQLSTATE => text(rec.state.as_str()),
            SQL_DIAG_NATIVE => {
                value.write_i32(rec.native);
                SQL_SUCCESS
            }
            SQL_DIAG_MESSAGE_TEXT => text(&rec.message),
            SQL_DIAG_CLASS_ORIGIN => text(if rec.state.as_str().starts_with("IM") {
                "ODBC 3.0"
            } else {
                "ISO 9075"
            }),
            SQL_DIAG_SUBCLASS_ORIGIN => text(if odbc_defined(rec.state.as_str()) {
                "ODBC 3.0"
            } else {
                "ISO 9075"
            }),
            SQL_DIAG_CONNECTION_NAME | SQL_DIAG_SERVER_NAME => text(""),
            SQL_DIAG_ROW_NUMBER => {
                value.write_isize(if rec.row > 0 { rec.row } else { -2 });
                SQL_SUCCESS
            }
            SQL_DIAG_COLUMN_NUMBER => {
                value.write_i32(if rec.column > 0 { rec.column } else { -2 });
                SQL_SUCCESS
            }
            _ => SQL_ERROR,
        }
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetDiagField(
    HandleType: SQLSMALLINT,
    Handle: SQLHANDLE,
    RecNumber: SQLSMALLINT,
    DiagIdentifier: SQLSMALLINT,
    DiagInfo: SQLPOINTER,
    BufferLength: SQLSMALLINT,
    StringLength: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_diag_field::<Narrow>(
            HandleType,
            Handle,
            RecNumber,
            DiagIdentifier,
            AppPtr::new(DiagInfo),
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
pub unsafe extern "C" fn SQLGetDiagFieldW(
    fHandleType: SQLSMALLINT,
    handle: SQLHANDLE,
    iRecord: SQLSMALLINT,
    fDiagField: SQLSMALLINT,
    rgbDiagInfo: SQLPOINTER,
    cbDiagInfoMax: SQLSMALLINT,
    pcbDiagInfo: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_diag_field::<Wide>(
            fHandleType,
            handle,
            iRecord,
            fDiagField,
            AppPtr::new(rgbDiagInfo),
            cbDiagInfoMax,
            AppPtr::new(pcbDiagInfo),
        )
    }
}
