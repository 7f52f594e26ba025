//! Connection exports: SQLDriverConnect, SQLConnect, SQLDisconnect, SQLSetConnectAttr,
//! SQLGetConnectAttr and SQLNativeSql, each in ANSI and Unicode form.
#![allow(non_snake_case)]

use super::text::{read_input, Encoding, LengthUnit, Narrow, Wide};
use super::types::*;
use super::{as_conn, entry, null_pointer, output_text, HandleKind};
use crate::error::{state, Error, Result};
use crate::ffi::AppPtr;
use crate::handles::connection::AttrValue;
use crate::handles::Status;
use crate::odbc::attributes::{
    SQL_ATTR_CURRENT_CATALOG, SQL_ATTR_TRACEFILE, SQL_ATTR_TRANSLATE_LIB, SQL_DRIVER_COMPLETE,
    SQL_DRIVER_COMPLETE_REQUIRED, SQL_DRIVER_NOPROMPT, SQL_DRIVER_PROMPT,
};

#[allow(clippy::too_many_arguments)]
fn driver_connect<E: Encoding>(
    hdbc: SQLHDBC,
    text_in: AppPtr,
    len_in: SQLSMALLINT,
    text_out: AppPtr,
    out_max: SQLSMALLINT,
    out_len: AppPtr,
    completion: SQLUSMALLINT,
) -> SQLRETURN {
    entry(hdbc, HandleKind::Conn, |h| {
        let conn = as_conn(h)?;
        if !matches!(
            completion,
            SQL_DRIVER_NOPROMPT
                | SQL_DRIVER_COMPLETE
                | SQL_DRIVER_PROMPT
                | SQL_DRIVER_COMPLETE_REQUIRED
        ) {
            return Err(Error::new(
                state::INVALID_ATTRIBUTE_VALUE,
                format!("DriverCompletion {completion} is not valid"),
            ));
        }
        let text = read_input::<E>(text_in, len_in as isize)?
            .ok_or_else(|| null_pointer("InConnectionString"))?;
        let completed = conn.connect(&text)?;
        let written = output_text::<E>(
            h,
            text_out,
            out_max as isize,
            LengthUnit::Characters,
            &completed,
        );
        out_len.write_i16(written.full_len.min(i16::MAX as usize) as i16);
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
pub unsafe extern "C" fn SQLDriverConnect(
    hdbc: SQLHDBC,
    _hwnd: SQLHWND,
    szConnStrIn: *mut SQLCHAR,
    cbConnStrIn: SQLSMALLINT,
    szConnStrOut: *mut SQLCHAR,
    cbConnStrOutMax: SQLSMALLINT,
    pcbConnStrOut: *mut SQLSMALLINT,
    fDriverCompletion: SQLUSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        driver_connect::<Narrow>(
            hdbc,
            AppPtr::new(szConnStrIn),
            cbConnStrIn,
            AppPtr::new(szConnStrOut),
            cbConnStrOutMax,
            AppPtr::new(pcbConnStrOut),
            fDriverCompletion,
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
pub unsafe extern "C" fn SQLDriverConnectW(
    hdbc: SQLHDBC,
    _hwnd: SQLHWND,
    szConnStrIn: *mut SQLWCHAR,
    cbConnStrIn: SQLSMALLINT,
    szConnStrOut: *mut SQLWCHAR,
    cbConnStrOutMax: SQLSMALLINT,
    pcbConnStrOut: *mut SQLSMALLINT,
    fDriverCompletion: SQLUSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        driver_connect::<Wide>(
            hdbc,
            AppPtr::new(szConnStrIn),
            cbConnStrIn,
            AppPtr::new(szConnStrOut),
            cbConnStrOutMax,
            AppPtr::new(pcbConnStrOut),
            fDriverCompletion,
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn connect<E: Encoding>(
    hdbc: SQLHDBC,
    dsn: AppPtr,
    dsn_len: i16,
    uid: AppPtr,
    uid_len: i16,
    pwd: AppPtr,
    pwd_len: i16,
) -> SQLRETURN {
    entry(hdbc, HandleKind::Conn, |h| {
        let conn = as_conn(h)?;
        let dsn =
            read_input::<E>(dsn, dsn_len as isize)?.ok_or_else(|| null_pointer("ServerName"))?;
        let user = read_input::<E>(uid, uid_len as isize)?;
        let password = read_input::<E>(pwd, pwd_len as isize)?;
        conn.connect_to_dsn(&dsn, user.as_deref(), password.as_deref())?;
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
pub unsafe extern "C" fn SQLConnect(
    ConnectionHandle: SQLHDBC,
    ServerName: *mut SQLCHAR,
    NameLength1: SQLSMALLINT,
    UserName: *mut SQLCHAR,
    NameLength2: SQLSMALLINT,
    Authentication: *mut SQLCHAR,
    NameLength3: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        connect::<Narrow>(
            ConnectionHandle,
            AppPtr::new(ServerName),
            NameLength1,
            AppPtr::new(UserName),
            NameLength2,
            AppPtr::new(Authentication),
            NameLength3,
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
pub unsafe extern "C" fn SQLConnectW(
    hdbc: SQLHDBC,
    szDSN: *mut SQLWCHAR,
    cbDSN: SQLSMALLINT,
    szUID: *mut SQLWCHAR,
    cbUID: SQLSMALLINT,
    szAuthStr: *mut SQLWCHAR,
    cbAuthStr: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        connect::<Wide>(
            hdbc,
            AppPtr::new(szDSN),
            cbDSN,
            AppPtr::new(szUID),
            cbUID,
            AppPtr::new(szAuthStr),
            cbAuthStr,
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
pub unsafe extern "C" fn SQLDisconnect(ConnectionHandle: SQLHDBC) -> SQLRETURN {
    entry(ConnectionHandle, HandleKind::Conn, |h| {
        for statement in as_conn(h)?.disconnect()? {
            super::registry::release_statement(statement);
        }
        Ok(Status::Success)
    })
}

const STRING_ATTRS: [i32; 3] = [
    SQL_ATTR_CURRENT_CATALOG,
    SQL_ATTR_TRACEFILE,
    SQL_ATTR_TRANSLATE_LIB,
];

/// A string attribute value; for the W functions the length is in bytes.
fn attr_text<E: Encoding>(value: AppPtr, len: SQLINTEGER) -> Result<String> {
    let units = if len >= 0 {
        len as isize / E::unit() as isize
    } else {
        len as isize
    };
    Ok(read_input::<E>(value, units)?.unwrap_or_default())
}

fn set_connect_attr<E: Encoding>(
    hdbc: SQLHDBC,
    attribute: SQLINTEGER,
    value: AppPtr,
    len: SQLINTEGER,
) -> SQLRETURN {
    entry(hdbc, HandleKind::Conn, |h| {
        let conn = as_conn(h)?;
        let value = if STRING_ATTRS.contains(&attribute) {
            AttrValue::Text(attr_text::<E>(value, len)?)
        } else {
            AttrValue::Int(value.address())
        };
        conn.set_attr(attribute, value)?;
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
pub unsafe extern "C" fn SQLSetConnectAttr(
    ConnectionHandle: SQLHDBC,
    Attribute: SQLINTEGER,
    Value: SQLPOINTER,
    StringLength: SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers this pointer argument.
    set_connect_attr::<Narrow>(
        ConnectionHandle,
        Attribute,
        unsafe { AppPtr::new(Value) },
        StringLength,
    )
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLSetConnectAttrW(
    hdbc: SQLHDBC,
    fAttribute: SQLINTEGER,
    rgbValue: SQLPOINTER,
    cbValue: SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers this pointer argument.
    set_connect_attr::<Wide>(hdbc, fAttribute, unsafe { AppPtr::new(rgbValue) }, cbValue)
}

fn get_connect_attr<E: Encoding>(
    hdbc: SQLHDBC,
    attribute: SQLINTEGER,
    value: AppPtr,
    max: SQLINTEGER,
    out_len: AppPtr,
) -> SQLRETURN {
    entry(hdbc, HandleKind::Conn, |h| {
        match as_conn(h)?.get_attr(attribute)? {
            AttrValue::Int(v) => {
                value.write_u32(v as u32);
                out_len.write_i32(4);
            }
            AttrValue::Text(t) => {
                let written = output_text::<E>(h, value, max as isize, LengthUnit::Bytes, &t);
                out_len.write_i32(written.full_len as i32);
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
pub unsafe extern "C" fn SQLGetConnectAttr(
    ConnectionHandle: SQLHDBC,
    Attribute: SQLINTEGER,
    Value: SQLPOINTER,
    BufferLength: SQLINTEGER,
    StringLength: *mut SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_connect_attr::<Narrow>(
            ConnectionHandle,
            Attribute,
            AppPtr::new(Value),
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
pub unsafe extern "C" fn SQLGetConnectAttrW(
    hdbc: SQLHDBC,
    fAttribute: SQLINTEGER,
    rgbValue: SQLPOINTER,
    cbValueMax: SQLINTEGER,
    pcbValue: *mut SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        get_connect_attr::<Wide>(
            hdbc,
            fAttribute,
            AppPtr::new(rgbValue),
            cbValueMax,
            AppPtr::new(pcbValue),
        )
    }
}

fn native_sql<E: Encoding>(
    hdbc: SQLHDBC,
    text_in: AppPtr,
    len_in: SQLINTEGER,
    text_out: AppPtr,
    out_max: SQLINTEGER,
    out_len: AppPtr,
) -> SQLRETURN {
    entry(hdbc, HandleKind::Conn, |h| {
        let conn = as_conn(h)?;
        let sql = read_input::<E>(text_in, len_in as isize)?
            .ok_or_else(|| null_pointer("InStatementText"))?;
        let session = conn.session()?;
        let native = session.engine.native_sql(&sql)?;
        let written = output_text::<E>(
            h,
            text_out,
            out_max as isize,
            LengthUnit::Characters,
            &native,
        );
        out_len.write_i32(written.full_len as i32);
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
pub unsafe extern "C" fn SQLNativeSql(
    hdbc: SQLHDBC,
    szSqlStrIn: *mut SQLCHAR,
    cbSqlStrIn: SQLINTEGER,
    szSqlStr: *mut SQLCHAR,
    cbSqlStrMax: SQLINTEGER,
    pcbSqlStr: *mut SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        native_sql::<Narrow>(
            hdbc,
            AppPtr::new(szSqlStrIn),
            cbSqlStrIn,
            AppPtr::new(szSqlStr),
            cbSqlStrMax,
            AppPtr::new(pcbSqlStr),
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
pub unsafe extern "C" fn SQLNativeSqlW(
    hdbc: SQLHDBC,
    szSqlStrIn: *mut SQLWCHAR,
    cbSqlStrIn: SQLINTEGER,
    szSqlStr: *mut SQLWCHAR,
    cbSqlStrMax: SQLINTEGER,
    pcbSqlStr: *mut SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        native_sql::<Wide>(
            hdbc,
            AppPtr::new(szSqlStrIn),
            cbSqlStrIn,
            AppPtr::new(szSqlStr),
            cbSqlStrMax,
            AppPtr::new(pcbSqlStr),
        )
    }
}
