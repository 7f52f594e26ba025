//! SQLGetDiagRec and SQLGetDiagField, ANSI and Unicode. They read diagnostics without clearing
//! them. SQLGetDiagRec lengths are in characters, SQLGetDiagField's in bytes.
#![allow(non_snake_case)]

use super::memory::AppPtr;
use super::text::{write_output, Encoding, LengthUnit, Narrow, Wide};
use super::types::*;
use super::{entry_keep_diag, kind_from_type};
use crate::handles::Handle;

const SQL_DIAG_RETURNCODE: i16 = 1;
const SQL_DIAG_NUMBER: i16 = 2;
const SQL_DIAG_ROW_COUNT: i16 = 3;
const SQL_DIAG_SQLSTATE: i16 = 4;
const SQL_DIAG_NATIVE: i16 = 5;
const SQL_DIAG_MESSAGE_TEXT: i16 = 6;
const SQL_DIAG_DYNAMIC_FUNCTION: i16 = 7;
const SQL_DIAG_CLASS_ORIGIN: i16 = 8;
const SQL_DIAG_SUBCLASS_ORIGIN: i16 = 9;
const SQL_DIAG_CONNECTION_NAME: i16 = 10;
const SQL_DIAG_SERVER_NAME: i16 = 11;
const SQL_DIAG_DYNAMIC_FUNCTION_CODE: i16 = 12;
const SQL_DIAG_CURSOR_ROW_COUNT: i16 = -1249;
const SQL_DIAG_ROW_NUMBER: i16 = -1248;
const SQL_DIAG_COLUMN_NUMBER: i16 = -1247;

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

#[no_mangle]
pub extern "C" fn SQLGetDiagRec(
    HandleType: SQLSMALLINT,
    Handle: SQLHANDLE,
    RecNumber: SQLSMALLINT,
    Sqlstate: *mut SQLCHAR,
    NativeError: *mut SQLINTEGER,
    MessageText: *mut SQLCHAR,
    BufferLength: SQLSMALLINT,
    TextLength: *mut SQLSMALLINT,
) -> SQLRETURN {
    get_diag_rec::<Narrow>(
        HandleType,
        Handle,
        RecNumber,
        AppPtr::from_ptr(Sqlstate),
        AppPtr::from_ptr(NativeError),
        AppPtr::from_ptr(MessageText),
        BufferLength,
        AppPtr::from_ptr(TextLength),
    )
}

#[no_mangle]
pub extern "C" fn SQLGetDiagRecW(
    fHandleType: SQLSMALLINT,
    handle: SQLHANDLE,
    iRecord: SQLSMALLINT,
    szSqlState: *mut SQLWCHAR,
    pfNativeError: *mut SQLINTEGER,
    szErrorMsg: *mut SQLWCHAR,
    cbErrorMsgMax: SQLSMALLINT,
    pcbErrorMsg: *mut SQLSMALLINT,
) -> SQLRETURN {
    get_diag_rec::<Wide>(
        fHandleType,
        handle,
        iRecord,
        AppPtr::from_ptr(szSqlState),
        AppPtr::from_ptr(pfNativeError),
        AppPtr::from_ptr(szErrorMsg),
        cbErrorMsgMax,
        AppPtr::from_ptr(pcbErrorMsg),
    )
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

#[no_mangle]
pub extern "C" fn SQLGetDiagField(
    HandleType: SQLSMALLINT,
    Handle: SQLHANDLE,
    RecNumber: SQLSMALLINT,
    DiagIdentifier: SQLSMALLINT,
    DiagInfo: SQLPOINTER,
    BufferLength: SQLSMALLINT,
    StringLength: *mut SQLSMALLINT,
) -> SQLRETURN {
    get_diag_field::<Narrow>(
        HandleType,
        Handle,
        RecNumber,
        DiagIdentifier,
        AppPtr::from_ptr(DiagInfo),
        BufferLength,
        AppPtr::from_ptr(StringLength),
    )
}

#[no_mangle]
pub extern "C" fn SQLGetDiagFieldW(
    fHandleType: SQLSMALLINT,
    handle: SQLHANDLE,
    iRecord: SQLSMALLINT,
    fDiagField: SQLSMALLINT,
    rgbDiagInfo: SQLPOINTER,
    cbDiagInfoMax: SQLSMALLINT,
    pcbDiagInfo: *mut SQLSMALLINT,
) -> SQLRETURN {
    get_diag_field::<Wide>(
        fHandleType,
        handle,
        iRecord,
        fDiagField,
        AppPtr::from_ptr(rgbDiagInfo),
        cbDiagInfoMax,
        AppPtr::from_ptr(pcbDiagInfo),
    )
}
