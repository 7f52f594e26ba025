//! Connection exports: SQLDriverConnect, SQLConnect, SQLDisconnect, SQLSetConnectAttr,
//! SQLGetConnectAttr and SQLNativeSql, each in ANSI and Unicode form.
#![allow(non_snake_case)]

use super::memory::AppPtr;
use super::text::{read_input, Encoding, LengthUnit, Narrow, Wide};
use super::types::*;
use super::{as_conn, entry, null_pointer, output_text, Kind};
use crate::connect::grammar::Attributes;
use crate::error::{state, Error, Result};
use crate::handles::connection::AttrValue;
use crate::handles::Status;

const SQL_DRIVER_NOPROMPT: u16 = 0;
const SQL_DRIVER_COMPLETE: u16 = 1;
const SQL_DRIVER_PROMPT: u16 = 2;
const SQL_DRIVER_COMPLETE_REQUIRED: u16 = 3;

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
    entry(hdbc, Kind::Conn, |h| {
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
                format!("[apiodbc] DriverCompletion {completion} is not valid"),
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

#[no_mangle]
pub extern "C" fn SQLDriverConnect(
    hdbc: SQLHDBC,
    _hwnd: SQLHWND,
    szConnStrIn: *mut SQLCHAR,
    cbConnStrIn: SQLSMALLINT,
    szConnStrOut: *mut SQLCHAR,
    cbConnStrOutMax: SQLSMALLINT,
    pcbConnStrOut: *mut SQLSMALLINT,
    fDriverCompletion: SQLUSMALLINT,
) -> SQLRETURN {
    driver_connect::<Narrow>(
        hdbc,
        AppPtr::from_ptr(szConnStrIn),
        cbConnStrIn,
        AppPtr::from_ptr(szConnStrOut),
        cbConnStrOutMax,
        AppPtr::from_ptr(pcbConnStrOut),
        fDriverCompletion,
    )
}

#[no_mangle]
pub extern "C" fn SQLDriverConnectW(
    hdbc: SQLHDBC,
    _hwnd: SQLHWND,
    szConnStrIn: *mut SQLWCHAR,
    cbConnStrIn: SQLSMALLINT,
    szConnStrOut: *mut SQLWCHAR,
    cbConnStrOutMax: SQLSMALLINT,
    pcbConnStrOut: *mut SQLSMALLINT,
    fDriverCompletion: SQLUSMALLINT,
) -> SQLRETURN {
    driver_connect::<Wide>(
        hdbc,
        AppPtr::from_ptr(szConnStrIn),
        cbConnStrIn,
        AppPtr::from_ptr(szConnStrOut),
        cbConnStrOutMax,
        AppPtr::from_ptr(pcbConnStrOut),
        fDriverCompletion,
    )
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
    entry(hdbc, Kind::Conn, |h| {
        let conn = as_conn(h)?;
        let dsn =
            read_input::<E>(dsn, dsn_len as isize)?.ok_or_else(|| null_pointer("ServerName"))?;
        let mut attrs = Attributes::new();
        attrs.insert_if_absent("DSN", dsn);
        if let Some(user) = read_input::<E>(uid, uid_len as isize)?.filter(|u| !u.is_empty()) {
            attrs.insert_if_absent("UID", user);
        }
        if let Some(password) = read_input::<E>(pwd, pwd_len as isize)?.filter(|p| !p.is_empty()) {
            attrs.insert_if_absent("PWD", password);
        }
        conn.connect(&attrs.to_connection_string())?;
        Ok(Status::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLConnect(
    ConnectionHandle: SQLHDBC,
    ServerName: *mut SQLCHAR,
    NameLength1: SQLSMALLINT,
    UserName: *mut SQLCHAR,
    NameLength2: SQLSMALLINT,
    Authentication: *mut SQLCHAR,
    NameLength3: SQLSMALLINT,
) -> SQLRETURN {
    connect::<Narrow>(
        ConnectionHandle,
        AppPtr::from_ptr(ServerName),
        NameLength1,
        AppPtr::from_ptr(UserName),
        NameLength2,
        AppPtr::from_ptr(Authentication),
        NameLength3,
    )
}

#[no_mangle]
pub extern "C" fn SQLConnectW(
    hdbc: SQLHDBC,
    szDSN: *mut SQLWCHAR,
    cbDSN: SQLSMALLINT,
    szUID: *mut SQLWCHAR,
    cbUID: SQLSMALLINT,
    szAuthStr: *mut SQLWCHAR,
    cbAuthStr: SQLSMALLINT,
) -> SQLRETURN {
    connect::<Wide>(
        hdbc,
        AppPtr::from_ptr(szDSN),
        cbDSN,
        AppPtr::from_ptr(szUID),
        cbUID,
        AppPtr::from_ptr(szAuthStr),
        cbAuthStr,
    )
}

#[no_mangle]
pub extern "C" fn SQLDisconnect(ConnectionHandle: SQLHDBC) -> SQLRETURN {
    entry(ConnectionHandle, Kind::Conn, |h| {
        as_conn(h)?.disconnect()?;
        Ok(Status::Success)
    })
}

const STRING_ATTRS: [i32; 3] = [
    crate::handles::connection::SQL_ATTR_CURRENT_CATALOG,
    crate::handles::connection::SQL_ATTR_TRACEFILE,
    crate::handles::connection::SQL_ATTR_TRANSLATE_LIB,
];

/// A string attribute value; for the W functions the length is in bytes.
fn attr_text<E: Encoding>(value: AppPtr, len: SQLINTEGER) -> Result<String> {
    let units = if len >= 0 {
        len as isize / E::UNIT as isize
    } else {
        len as isize
    };
    Ok(read_input::<E>(value, units)?.unwrap_or_default())
}

fn set_connect_attr<E: Encoding>(
    hdbc: SQLHDBC,
    attribute: SQLINTEGER,
    value: SQLPOINTER,
    len: SQLINTEGER,
) -> SQLRETURN {
    entry(hdbc, Kind::Conn, |h| {
        let conn = as_conn(h)?;
        let value = if STRING_ATTRS.contains(&attribute) {
            AttrValue::Text(attr_text::<E>(AppPtr::from_ptr(value), len)?)
        } else {
            AttrValue::Int(value as usize)
        };
        conn.set_attr(attribute, value)?;
        Ok(Status::Success)
    })
}

#[no_mangle]
pub extern "C" fn SQLSetConnectAttr(
    ConnectionHandle: SQLHDBC,
    Attribute: SQLINTEGER,
    Value: SQLPOINTER,
    StringLength: SQLINTEGER,
) -> SQLRETURN {
    set_connect_attr::<Narrow>(ConnectionHandle, Attribute, Value, StringLength)
}

#[no_mangle]
pub extern "C" fn SQLSetConnectAttrW(
    hdbc: SQLHDBC,
    fAttribute: SQLINTEGER,
    rgbValue: SQLPOINTER,
    cbValue: SQLINTEGER,
) -> SQLRETURN {
    set_connect_attr::<Wide>(hdbc, fAttribute, rgbValue, cbValue)
}

fn get_connect_attr<E: Encoding>(
    hdbc: SQLHDBC,
    attribute: SQLINTEGER,
    value: AppPtr,
    max: SQLINTEGER,
    out_len: AppPtr,
) -> SQLRETURN {
    entry(hdbc, Kind::Conn, |h| {
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

#[no_mangle]
pub extern "C" fn SQLGetConnectAttr(
    ConnectionHandle: SQLHDBC,
    Attribute: SQLINTEGER,
    Value: SQLPOINTER,
    BufferLength: SQLINTEGER,
    StringLength: *mut SQLINTEGER,
) -> SQLRETURN {
    get_connect_attr::<Narrow>(
        ConnectionHandle,
        Attribute,
        AppPtr::from_ptr(Value),
        BufferLength,
        AppPtr::from_ptr(StringLength),
    )
}

#[no_mangle]
pub extern "C" fn SQLGetConnectAttrW(
    hdbc: SQLHDBC,
    fAttribute: SQLINTEGER,
    rgbValue: SQLPOINTER,
    cbValueMax: SQLINTEGER,
    pcbValue: *mut SQLINTEGER,
) -> SQLRETURN {
    get_connect_attr::<Wide>(
        hdbc,
        fAttribute,
        AppPtr::from_ptr(rgbValue),
        cbValueMax,
        AppPtr::from_ptr(pcbValue),
    )
}

fn native_sql<E: Encoding>(
    hdbc: SQLHDBC,
    text_in: AppPtr,
    len_in: SQLINTEGER,
    text_out: AppPtr,
    out_max: SQLINTEGER,
    out_len: AppPtr,
) -> SQLRETURN {
    entry(hdbc, Kind::Conn, |h| {
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

#[no_mangle]
pub extern "C" fn SQLNativeSql(
    hdbc: SQLHDBC,
    szSqlStrIn: *mut SQLCHAR,
    cbSqlStrIn: SQLINTEGER,
    szSqlStr: *mut SQLCHAR,
    cbSqlStrMax: SQLINTEGER,
    pcbSqlStr: *mut SQLINTEGER,
) -> SQLRETURN {
    native_sql::<Narrow>(
        hdbc,
        AppPtr::from_ptr(szSqlStrIn),
        cbSqlStrIn,
        AppPtr::from_ptr(szSqlStr),
        cbSqlStrMax,
        AppPtr::from_ptr(pcbSqlStr),
    )
}

#[no_mangle]
pub extern "C" fn SQLNativeSqlW(
    hdbc: SQLHDBC,
    szSqlStrIn: *mut SQLWCHAR,
    cbSqlStrIn: SQLINTEGER,
    szSqlStr: *mut SQLWCHAR,
    cbSqlStrMax: SQLINTEGER,
    pcbSqlStr: *mut SQLINTEGER,
) -> SQLRETURN {
    native_sql::<Wide>(
        hdbc,
        AppPtr::from_ptr(szSqlStrIn),
        cbSqlStrIn,
        AppPtr::from_ptr(szSqlStr),
        cbSqlStrMax,
        AppPtr::from_ptr(pcbSqlStr),
    )
}
