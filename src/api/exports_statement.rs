//! Statement exports: executing, parameters, result metadata, binding, fetching, SQLGetData and
//! statement attributes. Text arguments come in ANSI and Unicode forms over one implementation.
#![allow(non_snake_case)]

use super::text::{read_input, Encoding, LengthUnit, Narrow, Wide};
use super::types::*;
use super::{as_stmt, entry, null_pointer, output_text, HandleKind};
use crate::error::{state, Error};
use crate::ffi::AppPtr;
use crate::handles::statement::{ColAttr, StmtAttrValue};
use crate::handles::Status;
use crate::odbc::attributes::SQL_FETCH_NEXT;

fn exec_direct<E: Encoding>(hstmt: SQLHSTMT, text: AppPtr, len: SQLINTEGER) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        let sql =
            read_input::<E>(text, len as isize)?.ok_or_else(|| null_pointer("StatementText"))?;
        as_stmt(h)?.exec_direct(&sql)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLExecDirect(
    StatementHandle: SQLHSTMT,
    StatementText: *mut SQLCHAR,
    TextLength: SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe { exec_direct::<Narrow>(StatementHandle, AppPtr::new(StatementText), TextLength) }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLExecDirectW(
    hstmt: SQLHSTMT,
    szSqlStr: *mut SQLWCHAR,
    cbSqlStr: SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe { exec_direct::<Wide>(hstmt, AppPtr::new(szSqlStr), cbSqlStr) }
}

fn prepare<E: Encoding>(hstmt: SQLHSTMT, text: AppPtr, len: SQLINTEGER) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        let sql =
            read_input::<E>(text, len as isize)?.ok_or_else(|| null_pointer("StatementText"))?;
        as_stmt(h)?.prepare(&sql)?;
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
pub unsafe extern "C" fn SQLPrepare(
    StatementHandle: SQLHSTMT,
    StatementText: *mut SQLCHAR,
    TextLength: SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe { prepare::<Narrow>(StatementHandle, AppPtr::new(StatementText), TextLength) }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLPrepareW(
    hstmt: SQLHSTMT,
    szSqlStr: *mut SQLWCHAR,
    cbSqlStr: SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe { prepare::<Wide>(hstmt, AppPtr::new(szSqlStr), cbSqlStr) }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLExecute(StatementHandle: SQLHSTMT) -> SQLRETURN {
    entry(StatementHandle, HandleKind::Stmt, |h| as_stmt(h)?.execute())
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLNumParams(hstmt: SQLHSTMT, pcpar: *mut SQLSMALLINT) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(hstmt, HandleKind::Stmt, |h| {
            let n = as_stmt(h)?.num_params()?;
            AppPtr::new(pcpar).write_i16(n);
            Ok(Status::Success)
        })
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLDescribeParam(
    hstmt: SQLHSTMT,
    ipar: SQLUSMALLINT,
    pfSqlType: *mut SQLSMALLINT,
    pcbParamDef: *mut SQLULEN,
    pibScale: *mut SQLSMALLINT,
    pfNullable: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(hstmt, HandleKind::Stmt, |h| {
            let rec = as_stmt(h)?.describe_param(ipar)?;
            AppPtr::new(pfSqlType).write_i16(rec.concise_type);
            AppPtr::new(pcbParamDef).write_usize(rec.length);
            AppPtr::new(pibScale).write_i16(rec.scale);
            AppPtr::new(pfNullable).write_i16(rec.nullable);
            Ok(Status::Success)
        })
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLBindParameter(
    hstmt: SQLHSTMT,
    ipar: SQLUSMALLINT,
    fParamType: SQLSMALLINT,
    fCType: SQLSMALLINT,
    fSqlType: SQLSMALLINT,
    cbColDef: SQLULEN,
    ibScale: SQLSMALLINT,
    rgbValue: SQLPOINTER,
    cbValueMax: SQLLEN,
    pcbValue: *mut SQLLEN,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(hstmt, HandleKind::Stmt, |h| {
            as_stmt(h)?.bind_parameter(
                ipar,
                fParamType,
                fCType,
                fSqlType,
                cbColDef,
                ibScale,
                AppPtr::new(rgbValue),
                cbValueMax,
                AppPtr::new(pcbValue),
            )?;
            Ok(Status::Success)
        })
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLNumResultCols(
    StatementHandle: SQLHSTMT,
    ColumnCount: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(StatementHandle, HandleKind::Stmt, |h| {
            let n = as_stmt(h)?.num_result_cols()?;
            AppPtr::new(ColumnCount).write_i16(n);
            Ok(Status::Success)
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn describe_col<E: Encoding>(
    hstmt: SQLHSTMT,
    column: SQLUSMALLINT,
    name: AppPtr,
    name_max: SQLSMALLINT,
    name_len: AppPtr,
    data_type: AppPtr,
    column_size: AppPtr,
    digits: AppPtr,
    nullable: AppPtr,
) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        if name_max < 0 {
            return Err(Error::new(
                state::INVALID_STRING_OR_BUFFER_LENGTH,
                "BufferLength cannot be negative",
            ));
        }
        let rec = as_stmt(h)?.column_record(column)?;
        let written = output_text::<E>(
            h,
            name,
            name_max as isize,
            LengthUnit::Characters,
            &rec.name,
        );
        name_len.write_i16(written.full_len.min(i16::MAX as usize) as i16);
        data_type.write_i16(rec.concise_type);
        column_size.write_usize(rec.length);
        digits.write_i16(rec.scale);
        nullable.write_i16(rec.nullable);
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
pub unsafe extern "C" fn SQLDescribeCol(
    StatementHandle: SQLHSTMT,
    ColumnNumber: SQLUSMALLINT,
    ColumnName: *mut SQLCHAR,
    BufferLength: SQLSMALLINT,
    NameLength: *mut SQLSMALLINT,
    DataType: *mut SQLSMALLINT,
    ColumnSize: *mut SQLULEN,
    DecimalDigits: *mut SQLSMALLINT,
    Nullable: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        describe_col::<Narrow>(
            StatementHandle,
            ColumnNumber,
            AppPtr::new(ColumnName),
            BufferLength,
            AppPtr::new(NameLength),
            AppPtr::new(DataType),
            AppPtr::new(ColumnSize),
            AppPtr::new(DecimalDigits),
            AppPtr::new(Nullable),
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
pub unsafe extern "C" fn SQLDescribeColW(
    hstmt: SQLHSTMT,
    icol: SQLUSMALLINT,
    szColName: *mut SQLWCHAR,
    cbColNameMax: SQLSMALLINT,
    pcbColName: *mut SQLSMALLINT,
    pfSqlType: *mut SQLSMALLINT,
    pcbColDef: *mut SQLULEN,
    pibScale: *mut SQLSMALLINT,
    pfNullable: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        describe_col::<Wide>(
            hstmt,
            icol,
            AppPtr::new(szColName),
            cbColNameMax,
            AppPtr::new(pcbColName),
            AppPtr::new(pfSqlType),
            AppPtr::new(pcbColDef),
            AppPtr::new(pibScale),
            AppPtr::new(pfNullable),
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn col_attribute<E: Encoding>(
    hstmt: SQLHSTMT,
    column: SQLUSMALLINT,
    field: SQLUSMALLINT,
    char_attr: AppPtr,
    max: SQLSMALLINT,
    out_len: AppPtr,
    num_attr: AppPtr,
) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        match as_stmt(h)?.col_attribute(column, field)? {
            ColAttr::Text(text) => {
                let written =
                    output_text::<E>(h, char_attr, max as isize, LengthUnit::Bytes, &text);
                out_len.write_i16(written.full_len.min(i16::MAX as usize) as i16);
            }
            ColAttr::Num(n) => num_attr.write_isize(n),
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
pub unsafe extern "C" fn SQLColAttribute(
    StatementHandle: SQLHSTMT,
    ColumnNumber: SQLUSMALLINT,
    FieldIdentifier: SQLUSMALLINT,
    CharacterAttribute: SQLPOINTER,
    BufferLength: SQLSMALLINT,
    StringLength: *mut SQLSMALLINT,
    NumericAttribute: *mut SQLLEN,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        col_attribute::<Narrow>(
            StatementHandle,
            ColumnNumber,
            FieldIdentifier,
            AppPtr::new(CharacterAttribute),
            BufferLength,
            AppPtr::new(StringLength),
            AppPtr::new(NumericAttribute),
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
pub unsafe extern "C" fn SQLColAttributeW(
    hstmt: SQLHSTMT,
    iCol: SQLUSMALLINT,
    iField: SQLUSMALLINT,
    pCharAttr: SQLPOINTER,
    cbCharAttrMax: SQLSMALLINT,
    pcbCharAttr: *mut SQLSMALLINT,
    pNumAttr: *mut SQLLEN,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        col_attribute::<Wide>(
            hstmt,
            iCol,
            iField,
            AppPtr::new(pCharAttr),
            cbCharAttrMax,
            AppPtr::new(pcbCharAttr),
            AppPtr::new(pNumAttr),
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
pub unsafe extern "C" fn SQLBindCol(
    StatementHandle: SQLHSTMT,
    ColumnNumber: SQLUSMALLINT,
    TargetType: SQLSMALLINT,
    TargetValue: SQLPOINTER,
    BufferLength: SQLLEN,
    StrLen_or_Ind: *mut SQLLEN,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(StatementHandle, HandleKind::Stmt, |h| {
            as_stmt(h)?.bind_col(
                ColumnNumber,
                TargetType,
                AppPtr::new(TargetValue),
                BufferLength,
                AppPtr::new(StrLen_or_Ind),
            )?;
            Ok(Status::Success)
        })
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLFetch(StatementHandle: SQLHSTMT) -> SQLRETURN {
    entry(StatementHandle, HandleKind::Stmt, |h| {
        as_stmt(h)?.fetch(SQL_FETCH_NEXT, 0)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLFetchScroll(
    StatementHandle: SQLHSTMT,
    FetchOrientation: SQLSMALLINT,
    FetchOffset: SQLLEN,
) -> SQLRETURN {
    entry(StatementHandle, HandleKind::Stmt, |h| {
        as_stmt(h)?.fetch(FetchOrientation, FetchOffset)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetData(
    StatementHandle: SQLHSTMT,
    ColumnNumber: SQLUSMALLINT,
    TargetType: SQLSMALLINT,
    TargetValue: SQLPOINTER,
    BufferLength: SQLLEN,
    StrLen_or_Ind: *mut SQLLEN,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(StatementHandle, HandleKind::Stmt, |h| {
            as_stmt(h)?.get_data(
                ColumnNumber,
                TargetType,
                AppPtr::new(TargetValue),
                BufferLength,
                AppPtr::new(StrLen_or_Ind),
            )
        })
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLRowCount(
    StatementHandle: SQLHSTMT,
    RowCount: *mut SQLLEN,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(StatementHandle, HandleKind::Stmt, |h| {
            let count = as_stmt(h)?.row_count()?;
            AppPtr::new(RowCount).write_isize(count);
            Ok(Status::Success)
        })
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLMoreResults(hstmt: SQLHSTMT) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| as_stmt(h)?.more_results())
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLCloseCursor(StatementHandle: SQLHSTMT) -> SQLRETURN {
    entry(StatementHandle, HandleKind::Stmt, |h| {
        as_stmt(h)?.close_cursor(true)?;
        Ok(Status::Success)
    })
}

fn set_stmt_attr(hstmt: SQLHSTMT, attribute: SQLINTEGER, value: AppPtr) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        as_stmt(h)?.set_attr(attribute, value)?;
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
pub unsafe extern "C" fn SQLSetStmtAttr(
    StatementHandle: SQLHSTMT,
    Attribute: SQLINTEGER,
    Value: SQLPOINTER,
    _StringLength: SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers this pointer argument.
    set_stmt_attr(StatementHandle, Attribute, unsafe { AppPtr::new(Value) })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLSetStmtAttrW(
    hstmt: SQLHSTMT,
    fAttribute: SQLINTEGER,
    rgbValue: SQLPOINTER,
    _cbValueMax: SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers this pointer argument.
    set_stmt_attr(hstmt, fAttribute, unsafe { AppPtr::new(rgbValue) })
}

fn get_stmt_attr(
    hstmt: SQLHSTMT,
    attribute: SQLINTEGER,
    value: AppPtr,
    out_len: AppPtr,
) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        if value.is_null() {
            return Err(null_pointer("ValuePtr"));
        }
        match as_stmt(h)?.get_attr(attribute)? {
            StmtAttrValue::Int(v) => value.write_usize(v),
            StmtAttrValue::Ptr(p) => value.write_ptr(p.address()),
            StmtAttrValue::Handle(a) => value.write_ptr(a),
        }
        out_len.write_i32(std::mem::size_of::<usize>() as i32);
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
pub unsafe extern "C" fn SQLGetStmtAttr(
    StatementHandle: SQLHSTMT,
    Attribute: SQLINTEGER,
    Value: SQLPOINTER,
    _BufferLength: SQLINTEGER,
    StringLength: *mut SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_stmt_attr(
            StatementHandle,
            Attribute,
            AppPtr::new(Value),
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
pub unsafe extern "C" fn SQLGetStmtAttrW(
    hstmt: SQLHSTMT,
    fAttribute: SQLINTEGER,
    rgbValue: SQLPOINTER,
    _cbValueMax: SQLINTEGER,
    pcbValue: *mut SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_stmt_attr(
            hstmt,
            fAttribute,
            AppPtr::new(rgbValue),
            AppPtr::new(pcbValue),
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
pub unsafe extern "C" fn SQLParamData(
    StatementHandle: SQLHSTMT,
    ValuePtrPtr: *mut SQLPOINTER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(StatementHandle, HandleKind::Stmt, |h| {
            let (status, token) = as_stmt(h)?.param_data()?;
            if status == Status::NeedData {
                // The parameter's bound value pointer, which the application uses as a token.
                AppPtr::new(ValuePtrPtr).write_ptr(token.address());
            }
            Ok(status)
        })
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLPutData(
    StatementHandle: SQLHSTMT,
    DataPtr: SQLPOINTER,
    StrLen_or_Ind: SQLLEN,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments: `DataPtr` holds
    // `StrLen_or_Ind` bytes (or a NUL-terminated value for SQL_NTS, or a fixed-size value).
    unsafe {
        entry(StatementHandle, HandleKind::Stmt, |h| {
            as_stmt(h)?.put_data(AppPtr::new(DataPtr), StrLen_or_Ind)?;
            Ok(Status::Success)
        })
    }
}

fn get_cursor_name<E: Encoding>(
    hstmt: SQLHSTMT,
    name: AppPtr,
    max: SQLSMALLINT,
    len: AppPtr,
) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        let cursor = as_stmt(h)?.cursor_name();
        let written = output_text::<E>(h, name, max as isize, LengthUnit::Characters, &cursor);
        len.write_i16(written.full_len as i16);
        Ok(Status::Success)
    })
}

fn set_cursor_name<E: Encoding>(hstmt: SQLHSTMT, name: AppPtr, len: SQLSMALLINT) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        let name =
            read_input::<E>(name, len as isize)?.ok_or_else(|| null_pointer("CursorName"))?;
        as_stmt(h)?.set_cursor_name(&name)?;
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
pub unsafe extern "C" fn SQLGetCursorName(
    StatementHandle: SQLHSTMT,
    CursorName: *mut SQLCHAR,
    BufferLength: SQLSMALLINT,
    NameLengthPtr: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_cursor_name::<Narrow>(
            StatementHandle,
            AppPtr::new(CursorName),
            BufferLength,
            AppPtr::new(NameLengthPtr),
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
pub unsafe extern "C" fn SQLSetCursorName(
    StatementHandle: SQLHSTMT,
    CursorName: *mut SQLCHAR,
    NameLength: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe { set_cursor_name::<Narrow>(StatementHandle, AppPtr::new(CursorName), NameLength) }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetCursorNameW(
    StatementHandle: SQLHSTMT,
    CursorName: *mut SQLWCHAR,
    BufferLength: SQLSMALLINT,
    NameLengthPtr: *mut SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_cursor_name::<Wide>(
            StatementHandle,
            AppPtr::new(CursorName),
            BufferLength,
            AppPtr::new(NameLengthPtr),
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
pub unsafe extern "C" fn SQLSetCursorNameW(
    StatementHandle: SQLHSTMT,
    CursorName: *mut SQLWCHAR,
    NameLength: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe { set_cursor_name::<Wide>(StatementHandle, AppPtr::new(CursorName), NameLength) }
}
